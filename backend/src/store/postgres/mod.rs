//! PostgreSQL as the shared store of several backend instances (issue 23).
//!
//! The design: PostgreSQL holds one log of commands ([`command_log`]), totally ordered, that
//! never skips a late commit. Every instance appends what it is asked to change (a batch of
//! signals, an import, a code redeemed) and applies every command of the log, in order, to a
//! SQLite replica of its own, with the very code the single-process backend runs
//! ([`commands`]). Replicas that apply the same log decide the same outcomes and number their
//! feeds alike, so:
//!
//! - a signal that reaches two instances (two devices of one person, a retry after a kill) is
//!   decided once: the second is a duplicate everywhere, answered with the first outcome;
//! - feeds, `304`s, photos and analytics are read from the instance's replica, never from
//!   PostgreSQL: reads scale with instances, and a cursor from one instance is good on another
//!   (one epoch for the cluster);
//! - the live stream of each instance hears what the others decided by applying the log
//!   ([`crate::store::News`]); no message bus;
//! - the live picture and the screens' figures are published by one instance at a time, the
//!   holder of an advisory lock.
//!
//! Why not the first sketch (every table in PostgreSQL, decided there under row locks):
//! it is a second implementation of 3,000 lines of storage to keep equal to the first, and puts
//! every read on the database. The price of ours: every instance decides every signal, so
//! intake does not scale with instances (reads do), and a new instance replays the log to start.

pub mod command_log;
mod commands;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use elements_protocol::auth::{RedeemRequest, Role};
use elements_protocol::event::{ElementKind, EventBundle, Manifest};
use elements_protocol::live::{Announcement, PollResult};
use elements_protocol::signal::Signal;
use elements_protocol::sync::Entity;
use tokio::sync::broadcast;

use command_log::Position;
use commands::{Applied, Command, Entry, Outcome};

use super::{
    Caller, FeedPage, FeedPageJson, FloorPlan, ImportSummary, News, PushAnswer, PushReport, Redeemed, SqliteStore,
    Store, StoreError, StoreHealth,
};

/// A PostgreSQL error, named for the operator.
#[derive(Debug, thiserror::Error)]
pub enum PgError {
    #[error("the PostgreSQL database failed: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    #[error("a log position that this database did not make: {0}")]
    BadPosition(String),
    #[error("the PostgreSQL database is not safe for a cluster: {0}")]
    Unsafe(String),
    #[error("the PostgreSQL database did not answer within {0:?}")]
    Timeout(Duration),
}

/// The advisory lock whose holder publishes the live picture and the screens' figures.
const PUBLISHER_LOCK: i64 = 0x454c_454d_454e_5453; // "ELEMENTS"

/// How many commands one transaction appends at most (a replica applies them as one group).
const MOST_PER_APPEND: usize = 256;

/// How long a request waits for its command to be applied before it gives up (the command may
/// still be applied later: a retry is answered as a duplicate).
const ANSWER_WITHIN: Duration = Duration::from_secs(30);

/// Who waits for an appended command's outcome.
enum Waiter {
    Push(tokio::sync::oneshot::Sender<Result<PushReport, String>>),
    Other(std::sync::mpsc::SyncSender<Result<Outcome, String>>),
}

enum Request {
    Append(Entry),
    Head(std::sync::mpsc::SyncSender<Result<Position, String>>),
}

/// What the instance's threads share with the store.
struct Shared {
    url: String,
    origin: String,
    replica: Arc<SqliteStore>,
    waiters: Mutex<HashMap<u64, Waiter>>,
    /// The last log position applied to the replica.
    applied: (Mutex<Position>, Condvar),
    news: broadcast::Sender<News>,
    leader: AtomicBool,
    /// The log lost commands this replica applied: nothing more is taken.
    diverged: AtomicBool,
    queued: AtomicUsize,
    stop: AtomicBool,
}

/// A backend instance of a cluster on one PostgreSQL database (see the module's documentation).
pub struct PgStore {
    shared: Arc<Shared>,
    numbers: AtomicU64,
    writer: tokio::sync::mpsc::UnboundedSender<Request>,
    /// The replica's folder, removed with the store: a new instance replays the log.
    _replica_dir: tempfile::TempDir,
}

