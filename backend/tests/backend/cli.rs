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
