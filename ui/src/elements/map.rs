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
use crate::shell::{error_sentence, show_loading, Navigate};
use crate::t;

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

/// Plan units to screen pixels: `screen = plan * s + t`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Viewport {
    tx: f64,
    ty: f64,
    s: f64,
}

impl Viewport {
    /// The whole floor, centred, with a margin.
    fn fit(size: (f64, f64), w: f64, h: f64) -> Viewport {
        let s = (size.0 / w).min(size.1 / h) * 0.94;
        Viewport { tx: (size.0 - w * s) / 2.0, ty: (size.1 - h * s) / 2.0, s }
    }

    /// Zoomed by `factor` about the screen point `(px, py)`, within `[min, max]`.
    fn zoom(self, factor: f64, px: f64, py: f64, min: f64, max: f64) -> Viewport {
        let s = (self.s * factor).clamp(min, max);
        let k = s / self.s;
        Viewport { tx: px - (px - self.tx) * k, ty: py - (py - self.ty) * k, s }
    }

    fn to_screen(self, x: f64, y: f64) -> (f64, f64) {
        (x * self.s + self.tx, y * self.s + self.ty)
    }

    fn to_plan(self, x: f64, y: f64) -> (f64, f64) {
        ((x - self.tx) / self.s, (y - self.ty) / self.s)
    }
}

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
        let v = viewport.get();
        let selected = st.selected.get();
        let size = st.size.get();
        let mut order: Vec<PlaceView> = markers.get();
        order.sort_by_key(|p| (Some(&p.id) != selected.as_ref(), label_rank(p.kind)));
        let mut boxes: Vec<(f64, f64, f64, f64)> = Vec::new();
        // Place id → the label goes left of the marker.
        let mut shown: std::collections::HashMap<String, bool> = std::collections::HashMap::new();
        for p in &order {
            let (x, y) = v.to_screen(p.x, p.y);
            if x < -50.0 || y < -20.0 || x > size.0 + 50.0 || y > size.1 + 20.0 {
                continue;
            }
            let w = 7.4 * p.name.chars().count() as f64 + 8.0;
            let free = |b: &(f64, f64, f64, f64)| {
                !boxes.iter().any(|o| b.0 < o.2 && o.0 < b.2 && b.1 < o.3 && o.1 < b.3)
                    // A label must not cover another place's marker either.
                    && !order.iter().any(|q| {
                        let (qx, qy) = v.to_screen(q.x, q.y);
                        q.id != p.id && qx + 11.0 > b.0 && qx - 11.0 < b.2 && qy + 11.0 > b.1 && qy - 11.0 < b.3
                    })
            };
            let right = (x + 14.0, y - 10.0, x + 18.0 + w, y + 10.0);
            let left = (x - 18.0 - w, y - 10.0, x - 14.0, y + 10.0);
            // The right unless it runs under the floor switch and zoom buttons, or off the view.
            let right_fits = right.2 < size.0 - 62.0;
            let choice = if right_fits && free(&right) {
                Some((right, false))
            } else if left.0 > 4.0 && left.2 < size.0 - 62.0 && free(&left) {
                Some((left, true))
            } else if Some(&p.id) == selected.as_ref() {
                Some(if right_fits { (right, false) } else { (left, true) })
            } else {
                None
            };
            if let Some((b, on_left)) = choice {
                boxes.push(b);
                shown.insert(p.id.clone(), on_left);
            }
        }
        shown
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
                let visible = move || tiles.visible(viewport.get(), st.size.get());
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

/// The smallest level whose pixels are at least as fine as the screen's, and the tiles of it in
/// view.
#[derive(Clone)]
struct TilePyramid {
    template: String,
    levels: u32,
    tile: u32,
    width: u32,
    height: u32,
    /// The floor's width in plan units (the pixels' scale).
    plan_w: u32,
}

impl TilePyramid {
    /// Plan units per pixel of level `z`.
    fn units_per_pixel(&self, z: u32) -> f64 {
        let k = f64::from(self.plan_w) / f64::from(self.width.max(1));
        k * f64::from(1u32 << (self.levels - 1 - z).min(30))
    }

    fn level_size(&self, z: u32) -> (u32, u32) {
        let d = 1u32 << (self.levels - 1 - z).min(30);
        (self.width.div_ceil(d), self.height.div_ceil(d))
    }

