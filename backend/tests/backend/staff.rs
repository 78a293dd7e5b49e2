//! The staff Element against the reference backend on 127.0.0.1: only staff tokens may check
//! people in, give rewards or read the staff feed; a pass let in by two tablets is one person
//! and a conflict on both; a desk code is good once.

use crate::common::{redeem, start, Server};
use elements_backend::store::Store;
use elements_protocol::auth::Role;
use elements_protocol::signal::{Action, Effect, Outcome, Reason, Signal, SignalBatch, SignalResults};
use elements_protocol::staff::{Gate, Pass};
use elements_protocol::sync::{Change, ChangesPage, Entity, WireError, WireErrorCode};

fn signal(device: &str, seq: u64, at: &str, action: Action) -> Signal {
    Signal {
        id: format!("{device}-{seq}"),
        client_id: device.into(),
        seq,
        schema_version: action.schema_version().max(4),
        created_at: at.parse().expect("time"),
        action,
    }
}

async fn post(s: &Server, token: &str, signals: Vec<Signal>) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{}/v1/signals", s.base))
        .bearer_auth(token)
        .json(&SignalBatch { signals })
        .send()
        .await
        .expect("POST /v1/signals")
}

async fn decided(s: &Server, token: &str, signals: Vec<Signal>) -> Vec<Outcome> {
    let resp = post(s, token, signals).await;
    assert_eq!(resp.status(), 200);
    let results: SignalResults = resp.json().await.expect("results");
    results.results.into_iter().map(|r| r.outcome).collect()
}

/// The staff feed as `token` gets it: the status, and the entities if 200.
async fn staff_feed(s: &Server, token: Option<&str>) -> (u16, Vec<Entity>) {
    let mut req = reqwest::Client::new().get(format!("{}/v1/elements/staff/changes", s.base));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.expect("GET staff");
    let status = resp.status().as_u16();
    if status != 200 {
        let e: WireError = resp.json().await.expect("an error body");
        assert!(matches!(e.code, WireErrorCode::Forbidden | WireErrorCode::Unauthorized), "{e:?}");
        return (status, Vec::new());
    }
    let page: ChangesPage = resp.json().await.expect("a page");
    let entities = page
        .changes
        .into_iter()
        .filter_map(|c| match c {
            Change::Upsert { entity } => Some(entity),
            Change::Delete { .. } => None,
        })
        .collect();
    (status, entities)
}

/// The people feed as `token` gets it (one page of everything).
async fn people_feed(s: &Server, token: &str) -> Vec<Change> {
    let page: ChangesPage = reqwest::Client::new()
        .get(format!("{}/v1/elements/people/changes?limit=1000", s.base))
        .bearer_auth(token)
        .send()
        .await
        .expect("GET people")
        .json()
        .await
        .expect("a page");
    page.changes
}

fn admit(ticket: &str, door: &str) -> Action {
    Action::Admit { pass: Pass::Ticket(ticket.into()), gate: Gate::Door(door.into()) }
}

