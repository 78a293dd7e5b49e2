//! Signal intake: each pushed signal is decided by the event's scenario rules
//! (`elements_domain::scenario`, the same code the app runs), stored with its outcome so a
//! resend is answered `duplicate`, and folded into the live state (tallies, leaderboards).

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Utc};
use elements_domain::scenario::{self, Decided, EventFacts, ParticipantState};
use elements_protocol::event::{Poll, Quest};
use elements_protocol::live::{Announcement, Leaderboard, LeaderboardEntry, OptionCount, PollResult, LEADERBOARD_SIZE};
use elements_protocol::signal::{Action, Effect, Outcome, Signal, SignalResult};
use elements_protocol::sync::{Entity, EntityKind};
use rusqlite::{params, Connection, OptionalExtension};

use super::{encode, log_upsert, next_revision, Caller, StoreError};

/// The event's facts the rules need, held in memory between imports.
#[derive(Debug, Default)]
pub struct Facts {
    /// The event's id and the public key its checkpoint codes are signed with, if any.
    qr_key: Option<(String, String)>,
    polls: HashMap<String, Poll>,
    quests: HashMap<String, Quest>,
    ids: HashSet<(EntityKind, String)>,
    /// The scenarios the event plays by, worked out once per load (not per signal).
    rules: Vec<elements_protocol::scenario::Scenario>,
    /// What rules filter on: a session's track, a place's kind.
    session_tracks: HashMap<String, String>,
    poi_kinds: HashMap<String, String>,
    /// When sessions end, for `session_ended` triggers.
    session_ends: HashMap<String, DateTime<Utc>>,
}

impl Facts {
    pub fn load(conn: &Connection) -> Result<Facts, StoreError> {
        let mut facts = Facts::default();
        let mut scenarios = Vec::new();
        if let Some(m) = super::stored_manifest(conn)? {
            facts.qr_key = m.qr_public_key.map(|key| (m.id, key));
        }
        let mut st = conn.prepare(
            "SELECT kind, id, body FROM entity WHERE kind IN ('poll', 'quest', 'session', 'point_of_interest', 'profile', 'scenario')",
        )?;
        let rows =
            st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
        for row in rows {
            let (kind, id, body) = row?;
            let damaged =
                |e: serde_json::Error| StoreError::Damaged { what: format!("{kind} {id}"), detail: e.to_string() };
            match kind.as_str() {
                "poll" => {
                    if let Entity::Poll(p) = serde_json::from_str(&body).map_err(damaged)? {
                        facts.polls.insert(id, p);
                    }
                }
                "quest" => {
                    if let Entity::Quest(q) = serde_json::from_str(&body).map_err(damaged)? {
                        facts.quests.insert(id, q);
                    }
                }
                "scenario" => {
                    if let Entity::Scenario(rule) = serde_json::from_str(&body).map_err(damaged)? {
                        scenarios.push(rule);
                    }
                }
                "session" => {
                    if let Entity::Session(session) = serde_json::from_str(&body).map_err(damaged)? {
                        facts.session_ends.insert(id.clone(), session.ends_at.to_utc());
                        if let Some(track) = session.track_id {
                            facts.session_tracks.insert(id.clone(), track);
                        }
                    }
                    facts.ids.insert((EntityKind::Session, id));
                }
                "point_of_interest" => {
                    if let Entity::PointOfInterest(poi) = serde_json::from_str(&body).map_err(damaged)? {
                        if let Some(kind) = elements_domain::scenario::poi_kind_name(&poi.kind) {
                            facts.poi_kinds.insert(id.clone(), kind);
                        }
                    }
                    facts.ids.insert((EntityKind::PointOfInterest, id));
                }
                other => {
                    let kind = super::kind_from(other)?;
                    facts.ids.insert((kind, id));
                }
            }
        }
        let quests: Vec<Quest> = facts.quests.values().cloned().collect();
        // By id, as every device orders them: the rules run in the same order everywhere.
        scenarios.sort_by(|a, b| a.id.cmp(&b.id));
        facts.rules = elements_domain::rules::event_rules(&quests, &scenarios);
        Ok(facts)
    }
}

