//! The sync engine against the real reference backend on 127.0.0.1 (and, for broken answers, a
//! raw socket on 127.0.0.1 that misbehaves on purpose).

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use elements_backend::store::Store;
use elements_client::cache::Cache;
use elements_client::sync::{self, EngineConfig, Remote, SyncEngine, SyncError, Target};
use elements_protocol::event::ElementKind;
use elements_protocol::sync::EntityKind;

use crate::common::{dead_url, fresh_cache, remote, served_event, start_backend, Backend, CODE};

/// A cache that joined `backend` and pulled its agenda.
fn cache_with_agenda_from(backend: &Backend) -> (tempfile::TempDir, Mutex<Cache>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = fresh_cache(&dir);
    sync::join(&cache, &remote(&backend.url)).expect("join");
    sync::pull(&cache, &remote(&backend.url), ElementKind::Agenda, 64).expect("pull");
    (dir, cache)
}

/// An engine that retries fast and gives up on nothing, for tests that wait on it (bounded).
fn quick_engine() -> EngineConfig {
    EngineConfig {
        interval: Duration::from_millis(100),
        timeout: Duration::from_secs(2),
        page_size: 50,
        backoff_base: Duration::from_millis(20),
        backoff_max: Duration::from_millis(200),
        breaker_after: 50,
        breaker_cooldown: Duration::from_secs(1),
        trace: false,
        changes: Default::default(),
        trust: None,
    }
}

fn pull_all(cache: &Mutex<Cache>, r: &Remote) {
    // The directory needs a token: the cache redeems this code for one.
    cache.lock().expect("lock").set_code(r.base(), CODE).expect("code");
    for e in [ElementKind::Agenda, ElementKind::Map, ElementKind::Voting, ElementKind::Quests, ElementKind::People] {
        sync::pull(cache, r, e, 64).unwrap_or_else(|err| panic!("{e:?}: {err}"));
    }
}

#[test]
fn joining_and_pulling_fills_the_cache_with_exactly_what_the_backend_serves() {
    let served = served_event();
    let backend = start_backend(&served);
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = fresh_cache(&dir);
    let r = remote(&backend.url);
    let manifest = sync::join(&cache, &r).expect("join");
    assert_eq!(manifest.name, "Synced Summit");
    pull_all(&cache, &r);
    let c = cache.lock().expect("lock");
    assert_eq!(c.loaded_event().expect("event").expect("loaded").manifest.name, "Synced Summit");
    assert_eq!(c.count(EntityKind::Session).expect("count"), 100);
    assert_eq!(c.count(EntityKind::Speaker).expect("count"), served.speakers.len() as i64);
    assert_eq!(c.count(EntityKind::PointOfInterest).expect("count"), served.points_of_interest.len() as i64);
    assert_eq!(c.count(EntityKind::Profile).expect("count"), served.people.len() as i64);
    let s = &served.sessions[42];
    assert_eq!(c.session(&s.id).expect("read").as_ref(), Some(s), "the session arrived intact");
    assert_eq!(
        c.walk_graph().expect("read").as_ref(),
        Some(&served.walk),
        "the venue's walk graph, whole, in the map feed"
    );
    let counts: i64 = c.session_counts().expect("counts").iter().map(|(_, n)| i64::from(*n)).sum();
    assert_eq!(counts, 100, "every session sits in a programme day");
    let status = c.sync_status().expect("status");
    assert_eq!(status.len(), 5);
    assert!(status.iter().all(|s| s.synced_at.is_some() && s.last_error.is_none()));
}

#[test]
fn an_edited_schedule_arrives_as_updates_and_cancellations_and_an_idle_refresh_is_a_304() {
    let served = served_event();
    let backend = start_backend(&served);
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = fresh_cache(&dir);
    let r = remote(&backend.url);
    sync::join(&cache, &r).expect("join");
    pull_all(&cache, &r);

    let idle = sync::pull(&cache, &r, ElementKind::Agenda, 64).expect("idle pull");
    assert!(idle.not_modified && idle.changes == 0, "{idle:?}");

    let mut edited = served.clone();
    edited.sessions[7].title = "Quantum Harbour Logistics".into();
    let cancelled = edited.sessions.remove(30);
    backend.store.replace_event(&edited).expect("edit on the backend");
    let report = sync::pull(&cache, &r, ElementKind::Agenda, 64).expect("pull");
    assert_eq!((report.changes, report.not_modified), (2, false), "{report:?}");
    let c = cache.lock().expect("lock");
    assert_eq!(c.session(&cancelled.id).expect("read"), None, "the cancelled session is gone");
    assert_eq!(c.count(EntityKind::Session).expect("count"), 99);
    let found = c.search_sessions("quantum", 10).expect("search");
    assert_eq!(found.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), [edited.sessions[7].id.as_str()]);
    assert!(c
        .search_sessions(cancelled.title.split(' ').next().unwrap_or("x"), 200)
        .expect("search")
        .iter()
        .all(|s| s.id != cancelled.id));
}

