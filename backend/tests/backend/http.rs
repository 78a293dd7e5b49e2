//! The reference backend on 127.0.0.1, exercised over real HTTP.

use elements_backend::store::Store;
use elements_protocol::event::ElementKind;
use elements_protocol::sync::{Change, ChangesPage, EntityKind, ManifestResponse, WireError, WireErrorCode};

use crate::common::{count, demo, pull, start};

#[tokio::test]
async fn manifest_with_etag_and_304() {
    let s = start().await;
    let client = s.client();
    let resp = client.get(format!("{}/v1/manifest", s.base)).send().await.expect("GET");
    assert_eq!(resp.status(), 200);
    let etag = resp.headers().get("etag").expect("etag").to_str().expect("ascii").to_string();
    let body: ManifestResponse = resp.json().await.expect("json");
    assert_eq!(body.protocol_version, 1);
    assert_eq!(body.manifest, demo().manifest);
    let again = client.get(format!("{}/v1/manifest", s.base)).header("If-None-Match", &etag).send().await.expect("GET");
    assert_eq!(again.status(), 304);
}

#[tokio::test]
async fn a_full_pull_in_small_pages_yields_every_entity_once() {
    let s = start().await;
    let client = s.client();
    let b = demo();
    // The staff feed (staff tokens only) is paged by the same code: tests/backend/staff.rs.
    for element in ElementKind::ALL.into_iter().filter(|e| e.has_feed() && !e.is_staff_only()) {
        let (changes, _) = pull(&client, &s.base, element.as_str(), None, 37).await;
        let mut seen = std::collections::HashSet::new();
        for c in &changes {
            let Change::Upsert { entity } = c else { panic!("a fresh backend has no tombstones: {c:?}") };
            assert_eq!(entity.kind().element(), element, "{entity:?} in the {element:?} feed");
            assert!(seen.insert((entity.kind(), entity.id().to_string())), "{} twice", entity.id());
        }
        for kind in EntityKind::ALL.into_iter().filter(|k| k.element() == element) {
            let n = seen.iter().filter(|(k, _)| *k == kind).count();
            assert_eq!(n, count(&b, kind), "{kind:?}");
        }
    }
}

#[tokio::test]
async fn an_idle_refresh_is_an_empty_page_then_a_304() {
    let s = start().await;
    let client = s.client();
    let (_, cursor) = pull(&client, &s.base, "agenda", None, 500).await;
    let url = format!("{}/v1/elements/agenda/changes", s.base);
    let resp = client.get(&url).query(&[("cursor", &cursor)]).send().await.expect("GET");
    assert_eq!(resp.status(), 200);
    let etag = resp.headers().get("etag").expect("etag").to_str().expect("ascii").to_string();
    let page: ChangesPage = resp.json().await.expect("page");
    assert!(page.changes.is_empty() && !page.more);
    assert_eq!(page.cursor, cursor, "nothing new, same position");
    let again =
        client.get(&url).query(&[("cursor", &cursor)]).header("If-None-Match", &etag).send().await.expect("GET");
    assert_eq!(again.status(), 304);
    assert!(again.bytes().await.expect("body").is_empty());
}

#[tokio::test]
async fn pages_are_gzipped_for_clients_that_ask() {
    let s = start().await;
    let raw = s.client_builder().no_gzip().build().expect("client");
    let resp = raw
        .get(format!("{}/v1/elements/people/changes", s.base))
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .expect("GET");
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers().get("content-encoding").map(|v| v.to_str().unwrap_or("")), Some("gzip"));
    let compressed = resp.bytes().await.expect("body").len();
    let plain = s
        .client()
        .get(format!("{}/v1/elements/people/changes", s.base))
        .send()
        .await
        .expect("GET")
        .bytes()
        .await
        .expect("body")
        .len();
    assert!(compressed * 3 < plain, "gzip {compressed} bytes vs plain {plain}");
}

async fn expect_error(client: &reqwest::Client, url: &str, status: u16, code: WireErrorCode) -> String {
    let resp = client.get(url).send().await.expect("GET");
    assert_eq!(resp.status(), status, "{url}");
    let err: WireError = resp.json().await.expect("error body");
    assert_eq!(err.code, code, "{url}: {}", err.message);
    err.message
}

