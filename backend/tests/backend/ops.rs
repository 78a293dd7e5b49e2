//! What an operator relies on: health and readiness, Prometheus metrics, the configuration file
//! under flags and variables, shell completions, and backups taken while serving.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::common::start;
use elements_protocol::signal::{Action, Signal, SignalBatch};

const BACKEND: &str = env!("CARGO_BIN_EXE_elements-backend");

fn vote(id: &str, option: &str) -> Signal {
    Signal {
        id: id.into(),
        client_id: "ops".into(),
        seq: 1,
        schema_version: 1,
        created_at: crate::common::during_event().fixed_offset(),
        action: Action::Vote { poll_id: "poll-opening".into(), option_id: option.into() },
    }
}

/// The value of the first sample line starting with `prefix` (name and labels).
fn sample(text: &str, prefix: &str) -> Option<f64> {
    text.lines().find(|l| l.starts_with(prefix)).and_then(|l| l.rsplit(' ').next()).and_then(|v| v.parse().ok())
}

#[tokio::test(flavor = "multi_thread")]
async fn health_readiness_and_metrics_answer_what_the_server_did() {
    let s = start().await;
    let http = reqwest::Client::new();
    let health = http.get(format!("{}/healthz", s.base)).send().await.expect("GET");
    assert_eq!((health.status().as_u16(), health.text().await.expect("body").as_str()), (200, "ok"));
    let ready = http.get(format!("{}/readyz", s.base)).send().await.expect("GET");
    assert_eq!((ready.status().as_u16(), ready.text().await.expect("body").as_str()), (200, "ready"));

    // One accepted vote, one refused (no such option), one duplicate; and a live listener.
    let batch = SignalBatch { signals: vec![vote("ops-1", "o1"), vote("ops-2", "no-such-option")] };
    let first = s.client().post(format!("{}/v1/signals", s.base)).json(&batch).send().await.expect("POST");
    assert_eq!(first.status(), 200);
    let again = SignalBatch { signals: vec![vote("ops-1", "o1")] };
    assert_eq!(
        s.client().post(format!("{}/v1/signals", s.base)).json(&again).send().await.expect("POST").status(),
        200
    );
    let mut live = s.client().get(format!("{}/v1/live", s.base)).send().await.expect("live");
    live.chunk().await.expect("chunk").expect("hello");

    let metrics = http.get(format!("{}/metrics", s.base)).send().await.expect("GET /metrics");
    assert_eq!(metrics.status(), 200);
    assert!(metrics.headers()["content-type"].to_str().expect("ascii").starts_with("text/plain"));
    let text = metrics.text().await.expect("body");
    let at_least = |prefix: &str, n: f64| {
        let v = sample(&text, prefix).unwrap_or_else(|| panic!("no sample {prefix} in\n{text}"));
        assert!(v >= n, "{prefix} = {v}, expected at least {n}");
    };
    at_least(r#"elements_signals_total{outcome="accepted",reason=""}"#, 1.0);
    at_least(r#"elements_signals_total{outcome="duplicate",reason=""}"#, 1.0);
    assert!(
        text.lines().any(|l| l.starts_with(r#"elements_signals_total{outcome="rejected",reason=""#)),
        "a refused signal is counted by its reason:\n{text}"
    );
    at_least(r#"elements_http_requests_total{method="POST",route="/v1/signals",status="200"}"#, 2.0);
    at_least(r#"elements_http_request_duration_seconds_bucket{method="POST",route="/v1/signals",le="+Inf"}"#, 2.0);
    at_least("elements_live_listeners", 1.0);
    at_least("elements_database_bytes", 4096.0);
    assert!(sample(&text, "elements_intake_queue_depth").is_some(), "{text}");
    drop(live);
}

#[tokio::test(flavor = "multi_thread")]
async fn with_a_metrics_token_metrics_need_it() {
    let config = elements_backend::http::Config {
        clock: Some(crate::common::during_event()),
        metrics_token: Some("scrape-me".into()),
        ..Default::default()
    };
    let s = crate::common::start_configured(Default::default(), config, &crate::common::demo()).await;
    let http = reqwest::Client::new();
    let refused = http.get(format!("{}/metrics", s.base)).send().await.expect("GET");
    assert_eq!(refused.status(), 403);
    let wrong = http.get(format!("{}/metrics", s.base)).bearer_auth("guess").send().await.expect("GET");
    assert_eq!(wrong.status(), 403);
    let ok = http.get(format!("{}/metrics", s.base)).bearer_auth("scrape-me").send().await.expect("GET");
    assert_eq!(ok.status(), 200);
}

/// Starts `serve` with `args` and `envs`; its address (from the first line it prints) and the
/// process.
fn serve(args: &[&str], envs: &[(&str, &str)]) -> (String, std::process::Child) {
    let mut child = Command::new(BACKEND)
        .arg("serve")
        .args(args)
        .envs(envs.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("a line");
    let address = line.trim().rsplit(' ').next().unwrap_or_default().to_string();
    (address, child)
}

#[test]
fn the_configuration_file_sets_what_flags_and_variables_do_not() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("configured.sqlite3");
    let config = dir.path().join("elements-backend.toml");
    std::fs::write(
        &config,
        format!(
            "db = {:?}\nlisten = \"127.0.0.1:0\"\nclock = \"2027-03-10T09:30:00+01:00\"\n",
            db.display().to_string()
        ),
    )
    .expect("write");
    let config_arg = config.display().to_string();
    let (address, mut child) = serve(&["--config", &config_arg], &[]);
    assert!(address.starts_with("http://127.0.0.1:"), "{address}");
    child.kill().expect("kill");
    let _ = child.wait();
    assert!(db.exists(), "the file's database was used");

    // A variable overrides the file, a flag overrides the variable.
    let other = dir.path().join("from-env.sqlite3");
    let flagged = dir.path().join("from-flag.sqlite3");
    let other_arg = other.display().to_string();
    let (_, mut child) = serve(&["--config", &config_arg], &[("ELEMENTS_DB", &other_arg)]);
    child.kill().expect("kill");
    let _ = child.wait();
    assert!(other.exists());
    let flagged_arg = flagged.display().to_string();
    let (_, mut child) = serve(&["--config", &config_arg, "--db", &flagged_arg], &[("ELEMENTS_DB", &other_arg)]);
    child.kill().expect("kill");
    let _ = child.wait();
    assert!(flagged.exists());

    // A key the file may not have, and a bad value, are named.
    std::fs::write(&config, "listen = \"127.0.0.1:0\"\nlissten = \"x\"\n").expect("write");
    let out = Command::new(BACKEND).args(["serve", "--config", &config_arg]).output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && stderr.contains("lissten") && stderr.contains("elements-backend.toml"),
        "{stderr}"
    );
    std::fs::write(&config, "clock = \"tomorrow\"\n").expect("write");
    let out = Command::new(BACKEND).args(["serve", "--config", &config_arg]).output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("clock") && stderr.contains("RFC 3339"), "{stderr}");

    // Flags are named in errors; every subcommand has --help; completions print.
    let out = Command::new(BACKEND).args(["serve", "--max-connections", "0"]).output().expect("run");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--max-connections"));
    for sub in ["serve", "import", "code", "qr-codes", "backup", "restore", "conformance", "completions"] {
        let out = Command::new(BACKEND).args([sub, "--help"]).output().expect("run");
        assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).contains("Usage:"), "{sub} --help");
    }
    let out = Command::new(BACKEND).args(["completions", "bash"]).output().expect("run");
    assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).contains("elements-backend"));
}

