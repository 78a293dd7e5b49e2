//! One module per Element, named as in the protocol's `ElementKind`.

pub mod agenda;
pub mod coming_soon;
pub mod map;
pub mod me;
pub mod quests;
pub mod voting;
