//! Prints figures; asserts nothing about speed. Run: `cargo bench -p elements-backend --bench intake`
//!
//! Signal intake of the reference backend under concurrent clients on 127.0.0.1: each client is
//! a participant pushing one vote per request (a phone's usual batch), through real HTTP into
//! SQLite (WAL). Side by side, the same load generator against an axum hello-world on the same
//! machine: the ceiling that HTTP and the generator alone impose. Both share the machine's
//! cores with the generator, so absolute figures are pessimistic; the ratio is the point.
//! The default rules run twice, over plain HTTP and over HTTPS (a CA and certificate made for the
//! run, rustls on both sides, connections kept alive as phones keep them), and `/metrics` is
//! scraped while the HTTPS run is under way.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::routing::post;
use elements_backend::http::Config;
use elements_backend::store::{SqliteStore, Store};
use elements_protocol::auth::{RedeemRequest, RedeemResponse, Role};
use elements_protocol::event::EventBundle;
use elements_protocol::signal::{Action, Signal, SignalBatch};

const CLIENTS: usize = 64;
const PARTICIPANTS: usize = 6000;

fn during() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2027-03-10T09:30:00+01:00").expect("t").to_utc()
}

fn event() -> EventBundle {
    let mut b: EventBundle = serde_json::from_str(elements_backend::DEMO_EVENT_JSON).expect("demo");
    // Every poll open at once, so each participant has three votes to cast.
    let (open, close) = (b.polls[0].opens_at, b.polls[0].closes_at);
    for p in &mut b.polls {
        p.opens_at = open;
        p.closes_at = close;
    }
    b
}

struct Figures {
    requests: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
    /// `/metrics` as scraped when half the requests were answered, if asked for.
    scraped: Option<String>,
}

impl Figures {
    fn print(&self, what: &str) {
        let mut l = self.latencies.clone();
        l.sort();
        let at = |q: f64| l[((l.len() as f64 * q) as usize).min(l.len() - 1)].as_secs_f64() * 1e3;
        println!(
            "{what}: {} requests from {CLIENTS} concurrent clients in {:.2} s = {:.0}/s; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            self.requests,
            self.elapsed.as_secs_f64(),
            self.requests as f64 / self.elapsed.as_secs_f64(),
            at(0.5),
            at(0.99),
            at(1.0)
        );
    }
}

/// A client as the load generator uses it, trusting `ca` when the target speaks HTTPS.
fn client(ca: Option<&elements_tls::testing::TestCa>) -> reqwest::Client {
    let mut builder = reqwest::Client::builder().pool_max_idle_per_host(CLIENTS);
    if let Some(ca) = ca {
        let trust = elements_tls::Trust::with_ca_pem(ca.pem().as_bytes()).expect("trust");
        builder = builder.tls_backend_preconfigured(trust.client_config());
    }
    builder.build().expect("client")
}

/// Runs `jobs` through `CLIENTS` concurrent workers; each job is one POST of `body` with `token`.
async fn load(http: reqwest::Client, url: String, jobs: Vec<(String, Vec<u8>)>, metrics: Option<String>) -> Figures {
    let half = jobs.len() / 2;
    let answered = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let scraped: Arc<std::sync::Mutex<Option<tokio::task::JoinHandle<Option<String>>>>> = Default::default();
    let jobs = Arc::new(std::sync::Mutex::new(jobs));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..CLIENTS {
        let (http, url, jobs) = (http.clone(), url.clone(), jobs.clone());
        let (answered, scraped, metrics) = (answered.clone(), scraped.clone(), metrics.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let Some((token, body)) = jobs.lock().expect("jobs").pop() else { return latencies };
                let t = Instant::now();
                let resp = http
                    .post(&url)
                    .bearer_auth(token)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .expect("POST");
                assert!(resp.status().is_success(), "{}", resp.status());
                resp.bytes().await.expect("body");
                latencies.push(t.elapsed());
                // Half-way: what an operator's Prometheus would scrape now.
                if answered.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1 == half {
                    if let Some(metrics) = metrics.clone() {
                        let http = http.clone();
                        *scraped.lock().expect("scrape") =
                            Some(tokio::spawn(async move { http.get(metrics).send().await.ok()?.text().await.ok() }));
                    }
                }
            }
        }));
    }
    let mut latencies = Vec::new();
    for w in workers {
        latencies.extend(w.await.expect("worker"));
    }
    let elapsed = started.elapsed();
    let scrape = scraped.lock().expect("scrape").take();
    let scraped = match scrape {
        Some(task) => task.await.ok().flatten(),
        None => None,
    };
    Figures { requests: latencies.len(), elapsed, latencies, scraped }
}

