//! A venue screen (kiosk mode): large panels in a loop — now/next in each room, the poll open
//! now with its results as votes arrive, the question staff put up, a leaderboard, the way to
//! the main places, announcements, and a QR code to join. A tap shows the next panel and holds
//! the loop; it starts again by itself after a while without touches.

use std::time::Duration;

use elements_protocol::app::{Changed, GetVenueScreen, NoArgs, RoomNowNext, VenuePanel, VenueScreen};
use elements_protocol::event::{ElementKind, PollKind};
use leptos::prelude::*;

use crate::api::load;
use crate::elements::map::{kind_icon, kind_label};
use crate::t;
use crate::widgets::show_loading;

/// A touch holds the loop this long.
const HOLD: Duration = Duration::from_secs(30);

#[component]
pub fn VenueScreenView(event_name: String) -> impl IntoView {
    let screen = load::<GetVenueScreen>(|| NoArgs {})
        .refresh_on(Changed::Element(ElementKind::Voting))
        .refresh_on(Changed::Element(ElementKind::Quests))
        .refresh_on(Changed::Element(ElementKind::Agenda))
        .refresh_on(Changed::Element(ElementKind::Map))
        .refresh_on(Changed::Sync);
    let index = RwSignal::new(0usize);
    // Until when a touch holds the loop (milliseconds, the page's clock).
    let held_until = RwSignal::new(0f64);
    let seconds = RwSignal::new(12u32);
    // The loop: one step per `seconds`, unless held.
    let ticker = StoredValue::new(None::<IntervalHandle>);
    Effect::new(move |_| {
        let every = Duration::from_secs(u64::from(seconds.get()));
        if let Some(h) = ticker.get_value() {
            h.clear();
        }
        let handle = set_interval_with_handle(
            move || {
                if js_sys::Date::now() >= held_until.get_untracked() {
                    index.update(|i| *i += 1);
                }
            },
            every,
        )
        .ok();
        ticker.set_value(handle);
    });
    on_cleanup(move || {
        if let Some(h) = ticker.get_value() {
            h.clear();
        }
    });
    // The clock moves what runs now: load again when the core says this answer goes stale.
    let stale = StoredValue::new(None::<TimeoutHandle>);
    Effect::new(move |_| {
        let Some(Ok(s)) = screen.state.get() else { return };
        seconds.set(s.seconds);
        if let Some(h) = stale.get_value() {
            h.clear();
        }
        let wait = s.changes_in_seconds.map(|s| Duration::from_secs(u64::from(s)));
        stale.set_value(wait.and_then(|w| set_timeout_with_handle(move || screen.refresh(), w).ok()));
    });
    let touch = move |_| {
        held_until.set(js_sys::Date::now() + HOLD.as_millis() as f64);
        index.update(|i| *i += 1);
    };
    move || {
        let name = event_name.clone();
        show_loading(screen.state.get(), move |s: VenueScreen| {
            let count = s.panels.len();
            let at = if count == 0 { 0 } else { index.get() % count };
            let panel = s.panels.get(at).cloned();
            let dots = (0..count).map(|i| view! { <span class="venue-dot" class:on=i == at></span> }).collect_view();
            view! {
                <section class="venue-screen" data-testid="venue-screen" on:click=touch>
                    <header class="venue-top">
                        <div>
                            <p class="venue-event">{name.clone()}</p>
                            {s.room.clone().map(|r| view! { <p class="venue-room" data-testid="venue-room">{r}</p> })}
                        </div>
                        <div class="venue-corner">
                            {s.offline_since.clone().map(|t| view! {
                                <span class="venue-offline" data-testid="venue-offline">{t!("kiosk-offline-since", time = t)}</span>
                            })}
                            <span class="venue-clock">{s.now.clone()}</span>
                        </div>
                    </header>
                    <div class="venue-body">
                        {match panel {
                            Some(p) => panel_view(p),
                            None => view! { <p class="venue-empty">{t!("kiosk-nothing")}</p> }.into_any(),
                        }}
                    </div>
                    <footer class="venue-dots" aria-hidden="true">{dots}</footer>
                </section>
            }
            .into_any()
        })
    }
}