#[tokio::test]
async fn only_staff_may_check_in_give_rewards_or_read_the_staff_feed() {
    let s = start().await;
    let kiosk = redeem(&s.store, "KIOSK", "screen-1");
    let staff = redeem(&s.store, "STAFF", "tablet-1");
    s.store.add_code("T-1001", Role::Attendee, true).expect("ticket");
    for (who, token) in [("attendee", &s.token), ("kiosk", &kiosk)] {
        let resp =
            post(&s, token, vec![signal("x", 1, "2027-03-10T09:00:00+01:00", admit("T-1001", "poi-exit-main"))]).await;
        assert_eq!(resp.status(), 403, "{who}");
        let e: WireError = resp.json().await.expect("error body");
        assert_eq!(e.code, WireErrorCode::Forbidden, "{who}: {}", e.message);
        // A kiosk may push nothing at all; an attendee is told which signal is staff work.
        assert!(
            e.message.contains(if who == "kiosk" { "kiosk" } else { "admit" }),
            "names what was refused: {}",
            e.message
        );
        let give = post(
            &s,
            token,
            vec![signal("x", 2, "2027-03-10T09:00:00+01:00", Action::RedeemReward { code: "K7Q2-MX4P".into() })],
        )
        .await;
        assert_eq!(give.status(), 403, "{who}");
        assert_eq!(staff_feed(&s, Some(token)).await.0, 403, "{who} reads no staff feed");
    }
    assert_eq!(staff_feed(&s, None).await.0, 401);
    // Nothing of it was stored: the staff feed is still empty of check-ins.
    let (status, entities) = staff_feed(&s, Some(&staff)).await;
    assert_eq!(status, 200);
    assert!(!entities.iter().any(|e| matches!(e, Entity::Admission(_))), "{entities:?}");
    // An attendee batch with ordinary signals still works.
    let vote = Action::Vote { poll_id: "poll-opening".into(), option_id: "o2".into() };
    let ok = post(&s, &s.token, vec![signal("phone", 1, "2027-03-10T09:30:00+01:00", vote)]).await;
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn a_ticket_let_in_by_two_tablets_counts_once_and_is_a_conflict_for_both() {
    let s = start().await;
    let a = redeem(&s.store, "STAFF", "tablet-a");
    let b = redeem(&s.store, "STAFF", "tablet-b");
    s.store.add_code("T-1001", Role::Attendee, true).expect("ticket");
    s.store.add_code("T-1002", Role::Attendee, true).expect("ticket");
    // Both offline: each lets T-1001 in at the main entrance; tablet B syncs first, but A's
    // scan was earlier.
    let from_b =
        decided(&s, &b, vec![signal("tablet-b", 1, "2027-03-10T09:05:00+01:00", admit("T-1001", "poi-exit-main"))])
            .await;
    assert!(
        matches!(&from_b[0], Outcome::Accepted { effects } if matches!(&effects[..], [Effect::Admitted { conflict: false, .. }])),
        "{from_b:?}"
    );
    let from_a = decided(
        &s,
        &a,
        vec![
            signal("tablet-a", 1, "2027-03-10T09:02:00+01:00", admit("T-1001", "poi-exit-main")),
            signal("tablet-a", 2, "2027-03-10T09:03:00+01:00", admit("T-1002", "poi-exit-main")),
            signal("tablet-a", 3, "2027-03-10T09:04:00+01:00", admit("T-404", "poi-exit-main")),
            signal("tablet-a", 4, "2027-03-10T09:04:00+01:00", admit("T-1001", "poi-exit-harbour")),
        ],
    )
    .await;
    assert!(
        matches!(&from_a[0], Outcome::Accepted { effects } if matches!(&effects[..], [Effect::Admitted { conflict: true, first_at: Some(_), .. }])),
        "{from_a:?}"
    );
    assert!(
        matches!(&from_a[1], Outcome::Accepted { effects } if matches!(&effects[..], [Effect::Admitted { conflict: false, .. }]))
    );
    assert!(
        matches!(&from_a[2], Outcome::Rejected { reason: Reason::UnknownTarget, message } if message.contains("ticket")),
        "a ticket this event never sold: {:?}",
        from_a[2]
    );
    assert!(
        matches!(&from_a[3], Outcome::Accepted { effects } if matches!(&effects[..], [Effect::Admitted { conflict: false, .. }])),
        "another door is another check-in"
    );
    // Typed at the door in lower case: the same ticket, so a conflict at the main entrance.
    let typed = decided(
        &s,
        &a,
        vec![signal(
            "tablet-a",
            6,
            "2027-03-10T09:10:00+01:00",
            Action::Admit { pass: Pass::Code("t-1002".into()), gate: Gate::Door("poi-exit-main".into()) },
        )],
    )
    .await;
    assert!(
        matches!(&typed[0], Outcome::Accepted { effects } if matches!(&effects[..], [Effect::Admitted { conflict: true, .. }])),
        "{typed:?}"
    );
    // At a session: the room's count (public, no one's details) goes up once per person.
    let at_keynote =
        |ticket: &str| Action::Admit { pass: Pass::Ticket(ticket.into()), gate: Gate::Session("s1-001".into()) };
    decided(&s, &a, vec![signal("tablet-a", 5, "2027-03-10T09:06:00+01:00", at_keynote("T-1001"))]).await;
    decided(&s, &b, vec![signal("tablet-b", 2, "2027-03-10T09:07:00+01:00", at_keynote("T-1001"))]).await;
    decided(&s, &b, vec![signal("tablet-b", 3, "2027-03-10T09:08:00+01:00", at_keynote("T-1002"))]).await;
    let agenda: ChangesPage = reqwest::get(format!("{}/v1/elements/agenda/changes?limit=1000", s.base))
        .await
        .expect("GET agenda")
        .json()
        .await
        .expect("a page");
    let counts: Vec<u32> = agenda
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::Upsert { entity: Entity::Occupancy(o) } if o.id == "s1-001" => Some(o.checked_in),
            _ => None,
        })
        .collect();
    assert_eq!(counts, [2], "two people in the keynote, one of them scanned twice");
    assert!(
        !serde_json::to_string(&agenda.changes).expect("json").contains("admission"),
        "check-ins stay in the staff feed"
    );
    // A resend is the same decision, not a third scan.
    let again =
        decided(&s, &a, vec![signal("tablet-a", 1, "2027-03-10T09:02:00+01:00", admit("T-1001", "poi-exit-main"))])
            .await;
    assert!(matches!(&again[0], Outcome::Duplicate { .. }));
    // Both tablets read the same feed: one person at the main entrance with two scans, A's first.
    for token in [&a, &b] {
        let (_, entities) = staff_feed(&s, Some(token)).await;
        let at_main: Vec<_> = entities
            .iter()
            .filter_map(|e| match e {
                Entity::Admission(x) if x.gate == Gate::Door("poi-exit-main".into()) => Some(x),
                _ => None,
            })
            .collect();
        assert_eq!(at_main.len(), 2, "two people came in at the main entrance: {at_main:?}");
        let twice = at_main.iter().find(|x| x.pass_hint == "…1001").expect("T-1001 at the main entrance");
        assert!(twice.is_conflict(), "let in by both tablets");
        let devices: Vec<&str> = twice.scans.iter().map(|s| s.device.as_str()).collect();
        assert_eq!(devices, ["tablet-a", "tablet-b"], "by the scans' own times");
        assert_eq!(twice.pass_hint, "…1001");
        assert!(
            !serde_json::to_string(&entities).expect("json").contains("T-1001"),
            "the feed holds no whole ticket code"
        );
    }
}

