//! The person's own agenda in the real app: stars from the list and the detail, "Mine" with
//! clashes flagged, and "take me to my next session" routing there on the map.

use elements_e2e::*;
use elements_protocol::event::SessionKind;
use fantoccini::Locator;
use std::time::Duration;

#[tokio::test]
async fn two_starred_sessions_at_once_are_flagged_and_the_next_one_is_a_route_away() {
    let b = demo();
    let at = chrono_at("2027-03-10T11:00:00+01:00");
    let parallel: Vec<_> = b
        .sessions
        .iter()
        .filter(|s| s.starts_at == at && s.kind != SessionKind::Break && s.room_id.is_some())
        .take(2)
        .cloned()
        .collect();
    assert_eq!(parallel.len(), 2);
    let dir = env().screenshots;
    let exports = tempfile::tempdir().expect("temp dir");
    let export_dir = exports.path().display().to_string();
    with_app(
        &["--clock", "2027-03-10T10:05:00+01:00", "--window-size", "390x844", "--export-dir", &export_dir],
        |c| async move {
            wait_for_day(&c, &b, b.manifest.days[0].index).await;
            // The now/next panel comes in above the list after it: a tap before it is there may
            // land where the star was (seen once on a loaded CI machine).
            eventually("the now/next panel", WAIT, || async {
                c.find(Locator::Css("[data-testid=now-next]")).await.ok()
            })
            .await;
            after_paint(&c).await;
            // One star from the list, one from the session's page.
            let list_star = format!("[data-testid=star][data-session-id='{}']", parallel[0].id);
            tap(&c, &list_star).await;
            eventually("the list's star on", WAIT, || async {
                (attrs(&c, &list_star, "aria-pressed").await.first()? == "true").then_some(())
            })
            .await;
            tap(&c, &format!("[data-testid=session-card][data-session-id='{}']", parallel[1].id)).await;
            tap(&c, "[data-testid=detail-star]").await;
            eventually("the detail's star on", WAIT, || async {
                (attrs(&c, "[data-testid=detail-star]", "aria-pressed").await.first()? == "true").then_some(())
            })
            .await;
            tap(&c, "[data-testid=detail-back]").await;
            tap(&c, "[data-testid=group-mine]").await;
            let mine = eventually("both in my schedule", WAIT, || async {
                let ids = attrs(&c, "[data-testid=mine-card]", "data-session-id").await;
                (ids.len() == 2).then_some(ids)
            })
            .await;
            assert!(parallel.iter().all(|p| mine.contains(&p.id)), "{mine:?}");
            let clashes = texts(&c, "[data-testid=overlap]").await;
            assert_eq!(clashes.len(), 2, "each flags the other: {clashes:?}");
            assert!(clashes[0].contains(&parallel[1].title) || clashes[0].contains(&parallel[0].title), "{clashes:?}");
            // Into the calendar: the file is there, with both sessions in the event's zone.
            tap(&c, "[data-testid=export-ics]").await;
            let path = eventually("the file written", WAIT, || async {
                attrs(&c, "[data-testid=exported]", "data-path").await.pop()
            })
            .await;
            let ics = std::fs::read_to_string(&path).expect("the exported file");
            assert_eq!(ics.matches("BEGIN:VEVENT").count(), 2, "{ics}");
            assert!(
                ics.contains("BEGIN:VTIMEZONE") && ics.contains("DTSTART;TZID=Europe/Berlin:20270310T110000"),
                "{ics}"
            );
            let (x, y, _, _) = c.get_window_rect().await.expect("window rect");
            after_paint(&c).await;
            shoot(&dir, "my-schedule-phone", (x, y, 390, 844), None).await;
            // Take me to my next session: the map, the route from where I am.
            tap(&c, "[data-testid=take-me-next]").await;
            eventually("the route panel", WAIT, || async {
                c.find(Locator::Css("[data-testid=route-panel]")).await.ok()
            })
            .await;
            c.find(Locator::Css("[data-testid=route-needs-here]")).await.expect("asks where I am first");
            // In Russian, on a tablet.
            resize(&c, 820, 1180).await;
            open(&c, "me").await;
            choose(&c, "[data-testid=language]", "ru").await;
            eventually("Russian", WAIT, || async { (language_and_theme(&c).await.0 == "ru").then_some(()) }).await;
            open(&c, "agenda").await;
            tap(&c, "[data-testid=group-mine]").await;
            eventually("the clashes in Russian", WAIT, || async {
                let t = texts(&c, "[data-testid=overlap]").await;
                t.first().is_some_and(|x| x.contains("Пересекается")).then_some(())
            })
            .await;
            after_paint(&c).await;
            shoot(&dir, "my-schedule-tablet-ru", (x, y, 820, 1180), None).await;
        },
    )
    .await;
}

