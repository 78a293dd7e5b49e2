//! `docs/openapi.json` is kept true: its routes and roles are the router's, its enums are the
//! protocol crate's, its examples parse as the protocol types and re-encode identically, and
//! every status the running backend gives to a bare request is one the document lists.

use std::collections::BTreeSet;

use elements_backend::http::ROUTES;
use elements_protocol::auth::{AnnouncementRequest, RedeemRequest, RedeemResponse, Role};
use elements_protocol::event::ElementKind;
use elements_protocol::live::{Announcement, Leaderboard, PollResult};
use elements_protocol::signal::{Reason, SignalBatch, SignalResults};
use elements_protocol::sync::{ChangesPage, EntityKind, WireError, WireErrorCode};
use serde_json::Value;

fn spec() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/openapi.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("read docs/openapi.json")).expect("valid JSON")
}

fn names<T: serde::Serialize>(values: impl IntoIterator<Item = T>) -> BTreeSet<String> {
    values
        .into_iter()
        .map(|v| serde_json::to_value(v).expect("encode").as_str().expect("a string enum").to_string())
        .collect()
}

fn documented_enum(spec: &Value, schema: &str) -> BTreeSet<String> {
    spec["components"]["schemas"][schema]["enum"]
        .as_array()
        .unwrap_or_else(|| panic!("schema {schema} has an enum"))
        .iter()
        .map(|v| v.as_str().expect("string").to_string())
        .collect()
}

// Listing variants by hand would drift silently; a match without a wildcard fails to compile
// when a variant is added, pointing here.
fn all_wire_codes() -> Vec<WireErrorCode> {
    use WireErrorCode::*;
    let all = vec![StartOver, BadRequest, NotFound, Unauthorized, Forbidden, TooLarge, NoEvent, RateLimited, Internal];
    for c in &all {
        match c {
            StartOver | BadRequest | NotFound | Unauthorized | Forbidden | TooLarge | NoEvent | RateLimited
            | Internal => {}
        }
    }
    all
}

#[test]
fn routes_methods_and_roles_match_the_router() {
    let spec = spec();
    let paths = spec["paths"].as_object().expect("paths");
    let mut documented = BTreeSet::new();
    for (path, ops) in paths {
        for (method, op) in ops.as_object().expect("operations") {
            documented.insert((method.to_uppercase(), path.clone()));
            let roles: Option<BTreeSet<String>> = op.get("x-roles").map(|r| {
                r.as_array().expect("x-roles list").iter().map(|v| v.as_str().expect("role").into()).collect()
            });
            let (_, _, code_roles) = ROUTES
                .iter()
                .find(|(m, p, _)| m.as_str() == method.to_uppercase() && *p == path)
                .unwrap_or_else(|| panic!("{method} {path} is documented but not routed"));
            let code_roles: Option<BTreeSet<String>> = code_roles.map(|r| names(r.iter().copied()));
            assert_eq!(roles, code_roles, "{method} {path}: x-roles");
        }
    }
    let routed: BTreeSet<(String, String)> = ROUTES.iter().map(|(m, p, _)| (m.to_string(), p.to_string())).collect();
    assert_eq!(documented, routed);
}

#[test]
fn enums_match_the_protocol_crate() {
    let spec = spec();
    assert_eq!(documented_enum(&spec, "ElementKind"), names(ElementKind::ALL));
    assert_eq!(documented_enum(&spec, "FeedElement"), names(ElementKind::ALL.into_iter().filter(|e| e.has_feed())));
    assert_eq!(documented_enum(&spec, "EntityKind"), names(EntityKind::ALL));
    assert_eq!(documented_enum(&spec, "Role"), names(Role::ALL));
    assert_eq!(documented_enum(&spec, "WireErrorCode"), names(all_wire_codes()));
    assert_eq!(documented_enum(&spec, "Reason"), names(Reason::ALL));
}

fn roundtrip<T: serde::Serialize + serde::de::DeserializeOwned>(spec: &Value, schema: &str) {
    let example = spec["components"]["schemas"][schema]["example"].clone();
    assert!(!example.is_null(), "{schema} has an example");
    let parsed: T = serde_json::from_value(example.clone()).unwrap_or_else(|e| panic!("{schema} example: {e}"));
    assert_eq!(serde_json::to_value(&parsed).expect("encode"), example, "{schema} example re-encodes identically");
}

