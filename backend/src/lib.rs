//! The reference Element backend.
//!
//! * [`store`] — the event and its change log behind the [`store::Store`] trait; SQLite (WAL)
//!   is the embedded default.
//! * [`http`] — the Element HTTP protocol (`elements_protocol::sync`) on axum.
//!
//! The binary (`src/main.rs`) adds the command line: `serve` and `import`.

pub mod conformance;
pub mod http;
pub mod server;
pub mod store;
pub mod testing;

/// The demo event that `serve` loads into an empty database.
pub const DEMO_EVENT_JSON: &str = include_str!("../../assets/demo-event/event.json");
