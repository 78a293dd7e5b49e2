//! The outbox: every participant action is a signal, written here first (one transaction),
//! applied on the device at once, and pushed by the sync engine until the backend decides.
//! Decisions are final: an accepted or rejected signal is never sent again, and a rejection's
//! reason is kept for the person to read.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset};
use elements_protocol::auth::RedeemResponse;
use elements_protocol::event::ElementKind;
use elements_protocol::signal::{Action, Effect, Outcome, Reason, Signal, SignalResult};
use rusqlite::{params, OptionalExtension};

use super::store::to_json;
use super::{Cache, CacheError};

/// Where a signal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Pending,
    Accepted,
    Rejected,
}

impl Decision {
    /// Its name in the export of my data (a versioned format: never a `Debug` spelling).
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Pending => "pending",
            Decision::Accepted => "accepted",
            Decision::Rejected => "rejected",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEntry {
    pub signal: Signal,
    pub decision: Decision,
    pub reason: Option<Reason>,
    pub message: Option<String>,
    /// What the rules made of it: the backend's once decided, the device's while pending (none
    /// for a signal recorded without them, which is decided again when needed).
    pub effects: Option<Vec<Effect>>,
    pub attempts: u32,
}

/// What a device holds for one backend: the code it joined with and the token it got for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    pub code: String,
    pub token: Option<String>,
    pub display_name: Option<String>,
    /// The role the backend gave the last token (`attendee`, `staff`, `kiosk`).
    pub role: Option<String>,
    /// Whether the code is a personal ticket, as the backend said when redeeming it.
    pub ticketed: Option<bool>,
    /// Who this device's person is in the people Element there, and their badge code.
    pub profile_id: Option<String>,
    pub badge: Option<String>,
}

fn damaged(id: &str, e: impl std::fmt::Display) -> CacheError {
    CacheError::DamagedRecord { table: "outbox", id: id.to_string(), detail: e.to_string() }
}

fn reason_from(s: &str) -> Option<Reason> {
    serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
}

