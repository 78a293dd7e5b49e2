//! Feed pages cached and gzipped once per head, and the ETag answers (`304`) every feed gives.

use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use elements_protocol::event::ElementKind;

/// Feed pages as sent, gzipped once. When doors open, thousands of devices make the same first
/// sync (no cursor, same head): the backend reads and compresses each page once, not once per
/// device. Keyed by the feed's head, so a change to the feed never serves a stale page.
#[derive(Default)]
pub(super) struct PageCache {
    pages: std::sync::Mutex<std::collections::HashMap<PageKey, Arc<CachedPage>>>,
}

#[derive(Clone, PartialEq, Eq, Hash)]
pub(super) struct PageKey {
    pub(super) element: ElementKind,
    /// Leaderboard names left out: the page as an anonymous caller gets it.
    pub(super) redacted: bool,
    /// The staff feed is cut to what each role reads.
    pub(super) role: Option<elements_protocol::auth::Role>,
    pub(super) after: i64,
    pub(super) limit: u32,
    pub(super) head: i64,
}

pub(super) struct CachedPage {
    pub(super) json: Bytes,
    pub(super) gzip: Bytes,
    pub(super) more: bool,
}

impl PageCache {
    /// Bounded: beyond this many pages the cache starts over (old heads are dead weight anyway).
    const MOST: usize = 512;

    pub(super) fn get(&self, key: &PageKey) -> Option<Arc<CachedPage>> {
        self.pages.lock().unwrap_or_else(|p| p.into_inner()).get(key).cloned()
    }

    pub(super) fn put(&self, key: PageKey, page: Arc<CachedPage>) {
        let mut pages = self.pages.lock().unwrap_or_else(|p| p.into_inner());
        if pages.len() >= Self::MOST {
            pages.clear();
        }
        pages.insert(key, page);
    }
}

pub(super) fn gzip(bytes: &[u8]) -> Bytes {
    use std::io::Write;
    let mut encoder =
        flate2::write::GzEncoder::new(Vec::with_capacity(bytes.len() / 6), flate2::Compression::default());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    Bytes::from(encoder.finish().unwrap_or_default())
}

pub(super) fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).any(|v| {
        v.split(',').any(|part| {
            let mut it = part.split(';');
            let name = it.next().unwrap_or("").trim();
            let refused = it.any(|q| q.trim().replace(' ', "") == "q=0");
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
    })
}

/// Answers 304 when the client already holds this exact answer.
pub(super) fn not_modified(headers: &HeaderMap, etag: &str) -> Option<Response> {
    let sent = headers.get(header::IF_NONE_MATCH)?.to_str().ok()?;
    sent.split(',').any(|t| t.trim() == etag).then(|| {
        let mut r = StatusCode::NOT_MODIFIED.into_response();
        if let Ok(v) = HeaderValue::from_str(etag) {
            r.headers_mut().insert(header::ETAG, v);
        }
        r
    })
}

pub(super) fn with_etag(mut r: Response, etag: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(etag) {
        r.headers_mut().insert(header::ETAG, v);
    }
    r
}
