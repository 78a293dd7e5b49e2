//! The reference backend's integration tests, in one binary: each test binary links the whole
//! backend and its dependencies, which on two cores costs more than the tests themselves.

mod common;

mod ballots;
mod cli;
mod conformance;
mod hostile;
mod http;
mod https;
mod openapi;
mod ops;
mod people;
mod signals;
mod staff;
