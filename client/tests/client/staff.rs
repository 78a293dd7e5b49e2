//! The staff Element through real apps' APIs and the reference backend on 127.0.0.1: two staff
//! tablets, offline, let the same ticket in at the same door; once the network is back both show
//! one person and the conflict. An attendee's app may do neither.

use elements_backend::store::Store;
use elements_client::api::{AppApi, Clock};
use elements_protocol::app::{AdmitArgs, AnnounceArgs, DeskScanState, ErrorCode, JoinArgs, ReminderWhat};
use elements_protocol::auth::Role;
use elements_protocol::event::ElementKind;
use elements_protocol::signal::Reason;
use elements_protocol::staff::Gate;

use crate::common::{during_event, served_event, start_backend, CODE, TICKET};

const STAFF: &str = "STAFF-DOOR";

fn app(url: &str, code: &str) -> (AppApi, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("dir");
    let api = AppApi::start(dir.path(), Clock::Fixed(during_event()), &mut |_| {}).expect("start").0;
    api.join_event(JoinArgs { url: url.into(), code: Some(code.into()) }).expect("join");
    (api, dir)
}

fn main_entrance() -> Gate {
    Gate::Door("poi-exit-main".into())
}

#[test]
fn two_offline_tablets_let_one_ticket_in_and_both_see_the_conflict_after_sync() {
    let backend = start_backend(&served_event());
    backend.store.add_code(STAFF, Role::Organizer, false).expect("staff code");
    let url = backend.url.clone();
    let (a, _a_dir) = app(&url, STAFF);
    let (b, _b_dir) = app(&url, STAFF);
    for tablet in [&a, &b] {
        let overview = tablet.event_overview().expect("overview");
        assert_eq!(
            overview.elements.first().map(|e| e.kind),
            Some(ElementKind::Staff),
            "a staff tablet opens on its desk"
        );
        let desk = tablet.staff_desk().expect("desk");
        assert!(desk.is_staff && desk.knows_codes, "{desk:?}");
        assert!(desk.gates.iter().any(|g| g.gate == main_entrance() && g.name == "Main entrance"));
    }

    // The venue's network goes down; both tablets keep working.
    let store = backend.store.clone();
    backend.server.stop();
    let admit = |tablet: &AppApi| tablet.admit_pass(AdmitArgs { pass: TICKET.into(), gate: main_entrance() });
    let at_a = admit(&a).expect("A lets the ticket in");
    let at_b = admit(&b).expect("B lets the same ticket in");
    assert!(!at_a.conflict && !at_b.conflict, "neither can know of the other yet");
    // A second scan on the same tablet is flagged at once, with when it first came in.
    let again = admit(&a).expect("recorded");
    assert!(again.conflict && again.first_at.as_deref() == Some("09:30"), "{again:?}");
    let count_at_main = |tablet: &AppApi| {
        let desk = tablet.staff_desk().expect("desk");
        let gate = desk.gates.into_iter().find(|g| g.gate == main_entrance()).expect("the door");
        (gate.admitted, gate.conflicts, desk.conflicts.len())
    };
    assert_eq!(count_at_main(&b), (1, 0, 0));
    assert!(b.staff_desk().expect("desk").recent.iter().all(|s| s.state == DeskScanState::Waiting));

    // The network is back: each tablet syncs; A once more to hear of B's scan.
    let _again = elements_backend::testing::Loopback::serve_again(&url, store.clone(), Default::default());
    a.sync_now().expect("A syncs");
    b.sync_now().expect("B syncs");
    a.sync_now().expect("A syncs again");
    for (name, tablet) in [("A", &a), ("B", &b)] {
        let desk = tablet.staff_desk().expect("desk");
        let gate = desk.gates.iter().find(|g| g.gate == main_entrance()).expect("the door");
        assert_eq!(gate.admitted, 1, "{name}: one person came in, counted once: {desk:?}");
        assert_eq!(gate.conflicts, 1, "{name}");
        assert_eq!(desk.conflicts.len(), 1, "{name}: {:?}", desk.conflicts);
        let conflict = &desk.conflicts[0];
        assert_eq!(conflict.gate_name, "Main entrance");
        assert_eq!(conflict.pass_hint, "…ET-7");
        assert_eq!(conflict.scans.len(), 3, "{name}: every scan, both tablets: {conflict:?}");
        assert!(conflict.scans.iter().any(|s| s.mine) && conflict.scans.iter().any(|s| !s.mine), "{name}");
        assert!(desk.recent.iter().all(|s| s.state != DeskScanState::Waiting), "{name}: all sent");
    }
    // Which tablet's scan reached the backend first is the network's doing (both engines retry
    // when it comes back): of the three scans one counted, and the two others are conflicts.
    let states: Vec<DeskScanState> =
        [&a, &b].iter().flat_map(|t| t.staff_desk().expect("desk").recent.into_iter().map(|s| s.state)).collect();
    assert_eq!(states.iter().filter(|s| **s == DeskScanState::Counted).count(), 1, "{states:?}");
    assert_eq!(states.iter().filter(|s| **s == DeskScanState::Conflict).count(), 2, "{states:?}");

    // An attendee's app: no desk in its navigation, and check-in is refused on the device.
    let (phone, _phone_dir) = app(&url, CODE);
    let overview = phone.event_overview().expect("overview");
    assert!(overview.elements.iter().all(|e| e.kind != ElementKind::Staff), "{:?}", overview.elements);
    let refused = phone.admit_pass(AdmitArgs { pass: TICKET.into(), gate: main_entrance() }).expect_err("not staff");
    assert_eq!((refused.code, refused.reason), (ErrorCode::Refused, Some(Reason::NotAllowed)), "{refused:?}");
    assert!(!phone.staff_desk().expect("desk").is_staff);

    // An announcement from the desk: on the phone's list and, once, as a notification.
    assert!(phone.take_due_reminders().expect("the first look").is_empty());
    let audience = elements_protocol::live::Audience::Everyone;
    a.announce(AnnounceArgs { text: "Doors close at 18:00".into(), audience }).expect("announced");
    a.sync_now().expect("sent");
    phone.sync_now().expect("heard");
    let news = phone.announcements().expect("announcements");
    assert_eq!(news.first().map(|n| n.text.as_str()), Some("Doors close at 18:00"));
    let told = phone.take_due_reminders().expect("reminders");
    assert!(
        told.iter().any(|r| r.what == ReminderWhat::Announcement && r.text.as_deref() == Some("Doors close at 18:00")),
        "{told:?}"
    );
    assert!(phone.take_due_reminders().expect("again").is_empty(), "once");
    let refused = phone
        .announce(AnnounceArgs { text: "hi".into(), audience: elements_protocol::live::Audience::Everyone })
        .expect_err("not staff");
    assert_eq!(refused.reason, Some(Reason::NotAllowed));
}

