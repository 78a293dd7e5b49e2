//! Signal intake: each pushed signal is decided by the event's scenario rules
//! (`elements_domain::scenario`, the same code the app runs), stored with its outcome so a
//! resend is answered `duplicate`, and folded into the live state (tallies, leaderboards).

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use elements_domain::scenario::{self, Decided, EventFacts, ParticipantState};
use elements_protocol::event::{ElementKind, Poll, Quest};
use elements_protocol::live::{Announcement, Leaderboard, LeaderboardEntry, LEADERBOARD_SIZE};
use elements_protocol::signal::{Action, Effect, Outcome, Signal, SignalResult};
use elements_protocol::sync::{Entity, EntityKind};
use rusqlite::{params, Connection, OptionalExtension};

use super::facts::Facts;
use super::results::{poll_result, question_entity};
use super::{encode, log_upsert, next_revision, Caller, StoreError};

/// What a push decided, and the live state it changed (for the live stream).
#[derive(Debug, Clone, Default)]
pub struct PushReport {
    pub results: Vec<SignalResult>,
    pub live: Vec<Entity>,
    /// Live state for some participants only (an announcement to one room): with whom.
    pub targeted: Vec<(Entity, Vec<String>)>,
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
    queued: &std::sync::atomic::AtomicUsize,
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
        queued.fetch_sub(batch.len(), std::sync::atomic::Ordering::Relaxed);
        let current = facts.read().unwrap_or_else(|p| p.into_inner()).clone();
        // A panic mid-batch rolled its transaction back; the connection is fine to reuse.
        let mut conn = conn.lock().unwrap_or_else(|p| p.into_inner());
        if push_batch(&mut conn, &current, batch) {
            match super::facts::load(&conn) {
                Ok(fresh) => *facts.write().unwrap_or_else(|p| p.into_inner()) = std::sync::Arc::new(fresh),
                Err(e) => tracing::error!(error = %e, "the event's facts could not be read again"),
            }
        }
    }
}

/// Decides every queued job in one transaction (group commit): under many concurrent clients
/// the commit, the tally rebuild and the change-log writes are paid once per batch, not once per
/// request. Each job gets its own results; the live state changed goes to the first job's report
/// (it is broadcast once).
/// Answers whether the event's facts changed (staff moved a poll's window): the caller loads
/// them again before the next batch is decided.
pub fn push_batch(conn: &mut Connection, facts: &Facts, jobs: Vec<Job>) -> bool {
    match push_all(conn, facts, &jobs) {
        Ok((reports, facts_changed)) => {
            for (job, report) in jobs.into_iter().zip(reports) {
                let _ = job.reply.send(Ok(report));
            }
            facts_changed
        }
        Err(e) => {
            for job in jobs {
                let _ = job.reply.send(Err(e.to_string()));
            }
            false
        }
    }
}

fn push_all(conn: &mut Connection, facts: &Facts, jobs: &[Job]) -> Result<(Vec<PushReport>, bool), StoreError> {
    let tx = conn.transaction()?;
    let mut states: HashMap<String, ParticipantState> = HashMap::new();
    let mut polls = BTreeSet::new();
    let mut quests = BTreeSet::new();
    let mut questions: Vec<Entity> = Vec::new();
    let mut facts_changed = false;
    let mut targeted: Vec<(Entity, Vec<String>)> = Vec::new();
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
            let touched = Touched {
                polls: &mut polls,
                quests: &mut quests,
                questions: &mut questions,
                targeted: &mut targeted,
                facts_changed: &mut facts_changed,
            };
            let outcome = decide_one(&tx, facts, state, caller, signal, job.now, touched)?;
            results.push(SignalResult { id: signal.id.clone(), outcome });
        }
        reports.push(PushReport { results, live: Vec::new(), targeted: Vec::new() });
    }
    let mut live = std::mem::take(&mut questions);
    for poll_id in polls {
        let Some(poll) = facts.poll_named(&poll_id) else { continue };
        let entity = Entity::PollResult(poll_result(&tx, poll)?);
        log_upsert(&tx, &entity)?;
        live.push(entity);
    }
    for quest_id in quests {
        let entries: Vec<LeaderboardEntry> = tx
            .prepare_cached(
                "SELECT CASE WHEN p.show_name THEN p.display_name END, s.points
                   FROM score s JOIN participant p ON p.id = s.participant_id
                  WHERE s.quest_id = ?1 ORDER BY s.points DESC, s.participant_id LIMIT ?2",
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
        first.targeted = targeted;
    }
    Ok((reports, facts_changed))
}

fn damaged_state(participant: &str) -> StoreError {
    StoreError::Damaged { what: "participant state".into(), detail: participant.into() }
}

