//! Routing through the walk graph: the quickest way, step-free never by stairs or escalators,
//! one-way links respected, clear answers where there is no way; and, over random venues, no
//! route slower than any valid path a random walk finds between the same points.

mod common;

use common::venue::{floors, point, venue};
use elements_domain::routing::{Route, RouteError, Router, StepKind, Turn};
use elements_protocol::venue::{LinkKind, WalkGraph, WalkLink, WalkPoint};
use proptest::prelude::*;

fn router(g: &WalkGraph, n_floors: usize) -> Router {
    Router::new(g, &floors(n_floors)).expect("a valid graph")
}

/// The kinds of a route's steps, consecutive walks (split at corners) as one.
fn legs(route: &Route) -> Vec<StepKind> {
    let mut kinds: Vec<StepKind> = route.steps.iter().map(|s| s.kind).collect();
    kinds.dedup_by(|a, b| *a == StepKind::Walk && *b == StepKind::Walk);
    kinds
}

#[test]
fn upstairs_by_the_stairs_or_step_free_by_the_lift() {
    let g = venue(2, 9, 5);
    let r = router(&g, 2);
    // Next to the stairs at (0, 0): up the stairs.
    let quick = r.route(&point(0, 1, 0), &point(1, 1, 0), false).expect("a route");
    assert!(quick.steps.iter().any(|s| s.kind == StepKind::Stairs), "{:?}", quick.steps);
    assert_eq!(quick.steps.first().map(|s| s.kind), Some(StepKind::Walk));
    let step_free = r.route(&point(0, 1, 0), &point(1, 1, 0), true).expect("a step-free route");
    assert_eq!(legs(&step_free), [StepKind::Walk, StepKind::Lift, StepKind::Walk], "walk to the lift, up, walk back");
    let lift = step_free.steps.iter().find(|s| s.kind == StepKind::Lift).expect("the lift");
    assert_eq!(lift.to_floor, "f1");
    assert!(step_free.seconds > quick.seconds && step_free.meters > quick.meters);
    assert_eq!(r.seconds_of(&quick.points.iter().map(String::as_str).collect::<Vec<_>>(), false), Some(quick.seconds));
}

#[test]
fn an_escalator_that_only_goes_up_is_not_taken_down() {
    let g = venue(2, 8, 8);
    let r = router(&g, 2);
    let (up_bottom, up_top) = (point(0, 2, 2), point(1, 2, 2));
    let up = r.route(&up_bottom, &up_top, false).expect("up");
    assert_eq!(up.points, [up_bottom.clone(), up_top.clone()], "straight up the escalator");
    let down = r.route(&up_top, &up_bottom, false).expect("down");
    assert!(down.points.len() > 2, "not down the up escalator: {:?}", down.points);
    assert!(r.seconds_of(&[&up_top, &up_bottom], false).is_none(), "that hop is one-way");
}

#[test]
fn no_way_is_a_clear_answer_saying_whether_stairs_would_do() {
    let mut g = venue(1, 3, 3);
    g.points.push(WalkPoint { id: "island".into(), floor_id: "f0".into(), x: 0.0, y: 0.0, poi_id: None });
    g.points.push(WalkPoint { id: "loft".into(), floor_id: "f0".into(), x: 0.0, y: 0.0, poi_id: None });
    g.links.push(WalkLink { from: point(0, 0, 0), to: "loft".into(), kind: LinkKind::Stairs, one_way: false });
    let r = router(&g, 1);
    let e = r.route(&point(0, 0, 0), "island", false).expect_err("an island");
    assert_eq!(
        e,
        RouteError::Unreachable { from: point(0, 0, 0), to: "island".into(), step_free: false, with_stairs: false }
    );
    let e = r.route(&point(0, 0, 0), "loft", true).expect_err("stairs only");
    assert!(e.to_string().contains("no step-free way") && e.to_string().contains("with stairs"), "{e}");
    assert_eq!(r.route("nowhere", "loft", false).expect_err("unknown"), RouteError::UnknownPoint("nowhere".into()));
    assert_eq!(r.cut_off_from(&point(0, 0, 0), false), ["island"]);
    assert_eq!(r.cut_off_from(&point(0, 0, 0), true), ["island", "loft"]);
}