    fn visible(&self, v: Viewport, size: (f64, f64)) -> Vec<(u32, u32, u32)> {
        let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).max(1.0);
        // Screen pixels per plan unit, times the display's density: the level to load.
        let need = v.s * ratio;
        let z = (0..self.levels).find(|&z| 1.0 / self.units_per_pixel(z) >= need * 0.9).unwrap_or(self.levels - 1);
        if z == 0 {
            return Vec::new(); // the backdrop is level 0 already
        }
        let (x0, y0) = v.to_plan(0.0, 0.0);
        let (x1, y1) = v.to_plan(size.0, size.1);
        let span = f64::from(self.tile) * self.units_per_pixel(z);
        let (cols, rows) = {
            let (w, h) = self.level_size(z);
            (w.div_ceil(self.tile), h.div_ceil(self.tile))
        };
        let range = |a: f64, b: f64, n: u32| {
            let lo = (a / span).floor().max(0.0) as u32;
            let hi = ((b / span).floor().max(0.0) as u32).min(n.saturating_sub(1));
            lo..=hi
        };
        let (xs, ys) = (range(x0, x1, cols), range(y0, y1, rows));
        let mut out = Vec::new();
        for y in ys {
            for x in xs.clone() {
                out.push((z, x, y));
            }
        }
        out
    }

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

