//! Signal intake: a batch decided by the store, its live changes sent to listeners.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use elements_protocol::signal::{SignalBatch, SignalResults, MAX_BATCH};
use elements_protocol::sync::WireErrorCode;

use super::auth::{Authed, SignalSenders};
use super::body::{parse_json, Body};
use super::live::LiveItem;
use super::{error, AppState};

pub(super) async fn signals(
    State(state): State<AppState>,
    Authed { caller, .. }: Authed<SignalSenders>,
    body: Body,
) -> Response {
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
    // Work a role may not do (check-in for a moderator, announcements for an exhibitor, any
    // staff work for an attendee) is refused as a whole request, before anything is decided:
    // not hidden in an app, refused here. Who may send what is the actions table's word.
    if let Some(refused) = batch.signals.iter().find(|s| !s.action.allowed_for(caller.role)) {
        let kind = refused.action.kind();
        let roles: Vec<&str> = kind.sender().roles().iter().map(|r| r.as_str()).collect();
        return error(
            StatusCode::FORBIDDEN,
            WireErrorCode::Forbidden,
            format!(
                "{} is for {} tokens; this one is {} (signal {})",
                kind.as_str(),
                roles.join(", "),
                caller.role.as_str(),
                refused.id
            ),
        );
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
    super::ops::count_signals(&report.results);
    if report.results.iter().any(|r| matches!(r.outcome, elements_protocol::signal::Outcome::Accepted { .. })) {
        state.picture_stale.store(true, std::sync::atomic::Ordering::Release);
    }
    Json(SignalResults { results: report.results }).into_response()
}
