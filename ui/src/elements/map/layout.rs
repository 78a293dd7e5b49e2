//! The map's geometry, with no browser in it (tested on the host): the viewport's transform,
//! which tiles of a raster plan to draw, and where labels go without colliding.

use std::collections::HashMap;

use elements_protocol::app::PlaceView;
use elements_protocol::event::PoiKind;

/// Plan units to screen pixels: `screen = plan * s + t`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    pub tx: f64,
    pub ty: f64,
    pub s: f64,
}

impl Viewport {
    /// The whole floor, centred, with a margin.
    pub fn fit(size: (f64, f64), w: f64, h: f64) -> Viewport {
        let s = (size.0 / w).min(size.1 / h) * 0.94;
        Viewport { tx: (size.0 - w * s) / 2.0, ty: (size.1 - h * s) / 2.0, s }
    }

    /// Zoomed by `factor` about the screen point `(px, py)`, within `[min, max]`.
    pub fn zoom(self, factor: f64, px: f64, py: f64, min: f64, max: f64) -> Viewport {
        let s = (self.s * factor).clamp(min, max);
        let k = s / self.s;
        Viewport { tx: px - (px - self.tx) * k, ty: py - (py - self.ty) * k, s }
    }

    pub fn to_screen(self, x: f64, y: f64) -> (f64, f64) {
        (x * self.s + self.tx, y * self.s + self.ty)
    }

    pub fn to_plan(self, x: f64, y: f64) -> (f64, f64) {
        ((x - self.tx) / self.s, (y - self.ty) / self.s)
    }
}

/// The smallest level whose pixels are at least as fine as the screen's, and the tiles of it in
/// view.
#[derive(Clone)]
pub struct TilePyramid {
    pub template: String,
    pub levels: u32,
    pub tile: u32,
    pub width: u32,
    pub height: u32,
    /// The floor's width in plan units (the pixels' scale).
    pub plan_w: u32,
}

impl TilePyramid {
    /// Plan units per pixel of level `z`.
    pub fn units_per_pixel(&self, z: u32) -> f64 {
        let k = f64::from(self.plan_w) / f64::from(self.width.max(1));
        k * f64::from(1u32 << (self.levels - 1 - z).min(30))
    }

    pub fn level_size(&self, z: u32) -> (u32, u32) {
        let d = 1u32 << (self.levels - 1 - z).min(30);
        (self.width.div_ceil(d), self.height.div_ceil(d))
    }

