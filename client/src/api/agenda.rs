//! The agenda Element: the event overview, programme days, now/next, a session, search.

use elements_protocol::app::{
    ExportedFile, MyDay, MySchedule, MySession, NoticeArgs, ScheduleNotice, SessionWhen, StarArgs,
};

use super::*;

pub(super) fn event_overview(api: &AppApi) -> Result<EventOverview, ApiError> {
    let store = api.store()?;
    let event = store.loaded_event()?;
    let mode = api.mode_of(&store, event.as_ref())?;
    let manifest = event.map(|e| e.manifest).ok_or_else(no_event)?;
    let lookup = Lookup::load(&*store)?;
    let counts: HashMap<u32, u32> = store.session_counts()?.into_iter().collect();
    Ok(EventOverview {
        event_id: manifest.id.clone(),
        name: manifest.name.clone(),
        tagline: manifest.tagline.clone(),
        venue: format!("{}, {}", manifest.venue.name, manifest.venue.city),
        first_day: manifest.days.iter().map(|d| d.date).min().map(|d| d.to_string()).unwrap_or_default(),
        last_day: manifest.days.iter().map(|d| d.date).max().map(|d| d.to_string()).unwrap_or_default(),
        timezone: manifest.timezone.clone(),
        primary_color: manifest.branding.primary_color.clone(),
        accent_color: manifest.branding.accent_color.clone(),
        elements: {
            let nav = |e: &elements_protocol::event::ElementEntry| ElementNav {
                kind: e.kind,
                title: e.title.clone().filter(|t| !t.trim().is_empty()),
            };
            // A staff device opens on its desk, whether or not the event lists it; no one
            // else sees it.
            let mut elements: Vec<ElementNav> =
                manifest.elements.iter().filter(|e| !e.kind.is_staff_only()).map(nav).collect();
            if mode == DeviceMode::Staff {
                let own = manifest.elements.iter().find(|e| e.kind.is_staff_only());
                elements.insert(0, own.map(nav).unwrap_or(ElementNav { kind: ElementKind::Staff, title: None }));
            }
            elements
        },
        days: manifest
            .days
            .iter()
            .map(|d| DayTab {
                index: d.index,
                label: d.label.clone(),
                date: d.date.to_string(),
                session_count: counts.get(&d.index).copied().unwrap_or(0),
            })
            .collect(),
        // Both in the event's own order, not hash order.
        tracks: lookup.track_order.iter().filter_map(|id| lookup.tracks.get(id).cloned()).collect(),
        rooms: lookup.room_order.iter().filter_map(|id| lookup.rooms.get(id).cloned()).collect(),
        notice: api.notice.clone(),
        mode,
    })
}

/// What the first screen shows, read at once (one IPC round trip instead of five, in sequence
/// as the shell and then the agenda asked). The agenda's part only when it opens first.
pub(super) fn startup(api: &AppApi) -> Result<elements_protocol::app::Startup, ApiError> {
    let overview = event_overview(api)?;
    let agenda = match overview.elements.first().map(|e| e.kind) {
        Some(ElementKind::Agenda) if overview.mode != DeviceMode::Kiosk => {
            let now_next = now_next(api)?;
            let first = overview.days.first().map(|d| d.index).unwrap_or(1);
            let day = agenda_day(api, AgendaDayArgs { day: now_next.opening_day().unwrap_or(first) })?;
            Some(elements_protocol::app::AgendaStart { now_next, day, mine: my_schedule(api)? })
        }
        _ => None,
    };
    Ok(elements_protocol::app::Startup { preferences: super::me::preferences(api)?, overview, agenda })
}

pub(super) fn agenda_day(api: &AppApi, args: AgendaDayArgs) -> Result<AgendaDay, ApiError> {
    let store = api.store()?;
    let manifest = manifest(&*store)?;
    let day = manifest.days.iter().find(|d| d.index == args.day).ok_or_else(|| {
        let known: Vec<String> = manifest.days.iter().map(|d| d.index.to_string()).collect();
        ApiError::new(
            ErrorCode::NotFound,
            format!("day {} is not part of this event (days: {})", args.day, known.join(", ")),
        )
    })?;
    let lookup = Lookup::load(&*store)?;
    let sessions = store.sessions_on_day(args.day)?;
    Ok(AgendaDay {
        day: day.index,
        label: day.label.clone(),
        date: day.date.to_string(),
        sessions: sessions.iter().map(|s| lookup.card(s, day.index)).collect(),
    })
}

