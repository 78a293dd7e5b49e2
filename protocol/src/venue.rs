//! The venue's walk graph: points people walk between (corridor junctions, doors, the foot of a
//! stair, a lift's door on each floor, the spot in front of a booth) and the links between them.
//! Routing over it is `elements_domain::routing`. Coordinates are each floor plan's own
//! (`Floor::width` × `Floor::height`); `meters_per_unit` turns them into distances.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WalkPoint {
    pub id: String,
    pub floor_id: String,
    pub x: f64,
    pub y: f64,
    /// The place this point is the doorstep of, if any (a room, a booth, a toilet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poi_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    Corridor,
    Door,
    Stairs,
    Lift,
    Ramp,
    Escalator,
}

impl LinkKind {
    /// Whether a wheelchair, a pram or a suitcase gets through.
    pub fn step_free(self) -> bool {
        !matches!(self, LinkKind::Stairs | LinkKind::Escalator)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WalkLink {
    pub from: String,
    pub to: String,
    pub kind: LinkKind,
    /// Only from `from` to `to` (an escalator, a one-way exit).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub one_way: bool,
}

/// The whole graph, with the scale of the plans. One per event (`id` "venue"), synced whole in
/// the map feed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WalkGraph {
    #[serde(default = "venue_id")]
    pub id: String,
    /// Meters per plan unit (the same on every floor: plans exported from one CAD model).
    pub meters_per_unit: f64,
    pub points: Vec<WalkPoint>,
    pub links: Vec<WalkLink>,
}

fn venue_id() -> String {
    "venue".into()
}

impl WalkGraph {
    /// An event without a walk graph (most published schedules): no routes.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }
}
