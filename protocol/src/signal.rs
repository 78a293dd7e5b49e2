//! Pushing: what a participant did, sent as signals, and what the backend made of each one.
//!
//! A signal is written to the device's outbox first, applied there at once, and pushed when the
//! network allows — possibly more than once. Its client-generated `id` makes a resend harmless:
//! the backend answers `duplicate` with the outcome it decided the first time.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::event::ElementKind;

/// Version of the signal shapes below. A backend refuses signals of a newer version with
/// [`Reason::UnsupportedSchema`] rather than guessing. v2 added [`Action::TimePassed`] and
/// [`Effect::ScenarioFired`]; v3 the people Element's signals ([`Action::PublishProfile`],
/// [`Action::ScanBadge`], meetings, messages, [`Action::ForgetMe`]); v4 the staff Element's
/// ([`Action::Admit`], [`Action::RedeemReward`]); a signal carries the lowest version that has its shape
/// ([`Action::schema_version`]), so a v1 backend still takes the signals it understands.
pub const SIGNAL_SCHEMA_VERSION: u32 = 4;

/// Most signals a backend takes in one `POST /v1/signals`.
pub const MAX_BATCH: usize = 200;

/// The largest batch body a client sends: half of the 2 MB every backend takes, so a batch of
/// profiles with photos never meets `413` (a client that did would retry it for ever).
pub const MAX_BATCH_BYTES: usize = 1024 * 1024;

/// One thing a participant did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signal {
    /// Unique per signal, made by the device (e.g. `<client_id>-<seq>`): the idempotency key.
    pub id: String,
    /// The device (installation) that made it.
    pub client_id: String,
    /// Per-device sequence number, increasing by one per signal: lets a backend notice gaps.
    #[serde(deserialize_with = "whole_number")]
    pub seq: u64,
    #[serde(deserialize_with = "whole_number")]
    pub schema_version: u32,
    /// The device's clock when it happened. Informational: validity is judged by the backend's
    /// clock on arrival.
    pub created_at: DateTime<FixedOffset>,
    #[serde(flatten)]
    pub action: Action,
}

