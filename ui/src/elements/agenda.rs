//! The agenda Element: now/next, programme days, sessions by time or by room, filtering by
//! track, search, and a session's detail with its speakers.

use elements_protocol::app::{
    AgendaDayArgs, ApiError, DeviceMode, EventOverview, EventPhase, GetAgendaDay, GetNowNext, GetSessionDetail, NoArgs,
    NowNext, SearchArgs, SearchSessions, SessionCard, SessionDetail, SessionDetailArgs,
};
use elements_protocol::event::SessionKind;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{invoke, load_later};
use crate::icons::{back_icon, pin_icon, search_icon};
use crate::shell::ErrorPanel;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Grouping {
    ByTime,
    ByRoom,
}

#[component]
pub fn Agenda(overview: EventOverview) -> impl IntoView {
    let kiosk = overview.mode == DeviceMode::Kiosk;
    let first_day = overview.days.first().map(|d| d.index).unwrap_or(1);
    let day = RwSignal::new(first_day);
    let agenda = load_later::<GetAgendaDay>(move || AgendaDayArgs { day: day.get_untracked() });
    let now_next = RwSignal::new(None::<NowNext>);
    let track = RwSignal::new(None::<String>);
    let grouping = RwSignal::new(Grouping::ByTime);
    let query = RwSignal::new(String::new());
    let results = RwSignal::new(None::<Result<Vec<SessionCard>, ApiError>>);
    let selected = RwSignal::new(None::<String>);
    let detail =
        load_later::<GetSessionDetail>(move || SessionDetailArgs { id: selected.get_untracked().unwrap_or_default() });

    let first_now_next = RwSignal::new(true);
    let refresh_now_next = move || {
        spawn_local(async move {
            if let Ok(nn) = invoke::<GetNowNext>(&NoArgs {}).await {
                // During the event, open on today's programme (once: later refreshes must not
                // pull the person away from the day they chose).
                if first_now_next.get_untracked() && nn.phase == EventPhase::During {
                    if let Some(d) = nn.now.first().or(nn.next.first()).map(|s| s.day) {
                        day.set(d);
                    }
                }
                first_now_next.set(false);
                now_next.set(Some(nn));
            }
        })
    };
    refresh_now_next();
    // "Now" moves: a venue screen runs all day, so refresh it twice a minute.
    if let Ok(handle) = set_interval_with_handle(refresh_now_next, std::time::Duration::from_secs(30)) {
        on_cleanup(move || handle.clear());
    }

    // A new day or session is a new question; answers to an old one are dropped by `Load`.
    Effect::new(move |_| {
        day.track();
        agenda.reload();
    });
    Effect::new(move |_| {
        if matches!(agenda.state.get(), Some(Ok(_))) {
            crate::api::report_ready_once("agenda");
        }
    });
    Effect::new(move |_| match selected.get() {
        Some(_) => detail.reload(),
        None => detail.clear(),
    });
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
                    <span class="day-label">{label}</span>
                    <span class="day-count">{count} " sessions"</span>
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
                    view! { <p class="empty" data-testid="search-empty">"No session matches “" {query.get_untracked()} "”."</p> }
                        .into_any()
                }
                Ok(cards) => view! {
                    <section class="slot">
                        <h3 class="slot-heading">{cards.len()} " results"</h3>
                        <div class="slot-cards">
                            {cards.into_iter().map(|c| card_view(c, selected, "search-card", true)).collect_view()}
                        </div>
                    </section>
                }
                .into_any(),
            };
        }
        match agenda.state.get() {
            None => view! { <div class="loading" aria-busy="true">"Loading the programme…"</div> }.into_any(),
            Some(Err(e)) => view! { <ErrorPanel error=e /> }.into_any(),
            Some(Ok(a)) => {
                let wanted = track.get();
                let cards: Vec<SessionCard> = a
                    .sessions
                    .into_iter()
                    .filter(|c| wanted.as_ref().is_none_or(|t| c.track.as_ref().map(|x| &x.id) == Some(t)))
                    .collect();
                if cards.is_empty() {
                    return view! { <p class="empty">"No sessions in this track on this day."</p> }.into_any();
                }
                let groups = match grouping.get() {
                    Grouping::ByTime => group_by(cards, |c| c.starts.clone(), |c| c.starts.clone()),
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
                groups
                    .into_iter()
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
                {move || now_next.get().map(now_next_view(selected))}
                <div class="agenda-controls">
                    <div class="day-tabs" role="tablist" aria-label="Programme days">{day_tabs}</div>
                    <div class="toolbar">
                        // A venue screen takes no typing: no search field there.
                        {(!kiosk).then(|| view! {
                            <label class="search">
                                {search_icon()}
                                <input
                                    type="search"
                                    placeholder="Search talks, speakers…"
                                    aria-label="Search sessions"
                                    data-testid="search"
                                    prop:value=move || query.get()
                                    on:input=move |ev| query.set(event_target_value(&ev))
                                />
                            </label>
                        })}
                        <div class="segmented" role="group" aria-label="Group sessions">
                            <button class:active=move || grouping.get() == Grouping::ByTime
                                on:click=move |_| grouping.set(Grouping::ByTime)>"By time"</button>
                            <button class:active=move || grouping.get() == Grouping::ByRoom
                                on:click=move |_| grouping.set(Grouping::ByRoom)>"By room"</button>
                        </div>
                    </div>
                    <div class="chips" aria-label="Filter by track">{track_chips}</div>
                </div>
                <div class="session-list" data-testid="session-list">{list}</div>
            </div>
            <aside class="detail-pane" aria-live="polite">
                {move || match (selected.get(), detail.state.get()) {
                    (None, _) => view! {
                        <div class="detail-placeholder">
                            <p>"Pick a session to see its details and speakers."</p>
                        </div>
                    }.into_any(),
                    (Some(_), None) => view! { <div class="loading">"Loading…"</div> }.into_any(),
                    (Some(_), Some(Err(e))) => view! { <ErrorPanel error=e /> }.into_any(),
                    (Some(_), Some(Ok(d))) => detail_view(d, selected).into_any(),
                }}
            </aside>
        </div>
    }
}

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
    let Some(room) = room else { return "No room given".into() };
    if room.floor.is_empty() {
        room.name.clone()
    } else {
        format!("{} · {}", room.name, room.floor)
    }
}

