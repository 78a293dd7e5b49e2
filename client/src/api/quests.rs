//! The quests Element: quests with this person's progress, rewards and leaderboards; scanning a
//! checkpoint's code (checked on the device at once, offline too); and the cards the event's
//! scenarios leave for the person, which stay until put away.

use std::collections::HashSet;

use elements_protocol::app::{
    CardArgs, CheckpointArgs, CheckpointHow, CheckpointView, LeaderboardRow, PlaceRef, QuestView, QuestsView,
    RewardView, ScenarioCard,
};
use elements_protocol::link::Link;
use elements_protocol::scenario::Consequence;
use elements_protocol::signal::{Effect, Reason};

use super::*;

/// The quests this person can see, their progress and the scenario cards not put away.
pub(super) fn quests(api: &AppApi) -> Result<QuestsView, ApiError> {
    let store = api.store()?;
    let event = store.loaded_event()?.ok_or_else(no_event)?;
    let facts = signals::CacheFacts::new(&store);
    let state = signals::participant_state(&store, &facts, &event.manifest.id)?;
    let rules = facts.rules().into_owned();
    facts.checked(())?;
    let outbox = store.outbox(&event.manifest.id)?;
    let leaderboards: HashMap<String, _> = store.leaderboards()?.into_iter().map(|l| (l.id.clone(), l)).collect();
    // Reward codes come with the backend's decisions.
    let mut codes: HashMap<(String, String), String> = HashMap::new();
    for entry in outbox.iter().filter(|e| e.decision == Decision::Accepted) {
        for effect in entry.effects.iter().flatten() {
            if let Effect::RewardUnlocked { quest_id, reward_id, code: Some(code), .. } = effect {
                codes.insert((quest_id.clone(), reward_id.clone()), code.clone());
            }
        }
    }
    // Checkpoints a scenario completes (meet three people, vote in a poll) are done that way;
    // the scenario's name says how.
    let by_rule = |quest_id: &str, checkpoint_id: &str| {
        rules.iter().find_map(|r| {
            r.then
                .iter()
                .any(|c| {
                    matches!(c, Consequence::CompleteCheckpoint { quest_id: q, checkpoint_id: c }
                        if q == quest_id && c == checkpoint_id)
                })
                .then(|| r.name.clone())
        })
    };
    let mut quests = Vec::new();
    for quest in store.quests()? {
        let revealed = state.rules.revealed.contains(&("quest".to_string(), quest.id.clone()));
        if quest.hidden && !revealed {
            continue;
        }
        let done = |c: &str| state.rules.checkpoints.contains(&(quest.id.clone(), c.to_string()));
        let mut earlier_done = true;
        let checkpoints = quest
            .checkpoints
            .iter()
            .map(|c| {
                let available = !quest.ordered || earlier_done;
                earlier_done &= done(&c.id);
                let place = c.poi_id.as_ref().and_then(|id| {
                    store.point_of_interest(id).ok().flatten().map(|p| PlaceRef { id: p.id, name: p.name })
                });
                CheckpointView {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    hint: c.hint.clone(),
                    points: c.points,
                    done: done(&c.id),
                    available,
                    place,
                    how: match by_rule(&quest.id, &c.id) {
                        Some(name) => CheckpointHow::Scenario { name },
                        None => CheckpointHow::Scan,
                    },
                }
            })
            .collect();
        let rewards = quest
            .rewards
            .iter()
            .map(|r| RewardView {
                id: r.id.clone(),
                name: r.name.clone(),
                points_required: r.points_required,
                unlocked: state.rules.rewards.contains(&(quest.id.clone(), r.id.clone())),
                code: codes.get(&(quest.id.clone(), r.id.clone())).cloned(),
            })
            .collect();
        let leaderboard = leaderboards
            .get(&quest.id)
            .map(|l| {
                l.entries
                    .iter()
                    .enumerate()
                    .map(|(i, e)| LeaderboardRow {
                        rank: i as u32 + 1,
                        display_name: e.display_name.clone(),
                        points: e.points,
                    })
                    .collect()
            })
            .unwrap_or_default();
        quests.push(QuestView {
            points: state.rules.points.get(&quest.id).copied().unwrap_or(0),
            checkpoint_points: quest.checkpoints.iter().map(|c| c.points).sum(),
            completed: state.rules.completed_quests.contains(&quest.id),
            revealed: quest.hidden && revealed,
            ordered: quest.ordered,
            opens: quest.opens_at.map(|t| t.format("%Y-%m-%dT%H:%M").to_string()),
            closes: quest.closes_at.map(|t| t.format("%Y-%m-%dT%H:%M").to_string()),
            checkpoints,
            rewards,
            leaderboard,
            id: quest.id,
            title: quest.title,
            description: quest.description,
        });
    }
    let dismissed = store.dismissed_cards(&event.manifest.id)?;
    let credential = signals::credential_for(&store, &event, ElementKind::Quests)?;
    let (can_scan, offline_reason) = signals::can_act(api, &event, credential.as_ref());
    let waiting = outbox
        .iter()
        .filter(|e| e.decision == Decision::Pending && e.signal.action.element() == ElementKind::Quests)
        .count() as u32;
    Ok(QuestsView { quests, cards: cards(&outbox, &dismissed), offline_reason, can_scan, waiting })
}

