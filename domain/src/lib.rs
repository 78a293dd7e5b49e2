//! Event logic with no IO.
//!
//! Everything here is a pure function of protocol values and, where time matters, an explicit
//! `now`: nothing reads the clock, a file, a database or the network. The app runs it for
//! instant answers; a backend can run the very same code as the authority.

pub mod agenda;
pub mod facts;
pub mod people;
pub mod qr;
pub mod routing;
pub mod rules;
pub mod scenario;
pub mod staff;
pub mod validate;
pub mod voting;

pub use agenda::{day_of, format_hhmm, now_next, Phase};
pub use validate::{parse_event, validate, ValidationError};

/// A stable 64-bit fingerprint of text (FNV-1a): the same on every build and platform, unlike
/// std's hasher. Used to notice a changed bundled event and to make ETags.
pub fn fingerprint(text: &str) -> u64 {
    fingerprint_bytes(text.as_bytes())
}

/// [`fingerprint`] of any bytes (a floor plan's image).
pub fn fingerprint_bytes(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}
