//! A seeded simulation: several devices, random actions and offline periods, a fault-injecting
//! proxy between them and the reference backend on 127.0.0.1; then the network heals and the
//! backend's database is the oracle. More seeds: `ELEMENTS_SIM_SEEDS=1,2,3,… cargo test -p
//! elements-client --test simulation`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::proxy::{Proxy, Rng};
use crate::common::{during_event, fresh_cache, served_event, start_backend_with, Backend, CODE, TICKET};
use elements_backend::http::Config;
use elements_backend::store::{PgStore, Store};
use elements_backend::testing::instance::{self, Instance};
use elements_backend::testing::postgres::Cluster;
use elements_client::cache::{Cache, Decision};
use elements_client::sync;
use elements_domain::facts::EventIndex;
use elements_domain::scenario::{self, ParticipantState};
use elements_protocol::auth::Role;
use elements_protocol::event::{ElementKind, EventBundle};
use elements_protocol::signal::{Action, Outcome};
use elements_protocol::staff::{Gate, Pass};
use elements_protocol::sync::EntityKind;

/// Staff tablets beside the attendees' devices, and the tickets they check in.
const TABLETS: usize = 2;
const TICKETS: usize = 6;

struct Device {
    _dir: tempfile::TempDir,
    cache: Mutex<Cache>,
    offline: bool,
}

/// What a device knows of people to act on: everyone's badge and profile id (badges are shown
/// in person; some scans are of one's own, some repeat), its contacts and its meetings.
struct PeopleKnown {
    badges: Vec<String>,
    profiles: Vec<String>,
    contacts: Vec<String>,
    meetings: Vec<String>,
}

fn people_action(rng: &mut Rng, people: &PeopleKnown) -> Action {
    let pick = |rng: &mut Rng, v: &[String]| v[rng.below(v.len() as u64) as usize].clone();
    match rng.below(4) {
        1 if !people.contacts.is_empty() || !people.profiles.is_empty() => {
            // Mostly to contacts; now and then to someone who is not one (refused).
            let to = if !people.contacts.is_empty() && rng.chance(80) {
                pick(rng, &people.contacts)
            } else {
                pick(rng, &people.profiles)
            };
            Action::SendMessage {
                message_id: format!("m-{:016x}", rng.next()),
                to,
                text: format!("Hi {}", rng.below(100)),
            }
        }
        2 if !people.profiles.is_empty() => Action::RequestMeeting {
            meeting_id: format!("meet-{:016x}", rng.next()),
            with: pick(rng, &people.profiles),
            starts_at: chrono::DateTime::parse_from_rfc3339("2027-03-10T12:00:00+01:00").expect("time")
                + chrono::Duration::minutes(30 * rng.below(8) as i64),
            minutes: 30,
            place_id: "poi-meet-foyer".into(),
            note: String::new(),
        },
        3 if !people.meetings.is_empty() => Action::AnswerMeeting {
            meeting_id: pick(rng, &people.meetings),
            answer: if rng.chance(70) {
                elements_protocol::people::MeetingAnswer::Accept
            } else {
                elements_protocol::people::MeetingAnswer::Cancel
            },
        },
        _ => Action::ScanBadge { badge: pick(rng, &people.badges) },
    }
}

fn random_action(rng: &mut Rng, event: &EventBundle, questions: &[String], people: &PeopleKnown) -> Action {
    if rng.chance(30) {
        return people_action(rng, people);
    }
    match rng.below(7) {
        0 => {
            // Two single-choice polls are open at the simulated time: a vote, or a changed one.
            let poll = &event.polls[rng.below(2) as usize];
            let option = &poll.options[rng.below(poll.options.len() as u64) as usize];
            Action::Vote { poll_id: poll.id.clone(), option_id: option.id.clone() }
        }
        3 => {
            // Up to three topics, changed at will (four is refused on the device).
            let topics = event.polls.iter().find(|p| p.id == "poll-topics").expect("topics");
            let n = 1 + rng.below(4) as usize;
            let start = rng.below(topics.options.len() as u64) as usize;
            let option_ids =
                (0..n).map(|i| topics.options[(start + i) % topics.options.len()].id.clone()).collect::<Vec<_>>();
            Action::Answer {
                poll_id: topics.id.clone(),
                answer: elements_protocol::signal::Answer::Choices { option_ids },
            }
        }
        5 => {
            // The quiz: one answer, right or wrong (a second is refused on the device).
            let option = ["three", "five", "eight"][rng.below(3) as usize];
            Action::Vote { poll_id: "poll-quiz-booths".into(), option_id: option.into() }
        }
        6 if !questions.is_empty() => Action::Upvote {
            poll_id: "poll-opening-qa".into(),
            question_id: questions[rng.below(questions.len() as u64) as usize].clone(),
        },
        4 | 6 => Action::Ask {
            poll_id: "poll-opening-qa".into(),
            question_id: format!("q-{:016x}", rng.next()),
            text: format!("Question {}?", rng.below(1000)),
            anonymous: rng.chance(50),
        },
        1 => {
            let quest = &event.quests[rng.below(event.quests.len() as u64) as usize];
            let cp = &quest.checkpoints[rng.below(quest.checkpoints.len() as u64) as usize];
            Action::CheckpointScan { quest_id: quest.id.clone(), checkpoint_id: cp.id.clone(), proof: None }
        }
        _ => {
            let s = &event.sessions[rng.below(10) as usize];
            Action::CheckIn { session_id: s.id.clone() }
        }
    }
}

