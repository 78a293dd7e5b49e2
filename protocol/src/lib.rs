//! Wire types of Elements, and nothing else.
//!
//! This crate compiles for native targets and for wasm32: the UI, the app, the future
//! backend and any third-party tool share these definitions. It does no IO and holds no
//! logic beyond serde shapes.
//!
//! * [`event`] — the Elements event format (format version [`event::FORMAT_VERSION`]):
//!   what an event publishes and what the app caches. The bundled demo event is written in it.
//! * [`app`] — the typed commands between the UI and the app's Rust side, and the stable
//!   error value that crosses that boundary.
//! * [`sync`], [`signal`], [`auth`], [`live`] — the Element HTTP protocol between the app and
//!   any Element backend: pulling changes, pushing signals, tokens, the live stream.
//! * [`people`] — the people Element: profiles with per-field visibility, contacts,
//!   meetings, messages.
//! * [`staff`] — the staff Element: passes and gates for check-in, admissions, reward codes.
//! * [`link`] — the `elements://` links QR codes carry, with their one parser and printer.

/// A fieldless enum of the wire declared once: each variant with its name on the wire, from
/// which serde's names, `ALL` (every variant, in order) and `as_str` are made.
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )*
        }
    ) => {
        $(#[$meta])*
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $wire)] $variant, )*
        }

        impl $name {
            /// Every variant, in the order declared.
            pub const ALL: [$name; [$($wire),*].len()] = [$($name::$variant),*];

            /// Its name on the wire.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $wire, )*
                }
            }
        }
    };
}

pub mod app;
pub mod auth;
pub mod event;
pub mod link;
pub mod live;
pub mod people;
pub mod scenario;
pub mod signal;
pub mod staff;
pub mod sync;
pub mod venue;
