//! Signals from the outbox to the reference backend on 127.0.0.1: acceptance, rejection and
//! reconciliation, re-authentication, the live stream, isolation of Elements. The many-device
//! simulation behind a fault-injecting proxy is in `simulation.rs`.

use std::time::{Duration, Instant};

use crate::common::eventually;
use crate::common::proxy::Proxy;
use crate::common::{during_event, fresh_cache, remote, served_event, start_backend_with, CODE};
use elements_backend::http::Config;
use elements_backend::store::Store;
use elements_client::api::{AppApi, Clock};
use elements_client::cache::{Cache, Decision};
use elements_client::sync::{self, EngineConfig};
use elements_protocol::app::{ErrorCode, JoinArgs, PollState, SignalStatus, VoteArgs};
use elements_protocol::event::ElementKind;
use elements_protocol::signal::{Action, Reason};
use elements_protocol::sync::EntityKind;

fn quick() -> EngineConfig {
    crate::common::quick_engine()
}

fn app_at(dir: &tempfile::TempDir, now: chrono::DateTime<chrono::Utc>) -> AppApi {
    let (api, _) = AppApi::start(dir.path(), Clock::Fixed(now), &mut |_| {}).expect("start");
    api.with_sync_config(quick())
}

#[test]
fn a_vote_waits_in_the_outbox_while_offline_then_is_accepted_and_its_tally_arrives() {
    let backend = start_backend_with(&served_event(), Config { clock: Some(during_event()), ..Default::default() });
    let proxy = Proxy::start(&backend.url, 1, 0);
    let dir = tempfile::tempdir().expect("dir");
    let api = app_at(&dir, during_event());
    api.join_event(JoinArgs { url: proxy.url.clone(), code: Some(CODE.into()) }).expect("join");

    proxy.set_offline(true);
    let view = api.cast_vote(VoteArgs { poll_id: "poll-opening".into(), option_id: "o3".into() }).expect("vote");
    let poll = view.polls.iter().find(|p| p.id == "poll-opening").expect("poll");
    assert_eq!(poll.state, PollState::Open);
    let mine = poll.my_vote.as_ref().expect("my vote shows at once");
    assert_eq!((mine.option_id.as_str(), mine.status), ("o3", SignalStatus::Waiting));
    let status = api.sync_status().expect("status");
    let voting = status.elements.iter().find(|e| e.kind == ElementKind::Voting).expect("voting");
    assert_eq!(voting.waiting, 1, "the person sees one vote waiting to go out");
    // Refused on the device: the same vote again never reaches the outbox.
    let again = api.cast_vote(VoteArgs { poll_id: "poll-opening".into(), option_id: "o3".into() });
    assert_eq!(again.expect_err("the same vote").code, ErrorCode::Refused);
    // A changed vote does: while the poll is open, the last one counts.
    api.cast_vote(VoteArgs { poll_id: "poll-opening".into(), option_id: "o1".into() }).expect("change");

    proxy.set_offline(false);
    let poll = eventually("the vote to be accepted and the tally to arrive", || {
        let view = api.voting().expect("view");
        let p = view.polls.into_iter().find(|p| p.id == "poll-opening")?;
        (p.my_vote.as_ref()?.status == SignalStatus::Accepted && p.total == 1).then_some(p)
    });
    assert_eq!(poll.options.iter().map(|o| o.votes).collect::<Vec<_>>(), vec![1, 0, 0, 0], "the last vote, once");
    assert_eq!(poll.options[0].percent, 100);
    let status = api.sync_status().expect("status");
    assert!(status.elements.iter().all(|e| e.waiting == 0), "{status:?}");
}

