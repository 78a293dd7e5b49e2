//! The person's own agenda through the app's API: stars kept per event across restarts, "My
//! schedule" by day with overlaps flagged, the next session to go to, and no stars on a venue
//! screen.

use elements_client::api::{AppApi, Clock};
use elements_protocol::app::{ErrorCode, SessionDetailArgs, StarArgs};
use elements_protocol::event::{EventBundle, SessionKind};

const DURING: &str = "2027-03-10T10:05:00+01:00";

fn app(dir: &tempfile::TempDir) -> AppApi {
    let now = chrono::DateTime::parse_from_rfc3339(DURING).expect("time").to_utc();
    AppApi::start(dir.path(), Clock::Fixed(now), &mut |_| {}).expect("start").0
}

fn demo() -> EventBundle {
    serde_json::from_str(elements_client::bundled::DEMO_EVENT_JSON).expect("demo")
}

#[test]
fn starred_sessions_make_my_schedule_with_overlaps_flagged_and_the_next_one_to_go_to() {
    let b = demo();
    let at = |t: &str| chrono::DateTime::parse_from_rfc3339(t).expect("time");
    // Two talks at the same time (one person cannot be at both), one later, one on day two.
    let parallel: Vec<_> = b
        .sessions
        .iter()
        .filter(|s| s.starts_at == at("2027-03-10T11:00:00+01:00") && s.kind != SessionKind::Break)
        .take(2)
        .collect();
    assert_eq!(parallel.len(), 2, "the demo runs parallel tracks at 11:00");
    let later = b
        .sessions
        .iter()
        .find(|s| s.starts_at >= at("2027-03-10T14:00:00+01:00") && s.kind == SessionKind::Talk)
        .expect("an afternoon talk");
    let second_day = b
        .sessions
        .iter()
        .find(|s| s.starts_at >= at("2027-03-11T09:00:00+01:00") && s.kind != SessionKind::Break)
        .expect("a day-two session");
    let earlier =
        b.sessions.iter().find(|s| s.ends_at <= at(DURING) && s.kind != SessionKind::Break).expect("one already over");
    let dir = tempfile::tempdir().expect("dir");
    let api = app(&dir);
    for s in parallel.iter().copied().chain([later, second_day, earlier]) {
        let card = api.star_session(StarArgs { id: s.id.clone(), starred: true }).expect("starred");
        assert!(card.starred, "{}", s.id);
    }
    let mine = api.my_schedule().expect("my schedule");
    assert_eq!(mine.days.iter().map(|d| d.day).collect::<Vec<_>>(), [1, 2]);
    let day_one = &mine.days[0];
    assert_eq!(day_one.sessions.len(), 4);
    let starts: Vec<&str> = day_one.sessions.iter().map(|m| m.card.starts.as_str()).collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]), "in start order: {starts:?}");
    for m in &day_one.sessions {
        let expected: Vec<String> = if parallel.iter().any(|p| p.id == m.card.id) {
            parallel.iter().filter(|p| p.id != m.card.id).map(|p| p.title.clone()).collect()
        } else {
            Vec::new()
        };
        assert_eq!(m.overlaps, expected, "{}", m.card.title);
    }
    // The next: not the one over already; the first running or coming.
    assert_eq!(mine.next.as_ref().map(|c| c.starts.as_str()), Some("11:00"));
    // Stars show on every card, and survive a restart; unstarring takes it out.
    let detail = api.session_detail(SessionDetailArgs { id: later.id.clone() }).expect("detail");
    assert!(detail.card.starred);
    drop(api);
    let api = app(&dir);
    assert_eq!(api.my_schedule().expect("mine").days[0].sessions.len(), 4);
    api.star_session(StarArgs { id: parallel[1].id.clone(), starred: false }).expect("unstarred");
    let mine = api.my_schedule().expect("mine");
    assert!(mine.days[0].sessions.iter().all(|m| m.overlaps.is_empty()), "no overlap left");
    let unknown = api.star_session(StarArgs { id: "s9-999".into(), starred: true }).expect_err("no such session");
    assert_eq!(unknown.code, ErrorCode::NotFound);
}

