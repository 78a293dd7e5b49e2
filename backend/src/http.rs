//! The Element HTTP protocol on axum. Routes, status codes and bodies are described in
//! `docs/protocol.md`; every error body is a [`WireError`].

// Handlers answer with a Response on either path; boxing the error side would buy nothing.
#![allow(clippy::result_large_err)]

use std::convert::Infallible;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use elements_protocol::auth::{AnnouncementRequest, RedeemRequest, Role};
use elements_protocol::event::ElementKind;
use elements_protocol::live::LiveEvent;
use elements_protocol::signal::{SignalBatch, SignalResults, MAX_BATCH};
use elements_protocol::sync::{Entity, ManifestResponse, WireError, WireErrorCode, PROTOCOL_VERSION};
use serde::Deserialize;
use tokio::sync::broadcast;

use crate::store::{Caller, Redeemed, Store, StoreError};

pub const DEFAULT_PAGE: u32 = 500;
pub const MAX_PAGE: u32 = 2000;

/// Who may call what. `None` means anyone, with or without a token. `docs/openapi.json`
/// states the same per operation (`x-roles`), and a test holds the two together.
pub const ROUTES: &[(Method, &str, Option<&[Role]>)] = &[
    (Method::GET, "/v1/manifest", None),
    (Method::GET, "/v1/floors/{floor_id}/plan", None),
    (Method::GET, "/v1/elements/{element}/changes", None),
    (Method::POST, "/v1/auth/redeem", None),
    (Method::POST, "/v1/signals", Some(&[Role::Attendee, Role::Staff])),
    (Method::POST, "/v1/announcements", Some(&[Role::Staff])),
    (Method::POST, "/v1/polls/{poll_id}/reveal", Some(&[Role::Staff])),
    (Method::GET, "/v1/live", Some(&[Role::Attendee, Role::Staff, Role::Kiosk])),
    (Method::GET, "/v1/people/{profile_id}/photo", Some(&[Role::Attendee, Role::Staff])),
];

fn roles_of(method: &Method, path: &str) -> Option<&'static [Role]> {
    ROUTES.iter().find(|(m, p, _)| m == method && *p == path).and_then(|(_, _, roles)| *roles)
}

#[derive(Debug, Clone, Copy)]
pub struct Config {
    /// Pins the backend's clock (rehearsals and tests); the system clock when `None`.
    pub clock: Option<DateTime<Utc>>,
    /// Redeems allowed per client address per minute (bursts up to this many). A venue's Wi-Fi
    /// puts hundreds of people behind one address at doors-open, so this is generous.
    pub redeems_per_address_per_minute: u32,
    /// Redeems allowed per code per minute: bounds how fast one shared code or ticket can be
    /// turned into new participants or tokens.
    pub redeems_per_code_per_minute: u32,
}

impl Default for Config {
    fn default() -> Config {
        Config { clock: None, redeems_per_address_per_minute: 300, redeems_per_code_per_minute: 600 }
    }
}

/// The client's address, put on each request by `server::serve`.
#[derive(Debug, Clone, Copy)]
pub struct PeerAddr(pub std::net::IpAddr);

/// Token buckets by key (an address, a code): `per_minute` requests, refilled continuously.
#[derive(Default)]
struct RateLimiter {
    buckets: std::sync::Mutex<std::collections::HashMap<String, (f64, std::time::Instant)>>,
}

impl RateLimiter {
    /// Beyond this many keys, full buckets are forgotten (they are the same as new ones).
    const MOST_KEYS: usize = 100_000;

    /// `Ok` and one token taken, or the seconds until one is there.
    fn take(&self, key: &str, per_minute: u32) -> Result<(), u64> {
        let per_minute = f64::from(per_minute.max(1));
        let now = std::time::Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() >= Self::MOST_KEYS {
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * per_minute / 60.0 < per_minute
            });
        }
        let (tokens, at) = buckets.entry(key.to_string()).or_insert((per_minute, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * per_minute / 60.0).min(per_minute);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) * 60.0 / per_minute).ceil().max(1.0) as u64)
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    live: broadcast::Sender<LiveItem>,
    /// Signals were accepted since the live picture was last computed.
    picture_stale: Arc<std::sync::atomic::AtomicBool>,
    config: Config,
    pages: Arc<PageCache>,
    redeems: Arc<RateLimiter>,
}

