//! Light and dark: the page's `data-theme` is always the one shown ("light" or "dark"), so the
//! stylesheet has one set of colours per theme and no media query of its own. "System" follows
//! the platform's setting, also when it changes while the app runs.

use elements_protocol::app::Theme;
use wasm_bindgen::prelude::*;

thread_local! {
    static CHOSEN: std::cell::Cell<Theme> = const { std::cell::Cell::new(Theme::System) };
    static WATCHING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn system_is_dark() -> Option<web_sys::MediaQueryList> {
    web_sys::window()?.match_media("(prefers-color-scheme: dark)").ok().flatten()
}

fn show() {
    let dark = match CHOSEN.with(|c| c.get()) {
        Theme::Dark => true,
        Theme::Light => false,
        Theme::System => system_is_dark().is_some_and(|q| q.matches()),
    };
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("data-theme", if dark { "dark" } else { "light" });
    }
}

/// Shows `theme` now and remembers it for the system's changes.
pub fn apply(theme: Theme) {
    CHOSEN.with(|c| c.set(theme));
    show();
    if !WATCHING.with(|w| w.replace(true)) {
        if let Some(query) = system_is_dark() {
            let on_change = Closure::<dyn FnMut()>::new(show);
            query.set_onchange(Some(on_change.as_ref().unchecked_ref()));
            on_change.forget();
        }
    }
}
