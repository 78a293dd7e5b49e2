//! The scenario evaluator, by table: sequences of signals and clock ticks with the effects
//! expected, covering every trigger, condition and consequence, once-only and cool-downs; and
//! by property: random sequences never award a reward twice, and replaying a participant's
//! accepted signals rebuilds exactly the state that was built step by step.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use elements_domain::rules::{self, RuleFacts, RuleState};
use elements_protocol::event::{Checkpoint, Quest, Reward};
use elements_protocol::scenario::{Condition, Consequence, Scenario, SignalFilter, SignalKind, Trigger};
use elements_protocol::signal::{Action, Effect};

fn t(minutes: i64) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2027-03-10T09:00:00Z").expect("time").to_utc() + Duration::minutes(minutes)
}

/// A small event: two quests, sessions s1 (track ai, ends at +60) and s2 (track web, ends at
/// +90), booths b1..b4 and a food stand, a poll opening at +30.
struct Facts;

impl RuleFacts for Facts {
    fn quest(&self, id: &str) -> Option<Quest> {
        let cp = |id: &str, points| Checkpoint {
            id: id.into(),
            name: id.to_uppercase(),
            poi_id: None,
            points,
            hint: String::new(),
        };
        match id {
            "expo" => Some(Quest {
                id: "expo".into(),
                title: "Expo trail".into(),
                description: String::new(),
                checkpoints: vec![cp("a", 30), cp("b", 30)],
                rewards: vec![
                    Reward { id: "mug".into(), name: "Mug".into(), points_required: 50 },
                    Reward { id: "coffee".into(), name: "Coffee voucher".into(), points_required: 1000 },
                ],
                hidden: false,
                ordered: false,
                opens_at: None,
                closes_at: None,
            }),
            "network" => Some(Quest {
                id: "network".into(),
                title: "Meet people".into(),
                description: String::new(),
                checkpoints: vec![cp("meet-3", 0)],
                rewards: vec![Reward { id: "badge".into(), name: "Connector badge".into(), points_required: 1000 }],
                hidden: false,
                ordered: false,
                opens_at: None,
                closes_at: None,
            }),
            "secret" => Some(Quest {
                id: "secret".into(),
                title: "Hidden".into(),
                description: String::new(),
                checkpoints: vec![cp("x", 10)],
                rewards: Vec::new(),
                hidden: false,
                ordered: false,
                opens_at: None,
                closes_at: None,
            }),
            _ => None,
        }
    }
    fn session_track(&self, id: &str) -> Option<String> {
        match id {
            "s1" => Some("ai".into()),
            "s2" => Some("web".into()),
            _ => None,
        }
    }
    fn session_end(&self, id: &str) -> Option<DateTime<Utc>> {
        match id {
            "s1" => Some(t(60)),
            "s2" => Some(t(90)),
            _ => None,
        }
    }
    fn poi_kind(&self, id: &str) -> Option<String> {
        Some(if id.starts_with('b') { "booth" } else { "food" }.into())
    }
    fn poll_openings(&self) -> Vec<(String, DateTime<Utc>)> {
        vec![("p1".into(), t(30))]
    }
}

fn rule(id: &str, when: Trigger, conditions: Vec<Condition>, then: Vec<Consequence>, once: bool) -> Scenario {
    Scenario { id: id.into(), name: id.into(), when, conditions, then, once, cooldown_seconds: None }
}

fn on(kind: SignalKind, filter: SignalFilter) -> Trigger {
    Trigger::Signal { kind, filter }
}

fn booths() -> SignalFilter {
    SignalFilter { poi_kind: Some("booth".into()), ..SignalFilter::default() }
}

fn text(en: &str, ru: &str) -> BTreeMap<String, String> {
    BTreeMap::from([("en".to_string(), en.to_string()), ("ru".to_string(), ru.to_string())])
}

