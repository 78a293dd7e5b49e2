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