/// Feed pages as sent, gzipped once. When doors open, thousands of devices make the same first
/// sync (no cursor, same head): the backend reads and compresses each page once, not once per
/// device. Keyed by the feed's head, so a change to the feed never serves a stale page.
#[derive(Default)]
struct PageCache {
    pages: std::sync::Mutex<std::collections::HashMap<PageKey, Arc<CachedPage>>>,
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct PageKey {
    element: ElementKind,
    /// Leaderboard names left out: the page as an anonymous caller gets it.
    redacted: bool,
    after: i64,
    limit: u32,
    head: i64,
}

struct CachedPage {
    json: Bytes,
    gzip: Bytes,
    more: bool,
}

impl PageCache {
    /// Bounded: beyond this many pages the cache starts over (old heads are dead weight anyway).
    const MOST: usize = 512;

    fn get(&self, key: &PageKey) -> Option<Arc<CachedPage>> {
        self.pages.lock().unwrap_or_else(|p| p.into_inner()).get(key).cloned()
    }

    fn put(&self, key: PageKey, page: Arc<CachedPage>) {
        let mut pages = self.pages.lock().unwrap_or_else(|p| p.into_inner());
        if pages.len() >= Self::MOST {
            pages.clear();
        }
        pages.insert(key, page);
    }
}

fn gzip(bytes: &[u8]) -> Bytes {
    use std::io::Write;
    let mut encoder =
        flate2::write::GzEncoder::new(Vec::with_capacity(bytes.len() / 6), flate2::Compression::default());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    Bytes::from(encoder.finish().unwrap_or_default())
}

fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).any(|v| {
        v.split(',').any(|part| {
            let mut it = part.split(';');
            let name = it.next().unwrap_or("").trim();
            let refused = it.any(|q| q.trim().replace(' ', "") == "q=0");
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
    })
}

impl AppState {
    fn now(&self) -> DateTime<Utc> {
        self.config.clock.unwrap_or_else(Utc::now)
    }
}

pub fn router(store: Arc<dyn Store>) -> Router {
    router_with(store, Config::default())
}

pub fn router_with(store: Arc<dyn Store>, config: Config) -> Router {
    // A slow live listener that falls this far behind is told to resync from the feeds.
    let (live, _) = broadcast::channel(1024);
    let picture_stale = Arc::new(std::sync::atomic::AtomicBool::new(true));
    keep_the_live_picture(store.clone(), live.clone(), picture_stale.clone(), config);
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/v1/manifest", get(manifest))
        .route("/v1/floors/{floor_id}/plan", get(floor_plan))
        .route("/v1/elements/{element}/changes", get(changes))
        .route("/v1/auth/redeem", post(redeem))
        .route("/v1/signals", post(signals))
        .route("/v1/announcements", post(announce))
        .route("/v1/polls/{poll_id}/reveal", post(reveal_poll))
        .route("/v1/live", get(live_stream))
        .route("/v1/people/{profile_id}/photo", get(person_photo))
        .fallback(|| async { error(StatusCode::NOT_FOUND, WireErrorCode::NotFound, "no such route in protocol v1") })
        .method_not_allowed_fallback(|method: Method| async move {
            let allowed: Vec<String> = ROUTES.iter().map(|(m, p, _)| format!("{m} {p}")).collect();
            error(
                StatusCode::METHOD_NOT_ALLOWED,
                WireErrorCode::BadRequest,
                format!("{method} is not used on this route; protocol v1 has {}", allowed.join(", ")),
            )
        })
        .layer(tower_http::compression::CompressionLayer::new())
        .with_state(AppState {
            store,
            live,
            picture_stale,
            config,
            pages: Arc::new(PageCache::default()),
            redeems: Arc::new(RateLimiter::default()),
        })
}

/// What the live stream carries: an entity, for everyone who may listen or for some
/// participants only (an announcement to one room).
#[derive(Clone)]
struct LiveItem {
    entity: Entity,
    only: Option<Arc<std::collections::HashSet<String>>>,
}

impl LiveItem {
    fn all(entity: Entity) -> LiveItem {
        LiveItem { entity, only: None }
    }
}

/// How often, at most, the organizer's live picture is computed again (when signals arrived).
pub const LIVE_PICTURE_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

/// Computes the live picture again at most every [`LIVE_PICTURE_EVERY`] while signals arrive,
/// and sends it to staff listeners: the dashboards update live without every signal paying
/// for the counting. Runs on the runtime the router is built on (none: nothing to keep).
fn keep_the_live_picture(
    store: Arc<dyn Store>,
    live: broadcast::Sender<LiveItem>,
    stale: Arc<std::sync::atomic::AtomicBool>,
    config: Config,
) {
    use std::sync::atomic::Ordering;
    let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
    runtime.spawn(async move {
        let mut every = tokio::time::interval(LIVE_PICTURE_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            if !stale.swap(false, Ordering::AcqRel) || store.manifest().ok().flatten().is_none() {
                continue;
            }
            let store = store.clone();
            let now = config.clock.unwrap_or_else(Utc::now);
            match tokio::task::spawn_blocking(move || store.publish_live_picture(now)).await {
                Ok(Ok(picture)) => {
                    let _ = live.send(LiveItem::all(picture));
                }
                Ok(Err(e)) => eprintln!("elements-backend: the live picture could not be computed: {e}"),
                Err(e) => eprintln!("elements-backend: the live picture's task failed: {e}"),
            }
        }
    });
}

/// The caller behind the request's bearer token, if its role may call `method path`.
async fn authorize(
    state: &AppState,
    headers: &HeaderMap,
    allowed: &'static [Role],
    what: &str,
) -> Result<Caller, Response> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer_token)
        .filter(|t| !t.is_empty())
        .map(str::to_string);
    let Some(token) = token else {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            WireErrorCode::Unauthorized,
            format!("{what} needs a token: redeem your ticket or join code at POST /v1/auth/redeem"),
        ));
    };
    let store = state.store.clone();
    let known = store.known_caller(&token);
    let caller = match known {
        Some(c) => Some(c),
        None => blocking(move || store.authenticate(&token)).await?,
    };
    let caller = caller.ok_or_else(|| {
        error(
            StatusCode::UNAUTHORIZED,
            WireErrorCode::Unauthorized,
            "this token is not known here (any more): redeem your ticket or join code again",
        )
    })?;
    if !allowed.contains(&caller.role) {
        let names: Vec<&str> = allowed.iter().map(|r| r.as_str()).collect();
        return Err(error(
            StatusCode::FORBIDDEN,
            WireErrorCode::Forbidden,
            format!("{what} is for {} tokens; this one is {}", names.join(" and "), caller.role.as_str()),
        ));
    }
    Ok(caller)
}