#[component]
fn SearchBox(st: MapState) -> impl IntoView {
    let results = load_later::<SearchPlaces>(move || SearchArgs { query: st.query.get_untracked() });
    Effect::new(move |_| {
        if st.query.get().trim().is_empty() {
            results.clear();
        } else {
            results.refresh();
        }
    });
    let pick = move |hit: PlaceHit| {
        st.query.set(String::new());
        focus_place(st, &hit.place);
    };
    view! {
        <div class="map-search">
            <label class="search-field">
                {search_icon()}
                <input type="search" data-testid="map-search"
                    placeholder=move || t!("map-search")
                    aria-label=move || t!("map-search")
                    prop:value=move || st.query.get()
                    on:input=move |ev| st.query.set(event_target_value(&ev)) />
            </label>
            {move || {
                let q = st.query.get();
                if q.trim().is_empty() {
                    return None;
                }
                Some(match results.state.get() {
                    None => view! { <div class="map-results" /> }.into_any(),
                    Some(Err(e)) => view! { <div class="map-results"><p class="refusal">{e.message}</p></div> }.into_any(),
                    Some(Ok(hits)) if hits.is_empty() => view! {
                        <div class="map-results" data-testid="map-results"><p class="muted">{t!("map-search-none", query = q.clone())}</p></div>
                    }.into_any(),
                    Some(Ok(hits)) => view! {
                        <ul class="map-results" data-testid="map-results" role="listbox">
                            {hits.into_iter().map(|hit| {
                                let h = hit.clone();
                                view! {
                                    <li>
                                        <button class="map-hit" data-testid="map-hit" data-place=hit.place.id.clone()
                                            on:click=move |_| pick(h.clone())>
                                            <span class=format!("hit-icon kind-{}", kind_name(hit.place.kind))>
                                                <svg viewBox="0 0 24 24" aria-hidden="true">{kind_icon(hit.place.kind)}</svg>
                                            </span>
                                            <span class="hit-text">
                                                <strong>{hit.place.name.clone()}</strong>
                                                <span class="muted">
                                                    {hit.floor.clone()}
                                                    {hit.because.clone().map(|b| format!(" · {b}"))}
                                                </span>
                                            </span>
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                })
            }}
        </div>
    }
}

#[component]
fn Filters(st: MapState) -> impl IntoView {
    view! {
        <div class="map-filters" role="group" aria-label=move || t!("map-filter")>
            {KINDS.iter().map(|&k| view! {
                <button class=format!("filter-chip kind-{}", kind_name(k))
                    class:off=move || st.hidden.get().contains(&k)
                    aria-pressed=move || (!st.hidden.get().contains(&k)).to_string()
                    data-testid=format!("filter-{}", kind_name(k))
                    on:click=move |_| st.hidden.update(|h| if !h.remove(&k) { h.insert(k); })>
                    <svg viewBox="0 0 24 24" aria-hidden="true">{kind_icon(k)}</svg>
                    {move || kind_label(k)}
                </button>
            }).collect_view()}
        </div>
    }
}

/// The panel beside (tablet, venue screen) or below (phone) the plan: the route, else the place
/// picked, else where the person is.
#[component]
fn Sheet(
    st: MapState,
    map: StoredValue<MapView>,
    here: Option<elements_protocol::app::HereView>,
    can_route: bool,
) -> impl IntoView {
    let place = load_later::<GetPlace>(move || PlaceArgs { id: st.selected.get_untracked().unwrap_or_default() })
        .refresh_on(Changed::Element(ElementKind::Quests));
    Effect::new(move |_| match st.selected.get() {
        Some(_) => place.reload(),
        None => place.clear(),
    });
    let has_here = here.is_some();
    move || {
        if st.route_to.get().is_some() {
            return view! { <RoutePanel st=st map=map has_here=has_here /> }.into_any();
        }
        if st.selected.get().is_some() {
            return show_loading(place.state.get(), move |d| {
                view! { <PlacePanel d=d st=st can_route=can_route has_here=has_here /> }.into_any()
            });
        }
        view! { <HerePanel st=st here=here.clone() /> }.into_any()
    }
}

#[component]
fn PlacePanel(d: PlaceDetail, st: MapState, can_route: bool, has_here: bool) -> impl IntoView {
    let nav = use_context::<Navigate>();
    let id = d.place.id.clone();
    let id_for_here = id.clone();
    let session_link = move |card: elements_protocol::app::SessionCard, label: String| {
        let sid = card.id.clone();
        view! {
            <button class="place-session" data-testid="place-session" on:click=move |_| {
                if let Some(n) = nav {
                    n.follow(&format!("session:{sid}"));
                }
            }>
                <span class="place-when">{label}" · "{card.starts.clone()}"–"{card.ends.clone()}</span>
                <strong>{card.title.clone()}</strong>
                {(!card.speakers.is_empty()).then(|| view! { <span class="muted">{card.speakers.clone()}</span> })}
            </button>
        }
    };
    view! {
        <div class="place-panel" data-testid="place-detail" data-place=d.place.id.clone()>
            <div class="place-head">
                <span class=format!("hit-icon kind-{}", kind_name(d.place.kind))>
                    <svg viewBox="0 0 24 24" aria-hidden="true">{kind_icon(d.place.kind)}</svg>
                </span>
                <div>
                    <h2 data-testid="place-name">{d.place.name.clone()}</h2>
                    <p class="muted">{kind_label(d.place.kind)}" · "{d.floor.clone()}</p>
                </div>
                <button class="link close" aria-label=move || t!("map-close") on:click=move |_| st.selected.set(None)>"✕"</button>
            </div>
            {d.exhibitor.clone().map(|e| view! { <p class="place-exhibitor"><span class="muted">{t!("map-place-exhibitor")}</span>" "<strong>{e}</strong></p> })}
            {(!d.description.is_empty()).then(|| view! { <p>{d.description.clone()}</p> })}
            {d.now.clone().map(|c| session_link(c, t!("map-place-now")))}
            {d.next.clone().map(|c| session_link(c, t!("map-place-next")))}
            {d.visited.then(|| view! { <p class="checked-in" data-testid="booth-visited">{t!("map-booth-visited")}</p> })}
            {d.can_visit.then(|| {
                let id = d.place.id.clone();
                let refused = RwSignal::new(None::<ApiError>);
                view! {
                    <button class="secondary" data-testid="visit-booth" on:click=move |_| {
                        let args = PlaceArgs { id: id.clone() };
                        spawn_local(async move {
                            match invoke::<VisitBooth>(&args).await {
                                // The quests (a booth trail) and this panel catch up.
                                Ok(_) => crate::api::notify(Changed::Element(ElementKind::Quests)),
                                Err(e) => refused.set(Some(e)),
                            }
                        });
                    }>{t!("map-booth-visit")}</button>
                    {move || refused.get().map(|e| view! {
                        <p class="refusal" role="alert">{error_sentence(e.code.as_str(), e.reason)}" "<span class="muted">{e.message}</span></p>
                    })}
                }
            })}
            {(!d.checkpoints.is_empty()).then(|| view! {
                <ul class="place-checkpoints">
                    {d.checkpoints.iter().map(|c| view! {
                        <li class:done=c.done>
                            {if c.done { "✓ " } else { "◦ " }}
                            {t!("map-place-checkpoint", quest = c.quest.clone(), checkpoint = c.checkpoint.clone())}
                        </li>
                    }).collect_view()}
                </ul>
            })}
            <div class="place-actions">
                {can_route.then(|| {
                    let id = id.clone();
                    view! {
                        <button class="primary" data-testid="route-here" on:click=move |_| {
                            st.route_to.set(Some(id.clone()));
                            st.route_from.set(None);
                            if has_here {
                                ask_route(st);
                            } else {
                                st.route.set(None);
                            }
                        }>{t!("map-place-route")}</button>
                    }
                })}
                <button class="secondary" data-testid="place-set-here" on:click=move |_| {
                    set_here(st, HereArgs::Place { id: id_for_here.clone() });
                }>{t!("map-place-here")}</button>
            </div>
            <p class="place-link muted" data-testid="place-link" title=d.link.clone()>{t!("map-place-link")}" "<code>{d.link.clone()}</code></p>
        </div>
    }
}

#[component]
fn RoutePanel(st: MapState, map: StoredValue<MapView>, has_here: bool) -> impl IntoView {
    let places = map.with_value(|m| m.places.clone());
    let name_of = move |id: &str| places.iter().find(|p| p.id == id).map(|p| p.name.clone()).unwrap_or_default();
    let to_name = name_of(&st.route_to.get_untracked().unwrap_or_default());
    let close = move |_| {
        st.route_to.set(None);
        st.route.set(None);
    };
    view! {
        <div class="route-panel" data-testid="route-panel">
            <div class="place-head">
                <div>
                    <h2>{t!("map-route-title", place = to_name.clone())}</h2>
                    <p class="muted">{move || match st.route_from.get() {
                        None => t!("map-route-from-here"),
                        Some(id) => t!("map-route-from", place = name_of(&id)),
                    }}</p>
                </div>
                <button class="link close" data-testid="route-close" aria-label=move || t!("map-close") on:click=close>"✕"</button>
            </div>
            <label class="toggle" data-testid="step-free">
                <input type="checkbox" data-testid="step-free-toggle" prop:checked=move || st.step_free.get()
                    on:change=move |ev| {
                        st.step_free.set(event_target_checked(&ev));
                        ask_route(st);
                    } />
                <span>{t!("map-step-free")}</span>
            </label>
            {move || if st.route_from.get().is_none() && !has_here {
                view! { <p class="map-note" data-testid="route-needs-here">{t!("map-here-none")}</p> }.into_any()
            } else {
                match st.route.get() {
                    None => view! { <p class="loading">{t!("loading")}</p> }.into_any(),
                    Some(Err(e)) => view! { <p class="refusal" role="alert">{error_sentence(e.code.as_str(), e.reason)}" "<span class="muted">{e.message}</span></p> }.into_any(),
                    Some(Ok(r)) => route_view(r, to_name.clone()).into_any(),
                }
            }}
        </div>
    }
}

fn route_view(r: RouteView, to: String) -> impl IntoView {
    if let Some(problem) = r.problem {
        let text = match problem {
            RouteProblem::NotStepFree => t!("map-route-not-step-free"),
            RouteProblem::NoWay => t!("map-route-no-way"),
        };
        return view! { <p class="refusal" role="alert" data-testid="route-problem" data-problem=format!("{problem:?}")>{text}</p> }.into_any();
    }
    view! {
        <p class="route-total" data-testid="route-total" data-meters=r.meters data-minutes=r.minutes>
            {t!("map-route-total", m = r.meters, min = r.minutes)}
        </p>
        <ol class="route-steps" data-testid="route-steps">
            {r.steps.iter().map(|s| view! {
                <li data-how=format!("{:?}", s.how).to_lowercase()><span class="step-icon" aria-hidden="true">{step_glyph(s)}</span>{step_text(s)}</li>
            }).collect_view()}
            <li data-how="arrive"><span class="step-icon" aria-hidden="true">"◎"</span>{t!("map-step-arrive", place = to)}</li>
        </ol>
    }
    .into_any()
}

fn step_glyph(s: &RouteStep) -> &'static str {
    match s.how {
        StepHow::Walk => "→",
        StepHow::Lift => "⇅",
        StepHow::Stairs | StepHow::Escalator | StepHow::Ramp if s.up => "↗",
        _ => "↘",
    }
}

fn step_text(s: &RouteStep) -> String {
    let floor = s.floor.clone();
    let base = match (s.how, s.up) {
        (StepHow::Walk, _) => t!("map-step-walk", m = s.meters),
        (StepHow::Lift, true) => t!("map-step-lift-up", floor = floor),
        (StepHow::Lift, false) => t!("map-step-lift-down", floor = floor),
        (StepHow::Stairs, true) => t!("map-step-stairs-up", floor = floor),
        (StepHow::Stairs, false) => t!("map-step-stairs-down", floor = floor),
        (StepHow::Escalator, true) => t!("map-step-escalator-up", floor = floor),
        (StepHow::Escalator, false) => t!("map-step-escalator-down", floor = floor),
        (StepHow::Ramp, true) => t!("map-step-ramp-up", floor = floor),
        (StepHow::Ramp, false) => t!("map-step-ramp-down", floor = floor),
    };
    match s.then {
        None => base,
        Some(TurnHow::Left) => t!("map-then-left", step = base),
        Some(TurnHow::Right) => t!("map-then-right", step = base),
        Some(TurnHow::Back) => t!("map-then-back", step = base),
    }
}

/// Where the person is, and the ways to say so: a location code (photo or typed), or a tap.
#[component]
fn HerePanel(st: MapState, here: Option<elements_protocol::app::HereView>) -> impl IntoView {
    let scan = move |args: LocationArgs| {
        spawn_local(async move {
            let answer = invoke::<ScanLocation>(&args).await;
            if answer.is_ok() {
                st.here_code.set(String::new());
            }
            st.here_result.set(Some(answer.map(|_| ())));
            st.here_answers.update(|n| *n += 1);
        });
    };
    let photo = move |ev: leptos::ev::Event| {
        let Some(file) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0))
        else {
            return;
        };
        spawn_local(async move {
            let Ok(buffer) = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await else { return };
            scan(LocationArgs { text: None, image: Some(js_sys::Uint8Array::new(&buffer).to_vec()) });
        });
    };
    let fixed = here.as_ref().is_some_and(|h| h.source == HereSource::Fixed);
    view! {
        <div class="here-panel" data-testid="here-panel">
            {match &here {
                Some(h) => view! {
                    <p class="here-now" data-testid="here-now" data-source=source_name(h.source)>
                        <span class="here-dot-inline" aria-hidden="true"></span>
                        {match &h.place {
                            Some(p) => t!("map-here-at", place = p.name.clone()),
                            None => t!("map-here"),
                        }}
                    </p>
                }.into_any(),
                None => view! { <p class="map-note" data-testid="here-none">{t!("map-here-none")}</p> }.into_any(),
            }}
            {(!fixed).then(|| view! {
                <div class="here-actions">
                    <label class="scan-button">
                        <input type="file" accept="image/*" capture="environment" data-testid="location-photo" on:change=photo />
                        <span>{t!("map-here-scan")}</span>
                    </label>
                    <button class="secondary" data-testid="pick-here" on:click=move |_| st.picking_here.set(true)>{t!("map-here-pick")}</button>
                </div>
                <form class="scan-row" on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    scan(LocationArgs { text: Some(st.here_code.get_untracked()), image: None });
                }>
                    <input type="text" data-testid="location-code" autocomplete="off" spellcheck="false"
                        placeholder=move || t!("map-here-code") aria-label=move || t!("map-here-code")
                        prop:value=move || st.here_code.get() on:input=move |ev| st.here_code.set(event_target_value(&ev)) />
                    <button class="secondary" type="submit" disabled=move || st.here_code.get().trim().is_empty()>{t!("map-here-check")}</button>
                </form>
            })}
            {move || st.here_result.get().map(|r| match r {
                Ok(()) => view! { <p class="scan-found" role="status" data-testid="here-result" data-status="set" data-answer=st.here_answers.get_untracked()>{t!("map-here-set")}</p> }.into_any(),
                Err(e) => view! {
                    <p class="refusal" role="alert" data-testid="here-result" data-status="refused" data-answer=st.here_answers.get_untracked()
                        data-reason=e.reason.map(|r| r.as_str()).unwrap_or(e.code.as_str())>
                        {error_sentence(e.code.as_str(), e.reason)}" "<span class="muted">{e.message}</span>
                    </p>
                }.into_any(),
            })}
            <p class="muted map-help">{t!("map-help")}</p>
        </div>
    }
}

fn source_name(s: HereSource) -> &'static str {
    match s {
        HereSource::Code => "code",
        HereSource::Chosen => "chosen",
        HereSource::Fixed => "fixed",
    }
}

