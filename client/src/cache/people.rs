//! The people Element's storage: the directory (searched with FTS5, filtered by interest), the
//! contacts, meetings and messages the people feed brought, and what stays on this device: my
//! own profile as I edit it (fields shown to nobody included) and my notes and tags on contacts.

use std::collections::HashMap;

use elements_protocol::event::Profile;
use elements_protocol::people::{Contact, Meeting, Message, MyProfile};
use rusqlite::{params, OptionalExtension};

use super::store::to_json;
use super::{Cache, CacheError};

fn damaged(table: &'static str, id: &str, e: impl std::fmt::Display) -> CacheError {
    CacheError::DamagedRecord { table, id: id.to_string(), detail: e.to_string() }
}

/// My note and tags on one contact.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactNote {
    pub note: String,
    pub tags: Vec<String>,
}

impl Cache {
    /// My profile for this event as I last saved it, and when (Unix seconds).
    pub fn my_profile(&self, event_id: &str) -> Result<Option<(MyProfile, i64)>, CacheError> {
        let row: Option<(String, i64)> = self
            .conn
            .prepare_cached("SELECT body, updated_at FROM my_profile WHERE event_id = ?1")?
            .query_row([event_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        row.map(|(body, at)| Ok((serde_json::from_str(&body).map_err(|e| damaged("my_profile", event_id, e))?, at)))
            .transpose()
    }

    pub fn save_my_profile(&mut self, event_id: &str, profile: &MyProfile, now: i64) -> Result<(), CacheError> {
        self.conn.execute(
            "INSERT INTO my_profile (event_id, body, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (event_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
            params![event_id, to_json(profile)?, now],
        )?;
        Ok(())
    }

    /// Directory profiles matching `query` (plain words, each a prefix; all of them needed) and
    /// holding the interest `interest` (a key from [`Cache::common_interests`]): the best
    /// `limit` (by name when there is no query), and how many matched in all.
    pub fn search_profiles(
        &self,
        query: &str,
        interest: Option<&str>,
        limit: u32,
    ) -> Result<(Vec<Profile>, u32), CacheError> {
        let fts = super::store::fts_query(query);
        let interest = interest.filter(|k| !k.is_empty());
        let filter = "(?2 IS NULL OR p.id IN (SELECT profile_id FROM profile_interest WHERE tag_key = ?2))";
        let (rows, total): (Vec<(String, String)>, u32) = match &fts {
            Some(fts) => {
                // Ranked inside FTS5 (`rank MATCH`), ties by rowid: reading any stored column
                // (a name to break ties with) for every match cost more than the ranking
                // itself — 4 ms against 1.4 ms for a surname 1,700 people share. How many
                // matched in all is a count of the match alone, without ranking.
                let interest_rows = "(?2 IS NULL OR f.rowid IN (
                       SELECT p.rowid FROM profile_interest i JOIN profile p ON p.id = i.profile_id WHERE i.tag_key = ?2))";
                let total: u32 = self
                    .conn
                    .prepare_cached(&format!(
                        "SELECT count(*) FROM profile_search f WHERE profile_search MATCH ?1 AND {interest_rows}"
                    ))?
                    .query_row(params![fts, interest], |r| r.get(0))?;
                let mut st = self.conn.prepare_cached(&format!(
                    "SELECT p.id, p.body FROM (
                        SELECT f.rowid AS rowid, f.rank AS rank FROM profile_search f
                         WHERE profile_search MATCH ?1 AND f.rank MATCH 'bm25(10.0, 4.0, 2.0, 3.0)' AND {interest_rows}
                         ORDER BY f.rank, f.rowid LIMIT ?3) m
                      JOIN profile p ON p.rowid = m.rowid ORDER BY m.rank, m.rowid"
                ))?;
                let rows = st.query_map(params![fts, interest, limit], |r| Ok((r.get(0)?, r.get(1)?)))?;
                (rows.collect::<Result<_, _>>()?, total)
            }
            None => {
                let mut st = self.conn.prepare_cached(&format!(
                    "SELECT p.id, p.body, count(*) OVER () FROM profile p WHERE ?1 IS NULL AND {filter}
                      ORDER BY p.name COLLATE NOCASE LIMIT ?3"
                ))?;
                let rows = st.query_map(params![Option::<String>::None, interest, limit], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, u32>(2)?))
                })?;
                let rows: Vec<(String, String, u32)> = rows.collect::<Result<_, _>>()?;
                let total = rows.first().map_or(0, |r| r.2);
                (rows.into_iter().map(|(id, body, _)| (id, body)).collect(), total)
            }
        };
        let people = rows
            .iter()
            .map(|(id, body)| serde_json::from_str(body).map_err(|e| damaged("profile", id, e)))
            .collect::<Result<_, _>>()?;
        Ok((people, total))
    }

    /// Every directory profile (for suggestions, which weigh them all).
    pub fn profiles(&self) -> Result<Vec<Profile>, CacheError> {
        self.bodies("profile", "SELECT id, body FROM profile", [])
    }

    pub fn profile(&self, id: &str) -> Result<Option<Profile>, CacheError> {
        Ok(self.bodies("profile", "SELECT id, body FROM profile WHERE id = ?1", [id])?.pop())
    }

    /// The most common interests in the directory: key, the spelling seen first, how many.
    pub fn common_interests(&self, limit: u32) -> Result<Vec<(String, String, u32)>, CacheError> {
        let mut st = self.conn.prepare_cached(
            "SELECT tag_key, min(tag), count(*) AS n FROM profile_interest GROUP BY tag_key ORDER BY n DESC, tag_key LIMIT ?1",
        )?;
        let rows = st.query_map([limit], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// My contacts, newest first.
    pub fn contacts(&self) -> Result<Vec<Contact>, CacheError> {
        self.bodies("contact", "SELECT id, body FROM contact ORDER BY met_at DESC, name", [])
    }

    pub fn contact(&self, id: &str) -> Result<Option<Contact>, CacheError> {
        Ok(self.bodies("contact", "SELECT id, body FROM contact WHERE id = ?1", [id])?.pop())
    }

    /// My meetings, by start.
    pub fn meetings(&self) -> Result<Vec<Meeting>, CacheError> {
        self.bodies("meeting", "SELECT id, body FROM meeting ORDER BY starts_at, id", [])
    }

    /// Messages between me and `other` (profile ids), oldest first.
    pub fn messages_with(&self, other: &str) -> Result<Vec<Message>, CacheError> {
        self.bodies(
            "message",
            "SELECT id, body FROM message WHERE from_id = ?1 OR to_id = ?1 ORDER BY sent_at, id",
            [other],
        )
    }

    /// How many messages `from` sent after `since` (Unix seconds).
    pub fn messages_from_since(&self, from: &str, since: i64) -> Result<u32, CacheError> {
        Ok(self
            .conn
            .prepare_cached("SELECT count(*) FROM message WHERE from_id = ?1 AND sent_at > ?2")?
            .query_row(params![from, since], |r| r.get(0))?)
    }

    /// Every message (for the export of my data).
    pub fn messages(&self) -> Result<Vec<Message>, CacheError> {
        self.bodies("message", "SELECT id, body FROM message ORDER BY sent_at, id", [])
    }

    pub fn contact_notes(&self, event_id: &str) -> Result<HashMap<String, ContactNote>, CacheError> {
        let mut st = self.conn.prepare_cached("SELECT profile_id, note, tags FROM contact_note WHERE event_id = ?1")?;
        let rows: Vec<(String, String, String)> =
            st.query_map([event_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
        rows.into_iter()
            .map(|(id, note, tags)| {
                let tags = serde_json::from_str(&tags).map_err(|e| damaged("contact_note", &id, e))?;
                Ok((id, ContactNote { note, tags }))
            })
            .collect()
    }

    pub fn save_contact_note(
        &mut self,
        event_id: &str,
        profile_id: &str,
        note: &ContactNote,
        now: i64,
    ) -> Result<(), CacheError> {
        self.conn.execute(
            "INSERT INTO contact_note (event_id, profile_id, note, tags, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (event_id, profile_id) DO UPDATE SET note = excluded.note, tags = excluded.tags,
               updated_at = excluded.updated_at",
            params![event_id, profile_id, note.note, to_json(&note.tags)?, now],
        )?;
        Ok(())
    }

    /// Photos the directory and contacts name (by revision) that this device lacks.
    pub fn photos_wanted(&self, most: u32) -> Result<Vec<(String, String)>, CacheError> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, rev FROM (
                 SELECT id, json_extract(body, '$.photo') AS rev FROM profile
                 UNION SELECT id, json_extract(body, '$.profile.photo') FROM contact)
              WHERE rev IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM photo p WHERE p.profile_id = id AND p.rev = rev)
              LIMIT ?1",
        )?;
        let rows = st.query_map([most], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Keeps a person's photo of revision `rev`; `None`: the backend would not give it (not
    /// asked again for this revision).
    pub fn store_photo(&mut self, profile_id: &str, rev: &str, jpeg: Option<&[u8]>) -> Result<(), CacheError> {
        self.conn.execute(
            "INSERT INTO photo (profile_id, rev, jpeg) VALUES (?1, ?2, ?3)
             ON CONFLICT (profile_id) DO UPDATE SET rev = excluded.rev, jpeg = excluded.jpeg",
            params![profile_id, rev, jpeg],
        )?;
        Ok(())
    }

    /// A person's photo of revision `rev`, if this device has it.
    pub fn photo(&self, profile_id: &str, rev: &str) -> Result<Option<Vec<u8>>, CacheError> {
        Ok(self
            .conn
            .prepare_cached("SELECT jpeg FROM photo WHERE profile_id = ?1 AND rev = ?2")?
            .query_row(params![profile_id, rev], |r| r.get::<_, Option<Vec<u8>>>(0))
            .optional()?
            .flatten())
    }

    /// Deletes what this device holds of the person at this event, in one transaction: their
    /// profile, contacts and notes, meetings, messages, starred sessions, schedule notices and
    /// every signal they made (votes, scans, points). The directory of others stays.
    pub fn forget_me(&mut self, event_id: &str) -> Result<(), CacheError> {
        let tx = self.conn.transaction()?;
        // Signal ids go on from the highest ever used (see `record_decided_signal`).
        tx.execute(
            "INSERT INTO meta (key, value) SELECT 'outbox_seq_deleted', CAST(max(seq) AS TEXT) FROM outbox
              WHERE (SELECT max(seq) FROM outbox) IS NOT NULL
             ON CONFLICT (key) DO UPDATE SET value = CAST(max(CAST(meta.value AS INTEGER), CAST(excluded.value AS INTEGER)) AS TEXT)",
            [],
        )?;
        for sql in [
            "DELETE FROM my_profile WHERE event_id = ?1",
            "DELETE FROM contact_note WHERE event_id = ?1",
            "DELETE FROM starred WHERE event_id = ?1",
            "DELETE FROM schedule_notice WHERE event_id = ?1",
            "DELETE FROM outbox WHERE event_id = ?1",
        ] {
            tx.execute(sql, [event_id])?;
        }
        tx.execute_batch("DELETE FROM contact; DELETE FROM meeting; DELETE FROM message; DELETE FROM photo;")?;
        tx.commit()?;
        Ok(())
    }
}
