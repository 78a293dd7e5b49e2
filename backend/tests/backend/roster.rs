//! The attendee roster against the reference backend on 127.0.0.1: a shop's export in, a
//! signed personal ticket per attendee out; importing again follows the shop's changes.

use std::process::Command;

use crate::common::{during_event, start};
use elements_backend::store::roster::RosterSummary;
use elements_backend::store::{SqliteStore, Store};
use elements_import::roster::{read_roster, Roster, RosterOptions};
use elements_protocol::auth::RedeemResponse;

const BACKEND: &str = env!("CARGO_BIN_EXE_elements-backend");

fn fixture_path(name: &str) -> String {
    format!("{}/../import/tests/fixtures/roster/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn pretix(text: &str) -> Roster {
    read_roster(text.as_bytes(), &RosterOptions::default()).expect("read the roster")
}

async fn redeem(base: &str, code: &str, device: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{base}/v1/auth/redeem"))
        .json(&serde_json::json!({"code": code, "client_id": device}))
        .send()
        .await
        .expect("POST /v1/auth/redeem")
}

/// A GET only a token opens (the people feed): its status.
async fn people_feed(base: &str, token: &str) -> u16 {
    reqwest::Client::new()
        .get(format!("{base}/v1/elements/people/changes"))
        .bearer_auth(token)
        .send()
        .await
        .expect("GET people")
        .status()
        .as_u16()
}

/// pretix's export makes a signed ticket per valid position; the same export again changes
/// nothing (same tickets); an updated one adds, changes, cancels (a refund, and a position no
/// longer listed) and restores. A cancelled ticket no longer redeems and its device is signed
/// out, also when the import ran in another process (another connection to the database).
#[tokio::test]
async fn a_roster_import_gives_tickets_and_follows_the_shops_changes() {
    let s = start().await;
    let export = std::fs::read_to_string(fixture_path("pretix-order-positions.csv")).expect("fixture");
    let now = during_event();
    let first = s.store.apply_roster(&pretix(&export), true, now).expect("import");
    assert_eq!(first, RosterSummary { added: 3, cancelled: 1, ..Default::default() });
    let tickets = s.store.roster().expect("roster");
    assert_eq!(tickets.len(), 4);
    let again = s.store.apply_roster(&pretix(&export), true, now).expect("import again");
    assert_eq!(again, RosterSummary { unchanged: 4, ..Default::default() });
    assert_eq!(s.store.roster().expect("roster"), tickets, "the same tickets, not new ones");

    // Each ticket is signed with the key the manifest publishes.
    let manifest = s.store.manifest().expect("manifest").expect("an event");
    let key = manifest.qr_public_key.clone().expect("a key");
    for t in &tickets {
        let (id, sig) = elements_protocol::signal::signed_ticket(&t.ticket.code).expect("signed");
        assert_eq!(id, t.ticket.id);
        assert!(elements_domain::qr::verify(&key, &elements_protocol::signal::ticket_message(&manifest.id, id), sig));
    }
    let ticket_of = |key: &str| tickets.iter().find(|t| t.key == key).expect(key).ticket.code.clone();
    let (aigerim, bolat, erlan) =
        (ticket_of("pretix:KX7QP-1"), ticket_of("pretix:KX7QP-2"), ticket_of("pretix:W9ZZ4-1"));

    // The ticket joins as its holder, by name.
    let joined: RedeemResponse = redeem(&s.base, &aigerim, "phone-1").await.json().await.expect("token");
    assert_eq!(joined.display_name, "Айгерим Садыкова");
    assert!(joined.ticketed);
    let bolat_joined: RedeemResponse = redeem(&s.base, &bolat, "phone-2").await.json().await.expect("token");
    assert_eq!(people_feed(&s.base, &bolat_joined.token).await, 200);
    assert_eq!(redeem(&s.base, &erlan, "phone-3").await.status(), 401, "a cancelled order's ticket");

    // The shop's next export: Dana renamed, Bolat's position gone, Erlan's order paid after all,
    // a new order. Imported by another connection, as `elements-backend roster import` would.
    let mut lines: Vec<String> = export.lines().map(str::to_string).collect();
    lines.retain(|l| !l.contains("\"Bolat Nurlanov\""));
    for l in lines.iter_mut() {
        if l.contains("\"M2RN9\"") {
            *l = l.replace("\"Dana Patel\"", "\"Dana Patel-Berg\"");
        }
        if l.contains("\"W9ZZ4\"") {
            *l = l.replace("\"Canceled\"", "\"Paid\"");
        }
    }
    let newcomer = lines[1].replace("\"KX7QP\"", "\"NEW01\"").replace("\"Айгерим Садыкова\"", "\"Saule Ali\"");
    lines.push(newcomer);
    let updated = pretix(&lines.join("\n"));
    let cli = SqliteStore::open(&s.db_path()).expect("a second connection");
    let summary = cli.apply_roster(&updated, true, now).expect("import the update");
    assert_eq!(
        summary,
        RosterSummary { added: 1, changed: 1, cancelled: 1, restored: 1, unchanged: 1, kept_missing: false }
    );
    assert_eq!(redeem(&s.base, &bolat, "phone-4").await.status(), 401, "a position no longer listed");
    assert_eq!(redeem(&s.base, &erlan, "phone-3").await.status(), 200, "a paid order's ticket");
    // The serving backend notices the outside commit within its interval; bounded wait.
    let mut refused = false;
    for _ in 0..100 {
        if people_feed(&s.base, &bolat_joined.token).await == 401 {
            refused = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(refused, "the cancelled ticket's device is still signed in");
    assert_eq!(people_feed(&s.base, &joined.token).await, 200, "others stay signed in");
    let renamed = s.store.roster().expect("roster").into_iter().find(|t| t.key == "pretix:M2RN9-1").expect("Dana");
    assert_eq!(renamed.name, "Dana Patel-Berg");
    assert_eq!(renamed.ticket.code, ticket_of("pretix:M2RN9-1"), "a renamed attendee keeps their ticket");

    // A complete export with an unreadable row cancels nobody missing from it.
    let mut broken = lines.clone();
    broken.retain(|l| !l.contains("\"NEW01\""));
    broken.push("\"techfest26\",\"ZZ\"".into());
    let summary = cli.apply_roster(&pretix(&broken.join("\n")), true, now).expect("import");
    assert!(summary.kept_missing && summary.cancelled == 0, "{summary}");
}

/// The command line: every unreadable row named on stderr with its line, the summary on
/// stdout; the export's cells that a spreadsheet would run are written as text.
#[test]
fn roster_import_and_export_on_the_command_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("backend.sqlite3");
    let event = format!("{}/../assets/demo-event/event.json", env!("CARGO_MANIFEST_DIR"));
    let file = dir.path().join("people.csv");
    std::fs::write(&file, "Full name;E-mail;Firm\n=HYPERLINK(\"http://x\");eve@example.org;@Evil\nDana Patel;dana@example.org;Patel Labs\nOnly;two\n")
        .expect("write");
    let refused =
        Command::new(BACKEND).args(["roster", "import"]).arg(&file).arg("--db").arg(&db).output().expect("run");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success() && stderr.contains("--map name="), "{stderr}");
    assert!(Command::new(BACKEND).args(["import", &event, "--db"]).arg(&db).status().expect("import").success());
    let run = |args: &[&str]| {
        Command::new(BACKEND)
            .args(["roster", "import"])
            .arg(&file)
            .args(args)
            .arg("--db")
            .arg(&db)
            .output()
            .expect("run")
    };
    let bad_map = run(&["--map", "nmae=Full name"]);
    assert!(String::from_utf8_lossy(&bad_map.stderr).contains("unknown field \"nmae\""));
    let mapped = ["--map", "name=Full name", "--map", "email=E-mail", "--map", "company=Firm"];
    let out = run(&mapped);
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("line 4: 2 fields where the header has 3"), "{stderr}");
    assert!(stderr.contains("line 2: the name") && stderr.contains("formula"), "{stderr}");
    assert!(stdout.contains("csv export, 2 attendee(s) read, 1 row(s) skipped; 2 added"), "{stdout}");
    assert!(stdout.contains("attendees missing from the file were kept"), "{stdout}");
    let again = run(&mapped);
    assert!(String::from_utf8_lossy(&again.stdout).contains("0 added, 0 changed, 0 cancelled, 0 restored, 2 unchanged"));

    let exported = Command::new(BACKEND)
        .args(["roster", "export", "--url", "https://events.example.org", "--db"])
        .arg(&db)
        .output()
        .expect("run");
    assert!(exported.status.success());
    let mut reader = csv::Reader::from_reader(exported.stdout.as_slice());
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("CSV");
    assert_eq!(rows.len(), 2);
    let eve = rows.iter().find(|r| &r[2] == "eve@example.org").expect("eve");
    assert_eq!(&eve[1], "'=HYPERLINK(\"http://x\")", "a formula is written as text");
    assert_eq!(&eve[5], "'@Evil");
    assert_eq!(&eve[7], "active");
    assert!(
        eve[10].starts_with("https://events.example.org/") || eve[10].contains("events.example.org"),
        "{}",
        &eve[10]
    );
    assert!(eve[10].contains(&eve[9]) || eve[10].contains(&eve[9].replace('.', "%2E")), "the link carries the code");
}
