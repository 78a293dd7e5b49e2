//! What every decision reads: the event's facts ([`EventFacts`], as the app's cache or the
//! backend's store answers them) and one participant's history ([`ParticipantState`], rebuilt
//! from their [`Decided`] signals). Voting, people, staff and the scenarios all use these;
//! nothing here uses them.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{DateTime, FixedOffset, Utc};
use elements_protocol::event::{EventBundle, Manifest, Poll, Quest};
use elements_protocol::scenario::Scenario;
use elements_protocol::signal::{Action, Answer, Effect};
use elements_protocol::sync::{Entity, EntityKind};

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
    /// Whether the event's personal tickets are all signed (`manifest.signed_tickets`): then an
    /// unsigned ticket is no ticket of this event.
    fn tickets_signed(&self) -> bool {
        false
    }
    /// The rules the event plays by: the defaults its quests imply, then its own scenarios
    /// ([`crate::rules::event_rules`]). A backend computes them once per event version.
    fn rules(&self) -> std::borrow::Cow<'_, crate::rules::Rules>;
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
    fn badge(&self, _code: &str) -> Option<BadgeOwner> {
        None
    }
    /// Whose pass it is (a participant id), `None` when it is no pass of this event. The backend
    /// knows the tickets and badges; a device knows a ticket's holder from its code and a
    /// badge by its code ([`holder_on_device`]).
    fn pass_holder(&self, pass: &elements_protocol::staff::Pass) -> Option<String> {
        holder_on_device(pass)
    }
    /// When `holder` was first let in at `gate`, if they were (by anyone, as far as the decider
    /// knows).
    fn admitted(&self, _gate: &elements_protocol::staff::Gate, _holder: &str) -> Option<DateTime<FixedOffset>> {
        None
    }
    /// Whether any answer to the poll counts: a poll is reworded only before its first answer.
    /// `None` when the decider cannot tell (the backend can, and decides again).
    fn poll_answered(&self, _poll_id: &str) -> Option<bool> {
        None
    }
    /// A reward's desk code: `Some(Some(code))` known, `Some(None)` not a code of this event,
    /// `None` when the decider cannot tell (a desk that never synced the staff feed).
    fn reward_code(&self, _code: &str) -> Option<Option<elements_protocol::staff::RewardCode>> {
        None
    }
}

/// Whose badge a code is, as the one deciding knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadgeOwner {
    /// No one at this event has it.
    Unknown,
    /// The scanner's own.
    Own,
    /// Someone already among the scanner's contacts (they scanned first, or another device of
    /// the scanner did).
    Contact(String),
    /// Someone new: their profile id.
    New(String),
}

/// The participant id a personal ticket code stands for: the one the backend gives whoever
/// redeems it, so a ticket is the same person before and after its holder opens the app.
pub fn ticket_holder(code: &str) -> String {
    format!("p-{:016x}", crate::fingerprint(code))
}