impl EventFacts for Facts {
    fn poll(&self, id: &str) -> Option<Poll> {
        self.polls.get(id).cloned()
    }
    fn quest(&self, id: &str) -> Option<Quest> {
        self.quests.get(id).cloned()
    }
    fn exists(&self, kind: EntityKind, id: &str) -> bool {
        self.ids.contains(&(kind, id.to_string()))
    }
    fn qr_key(&self) -> Option<(String, String)> {
        self.qr_key.clone()
    }
    fn rules(&self) -> std::borrow::Cow<'_, [elements_protocol::scenario::Scenario]> {
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

/// What a push decided, and the live state it changed (for the live stream).
#[derive(Debug, Clone, Default)]
pub struct PushReport {
    pub results: Vec<SignalResult>,
    pub live: Vec<Entity>,
}

fn damaged(what: &str, e: serde_json::Error) -> StoreError {
    StoreError::Damaged { what: what.into(), detail: e.to_string() }
}

/// One request's signals, waiting for the connection.
pub struct Job {
    pub caller: Caller,
    pub signals: Vec<Signal>,
    pub now: DateTime<Utc>,
    pub reply: tokio::sync::oneshot::Sender<Result<PushReport, String>>,
}

/// The intake thread: takes the next job, plus every job queued meanwhile, and decides them in
/// one transaction. Requests never wait on each other's locks, only on this queue.
pub fn run(
    conn: &std::sync::Mutex<Connection>,
    facts: &std::sync::RwLock<std::sync::Arc<Facts>>,
    jobs: &std::sync::mpsc::Receiver<Job>,
) {
    const MOST_PER_TRANSACTION: usize = 512;
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MOST_PER_TRANSACTION {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let facts = facts.read().unwrap_or_else(|p| p.into_inner()).clone();
        // A panic mid-batch rolled its transaction back; the connection is fine to reuse.
        let mut conn = conn.lock().unwrap_or_else(|p| p.into_inner());
        push_batch(&mut conn, &facts, batch);
    }
}

/// Decides every queued job in one transaction (group commit): under many concurrent clients
/// the commit, the tally rebuild and the change-log writes are paid once per batch, not once per
/// request. Each job gets its own results; the live state changed goes to the first job's report
/// (it is broadcast once).
pub fn push_batch(conn: &mut Connection, facts: &Facts, jobs: Vec<Job>) {
    match push_all(conn, facts, &jobs) {
        Ok(reports) => {
            for (job, report) in jobs.into_iter().zip(reports) {
                let _ = job.reply.send(Ok(report));
            }
        }
        Err(e) => {
            for job in jobs {
                let _ = job.reply.send(Err(e.to_string()));
            }
        }
    }
}

fn push_all(conn: &mut Connection, facts: &Facts, jobs: &[Job]) -> Result<Vec<PushReport>, StoreError> {
    let tx = conn.transaction()?;
    let mut states: HashMap<String, ParticipantState> = HashMap::new();
    let mut polls = BTreeSet::new();
    let mut quests = BTreeSet::new();
    let mut reports = Vec::with_capacity(jobs.len());
    for job in jobs {
        let caller = &job.caller;
        if !states.contains_key(&caller.participant_id) {
            let mut st = tx.prepare_cached(
                "SELECT action, received_at, outcome FROM signal
                  WHERE participant_id = ?1 AND accepted = 1 ORDER BY rowid",
            )?;
            let rows = st.query_map([&caller.participant_id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?))
            })?;
            let mut history: Vec<(Action, DateTime<Utc>, Vec<Effect>)> = Vec::new();
            for row in rows {
                let (action, at, outcome) = row?;
                let action = serde_json::from_str(&action).map_err(|e| damaged("stored signal", e))?;
                let effects = match serde_json::from_str(&outcome).map_err(|e| damaged("stored outcome", e))? {
                    Outcome::Accepted { effects } => effects,
                    _ => Vec::new(),
                };
                history.push((action, DateTime::from_timestamp(at, 0).unwrap_or_default(), effects));
            }
            // What was decided stays decided: the stored effects, not today's rules.
            let mut state = ParticipantState::restore(
                facts,
                history.iter().map(|(action, at, effects)| Decided { action, at: *at, effects: Some(effects) }),
            );
            state.ticketed = Some(caller.ticketed);
            states.insert(caller.participant_id.clone(), state);
        }
        let state = states.get_mut(&caller.participant_id).ok_or_else(|| damaged_state(&caller.participant_id))?;
        let mut results = Vec::with_capacity(job.signals.len());
        for signal in &job.signals {
            let outcome = decide_one(&tx, facts, state, caller, signal, job.now, &mut polls, &mut quests)?;
            results.push(SignalResult { id: signal.id.clone(), outcome });
        }
        reports.push(PushReport { results, live: Vec::new() });
    }
    let mut live = Vec::new();
    for poll_id in polls {
        let Some(poll) = facts.polls.get(&poll_id) else { continue };
        let counted: HashMap<String, u64> = tx
            .prepare_cached("SELECT option_id, votes FROM tally WHERE poll_id = ?1")?
            .query_map([&poll_id], |r| Ok((r.get(0)?, r.get::<_, i64>(1)?.max(0) as u64)))?
            .collect::<Result<_, _>>()?;
        let counts: Vec<OptionCount> = poll
            .options
            .iter()
            .map(|o| OptionCount { option_id: o.id.clone(), votes: counted.get(&o.id).copied().unwrap_or(0) })
            .collect();
        let total = counts.iter().map(|c| c.votes).sum();
        let entity = Entity::PollResult(PollResult { id: poll_id, counts, total, revision: next_revision(&tx)? });
        log_upsert(&tx, &entity)?;
        live.push(entity);
    }
    for quest_id in quests {
        let entries: Vec<LeaderboardEntry> = tx
            .prepare_cached(
                "SELECT CASE WHEN p.show_name THEN p.display_name END, s.points
                   FROM score s JOIN participant p ON p.id = s.participant_id
                  WHERE s.quest_id = ?1 ORDER BY s.points DESC, p.id LIMIT ?2",
            )?
            .query_map(params![quest_id, LEADERBOARD_SIZE as i64], |r| {
                Ok(LeaderboardEntry { display_name: r.get(0)?, points: r.get::<_, i64>(1)?.max(0) as u64 })
            })?
            .collect::<Result<_, _>>()?;
        let entity = Entity::Leaderboard(Leaderboard { id: quest_id, entries, revision: next_revision(&tx)? });
        log_upsert(&tx, &entity)?;
        live.push(entity);
    }
    tx.commit()?;
    if let Some(first) = reports.first_mut() {
        first.live = live;
    }
    Ok(reports)
}

