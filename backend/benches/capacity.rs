//! Prints figures; asserts nothing about speed. Run: `cargo bench -p elements-backend --bench capacity`
//!
//! What one backend instance and a cluster of three take on this machine, for sizing an event:
//! an open-loop generator (requests leave at fixed arrival rates, whether earlier ones were
//! answered or not; latency counts from when a request was due, so queueing shows) pushes one
//! vote per request, half of them on one poll, rung by rung up a ladder of rates; the highest
//! rate answered with p99 ≤ 250 ms is the capacity. Then idle refreshes (`304`s) per second,
//! and the CPU each signal costs in the backend and in PostgreSQL (from `/proc`), so a reader can
//! size a production cluster. The same figures for the SQLite default beside them. Every
//! instance is its own process (the release binary); the generator shares the machine's two
//! cores with them, so the absolute figures are pessimistic.

use std::path::Path;
use std::time::{Duration, Instant};

use elements_backend::store::{PgStore, Redeemed, SqliteStore, Store};
use elements_backend::testing::instance::Instance;
use elements_backend::testing::postgres::Cluster;
use elements_protocol::auth::{RedeemRequest, Role};
use elements_protocol::event::EventBundle;
use elements_protocol::signal::{Action, Signal, SignalBatch};

const BINARY: &str = env!("CARGO_BIN_EXE_elements-backend");
const PARTICIPANTS: usize = 3000;
const P99_LIMIT: Duration = Duration::from_millis(250);

fn quick() -> bool {
    std::env::var_os("ELEMENTS_BENCH_QUICK").is_some()
}

fn during() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2027-03-10T09:30:00+01:00").expect("t").to_utc()
}

fn event() -> EventBundle {
    let mut b: EventBundle = serde_json::from_str(elements_backend::DEMO_EVENT_JSON).expect("demo");
    let (open, close) = (b.polls[0].opens_at, b.polls[0].closes_at);
    for p in &mut b.polls {
        p.opens_at = open;
        p.closes_at = close;
    }
    b
}

/// Loads the event and redeems every participant through `store`; answers their tokens.
fn prepare(store: &dyn Store) -> Vec<String> {
    store.replace_event(&event()).expect("event");
    store.add_code("BENCH", Role::Attendee, false).expect("code");
    (0..PARTICIPANTS)
        .map(|i| {
            let request = RedeemRequest {
                code: "BENCH".into(),
                client_id: format!("d-{i}"),
                display_name: None,
                show_name: false,
            };
            match store.redeem(&request).expect("redeem") {
                Redeemed::Token(t) => t.token,
                other => panic!("{other:?}"),
            }
        })
        .collect()
}

/// User and system CPU time of process `pid` so far (`/proc/<pid>/stat`), in microseconds.
fn cpu_micros(pid: u32) -> u64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { return 0 };
    // After the command's closing parenthesis: field 3 on; utime and stime are fields 14 and 15.
    let Some((_, rest)) = stat.rsplit_once(')') else { return 0 };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
    // The clock tick is 100 Hz on Linux unless the kernel was built otherwise.
    (ticks(11) + ticks(12)) * 10_000
}

/// CPU of the PostgreSQL server: the postmaster and every process it started.
fn postgres_micros(postmaster: u32) -> u64 {
    let mut total = cpu_micros(postmaster);
    if let Ok(dir) = std::fs::read_dir("/proc") {
        for entry in dir.flatten() {
            let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
            let parent = stat.rsplit_once(')').and_then(|(_, r)| r.split_whitespace().nth(1)?.parse::<u32>().ok());
            if parent == Some(postmaster) {
                total += cpu_micros(pid);
            }
        }
    }
    total
}

fn postmaster_pid(data: &Path) -> Option<u32> {
    std::fs::read_to_string(data.join("postmaster.pid")).ok()?.lines().next()?.trim().parse().ok()
}

struct Target {
    name: &'static str,
    urls: Vec<String>,
    pids: Vec<u32>,
    postmaster: Option<u32>,
}

impl Target {
    fn backend_cpu(&self) -> u64 {
        self.pids.iter().map(|p| cpu_micros(*p)).sum()
    }
    fn database_cpu(&self) -> u64 {
        self.postmaster.map_or(0, postgres_micros)
    }
}

struct Rung {
    rate: u32,
    answered: usize,
    failed: usize,
    p50: Duration,
    p99: Duration,
    backend_us: f64,
    database_us: f64,
}

