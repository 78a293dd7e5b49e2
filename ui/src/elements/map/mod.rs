//! The map Element: each floor's plan (an SVG, or a raster plan's tiles at the level the zoom
//! needs), the places by category with names that stay readable at every zoom, search, a place's
//! "now and next", routes across floors with their steps, and "you are here".
//!
//! Pan and zoom are one transform on the plan's group: drag or arrow keys pan, the wheel, pinch,
//! `+`/`-` and the buttons zoom about a point. Markers and labels are drawn in screen space, so
//! they keep their size; labels that would collide are left out, most important first.

use std::collections::HashSet;

use elements_protocol::app::{
    ApiError, Changed, GetMap, GetPlace, GetRoute, HereArgs, HereSource, LocationArgs, MapView, NoArgs, PlaceArgs,
    PlaceDetail, PlaceHit, PlaceView, PlanView, RouteArgs, RouteProblem, RouteStep, RouteView, ScanLocation,
    SearchArgs, SearchPlaces, SetHere, StepHow, TurnHow, VisitBooth,
};
use elements_protocol::event::{ElementKind, PoiKind};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::api::{invoke, load, load_later};
use crate::icons::search_icon;
use crate::nav::Navigate;
use crate::t;
use crate::widgets::{error_sentence, show_loading};

mod kinds;
mod layout;
mod panels;

use kinds::floor_short;
pub use kinds::kind_name;
pub(crate) use kinds::{kind_icon, kind_label};

use layout::{TilePyramid, Viewport};
use panels::{source_name, Filters, SearchBox, Sheet};

/// CSS pixels to device pixels on this display.
fn device_pixel_ratio() -> f64 {
    web_sys::window().map_or(1.0, |w| w.device_pixel_ratio())
}

/// Every kind of place, in the order the filter lists them.
const KINDS: [PoiKind; 10] = [
    PoiKind::Room,
    PoiKind::Booth,
    PoiKind::Food,
    PoiKind::Toilet,
    PoiKind::Info,
    PoiKind::MeetingPoint,
    PoiKind::Lift,
    PoiKind::Stairs,
    PoiKind::Exit,
    PoiKind::FirstAid,
];

/// Everything the map remembers, across refreshes of its data and visits to other tabs (the
/// shell keeps it: a route stays while the person checks the agenda).
#[derive(Clone, Copy)]
pub struct MapState {
    floor: RwSignal<Option<String>>,
    view: RwSignal<Option<Viewport>>,
    size: RwSignal<(f64, f64)>,
    selected: RwSignal<Option<String>>,
    route_to: RwSignal<Option<String>>,
    route_from: RwSignal<Option<String>>,
    step_free: RwSignal<bool>,
    route: RwSignal<Option<Result<RouteView, ApiError>>>,
    hidden: RwSignal<HashSet<PoiKind>>,
    show_filters: RwSignal<bool>,
    query: RwSignal<String>,
    picking_here: RwSignal<bool>,
    here_result: RwSignal<Option<Result<(), ApiError>>>,
    here_code: RwSignal<String>,
    /// Counts "you are here" answers, so a test can tell a new one from the last.
    here_answers: RwSignal<u32>,
}

impl MapState {
    pub fn new() -> MapState {
        MapState {
            floor: RwSignal::new(None),
            view: RwSignal::new(None),
            size: RwSignal::new((0.0, 0.0)),
            selected: RwSignal::new(None),
            route_to: RwSignal::new(None),
            route_from: RwSignal::new(None),
            step_free: RwSignal::new(false),
            route: RwSignal::new(None),
            hidden: RwSignal::new(HashSet::new()),
            show_filters: RwSignal::new(false),
            query: RwSignal::new(String::new()),
            picking_here: RwSignal::new(false),
            here_result: RwSignal::new(None),
            here_code: RwSignal::new(String::new()),
            here_answers: RwSignal::new(0),
        }
    }
}

