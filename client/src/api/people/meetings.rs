//! Meetings: free times, places to meet, asking, answering, moving.

use super::*;

pub(super) fn meeting_card(
    event: &LoadedEvent,
    places: &HashMap<String, String>,
    me: Option<&str>,
    m: &Meeting,
    waiting: bool,
) -> MeetingCard {
    let i_asked = me == Some(m.requester.profile_id.as_str());
    let other = if i_asked { &m.invitee } else { &m.requester };
    let start = local(event, m.starts_at);
    let end = start + chrono::Duration::minutes(i64::from(m.minutes));
    MeetingCard {
        id: m.id.clone(),
        with: other.name.clone(),
        with_id: other.profile_id.clone(),
        date: start.date_naive().to_string(),
        start: elements_domain::format_hhmm(&start),
        end: elements_domain::format_hhmm(&end),
        starts_at: start.to_rfc3339(),
        minutes: m.minutes,
        place_id: m.place_id.clone(),
        place: places.get(&m.place_id).cloned().unwrap_or_else(|| m.place_id.clone()),
        note: m.note.clone(),
        status: m.status,
        mine_to_answer: m.status == MeetingStatus::Proposed && me.is_some_and(|me| m.proposed_by != me),
        waiting,
    }
}

/// My meetings as I should see them now: the backend's, with what I did since on top: a
/// request the feed has not brought back yet (sent or not: between the backend's answer and the
/// next pull it is in neither), and an answer not decided yet (once decided, the feed's copy is
/// the truth: the other person may have answered since).
pub(super) fn my_meetings(
    store: &Cache,
    event: &LoadedEvent,
    me: Option<&str>,
) -> Result<Vec<(Meeting, bool)>, ApiError> {
    let mut meetings: Vec<(Meeting, bool)> = store.meetings()?.into_iter().map(|m| (m, false)).collect();
    let my = Person { profile_id: me.unwrap_or("me").to_string(), name: current_profile(store, event)?.name };
    for entry in store.outbox(&event.manifest.id)? {
        let waiting = entry.decision == Decision::Pending;
        match &entry.signal.action {
            _ if entry.decision == Decision::Rejected => {}
            Action::RequestMeeting { meeting_id, with, starts_at, minutes, place_id, note } => {
                if meetings.iter().any(|(m, _)| &m.id == meeting_id) {
                    continue;
                }
                let name = profile_of(store, with)?.map(|(p, _)| p.name).unwrap_or_default();
                meetings.push((
                    Meeting {
                        id: meeting_id.clone(),
                        requester: my.clone(),
                        invitee: Person { profile_id: with.clone(), name },
                        starts_at: *starts_at,
                        minutes: *minutes,
                        place_id: place_id.clone(),
                        note: note.clone(),
                        status: MeetingStatus::Proposed,
                        proposed_by: my.profile_id.clone(),
                    },
                    waiting,
                ));
            }
            Action::AnswerMeeting { meeting_id, answer } if waiting => {
                if let Some((m, waiting)) = meetings.iter_mut().find(|(m, _)| &m.id == meeting_id) {
                    elements_domain::people::apply_answer(m, answer, &my.profile_id);
                    *waiting = true;
                }
            }
            _ => {}
        }
    }
    meetings.sort_by(|a, b| a.0.starts_at.cmp(&b.0.starts_at).then_with(|| a.0.id.cmp(&b.0.id)));
    Ok(meetings)
}

/// My meetings that stand (asked or accepted, not declined or cancelled), for My schedule.
pub(in crate::api) fn standing_meetings(store: &Cache, event: &LoadedEvent) -> Result<Vec<MeetingCard>, ApiError> {
    let (me, _) = identity(store, event)?;
    let places: HashMap<String, String> = store.points_of_interest()?.into_iter().map(|p| (p.id, p.name)).collect();
    Ok(my_meetings(store, event, me.as_deref())?
        .into_iter()
        .filter(|(m, _)| matches!(m.status, MeetingStatus::Proposed | MeetingStatus::Accepted))
        .map(|(m, waiting)| meeting_card(event, &places, me.as_deref(), &m, waiting))
        .collect())
}

/// What takes my time: starred sessions and `meetings` (mine, as [`my_meetings`] reads them)
/// not declined or cancelled (but `except`).
pub(super) fn busy(
    store: &Cache,
    event: &LoadedEvent,
    me: Option<&str>,
    meetings: &[(Meeting, bool)],
    except: Option<&str>,
) -> Result<Vec<Busy>, ApiError> {
    let mut out = Vec::new();
    for id in store.starred(&event.manifest.id)? {
        if let Some(s) = store.session(&id)? {
            out.push(Busy { from: s.starts_at.to_utc(), to: s.ends_at.to_utc(), what: s.title });
        }
    }
    for (m, _) in meetings.iter().cloned() {
        if Some(m.id.as_str()) == except || matches!(m.status, MeetingStatus::Declined | MeetingStatus::Cancelled) {
            continue;
        }
        let who = if me == Some(m.requester.profile_id.as_str()) { m.invitee.name } else { m.requester.name };
        let from = m.starts_at.to_utc();
        out.push(Busy { from, to: from + chrono::Duration::minutes(i64::from(m.minutes)), what: who });
    }
    Ok(out)
}

