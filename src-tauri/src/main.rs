//! The Elements desktop binary; everything is in the library (`lib.rs`), which mobile builds
//! enter at its `run`.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    elements_app::main_with_args()
}