/// The most a request body may carry.
pub const MAX_BODY: usize = 2 * 1024 * 1024;

/// Runs before every route (installed by `server::serve`): a body announced larger than
/// [`MAX_BODY`] is refused at once, before any of it is read, and a body must arrive within the
/// body-read timeout, so a client that announces a body and sends nothing holds nothing for long.
pub async fn guard(
    State(limits): State<crate::server::Limits>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let announced = request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).map(str::trim);
    if let Some(announced) = announced {
        match announced.parse::<u64>() {
            Ok(n) if n > MAX_BODY as u64 => {
                // Up to twice the limit, read the body and drop it before answering, so the
                // client is still listening when the 413 arrives (closing on unread data resets
                // the connection, and the answer is lost). Anything larger is answered at once.
                if n <= 2 * MAX_BODY as u64 {
                    let body = request.into_body();
                    let _ =
                        tokio::time::timeout(limits.body_read_timeout, axum::body::to_bytes(body, 2 * MAX_BODY)).await;
                }
                return error(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    WireErrorCode::TooLarge,
                    "the body is larger than 2 MB; send less at once",
                );
            }
            Ok(_) => {}
            Err(_) => {
                return error(StatusCode::BAD_REQUEST, WireErrorCode::BadRequest, "Content-Length is not a number")
            }
        }
    }
    let (parts, body) = request.into_parts();
    let read = tokio::time::timeout(limits.body_read_timeout, axum::body::to_bytes(body, MAX_BODY)).await;
    let bytes = match read {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(_)) => {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                WireErrorCode::TooLarge,
                "the body is larger than 2 MB or was cut short; send less at once",
            )
        }
        Err(_) => {
            return error(
                StatusCode::REQUEST_TIMEOUT,
                WireErrorCode::BadRequest,
                format!("the body did not arrive within {} s", limits.body_read_timeout.as_secs()),
            )
        }
    };
    next.run(axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes))).await
}