#[test]
fn a_venue_screen_keeps_no_personal_agenda() {
    let dir = tempfile::tempdir().expect("dir");
    let api = app(&dir).kiosk_mode(true).expect("kiosk");
    let b = demo();
    let refused =
        api.star_session(StarArgs { id: b.sessions[1].id.clone(), starred: true }).expect_err("a venue screen");
    assert_eq!(refused.code, ErrorCode::Refused);
    assert!(api.my_schedule().expect("mine").days.is_empty());
}

/// The exported schedule, read back by an independent parser (the `ical` crate): one event per
/// starred session at its local time in the event's zone, with a VTIMEZONE that defines it,
/// a stable UID, the room and the speakers.
#[test]
fn my_schedule_exports_as_icalendar_that_an_independent_parser_reads() {
    let b = demo();
    let dir = tempfile::tempdir().expect("dir");
    let out = tempfile::tempdir().expect("export dir");
    let api = app(&dir).export_dir(Some(out.path().to_path_buf()));
    let picked: Vec<_> =
        b.sessions.iter().filter(|s| s.kind == SessionKind::Talk && s.room_id.is_some()).take(3).collect();
    for s in &picked {
        api.star_session(StarArgs { id: s.id.clone(), starred: true }).expect("starred");
    }
    let file = api.export_schedule().expect("exported");
    assert_eq!(file.items, 3);
    assert!(
        file.path.ends_with("-my-schedule.ics") && file.path.starts_with(&out.path().display().to_string()),
        "{}",
        file.path
    );
    let text = std::fs::read_to_string(&file.path).expect("the file");
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let calendar = parser.next().expect("a calendar").expect("that parses");
    assert!(parser.next().is_none(), "one calendar");
    let prop = |props: &[ical::property::Property], name: &str| {
        props.iter().find(|p| p.name == name).and_then(|p| p.value.clone()).unwrap_or_default()
    };
    assert_eq!(calendar.timezones.len(), 1);
    let tz = &calendar.timezones[0];
    assert_eq!(prop(&tz.properties, "TZID"), b.manifest.timezone);
    assert_eq!(prop(&tz.transitions[0].properties, "TZOFFSETTO"), "+0100", "Berlin in March");
    assert_eq!(calendar.events.len(), 3);
    let mut uids = std::collections::HashSet::new();
    for (event, s) in calendar.events.iter().zip(&picked) {
        assert_eq!(prop(&event.properties, "SUMMARY"), s.title.replace(',', "\\,").replace(';', "\\;"));
        let start = event.properties.iter().find(|p| p.name == "DTSTART").expect("a start");
        assert_eq!(
            start.value.as_deref(),
            Some(s.starts_at.format("%Y%m%dT%H%M%S").to_string().as_str()),
            "local time"
        );
        let tzid = start.params.as_ref().and_then(|ps| ps.iter().find(|(k, _)| k == "TZID")).map(|(_, v)| v[0].clone());
        assert_eq!(tzid.as_deref(), Some(b.manifest.timezone.as_str()), "in the event's zone");
        let room = b.rooms.iter().find(|r| Some(&r.id) == s.room_id.as_ref()).expect("room");
        assert_eq!(prop(&event.properties, "LOCATION"), room.name);
        assert!(uids.insert(prop(&event.properties, "UID")), "UIDs differ");
        assert!(!prop(&event.properties, "DTSTAMP").is_empty());
    }
    // The same sessions give the same UIDs: a second import updates instead of duplicating.
    let again = api.export_schedule().expect("again");
    let text2 = std::fs::read_to_string(&again.path).expect("the file");
    for uid in &uids {
        assert!(text2.contains(uid.as_str()), "{uid} again");
    }
}

