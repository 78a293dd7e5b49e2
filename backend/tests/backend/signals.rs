//! Pushing signals, tokens and roles, and the live stream, against the reference backend on
//! 127.0.0.1.

use crate::common::{pull, redeem, start, Server};
use elements_backend::store::Store;
use elements_protocol::auth::{RedeemRequest, RedeemResponse, Role};
use elements_protocol::signal::{Action, Effect, Outcome, Reason, Signal, SignalBatch, SignalResults, MAX_BATCH};
use elements_protocol::sync::{Change, Entity, WireError, WireErrorCode};

fn signal(id: &str, seq: u64, action: Action) -> Signal {
    Signal {
        id: id.into(),
        client_id: "test-client".into(),
        seq,
        schema_version: 1,
        created_at: "2027-03-10T09:30:00+01:00".parse().expect("time"),
        action,
    }
}

fn vote(poll: &str, option: &str) -> Action {
    Action::Vote { poll_id: poll.into(), option_id: option.into() }
}

async fn push_as(s: &Server, token: Option<&str>, signals: Vec<Signal>) -> reqwest::Response {
    let mut req = reqwest::Client::new().post(format!("{}/v1/signals", s.base)).json(&SignalBatch { signals });
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.expect("POST /v1/signals")
}

async fn push(s: &Server, signals: Vec<Signal>) -> Vec<Outcome> {
    let resp = push_as(s, Some(&s.token), signals).await;
    assert_eq!(resp.status(), 200);
    let results: SignalResults = resp.json().await.expect("results");
    results.results.into_iter().map(|r| r.outcome).collect()
}

async fn wire_error(resp: reqwest::Response, status: u16, code: WireErrorCode) -> String {
    assert_eq!(resp.status(), status);
    let e: WireError = resp.json().await.expect("error body");
    assert_eq!(e.code, code, "{}", e.message);
    e.message
}

fn rejected(o: &Outcome) -> Option<Reason> {
    match o {
        Outcome::Rejected { reason, .. } => Some(*reason),
        _ => None,
    }
}

#[tokio::test]
async fn a_vote_is_accepted_once_and_a_resend_is_answered_with_the_first_decision() {
    let s = start().await;
    let first = push(&s, vec![signal("c1-1", 1, vote("poll-opening", "o2"))]).await;
    let Outcome::Accepted { effects } = &first[0] else { panic!("accepted: {first:?}") };
    // The vote, and what the demo's "vote in any poll" scenario makes of it.
    assert_eq!(effects.first(), Some(&Effect::VoteCounted { poll_id: "poll-opening".into(), option_id: "o2".into() }));
    assert!(effects.contains(&Effect::CheckpointCompleted {
        quest_id: "quest-regular".into(),
        checkpoint_id: "cp-first-vote".into()
    }));
    let accepted = first[0].clone();
    // The answer was lost; the device sends the same batch again, plus the same vote anew
    // (refused: nothing changes) and a changed vote (the last one counts).
    let again = push(
        &s,
        vec![
            signal("c1-1", 1, vote("poll-opening", "o2")),
            signal("c1-2", 2, vote("poll-opening", "o2")),
            signal("c1-3", 3, vote("poll-opening", "o3")),
        ],
    )
    .await;
    assert_eq!(again[0], Outcome::Duplicate { first: Box::new(accepted) });
    assert_eq!(rejected(&again[1]), Some(Reason::AlreadyVoted));
    let Outcome::Accepted { effects } = &again[2] else { panic!("the change is accepted: {:?}", again[2]) };
    assert!(effects.contains(&Effect::AnswerCounted { poll_id: "poll-opening".into(), replaced: true }));
    // A rejection is remembered too: resending it is a duplicate of the rejection.
    let third = push(&s, vec![signal("c1-2", 2, vote("poll-opening", "o2"))]).await;
    assert_eq!(rejected(third[0].decision()), Some(Reason::AlreadyVoted));
    assert!(matches!(third[0], Outcome::Duplicate { .. }));

    // Exactly one vote counted (the last), visible in the voting feed.
    let (changes, _) = pull(&s.client(), &s.base, "voting", None, 500).await;
    let tally = changes
        .iter()
        .find_map(|c| match c {
            Change::Upsert { entity: Entity::PollResult(r) } if r.id == "poll-opening" => Some(r.clone()),
            _ => None,
        })
        .expect("a poll result in the voting feed");
    assert_eq!(tally.total, 1);
    assert_eq!(tally.counts.iter().map(|c| c.votes).collect::<Vec<_>>(), vec![0, 0, 1, 0]);
}

