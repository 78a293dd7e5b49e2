//! Defences against ballot stuffing with one shared join code: a device cap per code, redeem
//! rate limits per address and per code, and polls that count only personal tickets.

use crate::common::{demo, during_event, start_configured};
use elements_backend::http::Config;
use elements_backend::server::Limits;
use elements_backend::store::Store;
use elements_protocol::auth::{RedeemRequest, RedeemResponse, Role};
use elements_protocol::signal::{Action, Outcome, Reason, Signal, SignalBatch, SignalResults};
use elements_protocol::sync::{WireError, WireErrorCode};

async fn redeem(base: &str, code: &str, device: &str) -> reqwest::Response {
    let request = RedeemRequest { code: code.into(), client_id: device.into(), display_name: None, show_name: false };
    reqwest::Client::new().post(format!("{base}/v1/auth/redeem")).json(&request).send().await.expect("POST")
}

async fn code_of(answer: reqwest::Response, status: u16) -> WireErrorCode {
    assert_eq!(answer.status(), status);
    answer.json::<WireError>().await.expect("error body").code
}

fn config() -> Config {
    Config { clock: Some(during_event()), ..Default::default() }
}

#[tokio::test]
async fn a_shared_code_admits_only_its_device_cap_and_known_devices_come_back() {
    let s = start_configured(Limits::default(), config(), &demo()).await;
    s.store.add_code("DOOR", Role::Attendee, false).expect("code");
    assert!(s.store.cap_code("DOOR", Some(3)).expect("cap"));
    for device in ["d1", "d2", "d3"] {
        assert_eq!(redeem(&s.base, "DOOR", device).await.status(), 200);
    }
    assert_eq!(code_of(redeem(&s.base, "DOOR", "fake-4").await, 403).await, WireErrorCode::Forbidden);
    assert_eq!(redeem(&s.base, "DOOR", "d2").await.status(), 200, "a device that joined before gets back in");
}

#[tokio::test]
async fn redeems_are_rate_limited_per_address_and_per_code() {
    let per_address = Config { redeems_per_address_per_minute: 5, ..config() };
    let s = start_configured(Limits::default(), per_address, &demo()).await;
    for i in 0..5 {
        assert_eq!(redeem(&s.base, "ATTEND", &format!("a{i}")).await.status(), 200);
    }
    let limited = redeem(&s.base, "ATTEND", "a5").await;
    let retry_after = limited.headers().get("retry-after").and_then(|v| v.to_str().ok()).map(str::to_string);
    assert_eq!(code_of(limited, 429).await, WireErrorCode::RateLimited);
    assert!(retry_after.and_then(|v| v.parse::<u64>().ok()).is_some_and(|s| (1..=60).contains(&s)));

    let per_code = Config { redeems_per_code_per_minute: 3, ..config() };
    let s = start_configured(Limits::default(), per_code, &demo()).await;
    for i in 0..3 {
        assert_eq!(redeem(&s.base, "ATTEND", &format!("c{i}")).await.status(), 200);
    }
    assert_eq!(code_of(redeem(&s.base, "ATTEND", "c3").await, 429).await, WireErrorCode::RateLimited);
    assert_eq!(redeem(&s.base, "STAFF", "c4").await.status(), 200, "another code is not held back");
}

#[tokio::test]
async fn a_poll_that_requires_a_ticket_counts_tickets_only() {
    let mut event = demo();
    event.polls[0].requires_ticket = true;
    let poll = event.polls[0].clone();
    let s = start_configured(Limits::default(), config(), &event).await;
    s.store.add_code("TICKET-1", Role::Attendee, true).expect("ticket");
    let vote = |token: String| {
        let base = s.base.clone();
        let action = Action::Vote { poll_id: poll.id.clone(), option_id: poll.options[0].id.clone() };
        async move {
            let signal = Signal {
                id: "v-1".into(),
                client_id: "dev".into(),
                seq: 1,
                schema_version: 1,
                created_at: during_event().fixed_offset(),
                action,
            };
            let answer: SignalResults = reqwest::Client::new()
                .post(format!("{base}/v1/signals"))
                .bearer_auth(token)
                .json(&SignalBatch { signals: vec![signal] })
                .send()
                .await
                .expect("POST")
                .json()
                .await
                .expect("results");
            answer.results[0].outcome.clone()
        }
    };
    let shared: RedeemResponse = redeem(&s.base, "ATTEND", "shared-device").await.json().await.expect("token");
    assert!(!shared.ticketed);
    let ticket: RedeemResponse = redeem(&s.base, "TICKET-1", "ticket-device").await.json().await.expect("token");
    assert!(ticket.ticketed);
    match vote(shared.token).await {
        Outcome::Rejected { reason, message } => {
            assert_eq!(reason, Reason::TicketRequired);
            assert!(message.contains("personal ticket"), "{message}");
        }
        other => panic!("a shared code's vote was {other:?}"),
    }
    assert!(matches!(vote(ticket.token).await, Outcome::Accepted { .. }));
}