/// Whose pass it is as a device can tell without the backend: a ticket is its holder's id; a
/// badge is known by its code until the backend says whose it is.
pub fn holder_on_device(pass: &elements_protocol::staff::Pass) -> Option<String> {
    match pass {
        elements_protocol::staff::Pass::Ticket(code) => Some(ticket_holder(code.trim())),
        elements_protocol::staff::Pass::Badge(code) => {
            elements_protocol::people::normalize_badge(code).map(|b| format!("badge:{b}"))
        }
        // A ticket or a badge: the backend will say whose. Two scans of one typed code are still
        // one holder here.
        elements_protocol::staff::Pass::Code(code) => Some(format!("code:{}", code.trim().to_uppercase())),
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

/// The event's facts as the rules read them, indexed once from its entities: what an app's
/// tests, a simulation's oracle and the backend's intake all decide with (none writes its own
/// [`EventFacts`] over an event). Built from a bundle ([`EventIndex::from_bundle`]) or entity by
/// entity ([`EventIndex::add`], then [`EventIndex::finish`]).
#[derive(Debug, Default)]
pub struct EventIndex {
    /// The event's id and the public key its checkpoint codes are signed with, if any.
    qr_key: Option<(String, String)>,
    tickets_signed: bool,
    polls: HashMap<String, Poll>,
    quests: HashMap<String, Quest>,
    ids: HashSet<(EntityKind, String)>,
    scenarios: Vec<Scenario>,
    /// The scenarios the event plays by, worked out once (not per signal).
    rules: crate::rules::Rules,
    /// What rules filter on: a session's track, a place's kind.
    session_tracks: HashMap<String, String>,
    poi_kinds: HashMap<String, String>,
    /// When sessions end, for `session_ended` triggers.
    session_ends: HashMap<String, DateTime<Utc>>,
}

impl EventIndex {
    /// An index of a whole event bundle.
    pub fn from_bundle(b: &EventBundle) -> EventIndex {
        let mut index = EventIndex::default();
        index.set_manifest(&b.manifest);
        let entities = b
            .polls
            .iter()
            .cloned()
            .map(Entity::Poll)
            .chain(b.quests.iter().cloned().map(Entity::Quest))
            .chain(b.sessions.iter().cloned().map(Entity::Session))
            .chain(b.points_of_interest.iter().cloned().map(Entity::PointOfInterest))
            .chain(b.people.iter().cloned().map(Entity::Profile))
            .chain(b.rooms.iter().cloned().map(Entity::Room))
            .chain(b.scenarios.iter().cloned().map(Entity::Scenario));
        for entity in entities {
            index.add(entity);
        }
        index.finish()
    }

    /// The event's signing key for checkpoint codes, from its manifest.
    pub fn set_manifest(&mut self, m: &Manifest) {
        self.qr_key = m.qr_public_key.clone().map(|key| (m.id.clone(), key));
        self.tickets_signed = m.signed_tickets;
    }

    /// Takes in one entity of the event.
    pub fn add(&mut self, entity: Entity) {
        match entity {
            Entity::Poll(p) => {
                self.polls.insert(p.id.clone(), p);
            }
            Entity::Quest(q) => {
                self.quests.insert(q.id.clone(), q);
            }
            Entity::Scenario(rule) => self.scenarios.push(rule),
            Entity::Session(session) => {
                self.session_ends.insert(session.id.clone(), session.ends_at.to_utc());
                if let Some(track) = session.track_id {
                    self.session_tracks.insert(session.id.clone(), track);
                }
                self.ids.insert((EntityKind::Session, session.id));
            }
            Entity::PointOfInterest(poi) => {
                if let Some(kind) = poi_kind_name(&poi.kind) {
                    self.poi_kinds.insert(poi.id.clone(), kind);
                }
                self.ids.insert((EntityKind::PointOfInterest, poi.id));
            }
            other => {
                self.ids.insert((other.kind(), other.id().to_string()));
            }
        }
    }

    /// Notes that an entity of `kind` with this id exists, without reading it (a backend with
    /// thousands of profiles need not decode them to know they are there).
    pub fn add_id(&mut self, kind: EntityKind, id: String) {
        self.ids.insert((kind, id));
    }

    /// Works out the rules the event plays by, once everything is in.
    pub fn finish(mut self) -> EventIndex {
        // By id, as every device orders them: the rules run in the same order everywhere.
        self.scenarios.sort_by(|a, b| a.id.cmp(&b.id));
        self.rules = crate::rules::event_rules(&self.quests_in_order(), &self.scenarios);
        self
    }

    /// The poll of this id, if the event has one.
    pub fn poll_named(&self, id: &str) -> Option<&Poll> {
        self.polls.get(id)
    }

    /// The event's quests by id.
    pub fn quests_in_order(&self) -> Vec<Quest> {
        let mut all: Vec<Quest> = self.quests.values().cloned().collect();
        all.sort_by(|a, b| a.id.cmp(&b.id));
        all
    }
}

impl EventFacts for EventIndex {
    fn poll(&self, id: &str) -> Option<Poll> {
        self.polls.get(id).cloned()
    }
    fn quest(&self, id: &str) -> Option<Quest> {
        self.quests.get(id).cloned()
    }
    fn exists(&self, kind: EntityKind, id: &str) -> bool {
        self.ids.contains(&(kind, id.to_string()))
    }
    fn tickets_signed(&self) -> bool {
        self.tickets_signed
    }
    fn qr_key(&self) -> Option<(String, String)> {
        self.qr_key.clone()
    }
    fn rules(&self) -> std::borrow::Cow<'_, crate::rules::Rules> {
        std::borrow::Cow::Borrowed(&self.rules)
    }
    fn session_track(&self, session_id: &str) -> Option<String> {
        self.session_tracks.get(session_id).cloned()
    }
    fn poi_kind(&self, poi_id: &str) -> Option<String> {
        self.poi_kinds.get(poi_id).cloned()
    }
    fn session_end(&self, session_id: &str) -> Option<DateTime<Utc>> {
        self.session_ends.get(session_id).copied()
    }
    fn poll_openings(&self) -> Vec<(String, DateTime<Utc>)> {
        let mut all: Vec<_> = self.polls.values().map(|p| (p.id.clone(), p.opens_at.to_utc())).collect();
        all.sort();
        all
    }
}
