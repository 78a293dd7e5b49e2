//! The staff desk in the real app against the reference backend on 127.0.0.1: two tablets,
//! offline, let the same ticket in at the main entrance; when the network is back each shows
//! one person in and the conflict. A reward's desk code is given once, then refused as used.
//! Screenshots of the desk at tablet size, in English and Russian.

use elements_backend::store::Store;
use elements_e2e::*;
use elements_protocol::auth::{RedeemRequest, Role};
use elements_protocol::signal::{Action, Effect, Outcome, Signal};
use fantoccini::{Client, Locator};

const DURING: &str = "2027-03-10T09:30:00+01:00";
const TICKET: &str = "T-E2E-1042";

/// The desk's row for the main entrance: (people in, conflicts shown on the desk).
async fn main_entrance(c: &Client) -> Option<(String, usize)> {
    let admitted = attrs(c, "[data-testid=staff-gate-row][data-gate='door:poi-exit-main']", "data-admitted").await;
    let conflicts = texts(c, "[data-testid=staff-conflict]").await;
    Some((admitted.first()?.clone(), conflicts.len()))
}

async fn desk(c: &Client) {
    // The first launch joins first (the attendee demo until the staff code is redeemed).
    eventually("the staff desk", 2 * WAIT, || async { c.find(Locator::Css("[data-testid=element-staff]")).await.ok() })
        .await;
}

async fn check_in(c: &Client, pass: &str) -> String {
    choose(c, "[data-testid=staff-gate]", "door:poi-exit-main").await;
    fill(c, "[data-testid=staff-pass]", pass).await;
    tap(c, "[data-testid=staff-admit]").await;
    eventually("the check-in's answer", WAIT, || async {
        attrs(c, "[data-testid=staff-admit-result]", "data-status").await.pop()
    })
    .await
}

/// A desk code the way a participant gets one: they find every checkpoint of the explorer quest;
/// and that participant's badge.
fn a_reward_code(store: &elements_backend::store::SqliteStore) -> (String, String) {
    store.add_code("T-E2E-QUEST", Role::Attendee, true).expect("ticket");
    let (token, badge) = match store
        .redeem(&RedeemRequest {
            code: "T-E2E-QUEST".into(),
            client_id: "phone".into(),
            display_name: Some("Aigerim Sadykova".into()),
            show_name: false,
        })
        .expect("redeem")
    {
        elements_backend::store::Redeemed::Token(t) => (t.token, t.badge.expect("a badge")),
        other => panic!("{other:?}"),
    };
    let caller = store.authenticate(&token).expect("read").expect("a caller");
    let quest = demo().quests.into_iter().find(|q| q.id == "quest-explorer").expect("quest");
    let signals: Vec<Signal> = quest
        .checkpoints
        .iter()
        .enumerate()
        .map(|(i, cp)| Signal {
            id: format!("phone-{i}"),
            client_id: "phone".into(),
            seq: i as u64 + 1,
            schema_version: 1,
            created_at: chrono_at(DURING),
            action: Action::CheckpointScan { quest_id: quest.id.clone(), checkpoint_id: cp.id.clone(), proof: None },
        })
        .collect();
    let report = store.push(&caller, &signals, chrono_at(DURING).to_utc()).expect("pushed");
    let code = report
        .results
        .into_iter()
        .flat_map(|r| match r.outcome {
            Outcome::Accepted { effects } => effects,
            _ => Vec::new(),
        })
        .find_map(|e| match e {
            Effect::RewardUnlocked { code, .. } => code,
            _ => None,
        })
        .expect("a desk code");
    (code, badge)
}

