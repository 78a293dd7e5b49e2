//! The venue from IMDF (Apple's Indoor Mapping Data Format, OGC Community Standard): the
//! GeoJSON feature collections a venue publishes (`level`, `unit`, `opening`, `amenity`) become
//! floors, places and the walk graph, and each floor gets an SVG plan drawn from its units.
//!
//! - Levels become floors (`ordinal` is the floor's level).
//! - Units become places when they are rooms, toilets, food, stairs or lifts (walkways and
//!   unnamed rooms stay part of the walk graph only); amenities become places too.
//! - Openings connect the units they touch; stairs, lifts and escalators connect the units of
//!   that kind standing over each other on consecutive levels of one building.
//!
//! Coordinates (WGS 84 longitude/latitude) are projected onto a flat plan in decimetres around
//! the venue (plenty for a building: the error over a kilometre is millimetres). Units cut off
//! from the rest are named in the warnings and left out of the graph, so routing works on what
//! is connected.

use std::collections::{BTreeMap, HashMap, HashSet};

use elements_protocol::event::{Floor, PoiKind, PointOfInterest};
use elements_protocol::venue::{LinkKind, WalkGraph, WalkLink, WalkPoint};
use serde_json::Value;

/// Plan units per meter: decimetres.
const UNITS_PER_METER: f64 = 10.0;

/// A point on the plan (or in longitude, latitude before projection).
type Point = (f64, f64);
/// An opening touches a unit when it lies this close to its outline (meters).
const TOUCH: f64 = 0.6;
/// Stairs or lifts on two levels are one shaft when their centres are this close (meters).
const SHAFT: f64 = 4.0;

/// A venue read from IMDF.
#[derive(Debug, Clone)]
pub struct Venue {
    pub floors: Vec<Floor>,
    pub places: Vec<PointOfInterest>,
    pub walk: WalkGraph,
    /// Each floor's plan, drawn from its units: `(floor id, SVG)`.
    pub plans: Vec<(String, String)>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("IMDF: {0}")]
pub struct ImdfError(pub String);

