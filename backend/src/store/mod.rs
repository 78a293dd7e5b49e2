//! The backend's storage: the current event, and a change log compacted by key so that pulling
//! from the start yields exactly the current state plus tombstones; access codes and tokens
//! ([`access`]); the signals participants pushed and the live state they drive ([`intake`]).

mod access;
mod analytics;
mod backup;
mod entropy;
mod facts;
mod intake;
mod people;
mod picture;
pub mod postgres;
mod results;
pub mod roster;
mod staff;
mod tickets;
pub use tickets::Ticket;

pub use access::{Caller, Redeemed};
pub use intake::{Job as IntakeJob, PushReport};
pub use postgres::PgStore;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};

use chrono::{DateTime, Utc};

use elements_protocol::auth::{RedeemRequest, Role};
use elements_protocol::event::{ElementKind, EventBundle, Manifest};
use elements_protocol::live::Announcement;
use elements_protocol::signal::Signal;
use elements_protocol::sync::{Change, Entity, EntityKind};
use rusqlite::{params, Connection, OptionalExtension};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the backend database failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("the backend database holds a damaged {what}: {detail}")]
    Damaged { what: String, detail: String },
    #[error(transparent)]
    Postgres(#[from] postgres::PgError),
}

/// What an import changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub upserts: usize,
    pub deletes: usize,
    pub manifest_changed: bool,
}

/// A page of one Element's feed, positions included.
#[derive(Debug, Clone)]
pub struct FeedPage {
    pub changes: Vec<Change>,
    /// Log position of the last change returned (or the position asked for, if none).
    pub last_seq: i64,
    pub more: bool,
}

/// A page whose `changes` are JSON text (see [`Store::changes_json`]).
#[derive(Debug, Clone)]
pub struct FeedPageJson {
    pub changes: String,
    pub last_seq: i64,
    pub more: bool,
}

/// What an operator's metrics read from the store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoreHealth {
    /// Signal batches waiting for the intake.
    pub intake_queue: usize,
    /// The database's size on disk.
    pub database_bytes: u64,
}

pub trait Store: Send + Sync {
    /// Queue depth and database size, for `/metrics`.
    fn health(&self) -> Result<StoreHealth, StoreError> {
        Ok(StoreHealth::default())
    }
    /// Takes in what another process committed to the database since the last call (an
    /// `import`, a `code` added): the event's facts the rules decide with are read again.
    /// Answers whether anything was committed from outside.
    fn notice_outside_changes(&self) -> Result<bool, StoreError> {
        Ok(false)
    }
    /// Replaces the event with `bundle` in one transaction, logging only what differs.
    fn replace_event(&self, bundle: &EventBundle) -> Result<ImportSummary, StoreError>;
    /// The event's manifest, with the public key of this backend's QR key when it has one and
    /// the event file named none.
    fn manifest(&self) -> Result<Option<Manifest>, StoreError>;
    /// The event as an event file would give it (manifest and published entities), to merge an
    /// updated schedule into.
    fn event_bundle(&self) -> Result<Option<EventBundle>, StoreError>;
    /// The secret that signs the event's checkpoint QR codes, made on first use (Ed25519).
    fn qr_secret(&self) -> Result<[u8; 32], StoreError>;
    /// Identifies this database: cursors from another epoch mean "start over".
    fn epoch(&self) -> &str;
    /// The newest log position of `element`'s feed (0 when empty).
    fn head(&self, element: ElementKind) -> Result<i64, StoreError>;
    fn changes(&self, element: ElementKind, after: i64, limit: u32) -> Result<FeedPage, StoreError>;
    /// The newest log position of the people feed as `participant` gets it (0 when empty).
    fn people_head(&self, participant: &str) -> Result<i64, StoreError>;
    /// A page of the people feed as `participant` gets it: what everyone sees and what is
    /// theirs alone, as [`Store::changes_json`] writes it.
    fn people_changes_json(&self, participant: &str, after: i64, limit: u32) -> Result<FeedPageJson, StoreError>;
    /// The same page as [`Store::changes`], already encoded: the `changes` array of a
    /// `ChangesPage` as JSON text. Stores that keep entities as JSON splice them in without
    /// decoding; the default encodes [`Store::changes`].
    fn changes_json(&self, element: ElementKind, after: i64, limit: u32) -> Result<FeedPageJson, StoreError> {
        let page = self.changes(element, after, limit)?;
        Ok(FeedPageJson { changes: encode(&page.changes)?, last_seq: page.last_seq, more: page.more })
    }

