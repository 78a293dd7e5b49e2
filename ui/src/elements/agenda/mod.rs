//! The agenda Element: now/next, programme days, sessions by time or by room, filtering by
//! track, search, and a session's detail with its speakers.

use elements_protocol::app::{
    AgendaDayArgs, ApiError, Changed, CheckIn, DeviceMode, EventOverview, EventPhase, GetAgendaDay, GetNowNext,
    GetSessionDetail, Headline, NoArgs, NowNext, SearchArgs, SearchSessions, SessionCard, SessionDetailArgs,
};
use elements_protocol::event::{ElementKind, SessionKind};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::api::{invoke, load, load_later};
use crate::i18n::{self, text};
use crate::icons::{pin_icon, search_icon};
use crate::t;
use crate::widgets::{show_loading, ErrorPanel};

mod detail;
mod mine;

use detail::detail_view;
use mine::{my_schedule_view, schedule_notices};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Grouping {
    ByTime,
    ByRoom,
    /// The person's own agenda: the starred sessions, every day.
    Mine,
}

#[component]
pub fn Agenda(overview: EventOverview) -> impl IntoView {
    let kiosk = overview.mode == DeviceMode::Kiosk;
    let first_day = overview.days.first().map(|d| d.index).unwrap_or(1);
    let day = RwSignal::new(first_day);
    let agenda = load::<GetAgendaDay>(move || AgendaDayArgs { day: day.get_untracked() })
        .refresh_on(Changed::Element(ElementKind::Agenda));
    let now_next = load::<GetNowNext>(|| NoArgs {}).refresh_on(Changed::Element(ElementKind::Agenda));
    let mine =
        load::<elements_protocol::app::GetMySchedule>(|| NoArgs {}).refresh_on(Changed::Element(ElementKind::Agenda));
    // At launch only the first screenful of cards is built; the rest follows a frame later.
    // Building and laying out a whole day (40 cards) before the first paint doubled the time
    // to the agenda (`cargo xtask measure`).
    let whole_day = RwSignal::new(false);
    let track = RwSignal::new(None::<String>);
    let grouping = RwSignal::new(Grouping::ByTime);
    let query = RwSignal::new(String::new());
    let results = RwSignal::new(None::<Result<Vec<SessionCard>, ApiError>>);
    let selected = RwSignal::new(None::<String>);
    let detail =
        load_later::<GetSessionDetail>(move || SessionDetailArgs { id: selected.get_untracked().unwrap_or_default() })
            .refresh_on(Changed::Element(ElementKind::Agenda));

    // During the event, open on today's programme (once: later answers must not pull the
    // person away from the day they chose).
    let opened_on_today = StoredValue::new(false);
    // "Now" moves with the clock: load again when the core says this answer goes stale (a
    // session starts or ends, the headline's minute turns), not on a fixed timer.
    let stale_timer = StoredValue::new(None::<TimeoutHandle>);
    on_cleanup(move || {
        if let Some(h) = stale_timer.get_value() {
            h.clear();
        }
    });
    Effect::new(move |_| {
        let Some(Ok(nn)) = now_next.state.get() else { return };
        if !opened_on_today.get_value() {
            opened_on_today.set_value(true);
            if let Some(d) = nn.opening_day() {
                day.set(d);
            }
        }
        if let Some(h) = stale_timer.get_value() {
            h.clear();
        }
        let wait = nn.changes_in_seconds.map(|s| std::time::Duration::from_secs(u64::from(s)));
        stale_timer.set_value(wait.and_then(|w| set_timeout_with_handle(move || now_next.refresh(), w).ok()));
    });

    // A new day or session is a new question; answers to an old one are dropped by `Load`.
    Effect::new(move |seen: Option<()>| {
        day.track();
        // The first day is on its way already (asked at once, not after the first render).
        if seen.is_some() {
            agenda.reload();
        }
    });
    Effect::new(move |_| {
        if matches!(agenda.state.get(), Some(Ok(_))) {
            crate::api::report_ready_once("agenda");
            // The rest of the day after the first screenful is painted (registered after the
            // report's frame callback, so the report measures the first screenful).
            if !whole_day.get_untracked() {
                request_animation_frame(move || request_animation_frame(move || whole_day.set(true)));
            }
        }
    });
    Effect::new(move |_| match selected.get() {
        Some(_) => detail.reload(),
        None => detail.clear(),
    });
    // Another Element asked to show a session (a scenario card's link).
    if let Some(nav) = use_context::<crate::nav::Navigate>() {
        Effect::new(move |_| {
            if let Some(id) = nav.session.get() {
                nav.session.set(None);
                selected.set(Some(id));
            }
        });
    }
    // A poll answered on the session's page: the page shows the new state of its polls.
    let poll_answered = move |_: elements_protocol::app::VotingView| detail.refresh();
    let checking_in = RwSignal::new(None::<ApiError>);
    let check_in = move |id: String| {
        checking_in.set(None);
        spawn_local(async move {
            match invoke::<CheckIn>(&SessionDetailArgs { id }).await {
                Ok(d) => detail.state.set(Some(Ok(d))),
                Err(e) => checking_in.set(Some(e)),
            }
        });
    };
    // Keyboard: an opened session takes the focus (the detail itself: its "back" button is
    // hidden where the detail sits beside the list), Escape closes it, and the focus returns
    // to the card it came from.
    let opened_from = StoredValue::new(None::<String>);
    Effect::new(move |_| {
        if let (Some(id), Some(Ok(_))) = (selected.get(), detail.state.get()) {
            if opened_from.get_value().as_deref() != Some(id.as_str()) {
                opened_from.set_value(Some(id));
                // After the detail's first paint; without scrolling, so nothing moves under
                // the finger (the detail is an overlay or sticky: it is in view already).
                request_animation_frame(|| {
                    focus("[data-testid=session-detail]", Scroll::No);
                });
            }
        }
    });
    let close = move || {
        if let Some(id) = selected.get_untracked() {
            selected.set(None);
            opened_from.set_value(None);
            // At once, in the tap's (or key's) own task, never a frame later: a focus that
            // scrolled the list after the next tap had been aimed sent that tap to this card,
            // which opened again ("Mine" tapped, a session opened instead: issue 25). The card is
            // where the person left it, so this scrolls only for a keyboard user whose list moved.
            let card = format!("[data-session-id=\"{id}\"].session-card");
            if !focus(&format!("[data-testid=session-list] {card}"), Scroll::IfNeeded) {
                focus(&card, Scroll::IfNeeded);
            }
        }
    };
    let escape = window_event_listener(leptos::ev::keydown, move |e| {
        if e.key() == "Escape" {
            close();
        }
    });
    on_cleanup(move || escape.remove());
    Effect::new(move |_| {
        let q = query.get();
        if q.trim().is_empty() {
            results.set(None);
            return;
        }
        spawn_local(async move {
            let answer = invoke::<SearchSessions>(&SearchArgs { query: q.clone() }).await;
            if query.get_untracked() == q {
                results.set(Some(answer));
            }
        });
    });

    let rooms = overview.rooms.clone();
    let day_tabs = overview
        .days
        .iter()
        .map(|d| {
            let index = d.index;
            let date = d.date.clone();
            let label = d.label.clone();
            let count = d.session_count;
            view! {
                <button
                    class="day-tab"
                    class:active=move || day.get() == index
                    role="tab"
                    aria-selected=move || (day.get() == index).to_string()
                    data-testid=format!("day-tab-{index}")
                    on:click=move |_| day.set(index)
                >
                    <span class="day-label">{move || if date.is_empty() { label.clone() } else { i18n::short_date(&date) }}</span>
                    <span class="day-count">{move || t!("sessions-count", n = count)}</span>
                </button>
            }
        })
        .collect_view();
    let track_chips = overview
        .tracks
        .iter()
        .map(|t| {
            let id = t.id.clone();
            let id_for_click = t.id.clone();
            let style = format!("--track: {}", t.color);
            view! {
                <button
                    class="chip"
                    style=style
                    class:active=move || track.get().as_deref() == Some(id.as_str())
                    on:click=move |_| {
                        let next = if track.get_untracked().as_deref() == Some(id_for_click.as_str()) {
                            None
                        } else {
                            Some(id_for_click.clone())
                        };
                        track.set(next)
                    }
                >
                    <span class="chip-dot"></span>
                    {t.name.clone()}
                </button>
            }
        })
        .collect_view();

    let list = move || {
        if let Some(found) = results.get() {
            return match found {
                Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                Ok(cards) if cards.is_empty() => {
                    view! { <p class="empty" data-testid="search-empty">{t!("search-none", query = query.get_untracked())}</p> }
                        .into_any()
                }
                Ok(cards) => view! {
                    <section class="slot">
                        <h3 class="slot-heading">{t!("search-results", n = cards.len())}</h3>
                        <div class="slot-cards">
                            {cards.into_iter().map(|c| card_view(c, selected, "search-card", true)).collect_view()}
                        </div>
                    </section>
                }
                .into_any(),
            };
        }
        if grouping.get() == Grouping::Mine {
            return show_loading(mine.state.get(), move |m| my_schedule_view(m, selected));
        }
        match agenda.state.get() {
            None => view! { <div class="loading" aria-busy="true">{t!("agenda-loading")}</div> }.into_any(),
            Some(Err(e)) => view! { <ErrorPanel error=e /> }.into_any(),
            Some(Ok(a)) => {
                let wanted = track.get();
                let cards: Vec<SessionCard> = a
                    .sessions
                    .into_iter()
                    .filter(|c| wanted.as_ref().is_none_or(|t| c.track.as_ref().map(|x| &x.id) == Some(t)))
                    .collect();
                if cards.is_empty() {
                    return view! { <p class="empty">{t!("agenda-track-empty")}</p> }.into_any();
                }
                let groups = match grouping.get() {
                    Grouping::ByTime | Grouping::Mine => group_by(cards, |c| c.starts.clone(), |c| c.starts.clone()),
                    Grouping::ByRoom => {
                        let mut g = group_by(
                            cards,
                            |c| c.room.as_ref().map(|r| r.id.clone()).unwrap_or_default(),
                            |c| room_label(c.room.as_ref()),
                        );
                        g.sort_by_key(|(key, _, _)| rooms.iter().position(|r| &r.id == key).unwrap_or(usize::MAX));
                        g
                    }
                };
                let by_room = grouping.get() == Grouping::ByRoom;
                let mut budget = if whole_day.get() { usize::MAX } else { FIRST_SCREENFUL };
                groups
                    .into_iter()
                    .take_while(|(_, _, cards)| {
                        let go = budget > 0;
                        budget = budget.saturating_sub(cards.len());
                        go
                    })
                    .map(|(_, heading, cards)| {
                        view! {
                            <section class="slot">
                                <h3 class="slot-heading">{heading}</h3>
                                <div class="slot-cards">
                                    {cards.into_iter().map(|c| card_view(c, selected, "session-card", by_room)).collect_view()}
                                </div>
                            </section>
                        }
                    })
                    .collect_view()
                    .into_any()
            }
        }
    };

    view! {
        <div class="agenda" class:has-detail=move || selected.get().is_some()>
            <div class="agenda-main">
                {move || mine.state.get().and_then(Result::ok).map(|m| schedule_notices(m.notices, mine))}
                {move || now_next.state.get().and_then(Result::ok).map(now_next_view(selected))}
                <div class="agenda-controls">
                    <div class="day-tabs" role="tablist" aria-label=move || t!("agenda-days")>{day_tabs}</div>
                    <div class="toolbar">
                        // A venue screen takes no typing: no search field there.
                        {(!kiosk).then(|| view! {
                            <label class="search">
                                {search_icon()}
                                <input
                                    type="search"
                                    placeholder=move || t!("search-placeholder")
                                    aria-label=move || t!("search-label")
                                    data-testid="search"
                                    prop:value=move || query.get()
                                    on:input=move |ev| query.set(event_target_value(&ev))
                                />
                            </label>
                        })}
                        <div class="segmented" role="group" aria-label=move || t!("group-label")>
                            <button class:active=move || grouping.get() == Grouping::ByTime
                                aria-pressed=move || (grouping.get() == Grouping::ByTime).to_string()
                                on:click=move |_| grouping.set(Grouping::ByTime)>{move || t!("group-by-time")}</button>
                            <button class:active=move || grouping.get() == Grouping::ByRoom
                                aria-pressed=move || (grouping.get() == Grouping::ByRoom).to_string()
                                on:click=move |_| grouping.set(Grouping::ByRoom)>{move || t!("group-by-room")}</button>
                            <button class:active=move || grouping.get() == Grouping::Mine data-testid="group-mine"
                                aria-pressed=move || (grouping.get() == Grouping::Mine).to_string()
                                on:click=move |_| grouping.set(Grouping::Mine)>{move || t!("group-mine")}</button>
                        </div>
                    </div>
                    <div class="chips" role="group" aria-label=move || t!("track-filter")>{track_chips}</div>
                </div>
                <div class="session-list" data-testid="session-list">{list}</div>
            </div>
            <aside class="detail-pane" aria-live="polite">
                {move || match (selected.get(), detail.state.get()) {
                    (None, _) => view! {
                        <div class="detail-placeholder">
                            <p>{t!("detail-pick")}</p>
                        </div>
                    }.into_any(),
                    (Some(_), None) => view! { <div class="loading">{t!("loading")}</div> }.into_any(),
                    (Some(_), Some(Err(e))) => view! { <ErrorPanel error=e /> }.into_any(),
                    (Some(_), Some(Ok(d))) => detail_view(d, close, check_in, checking_in, poll_answered).into_any(),
                }}
            </aside>
        </div>
    }
}

