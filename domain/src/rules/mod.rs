//! The evaluator of the event's scenarios (`elements_protocol::scenario`): when a trigger fires
//! for a participant, every rule it matches whose conditions hold applies its consequences, in
//! the event's order; consequences that are themselves triggers (points reaching a threshold, a
//! reward unlocked, a quest completed) are evaluated in turn, breadth first, within a bound.
//!
//! Pure and deterministic: no clock (time is a parameter), no IO, ordered maps. The app runs it
//! the moment a person acts or a time trigger is due; the backend runs the same code as the
//! authority. What a rule already did is in [`RuleState::fired`], keyed by rule and instance, so
//! replaying a participant's history (after a restart, or on a second device) fires nothing twice.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use chrono::{DateTime, Utc};
use elements_protocol::event::Quest;
use elements_protocol::scenario::{Condition, Consequence, Scenario, SignalFilter, SignalKind, Trigger};
use elements_protocol::signal::{Action, Effect};

/// What the rules ask about the event beyond the participant's own history.
pub trait RuleFacts {
    fn quest(&self, id: &str) -> Option<Quest>;
    /// The track of a session, if it has one.
    fn session_track(&self, _session_id: &str) -> Option<String> {
        None
    }
    /// When a session ends.
    fn session_end(&self, _session_id: &str) -> Option<DateTime<Utc>> {
        None
    }
    /// The kind of a place ("booth", "food", …).
    fn poi_kind(&self, _poi_id: &str) -> Option<String> {
        None
    }
    /// Every poll with the moment it opens.
    fn poll_openings(&self) -> Vec<(String, DateTime<Utc>)> {
        Vec::new()
    }
}

/// One accepted signal, with what the rules may filter on looked up once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    pub kind: SignalKind,
    /// Every field that applies to this signal is `Some`.
    pub about: SignalFilter,
    /// What makes two signals with the same `about` different things (two questions in one
    /// poll), for counting distinct targets.
    pub item: Option<String>,
    pub at: DateTime<Utc>,
}

impl Occurrence {
    /// The occurrence of a participant's signal; `None` for [`Action::TimePassed`], which is the
    /// clock, not something the participant did.
    pub fn of(facts: &dyn RuleFacts, action: &Action, at: DateTime<Utc>) -> Option<Occurrence> {
        let mut about = SignalFilter::default();
        let mut item = None;
        // What the rules count it as comes from the protocol's table of actions; the clock, staff
        // work and private people signals are nothing to them.
        let kind = action.kind().counted_as()?;
        match action {
            Action::Vote { poll_id, option_id } => {
                about.poll_id = Some(poll_id.clone());
                about.option_id = Some(option_id.clone());
            }
            // Any answer is a vote to the rules; a single choice names its option.
            Action::Answer { poll_id, answer } => {
                about.poll_id = Some(poll_id.clone());
                if let elements_protocol::signal::Answer::Choice { option_id } = answer {
                    about.option_id = Some(option_id.clone());
                }
            }
            Action::Ask { poll_id, question_id, .. } => {
                about.poll_id = Some(poll_id.clone());
                item = Some(question_id.clone());
            }
            Action::Upvote { poll_id, question_id } => {
                about.poll_id = Some(poll_id.clone());
                item = Some(question_id.clone());
            }
            Action::CheckpointScan { quest_id, checkpoint_id, .. } => {
                about.quest_id = Some(quest_id.clone());
                about.checkpoint_id = Some(checkpoint_id.clone());
            }
            Action::CheckIn { session_id } => {
                about.track_id = facts.session_track(session_id);
                about.session_id = Some(session_id.clone());
            }
            Action::BoothVisit { poi_id } => {
                about.poi_kind = facts.poi_kind(poi_id);
                about.poi_id = Some(poi_id.clone());
            }
            Action::ContactExchange { profile_id } => {
                about.profile_id = Some(profile_id.clone());
            }
            // Rules see a badge scan as the contact exchange it is; whose badge it was only the
            // backend knows, so the badge code is what tells two exchanges apart.
            Action::ScanBadge { badge } => {
                item = Some(badge.clone());
            }
            _ => {}
        }
        Some(Occurrence { kind, about, item, at })
    }

    /// The target that makes two occurrences "the same" for counting (one booth visited twice).
    fn target(&self) -> String {
        let a = &self.about;
        [&a.poll_id, &a.quest_id, &a.checkpoint_id, &a.session_id, &a.poi_id, &a.profile_id, &self.item]
            .iter()
            .filter_map(|v| v.as_deref())
            .collect::<Vec<_>>()
            .join("/")
    }
}