#[tokio::test]
async fn a_reward_code_is_given_once_and_a_made_up_one_is_refused() {
    let s = start().await;
    let desk = redeem(&s.store, "STAFF", "desk-1");
    let other_desk = redeem(&s.store, "STAFF", "desk-2");
    let quest = crate::common::demo().quests.into_iter().find(|q| q.id == "quest-explorer").expect("quest");
    // The attendee finds every checkpoint; the pin comes with a desk code.
    let scans: Vec<Signal> = quest
        .checkpoints
        .iter()
        .enumerate()
        .map(|(i, cp)| {
            let scan = Action::CheckpointScan { quest_id: quest.id.clone(), checkpoint_id: cp.id.clone(), proof: None };
            signal("phone", i as u64 + 1, "2027-03-10T09:30:00+01:00", scan)
        })
        .collect();
    let outcomes = decided(&s, &s.token, scans).await;
    let code = outcomes
        .iter()
        .flat_map(|o| match o {
            Outcome::Accepted { effects } => effects.clone(),
            _ => Vec::new(),
        })
        .find_map(|e| match e {
            Effect::RewardUnlocked { code, .. } => code,
            _ => None,
        })
        .expect("a reward with a desk code");
    // The desks know the code before anyone shows it (so they can check it offline).
    let (_, entities) = staff_feed(&s, Some(&desk)).await;
    assert!(entities
        .iter()
        .any(|e| matches!(e, Entity::RewardCode(c) if c.id == code && c.redeemed_at.is_none() && !c.name.is_empty())));
    let give = |device: &str, typed: &str| {
        signal(device, 1, "2027-03-10T11:00:00+01:00", Action::RedeemReward { code: typed.into() })
    };
    let given = decided(&s, &desk, vec![give("desk-1", &code.to_lowercase().replace('-', " "))]).await;
    assert!(
        matches!(&given[0], Outcome::Accepted { effects } if matches!(&effects[..], [Effect::RewardRedeemed { name, .. }] if !name.is_empty())),
        "{given:?}"
    );
    let used = decided(&s, &other_desk, vec![give("desk-2", &code)]).await;
    assert!(matches!(&used[0], Outcome::Rejected { reason: Reason::AlreadyDone, .. }), "{used:?}");
    let forged = decided(
        &s,
        &other_desk,
        vec![signal("desk-2", 2, "2027-03-10T11:00:00+01:00", Action::RedeemReward { code: "ZZZZ-ZZZZ".into() })],
    )
    .await;
    assert!(matches!(&forged[0], Outcome::Rejected { reason: Reason::UnknownTarget, .. }), "{forged:?}");
    let (_, entities) = staff_feed(&s, Some(&other_desk)).await;
    assert!(
        entities.iter().any(|e| matches!(e, Entity::RewardCode(c) if c.id == code && c.redeemed_at.is_some())),
        "given, for every desk"
    );
}

#[tokio::test]
async fn staff_open_close_and_reset_a_poll_and_put_one_question_on_the_screens() {
    use elements_protocol::staff::{PollCommand, QuestionCommand};
    let s = start().await;
    let staff = redeem(&s.store, "STAFF", "poll-desk");
    let at = "2027-03-10T09:30:00+01:00";
    let control = |seq: u64, poll: &str, command: PollCommand| {
        signal("poll-desk", seq, at, Action::ControlPoll { poll_id: poll.into(), command })
    };
    let voting = |s: &Server| {
        let url = format!("{}/v1/elements/voting/changes?limit=1000", s.base);
        async move { reqwest::get(url).await.expect("GET voting").json::<ChangesPage>().await.expect("page") }
    };
    // "The best talk" opens on the third day: staff open it now, and a vote counts at once.
    let opened = decided(&s, &staff, vec![control(1, "poll-best-talk", PollCommand::Open)]).await;
    assert!(matches!(&opened[0], Outcome::Accepted { .. }), "{opened:?}");
    let again = decided(&s, &staff, vec![control(2, "poll-best-talk", PollCommand::Open)]).await;
    assert!(matches!(&again[0], Outcome::Rejected { reason: Reason::AlreadyDone, .. }), "{again:?}");
    let vote = |seq: u64, option: &str| {
        signal("phone", seq, at, Action::Vote { poll_id: "poll-best-talk".into(), option_id: option.into() })
    };
    let counted = decided(&s, &s.token, vec![vote(1, "cloud")]).await;
    assert!(matches!(&counted[0], Outcome::Accepted { .. }), "the poll's new window holds: {counted:?}");
    // Reset (a rehearsal): the count goes back to zero and the same person may vote again,
    // even for the same option.
    decided(&s, &staff, vec![control(3, "poll-best-talk", PollCommand::Reset)]).await;
    let feed = voting(&s).await;
    let result = feed.changes.iter().find_map(|c| match c {
        Change::Upsert { entity: Entity::PollResult(r) } if r.id == "poll-best-talk" => Some(r.clone()),
        _ => None,
    });
    assert_eq!(result.map(|r| r.total), Some(0));
    let poll = feed.changes.iter().find_map(|c| match c {
        Change::Upsert { entity: Entity::Poll(p) } if p.id == "poll-best-talk" => Some(p.clone()),
        _ => None,
    });
    assert!(poll.is_some_and(|p| p.reset_at.is_some()), "devices learn of the reset from the poll");
    // (The backend's clock is pinned: the vote, the reset and the vote again are all at 09:30.)
    let voted_again = decided(&s, &s.token, vec![vote(2, "cloud")]).await;
    assert!(matches!(&voted_again[0], Outcome::Accepted { .. }), "{voted_again:?}");
    let total = voting(&s).await.changes.iter().find_map(|c| match c {
        Change::Upsert { entity: Entity::PollResult(r) } if r.id == "poll-best-talk" => Some(r.total),
        _ => None,
    });
    assert_eq!(total, Some(1), "counted once after the reset");
    decided(&s, &staff, vec![control(4, "poll-best-talk", PollCommand::Close)]).await;
    let closed = decided(&s, &s.token, vec![vote(3, "data")]).await;
    assert!(matches!(&closed[0], Outcome::Rejected { reason: Reason::PollClosed, .. }), "{closed:?}");

    // Q&A: two questions; staff put the second on the screens, then the first (one at a time),
    // and hide the second from everyone.
    let ask = |seq: u64, id: &str, text: &str| {
        signal(
            "phone",
            10 + seq,
            at,
            Action::Ask {
                poll_id: "poll-opening-qa".into(),
                question_id: id.into(),
                text: text.into(),
                anonymous: true,
            },
        )
    };
    decided(&s, &s.token, vec![ask(1, "q-1", "First question?"), ask(2, "q-2", "Second question?")]).await;
    let moderate = |seq: u64, id: &str, command: QuestionCommand| {
        signal("poll-desk", 10 + seq, at, Action::ModerateQuestion { question_id: id.into(), command })
    };
    decided(&s, &staff, vec![moderate(1, "q-2", QuestionCommand::Highlight)]).await;
    decided(&s, &staff, vec![moderate(2, "q-1", QuestionCommand::Highlight)]).await;
    let unknown = decided(&s, &staff, vec![moderate(3, "q-404", QuestionCommand::Approve)]).await;
    assert!(matches!(&unknown[0], Outcome::Rejected { reason: Reason::UnknownTarget, .. }));
    let questions = |page: &ChangesPage| -> Vec<(String, bool)> {
        page.changes
            .iter()
            .filter_map(|c| match c {
                Change::Upsert { entity: Entity::Question(q) } => Some((q.id.clone(), q.highlighted)),
                _ => None,
            })
            .collect()
    };
    let mut shown = questions(&voting(&s).await);
    shown.sort();
    assert_eq!(shown, [("q-1".to_string(), true), ("q-2".to_string(), false)], "one question on the screens");
    decided(&s, &staff, vec![moderate(4, "q-2", QuestionCommand::Hide)]).await;
    let page = voting(&s).await;
    assert_eq!(questions(&page), [("q-1".to_string(), true)]);
    assert!(
        page.changes.iter().any(|c| matches!(c, Change::Delete { id, .. } if id == "q-2")),
        "a tombstone for devices"
    );
    // An upvote of the hidden question does not bring it back.
    let up = signal("phone", 20, at, Action::Upvote { poll_id: "poll-opening-qa".into(), question_id: "q-2".into() });
    decided(&s, &s.token, vec![up]).await;
    assert_eq!(questions(&voting(&s).await), [("q-1".to_string(), true)]);
    // An attendee may do none of it.
    let resp = post(&s, &s.token, vec![control(1, "poll-opening", PollCommand::Close)]).await;
    assert_eq!(resp.status(), 403);
}

