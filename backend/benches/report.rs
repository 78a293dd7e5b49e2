//! Prints figures; asserts nothing about speed. Run: `cargo bench -p elements-backend --bench report`
//!
//! The analytics report over an event-sized day: 2,000 attendees, each checking in to sessions
//! hour after hour, visiting booths and answering polls (about 12 signals each, through the real
//! intake into SQLite on disk), then `report`'s work timed: reading the signals, the figures,
//! the CSV files and the HTML. `ELEMENTS_REPORT_DIR` keeps the report there to look at.

use std::time::Instant;

use chrono::{DateTime, FixedOffset};
use elements_backend::store::{Redeemed, SqliteStore, Store};
use elements_protocol::auth::{RedeemRequest, Role};
use elements_protocol::signal::{Action, Signal};

const ATTENDEES: usize = 2_000;

fn at(t: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(t).expect("time")
}

fn main() {
    let quick = std::env::var_os("ELEMENTS_BENCH_QUICK").is_some();
    let attendees = if quick { ATTENDEES / 4 } else { ATTENDEES };
    let dir = tempfile::tempdir().expect("dir");
    let store = SqliteStore::open(&dir.path().join("backend.sqlite3")).expect("store");
    let event: elements_protocol::event::EventBundle =
        serde_json::from_str(elements_backend::DEMO_EVENT_JSON).expect("demo");
    store.replace_event(&event).expect("event");
    store.add_code("JOIN", Role::Attendee, false).expect("code");
    // The first day's sessions by starting hour.
    let mut by_hour: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for s in event.sessions.iter().filter(|s| s.starts_at.date_naive() == at("2027-03-10T12:00:00+01:00").date_naive())
    {
        by_hour.entry(s.starts_at.format("%H").to_string()).or_default().push(s.id.clone());
    }
    let booths: Vec<&str> =
        event.points_of_interest.iter().filter(|p| p.id.starts_with("poi-booth")).map(|p| p.id.as_str()).collect();
    let started = Instant::now();
    let mut signals = 0;
    for p in 0..attendees {
        let device = format!("phone-{p}");
        let request =
            RedeemRequest { code: "JOIN".into(), client_id: device.clone(), display_name: None, show_name: false };
        let Redeemed::Token(t) = store.redeem(&request).expect("redeem") else { panic!("redeem") };
        let caller = store.authenticate(&t.token).expect("auth").expect("caller");
        let mut actions: Vec<(String, Action)> = Vec::new();
        for (i, (hour, sessions)) in by_hour.iter().enumerate() {
            // Most people skip some hours; each picks a session by a fixed spread.
            if (p + i) % 3 == 2 {
                continue;
            }
            let minute = 2 + (p * 7 + i * 13) % 20;
            let session = &sessions[(p * 31 + i * 17) % sessions.len()];
            actions.push((
                format!("2027-03-10T{hour}:{minute:02}:00+01:00"),
                Action::CheckIn { session_id: session.clone() },
            ));
            // One in five leaves a session early for a booth.
            if (p + i) % 5 == 0 {
                let booth = booths[(p * 13 + i) % booths.len()];
                actions.push((
                    format!("2027-03-10T{hour}:{:02}:00+01:00", minute + 20),
                    Action::BoothVisit { poi_id: booth.into() },
                ));
            }
            if hour == "12" || hour == "15" {
                let booth = booths[(p * 11 + i) % booths.len()];
                actions.push((format!("2027-03-10T{hour}:45:00+01:00"), Action::BoothVisit { poi_id: booth.into() }));
            }
        }
        if p % 3 != 0 {
            actions.push((
                "2027-03-10T09:10:00+01:00".into(),
                Action::Vote { poll_id: "poll-opening".into(), option_id: "o2".into() },
            ));
        }
        for (seq, (t, action)) in actions.into_iter().enumerate() {
            let signal = Signal {
                id: format!("{device}-{seq}"),
                client_id: device.clone(),
                seq: seq as u64 + 1,
                schema_version: action.schema_version(),
                created_at: at(&t),
                action,
            };
            store.push(&caller, &[signal], at(&t).to_utc()).expect("push");
            signals += 1;
        }
    }
    println!(
        "a day of {attendees} attendees: {signals} signals through the intake in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let out = match std::env::var_os("ELEMENTS_REPORT_DIR") {
        Some(d) => std::path::PathBuf::from(d),
        None => dir.path().join("report"),
    };
    let mut times = Vec::new();
    for _ in 0..if quick { 1 } else { 5 } {
        let t = Instant::now();
        let (event, happened) = store.analytics_input().expect("read").expect("event");
        let figures = elements_backend::analytics::analyse(&event, &happened);
        elements_backend::analytics::report::write(&figures, &out).expect("write");
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "report (read, figures, CSV and HTML) over {signals} signals: median {:.0} ms of {}",
        times[times.len() / 2],
        times.len()
    );
    println!("figure report_day_ms {:.0} ms", times[times.len() / 2]);
}