/// When a sync moves, re-rooms or cancels a starred session, the schedule says what changed
/// (before and now), until the person puts the notice away; changes to sessions nobody starred
/// say nothing.
#[test]
fn a_sync_that_moves_or_cancels_a_starred_session_leaves_a_notice_saying_what_changed() {
    use crate::common::{served_event, start_backend};
    use elements_backend::store::Store;
    let mut event = served_event();
    let backend = start_backend(&event);
    let dir = tempfile::tempdir().expect("dir");
    let api = app(&dir);
    api.join_event(elements_protocol::app::JoinArgs { url: backend.url.clone(), code: None }).expect("join");
    api.sync_now().expect("sync");
    let talks: Vec<String> = event
        .sessions
        .iter()
        .filter(|s| s.kind == SessionKind::Talk && s.room_id.is_some())
        .take(3)
        .map(|s| s.id.clone())
        .collect();
    let (moved, cancelled, untouched) = (&talks[0], &talks[1], &talks[2]);
    for id in [moved, cancelled] {
        api.star_session(StarArgs { id: id.clone(), starred: true }).expect("starred");
    }
    assert!(api.my_schedule().expect("mine").notices.is_empty());
    // The organizer moves one starred talk by half an hour to another room, cancels the other,
    // and moves a talk nobody starred.
    let other_room = event
        .rooms
        .iter()
        .map(|r| r.id.clone())
        .find(|r| event.sessions.iter().find(|s| &s.id == moved).and_then(|s| s.room_id.as_ref()) != Some(r));
    for s in event.sessions.iter_mut() {
        if &s.id == moved || &s.id == untouched {
            s.starts_at += chrono::Duration::minutes(30);
            s.ends_at += chrono::Duration::minutes(30);
            if &s.id == moved {
                s.room_id = other_room.clone();
            }
        }
    }
    let before = b_session(&served_event(), moved);
    event.sessions.retain(|s| &s.id != cancelled);
    backend.store.replace_event(&event).expect("the changed event");
    api.sync_now().expect("sync");
    let notices = api.my_schedule().expect("mine").notices;
    assert_eq!(notices.len(), 2, "{notices:?}");
    let m = notices.iter().find(|n| &n.session_id == moved).expect("the moved one");
    assert_eq!(m.before.starts, elements_domain::format_hhmm(&before.starts_at));
    let now = m.now.as_ref().expect("still on");
    assert_eq!(now.starts, elements_domain::format_hhmm(&(before.starts_at + chrono::Duration::minutes(30))));
    assert_ne!(now.room, m.before.room, "re-roomed");
    let c = notices.iter().find(|n| &n.session_id == cancelled).expect("the cancelled one");
    assert!(c.now.is_none());
    // Put away, it stays away, across a restart too.
    let after = api.dismiss_schedule_notice(elements_protocol::app::NoticeArgs { id: m.id }).expect("dismissed");
    assert_eq!(after.notices.len(), 1);
    drop(api);
    let api = app(&dir);
    assert_eq!(api.my_schedule().expect("mine").notices.len(), 1);
}

fn b_session(b: &EventBundle, id: &str) -> elements_protocol::event::Session {
    b.sessions.iter().find(|s| s.id == id).expect("session").clone()
}

fn app_at(dir: &tempfile::TempDir, at: chrono::DateTime<chrono::FixedOffset>) -> AppApi {
    AppApi::start(dir.path(), Clock::Fixed(at.to_utc()), &mut |_| {}).expect("start").0
}

