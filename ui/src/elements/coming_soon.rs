//! What an enabled Element shows until its screen ships in this app.

use elements_protocol::event::ElementKind;
use leptos::prelude::*;

use crate::icons::element_icon;

#[component]
pub fn ComingSoon(kind: ElementKind, title: String) -> impl IntoView {
    let what = match kind {
        ElementKind::Map => "Find rooms, booths, food and exits on both floors of the venue.",
        ElementKind::Voting => "Vote in live polls during sessions and see the results as they come in.",
        ElementKind::Quests => "Scan checkpoint codes around the venue, collect points and unlock rewards.",
        ElementKind::People => "Find attendees who joined the directory and exchange contacts.",
        ElementKind::Me => "Your badge, your saved sessions and your points.",
        ElementKind::Agenda => "",
    };
    view! {
        <section class="coming-soon" data-testid=format!("element-{}", kind.as_str())>
            <div class="coming-soon-icon">{element_icon(kind)}</div>
            <h2>{title}</h2>
            <p>{what}</p>
            <p class="muted">"This event has switched it on; its screen arrives in a coming version of the app."</p>
        </section>
    }
}
