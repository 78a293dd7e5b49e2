//! Reading and writing the cached event: the snapshot load and the reads the screens need.

use elements_protocol::event::{
    EventBundle, Floor, Manifest, PointOfInterest, Poll, Quest, Room, Session, Speaker, Track,
};
use elements_protocol::live::PollResult;
use elements_protocol::sync::{Entity, EntityKind};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::de::DeserializeOwned;

use super::{write, Cache, CacheError};

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

/// The cached event: replaced whole, and read the ways the screens need.
impl Cache {
    /// Replaces whatever event is cached with `bundle`, atomically.
    pub fn replace_event(
        &mut self,
        bundle: &EventBundle,
        source: &str,
        fingerprint: &str,
        progress: &mut dyn FnMut(LoadStep),
    ) -> Result<(), CacheError> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM event", [])?;
        for kind in EntityKind::ALL {
            super::write::clear(&tx, kind)?;
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

    pub fn loaded_event(&self) -> Result<Option<LoadedEvent>, CacheError> {
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

    /// Polls in the event's order, as attendees and venue screens see them: without the drafts
    /// staff made on the spot and have not opened yet.
    pub fn polls(&self) -> Result<Vec<Poll>, CacheError> {
        Ok(self.polls_with_drafts()?.into_iter().filter(|p| !p.draft).collect())
    }

    /// Every poll, staff's drafts included (the poll desk, and the rules that decide staff work).
    pub fn polls_with_drafts(&self) -> Result<Vec<Poll>, CacheError> {
        self.bodies("poll", "SELECT id, body FROM poll ORDER BY rowid", [])
    }

    pub fn quests(&self) -> Result<Vec<Quest>, CacheError> {
        self.bodies("quest", "SELECT id, body FROM quest ORDER BY rowid", [])
    }

    /// The event's own scenarios, by id (the order the rules run in, on every device and
    /// backend alike).
    pub fn scenarios(&self) -> Result<Vec<elements_protocol::scenario::Scenario>, CacheError> {
        self.bodies("scenario", "SELECT id, body FROM scenario ORDER BY id", [])
    }

    /// Every place in the venue, in the event's order.
    pub fn points_of_interest(&self) -> Result<Vec<PointOfInterest>, CacheError> {
        self.bodies("point_of_interest", "SELECT id, body FROM point_of_interest ORDER BY rowid", [])
    }

    pub fn point_of_interest(&self, id: &str) -> Result<Option<PointOfInterest>, CacheError> {
        Ok(self.bodies("point_of_interest", "SELECT id, body FROM point_of_interest WHERE id = ?1", [id])?.pop())
    }

    /// The newest known tally of every poll that has one.
    pub fn poll_results(&self) -> Result<Vec<PollResult>, CacheError> {
        self.bodies("poll_result", "SELECT id, body FROM poll_result", [])
    }

    /// The venue's walk graph, if the event has one.
    pub fn walk_graph(&self) -> Result<Option<elements_protocol::venue::WalkGraph>, CacheError> {
        Ok(self.bodies("walk_graph", "SELECT id, body FROM walk_graph", [])?.pop())
    }

    /// Every question asked in the event's Q&A polls, as last heard.
    pub fn questions(&self) -> Result<Vec<elements_protocol::live::Question>, CacheError> {
        self.bodies("question", "SELECT id, body FROM question", [])
    }

    /// The announcements heard so far (newest revision of each).
    pub fn announcements(&self) -> Result<Vec<elements_protocol::live::Announcement>, CacheError> {
        self.bodies("announcement", "SELECT id, body FROM announcement", [])
    }

    /// Announcements staff sent to this participant only (to a room they were in, to a tag).
    pub fn notices(&self) -> Result<Vec<elements_protocol::live::Announcement>, CacheError> {
        self.bodies("notice", "SELECT id, body FROM notice", [])
    }

    /// How many were checked in to each session, as last heard.
    pub fn occupancy(&self) -> Result<Vec<elements_protocol::live::Occupancy>, CacheError> {
        self.bodies("occupancy", "SELECT id, body FROM occupancy", [])
    }

    /// The newest known leaderboard of every quest that has one.
    pub fn leaderboards(&self) -> Result<Vec<elements_protocol::live::Leaderboard>, CacheError> {
        self.bodies("leaderboard", "SELECT id, body FROM leaderboard", [])
    }

    /// Whether an entity of `kind` with this id is cached.
    pub fn exists(&self, kind: EntityKind, id: &str) -> Result<bool, CacheError> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT 1 FROM {} WHERE id = ?1", kind.as_str()))?
            .query_row([id], |_| Ok(()))
            .optional()?
            .is_some())
    }

