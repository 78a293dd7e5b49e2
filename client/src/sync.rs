//! The sync engine: pulls each Element's changes feed from its backend into the cache.
//!
//! * One loop per Element, isolated: its own cursor, backoff with jitter and circuit breaker, so
//!   a dead backend never stalls the others ([`SyncEngine`]).
//! * A page and its cursor are stored in one transaction ([`Cache::apply_page`]).
//! * "Start over" (410) drops the Element's data and pulls from scratch, once per attempt.
//! * The cache lock is held only while applying a page, never across the network.
//! * Before pulling, each loop pushes its Element's outbox in batches ([`push`]); the answers
//!   are stored in one transaction, and decided signals are never sent again.
//! * A 401 drops the token and redeems the stored code again, once per request ([`authed`]).
//! * The live stream ([`LiveListener`]) applies poll results, leaderboards and announcements
//!   as they happen; the feeds carry the same state, so losing the stream loses nothing.

use std::io::BufRead;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use elements_protocol::auth::{RedeemRequest, RedeemResponse};
use elements_protocol::event::{ElementKind, Manifest};
use elements_protocol::live::LiveEvent;
use elements_protocol::signal::{
    Outcome, Reason, SignalBatch, SignalResult, SignalResults, MAX_BATCH, MAX_BATCH_BYTES,
};
use elements_protocol::sync::stored::StoredPage;
use elements_protocol::sync::{ManifestResponse, WireError, WireErrorCode, PROTOCOL_VERSION};

use crate::cache::{Cache, CacheError};
use crate::changes::{Changed, Changes};

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("cannot reach {url}: {detail}")]
    Unreachable { url: String, detail: String },
    #[error("{url} answered {status}{}: {message}", code.map(|c| format!(" ({c:?})")).unwrap_or_default())]
    Rejected { url: String, status: u16, code: Option<WireErrorCode>, message: String },
    #[error("{url} sent something that is not Element protocol v{PROTOCOL_VERSION}: {detail}")]
    Garbled { url: String, detail: String },
    #[error(transparent)]
    Cache(#[from] CacheError),
}

impl SyncError {
    /// Worth retrying later (network trouble, 5xx), as opposed to a request the backend refuses.
    pub fn is_transient(&self) -> bool {
        match self {
            SyncError::Unreachable { .. } | SyncError::Garbled { .. } => true,
            SyncError::Rejected { status, .. } => *status >= 500 || *status == 429,
            SyncError::Cache(_) => false,
        }
    }
}

/// One backend, spoken to over HTTP.
#[derive(Clone)]
pub struct Remote {
    http: reqwest::blocking::Client,
    base: String,
    trace: bool,
}

enum Fetched<T> {
    Fresh(T, Option<String>),
    NotModified,
}

impl Remote {
    pub fn new(base: &str, timeout: Duration) -> Result<Remote, SyncError> {
        let http = reqwest::blocking::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .user_agent(concat!("elements-app/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| SyncError::Unreachable { url: base.into(), detail: e.to_string() })?;
        Ok(Remote { http, base: base.trim_end_matches('/').to_string(), trace: false })
    }

    /// Prints a line to stderr per page pulled and batch pushed through this remote.
    pub fn traced(mut self, on: bool) -> Remote {
        self.trace = on;
        self
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// A person's photo (a JPEG of at most 256 KB), with the caller's token; `Ok(None)` when the
    /// backend does not give it to this caller (404).
    pub fn person_photo(&self, profile_id: &str, token: Option<&str>) -> Result<Option<Vec<u8>>, SyncError> {
        const MOST: u64 = 256 * 1024;
        let garbled = |detail: String| SyncError::Garbled { url: self.base.clone(), detail };
        let mut url = reqwest::Url::parse(&format!("{}/", self.base)).map_err(|e| garbled(e.to_string()))?;
        url.path_segments_mut()
            .map_err(|()| garbled("not a base URL".into()))?
            .pop_if_empty()
            .extend(["v1", "people", profile_id, "photo"]);
        let shown = url.to_string();
        let mut req = self.http.get(url);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().map_err(|e| SyncError::Unreachable { url: shown.clone(), detail: e.to_string() })?;
        let status = resp.status().as_u16();
        if status == 404 {
            return Ok(None);
        }
        if !(200..300).contains(&status) {
            let message: String = resp.text().unwrap_or_default().chars().take(200).collect();
            return Err(SyncError::Rejected { url: shown, status, code: None, message });
        }
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::Read::take(resp, MOST + 1), &mut bytes)
            .map_err(|e| SyncError::Unreachable { url: shown.clone(), detail: e.to_string() })?;
        if bytes.len() as u64 > MOST {
            return Err(garbled(format!("{shown}: a photo larger than {MOST} bytes")));
        }
        Ok(Some(bytes))
    }

    /// A floor's plan image, as the backend serves it (at most `plans::MAX_PLAN_BYTES`).
    pub fn floor_plan(&self, floor_id: &str) -> Result<Vec<u8>, SyncError> {
        let garbled = |detail: String| SyncError::Garbled { url: self.base.clone(), detail };
        let mut url = reqwest::Url::parse(&format!("{}/", self.base)).map_err(|e| garbled(e.to_string()))?;
        url.path_segments_mut()
            .map_err(|()| garbled("not a base URL".into()))?
            .pop_if_empty()
            .extend(["v1", "floors", floor_id, "plan"]);
        let shown = url.to_string();
        let resp = self
            .http
            .get(url)
            .send()
            .map_err(|e| SyncError::Unreachable { url: shown.clone(), detail: e.to_string() })?;
        let status = resp.status().as_u16();
        if !(200..300).contains(&status) {
            let message: String = resp.text().unwrap_or_default().chars().take(200).collect();
            return Err(SyncError::Rejected { url: shown, status, code: None, message });
        }
        if resp.content_length().is_some_and(|n| n > crate::plans::MAX_PLAN_BYTES as u64) {
            return Err(garbled(format!("{shown}: the plan is larger than {} bytes", crate::plans::MAX_PLAN_BYTES)));
        }
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::Read::take(resp, crate::plans::MAX_PLAN_BYTES as u64 + 1), &mut bytes)
            .map_err(|e| SyncError::Unreachable { url: shown.clone(), detail: e.to_string() })?;
        if bytes.len() > crate::plans::MAX_PLAN_BYTES {
            return Err(garbled(format!("{shown}: the plan is larger than {} bytes", crate::plans::MAX_PLAN_BYTES)));
        }
        Ok(bytes)
    }

    fn get<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
        etag: Option<&str>,
        token: Option<&str>,
    ) -> Result<Fetched<T>, SyncError> {
        let url = format!("{}{path}", self.base);
        let mut req = self.http.get(&url).query(query);
        if let Some(tag) = etag {
            req = req.header(reqwest::header::IF_NONE_MATCH, tag);
        }
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        self.finish(req, url)
    }

