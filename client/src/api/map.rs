//! The map Element: the venue's floors and places, search, what happens at a place, routes
//! through the walk graph (`elements_domain::routing`), and "you are here" (a location code, a
//! tap, or a venue screen's fixed spot).

use elements_domain::routing::{RouteError, Router, StepKind, Turn};
use elements_protocol::app::{
    FloorView, HereArgs, HereSource, HereView, LocationArgs, MapView, PlaceArgs, PlaceCheckpoint, PlaceDetail,
    PlaceHit, PlaceRef, PlaceView, PlanView, RouteArgs, RouteLeg, RouteProblem, RouteStep, RouteView, StepHow, TurnHow,
};
use elements_protocol::event::{Floor, PointOfInterest};
use elements_protocol::link::{encode, Link};
use elements_protocol::signal::{Action, Reason};
use serde::{Deserialize, Serialize};

use super::*;
use crate::plans::PlanFormat;

/// Where "you are here" is kept (a preference: it is this device's, not the event's).
const HERE_KEY: &str = "map.here";

/// "You are here" as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Here {
    floor_id: String,
    x: f64,
    y: f64,
    #[serde(default)]
    place_id: Option<String>,
    source: HereSource,
}

pub(super) fn map(api: &AppApi) -> Result<MapView, ApiError> {
    let store = api.store()?;
    map_of(api, &store)
}

fn map_of(api: &AppApi, store: &Cache) -> Result<MapView, ApiError> {
    let mut floors = store.floors()?;
    floors.sort_by_key(|f| f.level);
    let plans = store.stored_plans()?;
    let places = store.points_of_interest()?;
    let floor_views = floors
        .iter()
        .map(|f| {
            let plan = match plans.iter().find(|p| p.floor_id == f.id) {
                Some(p) if p.format == PlanFormat::Svg => {
                    PlanView::Svg { path: format!("{}/{}/plan.svg", encode(&f.id), encode(&p.rev)) }
                }
                Some(p) => PlanView::Tiles {
                    template: format!("{}/{}/{{z}}/{{x}}/{{y}}.png", encode(&f.id), encode(&p.rev)),
                    levels: p.levels,
                    tile_size: crate::plans::TILE,
                    width: p.width,
                    height: p.height,
                },
                None => PlanView::Missing,
            };
            FloorView { id: f.id.clone(), name: f.name.clone(), level: f.level, width: f.width, height: f.height, plan }
        })
        .collect();
    let here = here_of(api, store, &places)?;
    let can_route = store.walk_graph()?.is_some_and(|g| !g.is_empty());
    Ok(MapView { floors: floor_views, places: places.iter().map(place_view).collect(), here, can_route })
}

/// The path of a floor's plan under the `plan` scheme when the plan is a vector image (what the
/// analytics draw their heat map over; raster plans are tiles the map alone pans).
pub(super) fn svg_plan_path(store: &Cache, floor_id: &str) -> Result<Option<String>, ApiError> {
    Ok(store
        .stored_plans()?
        .into_iter()
        .find(|p| p.floor_id == floor_id && p.format == PlanFormat::Svg)
        .map(|p| format!("{}/{}/plan.svg", encode(floor_id), encode(&p.rev))))
}

fn place_view(p: &PointOfInterest) -> PlaceView {
    PlaceView {
        id: p.id.clone(),
        name: p.name.clone(),
        kind: p.kind,
        floor_id: p.floor_id.clone(),
        x: f64::from(p.x),
        y: f64::from(p.y),
    }
}

/// Where this device is: a venue screen's configured place, else what the person set.
fn here_of(api: &AppApi, store: &Cache, places: &[PointOfInterest]) -> Result<Option<HereView>, ApiError> {
    let fixed = api.fixed_here.as_ref().and_then(|id| places.iter().find(|p| &p.id == id));
    let here = match fixed {
        Some(p) => Some(Here {
            floor_id: p.floor_id.clone(),
            x: f64::from(p.x),
            y: f64::from(p.y),
            place_id: Some(p.id.clone()),
            source: HereSource::Fixed,
        }),
        // A stored spot that no longer reads (an older app's) is as good as none.
        None => store.preference(HERE_KEY)?.and_then(|text| serde_json::from_str::<Here>(&text).ok()),
    };
    let floors = store.floors()?;
    Ok(here.filter(|h| floors.iter().any(|f| f.id == h.floor_id)).map(|h| HereView {
        place: h
            .place_id
            .as_ref()
            .and_then(|id| places.iter().find(|p| &p.id == id))
            .map(|p| PlaceRef { id: p.id.clone(), name: p.name.clone() }),
        floor_id: h.floor_id,
        x: h.x,
        y: h.y,
        source: h.source,
    }))
}

