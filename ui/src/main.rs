//! The Elements UI. One shell, one module per Element under `elements/`; every call to the
//! app goes through [`api::invoke`] with a typed command from the protocol crate.

mod api;
mod elements;
mod i18n;
mod icons;
mod kiosk;
mod nav;
mod shell;
mod theme;
mod widgets;

fn main() {
    // A panic stops the UI: say why in the console and on the page (`data-panic`, which the
    // end-to-end tests print when a screen never appears).
    std::panic::set_hook(Box::new(|info| {
        let text = info.to_string();
        web_sys::console::error_1(&text.clone().into());
        if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
            let _ = root.set_attribute("data-panic", &text);
        }
    }));
    leptos::mount::mount_to_body(shell::Shell);
}