    /// The tiles to draw for the view `v` of a stage `size` on a display of `ratio` device
    /// pixels per CSS pixel, as (level, column, row); none at level 0 (the backdrop is level 0).
    pub fn visible(&self, v: Viewport, size: (f64, f64), ratio: f64) -> Vec<(u32, u32, u32)> {
        let ratio = ratio.max(1.0);
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
}

/// Which places get a label, and on which side (`true`: left of the marker): most important
/// first (the selected place, then rooms, …), each where it covers no other label and no other
/// marker, right of its marker unless that runs under the floor switch and zoom buttons (62 px
/// at the right edge); a label that fits nowhere is left out, except the selected place's.
pub fn place_labels(
    markers: &[PlaceView],
    v: Viewport,
    size: (f64, f64),
    selected: Option<&str>,
) -> HashMap<String, bool> {
    let mut order: Vec<&PlaceView> = markers.iter().collect();
    order.sort_by_key(|p| (Some(p.id.as_str()) != selected, label_rank(p.kind)));
    let mut boxes: Vec<(f64, f64, f64, f64)> = Vec::new();
    let mut shown: HashMap<String, bool> = HashMap::new();
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
        let right_fits = right.2 < size.0 - 62.0;
        let choice = if right_fits && free(&right) {
            Some((right, false))
        } else if left.0 > 4.0 && left.2 < size.0 - 62.0 && free(&left) {
            Some((left, true))
        } else if Some(p.id.as_str()) == selected {
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
}

/// Which labels win a collision: rooms first, then what people look for.
fn label_rank(k: PoiKind) -> u8 {
    match k {
        PoiKind::Room => 0,
        PoiKind::Info | PoiKind::Exit | PoiKind::Lift => 1,
        PoiKind::Food | PoiKind::Toilet | PoiKind::FirstAid => 2,
        PoiKind::Booth => 3,
        PoiKind::MeetingPoint | PoiKind::Stairs => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(id: &str, x: f64, y: f64, kind: PoiKind) -> PlaceView {
        PlaceView { id: id.into(), name: format!("Place {id}"), kind, floor_id: "f0".into(), x, y }
    }

    #[test]
    fn the_viewport_fits_the_floor_and_zooms_about_the_pointer() {
        let v = Viewport::fit((400.0, 300.0), 1000.0, 500.0);
        // The floor's middle is the stage's middle.
        let (cx, cy) = v.to_screen(500.0, 250.0);
        assert!((cx - 200.0).abs() < 1e-9 && (cy - 150.0).abs() < 1e-9, "{cx} {cy}");
        // Plan to screen and back.
        let (px, py) = v.to_plan(v.to_screen(123.0, 45.0).0, v.to_screen(123.0, 45.0).1);
        assert!((px - 123.0).abs() < 1e-9 && (py - 45.0).abs() < 1e-9);
        // What is under the pointer stays under it; the scale stays within its bounds.
        let under = v.to_plan(80.0, 60.0);
        let z = v.zoom(2.0, 80.0, 60.0, 0.1, 10.0);
        let after = z.to_screen(under.0, under.1);
        assert!((after.0 - 80.0).abs() < 1e-9 && (after.1 - 60.0).abs() < 1e-9);
        assert_eq!(v.zoom(1e6, 0.0, 0.0, 0.1, 3.0).s, 3.0);
    }

    #[test]
    fn tiles_come_from_the_level_the_zoom_needs_and_only_those_in_view() {
        // A 8192 × 4096 pixel plan of a 1000-unit-wide floor, 4 levels of 256-pixel tiles.
        let p = TilePyramid { template: String::new(), levels: 4, tile: 256, width: 8192, height: 4096, plan_w: 1000 };
        let fit = Viewport::fit((400.0, 300.0), 1000.0, 500.0);
        assert!(p.visible(fit, (400.0, 300.0), 1.0).is_empty(), "the whole floor: the backdrop (level 0) is enough");
        // Zoomed far in: the finest level, a handful of tiles, each within the level's grid.
        let near = Viewport { tx: -3000.0, ty: -1000.0, s: 8.0 };
        let tiles = p.visible(near, (400.0, 300.0), 1.0);
        assert!(!tiles.is_empty() && tiles.len() <= 9, "{tiles:?}");
        assert!(tiles.iter().all(|(z, x, y)| *z == 3 && *x < 32 && *y < 16), "{tiles:?}");
        // A denser display needs a finer level at the same zoom.
        let mid = Viewport { tx: 0.0, ty: 0.0, s: 1.2 };
        let z1 = p.visible(mid, (400.0, 300.0), 1.0).first().map(|t| t.0);
        let z2 = p.visible(mid, (400.0, 300.0), 3.0).first().map(|t| t.0);
        assert!(z2 > z1, "{z1:?} then {z2:?}");
    }

    /// The box a shown label takes (as `place_labels` lays it out).
    fn label_box(p: &PlaceView, v: Viewport, left: bool) -> (f64, f64, f64, f64) {
        let (x, y) = v.to_screen(p.x, p.y);
        let w = 7.4 * p.name.chars().count() as f64 + 8.0;
        if left {
            (x - 18.0 - w, y - 10.0, x - 14.0, y + 10.0)
        } else {
            (x + 14.0, y - 10.0, x + 18.0 + w, y + 10.0)
        }
    }

    #[test]
    fn labels_never_collide_and_the_selected_place_always_has_one() {
        let v = Viewport { tx: 0.0, ty: 0.0, s: 1.0 };
        let size = (400.0, 300.0);
        // A crowd of places almost on top of each other, and one alone.
        let mut places: Vec<PlaceView> = (0..12)
            .map(|i| {
                place(&format!("p{i}"), 60.0 + 9.0 * f64::from(i % 4), 80.0 + 7.0 * f64::from(i / 4), PoiKind::Booth)
            })
            .collect();
        places.push(place("alone", 150.0, 250.0, PoiKind::Toilet));
        for selected in [None, Some("p5")] {
            let shown = place_labels(&places, v, size, selected);
            let boxes: Vec<(&str, (f64, f64, f64, f64))> = places
                .iter()
                .filter_map(|p| shown.get(&p.id).map(|left| (p.id.as_str(), label_box(p, v, *left))))
                .collect();
            for (i, (a, x)) in boxes.iter().enumerate() {
                for (b, y) in &boxes[i + 1..] {
                    let overlap = x.0 < y.2 && y.0 < x.2 && x.1 < y.3 && y.1 < x.3;
                    // Only the selected place may be forced onto another label.
                    assert!(!overlap || selected == Some(*a) || selected == Some(*b), "{a} and {b} collide");
                }
            }
            assert!(shown.len() < places.len(), "crowded labels are left out: {shown:?}");
            assert_eq!(shown.get("alone"), Some(&false), "a place alone is labelled on its right");
            if let Some(id) = selected {
                assert!(shown.contains_key(id), "the selected place is labelled: {shown:?}");
            }
        }
        // Near the right edge a label goes left, clear of the buttons there.
        let edge = vec![place("e", 330.0, 150.0, PoiKind::Info)];
        assert_eq!(place_labels(&edge, v, size, None).get("e"), Some(&true));
    }
}
