//! The Elements app's core, as plain Rust functions.
//!
//! * [`cache`] — the local SQLite cache: opening (and recovering from damage), migrations,
//!   writing an event snapshot in one transaction, reading it back.
//! * [`bundled`] — the demo event compiled into the binary: the embedded default.
//! * [`api`] — one function per app command ([`elements_protocol::app`]); the Tauri layer only
//!   forwards to these.
//! * [`paths`] — where the cache lives.
//! * [`sync`] — the sync engine: pushing each Element's outbox, pulling its feed, the live stream.
//! * [`scan`] — reading a QR code from a photo.
//! * [`changes`] — telling the shell (and so the UI) what changed, after it is stored.
//!
//! Nothing here knows about Tauri or the webview.

pub mod api;
pub mod bundled;
pub mod cache;
pub mod changes;
pub mod ics;
pub mod paths;
pub mod plans;
pub mod scan;
pub mod sync;
pub mod vcard;

pub use api::AppApi;
pub use cache::{Cache, CacheError, LoadStep, OpenedCache, Recovery};
