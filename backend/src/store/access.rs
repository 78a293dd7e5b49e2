//! Access codes and bearer tokens.

use elements_protocol::auth::{RedeemRequest, RedeemResponse, Role};
use rusqlite::{params, Connection, OptionalExtension};

use super::StoreError;

/// Who sent a request, as its token says.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Caller {
    pub participant_id: String,
    pub role: Role,
    pub display_name: String,
    /// Redeemed a personal code (a ticket), not a shared join code.
    pub ticketed: bool,
}

/// What redeeming a code gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redeemed {
    Token(RedeemResponse),
    UnknownCode,
    /// A shared code with a device cap that is reached; devices that redeemed it before still can.
    Full {
        max_devices: u32,
    },
}

/// A stored role; `staff`, from before roles were split, is an organizer.
fn role_from(s: &str) -> Result<Role, StoreError> {
    Role::parse(s).ok_or_else(|| StoreError::Damaged { what: "role".into(), detail: s.into() })
}

pub fn add_code(conn: &Connection, code: &str, role: Role, personal: bool) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO access_code (code, role, personal) VALUES (?1, ?2, ?3)
         ON CONFLICT (code) DO UPDATE SET role = excluded.role, personal = excluded.personal",
        params![code, role.as_str(), personal],
    )?;
    Ok(())
}

/// Caps how many devices (participants) a shared code admits; `None` lifts the cap.
pub fn cap_code(conn: &Connection, code: &str, max_devices: Option<u32>) -> Result<bool, StoreError> {
    Ok(conn.execute("UPDATE access_code SET max_devices = ?2 WHERE code = ?1", params![code, max_devices])? == 1)
}

/// 128 random bits from the operating system, as hex.
fn new_token() -> Result<String, StoreError> {
    let mut bytes = [0u8; 16];
    super::entropy::fill(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

pub fn redeem(conn: &mut Connection, request: &RedeemRequest) -> Result<Redeemed, StoreError> {
    let tx = conn.transaction()?;
    let found: Option<(String, bool, Option<u32>)> = tx
        .query_row("SELECT role, personal, max_devices FROM access_code WHERE code = ?1", [&request.code], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let Some((role, personal, max_devices)) = found else { return Ok(Redeemed::UnknownCode) };
    let role = role_from(&role)?;
    // Deterministic, so redeeming again (after a lost token) gives back the same participant.
    let key = if personal { request.code.clone() } else { format!("{}/{}", request.code, request.client_id) };
    let participant_id = format!("p-{:016x}", elements_domain::fingerprint(&key));
    let existing: Option<String> = tx
        .query_row("SELECT display_name FROM participant WHERE id = ?1", [&participant_id], |r| r.get(0))
        .optional()?;
    if let (None, Some(max), false) = (&existing, max_devices, personal) {
        let devices: u32 =
            tx.query_row("SELECT count(*) FROM participant WHERE code = ?1", [&request.code], |r| r.get(0))?;
        if devices >= max {
            return Ok(Redeemed::Full { max_devices: max });
        }
    }
    let wanted = request.display_name.as_deref().map(str::trim).filter(|n| !n.is_empty() && n.chars().count() <= 60);
    let display_name = match (wanted, existing) {
        (Some(name), _) => name.to_string(),
        (None, Some(name)) => name,
        // A ticket from the roster carries its holder's name.
        (None, None) => match personal {
            true => tx
                .query_row("SELECT name FROM attendee WHERE ticket_code = ?1 AND name <> ''", [&request.code], |r| {
                    r.get(0)
                })
                .optional()?,
            false => None,
        }
        .unwrap_or_else(|| format!("Guest {}", &participant_id[2..6].to_uppercase())),
    };
    tx.execute(
        "INSERT OR REPLACE INTO participant (id, display_name, role, show_name, code, ticketed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![participant_id, display_name, role.as_str(), request.show_name, request.code, personal],
    )?;
    let token = new_token()?;
    tx.execute("INSERT INTO token (token, participant_id) VALUES (?1, ?2)", params![token, participant_id])?;
    // Venue screens are no one: they have no profile and no badge.
    let (profile_id, badge) = match role {
        Role::Kiosk => (None, None),
        _ => {
            let (p, b) = super::people::ensure_person(&tx, &participant_id)?;
            (Some(p), Some(b))
        }
    };
    tx.commit()?;
    Ok(Redeemed::Token(RedeemResponse {
        token,
        role,
        participant_id,
        display_name,
        ticketed: personal,
        profile_id,
        badge,
    }))
}

pub fn authenticate(conn: &Connection, token: &str) -> Result<Option<Caller>, StoreError> {
    let row: Option<(String, String, String, bool)> = conn
        .prepare_cached(
            "SELECT p.id, p.role, p.display_name, p.ticketed FROM token t JOIN participant p ON p.id = t.participant_id
              WHERE t.token = ?1",
        )?
        .query_row([token], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    row.map(|(participant_id, role, display_name, ticketed)| {
        Ok(Caller { participant_id, role: role_from(&role)?, display_name, ticketed })
    })
    .transpose()
}