/// The five scenarios a real organizer writes (the demo event ships the same kinds).
fn organizer_rules() -> Vec<Scenario> {
    vec![
        // Booth trail: three different partner booths → the coffee voucher and a tag.
        rule(
            "booth-trail",
            on(SignalKind::BoothVisit, booths()),
            vec![Condition::Count {
                kind: SignalKind::BoothVisit,
                filter: booths(),
                at_least: 3,
                within_seconds: None,
            }],
            vec![
                Consequence::UnlockReward { quest_id: "expo".into(), reward_id: "coffee".into() },
                Consequence::Tag { tag: "expo-explorer".into() },
            ],
            true,
        ),
        // Rating prompt: when a checked-in AI talk ends, ask to rate it.
        rule(
            "rate-ai-talks",
            Trigger::SessionEnded { track_id: Some("ai".into()), session_id: None },
            Vec::new(),
            vec![Consequence::Message {
                id: "rate".into(),
                text: text("How was the talk? Rate it.", "Как вам доклад? Оцените его."),
                link: Some("elements://poll?id=rate".into()),
            }],
            false,
        ),
        // Poll streak: three votes within an hour → 10 points, at most every two hours.
        Scenario {
            cooldown_seconds: Some(7200),
            ..rule(
                "poll-streak",
                on(SignalKind::Vote, SignalFilter::default()),
                vec![Condition::Count {
                    kind: SignalKind::Vote,
                    filter: SignalFilter::default(),
                    at_least: 3,
                    within_seconds: Some(3600),
                }],
                vec![Consequence::Points { quest_id: "expo".into(), points: 10 }],
                false,
            )
        },
        // Networking goal: three people met completes the quest's checkpoint; the completed
        // quest gives its badge.
        rule(
            "networking-goal",
            on(SignalKind::ContactExchange, SignalFilter::default()),
            vec![Condition::Count {
                kind: SignalKind::ContactExchange,
                filter: SignalFilter::default(),
                at_least: 3,
                within_seconds: None,
            }],
            vec![Consequence::CompleteCheckpoint { quest_id: "network".into(), checkpoint_id: "meet-3".into() }],
            true,
        ),
        rule(
            "network-badge",
            Trigger::QuestCompleted { quest_id: Some("network".into()) },
            Vec::new(),
            vec![Consequence::UnlockReward { quest_id: "network".into(), reward_id: "badge".into() }],
            true,
        ),
        // Hidden quest revealed by the coffee voucher, for those not tagged as staff.
        rule(
            "reveal-secret",
            Trigger::RewardUnlocked { reward_id: Some("coffee".into()) },
            vec![Condition::LacksTag { tag: "staff".into() }],
            vec![Consequence::Reveal { kind: "quest".into(), id: "secret".into() }],
            true,
        ),
    ]
}

fn all_rules() -> rules::Rules {
    let mut r = rules::default_scenarios(&[Facts.quest("expo").expect("q"), Facts.quest("network").expect("q")]);
    r.extend(organizer_rules());
    r.into()
}

fn visit(poi: &str) -> Action {
    Action::BoothVisit { poi_id: poi.into() }
}
fn vote(poll: &str) -> Action {
    Action::Vote { poll_id: poll.into(), option_id: "o1".into() }
}
fn meet(who: &str) -> Action {
    Action::ContactExchange { profile_id: who.into() }
}
fn scan(quest: &str, cp: &str) -> Action {
    Action::CheckpointScan { quest_id: quest.into(), checkpoint_id: cp.into(), proof: None }
}
fn check_in(s: &str) -> Action {
    Action::CheckIn { session_id: s.into() }
}

/// What the participant is told (leaving out which scenarios fired).
fn news(effects: Vec<Effect>) -> Vec<Effect> {
    effects.into_iter().filter(Effect::is_news).collect()
}

fn act(state: &mut RuleState, action: Action, at: DateTime<Utc>) -> Vec<Effect> {
    let rules = all_rules();
    let mut e = rules::tick(&rules, &Facts, state, at);
    e.extend(rules::react_to_signal(&rules, &Facts, state, &action, at));
    news(e)
}

#[test]
fn booth_trail_counts_distinct_booths_of_the_kind_then_unlocks_once_and_reveals_the_hidden_quest() {
    let mut s = RuleState::default();
    assert_eq!(act(&mut s, visit("b1"), t(1)), vec![]);
    assert_eq!(act(&mut s, visit("b1"), t(2)), vec![], "the same booth twice counts once");
    assert_eq!(act(&mut s, visit("food1"), t(3)), vec![], "a food stand is not a booth");
    assert_eq!(act(&mut s, visit("b2"), t(4)), vec![]);
    let third = act(&mut s, visit("b3"), t(5));
    assert_eq!(
        third,
        vec![
            Effect::RewardUnlocked {
                quest_id: "expo".into(),
                reward_id: "coffee".into(),
                name: "Coffee voucher".into(),
                code: None
            },
            Effect::Tagged { tag: "expo-explorer".into() },
            Effect::Revealed { kind: "quest".into(), id: "secret".into() },
        ]
    );
    assert_eq!(act(&mut s, visit("b4"), t(6)), vec![], "once-only");
    assert!(s.tags.contains("expo-explorer") && s.revealed.contains(&("quest".into(), "secret".into())));
}

#[test]
fn a_tag_condition_keeps_the_hidden_quest_hidden_for_staff() {
    let mut s = RuleState::default();
    s.tags.insert("staff".into());
    for (i, b) in ["b1", "b2", "b3"].into_iter().enumerate() {
        act(&mut s, visit(b), t(i as i64));
    }
    assert!(s.rewards.contains(&("expo".into(), "coffee".into())));
    assert!(s.revealed.is_empty(), "LacksTag(staff) failed, so nothing was revealed");
}

