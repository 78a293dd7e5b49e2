//! Routes through the venue's walk graph (`elements_protocol::venue`): the quickest way between
//! two points, optionally step-free (lifts and ramps only), respecting one-way links, with the
//! steps a person follows ("take the lift to floor 1"). Dijkstra over a graph built once per
//! event; pure, no IO.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

use elements_protocol::event::Floor;
use elements_protocol::venue::{LinkKind, WalkGraph};

/// Walking speed, meters per second: an unhurried pace in a crowd.
pub const WALKING_SPEED: f64 = 1.2;
/// Seconds a flight of stairs between two floors adds to the walk along it.
const STAIRS_PER_FLOOR: f64 = 15.0;
/// An escalator between two floors.
const ESCALATOR_PER_FLOOR: f64 = 20.0;
/// Waiting for a lift, then its ride per floor.
const LIFT_WAIT: f64 = 40.0;
const LIFT_PER_FLOOR: f64 = 5.0;

#[derive(Debug, Clone, Copy)]
struct Arc {
    to: u32,
    meters: f64,
    seconds: f64,
    kind: LinkKind,
}

/// The walk graph, indexed for routing.
#[derive(Debug, Clone)]
pub struct Router {
    ids: Vec<String>,
    index: HashMap<String, u32>,
    floor: Vec<u32>,
    floors: Vec<(String, i32)>,
    /// Each point's place on its floor's plan, for turns and the nearest point to a tap.
    xy: Vec<(f64, f64)>,
    arcs: Vec<Vec<Arc>>,
}

/// A problem in the graph that makes it unusable for routing, naming what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphError(pub String);

