//! Schedules in the shapes events really publish them, beyond ../shared/data/schedules: FOSDEM's
//! Pentabarf XML, a merged frab XML, an Outlook-style iCalendar; and hostile values that used to
//! panic. Fixtures are hand-written in those shapes (tests/fixtures/).

use elements_import::{import, import_with, ImportError, Options};
use elements_protocol::event::EventBundle;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn session<'a>(b: &'a EventBundle, title: &str) -> &'a elements_protocol::event::Session {
    b.sessions.iter().find(|s| s.title.starts_with(title)).unwrap_or_else(|| panic!("no session {title}"))
}

fn room_name<'a>(b: &'a EventBundle, s: &elements_protocol::event::Session) -> Option<&'a str> {
    let id = s.room_id.as_ref()?;
    b.rooms.iter().find(|r| &r.id == id).map(|r| r.name.as_str())
}

#[test]
fn pentabarf_without_acronym_or_zone_is_refused_until_given_a_zone_then_read_in_it() {
    let bytes = fixture("pentabarf-fosdem.xml");
    let err = import(&bytes).expect_err("local times and no zone must not be read as UTC");
    let msg = err.to_string();
    assert!(msg.contains("--timezone") && msg.contains("no time zone"), "{msg}");

    let i = import_with(&bytes, &Options::with_timezone("Europe/Brussels").expect("zone")).expect("imports");
    let b = &i.bundle;
    assert_eq!(b.manifest.name, "FOSDEM 2026");
    assert_eq!(b.manifest.id, "fosdem-2026", "id from the title when there is no acronym");
    assert_eq!(b.manifest.timezone, "Europe/Brussels");
    assert_eq!(b.sessions.len(), 4, "{:?}", i.warnings);
    assert_eq!(session(b, "Welcome to FOSDEM").starts_at.to_rfc3339(), "2026-01-31T09:30:00+01:00");
    assert_eq!(session(b, "Closing FOSDEM").starts_at.to_rfc3339(), "2026-02-01T16:50:00+01:00");
    assert_eq!(room_name(b, session(b, "Rust on tiny boards")), Some("H.1302 (Depage)"));

    let err = Options::with_timezone("Brussels").expect_err("not an IANA name");
    assert!(err.contains("Europe/Brussels"), "{err}");
}

#[test]
fn merged_frab_keeps_every_event_in_the_day_it_is_listed_under_in_the_files_offset() {
    let i = import(&fixture("merged-frab.xml")).expect("imports");
    let b = &i.bundle;
    // 10 events published: 8 readable (one a repeat), 2 broken ones skipped and named.
    let titles: Vec<&str> = b.sessions.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(b.sessions.len(), 8, "{titles:?} {:?}", i.warnings);
    assert_eq!(i.warnings.len(), 2, "{:?}", i.warnings);
    assert!(i.warnings.iter().any(|w| w.contains("106") && w.contains("<duration>")), "{:?}", i.warnings);
    assert!(i.warnings.iter().any(|w| w.contains("107") && w.contains("<title>")), "{:?}", i.warnings);

    // +01:00 on every date and no zone name: the offset is the zone, not UTC.
    assert_eq!(b.manifest.timezone, "Etc/GMT-1");
    assert!(b.sessions.iter().all(|s| s.starts_at.offset().local_minus_utc() == 3600));

    let day = |title: &str| elements_domain::day_of(&b.manifest.days, &session(b, title).starts_at);
    assert_eq!(day("Doors open"), Some(1), "before day 1's published start: day 1 widened");
    assert_eq!(day("Late night chiptunes"), Some(1));
    assert_eq!(day("Sunrise yoga"), Some(2), "between day 1's end and day 2's start, listed under day 2");
    assert_eq!(day("Teardown party"), Some(3), "after day 3's published end");

    let zero = session(b, "Angel meeting point opens");
    assert_eq!(zero.starts_at, zero.ends_at, "zero-length entry kept");

    let repeats: Vec<&str> =
        b.sessions.iter().filter(|s| s.title == "Lockpicking workshop").map(|s| s.id.as_str()).collect();
    assert_eq!(repeats.len(), 2, "the same guid at another time is a second session");
    assert_ne!(repeats[0], repeats[1]);
    let again = import(&fixture("merged-frab.xml")).expect("again");
    assert_eq!(again.bundle, i.bundle, "ids stay stable across imports");
    elements_domain::validate(b).expect("valid");
}

