//! A venue screen's loop (kiosk mode): the panels it rotates through, each with its data, all
//! from the cache, so a screen keeps showing the last good data when the backend is out of
//! reach. It shows no one's details: names only where people chose to show them.

use std::collections::HashMap;

use elements_protocol::app::{
    JoinCode, RoomNowNext, VenueAnnouncement, VenueCount, VenuePanel, VenueRank, VenueScreen, VenueSession, VenueWay,
};
use elements_protocol::event::{KioskPanel, PoiKind, PollKind, Session, SessionKind};
use elements_protocol::link::Link;

use super::*;
use crate::cache::LoadedEvent;

/// What a screen was told on its command line; the event's `kiosk` settings fill the rest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KioskConfig {
    /// The room this screen stands at: now/next and polls of that room first.
    pub room: Option<String>,
    pub panels: Vec<KioskPanel>,
    pub seconds: Option<u32>,
}

/// Seconds per panel when nobody says.
pub const DEFAULT_SECONDS: u32 = 12;
/// How many rooms fit on one now/next panel.
const MOST_ROOMS: usize = 8;
/// A closed poll's final result stays on the screens this long.
const CLOSED_POLL_MINUTES: i64 = 15;

fn hhmm(offset: chrono::FixedOffset, t: chrono::DateTime<chrono::Utc>) -> String {
    elements_domain::format_hhmm(&t.with_timezone(&offset))
}

fn qr(link: &str) -> Result<JoinCode, ApiError> {
    Ok(JoinCode { link: link.to_string(), svg: qr_svg(link, "join")? })
}

pub(super) fn venue_screen(api: &AppApi) -> Result<VenueScreen, ApiError> {
    let store = api.store()?;
    let event = store.loaded_event()?.ok_or_else(no_event)?;
    let offset = offset_of(&event);
    let now = api.clock.now();
    let settings = event.manifest.kiosk.clone().unwrap_or_default();
    let config = &api.kiosk_config;
    let panels = if !config.panels.is_empty() {
        config.panels.clone()
    } else if !settings.panels.is_empty() {
        settings.panels.clone()
    } else {
        KioskPanel::ALL.to_vec()
    };
    // Figures only where the organizer allows them, whatever a screen's command line says.
    let panels: Vec<KioskPanel> =
        panels.into_iter().filter(|p| *p != KioskPanel::Figures || settings.show_figures).collect();
    let seconds = config.seconds.or(settings.seconds).unwrap_or(DEFAULT_SECONDS).clamp(3, 600);
    let rooms = store.rooms()?;
    let room = config.room.as_ref().and_then(|id| rooms.iter().find(|r| &r.id == id));
    // The day's sessions: today's, or the first day's before the event.
    let days = &event.manifest.days;
    let day = elements_domain::day_of(days, &now.fixed_offset()).or_else(|| days.first().map(|d| d.index));
    let sessions = match day {
        Some(d) => store.sessions_on_day(d)?,
        None => Vec::new(),
    };
    let join = event.source.strip_prefix(BACKEND_SOURCE).map(|url| Link::Join { url: url.to_string(), code: None });
    let mut out = Vec::new();
    let mut boundaries: Vec<i64> = Vec::new();
    for panel in panels {
        let built = match panel {
            KioskPanel::NowNext => {
                now_next(&store, &rooms, room.map(|r| r.id.as_str()), &sessions, now, offset, &mut boundaries)?
            }
            KioskPanel::Poll => {
                poll(&store, room.map(|r| r.id.as_str()), &sessions, now, join.as_ref(), &mut boundaries)?
            }
            KioskPanel::Question => question(&store, now)?,
            KioskPanel::Leaderboard => leaderboard(&store)?,
            KioskPanel::WhereTo => where_to(api, &store)?,
            KioskPanel::Announcements => announcements(&store, offset)?,
            KioskPanel::Join => match &join {
                Some(link) => {
                    Some(VenuePanel::Join { event: event.manifest.name.clone(), join: qr(&link.to_string())? })
                }
                None => None,
            },
            KioskPanel::Figures => store.screen_figures()?.map(|figures| VenuePanel::Figures { figures }),
        };
        out.extend(built);
    }
    let offline_since = offline_since(&store, &event, offset)?;
    let changes_in_seconds = match api.clock {
        Clock::Fixed(_) => None,
        Clock::System => {
            let t = now.timestamp();
            boundaries.into_iter().filter(|b| *b > t).min().map(|b| u32::try_from(b - t).unwrap_or(u32::MAX).max(1))
        }
    };
    Ok(VenueScreen {
        panels: out,
        seconds,
        room: room.map(|r| r.name.clone()),
        offline_since,
        now: hhmm(offset, now),
        changes_in_seconds,
    })
}

