//! Several backend instances on one PostgreSQL database (a throwaway cluster on 127.0.0.1,
//! started by the test): each signal decided once whichever instance it reaches, replicas that
//! agree byte for byte, a late instance that replays the log, live state heard across
//! instances, one publisher of the live picture at a time, a database restart survived.

use std::collections::BTreeMap;
use std::time::Duration;

use elements_backend::store::{PgStore, Redeemed, Store};
use elements_backend::testing::postgres::Cluster;
use elements_protocol::auth::{RedeemRequest, Role};
use elements_protocol::event::ElementKind;
use elements_protocol::signal::{Action, Outcome, Signal};
use elements_protocol::sync::{Change, Entity};

use crate::common::{demo, during_event};

fn instance(cluster: &Cluster) -> PgStore {
    PgStore::open(&cluster.url()).expect("an instance joins the cluster")
}

fn redeem(store: &dyn Store, code: &str, client_id: &str) -> String {
    let request =
        RedeemRequest { code: code.into(), client_id: client_id.into(), display_name: None, show_name: false };
    match store.redeem(&request).expect("redeem") {
        Redeemed::Token(t) => t.token,
        other => panic!("{code}: {other:?}"),
    }
}

fn vote(id: &str, client: &str, seq: u64, option: &str) -> Signal {
    Signal {
        id: id.into(),
        client_id: client.into(),
        seq,
        schema_version: 1,
        created_at: during_event().fixed_offset(),
        action: Action::Vote { poll_id: "poll-opening".into(), option_id: option.into() },
    }
}

/// Every feed from the start, as JSON text, and the people feed as one participant gets it.
fn everything(store: &dyn Store, participant: &str) -> BTreeMap<String, String> {
    let mut all = BTreeMap::new();
    for element in ElementKind::ALL.into_iter().filter(|e| e.has_feed() && *e != ElementKind::People) {
        let page = store.changes_json(element, 0, 100_000).expect("feed");
        all.insert(element.as_str().to_string(), format!("{} @{}", page.changes, page.last_seq));
    }
    let people = store.people_changes_json(participant, 0, 100_000).expect("people feed");
    all.insert("people".into(), format!("{} @{}", people.changes, people.last_seq));
    all.insert("epoch".into(), store.epoch().to_string());
    all
}

fn opening_poll(store: &dyn Store) -> elements_protocol::live::PollResult {
    let page = store.changes(ElementKind::Voting, 0, 100_000).expect("voting feed");
    page.changes
        .into_iter()
        .find_map(|c| match c {
            Change::Upsert { entity: Entity::PollResult(r) } if r.id == "poll-opening" => Some(r),
            _ => None,
        })
        .expect("the opening poll's result")
}

/// A small fixed-seed generator: the same run every time.
fn generator(seed: u64) -> impl FnMut() -> u64 {
    let mut state = 0x9e37_79b9_7f4a_7c15_u64 ^ seed;
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}

/// 30 people vote, change their votes and resend, each signal to one of two instances at
/// random and some to both. Each is decided once (the other instance answers with the first
/// decision), the tally equals a recount of everyone's last vote, and the two replicas hold the
/// same feeds byte for byte; a third instance that joins afterwards replays the log to them too.
#[test]
fn each_signal_is_decided_once_whichever_instance_it_reaches_and_replicas_agree() {
    let cluster = Cluster::start().expect("a PostgreSQL cluster");
    let (a, b) = (instance(&cluster), instance(&cluster));
    let instances: [&dyn Store; 2] = [&a, &b];
    a.replace_event(&demo()).expect("import on one instance");
    b.add_code("ATTEND", Role::Attendee, false).expect("a code added on the other");
    let mut next = generator(23);
    let mut last_vote: BTreeMap<usize, &str> = BTreeMap::new();
    for person in 0..30usize {
        let client = format!("device-{person}");
        // Redeemed on one instance, used at once on the other: it catches up first.
        let token = redeem(instances[person % 2], "ATTEND", &client);
        let caller = instances[(person + 1) % 2].authenticate(&token).expect("auth").expect("a known token");
        for round in 0..(1 + next() % 3) {
            let option = ["o1", "o2", "o3", "o4"][(next() % 4) as usize];
            let signal = vote(&format!("{client}-{round}"), &client, round + 1, option);
            let first = instances[(next() % 2) as usize]
                .push(&caller, std::slice::from_ref(&signal), during_event())
                .expect("push");
            let decided = first.results[0].outcome.clone();
            if matches!(decided, Outcome::Accepted { .. }) {
                last_vote.insert(person, option);
            }
            if next() % 2 == 0 {
                // The answer was lost: the device sends it again, to either instance.
                let again = instances[(next() % 2) as usize]
                    .push(&caller, std::slice::from_ref(&signal), during_event())
                    .expect("push again");
                assert_eq!(
                    again.results[0].outcome,
                    Outcome::Duplicate { first: Box::new(decided.clone()) },
                    "a resend is answered with the first decision, on any instance"
                );
            }
        }
    }
    assert!(a.caught_up(Duration::from_secs(10)) && b.caught_up(Duration::from_secs(10)));
    let tally = opening_poll(&a);
    let mut recount = [0u64; 4];
    for option in last_vote.values() {
        recount[["o1", "o2", "o3", "o4"].iter().position(|o| o == option).expect("an option")] += 1;
    }
    assert_eq!(tally.total, last_vote.len() as u64);
    assert_eq!(tally.counts.iter().map(|c| c.votes).collect::<Vec<_>>(), recount);
    let participant = a.authenticate(&redeem(&a, "ATTEND", "device-0")).expect("auth").expect("known").participant_id;
    assert!(a.caught_up(Duration::from_secs(10)) && b.caught_up(Duration::from_secs(10)));
    let on_a = everything(&a, &participant);
    assert_eq!(on_a, everything(&b, &participant), "the replicas agree byte for byte");
    let late = instance(&cluster);
    assert_eq!(everything(&late, &participant), on_a, "a late instance replays the log to the same state");
}

