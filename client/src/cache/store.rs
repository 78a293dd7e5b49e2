//! Reading and writing event data. [`EventStore`] is what the app API needs from storage;
//! [`Cache`] implements it on SQLite.

use elements_protocol::event::{EventBundle, Floor, Manifest, Room, Session, Speaker, Track};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::de::DeserializeOwned;

use super::{Cache, CacheError};

/// What a snapshot load has just written; reported from inside the transaction, before commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadStep {
    pub table: &'static str,
    pub rows: usize,
}

#[derive(Debug, Clone)]
pub struct LoadedEvent {
    pub manifest: Manifest,
    pub source: String,
    pub fingerprint: String,
}

pub trait EventStore {
    /// Replaces whatever event is cached with `bundle`, atomically.
    fn replace_event(
        &mut self,
        bundle: &EventBundle,
        source: &str,
        fingerprint: &str,
        progress: &mut dyn FnMut(LoadStep),
    ) -> Result<(), CacheError>;
    fn loaded_event(&self) -> Result<Option<LoadedEvent>, CacheError>;
    fn floors(&self) -> Result<Vec<Floor>, CacheError>;
    /// Rooms in the event's own order.
    fn rooms(&self) -> Result<Vec<Room>, CacheError>;
    fn tracks(&self) -> Result<Vec<Track>, CacheError>;
    fn speakers(&self) -> Result<Vec<Speaker>, CacheError>;
    /// Sessions of one programme day, by start time then room order.
    fn sessions_on_day(&self, day: u32) -> Result<Vec<Session>, CacheError>;
    /// Sessions overlapping `[from, to)` (unix seconds), by start time then room order.
    fn sessions_between(&self, from: i64, to: i64) -> Result<Vec<Session>, CacheError>;
    fn session(&self, id: &str) -> Result<Option<Session>, CacheError>;
    /// Number of sessions per programme day.
    fn session_counts(&self) -> Result<Vec<(u32, u32)>, CacheError>;
    /// Full-text search; `query` is plain words typed by a person, not FTS syntax.
    fn search_sessions(&self, query: &str, limit: u32) -> Result<Vec<Session>, CacheError>;
}

impl EventStore for Cache {
    fn replace_event(
        &mut self,
        bundle: &EventBundle,
        source: &str,
        fingerprint: &str,
        progress: &mut dyn FnMut(LoadStep),
    ) -> Result<(), CacheError> {
        let tx = self.conn.transaction()?;
        for table in [
            "event",
            "floor",
            "room",
            "track",
            "speaker",
            "session",
            "session_speaker",
            "poi",
            "poll",
            "quest",
            "profile",
            "session_search",
        ] {
            tx.execute(&format!("DELETE FROM {table}"), [])?;
        }
        write_snapshot(&tx, bundle, progress)?;
        let manifest = to_json(&bundle.manifest)?;
        tx.execute(
            "INSERT INTO event (id, manifest, source, fingerprint, loaded_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![bundle.manifest.id, manifest, source, fingerprint, chrono::Utc::now().timestamp()],
        )?;
        progress(LoadStep { table: "event", rows: 1 });
        tx.commit()?;
        Ok(())
    }

    fn loaded_event(&self) -> Result<Option<LoadedEvent>, CacheError> {
        let row = self
            .conn
            .query_row("SELECT id, manifest, source, fingerprint FROM event LIMIT 1", [], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
            })
            .optional()?;
        row.map(|(id, manifest, source, fingerprint)| {
            Ok(LoadedEvent { manifest: from_json("event", &id, &manifest)?, source, fingerprint })
        })
        .transpose()
    }

    fn floors(&self) -> Result<Vec<Floor>, CacheError> {
        self.bodies("floor", "SELECT id, body FROM floor ORDER BY level", [])
    }

    fn rooms(&self) -> Result<Vec<Room>, CacheError> {
        self.bodies("room", "SELECT id, body FROM room ORDER BY rowid", [])
    }

    fn tracks(&self) -> Result<Vec<Track>, CacheError> {
        self.bodies("track", "SELECT id, body FROM track ORDER BY rowid", [])
    }

    fn speakers(&self) -> Result<Vec<Speaker>, CacheError> {
        self.bodies("speaker", "SELECT id, body FROM speaker ORDER BY name", [])
    }

    fn sessions_on_day(&self, day: u32) -> Result<Vec<Session>, CacheError> {
        self.bodies(
            "session",
            "SELECT s.id, s.body FROM session s LEFT JOIN room r ON r.id = s.room_id
              WHERE s.day = ?1 ORDER BY s.starts_at, r.rowid, s.id",
            [day],
        )
    }

    fn sessions_between(&self, from: i64, to: i64) -> Result<Vec<Session>, CacheError> {
        self.bodies(
            "session",
            "SELECT s.id, s.body FROM session s LEFT JOIN room r ON r.id = s.room_id
              WHERE s.starts_at < ?2 AND s.ends_at > ?1 ORDER BY s.starts_at, r.rowid, s.id",
            [from, to],
        )
    }

    fn session(&self, id: &str) -> Result<Option<Session>, CacheError> {
        Ok(self.bodies("session", "SELECT id, body FROM session WHERE id = ?1", [id])?.into_iter().next())
    }

    fn session_counts(&self) -> Result<Vec<(u32, u32)>, CacheError> {
        let mut stmt = self.conn.prepare("SELECT day, count(*) FROM session GROUP BY day ORDER BY day")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
        Ok(rows)
    }

    fn search_sessions(&self, query: &str, limit: u32) -> Result<Vec<Session>, CacheError> {
        let Some(fts) = fts_query(query) else { return Ok(Vec::new()) };
        self.bodies(
            "session",
            "SELECT s.id, s.body FROM session_search f JOIN session s ON s.id = f.session_id
              WHERE session_search MATCH ?1 ORDER BY bm25(session_search, 0.0, 8.0, 1.0, 4.0), s.starts_at LIMIT ?2",
            params![fts, limit],
        )
    }
}