/// The token of an `Authorization: Bearer <token>` header. The scheme is case-insensitive
/// (RFC 9110 §11.1), so `bearer` and `BEARER` work too.
fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim_start().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// A request body as sent, or what was wrong with it (too large, cut short) as a [`WireError`].
type Body = Result<Bytes, axum::extract::rejection::BytesRejection>;

fn parse_json<T: serde::de::DeserializeOwned>(body: Body, what: &str) -> Result<T, Response> {
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            error(
                StatusCode::PAYLOAD_TOO_LARGE,
                WireErrorCode::TooLarge,
                "the body is larger than 2 MB; send less at once",
            )
        } else {
            error(
                StatusCode::BAD_REQUEST,
                WireErrorCode::BadRequest,
                format!("the body could not be read: {rejection}"),
            )
        }
    })?;
    serde_json::from_slice(&body).map_err(|e| {
        error(StatusCode::BAD_REQUEST, WireErrorCode::BadRequest, format!("the body is not a valid {what}: {e}"))
    })
}

fn rate_limited(wait_seconds: u64, what: &str) -> Response {
    let mut r = error(
        StatusCode::TOO_MANY_REQUESTS,
        WireErrorCode::RateLimited,
        format!("too many {what}; try again in {wait_seconds} s"),
    );
    if let Ok(v) = HeaderValue::from_str(&wait_seconds.to_string()) {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

async fn redeem(State(state): State<AppState>, peer: Option<axum::Extension<PeerAddr>>, body: Body) -> Response {
    if let Some(axum::Extension(PeerAddr(ip))) = peer {
        if let Err(wait) = state.redeems.take(&format!("address {ip}"), state.config.redeems_per_address_per_minute) {
            return rate_limited(wait, "codes redeemed from this address");
        }
    }
    let request: RedeemRequest = match parse_json(body, "redeem request") {
        Ok(r) => r,
        Err(r) => return r,
    };
    // Length only: a code of spaces is simply not a code of this event (401), and a device may
    // name itself as it likes.
    let fits = |s: &str| !s.is_empty() && s.chars().count() <= 200;
    if !fits(&request.code) || !fits(&request.client_id) {
        return error(
            StatusCode::BAD_REQUEST,
            WireErrorCode::BadRequest,
            "code and client_id must be 1 to 200 characters",
        );
    }
    if request.display_name.as_deref().is_some_and(|n| n.chars().count() > 60) {
        return error(StatusCode::BAD_REQUEST, WireErrorCode::BadRequest, "display_name must be at most 60 characters");
    }

    if let Err(wait) = state.redeems.take(&format!("code {}", request.code), state.config.redeems_per_code_per_minute) {
        return rate_limited(wait, "redeems of this code");
    }
    let store = state.store.clone();
    match blocking(move || store.redeem(&request)).await {
        Ok(Redeemed::Token(answer)) => Json(answer).into_response(),
        Ok(Redeemed::Full { max_devices }) => error(
            StatusCode::FORBIDDEN,
            WireErrorCode::Forbidden,
            format!(
                "this join code already admitted its {max_devices} devices; join with the code on your personal ticket, or ask at the info desk"
            ),
        ),
        Ok(Redeemed::UnknownCode) => error(
            StatusCode::UNAUTHORIZED,
            WireErrorCode::Unauthorized,
            "this code is not valid for this event: check the ticket or scan the event's join QR again",
        ),
        Err(r) => r,
    }
}

async fn signals(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    let roles = roles_of(&Method::POST, "/v1/signals").unwrap_or(&[]);
    let caller = match authorize(&state, &headers, roles, "pushing signals").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let batch: SignalBatch = match parse_json(body, "signal batch") {
        Ok(b) => b,
        Err(r) => return r,
    };
    if batch.signals.len() > MAX_BATCH {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            WireErrorCode::TooLarge,
            format!("{} signals in one batch; send at most {MAX_BATCH}", batch.signals.len()),
        );
    }
    // Staff work (check-ins, the reward desk) is refused to every other token as a whole
    // request, before anything is decided: not hidden in an app, refused here.
    if caller.role != Role::Staff {
        if let Some(staff) = batch.signals.iter().find(|s| s.action.is_staff_action()) {
            let kind = serde_json::to_value(&staff.action)
                .ok()
                .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_string))
                .unwrap_or_default();
            return error(
                StatusCode::FORBIDDEN,
                WireErrorCode::Forbidden,
                format!("{kind} is for staff tokens; this one is {} (signal {})", caller.role.as_str(), staff.id),
            );
        }
    }
    let report = match state.store.submit(caller, batch.signals, state.now()).await {
        Ok(Ok(r)) => r,
        Ok(Err(detail)) => return error(StatusCode::INTERNAL_SERVER_ERROR, WireErrorCode::Internal, detail),
        Err(_) => {
            return error(StatusCode::INTERNAL_SERVER_ERROR, WireErrorCode::Internal, "the signal intake stopped")
        }
    };
    for entity in report.live {
        // Nobody listening is fine: the feeds carry the same state.
        let _ = state.live.send(LiveItem::all(entity));
    }
    for (entity, whom) in report.targeted {
        let _ = state.live.send(LiveItem { entity, only: Some(Arc::new(whom.into_iter().collect())) });
    }
    if report.results.iter().any(|r| matches!(r.outcome, elements_protocol::signal::Outcome::Accepted { .. })) {
        state.picture_stale.store(true, std::sync::atomic::Ordering::Release);
    }
    Json(SignalResults { results: report.results }).into_response()
}

