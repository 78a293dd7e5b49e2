//! The conformance kit against the reference backend on 127.0.0.1 (it must pass), and against a
//! backend that gets things wrong (the kit must say what).

use crate::common::start;
use elements_backend::conformance::{run, Codes};

fn codes() -> Codes {
    Codes { attendee: "ATTEND".into(), staff: Some("STAFF".into()), kiosk: Some("KIOSK".into()) }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_reference_backend_passes_the_conformance_kit() {
    let s = start().await;
    // With its floor plans, as `serve` loads the demo: the kit fetches each by its revision.
    let mut event = crate::common::demo();
    for f in &mut event.floors {
        use elements_backend::store::Store;
        let (_, bytes) = elements_backend::DEMO_PLANS.iter().find(|(n, _)| *n == f.plan_image).expect("a plan");
        f.plan_rev = Some(s.store.put_plan(&f.id, "image/svg+xml", bytes).expect("plan"));
    }
    elements_backend::store::Store::replace_event(&*s.store, &event).expect("the event with its plans");
    let base = s.base.clone();
    let report =
        tokio::task::spawn_blocking(move || run(&base, &codes(), &elements_tls::Trust::platform().expect("trust")))
            .await
            .expect("kit ran");
    println!("{}", report.render());
    assert!(report.render().contains("floor plans"), "{}", report.render());
    assert_eq!(report.failed(), 0, "{}", report.render());
    assert!(report.passed() >= 20, "{}", report.render());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_kit_names_what_a_sloppy_backend_gets_wrong() {
    // A backend that serves the reference manifest but answers errors in plain text and ignores
    // If-None-Match: the kind of thing a quick implementation does.
    let reference = start().await;
    let manifest =
        reqwest::get(format!("{}/v1/manifest", reference.base)).await.expect("GET").text().await.expect("body");
    let sloppy = axum::Router::new()
        .route(
            "/v1/manifest",
            axum::routing::get(move || {
                let m = manifest.clone();
                async move { ([("content-type", "application/json"), ("etag", "\"m\"")], m) }
            }),
        )
        .fallback(|| async { (axum::http::StatusCode::NOT_FOUND, "nope") });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, sloppy).await });
    let report =
        tokio::task::spawn_blocking(move || run(&base, &codes(), &elements_tls::Trust::platform().expect("trust")))
            .await
            .expect("kit ran");
    let text = report.render();
    let failed = |check: &str| report.findings.iter().any(|f| f.check.contains(check) && f.deviation.is_some());
    assert!(failed("gets 304"), "{text}");
    assert!(failed("unknown path is 404"), "{text}");
    assert!(failed("redeem"), "{text}");
    assert!(text.contains("without the protocol's error body") || text.contains("expected"), "{text}");
    assert!(report.failed() >= 5, "{text}");
}