pub(super) fn search_places(api: &AppApi, args: SearchArgs) -> Result<Vec<PlaceHit>, ApiError> {
    if args.query.chars().count() > 200 {
        return Err(ApiError::new(ErrorCode::InvalidArgument, "search text is longer than 200 characters"));
    }
    let query = args.query.trim().to_lowercase();
    if query.is_empty() {
        return Ok(Vec::new());
    }
    let store = api.store()?;
    let places = store.points_of_interest()?;
    let floors = store.floors()?;
    let floor_name = |id: &str| floors.iter().find(|f| f.id == id).map(|f| f.name.clone()).unwrap_or_default();
    // Best first: the name starts with it, the name has it, the exhibitor, the description.
    let mut ranked: Vec<(u8, usize, Option<String>)> = Vec::new();
    for (i, p) in places.iter().enumerate() {
        let name = p.name.to_lowercase();
        let exhibitor = p.exhibitor.as_deref().unwrap_or_default();
        let rank = if name.starts_with(&query) || name.split_whitespace().any(|w| w.starts_with(&query)) {
            Some((0, None))
        } else if name.contains(&query) {
            Some((1, None))
        } else if exhibitor.to_lowercase().contains(&query) {
            Some((2, Some(exhibitor.to_string())))
        } else if p.description.to_lowercase().contains(&query) {
            Some((3, None))
        } else {
            None
        };
        if let Some((rank, because)) = rank {
            ranked.push((rank, i, because));
        }
    }
    // A session's title finds its room.
    let rooms = store.rooms()?;
    for session in store.search_sessions(&args.query, 20)? {
        let Some(room) = session.room_id.as_ref().and_then(|r| rooms.iter().find(|x| &x.id == r)) else { continue };
        let Some(i) = room_place(&places, room) else { continue };
        if ranked.iter().any(|(_, j, _)| *j == i) {
            continue;
        }
        ranked.push((4, i, Some(session.title.clone())));
    }
    ranked.sort_by_key(|(rank, i, _)| (*rank, *i));
    Ok(ranked
        .into_iter()
        .take(30)
        .map(|(_, i, because)| PlaceHit {
            place: place_view(&places[i]),
            floor: floor_name(&places[i].floor_id),
            because,
        })
        .collect())
}

/// The place that is this room: the one naming it, else a room-kind place of the same name.
pub(super) fn room_place(places: &[PointOfInterest], room: &elements_protocol::event::Room) -> Option<usize> {
    places.iter().position(|p| p.room_id.as_deref() == Some(room.id.as_str())).or_else(|| {
        places.iter().position(|p| {
            p.kind == elements_protocol::event::PoiKind::Room && p.name.trim().eq_ignore_ascii_case(room.name.trim())
        })
    })
}