#[test]
fn checkpoint_scans_give_their_points_and_the_reward_when_the_threshold_is_crossed_once() {
    let mut s = RuleState::default();
    assert_eq!(
        act(&mut s, scan("expo", "a"), t(1)),
        vec![Effect::Points { quest_id: "expo".into(), gained: 30, total: 30 }]
    );
    let second = act(&mut s, scan("expo", "b"), t(2));
    assert_eq!(
        second,
        vec![
            Effect::Points { quest_id: "expo".into(), gained: 30, total: 60 },
            Effect::RewardUnlocked { quest_id: "expo".into(), reward_id: "mug".into(), name: "Mug".into(), code: None },
        ]
    );
    assert!(s.completed_quests.contains("expo"), "both checkpoints: the quest is complete");
    // More points later never cross 50 again.
    for i in 0..3 {
        act(&mut s, vote(&format!("p{i}")), t(10 + i));
    }
    assert_eq!(s.points.get("expo"), Some(&70), "the poll streak added 10");
    assert_eq!(s.rewards.iter().filter(|(_, r)| r == "mug").count(), 1);
}

#[test]
fn poll_streak_needs_three_votes_within_the_hour_and_then_cools_down_for_two_hours() {
    let mut s = RuleState::default();
    let points = |e: Vec<Effect>| e.iter().any(|e| matches!(e, Effect::Points { .. }));
    assert!(!points(act(&mut s, vote("p1"), t(0))));
    assert!(!points(act(&mut s, vote("p2"), t(50))));
    assert!(!points(act(&mut s, vote("p3"), t(70))), "p1 is more than an hour old: two within the hour");
    assert!(points(act(&mut s, vote("p4"), t(80))), "p2, p3, p4 within the hour");
    assert!(!points(act(&mut s, vote("p5"), t(90))), "three within the hour again, but cooling down until +200");
    assert!(!points(act(&mut s, vote("p6"), t(185))), "p6 alone within the hour");
    assert!(!points(act(&mut s, vote("p7"), t(195))), "p6, p7: two, and still cooling down");
    assert!(points(act(&mut s, vote("p8"), t(201))), "cooled down, and p6, p7, p8 within the hour");
}

#[test]
fn networking_goal_completes_the_checkpoint_then_the_quest_gives_its_badge() {
    let mut s = RuleState::default();
    assert_eq!(act(&mut s, meet("ada"), t(1)), vec![]);
    assert_eq!(act(&mut s, meet("ada"), t(2)), vec![], "the same person twice counts once");
    assert_eq!(act(&mut s, meet("alan"), t(3)), vec![]);
    assert_eq!(
        act(&mut s, meet("grace"), t(4)),
        vec![
            Effect::CheckpointCompleted { quest_id: "network".into(), checkpoint_id: "meet-3".into() },
            Effect::RewardUnlocked {
                quest_id: "network".into(),
                reward_id: "badge".into(),
                name: "Connector badge".into(),
                code: None
            },
        ]
    );
    assert_eq!(act(&mut s, meet("linus"), t(5)), vec![]);
}

#[test]
fn a_rating_prompt_appears_when_a_checked_in_talk_of_the_track_ends_once_even_across_a_restart() {
    let rules = all_rules();
    let mut s = RuleState::default();
    act(&mut s, check_in("s1"), t(5));
    act(&mut s, check_in("s2"), t(65));
    // s1 (ai) ended at +60, before the check-in to s2: the tick at +65 fired it.
    assert!(s.fired.contains_key(&("rate-ai-talks".to_string(), "s1".to_string())));
    assert_eq!(rules::tick(&rules, &Facts, &mut s, t(120)), vec![], "s2 is a web talk: no prompt");
    assert_eq!(rules::tick(&rules, &Facts, &mut s, t(120)), vec![], "ticking again fires nothing");
    let mut lost_position = s.clone();
    lost_position.ticked_to = None;
    assert_eq!(
        rules::tick(&rules, &Facts, &mut lost_position, t(120)),
        vec![],
        "a state that lost its tick position still knows what fired"
    );
    // A restart (or a second device) replays the same history: the same state, the prompt once.
    let history = [(check_in("s1"), t(5)), (check_in("s2"), t(65))];
    let (replayed, effects) = rules::replay(&rules, &Facts, history.iter().map(|(a, at)| (a, *at)), t(120));
    assert_eq!(replayed, s);
    let prompts = effects.iter().filter(|e| matches!(e, Effect::Message { id, .. } if id == "rate")).count();
    assert_eq!(prompts, 1);
}

#[test]
fn time_triggers_fire_at_their_moment_and_only_once() {
    let rules: rules::Rules = vec![
        rule(
            "doors",
            Trigger::At { time: "2027-03-10T10:00:00+01:00".parse().expect("time") },
            Vec::new(),
            vec![Consequence::Message {
                id: "doors".into(), text: text("Doors open", "Двери открыты"), link: None
            }],
            false,
        ),
        rule(
            "poll-open",
            Trigger::PollOpened { poll_id: Some("p1".into()) },
            Vec::new(),
            vec![Consequence::Message {
                id: "vote-now".into(), text: text("Vote now", "Голосуйте"), link: None
            }],
            false,
        ),
    ]
    .into();
    let mut s = RuleState::default();
    assert_eq!(rules::tick(&rules, &Facts, &mut s, t(-1)), vec![]);
    let ids = |e: Vec<Effect>| {
        e.into_iter()
            .filter_map(|e| if let Effect::Message { id, .. } = e { Some(id) } else { None })
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(rules::tick(&rules, &Facts, &mut s, t(0))), vec!["doors"]);
    assert_eq!(ids(rules::tick(&rules, &Facts, &mut s, t(45))), vec!["vote-now"]);
    assert_eq!(ids(rules::tick(&rules, &Facts, &mut s, t(45))), Vec::<String>::new());
}

