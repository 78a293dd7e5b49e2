//! The map through the app's API, on real SQLite: search, a place's now/next, routes (step-free,
//! none), "you are here" from signed location codes, and floor plans — the bundled SVGs, and a
//! raster plan fetched from the reference backend, cut into tiles once per revision, a broken
//! one refused without losing the last good plan.

use std::sync::Mutex;

use crate::common::{fresh_cache, remote, served_event, start_backend};
use elements_backend::store::Store;
use elements_client::api::{AppApi, Clock};
use elements_client::bundled::DEMO_QR_SECRET_HEX;
use elements_client::sync;
use elements_protocol::app::{
    ErrorCode, HereArgs, HereSource, LocationArgs, PlaceArgs, PlanView, RouteArgs, RouteProblem, SearchArgs, StepHow,
};
use elements_protocol::event::ElementKind;
use elements_protocol::link::Link;
use elements_protocol::signal::{location_message, Reason};

const DURING: &str = "2027-03-10T10:05:00+01:00";

fn app(dir: &tempfile::TempDir) -> AppApi {
    let now = chrono::DateTime::parse_from_rfc3339(DURING).expect("time").to_utc();
    AppApi::start(dir.path(), Clock::Fixed(now), &mut |_| {}).expect("start").0
}

fn location_code(event: &str, place: &str) -> String {
    let secret = elements_domain::qr::secret_from_hex(DEMO_QR_SECRET_HEX).expect("demo secret");
    let sig = elements_domain::qr::sign(&secret, &location_message(event, place));
    Link::Here { event: event.into(), place: place.into(), sig }.to_string()
}

#[test]
fn search_finds_places_by_name_exhibitor_and_the_title_of_a_session_held_there() {
    let dir = tempfile::tempdir().expect("dir");
    let api = app(&dir);
    let ids = |q: &str| -> Vec<String> {
        api.search_places(SearchArgs { query: q.into() }).expect("search").into_iter().map(|h| h.place.id).collect()
    };
    assert_eq!(ids("kran").first().map(String::as_str), Some("poi-kran"), "a room by its name");
    assert!(ids("toilets").len() >= 4, "every toilet on both floors: {:?}", ids("toilets"));
    let hanseatic = api.search_places(SearchArgs { query: "hanseatic univ".into() }).expect("search");
    assert_eq!(hanseatic.first().map(|h| h.place.id.as_str()), Some("poi-booth-hanseatic-university"));
    // A session's title finds the room it is held in, and says why.
    let b: elements_protocol::event::EventBundle =
        serde_json::from_str(elements_client::bundled::DEMO_EVENT_JSON).expect("demo");
    let talk = b.sessions.iter().find(|s| s.room_id.as_deref() == Some("lab")).expect("a talk in the lab");
    let by_title = api.search_places(SearchArgs { query: talk.title.clone() }).expect("search");
    let hit = by_title.iter().find(|h| h.place.id == "poi-lab").expect("the lab, by the talk's title");
    assert_eq!(hit.because.as_deref(), Some(talk.title.as_str()));
    assert!(ids("").is_empty() && ids("zzzz-nothing").is_empty());
    let long = api.search_places(SearchArgs { query: "x".repeat(201) }).expect_err("too long");
    assert_eq!(long.code, ErrorCode::InvalidArgument);
}

#[test]
fn a_place_says_what_runs_there_now_and_next_and_which_checkpoints_hang_there() {
    let dir = tempfile::tempdir().expect("dir");
    let api = app(&dir);
    let kran = api.place(PlaceArgs { id: "poi-kran".into() }).expect("the Kran Room");
    assert_eq!(kran.floor, "First floor");
    let now = kran.now.expect("a session now");
    assert_eq!((now.starts.as_str(), now.room.as_ref().map(|r| r.id.as_str())), ("10:00", Some("kran")));
    let next = kran.next.expect("and one next");
    assert!(next.starts > now.starts, "{} after {}", next.starts, now.starts);
    assert!(kran.link.starts_with("elements://place?"), "{}", kran.link);
    let espresso = api.place(PlaceArgs { id: "poi-food-espresso".into() }).expect("the espresso bar");
    assert!(espresso.now.is_none(), "not a room");
    assert_eq!(espresso.checkpoints.len(), 1, "the explorer quest's checkpoint hangs there");
    assert!(!espresso.checkpoints[0].done);
    let booth = api.place(PlaceArgs { id: "poi-booth-hanseatic-university".into() }).expect("a booth");
    assert_eq!(booth.exhibitor.as_deref(), Some("Hanseatic University"));
    let missing = api.place(PlaceArgs { id: "poi-nowhere".into() }).expect_err("no such place");
    assert_eq!(missing.code, ErrorCode::NotFound);
    // A session's room knows its place: "show on map" from the agenda.
    let detail = api.session_detail(elements_protocol::app::SessionDetailArgs { id: now.id }).expect("detail");
    assert_eq!(detail.card.room.and_then(|r| r.place_id).as_deref(), Some("poi-kran"));
}