#[tokio::test]
async fn bad_requests_get_a_status_and_a_reason_code() {
    let s = start().await;
    let c = s.client();
    let base = &s.base;
    let msg = expect_error(&c, &format!("{base}/v1/elements/karaoke/changes"), 404, WireErrorCode::NotFound).await;
    assert!(msg.contains("karaoke") && msg.contains("agenda"), "{msg}");
    expect_error(&c, &format!("{base}/v1/elements/agenda/changes?limit=0"), 400, WireErrorCode::BadRequest).await;
    expect_error(&c, &format!("{base}/v1/elements/agenda/changes?limit=lots"), 400, WireErrorCode::BadRequest).await;
    // Cursors are opaque: one this backend did not issue means start over.
    expect_error(&c, &format!("{base}/v1/elements/agenda/changes?cursor=garbage"), 410, WireErrorCode::StartOver).await;
    expect_error(&c, &format!("{base}/v1/elements/agenda/changes?cursor=otherepoch:5"), 410, WireErrorCode::StartOver)
        .await;
    let ahead = format!("{}:999999", s.store.epoch());
    expect_error(&c, &format!("{base}/v1/elements/agenda/changes?cursor={ahead}"), 410, WireErrorCode::StartOver).await;
    expect_error(&c, &format!("{base}/v2/anything"), 404, WireErrorCode::NotFound).await;
}

#[tokio::test]
async fn reimporting_changes_nothing_and_an_edited_schedule_yields_updates_and_cancellations() {
    let s = start().await;
    let client = s.client();
    let (_, cursor) = pull(&client, &s.base, "agenda", None, 500).await;

    let same = s.store.replace_event(&demo()).expect("reimport");
    assert_eq!((same.upserts, same.deletes, same.manifest_changed), (0, 0, false));
    let (changes, after_same) = pull(&client, &s.base, "agenda", Some(cursor.clone()), 500).await;
    assert!(changes.is_empty());
    assert_eq!(after_same, cursor);

    let mut edited = demo();
    edited.sessions[10].title = "Moved: a new title".into();
    let changed_id = edited.sessions[10].id.clone();
    let cancelled = edited.sessions.remove(20);
    let summary = s.store.replace_event(&edited).expect("import edited");
    assert_eq!((summary.upserts, summary.deletes), (1, 1));
    let (changes, _) = pull(&client, &s.base, "agenda", Some(cursor), 500).await;
    assert_eq!(changes.len(), 2, "{changes:?}");
    assert!(changes.iter().any(|c| matches!(c, Change::Upsert { entity } if entity.id() == changed_id)));
    assert!(changes.contains(&Change::Delete { kind: EntityKind::Session, id: cancelled.id.clone() }));
    // Other Elements saw nothing.
    let (map, _) = pull(&client, &s.base, "map", None, 500).await;
    assert_eq!(
        map.len(),
        count(&demo(), EntityKind::Floor)
            + count(&demo(), EntityKind::PointOfInterest)
            + count(&demo(), EntityKind::WalkGraph)
    );
}

#[tokio::test]
async fn a_published_schedule_imported_is_served() {
    let path = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data/schedules/31c3-frab.xml"));
    let Ok(bytes) = std::fs::read(path) else {
        eprintln!("skipped: ../shared/data/schedules is not beside this checkout");
        return;
    };
    let s = start().await;
    let imported = elements_import::import(&bytes).expect("import 31c3");
    let summary = s.store.replace_event(&imported.bundle).expect("store");
    assert!(summary.manifest_changed && summary.deletes > 0, "the demo event was replaced: {summary:?}");
    let client = s.client();
    let (changes, _) = pull(&client, &s.base, "agenda", None, 500).await;
    let sessions = changes
        .iter()
        .filter(|c| matches!(c, Change::Upsert { entity } if entity.kind() == EntityKind::Session))
        .count();
    assert_eq!(sessions, imported.bundle.sessions.len());
    let manifest: ManifestResponse =
        client.get(format!("{}/v1/manifest", s.base)).send().await.expect("GET").json().await.expect("json");
    assert_eq!(manifest.manifest.name, "31. Chaos Communication Congress");
}

#[tokio::test]
async fn spliced_pages_carry_exactly_the_stored_changes_tombstones_included() {
    let s = start().await;
    let mut edited = demo();
    edited.sessions.truncate(50);
    edited.people.truncate(10);
    s.store.replace_event(&edited).expect("edit");
    // The staff feed (staff tokens only) is paged by the same code: tests/backend/staff.rs.
    for element in ElementKind::ALL.into_iter().filter(|e| e.has_feed() && !e.is_staff_only()) {
        let expected = s.store.changes(element, 0, 2000).expect("stored changes").changes;
        let (served, _) = pull(&s.client(), &s.base, element.as_str(), None, 2000).await;
        assert_eq!(served, expected, "{element:?}");
    }
    let (people, _) = pull(&s.client(), &s.base, "people", None, 2000).await;
    assert!(people.iter().any(|c| matches!(c, Change::Delete { kind: EntityKind::Profile, .. })));
}
