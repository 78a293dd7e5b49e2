//! The Element HTTP protocol on axum. Routes, status codes and bodies are described in
//! `docs/protocol.md`; every error body is a [`WireError`].

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use elements_protocol::event::ElementKind;
use elements_protocol::sync::{ChangesPage, ManifestResponse, WireError, WireErrorCode, PROTOCOL_VERSION};
use serde::Deserialize;

use crate::store::{Store, StoreError};

pub const DEFAULT_PAGE: u32 = 500;
pub const MAX_PAGE: u32 = 2000;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
}

pub fn router(store: Arc<dyn Store>) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/v1/manifest", get(manifest))
        .route("/v1/elements/{element}/changes", get(changes))
        .fallback(|| async { error(StatusCode::NOT_FOUND, WireErrorCode::NotFound, "no such route in protocol v1") })
        .layer(tower_http::compression::CompressionLayer::new())
        .with_state(AppState { store })
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

#[derive(Deserialize)]
struct ChangesQuery {
    cursor: Option<String>,
    limit: Option<String>,
}

fn parse_element(name: &str) -> Option<ElementKind> {
    ElementKind::ALL.into_iter().find(|k| k.as_str() == name)
}

async fn changes(
    State(state): State<AppState>,
    Path(element): Path<String>,
    Query(q): Query<ChangesQuery>,
    headers: HeaderMap,
) -> Response {
    let Some(element) = parse_element(&element) else {
        let known: Vec<&str> = ElementKind::ALL.iter().map(|k| k.as_str()).collect();
        return error(
            StatusCode::NOT_FOUND,
            WireErrorCode::NotFound,
            format!("no Element \"{element}\"; this backend knows {}", known.join(", ")),
        );
    };
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
    let after = match q.cursor.as_deref().filter(|c| !c.is_empty()) {
        None => 0,
        Some(c) => match c.split_once(':') {
            Some((e, seq)) if e == epoch => match seq.parse::<i64>() {
                Ok(n) if n >= 0 => n,
                _ => {
                    return error(
                        StatusCode::BAD_REQUEST,
                        WireErrorCode::BadRequest,
                        format!("cursor \"{c}\" is malformed"),
                    )
                }
            },
            Some(_) => return error(
                StatusCode::GONE,
                WireErrorCode::StartOver,
                "this cursor is from another epoch of the backend: drop this Element's data and pull without a cursor",
            ),
            None => {
                return error(
                    StatusCode::BAD_REQUEST,
                    WireErrorCode::BadRequest,
                    format!("cursor \"{c}\" is malformed"),
                )
            }
        },
    };
    let store = state.store.clone();
    let head = match blocking(move || store.head(element)).await {
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
    let at_head = format!("\"c-{epoch}-{head}-{limit}\"");
    if after == head {
        if let Some(r) = not_modified(&headers, &at_head) {
            return r;
        }
    }
    let store = state.store.clone();
    let page = match blocking(move || store.changes(element, after, limit)).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let more = page.more;
    let body = ChangesPage { element, changes: page.changes, cursor: format!("{epoch}:{}", page.last_seq), more };
    let response = Json(body).into_response();
    if more {
        return response;
    }
    with_etag(response, &at_head)
}
