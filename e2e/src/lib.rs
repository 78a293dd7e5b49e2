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
    // One app per data folder (single-instance): a previous app on this folder must be gone,
    // or the new one hands its arguments to the dying one and quits.
    app_gone(data).await;
    // Bounded: an app that quits before its window opens would leave the session waiting.
    let client = tokio::time::timeout(
        Duration::from_secs(120),
        ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&env.webdriver),
    )
    .await
    .unwrap_or_else(|_| {
        // What tauri-driver and the app said last: the next person's first clue.
        let log = env.screenshots.with_file_name("logs").join("tauri-driver.log");
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        let tail: Vec<&str> = text.lines().rev().take(40).collect::<Vec<_>>().into_iter().rev().collect();
        panic!("the app did not open its window within 120 s; {} ends:\n{}", log.display(), tail.join("\n"))
    })
    .expect("a WebDriver session with the app (is tauri-driver running?)");
    let outcome = std::panic::AssertUnwindSafe(body(client.clone())).catch_unwind().await;
    let kept = match &outcome {
        Err(_) => keep_evidence(&client, &env.screenshots).await,
        Ok(()) => String::new(),
    };
    let _ = client.close().await;
    if let Err(panic) = outcome {
        if kept.is_empty() {
            std::panic::resume_unwind(panic);
        }
        panic!("{}\n{kept}", panic_text(panic.as_ref()));
    }
}

/// The text a panic carried (an assertion's message, `eventually`'s "timed out …").
fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "the test panicked".into())
}

/// After a failure, while the app still shows it: the window's picture (PNG) and the page's
/// HTML, saved under `target/e2e-failures/` (beside the screenshots folder), so a failure that
/// happens one run in many explains itself. Answers a line naming both, or an empty string
/// when nothing could be kept (the app gone).
async fn keep_evidence(c: &Client, screenshots: &std::path::Path) -> String {
    let dir = screenshots.with_file_name("e2e-failures");
    if std::fs::create_dir_all(&dir).is_err() {
        return String::new();
    }
    // libtest names the test's thread after the test.
    let test = std::thread::current().name().unwrap_or("e2e").rsplit("::").next().unwrap_or("e2e").to_string();
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
    let base = dir.join(format!("{test}-{stamp}"));
    let mut kept = Vec::new();
    // Bounded: a hung webview must not turn one failure into a hang.
    if let Ok(Ok(html)) = tokio::time::timeout(Duration::from_secs(10), c.source()).await {
        let path = base.with_extension("html");
        if std::fs::write(&path, html).is_ok() {
            kept.push(path.display().to_string());
        }
    }
    if let Ok(Ok((x, y, w, h))) = tokio::time::timeout(Duration::from_secs(10), c.get_window_rect()).await {
        let path = base.with_extension("png");
        let geometry = format!("{w}x{h}+{x}+{y}");
        let shot = std::process::Command::new("import")
            .args(["-window", "root", "-crop", &geometry, "+repage"])
            .arg(&path)
            .status();
        if shot.is_ok_and(|s| s.success()) {
            kept.push(path.display().to_string());
        }
    }
    if kept.is_empty() {
        return String::new();
    }
    let line = format!("what the app showed when it failed: {}", kept.join(" and "));
    eprintln!("{line}");
    line
}