#[test]
fn icalendar_folded_inside_a_character_with_tzids_no_location_and_zero_length() {
    let i = import(&fixture("almaty-outlook.ics")).expect("a fold that splits a UTF-8 character is legal");
    let b = &i.bundle;
    assert_eq!(b.manifest.timezone, "Asia/Almaty", "from VTIMEZONE/TZID, not UTC");
    assert_eq!(b.sessions.len(), 3, "{:?}", i.warnings);
    let opening = session(b, "Открытие конференции");
    assert_eq!(opening.starts_at.to_rfc3339(), "2027-04-15T10:00:00+05:00");
    assert_eq!(opening.summary, "Добро пожаловать на конференцию в Алматы.");
    assert!(!opening.summary.contains('\u{fffd}'));
    assert_eq!(room_name(b, opening), Some("Главный зал"));

    let remote = session(b, "Remote keynote from Paris");
    assert_eq!(remote.starts_at.to_rfc3339(), "2027-04-15T09:00:00+02:00", "TZID=Europe/Paris read");
    assert_eq!((remote.ends_at - remote.starts_at).num_minutes(), 45, "the event's DURATION, not its alarm's");
    assert_eq!(remote.room_id, None, "no LOCATION, no invented room");
    assert!(b.rooms.iter().all(|r| r.name != "Main stage"));

    let photo = session(b, "Group photo");
    assert_eq!(photo.starts_at, photo.ends_at, "DTEND equal to DTSTART is kept");
}

#[test]
fn icalendar_with_floating_times_and_no_zone_asks_for_one() {
    let ics = b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART:20270310T090000\r\nDURATION:PT1H\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let err = import(ics).expect_err("floating times without a zone");
    assert!(err.to_string().contains("--timezone"), "{err}");
    let i = import_with(ics, &Options::with_timezone("Asia/Almaty").expect("zone")).expect("with a zone");
    assert_eq!(i.bundle.sessions[0].starts_at.to_rfc3339(), "2027-03-10T09:00:00+05:00");
}

#[test]
fn one_broken_session_is_skipped_by_name_in_every_format() {
    let json = br#"{"schedule": {"conference": {"acronym": "x", "title": "X", "time_zone_name": "Europe/Berlin",
      "days": [{"index": 1, "date": "2027-03-10", "day_start": "2027-03-10T09:00:00+01:00", "day_end": "2027-03-10T23:00:00+01:00",
        "rooms": {"A": [
          {"id": 1, "guid": "g1", "date": "2027-03-10T10:00:00+01:00", "duration": "00:30", "room": "A", "title": "Good"},
          {"id": 2, "guid": "g2", "date": "2027-03-10T11:00:00+01:00", "room": "A", "title": "No duration"},
          {"id": 3, "guid": "g3", "date": "2027-03-10T12:00:00+01:00", "duration": "00:30", "room": "A"}
        ]}}]}}}"#;
    let i = import(json).expect("imports the good one");
    assert_eq!(i.bundle.sessions.len(), 1);
    assert!(i.warnings.iter().any(|w| w.contains("g2") && w.contains("duration")), "{:?}", i.warnings);
    assert!(i.warnings.iter().any(|w| w.contains("g3") && w.contains("title")), "{:?}", i.warnings);
}

fn frab_with(event_fields: &str) -> String {
    format!(
        r#"<schedule><conference><acronym>x</acronym><title>X</title></conference>
        <day index="1" date="2027-03-10" start="2027-03-10T09:00:00+01:00" end="2027-03-11T04:00:00+01:00"><room name="A">
        <event guid="good" id="1"><date>2027-03-10T10:00:00+01:00</date><duration>00:30</duration><title>Good</title></event>
        <event guid="bad" id="2">{event_fields}</event>
        </room></day></schedule>"#
    )
}

#[test]
fn hostile_values_are_errors_or_skips_never_panics() {
    let cases = [
        frab_with("<date>2027-03-10T11:00:00+01:00</date><duration>999999999999999999:00</duration><title>t</title>"),
        frab_with("<date>+262143-12-31T23:59:00+01:00</date><duration>23:59</duration><title>t</title>"),
        frab_with("<date>2027-03-10T11:00:00+01:00</date><duration>00:30</duration><title>a<!DOCTYPE x>b</title>"),
        frab_with("<start>25:99</start><duration>00:30</duration><title>t</title>"),
    ];
    for xml in &cases {
        // The good session survives where the parser could read the file at all.
        match import(xml.as_bytes()) {
            Ok(i) => assert!(i.bundle.sessions.iter().any(|s| s.title == "Good"), "{xml}"),
            Err(e) => assert!(matches!(e, ImportError::Malformed { .. }), "{xml}: {e}"),
        }
    }
    for duration in ["P1000000000000000W", "P1000000000000000D", "PT99999999999999999999M"] {
        let ics = format!(
            "BEGIN:VCALENDAR\r\nX-WR-TIMEZONE:Europe/Berlin\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART:20270310T090000Z\r\nDURATION:{duration}\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        );
        let err = import(ics.as_bytes()).expect_err(duration);
        assert!(err.to_string().contains("DURATION"), "{err}");
    }
    let year = "BEGIN:VCALENDAR\r\nX-WR-TIMEZONE:UTC\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART:+2621431231T235900Z\r\nDURATION:PT1H\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    assert!(import(year.as_bytes()).is_err());
}
