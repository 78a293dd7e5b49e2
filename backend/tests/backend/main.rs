//! The reference backend's integration tests, in one binary: each test binary links the whole
//! backend and its dependencies, which on two cores costs more than the tests themselves.

/// Plain `reqwest` clients in the tests (http:// included) need the process's TLS provider: ring,
/// made the default before any test runs, whatever order they run in.
#[ctor::ctor(unsafe)]
fn tls_provider() {
    elements_tls::install_default_provider();
}

mod common;

mod analytics;
mod ballots;
mod cli;
mod cluster;
mod conformance;
mod hostile;
mod http;
mod https;
mod openapi;
mod ops;
mod people;
mod postgres;
mod roles;
mod roster;
mod signals;
mod staff;
mod store_suite;
