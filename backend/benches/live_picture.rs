//! Prints figures; asserts nothing about speed. Run: `cargo bench -p elements-backend --bench live_picture`
//!
//! The organizer's live picture over an event of 10,000 attendees: each visits booths, votes,
//! scans quest checkpoints and is checked in at a door (about 12 signals each, 120,000 in all,
//! pushed through the real intake into SQLite). Measured: the first picture (what a staff
//! dashboard waits for before its first chart), then each update after a further 200 signals
//! arrive (what every live update costs the backend), then reading it back from the staff feed
//! over HTTP on 127.0.0.1 (what the tablet downloads).

use std::time::Instant;

use elements_backend::store::{Redeemed, SqliteStore, Store};
use elements_protocol::auth::{RedeemRequest, Role};
use elements_protocol::event::EventBundle;
use elements_protocol::signal::{Action, Signal};
use elements_protocol::staff::{Gate, Pass};

const ATTENDEES: usize = 10_000;

fn during() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2027-03-10T09:30:00+01:00").expect("t").to_utc()
}

fn token(store: &SqliteStore, code: &str, device: &str) -> String {
    let request = RedeemRequest { code: code.into(), client_id: device.into(), display_name: None, show_name: false };
    match store.redeem(&request).expect("redeem") {
        Redeemed::Token(t) => t.token,
        other => panic!("{other:?}"),
    }
}

fn signals(device: &str, actions: Vec<Action>) -> Vec<Signal> {
    actions
        .into_iter()
        .enumerate()
        .map(|(i, action)| Signal {
            id: format!("{device}-{i}"),
            client_id: device.into(),
            seq: i as u64 + 1,
            schema_version: 4,
            created_at: during().fixed_offset(),
            action,
        })
        .collect()
}

fn main() {
    elements_tls::install_default_provider();
    let dir = tempfile::tempdir().expect("dir");
    let store = std::sync::Arc::new(SqliteStore::open(&dir.path().join("b.sqlite3")).expect("store"));
    let mut bundle: EventBundle = serde_json::from_str(elements_backend::DEMO_EVENT_JSON).expect("demo");
    let (open, close) = (bundle.polls[0].opens_at, bundle.polls[0].closes_at);
    for p in &mut bundle.polls {
        p.opens_at = open;
        p.closes_at = close;
    }
    store.replace_event(&bundle).expect("event");
    store.add_code("ATTEND", Role::Attendee, false).expect("code");
    store.add_code("STAFF", Role::Organizer, false).expect("code");
    let booths: Vec<String> = bundle
        .points_of_interest
        .iter()
        .filter(|p| p.kind == elements_protocol::event::PoiKind::Booth)
        .map(|p| p.id.clone())
        .collect();
    let quest = &bundle.quests[0];
    let staff = store.authenticate(&token(&store, "STAFF", "door")).expect("read").expect("staff");
    let started = Instant::now();
    let mut pushed = 0usize;
    for i in 0..ATTENDEES {
        let device = format!("phone-{i}");
        let me = store.authenticate(&token(&store, "ATTEND", &device)).expect("read").expect("caller");
        let mut actions: Vec<Action> =
            (0..5).map(|k| Action::BoothVisit { poi_id: booths[(i * 7 + k * 3) % booths.len()].clone() }).collect();
        for p in bundle.polls.iter().filter(|p| p.kind == elements_protocol::event::PollKind::SingleChoice).take(3) {
            actions.push(Action::Vote { poll_id: p.id.clone(), option_id: p.options[i % p.options.len()].id.clone() });
        }
        for cp in quest.checkpoints.iter().take(i % (quest.checkpoints.len() + 1)) {
            actions.push(Action::CheckpointScan {
                quest_id: quest.id.clone(),
                checkpoint_id: cp.id.clone(),
                proof: None,
            });
        }
        let batch = signals(&device, actions);
        pushed += batch.len();
        store.push(&me, &batch, during()).expect("push");
        if i % 2 == 0 {
            // Every other attendee is checked in at the main entrance (a badge is not made
            // yet for most; tickets are the usual pass at the door).
            let ticket = format!("T-{i:05}");
            store.add_code(&ticket, Role::Attendee, true).expect("ticket");
            let admit = Action::Admit { pass: Pass::Ticket(ticket), gate: Gate::Door("poi-exit-main".into()) };
            store.push(&staff, &signals(&format!("door-{i}"), vec![admit]), during()).expect("admit");
            pushed += 1;
        }
    }
    println!(
        "setup: {ATTENDEES} attendees, {pushed} signals through the intake in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let first = Instant::now();
    let picture = store.publish_live_picture(during()).expect("picture").expect("published");
    let first_ms = first.elapsed().as_secs_f64() * 1e3;
    let size = serde_json::to_string(&picture).map(|s| s.len()).unwrap_or(0);
    println!("first picture (what the first chart waits for): {first_ms:.0} ms, {size} bytes");

    let mut updates = Vec::new();
    for round in 0..10 {
        let mut more = Vec::new();
        for k in 0..200 {
            let i = (round * 200 + k) % ATTENDEES;
            more.push((i, Action::BoothVisit { poi_id: booths[(i * 11 + round) % booths.len()].clone() }));
        }
        for (n, (i, action)) in more.into_iter().enumerate() {
            let device = format!("phone-{i}");
            let me = store.authenticate(&token(&store, "ATTEND", &device)).expect("read").expect("caller");
            let signal = Signal {
                id: format!("{device}-more-{round}-{n}"),
                client_id: device,
                seq: 1000 + n as u64,
                schema_version: 4,
                created_at: during().fixed_offset(),
                action,
            };
            store.push(&me, &[signal], during()).expect("push");
        }
        let t = Instant::now();
        store.publish_live_picture(during()).expect("picture").expect("published");
        updates.push(t.elapsed().as_secs_f64() * 1e3);
    }
    updates.sort_by(|a, b| a.total_cmp(b));
    println!(
        "each live update after 200 more signals: p50 {:.0} ms, max {:.0} ms (10 updates; the backend recomputes at most every {} s)",
        updates[updates.len() / 2],
        updates[updates.len() - 1],
        elements_backend::http::LIVE_PICTURE_EVERY.as_secs()
    );

    // What the tablet downloads: the staff feed page holding the picture, over HTTP.
    let backend = elements_backend::testing::Loopback::serve(store.clone(), Default::default());
    let staff_token = token(&store, "STAFF", "tablet");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let client = reqwest::Client::new();
        let mut times = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            let resp = client
                .get(format!("{}/v1/elements/staff/changes?limit=1000", backend.url))
                .bearer_auth(&staff_token)
                .send()
                .await
                .expect("GET staff");
            let body = resp.bytes().await.expect("body");
            times.push((t.elapsed().as_secs_f64() * 1e3, body.len()));
        }
        let (first_ms, bytes) = times[0];
        let (cached_ms, _) = times[times.len() - 1];
        println!(
            "the staff feed's first page (check-ins and the picture) over HTTP: {first_ms:.1} ms the first time, {cached_ms:.1} ms once the page is cached; {bytes} bytes"
        );
    });
}
