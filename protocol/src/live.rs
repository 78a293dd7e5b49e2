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
    /// Every option of the poll, in the poll's order, zeros included.
    pub counts: Vec<OptionCount>,
    pub total: u64,
    pub revision: u64,
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

/// A message from the organisers to everyone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Announcement {
    pub id: String,
    pub text: String,
    pub posted_at: DateTime<FixedOffset>,
    pub revision: u64,
}
