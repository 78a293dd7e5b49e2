//! What a venue screen shows: its panels and their data.

use serde::{Deserialize, Serialize};

/// A venue screen's loop, with the data of each panel that has something to show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VenueScreen {
    pub panels: Vec<VenuePanel>,
    /// Seconds each panel stays.
    pub seconds: u32,
    /// The room this screen stands at (its name), if it is one room's.
    pub room: Option<String>,
    /// Venue-local "14:02": the last time the backend was reached, while it cannot be now.
    pub offline_since: Option<String>,
    /// Venue-local "14:40", for the corner clock.
    pub now: String,
    /// Seconds until this answer goes stale by the clock alone (a session or poll starts or
    /// ends); `None` when the clock is pinned.
    #[serde(default)]
    pub changes_in_seconds: Option<u32>,
}

/// One panel of a venue screen, tagged by `panel` (the `KioskPanel` name).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "panel", rename_all = "snake_case")]
pub enum VenuePanel {
    NowNext {
        rooms: Vec<RoomNowNext>,
    },
    Poll {
        poll_id: String,
        question: String,
        kind: crate::event::PollKind,
        /// Options (or a scale's values, or words) with their counts, in the poll's order
        /// (words: most used first).
        counts: Vec<VenueCount>,
        total: u64,
        /// The poll hides its results until staff reveal them.
        hidden: bool,
        /// Closed: the final result.
        closed: bool,
        /// A join link to answer from a phone, when the screen knows one; and its QR code.
        join: Option<JoinCode>,
    },
    Question {
        poll: String,
        text: String,
        author: Option<String>,
        upvotes: u64,
    },
    Leaderboard {
        quest: String,
        entries: Vec<VenueRank>,
    },
    WhereTo {
        here: String,
        floor: String,
        places: Vec<VenueWay>,
        /// The floor's plan to draw (a path of the app's `plan` scheme, an SVG), its size, and
        /// where "you are here" is on it; `None` when the floor has no SVG plan.
        map: Option<VenueMap>,
    },
    Announcements {
        items: Vec<VenueAnnouncement>,
    },
    Join {
        event: String,
        join: JoinCode,
    },
    /// The event in numbers, as the backend last counted them for the screens.
    Figures {
        figures: crate::analytics::ScreenFigures,
    },
}

impl VenuePanel {
    pub fn kind(&self) -> crate::event::KioskPanel {
        use crate::event::KioskPanel as K;
        match self {
            VenuePanel::NowNext { .. } => K::NowNext,
            VenuePanel::Poll { .. } => K::Poll,
            VenuePanel::Question { .. } => K::Question,
            VenuePanel::Leaderboard { .. } => K::Leaderboard,
            VenuePanel::WhereTo { .. } => K::WhereTo,
            VenuePanel::Announcements { .. } => K::Announcements,
            VenuePanel::Join { .. } => K::Join,
            VenuePanel::Figures { .. } => K::Figures,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoomNowNext {
    pub room: String,
    pub now: Option<VenueSession>,
    pub next: Option<VenueSession>,
    /// People checked in to the session on now, as staff counted them.
    pub checked_in: Option<u32>,
    pub capacity: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VenueSession {
    pub title: String,
    /// Venue-local "14:00–14:45".
    pub time: String,
    pub speakers: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VenueCount {
    pub label: String,
    pub votes: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VenueRank {
    /// Only for those who chose to show their name.
    pub name: Option<String>,
    pub points: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VenueWay {
    pub name: String,
    pub kind: crate::event::PoiKind,
    pub minutes: u32,
    /// The floor's name, when it is not the screen's floor.
    pub other_floor: Option<String>,
    /// Where it is on the screen's floor plan (floor coordinates), when on that floor.
    pub at: Option<(f64, f64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VenueMap {
    pub plan: String,
    pub width: f64,
    pub height: f64,
    pub here: (f64, f64),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VenueAnnouncement {
    pub text: String,
    /// Venue-local "14:02".
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JoinCode {
    pub link: String,
    /// The QR code as an SVG document.
    pub svg: String,
}
