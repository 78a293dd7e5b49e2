//! Event logic with no IO.
//!
//! Everything here is a pure function of protocol values and, where time matters, an explicit
//! `now`: nothing reads the clock, a file, a database or the network. The app runs it for
//! instant answers; a backend can run the very same code as the authority.

pub mod agenda;
pub mod validate;

pub use agenda::{day_of, format_dates, format_hhmm, now_next, Phase};
pub use validate::{validate, ValidationError};
