//! The local cache: one SQLite file (WAL mode) holding the current event's snapshot.
//!
//! Invariants:
//! * Every change is one transaction: a crash leaves the cache as it was before the change.
//! * A damaged or unreadable cache file is moved aside (never deleted) and a fresh one made;
//!   the caller learns this through [`OpenedCache::recovery`] and tells the person.
//! * Rows keep the protocol's JSON in `body`, so what a backend sends and what the bundled event
//!   holds are stored the same way.

pub mod migrations;
mod outbox;
mod people;
mod plans;
mod preferences;
mod staff;
mod store;
mod sync_state;
mod write;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, ErrorCode as SqliteCode, OptionalExtension};

pub use outbox::{Credential, Decision, OutboxEntry};
pub use people::ContactNote;
pub use plans::{StorePlanError, StoredPlan};
pub use store::{LoadStep, LoadedEvent};
pub use sync_state::ElementSync;

pub struct Cache {
    conn: Connection,
    path: PathBuf,
}

/// A cache that was opened, and whether it had to be rebuilt to get there.
pub struct OpenedCache {
    pub cache: Cache,
    pub recovery: Option<Recovery>,
}

/// A damaged cache that was moved aside.
#[derive(Debug, Clone)]
pub struct Recovery {
    pub moved_to: PathBuf,
    pub reason: String,
    /// What could be carried over from the damaged file into the new one.
    pub kept: Carried,
}

/// What the person made on this device and a rebuilt cache must not lose: signals not yet sent
/// (and the decided ones, for their history), codes, the device's id. Event data is not carried:
/// it comes back from the bundled event or the backend.
#[derive(Debug, Clone, Default)]
pub struct Carried {
    pub signals: usize,
    pub codes: usize,
    /// The backend the damaged cache had joined, to join again.
    pub backend: Option<String>,
}

impl Recovery {
    /// What the person is told.
    pub fn message(&self) -> String {
        let mut m = format!(
            "The local data on this device was damaged ({}), so it was set aside at {} and rebuilt.",
            self.reason,
            self.moved_to.display()
        );
        if self.kept.signals > 0 {
            m.push_str(&format!(" Your {} vote(s) and scan(s) were kept.", self.kept.signals));
        }
        match &self.kept.backend {
            Some(url) => m.push_str(&format!(" Join the event again ({url}) to get its programme back.")),
            None => m.push_str(" Nothing you need is lost; you can delete that file."),
        }
        m
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("cannot use the folder {path} for the cache: {source}. Point --data-dir or ELEMENTS_DATA_DIR at a writable folder.")]
    Folder { path: PathBuf, source: std::io::Error },
    #[error("the cache {path} is in use by another Elements process. Close the other window, or start this one with --data-dir pointing at another folder.")]
    Busy { path: PathBuf },
    #[error("the cache {path} is unusable ({reason}) and could not be replaced: {detail}. Move or delete that file by hand, or start with --data-dir pointing elsewhere.")]
    Unrecoverable { path: PathBuf, reason: String, detail: String },
    #[error("the cache holds a damaged {table} record \"{id}\" ({detail}); restart the app to rebuild the cache")]
    DamagedRecord { table: &'static str, id: String, detail: String },
    #[error("could not encode a record for the cache: {0}")]
    Encode(String),
    #[error("the local cache failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// Why a cache file could not be used as it is.
enum OpenFailure {
    Busy,
    /// Worth moving aside and starting over.
    Damaged(String),
}

impl Cache {
    /// Opens (creating if needed) the cache at `path`, migrates it to the latest schema, and
    /// moves it aside and starts over if it is damaged, unreadable or from a newer app.
    pub fn open(path: &Path) -> Result<OpenedCache, CacheError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| CacheError::Folder { path: dir.to_path_buf(), source })?;
        }
        match Self::try_open(path) {
            Ok(cache) => Ok(OpenedCache { cache, recovery: None }),
            Err(OpenFailure::Busy) => Err(CacheError::Busy { path: path.to_path_buf() }),
            Err(OpenFailure::Damaged(reason)) => {
                let moved_to = move_aside(path).map_err(|e| CacheError::Unrecoverable {
                    path: path.to_path_buf(),
                    reason: reason.clone(),
                    detail: e.to_string(),
                })?;
                // One retry only: a second failure is reported, never looped on.
                match Self::try_open(path) {
                    Ok(cache) => {
                        let kept = cache.carry_over(&moved_to);
                        Ok(OpenedCache { cache, recovery: Some(Recovery { moved_to, reason, kept }) })
                    }
                    Err(OpenFailure::Busy) => Err(CacheError::Busy { path: path.to_path_buf() }),
                    Err(OpenFailure::Damaged(detail)) => {
                        Err(CacheError::Unrecoverable { path: path.to_path_buf(), reason, detail })
                    }
                }
            }
        }
    }

    fn try_open(path: &Path) -> Result<Cache, OpenFailure> {
        let classify = |e: rusqlite::Error| match e.sqlite_error_code() {
            Some(SqliteCode::DatabaseBusy | SqliteCode::DatabaseLocked) => OpenFailure::Busy,
            _ => OpenFailure::Damaged(e.to_string()),
        };
        let mut conn = Connection::open(path).map_err(classify)?;
        conn.busy_timeout(std::time::Duration::from_secs(2)).map_err(classify)?;
        // Look before writing anything: a damaged file or one from a newer app is moved aside
        // exactly as it was found.
        let check: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0)).map_err(classify)?;
        if check != "ok" {
            return Err(OpenFailure::Damaged(format!("integrity check: {check}")));
        }
        let version = migrations::schema_version(&conn).map_err(classify)?;
        if version > migrations::LATEST_VERSION {
            return Err(OpenFailure::Damaged(
                migrations::MigrationError::Newer { found: version, known: migrations::LATEST_VERSION }.to_string(),
            ));
        }
        configure(&conn).map_err(classify)?;
        migrations::migrate_to(&mut conn, migrations::LATEST_VERSION).map_err(|e| match e {
            migrations::MigrationError::Sqlite(e) => classify(e),
            other => OpenFailure::Damaged(other.to_string()),
        })?;
        // SQLite's check sees pages, not meaning: a flipped byte inside a JSON record passes it.
        // The records every screen starts from are read once here, so such a file is treated
        // like any other damage instead of failing on every start.
        if let Some(problem) = unreadable_record(&conn).map_err(classify)? {
            return Err(OpenFailure::Damaged(problem));
        }
        Ok(Cache { conn, path: path.to_path_buf() })
    }

    /// Copies the outbox, the codes and the device id from a damaged file moved aside, as far as
    /// it can be read; whatever cannot be read stays in that file.
    fn carry_over(&self, damaged: &Path) -> Carried {
        let mut kept = Carried::default();
        let Some(file) = damaged.to_str() else { return kept };
        if self.conn.execute("ATTACH DATABASE ?1 AS damaged", [file]).is_err() {
            return kept;
        }
        let copy = |sql: &str| self.conn.execute(sql, []).unwrap_or(0);
        kept.signals = copy("INSERT OR IGNORE INTO outbox SELECT * FROM damaged.outbox");
        kept.codes = copy("INSERT OR IGNORE INTO credential SELECT * FROM damaged.credential");
        copy("INSERT OR IGNORE INTO meta SELECT * FROM damaged.meta WHERE key = 'client_id'");
        kept.backend = self
            .conn
            .query_row("SELECT source FROM damaged.event", [], |r| r.get::<_, String>(0))
            .ok()
            .and_then(|s| s.strip_prefix("backend:").map(str::to_string));
        let _ = self.conn.execute("DETACH DATABASE damaged", []);
        kept
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn schema_version(&self) -> Result<u32, CacheError> {
        Ok(migrations::schema_version(&self.conn)?)
    }

    /// Runs `PRAGMA integrity_check`; `Ok(())` when SQLite finds nothing wrong.
    pub fn integrity_check(&self) -> Result<(), String> {
        let rows: Vec<String> = self
            .conn
            .prepare("PRAGMA integrity_check")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .map_err(|e| e.to_string())?;
        if rows == ["ok"] {
            Ok(())
        } else {
            Err(rows.join("; "))
        }
    }
}