#[tokio::test]
async fn two_offline_tablets_see_the_same_ticket_as_a_conflict_and_a_reward_is_given_once() {
    let mut served = demo();
    served.manifest.id = "staff-summit".into();
    served.manifest.name = "Staff Summit".into();
    let (url, store, server, _backend_dir) = serve(&served, Some(DURING)).await;
    store.add_code("STAFF-E2E", Role::Organizer, false).expect("staff code");
    store.add_code(TICKET, Role::Attendee, true).expect("ticket");
    // The store's intake blocks on its own thread: called off this runtime.
    let quest_store = store.clone();
    let (reward, visitor_badge) =
        tokio::task::spawn_blocking(move || a_reward_code(&quest_store)).await.expect("a reward code");
    let link = format!("elements://join?url={url}&code=STAFF-E2E");
    let (a_data, b_data) = (tempfile::tempdir().expect("a"), tempfile::tempdir().expect("b"));
    let dir = env().screenshots;
    let exports = tempfile::tempdir().expect("exports");
    let export_dir = exports.path().display().to_string();
    let tablet = ["--clock", DURING, "--window-size", "1180x820", "--export-dir", export_dir.as_str()];
    let joining: Vec<&str> = tablet.iter().copied().chain(["--join", link.as_str()]).collect();

    // Both tablets join while the network is up: the desk opens first, with the doors.
    for data in [a_data.path(), b_data.path()] {
        with_app_at(data, &joining, |c| async move {
            desk(&c).await;
            eventually("the main entrance on the desk", WAIT, || async { main_entrance(&c).await }).await;
        })
        .await;
    }

    // The network goes; each tablet lets the same ticket in.
    server.stop();
    for data in [a_data.path(), b_data.path()] {
        with_app_at(data, &tablet, |c| async move {
            desk(&c).await;
            assert_eq!(check_in(&c, TICKET).await, "counted", "offline, neither knows of the other");
            eventually("one person in", WAIT, || async {
                (main_entrance(&c).await? == ("1".to_string(), 0)).then_some(())
            })
            .await;
        })
        .await;
    }

    // The network is back. A sends its scan, B sends its own and hears of A's: B shows the
    // conflict; A, opened again, too.
    let config = elements_backend::http::Config { clock: Some(chrono_at(DURING).to_utc()), ..Default::default() };
    let _back = elements_backend::testing::Loopback::serve_again(&url, store.clone(), config);
    let sent = |c: Client| async move {
        eventually("this tablet's scan sent", WAIT, || async {
            let states = attrs(&c, "[data-testid=staff-recent-scan]", "data-state").await;
            (!states.is_empty() && states.iter().all(|s| s != "waiting")).then_some(())
        })
        .await;
    };
    with_app_at(a_data.path(), &tablet, |c| async move { sent(c).await }).await;
    let shots = dir.clone();
    let code = reward.clone();
    with_app_at(b_data.path(), &tablet, |c| async move {
        sent(c.clone()).await;
        eventually("B: one person in, one conflict", WAIT, || async {
            (main_entrance(&c).await? == ("1".to_string(), 1)).then_some(())
        })
        .await;
        // The reward desk: valid once, then used.
        fill(&c, "[data-testid=staff-reward-code]", &code.to_lowercase()).await;
        tap(&c, "[data-testid=staff-redeem]").await;
        let first = eventually("the desk's answer", WAIT, || async {
            attrs(&c, "[data-testid=staff-redeem-result]", "data-status").await.pop()
        })
        .await;
        assert_eq!(first, "valid");
        // The answer is the same element while the desk reloads around it (a sync lands).
        let answer = c.find(Locator::Css("[data-testid=staff-redeem-result]")).await.expect("the answer");
        let given = answer.text().await.expect("the answer stays on screen through reloads");
        assert!(given.contains("Lighthouse enamel pin"), "{given}");
        fill(&c, "[data-testid=staff-reward-code]", &code).await;
        tap(&c, "[data-testid=staff-redeem]").await;
        eventually("refused as used", WAIT, || async {
            let reason = attrs(&c, "[data-testid=staff-redeem-result]", "data-reason").await.pop()?;
            (reason == "already_done").then_some(())
        })
        .await;
        let used = text_of(&c, "[data-testid=staff-redeem-result]").await.unwrap_or_default();
        assert!(used.contains("Already given"), "{used}");
        // A made-up code is refused as one.
        fill(&c, "[data-testid=staff-reward-code]", "ZZZZ-ZZZZ").await;
        tap(&c, "[data-testid=staff-redeem]").await;
        eventually("refused as made up", WAIT, || async {
            let reason = attrs(&c, "[data-testid=staff-redeem-result]", "data-reason").await.pop()?;
            (reason == "unknown_target").then_some(())
        })
        .await;
        fill(&c, "[data-testid=staff-reward-code]", &code).await;
        let (x, y, _, _) = c.get_window_rect().await.expect("window rect");
        c.execute("window.scrollTo(0, 0)", vec![]).await.expect("scroll to the top");
        after_paint(&c).await;
        shoot(&shots, "staff-desk-tablet", (x, y, 1180, 820), None).await;
        // The live picture: the backend counted the check-in and the reward.
        tap(&c, "[data-testid=staff-tab-live]").await;
        eventually("the live picture with the reward given", WAIT, || async {
            let known = attrs(&c, "[data-testid=live-picture]", "data-known").await.pop()?;
            let text = text_of(&c, "[data-testid=live-picture]").await?;
            (known == "true" && text.contains("1 given")).then_some(())
        })
        .await;
        let goals = attrs(&c, "[data-testid=live-goal]", "data-goal-id").await;
        assert_eq!(
            goals,
            ["goal-partner-booths", "goal-vote-once", "goal-explorers"],
            "the event's goals, in its order"
        );
        c.execute("window.scrollTo(0, 0)", vec![]).await.expect("scroll to the top");
        after_paint(&c).await;
        shoot(&shots, "staff-live-tablet", (x, y, 1180, 820), None).await;
        // The booth: the visitor's badge, a rating and a note; then the CSV.
        tap(&c, "[data-testid=staff-tab-leads]").await;
        fill(&c, "[data-testid=staff-lead-badge]", &visitor_badge).await;
        choose(&c, "[data-testid=staff-lead-rating]", "4").await;
        fill(&c, "[data-testid=staff-lead-note]", "Wants a demo on Friday").await;
        tap(&c, "[data-testid=staff-lead-capture]").await;
        eventually("the lead with the visitor's name", WAIT, || async {
            text_of(&c, "[data-testid=staff-lead]").await.filter(|t| t.contains("Aigerim Sadykova"))
        })
        .await;
        tap(&c, "[data-testid=staff-leads-export]").await;
        let path = eventually("the CSV written", WAIT, || async {
            attrs(&c, "[data-testid=staff-leads-exported]", "data-path").await.pop()
        })
        .await;
        let csv = std::fs::read_to_string(&path).expect("the CSV");
        assert!(csv.contains("Aigerim Sadykova") && csv.contains("Wants a demo on Friday"), "{csv}");
        c.execute("window.scrollTo(0, 0)", vec![]).await.expect("scroll to the top");
        after_paint(&c).await;
        shoot(&shots, "staff-leads-tablet", (x, y, 1180, 820), None).await;
    })
    .await;
    let shots = dir.clone();
    with_app_at(a_data.path(), &tablet, |c| async move {
        desk(&c).await;
        eventually("A: one person in, one conflict", WAIT, || async {
            (main_entrance(&c).await? == ("1".to_string(), 1)).then_some(())
        })
        .await;
        let conflict = texts(&c, "[data-testid=staff-conflict]").await.join(" ");
        assert!(conflict.contains("this tablet") && conflict.contains("tablet "), "{conflict}");
        // In Russian, portrait.
        resize(&c, 820, 1180).await;
        open(&c, "me").await;
        choose(&c, "[data-testid=language]", "ru").await;
        open(&c, "staff").await;
        eventually("the desk in Russian", WAIT, || async {
            text_of(&c, "[data-testid=staff-check-in] h2").await.filter(|t| t == "Регистрация")
        })
        .await;
        let (x, y, _, _) = c.get_window_rect().await.expect("window rect");
        after_paint(&c).await;
        shoot(&shots, "staff-desk-tablet-ru", (x, y, 820, 1180), None).await;
        // On a phone (a steward at a side door): one column, the check-in first.
        resize(&c, 390, 844).await;
        c.execute("window.scrollTo(0, 0)", vec![]).await.expect("scroll to the top");
        after_paint(&c).await;
        shoot(&shots, "staff-desk-phone-ru", (x, y, 390, 844), None).await;
    })
    .await;
}

