//! Scenarios: the event's own rules, as data. Each is **when** a trigger **if** conditions
//! **then** effects; the app and the backend run the same evaluator over them
//! (`elements_domain::rules`). Documented in `docs/scenarios.md`, with a JSON Schema in
//! `docs/scenarios.schema.json`; the format is versioned by [`SCENARIO_FORMAT`].
//!
//! ```json
//! { "id": "booth-trail", "name": "Visit three partner booths",
//!   "when": { "on": "signal", "kind": "booth_visit", "poi_kind": "booth" },
//!   "if": [ { "check": "count", "kind": "booth_visit", "poi_kind": "booth", "at_least": 3 } ],
//!   "then": [ { "do": "unlock_reward", "quest_id": "expo", "reward_id": "coffee" } ],
//!   "once": true }
//! ```

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// The version of this format; an event with scenarios in a newer one is refused on import with
/// a message saying so, and a device that gets one keeps the rules it had.
pub const SCENARIO_FORMAT: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// Stable: what was decided under it is remembered by this id.
    pub id: String,
    /// For the organizer's own lists.
    #[serde(default)]
    pub name: String,
    pub when: Trigger,
    /// All must hold at the moment the trigger fires.
    #[serde(default, rename = "if", skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    pub then: Vec<Consequence>,
    /// Fires at most once per participant (per instance of a time trigger: each session ending).
    #[serde(default)]
    pub once: bool,
    /// After firing, not again for this long, per participant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cooldown_seconds: Option<u32>,
}

/// The kinds of participant signal a rule can react to or count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalKind {
    Vote,
    CheckpointScan,
    CheckIn,
    BoothVisit,
    ContactExchange,
    /// A question asked in a Q&A poll (`poll_id` filters); each question counts on its own.
    Question,
    /// An upvote of a question (`poll_id` filters); each question upvoted counts on its own.
    Upvote,
}

/// Narrows a signal down; every field given must match, an absent one matches anything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignalFilter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poll_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub option_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quest_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// A session of this track (check-ins).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub track_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poi_id: Option<String>,
    /// A place of this kind ("booth", "food", …) (booth visits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poi_kind: Option<String>,
    /// The person met (contact exchanges).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "on", rename_all = "snake_case")]
pub enum Trigger {
    /// A signal of this participant was accepted.
    Signal {
        kind: SignalKind,
        #[serde(flatten)]
        filter: SignalFilter,
    },
    /// A reward was unlocked (by any rule, or this one).
    RewardUnlocked {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reward_id: Option<String>,
    },
    /// Every checkpoint of a quest is done.
    QuestCompleted {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        quest_id: Option<String>,
    },
    /// A quest's points went from below `points` to at least `points`.
    PointsReached { quest_id: String, points: u32 },
    /// A session this participant checked in to ended (the participant's own schedule).
    SessionEnded {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        track_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        session_id: Option<String>,
    },
    /// A poll opened.
    PollOpened {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        poll_id: Option<String>,
    },
    /// A moment of the event.
    At { time: DateTime<FixedOffset> },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "check", rename_all = "snake_case")]
pub enum Condition {
    /// At least `at_least` accepted signals of `kind` matching the filter (all of them, or only
    /// those of the last `within_seconds`). Distinct targets: visiting one booth twice counts once.
    Count {
        kind: SignalKind,
        #[serde(flatten)]
        filter: SignalFilter,
        at_least: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        within_seconds: Option<u32>,
    },
    HasReward {
        reward_id: String,
    },
    LacksReward {
        reward_id: String,
    },
    PointsAtLeast {
        quest_id: String,
        points: u32,
    },
    HasTag {
        tag: String,
    },
    LacksTag {
        tag: String,
    },
}

/// What a rule does. (Named so beside the signal protocol's `Effect`, which reports them.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case")]
pub enum Consequence {
    Points {
        quest_id: String,
        points: u32,
    },
    CompleteCheckpoint {
        quest_id: String,
        checkpoint_id: String,
    },
    UnlockReward {
        quest_id: String,
        reward_id: String,
    },
    /// A card the participant can act on or dismiss. `link` is an `elements://` link or a
    /// screen reference (a poll, a session, a place).
    Message {
        id: String,
        text: LocalText,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        link: Option<String>,
    },
    /// Content hidden until now (`kind`: "quest", "session", "point_of_interest").
    Reveal {
        kind: String,
        id: String,
    },
    /// A label on the participant, for the organizer's analytics and for other rules.
    Tag {
        tag: String,
    },
}

/// Text in the event's languages: `{"en": "…", "ru": "…"}`; the app picks the person's, else
/// English, else the first.
pub type LocalText = std::collections::BTreeMap<String, String>;
