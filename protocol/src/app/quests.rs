//! The quests Element: quests with progress, rewards, leaderboards and scenario cards.

use serde::{Deserialize, Serialize};

use super::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestsView {
    /// The event's quests this person can see (hidden ones once a scenario revealed them).
    pub quests: Vec<QuestView>,
    /// Messages and prompts the scenarios left for this person, newest first, not dismissed.
    pub cards: Vec<ScenarioCard>,
    /// Why scans cannot leave the device, if they cannot (as for votes).
    pub offline_reason: Option<OfflineReason>,
    /// False on a venue screen.
    pub can_scan: bool,
    /// This person's quest signals the backend has not confirmed yet.
    pub waiting: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestView {
    pub id: String,
    pub title: String,
    pub description: String,
    pub points: u32,
    /// What its checkpoints give together (scenarios may give more).
    pub checkpoint_points: u32,
    pub checkpoints: Vec<CheckpointView>,
    pub rewards: Vec<RewardView>,
    /// The backend's last known leaderboard (names only of those who chose to show them).
    pub leaderboard: Vec<LeaderboardRow>,
    pub completed: bool,
    /// It was hidden and a scenario revealed it to this person.
    pub revealed: bool,
    /// Checkpoints must be found in order.
    pub ordered: bool,
    /// When scans start and stop counting, in the venue's local time ("2027-03-10T09:00").
    pub opens: Option<String>,
    pub closes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckpointView {
    pub id: String,
    pub name: String,
    pub hint: String,
    pub points: u32,
    pub done: bool,
    /// Ordered quests: false until the earlier steps are done.
    pub available: bool,
    /// Where its code hangs.
    pub place: Option<PlaceRef>,
    /// How it is done: by scanning its code, or by what a scenario asks (its name says what).
    pub how: CheckpointHow,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum CheckpointHow {
    Scan,
    Scenario { name: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaceRef {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RewardView {
    pub id: String,
    pub name: String,
    pub points_required: u32,
    pub unlocked: bool,
    /// The code to show at the desk, once the backend confirmed the reward (it makes the codes).
    pub code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaderboardRow {
    pub rank: u32,
    pub display_name: Option<String>,
    pub points: u64,
}

/// A message or prompt a scenario showed this person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioCard {
    /// Stable across restarts: what [`DismissCard`] takes.
    pub id: String,
    /// In the event's languages; the UI picks the person's.
    pub text: crate::scenario::LocalText,
    /// Where it leads: an `elements://` link or a screen reference.
    pub link: Option<String>,
    /// When it appeared, in the venue's local time.
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckpointArgs {
    /// What the checkpoint's QR code carries (`elements://checkpoint?…`), scanned or typed.
    pub code: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardArgs {
    pub id: String,
}
