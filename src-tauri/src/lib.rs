//! The Elements app: the Tauri shell over `elements-client`, laid out the way Tauri 2 builds for
//! desktop and mobile alike. `main.rs` (desktop) calls [`main_with_args`]; Android and iOS enter
//! at [`run`], the mobile entry point, with the defaults (no arguments on a phone).
//!
//! `elements [--data-dir DIR] [--kiosk] [--here PLACE] [--window-size WxH] [--clock TIME] [LINK]`
//! opens the app window; `LINK` is an `elements://` link (what the system passes when one is
//! opened): a join link joins, a place link opens the map there. `--here` fixes "you are here"
//! (a venue screen's spot); `--room ROOM`, `--panels now_next,poll,…` and `--seconds N` set a
//! venue screen's loop (else the event's `kiosk` settings); a venue screen covers its monitor
//! unless `--window-size` is given. One app runs per data folder: a second launch hands its link to the running one
//! (single-instance plugin; on Linux over the D-Bus session bus) and exits.
//! `--clock` (or `ELEMENTS_CLOCK`) pins "now", to rehearse an event on another day;
//! `--join URL` joins the event a backend serves (with `--prepare-cache`: joins, pushes and
//! pulls once, and exits without a window); URL may be the join QR's link
//! `elements://join?url=…&code=…`, which also redeems the code (what scanning it does).
//! `elements --prepare-cache [--data-dir DIR]` only opens/repairs the cache and loads the
//! bundled event, then exits: for provisioning kiosks, and for crash tests.

mod commands;
mod reminders;

use std::path::PathBuf;
use std::process::ExitCode;

use elements_client::api::{AppApi, Clock};
use elements_client::paths;

#[derive(Default)]
struct Options {
    data_dir: Option<PathBuf>,
    prepare_only: bool,
    /// Crash-test aid: stop inside the first-load transaction until killed (see tests/).
    pause_mid_load: bool,
    kiosk: bool,
    here: Option<String>,
    /// A venue screen's room, panels and seconds per panel.
    venue_screen: elements_client::api::kiosk::KioskConfig,
    /// Where exported files go (the schedule as .ics); the downloads folder by default.
    export_dir: Option<PathBuf>,
    window_size: Option<(f64, f64)>,
    clock: Option<Clock>,
    join: Option<String>,
    /// A place link to open the map at.
    open_place: Option<String>,
    /// A venue's own CA to trust for HTTPS, besides the platform's roots (and `SSL_CERT_FILE`).
    ca_file: Option<PathBuf>,
}

const USAGE: &str = "usage: elements [--data-dir DIR] [--join EVENT-URL] [--kiosk] [--here PLACE-ID] [--room ROOM-ID] [--panels now_next,poll,question,leaderboard,where_to,announcements,join] [--seconds N] [--export-dir DIR] [--window-size WIDTHxHEIGHT] [--clock RFC3339-TIME] [--ca-file PEM-FILE] [--prepare-cache] [elements://LINK]";

