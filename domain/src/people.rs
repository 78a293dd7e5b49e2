//! The people Element's logic: whether a profile, a badge scan, a meeting or a message may
//! count (the part a device can judge alone; who is whose contact the backend adds), who to
//! meet and why, and whether a time is free.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Utc};
use elements_protocol::event::Profile;
use elements_protocol::people::{
    normalize_badge, Meeting, MeetingAnswer, MeetingStatus, MAX_MEETING_NOTE, MAX_MESSAGE, MEETING_MINUTES,
};
use elements_protocol::signal::{Action, Effect, Outcome, Reason};
use elements_protocol::sync::EntityKind;

use crate::facts::{EventFacts, ParticipantState};

pub use crate::facts::BadgeOwner;

fn reject(reason: Reason, message: impl Into<String>) -> Outcome {
    Outcome::Rejected { reason, message: message.into() }
}

/// Decides one of the people Element's actions (see [`crate::scenario::decide`], which runs the
/// event's rules after an acceptance).
pub fn decide(facts: &dyn EventFacts, state: &mut ParticipantState, action: &Action, now: DateTime<Utc>) -> Outcome {
    match action {
        Action::PublishProfile { profile } => {
            if let Err(why) = profile.check() {
                return reject(Reason::Malformed, why);
            }
            if profile != &profile.shareable() {
                return reject(Reason::Malformed, "a field shown to nobody must not be sent");
            }
            Outcome::Accepted { effects: Vec::new() }
        }
        Action::ScanBadge { badge } => {
            if normalize_badge(badge).as_deref() != Some(badge.as_str()) {
                return reject(Reason::Malformed, format!("\"{}\" is not a badge code like K7Q2-MX4P", cut(badge)));
            }
            let effects = match facts.badge(badge) {
                Some(BadgeOwner::Unknown) => {
                    return reject(Reason::UnknownTarget, format!("no one at this event has the badge {badge}"))
                }
                Some(BadgeOwner::Own) => return reject(Reason::OwnBadge, "that is your own badge"),
                Some(BadgeOwner::Contact(_)) => return reject(Reason::AlreadyDone, "you are contacts already"),
                Some(BadgeOwner::New(profile_id)) => vec![Effect::ContactMade { profile_id }],
                None => Vec::new(),
            };
            if !state.badges.insert(badge.clone()) {
                return reject(Reason::AlreadyDone, "you scanned this badge already");
            }
            Outcome::Accepted { effects }
        }
        Action::RequestMeeting { starts_at, minutes, place_id, note, .. } => {
            if let Err(why) = check_slot(facts, starts_at.to_utc(), *minutes, place_id, now) {
                return reject(Reason::Malformed, why);
            }
            if note.chars().count() > MAX_MEETING_NOTE {
                return reject(Reason::Malformed, format!("note must be at most {MAX_MEETING_NOTE} characters"));
            }
            Outcome::Accepted { effects: Vec::new() }
        }
        Action::AnswerMeeting { answer, .. } => {
            if let MeetingAnswer::Move { starts_at, minutes, place_id } = answer {
                if let Err(why) = check_slot(facts, starts_at.to_utc(), *minutes, place_id, now) {
                    return reject(Reason::Malformed, why);
                }
            }
            Outcome::Accepted { effects: Vec::new() }
        }
        Action::SendMessage { text, .. } => {
            let n = text.trim().chars().count();
            if n == 0 || text.chars().count() > MAX_MESSAGE {
                return reject(Reason::Malformed, format!("a message is 1 to {MAX_MESSAGE} characters"));
            }
            Outcome::Accepted { effects: Vec::new() }
        }
        Action::ForgetMe {} => Outcome::Accepted { effects: Vec::new() },
        _ => reject(Reason::Malformed, "not a people signal"),
    }
}

fn check_slot(
    facts: &dyn EventFacts,
    starts_at: DateTime<Utc>,
    minutes: u32,
    place_id: &str,
    now: DateTime<Utc>,
) -> Result<(), String> {
    if !MEETING_MINUTES.contains(&minutes) {
        return Err(format!("a meeting lasts {} to {} minutes", MEETING_MINUTES.start(), MEETING_MINUTES.end()));
    }
    if starts_at < now {
        return Err("that time has passed".into());
    }
    if !facts.exists(EntityKind::PointOfInterest, place_id) {
        return Err(format!("there is no place \"{}\" on the map", cut(place_id)));
    }
    Ok(())
}