async fn announce(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    let roles = roles_of(&Method::POST, "/v1/announcements").unwrap_or(&[]);
    if let Err(r) = authorize(&state, &headers, roles, "posting announcements").await {
        return r;
    }
    let request: AnnouncementRequest = match parse_json(body, "announcement") {
        Ok(a) => a,
        Err(r) => return r,
    };
    // Counted as sent: trailing spaces are characters the backend had to read too.
    let text = request.text.trim().to_string();
    if text.is_empty() || request.text.chars().count() > 500 {
        return error(StatusCode::BAD_REQUEST, WireErrorCode::BadRequest, "text must be 1 to 500 characters");
    }
    let now = state.now();
    let store = state.store.clone();
    match blocking(move || store.announce(&text, now)).await {
        Ok(a) => {
            let _ = state.live.send(LiveItem::all(Entity::Announcement(a.clone())));
            (StatusCode::CREATED, Json(a)).into_response()
        }
        Err(r) => r,
    }
}

/// Staff reveal a poll's hidden results: the result with its counts, published in the voting
/// feed and the live stream at once (and from then on with every vote).
async fn reveal_poll(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Path(poll_id): axum::extract::Path<String>,
) -> Response {
    let roles = roles_of(&Method::POST, "/v1/polls/{poll_id}/reveal").unwrap_or(&[]);
    if let Err(r) = authorize(&state, &headers, roles, "revealing poll results").await {
        return r;
    }
    let now = state.now();
    let store = state.store.clone();
    let id = poll_id.clone();
    match blocking(move || store.reveal_poll(&id, now)).await {
        Ok(Some(result)) => {
            let _ = state.live.send(LiveItem::all(Entity::PollResult(result.clone())));
            Json(result).into_response()
        }
        Ok(None) => error(
            StatusCode::NOT_FOUND,
            WireErrorCode::NotFound,
            &format!("there is no poll \"{}\" in this event", poll_id.chars().take(200).collect::<String>()),
        ),
        Err(r) => r,
    }
}