#[test]
fn a_vote_the_backend_refuses_is_undone_on_the_device_with_the_reason_kept() {
    // The device thinks the poll is open; the backend's clock says it closed.
    let closed = chrono::DateTime::parse_from_rfc3339("2027-03-10T10:00:00+01:00").expect("t").to_utc();
    let backend = start_backend_with(&served_event(), Config { clock: Some(closed), ..Default::default() });
    let dir = tempfile::tempdir().expect("dir");
    let api = app_at(&dir, during_event());
    api.join_event(JoinArgs { url: backend.url.clone(), code: Some(CODE.into()) }).expect("join");
    api.cast_vote(VoteArgs { poll_id: "poll-opening".into(), option_id: "o2".into() }).expect("vote");
    let mine = eventually("the refusal", || {
        let view = api.voting().expect("view");
        let mine = view.polls.into_iter().find(|p| p.id == "poll-opening")?.my_vote?;
        (mine.status == SignalStatus::Rejected).then_some(mine)
    });
    assert!(mine.message.as_deref().is_some_and(|m| m.contains("closed")), "{mine:?}");
    // Undone: the rules on the device no longer count it, so a new vote would be judged afresh
    // (and refused locally only by the device's own clock).
    let cache = Cache::open(&dir.path().join("cache.sqlite3")).expect("open").cache;
    let outbox = cache.outbox("synced-summit").expect("outbox");
    assert_eq!(outbox.len(), 1);
    assert_eq!((outbox[0].decision, outbox[0].reason), (Decision::Rejected, Some(Reason::PollClosed)));
    assert_eq!(api.sync_status().expect("status").elements.iter().map(|e| e.waiting).sum::<u32>(), 0, "not retried");
}

#[test]
fn a_token_the_backend_forgot_is_replaced_by_redeeming_the_code_again() {
    let backend = start_backend_with(&served_event(), Config { clock: Some(during_event()), ..Default::default() });
    let dir = tempfile::tempdir().expect("dir");
    let cache = fresh_cache(&dir);
    let r = remote(&backend.url);
    sync::join(&cache, &r).expect("join");
    cache.lock().expect("lock").set_code(&backend.url, CODE).expect("code");
    let stale = elements_protocol::auth::RedeemResponse {
        token: "expired-token".into(),
        role: elements_protocol::auth::Role::Attendee,
        participant_id: "p-old".into(),
        display_name: "Old".into(),
        ticketed: false,
        profile_id: None,
        badge: None,
    };
    cache.lock().expect("lock").set_token(&backend.url, &stale).expect("token");
    let action = Action::Vote { poll_id: "poll-opening".into(), option_id: "o1".into() };
    cache.lock().expect("lock").record_signal("synced-summit", action, during_event().fixed_offset()).expect("record");
    let report = sync::push(&cache, &r, "synced-summit", ElementKind::Voting).expect("push re-authenticates");
    assert_eq!((report.sent, report.decided), (1, 1));
    let c = cache.lock().expect("lock");
    let token = c.credential(&backend.url).expect("read").and_then(|c| c.token).expect("a new token");
    assert_ne!(token, "expired-token");
    assert_eq!(c.outbox("synced-summit").expect("outbox")[0].decision, Decision::Accepted);
}

#[test]
fn without_a_code_signals_stay_in_the_outbox_and_nothing_is_lost() {
    let backend = start_backend_with(&served_event(), Config { clock: Some(during_event()), ..Default::default() });
    let dir = tempfile::tempdir().expect("dir");
    let cache = fresh_cache(&dir);
    let r = remote(&backend.url);
    sync::join(&cache, &r).expect("join");
    let action = Action::CheckIn { session_id: "s1-001".into() };
    cache.lock().expect("lock").record_signal("synced-summit", action, during_event().fixed_offset()).expect("record");
    let report = sync::push(&cache, &r, "synced-summit", ElementKind::Agenda).expect("push");
    assert!(report.no_credential && report.sent == 0, "{report:?}");
    assert_eq!(cache.lock().expect("lock").outbox("synced-summit").expect("outbox")[0].decision, Decision::Pending);
}

