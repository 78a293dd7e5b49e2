//! PostgreSQL parts against a real server (a throwaway cluster on 127.0.0.1, started by the
//! test): the command log's order never skips a row whose transaction commits late.

use std::collections::BTreeSet;
use std::sync::Arc;

use elements_backend::store::postgres::command_log::{self, Position};
use elements_backend::testing::postgres::Cluster;
use tokio_postgres::{Client, NoTls};

async fn connect(cluster: &Cluster) -> Client {
    let (client, connection) = tokio_postgres::connect(&cluster.url(), NoTls).await.expect("connect");
    tokio::spawn(async move {
        let _ = connection.await;
    });
    client
}

/// Reads the log from `at` to where it stands now; answers the bodies and the new position.
async fn read_all(client: &Client, mut at: Position) -> (Vec<String>, Position) {
    let mut ids = Vec::new();
    for _ in 0..10_000 {
        let page = command_log::read(client, at, 50).await.expect("read");
        let Some(last) = page.last() else { break };
        at = last.at;
        ids.extend(page.into_iter().map(|c| c.body));
    }
    (ids, at)
}

async fn append(client: &impl tokio_postgres::GenericClient, body: &str) {
    command_log::append(client, "test", &[body.to_string()]).await.expect("append");
}

/// Transaction A writes first and commits last; B writes after it and commits first. A reader
/// between the two commits must not move past A's row: `seq > cursor` would have (B's seq is
/// larger), and A's row would never reach it.
#[tokio::test]
async fn a_row_whose_transaction_commits_late_is_not_skipped() {
    let cluster = Cluster::start().expect("a PostgreSQL cluster");
    let mut a = connect(&cluster).await;
    let mut b = connect(&cluster).await;
    let reader = connect(&cluster).await;
    command_log::create(&reader).await.expect("schema");

    let ta = a.transaction().await.expect("begin A");
    append(&ta, "late").await;
    let tb = b.transaction().await.expect("begin B");
    append(&tb, "early").await;
    tb.commit().await.expect("B commits");

    // What a reader of sequence numbers alone would see now: B's row, past A's.
    let naive: Vec<String> = reader
        .query("SELECT body FROM command_log ORDER BY seq", &[])
        .await
        .expect("naive")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(naive, ["early"], "the hazard is real: B's row is visible, A's is not yet");
    let (seen, at) = read_all(&reader, Position::START).await;
    assert_eq!(seen, Vec::<String>::new(), "nothing past A's row while A is open");

    ta.commit().await.expect("A commits");
    let (seen, at) = read_all(&reader, at).await;
    assert_eq!(seen, ["late", "early"], "both, in the order their transactions began writing");
    let (again, _) = read_all(&reader, at).await;
    assert!(again.is_empty(), "{again:?}");
    // The cursor survives its text form.
    assert_eq!(Position::decode(&at.encode()).expect("decode"), at);
    assert!(Position::decode("12-x").is_err() && Position::decode("").is_err());
}