/// Waits (bounded: 30 s) until no process runs with `data` as its data folder: closing a
/// WebDriver session asks the app to quit, and it takes a moment to let go of its D-Bus name.
async fn app_gone(data: &std::path::Path) {
    let needle = data.display().to_string();
    let running = || {
        std::fs::read_dir("/proc").into_iter().flatten().flatten().any(|entry| {
            std::fs::read(entry.path().join("cmdline"))
                .map(|cmd| {
                    let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
                    cmd.contains("--data-dir") && cmd.contains(&needle)
                })
                .unwrap_or(false)
        })
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while running() {
        assert!(Instant::now() < deadline, "an app on {needle} is still running after 30 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
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

/// The text of every element `css` finds, in document order.
pub async fn texts(c: &Client, css: &str) -> Vec<String> {
    let mut out = Vec::new();
    for e in c.find_all(Locator::Css(css)).await.unwrap_or_default() {
        out.push(e.text().await.unwrap_or_default());
    }
    out
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

/// [`serve`] over HTTPS, with a certificate for 127.0.0.1 from a CA made for the test; the CA's
/// PEM file (for the app's `--ca-file`) is `ca.pem` in the returned folder.
pub async fn serve_https(served: &EventBundle) -> (String, elements_backend::testing::Loopback, tempfile::TempDir) {
    use elements_backend::store::{SqliteStore, Store};
    use elements_tls::testing::{TestCa, Validity};
    let dir = tempfile::tempdir().expect("temp dir");
    let store = std::sync::Arc::new(SqliteStore::open(&dir.path().join("backend.sqlite3")).expect("store"));
    store.replace_event(served).expect("load");
    store.add_code("JOIN-E2E", elements_protocol::auth::Role::Attendee, false).expect("code");
    let ca = TestCa::new("E2E venue CA");
    std::fs::write(dir.path().join("ca.pem"), ca.pem()).expect("write the CA");
    let (cert, key) = ca.issue(&["127.0.0.1"], Validity::Current).write_to(dir.path());
    let cert = elements_tls::ServerCert::load(&cert, &key).expect("certificate");
    let server = elements_backend::testing::Loopback::serve_tls(store, Default::default(), cert);
    (server.url.clone(), server, dir)
}

/// Text on the page whose contrast with what is behind it is below WCAG AA (4.5:1, or 3:1 for
/// large text: 24 px, or 18.66 px bold), as "text: ratio" lines. Computed in the webview from
/// the real computed colours: text alpha blended over the backgrounds stacked behind it, the
/// first colour of a gradient standing for the gradient. Disabled controls are exempt (WCAG
/// 1.4.3 excludes inactive components), as are invisible elements.
pub async fn contrast_failures(c: &Client) -> Vec<String> {
    const AUDIT: &str = r#"
const parse = (s) => { if (!s) return null;
  const c = s.match(/color\(srgb ([^)]+)\)/);
  if (c) { const p = c[1].split(/[ \/]+/).filter(Boolean).map(Number); return [p[0] * 255, p[1] * 255, p[2] * 255, p.length > 3 ? p[3] : 1]; }
  const m = s.match(/rgba?\(([^)]+)\)/); if (!m) return null;
  const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
const over = (top, under) => { const a = top[3]; return [0,1,2].map(i => top[i] * a + under[i] * (1 - a)).concat([1]); };
const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
const background = (el) => { const layers = [];
  for (let e = el; e; e = e.parentElement) { const cs = getComputedStyle(e);
    const img = cs.backgroundImage !== 'none' ? parse(cs.backgroundImage) : null;
    const bg = img || parse(cs.backgroundColor);
    if (bg && bg[3] > 0) { layers.push(bg); if (bg[3] >= 1) break; } }
  let c = [255, 255, 255, 1]; for (let i = layers.length - 1; i >= 0; i--) c = over(layers[i], c); return c; };
const out = [];
for (const el of document.querySelectorAll('body *')) {
  const own = [...el.childNodes].filter(n => n.nodeType === 3 && n.textContent.trim()).map(n => n.textContent.trim()).join(' ');
  if (!own) continue;
  const r = el.getBoundingClientRect(); const cs = getComputedStyle(el);
  if (r.width === 0 || r.height === 0 || cs.visibility !== 'visible' || el.closest('[disabled], .disabled, [aria-hidden=true]')) continue;
  let hidden = false; for (let e = el; e; e = e.parentElement) if (parseFloat(getComputedStyle(e).opacity) < 0.99) hidden = true;
  if (hidden) continue;
  const bg = background(el); const ink = parse(cs.color);
  if (!ink) { out.push(own.slice(0, 40) + ': unreadable colour ' + cs.color); continue; }
  const fg = over(ink, bg);
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x); const ratio = (a + 0.05) / (b + 0.05);
  const size = parseFloat(cs.fontSize); const bold = parseInt(cs.fontWeight, 10) >= 700;
  const need = (size >= 24 || (size >= 18.66 && bold)) ? 3 : 4.5;
  if (ratio < need) out.push(own.slice(0, 40) + ': ' + ratio.toFixed(2) + ' < ' + need + ' (' + cs.color + ' on rgb(' + bg.slice(0, 3).map(Math.round).join(',') + '))');
}
return out;"#;
    let v = c.execute(AUDIT, vec![]).await.expect("contrast audit");
    v.as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(String::from)).collect()).unwrap_or_default()
}

/// Controls a keyboard or screen-reader user can reach that have no accessible name (no text,
/// `aria-label`, label or title), described by tag and test id.
pub async fn unnamed_controls(c: &Client) -> Vec<String> {
    const AUDIT: &str = r#"
const out = [];
for (const el of document.querySelectorAll('button, a[href], input, select, textarea, [role=tab], [tabindex]')) {
  const r = el.getBoundingClientRect(); if (r.width === 0 && r.height === 0 && el.type !== 'file') continue;
  const byId = (el.getAttribute('aria-labelledby') || '').split(' ').map(id => document.getElementById(id)).filter(Boolean).map(e => e.textContent).join(' ');
  const label = el.labels && el.labels.length ? [...el.labels].map(l => l.textContent).join(' ') : '';
  const name = (el.getAttribute('aria-label') || byId || label || el.textContent || el.title || el.placeholder || '').trim();
  if (!name) out.push(el.tagName.toLowerCase() + '[data-testid=' + el.getAttribute('data-testid') + ']');
}
return out;"#;
    let v = c.execute(AUDIT, vec![]).await.expect("names audit");
    v.as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(String::from)).collect()).unwrap_or_default()
}

