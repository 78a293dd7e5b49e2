//! Prints figures; asserts nothing about speed. Run: `cargo bench -p elements-client --bench first_sync`
//!
//! A generated large event (2,000 sessions, 20,000 directory profiles, 500 points of interest) is
//! served by the reference backend on 127.0.0.1 behind a byte-counting TCP relay. Measured:
//! * first sync (join + pull of every Element) into an empty cache, against raw rusqlite inserting
//!   the same rows in one transaction;
//! * a no-change refresh of the agenda: bytes on the wire both ways, and time.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use elements_backend::store::{SqliteStore, Store};
use elements_client::cache::Cache;
use elements_client::sync::{self, Remote};
use elements_protocol::event::{ElementKind, EventBundle, PointOfInterest, Profile};
use elements_protocol::sync::Entity;

fn large_event() -> EventBundle {
    let mut b: EventBundle = serde_json::from_str(elements_backend::DEMO_EVENT_JSON).expect("demo event");
    let base_sessions = b.sessions.clone();
    b.sessions.clear();
    for i in 0..2000 {
        let mut s = base_sessions[i % base_sessions.len()].clone();
        s.id = format!("gen-s{i:05}");
        s.title = format!("{} (#{i})", s.title);
        b.sessions.push(s);
    }
    let base_poi = b.points_of_interest.clone();
    b.points_of_interest = (0..500)
        .map(|i| PointOfInterest { id: format!("gen-poi{i:04}"), ..base_poi[i % base_poi.len()].clone() })
        .collect();
    let base_people = b.people.clone();
    b.people = (0..20_000)
        .map(|i| Profile { id: format!("gen-p{i:05}"), ..base_people[i % base_people.len()].clone() })
        .collect();
    b
}

/// Relays one backend on 127.0.0.1, counting every byte in both directions.
fn counting_relay(target: std::net::SocketAddr, counter: Arc<AtomicU64>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind relay");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let Ok(server) = TcpStream::connect(target) else { continue };
            for (mut from, mut to) in
                [(client.try_clone().expect("clone"), server.try_clone().expect("clone")), (server, client)]
            {
                let counter = counter.clone();
                std::thread::spawn(move || {
                    let mut buf = [0u8; 64 * 1024];
                    while let Ok(n) = from.read(&mut buf) {
                        if n == 0 || to.write_all(&buf[..n]).is_err() {
                            break;
                        }
                        counter.fetch_add(n as u64, Ordering::Relaxed);
                    }
                    let _ = to.shutdown(std::net::Shutdown::Write);
                });
            }
        }
    });
    format!("http://{addr}")
}

fn raw_rusqlite_rate(bundle: &EventBundle) -> (usize, Duration) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut conn = rusqlite::Connection::open(dir.path().join("raw.sqlite3")).expect("open");
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; CREATE TABLE t (kind TEXT, id TEXT PRIMARY KEY, body TEXT) STRICT;")
        .expect("schema");
    let rows: Vec<(String, String, String)> = Entity::all_of(bundle)
        .iter()
        .map(|e| {
            (
                e.kind().as_str().to_string(),
                format!("{}-{}", e.kind().as_str(), e.id()),
                serde_json::to_string(e).expect("json"),
            )
        })
        .collect();
    let started = Instant::now();
    let tx = conn.transaction().expect("tx");
    {
        let mut st = tx.prepare("INSERT INTO t (kind, id, body) VALUES (?1, ?2, ?3)").expect("prepare");
        for (k, id, body) in &rows {
            st.execute(rusqlite::params![k, id, body]).expect("insert");
        }
    }
    tx.commit().expect("commit");
    (rows.len(), started.elapsed())
}

