//! A generated venue for routing tests and the routing benchmark: `floors` floors, each a
//! `w` × `h` grid of corridor junctions 5 m apart (doors here and there), joined by stairs,
//! escalators (one-way, up and down side by side), lifts and one ramp between floors 0 and 1.
#![allow(dead_code)]

use elements_protocol::event::Floor;
use elements_protocol::venue::{LinkKind, WalkGraph, WalkLink, WalkPoint};

pub fn floors(n: usize) -> Vec<Floor> {
    (0..n)
        .map(|i| Floor {
            id: format!("f{i}"),
            name: format!("Floor {i}"),
            level: i as i32,
            plan_image: String::new(),
            plan_rev: None,
            width: 10_000,
            height: 10_000,
        })
        .collect()
}

pub fn point(f: usize, x: usize, y: usize) -> String {
    format!("f{f}-{x}-{y}")
}

pub fn venue(n_floors: usize, w: usize, h: usize) -> WalkGraph {
    let mut g = WalkGraph { id: "venue".into(), meters_per_unit: 0.05, points: Vec::new(), links: Vec::new() };
    let link = |from: String, to: String, kind: LinkKind, one_way: bool| WalkLink { from, to, kind, one_way };
    for f in 0..n_floors {
        for y in 0..h {
            for x in 0..w {
                g.points.push(WalkPoint {
                    id: point(f, x, y),
                    floor_id: format!("f{f}"),
                    x: x as f64 * 100.0,
                    y: y as f64 * 100.0,
                    poi_id: None,
                });
                let kind = if (x + y) % 7 == 0 { LinkKind::Door } else { LinkKind::Corridor };
                if x + 1 < w {
                    g.links.push(link(point(f, x, y), point(f, x + 1, y), kind, false));
                }
                if y + 1 < h {
                    g.links.push(link(point(f, x, y), point(f, x, y + 1), kind, false));
                }
            }
        }
    }
    for f in 0..n_floors.saturating_sub(1) {
        // Stairs at both ends, a lift in the middle, escalators up and down near a quarter.
        g.links.push(link(point(f, 0, 0), point(f + 1, 0, 0), LinkKind::Stairs, false));
        g.links.push(link(point(f, w - 1, h - 1), point(f + 1, w - 1, h - 1), LinkKind::Stairs, false));
        g.links.push(link(point(f, w / 2, h / 2), point(f + 1, w / 2, h / 2), LinkKind::Lift, false));
        g.links.push(link(point(f, w / 4, h / 4), point(f + 1, w / 4, h / 4), LinkKind::Escalator, true));
        g.links.push(link(point(f + 1, w / 4 + 1, h / 4), point(f, w / 4 + 1, h / 4), LinkKind::Escalator, true));
    }
    g
}
