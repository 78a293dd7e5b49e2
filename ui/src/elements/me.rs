//! The "me" Element: where this device's event comes from, and joining another event by its
//! address or the join link its QR code carries (`elements://join?url=…&code=…`).

use elements_i18n::Lang;
use elements_protocol::app::{
    Changed, GetPreferences, GetSyncStatus, JoinArgs, JoinEvent, NoArgs, Preferences, ScannedKind, SetPreferences,
    SyncState, Theme,
};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{invoke, load};
use crate::i18n;
use crate::t;
use crate::widgets::{element_title, error_sentence};

#[component]
pub fn Me() -> impl IntoView {
    let status = load::<GetSyncStatus>(|| NoArgs {}).refresh_on(Changed::Sync);
    let address = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let join_with = move |args: JoinArgs| {
        spawn_local(async move {
            match invoke::<JoinEvent>(&args).await {
                // The core tells the shell the event changed; it shows the new one.
                Ok(_) => busy.set(false),
                Err(e) => {
                    // The sentence for the code, and the core's words (they name the address).
                    problem.set(Some(format!("{} {}", error_sentence(e.code.as_str(), e.reason), e.message)));
                    busy.set(false);
                }
            }
        });
    };
    let join = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        problem.set(None);
        join_with(JoinArgs {
            url: address.get_untracked(),
            code: Some(code.get_untracked()).filter(|c| !c.trim().is_empty()),
        });
    };
    // A photo of the join QR code (on phones the file picker offers the camera first).
    let scan = move |ev: leptos::ev::Event| {
        let Some(scanning) = crate::api::scan_picked_photo(&ev) else { return };
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            match scanning.await {
                Ok(scanned) if scanned.kind == ScannedKind::Join => {
                    address.set(scanned.text.clone());
                    join_with(JoinArgs { url: scanned.text, code: None });
                }
                Ok(scanned) => {
                    problem.set(Some(t!("scan-not-join", text = scanned.text)));
                    busy.set(false);
                }
                Err(None) => {
                    problem.set(Some(t!("scan-unreadable")));
                    busy.set(false);
                }
                Err(Some(e)) => {
                    problem.set(Some(format!("{} {}", error_sentence(e.code.as_str(), e.reason), e.message)));
                    busy.set(false);
                }
            }
        });
    };
    view! {
        <section class="me" data-testid="element-me">
            <div class="panel">
                <h2>{move || t!("me-device")}</h2>
                {move || status.state.get().and_then(Result::ok).map(|s| match s.backend {
                    None => view! {
                        <p data-testid="event-source">{t!("me-demo")}</p>
                    }.into_any(),
                    Some(b) => view! {
                        <div>
                            <p data-testid="event-source">{t!("me-synced-from")} " " <strong>{b}</strong></p>
                            {s.unencrypted.then(|| view! {
                                <p class="warning" role="alert" data-testid="unencrypted">{t!("me-unencrypted")}</p>
                            })}
                            <ul class="sync-list">
                                {s.elements.into_iter().map(|e| {
                                    let problem = match e.state {
                                        SyncState::Unsupported => t!("me-needs-newer-app"),
                                        _ => t!("me-retrying"),
                                    };
                                    view! {
                                    <li>
                                        <span class="sync-element">{element_title(e.kind, None)}</span>
                                        <span class="muted">{match e.synced_at {
                                            Some(at) => t!("me-synced-ago", ago = i18n::ago(at)),
                                            None => t!("me-never-synced"),
                                        }}</span>
                                        {(e.waiting > 0).then(|| view! {
                                            <span class="waiting">{t!("me-waiting", n = e.waiting)}</span>
                                        })}
                                        {e.error.map(|err| view! { <span class="sync-error" title=err>{problem}</span> })}
                                    </li>
                                    }
                                }).collect_view()}
                                {s.unknown_elements.into_iter().map(|kind| view! {
                                    <li data-testid="unknown-element">
                                        <span class="sync-element">{kind}</span>
                                        <span class="sync-error">{t!("me-needs-newer-app")}</span>
                                    </li>
                                }).collect_view()}
                            </ul>
                        </div>
                    }.into_any(),
                })}
            </div>
            <form class="panel join" on:submit=join data-testid="join-form">
                <h2>{move || t!("join-title")}</h2>
                <p class="muted">{move || t!("join-intro")}</p>
                <label class="scan-button" class:disabled=move || busy.get()>
                    <input
                        type="file"
                        accept="image/*"
                        capture="environment"
                        data-testid="join-scan"
                        disabled=move || busy.get()
                        on:change=scan
                    />
                    <span>{move || t!("join-scan")}</span>
                </label>
                <label>
                    <span>{move || t!("join-address")}</span>
                    <input
                        type="text"
                        inputmode="url"
                        placeholder="https://events.example.org/summit"
                        data-testid="join-url"
                        prop:value=move || address.get()
                        on:input=move |ev| address.set(event_target_value(&ev))
                    />
                </label>
                <label>
                    <span>{move || t!("join-code")}</span>
                    <input
                        type="text"
                        data-testid="join-code"
                        prop:value=move || code.get()
                        on:input=move |ev| code.set(event_target_value(&ev))
                    />
                </label>
                {move || problem.get().map(|p| view! { <p class="form-error" role="alert" data-testid="join-error">{p}</p> })}
                <button class="primary" type="submit" disabled=move || busy.get() || address.get().trim().is_empty()>
                    {move || if busy.get() { t!("join-busy") } else { t!("join-button") }}
                </button>
            </form>
            <Settings />
            <div class="panel" data-testid="me-counted">
                <h2>{move || t!("me-counted-title")}</h2>
                <p class="muted">{move || t!("people-privacy-counted")}</p>
            </div>
        </section>
    }
}