fn venue_session(s: &Session, speakers: &HashMap<String, String>, offset: chrono::FixedOffset) -> VenueSession {
    VenueSession {
        title: s.title.clone(),
        time: format!("{}–{}", hhmm(offset, s.starts_at.to_utc()), hhmm(offset, s.ends_at.to_utc())),
        speakers: s.speaker_ids.iter().filter_map(|id| speakers.get(id).cloned()).collect::<Vec<_>>().join(", "),
    }
}

fn now_next(
    store: &Cache,
    rooms: &[elements_protocol::event::Room],
    only: Option<&str>,
    sessions: &[Session],
    now: chrono::DateTime<chrono::Utc>,
    offset: chrono::FixedOffset,
    boundaries: &mut Vec<i64>,
) -> Result<Option<VenuePanel>, ApiError> {
    let speakers: HashMap<String, String> = store.speakers()?.into_iter().map(|s| (s.id, s.name)).collect();
    let occupancy: HashMap<String, u32> = store.occupancy()?.into_iter().map(|o| (o.id, o.checked_in)).collect();
    let mut out = Vec::new();
    for room in rooms.iter().filter(|r| only.is_none_or(|id| r.id == id)) {
        let here: Vec<&Session> = sessions
            .iter()
            .filter(|s| s.room_id.as_deref() == Some(room.id.as_str()) && s.kind != SessionKind::Break)
            .collect();
        let current = here.iter().find(|s| s.starts_at.to_utc() <= now && now < s.ends_at.to_utc());
        let next = here.iter().filter(|s| s.starts_at.to_utc() > now).min_by_key(|s| s.starts_at);
        boundaries.extend(current.map(|s| s.ends_at.timestamp()));
        boundaries.extend(next.map(|s| s.starts_at.timestamp()));
        if current.is_none() && next.is_none() {
            continue;
        }
        out.push(RoomNowNext {
            room: room.name.clone(),
            checked_in: current.and_then(|s| occupancy.get(&s.id).copied()),
            now: current.map(|s| venue_session(s, &speakers, offset)),
            next: next.map(|s| venue_session(s, &speakers, offset)),
            capacity: room.capacity,
        });
        if out.len() == MOST_ROOMS {
            break;
        }
    }
    Ok((!out.is_empty()).then_some(VenuePanel::NowNext { rooms: out }))
}

/// The poll to show: open now (the screen's room's first, then one of a session running now,
/// then any), else one that closed in the last minutes (its final result).
fn poll(
    store: &Cache,
    room: Option<&str>,
    sessions: &[Session],
    now: chrono::DateTime<chrono::Utc>,
    join: Option<&Link>,
    boundaries: &mut Vec<i64>,
) -> Result<Option<VenuePanel>, ApiError> {
    let polls = store.polls()?;
    let room_of: HashMap<&str, Option<&str>> = sessions.iter().map(|s| (s.id.as_str(), s.room_id.as_deref())).collect();
    let running: Vec<&str> = sessions
        .iter()
        .filter(|s| s.starts_at.to_utc() <= now && now < s.ends_at.to_utc())
        .map(|s| s.id.as_str())
        .collect();
    for p in &polls {
        boundaries.extend([p.opens_at.timestamp(), p.deadline().timestamp()]);
    }
    let rank = |p: &&elements_protocol::event::Poll| {
        let session = p.session_id.as_deref();
        let in_room = room.is_some() && session.and_then(|s| room_of.get(s).copied().flatten()) == room;
        let live = session.is_some_and(|s| running.contains(&s));
        (!in_room, !live, p.opens_at)
    };
    let open = polls
        .iter()
        .filter(|p| p.kind != PollKind::Questions && p.opens_at.to_utc() <= now && now < p.deadline().to_utc())
        .min_by_key(rank);
    let recent = || {
        polls
            .iter()
            .filter(|p| {
                let closed = p.deadline().to_utc();
                p.kind != PollKind::Questions
                    && closed <= now
                    && now - closed < chrono::Duration::minutes(CLOSED_POLL_MINUTES)
            })
            .max_by_key(|p| p.deadline())
    };
    let Some(p) = open.or_else(recent) else { return Ok(None) };
    let closed = p.deadline().to_utc() <= now;
    let result = store.poll_results()?.into_iter().find(|r| r.id == p.id);
    let votes: HashMap<String, u64> =
        result.as_ref().map(|r| r.counts.iter().map(|c| (c.option_id.clone(), c.votes)).collect()).unwrap_or_default();
    let counts = match p.kind {
        PollKind::Rating => elements_domain::voting::scale_keys(p.scale)
            .iter()
            .map(|k| VenueCount { label: k.to_string(), votes: votes.get(k.as_str()).copied().unwrap_or(0) })
            .collect(),
        PollKind::OpenText => result
            .as_ref()
            .map(|r| r.counts.iter().map(|c| VenueCount { label: c.option_id.clone(), votes: c.votes }).collect())
            .unwrap_or_default(),
        _ => p
            .options
            .iter()
            .map(|o| VenueCount { label: o.label.clone(), votes: votes.get(&o.id).copied().unwrap_or(0) })
            .collect(),
    };
    Ok(Some(VenuePanel::Poll {
        poll_id: p.id.clone(),
        question: p.question.clone(),
        kind: p.kind,
        counts,
        total: result.as_ref().map_or(0, |r| r.total),
        hidden: result.as_ref().is_some_and(|r| r.hidden) || (result.is_none() && p.hide_results),
        closed,
        join: match (join, closed) {
            (Some(link), false) => Some(qr(&link.to_string())?),
            _ => None,
        },
    }))
}