pub(super) fn place(api: &AppApi, args: PlaceArgs) -> Result<PlaceDetail, ApiError> {
    let store = api.store()?;
    let event = store.loaded_event()?.ok_or_else(no_event)?;
    let places = store.points_of_interest()?;
    let p = places.iter().find(|p| p.id == args.id).ok_or_else(|| {
        ApiError::new(ErrorCode::NotFound, format!("there is no place \"{}\" in this event", args.id))
    })?;
    let floor = store.floors()?.into_iter().find(|f| f.id == p.floor_id).map(|f| f.name).unwrap_or_default();
    // The room this place is, and what runs there now and next.
    let rooms = store.rooms()?;
    let room = rooms.iter().find(|r| room_place(&places, r).is_some_and(|i| places[i].id == p.id));
    let (mut now_card, mut next_card) = (None, None);
    if let Some(room) = room {
        let now = api.clock.now();
        let lookup = agenda::Lookup::load(&store)?;
        let manifest = &event.manifest;
        let sessions = store.sessions_between(now.timestamp(), now.timestamp() + 14 * 86_400)?;
        let mut here = sessions.iter().filter(|s| s.room_id.as_deref() == Some(room.id.as_str()));
        let card = |s: &Session| lookup.card(s, elements_domain::day_of(&manifest.days, &s.starts_at).unwrap_or(0));
        let first = here.next();
        match first {
            Some(s) if s.starts_at.to_utc() <= now => {
                now_card = Some(card(s));
                next_card = here.next().map(card);
            }
            Some(s) => next_card = Some(card(s)),
            None => {}
        }
    }
    // Quest checkpoints hanging here, done or not for this person.
    let facts = signals::CacheFacts::new(&store);
    let state = signals::participant_state(&store, &facts, &event.manifest.id)?;
    facts.checked(())?;
    let mut checkpoints = Vec::new();
    for quest in store.quests()? {
        let revealed = state.rules.revealed.contains(&("quest".to_string(), quest.id.clone()));
        if quest.hidden && !revealed {
            continue;
        }
        for c in quest.checkpoints.iter().filter(|c| c.poi_id.as_deref() == Some(p.id.as_str())) {
            checkpoints.push(PlaceCheckpoint {
                quest: quest.title.clone(),
                checkpoint: c.name.clone(),
                done: state.rules.checkpoints.contains(&(quest.id.clone(), c.id.clone())),
            });
        }
    }
    let visited = store.outbox(&event.manifest.id)?.iter().any(|e| {
        e.decision != Decision::Rejected
            && matches!(&e.signal.action, elements_protocol::signal::Action::BoothVisit { poi_id } if *poi_id == p.id)
    });
    let credential = signals::credential_for(&store, &event, ElementKind::Map)?;
    let can_visit = p.kind == elements_protocol::event::PoiKind::Booth
        && !visited
        && !signals::is_venue_screen(api, credential.as_ref());
    Ok(PlaceDetail {
        visited,
        can_visit,
        place: place_view(p),
        floor,
        description: p.description.clone(),
        exhibitor: p.exhibitor.clone(),
        now: now_card,
        next: next_card,
        checkpoints,
        link: Link::Place { event: event.manifest.id.clone(), place: p.id.clone() }.to_string(),
    })
}

/// "I visited this booth": the map Element's signal, counted once per booth by the rules.
pub(super) fn visit_booth(api: &AppApi, args: PlaceArgs) -> Result<PlaceDetail, ApiError> {
    let p = api.store()?.point_of_interest(&args.id)?.ok_or_else(|| {
        ApiError::new(ErrorCode::NotFound, format!("there is no place \"{}\" in this event", args.id))
    })?;
    if p.kind != elements_protocol::event::PoiKind::Booth {
        return Err(ApiError::new(ErrorCode::InvalidArgument, format!("\"{}\" is not a booth", p.name)));
    }
    signals::act(api, elements_protocol::signal::Action::BoothVisit { poi_id: p.id })?;
    place(api, args)
}

/// The nearest place of each kind, walking from "you are here".
pub(super) struct Way {
    pub name: String,
    pub kind: elements_protocol::event::PoiKind,
    pub minutes: u32,
    /// The place's floor, when it is not the floor one stands on.
    pub other_floor: Option<String>,
    /// Where it is, when on the floor one stands on.
    pub at: Option<(f64, f64)>,
}

/// "You are here" with its floor's SVG plan, for a venue screen's map: the plan's path in the
/// `plan` scheme, the floor's size, and the spot. `None` without an SVG plan for that floor.
pub(super) fn here_on_plan(api: &AppApi, store: &Cache) -> Result<Option<elements_protocol::app::VenueMap>, ApiError> {
    let places = store.points_of_interest()?;
    let Some(here) = here_of(api, store, &places)? else { return Ok(None) };
    let Some(floor) = store.floors()?.into_iter().find(|f| f.id == here.floor_id) else { return Ok(None) };
    let plan = store.stored_plans()?.into_iter().find(|p| p.floor_id == floor.id && p.format == PlanFormat::Svg);
    Ok(plan.map(|p| elements_protocol::app::VenueMap {
        plan: format!("{}/{}/plan.svg", encode(&floor.id), encode(&p.rev)),
        width: f64::from(floor.width),
        height: f64::from(floor.height),
        here: (here.x, here.y),
    }))
}

