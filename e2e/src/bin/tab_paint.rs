//! Benchmark (prints, asserts nothing): a tab tapped → its first screen painted, in the real
//! webview, timed by the page's own clock from the tap to the frame after the content is there.
//! The map (its floor plan loaded and drawn) against the agenda (its session cards) on the same
//! run, cold (first visit) and warm (median of later visits). Run by `cargo xtask measure`,
//! which starts Xvfb and tauri-driver as for the end-to-end tests.

use elements_e2e::*;

/// Taps `nav` and answers the milliseconds until `ready` (a CSS selector) matches and one more
/// frame has been painted.
async fn tap_to_paint(c: &fantoccini::Client, nav: &str, ready: &str) -> f64 {
    let script = r#"
const [nav, ready, done] = arguments;
const t0 = performance.now();
document.querySelector(nav).click();
const check = () => {
  if (document.querySelector(ready)) {
    requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t0)));
  } else if (performance.now() - t0 > 20000) {
    done(-1);
  } else {
    requestAnimationFrame(check);
  }
};
check();"#;
    let v = c.execute_async(script, vec![serde_json::json!(nav), serde_json::json!(ready)]).await.expect("timed tap");
    v.as_f64().unwrap_or(-1.0)
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // Fewer visits with ELEMENTS_BENCH_QUICK (`cargo xtask bench --quick`, as CI runs it).
    let visits: usize = if std::env::var_os("ELEMENTS_BENCH_QUICK").is_some() { 5 } else { 11 };
    with_app(&["--clock", "2027-03-10T10:05:00+01:00", "--window-size", "1280x820"], |c| async move {
        let b = demo();
        wait_for_day(&c, &b, b.manifest.days[0].index).await;
        let (mut map, mut agenda) = (Vec::new(), Vec::new());
        for _ in 0..visits {
            open(&c, "voting").await;
            map.push(tap_to_paint(&c, "[data-testid=nav-map]", "[data-testid=map-canvas][data-painted=true]").await);
            open(&c, "voting").await;
            agenda.push(tap_to_paint(&c, "[data-testid=nav-agenda]", "[data-testid=session-card]").await);
        }
        let (map_cold, agenda_cold) = (map[0], agenda[0]);
        let (map_warm, agenda_warm) = (median(&mut map[1..]), median(&mut agenda[1..]));
        println!("tab tapped → first screen painted (demo event, 1280×820, debug build; the page's clock)");
        println!("  map    cold {map_cold:6.1} ms   warm median of {} {map_warm:6.1} ms", visits - 1);
        println!("  agenda cold {agenda_cold:6.1} ms   warm median of {} {agenda_warm:6.1} ms", visits - 1);
        println!(
            "  ratio map/agenda: cold {:.2}, warm {:.2}  (aim: map < 300 ms)",
            map_cold / agenda_cold.max(0.1),
            map_warm / agenda_warm.max(0.1)
        );
        // For `cargo xtask bench`'s table.
        println!("figure tab_agenda_warm_ms {agenda_warm:.0} ms");
        println!("figure tab_map_warm_ms {map_warm:.0} ms");
        println!("figure tab_agenda_cold_ms {agenda_cold:.0} ms");
    })
    .await;
}
