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
//! * [`sync`], [`signal`], [`auth`], [`live`], `stream` — the Element HTTP protocol between the app and
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

pub mod analytics;
pub mod app;
pub mod auth;
pub mod event;
pub mod link;
pub mod live;
pub mod people;
pub mod scenario;
pub mod signal;
pub mod staff;
#[cfg(feature = "json")]
pub mod stream;
pub mod sync;
pub mod venue;

/// An integer as JSON Schema counts them: `574` and also `574.0` (a number whose fraction is
/// zero), which some JSON writers emit; anything else is an error naming the value.
pub(crate) fn whole_number<'de, D, T>(de: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<u64>,
{
    struct Whole;
    impl serde::de::Visitor<'_> for Whole {
        type Value = u64;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a non-negative whole number")
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<u64, E> {
            Ok(v)
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<u64, E> {
            u64::try_from(v).map_err(|_| E::custom(format!("{v} is negative")))
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<u64, E> {
            // 2^64 is the first float past u64::MAX.
            if v.fract() == 0.0 && (0.0..18_446_744_073_709_551_616.0).contains(&v) {
                Ok(v as u64)
            } else {
                Err(E::custom(format!("{v} is not a whole number in range")))
            }
        }
    }
    let n = de.deserialize_any(Whole)?;
    T::try_from(n).map_err(|_| serde::de::Error::custom(format!("{n} is too large")))
}
