//! The rules every event plays by before its own: what its quests imply (a checkpoint's points,
//! a reward at its threshold), written in the scenario format, then the event's scenarios.

use super::*;

/// The rules an event without scenarios plays by, written in the format: each checkpoint gives
/// its points, each reward unlocks when its quest's points reach its threshold.
pub fn default_scenarios(quests: &[Quest]) -> Vec<Scenario> {
    let mut rules = Vec::new();
    // By quest id: the app (event order) and a backend (any order) get the same rules in the
    // same order, so effects come out alike.
    let mut quests: Vec<&Quest> = quests.iter().collect();
    quests.sort_by(|a, b| a.id.cmp(&b.id));
    for quest in quests {
        for checkpoint in &quest.checkpoints {
            rules.push(Scenario {
                id: format!("default:points:{}:{}", quest.id, checkpoint.id),
                name: format!("{}: {} gives {} points", quest.title, checkpoint.name, checkpoint.points),
                when: Trigger::Signal {
                    kind: SignalKind::CheckpointScan,
                    filter: SignalFilter {
                        quest_id: Some(quest.id.clone()),
                        checkpoint_id: Some(checkpoint.id.clone()),
                        ..SignalFilter::default()
                    },
                },
                conditions: Vec::new(),
                then: vec![Consequence::Points { quest_id: quest.id.clone(), points: checkpoint.points }],
                once: true,
                cooldown_seconds: None,
            });
        }
        for reward in &quest.rewards {
            rules.push(Scenario {
                id: format!("default:reward:{}:{}", quest.id, reward.id),
                name: format!("{}: {} at {} points", quest.title, reward.name, reward.points_required),
                when: Trigger::PointsReached { quest_id: quest.id.clone(), points: reward.points_required },
                conditions: Vec::new(),
                then: vec![Consequence::UnlockReward { quest_id: quest.id.clone(), reward_id: reward.id.clone() }],
                once: true,
                cooldown_seconds: None,
            });
        }
    }
    rules
}

/// The rules an event plays by: the defaults its quests imply, then its own scenarios in order
/// of id (the order every device and backend agree on, whatever order they were stored in).
pub fn event_rules(bundle_quests: &[Quest], scenarios: &[Scenario]) -> super::Rules {
    let mut rules = default_scenarios(bundle_quests);
    let mut own: Vec<&Scenario> = scenarios.iter().collect();
    own.sort_by(|a, b| a.id.cmp(&b.id));
    rules.extend(own.into_iter().cloned());
    rules.into()
}
