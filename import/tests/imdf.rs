//! The venue from a real published IMDF archive (the SPbPU main building, see
//! `fixtures/imdf-spbstu/SOURCE.md`): floors, places, a walk graph the router can use across
//! levels, and an SVG plan per floor; damaged files give errors, never panics.

use elements_domain::routing::{Router, StepKind};
use elements_import::imdf;
use elements_protocol::event::PoiKind;

fn sample() -> Vec<(String, Vec<u8>)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/imdf-spbstu");
    ["level", "unit", "opening", "amenity"]
        .iter()
        .map(|n| {
            let name = format!("{n}.geojson");
            let bytes = std::fs::read(format!("{dir}/{name}")).expect("the sample");
            (name, bytes)
        })
        .collect()
}

fn read(files: &[(String, Vec<u8>)]) -> Result<imdf::Venue, imdf::ImdfError> {
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    imdf::read(&refs)
}

#[test]
fn a_published_imdf_venue_becomes_floors_places_and_routes_across_levels() {
    let venue = read(&sample()).expect("the sample reads");
    assert_eq!(venue.floors.len(), 3, "three levels");
    let names: Vec<(&str, i32)> = venue.floors.iter().map(|f| (f.name.as_str(), f.level)).collect();
    assert!(names.contains(&("Level 1", 0)) && names.contains(&("Этаж 3", 2)), "{names:?}");
    let place =
        |name: &str| venue.places.iter().find(|p| p.name == name).unwrap_or_else(|| panic!("{name} is a place"));
    let hall = place("Лекторий 305");
    assert_eq!(hall.kind, PoiKind::Room);
    assert!(venue.places.iter().any(|p| p.kind == PoiKind::Toilet), "toilets");
    assert!(venue.places.iter().any(|p| p.kind == PoiKind::Food), "the vending machines and the canteen");
    assert!(venue.places.iter().filter(|p| p.kind == PoiKind::Stairs).count() >= 10, "the staircases");
    // Every place lies on its floor's plan.
    for p in &venue.places {
        let f = venue.floors.iter().find(|f| f.id == p.floor_id).expect("its floor");
        assert!(
            p.x <= f.width && p.y <= f.height,
            "{} at ({}, {}) off a {}×{} plan",
            p.name,
            p.x,
            p.y,
            f.width,
            f.height
        );
    }
    // The plan is the building's own size: tens of meters, in decimetres.
    let f = &venue.floors[0];
    assert!((500..5000).contains(&f.width) && (500..5000).contains(&f.height), "{}×{}", f.width, f.height);

    // The graph routes: from a lecture hall on level 3 down to a room on level 1, by the stairs.
    let router = Router::new(&venue.walk, &venue.floors).expect("a valid graph");
    let doorstep =
        |poi: &str| venue.walk.points.iter().find(|p| p.poi_id.as_deref() == Some(poi)).map(|p| p.id.clone());
    let upstairs = doorstep(&hall.id).expect("the hall is connected");
    let downstairs = venue
        .places
        .iter()
        .filter(|p| p.kind == PoiKind::Room && p.floor_id != hall.floor_id)
        .find_map(|p| doorstep(&p.id))
        .expect("a connected room on another level");
    let route = router.route(&upstairs, &downstairs, false).expect("a route between levels");
    assert!(route.steps.iter().any(|s| s.kind == StepKind::Stairs), "{:?}", route.steps);
    assert!((5.0..2000.0).contains(&route.meters), "{} m", route.meters);
    assert!(router.cut_off_from(&upstairs, false).is_empty(), "what is kept is one connected venue");
    // The event validator accepts what the importer made.
    let mut bundle: elements_protocol::event::EventBundle =
        serde_json::from_str(include_str!("../../assets/demo-event/event.json")).expect("an event");
    bundle.floors = venue.floors.clone();
    bundle.points_of_interest = venue.places.clone();
    bundle.walk = venue.walk.clone();
    bundle.quests.clear();
    bundle.scenarios.clear();
    // The demo's goals name its own booths, which this venue does not have.
    bundle.manifest.goals.clear();
    bundle.rooms.iter_mut().for_each(|r| r.floor_id = None);
    if let Err(e) = elements_domain::validate(&bundle) {
        panic!("the imported venue validates: {e:?}");
    }

    // One SVG per floor, drawn from its units, with the doors cut into the walls.
    assert_eq!(venue.plans.len(), 3);
    let (_, svg) = venue.plans.iter().find(|(id, _)| *id == hall.floor_id).expect("its plan");
    assert!(svg.starts_with("<svg") && svg.matches("<path").count() > 20 && svg.contains("<line"), "{}", &svg[..200]);
}

#[test]
fn missing_or_broken_files_are_named() {
    let files = sample();
    let without = |name: &str| files.iter().filter(|(n, _)| n != name).cloned().collect::<Vec<_>>();
    assert!(read(&without("level.geojson")).expect_err("no levels").to_string().contains("level.geojson"));
    assert!(read(&without("unit.geojson")).expect_err("no units").to_string().contains("unit.geojson"));
    read(&without("opening.geojson")).expect("openings are optional (no routes between units then)");
    let mut broken = files.clone();
    broken[1].1 = b"{\"type\": \"FeatureCollection\"}".to_vec();
    assert!(read(&broken).expect_err("no features").to_string().contains("FeatureCollection"));
    broken[1].1 = b"<kml/>".to_vec();
    assert!(read(&broken).expect_err("not JSON").to_string().contains("unit.geojson is not JSON"));
}

/// Property: the real files with bytes flipped, cut short or with numbers changed read as a
/// venue or an error, never a panic.
#[test]
fn damaged_imdf_files_never_panic() {
    let files = sample();
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..150 {
        let mut damaged = files.clone();
        let which = (next() % damaged.len() as u64) as usize;
        let bytes = &mut damaged[which].1;
        if bytes.is_empty() {
            continue;
        }
        const JSONISH: &[u8] = b"0123456789-.e,[]{}\"null";
        match next() % 3 {
            0 => {
                let cut = (next() % bytes.len() as u64) as usize;
                bytes.truncate(cut);
            }
            1 => {
                for _ in 0..1 + next() % 20 {
                    let i = (next() % bytes.len() as u64) as usize;
                    bytes[i] = JSONISH[(next() % JSONISH.len() as u64) as usize];
                }
            }
            _ => {
                let text = String::from_utf8_lossy(bytes).replace("60.00", "-1e308").replace("30.37", "NaN");
                *bytes = text.into_bytes();
            }
        }
        let _ = read(&damaged);
    }
}
