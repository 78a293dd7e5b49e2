//! The map Element in the real app (WebKitGTK through WebDriver): search, routes across floors
//! (step-free by the lift), "show on map" from a session, "you are here" from a photographed
//! location code, and a huge raster plan served by the reference backend, cut into tiles and
//! zoomed into.

use elements_e2e::*;
use std::time::Duration;

use fantoccini::{Client, Locator};

/// A moment during the demo event, so rooms have sessions now and next.
const DURING: &str = "2027-03-10T10:05:00+01:00";

/// Waits until the map shows floor `floor` with its plan painted (the image loaded).
async fn painted(c: &Client, floor: &str) {
    let last = std::sync::Mutex::new(String::new());
    let found = tokio::time::timeout(
        WAIT,
        eventually(&format!("floor {floor} painted"), WAIT + WAIT, || async {
            let Ok(canvas) = c.find(Locator::Css("[data-testid=map-canvas]")).await else {
                let body = text_of(c, "main").await.unwrap_or_default();
                *last.lock().unwrap() =
                    format!("no plan; the screen says {:?}", body.chars().take(300).collect::<String>());
                return None;
            };
            let f = canvas.attr("data-floor").await.ok()??;
            let p = canvas.attr("data-painted").await.ok()??;
            *last.lock().unwrap() = format!("floor {f}, painted {p}");
            (f == floor && p == "true").then_some(())
        }),
    )
    .await;
    assert!(found.is_ok(), "floor {floor} not painted within {WAIT:?}; the map showed {}", last.lock().unwrap());
}

/// Types `text` in the map's search and picks the hit for place `place`.
async fn find_place(c: &Client, text: &str, place: &str) {
    let field = c.find(Locator::Css("[data-testid=map-search]")).await.expect("search field");
    field.clear().await.expect("clear");
    field.send_keys(text).await.expect("type");
    tap(c, &format!("[data-testid=map-hit][data-place='{place}']")).await;
    eventually(&format!("{place} picked"), WAIT, || async {
        let d = c.find(Locator::Css("[data-testid=place-detail]")).await.ok()?;
        (d.attr("data-place").await.ok()?? == place).then_some(())
    })
    .await;
}

/// What the route panel shows: the step kinds in order (`walk`, `lift`, `stairs`, …, `arrive`).
async fn route_steps(c: &Client) -> Vec<String> {
    eventually("the route's steps", WAIT, || async {
        let steps = attrs(c, "[data-testid=route-steps] li", "data-how").await;
        (!steps.is_empty()).then_some(steps)
    })
    .await
}

async fn here_answer(c: &Client) -> u64 {
    attrs(c, "[data-testid=here-result]", "data-answer").await.first().and_then(|a| a.parse().ok()).unwrap_or(0)
}

/// The "you are here" answer newer than `last`: `set`, or the refusal's reason.
async fn here_answer_after(c: &Client, last: u64) -> String {
    eventually("an answer about where I am", WAIT, || async {
        let r = c.find(Locator::Css("[data-testid=here-result]")).await.ok()?;
        let n: u64 = r.attr("data-answer").await.ok()??.parse().ok()?;
        if n <= last {
            return None;
        }
        match r.attr("data-status").await.ok()??.as_str() {
            "set" => Some("set".to_string()),
            _ => r.attr("data-reason").await.ok()?,
        }
    })
    .await
}