fn kind_label(kind: SessionKind) -> &'static str {
    match kind {
        SessionKind::Keynote => "Keynote",
        SessionKind::Talk => "Talk",
        SessionKind::Panel => "Panel",
        SessionKind::Workshop => "Workshop",
        SessionKind::Lightning => "Lightning talks",
        SessionKind::Break => "Break",
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
    view! {
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
                    {if show_time { format!("{}–{}", c.starts, c.ends) } else { format!("{} min", c.duration_minutes) }}
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
    }
}

fn now_next_view(selected: RwSignal<Option<String>>) -> impl Fn(NowNext) -> AnyView {
    move |nn: NowNext| {
        let (title_now, title_next) = match nn.phase {
            EventPhase::Before => ("", "First up"),
            EventPhase::During => ("On now", "Up next"),
            EventPhase::After => ("", ""),
        };
        let now_cards = nn.now.clone();
        let next_cards: Vec<SessionCard> = nn.next.iter().take(6).cloned().collect();
        view! {
            <section class="now-next" data-testid="now-next" data-phase=format!("{:?}", nn.phase).to_lowercase()>
                <p class="now-next-headline">{nn.headline.clone()}</p>
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

fn initials(name: &str) -> String {
    name.split_whitespace().filter_map(|w| w.chars().next()).take(2).collect()
}

fn detail_view(d: SessionDetail, selected: RwSignal<Option<String>>) -> impl IntoView {
    let c = d.card;
    let color = c.track.as_ref().map(|t| t.color.clone()).unwrap_or_else(|| "var(--brand)".into());
    let language = match d.language.as_str() {
        "en" => "English".to_string(),
        "de" => "Deutsch".to_string(),
        other => other.to_string(),
    };
    view! {
        <article class="detail" data-testid="session-detail" data-session-id=c.id.clone() style=format!("--track: {color}")>
            <button class="back" data-testid="detail-back" on:click=move |_| selected.set(None)>
                {back_icon()} <span>"Agenda"</span>
            </button>
            <p class="detail-kind">{kind_label(c.kind)} {c.track.clone().map(|t| format!(" · {}", t.name))}</p>
            <h2 class="detail-title" data-testid="detail-title">{c.title.clone()}</h2>
            <dl class="detail-facts">
                <div><dt>"When"</dt><dd>{d.day_label.clone()} ", " {c.starts.clone()} "–" {c.ends.clone()}
                    <span class="muted">" (" {c.duration_minutes} " min)"</span></dd></div>
                <div><dt>"Where"</dt><dd>{room_label(c.room.as_ref())}</dd></div>
                <div><dt>"Language"</dt><dd>{language}</dd></div>
            </dl>
            {(!d.summary.is_empty()).then(|| view! { <p class="detail-summary">{d.summary.clone()}</p> })}
            {(!d.tags.is_empty()).then(|| view! {
                <ul class="tags">{d.tags.iter().map(|t| view! { <li>{t.clone()}</li> }).collect_view()}</ul>
            })}
            {(!d.speakers.is_empty()).then(|| view! {
                <h3 class="detail-subtitle">{if d.speakers.len() == 1 { "Speaker" } else { "Speakers" }}</h3>
                <ul class="speakers" data-testid="speakers">
                    {d.speakers.iter().map(|s| view! {
                        <li class="speaker">
                            <span class="avatar" aria-hidden="true">{initials(&s.name)}</span>
                            <div>
                                <p class="speaker-name">{s.name.clone()}</p>
                                <p class="speaker-affiliation">{s.affiliation.clone()}</p>
                                <p class="speaker-bio">{s.bio.clone()}</p>
                            </div>
                        </li>
                    }).collect_view()}
                </ul>
            })}
        </article>
    }
}
