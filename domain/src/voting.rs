//! Answers to polls of every kind: whether an answer fits its poll, and how it moves the poll's
//! tally (with the answer it replaces taken out). Pure: the app shows its own answer at once with
//! these, the backend counts with the same code.

use std::collections::BTreeSet;

use elements_protocol::event::{Poll, PollKind, RatingScale};
use elements_protocol::signal::{Action, Answer, MAX_ANSWER_TEXT};

/// The poll and answer an action gives, if it answers a poll (`vote` is a `choice`).
pub fn answer_of(action: &Action) -> Option<(&str, Answer)> {
    match action {
        Action::Vote { poll_id, option_id } => Some((poll_id, Answer::Choice { option_id: option_id.clone() })),
        Action::Answer { poll_id, answer } => Some((poll_id, answer.clone())),
        _ => None,
    }
}

/// Why `answer` does not fit `poll`, in words naming what is wrong; `Ok` if it does.
pub fn check_answer(poll: &Poll, answer: &Answer) -> Result<(), String> {
    let option = |id: &str| {
        if poll.options.iter().any(|o| o.id == id) {
            Ok(())
        } else {
            Err(format!("poll \"{}\" has no option \"{id}\"", poll.id))
        }
    };
    let kind = poll.kind.as_str().replace('_', " ");
    match (poll.kind, answer) {
        (PollKind::SingleChoice | PollKind::Quiz, Answer::Choice { option_id }) => option(option_id),
        (PollKind::MultipleChoice, Answer::Choices { option_ids }) => {
            if option_ids.is_empty() {
                return Err("pick at least one option".into());
            }
            if let Some(max) = poll.max_choices.filter(|m| option_ids.len() > *m as usize) {
                return Err(format!("pick at most {max} options; this answer has {}", option_ids.len()));
            }
            distinct(option_ids)?;
            option_ids.iter().try_for_each(|id| option(id))
        }
        (PollKind::Ranking, Answer::Ranking { option_ids }) => {
            distinct(option_ids)?;
            option_ids.iter().try_for_each(|id| option(id))?;
            if option_ids.len() != poll.options.len() {
                return Err(format!("rank all {} options, each once", poll.options.len()));
            }
            Ok(())
        }
        (PollKind::Rating, Answer::Rating { value }) => {
            let scale = poll.scale.unwrap_or_default();
            if (scale.min..=scale.max).contains(value) {
                Ok(())
            } else {
                Err(format!("a rating is {} to {}; {value} is off the scale", scale.min, scale.max))
            }
        }
        (PollKind::OpenText, Answer::Text { text }) => check_text(text),
        (PollKind::Questions, _) => Err("this poll takes questions: ask one, or upvote one".into()),
        _ => Err(format!("poll \"{}\" is a {kind} poll; this answer is of another kind", poll.id)),
    }
}

/// Free text (an open answer, a question): 1 to [`MAX_ANSWER_TEXT`] characters, not blank.
pub fn check_text(text: &str) -> Result<(), String> {
    let n = text.trim().chars().count();
    if n == 0 || text.chars().count() > MAX_ANSWER_TEXT {
        Err(format!("write 1 to {MAX_ANSWER_TEXT} characters"))
    } else {
        Ok(())
    }
}

fn distinct(ids: &[String]) -> Result<(), String> {
    let mut seen = BTreeSet::new();
    match ids.iter().find(|id| !seen.insert(id.as_str())) {
        Some(twice) => Err(format!("option \"{twice}\" is given twice")),
        None => Ok(()),
    }
}

/// What one answer adds to its poll's tally, by key: option ids (choices; a ranking's Borda
/// points), the rating's value, or the words of a text.
pub fn tally_of(poll: &Poll, answer: &Answer) -> Vec<(String, i64)> {
    match answer {
        Answer::Choice { option_id } => vec![(option_id.clone(), 1)],
        Answer::Choices { option_ids } => option_ids.iter().map(|o| (o.clone(), 1)).collect(),
        Answer::Rating { value } => vec![(value.to_string(), 1)],
        Answer::Text { text } => words(text).into_iter().map(|w| (w, 1)).collect(),
        Answer::Ranking { option_ids } => {
            let n = option_ids.len().max(poll.options.len()) as i64;
            option_ids.iter().enumerate().map(|(i, o)| (o.clone(), n - 1 - i as i64)).collect()
        }
    }
}

/// How the tally moves when `next` replaces `previous` (if any): the earlier answer's counts
/// taken out, the new one's put in, keys that cancel left out.
pub fn tally_change(poll: &Poll, previous: Option<&Answer>, next: &Answer) -> Vec<(String, i64)> {
    let mut change: Vec<(String, i64)> = Vec::new();
    let mut add = |key: String, delta: i64| match change.iter_mut().find(|(k, _)| *k == key) {
        Some(entry) => entry.1 += delta,
        None => change.push((key, delta)),
    };
    if let Some(previous) = previous {
        for (key, n) in tally_of(poll, previous) {
            add(key, -n);
        }
    }
    for (key, n) in tally_of(poll, next) {
        add(key, n);
    }
    change.retain(|(_, d)| *d != 0);
    change
}

