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

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use elements_protocol::event::PollKind;
use elements_protocol::event::{Poll, Quest};
use elements_protocol::signal::{
    checkpoint_message, Action, Answer, Effect, Family, Outcome, Reason, Signal, SIGNAL_SCHEMA_VERSION,
};
use elements_protocol::sync::EntityKind;

pub use crate::facts::{poi_kind_name, Decided, EventFacts, ParticipantState};

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
            Action::AskRoute { to, from } => {
                f.push(("to", to));
                if let Some(from) = from {
                    f.push(("from", from));
                }
            }
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
            Action::PutPoll { poll } => f.push(("poll.id", &poll.id)),
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
    rules: &crate::rules::Rules,
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
    rules: &crate::rules::Rules,
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
    rules: &crate::rules::Rules,
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
    rules: &crate::rules::Rules,
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
        // Asking the way is not done once: each ask counts (the figures count people, not asks).
        Action::AskRoute { to, from } => {
            let unknown = std::iter::once(to).chain(from).find(|id| !facts.exists(EntityKind::PointOfInterest, id));
            match unknown {
                Some(id) => reject(Reason::UnknownTarget, format!("there is no place \"{id}\"")),
                None => Outcome::Accepted { effects: Vec::new() },
            }
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
    if poll.draft {
        return Err(reject(Reason::PollNotOpen, format!("\"{}\" is not open yet", poll.question)));
    }
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
    rules: &crate::rules::Rules,
    state: &mut ParticipantState,
    action: &Action,
    now: DateTime<Utc>,
) -> Vec<Effect> {
    crate::rules::react_to_signal(rules, &Bridge(facts), &mut state.rules, action, now)
}

fn with_rules(
    outcome: Outcome,
    facts: &dyn EventFacts,
    rules: &crate::rules::Rules,
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
mod tests;
