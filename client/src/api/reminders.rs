//! Reminders: a starred session or an accepted meeting a chosen number of minutes before it
//! starts, and a sync that moved, re-roomed or cancelled a starred session. Each once: given
//! reminders are remembered by a key that holds the start time, so a session that moves is
//! reminded again at its new time, and nothing already started is reminded at all. The shell
//! shows them as system notifications; the core only says what is due.

use elements_protocol::app::{MeetingStatus, Reminder, ReminderWhat, DEFAULT_REMINDER_MINUTES};

use super::*;

/// Something that may need a reminder: its key, when it starts, and the reminder.
struct Due {
    starts: DateTime<Utc>,
    reminder: Reminder,
}

fn lead(store: &Cache) -> Result<u32, ApiError> {
    Ok(store
        .preference("reminder_minutes")?
        .and_then(|m| m.parse().ok())
        .filter(|m| elements_protocol::app::REMINDER_CHOICES.contains(m))
        .unwrap_or(DEFAULT_REMINDER_MINUTES))
}

/// Every starred session and accepted meeting not started yet, with its reminder; and one per
/// schedule notice not put away.
fn candidates(
    api: &AppApi,
    store: &Cache,
    event: &crate::cache::LoadedEvent,
) -> Result<(Vec<Due>, Vec<Reminder>), ApiError> {
    let now = api.clock.now();
    let rooms: HashMap<String, String> = store.rooms()?.into_iter().map(|r| (r.id, r.name)).collect();
    let room_of = |s: &Session| s.room_id.as_ref().map(|r| rooms.get(r).cloned().unwrap_or_else(|| r.clone()));
    let mut soon = Vec::new();
    for id in store.starred(&event.manifest.id)? {
        let Some(s) = store.session(&id)? else { continue };
        if s.kind == SessionKind::Break || s.starts_at.to_utc() <= now {
            continue;
        }
        soon.push(Due {
            starts: s.starts_at.to_utc(),
            reminder: Reminder {
                key: format!("session:{}:{}", s.id, s.starts_at.timestamp()),
                what: ReminderWhat::Session,
                title: s.title.clone(),
                starts: elements_domain::format_hhmm(&s.starts_at),
                place: room_of(&s),
                minutes: 0,
                text: None,
            },
        });
    }
    for m in super::people::standing_meetings(store, event)? {
        let Ok(starts) = DateTime::parse_from_rfc3339(&m.starts_at) else { continue };
        if m.status != MeetingStatus::Accepted || starts.to_utc() <= now {
            continue;
        }
        soon.push(Due {
            starts: starts.to_utc(),
            reminder: Reminder {
                key: format!("meeting:{}:{}", m.id, starts.timestamp()),
                what: ReminderWhat::Meeting,
                title: m.with.clone(),
                starts: m.start.clone(),
                place: Some(m.place.clone()),
                minutes: 0,
                text: None,
            },
        });
    }
    let changes = store
        .schedule_notices(&event.manifest.id)?
        .into_iter()
        .map(|(id, before, after)| {
            // A change says how it is now; a cancellation what it was.
            let (what, s) = match &after {
                Some(now) => (ReminderWhat::Changed, now),
                None => (ReminderWhat::Cancelled, &before),
            };
            Reminder {
                key: format!("notice:{id}"),
                what,
                title: s.title.clone(),
                starts: elements_domain::format_hhmm(&s.starts_at),
                place: room_of(s),
                minutes: 0,
                text: None,
            }
        })
        .collect();
    Ok((soon, changes))
}