/// Every value of a rating scale, as tally keys, lowest first.
pub fn scale_keys(scale: Option<RatingScale>) -> Vec<String> {
    let scale = scale.unwrap_or_default();
    (scale.min..=scale.max.min(scale.min.saturating_add(100))).map(|v| v.to_string()).collect()
}

/// Words too common to say anything in a word cloud (English and Russian).
const STOP_WORDS: &[&str] = &[
    "the",
    "and",
    "for",
    "are",
    "but",
    "not",
    "you",
    "all",
    "any",
    "can",
    "was",
    "our",
    "out",
    "has",
    "have",
    "had",
    "its",
    "it's",
    "this",
    "that",
    "with",
    "from",
    "they",
    "them",
    "then",
    "than",
    "there",
    "what",
    "when",
    "who",
    "will",
    "would",
    "about",
    "into",
    "more",
    "very",
    "just",
    "also",
    "some",
    "your",
    "their",
    "which",
    "were",
    "been",
    "being",
    "how",
    "why",
    "too",
    "она",
    "они",
    "оно",
    "его",
    "её",
    "это",
    "этот",
    "эта",
    "эти",
    "что",
    "как",
    "так",
    "там",
    "тут",
    "где",
    "для",
    "при",
    "над",
    "под",
    "или",
    "если",
    "уже",
    "ещё",
    "еще",
    "был",
    "была",
    "были",
    "было",
    "быть",
    "все",
    "всё",
    "вот",
    "меня",
    "мне",
    "нас",
    "вас",
    "нам",
    "вам",
    "наш",
    "ваш",
    "очень",
    "только",
    "тоже",
    "также",
    "чтобы",
];

