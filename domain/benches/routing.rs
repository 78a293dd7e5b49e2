//! Prints figures; asserts nothing about speed. Run: `cargo bench -p elements-domain --bench routing`
//!
//! Routes between random points of a generated five-floor venue with 20,000 walk points, with
//! and without step-free, and how long building the router takes.

#[path = "../tests/common/venue.rs"]
mod venue;

use std::time::Instant;

use elements_domain::routing::Router;

fn main() {
    let (n_floors, w, h) = (5, 100, 40);
    let graph = venue::venue(n_floors, w, h);
    let floors = venue::floors(n_floors);
    let t = Instant::now();
    let router = Router::new(&graph, &floors).expect("a valid venue");
    println!(
        "router over {} points and {} links built in {:.1} ms",
        router.len(),
        graph.links.len(),
        t.elapsed().as_secs_f64() * 1000.0
    );
    // A fixed sequence of pairs (splitmix64), so runs compare.
    let mut seed = 0x5eed_u64;
    let mut next = |n: usize| {
        seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) % n as u64) as usize
    };
    for step_free in [false, true] {
        let mut times = Vec::new();
        let mut meters = 0.0;
        for _ in 0..400 {
            let a = venue::point(next(n_floors), next(w), next(h));
            let b = venue::point(next(n_floors), next(w), next(h));
            let t = Instant::now();
            let route = router.route(&a, &b, step_free).expect("connected");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            meters += route.meters;
        }
        times.sort_by(f64::total_cmp);
        let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
        println!(
            "route{} between random points (400): p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms (mean length {:.0} m)",
            if step_free { " step-free" } else { "" },
            at(0.5),
            at(0.95),
            at(1.0),
            meters / 400.0
        );
    }
}