#[test]
fn has_reward_and_points_conditions() {
    let rules: rules::Rules = vec![rule(
        "mug-owners",
        on(SignalKind::CheckIn, SignalFilter::default()),
        vec![
            Condition::HasReward { reward_id: "mug".into() },
            Condition::PointsAtLeast { quest_id: "expo".into(), points: 60 },
            Condition::LacksReward { reward_id: "coffee".into() },
        ],
        vec![Consequence::Tag { tag: "loyal".into() }],
        true,
    )]
    .into();
    let mut s = RuleState::default();
    assert_eq!(rules::react_to_signal(&rules, &Facts, &mut s, &check_in("s1"), t(1)), vec![]);
    s.rewards.insert(("expo".into(), "mug".into()));
    s.points.insert("expo".into(), 60);
    assert_eq!(
        news(rules::react_to_signal(&rules, &Facts, &mut s, &check_in("s2"), t(2))),
        vec![Effect::Tagged { tag: "loyal".into() }]
    );
}

fn bundle_with(scenarios: Vec<Scenario>) -> elements_protocol::event::EventBundle {
    let json = include_str!("../../assets/demo-event/event.json");
    let mut b: elements_protocol::event::EventBundle = serde_json::from_str(json).expect("demo event");
    b.scenarios = scenarios;
    b
}

#[test]
fn checking_names_every_problem_in_an_organizers_rules() {
    let demo = bundle_with(Vec::new());
    let quest = demo.quests[0].clone();
    let reward = quest.rewards[0].id.clone();
    let bad = vec![
        rule(
            "dup",
            on(SignalKind::Vote, SignalFilter { poll_id: Some("nope".into()), ..SignalFilter::default() }),
            Vec::new(),
            vec![Consequence::Tag { tag: "x".into() }],
            true,
        ),
        rule("dup", Trigger::PointsReached { quest_id: "ghost".into(), points: 0 }, Vec::new(), Vec::new(), true),
        rule(
            "loop-a",
            Trigger::RewardUnlocked { reward_id: Some(reward.clone()) },
            Vec::new(),
            vec![Consequence::UnlockReward { quest_id: quest.id.clone(), reward_id: "r2".into() }],
            true,
        ),
        rule(
            "loop-b",
            Trigger::RewardUnlocked { reward_id: Some("r2".into()) },
            Vec::new(),
            vec![Consequence::UnlockReward { quest_id: quest.id.clone(), reward_id: reward.clone() }],
            true,
        ),
        rule(
            "bad-checkpoint",
            on(
                SignalKind::CheckIn,
                SignalFilter { session_id: Some("no-such-session".into()), ..SignalFilter::default() },
            ),
            Vec::new(),
            vec![Consequence::CompleteCheckpoint { quest_id: quest.id.clone(), checkpoint_id: "zz".into() }],
            true,
        ),
    ];
    let mut b = bundle_with(bad);
    b.quests[0].rewards.push(Reward { id: "r2".into(), name: "R2".into(), points_required: 1 });
    b.quests[0].rewards.push(Reward { id: "unreachable".into(), name: "Moon".into(), points_required: 1_000_000 });
    let problems: Vec<String> = rules::check(&b).into_iter().map(|(at, what)| format!("{at}: {what}")).collect();
    let has = |needle: &str| problems.iter().any(|p| p.contains(needle));
    assert!(has("names poll \"nope\""), "{problems:#?}");
    assert!(has("repeats an id"), "{problems:#?}");
    assert!(has("names quest \"ghost\""), "{problems:#?}");
    assert!(has("at 0 never happens"), "{problems:#?}");
    assert!(has("does nothing"), "{problems:#?}");
    assert!(has("cycle"), "{problems:#?}");
    assert!(has("names session \"no-such-session\""), "{problems:#?}");
    assert!(has("checkpoint \"zz\""), "{problems:#?}");
    assert!(has("reward \"unreachable\"") && has("no scenario unlocks it"), "{problems:#?}");
    // And through the event validator, which import and the backend use.
    let err = elements_domain::validate(&b).expect_err("invalid scenarios make an invalid event");
    assert!(err.iter().any(|e| e.at.starts_with("scenarios[")), "{err:?}");
    // The demo event with its own rules is fine.
    let whole: elements_protocol::event::EventBundle =
        serde_json::from_str(include_str!("../../assets/demo-event/event.json")).expect("demo event");
    assert_eq!(rules::check(&whole), Vec::<(String, String)>::new());
}