/// An exhibitor's tablet scans a visitor's badge offline: the lead is waiting, then after sync
/// it holds the visitor's name, and the CSV export reads back with an independent CSV reader.
#[test]
fn an_exhibitor_captures_a_lead_offline_and_exports_it_as_csv() {
    use elements_protocol::app::LeadArgs;
    let backend = start_backend(&served_event());
    backend.store.add_code("EXH-1", Role::Exhibitor, true).expect("exhibitor code");
    let url = backend.url.clone();
    let (visitor, _visitor_dir) = app(&url, CODE);
    let badge = visitor.my_profile().expect("profile").badge.expect("a badge once joined").code;
    let (booth, booth_dir) = app(&url, "EXH-1");
    let booth = booth.export_dir(Some(booth_dir.path().to_path_buf()));
    let store = backend.store.clone();
    backend.server.stop();
    let view = booth
        .capture_lead(LeadArgs {
            badge: badge.to_lowercase(),
            rating: 4,
            note: "Wants a demo, \"Friday\", 10:00".into(),
        })
        .expect("captured offline");
    assert!(view.leads.is_empty() && view.waiting.len() == 1, "{view:?}");
    let refused =
        booth.capture_lead(LeadArgs { badge: "hello".into(), rating: 1, note: String::new() }).expect_err("no badge");
    assert_eq!(refused.reason, Some(Reason::Malformed));
    // The one badge reader: a badge of another event is no lead here.
    let foreign = format!("elements://badge?event=another-event&code={badge}");
    let refused =
        booth.capture_lead(LeadArgs { badge: foreign, rating: 3, note: String::new() }).expect_err("another event's");
    assert!(refused.message.contains("another event"), "{}", refused.message);
    let _back = elements_backend::testing::Loopback::serve_again(&url, store, Default::default());
    booth.sync_now().expect("sync");
    let view = booth.leads().expect("leads");
    assert!(view.waiting.is_empty(), "{view:?}");
    assert_eq!(view.leads.len(), 1);
    assert_eq!((view.leads[0].rating, view.leads[0].note.as_str()), (4, "Wants a demo, \"Friday\", 10:00"));
    let file = booth.export_leads().expect("export");
    assert_eq!(file.items, 1);
    let mut reader = csv::Reader::from_path(&file.path).expect("the CSV");
    let headers = reader.headers().expect("headers").clone();
    assert_eq!(&headers[0], "name");
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("rows");
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][5], "4");
    assert_eq!(&rows[0][6], "Wants a demo, \"Friday\", 10:00", "quotes and commas survive");
    // The visitor's app holds no lead of anyone.
    visitor.sync_now().expect("sync");
    assert!(visitor.leads().expect("leads").leads.is_empty());
}

