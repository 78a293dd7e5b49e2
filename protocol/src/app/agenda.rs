//! The agenda Element: the event overview, days, sessions, now/next, and my own schedule.

use serde::{Deserialize, Serialize};

use super::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgendaDayArgs {
    pub day: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionDetailArgs {
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventOverview {
    pub event_id: String,
    pub name: String,
    pub tagline: String,
    pub venue: String,
    /// The first and last day, "2027-03-10" (the UI writes them in the person's language).
    pub first_day: String,
    pub last_day: String,
    pub timezone: String,
    pub primary_color: String,
    pub accent_color: String,
    pub elements: Vec<ElementNav>,
    pub days: Vec<DayTab>,
    pub tracks: Vec<TrackTag>,
    pub rooms: Vec<RoomTag>,
    /// Something the person should know about the app itself, e.g. that a damaged cache was
    /// moved aside and rebuilt. Shown once as a banner.
    pub notice: Option<String>,
    /// Which frame the shell shows.
    #[serde(default)]
    pub mode: DeviceMode,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElementNav {
    pub kind: ElementKind,
    /// The organizer's own name for it, if they gave one; else the UI names it.
    pub title: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayTab {
    pub index: u32,
    /// The organizer's label, e.g. "Day 1".
    pub label: String,
    /// "2027-03-10".
    pub date: String,
    pub session_count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TrackTag {
    pub id: String,
    pub name: String,
    pub color: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RoomTag {
    pub id: String,
    pub name: String,
    pub floor: String,
    /// The room's place on the venue map ("show on map", "take me there").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgendaDay {
    pub day: u32,
    pub label: String,
    pub date: String,
    pub sessions: Vec<SessionCard>,
}

/// A session as a list shows it. Times are local to the venue, preformatted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionCard {
    pub id: String,
    pub title: String,
    pub kind: SessionKind,
    pub day: u32,
    /// "09:30"
    pub starts: String,
    /// "10:15"
    pub ends: String,
    pub duration_minutes: u32,
    /// None where the session has no room.
    pub room: Option<RoomTag>,
    pub track: Option<TrackTag>,
    /// "Ada Lovelace, Alan Turing"; empty for breaks.
    pub speakers: String,
    /// In this person's own agenda.
    #[serde(default)]
    pub starred: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionDetail {
    pub card: SessionCard,
    pub day_label: String,
    /// "2027-03-10".
    pub date: String,
    pub summary: String,
    pub language: String,
    pub tags: Vec<String>,
    pub speakers: Vec<SpeakerCard>,
    /// This person checked in to it ("I'm here").
    #[serde(default)]
    pub checked_in: bool,
    /// Checking in is possible now: from 15 minutes before it starts until it ends, on a device
    /// that may act.
    #[serde(default)]
    pub can_check_in: bool,
    /// The polls tied to this session, as the voting screen shows them.
    #[serde(default)]
    pub polls: Vec<PollView>,
    /// Whether this device may answer them (not a venue screen).
    #[serde(default)]
    pub can_vote: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpeakerCard {
    pub id: String,
    pub name: String,
    /// "Head of Platform, Northwind Rail"
    pub affiliation: String,
    pub bio: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NowNext {
    pub phase: EventPhase,
    /// What the header says ("Starts in 103 days", "Day 2 · 14:05"), as facts the UI words.
    pub headline: Headline,
    pub now: Vec<SessionCard>,
    pub next: Vec<SessionCard>,
    /// Seconds until this answer goes stale by the clock alone (a session starts or ends, the
    /// minute in the headline turns); `None` when the clock is pinned.
    #[serde(default)]
    pub changes_in_seconds: Option<u32>,
}

/// Everything the first screen needs, read in one round trip at launch: the shell's
/// preferences and overview and, when the agenda opens first, its headline, the day it opens on
/// and the person's schedule. The UI takes each part as the answer to its own command.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Startup {
    pub preferences: super::Preferences,
    pub overview: EventOverview,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agenda: Option<AgendaStart>,
}

/// The agenda's first screen: the day it opens on (today during the event, else the first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgendaStart {
    pub now_next: NowNext,
    pub day: AgendaDay,
    pub mine: MySchedule,
}

impl NowNext {
    /// The day the agenda opens on during the event (the day of what runs now, else of what is
    /// next); `None` before and after it, when the agenda opens on its first day. The core's
    /// start-up answer and the agenda both decide by this.
    pub fn opening_day(&self) -> Option<u32> {
        (self.phase == EventPhase::During).then(|| self.now.first().or(self.next.first()).map(|s| s.day)).flatten()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Headline {
    /// Before the event: whole days until its first day (0 = today).
    StartsIn {
        days: u32,
    },
    /// During: the organizer's label of today and the venue's local time, "14:05".
    Running {
        day: String,
        time: String,
    },
    Ended,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventPhase {
    Before,
    During,
    After,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StarArgs {
    pub id: String,
    pub starred: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MySchedule {
    pub days: Vec<MyDay>,
    /// What a sync changed in this schedule, newest first, until put away.
    #[serde(default)]
    pub notices: Vec<ScheduleNotice>,
    /// The first starred session not over yet (running or next): "take me to my next session".
    pub next: Option<SessionCard>,
    /// My meetings that stand (asked or accepted), by start: they take my time like sessions.
    #[serde(default)]
    pub meetings: Vec<MeetingCard>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyDay {
    pub day: u32,
    pub label: String,
    /// "2027-03-10".
    pub date: String,
    pub sessions: Vec<MySession>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MySession {
    pub card: SessionCard,
    /// Titles of the other starred sessions it overlaps: one person cannot be at both.
    pub overlaps: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoticeArgs {
    pub id: i64,
}

/// A starred session the event changed: what it was and what it is now (venue-local day labels
/// and times, room names). A cancelled session has no `now`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScheduleNotice {
    pub id: i64,
    pub session_id: String,
    pub title: String,
    pub before: SessionWhen,
    pub now: Option<SessionWhen>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionWhen {
    /// "2027-03-10"
    pub date: String,
    /// "10:00"
    pub starts: String,
    pub ends: String,
    pub room: Option<String>,
}
