//! What every adapter fills: rooms, tracks, speakers and sessions, deduplicated and given
//! stable ids, then checked as a whole.

use std::collections::HashMap;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate};
use elements_protocol::event::{
    Branding, ElementEntry, ElementKind, EventBundle, EventDay, Manifest, Room, Session, SessionKind, Speaker, Track,
    Venue,
};

use crate::time::Zone;
use crate::ImportError;

/// Colours for tracks whose source gives none, distinct and readable on white.
const PALETTE: &[&str] =
    &["#2563eb", "#7c3aed", "#dc2626", "#db2777", "#059669", "#d97706", "#0891b2", "#4d7c0f", "#9333ea", "#be123c"];

pub struct Builder {
    pub id: String,
    pub name: String,
    pub zone: Zone,
    pub days: Vec<EventDay>,
    pub languages: Vec<String>,
    rooms: Vec<Room>,
    room_ids: HashMap<String, String>,
    tracks: Vec<Track>,
    track_ids: HashMap<String, String>,
    speakers: Vec<Speaker>,
    speaker_ids: HashMap<String, String>,
    sessions: Vec<Session>,
    /// The published day each session was listed under, where the source lists by day.
    listed_day: HashMap<String, u32>,
    /// Sessions the source published but that could not be read (each with a warning).
    skipped: usize,
    pub warnings: Vec<String>,
}

/// One session as an adapter read it, before ids are resolved.
pub struct Draft {
    /// The source's stable id (guid where there is one).
    pub source_id: String,
    pub title: String,
    pub subtitle: String,
    pub summary: String,
    pub kind: SessionKind,
    /// Empty where the source names no room (an iCalendar event without LOCATION).
    pub room: String,
    pub track: Option<String>,
    pub starts_at: DateTime<FixedOffset>,
    pub minutes: i64,
    /// (source key, display name, biography)
    pub speakers: Vec<(String, String, String)>,
    pub language: String,
    /// The index of the `<day>` the source listed it under, where it lists by day.
    pub listed_day: Option<u32>,
}

pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        "x".into()
    } else {
        out
    }
}

/// Maps a source's free-text session type ("lecture", "Talk 30 min + 10min Q&A", "workshop").
pub fn kind_of(source_type: &str) -> SessionKind {
    let t = source_type.to_lowercase();
    if t.contains("keynote") {
        SessionKind::Keynote
    } else if t.contains("workshop") || t.contains("hands-on") {
        SessionKind::Workshop
    } else if t.contains("panel") || t.contains("podium") {
        SessionKind::Panel
    } else if t.contains("lightning") {
        SessionKind::Lightning
    } else if t.contains("break") || t.contains("pause") || t.contains("lunch") {
        SessionKind::Break
    } else {
        SessionKind::Talk
    }
}

impl Builder {
    pub fn new(id: &str, name: &str, zone: Zone) -> Builder {
        Builder {
            id: slug(id),
            name: name.trim().to_string(),
            zone,
            days: Vec::new(),
            languages: Vec::new(),
            rooms: Vec::new(),
            room_ids: HashMap::new(),
            tracks: Vec::new(),
            track_ids: HashMap::new(),
            speakers: Vec::new(),
            speaker_ids: HashMap::new(),
            sessions: Vec::new(),
            listed_day: HashMap::new(),
            skipped: 0,
            warnings: Vec::new(),
        }
    }

    pub fn add_day(
        &mut self,
        index: u32,
        date: NaiveDate,
        starts_at: DateTime<FixedOffset>,
        ends_at: DateTime<FixedOffset>,
    ) {
        let label = date.format("%a %-d %b").to_string();
        self.days.push(EventDay { index, date, label, starts_at, ends_at });
    }

    pub fn room(&mut self, name: &str, capacity: Option<u32>) -> String {
        let key = name.trim().to_string();
        if let Some(id) = self.room_ids.get(&key) {
            return id.clone();
        }
        let id = self.unique_id("room", &slug(&key), |b, id| b.rooms.iter().any(|r| r.id == id));
        self.rooms.push(Room { id: id.clone(), name: key.clone(), floor_id: None, capacity });
        self.room_ids.insert(key, id.clone());
        id
    }

