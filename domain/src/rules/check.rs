//! Import-time checks of an event's scenarios: every problem named with where it is.

use std::collections::{BTreeMap, BTreeSet};

use super::*;

/// Problems with an event's scenarios, each as (where, what): duplicate ids, references to
/// polls, quests, checkpoints, rewards, sessions, tracks or places the event does not have,
/// rewards that unlock each other in a cycle, and rewards nothing can unlock.
pub fn check(bundle: &elements_protocol::event::EventBundle) -> Vec<(String, String)> {
    let rules = &bundle.scenarios;
    let mut problems = Vec::new();
    let mut ids = BTreeSet::new();
    let polls: BTreeSet<&str> = bundle.polls.iter().map(|p| p.id.as_str()).collect();
    let quests: BTreeMap<&str, &Quest> = bundle.quests.iter().map(|q| (q.id.as_str(), q)).collect();
    let sessions: BTreeSet<&str> = bundle.sessions.iter().map(|s| s.id.as_str()).collect();
    let tracks: BTreeSet<&str> = bundle.tracks.iter().map(|t| t.id.as_str()).collect();
    let pois: BTreeSet<&str> = bundle.points_of_interest.iter().map(|p| p.id.as_str()).collect();
    let rewards: BTreeMap<&str, &str> =
        bundle.quests.iter().flat_map(|q| q.rewards.iter().map(move |r| (r.id.as_str(), q.id.as_str()))).collect();
    for (i, rule) in rules.iter().enumerate() {
        let at = format!("scenarios[{i}] ({})", rule.id);
        let mut say = |what: String| problems.push((at.clone(), what));
        if rule.id.trim().is_empty() {
            say("has no id".into());
        } else if !ids.insert(rule.id.as_str()) {
            say("repeats an id used by an earlier scenario".into());
        }
        if rule.then.is_empty() {
            say("does nothing: `then` is empty".into());
        }
        let mut filters: Vec<&SignalFilter> = Vec::new();
        let mut quest_refs: Vec<&str> = Vec::new();
        let mut reward_refs: Vec<&str> = Vec::new();
        match &rule.when {
            Trigger::Signal { filter, .. } => filters.push(filter),
            Trigger::RewardUnlocked { reward_id } => reward_refs.extend(reward_id.as_deref()),
            Trigger::QuestCompleted { quest_id } => quest_refs.extend(quest_id.as_deref()),
            Trigger::PointsReached { quest_id, points } => {
                quest_refs.push(quest_id);
                if *points == 0 {
                    say("`points_reached` at 0 never happens: points start at 0".into());
                }
            }
            Trigger::SessionEnded { track_id, session_id } => {
                if let Some(s) = session_id.as_deref().filter(|s| !sessions.contains(s)) {
                    say(format!("names session \"{s}\", which the event does not have"));
                }
                if let Some(t) = track_id.as_deref().filter(|t| !tracks.contains(t)) {
                    say(format!("names track \"{t}\", which the event does not have"));
                }
            }
            Trigger::PollOpened { poll_id } => {
                if let Some(p) = poll_id.as_deref().filter(|p| !polls.contains(p)) {
                    say(format!("names poll \"{p}\", which the event does not have"));
                }
            }
            Trigger::At { .. } => {}
        }
        for c in &rule.conditions {
            match c {
                Condition::Count { filter, at_least, .. } => {
                    filters.push(filter);
                    if *at_least == 0 {
                        say("counts `at_least: 0`, which always holds; leave the condition out".into());
                    }
                }
                Condition::HasReward { reward_id } | Condition::LacksReward { reward_id } => {
                    reward_refs.push(reward_id)
                }
                Condition::PointsAtLeast { quest_id, .. } => quest_refs.push(quest_id),
                Condition::HasTag { .. } | Condition::LacksTag { .. } => {}
            }
        }
        for c in &rule.then {
            match c {
                Consequence::Points { quest_id, .. } => quest_refs.push(quest_id),
                Consequence::CompleteCheckpoint { quest_id, checkpoint_id } => {
                    quest_refs.push(quest_id);
                    let known = quests
                        .get(quest_id.as_str())
                        .is_none_or(|q| q.checkpoints.iter().any(|c| &c.id == checkpoint_id));
                    if !known {
                        say(format!(
                            "completes checkpoint \"{checkpoint_id}\", which quest \"{quest_id}\" does not have"
                        ));
                    }
                }
                Consequence::UnlockReward { quest_id, reward_id } => {
                    quest_refs.push(quest_id);
                    if rewards.get(reward_id.as_str()).is_some_and(|q| q != quest_id) {
                        say(format!("unlocks reward \"{reward_id}\" under quest \"{quest_id}\", but it belongs to another quest"));
                    }
                    reward_refs.push(reward_id);
                }
                Consequence::Message { id, text, .. } => {
                    if id.trim().is_empty() || text.values().all(|t| t.trim().is_empty()) {
                        say("has a message without an id or text".into());
                    }
                }
                Consequence::Reveal { kind, id } => {
                    let known = match kind.as_str() {
                        "quest" => quests.contains_key(id.as_str()),
                        "session" => sessions.contains(id.as_str()),
                        "point_of_interest" => pois.contains(id.as_str()),
                        other => {
                            say(format!("reveals a \"{other}\"; it can reveal a quest, session or point_of_interest"));
                            true
                        }
                    };
                    if !known {
                        say(format!("reveals {kind} \"{id}\", which the event does not have"));
                    }
                }
                Consequence::Tag { tag } => {
                    if tag.trim().is_empty() {
                        say("adds an empty tag".into());
                    }
                }
            }
        }
        for f in filters {
            if let Some(p) = f.poll_id.as_deref().filter(|p| !polls.contains(p)) {
                say(format!("names poll \"{p}\", which the event does not have"));
            }
            if let Some(q) = f.quest_id.as_deref() {
                quest_refs.push(q);
            }
            if let (Some(q), Some(c)) = (f.quest_id.as_deref(), f.checkpoint_id.as_deref()) {
                if quests.get(q).is_some_and(|quest| !quest.checkpoints.iter().any(|x| x.id == c)) {
                    say(format!("names checkpoint \"{c}\", which quest \"{q}\" does not have"));
                }
            }
            if let Some(s) = f.session_id.as_deref().filter(|s| !sessions.contains(s)) {
                say(format!("names session \"{s}\", which the event does not have"));
            }
            if let Some(t) = f.track_id.as_deref().filter(|t| !tracks.contains(t)) {
                say(format!("names track \"{t}\", which the event does not have"));
            }
            if let Some(p) = f.poi_id.as_deref().filter(|p| !pois.contains(p)) {
                say(format!("names place \"{p}\", which the event does not have"));
            }
        }
        for q in quest_refs.into_iter().filter(|q| !quests.contains_key(q)) {
            say(format!("names quest \"{q}\", which the event does not have"));
        }
        for r in reward_refs.into_iter().filter(|r| !rewards.contains_key(r)) {
            say(format!("names reward \"{r}\", which no quest of the event has"));
        }
    }
    problems.extend(unlock_cycles(rules));
    problems.extend(unreachable_rewards(bundle));
    problems
}