#[test]
fn routes_go_upstairs_by_the_stairs_or_step_free_by_the_lift_and_say_when_there_is_none() {
    let dir = tempfile::tempdir().expect("dir");
    let api = app(&dir);
    let ask = |from: Option<&str>, step_free: bool| {
        api.route(RouteArgs { from: from.map(str::to_string), to: "poi-booth-hanseatic-university".into(), step_free })
    };
    // No "you are here" yet: a route from here says how to set it.
    let nowhere = ask(None, false).expect_err("where am I");
    assert!(nowhere.message.contains("location code"), "{}", nowhere.message);
    let quick = ask(Some("poi-exit-main"), false).expect("a route");
    let hows: Vec<StepHow> = quick.steps.iter().map(|s| s.how).collect();
    assert!(hows.contains(&StepHow::Stairs) && !hows.contains(&StepHow::Lift), "{hows:?}");
    let step_free = ask(Some("poi-exit-main"), true).expect("a step-free route");
    let hows: Vec<StepHow> = step_free.steps.iter().map(|s| s.how).collect();
    assert!(hows.contains(&StepHow::Lift) && !hows.contains(&StepHow::Stairs), "{hows:?}");
    let lift = step_free.steps.iter().find(|s| s.how == StepHow::Lift).expect("the lift");
    assert!(lift.up && lift.floor == "First floor");
    assert!(step_free.minutes >= quick.minutes && step_free.meters > 0);
    assert_eq!(step_free.legs.iter().map(|l| l.floor_id.as_str()).collect::<Vec<_>>(), ["floor-0", "floor-1"]);
    let walked: u32 = step_free.steps.iter().map(|s| s.meters).sum();
    assert!(
        walked.abs_diff(step_free.meters) <= step_free.steps.len() as u32,
        "steps add up: {walked} vs {}",
        step_free.meters
    );

    // From here, once here is set.
    api.set_here(HereArgs::Place { id: "poi-exit-main".into() }).expect("here");
    assert_eq!(ask(None, true).expect("from here").legs, step_free.legs);

    // With the lift out of the graph, step-free has no way, and says there is one by the stairs.
    drop(api);
    let db = rusqlite::Connection::open(dir.path().join("cache.sqlite3")).expect("the cache file");
    let body: String = db.query_row("SELECT body FROM walk_graph", [], |r| r.get(0)).expect("the graph");
    let mut graph: elements_protocol::venue::WalkGraph = serde_json::from_str(&body).expect("decode");
    graph.links.retain(|l| l.kind != elements_protocol::venue::LinkKind::Lift);
    db.execute("UPDATE walk_graph SET body = ?1", [serde_json::to_string(&graph).expect("encode")]).expect("no lift");
    drop(db);
    let api = app(&dir);
    let none = api
        .route(RouteArgs {
            from: Some("poi-exit-main".into()),
            to: "poi-booth-hanseatic-university".into(),
            step_free: true,
        })
        .expect("an answer");
    assert_eq!(none.problem, Some(RouteProblem::NotStepFree));
    assert!(none.legs.is_empty() && none.steps.is_empty());
}