fn parse_args() -> Result<Options, String> {
    let mut o = Options::default();
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("--data-dir") => {
                o.data_dir = Some(args.next().map(PathBuf::from).ok_or("--data-dir needs a folder")?);
            }
            Some("--prepare-cache") => o.prepare_only = true,
            Some("--pause-mid-load") => o.pause_mid_load = true,
            Some("--kiosk") => o.kiosk = true,
            Some("--export-dir") => {
                o.export_dir = Some(args.next().map(PathBuf::from).ok_or("--export-dir needs a folder")?);
            }
            Some("--here") => {
                o.here = Some(args.next().and_then(|v| v.into_string().ok()).ok_or("--here needs a place id")?);
            }
            Some("--room") => {
                o.venue_screen.room =
                    Some(args.next().and_then(|v| v.into_string().ok()).ok_or("--room needs a room id")?);
            }
            Some("--panels") => {
                let v = args.next().and_then(|v| v.into_string().ok()).ok_or("--panels needs a list")?;
                for name in v.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                    let panel = elements_protocol::event::KioskPanel::ALL
                        .into_iter()
                        .find(|p| p.as_str() == name)
                        .ok_or_else(|| format!("--panels: no panel {name:?}\n{USAGE}"))?;
                    o.venue_screen.panels.push(panel);
                }
            }
            Some("--seconds") => {
                let v = args.next().and_then(|v| v.into_string().ok()).ok_or("--seconds needs a number")?;
                let n = v.parse::<u32>().ok().filter(|n| (3..=600).contains(n));
                o.venue_screen.seconds = Some(n.ok_or_else(|| format!("--seconds {v:?}: 3 to 600"))?);
            }
            Some("--window-size") => {
                let v = args.next().and_then(|v| v.into_string().ok()).ok_or("--window-size needs WIDTHxHEIGHT")?;
                o.window_size =
                    Some(parse_size(&v).ok_or_else(|| format!("--window-size {v:?}: expected e.g. 390x844"))?);
            }
            Some("--clock") => {
                let v = args.next().and_then(|v| v.into_string().ok()).ok_or("--clock needs a time")?;
                o.clock = Some(Clock::parse(&v).map_err(|e| format!("--clock {e}"))?);
            }
            Some("--join") => {
                o.join = Some(
                    args.next()
                        .and_then(|v| v.into_string().ok())
                        .ok_or("--join needs the event's URL or join link")?,
                );
            }
            Some("--ca-file") => {
                o.ca_file =
                    Some(args.next().map(PathBuf::from).ok_or("--ca-file needs a PEM file of CA certificates")?);
            }
            Some("-h" | "--help") => return Err(USAGE.into()),
            // A link the system opened with the app (the `elements` scheme is registered).
            Some(link) if link.starts_with("elements://place") => o.open_place = Some(link.to_string()),
            Some(link) if link.starts_with("elements:") => o.join = Some(link.to_string()),
            _ => return Err(format!("unknown argument {arg:?}\n{USAGE}")),
        }
    }
    if o.window_size.is_none() {
        if let Ok(v) = std::env::var("ELEMENTS_WINDOW_SIZE") {
            o.window_size =
                Some(parse_size(&v).ok_or_else(|| format!("ELEMENTS_WINDOW_SIZE={v:?}: expected e.g. 390x844"))?);
        }
    }
    Ok(o)
}

fn parse_size(v: &str) -> Option<(f64, f64)> {
    let (w, h) = v.split_once('x')?;
    let (w, h) = (w.trim().parse::<u32>().ok()?, h.trim().parse::<u32>().ok()?);
    (w >= 200 && h >= 200).then_some((f64::from(w), f64::from(h)))
}

/// The mobile entry point: the app window on the platform's data folder, no options.
#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    let launched = std::time::Instant::now();
    choose_renderer();
    let _ = start(Options::default(), launched);
}

/// WebKitGTK's DMA-BUF renderer shares GPU buffers between the web process and the window; with
/// no GPU render node (a venue screen's bare X server, a virtual machine, the test display) its
/// fallback painted the agenda a quarter slower than the shared-memory renderer (launch to
/// agenda under Xvfb: about 830 → 600 ms; an empty window 250 → 210 ms). Chosen before GTK
/// starts, only where there is no render node; a WEBKIT_DISABLE_DMABUF_RENDERER already set wins.
pub fn choose_renderer() {
    #[cfg(target_os = "linux")]
    {
        const CHOICE: &str = "WEBKIT_DISABLE_DMABUF_RENDERER";
        let render_node = std::fs::read_dir("/dev/dri")
            .map(|nodes| nodes.flatten().any(|n| n.file_name().to_string_lossy().starts_with("renderD")))
            .unwrap_or(false);
        if std::env::var_os(CHOICE).is_none() && !render_node {
            // Before any thread exists: nothing else reads the environment yet.
            std::env::set_var(CHOICE, "1");
        }
    }
}

/// The desktop binary: reads the command line, then starts.
pub fn main_with_args() -> ExitCode {
    let launched = std::time::Instant::now();
    choose_renderer();
    match parse_args() {
        Ok(options) => start(options, launched),
        Err(msg) => {
            eprintln!("{msg}");
            ExitCode::from(2)
        }
    }
}

