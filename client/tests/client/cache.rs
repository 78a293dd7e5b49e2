//! The cache on a real SQLite file: first load, reopen, migrations, damage and recovery.

use std::path::Path;

use elements_client::api::{AppApi, Clock};
use elements_client::bundled;
use elements_client::cache::Cache;
use elements_protocol::event::EventBundle;

fn demo() -> EventBundle {
    bundled::demo_event().expect("the bundled demo event parses and validates")
}

fn start(dir: &Path) -> (AppApi, elements_client::api::StartReport) {
    AppApi::start(dir, Clock::System, &mut |_| {}).expect("the app starts on this data dir")
}

fn expected_day_counts(b: &EventBundle) -> Vec<(u32, u32)> {
    b.manifest
        .days
        .iter()
        .map(|d| {
            let n = b
                .sessions
                .iter()
                .filter(|s| elements_domain::day_of(&b.manifest.days, &s.starts_at) == Some(d.index))
                .count();
            (d.index, n as u32)
        })
        .collect()
}

#[test]
fn first_start_loads_the_bundled_event_and_the_second_does_not_reload_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (api, report) = start(dir.path());
    assert!(report.loaded_bundled_event);
    assert!(report.recovered.is_none());
    assert!(dir.path().join("cache.sqlite3").is_file());

    let b = demo();
    let overview = api.event_overview().expect("overview");
    assert_eq!(overview.name, b.manifest.name);
    let counts: Vec<(u32, u32)> = overview.days.iter().map(|d| (d.index, d.session_count)).collect();
    assert_eq!(counts, expected_day_counts(&b));
    assert_eq!(counts.iter().map(|c| c.1 as usize).sum::<usize>(), b.sessions.len());
    drop(api);

    let (api, report) = start(dir.path());
    assert!(!report.loaded_bundled_event, "an unchanged bundled event must not be reloaded");
    assert_eq!(api.event_overview().expect("overview").name, b.manifest.name);
}

#[test]
fn the_cache_runs_in_wal_mode_at_the_latest_schema() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (api, report) = start(dir.path());
    drop(api);
    let conn = rusqlite::Connection::open(&report.cache_path).expect("open");
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).expect("journal_mode");
    assert_eq!(mode, "wal");
    let version: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("user_version");
    assert_eq!(version, elements_client::cache::migrations::LATEST_VERSION);
    let fts: i64 = conn
        .query_row("SELECT count(*) FROM session_search WHERE session_search MATCH 'keynote'", [], |r| r.get(0))
        .expect("FTS5 is compiled in");
    assert!(fts > 0);
}

/// Writes `b` the way the first schema version's app stored an event: v1 tables only.
fn write_v1_snapshot(conn: &rusqlite::Connection, b: &EventBundle) {
    use rusqlite::params;
    let json = |v: &dyn erased::Json| v.json();
    conn.execute(
        "INSERT INTO event (id, manifest, source, fingerprint, loaded_at) VALUES (?1, ?2, ?3, ?4, 0)",
        params![b.manifest.id, json(&b.manifest), bundled::DEMO_SOURCE, bundled::demo_fingerprint()],
    )
    .expect("event");
    for f in &b.floors {
        conn.execute("INSERT INTO floor (id, level, body) VALUES (?1, ?2, ?3)", params![f.id, f.level, json(f)])
            .expect("floor");
    }
    for r in &b.rooms {
        conn.execute(
            "INSERT INTO room (id, floor_id, body) VALUES (?1, ?2, ?3)",
            params![r.id, r.floor_id.as_deref().unwrap_or(""), json(r)],
        )
        .expect("room");
    }
    for t in &b.tracks {
        conn.execute("INSERT INTO track (id, body) VALUES (?1, ?2)", params![t.id, json(t)]).expect("track");
    }
    for s in &b.speakers {
        conn.execute("INSERT INTO speaker (id, name, body) VALUES (?1, ?2, ?3)", params![s.id, s.name, json(s)])
            .expect("speaker");
    }
    for s in &b.sessions {
        let day = elements_domain::day_of(&b.manifest.days, &s.starts_at).expect("day");
        conn.execute(
            "INSERT INTO session (id, day, starts_at, ends_at, room_id, track_id, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![s.id, day, s.starts_at.timestamp(), s.ends_at.timestamp(), s.room_id.as_deref().unwrap_or(""), s.track_id, json(s)],
        )
        .expect("session");
        for (i, sp) in s.speaker_ids.iter().enumerate() {
            conn.execute("INSERT INTO session_speaker VALUES (?1, ?2, ?3)", params![s.id, i as i64, sp]).expect("link");
        }
    }
}