/// Search a booth upstairs by its exhibitor's name, say "I'm here" at the main entrance, and
/// route there: by the stairs, then step-free by the lift, with the steps, the distance and the
/// time; the route's line on each floor it crosses. Screenshots at phone, tablet and venue
/// sizes, and in Russian.
#[tokio::test]
async fn a_booth_is_found_by_its_exhibitor_and_reached_step_free_by_the_lift() {
    let b = demo();
    let booth = b
        .points_of_interest
        .iter()
        .find(|p| p.exhibitor.as_deref() == Some("Hanseatic University"))
        .expect("the booth");
    assert_eq!(booth.floor_id, "floor-1", "the booth is upstairs");
    let booth_id = booth.id.clone();
    let dir = env().screenshots;
    with_app(&["--clock", DURING, "--window-size", "820x1180"], |c| async move {
        open(&c, "map").await;
        painted(&c, "floor-0").await;
        // Where am I: the main entrance, picked from the search.
        find_place(&c, "entrance", "poi-exit-main").await;
        let last = here_answer(&c).await;
        tap(&c, "[data-testid=place-set-here]").await;
        eventually("the here marker", WAIT, || async {
            c.find(Locator::Css("[data-testid=here-marker][data-source=chosen]")).await.ok()
        })
        .await;
        let _ = last;

        find_place(&c, "Hanseatic", &booth_id).await;
        let exhibitor = text_of(&c, "[data-testid=place-detail] .place-exhibitor").await.unwrap_or_default();
        assert!(exhibitor.contains("Hanseatic University"), "the booth says who is there: {exhibitor:?}");
        // "I visited this booth": the map's own signal, counted at once.
        tap(&c, "[data-testid=visit-booth]").await;
        eventually("the visit counted", WAIT, || async {
            c.find(Locator::Css("[data-testid=booth-visited]")).await.ok()
        })
        .await;
        tap(&c, "[data-testid=route-here]").await;
        let with_stairs = route_steps(&c).await;
        assert!(with_stairs.contains(&"stairs".to_string()), "the quickest way takes the stairs: {with_stairs:?}");
        assert_eq!(with_stairs.last().map(String::as_str), Some("arrive"));
        let minutes_by_stairs: u32 =
            attrs(&c, "[data-testid=route-total]", "data-minutes").await[0].parse().expect("minutes");

        tap(&c, "[data-testid=step-free-toggle]").await;
        let step_free = eventually("the step-free route", WAIT, || async {
            let steps = route_steps(&c).await;
            steps.contains(&"lift".to_string()).then_some(steps)
        })
        .await;
        assert!(
            !step_free.iter().any(|s| s == "stairs" || s == "escalator"),
            "step-free never takes stairs or escalators: {step_free:?}"
        );
        let meters: u32 = attrs(&c, "[data-testid=route-total]", "data-meters").await[0].parse().expect("meters");
        let minutes: u32 = attrs(&c, "[data-testid=route-total]", "data-minutes").await[0].parse().expect("minutes");
        assert!(
            meters > 20 && minutes >= minutes_by_stairs,
            "{meters} m, {minutes} min (stairs: {minutes_by_stairs} min)"
        );
        let steps_text = texts(&c, "[data-testid=route-steps] li").await.join("\n");
        assert!(steps_text.contains("Take the lift up to First floor"), "{steps_text}");
        assert!(steps_text.contains("Arrive at"), "{steps_text}");
        // The route starts downstairs, drawn there; the switch badge takes the person upstairs.
        painted(&c, "floor-0").await;
        c.find(Locator::Css("[data-testid=route-line]")).await.expect("the route downstairs is drawn");
        c.find(Locator::Css("[data-testid=route-switch]")).await.expect("with the badge to the floor above");
        let (x, y, _, _) = c.get_window_rect().await.expect("window rect");
        after_paint(&c).await;
        let tablet = shoot(&dir, "map-route-tablet", (x, y, 820, 1180), None).await;
        tap(&c, "[data-testid=floor-floor-1]").await;
        painted(&c, "floor-1").await;
        c.find(Locator::Css("[data-testid=route-line]")).await.expect("the route upstairs is drawn");
        after_paint(&c).await;
        shoot(&dir, "map-route-upstairs-tablet", (x, y, 820, 1180), Some(&tablet)).await;

        resize(&c, 390, 844).await;
        after_paint(&c).await;
        let phone = shoot(&dir, "map-route-phone", (x, y, 390, 844), None).await;
        resize(&c, 1920, 1080).await;
        after_paint(&c).await;
        shoot(&dir, "map-route-venue-screen", (x, y, 1920, 1080), Some(&phone)).await;

        // The same in Russian, on the phone.
        resize(&c, 390, 844).await;
        open(&c, "me").await;
        choose(&c, "[data-testid=language]", "ru").await;
        eventually("Russian", WAIT, || async { (language_and_theme(&c).await.0 == "ru").then_some(()) }).await;
        // The route stayed while the person was away, and now reads in Russian.
        open(&c, "map").await;
        let ru = eventually("the route in Russian", WAIT, || async {
            let t = texts(&c, "[data-testid=route-steps] li").await.join("\n");
            t.contains("лифте").then_some(t)
        })
        .await;
        assert!(ru.contains("Поднимитесь на лифте"), "{ru}");
        after_paint(&c).await;
        shoot(&dir, "map-route-phone-ru", (x, y, 390, 844), None).await;
    })
    .await;
}

