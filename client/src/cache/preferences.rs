//! The person's settings on this device (language, theme), as text by key. They belong to the
//! device, not to an event: joining another event keeps them. And the scenario cards they put
//! away, which belong to the event.

use rusqlite::{params, OptionalExtension};

use super::{Cache, CacheError};

impl Cache {
    pub fn preference(&self, key: &str) -> Result<Option<String>, CacheError> {
        Ok(self.conn.query_row("SELECT value FROM preference WHERE key = ?1", params![key], |r| r.get(0)).optional()?)
    }

    /// Sets `key`, or forgets it with `None` (back to the default).
    pub fn set_preference(&self, key: &str, value: Option<&str>) -> Result<(), CacheError> {
        match value {
            Some(v) => self.conn.execute(
                "INSERT INTO preference (key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![key, v],
            )?,
            None => self.conn.execute("DELETE FROM preference WHERE key = ?1", params![key])?,
        };
        Ok(())
    }

    /// Puts a card of the event away for good.
    pub fn dismiss_card(&self, event_id: &str, card_id: &str) -> Result<(), CacheError> {
        self.conn.execute(
            "INSERT OR IGNORE INTO dismissed_card (event_id, card_id) VALUES (?1, ?2)",
            params![event_id, card_id],
        )?;
        Ok(())
    }

    pub fn dismissed_cards(&self, event_id: &str) -> Result<std::collections::HashSet<String>, CacheError> {
        let mut st = self.conn.prepare_cached("SELECT card_id FROM dismissed_card WHERE event_id = ?1")?;
        let rows = st.query_map([event_id], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Stars or unstars a session of `event_id` (the person's own agenda).
    pub fn set_starred(&self, event_id: &str, session_id: &str, on: bool, at: i64) -> Result<(), CacheError> {
        if on {
            self.conn.execute(
                "INSERT INTO starred (event_id, session_id, starred_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                rusqlite::params![event_id, session_id, at],
            )?;
        } else {
            self.conn.execute(
                "DELETE FROM starred WHERE event_id = ?1 AND session_id = ?2",
                rusqlite::params![event_id, session_id],
            )?;
        }
        Ok(())
    }

    /// The reminders of `event_id` given already (their keys).
    pub fn reminded(&self, event_id: &str) -> Result<std::collections::HashSet<String>, CacheError> {
        let mut stmt = self.conn.prepare_cached("SELECT key FROM reminded WHERE event_id = ?1")?;
        let rows = stmt.query_map([event_id], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Notes reminders as given, in one transaction: each is given once.
    pub fn set_reminded(&mut self, event_id: &str, keys: &[String], at: i64) -> Result<(), CacheError> {
        let tx = self.conn.transaction()?;
        for key in keys {
            tx.execute(
                "INSERT OR IGNORE INTO reminded (event_id, key, at) VALUES (?1, ?2, ?3)",
                rusqlite::params![event_id, key, at],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The sessions of `event_id` the person starred.
    pub fn starred(&self, event_id: &str) -> Result<std::collections::HashSet<String>, CacheError> {
        let mut stmt = self.conn.prepare("SELECT session_id FROM starred WHERE event_id = ?1")?;
        let rows = stmt.query_map([event_id], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
