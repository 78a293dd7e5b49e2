//! The built app in its real webview (WebKitGTK), driven through WebDriver: tauri-driver in
//! front of Debian's WebKitWebDriver, on an Xvfb screen. `cargo xtask test` starts all three
//! and passes their coordinates in the environment.

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

/// Screenshots of the real window at phone, tablet and venue-screen sizes, with the layout each
/// size should have: bottom tab bar on the phone, side rail from tablet up, detail beside the
/// list on the venue screen.
#[tokio::test]
async fn screenshots_at_phone_tablet_and_venue_screen_sizes() {
    let b = demo();
    let dir = env().screenshots;
    for (name, w, h) in [("phone", 390u32, 844u32), ("tablet", 820, 1180), ("venue-screen", 1920, 1080)] {
        let size = format!("{w}x{h}");
        let dir = dir.clone();
        let b = b.clone();
        with_app(&["--window-size", &size], |c| async move {
            let inner = eventually("the window at its size", WAIT, || async {
                let v = c.execute("return [window.innerWidth, window.innerHeight]", vec![]).await.ok()?;
                let (iw, ih) = (v[0].as_u64()?, v[1].as_u64()?);
                (iw == u64::from(w)).then_some((iw, ih))
            })
            .await;
            wait_for_day(&c, &b, b.manifest.days[0].index).await;
            let nav = c
                .execute(
                    "const r = document.querySelector('nav.nav').getBoundingClientRect(); return [r.left, r.top, r.width, r.height];",
                    vec![],
                )
                .await
                .expect("nav rect");
            let (nav_top, nav_width) = (nav[1].as_f64().expect("top"), nav[2].as_f64().expect("width"));
            if w < 720 {
                assert!(nav_top > inner.1 as f64 / 2.0 && nav_width >= f64::from(w) - 1.0, "{name}: tab bar at the bottom, got {nav}");
            } else {
                assert!(nav_top < 1.0 && nav_width < 120.0, "{name}: side rail, got {nav}");
            }
            after_paint(&c).await;
            let (x, y, _, _) = c.get_window_rect().await.expect("window rect");
            let agenda = shoot(&dir, &format!("agenda-{name}"), (x, y, w, h), None).await;

            // Open the first card with speakers and screenshot the detail.
            let card = c.find(Locator::Css("[data-testid=session-card]:not(.break)")).await.expect("a session card");
            let id = card.attr("data-session-id").await.expect("attr").expect("id");
            card.click().await.expect("tap");
            eventually("the detail", WAIT, || async {
                let d = c.find(Locator::Css("[data-testid=session-detail]")).await.ok()?;
                (d.attr("data-session-id").await.ok()?? == id).then_some(())
            })
            .await;
            let list_visible = c
                .execute(
                    "const l = document.querySelector('[data-testid=session-list]').getBoundingClientRect(); \
                     const d = document.querySelector('[data-testid=session-detail]').getBoundingClientRect(); \
                     return l.right <= d.left + 1;",
                    vec![],
                )
                .await
                .expect("layout");
            assert_eq!(list_visible.as_bool(), Some(w >= 1200), "{name}: detail beside the list only on wide screens");
            after_paint(&c).await;
            shoot(&dir, &format!("detail-{name}"), (x, y, w, h), Some(&agenda)).await;
        })
        .await;
    }
}

/// A venue screen: `--kiosk` covers the whole monitor, and with the clock on the second
/// afternoon, its now/next panel shows what runs in each room.
#[tokio::test]
async fn kiosk_mode_covers_the_screen_and_follows_the_clock() {
    let b = demo();
    let dir = env().screenshots;
    let data = tempfile::tempdir().expect("temp dir");
    let args = ["--kiosk", "--clock", "2027-03-11T14:40:00+01:00", "--panels", "now_next"];
    with_app_at(data.path(), &args, |c| async move {
        let (w, h) = eventually("the window to cover the screen", WAIT, || async {
            let v = c
                .execute("return [window.innerWidth, window.innerHeight, screen.width, screen.height]", vec![])
                .await
                .ok()?;
            let (iw, ih, sw, sh) = (v[0].as_u64()?, v[1].as_u64()?, v[2].as_u64()?, v[3].as_u64()?);
            (iw == sw && ih == sh).then_some((iw as u32, ih as u32))
        })
        .await;
        let cards = eventually("the rooms now and next", WAIT, || async {
            let t = texts(&c, "[data-testid=venue-room-card]").await;
            (!t.is_empty()).then_some(t.join("\n"))
        })
        .await;
        let clock = text_of(&c, ".venue-clock").await.unwrap_or_default();
        assert_eq!(clock, "14:40");
        let at = chrono_at("2027-03-11T14:40:00+01:00");
        let running: Vec<_> = b
            .sessions
            .iter()
            .filter(|s| s.starts_at <= at && at < s.ends_at && s.kind != elements_protocol::event::SessionKind::Break)
            .collect();
        assert!(!running.is_empty());
        for s in running.iter().take(8) {
            assert!(cards.contains(&s.title), "{} runs at 14:40 and is shown as on now:\n{cards}", s.title);
        }
        // Locked down: no navigation, nothing to type into, no context menu, no reload or zoom.
        assert!(c.find_all(Locator::Css("nav")).await.expect("query").is_empty(), "no navigation on a venue screen");
        assert!(c.find_all(Locator::Css("input, textarea")).await.expect("query").is_empty(), "no text input");
        let mode = c.find(Locator::Css(".app")).await.expect("app").attr("data-mode").await.expect("attr");
        assert_eq!(mode.as_deref(), Some("kiosk"));
        for (what, event) in [
            ("the context menu", "new MouseEvent('contextmenu', {bubbles: true, cancelable: true})"),
            ("Ctrl+R", "new KeyboardEvent('keydown', {key: 'r', ctrlKey: true, bubbles: true, cancelable: true})"),
            ("Ctrl+=", "new KeyboardEvent('keydown', {key: '=', ctrlKey: true, bubbles: true, cancelable: true})"),
            ("F12", "new KeyboardEvent('keydown', {key: 'F12', bubbles: true, cancelable: true})"),
        ] {
            let script = format!("const e = {event}; document.body.dispatchEvent(e); return e.defaultPrevented;");
            let prevented = c.execute(&script, vec![]).await.expect("dispatch");
            assert_eq!(prevented, serde_json::Value::Bool(true), "{what} is blocked on a venue screen");
        }
        after_paint(&c).await;
        shoot(&dir, "kiosk-venue-screen", (0, 0, w, h), None).await;
    })
    .await;
    // And it keeps no attendee's data: the bundled event's directory was dropped.
    let cache = rusqlite::Connection::open(data.path().join("cache.sqlite3")).expect("the kiosk's cache");
    let profiles: i64 = cache.query_row("SELECT count(*) FROM profile", [], |r| r.get(0)).expect("count");
    assert_eq!(profiles, 0, "a venue screen stores no attendee profile");
    let tokens: i64 =
        cache.query_row("SELECT count(*) FROM credential WHERE token IS NOT NULL", [], |r| r.get(0)).expect("count");
    assert_eq!(tokens, 0, "nor anyone's token");
}