/// "Show on map" from a session's page opens the map on its room's floor with the room picked,
/// and the room says what runs there now.
#[tokio::test]
async fn show_on_map_from_a_session_opens_its_room_with_what_runs_there() {
    let b = demo();
    let now = chrono_at(DURING);
    let session = b
        .sessions
        .iter()
        .find(|s| s.starts_at <= now && s.ends_at > now && s.room_id.as_deref() == Some("kran"))
        .expect("a session in the Kran Room now")
        .clone();
    with_app(&["--clock", DURING, "--window-size", "1280x820"], |c| async move {
        tap(&c, &format!("[data-testid=session-card][data-session-id='{}']", session.id)).await;
        tap(&c, "[data-testid=show-on-map]").await;
        eventually("the room on the map", WAIT, || async {
            let d = c.find(Locator::Css("[data-testid=place-detail]")).await.ok()?;
            (d.attr("data-place").await.ok()?? == "poi-kran").then_some(())
        })
        .await;
        painted(&c, "floor-1").await;
        let now_text = text_of(&c, "[data-testid=place-session]").await.unwrap_or_default();
        assert!(now_text.contains(&session.title), "the room says what runs now: {now_text:?}");
        let selected = attrs(&c, "[data-testid=marker-poi-kran]", "class").await;
        assert!(selected.first().is_some_and(|c| c.contains("selected")), "{selected:?}");
        // Back to the session from the room.
        tap(&c, "[data-testid=place-session]").await;
        eventually("the session again", WAIT, || async {
            let d = c.find(Locator::Css("[data-testid=session-detail]")).await.ok()?;
            (d.attr("data-session-id").await.ok()?? == session.id).then_some(())
        })
        .await;
    })
    .await;
}