/// The question staff put on the screens; while none is, the most upvoted unanswered one of an
/// open Q&A.
fn question(store: &Cache, now: chrono::DateTime<chrono::Utc>) -> Result<Option<VenuePanel>, ApiError> {
    let polls = store.polls()?;
    let open: HashMap<&str, &str> = polls
        .iter()
        .filter(|p| p.kind == PollKind::Questions && p.opens_at.to_utc() <= now && now < p.deadline().to_utc())
        .map(|p| (p.id.as_str(), p.question.as_str()))
        .collect();
    let all = store.questions()?;
    let highlighted = all.iter().find(|q| q.highlighted).cloned();
    let best = highlighted.or_else(|| {
        all.into_iter()
            .filter(|q| open.contains_key(q.poll_id.as_str()) && !q.answered)
            .max_by(|a, b| a.upvotes.cmp(&b.upvotes).then_with(|| b.asked_at.cmp(&a.asked_at)))
    });
    let poll_title = |id: &str| polls.iter().find(|p| p.id == id).map(|p| p.question.clone()).unwrap_or_default();
    Ok(best.map(|q| VenuePanel::Question {
        poll: poll_title(&q.poll_id),
        text: q.text,
        author: q.author,
        upvotes: q.upvotes,
    }))
}

fn leaderboard(store: &Cache) -> Result<Option<VenuePanel>, ApiError> {
    let quests = store.quests()?;
    let boards = store.leaderboards()?;
    for quest in quests.iter().filter(|q| !q.hidden) {
        let Some(board) = boards.iter().find(|b| b.id == quest.id && !b.entries.is_empty()) else { continue };
        return Ok(Some(VenuePanel::Leaderboard {
            quest: quest.title.clone(),
            entries: board
                .entries
                .iter()
                .map(|e| VenueRank { name: e.display_name.clone(), points: e.points })
                .collect(),
        }));
    }
    Ok(None)
}

fn where_to(api: &AppApi, store: &Cache) -> Result<Option<VenuePanel>, ApiError> {
    const MAIN: [PoiKind; 6] =
        [PoiKind::Info, PoiKind::Food, PoiKind::Toilet, PoiKind::FirstAid, PoiKind::MeetingPoint, PoiKind::Lift];
    let Some((here, floor, ways)) = super::map::nearest_from_here(api, store, &MAIN)? else { return Ok(None) };
    let places: Vec<VenueWay> = ways
        .into_iter()
        .map(|w| VenueWay { name: w.name, kind: w.kind, minutes: w.minutes, other_floor: w.other_floor, at: w.at })
        .collect();
    let map = super::map::here_on_plan(api, store)?;
    Ok((!places.is_empty()).then_some(VenuePanel::WhereTo { here, floor, places, map }))
}

fn announcements(store: &Cache, offset: chrono::FixedOffset) -> Result<Option<VenuePanel>, ApiError> {
    let mut all = store.announcements()?;
    all.sort_by(|a, b| b.posted_at.cmp(&a.posted_at));
    let items: Vec<VenueAnnouncement> = all
        .into_iter()
        .take(3)
        .map(|a| VenueAnnouncement { text: a.text, at: hhmm(offset, a.posted_at.to_utc()) })
        .collect();
    Ok((!items.is_empty()).then_some(VenuePanel::Announcements { items }))
}

/// When the backend was last reached, while the last try failed: the screen says it shows
/// saved data since then.
fn offline_since(store: &Cache, event: &LoadedEvent, offset: chrono::FixedOffset) -> Result<Option<String>, ApiError> {
    if !event.source.starts_with(BACKEND_SOURCE) {
        return Ok(None);
    }
    let rows = store.sync_status()?;
    let failing = rows.iter().any(|r| r.failures > 0);
    let last = rows.iter().filter_map(|r| r.synced_at).max();
    Ok(match (failing, last) {
        (true, Some(t)) => chrono::DateTime::from_timestamp(t, 0).map(|t| hhmm(offset, t)),
        _ => None,
    })
}
