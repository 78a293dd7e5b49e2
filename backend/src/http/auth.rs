//! Who is calling: the bearer token's caller, and an extractor ([`Authed`]) by which a handler
//! states the roles it admits; redeeming a code for a token.

use std::marker::PhantomData;

use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use elements_protocol::auth::{RedeemRequest, Role};
use elements_protocol::sync::WireErrorCode;

use super::body::{parse_json, Body};
use super::rate::rate_limited;
use super::{blocking, error, AppState, PeerAddr};
use crate::store::{Caller, Redeemed};

/// The roles a route admits, and what it is called in a refusal ("pushing signals is for …").
pub trait Allowed {
    const ROLES: &'static [Role];
    const WHAT: &'static str;
}

/// Declares who may call what, once per route: the handler takes `Authed<That>`, and
/// [`super::ROUTES`] (held against `docs/openapi.json` by a test) reads the same `ROLES`.
macro_rules! who {
    ($( $(#[$doc:meta])* $name:ident = [$($role:ident),*] for $what:literal; )*) => {
        $(
            $(#[$doc])*
            pub struct $name;
            impl Allowed for $name {
                const ROLES: &'static [Role] = &[$(Role::$role),*];
                const WHAT: &'static str = $what;
            }
        )*
    };
}

who! {
    /// `POST /v1/signals`: every participant, staff included; each signal then by the role its
    /// kind admits (the actions table, `Sender::roles`).
    SignalSenders = [Organizer, Moderator, Door, Desk, Exhibitor, Attendee] for "pushing signals";
    /// `POST /v1/announcements`.
    Announcers = [Organizer] for "posting announcements";
    /// `POST /v1/polls/{poll_id}/reveal`.
    Revealers = [Organizer, Moderator] for "revealing poll results";
    /// `GET /v1/live` (staff records in it by role, `Role::reads`).
    LiveListeners = [Organizer, Moderator, Door, Desk, Exhibitor, Attendee, Kiosk] for "the live stream";
    /// `GET /v1/analytics`: the organizer's figures about the event, in aggregate.
    AnalyticsReaders = [Organizer] for "the analytics";
    /// `GET /v1/people/{profile_id}/photo`.
    PhotoViewers = [Organizer, Moderator, Door, Desk, Exhibitor, Attendee] for "a person's photo";
    /// The people feed: each caller's own; venue screens get none.
    PeopleReaders = [Organizer, Moderator, Door, Desk, Exhibitor, Attendee] for "the people directory";
    /// The staff feed: each staff role the records its work needs (`Role::reads`).
    StaffReaders = [Organizer, Moderator, Door, Desk, Exhibitor] for "the staff feed";
    /// Leaderboard names in the quests feed (without a token they are left out, not refused).
    NameReaders = [Organizer, Moderator, Door, Desk, Exhibitor, Attendee, Kiosk] for "names";
}

/// The caller of a request whose token's role `R` admits; otherwise the request is answered
/// 401 (no token, an unknown one) or 403 (another role) before the handler runs.
pub struct Authed<R> {
    pub caller: Caller,
    admits: PhantomData<R>,
}

impl<R: Allowed + Send + Sync> FromRequestParts<AppState> for Authed<R> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        authorize::<R>(state, &parts.headers).await.map(|caller| Authed { caller, admits: PhantomData })
    }
}

/// The caller behind the request's bearer token, if its role is one `R` allows.
pub(super) async fn authorize<R: Allowed>(state: &AppState, headers: &HeaderMap) -> Result<Caller, Response> {
    let (allowed, what) = (R::ROLES, R::WHAT);
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
            format!("{what} is for {} tokens; this one is {}", names.join(", "), caller.role.as_str()),
        ));
    }
    Ok(caller)
}

/// The token of an `Authorization: Bearer <token>` header. The scheme is case-insensitive
/// (RFC 9110 §11.1), so `bearer` and `BEARER` work too.
fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim_start().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

pub(super) async fn redeem(
    State(state): State<AppState>,
    peer: Option<axum::Extension<PeerAddr>>,
    body: Body,
) -> Response {
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
