//! A venue screen in the real app against the reference backend on 127.0.0.1: every panel with
//! the event's live data (screenshots at 1920×1080 and 1080×1920), a phone (the app's core, in
//! this process) votes and the screen shows the new result over the live stream, and the
//! screen keeps its data with an "offline since" mark when the backend goes away.
//! `vote_to_kiosk_latency` measures a vote on the phone to the result painted on the screen.

use std::sync::Arc;

use elements_backend::store::{Redeemed, SqliteStore, Store};
use elements_client::api::{AppApi, Clock};
use elements_e2e::*;
use elements_protocol::app::{JoinArgs, VoteArgs};
use elements_protocol::auth::{RedeemRequest, Role};
use elements_protocol::signal::{Action, Signal};
use elements_protocol::staff::{Gate, Pass};
use fantoccini::{Client, Locator};

const DURING: &str = "2027-03-10T09:30:00+01:00";

fn token(store: &SqliteStore, code: &str, device: &str, name: Option<&str>) -> String {
    let request = RedeemRequest {
        code: code.into(),
        client_id: device.into(),
        display_name: name.map(str::to_string),
        show_name: name.is_some(),
    };
    match store.redeem(&request).expect("redeem") {
        Redeemed::Token(t) => t.token,
        other => panic!("{other:?}"),
    }
}

fn push(store: &SqliteStore, token: &str, actions: Vec<Action>) {
    let caller = store.authenticate(token).expect("read").expect("a caller");
    let signals: Vec<Signal> = actions
        .into_iter()
        .enumerate()
        .map(|(i, action)| Signal {
            id: format!("{token}-{i}"),
            client_id: format!("device-{token}"),
            seq: i as u64 + 1,
            schema_version: 4,
            created_at: chrono_at(DURING),
            action,
        })
        .collect();
    store.push(&caller, &signals, chrono_at(DURING).to_utc()).expect("pushed");
}

/// The event as it stands at 09:30 on the first morning: votes in the opening poll, a question
/// in its Q&A, a leaderboard with one name shown, an announcement, people checked in to the
/// keynote.
fn a_lively_morning(store: &SqliteStore) {
    for i in 0..6 {
        let t = token(store, "JOIN-E2E", &format!("voter-{i}"), None);
        let option = ["o1", "o2", "o2", "o3", "o2", "o4"][i];
        push(store, &t, vec![Action::Vote { poll_id: "poll-opening".into(), option_id: option.into() }]);
    }
    let asker = token(store, "JOIN-E2E", "asker", Some("Dana"));
    push(
        store,
        &asker,
        vec![Action::Ask {
            poll_id: "poll-opening-qa".into(),
            question_id: "q-kiosk-1".into(),
            text: "How do the venue screens keep working when the Wi-Fi drops?".into(),
            anonymous: false,
        }],
    );
    let quest = demo().quests.into_iter().find(|q| q.id == "quest-explorer").expect("quest");
    for (name, found) in [("Aigerim", 3), ("Bauyrzhan", 2)] {
        let t = token(store, "JOIN-E2E", name, Some(name));
        let scans = quest.checkpoints.iter().take(found).map(|cp| Action::CheckpointScan {
            quest_id: quest.id.clone(),
            checkpoint_id: cp.id.clone(),
            proof: None,
        });
        push(store, &t, scans.collect());
    }
    store
        .announce("Coffee and pastries are served in the foyer until 10:00.", chrono_at(DURING).to_utc())
        .expect("announce");
    store.add_code("STAFF-K", Role::Organizer, false).expect("staff code");
    let staff = token(store, "STAFF-K", "door-tablet", None);
    let mut admits = Vec::new();
    for i in 0..37 {
        let ticket = format!("T-KIOSK-{i:03}");
        store.add_code(&ticket, Role::Attendee, true).expect("ticket");
        admits.push(Action::Admit { pass: Pass::Ticket(ticket), gate: Gate::Session("s1-001".into()) });
    }
    push(store, &staff, admits);
}

async fn panel(c: &Client) -> Option<String> {
    attrs(c, "[data-testid=venue-panel]", "data-panel").await.pop()
}

/// Taps the screen until `wanted` shows (a tap shows the next panel and holds the loop).
async fn show(c: &Client, wanted: &str) {
    for _ in 0..10 {
        if panel(c).await.as_deref() == Some(wanted) {
            return;
        }
        let before = panel(c).await;
        c.find(Locator::Css("[data-testid=venue-screen]")).await.expect("the screen").click().await.expect("tap");
        eventually("the next panel", WAIT, || async { (panel(c).await != before).then_some(()) }).await;
    }
    panic!("no {wanted} panel on this screen");
}

