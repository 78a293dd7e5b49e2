//! Rate limits: token buckets by key (a client address, a code).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use elements_protocol::sync::WireErrorCode;

use super::error;

/// Token buckets by key (an address, a code): `per_minute` requests, refilled continuously.
#[derive(Default)]
pub(super) struct RateLimiter {
    buckets: std::sync::Mutex<std::collections::HashMap<String, (f64, std::time::Instant)>>,
}

impl RateLimiter {
    /// Beyond this many keys, full buckets are forgotten (they are the same as new ones).
    const MOST_KEYS: usize = 100_000;

    /// `Ok` and one token taken, or the seconds until one is there.
    pub(super) fn take(&self, key: &str, per_minute: u32) -> Result<(), u64> {
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

pub(super) fn rate_limited(wait_seconds: u64, what: &str) -> Response {
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