/// 200 rules: the defaults the demo's quests imply, its own scenarios, and the rest rules an
/// organizer might write: "voted X in poll P", "visited booth B", each with a count, a tag and
/// points. As in a real event, a given signal meets a few of them, not all.
fn with_200_rules(mut b: EventBundle) -> EventBundle {
    use elements_protocol::scenario::{Condition, Consequence, Scenario, SignalFilter, SignalKind, Trigger};
    let quest = b.quests[0].id.clone();
    let answers: Vec<(String, String)> =
        b.polls.iter().flat_map(|p| p.options.iter().map(move |o| (p.id.clone(), o.id.clone()))).collect();
    let booths: Vec<String> =
        b.points_of_interest.iter().filter(|p| p.id.starts_with("poi-booth")).map(|p| p.id.clone()).collect();
    let mut i = 0;
    while elements_domain::rules::event_rules(&b.quests, &b.scenarios).len() < 200 {
        let (kind, filter) = if i % 2 == 0 {
            let (poll, option) = &answers[(i / 2) % answers.len()];
            (
                SignalKind::Vote,
                SignalFilter {
                    poll_id: Some(poll.clone()),
                    option_id: Some(option.clone()),
                    ..SignalFilter::default()
                },
            )
        } else {
            (
                SignalKind::BoothVisit,
                SignalFilter { poi_id: Some(booths[(i / 2) % booths.len()].clone()), ..SignalFilter::default() },
            )
        };
        b.scenarios.push(Scenario {
            id: format!("bench-{i:03}"),
            name: String::new(),
            when: Trigger::Signal { kind, filter: filter.clone() },
            conditions: vec![
                Condition::Count { kind, filter, at_least: 1, within_seconds: Some(3600) },
                Condition::LacksTag { tag: format!("t{i}") },
            ],
            then: vec![
                Consequence::Points { quest_id: quest.clone(), points: 1 },
                Consequence::Tag { tag: format!("t{i}") },
            ],
            once: true,
            cooldown_seconds: None,
        });
        i += 1;
    }
    b
}

/// The reference backend on disk serving `ev`, `PARTICIPANTS` devices each pushing one vote; in
/// HTTPS when `tls`, printing a `/metrics` scrape taken while the votes arrive.
async fn intake(ev: &EventBundle, tls: bool) -> Figures {
    let dir = tempfile::tempdir().expect("dir");
    let store = Arc::new(SqliteStore::open(&dir.path().join("backend.sqlite3")).expect("store"));
    store.replace_event(ev).expect("load");
    store.add_code("BENCH", Role::Attendee, false).expect("code");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = elements_backend::http::router_with(
        store.clone(),
        Config {
            clock: Some(during()),
            // 6,000 devices join from this one machine: the redeem limits are for the real world.
            redeems_per_address_per_minute: u32::MAX,
            redeems_per_code_per_minute: u32::MAX,
            ..Default::default()
        },
    );
    let ca = tls.then(|| elements_tls::testing::TestCa::new("Bench CA"));
    let cert = ca.as_ref().map(|ca| {
        let (cert, key) = ca.issue(&["127.0.0.1"], elements_tls::testing::Validity::Current).write_to(dir.path());
        elements_tls::ServerCert::load(&cert, &key).expect("certificate")
    });
    tokio::spawn(async move {
        elements_backend::server::serve(listener, router, Default::default(), cert, std::future::pending()).await
    });
    let base = format!("{}://{addr}", if tls { "https" } else { "http" });

    // Participants (not timed): one token each.
    let http = client(ca.as_ref());
    let mut tokens = Vec::new();
    for i in 0..PARTICIPANTS {
        let answer: RedeemResponse = http
            .post(format!("{base}/v1/auth/redeem"))
            .json(&RedeemRequest {
                code: "BENCH".into(),
                client_id: format!("device-{i}"),
                display_name: None,
                show_name: false,
            })
            .send()
            .await
            .expect("redeem")
            .json()
            .await
            .expect("token");
        tokens.push(answer.token);
    }
    let at = during().fixed_offset();
    let mut jobs = Vec::new();
    // The single-choice polls, as a v1 client votes (the others take v2 answers).
    let votable: Vec<&elements_protocol::event::Poll> =
        ev.polls.iter().filter(|p| p.kind == elements_protocol::event::PollKind::SingleChoice).collect();
    for (i, token) in tokens.iter().enumerate() {
        let poll = votable[i % votable.len()];
        let option = &poll.options[i % poll.options.len()];
        let signal = Signal {
            id: format!("device-{i}-1"),
            client_id: format!("device-{i}"),
            seq: 1,
            schema_version: 1,
            created_at: at,
            action: Action::Vote { poll_id: poll.id.clone(), option_id: option.id.clone() },
        };
        jobs.push((token.clone(), serde_json::to_vec(&SignalBatch { signals: vec![signal] }).expect("json")));
    }
    // A scrape while the votes arrive (the metrics an operator's Prometheus would see then).
    let metrics = tls.then(|| format!("{base}/metrics"));
    let figures = load(client(ca.as_ref()), format!("{base}/v1/signals"), jobs, metrics).await;
    if let Some(text) = &figures.scraped {
        println!("/metrics scraped half-way through the HTTPS run (counters are this process's: the HTTP run's too; buckets left out):");
        for line in text.lines().filter(|l| l.starts_with("elements_") && !l.contains("_bucket{")) {
            println!("    {line}");
        }
    }
    let counted: u64 = store
        .changes(elements_protocol::event::ElementKind::Voting, 0, 100)
        .expect("feed")
        .changes
        .iter()
        .filter_map(|c| match c {
            elements_protocol::sync::Change::Upsert { entity: elements_protocol::sync::Entity::PollResult(r) } => {
                Some(r.total)
            }
            _ => None,
        })
        .sum();
    println!("votes counted by the backend: {counted} of {PARTICIPANTS}");
    figures
}

