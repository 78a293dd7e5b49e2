//! Prints figures; asserts nothing about speed. Run: `cargo bench -p elements-backend --bench roster`
//!
//! An attendee roster of 20,000 people as pretix exports it (its order positions CSV, every
//! column of the real export, Cyrillic and Latin names): read, then taken into a backend
//! database on disk (a signed ticket each), then the same export again (nothing changes), with
//! the process's peak memory after each step.

use std::time::Instant;

use elements_backend::store::{SqliteStore, Store};
use elements_import::roster::{read_roster, RosterOptions};

const PEOPLE: usize = 20_000;

/// Peak resident memory of this process so far (VmHWM), in MiB.
fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

fn export() -> Vec<u8> {
    let sample = std::fs::read_to_string(format!(
        "{}/../import/tests/fixtures/roster/pretix-order-positions.csv",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture");
    let mut lines = sample.lines();
    let header = lines.next().expect("header");
    let rows: Vec<&str> = lines.collect();
    let mut out = String::from(header);
    out.push_str("\r\n");
    let first = ["Айгерим", "Bolat", "Dana", "Erlan", "Felix", "Гульнара", "Hanna", "Ivan"];
    let last = ["Садыкова", "Wagner", "Patel", "Ivanov", "Нурланова", "Kim"];
    for i in 0..PEOPLE {
        let row = rows[i % rows.len()]
            .replacen("\"KX7QP\"", &format!("\"O{:05}\"", i / 2), 1)
            .replacen("\"M2RN9\"", &format!("\"O{:05}\"", i / 2), 1)
            .replacen("\"W9ZZ4\"", &format!("\"O{:05}\"", i / 2), 1);
        let name = format!("{} {}", first[i % first.len()], last[(i / 7) % last.len()]);
        let row = ["Айгерим Садыкова", "Bolat Nurlanov", "Dana Patel", "Erlan Kim"]
            .iter()
            .fold(row, |r, n| r.replacen(&format!("\"{n}\""), &format!("\"{name}\""), 1));
        // One position per order line: the position id makes the key unique.
        let row = row.replacen(",\"1\",", &format!(",\"{}\",", 1 + i % 2), 1).replacen(
            ",\"2\",",
            &format!(",\"{}\",", 1 + i % 2),
            1,
        );
        out.push_str(&row);
        out.push_str("\r\n");
    }
    out.into_bytes()
}

fn main() {
    let bytes = export();
    println!("pretix export of {PEOPLE} positions: {:.1} MB", bytes.len() as f64 / 1e6);
    let before = peak_mib();
    let t = Instant::now();
    let roster = read_roster(&bytes, &RosterOptions::default()).expect("read");
    let read_ms = t.elapsed().as_secs_f64() * 1e3;
    assert_eq!(roster.attendees.len(), PEOPLE, "{:?}", roster.problems.first());
    println!("read: {read_ms:.0} ms, peak memory {:.0} MiB (+{:.0})", peak_mib(), peak_mib() - before);

    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("backend.sqlite3")).expect("store");
    store.replace_event(&serde_json::from_str(elements_backend::DEMO_EVENT_JSON).expect("demo")).expect("event");
    let now = chrono::Utc::now();
    let t = Instant::now();
    let summary = store.apply_roster(&roster, true, now).expect("import");
    let apply_ms = t.elapsed().as_secs_f64() * 1e3;
    println!("first import into SQLite: {apply_ms:.0} ms ({summary}), peak memory {:.0} MiB", peak_mib());
    let t = Instant::now();
    let again = read_roster(&bytes, &RosterOptions::default()).expect("read");
    let summary = store.apply_roster(&again, true, now).expect("import again");
    let again_ms = t.elapsed().as_secs_f64() * 1e3;
    println!("the same export again, read and imported: {again_ms:.0} ms ({summary})");
    println!("figure roster_import_20k_ms {:.0} ms", read_ms + apply_ms);
    println!("figure roster_import_20k_peak_mib {:.0} MiB", peak_mib());
}
