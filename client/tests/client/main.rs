//! The app core's integration tests, in one binary: each test binary links the client, the
//! reference backend and their dependencies, which on two cores costs more than the tests.

/// Plain `reqwest` clients in the tests (http:// included) need the process's TLS provider: ring,
/// made the default before any test runs, whatever order they run in.
#[ctor::ctor(unsafe)]
fn tls_provider() {
    elements_tls::install_default_provider();
}

mod common;

mod api;
mod cache;
mod https;
mod map;
mod my_agenda;
mod people;
mod push;
mod quests;
mod scan;
mod simulation;
mod staff;
mod sync;
mod voting;