impl Cache {
    /// This installation's id, made once from the operating system's random source.
    pub fn client_id(&mut self) -> Result<String, CacheError> {
        if let Some(id) =
            self.conn.query_row("SELECT value FROM meta WHERE key = 'client_id'", [], |r| r.get(0)).optional()?
        {
            return Ok(id);
        }
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes).map_err(|e| CacheError::Encode(format!("no random source: {e}")))?;
        let id: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        self.conn.execute("INSERT INTO meta (key, value) VALUES ('client_id', ?1)", [&id])?;
        Ok(id)
    }

    /// Writes `action` to the outbox as the next signal of this device, and returns it.
    pub fn record_signal(
        &mut self,
        event_id: &str,
        action: Action,
        created_at: DateTime<FixedOffset>,
    ) -> Result<Signal, CacheError> {
        self.record_decided_signal(event_id, action, created_at, None)
    }

    /// [`Cache::record_signal`], with what the device's rules made of it (`effects`), kept
    /// until the backend's decision replaces them: what was decided is not decided again
    /// under rules that changed since.
    pub fn record_decided_signal(
        &mut self,
        event_id: &str,
        action: Action,
        created_at: DateTime<FixedOffset>,
        effects: Option<&[Effect]>,
    ) -> Result<Signal, CacheError> {
        let client_id = self.client_id()?;
        let tx = self.conn.transaction()?;
        // Past the newest signal, and past any deleted with the person's data: a signal id is
        // never used twice, or the backend would answer a new signal with an old decision.
        let seq: i64 = tx.query_row(
            "SELECT max(coalesce((SELECT max(seq) FROM outbox), 0),
                        coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'outbox_seq_deleted'), 0)) + 1",
            [],
            |r| r.get(0),
        )?;
        let signal = Signal {
            id: format!("{client_id}-{seq}"),
            client_id,
            seq: seq as u64,
            schema_version: action.schema_version(),
            created_at,
            action,
        };
        tx.execute(
            "INSERT INTO outbox (seq, signal_id, event_id, element, signal, effects) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                seq,
                signal.id,
                event_id,
                signal.action.element().as_str(),
                to_json(&signal)?,
                effects.map(|e| to_json(&e)).transpose()?
            ],
        )?;
        tx.commit()?;
        Ok(signal)
    }

    /// The newest `limit` signals of one Element of the event, newest first, whatever their
    /// state.
    pub fn recent_signals(&self, event_id: &str, element: ElementKind, limit: u32) -> Result<Vec<Signal>, CacheError> {
        let mut st = self.conn.prepare_cached(
            "SELECT signal FROM outbox WHERE event_id = ?1 AND element = ?2 ORDER BY seq DESC LIMIT ?3",
        )?;
        let rows = st.query_map(params![event_id, element.as_str(), limit], |r| r.get::<_, String>(0))?;
        let mut signals = Vec::new();
        for row in rows {
            // One that does not read (a newer app's) is not one of these callers' concern.
            if let Ok(signal) = serde_json::from_str(&row?) {
                signals.push(signal);
            }
        }
        Ok(signals)
    }

    /// The oldest undecided signals of an Element: at most `limit`, and no more than `max_bytes`
    /// of JSON between them (but always the first, whatever its size).
    pub fn pending_signals(
        &self,
        event_id: &str,
        element: ElementKind,
        limit: usize,
        max_bytes: usize,
    ) -> Result<Vec<Signal>, CacheError> {
        let mut st = self.conn.prepare_cached(
            "SELECT signal_id, signal FROM outbox WHERE event_id = ?1 AND element = ?2 AND state = 'pending'
              ORDER BY seq LIMIT ?3",
        )?;
        let rows = st.query_map(params![event_id, element.as_str(), limit as i64], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = Vec::new();
        let mut bytes = 0;
        for row in rows {
            let (id, body) = row?;
            bytes += body.len() + 1;
            if bytes > max_bytes && !out.is_empty() {
                break;
            }
            out.push(serde_json::from_str(&body).map_err(|e| damaged(&id, e))?);
        }
        Ok(out)
    }

    /// Counts a try to send these signals (for diagnostics).
    pub fn mark_attempt(&mut self, signals: &[Signal]) -> Result<(), CacheError> {
        let tx = self.conn.transaction()?;
        for s in signals {
            tx.prepare_cached("UPDATE outbox SET attempts = attempts + 1 WHERE signal_id = ?1")?.execute([&s.id])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Stores the backend's decisions, in one transaction. A decision for a signal that is
    /// already decided (a duplicate answer) changes nothing.
    pub fn record_outcomes(&mut self, results: &[SignalResult], now: i64) -> Result<usize, CacheError> {
        let tx = self.conn.transaction()?;
        let mut decided = 0;
        for result in results {
            let (state, reason, message, effects) = match result.outcome.decision() {
                Outcome::Accepted { effects } => ("accepted", None, None, Some(to_json(effects)?)),
                Outcome::Rejected { reason, message } => {
                    ("rejected", Some(reason.as_str()), Some(message.clone()), None)
                }
                // decision() never returns Duplicate.
                Outcome::Duplicate { .. } => continue,
            };
            decided += tx
                .prepare_cached(
                    "UPDATE outbox SET state = ?2, reason = ?3, message = ?4, effects = ?5, decided_at = ?6
                      WHERE signal_id = ?1 AND state = 'pending'",
                )?
                .execute(params![result.id, state, reason, message, effects, now])?;
        }
        tx.commit()?;
        Ok(decided)
    }

    /// Every signal of the event, oldest first.
    pub fn outbox(&self, event_id: &str) -> Result<Vec<OutboxEntry>, CacheError> {
        let mut st = self.conn.prepare_cached(
            "SELECT signal_id, signal, state, reason, message, effects, attempts FROM outbox
              WHERE event_id = ?1 ORDER BY seq",
        )?;
        let rows = st.query_map([event_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, u32>(6)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, body, state, reason, message, effects, attempts) = row?;
            out.push(OutboxEntry {
                signal: serde_json::from_str(&body).map_err(|e| damaged(&id, e))?,
                decision: match state.as_str() {
                    "accepted" => Decision::Accepted,
                    "rejected" => Decision::Rejected,
                    _ => Decision::Pending,
                },
                reason: reason.as_deref().and_then(reason_from),
                message,
                effects: match effects {
                    Some(e) => Some(serde_json::from_str(&e).map_err(|err| damaged(&id, err))?),
                    None => None,
                },
                attempts,
            });
        }
        Ok(out)
    }

    /// Undecided signals per Element of the event.
    pub fn waiting_counts(&self, event_id: &str) -> Result<HashMap<ElementKind, u32>, CacheError> {
        let mut st = self.conn.prepare_cached(
            "SELECT element, count(*) FROM outbox WHERE event_id = ?1 AND state = 'pending' GROUP BY element",
        )?;
        let rows = st.query_map([event_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))?;
        let mut out = HashMap::new();
        for row in rows {
            let (name, n) = row?;
            if let Some(k) = ElementKind::ALL.into_iter().find(|k| k.as_str() == name) {
                out.insert(k, n);
            }
        }
        Ok(out)
    }

    pub fn credential(&self, base_url: &str) -> Result<Option<Credential>, CacheError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT code, token, display_name, role, ticketed, profile_id, badge FROM credential WHERE base_url = ?1",
            )?
            .query_row([base_url], |r| {
                Ok(Credential {
                    code: r.get(0)?,
                    token: r.get(1)?,
                    display_name: r.get(2)?,
                    role: r.get(3)?,
                    ticketed: r.get(4)?,
                    profile_id: r.get(5)?,
                    badge: r.get(6)?,
                })
            })
            .optional()?)
    }

    /// Remembers the code to redeem at `base_url`; a new code drops the old token.
    pub fn set_code(&mut self, base_url: &str, code: &str) -> Result<(), CacheError> {
        self.conn.execute(
            "INSERT INTO credential (base_url, code) VALUES (?1, ?2)
             ON CONFLICT(base_url) DO UPDATE SET code = excluded.code,
               token = CASE WHEN credential.code = excluded.code THEN credential.token END,
               ticketed = CASE WHEN credential.code = excluded.code THEN credential.ticketed END",
            params![base_url, code],
        )?;
        Ok(())
    }

    pub fn set_token(&mut self, base_url: &str, answer: &RedeemResponse) -> Result<(), CacheError> {
        self.conn.execute(
            "UPDATE credential SET token = ?2, role = ?3, participant_id = ?4, display_name = ?5, ticketed = ?6,
               profile_id = coalesce(?7, profile_id), badge = coalesce(?8, badge)
              WHERE base_url = ?1",
            params![
                base_url,
                answer.token,
                answer.role.as_str(),
                answer.participant_id,
                answer.display_name,
                answer.ticketed,
                answer.profile_id,
                answer.badge
            ],
        )?;
        Ok(())
    }

    /// The backend no longer knows the token (401): forget it, keep the code to redeem again.
    pub fn drop_token(&mut self, base_url: &str) -> Result<(), CacheError> {
        self.conn.execute("UPDATE credential SET token = NULL WHERE base_url = ?1", [base_url])?;
        Ok(())
    }

    /// A live-state row (poll result, leaderboard, announcement) as stored.
    pub fn live_rows(&self, kind: elements_protocol::sync::EntityKind) -> Result<Vec<String>, CacheError> {
        let table = kind.as_str();
        let mut st = self.conn.prepare_cached(&format!("SELECT body FROM {table} ORDER BY revision"))?;
        let rows = st.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