/// The live picture the staff feed carries equals a recount of what was sent, and the goals'
/// progress follows their measures; attendees and kiosks never get it.
#[tokio::test]
async fn the_live_picture_counts_what_attendees_did_and_measures_the_goals() {
    let s = start().await;
    let staff = redeem(&s.store, "STAFF", "organizer");
    let partner = [
        "poi-booth-northwind-rail",
        "poi-booth-quayside-labs",
        "poi-booth-blue-anchor-software",
        "poi-booth-elbwerk-digital",
    ];
    let mut visits_per_person = Vec::new();
    for i in 0..10u64 {
        let token = redeem(&s.store, "ATTEND", &format!("phone-{i}"));
        let booths = (i % 5) as usize; // 0..4 partner booths
        let mut actions: Vec<Action> =
            partner.iter().take(booths).map(|b| Action::BoothVisit { poi_id: (*b).into() }).collect();
        // A visit twice counts once (refused as already done).
        if booths > 0 {
            actions.push(Action::BoothVisit { poi_id: partner[0].into() });
        }
        if i % 2 == 0 {
            actions.push(Action::Vote { poll_id: "poll-opening".into(), option_id: "o2".into() });
        }
        let signals = actions
            .into_iter()
            .enumerate()
            .map(|(n, a)| signal(&format!("phone-{i}"), n as u64 + 1, "2027-03-10T09:30:00+01:00", a))
            .collect();
        decided(&s, &token, signals).await;
        visits_per_person.push(booths);
    }
    let picture = s.store.publish_live_picture(crate::common::during_event()).expect("the picture").expect("published");
    let Entity::LivePicture(p) = &picture else { panic!("{picture:?}") };
    // The recount, from what was sent.
    let attendees = 11; // the ten phones and the test's own attendee
    assert_eq!(p.attendees, attendees);
    assert_eq!(p.voters, 5);
    let visitors = |b: &str| p.booths.iter().find(|c| c.id == b).map_or(0, |c| c.count);
    assert_eq!(visitors(partner[0]), visits_per_person.iter().filter(|n| **n >= 1).count() as u32);
    assert_eq!(visitors(partner[3]), visits_per_person.iter().filter(|n| **n >= 4).count() as u32);
    let met = |goal: &str| p.goals.iter().find(|g| g.goal_id == goal).map(|g| g.met);
    assert_eq!(met("goal-partner-booths"), Some(visits_per_person.iter().filter(|n| **n >= 3).count() as u32));
    assert_eq!(met("goal-vote-once"), Some(5));
    assert_eq!(p.polls.iter().find(|c| c.id == "poll-opening").map(|c| c.count), Some(5));
    assert!(p.rooms.iter().any(|r| r.session_id == "s1-001" && r.capacity == Some(1200)), "the keynote runs at 09:30");
    // In the staff feed, for staff only.
    let (_, entities) = staff_feed(&s, Some(&staff)).await;
    assert!(entities.iter().any(|e| matches!(e, Entity::LivePicture(x) if x.revision == p.revision)));
    assert_eq!(staff_feed(&s, Some(&s.token)).await.0, 403);
}