/// From "you are here" (a venue screen's fixed spot, or the person's): where it is (its name,
/// its floor's) and the nearest place of each of `kinds` by walking time, in `kinds`' order.
/// `None` when this device does not know where it is or the event has no walk graph.
pub(super) fn nearest_from_here(
    api: &AppApi,
    store: &Cache,
    kinds: &[elements_protocol::event::PoiKind],
) -> Result<Option<(String, String, Vec<Way>)>, ApiError> {
    let Some(graph) = store.walk_graph()?.filter(|g| !g.is_empty()) else { return Ok(None) };
    let floors = store.floors()?;
    let places = store.points_of_interest()?;
    let Some(here) = here_of(api, store, &places)? else { return Ok(None) };
    let router = Router::new(&graph, &floors)
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("the venue's walk graph is unusable: {}", e.0)))?;
    let from = match &here.place {
        Some(p) => point_of(&router, &graph, &p.id, &here.floor_id, here.x, here.y),
        None => router.nearest(&here.floor_id, here.x, here.y).map(str::to_string),
    };
    let Some(from) = from else { return Ok(None) };
    let floor_name = |id: &str| floors.iter().find(|f| f.id == id).map(|f| f.name.clone()).unwrap_or_default();
    let mut ways = Vec::new();
    for kind in kinds {
        let mut best: Option<(f64, &PointOfInterest)> = None;
        for p in places.iter().filter(|p| p.kind == *kind && here.place.as_ref().is_none_or(|h| h.id != p.id)) {
            let Some(to) = point_of(&router, &graph, &p.id, &p.floor_id, f64::from(p.x), f64::from(p.y)) else {
                continue;
            };
            if let Ok(route) = router.route(&from, &to, false) {
                if best.is_none_or(|(s, _)| route.seconds < s) {
                    best = Some((route.seconds, p));
                }
            }
        }
        if let Some((seconds, p)) = best {
            ways.push(Way {
                name: p.name.clone(),
                kind: p.kind,
                minutes: ((seconds / 60.0).ceil() as u32).max(1),
                other_floor: (p.floor_id != here.floor_id).then(|| floor_name(&p.floor_id)),
                at: (p.floor_id == here.floor_id).then(|| (f64::from(p.x), f64::from(p.y))),
            });
        }
    }
    let name = here.place.map(|p| p.name).unwrap_or_default();
    Ok(Some((name, floor_name(&here.floor_id), ways)))
}

/// The way from a place (or from "you are here") to a place. Asking is a signal of the map
/// Element ([`Action::AskRoute`]), for the busiest routes the organizers see in aggregate; the
/// same route asked again within ten minutes (a step-free toggle, a redraw) is not sent again.
pub(super) fn route(api: &AppApi, args: RouteArgs) -> Result<RouteView, ApiError> {
    let (view, asked) = find_route(api, args)?;
    if let Err(e) = note_route_asked(api, asked) {
        // The way is shown whatever happens to the count: a venue screen, an event without the
        // map's backend, a full disk are no reason to hide it.
        eprintln!("elements: a route asked for was not counted: {}", e.message);
    }
    Ok(view)
}

/// How long the same route asked again counts as the same ask.
const SAME_ASK: chrono::Duration = chrono::Duration::minutes(10);

fn note_route_asked(api: &AppApi, asked: Action) -> Result<(), ApiError> {
    {
        let store = api.store()?;
        let Some(event) = store.loaded_event()? else { return Ok(()) };
        let credential = signals::credential_for(&store, &event, ElementKind::Map)?;
        if signals::is_venue_screen(api, credential.as_ref()) {
            return Ok(());
        }
        let since = api.clock.now() - SAME_ASK;
        let recent = store.recent_signals(&event.manifest.id, ElementKind::Map, 50)?;
        if recent.iter().any(|s| s.action == asked && s.created_at.to_utc() > since) {
            return Ok(());
        }
    }
    signals::act(api, asked).map(|_| ())
}

