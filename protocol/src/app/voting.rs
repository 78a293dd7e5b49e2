//! The voting Element: polls of every kind, answers, Q&A, and where a vote stands.

use serde::{Deserialize, Serialize};

use super::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VoteArgs {
    pub poll_id: String,
    pub option_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnswerArgs {
    pub poll_id: String,
    pub answer: crate::signal::Answer,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AskArgs {
    pub poll_id: String,
    pub text: String,
    #[serde(default)]
    pub anonymous: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpvoteArgs {
    pub poll_id: String,
    pub question_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VotingView {
    pub polls: Vec<PollView>,
    /// Why votes cannot leave the device, if they cannot (the bundled demo, no code redeemed).
    pub offline_reason: Option<OfflineReason>,
    /// False on a device whose role may not vote (a venue screen): it shows results only.
    #[serde(default = "yes")]
    pub can_vote: bool,
    /// Whether this device joined with a personal ticket (`None`: not known yet). Polls with
    /// `requires_ticket` are for ticket holders only.
    #[serde(default)]
    pub ticketed: Option<bool>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PollView {
    pub id: String,
    pub question: String,
    /// When it opens and closes, in the venue's local time ("2027-03-10T09:00").
    pub opens: String,
    pub closes: String,
    pub state: PollState,
    /// The session it belongs to, if any.
    pub session_title: Option<String>,
    pub options: Vec<PollOptionView>,
    /// Votes counted by the backend so far (its last known tally).
    pub total: u64,
    pub my_vote: Option<MyVote>,
    /// Only votes from personal tickets count in this poll.
    #[serde(default)]
    pub requires_ticket: bool,
    #[serde(default)]
    pub kind: crate::event::PollKind,
    /// `multiple_choice`: at most this many.
    #[serde(default)]
    pub max_choices: Option<u32>,
    /// `rating`: the scale.
    #[serde(default)]
    pub scale: Option<crate::event::RatingScale>,
    /// `rating`: the average of the counted ratings, one decimal.
    #[serde(default)]
    pub average: Option<f32>,
    /// `open_text`: the most used words, most first, with how many answers used each.
    #[serde(default)]
    pub words: Vec<PollOptionView>,
    /// `quiz`: the right option, once this person answered or the poll closed.
    #[serde(default)]
    pub correct_option_id: Option<String>,
    /// The organizers hide the results until they reveal them.
    #[serde(default)]
    pub results_hidden: bool,
    /// `questions`: the questions asked, most upvoted first (this person's own not yet sent
    /// among them).
    #[serde(default)]
    pub questions: Vec<QuestionView>,
    /// Whether a new answer would replace this person's (open poll, not a quiz).
    #[serde(default)]
    pub can_change: bool,
    /// A timed quiz round that is open: seconds left to answer (by the app's clock), and the
    /// round's length.
    #[serde(default)]
    pub seconds_left: Option<u32>,
    #[serde(default)]
    pub timer_seconds: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionView {
    pub id: String,
    pub text: String,
    /// The asker's name, if shown.
    pub author: Option<String>,
    pub upvotes: u64,
    /// Venue local time it was asked ("2027-03-10T09:31").
    pub asked: String,
    /// This person asked it.
    pub mine: bool,
    /// This person upvoted it.
    pub upvoted: bool,
    /// Not confirmed by the backend yet (asked or upvoted on this device).
    pub waiting: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PollState {
    Upcoming,
    Open,
    Closed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PollOptionView {
    pub id: String,
    pub label: String,
    pub votes: u64,
    /// Share of the total, 0–100, rounded.
    pub percent: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyVote {
    /// The option, for choices (and a quiz); empty for other kinds (see `answer`).
    pub option_id: String,
    /// The whole answer.
    #[serde(default)]
    pub answer: Option<crate::signal::Answer>,
    /// `quiz`: whether it was right.
    #[serde(default)]
    pub correct: Option<bool>,
    pub status: SignalStatus,
    /// For a rejected vote: which rule refused it, and the backend's own words.
    #[serde(default)]
    pub reason: Option<crate::signal::Reason>,
    pub message: Option<String>,
}

/// Where a signal is on its way to the backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalStatus {
    /// In the outbox, applied on this device, not yet confirmed.
    Waiting,
    Accepted,
    /// Refused by the backend: undone here, with the reason kept.
    Rejected,
}