fn panel_view(p: VenuePanel) -> AnyView {
    let kind = p.kind().as_str();
    let inner = match p {
        VenuePanel::NowNext { rooms } => {
            let single = rooms.len() == 1;
            view! {
                <h2 class="venue-title">{t!("kiosk-now-next")}</h2>
                <div class="venue-rooms" class:single=single>{rooms.into_iter().map(room_view).collect_view()}</div>
            }
            .into_any()
        }
        VenuePanel::Poll { question, kind, counts, total, hidden, closed, join, .. } => {
            let most = counts.iter().map(|c| c.votes).max().unwrap_or(0).max(1);
            let sum: u64 = counts.iter().map(|c| c.votes).sum::<u64>().max(1);
            let results = if hidden {
                view! { <p class="venue-hidden">{t!("kiosk-results-hidden")}</p> }.into_any()
            } else if kind == PollKind::OpenText {
                view! {
                    <div class="venue-words" data-testid="venue-words">
                        {counts.into_iter().map(|c| {
                            let size = 1.0 + 2.4 * (c.votes as f64 / most as f64);
                            view! { <span style=format!("font-size: {size:.2}em") data-votes=c.votes>{c.label}</span> }
                        }).collect_view()}
                    </div>
                }
                .into_any()
            } else {
                view! {
                    <ul class="venue-bars">
                        {counts.into_iter().map(|c| {
                            let pct = c.votes as f64 * 100.0 / sum as f64;
                            view! {
                                <li data-testid="venue-count" data-votes=c.votes>
                                    <span class="venue-bar-label">{c.label}</span>
                                    <span class="venue-bar"><span class="venue-bar-fill" style=format!("width: {pct:.1}%")></span></span>
                                    <span class="venue-bar-pct">{format!("{pct:.0}%")}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            };
            view! {
                <div class="venue-poll">
                    <div class="venue-poll-main">
                        <p class="venue-kicker">{if closed { t!("kiosk-final-result") } else { t!("kiosk-poll-live") }}</p>
                        <h2 class="venue-question">{question}</h2>
                        {results}
                        <p class="venue-total" data-testid="venue-poll-total" data-total=total>{t!("kiosk-answers", n = total)}</p>
                    </div>
                    {join.map(|j| view! {
                        <aside class="venue-qr">
                            <div class="qr" inner_html=j.svg></div>
                            <p>{t!("kiosk-vote-on-phone")}</p>
                        </aside>
                    })}
                </div>
            }
            .into_any()
        }
        VenuePanel::Question { poll, text, author, upvotes } => view! {
            <p class="venue-kicker">{poll}</p>
            <blockquote class="venue-quote" data-testid="venue-question">{text}</blockquote>
            <p class="venue-meta">
                {author.unwrap_or_else(|| t!("kiosk-anonymous"))} " · " {t!("kiosk-upvotes", n = upvotes)}
            </p>
        }
        .into_any(),
        VenuePanel::Leaderboard { quest, entries } => view! {
            <p class="venue-kicker">{t!("kiosk-leaderboard")}</p>
            <h2 class="venue-title">{quest}</h2>
            <ol class="venue-ranks">
                {entries.into_iter().enumerate().map(|(i, e)| view! {
                    <li>
                        <span class="venue-rank">{i + 1}</span>
                        <span class="venue-rank-name">{e.name.unwrap_or_else(|| t!("kiosk-anonymous"))}</span>
                        <span class="venue-rank-points">{e.points}</span>
                    </li>
                }).collect_view()}
            </ol>
        }
        .into_any(),
        VenuePanel::WhereTo { here, floor, places, map } => view! {
            <p class="venue-kicker">{t!("kiosk-you-are-here")}</p>
            <h2 class="venue-title">{here} " " <span class="venue-sub">{floor}</span></h2>
            <div class="venue-where">
            {map.map(|m| {
                let (w, h) = (m.width.max(1.0), m.height.max(1.0));
                let r = w.max(h) / 60.0;
                let marks = places.iter().enumerate().filter_map(|(i, p)| p.at.map(|(x, y)| view! {
                    <g>
                        <circle cx=x cy=y r=r class="venue-map-place" />
                        <text x=x y=y dy=r * 0.38 text-anchor="middle" class="venue-map-num" font-size=r * 1.1>{i + 1}</text>
                    </g>
                })).collect_view();
                view! {
                    <div class="venue-map" data-testid="venue-map" style=format!("aspect-ratio: {w} / {h}")>
                        <img src=crate::elements::map::plan_url(&m.plan) alt="" />
                        <svg viewBox=format!("0 0 {w} {h}") preserveAspectRatio="none" aria-hidden="true">
                            {marks}
                            <circle cx=m.here.0 cy=m.here.1 r=r * 1.6 class="venue-map-halo" />
                            <circle cx=m.here.0 cy=m.here.1 r=r * 0.8 class="venue-map-here" />
                        </svg>
                    </div>
                }
            })}
            <ul class="venue-ways">
                {places.into_iter().enumerate().map(|(i, w)| view! {
                    <li>
                        <span class="venue-way-num">{(w.at.is_some()).then(|| (i + 1).to_string())}</span>
                        <svg viewBox="0 0 24 24" class="venue-way-icon" aria-hidden="true">{kind_icon(w.kind)}</svg>
                        <span class="venue-way-name">{kind_label(w.kind)} <span class="venue-sub">{w.name}</span></span>
                        <span class="venue-way-time">
                            {t!("kiosk-minutes", n = w.minutes)}
                            {w.other_floor.map(|f| view! { <span class="venue-sub">{f}</span> })}
                        </span>
                    </li>
                }).collect_view()}
            </ul>
            </div>
        }
        .into_any(),
        VenuePanel::Announcements { items } => view! {
            <h2 class="venue-title">{t!("kiosk-announcements")}</h2>
            <ul class="venue-announcements">
                {items.into_iter().map(|a| view! {
                    <li><span class="venue-sub">{a.at}</span> <span>{a.text}</span></li>
                }).collect_view()}
            </ul>
        }
        .into_any(),
        VenuePanel::Figures { figures } => figures_view(figures).into_any(),
        VenuePanel::Join { event, join } => view! {
            <div class="venue-join">
                <div class="qr" inner_html=join.svg></div>
                <div>
                    <h2 class="venue-title">{t!("kiosk-join-title", title = event)}</h2>
                    <p class="venue-meta">{t!("kiosk-join-help")}</p>
                </div>
            </div>
        }
        .into_any(),
    };
    view! { <div class="venue-panel" data-testid="venue-panel" data-panel=kind>{inner}</div> }.into_any()
}

/// The event in numbers: big counts first, then the busiest places of the hour, the fullest
/// sessions and the routes most asked for. Only what the backend counted from five people or
/// more arrives here; an empty list is left out.
fn figures_view(f: elements_protocol::analytics::ScreenFigures) -> impl IntoView {
    use elements_protocol::analytics::NamedCount;
    let list = |title: String, items: Vec<NamedCount>, id: &'static str| {
        (!items.is_empty()).then(|| {
            view! {
                <section class="venue-figure-list">
                    <h3>{title}</h3>
                    <ol class="venue-ranks" data-testid=id>
                        {items.into_iter().enumerate().map(|(i, c)| view! {
                            <li>
                                <span class="venue-rank">{i + 1}</span>
                                <span class="venue-rank-name">{c.name}</span>
                                <span class="venue-rank-points">{c.people}</span>
                            </li>
                        }).collect_view()}
                    </ol>
                </section>
            }
        })
    };
    let routes: Vec<NamedCount> = f
        .routes
        .into_iter()
        .map(|r| NamedCount {
            name: format!("{} → {}", r.from.unwrap_or_else(|| t!("analytics-route-from-spot")), r.to),
            people: r.people,
        })
        .collect();
    let hour = f.hour.as_deref().map(crate::i18n::time_of).unwrap_or_default();
    view! {
        <p class="venue-kicker">{t!("kiosk-figures")}</p>
        <div class="venue-figures" data-testid="venue-figures">
            {f.people.map(|n| view! {
                <div class="venue-big"><strong data-testid="venue-figure-people">{n}</strong><span>{t!("kiosk-figures-people")}</span></div>
            })}
            {f.active.map(|n| view! {
                <div class="venue-big"><strong>{n}</strong><span>{t!("kiosk-figures-active", time = hour.clone())}</span></div>
            })}
        </div>
        <div class="venue-figure-lists">
            {list(t!("kiosk-figures-busiest", time = hour.clone()), f.busiest_places, "venue-figures-places")}
            {list(t!("kiosk-figures-sessions"), f.fullest_sessions, "venue-figures-sessions")}
            {list(t!("kiosk-figures-routes"), routes, "venue-figures-routes")}
        </div>
        <p class="venue-meta small">{t!("kiosk-figures-privacy")}</p>
    }
}

fn room_view(r: RoomNowNext) -> impl IntoView {
    let fill = match (r.checked_in, r.capacity) {
        (Some(n), Some(c)) if c > 0 => Some((n, Some(c), (n as f64 / c as f64 * 100.0).min(100.0))),
        (Some(n), _) => Some((n, None, 0.0)),
        _ => None,
    };
    view! {
        <article class="venue-room-card" data-testid="venue-room-card">
            <h3>{r.room}</h3>
            {r.now.map(|s| view! {
                <div class="venue-now">
                    <p class="venue-label">{t!("kiosk-now")} " · " {s.time}</p>
                    <p class="venue-session">{s.title}</p>
                    {(!s.speakers.is_empty()).then(|| view! { <p class="venue-sub">{s.speakers}</p> })}
                </div>
            })}
            {fill.map(|(n, cap, pct)| view! {
                <div class="venue-fill" data-testid="venue-fill" data-checked-in=n>
                    <span>{match cap {
                        Some(c) => t!("kiosk-full", n = n, max = c),
                        None => t!("kiosk-checked-in", n = n),
                    }}</span>
                    {cap.map(|_| view! { <span class="fill"><span class="fill-bar" style=format!("width: {pct:.0}%")></span></span> })}
                </div>
            })}
            {r.next.map(|s| view! {
                <div class="venue-next">
                    <p class="venue-label">{t!("kiosk-next")} " · " {s.time}</p>
                    <p class="venue-next-title">{s.title}</p>
                </div>
            })}
        </article>
    }
}