/// Language and theme: switched at once, remembered by the core for the next start.
#[component]
fn Settings() -> impl IntoView {
    let stored = load::<GetPreferences>(|| NoArgs {});
    let save = move |change: &dyn Fn(&mut Preferences)| {
        let mut p = stored.state.get_untracked().and_then(Result::ok).unwrap_or_default();
        change(&mut p);
        crate::theme::apply(p.theme);
        i18n::set_lang(p.language.as_deref().map(Lang::from_tag).unwrap_or_else(i18n::system_language));
        stored.state.set(Some(Ok(p.clone())));
        spawn_local(async move {
            // Shown already; a failure to store only means the next start forgets it.
            let _ = invoke::<SetPreferences>(&p).await;
        });
    };
    let language_choice =
        move || stored.state.get().and_then(Result::ok).and_then(|p| p.language).unwrap_or_else(|| "system".into());
    let theme_choice = move || stored.state.get().and_then(Result::ok).map(|p| p.theme).unwrap_or_default();
    view! {
        <div class="panel settings" data-testid="settings">
            <h2>{move || t!("settings-title")}</h2>
            <label class="setting">
                <span>{move || t!("settings-language")}</span>
                <select
                    data-testid="language"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        save(&|p: &mut Preferences| p.language = (v != "system").then(|| v.clone()));
                    }
                >
                    <option value="system" selected=move || language_choice() == "system">{move || t!("settings-system")}</option>
                    {Lang::ALL.into_iter().map(|l| view! {
                        <option value=l.tag() lang=l.tag() selected=move || language_choice() == l.tag()>{l.own_name()}</option>
                    }).collect_view()}
                </select>
            </label>
            <label class="setting">
                <span>{move || t!("settings-reminders")}</span>
                <select
                    data-testid="reminders"
                    on:change=move |ev| {
                        let v = event_target_value(&ev).parse::<u32>().ok();
                        save(&|p: &mut Preferences| p.reminder_minutes = v);
                    }
                >
                    {elements_protocol::app::REMINDER_CHOICES.into_iter().map(|m| {
                        let chosen = move || {
                            stored.state.get().and_then(Result::ok).and_then(|p| p.reminder_minutes)
                                .unwrap_or(elements_protocol::app::DEFAULT_REMINDER_MINUTES) == m
                        };
                        view! {
                            <option value=m.to_string() selected=chosen>
                                {move || if m == 0 { t!("settings-reminders-off") } else { t!("settings-reminders-minutes", n = m) }}
                            </option>
                        }
                    }).collect_view()}
                </select>
            </label>
            <fieldset class="setting theme-choice" data-testid="theme">
                <legend>{move || t!("settings-theme")}</legend>
                {[(Theme::System, "settings-system"), (Theme::Light, "settings-light"), (Theme::Dark, "settings-dark")]
                    .into_iter()
                    .map(|(theme, key)| view! {
                        <label class="radio">
                            <input
                                type="radio"
                                name="theme"
                                value=theme.as_str()
                                data-testid=format!("theme-{}", theme.as_str())
                                prop:checked=move || theme_choice() == theme
                                on:change=move |_| save(&|p: &mut Preferences| p.theme = theme)
                            />
                            <span>{move || i18n::text(key, &[])}</span>
                        </label>
                    })
                    .collect_view()}
            </fieldset>
        </div>
    }
}
