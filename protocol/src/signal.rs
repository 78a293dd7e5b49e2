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
/// ([`Action::Admit`], [`Action::RedeemReward`]); v5 polls made on the spot ([`Action::PutPoll`]);
/// v6 routes asked for on the map ([`Action::AskRoute`]); a signal carries the lowest version that has its shape
/// ([`Action::schema_version`]), so a v1 backend still takes the signals it understands.
pub const SIGNAL_SCHEMA_VERSION: u32 = 6;

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

use crate::whole_number;

/// Every kind of signal, each declared once, in one row: the variant (with its fields), its
/// `type` on the wire, the Element whose backend it is pushed to, the first signal schema version
/// with its shape, who may send it (a backend answers `403` to anyone else), which part of the
/// rules decides it, and what a scenario counts it as. [`Action`] and [`ActionKind`] with all
/// their facts are made from this table: a new signal is one row here and its decision.
macro_rules! actions {
    ($(
        $(#[$doc:meta])*
        $variant:ident { $($fields:tt)* }
        => $name:literal for $element:ident, since schema $version:literal, sent by $sender:ident,
           decided by $family:ident, counted as $counted:ident;
    )*) => {
        /// What was done, tagged by `type`.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(tag = "type")]
        pub enum Action {
            $(
                $(#[$doc])*
                #[serde(rename = $name)]
                $variant { $($fields)* },
            )*
        }

        /// The kind of an [`Action`], without its fields.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ActionKind {
            $($variant,)*
        }

        impl ActionKind {
            pub const ALL: &'static [ActionKind] = &[$(ActionKind::$variant),*];

            /// Its `type` on the wire.
            pub fn as_str(self) -> &'static str {
                match self { $(ActionKind::$variant => $name,)* }
            }

            /// The Element a signal belongs to (whose backend it is pushed to).
            pub fn element(self) -> ElementKind {
                match self { $(ActionKind::$variant => ElementKind::$element,)* }
            }

            /// The first signal schema version with this shape.
            pub fn schema_version(self) -> u32 {
                match self { $(ActionKind::$variant => $version,)* }
            }

            /// Who may send it.
            pub fn sender(self) -> Sender {
                match self { $(ActionKind::$variant => Sender::$sender,)* }
            }

            /// Which part of the event's rules decides it.
            pub fn family(self) -> Family {
                match self { $(ActionKind::$variant => Family::$family,)* }
            }

            /// What a scenario's condition or trigger counts it as; `None` for what scenarios do
            /// not see (the clock, staff work, private people signals).
            pub fn counted_as(self) -> Option<crate::scenario::SignalKind> {
                match self { $(ActionKind::$variant => counted!($counted),)* }
            }
        }

        impl Action {
            pub fn kind(&self) -> ActionKind {
                match self { $(Action::$variant { .. } => ActionKind::$variant,)* }
            }
        }
    };
}

macro_rules! counted {
    (nothing) => {
        None
    };
    ($kind:ident) => {
        Some(crate::scenario::SignalKind::$kind)
    };
}

/// Who may send a kind of signal (a backend answers `403` to any other role).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sender {
    /// Any participant's token (staff too: staff vote and scan like anyone); never a venue
    /// screen.
    Participant,
    /// Organizers only.
    Organizer,
    /// Polls and Q&A: moderators and organizers.
    Moderator,
    /// Check-in: door staff and organizers.
    Door,
    /// The reward desk: desk staff and organizers.
    Desk,
    /// Leads: exhibitors and organizers.
    Exhibitor,
}

impl Sender {
    /// The roles that may send it.
    pub fn roles(self) -> &'static [crate::auth::Role] {
        use crate::auth::Role as R;
        match self {
            Sender::Participant => &[R::Organizer, R::Moderator, R::Door, R::Desk, R::Exhibitor, R::Attendee],
            Sender::Organizer => &[R::Organizer],
            Sender::Moderator => &[R::Organizer, R::Moderator],
            Sender::Door => &[R::Organizer, R::Door],
            Sender::Desk => &[R::Organizer, R::Desk],
            Sender::Exhibitor => &[R::Organizer, R::Exhibitor],
        }
    }

    pub fn admits(self, role: crate::auth::Role) -> bool {
        self.roles().contains(&role)
    }
}