#[component]
pub fn Map() -> impl IntoView {
    let map = load::<GetMap>(|| NoArgs {}).refresh_on(Changed::Element(ElementKind::Map));
    let st = use_context::<MapState>().unwrap_or_else(MapState::new);
    // "Show on map" / "take me there" from another screen.
    if let Some(nav) = use_context::<Navigate>() {
        Effect::new(move |_| {
            let Some(Ok(m)) = map.state.get() else { return };
            let Some(request) = nav.place.get() else { return };
            nav.place.set(None);
            if let Some(p) = m.places.iter().find(|p| p.id == request.id) {
                focus_place(st, p);
                if request.route {
                    st.route_from.set(None);
                    st.route_to.set(Some(p.id.clone()));
                    ask_route(st);
                }
            }
        });
    }
    move || show_loading(map.state.get(), move |m| view! { <MapScreen map=m st=st /> }.into_any())
}

fn focus_place(st: MapState, p: &PlaceView) {
    st.floor.set(Some(p.floor_id.clone()));
    st.selected.set(Some(p.id.clone()));
    let size = st.size.get_untracked();
    if size.0 > 0.0 {
        let s = st.view.get_untracked().map_or(1.0, |v| v.s).max(size.0.min(size.1) / 400.0);
        st.view.set(Some(Viewport { tx: size.0 / 2.0 - p.x * s, ty: size.1 / 2.0 - p.y * s, s }));
    } else {
        st.view.set(None);
    }
}

/// Asks the core for the route `st` describes, and shows its start.
fn ask_route(st: MapState) {
    let Some(to) = st.route_to.get_untracked() else { return };
    let args = RouteArgs { from: st.route_from.get_untracked(), to, step_free: st.step_free.get_untracked() };
    st.route.set(None);
    spawn_local(async move {
        let answer = invoke::<GetRoute>(&args).await;
        if let Ok(r) = &answer {
            if let Some(first) = r.legs.first() {
                st.floor.set(Some(first.floor_id.clone()));
                fit_points(st, &first.points);
            }
        }
        st.route.set(Some(answer));
    });
}