/// A printed badge scanned at the booth (its QR is the ticket's join link): a lead even though
/// the visitor has no app. Offline it waits under the ticket's id; after sync it holds the name
/// and company the roster gives. A badge whose signature was edited is refused on the tablet.
#[test]
fn an_exhibitor_captures_a_lead_from_a_printed_badge() {
    use elements_import::roster::{read_roster, RosterOptions};
    use elements_protocol::app::LeadArgs;
    let backend = start_backend(&served_event());
    let export = std::fs::read(format!(
        "{}/../import/tests/fixtures/roster/pretix-order-positions.csv",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture");
    let roster = read_roster(&export, &RosterOptions::default()).expect("roster");
    backend.store.apply_roster(&roster, true, chrono::Utc::now()).expect("roster import");
    let ticket =
        backend.store.roster().expect("roster").into_iter().find(|t| t.key == "pretix:M2RN9-1").expect("Dana").ticket;
    backend.store.add_code("EXH-1", Role::Exhibitor, true).expect("exhibitor code");
    let url = backend.url.clone();
    let (booth, _booth_dir) = app(&url, "EXH-1");
    let store = backend.store.clone();
    backend.server.stop();
    let printed = elements_protocol::link::Link::Join { url: url.clone(), code: Some(ticket.code.clone()) }.to_string();
    let view =
        booth.capture_lead(LeadArgs { badge: printed, rating: 5, note: "printed badge".into() }).expect("offline");
    assert_eq!(view.waiting.len(), 1, "{view:?}");
    assert_eq!(view.waiting[0].badge, ticket.id, "waits under the ticket's id");
    let mut edited = ticket.code.clone();
    let last = edited.pop().expect("signature");
    edited.push(if last == 'a' { 'b' } else { 'a' });
    let refused = booth.capture_lead(LeadArgs { badge: edited, rating: 1, note: String::new() }).expect_err("forged");
    assert_eq!(refused.reason, Some(Reason::UnknownTarget), "{refused:?}");
    let _back = elements_backend::testing::Loopback::serve_again(&url, store, Default::default());
    booth.sync_now().expect("sync");
    let view = booth.leads().expect("leads");
    assert!(view.waiting.is_empty(), "{view:?}");
    assert_eq!(view.leads.len(), 1, "{view:?}");
    assert_eq!(view.leads[0].name, "Dana Patel");
    assert_eq!(view.leads[0].organization.as_deref(), Some("Patel, Berg & Co"));
}

/// Least privilege on the device: each staff role's desk shows its job only, and work of another
/// role is refused on the device (before anything is counted), in words naming both; the job
/// itself works.
#[test]
fn each_staff_role_gets_the_desk_of_its_job_and_the_app_refuses_the_rest() {
    let backend = start_backend(&served_event());
    let url = backend.url.clone();
    let roles = [Role::Organizer, Role::Moderator, Role::Door, Role::Desk, Role::Exhibitor];
    for role in roles {
        let code = format!("JOB-{}", role.as_str().to_uppercase());
        backend.store.add_code(&code, role, role == Role::Exhibitor).expect("code");
        let (api, _dir) = app(&url, &code);
        let desk = api.staff_desk().expect("desk");
        let can = desk.can;
        assert_eq!(can.role, Some(role));
        assert_eq!(
            (can.check_in, can.rewards, can.leads, can.polls, can.live),
            match role {
                Role::Organizer => (true, true, true, true, true),
                Role::Moderator => (false, false, false, true, false),
                Role::Door => (true, false, false, false, false),
                Role::Desk => (false, true, false, false, false),
                _ => (false, false, true, false, false),
            },
            "{role:?}"
        );
        let admitted = api.admit_pass(AdmitArgs { pass: TICKET.into(), gate: main_entrance() });
        let announced = api.announce(AnnounceArgs {
            text: "Doors close at 18:00".into(),
            audience: elements_protocol::live::Audience::Everyone,
        });
        assert_eq!(admitted.is_ok(), can.check_in, "{role:?}: {admitted:?}");
        assert_eq!(announced.is_ok(), can.live, "{role:?}: {announced:?}");
        if let Err(e) = admitted {
            assert_eq!(e.reason, Some(Reason::NotAllowed));
            assert!(e.message.contains(role.as_str()) && e.message.contains("admit"), "{}", e.message);
        }
    }
}

/// Tickets signed with the event's key, at a door with no network: two door tablets let the
/// genuine ticket in (one copy each), and refuse on the spot an edited one and an unsigned one
/// (the event signs all its tickets); back online, the copied ticket is one conflict on both.
#[test]
fn door_tablets_offline_refuse_forged_and_unsigned_tickets_and_a_copied_one_is_a_conflict_after_sync() {
    let backend = start_backend(&served_event());
    let tickets = backend.store.issue_tickets(2, "T").expect("tickets");
    backend.store.require_signed_tickets().expect("signed only");
    backend.store.add_code("DOOR-1", Role::Door, false).expect("door code");
    let url = backend.url.clone();
    let (a, _a_dir) = app(&url, "DOOR-1");
    let (b, _b_dir) = app(&url, "DOOR-1");
    let store = backend.store.clone();
    backend.server.stop();

    let admit = |tablet: &AppApi, pass: &str| tablet.admit_pass(AdmitArgs { pass: pass.into(), gate: main_entrance() });
    let genuine = &tickets[0].code;
    assert!(!admit(&a, genuine).expect("A lets the genuine ticket in").conflict);
    assert!(!admit(&b, genuine).expect("B lets its copy in").conflict, "B cannot know of A yet");
    let edited = genuine.replacen(&tickets[0].id, &tickets[1].id, 1);
    let refused = admit(&a, &edited).expect_err("an edited ticket");
    assert_eq!(refused.reason, Some(Reason::UnknownTarget), "{refused:?}");
    assert!(refused.message.contains("forged or edited"), "{}", refused.message);
    let unsigned = admit(&a, TICKET).expect_err("an unsigned ticket where all are signed");
    assert!(unsigned.message.contains("not a ticket of this event"), "{}", unsigned.message);
    // Refused means not counted, not sent.
    let desk = a.staff_desk().expect("desk");
    let gate = desk.gates.iter().find(|g| g.gate == main_entrance()).expect("the door");
    assert_eq!(gate.admitted, 1);

    let _again = elements_backend::testing::Loopback::serve_again(&url, store, Default::default());
    a.sync_now().expect("A syncs");
    b.sync_now().expect("B syncs");
    a.sync_now().expect("A syncs again");
    for (name, tablet) in [("A", &a), ("B", &b)] {
        let desk = tablet.staff_desk().expect("desk");
        let gate = desk.gates.iter().find(|g| g.gate == main_entrance()).expect("the door");
        assert_eq!((gate.admitted, gate.conflicts), (1, 1), "{name}: {desk:?}");
        assert!(desk.recent.iter().all(|s| s.state != DeskScanState::Waiting), "{name}: all sent");
    }
}

/// Polls on the spot, across two apps and the backend: a moderator's tablet makes a quiz while
/// offline (a draft, waiting on the desk), rewords it, and once online the backend takes it; a
/// phone never shows the draft; the moderator opens it and the phone, which pulls only once an
/// hour, gets it over the live stream and answers; after that first answer the wording stays.
/// Prints how long a poll opened on the desk takes to show on the phone (p50/p95 of 10).
#[test]
fn a_moderator_makes_a_poll_on_the_spot_and_phones_get_it_over_the_live_stream() {
    use crate::common::proxy::Proxy;
    use crate::common::{eventually, start_backend_with};
    use elements_backend::http::Config;
    use elements_client::sync::EngineConfig;
    use elements_protocol::app::{PollControlArgs, PollDraftArgs, PollState, VoteArgs};
    use elements_protocol::event::PollKind;
    use elements_protocol::staff::PollCommand;
    use std::time::{Duration, Instant};

    let backend = start_backend_with(&served_event(), Config { clock: Some(during_event()), ..Default::default() });
    backend.store.add_code("MOD-1", Role::Moderator, true).expect("moderator code");
    let proxy = Proxy::start(&backend.url, 1, 0);
    let start = |url: &str, code: &str, interval: Duration| {
        let dir = tempfile::tempdir().expect("dir");
        let api = AppApi::start(dir.path(), Clock::Fixed(during_event()), &mut |_| {}).expect("start").0;
        let api = api.with_sync_config(EngineConfig { interval, ..crate::common::quick_engine() });
        api.join_event(JoinArgs { url: url.into(), code: Some(code.into()) }).expect("join");
        (api, dir)
    };
    let (desk, _desk_dir) = start(&proxy.url, "MOD-1", Duration::from_millis(200));
    // Pulls once an hour: whatever it sees sooner came because the live stream said so.
    let (phone, _phone_dir) = start(&backend.url, CODE, Duration::from_secs(3600));

    proxy.set_offline(true);
    let quiz = |id: Option<String>, question: &str| PollDraftArgs {
        id,
        question: question.into(),
        kind: PollKind::Quiz,
        options: vec!["Almaty".into(), "Astana".into(), " ".into(), "Shymkent".into()],
        max_choices: None,
        scale_max: None,
        correct_option: Some(1),
        hide_results: false,
        minutes: 5,
    };
    let view = desk.put_poll(quiz(None, "Capital of Kazakhstan?")).expect("made offline");
    let made = view.polls.iter().find(|p| p.question == "Capital of Kazakhstan?").expect("on the desk").clone();
    assert!(made.draft && made.waiting && made.editable, "{made:?}");
    assert_eq!(made.wording.options, ["Almaty", "Astana", "Shymkent"], "empty lines dropped");
    assert_eq!((made.wording.correct_option, made.state), (Some(1), PollState::Upcoming));
    let view = desk.put_poll(quiz(Some(made.id.clone()), "What is the capital of Kazakhstan?")).expect("reworded");
    let polls: Vec<_> = view.polls.iter().filter(|p| p.id == made.id).collect();
    assert_eq!(polls.len(), 1, "one poll, reworded");
    assert_eq!(polls[0].question, "What is the capital of Kazakhstan?");
    // Opened while still offline: the desk knows the poll it made from its own outbox.
    let opened = desk.control_poll(PollControlArgs { poll_id: made.id.clone(), command: PollCommand::Open });
    assert!(opened.is_ok(), "{opened:?}");
    let refused = desk
        .put_poll(PollDraftArgs { options: vec!["Only one".into()], ..quiz(None, "Broken?") })
        .expect_err("a quiz needs two options");
    assert_eq!(refused.reason, Some(Reason::Malformed), "{refused:?}");

    proxy.set_offline(false);
    eventually("the backend takes the draft", || {
        let _ = desk.sync_now();
        let p = desk.staff_polls().ok()?.polls.into_iter().find(|p| p.id == made.id)?;
        (!p.waiting).then_some(())
    });
    phone.sync_now().expect("phone sync");
    assert!(phone.voting().expect("voting").polls.iter().all(|p| p.id != made.id), "a draft is for staff only");

    desk.control_poll(PollControlArgs { poll_id: made.id.clone(), command: PollCommand::Open }).expect("open");
    desk.sync_now().expect("desk sync");
    let shown = eventually("the opened poll on the phone", || {
        phone.voting().ok()?.polls.into_iter().find(|p| p.id == made.id && p.state == PollState::Open)
    });
    assert_eq!(shown.question, "What is the capital of Kazakhstan?");
    phone.cast_vote(VoteArgs { poll_id: made.id.clone(), option_id: "o2".into() }).expect("answer");
    phone.sync_now().expect("phone sync");
    eventually("the desk learns of the first answer", || {
        let p = desk.staff_polls().ok()?.polls.into_iter().find(|p| p.id == made.id)?;
        (!p.editable).then_some(())
    });
    let after = desk.put_poll(quiz(Some(made.id.clone()), "Reworded after answers?")).expect_err("answered");
    assert_eq!(after.reason, Some(Reason::AlreadyDone), "{after:?}");

    // Desk to phone: made, opened and pushed by the desk, shown on the phone.
    let mut times = Vec::new();
    for i in 0..10 {
        let t = Instant::now();
        let view = desk
            .put_poll(PollDraftArgs {
                kind: PollKind::SingleChoice,
                correct_option: None,
                ..quiz(None, &format!("Question {i} from the stage?"))
            })
            .expect("made");
        let id =
            view.polls.iter().find(|p| p.question == format!("Question {i} from the stage?")).expect("made").id.clone();
        desk.sync_now().expect("sync");
        desk.control_poll(PollControlArgs { poll_id: id.clone(), command: PollCommand::Open }).expect("open");
        desk.sync_now().expect("sync");
        eventually("the poll on the phone", || {
            phone.voting().ok()?.polls.into_iter().find(|p| p.id == id && p.state == PollState::Open)
        });
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "poll made and opened on the desk → shown on the phone, 10 polls over 127.0.0.1: p50 {:.0} ms, p95 {:.0} ms",
        times[4].as_secs_f64() * 1e3,
        times[9].as_secs_f64() * 1e3
    );
}
