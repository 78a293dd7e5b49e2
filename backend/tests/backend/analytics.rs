//! The analytics Element's figures and the report taken home: the privacy rule on crafted small
//! groups, and a morning of signals through the real intake written out by `elements-backend
//! report` and read back.

use std::collections::HashSet;
use std::process::Command;

use chrono::{DateTime, FixedOffset};
use elements_backend::analytics::privacy::{Guarded, MIN_PEOPLE};
use elements_backend::analytics::{analyse, report, Happening, What};
use elements_backend::store::{Redeemed, SqliteStore, Store};
use elements_protocol::auth::{RedeemRequest, Role};
use elements_protocol::signal::{Action, Outcome, Signal};

const BACKEND: &str = env!("CARGO_BIN_EXE_elements-backend");

fn demo() -> elements_protocol::event::EventBundle {
    serde_json::from_str(elements_backend::DEMO_EVENT_JSON).expect("demo")
}

fn at(t: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(t).expect("time")
}

fn session(person: u32, t: &str, id: &str) -> Happening {
    Happening { person, at: at(t), what: What::Session(id.into()) }
}

/// Four people are no figure, five are: for a session's audience, a flow, a place's hour and a
/// quest step; the CSV and the HTML show "—" for the small group and never its count.
#[test]
fn figures_from_fewer_than_five_people_are_withheld_everywhere() {
    let mut happened = Vec::new();
    // Keynote: people 0–4 (five). Room "alster" talk: 0–3 (four) came on from the keynote.
    for p in 0..5 {
        happened.push(session(p, "2027-03-10T09:05:00+01:00", "s1-001"));
    }
    for p in 0..4 {
        happened.push(session(p, "2027-03-10T10:05:00+01:00", "s1-002"));
    }
    // Five went from the keynote to "elbe" (people 10–14 joined the keynote later).
    for p in 10..15 {
        happened.push(session(p, "2027-03-10T09:20:00+01:00", "s1-001"));
        happened.push(session(p, "2027-03-10T10:10:00+01:00", "s1-003"));
    }
    // Four at a booth at 11, a quest's first checkpoint by four, its second by none.
    for p in 20..24 {
        happened.push(Happening {
            person: p,
            at: at("2027-03-10T11:15:00+01:00"),
            what: What::Place("poi-booth-northwind-rail".into()),
        });
        happened.push(Happening {
            person: p,
            at: at("2027-03-10T11:16:00+01:00"),
            what: What::Checkpoint { quest: "quest-harbour-trail".into(), checkpoint: "cp-trail-1".into() },
        });
    }
    // Five asked the way from the info desk to the Kran room, four to the lab (one of them
    // twice), and four answered a poll of the keynote at nine.
    let route = |person: u32, to: &str| Happening {
        person,
        at: at("2027-03-10T09:40:00+01:00"),
        what: What::Route { from: Some("poi-info".into()), to: to.into() },
    };
    happened.extend((30..35).map(|p| route(p, "poi-kran")));
    happened.extend((40..44).chain([40]).map(|p| route(p, "poi-lab")));
    happened.extend((0..4).map(|person| Happening {
        person,
        at: at("2027-03-10T09:30:00+01:00"),
        what: What::Answer { poll: "poll-opening".into() },
    }));
    let a = analyse(&demo(), &happened);
    assert_eq!(a.routes.len(), 1, "the route four people asked for is left out: {:?}", a.routes);
    assert_eq!((a.routes[0].to.as_str(), a.routes[0].people.value()), ("Kran Room", Some(&5)));
    let nine = a.hours.iter().position(|h| h.format("%H").to_string() == "09").expect("nine");
    assert_eq!(a.engagement_by_hour[nine], None, "four people's answers make no figure");
    assert_eq!(a.sessions.iter().find(|s| s.id == "s1-001").expect("keynote").per_attendee(), None);
    let figure = |id: &str| a.sessions.iter().find(|s| s.id == id).expect(id).attendees;
    assert_eq!(figure("s1-001"), Guarded::Shown { people: 10, value: 10 });
    assert_eq!(figure("s1-002"), Guarded::Withheld, "four people");
    assert_eq!(figure("s1-003"), Guarded::Shown { people: 5, value: 5 });
    assert_eq!(a.flows.len(), 1, "the flow of four is left out: {:?}", a.flows);
    assert_eq!(a.flows[0].people.value(), Some(&5));
    let booth = a.places_by_hour.iter().find(|r| r.name.contains("Northwind")).expect("the booth's row");
    assert!(booth.hours.iter().all(|g| *g == Guarded::Withheld), "{booth:?}");
    let trail = a.funnels.iter().find(|f| f.quest.contains("Harbour")).expect("the trail");
    assert!(trail.steps.iter().all(|g| *g == Guarded::Withheld));
    // Shares need enough people on both sides: nobody left the keynote early, so "100 %"
    // would say nothing about anyone, but five stayed and none left: withheld all the same.
    assert_eq!(a.sessions.iter().find(|s| s.id == "s1-001").expect("keynote").held, Guarded::Withheld);

    let files = report::csv_files(&a).expect("csv");
    let sessions = &files.iter().find(|(n, _)| *n == "sessions.csv").expect("sessions.csv").1;
    let mut reader = csv::Reader::from_reader(sessions.as_slice());
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("rows");
    let row = |id: &str| rows.iter().find(|r| &r[0] == id).expect(id).clone();
    assert_eq!(&row("s1-002")[4], "—");
    assert_eq!(&row("s1-003")[4], "5");
    let html = report::html(&a, &report::Venue::of(&demo(), |_| None));
    assert!(html.contains("Figures from fewer than 5 people are withheld"));
    assert!(!html.contains("Workshop Lab"), "the lab's route is four people's");
    let text = |name: &str| String::from_utf8_lossy(&files.iter().find(|(n, _)| *n == name).expect(name).1).to_string();
    let funnel = text("quest_funnels.csv");
    assert!(funnel.lines().skip(1).all(|l| l.ends_with(",—")), "{funnel}");
    let places = text("places_by_hour.csv");
    let row = places.lines().find(|l| l.contains("Northwind")).expect("the booth");
    assert!(row.split(',').skip(1).all(|c| c == "—"), "{row}");
    assert!(!text("flows.csv").contains(",4"), "the flow of four");
    let routes = text("routes_asked.csv");
    assert_eq!(routes.lines().count(), 2, "{routes}");
    assert!(routes.contains("Info desk & lost property,Kran Room,5"), "{routes}");
    let activity = text("activity_by_hour.csv");
    assert!(activity.lines().skip(1).all(|l| l.ends_with(",—")), "no engagement figure of four: {activity}");
    assert_eq!(MIN_PEOPLE, 5);
}

