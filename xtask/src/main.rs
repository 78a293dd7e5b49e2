//! `cargo xtask <command>`: the project's own set-up, build and test automation.
//!
//! * `run [-- APP ARGS]`: installs what is missing, builds the UI and the app, opens the app on
//!   the bundled demo event.
//! * `test`: installs what is missing (test tools too) and runs every test: unit and integration
//!   tests, then the end-to-end tests in a real webview under Xvfb.
//! * `setup [--test]`: only installs what is missing.
//! * `ui`: only builds the UI into `ui/dist`.
//! * `measure [--release]`: the start-up figures (wasm size, launch to agenda, memory, tab to
//!   paint) as a table.
//! * `bench [--quick]`: every benchmark and the start-up figures, one table against the aims,
//!   also as JSON under `target/bench/` (`bench.rs`).
//!
//! Every install step first checks whether its tool is already there, so a second run installs
//! nothing. Only std is used here, so this compiles in a second on a fresh machine.

mod bench;
mod package;
mod setup;
mod shell;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use shell::{run, Cmd};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => cmd_run(&args[1..]),
        Some("test") => cmd_test(),
        Some("e2e") => cmd_e2e(args.get(1).map(String::as_str)),
        Some("setup") => setup::ensure(&setup::Needs { test_tools: args.iter().any(|a| a == "--test") }).map(|_| ()),
        Some("ui") => setup::ensure(&setup::Needs { test_tools: false }).and_then(|t| build_ui(&t)),
        Some("measure") => cmd_measure(args.iter().any(|a| a == "--release")),
        Some("bench") => bench::cmd_bench(args.iter().any(|a| a == "--quick")),
        Some("package") => package::cmd_package(&args[1..]),
        _ => Err("usage: cargo xtask <run [-- app args] | test | e2e [filter] | setup [--test] | ui | measure [--release] | bench [--quick] | package [--debug] [--check] [--backend]>".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nxtask: {e}");
            ExitCode::FAILURE
        }
    }
}

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root().join("target"))
}

fn step(what: &str) {
    eprintln!("\n==> {what}");
}

/// Builds the UI: wasm32 release build, wasm-bindgen, static files, into `ui/dist`.
fn build_ui(tools: &setup::Tools) -> Result<(), String> {
    step("building the UI (Leptos → wasm32)");
    let started = Instant::now();
    let mut cargo = tools.wasm.cargo_command();
    cargo.args([
        "build",
        "--locked",
        "-p",
        "elements-ui",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        "wasm-release",
    ]);
    run(cargo)?;
    let wasm = target_dir().join("wasm32-unknown-unknown/wasm-release/elements-ui.wasm");
    let dist = root().join("ui/dist");
    std::fs::create_dir_all(&dist).map_err(|e| format!("cannot create {}: {e}", dist.display()))?;
    run(Cmd::new(&tools.wasm_bindgen)
        .args([
            "--target",
            "web",
            "--no-typescript",
            "--remove-name-section",
            "--remove-producers-section",
            "--out-name",
            "ui",
            "--out-dir",
        ])
        .arg(&dist)
        .arg(&wasm))?;
    for file in ["index.html", "style.css"] {
        std::fs::copy(root().join("ui").join(file), dist.join(file)).map_err(|e| format!("copying ui/{file}: {e}"))?;
    }
    eprintln!("    UI built in {:.1} s → {}", started.elapsed().as_secs_f64(), dist.display());
    Ok(())
}

fn build_app() -> Result<PathBuf, String> {
    build_app_profile(false)
}

fn build_app_profile(release: bool) -> Result<PathBuf, String> {
    step(if release { "building the app (Tauri 2, release)" } else { "building the app (Tauri 2, debug)" });
    let mut cargo = Cmd::new("cargo");
    cargo.args(["build", "--locked", "-p", "elements-app", "--bin", "elements"]);
    if release {
        cargo.arg("--release");
    }
    run(cargo)?;
    Ok(target_dir().join(if release { "release/elements" } else { "debug/elements" }))
}

/// The floor `measure` compares with: `src-tauri/examples/floor.rs`, an empty Tauri window.
fn build_floor(release: bool) -> Result<PathBuf, String> {
    step("building the floor (an empty Tauri window, same Tauri version)");
    let mut cargo = Cmd::new("cargo");
    cargo.args(["build", "--locked", "-p", "elements-app", "--example", "floor"]);
    if release {
        cargo.arg("--release");
    }
    run(cargo)?;
    Ok(target_dir().join(if release { "release/examples/floor" } else { "debug/examples/floor" }))
}