#[test]
fn every_example_is_a_valid_protocol_value() {
    let spec = spec();
    roundtrip::<WireError>(&spec, "WireError");
    roundtrip::<ChangesPage>(&spec, "ChangesPage");
    roundtrip::<RedeemRequest>(&spec, "RedeemRequest");
    roundtrip::<RedeemResponse>(&spec, "RedeemResponse");
    roundtrip::<SignalBatch>(&spec, "SignalBatch");
    roundtrip::<SignalResults>(&spec, "SignalResults");
    roundtrip::<AnnouncementRequest>(&spec, "AnnouncementRequest");
    roundtrip::<Announcement>(&spec, "Announcement");
    roundtrip::<PollResult>(&spec, "PollResult");
    roundtrip::<Leaderboard>(&spec, "Leaderboard");
}

#[test]
fn the_manifest_schema_names_every_field_the_backend_sends() {
    let spec = spec();
    let schema = &spec["components"]["schemas"]["Manifest"];
    let sent = serde_json::to_value(crate::common::demo().manifest).expect("encode");
    let sent = sent.as_object().expect("object");
    let properties: BTreeSet<&str> =
        schema["properties"].as_object().expect("properties").keys().map(String::as_str).collect();
    let keys: BTreeSet<&str> = sent.keys().map(String::as_str).collect();
    assert!(keys.is_subset(&properties), "Manifest properties {properties:?} miss some of {keys:?}");
    for required in schema["required"].as_array().expect("required") {
        assert!(sent.contains_key(required.as_str().expect("name")), "{required} is sent");
    }
}

#[tokio::test]
async fn every_status_the_backend_gives_a_bare_request_is_documented() {
    let s = crate::common::start().await;
    let spec = spec();
    let http = reqwest::Client::new();
    for (method, path, _) in ROUTES {
        let url = format!("{}{}", s.base, path.replace("{element}", "people"));
        let resp = match method.as_str() {
            "GET" => http.get(&url).send().await,
            _ => http.post(&url).body("{}").header("content-type", "application/json").send().await,
        }
        .expect("request");
        let status = resp.status().as_u16().to_string();
        let op = &spec["paths"][*path][method.as_str().to_lowercase()];
        assert!(
            op["responses"].get(&status).is_some(),
            "{method} {path} answered {status}, which docs/openapi.json does not list"
        );
    }
}

/// A small check of a JSON value against an object schema of the document: required fields,
/// each field's type (no `null` where a type is given), string lengths.
fn conforms(spec: &Value, schema: &str, value: &Value) -> Result<(), String> {
    let s = &spec["components"]["schemas"][schema];
    let object = value.as_object().ok_or(format!("{schema}: not an object"))?;
    for required in s["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
        if !object.contains_key(required) {
            return Err(format!("{schema}.{required} is required"));
        }
    }
    for (key, v) in object {
        let Some(p) = s["properties"].get(key) else { continue };
        let ok = match p["type"].as_str() {
            Some("string") => v.as_str().is_some_and(|t| {
                let n = t.chars().count() as u64;
                p["maxLength"].as_u64().is_none_or(|m| n <= m) && p["minLength"].as_u64().is_none_or(|m| n >= m)
            }),
            Some("boolean") => v.is_boolean(),
            Some("integer") => v.is_i64() || v.is_u64(),
            Some("array") => v.is_array(),
            Some("object") => v.is_object(),
            _ => true,
        };
        if !ok {
            return Err(format!("{schema}.{key} = {v} does not match {}", p));
        }
    }
    Ok(())
}

#[test]
fn the_redeem_request_the_app_sends_matches_the_document() {
    let spec = spec();
    // As the app's sync engine builds it (client/src/sync/): no name chosen, not shown.
    for display_name in [None, Some("Ada".to_string())] {
        let request = RedeemRequest {
            code: "DEMO-ATTENDEE".into(),
            client_id: "9f2c41d07a6be815".into(),
            display_name,
            show_name: false,
        };
        let value = serde_json::to_value(&request).expect("encode");
        conforms(&spec, "RedeemRequest", &value).unwrap_or_else(|e| panic!("{e}: {value}"));
        // The document lets a backend read null as absent; a strict one may refuse it, so the
        // app leaves absent fields out.
        assert!(value.as_object().is_some_and(|o| o.values().all(|v| !v.is_null())), "{value}");
    }
    let too_long = serde_json::json!({"code": "X", "client_id": "y".repeat(201)});
    assert!(conforms(&spec, "RedeemRequest", &too_long).is_err(), "the checker can fail");
}
