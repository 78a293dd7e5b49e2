//! The app shell: event header, navigation between the Elements the event enables, and the
//! active Element's screen. Navigation is a bottom tab bar on phones and a side rail from
//! tablet width up (CSS decides; the markup is the same).

use elements_protocol::app::{
    Changed, DeviceMode, EventOverview, GetEventOverview, GetPreferences, GetSyncStatus, NoArgs, SyncState,
};
use elements_protocol::event::ElementKind;
use leptos::prelude::*;

use crate::api::load;
use crate::elements::{agenda::Agenda, map::Map, me::Me, people::People, quests::Quests, staff::Staff, voting::Voting};
use crate::i18n;
use crate::icons::element_icon;
use crate::nav::Navigate;
use crate::t;
use crate::widgets::{element_title, ErrorPanel};

#[component]
pub fn Shell() -> impl IntoView {
    crate::api::listen_for_changes();
    // The first screen's answers in one round trip, then the screens ask for them as usual
    // (and find them there).
    let started = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        crate::api::start().await;
        started.set(true);
    });
    move || if started.get() { view! { <Started /> }.into_any() } else { view! { <Splash /> }.into_any() }
}

#[component]
fn Started() -> impl IntoView {
    // Language and theme first, so the first paint is already in the person's language.
    let preferences = load::<GetPreferences>(|| NoArgs {});
    let overview = load::<GetEventOverview>(|| NoArgs {}).refresh_on(Changed::Event);
    let applied = RwSignal::new(false);
    // Which Element shows, and the map's state, outlive a refreshed overview (a synced
    // manifest, the joined event arriving): the person stays where they were.
    let active = RwSignal::new(None::<ElementKind>);
    provide_context(crate::elements::map::MapState::new());
    Effect::new(move |_| {
        if let Some(answer) = preferences.state.get() {
            // Unreadable settings are not worth an error screen: the system's defaults then.
            let p = answer.unwrap_or_default();
            crate::theme::apply(p.theme);
            i18n::set_lang(
                p.language.as_deref().map(elements_i18n::Lang::from_tag).unwrap_or_else(i18n::system_language),
            );
            applied.set(true);
        }
    });
    move || {
        if !applied.get() {
            return view! { <Splash /> }.into_any();
        }
        match overview.state.get() {
            None => view! { <Splash /> }.into_any(),
            Some(Err(e)) => {
                crate::api::take_away_first_screen();
                view! { <ErrorPanel error=e /> }.into_any()
            }
            Some(Ok(ov)) => view! { <Frame overview=ov shown=active /> }.into_any(),
        }
    }
}

#[component]
fn Splash() -> impl IntoView {
    view! {
        <div class="splash" data-testid="splash">
            <div class="splash-mark"></div>
            <p>{move || t!("splash-opening")}</p>
        </div>
    }
}

