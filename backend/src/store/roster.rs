//! The event's attendees, as the ticket shop exported them, each with a personal ticket signed
//! with the event's key. Importing an updated export adds, changes and cancels; it never makes
//! a second ticket for someone who has one.

use chrono::{DateTime, Utc};
use elements_import::roster::{Attendee, Roster, Shop};
use elements_protocol::auth::Role;
use rusqlite::{params, OptionalExtension, Transaction};

use super::tickets::{sign_ticket, Ticket};
use super::{SqliteStore, Store, StoreError};

pub(super) const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS attendee (
    -- The shop and its own key for the ticket: `pretix:ABC12-1`, `tito:GIAO-1`.
    key TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT,
    ticket_type TEXT,
    order_code TEXT,
    company TEXT,
    language TEXT,
    cancelled INTEGER NOT NULL DEFAULT 0,
    ticket_id TEXT NOT NULL UNIQUE,
    ticket_code TEXT NOT NULL UNIQUE,
    updated_at INTEGER NOT NULL,
    -- When the invitation e-mail went out (none yet: NULL).
    invited_at INTEGER
) STRICT;
"#;

/// What importing a roster changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RosterSummary {
    /// New attendees, each with a new ticket.
    pub added: usize,
    /// Known attendees whose name, e-mail, ticket type, company or language changed.
    pub changed: usize,
    /// Tickets that stopped admitting anyone: marked cancelled in the export, or (a complete
    /// export) no longer in it.
    pub cancelled: usize,
    /// Cancelled attendees who are back (a refund undone): their old ticket admits them again.
    pub restored: usize,
    pub unchanged: usize,
    /// A complete export had rows that could not be read: nobody missing from it was cancelled
    /// (one of those rows may be theirs).
    pub kept_missing: bool,
}

impl std::fmt::Display for RosterSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} added, {} changed, {} cancelled, {} restored, {} unchanged",
            self.added, self.changed, self.cancelled, self.restored, self.unchanged
        )?;
        if self.kept_missing {
            write!(
                f,
                "; rows were skipped, so attendees missing from the file were kept (fix the rows and import again)"
            )?;
        }
        Ok(())
    }
}

/// A stored attendee and their ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterEntry {
    pub key: String,
    pub name: String,
    pub email: Option<String>,
    pub ticket_type: Option<String>,
    pub order: Option<String>,
    pub company: Option<String>,
    pub language: Option<String>,
    pub cancelled: bool,
    pub ticket: Ticket,
    /// The invitation was sent (its time, Unix seconds).
    pub invited_at: Option<i64>,
}

/// An attendee as stored: name, e-mail, ticket type, company, language, cancelled, ticket code.
type Stored = (String, Option<String>, Option<String>, Option<String>, Option<String>, bool, String);

/// What identifies an attendee across imports: the shop and the shop's key.
pub fn attendee_key(shop: Shop, attendee: &Attendee) -> String {
    format!("{}:{}", shop.as_str(), attendee.key)
}

