//! Backups of the SQLite store while it serves (SQLite's online backup API: a consistent copy
//! taken page by page, writers not blocked for longer than a step), and restoring one.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::{SqliteStore, StoreError};

/// Pages copied per step; between steps the serving process's writers proceed.
const PAGES_PER_STEP: std::ffi::c_int = 4096;

impl SqliteStore {
    /// Copies the database to `path` (written beside it first and renamed, so a cut backup never
    /// looks like a whole one). Returns the number of pages copied.
    pub fn backup_to(&self, path: &Path) -> Result<u64, StoreError> {
        let partial = path.with_extension("partial");
        let _ = std::fs::remove_file(&partial);
        let conn = self.lock();
        let mut copy = Connection::open(&partial)?;
        let pages = copy_database(&conn, &mut copy)?;
        drop(copy);
        std::fs::rename(&partial, path).map_err(|e| io_error(path, e))?;
        Ok(pages)
    }

    /// Replaces the database at `db` with the backup at `from`, after checking the backup is
    /// whole and is an Elements database; a damaged or foreign file leaves `db` as it was.
    /// Returns what the restored database holds, in words.
    pub fn restore(from: &Path, db: &Path) -> Result<String, StoreError> {
        let source = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| damaged(from, format!("cannot be opened: {e}")))?;
        let check: String = source
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| damaged(from, format!("is not an SQLite database ({e})")))?;
        if check != "ok" {
            return Err(damaged(from, format!("fails SQLite's integrity check: {check}")));
        }
        let epoch: Option<String> = source
            .query_row("SELECT value FROM meta WHERE key = 'epoch'", [], |r| r.get(0))
            .map_err(|_| damaged(from, "is not an Elements backend database (no meta table)".into()))?;
        if epoch.is_none() {
            return Err(damaged(from, "is not an Elements backend database (no epoch)".into()));
        }
        let mut target = Connection::open(db)?;
        target.busy_timeout(Duration::from_secs(5))?;
        copy_database(&source, &mut target)?;
        let count = |table: &str| -> i64 {
            target.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap_or(0)
        };
        Ok(format!("{} entities, {} participants, {} signals", count("entity"), count("participant"), count("signal")))
    }
}

fn copy_database(from: &Connection, to: &mut Connection) -> Result<u64, StoreError> {
    let backup = rusqlite::backup::Backup::new(from, to)?;
    backup.run_to_completion(PAGES_PER_STEP, Duration::ZERO, None)?;
    let progress = backup.progress();
    Ok(u64::try_from(progress.pagecount).unwrap_or(0))
}

fn damaged(path: &Path, detail: String) -> StoreError {
    StoreError::Damaged { what: format!("backup {}", path.display()), detail }
}

fn io_error(path: &Path, e: std::io::Error) -> StoreError {
    StoreError::Damaged { what: format!("backup {}", path.display()), detail: e.to_string() }
}