#[tokio::test]
async fn each_signal_gets_its_own_answer_with_a_stable_reason() {
    let s = start().await;
    let outcomes = push(
        &s,
        vec![
            signal("r-1", 1, vote("poll-best-talk", "cloud")),
            signal("r-2", 2, vote("poll-nope", "x")),
            signal("r-3", 3, vote("poll-opening", "o9")),
            signal(
                "r-4",
                4,
                Action::CheckpointScan {
                    quest_id: "quest-explorer".into(),
                    checkpoint_id: "cp-explorer-1".into(),
                    proof: None,
                },
            ),
            signal(
                "r-5",
                5,
                Action::CheckpointScan {
                    quest_id: "quest-explorer".into(),
                    checkpoint_id: "cp-explorer-1".into(),
                    proof: None,
                },
            ),
            signal("r-6", 6, Action::CheckIn { session_id: "s1-001".into() }),
            signal("", 7, Action::CheckIn { session_id: "s1-001".into() }),
            Signal { schema_version: 99, ..signal("r-8", 8, Action::CheckIn { session_id: "s1-002".into() }) },
        ],
    )
    .await;
    let reasons: Vec<Option<Reason>> = outcomes.iter().map(rejected).collect();
    assert_eq!(
        reasons,
        vec![
            Some(Reason::PollNotOpen),
            Some(Reason::UnknownTarget),
            Some(Reason::UnknownTarget),
            None,
            Some(Reason::AlreadyDone),
            None,
            Some(Reason::Malformed),
            Some(Reason::UnsupportedSchema),
        ]
    );
    let Outcome::Accepted { effects } = &outcomes[3] else { panic!("accepted: {:?}", outcomes[3]) };
    assert_eq!(
        effects.iter().filter(|e| e.is_news()).cloned().collect::<Vec<_>>(),
        vec![Effect::Points { quest_id: "quest-explorer".into(), gained: 15, total: 15 }]
    );
    assert!(effects.contains(&Effect::ScenarioFired {
        scenario_id: "default:points:quest-explorer:cp-explorer-1".into(),
        instance: String::new()
    }));
    // The leaderboard names this participant.
    let (changes, _) = pull(&s.client(), &s.base, "quests", None, 500).await;
    let board = changes
        .iter()
        .find_map(|c| match c {
            Change::Upsert { entity: Entity::Leaderboard(b) } => Some(b.clone()),
            _ => None,
        })
        .expect("a leaderboard");
    assert_eq!(board.entries.len(), 1);
    assert_eq!(board.entries[0].points, 15);
}

#[tokio::test]
async fn a_guessed_signal_id_blocks_nobody_else() {
    let s = start().await;
    // An attacker sends the victim's next id first...
    let attacker = redeem(&s.store, "ATTEND", "attacker-device");
    let resp = push_as(&s, Some(&attacker), vec![signal("victim-device-1", 1, vote("poll-opening", "o2"))]).await;
    let results: SignalResults = resp.json().await.expect("results");
    assert!(matches!(results.results[0].outcome, Outcome::Accepted { .. }), "{:?}", results.results[0].outcome);
    // ...and the victim's own signal with that id is still decided on its merits.
    let victim = push(&s, vec![signal("victim-device-1", 1, vote("poll-opening", "o1"))]).await;
    assert!(matches!(&victim[0], Outcome::Accepted { .. }), "{:?}", victim[0]);
    // Each is idempotent for its own participant.
    let again = push(&s, vec![signal("victim-device-1", 1, vote("poll-opening", "o1"))]).await;
    assert!(matches!(&again[0], Outcome::Duplicate { .. }), "{:?}", again[0]);
}