mod erased {
    pub trait Json {
        fn json(&self) -> String;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> String {
            serde_json::to_string(self).expect("serialize")
        }
    }
}

#[test]
fn a_cache_made_by_schema_v1_upgrades_and_keeps_its_data() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("cache.sqlite3");
    let b = demo();
    {
        let mut conn = rusqlite::Connection::open(&path).expect("open");
        elements_client::cache::migrations::migrate_to(&mut conn, 1).expect("schema v1");
        let version: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("version");
        assert_eq!(version, 1);
        write_v1_snapshot(&conn, &b);
        let has_search: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master WHERE name = 'session_search'", [], |r| r.get(0))
            .expect("query");
        assert_eq!(has_search, 0, "v1 has no search index");
    }
    let opened = Cache::open(&path).expect("upgrade");
    assert!(opened.recovery.is_none(), "an old schema is upgraded, not thrown away");
    let cache = opened.cache;
    assert_eq!(cache.schema_version().expect("version"), elements_client::cache::migrations::LATEST_VERSION);
    assert_eq!(cache.session_counts().expect("counts"), expected_day_counts(&b));
    // The migration filled the search index from the rows v1 stored, speakers included.
    let speaker = &b.speakers[0];
    let surname = speaker.name.split_whitespace().last().expect("surname");
    let found = cache.search_sessions(surname, 50).expect("search");
    assert!(
        found.iter().any(|s| s.speaker_ids.contains(&speaker.id)),
        "search for {surname} finds a session of {}",
        speaker.name
    );
    // Every search row sits at its session's rowid (v4), so later updates find it by index.
    let aligned: i64 = rusqlite::Connection::open(&path)
        .expect("open")
        .query_row(
            "SELECT count(*) FROM session_search f JOIN session s ON s.rowid = f.rowid AND s.id = f.session_id",
            [],
            |r| r.get(0),
        )
        .expect("query");
    assert_eq!(aligned, b.sessions.len() as i64);
    // And the app API starts on it without reloading the event.
    drop(cache);
    let (_api, report) = start(dir.path());
    assert!(!report.loaded_bundled_event);
}

fn assert_recovers(dir: &Path, original: &[u8]) {
    let (api, report) = start(dir);
    let message = report.recovered.expect("the damage is reported");
    assert!(message.contains("set aside"), "message says what happened: {message}");
    assert!(report.loaded_bundled_event);
    let overview = api.event_overview().expect("the rebuilt cache works");
    assert_eq!(overview.name, demo().manifest.name);
    assert_eq!(overview.notice.as_deref(), Some(message.as_str()), "the UI gets told too");
    // The damaged file was kept, byte for byte, beside the new cache.
    let kept: Vec<_> = std::fs::read_dir(dir)
        .expect("list")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("cache.sqlite3.damaged-"))
        .filter(|e| {
            !e.file_name().to_string_lossy().ends_with("-wal") && !e.file_name().to_string_lossy().ends_with("-shm")
        })
        .collect();
    assert_eq!(kept.len(), 1, "exactly one file moved aside");
    if !original.is_empty() {
        // Not assert_eq: a failure would print both files byte by byte.
        assert!(std::fs::read(kept[0].path()).expect("read") == original, "the damaged file was kept unchanged");
    }
    drop(api);
    // No recovery loop: the next start is clean.
    let (_api, report) = start(dir);
    assert!(report.recovered.is_none());
    assert!(!report.loaded_bundled_event);
}

#[test]
fn a_garbage_cache_file_is_moved_aside_and_rebuilt() {
    let dir = tempfile::tempdir().expect("temp dir");
    let garbage = b"this is not a database, it is a shopping list: milk, eggs".repeat(100);
    std::fs::write(dir.path().join("cache.sqlite3"), &garbage).expect("write");
    assert_recovers(dir.path(), &garbage);
}

