//! `cargo xtask bench [--quick]`: every benchmark and the start-up measure, one table of figures
//! against the aims the issues set, written also as JSON (`target/bench/figures.json`) for the
//! next run to compare with. `--quick` (what CI runs after the tests) does fewer repetitions; it
//! asserts nothing, it puts the table in every CI log so a regression is seen the day it lands.
//!
//! A benchmark reports a headline figure by printing a line `figure KEY VALUE UNIT` (its other
//! lines are for people); [`AIMS`] says what each key means and what it should reach.

use std::path::PathBuf;

use crate::shell::{self, run_tee, Cmd};
use crate::{root, setup, step, target_dir};

/// One figure a benchmark printed.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub key: String,
    pub value: f64,
    pub unit: String,
}

#[derive(Debug, Clone, Copy)]
enum Goal {
    AtMost(f64),
    AtLeast(f64),
    /// Shown for context (an absolute time): the ratio next to it is what is aimed at.
    Context,
}

struct Aim {
    key: &'static str,
    what: &'static str,
    goal: Goal,
}

/// The figures in the order of the table, with what they mean and the aim of issue 21.
const AIMS: &[Aim] = &[
    Aim {
        key: "startup_vs_floor", what: "launch → agenda painted, vs an empty Tauri window", goal: Goal::AtMost(1.3)
    },
    Aim { key: "startup_ms", what: "launch → agenda painted", goal: Goal::Context },
    Aim {
        key: "startup_again_vs_floor",
        what: "launched again → first screen painted, vs the floor",
        goal: Goal::AtMost(1.3),
    },
    Aim { key: "startup_again_ms", what: "launched again → first screen painted", goal: Goal::Context },
    Aim { key: "pss_vs_floor", what: "memory with WebKit's processes (PSS), vs the floor", goal: Goal::AtMost(1.3) },
    Aim { key: "rss_vs_floor", what: "the app's own memory (RSS), vs the floor", goal: Goal::AtMost(1.2) },
    Aim { key: "wasm_gzip_bytes", what: "UI wasm, gzip -9", goal: Goal::AtMost(250_000.0) },
    Aim { key: "wasm_raw_bytes", what: "UI wasm, raw", goal: Goal::Context },
    Aim {
        key: "tab_agenda_warm_ms", what: "agenda tab tapped → painted, warm (debug app)", goal: Goal::AtMost(300.0)
    },
    Aim {
        key: "tab_agenda_cold_ms",
        what: "agenda tab tapped → painted, first visit (debug app)",
        goal: Goal::Context,
    },
    Aim {
        key: "tab_map_warm_ms", what: "map tab tapped → floor painted, warm (debug app)", goal: Goal::AtMost(300.0)
    },
    Aim {
        key: "first_sync_vs_raw_sqlite",
        what: "first sync of 22,632 entities, vs raw rusqlite",
        goal: Goal::AtLeast(0.8),
    },
    Aim { key: "first_sync_ms", what: "first sync of 22,632 entities", goal: Goal::Context },
    Aim { key: "intake_vs_hello_world", what: "signal intake, vs axum hello-world", goal: Goal::AtLeast(0.5) },
    Aim {
        key: "intake_200_rules_vs_default",
        what: "intake with 200 rules, vs default rules",
        goal: Goal::AtLeast(0.8),
    },
    Aim { key: "intake_per_second", what: "signal intake, one vote per request", goal: Goal::Context },
    Aim { key: "intake_https_vs_http", what: "intake over HTTPS, vs plain HTTP", goal: Goal::Context },
    Aim { key: "directory_search_p95_ms", what: "directory search p95, 20,000 profiles", goal: Goal::AtMost(2.0) },
    Aim { key: "roster_import_20k_ms", what: "roster of 20,000 (pretix CSV) read and imported", goal: Goal::Context },
    Aim { key: "roster_import_20k_peak_mib", what: "roster import of 20,000: peak memory", goal: Goal::Context },
    Aim { key: "report_day_ms", what: "analytics report over a day of 2,000 attendees", goal: Goal::Context },
    Aim {
        key: "capacity_sqlite_1_instance", what: "votes/s at p99 ≤ 250 ms, SQLite, 1 instance", goal: Goal::Context
    },
    Aim {
        key: "capacity_postgres_1_instance",
        what: "votes/s at p99 ≤ 250 ms, PostgreSQL, 1 instance",
        goal: Goal::Context,
    },
    Aim {
        key: "capacity_postgres_3_instances",
        what: "votes/s at p99 ≤ 250 ms, PostgreSQL, 3 instances",
        goal: Goal::Context,
    },
    Aim { key: "refreshes_sqlite_1_instance", what: "idle refreshes (304) per second, SQLite", goal: Goal::Context },
    Aim {
        key: "refreshes_postgres_3_instances",
        what: "idle refreshes (304) per second, 3 instances",
        goal: Goal::Context,
    },
];