/// A location code photographed sets "you are here" (a code edited by someone is refused, and
/// "you are here" stays where it was), and routes then start there.
#[tokio::test]
async fn a_photographed_location_code_sets_you_are_here() {
    let b = demo();
    let secret = elements_domain::qr::secret_from_hex(elements_client_demo_key()).expect("the demo key");
    let message = elements_protocol::signal::location_message(&b.manifest.id, "poi-info");
    let sig = elements_domain::qr::sign(&secret, &message);
    let good = elements_protocol::link::Link::Here {
        event: b.manifest.id.clone(),
        place: "poi-info".into(),
        sig: sig.clone(),
    };
    let forged = elements_protocol::link::Link::Here { event: b.manifest.id.clone(), place: "poi-lab".into(), sig };
    let photos = tempfile::tempdir().expect("temp dir");
    let good_photo = qr_photo(photos.path(), "here-info", &good.to_string());
    let forged_photo = qr_photo(photos.path(), "here-forged", &forged.to_string());
    let dir = env().screenshots;
    with_app(&["--clock", DURING, "--window-size", "390x844"], |c| async move {
        open(&c, "map").await;
        painted(&c, "floor-0").await;
        c.find(Locator::Css("[data-testid=here-none]")).await.expect("nowhere yet");
        let scan = |photo: std::path::PathBuf| {
            let c = c.clone();
            async move {
                let last = here_answer(&c).await;
                let input = c.find(Locator::Css("[data-testid=location-photo]")).await.expect("the photo input");
                input.send_keys(&photo.display().to_string()).await.expect("choose the photo");
                here_answer_after(&c, last).await
            }
        };
        assert_eq!(scan(forged_photo).await, "bad_signature", "an edited code is refused");
        assert!(c.find(Locator::Css("[data-testid=here-marker]")).await.is_err(), "and moves nobody");
        assert_eq!(scan(good_photo).await, "set");
        eventually("here at the info desk", WAIT, || async {
            let t = text_of(&c, "[data-testid=here-now]").await?;
            t.contains("Info desk").then_some(())
        })
        .await;
        c.find(Locator::Css("[data-testid=here-marker][data-source=code]")).await.expect("the marker, from a code");
        let (x, y, _, _) = c.get_window_rect().await.expect("window rect");
        after_paint(&c).await;
        shoot(&dir, "map-here-phone", (x, y, 390, 844), None).await;
        // A route from here: the Workshop Lab upstairs.
        let field = c.find(Locator::Css("[data-testid=map-search]")).await.expect("search");
        field.send_keys("Workshop").await.expect("type");
        tap(&c, "[data-testid=map-hit][data-place='poi-lab']").await;
        tap(&c, "[data-testid=route-here]").await;
        let steps = route_steps(&c).await;
        assert!(steps.iter().any(|s| s == "stairs" || s == "lift"), "upstairs from the info desk: {steps:?}");
    })
    .await;
}

/// The demo's QR key (public on purpose: `elements_client::bundled::DEMO_QR_SECRET_HEX`).
fn elements_client_demo_key() -> &'static str {
    "d3e0c0de0e1e4e47a5c0de5e1e8e475d3e0c0de0e1e4e47a5c0de5e1e8e4750a"
}

/// A 10,000 × 7,000 raster plan served by the reference backend: the app downloads it, cuts it
/// into tiles once, shows the whole floor at once and loads the full-size tiles when zoomed in.
#[tokio::test]
async fn a_huge_raster_plan_opens_and_stays_sharp_when_zoomed() {
    use elements_backend::store::Store;
    let mut served = demo();
    let work = tempfile::tempdir().expect("temp dir");
    let plan = work.path().join("ground-floor.png");
    // A CAD-like export: white, a grid of walls, rooms and a caption, 10,000 × 7,000 pixels.
    let made = std::process::Command::new("convert")
        .args(["-size", "10000x7000", "xc:white", "-stroke", "#334155", "-strokewidth", "12", "-fill", "none"])
        .args(["-draw", "rectangle 100,100 9900,6900", "-draw", "rectangle 400,400 4600,3400"])
        .args(["-draw", "rectangle 5000,400 7200,2400", "-draw", "rectangle 7400,400 9600,2400"])
        .args(["-fill", "#0b4f6c", "-stroke", "none", "-pointsize", "220", "-draw", "text 600,3000 'HALL 1'"])
        .args(["-pointsize", "14", "-draw", "text 5020,6120 'detail: fire door 0.14'"])
        .arg(&plan)
        .output()
        .expect("ImageMagick's convert");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let bytes = std::fs::read(&plan).expect("the plan");
    let (url, store, server, _dir) = serve(&served, None).await;
    let rev = store.put_plan("floor-0", "image/png", &bytes).expect("store the plan");
    let floor = served.floors.iter_mut().find(|f| f.id == "floor-0").expect("ground floor");
    floor.plan_rev = Some(rev);
    floor.height = 700; // the plan's units: 10 px each
    store.replace_event(&served).expect("the event with its plan");
    let dir = env().screenshots;
    let join = format!("elements://join?url={url}&code=JOIN-E2E");
    with_app(&["--join", &join, "--window-size", "1280x820"], |c| async move {
        open(&c, "map").await;
        // The tiles' levels: 10,000 px halves six times to fit one 256-pixel tile.
        eventually("the plan cut into tiles", Duration::from_secs(120), || async {
            let levels = attrs(&c, "[data-testid=map-tiles]", "data-levels").await;
            (levels.first()? == "7").then_some(())
        })
        .await;
        painted(&c, "floor-0").await;
        let (x, y, _, _) = c.get_window_rect().await.expect("window rect");
        after_paint(&c).await;
        let whole = shoot(&dir, "map-raster-whole", (x, y, 1280, 820), None).await;
        // Zoom in far on the main entrance, by keys: the full-size level's tiles arrive and load,
        // and the plan's finest print (a 14-pixel note by the door) is sharp.
        find_place(&c, "Main entrance", "poi-exit-main").await;
        c.execute("document.querySelector('[data-testid=map-canvas]').focus()", vec![]).await.expect("focus the map");
        for _ in 0..8 {
            press(&c, "+").await;
        }
        eventually("full-size tiles loaded", WAIT, || async {
            let loaded = c
                .execute(
                    "return document.querySelectorAll('image.map-tile[data-z=\"6\"][data-loaded=true]').length",
                    vec![],
                )
                .await
                .ok()?;
            (loaded.as_u64()? > 0).then_some(())
        })
        .await;
        after_paint(&c).await;
        shoot(&dir, "map-raster-zoomed", (x, y, 1280, 820), Some(&whole)).await;
    })
    .await;
    server.stop();
}