pub(super) fn now_next(api: &AppApi) -> Result<NowNext, ApiError> {
    let now = api.clock.now();
    let store = api.store()?;
    let manifest = manifest(&*store)?;
    let lookup = Lookup::load(&*store)?;
    // Anything running now started at most a day ago; anything next starts within a day
    // (or is the event's first session, when we are before it).
    let horizon_start = now.timestamp() - 24 * 3600;
    let first_start = manifest.days.iter().map(|d| d.starts_at.timestamp()).min().unwrap_or(0);
    let horizon_end = (now.timestamp() + 24 * 3600).max(first_start + 24 * 3600);
    let candidates = store.sessions_between(horizon_start, horizon_end)?;
    let times: Vec<_> = candidates.iter().map(|s| (s.starts_at, s.ends_at)).collect();
    let (phase, running, mut next) = elements_domain::now_next(&manifest.days, &times, now);
    if phase == elements_domain::Phase::Before {
        // Before the event, "first up" is the opening programme, not only its first slot.
        next = (0..candidates.len()).filter(|&i| candidates[i].kind != SessionKind::Break).take(6).collect();
    } else if !next.is_empty() && next.iter().all(|&i| candidates[i].kind == SessionKind::Break) {
        // A coffee break alone is not much of an answer to "what's next?": add the sessions
        // that start after it.
        let after = candidates[next[0]].starts_at;
        if let Some(t) = candidates.iter().map(|s| s.starts_at).filter(|t| *t > after).min() {
            next.extend((0..candidates.len()).filter(|&i| candidates[i].starts_at == t));
        }
    }
    let card = |i: &usize| {
        let s = &candidates[*i];
        lookup.card(s, elements_domain::day_of(&manifest.days, &s.starts_at).unwrap_or(0))
    };
    let headline = match phase {
        elements_domain::Phase::Before => Headline::StartsIn {
            days: u32::try_from((first_start - now.timestamp()).max(0) / 86_400).unwrap_or(u32::MAX),
        },
        elements_domain::Phase::During => {
            let offset = manifest.days.first().map(|d| d.starts_at.timezone()).unwrap_or(chrono::Utc.fix());
            let local = now.with_timezone(&offset);
            let day = elements_domain::day_of(&manifest.days, &local.fixed_offset())
                .and_then(|d| manifest.days.iter().find(|x| x.index == d))
                .map(|d| d.label.clone())
                .unwrap_or_default();
            Headline::Running { day, time: elements_domain::format_hhmm(&local) }
        }
        elements_domain::Phase::After => Headline::Ended,
    };
    // What goes stale by the clock alone: the minute in the headline, a session starting or
    // ending, the day count before the event. A pinned clock never moves.
    let changes_in_seconds = match api.clock {
        Clock::Fixed(_) => None,
        Clock::System => {
            let t = now.timestamp();
            let boundaries = running
                .iter()
                .map(|&i| candidates[i].ends_at.timestamp())
                .chain(next.iter().map(|&i| candidates[i].starts_at.timestamp()))
                .chain(manifest.days.iter().flat_map(|d| [d.starts_at.timestamp(), d.ends_at.timestamp()]))
                .filter(|b| *b > t);
            let tick = match phase {
                elements_domain::Phase::During => Some(60 - t.rem_euclid(60)),
                elements_domain::Phase::Before => Some(86_400 - (first_start - t).rem_euclid(86_400)),
                elements_domain::Phase::After => None,
            };
            boundaries.chain(tick.map(|s| t + s)).min().map(|b| u32::try_from(b - t).unwrap_or(u32::MAX).max(1))
        }
    };
    Ok(NowNext {
        phase: match phase {
            elements_domain::Phase::Before => EventPhase::Before,
            elements_domain::Phase::During => EventPhase::During,
            elements_domain::Phase::After => EventPhase::After,
        },
        headline,
        now: running.iter().map(card).collect(),
        next: next.iter().map(card).collect(),
        changes_in_seconds,
    })
}

