//! Quests through the app's API: checkpoint codes checked on the device (offline, the bundled
//! demo signs its codes with a published key), scenario cards that survive restarts, hidden
//! quests revealed, and time triggers that fire once per participant across restarts and
//! devices, with the reference backend as the authority.

use std::time::Duration;

use crate::common::eventually;
use crate::common::proxy::Proxy;
use crate::common::{served_event, start_backend_with, TICKET};
use elements_backend::http::Config;
use elements_client::api::{AppApi, Clock};
use elements_client::bundled::DEMO_QR_SECRET_HEX;
use elements_client::cache::{Cache, Decision};
use elements_client::sync::EngineConfig;
use elements_protocol::app::{CardArgs, CheckpointArgs, ErrorCode, JoinArgs, QuestsView, SessionDetailArgs};
use elements_protocol::link::Link;
use elements_protocol::scenario::{Consequence, Scenario, Trigger};
use elements_protocol::signal::{checkpoint_message, Action, Reason};

fn t(s: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(s).expect("time").to_utc()
}

fn app(dir: &tempfile::TempDir, now: chrono::DateTime<chrono::Utc>) -> AppApi {
    let (api, _) = AppApi::start(dir.path(), Clock::Fixed(now), &mut |_| {}).expect("start");
    api.with_sync_config(EngineConfig {
        interval: Duration::from_millis(100),
        timeout: Duration::from_secs(2),
        backoff_base: Duration::from_millis(20),
        backoff_max: Duration::from_millis(200),
        ..EngineConfig::default()
    })
}

/// The code printed at a demo checkpoint, signed with the demo's published key.
fn demo_code(event: &str, quest: &str, checkpoint: &str) -> String {
    let secret = elements_domain::qr::secret_from_hex(DEMO_QR_SECRET_HEX).expect("demo secret");
    let sig = elements_domain::qr::sign(&secret, &checkpoint_message(event, quest, checkpoint));
    Link::Checkpoint { event: event.into(), quest: quest.into(), checkpoint: checkpoint.into(), sig }.to_string()
}

fn scan(api: &AppApi, code: String) -> Result<QuestsView, elements_protocol::app::ApiError> {
    api.scan_checkpoint(CheckpointArgs { code })
}

fn quest<'a>(v: &'a QuestsView, id: &str) -> Option<&'a elements_protocol::app::QuestView> {
    v.quests.iter().find(|q| q.id == id)
}

const DEMO: &str = "2027-03-10T10:00:00+01:00";

#[test]
fn a_forged_or_edited_checkpoint_code_is_refused_on_the_spot_offline_and_a_signed_one_counts() {
    let dir = tempfile::tempdir().expect("dir");
    let api = app(&dir, t(DEMO));
    let event = api.event_overview().expect("overview").event_id;
    let good = demo_code(&event, "quest-explorer", "cp-explorer-1");

    let refused = |code: String| {
        let e = scan(&api, code.clone()).expect_err(&code);
        (e.code, e.reason, e.message)
    };
    // The signature of checkpoint 1, with the checkpoint edited to 2.
    let edited = good.replace("checkpoint=cp-explorer-1", "checkpoint=cp-explorer-2");
    assert_ne!(edited, good);
    let (code, reason, message) = refused(edited);
    assert_eq!((code, reason), (ErrorCode::Refused, Some(Reason::BadSignature)));
    assert!(message.contains("Terrace Café") && message.contains("not signed by the event"), "{message}");
    // A made-up signature.
    let forged = demo_code(&event, "quest-explorer", "cp-explorer-1")
        .split("&sig=")
        .next()
        .map(|head| format!("{head}&sig={}", "ab".repeat(64)))
        .expect("link");
    assert_eq!(refused(forged).1, Some(Reason::BadSignature));
    // Another event's code, and things that are not checkpoint codes at all.
    assert_eq!(refused(demo_code("another-event", "quest-explorer", "cp-explorer-1")).1, Some(Reason::BadSignature));
    assert_eq!(refused("hello".into()).0, ErrorCode::InvalidArgument);
    assert_eq!(refused("elements://join?url=http%3A%2F%2F127.0.0.1%3A1".into()).0, ErrorCode::InvalidArgument);
    let before = api.quests().expect("quests");
    assert_eq!(quest(&before, "quest-explorer").map(|q| q.points), Some(0), "refusals count nothing");

    let after = scan(&api, good.clone()).expect("the signed code counts");
    let explorer = quest(&after, "quest-explorer").expect("explorer");
    assert_eq!(explorer.points, 15);
    assert!(explorer.checkpoints.iter().any(|c| c.id == "cp-explorer-1" && c.done));
    let again = scan(&api, good).expect_err("twice");
    assert_eq!(again.reason, Some(Reason::AlreadyDone));

    // After a restart: still found, still 15 (and nothing was sent: the demo has no backend).
    drop(api);
    let api = app(&dir, t(DEMO));
    let v = api.quests().expect("quests");
    assert_eq!(quest(&v, "quest-explorer").map(|q| q.points), Some(15));
    assert_eq!(v.offline_reason, Some(elements_protocol::app::OfflineReason::DemoEvent));
}