impl Router {
    /// Indexes `graph`. Links naming points that do not exist, and points on floors the event
    /// does not have, are errors (`validate` names them on import).
    pub fn new(graph: &WalkGraph, floors: &[Floor]) -> Result<Router, GraphError> {
        let floor_index: HashMap<&str, u32> =
            floors.iter().enumerate().map(|(i, f)| (f.id.as_str(), i as u32)).collect();
        let mut r = Router {
            ids: Vec::with_capacity(graph.points.len()),
            index: HashMap::with_capacity(graph.points.len()),
            floor: Vec::with_capacity(graph.points.len()),
            floors: floors.iter().map(|f| (f.id.clone(), f.level)).collect(),
            xy: Vec::with_capacity(graph.points.len()),
            arcs: vec![Vec::new(); graph.points.len()],
        };
        for p in &graph.points {
            let Some(&f) = floor_index.get(p.floor_id.as_str()) else {
                return Err(GraphError(format!(
                    "point \"{}\" is on floor \"{}\", which the event does not have",
                    p.id, p.floor_id
                )));
            };
            if r.index.insert(p.id.clone(), r.ids.len() as u32).is_some() {
                return Err(GraphError(format!("point id \"{}\" is used twice", p.id)));
            }
            r.ids.push(p.id.clone());
            r.floor.push(f);
            r.xy.push((p.x, p.y));
        }
        let mpu = if graph.meters_per_unit > 0.0 { graph.meters_per_unit } else { 1.0 };
        for l in &graph.links {
            let at = |id: &str| {
                r.index
                    .get(id)
                    .copied()
                    .ok_or_else(|| GraphError(format!("a link names point \"{id}\", which the graph does not have")))
            };
            let (a, b) = (at(&l.from)?, at(&l.to)?);
            let (pa, pb) = (r.xy[a as usize], r.xy[b as usize]);
            let meters = ((pa.0 - pb.0).powi(2) + (pa.1 - pb.1).powi(2)).sqrt() * mpu;
            let levels =
                (r.floors[r.floor[a as usize] as usize].1 - r.floors[r.floor[b as usize] as usize].1).unsigned_abs();
            let seconds = meters / WALKING_SPEED
                + match l.kind {
                    LinkKind::Stairs => STAIRS_PER_FLOOR * f64::from(levels),
                    LinkKind::Escalator => ESCALATOR_PER_FLOOR * f64::from(levels),
                    LinkKind::Lift => LIFT_WAIT + LIFT_PER_FLOOR * f64::from(levels),
                    LinkKind::Corridor | LinkKind::Door | LinkKind::Ramp => 0.0,
                };
            r.arcs[a as usize].push(Arc { to: b, meters, seconds, kind: l.kind });
            if !l.one_way {
                r.arcs[b as usize].push(Arc { to: a, meters, seconds, kind: l.kind });
            }
        }
        Ok(r)
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The quickest route from `from` to `to` (point ids).
    pub fn route(&self, from: &str, to: &str, step_free: bool) -> Result<Route, RouteError> {
        let at = |id: &str| self.index.get(id).copied().ok_or_else(|| RouteError::UnknownPoint(id.to_string()));
        let (start, goal) = (at(from)?, at(to)?);
        let n = self.ids.len();
        let mut best = vec![f64::INFINITY; n];
        // The arc that reached each point: (previous point, arc index in its list).
        let mut came: Vec<Option<(u32, u32)>> = vec![None; n];
        let mut heap = BinaryHeap::new();
        best[start as usize] = 0.0;
        heap.push(Next { seconds: 0.0, point: start });
        while let Some(Next { seconds, point }) = heap.pop() {
            if point == goal {
                break;
            }
            if seconds > best[point as usize] {
                continue;
            }
            for (i, arc) in self.arcs[point as usize].iter().enumerate() {
                if step_free && !arc.kind.step_free() {
                    continue;
                }
                let next = seconds + arc.seconds;
                if next < best[arc.to as usize] {
                    best[arc.to as usize] = next;
                    came[arc.to as usize] = Some((point, i as u32));
                    heap.push(Next { seconds: next, point: arc.to });
                }
            }
        }
        if best[goal as usize].is_infinite() {
            // Say whether stairs are what stands in the way.
            let with_stairs = step_free && self.route(from, to, false).is_ok();
            return Err(RouteError::Unreachable { from: from.into(), to: to.into(), step_free, with_stairs });
        }
        let mut arcs: Vec<(u32, Arc)> = Vec::new();
        let mut p = goal;
        while let Some((prev, i)) = came[p as usize] {
            arcs.push((prev, self.arcs[prev as usize][i as usize]));
            p = prev;
        }
        arcs.reverse();
        let mut points = vec![self.ids[start as usize].clone()];
        points.extend(arcs.iter().map(|(_, a)| self.ids[a.to as usize].clone()));
        let mut steps: Vec<Step> = Vec::new();
        let mut previous: Option<(u32, u32, StepKind)> = None;
        for (from, arc) in &arcs {
            let (f0, f1) = (self.floor[*from as usize], self.floor[arc.to as usize]);
            let kind = match arc.kind {
                LinkKind::Stairs | LinkKind::Lift | LinkKind::Escalator if f0 != f1 => StepKind::from(arc.kind),
                LinkKind::Ramp if f0 != f1 => StepKind::Ramp,
                _ => StepKind::Walk,
            };
            // A walk turning a corner ends there with the turn, unless it was only a few meters.
            let turn = match previous {
                Some((a, b, StepKind::Walk)) if kind == StepKind::Walk => self.turn(a, b, arc.to),
                _ => None,
            };
            previous = Some((*from, arc.to, kind));
            match steps.last_mut() {
                Some(last)
                    if last.kind == StepKind::Walk
                        && kind == StepKind::Walk
                        && (turn.is_none() || last.meters < MIN_WALK) =>
                {
                    last.meters += arc.meters
                }
                _ => {
                    if let (Some(turn), Some(last)) = (turn, steps.last_mut()) {
                        last.turn = Some(turn);
                    }
                    steps.push(Step {
                        kind,
                        meters: arc.meters,
                        to_floor: self.floors[f1 as usize].0.clone(),
                        to_point: self.ids[arc.to as usize].clone(),
                        turn: None,
                    })
                }
            }
            if let Some(last) = steps.last_mut() {
                last.to_point = self.ids[arc.to as usize].clone();
            }
        }
        Ok(Route { meters: arcs.iter().map(|(_, a)| a.meters).sum(), seconds: best[goal as usize], points, steps })
    }

    /// Which way a person turns at `b`, coming from `a` and going on to `c` (plan y points down).
    fn turn(&self, a: u32, b: u32, c: u32) -> Option<Turn> {
        let (pa, pb, pc) = (self.xy[a as usize], self.xy[b as usize], self.xy[c as usize]);
        let (d1, d2) = ((pb.0 - pa.0, pb.1 - pa.1), (pc.0 - pb.0, pc.1 - pb.1));
        if (d1.0 == 0.0 && d1.1 == 0.0) || (d2.0 == 0.0 && d2.1 == 0.0) {
            return None;
        }
        let angle = (d1.0 * d2.1 - d1.1 * d2.0).atan2(d1.0 * d2.0 + d1.1 * d2.1).to_degrees();
        match angle {
            a if a.abs() < 35.0 => None,
            a if a.abs() > 150.0 => Some(Turn::Back),
            a if a > 0.0 => Some(Turn::Right),
            _ => Some(Turn::Left),
        }
    }

    /// The point nearest to `(x, y)` on `floor_id` (where a tap on the plan puts "you are here").
    pub fn nearest(&self, floor_id: &str, x: f64, y: f64) -> Option<&str> {
        let f = self.floors.iter().position(|(id, _)| id == floor_id)? as u32;
        (0..self.ids.len())
            .filter(|&i| self.floor[i] == f)
            .min_by(|&i, &j| {
                let d = |k: usize| (self.xy[k].0 - x).powi(2) + (self.xy[k].1 - y).powi(2);
                d(i).total_cmp(&d(j))
            })
            .map(|i| self.ids[i].as_str())
    }

    /// A point's floor and place on it.
    pub fn place_of(&self, id: &str) -> Option<(&str, f64, f64)> {
        let i = *self.index.get(id)? as usize;
        Some((self.floors[self.floor[i] as usize].0.as_str(), self.xy[i].0, self.xy[i].1))
    }

    /// How long walking along exactly these points takes, hop by hop over allowed links (the
    /// quickest where two points are linked twice); `None` if some hop is not a link that may be
    /// taken in that direction (one-way, or not step-free when `step_free`).
    pub fn seconds_of(&self, path: &[&str], step_free: bool) -> Option<f64> {
        let mut total = 0.0;
        for hop in path.windows(2) {
            let (a, b) = (*self.index.get(hop[0])?, *self.index.get(hop[1])?);
            total += self.arcs[a as usize]
                .iter()
                .filter(|arc| arc.to == b && (!step_free || arc.kind.step_free()))
                .map(|arc| arc.seconds)
                .min_by(f64::total_cmp)?;
        }
        Some(total)
    }

    /// The points one link away from `id` that may be walked to (for tests and "nearby").
    pub fn neighbours(&self, id: &str, step_free: bool) -> Vec<String> {
        let Some(&p) = self.index.get(id) else { return Vec::new() };
        self.arcs[p as usize]
            .iter()
            .filter(|a| !step_free || a.kind.step_free())
            .map(|a| self.ids[a.to as usize].clone())
            .collect()
    }

    /// Points from which `from` cannot be reached, or that cannot be reached from it (one-way
    /// links count), by id: the places an organizer must connect.
    pub fn cut_off_from(&self, from: &str, step_free: bool) -> Vec<String> {
        let Some(&start) = self.index.get(from) else { return self.ids.clone() };
        let n = self.ids.len();
        let mut reverse: Vec<Vec<u32>> = vec![Vec::new(); n];
        for (p, arcs) in self.arcs.iter().enumerate() {
            for a in arcs.iter().filter(|a| !step_free || a.kind.step_free()) {
                reverse[a.to as usize].push(p as u32);
            }
        }
        let reach = |next: &dyn Fn(u32) -> Vec<u32>| {
            let mut seen = vec![false; n];
            let mut stack = vec![start];
            seen[start as usize] = true;
            while let Some(p) = stack.pop() {
                for q in next(p) {
                    if !std::mem::replace(&mut seen[q as usize], true) {
                        stack.push(q);
                    }
                }
            }
            seen
        };
        let forward = reach(&|p| {
            self.arcs[p as usize].iter().filter(|a| !step_free || a.kind.step_free()).map(|a| a.to).collect()
        });
        let backward = reach(&|p| reverse[p as usize].clone());
        (0..n).filter(|&i| !(forward[i] && backward[i])).map(|i| self.ids[i].clone()).collect()
    }
}

/// The heap's entry: fewest seconds first.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Next {
    seconds: f64,
    point: u32,
}