fn per_second(f: &Figures) -> f64 {
    f.requests as f64 / f.elapsed.as_secs_f64()
}

/// How many times each configuration runs (alternating, medians reported): one with
/// `ELEMENTS_BENCH_QUICK` set (`cargo xtask bench --quick`, as CI runs it), else three.
fn rounds() -> usize {
    if std::env::var_os("ELEMENTS_BENCH_QUICK").is_some() {
        1
    } else {
        3
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    elements_tls::install_default_provider();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let mut defaults = event();
        defaults.scenarios.clear();
        let heavy_event = with_200_rules(event());
        let heavy_rules = elements_domain::rules::event_rules(&heavy_event.quests, &heavy_event.scenarios).len();
        // The same load against a hello-world.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let hello_addr = listener.local_addr().expect("addr");
        let hello = axum::Router::new().route("/hello", post(|| async { "ok" }));
        tokio::spawn(async move { axum::serve(listener, hello).await });

        // Alternated, so each configuration meets the same machine state; medians of the rounds.
        let (mut plain, mut heavy, mut baseline) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..rounds() {
            let p = intake(&defaults, false).await;
            p.print("signal intake, default rules (1 vote per request, SQLite WAL, tally + change log updated)");
            plain.push(per_second(&p));
            let h = intake(&heavy_event, false).await;
            h.print(&format!("signal intake, {heavy_rules} rules"));
            heavy.push(per_second(&h));
            let jobs = (0..PARTICIPANTS).map(|_| ("x".to_string(), b"{}".to_vec())).collect();
            let b = load(client(None), format!("http://{hello_addr}/hello"), jobs, None).await;
            b.print("axum hello-world (same generator)");
            baseline.push(per_second(&b));
        }
        let secure = intake(&defaults, true).await;
        secure.print("signal intake over HTTPS (TLS 1.3, rustls/ring both sides, keep-alive), default rules");
        let (plain, heavy, baseline) = (median(plain), median(heavy), median(baseline));
        println!("medians of {} rounds:", rounds());
        println!("intake / hello-world throughput: {:.2}", plain / baseline);
        println!("intake over HTTPS / over HTTP: {:.2}", per_second(&secure) / plain);
        println!("intake with {heavy_rules} rules / hello-world: {:.2}", heavy / baseline);
        println!("intake with {heavy_rules} rules / with the default rules: {:.2}", heavy / plain);
        // For `cargo xtask bench`'s table.
        println!("figure intake_per_second {plain:.0} /s");
        println!("figure intake_vs_hello_world {:.2} x", plain / baseline);
        println!("figure intake_200_rules_vs_default {:.2} x", heavy / plain);
        println!("figure intake_https_vs_http {:.2} x", per_second(&secure) / plain);
    });
}
