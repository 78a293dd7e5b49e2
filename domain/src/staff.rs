//! The staff Element's logic: whether a check-in counts or is a conflict, and whether a reward's
//! desk code is valid, used or made up. A staff tablet decides with what its cache knows (the
//! staff feed, its own scans); the backend decides again with everything, and its decision is
//! final.

use chrono::{DateTime, FixedOffset, Utc};
use elements_protocol::signal::{Action, Effect, Outcome, Reason};
use elements_protocol::staff::{
    normalize_reward_code, Gate, Pass, PollCommand, MAX_LEAD_NOTE, MAX_LEAD_RATING, MAX_PASS_CODE,
};

use crate::people::BadgeOwner;
use elements_protocol::live::Audience;
use elements_protocol::sync::EntityKind;

use crate::facts::{EventFacts, ParticipantState};

fn reject(reason: Reason, message: impl Into<String>) -> Outcome {
    Outcome::Rejected { reason, message: message.into() }
}

pub use crate::facts::{holder_on_device, ticket_holder};

/// Decides a staff action. `now` is the decider's clock, written into the state as when a
/// gate first let the holder in.
pub fn decide(facts: &dyn EventFacts, state: &mut ParticipantState, action: &Action, now: DateTime<Utc>) -> Outcome {
    match action {
        Action::Admit { pass, gate } => {
            let code = pass.code();
            if code.trim().is_empty() || code.chars().count() > MAX_PASS_CODE {
                return reject(Reason::Malformed, format!("a pass's code is 1 to {MAX_PASS_CODE} characters"));
            }
            let (kind, id, what) = match gate {
                Gate::Door(id) => (EntityKind::PointOfInterest, id, "door"),
                Gate::Session(id) => (EntityKind::Session, id, "session"),
            };
            if !facts.exists(kind, id) {
                return reject(Reason::UnknownTarget, format!("there is no {what} \"{id}\" in this event"));
            }
            if let Some(refused) = not_signed_by_the_event(facts, pass) {
                return refused;
            }
            let Some(holder) = facts.pass_holder(pass) else {
                let what = match pass {
                    Pass::Ticket(_) => "ticket",
                    Pass::Badge(_) => "badge",
                    Pass::Code(_) => "ticket or badge",
                };
                return reject(Reason::UnknownTarget, format!("this is not a {what} of this event"));
            };
            let key = (gate.clone(), holder.clone());
            let first_at = facts.admitted(gate, &holder).or_else(|| state.admitted.get(&key).copied());
            state.admitted.entry(key).or_insert_with(|| now.fixed_offset());
            Outcome::Accepted {
                effects: vec![Effect::Admitted { gate: gate.clone(), holder, conflict: first_at.is_some(), first_at }],
            }
        }
        Action::RedeemReward { code } => {
            let Some(code) = normalize_reward_code(code) else {
                return reject(Reason::Malformed, "a desk code is 8 letters and digits, like K7Q2-MX4P");
            };
            if state.redeemed.contains(&code) {
                return reject(Reason::AlreadyDone, format!("{code} was given already, at this desk"));
            }
            let effect = match facts.reward_code(&code) {
                // The desk does not know the event's codes yet (never synced): the backend will say.
                None => {
                    Effect::RewardRedeemed { quest_id: String::new(), reward_id: String::new(), name: String::new() }
                }
                Some(None) => {
                    return reject(Reason::UnknownTarget, format!("{code} is not a reward code of this event"));
                }
                Some(Some(known)) => {
                    if let Some(at) = known.redeemed_at {
                        return reject(
                            Reason::AlreadyDone,
                            format!("{code} was given already, at {}", at.to_rfc3339()),
                        );
                    }
                    Effect::RewardRedeemed { quest_id: known.quest_id, reward_id: known.reward_id, name: known.name }
                }
            };
            state.redeemed.insert(code);
            Outcome::Accepted { effects: vec![effect] }
        }
        Action::ControlPoll { poll_id, command } => {
            let Some(poll) = facts.poll(poll_id) else {
                return reject(Reason::UnknownTarget, format!("there is no poll \"{poll_id}\""));
            };
            let open = !poll.draft && poll.opens_at.to_utc() <= now && now < poll.deadline().to_utc();
            match command {
                PollCommand::Open if open => {
                    return reject(Reason::AlreadyDone, format!("\"{}\" is open already", poll.question));
                }
                PollCommand::Close if !open && poll.opens_at.to_utc() <= now => {
                    return reject(Reason::AlreadyDone, format!("\"{}\" is closed already", poll.question));
                }
                PollCommand::Reveal if !poll.hide_results => {
                    return reject(Reason::AlreadyDone, format!("\"{}\" shows its results anyway", poll.question));
                }
                _ => {}
            }
            Outcome::Accepted { effects: vec![Effect::PollControlled { poll_id: poll_id.clone(), command: *command }] }
        }
        Action::ModerateQuestion { question_id, command } => {
            // A device knows only the questions it heard of; the backend knows them all.
            if facts.question_poll(question_id) == Some(None) {
                return reject(Reason::UnknownTarget, format!("there is no question \"{question_id}\""));
            }
            Outcome::Accepted {
                effects: vec![Effect::QuestionModerated { question_id: question_id.clone(), command: *command }],
            }
        }
        Action::CaptureLead { badge, rating, note } => {
            if *rating > MAX_LEAD_RATING {
                return reject(Reason::Malformed, format!("a rating is 0 to {MAX_LEAD_RATING}"));
            }
            if note.chars().count() > MAX_LEAD_NOTE {
                return reject(Reason::Malformed, format!("a note is at most {MAX_LEAD_NOTE} characters"));
            }
            // A printed badge or ticket carries the ticket's signed code: a visitor without the
            // app is a lead too. Its signature says it is this event's; whose it is, the backend
            // knows (the roster).
            if elements_protocol::signal::signed_ticket(badge.trim()).is_some() {
                if let Some(refused) = not_signed_by_the_event(facts, &Pass::Ticket(badge.clone())) {
                    return refused;
                }
                return Outcome::Accepted { effects: vec![Effect::LeadCaptured { profile_id: String::new() }] };
            }
            let Some(code) = elements_protocol::people::normalize_badge(badge) else {
                return reject(
                    Reason::Malformed,
                    "a badge code is 8 letters and digits, like K7Q2-MX4P (or scan the QR code on their printed badge)",
                );
            };
            let profile_id = match facts.badge(&code) {
                Some(BadgeOwner::Unknown) => {
                    return reject(Reason::UnknownTarget, format!("no one at this event has the badge {code}"));
                }
                Some(BadgeOwner::Own) => return reject(Reason::OwnBadge, "that is this device's own badge"),
                Some(BadgeOwner::Contact(id) | BadgeOwner::New(id)) => id,
                // A device does not know whose badge it is: the backend will say.
                None => String::new(),
            };
            Outcome::Accepted { effects: vec![Effect::LeadCaptured { profile_id }] }
        }
        Action::PutPoll { poll } => {
            if poll.id.trim().is_empty() || poll.id.chars().count() > 100 {
                return reject(Reason::Malformed, "a poll's id is 1 to 100 characters");
            }
            let mut problems = crate::validate::poll_problems(poll);
            if let Some(s) = poll.session_id.as_deref().filter(|s| !facts.exists(EntityKind::Session, s)) {
                problems.push(format!("there is no session \"{s}\" in this event"));
            }
            if !problems.is_empty() {
                return reject(Reason::Malformed, problems.join("; "));
            }
            let created = facts.poll(&poll.id).is_none();
            if !created && facts.poll_answered(&poll.id) == Some(true) {
                return reject(
                    Reason::AlreadyDone,
                    format!("\"{}\" has answers: it stays worded as it was asked", poll.question),
                );
            }
            Outcome::Accepted { effects: vec![Effect::PollPut { poll_id: poll.id.clone(), created }] }
        }
        Action::Announce { announcement_id, text, audience } => {
            let length = text.trim().chars().count();
            if length == 0 || length > elements_protocol::live::MAX_ANNOUNCEMENT {
                return reject(
                    Reason::Malformed,
                    format!("an announcement is 1 to {} characters", elements_protocol::live::MAX_ANNOUNCEMENT),
                );
            }
            match audience {
                Audience::Room { room_id } if !facts.exists(EntityKind::Room, room_id) => {
                    return reject(Reason::UnknownTarget, format!("there is no room \"{room_id}\" in this event"));
                }
                Audience::Tag { tag } if tag.trim().is_empty() || tag.chars().count() > 100 => {
                    return reject(Reason::Malformed, "a tag is 1 to 100 characters");
                }
                _ => {}
            }
            Outcome::Accepted {
                effects: vec![Effect::Announced { announcement_id: announcement_id.clone(), reached: None }],
            }
        }
        _ => reject(Reason::NotAllowed, "not a staff action"),
    }
}