/// Cards built before the first paint at launch: more than a venue screen shows at once.
const FIRST_SCREENFUL: usize = 12;

/// Groups cards by `key`, keeping first-seen order; each group gets a heading.
fn group_by(
    cards: Vec<SessionCard>,
    key: impl Fn(&SessionCard) -> String,
    heading: impl Fn(&SessionCard) -> String,
) -> Vec<(String, String, Vec<SessionCard>)> {
    let mut groups: Vec<(String, String, Vec<SessionCard>)> = Vec::new();
    for c in cards {
        let k = key(&c);
        match groups.iter_mut().find(|(gk, _, _)| *gk == k) {
            Some(g) => g.2.push(c),
            None => groups.push((k, heading(&c), vec![c])),
        }
    }
    groups
}

/// "Elbe Room · Ground floor", or just the room where the floor is unknown.
fn room_label(room: Option<&elements_protocol::app::RoomTag>) -> String {
    let Some(room) = room else { return t!("room-none") };
    if room.floor.is_empty() {
        room.name.clone()
    } else {
        format!("{} · {}", room.name, room.floor)
    }
}

fn kind_label(kind: SessionKind) -> String {
    text(&format!("kind-{}", kind_key(kind)), &[])
}

/// The catalogue's name for a session kind (`kind-<key>`).
pub fn kind_key(kind: SessionKind) -> &'static str {
    match kind {
        SessionKind::Keynote => "keynote",
        SessionKind::Talk => "talk",
        SessionKind::Panel => "panel",
        SessionKind::Workshop => "workshop",
        SessionKind::Lightning => "lightning",
        SessionKind::Break => "break",
    }
}