/// One rung: `rate` votes a second for `seconds`, each request leaving when it is due.
async fn rung(
    http: &reqwest::Client,
    target: &Target,
    tokens: &[String],
    rate: u32,
    seconds: u32,
    round: usize,
) -> Rung {
    let total = (rate * seconds) as usize;
    let (cpu0, db0) = (target.backend_cpu(), target.database_cpu());
    let start = tokio::time::Instant::now() + Duration::from_millis(50);
    let mut tasks = Vec::with_capacity(total);
    for i in 0..total {
        let due = start + Duration::from_secs_f64(i as f64 / f64::from(rate));
        let url = format!("{}/v1/signals", target.urls[i % target.urls.len()]);
        let token = tokens[(i + round * 7919) % tokens.len()].clone();
        // Half the votes on one poll (a keynote's), the rest over the others.
        let (poll, option) = if i % 2 == 0 {
            ("poll-opening", "o1")
        } else {
            [("poll-ai-regulation", "yes"), ("poll-best-talk", "cloud")][i / 2 % 2]
        };
        let signal = Signal {
            id: format!("r{round}-{rate}-{i}"),
            client_id: "bench".into(),
            seq: i as u64 + 1,
            schema_version: 1,
            created_at: during().fixed_offset(),
            action: Action::Vote { poll_id: poll.into(), option_id: option.into() },
        };
        let body = serde_json::to_vec(&SignalBatch { signals: vec![signal] }).expect("json");
        let http = http.clone();
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep_until(due).await;
            let sent = http
                .post(url)
                .bearer_auth(token)
                .header("content-type", "application/json")
                .body(body)
                .timeout(Duration::from_secs(10))
                .send()
                .await;
            let ok = match sent {
                Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                Err(_) => false,
            };
            (ok, due.elapsed())
        }));
    }
    let mut latencies = Vec::with_capacity(total);
    let mut failed = 0;
    for t in tasks {
        match t.await {
            Ok((true, latency)) => latencies.push(latency),
            _ => failed += 1,
        }
    }
    latencies.sort();
    let at =
        |q: f64| latencies.get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1))).copied();
    let signals = latencies.len().max(1) as f64;
    Rung {
        rate,
        answered: latencies.len(),
        failed,
        p50: at(0.5).unwrap_or_default(),
        p99: at(0.99).unwrap_or(Duration::MAX),
        backend_us: (target.backend_cpu() - cpu0) as f64 / signals,
        database_us: (target.database_cpu().saturating_sub(db0)) as f64 / signals,
    }
}

/// Idle refreshes: 64 clients asking for the agenda with the ETag they hold, for `seconds`.
async fn refreshes(http: &reqwest::Client, target: &Target, token: &str, seconds: u64) -> f64 {
    // A phone that synced to the end holds the last page's cursor and ETag.
    let mut cursor: Option<String> = None;
    let mut etag = None;
    for _ in 0..1000 {
        let mut query = vec![("limit", "500".to_string())];
        if let Some(c) = &cursor {
            query.push(("cursor", c.clone()));
        }
        let page = http
            .get(format!("{}/v1/elements/agenda/changes", target.urls[0]))
            .query(&query)
            .bearer_auth(token)
            .send()
            .await
            .expect("agenda");
        etag = page.headers().get("etag").and_then(|v| v.to_str().ok()).map(str::to_string);
        let body: serde_json::Value = page.json().await.expect("a page");
        cursor = body["cursor"].as_str().map(str::to_string);
        if body["more"] == false {
            break;
        }
    }
    let (cursor, etag) = (cursor.expect("a cursor"), etag.expect("an ETag at the end of the feed"));
    let until = Instant::now() + Duration::from_secs(seconds);
    let mut workers = Vec::new();
    for w in 0..64 {
        let (http, url, token, etag) = (
            http.clone(),
            format!("{}/v1/elements/agenda/changes?limit=500&cursor={cursor}", target.urls[w % target.urls.len()]),
            token.to_string(),
            etag.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut n = 0u64;
            while Instant::now() < until {
                let r = http.get(&url).bearer_auth(&token).header("if-none-match", &etag).send().await;
                if r.is_ok_and(|r| r.status() == 304) {
                    n += 1;
                }
            }
            n
        }));
    }
    let mut total = 0;
    for w in workers {
        total += w.await.unwrap_or(0);
    }
    total as f64 / seconds as f64
}

