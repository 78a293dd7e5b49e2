//! Helpers for the end-to-end tests (`tests/`): launching the built app in its real webview
//! (WebKitGTK) through WebDriver (tauri-driver in front of Debian's WebKitWebDriver, on an Xvfb
//! screen), waiting for states, taking screenshots, and a reference backend on 127.0.0.1.
//! `cargo xtask test` starts Xvfb and tauri-driver and passes their coordinates in the
//! environment.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use elements_protocol::event::EventBundle;
use fantoccini::{Client, ClientBuilder, Locator};
use futures_util::FutureExt;
use serde_json::json;

pub struct Env {
    pub webdriver: String,
    pub app: PathBuf,
    pub screenshots: PathBuf,
}

pub fn env() -> Env {
    let var = |name: &str| {
        std::env::var(name).unwrap_or_else(|_| {
            panic!("{name} is not set: the end-to-end tests need Xvfb and tauri-driver running; run them with `cargo xtask test`")
        })
    };
    Env {
        webdriver: var("ELEMENTS_E2E_WEBDRIVER"),
        app: PathBuf::from(var("ELEMENTS_E2E_APP")),
        screenshots: PathBuf::from(var("ELEMENTS_E2E_SCREENSHOTS")),
    }
}

pub fn demo() -> EventBundle {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/demo-event/event.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("read the demo event")).expect("parse the demo event")
}

/// Session ids on `day` as the asset data defines them.
pub fn session_ids_on(b: &EventBundle, day: u32) -> Vec<String> {
    b.sessions
        .iter()
        .filter(|s| elements_domain::day_of(&b.manifest.days, &s.starts_at) == Some(day))
        .map(|s| s.id.clone())
        .collect()
}

/// Launches the app on a fresh temporary cache and runs `body` against it; the app is closed
/// whether `body` passes or panics, so the next test gets a clean driver.
pub async fn with_app<F, Fut>(args: &[&str], body: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let data = tempfile::tempdir().expect("temp dir");
    with_app_at(data.path(), args, body).await;
}

/// [`with_app`] with the app's data folder given, for tests that open the cache afterwards.
pub async fn with_app_at<F, Fut>(data: &std::path::Path, args: &[&str], body: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let env = env();
    let mut app_args: Vec<String> = vec!["--data-dir".into(), data.display().to_string()];
    app_args.extend(args.iter().map(|s| s.to_string()));
    let caps = json!({
        "browserName": "wry",
        "tauri:options": { "application": env.app, "args": app_args },
    });
    let serde_json::Value::Object(caps) = caps else { unreachable!() };
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&env.webdriver)
        .await
        .expect("a WebDriver session with the app (is tauri-driver running?)");
    let outcome = std::panic::AssertUnwindSafe(body(client.clone())).catch_unwind().await;
    let _ = client.close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// Polls `probe` until it yields a value or `timeout` passes; the UI renders asynchronously
/// after the wasm starts, so tests wait for a state, never for a fixed time.
pub async fn eventually<T, F, Fut>(what: &str, timeout: Duration, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = probe().await {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out after {timeout:?} waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub async fn text_of(c: &Client, css: &str) -> Option<String> {
    c.find(Locator::Css(css)).await.ok()?.text().await.ok()
}

pub async fn attrs(c: &Client, css: &str, attr: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(found) = c.find_all(Locator::Css(css)).await {
        for e in found {
            if let Ok(Some(v)) = e.attr(attr).await {
                out.push(v);
            }
        }
    }
    out
}

pub async fn wait_for_day(c: &Client, b: &EventBundle, day: u32) -> Vec<String> {
    let expected = session_ids_on(b, day);
    let expected_len = expected.len();
    let day_attr = day.to_string();
    eventually(&format!("the {expected_len} sessions of day {day}"), Duration::from_secs(30), || async {
        let ids = attrs(c, "[data-testid=session-card]", "data-session-id").await;
        let days = attrs(c, "[data-testid=session-card]", "data-day").await;
        (ids.len() == expected_len && days.iter().all(|d| *d == day_attr)).then_some(ids)
    })
    .await
}

pub const WAIT: Duration = Duration::from_secs(30);

/// Returns once the webview has painted twice more: whatever the DOM holds now is on screen.
pub async fn after_paint(c: &Client) {
    c.execute_async(
        "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
        vec![],
    )
    .await
    .expect("animation frames");
}

/// Captures the window's area of the X screen (WebKitWebDriver's own screenshots come out
/// blank) once the picture has settled: two captures in a row identical, and different from
/// `before` (the screen the last action changed). The DOM updates before the pixels do, so this
/// waits for the pixels. Checks the picture has real content, not a flat colour.
pub async fn shoot(dir: &std::path::Path, name: &str, rect: (u64, u64, u32, u32), before: Option<&[u8]>) -> Vec<u8> {
    let (x, y, w, h) = rect;
    let capture = || {
        let out = std::process::Command::new("import")
            .args(["-window", "root", "-crop", &format!("{w}x{h}+{x}+{y}"), "+repage", "png:-"])
            .output()
            .expect("run ImageMagick's import");
        assert!(out.status.success(), "import failed for {name}: {}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    let colours = |png: &[u8]| -> u32 {
        use std::io::Write;
        let mut child = std::process::Command::new("identify")
            .args(["-format", "%k", "png:-"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("run ImageMagick's identify");
        child.stdin.take().expect("stdin").write_all(png).expect("feed identify");
        let out = child.wait_with_output().expect("identify");
        String::from_utf8_lossy(&out.stdout).trim().parse().unwrap_or(0)
    };
    // A window still painting is flat or changing; a settled one is rich and stable over three
    // captures (a few hundred milliseconds: X lags the webview's paint under Xvfb).
    let mut previous = vec![capture(), capture()];
    let (picture, count) = eventually(&format!("{name} to settle on screen with real content"), WAIT, || {
        let now = capture();
        let stable = previous.iter().all(|p| *p == now) && before.is_none_or(|b| b != now.as_slice());
        previous.remove(0);
        previous.push(now.clone());
        let count = if stable { colours(&now) } else { 0 };
        async move { (count > 50).then_some((now, count)) }
    })
    .await;
    let path = dir.join(format!("{name}.png"));
    std::fs::write(&path, &picture).expect("write screenshot");
    eprintln!("screenshot: {} ({count} colours)", path.display());
    picture
}

pub fn chrono_at(t: &str) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(t).expect("time")
}

/// A reference backend on 127.0.0.1 serving `served`, accepting the join code `JOIN-E2E`, its
/// clock pinned at `clock` if given. Returns its URL, store, the running server (stop it to take
/// the backend away) and folder.
pub async fn serve(
    served: &EventBundle,
    clock: Option<&str>,
) -> (
    String,
    std::sync::Arc<elements_backend::store::SqliteStore>,
    elements_backend::testing::Loopback,
    tempfile::TempDir,
) {
    use elements_backend::store::{SqliteStore, Store};
    let dir = tempfile::tempdir().expect("temp dir");
    let store = std::sync::Arc::new(SqliteStore::open(&dir.path().join("backend.sqlite3")).expect("store"));
    store.replace_event(served).expect("load");
    store.add_code("JOIN-E2E", elements_protocol::auth::Role::Attendee, false).expect("code");
    let config = elements_backend::http::Config { clock: clock.map(|t| chrono_at(t).to_utc()), ..Default::default() };
    let server = elements_backend::testing::Loopback::serve(store.clone(), config);
    (server.url.clone(), store, server, dir)
}