fn matches(filter: &SignalFilter, about: &SignalFilter) -> bool {
    let field = |want: &Option<String>, have: &Option<String>| want.as_ref().is_none_or(|w| have.as_ref() == Some(w));
    field(&filter.poll_id, &about.poll_id)
        && field(&filter.option_id, &about.option_id)
        && field(&filter.quest_id, &about.quest_id)
        && field(&filter.checkpoint_id, &about.checkpoint_id)
        && field(&filter.session_id, &about.session_id)
        && field(&filter.track_id, &about.track_id)
        && field(&filter.poi_id, &about.poi_id)
        && field(&filter.poi_kind, &about.poi_kind)
        && field(&filter.profile_id, &about.profile_id)
}

/// What the rules have made of one participant so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleState {
    /// Accepted signals, oldest first.
    pub history: Vec<Occurrence>,
    pub points: BTreeMap<String, u32>,
    /// (quest, checkpoint) done, by a scan or by a rule.
    pub checkpoints: BTreeSet<(String, String)>,
    /// (quest, reward).
    pub rewards: BTreeSet<(String, String)>,
    pub completed_quests: BTreeSet<String>,
    pub tags: BTreeSet<String>,
    /// (kind, id) shown to this participant although hidden for others.
    pub revealed: BTreeSet<(String, String)>,
    /// (rule, instance) → when it fired. The instance is empty for signal-driven rules and names
    /// the occurrence for time triggers (the session that ended, the poll that opened).
    pub fired: BTreeMap<(String, String), DateTime<Utc>>,
    /// The last moment time triggers were evaluated up to.
    pub ticked_to: Option<DateTime<Utc>>,
}

/// Something that happened, for the rules to react to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Happening {
    Signal(Occurrence),
    RewardUnlocked {
        quest_id: String,
        reward_id: String,
    },
    QuestCompleted {
        quest_id: String,
    },
    Points {
        quest_id: String,
        before: u32,
        after: u32,
    },
    SessionEnded {
        session_id: String,
        track_id: Option<String>,
    },
    PollOpened {
        poll_id: String,
    },
    /// A moment reached; the rules with `At` that moment fire.
    Moment(DateTime<Utc>),
}

impl Happening {
    /// Distinguishes repeated firings of one rule (the instance of a time trigger).
    fn instance(&self) -> String {
        match self {
            Happening::SessionEnded { session_id, .. } => session_id.clone(),
            Happening::PollOpened { poll_id } => poll_id.clone(),
            Happening::Moment(t) => t.to_rfc3339(),
            _ => String::new(),
        }
    }

    fn is_time(&self) -> bool {
        matches!(self, Happening::SessionEnded { .. } | Happening::PollOpened { .. } | Happening::Moment(_))
    }
}

fn triggered(trigger: &Trigger, happening: &Happening) -> bool {
    match (trigger, happening) {
        (Trigger::Signal { kind, filter }, Happening::Signal(o)) => *kind == o.kind && matches(filter, &o.about),
        (Trigger::RewardUnlocked { reward_id }, Happening::RewardUnlocked { reward_id: r, .. }) => {
            reward_id.as_ref().is_none_or(|w| w == r)
        }
        (Trigger::QuestCompleted { quest_id }, Happening::QuestCompleted { quest_id: q }) => {
            quest_id.as_ref().is_none_or(|w| w == q)
        }
        (Trigger::PointsReached { quest_id, points }, Happening::Points { quest_id: q, before, after }) => {
            quest_id == q && *before < *points && *after >= *points
        }
        (Trigger::SessionEnded { track_id, session_id }, Happening::SessionEnded { session_id: s, track_id: t }) => {
            session_id.as_ref().is_none_or(|w| w == s) && track_id.as_ref().is_none_or(|w| t.as_ref() == Some(w))
        }
        (Trigger::PollOpened { poll_id }, Happening::PollOpened { poll_id: p }) => {
            poll_id.as_ref().is_none_or(|w| w == p)
        }
        (Trigger::At { time }, Happening::Moment(t)) => time.to_utc() == *t,
        _ => false,
    }
}

fn holds(condition: &Condition, state: &RuleState, now: DateTime<Utc>) -> bool {
    match condition {
        Condition::Count { kind, filter, at_least, within_seconds } => {
            let since = within_seconds.map(|s| now - chrono::Duration::seconds(i64::from(s)));
            let distinct: BTreeSet<String> = state
                .history
                .iter()
                .filter(|o| o.kind == *kind && matches(filter, &o.about) && since.is_none_or(|t| o.at >= t))
                .map(Occurrence::target)
                .collect();
            distinct.len() >= *at_least as usize
        }
        Condition::HasReward { reward_id } => state.rewards.iter().any(|(_, r)| r == reward_id),
        Condition::LacksReward { reward_id } => !state.rewards.iter().any(|(_, r)| r == reward_id),
        Condition::PointsAtLeast { quest_id, points } => state.points.get(quest_id).copied().unwrap_or(0) >= *points,
        Condition::HasTag { tag } => state.tags.contains(tag),
        Condition::LacksTag { tag } => !state.tags.contains(tag),
    }
}

