//! Request bodies: the guard that refuses an oversized or stalled body before any of it is read,
//! and JSON bodies read with a [`WireError`](elements_protocol::sync::WireError) naming what is wrong.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::Response;
use elements_protocol::sync::WireErrorCode;

use super::error;

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

/// A request body as sent, or what was wrong with it (too large, cut short) as a [`WireError`].
pub(super) type Body = Result<Bytes, axum::extract::rejection::BytesRejection>;

pub(super) fn parse_json<T: serde::de::DeserializeOwned>(body: Body, what: &str) -> Result<T, Response> {
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