#[test]
fn the_live_stream_delivers_an_announcement_without_waiting_for_a_pull() {
    let backend = start_backend_with(&served_event(), Config { clock: Some(during_event()), ..Default::default() });
    backend.store.add_code("STAFF", elements_protocol::auth::Role::Organizer, true).expect("staff code");
    let dir = tempfile::tempdir().expect("dir");
    let (api, _) = AppApi::start(dir.path(), Clock::Fixed(during_event()), &mut |_| {}).expect("start");
    // Pulls only once an hour: whatever arrives sooner came over the stream.
    let api = api.with_sync_config(EngineConfig { interval: Duration::from_secs(3600), ..quick() });
    api.join_event(JoinArgs { url: backend.url.clone(), code: Some(CODE.into()) }).expect("join");
    let staff = reqwest::blocking::Client::new();
    let token = staff
        .post(format!("{}/v1/auth/redeem", backend.url))
        .json(&serde_json::json!({"code": "STAFF", "client_id": "desk"}))
        .send()
        .expect("redeem")
        .json::<elements_protocol::auth::RedeemResponse>()
        .expect("json")
        .token;
    let cache = Cache::open(&dir.path().join("cache.sqlite3")).expect("open").cache;
    // The stream may connect a moment after joining: post until one arrives (bounded).
    let mut posted = 0;
    eventually("an announcement over the live stream", || {
        posted += 1;
        let resp = staff
            .post(format!("{}/v1/announcements", backend.url))
            .bearer_auth(&token)
            .json(&serde_json::json!({"text": format!("Doors open {posted}")}))
            .send()
            .expect("announce");
        assert_eq!(resp.status(), 201);
        let rows = cache.live_rows(EntityKind::Announcement).expect("rows");
        (!rows.is_empty()).then_some(())
    });
}

#[test]
fn with_the_maps_backend_dead_the_other_elements_sync_and_their_screens_work() {
    let mut event = served_event();
    // Elements may live on different backends: this event's map lives on one that is down.
    let dead = crate::common::dead_url();
    for e in &mut event.manifest.elements {
        if e.kind == ElementKind::Map {
            e.base_url = Some(dead.clone());
        }
    }
    let backend = start_backend_with(&event, Config { clock: Some(during_event()), ..Default::default() });
    let dir = tempfile::tempdir().expect("dir");
    let api = app_at(&dir, during_event());
    api.join_event(JoinArgs { url: backend.url.clone(), code: Some(CODE.into()) }).expect("join despite the dead map");
    let day = api.agenda_day(elements_protocol::app::AgendaDayArgs { day: 1 }).expect("the agenda screen works");
    assert!(!day.sessions.is_empty());
    api.cast_vote(VoteArgs { poll_id: "poll-opening".into(), option_id: "o4".into() }).expect("voting works");
    let status = eventually("voting synced while the map keeps failing", || {
        let s = api.sync_status().ok()?;
        let of = |k: ElementKind| s.elements.iter().find(|e| e.kind == k).cloned();
        let (map, voting, agenda) = (of(ElementKind::Map)?, of(ElementKind::Voting)?, of(ElementKind::Agenda)?);
        (map.state == elements_protocol::app::SyncState::Retrying
            && voting.waiting == 0
            && voting.state == elements_protocol::app::SyncState::Synced
            && agenda.state == elements_protocol::app::SyncState::Synced)
            .then_some(s)
    });
    let map = status.elements.iter().find(|e| e.kind == ElementKind::Map).expect("map");
    assert!(map.error.as_deref().is_some_and(|e| e.contains("cannot reach")), "{map:?}");
    let mine = api.voting().expect("view").polls.into_iter().find(|p| p.id == "poll-opening").and_then(|p| p.my_vote);
    assert_eq!(mine.map(|m| m.status), Some(SignalStatus::Accepted));
}

