//! The staff Element on the backend: check-ins at doors and sessions (each with every scan, so
//! a pass let in twice shows as a conflict on every tablet) and reward desk codes. Its entities
//! are current in `entity` and logged in the `staff` feed, which only staff tokens may read.

use chrono::{DateTime, FixedOffset, Utc};
use elements_protocol::event::Quest;
use elements_protocol::live::Audience;
use elements_protocol::signal::{Action, Effect, Signal};
use elements_protocol::staff::{Admission, Gate, Pass, PollCommand, QuestionCommand, RewardCode, Scan};
use elements_protocol::sync::Entity;
use rusqlite::{params, OptionalExtension, Transaction};

use super::{log_upsert, StoreError};

fn damaged(what: impl Into<String>, e: impl ToString) -> StoreError {
    StoreError::Damaged { what: what.into(), detail: e.to_string() }
}

/// Who a captured lead is: their participant id, the lead's id and the profile the exhibitor
/// gets. A badge in the app is its holder's profile as their contacts see it; a printed badge
/// (a ticket's signed code) is the ticket holder's profile if they joined, else what their badge
/// prints: the roster's name and company, nothing more.
fn lead_visitor(
    tx: &Transaction<'_>,
    badge: &str,
    profile_id: &str,
) -> Result<Option<(String, String, elements_protocol::event::Profile)>, StoreError> {
    if !profile_id.is_empty() {
        let Some(visitor) = super::people::participant_of(tx, profile_id)? else { return Ok(None) };
        let Some(them) = super::people::someone(tx, &visitor)? else { return Ok(None) };
        return Ok(Some((visitor, them.profile_id.clone(), them.profile.view(&them.profile_id, true))));
    }
    let code = badge.trim();
    let Some((ticket_id, _)) = elements_protocol::signal::signed_ticket(code) else { return Ok(None) };
    let visitor = elements_domain::staff::ticket_holder(code);
    if let Some(them) = super::people::someone(tx, &visitor)? {
        return Ok(Some((visitor, them.profile_id.clone(), them.profile.view(&them.profile_id, true))));
    }
    let listed: Option<(String, Option<String>)> = tx
        .prepare_cached("SELECT name, company FROM attendee WHERE ticket_code = ?1")?
        .query_row([code], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (name, organization) = listed.unwrap_or_else(|| (String::new(), None));
    let id = format!("ticket:{ticket_id}");
    let name = if name.is_empty() { ticket_id.to_string() } else { name };
    Ok(Some((visitor, id.clone(), elements_protocol::event::Profile { id, name, organization, ..Default::default() })))
}

/// Whose pass it is: a personal ticket of this event is its holder (whether or not they opened
/// the app yet), a badge its owner; a code typed is looked for as a ticket, then as a badge.
/// `None`: not a pass of this event.
pub fn pass_holder(tx: &Transaction<'_>, pass: &Pass) -> Result<Option<String>, StoreError> {
    Ok(match pass {
        Pass::Code(code) => {
            // Typed at the door: a ticket's code in any case ("t-1042" is T-1042), else a badge.
            let ticket: Option<String> = tx
                .prepare_cached(
                    "SELECT code FROM access_code WHERE code = ?1 COLLATE NOCASE AND role = 'attendee' AND personal = 1
                      ORDER BY code = ?1 DESC LIMIT 1",
                )?
                .query_row([code.trim()], |r| r.get(0))
                .optional()?;
            match ticket {
                Some(ticket) => Some(elements_domain::staff::ticket_holder(&ticket)),
                None => pass_holder(tx, &Pass::Badge(code.clone()))?,
            }
        }
        Pass::Ticket(code) => {
            let code = code.trim();
            let personal: Option<bool> = tx
                .prepare_cached("SELECT personal FROM access_code WHERE code = ?1 AND role = 'attendee'")?
                .query_row([code], |r| r.get(0))
                .optional()?;
            personal.filter(|p| *p).map(|_| elements_domain::staff::ticket_holder(code))
        }
        Pass::Badge(code) => match elements_protocol::people::normalize_badge(code) {
            None => None,
            Some(badge) => tx
                .prepare_cached("SELECT participant_id FROM person WHERE badge = ?1")?
                .query_row([badge], |r| r.get(0))
                .optional()?,
        },
    })
}

fn admission_id(gate: &Gate, holder: &str) -> String {
    format!("{}/{holder}", gate.key())
}

fn admission(tx: &Transaction<'_>, id: &str) -> Result<Option<Admission>, StoreError> {
    let body: Option<String> = tx
        .prepare_cached("SELECT body FROM entity WHERE kind = 'admission' AND id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    match body.map(|b| serde_json::from_str::<Entity>(&b)) {
        None => Ok(None),
        Some(Ok(Entity::Admission(a))) => Ok(Some(a)),
        Some(Ok(_)) => Err(damaged(format!("admission {id}"), "not an admission")),
        Some(Err(e)) => Err(damaged(format!("admission {id}"), e)),
    }
}

/// When `holder` was first let in at `gate`.
pub fn first_admitted(
    tx: &Transaction<'_>,
    gate: &Gate,
    holder: &str,
) -> Result<Option<DateTime<FixedOffset>>, StoreError> {
    Ok(admission(tx, &admission_id(gate, holder))?.and_then(|a| a.scans.first().map(|s| s.at)))
}

/// A desk code as the desk checks it; `None`: no reward has it.
pub fn reward_code(
    tx: &Transaction<'_>,
    quests: &dyn Fn(&str) -> Option<Quest>,
    code: &str,
) -> Result<Option<RewardCode>, StoreError> {
    let row: Option<(String, String, Option<i64>)> = tx
        .prepare_cached("SELECT quest_id, reward_id, redeemed_at FROM reward_code WHERE code = ?1")?
        .query_row([code], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(row.map(|(quest_id, reward_id, redeemed_at)| {
        let name = quests(&quest_id)
            .and_then(|q| q.rewards.into_iter().find(|r| r.id == reward_id))
            .map(|r| r.name)
            .unwrap_or_default();
        RewardCode {
            id: code.to_string(),
            quest_id,
            reward_id,
            name,
            redeemed_at: redeemed_at.and_then(|t| DateTime::from_timestamp(t, 0)).map(|t| t.fixed_offset()),
        }
    }))
}

/// Publishes a desk code to the staff feed (when made, and when given).
pub fn log_reward_code(
    tx: &Transaction<'_>,
    quests: &dyn Fn(&str) -> Option<Quest>,
    code: &str,
) -> Result<(), StoreError> {
    if let Some(known) = reward_code(tx, quests, code)? {
        log_upsert(tx, &Entity::RewardCode(known))?;
    }
    Ok(())
}

/// What applying a staff signal changed: live state for the live stream, and whether the
/// event's facts the rules read changed (a poll's window).
#[derive(Default)]
pub struct Applied {
    pub live: Vec<Entity>,
    /// Live state for some participants only, with whom.
    pub targeted: Vec<(Entity, Vec<String>)>,
    pub facts_changed: bool,
}

/// Applies an accepted staff signal: the scan joins its admission (a second one makes it a
/// conflict for every tablet to see), a desk code is marked given, a poll opens, closes,
/// shows its results or forgets its answers, a question is moderated.
pub fn apply(
    tx: &Transaction<'_>,
    quests: &dyn Fn(&str) -> Option<Quest>,
    signal_owner: &str,
    signal: &Signal,
    effects: &[Effect],
    now: DateTime<Utc>,
) -> Result<Applied, StoreError> {
    let mut applied = Applied::default();
    let live = &mut applied.live;
    match &signal.action {
        Action::Admit { pass, .. } => {
            for effect in effects {
                let Effect::Admitted { gate, holder, .. } = effect else { continue };
                let id = admission_id(gate, holder);
                let scan =
                    Scan { device: signal.client_id.clone(), at: signal.created_at, signal_id: signal.id.clone() };
                let mut entry = admission(tx, &id)?.unwrap_or_else(|| Admission {
                    id: id.clone(),
                    gate: gate.clone(),
                    holder: holder.clone(),
                    pass_hint: elements_protocol::staff::hint(pass.code()),
                    scans: Vec::new(),
                });
                entry.scans.push(scan);
                // First by the devices' clocks: the scan that let them in comes first, whichever
                // tablet synced first.
                entry.scans.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.signal_id.cmp(&b.signal_id)));
                let first_scan = entry.scans.len() == 1;
                log_upsert(tx, &Entity::Admission(entry))?;
                if let (Gate::Session(session_id), true) = (gate, first_scan) {
                    let prefix = format!("{}/", gate.key());
                    let checked_in: u32 = tx
                        .prepare_cached(
                            "SELECT count(*) FROM entity WHERE kind = 'admission' AND substr(id, 1, length(?1)) = ?1",
                        )?
                        .query_row([&prefix], |r| r.get(0))?;
                    let entity = Entity::Occupancy(elements_protocol::live::Occupancy {
                        id: session_id.clone(),
                        checked_in,
                        revision: super::next_revision(tx)?,
                    });
                    log_upsert(tx, &entity)?;
                    live.push(entity);
                }
            }
        }
        Action::RedeemReward { code } => {
            if let Some(code) = elements_protocol::staff::normalize_reward_code(code) {
                tx.prepare_cached("UPDATE reward_code SET redeemed_at = ?2 WHERE code = ?1 AND redeemed_at IS NULL")?
                    .execute(params![code, now.timestamp()])?;
                log_reward_code(tx, quests, &code)?;
            }
        }
        Action::CaptureLead { badge, rating, note } => {
            for effect in effects {
                let Effect::LeadCaptured { profile_id } = effect else { continue };
                let owner = &signal_owner;
                let Some((visitor, lead_id, profile)) = lead_visitor(tx, badge, profile_id)? else { continue };
                let at = signal.created_at.to_rfc3339();
                // The first scan's time stays; the latest rating and note count.
                tx.prepare_cached(
                    "INSERT INTO lead (owner, visitor, captured_at, rating, note) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (owner, visitor) DO UPDATE SET rating = excluded.rating, note = excluded.note",
                )?
                .execute(params![owner, visitor, at, rating, note.trim()])?;
                let captured_at: String = tx
                    .prepare_cached("SELECT captured_at FROM lead WHERE owner = ?1 AND visitor = ?2")?
                    .query_row(params![owner, visitor], |r| r.get(0))?;
                let lead = elements_protocol::staff::Lead {
                    id: lead_id,
                    profile,
                    captured_at: DateTime::parse_from_rfc3339(&captured_at)
                        .map_err(|e| damaged(format!("lead of {owner}"), e))?,
                    rating: *rating,
                    note: note.trim().to_string(),
                };
                super::people::log_for(tx, owner, &Entity::Lead(lead))?;
            }
        }
        Action::Announce { announcement_id, text, audience } => {
            let revision = super::next_revision(tx)?;
            let announcement = elements_protocol::live::Announcement {
                id: announcement_id.clone(),
                text: text.trim().to_string(),
                posted_at: now.fixed_offset(),
                revision,
                audience: (*audience != Audience::Everyone).then(|| audience.clone()),
            };
            let whom = match audience {
                Audience::Everyone => None,
                Audience::Room { room_id } => Some(room_audience(tx, room_id, now)?),
                Audience::Tag { tag } => Some(
                    tx.prepare_cached(
                        "SELECT DISTINCT s.participant_id FROM signal s, json_each(s.outcome, '$.effects') e
                          WHERE s.accepted = 1 AND json_extract(e.value, '$.effect') = 'tagged'
                            AND json_extract(e.value, '$.tag') = ?1",
                    )?
                    .query_map([tag], |r| r.get::<_, String>(0))?
                    .collect::<Result<Vec<_>, _>>()?,
                ),
            };
            match whom {
                None => {
                    let entity = Entity::Announcement(announcement);
                    log_upsert(tx, &entity)?;
                    applied.live.push(entity);
                }
                Some(whom) => {
                    let entity = Entity::Notice(announcement);
                    for participant in &whom {
                        super::people::log_for(tx, participant, &entity)?;
                    }
                    applied.targeted.push((entity, whom));
                }
            }
        }
        Action::PutPoll { poll } => {
            let mut poll = poll.clone();
            match stored_poll(tx, &poll.id)? {
                // Reworded: its window, draft state and reset stay the backend's.
                Some(before) => {
                    poll.opens_at = before.opens_at;
                    poll.closes_at = before.closes_at;
                    poll.draft = before.draft;
                    poll.reset_at = before.reset_at;
                }
                // New: a draft until opened; the window it was made with is its length.
                None => {
                    poll.draft = true;
                    poll.reset_at = None;
                }
            }
            publish_poll(tx, poll, live)?;
            applied.facts_changed = true;
        }
        Action::ControlPoll { poll_id, command } => {
            let Some(mut poll) = stored_poll(tx, poll_id)? else { return Ok(applied) };
            let now_here = now.with_timezone(poll.opens_at.offset());
            match command {
                PollCommand::Open if poll.draft => {
                    // A draft opens for the length it was made with.
                    let length = (poll.closes_at - poll.opens_at).max(chrono::Duration::minutes(1));
                    poll.draft = false;
                    poll.opens_at = now_here;
                    poll.closes_at = now_here + length;
                }
                PollCommand::Open => {
                    poll.opens_at = now_here;
                    if poll.closes_at <= now_here {
                        poll.closes_at = now_here + chrono::Duration::hours(1);
                    }
                }
                PollCommand::Close => {
                    poll.closes_at = now_here;
                    poll.opens_at = poll.opens_at.min(now_here);
                }
                PollCommand::Reveal => {
                    tx.execute(
                        "INSERT OR IGNORE INTO poll_reveal (poll_id, revealed_at) VALUES (?1, ?2)",
                        params![poll_id, now.timestamp()],
                    )?;
                }
                PollCommand::Reset => {
                    poll.reset_at = Some(now_here);
                    // The answers given so far stop counting, by order, not by clock: a
                    // participant is rebuilt from their accepted signals, and these are no longer.
                    tx.execute(
                        "UPDATE signal SET accepted = 0
                          WHERE accepted = 1 AND json_extract(action, '$.type') IN ('vote', 'answer')
                            AND json_extract(action, '$.poll_id') = ?1",
                        [poll_id],
                    )?;
                    tx.execute("DELETE FROM tally WHERE poll_id = ?1", [poll_id])?;
                    tx.execute("DELETE FROM poll_answers WHERE poll_id = ?1", [poll_id])?;
                }
            }
            publish_poll(tx, poll, live)?;
            applied.facts_changed = true;
        }
        Action::ModerateQuestion { question_id, command } => {
            let column = match command {
                QuestionCommand::Approve => "approved = 1",
                QuestionCommand::Answered => "answered = 1",
                QuestionCommand::Hide => "hidden = 1, highlighted = 0",
                QuestionCommand::Highlight => "highlighted = 1",
                QuestionCommand::Unhighlight => "highlighted = 0",
            };
            if *command == QuestionCommand::Highlight {
                // One question on the screens at a time: the one there comes off.
                let others: Vec<String> = tx
                    .prepare_cached("SELECT id FROM question WHERE highlighted = 1 AND id <> ?1")?
                    .query_map([question_id], |r| r.get(0))?
                    .collect::<Result<_, _>>()?;
                for other in others {
                    tx.execute("UPDATE question SET highlighted = 0 WHERE id = ?1", [&other])?;
                    let entity = super::results::question_entity(tx, &other)?;
                    live.push(entity);
                }
            }
            let changed =
                tx.execute(&format!("UPDATE question SET {column} WHERE id = ?1 AND hidden = 0"), [question_id])?;
            if changed == 1 {
                if *command == QuestionCommand::Hide {
                    super::log_delete(tx, elements_protocol::sync::EntityKind::Question, question_id)?;
                } else {
                    live.push(super::results::question_entity(tx, question_id)?);
                }
            }
        }
        _ => {}
    }
    Ok(applied)
}