    fn post<B: serde::Serialize, T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        token: Option<&str>,
    ) -> Result<T, SyncError> {
        let url = format!("{}{path}", self.base);
        let mut req = self.http.post(&url).json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        match self.finish(req, url.clone())? {
            Fetched::Fresh(v, _) => Ok(v),
            Fetched::NotModified => Err(SyncError::Garbled { url, detail: "304 to a POST".into() }),
        }
    }

    fn finish<T: serde::de::DeserializeOwned>(
        &self,
        req: reqwest::blocking::RequestBuilder,
        url: String,
    ) -> Result<Fetched<T>, SyncError> {
        let resp = req.send().map_err(|e| SyncError::Unreachable { url: url.clone(), detail: e.to_string() })?;
        let status = resp.status().as_u16();
        if status == 304 {
            return Ok(Fetched::NotModified);
        }
        let new_etag = resp.headers().get(reqwest::header::ETAG).and_then(|v| v.to_str().ok()).map(str::to_string);
        // A body cut short by a reset shows up here, as a read error.
        let bytes = resp.bytes().map_err(|e| SyncError::Unreachable { url: url.clone(), detail: e.to_string() })?;
        if !(200..300).contains(&status) {
            let (code, message) = match serde_json::from_slice::<WireError>(&bytes) {
                Ok(w) => (Some(w.code), w.message),
                Err(_) => (None, String::from_utf8_lossy(&bytes).chars().take(200).collect()),
            };
            return Err(SyncError::Rejected { url, status, code, message });
        }
        let value = serde_json::from_slice(&bytes).map_err(|e| SyncError::Garbled { url, detail: e.to_string() })?;
        Ok(Fetched::Fresh(value, new_etag))
    }

    pub fn manifest(&self) -> Result<Manifest, SyncError> {
        self.manifest_since(None)?.map(|(m, _)| m).ok_or_else(|| SyncError::Garbled {
            url: format!("{}/v1/manifest", self.base),
            detail: "304 without If-None-Match".into(),
        })
    }

    /// The manifest and its ETag, or `None` when it is unchanged since `etag` (304).
    pub fn manifest_since(&self, etag: Option<&str>) -> Result<Option<(Manifest, Option<String>)>, SyncError> {
        Ok(self.manifest_with_unknown(etag)?.map(|(m, tag, _)| (m, tag)))
    }

    /// [`Remote::manifest_since`], plus the kinds of the Elements it enables that this app does
    /// not know (they are left out of the typed manifest).
    fn manifest_with_unknown(&self, etag: Option<&str>) -> Result<Option<FetchedManifest>, SyncError> {
        let url = || format!("{}/v1/manifest", self.base);
        match self.get::<serde_json::Value>("/v1/manifest", &[], etag, None)? {
            Fetched::Fresh(raw, tag) => {
                let unknown: Vec<String> = raw["manifest"]["elements"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|e| e["kind"].as_str())
                    .filter(|k| !ElementKind::ALL.iter().any(|known| known.as_str() == *k))
                    .map(str::to_string)
                    .collect();
                let m: ManifestResponse = serde_json::from_value(raw)
                    .map_err(|e| SyncError::Garbled { url: url(), detail: e.to_string() })?;
                if m.protocol_version != PROTOCOL_VERSION {
                    return Err(SyncError::Garbled {
                        url: url(),
                        detail: format!("protocol version {} (this app speaks {PROTOCOL_VERSION})", m.protocol_version),
                    });
                }
                Ok(Some((m.manifest, tag, unknown)))
            }
            Fetched::NotModified if etag.is_some() => Ok(None),
            Fetched::NotModified => Err(SyncError::Garbled { url: url(), detail: "304 without If-None-Match".into() }),
        }
    }
}