/// `--join URL`: the app pulls the event a reference backend serves on 127.0.0.1 and shows it,
/// with its sync state in the header.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn joining_a_backend_shows_its_event_and_sync_state() {
    let mut served = demo();
    served.manifest.id = "synced-summit".into();
    served.manifest.name = "Synced Summit".into();
    served.sessions.retain(|s| s.title.len() % 3 != 0);
    let (url, _store, server, _dir) = serve(&served, None).await;
    // What the event's join QR code carries: the address and a join code.
    let link = format!("elements://join?url={url}&code=JOIN-E2E");
    with_app(&["--join", &link], |c| async move {
        let name = eventually("the joined event's name", WAIT, || text_of(&c, "[data-testid=event-name]")).await;
        assert_eq!(name, "Synced Summit");
        wait_for_day(&c, &served, served.manifest.days[0].index).await;
        let state = eventually("the sync badge", WAIT, || async {
            c.find(Locator::Css("[data-testid=sync-badge]")).await.ok()?.attr("data-state").await.ok()?
        })
        .await;
        assert_eq!(state, "synced");
        after_paint(&c).await;
        let (x, y, w, h) = c.get_window_rect().await.expect("rect");
        shoot(&env().screenshots, "joined-event", (x, y, w as u32, h as u32), None).await;
    })
    .await;
    server.stop();
}

/// Voting end to end: the person taps an option in the real webview, the vote goes through the
/// outbox to the reference backend on 127.0.0.1, and the screen shows it counted with the tally.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vote_tapped_in_the_app_is_counted_by_the_backend() {
    use elements_backend::store::Store;
    let mut served = demo();
    served.manifest.id = "voting-summit".into();
    served.manifest.name = "Voting Summit".into();
    let during = "2027-03-10T09:30:00+01:00";
    let (url, store, server, _dir) = serve(&served, Some(during)).await;
    let link = format!("elements://join?url={url}&code=JOIN-E2E");
    let shots = env().screenshots;
    with_app(&["--join", &link, "--clock", during, "--window-size", "390x844"], |c| async move {
        eventually("the joined event", WAIT, || async {
            (text_of(&c, "[data-testid=event-name]").await? == "Voting Summit").then_some(())
        })
        .await;
        c.find(Locator::Css("[data-testid=nav-voting]")).await.expect("voting tab").click().await.expect("tap");
        let option = "[data-testid=vote-poll-opening-o2]";
        let button =
            eventually("the open poll's options", WAIT, || async { c.find(Locator::Css(option)).await.ok() }).await;
        button.click().await.expect("vote");
        // Counted by the backend, and the tally from its feed on screen.
        eventually("the vote counted", WAIT, || async {
            let card = c.find(Locator::Css("[data-testid=poll-poll-opening]")).await.ok()?;
            let mine = card.find(Locator::Css("[data-testid=my-vote]")).await.ok()?;
            let status = mine.attr("data-status").await.ok()??;
            let total = card.find(Locator::Css(".poll-total")).await.ok()?.text().await.ok()?;
            (status == "accepted" && total == "1 vote counted").then_some(())
        })
        .await;
        let figure = text_of(&c, "[data-testid=vote-poll-opening-o2] .poll-figure").await.expect("figure");
        assert_eq!(figure, "100%");
        // The closed and upcoming polls take no votes.
        let upcoming = c.find(Locator::Css("[data-testid=vote-poll-best-talk-cloud]")).await.expect("upcoming poll");
        assert_eq!(upcoming.prop("disabled").await.expect("prop").as_deref(), Some("true"));
        after_paint(&c).await;
        let (x, y, w, h) = c.get_window_rect().await.expect("rect");
        let voting = shoot(&shots, "voting-phone", (x, y, w as u32, h as u32), None).await;
        // The same screen on a tablet and a venue screen (resized in place).
        let mut before = voting.clone();
        for (name, tw, th) in [("voting-tablet", 820u32, 1180u32), ("voting-venue-screen", 1920, 1080)] {
            resize(&c, tw, th).await;
            after_paint(&c).await;
            let (x, y, _, _) = c.get_window_rect().await.expect("rect");
            before = shoot(&shots, name, (x, y, tw, th), Some(&before)).await;
        }
        c.set_window_size(w as u32, h as u32).await.expect("resize back");
        c.find(Locator::Css("[data-testid=nav-me]")).await.expect("me tab").click().await.expect("tap");
        let source = eventually("where the event comes from", WAIT, || text_of(&c, "[data-testid=event-source]")).await;
        assert!(source.contains(&url), "{source}");
        after_paint(&c).await;
        shoot(&shots, "me-phone", (x, y, w as u32, h as u32), Some(&voting)).await;
    })
    .await;
    server.stop();
    let counted: Vec<_> = store.changes(elements_protocol::event::ElementKind::Voting, 0, 100).expect("feed").changes;
    assert!(counted.iter().any(|ch| matches!(ch,
        elements_protocol::sync::Change::Upsert { entity: elements_protocol::sync::Entity::PollResult(r) } if r.total == 1)));
}