/// An integer as JSON Schema counts them: `574` and also `574.0` (a number whose fraction is
/// zero), which some JSON writers emit; anything else is an error naming the value.
pub(crate) fn whole_number<'de, D, T>(de: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<u64>,
{
    struct Whole;
    impl serde::de::Visitor<'_> for Whole {
        type Value = u64;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a non-negative whole number")
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<u64, E> {
            Ok(v)
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<u64, E> {
            u64::try_from(v).map_err(|_| E::custom(format!("{v} is negative")))
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<u64, E> {
            // 2^64 is the first float past u64::MAX.
            if v.fract() == 0.0 && (0.0..18_446_744_073_709_551_616.0).contains(&v) {
                Ok(v as u64)
            } else {
                Err(E::custom(format!("{v} is not a whole number in range")))
            }
        }
    }
    let n = de.deserialize_any(Whole)?;
    T::try_from(n).map_err(|_| serde::de::Error::custom(format!("{n} is too large")))
}

/// What was done, tagged by `type`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Action {
    /// A vote in a poll. One vote per participant and poll.
    Vote { poll_id: String, option_id: String },
    /// A quest checkpoint's QR code was scanned. `proof` is the code's signature (see
    /// [`checkpoint_message`]), required when the event publishes a QR key.
    CheckpointScan {
        quest_id: String,
        checkpoint_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        proof: Option<String>,
    },
    /// The participant checked in to a session.
    CheckIn { session_id: String },
    /// The participant visited a booth or place.
    BoothVisit { poi_id: String },
    /// The participant exchanged contacts with a directory profile.
    ContactExchange { profile_id: String },
    /// An answer to a poll of any kind (v2); `vote` is the v1 spelling of a `choice`. The last
    /// answer before the poll closes counts, once.
    Answer { poll_id: String, answer: Answer },
    /// A question asked in a Q&A poll (v2). `question_id` is made by the device (unique, like a
    /// signal id); `anonymous` hides the asker's name from everyone.
    Ask {
        poll_id: String,
        question_id: String,
        text: String,
        #[serde(default)]
        anonymous: bool,
    },
    /// An upvote of a question in a Q&A poll (v2), once per participant and question.
    Upvote { poll_id: String, question_id: String },
    /// Time passed up to `until` on the participant's device, and the event's time triggers
    /// due by then fired there (a session they attended ended, a poll opened). The backend
    /// fires the same ones, up to `until` or its own clock whichever is earlier, once per
    /// participant however many devices say so. Sent only when something fired.
    TimePassed { until: DateTime<FixedOffset> },
    /// My profile as I now want it shown (v3), fields shown to nobody already emptied
    /// ([`crate::people::MyProfile::shareable`]). The newest one counts.
    PublishProfile { profile: crate::people::MyProfile },
    /// I scanned (or typed) someone's badge code (v3): we become each other's contacts.
    ScanBadge { badge: String },
    /// I ask someone to meet (v3): a directory profile or a contact, at a place on the map.
    /// `meeting_id` is made by the device (unique, like a signal id).
    RequestMeeting {
        meeting_id: String,
        with: String,
        starts_at: DateTime<FixedOffset>,
        #[serde(deserialize_with = "whole_number")]
        minutes: u32,
        place_id: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        note: String,
    },
    /// I answer a meeting I am in (v3): accept, decline, cancel, or propose another time.
    AnswerMeeting {
        meeting_id: String,
        #[serde(flatten)]
        answer: crate::people::MeetingAnswer,
    },
    /// A short message to a contact (v3); `message_id` is made by the device.
    SendMessage { message_id: String, to: String, text: String },
    /// Delete what the backend holds about me (v3): profile, contacts, meetings, messages, my
    /// name on leaderboards. Accepted means done.
    ForgetMe {},
    /// Staff let a pass in at a door or a session (v4). Counted once per person and gate; a
    /// later scan of the same pass there is recorded as a conflict, not counted again.
    Admit { pass: crate::staff::Pass, gate: crate::staff::Gate },
    /// Staff gave the reward a desk code stands for (v4): valid once.
    RedeemReward { code: String },
    /// Staff open, close, reveal or reset a poll (v4).
    ControlPoll { poll_id: String, command: crate::staff::PollCommand },
    /// Staff moderate a Q&A question (v4): approve, hide, mark answered, put on the screens.
    ModerateQuestion { question_id: String, command: crate::staff::QuestionCommand },
    /// Staff announce something (v4): to everyone, one room's audience, or a scenario tag.
    /// `announcement_id` is made by the device (unique, like a signal id).
    Announce { announcement_id: String, text: String, audience: crate::live::Audience },
    /// An exhibitor scanned a visitor's badge at the booth (v4), with a rating and a note; the
    /// latest rating and note of a visitor count.
    CaptureLead {
        badge: String,
        #[serde(deserialize_with = "whole_number")]
        rating: u32,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        note: String,
    },
}

impl Action {
    /// The Element a signal belongs to (whose backend it is pushed to).
    pub fn element(&self) -> ElementKind {
        match self {
            Action::Vote { .. } | Action::Answer { .. } | Action::Ask { .. } | Action::Upvote { .. } => {
                ElementKind::Voting
            }
            Action::CheckpointScan { .. } => ElementKind::Quests,
            Action::CheckIn { .. } => ElementKind::Agenda,
            Action::BoothVisit { .. } => ElementKind::Map,
            Action::ContactExchange { .. }
            | Action::PublishProfile { .. }
            | Action::ScanBadge { .. }
            | Action::RequestMeeting { .. }
            | Action::AnswerMeeting { .. }
            | Action::SendMessage { .. }
            | Action::ForgetMe {} => ElementKind::People,
            // The scenarios' clock: quests are where their outcomes show.
            Action::TimePassed { .. } => ElementKind::Quests,
            Action::Admit { .. }
            | Action::RedeemReward { .. }
            | Action::ControlPoll { .. }
            | Action::ModerateQuestion { .. }
            | Action::Announce { .. } => ElementKind::Staff,
            // Leads travel in the exhibitor's own people feed: pushed with it, so the round
            // that sends one brings its lead back.
            Action::CaptureLead { .. } => ElementKind::People,
        }
    }

