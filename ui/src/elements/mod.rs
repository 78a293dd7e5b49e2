//! One module per Element, named as in the protocol's `ElementKind`.

pub mod agenda;
pub mod map;
pub mod me;
pub mod people;
pub mod quests;
pub mod staff;
pub mod voting;