#[test]
fn only_a_location_code_signed_by_the_event_moves_you_are_here() {
    let dir = tempfile::tempdir().expect("dir");
    let api = app(&dir);
    let event = api.event_overview().expect("overview").event_id;
    assert!(api.map().expect("map").here.is_none());
    let scan = |text: String| api.scan_location(LocationArgs { text: Some(text), image: None });
    let good = location_code(&event, "poi-info");
    // Signed for the info desk, edited to say the lab: refused, nothing moves.
    let forged = good.replace("place=poi-info", "place=poi-lab");
    assert_eq!(scan(forged).expect_err("forged").reason, Some(Reason::BadSignature));
    let other = location_code("another-event", "poi-info");
    assert_eq!(scan(other).expect_err("another event's").reason, Some(Reason::BadSignature));
    let not_here =
        scan(Link::Place { event: event.clone(), place: "poi-info".into() }.to_string()).expect_err("a place link");
    assert!(not_here.message.contains("location code"), "{}", not_here.message);
    assert!(api.map().expect("map").here.is_none(), "refused codes move nobody");
    let view = scan(good).expect("a signed code");
    let here = view.here.expect("here");
    assert_eq!((here.source, here.place.map(|p| p.id)), (HereSource::Code, Some("poi-info".to_string())));
    // The same code in a photo.
    let photo = qr_png(&location_code(&event, "poi-lab"));
    let view = api.scan_location(LocationArgs { text: None, image: Some(photo) }).expect("a photo of a code");
    assert_eq!(view.here.and_then(|h| h.place).map(|p| p.id).as_deref(), Some("poi-lab"));
    // It survives a restart; a tapped spot replaces it; a spot off the plan is refused.
    drop(api);
    let api = app(&dir);
    assert_eq!(api.map().expect("map").here.and_then(|h| h.place).map(|p| p.id).as_deref(), Some("poi-lab"));
    let tapped = api.set_here(HereArgs::Spot { floor_id: "floor-0".into(), x: 500.0, y: 360.0 }).expect("a spot");
    assert_eq!(tapped.here.map(|h| (h.source, h.x, h.place.is_none())), Some((HereSource::Chosen, 500.0, true)));
    let off =
        api.set_here(HereArgs::Spot { floor_id: "floor-0".into(), x: 5000.0, y: f64::NAN }).expect_err("off the plan");
    assert_eq!(off.code, ErrorCode::InvalidArgument);
    assert!(api.set_here(HereArgs::Nowhere).expect("cleared").here.is_none());
}

/// A venue screen's configured spot is "you are here", whatever is stored.
#[test]
fn a_venue_screen_stands_where_its_configuration_says() {
    let dir = tempfile::tempdir().expect("dir");
    let api = app(&dir).fixed_here(Some("poi-meet-foyer".into()));
    let here = api.map().expect("map").here.expect("here");
    assert_eq!((here.source, here.floor_id.as_str()), (HereSource::Fixed, "floor-0"));
    let route =
        api.route(RouteArgs { from: None, to: "poi-kran".into(), step_free: false }).expect("a route from the screen");
    assert!(route.meters > 0);
}

#[test]
fn the_bundled_plans_are_served_by_the_plan_scheme() {
    let dir = tempfile::tempdir().expect("dir");
    let api = app(&dir);
    let map = api.map().expect("map");
    assert_eq!(map.floors.len(), 2);
    assert!(map.can_route);
    for f in &map.floors {
        let PlanView::Svg { path } = &f.plan else { panic!("{}: the demo's plans are SVGs, got {:?}", f.id, f.plan) };
        let (kind, bytes) = api.plan_file(path).expect("read").expect("served");
        assert_eq!(kind, "image/svg+xml");
        assert!(bytes.starts_with(b"<svg"));
    }
    assert_eq!(api.plan_file("floor-0/x/9/9/9.png").expect("read"), None, "no tiles for an SVG plan");
    assert_eq!(api.plan_file("../../etc/passwd").expect("read"), None);
}