/// Which part of the event's rules decides a kind of signal (`elements_domain` dispatches on it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// Votes, answers, questions and upvotes: the poll's window and kind decide.
    Voting,
    /// Checkpoint scans: the quest's order, time and the code's signature decide.
    Quests,
    /// Being somewhere or meeting someone once: a session, a place, a directory profile.
    Presence,
    /// Profiles, badges, meetings, messages, forgetting: the people Element decides.
    People,
    /// Staff work: check-in, rewards, polls and Q&A, announcements, leads.
    Staff,
    /// Time passing on the device: the event's time triggers.
    Clock,
}

actions! {
    /// A vote in a poll. One vote per participant and poll.
    Vote { poll_id: String, option_id: String }
    => "vote" for Voting, since schema 1, sent by Participant, decided by Voting, counted as Vote;
    /// A quest checkpoint's QR code was scanned. `proof` is the code's signature (see
    /// [`checkpoint_message`]), required when the event publishes a QR key.
    CheckpointScan {
        quest_id: String,
        checkpoint_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        proof: Option<String>,
    }
    => "checkpoint_scan" for Quests, since schema 1, sent by Participant, decided by Quests, counted as CheckpointScan;
    /// The participant checked in to a session.
    CheckIn { session_id: String }
    => "check_in" for Agenda, since schema 1, sent by Participant, decided by Presence, counted as CheckIn;
    /// The participant visited a booth or place.
    BoothVisit { poi_id: String }
    => "booth_visit" for Map, since schema 1, sent by Participant, decided by Presence, counted as BoothVisit;
    /// The participant asked the map for a walking route (v6): to a place, from a place or from
    /// where they are (`from` absent: their spot was not a place). Counted only in aggregate (the
    /// busiest routes); a device sends one per route in ten minutes, however often it is redrawn.
    AskRoute {
        to: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<String>,
    }
    => "ask_route" for Map, since schema 6, sent by Participant, decided by Presence, counted as nothing;
    /// The participant exchanged contacts with a directory profile.
    ContactExchange { profile_id: String }
    => "contact_exchange" for People, since schema 1, sent by Participant, decided by Presence, counted as ContactExchange;
    /// An answer to a poll of any kind (v2); `vote` is the v1 spelling of a `choice`. The last
    /// answer before the poll closes counts, once.
    Answer { poll_id: String, answer: Answer }
    => "answer" for Voting, since schema 2, sent by Participant, decided by Voting, counted as Vote;
    /// A question asked in a Q&A poll (v2). `question_id` is made by the device (unique, like a
    /// signal id); `anonymous` hides the asker's name from everyone.
    Ask {
        poll_id: String,
        question_id: String,
        text: String,
        #[serde(default)]
        anonymous: bool,
    }
    => "ask" for Voting, since schema 2, sent by Participant, decided by Voting, counted as Question;
    /// An upvote of a question in a Q&A poll (v2), once per participant and question.
    Upvote { poll_id: String, question_id: String }
    => "upvote" for Voting, since schema 2, sent by Participant, decided by Voting, counted as Upvote;
    /// Time passed up to `until` on the participant's device, and the event's time triggers
    /// due by then fired there (a session they attended ended, a poll opened). The backend
    /// fires the same ones, up to `until` or its own clock whichever is earlier, once per
    /// participant however many devices say so. Sent only when something fired.
    TimePassed { until: DateTime<FixedOffset> }
    => "time_passed" for Quests, since schema 2, sent by Participant, decided by Clock, counted as nothing;
    /// My profile as I now want it shown (v3), fields shown to nobody already emptied
    /// ([`crate::people::MyProfile::shareable`]). The newest one counts.
    PublishProfile { profile: crate::people::MyProfile }
    => "publish_profile" for People, since schema 3, sent by Participant, decided by People, counted as nothing;
    /// I scanned (or typed) someone's badge code (v3): we become each other's contacts.
    ScanBadge { badge: String }
    => "scan_badge" for People, since schema 3, sent by Participant, decided by People, counted as ContactExchange;
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
    }
    => "request_meeting" for People, since schema 3, sent by Participant, decided by People, counted as nothing;
    /// I answer a meeting I am in (v3): accept, decline, cancel, or propose another time.
    AnswerMeeting {
        meeting_id: String,
        #[serde(flatten)]
        answer: crate::people::MeetingAnswer,
    }
    => "answer_meeting" for People, since schema 3, sent by Participant, decided by People, counted as nothing;
    /// A short message to a contact (v3); `message_id` is made by the device.
    SendMessage { message_id: String, to: String, text: String }
    => "send_message" for People, since schema 3, sent by Participant, decided by People, counted as nothing;
    /// Delete what the backend holds about me (v3): profile, contacts, meetings, messages, my
    /// name on leaderboards. Accepted means done.
    ForgetMe {}
    => "forget_me" for People, since schema 3, sent by Participant, decided by People, counted as nothing;
    /// Staff let a pass in at a door or a session (v4). Counted once per person and gate; a
    /// later scan of the same pass there is recorded as a conflict, not counted again.
    Admit { pass: crate::staff::Pass, gate: crate::staff::Gate }
    => "admit" for Staff, since schema 4, sent by Door, decided by Staff, counted as nothing;
    /// Staff gave the reward a desk code stands for (v4): valid once.
    RedeemReward { code: String }
    => "redeem_reward" for Staff, since schema 4, sent by Desk, decided by Staff, counted as nothing;
    /// Staff open, close, reveal or reset a poll (v4).
    ControlPoll { poll_id: String, command: crate::staff::PollCommand }
    => "control_poll" for Staff, since schema 4, sent by Moderator, decided by Staff, counted as nothing;
    /// A moderator makes a poll on the spot, or rewords one nobody has answered yet (v5). A new
    /// poll is a draft (`draft`), shown to staff only, until it is opened (`control_poll`).
    PutPoll { poll: crate::event::Poll }
    => "put_poll" for Staff, since schema 5, sent by Moderator, decided by Staff, counted as nothing;
    /// Staff moderate a Q&A question (v4): approve, hide, mark answered, put on the screens.
    ModerateQuestion { question_id: String, command: crate::staff::QuestionCommand }
    => "moderate_question" for Staff, since schema 4, sent by Moderator, decided by Staff, counted as nothing;
    /// Staff announce something (v4): to everyone, one room's audience, or a scenario tag.
    /// `announcement_id` is made by the device (unique, like a signal id).
    Announce { announcement_id: String, text: String, audience: crate::live::Audience }
    => "announce" for Staff, since schema 4, sent by Organizer, decided by Staff, counted as nothing;
    /// An exhibitor scanned a visitor's badge at the booth (v4), with a rating and a note; the
    /// latest rating and note of a visitor count.
    CaptureLead {
        badge: String,
        #[serde(deserialize_with = "whole_number")]
        rating: u32,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        note: String,
    }
    => "capture_lead" for People, since schema 4, sent by Exhibitor, decided by Staff, counted as nothing;
}

