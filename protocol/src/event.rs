//! The Elements event format.
//!
//! An [`EventBundle`] is a complete snapshot of one event: its manifest plus every entity the
//! enabled Elements need. The bundled demo event is one such file; a backend's first sync
//! delivers the same entities, so the cache is filled the same way either way.
//!
//! Timestamps are RFC 3339 with the event's local UTC offset (`2027-03-10T09:00:00+01:00`):
//! exact instants that still read as the local wall clock.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

/// Version of this format. Bumped on any change an older reader would misread.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventBundle {
    pub format_version: u32,
    pub manifest: Manifest,
    pub floors: Vec<Floor>,
    pub rooms: Vec<Room>,
    pub tracks: Vec<Track>,
    pub speakers: Vec<Speaker>,
    pub sessions: Vec<Session>,
    pub points_of_interest: Vec<PointOfInterest>,
    pub polls: Vec<Poll>,
    pub quests: Vec<Quest>,
    pub people: Vec<Profile>,
    /// The event's own rules (`scenario`), on top of the defaults its quests imply.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scenarios: Vec<crate::scenario::Scenario>,
    /// Where people can walk, for routes on the map (`venue`); empty when the event has none.
    #[serde(default, skip_serializing_if = "crate::venue::WalkGraph::is_empty")]
    pub walk: crate::venue::WalkGraph,
}

impl EventBundle {
    /// An event with this manifest and nothing in it yet.
    pub fn empty(manifest: Manifest) -> EventBundle {
        EventBundle {
            format_version: FORMAT_VERSION,
            manifest,
            floors: Vec::new(),
            rooms: Vec::new(),
            tracks: Vec::new(),
            speakers: Vec::new(),
            sessions: Vec::new(),
            points_of_interest: Vec::new(),
            polls: Vec::new(),
            quests: Vec::new(),
            people: Vec::new(),
            scenarios: Vec::new(),
            walk: Default::default(),
        }
    }
}

/// What an event is and which Elements it switches on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub tagline: String,
    /// IANA time zone name of the venue, e.g. `Europe/Berlin`.
    pub timezone: String,
    pub days: Vec<EventDay>,
    pub venue: Venue,
    pub languages: Vec<String>,
    pub branding: Branding,
    /// The Elements this event enables, in the order the app shows them. Entries of a kind this
    /// app does not know (a newer backend's Element) are left out when reading, so they cannot
    /// sink the whole manifest.
    #[serde(deserialize_with = "known_elements")]
    pub elements: Vec<ElementEntry>,
    /// The Ed25519 public key (64 hex digits) that signs the event's checkpoint QR codes. When
    /// present, a checkpoint scan counts only with a valid signature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qr_public_key: Option<String>,
    /// How the event's venue screens run, unless a screen is told otherwise on its command line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kiosk: Option<KioskSettings>,
    /// What the organizer wants the event to achieve, measured live from the signals (the
    /// meanings layer): "half of the attendees visit three partner booths".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub goals: Vec<Goal>,
    /// The event's personal tickets are signed with its key (`qr_public_key`): a door tablet
    /// refuses, offline, a ticket that carries no signature or a wrong one. Off: tickets are
    /// checked by the backend only (shared codes, tickets made before signing).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub signed_tickets: bool,
}

/// An organizer's goal: the share of attendees (`target_percent`) who do something at least
/// so often.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goal {
    pub id: String,
    /// In the event's language(s), as the organizer says it.
    pub name: String,
    pub measure: GoalMeasure,
    pub target_percent: u32,
}

/// What counts towards a goal: an attendee's accepted signals of one kind, with distinct
/// targets (three booths, not one booth three times), among the listed ones if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalMeasure {
    pub signal: crate::scenario::SignalKind,
    #[serde(default = "one")]
    pub at_least: u32,
    /// The targets that count (booths, sessions, polls, checkpoints); empty: any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub among: Vec<String>,
    /// Check-ins count only to sessions of this kind (workshops, keynotes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_kind: Option<SessionKind>,
    /// The goal is about the attendees holding this ticket type (the roster's): its share is of
    /// them, not of everyone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_type: Option<String>,
    /// Only signals made within this window count (a count within a time window).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<GoalWindow>,
}