#[tokio::test]
async fn envelopes_count_characters_and_start_at_schema_1() {
    let s = start().await;
    // 51 emoji are 204 bytes but 51 characters: inside the 200-character limit.
    let emoji_id: String = std::iter::repeat_n('😀', 51).collect();
    let ok = push(&s, vec![signal(&emoji_id, 1, vote("poll-opening", "o1"))]).await;
    assert!(matches!(&ok[0], Outcome::Accepted { .. }), "{:?}", ok[0]);
    let long: String = std::iter::repeat_n('ж', 201).collect();
    let too_long = push(&s, vec![signal(&long, 2, vote("poll-opening", "o1"))]).await;
    assert_eq!(rejected(&too_long[0]), Some(Reason::Malformed));
    let mut zero = signal("schema-zero", 3, vote("poll-opening", "o1"));
    zero.schema_version = 0;
    assert_eq!(rejected(&push(&s, vec![zero]).await[0]), Some(Reason::Malformed));
}

#[tokio::test]
async fn tokens_and_roles_guard_every_route_that_needs_them() {
    let s = start().await;
    let http = reqwest::Client::new();
    let redeem_url = format!("{}/v1/auth/redeem", s.base);
    let ask = |code: &str, client: &str| RedeemRequest {
        code: code.into(),
        client_id: client.into(),
        display_name: None,
        show_name: false,
    };

    let bad = http.post(&redeem_url).json(&ask("NOPE", "d1")).send().await.expect("POST");
    wire_error(bad, 401, WireErrorCode::Unauthorized).await;
    let garbage = http.post(&redeem_url).body("{\"code\": 5").send().await.expect("POST");
    wire_error(garbage, 400, WireErrorCode::BadRequest).await;
    let a: RedeemResponse =
        http.post(&redeem_url).json(&ask("ATTEND", "d1")).send().await.expect("POST").json().await.expect("json");
    let b: RedeemResponse =
        http.post(&redeem_url).json(&ask("ATTEND", "d1")).send().await.expect("POST").json().await.expect("json");
    assert_eq!(a.role, Role::Attendee);
    assert_eq!(a.participant_id, b.participant_id, "redeeming again from the same device is the same participant");
    assert_ne!(a.token, b.token);

    let one = || vec![signal("g-1", 1, vote("poll-opening", "o1"))];
    let msg = wire_error(push_as(&s, None, one()).await, 401, WireErrorCode::Unauthorized).await;
    assert!(msg.contains("redeem"), "{msg}");
    wire_error(push_as(&s, Some("forged"), one()).await, 401, WireErrorCode::Unauthorized).await;
    let kiosk = redeem(&s.store, "KIOSK", "screen-1");
    wire_error(push_as(&s, Some(&kiosk), one()).await, 403, WireErrorCode::Forbidden).await;
    let many: Vec<Signal> =
        (0..=MAX_BATCH as u64).map(|i| signal(&format!("m-{i}"), i, vote("poll-opening", "o1"))).collect();
    wire_error(push_as(&s, Some(&s.token), many).await, 413, WireErrorCode::TooLarge).await;
    let huge = reqwest::Client::new()
        .post(format!("{}/v1/signals", s.base))
        .bearer_auth(&s.token)
        .header("content-type", "application/json")
        .body(vec![b' '; 3 * 1024 * 1024])
        .send()
        .await
        .expect("POST 3 MB");
    wire_error(huge, 413, WireErrorCode::TooLarge).await;
    let wrong_method = http.get(format!("{}/v1/signals", s.base)).send().await.expect("GET");
    let msg = wire_error(wrong_method, 405, WireErrorCode::BadRequest).await;
    assert!(msg.contains("POST /v1/signals"), "{msg}");
    // Nothing of the refused requests was stored.
    let (changes, _) = pull(&s.client(), &s.base, "voting", None, 500).await;
    assert!(!changes.iter().any(|c| matches!(c, Change::Upsert { entity: Entity::PollResult(_) })));

    // The directory needs a token; the agenda does not.
    let people = http.get(format!("{}/v1/elements/people/changes", s.base)).send().await.expect("GET");
    wire_error(people, 401, WireErrorCode::Unauthorized).await;
    let agenda = http.get(format!("{}/v1/elements/agenda/changes", s.base)).send().await.expect("GET");
    assert_eq!(agenda.status(), 200);

    // Announcements: staff only.
    let text = serde_json::json!({ "text": "Keynote moves to the Main Hall" });
    let url = format!("{}/v1/announcements", s.base);
    let as_attendee = http.post(&url).bearer_auth(&s.token).json(&text).send().await.expect("POST");
    wire_error(as_attendee, 403, WireErrorCode::Forbidden).await;
    let staff = redeem(&s.store, "STAFF", "desk");
    let posted = http.post(&url).bearer_auth(&staff).json(&text).send().await.expect("POST");
    assert_eq!(posted.status(), 201);
    let (changes, _) = pull(&s.client(), &s.base, "agenda", None, 500).await;
    assert!(changes.iter().any(|c| matches!(c,
        Change::Upsert { entity: Entity::Announcement(a) } if a.text == "Keynote moves to the Main Hall")));
}

