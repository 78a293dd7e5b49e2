//! What polls show everyone: a poll's result (counts, hidden until revealed) and a question as it
//! stands. Written by intake as votes arrive and by staff's commands; neither calls the other.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use elements_protocol::event::Poll;
use elements_protocol::live::{OptionCount, PollResult};
use elements_protocol::sync::Entity;
use rusqlite::{params, Connection, OptionalExtension};

use super::facts::Facts;
use super::{log_upsert, next_revision, StoreError};

/// A question as everyone sees it now, with a fresh revision, logged in the voting feed.
pub(super) fn question_entity(tx: &rusqlite::Transaction<'_>, id: &str) -> Result<Entity, StoreError> {
    type Row = (String, Option<String>, String, i64, String, [bool; 3]);
    let (poll_id, author, text, upvotes, asked_at, [approved, answered, highlighted]): Row = tx
        .prepare_cached(
            "SELECT poll_id, author, text, upvotes, asked_at, approved, answered, highlighted FROM question WHERE id = ?1",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, [r.get(5)?, r.get(6)?, r.get(7)?])))?;
    let asked_at = DateTime::parse_from_rfc3339(&asked_at)
        .map_err(|e| StoreError::Damaged { what: format!("question {id}"), detail: e.to_string() })?;
    let entity = Entity::Question(elements_protocol::live::Question {
        id: id.to_string(),
        poll_id,
        text,
        author,
        upvotes: upvotes.max(0) as u64,
        asked_at,
        revision: next_revision(tx)?,
        approved,
        answered,
        highlighted,
    });
    log_upsert(tx, &entity)?;
    Ok(entity)
}

/// A poll's result as published: counts by the poll's kind (see `PollResult::counts`), none
/// while the poll hides them and staff have not revealed them.
pub(super) fn poll_result(tx: &rusqlite::Transaction<'_>, poll: &Poll) -> Result<PollResult, StoreError> {
    use elements_protocol::event::PollKind;
    let counted: HashMap<String, u64> = tx
        .prepare_cached("SELECT option_id, votes FROM tally WHERE poll_id = ?1")?
        .query_map([&poll.id], |r| Ok((r.get(0)?, r.get::<_, i64>(1)?.max(0) as u64)))?
        .collect::<Result<_, _>>()?;
    let answers: Option<i64> = tx
        .prepare_cached("SELECT answers FROM poll_answers WHERE poll_id = ?1")?
        .query_row([&poll.id], |r| r.get(0))
        .optional()?;
    let of = |key: &str| OptionCount { option_id: key.to_string(), votes: counted.get(key).copied().unwrap_or(0) };
    let mut counts: Vec<OptionCount> = match poll.kind {
        PollKind::Rating => elements_domain::voting::scale_keys(poll.scale).iter().map(|k| of(k)).collect(),
        PollKind::OpenText => {
            let mut words: Vec<OptionCount> = counted
                .iter()
                .filter(|(_, n)| **n > 0)
                .map(|(w, n)| OptionCount { option_id: w.clone(), votes: *n })
                .collect();
            words.sort_by(|a, b| b.votes.cmp(&a.votes).then_with(|| a.option_id.cmp(&b.option_id)));
            words.truncate(elements_protocol::live::WORD_CLOUD_SIZE);
            words
        }
        _ => poll.options.iter().map(|o| of(&o.id)).collect(),
    };
    // Single-choice polls counted before answers were counted apart: their votes are the answers.
    let total = match (answers, poll.kind) {
        (Some(n), _) => n.max(0) as u64,
        (None, PollKind::SingleChoice | PollKind::Quiz) => counts.iter().map(|c| c.votes).sum(),
        (None, _) => 0,
    };
    let revealed: bool = tx
        .prepare_cached("SELECT 1 FROM poll_reveal WHERE poll_id = ?1")?
        .query_row([&poll.id], |_| Ok(()))
        .optional()?
        .is_some();
    let hidden = poll.hide_results && !revealed;
    if hidden {
        counts.clear();
    }
    Ok(PollResult { id: poll.id.clone(), counts, total, revision: next_revision(tx)?, hidden })
}

/// Staff reveal a poll's hidden results: published at once, and from now on with every vote.
/// `None`: there is no such poll.
pub fn reveal_poll(
    conn: &mut Connection,
    facts: &Facts,
    poll_id: &str,
    now: DateTime<Utc>,
) -> Result<Option<PollResult>, StoreError> {
    let Some(poll) = facts.poll_named(poll_id) else { return Ok(None) };
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT OR IGNORE INTO poll_reveal (poll_id, revealed_at) VALUES (?1, ?2)",
        params![poll_id, now.timestamp()],
    )?;
    let result = poll_result(&tx, poll)?;
    log_upsert(&tx, &Entity::PollResult(result.clone()))?;
    tx.commit()?;
    Ok(Some(result))
}
