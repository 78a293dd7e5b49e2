//! Writing one entity: the single path by which the bundled event and synced changes reach the
//! cache. Callers own the transaction.

use std::collections::HashMap;

use elements_protocol::event::EventDay;
use elements_protocol::sync::{Entity, EntityKind};
use rusqlite::{params, OptionalExtension, Transaction};

use super::CacheError;

/// Creates or replaces `entity`. Rows keep their position (ON CONFLICT DO UPDATE), so an
/// updated room keeps its place in the event's room order.
pub(crate) fn upsert(tx: &Transaction<'_>, entity: &Entity, days: &[EventDay]) -> Result<(), CacheError> {
    upsert_as(tx, entity, &body_json(entity)?, days)
}

/// [`upsert`] with the entity's record already as JSON (as it came off the wire): a first sync
/// of a large event would otherwise spend much of its time encoding every entity again.
pub(crate) fn upsert_as(
    tx: &Transaction<'_>,
    entity: &Entity,
    body: &str,
    days: &[EventDay],
) -> Result<(), CacheError> {
    match entity {
        Entity::Floor(f) => {
            tx.prepare_cached(
                "INSERT INTO floor (id, level, body) VALUES (?1, ?2, ?3)
                 ON CONFLICT(id) DO UPDATE SET level = excluded.level, body = excluded.body",
            )?
            .execute(params![f.id, f.level, body])?;
        }
        Entity::Room(r) => {
            // The v1 column is NOT NULL; "" stands for "floor unknown".
            tx.prepare_cached(
                "INSERT INTO room (id, floor_id, body) VALUES (?1, ?2, ?3)
                 ON CONFLICT(id) DO UPDATE SET floor_id = excluded.floor_id, body = excluded.body",
            )?
            .execute(params![r.id, r.floor_id.as_deref().unwrap_or(""), body])?;
        }
        Entity::Speaker(s) => {
            let renamed = tx
                .prepare_cached("SELECT name <> ?2 FROM speaker WHERE id = ?1")?
                .query_row(params![s.id, s.name], |r| r.get::<_, bool>(0))
                .optional()?
                .unwrap_or(false);
            tx.prepare_cached(
                "INSERT INTO speaker (id, name, body) VALUES (?1, ?2, ?3)
                 ON CONFLICT(id) DO UPDATE SET name = excluded.name, body = excluded.body",
            )?
            .execute(params![s.id, s.name, body])?;
            if renamed {
                // Their sessions are found by the new name, not the old one.
                tx.prepare_cached(
                    "UPDATE session_search SET speakers =
                       (SELECT coalesce(group_concat(sp.name, ' '), '')
                          FROM session_speaker ss JOIN speaker sp ON sp.id = ss.speaker_id
                         WHERE ss.session_id = session_search.session_id)
                     WHERE rowid IN (SELECT s.rowid FROM session s JOIN session_speaker ss ON ss.session_id = s.id
                                      WHERE ss.speaker_id = ?1)",
                )?
                .execute([&s.id])?;
            }
        }
        Entity::Session(s) => {
            // A session outside every day is unreachable in the agenda; validation keeps them
            // out of bundles, and a backend sending one gets it parked on day 0.
            let day = elements_domain::day_of(days, &s.starts_at).unwrap_or(0);
            // The search row shares the session's rowid: deleting by rowid is an index lookup,
            // where deleting by the UNINDEXED session_id column would scan the whole index.
            tx.prepare_cached("DELETE FROM session_search WHERE rowid = (SELECT rowid FROM session WHERE id = ?1)")?
                .execute([&s.id])?;
            tx.prepare_cached(
                "INSERT INTO session (id, day, starts_at, ends_at, room_id, track_id, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT(id) DO UPDATE SET day = excluded.day, starts_at = excluded.starts_at,
                   ends_at = excluded.ends_at, room_id = excluded.room_id, track_id = excluded.track_id, body = excluded.body",
            )?
            .execute(params![s.id, day, s.starts_at.timestamp(), s.ends_at.timestamp(), s.room_id.as_deref().unwrap_or(""), s.track_id, body])?;
            tx.prepare_cached("DELETE FROM session_speaker WHERE session_id = ?1")?.execute([&s.id])?;
            let mut link = tx
                .prepare_cached("INSERT INTO session_speaker (session_id, position, speaker_id) VALUES (?1, ?2, ?3)")?;
            for (pos, sp) in s.speaker_ids.iter().enumerate() {
                link.execute(params![s.id, pos as i64, sp])?;
            }
            let mut names: HashMap<&str, String> = HashMap::new();
            let mut name_of = tx.prepare_cached("SELECT name FROM speaker WHERE id = ?1")?;
            for sp in &s.speaker_ids {
                if let Ok(n) = name_of.query_row([sp], |r| r.get::<_, String>(0)) {
                    names.insert(sp.as_str(), n);
                }
            }
            let speaker_names: Vec<&str> =
                s.speaker_ids.iter().filter_map(|id| names.get(id.as_str()).map(String::as_str)).collect();
            tx.prepare_cached(
                "INSERT INTO session_search (rowid, session_id, title, summary, speakers)
                 VALUES ((SELECT rowid FROM session WHERE id = ?1), ?1, ?2, ?3, ?4)",
            )?
            .execute(params![s.id, s.title, s.summary, speaker_names.join(" ")])?;
        }
        Entity::PointOfInterest(p) => {
            let kind =
                serde_json::to_value(p.kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
            tx.prepare_cached(
                "INSERT INTO point_of_interest (id, floor_id, kind, body) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(id) DO UPDATE SET floor_id = excluded.floor_id, kind = excluded.kind, body = excluded.body",
            )?
            .execute(params![p.id, p.floor_id, kind, body])?;
        }
        Entity::Profile(p) => {
            // A profile seen before loses its search row and interest keys first; a new one (a
            // first sync: every one) has none to lose.
            let known: Option<(i64, String)> = tx
                .prepare_cached("SELECT rowid, body FROM profile WHERE id = ?1")?
                .query_row([&p.id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            if let Some((rowid, old)) = &known {
                tx.prepare_cached("DELETE FROM profile_search WHERE rowid = ?1")?.execute([rowid])?;
                forget_interests(tx, &p.id, old)?;
            }
            let known = known.map(|(rowid, _)| rowid);
            tx.prepare_cached(
                "INSERT INTO profile (id, name, body) VALUES (?1, ?2, ?3)
                 ON CONFLICT(id) DO UPDATE SET name = excluded.name, body = excluded.body",
            )?
            .execute(params![p.id, p.name, body])?;
            // The search row shares the profile's rowid (found by an index lookup, never a scan).
            let rowid = known.unwrap_or_else(|| tx.last_insert_rowid());
            tx.prepare_cached(
                "INSERT INTO profile_search (rowid, name, organization, position, interests) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                rowid,
                p.name,
                p.organization.as_deref().unwrap_or(""),
                p.position.as_deref().unwrap_or(""),
                p.interests.join(" ")
            ])?;
            // Interests are keyed folded as people type them, in any language.
            let mut interest = tx.prepare_cached(
                "INSERT OR IGNORE INTO profile_interest (profile_id, tag_key, tag) VALUES (?1, ?2, ?3)",
            )?;
            for tag in &p.interests {
                let key = elements_domain::people::tag_key(tag);
                if !key.is_empty() {
                    interest.execute(params![p.id, key, tag.trim()])?;
                }
            }
        }
        Entity::Contact(c) => {
            tx.prepare_cached(
                "INSERT INTO contact (id, name, met_at, body) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(id) DO UPDATE SET name = excluded.name, met_at = excluded.met_at, body = excluded.body",
            )?
            .execute(params![c.id, c.profile.name, c.met_at.timestamp(), body])?;
        }
        Entity::Meeting(m) => {
            tx.prepare_cached(
                "INSERT INTO meeting (id, starts_at, body) VALUES (?1, ?2, ?3)
                 ON CONFLICT(id) DO UPDATE SET starts_at = excluded.starts_at, body = excluded.body",
            )?
            .execute(params![m.id, m.starts_at.timestamp(), body])?;
        }
        Entity::Message(m) => {
            tx.prepare_cached(
                "INSERT INTO message (id, from_id, to_id, sent_at, body) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(id) DO UPDATE SET body = excluded.body",
            )?
            .execute(params![m.id, m.from.profile_id, m.to.profile_id, m.sent_at.timestamp(), body])?;
        }
        Entity::PollResult(_)
        | Entity::Leaderboard(_)
        | Entity::Announcement(_)
        | Entity::Question(_)
        | Entity::Occupancy(_)
        | Entity::Notice(_)
        | Entity::LivePicture(_)
        | Entity::ScreenFigures(_) => {
            // Live state arrives both from the feed and from the live stream, in any order:
            // the newest revision wins.
            let table = entity.kind().as_str();
            tx.prepare_cached(&format!(
                "INSERT INTO {table} (id, revision, body) VALUES (?1, ?2, ?3)
                 ON CONFLICT(id) DO UPDATE SET revision = excluded.revision, body = excluded.body
                 WHERE excluded.revision > {table}.revision"
            ))?
            .execute(params![entity.id(), entity.revision().unwrap_or(0) as i64, body])?;
        }
        Entity::Track(_)
        | Entity::Poll(_)
        | Entity::Quest(_)
        | Entity::Scenario(_)
        | Entity::WalkGraph(_)
        | Entity::Admission(_)
        | Entity::RewardCode(_)
        | Entity::Lead(_) => {
            let table = entity.kind().as_str();
            tx.prepare_cached(&format!(
                "INSERT INTO {table} (id, body) VALUES (?1, ?2) ON CONFLICT(id) DO UPDATE SET body = excluded.body"
            ))?
            .execute(params![entity.id(), body])?;
        }
    }
    Ok(())
}

/// Removes an entity; removing one that is not there is not an error (a repeated page).
pub(crate) fn delete(tx: &Transaction<'_>, kind: EntityKind, id: &str) -> Result<(), CacheError> {
    match kind {
        EntityKind::Session => {
            tx.prepare_cached("DELETE FROM session_speaker WHERE session_id = ?1")?.execute([id])?;
            tx.prepare_cached("DELETE FROM session_search WHERE rowid = (SELECT rowid FROM session WHERE id = ?1)")?
                .execute([id])?;
        }
        EntityKind::Profile => {
            tx.prepare_cached("DELETE FROM profile_search WHERE rowid = (SELECT rowid FROM profile WHERE id = ?1)")?
                .execute([id])?;
            let old: Option<String> = tx
                .prepare_cached("SELECT body FROM profile WHERE id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()?;
            if let Some(old) = old {
                forget_interests(tx, id, &old)?;
            }
        }
        _ => {}
    }
    tx.prepare_cached(&format!("DELETE FROM {} WHERE id = ?1", kind.as_str()))?.execute([id])?;
    Ok(())
}

/// Removes a stored profile's interest keys, found from its stored record `old` (the keys are
/// ordered by key, not by profile); a record that does not read loses them by a whole scan.
fn forget_interests(tx: &Transaction<'_>, id: &str, old: &str) -> Result<(), CacheError> {
    match serde_json::from_str::<elements_protocol::event::Profile>(old) {
        Ok(before) => {
            let mut forget =
                tx.prepare_cached("DELETE FROM profile_interest WHERE tag_key = ?1 AND profile_id = ?2")?;
            for tag in &before.interests {
                forget.execute(params![elements_domain::people::tag_key(tag), id])?;
            }
        }
        Err(_) => {
            tx.prepare_cached("DELETE FROM profile_interest WHERE profile_id = ?1")?.execute([id])?;
        }
    }
    Ok(())
}

/// Removes every entity of `kind`, with the rows that go with them (search rows, speakers of
/// sessions, interest keys of profiles): the one way a whole kind is cleared.
pub(crate) fn clear(tx: &Transaction<'_>, kind: EntityKind) -> Result<(), CacheError> {
    match kind {
        EntityKind::Session => tx.execute_batch("DELETE FROM session_speaker; DELETE FROM session_search;")?,
        EntityKind::Profile => tx.execute_batch("DELETE FROM profile_search; DELETE FROM profile_interest;")?,
        _ => {}
    }
    tx.execute(&format!("DELETE FROM {}", kind.as_str()), [])?;
    Ok(())
}

/// The entity's own record as JSON, without the kind tag: rows store exactly the protocol type.
fn body_json(entity: &Entity) -> Result<String, CacheError> {
    entity.body_json().map_err(|e| CacheError::Encode(format!("{} {}: {e}", entity.kind().as_str(), entity.id())))
}