/// From when to when signals count towards a goal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalWindow {
    pub from: DateTime<FixedOffset>,
    pub to: DateTime<FixedOffset>,
}

fn one() -> u32 {
    1
}

/// A venue screen's loop: which panels, in what order, how long each.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct KioskSettings {
    /// In order; empty or absent: every panel that has something to show. A panel this app does
    /// not know (a newer one's) is left out, not an error.
    #[serde(default, skip_serializing_if = "Vec::is_empty", deserialize_with = "known_panels")]
    pub panels: Vec<KioskPanel>,
    /// Seconds each panel stays (default 12).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds: Option<u32>,
    /// The organizer allows the screens to show the event in numbers (the `figures` panel:
    /// aggregate counts from the analytics, none from fewer than five people). Off unless set:
    /// the backend publishes no figures for screens without it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub show_figures: bool,
}

wire_enum! {
    /// The panels a venue screen rotates through.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum KioskPanel {
        /// What runs now and next in each room (or the screen's room), with how full it is.
        NowNext = "now_next",
        /// The poll open now (the screen's room's first), its results as votes arrive.
        Poll = "poll",
        /// The Q&A question staff put on the screens.
        Question = "question",
        /// A quest's leaderboard (names only of those who opted in).
        Leaderboard = "leaderboard",
        /// "You are here" and the way to the main places.
        WhereTo = "where_to",
        /// The latest announcements.
        Announcements = "announcements",
        /// A big QR code to join the event from a phone.
        Join = "join",
        /// The event in numbers, where the organizer allows it (`show_figures`).
        Figures = "figures",
    }
}

fn known_panels<'de, D: serde::Deserializer<'de>>(de: D) -> Result<Vec<KioskPanel>, D::Error> {
    let names: Vec<String> = Vec::deserialize(de)?;
    Ok(names.iter().filter_map(|n| KioskPanel::ALL.iter().copied().find(|p| p.as_str() == n)).collect())
}

/// One programme day. A day may run past midnight, so sessions are assigned to the day whose
/// `[starts_at, ends_at)` window holds their start, never by calendar date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventDay {
    pub index: u32,
    pub date: NaiveDate,
    pub label: String,
    pub starts_at: DateTime<FixedOffset>,
    pub ends_at: DateTime<FixedOffset>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Venue {
    pub name: String,
    pub address: String,
    pub city: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Branding {
    /// CSS colour, e.g. `#0b5cad`.
    pub primary_color: String,
    pub accent_color: String,
}

wire_enum! {
    /// The Elements the app knows. Each is independent: an event switches them on one at a time.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    pub enum ElementKind {
        Agenda = "agenda",
        Map = "map",
        Voting = "voting",
        Quests = "quests",
        People = "people",
        Me = "me",
        /// Staff tools: check-in at doors and sessions, the reward desk. Shown on staff devices
        /// only; its feed is for staff tokens.
        Staff = "staff",
    }
}

impl ElementKind {
    /// Whether the Element has a changes feed. `me` is the device's own view and has none.
    pub fn has_feed(self) -> bool {
        self != ElementKind::Me
    }

    /// Whether reading the Element's feed needs a token: the people directory is for the
    /// event's participants, the staff feed for staff; every other feed is public.
    pub fn feed_needs_token(self) -> bool {
        matches!(self, ElementKind::People | ElementKind::Staff)
    }

    /// Whether the Element is for staff devices only (its feed, its signals, its screen).
    pub fn is_staff_only(self) -> bool {
        self == ElementKind::Staff
    }
}

fn known_elements<'de, D: serde::Deserializer<'de>>(de: D) -> Result<Vec<ElementEntry>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Entry {
        Known(ElementEntry),
        // Any other object with a `kind`: an Element of a later protocol, ignored.
        Unknown {
            #[allow(dead_code)]
            kind: String,
        },
    }
    let entries: Vec<Entry> = Vec::deserialize(de)?;
    Ok(entries
        .into_iter()
        .filter_map(|e| match e {
            Entry::Known(known) => Some(known),
            Entry::Unknown { .. } => None,
        })
        .collect())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElementEntry {
    pub kind: ElementKind,
    /// Label shown in navigation; the app's default name when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Where this Element's backend lives; `None` for the bundled, offline-only event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// Version of this Element's feed and signals. An app syncs only the versions it knows
    /// (up to [`ELEMENT_VERSION`]) and says so for the others, instead of misreading them.
    #[serde(default = "first_element_version")]
    pub version: u32,
}

