//! Taking in what was decided before without deciding it again: a restarted app, a second
//! device, a backend rebuilding a participant.

use super::*;

/// Rebuilds a participant's state from their accepted signals in order (with the time triggers
/// due between them), up to `now`: what a restarted app or a second device does. Returns the
/// state and every effect in order; a device shows only those it has not shown before.
pub fn replay<'a>(
    rules: &Rules,
    facts: &dyn RuleFacts,
    accepted: impl IntoIterator<Item = (&'a Action, DateTime<Utc>)>,
    now: DateTime<Utc>,
) -> (RuleState, Vec<Effect>) {
    let mut state = RuleState::default();
    let mut effects = Vec::new();
    for (action, at) in accepted {
        effects.extend(tick(rules, facts, &mut state, at));
        effects.extend(react_to_signal(rules, facts, &mut state, action, at));
    }
    effects.extend(tick(rules, facts, &mut state, now));
    (state, effects)
}

/// Takes in a signal as it was decided, without deciding it again: the occurrence, the
/// checkpoint a scan marks, and the recorded `effects` (points totals, rewards, tags, what was
/// revealed, which scenarios fired). A scenario the organizer changed since applies from now
/// on; what it decided before stays as it was.
pub fn restore_decided(
    facts: &dyn RuleFacts,
    state: &mut RuleState,
    action: &Action,
    at: DateTime<Utc>,
    effects: &[Effect],
) {
    if let Some(occurrence) = Occurrence::of(facts, action, at) {
        state.history.push(occurrence);
    }
    match action {
        Action::CheckpointScan { quest_id, checkpoint_id, .. } => {
            state.checkpoints.insert((quest_id.clone(), checkpoint_id.clone()));
            quest_completion(facts, state, quest_id);
        }
        Action::TimePassed { until } => {
            // The backend fired up to `until` or its clock at arrival (`at`), whichever is earlier.
            let to = until.to_utc().min(at);
            state.ticked_to = Some(state.ticked_to.map_or(to, |t| t.max(to)));
        }
        _ => {}
    }
    for effect in effects {
        match effect {
            Effect::Points { quest_id, total, .. } => {
                state.points.insert(quest_id.clone(), *total);
            }
            Effect::CheckpointCompleted { quest_id, checkpoint_id } => {
                state.checkpoints.insert((quest_id.clone(), checkpoint_id.clone()));
                quest_completion(facts, state, quest_id);
            }
            Effect::RewardUnlocked { quest_id, reward_id, .. } => {
                state.rewards.insert((quest_id.clone(), reward_id.clone()));
            }
            Effect::Revealed { kind, id } => {
                state.revealed.insert((kind.clone(), id.clone()));
            }
            Effect::Tagged { tag } => {
                state.tags.insert(tag.clone());
            }
            Effect::ScenarioFired { scenario_id, instance } => {
                state.fired.insert((scenario_id.clone(), instance.clone()), at);
            }
            Effect::VoteCounted { .. }
            | Effect::ContactMade { .. }
            | Effect::Admitted { .. }
            | Effect::PollPut { .. }
            | Effect::RewardRedeemed { .. }
            | Effect::PollControlled { .. }
            | Effect::QuestionModerated { .. }
            | Effect::LeadCaptured { .. }
            | Effect::Announced { .. }
            | Effect::AnswerCounted { .. }
            | Effect::QuizAnswered { .. }
            | Effect::QuestionAsked { .. }
            | Effect::Upvoted { .. }
            | Effect::Message { .. }
            | Effect::Unknown => {}
        }
    }
}