/// Presses `key` (a WebDriver key code such as `\u{E004}`, Tab) on whatever has the focus.
pub async fn press(c: &Client, key: &str) {
    let focused = c.active_element().await.expect("the focused element");
    focused.send_keys(key).await.expect("key press");
}

/// The focused element as `tag|data-testid|data-session-id|outline-style` (the outline of the
/// element, or of the label that wraps it and draws its ring).
pub async fn focused(c: &Client) -> String {
    let v = c
        .execute(
            "const e = document.activeElement; if (!e) return ''; \
             const ring = (x) => x && getComputedStyle(x).outlineStyle !== 'none' ? getComputedStyle(x).outlineStyle : null; \
             return [e.tagName.toLowerCase(), e.getAttribute('data-testid') || '', e.getAttribute('data-session-id') || '', ring(e) || ring(e.closest('label')) || 'none'].join('|');",
            vec![],
        )
        .await
        .expect("active element");
    v.as_str().unwrap_or_default().to_string()
}

/// Sets a `<select>`'s value as a person picking an option does (the change event included),
/// once the select is there and offers it: a form can come after the screen it is on (the desk
/// opened, its doors still loading; a fresh CI run lost a check-in to that).
pub async fn choose(c: &Client, css: &str, value: &str) {
    const PICK: &str = "const s = document.querySelector(arguments[0]);
        if (!s || ![...s.options].some(o => o.value === arguments[1])) return false;
        s.value = arguments[1]; s.dispatchEvent(new Event('change', { bubbles: true })); return true;";
    eventually(&format!("{css} offering {value}"), WAIT, || async {
        let picked = c.execute(PICK, vec![json!(css), json!(value)]).await.expect("choose an option");
        (picked.as_bool() == Some(true)).then_some(())
    })
    .await;
}

