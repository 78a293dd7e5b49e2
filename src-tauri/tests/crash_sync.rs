//! kill -9 of the real app binary in the middle of syncing with the reference backend on
//! 127.0.0.1, again and again: no signal in the outbox is ever lost or applied twice, and the
//! cache stays consistent and converges once a run completes.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;

use elements_backend::store::{SqliteStore, Store};
use elements_client::cache::{Cache, Decision};
use elements_protocol::auth::Role;
use elements_protocol::event::{EventBundle, Profile};
use elements_protocol::signal::{Action, Outcome};

const APP: &str = env!("CARGO_BIN_EXE_elements");
const EVENT: &str = "crash-summit";

fn big_event() -> EventBundle {
    let mut b: EventBundle = serde_json::from_str(elements_backend::DEMO_EVENT_JSON).expect("demo");
    b.manifest.id = EVENT.into();
    b.manifest.name = "Crash Summit".into();
    // Enough directory pages that a kill can land between (and inside) them.
    for i in 0..6000 {
        b.people.push(Profile {
            id: format!("gen-{i:05}"),
            name: format!("Generated Person {i}"),
            organization: Some("Load Test Ltd".into()),
            position: None,
            interests: vec!["rust".into(), "events".into()],
            ..Profile::default()
        });
    }
    b
}

/// Runs `--prepare-cache --join LINK` (join, push, pull, exit); kills it -9 after `kill_after`
/// sync progress lines if given. Returns whether it ran to completion.
fn run_app(data: &Path, link: &str, kill_after: Option<usize>) -> bool {
    let mut child = Command::new(APP)
        .args(["--prepare-cache", "--join", link, "--data-dir"])
        .arg(data)
        .env("ELEMENTS_SYNC_TRACE", "1")
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the app");
    let stderr = child.stderr.take().expect("stderr");
    let mut seen = 0;
    for line in BufReader::new(stderr).lines().map_while(Result::ok) {
        if line.contains("elements: sync:") {
            seen += 1;
            if kill_after == Some(seen) {
                child.kill().expect("SIGKILL");
                let _ = child.wait();
                return false;
            }
        }
    }
    let status = child.wait().expect("reap");
    assert!(status.success(), "the app failed to sync");
    true
}

/// The outbox, checked for consistency; returns decisions by signal id.
fn outbox(data: &Path) -> HashMap<String, Decision> {
    let conn = rusqlite::Connection::open(data.join("cache.sqlite3")).expect("open cache");
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("integrity_check");
    assert_eq!(check, "ok");
    drop(conn);
    let cache = Cache::open(&data.join("cache.sqlite3")).expect("open").cache;
    cache.outbox(EVENT).expect("outbox").into_iter().map(|e| (e.signal.id.clone(), e.decision)).collect()
}

fn backend_signals(db: &Path) -> HashMap<String, bool> {
    let conn = rusqlite::Connection::open(db).expect("backend db");
    let mut st = conn.prepare("SELECT id, outcome FROM signal").expect("query");
    let rows = st
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .expect("rows")
        .map(|r| {
            let (id, outcome) = r.expect("row");
            let o: Outcome = serde_json::from_str(&outcome).expect("outcome");
            (id, matches!(o, Outcome::Accepted { .. }))
        })
        .collect();
    rows
}