/// The `figure KEY VALUE UNIT` lines of a benchmark's output.
pub fn parse(output: &str) -> Vec<Figure> {
    output
        .lines()
        .filter_map(|line| {
            let mut words = line.strip_prefix("figure ")?.split_whitespace();
            let key = words.next()?.to_string();
            let value = words.next()?.parse().ok()?;
            let unit = words.next().unwrap_or("").to_string();
            Some(Figure { key, value, unit })
        })
        .collect()
}

fn met(goal: Goal, value: f64) -> &'static str {
    match goal {
        Goal::AtMost(aim) if value <= aim => "yes",
        Goal::AtLeast(aim) if value >= aim => "yes",
        Goal::Context => "",
        _ => "NO",
    }
}

fn aim_text(goal: Goal) -> String {
    match goal {
        Goal::AtMost(a) => format!("≤ {a}"),
        Goal::AtLeast(a) => format!("≥ {a}"),
        Goal::Context => String::new(),
    }
}

/// The table, in [`AIMS`] order, then any figure no aim names.
pub fn table(figures: &[Figure]) -> String {
    let mut out = format!("{:<58} {:>12} {:<4} {:>10} {:>4}\n", "figure", "value", "", "aim", "met");
    let row = |what: &str, f: &Figure, goal: Goal| {
        format!("{what:<58} {:>12} {:<4} {:>10} {:>4}\n", trim(f.value), f.unit, aim_text(goal), met(goal, f.value))
    };
    for aim in AIMS {
        if let Some(f) = figures.iter().find(|f| f.key == aim.key) {
            out.push_str(&row(aim.what, f, aim.goal));
        }
    }
    for f in figures.iter().filter(|f| AIMS.iter().all(|a| a.key != f.key)) {
        out.push_str(&row(&f.key, f, Goal::Context));
    }
    out
}