fn join(store: &SqliteStore, code: &str, device: &str) -> (String, elements_backend::store::Caller) {
    let request = RedeemRequest { code: code.into(), client_id: device.into(), display_name: None, show_name: false };
    let token = match store.redeem(&request).expect("redeem") {
        Redeemed::Token(t) => t.token,
        other => panic!("{other:?}"),
    };
    let caller = store.authenticate(&token).expect("read").expect("caller");
    (token, caller)
}

/// A morning of 60 attendees through the real intake (check-ins spread over the hours, booth
/// visits, answers in the keynote's poll, people let in at the main door by a tablet), then
/// `elements-backend report --out DIR` as an organizer runs it: every CSV reads back with the
/// counts the morning made, the HTML holds its charts and nothing from elsewhere, and no
/// participant id or code is in any file.
#[test]
fn the_report_writes_a_mornings_figures_and_no_one_in_particular() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("backend.sqlite3");
    let store = SqliteStore::open(&db).expect("store");
    store.replace_event(&demo()).expect("event");
    store.add_code("JOIN", Role::Attendee, false).expect("code");
    store.add_code("DOOR", Role::Door, false).expect("door code");
    let (_, door) = join(&store, "DOOR", "door-tablet");
    let mut ids = HashSet::new();
    for p in 0..60u32 {
        let device = format!("phone-{p}");
        let (_, caller) = join(&store, "JOIN", &device);
        ids.insert(caller.participant_id.clone());
        let mut seq = 0;
        let mut send = |t: &str, action: Action| {
            seq += 1;
            let signal = Signal {
                id: format!("{device}-{seq}"),
                client_id: device.clone(),
                seq,
                schema_version: action.schema_version(),
                created_at: at(t),
                action,
            };
            let report = store.push(&caller, &[signal], at(t).to_utc()).expect("push");
            assert!(matches!(report.results[0].outcome, Outcome::Accepted { .. }), "{:?}", report.results);
        };
        send("2027-03-10T09:02:00+01:00", Action::CheckIn { session_id: "s1-001".into() });
        if p < 40 {
            send("2027-03-10T09:10:00+01:00", Action::Vote { poll_id: "poll-opening".into(), option_id: "o1".into() });
        }
        // Two thirds go on to the Alster room at ten, the rest to Elbe.
        let next = if p % 3 == 0 { "s1-003" } else { "s1-002" };
        send("2027-03-10T10:03:00+01:00", Action::CheckIn { session_id: next.into() });
        if p % 2 == 0 {
            send("2027-03-10T11:20:00+01:00", Action::BoothVisit { poi_id: "poi-booth-quayside-labs".into() });
        }
        // A third ask the map the way to the lab from where they stand (some twice).
        if p % 3 == 1 {
            send("2027-03-10T11:40:00+01:00", Action::AskRoute { to: "poi-lab".into(), from: None });
            if p % 2 == 0 {
                send("2027-03-10T11:55:00+01:00", Action::AskRoute { to: "poi-lab".into(), from: None });
            }
        }
    }
    for (file, bytes) in elements_backend::DEMO_PLANS {
        store.put_plan(file.trim_end_matches(".svg"), "image/svg+xml", bytes).expect("plan");
    }
    assert_eq!(ids.len(), 60);
    // Ten ticket holders let in at the main entrance before nine, by the door tablet.
    for i in 0..10 {
        let ticket = format!("T-ANALYTICS-{i}");
        store.add_code(&ticket, Role::Attendee, true).expect("ticket");
        let signal = Signal {
            id: format!("door-{i}"),
            client_id: "door-tablet".into(),
            seq: i + 1,
            schema_version: 4,
            created_at: at("2027-03-10T08:50:00+01:00"),
            action: Action::Admit {
                pass: elements_protocol::staff::Pass::Ticket(ticket),
                gate: elements_protocol::staff::Gate::Door("poi-exit-main".into()),
            },
        };
        let report = store.push(&door, &[signal], at("2027-03-10T08:50:00+01:00").to_utc()).expect("push");
        assert!(matches!(report.results[0].outcome, Outcome::Accepted { .. }), "{:?}", report.results);
    }
    let figures = {
        let (event, happened) = store.analytics_input().expect("read").expect("event");
        analyse(&event, &happened)
    };
    let keynote = figures.sessions.iter().find(|s| s.id == "s1-001").expect("keynote");
    assert_eq!(keynote.attendees.value(), Some(&60));
    assert_eq!(keynote.engagement.value().map(|e| e.answers), Some(40));
    assert!(figures.flows.iter().any(|f| f.people.value() == Some(&40)), "{:?}", figures.flows);
    assert_eq!(figures.routes.len(), 1);
    assert_eq!(figures.routes[0].people.value(), Some(&20), "asking twice is one person");
    // The keynote: 40 answers from 60 attendees.
    assert_eq!(keynote.per_attendee(), Some(0.7));
    drop(store);

    let out = dir.path().join("report");
    let run = Command::new(BACKEND).args(["report", "--out"]).arg(&out).arg("--db").arg(&db).output().expect("report");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(String::from_utf8_lossy(&run.stdout).contains("8 files"), "{}", String::from_utf8_lossy(&run.stdout));
    let read = |name: &str| std::fs::read_to_string(out.join(name)).expect(name);
    let sessions = read("sessions.csv");
    let mut reader = csv::Reader::from_reader(sessions.as_bytes());
    assert_eq!(reader.headers().expect("headers").iter().next(), Some("session"));
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("rows");
    let alster = rows.iter().find(|r| &r[0] == "s1-002").expect("the Alster talk");
    assert_eq!(&alster[4], "40");
    let places = read("places_by_hour.csv");
    assert!(places.lines().any(|l| l.contains("Quayside") && l.ends_with(",30")), "{places}");
    let door = places.lines().find(|l| l.contains("entrance")).unwrap_or_else(|| panic!("the main door: {places}"));
    assert!(door.contains(",10,"), "ten let in before nine: {door}");
    let routes = read("routes_asked.csv");
    assert!(routes.contains("(from where they stood),Workshop Lab,20"), "{routes}");
    let html = read("report.html");
    assert!(html.contains("<svg") && html.contains("Where audiences went next"));
    // The venue drawn on its own plans, carried inside the file.
    assert!(html.contains("data:image/svg+xml;base64,"), "the floor plan is in the report");
    assert!(
        html.contains("Quayside Labs <span class=\"muted\">30</span>"),
        "the busiest places are named under the plan"
    );
    assert!(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"), "self-contained");
    for entry in std::fs::read_dir(&out).expect("out").flatten() {
        let text = std::fs::read_to_string(entry.path()).expect("text");
        for id in &ids {
            assert!(!text.contains(id.as_str()), "{} names a participant", entry.path().display());
        }
        assert!(!text.contains("phone-"), "{} names a device", entry.path().display());
    }
}

