//! The app core's integration tests, in one binary: each test binary links the client, the
//! reference backend and their dependencies, which on two cores costs more than the tests.

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
