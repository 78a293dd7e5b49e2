//! What every decision reads: the event's facts ([`EventFacts`], as the app's cache or the
//! backend's store answers them) and one participant's history ([`ParticipantState`], rebuilt
//! from their [`Decided`] signals). Voting, people, staff and the scenarios all use these;
//! nothing here uses them.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, FixedOffset, Utc};
use elements_protocol::event::{Poll, Quest};
use elements_protocol::scenario::Scenario;
use elements_protocol::signal::{Action, Answer, Effect};
use elements_protocol::sync::EntityKind;

/// What the rules need to know about the event.
pub trait EventFacts {
    fn poll(&self, id: &str) -> Option<Poll>;
    fn quest(&self, id: &str) -> Option<Quest>;
    /// Whether a session, point of interest or profile with this id exists.
    fn exists(&self, kind: EntityKind, id: &str) -> bool;
    /// The event's id and the public key (hex) its checkpoint QR codes are signed with, if it
    /// signs them.
    fn qr_key(&self) -> Option<(String, String)> {
        None
    }
    /// The rules the event plays by: the defaults its quests imply, then its own scenarios
    /// ([`crate::rules::event_rules`]). A backend computes them once per event version.
    fn rules(&self) -> std::borrow::Cow<'_, [Scenario]>;
    /// A session's track, for rules filtering check-ins by track.
    fn session_track(&self, _session_id: &str) -> Option<String> {
        None
    }
    /// A place's kind as the protocol writes it ("booth", "food", …), for rules filtering visits.
    fn poi_kind(&self, _poi_id: &str) -> Option<String> {
        None
    }
    /// When a session ends, for `session_ended` triggers.
    fn session_end(&self, _session_id: &str) -> Option<DateTime<Utc>> {
        None
    }
    /// Every poll with the moment it opens, for `poll_opened` triggers.
    fn poll_openings(&self) -> Vec<(String, DateTime<Utc>)> {
        Vec::new()
    }
    /// The poll a question was asked in: `Some(Some(poll))`, or `Some(None)` if no question has
    /// this id. Questions are asked by others, so the backend knows; a device answers `None`
    /// (it cannot tell) and leaves both checks (upvote a question that exists, ask under an id
    /// nobody took) to the backend.
    fn question_poll(&self, _question_id: &str) -> Option<Option<String>> {
        None
    }
    /// Whose badge a code is, as seen by the participant deciding: the backend knows; a device
    /// knows only its own badge (and answers `None` for the rest, leaving it to the backend).
    fn badge(&self, _code: &str) -> Option<crate::people::BadgeOwner> {
        None
    }
    /// Whose pass it is (a participant id), `None` when it is no pass of this event. The backend
    /// knows the tickets and badges; a device knows a ticket's holder from its code and a
    /// badge by its code ([`crate::staff::holder_on_device`]).
    fn pass_holder(&self, pass: &elements_protocol::staff::Pass) -> Option<String> {
        crate::staff::holder_on_device(pass)
    }
    /// When `holder` was first let in at `gate`, if they were (by anyone, as far as the decider
    /// knows).
    fn admitted(&self, _gate: &elements_protocol::staff::Gate, _holder: &str) -> Option<DateTime<FixedOffset>> {
        None
    }
    /// A reward's desk code: `Some(Some(code))` known, `Some(None)` not a code of this event,
    /// `None` when the decider cannot tell (a desk that never synced the staff feed).
    fn reward_code(&self, _code: &str) -> Option<Option<elements_protocol::staff::RewardCode>> {
        None
    }
}

/// A place kind as the protocol writes it (`"booth"`).
pub fn poi_kind_name(kind: &elements_protocol::event::PoiKind) -> Option<String> {
    serde_json::to_value(kind).ok()?.as_str().map(str::to_string)
}

/// Everything one participant has had accepted so far. Built by folding accepted signals
/// through [`decide`] (or [`ParticipantState::replay`]); ordered maps keep it deterministic.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParticipantState {
    /// Each poll's answer that counts: the last one accepted.
    pub votes: BTreeMap<String, Answer>,
    /// Questions this participant asked (their ids).
    pub asked: BTreeSet<String>,
    /// (poll, question) this participant upvoted.
    pub upvoted: BTreeSet<(String, String)>,
    /// Points, rewards, checkpoints done, tags, what fired: the scenarios' state.
    pub rules: crate::rules::RuleState,
    pub checked_in: BTreeSet<String>,
    pub visited: BTreeSet<String>,
    pub contacts: BTreeSet<String>,
    /// Badge codes this participant scanned (accepted).
    pub badges: BTreeSet<String>,
    /// Staff: who this device let in where, and when first (its own scans).
    pub admitted: BTreeMap<(elements_protocol::staff::Gate, String), DateTime<FixedOffset>>,
    /// Staff: desk codes this device gave out.
    pub redeemed: BTreeSet<String>,
    /// Whether the participant holds a personal ticket (not a shared join code): `Some` on the
    /// backend, which knows; `None` on a device that does not, which then leaves the
    /// `requires_ticket` check to the backend.
    pub ticketed: Option<bool>,
}

/// One accepted signal as it was decided: what was done, when (the backend's time of arrival,
/// or the device's clock), and the effects recorded then — `None` where none were recorded,
/// and the rules of today decide it again.
#[derive(Debug, Clone, Copy)]
pub struct Decided<'a> {
    pub action: &'a Action,
    pub at: DateTime<Utc>,
    pub effects: Option<&'a [Effect]>,
}