/// The first record that does not decode: the event's manifest, or a session.
fn unreadable_record(conn: &Connection) -> rusqlite::Result<Option<String>> {
    use elements_protocol::event::{Manifest, Session};
    let manifest: Option<(String, String)> =
        conn.query_row("SELECT id, manifest FROM event LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
    if let Some((id, json)) = manifest {
        if let Err(e) = serde_json::from_str::<Manifest>(&json) {
            return Ok(Some(format!("the stored event record \"{id}\" is unreadable: {e}")));
        }
    }
    let mut st = conn.prepare("SELECT id, body FROM session")?;
    let mut rows = st.query([])?;
    while let Some(row) = rows.next()? {
        let (id, body): (String, String) = (row.get(0)?, row.get(1)?);
        if let Err(e) = serde_json::from_str::<Session>(&body) {
            return Ok(Some(format!("the stored session \"{id}\" is unreadable: {e}")));
        }
    }
    Ok(None)
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    // WAL: readers never block the writer, and a crash mid-write leaves the last commit intact.
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(rusqlite::Error::InvalidQuery);
    }
    // NORMAL is crash-safe in WAL mode (an app crash loses nothing committed); only a power cut
    // may drop the last transactions, which the next sync or the bundled event restores.
    conn.execute_batch("PRAGMA synchronous = NORMAL;")?;
    Ok(())
}

/// Renames the cache file and its WAL/shm companions to `<name>.damaged-<UTC time>[-n]`.
fn move_aside(path: &Path) -> std::io::Result<PathBuf> {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "cache".into());
    let mut target = path.with_file_name(format!("{file_name}.damaged-{stamp}"));
    let mut n = 1;
    while target.exists() {
        target = path.with_file_name(format!("{file_name}.damaged-{stamp}-{n}"));
        n += 1;
    }
    if path.exists() {
        std::fs::rename(path, &target)?;
    }
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", path.display()));
        if side.exists() {
            std::fs::rename(&side, format!("{}{suffix}", target.display()))?;
        }
    }
    Ok(target)
}