/// Joining by the event's join QR code: the person picks a photo of it (on a phone, the camera)
/// on the Me screen; the app reads the code, joins and redeems it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scanning_the_join_code_joins_the_event() {
    let mut served = demo();
    served.manifest.id = "scanned-summit".into();
    served.manifest.name = "Scanned Summit".into();
    let (url, _store, server, dir) = serve(&served, None).await;
    // The code as the event prints it, photographed: a PNG with a quiet zone.
    let link = format!("elements://join?url={url}&code=JOIN-E2E");
    let photo = qr_photo(dir.path(), "join-code", &link);
    with_app(&[], |c| async move {
        eventually("the demo event", WAIT, || text_of(&c, "[data-testid=event-name]")).await;
        c.find(Locator::Css("[data-testid=nav-me]")).await.expect("me tab").click().await.expect("tap");
        let input = eventually("the scan button", WAIT, || async {
            c.find(Locator::Css("[data-testid=join-scan]")).await.ok()
        })
        .await;
        input.send_keys(&photo.display().to_string()).await.expect("choose the photo");
        let name = eventually("the scanned event", WAIT, || async {
            let name = text_of(&c, "[data-testid=event-name]").await?;
            (name == "Scanned Summit").then_some(name)
        })
        .await;
        assert_eq!(name, "Scanned Summit");
        // The code was redeemed: the directory (token only) synced.
        let state = eventually("the sync badge settled", WAIT, || async {
            let s = c.find(Locator::Css("[data-testid=sync-badge]")).await.ok()?.attr("data-state").await.ok()??;
            (s == "synced").then_some(s)
        })
        .await;
        assert_eq!(state, "synced");
    })
    .await;
    server.stop();
}

/// Every screen in both themes: text meets WCAG AA contrast, every control has a name.
async fn audit_screens(c: &fantoccini::Client, b: &elements_protocol::event::EventBundle, theme: &str) {
    let mut failures = Vec::new();
    open(c, "agenda").await;
    wait_for_day(c, b, b.manifest.days[0].index).await;
    c.find(Locator::Css("[data-testid=session-card]:not(.break)")).await.expect("card").click().await.expect("tap");
    eventually("the detail", WAIT, || text_of(c, "[data-testid=detail-title]")).await;
    after_paint(c).await;
    failures.extend(contrast_failures(c).await.into_iter().map(|f| format!("agenda: {f}")));
    failures.extend(unnamed_controls(c).await.into_iter().map(|f| format!("agenda: unnamed {f}")));
    // People: the badge pane it opens on, then the directory (chips, cards) and the profile
    // (fields with who sees each).
    open(c, "people").await;
    for pane in ["badge", "directory", "profile"] {
        tap(c, &format!("[data-testid=people-tab-{pane}]")).await;
        eventually(&format!("people {pane}"), WAIT, || async {
            c.find(Locator::Css(".loading")).await.is_err().then_some(())
        })
        .await;
        after_paint(c).await;
        failures.extend(contrast_failures(c).await.into_iter().map(|f| format!("people {pane}: {f}")));
        failures.extend(unnamed_controls(c).await.into_iter().map(|f| format!("people {pane}: unnamed {f}")));
    }
    for screen in ["voting", "quests", "me"] {
        open(c, screen).await;
        eventually(&format!("{screen} content"), WAIT, || async {
            c.find(Locator::Css(".loading")).await.is_err().then_some(())
        })
        .await;
        after_paint(c).await;
        failures.extend(contrast_failures(c).await.into_iter().map(|f| format!("{screen}: {f}")));
        failures.extend(unnamed_controls(c).await.into_iter().map(|f| format!("{screen}: unnamed {f}")));
    }
    assert!(failures.is_empty(), "{theme} theme:\n  {}", failures.join("\n  "));
}