/// What a batch changed: polls whose results and quests whose leaderboards to publish, and
/// questions (asked or upvoted) as they now stand.
struct Touched<'a> {
    polls: &'a mut BTreeSet<String>,
    quests: &'a mut BTreeSet<String>,
    questions: &'a mut Vec<Entity>,
    targeted: &'a mut Vec<(Entity, Vec<String>)>,
    /// Staff changed what the rules read (a poll's window): load the facts again after.
    facts_changed: &'a mut bool,
}

/// The event's facts, and the questions asked so far (they live in the database, not the
/// event): what the rules ask while one transaction decides.
struct TxFacts<'a> {
    facts: &'a Facts,
    tx: &'a rusqlite::Transaction<'a>,
    /// The participant deciding (whose badge is whose is relative to them).
    caller: &'a str,
}

impl EventFacts for TxFacts<'_> {
    fn poll(&self, id: &str) -> Option<Poll> {
        self.facts.poll(id)
    }
    fn quest(&self, id: &str) -> Option<Quest> {
        self.facts.quest(id)
    }
    fn exists(&self, kind: EntityKind, id: &str) -> bool {
        self.facts.exists(kind, id)
    }
    fn qr_key(&self) -> Option<(String, String)> {
        self.facts.qr_key()
    }
    fn tickets_signed(&self) -> bool {
        self.facts.tickets_signed()
    }
    fn rules(&self) -> std::borrow::Cow<'_, elements_domain::rules::Rules> {
        self.facts.rules()
    }
    fn session_track(&self, session_id: &str) -> Option<String> {
        self.facts.session_track(session_id)
    }
    fn poi_kind(&self, poi_id: &str) -> Option<String> {
        self.facts.poi_kind(poi_id)
    }
    fn session_end(&self, session_id: &str) -> Option<DateTime<Utc>> {
        self.facts.session_end(session_id)
    }
    fn poll_openings(&self) -> Vec<(String, DateTime<Utc>)> {
        self.facts.poll_openings()
    }
    fn question_poll(&self, question_id: &str) -> Option<Option<String>> {
        // A read that fails answers "not known", which refuses nothing here; the insert that
        // follows an accepted question then fails the batch, which the device sends again.
        self.tx
            .prepare_cached("SELECT poll_id FROM question WHERE id = ?1")
            .and_then(|mut st| st.query_row([question_id], |r| r.get(0)).optional())
            .ok()
    }
    fn badge(&self, code: &str) -> Option<elements_domain::people::BadgeOwner> {
        // As above: a failed read refuses nothing, and the batch fails on the write after.
        super::people::badge_owner(self.tx, self.caller, code).ok()
    }
    // As above: a failed read answers "not known" (refusing a pass), and the batch that reads
    // a damaged database fails on its writes.
    fn pass_holder(&self, pass: &elements_protocol::staff::Pass) -> Option<String> {
        super::staff::pass_holder(self.tx, pass).ok().flatten()
    }
    fn admitted(
        &self,
        gate: &elements_protocol::staff::Gate,
        holder: &str,
    ) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        super::staff::first_admitted(self.tx, gate, holder).ok().flatten()
    }
    fn reward_code(&self, code: &str) -> Option<Option<elements_protocol::staff::RewardCode>> {
        super::staff::reward_code(self.tx, &|id| self.facts.quest(id), code).ok()
    }
    fn poll_answered(&self, poll_id: &str) -> Option<bool> {
        self.tx
            .prepare_cached("SELECT count(*) > 0 FROM poll_answers WHERE poll_id = ?1 AND answers > 0")
            .and_then(|mut st| st.query_row([poll_id], |r| r.get(0)))
            .ok()
    }
}

