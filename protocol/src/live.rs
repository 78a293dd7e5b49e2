//! Live state that changes during the event: poll results, quest leaderboards, announcements.
//!
//! Each is an entity in its Element's changes feed (so pulling always catches up) and is also
//! pushed over the server-sent-events stream `GET /v1/live` the moment it changes. Both carry a
//! `revision` that only grows, so a client keeps whichever copy is newer, whatever arrives first.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// The running tally of a poll. `id` is the poll's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PollResult {
    pub id: String,
    /// By the poll's kind: every option in the poll's order, zeros included (choices; a
    /// ranking's Borda points); every value of the scale (rating); the most used words, most
    /// first (open text, at most [`WORD_CLOUD_SIZE`]). Empty while the results are hidden.
    pub counts: Vec<OptionCount>,
    /// Participants whose answer counts.
    pub total: u64,
    pub revision: u64,
    /// The poll hides its results and staff have not revealed them yet.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hidden: bool,
}

/// Most words a word cloud carries.
pub const WORD_CLOUD_SIZE: usize = 60;

/// A question asked in a Q&A poll, as everyone sees it. `id` is the asker's `question_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub id: String,
    pub poll_id: String,
    pub text: String,
    /// The asker's display name, if they show it and did not ask anonymously.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    pub upvotes: u64,
    pub asked_at: DateTime<FixedOffset>,
    pub revision: u64,
    /// Staff approved it (a moderated Q&A shows these first).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub approved: bool,
    /// The speaker answered it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub answered: bool,
    /// On the venue screens now (one question of the event at a time).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub highlighted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionCount {
    pub option_id: String,
    pub votes: u64,
}

/// The top of a quest. `id` is the quest's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Leaderboard {
    pub id: String,
    /// Best first, at most [`LEADERBOARD_SIZE`].
    pub entries: Vec<LeaderboardEntry>,
    pub revision: u64,
}

pub const LEADERBOARD_SIZE: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaderboardEntry {
    /// Only for participants who chose to show their name (`show_name` at redeem), and only to
    /// callers with a token: absent otherwise, and the app shows the place without a name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    pub points: u64,
}

/// How many people staff checked in to a session (`id` is the session's): no one's details,
/// only the count, for "how full is it" on screens and in the agenda.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Occupancy {
    pub id: String,
    pub checked_in: u32,
    pub revision: u64,
}

/// A message from the organisers to everyone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Announcement {
    pub id: String,
    pub text: String,
    pub posted_at: DateTime<FixedOffset>,
    pub revision: u64,
    /// Whom staff sent it to, when not everyone (then it reaches them as a `notice`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<Audience>,
}

/// Whom an announcement is for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "to", rename_all = "snake_case")]
pub enum Audience {
    Everyone,
    /// The people in one room: checked in to a session there today (by themselves or at the
    /// door of the session).
    Room {
        room_id: String,
    },
    /// Participants the event's scenarios tagged so.
    Tag {
        tag: String,
    },
}

/// The longest announcement, in characters.
pub const MAX_ANNOUNCEMENT: usize = 500;
