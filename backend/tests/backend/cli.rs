//! The `elements-backend` command as an organizer runs it.

use std::process::Command;

const BACKEND: &str = env!("CARGO_BIN_EXE_elements-backend");

fn fixture(name: &str) -> String {
    format!("{}/../import/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn import_of_local_times_without_a_zone_asks_for_timezone_and_then_imports() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("backend.sqlite3");
    let run = |extra: &[&str]| {
        let mut c = Command::new(BACKEND);
        c.args(["import", &fixture("pentabarf-fosdem.xml"), "--db"]).arg(&db).args(extra);
        c.output().expect("run elements-backend")
    };
    let refused = run(&[]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success(), "{stderr}");
    assert!(stderr.contains("--timezone"), "{stderr}");

    let bad_zone = run(&["--timezone", "Brussels"]);
    assert!(!bad_zone.status.success());
    assert!(String::from_utf8_lossy(&bad_zone.stderr).contains("Europe/Brussels"));

    let imported = run(&["--timezone", "Europe/Brussels"]);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    assert!(String::from_utf8_lossy(&imported.stdout).contains("\"FOSDEM 2026\": 4 sessions"));
}

/// An Elements event file imports its floor plans from beside it; the backend serves each with
/// its revision as ETag, and the feed names that revision; `qr-codes` writes a location code and
/// a map link for every place. A plan that is not an image is refused, naming the floor.
#[tokio::test]
async fn an_event_file_brings_its_floor_plans_which_are_served_by_revision() {
    use elements_backend::store::{SqliteStore, Store};
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("backend.sqlite3");
    let event = format!("{}/../assets/demo-event/event.json", env!("CARGO_MANIFEST_DIR"));
    let imported = Command::new(BACKEND).args(["import", &event, "--db"]).arg(&db).output().expect("run");
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    let codes = Command::new(BACKEND)
        .args(["qr-codes", "--out"])
        .arg(dir.path().join("codes"))
        .arg("--db")
        .arg(&db)
        .output()
        .expect("run");
    let printed = String::from_utf8_lossy(&codes.stdout);
    assert!(codes.status.success(), "{}", String::from_utf8_lossy(&codes.stderr));
    assert!(
        printed.contains("location-poi-info.svg  elements://here?")
            && printed.contains("place-poi-info.svg  elements://place?"),
        "{printed}"
    );

    let store = std::sync::Arc::new(SqliteStore::open(&db).expect("store"));
    let plan = store.plan("floor-0").expect("read").expect("the ground floor's plan");
    assert_eq!(plan.content_type, "image/svg+xml");
    let feed = store.changes(elements_protocol::event::ElementKind::Map, 0, 1000).expect("feed");
    let floor = feed
        .changes
        .iter()
        .find_map(|c| match c {
            elements_protocol::sync::Change::Upsert { entity: elements_protocol::sync::Entity::Floor(f) }
                if f.id == "floor-0" =>
            {
                Some(f.clone())
            }
            _ => None,
        })
        .expect("the floor in the feed");
    assert_eq!(floor.plan_rev.as_deref(), Some(plan.rev.as_str()), "the feed names the plan's revision");

    let server = elements_backend::testing::Loopback::serve(store.clone(), Default::default());
    let client = reqwest::Client::new();
    let url = format!("{}/v1/floors/floor-0/plan", server.url);
    let resp = client.get(&url).send().await.expect("GET");
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "image/svg+xml");
    assert!(resp.headers()["content-security-policy"].to_str().expect("ascii").contains("default-src 'none'"));
    let etag = resp.headers()["etag"].to_str().expect("ascii").to_string();
    assert!(etag.contains(&plan.rev), "{etag}");
    assert!(resp.bytes().await.expect("body").starts_with(b"<svg"));
    let again = client.get(&url).header("If-None-Match", &etag).send().await.expect("GET");
    assert_eq!(again.status(), 304);
    let missing = client.get(format!("{}/v1/floors/floor-9/plan", server.url)).send().await.expect("GET");
    assert_eq!(missing.status(), 404);
    server.stop();

    // A PDF saved as the plan: refused with the floor and the file named; the event is unchanged.
    let broken = tempfile::tempdir().expect("temp dir");
    let mut b: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&event).expect("read")).expect("json");
    b["floors"][0]["plan_image"] = "plan.png".into();
    std::fs::write(broken.path().join("event.json"), b.to_string()).expect("write");
    std::fs::write(broken.path().join("plan.png"), b"%PDF-1.7 not a picture").expect("write");
    let refused = Command::new(BACKEND)
        .arg("import")
        .arg(broken.path().join("event.json"))
        .arg("--db")
        .arg(&db)
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        !refused.status.success() && stderr.contains("floor \"floor-0\"") && stderr.contains("plan.png"),
        "{stderr}"
    );
}