#[test]
fn an_element_in_a_newer_version_is_not_synced_and_says_why() {
    let mut event = served_event();
    for e in &mut event.manifest.elements {
        if e.kind == ElementKind::Voting {
            e.version = 2;
        }
    }
    let backend = start_backend_with(&event, Config { clock: Some(during_event()), ..Default::default() });
    let dir = tempfile::tempdir().expect("dir");
    let api = app_at(&dir, during_event());
    api.join_event(JoinArgs { url: backend.url.clone(), code: Some(CODE.into()) }).expect("join");
    let status = api.sync_status().expect("status");
    let voting = status.elements.iter().find(|e| e.kind == ElementKind::Voting).expect("voting listed");
    assert_eq!(voting.state, elements_protocol::app::SyncState::Unsupported);
    assert!(voting.error.as_deref().is_some_and(|m| m.contains("update the app")), "{voting:?}");
    let agenda = status.elements.iter().find(|e| e.kind == ElementKind::Agenda).expect("agenda");
    assert_eq!(agenda.state, elements_protocol::app::SyncState::Synced, "the others sync as usual");
    let cache = Cache::open(&dir.path().join("cache.sqlite3")).expect("open").cache;
    assert_eq!(cache.count(EntityKind::Poll).expect("count"), 0, "nothing of the unknown version was read");
}

#[test]
fn an_element_on_another_backend_that_does_not_know_the_code_still_syncs_its_public_feed() {
    // The map lives on a second backend, run by someone else, that never heard of this code.
    let mut event = served_event();
    let map_backend = start_backend_with(&event, Config { clock: Some(during_event()), ..Default::default() });
    for e in &mut event.manifest.elements {
        if e.kind == ElementKind::Map {
            e.base_url = Some(map_backend.url.clone());
        }
    }
    let main = start_backend_with(&event, Config { clock: Some(during_event()), ..Default::default() });
    main.store.add_code("ONLY-MAIN", elements_protocol::auth::Role::Attendee, false).expect("code");
    let dir = tempfile::tempdir().expect("dir");
    let api = app_at(&dir, during_event());
    api.join_event(JoinArgs { url: main.url.clone(), code: Some("ONLY-MAIN".into()) }).expect("join");
    let status = api.sync_status().expect("status");
    let map = status.elements.iter().find(|e| e.kind == ElementKind::Map).expect("map");
    assert_eq!(map.state, elements_protocol::app::SyncState::Synced, "{map:?}");
    let cache = Cache::open(&dir.path().join("cache.sqlite3")).expect("open").cache;
    assert_eq!(
        cache.count(EntityKind::PointOfInterest).expect("count"),
        event.points_of_interest.len() as i64,
        "the map's places arrived from its own backend"
    );
    api.cast_vote(VoteArgs { poll_id: "poll-opening".into(), option_id: "o2".into() }).expect("vote");
    api.sync_now().expect("sync");
    let mine = api.voting().expect("view").polls.into_iter().find(|p| p.id == "poll-opening").and_then(|p| p.my_vote);
    assert_eq!(mine.map(|m| m.status), Some(SignalStatus::Accepted), "the main backend knows the code");
}

#[test]
fn a_venue_screen_is_not_offered_the_vote_and_a_vote_it_holds_is_refused_for_good() {
    let backend = start_backend_with(&served_event(), Config { clock: Some(during_event()), ..Default::default() });
    backend.store.add_code("SCREEN", elements_protocol::auth::Role::Kiosk, false).expect("kiosk code");
    let dir = tempfile::tempdir().expect("dir");
    // A vote already waiting on the device (made before it became a venue screen).
    {
        let cache = crate::common::fresh_cache(&dir);
        let action = Action::Vote { poll_id: "poll-opening".into(), option_id: "o1".into() };
        cache
            .lock()
            .expect("lock")
            .record_signal("synced-summit", action, during_event().fixed_offset())
            .expect("record");
    }
    let api = app_at(&dir, during_event());
    api.join_event(JoinArgs { url: backend.url.clone(), code: Some("SCREEN".into()) }).expect("join as a screen");
    let view = api.voting().expect("voting view");
    assert!(!view.can_vote, "a venue screen shows results only");
    assert_eq!(view.offline_reason, Some(elements_protocol::app::OfflineReason::VenueScreen), "{view:?}");
    let err = api.cast_vote(VoteArgs { poll_id: "poll-opening".into(), option_id: "o2".into() }).expect_err("refused");
    assert!(err.message.contains("venue screen"), "{}", err.message);
    // The vote it held was refused by the backend for its role: final, not waiting forever.
    api.sync_now().expect("sync");
    let mine = api.voting().expect("view").polls.into_iter().find(|p| p.id == "poll-opening").and_then(|p| p.my_vote);
    assert_eq!(mine.map(|m| m.status), Some(SignalStatus::Rejected));
    let status = api.sync_status().expect("status");
    assert_eq!(status.elements.iter().find(|e| e.kind == ElementKind::Voting).map(|e| e.waiting), Some(0));
}