/// Zooms to show these plan points (a route's leg) with room around them.
fn fit_points(st: MapState, points: &[(f64, f64)]) {
    let size = st.size.get_untracked();
    if points.is_empty() || size.0 <= 0.0 {
        return;
    }
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &(x, y) in points {
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    let (w, h) = ((x1 - x0).max(60.0), (y1 - y0).max(60.0));
    let s = (size.0 / w).min(size.1 / h) * 0.7;
    st.view.set(Some(Viewport { tx: size.0 / 2.0 - (x0 + x1) / 2.0 * s, ty: size.1 / 2.0 - (y0 + y1) / 2.0 * s, s }));
}

#[component]
fn MapScreen(map: MapView, st: MapState) -> impl IntoView {
    if map.floors.is_empty() {
        return view! {
            <section class="map-empty panel" data-testid="element-map">
                <h2>{t!("map-no-floors")}</h2>
            </section>
        }
        .into_any();
    }
    // The floor shown: the one asked for, else where the person is, else the lowest.
    if st.floor.get_untracked().is_none_or(|f| !map.floors.iter().any(|x| x.id == f)) {
        let start = map.here.as_ref().map(|h| h.floor_id.clone()).unwrap_or_else(|| map.floors[0].id.clone());
        st.floor.set(Some(start));
    }
    let map = StoredValue::new(map);
    // The floor as a memo: setting the same floor again (a route's start) redraws nothing.
    let floor_id = Memo::new(move |_| st.floor.get());
    let floor_view = move || {
        let id = floor_id.get();
        map.with_value(|m| m.floors.iter().find(|f| Some(&f.id) == id.as_ref()).cloned().unwrap_or(m.floors[0].clone()))
    };
    let fit = move || {
        let f = floor_view();
        Viewport::fit(st.size.get(), f64::from(f.width.max(1)), f64::from(f.height.max(1)))
    };
    let viewport = Memo::new(move |_| st.view.get().unwrap_or_else(fit));
    let zoom_limits = move || {
        let f = fit().s;
        (f * 0.6, f * 16.0)
    };

    let stage: NodeRef<leptos::html::Div> = NodeRef::new();
    let measure = move || {
        if let Some(el) = stage.get_untracked() {
            let size = (f64::from(el.client_width()), f64::from(el.client_height()));
            let old = st.size.get_untracked();
            if size != old && size.0 > 0.0 {
                // What was in the middle stays in the middle (a phone turned, a window resized).
                if let (Some(v), true) = (st.view.get_untracked(), old.0 > 0.0) {
                    st.view.set(Some(Viewport {
                        tx: v.tx + (size.0 - old.0) / 2.0,
                        ty: v.ty + (size.1 - old.1) / 2.0,
                        s: v.s,
                    }));
                }
                st.size.set(size);
                // A big change (a phone turned, a window maximised): show the route again.
                let changed = (size.0 / old.0.max(1.0) - 1.0).abs() > 0.3;
                if changed {
                    if let Some(Ok(r)) = st.route.get_untracked() {
                        let floor = st.floor.get_untracked();
                        let points: Vec<(f64, f64)> = r
                            .legs
                            .iter()
                            .filter(|l| Some(&l.floor_id) == floor.as_ref())
                            .flat_map(|l| l.points.clone())
                            .collect();
                        fit_points(st, &points);
                    }
                }
            }
        }
    };
    Effect::new(move |_| {
        if stage.get().is_some() {
            measure();
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());

    // Markers of the floor shown, filtered; labels placed without collisions.
    let markers = Memo::new(move |_| {
        let floor = floor_id.get();
        let hidden = st.hidden.get();
        map.with_value(|m| {
            m.places
                .iter()
                .filter(|p| Some(&p.floor_id) == floor.as_ref() && !hidden.contains(&p.kind))
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let labelled = Memo::new(move |_| {
        let selected = st.selected.get();
        markers.with(|m| layout::place_labels(m, viewport.get(), st.size.get(), selected.as_deref()))
    });

    // Pointers down on the plan: one drags, two pinch. A short press that hardly moved is a tap.
    let pointers = StoredValue::new(Vec::<(i32, f64, f64)>::new());
    let press = StoredValue::new(None::<(f64, f64, f64)>);
    let canvas: NodeRef<leptos::svg::Svg> = NodeRef::new();
    let local = move |x: i32, y: i32| -> (f64, f64) {
        canvas
            .get_untracked()
            .map(|c| {
                let r = c.get_bounding_client_rect();
                (f64::from(x) - r.left(), f64::from(y) - r.top())
            })
            .unwrap_or((f64::from(x), f64::from(y)))
    };
    let set_view = move |v: Viewport| st.view.set(Some(v));
    let on_down = move |ev: leptos::ev::PointerEvent| {
        let (x, y) = local(ev.client_x(), ev.client_y());
        if let Some(el) = canvas.get_untracked() {
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
        pointers.update_value(|p| {
            p.retain(|(id, _, _)| *id != ev.pointer_id());
            p.push((ev.pointer_id(), x, y));
        });
        let single = pointers.with_value(|p| p.len() == 1);
        press.set_value(single.then(|| (x, y, js_sys::Date::now())));
    };
    let on_move = move |ev: leptos::ev::PointerEvent| {
        let (x, y) = local(ev.client_x(), ev.client_y());
        let before = pointers.get_value();
        let Some(i) = before.iter().position(|(id, _, _)| *id == ev.pointer_id()) else { return };
        let mut after = before.clone();
        after[i] = (ev.pointer_id(), x, y);
        let v = viewport.get_untracked();
        if after.len() == 1 {
            let (dx, dy) = (x - before[i].1, y - before[i].2);
            set_view(Viewport { tx: v.tx + dx, ty: v.ty + dy, s: v.s });
        } else if after.len() >= 2 {
            let (a0, b0, a1, b1) = (before[0], before[1], after[0], after[1]);
            let d0 = ((a0.1 - b0.1).powi(2) + (a0.2 - b0.2).powi(2)).sqrt().max(1.0);
            let d1 = ((a1.1 - b1.1).powi(2) + (a1.2 - b1.2).powi(2)).sqrt().max(1.0);
            let (m0, m1) = (((a0.1 + b0.1) / 2.0, (a0.2 + b0.2) / 2.0), ((a1.1 + b1.1) / 2.0, (a1.2 + b1.2) / 2.0));
            let (min, max) = zoom_limits();
            let moved = Viewport { tx: v.tx + m1.0 - m0.0, ty: v.ty + m1.1 - m0.1, s: v.s };
            set_view(moved.zoom(d1 / d0, m1.0, m1.1, min, max));
            press.set_value(None);
        }
        pointers.set_value(after);
        if let Some((px, py, _)) = press.get_value() {
            if (px - x).abs() + (py - y).abs() > 8.0 {
                press.set_value(None);
            }
        }
    };
    let on_up = move |ev: leptos::ev::PointerEvent| {
        pointers.update_value(|p| p.retain(|(id, _, _)| *id != ev.pointer_id()));
        let Some((x, y, at)) = press.get_value() else { return };
        press.set_value(None);
        if js_sys::Date::now() - at > 600.0 {
            return;
        }
        tap(st, viewport.get_untracked(), &ev, x, y, markers.get_untracked());
    };
    let on_cancel = move |ev: leptos::ev::PointerEvent| {
        pointers.update_value(|p| p.retain(|(id, _, _)| *id != ev.pointer_id()));
        press.set_value(None);
    };
    let on_wheel = move |ev: leptos::ev::WheelEvent| {
        ev.prevent_default();
        let (x, y) = local(ev.client_x(), ev.client_y());
        // Lines (Firefox) and pixels (WebKit) alike: about 15 % per notch.
        let delta = if ev.delta_mode() == 1 { ev.delta_y() * 33.0 } else { ev.delta_y() };
        let (min, max) = zoom_limits();
        set_view(viewport.get_untracked().zoom((-delta * 0.0015).exp(), x, y, min, max));
    };
    let zoom_by = move |factor: f64| {
        let (w, h) = st.size.get_untracked();
        let (min, max) = zoom_limits();
        set_view(viewport.get_untracked().zoom(factor, w / 2.0, h / 2.0, min, max));
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let v = viewport.get_untracked();
        let step = 60.0;
        match ev.key().as_str() {
            "ArrowLeft" => set_view(Viewport { tx: v.tx + step, ..v }),
            "ArrowRight" => set_view(Viewport { tx: v.tx - step, ..v }),
            "ArrowUp" => set_view(Viewport { ty: v.ty + step, ..v }),
            "ArrowDown" => set_view(Viewport { ty: v.ty - step, ..v }),
            "+" | "=" => zoom_by(1.4),
            "-" | "_" => zoom_by(1.0 / 1.4),
            "0" => st.view.set(None),
            "Escape" => {
                st.selected.set(None);
                st.picking_here.set(false);
            }
            _ => return,
        }
        ev.prevent_default();
    };

    let here = map.with_value(|m| m.here.clone());
    let here_for_screen = here.clone();
    let world = move || {
        let v = viewport.get();
        format!("translate({:.2} {:.2}) scale({:.5})", v.tx, v.ty, v.s)
    };
    let plan_painted = RwSignal::new(false);
    let plan = move || {
        let f = floor_view();
        plan_painted.set(false);
        match f.plan.clone() {
            PlanView::Svg { path } => view! {
                <image class="map-plan" data-testid="map-plan" href=plan_url(&path)
                    x="0" y="0" width=f.width height=f.height preserveAspectRatio="none"
                    on:load=move |_| {
                        plan_painted.set(true);
                        crate::api::report_ready_once("map");
                    } />
            }
            .into_any(),
            PlanView::Tiles { template, levels, tile_size, width, height } => {
                let tiles = TilePyramid { template, levels, tile: tile_size, width, height, plan_w: f.width };
                let whole = tiles.clone();
                let visible = move || tiles.visible(viewport.get(), st.size.get(), device_pixel_ratio());
                view! {
                    <g class="map-tiles" data-testid="map-tiles" data-levels=levels>
                        // The whole plan at the smallest level first: never a blank floor while tiles load.
                        {whole.tile_view(0, 0, 0, Some(plan_painted))}
                        <For each=visible key=|t| *t children=move |(z, x, y)| whole.tile_view(z, x, y, None) />
                    </g>
                }
                .into_any()
            }
            PlanView::Missing => view! {
                <rect class="map-blank" x="0" y="0" width=f.width height=f.height />
            }
            .into_any(),
        }
    };
    let route_lines = move || {
        let floor = floor_id.get();
        let Some(Ok(r)) = st.route.get() else { return None };
        Some(
            r.legs
                .iter()
                .filter(|l| Some(&l.floor_id) == floor.as_ref())
                .map(|l| {
                    let points =
                        l.points.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect::<Vec<_>>().join(" ");
                    view! {
                        <polyline class="route-casing" points=points.clone() vector-effect="non-scaling-stroke" />
                        <polyline class="route-line" data-testid="route-line" points=points vector-effect="non-scaling-stroke" />
                    }
                })
                .collect_view(),
        )
    };
    // Where the route leaves or reaches this floor: a badge that switches floors.
    let route_ends = move || {
        let floor = floor_id.get();
        let Some(Ok(r)) = st.route.get() else { return None };
        let v = viewport.get();
        let mut out = Vec::new();
        for (i, leg) in r.legs.iter().enumerate() {
            if Some(&leg.floor_id) != floor.as_ref() {
                continue;
            }
            if let (Some(&(x, y)), Some(next)) = (leg.points.last(), r.legs.get(i + 1)) {
                let (sx, sy) = v.to_screen(x, y);
                let to = next.floor_id.clone();
                let name = map
                    .with_value(|m| m.floors.iter().find(|f| f.id == to).map(|f| f.name.clone()).unwrap_or_default());
                out.push(view! {
                    <g class="route-switch" data-testid="route-switch" transform=format!("translate({sx:.1} {sy:.1})")
                        on:pointerup=move |ev: leptos::ev::PointerEvent| {
                            ev.stop_propagation();
                            st.floor.set(Some(to.clone()));
                            if let Some(Ok(r)) = st.route.get_untracked() {
                                if let Some(l) = r.legs.get(i + 1) {
                                    fit_points(st, &l.points);
                                }
                            }
                        }>
                        <rect x="10" y="-15" width=name.chars().count() as f64 * 7.6 + 34.0 height="30" rx="15" />
                        <text x="22" y="5">{format!("↕ {name}")}</text>
                    </g>
                }.into_any());
            }
            if i == 0 {
                if let Some(&(x, y)) = leg.points.first() {
                    let (sx, sy) = v.to_screen(x, y);
                    out.push(view! { <circle class="route-start" cx=sx cy=sy r="7" /> }.into_any());
                }
            }
            if i + 1 == r.legs.len() {
                if let Some(&(x, y)) = leg.points.last() {
                    let (sx, sy) = v.to_screen(x, y);
                    out.push(
                        view! {
                            <g class="route-end" transform=format!("translate({sx:.1} {sy:.1})")>
                                <path d="M0 0c-7-9-11-13-11-19a11 11 0 0 1 22 0c0 6-4 10-11 19z" />
                                <circle cx="0" cy="-19" r="4" />
                            </g>
                        }
                        .into_any(),
                    );
                }
            }
        }
        Some(out)
    };
    let here_marker = move || {
        let h = here_for_screen.clone()?;
        (Some(&h.floor_id) == floor_id.get().as_ref()).then(|| {
            let (x, y) = viewport.get().to_screen(h.x, h.y);
            view! {
                <g class="here" data-testid="here-marker" data-source=source_name(h.source) transform=format!("translate({x:.1} {y:.1})")>
                    <circle class="here-halo" r="18" />
                    <circle class="here-dot" r="8" />
                </g>
            }
        })
    };

    let floors = map.with_value(|m| m.floors.clone());
    let floor_buttons = floors
        .iter()
        .rev()
        .map(|f| {
            let id = f.id.clone();
            let id2 = f.id.clone();
            let short = floor_short(&f.name, f.level);
            let name = f.name.clone();
            let has_route = {
                let id = f.id.clone();
                move || matches!(st.route.get(), Some(Ok(r)) if r.legs.iter().any(|l| l.floor_id == id))
            };
            view! {
                <button class="floor-button" class:active=move || st.floor.get().as_ref() == Some(&id)
                    class:on-route=has_route
                    data-testid=format!("floor-{}", f.id) title=name.clone() aria-label=name
                    aria-pressed=move || if st.floor.get().as_ref() == Some(&id2) { "true" } else { "false" }
                    on:click={
                        let id = f.id.clone();
                        move |_| {
                            st.floor.set(Some(id.clone()));
                            // A route's stretch on that floor, else the whole floor.
                            let leg = match st.route.get_untracked() {
                                Some(Ok(r)) => r.legs.into_iter().find(|l| l.floor_id == id),
                                _ => None,
                            };
                            match leg {
                                Some(l) => fit_points(st, &l.points),
                                None => st.view.set(None),
                            }
                        }
                    }>
                    {short}
                </button>
            }
        })
        .collect_view();
    let can_route = map.with_value(|m| m.can_route);

    view! {
        <section class="map" data-testid="element-map">
            <div class="map-bar">
                <SearchBox st=st />
                <button class="map-filter-toggle" data-testid="map-filters" aria-expanded=move || st.show_filters.get().to_string()
                    aria-label=move || t!("map-filter")
                    on:click=move |_| st.show_filters.update(|s| *s = !*s)>
                    <svg class="icon small" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
                        <path d="M3 5h18l-7 8v6l-4 2v-8z" />
                    </svg>
                    <span class="filter-word">{t!("map-filter")}</span>
                    {move || { let n = st.hidden.get().len(); (n > 0).then(|| format!(" · −{n}")) }}
                </button>
            </div>
            {move || st.show_filters.get().then(|| view! { <Filters st=st /> })}
            <div class="map-body">
                <div class="map-stage" node_ref=stage class:picking=move || st.picking_here.get()
                    style=move || { let f = floor_view(); format!("--plan-aspect: {:.3}", f64::from(f.height.max(1)) / f64::from(f.width.max(1))) }>
                    <svg class="map-canvas" node_ref=canvas tabindex="0" role="application"
                        aria-label=move || t!("map-canvas-label")
                        data-testid="map-canvas"
                        data-floor=move || st.floor.get().unwrap_or_default()
                        data-scale=move || format!("{:.4}", viewport.get().s)
                        data-painted=move || plan_painted.get().to_string()
                        on:pointerdown=on_down on:pointermove=on_move on:pointerup=on_up
                        on:pointercancel=on_cancel on:wheel=on_wheel on:keydown=on_key>
                        <g class="map-world" transform=world>
                            {plan}
                            {route_lines}
                        </g>
                        <For each=move || markers.get() key=|p| p.id.clone() children=move |p| {
                            let id = p.id.clone();
                            let selected = {
                                let id = id.clone();
                                move || st.selected.get().as_ref() == Some(&id)
                            };
                            let side = {
                                let id = id.clone();
                                move || labelled.with(|l| l.get(&id).copied())
                            };
                            let side2 = side.clone();
                            let side3 = side.clone();
                            let at = move || {
                                let (x, y) = viewport.get().to_screen(p.x, p.y);
                                format!("translate({x:.1} {y:.1})")
                            };
                            view! {
                                <g class=format!("marker kind-{}", kind_name(p.kind)) class:selected=selected
                                    data-place=id.clone() data-testid=format!("marker-{id}") transform=at>
                                    <circle r="11" />
                                    <g transform="translate(-7 -7) scale(0.583)">{kind_icon(p.kind)}</g>
                                    <text class="marker-label" y="4.5"
                                        x=move || if side() == Some(true) { "-16" } else { "16" }
                                        text-anchor=move || if side2() == Some(true) { "end" } else { "start" }
                                        style:display=move || if side3().is_some() { "" } else { "none" }>{p.name.clone()}</text>
                                </g>
                            }
                        } />
                        {route_ends}
                        {here_marker}
                    </svg>
                    <div class="floor-switch" role="group" aria-label=move || t!("map-floor")>{floor_buttons}</div>
                    <div class="zoom-buttons">
                        <button data-testid="zoom-in" aria-label=move || t!("map-zoom-in") on:click=move |_| zoom_by(1.5)>"+"</button>
                        <button data-testid="zoom-out" aria-label=move || t!("map-zoom-out") on:click=move |_| zoom_by(1.0 / 1.5)>"−"</button>
                        <button data-testid="zoom-fit" aria-label=move || t!("map-fit") title=move || t!("map-fit") on:click=move |_| st.view.set(None)>"⤢"</button>
                    </div>
                    {move || st.picking_here.get().then(|| view! {
                        <p class="map-hint" role="status" data-testid="pick-here-hint">{t!("map-here-tap")}</p>
                    })}
                </div>
                <aside class="map-sheet" data-testid="map-sheet">
                    <Sheet st=st map=map here=here can_route=can_route />
                </aside>
            </div>
        </section>
    }
    .into_any()
}

/// A tap on the plan: "you are here" when picking it, else the place under the finger (or none).
fn tap(st: MapState, v: Viewport, ev: &leptos::ev::PointerEvent, x: f64, y: f64, markers: Vec<PlaceView>) {
    if st.picking_here.get_untracked() {
        st.picking_here.set(false);
        let (px, py) = v.to_plan(x, y);
        let Some(floor_id) = st.floor.get_untracked() else { return };
        set_here(st, HereArgs::Spot { floor_id, x: px, y: py });
        return;
    }
    // The marker itself (a click from a test or a mouse lands on it), else the nearest in reach.
    let target = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("[data-place]").ok().flatten())
        .and_then(|el| el.get_attribute("data-place"));
    let near = || {
        markers
            .iter()
            .map(|p| {
                let (sx, sy) = v.to_screen(p.x, p.y);
                (p.id.clone(), (sx - x).powi(2) + (sy - y).powi(2))
            })
            .filter(|(_, d)| *d < 24.0 * 24.0)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(id, _)| id)
    };
    st.selected.set(target.or_else(near));
}

fn set_here(st: MapState, args: HereArgs) {
    spawn_local(async move {
        // The core says the map changed: the map loads again and shows the new spot.
        let answer = invoke::<SetHere>(&args).await;
        st.here_result.set(Some(answer.map(|_| ())));
        st.here_answers.update(|n| *n += 1);
    });
}

impl TilePyramid {
    fn tile_view(&self, z: u32, x: u32, y: u32, painted: Option<RwSignal<bool>>) -> impl IntoView {
        let u = self.units_per_pixel(z);
        let (lw, lh) = self.level_size(z);
        let (px, py) = (x * self.tile, y * self.tile);
        let (w, h) = (self.tile.min(lw - px.min(lw)), self.tile.min(lh - py.min(lh)));
        let href = plan_url(
            &self.template.replace("{z}", &z.to_string()).replace("{x}", &x.to_string()).replace("{y}", &y.to_string()),
        );
        view! {
            <image class="map-tile" data-z=z href=href preserveAspectRatio="none"
                x=f64::from(px) * u y=f64::from(py) * u width=f64::from(w) * u height=f64::from(h) * u
                on:load=move |ev| {
                    // Marks the tile loaded (tests and the paint measurement read it).
                    if let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                        let _ = el.set_attribute("data-loaded", "true");
                    }
                    if let Some(p) = painted {
                        p.set(true);
                        crate::api::report_ready_once("map");
                    }
                } />
        }
    }
}

/// Where the app serves floor plans: its `plan` scheme, spelled as the platform's webview wants.
pub(crate) fn plan_url(path: &str) -> String {
    let web_origin =
        web_sys::window().and_then(|w| w.location().protocol().ok()).is_some_and(|p| p == "http:" || p == "https:");
    if web_origin {
        format!("http://plan.localhost/{path}")
    } else {
        format!("plan://localhost/{path}")
    }
}