#[test]
fn a_truncated_cache_file_is_moved_aside_and_rebuilt() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (api, report) = start(dir.path());
    drop(api);
    // Fold the WAL into the main file, then cut the file in half.
    rusqlite::Connection::open(&report.cache_path)
        .and_then(|c| c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);"))
        .expect("checkpoint");
    let bytes = std::fs::read(&report.cache_path).expect("read");
    let half = &bytes[..bytes.len() / 2];
    std::fs::write(&report.cache_path, half).expect("truncate");
    let _ = std::fs::remove_file(dir.path().join("cache.sqlite3-wal"));
    let _ = std::fs::remove_file(dir.path().join("cache.sqlite3-shm"));
    assert_recovers(dir.path(), half);
}

#[test]
fn a_cache_path_that_is_a_folder_is_moved_aside() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("cache.sqlite3")).expect("mkdir");
    assert_recovers(dir.path(), &[]);
}

#[test]
fn a_cache_from_a_newer_app_is_moved_aside_not_misread() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("cache.sqlite3");
    rusqlite::Connection::open(&path)
        .and_then(|c| c.execute_batch("PRAGMA journal_mode = DELETE; PRAGMA user_version = 99;"))
        .expect("write");
    let original = std::fs::read(&path).expect("read");
    let (api, report) = start(dir.path());
    let msg = report.recovered.clone().expect("reported");
    assert!(msg.contains("newer Elements"), "{msg}");
    drop(api);
    // Same checks as for any damage: kept byte for byte, rebuilt, and no loop on the next start.
    std::fs::remove_dir_all(dir.path()).expect("clean");
    std::fs::create_dir(dir.path()).expect("mkdir");
    std::fs::write(&path, &original).expect("write again");
    assert_recovers(dir.path(), &original);
}

#[test]
fn an_unusable_data_folder_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, b"x").expect("write");
    let err = AppApi::start(&file.join("data"), Clock::System, &mut |_| {}).err().expect("fails");
    let msg = err.to_string();
    assert!(msg.contains("--data-dir") && msg.contains("not-a-folder"), "{msg}");
}

#[test]
fn a_load_that_fails_midway_leaves_the_previous_event_intact() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (api, report) = start(dir.path());
    drop(api);
    let mut cache = Cache::open(&report.cache_path).expect("open").cache;
    let before = cache.session_counts().expect("counts");
    // Simulate the disk failing half-way: a trigger (installed by this test, not the app)
    // aborts the insert of one late session, after floors, rooms, speakers and earlier
    // sessions were already written in the transaction.
    let mut broken = demo();
    broken.manifest.name = "Should never be visible".into();
    let victim = broken.sessions[100].id.clone();
    broken.sessions[100].title = "New title that never lands".into();
    rusqlite::Connection::open(&report.cache_path)
        .and_then(|c| {
            c.execute_batch(&format!(
                "CREATE TRIGGER simulated_failure BEFORE INSERT ON session WHEN NEW.id = '{victim}'
                 BEGIN SELECT RAISE(ABORT, 'simulated disk failure'); END;"
            ))
        })
        .expect("install the failure");
    let mut steps = Vec::new();
    let err = cache.replace_event(&broken, "test", "x", &mut |s| steps.push(s.table)).expect_err("fails");
    assert!(err.to_string().contains("simulated disk failure"), "{err}");
    assert!(steps.contains(&"speaker"), "the failure happened mid-load: {steps:?}");
    assert_eq!(cache.session_counts().expect("counts"), before);
    let ev = cache.loaded_event().expect("read").expect("still loaded");
    assert_eq!(ev.manifest.name, demo().manifest.name);
    cache.integrity_check().expect("consistent");
}