/// A ticket the event's key did not sign, refused where it is scanned, offline too: a signature
/// that does not verify (a forged or edited ticket), or no signature where the event signs all
/// its tickets. A signed ticket on a device that has no key yet is left to the backend.
fn not_signed_by_the_event(facts: &dyn EventFacts, pass: &Pass) -> Option<Outcome> {
    let code = match pass {
        Pass::Ticket(code) | Pass::Code(code) => code.trim(),
        Pass::Badge(_) => return None,
    };
    match (elements_protocol::signal::signed_ticket(code), facts.qr_key()) {
        (Some((id, sig)), Some((event, key))) => {
            let genuine = crate::qr::verify(&key, &elements_protocol::signal::ticket_message(&event, id), sig);
            (!genuine).then(|| {
                reject(Reason::UnknownTarget, "this ticket's signature is not this event's: it was forged or edited")
            })
        }
        // Typed at the door, a code that could be a badge is left to the badge check.
        (None, _)
            if facts.tickets_signed()
                && match pass {
                    Pass::Ticket(_) => true,
                    Pass::Code(code) => elements_protocol::people::normalize_badge(code).is_none(),
                    Pass::Badge(_) => false,
                } =>
        {
            Some(reject(
                Reason::UnknownTarget,
                "this event's tickets are signed and this one is not: it is not a ticket of this event",
            ))
        }
        _ => None,
    }
}

