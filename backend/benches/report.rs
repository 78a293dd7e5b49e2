//! Prints figures; asserts nothing about speed. Run: `cargo bench -p elements-backend --bench report`
//!
//! The analytics report over an event-sized day: 2,000 attendees, each checking in to sessions
//! hour after hour, visiting booths and answering polls (about 12 signals each, through the real
//! intake into SQLite on disk), then `report`'s work timed: reading the signals, the figures,
//! the CSV files and the HTML (with the floor plans it embeds). `ELEMENTS_REPORT_DIR` keeps the report there to look at.

use std::time::Instant;

use elements_backend::store::{SqliteStore, Store};

const ATTENDEES: usize = 2_000;

fn main() {
    let quick = std::env::var_os("ELEMENTS_BENCH_QUICK").is_some();
    let attendees = if quick { ATTENDEES / 4 } else { ATTENDEES };
    let dir = tempfile::tempdir().expect("dir");
    let store = SqliteStore::open(&dir.path().join("backend.sqlite3")).expect("store");
    let event: elements_protocol::event::EventBundle =
        serde_json::from_str(elements_backend::DEMO_EVENT_JSON).expect("demo");
    store.replace_event(&event).expect("event");
    for (file, bytes) in elements_backend::DEMO_PLANS {
        store.put_plan(file.trim_end_matches(".svg"), "image/svg+xml", bytes).expect("plan");
    }
    let started = Instant::now();
    let signals = elements_backend::testing::a_day_at_the_event(&store, &event, attendees);
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
        let venue = elements_backend::analytics::report::Venue::of(&event, |f| store.plan(f).ok().flatten());
        elements_backend::analytics::report::write(&figures, &venue, &out).expect("write");
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "report (read, figures, CSV and HTML) over {signals} signals: median {:.0} ms of {}",
        times[times.len() / 2],
        times.len()
    );
    println!("figure report_day_ms {:.0} ms", times[times.len() / 2]);
    // `GET /v1/analytics` and the screens' minute: the first ask counts, the next reuse it while
    // no signal arrives.
    let now = chrono::Utc::now();
    let t = Instant::now();
    store.analytics(now).expect("count").expect("figures");
    let first = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    store.analytics(now).expect("count").expect("figures");
    let again = t.elapsed().as_secs_f64() * 1e3;
    println!("GET /v1/analytics's work: first ask {first:.1} ms, asked again with nothing new {again:.2} ms");
}