fn damaged_state(participant: &str) -> StoreError {
    StoreError::Damaged { what: "participant state".into(), detail: participant.into() }
}

/// Decides one signal and stores it with its outcome; notes the polls and quests it touched.
#[allow(clippy::too_many_arguments)]
fn decide_one(
    tx: &rusqlite::Transaction<'_>,
    facts: &Facts,
    state: &mut ParticipantState,
    caller: &Caller,
    signal: &Signal,
    now: DateTime<Utc>,
    polls: &mut BTreeSet<String>,
    quests: &mut BTreeSet<String>,
) -> Result<Outcome, StoreError> {
    // Idempotency is per participant: the same id from someone else is their own signal, so no
    // one can block another's signals by guessing its id.
    let seen: Option<String> = tx
        .prepare_cached("SELECT outcome FROM signal WHERE participant_id = ?1 AND id = ?2")?
        .query_row(params![caller.participant_id, signal.id], |r| r.get(0))
        .optional()?;
    if let Some(first) = seen {
        let first = serde_json::from_str(&first).map_err(|e| damaged("stored outcome", e))?;
        return Ok(Outcome::Duplicate { first: Box::new(first) });
    }
    if let Err((reason, message)) = scenario::check_envelope(signal) {
        // Not stored: an envelope this bad has no trustworthy id to remember it by.
        return Ok(Outcome::Rejected { reason, message });
    }
    let mut outcome = scenario::decide(facts, state, &signal.action, now);
    if let Outcome::Accepted { effects } = &mut outcome {
        give_reward_codes(tx, &caller.participant_id, effects, now)?;
    }
    let accepted = matches!(outcome, Outcome::Accepted { .. });
    tx.prepare_cached(
        "INSERT INTO signal (id, participant_id, client_id, seq, action, outcome, accepted, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        signal.id,
        caller.participant_id,
        signal.client_id,
        i64::try_from(signal.seq).unwrap_or(i64::MAX),
        encode(&signal.action)?,
        encode(&outcome)?,
        accepted,
        now.timestamp()
    ])?;
    if let Outcome::Accepted { effects } = &outcome {
        // Several rules may add points to one quest for one signal: only the last total counts,
        // written once.
        let mut totals: Vec<(&str, u32)> = Vec::new();
        for effect in effects {
            match effect {
                Effect::VoteCounted { poll_id, option_id } => {
                    tx.prepare_cached(
                        "INSERT INTO tally (poll_id, option_id, votes) VALUES (?1, ?2, 1)
                         ON CONFLICT (poll_id, option_id) DO UPDATE SET votes = votes + 1",
                    )?
                    .execute(params![poll_id, option_id])?;
                    polls.insert(poll_id.clone());
                }
                Effect::Points { quest_id, total, .. } => match totals.iter_mut().find(|(q, _)| q == quest_id) {
                    Some(entry) => entry.1 = *total,
                    None => totals.push((quest_id, *total)),
                },
                // Recorded with the outcome; nothing else to count yet.
                Effect::RewardUnlocked { .. }
                | Effect::CheckpointCompleted { .. }
                | Effect::Message { .. }
                | Effect::Revealed { .. }
                | Effect::Tagged { .. }
                | Effect::ScenarioFired { .. }
                | Effect::Unknown => {}
            }
        }
        for (quest_id, total) in totals {
            tx.prepare_cached("INSERT OR REPLACE INTO score (quest_id, participant_id, points) VALUES (?1, ?2, ?3)")?
                .execute(params![quest_id, caller.participant_id, total])?;
            quests.insert(quest_id.to_string());
        }
    }
    Ok(outcome)
}