fn find_route(api: &AppApi, args: RouteArgs) -> Result<(RouteView, Action), ApiError> {
    let store = api.store()?;
    let graph = store
        .walk_graph()?
        .filter(|g| !g.is_empty())
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "this event publishes no walking routes for its venue"))?;
    let floors = store.floors()?;
    let places = store.points_of_interest()?;
    let router = Router::new(&graph, &floors)
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("the venue's walk graph is unusable: {}", e.0)))?;
    let place = |id: &str| {
        places
            .iter()
            .find(|p| p.id == id)
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound, format!("there is no place \"{id}\" in this event")))
    };
    let to = place(&args.to)?;
    let (from_name, from_point, from_place) = match &args.from {
        Some(id) => {
            let from = place(id)?;
            (
                from.name.clone(),
                point_of(&router, &graph, from.id.as_str(), &from.floor_id, f64::from(from.x), f64::from(from.y)),
                Some(from.id.clone()),
            )
        }
        None => {
            let here = here_of(api, &store, &places)?.ok_or_else(|| {
                ApiError::new(
                    ErrorCode::InvalidArgument,
                    "where are you? Scan a location code posted in the venue, or tap the map where you are",
                )
            })?;
            let point = match &here.place {
                Some(p) => point_of(&router, &graph, &p.id, &here.floor_id, here.x, here.y),
                None => router.nearest(&here.floor_id, here.x, here.y).map(str::to_string),
            };
            (String::new(), point, here.place.map(|p| p.id))
        }
    };
    let asked = Action::AskRoute { to: to.id.clone(), from: from_place };
    let to_point = point_of(&router, &graph, &to.id, &to.floor_id, f64::from(to.x), f64::from(to.y));
    let (Some(from_point), Some(to_point)) = (from_point, to_point) else {
        return Err(ApiError::new(ErrorCode::NotFound, "the venue's walk graph does not reach this place"));
    };
    let mut view = RouteView {
        from: from_name,
        to: to.name.clone(),
        step_free: args.step_free,
        meters: 0,
        minutes: 0,
        legs: Vec::new(),
        steps: Vec::new(),
        problem: None,
    };
    let route = match router.route(&from_point, &to_point, args.step_free) {
        Ok(route) => route,
        Err(RouteError::Unreachable { step_free: true, with_stairs: true, .. }) => {
            view.problem = Some(RouteProblem::NotStepFree);
            return Ok((view, asked));
        }
        Err(RouteError::Unreachable { .. }) => {
            view.problem = Some(RouteProblem::NoWay);
            return Ok((view, asked));
        }
        Err(e @ RouteError::UnknownPoint(_)) => return Err(ApiError::new(ErrorCode::Internal, e.to_string())),
    };
    let floor_name = |id: &str| floors.iter().find(|f| f.id == id).map(|f| f.name.clone()).unwrap_or_default();
    let level = |id: &str| floors.iter().find(|f| f.id == id).map_or(0, |f: &Floor| f.level);
    let mut legs: Vec<RouteLeg> = Vec::new();
    for id in &route.points {
        let Some((floor, x, y)) = router.place_of(id) else { continue };
        match legs.last_mut() {
            Some(leg) if leg.floor_id == floor => leg.points.push((x, y)),
            _ => legs.push(RouteLeg { floor_id: floor.to_string(), points: vec![(x, y)] }),
        }
    }
    let mut floor_now = router.place_of(&from_point).map(|(f, _, _)| f.to_string()).unwrap_or_default();
    let steps = route
        .steps
        .iter()
        .map(|s| {
            let up = level(&s.to_floor) > level(&floor_now);
            floor_now = s.to_floor.clone();
            RouteStep {
                how: match s.kind {
                    StepKind::Walk => StepHow::Walk,
                    StepKind::Stairs => StepHow::Stairs,
                    StepKind::Lift => StepHow::Lift,
                    StepKind::Escalator => StepHow::Escalator,
                    StepKind::Ramp => StepHow::Ramp,
                },
                meters: s.meters.round() as u32,
                floor: floor_name(&s.to_floor),
                up,
                then: s.turn.map(|t| match t {
                    Turn::Left => TurnHow::Left,
                    Turn::Right => TurnHow::Right,
                    Turn::Back => TurnHow::Back,
                }),
            }
        })
        .collect();
    view.meters = route.meters.round() as u32;
    view.minutes = ((route.seconds / 60.0).ceil() as u32).max(1);
    view.legs = legs;
    view.steps = steps;
    Ok((view, asked))
}

/// The walk-graph point of a place: its doorstep, else the point nearest to it on its floor.
fn point_of(
    router: &Router,
    graph: &elements_protocol::venue::WalkGraph,
    place_id: &str,
    floor_id: &str,
    x: f64,
    y: f64,
) -> Option<String> {
    graph
        .points
        .iter()
        .find(|p| p.poi_id.as_deref() == Some(place_id))
        .map(|p| p.id.clone())
        .or_else(|| router.nearest(floor_id, x, y).map(str::to_string))
}

pub(super) fn set_here(api: &AppApi, args: HereArgs) -> Result<MapView, ApiError> {
    set_here_from(api, args, HereSource::Chosen)
}