/// Reminders come the chosen minutes before a starred session, once; none for one already
/// started; they follow a session a sync moved (again at its new time, and a "changed" one at
/// once); off when the person says so.
#[test]
fn reminders_come_once_before_a_starred_session_and_follow_it_when_it_moves() {
    use crate::common::{served_event, start_backend};
    use elements_backend::store::Store;
    use elements_protocol::app::{Preferences, ReminderWhat};
    let mut event = served_event();
    let backend = start_backend(&event);
    let dir = tempfile::tempdir().expect("dir");
    let talks: Vec<&elements_protocol::event::Session> =
        event.sessions.iter().filter(|s| s.kind == SessionKind::Talk).collect();
    let started = talks[0].clone();
    // A later talk: when it is half an hour away, the first one has started.
    let talk = talks
        .iter()
        .find(|s| s.starts_at >= started.starts_at + chrono::Duration::minutes(60))
        .map(|s| (*s).clone())
        .expect("a talk an hour after the first");
    let (talk, started) = (&talk, &started);
    let at = |offset_minutes: i64| talk.starts_at + chrono::Duration::minutes(offset_minutes);
    let api = app_at(&dir, at(-30));
    api.join_event(elements_protocol::app::JoinArgs { url: backend.url.clone(), code: None }).expect("join");
    for s in [talk, started] {
        api.star_session(StarArgs { id: s.id.clone(), starred: true }).expect("starred");
    }
    // Half an hour before: nothing yet; the timer is told when.
    assert!(api.take_due_reminders().expect("due").is_empty());
    let next = api.next_reminder_at().expect("next").expect("one ahead");
    assert_eq!(next, at(-10).to_utc(), "ten minutes before, by default");
    drop(api);
    // Eight minutes before: one reminder, for the talk (the one started earlier gets none).
    let api = app_at(&dir, at(-8));
    let due = api.take_due_reminders().expect("due");
    let relevant: Vec<_> = due.iter().filter(|r| r.what == ReminderWhat::Session).collect();
    assert_eq!(relevant.len(), 1, "{due:?}");
    assert_eq!((relevant[0].title.as_str(), relevant[0].minutes), (talk.title.as_str(), 8));
    assert!(api.take_due_reminders().expect("again").is_empty(), "once");
    // The organizer moves it by an hour: told at once that it changed, reminded again later.
    for s in event.sessions.iter_mut().filter(|s| s.id == talk.id) {
        s.starts_at += chrono::Duration::minutes(60);
        s.ends_at += chrono::Duration::minutes(60);
    }
    backend.store.replace_event(&event).expect("moved");
    api.sync_now().expect("sync");
    let due = api.take_due_reminders().expect("due");
    assert_eq!(due.iter().map(|r| r.what).collect::<Vec<_>>(), [ReminderWhat::Changed], "{due:?}");
    assert_eq!(due[0].starts, elements_domain::format_hhmm(&at(60)));
    drop(api);
    let api = app_at(&dir, at(55));
    let due = api.take_due_reminders().expect("due");
    assert_eq!(due.iter().map(|r| (r.what, r.minutes)).collect::<Vec<_>>(), [(ReminderWhat::Session, 5)]);
    // Off: nothing, and no timer.
    let prefs = api.preferences().expect("prefs");
    api.set_preferences(Preferences { reminder_minutes: Some(0), ..prefs }).expect("off");
    assert_eq!(api.next_reminder_at().expect("next"), None);
}

/// What every view of the agenda says is starred: the day's list, now/next, the detail of
/// `open` (if any), and "Mine". Each must hold exactly `expected`.
fn every_view_agrees(api: &AppApi, open: Option<&str>, expected: &std::collections::BTreeSet<String>, step: &str) {
    use elements_protocol::app::AgendaDayArgs;
    let mine: std::collections::BTreeSet<String> = api
        .my_schedule()
        .expect("mine")
        .days
        .into_iter()
        .flat_map(|d| d.sessions.into_iter().map(|s| s.card.id))
        .collect();
    assert_eq!(&mine, expected, "Mine after {step}");
    let day = api.agenda_day(AgendaDayArgs { day: 1 }).expect("day 1");
    let listed: std::collections::BTreeSet<String> =
        day.sessions.iter().filter(|c| c.starred).map(|c| c.id.clone()).collect();
    assert_eq!(&listed, expected, "the list's stars after {step}");
    let nn = api.now_next().expect("now/next");
    for card in nn.now.iter().chain(&nn.next) {
        assert_eq!(card.starred, expected.contains(&card.id), "now/next star of {} after {step}", card.id);
    }
    if let Some(id) = open {
        let detail = api.session_detail(SessionDetailArgs { id: id.into() }).expect("detail");
        assert_eq!(detail.card.starred, expected.contains(id), "the detail's star after {step}");
    }
}