/// An exhibitor's leads reach that exhibitor only (every device of its code), with what the
/// visitor shows contacts; the latest rating and note count; forgetting removes them.
#[tokio::test]
async fn an_exhibitor_sees_only_their_own_leads() {
    let s = start().await;
    s.store.add_code("EXH-NORTHWIND", Role::Exhibitor, true).expect("exhibitor code");
    s.store.add_code("EXH-QUAYSIDE", Role::Exhibitor, true).expect("exhibitor code");
    let northwind = redeem(&s.store, "EXH-NORTHWIND", "booth-tablet");
    let northwind_phone = redeem(&s.store, "EXH-NORTHWIND", "booth-phone");
    let quayside = redeem(&s.store, "EXH-QUAYSIDE", "booth-tablet");
    let visitor = match s
        .store
        .redeem(&elements_protocol::auth::RedeemRequest {
            code: "ATTEND".into(),
            client_id: "visitor-phone".into(),
            display_name: Some("Aigerim".into()),
            show_name: false,
        })
        .expect("redeem")
    {
        elements_backend::store::Redeemed::Token(t) => t,
        other => panic!("{other:?}"),
    };
    let badge = visitor.badge.clone().expect("a badge");
    let lead = |seq: u64, rating: u32, note: &str| {
        signal(
            "booth-tablet",
            seq,
            "2027-03-10T10:00:00+01:00",
            Action::CaptureLead { badge: badge.to_lowercase(), rating, note: note.into() },
        )
    };
    let first = decided(&s, &northwind, vec![lead(1, 3, "asked about rail sensors")]).await;
    assert!(
        matches!(&first[0], Outcome::Accepted { effects } if matches!(&effects[..], [Effect::LeadCaptured { profile_id }] if Some(profile_id) == visitor.profile_id.as_ref())),
        "{first:?}"
    );
    decided(&s, &northwind, vec![lead(2, 5, "wants a demo on Friday")]).await;
    let unknown = decided(
        &s,
        &northwind,
        vec![signal(
            "booth-tablet",
            3,
            "2027-03-10T10:00:00+01:00",
            Action::CaptureLead { badge: "ZZZZ-ZZZZ".into(), rating: 1, note: String::new() },
        )],
    )
    .await;
    assert!(matches!(&unknown[0], Outcome::Rejected { reason: Reason::UnknownTarget, .. }), "{unknown:?}");
    let leads_of = |changes: &[Change]| -> Vec<elements_protocol::staff::Lead> {
        changes
            .iter()
            .filter_map(|c| match c {
                Change::Upsert { entity: Entity::Lead(l) } => Some(l.clone()),
                _ => None,
            })
            .collect()
    };
    for token in [&northwind, &northwind_phone] {
        let leads = leads_of(&people_feed(&s, token).await);
        assert_eq!(leads.len(), 1, "one lead however often scanned: {leads:?}");
        assert_eq!((leads[0].rating, leads[0].note.as_str()), (5, "wants a demo on Friday"));
        assert_eq!(leads[0].profile.name, "Aigerim");
    }
    assert!(leads_of(&people_feed(&s, &quayside).await).is_empty(), "another exhibitor sees none of it");
    assert!(leads_of(&people_feed(&s, &visitor.token).await).is_empty(), "nor does the visitor");
    // The visitor forgets their data: the exhibitor's lead goes too.
    decided(&s, &visitor.token, vec![signal("visitor-phone", 1, "2027-03-10T11:00:00+01:00", Action::ForgetMe {})])
        .await;
    let after = people_feed(&s, &northwind).await;
    assert!(leads_of(&after).is_empty());
    assert!(after.iter().any(|c| matches!(c, Change::Delete { kind: elements_protocol::sync::EntityKind::Lead, .. })));
    // An attendee may capture no leads.
    let resp = post(&s, &s.token, vec![lead(9, 1, "")]).await;
    assert_eq!(resp.status(), 403);
}

