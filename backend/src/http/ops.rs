//! What an operator asks the server: is it alive (`/healthz`), should it get traffic (`/readyz`),
//! and how it is doing (`/metrics`, Prometheus text). Plus the middleware that counts every
//! request by route and status and times it.
//!
//! Metric names (all prefixed `elements_`): `http_requests_total{method,route,status}`,
//! `http_request_duration_seconds{method,route}` (histogram), `signals_total{outcome,reason}`,
//! `live_listeners`, `intake_queue_depth`, `database_bytes`.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use elements_protocol::sync::WireErrorCode;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use super::{blocking, error, AppState, PeerAddr};

/// The process's one Prometheus recorder (the `metrics` facade is global).
fn prometheus() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        // From a 304 answered from memory (~100 µs) to a slow batch under load.
        let buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];
        let recorder = PrometheusBuilder::new().set_buckets(&buckets).expect("non-empty buckets").build_recorder();
        let handle = recorder.handle();
        // Another recorder already installed (a test process embedding two servers uses this
        // one for both): the handle still renders what this recorder holds.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// Makes the recorder exist before the first request is counted.
pub fn install() {
    let _ = prometheus();
}

/// Counts and times every request by the route it matched (not the raw path: ids would make
/// the label set unbounded).
pub async fn count_requests(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_string();
    let route = request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_string());
    let response = next.run(request).await;
    let route = route.unwrap_or_else(|| "unmatched".to_string());
    let code = response.status().as_u16();
    let took = started.elapsed();
    if code >= 500 {
        tracing::warn!(%method, %route, status = code, ms = took.as_millis() as u64, "request failed");
    } else {
        tracing::debug!(%method, %route, status = code, ms = took.as_millis() as u64, "request");
    }
    let status = code.to_string();
    metrics::counter!("elements_http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("elements_http_request_duration_seconds", "method" => method, "route" => route)
        .record(took.as_secs_f64());
    response
}

pub(super) async fn healthz() -> &'static str {
    "ok"
}

/// Ready when the database answers and the server is not draining: a load balancer takes a
/// stopping instance out before its connections close.
pub(super) async fn readyz(
    State(state): State<AppState>,
    draining: Option<axum::Extension<crate::server::Draining>>,
) -> Response {
    if draining.is_some_and(|axum::Extension(d)| *d.0.borrow()) {
        return (StatusCode::SERVICE_UNAVAILABLE, "stopping").into_response();
    }
    let store = state.store.clone();
    match blocking(move || store.manifest()).await {
        Ok(Some(_)) => "ready".into_response(),
        Ok(None) => (StatusCode::SERVICE_UNAVAILABLE, "no event is loaded").into_response(),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "the database does not answer").into_response(),
    }
}

/// Prometheus text. For the venue's own network: answered to loopback and private-network
/// addresses, or to anyone with the configured metrics token.
pub(super) async fn metrics(
    State(state): State<AppState>,
    peer: Option<axum::Extension<PeerAddr>>,
    headers: HeaderMap,
) -> Response {
    let token_ok = state.config.metrics_token.as_deref().is_some_and(|want| {
        headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|got| constant_time_eq(got.trim().as_bytes(), want.as_bytes()))
    });
    let private = peer.is_none_or(|axum::Extension(PeerAddr(ip))| is_private(ip));
    if !(token_ok || private && state.config.metrics_token.is_none()) {
        return error(
            StatusCode::FORBIDDEN,
            WireErrorCode::Forbidden,
            "metrics are for the venue's network, or for a bearer token set with --metrics-token",
        );
    }
    let store = state.store.clone();
    if let Ok(health) = blocking(move || store.health()).await {
        metrics::gauge!("elements_intake_queue_depth").set(health.intake_queue as f64);
        metrics::gauge!("elements_database_bytes").set(health.database_bytes as f64);
    }
    let handle = prometheus();
    handle.run_upkeep();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], handle.render()).into_response()
}

fn is_private(ip: std::net::IpAddr) -> bool {
    match ip {
        std::net::IpAddr::V4(v4) => v4.is_loopback() || v4.is_private() || v4.is_link_local(),
        std::net::IpAddr::V6(v6) => {
            v6.is_loopback()
                || (v6.segments()[0] & 0xfe00) == 0xfc00
                || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback() || v4.is_private())
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// How often the server looks for an `import` (or a new code) committed to its database by
/// another process.
pub const OUTSIDE_CHANGES_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

/// An import into the served database takes effect within [`OUTSIDE_CHANGES_EVERY`]: the
/// feeds read the database anyway; the rules' facts in memory are read again here.
pub(super) fn keep_up_with_imports(store: std::sync::Arc<dyn crate::store::Store>) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
    runtime.spawn(async move {
        let mut every = tokio::time::interval(OUTSIDE_CHANGES_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            let store = store.clone();
            match tokio::task::spawn_blocking(move || store.notice_outside_changes()).await {
                Ok(Ok(true)) => {
                    tracing::info!("the database changed from outside (an import?): the event's rules follow")
                }
                Ok(Ok(false)) => {}
                Ok(Err(e)) => tracing::error!(error = %e, "could not read the database's changes from outside"),
                Err(e) => tracing::error!(error = %e, "the task reading outside changes failed"),
            }
        }
    });
}

/// Counts a decided batch's outcomes.
pub(super) fn count_signals(results: &[elements_protocol::signal::SignalResult]) {
    use elements_protocol::signal::Outcome;
    for r in results {
        let (outcome, reason) = match &r.outcome {
            Outcome::Accepted { .. } => ("accepted", ""),
            Outcome::Rejected { reason, .. } => ("rejected", reason.as_str()),
            Outcome::Duplicate { .. } => ("duplicate", ""),
        };
        metrics::counter!("elements_signals_total", "outcome" => outcome, "reason" => reason).increment(1);
    }
}

/// Held by each open live stream: the listeners gauge counts them.
pub(super) struct Listening;

impl Listening {
    pub(super) fn start() -> Listening {
        metrics::gauge!("elements_live_listeners").increment(1.0);
        Listening
    }
}

impl Drop for Listening {
    fn drop(&mut self) {
        metrics::gauge!("elements_live_listeners").decrement(1.0);
    }
}