impl Eq for Next {}

impl Ord for Next {
    fn cmp(&self, other: &Self) -> Ordering {
        other.seconds.total_cmp(&self.seconds).then_with(|| other.point.cmp(&self.point))
    }
}

impl PartialOrd for Next {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// Point ids, from the start to the destination.
    pub points: Vec<String>,
    pub meters: f64,
    pub seconds: f64,
    /// What a person follows: walks (consecutive links merged) and changes of floor.
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    Walk,
    Stairs,
    Lift,
    Escalator,
    Ramp,
}

impl From<LinkKind> for StepKind {
    fn from(k: LinkKind) -> StepKind {
        match k {
            LinkKind::Stairs => StepKind::Stairs,
            LinkKind::Lift => StepKind::Lift,
            LinkKind::Escalator => StepKind::Escalator,
            LinkKind::Ramp => StepKind::Ramp,
            LinkKind::Corridor | LinkKind::Door => StepKind::Walk,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub kind: StepKind,
    pub meters: f64,
    /// The floor this step ends on, and the point.
    pub to_floor: String,
    pub to_point: String,
    /// The turn to take where this step ends, before the next.
    pub turn: Option<Turn>,
}

/// Which way the next step goes from the end of a walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Turn {
    Left,
    Right,
    Back,
}

/// A walk shorter than this (meters) before a corner is not worth a step of its own.
const MIN_WALK: f64 = 5.0;

#[derive(Debug, Clone, PartialEq)]
pub enum RouteError {
    UnknownPoint(String),
    /// No way from `from` to `to`; `with_stairs`: a step-free route was asked for, and one
    /// with stairs or escalators exists.
    Unreachable {
        from: String,
        to: String,
        step_free: bool,
        with_stairs: bool,
    },
}

impl std::fmt::Display for RouteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RouteError::UnknownPoint(id) => write!(f, "there is no point \"{id}\" on the venue's plan"),
            RouteError::Unreachable { from, to, step_free: true, with_stairs: true } => {
                write!(f, "no step-free way from \"{from}\" to \"{to}\"; there is one with stairs or escalators")
            }
            RouteError::Unreachable { from, to, .. } => {
                write!(f, "no way from \"{from}\" to \"{to}\" on the venue's plan")
            }
        }
    }
}
