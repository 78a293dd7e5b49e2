//! The app over HTTPS on 127.0.0.1, with a venue CA the test makes: joining, every Element's
//! sync, a signal pushed and the live stream, all in TLS; a certificate the device cannot trust
//! refused with a sentence; a plain http:// address across the internet flagged.

use std::sync::Arc;
use std::time::Duration;

use elements_backend::http::Config;
use elements_backend::store::{SqliteStore, Store};
use elements_client::api::{AppApi, Clock};
use elements_client::cache::Cache;
use elements_client::sync::EngineConfig;
use elements_protocol::app::{ErrorCode, JoinArgs, SyncState, VoteArgs};
use elements_protocol::auth::Role;
use elements_protocol::sync::EntityKind;
use elements_tls::testing::{TestCa, Validity};
use elements_tls::{ServerCert, Trust};

use crate::common::{during_event, eventually, served_event, CODE};

fn quick(trust: Option<Trust>) -> EngineConfig {
    EngineConfig {
        interval: Duration::from_secs(3600),
        timeout: Duration::from_secs(5),
        backoff_base: Duration::from_millis(20),
        backoff_max: Duration::from_millis(200),
        trust,
        ..EngineConfig::default()
    }
}

#[test]
fn the_app_joins_syncs_votes_and_listens_over_https_and_refuses_a_certificate_it_cannot_trust() {
    let dir = tempfile::tempdir().expect("dir");
    let ca = TestCa::new("Venue CA");
    let (cert, key) = ca.issue(&["127.0.0.1"], Validity::Current).write_to(dir.path());
    let store = Arc::new(SqliteStore::open(&dir.path().join("backend.sqlite3")).expect("store"));
    store.replace_event(&served_event()).expect("event");
    store.add_code(CODE, Role::Attendee, false).expect("code");
    store.add_code("STAFF", Role::Organizer, false).expect("staff code");
    let config = Config { clock: Some(during_event()), ..Default::default() };
    let backend = elements_backend::testing::Loopback::serve_tls(
        store.clone(),
        config,
        ServerCert::load(&cert, &key).expect("certificate"),
    );
    assert!(backend.url.starts_with("https://"));

    // A device that was not given the venue's CA: refused, saying why, nothing changed.
    let untrusting = tempfile::tempdir().expect("dir");
    let (api, _) = AppApi::start(untrusting.path(), Clock::Fixed(during_event()), &mut |_| {}).expect("start");
    let api = api.with_sync_config(quick(None));
    let err = api.join_event(JoinArgs { url: backend.url.clone(), code: Some(CODE.into()) }).expect_err("refused");
    assert_eq!(err.code, ErrorCode::Unreachable);
    assert!(err.message.contains("an authority this device does not trust"), "{}", err.message);
    assert_ne!(api.event_overview().expect("overview").name, "Synced Summit");
    drop(api);

    // Given the CA: joins, syncs every Element, pushes a vote, and hears the live stream.
    let device = tempfile::tempdir().expect("dir");
    let (api, _) = AppApi::start(device.path(), Clock::Fixed(during_event()), &mut |_| {}).expect("start");
    let trust = Trust::with_ca_pem(ca.pem().as_bytes()).expect("trust");
    let api = api.with_sync_config(quick(Some(trust.clone())));
    let overview =
        api.join_event(JoinArgs { url: backend.url.clone(), code: Some(CODE.into()) }).expect("join over https");
    assert_eq!(overview.name, "Synced Summit");
    let status = api.sync_status().expect("status");
    assert!(!status.unencrypted, "https is not flagged");
    assert!(status.elements.iter().all(|e| e.state == SyncState::Synced), "{status:?}");

    api.cast_vote(VoteArgs { poll_id: "poll-opening".into(), option_id: "o4".into() }).expect("vote");
    api.sync_now().expect("sync");
    eventually("the vote accepted over https", || {
        let s = api.sync_status().ok()?;
        s.elements.iter().all(|e| e.waiting == 0).then_some(())
    });

    let staff = reqwest::blocking::Client::builder()
        .tls_backend_preconfigured(trust.client_config())
        .build()
        .expect("staff client");
    let token = staff
        .post(format!("{}/v1/auth/redeem", backend.url))
        .json(&serde_json::json!({"code": "STAFF", "client_id": "desk"}))
        .send()
        .expect("redeem")
        .json::<elements_protocol::auth::RedeemResponse>()
        .expect("json")
        .token;
    let cache = Cache::open(&device.path().join("cache.sqlite3")).expect("open").cache;
    // The stream may connect a moment after joining: post until one arrives (bounded).
    let mut posted = 0;
    eventually("an announcement over the live stream in TLS", || {
        posted += 1;
        let resp = staff
            .post(format!("{}/v1/announcements", backend.url))
            .bearer_auth(&token)
            .json(&serde_json::json!({"text": format!("Doors open {posted}")}))
            .send()
            .expect("announce");
        assert_eq!(resp.status(), 201);
        (!cache.live_rows(EntityKind::Announcement).expect("rows").is_empty()).then_some(())
    });
}

#[test]
fn plain_http_is_flagged_only_beyond_this_device_and_the_private_network() {
    use elements_client::api::plain_http_beyond_the_lan as flagged;
    for lan in [
        "http://127.0.0.1:8480",
        "http://localhost:8480",
        "http://[::1]:8480",
        "http://10.0.0.5",
        "http://172.16.4.2",
        "http://192.168.1.20:8480",
        "http://169.254.10.1",
        "http://[fd12:3456::1]",
        "http://[fe80::1]",
        "http://eventserver:8480",
        "http://booth.local",
        "http://desk.lan",
        "http://api.home.arpa",
        "https://events.example.org",
        "https://8.8.8.8",
    ] {
        assert!(!flagged(lan), "{lan} must not be flagged");
    }
    for exposed in ["http://events.example.org", "http://8.8.8.8:8480", "http://172.32.0.1", "http://[2001:db8::1]"] {
        assert!(flagged(exposed), "{exposed} must be flagged");
    }
}
