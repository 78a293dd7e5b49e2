//! The agenda in the real app: the first day, a session's page, search, the keyboard alone.

use elements_e2e::*;
use fantoccini::Locator;

#[tokio::test]
async fn agenda_shows_the_demo_event_and_exactly_the_first_days_sessions() {
    let b = demo();
    with_app(&[], |c| async move {
        let name = eventually("the event name", WAIT, || text_of(&c, "[data-testid=event-name]")).await;
        assert_eq!(name, b.manifest.name);

        let first_day = b.manifest.days[0].index;
        let mut shown = wait_for_day(&c, &b, first_day).await;
        let mut expected = session_ids_on(&b, first_day);
        assert!(expected.len() > 20, "the demo's first day is a real programme");
        shown.sort();
        expected.sort();
        assert_eq!(shown, expected, "the agenda lists exactly the first day's sessions");
        let selected = c
            .find(Locator::Css(&format!("[data-testid=day-tab-{first_day}]")))
            .await
            .expect("day tab")
            .attr("aria-selected")
            .await
            .expect("attr");
        assert_eq!(selected.as_deref(), Some("true"));

        // Another day: its own sessions, not the first day's.
        let second = b.manifest.days[1].index;
        c.find(Locator::Css(&format!("[data-testid=day-tab-{second}]")))
            .await
            .expect("tab")
            .click()
            .await
            .expect("click");
        let mut shown = wait_for_day(&c, &b, second).await;
        let mut expected = session_ids_on(&b, second);
        shown.sort();
        expected.sort();
        assert_eq!(shown, expected);
    })
    .await;
}

#[tokio::test]
async fn tapping_a_session_opens_its_detail_with_speakers() {
    let b = demo();
    with_app(&[], |c| async move {
        let first_day = b.manifest.days[0].index;
        wait_for_day(&c, &b, first_day).await;
        let session = b
            .sessions
            .iter()
            .find(|s| {
                s.speaker_ids.len() >= 2 && elements_domain::day_of(&b.manifest.days, &s.starts_at) == Some(first_day)
            })
            .expect("a first-day session with two speakers");
        let card = c
            .find(Locator::Css(&format!("[data-testid=session-card][data-session-id='{}']", session.id)))
            .await
            .expect("its card");
        card.click().await.expect("tap");
        let title = eventually("the session detail", WAIT, || async {
            let detail = c.find(Locator::Css("[data-testid=session-detail]")).await.ok()?;
            (detail.attr("data-session-id").await.ok()?? == session.id).then_some(())?;
            text_of(&c, "[data-testid=detail-title]").await
        })
        .await;
        assert_eq!(title, session.title);
        let speakers = text_of(&c, "[data-testid=speakers]").await.expect("speaker list");
        for id in &session.speaker_ids {
            let name = &b.speakers.iter().find(|s| &s.id == id).expect("speaker").name;
            assert!(speakers.contains(name.as_str()), "{name} listed in {speakers:?}");
        }
    })
    .await;
}

#[tokio::test]
async fn search_finds_a_session_by_speaker_name() {
    let b = demo();
    with_app(&[], |c| async move {
        wait_for_day(&c, &b, b.manifest.days[0].index).await;
        let session = b.sessions.iter().find(|s| !s.speaker_ids.is_empty()).expect("a session with a speaker");
        let speaker = b.speakers.iter().find(|s| s.id == session.speaker_ids[0]).expect("speaker");
        let surname = speaker.name.split_whitespace().last().expect("surname").to_string();
        c.find(Locator::Css("[data-testid=search]"))
            .await
            .expect("search box")
            .send_keys(&surname)
            .await
            .expect("type");
        let found = eventually("search results", WAIT, || async {
            let ids = attrs(&c, "[data-testid=search-card]", "data-session-id").await;
            (!ids.is_empty()).then_some(ids)
        })
        .await;
        assert!(found.contains(&session.id), "searching {surname:?} finds {} in {found:?}", session.id);
    })
    .await;
}