/// Takes a decided staff action into `state` (rebuilding a device's or a desk's history).
pub fn restore(state: &mut ParticipantState, action: &Action, at: DateTime<Utc>, effects: &[Effect]) {
    match action {
        Action::Admit { .. } => {
            for effect in effects {
                if let Effect::Admitted { gate, holder, .. } = effect {
                    state.admitted.entry((gate.clone(), holder.clone())).or_insert_with(|| at.fixed_offset());
                }
            }
        }
        Action::RedeemReward { code } => {
            if let Some(code) = normalize_reward_code(code) {
                state.redeemed.insert(code);
            }
        }
        _ => {}
    }
}

/// When `holder` was first let in at `gate`, among `admissions` (an event's check-ins).
pub fn first_admitted<'a>(
    admissions: impl IntoIterator<Item = &'a elements_protocol::staff::Admission>,
    gate: &Gate,
    holder: &str,
) -> Option<DateTime<FixedOffset>> {
    admissions.into_iter().find(|a| &a.gate == gate && a.holder == holder).and_then(|a| a.scans.first()).map(|s| s.at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use elements_protocol::event::{Poll, Quest};
    use elements_protocol::staff::RewardCode;

    struct Desk {
        codes: Option<Vec<RewardCode>>,
        admitted: Vec<(Gate, String, DateTime<FixedOffset>)>,
        /// The event's id and public key, when the tablet knows them.
        key: Option<(String, String)>,
    }

    impl EventFacts for Desk {
        fn poll(&self, _: &str) -> Option<Poll> {
            None
        }
        fn quest(&self, _: &str) -> Option<Quest> {
            None
        }
        fn exists(&self, kind: EntityKind, id: &str) -> bool {
            (kind, id) == (EntityKind::PointOfInterest, "north") || (kind, id) == (EntityKind::Session, "s1")
        }
        fn rules(&self) -> std::borrow::Cow<'_, crate::rules::Rules> {
            std::borrow::Cow::Owned(Vec::new().into())
        }
        fn admitted(&self, gate: &Gate, holder: &str) -> Option<DateTime<FixedOffset>> {
            self.admitted.iter().find(|(g, h, _)| g == gate && h == holder).map(|(_, _, at)| *at)
        }
        fn reward_code(&self, code: &str) -> Option<Option<RewardCode>> {
            self.codes.as_ref().map(|all| all.iter().find(|c| c.id == code).cloned())
        }
        fn qr_key(&self) -> Option<(String, String)> {
            self.key.clone()
        }
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).expect("time").to_utc()
    }

    #[test]
    fn a_pass_counts_once_per_gate_and_a_second_scan_is_a_conflict_naming_the_first() {
        let earlier = DateTime::parse_from_rfc3339("2027-03-10T09:02:00+01:00").expect("time");
        let desk = Desk {
            codes: None,
            admitted: vec![(Gate::Door("north".into()), ticket_holder("T-2"), earlier)],
            key: None,
        };
        let mut state = ParticipantState::default();
        let admit = |code: &str, gate: Gate| Action::Admit { pass: Pass::Ticket(code.into()), gate };
        let now = at("2027-03-10T09:30:00+01:00");
        let first = decide(&desk, &mut state, &admit("T-1", Gate::Door("north".into())), now);
        assert!(
            matches!(&first, Outcome::Accepted { effects } if matches!(&effects[..], [Effect::Admitted { conflict: false, .. }])),
            "{first:?}"
        );
        // Again on this tablet: recorded, flagged, with when it was first.
        let again = decide(&desk, &mut state, &admit("T-1", Gate::Door("north".into())), now);
        let Outcome::Accepted { effects } = again else { panic!("{again:?}") };
        assert!(
            matches!(&effects[..], [Effect::Admitted { conflict: true, first_at: Some(t), .. }] if t.to_utc() == now)
        );
        // At another gate it is a first check-in again.
        let session = decide(&desk, &mut state, &admit("T-1", Gate::Session("s1".into())), now);
        assert!(
            matches!(&session, Outcome::Accepted { effects } if matches!(&effects[..], [Effect::Admitted { conflict: false, .. }]))
        );
        // Let in by another tablet, as the feed says.
        let other = decide(&desk, &mut state, &admit("T-2", Gate::Door("north".into())), now);
        assert!(
            matches!(&other, Outcome::Accepted { effects } if matches!(&effects[..], [Effect::Admitted { conflict: true, first_at: Some(t), .. }] if *t == earlier))
        );
        // Unknown gates and empty codes are named.
        let nowhere = decide(&desk, &mut state, &admit("T-1", Gate::Door("attic".into())), now);
        assert!(
            matches!(&nowhere, Outcome::Rejected { reason: Reason::UnknownTarget, message } if message.contains("attic"))
        );
        let empty = decide(&desk, &mut state, &admit("  ", Gate::Door("north".into())), now);
        assert!(matches!(empty, Outcome::Rejected { reason: Reason::Malformed, .. }));
    }

    /// A printed badge's QR (the ticket's signed code) is a lead without the app: genuine when
    /// the event's key signed it, refused when forged; whose it is, the backend says.
    #[test]
    fn a_printed_badge_is_a_lead_when_the_event_signed_its_ticket() {
        let secret = [7u8; 32];
        let booth = Desk {
            codes: None,
            admitted: Vec::new(),
            key: Some(("techfest".into(), crate::qr::public_key_hex(&secret))),
        };
        let ticket = |event: &str| {
            let sig = crate::qr::sign(&secret, &elements_protocol::signal::ticket_message(event, "A-8K2PQX7M"));
            format!("A-8K2PQX7M.{sig}")
        };
        let lead = |badge: String, rating| Action::CaptureLead { badge, rating, note: String::new() };
        let now = at("2027-03-10T11:00:00+01:00");
        let mut state = ParticipantState::default();
        let genuine = decide(&booth, &mut state, &lead(ticket("techfest"), 4), now);
        assert!(
            matches!(&genuine, Outcome::Accepted { effects } if matches!(&effects[..], [Effect::LeadCaptured { profile_id }] if profile_id.is_empty())),
            "{genuine:?}"
        );
        let forged = decide(&booth, &mut state, &lead(ticket("another-event"), 4), now);
        assert!(
            matches!(&forged, Outcome::Rejected { reason: Reason::UnknownTarget, message } if message.contains("forged")),
            "{forged:?}"
        );
        let rating = decide(&booth, &mut state, &lead(ticket("techfest"), 9), now);
        assert!(matches!(rating, Outcome::Rejected { reason: Reason::Malformed, .. }));
        let garbage = decide(&booth, &mut state, &lead("hello".into(), 1), now);
        assert!(
            matches!(&garbage, Outcome::Rejected { reason: Reason::Malformed, message } if message.contains("printed badge"))
        );
    }

    #[test]
    fn a_desk_code_is_valid_once_used_or_made_up() {
        let code = |id: &str, redeemed: Option<&str>| RewardCode {
            id: id.into(),
            quest_id: "q".into(),
            reward_id: "r".into(),
            name: "Sticker".into(),
            redeemed_at: redeemed.map(|t| DateTime::parse_from_rfc3339(t).expect("time")),
        };
        let desk = Desk {
            codes: Some(vec![code("K7Q2-MX4P", None), code("AAAA-BBBB", Some("2027-03-10T10:00:00+01:00"))]),
            admitted: Vec::new(),
            key: None,
        };
        let mut state = ParticipantState::default();
        let now = at("2027-03-10T11:00:00+01:00");
        let redeem = |c: &str| Action::RedeemReward { code: c.into() };
        let valid = decide(&desk, &mut state, &redeem("k7q2mx4p"), now);
        assert!(
            matches!(&valid, Outcome::Accepted { effects } if matches!(&effects[..], [Effect::RewardRedeemed { name, .. }] if name == "Sticker")),
            "{valid:?}"
        );
        let twice = decide(&desk, &mut state, &redeem("K7Q2-MX4P"), now);
        assert!(matches!(twice, Outcome::Rejected { reason: Reason::AlreadyDone, .. }));
        let used = decide(&desk, &mut state, &redeem("AAAA-BBBB"), now);
        assert!(
            matches!(&used, Outcome::Rejected { reason: Reason::AlreadyDone, message } if message.contains("10:00"))
        );
        let forged = decide(&desk, &mut state, &redeem("ZZZZ-ZZZZ"), now);
        assert!(matches!(forged, Outcome::Rejected { reason: Reason::UnknownTarget, .. }));
        let garbage = decide(&desk, &mut state, &redeem("hello"), now);
        assert!(matches!(garbage, Outcome::Rejected { reason: Reason::Malformed, .. }));
        // A desk that never synced the codes takes it, and the backend decides.
        let blind = Desk { codes: None, admitted: Vec::new(), key: None };
        let unsure = decide(&blind, &mut ParticipantState::default(), &redeem("ZZZZ-ZZZZ"), now);
        assert!(matches!(unsure, Outcome::Accepted { .. }));
    }

    /// A door tablet with the event's key, offline: what it lets in and what it refuses.
    struct SigningDoor {
        key: Option<(String, String)>,
        signed_only: bool,
    }

    impl EventFacts for SigningDoor {
        fn poll(&self, _: &str) -> Option<Poll> {
            None
        }
        fn quest(&self, _: &str) -> Option<Quest> {
            None
        }
        fn exists(&self, kind: EntityKind, id: &str) -> bool {
            (kind, id) == (EntityKind::PointOfInterest, "north")
        }
        fn rules(&self) -> std::borrow::Cow<'_, crate::rules::Rules> {
            std::borrow::Cow::Owned(Vec::new().into())
        }
        fn qr_key(&self) -> Option<(String, String)> {
            self.key.clone()
        }
        fn tickets_signed(&self) -> bool {
            self.signed_only
        }
    }

    #[test]
    fn a_signed_ticket_is_checked_offline_and_a_forged_or_edited_one_is_refused() {
        let secret = [7u8; 32];
        let key = Some(("summit".to_string(), crate::qr::public_key_hex(&secret)));
        let ticket = |id: &str| {
            let sig = crate::qr::sign(&secret, &elements_protocol::signal::ticket_message("summit", id));
            format!("{id}.{sig}")
        };
        let now = at("2027-03-10T09:30:00+01:00");
        let admit = |door: &SigningDoor, pass: Pass| {
            decide(
                door,
                &mut ParticipantState::default(),
                &Action::Admit { pass, gate: Gate::Door("north".into()) },
                now,
            )
        };
        let refused = |o: &Outcome, says: &str| matches!(o, Outcome::Rejected { reason: Reason::UnknownTarget, message } if message.contains(says));
        let door = SigningDoor { key: key.clone(), signed_only: true };
        let genuine = ticket("T-8K2PQX7M");
        assert!(matches!(admit(&door, Pass::Ticket(genuine.clone())), Outcome::Accepted { .. }));
        // Typed in full, the same.
        assert!(matches!(admit(&door, Pass::Code(genuine.clone())), Outcome::Accepted { .. }));
        // Edited: another id under the genuine signature.
        let edited = genuine.replacen("T-8K2PQX7M", "T-8K2PQX7N", 1);
        assert!(refused(&admit(&door, Pass::Ticket(edited)), "forged or edited"));
        // Forged: a signature by another key.
        let other = crate::qr::sign(&[9u8; 32], &elements_protocol::signal::ticket_message("summit", "T-FAKE0001"));
        assert!(refused(&admit(&door, Pass::Ticket(format!("T-FAKE0001.{other}"))), "forged or edited"));
        // Another event's genuine ticket.
        let elsewhere = crate::qr::sign(&secret, &elements_protocol::signal::ticket_message("another", "T-1"));
        assert!(refused(&admit(&door, Pass::Ticket(format!("T-1.{elsewhere}"))), "forged or edited"));
        // Unsigned, where the event signs every ticket: scanned, or typed.
        assert!(refused(&admit(&door, Pass::Ticket("T-1042".into())), "not a ticket of this event"));
        assert!(refused(&admit(&door, Pass::Code("T-1042".into())), "not a ticket of this event"));
        // Where the organizer keeps unsigned codes, they still work (the backend checks them).
        let lenient = SigningDoor { key: key.clone(), signed_only: false };
        assert!(matches!(admit(&lenient, Pass::Ticket("T-1042".into())), Outcome::Accepted { .. }));
        // A device that has no key yet leaves a signed ticket to the backend.
        let keyless = SigningDoor { key: None, signed_only: false };
        assert!(matches!(admit(&keyless, Pass::Ticket(genuine)), Outcome::Accepted { .. }));
    }
}
