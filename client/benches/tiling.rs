//! Benchmark (prints, asserts nothing): a 10,000 × 7,000 PNG floor plan, as a CAD export gives
//! it, cut into its tile pyramid (`plans::prepare`) and stored in a cache on disk. Prints the
//! time and the peak heap the cutting takes, counted by a global allocator, and the process's
//! peak resident memory. `cargo bench -p elements-client --bench tiling`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

use image::ImageEncoder;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Relaxed) + by;
    PEAK.fetch_max(now, Relaxed);
}

// SAFETY: every call is forwarded to the system allocator unchanged; only sizes are counted.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size > layout.size() {
                grew(new_size - layout.size());
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const MIB: f64 = 1024.0 * 1024.0;

/// A plan like a CAD export: white, walls every few metres, rooms, a corridor, fine print.
fn plan(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let wall = x % 400 < 8 || y % 350 < 8;
        let corridor = (3000..3300).contains(&y);
        let print = (x / 3) % 7 == 0 && (y % 350) > 20 && (y % 350) < 34 && (x % 400) < 200;
        if wall && !corridor {
            image::Rgb([51, 65, 85])
        } else if print {
            image::Rgb([100, 116, 139])
        } else if corridor {
            image::Rgb([238, 242, 246])
        } else {
            image::Rgb([255, 255, 255])
        }
    });
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
        .expect("encode");
    out
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let (w, h) = (10_000, 7_000);
    let made = Instant::now();
    let bytes = plan(w, h);
    println!(
        "plan: {w} × {h} PNG, {:.1} MiB (made in {:.1} s)",
        bytes.len() as f64 / MIB,
        made.elapsed().as_secs_f64()
    );
    let dir = tempfile::tempdir().expect("temp dir");
    for run in 1..=3 {
        let before = LIVE.load(Relaxed);
        PEAK.store(before, Relaxed);
        let started = Instant::now();
        let prepared = elements_client::plans::prepare(&bytes).expect("a plan");
        let cut = started.elapsed();
        let peak = PEAK.load(Relaxed) - before;
        let elements_client::plans::PreparedPlan::Tiles(pyramid, tiles) = &prepared else { panic!("a raster plan") };
        let tile_bytes: usize = tiles.iter().map(|t| t.png.len()).sum();
        let mut cache =
            elements_client::cache::Cache::open(&dir.path().join(format!("cache-{run}.sqlite3"))).expect("cache").cache;
        let stored = Instant::now();
        cache.store_prepared_plan("floor-0", "r1", &prepared).expect("stored");
        let stored = stored.elapsed();
        println!(
            "run {run}: cut into {} tiles over {} levels ({:.1} MiB of PNG) in {:.2} s, peak heap {:.0} MiB above the file; stored in SQLite in {:.2} s",
            tiles.len(),
            pyramid.levels,
            tile_bytes as f64 / MIB,
            cut.as_secs_f64(),
            peak as f64 / MIB,
            stored.as_secs_f64()
        );
    }
    println!("process peak resident memory: {:.0} MiB (VmHWM)", peak_rss_kib() as f64 / 1024.0);
}