fn start(options: Options, launched: std::time::Instant) -> ExitCode {
    let data_dir = match paths::data_dir(options.data_dir.as_deref()) {
        Ok(d) => d,
        Err(msg) => {
            eprintln!("elements: {msg}");
            return ExitCode::from(2);
        }
    };
    let clock = match options.clock.map(Ok).unwrap_or_else(Clock::from_env) {
        Ok(c) => c,
        Err(msg) => {
            eprintln!("elements: {msg}");
            return ExitCode::from(2);
        }
    };
    let pause = options.pause_mid_load;
    let mut progress = |step: elements_client::LoadStep| {
        eprintln!("elements: cache: wrote {} {} row(s)", step.rows, step.table);
        if pause && step.table == "session" {
            eprintln!("elements: cache: paused mid-load");
            // Blocks until stdin closes; the crash test kills us here, inside the transaction.
            let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut Vec::new());
        }
    };
    let (api, report) = match AppApi::start(&data_dir, clock, &mut progress) {
        Ok(started) => started,
        Err(e) => {
            eprintln!("elements: {e}");
            return ExitCode::FAILURE;
        }
    };
    let api = match &options.ca_file {
        Some(file) => match elements_tls::Trust::with_ca_file(file) {
            Ok(trust) => {
                api.with_sync_config(elements_client::sync::EngineConfig { trust: Some(trust), ..Default::default() })
            }
            Err(e) => {
                eprintln!("elements: --ca-file {e}");
                return ExitCode::from(2);
            }
        },
        None => api,
    };
    if let Some(msg) = &report.recovered {
        eprintln!("elements: {msg}");
    }
    eprintln!(
        "elements: cache {} ready{} {} ms after launch",
        report.cache_path.display(),
        if report.loaded_bundled_event { " (bundled demo event loaded)" } else { "" },
        launched.elapsed().as_millis()
    );
    // The window exists only later; changes before it are dropped (the UI loads fresh anyway).
    let window_handle: std::sync::Arc<std::sync::OnceLock<tauri::AppHandle>> = Default::default();
    let tell_ui = window_handle.clone();
    let api = api.on_change(move |what| {
        if let Some(handle) = tell_ui.get() {
            use tauri::Emitter;
            let _ = handle.emit(elements_protocol::app::CHANGED_EVENT, what);
        }
    });
    let api = match api
        .launched_at(launched)
        .fixed_here(options.here.clone())
        .venue_screen_config(options.venue_screen.clone())
        .export_dir(options.export_dir.clone())
        .kiosk_mode(options.kiosk)
    {
        Ok(api) => api,
        Err(e) => {
            eprintln!("elements: {}", e.message);
            return ExitCode::FAILURE;
        }
    };
    if options.prepare_only && options.join.is_none() {
        return ExitCode::SUCCESS;
    }
    if let (Some(url), true) = (&options.join, options.prepare_only) {
        // Without a window: join, one push-and-pull round, then exit (a runner's or test's sync).
        // Success means every Element synced: a provisioning script must not take a half-synced
        // cache for a good one.
        if !join(&api, url) {
            return ExitCode::FAILURE;
        }
        if let Err(e) = api.sync_now() {
            eprintln!("elements: {}", e.message);
            return ExitCode::FAILURE;
        }
        let status = match api.sync_status() {
            Ok(s) => s,
            Err(e) => {
                eprintln!("elements: {}", e.message);
                return ExitCode::FAILURE;
            }
        };
        use elements_protocol::app::SyncState;
        let failed: Vec<String> = status
            .elements
            .iter()
            // An Element in a version this app does not know is not a failure: it says so itself.
            .filter(|e| matches!(e.state, SyncState::Retrying | SyncState::Never))
            .map(|e| {
                let why = e.error.clone().unwrap_or_else(|| "not synced yet".into());
                format!("{}: {why}", e.kind.as_str())
            })
            .collect();
        if !failed.is_empty() {
            eprintln!("elements: not synced:\n  {}", failed.join("\n  "));
            return ExitCode::FAILURE;
        }
        eprintln!("elements: synced");
        return ExitCode::SUCCESS;
    }
    let window = Window {
        data_dir,
        kiosk: options.kiosk,
        size: options.window_size,
        join_url: options.join.clone(),
        open_place: options.open_place.clone(),
        handle: window_handle,
    };
    match run_window(api, window) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.to_string().contains("failed to forward arguments") && std::env::var_os(RELAUNCHED).is_none() => {
            // The app already running on this data folder was quitting as this one started:
            // it took the arguments' hand-over and died. Start again once it is gone.
            eprintln!("elements: the running app was quitting; starting again");
            relaunch()
        }
        Err(e) => {
            eprintln!("elements: the app window failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Set on the one relaunch after a hand-over to a quitting app, so it never loops.
const RELAUNCHED: &str = "ELEMENTS_RELAUNCHED";

/// Runs this program again with the same arguments, in this process where the platform allows
/// (the same process id, for whoever launched it), after the quitting app had a moment to go.
fn relaunch() -> ExitCode {
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let Ok(exe) = std::env::current_exe() else { return ExitCode::FAILURE };
    let mut command = std::process::Command::new(exe);
    command.args(std::env::args_os().skip(1)).env(RELAUNCHED, "1");
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let e = command.exec();
        eprintln!("elements: could not start again: {e}");
        ExitCode::FAILURE
    }
    #[cfg(not(unix))]
    {
        match command.status() {
            Ok(s) if s.success() => ExitCode::SUCCESS,
            _ => ExitCode::FAILURE,
        }
    }
}

/// Joins the event at `url` (an address or a join link), logging the outcome.
fn join(api: &AppApi, url: &str) -> bool {
    match api.join_event(elements_protocol::app::JoinArgs { url: url.to_string(), code: None }) {
        Ok(overview) => {
            eprintln!("elements: joined \"{}\" at {url}", overview.name);
            true
        }
        // Keep going on what is cached: the person still gets an app.
        Err(e) => {
            eprintln!("elements: {}", e.message);
            false
        }
    }
}

/// What the window needs besides the core.
struct Window {
    data_dir: PathBuf,
    kiosk: bool,
    size: Option<(f64, f64)>,
    join_url: Option<String>,
    open_place: Option<String>,
    /// Set once the app exists, for the core's change events.
    handle: std::sync::Arc<std::sync::OnceLock<tauri::AppHandle>>,
}

/// The single-instance name for a data folder: one running app per folder (two folders are two
/// people's apps, or two tests). The fingerprint is stable across builds, so the installed app
/// and a newer one find each other.
fn instance_id(data_dir: &std::path::Path) -> String {
    let path = data_dir.canonicalize().unwrap_or_else(|_| data_dir.to_path_buf());
    format!("dev.elements.app.d{:016x}", elements_domain::fingerprint(&path.to_string_lossy()))
}

/// Joins `url` on a thread of its own: the window keeps showing what is cached meanwhile, and
/// the core tells it the event changed once the joined one is in.
fn join_in_background(api: &std::sync::Arc<AppApi>, url: String) {
    let api = api.clone();
    std::thread::spawn(move || join(&api, &url));
}

fn run_window(api: AppApi, window: Window) -> tauri::Result<()> {
    use tauri::Manager;
    use tauri_plugin_deep_link::DeepLinkExt;
    let Window { data_dir, kiosk, size, join_url, open_place, handle } = window;
    let api = std::sync::Arc::new(api);
    let joining = api.clone();
    let builder = tauri::Builder::default();
    // First, so a second launch hands over its link before anything else of it starts.
    #[cfg(desktop)]
    let builder = builder.plugin(
        tauri_plugin_single_instance::Builder::new()
            .dbus_id(instance_id(&data_dir))
            // The link itself reaches the deep-link plugin (and `on_open_url` below) first.
            .callback(|app, _args, _cwd| {
                if let Some(window) = app.get_webview_window("main") {
                    let _ = window.unminimize();
                    let _ = window.set_focus();
                }
            })
            .build(),
    );
    #[cfg(not(desktop))]
    let _ = &data_dir;
    builder
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_notification::init())
        .manage(api.clone())
        .register_asynchronous_uri_scheme_protocol("plan", move |_ctx, request, responder| {
            // Floor plans and their tiles, from the cache (see `client::api::map::plan_file`).
            let api = api.clone();
            let path = request.uri().path().to_string();
            tauri::async_runtime::spawn_blocking(move || responder.respond(plan_response(&api, &path)));
        })
        .invoke_handler(commands::handler())
        .setup(move |app| {
            let _ = handle.set(app.handle().clone());
            // Started here, after the single-instance check: a second launch that only hands
            // over a link never syncs. A join the person asked for starts at once; resuming
            // sync and the clocks wait for the first screen (at most two seconds), which needs
            // none of them.
            let resume = join_url.is_none();
            if let Some(url) = join_url {
                join_in_background(&joining, url);
            }
            let background = joining.clone();
            let notifier = app.handle().clone();
            std::thread::spawn(move || {
                background.wait_for_first_paint(std::time::Duration::from_secs(2));
                if resume {
                    if let Err(e) = background.resume_sync() {
                        eprintln!("elements: sync not started: {}", e.message);
                    }
                }
                elements_client::api::start_scenario_clock(&background);
                elements_client::api::start_reminder_clock(&background, move |api, r| {
                    reminders::notify(&notifier, api, r)
                });
            });
            if let Some(link) = open_place {
                // The window takes it when it starts (`take_open_link`).
                if let Err(e) = joining.open_link(&link) {
                    eprintln!("elements: {}", e.message);
                }
            }
            let on_link = joining.clone();
            app.deep_link().on_open_url(move |event| {
                for url in event.urls() {
                    match elements_protocol::link::Link::parse(url.as_str()) {
                        Ok(elements_protocol::link::Link::Join { .. }) => {
                            eprintln!("elements: opened with a join link");
                            join_in_background(&on_link, url.to_string());
                        }
                        Ok(elements_protocol::link::Link::Place { .. }) => {
                            let _ = on_link.open_link(url.as_str());
                        }
                        Ok(_) => eprintln!("elements: opened with a link this app does not follow yet: {url}"),
                        Err(e) => eprintln!("elements: opened with a link it cannot read ({e}): {url}"),
                    }
                }
            });
            if let Some(window) = app.get_webview_window("main") {
                if let Some((w, h)) = size {
                    window.set_size(tauri::LogicalSize::new(w, h))?;
                }
                // Take the keyboard: without a window manager (a venue screen's bare X server,
                // the test display) nothing else gives a new window focus, and keys and focus
                // rings go nowhere. Where the platform decides focus itself this is a request.
                let _ = window.set_focus();
                if kiosk {
                    window.set_decorations(false)?;
                    window.set_position(tauri::PhysicalPosition::new(0, 0))?;
                    // A size given on the command line is the screen's (a portrait one, a part of
                    // a video wall); else cover the monitor. Without a window manager (a bare X
                    // server on a venue screen) fullscreen is only a request nobody grants: cover
                    // it explicitly too.
                    if size.is_none() {
                        if let Some(monitor) = window.current_monitor()?.or(window.primary_monitor()?) {
                            window.set_size(*monitor.size())?;
                        }
                        window.set_fullscreen(true)?;
                    }
                }
            }
            Ok(())
        })
        .run(tauri::generate_context!("../tauri.conf.json"))
}

fn plan_response(api: &AppApi, path: &str) -> tauri::http::Response<Vec<u8>> {
    let (status, kind, body) = match api.plan_file(path) {
        Ok(Some((kind, bytes))) => (200, kind, bytes),
        Ok(None) => (404, "text/plain", b"no such plan or tile".to_vec()),
        Err(e) => (500, "text/plain", e.message.into_bytes()),
    };
    tauri::http::Response::builder()
        .status(status)
        .header(tauri::http::header::CONTENT_TYPE, kind)
        // Paths carry the plan's revision: what was served once never changes.
        .header(tauri::http::header::CACHE_CONTROL, "max-age=31536000, immutable")
        .header("Access-Control-Allow-Origin", "*")
        .body(body)
        .unwrap_or_else(|_| tauri::http::Response::new(Vec::new()))
}