pub(super) fn session_detail(api: &AppApi, args: SessionDetailArgs) -> Result<SessionDetail, ApiError> {
    let store = api.store()?;
    let manifest = manifest(&*store)?;
    let session = store.session(&args.id)?.ok_or_else(|| {
        ApiError::new(ErrorCode::NotFound, format!("there is no session \"{}\" in this event", args.id))
    })?;
    let lookup = Lookup::load(&*store)?;
    let day = elements_domain::day_of(&manifest.days, &session.starts_at).unwrap_or(0);
    let speakers = store.speakers()?;
    let by_id: HashMap<&str, _> = speakers.iter().map(|s| (s.id.as_str(), s)).collect();
    let event = store.loaded_event()?.ok_or_else(no_event)?;
    let checked_in = store.outbox(&event.manifest.id)?.iter().any(|e| {
        e.decision != Decision::Rejected
            && matches!(&e.signal.action, Action::CheckIn { session_id } if *session_id == session.id)
    });
    let now = api.clock.now();
    let credential = signals::credential_for(&store, &event, ElementKind::Agenda)?;
    let can_check_in = !checked_in
        && !signals::is_venue_screen(api, credential.as_ref())
        && now >= session.starts_at - chrono::Duration::minutes(CHECK_IN_EARLY_MINUTES)
        && now < session.ends_at;
    let polls: Vec<Poll> =
        store.polls()?.into_iter().filter(|p| p.session_id.as_deref() == Some(session.id.as_str())).collect();
    let polls = voting::poll_views(api, &store, &event, polls)?;
    let can_vote =
        signals::can_act(api, &event, signals::credential_for(&store, &event, ElementKind::Voting)?.as_ref()).0;
    Ok(SessionDetail {
        checked_in,
        can_check_in,
        polls,
        can_vote,
        card: lookup.card(&session, day),
        day_label: manifest.days.iter().find(|d| d.index == day).map(|d| d.label.clone()).unwrap_or_default(),
        date: manifest.days.iter().find(|d| d.index == day).map(|d| d.date.to_string()).unwrap_or_default(),
        summary: session.summary.clone(),
        language: session.language.clone(),
        tags: session.tags.clone(),
        speakers: session
            .speaker_ids
            .iter()
            .filter_map(|id| by_id.get(id.as_str()))
            .map(|s| SpeakerCard {
                id: s.id.clone(),
                name: s.name.clone(),
                affiliation: [s.position.as_deref(), s.organization.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", "),
                bio: s.bio.clone(),
            })
            .collect(),
    })
}

/// How long before a session starts its door opens for check-ins.
const CHECK_IN_EARLY_MINUTES: i64 = 15;

/// "I'm here": a check-in signal, decided on the device like every signal. Only while the
/// session runs (or just before): a check-in is a claim to be in the room.
pub(super) fn check_in(api: &AppApi, args: SessionDetailArgs) -> Result<SessionDetail, ApiError> {
    let session = api.store()?.session(&args.id)?.ok_or_else(|| {
        ApiError::new(ErrorCode::NotFound, format!("there is no session \"{}\" in this event", args.id))
    })?;
    let now = api.clock.now();
    if now < session.starts_at - chrono::Duration::minutes(CHECK_IN_EARLY_MINUTES) || now >= session.ends_at {
        return Err(ApiError::new(
            ErrorCode::InvalidArgument,
            format!(
                "check-in to \"{}\" is open from {CHECK_IN_EARLY_MINUTES} minutes before it starts until it ends",
                session.title
            ),
        ));
    }
    signals::act(api, Action::CheckIn { session_id: session.id })?;
    session_detail(api, args)
}

pub(super) fn star_session(api: &AppApi, args: StarArgs) -> Result<SessionCard, ApiError> {
    let card = {
        let store = api.store()?;
        let event = store.loaded_event()?.ok_or_else(no_event)?;
        let session = store.session(&args.id)?.ok_or_else(|| {
            ApiError::new(ErrorCode::NotFound, format!("there is no session \"{}\" in this event", args.id))
        })?;
        let credential = signals::credential_for(&store, &event, ElementKind::Agenda)?;
        if signals::is_venue_screen(api, credential.as_ref()) {
            return Err(ApiError::refused(elements_protocol::signal::Reason::NotAllowed, signals::VENUE_SCREEN));
        }
        store.set_starred(&event.manifest.id, &session.id, args.starred, api.clock.now().timestamp())?;
        let lookup = Lookup::load(&store)?;
        lookup.card(&session, elements_domain::day_of(&event.manifest.days, &session.starts_at).unwrap_or(0))
    };
    api.sync_config.changes.tell(Changed::Element(ElementKind::Agenda));
    Ok(card)
}

