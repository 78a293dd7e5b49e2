//! Personal tickets signed with the event's key (Ed25519, the key that signs checkpoint and
//! location codes): a door tablet verifies one offline, so a forged or edited ticket is refused
//! on the spot, and a copied one still shows as a conflict once the tablets sync.

use elements_protocol::auth::Role;

use super::{SqliteStore, Store, StoreError};

/// One issued ticket: its id (what a person may read out) and its code (what its QR carries and
/// what redeems it: `<id>.<signature>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    pub id: String,
    pub code: String,
}

/// Letters and digits that cannot be misread for one another (no 0/O, 1/I/L).
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

impl SqliteStore {
    /// Issues `count` personal attendee tickets, signed with the event's key (made on first
    /// use), each `<prefix>-XXXXXXXX`; every one redeems as its own participant.
    pub fn issue_tickets(&self, count: u32, prefix: &str) -> Result<Vec<Ticket>, StoreError> {
        let manifest = self.manifest()?.ok_or_else(|| StoreError::Damaged {
            what: "event".into(),
            detail: "no event is loaded: import one before issuing tickets".into(),
        })?;
        let secret = self.qr_secret()?;
        let mut tickets = Vec::with_capacity(count as usize);
        for _ in 0..count {
            let ticket = sign_ticket(&secret, &manifest.id, prefix)?;
            self.add_code(&ticket.code, Role::Attendee, true)?;
            tickets.push(ticket);
        }
        Ok(tickets)
    }

    /// Says in the manifest that every personal ticket of the event is signed: devices then
    /// refuse unsigned tickets offline.
    pub fn require_signed_tickets(&self) -> Result<(), StoreError> {
        let Some(mut bundle) = self.event_bundle()? else { return Ok(()) };
        if !bundle.manifest.signed_tickets {
            bundle.manifest.signed_tickets = true;
            self.replace_event(&bundle)?;
        }
        Ok(())
    }
}

/// A new ticket `<prefix>-XXXXXXXX` for event `event_id`, signed with the event's key.
pub(super) fn sign_ticket(secret: &[u8; 32], event_id: &str, prefix: &str) -> Result<Ticket, StoreError> {
    let mut random = [0u8; 8];
    super::entropy::fill(&mut random)?;
    let tail: String = random.iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect();
    let id = format!("{prefix}-{tail}");
    let sig = elements_domain::qr::sign(secret, &elements_protocol::signal::ticket_message(event_id, &id));
    Ok(Ticket { code: format!("{id}.{sig}"), id })
}
