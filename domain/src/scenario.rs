//! Scenarios: the rules that turn a participant's signals into outcomes (a vote counted, points,
//! a reward unlocked) or refusals with a stable reason.
//!
//! The app runs [`decide`] the moment someone acts, for instant feedback; the backend runs the
//! same function on arrival, as the authority. Neither copy reads a clock or a database: the
//! event's facts come through [`EventFacts`] and the participant's history through
//! [`ParticipantState`].
//!
//! `decide` checks that a signal may count (the poll is open, a vote per poll, a signed
//! checkpoint code, …); what an accepted signal then causes (points, rewards, messages) is the
//! event's scenarios, run by [`crate::rules`]: the defaults its quests imply plus its own.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, FixedOffset, Utc};
use elements_protocol::event::PollKind;
use elements_protocol::event::{Poll, Quest};
use elements_protocol::scenario::Scenario;
use elements_protocol::signal::{
    checkpoint_message, Action, Answer, Effect, Family, Outcome, Reason, Signal, SIGNAL_SCHEMA_VERSION,
};
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

/// [`EventFacts`] as the evaluator asks for them.
struct Bridge<'a>(&'a dyn EventFacts);

impl crate::rules::RuleFacts for Bridge<'_> {
    fn quest(&self, id: &str) -> Option<Quest> {
        self.0.quest(id)
    }
    fn session_track(&self, session_id: &str) -> Option<String> {
        self.0.session_track(session_id)
    }
    fn poi_kind(&self, poi_id: &str) -> Option<String> {
        self.0.poi_kind(poi_id)
    }
    fn session_end(&self, session_id: &str) -> Option<DateTime<Utc>> {
        self.0.session_end(session_id)
    }
    fn poll_openings(&self) -> Vec<(String, DateTime<Utc>)> {
        self.0.poll_openings()
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

const MAX_ID: usize = 200;

/// Checks the envelope of a signal (ids present and short, a schema this code understands).
pub fn check_envelope(signal: &Signal) -> Result<(), (Reason, String)> {
    if signal.schema_version == 0 {
        return Err((Reason::Malformed, "schema_version starts at 1".into()));
    }
    if signal.schema_version > SIGNAL_SCHEMA_VERSION {
        return Err((
            Reason::UnsupportedSchema,
            format!("signal schema v{} is newer than this backend's v{SIGNAL_SCHEMA_VERSION}", signal.schema_version),
        ));
    }
    if signal.schema_version < signal.action.schema_version() {
        return Err((
            Reason::Malformed,
            format!("this signal's type needs schema_version {} or later", signal.action.schema_version()),
        ));
    }
    let fields: Vec<(&str, &str)> = {
        let mut f = vec![("id", signal.id.as_str()), ("client_id", signal.client_id.as_str())];
        match &signal.action {
            Action::Vote { poll_id, option_id } => f.extend([("poll_id", poll_id.as_str()), ("option_id", option_id)]),
            Action::CheckpointScan { quest_id, checkpoint_id, proof } => {
                f.extend([("quest_id", quest_id.as_str()), ("checkpoint_id", checkpoint_id)]);
                if let Some(p) = proof {
                    f.push(("proof", p));
                }
            }
            Action::CheckIn { session_id } => f.push(("session_id", session_id)),
            Action::BoothVisit { poi_id } => f.push(("poi_id", poi_id)),
            Action::ContactExchange { profile_id } => f.push(("profile_id", profile_id)),
            Action::Answer { poll_id, .. } => f.push(("poll_id", poll_id)),
            Action::Ask { poll_id, question_id, .. } | Action::Upvote { poll_id, question_id } => {
                f.extend([("poll_id", poll_id.as_str()), ("question_id", question_id)])
            }
            Action::ScanBadge { badge } => f.push(("badge", badge)),
            Action::RequestMeeting { meeting_id, with, place_id, .. } => {
                f.extend([("meeting_id", meeting_id.as_str()), ("with", with), ("place_id", place_id)])
            }
            Action::AnswerMeeting { meeting_id, answer } => {
                f.push(("meeting_id", meeting_id));
                if let elements_protocol::people::MeetingAnswer::Move { place_id, .. } = answer {
                    f.push(("place_id", place_id));
                }
            }
            Action::SendMessage { message_id, to, .. } => f.extend([("message_id", message_id.as_str()), ("to", to)]),
            Action::TimePassed { .. } | Action::PublishProfile { .. } | Action::ForgetMe {} => {}
            Action::ControlPoll { poll_id, .. } => f.push(("poll_id", poll_id)),
            Action::ModerateQuestion { question_id, .. } => f.push(("question_id", question_id)),
            Action::CaptureLead { badge, .. } => f.push(("badge", badge)),
            Action::Announce { announcement_id, .. } => f.push(("announcement_id", announcement_id)),
            // Checked by `staff::decide`, which names what is wrong in a staff person's terms.
            Action::Admit { .. } | Action::RedeemReward { .. } => {}
        }
        f
    };
    for (name, value) in fields {
        // Characters, not bytes: an id in Kazakh or in emoji gets the same room as one in ASCII.
        if value.trim().is_empty() || value.chars().count() > MAX_ID {
            return Err((Reason::Malformed, format!("{name} must be 1 to {MAX_ID} characters")));
        }
    }
    Ok(())
}

fn reject(reason: Reason, message: impl Into<String>) -> Outcome {
    Outcome::Rejected { reason, message: message.into() }
}

/// Decides one action of a participant at `now`. On acceptance `state` takes the action in;
/// on rejection it is left exactly as it was.
pub fn decide(facts: &dyn EventFacts, state: &mut ParticipantState, action: &Action, now: DateTime<Utc>) -> Outcome {
    decide_checked(facts, &facts.rules(), state, action, now, true)
}

fn decide_checked(
    facts: &dyn EventFacts,
    rules: &[Scenario],
    state: &mut ParticipantState,
    action: &Action,
    now: DateTime<Utc>,
    verify: bool,
) -> Outcome {
    // By the family the protocol's table of actions gives each kind, not by lists of variants.
    match action.kind().family() {
        Family::Voting => decide_answer(facts, rules, state, action, now),
        Family::Quests => decide_checkpoint(facts, rules, state, action, now, verify),
        Family::Presence => decide_presence(facts, rules, state, action, now),
        Family::People => {
            let outcome = crate::people::decide(facts, state, action, now);
            with_rules(outcome, facts, rules, state, action, now)
        }
        // Staff work plays no participant's scenarios: a check-in at the door is not the
        // holder's own signal (their "I'm here" is `check_in`).
        Family::Staff => crate::staff::decide(facts, state, action, now),
        Family::Clock => match action {
            Action::TimePassed { until } => {
                // A device clock ahead of ours does not fire what is not due yet.
                let until = until.to_utc().min(now);
                Outcome::Accepted { effects: crate::rules::tick(rules, &Bridge(facts), &mut state.rules, until) }
            }
            other => misfiled(other),
        },
    }
}

/// An action its family's decision does not know: the table of actions and the decisions
/// disagree (a test walks every kind so that none is).
pub(crate) fn misfiled(action: &Action) -> Outcome {
    reject(Reason::Malformed, format!("{} signals are not decided here", action.kind().as_str()))
}

/// Votes, answers, questions and upvotes: the poll's window and kind decide.
fn decide_answer(
    facts: &dyn EventFacts,
    rules: &[Scenario],
    state: &mut ParticipantState,
    action: &Action,
    now: DateTime<Utc>,
) -> Outcome {
    match action {
        Action::Vote { .. } | Action::Answer { .. } => {
            let Some((poll_id, answer)) = crate::voting::answer_of(action) else {
                return reject(Reason::Malformed, "not an answer");
            };
            let poll = match open_poll(facts, poll_id, state, now) {
                Ok(poll) => poll,
                Err(refusal) => return refusal,
            };
            if let Err(why) = crate::voting::check_answer(&poll, &answer) {
                // A v1 vote for an option that does not exist keeps its v1 reason.
                let reason =
                    if matches!(action, Action::Vote { .. }) { Reason::UnknownTarget } else { Reason::BadAnswer };
                return reject(reason, why);
            }
            let previous = state.votes.get(poll_id);
            // A quiz takes one answer (changing it after seeing "wrong" is not playing); any
            // other poll takes the last one before it closes.
            if previous.is_some() && poll.kind == PollKind::Quiz {
                return reject(Reason::AlreadyVoted, format!("you already answered \"{}\"", poll.question));
            }
            if previous == Some(&answer) {
                return reject(Reason::AlreadyVoted, format!("that is already your answer in \"{}\"", poll.question));
            }
            let replaced = previous.is_some();
            state.votes.insert(poll_id.to_string(), answer.clone());
            let mut effects = match (action, replaced) {
                (Action::Vote { option_id, .. }, false) => {
                    vec![Effect::VoteCounted { poll_id: poll_id.to_string(), option_id: option_id.clone() }]
                }
                _ => vec![Effect::AnswerCounted { poll_id: poll_id.to_string(), replaced }],
            };
            if let (PollKind::Quiz, Some(correct), Answer::Choice { option_id }) =
                (poll.kind, &poll.correct_option_id, &answer)
            {
                effects.push(Effect::QuizAnswered { poll_id: poll_id.to_string(), correct: option_id == correct });
            }
            effects.extend(run_rules(facts, rules, state, action, now));
            Outcome::Accepted { effects }
        }
        Action::Ask { poll_id, question_id, text, .. } => {
            let poll = match open_poll(facts, poll_id, state, now) {
                Ok(poll) => poll,
                Err(refusal) => return refusal,
            };
            if poll.kind != PollKind::Questions {
                return reject(Reason::BadAnswer, format!("\"{}\" does not take questions", poll.question));
            }
            if let Err(why) = crate::voting::check_text(text) {
                return reject(Reason::BadAnswer, why);
            }
            if state.asked.contains(question_id) || facts.question_poll(question_id).is_some_and(|p| p.is_some()) {
                return reject(Reason::AlreadyDone, "a question with this id was asked already; ask again");
            }
            state.asked.insert(question_id.clone());
            let mut effects =
                vec![Effect::QuestionAsked { poll_id: poll_id.clone(), question_id: question_id.clone() }];
            effects.extend(run_rules(facts, rules, state, action, now));
            Outcome::Accepted { effects }
        }
        Action::Upvote { poll_id, question_id } => {
            let poll = match open_poll(facts, poll_id, state, now) {
                Ok(poll) => poll,
                Err(refusal) => return refusal,
            };
            if poll.kind != PollKind::Questions {
                return reject(Reason::BadAnswer, format!("\"{}\" has no questions to upvote", poll.question));
            }
            if facts.question_poll(question_id).is_some_and(|p| p.as_ref() != Some(poll_id)) {
                return reject(Reason::UnknownTarget, format!("there is no question \"{question_id}\" in this poll"));
            }
            if !state.upvoted.insert((poll_id.clone(), question_id.clone())) {
                return reject(Reason::AlreadyDone, "you already upvoted this question");
            }
            let mut effects = vec![Effect::Upvoted { poll_id: poll_id.clone(), question_id: question_id.clone() }];
            effects.extend(run_rules(facts, rules, state, action, now));
            Outcome::Accepted { effects }
        }
        other => misfiled(other),
    }
}

/// A checkpoint's code: signed by the event, the quest open, in its order, once.
fn decide_checkpoint(
    facts: &dyn EventFacts,
    rules: &[Scenario],
    state: &mut ParticipantState,
    action: &Action,
    now: DateTime<Utc>,
    verify: bool,
) -> Outcome {
    match action {
        Action::CheckpointScan { quest_id, checkpoint_id, proof } => {
            let Some(quest) = facts.quest(quest_id) else {
                return reject(Reason::UnknownTarget, format!("there is no quest \"{quest_id}\""));
            };
            let Some(checkpoint) = quest.checkpoints.iter().find(|c| &c.id == checkpoint_id) else {
                return reject(
                    Reason::UnknownTarget,
                    format!("quest \"{quest_id}\" has no checkpoint \"{checkpoint_id}\""),
                );
            };
            if let (true, Some((event_id, key))) = (verify, facts.qr_key()) {
                let message = checkpoint_message(&event_id, quest_id, checkpoint_id);
                if !proof.as_deref().is_some_and(|p| crate::qr::verify(&key, &message, p)) {
                    return reject(
                        Reason::BadSignature,
                        format!(
                            "this code for \"{}\" is not signed by the event; scan the checkpoint's own QR code",
                            checkpoint.name
                        ),
                    );
                }
            }
            if let Some(opens) = quest.opens_at.filter(|t| now < *t) {
                return reject(Reason::QuestNotOpen, format!("\"{}\" starts at {opens}", quest.title));
            }
            if let Some(closes) = quest.closes_at.filter(|t| now >= *t) {
                return reject(Reason::QuestClosed, format!("\"{}\" ended at {closes}", quest.title));
            }
            let key = (quest_id.clone(), checkpoint_id.clone());
            if state.rules.checkpoints.contains(&key) {
                return reject(Reason::AlreadyDone, format!("you already found \"{}\"", checkpoint.name));
            }
            if quest.ordered {
                let earlier = quest.checkpoints.iter().take_while(|c| &c.id != checkpoint_id);
                if let Some(missing) =
                    earlier.into_iter().find(|c| !state.rules.checkpoints.contains(&(quest_id.clone(), c.id.clone())))
                {
                    return reject(
                        Reason::OutOfOrder,
                        format!("\"{}\" goes in order: find \"{}\" first", quest.title, missing.name),
                    );
                }
            }
            // Points and rewards are the scenarios' (the defaults give each checkpoint its points).
            Outcome::Accepted { effects: run_rules(facts, rules, state, action, now) }
        }
        other => misfiled(other),
    }
}

/// Being at a session or a place, or exchanging contacts with a profile: once per target.
fn decide_presence(
    facts: &dyn EventFacts,
    rules: &[Scenario],
    state: &mut ParticipantState,
    action: &Action,
    now: DateTime<Utc>,
) -> Outcome {
    match action {
        Action::CheckIn { session_id } => {
            let outcome = once(facts, EntityKind::Session, session_id, &mut state.checked_in);
            with_rules(outcome, facts, rules, state, action, now)
        }
        Action::BoothVisit { poi_id } => {
            let outcome = once(facts, EntityKind::PointOfInterest, poi_id, &mut state.visited);
            with_rules(outcome, facts, rules, state, action, now)
        }
        Action::ContactExchange { profile_id } => {
            let outcome = once(facts, EntityKind::Profile, profile_id, &mut state.contacts);
            with_rules(outcome, facts, rules, state, action, now)
        }
        other => misfiled(other),
    }
}

/// Whether staff reset `poll_id` after an answer given at `at`: that answer no longer counts
/// (not in the tally, not as this participant's answer), so they may answer again.
fn reset_since(facts: &dyn EventFacts, poll_id: &str, at: DateTime<Utc>) -> bool {
    facts.poll(poll_id).and_then(|p| p.reset_at).is_some_and(|reset| at < reset.to_utc())
}

/// What is due next for this participant's time triggers, after `now`: the moment the app
/// should run [`tick_due`] again. `None` when nothing is left to fire.
pub fn next_due(facts: &dyn EventFacts, state: &ParticipantState, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    crate::rules::next_due(&facts.rules(), &Bridge(facts), &state.rules, now)
}

/// Fires the time triggers due by `now` on a copy of `state`: the [`Action::TimePassed`] to
/// record and what it does, or `None` when nothing fired (nothing needs recording).
pub fn tick_due(facts: &dyn EventFacts, state: &ParticipantState, now: DateTime<Utc>) -> Option<(Action, Vec<Effect>)> {
    let mut trial = state.rules.clone();
    let effects = crate::rules::tick(&facts.rules(), &Bridge(facts), &mut trial, now);
    (!effects.is_empty()).then(|| (Action::TimePassed { until: now.fixed_offset() }, effects))
}

/// The poll `poll_id` if this participant may answer it now: it exists, it is open, and it
/// counts their kind of code. Otherwise the refusal.
fn open_poll(
    facts: &dyn EventFacts,
    poll_id: &str,
    state: &ParticipantState,
    now: DateTime<Utc>,
) -> Result<Poll, Outcome> {
    let Some(poll) = facts.poll(poll_id) else {
        return Err(reject(Reason::UnknownTarget, format!("there is no poll \"{poll_id}\"")));
    };
    if now < poll.opens_at {
        return Err(reject(Reason::PollNotOpen, format!("\"{}\" opens at {}", poll.question, poll.opens_at)));
    }
    if now >= poll.deadline() {
        let why = if poll.deadline() < poll.closes_at { "time was up at" } else { "closed at" };
        return Err(reject(Reason::PollClosed, format!("\"{}\": {why} {}", poll.question, poll.deadline())));
    }
    if poll.requires_ticket && state.ticketed == Some(false) {
        return Err(reject(
            Reason::TicketRequired,
            format!(
                "\"{}\" counts one vote per ticket: join with the code on your personal ticket to vote",
                poll.question
            ),
        ));
    }
    Ok(poll)
}

/// The event's scenarios, reacting to an accepted `action`.
/// `rules` is [`EventFacts::rules`], asked for once per decision or replay, not per signal.
fn run_rules(
    facts: &dyn EventFacts,
    rules: &[Scenario],
    state: &mut ParticipantState,
    action: &Action,
    now: DateTime<Utc>,
) -> Vec<Effect> {
    crate::rules::react_to_signal(rules, &Bridge(facts), &mut state.rules, action, now)
}

fn with_rules(
    outcome: Outcome,
    facts: &dyn EventFacts,
    rules: &[Scenario],
    state: &mut ParticipantState,
    action: &Action,
    now: DateTime<Utc>,
) -> Outcome {
    match outcome {
        Outcome::Accepted { mut effects } => {
            effects.extend(run_rules(facts, rules, state, action, now));
            Outcome::Accepted { effects }
        }
        other => other,
    }
}

/// Actions that count once per participant and target, with no other effect.
fn once(facts: &dyn EventFacts, kind: EntityKind, id: &str, done: &mut BTreeSet<String>) -> Outcome {
    if !facts.exists(kind, id) {
        return reject(Reason::UnknownTarget, format!("there is no {} \"{id}\"", kind.as_str().replace('_', " ")));
    }
    if !done.insert(id.to_string()) {
        return reject(
            Reason::AlreadyDone,
            format!("already recorded for {} \"{id}\"", kind.as_str().replace('_', " ")),
        );
    }
    Outcome::Accepted { effects: Vec::new() }
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

impl ParticipantState {
    /// Rebuilds a state from signals accepted before, in order. What was decided stays decided:
    /// recorded effects are taken in as they are, so a scenario changed since applies from now
    /// on and never rewrites past points or rewards. Replaying does not re-check poll windows or
    /// signatures: a vote accepted while its poll was open stays counted, and a key rotated
    /// later does not take points away.
    pub fn restore<'a>(facts: &dyn EventFacts, accepted: impl IntoIterator<Item = Decided<'a>>) -> ParticipantState {
        let mut state = ParticipantState::default();
        let rules = facts.rules();
        for Decided { action, at, effects } in accepted {
            match (action, effects) {
                (action, Some(effects)) => {
                    if action.kind().family() == Family::Staff {
                        crate::staff::restore(&mut state, action, at, effects);
                    } else {
                        restore_own(facts, &mut state, action, at);
                    }
                    crate::rules::restore_decided(&Bridge(facts), &mut state.rules, action, at, effects);
                }
                // Accepted while the poll was open: not judged again by the poll's window.
                (Action::Vote { .. } | Action::Answer { .. }, None) => {
                    if let Some((poll_id, answer)) = crate::voting::answer_of(action) {
                        if !reset_since(facts, poll_id, at) {
                            state.votes.insert(poll_id.to_string(), answer);
                        }
                    }
                    run_rules(facts, &rules, &mut state, action, at);
                }
                (other, None) => {
                    decide_checked(facts, &rules, &mut state, other, at, false);
                }
            }
        }
        state
    }
}

/// What a participant's own accepted signal leaves in their state (votes, questions, upvotes,
/// where they were, whom they met). The others leave nothing here: checkpoints and the clock
/// are the rules' state, profiles, meetings and messages the people feed's, staff work staff's.
fn restore_own(facts: &dyn EventFacts, state: &mut ParticipantState, action: &Action, at: DateTime<Utc>) {
    match action {
        Action::Vote { .. } | Action::Answer { .. } => {
            if let Some((poll_id, answer)) = crate::voting::answer_of(action) {
                if !reset_since(facts, poll_id, at) {
                    state.votes.insert(poll_id.to_string(), answer);
                }
            }
        }
        Action::Ask { question_id, .. } => {
            state.asked.insert(question_id.clone());
        }
        Action::Upvote { poll_id, question_id } => {
            state.upvoted.insert((poll_id.clone(), question_id.clone()));
        }
        Action::CheckIn { session_id } => {
            state.checked_in.insert(session_id.clone());
        }
        Action::BoothVisit { poi_id } => {
            state.visited.insert(poi_id.clone());
        }
        Action::ContactExchange { profile_id } => {
            state.contacts.insert(profile_id.clone());
        }
        Action::ScanBadge { badge } => {
            state.badges.insert(badge.clone());
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use elements_protocol::event::{Checkpoint, PollOption, Reward};

    struct Facts;
    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc)).expect("test time")
    }
    impl EventFacts for Facts {
        fn poll(&self, id: &str) -> Option<Poll> {
            (id == "p1" || id == "p-ticket").then(|| Poll {
                id: id.into(),
                question: "Tabs or spaces?".into(),
                session_id: None,
                options: vec![PollOption { id: "tabs".into(), label: "Tabs".into() }],
                opens_at: "2027-03-10T10:00:00+01:00".parse().expect("time"),
                closes_at: "2027-03-10T11:00:00+01:00".parse().expect("time"),
                requires_ticket: id == "p-ticket",
                kind: elements_protocol::event::PollKind::SingleChoice,
                max_choices: None,
                scale: None,
                correct_option_id: None,
                hide_results: false,
                timer_seconds: None,
                reset_at: None,
            })
        }
        fn quest(&self, id: &str) -> Option<Quest> {
            (id == "q1").then(|| Quest {
                id: "q1".into(),
                title: "Hunt".into(),
                description: String::new(),
                checkpoints: ["a", "b"]
                    .map(|c| Checkpoint { id: c.into(), name: c.into(), poi_id: None, points: 30, hint: String::new() })
                    .to_vec(),
                rewards: vec![Reward { id: "mug".into(), name: "Mug".into(), points_required: 50 }],
                hidden: false,
                ordered: false,
                opens_at: None,
                closes_at: None,
            })
        }
        fn exists(&self, kind: EntityKind, id: &str) -> bool {
            kind == EntityKind::Session && id == "s1"
        }
        fn rules(&self) -> std::borrow::Cow<'_, [Scenario]> {
            std::borrow::Cow::Owned(crate::rules::default_scenarios(&self.quest("q1").into_iter().collect::<Vec<_>>()))
        }
    }

    fn vote(option: &str) -> Action {
        Action::Vote { poll_id: "p1".into(), option_id: option.into() }
    }

    #[test]
    fn a_vote_counts_once_and_only_while_the_poll_is_open() {
        let mut s = ParticipantState::default();
        let reason = |o: Outcome| match o {
            Outcome::Rejected { reason, .. } => Some(reason),
            _ => None,
        };
        assert_eq!(reason(decide(&Facts, &mut s, &vote("tabs"), t("2027-03-10T08:59:59Z"))), Some(Reason::PollNotOpen));
        assert_eq!(reason(decide(&Facts, &mut s, &vote("tabs"), t("2027-03-10T10:00:00Z"))), Some(Reason::PollClosed));
        assert_eq!(
            reason(decide(&Facts, &mut s, &vote("vim"), t("2027-03-10T09:30:00Z"))),
            Some(Reason::UnknownTarget)
        );
        assert_eq!(s, ParticipantState::default(), "rejections leave the state alone");
        assert!(matches!(decide(&Facts, &mut s, &vote("tabs"), t("2027-03-10T09:30:00Z")), Outcome::Accepted { .. }));
        assert_eq!(
            reason(decide(&Facts, &mut s, &vote("tabs"), t("2027-03-10T09:31:00Z"))),
            Some(Reason::AlreadyVoted)
        );
    }

    #[test]
    fn a_poll_that_requires_a_ticket_refuses_shared_codes_and_leaves_unknown_to_the_backend() {
        let now = t("2027-03-10T09:30:00Z");
        let vote = Action::Vote { poll_id: "p-ticket".into(), option_id: "tabs".into() };
        for (ticketed, accepted) in [(Some(true), true), (None, true), (Some(false), false)] {
            let mut s = ParticipantState { ticketed, ..ParticipantState::default() };
            let outcome = decide(&Facts, &mut s, &vote, now);
            assert_eq!(matches!(outcome, Outcome::Accepted { .. }), accepted, "{ticketed:?}: {outcome:?}");
            if !accepted {
                assert!(matches!(outcome, Outcome::Rejected { reason: Reason::TicketRequired, .. }));
            }
        }
        let mut shared = ParticipantState { ticketed: Some(false), ..ParticipantState::default() };
        assert!(matches!(decide(&Facts, &mut shared, &vote_in("p1"), now), Outcome::Accepted { .. }), "other polls");
    }

    fn vote_in(poll: &str) -> Action {
        Action::Vote { poll_id: poll.into(), option_id: "tabs".into() }
    }

    #[test]
    fn checkpoints_add_points_and_unlock_a_reward_when_crossing_its_threshold() {
        let mut s = ParticipantState::default();
        let now = t("2027-03-10T09:30:00Z");
        let scan = |c: &str| Action::CheckpointScan { quest_id: "q1".into(), checkpoint_id: c.into(), proof: None };
        let Outcome::Accepted { effects: first } = decide(&Facts, &mut s, &scan("a"), now) else { panic!("accepted") };
        assert_eq!(
            first,
            vec![
                Effect::ScenarioFired { scenario_id: "default:points:q1:a".into(), instance: String::new() },
                Effect::Points { quest_id: "q1".into(), gained: 30, total: 30 }
            ]
        );
        let second = decide(&Facts, &mut s, &scan("b"), now);
        let Outcome::Accepted { effects } = second else { panic!("second scan accepted") };
        assert!(effects.contains(&Effect::RewardUnlocked {
            quest_id: "q1".into(),
            reward_id: "mug".into(),
            name: "Mug".into(),
            code: None
        }));
        assert!(matches!(
            decide(&Facts, &mut s, &scan("a"), now),
            Outcome::Rejected { reason: Reason::AlreadyDone, .. }
        ));
        assert_eq!(s.rules.points.get("q1"), Some(&60));
        let history = [scan("a"), scan("b")];
        let rerun =
            ParticipantState::restore(&Facts, history.iter().map(|a| Decided { action: a, at: now, effects: None }));
        assert_eq!(rerun, s, "deciding the accepted actions again rebuilds the same state");
        let check_in = Action::CheckIn { session_id: "s2".into() };
        assert!(matches!(
            decide(&Facts, &mut s, &check_in, now),
            Outcome::Rejected { reason: Reason::UnknownTarget, .. }
        ));
    }

    struct Ordered;
    impl EventFacts for Ordered {
        fn poll(&self, _: &str) -> Option<Poll> {
            None
        }
        fn quest(&self, id: &str) -> Option<Quest> {
            Facts.quest(id).map(|q| Quest {
                ordered: true,
                opens_at: Some("2027-03-10T09:00:00+01:00".parse().expect("time")),
                closes_at: Some("2027-03-10T18:00:00+01:00".parse().expect("time")),
                ..q
            })
        }
        fn exists(&self, _: EntityKind, _: &str) -> bool {
            false
        }
        fn rules(&self) -> std::borrow::Cow<'_, [Scenario]> {
            Facts.rules()
        }
    }

    #[test]
    fn an_ordered_quest_takes_its_steps_in_order_and_only_within_its_window() {
        let scan = |c: &str| Action::CheckpointScan { quest_id: "q1".into(), checkpoint_id: c.into(), proof: None };
        let reason = |o: Outcome| match o {
            Outcome::Rejected { reason, message } => Some((reason, message)),
            _ => None,
        };
        let mut s = ParticipantState::default();
        let early = reason(decide(&Ordered, &mut s, &scan("a"), t("2027-03-10T07:59:00Z")));
        assert_eq!(early.map(|r| r.0), Some(Reason::QuestNotOpen));
        let late = reason(decide(&Ordered, &mut s, &scan("a"), t("2027-03-10T17:00:00Z")));
        assert_eq!(late.map(|r| r.0), Some(Reason::QuestClosed));
        let now = t("2027-03-10T09:30:00Z");
        let (why, message) = reason(decide(&Ordered, &mut s, &scan("b"), now)).expect("b before a is refused");
        assert_eq!(why, Reason::OutOfOrder);
        assert!(message.contains("find \"a\" first"), "{message}");
        assert_eq!(s, ParticipantState::default(), "refusals change nothing");
        assert!(matches!(decide(&Ordered, &mut s, &scan("a"), now), Outcome::Accepted { .. }));
        assert!(matches!(decide(&Ordered, &mut s, &scan("b"), now), Outcome::Accepted { .. }), "then b");
    }

    #[test]
    fn a_timed_quiz_round_takes_answers_only_until_its_timer_runs_out() {
        struct Timed;
        impl EventFacts for Timed {
            fn poll(&self, id: &str) -> Option<Poll> {
                Facts.poll("p1").map(|p| Poll {
                    id: id.into(),
                    kind: PollKind::Quiz,
                    correct_option_id: Some("tabs".into()),
                    timer_seconds: Some(20),
                    ..p
                })
            }
            fn quest(&self, _: &str) -> Option<Quest> {
                None
            }
            fn exists(&self, _: EntityKind, _: &str) -> bool {
                false
            }
            fn rules(&self) -> std::borrow::Cow<'_, [Scenario]> {
                std::borrow::Cow::Owned(Vec::new())
            }
        }
        let answer = Action::Vote { poll_id: "quiz".into(), option_id: "tabs".into() };
        let late = decide(&Timed, &mut ParticipantState::default(), &answer, t("2027-03-10T09:00:21Z"));
        assert!(
            matches!(&late, Outcome::Rejected { reason: Reason::PollClosed, message } if message.contains("time was up")),
            "{late:?}"
        );
        let in_time = decide(&Timed, &mut ParticipantState::default(), &answer, t("2027-03-10T09:00:19Z"));
        let Outcome::Accepted { effects } = in_time else { panic!("in time: {in_time:?}") };
        assert!(effects.contains(&Effect::QuizAnswered { poll_id: "quiz".into(), correct: true }));
    }

    struct Signed(String);
    impl EventFacts for Signed {
        fn poll(&self, id: &str) -> Option<Poll> {
            Facts.poll(id)
        }
        fn quest(&self, id: &str) -> Option<Quest> {
            Facts.quest(id)
        }
        fn exists(&self, kind: EntityKind, id: &str) -> bool {
            Facts.exists(kind, id)
        }
        fn qr_key(&self) -> Option<(String, String)> {
            Some(("ev".into(), self.0.clone()))
        }
        fn rules(&self) -> std::borrow::Cow<'_, [Scenario]> {
            Facts.rules().into_owned().into()
        }
    }

    #[test]
    fn with_a_qr_key_only_a_correctly_signed_checkpoint_code_counts() {
        let secret = [7u8; 32];
        let facts = Signed(crate::qr::public_key_hex(&secret));
        let now = t("2027-03-10T09:30:00Z");
        let scan = |cp: &str, proof: Option<String>| Action::CheckpointScan {
            quest_id: "q1".into(),
            checkpoint_id: cp.into(),
            proof,
        };
        let mut s = ParticipantState::default();
        let good = crate::qr::sign(&secret, &checkpoint_message("ev", "q1", "a"));
        let for_b = crate::qr::sign(&secret, &checkpoint_message("ev", "q1", "b"));
        let other_event = crate::qr::sign(&secret, &checkpoint_message("other", "q1", "a"));
        let wrong_key = crate::qr::sign(&[8u8; 32], &checkpoint_message("ev", "q1", "a"));
        for bad in [None, Some("zz".to_string()), Some(for_b), Some(other_event), Some(wrong_key)] {
            let outcome = decide(&facts, &mut s, &scan("a", bad.clone()), now);
            assert!(matches!(outcome, Outcome::Rejected { reason: Reason::BadSignature, .. }), "{bad:?}: {outcome:?}");
        }
        assert!(matches!(decide(&facts, &mut s, &scan("a", Some(good)), now), Outcome::Accepted { .. }));
    }
}