/// A PNG of a QR code carrying `text`.
fn qr_png(text: &str) -> Vec<u8> {
    let code = qrcode::QrCode::new(text.as_bytes()).expect("encode");
    let n = code.width() as u32;
    let scale = 5;
    let colors = code.to_colors();
    let img = image::GrayImage::from_fn((n + 8) * scale, (n + 8) * scale, |x, y| {
        let (mx, my) = ((x / scale) as i64 - 4, (y / scale) as i64 - 4);
        let inside = mx >= 0 && my >= 0 && (mx as u32) < n && (my as u32) < n;
        let dark = inside && colors[(my as u32 * n + mx as u32) as usize] == qrcode::Color::Dark;
        image::Luma([if dark { 10 } else { 245 }])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).expect("png");
    out.into_inner()
}

/// A raster plan as an organizer's CAD export: lines on white.
fn raster_plan(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        if x % 97 < 3 || y % 61 < 3 {
            image::Rgb([40, 50, 60])
        } else {
            image::Rgb([255, 255, 255])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).expect("png");
    out.into_inner()
}

#[test]
fn a_raster_plan_is_fetched_and_cut_once_per_revision_and_a_broken_one_keeps_the_last_good() {
    let mut event = served_event();
    let backend = start_backend(&event);
    let rev = backend.store.put_plan("floor-0", "image/png", &raster_plan(1500, 960)).expect("store the plan");
    event.floors[0].plan_rev = Some(rev.clone());
    backend.store.replace_event(&event).expect("the event with its plan");
    let dir = tempfile::tempdir().expect("dir");
    let cache: Mutex<_> = fresh_cache(&dir);
    let r = remote(&backend.url);
    sync::join(&cache, &r).expect("join");
    sync::pull(&cache, &r, ElementKind::Map, 500).expect("the map feed");
    assert_eq!(sync::fetch_plans(&cache, &r).expect("plans").stored, 1, "the one floor with a published plan");
    assert_eq!(sync::fetch_plans(&cache, &r).expect("plans").stored, 0, "an unchanged plan is not fetched again");
    {
        let c = cache.lock().expect("lock");
        let stored = c.stored_plans().expect("plans");
        let p = stored.iter().find(|p| p.floor_id == "floor-0").expect("stored");
        assert_eq!((p.width, p.height, p.levels, p.rev.as_str()), (1500, 960, 4, rev.as_str()));
        // Level 3 is full size: 6 × 4 tiles; level 0 one tile of the whole.
        let tile = c.plan_tile("floor-0", 3, 5, 3).expect("read").expect("the last tile");
        let img = image::load_from_memory(&tile).expect("a PNG");
        assert_eq!((img.width(), img.height()), (1500 - 5 * 256, 960 - 3 * 256));
        assert!(c.plan_tile("floor-0", 3, 6, 0).expect("read").is_none(), "nothing past the edge");
        assert!(c.plan_tile("floor-0", 0, 0, 0).expect("read").is_some());
    }
    // A new revision that is not an image: reported naming the floor, not fetched again; the
    // last good plan stays, and the round is not a failure (the sync badge stays honest).
    let broken = backend.store.put_plan("floor-0", "image/png", b"\x89PNG\r\n\x1a\nnot really").expect("store");
    event.floors[0].plan_rev = Some(broken);
    backend.store.replace_event(&event).expect("the event, changed");
    sync::pull(&cache, &r, ElementKind::Map, 500).expect("the map feed");
    let fetched = sync::fetch_plans(&cache, &r).expect("a round");
    assert_eq!(fetched.stored, 0);
    assert!(fetched.unusable.len() == 1 && fetched.unusable[0].contains("floor-0"), "{:?}", fetched.unusable);
    assert_eq!(sync::fetch_plans(&cache, &r).expect("a round"), sync::PlansFetched::default(), "not fetched again");
    let c = cache.lock().expect("lock");
    assert_eq!(
        c.stored_plans().expect("plans").iter().find(|p| p.floor_id == "floor-0").map(|p| p.rev.clone()),
        Some(rev)
    );
    assert!(c.plan_tile("floor-0", 0, 0, 0).expect("read").is_some());
}

/// "I visited this booth" is the map's own signal: once per booth, and three of them fire the
/// demo's booth-trail scenario (a coffee voucher), offline, at once.
#[test]
fn booth_visits_count_once_and_three_unlock_the_booth_trail_reward() {
    let dir = tempfile::tempdir().expect("dir");
    let api = app(&dir);
    let booths = ["poi-booth-northwind-rail", "poi-booth-quayside-labs", "poi-booth-fjord-data"];
    let first = api.place(PlaceArgs { id: booths[0].into() }).expect("a booth");
    assert!(first.can_visit && !first.visited);
    let after = api.visit_booth(PlaceArgs { id: booths[0].into() }).expect("visited");
    assert!(after.visited && !after.can_visit);
    let again = api.visit_booth(PlaceArgs { id: booths[0].into() }).expect_err("a second visit counts nothing new");
    assert_eq!(again.reason, Some(Reason::AlreadyDone));
    let not_booth = api.visit_booth(PlaceArgs { id: "poi-info".into() }).expect_err("not a booth");
    assert_eq!(not_booth.code, ErrorCode::InvalidArgument);
    let coffee = |api: &AppApi| {
        api.quests()
            .expect("quests")
            .quests
            .iter()
            .flat_map(|q| q.rewards.iter())
            .any(|r| r.id == "rw-coffee" && r.unlocked)
    };
    assert!(!coffee(&api));
    for b in &booths[1..] {
        api.visit_booth(PlaceArgs { id: (*b).into() }).expect("visited");
    }
    assert!(coffee(&api), "three booths: the coffee voucher");
}

/// The map's route requests in this data folder's outbox, oldest first.
fn routes_asked(dir: &tempfile::TempDir) -> Vec<(String, Option<String>)> {
    let cache =
        elements_client::cache::Cache::open(&elements_client::paths::cache_file(dir.path())).expect("open").cache;
    let event = cache.loaded_event().expect("read").expect("an event").manifest.id;
    let mut asked: Vec<(String, Option<String>)> = cache
        .recent_signals(&event, ElementKind::Map, 100)
        .expect("signals")
        .into_iter()
        .filter_map(|s| match s.action {
            elements_protocol::signal::Action::AskRoute { to, from } => Some((to, from)),
            _ => None,
        })
        .collect();
    asked.reverse();
    asked
}

/// Asking the way is a map signal for the busiest-routes figure: once per route in ten minutes
/// however often it is redrawn (a step-free toggle), from the place "you are here" names, and
/// never from a venue screen (it acts for nobody).
#[test]
fn a_route_asked_for_is_counted_once_per_ten_minutes_and_never_by_a_venue_screen() {
    let dir = tempfile::tempdir().expect("dir");
    let ask = |api: &AppApi, from: Option<&str>, to: &str, step_free: bool| {
        api.route(RouteArgs { from: from.map(str::to_string), to: to.into(), step_free }).expect("a route");
    };
    {
        let api = app(&dir);
        ask(&api, Some("poi-info"), "poi-kran", false);
        ask(&api, Some("poi-info"), "poi-kran", true);
        ask(&api, Some("poi-info"), "poi-kran", false);
        ask(&api, Some("poi-info"), "poi-booth-hanseatic-university", false);
    }
    let one_each = vec![
        ("poi-kran".to_string(), Some("poi-info".to_string())),
        ("poi-booth-hanseatic-university".to_string(), Some("poi-info".to_string())),
    ];
    assert_eq!(routes_asked(&dir), one_each);
    {
        // Eleven minutes later the same route is a new ask; from a signed location code, the
        // place "you are here" is where it starts.
        let later =
            chrono::DateTime::parse_from_rfc3339(DURING).expect("time").to_utc() + chrono::Duration::minutes(11);
        let api = AppApi::start(dir.path(), Clock::Fixed(later), &mut |_| {}).expect("start").0;
        ask(&api, Some("poi-info"), "poi-kran", false);
        let event = api.event_overview().expect("overview").event_id;
        let code = location_code(&event, "poi-meet-foyer");
        api.scan_location(LocationArgs { text: Some(code), image: None }).expect("a location code");
        ask(&api, None, "poi-kran", false);
    }
    let mut expected = one_each.clone();
    expected.push(("poi-kran".into(), Some("poi-info".into())));
    expected.push(("poi-kran".into(), Some("poi-meet-foyer".into())));
    assert_eq!(routes_asked(&dir), expected);

    let screen_dir = tempfile::tempdir().expect("dir");
    let screen = app(&screen_dir).fixed_here(Some("poi-meet-foyer".into())).kiosk_mode(true).expect("kiosk");
    ask(&screen, None, "poi-kran", false);
    assert_eq!(routes_asked(&screen_dir), Vec::new(), "a venue screen asks for nobody");
}