/// Where the data comes from and whether it is fresh: "Synced just now", "Offline · saved data".
#[component]
fn SyncBadge() -> impl IntoView {
    let status = load::<GetSyncStatus>(|| NoArgs {}).refresh_on(Changed::Sync);
    move || {
        // A status that could not be read shows nothing rather than a wrong badge.
        status.state.get().and_then(Result::ok).map(|s| {
            let (state, text, detail) = match s.backend {
                None => ("demo", t!("sync-demo"), String::new()),
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
                            0 => t!("sync-offline"),
                            n => t!("sync-offline-waiting", n = n),
                        };
                        ("retrying", text, failing.join("\n"))
                    } else if waiting > 0 {
                        ("sending", t!("sync-sending", n = waiting), backend)
                    } else if let Some(at) = agenda.filter(|e| e.state == SyncState::Synced).and_then(|e| e.synced_at) {
                        ("synced", t!("sync-synced", ago = i18n::ago(at)), backend)
                    } else {
                        ("never", t!("sync-connecting"), backend)
                    }
                }
            };
            view! {
                <span class="sync-badge" data-testid="sync-badge" data-state=state title=detail role="status">
                    <span class="sync-dot" aria-hidden="true"></span>
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
fn Frame(overview: EventOverview, shown: RwSignal<Option<ElementKind>>) -> impl IntoView {
    let kiosk = overview.mode == DeviceMode::Kiosk;
    if kiosk {
        lock_down();
    }
    let first = overview.elements.first().map(|e| e.kind).unwrap_or(ElementKind::Agenda);
    // The agenda and the map say when their content is painted; another first screen says it
    // here (the app starts its background work after that report).
    if kiosk {
        crate::api::report_ready_once("venue_screen");
    } else if !matches!(first, ElementKind::Agenda | ElementKind::Map) {
        crate::api::report_ready_once(first.as_str());
    }
    let kept = shown.get_untracked().filter(|k| overview.elements.iter().any(|e| e.kind == *k));
    let active = RwSignal::new(kept.unwrap_or(first));
    // Remembered for the next overview.
    Effect::new(move |_| shown.set(Some(active.get())));
    let navigate = Navigate { active, session: RwSignal::new(None), place: RwSignal::new(None) };
    provide_context(navigate);
    // A place link the app was opened with (now, or later while it runs).
    let opened =
        crate::api::load_fresh::<elements_protocol::app::TakeOpenLink>(|| NoArgs {}).refresh_on(Changed::Opened);
    Effect::new(move |_| {
        if let Some(Ok(Some(link))) = opened.state.get() {
            navigate.follow(&link);
        }
    });
    let notice = RwSignal::new(overview.notice.clone());
    let style = format!("--brand: {}; --accent: {};", overview.primary_color, overview.accent_color);
    let elements = overview.elements.clone();
    let nav_items = elements
        .iter()
        .map(|e| {
            let kind = e.kind;
            let own = e.title.clone();
            view! {
                <button
                    class="nav-item"
                    class:active=move || active.get() == kind
                    data-testid=format!("nav-{}", kind.as_str())
                    aria-current=move || if active.get() == kind { Some("page") } else { None }
                    on:click=move |_| active.set(kind)
                >
                    {element_icon(kind)}
                    <span class="nav-label">{move || element_title(kind, own.as_deref())}</span>
                </button>
            }
        })
        .collect_view();
    let ov = StoredValue::new(overview.clone());
    let (first_day, last_day) = (overview.first_day.clone(), overview.last_day.clone());
    view! {
        <div class="app" class:kiosk=kiosk style=style data-mode=match overview.mode {
            DeviceMode::Attendee => "attendee",
            DeviceMode::Staff => "staff",
            DeviceMode::Kiosk => "kiosk",
        }>
            // A venue screen shows its panels, not the app's navigation.
            {(!kiosk).then(|| view! {
                <nav class="nav" aria-label=move || t!("nav-label")>
                    <div class="nav-brand" aria-hidden="true">
                        <span class="brand-dot"></span>
                    </div>
                    {nav_items}
                </nav>
            })}
            {if kiosk {
                // A venue screen: its own frame of large panels, nothing to navigate.
                view! { <crate::kiosk::VenueScreenView event_name=overview.name.clone() /> }.into_any()
            } else {
                view! {
                    <div class="main">
                        <header class="topbar">
                            <div class="event-title">
                                <h1 data-testid="event-name">{overview.name.clone()}</h1>
                                <p class="event-meta">
                                    <span data-testid="event-dates">{move || i18n::date_range(&first_day, &last_day)}</span>
                                    {(!overview.venue.trim_matches([' ', ',']).is_empty()).then(|| view! {
                                        <span class="sep" aria-hidden="true">"·"</span>
                                        <span>{overview.venue.clone()}</span>
                                    })}
                                </p>
                            </div>
                            <SyncBadge />
                        </header>
                        <AnnouncementBanner />
                        {move || notice.get().map(|text| view! {
                            <div class="notice" role="status" data-testid="notice">
                                <p>{text}</p>
                                <button class="link" on:click=move |_| notice.set(None)>{t!("notice-dismiss")}</button>
                            </div>
                        })}
                        <main class="content">
                            {move || {
                                let kind = active.get();
                                match kind {
                                    ElementKind::Agenda => view! { <Agenda overview=ov.get_value() /> }.into_any(),
                                    ElementKind::Voting => view! { <Voting /> }.into_any(),
                                    ElementKind::Quests => view! { <Quests /> }.into_any(),
                                    ElementKind::Me => view! { <Me /> }.into_any(),
                                    ElementKind::People => view! { <People /> }.into_any(),
                                    ElementKind::Map => view! { <Map /> }.into_any(),
                                    ElementKind::Staff => view! { <Staff /> }.into_any(),
                                }
                            }}
                        </main>
                    </div>
                }.into_any()
            }}
        </div>
    }
}

/// The organizers' newest announcement (to everyone, or to a room or tag this person is in),
/// until dismissed; a new one shows again.
#[component]
fn AnnouncementBanner() -> impl IntoView {
    let news = crate::api::load::<elements_protocol::app::GetAnnouncements>(|| NoArgs {})
        .refresh_on(Changed::Element(ElementKind::Agenda))
        .refresh_on(Changed::Element(ElementKind::People));
    let dismissed = RwSignal::new(None::<String>);
    move || {
        let newest = news.state.get().and_then(Result::ok).and_then(|all| all.into_iter().next())?;
        (dismissed.get().as_ref() != Some(&newest.id)).then(|| {
            let id = newest.id.clone();
            view! {
                <div class="notice announcement" role="status" data-testid="announcement" data-id=newest.id.clone()>
                    <p>
                        <strong>{match &newest.room {
                            Some(room) => t!("announcement-to-room", place = room.clone()),
                            None => t!("announcement-from-organizers"),
                        }}</strong>
                        " · " <span class="muted">{newest.at.clone()}</span>
                        <br />
                        {newest.text.clone()}
                    </p>
                    <button class="link" data-testid="announcement-dismiss" on:click=move |_| dismissed.set(Some(id.clone()))>
                        {t!("notice-dismiss")}
                    </button>
                </div>
            }
        })
    }
}
