//! Leads: an exhibitor's badge scans with rating and note, and their CSV.

use super::*;

/// An exhibitor's booth: scan a visitor's badge with a rating and a note, the leads so far,
/// and their export as CSV.
#[component]
pub(super) fn LeadsPane() -> impl IntoView {
    let leads = load::<GetLeads>(|| NoArgs {})
        .refresh_on(Changed::Element(ElementKind::People))
        .refresh_on(Changed::Element(ElementKind::Staff))
        .refresh_on(Changed::Sync);
    let badge = RwSignal::new(String::new());
    let rating = RwSignal::new(3u32);
    let note = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let refused = RwSignal::new(None::<ApiError>);
    let exported = RwSignal::new(None::<String>);
    let capture = move |text: String| {
        busy.set(true);
        refused.set(None);
        let args = LeadArgs { badge: text, rating: rating.get_untracked(), note: note.get_untracked() };
        spawn_local(async move {
            match invoke::<CaptureLead>(&args).await {
                Ok(v) => {
                    leads.state.set(Some(Ok(v)));
                    badge.set(String::new());
                    note.set(String::new());
                }
                Err(e) => refused.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        capture(badge.get_untracked());
    };
    let photo = move |ev: leptos::ev::Event| {
        crate::api::read_photo(&ev, busy, capture, move |e| refused.set(Some(e)));
    };
    let export = move |_| {
        spawn_local(async move {
            match invoke::<ExportLeads>(&NoArgs {}).await {
                Ok(f) => exported.set(Some(f.path)),
                Err(e) => refused.set(Some(e)),
            }
        });
    };
    move || {
        show_loading(leads.state.get(), move |v: LeadsView| {
            let is_staff = v.is_staff;
            view! {
                <div class="staff-panes">
                    <div class="staff-pane">
                        <form class="panel scan-panel" data-testid="staff-lead-form" on:submit=submit>
                            <div class="scan-head">
                                <h2>{t!("staff-leads-capture")}</h2>
                                <label class="scan-button" class:disabled=move || busy.get()>
                                    <input type="file" accept="image/*" capture="environment" data-testid="staff-lead-photo"
                                        on:change=photo disabled=move || busy.get() || !is_staff />
                                    <span>{t!("staff-leads-scan")}</span>
                                </label>
                            </div>
                            <div class="scan-row">
                                <input type="text" data-testid="staff-lead-badge" aria-label=move || t!("staff-leads-badge")
                                    placeholder="K7Q2-MX4P" autocomplete="off" spellcheck="false"
                                    prop:value=move || badge.get() on:input=move |ev| badge.set(event_target_value(&ev)) />
                            </div>
                            <label class="field">
                                <span>{t!("staff-leads-rating")}</span>
                                <select data-testid="staff-lead-rating" on:change=move |ev| rating.set(event_target_value(&ev).parse().unwrap_or(0))>
                                    {(0..=5u32).map(|n| view! {
                                        <option value=n.to_string() selected=move || rating.get() == n>
                                            {if n == 0 { t!("staff-leads-unrated") } else { "★".repeat(n as usize) }}
                                        </option>
                                    }).collect_view()}
                                </select>
                            </label>
                            <label class="field">
                                <span>{t!("staff-leads-note")}</span>
                                <textarea data-testid="staff-lead-note" rows="3" maxlength="1000"
                                    prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                            </label>
                            <button class="primary" type="submit" data-testid="staff-lead-capture"
                                disabled=move || busy.get() || badge.get().trim().is_empty() || !is_staff>
                                {t!("staff-leads-save")}
                            </button>
                            {move || refused.get().map(|e| view! {
                                <p class="refusal" role="alert" data-testid="staff-lead-refused" data-reason=e.reason.map(|r| r.as_str()).unwrap_or(e.code.as_str())>
                                    {refused_sentence(Work::Lead, e.code.as_str(), e.reason)}
                                </p>
                            })}
                        </form>
                    </div>
                    <div class="staff-pane">
                        <div class="panel">
                            <div class="scan-head">
                                <h2>{t!("staff-leads-title", n = v.leads.len() as u32)}</h2>
                                <button class="secondary small" data-testid="staff-leads-export" on:click=export
                                    disabled=v.leads.is_empty()>{t!("staff-leads-export")}</button>
                            </div>
                            {move || exported.get().map(|p| view! {
                                <p class="muted" data-testid="staff-leads-exported" data-path=p.clone()>{t!("staff-leads-exported", path = p.clone())}</p>
                            })}
                            {(!v.waiting.is_empty()).then(|| view! {
                                <ul class="recent-list" data-testid="staff-leads-waiting">
                                    {v.waiting.iter().map(|w| view! {
                                        <li>
                                            <span class="muted">{w.badge.clone()}</span>
                                            <span>{"★".repeat(w.rating as usize)} " " {w.note.clone()}
                                                {w.refused.map(|r| view! { <span class="why">{refused_sentence(Work::Lead, "refused", Some(r))}</span> })}
                                            </span>
                                            <span class=format!("state {}", if w.refused.is_some() { "refused" } else { "" })>
                                                {if w.refused.is_some() { t!("staff-state-refused") } else { t!("staff-state-waiting") }}
                                            </span>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            })}
                            {if v.leads.is_empty() {
                                view! { <p class="muted">{t!("staff-leads-none")}</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="lead-list" data-testid="staff-leads">
                                        {v.leads.iter().map(|l| view! {
                                            <li data-testid="staff-lead" data-profile-id=l.profile_id.clone()>
                                                <div class="staff-poll-head">
                                                    <strong>{l.name.clone()}</strong>
                                                    <span class="stars" aria-label=t!("staff-leads-rated", n = l.rating)>{"★".repeat(l.rating as usize)}</span>
                                                </div>
                                                <p class="muted">{[l.role.clone(), l.organization.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · ")}</p>
                                                {(!l.note.is_empty()).then(|| view! { <p>{l.note.clone()}</p> })}
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        </div>
                    </div>
                </div>
            }
            .into_any()
        })
    }
}
