//! How fast the scenario evaluator decides: an event with 200 rules (of every trigger,
//! condition and consequence kind) and a participant with 500 accepted signals behind them.
//! Prints figures; asserts nothing. `cargo bench -p elements-domain --bench rules`.

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use elements_domain::rules::{self, RuleFacts, RuleState};
use elements_protocol::event::{Checkpoint, Quest, Reward};
use elements_protocol::scenario::{Condition, Consequence, Scenario, SignalFilter, SignalKind, Trigger};
use elements_protocol::signal::Action;

struct Facts {
    quests: Vec<Quest>,
}

impl RuleFacts for Facts {
    fn quest(&self, id: &str) -> Option<Quest> {
        self.quests.iter().find(|q| q.id == id).cloned()
    }
    fn poi_kind(&self, id: &str) -> Option<String> {
        Some(if id.ends_with('0') { "food" } else { "booth" }.into())
    }
    fn session_track(&self, id: &str) -> Option<String> {
        Some(format!("track-{}", id.len() % 6))
    }
}

fn quests() -> Vec<Quest> {
    (0..10)
        .map(|q| Quest {
            id: format!("q{q}"),
            title: format!("Quest {q}"),
            description: String::new(),
            checkpoints: (0..10)
                .map(|c| Checkpoint {
                    id: format!("c{c}"),
                    name: format!("C{c}"),
                    poi_id: None,
                    points: 10,
                    hint: String::new(),
                })
                .collect(),
            rewards: vec![Reward { id: format!("r{q}"), name: format!("R{q}"), points_required: 50 }],
            hidden: false,
            ordered: false,
            opens_at: None,
            closes_at: None,
        })
        .collect()
}

/// 200 rules: the defaults of 10 quests (110) and 90 of the organizer's, of every kind.
fn rules(quests: &[Quest]) -> Vec<Scenario> {
    let mut all = rules::default_scenarios(quests);
    let kinds = [SignalKind::Vote, SignalKind::BoothVisit, SignalKind::CheckIn, SignalKind::ContactExchange];
    let mut i = 0;
    while all.len() < 200 {
        let kind = kinds[i % kinds.len()];
        let filter = match kind {
            SignalKind::BoothVisit => SignalFilter { poi_kind: Some("booth".into()), ..SignalFilter::default() },
            SignalKind::CheckIn => {
                SignalFilter { track_id: Some(format!("track-{}", i % 6)), ..SignalFilter::default() }
            }
            _ => SignalFilter::default(),
        };
        all.push(Scenario {
            id: format!("rule-{i:03}"),
            name: String::new(),
            when: Trigger::Signal { kind, filter: filter.clone() },
            conditions: vec![
                Condition::Count {
                    kind,
                    filter,
                    at_least: 3 + (i as u32 % 20),
                    within_seconds: Some(3600 * (1 + i as u32 % 5)),
                },
                Condition::LacksTag { tag: format!("t{}", i % 7) },
            ],
            then: vec![
                Consequence::Points { quest_id: format!("q{}", i % 10), points: 1 },
                Consequence::Tag { tag: format!("t{}", (i + 1) % 7) },
            ],
            once: i % 2 == 0,
            cooldown_seconds: Some(600),
        });
        i += 1;
    }
    all
}

fn signal(i: usize) -> Action {
    match i % 4 {
        0 => Action::Vote { poll_id: format!("p{}", i % 40), option_id: "o1".into() },
        1 => Action::BoothVisit { poi_id: format!("b{}", i % 60) },
        2 => Action::CheckIn { session_id: format!("s{}", i % 90) },
        _ => Action::ContactExchange { profile_id: format!("m{}", i % 120) },
    }
}

fn main() {
    let facts = Facts { quests: quests() };
    let rules: rules::Rules = rules(&facts.quests).into();
    let start: DateTime<Utc> = DateTime::parse_from_rfc3339("2027-03-10T08:00:00Z").expect("time").to_utc();
    let history: Vec<(Action, DateTime<Utc>)> =
        (0..500).map(|i| (signal(i), start + Duration::seconds(i as i64 * 30))).collect();

    let t = Instant::now();
    let (state, effects) =
        rules::replay(&rules, &facts, history.iter().map(|(a, at)| (a, *at)), start + Duration::hours(5));
    let replay_ms = t.elapsed().as_secs_f64() * 1000.0;
    println!(
        "replay of 500 accepted signals over {} rules: {replay_ms:.1} ms ({} effects, {} rules fired)",
        rules.len(),
        effects.len(),
        state.fired.len()
    );

    // What the app and the backend do instead since scenarios never rewrite the past: rebuild
    // the participant from the effects recorded with each decision, running no rule.
    let mut live = RuleState::default();
    let mut decided = Vec::new();
    for (a, at) in &history {
        let mut e = rules::tick(&rules, &facts, &mut live, *at);
        e.extend(rules::react_to_signal(&rules, &facts, &mut live, a, *at));
        decided.push((a, *at, e));
    }
    let reps = 200;
    let t = Instant::now();
    for _ in 0..reps {
        let mut s = RuleState::default();
        for (a, at, e) in &decided {
            rules::restore_decided(&facts, &mut s, a, *at, e);
        }
        std::hint::black_box(s);
    }
    let restore_ms = t.elapsed().as_secs_f64() * 1000.0 / reps as f64;
    println!("restore of the same 500 signals from their recorded effects: {restore_ms:.2} ms");

    // Decisions: the next signal of this participant, from the state after those 500.
    let n = 20_000;
    let t = Instant::now();
    let mut produced = 0usize;
    for i in 0..n {
        let mut s: RuleState = state.clone();
        let at = start + Duration::hours(5) + Duration::seconds(i as i64);
        produced += rules::react_to_signal(&rules, &facts, &mut s, &signal(i), at).len();
    }
    let per_s = n as f64 / t.elapsed().as_secs_f64();
    // The clone is part of the loop; measure it alone to say what the evaluator costs.
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(state.clone());
    }
    let clone_us = t.elapsed().as_secs_f64() * 1e6 / n as f64;
    println!(
        "decisions with {} rules and 500 past signals: {per_s:.0}/s including a {clone_us:.1} µs copy of the state ({produced} effects)",
        rules.len()
    );
}