/// The floor's short name for the switcher: its level ("0", "1", "−1").
fn floor_short(_name: &str, level: i32) -> String {
    if level < 0 {
        format!("−{}", -level)
    } else {
        level.to_string()
    }
}

fn label_rank(k: PoiKind) -> u8 {
    match k {
        PoiKind::Room => 0,
        PoiKind::Info | PoiKind::Exit | PoiKind::Lift => 1,
        PoiKind::Food | PoiKind::Toilet | PoiKind::FirstAid => 2,
        PoiKind::Booth => 3,
        PoiKind::MeetingPoint | PoiKind::Stairs => 4,
    }
}

pub fn kind_name(k: PoiKind) -> &'static str {
    match k {
        PoiKind::Room => "room",
        PoiKind::Booth => "booth",
        PoiKind::Food => "food",
        PoiKind::Toilet => "toilet",
        PoiKind::Exit => "exit",
        PoiKind::Stairs => "stairs",
        PoiKind::Lift => "lift",
        PoiKind::Info => "info",
        PoiKind::FirstAid => "first_aid",
        PoiKind::MeetingPoint => "meeting_point",
    }
}

pub(crate) fn kind_label(k: PoiKind) -> String {
    match k {
        PoiKind::Room => t!("place-room"),
        PoiKind::Booth => t!("place-booth"),
        PoiKind::Food => t!("place-food"),
        PoiKind::Toilet => t!("place-toilet"),
        PoiKind::Exit => t!("place-exit"),
        PoiKind::Stairs => t!("place-stairs"),
        PoiKind::Lift => t!("place-lift"),
        PoiKind::Info => t!("place-info"),
        PoiKind::FirstAid => t!("place-first-aid"),
        PoiKind::MeetingPoint => t!("place-meeting-point"),
    }
}