fn cmd_run(rest: &[String]) -> Result<(), String> {
    let tools = setup::ensure(&setup::Needs { test_tools: false })?;
    build_ui(&tools)?;
    let app = build_app()?;
    let app_args: Vec<&String> = rest.iter().skip_while(|a| *a == "--").collect();
    step("starting Elements on the bundled demo event");
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        eprintln!("    no DISPLAY is set: opening the window on a virtual screen (Xvfb, 1920x1080);");
        let xvfb = shell::Xvfb::start(77, "1920x1080x24")?;
        eprintln!("    screenshot it with: DISPLAY=:{} import -window root shot.png", xvfb.display);
        return run(Cmd::new(&app).args(app_args).env("DISPLAY", format!(":{}", xvfb.display)));
    }
    run(Cmd::new(&app).args(app_args))
}

fn cmd_test() -> Result<(), String> {
    let started = Instant::now();
    let tools = setup::ensure(&setup::Needs { test_tools: true })?;
    build_ui(&tools)?;
    step("unit and integration tests (protocol, domain, client, import, backend, app, xtask)");
    run(Cmd::new("cargo").args([
        "test",
        "--locked",
        "--workspace",
        "--exclude",
        "elements-ui",
        "--exclude",
        "elements-e2e",
    ]))?;
    // The UI's logic with no browser in it (the map's geometry, the agenda's grouping), on the
    // host: quicker to run and to read than through the webview.
    step("the UI's own tests, on the host");
    run(Cmd::new("cargo").args(["test", "--locked", "-p", "elements-ui"]))?;
    api_fuzz(&tools)?;
    // The app's own integration tests (the crash tests) built the binary just now; building it
    // again with `cargo build` would recompile much of Tauri under another feature set.
    let app = target_dir().join("debug/elements");
    if !app.exists() {
        return Err(format!("{} was not built by the tests", app.display()));
    }
    let screenshots = end_to_end(&tools, &app, None)?;
    // Installing a package changes the machine: done where CI says so (a throwaway machine),
    // with the debug build the tests used; `cargo xtask package --check` does it by hand.
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        let deb = package::build(&app, false)?;
        package::check(&deb)?;
        let backend = target_dir().join("debug/elements-backend");
        let backend_deb = package::build_backend(&backend, false)?;
        package::check_backend(&backend_deb)?;
        // Figures, not assertions: the table in every CI log, so a slowdown is seen the day it
        // lands (the first sync once slid tenfold unnoticed).
        bench::all(&tools, true)?;
    } else {
        step("the .deb install-and-launch check runs in CI (CI=true) or by `cargo xtask package --check`");
        step("the benchmarks' table runs in CI (CI=true) or by `cargo xtask bench [--quick]`");
    }
    eprintln!(
        "\nxtask: every test passed in {:.0} s; screenshots in {}",
        started.elapsed().as_secs_f64(),
        screenshots.display()
    );
    Ok(())
}

/// Only the end-to-end tests (those whose name contains `filter`), for working on a screen: the
/// UI and the app binary are built as `cargo xtask test` builds them.
fn cmd_e2e(filter: Option<&str>) -> Result<(), String> {
    let tools = setup::ensure(&setup::Needs { test_tools: true })?;
    build_ui(&tools)?;
    step("the app binary, as the app's tests build it");
    run(Cmd::new("cargo").args(["test", "--locked", "-p", "elements-app", "--no-run"]))?;
    let app = target_dir().join("debug/elements");
    let screenshots = end_to_end(&tools, &app, filter)?;
    eprintln!("\nxtask: end-to-end tests passed; screenshots in {}", screenshots.display());
    Ok(())
}

/// Xvfb, a private D-Bus, tauri-driver, then the e2e test binary; answers the screenshot folder.
fn end_to_end(tools: &setup::Tools, app: &std::path::Path, filter: Option<&str>) -> Result<PathBuf, String> {
    step("end-to-end tests: the real app in WebKitGTK, driven by tauri-driver + WebKitWebDriver under Xvfb");
    let mut test_args = vec!["test", "--locked", "-p", "elements-e2e", "--"];
    test_args.extend(filter);
    // Passing tests' output too: the latency figures the measuring tests print.
    test_args.extend(["--test-threads=1", "--show-output"]);
    with_webdriver(tools, app, &test_args).map(|(screenshots, _)| screenshots)
}

/// Runs `cargo <args>` with the app driveable: Xvfb, a private D-Bus and tauri-driver, their
/// coordinates in the environment (as `elements_e2e::env` reads them); answers the screenshot
/// folder.
fn with_webdriver(tools: &setup::Tools, app: &std::path::Path, args: &[&str]) -> Result<(PathBuf, String), String> {
    let screenshots = target_dir().join("screenshots");
    std::fs::create_dir_all(&screenshots).map_err(|e| format!("creating {}: {e}", screenshots.display()))?;
    let xvfb = shell::Xvfb::start(97, "1920x1920x24")?;
    let display = xvfb.display;
    let port = shell::free_port()?;
    let native_port = shell::free_port()?;
    let bus = shell::SessionBus::start()?;
    let _driver = shell::Background::spawn(
        "tauri-driver",
        Cmd::new(&tools.tauri_driver)
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .env("DISPLAY", format!(":{display}"))
            .env("DBUS_SESSION_BUS_ADDRESS", &bus.address),
    )?;
    shell::wait_for_port(port, std::time::Duration::from_secs(30))?;
    let out = shell::run_tee(
        Cmd::new("cargo")
            .args(args)
            .env("DISPLAY", format!(":{display}"))
            .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
            .env("ELEMENTS_E2E_WEBDRIVER", format!("http://127.0.0.1:{port}"))
            .env("ELEMENTS_E2E_APP", app)
            .env("ELEMENTS_E2E_SCREENSHOTS", &screenshots),
    )?;
    drop(_driver);
    Ok((screenshots, out))
}