impl PgStore {
    /// Joins the cluster on the database at `url` (a `postgres://` URL): creates the log if it
    /// is missing, and returns once this instance's replica has applied the whole log.
    pub fn open(url: &str) -> Result<PgStore, StoreError> {
        let runtime = current_thread()?;
        let fresh_epoch = super::new_epoch();
        let epoch = runtime.block_on(async {
            let (client, connection) =
                tokio_postgres::connect(url, tokio_postgres::NoTls).await.map_err(PgError::from)?;
            tokio::spawn(connection);
            // With asynchronous commits a database crash can lose a command that replicas
            // already applied, and they would part ways for good.
            let commit: String = client.query_one("SHOW synchronous_commit", &[]).await.map_err(PgError::from)?.get(0);
            if commit == "off" {
                return Err(PgError::Unsafe(format!(
                    "synchronous_commit is {commit}: a crash could lose commands some instances applied; set it on"
                )));
            }
            command_log::create(&client).await?;
            command_log::epoch(&client, &fresh_epoch).await
        })?;
        drop(runtime);
        let dir = tempfile::Builder::new()
            .prefix("elements-replica-")
            .tempdir()
            .map_err(|e| StoreError::Damaged { what: "replica folder".into(), detail: e.to_string() })?;
        let replica = Arc::new(SqliteStore::open_replica(&dir.path().join("replica.sqlite"), &epoch)?);
        let (news, _) = broadcast::channel(1024);
        let shared = Arc::new(Shared {
            url: url.to_string(),
            origin: super::new_epoch(),
            replica,
            waiters: Mutex::new(HashMap::new()),
            applied: (Mutex::new(Position::START), Condvar::new()),
            news,
            leader: AtomicBool::new(false),
            diverged: AtomicBool::new(false),
            queued: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
        });
        let (writer, requests) = tokio::sync::mpsc::unbounded_channel();
        spawn("log-writer", {
            let shared = shared.clone();
            move || {
                if let Ok(rt) = current_thread() {
                    rt.block_on(async move {
                        tokio::spawn(hold_the_publisher_lock(shared.clone()));
                        write(shared, requests).await;
                    });
                }
            }
        })?;
        spawn("log-applier", {
            let shared = shared.clone();
            move || {
                if let Ok(rt) = current_thread() {
                    rt.block_on(apply(shared));
                }
            }
        })?;
        let store = PgStore { shared, numbers: AtomicU64::new(1), writer, _replica_dir: dir };
        // Serve nothing stale: the whole log first.
        if !store.caught_up(Duration::from_secs(3600)) {
            return Err(StoreError::Damaged {
                what: "replica".into(),
                detail: "it could not apply the shared log within an hour".into(),
            });
        }
        Ok(store)
    }

    /// The replica's SQLite file (for tests and operators who want to look: never write to it).
    pub fn replica_path(&self) -> std::path::PathBuf {
        self._replica_dir.path().join("replica.sqlite")
    }

    /// Whether this instance publishes the live picture now (holds the advisory lock).
    pub fn publishes(&self) -> bool {
        self.shared.leader.load(Ordering::Acquire)
    }

    /// Waits until the replica has applied everything committed before this call; false when
    /// that took longer than `within` or the database did not answer.
    pub fn caught_up(&self, within: Duration) -> bool {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        if self.writer.send(Request::Head(tx)).is_err() {
            return false;
        }
        let Ok(Ok(head)) = rx.recv_timeout(within) else { return false };
        let (lock, changed) = &self.shared.applied;
        let at = lock.lock().unwrap_or_else(|p| p.into_inner());
        let (at, _) = changed.wait_timeout_while(at, within, |at| *at < head).unwrap_or_else(|p| p.into_inner());
        *at >= head
    }

    fn entry(&self, command: Command) -> Result<Entry, StoreError> {
        Entry::new(self.numbers.fetch_add(1, Ordering::Relaxed), command)
    }

    fn append(&self, entry: Entry, waiter: Waiter) -> bool {
        if self.shared.diverged.load(Ordering::Acquire) {
            return false;
        }
        let number = entry.number;
        self.shared.waiters.lock().unwrap_or_else(|p| p.into_inner()).insert(number, waiter);
        self.shared.queued.fetch_add(1, Ordering::Relaxed);
        if self.writer.send(Request::Append(entry)).is_err() {
            self.shared.queued.fetch_sub(1, Ordering::Relaxed);
            self.shared.waiters.lock().unwrap_or_else(|p| p.into_inner()).remove(&number);
            return false;
        }
        true
    }