#[test]
fn a_reward_reveals_the_hidden_quest_and_its_card_survives_a_restart_until_dismissed() {
    let dir = tempfile::tempdir().expect("dir");
    let api = app(&dir, t(DEMO));
    let event = api.event_overview().expect("overview").event_id;
    let start = api.quests().expect("quests");
    assert!(quest(&start, "quest-networking").is_none(), "hidden until revealed");
    assert!(start.cards.is_empty());
    for cp in ["cp-trail-1", "cp-trail-2", "cp-trail-3"] {
        scan(&api, demo_code(&event, "quest-harbour-trail", cp)).expect(cp);
    }
    let v = api.quests().expect("quests");
    let trail = quest(&v, "quest-harbour-trail").expect("trail");
    assert_eq!(trail.points, 30);
    let tote = trail.rewards.iter().find(|r| r.id == "rw-tote").expect("tote");
    assert!(tote.unlocked && tote.code.is_none(), "unlocked; the desk code comes from a backend: {tote:?}");
    let networking = quest(&v, "quest-networking").expect("revealed by the tote bag");
    assert!(networking.revealed);
    assert_eq!(v.cards.len(), 1, "{:?}", v.cards);
    let card = v.cards[0].clone();
    assert_eq!(card.text.get("ru").map(String::as_str), Some("Появился новый квест: «Рукопожатия в гавани»."));

    drop(api);
    let api = app(&dir, t(DEMO));
    let v = api.quests().expect("quests");
    assert_eq!(v.cards, vec![card.clone()], "the card is still there after a restart");
    assert!(quest(&v, "quest-networking").is_some(), "and the quest stays revealed");
    let v = api.dismiss_card(CardArgs { id: card.id.clone() }).expect("dismiss");
    assert!(v.cards.is_empty());
    assert_eq!(api.dismiss_card(CardArgs { id: String::new() }).expect_err("empty").code, ErrorCode::InvalidArgument);

    drop(api);
    let api = app(&dir, t(DEMO));
    assert!(api.quests().expect("quests").cards.is_empty(), "dismissed stays dismissed");
}