#[test]
fn kill_9_mid_sync_again_and_again_loses_no_signal_and_applies_none_twice() {
    let event = big_event();
    let backend_dir = tempfile::tempdir().expect("dir");
    let db = backend_dir.path().join("backend.sqlite3");
    let store = Arc::new(SqliteStore::open(&db).expect("store"));
    store.replace_event(&event).expect("load");
    store.add_code("CRASH", Role::Attendee, true).expect("code");
    let during = chrono::DateTime::parse_from_rfc3339("2027-03-10T09:30:00+01:00").expect("t").to_utc();
    let backend = elements_backend::testing::Loopback::serve(
        store.clone(),
        elements_backend::http::Config { clock: Some(during), ..Default::default() },
    );
    let url = backend.url.clone();
    let link = format!("elements://join?url={url}&code=CRASH");

    // The device's outbox before the first sync: a vote and check-ins, written by the app's own
    // cache code (what tapping in the UI does).
    let data = tempfile::tempdir().expect("dir");
    let mut cache = Cache::open(&data.path().join("cache.sqlite3")).expect("cache").cache;
    let at = during.fixed_offset();
    let mut made = vec![cache
        .record_signal(EVENT, Action::Vote { poll_id: "poll-opening".into(), option_id: "o1".into() }, at)
        .expect("vote")];
    for s in event.sessions.iter().take(40) {
        made.push(cache.record_signal(EVENT, Action::CheckIn { session_id: s.id.clone() }, at).expect("check-in"));
    }
    // Contacts: several batches, so kills land between batches too.
    for p in event.people.iter().take(450) {
        made.push(
            cache.record_signal(EVENT, Action::ContactExchange { profile_id: p.id.clone() }, at).expect("contact"),
        );
    }
    drop(cache);

    // A hundred kills, each after the first line of sync progress; when a run gets through
    // before its kill, the person taps on (more contacts in the outbox) and the backend says
    // "start over" for the directory (its pages come again), so the kills go on.
    const KILLS: usize = 100;
    let mut kills = 0;
    let mut completed = 0;
    let mut partly_sent = false;
    let mut more = event.people.iter().skip(450);
    for run in 0..3 * KILLS {
        if kills == KILLS {
            break;
        }
        assert!(run < 3 * KILLS - 1, "{kills} kills in {run} runs");
        let kill_after = 1;
        if run_app(data.path(), &link, Some(kill_after)) {
            completed += 1;
            let mut cache = Cache::open(&data.path().join("cache.sqlite3")).expect("cache").cache;
            cache.reset_element(elements_protocol::event::ElementKind::People).expect("start over");
            for p in more.by_ref().take(60) {
                made.push(
                    cache
                        .record_signal(EVENT, Action::ContactExchange { profile_id: p.id.clone() }, at)
                        .expect("contact"),
                );
            }
            continue;
        }
        kills += 1;
        let local = outbox(data.path());
        assert_eq!(local.len(), made.len(), "kill {kills} after line {kill_after}: a signal went missing");
        let remote = backend_signals(&db);
        let pending = local.values().filter(|d| **d == Decision::Pending).count();
        partly_sent |= pending > 0 && pending < made.len();
        for (id, decision) in &local {
            if *decision != Decision::Pending {
                assert!(remote.contains_key(id), "{id} decided locally but unknown to the backend");
            }
        }
    }
    assert_eq!(kills, KILLS, "the app finished before it could be killed mid-sync");
    assert!(partly_sent, "no kill landed between the first and the last batch of signals");
    eprintln!("killed the app {kills} times mid-sync ({completed} runs got through between kills)");
    // Restart without interruption: everything goes out, exactly once, and the cache converges.
    assert!(run_app(data.path(), &link, None));
    let local = outbox(data.path());
    let remote = backend_signals(&db);
    assert_eq!(remote.len(), made.len(), "every signal reached the backend exactly once");
    for s in &made {
        assert_eq!(local.get(&s.id), Some(&Decision::Accepted), "{} after the last run", s.id);
        assert_eq!(remote.get(&s.id), Some(&true), "{} accepted by the backend", s.id);
    }
    let votes: i64 = rusqlite::Connection::open(&db)
        .expect("db")
        .query_row("SELECT sum(votes) FROM tally", [], |r| r.get(0))
        .expect("tally");
    assert_eq!(votes, 1, "the vote counted once despite the kills");
    let conn = rusqlite::Connection::open(data.path().join("cache.sqlite3")).expect("cache");
    let profiles: i64 = conn.query_row("SELECT count(*) FROM profile", [], |r| r.get(0)).expect("count");
    assert_eq!(profiles, event.people.len() as i64, "the directory converged");
}

/// `--prepare-cache --join` is what provisioning scripts run: it must fail loudly when the join
/// failed or an Element did not sync, never print "synced" over a half-filled cache.
#[test]
fn prepare_cache_join_exits_non_zero_and_names_what_did_not_sync() {
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", l.local_addr().expect("addr"));
        drop(l);
        url
    };
    let run = |link: &str| {
        let data = tempfile::tempdir().expect("dir");
        let out = Command::new(APP)
            .args(["--prepare-cache", "--join", link, "--data-dir"])
            .arg(data.path())
            .output()
            .expect("run the app");
        (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let (ok, stderr) = run(&dead);
    assert!(!ok, "joining nothing succeeded: {stderr}");
    assert!(stderr.contains("could not join"), "{stderr}");
    assert!(!stderr.contains("elements: synced"), "{stderr}");

    // A backend whose map lives on a dead one: joined, but the map did not sync.
    let mut event: EventBundle = serde_json::from_str(elements_backend::DEMO_EVENT_JSON).expect("demo");
    for e in &mut event.manifest.elements {
        if e.kind == elements_protocol::event::ElementKind::Map {
            e.base_url = Some(dead.clone());
        }
    }
    let dir = tempfile::tempdir().expect("dir");
    let store = Arc::new(SqliteStore::open(&dir.path().join("backend.sqlite3")).expect("store"));
    store.replace_event(&event).expect("load");
    let backend = elements_backend::testing::Loopback::serve(store.clone(), Default::default());
    let (ok, stderr) = run(&backend.url);
    assert!(!ok, "a half-synced cache was reported as synced: {stderr}");
    assert!(stderr.contains("not synced") && stderr.contains("map:"), "{stderr}");
}
