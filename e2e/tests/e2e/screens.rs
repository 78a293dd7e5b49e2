//! Every screen at phone, tablet and venue-screen sizes; language and theme switched at once,
//! every screen readable (contrast, names) in both languages and themes.

use elements_e2e::*;
use fantoccini::Locator;

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