fn trim(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `{"quick": …, "commit": …, "figures": [{"key", "value", "unit", "aim", "met"}]}`.
pub fn json(figures: &[Figure], quick: bool, commit: &str) -> String {
    let rows: Vec<String> = figures
        .iter()
        .map(|f| {
            let goal = AIMS.iter().find(|a| a.key == f.key).map_or(Goal::Context, |a| a.goal);
            let value = if f.value.is_finite() { f.value.to_string() } else { "null".into() };
            format!(
                "    {{\"key\": {}, \"value\": {value}, \"unit\": {}, \"aim\": {}, \"met\": {}}}",
                json_string(&f.key),
                json_string(&f.unit),
                json_string(&aim_text(goal)),
                match met(goal, f.value) {
                    "yes" => "true",
                    "NO" => "false",
                    _ => "null",
                }
            )
        })
        .collect();
    format!(
        "{{\n  \"quick\": {quick},\n  \"commit\": {},\n  \"figures\": [\n{}\n  ]\n}}\n",
        json_string(commit),
        rows.join(",\n")
    )
}

/// The UI's size as shipped (`ui/dist`, built by the caller).
pub fn wasm_size() -> Result<Vec<Figure>, String> {
    let wasm = root().join("ui/dist/ui_bg.wasm");
    let raw = std::fs::metadata(&wasm).map_err(|e| format!("{}: {e}", wasm.display()))?.len();
    let gz = shell::gzip_size(&wasm)?;
    println!("ui wasm: {raw} bytes raw, {gz} bytes gzipped (gzip -9)  [{}]", wasm.display());
    let js = std::fs::metadata(root().join("ui/dist/ui.js")).map(|m| m.len()).unwrap_or(0);
    println!("ui js glue: {js} bytes raw");
    Ok(vec![
        Figure { key: "wasm_gzip_bytes".into(), value: gz as f64, unit: "B".into() },
        Figure { key: "wasm_raw_bytes".into(), value: raw as f64, unit: "B".into() },
    ])
}

/// Launch → agenda painted and memory, the app against the floor (an empty Tauri window),
/// alternated `runs` times; medians.
pub fn startup(release: bool, runs: usize) -> Result<Vec<Figure>, String> {
    let app = crate::build_app_profile(release)?;
    let floor = crate::build_floor(release)?;
    println!("app build: {}", if release { "release" } else { "debug (pass --release for shipping figures)" });
    step("launch → first screen painted, and memory (the app against an empty Tauri window)");
    let xvfb = shell::Xvfb::start(78, "1920x1080x24")?;
    let display = format!(":{}", xvfb.display);
    // Alternated, so both meet the same machine state (caches, other load).
    let (mut app_runs, mut floor_runs, mut again) = (Vec::new(), Vec::new(), Vec::new());
    for run_no in 1..=runs {
        for (name, binary, list) in [("app", &app, &mut app_runs), ("floor", &floor, &mut floor_runs)] {
            let data = crate::tempdir("measure")?;
            let m = shell::launch_and_wait_ready(binary, &data, &display)?;
            if name == "app" {
                // The launches after the first: the first screen saved by the last one.
                let next = shell::launch_and_wait_ready(binary, &data, &display)?;
                println!(
                    "launch {run_no} app again: first screen from last time painted {} ms after launch, the UI's own {} ms",
                    next.first_screen_ms.map_or("(none)".to_string(), |ms| ms.to_string()),
                    next.app_reported_ms
                );
                again.push(next.first_screen_ms.unwrap_or(next.app_reported_ms));
            }
            println!(
                "launch {run_no} {name:5}: first screen painted {} ms after launch by its own clock ({} ms by this process's); \
                 {} MiB RSS; with its {} WebKit processes {} MiB PSS",
                m.app_reported_ms,
                m.wall_ms,
                m.app_rss_kib / 1024,
                m.processes - 1,
                m.total_pss_kib / 1024
            );
            list.push(m);
            let _ = std::fs::remove_dir_all(&data);
        }
    }
    drop(xvfb);
    let median = |list: &[shell::Launch], f: fn(&shell::Launch) -> u64| {
        let mut v: Vec<u64> = list.iter().map(f).collect();
        v.sort_unstable();
        v[v.len() / 2]
    };
    println!("\nmedians of {runs} (the app: agenda on screen, fresh cache; the floor: an empty Tauri window of the same Tauri version)");
    let mut figures = Vec::new();
    for (what, key, f, unit) in [
        (
            "launch to first paint",
            "startup",
            (|m: &shell::Launch| m.app_reported_ms) as fn(&shell::Launch) -> u64,
            "ms",
        ),
        ("resident memory (RSS)", "rss", |m: &shell::Launch| m.app_rss_kib / 1024, "MiB"),
        ("with WebKit processes (PSS)", "pss", |m: &shell::Launch| m.total_pss_kib / 1024, "MiB"),
    ] {
        let (a, b) = (median(&app_runs, f), median(&floor_runs, f));
        let ratio = a as f64 / b.max(1) as f64;
        println!("  {what:28} app {a:5} {unit}   floor {b:5} {unit}   ratio {ratio:.2}");
        figures.push(Figure {
            key: format!("{key}_vs_floor"),
            value: (ratio * 100.0).round() / 100.0,
            unit: "x".into(),
        });
        if key == "startup" {
            figures.push(Figure { key: "startup_ms".into(), value: a as f64, unit: "ms".into() });
            again.sort_unstable();
            let a = again[again.len() / 2];
            let ratio = a as f64 / b.max(1) as f64;
            println!("  {:28} app {a:5} {unit}   floor {b:5} {unit}   ratio {ratio:.2}", "launched again, first paint");
            figures.push(Figure {
                key: "startup_again_vs_floor".into(),
                value: (ratio * 100.0).round() / 100.0,
                unit: "x".into(),
            });
            figures.push(Figure { key: "startup_again_ms".into(), value: a as f64, unit: "ms".into() });
        }
    }
    Ok(figures)
}

/// Tab tapped → first screen painted, in the real webview driven like the e2e tests (the
/// debug app binary, as they use it).
pub fn tabs(tools: &setup::Tools) -> Result<Vec<Figure>, String> {
    step("tab tapped → first screen painted (map against agenda)");
    crate::shell::run(Cmd::new("cargo").args(["test", "--locked", "-p", "elements-app", "--no-run"]))?;
    let (_, out) = crate::with_webdriver(
        tools,
        &target_dir().join("debug/elements"),
        &["run", "--locked", "-q", "-p", "elements-e2e", "--bin", "tab_paint"],
    )?;
    Ok(parse(&out))
}

/// The cargo benchmarks (release builds), each printing its `figure` lines.
fn cargo_benches(quick: bool) -> Result<Vec<Figure>, String> {
    let mut figures = Vec::new();
    for (package, benches) in [
        ("elements-client", &["first_sync", "people"][..]),
        ("elements-backend", &["intake", "roster", "report", "capacity"][..]),
    ] {
        step(&format!("benchmarks of {package}: {}", benches.join(", ")));
        let mut cargo = Cmd::new("cargo");
        cargo.args(["bench", "--locked", "-p", package]);
        for b in benches {
            cargo.args(["--bench", b]);
        }
        if quick {
            cargo.env("ELEMENTS_BENCH_QUICK", "1");
        }
        figures.extend(parse(&run_tee(cargo)?));
    }
    Ok(figures)
}

/// Prints the table and writes it as JSON; answers the JSON file.
pub fn report(figures: &[Figure], quick: bool) -> Result<PathBuf, String> {
    let commit = shell::output(Cmd::new("git").arg("-C").arg(root()).args(["rev-parse", "--short", "HEAD"]))
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    let dir = target_dir().join("bench");
    std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let file = dir.join(if quick { "figures-quick.json" } else { "figures.json" });
    std::fs::write(&file, json(figures, quick, &commit)).map_err(|e| format!("writing {}: {e}", file.display()))?;
    println!(
        "\n{} at {commit} ({}; written to {}):\n{}",
        if quick { "figures, quick mode" } else { "figures" },
        if quick { "fewer repetitions, debug app for start-up" } else { "release app for start-up" },
        file.display(),
        table(figures)
    );
    Ok(file)
}

pub fn cmd_bench(quick: bool) -> Result<(), String> {
    let tools = setup::ensure(&setup::Needs { test_tools: true })?;
    crate::build_ui(&tools)?;
    all(&tools, quick)
}

/// Every figure, with the UI already built.
pub fn all(tools: &setup::Tools, quick: bool) -> Result<(), String> {
    let mut figures = wasm_size()?;
    figures.extend(cargo_benches(quick)?);
    // The release app takes long to build on 2 cores: quick mode measures the debug app the
    // tests built (its ratio to the debug floor).
    figures.extend(startup(!quick, if quick { 3 } else { 5 })?);
    figures.extend(tabs(tools)?);
    report(&figures, quick)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_read_from_a_benchmarks_output_and_judged_against_their_aims() {
        let out = "run 1: first sync …\nfigure first_sync_vs_raw_sqlite 0.21 x\nfigure: not one\nfigure bad NaNx\n\
                   figure directory_search_p95_ms 1.5 ms\nfigure something_new 3\n";
        let figures = parse(out);
        assert_eq!(
            figures,
            vec![
                Figure { key: "first_sync_vs_raw_sqlite".into(), value: 0.21, unit: "x".into() },
                Figure { key: "directory_search_p95_ms".into(), value: 1.5, unit: "ms".into() },
                Figure { key: "something_new".into(), value: 3.0, unit: "".into() },
            ]
        );
        let table = table(&figures);
        let lines: Vec<&str> = table.lines().collect();
        assert!(
            lines[1].starts_with("first sync of 22,632 entities, vs raw rusqlite") && lines[1].ends_with("NO"),
            "{table}"
        );
        assert!(lines[2].starts_with("directory search p95") && lines[2].ends_with("yes"), "{table}");
        assert!(lines[3].starts_with("something_new"), "{table}");
        let json = json(&figures, true, "abc\"d");
        assert!(json.contains("\"commit\": \"abc\\\"d\""), "{json}");
        assert!(json.contains("{\"key\": \"first_sync_vs_raw_sqlite\", \"value\": 0.21, \"unit\": \"x\", \"aim\": \"≥ 0.8\", \"met\": false}"), "{json}");
        assert!(json.contains("\"met\": null"), "{json}");
    }
}
