//! The app API against a real cache: what the UI's commands answer.

use elements_client::api::{AppApi, Clock};
use elements_client::bundled;
use elements_protocol::app::{AgendaDayArgs, ErrorCode, EventPhase, Headline, SearchArgs, SessionDetailArgs};

fn api_at(clock: Clock) -> (tempfile::TempDir, AppApi) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (api, _) = AppApi::start(dir.path(), clock, &mut |_| {}).expect("start");
    (dir, api)
}

fn fixed(t: &str) -> Clock {
    Clock::Fixed(chrono::DateTime::parse_from_rfc3339(t).expect("time").with_timezone(&chrono::Utc))
}

#[test]
fn agenda_day_lists_that_days_sessions_in_start_order() {
    let (_dir, api) = api_at(Clock::System);
    let b = bundled::demo_event().expect("demo");
    for day in &b.manifest.days {
        let agenda = api.agenda_day(AgendaDayArgs { day: day.index }).expect("agenda");
        let expected: Vec<&str> = b
            .sessions
            .iter()
            .filter(|s| elements_domain::day_of(&b.manifest.days, &s.starts_at) == Some(day.index))
            .map(|s| s.id.as_str())
            .collect();
        assert_eq!(agenda.sessions.len(), expected.len(), "day {}", day.index);
        for id in expected {
            assert!(agenda.sessions.iter().any(|c| c.id == id), "{id} listed on day {}", day.index);
        }
        let starts: Vec<&str> = agenda.sessions.iter().map(|c| c.starts.as_str()).collect();
        let mut sorted = starts.clone();
        sorted.sort();
        assert_eq!(starts, sorted, "start order on day {}", day.index);
        assert!(agenda
            .sessions
            .iter()
            .all(|c| c.day == day.index && c.room.as_ref().is_some_and(|r| !r.name.is_empty())));
    }
}

#[test]
fn an_unknown_day_or_session_is_not_found_with_a_helpful_message() {
    let (_dir, api) = api_at(Clock::System);
    let err = api.agenda_day(AgendaDayArgs { day: 9 }).expect_err("no day 9");
    assert_eq!(err.code, ErrorCode::NotFound);
    assert!(err.message.contains("days: 1, 2, 3"), "{}", err.message);
    let err = api.session_detail(SessionDetailArgs { id: "nope".into() }).expect_err("no such session");
    assert_eq!(err.code, ErrorCode::NotFound);
    assert!(err.message.contains("nope"));
}

#[test]
fn session_detail_carries_speakers_room_and_times() {
    let (_dir, api) = api_at(Clock::System);
    let b = bundled::demo_event().expect("demo");
    let s = b.sessions.iter().find(|s| s.speaker_ids.len() >= 2).expect("a session with two speakers");
    let d = api.session_detail(SessionDetailArgs { id: s.id.clone() }).expect("detail");
    assert_eq!(d.card.title, s.title);
    assert_eq!(
        d.speakers.iter().map(|x| x.id.as_str()).collect::<Vec<_>>(),
        s.speaker_ids.iter().map(String::as_str).collect::<Vec<_>>()
    );
    assert_eq!(d.card.starts, s.starts_at.format("%H:%M").to_string());
    let room = b.rooms.iter().find(|r| Some(&r.id) == s.room_id.as_ref()).expect("room");
    assert_eq!(d.card.room.as_ref().map(|r| r.name.as_str()), Some(room.name.as_str()));
    assert!(!d.day_label.is_empty());
}

#[test]
fn search_finds_titles_and_speakers_and_survives_any_input() {
    let (_dir, api) = api_at(Clock::System);
    let found = api.search_sessions(SearchArgs { query: "postgres kube".into() }).expect("search");
    assert!(found.iter().any(|c| c.title.contains("Postgres on Kubernetes")), "{found:?}");
    for nasty in ["\"", "a AND (", "NEAR(x", "*", "'; DROP TABLE session; --", "ü", ""] {
        api.search_sessions(SearchArgs { query: nasty.into() }).expect("no FTS syntax error leaks out");
    }
    let err = api.search_sessions(SearchArgs { query: "x".repeat(500) }).expect_err("too long");
    assert_eq!(err.code, ErrorCode::InvalidArgument);
}

