//! The person's settings on this device (language, theme), as text by key. They belong to the
//! device, not to an event: joining another event keeps them.

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
}