    /// Adds a code that can be redeemed for a token of `role`. A personal code (a ticket) always
    /// yields the same participant; a shared one (an event's join QR) one participant per device.
    fn add_code(&self, code: &str, role: Role, personal: bool) -> Result<(), StoreError>;
    /// Caps the devices a shared code admits (`None`: no cap). False when the code is unknown.
    fn cap_code(&self, code: &str, max_devices: Option<u32>) -> Result<bool, StoreError>;
    fn redeem(&self, request: &RedeemRequest) -> Result<Redeemed, StoreError>;
    /// `None` when the token is unknown.
    fn authenticate(&self, token: &str) -> Result<Option<Caller>, StoreError>;
    /// The caller behind a token already seen, from memory (no IO, fine on async workers).
    fn known_caller(&self, _token: &str) -> Option<Caller> {
        None
    }
    /// Queues one participant's batch of signals, to be decided at `now` and stored; the answer
    /// arrives on the receiver once its transaction committed.
    fn submit(&self, caller: Caller, signals: Vec<Signal>, now: DateTime<Utc>) -> PushAnswer;
    /// [`Store::submit`] for callers outside an async runtime: waits for the answer.
    fn push(&self, caller: &Caller, signals: &[Signal], now: DateTime<Utc>) -> Result<PushReport, StoreError> {
        match self.submit(caller.clone(), signals.to_vec(), now).blocking_recv() {
            Ok(Ok(report)) => Ok(report),
            Ok(Err(detail)) => Err(StoreError::Damaged { what: "signal batch".into(), detail }),
            Err(_) => Err(StoreError::Damaged { what: "signal batch".into(), detail: "the intake stopped".into() }),
        }
    }
    fn announce(&self, text: &str, now: DateTime<Utc>) -> Result<Announcement, StoreError>;
    /// Stores a floor's plan image (as imported beside the event file); answers its revision.
    fn put_plan(&self, floor_id: &str, content_type: &str, bytes: &[u8]) -> Result<String, StoreError>;
    /// A floor's plan: its revision, content type and bytes.
    fn plan(&self, floor_id: &str) -> Result<Option<FloorPlan>, StoreError>;
    /// A person's photo (revision and JPEG) if its owner shows it to `viewer` (a participant id).
    fn photo(&self, viewer: &str, profile_id: &str) -> Result<Option<(String, Vec<u8>)>, StoreError>;
    /// Computes the organizer's live picture now, publishes it in the staff feed, and answers
    /// it (for the live stream's staff listeners); `None` where another instance of a cluster
    /// publishes it.
    fn publish_live_picture(&self, now: DateTime<Utc>) -> Result<Option<Entity>, StoreError>;
    /// What other instances of a cluster changed that this one's live listeners should hear:
    /// `None` for a store no other process writes to.
    fn news(&self) -> Option<tokio::sync::broadcast::Receiver<News>> {
        None
    }
    /// The analytics Element's figures (aggregate, none from fewer than five people), or `None`
    /// with no event loaded.
    fn analytics(
        &self,
        now: DateTime<Utc>,
    ) -> Result<Option<elements_protocol::analytics::AnalyticsReport>, StoreError>;
    /// Counts the event in numbers for the venue screens and publishes them (live state), where
    /// the organizer allows it (`kiosk.show_figures`); `None` where not, or with no event.
    fn publish_screen_figures(&self, now: DateTime<Utc>) -> Result<Option<Entity>, StoreError>;
    /// Staff reveal a poll's hidden results; `None` when there is no such poll.
    fn reveal_poll(
        &self,
        poll_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<elements_protocol::live::PollResult>, StoreError>;
}

/// What another instance decided, for this one's live listeners: the live state it changed,
/// and whether signals arrived (the live picture is due).
#[derive(Debug, Clone, Default)]
pub struct News {
    pub live: Vec<Entity>,
    pub targeted: Vec<(Entity, Vec<String>)>,
    pub signals_arrived: bool,
}

/// A floor plan as served.
#[derive(Debug, Clone)]
pub struct FloorPlan {
    pub rev: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Where a push's answer arrives: its results, or why the batch failed.
pub type PushAnswer = tokio::sync::oneshot::Receiver<Result<PushReport, String>>;

pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
    epoch: String,
    /// The event's polls, quests and ids, for the scenario rules; rebuilt on every import.
    facts: Arc<RwLock<Arc<facts::Facts>>>,
    /// To the intake thread, which decides whatever is queued in one transaction (group commit).
    intake: std::sync::mpsc::Sender<intake::Job>,
    /// Batches sent to the intake and not yet taken by it.
    queued: Arc<std::sync::atomic::AtomicUsize>,
    /// SQLite's `data_version` when last looked at: it changes when another connection (another
    /// process: `import`, `code`) commits.
    data_version: std::sync::atomic::AtomicI64,
    /// Tokens already checked. Tokens are never revoked in protocol v1, so this only grows with
    /// the number of devices.
    callers: RwLock<HashMap<String, Caller>>,
    /// The analytics' last count and what it was counted from (see `analytics.rs`).
    figures: Mutex<Option<Arc<analytics::Counted>>>,
}

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS floor_plan (
    floor_id TEXT PRIMARY KEY, rev TEXT NOT NULL, content_type TEXT NOT NULL, bytes BLOB NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS entity (
    kind TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (kind, id)
) STRICT;
CREATE TABLE IF NOT EXISTS change_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    element TEXT NOT NULL,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    op TEXT NOT NULL,
    body TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS change_by_element ON change_log (element, seq);
CREATE TABLE IF NOT EXISTS access_code (
    code TEXT PRIMARY KEY, role TEXT NOT NULL, personal INTEGER NOT NULL, max_devices INTEGER
) STRICT;
CREATE TABLE IF NOT EXISTS participant (
    id TEXT PRIMARY KEY, display_name TEXT NOT NULL, role TEXT NOT NULL, show_name INTEGER NOT NULL DEFAULT 0,
    code TEXT, ticketed INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX IF NOT EXISTS participant_by_code ON participant (code);
CREATE TABLE IF NOT EXISTS token (token TEXT PRIMARY KEY, participant_id TEXT NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS signal (
    id TEXT NOT NULL,
    participant_id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    action TEXT NOT NULL,
    outcome TEXT NOT NULL,
    accepted INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (participant_id, id)
) STRICT;
CREATE INDEX IF NOT EXISTS accepted_by_participant ON signal (participant_id) WHERE accepted = 1;
CREATE TABLE IF NOT EXISTS tally (
    poll_id TEXT NOT NULL, option_id TEXT NOT NULL, votes INTEGER NOT NULL, PRIMARY KEY (poll_id, option_id)
) STRICT;
CREATE TABLE IF NOT EXISTS score (
    quest_id TEXT NOT NULL, participant_id TEXT NOT NULL, points INTEGER NOT NULL,
    PRIMARY KEY (quest_id, participant_id)
) STRICT;
-- The leaderboard's order, ties included: its top ten are read from here, not sorted per batch.
CREATE INDEX IF NOT EXISTS score_leaders ON score (quest_id, points DESC, participant_id);
CREATE TABLE IF NOT EXISTS poll_answers (poll_id TEXT PRIMARY KEY, answers INTEGER NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS poll_reveal (poll_id TEXT PRIMARY KEY, revealed_at INTEGER NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS question (
    id TEXT PRIMARY KEY, poll_id TEXT NOT NULL, participant_id TEXT NOT NULL, author TEXT, text TEXT NOT NULL,
    upvotes INTEGER NOT NULL DEFAULT 0, asked_at TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS reward_code (
    code TEXT PRIMARY KEY, participant_id TEXT NOT NULL, quest_id TEXT NOT NULL, reward_id TEXT NOT NULL,
    unlocked_at INTEGER NOT NULL, redeemed_at INTEGER, UNIQUE (participant_id, quest_id, reward_id)
) STRICT;
"#;

/// Databases made before signal ids were scoped to their participant keyed `signal` by `id`
/// alone, so anyone who guessed a device's next id could block it. Rebuilt once, in order.
fn scope_signal_ids_to_participants(conn: &Connection) -> Result<(), StoreError> {
    let sql: String =
        conn.query_row("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'signal'", [], |r| r.get(0))?;
    if !sql.contains("id TEXT PRIMARY KEY") {
        return Ok(());
    }
    conn.execute_batch(
        "BEGIN IMMEDIATE;
         ALTER TABLE signal RENAME TO signal_global_ids;
         CREATE TABLE signal (
             id TEXT NOT NULL, participant_id TEXT NOT NULL, client_id TEXT NOT NULL, seq INTEGER NOT NULL,
             action TEXT NOT NULL, outcome TEXT NOT NULL, accepted INTEGER NOT NULL, received_at INTEGER NOT NULL,
             PRIMARY KEY (participant_id, id)
         ) STRICT;
         INSERT INTO signal SELECT id, participant_id, client_id, seq, action, outcome, accepted, received_at
           FROM signal_global_ids ORDER BY rowid;
         DROP TABLE signal_global_ids;
         COMMIT;",
    )?;
    Ok(())
}

/// Columns added after the first release: leaderboard names opt-in (nobody opted in before),
/// the code a participant redeemed and whether it was a ticket (backfilled from the personal
/// codes, whose participant ids are derived from the code), device caps per code.
fn add_columns(conn: &Connection) -> Result<(), StoreError> {
    let has = |table: &str, column: &str| -> Result<bool, StoreError> {
        Ok(conn.query_row(
            &format!("SELECT count(*) > 0 FROM pragma_table_info('{table}') WHERE name = ?1"),
            [column],
            |r| r.get(0),
        )?)
    };
    if !has("participant", "show_name")? {
        conn.execute_batch("ALTER TABLE participant ADD COLUMN show_name INTEGER NOT NULL DEFAULT 0")?;
    }
    // Q&A moderation (staff): approved, answered, on the screens, hidden.
    if !has("question", "highlighted")? {
        conn.execute_batch(
            "ALTER TABLE question ADD COLUMN approved INTEGER NOT NULL DEFAULT 0;
             ALTER TABLE question ADD COLUMN answered INTEGER NOT NULL DEFAULT 0;
             ALTER TABLE question ADD COLUMN highlighted INTEGER NOT NULL DEFAULT 0;
             ALTER TABLE question ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;",
        )?;
    }
    if !has("access_code", "max_devices")? {
        conn.execute_batch("ALTER TABLE access_code ADD COLUMN max_devices INTEGER")?;
    }
    // The people feed differs per caller: each row says whose it is ('' = everyone's), and an
    // entity is unique per audience (a meeting is in both its people's feeds).
    if !has("change_log", "audience")? {
        conn.execute_batch(
            "ALTER TABLE change_log ADD COLUMN audience TEXT NOT NULL DEFAULT '';
             DROP INDEX IF EXISTS change_by_key;",
        )?;
    }
    conn.execute_batch(
        "CREATE UNIQUE INDEX IF NOT EXISTS change_by_audience_key ON change_log (kind, id, audience);
         CREATE INDEX IF NOT EXISTS change_by_audience ON change_log (element, audience, seq);",
    )?;
    // When the device says the signal happened (the analytics' clock; received_at is the
    // backend's, hours later for a phone that was offline).
    if !has("signal", "created_at")? {
        conn.execute_batch("ALTER TABLE signal ADD COLUMN created_at TEXT")?;
    }
    // Replaced by score_leaders, which orders ties too.
    conn.execute_batch("DROP INDEX IF EXISTS score_rank")?;
    if !has("participant", "ticketed")? {
        conn.execute_batch(
            "ALTER TABLE participant ADD COLUMN code TEXT;
             ALTER TABLE participant ADD COLUMN ticketed INTEGER NOT NULL DEFAULT 0;
             CREATE INDEX IF NOT EXISTS participant_by_code ON participant (code);",
        )?;
        let personal: Vec<String> = conn
            .prepare("SELECT code FROM access_code WHERE personal = 1")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for code in personal {
            let id = format!("p-{:016x}", elements_domain::fingerprint(&code));
            conn.execute("UPDATE participant SET ticketed = 1, code = ?2 WHERE id = ?1", params![id, code])?;
        }
    }
    Ok(())
}

fn element_name(e: ElementKind) -> &'static str {
    e.as_str()
}

fn new_epoch() -> String {
    // Unique enough to tell databases apart; not a secret.
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("{:x}{:x}", nanos, std::process::id())
}

impl SqliteStore {
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let _: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        conn.execute_batch("PRAGMA synchronous = NORMAL;")?;
        conn.execute_batch(SCHEMA)?;
        conn.execute_batch(people::SCHEMA)?;
        conn.execute_batch(roster::SCHEMA)?;
        scope_signal_ids_to_participants(&conn)?;
        add_columns(&conn)?;
        let epoch = match conn.query_row("SELECT value FROM meta WHERE key = 'epoch'", [], |r| r.get(0)).optional()? {
            Some(e) => e,
            None => {
                let e = new_epoch();
                conn.execute("INSERT INTO meta (key, value) VALUES ('epoch', ?1)", [&e])?;
                e
            }
        };
        let facts = Arc::new(RwLock::new(Arc::new(facts::load(&conn)?)));
        let conn = Arc::new(Mutex::new(conn));
        let (intake, jobs) = std::sync::mpsc::channel();
        let queued = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let (c, f, q) = (conn.clone(), facts.clone(), queued.clone());
        // Ends when the store (the only sender) is dropped.
        std::thread::Builder::new()
            .name("signal-intake".into())
            .spawn(move || intake::run(&c, &f, &jobs, &q))
            .map_err(|e| StoreError::Damaged { what: "intake thread".into(), detail: e.to_string() })?;
        let data_version = {
            let c = conn.lock().unwrap_or_else(|p| p.into_inner());
            std::sync::atomic::AtomicI64::new(c.query_row("PRAGMA data_version", [], |r| r.get(0))?)
        };
        Ok(SqliteStore {
            conn,
            epoch,
            facts,
            intake,
            queued,
            data_version,
            callers: RwLock::new(HashMap::new()),
            figures: Mutex::new(None),
        })
    }

    /// Opens `path` as a replica of a shared log (`postgres`): the feeds' cursors carry the
    /// cluster's `epoch`, not one of this file's own.
    pub(crate) fn open_replica(path: &Path, epoch: &str) -> Result<SqliteStore, StoreError> {
        let mut store = SqliteStore::open(path)?;
        store.lock().execute("UPDATE meta SET value = ?1 WHERE key = 'epoch'", [epoch])?;
        store.epoch = epoch.to_string();
        Ok(store)
    }

    /// Decides `jobs` in one transaction, as the intake thread decides what it took from its
    /// queue: a replica applies a group of logged batches this way, so every replica groups
    /// (and numbers its feeds) alike.
    pub(crate) fn decide(&self, jobs: Vec<intake::Job>) {
        let current = self.facts.read().unwrap_or_else(|p| p.into_inner()).clone();
        let mut conn = self.lock();
        if intake::push_batch(&mut conn, &current, jobs) {
            match facts::load(&conn) {
                Ok(fresh) => *self.facts.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(fresh),
                Err(e) => tracing::error!(error = %e, "the event's facts could not be read again"),
            }
        }
    }

    /// The QR secret if one was made (reading only).
    pub(crate) fn existing_qr_secret(&self) -> Result<Option<[u8; 32]>, StoreError> {
        stored_qr_secret(&self.lock())
    }

    /// Forgets the tokens checked so far (they are read from the database again when used).
    fn forget_callers(&self) {
        self.callers.write().unwrap_or_else(|p| p.into_inner()).clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic mid-call rolled its transaction back; the connection is fine to reuse.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn encode<T: serde::Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Damaged { what: "record to encode".into(), detail: e.to_string() })
}

fn kind_from(s: &str) -> Result<EntityKind, StoreError> {
    EntityKind::ALL
        .into_iter()
        .find(|k| k.as_str() == s)
        .ok_or_else(|| StoreError::Damaged { what: "change kind".into(), detail: s.to_string() })
}

impl Store for SqliteStore {
    fn replace_event(&self, bundle: &EventBundle) -> Result<ImportSummary, StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let mut summary = ImportSummary::default();
        let manifest = encode(&bundle.manifest)?;
        let old_manifest: Option<String> =
            tx.query_row("SELECT value FROM meta WHERE key = 'manifest'", [], |r| r.get(0)).optional()?;
        if old_manifest.as_deref() != Some(manifest.as_str()) {
            tx.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('manifest', ?1)", [&manifest])?;
            summary.manifest_changed = true;
        }
        let mut existing: HashMap<(String, String), String> = HashMap::new();
        {
            let mut st = tx.prepare("SELECT kind, id, body FROM entity")?;
            let rows = st.query_map([], |r| Ok(((r.get::<_, String>(0)?, r.get(1)?), r.get(2)?)))?;
            for row in rows {
                let (key, body) = row?;
                // Live state (tallies, leaderboards, announcements) is not part of an event
                // file: an import neither compares nor removes it.
                if kind_from(&key.0)?.is_published() {
                    existing.insert(key, body);
                }
            }
        }
        {
            let mut upsert_entity = tx.prepare("INSERT OR REPLACE INTO entity (kind, id, body) VALUES (?1, ?2, ?3)")?;
            let mut forget = tx.prepare("DELETE FROM change_log WHERE kind = ?1 AND id = ?2")?;
            let mut log =
                tx.prepare("INSERT INTO change_log (element, kind, id, op, body) VALUES (?1, ?2, ?3, ?4, ?5)")?;
            for entity in Entity::all_of(bundle) {
                let kind = entity.kind().as_str();
                let body = encode(&entity)?;
                let key = (kind.to_string(), entity.id().to_string());
                let unchanged = existing.remove(&key).is_some_and(|old| old == body);
                if unchanged {
                    continue;
                }
                upsert_entity.execute(params![kind, entity.id(), body])?;
                // Compaction by key: the newest change of an entity is the only one kept.
                forget.execute(params![kind, entity.id()])?;
                log.execute(params![element_name(entity.kind().element()), kind, entity.id(), "upsert", body])?;
                summary.upserts += 1;
            }
            let mut remove = tx.prepare("DELETE FROM entity WHERE kind = ?1 AND id = ?2")?;
            for ((kind, id), _) in existing {
                let k = kind_from(&kind)?;
                remove.execute(params![kind, id])?;
                forget.execute(params![kind, id])?;
                log.execute(params![element_name(k.element()), kind, id, "delete", Option::<String>::None])?;
                summary.deletes += 1;
            }
        }
        let facts = facts::load(&tx)?;
        tx.commit()?;
        *self.facts.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(facts);
        Ok(summary)
    }

    fn manifest(&self) -> Result<Option<Manifest>, StoreError> {
        stored_manifest(&self.lock())
    }

    fn event_bundle(&self) -> Result<Option<EventBundle>, StoreError> {
        let conn = self.lock();
        let text: Option<String> =
            conn.query_row("SELECT value FROM meta WHERE key = 'manifest'", [], |r| r.get(0)).optional()?;
        let Some(text) = text else { return Ok(None) };
        let manifest: Manifest = serde_json::from_str(&text)
            .map_err(|e| StoreError::Damaged { what: "manifest".into(), detail: e.to_string() })?;
        let mut bundle = EventBundle::empty(manifest);
        let mut st = conn.prepare("SELECT kind, id, body FROM entity ORDER BY rowid")?;
        let rows =
            st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
        for row in rows {
            let (kind, id, body) = row?;
            if !kind_from(&kind)?.is_published() {
                continue;
            }
            let entity: Entity = serde_json::from_str(&body)
                .map_err(|e| StoreError::Damaged { what: format!("{kind} {id}"), detail: e.to_string() })?;
            // Published kinds always have a place in a bundle.
            let _ = entity.put_into(&mut bundle);
        }
        Ok(Some(bundle))
    }

    fn put_plan(&self, floor_id: &str, content_type: &str, bytes: &[u8]) -> Result<String, StoreError> {
        let rev = format!("{:016x}", elements_domain::fingerprint_bytes(bytes));
        self.lock().execute(
            "INSERT INTO floor_plan (floor_id, rev, content_type, bytes) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (floor_id) DO UPDATE SET rev = ?2, content_type = ?3, bytes = ?4",
            rusqlite::params![floor_id, rev, content_type, bytes],
        )?;
        Ok(rev)
    }

    fn plan(&self, floor_id: &str) -> Result<Option<FloorPlan>, StoreError> {
        use rusqlite::OptionalExtension;
        Ok(self
            .lock()
            .query_row("SELECT rev, content_type, bytes FROM floor_plan WHERE floor_id = ?1", [floor_id], |r| {
                Ok(FloorPlan { rev: r.get(0)?, content_type: r.get(1)?, bytes: r.get(2)? })
            })
            .optional()?)
    }

    fn qr_secret(&self) -> Result<[u8; 32], StoreError> {
        let conn = self.lock();
        if let Some(secret) = stored_qr_secret(&conn)? {
            return Ok(secret);
        }
        let mut secret = [0u8; 32];
        entropy::fill(&mut secret)?;
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('qr_secret', ?1)",
            [elements_domain::qr::secret_to_hex(&secret)],
        )?;
        // The rules now check signatures.
        let facts = facts::load(&conn)?;
        *self.facts.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(facts);
        Ok(secret)
    }

    fn epoch(&self) -> &str {
        &self.epoch
    }

    fn head(&self, element: ElementKind) -> Result<i64, StoreError> {
        let conn = self.lock();
        Ok(conn.query_row(
            "SELECT coalesce(max(seq), 0) FROM change_log WHERE element = ?1",
            [element_name(element)],
            |r| r.get(0),
        )?)
    }

    fn changes(&self, element: ElementKind, after: i64, limit: u32) -> Result<FeedPage, StoreError> {
        let conn = self.lock();
        let mut st = conn.prepare_cached(
            "SELECT seq, kind, id, op, body FROM change_log WHERE element = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
        )?;
        let rows: Vec<(i64, String, String, String, Option<String>)> = st
            .query_map(params![element_name(element), after, i64::from(limit) + 1], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<Result<_, _>>()?;
        let more = rows.len() > limit as usize;
        let mut changes = Vec::new();
        let mut last_seq = after;
        for (seq, kind, id, op, body) in rows.into_iter().take(limit as usize) {
            last_seq = seq;
            let change = match (op.as_str(), body) {
                ("upsert", Some(body)) => Change::Upsert {
                    entity: serde_json::from_str(&body)
                        .map_err(|e| StoreError::Damaged { what: format!("{kind} {id}"), detail: e.to_string() })?,
                },
                ("delete", _) => Change::Delete { kind: kind_from(&kind)?, id },
                (other, _) => {
                    return Err(StoreError::Damaged { what: format!("change {seq}"), detail: other.to_string() })
                }
            };
            changes.push(change);
        }
        Ok(FeedPage { changes, last_seq, more })
    }

    fn changes_json(&self, element: ElementKind, after: i64, limit: u32) -> Result<FeedPageJson, StoreError> {
        let conn = self.lock();
        let mut st = conn.prepare_cached(
            "SELECT seq, kind, id, op, body FROM change_log WHERE element = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
        )?;
        let rows = st.query(params![element_name(element), after, i64::from(limit) + 1])?;
        page_json(rows, after, limit)
    }

    fn people_head(&self, participant: &str) -> Result<i64, StoreError> {
        let conn = self.lock();
        Ok(conn.query_row(
            "SELECT coalesce(max(seq), 0) FROM change_log WHERE element = 'people' AND audience IN ('', ?1)",
            [participant],
            |r| r.get(0),
        )?)
    }

    fn people_changes_json(&self, participant: &str, after: i64, limit: u32) -> Result<FeedPageJson, StoreError> {
        let conn = self.lock();
        // Two index ranges (everyone's rows, this caller's rows) merged by position.
        let mut st = conn.prepare_cached(
            "SELECT seq, kind, id, op, body FROM change_log
              WHERE element = 'people' AND audience IN ('', ?1) AND seq > ?2 ORDER BY seq LIMIT ?3",
        )?;
        let rows = st.query(params![participant, after, i64::from(limit) + 1])?;
        page_json(rows, after, limit)
    }

    fn add_code(&self, code: &str, role: Role, personal: bool) -> Result<(), StoreError> {
        access::add_code(&self.lock(), code, role, personal)
    }

    fn cap_code(&self, code: &str, max_devices: Option<u32>) -> Result<bool, StoreError> {
        access::cap_code(&self.lock(), code, max_devices)
    }

    fn redeem(&self, request: &RedeemRequest) -> Result<Redeemed, StoreError> {
        let answer = access::redeem(&mut self.lock(), request)?;
        if let Redeemed::Token(a) = &answer {
            let caller = Caller {
                participant_id: a.participant_id.clone(),
                role: a.role,
                display_name: a.display_name.clone(),
                ticketed: a.ticketed,
            };
            self.callers.write().unwrap_or_else(|p| p.into_inner()).insert(a.token.clone(), caller);
        }
        Ok(answer)
    }

    fn known_caller(&self, token: &str) -> Option<Caller> {
        self.callers.read().unwrap_or_else(|p| p.into_inner()).get(token).cloned()
    }

    fn authenticate(&self, token: &str) -> Result<Option<Caller>, StoreError> {
        if let Some(c) = self.callers.read().unwrap_or_else(|p| p.into_inner()).get(token) {
            return Ok(Some(c.clone()));
        }
        let found = access::authenticate(&self.lock(), token)?;
        if let Some(c) = &found {
            self.callers.write().unwrap_or_else(|p| p.into_inner()).insert(token.to_string(), c.clone());
        }
        Ok(found)
    }

    fn submit(&self, caller: Caller, signals: Vec<Signal>, now: DateTime<Utc>) -> PushAnswer {
        let (reply, answer) = tokio::sync::oneshot::channel();
        // If the intake thread is gone the job (and its reply sender) is dropped: the receiver
        // then reports the failure.
        self.queued.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if self.intake.send(intake::Job { caller, signals, now, reply }).is_err() {
            self.queued.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
        }
        answer
    }

    fn notice_outside_changes(&self) -> Result<bool, StoreError> {
        use std::sync::atomic::Ordering;
        let conn = self.lock();
        let now: i64 = conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        if self.data_version.swap(now, Ordering::AcqRel) == now {
            return Ok(false);
        }
        let fresh = facts::load(&conn)?;
        *self.facts.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(fresh);
        // A roster import may have signed out a cancelled ticket's devices: tokens are checked
        // against the database again.
        self.forget_callers();
        Ok(true)
    }

    fn health(&self) -> Result<StoreHealth, StoreError> {
        let conn = self.lock();
        let pages: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
        let size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        Ok(StoreHealth {
            intake_queue: self.queued.load(std::sync::atomic::Ordering::Relaxed),
            database_bytes: u64::try_from(pages.saturating_mul(size)).unwrap_or(0),
        })
    }

    fn announce(&self, text: &str, now: DateTime<Utc>) -> Result<Announcement, StoreError> {
        intake::announce(&mut self.lock(), text, now)
    }

    fn photo(&self, viewer: &str, profile_id: &str) -> Result<Option<(String, Vec<u8>)>, StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        people::photo_for(&tx, viewer, profile_id)
    }

    fn reveal_poll(
        &self,
        poll_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<elements_protocol::live::PollResult>, StoreError> {
        let facts = self.facts.read().unwrap_or_else(|p| p.into_inner()).clone();
        results::reveal_poll(&mut self.lock(), &facts, poll_id, now)
    }

    fn analytics(
        &self,
        now: DateTime<Utc>,
    ) -> Result<Option<elements_protocol::analytics::AnalyticsReport>, StoreError> {
        let Some(counted) = self.figures()? else { return Ok(None) };
        Ok(Some(crate::analytics::to_wire(&counted.figures, &counted.event, now)))
    }

    fn publish_screen_figures(&self, now: DateTime<Utc>) -> Result<Option<Entity>, StoreError> {
        let allowed = self.manifest()?.and_then(|m| m.kiosk).is_some_and(|k| k.show_figures);
        if !allowed {
            return Ok(None);
        }
        let Some((event, happened)) = self.analytics_input()? else { return Ok(None) };
        let figures = crate::analytics::analyse(&event, &happened);
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let entity = Entity::ScreenFigures(crate::analytics::for_screens(&figures, &event, now, next_revision(&tx)?));
        log_upsert(&tx, &entity)?;
        tx.commit()?;
        Ok(Some(entity))
    }

    fn publish_live_picture(&self, now: DateTime<Utc>) -> Result<Option<Entity>, StoreError> {
        let facts = self.facts.read().unwrap_or_else(|p| p.into_inner()).clone();
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let mut picture = picture::compute(&tx, &facts.quests_in_order(), now)?;
        picture.revision = next_revision(&tx)?;
        let entity = Entity::LivePicture(picture);
        log_upsert(&tx, &entity)?;
        tx.commit()?;
        Ok(Some(entity))
    }
}

/// A feed page's `changes` as JSON text from change-log rows (seq, kind, id, op, body).
fn page_json(mut rows: rusqlite::Rows<'_>, after: i64, limit: u32) -> Result<FeedPageJson, StoreError> {
    let mut out = String::with_capacity(64 * 1024);
    out.push('[');
    let (mut n, mut last_seq, mut more) = (0u32, after, false);
    while let Some(row) = rows.next()? {
        if n == limit {
            more = true;
            break;
        }
        let seq: i64 = row.get(0)?;
        let kind: String = row.get(1)?;
        let op: String = row.get(3)?;
        if n > 0 {
            out.push(',');
        }
        // The stored body is exactly the protocol's Entity JSON, written by `encode`.
        match (op.as_str(), row.get_ref(4)?.as_str_or_null().map_err(rusqlite::Error::from)?) {
            ("upsert", Some(body)) => {
                out.push_str(r#"{"op":"upsert","entity":"#);
                out.push_str(body);
                out.push('}');
            }
            ("delete", _) => {
                let id: String = row.get(2)?;
                out.push_str(r#"{"op":"delete","kind":"#);
                out.push_str(&encode(&kind_from(&kind)?)?);
                out.push_str(r#","id":"#);
                out.push_str(&encode(&id)?);
                out.push('}');
            }
            (other, _) => return Err(StoreError::Damaged { what: format!("change {seq}"), detail: other.to_string() }),
        }
        last_seq = seq;
        n += 1;
    }
    out.push(']');
    Ok(FeedPageJson { changes: out, last_seq, more })
}

/// The manifest as stored, with this backend's QR public key filled in where the event file
/// named none.
fn stored_manifest(conn: &Connection) -> Result<Option<Manifest>, StoreError> {
    let text: Option<String> =
        conn.query_row("SELECT value FROM meta WHERE key = 'manifest'", [], |r| r.get(0)).optional()?;
    let Some(text) = text else { return Ok(None) };
    let mut manifest: Manifest = serde_json::from_str(&text)
        .map_err(|e| StoreError::Damaged { what: "manifest".into(), detail: e.to_string() })?;
    if manifest.qr_public_key.is_none() {
        manifest.qr_public_key = stored_qr_secret(conn)?.map(|s| elements_domain::qr::public_key_hex(&s));
    }
    Ok(Some(manifest))
}

fn stored_qr_secret(conn: &Connection) -> Result<Option<[u8; 32]>, StoreError> {
    let text: Option<String> =
        conn.query_row("SELECT value FROM meta WHERE key = 'qr_secret'", [], |r| r.get(0)).optional()?;
    text.map(|t| {
        elements_domain::qr::secret_from_hex(&t)
            .ok_or_else(|| StoreError::Damaged { what: "QR key".into(), detail: "not 64 hex digits".into() })
    })
    .transpose()
}

/// Writes `entity` as current and logs it, replacing its earlier log entry (compaction by key).
fn log_upsert(tx: &rusqlite::Transaction<'_>, entity: &Entity) -> Result<(), StoreError> {
    let kind = entity.kind().as_str();
    let body = encode(entity)?;
    tx.prepare_cached("INSERT OR REPLACE INTO entity (kind, id, body) VALUES (?1, ?2, ?3)")?.execute(params![
        kind,
        entity.id(),
        body
    ])?;
    tx.prepare_cached("DELETE FROM change_log WHERE kind = ?1 AND id = ?2")?.execute(params![kind, entity.id()])?;
    tx.prepare_cached("INSERT INTO change_log (element, kind, id, op, body) VALUES (?1, ?2, ?3, 'upsert', ?4)")?
        .execute(params![element_name(entity.kind().element()), kind, entity.id(), body])?;
    Ok(())
}

/// Removes an entity and tells every feed it is gone.
fn log_delete(tx: &rusqlite::Transaction<'_>, kind: EntityKind, id: &str) -> Result<(), StoreError> {
    tx.prepare_cached("DELETE FROM entity WHERE kind = ?1 AND id = ?2")?.execute(params![kind.as_str(), id])?;
    tx.prepare_cached("DELETE FROM change_log WHERE kind = ?1 AND id = ?2")?.execute(params![kind.as_str(), id])?;
    tx.prepare_cached("INSERT INTO change_log (element, kind, id, op, body) VALUES (?1, ?2, ?3, 'delete', NULL)")?
        .execute(params![element_name(kind.element()), kind.as_str(), id])?;
    Ok(())
}

/// The next revision of live state: one counter for all of it, so revisions only grow.
fn next_revision(tx: &rusqlite::Transaction<'_>) -> Result<u64, StoreError> {
    let current: Option<String> =
        tx.query_row("SELECT value FROM meta WHERE key = 'live_revision'", [], |r| r.get(0)).optional()?;
    let next = current.and_then(|v| v.parse::<u64>().ok()).unwrap_or(0) + 1;
    tx.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('live_revision', ?1)", [next.to_string()])?;
    Ok(next)
}