    /// Whether only staff tokens may send it (a backend answers `403` to any other).
    pub fn is_staff_action(&self) -> bool {
        matches!(
            self,
            Action::Admit { .. }
                | Action::RedeemReward { .. }
                | Action::ControlPoll { .. }
                | Action::ModerateQuestion { .. }
                | Action::Announce { .. }
                | Action::CaptureLead { .. }
        )
    }

    /// The first signal schema version with this shape.
    pub fn schema_version(&self) -> u32 {
        match self {
            Action::TimePassed { .. } | Action::Answer { .. } | Action::Ask { .. } | Action::Upvote { .. } => 2,
            Action::PublishProfile { .. }
            | Action::ScanBadge { .. }
            | Action::RequestMeeting { .. }
            | Action::AnswerMeeting { .. }
            | Action::SendMessage { .. }
            | Action::ForgetMe {} => 3,
            Action::Admit { .. }
            | Action::RedeemReward { .. }
            | Action::ControlPoll { .. }
            | Action::ModerateQuestion { .. }
            | Action::Announce { .. }
            | Action::CaptureLead { .. } => 4,
            _ => 1,
        }
    }
}

/// An answer to a poll, by the poll's kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Answer {
    /// `single_choice`, `quiz`.
    Choice { option_id: String },
    /// `multiple_choice`: distinct options, at most the poll's `max_choices`.
    Choices { option_ids: Vec<String> },
    /// `rating`: within the poll's scale.
    Rating {
        #[serde(deserialize_with = "whole_number")]
        value: u32,
    },
    /// `open_text`: 1 to 280 characters.
    Text { text: String },
    /// `ranking`: every option of the poll once, best first.
    Ranking { option_ids: Vec<String> },
}

/// Longest open-text answer or Q&A question, in characters.
pub const MAX_ANSWER_TEXT: usize = 280;

/// What a checkpoint QR code's signature signs: the event, quest and checkpoint ids, so a code
/// cannot be reused for another checkpoint or another event.
pub fn checkpoint_message(event_id: &str, quest_id: &str, checkpoint_id: &str) -> String {
    format!("elements/checkpoint/v1\n{event_id}\n{quest_id}\n{checkpoint_id}")
}

/// What a location code's signature signs: "you are here" only from codes the event printed.
pub fn location_message(event_id: &str, place_id: &str) -> String {
    format!("elements/location/v1\n{event_id}\n{place_id}")
}

/// `POST /v1/signals`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignalBatch {
    pub signals: Vec<Signal>,
}

/// The answer: one result per signal, in the order sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignalResults {
    pub results: Vec<SignalResult>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignalResult {
    pub id: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// What the backend decided. Accepted and rejected are final: a device never resends a signal
/// that got either; `duplicate` repeats the first decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Accepted {
        effects: Vec<Effect>,
    },
    Rejected {
        reason: Reason,
        message: String,
    },
    /// Seen before; `first` is what was decided then.
    Duplicate {
        first: Box<Outcome>,
    },
}

impl Outcome {
    /// The decision itself, looking through `duplicate`.
    pub fn decision(&self) -> &Outcome {
        match self {
            Outcome::Duplicate { first } => first.decision(),
            other => other,
        }
    }
}

