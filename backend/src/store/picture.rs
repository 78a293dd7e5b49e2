//! The organizer's live picture: counts over every signal the backend decided — check-ins over
//! time, how full the rooms running now are, poll turnout, booth visitors, the quest funnel,
//! the scenarios that fired, rewards — and each goal of the event with how many attendees meet
//! it. Counts only: no one's details leave this module.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Duration, FixedOffset, Offset, Timelike, Utc};
use elements_protocol::event::{Goal, Quest, Room, Session};
use elements_protocol::scenario::SignalKind;
use elements_protocol::signal::Action;
use elements_protocol::staff::{Count, Gate, GoalProgress, LivePicture, QuestFunnel, RoomFill, TimeCount};
use elements_protocol::sync::Entity;
use rusqlite::Transaction;

use super::StoreError;

fn damaged(what: impl Into<String>, e: impl ToString) -> StoreError {
    StoreError::Damaged { what: what.into(), detail: e.to_string() }
}

/// Every stored entity of `kind`.
pub(super) fn entities(tx: &Transaction<'_>, kind: &str) -> Result<Vec<Entity>, StoreError> {
    let mut st = tx.prepare_cached("SELECT id, body FROM entity WHERE kind = ?1")?;
    let rows = st.query_map([kind], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, body) = row?;
        out.push(serde_json::from_str(&body).map_err(|e| damaged(format!("{kind} {id}"), e))?);
    }
    Ok(out)
}

/// The start of the quarter hour `t` falls in.
fn quarter(t: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    let t = t.with_second(0).and_then(|t| t.with_nanosecond(0)).unwrap_or(t);
    t - Duration::minutes(i64::from(t.minute() % 15))
}

/// What a signal counts towards a goal of `kind`: the target that must be distinct, and the
/// one the goal's `among` filters on (a question counts per question, filtered by its poll).
fn goal_target(kind: SignalKind, action: &Action) -> Option<(&str, &str)> {
    match (kind, action) {
        (SignalKind::Vote, Action::Vote { poll_id, .. } | Action::Answer { poll_id, .. }) => Some((poll_id, poll_id)),
        (SignalKind::CheckpointScan, Action::CheckpointScan { checkpoint_id, .. }) => {
            Some((checkpoint_id, checkpoint_id))
        }
        (SignalKind::CheckIn, Action::CheckIn { session_id }) => Some((session_id, session_id)),
        (SignalKind::BoothVisit, Action::BoothVisit { poi_id }) => Some((poi_id, poi_id)),
        (SignalKind::ContactExchange, Action::ContactExchange { profile_id }) => Some((profile_id, profile_id)),
        (SignalKind::ContactExchange, Action::ScanBadge { badge }) => Some((badge, badge)),
        (SignalKind::Question, Action::Ask { poll_id, question_id, .. }) => Some((question_id, poll_id)),
        (SignalKind::Upvote, Action::Upvote { poll_id, question_id }) => Some((question_id, poll_id)),
        _ => None,
    }
}