#[tokio::test]
async fn with_a_qr_key_only_signed_checkpoint_codes_count() {
    let s = start().await;
    let secret = s.store.qr_secret().expect("make the key");
    let manifest = s.store.manifest().expect("read").expect("manifest");
    let key = manifest.qr_public_key.clone().expect("the manifest publishes the key");
    assert_eq!(key, elements_domain::qr::public_key_hex(&secret));
    let scan = |cp: &str, proof: Option<String>| Action::CheckpointScan {
        quest_id: "quest-explorer".into(),
        checkpoint_id: cp.into(),
        proof,
    };
    let sign = |cp: &str| {
        let message = elements_protocol::signal::checkpoint_message(&manifest.id, "quest-explorer", cp);
        Some(elements_domain::qr::sign(&secret, &message))
    };
    let outcomes = push(
        &s,
        vec![
            signal("q-1", 1, scan("cp-explorer-1", None)),
            signal("q-2", 2, scan("cp-explorer-1", sign("cp-explorer-2"))),
            signal("q-3", 3, scan("cp-explorer-1", sign("cp-explorer-1"))),
        ],
    )
    .await;
    let reasons: Vec<Option<Reason>> = outcomes.iter().map(rejected).collect();
    assert_eq!(reasons, vec![Some(Reason::BadSignature), Some(Reason::BadSignature), None]);
}

#[tokio::test]
async fn reimporting_the_event_keeps_live_state() {
    let s = start().await;
    push(&s, vec![signal("k-1", 1, vote("poll-opening", "o1"))]).await;
    let summary = s.store.replace_event(&crate::common::demo()).expect("reimport");
    assert_eq!((summary.upserts, summary.deletes), (0, 0));
    let (changes, _) = pull(&s.client(), &s.base, "voting", None, 500).await;
    assert!(changes.iter().any(|c| matches!(c, Change::Upsert { entity: Entity::PollResult(r) } if r.total == 1)));
}