/// The messages the scenarios gave this person, newest first, without those put away. A card's
/// id is its signal's and its message's: the same after a restart, and the same whether the
/// device or the backend decided it.
fn cards(outbox: &[crate::cache::OutboxEntry], dismissed: &HashSet<String>) -> Vec<ScenarioCard> {
    let mut cards = Vec::new();
    for entry in outbox.iter().filter(|e| e.decision != Decision::Rejected) {
        for effect in entry.effects.iter().flatten() {
            if let Effect::Message { id, text, link } = effect {
                let card_id = format!("{}/{id}", entry.signal.id);
                if !dismissed.contains(&card_id) && !cards.iter().any(|c: &ScenarioCard| c.id == card_id) {
                    cards.push(ScenarioCard {
                        id: card_id,
                        text: text.clone(),
                        link: link.clone(),
                        at: entry.signal.created_at.format("%Y-%m-%dT%H:%M").to_string(),
                    });
                }
            }
        }
    }
    cards.reverse();
    cards
}

/// Reads a checkpoint's code (its QR link, scanned or typed) and acts on it: the signature, the
/// quest's order and time are checked here, at once, offline too.
pub(super) fn scan_checkpoint(api: &AppApi, args: CheckpointArgs) -> Result<QuestsView, ApiError> {
    let link = Link::parse(&args.code).map_err(|e| {
        ApiError::new(ErrorCode::InvalidArgument, format!("{e}. A checkpoint's code starts with elements://checkpoint"))
    })?;
    let Link::Checkpoint { event, quest, checkpoint, sig } = link else {
        return Err(ApiError::new(
            ErrorCode::InvalidArgument,
            "this is an Elements code, but not a checkpoint's: scan the code that hangs at the checkpoint",
        ));
    };
    let here = manifest(&*api.store()?)?.id;
    if event != here {
        return Err(ApiError::refused(
            Reason::BadSignature,
            format!("this checkpoint belongs to another event (\"{event}\"), not to this one"),
        ));
    }
    signals::act(api, Action::CheckpointScan { quest_id: quest, checkpoint_id: checkpoint, proof: Some(sig) })?;
    quests(api)
}

pub(super) fn dismiss_card(api: &AppApi, args: CardArgs) -> Result<QuestsView, ApiError> {
    {
        let store = api.store()?;
        let event = store.loaded_event()?.ok_or_else(no_event)?;
        if args.id.is_empty() || args.id.chars().count() > 500 {
            return Err(ApiError::new(ErrorCode::InvalidArgument, "a card id is 1 to 500 characters"));
        }
        store.dismiss_card(&event.manifest.id, &args.id)?;
    }
    api.sync_config.changes.tell(Changed::Element(ElementKind::Quests));
    quests(api)
}