/// Russian and the dark theme are picked on the Me screen, applied at once without a restart
/// (plural forms and dates in Russian), kept after a restart; both themes pass the contrast and
/// naming audit. Screenshots: the agenda in Russian, and in the dark theme, at phone size.
#[tokio::test]
async fn language_and_theme_switch_at_once_are_remembered_and_every_screen_stays_readable() {
    use elements_i18n::{Arg, Catalogue, Lang};
    let b = demo();
    let data = tempfile::tempdir().expect("temp dir");
    let shots = env().screenshots;
    let first = b.manifest.days[0].index;
    let sessions_on_first = session_ids_on(&b, first).len() as u32;
    let b2 = b.clone();
    with_app_at(data.path(), &["--window-size", "1280x820"], |c| async move {
        let b = b2;
        wait_for_day(&c, &b, first).await;
        audit_screens(&c, &b, "light").await;
        c.find(Locator::Css("[data-testid=theme-dark]")).await.expect("dark").click().await.expect("tap");
        eventually("the dark theme", WAIT, || async { (language_and_theme(&c).await.1 == "dark").then_some(()) }).await;
        audit_screens(&c, &b, "dark").await;
        c.find(Locator::Css("[data-testid=theme-light]")).await.expect("light").click().await.expect("tap");

        // Russian, at once: the navigation, the day tabs' plural, the dates.
        open(&c, "me").await;
        choose(&c, "[data-testid=language]", "ru").await;
        eventually("Russian", WAIT, || async { (language_and_theme(&c).await.0 == "ru").then_some(()) }).await;
        let nav = c
            .execute("return document.querySelector('[data-testid=nav-agenda]').textContent.trim()", vec![])
            .await
            .expect("nav label");
        assert_eq!(nav.as_str(), Some("Программа"));
        open(&c, "agenda").await;
        wait_for_day(&c, &b, first).await;
        let count = text_of(&c, &format!("[data-testid=day-tab-{first}] .day-count")).await.expect("day count");
        let want = Catalogue::new().text(Lang::Ru, "sessions-count", &[("n", Arg::from(sessions_on_first))]);
        assert_eq!(count, want);
        assert!(count.contains("доклад"), "{count}");
        let dates = text_of(&c, "[data-testid=event-dates]").await.expect("dates");
        assert!(dates.contains("марта") || dates.contains("мар"), "the event's dates in Russian: {dates}");
        let plural_check = Catalogue::new();
        let ru = |n: u32| plural_check.text(Lang::Ru, "sessions-count", &[("n", Arg::from(n))]);
        assert_eq!([ru(1), ru(21), ru(22), ru(25)], ["1 доклад", "21 доклад", "22 доклада", "25 докладов"]);
    })
    .await;

    // Restarted: still Russian (and light). Phone-size screenshots, in Russian then dark.
    let b2 = b.clone();
    with_app_at(data.path(), &["--window-size", "390x844"], |c| async move {
        let b = b2;
        eventually("Russian after a restart", WAIT, || async {
            let label = c.execute("return document.querySelector('[data-testid=nav-agenda]').textContent.trim()", vec![]).await.ok()?;
            (label.as_str()? == "Программа").then_some(())
        })
        .await;
        wait_for_day(&c, &b, first).await;
        assert_eq!(language_and_theme(&c).await, ("ru".to_string(), "light".to_string()));
        after_paint(&c).await;
        let (x, y, _, _) = c.get_window_rect().await.expect("window rect");
        let ru = shoot(&shots, "agenda-phone-ru", (x, y, 390, 844), None).await;
        open(&c, "me").await;
        // Below the fold on a phone, under the tab bar: scrolled to, then tapped.
        c.execute(
            "const r = document.querySelector('[data-testid=theme-dark]'); r.scrollIntoView({block: 'center'}); r.click();",
            vec![],
        )
        .await
        .expect("tap dark");
        eventually("the dark theme", WAIT, || async { (language_and_theme(&c).await.1 == "dark").then_some(()) }).await;
        after_paint(&c).await;
        let me = shoot(&shots, "me-phone-ru-dark", (x, y, 390, 844), Some(&ru)).await;
        open(&c, "agenda").await;
        wait_for_day(&c, &b, first).await;
        after_paint(&c).await;
        shoot(&shots, "agenda-phone-ru-dark", (x, y, 390, 844), Some(&me)).await;
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

/// A join link opened while the app runs: the system starts the app a second time with the
/// link as its only argument; that launch hands the link to the running app (over the session
/// bus) and exits, and the running window joins and shows the joined event.
#[tokio::test]
async fn a_join_link_given_to_a_second_launch_reaches_the_running_app_which_joins() {
    let mut served = demo();
    served.manifest.id = "linked-summit".into();
    served.manifest.name = "Linked Summit".into();
    let (url, _store, server, _dir) = serve(&served, None).await;
    let link = elements_protocol::link::Link::Join { url, code: Some("JOIN-E2E".into()) }.to_string();
    let data = tempfile::tempdir().expect("temp dir");
    let folder = data.path().to_path_buf();
    with_app_at(data.path(), &[], |c| async move {
        let demo_name = demo().manifest.name;
        eventually("the demo event", WAIT, || async {
            (text_of(&c, "[data-testid=event-name]").await? == demo_name).then_some(())
        })
        .await;
        second_launch(&link, &folder).await;
        eventually("the joined event in the first window", WAIT, || async {
            (text_of(&c, "[data-testid=event-name]").await? == "Linked Summit").then_some(())
        })
        .await;
        let windows = c.windows().await.expect("windows");
        assert_eq!(windows.len(), 1, "still one window");
    })
    .await;
    server.stop();
}

/// The demo's checkpoint code as printed at the checkpoint, signed with the demo's published key.
fn demo_checkpoint_code(b: &elements_protocol::event::EventBundle, quest: &str, checkpoint: &str) -> String {
    // The same constant as `elements_client::bundled::DEMO_QR_SECRET_HEX` (the app signs nothing;
    // the printed codes are made with it).
    const DEMO_QR_SECRET_HEX: &str = "d3e0c0de0e1e4e47a5c0de5e1e8e475d3e0c0de0e1e4e47a5c0de5e1e8e4750a";
    let secret = elements_domain::qr::secret_from_hex(DEMO_QR_SECRET_HEX).expect("secret");
    let message = elements_protocol::signal::checkpoint_message(&b.manifest.id, quest, checkpoint);
    elements_protocol::link::Link::Checkpoint {
        event: b.manifest.id.clone(),
        quest: quest.into(),
        checkpoint: checkpoint.into(),
        sig: elements_domain::qr::sign(&secret, &message),
    }
    .to_string()
}

/// The number of the scanner's last answer (0 before the first).
async fn last_scan_answer(c: &fantoccini::Client) -> u64 {
    attrs(c, "[data-testid=scan-result]", "data-answer").await.first().and_then(|n| n.parse().ok()).unwrap_or(0)
}

/// Waits for a scanner answer newer than `last`: `found`, or the refusal's reason.
async fn scan_answer_after(c: &fantoccini::Client, last: u64) -> String {
    eventually("the scan's answer", WAIT, || async {
        let answer = c
            .execute(
                "const r = document.querySelector('[data-testid=scan-result]'); \
                 return r ? [Number(r.dataset.answer), r.dataset.status === 'found' ? 'found' : r.dataset.reason] : null;",
                vec![],
            )
            .await
            .ok()?;
        (answer[0].as_u64()? > last).then(|| answer[1].as_str().map(str::to_string)).flatten()
    })
    .await
}

/// Types `code` into the checkpoint field, presses Check, and answers what the app said
/// (`found` or the refusal's reason), waiting for an answer newer than the last one shown.
async fn enter_code(c: &fantoccini::Client, code: &str) -> String {
    let field = c.find(Locator::Css("[data-testid=checkpoint-code]")).await.expect("code field");
    field.clear().await.expect("clear");
    field.send_keys(code).await.expect("type");
    let last = last_scan_answer(c).await;
    c.find(Locator::Css("[data-testid=checkpoint-check]")).await.expect("check").click().await.expect("tap");
    scan_answer_after(c, last).await
}

/// Quests in the real app, offline on the bundled demo: a checkpoint code with its signature
/// edited is refused on the spot with the reason; three signed codes typed as printed count,
/// unlock the tote bag, reveal the hidden quest and leave a card; the card survives a restart
/// and goes when dismissed. Screenshots at phone, tablet (also in Russian) and venue sizes.
#[tokio::test]
async fn quests_take_signed_codes_refuse_edited_ones_and_keep_their_cards_across_a_restart() {
    let b = demo();
    let shots = env().screenshots;
    let data = tempfile::tempdir().expect("temp dir");
    let b2 = b.clone();
    let shots2 = shots.clone();
    with_app_at(data.path(), &["--window-size", "390x844"], |c| async move {
        let (b, shots) = (b2, shots2);
        open(&c, "quests").await;
        eventually("the quests", WAIT, || text_of(&c, "[data-testid=quest-quest-harbour-trail] .quest-title")).await;
        assert!(c.find(Locator::Css("[data-testid=quest-quest-networking]")).await.is_err(), "hidden at first");
        let good = demo_checkpoint_code(&b, "quest-harbour-trail", "cp-trail-1");
        let edited = good.replace("cp-trail-1", "cp-trail-2");
        assert_eq!(enter_code(&c, &edited).await, "bad_signature");
        let said = text_of(&c, "[data-testid=scan-result]").await.expect("refusal");
        assert!(said.contains("Kestrel Security"), "the refusal names the checkpoint: {said}");
        assert_eq!(
            text_of(&c, "[data-testid=quest-quest-harbour-trail] [data-testid=quest-points]").await.as_deref(),
            Some("0 points")
        );
        for cp in ["cp-trail-1", "cp-trail-2", "cp-trail-3"] {
            assert_eq!(enter_code(&c, &demo_checkpoint_code(&b, "quest-harbour-trail", cp)).await, "found", "{cp}");
        }
        eventually("30 points", WAIT, || async {
            let p = text_of(&c, "[data-testid=quest-quest-harbour-trail] [data-testid=quest-points]").await?;
            (p == "30 points").then_some(())
        })
        .await;
        assert_eq!(attrs(&c, "[data-testid=reward-rw-tote]", "data-unlocked").await, vec!["true".to_string()]);
        eventually("the revealed quest and its card", WAIT, || async {
            c.find(Locator::Css("[data-testid=quest-quest-networking]")).await.ok()?;
            text_of(&c, "[data-testid=scenario-card] .card-text").await
        })
        .await;
        c.execute("window.scrollTo(0, 0); document.querySelector('.content').scrollTo(0, 0);", vec![])
            .await
            .expect("top");
        after_paint(&c).await;
        let (x, y, _, _) = c.get_window_rect().await.expect("window rect");
        shoot(&shots, "quests-phone", (x, y, 390, 844), None).await;
    })
    .await;

    // Restarted at tablet size: the card is still there; in Russian too.
    let shots2 = shots.clone();
    with_app_at(data.path(), &["--window-size", "820x1180"], |c| async move {
        let shots = shots2;
        open(&c, "quests").await;
        let card =
            eventually("the card after a restart", WAIT, || text_of(&c, "[data-testid=scenario-card] .card-text"))
                .await;
        assert!(card.contains("Harbour Handshakes"), "{card}");
        after_paint(&c).await;
        let (x, y, _, _) = c.get_window_rect().await.expect("window rect");
        let en = shoot(&shots, "quests-tablet", (x, y, 820, 1180), None).await;
        open(&c, "me").await;
        choose(&c, "[data-testid=language]", "ru").await;
        eventually("Russian", WAIT, || async { (language_and_theme(&c).await.0 == "ru").then_some(()) }).await;
        open(&c, "quests").await;
        let card = eventually("the card in Russian", WAIT, || async {
            text_of(&c, "[data-testid=scenario-card] .card-text").await.filter(|t| t.contains("Рукопожатия"))
        })
        .await;
        assert!(card.starts_with("Появился новый квест"), "{card}");
        after_paint(&c).await;
        shoot(&shots, "quests-tablet-ru", (x, y, 820, 1180), Some(&en)).await;
        choose_back_to_english(&c).await;
        c.find(Locator::Css("[data-testid=card-dismiss]")).await.expect("dismiss").click().await.expect("tap");
        eventually("the card gone", WAIT, || async {
            c.find(Locator::Css("[data-testid=scenario-card]")).await.is_err().then_some(())
        })
        .await;
    })
    .await;

    // Restarted on a venue-size screen: dismissed stays dismissed; the progress is kept.
    with_app_at(data.path(), &["--window-size", "1920x1080"], |c| async move {
        open(&c, "quests").await;
        eventually("the progress after restarts", WAIT, || async {
            let p = text_of(&c, "[data-testid=quest-quest-harbour-trail] [data-testid=quest-points]").await?;
            (p == "30 points").then_some(())
        })
        .await;
        assert!(c.find(Locator::Css("[data-testid=scenario-card]")).await.is_err(), "dismissed stays dismissed");
        after_paint(&c).await;
        let (x, y, _, _) = c.get_window_rect().await.expect("window rect");
        shoot(&shots, "quests-venue-screen", (x, y, 1920, 1080), None).await;
    })
    .await;
}

async fn choose_back_to_english(c: &fantoccini::Client) {
    open(c, "me").await;
    choose(c, "[data-testid=language]", "en").await;
    eventually("English", WAIT, || async { (language_and_theme(c).await.0 == "en").then_some(()) }).await;
    open(c, "quests").await;
    eventually("the quests", WAIT, || text_of(c, "[data-testid=scenario-card]")).await;
}

/// Waits until the person's answer in poll `poll` is counted by the backend.
async fn counted(c: &fantoccini::Client, poll: &str) {
    eventually(&format!("the answer in {poll} counted"), WAIT, || async {
        let status = attrs(c, &format!("[data-testid=poll-{poll}] [data-testid=my-vote]"), "data-status").await;
        (status.first()? == "accepted").then_some(())
    })
    .await;
}

/// Polls of every kind in the real app against the reference backend: a changed vote (the last
/// counts), several choices, a star rating, a word, a ranking whose results stay hidden, a quiz
/// that says it was wrong, and an anonymous question that shows in the list; a session's page
/// shows its polls. Screenshots at tablet and phone size, and in Russian.
#[tokio::test]
async fn polls_of_every_kind_are_answered_in_the_app_and_counted_by_the_backend() {
    use elements_backend::store::Store;
    let mut served = demo();
    served.manifest.id = "polling-summit".into();
    served.manifest.name = "Polling Summit".into();
    let during = "2027-03-10T09:30:00+01:00";
    let (url, store, server, _dir) = serve(&served, Some(during)).await;
    let link = format!("elements://join?url={url}&code=JOIN-E2E");
    let shots = env().screenshots;
    let opening =
        served.polls.iter().find(|p| p.id == "poll-opening").and_then(|p| p.session_id.clone()).expect("session");
    // Ada asked a question before this person opened the app.
    let ask = elements_protocol::signal::Action::Ask {
        poll_id: "poll-opening-qa".into(),
        question_id: "ada-question-1".into(),
        text: "Is there a recording?".into(),
        anonymous: false,
    };
    someone_else(&store, "Ada", vec![ask], during).await;
    with_app(&["--join", &link, "--clock", during, "--window-size", "820x1180"], |c| async move {
        eventually("the joined event", WAIT, || async {
            (text_of(&c, "[data-testid=event-name]").await? == "Polling Summit").then_some(())
        })
        .await;
        open(&c, "voting").await;
        // A vote, then another: the last one counts, once.
        tap(&c, "[data-testid=vote-poll-opening-o2]").await;
        counted(&c, "poll-opening").await;
        tap(&c, "[data-testid=vote-poll-opening-o3]").await;
        eventually("the changed vote counted once", WAIT, || async {
            let figure = text_of(&c, "[data-testid=vote-poll-opening-o3] .poll-figure").await?;
            let total = text_of(&c, "[data-testid=poll-poll-opening] .poll-total").await?;
            (figure == "100%" && total == "1 vote counted").then_some(())
        })
        .await;
        // Several choices.
        tap(&c, "[data-testid=choose-poll-topics-ai]").await;
        tap(&c, "[data-testid=choose-poll-topics-open-source]").await;
        tap(&c, "[data-testid=send-poll-topics]").await;
        counted(&c, "poll-topics").await;
        // Four stars.
        tap(&c, "[data-testid=rate-poll-opening-rating-4]").await;
        counted(&c, "poll-opening-rating").await;
        eventually("the average", WAIT, || async {
            (text_of(&c, "[data-testid=poll-poll-opening-rating] [data-testid=rating-average]").await?
                == "Average 4.0 of 5")
                .then_some(())
        })
        .await;
        // A word for the cloud.
        let field = c.find(Locator::Css("[data-testid=text-poll-one-word]")).await.expect("text field");
        field.send_keys("Harbour").await.expect("type");
        tap(&c, "[data-testid=poll-poll-one-word] button[type=submit]").await;
        eventually("the word in the cloud", WAIT, || async {
            (text_of(&c, "[data-testid=poll-poll-one-word] [data-testid=word-cloud]").await? == "harbour").then_some(())
        })
        .await;
        // A ranking, reordered: its results stay hidden, how many answered does not.
        tap(&c, "[data-testid=ranking-poll-rank-tracks] .rank-item:first-child .rank-move:last-of-type").await;
        tap(&c, "[data-testid=send-poll-rank-tracks]").await;
        counted(&c, "poll-rank-tracks").await;
        assert!(c.find(Locator::Css("[data-testid=poll-poll-rank-tracks] [data-testid=results-hidden]")).await.is_ok());
        // A quiz, answered wrong: said at once, with the right answer.
        tap(&c, "[data-testid=vote-poll-quiz-booths-three]").await;
        let quiz = eventually("the quiz's verdict", WAIT, || text_of(&c, "[data-testid=quiz-result]")).await;
        assert!(quiz.contains("Five"), "{quiz}");
        // An anonymous question.
        let ask = c.find(Locator::Css("[data-testid=ask-poll-opening-qa] [data-testid=ask-text]")).await.expect("ask");
        ask.send_keys("Will the slides be shared?").await.expect("type");
        tap(&c, "[data-testid=ask-poll-opening-qa] [data-testid=ask-anonymous]").await;
        tap(&c, "[data-testid=ask-poll-opening-qa] [data-testid=ask-send]").await;
        eventually("the question confirmed", WAIT, || async {
            let texts = texts(&c, "[data-testid=poll-poll-opening-qa] [data-testid=question]").await;
            texts.iter().any(|q| q.contains("Will the slides be shared?") && !q.contains("waiting")).then_some(())
        })
        .await;
        // Ada's question, upvoted: it rises to the top with the backend's count.
        tap(&c, "[data-question-id=ada-question-1] [data-testid=upvote]").await;
        eventually("Ada's question on top with one upvote", WAIT, || async {
            let first = c.find(Locator::Css("[data-testid=poll-poll-opening-qa] [data-testid=question]")).await.ok()?;
            let id = first.attr("data-question-id").await.ok()??;
            let votes = first.find(Locator::Css(".upvotes")).await.ok()?.text().await.ok()?;
            let meta = first.find(Locator::Css(".question-meta")).await.ok()?.text().await.ok()?;
            (id == "ada-question-1" && votes == "1" && meta.starts_with("Ada") && !meta.contains("waiting"))
                .then_some(())
        })
        .await;
        c.execute("document.querySelector('.content').scrollTo(0, 0); window.scrollTo(0, 0);", vec![])
            .await
            .expect("top");
        after_paint(&c).await;
        let (x, y, _, _) = c.get_window_rect().await.expect("rect");
        let first = shoot(&shots, "polls-tablet", (x, y, 820, 1180), None).await;
        c.execute(
            "document.querySelector('[data-testid=poll-poll-one-word]').scrollIntoView({block: 'start'});",
            vec![],
        )
        .await
        .expect("scroll");
        after_paint(&c).await;
        let more = shoot(&shots, "polls-tablet-more", (x, y, 820, 1180), Some(&first)).await;
        // The word cloud and the Q&A on a venue-size screen.
        resize(&c, 1920, 1080).await;
        c.execute(
            "document.querySelector('[data-testid=poll-poll-opening-qa]').scrollIntoView({block: 'start'});",
            vec![],
        )
        .await
        .expect("scroll");
        after_paint(&c).await;
        let (vx, vy, _, _) = c.get_window_rect().await.expect("rect");
        shoot(&shots, "polls-venue-screen", (vx, vy, 1920, 1080), Some(&more)).await;
        resize(&c, 820, 1180).await;

        // The opening keynote's page shows its polls.
        open(&c, "agenda").await;
        tap(&c, &format!("[data-testid=session-card][data-session-id=\"{opening}\"]")).await;
        let polls = eventually("the session's polls", WAIT, || async {
            let ids = attrs(&c, "[data-testid=session-polls] .poll", "data-testid").await;
            (!ids.is_empty()).then_some(ids)
        })
        .await;
        assert_eq!(polls, ["poll-poll-opening", "poll-poll-opening-rating", "poll-poll-opening-qa"]);
        c.execute("document.querySelector('[data-testid=session-polls]').scrollIntoView({block: 'start'});", vec![])
            .await
            .expect("scroll");
        after_paint(&c).await;
        shoot(&shots, "detail-polls-tablet", (x, y, 820, 1180), None).await;

        // "I'm here" on the running keynote: a check-in, which the Summit Regular quest counts
        // (a scenario completes its checkpoint), as it counts the vote; the wrong quiz answer not.
        tap(&c, "[data-testid=check-in]").await;
        eventually("checked in", WAIT, || text_of(&c, "[data-testid=checked-in]")).await;
        open(&c, "quests").await;
        let state = |cp: &'static str| {
            let c = c.clone();
            async move { attrs(&c, &format!("[data-testid=checkpoint-{cp}]"), "data-state").await.first().cloned() }
        };
        eventually("the keynote's checkpoint done", WAIT, || async {
            (state("cp-attend-opening").await? == "done").then_some(())
        })
        .await;
        assert_eq!(state("cp-first-vote").await.as_deref(), Some("done"));
        assert_eq!(state("cp-quiz").await.as_deref(), Some("open"), "the quiz was answered wrong");
        eventually("the points confirmed by the backend", WAIT, || async {
            c.find(Locator::Css("[data-testid=quests-waiting]")).await.is_err().then_some(())
        })
        .await;
        c.execute(
            "document.querySelector('[data-testid=quest-quest-regular]').scrollIntoView({block: 'start'});",
            vec![],
        )
        .await
        .expect("scroll");
        after_paint(&c).await;
        shoot(&shots, "quests-joined-tablet", (x, y, 820, 1180), None).await;

        // Phone size, in Russian (the session closed first: on a phone it covers the screen).
        press(&c, "\u{E00C}").await;
        resize(&c, 390, 844).await;
        open(&c, "me").await;
        choose(&c, "[data-testid=language]", "ru").await;
        eventually("Russian", WAIT, || async { (language_and_theme(&c).await.0 == "ru").then_some(()) }).await;
        open(&c, "voting").await;
        eventually("the polls in Russian", WAIT, || async {
            (text_of(&c, "[data-testid=poll-poll-topics] .poll-kind").await? == "Несколько вариантов").then_some(())
        })
        .await;
        c.execute(
            "document.querySelector('[data-testid=poll-poll-opening-rating]').scrollIntoView({block: 'start'});",
            vec![],
        )
        .await
        .expect("scroll");
        after_paint(&c).await;
        let (x, y, _, _) = c.get_window_rect().await.expect("rect");
        shoot(&shots, "polls-phone-ru", (x, y, 390, 844), None).await;
    })
    .await;
    server.stop();
    let answers = store.changes(elements_protocol::event::ElementKind::Voting, 0, 500).expect("feed").changes;
    let result = |id: &str| {
        answers.iter().find_map(|ch| match ch {
            elements_protocol::sync::Change::Upsert { entity: elements_protocol::sync::Entity::PollResult(r) }
                if r.id == id =>
            {
                Some(r.clone())
            }
            _ => None,
        })
    };
    let opening = result("poll-opening").expect("opening result");
    assert_eq!(opening.counts.iter().map(|c| c.votes).collect::<Vec<_>>(), [0, 0, 1, 0], "the last vote, once");
    let ranking = result("poll-rank-tracks").expect("ranking result");
    assert!(ranking.hidden && ranking.counts.is_empty() && ranking.total == 1);
}

/// Picks a photo in the checkpoint scanner and answers what the app said of it (`found`, or the
/// refusal's reason), waiting for an answer newer than the last one shown.
async fn scan_photo(c: &fantoccini::Client, photo: &std::path::Path) -> String {
    let last = last_scan_answer(c).await;
    let input = c.find(Locator::Css("[data-testid=checkpoint-photo]")).await.expect("the photo input");
    input.send_keys(&photo.display().to_string()).await.expect("choose the photo");
    scan_answer_after(c, last).await
}

/// The Harbour Trail completed against the reference backend by photographing its five signed
/// checkpoint codes (a tampered sixth refused on the spot): both rewards unlock with desk codes
/// from the backend and the person moves to the top of the leaderboard, past Ada. Then checked in
/// to the opening keynote and reopened after it ended: the rating prompt is there, once.
/// Screenshots of the quest and its reward at phone, tablet and venue sizes.
#[tokio::test]
async fn a_quest_completed_by_photographing_signed_codes_unlocks_rewards_and_tops_the_leaderboard() {
    use elements_backend::store::Store;
    let mut served = demo();
    served.manifest.id = "questing-summit".into();
    served.manifest.name = "Questing Summit".into();
    // The backend's clock just after the opening keynote; the app's at first during it.
    let (during, after) = ("2027-03-10T09:30:00+01:00", "2027-03-10T09:50:00+01:00");
    let (url, store, server, dir) = serve(&served, Some(after)).await;
    let secret = store.qr_secret().expect("the event's QR key");
    let photo = |name: &str, quest: &str, checkpoint: &str, signed_for: &str| {
        let message = elements_protocol::signal::checkpoint_message(&served.manifest.id, quest, signed_for);
        let link = elements_protocol::link::Link::Checkpoint {
            event: served.manifest.id.clone(),
            quest: quest.into(),
            checkpoint: checkpoint.into(),
            sig: elements_domain::qr::sign(&secret, &message),
        };
        qr_photo(dir.path(), name, &link.to_string())
    };
    let trail: Vec<std::path::PathBuf> = (1..=5)
        .map(|i| {
            photo(&format!("trail-{i}"), "quest-harbour-trail", &format!("cp-trail-{i}"), &format!("cp-trail-{i}"))
        })
        .collect();
    // Checkpoint 2's code with the signature of checkpoint 1: edited, so refused.
    let tampered = photo("tampered", "quest-harbour-trail", "cp-trail-2", "cp-trail-1");
    let ada_scan = elements_protocol::signal::Action::CheckpointScan {
        quest_id: "quest-harbour-trail".into(),
        checkpoint_id: "cp-trail-1".into(),
        proof: Some(elements_domain::qr::sign(
            &secret,
            &elements_protocol::signal::checkpoint_message(&served.manifest.id, "quest-harbour-trail", "cp-trail-1"),
        )),
    };
    let ada = someone_else(&store, "Ada", vec![ada_scan], after).await;
    assert!(matches!(ada[0], elements_protocol::signal::Outcome::Accepted { .. }), "{ada:?}");
    let opening =
        served.polls.iter().find(|p| p.id == "poll-opening").and_then(|p| p.session_id.clone()).expect("session");

    let data = tempfile::tempdir().expect("data");
    let link = format!("elements://join?url={url}&code=JOIN-E2E");
    let shots = env().screenshots;
    let (shots2, trail2, opening1) = (shots.clone(), trail.clone(), opening.clone());
    with_app_at(data.path(), &["--join", &link, "--clock", during, "--window-size", "390x844"], |c| async move {
        let (shots, trail, opening) = (shots2, trail2, opening1);
        eventually("the joined event", WAIT, || async {
            (text_of(&c, "[data-testid=event-name]").await? == "Questing Summit").then_some(())
        })
        .await;
        open(&c, "quests").await;
        eventually("Ada leading the trail", WAIT, || async {
            let top = text_of(&c, "[data-testid=quest-quest-harbour-trail] [data-testid=leaderboard] li").await?;
            top.contains("Ada").then_some(())
        })
        .await;
        assert_eq!(scan_photo(&c, &tampered).await, "bad_signature");
        for (i, p) in trail.iter().enumerate() {
            assert_eq!(scan_photo(&c, p).await, "found", "trail code {}", i + 1);
        }
        assert_eq!(attrs(&c, "[data-testid=quest-quest-harbour-trail]", "data-completed").await, ["true"]);
        let codes = eventually("both rewards' desk codes from the backend", WAIT, || async {
            let codes = texts(&c, "[data-testid=quest-quest-harbour-trail] [data-testid=reward-code]").await;
            (codes.len() == 2).then_some(codes)
        })
        .await;
        assert!(codes.iter().all(|c| c.len() == 9 && c.as_bytes()[4] == b'-'), "{codes:?}");
        let board = eventually("the person on top of the leaderboard", WAIT, || async {
            let rows = texts(&c, "[data-testid=quest-quest-harbour-trail] [data-testid=leaderboard] li").await;
            (rows.first()?.ends_with("60") && rows.get(1)?.contains("Ada")).then_some(rows)
        })
        .await;
        assert_eq!(board.len(), 2, "{board:?}");
        c.execute(
            "document.querySelector('[data-testid=quest-quest-harbour-trail] .rewards').scrollIntoView({block: 'center'});",
            vec![],
        )
        .await
        .expect("scroll");
        after_paint(&c).await;
        let (x, y, _, _) = c.get_window_rect().await.expect("rect");
        let phone = shoot(&shots, "quest-reward-phone", (x, y, 390, 844), None).await;
        let mut before = phone;
        for (name, w, h) in [("quest-reward-tablet", 820u32, 1180u32), ("quest-reward-venue-screen", 1920, 1080)] {
            resize(&c, w, h).await;
            c.execute("document.querySelector('[data-testid=quest-quest-harbour-trail]').scrollIntoView({block: 'start'});", vec![])
                .await
                .expect("scroll");
            after_paint(&c).await;
            let (x, y, _, _) = c.get_window_rect().await.expect("rect");
            before = shoot(&shots, name, (x, y, w, h), Some(&before)).await;
        }
        // "I'm here" at the opening keynote, which is running by the app's clock.
        open(&c, "agenda").await;
        tap(&c, &format!("[data-testid=session-card][data-session-id=\"{opening}\"]")).await;
        tap(&c, "[data-testid=check-in]").await;
        eventually("checked in", WAIT, || text_of(&c, "[data-testid=checked-in]")).await;
    })
    .await;

    // Reopened after the keynote ended: the rating prompt (a time trigger) is there, once,
    // and stays after the backend decided it.
    let (shots2, opening2) = (shots.clone(), opening.clone());
    with_app_at(data.path(), &["--clock", after, "--window-size", "820x1180"], |c| async move {
        open(&c, "quests").await;
        let prompt = eventually("the rating prompt", WAIT, || async {
            text_of(&c, "[data-testid=scenario-card] .card-text").await.filter(|t| t.contains("How was it?"))
        })
        .await;
        assert!(prompt.starts_with("The talk you checked in to has ended"), "{prompt}");
        eventually("the prompt confirmed by the backend", WAIT, || async {
            c.find(Locator::Css("[data-testid=quests-waiting]")).await.is_err().then_some(())
        })
        .await;
        assert_eq!(
            c.find_all(Locator::Css("[data-testid=scenario-card]")).await.expect("cards").len(),
            2,
            "the tote's card and the prompt"
        );
        after_paint(&c).await;
        let (x, y, _, _) = c.get_window_rect().await.expect("rect");
        shoot(&shots2, "quests-prompt-tablet", (x, y, 820, 1180), None).await;
        // The prompt leads to the talk, whose page has its rating poll.
        c.execute(
            "[...document.querySelectorAll('[data-testid=scenario-card]')].find(e => e.textContent.includes('How was it?')).querySelector('[data-testid=card-open]').click()",
            vec![],
        )
        .await
        .expect("open the prompt");
        let shown = eventually("the talk that ended", WAIT, || async {
            attrs(&c, "[data-testid=session-detail]", "data-session-id").await.first().cloned()
        })
        .await;
        assert_eq!(shown, opening2);
        eventually("its rating poll", WAIT, || async {
            c.find(Locator::Css("[data-testid=session-polls] [data-testid=poll-poll-opening-rating]")).await.ok()
        })
        .await;
    })
    .await;
    server.stop();
    let fired: i64 = rusqlite::Connection::open(dir.path().join("backend.sqlite3"))
        .expect("db")
        .query_row("SELECT count(*) FROM signal WHERE accepted = 1 AND outcome LIKE '%\"rate-talk\"%'", [], |r| {
            r.get(0)
        })
        .expect("count");
    assert_eq!(fired, 1, "the backend fired the rating prompt once");
}