/// How many rounds of consequences-as-triggers one happening may cause. Validation refuses
/// cycles; this bound is the evaluator's own guard against a rule set that slipped through.
const MAX_ROUNDS: usize = 32;

/// Applies every rule `happening` triggers, and what their consequences trigger in turn.
/// Returns the effects in the order they happened; `state` takes them in.
pub fn react(
    rules: &Rules,
    facts: &dyn RuleFacts,
    state: &mut RuleState,
    happening: Happening,
    now: DateTime<Utc>,
) -> Vec<Effect> {
    if let Happening::Signal(o) = &happening {
        state.history.push(o.clone());
    }
    let mut effects = Vec::new();
    let mut queue = VecDeque::from([(happening, 0usize)]);
    while let Some((happening, round)) = queue.pop_front() {
        if round >= MAX_ROUNDS {
            break;
        }
        for rule in rules.candidates(&happening).into_iter().filter(|r| triggered(&r.when, &happening)) {
            let key = (rule.id.clone(), happening.instance());
            // A time trigger's instance happens once; `once` makes any rule fire once.
            if (rule.once || happening.is_time()) && state.fired.contains_key(&key) {
                continue;
            }
            if let Some(cooldown) = rule.cooldown_seconds {
                let last = state.fired.iter().filter(|((id, _), _)| *id == rule.id).map(|(_, t)| *t).max();
                if last.is_some_and(|t| now < t + chrono::Duration::seconds(i64::from(cooldown))) {
                    continue;
                }
            }
            if !rule.conditions.iter().all(|c| holds(c, state, now)) {
                continue;
            }
            effects.push(Effect::ScenarioFired { scenario_id: key.0.clone(), instance: key.1.clone() });
            let instance = key.1.clone();
            state.fired.insert(key, now);
            for consequence in &rule.then {
                for next in apply(consequence, facts, state, &mut effects, &instance) {
                    queue.push_back((next, round + 1));
                }
            }
        }
    }
    effects
}

/// One consequence: changes `state`, records its effect, returns what it triggers in turn.
/// `instance` is what a time trigger fired for (the session that ended), for message links.
fn apply(
    consequence: &Consequence,
    facts: &dyn RuleFacts,
    state: &mut RuleState,
    effects: &mut Vec<Effect>,
    instance: &str,
) -> Vec<Happening> {
    match consequence {
        Consequence::Points { quest_id, points } => {
            let before = state.points.get(quest_id).copied().unwrap_or(0);
            let after = before.saturating_add(*points);
            state.points.insert(quest_id.clone(), after);
            effects.push(Effect::Points { quest_id: quest_id.clone(), gained: *points, total: after });
            vec![Happening::Points { quest_id: quest_id.clone(), before, after }]
        }
        Consequence::CompleteCheckpoint { quest_id, checkpoint_id } => {
            if !state.checkpoints.insert((quest_id.clone(), checkpoint_id.clone())) {
                return Vec::new();
            }
            effects
                .push(Effect::CheckpointCompleted { quest_id: quest_id.clone(), checkpoint_id: checkpoint_id.clone() });
            quest_completion(facts, state, quest_id)
        }
        Consequence::UnlockReward { quest_id, reward_id } => {
            if !state.rewards.insert((quest_id.clone(), reward_id.clone())) {
                return Vec::new();
            }
            let name = facts
                .quest(quest_id)
                .and_then(|q| q.rewards.into_iter().find(|r| &r.id == reward_id))
                .map(|r| r.name)
                .unwrap_or_else(|| reward_id.clone());
            effects.push(Effect::RewardUnlocked {
                quest_id: quest_id.clone(),
                reward_id: reward_id.clone(),
                name,
                code: None,
            });
            vec![Happening::RewardUnlocked { quest_id: quest_id.clone(), reward_id: reward_id.clone() }]
        }
        Consequence::Message { id, text, link } => {
            // "session:{instance}": the session that ended, the poll that opened.
            let link = link.as_ref().map(|l| l.replace("{instance}", instance));
            effects.push(Effect::Message { id: id.clone(), text: text.clone(), link });
            Vec::new()
        }
        Consequence::Reveal { kind, id } => {
            if state.revealed.insert((kind.clone(), id.clone())) {
                effects.push(Effect::Revealed { kind: kind.clone(), id: id.clone() });
            }
            Vec::new()
        }
        Consequence::Tag { tag } => {
            if state.tags.insert(tag.clone()) {
                effects.push(Effect::Tagged { tag: tag.clone() });
            }
            Vec::new()
        }
    }
}