fn cut(s: &str) -> String {
    s.chars().take(40).collect()
}

/// A meeting after `by` (a profile id, one of its two people) answered it: accepted, declined,
/// cancelled, or moved (a new proposal by `by`, which the other answers). The backend stores it;
/// a device shows its own answer this way until the backend's copy arrives.
pub fn apply_answer(meeting: &mut Meeting, answer: &MeetingAnswer, by: &str) {
    match answer {
        MeetingAnswer::Accept => meeting.status = MeetingStatus::Accepted,
        MeetingAnswer::Decline => meeting.status = MeetingStatus::Declined,
        MeetingAnswer::Cancel => meeting.status = MeetingStatus::Cancelled,
        MeetingAnswer::Move { starts_at, minutes, place_id } => {
            meeting.starts_at = *starts_at;
            meeting.minutes = *minutes;
            meeting.place_id = place_id.clone();
            meeting.status = MeetingStatus::Proposed;
            meeting.proposed_by = by.to_string();
        }
    }
}

/// A tag as matched: trimmed, lower case, inner spaces collapsed ("Machine  Learning" is
/// "machine learning").
pub fn tag_key(tag: &str) -> String {
    tag.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Why someone is suggested. The tags are as the other person wrote them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    SharedInterests(Vec<String>),
    /// They offer what I look for.
    TheyOffer(Vec<String>),
    /// They look for what I offer.
    TheyLookFor(Vec<String>),
    /// We starred the same sessions (their ids).
    SameSessions(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub profile_id: String,
    pub score: u32,
    pub why: Vec<Why>,
}

/// What I bring to matching, keyed once.
pub struct Seeker {
    interests: HashSet<String>,
    looking_for: HashSet<String>,
    offers: HashSet<String>,
    sessions: HashSet<String>,
}

impl Seeker {
    pub fn new(interests: &[String], looking_for: &[String], offers: &[String], sessions: &[String]) -> Seeker {
        let keys = |v: &[String]| v.iter().map(|t| tag_key(t)).filter(|k| !k.is_empty()).collect();
        Seeker {
            interests: keys(interests),
            looking_for: keys(looking_for),
            offers: keys(offers),
            sessions: sessions.iter().cloned().collect(),
        }
    }

    /// Whether there is anything to match on at all.
    pub fn is_empty(&self) -> bool {
        self.interests.is_empty() && self.looking_for.is_empty() && self.offers.is_empty() && self.sessions.is_empty()
    }

    /// How well `other` fits and why; `None` when nothing matches. What one offers and the
    /// other looks for weighs most (it is why people come to meet), then shared interests,
    /// then shared sessions (capped: starring the same keynote says little).
    pub fn score(&self, other: &Profile) -> Option<Suggestion> {
        let hits = |mine: &HashSet<String>, theirs: &[String]| -> Vec<String> {
            let mut seen = BTreeSet::new();
            theirs.iter().filter(|t| mine.contains(&tag_key(t)) && seen.insert(tag_key(t))).cloned().collect()
        };
        let shared = hits(&self.interests, &other.interests);
        let they_offer = hits(&self.looking_for, &other.offers);
        let they_look = hits(&self.offers, &other.looking_for);
        let sessions: Vec<String> = other.sessions.iter().filter(|s| self.sessions.contains(*s)).cloned().collect();
        let score =
            5 * (they_offer.len() + they_look.len()) as u32 + 3 * shared.len() as u32 + sessions.len().min(5) as u32;
        if score == 0 {
            return None;
        }
        let mut why = Vec::new();
        if !they_offer.is_empty() {
            why.push(Why::TheyOffer(they_offer));
        }
        if !they_look.is_empty() {
            why.push(Why::TheyLookFor(they_look));
        }
        if !shared.is_empty() {
            why.push(Why::SharedInterests(shared));
        }
        if !sessions.is_empty() {
            why.push(Why::SameSessions(sessions));
        }
        Some(Suggestion { profile_id: other.id.clone(), score, why })
    }
}

/// The best `limit` people for `me` among `others` (leaving out `skip`: me, my contacts),
/// best first; equal scores by profile id, so the list is stable.
pub fn suggest<'a>(
    me: &Seeker,
    others: impl IntoIterator<Item = &'a Profile>,
    skip: &HashSet<String>,
    limit: usize,
) -> Vec<Suggestion> {
    if me.is_empty() || limit == 0 {
        return Vec::new();
    }
    let mut all: Vec<Suggestion> =
        others.into_iter().filter(|p| !skip.contains(&p.id)).filter_map(|p| me.score(p)).collect();
    let cmp = |a: &Suggestion, b: &Suggestion| b.score.cmp(&a.score).then_with(|| a.profile_id.cmp(&b.profile_id));
    if all.len() > limit {
        all.select_nth_unstable_by(limit - 1, cmp);
        all.truncate(limit);
    }
    all.sort_by(cmp);
    all
}