#[test]
fn an_element_kind_this_app_does_not_know_is_left_out_and_says_it_needs_a_newer_app() {
    // A backend from the future: its manifest enables a "livestream" Element. Served by hand,
    // since the reference backend's own types cannot say it.
    let backend = start_backend_with(&served_event(), Config { clock: Some(during_event()), ..Default::default() });
    let real = reqwest::blocking::get(format!("{}/v1/manifest", backend.url)).expect("GET").text().expect("body");
    let mut manifest: serde_json::Value = serde_json::from_str(&real).expect("json");
    let elements = manifest["manifest"]["elements"].as_array_mut().expect("elements");
    // The known Elements live on the reference backend; the manifest comes from the new one.
    for e in elements.iter_mut() {
        e["base_url"] = backend.url.clone().into();
    }
    elements.push(serde_json::json!({"kind": "livestream", "title": "Watch", "base_url": "https://video.example.org"}));
    let body = manifest.to_string();
    let future = axum::Router::new().route(
        "/v1/manifest",
        axum::routing::get(move || {
            let body = body.clone();
            async move { ([("content-type", "application/json")], body) }
        }),
    );
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).expect("bind");
    let future_url = format!("http://{}", listener.local_addr().expect("addr"));
    runtime.spawn(async move { axum::serve(listener, future).await });
    let dir = tempfile::tempdir().expect("dir");
    let api = app_at(&dir, during_event());
    api.join_event(JoinArgs { url: future_url, code: Some(CODE.into()) }).expect("the join does not fail");
    let status = api.sync_status().expect("status");
    assert_eq!(status.unknown_elements, ["livestream"]);
    let agenda = status.elements.iter().find(|e| e.kind == ElementKind::Agenda).expect("agenda");
    assert_eq!(agenda.state, elements_protocol::app::SyncState::Synced, "the known Elements sync as usual");
}

#[test]
fn a_ticket_only_poll_is_decided_on_the_device_once_it_knows_the_code_is_shared() {
    let mut event = served_event();
    let poll = event.polls.iter_mut().find(|p| p.id == "poll-opening").expect("poll");
    poll.requires_ticket = true;
    let backend = start_backend_with(&event, Config { clock: Some(during_event()), ..Default::default() });
    let vote = || VoteArgs { poll_id: "poll-opening".into(), option_id: "o1".into() };

    let shared_dir = tempfile::tempdir().expect("dir");
    let shared = app_at(&shared_dir, during_event());
    shared.join_event(JoinArgs { url: backend.url.clone(), code: Some(CODE.into()) }).expect("join");
    let view = shared.voting().expect("view");
    assert_eq!(view.ticketed, Some(false));
    assert!(view.polls.iter().any(|p| p.id == "poll-opening" && p.requires_ticket));
    let err = shared.cast_vote(vote()).expect_err("refused on the device, at once");
    assert!(err.message.contains("personal ticket"), "{}", err.message);
    let waiting = shared.sync_status().expect("status").elements.iter().map(|e| e.waiting).sum::<u32>();
    assert_eq!(waiting, 0, "a refused vote never reaches the outbox");

    let ticket_dir = tempfile::tempdir().expect("dir");
    let holder = app_at(&ticket_dir, during_event());
    holder.join_event(JoinArgs { url: backend.url.clone(), code: Some(crate::common::TICKET.into()) }).expect("join");
    assert_eq!(holder.voting().expect("view").ticketed, Some(true));
    holder.cast_vote(vote()).expect("a ticket holder votes");
    holder.sync_now().expect("sync");
    let mine =
        holder.voting().expect("view").polls.into_iter().find(|p| p.id == "poll-opening").and_then(|p| p.my_vote);
    assert_eq!(mine.map(|m| m.status), Some(SignalStatus::Accepted));
}

