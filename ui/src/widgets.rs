//! What every screen shows the same way: an answer still loading, an error in the person's
//! language, an Element's name. Below the screens and the shell; imports neither.

use elements_protocol::app::ApiError;
use elements_protocol::event::ElementKind;
use leptos::prelude::*;

use crate::api::Loaded;
use crate::i18n::text;
use crate::t;

/// An error from the core, in the person's language: what happened by its stable code (and,
/// for a refusal, the rule), with the core's own words beneath for whoever reports it.
#[component]
pub fn ErrorPanel(error: ApiError) -> impl IntoView {
    let code = error.code.as_str();
    let reason = error.reason;
    let message = error.message.clone();
    view! {
        <div class="error-panel" role="alert" data-testid="error" data-code=code>
            <h2>{move || t!("error-title")}</h2>
            <p>{move || error_sentence(code, reason)}</p>
            <p class="muted error-detail">{message}</p>
        </div>
    }
}

/// The sentence for an error code (or the refusing rule).
pub fn error_sentence(code: &str, reason: Option<elements_protocol::signal::Reason>) -> String {
    match reason {
        Some(r) => text(&format!("reason-{}", r.as_str()), &[]),
        None => text(&format!("error-{code}"), &[]),
    }
}

/// An Element's name: the organizer's, else ours in the person's language.
pub fn element_title(kind: ElementKind, own: Option<&str>) -> String {
    own.map(str::to_string).unwrap_or_else(|| text(&format!("element-{}", kind.as_str()), &[]))
}

/// The one way to show a [`Loaded`] value: `loading` while nothing arrived, the error panel on
/// an error, else `ready(answer)`.
pub fn show<T>(
    loaded: Loaded<T>,
    loading: String,
    ready: impl FnOnce(T) -> leptos::prelude::AnyView,
) -> leptos::prelude::AnyView {
    match loaded {
        None => view! { <div class="loading" aria-busy="true">{loading}</div> }.into_any(),
        Some(Err(e)) => view! { <ErrorPanel error=e /> }.into_any(),
        Some(Ok(answer)) => ready(answer),
    }
}

/// Shows `loaded` the one way (see [`show`]) with the loading text in the person's
/// language.
pub fn show_loading<T>(loaded: crate::api::Loaded<T>, ready: impl FnOnce(T) -> AnyView) -> AnyView {
    show(loaded, t!("loading"), ready)
}