/// Something that takes my time: a starred session or a meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Busy {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// What it is, for saying why a time is not free (a session's title, a person's name).
    pub what: String,
}

/// The first thing in `busy` that overlaps `[from, to)`; touching ends do not overlap.
pub fn clash(busy: &[Busy], from: DateTime<Utc>, to: DateTime<Utc>) -> Option<&Busy> {
    busy.iter().find(|b| b.from < to && from < b.to)
}

/// Counts per tag key, most common first, as written the first time (for the interest filter).
pub fn common_tags<'a>(tags: impl IntoIterator<Item = &'a String>, limit: usize) -> Vec<(String, usize)> {
    let mut counts: HashMap<String, (String, usize)> = HashMap::new();
    for t in tags {
        let key = tag_key(t);
        if key.is_empty() {
            continue;
        }
        counts.entry(key).or_insert_with(|| (t.trim().to_string(), 0)).1 += 1;
    }
    let mut all: Vec<(String, usize)> = counts.into_values().collect();
    all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.to_lowercase().cmp(&b.0.to_lowercase())));
    all.truncate(limit);
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(id: &str, interests: &[&str], looking: &[&str], offers: &[&str], sessions: &[&str]) -> Profile {
        let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect();
        Profile {
            id: id.into(),
            name: id.into(),
            interests: v(interests),
            looking_for: v(looking),
            offers: v(offers),
            sessions: v(sessions),
            ..Profile::default()
        }
    }

    #[test]
    fn suggestions_say_why_and_weigh_offers_over_interests_over_sessions() {
        let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let me = Seeker::new(&v(&["Rust", "ML"]), &v(&["investors"]), &v(&["mentoring"]), &v(&["s1", "s2"]));
        let others = [
            profile("a", &["rust "], &[], &[], &[]),
            profile("b", &[], &[], &["Investors"], &[]),
            profile("c", &[], &[], &[], &["s1", "s2"]),
            profile("d", &["cooking"], &["money"], &["food"], &["s9"]),
            profile("me", &["rust"], &[], &[], &[]),
        ];
        let skip = HashSet::from(["me".to_string()]);
        let got = suggest(&me, &others, &skip, 10);
        let ids: Vec<&str> = got.iter().map(|s| s.profile_id.as_str()).collect();
        assert_eq!(ids, ["b", "a", "c"]);
        assert_eq!(got[0].why, [Why::TheyOffer(vec!["Investors".into()])]);
        assert_eq!(got[1].why, [Why::SharedInterests(vec!["rust ".into()])]);
        assert_eq!(got[2].why, [Why::SameSessions(vec!["s1".into(), "s2".into()])]);
        assert_eq!(suggest(&me, &others, &skip, 1).len(), 1);
        assert!(suggest(&Seeker::new(&[], &[], &[], &[]), &others, &skip, 10).is_empty());
    }

    #[test]
    fn a_clash_is_an_overlap_not_a_touch() {
        let t = |h: u32| {
            DateTime::parse_from_rfc3339(&format!("2027-03-10T{h:02}:00:00Z")).map(|t| t.to_utc()).expect("time")
        };
        let busy = [Busy { from: t(10), to: t(11), what: "Keynote".into() }];
        assert_eq!(clash(&busy, t(9), t(10)), None);
        assert_eq!(clash(&busy, t(11), t(12)), None);
        assert_eq!(clash(&busy, t(9), t(12)).map(|b| b.what.as_str()), Some("Keynote"));
    }
}
