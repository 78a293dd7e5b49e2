//! The Element protocol over HTTP. This file is the routes and nothing else: each route with
//! the roles it admits ([`ROUTES`], held against `docs/openapi.json`) and its handler, which
//! lives with its area: `feeds.rs` (manifest, changes), `signals.rs` (intake), `staff.rs`
//! (announcements, reveal), `live.rs` (the live stream, the live picture), `media.rs` (plans,
//! photos), `auth.rs` (who is calling, redeeming codes). Around them: `body.rs` (the body
//! guard, JSON bodies), `pages.rs` (the page cache, ETags), `rate.rs` (rate limits).

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use elements_protocol::auth::Role;
use elements_protocol::event::ElementKind;
use elements_protocol::sync::{WireError, WireErrorCode};
use tokio::sync::broadcast;

use crate::store::{Store, StoreError};

mod auth;
mod body;
mod feeds;
mod live;
mod media;
pub mod ops;
mod pages;
mod rate;
mod signals;
mod staff;

pub use auth::{Allowed, Authed};
pub use body::{guard, MAX_BODY};
pub use live::LIVE_PICTURE_EVERY;

use auth::{AnalyticsReaders, Announcers, LiveListeners, PhotoViewers, Revealers, SignalSenders};

pub const DEFAULT_PAGE: u32 = 500;
pub const MAX_PAGE: u32 = 2000;

/// Who may call what. `None` means anyone, with or without a token; the roles are the ones the
/// route's handler admits through its [`Authed`] extractor. `docs/openapi.json` states the same
/// per operation (`x-roles`), and a test holds the two together.
pub const ROUTES: &[(Method, &str, Option<&[Role]>)] = &[
    (Method::GET, "/v1/manifest", None),
    (Method::GET, "/v1/floors/{floor_id}/plan", None),
    (Method::GET, "/v1/elements/{element}/changes", None),
    (Method::POST, "/v1/auth/redeem", None),
    (Method::POST, "/v1/signals", Some(SignalSenders::ROLES)),
    (Method::POST, "/v1/announcements", Some(Announcers::ROLES)),
    (Method::POST, "/v1/polls/{poll_id}/reveal", Some(Revealers::ROLES)),
    (Method::GET, "/v1/live", Some(LiveListeners::ROLES)),
    (Method::GET, "/v1/people/{profile_id}/photo", Some(PhotoViewers::ROLES)),
    (Method::GET, "/v1/analytics", Some(AnalyticsReaders::ROLES)),
];

/// Who may read the feeds that are not public (`GET /v1/elements/{element}/changes`): the
/// people feed (each caller's own) and the staff feed (each role what `Role::reads` gives it).
pub const FEED_READERS: &[(ElementKind, &[Role])] =
    &[(ElementKind::People, auth::PeopleReaders::ROLES), (ElementKind::Staff, auth::StaffReaders::ROLES)];

#[derive(Debug, Clone)]
pub struct Config {
    /// Pins the backend's clock (rehearsals and tests); the system clock when `None`.
    pub clock: Option<DateTime<Utc>>,
    /// Redeems allowed per client address per minute (bursts up to this many). A venue's Wi-Fi
    /// puts hundreds of people behind one address at doors-open, so this is generous.
    pub redeems_per_address_per_minute: u32,
    /// Redeems allowed per code per minute: bounds how fast one shared code or ticket can be
    /// turned into new participants or tokens.
    pub redeems_per_code_per_minute: u32,
    /// When set, `/metrics` is answered to this bearer token only; when not, to loopback and
    /// private-network addresses only.
    pub metrics_token: Option<String>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            clock: None,
            redeems_per_address_per_minute: 300,
            redeems_per_code_per_minute: 600,
            metrics_token: None,
        }
    }
}

/// The client's address, put on each request by `server::serve`.
#[derive(Debug, Clone, Copy)]
pub struct PeerAddr(pub std::net::IpAddr);

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    live: broadcast::Sender<live::LiveItem>,
    /// Signals were accepted since the live picture was last computed.
    picture_stale: Arc<std::sync::atomic::AtomicBool>,
    config: Config,
    pages: Arc<pages::PageCache>,
    redeems: Arc<rate::RateLimiter>,
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
    live::keep_the_live_picture(store.clone(), live.clone(), picture_stale.clone(), config.clone());
    live::hear_other_instances(store.as_ref(), live.clone(), picture_stale.clone());
    ops::install();
    ops::keep_up_with_imports(store.clone());
    Router::new()
        .route("/v1/manifest", get(feeds::manifest))
        .route("/v1/floors/{floor_id}/plan", get(media::floor_plan))
        .route("/v1/elements/{element}/changes", get(feeds::changes))
        .route("/v1/auth/redeem", post(auth::redeem))
        .route("/v1/signals", post(signals::signals))
        .route("/v1/announcements", post(staff::announce))
        .route("/v1/polls/{poll_id}/reveal", post(staff::reveal_poll))
        .route("/v1/live", get(live::live_stream))
        .route("/v1/people/{profile_id}/photo", get(media::person_photo))
        .route("/v1/analytics", get(staff::analytics))
        // For the operator, not the protocol: liveness, readiness, Prometheus metrics.
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        // Counted by the route matched (a layer on the routes, where the match is known).
        .route_layer(axum::middleware::from_fn(ops::count_requests))
        .fallback(|| async { error(StatusCode::NOT_FOUND, WireErrorCode::NotFound, "no such route in protocol v1") })
        .method_not_allowed_fallback(|method: Method| async move {
            let allowed: Vec<String> = ROUTES.iter().map(|(m, p, _)| format!("{m} {p}")).collect();
            error(
                StatusCode::METHOD_NOT_ALLOWED,
                WireErrorCode::BadRequest,
                format!("{method} is not used on this route; protocol v1 has {}", allowed.join(", ")),
            )
        })
        // Feed pages come compressed once and cached (`pages`); what is compressed here is made
        // per request (signal answers, staff views), so the fastest level: at the default level,
        // gzip was among the top costs in the intake benchmark's profile. Below a packet's size
        // compressing saves nothing on the wire.
        .layer(
            tower_http::compression::CompressionLayer::new()
                .quality(tower_http::CompressionLevel::Fastest)
                .compress_when(tower_http::compression::Predicate::and(
                    tower_http::compression::predicate::DefaultPredicate::new(),
                    tower_http::compression::predicate::SizeAbove::new(1400),
                )),
        )
        .with_state(AppState {
            store,
            live,
            picture_stale,
            config,
            pages: Arc::new(pages::PageCache::default()),
            redeems: Arc::new(rate::RateLimiter::default()),
        })
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
