//! Helpers shared by the backend's HTTP tests: a real server on 127.0.0.1 with the demo event.
#![allow(dead_code)]

use std::sync::Arc;

use chrono::{DateTime, Utc};
use elements_backend::http::Config;
use elements_backend::store::{SqliteStore, Store};
use elements_protocol::auth::{RedeemRequest, Role};
use elements_protocol::event::EventBundle;
use elements_protocol::sync::{Change, ChangesPage, EntityKind};

/// 10 March 2027, 09:30 in Rotterdam: the demo's first poll is open.
pub fn during_event() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2027-03-10T09:30:00+01:00").expect("time").with_timezone(&Utc)
}

/// A token for `code`, redeemed straight in the store.
pub fn redeem(store: &SqliteStore, code: &str, client_id: &str) -> String {
    store
        .redeem(&RedeemRequest { code: code.into(), client_id: client_id.into(), display_name: None, show_name: false })
        .map(|r| match r {
            elements_backend::store::Redeemed::Token(t) => t.token,
            other => panic!("{code}: {other:?}"),
        })
        .expect("redeem")
}

impl Server {
    /// The backend's database file.
    pub fn db_path(&self) -> std::path::PathBuf {
        self._dir.path().join("backend.sqlite3")
    }

    /// A client that sends the attendee token.
    pub fn client(&self) -> reqwest::Client {
        self.client_builder().build().expect("client")
    }

    pub fn client_builder(&self) -> reqwest::ClientBuilder {
        let mut headers = reqwest::header::HeaderMap::new();
        let value = format!("Bearer {}", self.token).parse().expect("header value");
        headers.insert(reqwest::header::AUTHORIZATION, value);
        reqwest::Client::builder().default_headers(headers)
    }
}

pub struct Server {
    pub token: String,
    pub base: String,
    pub store: Arc<SqliteStore>,
    // Dropped before the folder: the backend stops, then its database goes.
    _backend: elements_backend::testing::Loopback,
    _dir: tempfile::TempDir,
}

pub fn demo() -> EventBundle {
    serde_json::from_str(elements_backend::DEMO_EVENT_JSON).expect("demo event")
}

pub async fn start() -> Server {
    start_with(elements_backend::server::Limits::default()).await
}

/// A server with the given connection limits and timeouts (hostile-client tests use small ones).
pub async fn start_with(limits: elements_backend::server::Limits) -> Server {
    start_configured(limits, Config { clock: Some(during_event()), ..Default::default() }, &demo()).await
}

/// A server with the given limits, backend configuration and event.
pub async fn start_configured(limits: elements_backend::server::Limits, config: Config, event: &EventBundle) -> Server {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Arc::new(SqliteStore::open(&dir.path().join("backend.sqlite3")).expect("store"));
    store.replace_event(event).expect("load event");
    for (code, role) in [("ATTEND", Role::Attendee), ("STAFF", Role::Organizer), ("KIOSK", Role::Kiosk)] {
        store.add_code(code, role, false).expect("code");
    }
    let token = redeem(&store, "ATTEND", "test-client");
    let backend = elements_backend::testing::Loopback::serve_with(store.clone(), config, limits);
    Server { token, base: backend.url.clone(), store, _backend: backend, _dir: dir }
}

pub fn count(b: &EventBundle, kind: EntityKind) -> usize {
    match kind {
        EntityKind::Floor => b.floors.len(),
        EntityKind::Room => b.rooms.len(),
        EntityKind::Track => b.tracks.len(),
        EntityKind::Speaker => b.speakers.len(),
        EntityKind::Session => b.sessions.len(),
        EntityKind::PointOfInterest => b.points_of_interest.len(),
        EntityKind::Poll => b.polls.len(),
        EntityKind::Quest => b.quests.len(),
        EntityKind::Profile => b.people.len(),
        EntityKind::Scenario => b.scenarios.len(),
        EntityKind::WalkGraph => usize::from(!b.walk.is_empty()),
        EntityKind::PollResult
        | EntityKind::Leaderboard
        | EntityKind::Announcement
        | EntityKind::Question
        | EntityKind::Occupancy
        | EntityKind::ScreenFigures => 0,
        EntityKind::Contact | EntityKind::Meeting | EntityKind::Message | EntityKind::Lead | EntityKind::Notice => 0,
        EntityKind::Admission | EntityKind::RewardCode | EntityKind::LivePicture => 0,
    }
}

/// Pulls an Element's feed to the end from `cursor`, page by page (bounded).
pub async fn pull(
    client: &reqwest::Client,
    base: &str,
    element: &str,
    cursor: Option<String>,
    limit: u32,
) -> (Vec<Change>, String) {
    let mut cursor = cursor;
    let mut all = Vec::new();
    for _ in 0..1000 {
        let mut q = vec![("limit", limit.to_string())];
        if let Some(c) = &cursor {
            q.push(("cursor", c.clone()));
        }
        let resp = client.get(format!("{base}/v1/elements/{element}/changes")).query(&q).send().await.expect("GET");
        assert_eq!(resp.status(), 200);
        let page: ChangesPage = resp.json().await.expect("page");
        assert!(page.changes.len() <= limit as usize);
        all.extend(page.changes);
        cursor = Some(page.cursor);
        if !page.more {
            return (all, cursor.expect("cursor"));
        }
    }
    panic!("the feed did not end within 1000 pages");
}