#[test]
fn a_venue_screen_keeps_no_attendees_data_and_says_it_is_a_kiosk() {
    use elements_protocol::app::DeviceMode;
    let backend = start_backend_with(&served_event(), Config { clock: Some(during_event()), ..Default::default() });
    let dir = tempfile::tempdir().expect("dir");
    let api = app_at(&dir, during_event()).kiosk_mode(true).expect("kiosk");
    assert_eq!(api.event_overview().expect("overview").mode, DeviceMode::Kiosk);
    api.join_event(JoinArgs { url: backend.url.clone(), code: Some(CODE.into()) }).expect("join");
    api.sync_now().expect("sync");
    let status = api.sync_status().expect("status");
    assert!(status.elements.iter().all(|e| e.kind != ElementKind::People), "the directory is not synced: {status:?}");
    assert!(status
        .elements
        .iter()
        .any(|e| e.kind == ElementKind::Agenda && e.state == elements_protocol::app::SyncState::Synced));
    drop(api);
    let cache = Cache::open(&dir.path().join("cache.sqlite3")).expect("open").cache;
    assert_eq!(cache.count(EntityKind::Profile).expect("count"), 0, "no attendee profile on a venue screen");

    // An attendee device of the same event does get the directory.
    let other = tempfile::tempdir().expect("dir");
    let attendee = app_at(&other, during_event());
    attendee.join_event(JoinArgs { url: backend.url.clone(), code: Some(CODE.into()) }).expect("join");
    assert_eq!(attendee.event_overview().expect("overview").mode, DeviceMode::Attendee);
    let cache = Cache::open(&other.path().join("cache.sqlite3")).expect("open").cache;
    assert!(cache.count(EntityKind::Profile).expect("count") > 0);
}

#[test]
fn the_core_tells_what_changed_once_it_is_stored_and_the_ui_needs_no_timer() {
    use elements_protocol::app::Changed;
    let backend = start_backend_with(&served_event(), Config { clock: Some(during_event()), ..Default::default() });
    let dir = tempfile::tempdir().expect("dir");
    let (tell, heard) = std::sync::mpsc::channel::<Changed>();
    let tell = std::sync::Mutex::new(tell);
    let api = app_at(&dir, during_event()).on_change(move |what| {
        let _ = tell.lock().expect("lock").send(what);
    });
    api.join_event(JoinArgs { url: backend.url.clone(), code: Some(CODE.into()) }).expect("join");
    let joined: Vec<Changed> = heard.try_iter().collect();
    assert!(joined.contains(&Changed::Event), "{joined:?}");
    assert!(joined.contains(&Changed::Element(ElementKind::Agenda)), "the first pull stored sessions: {joined:?}");

    api.cast_vote(VoteArgs { poll_id: "poll-opening".into(), option_id: "o3".into() }).expect("vote");
    // Told before the call returns, with no network in between (the engine's own news may be
    // mixed in: its threads run meanwhile).
    let at_once: Vec<Changed> = heard.try_iter().collect();
    assert!(
        at_once.contains(&Changed::Element(ElementKind::Voting)) && at_once.contains(&Changed::Sync),
        "{at_once:?}"
    );

    // The engine sends the vote and the tally comes back: a screen that reloads when told sees
    // both, with no timer of its own. Bounded: gives up after 20 s without news.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let what = heard.recv_timeout(left).expect("told that the vote was counted before the deadline");
        if what != Changed::Element(ElementKind::Voting) {
            continue;
        }
        let view = api.voting().expect("view");
        let poll = view.polls.iter().find(|p| p.id == "poll-opening").expect("poll");
        if poll.my_vote.as_ref().is_some_and(|m| m.status == SignalStatus::Accepted) && poll.total == 1 {
            break;
        }
    }
}

