//! Polls of every kind through the app's API and the reference backend on 127.0.0.1: answers
//! changed until the poll closes (the last counts, once), several choices, ratings, a word
//! cloud, a ranking whose results stay hidden until staff reveal them, a quiz, and Q&A with
//! anonymous questions and upvotes sorted live.

use std::time::Duration;

use crate::common::{during_event, served_event, start_backend_with, CODE, TICKET};
use elements_backend::http::Config;
use elements_backend::store::Store;
use elements_client::api::{AppApi, Clock};
use elements_client::sync::EngineConfig;
use elements_protocol::app::{
    AnswerArgs, AskArgs, ErrorCode, JoinArgs, PollView, SignalStatus, UpvoteArgs, VoteArgs, VotingView,
};
use elements_protocol::auth::Role;
use elements_protocol::event::PollKind;
use elements_protocol::signal::{Answer, Reason};

fn app(dir: &tempfile::TempDir) -> AppApi {
    let (api, _) = AppApi::start(dir.path(), Clock::Fixed(during_event()), &mut |_| {}).expect("start");
    // A long interval: rounds come from the nudge each answer gives, and from `sync_now`.
    api.with_sync_config(EngineConfig { interval: Duration::from_secs(3600), ..EngineConfig::default() })
}

fn poll<'a>(v: &'a VotingView, id: &str) -> &'a PollView {
    v.polls.iter().find(|p| p.id == id).unwrap_or_else(|| panic!("poll {id}"))
}

fn votes(p: &PollView, option: &str) -> u64 {
    p.options.iter().find(|o| o.id == option).map(|o| o.votes).unwrap_or_else(|| panic!("option {option}"))
}