#[cfg(test)]
mod family_tests {
    use super::*;
    use elements_protocol::people::{MeetingAnswer, MyProfile};
    use elements_protocol::signal::ActionKind;
    use elements_protocol::staff::{Gate, Pass, PollCommand, QuestionCommand};

    /// An event that has nothing: every signal is about something unknown.
    struct Empty;
    impl EventFacts for Empty {
        fn poll(&self, _: &str) -> Option<Poll> {
            None
        }
        fn quest(&self, _: &str) -> Option<Quest> {
            None
        }
        fn exists(&self, _: EntityKind, _: &str) -> bool {
            false
        }
        fn rules(&self) -> std::borrow::Cow<'_, [Scenario]> {
            std::borrow::Cow::Borrowed(&[])
        }
    }

    /// One action of every kind in the protocol's table, each decided by its family's rules and
    /// none "not decided here": a new row in the table without its decision fails this test
    /// (and so does a new row without a sample here).
    #[test]
    fn every_kind_of_action_reaches_its_familys_decision() {
        let at = DateTime::parse_from_rfc3339("2027-03-10T10:00:00+01:00").expect("time");
        let samples = vec![
            Action::Vote { poll_id: "p".into(), option_id: "o".into() },
            Action::CheckpointScan { quest_id: "q".into(), checkpoint_id: "c".into(), proof: None },
            Action::CheckIn { session_id: "s".into() },
            Action::BoothVisit { poi_id: "b".into() },
            Action::ContactExchange { profile_id: "x".into() },
            Action::Answer { poll_id: "p".into(), answer: Answer::Rating { value: 3 } },
            Action::Ask { poll_id: "p".into(), question_id: "q1".into(), text: "Why?".into(), anonymous: false },
            Action::Upvote { poll_id: "p".into(), question_id: "q1".into() },
            Action::TimePassed { until: at },
            Action::PublishProfile { profile: MyProfile::default() },
            Action::ScanBadge { badge: "B".into() },
            Action::RequestMeeting {
                meeting_id: "m".into(),
                with: "x".into(),
                starts_at: at,
                minutes: 15,
                place_id: "pl".into(),
                note: String::new(),
            },
            Action::AnswerMeeting { meeting_id: "m".into(), answer: MeetingAnswer::Accept },
            Action::SendMessage { message_id: "mm".into(), to: "x".into(), text: "hi".into() },
            Action::ForgetMe {},
            Action::Admit { pass: Pass::Ticket("T-1".into()), gate: Gate::Door("main".into()) },
            Action::RedeemReward { code: "K7Q2".into() },
            Action::ControlPoll { poll_id: "p".into(), command: PollCommand::Open },
            Action::ModerateQuestion { question_id: "q1".into(), command: QuestionCommand::Approve },
            Action::Announce {
                announcement_id: "a".into(),
                text: "Doors open".into(),
                audience: elements_protocol::live::Audience::Everyone,
            },
            Action::CaptureLead { badge: "B".into(), rating: 3, note: String::new() },
        ];
        let kinds: BTreeSet<ActionKind> = samples.iter().map(Action::kind).collect();
        assert_eq!(kinds, ActionKind::ALL.iter().copied().collect(), "a sample of every kind");
        for action in &samples {
            let outcome = decide(&Empty, &mut ParticipantState::default(), action, at.to_utc());
            assert_ne!(outcome, misfiled(action), "{:?} reached no decision of its family", action.kind());
        }
    }
}