#[test]
fn now_next_follows_the_clock() {
    let (_dir, api) = api_at(fixed("2027-03-10T10:15:00+01:00"));
    let nn = api.now_next().expect("now/next");
    assert_eq!(nn.phase, EventPhase::During);
    assert!(!nn.now.is_empty() && nn.now.iter().all(|c| c.starts.as_str() <= "10:15" && c.ends.as_str() > "10:15"));
    assert!(!nn.next.is_empty() && nn.next.iter().all(|c| c.starts == "11:00"), "{:?}", nn.next);
    assert!(matches!(&nn.headline, Headline::Running { time, .. } if time == "10:15"), "{:?}", nn.headline);
    assert_eq!(nn.changes_in_seconds, None, "a pinned clock never moves");

    // Next up is a coffee break: the talks after it are listed too.
    let (_dir, api) = api_at(fixed("2027-03-11T14:40:00+01:00"));
    let nn = api.now_next().expect("now/next");
    assert_eq!(nn.next[0].title, "Coffee Break");
    assert!(nn.next.len() > 1 && nn.next[1..].iter().all(|c| c.starts == "15:45"), "{:?}", nn.next);

    let (_dir, api) = api_at(fixed("2027-02-28T12:00:00+01:00"));
    let nn = api.now_next().expect("now/next");
    assert_eq!(nn.phase, EventPhase::Before);
    assert_eq!(nn.headline, Headline::StartsIn { days: 9 });
    assert!(nn.now.is_empty());
    assert!(nn.next.iter().all(|c| c.day == 1), "first up is the first day's opening");
    assert_eq!(nn.next.len(), 6, "the opening programme, breaks left out");
    assert!(nn.next[0].title.starts_with("Opening Keynote"), "{:?}", nn.next[0]);

    let (_dir, api) = api_at(fixed("2027-04-01T12:00:00+02:00"));
    assert_eq!(api.now_next().expect("now/next").phase, EventPhase::After);
}

#[test]
fn a_broken_event_file_is_rejected_naming_each_problem() {
    let mut v: serde_json::Value = serde_json::from_str(bundled::DEMO_EVENT_JSON).expect("json");
    v["sessions"][3]["room_id"] = "ballroom".into();
    v["sessions"][4]["ends_at"] = "2000-01-01T00:00:00+00:00".into();
    v["speakers"][1]["id"] = v["speakers"][0]["id"].clone();
    let err = bundled::parse_event(&v.to_string()).expect_err("rejected");
    assert!(err.contains("room_id \"ballroom\" is not a room"), "{err}");
    assert!(err.contains("before it starts"), "{err}");
    assert!(err.contains("repeats the id"), "{err}");
    let err = bundled::parse_event("{\"format_version\": 1, \"manifest\": 3}").expect_err("rejected");
    assert!(err.contains("not a valid Elements event file"), "{err}");
}

#[test]
fn the_demo_event_is_a_realistic_three_day_conference() {
    let b = bundled::demo_event().expect("demo");
    assert_eq!(b.manifest.days.len(), 3);
    assert_eq!(b.floors.len(), 2);
    assert_eq!(b.rooms.len(), 6);
    assert!((110..=130).contains(&b.sessions.len()), "{}", b.sessions.len());
    assert!((35..=45).contains(&b.points_of_interest.len()));
    assert_eq!(b.polls.len(), 9, "three single-choice polls and one of every other kind");
    assert_eq!(b.quests.len(), 4);
    assert_eq!(b.quests.iter().filter(|q| q.hidden).count(), 1, "one quest a scenario reveals");
    // The scenarios an organizer writes, each valid (the event validates) and each exercised
    // by domain/tests/rules.rs's tables in kind.
    let ids: Vec<&str> = b.scenarios.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "booth-trail",
            "rate-talk",
            "poll-streak",
            "quiz-right",
            "regular-attend",
            "regular-vote",
            "networking-goal",
            "hidden-quest"
        ]
    );
    assert!(b.quests.iter().map(|q| q.checkpoints.len()).sum::<usize>() >= 8);
    assert_eq!(b.people.len(), 200);
    let assets = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/demo-event");
    for f in &b.floors {
        let plan = std::fs::read_to_string(assets.join(&f.plan_image)).expect("floor plan exists");
        assert!(plan.starts_with("<svg"), "{} is an SVG image", f.plan_image);
    }
    for kind in ["toilet", "exit", "food", "booth", "stairs", "lift"] {
        assert!(
            b.points_of_interest.iter().any(|p| serde_json::to_value(p.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .as_deref()
                == Some(kind)),
            "has a {kind}"
        );
    }
}

#[test]
fn a_cache_that_cannot_answer_the_rules_is_a_cache_error_not_a_missing_poll() {
    let (dir, api) = api_at(fixed("2027-03-10T09:30:00+01:00"));
    let vote = || elements_protocol::app::VoteArgs { poll_id: "poll-opening".into(), option_id: "o1".into() };
    // Another process breaks the table the rules read polls from.
    let conn = rusqlite::Connection::open(elements_client::paths::cache_file(dir.path())).expect("open");
    conn.execute_batch("ALTER TABLE poll RENAME TO poll_gone").expect("break it");
    let err = api.cast_vote(vote()).expect_err("no vote without the rules' facts");
    assert_eq!(err.code, ErrorCode::CacheUnavailable, "{}", err.message);
    assert!(!err.message.contains("there is no poll"), "{}", err.message);
    conn.execute_batch("ALTER TABLE poll_gone RENAME TO poll").expect("mend it");
    api.cast_vote(vote()).expect("with the facts back, the vote counts");
}