/// A place link opened on the desktop (a second launch hands it to the running app) opens the
/// map at that place, on its floor.
#[tokio::test]
async fn a_place_link_opens_the_map_at_the_place() {
    let b = demo();
    let link =
        elements_protocol::link::Link::Place { event: b.manifest.id.clone(), place: "poi-lab".into() }.to_string();
    let data = tempfile::tempdir().expect("temp dir");
    let folder = data.path().to_path_buf();
    with_app_at(data.path(), &[], |c| async move {
        wait_for_day(&c, &b, b.manifest.days[0].index).await;
        second_launch(&link, &folder).await;
        eventually("the lab on the map", WAIT, || async {
            let d = c.find(Locator::Css("[data-testid=place-detail]")).await.ok()?;
            (d.attr("data-place").await.ok()?? == "poi-lab").then_some(())
        })
        .await;
        painted(&c, "floor-1").await;
    })
    .await;
}

/// The plan moves under the fingers, the mouse and the keys: a drag pans, two fingers spreading
/// zoom in about their middle, the wheel zooms, the arrow keys pan and `0` shows the whole floor
/// again (the pointer and wheel events are the webview's own, dispatched on the plan); and a
/// category filtered out leaves the map until it is switched back on.
#[tokio::test]
async fn the_plan_pans_and_zooms_by_drag_pinch_wheel_and_keys() {
    with_app(&["--window-size", "1280x820"], |c| async move {
        open(&c, "map").await;
        painted(&c, "floor-0").await;
        let view = || async {
            let v = c
                .execute(
                    "const t = document.querySelector('.map-world').getAttribute('transform'); \
                     const n = t.match(/-?[0-9.]+/g).map(Number); return n;",
                    vec![],
                )
                .await
                .expect("the transform");
            let n: Vec<f64> = v.as_array().expect("numbers").iter().filter_map(|x| x.as_f64()).collect();
            (n[0], n[1], n[2])
        };
        // Pointer events as a touch screen sends them, in the canvas's coordinates.
        let gesture = |steps: serde_json::Value| {
            let c = c.clone();
            async move {
                c.execute(
                    "const svg = document.querySelector('[data-testid=map-canvas]'); const r = svg.getBoundingClientRect(); \
                     for (const [type, id, x, y] of arguments[0]) { \
                       svg.dispatchEvent(new PointerEvent(type, { pointerId: id, clientX: r.left + x, clientY: r.top + y, bubbles: true, isPrimary: id === 1, pointerType: 'touch' })); \
                     } return true;",
                    vec![steps],
                )
                .await
                .expect("gesture");
            }
        };
        let (x0, y0, s0) = view().await;
        gesture(serde_json::json!([["pointerdown", 1, 300, 300], ["pointermove", 1, 340, 320], ["pointermove", 1, 380, 340], ["pointerup", 1, 380, 340]])).await;
        let (x1, y1, s1) = eventually("the drag applied", WAIT, || async {
            let v = view().await;
            (v.0 != x0).then_some(v)
        })
        .await;
        assert!((x1 - x0 - 80.0).abs() < 0.5 && (y1 - y0 - 40.0).abs() < 0.5 && s1 == s0, "dragged by (80, 40): {:?} → {:?}", (x0, y0, s0), (x1, y1, s1));
        // Two fingers 100 px apart spread to 200: twice the zoom, about their middle.
        gesture(serde_json::json!([
            ["pointerdown", 1, 250, 300], ["pointerdown", 2, 350, 300],
            ["pointermove", 2, 450, 300], ["pointerup", 2, 450, 300], ["pointerup", 1, 250, 300]
        ]))
        .await;
        let (_, _, s2) = eventually("the pinch applied", WAIT, || async {
            let v = view().await;
            (v.2 != s1).then_some(v)
        })
        .await;
        assert!((s2 / s1 - 2.0).abs() < 0.01, "pinched ×2: {s1} → {s2}");
        // The wheel, towards the person: out.
        c.execute(
            "const svg = document.querySelector('[data-testid=map-canvas]'); const r = svg.getBoundingClientRect(); \
             svg.dispatchEvent(new WheelEvent('wheel', { deltaY: 300, clientX: r.left + 200, clientY: r.top + 200, bubbles: true, cancelable: true })); return true;",
            vec![],
        )
        .await
        .expect("wheel");
        let (_, _, s3) = eventually("the wheel applied", WAIT, || async {
            let v = view().await;
            (v.2 < s2).then_some(v)
        })
        .await;
        // Keys: an arrow pans, 0 shows the whole floor at the first scale again.
        c.execute("document.querySelector('[data-testid=map-canvas]').focus()", vec![]).await.expect("focus");
        let before = view().await;
        press(&c, "\u{E012}").await; // ArrowLeft
        let after = eventually("the arrow key applied", WAIT, || async {
            let v = view().await;
            (v != before).then_some(v)
        })
        .await;
        assert!((after.0 - before.0 - 60.0).abs() < 0.5 && after.2 == s3, "the left arrow shows what is left: {before:?} → {after:?}");
        press(&c, "0").await;
        eventually("the whole floor again", WAIT, || async {
            let v = view().await;
            ((v.2 - s0).abs() < 1e-4 && (v.0 - x0).abs() < 0.5).then_some(())
        })
        .await;
        // Categories filter: the booths go, and come back.
        let booths = || async { c.find_all(Locator::Css(".marker.kind-booth")).await.map(|m| m.len()).unwrap_or(0) };
        assert_eq!(booths().await, 10, "the ground floor's ten booths");
        tap(&c, "[data-testid=map-filters]").await;
        tap(&c, "[data-testid=filter-booth]").await;
        eventually("no booths", WAIT, || async { (booths().await == 0).then_some(()) }).await;
        assert!(c.find(Locator::Css(".marker.kind-room")).await.is_ok(), "the rooms stay");
        tap(&c, "[data-testid=filter-booth]").await;
        eventually("the booths again", WAIT, || async { (booths().await == 10).then_some(()) }).await;
    })
    .await;
}