impl Cache {
    fn bodies<T: DeserializeOwned>(
        &self,
        table: &'static str,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> Result<Vec<T>, CacheError> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows: Vec<(String, String)> =
            stmt.query_map(params, |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
        rows.iter().map(|(id, body)| from_json(table, id, body)).collect()
    }
}

/// Turns what a person typed into an FTS5 query: each word a prefix match, all words required.
/// Quoting every token means no input can be an FTS syntax error.
fn fts_query(input: &str) -> Option<String> {
    let terms: Vec<String> = input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// Prepares `sql` once, runs `write` for every item, and reports the table as written.
fn insert_each<T>(
    tx: &Transaction<'_>,
    table: &'static str,
    sql: &str,
    items: &[T],
    progress: &mut dyn FnMut(LoadStep),
    mut write: impl FnMut(&mut rusqlite::Statement<'_>, &T) -> Result<(), CacheError>,
) -> Result<(), CacheError> {
    let mut statement = tx.prepare(sql)?;
    for item in items {
        write(&mut statement, item)?;
    }
    progress(LoadStep { table, rows: items.len() });
    Ok(())
}

fn write_snapshot(tx: &Transaction<'_>, b: &EventBundle, progress: &mut dyn FnMut(LoadStep)) -> Result<(), CacheError> {
    insert_each(
        tx,
        "floor",
        "INSERT INTO floor (id, level, body) VALUES (?1, ?2, ?3)",
        &b.floors,
        progress,
        |st, f| {
            st.execute(params![f.id, f.level, to_json(f)?])?;
            Ok(())
        },
    )?;
    insert_each(
        tx,
        "room",
        "INSERT INTO room (id, floor_id, body) VALUES (?1, ?2, ?3)",
        &b.rooms,
        progress,
        |st, r| {
            // The v1 column is NOT NULL; "" stands for "floor unknown".
            st.execute(params![r.id, r.floor_id.as_deref().unwrap_or(""), to_json(r)?])?;
            Ok(())
        },
    )?;
    insert_each(tx, "track", "INSERT INTO track (id, body) VALUES (?1, ?2)", &b.tracks, progress, |st, t| {
        st.execute(params![t.id, to_json(t)?])?;
        Ok(())
    })?;
    insert_each(
        tx,
        "speaker",
        "INSERT INTO speaker (id, name, body) VALUES (?1, ?2, ?3)",
        &b.speakers,
        progress,
        |st, s| {
            st.execute(params![s.id, s.name, to_json(s)?])?;
            Ok(())
        },
    )?;
    let names: std::collections::HashMap<&str, &str> =
        b.speakers.iter().map(|s| (s.id.as_str(), s.name.as_str())).collect();
    let mut link = tx.prepare("INSERT INTO session_speaker (session_id, position, speaker_id) VALUES (?1, ?2, ?3)")?;
    let mut search =
        tx.prepare("INSERT INTO session_search (session_id, title, summary, speakers) VALUES (?1, ?2, ?3, ?4)")?;
    insert_each(
        tx,
        "session",
        "INSERT INTO session (id, day, starts_at, ends_at, room_id, track_id, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        &b.sessions,
        progress,
        |st, s| {
            // Validation guarantees a day; a session outside every day would be unreachable.
            let day = elements_domain::day_of(&b.manifest.days, &s.starts_at).unwrap_or(0);
            st.execute(params![s.id, day, s.starts_at.timestamp(), s.ends_at.timestamp(), s.room_id, s.track_id, to_json(s)?])?;
            for (pos, sp) in s.speaker_ids.iter().enumerate() {
                link.execute(params![s.id, pos as i64, sp])?;
            }
            let speaker_names: Vec<&str> =
                s.speaker_ids.iter().filter_map(|id| names.get(id.as_str()).copied()).collect();
            search.execute(params![s.id, s.title, s.summary, speaker_names.join(" ")])?;
            Ok(())
        },
    )?;
    insert_each(
        tx,
        "poi",
        "INSERT INTO poi (id, floor_id, kind, body) VALUES (?1, ?2, ?3, ?4)",
        &b.points_of_interest,
        progress,
        |st, p| {
            let kind =
                serde_json::to_value(p.kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
            st.execute(params![p.id, p.floor_id, kind, to_json(p)?])?;
            Ok(())
        },
    )?;
    insert_each(tx, "poll", "INSERT INTO poll (id, body) VALUES (?1, ?2)", &b.polls, progress, |st, p| {
        st.execute(params![p.id, to_json(p)?])?;
        Ok(())
    })?;
    insert_each(tx, "quest", "INSERT INTO quest (id, body) VALUES (?1, ?2)", &b.quests, progress, |st, q| {
        st.execute(params![q.id, to_json(q)?])?;
        Ok(())
    })?;
    insert_each(
        tx,
        "profile",
        "INSERT INTO profile (id, name, body) VALUES (?1, ?2, ?3)",
        &b.people,
        progress,
        |st, p| {
            st.execute(params![p.id, p.name, to_json(p)?])?;
            Ok(())
        },
    )
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, CacheError> {
    serde_json::to_string(value).map_err(|e| CacheError::Encode(e.to_string()))
}

fn from_json<T: DeserializeOwned>(table: &'static str, id: &str, body: &str) -> Result<T, CacheError> {
    serde_json::from_str(body).map_err(|e| CacheError::DamagedRecord {
        table,
        id: id.to_string(),
        detail: e.to_string(),
    })
}