/// Reads the venue from IMDF feature collections, each given as `(file name, bytes)` (the files
/// of an IMDF archive: `level.geojson`, `unit.geojson`, `opening.geojson`, `amenity.geojson`;
/// others are ignored). `level` and `unit` are required.
pub fn read(files: &[(&str, &[u8])]) -> Result<Venue, ImdfError> {
    let collection = |name: &str| -> Result<Option<Vec<Value>>, ImdfError> {
        let Some((_, bytes)) = files.iter().find(|(n, _)| n.rsplit('/').next() == Some(name)) else { return Ok(None) };
        let v: Value = serde_json::from_slice(bytes).map_err(|e| ImdfError(format!("{name} is not JSON: {e}")))?;
        match v.get("features").and_then(Value::as_array) {
            Some(f) => Ok(Some(f.clone())),
            None => Err(ImdfError(format!("{name} is not a GeoJSON FeatureCollection (no \"features\" list)"))),
        }
    };
    let levels = collection("level.geojson")?.ok_or_else(|| ImdfError("level.geojson is missing".into()))?;
    let units = collection("unit.geojson")?.ok_or_else(|| ImdfError("unit.geojson is missing".into()))?;
    let openings = collection("opening.geojson")?.unwrap_or_default();
    let amenities = collection("amenity.geojson")?.unwrap_or_default();
    let mut warnings = Vec::new();

    // Levels, and the buildings each belongs to.
    struct Level {
        id: String,
        name: String,
        ordinal: i32,
        buildings: Vec<String>,
    }
    let mut lv: Vec<Level> = Vec::new();
    for f in &levels {
        let Some(id) = feature_id(f) else {
            warnings.push("a level without an id was skipped".into());
            continue;
        };
        let p = &f["properties"];
        let ordinal = p["ordinal"].as_i64().and_then(|o| i32::try_from(o).ok()).unwrap_or(0);
        let name = label(&p["name"]).or_else(|| label(&p["short_name"])).unwrap_or_else(|| format!("Level {ordinal}"));
        let buildings = p["building_ids"]
            .as_array()
            .map(|a| a.iter().filter_map(|b| b.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        lv.push(Level { id, name, ordinal, buildings });
    }
    if lv.is_empty() {
        return Err(ImdfError("level.geojson has no levels".into()));
    }
    let level_of = |id: &str| lv.iter().position(|l| l.id == id);

    // Units with their outlines, in lon/lat for now.
    struct Unit {
        id: String,
        level: usize,
        category: String,
        name: Option<String>,
        rings: Vec<Vec<(f64, f64)>>,
        centre: (f64, f64),
    }
    let mut us: Vec<Unit> = Vec::new();
    for f in &units {
        let Some(id) = feature_id(f) else { continue };
        let p = &f["properties"];
        let Some(level) = p["level_id"].as_str().and_then(level_of) else {
            warnings.push(format!("unit {id} names no known level; skipped"));
            continue;
        };
        let rings = polygon_rings(&f["geometry"]);
        if rings.is_empty() {
            warnings.push(format!("unit {id} has no polygon; skipped"));
            continue;
        }
        let centre = point(&p["display_point"]).unwrap_or_else(|| centroid(&rings[0]));
        us.push(Unit {
            id,
            level,
            category: p["category"].as_str().unwrap_or("unspecified").to_string(),
            name: label(&p["name"]),
            rings,
            centre,
        });
    }
    if us.is_empty() {
        return Err(ImdfError("unit.geojson has no units on the levels given".into()));
    }

    // The projection: around the units' middle, y pointing south (down the plan).
    let all: Vec<(f64, f64)> = us.iter().flat_map(|u| u.rings.iter().flatten().copied()).collect();
    let (lon0, lat0) = {
        let n = all.len() as f64;
        (all.iter().map(|p| p.0).sum::<f64>() / n, all.iter().map(|p| p.1).sum::<f64>() / n)
    };
    let kx = 111_320.0 * lat0.to_radians().cos();
    let meters = |(lon, lat): (f64, f64)| ((lon - lon0) * kx, (lat0 - lat) * 110_574.0);
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &p in &all {
        let (x, y) = meters(p);
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    if !(x0.is_finite() && y0.is_finite()) || x1 - x0 > 20_000.0 || y1 - y0 > 20_000.0 {
        return Err(ImdfError("the units span more than 20 km or have no valid coordinates: not one venue".into()));
    }
    let margin = 5.0;
    let plan = |p: (f64, f64)| {
        let (x, y) = meters(p);
        (((x - x0 + margin) * UNITS_PER_METER).round() / 1.0, ((y - y0 + margin) * UNITS_PER_METER).round() / 1.0)
    };
    let width = ((x1 - x0 + 2.0 * margin) * UNITS_PER_METER).ceil() as u32;
    let height = ((y1 - y0 + 2.0 * margin) * UNITS_PER_METER).ceil() as u32;

    let floors: Vec<Floor> = lv
        .iter()
        .map(|l| Floor {
            id: l.id.clone(),
            name: l.name.clone(),
            level: l.ordinal,
            plan_image: format!("{}.svg", l.id),
            width,
            height,
            plan_rev: None,
        })
        .collect();

    // The walk graph: a point in every unit, one at every opening, doors between them.
    let mut points: Vec<WalkPoint> = Vec::new();
    let mut links: Vec<WalkLink> = Vec::new();
    let mut unit_point: HashMap<usize, String> = HashMap::new();
    for (i, u) in us.iter().enumerate() {
        let (x, y) = plan(u.centre);
        let pid = format!("u-{}", u.id);
        points.push(WalkPoint { id: pid.clone(), floor_id: lv[u.level].id.clone(), x, y, poi_id: None });
        unit_point.insert(i, pid);
    }
    // Level, and the two ends of each door on the plan (cut into the walls of the drawing).
    let mut door_lines: Vec<(usize, Point, Point)> = Vec::new();
    for f in &openings {
        let Some(id) = feature_id(f) else { continue };
        let Some(level) = f["properties"]["level_id"].as_str().and_then(level_of) else { continue };
        let line = line_points(&f["geometry"]);
        if line.len() < 2 {
            continue;
        }
        let (a, b) = (meters(line[0]), meters(line[line.len() - 1]));
        let mid_m = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
        let touching: Vec<usize> = us
            .iter()
            .enumerate()
            .filter(|(_, u)| u.level == level)
            .filter(|(_, u)| {
                u.rings.iter().any(|r| {
                    let ring: Vec<(f64, f64)> = r.iter().map(|&p| meters(p)).collect();
                    distance_to_ring(mid_m, &ring) < TOUCH
                })
            })
            .map(|(i, _)| i)
            .collect();
        if touching.is_empty() {
            continue;
        }
        let mid = plan(((line[0].0 + line[line.len() - 1].0) / 2.0, (line[0].1 + line[line.len() - 1].1) / 2.0));
        let pid = format!("o-{id}");
        points.push(WalkPoint { id: pid.clone(), floor_id: lv[level].id.clone(), x: mid.0, y: mid.1, poi_id: None });
        for i in touching {
            links.push(WalkLink {
                from: unit_point[&i].clone(),
                to: pid.clone(),
                kind: LinkKind::Door,
                one_way: false,
            });
        }
        door_lines.push((level, plan(line[0]), plan(line[line.len() - 1])));
    }
    // Shafts: stairs, lifts, escalators over each other on consecutive levels of a building.
    let vertical = |c: &str| match c {
        "stairs" | "steps" => Some(LinkKind::Stairs),
        "elevator" => Some(LinkKind::Lift),
        "escalator" | "movingwalkway" => Some(LinkKind::Escalator),
        "ramp" => Some(LinkKind::Ramp),
        _ => None,
    };
    let mut ordinals: BTreeMap<&str, Vec<i32>> = BTreeMap::new();
    for l in &lv {
        for b in &l.buildings {
            ordinals.entry(b.as_str()).or_default().push(l.ordinal);
        }
    }
    for o in ordinals.values_mut() {
        o.sort_unstable();
        o.dedup();
    }
    let consecutive = |a: &Level, b: &Level| {
        a.buildings.iter().any(|bid| {
            b.buildings.contains(bid)
                && ordinals.get(bid.as_str()).is_some_and(|o| {
                    let (ia, ib) = (o.iter().position(|x| *x == a.ordinal), o.iter().position(|x| *x == b.ordinal));
                    matches!((ia, ib), (Some(x), Some(y)) if x + 1 == y)
                })
        })
    };
    for (i, a) in us.iter().enumerate() {
        let Some(kind) = vertical(&a.category) else { continue };
        for (j, b) in us.iter().enumerate() {
            if i == j || vertical(&b.category) != Some(kind) || !consecutive(&lv[a.level], &lv[b.level]) {
                continue;
            }
            let (pa, pb) = (meters(a.centre), meters(b.centre));
            if ((pa.0 - pb.0).powi(2) + (pa.1 - pb.1).powi(2)).sqrt() < SHAFT {
                links.push(WalkLink { from: unit_point[&i].clone(), to: unit_point[&j].clone(), kind, one_way: false });
            }
        }
    }

    // Places: the units people look for, and the amenities.
    let mut places: Vec<PointOfInterest> = Vec::new();
    for (i, u) in us.iter().enumerate() {
        let Some(kind) = unit_kind(&u.category) else { continue };
        let name = match (&u.name, kind) {
            (Some(n), _) => n.clone(),
            (None, PoiKind::Toilet) => "Toilets".into(),
            (None, PoiKind::Stairs) => "Stairs".into(),
            (None, PoiKind::Lift) => "Lift".into(),
            (None, PoiKind::Food) => "Food".into(),
            // An unnamed classroom is a room nobody can look for.
            (None, _) => continue,
        };
        let (x, y) = plan(u.centre);
        let id = format!("imdf-{}", u.id);
        places.push(PointOfInterest {
            id: id.clone(),
            name,
            kind,
            floor_id: lv[u.level].id.clone(),
            x: x.max(0.0) as u32,
            y: y.max(0.0) as u32,
            description: String::new(),
            room_id: None,
            exhibitor: None,
        });
        if let Some(p) = points.iter_mut().find(|p| p.id == unit_point[&i]) {
            p.poi_id = Some(id);
        }
    }
    for f in &amenities {
        let Some(id) = feature_id(f) else { continue };
        let p = &f["properties"];
        let Some(kind) = p["category"].as_str().and_then(amenity_kind) else { continue };
        // Its level: that of the first unit it is in.
        let Some(unit) = p["unit_ids"]
            .as_array()
            .and_then(|ids| ids.iter().filter_map(Value::as_str).find_map(|uid| us.iter().position(|u| u.id == uid)))
        else {
            continue;
        };
        let Some(at) = point(&f["geometry"]) else { continue };
        let (x, y) = plan(at);
        let pid = format!("imdf-{id}");
        let name = label(&p["name"]).unwrap_or_else(|| p["category"].as_str().unwrap_or("amenity").to_string());
        places.push(PointOfInterest {
            id: pid.clone(),
            name,
            kind,
            floor_id: lv[us[unit].level].id.clone(),
            x: x.max(0.0) as u32,
            y: y.max(0.0) as u32,
            description: String::new(),
            room_id: None,
            exhibitor: None,
        });
        // Its doorstep: a point of its own, in its unit.
        let wid = format!("a-{id}");
        points.push(WalkPoint { id: wid.clone(), floor_id: lv[us[unit].level].id.clone(), x, y, poi_id: Some(pid) });
        links.push(WalkLink { from: wid, to: unit_point[&unit].clone(), kind: LinkKind::Corridor, one_way: false });
    }

    // Only the largest connected part is walkable; the rest is named.
    let (points, links, cut_off) = largest_component(points, links);
    if !cut_off.is_empty() {
        let mut named: Vec<String> = places
            .iter()
            .filter(|p| cut_off.iter().any(|c| c.ends_with(p.id.trim_start_matches("imdf-"))))
            .map(|p| p.name.clone())
            .collect();
        named.sort();
        named.dedup();
        warnings.push(format!(
            "{} walk point(s) are not connected to the rest by any opening and are left out of routes{}",
            cut_off.len(),
            if named.is_empty() { String::new() } else { format!(" (places: {})", named.join(", ")) }
        ));
    }

    let plans = lv
        .iter()
        .enumerate()
        .map(|(li, l)| {
            let mut svg = format!(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\">\n<rect width=\"{width}\" height=\"{height}\" fill=\"#f8fafc\"/>\n"
            );
            for u in us.iter().filter(|u| u.level == li) {
                let fill = match u.category.as_str() {
                    "walkway" | "unspecified" => "#eef2f6",
                    "stairs" | "elevator" | "escalator" | "steps" => "#e2e8f0",
                    "nonpublic" => "#f1f5f9",
                    c if c.starts_with("restroom") => "#dbeafe",
                    _ => "#e0f2fe",
                };
                let d: String = u
                    .rings
                    .iter()
                    .map(|r| {
                        let pts: Vec<String> =
                            r.iter().map(|&p| plan(p)).map(|(x, y)| format!("{x:.0},{y:.0}")).collect();
                        format!("M{}Z", pts.join("L"))
                    })
                    .collect();
                svg.push_str(&format!(
                    "<path d=\"{d}\" fill=\"{fill}\" stroke=\"#334155\" stroke-width=\"2\" fill-rule=\"evenodd\"/>\n"
                ));
            }
            for (_, a, b) in door_lines.iter().filter(|(level, _, _)| *level == li) {
                svg.push_str(&format!(
                    "<line x1=\"{:.0}\" y1=\"{:.0}\" x2=\"{:.0}\" y2=\"{:.0}\" stroke=\"#f8fafc\" stroke-width=\"4\"/>\n",
                    a.0, a.1, b.0, b.1
                ));
            }
            svg.push_str("</svg>\n");
            (l.id.clone(), svg)
        })
        .collect();

    Ok(Venue {
        floors,
        places,
        walk: WalkGraph { id: "venue".into(), meters_per_unit: 1.0 / UNITS_PER_METER, points, links },
        plans,
        warnings,
    })
}

fn unit_kind(category: &str) -> Option<PoiKind> {
    Some(match category {
        "room" | "classroom" | "auditorium" | "conferenceroom" | "laboratory" | "library" | "theater" | "lounge"
        | "privatelounge" | "fieldofplay" => PoiKind::Room,
        c if c.starts_with("restroom") => PoiKind::Toilet,
        "foodservice" => PoiKind::Food,
        "stairs" | "steps" | "escalator" => PoiKind::Stairs,
        "elevator" => PoiKind::Lift,
        "firstaid" => PoiKind::FirstAid,
        _ => return None,
    })
}

fn amenity_kind(category: &str) -> Option<PoiKind> {
    Some(match category {
        c if c.starts_with("restroom") => PoiKind::Toilet,
        "foodservice" | "vendingmachine" | "drinkingfountain" | "restaurant" | "cafe" => PoiKind::Food,
        "stairs" | "escalator" => PoiKind::Stairs,
        "elevator" => PoiKind::Lift,
        "information" | "informationdesk" | "ticketing" => PoiKind::Info,
        "firstaid" | "medical" => PoiKind::FirstAid,
        "meetingpoint" => PoiKind::MeetingPoint,
        "exit" | "entrance" | "emergencyexit" => PoiKind::Exit,
        _ => return None,
    })
}

fn feature_id(f: &Value) -> Option<String> {
    f.get("id").and_then(Value::as_str).filter(|s| !s.is_empty() && s.len() <= 200).map(str::to_string)
}

/// An IMDF label (`{"en": "…", "ru": "…"}`): English, else the first language given.
fn label(v: &Value) -> Option<String> {
    let map = v.as_object()?;
    map.get("en")
        .and_then(Value::as_str)
        .or_else(|| map.values().find_map(Value::as_str))
        .map(|s| s.trim().chars().take(200).collect::<String>())
        .filter(|s| !s.is_empty())
}

fn coord(v: &Value) -> Option<(f64, f64)> {
    let a = v.as_array()?;
    let (x, y) = (a.first()?.as_f64()?, a.get(1)?.as_f64()?);
    ((-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y)).then_some((x, y))
}

fn point(geometry: &Value) -> Option<(f64, f64)> {
    (geometry["type"] == "Point").then(|| coord(&geometry["coordinates"])).flatten()
}

fn line_points(geometry: &Value) -> Vec<(f64, f64)> {
    match geometry["type"].as_str() {
        Some("LineString") => {
            geometry["coordinates"].as_array().map(|a| a.iter().filter_map(coord).collect()).unwrap_or_default()
        }
        _ => Vec::new(),
    }
}

/// The rings of a Polygon, or of a MultiPolygon's polygons (each ring at least a triangle).
fn polygon_rings(geometry: &Value) -> Vec<Vec<(f64, f64)>> {
    let rings_of = |poly: &Value| -> Vec<Vec<(f64, f64)>> {
        poly.as_array()
            .map(|rings| {
                rings
                    .iter()
                    .filter_map(|r| r.as_array().map(|pts| pts.iter().filter_map(coord).collect::<Vec<_>>()))
                    .filter(|r| r.len() >= 3)
                    .collect()
            })
            .unwrap_or_default()
    };
    match geometry["type"].as_str() {
        Some("Polygon") => rings_of(&geometry["coordinates"]),
        Some("MultiPolygon") => {
            geometry["coordinates"].as_array().map(|ps| ps.iter().flat_map(rings_of).collect()).unwrap_or_default()
        }
        _ => Vec::new(),
    }
}

fn centroid(ring: &[(f64, f64)]) -> (f64, f64) {
    let n = ring.len() as f64;
    (ring.iter().map(|p| p.0).sum::<f64>() / n, ring.iter().map(|p| p.1).sum::<f64>() / n)
}

fn distance_to_ring(p: (f64, f64), ring: &[(f64, f64)]) -> f64 {
    ring.windows(2)
        .map(|w| {
            let (a, b) = (w[0], w[1]);
            let (dx, dy) = (b.0 - a.0, b.1 - a.1);
            let len = dx * dx + dy * dy;
            let t = if len == 0.0 { 0.0 } else { (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len).clamp(0.0, 1.0) };
            ((a.0 + t * dx - p.0).powi(2) + (a.1 + t * dy - p.1).powi(2)).sqrt()
        })
        .fold(f64::INFINITY, f64::min)
}

/// Keeps the largest connected part of the graph; answers it and the ids left out.
fn largest_component(points: Vec<WalkPoint>, links: Vec<WalkLink>) -> (Vec<WalkPoint>, Vec<WalkLink>, Vec<String>) {
    let index: HashMap<&str, usize> = points.iter().enumerate().map(|(i, p)| (p.id.as_str(), i)).collect();
    let mut next: Vec<Vec<usize>> = vec![Vec::new(); points.len()];
    for l in &links {
        if let (Some(&a), Some(&b)) = (index.get(l.from.as_str()), index.get(l.to.as_str())) {
            next[a].push(b);
            next[b].push(a);
        }
    }
    let mut part = vec![usize::MAX; points.len()];
    let mut sizes = Vec::new();
    for start in 0..points.len() {
        if part[start] != usize::MAX {
            continue;
        }
        let id = sizes.len();
        let mut stack = vec![start];
        part[start] = id;
        let mut size = 0;
        while let Some(p) = stack.pop() {
            size += 1;
            for &q in &next[p] {
                if part[q] == usize::MAX {
                    part[q] = id;
                    stack.push(q);
                }
            }
        }
        sizes.push(size);
    }
    let Some(best) = (0..sizes.len()).max_by_key(|&i| sizes[i]) else { return (points, links, Vec::new()) };
    let keep: HashSet<String> =
        points.iter().enumerate().filter(|(i, _)| part[*i] == best).map(|(_, p)| p.id.clone()).collect();
    let cut: Vec<String> = points.iter().filter(|p| !keep.contains(&p.id)).map(|p| p.id.clone()).collect();
    let points = points.into_iter().filter(|p| keep.contains(&p.id)).collect();
    let links = links.into_iter().filter(|l| keep.contains(&l.from) && keep.contains(&l.to)).collect();
    (points, links, cut)
}
