//! My badge to show, a badge to scan or type, and the contacts just made.

use super::*;

/// My badge, large, and scanning someone else's (a photo, or the code typed).
#[component]
pub(super) fn BadgePane(selected: RwSignal<Option<String>>) -> impl IntoView {
    let me = load::<GetMyProfile>(|| NoArgs {}).refresh_on(Changed::Element(ElementKind::People));
    let contacts =
        load::<GetContacts>(|| SearchArgs { query: String::new() }).refresh_on(Changed::Element(ElementKind::People));
    let code = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let answer = RwSignal::new(None::<Result<String, String>>);
    let exchange = move |args: BadgeArgs| {
        busy.set(true);
        answer.set(None);
        spawn_local(async move {
            match invoke::<ExchangeBadge>(&args).await {
                Ok(view) => {
                    let who = view.pending.last().and_then(|p| p.name.clone()).unwrap_or_default();
                    contacts.state.set(Some(Ok(view)));
                    code.set(String::new());
                    answer.set(Some(Ok(who)));
                    crate::api::notify(Changed::Element(ElementKind::People));
                }
                Err(e) => answer.set(Some(Err(problem_of(&e)))),
            }
            busy.set(false);
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        exchange(BadgeArgs { code: code.get_untracked(), image: None });
    };
    let photo = move |ev: leptos::ev::Event| {
        let Some(reading) = crate::api::picked_file(&ev) else { return };
        spawn_local(async move {
            if let Some(image) = reading.await {
                exchange(BadgeArgs { code: String::new(), image: Some(image) });
            }
        });
    };
    view! {
        <div class="people-badge">
            {move || show_loading(me.state.get(), move |v: MyProfileView| {
                let offline = offline_note(v.offline);
                match v.badge {
                    Some(b) => view! {
                        <div class="panel badge-card" data-testid="my-badge">
                            <h2>{t!("people-badge-title")}</h2>
                            <p class="muted">{t!("people-badge-help")}</p>
                            <div class="badge-qr" inner_html=b.svg.clone() role="img"
                                aria-label=t!("people-badge-qr", code = b.code.clone()) data-link=b.link.clone()></div>
                            <p class="badge-name">{v.profile.name.clone()}</p>
                            <p class="badge-code" data-testid="badge-code">{b.code.clone()}</p>
                        </div>
                    }.into_any(),
                    None => view! {
                        <div class="panel badge-card" data-testid="my-badge">
                            <h2>{t!("people-badge-title")}</h2>
                            {offline}
                            <p class="muted">{t!("people-badge-none")}</p>
                        </div>
                    }.into_any(),
                }
            })}
            <form class="panel scan-panel" data-testid="badge-scan" on:submit=submit>
                <div class="scan-head">
                    <h2>{move || t!("people-scan-title")}</h2>
                    <label class="scan-button" class:disabled=move || busy.get()>
                        <input type="file" accept="image/*" capture="environment" data-testid="badge-photo"
                            on:change=photo disabled=move || busy.get() />
                        <span>{move || t!("people-scan-photo")}</span>
                    </label>
                </div>
                <div class="scan-row">
                    <input type="text" data-testid="badge-code-input" autocomplete="off" spellcheck="false"
                        aria-label=move || t!("people-scan-code") placeholder="K7Q2-MX4P"
                        prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev)) />
                    <button class="primary" type="submit" data-testid="badge-add"
                        disabled=move || busy.get() || code.get().trim().is_empty()>{move || t!("people-scan-add")}</button>
                </div>
                {move || answer.get().map(|a| match a {
                    Ok(who) => view! {
                        <p class="scan-found" role="status" data-testid="badge-result" data-status="added">
                            {if who.is_empty() { t!("people-scan-added") } else { t!("people-scan-added-name", name = who) }}
                        </p>
                    }.into_any(),
                    Err(p) => view! { <p class="form-error" role="alert" data-testid="badge-result" data-status="refused">{p}</p> }.into_any(),
                })}
                {move || contacts.state.get().and_then(Result::ok).filter(|c| !c.pending.is_empty()).map(|c| view! {
                    <div class="pending-badges" data-testid="pending-badges">
                        <h3 class="detail-subtitle">{t!("people-pending")}</h3>
                        <ul class="tags">
                            {c.pending.into_iter().map(|p| view! { <li>{p.name.unwrap_or(p.code)}</li> }).collect_view()}
                        </ul>
                        <p class="muted">{t!("people-pending-help")}</p>
                    </div>
                })}
            </form>
            <RecentContacts contacts selected />
        </div>
    }
}

#[component]
pub(super) fn RecentContacts(
    contacts: crate::api::Load<GetContacts>,
    selected: RwSignal<Option<String>>,
) -> impl IntoView {
    move || {
        contacts.state.get().and_then(Result::ok).filter(|c: &ContactsView| !c.contacts.is_empty()).map(|c| {
            view! {
                <div class="panel recent">
                    <h2>{t!("people-recent")}</h2>
                    <ul class="person-list">
                        {c.contacts.into_iter().take(3).map(|c| person_row(c.card, selected, None)).collect_view()}
                    </ul>
                </div>
            }
        })
    }
}
