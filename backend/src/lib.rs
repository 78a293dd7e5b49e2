//! The reference Element backend.
//!
//! * [`store`] — the event and its change log behind the [`store::Store`] trait; SQLite (WAL)
//!   is the embedded default.
//! * [`http`] — the Element HTTP protocol (`elements_protocol::sync`) on axum.
//!
//! The binary (`src/main.rs`) adds the command line: `serve` and `import`.

pub mod analytics;
pub mod conformance;
pub mod follow;
pub mod http;
pub mod roster;
pub mod server;
pub mod store;
pub mod testing;

/// Text for HTML (an element's content or a quoted attribute): what the invitations and the
/// report put in pages, never markup of their own.
pub fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// The demo event that `serve` loads into an empty database.
pub const DEMO_EVENT_JSON: &str = include_str!("../../assets/demo-event/event.json");

/// The demo's floor plans, by the file name its floors give (`Floor::plan_image`).
pub const DEMO_PLANS: [(&str, &[u8]); 2] = [
    ("floor-0.svg", include_bytes!("../../assets/demo-event/floor-0.svg")),
    ("floor-1.svg", include_bytes!("../../assets/demo-event/floor-1.svg")),
];

/// The largest floor plan image served (the app accepts the same).
pub const MAX_PLAN_BYTES: usize = 64 * 1024 * 1024;

/// The content type of a floor plan image, from its first bytes: SVG, PNG or JPEG, nothing else
/// (an organizer's export named `.png` that is really a PDF is named as the problem).
pub fn plan_content_type(bytes: &[u8]) -> Result<&'static str, String> {
    if bytes.len() > MAX_PLAN_BYTES {
        return Err(format!("the plan is {} bytes; the largest served is {MAX_PLAN_BYTES}", bytes.len()));
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok("image/png");
    }
    if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        return Ok("image/jpeg");
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    if head.contains("<svg") {
        return Ok("image/svg+xml");
    }
    Err("a floor plan must be an SVG, PNG or JPEG image".into())
}