/// What one instance decides reaches the live listeners of another, without a message bus.
#[test]
fn a_vote_on_one_instance_reaches_the_live_listeners_of_another() {
    let cluster = Cluster::start().expect("a PostgreSQL cluster");
    let (a, b) = (instance(&cluster), instance(&cluster));
    a.replace_event(&demo()).expect("import");
    a.add_code("ATTEND", Role::Attendee, false).expect("code");
    let mut heard = b.news().expect("a cluster instance has news");
    let token = redeem(&a, "ATTEND", "device-1");
    let caller = a.authenticate(&token).expect("auth").expect("known");
    a.push(&caller, &[vote("v-1", "device-1", 1, "o2")], during_event()).expect("push");
    // Bounded: the news arrives within milliseconds; ten seconds is a broken fan-out.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        match heard.try_recv() {
            Ok(news) => {
                assert!(news.signals_arrived);
                let tally = news.live.iter().find_map(|e| match e {
                    Entity::PollResult(r) if r.id == "poll-opening" => Some(r.total),
                    _ => None,
                });
                assert_eq!(tally, Some(1), "{news:?}");
                break;
            }
            Err(tokio::sync::broadcast::error::TryRecvError::Empty) if std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => panic!("instance b heard nothing of a's vote: {e:?}"),
        }
    }
}