/// Server-sent events: `poll_result`, `leaderboard` and `announcement`, each carrying the
/// entity as JSON (the same shape as in the feeds); `resync` when this listener fell behind.
async fn live_stream(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let roles = roles_of(&Method::GET, "/v1/live").unwrap_or(&[]);
    let (staff, me) = match authorize(&state, &headers, roles, "the live stream").await {
        Ok(caller) => (caller.role == Role::Staff, caller.participant_id),
        Err(r) => return r,
    };
    let rx = state.live.subscribe();
    let sse = |e: LiveEvent| Event::default().event(e.name()).data(e.data());
    // Sent first, so a client knows the stream is up (and can stop polling as eagerly).
    let hello = sse(LiveEvent::Hello { protocol_version: PROTOCOL_VERSION });
    let me: Arc<str> = Arc::from(me);
    let stream = futures_util::stream::unfold((Some(hello), rx), move |(first, mut rx)| {
        let me = me.clone();
        async move {
            if let Some(hello) = first {
                return Some((Ok::<_, Infallible>(hello), (None, rx)));
            }
            // What is for staff (the live picture) reaches staff listeners only, and what is for
            // some participants (an announcement to one room) reaches them only.
            let event = loop {
                match rx.recv().await {
                    Ok(item) if item.entity.kind().is_for_staff() && !staff => continue,
                    Ok(LiveItem { only: Some(whom), .. }) if !whom.contains(&*me) => continue,
                    Ok(item) => break sse(LiveEvent::Changed(item.entity)),
                    Err(broadcast::error::RecvError::Lagged(_)) => break sse(LiveEvent::Resync),
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
            };
            Some((Ok(event), (None, rx)))
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::default()).into_response()
}

fn error(status: StatusCode, code: WireErrorCode, message: impl Into<String>) -> Response {
    (status, Json(WireError { code, message: message.into() })).into_response()
}

fn internal(e: StoreError) -> Response {
    error(StatusCode::INTERNAL_SERVER_ERROR, WireErrorCode::Internal, e.to_string())
}

/// Runs blocking store work off the async workers.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, Response> {
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(internal(e)),
        Err(e) => Err(error(StatusCode::INTERNAL_SERVER_ERROR, WireErrorCode::Internal, e.to_string())),
    }
}

/// The changes (a JSON array) with `display_name` removed from every leaderboard entry.
fn without_leaderboard_names(changes: &str) -> Result<String, StoreError> {
    let damaged =
        |e: serde_json::Error| StoreError::Damaged { what: "stored quests feed".into(), detail: e.to_string() };
    let mut list: Vec<serde_json::Value> = serde_json::from_str(changes).map_err(damaged)?;
    for change in &mut list {
        let entity = &mut change["entity"];
        if entity["kind"] == "leaderboard" {
            if let Some(entries) = entity["body"]["entries"].as_array_mut() {
                for entry in entries.iter_mut().filter_map(|e| e.as_object_mut()) {
                    entry.remove("display_name");
                }
            }
        }
    }
    serde_json::to_string(&list).map_err(damaged)
}

/// Answers 304 when the client already holds this exact answer.
fn not_modified(headers: &HeaderMap, etag: &str) -> Option<Response> {
    let sent = headers.get(header::IF_NONE_MATCH)?.to_str().ok()?;
    sent.split(',').any(|t| t.trim() == etag).then(|| {
        let mut r = StatusCode::NOT_MODIFIED.into_response();
        if let Ok(v) = HeaderValue::from_str(etag) {
            r.headers_mut().insert(header::ETAG, v);
        }
        r
    })
}

fn with_etag(mut r: Response, etag: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(etag) {
        r.headers_mut().insert(header::ETAG, v);
    }
    r
}

async fn manifest(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let store = state.store.clone();
    let manifest = match blocking(move || store.manifest()).await {
        Ok(Some(m)) => m,
        Ok(None) => {
            return error(
                StatusCode::SERVICE_UNAVAILABLE,
                WireErrorCode::NoEvent,
                "no event is loaded; run `elements-backend import FILE`",
            )
        }
        Err(r) => return r,
    };
    let body = ManifestResponse { protocol_version: PROTOCOL_VERSION, manifest };
    let text = serde_json::to_string(&body).unwrap_or_default();
    let etag = format!("\"m-{:016x}\"", elements_domain::fingerprint(&text));
    if let Some(r) = not_modified(&headers, &etag) {
        return r;
    }
    with_etag(Json(body).into_response(), &etag)
}

/// A floor's plan image, public like the map feed that names it. The revision is the ETag.
async fn floor_plan(State(state): State<AppState>, Path(floor_id): Path<String>, headers: HeaderMap) -> Response {
    let store = state.store.clone();
    let plan = match blocking(move || store.plan(&floor_id)).await {
        Ok(Some(p)) => p,
        Ok(None) => return error(StatusCode::NOT_FOUND, WireErrorCode::NotFound, "this floor has no plan"),
        Err(r) => return r,
    };
    let etag = format!("\"p-{}\"", plan.rev);
    if let Some(r) = not_modified(&headers, &etag) {
        return r;
    }
    let mut response = ([(axum::http::header::CONTENT_TYPE, plan.content_type)], plan.bytes).into_response();
    // Plans are pictures, never documents: an SVG must not run script if opened directly.
    response.headers_mut().insert(
        axum::http::header::CONTENT_SECURITY_POLICY,
        axum::http::HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
    );
    with_etag(response, &etag)
}

/// A person's photo, to those its owner shows it to (404 to everyone else, as if there were
/// none). The revision is the ETag; photos never change under one.
async fn person_photo(State(state): State<AppState>, Path(profile_id): Path<String>, headers: HeaderMap) -> Response {
    let roles = roles_of(&Method::GET, "/v1/people/{profile_id}/photo").unwrap_or(&[]);
    let caller = match authorize(&state, &headers, roles, "a person's photo").await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let store = state.store.clone();
    let photo = match blocking(move || store.photo(&caller.participant_id, &profile_id)).await {
        Ok(Some(p)) => p,
        Ok(None) => return error(StatusCode::NOT_FOUND, WireErrorCode::NotFound, "no photo of this person here"),
        Err(r) => return r,
    };
    let (rev, bytes) = photo;
    let etag = format!("\"{rev}\"");
    if let Some(r) = not_modified(&headers, &etag) {
        return r;
    }
    let mut response = ([(header::CONTENT_TYPE, "image/jpeg")], bytes).into_response();
    response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'"));
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=31536000, immutable"));
    with_etag(response, &etag)
}

#[derive(Deserialize)]
struct ChangesQuery {
    cursor: Option<String>,
    limit: Option<String>,
}

fn parse_element(name: &str) -> Option<ElementKind> {
    ElementKind::ALL.into_iter().filter(|k| k.has_feed()).find(|k| k.as_str() == name)
}

async fn changes(
    State(state): State<AppState>,
    element: Result<Path<String>, axum::extract::rejection::PathRejection>,
    query: Result<Query<ChangesQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
) -> Response {
    // axum answers these in plain text; the protocol promises a WireError body everywhere.
    let Path(element) = match element {
        Ok(p) => p,
        Err(e) => {
            return error(
                StatusCode::NOT_FOUND,
                WireErrorCode::NotFound,
                format!("no such Element feed: {}", e.body_text()),
            )
        }
    };
    let Query(q) = match query {
        Ok(q) => q,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                WireErrorCode::BadRequest,
                format!("the query is not cursor=…&limit=… once each: {}", e.body_text()),
            )
        }
    };
    let Some(element) = parse_element(&element) else {
        let known: Vec<&str> = ElementKind::ALL.iter().filter(|k| k.has_feed()).map(|k| k.as_str()).collect();
        return error(
            StatusCode::NOT_FOUND,
            WireErrorCode::NotFound,
            format!("no feed for Element \"{element}\"; feeds here: {}", known.join(", ")),
        );
    };
    const ANY: &[Role] = &[Role::Attendee, Role::Staff, Role::Kiosk];
    // The people feed is each caller's own (see `store::people`), and venue screens get none:
    // they show a room to passers-by, not people.
    const PEOPLE: &[Role] = &[Role::Attendee, Role::Staff];
    let reader = match element {
        ElementKind::People => match authorize(&state, &headers, PEOPLE, "the people directory").await {
            Ok(caller) => Some(caller.participant_id),
            Err(r) => return r,
        },
        // The same for every staff token (so its pages are cached like a public feed's).
        ElementKind::Staff => match authorize(&state, &headers, &[Role::Staff], "the staff feed").await {
            Ok(_) => None,
            Err(r) => return r,
        },
        _ => None,
    };
    // Leaderboards name only participants who opted in, and only to participants: a caller
    // without a (known) token gets the quests feed with every name left out.
    let redacted = element == ElementKind::Quests && authorize(&state, &headers, ANY, "names").await.is_err();
    let limit = match q.limit.as_deref().map(str::parse::<u32>) {
        None => DEFAULT_PAGE,
        Some(Ok(n)) if (1..=MAX_PAGE).contains(&n) => n,
        Some(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                WireErrorCode::BadRequest,
                format!("limit must be a number from 1 to {MAX_PAGE}"),
            )
        }
    };
    let epoch = state.store.epoch().to_string();
    // A cursor is opaque to clients: one this backend did not issue (another epoch, or not a
    // cursor at all) means "start over", never a dead end.
    let after = match q.cursor.as_deref().filter(|c| !c.is_empty()) {
        None => 0,
        Some(c) => match c.split_once(':').filter(|(e, _)| *e == epoch).and_then(|(_, seq)| seq.parse::<i64>().ok()) {
            Some(n) if n >= 0 => n,
            _ => {
                return error(
                    StatusCode::GONE,
                    WireErrorCode::StartOver,
                    "this cursor is not one this backend issued (another epoch of its database?): drop this Element's data and pull without a cursor",
                )
            }
        },
    };
    let store = state.store.clone();
    let whose = reader.clone();
    let head = match blocking(move || match whose {
        Some(p) => store.people_head(&p),
        None => store.head(element),
    })
    .await
    {
        Ok(h) => h,
        Err(r) => return r,
    };
    if after > head {
        return error(
            StatusCode::GONE,
            WireErrorCode::StartOver,
            "this cursor is ahead of the backend (was its database replaced?): pull again without a cursor",
        );
    }
    // "You are at the head": sent with the page that ends the feed, so the client's next request
    // (with that page's cursor) is answered 304 while nothing new arrives.
    let whose = match &reader {
        Some(p) => format!("-{:016x}", elements_domain::fingerprint(p)),
        None if redacted => "-anonymous".to_string(),
        None => String::new(),
    };
    let at_head = format!("\"c-{epoch}-{head}-{limit}{whose}\"");
    if after == head {
        if let Some(r) = not_modified(&headers, &at_head) {
            return r;
        }
    }
    let key = PageKey { element, redacted, after, limit, head };
    // Pages of the people feed are per caller: never shared through the page cache.
    let cached = if reader.is_some() { None } else { state.pages.get(&key) };
    let page = match cached {
        Some(p) => p,
        None => {
            let store = state.store.clone();
            let whose = reader.clone();
            let built = blocking(move || {
                let mut page = match whose {
                    Some(p) => store.people_changes_json(&p, after, limit)?,
                    None => store.changes_json(element, after, limit)?,
                };
                if redacted {
                    page.changes = without_leaderboard_names(&page.changes)?;
                }
                // A ChangesPage, field for field, with the stored entities spliced in as they
                // are: a first sync of a large event would otherwise decode and re-encode every
                // entity here. (tests/backend/http.rs decodes these pages as `ChangesPage`.)
                let json = format!(
                    r#"{{"element":{},"changes":{},"cursor":{},"more":{}}}"#,
                    serde_json::to_string(&element).unwrap_or_default(),
                    page.changes,
                    serde_json::to_string(&format!("{epoch}:{}", page.last_seq)).unwrap_or_default(),
                    page.more
                );
                let gzip = gzip(json.as_bytes());
                Ok(Arc::new(CachedPage { json: Bytes::from(json), gzip, more: page.more }))
            })
            .await;
            match built {
                Ok(p) => {
                    if reader.is_none() {
                        state.pages.put(key, p.clone());
                    }
                    p
                }
                Err(r) => return r,
            }
        }
    };
    let mut response = if accepts_gzip(&headers) {
        // Already compressed: the compression layer leaves responses with an encoding alone.
        (
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CONTENT_ENCODING, "gzip"),
                (header::VARY, "accept-encoding"),
            ],
            page.gzip.clone(),
        )
            .into_response()
    } else {
        ([(header::CONTENT_TYPE, "application/json")], page.json.clone()).into_response()
    };
    if !page.more {
        response = with_etag(response, &at_head);
    }
    response
}