/// A manifest as read: the manifest, its ETag, and the Element kinds this app does not know.
type FetchedManifest = (Manifest, Option<String>, Vec<String>);

fn lock(cache: &Mutex<Cache>) -> std::sync::MutexGuard<'_, Cache> {
    // A panic while applying rolled its transaction back; the cache is consistent.
    cache.lock().unwrap_or_else(|p| p.into_inner())
}

/// Joins the event a backend serves: stores its manifest (replacing another event's data).
pub fn join(cache: &Mutex<Cache>, remote: &Remote) -> Result<Manifest, SyncError> {
    let (manifest, etag, unknown) = remote.manifest_with_unknown(None)?.ok_or_else(|| SyncError::Garbled {
        url: format!("{}/v1/manifest", remote.base()),
        detail: "304 without If-None-Match".into(),
    })?;
    lock(cache).set_manifest_read(&manifest, &format!("backend:{}", remote.base()), etag.as_deref(), &unknown)?;
    Ok(manifest)
}

/// Reads the manifest again (with `If-None-Match`): a renamed event, a new Element or a moved
/// `base_url` reaches a device that joined earlier. True when it changed.
pub fn refresh_manifest(cache: &Mutex<Cache>, remote: &Remote) -> Result<bool, SyncError> {
    let etag = lock(cache).manifest_etag()?;
    let Some((manifest, etag, unknown)) = remote.manifest_with_unknown(etag.as_deref())? else { return Ok(false) };
    let mut c = lock(cache);
    let changed = c.loaded_event()?.is_none_or(|e| e.manifest != manifest) || c.unknown_elements()? != unknown;
    // Stored either way: an unchanged manifest may come with a new ETag.
    c.set_manifest_read(&manifest, &format!("backend:{}", remote.base()), etag.as_deref(), &unknown)?;
    Ok(changed)
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PullReport {
    pub pages: u32,
    pub changes: usize,
    pub not_modified: bool,
    pub started_over: bool,
}

/// Pages through one Element's feed until the backend has nothing more (bounded).
///
/// Pipelined: while one page is being applied, the next is already on its way (each page
/// names the cursor for the next, so fetching need not wait for storing). A page and its cursor
/// are still stored together, in order; a failure stops both sides and keeps what was applied.
pub fn pull(
    cache: &Mutex<Cache>,
    remote: &Remote,
    element: ElementKind,
    page_size: u32,
) -> Result<PullReport, SyncError> {
    let mut report = PullReport::default();
    if element == ElementKind::People {
        // A token redeemed before this backend had people carries no badge: redeeming the
        // same code again yields the same participant, now with their profile id and badge.
        let credential = lock(cache).credential(remote.base())?;
        if credential.is_some_and(|c| c.token.is_some() && c.badge.is_none() && c.role.as_deref() != Some("kiosk")) {
            redeem(cache, remote)?;
        }
    }
    loop {
        match pull_pipelined(cache, remote, element, page_size, &mut report) {
            Err(SyncError::Rejected { code: Some(WireErrorCode::StartOver), .. }) if !report.started_over => {
                lock(cache).reset_element(element)?;
                report.started_over = true;
            }
            other => return other.map(|()| report),
        }
    }
}

/// The token to send to this backend now (redeeming the stored code if there is no token
/// yet), and whether there is a code to redeem again on a 401.
fn current_token(cache: &Mutex<Cache>, remote: &Remote) -> Result<(Option<String>, bool), SyncError> {
    let credential = lock(cache).credential(remote.base())?;
    match credential {
        None => Ok((None, false)),
        Some(c) => match c.token {
            Some(t) => Ok((Some(t), true)),
            None => Ok((redeem(cache, remote)?, true)),
        },
    }
}

fn pull_pipelined(
    cache: &Mutex<Cache>,
    remote: &Remote,
    element: ElementKind,
    page_size: u32,
    report: &mut PullReport,
) -> Result<(), SyncError> {
    let path = format!("/v1/elements/{}/changes", element.as_str());
    let (cursor, etag) = lock(cache).sync_position(element)?;
    let etag = etag.filter(|_| cursor.is_some());
    let days = lock(cache).programme_days()?;
    // A public feed is read without a token where this backend does not know the code (an
    // Element on another backend than the one the code came from): its data still arrives.
    let public = !element.feed_needs_token();
    let (mut token, has_code) = match current_token(cache, remote) {
        Err(e) if public && e.is_unauthorized() => (None, false),
        other => other?,
    };
    std::thread::scope(|scope| {
        // Two pages in flight at most: memory stays bounded on a large first sync.
        let (pages, arriving) = std::sync::mpsc::sync_channel::<Result<Fetched<StoredPage>, SyncError>>(2);
        let path = &path;
        scope.spawn(move || {
            let mut cursor = cursor;
            let mut etag = etag;
            for _ in 0..100_000 {
                let mut query = vec![("limit", page_size.to_string())];
                if let Some(c) = &cursor {
                    query.push(("cursor", c.clone()));
                }
                let mut fetched = remote.get::<StoredPage>(path, &query, etag.as_deref(), token.as_deref());
                if fetched.as_ref().err().is_some_and(SyncError::is_unauthorized) && has_code {
                    // The backend forgot the token: redeem the code again, once.
                    fetched = (|| {
                        lock(cache).drop_token(remote.base())?;
                        token = match redeem(cache, remote) {
                            Err(e) if public && e.is_unauthorized() => None,
                            other => other?,
                        };
                        remote.get::<StoredPage>(path, &query, etag.as_deref(), token.as_deref())
                    })();
                }
                let next = match &fetched {
                    Ok(Fetched::Fresh(page, _)) if page.more => Some(page.cursor.clone()),
                    _ => None,
                };
                if pages.send(fetched).is_err() {
                    return;
                }
                match next {
                    Some(c) => {
                        cursor = Some(c);
                        etag = None;
                    }
                    None => return,
                }
            }
        });
        for fetched in arriving {
            match fetched? {
                Fetched::NotModified => {
                    lock(cache).mark_fresh(element)?;
                    report.not_modified = true;
                    return Ok(());
                }
                Fetched::Fresh(page, new_etag) => {
                    if page.element != element {
                        return Err(SyncError::Garbled {
                            url: format!("{}{path}", remote.base()),
                            detail: format!("asked for {element:?}, got {:?}", page.element),
                        });
                    }
                    lock(cache).apply_page(
                        element,
                        remote.base(),
                        &days,
                        &page.changes,
                        &page.cursor,
                        new_etag.as_deref(),
                    )?;
                    report.pages += 1;
                    report.changes += page.changes.len();
                    if remote.trace {
                        eprintln!(
                            "elements: sync: {} page {} applied ({} changes)",
                            element.as_str(),
                            report.pages,
                            page.changes.len()
                        );
                    }
                    if !page.more {
                        return Ok(());
                    }
                }
            }
        }
        Err(SyncError::Garbled { url: format!("{}{path}", remote.base()), detail: "the feed never ended".into() })
    })
}

impl SyncError {
    fn is_unauthorized(&self) -> bool {
        matches!(self, SyncError::Rejected { status: 401, .. })
    }
}

/// Redeems the code stored for this backend, if there is one, and stores the token.
pub fn redeem(cache: &Mutex<Cache>, remote: &Remote) -> Result<Option<String>, SyncError> {
    let (credential, client_id) = {
        let mut c = lock(cache);
        (c.credential(remote.base())?, c.client_id()?)
    };
    let Some(credential) = credential else { return Ok(None) };
    let request =
        RedeemRequest { code: credential.code, client_id, display_name: credential.display_name, show_name: false };
    let answer: RedeemResponse = remote.post("/v1/auth/redeem", &request, None)?;
    lock(cache).set_token(remote.base(), &answer)?;
    Ok(Some(answer.token))
}

/// Runs `request` with this backend's token (redeeming the code first if there is no token
/// yet); on 401 drops the token, redeems again and retries once.
pub fn authed<T>(
    cache: &Mutex<Cache>,
    remote: &Remote,
    request: impl Fn(Option<&str>) -> Result<T, SyncError>,
) -> Result<T, SyncError> {
    let (token, has_code) = current_token(cache, remote)?;
    match request(token.as_deref()) {
        Err(e) if e.is_unauthorized() && has_code => {
            lock(cache).drop_token(remote.base())?;
            let fresh = redeem(cache, remote)?;
            request(fresh.as_deref())
        }
        other => other,
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PushReport {
    pub batches: u32,
    pub sent: usize,
    pub decided: usize,
    /// Signals are waiting but this device has no code for the backend: nothing was sent.
    pub no_credential: bool,
}

/// Sends `element`'s undecided signals of the event, oldest first, in batches, and stores the
/// backend's decisions. Bounded: stops when the outbox of this Element is empty.
pub fn push(
    cache: &Mutex<Cache>,
    remote: &Remote,
    event_id: &str,
    element: ElementKind,
) -> Result<PushReport, SyncError> {
    let mut report = PushReport::default();
    for _ in 0..100_000 {
        let batch = lock(cache).pending_signals(event_id, element, MAX_BATCH, MAX_BATCH_BYTES)?;
        if batch.is_empty() {
            return Ok(report);
        }
        if lock(cache).credential(remote.base())?.is_none() {
            report.no_credential = true;
            return Ok(report);
        }
        lock(cache).mark_attempt(&batch)?;
        let body = SignalBatch { signals: batch };
        let answer: SignalResults = match authed(cache, remote, |token| remote.post("/v1/signals", &body, token)) {
            // This device's role may not push signals here (a venue screen's kiosk token): that
            // will not change by retrying, so the backend's refusal is final for each of them.
            Err(SyncError::Rejected { status: 403, code: Some(WireErrorCode::Forbidden), message, .. }) => {
                SignalResults {
                    results: body
                        .signals
                        .iter()
                        .map(|s| SignalResult {
                            id: s.id.clone(),
                            outcome: Outcome::Rejected { reason: Reason::NotAllowed, message: message.clone() },
                        })
                        .collect(),
                }
            }
            other => other?,
        };
        let url = format!("{}/v1/signals", remote.base());
        let asked: std::collections::HashSet<&str> = body.signals.iter().map(|s| s.id.as_str()).collect();
        if answer.results.len() != body.signals.len() || answer.results.iter().any(|r| !asked.contains(r.id.as_str())) {
            return Err(SyncError::Garbled { url, detail: "the answer does not match the signals sent".into() });
        }
        let now = chrono::Utc::now().timestamp();
        let decided = lock(cache).record_outcomes(&answer.results, now)?;
        report.batches += 1;
        report.sent += body.signals.len();
        report.decided += decided;
        if remote.trace {
            eprintln!(
                "elements: sync: {} pushed {} signal(s), {decided} decided",
                element.as_str(),
                body.signals.len()
            );
        }
        if decided == 0 {
            // Every answer was for a signal already decided: nothing moved, stop rather than spin.
            return Ok(report);
        }
    }
    Ok(report)
}

/// One round for one Element: push its outbox, then pull its feed. The pull happens even when
/// the push failed (a backend that refuses this device's code still serves its public feed);
/// the first error is returned.
///
/// `changes` hears of the Element when the round stored anything (a decision on one of this
/// device's signals, a changed page), and of sync whenever the round moved something.
pub fn round(
    cache: &Mutex<Cache>,
    remote: &Remote,
    event_id: &str,
    element: ElementKind,
    page_size: u32,
    changes: &Changes,
) -> Result<PullReport, SyncError> {
    let pushed = push(cache, remote, event_id, element);
    let mut pulled = pull(cache, remote, element, page_size);
    if element == ElementKind::Map {
        // Floors arrive in the map feed; their plans are fetched beside it, once per revision.
        match (&mut pulled, fetch_plans(cache, remote)) {
            (Ok(report), Ok(plans)) => {
                report.changes += plans.stored;
                for problem in &plans.unusable {
                    // The organizer's file, not the network: said once per revision, not retried.
                    eprintln!("elements: {problem}");
                }
            }
            (Ok(_), Err(e)) => pulled = Err(e),
            (Err(_), _) => {}
        }
    }
    if element == ElementKind::People {
        // Photos travel apart from the feed, each fetched once per revision.
        match (&mut pulled, fetch_photos(cache, remote)) {
            (Ok(report), Ok(n)) => report.changes += n,
            (Ok(_), Err(e)) => pulled = Err(e),
            (Err(_), _) => {}
        }
    }
    let decided = pushed.as_ref().map_or(0, |p| p.decided);
    let stored = pulled.as_ref().is_ok_and(|p| p.changes > 0 || p.started_over);
    if decided > 0 || stored {
        changes.tell(Changed::Element(element));
        changes.tell(Changed::Sync);
    }
    pushed.and(pulled)
}

/// Fetches the photos the people feed names that this device lacks (at most 200 a round; the
/// rest next round), with this device's token. Answers how many it stored.
pub fn fetch_photos(cache: &Mutex<Cache>, remote: &Remote) -> Result<usize, SyncError> {
    let wanted = lock(cache).photos_wanted(200)?;
    let mut stored = 0;
    for (profile_id, rev) in wanted {
        let photo = authed(cache, remote, |token| remote.person_photo(&profile_id, token))?;
        lock(cache).store_photo(&profile_id, &rev, photo.as_deref())?;
        stored += 1;
    }
    Ok(stored)
}

/// What [`fetch_plans`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PlansFetched {
    /// Plans stored (new floors, new revisions).
    pub stored: usize,
    /// Plans the backend serves that cannot be drawn, each naming its floor and why. The floor
    /// keeps its last good plan; that revision is not fetched again.
    pub unusable: Vec<String>,
}

/// Downloads and stores the plan of every floor whose published revision the cache does not
/// have (a raster plan is cut into tiles here, once, before the cache is locked). A network
/// failure is an error (the next round retries); a plan that is not an SVG, PNG or JPEG is
/// reported, remembered and not fetched again until its revision changes.
pub fn fetch_plans(cache: &Mutex<Cache>, remote: &Remote) -> Result<PlansFetched, SyncError> {
    let (floors, stored) = {
        let store = lock(cache);
        (store.floors()?, store.stored_plans()?)
    };
    let mut report = PlansFetched::default();
    for floor in &floors {
        let Some(rev) = &floor.plan_rev else { continue };
        if stored.iter().any(|p| p.floor_id == floor.id && &p.rev == rev) {
            continue;
        }
        let refused_key = format!("plan.unusable.{}", floor.id);
        if lock(cache).preference(&refused_key)?.as_deref() == Some(rev.as_str()) {
            continue;
        }
        let bytes = remote.floor_plan(&floor.id)?;
        match crate::plans::prepare(&bytes) {
            Ok(plan) => {
                lock(cache).store_prepared_plan(&floor.id, rev, &plan)?;
                report.stored += 1;
            }
            Err(e) => {
                lock(cache).set_preference(&refused_key, Some(rev))?;
                report.unusable.push(format!("the plan of floor \"{}\" from {}: {e}", floor.id, remote.base()));
            }
        }
    }
    // Plans of floors the event no longer has go (a write only when there are such).
    let ids: Vec<String> = floors.iter().map(|f| f.id.clone()).collect();
    if !floors.is_empty() && stored.iter().any(|p| !ids.contains(&p.floor_id)) {
        lock(cache).drop_plans_except(&ids)?;
    }
    Ok(report)
}

/// Retry timing for one Element: exponential backoff with full jitter, and a circuit breaker
/// that waits a long cooldown after many failures in a row. Pure: the caller sleeps.
#[derive(Debug, Clone)]
pub struct Backoff {
    pub base: Duration,
    pub max: Duration,
    pub breaker_after: u32,
    pub cooldown: Duration,
    failures: u32,
    rng: u64,
}

impl Backoff {
    pub fn new(base: Duration, max: Duration, breaker_after: u32, cooldown: Duration, seed: u64) -> Backoff {
        Backoff { base, max, breaker_after, cooldown, failures: 0, rng: seed | 1 }
    }

    pub fn failures(&self) -> u32 {
        self.failures
    }

    pub fn is_open(&self) -> bool {
        self.failures >= self.breaker_after
    }

    pub fn on_success(&mut self) {
        self.failures = 0;
    }

    /// Records a failure and returns how long to wait before the next try.
    pub fn on_failure(&mut self) -> Duration {
        self.failures = self.failures.saturating_add(1);
        if self.is_open() {
            return self.cooldown;
        }
        let exp = self.base.saturating_mul(1u32 << self.failures.min(16)).min(self.max);
        // xorshift64: good enough to spread retries of many devices apart.
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        let fraction = (self.rng % 1000) as u32;
        exp.mul_f64(f64::from(fraction) / 1000.0).max(Duration::from_millis(1))
    }
}

/// Where one Element syncs from, and how often.
#[derive(Debug, Clone)]
pub struct Target {
    pub element: ElementKind,
    pub base_url: String,
    /// The event whose outbox this loop drains.
    pub event_id: String,
}

#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Between successful pulls: an idle refresh is one small request.
    pub interval: Duration,
    pub timeout: Duration,
    pub page_size: u32,
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    pub breaker_after: u32,
    pub breaker_cooldown: Duration,
    /// Print a line per page pulled and batch pushed to stderr (diagnostics; the crash tests
    /// use the lines as kill points).
    pub trace: bool,
    /// Told after a round stored something, after a live update, when the manifest changed.
    pub changes: Changes,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            interval: Duration::from_secs(30),
            timeout: Duration::from_secs(15),
            page_size: 500,
            backoff_base: Duration::from_secs(1),
            backoff_max: Duration::from_secs(60),
            breaker_after: 8,
            breaker_cooldown: Duration::from_secs(300),
            trace: std::env::var_os("ELEMENTS_SYNC_TRACE").is_some(),
            changes: Changes::default(),
        }
    }
}