/// The person's starred sessions of `event_id` in start order. A session the event dropped
/// since it was starred is simply not there any more.
fn starred_sessions(store: &Cache, event_id: &str) -> Result<Vec<Session>, ApiError> {
    let mut sessions: Vec<Session> = Vec::new();
    for id in store.starred(event_id)? {
        if let Some(s) = store.session(&id)? {
            sessions.push(s);
        }
    }
    sessions.sort_by(|a, b| a.starts_at.cmp(&b.starts_at).then_with(|| a.id.cmp(&b.id)));
    Ok(sessions)
}

/// The starred sessions by day in start order; each with the other starred ones it overlaps.
pub(super) fn my_schedule(api: &AppApi) -> Result<MySchedule, ApiError> {
    let store = api.store()?;
    let event = store.loaded_event()?.ok_or_else(no_event)?;
    let days = &event.manifest.days;
    let lookup = Lookup::load(&store)?;
    let sessions = starred_sessions(&store, &event.manifest.id)?;
    let now = api.clock.now();
    let next = sessions.iter().find(|s| s.ends_at.to_utc() > now && s.kind != SessionKind::Break);
    let card = |s: &Session| lookup.card(s, elements_domain::day_of(days, &s.starts_at).unwrap_or(0));
    let mut my_days: Vec<MyDay> = Vec::new();
    for s in &sessions {
        let overlaps = sessions
            .iter()
            .filter(|o| o.id != s.id && o.starts_at < s.ends_at && s.starts_at < o.ends_at)
            .map(|o| o.title.clone())
            .collect();
        let c = card(s);
        let entry = MySession { card: c.clone(), overlaps };
        match my_days.iter_mut().find(|d| d.day == c.day) {
            Some(d) => d.sessions.push(entry),
            None => {
                let info = days.iter().find(|d| d.index == c.day);
                my_days.push(MyDay {
                    day: c.day,
                    label: info.map(|d| d.label.clone()).unwrap_or_default(),
                    date: info.map(|d| d.date.to_string()).unwrap_or_default(),
                    sessions: vec![entry],
                });
            }
        }
    }
    let rooms: HashMap<String, String> = store.rooms()?.into_iter().map(|r| (r.id, r.name)).collect();
    let when = |s: &Session| SessionWhen {
        date: s.starts_at.date_naive().to_string(),
        starts: elements_domain::format_hhmm(&s.starts_at),
        ends: elements_domain::format_hhmm(&s.ends_at),
        room: s.room_id.as_ref().map(|r| rooms.get(r).cloned().unwrap_or_else(|| r.clone())),
    };
    let notices = store
        .schedule_notices(&event.manifest.id)?
        .into_iter()
        .map(|(id, before, after)| ScheduleNotice {
            id,
            session_id: before.id.clone(),
            title: after.as_ref().map_or(before.title.clone(), |a| a.title.clone()),
            before: when(&before),
            now: after.as_ref().map(when),
        })
        .collect();
    let meetings = super::people::standing_meetings(&store, &event)?;
    Ok(MySchedule { days: my_days, next: next.map(card), notices, meetings })
}

pub(super) fn dismiss_schedule_notice(api: &AppApi, args: NoticeArgs) -> Result<MySchedule, ApiError> {
    {
        let store = api.store()?;
        let event = store.loaded_event()?.ok_or_else(no_event)?;
        store.dismiss_schedule_notice(&event.manifest.id, args.id)?;
    }
    api.sync_config.changes.tell(Changed::Element(ElementKind::Agenda));
    my_schedule(api)
}