fn card_view(
    c: SessionCard,
    selected: RwSignal<Option<String>>,
    testid: &'static str,
    show_time: bool,
) -> impl IntoView {
    let id = c.id.clone();
    let id_for_class = c.id.clone();
    let color = c.track.as_ref().map(|t| t.color.clone()).unwrap_or_else(|| "var(--muted-line)".into());
    let is_break = c.kind == SessionKind::Break;
    let star = (!is_break).then(|| star_button(c.id.clone(), c.starred, "star"));
    view! {
        <div class="card-wrap">
        <button
            class="session-card"
            class:break=is_break
            class:selected=move || selected.get().as_deref() == Some(id_for_class.as_str())
            style=format!("--track: {color}")
            data-testid=testid
            data-session-id=c.id.clone()
            data-day=c.day.to_string()
            on:click=move |_| selected.set(Some(id.clone()))
        >
            <div class="card-top">
                <span class="card-time">
                    {if show_time { format!("{}–{}", c.starts, c.ends) } else { t!("minutes", n = c.duration_minutes) }}
                </span>
                <span class="card-kind">{kind_label(c.kind)}</span>
            </div>
            <h4 class="card-title">{c.title.clone()}</h4>
            {(!c.speakers.is_empty()).then(|| view! { <p class="card-speakers">{c.speakers.clone()}</p> })}
            <div class="card-bottom">
                {c.room.clone().map(|r| view! { <span class="card-room">{pin_icon()} {r.name}</span> })}
                {c.track.clone().map(|t| view! { <span class="card-track">{t.name}</span> })}
            </div>
        </button>
        {star}
        </div>
    }
}

