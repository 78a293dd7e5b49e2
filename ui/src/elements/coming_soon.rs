//! What an enabled Element shows until its screen ships in this app.

use elements_protocol::event::ElementKind;
use leptos::prelude::*;

use crate::i18n::text;
use crate::icons::element_icon;
use crate::shell::element_title;
use crate::t;

#[component]
pub fn ComingSoon(kind: ElementKind, own_title: Option<String>) -> impl IntoView {
    view! {
        <section class="coming-soon" data-testid=format!("element-{}", kind.as_str())>
            <div class="coming-soon-icon" aria-hidden="true">{element_icon(kind)}</div>
            <h2>{move || element_title(kind, own_title.as_deref())}</h2>
            <p>{move || text(&format!("soon-{}", kind.as_str()), &[])}</p>
            <p class="muted">{move || t!("soon-later")}</p>
        </section>
    }
}
