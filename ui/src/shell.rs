//! The app shell: event header, navigation between the Elements the event enables, and the
//! active Element's screen. Navigation is a bottom tab bar on phones and a side rail from
//! tablet width up (CSS decides; the markup is the same).

use elements_protocol::app::{ApiError, DeviceMode, EventOverview, GetEventOverview, GetSyncStatus, NoArgs, SyncState};
use elements_protocol::event::ElementKind;
use leptos::prelude::*;

use crate::api::load;
use crate::elements::{agenda::Agenda, coming_soon::ComingSoon, me::Me, voting::Voting};
use crate::icons::element_icon;

#[component]
pub fn Shell() -> impl IntoView {
    let overview = load::<GetEventOverview>(|| NoArgs {});
    move || match overview.state.get() {
        None => view! {
            <div class="splash" data-testid="splash">
                <div class="splash-mark"></div>
                <p>"Opening your event…"</p>
            </div>
        }
        .into_any(),
        Some(Err(e)) => view! { <ErrorPanel error=e /> }.into_any(),
        Some(Ok(ov)) => view! { <Frame overview=ov /> }.into_any(),
    }
}

#[component]
pub fn ErrorPanel(error: ApiError) -> impl IntoView {
    view! {
        <div class="error-panel" role="alert" data-testid="error" data-code=error.code.as_str()>
            <h2>"Something went wrong"</h2>
            <p>{error.message}</p>
            <p class="muted">"Error code: " {error.code.as_str()}</p>
        </div>
    }
}

/// Where the data comes from and whether it is fresh: "Synced just now", "Offline · saved data".
#[component]
fn SyncBadge() -> impl IntoView {
    let status = load::<GetSyncStatus>(|| NoArgs {});
    if let Ok(handle) = set_interval_with_handle(move || status.refresh(), std::time::Duration::from_secs(15)) {
        on_cleanup(move || handle.clear());
    }
    move || {
        // A status that could not be read shows nothing rather than a wrong badge.
        status.state.get().and_then(Result::ok).map(|s| {
            let (state, text, detail) = match s.backend {
                None => ("demo", "Demo event · works offline".to_string(), String::new()),
                Some(backend) => {
                    let failing: Vec<String> = s
                        .elements
                        .iter()
                        .filter(|e| e.state == SyncState::Retrying)
                        .map(|e| format!("{}: {}", e.kind.as_str(), e.error.clone().unwrap_or_default()))
                        .collect();
                    let agenda = s.elements.iter().find(|e| e.kind == ElementKind::Agenda).or(s.elements.first());
                    let waiting: u32 = s.elements.iter().map(|e| e.waiting).sum();
                    if !failing.is_empty() {
                        let text = match waiting {
                            0 => "Offline · showing saved data".to_string(),
                            n => format!("Offline · {n} waiting to send"),
                        };
                        ("retrying", text, failing.join("\n"))
                    } else if waiting > 0 {
                        ("sending", format!("Sending {waiting}…"), backend)
                    } else if agenda.is_some_and(|e| e.state == SyncState::Synced) {
                        ("synced", format!("Synced {}", agenda.map(|e| e.synced.clone()).unwrap_or_default()), backend)
                    } else {
                        ("never", "Connecting…".to_string(), backend)
                    }
                }
            };
            view! {
                <span class="sync-badge" data-testid="sync-badge" data-state=state title=detail>
                    <span class="sync-dot"></span>
                    {text}
                </span>
            }
        })
    }
}

/// A venue screen is locked down: no context menu, no reload, zoom or developer-tools keys
/// (nobody stands at it with a keyboard, but a passer-by may find one).
fn lock_down() {
    let menu = window_event_listener(leptos::ev::contextmenu, |e| e.prevent_default());
    let keys = window_event_listener(leptos::ev::keydown, |e| {
        let key = e.key();
        let with_modifier = e.ctrl_key() || e.meta_key();
        let blocked = matches!(key.as_str(), "F5" | "F11" | "F12")
            || (with_modifier && matches!(key.to_lowercase().as_str(), "r" | "+" | "=" | "-" | "0" | "p" | "s" | "u"))
            || (with_modifier && e.shift_key() && matches!(key.to_lowercase().as_str(), "i" | "j" | "c"));
        if blocked {
            e.prevent_default();
        }
    });
    on_cleanup(move || {
        menu.remove();
        keys.remove();
    });
}

#[component]
fn Frame(overview: EventOverview) -> impl IntoView {
    let kiosk = overview.mode == DeviceMode::Kiosk;
    if kiosk {
        lock_down();
    }
    let active = RwSignal::new(overview.elements.first().map(|e| e.kind).unwrap_or(ElementKind::Agenda));
    let notice = RwSignal::new(overview.notice.clone());
    let style = format!("--brand: {}; --accent: {};", overview.primary_color, overview.accent_color);
    let elements = overview.elements.clone();
    let nav_items = elements
        .iter()
        .map(|e| {
            let kind = e.kind;
            let title = e.title.clone();
            view! {
                <button
                    class="nav-item"
                    class:active=move || active.get() == kind
                    data-testid=format!("nav-{}", kind.as_str())
                    aria-current=move || if active.get() == kind { Some("page") } else { None }
                    on:click=move |_| active.set(kind)
                >
                    {element_icon(kind)}
                    <span class="nav-label">{title}</span>
                </button>
            }
        })
        .collect_view();
    let ov = StoredValue::new(overview.clone());
    view! {
        <div class="app" class:kiosk=kiosk style=style data-mode=match overview.mode {
            DeviceMode::Attendee => "attendee",
            DeviceMode::Staff => "staff",
            DeviceMode::Kiosk => "kiosk",
        }>
            // A venue screen shows its panels, not the app's navigation.
            {(!kiosk).then(|| view! {
                <nav class="nav" aria-label="Elements">
                    <div class="nav-brand" aria-hidden="true">
                        <span class="brand-dot"></span>
                    </div>
                    {nav_items}
                </nav>
            })}
            <div class="main">
                <header class="topbar">
                    <div class="event-title">
                        <h1 data-testid="event-name">{overview.name.clone()}</h1>
                        <p class="event-meta">
                            <span>{overview.dates_label.clone()}</span>
                            {(!overview.venue.trim_matches([' ', ',']).is_empty()).then(|| view! {
                                <span class="sep">"·"</span>
                                <span>{overview.venue.clone()}</span>
                            })}
                        </p>
                    </div>
                    <SyncBadge />
                </header>
                {move || notice.get().map(|text| view! {
                    <div class="notice" role="status" data-testid="notice">
                        <p>{text}</p>
                        <button class="link" on:click=move |_| notice.set(None)>"Dismiss"</button>
                    </div>
                })}
                <main class="content">
                    {move || {
                        let kind = active.get();
                        let title = elements
                            .iter()
                            .find(|e| e.kind == kind)
                            .map(|e| e.title.clone())
                            .unwrap_or_default();
                        match kind {
                            ElementKind::Agenda => view! { <Agenda overview=ov.get_value() /> }.into_any(),
                            ElementKind::Voting => view! { <Voting /> }.into_any(),
                            ElementKind::Me => view! { <Me /> }.into_any(),
                            other => view! { <ComingSoon kind=other title=title /> }.into_any(),
                        }
                    }}
                </main>
            </div>
        </div>
    }
}