/// Watches the session bus for desktop notifications (`Notify` calls to
/// org.freedesktop.Notifications), as a notification server would receive them. Stops with the
/// value.
struct NotificationWatch {
    child: std::process::Child,
    seen: std::sync::Arc<std::sync::Mutex<String>>,
}

impl NotificationWatch {
    fn start() -> NotificationWatch {
        use std::io::BufRead;
        let mut child = std::process::Command::new("dbus-monitor")
            .args(["--session", "interface='org.freedesktop.Notifications',member='Notify'"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("dbus-monitor (package dbus) on the e2e session bus");
        let seen = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let out = child.stdout.take().expect("stdout");
        let sink = seen.clone();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(out).lines().map_while(Result::ok) {
                let mut s = sink.lock().unwrap_or_else(|p| p.into_inner());
                s.push_str(&line);
                s.push('\n');
            }
        });
        NotificationWatch { child, seen }
    }

    fn text(&self) -> String {
        self.seen.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Drop for NotificationWatch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn a_starred_session_about_to_start_is_a_system_notification() {
    let b = demo();
    let talk = b
        .sessions
        .iter()
        .find(|s| s.kind == SessionKind::Talk && s.starts_at >= chrono_at("2027-03-10T11:00:00+01:00"))
        .cloned()
        .expect("a talk from 11:00");
    let clock = (talk.starts_at - chrono::Duration::minutes(8)).to_rfc3339();
    let watch = NotificationWatch::start();
    with_app(&["--clock", &clock, "--window-size", "390x844"], |c| async move {
        wait_for_day(&c, &b, b.manifest.days[0].index).await;
        tap(&c, &format!("[data-testid=star][data-session-id='{}']", talk.id)).await;
        // Starring wakes the reminder clock, which finds the talk 8 minutes away.
        let seen = eventually("the reminder on the session bus", Duration::from_secs(40), || async {
            let t = watch.text();
            t.contains(&talk.title).then_some(t)
        })
        .await;
        assert!(seen.contains("In 8 minutes"), "{seen}");
    })
    .await;
}

/// Closing a session puts the focus back on its card in the same task as the tap, so the list
/// never moves afterwards, under a tap already aimed. It did, a frame later: a person who tapped
/// "back" and then "Mine" at once had the second tap land on the card the focus scrolled to,
/// the session opened again and "Mine" never showed (issue 25, one full run in four). Here the
/// second gesture is a scroll to the top, in the same task as "back": the page must stay there.
#[tokio::test]
async fn closing_a_session_never_moves_the_list_under_the_next_tap() {
    let b = demo();
    with_app(&["--clock", "2027-03-10T10:05:00+01:00", "--window-size", "390x844"], |c| async move {
        // The whole day: its last card is far down the list.
        let ids = wait_for_day(&c, &b, b.manifest.days[0].index).await;
        let last = ids.last().cloned().expect("sessions on the first day");
        tap(&c, &format!("[data-testid=session-card][data-session-id='{last}']")).await;
        eventually("the session opened", WAIT, || async {
            (attrs(&c, "[data-testid=session-detail]", "data-session-id").await.first()? == &last).then_some(())
        })
        .await;
        after_paint(&c).await;
        let after = c
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 document.querySelector('[data-testid=detail-back]').click();
                 window.scrollTo(0, 0);
                 const at = window.scrollY;
                 requestAnimationFrame(() => requestAnimationFrame(() => done([at, window.scrollY,
                     document.activeElement ? document.activeElement.getAttribute('data-session-id') : null])));",
                vec![],
            )
            .await
            .expect("back, then scroll to the top");
        assert_eq!(after[0], after[1], "the list moved after the tap on back (scrollY before, after): {after}");
        assert_eq!(after[2].as_str(), Some(last.as_str()), "the focus is back on the card: {after}");
        // And "Mine", tapped right after "back", shows "Mine".
        tap(&c, &format!("[data-testid=session-card][data-session-id='{last}']")).await;
        eventually("the session opened again", WAIT, || async {
            c.find(Locator::Css("[data-testid=detail-back]")).await.ok()
        })
        .await;
        tap(&c, "[data-testid=detail-back]").await;
        tap(&c, "[data-testid=group-mine]").await;
        eventually("my (empty) schedule", WAIT, || async {
            c.find(Locator::Css("[data-testid=mine-empty]")).await.ok()
        })
        .await;
    })
    .await;
}
