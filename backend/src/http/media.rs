//! Files the feeds name: floor plans (public) and people's photos (to whom their owner shows them).

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use elements_protocol::sync::WireErrorCode;

use super::auth::{Authed, PhotoViewers};
use super::pages::{not_modified, with_etag};
use super::{blocking, error, AppState};

/// A floor's plan image, public like the map feed that names it. The revision is the ETag.
pub(super) async fn floor_plan(
    State(state): State<AppState>,
    Path(floor_id): Path<String>,
    headers: HeaderMap,
) -> Response {
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
pub(super) async fn person_photo(
    State(state): State<AppState>,
    Authed { caller, .. }: Authed<PhotoViewers>,
    Path(profile_id): Path<String>,
    headers: HeaderMap,
) -> Response {
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