async fn backend() -> (String, Arc<SqliteStore>, elements_backend::testing::Loopback, tempfile::TempDir) {
    let mut served = demo();
    served.manifest.id = "screen-summit".into();
    served.manifest.name = "Screen Summit".into();
    let (url, store, server, dir) = serve(&served, Some(DURING)).await;
    store.add_code("KIOSK-E2E", Role::Kiosk, false).expect("kiosk code");
    let busy = store.clone();
    tokio::task::spawn_blocking(move || a_lively_morning(&busy)).await.expect("the morning");
    (url, store, server, dir)
}

fn phone(url: &str) -> (AppApi, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("phone dir");
    let api = AppApi::start(dir.path(), Clock::Fixed(chrono_at(DURING).to_utc()), &mut |_| {}).expect("start").0;
    api.join_event(JoinArgs { url: url.into(), code: Some("JOIN-E2E".into()) }).expect("the phone joins");
    (api, dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_venue_screen_rotates_its_panels_and_shows_a_phones_vote_as_it_arrives() {
    let (url, _store, server, _backend_dir) = backend().await;
    let link = format!("elements://join?url={url}&code=KIOSK-E2E");
    let data = tempfile::tempdir().expect("kiosk data");
    let dir = env().screenshots;
    for (orientation, size, w, h) in [("landscape", "1920x1080", 1920, 1080), ("portrait", "1080x1920", 1080, 1920)] {
        let args = [
            "--kiosk",
            "--clock",
            DURING,
            "--join",
            link.as_str(),
            "--here",
            "poi-exit-main",
            "--room",
            "main-hall",
            "--seconds",
            "600",
            "--window-size",
            size,
        ];
        let shots = dir.clone();
        with_app_at(data.path(), &args, |c| async move {
            eventually("the venue screen", 2 * WAIT, || async {
                c.find(Locator::Css("[data-testid=venue-screen]")).await.ok()
            })
            .await;
            // Joined: the poll has the morning's six answers (the screen's data is the backend's).
            show(&c, "poll").await;
            eventually("the morning's votes", WAIT, || async {
                let total = attrs(&c, "[data-testid=venue-poll-total]", "data-total").await.pop()?;
                (total == "6").then_some(())
            })
            .await;
            let room = text_of(&c, "[data-testid=venue-room]").await.unwrap_or_default();
            assert_eq!(room, "Main Hall");
            for wanted in ["now_next", "poll", "question", "leaderboard", "where_to", "announcements", "join"] {
                show(&c, wanted).await;
                let text = text_of(&c, "[data-testid=venue-panel]").await.unwrap_or_default();
                match wanted {
                    "now_next" => {
                        assert!(text.contains("Opening Keynote"), "{text}");
                        let fill = attrs(&c, "[data-testid=venue-fill]", "data-checked-in").await;
                        assert_eq!(fill, ["37"], "staff's count of people in, no one's details");
                    }
                    "question" => assert!(text.contains("Wi-Fi drops") && text.contains("Dana"), "{text}"),
                    "leaderboard" => {
                        assert!(text.contains("Aigerim") && text.contains("Bauyrzhan"), "{text}");
                    }
                    "where_to" => assert!(text.contains("Main entrance") && text.contains("min"), "{text}"),
                    "announcements" => assert!(text.contains("pastries"), "{text}"),
                    "join" => {
                        assert!(c.find(Locator::Css("[data-testid=venue-panel] .qr svg")).await.is_ok(), "a QR code");
                    }
                    _ => {}
                }
                after_paint(&c).await;
                shoot(&shots, &format!("kiosk-{wanted}-{orientation}"), (0, 0, w, h), None).await;
            }
        })
        .await;
    }

    // In Russian: the screen's language is the device's setting, chosen before it became a
    // venue screen (a kiosk has no settings screen).
    let russian = tempfile::tempdir().expect("russian kiosk data");
    with_app_at(russian.path(), &["--window-size", "1280x820"], |c| async move {
        open(&c, "me").await;
        choose(&c, "[data-testid=language]", "ru").await;
        eventually("Russian", WAIT, || async { (language_and_theme(&c).await.0 == "ru").then_some(()) }).await;
    })
    .await;
    let shots = dir.clone();
    let ru_args = [
        "--kiosk",
        "--clock",
        DURING,
        "--join",
        link.as_str(),
        "--here",
        "poi-exit-main",
        "--room",
        "main-hall",
        "--seconds",
        "600",
        "--window-size",
        "1920x1080",
    ];
    with_app_at(russian.path(), &ru_args, |c| async move {
        for wanted in ["now_next", "poll", "where_to"] {
            eventually("the joined event on the Russian venue screen", 2 * WAIT, || async {
                text_of(&c, ".venue-event").await.filter(|t| t == "Screen Summit")
            })
            .await;
            show(&c, wanted).await;
            if wanted == "now_next" {
                let title = text_of(&c, ".venue-title").await.unwrap_or_default();
                assert_eq!(title, "Сейчас и далее");
            }
            after_paint(&c).await;
            shoot(&shots, &format!("kiosk-{wanted}-landscape-ru"), (0, 0, 1920, 1080), None).await;
        }
    })
    .await;

    // A phone votes; the screen, on the poll, shows it as it arrives.
    let kiosk_args = ["--kiosk", "--clock", DURING, "--panels", "poll", "--window-size", "1920x1080"];
    let url_for_phone = url.clone();
    let (phone, _phone_dir) = tokio::task::spawn_blocking(move || phone(&url_for_phone)).await.expect("the phone");
    let phone = Arc::new(phone);
    let voter = phone.clone();
    with_app_at(data.path(), &kiosk_args, |c| async move {
        eventually("the poll with six answers", WAIT, || async {
            let total = attrs(&c, "[data-testid=venue-poll-total]", "data-total").await.pop()?;
            (total == "6").then_some(())
        })
        .await;
        tokio::task::spawn_blocking(move || {
            voter.cast_vote(VoteArgs { poll_id: "poll-opening".into(), option_id: "o1".into() }).expect("the vote")
        })
        .await
        .expect("voted");
        eventually("the phone's vote on the screen", WAIT, || async {
            let total = attrs(&c, "[data-testid=venue-poll-total]", "data-total").await.pop()?;
            (total == "7").then_some(())
        })
        .await;
    })
    .await;

    // The backend goes away: the screen keeps its last data and says since when.
    server.stop();
    with_app_at(data.path(), &kiosk_args, |c| async move {
        let since =
            eventually("the offline mark", 2 * WAIT, || async { text_of(&c, "[data-testid=venue-offline]").await })
                .await;
        assert!(since.contains("Offline since"), "{since}");
        let total = attrs(&c, "[data-testid=venue-poll-total]", "data-total").await.pop();
        assert_eq!(total.as_deref(), Some("7"), "the last good data");
        after_paint(&c).await;
        shoot(&env().screenshots, "kiosk-offline-landscape", (0, 0, 1920, 1080), None).await;
    })
    .await;
    drop(phone);
}

/// Staff put a question on the screens from the tablet's poll desk; a venue screen then shows
/// it instead of the most upvoted one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_staff_highlight_appears_on_the_venue_screen() {
    let (url, store, _server, _backend_dir) = backend().await;
    // A second question, more upvoted: what a screen shows while staff choose none.
    let busy = store.clone();
    tokio::task::spawn_blocking(move || {
        let asker = token(&busy, "JOIN-E2E", "asker-2", None);
        push(
            &busy,
            &asker,
            vec![Action::Ask {
                poll_id: "poll-opening-qa".into(),
                question_id: "q-kiosk-2".into(),
                text: "Will the slides be online?".into(),
                anonymous: true,
            }],
        );
        for i in 0..3 {
            let t = token(&busy, "JOIN-E2E", &format!("upvoter-{i}"), None);
            push(
                &busy,
                &t,
                vec![Action::Upvote { poll_id: "poll-opening-qa".into(), question_id: "q-kiosk-2".into() }],
            );
        }
    })
    .await
    .expect("the questions");
    let screen = tempfile::tempdir().expect("kiosk data");
    let kiosk = format!("elements://join?url={url}&code=KIOSK-E2E");
    let kiosk_args =
        ["--kiosk", "--clock", DURING, "--panels", "question", "--window-size", "1920x1080", "--join", kiosk.as_str()];
    let question = |c: Client| async move {
        eventually("the question on the screen", WAIT, || async { text_of(&c, "[data-testid=venue-question]").await })
            .await
    };
    with_app_at(screen.path(), &kiosk_args, |c| async move {
        assert!(question(c).await.contains("slides"), "the most upvoted while none is chosen");
    })
    .await;

    let tablet = tempfile::tempdir().expect("tablet data");
    let staff = format!("elements://join?url={url}&code=STAFF-K");
    let staff_args = ["--clock", DURING, "--window-size", "1180x820", "--join", staff.as_str()];
    with_app_at(tablet.path(), &staff_args, |c| async move {
        eventually("the staff desk", 2 * WAIT, || async {
            c.find(Locator::Css("[data-testid=element-staff]")).await.ok()
        })
        .await;
        tap(&c, "[data-testid=staff-tab-polls]").await;
        let row = "[data-testid=staff-question][data-question-id='q-kiosk-1']";
        tap(&c, &format!("{row} [data-testid=staff-question-highlight]")).await;
        eventually("on the screens, as the backend confirms", WAIT, || async {
            (attrs(&c, row, "data-highlighted").await.pop()? == "true").then_some(())
        })
        .await;
        let (x, y, _, _) = c.get_window_rect().await.expect("window rect");
        after_paint(&c).await;
        shoot(&env().screenshots, "staff-polls-tablet", (x, y, 1180, 820), None).await;
    })
    .await;

    let kiosk_again = ["--kiosk", "--clock", DURING, "--panels", "question", "--window-size", "1920x1080"];
    with_app_at(screen.path(), &kiosk_again, |c| async move {
        eventually("the highlighted question", WAIT, || async {
            text_of(&c, "[data-testid=venue-question]").await.filter(|t| t.contains("Wi-Fi drops"))
        })
        .await;
    })
    .await;
}

/// Measures, prints, asserts nothing about speed: a vote on a phone (the app's core, in this
/// process, syncing over HTTP on 127.0.0.1) to the new result painted on a venue screen (the
/// real app, over the backend's live stream). The screen's page stamps each change of the
/// counts at the animation frame after it; both clocks are this machine's wall clock.
/// `ELEMENTS_KIOSK_VOTES` sets how many votes (default 200).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vote_to_kiosk_latency() {
    let votes: usize = std::env::var("ELEMENTS_KIOSK_VOTES").ok().and_then(|v| v.parse().ok()).unwrap_or(200);
    let (url, _store, _server, _backend_dir) = backend().await;
    let link = format!("elements://join?url={url}&code=KIOSK-E2E");
    let data = tempfile::tempdir().expect("kiosk data");
    let url_for_phone = url.clone();
    let (phone, _phone_dir) = tokio::task::spawn_blocking(move || phone(&url_for_phone)).await.expect("the phone");
    let phone = Arc::new(phone);
    let args = [
        "--kiosk",
        "--clock",
        DURING,
        "--panels",
        "poll",
        "--seconds",
        "600",
        "--window-size",
        "1920x1080",
        "--join",
        link.as_str(),
    ];
    with_app_at(data.path(), &args, |c| async move {
        // The first launch joins first.
        eventually("the poll", 2 * WAIT, || async {
            (attrs(&c, "[data-testid=venue-poll-total]", "data-total").await.pop()? == "6").then_some(())
        })
        .await;
        // Each change of the counts, stamped at the frame that paints it.
        c.execute(
            r#"window.__paints = [];
               const sig = () => Array.from(document.querySelectorAll('[data-testid=venue-count]')).map(e => e.dataset.votes).join(',');
               let last = sig();
               new MutationObserver(() => {
                 const now = sig();
                 if (now !== last) { last = now; requestAnimationFrame(() => window.__paints.push([now, Date.now()])); }
               }).observe(document.body, {subtree: true, childList: true, attributes: true, attributeFilter: ['data-votes']});
               return true;"#,
            vec![],
        )
        .await
        .expect("the observer");
        let mut latencies = Vec::with_capacity(votes);
        for n in 0..votes {
            // The morning's counts are o1 1, o2 3, o3 1, o4 1; the phone's vote moves between o1 and o3.
            let (option, expected) = if n % 2 == 0 { ("o1", "2,3,1,1") } else { ("o3", "1,3,2,1") };
            let seen_before = c.execute("return window.__paints.length", vec![]).await.expect("count").as_u64().unwrap_or(0);
            let sent_at = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_millis() as f64;
            let voter = phone.clone();
            tokio::task::spawn_blocking(move || {
                voter.cast_vote(VoteArgs { poll_id: "poll-opening".into(), option_id: option.into() }).expect("the vote")
            })
            .await
            .expect("voted");
            let painted = eventually("the vote painted on the screen", WAIT, || async {
                let paints = c.execute("return window.__paints", vec![]).await.ok()?;
                paints.as_array()?.iter().skip(seen_before as usize).find_map(|p| {
                    (p[0].as_str()? == expected).then(|| p[1].as_f64()).flatten()
                })
            })
            .await;
            latencies.push(painted - sent_at);
        }
        latencies.sort_by(|a, b| a.total_cmp(b));
        let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
        println!(
            "vote on a phone to the result painted on the venue screen, over loopback: {} votes, p50 {:.0} ms, p95 {:.0} ms, max {:.0} ms",
            latencies.len(),
            at(0.5),
            at(0.95),
            at(1.0)
        );
    })
    .await;
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