/// One seeded run: `devices` devices (two of them share a ticket, so they are one participant
/// and can contradict each other), random actions, offline periods and proxy faults; then the
/// network heals and everything must agree with the backend's database.
/// Decides `action` as the device would (its own history, the event's rules) and records it in
/// its outbox if accepted; answers whether it was.
fn decide_and_record(c: &mut Cache, facts: &EventIndex, event_id: &str, action: Action) -> bool {
    let outbox = c.outbox(event_id).expect("outbox");
    let mut state = ParticipantState::restore(
        facts,
        outbox.iter().filter(|e| e.decision != Decision::Rejected).map(|e| scenario::Decided {
            action: &e.signal.action,
            at: e.signal.created_at.to_utc(),
            effects: e.effects.as_deref(),
        }),
    );
    match scenario::decide(facts, &mut state, &action, during_event()) {
        Outcome::Accepted { effects } => {
            c.record_decided_signal(event_id, action, during_event().fixed_offset(), Some(&effects)).expect("record");
            true
        }
        _ => false,
    }
}

/// Where the simulated devices' requests go: one backend, or a cluster of instances (each its
/// own process) on one PostgreSQL database.
enum Served {
    One(Backend),
    Cluster(Box<Instances>),
}

struct Instances {
    /// An instance in this process: codes are added through it, and at the end its replica
    /// (the whole log replayed) is the oracle.
    control: PgStore,
    processes: Vec<Arc<Mutex<Instance>>>,
    killed: Arc<std::sync::atomic::AtomicBool>,
    binary: std::path::PathBuf,
    // Dropped last: the instances go before their database.
    database: Cluster,
}

impl Served {
    fn start(event: &EventBundle, instances: usize) -> Served {
        if instances == 0 {
            return Served::One(start_backend_with(
                event,
                Config { clock: Some(during_event()), ..Default::default() },
            ));
        }
        let database = Cluster::start().expect("a PostgreSQL cluster");
        let control = PgStore::open(&database.url()).expect("an instance in this process");
        control.replace_event(event).expect("load");
        control.add_code(CODE, Role::Attendee, false).expect("code");
        control.add_code(TICKET, Role::Attendee, true).expect("ticket");
        let binary = instance::binary().expect("the backend's binary");
        let processes = (0..instances)
            .map(|_| {
                let started = Instance::start(&binary, &database.url(), during_event()).expect("an instance");
                Arc::new(Mutex::new(started))
            })
            .collect();
        Served::Cluster(Box::new(Instances { control, processes, killed: Default::default(), binary, database }))
    }

    fn urls(&self) -> Vec<String> {
        match self {
            Served::One(b) => vec![b.url.clone()],
            Served::Cluster(c) => c.processes.iter().map(|p| p.lock().expect("instance").url.clone()).collect(),
        }
    }

    fn store(&self) -> &dyn Store {
        match self {
            Served::One(b) => b.store.as_ref(),
            Served::Cluster(c) => &c.control,
        }
    }