#[test]
fn a_backup_taken_while_serving_restores_every_signal_and_a_bad_backup_changes_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("live.sqlite3");
    let db_arg = db.display().to_string();
    let (base, mut child) =
        serve(&["--listen", "127.0.0.1:0", "--clock", "2027-03-10T09:30:00+01:00", "--db", &db_arg], &[]);
    let http = reqwest::blocking::Client::new();
    let token = http
        .post(format!("{base}/v1/auth/redeem"))
        .json(&serde_json::json!({"code": "DEMO-ATTENDEE", "client_id": "backup"}))
        .send()
        .expect("redeem")
        .json::<elements_protocol::auth::RedeemResponse>()
        .expect("token")
        .token;
    let answer = http
        .post(format!("{base}/v1/signals"))
        .bearer_auth(&token)
        .json(&SignalBatch { signals: vec![vote("kept-1", "o2")] })
        .send()
        .expect("vote");
    assert_eq!(answer.status(), 200);

    let backup = dir.path().join("backup.sqlite3");
    let out = Command::new(BACKEND).args(["backup"]).arg(&backup).args(["--db", &db_arg]).output().expect("backup");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Still serving after the backup.
    assert_eq!(http.get(format!("{base}/readyz")).send().expect("GET").status(), 200);
    child.kill().expect("kill");
    let _ = child.wait();

    let restored = dir.path().join("restored.sqlite3");
    let out =
        Command::new(BACKEND).args(["restore"]).arg(&backup).arg("--db").arg(&restored).output().expect("restore");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(said.contains("1 signals"), "{said}");
    let conn = rusqlite::Connection::open(&restored).expect("open");
    let kept: i64 = conn.query_row("SELECT count(*) FROM signal WHERE id = 'kept-1'", [], |r| r.get(0)).expect("count");
    assert_eq!(kept, 1);

    // A file that is not a backup: named, and the database is untouched.
    let garbage = dir.path().join("not-a-backup.sqlite3");
    std::fs::write(&garbage, b"certainly not SQLite").expect("write");
    let out = Command::new(BACKEND).args(["restore"]).arg(&garbage).arg("--db").arg(&restored).output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("not-a-backup.sqlite3"), "{stderr}");
    let conn = rusqlite::Connection::open(&restored).expect("open");
    let kept: i64 = conn.query_row("SELECT count(*) FROM signal WHERE id = 'kept-1'", [], |r| r.get(0)).expect("count");
    assert_eq!(kept, 1, "the failed restore left the database as it was");
}