/// Eight writers commit 40 transactions each, with random pauses between writing and committing
/// (so commits cross); a reader tails the log meanwhile. When the writers are done, the reader
/// has seen every row, none skipped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_tailing_crossing_commits_misses_no_command() {
    let cluster = Arc::new(Cluster::start().expect("a PostgreSQL cluster"));
    let setup = connect(&cluster).await;
    command_log::create(&setup).await.expect("schema");
    let mut writers = Vec::new();
    for w in 0..8u64 {
        let cluster = cluster.clone();
        writers.push(tokio::spawn(async move {
            let mut client = connect(&cluster).await;
            // A small fixed-seed generator: the same crossings on every run.
            let mut state = 0x9e37_79b9_7f4a_7c15_u64 ^ (w + 1);
            let mut next = move || {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state
            };
            for t in 0..40u64 {
                let tx = client.transaction().await.expect("begin");
                append(&tx, &format!("w{w}-{t}")).await;
                tokio::time::sleep(std::time::Duration::from_micros(next() % 3000)).await;
                tx.commit().await.expect("commit");
            }
        }));
    }
    let reader = connect(&cluster).await;
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut at = Position::START;
    let mut done = false;
    // Bounded: the writers take about a second; the reader gives up after 2,000 rounds.
    for _ in 0..2_000 {
        let writing = writers.iter().any(|w| !w.is_finished());
        let (ids, now) = read_all(&reader, at).await;
        assert!(now >= at, "the position only moves forward");
        at = now;
        seen.extend(ids);
        if !writing {
            done = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    assert!(done, "the writers did not finish");
    for w in writers {
        w.await.expect("writer");
    }
    // What the table holds now is what the reader must have seen.
    let stored: BTreeSet<String> =
        setup.query("SELECT body FROM command_log", &[]).await.expect("ids").iter().map(|r| r.get(0)).collect();
    assert_eq!(stored.len(), 8 * 40);
    let missed: Vec<&String> = stored.difference(&seen).collect();
    assert!(missed.is_empty(), "the reader skipped {} rows: {missed:?}", missed.len());
}

/// Live fan-out between instances: two followers (as two backend instances would run) each
/// receive every command a third connection commits, woken by NOTIFY after each commit. Prints
/// commit-to-delivery latency; asserts only that nothing is missed or repeated.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_instance_following_the_log_receives_each_commit_once() {
    use std::collections::HashMap;
    use std::time::{Duration, Instant};
    let cluster = Cluster::start().expect("a PostgreSQL cluster");
    let mut writer = connect(&cluster).await;
    command_log::create(&writer).await.expect("schema");
    let url = cluster.url();
    let mut followers = Vec::new();
    for _ in 0..2 {
        let (to, from) = tokio::sync::mpsc::channel(1024);
        let url = url.clone();
        let task =
            tokio::spawn(async move { command_log::follow(&url, Position::START, Duration::from_secs(1), to).await });
        followers.push((task, from));
    }
    // Both followers are listening once a first change reaches both.
    let probe = writer.transaction().await.expect("begin");
    append(&probe, "probe").await;
    probe.commit().await.expect("commit");
    command_log::wake(&writer).await.expect("wake");
    for (_, from) in &mut followers {
        let first = tokio::time::timeout(Duration::from_secs(10), from.recv()).await.expect("in time").expect("open");
        assert_eq!(first.body, "probe");
    }
    const N: usize = 200;
    // Each follower's arrivals are timed as they come, while the writer commits.
    let collectors: Vec<_> = followers
        .into_iter()
        .map(|(task, mut from)| {
            tokio::spawn(async move {
                let mut arrived: Vec<(String, Instant)> = Vec::new();
                while arrived.len() < N {
                    match tokio::time::timeout(Duration::from_secs(10), from.recv()).await {
                        Ok(Some(command)) => arrived.push((command.body, Instant::now())),
                        _ => break,
                    }
                }
                task.abort();
                arrived
            })
        })
        .collect();
    let mut committed: HashMap<String, Instant> = HashMap::new();
    for i in 0..N {
        let tx = writer.transaction().await.expect("begin");
        let id = format!("poll-{i}");
        append(&tx, &id).await;
        tx.commit().await.expect("commit");
        committed.insert(id, Instant::now());
        command_log::wake(&writer).await.expect("wake");
    }
    for (n, collector) in collectors.into_iter().enumerate() {
        let arrived = collector.await.expect("collector");
        let mut got: HashMap<&str, usize> = HashMap::new();
        for (id, _) in &arrived {
            *got.entry(id.as_str()).or_default() += 1;
        }
        assert_eq!(got.len(), N, "follower {n} received every change");
        assert!(got.values().all(|n| *n == 1), "each change once");
        let mut latencies: Vec<Duration> =
            arrived.iter().filter_map(|(id, at)| Some(at.saturating_duration_since(*committed.get(id)?))).collect();
        latencies.sort();
        println!(
            "follower {n}: {N} commits, commit to delivery p50 {:?} p99 {:?}",
            latencies[latencies.len() / 2],
            latencies[latencies.len() * 99 / 100]
        );
    }
}

/// Transaction ids grow past a power of ten (999 → 1000) during an event: the log is read in
/// the order of the numbers, not of their text (where "1000" comes before "999"), and its head
/// is the newest row.
#[tokio::test]
async fn the_log_reads_in_order_across_a_power_of_ten_of_transaction_ids() {
    let cluster = Cluster::start().expect("a PostgreSQL cluster");
    let client = connect(&cluster).await;
    command_log::create(&client).await.expect("schema");
    let current = || async {
        let row = client.query_one("SELECT pg_current_xact_id()::text", &[]).await.expect("xid");
        row.get::<_, String>(0).parse::<u64>().expect("a number")
    };
    // Bounded: a fresh cluster is a few hundred transactions below the next power of ten.
    let mut xid = current().await;
    let boundary = 10u64.pow(xid.to_string().len() as u32);
    for _ in 0..20_000 {
        if boundary - xid <= 3 {
            break;
        }
        xid = current().await;
    }
    assert!(boundary - xid <= 3, "did not get near {boundary}: {xid}");
    let bodies: Vec<String> = (0..8).map(|i| format!("row-{i}")).collect();
    for body in &bodies {
        append(&client, body).await;
    }
    let (seen, at) = read_all(&client, Position::START).await;
    assert_eq!(seen, bodies, "in the order written, across {boundary}");
    assert!(at.txid >= boundary, "the rows did cross {boundary}: {at:?}");
    assert_eq!(command_log::head(&client).await.expect("head"), at);
}