#[test]
fn a_replaced_backend_database_makes_the_element_start_over() {
    let served = served_event();
    let first = start_backend(&served);
    let (_dir, cache) = cache_with_agenda_from(&first);

    // Same event, new database (another epoch), fewer sessions; the cached cursor is foreign.
    let mut smaller = served.clone();
    smaller.sessions.truncate(40);
    let second = start_backend(&smaller);
    let report = sync::pull(&cache, &remote(&second.url), ElementKind::Agenda, 64).expect("pull after restore");
    assert!(report.started_over, "{report:?}");
    assert_eq!(cache.lock().expect("lock").count(EntityKind::Session).expect("count"), 40);
    drop(first);
}

#[test]
fn an_unreachable_backend_is_an_error_and_loses_nothing() {
    let served = served_event();
    let backend = start_backend(&served);
    let (_dir, cache) = cache_with_agenda_from(&backend);
    let err = sync::pull(&cache, &remote(&dead_url()), ElementKind::Agenda, 64).expect_err("nobody listens");
    assert!(matches!(err, SyncError::Unreachable { .. }) && err.is_transient(), "{err}");
    assert_eq!(cache.lock().expect("lock").count(EntityKind::Session).expect("count"), 100);
}

/// Serves `answers` one connection each on 127.0.0.1, then stops: a backend that misbehaves.
fn misbehaving(answers: Vec<&'static [u8]>) -> (String, std::thread::JoinHandle<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let handle = std::thread::spawn(move || {
        for answer in answers {
            let Ok((mut stream, _)) = listener.accept() else { return };
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(answer);
            // Dropping the stream closes it, cutting any body short.
        }
    });
    (url, handle)
}