/// Reads server-sent events until `want` matches one (bounded by a deadline).
pub(crate) async fn next_event(resp: &mut reqwest::Response, buffer: &mut String, want: &str) -> String {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let mut name = "message";
            let mut data = String::new();
            for line in block.lines() {
                if let Some(n) = line.strip_prefix("event:") {
                    name = if n.trim() == want { want } else { "other" };
                } else if let Some(d) = line.strip_prefix("data:") {
                    data.push_str(d.trim_start());
                }
            }
            if name == want {
                return data;
            }
        }
        let chunk = tokio::time::timeout_at(deadline, resp.chunk()).await.expect("an event within 10 s");
        let bytes = chunk.expect("stream read").expect("stream still open");
        buffer.push_str(&String::from_utf8_lossy(&bytes));
    }
}

#[tokio::test]
async fn the_live_stream_carries_a_new_tally_the_moment_a_vote_is_counted() {
    let s = start().await;
    let anonymous = reqwest::Client::new().get(format!("{}/v1/live", s.base)).send().await.expect("GET");
    wire_error(anonymous, 401, WireErrorCode::Unauthorized).await;

    let kiosk = redeem(&s.store, "KIOSK", "screen-1");
    let mut resp =
        reqwest::Client::new().get(format!("{}/v1/live", s.base)).bearer_auth(&kiosk).send().await.expect("GET");
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("text/event-stream"));
    let mut buffer = String::new();
    next_event(&mut resp, &mut buffer, "hello").await;
    push(&s, vec![signal("l-1", 1, vote("poll-opening", "o4"))]).await;
    let data = next_event(&mut resp, &mut buffer, "poll_result").await;
    let Entity::PollResult(result) = serde_json::from_str::<Entity>(&data).expect("entity JSON") else {
        panic!("not a poll result: {data}")
    };
    assert!(result.revision > 0);
    assert_eq!((result.id.as_str(), result.total), ("poll-opening", 1));
    assert_eq!(result.counts.last().map(|c| c.votes), Some(1));
}

#[test]
fn a_database_with_global_signal_ids_is_rebuilt_keeping_every_signal_in_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("old.sqlite3");
    {
        let conn = rusqlite::Connection::open(&path).expect("open");
        conn.execute_batch(
            "CREATE TABLE signal (id TEXT PRIMARY KEY, participant_id TEXT NOT NULL, client_id TEXT NOT NULL,
               seq INTEGER NOT NULL, action TEXT NOT NULL, outcome TEXT NOT NULL, accepted INTEGER NOT NULL,
               received_at INTEGER NOT NULL) STRICT;
             INSERT INTO signal VALUES ('b', 'p1', 'c', 1, '{}', '{}', 1, 0), ('a', 'p1', 'c', 2, '{}', '{}', 1, 0);",
        )
        .expect("old layout");
    }
    drop(elements_backend::store::SqliteStore::open(&path).expect("opens and migrates"));
    let conn = rusqlite::Connection::open(&path).expect("open");
    let sql: String =
        conn.query_row("SELECT sql FROM sqlite_master WHERE name = 'signal'", [], |r| r.get(0)).expect("table");
    assert!(sql.contains("PRIMARY KEY (participant_id, id)"), "{sql}");
    let ids: Vec<String> = conn
        .prepare("SELECT id FROM signal ORDER BY rowid")
        .expect("query")
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("ids");
    assert_eq!(ids, ["b", "a"], "history order kept");
}

