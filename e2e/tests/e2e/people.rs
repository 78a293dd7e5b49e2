//! People in the real app, two instances and the reference backend on 127.0.0.1: A fills in a
//! profile (one field for contacts, one for nobody) and shows a badge; B photographs A's badge
//! from a screenshot of A's screen, sees A's fields for contacts, asks to meet; A accepts and
//! the meeting is in both schedules. A field for nobody never reaches B's cache file.
//! Screenshots of badge, profile, directory, suggestions, contact, meeting and My schedule.

use elements_e2e::*;
use fantoccini::{Client, Locator};

const DURING: &str = "2027-03-10T09:30:00+01:00";

async fn people_tab(c: &Client, pane: &str) {
    open(c, "people").await;
    tap(c, &format!("[data-testid=people-tab-{pane}]")).await;
}

async fn window(c: &Client) -> (u64, u64) {
    let (x, y, _, _) = c.get_window_rect().await.expect("window rect");
    (x, y)
}

#[tokio::test]
async fn two_apps_exchange_badges_from_a_screenshot_and_meet() {
    let mut served = demo();
    served.manifest.id = "people-summit".into();
    served.manifest.name = "People Summit".into();
    let (url, _store, server, _backend_dir) = serve(&served, Some(DURING)).await;
    let link = format!("elements://join?url={url}&code=JOIN-E2E");
    let (a_data, b_data) = (tempfile::tempdir().expect("a"), tempfile::tempdir().expect("b"));
    let photos = tempfile::tempdir().expect("photos");
    let badge_photo = photos.path().join("badge-of-a.png");
    let args = |size: &'static str| vec!["--clock", DURING, "--window-size", size, "--join", link.as_str()];

    // A: the profile, then the badge on screen, photographed.
    let shot = badge_photo.clone();
    with_app_at(a_data.path(), &args("390x844"), |c| async move {
        eventually("the joined event", WAIT, || async {
            (text_of(&c, "[data-testid=event-name]").await? == "People Summit").then_some(())
        })
        .await;
        people_tab(&c, "profile").await;
        fill(&c, "[data-testid=profile-name]", "Aigerim Sadykova").await;
        fill(&c, "[data-testid=profile-organization]", "Steppe Robotics").await;
        fill(&c, "[data-testid=profile-role]", "Chief Tinkerer").await;
        choose(&c, "[data-testid=visible-role]", "contacts").await;
        fill(&c, "[data-testid=profile-interests]", "accessibility, mentoring, falconry").await;
        choose(&c, "[data-testid=visible-interests]", "nobody").await;
        fill(&c, "[data-testid=profile-looking_for]", "investors").await;
        tap(&c, "[data-testid=profile-listed] input").await;
        tap(&c, "[data-testid=profile-save]").await;
        eventually("published", WAIT, || async {
            let status = text_of(&c, "[data-testid=profile-status]").await?;
            status.starts_with("Published").then_some(())
        })
        .await;
        let (x, y) = window(&c).await;
        c.execute("window.scrollTo(0, 0)", vec![]).await.expect("scroll to the top");
        after_paint(&c).await;
        shoot(&env().screenshots, "people-profile-phone", (x, y, 390, 844), None).await;
        tap(&c, "[data-testid=people-tab-directory]").await;
        eventually("the directory", WAIT, || async { text_of(&c, "[data-testid=people-count]").await }).await;
        c.execute("window.scrollTo(0, 0)", vec![]).await.expect("scroll to the top");
        after_paint(&c).await;
        shoot(&env().screenshots, "people-directory-phone", (x, y, 390, 844), None).await;
        // Suggestions from my interests (the bundled directory shares some).
        tap(&c, "[data-testid=people-tab-suggestions]").await;
        let why = eventually("suggestions with reasons", WAIT, || async {
            let t = texts(&c, ".person-why").await;
            (!t.is_empty()).then_some(t)
        })
        .await;
        assert!(why[0].contains("accessibility") || why[0].contains("mentoring"), "{why:?}");
        after_paint(&c).await;
        shoot(&env().screenshots, "people-suggestions-phone", (x, y, 390, 844), None).await;
        tap(&c, "[data-testid=people-tab-badge]").await;
        eventually("the badge", WAIT, || async { text_of(&c, "[data-testid=badge-code]").await }).await;
        after_paint(&c).await;
        // The screenshot B photographs: A's phone held up.
        let png = shoot(&env().screenshots, "people-badge-phone", (x, y, 390, 844), None).await;
        std::fs::write(&shot, png).expect("keep the photo");
    })
    .await;

    // B: scans A's badge from that picture, finds A, sees the field for contacts, asks to meet.
    with_app_at(b_data.path(), &args("820x1180"), |c| async move {
        eventually("the joined event", WAIT, || async {
            (text_of(&c, "[data-testid=event-name]").await? == "People Summit").then_some(())
        })
        .await;
        people_tab(&c, "profile").await;
        fill(&c, "[data-testid=profile-name]", "Bolat Nurlanov").await;
        fill(&c, "[data-testid=profile-organization]", "Altyn Agro").await;
        fill(&c, "[data-testid=profile-offers]", "accessibility audits").await;
        fill(&c, "[data-testid=profile-interests]", "observability, open source").await;
        tap(&c, "[data-testid=profile-save]").await;
        eventually("saved", WAIT, || async { text_of(&c, "[data-testid=profile-said]").await }).await;
        let (x, y) = window(&c).await;
        c.execute("window.scrollTo(0, 0)", vec![]).await.expect("scroll to the top");
        after_paint(&c).await;
        shoot(&env().screenshots, "people-profile-tablet", (x, y, 820, 1180), None).await;
        tap(&c, "[data-testid=people-tab-suggestions]").await;
        eventually("suggestions", WAIT, || async { (!texts(&c, ".person-why").await.is_empty()).then_some(()) }).await;
        c.execute("window.scrollTo(0, 0)", vec![]).await.expect("scroll to the top");
        after_paint(&c).await;
        shoot(&env().screenshots, "people-suggestions-tablet", (x, y, 820, 1180), None).await;
        tap(&c, "[data-testid=people-tab-badge]").await;
        eventually("B's badge", WAIT, || async { text_of(&c, "[data-testid=badge-code]").await }).await;
        c.execute("window.scrollTo(0, 0)", vec![]).await.expect("scroll to the top");
        after_paint(&c).await;
        shoot(&env().screenshots, "people-badge-tablet", (x, y, 820, 1180), None).await;
        let input = c.find(Locator::Css("[data-testid=badge-photo]")).await.expect("the photo input");
        input.send_keys(&badge_photo.display().to_string()).await.expect("choose the photo");
        let said = eventually("the badge read", WAIT, || async {
            c.find(Locator::Css("[data-testid=badge-result]")).await.ok()?.attr("data-status").await.ok()?
        })
        .await;
        assert_eq!(said, "added", "{:?}", text_of(&c, "[data-testid=badge-result]").await);
        tap(&c, "[data-testid=people-tab-directory]").await;
        fill(&c, "[data-testid=people-search]", "steppe").await;
        tap(&c, "[data-testid=person]").await;
        let role = eventually("A's role, for contacts", WAIT, || async {
            let line = text_of(&c, ".person-head .person-line").await?;
            line.contains("Chief Tinkerer").then_some(line)
        })
        .await;
        assert!(role.contains("Steppe Robotics"));
        let (x, y) = window(&c).await;
        tap(&c, "[data-testid=person-back]").await;
        fill(&c, "[data-testid=people-search]", "").await;
        after_paint(&c).await;
        shoot(&env().screenshots, "people-directory-tablet", (x, y, 820, 1180), None).await;
        tap(&c, "[data-testid=people-tab-contacts]").await;
        tap(&c, "[data-testid=contacts] [data-testid=person]").await;
        fill(&c, "[data-testid=meet-note]", "Drones for the harvest").await;
        tap(&c, "[data-testid=meet-ask]").await;
        eventually("the request listed", WAIT, || async {
            let s = attrs(&c, "[data-testid=meeting]", "data-status").await;
            (s == ["proposed"]).then_some(())
        })
        .await;
        after_paint(&c).await;
        shoot(&env().screenshots, "people-meeting-asked-tablet", (x, y, 820, 1180), None).await;
    })
    .await;

    // A: B is a contact; the request is there to accept; then in My schedule.
    with_app_at(a_data.path(), &["--clock", DURING, "--window-size", "820x1180"], |c| async move {
        people_tab(&c, "contacts").await;
        tap(&c, "[data-testid=contacts] [data-testid=person]").await;
        tap(&c, "[data-testid=meeting-accept]").await;
        eventually("accepted", WAIT, || async {
            let s = attrs(&c, "[data-testid=meeting]", "data-status").await;
            (s == ["accepted"]).then_some(())
        })
        .await;
        let (x, y) = window(&c).await;
        fill(&c, "[data-testid=note]", "Met at the opening; follow up in April").await;
        tap(&c, "[data-testid=note-save]").await;
        after_paint(&c).await;
        shoot(&env().screenshots, "people-contact-tablet", (x, y, 820, 1180), None).await;
        tap(&c, "[data-testid=person-back]").await;
        resize(&c, 390, 844).await;
        open(&c, "agenda").await;
        tap(&c, "[data-testid=group-mine]").await;
        eventually("the meeting in My schedule", WAIT, || async {
            let s = attrs(&c, "[data-testid=my-meeting]", "data-status").await;
            (s == ["accepted"]).then_some(())
        })
        .await;
        after_paint(&c).await;
        shoot(&env().screenshots, "my-schedule-meeting-phone", (x, y, 390, 844), None).await;
    })
    .await;

    // B again: accepted on this side too; and A's field for nobody never reached B's disk.
    with_app_at(b_data.path(), &["--clock", DURING, "--window-size", "390x844"], |c| async move {
        people_tab(&c, "contacts").await;
        tap(&c, "[data-testid=contacts] [data-testid=person]").await;
        eventually("accepted at B", WAIT, || async {
            let s = attrs(&c, "[data-testid=meeting]", "data-status").await;
            (s == ["accepted"]).then_some(())
        })
        .await;
        let (x, y) = window(&c).await;
        after_paint(&c).await;
        shoot(&env().screenshots, "people-contact-phone", (x, y, 390, 844), None).await;
        // The meeting in B's schedule too; then the same person in Russian.
        tap(&c, "[data-testid=person-back]").await;
        open(&c, "agenda").await;
        tap(&c, "[data-testid=group-mine]").await;
        eventually("the meeting in B's schedule", WAIT, || async {
            (attrs(&c, "[data-testid=my-meeting]", "data-status").await == ["accepted"]).then_some(())
        })
        .await;
        open(&c, "me").await;
        choose(&c, "[data-testid=language]", "ru").await;
        eventually("Russian", WAIT, || async { (language_and_theme(&c).await.0 == "ru").then_some(()) }).await;
        people_tab(&c, "contacts").await;
        tap(&c, "[data-testid=contacts] [data-testid=person]").await;
        eventually("the meeting in Russian", WAIT, || async {
            text_of(&c, "[data-testid=meeting] .meeting-status").await.filter(|t| t.contains("Принято"))
        })
        .await;
        after_paint(&c).await;
        shoot(&env().screenshots, "people-contact-phone-ru", (x, y, 390, 844), None).await;
    })
    .await;
    let mut on_disk = Vec::new();
    for entry in std::fs::read_dir(b_data.path()).expect("B's data") {
        let path = entry.expect("entry").path();
        if path.file_name().is_some_and(|n| n.to_string_lossy().starts_with("cache.sqlite3")) {
            on_disk.extend(std::fs::read(&path).expect("read"));
        }
    }
    let on_disk = String::from_utf8_lossy(&on_disk);
    assert!(on_disk.contains("Chief Tinkerer"), "B's cache holds what A shows contacts");
    assert!(!on_disk.contains("falconry"), "a field for nobody reached B's cache file");
    server.stop();
}