/// Crockford's base 32: no I, L, O or U, so a code read aloud or off a small screen is not
/// misread. 32 letters: a random byte maps to one without bias.
const CODE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Gives each reward unlocked here its desk code: 8 random characters ("K7Q2-MX4P"), stored so
/// staff can check it once (valid, already used, made up). A reward has one code per participant.
fn give_reward_codes(
    tx: &rusqlite::Transaction<'_>,
    participant: &str,
    effects: &mut [Effect],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for effect in effects {
        let Effect::RewardUnlocked { quest_id, reward_id, code, .. } = effect else { continue };
        let (quest_id, reward_id) = (quest_id.as_str(), reward_id.as_str());
        let existing: Option<String> = tx
            .prepare_cached(
                "SELECT code FROM reward_code WHERE participant_id = ?1 AND quest_id = ?2 AND reward_id = ?3",
            )?
            .query_row(params![participant, quest_id, reward_id], |r| r.get(0))
            .optional()?;
        if let Some(existing) = existing {
            *code = Some(existing);
            continue;
        }
        // 40 random bits: a clash is rare, and a few tries are plenty.
        let mut made = None;
        for _ in 0..8 {
            let mut bytes = [0u8; 8];
            getrandom::fill(&mut bytes)
                .map_err(|e| StoreError::Damaged { what: "random source".into(), detail: e.to_string() })?;
            let chars: String = bytes.iter().map(|b| CODE_ALPHABET[usize::from(b % 32)] as char).collect();
            let candidate = format!("{}-{}", &chars[..4], &chars[4..]);
            let taken = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO reward_code (code, participant_id, quest_id, reward_id, unlocked_at)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![candidate, participant, quest_id, reward_id, now.timestamp()])?;
            if taken == 1 {
                made = Some(candidate);
                break;
            }
        }
        *code = Some(made.ok_or_else(|| StoreError::Damaged {
            what: "reward codes".into(),
            detail: "eight random codes in a row were taken already".into(),
        })?);
    }
    Ok(())
}

pub fn announce(conn: &mut Connection, text: &str, now: DateTime<Utc>) -> Result<Announcement, StoreError> {
    let tx = conn.transaction()?;
    let revision = next_revision(&tx)?;
    let announcement =
        Announcement { id: format!("a-{revision}"), text: text.to_string(), posted_at: now.fixed_offset(), revision };
    log_upsert(&tx, &Entity::Announcement(announcement.clone()))?;
    tx.commit()?;
    Ok(announcement)
}