/// Decides one signal and stores it with its outcome; notes what it touched.
fn decide_one(
    tx: &rusqlite::Transaction<'_>,
    facts: &Facts,
    state: &mut ParticipantState,
    caller: &Caller,
    signal: &Signal,
    now: DateTime<Utc>,
    touched: Touched<'_>,
) -> Result<Outcome, StoreError> {
    let Touched { polls, quests, questions, targeted, facts_changed } = touched;
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
    // The answer this one may replace, for the tally.
    let previous = elements_domain::voting::answer_of(&signal.action).and_then(|(p, _)| state.votes.get(p).cloned());
    let mut outcome = match super::people::refusal(tx, &caller.participant_id, &signal.action)? {
        Some(refused) => refused,
        None => scenario::decide(&TxFacts { facts, tx, caller: &caller.participant_id }, state, &signal.action, now),
    };
    if let Outcome::Accepted { effects } = &mut outcome {
        give_reward_codes(tx, facts, &caller.participant_id, effects, now)?;
    }
    let accepted = matches!(outcome, Outcome::Accepted { .. });
    tx.prepare_cached(
        "INSERT INTO signal (id, participant_id, client_id, seq, action, outcome, accepted, received_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        signal.id,
        caller.participant_id,
        signal.client_id,
        i64::try_from(signal.seq).unwrap_or(i64::MAX),
        encode(&signal.action)?,
        encode(&outcome)?,
        accepted,
        now.timestamp(),
        signal.created_at.to_rfc3339()
    ])?;
    match (&outcome, signal.action.is_staff_action()) {
        (Outcome::Accepted { effects }, false) if signal.action.element() == ElementKind::People => {
            super::people::apply(tx, &caller.participant_id, &signal.action, effects, now)?;
        }
        (Outcome::Accepted { effects }, true) => {
            let applied = super::staff::apply(tx, &|id| facts.quest(id), &caller.participant_id, signal, effects, now)?;
            questions.extend(applied.live);
            targeted.extend(applied.targeted);
            *facts_changed |= applied.facts_changed;
        }
        _ => {}
    }
    if let Outcome::Accepted { effects } = &outcome {
        // Several rules may add points to one quest for one signal: only the last total counts,
        // written once.
        let mut totals: Vec<(&str, u32)> = Vec::new();
        for effect in effects {
            match effect {
                Effect::VoteCounted { poll_id, .. } | Effect::AnswerCounted { poll_id, .. } => {
                    let Some(poll) = facts.poll_named(poll_id) else { continue };
                    let Some((_, answer)) = elements_domain::voting::answer_of(&signal.action) else { continue };
                    for (key, delta) in elements_domain::voting::tally_change(poll, previous.as_ref(), &answer) {
                        tx.prepare_cached(
                            "INSERT INTO tally (poll_id, option_id, votes) VALUES (?1, ?2, ?3)
                             ON CONFLICT (poll_id, option_id) DO UPDATE SET votes = votes + excluded.votes",
                        )?
                        .execute(params![poll_id, key, delta])?;
                    }
                    if previous.is_none() {
                        tx.prepare_cached(
                            "INSERT INTO poll_answers (poll_id, answers) VALUES (?1, 1)
                             ON CONFLICT (poll_id) DO UPDATE SET answers = answers + 1",
                        )?
                        .execute([poll_id])?;
                    }
                    polls.insert(poll_id.clone());
                }
                Effect::QuestionAsked { poll_id, question_id } => {
                    let Action::Ask { text, anonymous, .. } = &signal.action else { continue };
                    let author: Option<String> = if *anonymous {
                        None
                    } else {
                        tx.prepare_cached(
                            "SELECT CASE WHEN show_name THEN display_name END FROM participant WHERE id = ?1",
                        )?
                        .query_row([&caller.participant_id], |r| r.get(0))
                        .optional()?
                        .flatten()
                    };
                    let asked_at = now.fixed_offset();
                    tx.prepare_cached(
                        "INSERT INTO question (id, poll_id, participant_id, author, text, asked_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    )?
                    .execute(params![
                        question_id,
                        poll_id,
                        caller.participant_id,
                        author,
                        text.trim(),
                        asked_at.to_rfc3339()
                    ])?;
                    questions.push(question_entity(tx, question_id)?);
                }
                Effect::Upvoted { question_id, .. } => {
                    // Counted either way; a question staff hid stays off every feed.
                    let shown = tx
                        .prepare_cached("UPDATE question SET upvotes = upvotes + 1 WHERE id = ?1 AND hidden = 0")?
                        .execute([question_id])?
                        == 1;
                    if shown {
                        questions.retain(|q| q.id() != question_id);
                        questions.push(question_entity(tx, question_id)?);
                    }
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
                | Effect::QuizAnswered { .. }
                | Effect::ContactMade { .. }
                | Effect::Admitted { .. }
                | Effect::RewardRedeemed { .. }
                | Effect::PollControlled { .. }
                | Effect::PollPut { .. }
                | Effect::QuestionModerated { .. }
                | Effect::LeadCaptured { .. }
                | Effect::Announced { .. }
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
    facts: &Facts,
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
            super::entropy::fill(&mut bytes)?;
            let chars: String = bytes.iter().map(|b| CODE_ALPHABET[usize::from(b % 32)] as char).collect();
            let candidate = format!("{}-{}", &chars[..4], &chars[4..]);
            let taken = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO reward_code (code, participant_id, quest_id, reward_id, unlocked_at)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![candidate, participant, quest_id, reward_id, now.timestamp()])?;
            if taken == 1 {
                // The desks learn it at once, so they can check it offline.
                super::staff::log_reward_code(tx, &|id| facts.quest(id), &candidate)?;
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
    let announcement = Announcement {
        id: format!("a-{revision}"),
        text: text.to_string(),
        posted_at: now.fixed_offset(),
        revision,
        audience: None,
    };
    log_upsert(&tx, &Entity::Announcement(announcement.clone()))?;
    tx.commit()?;
    Ok(announcement)
}