/// Consequences of an accepted signal, computed by the event's scenario rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum Effect {
    VoteCounted {
        poll_id: String,
        option_id: String,
    },
    Points {
        quest_id: String,
        gained: u32,
        total: u32,
    },
    RewardUnlocked {
        quest_id: String,
        reward_id: String,
        name: String,
        /// The code to show at the desk ("K7Q2-MX4P"), made by the backend when it decides; the
        /// device's own decision has none yet.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        code: Option<String>,
    },
    /// A checkpoint done by a rule (not scanned): "visit three booths" completes one.
    CheckpointCompleted {
        quest_id: String,
        checkpoint_id: String,
    },
    /// A card for the participant (a prompt to rate a talk, a hint): text in the event's
    /// languages, and where it leads.
    Message {
        id: String,
        text: crate::scenario::LocalText,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        link: Option<String>,
    },
    /// Content that was hidden is shown to this participant from now on.
    Revealed {
        kind: String,
        id: String,
    },
    /// A label on the participant, for analytics and other rules.
    Tagged {
        tag: String,
    },
    /// An answer was counted (v2 answers, and a changed vote): `replaced` when it took the place
    /// of this participant's earlier answer, which no longer counts.
    AnswerCounted {
        poll_id: String,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        replaced: bool,
    },
    /// A quiz answer, right or not.
    QuizAnswered {
        poll_id: String,
        correct: bool,
    },
    /// A question was added to a Q&A poll.
    QuestionAsked {
        poll_id: String,
        question_id: String,
    },
    /// An upvote was counted.
    Upvoted {
        poll_id: String,
        question_id: String,
    },
    /// A scenario fired (for once-only rules and cool-downs, and the organizer's counts).
    /// `instance` names what a time trigger fired for (the session that ended); empty otherwise.
    ScenarioFired {
        scenario_id: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        instance: String,
    },
    /// A badge scan made two people contacts (decided by the backend, which knows whose badge
    /// it was).
    ContactMade {
        profile_id: String,
    },
    /// A pass was checked in at a gate (staff). `holder` is whose pass it is as the decider
    /// knows it; `conflict` when it was checked in there before (by `first_at`): recorded, not
    /// counted again.
    Admitted {
        gate: crate::staff::Gate,
        holder: String,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        conflict: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        first_at: Option<DateTime<FixedOffset>>,
    },
    /// Staff changed a poll (its window, its results shown, its answers reset).
    PollControlled {
        poll_id: String,
        command: crate::staff::PollCommand,
    },
    /// Staff moderated a question.
    QuestionModerated {
        question_id: String,
        command: crate::staff::QuestionCommand,
    },
    /// An announcement went out; `reached`: how many participants it was for (everyone: none
    /// counted), as the backend decided.
    Announced {
        announcement_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reached: Option<u32>,
    },
    /// A lead captured: whose badge it was (decided by the backend, which knows).
    LeadCaptured {
        profile_id: String,
    },
    /// The desk gave the reward a code stands for (staff).
    RewardRedeemed {
        quest_id: String,
        reward_id: String,
        name: String,
    },
    /// An effect of a newer protocol version: kept as decided, not understood.
    #[serde(other)]
    Unknown,
}

impl Effect {
    /// Whether the participant is told of it: bookkeeping (which scenario fired) and effects of
    /// a newer protocol are kept, not shown.
    pub fn is_news(&self) -> bool {
        !matches!(self, Effect::ScenarioFired { .. } | Effect::Unknown)
    }
}

/// Why a signal was refused, for good. Stable codes: clients switch on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The poll has not opened yet.
    PollNotOpen,
    /// The poll closed before the vote arrived.
    PollClosed,
    /// This participant already voted in this poll.
    AlreadyVoted,
    /// This participant already did this (checkpoint scanned, checked in, visited, exchanged).
    AlreadyDone,
    /// The poll, option, quest, checkpoint, session, place or profile does not exist.
    UnknownTarget,
    /// This caller may not send this kind of signal.
    NotAllowed,
    /// `schema_version` is newer than this backend understands.
    UnsupportedSchema,
    /// A field is missing, empty or too long; the message names it.
    Malformed,
    /// A checkpoint scan without a valid signature from the event's QR key.
    BadSignature,
    /// The poll counts only votes from personal tickets, and this participant joined with a
    /// shared join code.
    TicketRequired,
    /// The quest is ordered and an earlier checkpoint is not found yet.
    OutOfOrder,
    /// The quest's scans do not count yet.
    QuestNotOpen,
    /// The quest's scans no longer count.
    QuestClosed,
    /// The answer does not fit the poll: the wrong kind, an option twice, too many choices, a
    /// rating off the scale, text empty or too long. The message says which.
    BadAnswer,
    /// A message to someone who is not a contact (exchange badges first).
    NotAContact,
    /// One's own badge was scanned.
    OwnBadge,
}

