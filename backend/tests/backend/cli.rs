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
