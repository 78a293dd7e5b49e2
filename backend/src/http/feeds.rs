//! The feeds: the manifest and each Element's changes, paged, cached and answered `304` at the head.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use elements_protocol::event::ElementKind;
use elements_protocol::sync::{EntityKind, ManifestResponse, WireErrorCode, PROTOCOL_VERSION};
use serde::Deserialize;

use super::auth::{authorize, NameReaders, PeopleReaders, StaffReaders};
use super::pages::{accepts_gzip, gzip, not_modified, with_etag, CachedPage, PageKey};
use super::{blocking, error, AppState, DEFAULT_PAGE, MAX_PAGE};
use crate::store::StoreError;

pub(super) async fn manifest(State(state): State<AppState>, headers: HeaderMap) -> Response {
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
pub(super) struct ChangesQuery {
    cursor: Option<String>,
    limit: Option<String>,
}

pub(super) fn parse_element(name: &str) -> Option<ElementKind> {
    ElementKind::ALL.into_iter().filter(|k| k.has_feed()).find(|k| k.as_str() == name)
}

pub(super) async fn changes(
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
    // The people feed is each caller's own (see `store::people`), and venue screens get none:
    // they show a room to passers-by, not people.
    let reader = match element {
        ElementKind::People => match authorize::<PeopleReaders>(&state, &headers).await {
            Ok(caller) => Some(caller.participant_id),
            Err(r) => return r,
        },
        ElementKind::Staff => None,
        _ => None,
    };
    // The staff feed: the same for every token of a role (so its pages are cached per role),
    // each role the records its work needs (admissions for doors, desk codes for desks, the
    // live picture for organizers).
    let staff_role = match element {
        ElementKind::Staff => match authorize::<StaffReaders>(&state, &headers).await {
            Ok(caller) => Some(caller.role),
            Err(r) => return r,
        },
        _ => None,
    };
    // Leaderboards name only participants who opted in, and only to participants: a caller
    // without a (known) token gets the quests feed with every name left out.
    let redacted = element == ElementKind::Quests && authorize::<NameReaders>(&state, &headers).await.is_err();
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
        None => staff_role.map(|r| format!("-{}", r.as_str())).unwrap_or_default(),
    };
    let at_head = format!("\"c-{epoch}-{head}-{limit}{whose}\"");
    if after == head {
        if let Some(r) = not_modified(&headers, &at_head) {
            return r;
        }
    }
    let key = PageKey { element, redacted, role: staff_role, after, limit, head };
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
                if let Some(role) = staff_role {
                    page.changes = only_what_the_role_reads(&page.changes, role)?;
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

/// The changes (a JSON array) with `display_name` removed from every leaderboard entry.
/// The staff feed's changes a role may read ([`Role::reads`]); the cursor still moves past the
/// others, so paging is unchanged.
fn only_what_the_role_reads(changes: &str, role: elements_protocol::auth::Role) -> Result<String, StoreError> {
    let damaged =
        |e: serde_json::Error| StoreError::Damaged { what: "stored staff feed".into(), detail: e.to_string() };
    let list: Vec<serde_json::Value> = serde_json::from_str(changes).map_err(damaged)?;
    let kept: Vec<serde_json::Value> = list
        .into_iter()
        .filter(|change| {
            let kind = change["entity"]["kind"].as_str().or_else(|| change["kind"].as_str()).unwrap_or_default();
            EntityKind::ALL.into_iter().find(|k| k.as_str() == kind).is_some_and(|k| role.reads(k))
        })
        .collect();
    serde_json::to_string(&kept).map_err(damaged)
}

pub(super) fn without_leaderboard_names(changes: &str) -> Result<String, StoreError> {
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