/// A schedule with the venue from a published IMDF archive: its levels become the floors, with
/// plans drawn from the units, and its places and walk graph replace the event's.
#[test]
fn import_takes_the_venue_from_an_imdf_archive() {
    use elements_backend::store::{SqliteStore, Store};
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("backend.sqlite3");
    let event = format!("{}/../assets/demo-event/event.json", env!("CARGO_MANIFEST_DIR"));
    let venue = fixture("imdf-spbstu");
    let out = Command::new(BACKEND).args(["import", &event, "--venue", &venue, "--db"]).arg(&db).output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("3 floors"), "{stderr}");
    let store = SqliteStore::open(&db).expect("store");
    let feed = store.changes(elements_protocol::event::ElementKind::Map, 0, 10_000).expect("feed");
    let floors: Vec<elements_protocol::event::Floor> = feed
        .changes
        .into_iter()
        .filter_map(|c| match c {
            elements_protocol::sync::Change::Upsert { entity: elements_protocol::sync::Entity::Floor(f) } => Some(f),
            _ => None,
        })
        .collect();
    assert_eq!(floors.len(), 3);
    for f in &floors {
        let plan = store.plan(&f.id).expect("read").expect("a plan drawn for every level");
        assert_eq!(Some(plan.rev.as_str()), f.plan_rev.as_deref());
        assert!(plan.bytes.starts_with(b"<svg"));
    }
    let missing = Command::new(BACKEND)
        .args(["import", &event, "--venue", "/nonexistent", "--db"])
        .arg(&db)
        .output()
        .expect("run");
    assert!(!missing.status.success() && String::from_utf8_lossy(&missing.stderr).contains("level.geojson is missing"));
}