/// Types `text` into the field `css` finds, as a person does (tapped first, emptied, then typed;
/// an empty `text` still tells the page the field changed).
pub async fn fill(c: &Client, css: &str, text: &str) {
    tap(c, css).await;
    let field = c.find(Locator::Css(css)).await.expect(css);
    field.clear().await.expect("clear");
    if text.is_empty() {
        let element = serde_json::to_value(&field).expect("element");
        c.execute("arguments[0].dispatchEvent(new Event('input', {bubbles: true}));", vec![element])
            .await
            .expect("input");
    } else {
        field.send_keys(text).await.expect("type");
    }
}

/// The page's `lang` and `data-theme`.
pub async fn language_and_theme(c: &Client) -> (String, String) {
    let v = c
        .execute("return [document.documentElement.lang, document.documentElement.dataset.theme || ''];", vec![])
        .await
        .expect("lang and theme");
    (v[0].as_str().unwrap_or_default().to_string(), v[1].as_str().unwrap_or_default().to_string())
}

/// A photo of the QR code carrying `text`, as a phone would take it (a PNG with a quiet zone),
/// saved in `dir` as `name`.png; answers its path, for a file input.
pub fn qr_photo(dir: &std::path::Path, name: &str, text: &str) -> PathBuf {
    let code = qrcode::QrCode::new(text.as_bytes()).expect("encode");
    let (n, scale) = (code.width() as u32, 6u32);
    let mut picture = image::GrayImage::from_pixel((n + 8) * scale, (n + 8) * scale, image::Luma([250]));
    for (i, c) in code.to_colors().iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (mx, my) = (i as u32 % n + 4, i as u32 / n + 4);
            for d in 0..scale * scale {
                picture.put_pixel(mx * scale + d % scale, my * scale + d / scale, image::Luma([15]));
            }
        }
    }
    let path = dir.join(format!("{name}.png"));
    picture.save(&path).expect("save the photo");
    path
}

/// Someone else at the event: redeems the e2e code under `name` (shown on leaderboards) and
/// sends `actions` as their signals, decided at `at` (the backend's pinned clock).
pub async fn someone_else(
    store: &std::sync::Arc<elements_backend::store::SqliteStore>,
    name: &str,
    actions: Vec<elements_protocol::signal::Action>,
    at: &str,
) -> Vec<elements_protocol::signal::Outcome> {
    use elements_backend::store::{Redeemed, Store};
    let request = elements_protocol::auth::RedeemRequest {
        code: "JOIN-E2E".into(),
        client_id: format!("{name}-phone"),
        display_name: Some(name.into()),
        show_name: true,
    };
    let Ok(Redeemed::Token(answer)) = store.redeem(&request) else { panic!("{name} could not redeem") };
    let caller = store.authenticate(&answer.token).expect("auth").expect("a caller");
    let signals: Vec<elements_protocol::signal::Signal> = actions
        .into_iter()
        .enumerate()
        .map(|(i, action)| elements_protocol::signal::Signal {
            id: format!("{name}-{i}"),
            client_id: format!("{name}-phone"),
            seq: i as u64 + 1,
            schema_version: action.schema_version(),
            created_at: chrono_at(at),
            action,
        })
        .collect();
    let report = store.submit(caller, signals, chrono_at(at).to_utc()).await.expect("answered").expect("decided");
    report.results.into_iter().map(|r| r.outcome).collect()
}

/// Resizes the window and waits until the page has the new width.
pub async fn resize(c: &Client, w: u32, h: u32) {
    c.set_window_size(w, h).await.expect("resize");
    eventually(&format!("the window {w} wide"), WAIT, || async {
        let v = c.execute("return window.innerWidth", vec![]).await.ok()?;
        (v.as_u64()? == u64::from(w)).then_some(())
    })
    .await;
}