#[test]
fn a_link_to_a_point_the_graph_does_not_have_is_named() {
    let mut g = venue(1, 2, 2);
    g.links.push(WalkLink { from: point(0, 0, 0), to: "ghost".into(), kind: LinkKind::Door, one_way: false });
    let e = Router::new(&g, &floors(1)).expect_err("ghost");
    assert!(e.0.contains("\"ghost\""), "{e:?}");
}

fn kind() -> impl Strategy<Value = LinkKind> {
    prop_oneof![
        Just(LinkKind::Corridor),
        Just(LinkKind::Door),
        Just(LinkKind::Stairs),
        Just(LinkKind::Lift),
        Just(LinkKind::Ramp),
        Just(LinkKind::Escalator),
    ]
}

/// A random venue: `n` points on two floors, random links of every kind, some one-way.
fn random_venue() -> impl Strategy<Value = WalkGraph> {
    (4usize..24).prop_flat_map(|n| {
        let points = proptest::collection::vec((0..2usize, 0.0f64..500.0, 0.0f64..500.0), n);
        let links = proptest::collection::vec((0..n, 0..n, kind(), proptest::bool::weighted(0.2)), n..n * 3);
        (points, links).prop_map(|(points, links)| WalkGraph {
            id: "venue".into(),
            meters_per_unit: 0.1,
            points: points
                .into_iter()
                .enumerate()
                .map(|(i, (f, x, y))| WalkPoint { id: format!("p{i}"), floor_id: format!("f{f}"), x, y, poi_id: None })
                .collect(),
            links: links
                .into_iter()
                .filter(|(a, b, _, _)| a != b)
                .map(|(a, b, kind, one_way)| WalkLink { from: format!("p{a}"), to: format!("p{b}"), kind, one_way })
                .collect(),
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// A random walk from a point gives a valid path to where it ends; the route there is a
    /// valid path too (one-way links and step-free respected: `seconds_of` walks it hop by hop)
    /// and never slower.
    #[test]
    fn no_route_is_slower_than_a_random_valid_path(
        g in random_venue(),
        choices in proptest::collection::vec(0usize..8, 1..12),
        step_free in any::<bool>(),
    ) {
        let r = router(&g, 2);
        let mut path = vec!["p0".to_string()];
        for c in choices {
            let next = r.neighbours(path.last().expect("a point"), step_free);
            if next.is_empty() {
                break;
            }
            path.push(next[c % next.len()].clone());
        }
        let hops: Vec<&str> = path.iter().map(String::as_str).collect();
        let walked = r.seconds_of(&hops, step_free).expect("a random walk follows links");
        let end = path.last().expect("end");
        let route = r.route("p0", end, step_free).expect("reachable: the walk got there");
        let along: Vec<&str> = route.points.iter().map(String::as_str).collect();
        let again = r.seconds_of(&along, step_free);
        prop_assert!(again.is_some(), "the route takes a link it may not: {:?}", route.points);
        prop_assert!((again.unwrap_or_default() - route.seconds).abs() < 1e-6);
        prop_assert!(route.seconds <= walked + 1e-6, "route {} s, a walk {} s", route.seconds, walked);
        if step_free {
            prop_assert!(route.steps.iter().all(|s| s.kind != StepKind::Stairs && s.kind != StepKind::Escalator));
        }
    }
}

fn demo() -> elements_protocol::event::EventBundle {
    serde_json::from_str(include_str!("../../assets/demo-event/event.json")).expect("demo")
}

/// The demo venue's graph, as its generator draws it: every place reachable from the main
/// entrance and back; upstairs by the stairs, or step-free by the lift.
#[test]
fn the_demo_venue_routes_from_the_main_entrance_to_a_booth_upstairs() {
    let b = demo();
    let r = Router::new(&b.walk, &b.floors).expect("the demo's graph");
    assert!(r.cut_off_from("w-poi-exit-main", false).is_empty(), "every point reachable and back");
    assert!(r.cut_off_from("w-poi-exit-main", true).is_empty(), "step-free too, by the lift");
    let to = "w-poi-booth-riverbend-mobility";
    let quick = r.route("w-poi-exit-main", to, false).expect("a route");
    let step_free = r.route("w-poi-exit-main", to, true).expect("a step-free route");
    assert_eq!(legs(&quick), [StepKind::Walk, StepKind::Stairs, StepKind::Walk]);
    assert_eq!(legs(&step_free), [StepKind::Walk, StepKind::Lift, StepKind::Walk]);
    // Walks split where the way turns a corner, and say which way.
    assert!(quick.steps.iter().any(|s| s.turn.is_some()), "{:?}", quick.steps);
    let total: f64 = quick.steps.iter().map(|s| s.meters).sum();
    assert!((total - quick.meters).abs() < 1e-6, "the steps add up to the route");
    assert!((20.0..200.0).contains(&quick.meters), "a plausible walk: {} m", quick.meters);
}

/// A place the organizer forgot to link is named on import.
#[test]
fn a_place_cut_off_from_the_entrance_is_named_on_import() {
    let mut b = demo();
    b.walk.links.retain(|l| l.from != "w-poi-booth-fjord-data" && l.to != "w-poi-booth-fjord-data");
    let problems: Vec<String> = elements_domain::validate(&b)
        .expect_err("invalid")
        .into_iter()
        .map(|e| format!("{}: {}", e.at, e.problem))
        .collect();
    assert!(
        problems.iter().any(|p| p.contains("place \"poi-booth-fjord-data\"") && p.contains("cannot be reached")),
        "{problems:#?}"
    );
}

/// A walk east then south turns right (plan y points down), east then north turns left, and a
/// straight walk along three points is one step.
#[test]
fn a_walk_that_turns_a_corner_says_which_way() {
    let p = |id: &str, x: f64, y: f64| WalkPoint { id: id.into(), floor_id: "f0".into(), x, y, poi_id: None };
    let l = |a: &str, b: &str| WalkLink { from: a.into(), to: b.into(), kind: LinkKind::Corridor, one_way: false };
    let g = WalkGraph {
        id: "venue".into(),
        meters_per_unit: 0.1,
        points: vec![
            p("a", 0.0, 0.0),
            p("b", 100.0, 0.0),
            p("c", 200.0, 0.0),
            p("south", 200.0, 100.0),
            p("north", 200.0, -100.0),
        ],
        links: vec![l("a", "b"), l("b", "c"), l("c", "south"), l("c", "north")],
    };
    let r = router(&g, 1);
    let right = r.route("a", "south", false).expect("a route");
    assert_eq!(right.steps.len(), 2, "{:?}", right.steps);
    assert_eq!((right.steps[0].meters.round(), right.steps[0].turn), (20.0, Some(Turn::Right)));
    assert_eq!((right.steps[1].meters.round(), right.steps[1].turn), (10.0, None));
    let left = r.route("a", "north", false).expect("a route");
    assert_eq!(left.steps[0].turn, Some(Turn::Left));
    let back = r.route("south", "a", false).expect("a route");
    assert_eq!(back.steps[0].turn, Some(Turn::Left), "north (up the plan), then west: a left turn");
    assert_eq!(r.nearest("f0", 190.0, 90.0), Some("south"));
    assert_eq!(r.place_of("north"), Some(("f0", 200.0, -100.0)));
}

/// A place that says it is a room the event does not have is named on import.
#[test]
fn a_place_naming_a_room_that_does_not_exist_is_named_on_import() {
    let mut b = demo();
    b.points_of_interest[0].room_id = Some("the-attic".into());
    let errors = elements_domain::validate(&b).expect_err("refused");
    let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert!(text.iter().any(|e| e.contains("room_id \"the-attic\" is not a room")), "{text:?}");
}