/// Stores where this device is (`source` says how it knows), and tells the screens.
fn set_here_from(api: &AppApi, args: HereArgs, source: HereSource) -> Result<MapView, ApiError> {
    let store = api.store()?;
    let here = match args {
        HereArgs::Nowhere => None,
        HereArgs::Place { id } => {
            let p = store.point_of_interest(&id)?.ok_or_else(|| {
                ApiError::new(ErrorCode::NotFound, format!("there is no place \"{id}\" in this event"))
            })?;
            Some(Here { floor_id: p.floor_id, x: f64::from(p.x), y: f64::from(p.y), place_id: Some(p.id), source })
        }
        HereArgs::Spot { floor_id, x, y } => {
            let floor = store
                .floors()?
                .into_iter()
                .find(|f| f.id == floor_id)
                .ok_or_else(|| ApiError::new(ErrorCode::NotFound, format!("there is no floor \"{floor_id}\"")))?;
            let inside = |v: f64, max: u32| v.is_finite() && (0.0..=f64::from(max)).contains(&v);
            if !inside(x, floor.width) || !inside(y, floor.height) {
                return Err(ApiError::new(
                    ErrorCode::InvalidArgument,
                    format!("the spot ({x}, {y}) is outside the plan of {}", floor.name),
                ));
            }
            Some(Here { floor_id, x, y, place_id: None, source })
        }
    };
    let text = here
        .map(|h| serde_json::to_string(&h))
        .transpose()
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    store.set_preference(HERE_KEY, text.as_deref())?;
    api.sync_config.changes.tell(Changed::Element(ElementKind::Map));
    map_of(api, &store)
}

/// A location code: its text, or a photo of it. Only a code signed by this event moves "you are
/// here" (a sticker anyone printed must not send people the wrong way).
pub(super) fn scan_location(api: &AppApi, args: LocationArgs) -> Result<MapView, ApiError> {
    let text = match (args.text, args.image) {
        (Some(text), _) if !text.trim().is_empty() => text,
        (_, Some(image)) => crate::scan::scan(&image)?.text,
        _ => return Err(ApiError::new(ErrorCode::InvalidArgument, "give the location code's text or a photo of it")),
    };
    let link = Link::parse(&text).map_err(|e| {
        ApiError::new(ErrorCode::InvalidArgument, format!("{e}. A location code starts with elements://here"))
    })?;
    let (event, place, sig) = match link {
        Link::Here { event, place, sig } => (event, place, sig),
        Link::Place { .. } => {
            return Err(ApiError::new(
                ErrorCode::InvalidArgument,
                "this code shows a place on the map but does not say you are there: scan a location code",
            ))
        }
        _ => {
            return Err(ApiError::new(
                ErrorCode::InvalidArgument,
                "this is an Elements code, but not a location code: scan the one posted on the wall or pillar",
            ))
        }
    };
    {
        let store = api.store()?;
        let manifest = manifest(&store)?;
        if event != manifest.id {
            return Err(ApiError::refused(
                Reason::BadSignature,
                format!("this location code belongs to another event (\"{event}\"), not to this one"),
            ));
        }
        let signed = manifest.qr_public_key.as_deref().is_some_and(|key| {
            elements_domain::qr::verify(key, &elements_protocol::signal::location_message(&event, &place), &sig)
        });
        if !signed {
            return Err(ApiError::refused(
                Reason::BadSignature,
                "this location code is not signed by the event: it may have been printed by someone else",
            ));
        }
    }
    set_here_from(api, HereArgs::Place { id: place }, HereSource::Code)
}

/// A file the map's `plan` scheme serves: `<floor>/<rev>/plan.svg` or `<floor>/<rev>/<z>/<x>/<y>.png`.
/// The revision is in the path only so the webview never shows a stale cached plan; any serves.
pub(super) fn plan_file(api: &AppApi, path: &str) -> Result<Option<(&'static str, Vec<u8>)>, ApiError> {
    let parts: Vec<String> = path
        .trim_start_matches('/')
        .split('/')
        .map(|p| elements_protocol::link::decode(p).unwrap_or_default())
        .collect();
    let store = api.store()?;
    Ok(match parts.as_slice() {
        [floor, _rev, file] if file == "plan.svg" => store.plan_svg(floor)?.map(|svg| ("image/svg+xml", svg)),
        [floor, _rev, z, x, y] => {
            let n = |s: &str| s.trim_end_matches(".png").parse::<u32>().ok();
            match (n(z), n(x), n(y)) {
                (Some(z), Some(x), Some(y)) => store.plan_tile(floor, z, x, y)?.map(|png| ("image/png", png)),
                _ => None,
            }
        }
        _ => None,
    })
}