/// The event's own rules travel with the agenda and run in the backend and on the device alike:
/// a scenario the organizer wrote ("thank voters, tag them") reaches the cache, the device's
/// rules produce its message, and the backend's decision carries the same effects.
#[test]
fn an_event_scenario_syncs_and_the_device_and_the_backend_apply_it_alike() {
    use elements_domain::scenario::{decide, EventFacts, ParticipantState};
    use elements_protocol::scenario::{Consequence, Scenario, SignalFilter, SignalKind, Trigger};
    use elements_protocol::signal::{Effect, Outcome};
    let thanks = Scenario {
        id: "thank-voters".into(),
        name: "Thank voters".into(),
        when: Trigger::Signal {
            kind: SignalKind::Vote,
            filter: SignalFilter { poll_id: Some("poll-opening".into()), ..SignalFilter::default() },
        },
        conditions: Vec::new(),
        then: vec![
            Consequence::Message {
                id: "thanks".into(),
                text: [("en".to_string(), "Thanks!".to_string()), ("ru".to_string(), "Спасибо!".to_string())].into(),
                link: None,
            },
            Consequence::Tag { tag: "voter".into() },
        ],
        once: true,
        cooldown_seconds: None,
    };
    let mut served = served_event();
    served.scenarios.push(thanks.clone());
    let mut served_ids: Vec<String> = served.scenarios.iter().map(|s| s.id.clone()).collect();
    served_ids.sort();
    let backend = start_backend_with(&served, Config { clock: Some(during_event()), ..Default::default() });
    let dir = tempfile::tempdir().expect("dir");
    let api = app_at(&dir, during_event());
    api.join_event(JoinArgs { url: backend.url.clone(), code: Some(CODE.into()) }).expect("join");

    // On the device: the scenario is in the cache and the device's own decision applies it.
    let cache = Cache::open(&dir.path().join("cache.sqlite3")).expect("open").cache;
    let cached = cache.scenarios().expect("scenarios");
    assert_eq!(cached.iter().map(|s| s.id.clone()).collect::<Vec<_>>(), served_ids, "every scenario, by id");
    assert!(cached.contains(&thanks));
    struct Facts<'a>(&'a Cache);
    impl EventFacts for Facts<'_> {
        fn poll(&self, id: &str) -> Option<elements_protocol::event::Poll> {
            self.0.polls().ok()?.into_iter().find(|p| p.id == id)
        }
        fn quest(&self, id: &str) -> Option<elements_protocol::event::Quest> {
            self.0.quests().ok()?.into_iter().find(|q| q.id == id)
        }
        fn exists(&self, kind: EntityKind, id: &str) -> bool {
            self.0.exists(kind, id).unwrap_or(false)
        }
        fn rules(&self) -> std::borrow::Cow<'_, elements_domain::rules::Rules> {
            let (q, s) = (self.0.quests().unwrap_or_default(), self.0.scenarios().unwrap_or_default());
            std::borrow::Cow::Owned(elements_domain::rules::event_rules(&q, &s))
        }
    }
    let vote = Action::Vote { poll_id: "poll-opening".into(), option_id: "o1".into() };
    let on_device = decide(&Facts(&cache), &mut ParticipantState::default(), &vote, during_event());
    let Outcome::Accepted { effects: device_effects } = on_device else {
        panic!("accepted on the device: {on_device:?}")
    };
    assert!(
        device_effects.iter().any(|e| matches!(e, Effect::Message { id, .. } if id == "thanks")),
        "{device_effects:?}"
    );

    // In the backend: the vote goes out and comes back decided with the same effects.
    api.cast_vote(VoteArgs { poll_id: "poll-opening".into(), option_id: "o1".into() }).expect("vote");
    let decided = eventually("the backend's decision", || {
        let outbox = cache.outbox("synced-summit").ok()?;
        let entry = outbox.into_iter().find(|e| e.decision == Decision::Accepted)?;
        entry.effects
    });
    assert_eq!(decided, device_effects, "the backend applied the synced scenario exactly as the device did");
}

