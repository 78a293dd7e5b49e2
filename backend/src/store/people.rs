//! The people Element on the backend: each participant's profile and badge, who met whom,
//! meetings and messages, and the people feed, which is different for every caller.
//!
//! The feed is the one change log with an audience per row: `''` for what everyone who may
//! read the directory sees (listed profiles, their public fields), a participant id for what
//! only that participant sees (their contacts with the fields for contacts, their meetings and
//! messages). A field is in a row only if its owner showed it to that row's audience, so no
//! caller can be sent a hidden field by mistake of the app: it is not in their feed.

use chrono::{DateTime, Utc};
use elements_domain::people::BadgeOwner;
use elements_protocol::people::{
    Contact, Meeting, MeetingAnswer, MeetingStatus, Message, MyProfile, Person, Visibility,
};
use elements_protocol::signal::{Action, Effect, Outcome, Reason};
use elements_protocol::sync::{Entity, EntityKind};
use rusqlite::{params, OptionalExtension, Transaction};

use super::{encode, StoreError};

pub const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS person (
    participant_id TEXT PRIMARY KEY, profile_id TEXT NOT NULL UNIQUE, badge TEXT NOT NULL UNIQUE,
    profile TEXT, photo BLOB, photo_rev TEXT
) STRICT;
CREATE TABLE IF NOT EXISTS contact (
    owner TEXT NOT NULL, other TEXT NOT NULL, met_at TEXT NOT NULL, PRIMARY KEY (owner, other)
) STRICT;
CREATE TABLE IF NOT EXISTS meeting (
    id TEXT PRIMARY KEY, requester TEXT NOT NULL, invitee TEXT NOT NULL, body TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS meeting_by_requester ON meeting (requester);
CREATE INDEX IF NOT EXISTS meeting_by_invitee ON meeting (invitee);
CREATE TABLE IF NOT EXISTS message (
    id TEXT PRIMARY KEY, sender TEXT NOT NULL, recipient TEXT NOT NULL, body TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS message_by_sender ON message (sender);
CREATE INDEX IF NOT EXISTS message_by_recipient ON message (recipient);
CREATE TABLE IF NOT EXISTS lead (
    owner TEXT NOT NULL, visitor TEXT NOT NULL, captured_at TEXT NOT NULL, rating INTEGER NOT NULL, note TEXT NOT NULL,
    PRIMARY KEY (owner, visitor)
) STRICT;
CREATE INDEX IF NOT EXISTS lead_by_visitor ON lead (visitor);
"#;

/// Everyone (who may read the directory): the audience of listed profiles.
pub const EVERYONE: &str = "";

fn damaged(what: impl Into<String>, e: impl ToString) -> StoreError {
    StoreError::Damaged { what: what.into(), detail: e.to_string() }
}

/// Crockford's base 32, as reward codes.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn random_chars(n: usize) -> Result<String, StoreError> {
    let mut bytes = vec![0u8; n];
    super::entropy::fill(&mut bytes)?;
    Ok(bytes.iter().map(|b| ALPHABET[usize::from(b % 32)] as char).collect())
}

/// The participant's profile id and badge code, made the first time they are asked for: a
/// random profile id (not derived from the ticket, so it tells nothing about it) and 40
/// random bits of badge ("K7Q2-MX4P").
pub fn ensure_person(tx: &Transaction<'_>, participant: &str) -> Result<(String, String), StoreError> {
    let found: Option<(String, String)> = tx
        .prepare_cached("SELECT profile_id, badge FROM person WHERE participant_id = ?1")?
        .query_row([participant], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some(found) = found {
        return Ok(found);
    }
    for _ in 0..8 {
        let chars = random_chars(8)?;
        let badge = format!("{}-{}", &chars[..4], &chars[4..]);
        let profile_id = format!("pr-{}", random_chars(12)?.to_lowercase());
        let made = tx
            .prepare_cached("INSERT OR IGNORE INTO person (participant_id, profile_id, badge) VALUES (?1, ?2, ?3)")?
            .execute(params![participant, profile_id, badge])?;
        if made == 1 {
            return Ok((profile_id, badge));
        }
    }
    Err(damaged("badge codes", "eight random codes in a row were taken already"))
}

/// One participant as the people tables know them.
pub(super) struct Someone {
    pub(super) profile_id: String,
    pub(super) profile: MyProfile,
}

/// A participant by id: their published profile, or only their name if they published none.
pub(super) fn someone(tx: &Transaction<'_>, participant: &str) -> Result<Option<Someone>, StoreError> {
    let row: Option<(String, Option<String>, String)> = tx
        .prepare_cached(
            "SELECT pe.profile_id, pe.profile, pa.display_name FROM person pe JOIN participant pa ON pa.id = pe.participant_id
              WHERE pe.participant_id = ?1",
        )?
        .query_row([participant], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((profile_id, profile, display_name)) = row else { return Ok(None) };
    let profile = match profile {
        Some(text) => serde_json::from_str(&text).map_err(|e| damaged(format!("profile of {participant}"), e))?,
        None => MyProfile { name: display_name, ..MyProfile::default() },
    };
    Ok(Some(Someone { profile_id, profile }))
}

pub(super) fn participant_of(tx: &Transaction<'_>, profile_id: &str) -> Result<Option<String>, StoreError> {
    Ok(tx
        .prepare_cached("SELECT participant_id FROM person WHERE profile_id = ?1")?
        .query_row([profile_id], |r| r.get(0))
        .optional()?)
}

fn are_contacts(tx: &Transaction<'_>, a: &str, b: &str) -> Result<bool, StoreError> {
    Ok(tx
        .prepare_cached("SELECT 1 FROM contact WHERE owner = ?1 AND other = ?2")?
        .query_row(params![a, b], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Whose badge `code` is, for `caller` (see [`elements_domain::scenario::EventFacts::badge`]).
pub fn badge_owner(tx: &Transaction<'_>, caller: &str, code: &str) -> Result<BadgeOwner, StoreError> {
    let found: Option<(String, String)> = tx
        .prepare_cached("SELECT participant_id, profile_id FROM person WHERE badge = ?1")?
        .query_row([code], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(match found {
        None => BadgeOwner::Unknown,
        Some((p, _)) if p == caller => BadgeOwner::Own,
        Some((p, profile_id)) if are_contacts(tx, caller, &p)? => BadgeOwner::Contact(profile_id),
        Some((_, profile_id)) => BadgeOwner::New(profile_id),
    })
}

/// Writes `entity` into `audience`'s feed, replacing its earlier row there.
pub(super) fn log_for(tx: &Transaction<'_>, audience: &str, entity: &Entity) -> Result<(), StoreError> {
    let kind = entity.kind().as_str();
    tx.prepare_cached("DELETE FROM change_log WHERE kind = ?1 AND id = ?2 AND audience = ?3")?.execute(params![
        kind,
        entity.id(),
        audience
    ])?;
    tx.prepare_cached(
        "INSERT INTO change_log (element, kind, id, op, body, audience) VALUES ('people', ?1, ?2, 'upsert', ?3, ?4)",
    )?
    .execute(params![kind, entity.id(), encode(entity)?, audience])?;
    Ok(())
}

/// Tells `audience` that an entity is gone.
fn log_gone(tx: &Transaction<'_>, audience: &str, kind: EntityKind, id: &str) -> Result<(), StoreError> {
    tx.prepare_cached("DELETE FROM change_log WHERE kind = ?1 AND id = ?2 AND audience = ?3")?.execute(params![
        kind.as_str(),
        id,
        audience
    ])?;
    tx.prepare_cached(
        "INSERT INTO change_log (element, kind, id, op, body, audience) VALUES ('people', ?1, ?2, 'delete', NULL, ?3)",
    )?
    .execute(params![kind.as_str(), id, audience])?;
    Ok(())
}

fn contacts_of(tx: &Transaction<'_>, participant: &str) -> Result<Vec<(String, String)>, StoreError> {
    Ok(tx
        .prepare_cached("SELECT other, met_at FROM contact WHERE owner = ?1")?
        .query_map([participant], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?)
}

fn parse_time(what: &str, text: &str) -> Result<DateTime<chrono::FixedOffset>, StoreError> {
    DateTime::parse_from_rfc3339(text).map_err(|e| damaged(what, e))
}

/// `owner`'s contact entry for `other`, with what `other` shows contacts.
fn contact_entity(other: &Someone, met_at: &str) -> Result<Entity, StoreError> {
    Ok(Entity::Contact(Contact {
        id: other.profile_id.clone(),
        profile: other.profile.view(&other.profile_id, true),
        met_at: parse_time("contact", met_at)?,
    }))
}

/// The public face of `who` in everyone's feed: their public fields while listed, gone when not.
fn publish_public(tx: &Transaction<'_>, who: &Someone) -> Result<(), StoreError> {
    if who.profile.listed {
        log_for(tx, EVERYONE, &Entity::Profile(who.profile.view(&who.profile_id, false)))
    } else {
        log_gone(tx, EVERYONE, EntityKind::Profile, &who.profile_id)
    }
}

fn person(s: &Someone) -> Person {
    Person { profile_id: s.profile_id.clone(), name: s.profile.name.trim().to_string() }
}

fn meeting(tx: &Transaction<'_>, id: &str) -> Result<Option<(String, String, Meeting)>, StoreError> {
    let row: Option<(String, String, String)> = tx
        .prepare_cached("SELECT requester, invitee, body FROM meeting WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    row.map(|(a, b, body)| Ok((a, b, serde_json::from_str(&body).map_err(|e| damaged(format!("meeting {id}"), e))?)))
        .transpose()
}

fn store_meeting(tx: &Transaction<'_>, requester: &str, invitee: &str, m: &Meeting) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO meeting (id, requester, invitee, body) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET body = excluded.body",
    )?
    .execute(params![m.id, requester, invitee, encode(m)?])?;
    let entity = Entity::Meeting(m.clone());
    log_for(tx, requester, &entity)?;
    log_for(tx, invitee, &entity)
}

fn refuse(reason: Reason, message: impl Into<String>) -> Option<Outcome> {
    Some(Outcome::Rejected { reason, message: message.into() })
}

/// What the backend alone can refuse, before the rules decide: meetings with someone the
/// caller may not reach, answers to meetings not theirs or not theirs to answer, messages to
/// people who are not contacts, ids already taken.
pub fn refusal(tx: &Transaction<'_>, caller: &str, action: &Action) -> Result<Option<Outcome>, StoreError> {
    Ok(match action {
        Action::RequestMeeting { meeting_id, with, .. } => {
            let Some(other) = participant_of(tx, with)? else {
                return Ok(refuse(Reason::UnknownTarget, format!("there is no one with the profile \"{with}\"")));
            };
            if other == caller {
                return Ok(refuse(Reason::NotAllowed, "you cannot meet yourself"));
            }
            let listed = someone(tx, &other)?.is_some_and(|s| s.profile.listed);
            if !listed && !are_contacts(tx, caller, &other)? {
                return Ok(refuse(Reason::UnknownTarget, "this person is not in the directory and not your contact"));
            }
            if meeting(tx, meeting_id)?.is_some() {
                return Ok(refuse(Reason::AlreadyDone, "a meeting with this id exists; ask again"));
            }
            None
        }
        Action::AnswerMeeting { meeting_id, answer } => {
            let Some((a, _, m)) = meeting(tx, meeting_id)?.filter(|(a, b, _)| a == caller || b == caller) else {
                return Ok(refuse(Reason::UnknownTarget, "there is no such meeting of yours"));
            };
            let me = if a == caller { &m.requester } else { &m.invitee };
            let open = matches!(m.status, MeetingStatus::Proposed | MeetingStatus::Accepted);
            match answer {
                MeetingAnswer::Accept | MeetingAnswer::Decline => {
                    if m.status != MeetingStatus::Proposed {
                        return Ok(refuse(Reason::NotAllowed, "this meeting is not waiting for an answer"));
                    }
                    if m.proposed_by == me.profile_id {
                        return Ok(refuse(Reason::NotAllowed, "you proposed this; the other person answers"));
                    }
                }
                MeetingAnswer::Cancel | MeetingAnswer::Move { .. } if !open => {
                    return Ok(refuse(Reason::NotAllowed, "this meeting was declined or cancelled"));
                }
                _ => {}
            }
            None
        }
        Action::SendMessage { message_id, to, .. } => {
            let Some(other) = participant_of(tx, to)? else {
                return Ok(refuse(Reason::UnknownTarget, format!("there is no one with the profile \"{to}\"")));
            };
            if !are_contacts(tx, caller, &other)? {
                return Ok(refuse(Reason::NotAContact, "you can write to contacts only: exchange badges first"));
            }
            let taken = tx
                .prepare_cached("SELECT 1 FROM message WHERE id = ?1")?
                .query_row([message_id], |_| Ok(()))
                .optional()?
                .is_some();
            if taken {
                return Ok(refuse(Reason::AlreadyDone, "a message with this id exists; send again"));
            }
            None
        }
        Action::PublishProfile { profile } if !profile.photo.value.is_empty() => {
            (photo_bytes(&profile.photo.value).is_none() && profile.photo.visible_to != Visibility::Nobody)
                .then(|| Outcome::Rejected { reason: Reason::Malformed, message: "photo: not a base64 JPEG".into() })
        }
        _ => None,
    })
}

/// Deletes every row of `kind`'s table (meetings, messages: always between two people, in columns
/// `a` and `b`) that `caller` is in, and tells both people's feeds it is gone.
fn forget_between(tx: &Transaction<'_>, caller: &str, kind: EntityKind, a: &str, b: &str) -> Result<(), StoreError> {
    let table = kind.as_str();
    let rows: Vec<(String, String, String)> = tx
        .prepare_cached(&format!("SELECT id, {a}, {b} FROM {table} WHERE {a} = ?1 OR {b} = ?1"))?
        .query_map([caller], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (id, one, other) in rows {
        log_gone(tx, &one, kind, &id)?;
        log_gone(tx, &other, kind, &id)?;
    }
    tx.prepare_cached(&format!("DELETE FROM {table} WHERE {a} = ?1 OR {b} = ?1"))?.execute([caller])?;
    Ok(())
}

/// A profile photo's bytes: base64 of a JPEG, or `None`.
fn photo_bytes(text: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD.decode(text).ok()?;
    bytes.starts_with(&[0xFF, 0xD8, 0xFF]).then_some(bytes)
}

/// A person's photo for `viewer`, if its owner shows it to them: to everyone (while listed, or
/// to a contact), to contacts, and always to the owner. `None` also when there is none: a
/// stranger cannot tell a hidden photo from a missing one.
pub fn photo_for(
    tx: &Transaction<'_>,
    viewer: &str,
    profile_id: &str,
) -> Result<Option<(String, Vec<u8>)>, StoreError> {
    let row: Option<(String, Option<String>, Option<Vec<u8>>, Option<String>)> = tx
        .prepare_cached("SELECT participant_id, profile, photo, photo_rev FROM person WHERE profile_id = ?1")?
        .query_row([profile_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    let Some((owner, Some(profile), Some(photo), Some(rev))) = row else { return Ok(None) };
    let profile: MyProfile = serde_json::from_str(&profile).map_err(|e| damaged(format!("profile of {owner}"), e))?;
    let shown = owner == viewer
        || match profile.photo.visible_to {
            Visibility::Everyone => profile.listed || are_contacts(tx, viewer, &owner)?,
            Visibility::Contacts => are_contacts(tx, viewer, &owner)?,
            Visibility::Nobody => false,
        };
    Ok(shown.then_some((rev, photo)))
}

/// Carries out an accepted people signal: stores it and writes what each person now sees.
pub fn apply(
    tx: &Transaction<'_>,
    caller: &str,
    action: &Action,
    effects: &[Effect],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let now_text = now.fixed_offset().to_rfc3339();
    match action {
        Action::PublishProfile { profile } => {
            ensure_person(tx, caller)?;
            // The photo is kept apart and named by its revision in the profile (and so in every
            // feed row): feeds stay small, and the photo is fetched once per revision.
            let mut stored = profile.shareable();
            let photo = photo_bytes(&stored.photo.value);
            let rev = photo.as_ref().map(|b| format!("ph-{:016x}", elements_domain::fingerprint_bytes(b)));
            stored.photo.value = rev.clone().unwrap_or_default();
            tx.prepare_cached("UPDATE person SET profile = ?2, photo = ?3, photo_rev = ?4 WHERE participant_id = ?1")?
                .execute(params![caller, encode(&stored)?, photo, rev])?;
            let me = someone(tx, caller)?.ok_or_else(|| damaged("person", caller))?;
            publish_public(tx, &me)?;
            for (other, met_at) in contacts_of(tx, caller)? {
                log_for(tx, &other, &contact_entity(&me, &met_at)?)?;
            }
        }
        Action::ScanBadge { .. } => {
            for effect in effects {
                let Effect::ContactMade { profile_id } = effect else { continue };
                let Some(other) = participant_of(tx, profile_id)? else { continue };
                ensure_person(tx, caller)?;
                for (owner, whom) in [(caller, other.as_str()), (other.as_str(), caller)] {
                    tx.prepare_cached("INSERT OR IGNORE INTO contact (owner, other, met_at) VALUES (?1, ?2, ?3)")?
                        .execute(params![owner, whom, now_text])?;
                    let whom = someone(tx, whom)?.ok_or_else(|| damaged("person", whom))?;
                    log_for(tx, owner, &contact_entity(&whom, &now_text)?)?;
                }
            }
        }
        Action::RequestMeeting { meeting_id, with, starts_at, minutes, place_id, note } => {
            let other = participant_of(tx, with)?.ok_or_else(|| damaged("meeting", "no such person"))?;
            ensure_person(tx, caller)?;
            let me = someone(tx, caller)?.ok_or_else(|| damaged("person", caller))?;
            let them = someone(tx, &other)?.ok_or_else(|| damaged("person", &other))?;
            let m = Meeting {
                id: meeting_id.clone(),
                requester: person(&me),
                invitee: person(&them),
                starts_at: *starts_at,
                minutes: *minutes,
                place_id: place_id.clone(),
                note: note.trim().to_string(),
                status: MeetingStatus::Proposed,
                proposed_by: me.profile_id.clone(),
            };
            store_meeting(tx, caller, &other, &m)?;
        }
        Action::AnswerMeeting { meeting_id, answer } => {
            let Some((a, b, mut m)) = meeting(tx, meeting_id)? else { return Ok(()) };
            let me = if a == caller { m.requester.profile_id.clone() } else { m.invitee.profile_id.clone() };
            elements_domain::people::apply_answer(&mut m, answer, &me);
            store_meeting(tx, &a, &b, &m)?;
        }
        Action::SendMessage { message_id, to, text } => {
            let other = participant_of(tx, to)?.ok_or_else(|| damaged("message", "no such person"))?;
            let me = someone(tx, caller)?.ok_or_else(|| damaged("person", caller))?;
            let them = someone(tx, &other)?.ok_or_else(|| damaged("person", &other))?;
            let message = Message {
                id: message_id.clone(),
                from: person(&me),
                to: person(&them),
                text: text.trim().to_string(),
                sent_at: now.fixed_offset(),
            };
            tx.prepare_cached("INSERT INTO message (id, sender, recipient, body) VALUES (?1, ?2, ?3, ?4)")?
                .execute(params![message_id, caller, other, encode(&message)?])?;
            let entity = Entity::Message(message);
            log_for(tx, caller, &entity)?;
            log_for(tx, &other, &entity)?;
        }
        Action::ForgetMe {} => forget(tx, caller)?,
        _ => {}
    }
    Ok(())
}

/// Deletes what the backend holds about a participant's person: their profile (and its public
/// face), both sides of every contact, every meeting and message they are in (from the other
/// person's feed too), the people signals that carried them, and their name on leaderboards.
/// Votes stay counted, no longer tied to a name.
fn forget(tx: &Transaction<'_>, caller: &str) -> Result<(), StoreError> {
    let Some(me) = someone(tx, caller)? else { return Ok(()) };
    log_gone(tx, EVERYONE, EntityKind::Profile, &me.profile_id)?;
    for (other, _) in contacts_of(tx, caller)? {
        if let Some(them) = someone(tx, &other)? {
            log_gone(tx, &other, EntityKind::Contact, &me.profile_id)?;
            log_gone(tx, caller, EntityKind::Contact, &them.profile_id)?;
        }
    }
    tx.prepare_cached("DELETE FROM contact WHERE owner = ?1 OR other = ?1")?.execute([caller])?;
    // Leads: exhibitors lose this visitor; an exhibitor forgetting themselves loses their leads.
    let leads: Vec<(String, String)> = tx
        .prepare_cached("SELECT owner, visitor FROM lead WHERE visitor = ?1 OR owner = ?1")?
        .query_map([caller], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (owner, visitor) in leads {
        if let Some(v) = someone(tx, &visitor)? {
            log_gone(tx, &owner, EntityKind::Lead, &v.profile_id)?;
        }
    }
    tx.prepare_cached("DELETE FROM lead WHERE visitor = ?1 OR owner = ?1")?.execute([caller])?;
    forget_between(tx, caller, EntityKind::Meeting, "requester", "invitee")?;
    forget_between(tx, caller, EntityKind::Message, "sender", "recipient")?;
    tx.prepare_cached("UPDATE person SET profile = NULL, photo = NULL, photo_rev = NULL WHERE participant_id = ?1")?
        .execute([caller])?;
    tx.prepare_cached(
        "DELETE FROM signal WHERE participant_id = ?1 AND json_extract(action, '$.type')
           IN ('publish_profile', 'scan_badge', 'request_meeting', 'answer_meeting', 'send_message')",
    )?
    .execute([caller])?;
    tx.prepare_cached("UPDATE participant SET show_name = 0 WHERE id = ?1")?.execute([caller])?;
    Ok(())
}