    /// The database to check everything against: the backend's, or a replica that applied the
    /// whole log once every instance is gone.
    fn oracle(&self) -> std::path::PathBuf {
        match self {
            Served::One(b) => b.dir.path().join("backend.sqlite3"),
            Served::Cluster(c) => {
                for p in &c.processes {
                    p.lock().expect("instance").kill();
                }
                assert!(c.control.caught_up(Duration::from_secs(60)), "the oracle replica caught up");
                // The live picture is published by the lock's holder: this one, once the others
                // are gone (bounded).
                for _ in 0..200 {
                    if c.control.publishes() {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
                c.control.replica_path()
            }
        }
    }
}

/// The trouble a cluster meets mid-run: an instance killed with SIGKILL while a signal batch is
/// in flight to it, started again (replaying the log) a while later, and PostgreSQL restarted
/// at once (as after a crash).
fn cluster_trouble(served: &Served, proxy: &Proxy, step: usize, steps: usize) {
    let Served::Cluster(c) = served else { return };
    if step == steps / 4 {
        let victim = c.processes[0].clone();
        let killed = c.killed.clone();
        proxy.during_next_batch(Box::new(move || {
            victim.lock().expect("instance").kill();
            killed.store(true, std::sync::atomic::Ordering::SeqCst);
        }));
    } else if step == steps / 2 {
        assert!(
            c.killed.load(std::sync::atomic::Ordering::SeqCst),
            "no signal batch passed while the kill was armed: the run proves less than it says"
        );
        eprintln!("an instance was killed during a signal batch; starting it again");
        let fresh = Instance::start(&c.binary, &c.database.url(), during_event()).expect("the instance again");
        *c.processes[0].lock().expect("instance") = fresh;
        proxy.set_upstreams(&served.urls());
    } else if step == 3 * steps / 4 {
        c.database.restart_immediate().expect("PostgreSQL restarts");
        eprintln!("PostgreSQL restarted");
    }
}

fn simulate(seed: u64, devices: usize, steps: usize, instances: usize) {
    let mut event = served_event();
    // Both the opening poll and a second one are open at the simulated time.
    event.polls[1].opens_at = event.polls[0].opens_at;
    event.polls[1].closes_at = event.polls[0].closes_at;
    let served = Served::start(&event, instances);
    let proxy = Proxy::start_many(&served.urls(), seed, 35);
    let r = sync::Remote::new(&proxy.url, Duration::from_secs(2)).expect("remote");
    let mut rng = Rng::new(seed ^ 0xdead_beef);
    let facts = EventIndex::from_bundle(&event);
    let mut fleet: Vec<Device> = (0..devices)
        .map(|i| {
            let dir = tempfile::tempdir().expect("dir");
            let cache = fresh_cache(&dir);
            // Joining happens before the simulated trouble starts.
            proxy.set_faults(false);
            sync::join(&cache, &r).expect("join");
            cache.lock().expect("lock").set_code(&proxy.url, if i < 2 { TICKET } else { CODE }).expect("code");
            // The badge and profile id come with the token.
            sync::redeem(&cache, &r).expect("redeem");
            proxy.set_faults(true);
            Device { _dir: dir, cache, offline: false }
        })
        .collect();
    let elements = [ElementKind::Voting, ElementKind::Quests, ElementKind::Agenda, ElementKind::People];
    let identities: Vec<(String, String)> = fleet
        .iter()
        .map(|d| {
            let c = d.cache.lock().expect("lock").credential(&proxy.url).expect("credential").expect("joined");
            (c.profile_id.expect("a profile id"), c.badge.expect("a badge"))
        })
        .collect();
    // Two staff tablets at the doors and the keynote, checking in a few tickets (and a forged
    // one), each going offline now and then: the same ticket let in by both is a conflict.
    served.store().add_code("SIM-STAFF", Role::Organizer, false).expect("staff code");
    for t in 0..TICKETS {
        served.store().add_code(&format!("SIM-T-{t}"), Role::Attendee, true).expect("ticket");
    }
    let mut tablets: Vec<Device> = (0..TABLETS)
        .map(|_| {
            let dir = tempfile::tempdir().expect("dir");
            let cache = fresh_cache(&dir);
            proxy.set_faults(false);
            sync::join(&cache, &r).expect("join");
            cache.lock().expect("lock").set_code(&proxy.url, "SIM-STAFF").expect("code");
            sync::redeem(&cache, &r).expect("redeem");
            proxy.set_faults(true);
            Device { _dir: dir, cache, offline: false }
        })
        .collect();
    let gates =
        [Gate::Door("poi-exit-main".into()), Gate::Door("poi-exit-harbour".into()), Gate::Session("s1-001".into())];
    let mut recorded = 0usize;
    let mut admits_recorded = 0usize;
    for step in 0..steps {
        cluster_trouble(&served, &proxy, step, steps);
        let pick = rng.below((devices + TABLETS) as u64) as usize;
        if pick >= devices {
            let tablet = &mut tablets[pick - devices];
            match rng.below(10) {
                0..=4 => {
                    let action = if rng.below(3) == 0 {
                        // A visitor at the booth: one of the attendees' badges, or one no one has.
                        let v = rng.below(identities.len() as u64 + 1) as usize;
                        let badge = identities.get(v).map_or("ZZZZ-ZZZZ".to_string(), |(_, b)| b.clone());
                        Action::CaptureLead {
                            badge,
                            rating: rng.below(6) as u32,
                            note: format!("note {}", rng.below(100)),
                        }
                    } else {
                        let t = rng.below(TICKETS as u64 + 1);
                        let ticket =
                            if t == TICKETS as u64 { "SIM-T-FORGED".to_string() } else { format!("SIM-T-{t}") };
                        let gate = gates[rng.below(gates.len() as u64) as usize].clone();
                        Action::Admit { pass: Pass::Ticket(ticket), gate }
                    };
                    let mut c = tablet.cache.lock().expect("lock");
                    if decide_and_record(&mut c, &facts, &event.manifest.id, action) {
                        admits_recorded += 1;
                    }
                }
                5 => tablet.offline = !tablet.offline,
                _ if tablet.offline => {}
                _ => {
                    // Check-ins go with the staff feed, leads with the exhibitor's people feed.
                    for element in [ElementKind::Staff, ElementKind::People] {
                        let _ = sync::push(&tablet.cache, &r, &event.manifest.id, element);
                        let _ = sync::pull(&tablet.cache, &r, element, 50);
                    }
                }
            }
            continue;
        }
        let d = pick;
        let device = &mut fleet[d];
        match rng.below(10) {
            0..=4 => {
                let mut c = device.cache.lock().expect("lock");
                // Questions this device heard of (from the feed) or asked itself.
                let mut questions: Vec<String> = c.questions().expect("questions").into_iter().map(|q| q.id).collect();
                for e in c.outbox(&event.manifest.id).expect("outbox") {
                    if let Action::Ask { question_id, .. } = e.signal.action {
                        questions.push(question_id);
                    }
                }
                let people = PeopleKnown {
                    badges: identities.iter().map(|(_, b)| b.clone()).collect(),
                    profiles: identities.iter().map(|(p, _)| p.clone()).collect(),
                    contacts: c.contacts().expect("contacts").into_iter().map(|x| x.id).collect(),
                    meetings: c.meetings().expect("meetings").into_iter().map(|m| m.id).collect(),
                };
                let action = random_action(&mut rng, &event, &questions, &people);
                if decide_and_record(&mut c, &facts, &event.manifest.id, action) {
                    recorded += 1;
                }
            }
            5 => device.offline = !device.offline,
            _ if device.offline => {}
            _ => {
                let element = elements[rng.below(elements.len() as u64) as usize];
                // Failures are expected here; the cache must stay consistent regardless.
                let _ = sync::push(&device.cache, &r, &event.manifest.id, element);
                let _ = sync::pull(&device.cache, &r, element, 50);
            }
        }
    }
    // The network heals; every device syncs until nothing is waiting (bounded).
    proxy.set_faults(false);
    for device in &fleet {
        for round in 0..20 {
            let mut waiting = 0;
            for element in elements {
                let pushed = sync::push(&device.cache, &r, &event.manifest.id, element);
                let pulled = sync::pull(&device.cache, &r, element, 200);
                assert!(
                    round < 19 || (pushed.is_ok() && pulled.is_ok()),
                    "seed {seed}: sync keeps failing: {element:?} push {pushed:?} pull {pulled:?}"
                );
                waiting += device
                    .cache
                    .lock()
                    .expect("lock")
                    .waiting_counts(&event.manifest.id)
                    .expect("w")
                    .values()
                    .sum::<u32>();
            }
            if waiting == 0 {
                break;
            }
        }
    }
    for tablet in &tablets {
        for _ in 0..20 {
            let _ = sync::push(&tablet.cache, &r, &event.manifest.id, ElementKind::Staff);
            let _ = sync::push(&tablet.cache, &r, &event.manifest.id, ElementKind::People);
            let waiting: u32 =
                tablet.cache.lock().expect("lock").waiting_counts(&event.manifest.id).expect("w").values().sum();
            if waiting == 0 {
                break;
            }
        }
    }
    // Pull once more everywhere: tallies changed by devices that synced after this one.
    for device in &fleet {
        for element in elements {
            sync::pull(&device.cache, &r, element, 200).expect("final pull");
        }
    }
    for tablet in &tablets {
        sync::pull(&tablet.cache, &r, ElementKind::Staff, 200).expect("final staff pull");
        sync::pull(&tablet.cache, &r, ElementKind::People, 200).expect("final people pull");
    }

    // The oracle: the backend's own database.
    let db = rusqlite::Connection::open(served.oracle()).expect("open backend db");
    let mut stored: HashMap<String, (String, Outcome)> = HashMap::new();
    {
        let mut st = db.prepare("SELECT id, participant_id, outcome FROM signal").expect("query");
        let rows = st
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
            .expect("rows");
        for row in rows {
            let (id, participant, outcome) = row.expect("row");
            stored.insert(id, (participant, serde_json::from_str(&outcome).expect("outcome JSON")));
        }
    }
    let mut sent = 0;
    for (i, device) in fleet.iter().chain(&tablets).enumerate() {
        let c = device.cache.lock().expect("lock");
        for entry in c.outbox(&event.manifest.id).expect("outbox") {
            sent += 1;
            let (_, outcome) = stored.get(&entry.signal.id).unwrap_or_else(|| {
                panic!("seed {seed}: signal {} of device {i} never reached the backend", entry.signal.id)
            });
            let decided = match outcome {
                Outcome::Accepted { .. } => Decision::Accepted,
                _ => Decision::Rejected,
            };
            assert_eq!(entry.decision, decided, "seed {seed}: device {i} disagrees about {}", entry.signal.id);
        }
    }
    assert_eq!(sent, recorded + admits_recorded);
    assert_eq!(
        stored.len(),
        recorded + admits_recorded,
        "seed {seed}: the backend holds exactly the signals the devices made"
    );

    // Check-ins: each (gate, ticket) is one admission holding every accepted scan of it, a
    // conflict exactly when two or more; every tablet holds the backend's admissions.
    let mut scans: BTreeMap<(String, String), usize> = BTreeMap::new();
    {
        let mut st = db.prepare("SELECT action FROM signal WHERE accepted = 1 ORDER BY rowid").expect("q");
        let rows = st.query_map([], |r| r.get::<_, String>(0)).expect("rows");
        for row in rows {
            if let Action::Admit { pass: Pass::Ticket(ticket), gate } =
                serde_json::from_str(&row.expect("row")).expect("action")
            {
                assert_ne!(ticket, "SIM-T-FORGED", "seed {seed}: a forged ticket was let in");
                *scans.entry((gate.key(), elements_domain::staff::ticket_holder(&ticket))).or_default() += 1;
            }
        }
    }
    let admissions: BTreeMap<(String, String), elements_protocol::staff::Admission> = db
        .prepare("SELECT body FROM entity WHERE kind = 'admission'")
        .expect("q")
        .query_map([], |r| r.get::<_, String>(0))
        .expect("rows")
        .map(|body| match serde_json::from_str(&body.expect("row")).expect("entity") {
            elements_protocol::sync::Entity::Admission(a) => ((a.gate.key(), a.holder.clone()), a),
            other => panic!("{other:?}"),
        })
        .collect();
    let held: BTreeMap<(String, String), usize> = admissions.iter().map(|(k, a)| (k.clone(), a.scans.len())).collect();
    assert_eq!(held, scans, "seed {seed}: each check-in once, with every scan of it");
    for (i, tablet) in tablets.iter().enumerate() {
        let mine: BTreeMap<(String, String), usize> = tablet
            .cache
            .lock()
            .expect("lock")
            .admissions()
            .expect("admissions")
            .into_iter()
            .map(|a| ((a.gate.key(), a.holder.clone()), a.scans.len()))
            .collect();
        assert_eq!(mine, held, "seed {seed}: tablet {i} sees the backend's check-ins and conflicts");
    }
    // The dashboard equals a recount: people in at the doors, in the keynote, and voters.
    let picture = match served.store().publish_live_picture(during_event()).expect("picture").expect("published") {
        elements_protocol::sync::Entity::LivePicture(p) => p,
        other => panic!("{other:?}"),
    };
    let at_doors = held.keys().filter(|(g, _)| g.starts_with("door:")).count() as u32;
    assert_eq!(picture.checkins.iter().map(|c| c.count).sum::<u32>(), at_doors, "seed {seed}: door check-ins");
    let in_keynote = held.keys().filter(|(g, _)| g == "session:s1-001").count() as u32;
    let keynote = picture.rooms.iter().find(|r| r.session_id == "s1-001").map_or(0, |r| r.checked_in);
    assert_eq!(keynote, in_keynote, "seed {seed}: people in the keynote");
    // Leads: each tablet (its own exhibitor here) holds one lead per visitor it scanned and the
    // backend accepted, exactly the backend's rows for it, and no one else's.
    let profile_of: HashMap<String, String> = identities.iter().map(|(p, b)| (b.clone(), p.clone())).collect();
    let mut lead_rows = 0usize;
    for (i, tablet) in tablets.iter().enumerate() {
        let c = tablet.cache.lock().expect("lock");
        let mut owner = None;
        let mut expected = BTreeSet::new();
        for e in c.outbox(&event.manifest.id).expect("outbox") {
            if let (Action::CaptureLead { badge, .. }, Decision::Accepted) = (&e.signal.action, e.decision) {
                expected.insert(profile_of.get(badge).cloned().expect("a known badge accepted"));
                owner = stored.get(&e.signal.id).map(|(p, _)| p.clone());
            }
        }
        let held: BTreeSet<String> = c.leads().expect("leads").into_iter().map(|l| l.id).collect();
        assert_eq!(held, expected, "seed {seed}: tablet {i}'s leads");
        if let Some(owner) = owner {
            let rows: i64 =
                db.query_row("SELECT count(*) FROM lead WHERE owner = ?1", [&owner], |r| r.get(0)).expect("leads");
            assert_eq!(rows as usize, expected.len(), "seed {seed}: tablet {i}'s leads in the backend");
            lead_rows += expected.len();
        }
    }
    let all_leads: i64 = db.query_row("SELECT count(*) FROM lead", [], |r| r.get(0)).expect("leads");
    assert_eq!(all_leads as usize, lead_rows, "seed {seed}: no lead of anyone else");
    let conflicts = held.values().filter(|n| **n > 1).count();
    eprintln!(
        "seed {seed}: {admits_recorded} check-in and lead scans from {TABLETS} tablets, {} people-at-gates, {conflicts} conflicts, {lead_rows} leads",
        held.len()
    );

    // Every participant's last accepted answer per poll counted exactly once, earlier ones
    // taken out: the tallies equal a recount of those answers.
    let mut last: BTreeMap<(String, String), elements_protocol::signal::Answer> = BTreeMap::new();
    let mut asked = 0i64;
    {
        let mut st =
            db.prepare("SELECT participant_id, action FROM signal WHERE accepted = 1 ORDER BY rowid").expect("q");
        let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).expect("rows");
        for row in rows {
            let (participant, action) = row.expect("row");
            let action: Action = serde_json::from_str(&action).expect("action");
            if let Some((poll_id, answer)) = elements_domain::voting::answer_of(&action) {
                last.insert((participant, poll_id.to_string()), answer);
            }
            asked += i64::from(matches!(action, Action::Ask { .. }));
        }
    }
    let mut recount: BTreeMap<(String, String), u64> = BTreeMap::new();
    for ((_, poll_id), answer) in &last {
        let poll = event.polls.iter().find(|p| p.id == *poll_id).expect("poll");
        for (key, n) in elements_domain::voting::tally_of(poll, answer) {
            *recount.entry((poll_id.clone(), key)).or_default() += n as u64;
        }
    }
    recount.retain(|_, n| *n > 0);
    let questions: i64 = db.query_row("SELECT count(*) FROM question", [], |r| r.get(0)).expect("questions");
    assert_eq!(questions, asked, "seed {seed}: every accepted question stored once");
    // Every question's upvotes are its accepted upvote signals, each participant once.
    let mut upvotes: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut rewards: BTreeSet<(String, String, String)> = BTreeSet::new();
    {
        let mut st = db
            .prepare("SELECT participant_id, action, outcome FROM signal WHERE accepted = 1 ORDER BY rowid")
            .expect("q");
        let rows = st
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
            .expect("rows");
        for row in rows {
            let (participant, action, outcome) = row.expect("row");
            if let Action::Upvote { question_id, .. } = serde_json::from_str(&action).expect("action") {
                assert!(
                    upvotes.entry(question_id).or_default().insert(participant.clone()),
                    "seed {seed}: an upvote twice"
                );
            }
            if let Outcome::Accepted { effects } = serde_json::from_str(&outcome).expect("outcome") {
                for e in effects {
                    if let elements_protocol::signal::Effect::RewardUnlocked { quest_id, reward_id, .. } = e {
                        let fresh = rewards.insert((participant.clone(), quest_id, reward_id.clone()));
                        assert!(fresh, "seed {seed}: {reward_id} unlocked twice for one participant");
                    }
                }
            }
        }
    }
    let counted: BTreeMap<String, u64> = db
        .prepare("SELECT id, upvotes FROM question")
        .expect("q")
        .query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("upvotes");
    for (id, n) in &counted {
        assert_eq!(*n, upvotes.get(id).map_or(0, |v| v.len() as u64), "seed {seed}: upvotes of {id}");
    }
    // Every reward unlocked exactly once per participant, with one desk code each.
    let codes: BTreeSet<(String, String, String)> = db
        .prepare("SELECT participant_id, quest_id, reward_id FROM reward_code")
        .expect("q")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("codes");
    assert_eq!(codes, rewards, "seed {seed}: desk codes match the rewards decided");
    eprintln!(
        "seed {seed}: {} questions, {} upvotes, {} rewards",
        counted.len(),
        upvotes.values().map(|v| v.len()).sum::<usize>(),
        rewards.len()
    );
    assert!(last.keys().any(|(_, p)| p == "poll-topics"), "seed {seed}: the run answered several-choice polls");
    let tallies: BTreeMap<(String, String), u64> = db
        .prepare("SELECT poll_id, option_id, votes FROM tally WHERE votes > 0")
        .expect("q")
        .query_map([], |r| Ok(((r.get(0)?, r.get(1)?), r.get::<_, i64>(2)? as u64)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("tally");
    assert_eq!(tallies, recount, "seed {seed}: tallies match a recount");

    // Every device converged to the server's live state.
    let server_results: BTreeMap<String, String> = db
        .prepare("SELECT id, body FROM entity WHERE kind IN ('poll_result', 'leaderboard', 'question')")
        .expect("q")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("entities");
    for (i, device) in fleet.iter().enumerate() {
        let c = device.cache.lock().expect("lock");
        let mut local: Vec<serde_json::Value> = Vec::new();
        for kind in [EntityKind::PollResult, EntityKind::Leaderboard, EntityKind::Question] {
            for row in c.live_rows(kind).expect("rows") {
                local.push(serde_json::from_str(&row).expect("json"));
            }
        }
        let mut server: Vec<serde_json::Value> = server_results
            .values()
            .map(|b| {
                let tagged: serde_json::Value = serde_json::from_str(b).expect("json");
                tagged["body"].clone()
            })
            .collect();
        let key = |v: &serde_json::Value| v["id"].as_str().unwrap_or_default().to_string();
        local.sort_by_key(key);
        server.sort_by_key(key);
        assert_eq!(local, server, "seed {seed}: device {i} did not converge");
        assert_eq!(c.count(EntityKind::Session).expect("count"), event.sessions.len() as i64);
    }
    // People: contacts mutual and once per pair, messages once per accepted signal, and each
    // device holding exactly its own share of the backend's contacts, meetings and messages.
    let contacts: BTreeSet<(String, String)> = db
        .prepare("SELECT a.profile_id, b.profile_id FROM contact c JOIN person a ON a.participant_id = c.owner JOIN person b ON b.participant_id = c.other")
        .expect("q")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("contacts");
    assert!(
        contacts.iter().all(|(a, b)| contacts.contains(&(b.clone(), a.clone()))),
        "seed {seed}: a one-sided contact"
    );
    let made: BTreeSet<(String, String)> = {
        let mut st = db
            .prepare("SELECT p.profile_id, s.outcome FROM signal s JOIN person p ON p.participant_id = s.participant_id WHERE s.accepted = 1")
            .expect("q");
        let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).expect("rows");
        let mut made = BTreeSet::new();
        for row in rows {
            let (me, outcome) = row.expect("row");
            if let Outcome::Accepted { effects } = serde_json::from_str(&outcome).expect("outcome") {
                for e in effects {
                    if let elements_protocol::signal::Effect::ContactMade { profile_id } = e {
                        assert!(
                            made.insert((me.clone(), profile_id.clone())),
                            "seed {seed}: one exchange decided twice"
                        );
                        made.insert((profile_id, me.clone()));
                    }
                }
            }
        }
        made
    };
    assert_eq!(contacts, made, "seed {seed}: the contacts are exactly the exchanges accepted");
    let messages_sent: i64 = db
        .query_row(
            "SELECT count(*) FROM signal WHERE accepted = 1 AND json_extract(action, '$.type') = 'send_message'",
            [],
            |r| r.get(0),
        )
        .expect("sent");
    let messages: BTreeMap<String, String> = db
        .prepare("SELECT id, body FROM message")
        .expect("q")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("messages");
    assert_eq!(messages.len() as i64, messages_sent, "seed {seed}: every message stored once");
    let meetings: BTreeMap<String, elements_protocol::people::Meeting> = db
        .prepare("SELECT id, body FROM meeting")
        .expect("q")
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .expect("rows")
        .map(|row| {
            let (id, body) = row.expect("row");
            (id, serde_json::from_str(&body).expect("meeting"))
        })
        .collect();
    for (i, device) in fleet.iter().enumerate() {
        let c = device.cache.lock().expect("lock");
        let me = &identities[i].0;
        let mine: BTreeSet<String> = c.contacts().expect("contacts").into_iter().map(|x| x.id).collect();
        let theirs: BTreeSet<String> = contacts.iter().filter(|(a, _)| a == me).map(|(_, b)| b.clone()).collect();
        assert_eq!(mine, theirs, "seed {seed}: device {i}'s contacts");
        let held: BTreeMap<String, elements_protocol::people::Meeting> =
            c.meetings().expect("meetings").into_iter().map(|m| (m.id.clone(), m)).collect();
        let expected: BTreeMap<String, elements_protocol::people::Meeting> = meetings
            .iter()
            .filter(|(_, m)| m.requester.profile_id == *me || m.invitee.profile_id == *me)
            .map(|(id, m)| (id.clone(), m.clone()))
            .collect();
        assert_eq!(held, expected, "seed {seed}: device {i}'s meetings");
        let read: BTreeSet<String> = c.messages().expect("messages").into_iter().map(|m| m.id).collect();
        let expected: BTreeSet<String> =
            messages.iter().filter(|(_, body)| body.contains(&format!("\"{me}\""))).map(|(id, _)| id.clone()).collect();
        assert_eq!(read, expected, "seed {seed}: device {i}'s messages");
    }
    eprintln!(
        "seed {seed}: {} contact pairs, {} meetings, {} messages",
        contacts.len() / 2,
        meetings.len(),
        messages.len()
    );
    let faults = proxy.log.lock().expect("log").clone();
    let injected = faults.iter().filter(|f| **f != crate::common::proxy::Fault::Pass).count();
    let rejected = stored.values().filter(|(_, o)| matches!(o, Outcome::Rejected { .. })).count();
    eprintln!(
        "seed {seed}: {recorded} signals ({rejected} rejected by the backend) from {devices} devices, {} requests, {injected} faults",
        faults.len()
    );
    assert!(injected > 0, "seed {seed}: the proxy injected no faults; the run proves nothing");
}

#[test]
fn seeded_simulation_every_signal_applied_exactly_once_and_every_device_converges() {
    let seeds: Vec<u64> = match std::env::var("ELEMENTS_SIM_SEEDS") {
        Ok(v) => v.split(',').filter_map(|s| s.trim().parse().ok()).collect(),
        Err(_) => vec![1, 2, 3, 4, 5],
    };
    for seed in seeds {
        simulate(seed, 4, 120, 0);
    }
}

/// The same simulation against three backend instances (processes) on one PostgreSQL database,
/// each request to one of them at random; mid-run one is killed with SIGKILL during a signal
/// batch and started again, and PostgreSQL restarts at once. The log replayed into a fresh
/// replica is the oracle. More: `ELEMENTS_CLUSTER_SIM=seeds:devices:steps`, e.g. `1,2:200:20000`.
#[test]
fn seeded_simulation_on_a_cluster_survives_a_killed_instance_and_a_database_restart() {
    let (seeds, devices, steps) = match std::env::var("ELEMENTS_CLUSTER_SIM") {
        Ok(v) => {
            let parts: Vec<&str> = v.split(':').collect();
            let seeds = parts[0].split(',').filter_map(|s| s.trim().parse().ok()).collect();
            let number = |i: usize, default| parts.get(i).and_then(|p| p.parse().ok()).unwrap_or(default);
            (seeds, number(1, 12), number(2, 400))
        }
        Err(_) => (vec![11, 12], 12, 400),
    };
    for seed in seeds {
        simulate(seed, devices, steps, 3);
    }
}
