//! What the sync engine keeps in the cache: the event's manifest as a backend sent it, each
//! Element's cursor and health, and the pages it applies, each in one transaction.

use elements_protocol::event::{ElementKind, EventDay, Manifest, Session};
use elements_protocol::sync::stored::StoredChange;
use elements_protocol::sync::{Change, EntityKind};
use rusqlite::{params, OptionalExtension};

use super::store::to_json;
use super::{write, Cache, CacheError};

/// One Element's sync health, for the UI ("synced 2 min ago", "offline, retrying").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElementSync {
    pub element: ElementKind,
    pub base_url: String,
    pub synced_at: Option<i64>,
    pub last_error: Option<String>,
    pub failures: u32,
}

fn element_from(name: &str) -> Option<ElementKind> {
    ElementKind::ALL.into_iter().find(|k| k.as_str() == name)
}

impl Cache {
    /// Stores the manifest a backend sent. A different event replaces everything cached.
    pub fn set_manifest(&mut self, manifest: &Manifest, source: &str) -> Result<(), CacheError> {
        self.set_manifest_read(manifest, source, None, &[])
    }

    /// Stores a manifest as read from a backend, with its ETag and the Element kinds this app
    /// does not know, in one transaction. Another event's data goes first.
    pub fn set_manifest_read(
        &mut self,
        manifest: &Manifest,
        source: &str,
        etag: Option<&str>,
        unknown_elements: &[String],
    ) -> Result<(), CacheError> {
        let current = self.loaded_event()?;
        let tx = self.conn.transaction()?;
        if current.as_ref().is_some_and(|c| c.manifest.id != manifest.id || c.source != source) {
            for kind in EntityKind::ALL {
                super::write::clear(&tx, kind)?;
            }
            tx.execute_batch("DELETE FROM sync_state;")?;
        }
        tx.execute("DELETE FROM event", [])?;
        tx.execute(
            "INSERT INTO event (id, manifest, source, fingerprint, loaded_at) VALUES (?1, ?2, ?3, '', ?4)",
            params![manifest.id, to_json(manifest)?, source, chrono::Utc::now().timestamp()],
        )?;
        match etag {
            Some(tag) => tx.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('manifest_etag', ?1)", [tag])?,
            None => tx.execute("DELETE FROM meta WHERE key = 'manifest_etag'", [])?,
        };
        let unknown: Vec<String> = unknown_elements.iter().map(|k| k.replace('\n', " ")).collect();
        tx.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('unknown_elements', ?1)", [unknown.join("\n")])?;
        tx.commit()?;
        Ok(())
    }

    /// The ETag of the manifest last read from the event's backend.
    pub fn manifest_etag(&self) -> Result<Option<String>, CacheError> {
        Ok(self.conn.query_row("SELECT value FROM meta WHERE key = 'manifest_etag'", [], |r| r.get(0)).optional()?)
    }

    /// Kinds of Elements the event enables that this app does not know (see `sync::join`).
    pub fn unknown_elements(&self) -> Result<Vec<String>, CacheError> {
        let list: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'unknown_elements'", [], |r| r.get(0))
            .optional()?;
        Ok(list.map(|l| l.split('\n').filter(|k| !k.is_empty()).map(str::to_string).collect()).unwrap_or_default())
    }