impl Action {
    /// The Element a signal belongs to (whose backend it is pushed to).
    pub fn element(&self) -> ElementKind {
        self.kind().element()
    }

    /// Whether only staff tokens may send it (a backend answers `403` to any other).
    pub fn is_staff_action(&self) -> bool {
        self.kind().sender() != Sender::Participant
    }

    /// Whether a token of `role` may send it.
    pub fn allowed_for(&self, role: crate::auth::Role) -> bool {
        self.kind().sender().admits(role)
    }

    /// The first signal schema version with this shape.
    pub fn schema_version(&self) -> u32 {
        self.kind().schema_version()
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

/// What a personal ticket's signature signs: the event and the ticket's id, so a ticket cannot
/// be edited into another or carried to another event.
pub fn ticket_message(event_id: &str, ticket_id: &str) -> String {
    format!("elements/ticket/v1\n{event_id}\n{ticket_id}")
}

/// A signed ticket's code: `<ticket id>.<signature>` (128 hex digits, Ed25519). The id and the
/// signature, or `None` for a code that carries no signature (a shared join code, an unsigned
/// ticket).
pub fn signed_ticket(code: &str) -> Option<(&str, &str)> {
    let (id, sig) = code.trim().rsplit_once('.')?;
    let well_formed = !id.is_empty() && sig.len() == 128 && sig.bytes().all(|b| b.is_ascii_hexdigit());
    well_formed.then_some((id, sig))
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
    /// A moderator made a poll, or reworded one (v5).
    PollPut {
        poll_id: String,
        /// It is new (else reworded).
        created: bool,
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

wire_enum! {
    /// Why a signal was refused, for good. Stable codes: clients switch on them.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum Reason {
        /// The poll has not opened yet.
        PollNotOpen = "poll_not_open",
        /// The poll closed before the vote arrived.
        PollClosed = "poll_closed",
        /// This participant already voted in this poll.
        AlreadyVoted = "already_voted",
        /// This participant already did this (checkpoint scanned, checked in, visited, exchanged).
        AlreadyDone = "already_done",
        /// The poll, option, quest, checkpoint, session, place or profile does not exist.
        UnknownTarget = "unknown_target",
        /// This caller may not send this kind of signal.
        NotAllowed = "not_allowed",
        /// `schema_version` is newer than this backend understands.
        UnsupportedSchema = "unsupported_schema",
        /// A field is missing, empty or too long; the message names it.
        Malformed = "malformed",
        /// A checkpoint scan without a valid signature from the event's QR key.
        BadSignature = "bad_signature",
        /// The poll counts only votes from personal tickets, and this participant joined with a
        /// shared join code.
        TicketRequired = "ticket_required",
        /// The quest is ordered and an earlier checkpoint is not found yet.
        OutOfOrder = "out_of_order",
        /// The quest's scans do not count yet.
        QuestNotOpen = "quest_not_open",
        /// The quest's scans no longer count.
        QuestClosed = "quest_closed",
        /// The answer does not fit the poll: the wrong kind, an option twice, too many choices, a
        /// rating off the scale, text empty or too long. The message says which.
        BadAnswer = "bad_answer",
        /// A message to someone who is not a contact (exchange badges first).
        NotAContact = "not_a_contact",
        /// One's own badge was scanned.
        OwnBadge = "own_badge",
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

#[cfg(test)]
mod action_table_tests {
    use super::*;

    /// The table's wire names are the ones the open protocol documents: every `type` in
    /// `docs/openapi.json`'s signal shapes is a row, and every row is documented.
    #[test]
    fn every_action_in_the_table_is_documented_and_every_documented_one_is_in_the_table() {
        let doc: serde_json::Value =
            serde_json::from_str(include_str!("../../docs/openapi.json")).expect("docs/openapi.json parses");
        let mut documented = std::collections::BTreeSet::new();
        // The signal's shapes, following `$ref`s into the other schemas (the staff actions).
        fn walk(doc: &serde_json::Value, v: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
            match v {
                serde_json::Value::Object(map) => {
                    if let Some(serde_json::Value::String(c)) = map.get("type").and_then(|t| t.get("const")) {
                        out.insert(c.clone());
                    }
                    if let Some(name) = map.get("$ref").and_then(|r| r.as_str()).and_then(|r| r.rsplit('/').next()) {
                        walk(doc, &doc["components"]["schemas"][name], out);
                    }
                    map.iter().filter(|(k, _)| *k != "$ref").for_each(|(_, x)| walk(doc, x, out));
                }
                serde_json::Value::Array(items) => items.iter().for_each(|x| walk(doc, x, out)),
                _ => {}
            }
        }
        // A participant's shapes, and the ones only staff may send.
        for schema in ["Signal", "StaffAction"] {
            walk(&doc, &doc["components"]["schemas"][schema], &mut documented);
        }
        let table: std::collections::BTreeSet<String> =
            ActionKind::ALL.iter().map(|k| k.as_str().to_string()).collect();
        assert_eq!(table, documented);
    }

    /// The wire name serde writes is the table's, and reads back to the same kind.
    #[test]
    fn an_action_is_written_with_its_tables_type() {
        let samples = [
            Action::Vote { poll_id: "p".into(), option_id: "o".into() },
            Action::ForgetMe {},
            Action::RedeemReward { code: "K7Q2".into() },
            Action::CaptureLead { badge: "b".into(), rating: 3, note: String::new() },
        ];
        for a in samples {
            let json = serde_json::to_value(&a).expect("write");
            assert_eq!(json["type"], a.kind().as_str(), "{json}");
            let back: Action = serde_json::from_value(json).expect("read back");
            assert_eq!(back.kind(), a.kind());
        }
        let names: std::collections::BTreeSet<&str> = ActionKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names.len(), ActionKind::ALL.len(), "wire names are unique");
        assert!(ActionKind::ALL.iter().all(|k| k.schema_version() <= SIGNAL_SCHEMA_VERSION));
    }
}
