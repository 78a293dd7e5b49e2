//! The Elements UI. One shell, one module per Element under `elements/`; every call to the
//! app goes through [`api::invoke`] with a typed command from the protocol crate.

mod api;
mod elements;
mod icons;
mod shell;

fn main() {
    leptos::mount::mount_to_body(shell::Shell);
}