/// A printed badge (its QR is the ticket's join link, or its signed code) is a lead even when
/// the visitor has no app: the exhibitor gets what the badge prints (the roster's name and
/// company) and nothing more; a forged signature is refused; a visitor who joined with the
/// ticket is their app profile.
#[tokio::test]
async fn a_printed_badge_is_a_lead_for_a_visitor_without_the_app() {
    use elements_import::roster::{read_roster, RosterOptions};
    let s = start().await;
    let export = std::fs::read(format!(
        "{}/../import/tests/fixtures/roster/pretix-order-positions.csv",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture");
    let roster = read_roster(&export, &RosterOptions::default()).expect("roster");
    s.store.apply_roster(&roster, true, crate::common::during_event()).expect("import");
    let tickets = s.store.roster().expect("roster");
    let code_of = |key: &str| tickets.iter().find(|t| t.key == key).expect(key).ticket.code.clone();
    let (aigerim, bolat) = (code_of("pretix:KX7QP-1"), code_of("pretix:KX7QP-2"));
    s.store.add_code("EXH-NORTHWIND", Role::Exhibitor, true).expect("exhibitor code");
    let booth = redeem(&s.store, "EXH-NORTHWIND", "booth-tablet");
    let lead = |seq: u64, badge: String| {
        signal(
            "booth-tablet",
            seq,
            "2027-03-10T10:00:00+01:00",
            Action::CaptureLead { badge, rating: 4, note: String::new() },
        )
    };
    let first = decided(&s, &booth, vec![lead(1, aigerim.clone())]).await;
    assert!(matches!(&first[0], Outcome::Accepted { .. }), "{first:?}");
    let mut forged = aigerim.clone();
    let last = forged.pop().expect("a signature");
    forged.push(if last == '0' { '1' } else { '0' });
    let refused = decided(&s, &booth, vec![lead(2, forged)]).await;
    assert!(
        matches!(&refused[0], Outcome::Rejected { reason: Reason::UnknownTarget, message } if message.contains("forged")),
        "{refused:?}"
    );
    // Bolat joined with his ticket and published a profile: the lead is that profile.
    let bolat_token = redeem(&s.store, &bolat, "bolat-phone");
    let profile = elements_protocol::people::MyProfile { name: "Bolat N.".into(), ..Default::default() };
    decided(
        &s,
        &bolat_token,
        vec![signal("bolat-phone", 1, "2027-03-10T09:00:00+01:00", Action::PublishProfile { profile })],
    )
    .await;
    decided(&s, &booth, vec![lead(3, bolat.clone())]).await;
    let leads: Vec<elements_protocol::staff::Lead> = people_feed(&s, &booth)
        .await
        .into_iter()
        .filter_map(|c| match c {
            Change::Upsert { entity: Entity::Lead(l) } => Some(l),
            _ => None,
        })
        .collect();
    assert_eq!(leads.len(), 2, "{leads:?}");
    let no_app = leads.iter().find(|l| l.id.starts_with("ticket:")).expect("the visitor without the app");
    assert_eq!(no_app.profile.name, "Айгерим Садыкова");
    assert_eq!(no_app.profile.organization.as_deref(), Some("Kaspi Lab"));
    assert!(no_app.profile.links.is_empty() && no_app.profile.interests.is_empty());
    assert_eq!(no_app.rating, 4);
    let joined = leads.iter().find(|l| !l.id.starts_with("ticket:")).expect("the visitor with the app");
    assert_eq!(joined.profile.name, "Bolat N.");
}

/// Polls on the spot against the backend alone: a moderator's `put_poll` makes a draft (in the
/// voting feed, refused to answers) and the live stream says `poll` at once; rewording keeps the
/// backend's window; opening gives the draft the length it was made with; after the first
/// answer the backend refuses rewording even from a device that could not know; a broken poll
/// is refused naming every problem; an attendee may not make polls.
#[tokio::test]
async fn a_moderator_makes_a_poll_on_the_spot() {
    use elements_protocol::event::{Poll, PollKind, PollOption};
    use elements_protocol::staff::PollCommand;
    let s = start().await;
    s.store.add_code("MOD", Role::Moderator, true).expect("moderator code");
    let moderator = redeem(&s.store, "MOD", "stage-tablet");
    let at = "2027-03-10T09:30:00+01:00";
    let poll = |question: &str| Poll {
        id: "spot-1".into(),
        question: question.into(),
        session_id: None,
        options: vec![
            PollOption { id: "o1".into(), label: "Yes".into() },
            PollOption { id: "o2".into(), label: "No".into() },
        ],
        opens_at: at.parse().expect("time"),
        closes_at: "2027-03-10T09:40:00+01:00".parse().expect("time"),
        requires_ticket: false,
        kind: PollKind::SingleChoice,
        max_choices: None,
        scale: None,
        correct_option_id: None,
        hide_results: false,
        timer_seconds: None,
        draft: false,
        reset_at: None,
    };
    let mut live =
        reqwest::Client::new().get(format!("{}/v1/live", s.base)).bearer_auth(&s.token).send().await.expect("live");
    let mut heard = String::new();
    let made =
        decided(&s, &moderator, vec![signal("stage-tablet", 1, at, Action::PutPoll { poll: poll("Coffee now?") })])
            .await;
    assert!(
        matches!(&made[0], Outcome::Accepted { effects } if matches!(&effects[..], [Effect::PollPut { created: true, .. }])),
        "{made:?}"
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !heard.contains("event: poll\n") {
        assert!(std::time::Instant::now() < deadline, "the live stream said nothing of the poll: {heard}");
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(10), live.chunk()).await.expect("in time");
        heard.push_str(&String::from_utf8_lossy(&chunk.expect("chunk").expect("open")));
    }
    let feed = |s: &Server| {
        let (base, token) = (s.base.clone(), s.token.clone());
        async move {
            let page: ChangesPage = reqwest::Client::new()
                .get(format!("{base}/v1/elements/voting/changes"))
                .bearer_auth(token)
                .send()
                .await
                .expect("feed")
                .json()
                .await
                .expect("page");
            page.changes
                .into_iter()
                .find_map(|c| match c {
                    Change::Upsert { entity: Entity::Poll(p) } if p.id == "spot-1" => Some(p),
                    _ => None,
                })
                .expect("the poll in the voting feed")
        }
    };
    assert!(feed(&s).await.draft, "a draft");
    let vote = |seq| signal("phone", seq, at, Action::Vote { poll_id: "spot-1".into(), option_id: "o1".into() });
    let early = decided(&s, &s.token, vec![vote(1)]).await;
    assert!(matches!(&early[0], Outcome::Rejected { reason: Reason::PollNotOpen, .. }), "{early:?}");
    let reworded = decided(
        &s,
        &moderator,
        vec![signal("stage-tablet", 2, at, Action::PutPoll { poll: poll("Coffee break now?") })],
    )
    .await;
    assert!(
        matches!(&reworded[0], Outcome::Accepted { effects } if matches!(&effects[..], [Effect::PollPut { created: false, .. }])),
        "{reworded:?}"
    );
    let opened = decided(
        &s,
        &moderator,
        vec![signal(
            "stage-tablet",
            3,
            at,
            Action::ControlPoll { poll_id: "spot-1".into(), command: PollCommand::Open },
        )],
    )
    .await;
    assert!(matches!(&opened[0], Outcome::Accepted { .. }), "{opened:?}");
    let open = feed(&s).await;
    assert!(!open.draft && open.question == "Coffee break now?");
    assert_eq!(open.closes_at - open.opens_at, chrono::Duration::minutes(10), "the length it was made with");
    let answered = decided(&s, &s.token, vec![vote(2)]).await;
    assert!(matches!(&answered[0], Outcome::Accepted { .. }), "{answered:?}");
    let late =
        decided(&s, &moderator, vec![signal("stage-tablet", 4, at, Action::PutPoll { poll: poll("Tea instead?") })])
            .await;
    assert!(matches!(&late[0], Outcome::Rejected { reason: Reason::AlreadyDone, .. }), "{late:?}");
    let mut broken = poll("");
    broken.id = "spot-2".into();
    broken.kind = PollKind::Quiz;
    broken.options.truncate(1);
    let refused = decided(&s, &moderator, vec![signal("stage-tablet", 5, at, Action::PutPoll { poll: broken })]).await;
    let Outcome::Rejected { reason: Reason::Malformed, message } = &refused[0] else { panic!("{refused:?}") };
    assert!(
        message.contains("two options") && message.contains("correct_option_id") && message.contains("question"),
        "{message}"
    );
    let resp = post(&s, &s.token, vec![signal("phone", 9, at, Action::PutPoll { poll: poll("Mine?") })]).await;
    assert_eq!(resp.status(), 403, "attendees make no polls");
}

/// Goals of more shapes, measured live: check-ins to workshops only, a share of one ticket
/// type's holders (the roster's), booth visits within a lunch window only.
#[tokio::test]
async fn goals_of_more_shapes_count_a_session_kind_a_ticket_type_and_a_time_window() {
    use elements_import::roster::{read_roster, RosterOptions};
    use elements_protocol::event::{Goal, GoalMeasure, GoalWindow, SessionKind};
    use elements_protocol::scenario::SignalKind;
    let mut event = crate::common::demo();
    let workshop = event.sessions.iter().find(|x| x.kind == SessionKind::Workshop).expect("a workshop").id.clone();
    let talk = event.sessions.iter().find(|x| x.kind == SessionKind::Talk).expect("a talk").id.clone();
    let measure = |signal| GoalMeasure {
        signal,
        at_least: 1,
        among: Vec::new(),
        session_kind: None,
        ticket_type: None,
        within: None,
    };
    event.manifest.goals = vec![
        Goal {
            id: "workshops".into(),
            name: "Everyone at a workshop".into(),
            measure: GoalMeasure { session_kind: Some(SessionKind::Workshop), ..measure(SignalKind::CheckIn) },
            target_percent: 50,
        },
        Goal {
            id: "early-birds-vote".into(),
            name: "Early birds vote".into(),
            measure: GoalMeasure {
                ticket_type: Some("Conference ticket – Early bird".into()),
                ..measure(SignalKind::Vote)
            },
            target_percent: 50,
        },
        Goal {
            id: "lunch-booths".into(),
            name: "Booths at lunch".into(),
            measure: GoalMeasure {
                within: Some(GoalWindow {
                    from: "2027-03-10T12:00:00+01:00".parse().expect("t"),
                    to: "2027-03-10T13:00:00+01:00".parse().expect("t"),
                }),
                ..measure(SignalKind::BoothVisit)
            },
            target_percent: 10,
        },
    ];
    let s = crate::common::start_configured(
        elements_backend::server::Limits::default(),
        elements_backend::http::Config { clock: Some(crate::common::during_event()), ..Default::default() },
        &event,
    )
    .await;
    let export = std::fs::read(format!(
        "{}/../import/tests/fixtures/roster/pretix-order-positions.csv",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture");
    s.store
        .apply_roster(
            &read_roster(&export, &RosterOptions::default()).expect("roster"),
            true,
            crate::common::during_event(),
        )
        .expect("roster");
    let tickets = s.store.roster().expect("roster");
    let code = |key: &str| tickets.iter().find(|t| t.key == key).expect(key).ticket.code.clone();
    // Aigerim (early bird) votes and visits a booth at 12:30; Bolat (early bird) checks in to a
    // workshop; Dana (workshop day) votes, visits a booth at 11:00 and checks in to a talk.
    let aigerim = redeem(&s.store, &code("pretix:KX7QP-1"), "aigerim");
    let bolat = redeem(&s.store, &code("pretix:KX7QP-2"), "bolat");
    let dana = redeem(&s.store, &code("pretix:M2RN9-1"), "dana");
    let vote = Action::Vote { poll_id: "poll-opening".into(), option_id: "o1".into() };
    let booth = Action::BoothVisit { poi_id: "poi-booth-quayside-labs".into() };
    decided(&s, &aigerim, vec![signal("aigerim", 1, "2027-03-10T09:30:00+01:00", vote.clone())]).await;
    decided(&s, &aigerim, vec![signal("aigerim", 2, "2027-03-10T12:30:00+01:00", booth.clone())]).await;
    decided(
        &s,
        &bolat,
        vec![signal("bolat", 1, "2027-03-10T09:30:00+01:00", Action::CheckIn { session_id: workshop })],
    )
    .await;
    decided(&s, &dana, vec![signal("dana", 1, "2027-03-10T09:30:00+01:00", vote)]).await;
    decided(&s, &dana, vec![signal("dana", 2, "2027-03-10T11:00:00+01:00", booth)]).await;
    decided(&s, &dana, vec![signal("dana", 3, "2027-03-10T09:30:00+01:00", Action::CheckIn { session_id: talk })])
        .await;
    let Entity::LivePicture(p) =
        s.store.publish_live_picture(crate::common::during_event()).expect("picture").expect("published")
    else {
        panic!("a live picture")
    };
    let goal = |id: &str| p.goals.iter().find(|g| g.goal_id == id).expect(id).clone();
    assert_eq!((goal("workshops").met, goal("workshops").of), (1, None), "Bolat's workshop, not Dana's talk");
    assert_eq!(
        (goal("early-birds-vote").met, goal("early-birds-vote").of),
        (1, Some(2)),
        "one of the two early birds voted (Dana's vote is another ticket type)"
    );
    assert_eq!(goal("lunch-booths").met, 1, "Aigerim's visit at 12:30, not Dana's at 11:00");
}

/// Announcements: to everyone in the public feed; to one room's audience and to a scenario tag
/// only in those participants' own feeds (and live stream), no one else's.
#[tokio::test]
async fn an_announcement_reaches_everyone_one_rooms_audience_or_a_tag() {
    use elements_protocol::live::Audience;
    let s = start().await;
    let staff = redeem(&s.store, "STAFF", "organizer");
    let in_keynote = redeem(&s.store, "ATTEND", "in-keynote");
    let at_booths = redeem(&s.store, "ATTEND", "at-booths");
    let elsewhere = redeem(&s.store, "ATTEND", "elsewhere");
    let at = "2027-03-10T09:30:00+01:00";
    decided(&s, &in_keynote, vec![signal("in-keynote", 1, at, Action::CheckIn { session_id: "s1-001".into() })]).await;
    // Three booths: the demo's booth trail tags them "expo-explorer".
    let booths = ["poi-booth-northwind-rail", "poi-booth-quayside-labs", "poi-booth-blue-anchor-software"];
    let visits = booths
        .iter()
        .enumerate()
        .map(|(i, b)| signal("at-booths", i as u64 + 1, at, Action::BoothVisit { poi_id: (*b).into() }))
        .collect();
    let outcomes = decided(&s, &at_booths, visits).await;
    assert!(format!("{outcomes:?}").contains("expo-explorer"), "{outcomes:?}");
    let announce = |seq: u64, id: &str, text: &str, audience: Audience| {
        signal("organizer", seq, at, Action::Announce { announcement_id: id.into(), text: text.into(), audience })
    };
    let sent = decided(
        &s,
        &staff,
        vec![
            announce(1, "a-all", "Doors close at 18:00", Audience::Everyone),
            announce(2, "a-room", "The keynote runs 10 minutes late", Audience::Room { room_id: "main-hall".into() }),
            announce(3, "a-tag", "Explorers: your coffee is ready", Audience::Tag { tag: "expo-explorer".into() }),
            announce(4, "a-nowhere", "?", Audience::Room { room_id: "the-roof".into() }),
            announce(5, "a-empty", "   ", Audience::Everyone),
        ],
    )
    .await;
    assert!(sent[..3].iter().all(|o| matches!(o, Outcome::Accepted { .. })), "{sent:?}");
    assert!(matches!(&sent[3], Outcome::Rejected { reason: Reason::UnknownTarget, .. }));
    assert!(matches!(&sent[4], Outcome::Rejected { reason: Reason::Malformed, .. }));
    let agenda: ChangesPage = reqwest::get(format!("{}/v1/elements/agenda/changes?limit=1000", s.base))
        .await
        .expect("GET")
        .json()
        .await
        .expect("page");
    let public: Vec<String> = agenda
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::Upsert { entity: Entity::Announcement(a) } => Some(a.id.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(public, ["a-all"], "only the announcement to everyone is public");
    let notices = |token: &str| {
        let (s, token) = (&s, token.to_string());
        async move {
            people_feed(s, &token)
                .await
                .into_iter()
                .filter_map(|c| match c {
                    Change::Upsert { entity: Entity::Notice(a) } => Some(a.id),
                    _ => None,
                })
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(notices(&in_keynote).await, ["a-room"]);
    assert_eq!(notices(&at_booths).await, ["a-tag"]);
    assert!(notices(&elsewhere).await.is_empty());
    // Only staff may announce.
    let resp = post(&s, &s.token, vec![announce(9, "a-x", "hi", Audience::Everyone)]).await;
    assert_eq!(resp.status(), 403);
}

/// Server-sent events read until one whose data holds `marker` (bounded: 10 s), as
/// (event name, data) pairs, the marker's included.
async fn events_until(resp: &mut reqwest::Response, buffer: &mut String, marker: &str) -> Vec<(String, String)> {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut seen = Vec::new();
    loop {
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let (mut name, mut data) = (String::from("message"), String::new());
            for line in block.lines() {
                if let Some(n) = line.strip_prefix("event:") {
                    name = n.trim().to_string();
                } else if let Some(d) = line.strip_prefix("data:") {
                    data.push_str(d.trim_start());
                }
            }
            let done = data.contains(marker);
            seen.push((name, data));
            if done {
                return seen;
            }
        }
        let chunk = tokio::time::timeout_at(deadline, resp.chunk()).await.expect("an event within 10 s");
        let bytes = chunk.expect("stream read").expect("stream still open");
        buffer.push_str(&String::from_utf8_lossy(&bytes));
    }
}

/// The live stream holds no item for a listener it is not for: a notice to one room reaches
/// that room's people only, the live picture staff only; kiosks and others get neither.
#[tokio::test]
async fn the_live_stream_gives_each_listener_only_what_is_for_them() {
    use elements_protocol::live::Audience;
    let s = start().await;
    let staff = redeem(&s.store, "STAFF", "organizer");
    let kiosk = redeem(&s.store, "KIOSK", "screen");
    let in_keynote = redeem(&s.store, "ATTEND", "in-keynote");
    let elsewhere = redeem(&s.store, "ATTEND", "elsewhere");
    let at = "2027-03-10T09:30:00+01:00";
    decided(&s, &in_keynote, vec![signal("in-keynote", 1, at, Action::CheckIn { session_id: "s1-001".into() })]).await;
    let listen = |token: &str| {
        let url = format!("{}/v1/live", s.base);
        let token = token.to_string();
        async move {
            let resp = reqwest::Client::new().get(url).bearer_auth(token).send().await.expect("GET /v1/live");
            assert_eq!(resp.status(), 200);
            resp
        }
    };
    let mut streams = Vec::new();
    for token in [&staff, &kiosk, &in_keynote, &elsewhere] {
        let mut resp = listen(token).await;
        let mut buffer = String::new();
        events_until(&mut resp, &mut buffer, "protocol_version").await;
        streams.push((resp, buffer));
    }
    let announce = |seq: u64, id: &str, audience: Audience| {
        signal(
            "organizer",
            seq,
            at,
            Action::Announce { announcement_id: id.into(), text: format!("text of {id}"), audience },
        )
    };
    decided(&s, &staff, vec![announce(1, "a-room", Audience::Room { room_id: "main-hall".into() })]).await;
    // The picture follows within the backend's interval; staff hear it first.
    let (resp, buffer) = &mut streams[0];
    events_until(resp, buffer, "\"attendees\"").await;
    decided(&s, &staff, vec![announce(2, "a-all", Audience::Everyone)]).await;
    let mut heard = Vec::new();
    for (resp, buffer) in &mut streams {
        heard.push(events_until(resp, buffer, "a-all").await);
    }
    let names = |events: &[(String, String)]| events.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert!(names(&heard[1]).iter().all(|n| n != "notice" && n != "live_picture"), "kiosk: {:?}", names(&heard[1]));
    assert!(heard[2].iter().any(|(n, d)| n == "notice" && d.contains("a-room")), "in the room: {:?}", names(&heard[2]));
    assert!(names(&heard[2]).iter().all(|n| n != "live_picture"));
    assert!(names(&heard[3]).iter().all(|n| n != "notice" && n != "live_picture"), "elsewhere: {:?}", names(&heard[3]));
    for events in &heard[1..] {
        assert_eq!(events.last().map(|(n, _)| n.as_str()), Some("announcement"), "everyone hears the public one");
    }
}
