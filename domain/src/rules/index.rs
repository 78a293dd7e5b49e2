//! The event's rules indexed by what triggers them: a happening is matched against the few rules
//! that listen for its kind and target, not against every rule of the event. With 200 rules, a
//! vote meets the rules about its poll and the rules about any vote, nothing else.

use std::collections::HashMap;

use elements_protocol::scenario::{Scenario, SignalFilter, SignalKind, Trigger};

use super::Happening;

/// What a rule listens for, as narrowly as its trigger names it. A signal rule is filed under
/// the first target its filter names (in [`TARGETS`] order), or under its kind alone.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Listen {
    Signal(SignalKind, Option<(Target, String)>),
    RewardUnlocked,
    QuestCompleted,
    Points(String),
    SessionEnded,
    PollOpened,
    At,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Target {
    Poll,
    Quest,
    Session,
    Poi,
    Profile,
    Track,
    PoiKind,
}

/// The fields a signal rule may be filed under, most selective first.
const TARGETS: [(Target, fn(&SignalFilter) -> &Option<String>); 7] = [
    (Target::Poll, |f| &f.poll_id),
    (Target::Quest, |f| &f.quest_id),
    (Target::Session, |f| &f.session_id),
    (Target::Poi, |f| &f.poi_id),
    (Target::Profile, |f| &f.profile_id),
    (Target::Track, |f| &f.track_id),
    (Target::PoiKind, |f| &f.poi_kind),
];

fn listens_for(trigger: &Trigger) -> Listen {
    match trigger {
        Trigger::Signal { kind, filter } => Listen::Signal(
            *kind,
            TARGETS.iter().find_map(|(target, field)| field(filter).as_ref().map(|v| (*target, v.clone()))),
        ),
        Trigger::RewardUnlocked { .. } => Listen::RewardUnlocked,
        Trigger::QuestCompleted { .. } => Listen::QuestCompleted,
        Trigger::PointsReached { quest_id, .. } => Listen::Points(quest_id.clone()),
        Trigger::SessionEnded { .. } => Listen::SessionEnded,
        Trigger::PollOpened { .. } => Listen::PollOpened,
        Trigger::At { .. } => Listen::At,
    }
}

/// The rules an event plays by, in the event's order, with each rule filed under what it
/// listens for. Derefs to the rules themselves.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    all: Vec<Scenario>,
    listening: HashMap<Listen, Vec<usize>>,
}

impl From<Vec<Scenario>> for Rules {
    fn from(all: Vec<Scenario>) -> Rules {
        let mut listening: HashMap<Listen, Vec<usize>> = HashMap::new();
        for (i, rule) in all.iter().enumerate() {
            listening.entry(listens_for(&rule.when)).or_default().push(i);
        }
        Rules { all, listening }
    }
}

impl PartialEq for Rules {
    fn eq(&self, other: &Rules) -> bool {
        self.all == other.all
    }
}

impl std::ops::Deref for Rules {
    type Target = [Scenario];
    fn deref(&self) -> &[Scenario] {
        &self.all
    }
}

impl Rules {
    /// The rules that may be triggered by `happening`, in the event's order: a superset of those
    /// it triggers (the caller still checks each rule's whole trigger).
    pub(super) fn candidates(&self, happening: &Happening) -> Vec<&Scenario> {
        let mut found: Vec<usize> = Vec::new();
        let mut probe = |key: &Listen| found.extend(self.listening.get(key).into_iter().flatten());
        match happening {
            Happening::Signal(o) => {
                probe(&Listen::Signal(o.kind, None));
                for (target, field) in TARGETS {
                    if let Some(value) = field(&o.about) {
                        probe(&Listen::Signal(o.kind, Some((target, value.clone()))));
                    }
                }
            }
            Happening::RewardUnlocked { .. } => probe(&Listen::RewardUnlocked),
            Happening::QuestCompleted { .. } => probe(&Listen::QuestCompleted),
            Happening::Points { quest_id, .. } => probe(&Listen::Points(quest_id.clone())),
            Happening::SessionEnded { .. } => probe(&Listen::SessionEnded),
            Happening::PollOpened { .. } => probe(&Listen::PollOpened),
            Happening::Moment(_) => probe(&Listen::At),
        }
        // Each rule is filed once, so probes never overlap; their union is put back in order.
        found.sort_unstable();
        found.into_iter().map(|i| &self.all[i]).collect()
    }

