//! The person's schedule as an iCalendar file (RFC 5545) that calendar apps import: one event per
//! starred session, in the event's time zone. Events are built with the `icalendar` crate; the
//! crate has no time-zone component, so the one `VTIMEZONE` is added here, and only where it is
//! exact: when every session has the same UTC offset (an event that spans a daylight-saving
//! change is written in UTC instead, which every calendar app reads the same).

use chrono::{DateTime, FixedOffset, Utc};
use icalendar::{Calendar, CalendarDateTime, Component, Event, EventLike};

/// A session as the file describes it.
pub struct IcsSession<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub speakers: &'a str,
    pub room: Option<&'a str>,
    pub starts_at: DateTime<FixedOffset>,
    pub ends_at: DateTime<FixedOffset>,
}

/// The calendar text. `tzid` is the event's IANA zone name (the manifest's `timezone`).
pub fn schedule(
    event_id: &str,
    event_name: &str,
    tzid: &str,
    sessions: &[IcsSession<'_>],
    now: DateTime<Utc>,
) -> String {
    let offsets: std::collections::BTreeSet<i32> = sessions
        .iter()
        .flat_map(|s| [s.starts_at.offset().local_minus_utc(), s.ends_at.offset().local_minus_utc()])
        .collect();
    let zone = match (offsets.len(), tzid.trim()) {
        (1, tz) if !tz.is_empty() && tz.len() <= 64 && !tz.contains(['\r', '\n', ';', ':', ',']) => {
            offsets.first().map(|o| (tz.to_string(), *o))
        }
        _ => None,
    };
    let at = |t: &DateTime<FixedOffset>| -> CalendarDateTime {
        match &zone {
            Some((tz, _)) => CalendarDateTime::WithTimezone { date_time: t.naive_local(), tzid: tz.clone() },
            None => CalendarDateTime::Utc(t.to_utc()),
        }
    };
    let mut calendar = Calendar::new();
    calendar.name(event_name);
    for s in sessions {
        let mut e = Event::new();
        e.uid(&format!("{}@{}.elements", s.id, event_id))
            .timestamp(now)
            .summary(s.title)
            .starts(at(&s.starts_at))
            .ends(at(&s.ends_at));
        let mut description = s.speakers.to_string();
        if !s.summary.is_empty() {
            if !description.is_empty() {
                description.push_str("\n\n");
            }
            description.push_str(s.summary);
        }
        if !description.is_empty() {
            e.description(&description);
        }
        if let Some(room) = s.room {
            e.location(room);
        }
        calendar.push(e.done());
    }
    let text = calendar.done().to_string();
    match zone {
        // The zone's definition goes before the first event that names it.
        Some((tz, offset)) if text.contains("BEGIN:VEVENT") => {
            let o = format!(
                "{}{:02}{:02}",
                if offset < 0 { '-' } else { '+' },
                offset.abs() / 3600,
                offset.abs() % 3600 / 60
            );
            let vtimezone = format!(
                "BEGIN:VTIMEZONE\r\nTZID:{tz}\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:{o}\r\nTZOFFSETTO:{o}\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
            );
            text.replacen("BEGIN:VEVENT", &format!("{vtimezone}BEGIN:VEVENT"), 1)
        }
        _ => text,
    }
}