/// The starred sessions as an iCalendar file in the downloads folder (else beside the cache).
pub(super) fn export_schedule(api: &AppApi) -> Result<ExportedFile, ApiError> {
    let (text, name, count) = {
        let store = api.store()?;
        let event = store.loaded_event()?.ok_or_else(no_event)?;
        let rooms: HashMap<String, String> = store.rooms()?.into_iter().map(|r| (r.id, r.name)).collect();
        let speakers: HashMap<String, String> = store.speakers()?.into_iter().map(|s| (s.id, s.name)).collect();
        let sessions = starred_sessions(&store, &event.manifest.id)?;
        let names: Vec<String> = sessions
            .iter()
            .map(|s| s.speaker_ids.iter().filter_map(|id| speakers.get(id).cloned()).collect::<Vec<_>>().join(", "))
            .collect();
        let items: Vec<crate::ics::IcsSession<'_>> = sessions
            .iter()
            .zip(&names)
            .map(|(s, speakers)| crate::ics::IcsSession {
                id: &s.id,
                title: &s.title,
                summary: &s.summary,
                speakers,
                room: s.room_id.as_ref().and_then(|r| rooms.get(r)).map(String::as_str),
                starts_at: s.starts_at,
                ends_at: s.ends_at,
            })
            .collect();
        let m = &event.manifest;
        let text = crate::ics::schedule(&m.id, &m.name, &m.timezone, &items, api.clock.now());
        let safe: String =
            m.id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' }).take(60).collect();
        (text, format!("{safe}-my-schedule.ics"), items.len())
    };
    let path = write_export(api, &name, text.as_bytes())?;
    Ok(ExportedFile { path, items: u32::try_from(count).unwrap_or(u32::MAX) })
}

pub(super) fn search_sessions(api: &AppApi, args: SearchArgs) -> Result<Vec<SessionCard>, ApiError> {
    if args.query.chars().count() > 200 {
        return Err(ApiError::new(ErrorCode::InvalidArgument, "search text is longer than 200 characters"));
    }
    let store = api.store()?;
    let manifest = manifest(&*store)?;
    let lookup = Lookup::load(&*store)?;
    let found = store.search_sessions(&args.query, 50)?;
    Ok(found
        .iter()
        .map(|s| lookup.card(s, elements_domain::day_of(&manifest.days, &s.starts_at).unwrap_or(0)))
        .collect())
}

/// Rooms, tracks and speaker names, for turning sessions into cards.
pub(super) struct Lookup {
    starred: std::collections::HashSet<String>,
    rooms: HashMap<String, RoomTag>,
    room_order: Vec<String>,
    tracks: HashMap<String, TrackTag>,
    track_order: Vec<String>,
    speaker_names: HashMap<String, String>,
}

impl Lookup {
    pub(super) fn load(store: &Cache) -> Result<Lookup, ApiError> {
        let floors: HashMap<String, String> = store.floors()?.into_iter().map(|f| (f.id, f.name)).collect();
        let rooms = store.rooms()?;
        let tracks = store.tracks()?;
        let places = store.points_of_interest()?;
        let starred = match store.loaded_event()? {
            Some(event) => store.starred(&event.manifest.id)?,
            None => Default::default(),
        };
        Ok(Lookup {
            starred,
            room_order: rooms.iter().map(|r| r.id.clone()).collect(),
            rooms: rooms
                .into_iter()
                .map(|r| {
                    let floor = r.floor_id.as_ref().and_then(|f| floors.get(f)).cloned().unwrap_or_default();
                    let place_id = super::map::room_place(&places, &r).map(|i| places[i].id.clone());
                    (r.id.clone(), RoomTag { id: r.id, name: r.name, floor, place_id })
                })
                .collect(),
            track_order: tracks.iter().map(|t| t.id.clone()).collect(),
            tracks: tracks
                .into_iter()
                .map(|t| (t.id.clone(), TrackTag { id: t.id, name: t.name, color: t.color }))
                .collect(),
            speaker_names: store.speakers()?.into_iter().map(|s| (s.id, s.name)).collect(),
        })
    }

    pub(super) fn card(&self, s: &Session, day: u32) -> SessionCard {
        SessionCard {
            id: s.id.clone(),
            title: s.title.clone(),
            kind: s.kind,
            day,
            starts: elements_domain::format_hhmm(&s.starts_at),
            ends: elements_domain::format_hhmm(&s.ends_at),
            duration_minutes: u32::try_from((s.ends_at - s.starts_at).num_minutes()).unwrap_or(0),
            room: s.room_id.as_ref().map(|room| {
                self.rooms.get(room).cloned().unwrap_or_else(|| RoomTag {
                    id: room.clone(),
                    name: room.clone(),
                    floor: String::new(),
                    place_id: None,
                })
            }),
            track: s.track_id.as_ref().and_then(|t| self.tracks.get(t).cloned()),
            speakers: s
                .speaker_ids
                .iter()
                .filter_map(|id| self.speaker_names.get(id).cloned())
                .collect::<Vec<_>>()
                .join(", "),
            starred: self.starred.contains(&s.id),
        }
    }
}