impl Reason {
    pub const ALL: [Reason; 16] = [
        Reason::PollNotOpen,
        Reason::PollClosed,
        Reason::AlreadyVoted,
        Reason::AlreadyDone,
        Reason::UnknownTarget,
        Reason::NotAllowed,
        Reason::UnsupportedSchema,
        Reason::Malformed,
        Reason::BadSignature,
        Reason::TicketRequired,
        Reason::OutOfOrder,
        Reason::QuestNotOpen,
        Reason::QuestClosed,
        Reason::BadAnswer,
        Reason::NotAContact,
        Reason::OwnBadge,
    ];

    /// Fails to compile when a variant is added, pointing here: add it to [`Reason::ALL`] too.
    #[allow(dead_code)]
    const EVERY_VARIANT_IS_IN_ALL: fn(Reason) = |r| match r {
        Reason::PollNotOpen
        | Reason::PollClosed
        | Reason::AlreadyVoted
        | Reason::AlreadyDone
        | Reason::UnknownTarget
        | Reason::NotAllowed
        | Reason::UnsupportedSchema
        | Reason::Malformed
        | Reason::BadSignature
        | Reason::TicketRequired
        | Reason::OutOfOrder
        | Reason::QuestNotOpen
        | Reason::QuestClosed
        | Reason::BadAnswer
        | Reason::NotAContact
        | Reason::OwnBadge => {}
    };

    pub fn as_str(self) -> &'static str {
        match self {
            Reason::PollNotOpen => "poll_not_open",
            Reason::PollClosed => "poll_closed",
            Reason::AlreadyVoted => "already_voted",
            Reason::AlreadyDone => "already_done",
            Reason::UnknownTarget => "unknown_target",
            Reason::NotAllowed => "not_allowed",
            Reason::UnsupportedSchema => "unsupported_schema",
            Reason::Malformed => "malformed",
            Reason::BadSignature => "bad_signature",
            Reason::TicketRequired => "ticket_required",
            Reason::OutOfOrder => "out_of_order",
            Reason::QuestNotOpen => "quest_not_open",
            Reason::QuestClosed => "quest_closed",
            Reason::BadAnswer => "bad_answer",
            Reason::NotAContact => "not_a_contact",
            Reason::OwnBadge => "own_badge",
        }
    }
}

#[cfg(test)]
mod whole_number_tests {
    use super::*;

    #[test]
    fn integers_written_as_floats_are_integers_and_fractions_are_not() {
        let json = |seq: &str| {
            format!(
                r#"{{"id":"a","client_id":"c","seq":{seq},"schema_version":1.0,"created_at":"2027-03-10T09:30:00+01:00","type":"check_in","session_id":"s"}}"#
            )
        };
        let answer: Answer = serde_json::from_str(r#"{"kind":"rating","value":4.0}"#).expect("4.0 is an integer");
        assert_eq!(answer, Answer::Rating { value: 4 });
        assert!(serde_json::from_str::<Answer>(r#"{"kind":"rating","value":4.5}"#).is_err());
        let meet = |minutes: &str| {
            format!(
                r#"{{"type":"request_meeting","meeting_id":"m","with":"p","starts_at":"2027-03-10T12:00:00+01:00","minutes":{minutes},"place_id":"x"}}"#
            )
        };
        assert!(matches!(serde_json::from_str(&meet("30.0")), Ok(Action::RequestMeeting { minutes: 30, .. })));
        assert!(serde_json::from_str::<Action>(&meet("30.5")).is_err());
        let moved = r#"{"type":"answer_meeting","meeting_id":"m","answer":"move","starts_at":"2027-03-10T12:00:00+01:00","minutes":45.0,"place_id":"x"}"#;
        assert!(serde_json::from_str::<Action>(moved).is_ok(), "a move's minutes as a float");
        let s: Signal = serde_json::from_str(&json("574.0")).expect("574.0 is an integer");
        assert_eq!((s.seq, s.schema_version), (574, 1));
        for bad in ["574.5", "-1", "1e30"] {
            let err = serde_json::from_str::<Signal>(&json(bad)).expect_err(bad).to_string();
            assert!(err.contains("whole number") || err.contains("negative"), "{bad}: {err}");
        }
    }
}
