//! PostgreSQL as the shared store of several backend instances (issue 23), built part by part
//! beside the SQLite default. What is here so far:
//!
//! - [`change_log`]: the feeds' change log, appended by any instance and read in an order that
//!   never skips a row that commits late.
//!
//! The `Store` trait's PostgreSQL implementation is not here yet: `serve` runs on SQLite only.

pub mod change_log;

/// A PostgreSQL error, named for the operator.
#[derive(Debug, thiserror::Error)]
pub enum PgError {
    #[error("the PostgreSQL database failed: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    #[error("a feed cursor that this database did not make: {0}")]
    BadCursor(String),
}