/// schemathesis, driven by `docs/openapi.json`, against the reference backend on 127.0.0.1 for a
/// bounded time (`ELEMENTS_API_FUZZ_SECONDS`, default 60; `ELEMENTS_API_FUZZ_SEED` to vary the
/// run). Every answer must match the document.
fn api_fuzz(tools: &setup::Tools) -> Result<(), String> {
    step("API fuzzing: schemathesis, driven by docs/openapi.json, against the reference backend");
    let backend = target_dir().join("debug/elements-backend");
    if !backend.exists() {
        return Err(format!("{} was not built by the tests", backend.display()));
    }
    let data = tempdir("api-fuzz")?;
    let port = shell::free_port()?;
    let _server = shell::Background::spawn(
        "api-fuzz-backend",
        Cmd::new(&backend)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--clock", "2027-03-10T09:30:00+01:00", "--db"])
            .arg(data.join("backend.sqlite3")),
    )?;
    shell::wait_for_port(port, std::time::Duration::from_secs(30))?;
    // A staff token reaches every route, so no operation is fuzzed only into 401s.
    let token = shell::redeem(port, "DEMO-STAFF")?;
    let seconds = std::env::var("ELEMENTS_API_FUZZ_SECONDS").unwrap_or_else(|_| "60".into());
    let seed = std::env::var("ELEMENTS_API_FUZZ_SEED").unwrap_or_else(|_| "1".into());
    let result = run(Cmd::new(&tools.schemathesis)
        .current_dir(&data)
        .env("ELEMENTS_FUZZ_TOKEN", token)
        .arg("--config-file")
        .arg(root().join("docs/schemathesis.toml"))
        .args(["--no-color", "run"])
        .arg(root().join("docs/openapi.json"))
        .args(["--url", &format!("http://127.0.0.1:{port}"), "--checks", "all", "--max-time", &seconds])
        .args(["--seed", &seed, "--generation-database", "none"]));
    let _ = std::fs::remove_dir_all(&data);
    result
}

/// The start-up and tab figures alone (no cargo benchmarks), as a table.
fn cmd_measure(release: bool) -> Result<(), String> {
    let tools = setup::ensure(&setup::Needs { test_tools: true })?;
    build_ui(&tools)?;
    let mut figures = bench::wasm_size()?;
    figures.extend(bench::startup(release, 5)?);
    figures.extend(bench::tabs(&tools)?);
    println!("\n{}", bench::table(&figures));
    Ok(())
}

pub fn tempdir(tag: &str) -> Result<PathBuf, String> {
    let dir = std::env::temp_dir().join(format!("elements-{tag}-{}-{}", std::process::id(), shell::unique()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    Ok(dir)
}

#[cfg(test)]
mod architecture_tests {
    /// Every path `ARCHITECTURE.md` names exists: a path in backticks with a `/` in it, from the
    /// repository's root, or from the crate of its section when it starts with `src/`, `tests/`,
    /// `benches/` or `examples/` (the crate is the first path in the section's heading). What the
    /// build makes (`target/`) is not in a fresh clone and is not checked.
    #[test]
    fn every_path_the_architecture_names_exists() {
        let root = super::root();
        let text = std::fs::read_to_string(root.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
        let mut crate_dir = String::new();
        let mut checked = 0;
        let mut missing = Vec::new();
        for line in text.lines() {
            let spans: Vec<&str> = line.split('`').skip(1).step_by(2).collect();
            if line.starts_with("### ") {
                crate_dir = spans.first().map(|s| s.to_string()).unwrap_or_default();
            }
            for span in spans {
                let looks_like_path = span.contains('/')
                    && !span.contains(' ')
                    && !span.contains("::")
                    && !span.contains("://")
                    && !span.starts_with("target/");
                if !looks_like_path {
                    continue;
                }
                let relative = ["src/", "tests/", "benches/", "examples/"].iter().any(|p| span.starts_with(p));
                let path = if relative { root.join(&crate_dir).join(span) } else { root.join(span) };
                checked += 1;
                if !path.exists() {
                    missing.push(format!("{span} (as {})", path.display()));
                }
            }
        }
        assert!(checked > 40, "only {checked} paths found: is the scan right?");
        assert!(missing.is_empty(), "ARCHITECTURE.md names paths that do not exist:\n{}", missing.join("\n"));
    }
}
