//! Staff's routes: announcements and revealing a poll's results.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use elements_protocol::auth::AnnouncementRequest;
use elements_protocol::sync::{Entity, WireErrorCode};

use super::auth::{Announcers, Authed, Revealers};
use super::body::{parse_json, Body};
use super::live::LiveItem;
use super::{blocking, error, AppState};

pub(super) async fn announce(State(state): State<AppState>, _: Authed<Announcers>, body: Body) -> Response {
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
pub(super) async fn reveal_poll(
    State(state): State<AppState>,
    _: Authed<Revealers>,
    Path(poll_id): Path<String>,
) -> Response {
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

/// The analytics Element's figures, counted now: aggregate only, none from fewer than five.
pub(super) async fn analytics(State(state): State<AppState>, _: Authed<super::AnalyticsReaders>) -> Response {
    let now = state.now();
    let store = state.store.clone();
    match blocking(move || store.analytics(now)).await {
        Ok(Some(report)) => Json(report).into_response(),
        Ok(None) => error(StatusCode::NOT_FOUND, WireErrorCode::NotFound, "no event is loaded"),
        Err(r) => r,
    }
}