/// The agenda with the keyboard alone: Tab reaches the navigation, the days, search, the
/// grouping and a session card, each with a visible focus ring; Enter opens the session and
/// moves the focus into it; Escape closes it and puts the focus back on its card. Every control
/// has an accessible name.
#[tokio::test]
async fn the_agenda_can_be_walked_with_the_keyboard_alone() {
    const TAB: &str = "\u{E004}";
    const ENTER: &str = "\u{E007}";
    const ESCAPE: &str = "\u{E00C}";
    let b = demo();
    with_app(&["--window-size", "1280x820"], |c| async move {
        wait_for_day(&c, &b, b.manifest.days[0].index).await;
        let mut seen = Vec::new();
        let mut card = None;
        for _ in 0..80 {
            press(&c, TAB).await;
            let now = focused(&c).await;
            let parts: Vec<&str> = now.split('|').collect();
            assert_eq!(parts.get(3).copied(), Some("solid"), "focus ring missing on {now}");
            seen.push(parts.get(1).copied().unwrap_or_default().to_string());
            if parts.get(1) == Some(&"session-card") {
                card = parts.get(2).map(|s| s.to_string());
                break;
            }
        }
        let card = card.unwrap_or_else(|| panic!("Tab never reached a session card; focus went through {seen:?}"));
        for stop in ["nav-agenda", "nav-voting", "day-tab-1", "search"] {
            assert!(seen.iter().any(|s| s == stop), "Tab skipped {stop}: {seen:?}");
        }
        press(&c, ENTER).await;
        eventually("the session opened and focused", WAIT, || async {
            let f = focused(&c).await;
            let shown = c
                .find(Locator::Css("[data-testid=session-detail]"))
                .await
                .ok()?
                .attr("data-session-id")
                .await
                .ok()??;
            (f.starts_with(&format!("article|session-detail|{card}|")) && shown == card).then_some(())
        })
        .await;
        press(&c, ESCAPE).await;
        eventually("the session closed and the focus back on its card", WAIT, || async {
            let closed = c.find(Locator::Css("[data-testid=session-detail]")).await.is_err();
            (closed && focused(&c).await.starts_with(&format!("button|session-card|{card}|"))).then_some(())
        })
        .await;
        assert_eq!(unnamed_controls(&c).await, Vec::<String>::new());
    })
    .await;
}

/// A launch after the first shows the first screen the last one painted while the UI starts
/// (saved beside the cache, inert: nothing in it is found as the live screen), then the UI's
/// own, with nothing of the saved one left on the page.
#[tokio::test]
async fn a_second_launch_shows_the_saved_first_screen_then_its_own() {
    let data = tempfile::tempdir().expect("temp dir");
    let b = demo();
    let first_day = b.manifest.days[0].index;
    let kept = data.path().join("first-screen.html");
    let file = kept.clone();
    with_app_at(data.path(), &[], |c| async move {
        wait_for_day(&c, &demo(), first_day).await;
        eventually("the first screen kept for the next launch", WAIT, || async { file.exists().then_some(()) }).await;
    })
    .await;
    let saved = std::fs::read_to_string(&kept).expect("kept");
    assert!(saved.contains(r#"class="first-screen""#) && saved.contains("session-card"), "{saved:.300}");
    assert!(!saved.contains("data-testid"), "nothing in the saved screen answers a test id");
    with_app_at(data.path(), &[], |c| async move {
        let mut shown = wait_for_day(&c, &b, first_day).await;
        let mut expected = session_ids_on(&b, first_day);
        shown.sort();
        expected.sort();
        assert_eq!(shown, expected, "the UI's own agenda");
        eventually("the saved first screen taken away", WAIT, || async {
            c.find_all(Locator::Css(".first-screen")).await.ok().filter(|all| all.is_empty())
        })
        .await;
    })
    .await;
}