/// Computes the picture as the database stands (`revision` left 0 for the caller to set).
pub fn compute(tx: &Transaction<'_>, quests: &[Quest], now: DateTime<Utc>) -> Result<LivePicture, StoreError> {
    let manifest = super::stored_manifest(tx)?;
    let offset =
        manifest.as_ref().and_then(|m| m.days.first().map(|d| *d.starts_at.offset())).unwrap_or_else(|| Utc.fix());
    let goals: Vec<Goal> = manifest.map(|m| m.goals).unwrap_or_default();
    let attendees: u32 = tx.query_row("SELECT count(*) FROM participant WHERE role = 'attendee'", [], |r| r.get(0))?;

    // Check-ins: at the doors over time, and per session.
    let mut at_doors: BTreeMap<DateTime<FixedOffset>, u32> = BTreeMap::new();
    let mut per_session: HashMap<String, u32> = HashMap::new();
    for entity in entities(tx, "admission")? {
        let Entity::Admission(a) = entity else { continue };
        match &a.gate {
            Gate::Door(_) => {
                if let Some(first) = a.scans.first() {
                    *at_doors.entry(quarter(first.at.with_timezone(&offset))).or_default() += 1;
                }
            }
            Gate::Session(id) => *per_session.entry(id.clone()).or_default() += 1,
        }
    }
    let checkins = at_doors.into_iter().map(|(at, count)| TimeCount { at, count }).collect();

    // The sessions running now, with their rooms' seats.
    let rooms: HashMap<String, Room> = entities(tx, "room")?
        .into_iter()
        .filter_map(|e| match e {
            Entity::Room(r) => Some((r.id.clone(), r)),
            _ => None,
        })
        .collect();
    // Every session, read once: the ones running now, and each one's kind for the goals.
    let sessions: Vec<Session> = entities(tx, "session")?
        .into_iter()
        .filter_map(|e| match e {
            Entity::Session(s) => Some(s),
            _ => None,
        })
        .collect();
    let session_kinds: HashMap<&str, elements_protocol::event::SessionKind> =
        sessions.iter().map(|s| (s.id.as_str(), s.kind)).collect();
    let mut running: Vec<&Session> = sessions
        .iter()
        .filter(|s| s.starts_at.to_utc() <= now && now < s.ends_at.to_utc() && s.room_id.is_some())
        .collect();
    running.sort_by(|a, b| a.room_id.cmp(&b.room_id).then_with(|| a.id.cmp(&b.id)));
    let rooms_now = running
        .iter()
        .map(|s| RoomFill {
            session_id: s.id.clone(),
            checked_in: per_session.get(&s.id).copied().unwrap_or(0),
            capacity: s.room_id.as_ref().and_then(|r| rooms.get(r)).and_then(|r| r.capacity),
        })
        .collect();

    let mut polls: Vec<Count> = tx
        .prepare_cached("SELECT poll_id, answers FROM poll_answers ORDER BY poll_id")?
        .query_map([], |r| Ok(Count { id: r.get(0)?, count: r.get::<_, i64>(1)?.max(0) as u32 }))?
        .collect::<Result<_, _>>()?;
    polls.retain(|p| p.count > 0);

    // What goals of more shapes need besides: each ticket holder's ticket type.
    let ticket_types: HashMap<String, String> = tx
        .prepare_cached(
            "SELECT p.id, a.ticket_type FROM participant p JOIN attendee a ON a.ticket_code = p.code
              WHERE p.role = 'attendee' AND a.cancelled = 0 AND a.ticket_type IS NOT NULL",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    // One pass over every accepted signal of the attendees.
    let mut voters: HashSet<String> = HashSet::new();
    let mut booths: BTreeMap<String, HashSet<String>> = BTreeMap::new();
    let mut found: HashMap<(String, String), HashSet<String>> = HashMap::new();
    let mut toward: Vec<HashMap<String, HashSet<String>>> = vec![HashMap::new(); goals.len()];
    {
        let mut st = tx.prepare_cached(
            "SELECT s.participant_id, s.action, s.created_at FROM signal s JOIN participant p ON p.id = s.participant_id
              WHERE s.accepted = 1 AND p.role = 'attendee'",
        )?;
        let rows =
            st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?)))?;
        for row in rows {
            let (who, action, created_at) = row?;
            let made = created_at.and_then(|t| DateTime::parse_from_rfc3339(&t).ok());
            // A signal of a newer shape than this backend's is not counted (it was stored as sent).
            let Ok(action) = serde_json::from_str::<Action>(&action) else { continue };
            match &action {
                Action::Vote { .. } | Action::Answer { .. } => {
                    voters.insert(who.clone());
                }
                Action::BoothVisit { poi_id } => {
                    booths.entry(poi_id.clone()).or_default().insert(who.clone());
                }
                Action::CheckpointScan { quest_id, checkpoint_id, .. } => {
                    found.entry((quest_id.clone(), who.clone())).or_default().insert(checkpoint_id.clone());
                }
                _ => {}
            }
            for (goal, tally) in goals.iter().zip(toward.iter_mut()) {
                let m = &goal.measure;
                let Some((target, filter)) = goal_target(m.signal, &action) else { continue };
                let listed = m.among.is_empty() || m.among.iter().any(|a| a == filter);
                let of_kind = m.session_kind.is_none_or(|k| session_kinds.get(target) == Some(&k));
                let of_ticket = m.ticket_type.as_ref().is_none_or(|t| ticket_types.get(&who) == Some(t));
                // A signal without the device's time (made before it was kept) counts nowhere
                // a window asks for one.
                let in_window = m.within.as_ref().is_none_or(|w| made.is_some_and(|t| w.from <= t && t < w.to));
                if listed && of_kind && of_ticket && in_window {
                    tally.entry(who.clone()).or_default().insert(target.to_string());
                }
            }
        }
    }
    let booths = booths.into_iter().map(|(id, who)| Count { id, count: who.len() as u32 }).collect();
    let quests = quests
        .iter()
        .map(|q| {
            let mut at_least = vec![0u32; q.checkpoints.len()];
            for ((quest, _), done) in &found {
                if quest == &q.id {
                    for slot in at_least.iter_mut().take(done.len()) {
                        *slot += 1;
                    }
                }
            }
            QuestFunnel { quest_id: q.id.clone(), found: at_least }
        })
        .collect();
    let goals = goals
        .iter()
        .zip(toward)
        .map(|(g, tally)| GoalProgress {
            goal_id: g.id.clone(),
            met: tally.values().filter(|targets| targets.len() as u32 >= g.measure.at_least.max(1)).count() as u32,
            of: g.measure.ticket_type.as_ref().map(|t| ticket_types.values().filter(|x| *x == t).count() as u32),
        })
        .collect();

    let rules: Vec<Count> = tx
        .prepare_cached(
            "SELECT json_extract(e.value, '$.scenario_id') AS rule, count(*) FROM signal s, json_each(s.outcome, '$.effects') e
              WHERE s.accepted = 1 AND json_extract(e.value, '$.effect') = 'scenario_fired'
              GROUP BY rule ORDER BY count(*) DESC, rule",
        )?
        .query_map([], |r| Ok(Count { id: r.get::<_, Option<String>>(0)?.unwrap_or_default(), count: r.get(1)? }))?
        .collect::<Result<_, _>>()?;
    let (rewards_unlocked, rewards_redeemed): (u32, u32) =
        tx.query_row("SELECT count(*), count(redeemed_at) FROM reward_code", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(LivePicture {
        id: "now".into(),
        revision: 0,
        at: now.with_timezone(&offset),
        attendees,
        checkins,
        rooms: rooms_now,
        polls,
        voters: voters.len() as u32,
        booths,
        quests,
        rules,
        rewards_unlocked,
        rewards_redeemed,
        goals,
    })
}