/// A quest is complete when every checkpoint of it is done; said once.
fn quest_completion(facts: &dyn RuleFacts, state: &mut RuleState, quest_id: &str) -> Vec<Happening> {
    let Some(quest) = facts.quest(quest_id) else { return Vec::new() };
    let all = !quest.checkpoints.is_empty()
        && quest.checkpoints.iter().all(|c| state.checkpoints.contains(&(quest_id.to_string(), c.id.clone())));
    if all && state.completed_quests.insert(quest_id.to_string()) {
        vec![Happening::QuestCompleted { quest_id: quest_id.to_string() }]
    } else {
        Vec::new()
    }
}

/// An accepted checkpoint scan marks its checkpoint done before the rules run (so "all
/// checkpoints" and counts see it), then the rules react to the scan.
pub fn react_to_signal(
    rules: &Rules,
    facts: &dyn RuleFacts,
    state: &mut RuleState,
    action: &Action,
    at: DateTime<Utc>,
) -> Vec<Effect> {
    let Some(occurrence) = Occurrence::of(facts, action, at) else { return Vec::new() };
    let mut effects = Vec::new();
    let mut completed = Vec::new();
    if let Action::CheckpointScan { quest_id, checkpoint_id, .. } = action {
        if state.checkpoints.insert((quest_id.clone(), checkpoint_id.clone())) {
            completed = quest_completion(facts, state, quest_id);
        }
    }
    effects.extend(react(rules, facts, state, Happening::Signal(occurrence), at));
    for happening in completed {
        effects.extend(react(rules, facts, state, happening, at));
    }
    effects
}

/// Fires the time triggers due in `(state.ticked_to, now]`: sessions this participant checked in
/// to that ended, polls that opened, moments. Idempotent: ticking again to the same `now`, or
/// replaying on another device, fires nothing twice.
pub fn tick(rules: &Rules, facts: &dyn RuleFacts, state: &mut RuleState, now: DateTime<Utc>) -> Vec<Effect> {
    let from = state.ticked_to;
    let due = |t: DateTime<Utc>| from.is_none_or(|f| t > f) && t <= now;
    let mut happenings: Vec<(DateTime<Utc>, Happening)> = Vec::new();
    let checked_in: BTreeSet<String> = state
        .history
        .iter()
        .filter(|o| o.kind == SignalKind::CheckIn)
        .filter_map(|o| o.about.session_id.clone())
        .collect();
    for session_id in checked_in {
        if let Some(end) = facts.session_end(&session_id).filter(|e| due(*e)) {
            let track_id = facts.session_track(&session_id);
            happenings.push((end, Happening::SessionEnded { session_id, track_id }));
        }
    }
    for (poll_id, opens) in facts.poll_openings() {
        if due(opens) {
            happenings.push((opens, Happening::PollOpened { poll_id }));
        }
    }
    for rule in rules.iter() {
        if let Trigger::At { time } = &rule.when {
            if due(time.to_utc()) {
                happenings.push((time.to_utc(), Happening::Moment(time.to_utc())));
            }
        }
    }
    happenings.sort_by(|a, b| a.0.cmp(&b.0));
    happenings.dedup();
    let mut effects = Vec::new();
    for (at, happening) in happenings {
        effects.extend(react(rules, facts, state, happening, at));
    }
    state.ticked_to = Some(now.max(from.unwrap_or(now)));
    effects
}

/// The next moment after `now` at which [`tick`] would have something to react to: a session
/// this participant checked in to ends, a poll opens, a rule's moment — counted only when some
/// rule listens for that kind of happening. `None`: nothing left to wait for.
pub fn next_due(rules: &Rules, facts: &dyn RuleFacts, state: &RuleState, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let listens = |f: fn(&Trigger) -> bool| rules.iter().any(|r| f(&r.when));
    let mut due: Vec<DateTime<Utc>> = Vec::new();
    if listens(|t| matches!(t, Trigger::SessionEnded { .. })) {
        due.extend(
            state
                .history
                .iter()
                .filter(|o| o.kind == SignalKind::CheckIn)
                .filter_map(|o| o.about.session_id.as_deref())
                .filter_map(|s| facts.session_end(s)),
        );
    }
    if listens(|t| matches!(t, Trigger::PollOpened { .. })) {
        due.extend(facts.poll_openings().into_iter().map(|(_, t)| t));
    }
    due.extend(rules.iter().filter_map(|r| match &r.when {
        Trigger::At { time } => Some(time.to_utc()),
        _ => None,
    }));
    due.into_iter().filter(|t| *t > now).min()
}

mod check;
mod defaults;
mod index;
mod restore;

pub use check::check;
pub use defaults::{default_scenarios, event_rules};
pub use index::Rules;
pub use restore::{replay, restore_decided};