    /// Publishes live state computed by one instance at a time: `None` on the others.
    fn publish(&self, command: Command) -> Result<Option<Entity>, StoreError> {
        if !self.publishes() {
            return Ok(None);
        }
        match self.run(command)? {
            Outcome::Published(entity) => Ok(entity),
            _ => Err(unexpected("publish")),
        }
    }

    /// Appends `command` and waits until this instance's replica applied it.
    fn run(&self, command: Command) -> Result<Outcome, StoreError> {
        let entry = self.entry(command)?;
        let number = entry.number;
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let failed = |detail: String| StoreError::Damaged { what: "shared log".into(), detail };
        if !self.append(entry, Waiter::Other(tx)) {
            return Err(failed("this instance's log writer stopped".into()));
        }
        match rx.recv_timeout(ANSWER_WITHIN) {
            Ok(Ok(outcome)) => Ok(outcome),
            Ok(Err(detail)) => Err(failed(detail)),
            Err(_) => {
                self.shared.waiters.lock().unwrap_or_else(|p| p.into_inner()).remove(&number);
                Err(failed("the command was not applied in time".into()))
            }
        }
    }
}

impl Drop for PgStore {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Release);
    }
}

fn current_thread() -> Result<tokio::runtime::Runtime, StoreError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| StoreError::Damaged { what: "runtime".into(), detail: e.to_string() })
}

fn spawn(name: &str, f: impl FnOnce() + Send + 'static) -> Result<(), StoreError> {
    std::thread::Builder::new()
        .name(name.into())
        .spawn(f)
        .map(|_| ())
        .map_err(|e| StoreError::Damaged { what: format!("{name} thread"), detail: e.to_string() })
}

fn unexpected(what: &str) -> StoreError {
    StoreError::Damaged { what: "shared log".into(), detail: format!("a {what} command answered something else") }
}

async fn connect(url: &str) -> Result<tokio_postgres::Client, PgError> {
    let (client, connection) =
        tokio::time::timeout(Duration::from_secs(5), tokio_postgres::connect(url, tokio_postgres::NoTls))
            .await
            .map_err(|_| PgError::Timeout(Duration::from_secs(5)))??;
    tokio::spawn(connection);
    Ok(client)
}

/// The log writer: appends whatever requests queued meanwhile in one statement (group commit),
/// then wakes the followers. A failure fails the requests of that append (their devices retry;
/// a command that did commit is then answered as a duplicate) and reconnects on the next.
async fn write(shared: Arc<Shared>, mut requests: tokio::sync::mpsc::UnboundedReceiver<Request>) {
    let mut client: Option<tokio_postgres::Client> = None;
    while let Some(first) = requests.recv().await {
        let mut batch = vec![first];
        while batch.len() < MOST_PER_APPEND {
            match requests.try_recv() {
                Ok(r) => batch.push(r),
                Err(_) => break,
            }
        }
        let (mut entries, mut heads) = (Vec::new(), Vec::new());
        for request in batch {
            match request {
                Request::Append(entry) => entries.push(entry),
                Request::Head(reply) => heads.push(reply),
            }
        }
        shared.queued.fetch_sub(entries.len(), Ordering::Relaxed);
        if client.as_ref().is_none_or(|c| c.is_closed()) {
            client = connect(&shared.url)
                .await
                .map_err(|e| tracing::warn!(error = %e, "the shared log is unreachable"))
                .ok();
        }
        let Some(c) = &client else {
            fail(&shared, &entries, "the shared database is unreachable");
            for head in heads {
                let _ = head.send(Err("the shared database is unreachable".into()));
            }
            continue;
        };
        if !entries.is_empty() {
            let bodies: Result<Vec<String>, _> = entries.iter().map(serde_json::to_string).collect();
            let appended = match bodies {
                Ok(bodies) => command_log::append(c, &shared.origin, &bodies).await.map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            match appended {
                Ok(()) => {
                    let _ = command_log::wake(c).await;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "appending to the shared log failed");
                    fail(&shared, &entries, &e);
                    client = None;
                }
            }
        }
        for head in heads {
            let answer = match &client {
                Some(c) => command_log::head(c).await.map_err(|e| e.to_string()),
                None => Err("the shared database is unreachable".into()),
            };
            let _ = head.send(answer);
        }
    }
}

