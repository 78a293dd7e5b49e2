//! The map Element: floors, places, "you are here", and routes.

use serde::{Deserialize, Serialize};

use super::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapView {
    /// Lowest level first.
    pub floors: Vec<FloorView>,
    pub places: Vec<PlaceView>,
    pub here: Option<HereView>,
    /// The event has a walk graph: routes can be asked for.
    pub can_route: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FloorView {
    pub id: String,
    pub name: String,
    pub level: i32,
    pub width: u32,
    pub height: u32,
    pub plan: PlanView,
}

/// How a floor's plan is drawn. Paths are under the app's `plan` scheme
/// (`plan://localhost/<path>`; `http://plan.localhost/<path>` where the platform wants that).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PlanView {
    /// One vector image, sharp at any zoom.
    Svg { path: String },
    /// A raster plan cut into tiles: level `z` (0 = the whole plan in one tile) is the plan at
    /// `1 / 2^(levels - 1 - z)` of its size, in `tile_size` squares; `{z}/{x}/{y}` in the template.
    /// `width` × `height`: the image's pixels (the floor's plan units may differ: scale to them).
    Tiles { template: String, levels: u32, tile_size: u32, width: u32, height: u32 },
    /// Not downloaded yet (or none published): the places are drawn on a blank floor.
    Missing,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceView {
    pub id: String,
    pub name: String,
    pub kind: crate::event::PoiKind,
    pub floor_id: String,
    pub x: f64,
    pub y: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HereSource {
    /// A location code scanned in the venue.
    Code,
    /// The person tapped the spot or chose the place.
    Chosen,
    /// A venue screen's configured spot.
    Fixed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HereView {
    pub floor_id: String,
    pub x: f64,
    pub y: f64,
    /// The place it is at, if it is one.
    pub place: Option<PlaceRef>,
    pub source: HereSource,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceHit {
    pub place: PlaceView,
    /// The floor's name.
    pub floor: String,
    /// Why it matched when not by its own name: the session held there, the exhibitor.
    pub because: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceArgs {
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceDetail {
    pub place: PlaceView,
    pub floor: String,
    pub description: String,
    pub exhibitor: Option<String>,
    /// For a room: the session on now, and the next one.
    pub now: Option<SessionCard>,
    pub next: Option<SessionCard>,
    /// Quest checkpoints hanging here.
    pub checkpoints: Vec<PlaceCheckpoint>,
    /// `elements://place?…`: the link (and QR code) that opens the map here.
    pub link: String,
    /// A booth this person said they visited (a `booth_visit` signal, which scenarios count).
    #[serde(default)]
    pub visited: bool,
    /// A booth, on a device that may act, not visited yet.
    #[serde(default)]
    pub can_visit: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceCheckpoint {
    pub quest: String,
    pub checkpoint: String,
    pub done: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouteArgs {
    /// A place id; none: from "you are here".
    #[serde(default)]
    pub from: Option<String>,
    pub to: String,
    #[serde(default)]
    pub step_free: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouteView {
    pub from: String,
    pub to: String,
    pub step_free: bool,
    /// Rounded to whole meters and minutes (at least 1).
    pub meters: u32,
    pub minutes: u32,
    /// The line to draw, one piece per stretch on a floor, in walking order.
    pub legs: Vec<RouteLeg>,
    pub steps: Vec<RouteStep>,
    /// Why there is no route (then `legs` and `steps` are empty).
    pub problem: Option<RouteProblem>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RouteProblem {
    /// No step-free way; there is one with stairs or escalators.
    NotStepFree,
    /// No way at all (the walk graph does not connect them).
    NoWay,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouteLeg {
    pub floor_id: String,
    pub points: Vec<(f64, f64)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepHow {
    Walk,
    Stairs,
    Lift,
    Escalator,
    Ramp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TurnHow {
    Left,
    Right,
    Back,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouteStep {
    pub how: StepHow,
    pub meters: u32,
    /// The floor this step ends on (its name), and whether it goes up.
    pub floor: String,
    pub up: bool,
    /// The turn where this step ends.
    pub then: Option<TurnHow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "at", rename_all = "snake_case")]
pub enum HereArgs {
    Place { id: String },
    Spot { floor_id: String, x: f64, y: f64 },
    Nowhere,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocationArgs {
    /// The code's text (`elements://here?…`), typed or pasted…
    #[serde(default)]
    pub text: Option<String>,
    /// …or a photo of it.
    #[serde(default)]
    pub image: Option<Vec<u8>>,
}