/// The event in numbers on a venue screen: only where the organizer allows it (the manifest's
/// `kiosk.show_figures`), whatever a screen's command line asks for, and from what the backend
/// counted (six people checked in to the keynote: shown; nothing from fewer than five).
#[test]
fn a_venue_screen_shows_the_event_in_numbers_only_where_the_organizer_allows_it() {
    use elements_client::api::kiosk::KioskConfig;
    use elements_protocol::app::VenuePanel;
    use elements_protocol::auth::RedeemRequest;
    use elements_protocol::event::{KioskPanel, KioskSettings};
    use elements_protocol::signal::Signal;
    for allowed in [true, false] {
        let mut event = served_event();
        event.manifest.kiosk = Some(KioskSettings { show_figures: allowed, ..Default::default() });
        let backend = start_backend_with(&event, Config { clock: Some(during_event()), ..Default::default() });
        backend.store.add_code("SCREEN", elements_protocol::auth::Role::Kiosk, false).expect("kiosk code");
        for p in 0..6 {
            let request = RedeemRequest {
                code: CODE.into(),
                client_id: format!("phone-{p}"),
                display_name: None,
                show_name: false,
            };
            let token = match backend.store.redeem(&request).expect("redeem") {
                elements_backend::store::Redeemed::Token(t) => t.token,
                other => panic!("{other:?}"),
            };
            let caller = backend.store.authenticate(&token).expect("read").expect("caller");
            let signal = Signal {
                id: format!("phone-{p}-1"),
                client_id: format!("phone-{p}"),
                seq: 1,
                schema_version: 1,
                created_at: during_event().fixed_offset(),
                action: Action::CheckIn { session_id: "s1-001".into() },
            };
            backend.store.push(&caller, &[signal], during_event()).expect("push");
        }
        let published = backend.store.publish_screen_figures(during_event()).expect("count");
        assert_eq!(published.is_some(), allowed, "published only where allowed");

        let dir = tempfile::tempdir().expect("dir");
        // The screen's own command line asks for the figures either way.
        let config = KioskConfig { panels: vec![KioskPanel::Figures, KioskPanel::NowNext], ..Default::default() };
        let api = app_at(&dir, during_event()).venue_screen_config(config);
        api.join_event(JoinArgs { url: backend.url.clone(), code: Some("SCREEN".into()) }).expect("join as a screen");
        api.sync_now().expect("sync");
        let screen = api.venue_screen().expect("screen");
        let figures = screen.panels.iter().find_map(|p| match p {
            VenuePanel::Figures { figures } => Some(figures.clone()),
            _ => None,
        });
        assert!(screen.panels.iter().any(|p| matches!(p, VenuePanel::NowNext { .. })), "{:?}", screen.panels);
        if !allowed {
            assert_eq!(figures, None, "not allowed: no figures on the screen");
            continue;
        }
        let figures = figures.expect("the figures panel");
        assert_eq!(figures.people, Some(6));
        let keynote = event.sessions.iter().find(|s| s.id == "s1-001").expect("keynote").title.clone();
        assert_eq!(figures.fullest_sessions.first().map(|s| (s.name.clone(), s.people)), Some((keynote, 6)));
    }
}