/// Fails every request waiting for its command.
fn fail_all(shared: &Shared, why: &str) {
    for (_, waiter) in shared.waiters.lock().unwrap_or_else(|p| p.into_inner()).drain() {
        match waiter {
            Waiter::Push(reply) => {
                let _ = reply.send(Err(why.to_string()));
            }
            Waiter::Other(reply) => {
                let _ = reply.send(Err(why.to_string()));
            }
        }
    }
}

fn fail(shared: &Shared, entries: &[Entry], why: &str) {
    let mut waiters = shared.waiters.lock().unwrap_or_else(|p| p.into_inner());
    for entry in entries {
        match waiters.remove(&entry.number) {
            Some(Waiter::Push(reply)) => {
                let _ = reply.send(Err(why.to_string()));
            }
            Some(Waiter::Other(reply)) => {
                let _ = reply.send(Err(why.to_string()));
            }
            None => {}
        }
    }
}

/// Holds the publisher's advisory lock while this instance can: on its own connection, so the
/// lock goes with the connection when the instance dies or the database restarts.
async fn hold_the_publisher_lock(shared: Arc<Shared>) {
    while !shared.stop.load(Ordering::Acquire) {
        if let Ok(client) = connect(&shared.url).await {
            loop {
                let held = if shared.leader.load(Ordering::Acquire) {
                    client.simple_query("SELECT 1").await.map(|_| true)
                } else {
                    client.query_one("SELECT pg_try_advisory_lock($1)", &[&PUBLISHER_LOCK]).await.map(|r| r.get(0))
                };
                match held {
                    Ok(held) => shared.leader.store(held, Ordering::Release),
                    Err(_) => break,
                }
                if shared.stop.load(Ordering::Acquire) {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
        shared.leader.store(false, Ordering::Release);
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// The applier: follows the log and applies each group (one appending transaction) to the
/// replica; answers this instance's waiting requests and tells its live listeners what other
/// instances decided.
async fn apply(shared: Arc<Shared>) {
    const PAGE: i64 = 1000;
    let mut at = Position::START;
    while !shared.stop.load(Ordering::Acquire) {
        let (client, mut wake_ups, driver) = match command_log::listen(&shared.url).await {
            Ok(listening) => listening,
            Err(e) => {
                tracing::warn!(error = %e, "following the shared log failed; trying again");
                tokio::time::sleep(Duration::from_millis(250)).await;
                continue;
            }
        };
        // A log that ends before what this replica applied lost commits (a database restored
        // from an older backup): this replica would skip what is appended next. Said loudly;
        // the instance must be restarted to replay the log as it now is.
        if let Ok(head) = command_log::head(&client).await {
            if head < at {
                tracing::error!(applied = %at.encode(), log_ends = %head.encode(),
                    "the shared log lost commands this replica applied; restart this instance");
                shared.diverged.store(true, Ordering::Release);
                fail_all(&shared, "this instance's replica is ahead of the shared log: restart it");
                return;
            }
        }
        loop {
            if shared.stop.load(Ordering::Acquire) {
                break;
            }
            let page = match command_log::read(&client, at, PAGE).await {
                Ok(page) => page,
                Err(e) => {
                    tracing::warn!(error = %e, "reading the shared log failed; reconnecting");
                    break;
                }
            };
            if page.is_empty() {
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_millis(500)) => {}
                    woke = wake_ups.recv() => if woke.is_none() { break },
                }
                continue;
            }
            let mut groups = group_by_transaction(page);
            if groups.len() > 1 && groups.iter().map(Vec::len).sum::<usize>() == PAGE as usize {
                // The last group may go on in the next page: applied whole, next time.
                groups.pop();
            }
            for group in groups {
                let Some(end) = group.last().map(|l| l.at) else { continue };
                let entries: Vec<(String, Entry)> = group
                    .into_iter()
                    .filter_map(|logged| match serde_json::from_str::<Entry>(&logged.body) {
                        Ok(entry) => Some((logged.origin, entry)),
                        // Every replica skips it alike: a newer instance's command, say.
                        Err(e) => {
                            tracing::error!(error = %e, at = %logged.at.encode(), "a logged command this instance cannot read");
                            None
                        }
                    })
                    .collect();
                let applied = commands::apply_group(&shared.replica, entries);
                answer(&shared, applied);
                at = end;
                let (lock, changed) = &shared.applied;
                *lock.lock().unwrap_or_else(|p| p.into_inner()) = at;
                changed.notify_all();
            }
        }
        driver.abort();
    }
}

fn group_by_transaction(page: Vec<command_log::Logged>) -> Vec<Vec<command_log::Logged>> {
    let mut groups: Vec<Vec<command_log::Logged>> = Vec::new();
    for logged in page {
        match groups.last_mut() {
            Some(g) if g.last().is_some_and(|l| l.at.txid == logged.at.txid) => g.push(logged),
            _ => groups.push(vec![logged]),
        }
    }
    groups
}

fn answer(shared: &Shared, applied: Vec<Applied>) {
    let mut news = News::default();
    for Applied { origin, number, outcome } in applied {
        let waiter = if origin == shared.origin {
            shared.waiters.lock().unwrap_or_else(|p| p.into_inner()).remove(&number)
        } else {
            None
        };
        match (waiter, outcome) {
            (Some(Waiter::Push(reply)), Ok(Outcome::Pushed(report))) => {
                let _ = reply.send(Ok(report));
            }
            (Some(Waiter::Push(reply)), Err(e)) => {
                let _ = reply.send(Err(e));
            }
            (Some(Waiter::Other(reply)), outcome) => {
                let _ = reply.send(outcome);
            }
            // Nobody here waits: another instance's, or a request that gave up.
            (_, Ok(outcome)) => match outcome {
                Outcome::Pushed(report) => {
                    news.signals_arrived = true;
                    news.live.extend(report.live);
                    news.targeted.extend(report.targeted);
                }
                Outcome::Announced(a) => news.live.push(Entity::Announcement(a)),
                Outcome::Published(Some(entity)) => news.live.push(entity),
                Outcome::Revealed(Some(result)) => news.live.push(Entity::PollResult(result)),
                _ => {}
            },
            (_, Err(e)) => tracing::warn!(error = %e, "a logged command failed here"),
        }
    }
    if news.signals_arrived || !news.live.is_empty() || !news.targeted.is_empty() {
        let _ = shared.news.send(news);
    }
}

impl Store for PgStore {
    fn health(&self) -> Result<StoreHealth, StoreError> {
        Ok(StoreHealth { intake_queue: self.shared.queued.load(Ordering::Relaxed), ..self.shared.replica.health()? })
    }
    fn replace_event(&self, bundle: &EventBundle) -> Result<ImportSummary, StoreError> {
        match self.run(Command::ReplaceEvent { bundle: Box::new(bundle.clone()) })? {
            Outcome::Imported(summary) => Ok(summary),
            _ => Err(unexpected("replace_event")),
        }
    }
    fn manifest(&self) -> Result<Option<Manifest>, StoreError> {
        self.shared.replica.manifest()
    }
    fn event_bundle(&self) -> Result<Option<EventBundle>, StoreError> {
        self.shared.replica.event_bundle()
    }
    fn qr_secret(&self) -> Result<[u8; 32], StoreError> {
        if let Some(secret) = self.shared.replica.existing_qr_secret()? {
            return Ok(secret);
        }
        match self.run(Command::MakeQrSecret)? {
            Outcome::QrSecret(secret) => Ok(secret),
            _ => Err(unexpected("qr_secret")),
        }
    }
    fn epoch(&self) -> &str {
        self.shared.replica.epoch()
    }
    fn head(&self, element: ElementKind) -> Result<i64, StoreError> {
        self.shared.replica.head(element)
    }
    fn changes(&self, element: ElementKind, after: i64, limit: u32) -> Result<FeedPage, StoreError> {
        self.shared.replica.changes(element, after, limit)
    }
    fn changes_json(&self, element: ElementKind, after: i64, limit: u32) -> Result<FeedPageJson, StoreError> {
        self.shared.replica.changes_json(element, after, limit)
    }
    fn people_head(&self, participant: &str) -> Result<i64, StoreError> {
        self.shared.replica.people_head(participant)
    }
    fn people_changes_json(&self, participant: &str, after: i64, limit: u32) -> Result<FeedPageJson, StoreError> {
        self.shared.replica.people_changes_json(participant, after, limit)
    }
    fn add_code(&self, code: &str, role: Role, personal: bool) -> Result<(), StoreError> {
        self.run(Command::AddCode { code: code.into(), role, personal }).map(|_| ())
    }
    fn cap_code(&self, code: &str, max_devices: Option<u32>) -> Result<bool, StoreError> {
        match self.run(Command::CapCode { code: code.into(), max_devices })? {
            Outcome::Capped(known) => Ok(known),
            _ => Err(unexpected("cap_code")),
        }
    }
    fn redeem(&self, request: &RedeemRequest) -> Result<Redeemed, StoreError> {
        match self.run(Command::Redeem { request: request.clone() })? {
            Outcome::Redeemed(r) => Ok(r),
            _ => Err(unexpected("redeem")),
        }
    }
    fn authenticate(&self, token: &str) -> Result<Option<Caller>, StoreError> {
        if let Some(caller) = self.shared.replica.authenticate(token)? {
            return Ok(Some(caller));
        }
        // Redeemed on another instance a moment ago, perhaps: not before this replica has
        // applied everything committed so far.
        if !self.caught_up(Duration::from_secs(5)) {
            return Err(StoreError::Damaged { what: "shared log".into(), detail: "this replica is behind".into() });
        }
        self.shared.replica.authenticate(token)
    }
    fn known_caller(&self, token: &str) -> Option<Caller> {
        self.shared.replica.known_caller(token)
    }
    fn submit(&self, caller: Caller, signals: Vec<Signal>, now: DateTime<Utc>) -> PushAnswer {
        let (reply, answer) = tokio::sync::oneshot::channel();
        match self.entry(Command::Signals { caller, signals, now }) {
            // A writer that stopped dropped the reply: the receiver reports the failure.
            Ok(entry) => {
                self.append(entry, Waiter::Push(reply));
            }
            Err(e) => {
                let _ = reply.send(Err(e.to_string()));
            }
        }
        answer
    }
    fn announce(&self, text: &str, now: DateTime<Utc>) -> Result<Announcement, StoreError> {
        match self.run(Command::Announce { text: text.into(), now })? {
            Outcome::Announced(a) => Ok(a),
            _ => Err(unexpected("announce")),
        }
    }
    fn put_plan(&self, floor_id: &str, content_type: &str, bytes: &[u8]) -> Result<String, StoreError> {
        use base64::Engine as _;
        let base64 = base64::engine::general_purpose::STANDARD.encode(bytes);
        match self.run(Command::PutPlan { floor_id: floor_id.into(), content_type: content_type.into(), base64 })? {
            Outcome::Plan(rev) => Ok(rev),
            _ => Err(unexpected("put_plan")),
        }
    }
    fn plan(&self, floor_id: &str) -> Result<Option<FloorPlan>, StoreError> {
        self.shared.replica.plan(floor_id)
    }
    fn photo(&self, viewer: &str, profile_id: &str) -> Result<Option<(String, Vec<u8>)>, StoreError> {
        self.shared.replica.photo(viewer, profile_id)
    }
    fn publish_live_picture(&self, now: DateTime<Utc>) -> Result<Option<Entity>, StoreError> {
        self.publish(Command::LivePicture { now })
    }
    fn analytics(
        &self,
        now: DateTime<Utc>,
    ) -> Result<Option<elements_protocol::analytics::AnalyticsReport>, StoreError> {
        self.shared.replica.analytics(now)
    }
    fn publish_screen_figures(&self, now: DateTime<Utc>) -> Result<Option<Entity>, StoreError> {
        self.publish(Command::ScreenFigures { now })
    }
    fn reveal_poll(&self, poll_id: &str, now: DateTime<Utc>) -> Result<Option<PollResult>, StoreError> {
        match self.run(Command::RevealPoll { poll_id: poll_id.into(), now })? {
            Outcome::Revealed(r) => Ok(r),
            _ => Err(unexpected("reveal_poll")),
        }
    }
    fn news(&self) -> Option<broadcast::Receiver<News>> {
        Some(self.shared.news.subscribe())
    }
}