#[tokio::test]
async fn leaderboards_name_only_those_who_opted_in_and_only_to_participants() {
    let s = start().await;
    let http = reqwest::Client::new();
    let redeem_as = |name: &str, show_name: bool| {
        let request = RedeemRequest {
            code: "ATTEND".into(),
            client_id: format!("device-{name}"),
            display_name: Some(name.into()),
            show_name,
        };
        let http = http.clone();
        let url = format!("{}/v1/auth/redeem", s.base);
        async move {
            let answer: RedeemResponse =
                http.post(url).json(&request).send().await.expect("POST").json().await.expect("answer");
            answer.token
        }
    };
    let ada = redeem_as("Ada Public", true).await;
    let bo = redeem_as("Bo Private", false).await;
    let scan = |id: &str| {
        signal(
            id,
            1,
            Action::CheckpointScan {
                quest_id: "quest-explorer".into(),
                checkpoint_id: "cp-explorer-1".into(),
                proof: None,
            },
        )
    };
    for token in [&ada, &bo] {
        let answer = push_as(&s, Some(token), vec![scan("scan-1")]).await;
        assert_eq!(answer.status(), 200);
    }
    let feed = |token: Option<String>| {
        let mut req = http.get(format!("{}/v1/elements/quests/changes", s.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        async move { req.send().await.expect("GET").text().await.expect("body") }
    };
    let anonymous = feed(None).await;
    assert!(anonymous.contains("\"points\":15"), "{anonymous}");
    assert!(!anonymous.contains("display_name"), "no names to anonymous callers: {anonymous}");
    let unknown_token = feed(Some("not-a-token".into())).await;
    assert!(!unknown_token.contains("display_name"), "an unknown token is anonymous");
    let participant = feed(Some(bo.clone())).await;
    assert!(participant.contains("Ada Public"), "{participant}");
    assert!(!participant.contains("Bo Private"), "Bo did not opt in, not even to themselves in the feed");
    // The live stream and the stored entity agree: names only where opted in.
    let board = s.store.changes_json(elements_protocol::event::ElementKind::Quests, 0, 500).expect("stored").changes;
    assert!(board.contains("Ada Public") && !board.contains("Bo Private"));
}

/// The organizer re-imports the event with a checkpoint worth more: the participant's past scan
/// keeps the points it was decided with, the next scan gets the new rules, and the reward the
/// total then crosses comes with a desk code that a resend repeats.
#[tokio::test]
async fn a_changed_event_applies_from_then_on_and_never_rewrites_what_was_decided() {
    let s = start().await;
    let scan =
        |cp: &str| Action::CheckpointScan { quest_id: "quest-explorer".into(), checkpoint_id: cp.into(), proof: None };
    let points = |o: &Outcome| match o {
        Outcome::Accepted { effects } => effects.iter().find_map(|e| match e {
            Effect::Points { total, .. } => Some(*total),
            _ => None,
        }),
        _ => None,
    };
    let first = push(&s, vec![signal("c-1", 1, scan("cp-explorer-1"))]).await;
    assert_eq!(points(&first[0]), Some(15));

    let mut edited = crate::common::demo();
    let quest = edited.quests.iter_mut().find(|q| q.id == "quest-explorer").expect("quest");
    for cp in &mut quest.checkpoints {
        cp.points = 40;
    }
    s.store.replace_event(&edited).expect("re-import");
    // 15 (decided before) + 40 (the new rules) = 55: had the first scan been decided again it
    // would be 80 and the pin (60) would have unlocked.
    let second = push(&s, vec![signal("c-2", 2, scan("cp-explorer-2"))]).await;
    assert_eq!(points(&second[0]), Some(55), "{second:?}");
    let third = push(&s, vec![signal("c-3", 3, scan("cp-explorer-3"))]).await;
    assert_eq!(points(&third[0]), Some(95));
    let code = match &third[0] {
        Outcome::Accepted { effects } => effects.iter().find_map(|e| match e {
            Effect::RewardUnlocked { reward_id, code, .. } if reward_id == "rw-pin" => code.clone(),
            _ => None,
        }),
        _ => None,
    }
    .expect("the pin unlocks with a desk code");
    assert!(code.len() == 9 && code.chars().nth(4) == Some('-') && !code.contains(['I', 'L', 'O', 'U']), "{code}");
    let resent = push(&s, vec![signal("c-3", 3, scan("cp-explorer-3"))]).await;
    assert!(format!("{resent:?}").contains(&code), "a resend repeats the same code: {resent:?}");
}