#[test]
fn the_format_reads_as_documented() {
    let json = r#"{ "id": "booth-trail", "name": "Visit three partner booths",
      "when": { "on": "signal", "kind": "booth_visit", "poi_kind": "booth" },
      "if": [ { "check": "count", "kind": "booth_visit", "poi_kind": "booth", "at_least": 3 } ],
      "then": [ { "do": "unlock_reward", "quest_id": "expo", "reward_id": "coffee" } ],
      "once": true }"#;
    let parsed: Scenario = serde_json::from_str(json).expect("the documented example parses");
    assert_eq!(parsed, organizer_rules()[0].clone().with_then_first_only());
    let back = serde_json::to_string(&parsed).expect("json");
    assert_eq!(serde_json::from_str::<Scenario>(&back).expect("round trip"), parsed);
}

trait FirstOnly {
    fn with_then_first_only(self) -> Self;
}
impl FirstOnly for Scenario {
    fn with_then_first_only(mut self) -> Self {
        self.then.truncate(1);
        self.name = "Visit three partner booths".into();
        self
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn action() -> impl Strategy<Value = Action> {
        prop_oneof![
            (0..6u8).prop_map(|i| visit(&format!("b{i}"))),
            Just(visit("food1")),
            (0..5u8).prop_map(|i| vote(&format!("p{i}"))),
            (0..6u8).prop_map(|i| meet(&format!("m{i}"))),
            prop_oneof![Just(scan("expo", "a")), Just(scan("expo", "b")), Just(scan("secret", "x"))],
            prop_oneof![Just(check_in("s1")), Just(check_in("s2"))],
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// Random histories, acted on step by step with ticks in between: no reward twice, and
        /// replaying the same accepted signals gives the very same state.
        #[test]
        fn never_a_reward_twice_and_replay_rebuilds_the_same_state(
            steps in proptest::collection::vec((action(), 0i64..40, any::<bool>()), 0..40)
        ) {
            let rules = all_rules();
            let mut state = RuleState::default();
            let mut effects = Vec::new();
            let mut history = Vec::new();
            let mut now = t(0);
            // As a device records them: each signal with its effects, and a `time_passed`
            // signal for every tick that fired something.
            let mut decided: Vec<(Action, DateTime<Utc>, Vec<Effect>)> = Vec::new();
            let tick = |state: &mut RuleState, decided: &mut Vec<_>, effects: &mut Vec<Effect>, now| {
                let fired = rules::tick(&rules, &Facts, state, now);
                if !fired.is_empty() {
                    decided.push((Action::TimePassed { until: now.fixed_offset() }, now, fired.clone()));
                }
                effects.extend(fired);
            };
            for (action, gap, tick_first) in steps {
                now += Duration::minutes(gap);
                if tick_first {
                    tick(&mut state, &mut decided, &mut effects, now);
                }
                // Scanning a checkpoint twice is refused before the rules (by `scenario::decide`).
                if let Action::CheckpointScan { quest_id, checkpoint_id, .. } = &action {
                    if state.checkpoints.contains(&(quest_id.clone(), checkpoint_id.clone())) {
                        continue;
                    }
                }
                tick(&mut state, &mut decided, &mut effects, now);
                let reaction = rules::react_to_signal(&rules, &Facts, &mut state, &action, now);
                effects.extend(reaction.clone());
                decided.push((action.clone(), now, reaction));
                history.push((action, now));
            }
            let end = now + Duration::hours(3);
            tick(&mut state, &mut decided, &mut effects, end);
            // Restored from what was recorded, without running a rule: the same outcomes.
            let mut restored = RuleState::default();
            for (action, at, recorded) in &decided {
                rules::restore_decided(&Facts, &mut restored, action, *at, recorded);
            }
            prop_assert_eq!(&restored.history, &state.history);
            prop_assert_eq!(&restored.points, &state.points);
            prop_assert_eq!(&restored.rewards, &state.rewards);
            prop_assert_eq!(&restored.checkpoints, &state.checkpoints);
            prop_assert_eq!(&restored.completed_quests, &state.completed_quests);
            prop_assert_eq!(&restored.tags, &state.tags);
            prop_assert_eq!(&restored.revealed, &state.revealed);
            prop_assert_eq!(restored.fired.keys().collect::<Vec<_>>(), state.fired.keys().collect::<Vec<_>>());
            let mut unlocked = std::collections::BTreeSet::new();
            for e in &effects {
                if let Effect::RewardUnlocked { quest_id, reward_id, .. } = e {
                    prop_assert!(unlocked.insert((quest_id.clone(), reward_id.clone())), "{reward_id} twice");
                }
            }
            let (replayed, replayed_effects) = rules::replay(&rules, &Facts, history.iter().map(|(a, at)| (a, *at)), end);
            prop_assert_eq!(&replayed, &state);
            prop_assert_eq!(replayed_effects, effects);
        }
    }
}

#[test]
fn once_only_fires_once_and_a_repeatable_rule_every_time() {
    let welcome = |once| {
        rule(
            if once { "welcome" } else { "every-check-in" },
            on(SignalKind::CheckIn, SignalFilter::default()),
            Vec::new(),
            vec![Consequence::Points { quest_id: "expo".into(), points: 5 }],
            once,
        )
    };
    let rules: rules::Rules = vec![welcome(true), welcome(false)].into();
    let mut s = RuleState::default();
    let first = news(rules::react_to_signal(&rules, &Facts, &mut s, &check_in("s1"), t(1)));
    assert_eq!(first.len(), 2, "both rules on the first check-in: {first:?}");
    let second = news(rules::react_to_signal(&rules, &Facts, &mut s, &check_in("s2"), t(2)));
    assert_eq!(
        second,
        vec![Effect::Points { quest_id: "expo".into(), gained: 5, total: 15 }],
        "only the repeatable one"
    );
}

/// `docs/scenarios.schema.json` names exactly the triggers, conditions and consequences the
/// types have (a variant added to one and not the other fails here).
#[test]
fn the_json_schema_lists_every_trigger_condition_and_consequence() {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../docs/scenarios.schema.json")).expect("schema is JSON");
    let consts = |def: &str, tag: &str| -> std::collections::BTreeSet<String> {
        schema["$defs"][def]["oneOf"]
            .as_array()
            .expect("oneOf")
            .iter()
            .filter_map(|v| v["properties"][tag]["const"].as_str().map(String::from))
            .collect()
    };
    let tag_of = |v: serde_json::Value, tag: &str| v[tag].as_str().expect("tag").to_string();
    let f = SignalFilter::default;
    let triggers = [
        Trigger::Signal { kind: SignalKind::Vote, filter: f() },
        Trigger::RewardUnlocked { reward_id: None },
        Trigger::QuestCompleted { quest_id: None },
        Trigger::PointsReached { quest_id: "q".into(), points: 1 },
        Trigger::SessionEnded { track_id: None, session_id: None },
        Trigger::PollOpened { poll_id: None },
        Trigger::At { time: "2027-03-10T10:00:00+01:00".parse().expect("time") },
    ];
    let conditions = [
        Condition::Count { kind: SignalKind::Vote, filter: f(), at_least: 1, within_seconds: None },
        Condition::HasReward { reward_id: "r".into() },
        Condition::LacksReward { reward_id: "r".into() },
        Condition::PointsAtLeast { quest_id: "q".into(), points: 1 },
        Condition::HasTag { tag: "t".into() },
        Condition::LacksTag { tag: "t".into() },
    ];
    let consequences = [
        Consequence::Points { quest_id: "q".into(), points: 1 },
        Consequence::CompleteCheckpoint { quest_id: "q".into(), checkpoint_id: "c".into() },
        Consequence::UnlockReward { quest_id: "q".into(), reward_id: "r".into() },
        Consequence::Message { id: "m".into(), text: text("a", "б"), link: None },
        Consequence::Reveal { kind: "quest".into(), id: "q".into() },
        Consequence::Tag { tag: "t".into() },
    ];
    let from_types = |vals: Vec<serde_json::Value>, tag: &str| vals.into_iter().map(|v| tag_of(v, tag)).collect();
    assert_eq!(
        consts("Trigger", "on"),
        from_types(triggers.iter().map(|t| serde_json::to_value(t).expect("json")).collect(), "on")
    );
    assert_eq!(
        consts("Condition", "check"),
        from_types(conditions.iter().map(|c| serde_json::to_value(c).expect("json")).collect(), "check")
    );
    assert_eq!(
        consts("Consequence", "do"),
        from_types(consequences.iter().map(|c| serde_json::to_value(c).expect("json")).collect(), "do")
    );
    let filter_fields: std::collections::BTreeSet<String> =
        schema["$defs"]["SignalFilter"]["properties"].as_object().expect("fields").keys().cloned().collect();
    let all = SignalFilter {
        poll_id: Some("x".into()),
        option_id: Some("x".into()),
        quest_id: Some("x".into()),
        checkpoint_id: Some("x".into()),
        session_id: Some("x".into()),
        track_id: Some("x".into()),
        poi_id: Some("x".into()),
        poi_kind: Some("x".into()),
        profile_id: Some("x".into()),
    };
    let serialized: std::collections::BTreeSet<String> =
        serde_json::to_value(&all).expect("json").as_object().expect("object").keys().cloned().collect();
    assert_eq!(filter_fields, serialized);
}

/// The bundled demo event's five scenarios, each played out on its own data.
mod demo_event {
    use super::*;
    use elements_protocol::event::EventBundle;

    struct Demo(EventBundle);
    impl RuleFacts for Demo {
        fn quest(&self, id: &str) -> Option<Quest> {
            self.0.quests.iter().find(|q| q.id == id).cloned()
        }
        fn session_track(&self, id: &str) -> Option<String> {
            self.0.sessions.iter().find(|s| s.id == id)?.track_id.clone()
        }
        fn session_end(&self, id: &str) -> Option<DateTime<Utc>> {
            Some(self.0.sessions.iter().find(|s| s.id == id)?.ends_at.to_utc())
        }
        fn poi_kind(&self, id: &str) -> Option<String> {
            elements_domain::scenario::poi_kind_name(&self.0.points_of_interest.iter().find(|p| p.id == id)?.kind)
        }
    }

    fn demo() -> (Demo, rules::Rules) {
        let b: EventBundle = serde_json::from_str(include_str!("../../assets/demo-event/event.json")).expect("demo");
        elements_domain::validate(&b).expect("the demo event, scenarios included, is valid");
        let rules = rules::event_rules(&b.quests, &b.scenarios);
        (Demo(b), rules)
    }

    fn messages(effects: &[Effect]) -> Vec<String> {
        effects
            .iter()
            .filter_map(|e| if let Effect::Message { id, .. } = e { Some(id.clone()) } else { None })
            .collect()
    }

    fn play(d: &Demo, rules: &rules::Rules, actions: &[Action]) -> (RuleState, Vec<Effect>) {
        let start = d.0.manifest.days[0].starts_at.to_utc();
        let mut state = RuleState::default();
        let mut effects = Vec::new();
        for (i, a) in actions.iter().enumerate() {
            effects.extend(rules::react_to_signal(rules, d, &mut state, a, start + Duration::minutes(i as i64)));
        }
        (state, effects)
    }

    #[test]
    fn booth_trail() {
        let (d, rules) = demo();
        let booths: Vec<Action> =
            d.0.points_of_interest
                .iter()
                .filter(|p| p.id.starts_with("poi-booth"))
                .take(3)
                .map(|p| visit(&p.id))
                .collect();
        let (state, effects) = play(&d, &rules, &booths);
        assert!(
            effects.iter().any(|e| matches!(e, Effect::RewardUnlocked { reward_id, .. } if reward_id == "rw-coffee")),
            "{effects:?}"
        );
        assert_eq!(messages(&effects), ["booth-trail-done"]);
        assert!(state.tags.contains("expo-explorer"));
    }

    #[test]
    fn rate_talk() {
        let (d, rules) = demo();
        let session =
            d.0.sessions.iter().find(|s| s.kind != elements_protocol::event::SessionKind::Break).expect("a talk");
        let mut state = RuleState::default();
        let at = session.starts_at.to_utc();
        rules::react_to_signal(&rules, &d, &mut state, &check_in(&session.id), at);
        assert_eq!(
            messages(&rules::tick(&rules, &d, &mut state, session.ends_at.to_utc() - Duration::seconds(1))),
            Vec::<String>::new()
        );
        let fired = rules::tick(&rules, &d, &mut state, session.ends_at.to_utc());
        assert_eq!(messages(&fired), ["rate-talk"]);
        let link = fired.iter().find_map(|e| if let Effect::Message { link, .. } = e { link.clone() } else { None });
        assert_eq!(link, Some(format!("session:{}", session.id)), "the prompt leads to the talk that ended");
    }

    #[test]
    fn poll_streak() {
        let (d, rules) = demo();
        // Three single-choice polls (the quiz would add its own points for a right answer).
        let votes: Vec<Action> =
            d.0.polls
                .iter()
                .filter(|p| p.kind == elements_protocol::event::PollKind::SingleChoice)
                .map(|p| Action::Vote { poll_id: p.id.clone(), option_id: p.options[0].id.clone() })
                .collect();
        assert_eq!(votes.len(), 3);
        let (state, effects) = play(&d, &rules, &votes);
        assert_eq!(messages(&effects), ["poll-streak"]);
        assert_eq!(state.points.get("quest-explorer"), Some(&10));
    }

    #[test]
    fn quiz_right() {
        let (d, rules) = demo();
        let answer = |o: &str| Action::Vote { poll_id: "poll-quiz-booths".into(), option_id: o.into() };
        let quiz_done = |s: &RuleState| s.checkpoints.contains(&("quest-regular".to_string(), "cp-quiz".to_string()));
        let (wrong, _) = play(&d, &rules, &[answer("three")]);
        assert!(!quiz_done(&wrong), "a wrong answer completes nothing");
        assert_eq!(wrong.points.get("quest-regular"), Some(&5), "only the vote itself counts: any poll");
        let (right, _) = play(&d, &rules, &[answer("five")]);
        assert!(quiz_done(&right));
        assert_eq!(right.points.get("quest-regular"), Some(&15), "5 for a vote, 10 for the right answer");
    }

    #[test]
    fn summit_regular() {
        let (d, rules) = demo();
        let opening =
            d.0.polls.iter().find(|p| p.id == "poll-opening").and_then(|p| p.session_id.clone()).expect("opening");
        let actions = [
            check_in(&opening),
            Action::Vote { poll_id: "poll-opening".into(), option_id: "o1".into() },
            Action::Vote { poll_id: "poll-quiz-booths".into(), option_id: "five".into() },
        ];
        let (state, effects) = play(&d, &rules, &actions);
        assert!(state.completed_quests.contains("quest-regular"), "{effects:?}");
        assert_eq!(state.points.get("quest-regular"), Some(&25));
        assert!(state.rewards.contains(&("quest-regular".to_string(), "rw-stickers".to_string())));
    }

    #[test]
    fn networking_goal() {
        let (d, rules) = demo();
        let people: Vec<Action> = d.0.people.iter().take(5).map(|p| meet(&p.id)).collect();
        let (state, effects) = play(&d, &rules, &people);
        assert!(effects.contains(&Effect::CheckpointCompleted {
            quest_id: "quest-networking".into(),
            checkpoint_id: "cp-meet-5".into()
        }));
        assert!(
            state.rewards.contains(&("quest-networking".into(), "rw-connector".into())),
            "25 points reach the lanyard"
        );
        assert!(state.completed_quests.contains("quest-networking"));
    }

    #[test]
    fn hidden_quest() {
        let (d, rules) = demo();
        let scans: Vec<Action> =
            ["cp-trail-1", "cp-trail-2", "cp-trail-3"].iter().map(|c| scan("quest-harbour-trail", c)).collect();
        let (state, effects) = play(&d, &rules, &scans);
        assert!(effects
            .iter()
            .any(|e| matches!(e, Effect::RewardUnlocked { reward_id, .. } if reward_id == "rw-tote")));
        assert!(state.revealed.contains(&("quest".into(), "quest-networking".into())));
        assert_eq!(messages(&effects), ["hidden-quest"]);
    }
}

/// An organizer changes a scenario mid-event: what it decided before stays as it was (the
/// restored state takes the recorded effects, not today's rules), and the new rule applies to
/// what happens next.
#[test]
fn a_changed_scenario_applies_from_then_on_and_never_rewrites_what_was_decided() {
    let before = all_rules();
    let mut live = RuleState::default();
    let first = rules::react_to_signal(&before, &Facts, &mut live, &scan("expo", "a"), t(1));
    assert!(first.contains(&Effect::Points { quest_id: "expo".into(), gained: 30, total: 30 }));

    // Checkpoint "a" now gives 100 points (the default rule is replaced by the organizer's).
    let after: rules::Rules = before
        .iter()
        .map(|r| {
            let mut r = r.clone();
            if r.id == "default:points:expo:a" {
                r.then = vec![Consequence::Points { quest_id: "expo".into(), points: 100 }];
            }
            r
        })
        .collect::<Vec<_>>()
        .into();
    let mut restored = RuleState::default();
    rules::restore_decided(&Facts, &mut restored, &scan("expo", "a"), t(1), &first);
    assert_eq!(restored.points.get("expo"), Some(&30), "the scan decided at 30 points stays at 30");
    assert!(restored.rewards.is_empty(), "and the mug (50) is not unlocked after the fact");
    let (rerun, _) = rules::replay(&after, &Facts, [(&scan("expo", "a"), t(1))], t(1));
    assert_eq!(rerun.points.get("expo"), Some(&100), "deciding again would have rewritten it: the test can fail");

    let next = rules::react_to_signal(&after, &Facts, &mut restored, &scan("expo", "b"), t(2));
    assert!(next.contains(&Effect::Points { quest_id: "expo".into(), gained: 30, total: 60 }), "{next:?}");
    assert!(next.iter().any(|e| matches!(e, Effect::RewardUnlocked { reward_id, .. } if reward_id == "mug")));
    assert_eq!(
        rules::react_to_signal(&after, &Facts, &mut restored, &scan("expo", "a"), t(3)),
        vec![],
        "the once-only rule that fired (under its old terms) does not fire again"
    );
}

/// "Ask two questions in the keynote's Q&A: 5 points; every upvote: 1 point." Each question
/// counts on its own (two in one poll are two), and upvotes react one by one.
#[test]
fn questions_and_upvotes_are_signals_scenarios_count() {
    let qa = |q: &str| Action::Ask { poll_id: "qa".into(), question_id: q.into(), text: "?".into(), anonymous: false };
    let upvote = |q: &str| Action::Upvote { poll_id: "qa".into(), question_id: q.into() };
    let in_qa = SignalFilter { poll_id: Some("qa".into()), ..SignalFilter::default() };
    let rules: rules::Rules = vec![
        rule(
            "curious",
            on(SignalKind::Question, in_qa.clone()),
            vec![Condition::Count {
                kind: SignalKind::Question,
                filter: in_qa.clone(),
                at_least: 2,
                within_seconds: None,
            }],
            vec![Consequence::Points { quest_id: "expo".into(), points: 5 }],
            true,
        ),
        rule(
            "supporter",
            on(SignalKind::Upvote, in_qa),
            Vec::new(),
            vec![Consequence::Points { quest_id: "expo".into(), points: 1 }],
            false,
        ),
    ]
    .into();
    let mut s = RuleState::default();
    let points = |e: Vec<Effect>| e.iter().filter(|e| matches!(e, Effect::Points { .. })).count();
    assert_eq!(points(rules::react_to_signal(&rules, &Facts, &mut s, &qa("q1"), t(1))), 0);
    assert_eq!(points(rules::react_to_signal(&rules, &Facts, &mut s, &qa("q2"), t(2))), 1, "a second question");
    assert_eq!(points(rules::react_to_signal(&rules, &Facts, &mut s, &qa("q3"), t(3))), 0, "once");
    assert_eq!(points(rules::react_to_signal(&rules, &Facts, &mut s, &upvote("q9"), t(4))), 1);
    assert_eq!(points(rules::react_to_signal(&rules, &Facts, &mut s, &upvote("q8"), t(5))), 1);
    assert_eq!(s.points.get("expo"), Some(&7));
}