/// The Element version this build of the protocol types describes, for every Element.
pub const ELEMENT_VERSION: u32 = 1;

fn first_element_version() -> u32 {
    1
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Floor {
    pub id: String,
    pub name: String,
    /// 0 = ground floor.
    pub level: i32,
    /// Floor-plan image, relative to the event bundle's folder.
    pub plan_image: String,
    /// Plan coordinate space; points of interest use it. For a raster plan (PNG, JPEG), its
    /// size in pixels.
    pub width: u32,
    pub height: u32,
    /// A fingerprint of the plan image's bytes, set by the backend that serves it
    /// (`GET /v1/floors/{floor_id}/plan`): the app downloads the plan again when it changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_rev: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Room {
    pub id: String,
    pub name: String,
    /// Absent where the source does not say (most published schedules).
    #[serde(default)]
    pub floor_id: Option<String>,
    /// Seats, where known.
    #[serde(default)]
    pub capacity: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Track {
    pub id: String,
    pub name: String,
    /// CSS colour.
    pub color: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Speaker {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub organization: Option<String>,
    #[serde(default)]
    pub position: Option<String>,
    #[serde(default)]
    pub bio: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionKind {
    Keynote,
    Talk,
    Panel,
    Workshop,
    Lightning,
    Break,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub id: String,
    pub title: String,
    #[serde(default, rename = "abstract")]
    pub summary: String,
    pub kind: SessionKind,
    /// None for a session that has no room (a calendar entry without a place, an online talk).
    #[serde(default)]
    pub room_id: Option<String>,
    #[serde(default)]
    pub track_id: Option<String>,
    pub starts_at: DateTime<FixedOffset>,
    pub ends_at: DateTime<FixedOffset>,
    #[serde(default)]
    pub speaker_ids: Vec<String>,
    /// BCP 47 language tag, e.g. `en`.
    pub language: String,
    #[serde(default)]
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PoiKind {
    Room,
    Booth,
    Food,
    Toilet,
    Exit,
    Stairs,
    Lift,
    Info,
    FirstAid,
    /// A spot people agree to meet at.
    MeetingPoint,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointOfInterest {
    pub id: String,
    pub name: String,
    pub kind: PoiKind,
    pub floor_id: String,
    /// Position on the floor plan, in the floor's coordinate space.
    pub x: u32,
    pub y: u32,
    #[serde(default)]
    pub description: String,
    /// The room this place is (sessions in that room are found here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room_id: Option<String>,
    /// Who is at this booth: the exhibitor's name, searchable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exhibitor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Poll {
    pub id: String,
    pub question: String,
    #[serde(default)]
    pub session_id: Option<String>,
    pub options: Vec<PollOption>,
    pub opens_at: DateTime<FixedOffset>,
    pub closes_at: DateTime<FixedOffset>,
    /// One vote per personal ticket: votes from participants who joined with a shared join code
    /// are refused (`ticket_required`). For polls whose result matters more than reach.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub requires_ticket: bool,
    /// What is asked: one option (the default), several, a rating, free text, a ranking, a quiz
    /// question, or the audience's own questions (Q&A).
    #[serde(default, skip_serializing_if = "PollKind::is_default")]
    pub kind: PollKind,
    /// `multiple_choice`: at most this many options (absent: any number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_choices: Option<u32>,
    /// `rating`: the scale, `{"min": 1, "max": 5}` (stars) by default, or `{"min": 0, "max": 10}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<RatingScale>,
    /// `quiz`: the right option. Devices hold it (they say right or wrong at once, offline):
    /// a quiz is a game, not an exam.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correct_option_id: Option<String>,
    /// The backend publishes no counts (only how many answered) until staff reveal them.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hide_results: bool,
    /// `quiz`: answers count only this many seconds after the poll opens (a live quiz round).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timer_seconds: Option<u32>,
    /// Made on the spot and not opened yet: apps show it to staff only. Opening it clears this.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub draft: bool,
    /// Staff reset the poll (a rehearsal's test votes) at this moment: answers given before it
    /// no longer count, and everyone may answer again. Set by a backend, not an event file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reset_at: Option<DateTime<FixedOffset>>,
}

impl Poll {
    /// When answers stop counting: `closes_at`, or earlier for a quiz round with a timer.
    pub fn deadline(&self) -> DateTime<FixedOffset> {
        match self.timer_seconds {
            Some(s) => self.closes_at.min(self.opens_at + chrono::Duration::seconds(i64::from(s))),
            None => self.closes_at,
        }
    }
}

wire_enum! {
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum PollKind {
        #[default]
        SingleChoice = "single_choice",
        MultipleChoice = "multiple_choice",
        Rating = "rating",
        /// Free text, shown as a word cloud.
        OpenText = "open_text",
        /// Options put in order; counted as Borda points (first of n gets n − 1).
        Ranking = "ranking",
        /// Single choice with a right answer; points through scenarios (`option_id` filter).
        Quiz = "quiz",
        /// Q&A: attendees ask, upvote, and the questions sort live.
        Questions = "questions",
    }
}

impl PollKind {
    fn is_default(&self) -> bool {
        *self == PollKind::SingleChoice
    }

    /// Whether a person answers by picking among the poll's options.
    pub fn has_options(self) -> bool {
        matches!(self, PollKind::SingleChoice | PollKind::MultipleChoice | PollKind::Ranking | PollKind::Quiz)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RatingScale {
    pub min: u32,
    pub max: u32,
}

impl Default for RatingScale {
    fn default() -> Self {
        RatingScale { min: 1, max: 5 }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PollOption {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quest {
    pub id: String,
    pub title: String,
    pub description: String,
    pub checkpoints: Vec<Checkpoint>,
    pub rewards: Vec<Reward>,
    /// Not shown until a scenario reveals it to a participant (`reveal`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hidden: bool,
    /// Checkpoints must be found in the order listed (step 2 unlocks after step 1).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ordered: bool,
    /// Scans count from this moment (absent: from the start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens_at: Option<DateTime<FixedOffset>>,
    /// Scans count until this moment (absent: until the end).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closes_at: Option<DateTime<FixedOffset>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub id: String,
    pub name: String,
    /// Where the checkpoint's QR code hangs, if it is tied to a place.
    #[serde(default)]
    pub poi_id: Option<String>,
    pub points: u32,
    #[serde(default)]
    pub hint: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reward {
    pub id: String,
    pub name: String,
    pub points_required: u32,
}

/// A person as others see them: in the directory (a listed profile's fields for everyone), in
/// a contact (the fields for contacts), or as the event publishes them (speakers, hosts). The
/// fields after `interests` came with the people Element; absent means not shown.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Profile {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub organization: Option<String>,
    #[serde(default)]
    pub position: Option<String>,
    #[serde(default)]
    pub interests: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub looking_for: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub offers: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<String>,
    /// The photo's revision: `GET /v1/people/{id}/photo` serves it (a JPEG) to whom its owner
    /// shows it. Photos travel apart from the feed: a directory of thousands stays small.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo: Option<String>,
    /// Sessions they starred (ids).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sessions: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_element_kind_from_a_newer_backend_is_left_out_not_fatal() {
        let json = r##"{"id": "e", "name": "E", "timezone": "UTC", "days": [],
            "venue": {"name": "", "address": "", "city": ""}, "languages": [],
            "branding": {"primary_color": "#000000", "accent_color": "#ffffff"},
            "elements": [{"kind": "agenda"}, {"kind": "livestream", "title": "Watch", "base_url": "https://x"},
                         {"kind": "voting", "version": 1}]}"##;
        let m: Manifest = serde_json::from_str(json).expect("a manifest with an unknown Element still reads");
        let kinds: Vec<ElementKind> = m.elements.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [ElementKind::Agenda, ElementKind::Voting]);
        assert!(serde_json::from_str::<Manifest>(&json.replace(r#"{"kind": "agenda"}, "#, r#"3, "#)).is_err());
    }
}