/// "When a session you attended ends: 5 points and a thank-you." Two offline devices of one
/// participant (one ticket) both check in and both see the session end; one device restarts
/// twice. After sync the backend counted the points once, and the second device's card, which
/// the backend did not confirm, is gone from it.
#[test]
fn a_time_trigger_fires_once_across_restarts_and_across_two_devices_of_one_participant() {
    let mut served = served_event();
    let session = served
        .sessions
        .iter()
        .find(|s| s.kind == elements_protocol::event::SessionKind::Talk)
        .cloned()
        .expect("a talk");
    served.scenarios.push(Scenario {
        id: "thanks-for-coming".into(),
        name: "Thanks for coming".into(),
        when: Trigger::SessionEnded { track_id: None, session_id: None },
        conditions: Vec::new(),
        then: vec![
            Consequence::Points { quest_id: "quest-explorer".into(), points: 5 },
            Consequence::Message {
                id: "thanks".into(),
                text: [("en".to_string(), "Thanks for coming!".to_string())].into(),
                link: Some(format!("session:{}", session.id)),
            },
        ],
        once: false,
        cooldown_seconds: None,
    });
    let during = session.starts_at.to_utc() + chrono::Duration::minutes(5);
    let after = session.ends_at.to_utc() + chrono::Duration::minutes(5);
    let backend =
        start_backend_with(&served, Config { clock: Some(after + chrono::Duration::hours(1)), ..Default::default() });
    let proxy = Proxy::start(&backend.url, 7, 0);
    let (dir_a, dir_b) = (tempfile::tempdir().expect("a"), tempfile::tempdir().expect("b"));
    for dir in [&dir_a, &dir_b] {
        let api = app(dir, during);
        api.join_event(JoinArgs { url: proxy.url.clone(), code: Some(TICKET.into()) }).expect("join");
    }
    proxy.set_offline(true);
    let outbox = |dir: &tempfile::TempDir| {
        Cache::open(&dir.path().join("cache.sqlite3"))
            .expect("cache")
            .cache
            .outbox(&served.manifest.id)
            .expect("outbox")
    };
    for dir in [&dir_a, &dir_b] {
        let api = app(dir, during);
        let detail = api.check_in(SessionDetailArgs { id: session.id.clone() }).expect("check in");
        assert!(detail.checked_in && !detail.can_check_in);
        assert_eq!(api.tick_scenarios().expect("tick"), Some(session.ends_at.to_utc()), "due when the talk ends");
    }

    // Device A, after the talk: the trigger fires (a `time_passed` signal with its effects).
    let api = app(&dir_a, after);
    api.tick_scenarios().expect("tick");
    let thanked =
        |v: &QuestsView| v.cards.iter().filter(|c| c.text.get("en").is_some_and(|t| t.contains("Thanks"))).count();
    let v = api.quests().expect("quests");
    assert_eq!((quest(&v, "quest-explorer").map(|q| q.points), thanked(&v)), (Some(5), 1));
    let signals = outbox(&dir_a).len();
    drop(api);
    // Restarted, twice: nothing fires again.
    for minutes in [1, 30] {
        let api = app(&dir_a, after + chrono::Duration::minutes(minutes));
        api.tick_scenarios().expect("tick");
        let v = api.quests().expect("quests");
        assert_eq!((quest(&v, "quest-explorer").map(|q| q.points), thanked(&v)), (Some(5), 1), "+{minutes} min");
        assert_eq!(outbox(&dir_a).len(), signals, "no new signal after a restart");
    }
    // Device B fires it too, offline: it cannot know A did.
    let api_b = app(&dir_b, after);
    api_b.tick_scenarios().expect("tick");
    assert_eq!(thanked(&api_b.quests().expect("quests")), 1);

    proxy.set_offline(false);
    let api_a = app(&dir_a, after + chrono::Duration::minutes(31));
    api_a.sync_now().expect("sync a");
    api_b.sync_now().expect("sync b");
    let decided = |dir: &tempfile::TempDir| outbox(dir).iter().all(|e| e.decision != Decision::Pending);
    eventually("both devices' signals decided", || (decided(&dir_a) && decided(&dir_b)).then_some(()));
    let time_passed = |dir: &tempfile::TempDir| {
        outbox(dir)
            .into_iter()
            .filter(|e| matches!(e.signal.action, Action::TimePassed { .. }))
            .map(|e| (e.decision, e.effects.unwrap_or_default().iter().any(|x| x.is_news())))
            .collect::<Vec<_>>()
    };
    assert_eq!(time_passed(&dir_a), vec![(Decision::Accepted, true)], "A's firing is the backend's");
    assert_eq!(time_passed(&dir_b), vec![(Decision::Accepted, false)], "B's finds nothing left to fire");

    // The backend counted the points once.
    let db = rusqlite::Connection::open(backend.dir.path().join("backend.sqlite3")).expect("backend db");
    let scores: Vec<(String, i64)> = db
        .prepare("SELECT quest_id, points FROM score")
        .expect("query")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("scores");
    assert_eq!(scores, vec![("quest-explorer".to_string(), 5)]);
    // B shows what the backend decided: no second thank-you, no points of its own.
    let v = api_b.quests().expect("quests");
    assert_eq!(thanked(&v), 0, "B's unconfirmed card is gone: {:?}", v.cards);
    assert_eq!(thanked(&api_a.quests().expect("quests")), 1);
}

/// Time triggers are the quests Element's to decide: an event that does not switch it on gets no
/// `time_passed` signal, which would otherwise wait in the outbox for ever.
#[test]
fn an_event_without_quests_records_no_time_triggers() {
    let mut served = served_event();
    served.manifest.elements.retain(|e| e.kind != elements_protocol::event::ElementKind::Quests);
    let session =
        served.sessions.iter().find(|s| s.kind == elements_protocol::event::SessionKind::Talk).cloned().expect("talk");
    let backend = start_backend_with(&served, Config { clock: Some(session.starts_at.to_utc()), ..Default::default() });
    let dir = tempfile::tempdir().expect("dir");
    let api = app(&dir, session.starts_at.to_utc() + chrono::Duration::minutes(5));
    api.join_event(JoinArgs { url: backend.url.clone(), code: Some(TICKET.into()) }).expect("join");
    api.check_in(SessionDetailArgs { id: session.id.clone() }).expect("check in");
    drop(api);
    let later = app(&dir, session.ends_at.to_utc() + chrono::Duration::minutes(5));
    assert_eq!(later.tick_scenarios().expect("tick"), None);
    let outbox = Cache::open(&dir.path().join("cache.sqlite3"))
        .expect("cache")
        .cache
        .outbox(&served.manifest.id)
        .expect("outbox");
    assert!(outbox.iter().all(|e| !matches!(e.signal.action, Action::TimePassed { .. })), "{outbox:?}");
}