/// Issue 25: two stars, one from the list and one from a session's page, then "Mine". The UI
/// calls these in any order, and Tauri runs commands side by side on its blocking pool; in every
/// order, and with the calls racing, a star the core answered as on is in "Mine" and on every
/// card, and each change the core announces is told after the change can be read.
#[test]
fn two_stars_from_the_list_and_the_detail_are_in_mine_in_every_interleaving() {
    use std::collections::BTreeSet;
    use std::sync::{Arc, Mutex, OnceLock};
    let b = demo();
    let at = chrono::DateTime::parse_from_rfc3339("2027-03-10T11:00:00+01:00").expect("time");
    let parallel: Vec<String> = b
        .sessions
        .iter()
        .filter(|s| s.starts_at == at && s.kind != SessionKind::Break)
        .take(2)
        .map(|s| s.id.clone())
        .collect();
    let (from_list, from_detail) = (parallel[0].clone(), parallel[1].clone());
    // The UI's steps: star from the list; open the other session's page; star it there.
    #[derive(Clone, Copy, Debug)]
    enum Step {
        StarFromList,
        OpenDetail,
        StarFromDetail,
    }
    let orders = [
        [Step::StarFromList, Step::OpenDetail, Step::StarFromDetail],
        [Step::OpenDetail, Step::StarFromList, Step::StarFromDetail],
        [Step::OpenDetail, Step::StarFromDetail, Step::StarFromList],
    ];
    for order in orders {
        let dir = tempfile::tempdir().expect("dir");
        // What "Mine" held each time the core said the agenda changed, read inside the listener
        // as the UI reads it when the change event arrives (a listener called with the cache
        // locked would hang here).
        let api_slot: Arc<OnceLock<Arc<AppApi>>> = Arc::default();
        let told: Arc<Mutex<Vec<BTreeSet<String>>>> = Arc::default();
        let (slot, log) = (api_slot.clone(), told.clone());
        let api = Arc::new(app(&dir).on_change(move |what| {
            if what == elements_protocol::app::Changed::Element(elements_protocol::event::ElementKind::Agenda) {
                if let Some(api) = slot.get() {
                    let mine = api.my_schedule().expect("mine, read on the change");
                    let ids = mine.days.into_iter().flat_map(|d| d.sessions.into_iter().map(|s| s.card.id)).collect();
                    log.lock().expect("log").push(ids);
                }
            }
        }));
        api_slot.set(api.clone()).ok().expect("once");
        let mut expected = BTreeSet::new();
        let mut open = None;
        every_view_agrees(&api, open.as_deref(), &expected, "launch");
        for step in order {
            match step {
                Step::StarFromList => {
                    let card = api.star_session(StarArgs { id: from_list.clone(), starred: true }).expect("star");
                    assert!(card.starred);
                    expected.insert(from_list.clone());
                }
                Step::OpenDetail => {
                    let d = api.session_detail(SessionDetailArgs { id: from_detail.clone() }).expect("detail");
                    assert!(!d.card.starred, "not starred yet");
                    open = Some(from_detail.clone());
                }
                Step::StarFromDetail => {
                    let card = api.star_session(StarArgs { id: from_detail.clone(), starred: true }).expect("star");
                    assert!(card.starred);
                    expected.insert(from_detail.clone());
                    // The page's own answer after the star: what the detail shows.
                    let d = api.session_detail(SessionDetailArgs { id: from_detail.clone() }).expect("detail");
                    assert!(d.card.starred);
                }
            }
            every_view_agrees(&api, open.as_deref(), &expected, &format!("{step:?} in {order:?}"));
            if matches!(step, Step::StarFromList | Step::StarFromDetail) {
                let last = told.lock().expect("log").last().cloned();
                assert_eq!(
                    last.as_ref(),
                    Some(&expected),
                    "Mine as read on the change told after {step:?} in {order:?}"
                );
            }
        }
    }

    // Racing, as the blocking pool runs them: two threads star (from the list, from the detail)
    // while a third reads "Mine"; each starring thread reads its own star back at once.
    let dir = tempfile::tempdir().expect("dir");
    let api = Arc::new(app(&dir));
    for round in 0..50 {
        let on = round % 2 == 0;
        std::thread::scope(|s| {
            for id in [&from_list, &from_detail] {
                let api = api.clone();
                s.spawn(move || {
                    let card = api.star_session(StarArgs { id: id.clone(), starred: on }).expect("star");
                    assert_eq!(card.starred, on);
                    let mine = api.my_schedule().expect("mine");
                    let held = mine.days.iter().flat_map(|d| &d.sessions).any(|m| &m.card.id == id);
                    assert_eq!(held, on, "round {round}: {id} read back from Mine right after its star answered");
                });
            }
            let api = api.clone();
            s.spawn(move || {
                for _ in 0..5 {
                    api.my_schedule().expect("Mine, read while stars are written");
                }
            });
        });
        let expected: BTreeSet<String> =
            if on { [from_list.clone(), from_detail.clone()].into_iter().collect() } else { BTreeSet::new() };
        every_view_agrees(&api, Some(&from_detail), &expected, &format!("racing round {round}"));
    }
}