/// Half-hour slots from now to the end of the event inside its days' hours, free of `busy`.
pub(super) fn free_slots(event: &LoadedEvent, busy: &[Busy], now: chrono::DateTime<Utc>, most: usize) -> Vec<SlotView> {
    let step = chrono::Duration::minutes(30);
    let mut out = Vec::new();
    for day in &event.manifest.days {
        let (start, end) = (day.starts_at.to_utc(), day.ends_at.to_utc());
        let mut t = start;
        while t + step <= end && out.len() < most {
            if t >= now && clash(busy, t, t + step).is_none() {
                let local = t.with_timezone(&offset_of(event));
                out.push(SlotView {
                    starts_at: local.to_rfc3339(),
                    date: local.date_naive().to_string(),
                    time: elements_domain::format_hhmm(&local),
                    minutes: 30,
                });
            }
            t += step;
        }
    }
    out
}

pub(super) fn places_to_meet(store: &Cache) -> Result<Vec<PlaceChoice>, ApiError> {
    let mut places: Vec<(u8, PlaceChoice)> = store
        .points_of_interest()?
        .into_iter()
        .filter_map(|p| {
            let rank = match p.kind {
                PoiKind::MeetingPoint => 0,
                PoiKind::Food => 1,
                PoiKind::Info => 2,
                _ => return None,
            };
            Some((rank, PlaceChoice { id: p.id, name: p.name }))
        })
        .collect();
    places.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.name.cmp(&b.1.name)));
    Ok(places.into_iter().map(|(_, p)| p).collect())
}

pub(super) fn parse_time(text: &str) -> Result<chrono::DateTime<chrono::FixedOffset>, ApiError> {
    chrono::DateTime::parse_from_rfc3339(text.trim()).map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidArgument,
            format!("{text:?} is not a time like 2027-03-10T12:30:00+01:00 ({e})"),
        )
    })
}

/// Refuses a time that clashes with my own agenda, naming what it clashes with.
pub(super) fn check_free(
    api: &AppApi,
    starts_at: chrono::DateTime<chrono::FixedOffset>,
    minutes: u32,
    except: Option<&str>,
) -> Result<(), ApiError> {
    let store = api.store()?;
    let event = store.loaded_event()?.ok_or_else(no_event)?;
    let (me, _) = identity(&store, &event)?;
    let mine = my_meetings(&store, &event, me.as_deref())?;
    let busy = busy(&store, &event, me.as_deref(), &mine, except)?;
    let from = starts_at.to_utc();
    if let Some(b) = clash(&busy, from, from + chrono::Duration::minutes(i64::from(minutes))) {
        return Err(ApiError::new(ErrorCode::Refused, format!("you are busy then: \"{}\"; pick a free time", b.what)));
    }
    Ok(())
}

pub(in crate::api) fn request_meeting(api: &AppApi, args: MeetingRequestArgs) -> Result<PersonView, ApiError> {
    let starts_at = parse_time(&args.starts_at)?;
    check_free(api, starts_at, args.minutes, None)?;
    let action = Action::RequestMeeting {
        meeting_id: new_id(api, "meet")?,
        with: args.with.clone(),
        starts_at,
        minutes: args.minutes,
        place_id: args.place_id,
        note: args.note.trim().to_string(),
    };
    act(api, action)?;
    person(api, PersonArgs { profile_id: args.with })
}

pub(in crate::api) fn answer_meeting(api: &AppApi, args: MeetingAnswerArgs) -> Result<PersonView, ApiError> {
    let (with, answer) = {
        let store = api.store()?;
        let event = store.loaded_event()?.ok_or_else(no_event)?;
        let (me, _) = identity(&store, &event)?;
        let (m, _) = my_meetings(&store, &event, me.as_deref())?
            .into_iter()
            .find(|(m, _)| m.id == args.meeting_id)
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "there is no such meeting of yours"))?;
        let with = if me.as_deref() == Some(m.requester.profile_id.as_str()) {
            m.invitee.profile_id.clone()
        } else {
            m.requester.profile_id.clone()
        };
        let answer = match args.answer {
            MeetingReply::Accept => MeetingAnswer::Accept,
            MeetingReply::Decline => MeetingAnswer::Decline,
            MeetingReply::Cancel => MeetingAnswer::Cancel,
            MeetingReply::Move { starts_at, minutes, place_id } => {
                MeetingAnswer::Move { starts_at: parse_time(&starts_at)?, minutes, place_id }
            }
        };
        (with, answer)
    };
    match &answer {
        MeetingAnswer::Accept => {
            let store = api.store()?;
            let event = store.loaded_event()?.ok_or_else(no_event)?;
            let (me, _) = identity(&store, &event)?;
            let m = my_meetings(&store, &event, me.as_deref())?.into_iter().find(|(m, _)| m.id == args.meeting_id);
            drop(store);
            if let Some((m, _)) = m {
                check_free(api, m.starts_at, m.minutes, Some(&m.id))?;
            }
        }
        MeetingAnswer::Move { starts_at, minutes, .. } => {
            check_free(api, *starts_at, *minutes, Some(&args.meeting_id))?
        }
        _ => {}
    }
    act(api, Action::AnswerMeeting { meeting_id: args.meeting_id, answer })?;
    person(api, PersonArgs { profile_id: with })
}