    /// The cursor and ETag of `element`'s last applied page.
    pub fn sync_position(&self, element: ElementKind) -> Result<(Option<String>, Option<String>), CacheError> {
        Ok(self
            .conn
            .query_row("SELECT cursor, etag FROM sync_state WHERE element = ?1", [element.as_str()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?
            .unwrap_or((None, None)))
    }

    /// The programme days of the cached event (sessions are filed under them as they arrive).
    pub fn programme_days(&self) -> Result<Vec<EventDay>, CacheError> {
        Ok(self.loaded_event()?.map(|e| e.manifest.days).unwrap_or_default())
    }

    /// Applies one page and stores its cursor in the same transaction: a crash repeats a page at
    /// worst, and pages are idempotent. `days` are [`Cache::programme_days`], read once per pull.
    pub fn apply_page(
        &mut self,
        element: ElementKind,
        base_url: &str,
        days: &[EventDay],
        changes: &[StoredChange],
        cursor: &str,
        etag: Option<&str>,
    ) -> Result<(), CacheError> {
        let tx = self.conn.transaction()?;
        // Starred sessions this page changes: what they were, to tell the person what moved.
        let starred = if element == ElementKind::Agenda { starred_before(&tx, changes)? } else { Vec::new() };
        for stored in changes {
            match (&stored.change, &stored.body) {
                (Change::Upsert { entity }, Some(body)) => write::upsert_as(&tx, entity, body.get(), days)?,
                (Change::Upsert { entity }, None) => write::upsert(&tx, entity, days)?,
                (Change::Delete { kind, id }, _) => write::delete(&tx, *kind, id)?,
            }
        }
        tx.execute(
            "INSERT INTO sync_state (element, base_url, cursor, etag, synced_at, last_error, failures)
             VALUES (?1, ?2, ?3, ?4, ?5, NULL, 0)
             ON CONFLICT(element) DO UPDATE SET base_url = excluded.base_url, cursor = excluded.cursor,
               etag = excluded.etag, synced_at = excluded.synced_at, last_error = NULL, failures = 0",
            params![element.as_str(), base_url, cursor, etag, chrono::Utc::now().timestamp()],
        )?;
        for (event_id, before) in starred {
            let after: Option<Session> = tx
                .query_row("SELECT body FROM session WHERE id = ?1", [&before.id], |r| r.get::<_, String>(0))
                .optional()?
                .and_then(|body| serde_json::from_str(&body).ok());
            let changed = match &after {
                None => true,
                Some(a) => {
                    a.starts_at != before.starts_at || a.ends_at != before.ends_at || a.room_id != before.room_id
                }
            };
            if changed {
                let body = to_json(&(&before, &after))?;
                tx.execute(
                    "INSERT INTO schedule_notice (event_id, session_id, body, noticed_at) VALUES (?1, ?2, ?3, ?4)",
                    params![event_id, before.id, body, chrono::Utc::now().timestamp()],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// What syncs changed in the person's starred sessions of `event_id` and they have not put
    /// away, newest first: `(id, before, after)`, `after` none for a cancelled session.
    pub fn schedule_notices(&self, event_id: &str) -> Result<Vec<(i64, Session, Option<Session>)>, CacheError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, body FROM schedule_notice WHERE event_id = ?1 AND dismissed = 0 ORDER BY id DESC LIMIT 50",
        )?;
        let rows = stmt.query_map([event_id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, body) = row?;
            // A notice that no longer reads (an older app's) is dropped rather than shown wrong.
            if let Ok((before, after)) = serde_json::from_str::<(Session, Option<Session>)>(&body) {
                out.push((id, before, after));
            }
        }
        Ok(out)
    }

    pub fn dismiss_schedule_notice(&self, event_id: &str, id: i64) -> Result<(), CacheError> {
        self.conn.execute(
            "UPDATE schedule_notice SET dismissed = 1 WHERE event_id = ?1 AND id = ?2",
            params![event_id, id],
        )?;
        Ok(())
    }

    /// Applies live state from the stream (a poll result, a leaderboard, an announcement); the
    /// newest revision wins, so a late copy from the feed cannot roll it back.
    /// Stores a live update; false when it was not for the live stream to apply.
    pub fn apply_live(&mut self, entity: &elements_protocol::sync::Entity) -> Result<bool, CacheError> {
        if entity.revision().is_none() {
            // Published entities come only through the feed, in order, with their cursor.
            return Ok(false);
        }
        let tx = self.conn.transaction()?;
        write::upsert(&tx, entity, &[])?;
        tx.commit()?;
        Ok(true)
    }

    /// The backend said nothing changed.
    /// Holds SQLite's automatic WAL checkpoints while a first sync writes page after page
    /// (`on`). Each page is still its own transaction (a sync cut short keeps what it stored);
    /// only copying them into the database file waits. `off` lets checkpoints run again and
    /// runs one now, in the background on a connection of its own: the sync is done when its
    /// last page is committed, and the file is written while the person already reads the event
    /// (a passive checkpoint blocks no reader or writer). Mid-sync, every thousandth page's
    /// commit paid such a checkpoint: about 20 ms, four times in a 20,000-profile directory.
    pub fn hold_checkpoints(&mut self, on: bool) -> Result<(), CacheError> {
        if on {
            self.conn.pragma_update(None, "wal_autocheckpoint", 0)?;
            return Ok(());
        }
        self.conn.pragma_update(None, "wal_autocheckpoint", 1000)?;
        let path = self.path.clone();
        let _ = std::thread::Builder::new().name("cache-checkpoint".into()).spawn(move || {
            // Never creates a file: a cache moved aside meanwhile is simply not checkpointed.
            let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
            if let Ok(conn) = rusqlite::Connection::open_with_flags(&path, flags) {
                let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
            }
        });
        Ok(())
    }

    /// Whether automatic checkpoints are held now ([`Cache::hold_checkpoints`]): only while a
    /// first pull runs.
    pub fn checkpoints_held(&self) -> Result<bool, CacheError> {
        Ok(self.conn.query_row("PRAGMA wal_autocheckpoint", [], |r| r.get::<_, i64>(0))? == 0)
    }

    pub fn mark_fresh(&mut self, element: ElementKind) -> Result<(), CacheError> {
        self.conn.execute(
            "UPDATE sync_state SET synced_at = ?2, last_error = NULL, failures = 0 WHERE element = ?1",
            params![element.as_str(), chrono::Utc::now().timestamp()],
        )?;
        Ok(())
    }

    pub fn record_failure(&mut self, element: ElementKind, base_url: &str, error: &str) -> Result<(), CacheError> {
        self.conn.execute(
            "INSERT INTO sync_state (element, base_url, last_error, failures) VALUES (?1, ?2, ?3, 1)
             ON CONFLICT(element) DO UPDATE SET last_error = excluded.last_error, failures = failures + 1",
            params![element.as_str(), base_url, error],
        )?;
        Ok(())
    }

    /// Forgets everything of `element` (the backend said "start over"), in one transaction.
    pub fn reset_element(&mut self, element: ElementKind) -> Result<(), CacheError> {
        let tx = self.conn.transaction()?;
        for kind in EntityKind::ALL.into_iter().filter(|k| k.element() == element) {
            super::write::clear(&tx, kind)?;
        }
        tx.execute("UPDATE sync_state SET cursor = NULL, etag = NULL WHERE element = ?1", [element.as_str()])?;
        tx.commit()?;
        Ok(())
    }

    pub fn sync_status(&self) -> Result<Vec<ElementSync>, CacheError> {
        let mut st = self
            .conn
            .prepare("SELECT element, base_url, synced_at, last_error, failures FROM sync_state ORDER BY element")?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<i64>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, u32>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (name, base_url, synced_at, last_error, failures) = row?;
            if let Some(element) = element_from(&name) {
                out.push(ElementSync { element, base_url, synced_at, last_error, failures });
            }
        }
        Ok(out)
    }

    /// Number of rows of one entity kind; for tests and diagnostics.
    pub fn count(&self, kind: EntityKind) -> Result<i64, CacheError> {
        Ok(self.conn.query_row(&format!("SELECT count(*) FROM {}", kind.as_str()), [], |r| r.get(0))?)
    }
}

/// The starred sessions (with their event) that `changes` touch, as they are before the page.
fn starred_before(
    tx: &rusqlite::Transaction<'_>,
    changes: &[StoredChange],
) -> Result<Vec<(String, Session)>, CacheError> {
    let touched: Vec<&str> = changes
        .iter()
        .filter_map(|c| match &c.change {
            Change::Upsert { entity: elements_protocol::sync::Entity::Session(s) } => Some(s.id.as_str()),
            Change::Delete { kind: EntityKind::Session, id } => Some(id.as_str()),
            _ => None,
        })
        .collect();
    let mut out = Vec::new();
    if touched.is_empty() {
        return Ok(out);
    }
    let mut starred = tx.prepare_cached("SELECT event_id FROM starred WHERE session_id = ?1")?;
    let mut body = tx.prepare_cached("SELECT body FROM session WHERE id = ?1")?;
    for id in touched {
        let events: Vec<String> = starred.query_map([id], |r| r.get(0))?.collect::<Result<_, _>>()?;
        if events.is_empty() {
            continue;
        }
        let Some(text) = body.query_row([id], |r| r.get::<_, String>(0)).optional()? else { continue };
        let Ok(session) = serde_json::from_str::<Session>(&text) else { continue };
        for event in events {
            out.push((event, session.clone()));
        }
    }
    Ok(out)
}