/// `GET /v1/analytics` over HTTP: an organizer gets the figures counted now, with `null` where
/// fewer than five people make one; an attendee is refused.
#[tokio::test]
async fn the_organizer_reads_the_figures_over_http_and_no_one_else_does() {
    let s = crate::common::start().await;
    let staff = crate::common::redeem(&s.store, "STAFF", "organizer-tablet");
    let store = s.store.clone();
    tokio::task::spawn_blocking(move || {
        for p in 0..9 {
            let (_, caller) = join(&store, "ATTEND", &format!("analytics-{p}"));
            let session = if p < 6 { "s1-001" } else { "s1-002" };
            let t = if p < 6 { "2027-03-10T09:05:00+01:00" } else { "2027-03-10T10:05:00+01:00" };
            let signal = Signal {
                id: format!("a-{p}"),
                client_id: format!("analytics-{p}"),
                seq: 1,
                schema_version: 1,
                created_at: at(t),
                action: Action::CheckIn { session_id: session.into() },
            };
            let report = store.push(&caller, &[signal], at(t).to_utc()).expect("push");
            assert!(matches!(report.results[0].outcome, Outcome::Accepted { .. }), "{:?}", report.results);
        }
    })
    .await
    .expect("the morning");
    let get = |token: String| {
        let url = format!("{}/v1/analytics", s.base);
        async move { reqwest::Client::new().get(url).bearer_auth(token).send().await.expect("GET /v1/analytics") }
    };
    let resp = get(staff).await;
    assert_eq!(resp.status(), 200);
    let report: elements_protocol::analytics::AnalyticsReport = resp.json().await.expect("the report");
    let figure = |id: &str| report.sessions.iter().find(|x| x.id == id).expect(id).attendees;
    assert_eq!(figure("s1-001"), Some(6));
    assert_eq!(figure("s1-002"), None, "three people make no figure");
    assert_eq!(get(s.token.clone()).await.status(), 403, "an attendee reads no analytics");
}