async fn measure(target: &Target, tokens: &[String]) {
    let http = reqwest::Client::builder().pool_max_idle_per_host(512).build().expect("client");
    let ladder: &[u32] =
        if quick() { &[200, 800] } else { &[250, 500, 1000, 1500, 2000, 3000, 4000, 6000, 8000, 12000] };
    let seconds = if quick() { 2 } else { 4 };
    let mut capacity = None;
    for (round, rate) in ladder.iter().enumerate() {
        let r = rung(&http, target, tokens, *rate, seconds, round).await;
        println!(
            "{}: {} votes/s offered for {seconds} s: {} answered, {} failed; p50 {:.1} ms, p99 {:.1} ms; CPU per signal: backend {:.0} µs, PostgreSQL {:.0} µs",
            target.name,
            r.rate,
            r.answered,
            r.failed,
            r.p50.as_secs_f64() * 1e3,
            r.p99.as_secs_f64() * 1e3,
            r.backend_us,
            r.database_us
        );
        if r.failed > 0 || r.p99 > P99_LIMIT {
            break;
        }
        capacity = Some(r);
    }
    match capacity {
        Some(c) => println!(
            "figure capacity_{} {} votes/s (p99 {:.0} ms ≤ 250; backend {:.0} µs + PostgreSQL {:.0} µs CPU per signal)",
            target.name.replace(' ', "_"),
            c.rate,
            c.p99.as_secs_f64() * 1e3,
            c.backend_us,
            c.database_us
        ),
        None => println!("{}: not even the first rung within p99 ≤ 250 ms", target.name),
    }
    let idle = refreshes(&http, target, &tokens[0], if quick() { 2 } else { 4 }).await;
    println!("figure refreshes_{} {idle:.0} 304s/s", target.name.replace(' ', "_"));
}

/// What the log holds after the runs, and how fast a new instance replays it to start.
fn log_figures(runtime: &tokio::runtime::Runtime, cluster: &Cluster) {
    let (commands, bytes) = runtime.block_on(async {
        let (client, connection) =
            tokio_postgres::connect(&cluster.url(), tokio_postgres::NoTls).await.expect("connect");
        tokio::spawn(connection);
        let row = client
            .query_one("SELECT count(*), pg_total_relation_size('command_log') FROM command_log", &[])
            .await
            .expect("log size");
        (row.get::<_, i64>(0), row.get::<_, i64>(1))
    });
    let started = Instant::now();
    let joined = PgStore::open(&cluster.url()).expect("a new instance");
    let replay = started.elapsed();
    drop(joined);
    println!(
        "the log: {commands} commands, {} MiB with its index ({:.0} bytes a command); a new instance replayed it in {:.1} s ({:.0} commands/s)",
        bytes / (1 << 20),
        bytes as f64 / commands.max(1) as f64,
        replay.as_secs_f64(),
        commands as f64 / replay.as_secs_f64()
    );
    println!("figure log_bytes_per_command {:.0} B", bytes as f64 / commands.max(1) as f64);
    println!("figure replay_commands_per_second {:.0} /s", commands as f64 / replay.as_secs_f64());
}

fn main() {
    elements_tls::install_default_provider();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let binary = Path::new(BINARY);

    // The SQLite default: one process on one file.
    {
        let dir = tempfile::tempdir().expect("dir");
        let db = dir.path().join("event.sqlite3");
        let tokens = prepare(&SqliteStore::open(&db).expect("store"));
        let mut child = std::process::Command::new(binary)
            .args(["serve", "--listen", "127.0.0.1:0", "--db"])
            .arg(&db)
            .args(["--clock", &during().to_rfc3339()])
            .env("ELEMENTS_LOG", "warn")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("serve");
        let url = {
            use std::io::BufRead;
            let out = child.stdout.take().expect("stdout");
            let mut lines = std::io::BufReader::new(out).lines();
            let url = lines
                .by_ref()
                .map_while(Result::ok)
                .find_map(|l| l.split(" on ").nth(1).filter(|_| l.contains("serving")).map(str::to_string))
                .expect("the address");
            std::thread::spawn(move || lines.for_each(drop));
            url
        };
        let target = Target { name: "sqlite 1 instance", urls: vec![url], pids: vec![child.id()], postmaster: None };
        runtime.block_on(measure(&target, &tokens));
        let _ = child.kill();
        let _ = child.wait();
    }

    for instances in [1usize, 3] {
        let cluster = Cluster::start().expect("a PostgreSQL cluster");
        let tokens = {
            let control = PgStore::open(&cluster.url()).expect("control");
            prepare(&control)
        };
        let running: Vec<Instance> =
            (0..instances).map(|_| Instance::start(binary, &cluster.url(), during()).expect("instance")).collect();
        let name = if instances == 1 { "postgres 1 instance" } else { "postgres 3 instances" };
        let target = Target {
            name,
            urls: running.iter().map(|i| i.url.clone()).collect(),
            pids: running.iter().map(Instance::pid).collect(),
            postmaster: postmaster_pid(&cluster.data_dir()),
        };
        runtime.block_on(measure(&target, &tokens));
        drop(running);
        if instances == 3 {
            log_figures(&runtime, &cluster);
        }
    }
}