/// An organizer built an event (polls, quests, venue) and then imports an updated schedule
/// export while `serve` runs: the schedule's parts change, the authored parts stay (what they
/// lost is named), and the running server decides with what the database now holds — after
/// `import --replace` drops the polls, a vote on one is refused as unknown within seconds.
#[test]
fn a_schedule_update_keeps_what_the_organizer_built_and_the_running_server_follows_imports() {
    use elements_backend::store::{SqliteStore, Store};
    use std::io::BufRead;
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("backend.sqlite3");
    let assets = format!("{}/../assets/demo-event", env!("CARGO_MANIFEST_DIR"));
    let mut event: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{assets}/event.json")).expect("read")).expect("json");
    event["manifest"]["id"] = "my-summit".into();
    std::fs::write(dir.path().join("event.json"), event.to_string()).expect("write");
    for plan in ["floor-0.svg", "floor-1.svg"] {
        std::fs::copy(format!("{assets}/{plan}"), dir.path().join(plan)).expect("plan");
    }
    let backend = |args: &[&str]| {
        let out = Command::new(BACKEND).args(args).arg("--db").arg(&db).output().expect("run");
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "{args:?}: {text}");
        text
    };
    backend(&["import", &dir.path().join("event.json").display().to_string()]);
    backend(&["code", "ATTEND", "--role", "attendee"]);
    let polls_before = SqliteStore::open(&db).expect("store").event_bundle().expect("read").expect("event").polls;

    let mut server = Command::new(BACKEND)
        .args(["serve", "--listen", "127.0.0.1:0", "--clock", "2027-03-10T09:30:00+01:00", "--db"])
        .arg(&db)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("serve");
    let mut line = String::new();
    std::io::BufReader::new(server.stdout.take().expect("stdout")).read_line(&mut line).expect("line");
    let base = line.trim().rsplit(' ').next().expect("address").to_string();
    let http = reqwest::blocking::Client::new();
    let token = http
        .post(format!("{base}/v1/auth/redeem"))
        .json(&serde_json::json!({"code": "ATTEND", "client_id": "follow"}))
        .send()
        .expect("redeem")
        .json::<elements_protocol::auth::RedeemResponse>()
        .expect("token")
        .token;
    let mut n = 0;
    let mut vote = || -> serde_json::Value {
        n += 1;
        let batch = serde_json::json!({"signals": [{
            "id": format!("v-{n}"), "client_id": "follow", "seq": n, "schema_version": 1,
            "created_at": "2027-03-10T09:31:00+01:00", "type": "vote", "poll_id": "poll-opening", "option_id": "o1"
        }]});
        let answer: serde_json::Value = http
            .post(format!("{base}/v1/signals"))
            .bearer_auth(&token)
            .json(&batch)
            .send()
            .expect("vote")
            .json()
            .expect("json");
        answer["results"][0].clone()
    };

    // The updated export: another programme altogether, so every poll's session is gone.
    let said = backend(&["import", &fixture("merged-frab.xml")]);
    assert!(
        said.contains("warning: poll \"poll-opening\" refers to session \"s1-001\"") && said.contains("kept"),
        "{said}"
    );
    let after = SqliteStore::open(&db).expect("store").event_bundle().expect("read").expect("event");
    assert_eq!(after.manifest.id, "my-summit", "the event stays the organizer's");
    assert_eq!(after.polls, polls_before, "every poll kept");
    assert!(!after.quests.is_empty() && !after.points_of_interest.is_empty() && !after.floors.is_empty());
    assert!(after.sessions.iter().any(|s| s.title == "Opening"), "the new programme is in");
    assert!(!after.sessions.iter().any(|s| s.id == "s1-001"), "the old programme is out");
    assert_eq!(vote()["outcome"], "accepted", "the kept poll still takes votes");

    // --replace: the schedule alone. The running server notices and refuses the gone poll.
    backend(&["import", &fixture("merged-frab.xml"), "--replace"]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    let refused = loop {
        // Until the server knows: "already voted" (the old poll, still in its memory).
        let result = vote();
        if result["reason"] == "unknown_target" {
            break result;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the running server still takes votes on a deleted poll: {result}"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    assert_eq!(refused["outcome"], "rejected", "{refused}");
    assert!(refused["message"].as_str().unwrap_or_default().contains("poll-opening"), "{refused}");
    let _ = server.kill();
    let _ = server.wait();
}

/// `follow URL --every 1s` against a schedule served on 127.0.0.1 with ETags: the schedule is
/// imported, an unchanged one costs a `304`, and a moved talk arrives in the event.
#[test]
fn follow_keeps_a_published_schedule_in_step_with_conditional_requests() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("backend.sqlite3");
    let original = std::fs::read_to_string(fixture("merged-frab.xml")).expect("fixture");
    let published = Arc::new(Mutex::new(original.clone()));
    let (asked, not_modified) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let url = runtime.block_on({
        let (published, asked, not_modified) = (published.clone(), asked.clone(), not_modified.clone());
        async move {
            let app = axum::Router::new().route(
                "/schedule.xml",
                axum::routing::get(move |headers: axum::http::HeaderMap| {
                    let (published, asked, not_modified) = (published.clone(), asked.clone(), not_modified.clone());
                    async move {
                        asked.fetch_add(1, Ordering::SeqCst);
                        let body = published.lock().expect("lock").clone();
                        let tag = format!("\"{:x}\"", elements_domain::fingerprint_bytes(body.as_bytes()));
                        if headers.get("if-none-match").and_then(|v| v.to_str().ok()) == Some(tag.as_str()) {
                            not_modified.fetch_add(1, Ordering::SeqCst);
                            return (axum::http::StatusCode::NOT_MODIFIED, [("etag", tag)], String::new());
                        }
                        (axum::http::StatusCode::OK, [("etag", tag)], body)
                    }
                }),
            );
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let url = format!("http://{}/schedule.xml", listener.local_addr().expect("addr"));
            tokio::spawn(async move { axum::serve(listener, app).await });
            url
        }
    });
    let mut follower = Command::new(BACKEND)
        .args(["follow", &url, "--every", "1s", "--db"])
        .arg(&db)
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(dir.path().join("follow.log")).expect("log"))
        .spawn()
        .expect("follow");
    // Read-only, as a reporting tool would: the follower is the only writer.
    let opening_at = |db: &std::path::Path| -> Option<String> {
        let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).ok()?;
        let mut st = conn.prepare("SELECT body FROM entity WHERE kind = 'session'").ok()?;
        let bodies: Vec<String> = st.query_map([], |r| r.get(0)).ok()?.filter_map(Result::ok).collect();
        bodies.iter().find_map(|b| {
            let v: serde_json::Value = serde_json::from_str(b).ok()?;
            let s = &v["body"];
            (s["title"] == "Opening").then(|| s["starts_at"].as_str().map(str::to_string)).flatten()
        })
    };
    let wait_for = |what: &str, check: &dyn Fn() -> bool| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while !check() {
            let log = std::fs::read_to_string(dir.path().join("follow.log")).unwrap_or_default();
            assert!(std::time::Instant::now() < deadline, "follow: {what} within 20 s; it said:\n{log}");
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    };
    wait_for("the schedule imported", &|| opening_at(&db).as_deref() == Some("2025-12-27T11:00:00+01:00"));
    wait_for("an unchanged schedule answered 304", &|| not_modified.load(Ordering::SeqCst) >= 1);
    // The organizer moves the opening by half an hour.
    *published.lock().expect("lock") = original.replacen(
        "<date>2025-12-27T11:00:00+01:00</date>\n        <start>11:00</start>",
        "<date>2025-12-27T11:30:00+01:00</date>\n        <start>11:30</start>",
        1,
    );
    assert_ne!(*published.lock().expect("lock"), original, "the fixture has the opening at 11:00");
    wait_for("the moved talk imported", &|| opening_at(&db).as_deref() == Some("2025-12-27T11:30:00+01:00"));
    let _ = follower.kill();
    let _ = follower.wait();
    assert!(asked.load(Ordering::SeqCst) >= 3);
}