/// The figures are counted once and reused while nothing changed, and never once something
/// did: a new signal and a new import of the event each show at the next ask.
#[test]
fn the_figures_follow_every_new_signal_and_every_import() {
    let dir = tempfile::tempdir().expect("dir");
    let store = SqliteStore::open(&dir.path().join("backend.sqlite3")).expect("store");
    let mut event = demo();
    store.replace_event(&event).expect("event");
    store.add_code("JOIN", Role::Attendee, false).expect("code");
    let now = at("2027-03-10T12:00:00+01:00").to_utc();
    let check_in = |p: u32| {
        let (_, caller) = join(&store, "JOIN", &format!("phone-{p}"));
        let signal = Signal {
            id: format!("c-{p}"),
            client_id: format!("phone-{p}"),
            seq: 1,
            schema_version: 1,
            created_at: at("2027-03-10T09:05:00+01:00"),
            action: Action::CheckIn { session_id: "s1-001".into() },
        };
        store.push(&caller, &[signal], now).expect("push");
    };
    let keynote = |store: &SqliteStore| {
        let report = store.analytics(now).expect("count").expect("figures");
        report.sessions.into_iter().find(|s| s.id == "s1-001").map(|s| (s.title, s.attendees))
    };
    for p in 0..5 {
        check_in(p);
    }
    let first = keynote(&store).expect("the keynote");
    assert_eq!(first.1, Some(5));
    assert_eq!(keynote(&store), Some(first.clone()), "asked again: the same count");
    check_in(5);
    assert_eq!(keynote(&store).and_then(|k| k.1), Some(6), "a new signal counts at once");
    let keynote_session = event.sessions.iter_mut().find(|s| s.id == "s1-001").expect("keynote");
    keynote_session.title = "Opening Keynote (moved)".into();
    store.replace_event(&event).expect("import again");
    assert_eq!(keynote(&store).map(|k| k.0), Some("Opening Keynote (moved)".to_string()), "an import shows at once");
}