    pub fn track(&mut self, name: &str, color: Option<&str>) -> Option<String> {
        let key = name.trim().to_string();
        if key.is_empty() {
            return None;
        }
        if let Some(id) = self.track_ids.get(&key.to_lowercase()) {
            return Some(id.clone());
        }
        let id = self.unique_id("track", &slug(&key), |b, id| b.tracks.iter().any(|t| t.id == id));
        let color = color
            .filter(|c| c.starts_with('#') && (c.len() == 7 || c.len() == 4))
            .map(str::to_string)
            .unwrap_or_else(|| PALETTE[self.tracks.len() % PALETTE.len()].to_string());
        self.tracks.push(Track { id: id.clone(), name: key.clone(), color });
        self.track_ids.insert(key.to_lowercase(), id.clone());
        Some(id)
    }

    fn speaker(&mut self, key: &str, name: &str, bio: &str) -> String {
        if let Some(id) = self.speaker_ids.get(key) {
            // A later mention may carry the biography the first one lacked.
            if let Some(s) = self.speakers.iter_mut().find(|s| &s.id == id) {
                if s.bio.is_empty() && !bio.trim().is_empty() {
                    s.bio = bio.trim().to_string();
                }
            }
            return id.clone();
        }
        let id = self.unique_id("speaker", &slug(key), |b, id| b.speakers.iter().any(|s| s.id == id));
        self.speakers.push(Speaker {
            id: id.clone(),
            name: name.trim().to_string(),
            organization: None,
            position: None,
            bio: bio.trim().to_string(),
        });
        self.speaker_ids.insert(key.to_string(), id.clone());
        id
    }

    fn unique_id(&self, prefix: &str, base: &str, taken: impl Fn(&Builder, &str) -> bool) -> String {
        let mut id = format!("{prefix}-{base}");
        let mut n = 2;
        while taken(self, &id) {
            id = format!("{prefix}-{base}-{n}");
            n += 1;
        }
        id
    }

    /// Notes a published session that could not be read: it is named in a warning and the rest
    /// of the file is imported.
    pub fn skip(&mut self, what: impl std::fmt::Display, why: impl std::fmt::Display) {
        self.skipped += 1;
        self.warnings.push(format!("{what}: {why}; skipped"));
    }

    pub fn session(&mut self, d: Draft) {
        let title = if d.subtitle.trim().is_empty() {
            d.title.trim().to_string()
        } else {
            format!("{}: {}", d.title.trim(), d.subtitle.trim())
        };
        if title.is_empty() {
            return self.skip(format!("session {}", d.source_id), "it has no title");
        }
        let ends_at = match crate::time::plus_minutes(d.starts_at, d.minutes) {
            Ok(t) => t,
            Err(e) => return self.skip(format!("session {} \"{title}\"", d.source_id), e),
        };
        let room_id = (!d.room.trim().is_empty()).then(|| self.room(&d.room, None));
        let track_id = d.track.as_deref().and_then(|t| self.track(t, None));
        let mut speaker_ids = Vec::new();
        for (key, name, bio) in &d.speakers {
            if name.trim().is_empty() {
                continue;
            }
            let id = self.speaker(key, name, bio);
            if !speaker_ids.contains(&id) {
                speaker_ids.push(id);
            }
        }
        // No guid and no id: the title and start name it (stable across re-imports).
        let source = if d.source_id.trim().is_empty() {
            format!("{title} {}", d.starts_at.format("%Y%m%dT%H%M"))
        } else {
            d.source_id.clone()
        };
        let mut id = format!("s-{}", slug(&source));
        if let Some(first) = self.sessions.iter().find(|s| s.id == id) {
            if first.starts_at == d.starts_at && first.room_id == room_id {
                self.warnings.push(format!(
                    "session \"{}\" ({}) is published twice at the same time and place; the copy was skipped",
                    title, d.source_id
                ));
                return;
            }
            // The same guid at another time or place is a repeat of the session (a talk given
            // twice): a session of its own, whose id is stable because it names its start.
            id = format!("{id}-{}", d.starts_at.format("%Y%m%dT%H%M"));
            let base = id.clone();
            let mut n = 2;
            while self.sessions.iter().any(|s| s.id == id) {
                id = format!("{base}-{n}");
                n += 1;
            }
        }
        let language = d.language.trim().to_lowercase();
        if !language.is_empty() && !self.languages.contains(&language) {
            self.languages.push(language.clone());
        }
        if let Some(day) = d.listed_day {
            self.listed_day.insert(id.clone(), day);
        }
        self.sessions.push(Session {
            id,
            title,
            summary: d.summary.trim().to_string(),
            kind: d.kind,
            room_id,
            track_id,
            starts_at: d.starts_at,
            ends_at,
            speaker_ids,
            language: if language.is_empty() { "und".into() } else { language },
            tags: Vec::new(),
        });
    }