/// A cache that joined a backend, with an unsent vote and a code, then one byte of `column` in
/// the first row of `table` flipped: SQLite's own check still passes.
fn joined_then_flipped(dir: &Path, table: &str, column: &str) {
    let path = elements_client::paths::cache_file(dir);
    {
        let (api, _) = start(dir);
        drop(api);
        let mut cache = Cache::open(&path).expect("open").cache;
        let mut joined = demo();
        joined.manifest.id = "joined-summit".into();
        cache.replace_event(&joined, "backend:http://127.0.0.1:9", "", &mut |_| {}).expect("joined event");
        cache.set_code("http://127.0.0.1:9", "TICKET-1").expect("code");
        let vote = elements_protocol::signal::Action::Vote { poll_id: "poll-opening".into(), option_id: "o1".into() };
        cache.record_signal("joined-summit", vote, "2027-03-10T09:30:00+01:00".parse().expect("t")).expect("vote");
    }
    let conn = rusqlite::Connection::open(&path).expect("open raw");
    let (rowid, text): (i64, String) = conn
        .query_row(&format!("SELECT rowid, {column} FROM {table} LIMIT 1"), [], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("a row");
    // `{"` becomes `{#`: one byte, and no longer JSON.
    let flipped = text.replacen("{\"", "{#", 1);
    assert_ne!(flipped, text);
    conn.execute(&format!("UPDATE {table} SET {column} = ?1 WHERE rowid = ?2"), rusqlite::params![flipped, rowid])
        .expect("flip");
    let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("check");
    assert_eq!(ok, "ok", "SQLite does not see this damage");
}

#[test]
fn an_unreadable_event_record_is_moved_aside_and_rebuilt_keeping_what_the_person_made() {
    for (table, column) in [("event", "manifest"), ("session", "body")] {
        let dir = tempfile::tempdir().expect("dir");
        joined_then_flipped(dir.path(), table, column);
        // Starting is not fatal, and not fatal again on the next start.
        let (api, report) = start(dir.path());
        let notice = report.recovered.clone().unwrap_or_else(|| panic!("{table}: no recovery reported"));
        assert!(notice.contains("damaged") && notice.contains("127.0.0.1:9"), "{notice}");
        assert!(notice.contains("1 vote"), "{notice}");
        assert!(report.loaded_bundled_event, "rebuilt from the bundled event");
        assert!(api.agenda_day(elements_protocol::app::AgendaDayArgs { day: 1 }).is_ok(), "the agenda works");
        drop(api);
        let cache = Cache::open(&elements_client::paths::cache_file(dir.path())).expect("reopen").cache;
        assert_eq!(cache.outbox("joined-summit").expect("outbox").len(), 1, "{table}: the unsent vote was kept");
        assert!(cache.credential("http://127.0.0.1:9").expect("code").is_some(), "{table}: the code was kept");
        let (_, again) = start(dir.path());
        assert!(again.recovered.is_none(), "{table}: the second start is clean");
        let aside = std::fs::read_dir(dir.path())
            .expect("dir")
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().contains(".damaged-"))
            .count();
        assert!(aside >= 1, "the damaged file was kept aside, not deleted");
    }
}

/// A shipped migration never changes: `PRAGMA user_version` cannot notice an edit, so a cache
/// made before it never gets what the edit added (as happened to v16 and v17, repaired by v18).
#[test]
fn shipped_migrations_are_never_edited() {
    use elements_client::cache::migrations::{fingerprint, MIGRATIONS, SHIPPED};
    for (i, sql) in MIGRATIONS.iter().enumerate() {
        let now = fingerprint(sql);
        match SHIPPED.get(i) {
            Some(pinned) => assert_eq!(
                now,
                *pinned,
                "migration v{} changed after it shipped: add a new migration instead of editing it",
                i + 1
            ),
            None => panic!("migration v{} is new: append 0x{now:016x} to migrations::SHIPPED", i + 1),
        }
    }
    assert_eq!(SHIPPED.len(), MIGRATIONS.len(), "a fingerprint for a migration that is not there");
}