/// The star that puts a session in the person's own agenda (and takes it out), shown at once;
/// the lists catch up when the core says the agenda changed.
fn star_button(id: String, starred: bool, testid: &'static str) -> impl IntoView {
    let on = RwSignal::new(starred);
    let session = id.clone();
    view! {
        <button class="star" class:on=move || on.get() data-testid=testid data-session-id=session
            aria-pressed=move || on.get().to_string()
            aria-label=move || if on.get() { t!("star-remove") } else { t!("star-add") }
            title=move || if on.get() { t!("star-remove") } else { t!("star-add") }
            on:click=move |_| {
                let args = elements_protocol::app::StarArgs { id: id.clone(), starred: !on.get_untracked() };
                spawn_local(async move {
                    if let Ok(card) = invoke::<elements_protocol::app::StarSession>(&args).await {
                        on.set(card.starred);
                        crate::api::notify(Changed::Element(ElementKind::Agenda));
                    }
                });
            }>
            <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 3.5l2.6 5.3 5.9.9-4.3 4.1 1 5.8L12 16.9l-5.2 2.7 1-5.8-4.3-4.1 5.9-.9z" /></svg>
        </button>
    }
}

fn now_next_view(selected: RwSignal<Option<String>>) -> impl Fn(NowNext) -> AnyView {
    move |nn: NowNext| {
        let (title_now, title_next) = match nn.phase {
            EventPhase::Before => (String::new(), t!("now-first-up")),
            EventPhase::During => (t!("now-on-now"), t!("now-up-next")),
            EventPhase::After => (String::new(), String::new()),
        };
        let headline = match &nn.headline {
            Headline::StartsIn { days: 0 } => t!("now-starts-today"),
            Headline::StartsIn { days: 1 } => t!("now-starts-tomorrow"),
            Headline::StartsIn { days } => t!("now-starts-in", n = *days),
            Headline::Running { day, time } if day.is_empty() => time.clone(),
            Headline::Running { day, time } => format!("{day} · {time}"),
            Headline::Ended => t!("now-ended"),
        };
        let now_cards = nn.now.clone();
        let next_cards: Vec<SessionCard> = nn.next.iter().take(6).cloned().collect();
        view! {
            <section class="now-next" data-testid="now-next" data-phase=format!("{:?}", nn.phase).to_lowercase()>
                <p class="now-next-headline">{headline}</p>
                {(!now_cards.is_empty()).then(|| view! {
                    <h3 class="strip-title">{title_now}</h3>
                    <div class="strip">{now_cards.into_iter().map(|c| card_view(c, selected, "nownext-card", true)).collect_view()}</div>
                })}
                {(!next_cards.is_empty() && !title_next.is_empty()).then(|| view! {
                    <h3 class="strip-title">{title_next}</h3>
                    <div class="strip">{next_cards.into_iter().map(|c| card_view(c, selected, "nownext-card", true)).collect_view()}</div>
                })}
            </section>
        }
        .into_any()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Scroll {
    /// The element is in view by construction: the page must not move.
    No,
    /// Scrolled into view if it is not (the browser's default).
    IfNeeded,
}

/// Moves the keyboard focus to the first element matching `css`; answers whether one was there.
fn focus(css: &str, scroll: Scroll) -> bool {
    let found = web_sys::window().and_then(|w| w.document()).and_then(|d| d.query_selector(css).ok().flatten());
    let Some(el) = found.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) else { return false };
    let options = web_sys::FocusOptions::new();
    options.set_prevent_scroll(scroll == Scroll::No);
    let _ = el.focus_with_options(&options);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(id: &str, starts: &str, room: &str) -> SessionCard {
        SessionCard {
            id: id.into(),
            starts: starts.into(),
            room: Some(elements_protocol::app::RoomTag {
                id: room.into(),
                name: room.to_uppercase(),
                floor: String::new(),
                place_id: None,
            }),
            title: format!("Session {id}"),
            kind: SessionKind::Talk,
            day: 1,
            ends: String::new(),
            duration_minutes: 45,
            track: None,
            speakers: String::new(),
            starred: false,
        }
    }

    #[test]
    fn sessions_group_by_slot_or_room_in_first_seen_order() {
        let cards = vec![card("a", "09:00", "x"), card("b", "10:00", "y"), card("c", "09:00", "y")];
        let by_time = group_by(cards.clone(), |c| c.starts.clone(), |c| c.starts.clone());
        let summary: Vec<(String, Vec<String>)> =
            by_time.iter().map(|(k, _, cs)| (k.clone(), cs.iter().map(|c| c.id.clone()).collect())).collect();
        assert_eq!(
            summary,
            [("09:00".to_string(), vec!["a".to_string(), "c".to_string()]), ("10:00".into(), vec!["b".into()])]
        );
        let by_room =
            group_by(cards, |c| c.room.as_ref().map(|r| r.id.clone()).unwrap_or_default(), |c| c.starts.clone());
        let rooms: Vec<&str> = by_room.iter().map(|(k, _, _)| k.as_str()).collect();
        assert_eq!(rooms, ["x", "y"]);
        assert_eq!(by_room[1].2.len(), 2);
    }
}