fn main() {
    elements_tls::install_default_provider();
    let bundle = large_event();
    let rows = Entity::all_of(&bundle).len();
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Arc::new(SqliteStore::open(&dir.path().join("backend.sqlite3")).expect("store"));
    let t = Instant::now();
    store.replace_event(&bundle).expect("import");
    store.add_code("BENCH", elements_protocol::auth::Role::Attendee, false).expect("code");
    println!("backend import of the large event: {rows} entities in {:.0} ms", t.elapsed().as_secs_f64() * 1e3);

    let backend = elements_backend::testing::Loopback::serve(store.clone(), Default::default());
    let backend_addr: std::net::SocketAddr =
        backend.url.trim_start_matches("http://").parse().expect("the backend's address");
    let wire = Arc::new(AtomicU64::new(0));
    let url = counting_relay(backend_addr, wire.clone());

    // Run 1 is the first device after the import: the backend reads and compresses every page.
    // Later runs are the next devices at the same head: pages come from its page cache.
    let runs = if std::env::var_os("ELEMENTS_BENCH_QUICK").is_some() { 1 } else { 3 };
    let (mut sync_ms, mut ratios) = (Vec::new(), Vec::new());
    for run in 1..=runs {
        let cache_dir = tempfile::tempdir().expect("temp dir");
        let cache = Mutex::new(Cache::open(&cache_dir.path().join("cache.sqlite3")).expect("cache").cache);
        let remote = Remote::new(&url, Duration::from_secs(30)).expect("client");
        wire.store(0, Ordering::Relaxed);
        let t = Instant::now();
        sync::join(&cache, &remote).expect("join");
        // The directory needs a token: redeeming it is part of a first sync.
        cache.lock().expect("lock").set_code(&url, "BENCH").expect("code");
        let mut pages = 0;
        for e in [ElementKind::Agenda, ElementKind::Map, ElementKind::Voting, ElementKind::Quests, ElementKind::People]
        {
            pages += sync::pull(&cache, &remote, e, 2000).expect("pull").pages;
        }
        let sync_time = t.elapsed();
        let sync_bytes = wire.load(Ordering::Relaxed);
        let (raw_rows, raw_time) = raw_rusqlite_rate(&bundle);
        let sync_rate = rows as f64 / sync_time.as_secs_f64();
        let raw_rate = raw_rows as f64 / raw_time.as_secs_f64();
        println!(
            "run {run}: first sync {rows} entities in {:.0} ms ({pages} pages, {:.1} MB on the wire gzipped) = {:.0} rows/s; \
             raw rusqlite one transaction {:.0} ms = {:.0} rows/s; ratio {:.2}",
            sync_time.as_secs_f64() * 1e3,
            sync_bytes as f64 / 1e6,
            sync_rate,
            raw_time.as_secs_f64() * 1e3,
            raw_rate,
            sync_rate / raw_rate
        );
        sync_ms.push(sync_time.as_secs_f64() * 1e3);
        ratios.push(sync_rate / raw_rate);
        wire.store(0, Ordering::Relaxed);
        let t = Instant::now();
        let report = sync::pull(&cache, &remote, ElementKind::Agenda, 2000).expect("refresh");
        println!(
            "run {run}: no-change agenda refresh: {} bytes on the wire (request + answer), {:.1} ms, 304: {}",
            wire.load(Ordering::Relaxed),
            t.elapsed().as_secs_f64() * 1e3,
            report.not_modified
        );
        // What a start of the app pays to open this cache: SQLite's quick check plus reading
        // the event record and every session once (damage SQLite cannot see).
        drop(cache);
        let t = Instant::now();
        let reopened = Cache::open(&cache_dir.path().join("cache.sqlite3")).expect("reopen");
        assert!(reopened.recovery.is_none());
        println!("run {run}: reopening the cache (checks included): {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    // For `cargo xtask bench`'s table: medians of the runs.
    println!("figure first_sync_ms {:.0} ms", median(sync_ms));
    println!("figure first_sync_vs_raw_sqlite {:.2} x", median(ratios));
    // Where the time goes: the same pages fetched and decoded (from the backend's page cache by
    // now), without storing them.
    let http = reqwest::blocking::Client::new();
    let token: elements_protocol::auth::RedeemResponse = http
        .post(format!("{url}/v1/auth/redeem"))
        .json(&serde_json::json!({"code": "BENCH", "client_id": "bench"}))
        .send()
        .and_then(|r| r.json())
        .expect("redeem");
    let t = Instant::now();
    let mut fetch_only = 0;
    let mut decode = Duration::ZERO;
    for e in ["agenda", "map", "voting", "quests", "people"] {
        let mut cursor: Option<String> = None;
        loop {
            let mut q = vec![("limit", "2000".to_string())];
            if let Some(c) = &cursor {
                q.push(("cursor", c.clone()));
            }
            let bytes = http
                .get(format!("{url}/v1/elements/{e}/changes"))
                .query(&q)
                .bearer_auth(&token.token)
                .send()
                .and_then(|r| r.bytes())
                .expect("page");
            let d = Instant::now();
            let page: elements_protocol::sync::ChangesPage = serde_json::from_slice(&bytes).expect("page json");
            decode += d.elapsed();
            fetch_only += page.changes.len();
            cursor = Some(page.cursor);
            if !page.more {
                break;
            }
        }
    }
    println!(
        "fetch + decode only (nothing stored): {fetch_only} entities in {:.0} ms, of which client JSON decoding {:.0} ms",
        t.elapsed().as_secs_f64() * 1e3,
        decode.as_secs_f64() * 1e3
    );

    https_cost(&store, &bundle, &url);
}

/// What HTTPS adds: a new connection's request (TCP + TLS 1.3 handshake + one small answer) over
/// HTTPS against plain HTTP to the same backend, and a whole first sync over HTTPS (pages from the
/// page cache by now, as for the second device on, compared with plain HTTP).
fn https_cost(store: &Arc<SqliteStore>, bundle: &EventBundle, plain_url: &str) {
    use elements_tls::testing::{TestCa, Validity};
    let dir = tempfile::tempdir().expect("temp dir");
    let ca = TestCa::new("Bench CA");
    let (cert, key) = ca.issue(&["127.0.0.1"], Validity::Current).write_to(dir.path());
    let cert = elements_tls::ServerCert::load(&cert, &key).expect("certificate");
    let secure = elements_backend::testing::Loopback::serve_tls(store.clone(), Default::default(), cert);
    let trust = elements_tls::Trust::with_ca_pem(ca.pem().as_bytes()).expect("trust");
    let median = |url: &str, trust: Option<&elements_tls::Trust>| {
        let mut times: Vec<f64> = (0..30)
            .map(|_| {
                // A new client each time: a new connection, a full handshake.
                let remote = Remote::trusting(url, Duration::from_secs(30), trust).expect("client");
                let t = Instant::now();
                remote.manifest().expect("manifest");
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        times.sort_by(f64::total_cmp);
        times[times.len() / 2]
    };
    let (plain, tls) = (median(plain_url, None), median(&secure.url, Some(&trust)));
    println!(
        "a new connection's first request (the manifest), median of 30: HTTP {plain:.2} ms, HTTPS {tls:.2} ms: the TLS handshake costs {:.2} ms",
        tls - plain
    );
    let sync = |url: &str, trust: Option<&elements_tls::Trust>| {
        let cache_dir = tempfile::tempdir().expect("temp dir");
        let cache = Mutex::new(Cache::open(&cache_dir.path().join("cache.sqlite3")).expect("cache").cache);
        let remote = Remote::trusting(url, Duration::from_secs(30), trust).expect("client");
        let t = Instant::now();
        sync::join(&cache, &remote).expect("join");
        cache.lock().expect("lock").set_code(url, "BENCH").expect("code");
        for e in [ElementKind::Agenda, ElementKind::Map, ElementKind::Voting, ElementKind::Quests, ElementKind::People]
        {
            sync::pull(&cache, &remote, e, 2000).expect("pull");
        }
        t.elapsed().as_secs_f64() * 1e3
    };
    let rows = Entity::all_of(bundle).len();
    let (plain_sync, tls_sync) = (sync(plain_url, None), sync(&secure.url, Some(&trust)));
    println!(
        "first sync of {rows} entities (pages cached): HTTP {plain_sync:.0} ms, HTTPS {tls_sync:.0} ms: HTTPS adds {:.0} ms ({:+.1} %)",
        tls_sync - plain_sync,
        (tls_sync / plain_sync - 1.0) * 100.0
    );
}