/// What people did that the person should hear of: a meeting they are asked to answer (again
/// when it is moved), a message from someone else.
fn people_news(store: &Cache, event: &crate::cache::LoadedEvent) -> Result<Vec<Reminder>, ApiError> {
    let mut news = Vec::new();
    for m in super::people::standing_meetings(store, event)? {
        if m.status == MeetingStatus::Proposed && m.mine_to_answer && !m.waiting {
            news.push(Reminder {
                key: format!("asked:{}:{}:{}", m.id, m.starts_at, m.place_id),
                what: ReminderWhat::MeetingAsked,
                title: m.with.clone(),
                starts: m.start.clone(),
                place: Some(m.place.clone()),
                minutes: 0,
                text: None,
            });
        }
    }
    let me = super::signals::credential_for(store, event, ElementKind::People)?.and_then(|c| c.profile_id);
    for m in store.messages()? {
        if Some(&m.from.profile_id) == me.as_ref() {
            continue;
        }
        news.push(Reminder {
            key: format!("message:{}", m.id),
            what: ReminderWhat::Message,
            title: m.from.name.clone(),
            starts: elements_domain::format_hhmm(
                &m.sent_at
                    .with_timezone(&event.manifest.days.first().map(|d| *d.starts_at.offset()).unwrap_or(Utc.fix())),
            ),
            place: None,
            minutes: 0,
            text: Some(m.text.chars().take(200).collect()),
        });
    }
    // Announcements: to everyone, and those sent to this person (a room they were in, a tag).
    for a in super::staff::announcements_of(store, event)? {
        news.push(Reminder {
            key: format!("announcement:{}", a.id),
            what: ReminderWhat::Announcement,
            title: String::new(),
            starts: a.at.clone(),
            place: a.room.clone(),
            minutes: 0,
            text: Some(a.text.chars().take(200).collect()),
        });
    }
    Ok(news)
}

/// What to tell the person now, each once: recorded as given before it is returned.
pub(super) fn take_due_reminders(api: &AppApi) -> Result<Vec<Reminder>, ApiError> {
    let mut store = api.store()?;
    let Some(event) = store.loaded_event()? else { return Ok(Vec::new()) };
    let credential = super::signals::credential_for(&store, &event, ElementKind::Agenda)?;
    if super::signals::is_venue_screen(api, credential.as_ref()) {
        return Ok(Vec::new());
    }
    let lead = lead(&store)?;
    let now = api.clock.now();
    let given = store.reminded(&event.manifest.id)?;
    let (soon, changes) = candidates(api, &store, &event)?;
    let mut due: Vec<Reminder> = changes.into_iter().filter(|r| !given.contains(&r.key)).collect();
    // News from people is what arrives while the app runs: the first look only notes what is
    // there already (a new device, a long time offline), so nothing old pops up at start.
    let news: Vec<Reminder> = people_news(&store, &event)?.into_iter().filter(|r| !given.contains(&r.key)).collect();
    let baseline = format!("people.news.since.{}", event.manifest.id);
    if store.preference(&baseline)?.is_none() {
        let keys: Vec<String> = news.iter().map(|r| r.key.clone()).collect();
        store.set_reminded(&event.manifest.id, &keys, now.timestamp())?;
        store.set_preference(&baseline, Some(&now.timestamp().to_string()))?;
    } else {
        due.extend(news);
    }
    if lead > 0 {
        let window = chrono::Duration::minutes(i64::from(lead));
        let mut sessions: Vec<Due> =
            soon.into_iter().filter(|d| d.starts - window <= now && !given.contains(&d.reminder.key)).collect();
        sessions.sort_by_key(|d| d.starts);
        due.extend(sessions.into_iter().map(|d| {
            let minutes = (d.starts - now).num_seconds().max(0) as u32;
            Reminder { minutes: minutes.div_ceil(60), ..d.reminder }
        }));
    }
    let keys: Vec<String> = due.iter().map(|r| r.key.clone()).collect();
    store.set_reminded(&event.manifest.id, &keys, now.timestamp())?;
    Ok(due)
}

/// When the next reminder falls due (after now), for the shell's timer; `None` when none is
/// ahead. Changes that arrive meanwhile are noticed by the timer's next look.
pub(super) fn next_reminder_at(api: &AppApi) -> Result<Option<DateTime<Utc>>, ApiError> {
    let store = api.store()?;
    let Some(event) = store.loaded_event()? else { return Ok(None) };
    let lead = lead(&store)?;
    if lead == 0 {
        return Ok(None);
    }
    let given = store.reminded(&event.manifest.id)?;
    let now = api.clock.now();
    let (soon, _) = candidates(api, &store, &event)?;
    let window = chrono::Duration::minutes(i64::from(lead));
    Ok(soon
        .into_iter()
        .filter(|d| !given.contains(&d.reminder.key))
        .map(|d| d.starts - window)
        .filter(|t| *t > now)
        .min())
}