/// Least privilege on a door tablet: its code is a door code, so the desk shows check-in and
/// nothing else (no reward desk, no leads, polls or live picture tabs), says so at the top, and
/// checks a ticket in. Screenshot at tablet size.
#[tokio::test]
async fn a_door_tablet_shows_check_in_only() {
    let mut served = demo();
    served.manifest.id = "door-summit".into();
    served.manifest.name = "Door Summit".into();
    let (url, store, server, _backend_dir) = serve(&served, Some(DURING)).await;
    store.add_code("DOOR-E2E", Role::Door, false).expect("door code");
    store.add_code(TICKET, Role::Attendee, true).expect("ticket");
    let link = format!("elements://join?url={url}&code=DOOR-E2E");
    with_app(&["--clock", DURING, "--window-size", "1180x820", "--join", &link], |c| async move {
        desk(&c).await;
        let role = eventually("the role on the desk", WAIT, || async {
            c.find(Locator::Css("[data-testid=staff-role]")).await.ok()?.attr("data-role").await.ok()?
        })
        .await;
        assert_eq!(role, "door");
        let tabs = texts(&c, "[data-testid^=staff-tab-]").await;
        assert!(tabs.is_empty(), "one pane for a door, no tabs to choose: {tabs:?}");
        eventually("the check-in form", WAIT, || async { c.find(Locator::Css("[data-testid=staff-pass]")).await.ok() })
            .await;
        assert!(c.find(Locator::Css("[data-testid=staff-reward-code]")).await.is_err(), "no reward desk at a door");
        assert_eq!(check_in(&c, TICKET).await, "counted");
        after_paint(&c).await;
        let (x, y, w, h) = c.get_window_rect().await.expect("rect");
        shoot(&env().screenshots, "staff-door-tablet", (x, y, w as u32, h as u32), None).await;
    })
    .await;
    server.stop();
}