fn ids(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn answer(api: &AppApi, poll_id: &str, answer: Answer) -> Result<VotingView, elements_protocol::app::ApiError> {
    api.answer_poll(AnswerArgs { poll_id: poll_id.into(), answer })
}

#[test]
fn every_kind_of_poll_is_answered_changed_and_counted_exactly_once() {
    let served = served_event();
    let backend = start_backend_with(&served, Config { clock: Some(during_event()), ..Default::default() });
    let (dir_a, dir_b) = (tempfile::tempdir().expect("a"), tempfile::tempdir().expect("b"));
    let (a, b) = (app(&dir_a), app(&dir_b));
    a.join_event(JoinArgs { url: backend.url.clone(), code: Some(TICKET.into()) }).expect("join a");
    b.join_event(JoinArgs { url: backend.url.clone(), code: Some(CODE.into()) }).expect("join b");
    let sync = || {
        a.sync_now().expect("sync a");
        b.sync_now().expect("sync b");
        // A second round: what one pushed, the other pulls.
        a.sync_now().expect("sync a");
        b.sync_now().expect("sync b");
    };

    // Single choice, changed while open: the last vote counts, once.
    a.cast_vote(VoteArgs { poll_id: "poll-opening".into(), option_id: "o1".into() }).expect("vote");
    let changed = a.cast_vote(VoteArgs { poll_id: "poll-opening".into(), option_id: "o2".into() }).expect("change");
    let mine = poll(&changed, "poll-opening").my_vote.clone().expect("mine");
    // Waiting, or already accepted: joining started the engine, which each answer nudges.
    assert_eq!(mine.option_id, "o2");
    assert_ne!(mine.status, SignalStatus::Rejected);
    let same = a.cast_vote(VoteArgs { poll_id: "poll-opening".into(), option_id: "o2".into() }).expect_err("same");
    assert_eq!(same.reason, Some(Reason::AlreadyVoted));

    // Several choices, a rating, a text, a ranking, a quiz, from two people.
    answer(&a, "poll-topics", Answer::Choices { option_ids: ids(&["ai", "security"]) }).expect("topics a");
    answer(&b, "poll-topics", Answer::Choices { option_ids: ids(&["ai"]) }).expect("topics b");
    let too_many =
        answer(&a, "poll-topics", Answer::Choices { option_ids: ids(&["ai", "data", "design", "mobility"]) })
            .expect_err("four of three");
    assert_eq!((too_many.code, too_many.reason), (ErrorCode::Refused, Some(Reason::BadAnswer)));
    assert!(too_many.message.contains("at most 3"), "{}", too_many.message);
    answer(&a, "poll-opening-rating", Answer::Rating { value: 4 }).expect("rate a");
    answer(&b, "poll-opening-rating", Answer::Rating { value: 5 }).expect("rate b");
    answer(&a, "poll-one-word", Answer::Text { text: "Harbour vibes".into() }).expect("word a");
    answer(&b, "poll-one-word", Answer::Text { text: "harbour, rocks!".into() }).expect("word b");
    let tracks: Vec<String> = served.tracks.iter().map(|t| t.id.clone()).collect();
    answer(&a, "poll-rank-tracks", Answer::Ranking { option_ids: tracks.clone() }).expect("rank");
    let quiz = answer(&a, "poll-quiz-booths", Answer::Choice { option_id: "three".into() }).expect("quiz");
    let q = poll(&quiz, "poll-quiz-booths");
    assert_eq!(q.my_vote.as_ref().and_then(|v| v.correct), Some(false));
    assert_eq!(q.correct_option_id.as_deref(), Some("five"), "shown once answered");
    assert!(!q.can_change);
    let again = answer(&a, "poll-quiz-booths", Answer::Choice { option_id: "five".into() }).expect_err("quiz twice");
    assert_eq!(again.reason, Some(Reason::AlreadyVoted));

    // Q&A: an anonymous question, a named one, an upvote.
    let asked = a
        .ask_question(AskArgs { poll_id: "poll-opening-qa".into(), text: "  Offline maps?  ".into(), anonymous: true })
        .expect("ask");
    let mine = poll(&asked, "poll-opening-qa").questions.clone();
    assert_eq!(mine.len(), 1);
    assert!(mine[0].mine && mine[0].text == "Offline maps?", "shown at once, trimmed: {mine:?}");
    b.ask_question(AskArgs { poll_id: "poll-opening-qa".into(), text: "Open source?".into(), anonymous: false })
        .expect("ask b");
    let empty = b.ask_question(AskArgs { poll_id: "poll-opening-qa".into(), text: " ".into(), anonymous: false });
    assert_eq!(empty.expect_err("blank").reason, Some(Reason::BadAnswer));
    sync();
    let seen_by_b = b.voting().expect("voting b");
    let offline_maps = poll(&seen_by_b, "poll-opening-qa")
        .questions
        .iter()
        .find(|q| q.text == "Offline maps?")
        .cloned()
        .expect("b sees a's question");
    assert_eq!(offline_maps.author, None, "asked anonymously");
    b.upvote_question(UpvoteArgs { poll_id: "poll-opening-qa".into(), question_id: offline_maps.id.clone() })
        .expect("upvote");
    let twice =
        b.upvote_question(UpvoteArgs { poll_id: "poll-opening-qa".into(), question_id: offline_maps.id.clone() });
    assert_eq!(twice.expect_err("twice").reason, Some(Reason::AlreadyDone));
    sync();

    let v = a.voting().expect("voting a");
    let opening = poll(&v, "poll-opening");
    assert_eq!((votes(opening, "o1"), votes(opening, "o2"), opening.total), (0, 1, 1), "the last vote, once");
    assert_eq!(opening.my_vote.as_ref().map(|m| m.status), Some(SignalStatus::Accepted));
    let topics = poll(&v, "poll-topics");
    assert_eq!((votes(topics, "ai"), votes(topics, "security"), topics.total), (2, 1, 2));
    let rating = poll(&v, "poll-opening-rating");
    assert_eq!((rating.average, rating.total, votes(rating, "4"), votes(rating, "5")), (Some(4.5), 2, 1, 1));
    let words = poll(&v, "poll-one-word");
    assert_eq!(words.kind, PollKind::OpenText);
    assert_eq!(words.words.first().map(|w| (w.label.as_str(), w.votes)), Some(("harbour", 2)), "{:?}", words.words);
    let ranking = poll(&v, "poll-rank-tracks");
    assert!(ranking.results_hidden && ranking.options.iter().all(|o| o.votes == 0), "hidden until revealed");
    assert_eq!(ranking.total, 1, "how many answered is not hidden");
    let qa = &poll(&v, "poll-opening-qa").questions;
    assert_eq!(
        qa.iter().map(|q| (q.text.as_str(), q.upvotes)).collect::<Vec<_>>(),
        [("Offline maps?", 1), ("Open source?", 0)]
    );
    assert!(qa[0].mine && !qa[0].waiting);
    assert!(qa.iter().all(|q| q.asked == "2027-03-10T09:30"), "in the venue's time, as asked: {qa:?}");

    // Staff reveal the ranking; everyone's next sync has its points.
    backend.store.add_code("STAFF-1", Role::Organizer, false).expect("staff code");
    let http = reqwest::blocking::Client::new();
    let staff: elements_protocol::auth::RedeemResponse = http
        .post(format!("{}/v1/auth/redeem", backend.url))
        .json(&serde_json::json!({"code": "STAFF-1", "client_id": "desk"}))
        .send()
        .and_then(|r| r.json())
        .expect("staff token");
    let reveal = |token: &str| {
        http.post(format!("{}/v1/polls/poll-rank-tracks/reveal", backend.url))
            .bearer_auth(token)
            .send()
            .expect("reveal")
    };
    let attendee_token = {
        let cache = elements_client::cache::Cache::open(&dir_a.path().join("cache.sqlite3")).expect("cache").cache;
        cache.credential(&backend.url).expect("credential").and_then(|c| c.token).expect("a's token")
    };
    assert_eq!(reveal(&attendee_token).status(), 403, "attendees cannot reveal");
    assert_eq!(reveal(&staff.token).status(), 200);
    sync();
    let revealed = a.voting().expect("voting");
    let ranking = poll(&revealed, "poll-rank-tracks");
    let n = tracks.len() as u64;
    assert!(!ranking.results_hidden);
    assert_eq!(votes(ranking, &tracks[0]), n - 1, "first of {n}: Borda points n − 1");
    assert_eq!(votes(ranking, &tracks[tracks.len() - 1]), 0);
}

/// A live quiz round of 60 seconds: the app says how long is left, takes an answer in time,
/// and refuses one after the bar ran out, on the device, with the reason.
#[test]
fn a_timed_quiz_round_says_how_long_is_left_and_refuses_late_answers() {
    let mut served = served_event();
    let quiz = served.polls.iter_mut().find(|p| p.kind == PollKind::Quiz).expect("the demo's quiz");
    let opens = during_event() - chrono::Duration::seconds(30);
    quiz.opens_at = opens.fixed_offset();
    quiz.timer_seconds = Some(60);
    let quiz_id = quiz.id.clone();
    let backend = start_backend_with(&served, Config { clock: Some(during_event()), ..Default::default() });
    let at = |dir: &tempfile::TempDir, t: chrono::DateTime<chrono::Utc>| {
        let (api, _) = AppApi::start(dir.path(), Clock::Fixed(t), &mut |_| {}).expect("start");
        api.with_sync_config(EngineConfig { interval: Duration::from_secs(3600), ..EngineConfig::default() })
    };
    let (dir, late_dir) = (tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("late"));
    let api = at(&dir, during_event());
    api.join_event(JoinArgs { url: backend.url.clone(), code: Some(CODE.into()) }).expect("join");
    let v = api.voting().expect("voting");
    let round = poll(&v, &quiz_id);
    assert_eq!((round.seconds_left, round.timer_seconds), (Some(30), Some(60)));
    answer(&api, &quiz_id, Answer::Choice { option_id: "five".into() }).expect("in time");

    let late = at(&late_dir, opens + chrono::Duration::seconds(61));
    late.join_event(JoinArgs { url: backend.url.clone(), code: Some(CODE.into()) }).expect("join");
    let v = late.voting().expect("voting");
    assert_eq!(
        (poll(&v, &quiz_id).state, poll(&v, &quiz_id).seconds_left),
        (elements_protocol::app::PollState::Closed, None)
    );
    let refused = answer(&late, &quiz_id, Answer::Choice { option_id: "five".into() }).expect_err("too late");
    assert_eq!(refused.reason, Some(Reason::PollClosed));
    assert!(refused.message.contains("time was up"), "{}", refused.message);
}