/// Rewards no rule unlocks and whose threshold is above every point the quest can give (its
/// checkpoints plus the scenarios' once-only points; a repeatable points rule can reach any).
fn unreachable_rewards(bundle: &elements_protocol::event::EventBundle) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    for quest in &bundle.quests {
        let mut reachable: u64 = quest.checkpoints.iter().map(|c| u64::from(c.points)).sum();
        let mut unbounded = false;
        for rule in &bundle.scenarios {
            for c in &rule.then {
                if let Consequence::Points { quest_id, points } = c {
                    if *quest_id == quest.id {
                        if rule.once {
                            reachable += u64::from(*points);
                        } else {
                            unbounded = true;
                        }
                    }
                }
            }
        }
        for reward in &quest.rewards {
            let unlocked_by_rule = bundle.scenarios.iter().any(|r| {
                r.then
                    .iter()
                    .any(|c| matches!(c, Consequence::UnlockReward { reward_id, .. } if *reward_id == reward.id))
            });
            if !unlocked_by_rule && !unbounded && u64::from(reward.points_required) > reachable {
                problems.push((
                    format!("quests ({}) reward \"{}\"", quest.id, reward.id),
                    format!(
                        "needs {} points but the quest gives at most {reachable}, and no scenario unlocks it",
                        reward.points_required
                    ),
                ));
            }
        }
    }
    problems
}

/// Rewards whose unlocking leads, through rules triggered by rewards, back to themselves: the
/// evaluator would stop at its bound, but an organizer wrote a loop by mistake.
fn unlock_cycles(rules: &[Scenario]) -> Vec<(String, String)> {
    // reward → rewards its unlocking unlocks (through `reward_unlocked` triggers).
    let mut next: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for rule in rules {
        let Trigger::RewardUnlocked { reward_id: Some(from) } = &rule.when else { continue };
        for c in &rule.then {
            if let Consequence::UnlockReward { reward_id, .. } = c {
                next.entry(from.clone()).or_default().insert(reward_id.clone());
            }
        }
    }
    let mut problems = Vec::new();
    for start in next.keys() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<String> = next[start].iter().cloned().collect();
        while let Some(r) = stack.pop() {
            if &r == start {
                problems.push((
                    format!("scenarios (reward \"{start}\")"),
                    "unlocking it leads back to unlocking it: a cycle of `reward_unlocked` rules".to_string(),
                ));
                break;
            }
            if seen.insert(r.clone()) {
                stack.extend(next.get(&r).into_iter().flatten().cloned());
            }
        }
    }
    problems
}