/// One instance publishes the live picture (the holder of the advisory lock); when it goes, the
/// other takes over.
#[test]
fn one_instance_at_a_time_publishes_the_live_picture_and_another_takes_over() {
    let cluster = Cluster::start().expect("a PostgreSQL cluster");
    let (a, b) = (instance(&cluster), instance(&cluster));
    a.replace_event(&demo()).expect("import");
    let wait_for = |what: &dyn Fn() -> bool| {
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        while !what() {
            assert!(std::time::Instant::now() < deadline, "no publisher within 15 s");
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    wait_for(&|| a.publishes() || b.publishes());
    assert!(!(a.publishes() && b.publishes()), "never two publishers");
    let (publisher, other) = if a.publishes() { (a, b) } else { (b, a) };
    let picture = publisher.publish_live_picture(during_event()).expect("publish").expect("the publisher publishes");
    assert!(matches!(picture, Entity::LivePicture(_)));
    assert!(other.publish_live_picture(during_event()).expect("publish").is_none(), "the other does not");
    drop(publisher);
    wait_for(&|| other.publishes());
    assert!(other.publish_live_picture(during_event()).expect("publish").is_some());
}

/// PostgreSQL restarts (immediate: as after a crash) while an instance takes signals: pushes
/// fail while it is down, nothing decided before is lost, and pushes succeed again after.
#[test]
fn an_instance_survives_a_database_restart_and_loses_nothing() {
    let cluster = Cluster::start().expect("a PostgreSQL cluster");
    let a = instance(&cluster);
    a.replace_event(&demo()).expect("import");
    a.add_code("ATTEND", Role::Attendee, false).expect("code");
    let mut callers = Vec::new();
    for person in 0..10 {
        let token = redeem(&a, "ATTEND", &format!("device-{person}"));
        callers.push(a.authenticate(&token).expect("auth").expect("known"));
    }
    for (person, caller) in callers.iter().enumerate().take(5) {
        let signal = vote(&format!("v-{person}"), &format!("device-{person}"), 1, "o1");
        a.push(caller, &[signal], during_event()).expect("push before the restart");
    }
    cluster.restart_immediate().expect("restart");
    // Bounded: the instance reconnects within a few tries.
    for (person, caller) in callers.iter().enumerate().skip(5) {
        let signal = vote(&format!("v-{person}"), &format!("device-{person}"), 1, "o2");
        let mut tries = 0;
        while a.push(caller, std::slice::from_ref(&signal), during_event()).is_err() {
            tries += 1;
            assert!(tries < 100, "the instance never came back");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    assert!(a.caught_up(Duration::from_secs(10)));
    let tally = opening_poll(&a);
    assert_eq!(tally.total, 10);
    assert_eq!(tally.counts.iter().map(|c| c.votes).collect::<Vec<_>>(), [5, 5, 0, 0]);
    let late = instance(&cluster);
    assert_eq!(opening_poll(&late), tally, "the log kept everything through the restart");
}

/// The conformance kit passes against three instances behind one address (a round-robin load
/// balancer: consecutive requests of one client reach different instances).
#[tokio::test(flavor = "multi_thread")]
async fn three_instances_behind_one_address_pass_the_conformance_kit() {
    use elements_backend::conformance::{run, Codes};
    use elements_backend::http::Config;
    use elements_backend::testing::{balancer::Balancer, Loopback};
    let cluster = Cluster::start().expect("a PostgreSQL cluster");
    let url = cluster.url();
    let instances: Vec<std::sync::Arc<PgStore>> = tokio::task::spawn_blocking(move || {
        let instances: Vec<_> = (0..3).map(|_| std::sync::Arc::new(PgStore::open(&url).expect("instance"))).collect();
        let first = &instances[0];
        let mut event = demo();
        for f in &mut event.floors {
            let (_, bytes) = elements_backend::DEMO_PLANS.iter().find(|(n, _)| *n == f.plan_image).expect("a plan");
            f.plan_rev = Some(first.put_plan(&f.id, "image/svg+xml", bytes).expect("plan"));
        }
        first.replace_event(&event).expect("event");
        for (code, role) in [("ATTEND", Role::Attendee), ("STAFF", Role::Organizer), ("KIOSK", Role::Kiosk)] {
            instances[1].add_code(code, role, false).expect("code");
        }
        instances
    })
    .await
    .expect("instances");
    let servers: Vec<Loopback> = instances
        .iter()
        .map(|i| Loopback::serve(i.clone(), Config { clock: Some(during_event()), ..Default::default() }))
        .collect();
    let front = Balancer::start(&servers.iter().map(|s| s.url.clone()).collect::<Vec<_>>()).expect("balancer");
    let base = front.url.clone();
    let codes = Codes { attendee: "ATTEND".into(), staff: Some("STAFF".into()), kiosk: Some("KIOSK".into()) };
    let report =
        tokio::task::spawn_blocking(move || run(&base, &codes, &elements_tls::Trust::platform().expect("trust")))
            .await
            .expect("kit ran");
    println!("{}", report.render());
    assert_eq!(report.failed(), 0, "{}", report.render());
    assert!(report.passed() >= 20, "{}", report.render());
    drop(front);
    drop(servers);
    tokio::task::spawn_blocking(move || drop(instances)).await.expect("instances stop");
}

/// A venue screen listening to one instance sees the tally change the moment a phone's vote is
/// counted by another: over HTTP, each instance its own server.
#[tokio::test(flavor = "multi_thread")]
async fn a_screen_on_one_instance_hears_a_vote_counted_by_another_over_http() {
    use elements_backend::http::Config;
    use elements_backend::testing::Loopback;
    use elements_protocol::signal::SignalBatch;
    let cluster = Cluster::start().expect("a PostgreSQL cluster");
    let url = cluster.url();
    let (a, b, kiosk, attendee) = tokio::task::spawn_blocking(move || {
        let (a, b) = (
            std::sync::Arc::new(PgStore::open(&url).expect("a")),
            std::sync::Arc::new(PgStore::open(&url).expect("b")),
        );
        a.replace_event(&demo()).expect("import");
        a.add_code("KIOSK", Role::Kiosk, false).expect("code");
        a.add_code("ATTEND", Role::Attendee, false).expect("code");
        let kiosk = redeem(a.as_ref(), "KIOSK", "screen-1");
        let attendee = redeem(b.as_ref(), "ATTEND", "phone-1");
        (a, b, kiosk, attendee)
    })
    .await
    .expect("instances");
    let config = Config { clock: Some(during_event()), ..Default::default() };
    let (on_a, on_b) = (Loopback::serve(a.clone(), config.clone()), Loopback::serve(b.clone(), config));
    let http = reqwest::Client::new();
    let mut screen = http.get(format!("{}/v1/live", on_b.url)).bearer_auth(&kiosk).send().await.expect("listen");
    assert_eq!(screen.status(), 200);
    let mut buffer = String::new();
    crate::signals::next_event(&mut screen, &mut buffer, "hello").await;
    let batch = SignalBatch { signals: vec![vote("v-1", "phone-1", 1, "o3")] };
    let pushed = http.post(format!("{}/v1/signals", on_a.url)).bearer_auth(&attendee).json(&batch).send().await;
    assert_eq!(pushed.expect("push").status(), 200);
    let data = crate::signals::next_event(&mut screen, &mut buffer, "poll_result").await;
    let Entity::PollResult(result) = serde_json::from_str::<Entity>(&data).expect("entity JSON") else {
        panic!("not a poll result: {data}")
    };
    assert_eq!((result.id.as_str(), result.total), ("poll-opening", 1));
    drop(screen);
    drop((on_a, on_b));
    tokio::task::spawn_blocking(move || drop((a, b))).await.expect("instances stop");
}