#[test]
fn language_and_theme_are_remembered_across_restarts_and_a_language_we_do_not_speak_is_refused() {
    use elements_protocol::app::{Preferences, Theme};
    let dir = tempfile::tempdir().expect("temp dir");
    let (api, _) = AppApi::start(dir.path(), Clock::System, &mut |_| {}).expect("start");
    assert_eq!(api.preferences().expect("read"), Preferences::default(), "a new device follows the system");
    let chosen = Preferences { language: Some("ru".into()), theme: Theme::Dark, reminder_minutes: Some(15) };
    assert_eq!(api.set_preferences(chosen.clone()).expect("set"), chosen);
    let err = api
        .set_preferences(Preferences { language: Some("fr".into()), theme: Theme::Light, reminder_minutes: None })
        .expect_err("French is not in the catalogue");
    assert_eq!(err.code, ErrorCode::InvalidArgument);
    assert!(err.message.contains("\"fr\"") && err.message.contains("en, ru"), "{}", err.message);
    drop(api);

    let (api, _) = AppApi::start(dir.path(), Clock::System, &mut |_| {}).expect("restart");
    assert_eq!(api.preferences().expect("read"), chosen, "kept, and the refused change lost nothing");
    let odd = Preferences { reminder_minutes: Some(7), ..chosen.clone() };
    assert_eq!(api.set_preferences(odd).expect_err("7 is not offered").code, ErrorCode::InvalidArgument);
    let back = Preferences { language: None, theme: Theme::System, reminder_minutes: None };
    assert_eq!(api.set_preferences(back.clone()).expect("back to the system's"), back);
}

/// The start-up answer is each part's own command answered at the same moment: before the event
/// the agenda opens on its first day, during it on today's.
#[test]
fn startup_answers_what_the_first_screen_would_ask_one_by_one() {
    for (clock, opens_on) in [(fixed("2027-01-10T09:00:00+01:00"), 1), (fixed("2027-03-11T10:05:00+01:00"), 2)] {
        let (_dir, api) = api_at(clock);
        let start = api.startup().expect("startup");
        assert_eq!(start.preferences, api.preferences().expect("preferences"));
        assert_eq!(start.overview, api.event_overview().expect("overview"));
        let agenda = start.agenda.expect("the demo opens on the agenda");
        assert_eq!(agenda.now_next, api.now_next().expect("now/next"));
        assert_eq!(agenda.day.day, opens_on, "{:?}", agenda.now_next.phase);
        assert_eq!(agenda.day, api.agenda_day(AgendaDayArgs { day: opens_on }).expect("day"));
        assert_eq!(agenda.mine, api.my_schedule().expect("schedule"));
    }
}

/// The first screen is kept for the next launch of this app on this event only; too large a
/// one is refused with the limit named; a change of language or theme forgets it.
#[test]
fn the_first_screen_is_kept_for_the_next_launch_of_the_same_event() {
    use elements_protocol::app::FirstScreenArgs;
    let dir = tempfile::tempdir().expect("temp dir");
    let (api, _) = AppApi::start(dir.path(), Clock::System, &mut |_| {}).expect("start");
    assert_eq!(api.first_screen().expect("read"), None, "nothing kept yet");
    let html = r#"<div class="first-screen" data-theme="light" data-lang="en"><div class="app">Программа</div></div>"#;
    assert!(api.save_first_screen(FirstScreenArgs { html: html.into() }).expect("save"));
    drop(api);
    let (again, _) = AppApi::start(dir.path(), Clock::System, &mut |_| {}).expect("restart");
    assert_eq!(again.first_screen().expect("read").as_deref(), Some(html));

    // Kept for another event (or another version of the app): not shown for this one.
    let file = dir.path().join("first-screen.html");
    let text = std::fs::read_to_string(&file).expect("kept");
    let (header, body) = text.split_once('\n').expect("a header line");
    std::fs::write(&file, format!("{} another-event\n{body}", header.rsplit_once(' ').expect("event id").0))
        .expect("write");
    assert_eq!(again.first_screen().expect("read"), None);

    let too_big = "x".repeat(512 * 1024 + 1);
    let refused = again.save_first_screen(FirstScreenArgs { html: too_big }).expect_err("too large");
    assert_eq!(refused.code, ErrorCode::InvalidArgument);
    assert!(refused.message.contains("524288"), "{}", refused.message);

    assert!(again.save_first_screen(FirstScreenArgs { html: html.into() }).expect("save"));
    let mut prefs = again.preferences().expect("preferences");
    prefs.language = Some("ru".into());
    again.set_preferences(prefs).expect("set");
    assert_eq!(again.first_screen().expect("read"), None, "painted in the old language");
}
