//! Helpers shared by the client's tests: the reference backend on 127.0.0.1, fresh caches.
#![allow(dead_code)]

pub mod proxy;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use elements_backend::http::Config;
use elements_backend::store::{SqliteStore, Store};
use elements_client::cache::Cache;
use elements_client::sync::Remote;
use elements_protocol::auth::Role;
use elements_protocol::event::EventBundle;

/// The join code the test backends accept.
pub const CODE: &str = "ATTEND";

pub struct Backend {
    pub url: String,
    pub store: Arc<SqliteStore>,
    /// Drop it (or `stop()` it) to take the backend away mid-test.
    pub server: elements_backend::testing::Loopback,
    pub dir: tempfile::TempDir,
}

/// The demo event, renamed and trimmed so that what the app shows can only have come over the wire.
pub fn served_event() -> EventBundle {
    let mut b: EventBundle = serde_json::from_str(elements_backend::DEMO_EVENT_JSON).expect("demo");
    b.manifest.id = "synced-summit".into();
    b.manifest.name = "Synced Summit".into();
    b.sessions.truncate(100);
    b
}

pub fn start_backend(bundle: &EventBundle) -> Backend {
    start_backend_with(bundle, Config::default())
}

/// 10 March 2027, 09:30 in Rotterdam: the demo's first poll is open until 09:45.
pub fn during_event() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2027-03-10T09:30:00+01:00").expect("time").with_timezone(&chrono::Utc)
}

/// A personal code (a ticket): every device that redeems it is the same participant.
pub const TICKET: &str = "TICKET-7";

pub fn start_backend_with(bundle: &EventBundle, config: Config) -> Backend {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Arc::new(SqliteStore::open(&dir.path().join("backend.sqlite3")).expect("store"));
    store.replace_event(bundle).expect("load");
    store.add_code(CODE, Role::Attendee, false).expect("code");
    store.add_code(TICKET, Role::Attendee, true).expect("ticket");
    let server = elements_backend::testing::Loopback::serve(store.clone(), config);
    Backend { url: server.url.clone(), store, server, dir }
}

pub fn fresh_cache(dir: &tempfile::TempDir) -> Mutex<Cache> {
    Mutex::new(Cache::open(&dir.path().join("cache.sqlite3")).expect("cache").cache)
}

pub fn remote(url: &str) -> Remote {
    Remote::new(url, Duration::from_secs(5)).expect("client")
}

/// A port on 127.0.0.1 where nothing listens.
pub fn dead_url() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("addr").port();
    drop(l);
    format!("http://127.0.0.1:{port}")
}

/// Polls `check` until it returns Some (bounded: 20 s).
pub fn eventually<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(v) = check() {
            return v;
        }
        assert!(std::time::Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A sync engine for tests: pulls every 100 ms, short timeouts and backoff, no circuit breaker.
pub fn quick_engine() -> elements_client::sync::EngineConfig {
    elements_client::sync::EngineConfig {
        interval: Duration::from_millis(100),
        timeout: Duration::from_secs(2),
        page_size: 200,
        backoff_base: Duration::from_millis(20),
        backoff_max: Duration::from_millis(200),
        breaker_after: 1000,
        breaker_cooldown: Duration::from_secs(1),
        trace: false,
        changes: Default::default(),
        trust: None,
    }
}