/// One room's audience now: who checked in to a session in that room (themselves, or at the
/// session's door) that started in the last twelve hours or starts within the hour.
fn room_audience(tx: &Transaction<'_>, room_id: &str, now: DateTime<Utc>) -> Result<Vec<String>, StoreError> {
    let (from, to) = ((now - chrono::Duration::hours(12)).timestamp(), (now + chrono::Duration::hours(1)).timestamp());
    let sessions: Vec<String> = super::picture::entities(tx, "session")?
        .into_iter()
        .filter_map(|e| match e {
            Entity::Session(s)
                if s.room_id.as_deref() == Some(room_id) && (from..=to).contains(&s.starts_at.timestamp()) =>
            {
                Some(s.id)
            }
            _ => None,
        })
        .collect();
    let mut whom: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    let mut checked_in = tx.prepare_cached(
        "SELECT DISTINCT participant_id FROM signal
          WHERE accepted = 1 AND json_extract(action, '$.type') = 'check_in' AND json_extract(action, '$.session_id') = ?1",
    )?;
    for session in &sessions {
        for who in checked_in.query_map([session], |r| r.get::<_, String>(0))? {
            whom.insert(who?);
        }
    }
    for entity in super::picture::entities(tx, "admission")? {
        if let Entity::Admission(a) = entity {
            if matches!(&a.gate, Gate::Session(s) if sessions.contains(s)) {
                whom.insert(a.holder);
            }
        }
    }
    Ok(whom.into_iter().collect())
}

/// Publishes a poll staff made or changed, with its result; the live stream says both, and
/// apps that hear of the poll pull the voting feed: it reaches screens in a round trip.
fn publish_poll(
    tx: &Transaction<'_>,
    poll: elements_protocol::event::Poll,
    live: &mut Vec<Entity>,
) -> Result<(), StoreError> {
    log_upsert(tx, &Entity::Poll(poll.clone()))?;
    let result = Entity::PollResult(super::results::poll_result(tx, &poll)?);
    log_upsert(tx, &result)?;
    live.push(Entity::Poll(poll));
    live.push(result);
    Ok(())
}

fn stored_poll(tx: &Transaction<'_>, id: &str) -> Result<Option<elements_protocol::event::Poll>, StoreError> {
    let body: Option<String> = tx
        .prepare_cached("SELECT body FROM entity WHERE kind = 'poll' AND id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    match body.map(|b| serde_json::from_str::<Entity>(&b)) {
        None => Ok(None),
        Some(Ok(Entity::Poll(p))) => Ok(Some(p)),
        Some(Ok(_)) => Err(damaged(format!("poll {id}"), "not a poll")),
        Some(Err(e)) => Err(damaged(format!("poll {id}"), e)),
    }
}