impl SqliteStore {
    /// Takes in a roster read from a shop's export, in one transaction. `complete`: the export
    /// lists every ticket of its shop, so one that is no longer in it was cancelled.
    pub fn apply_roster(
        &self,
        roster: &Roster,
        complete: bool,
        now: DateTime<Utc>,
    ) -> Result<RosterSummary, StoreError> {
        let manifest = self.manifest()?.ok_or_else(|| StoreError::Damaged {
            what: "event".into(),
            detail: "no event is loaded: import one before its attendees".into(),
        })?;
        let secret = self.qr_secret()?;
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let mut summary = RosterSummary::default();
        let mut listed = std::collections::HashSet::new();
        for a in &roster.attendees {
            let key = attendee_key(roster.shop, a);
            listed.insert(key.clone());
            let known: Option<Stored> =
                tx.prepare_cached(
                    "SELECT name, email, ticket_type, company, language, cancelled, ticket_code FROM attendee WHERE key = ?1",
                )?
                .query_row([&key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))
                .optional()?;
            match known {
                None => {
                    let ticket = sign_ticket(&secret, &manifest.id, "A")?;
                    tx.prepare_cached(
                        "INSERT INTO attendee (key, name, email, ticket_type, order_code, company, language, cancelled,
                                               ticket_id, ticket_code, updated_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                    )?
                    .execute(params![
                        key,
                        a.name,
                        a.email,
                        a.ticket_type,
                        a.order,
                        a.company,
                        a.language,
                        a.cancelled,
                        ticket.id,
                        ticket.code,
                        now.timestamp()
                    ])?;
                    if a.cancelled {
                        summary.cancelled += 1;
                    } else {
                        admit(&tx, &ticket.code)?;
                        summary.added += 1;
                    }
                }
                Some((name, email, ticket_type, company, language, was_cancelled, code)) => {
                    let same = name == a.name
                        && email == a.email
                        && ticket_type == a.ticket_type
                        && company == a.company
                        && language == a.language;
                    if !same || was_cancelled != a.cancelled {
                        tx.prepare_cached(
                            "UPDATE attendee SET name = ?2, email = ?3, ticket_type = ?4, order_code = ?5, company = ?6,
                                    language = ?7, cancelled = ?8, updated_at = ?9 WHERE key = ?1",
                        )?
                        .execute(params![
                            key,
                            a.name,
                            a.email,
                            a.ticket_type,
                            a.order,
                            a.company,
                            a.language,
                            a.cancelled,
                            now.timestamp()
                        ])?;
                    }
                    match (was_cancelled, a.cancelled) {
                        (false, true) => {
                            revoke(&tx, &code)?;
                            summary.cancelled += 1;
                        }
                        (true, false) => {
                            admit(&tx, &code)?;
                            summary.restored += 1;
                        }
                        _ if !same => summary.changed += 1,
                        _ => summary.unchanged += 1,
                    }
                }
            }
        }
        summary.kept_missing = complete && roster.problems.iter().any(|p| p.skipped);
        if complete && !summary.kept_missing {
            let prefix = format!("{}:", roster.shop.as_str());
            let gone: Vec<(String, String)> = tx
                .prepare("SELECT key, ticket_code FROM attendee WHERE cancelled = 0 AND substr(key, 1, ?2) = ?1")?
                .query_map(params![prefix, prefix.len() as i64], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            for (key, code) in gone.into_iter().filter(|(k, _)| !listed.contains(k)) {
                tx.execute(
                    "UPDATE attendee SET cancelled = 1, updated_at = ?2 WHERE key = ?1",
                    params![key, now.timestamp()],
                )?;
                revoke(&tx, &code)?;
                summary.cancelled += 1;
            }
        }
        tx.commit()?;
        drop(conn);
        if summary.cancelled > 0 {
            // Tokens are checked against the database again: a revoked ticket's devices are out.
            self.forget_callers();
        }
        Ok(summary)
    }

    /// Every attendee, in the order they were first imported.
    pub fn roster(&self) -> Result<Vec<RosterEntry>, StoreError> {
        let conn = self.lock();
        let mut st = conn.prepare(
            "SELECT key, name, email, ticket_type, order_code, company, language, cancelled, ticket_id, ticket_code,
                    invited_at
               FROM attendee ORDER BY rowid",
        )?;
        let rows = st.query_map([], |r| {
            Ok(RosterEntry {
                key: r.get(0)?,
                name: r.get(1)?,
                email: r.get(2)?,
                ticket_type: r.get(3)?,
                order: r.get(4)?,
                company: r.get(5)?,
                language: r.get(6)?,
                cancelled: r.get(7)?,
                ticket: Ticket { id: r.get(8)?, code: r.get(9)? },
                invited_at: r.get(10)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

impl SqliteStore {
    /// Records that `key`'s invitation went out at `now`.
    pub fn mark_invited(&self, key: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.lock().execute("UPDATE attendee SET invited_at = ?2 WHERE key = ?1", params![key, now.timestamp()])?;
        Ok(())
    }
}

/// The ticket's code redeems again (as the same participant: ids derive from the code).
fn admit(tx: &Transaction<'_>, code: &str) -> Result<(), StoreError> {
    super::access::add_code(tx, code, Role::Attendee, true)
}

/// The ticket's code stops redeeming, and devices that redeemed it are signed out (their tokens
/// go; a serving backend forgets the ones it remembered when it notices this commit).
fn revoke(tx: &Transaction<'_>, code: &str) -> Result<(), StoreError> {
    tx.prepare_cached("DELETE FROM access_code WHERE code = ?1")?.execute([code])?;
    tx.prepare_cached("DELETE FROM token WHERE participant_id IN (SELECT id FROM participant WHERE code = ?1)")?
        .execute([code])?;
    Ok(())
}
