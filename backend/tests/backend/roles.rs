//! Least privilege, the whole matrix: every role × every route and every kind of signal is
//! allowed or answered 403, exactly as the tables say (`ROUTES` and `FEED_READERS` for routes,
//! the actions table's senders for signals), and each staff role reads only its records.

use elements_backend::http::{FEED_READERS, ROUTES};
use elements_backend::store::Store;
use elements_protocol::auth::Role;
use elements_protocol::signal::{Action, ActionKind, Signal, SignalBatch};

use crate::common::{redeem, start};

/// A signal of `kind` that names things the demo has.
fn sample(kind: ActionKind) -> Action {
    let json = match kind {
        ActionKind::Vote => serde_json::json!({"type": "vote", "poll_id": "poll-opening", "option_id": "o1"}),
        ActionKind::CheckpointScan => {
            serde_json::json!({"type": "checkpoint_scan", "quest_id": "quest-explorer", "checkpoint_id": "cp-1"})
        }
        ActionKind::CheckIn => serde_json::json!({"type": "check_in", "session_id": "s1-001"}),
        ActionKind::BoothVisit => serde_json::json!({"type": "booth_visit", "poi_id": "poi-info"}),
        ActionKind::AskRoute => serde_json::json!({"type": "ask_route", "to": "poi-info"}),
        ActionKind::ContactExchange => serde_json::json!({"type": "contact_exchange", "profile_id": "nobody"}),
        ActionKind::Answer => serde_json::json!({"type": "answer", "poll_id": "poll-opening",
            "answer": {"kind": "choice", "option_id": "o2"}}),
        ActionKind::Ask => serde_json::json!({"type": "ask", "poll_id": "poll-opening-qa", "question_id": "q-roles",
            "text": "Who may ask?"}),
        ActionKind::Upvote => {
            serde_json::json!({"type": "upvote", "poll_id": "poll-opening-qa", "question_id": "q-roles"})
        }
        ActionKind::TimePassed => serde_json::json!({"type": "time_passed", "until": "2027-03-10T09:30:00+01:00"}),
        ActionKind::PublishProfile => {
            serde_json::json!({"type": "publish_profile", "profile": {"name": "Role Tester"}})
        }
        ActionKind::ScanBadge => serde_json::json!({"type": "scan_badge", "badge": "NOBADGE1"}),
        ActionKind::RequestMeeting => serde_json::json!({"type": "request_meeting", "meeting_id": "m-roles",
            "with": "nobody", "starts_at": "2027-03-10T12:00:00+01:00", "minutes": 30, "place_id": "poi-info"}),
        ActionKind::AnswerMeeting => {
            serde_json::json!({"type": "answer_meeting", "meeting_id": "m-roles", "answer": "decline"})
        }
        ActionKind::SendMessage => {
            serde_json::json!({"type": "send_message", "message_id": "msg-roles", "to": "nobody", "text": "hi"})
        }
        ActionKind::ForgetMe => serde_json::json!({"type": "forget_me"}),
        ActionKind::Admit => serde_json::json!({"type": "admit", "pass": {"code": "NOT-A-TICKET"},
            "gate": {"door": "poi-exit-main"}}),
        ActionKind::RedeemReward => serde_json::json!({"type": "redeem_reward", "code": "AAAA-BBBB"}),
        ActionKind::ControlPoll => {
            serde_json::json!({"type": "control_poll", "poll_id": "poll-topics", "command": "close"})
        }
        ActionKind::PutPoll => serde_json::json!({"type": "put_poll", "poll": {"id": "poll-roles",
            "question": "Who may ask?", "options": [{"id": "o1", "label": "Staff"}, {"id": "o2", "label": "Anyone"}],
            "opens_at": "2027-03-10T09:30:00+01:00", "closes_at": "2027-03-10T09:40:00+01:00"}}),
        ActionKind::ModerateQuestion => {
            serde_json::json!({"type": "moderate_question", "question_id": "q-roles", "command": "approve"})
        }
        ActionKind::Announce => serde_json::json!({"type": "announce", "announcement_id": "a-roles",
            "text": "Roles checked", "audience": {"to": "everyone"}}),
        ActionKind::CaptureLead => serde_json::json!({"type": "capture_lead", "badge": "NOBADGE1", "rating": 3}),
    };
    serde_json::from_value(json.clone()).unwrap_or_else(|e| panic!("{kind:?}: {e}: {json}"))
}

fn concrete(path: &str) -> String {
    path.replace("{floor_id}", "floor-0")
        .replace("{element}", "agenda")
        .replace("{poll_id}", "poll-topics")
        .replace("{profile_id}", "nobody")
}