/// A moderator asks the room from the desk in the real app: writes a quiz, saves it as a draft
/// (only staff see it), rewords it, opens it; the backend then holds it open with its wording,
/// and a phone's answer counts. Screenshot of the form at tablet size.
#[tokio::test]
async fn a_moderator_asks_the_room_from_the_desk() {
    let mut served = demo();
    served.manifest.id = "stage-summit".into();
    served.manifest.name = "Stage Summit".into();
    let (url, store, server, _backend_dir) = serve(&served, Some(DURING)).await;
    store.add_code("MOD-E2E", Role::Moderator, true).expect("moderator code");
    let link = format!("elements://join?url={url}&code=MOD-E2E");
    with_app(&["--clock", DURING, "--window-size", "1180x820", "--join", &link], |c| async move {
        desk(&c).await;
        // A moderator's desk is the poll desk alone: no tabs once the role is known.
        let role = eventually("the moderator's role", WAIT, || async {
            attrs(&c, "[data-testid=staff-role]", "data-role").await.pop()
        })
        .await;
        assert_eq!(role, "moderator");
        assert!(texts(&c, "[data-testid^=staff-tab-]").await.is_empty(), "one pane: no tabs");
        fill(&c, "[data-testid=staff-poll-question]", "Which city hosts the next summit?").await;
        choose(&c, "[data-testid=staff-poll-kind]", "quiz").await;
        // Enter between the options, as a person types them.
        fill(&c, "[data-testid=staff-poll-options]", "Almaty\u{E007}Tashkent\u{E007}Bishkek").await;
        choose(&c, "[data-testid=staff-poll-correct]", "1").await;
        after_paint(&c).await;
        let (x, y, w, h) = c.get_window_rect().await.expect("rect");
        shoot(&env().screenshots, "staff-poll-form-tablet", (x, y, w as u32, h as u32), None).await;
        tap(&c, "[data-testid=staff-poll-save]").await;
        // Drafts come first in the list.
        let row = "[data-testid=staff-poll]:first-child";
        eventually("the draft in the list", WAIT, || async {
            let text = text_of(&c, row).await?;
            (text.contains("Which city hosts")
                && c.find(Locator::Css(&format!("{row} [data-testid=staff-poll-draft]"))).await.is_ok())
            .then_some(())
        })
        .await;
        let id = attrs(&c, row, "data-poll-id").await.pop().expect("the draft's id");
        let row = format!("[data-testid=staff-poll][data-poll-id='{id}']");
        let row = row.as_str();
        tap(&c, &format!("{row} [data-testid=staff-poll-edit]")).await;
        fill(&c, "[data-testid=staff-poll-question]", "Which city hosts the 2028 summit?").await;
        tap(&c, "[data-testid=staff-poll-save]").await;
        eventually("the reworded draft", WAIT, || async {
            text_of(&c, row).await.filter(|t| t.contains("2028 summit")).map(|_| ())
        })
        .await;
        tap(&c, &format!("{row} [data-testid=staff-poll-open]")).await;
        eventually("open, as the backend confirms", WAIT, || async {
            (attrs(&c, row, "data-state").await.pop()? == "open").then_some(())
        })
        .await;
        after_paint(&c).await;
        shoot(&env().screenshots, "staff-poll-opened-tablet", (x, y, w as u32, h as u32), None).await;
    })
    .await;
    let bundle = store.event_bundle().expect("read").expect("event");
    let poll = bundle.polls.iter().find(|p| p.question == "Which city hosts the 2028 summit?").expect("on the backend");
    assert!(!poll.draft, "opened");
    assert_eq!(poll.correct_option_id.as_deref(), Some("o2"));
    let phone = match store
        .redeem(&RedeemRequest {
            code: "JOIN-E2E".into(),
            client_id: "phone".into(),
            display_name: None,
            show_name: false,
        })
        .expect("redeem")
    {
        elements_backend::store::Redeemed::Token(t) => t.token,
        other => panic!("{other:?}"),
    };
    let caller = store.authenticate(&phone).expect("read").expect("a caller");
    let answer = Signal {
        id: "phone-1".into(),
        client_id: "phone".into(),
        seq: 1,
        schema_version: 1,
        created_at: elements_e2e::chrono_at(DURING),
        action: Action::Vote { poll_id: poll.id.clone(), option_id: "o2".into() },
    };
    let backend = store.clone();
    let report = tokio::task::spawn_blocking(move || {
        backend.push(&caller, &[answer], elements_e2e::chrono_at(DURING).to_utc()).expect("pushed")
    })
    .await
    .expect("the answer");
    assert!(matches!(report.results[0].outcome, Outcome::Accepted { .. }), "{:?}", report.results);
    server.stop();
}