/// A place kind's icon: strokes on a 24-unit grid.
pub(crate) fn kind_icon(k: PoiKind) -> impl IntoView {
    let d = match k {
        PoiKind::Room => "M4 20V5l8-2 8 2v15M9 20v-5h6v5M8 9h8",
        PoiKind::Booth => "M3 9l2-5h14l2 5M4 9v11h16V9M3 9h18M9 20v-6h6v6",
        PoiKind::Food => "M7 3v8M5 3v5a2 2 0 0 0 4 0V3M7 11v10M17 3c-2 0-3 2-3 6s1 4 3 4v8",
        PoiKind::Toilet => "M8 6.5a2 2 0 1 0 0-4 2 2 0 0 0 0 4zM16 6.5a2 2 0 1 0 0-4 2 2 0 0 0 0 4zM6 21v-6H4.5l1.5-6h4l1.5 6H10v6M14 21V9h4v12",
        PoiKind::Exit => "M10 3H5v18h5M14 8l4 4-4 4M18 12H9",
        PoiKind::Stairs => "M4 20h4v-4h4v-4h4V8h4",
        PoiKind::Lift => "M6 3h12v18H6zM10 9l2-2 2 2M10 15l2 2 2-2",
        PoiKind::Info => "M12 7.5h.01M11 11h1v6h1M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z",
        PoiKind::FirstAid => "M10 4h4v6h6v4h-6v6h-4v-6H4v-4h6z",
        PoiKind::MeetingPoint => {
            "M8 10a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM16 10a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM2.5 20a5.5 5.5 0 0 1 11 0M10.5 20a5.5 5.5 0 0 1 11 0"
        }
    };
    view! {
        <path class="kind-icon" d=d fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round" />
    }
}