/// What the loops wait on: a stop flag, and a counter bumped to wake them early.
#[derive(Debug, Default)]
struct Signals {
    stopped: bool,
    nudges: u64,
}

/// One thread per Element, each on its own timer; dropping or stopping the engine ends them.
pub struct SyncEngine {
    stop: Arc<(Mutex<Signals>, Condvar)>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl SyncEngine {
    pub fn start(cache: Arc<Mutex<Cache>>, targets: Vec<Target>, config: EngineConfig) -> SyncEngine {
        let stop = Arc::new((Mutex::new(Signals::default()), Condvar::new()));
        let threads = targets
            .into_iter()
            .enumerate()
            .map(|(i, target)| {
                let cache = cache.clone();
                let stop = stop.clone();
                let config = config.clone();
                std::thread::Builder::new()
                    .name(format!("sync-{}", target.element.as_str()))
                    .spawn(move || element_loop(&cache, &target, &config, &stop, i as u64))
                    .expect("spawning a sync thread")
            })
            .collect();
        SyncEngine { stop, threads }
    }

    pub fn stop(mut self) {
        self.shutdown();
    }

    /// Wakes every loop now (a new signal is in the outbox, or the live stream asked to resync).
    pub fn nudge(&self) {
        nudge(&self.stop);
    }

    /// Reads the manifest of `base_url` (the event's own backend) again every interval, with
    /// `If-None-Match`, and wakes every loop when it changed; it stops with the engine.
    pub fn watch_manifest(&self, cache: Arc<Mutex<Cache>>, base_url: String, config: EngineConfig) {
        let stop = self.stop.clone();
        let _ = std::thread::Builder::new().name("sync-manifest".into()).spawn(move || {
            let Ok(remote) = Remote::new(&base_url, config.timeout) else { return };
            let seed = time_seed(11);
            let mut backoff = Backoff::new(
                config.backoff_base,
                config.backoff_max,
                config.breaker_after,
                config.breaker_cooldown,
                seed,
            );
            while !pause(&stop, config.interval) {
                match refresh_manifest(&cache, &remote) {
                    Ok(changed) => {
                        backoff.on_success();
                        if changed {
                            config.changes.tell(Changed::Event);
                            nudge(&stop);
                        }
                    }
                    Err(_) => {
                        if pause(&stop, backoff.on_failure()) {
                            return;
                        }
                    }
                }
            }
        });
    }

    /// Starts listening to the live stream of `base_url`; it stops with the engine.
    pub fn listen_live(&self, cache: Arc<Mutex<Cache>>, base_url: String, config: EngineConfig) {
        let stop = self.stop.clone();
        // Detached: a read can block until the stream's keep-alive timeout, and nobody should
        // wait for that. It checks the stop flag before touching the cache.
        let _ = std::thread::Builder::new()
            .name("sync-live".into())
            .spawn(move || live_loop(&cache, &base_url, &config, &stop));
    }

    fn shutdown(&mut self) {
        let (flag, cv) = &*self.stop;
        flag.lock().unwrap_or_else(|p| p.into_inner()).stopped = true;
        cv.notify_all();
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl Drop for SyncEngine {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn nudge(stop: &(Mutex<Signals>, Condvar)) {
    let (flag, cv) = stop;
    flag.lock().unwrap_or_else(|p| p.into_inner()).nudges += 1;
    cv.notify_all();
}

fn stopped(stop: &(Mutex<Signals>, Condvar)) -> bool {
    stop.0.lock().unwrap_or_else(|p| p.into_inner()).stopped
}

/// Waits `wait`, or less if stopped or nudged; true when stopped.
fn pause(stop: &(Mutex<Signals>, Condvar), wait: Duration) -> bool {
    let (flag, cv) = stop;
    let guard = flag.lock().unwrap_or_else(|p| p.into_inner());
    let seen = guard.nudges;
    let (guard, _) =
        cv.wait_timeout_while(guard, wait, |s| !s.stopped && s.nudges == seen).unwrap_or_else(|p| p.into_inner());
    guard.stopped
}

/// A seed for a loop's retry jitter: the clock's nanoseconds (`fallback` without a clock), so
/// devices that failed together do not retry together.
fn time_seed(fallback: u64) -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(fallback)
}

/// The base URL `target`'s Element syncs from now: its manifest entry's `base_url`, else the
/// target's; `None` while the cached manifest does not enable it in a version this app knows.
fn current_base(cache: &Mutex<Cache>, target: &Target) -> Option<String> {
    let event = lock(cache).loaded_event().ok().flatten()?;
    let entry = event.manifest.elements.iter().find(|e| e.kind == target.element)?;
    if entry.version > elements_protocol::event::ELEMENT_VERSION {
        return None;
    }
    Some(entry.base_url.clone().unwrap_or_else(|| target.base_url.clone()))
}

fn element_loop(
    cache: &Mutex<Cache>,
    target: &Target,
    config: &EngineConfig,
    stop: &(Mutex<Signals>, Condvar),
    salt: u64,
) {
    let seed = time_seed(7) ^ (salt + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let mut backoff =
        Backoff::new(config.backoff_base, config.backoff_max, config.breaker_after, config.breaker_cooldown, seed);
    let mut remote: Option<(String, Result<Remote, SyncError>)> = None;
    let mut never_synced = true;
    loop {
        // Where this Element lives is the manifest's word, read each round: a manifest that
        // changed since the start moves it, switches it on or off.
        let Some(base_url) = current_base(cache, target) else {
            if pause(stop, config.interval) {
                return;
            }
            continue;
        };
        if remote.as_ref().is_none_or(|(base, _)| *base != base_url) {
            remote = Some((base_url.clone(), Remote::new(&base_url, config.timeout).map(|r| r.traced(config.trace))));
        }
        let outcome = match remote.as_ref().map(|(_, r)| r) {
            Some(Ok(remote)) => {
                round(cache, remote, &target.event_id, target.element, config.page_size, &config.changes)
            }
            Some(Err(e)) => Err(SyncError::Unreachable { url: base_url.clone(), detail: e.to_string() }),
            None => continue,
        };
        let wait = match outcome {
            Ok(_) => {
                // Starting or stopping to fail is news for the sync badge; another quiet
                // round is not.
                if backoff.failures() > 0 || never_synced {
                    config.changes.tell(Changed::Sync);
                }
                never_synced = false;
                backoff.on_success();
                config.interval
            }
            Err(e) => {
                let _ = lock(cache).record_failure(target.element, &base_url, &e.to_string());
                if backoff.failures() == 0 {
                    config.changes.tell(Changed::Sync);
                }
                backoff.on_failure()
            }
        };
        if pause(stop, wait) {
            return;
        }
    }
}

/// Reads the live stream of `base_url` and applies what it carries, reconnecting with backoff
/// while the engine runs. Needs a token: without a code for the backend it stays idle.
fn live_loop(cache: &Mutex<Cache>, base_url: &str, config: &EngineConfig, stop: &(Mutex<Signals>, Condvar)) {
    let seed = time_seed(3);
    let mut backoff =
        Backoff::new(config.backoff_base, config.backoff_max, config.breaker_after, config.breaker_cooldown, seed);
    // Reads block until an event or the server's keep-alive (every 15 s); three missed means dead.
    let Ok(remote) = Remote::new(base_url, Duration::from_secs(45)) else { return };
    while !stopped(stop) {
        let wait = match listen_once(cache, &remote, stop, &config.changes) {
            Ok(()) => {
                backoff.on_success();
                config.backoff_base
            }
            Err(_) => backoff.on_failure(),
        };
        if pause(stop, wait) {
            return;
        }
    }
}

/// One connection to the live stream, until it ends or fails.
fn listen_once(
    cache: &Mutex<Cache>,
    remote: &Remote,
    stop: &(Mutex<Signals>, Condvar),
    changes: &Changes,
) -> Result<(), SyncError> {
    let url = format!("{}/v1/live", remote.base());
    let resp = authed(cache, remote, |token| {
        let Some(token) = token else {
            return Err(SyncError::Rejected {
                url: url.clone(),
                status: 401,
                code: None,
                message: "no code for this backend".into(),
            });
        };
        let resp = remote
            .http
            .get(&url)
            .bearer_auth(token)
            .send()
            .map_err(|e| SyncError::Unreachable { url: url.clone(), detail: e.to_string() })?;
        let status = resp.status().as_u16();
        if status != 200 {
            return Err(SyncError::Rejected {
                url: url.clone(),
                status,
                code: None,
                message: "live stream refused".into(),
            });
        }
        Ok(resp)
    })?;
    let mut reader = std::io::BufReader::new(resp);
    let mut name = String::new();
    let mut data = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        let n = reader
            .read_line(&mut line)
            .map_err(|e| SyncError::Unreachable { url: url.clone(), detail: e.to_string() })?;
        if n == 0 || stopped(stop) {
            return Ok(());
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            // End of one event.
            match LiveEvent::parse(&name, &data) {
                Some(LiveEvent::Resync) => nudge(stop),
                Some(LiveEvent::Changed(entity)) => {
                    let applied = {
                        let mut c = lock(cache);
                        !stopped(stop) && c.apply_live(&entity)?
                    };
                    if applied {
                        changes.tell(Changed::Element(entity.kind().element()));
                    }
                }
                Some(LiveEvent::Hello { .. }) | None => {}
            }
            name.clear();
            data.clear();
        } else if let Some(v) = line.strip_prefix("event:") {
            name = v.trim().to_string();
        } else if let Some(v) = line.strip_prefix("data:") {
            data.push_str(v.strip_prefix(' ').unwrap_or(v));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_the_breaker_opens_then_resets() {
        let mut b = Backoff::new(Duration::from_millis(100), Duration::from_secs(10), 5, Duration::from_secs(300), 42);
        let mut ceilings = Vec::new();
        for n in 1..5u32 {
            let d = b.on_failure();
            let ceiling = Duration::from_millis(100) * (1 << n);
            assert!(d <= ceiling, "attempt {n}: {d:?} within {ceiling:?}");
            ceilings.push(d);
        }
        assert!(!b.is_open());
        assert_eq!(b.on_failure(), Duration::from_secs(300), "fifth failure opens the breaker");
        assert!(b.is_open());
        b.on_success();
        assert_eq!(b.failures(), 0);
        assert!(b.on_failure() <= Duration::from_millis(200));
        // Two devices with different seeds do not retry in lockstep.
        let mut x = Backoff::new(Duration::from_secs(1), Duration::from_secs(60), 99, Duration::ZERO, 1);
        let mut y = Backoff::new(Duration::from_secs(1), Duration::from_secs(60), 99, Duration::ZERO, 2);
        let xs: Vec<_> = (0..6).map(|_| x.on_failure()).collect();
        let ys: Vec<_> = (0..6).map(|_| y.on_failure()).collect();
        assert_ne!(xs, ys);
    }
}