/// The analytics Element in the real app on an event-sized day (2,000 attendees through the
/// real intake): the organizer's tablet shows the sessions with the backend's counts, the venue
/// on its floor plans moves with the hour slider, and figures from fewer than five people are
/// "—". Then the report `elements-backend report` writes, opened in the same webview. Screenshots
/// of both at tablet size.
#[tokio::test]
async fn the_organizer_sees_the_analytics_of_a_busy_day_and_its_report() {
    let mut served = demo();
    served.manifest.id = "busy-summit".into();
    served.manifest.name = "Busy Summit".into();
    // The organizer lets the venue screens show the event in numbers.
    served.manifest.kiosk = Some(elements_protocol::event::KioskSettings { show_figures: true, ..Default::default() });
    let (url, store, server, _backend_dir) = serve(&served, Some("2027-03-10T19:30:00+01:00")).await;
    store.add_code("ORG-E2E", Role::Organizer, true).expect("organizer code");
    store.add_code("SCREEN-E2E", Role::Kiosk, false).expect("kiosk code");
    // The floor plans as `serve` and `import` store them (the report draws the venue on them).
    for (file, bytes) in elements_backend::DEMO_PLANS {
        store.put_plan(file.trim_end_matches(".svg"), "image/svg+xml", bytes).expect("plan");
    }
    let busy = store.clone();
    let event = served.clone();
    let pushed =
        tokio::task::spawn_blocking(move || elements_backend::testing::a_day_at_the_event(&busy, &event, 2000))
            .await
            .expect("the day");
    assert!(pushed > 15_000, "{pushed} signals");
    let now = elements_e2e::chrono_at("2027-03-10T19:30:00+01:00").to_utc();
    let counted = store.analytics(now).expect("count").expect("figures");
    let keynote = counted.sessions.iter().find(|s| s.id == "s1-001").and_then(|s| s.attendees).expect("the keynote");
    let busiest_route = counted.routes.first().map(|r| r.people).expect("a route asked for by many");
    // Counted for the screens now, not at the backend's next minute.
    store.publish_screen_figures(now).expect("count").expect("allowed");
    let link = format!("elements://join?url={url}&code=ORG-E2E");
    let shots = env().screenshots;
    let report_dir = tempfile::tempdir().expect("report dir");
    let report_store = store.clone();
    with_app(&["--clock", "2027-03-10T19:30:00+01:00", "--window-size", "1180x820", "--join", &link], |c| async move {
        desk(&c).await;
        tap(&c, "[data-testid=staff-tab-analytics]").await;
        let shown = eventually("the keynote's audience", 2 * WAIT, || async {
            attrs(&c, "[data-testid=analytics-session][data-session='s1-001']", "data-attendees").await.pop()
        })
        .await;
        assert_eq!(shown, keynote.to_string(), "the backend's count");
        let routes = attrs(&c, "[data-testid=analytics-route]", "data-people").await;
        assert_eq!(routes.first(), Some(&busiest_route.to_string()), "the busiest route first: {routes:?}");
        let at_hour = |c: Client| async move { attrs(&c, "[data-testid=analytics-place]", "data-people").await };
        let before = at_hour(c.clone()).await;
        // To the hour after lunch (the slider starts at the busiest one, the opening keynote).
        c.execute(
            "const s = document.querySelector('[data-testid=analytics-hour]'); s.value = '3'; \
             s.dispatchEvent(new Event('input', { bubbles: true }));",
            vec![],
        )
        .await
        .expect("move the slider");
        let after = eventually("the venue after lunch", WAIT, || async {
            let now = at_hour(c.clone()).await;
            (now != before).then_some(now)
        })
        .await;
        assert!(after.iter().all(|p| p == "—" || p.parse::<u64>().is_ok_and(|n| n >= 5)), "{after:?}");
        after_paint(&c).await;
        let (x, y, w, h) = c.get_window_rect().await.expect("rect");
        shoot(&shots, "staff-analytics-tablet", (x, y, w as u32, h as u32), None).await;
        // The report as an organizer takes it home (what `elements-backend report` writes), in
        // the same webview.
        let out = report_dir.path().to_path_buf();
        let (event, happened) = report_store.analytics_input().expect("read").expect("event");
        let venue = elements_backend::analytics::report::Venue::of(&event, |f| report_store.plan(f).ok().flatten());
        let figures = elements_backend::analytics::analyse(&event, &happened);
        elements_backend::analytics::report::write(&figures, &venue, &out).expect("the report");
        c.goto(&format!("file://{}", out.join("report.html").display())).await.expect("open the report");
        eventually("the report", WAIT, || async { text_of(&c, "h1").await.filter(|t| t.contains("Busy Summit")) })
            .await;
        after_paint(&c).await;
        shoot(&shots, "analytics-report-tablet", (x, y, w as u32, h as u32), None).await;
        // Further down: the venue over the day on its own floor plans, carried in the file.
        c.execute("document.querySelector('figure.floor').scrollIntoView();", vec![]).await.expect("scroll");
        let circles = attrs(&c, "figure.floor circle", "r").await;
        assert!(circles.len() >= 5, "places drawn on the plan: {circles:?}");
        after_paint(&c).await;
        shoot(&shots, "analytics-report-floors-tablet", (x, y, w as u32, h as u32), None).await;
    })
    .await;
    // A venue screen of the same event shows the event in numbers the organizer allowed.
    let people = counted.people.expect("people");
    let screen = format!("elements://join?url={url}&code=SCREEN-E2E");
    let args = ["--kiosk", "--clock", "2027-03-10T19:30:00+01:00", "--panels", "figures", "--window-size", "1920x1080"];
    let shots = env().screenshots;
    with_app(&[&args[..], &["--join", &screen]].concat(), |c| async move {
        let shown = eventually("the event in numbers", 2 * WAIT, || async {
            text_of(&c, "[data-testid=venue-figure-people]").await
        })
        .await;
        assert_eq!(shown, people.to_string(), "the backend's count of people");
        let text = text_of(&c, "[data-testid=venue-panel]").await.unwrap_or_default();
        assert!(text.contains("Fullest sessions") && text.contains("Ways most asked for"), "{text}");
        after_paint(&c).await;
        let (x, y, w, h) = c.get_window_rect().await.expect("rect");
        shoot(&shots, "kiosk-figures-landscape", (x, y, w as u32, h as u32), None).await;
    })
    .await;
    server.stop();
}