/// Every table, index and trigger with its SQL (white space folded; `IF NOT EXISTS` is how a
/// repairing migration says it, not a difference).
fn schema(path: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).expect("open");
    let mut stmt = conn
        .prepare("SELECT type, name, coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name")
        .expect("schema");
    let rows = stmt
        .query_map([], |r| {
            Ok(format!("{} {}: {}", r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
        })
        .expect("rows");
    rows.map(|r| r.expect("row").replace("IF NOT EXISTS ", "").split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// A cache made at any earlier schema version opens with the same schema as a new cache.
#[test]
fn a_cache_made_at_any_earlier_version_upgrades_to_the_schema_of_a_new_one() {
    use elements_client::cache::migrations::{migrate_to, LATEST_VERSION};
    let dir = tempfile::tempdir().expect("temp dir");
    let fresh = dir.path().join("fresh.sqlite3");
    drop(Cache::open(&fresh).expect("a new cache"));
    let expected = schema(&fresh);
    for version in 1..LATEST_VERSION {
        let path = dir.path().join(format!("v{version}.sqlite3"));
        {
            let mut conn = rusqlite::Connection::open(&path).expect("open");
            migrate_to(&mut conn, version).expect("an old schema");
        }
        let opened = Cache::open(&path).expect("upgrade");
        assert!(opened.recovery.is_none(), "v{version} is upgraded, not thrown away");
        assert_eq!(opened.cache.schema_version().expect("version"), LATEST_VERSION);
        drop(opened);
        assert_eq!(schema(&path), expected, "a cache made at v{version}, upgraded");
    }
}

/// Caches made while v16 and v17 were still being edited say "v16" or "v17" but lack what those
/// versions gained later; opening one repairs it (v18) without losing what it holds.
#[test]
fn caches_made_while_v16_and_v17_were_edited_are_repaired() {
    use elements_client::cache::migrations::{migrate_to, MIGRATIONS};
    // What v16 and v17 were when first committed: the shipped text without the lines added after.
    let first = |version: usize, added_later: &[&str]| -> String {
        MIGRATIONS[version - 1]
            .lines()
            .filter(|l| !added_later.iter().any(|name| l.contains(name)))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let v16 = first(16, &["INDEX profile_by_name", "TABLE reminded", "TABLE photo"]);
    let v17 = first(17, &["TABLE occupancy", "TABLE live_picture", "TABLE lead", "TABLE notice"]);
    let dir = tempfile::tempdir().expect("temp dir");
    let fresh = dir.path().join("fresh.sqlite3");
    drop(Cache::open(&fresh).expect("a new cache"));
    for (name, upto) in [("early-v16", 16), ("early-v17", 17)] {
        let path = dir.path().join(format!("{name}.sqlite3"));
        {
            let mut conn = rusqlite::Connection::open(&path).expect("open");
            migrate_to(&mut conn, 15).expect("v15");
            conn.execute_batch(&v16).expect("v16 as first shipped");
            if upto == 17 {
                conn.execute_batch(&v17).expect("v17 as first shipped");
            }
            conn.execute_batch(&format!("PRAGMA user_version = {upto}")).expect("version");
            conn.execute("INSERT INTO starred (event_id, session_id, starred_at) VALUES ('e', 's', 1)", [])
                .expect("a star");
            let missing: i64 = conn
                .query_row("SELECT count(*) FROM sqlite_master WHERE name IN ('photo', 'reminded')", [], |r| r.get(0))
                .expect("query");
            assert_eq!(missing, 0, "{name} lacks what v16 gained later");
        }
        let opened = Cache::open(&path).expect("repair");
        assert!(opened.recovery.is_none(), "{name} is repaired, not thrown away");
        drop(opened);
        assert_eq!(schema(&path), schema(&fresh), "{name}, repaired");
        let conn = rusqlite::Connection::open(&path).expect("open");
        let kept: i64 = conn.query_row("SELECT count(*) FROM starred", [], |r| r.get(0)).expect("stars");
        assert_eq!(kept, 1, "{name} keeps its stars");
    }
}

/// v16 made interest keys with SQLite's ASCII-only `lower()`; v20 makes every key again with the
/// app's folding, so a Cyrillic interest written before and after has one key, and the
/// directory's filter finds both profiles by it.
#[test]
fn interest_keys_made_before_v20_are_folded_as_the_app_folds_them() {
    use elements_client::cache::migrations::migrate_to;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("v19.sqlite3");
    {
        let mut conn = rusqlite::Connection::open(&path).expect("open");
        migrate_to(&mut conn, 19).expect("a v19 cache");
        conn.execute_batch(
            r#"INSERT INTO profile (id, name, body) VALUES
                 ('p1', 'Aigerim', '{"id":"p1","name":"Aigerim","interests":["Дизайн"]}'),
                 ('p2', 'Bolat', '{"id":"p2","name":"Bolat","interests":["дизайн"]}');
               INSERT INTO profile_interest (profile_id, tag_key, tag) VALUES
                 ('p1', 'Дизайн', 'Дизайн'),
                 ('p2', 'дизайн', 'дизайн');"#,
        )
        .expect("rows as v16 and v19 wrote them");
    }
    let opened = Cache::open(&path).expect("upgrade");
    let cache = opened.cache;
    let common = cache.common_interests(10).expect("interests");
    assert_eq!(common.len(), 1, "one key for one interest: {common:?}");
    assert_eq!((common[0].0.as_str(), common[0].2), ("дизайн", 2));
    let (found, total) = cache.search_profiles("", Some("дизайн"), 10).expect("filter");
    assert_eq!(total, 2);
    assert_eq!(found.len(), 2);
}