    pub fn floors(&self) -> Result<Vec<Floor>, CacheError> {
        self.bodies("floor", "SELECT id, body FROM floor ORDER BY level", [])
    }

    /// Rooms in the event's own order.
    pub fn rooms(&self) -> Result<Vec<Room>, CacheError> {
        self.bodies("room", "SELECT id, body FROM room ORDER BY rowid", [])
    }

    pub fn tracks(&self) -> Result<Vec<Track>, CacheError> {
        self.bodies("track", "SELECT id, body FROM track ORDER BY rowid", [])
    }

    pub fn speakers(&self) -> Result<Vec<Speaker>, CacheError> {
        self.bodies("speaker", "SELECT id, body FROM speaker ORDER BY name", [])
    }

    /// Sessions of one programme day, by start time then room order.
    pub fn sessions_on_day(&self, day: u32) -> Result<Vec<Session>, CacheError> {
        self.bodies(
            "session",
            "SELECT s.id, s.body FROM session s LEFT JOIN room r ON r.id = s.room_id
              WHERE s.day = ?1 ORDER BY s.starts_at, r.rowid, s.id",
            [day],
        )
    }

    /// Sessions overlapping `[from, to)` (unix seconds), by start time then room order.
    pub fn sessions_between(&self, from: i64, to: i64) -> Result<Vec<Session>, CacheError> {
        self.bodies(
            "session",
            "SELECT s.id, s.body FROM session s LEFT JOIN room r ON r.id = s.room_id
              WHERE s.starts_at < ?2 AND s.ends_at > ?1 ORDER BY s.starts_at, r.rowid, s.id",
            [from, to],
        )
    }

    pub fn session(&self, id: &str) -> Result<Option<Session>, CacheError> {
        Ok(self.bodies("session", "SELECT id, body FROM session WHERE id = ?1", [id])?.into_iter().next())
    }

    /// Number of sessions per programme day.
    pub fn session_counts(&self) -> Result<Vec<(u32, u32)>, CacheError> {
        let mut stmt = self.conn.prepare("SELECT day, count(*) FROM session GROUP BY day ORDER BY day")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// Full-text search; `query` is plain words typed by a person, not FTS syntax.
    pub fn search_sessions(&self, query: &str, limit: u32) -> Result<Vec<Session>, CacheError> {
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
    /// The rows `sql` selects as (id, body), each body read as a `T` (a damaged one named).
    pub(super) fn bodies<T: DeserializeOwned>(
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
pub(super) fn fts_query(input: &str) -> Option<String> {
    let terms: Vec<String> = input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// Writes every entity of `b`, reporting each kind as it is done.
fn write_snapshot(tx: &Transaction<'_>, b: &EventBundle, progress: &mut dyn FnMut(LoadStep)) -> Result<(), CacheError> {
    let entities = Entity::all_of(b);
    let mut current: Option<(EntityKind, usize)> = None;
    for entity in &entities {
        match &mut current {
            Some((kind, rows)) if *kind == entity.kind() => *rows += 1,
            _ => {
                if let Some((kind, rows)) = current.take() {
                    progress(LoadStep { table: kind.as_str(), rows });
                }
                current = Some((entity.kind(), 1));
            }
        }
        write::upsert(tx, entity, &b.manifest.days)?;
    }
    if let Some((kind, rows)) = current {
        progress(LoadStep { table: kind.as_str(), rows });
    }
    Ok(())
}

impl Cache {
    /// Drops every attendee profile, contact, meeting and message (a venue screen keeps none),
    /// in one transaction.
    pub fn forget_people(&mut self) -> Result<(), CacheError> {
        let tx = self.conn.transaction()?;
        for kind in EntityKind::ALL.into_iter().filter(|k| k.element() == elements_protocol::event::ElementKind::People)
        {
            super::write::clear(&tx, kind)?;
        }
        tx.execute_batch("DELETE FROM my_profile; DELETE FROM contact_note; DELETE FROM photo;")?;
        tx.commit()?;
        Ok(())
    }
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<String, CacheError> {
    serde_json::to_string(value).map_err(|e| CacheError::Encode(e.to_string()))
}

fn from_json<T: DeserializeOwned>(table: &'static str, id: &str, body: &str) -> Result<T, CacheError> {
    serde_json::from_str(body).map_err(|e| CacheError::DamagedRecord {
        table,
        id: id.to_string(),
        detail: e.to_string(),
    })
}