    pub fn into_vec(self) -> Vec<Scenario> {
        self.all
    }
}

#[cfg(test)]
mod tests {
    use super::super::{triggered, Occurrence};
    use super::*;
    use proptest::prelude::*;

    fn id() -> impl Strategy<Value = Option<String>> {
        // Mostly absent: rules filed under their kind alone must come up too.
        prop_oneof![4 => Just(None), 1 => Just(Some("a".to_string())), 1 => Just(Some("b".to_string()))]
    }

    fn filter() -> impl Strategy<Value = SignalFilter> {
        (id(), id(), id(), id(), id(), id(), id(), id(), id()).prop_map(
            |(poll_id, option_id, quest_id, checkpoint_id, session_id, track_id, poi_id, poi_kind, profile_id)| {
                SignalFilter {
                    poll_id,
                    option_id,
                    quest_id,
                    checkpoint_id,
                    session_id,
                    track_id,
                    poi_id,
                    poi_kind,
                    profile_id,
                }
            },
        )
    }

    fn kind() -> impl Strategy<Value = SignalKind> {
        prop_oneof![Just(SignalKind::Vote), Just(SignalKind::CheckIn), Just(SignalKind::BoothVisit)]
    }

    fn trigger() -> impl Strategy<Value = Trigger> {
        prop_oneof![
            4 => (kind(), filter()).prop_map(|(kind, filter)| Trigger::Signal { kind, filter }),
            1 => id().prop_map(|quest_id| Trigger::PointsReached { quest_id: quest_id.unwrap_or_default(), points: 10 }),
            1 => id().prop_map(|quest_id| Trigger::QuestCompleted { quest_id }),
            1 => id().prop_map(|reward_id| Trigger::RewardUnlocked { reward_id }),
        ]
    }

    fn happening() -> impl Strategy<Value = Happening> {
        prop_oneof![
            4 => (kind(), filter()).prop_map(|(kind, about)| Happening::Signal(Occurrence {
                kind,
                about,
                item: None,
                at: chrono::DateTime::UNIX_EPOCH,
            })),
            1 => id().prop_map(|q| Happening::Points { quest_id: q.unwrap_or_default(), before: 5, after: 15 }),
            1 => id().prop_map(|q| Happening::QuestCompleted { quest_id: q.unwrap_or_default() }),
            1 => id().prop_map(|r| Happening::RewardUnlocked { quest_id: "q".into(), reward_id: r.unwrap_or_default() }),
        ]
    }

    proptest! {
        /// The index never hides a rule: for any rules and any happening, the rules it triggers
        /// among the candidates are exactly those it triggers among all rules, in the same order.
        #[test]
        fn the_index_finds_every_rule_a_happening_triggers(
            triggers in proptest::collection::vec(trigger(), 0..40),
            happening in happening(),
        ) {
            let rules: Rules = triggers
                .into_iter()
                .enumerate()
                .map(|(i, when)| Scenario {
                    id: format!("r{i}"),
                    name: String::new(),
                    when,
                    conditions: Vec::new(),
                    then: Vec::new(),
                    once: false,
                    cooldown_seconds: None,
                })
                .collect::<Vec<_>>()
                .into();
            let scanned: Vec<&str> =
                rules.iter().filter(|r| triggered(&r.when, &happening)).map(|r| r.id.as_str()).collect();
            let indexed: Vec<&str> = rules
                .candidates(&happening)
                .into_iter()
                .filter(|r| triggered(&r.when, &happening))
                .map(|r| r.id.as_str())
                .collect();
            prop_assert_eq!(indexed, scanned);
        }
    }
}