    /// A session belongs to the day it is listed under, even where it starts outside the
    /// window the source published for that day (merged schedules do this): the day is widened
    /// to hold it, unless that would take time from a neighbouring day.
    fn widen_listed_days(&mut self) {
        for s in &self.sessions {
            let Some(&index) = self.listed_day.get(&s.id) else { continue };
            if elements_domain::day_of(&self.days, &s.starts_at) == Some(index) {
                continue;
            }
            let others_hold_it =
                self.days.iter().any(|d| d.index != index && d.starts_at <= s.starts_at && s.starts_at < d.ends_at);
            if others_hold_it {
                continue;
            }
            let Some(pos) = self.days.iter().position(|d| d.index == index) else { continue };
            let (start, end) = (self.days[pos].starts_at.min(s.starts_at), self.days[pos].ends_at);
            // The widened day must not swallow part of another day.
            let new_end = if s.starts_at >= end { s.ends_at.max(s.starts_at + Duration::minutes(1)) } else { end };
            let overlaps =
                self.days.iter().enumerate().any(|(i, d)| i != pos && d.starts_at < new_end && start < d.ends_at);
            if !overlaps {
                self.days[pos].starts_at = start;
                self.days[pos].ends_at = new_end;
            }
        }
    }

    /// Days from the sessions' local dates, for sources that publish none (iCalendar).
    fn derive_days(&mut self) -> Result<(), String> {
        let mut dates: Vec<NaiveDate> = self.sessions.iter().map(|s| s.starts_at.date_naive()).collect();
        dates.sort();
        dates.dedup();
        for (i, date) in dates.into_iter().enumerate() {
            let start = self.zone.localize(date.and_hms_opt(0, 0, 0).ok_or("bad date")?)?;
            let end = self.zone.localize(date.succ_opt().and_then(|d| d.and_hms_opt(0, 0, 0)).ok_or("bad date")?)?;
            self.add_day(i as u32 + 1, date, start, end);
        }
        Ok(())
    }

    pub fn finish(mut self, format: &'static str) -> Result<(EventBundle, Vec<String>), ImportError> {
        if self.days.is_empty() {
            self.derive_days().map_err(|detail| ImportError::Malformed { format, detail })?;
        }
        self.widen_listed_days();
        // A session outside every published day would be unreachable in the agenda: say so.
        let days = self.days.clone();
        let before = self.sessions.len();
        let mut dropped = Vec::new();
        self.sessions.retain(|s| {
            let inside = elements_domain::day_of(&days, &s.starts_at).is_some();
            if !inside {
                dropped.push(format!(
                    "session \"{}\" starts at {}, outside every day of the schedule; skipped",
                    s.title, s.starts_at
                ));
            }
            inside
        });
        self.warnings.extend(dropped);
        if self.sessions.is_empty() && before + self.skipped > 0 {
            return Err(ImportError::Invalid { format, problems: self.warnings });
        }
        self.sessions.sort_by(|a, b| a.starts_at.cmp(&b.starts_at).then_with(|| a.id.cmp(&b.id)));
        let manifest = Manifest {
            qr_public_key: None,
            kiosk: None,
            goals: Vec::new(),
            signed_tickets: false,
            id: self.id,
            name: self.name,
            tagline: String::new(),
            timezone: self.zone.name(),
            days: self.days,
            venue: Venue { name: String::new(), address: String::new(), city: String::new() },
            languages: self.languages,
            branding: Branding { primary_color: "#0b4f6c".into(), accent_color: "#f59e0b".into() },
            elements: vec![ElementEntry { kind: ElementKind::Agenda, title: None, base_url: None, version: 1 }],
        };
        // The schedule's parts; nothing else (an organizer adds the rest, `merge` keeps it).
        let bundle = EventBundle {
            rooms: self.rooms,
            tracks: self.tracks,
            speakers: self.speakers,
            sessions: self.sessions,
            ..EventBundle::empty(manifest)
        };
        elements_domain::validate(&bundle).map_err(|errors| ImportError::Invalid {
            format,
            problems: errors.iter().map(|e| format!("  - {e}")).collect(),
        })?;
        Ok((bundle, self.warnings))
    }
}