/// Clicks the element `css` finds (scrolled into view first: on a phone much is below the fold).
/// A screen that reloads between finding and clicking (live updates arrive at any time) replaces
/// the element, and content arriving above it (now/next above a just-opened agenda) can cover its
/// point: WebDriver then delivers no click and says so (stale, intercepted, not interactable), and
/// the element is found and aimed at again, until it holds still (bounded by [`WAIT`]). Any other
/// error fails the test, with its WebDriver status.
pub async fn tap(c: &Client, css: &str) {
    use fantoccini::error::{CmdError, ErrorStatus};
    let stale = |e: &CmdError| {
        matches!(e, CmdError::Standard(w) if matches!(w.error,
            ErrorStatus::StaleElementReference | ErrorStatus::ElementClickIntercepted | ErrorStatus::ElementNotInteractable))
    };
    eventually(&format!("{css} on screen and tapped"), WAIT, || async {
        let element = c.find(Locator::Css(css)).await.ok()?;
        // Aims (scrolls it to the middle) and listens for where the click lands: WebDriver clicks
        // at a point computed before the click, so a page that moves in between sends the tap
        // to whatever is there then. Such a tap must fail here, naming both, not 30 s later.
        let scrolled = c.execute(AIM, vec![serde_json::to_value(&element).expect("element"), json!(css)]).await;
        match scrolled.and(element.click().await) {
            Ok(_) => Some(()),
            Err(e) if stale(&e) => None,
            Err(e) => panic!("{css}: {e} ({e:?})"),
        }
    })
    .await;
    let landed = c.execute("return window.__e2eTap && window.__e2eTap.landed;", vec![]).await.ok();
    if let Some(elsewhere) = landed.as_ref().and_then(|v| v.as_str()).filter(|l| *l != "aimed") {
        panic!("the tap meant for {css} landed on {elsewhere}: the page moved between aiming and clicking");
    }
}

/// Scrolls `arguments[0]` to the middle and records where the next click lands: "aimed" when on
/// something `arguments[1]` selects (the element, or one that replaced it), else a description.
const AIM: &str = r#"
const [el, css] = arguments;
el.scrollIntoView({block: 'center'});
const tap = { landed: null };
window.__e2eTap = tap;
document.addEventListener('click', (e) => {
  if (window.__e2eTap !== tap || tap.landed !== null) return;
  const t = e.target instanceof Element ? e.target : e.target.parentElement;
  const hit = t && t.closest(css);
  tap.landed = hit ? 'aimed' : (t ? t.tagName.toLowerCase() + '[data-testid=' + (t.closest('[data-testid]') || t).getAttribute('data-testid') + '] "' + (t.textContent || '').trim().slice(0, 40) + '"' : 'nothing');
}, { capture: true, once: true });"#;

/// Opens an Element from the navigation and waits for its screen.
pub async fn open(c: &Client, kind: &str) {
    // Right after launch the shell may still be loading, or a screen still settling over it.
    eventually(&format!("the {kind} tab tapped"), WAIT, || async {
        c.find(Locator::Css(&format!("[data-testid=nav-{kind}]"))).await.ok()?.click().await.ok()
    })
    .await;
    eventually(&format!("the {kind} screen"), WAIT, || async {
        c.find(Locator::Css(&format!("[data-testid=element-{kind}], .{kind}"))).await.ok().map(|_| ())
    })
    .await;
}

/// Opens `link` as a desktop does: the app binary with the link as its only argument, the data
/// folder from the environment (as a person's default one would be). That launch must hand the
/// link to the app already running on `folder` and exit (a window of its own would never exit).
pub async fn second_launch(link: &str, folder: &std::path::Path) {
    let mut second = tokio::process::Command::new(env().app)
        .arg(link)
        .env("ELEMENTS_DATA_DIR", folder)
        .kill_on_drop(true)
        .spawn()
        .expect("second launch");
    let status = tokio::time::timeout(WAIT, second.wait())
        .await
        .expect("the second launch hands the link over and exits (a window of its own would never exit)")
        .expect("wait");
    assert!(status.success(), "second launch: {status}");
}
