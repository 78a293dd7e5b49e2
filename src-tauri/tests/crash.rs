//! kill -9 of the real app binary while it writes the cache on first start, then a restart:
//! the cache must come back complete and consistent.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

const APP: &str = env!("CARGO_BIN_EXE_elements");

fn counts(cache: &Path) -> (i64, i64, i64) {
    let conn = rusqlite::Connection::open(cache).expect("open cache");
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("integrity_check");
    assert_eq!(check, "ok");
    let q = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).expect(sql);
    (q("SELECT count(*) FROM event"), q("SELECT count(*) FROM session"), q("SELECT count(*) FROM profile"))
}

fn prepare(dir: &Path) -> std::process::Output {
    Command::new(APP).arg("--prepare-cache").arg("--data-dir").arg(dir).output().expect("run the app")
}

fn bundled_counts() -> (i64, i64, i64) {
    let b = elements_client::bundled::demo_event().expect("demo");
    (1, b.sessions.len() as i64, b.people.len() as i64)
}

#[test]
fn kill_9_in_the_middle_of_the_first_load_then_restart_gives_a_complete_cache() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut child = Command::new(APP)
        .args(["--prepare-cache", "--pause-mid-load", "--data-dir"])
        .arg(dir.path())
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the app");
    // Wait for the app to say it is inside the load transaction with sessions written.
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let mut seen = Vec::new();
    loop {
        let line = lines.next().expect("the app reports its progress before exiting").expect("utf-8");
        let paused = line.contains("paused mid-load");
        seen.push(line);
        if paused {
            break;
        }
    }
    assert!(seen.iter().any(|l| l.contains("wrote") && l.contains("session")), "{seen:?}");
    child.kill().expect("SIGKILL");
    let status = child.wait().expect("reap");
    assert!(!status.success());

    // Nothing of the interrupted load is visible: no event, no sessions.
    let cache = dir.path().join("cache.sqlite3");
    assert_eq!(counts(&cache), (0, 0, 0));

    let out = prepare(dir.path());
    assert!(out.status.success(), "restart: {}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bundled demo event loaded"));
    assert_eq!(counts(&cache), bundled_counts());
}

#[test]
fn kill_9_at_arbitrary_moments_never_leaves_a_half_written_cache() {
    // Kills at whatever point the app has reached after each progress line; every outcome must
    // be all-or-nothing, and a restart always completes it. Bounded: one launch per load step.
    let steps =
        ["floor", "room", "track", "speaker", "session", "point_of_interest", "poll", "quest", "profile", "event"];
    let bundled = bundled_counts();
    for step in steps {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut child = Command::new(APP)
            .args(["--prepare-cache", "--data-dir"])
            .arg(dir.path())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the app");
        let stderr = child.stderr.take().expect("stderr");
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains(&format!(" {step} row")) {
                break;
            }
        }
        let _ = child.kill();
        let _ = child.wait();
        let cache = dir.path().join("cache.sqlite3");
        let after_kill = counts(&cache);
        assert!(after_kill == (0, 0, 0) || after_kill == bundled, "killed after {step}: {after_kill:?}");
        let out = prepare(dir.path());
        assert!(out.status.success(), "restart after {step}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(counts(&cache), bundled, "restart after a kill at {step}");
    }
}

#[test]
fn a_corrupt_cache_is_reported_and_rebuilt_by_the_app() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("cache.sqlite3"), b"\x00garbage".repeat(2000)).expect("write");
    let out = prepare(dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("set aside"), "{stderr}");
    assert_eq!(counts(&dir.path().join("cache.sqlite3")), bundled_counts());
    // The second start is quiet: no loop of rebuilds.
    let again = prepare(dir.path());
    assert!(!String::from_utf8_lossy(&again.stderr).contains("set aside"));
}

#[test]
fn bad_arguments_get_a_clear_message() {
    let out = Command::new(APP).arg("--window-size").arg("huge").output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected e.g. 390x844"));
}