#[test]
fn truncated_bodies_5xx_and_garbage_are_errors_that_change_nothing() {
    let served = served_event();
    let backend = start_backend(&served);
    let (_dir, cache) = cache_with_agenda_from(&backend);
    let before = cache.lock().expect("lock").sync_position(ElementKind::Agenda).expect("position");

    let (url, server) = misbehaving(vec![
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{\"element\":\"agenda\",\"changes\":[",
        b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: 42\r\n\r\n{\"code\":\"internal\",\"message\":\"overloaded\"}",
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"hello\": 42}",
    ]);
    let r = remote(&url);
    let truncated = sync::pull(&cache, &r, ElementKind::Agenda, 64).expect_err("truncated");
    assert!(truncated.is_transient(), "{truncated}");
    let unavailable = sync::pull(&cache, &r, ElementKind::Agenda, 64).expect_err("503");
    assert!(
        matches!(unavailable, SyncError::Rejected { status: 503, .. }) && unavailable.is_transient(),
        "{unavailable}"
    );
    let garbage = sync::pull(&cache, &r, ElementKind::Agenda, 64).expect_err("garbage");
    assert!(matches!(garbage, SyncError::Garbled { .. }), "{garbage}");
    let _ = server.join();
    let c = cache.lock().expect("lock");
    assert_eq!(c.sync_position(ElementKind::Agenda).expect("position"), before, "the cursor did not move");
    assert_eq!(c.count(EntityKind::Session).expect("count"), 100);
}

#[test]
fn one_dead_backend_does_not_stall_the_other_elements() {
    let served = served_event();
    let backend = start_backend(&served);
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = Arc::new(fresh_cache(&dir));
    sync::join(&cache, &remote(&backend.url)).expect("join");
    cache.lock().expect("lock").set_code(&backend.url, CODE).expect("code");
    let config = quick_engine();
    let engine = SyncEngine::start(
        cache.clone(),
        vec![
            Target { element: ElementKind::Agenda, base_url: backend.url.clone(), event_id: "synced-summit".into() },
            Target { element: ElementKind::Map, base_url: dead_url(), event_id: "synced-summit".into() },
            Target { element: ElementKind::People, base_url: backend.url.clone(), event_id: "synced-summit".into() },
        ],
        config,
    );
    // Wait (bounded) until the live Elements synced and the dead one failed repeatedly.
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        let status = cache.lock().expect("lock").sync_status().expect("status");
        let ok = |e: ElementKind| status.iter().any(|s| s.element == e && s.synced_at.is_some());
        let failing = status.iter().any(|s| s.element == ElementKind::Map && s.failures >= 3);
        if ok(ElementKind::Agenda) && ok(ElementKind::People) && failing {
            break status;
        }
        assert!(Instant::now() < deadline, "engine did not converge: {status:?}");
        std::thread::sleep(Duration::from_millis(20));
    };
    let stopping = Instant::now();
    engine.stop();
    assert!(stopping.elapsed() < Duration::from_secs(5), "the engine stops promptly");
    let map = status.iter().find(|s| s.element == ElementKind::Map).expect("map status");
    assert!(map.last_error.as_deref().is_some_and(|e| e.contains("cannot reach")), "{map:?}");
    let c = cache.lock().expect("lock");
    assert_eq!(c.count(EntityKind::Session).expect("count"), 100);
    assert_eq!(c.count(EntityKind::Profile).expect("count"), served.people.len() as i64);
    assert_eq!(c.count(EntityKind::PointOfInterest).expect("count"), 0, "the map's backend is down");
    backend.server.stop();
}

#[test]
fn the_app_joins_an_event_by_url_keeps_it_across_restarts_and_reports_sync_health() {
    use elements_client::api::{AppApi, Clock};
    use elements_protocol::app::{ErrorCode, JoinArgs, SyncState};
    let served = served_event();
    let backend = start_backend(&served);
    let dir = tempfile::tempdir().expect("temp dir");
    let (api, _) = AppApi::start(dir.path(), Clock::System, &mut |_| {}).expect("start on the demo");
    assert_eq!(api.sync_status().expect("status").backend, None, "the bundled demo does not sync");

    let err = api.join_event(JoinArgs { url: "ftp://nope".into(), code: None }).expect_err("not http");
    assert_eq!(err.code, ErrorCode::InvalidArgument);
    let err = api.join_event(JoinArgs { url: dead_url(), code: None }).expect_err("nobody there");
    assert_eq!(err.code, ErrorCode::Unreachable);
    assert!(err.message.contains("try again"), "{}", err.message);
    assert_ne!(api.event_overview().expect("overview").name, "Synced Summit", "a failed join changes nothing");

    let err = api
        .join_event(JoinArgs { url: "elements://join?code=ATTEND".into(), code: None })
        .expect_err("a join link without a url");
    assert_eq!(err.code, ErrorCode::InvalidArgument);
    // The join QR's link: address and code in one, percent-encoded.
    let link = format!("elements://join?url={}%2F&code={CODE}", backend.url.replace(':', "%3A"));
    let overview = api.join_event(JoinArgs { url: link, code: None }).expect("join");
    assert_eq!(overview.name, "Synced Summit");
    assert_eq!(overview.days.iter().map(|d| d.session_count).sum::<u32>(), 100);
    let status = api.sync_status().expect("status");
    assert_eq!(status.backend.as_deref(), Some(backend.url.as_str()));
    assert_eq!(status.elements.len(), 5, "{status:?}");
    assert!(
        status.elements.iter().all(|e| e.state == SyncState::Synced
            && e.synced_at.is_some_and(|t| (chrono::Utc::now().timestamp() - t).abs() < 60)),
        "{status:?}"
    );
    drop(api);

    let (api, report) = AppApi::start(dir.path(), Clock::System, &mut |_| {}).expect("restart");
    assert!(!report.loaded_bundled_event, "a joined event is not replaced by the demo");
    assert_eq!(api.event_overview().expect("overview").name, "Synced Summit");
    api.resume_sync().expect("resume");
}

#[test]
fn a_renamed_speaker_is_found_by_the_new_name_only() {
    let served = served_event();
    let backend = start_backend(&served);
    let (_dir, cache) = cache_with_agenda_from(&backend);
    let session = served.sessions.iter().find(|s| !s.speaker_ids.is_empty()).expect("a session with speakers");
    let mut edited = served.clone();
    let speaker = edited.speakers.iter_mut().find(|s| s.id == session.speaker_ids[0]).expect("speaker");
    let old_name = speaker.name.split(' ').next_back().unwrap_or_default().to_string();
    speaker.name = "Zanzibar Quokkafeld".into();
    backend.store.replace_event(&edited).expect("rename on the backend");
    sync::pull(&cache, &remote(&backend.url), ElementKind::Agenda, 64).expect("pull the rename");
    let c = cache.lock().expect("lock");
    let found: Vec<String> = c.search_sessions("quokkafeld", 50).expect("search").into_iter().map(|s| s.id).collect();
    assert!(found.contains(&session.id), "{found:?}");
    let by_old: Vec<String> = c.search_sessions(&old_name, 200).expect("search").into_iter().map(|s| s.id).collect();
    let still_named = session.speaker_ids.iter().any(|id| {
        served.speakers.iter().any(|s| &s.id == id && id != &session.speaker_ids[0] && s.name.contains(&old_name))
    });
    assert!(still_named || !by_old.contains(&session.id), "found by the old name {old_name}");
}

#[test]
fn a_changed_manifest_reaches_a_device_that_joined_earlier_and_an_unchanged_one_costs_a_304() {
    let mut served = served_event();
    let backend = start_backend(&served);
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = Arc::new(fresh_cache(&dir));
    let r = remote(&backend.url);
    sync::join(&cache, &r).expect("join");
    assert!(!sync::refresh_manifest(&cache, &r).expect("refresh"), "unchanged: answered 304");

    // The organizer renames the event and moves the map to another backend.
    let map_backend = start_backend(&served);
    served.manifest.name = "Synced Summit (renamed)".into();
    for e in &mut served.manifest.elements {
        if e.kind == ElementKind::Map {
            e.base_url = Some(map_backend.url.clone());
        }
    }
    backend.store.replace_event(&served).expect("re-import");
    assert!(sync::refresh_manifest(&cache, &r).expect("refresh"), "changed");
    let manifest = cache.lock().expect("lock").loaded_event().expect("read").expect("event").manifest;
    assert_eq!(manifest.name, "Synced Summit (renamed)");
    let map = manifest.elements.iter().find(|e| e.kind == ElementKind::Map).expect("map");
    assert_eq!(map.base_url.as_deref(), Some(map_backend.url.as_str()));
    assert!(!sync::refresh_manifest(&cache, &r).expect("refresh"), "and now unchanged again");

    // A running engine follows the move: the map's places come from the new backend.
    let config = quick_engine();
    let engine = SyncEngine::start(
        cache.clone(),
        vec![Target { element: ElementKind::Map, base_url: backend.url.clone(), event_id: "synced-summit".into() }],
        config,
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let status = cache.lock().expect("lock").sync_status().expect("status");
        let from_new = status
            .iter()
            .any(|s| s.element == ElementKind::Map && s.synced_at.is_some() && s.base_url == map_backend.url);
        if from_new {
            break;
        }
        assert!(Instant::now() < deadline, "the map never synced from its new backend: {status:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
    engine.stop();
}

/// A first pull holds SQLite's checkpoints while it writes page after page and lets them go
/// when it ends, whether it ended well or not (a backend gone mid-way).
#[test]
fn a_first_pull_holds_checkpoints_only_while_it_runs() {
    let backend = start_backend(&served_event());
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = fresh_cache(&dir);
    sync::join(&cache, &remote(&backend.url)).expect("join");
    assert!(!cache.lock().expect("lock").checkpoints_held().expect("read"));
    sync::pull(&cache, &remote(&backend.url), ElementKind::Agenda, 16).expect("a first pull, many pages");
    assert!(!cache.lock().expect("lock").checkpoints_held().expect("read"), "let go after success");
    assert!(cache.lock().expect("lock").count(EntityKind::Session).expect("count") > 0);
    let failed = sync::pull(&cache, &remote(&dead_url()), ElementKind::Map, 16);
    assert!(failed.is_err());
    assert!(!cache.lock().expect("lock").checkpoints_held().expect("read"), "let go after a failure");
}