/// `tickets` issues personal tickets signed with the event's key, as CSV with join links; each
/// verifies against the key the manifest publishes, and `--only-signed` says so in the manifest.
#[test]
fn tickets_are_issued_signed_with_the_events_key() {
    use elements_backend::store::{SqliteStore, Store};
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("backend.sqlite3");
    let refused = Command::new(BACKEND).args(["tickets", "--db"]).arg(&db).output().expect("run");
    assert!(!refused.status.success() && String::from_utf8_lossy(&refused.stderr).contains("import one"));
    let event = format!("{}/../assets/demo-event/event.json", env!("CARGO_MANIFEST_DIR"));
    assert!(Command::new(BACKEND).args(["import", &event, "--db"]).arg(&db).status().expect("import").success());
    let csv = dir.path().join("tickets.csv");
    let out = Command::new(BACKEND)
        .args([
            "tickets",
            "--count",
            "3",
            "--prefix",
            "HTS",
            "--only-signed",
            "--url",
            "https://events.example.org",
            "--out",
        ])
        .arg(&csv)
        .arg("--db")
        .arg(&db)
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&csv).expect("csv");
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows[0], "ticket_id,code,join_link");
    assert_eq!(rows.len(), 4, "{text}");
    let manifest = SqliteStore::open(&db).expect("store").manifest().expect("read").expect("manifest");
    assert!(manifest.signed_tickets);
    let key = manifest.qr_public_key.expect("the manifest publishes the key");
    for row in &rows[1..] {
        let cols: Vec<&str> = row.split(',').collect();
        let (id, code, link) = (cols[0], cols[1], cols[2]);
        assert!(id.starts_with("HTS-") && id.len() == 12, "{id}");
        let (signed_id, sig) = elements_protocol::signal::signed_ticket(code).expect("a signed code");
        assert_eq!(signed_id, id);
        let message = elements_protocol::signal::ticket_message(&manifest.id, id);
        assert!(elements_domain::qr::verify(&key, &message, sig), "{code}");
        match elements_protocol::link::Link::parse(link) {
            Ok(elements_protocol::link::Link::Join { url, code: Some(c) }) => {
                assert_eq!((url.as_str(), c.as_str()), ("https://events.example.org", code));
            }
            other => panic!("{link}: {other:?}"),
        }
    }
}