/// The distinct words of a text, lowercased, for a word cloud: letters and digits, at least
/// three characters, without the most common words.
pub fn words(text: &str) -> Vec<String> {
    let mut seen = BTreeSet::new();
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-'))
        .map(|w| w.trim_matches(|c| c == '\'' || c == '-').to_lowercase())
        .filter(|w| w.chars().count() >= 3 && !STOP_WORDS.contains(&w.as_str()))
        .filter(|w| seen.insert(w.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use elements_protocol::event::PollOption;

    fn poll(kind: PollKind) -> Poll {
        Poll {
            id: "p".into(),
            question: "?".into(),
            session_id: None,
            options: ["a", "b", "c"].map(|o| PollOption { id: o.into(), label: o.into() }).to_vec(),
            opens_at: "2027-03-10T09:00:00+01:00".parse().expect("t"),
            closes_at: "2027-03-10T10:00:00+01:00".parse().expect("t"),
            requires_ticket: false,
            kind,
            max_choices: Some(2),
            scale: None,
            correct_option_id: None,
            hide_results: false,
            timer_seconds: None,
            draft: false,
            reset_at: None,
        }
    }

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn answers_that_do_not_fit_their_poll_say_why() {
        let multiple = poll(PollKind::MultipleChoice);
        let bad = |p: &Poll, a: Answer| check_answer(p, &a).expect_err("refused");
        assert!(bad(&multiple, Answer::Choices { option_ids: ids(&["a", "b", "c"]) }).contains("at most 2"));
        assert!(bad(&multiple, Answer::Choices { option_ids: ids(&["a", "a"]) }).contains("twice"));
        assert!(bad(&multiple, Answer::Choices { option_ids: vec![] }).contains("at least one"));
        assert!(bad(&multiple, Answer::Choices { option_ids: ids(&["z"]) }).contains("no option \"z\""));
        assert!(bad(&multiple, Answer::Rating { value: 3 }).contains("multiple choice poll"));
        assert!(bad(&poll(PollKind::Rating), Answer::Rating { value: 6 }).contains("1 to 5"));
        assert!(bad(&poll(PollKind::Ranking), Answer::Ranking { option_ids: ids(&["a", "b"]) }).contains("all 3"));
        assert!(bad(&poll(PollKind::OpenText), Answer::Text { text: "   ".into() }).contains("1 to 280"));
        assert!(bad(&poll(PollKind::OpenText), Answer::Text { text: "я".repeat(281) }).contains("1 to 280"));
        assert!(check_answer(&poll(PollKind::OpenText), &Answer::Text { text: "я".repeat(280) }).is_ok(), "characters");
        assert!(check_answer(&multiple, &Answer::Choices { option_ids: ids(&["c", "a"]) }).is_ok());
    }

    #[test]
    fn a_changed_answer_moves_the_tally_by_the_difference() {
        let ranking = poll(PollKind::Ranking);
        let first = Answer::Ranking { option_ids: ids(&["a", "b", "c"]) };
        let second = Answer::Ranking { option_ids: ids(&["c", "b", "a"]) };
        assert_eq!(tally_of(&ranking, &first), vec![("a".into(), 2), ("b".into(), 1), ("c".into(), 0)]);
        assert_eq!(tally_change(&ranking, Some(&first), &second), vec![("a".into(), -2), ("c".into(), 2)]);
        let text = poll(PollKind::OpenText);
        let a = Answer::Text { text: "Rust, rust and Tauri!".into() };
        assert_eq!(tally_of(&text, &a), vec![("rust".into(), 1), ("tauri".into(), 1)], "each word once per answer");
        assert_eq!(words("Очень быстрый Rust — быстрый"), ids(&["быстрый", "rust"]));
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use elements_protocol::event::PollOption;
    use proptest::prelude::*;

    fn answer() -> impl Strategy<Value = Answer> {
        prop_oneof![
            proptest::sample::subsequence(vec!["a", "b", "c", "d"], 1..=4)
                .prop_map(|v| Answer::Choices { option_ids: v.into_iter().map(String::from).collect() }),
            "[a-zа-я ]{0,40}".prop_map(|text| Answer::Text { text }),
            (0u32..12).prop_map(|value| Answer::Rating { value }),
        ]
    }

    proptest! {
        /// However often a participant changes their answer, the tally equals the count of
        /// their last answer alone.
        #[test]
        fn the_tally_after_any_changes_is_the_last_answer_alone(answers in proptest::collection::vec(answer(), 1..12)) {
            let poll = Poll {
                id: "p".into(),
                question: "?".into(),
                session_id: None,
                options: ["a", "b", "c", "d"].map(|o| PollOption { id: o.into(), label: o.into() }).to_vec(),
                opens_at: "2027-03-10T09:00:00+01:00".parse().expect("t"),
                closes_at: "2027-03-10T10:00:00+01:00".parse().expect("t"),
                requires_ticket: false,
                kind: PollKind::MultipleChoice,
                max_choices: None,
                scale: None,
                correct_option_id: None,
                hide_results: false,
                timer_seconds: None,
                draft: false,
                reset_at: None,
            };
            let mut tally: std::collections::BTreeMap<String, i64> = Default::default();
            let mut previous: Option<Answer> = None;
            for a in &answers {
                for (k, d) in tally_change(&poll, previous.as_ref(), a) {
                    *tally.entry(k).or_default() += d;
                }
                previous = Some(a.clone());
            }
            tally.retain(|_, v| *v != 0);
            let last: std::collections::BTreeMap<String, i64> =
                tally_of(&poll, answers.last().expect("one")).into_iter().filter(|(_, v)| *v != 0).collect();
            prop_assert_eq!(tally, last);
        }
    }
}

#[cfg(test)]
mod validation {
    use elements_protocol::event::{EventBundle, PollKind, RatingScale};

    /// Every poll-kind mistake an organizer can make is named on import.
    #[test]
    fn polls_that_cannot_be_answered_are_refused_on_import_naming_the_mistake() {
        let mut b: EventBundle =
            serde_json::from_str(include_str!("../../assets/demo-event/event.json")).expect("demo");
        crate::validate(&b).expect("the demo's polls of every kind are valid");
        let kinds: std::collections::HashSet<PollKind> = b.polls.iter().map(|p| p.kind).collect();
        assert_eq!(kinds.len(), PollKind::ALL.len(), "the demo shows every kind of poll");
        let by_id = |b: &mut EventBundle, id: &str| b.polls.iter().position(|p| p.id == id).expect(id);
        let (quiz, rating, multiple, text) = (
            by_id(&mut b, "poll-quiz-booths"),
            by_id(&mut b, "poll-opening-rating"),
            by_id(&mut b, "poll-topics"),
            by_id(&mut b, "poll-one-word"),
        );
        b.polls[quiz].correct_option_id = Some("seven".into());
        b.polls[rating].scale = Some(RatingScale { min: 1, max: 50 });
        b.polls[multiple].max_choices = Some(9);
        b.polls[text].options = b.polls[multiple].options.clone();
        let problems: Vec<String> =
            crate::validate(&b).expect_err("invalid").into_iter().map(|e| format!("{}: {}", e.at, e.problem)).collect();
        let has = |s: &str| problems.iter().any(|p| p.contains(s));
        assert!(has("poll-quiz-booths") && has("\"seven\" is not one of the poll's options"), "{problems:#?}");
        assert!(has("scale 1–50"), "{problems:#?}");
        assert!(has("`max_choices` is 9"), "{problems:#?}");
        assert!(has("open text poll has no options"), "{problems:#?}");
    }
}