#[tokio::test(flavor = "multi_thread")]
async fn every_role_may_do_exactly_what_the_tables_say_and_nothing_else() {
    let s = start().await;
    let http = reqwest::Client::new();
    let mut tokens = Vec::new();
    for role in Role::ALL {
        let code = format!("ROLE-{}", role.as_str().to_uppercase());
        s.store.add_code(&code, role, false).expect("code");
        tokens.push((role, redeem(&s.store, &code, &format!("matrix-{}", role.as_str()))));
    }
    let mut checked = 0;

    // Routes with roles.
    for (method, path, roles) in ROUTES {
        let Some(roles) = roles else { continue };
        for (role, token) in &tokens {
            let url = format!("{}{}", s.base, concrete(path));
            let mut req = http.request(method.clone(), &url).bearer_auth(token);
            req = match *path {
                "/v1/signals" => req.json(&SignalBatch { signals: vec![] }),
                "/v1/announcements" => req.json(&serde_json::json!({"text": "matrix"})),
                _ => req,
            };
            let status = tokio::time::timeout(std::time::Duration::from_secs(10), req.send())
                .await
                .expect("an answer in time")
                .expect("an answer")
                .status()
                .as_u16();
            assert_eq!(status == 403, !roles.contains(role), "{method} {path} as {}: {status}", role.as_str());
            checked += 1;
        }
    }
    // Feeds that are not public.
    for (element, roles) in FEED_READERS {
        for (role, token) in &tokens {
            let url = format!("{}/v1/elements/{}/changes", s.base, element.as_str());
            let status = http.get(&url).bearer_auth(token).send().await.expect("GET").status().as_u16();
            assert_eq!(
                status == 403,
                !roles.contains(role),
                "the {} feed as {}: {status}",
                element.as_str(),
                role.as_str()
            );
            checked += 1;
        }
    }
    // Every kind of signal (forgetting last: it ends what the token's participant holds).
    let mut kinds: Vec<ActionKind> = ActionKind::ALL.iter().copied().filter(|k| *k != ActionKind::ForgetMe).collect();
    kinds.push(ActionKind::ForgetMe);
    for (n, kind) in kinds.iter().enumerate() {
        for (role, token) in &tokens {
            let signal = Signal {
                id: format!("matrix-{}-{n}", role.as_str()),
                client_id: format!("matrix-{}", role.as_str()),
                seq: n as u64 + 1,
                schema_version: kind.schema_version(),
                created_at: crate::common::during_event().fixed_offset(),
                action: sample(*kind),
            };
            let resp = http
                .post(format!("{}/v1/signals", s.base))
                .bearer_auth(token)
                .json(&SignalBatch { signals: vec![signal] })
                .send()
                .await
                .expect("POST");
            let status = resp.status().as_u16();
            let allowed = kind.sender().admits(*role);
            let body = resp.text().await.unwrap_or_default();
            assert_eq!(status == 403, !allowed, "{} as {}: {status} {body}", kind.as_str(), role.as_str());
            if !allowed && *role != Role::Kiosk {
                assert!(body.contains(kind.as_str()) && body.contains(role.as_str()), "the refusal names both: {body}");
            } else if !allowed {
                assert!(body.contains("pushing signals") && body.contains("kiosk"), "{body}");
            }
            checked += 1;
        }
    }
    assert_eq!(
        checked,
        tokens.len() * (ROUTES.iter().filter(|r| r.2.is_some()).count() + FEED_READERS.len() + kinds.len())
    );

    // Each staff role reads only its records in the staff feed: a door its admissions, a desk
    // its reward codes, an organizer everything, an exhibitor or a moderator none of these.
    let organizer = &tokens.iter().find(|(r, _)| *r == Role::Organizer).expect("organizer").1;
    s.store.add_code("TICKET-ROLES", Role::Attendee, true).expect("a ticket");
    let admit = Signal {
        id: "matrix-admit-real".into(),
        client_id: "matrix-organizer".into(),
        seq: 999,
        schema_version: 4,
        created_at: crate::common::during_event().fixed_offset(),
        action: serde_json::from_value(serde_json::json!({"type": "admit", "pass": {"ticket": "TICKET-ROLES"},
            "gate": {"door": "poi-exit-main"}}))
        .expect("admit"),
    };
    let admitted: serde_json::Value = http
        .post(format!("{}/v1/signals", s.base))
        .bearer_auth(organizer)
        .json(&SignalBatch { signals: vec![admit] })
        .send()
        .await
        .expect("POST")
        .json()
        .await
        .expect("results");
    assert_eq!(admitted["results"][0]["outcome"], "accepted", "{admitted}");
    for (role, token) in tokens.iter().filter(|(r, _)| r.is_staff()) {
        let page: elements_protocol::sync::ChangesPage = http
            .get(format!("{}/v1/elements/staff/changes?limit=2000", s.base))
            .bearer_auth(token)
            .send()
            .await
            .expect("GET")
            .json()
            .await
            .expect("page");
        let kinds: std::collections::BTreeSet<&str> = page
            .changes
            .iter()
            .map(|c| match c {
                elements_protocol::sync::Change::Upsert { entity } => entity.kind().as_str(),
                elements_protocol::sync::Change::Delete { kind, .. } => kind.as_str(),
            })
            .collect();
        for kind in elements_protocol::sync::EntityKind::ALL {
            if kinds.contains(kind.as_str()) {
                assert!(role.reads(kind), "{} read {}", role.as_str(), kind.as_str());
            }
        }
        let sees_admissions = kinds.contains("admission");
        assert_eq!(sees_admissions, matches!(role, Role::Organizer | Role::Door), "{}: {kinds:?}", role.as_str());
    }
}
