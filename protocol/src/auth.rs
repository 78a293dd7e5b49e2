//! Who is calling: a ticket or join code (usually read from a QR code) is redeemed once for a
//! bearer token that carries a role. Every route in `docs/protocol.md` names the roles it admits.

use serde::{Deserialize, Serialize};

wire_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum Role {
        /// Runs the event: every staff task, announcements and the live picture. What backends
        /// before roles were split called `staff` (read as organizer).
        #[serde(alias = "staff")]
        Organizer = "organizer",
        /// Polls and Q&A: opens, closes, reveals and resets polls, moderates questions.
        Moderator = "moderator",
        /// Checks people in at the doors and at sessions.
        Door = "door",
        /// The reward desk: hands out what desk codes stand for.
        Desk = "desk",
        /// An exhibitor: captures leads at the booth and sees their own leads only.
        Exhibitor = "exhibitor",
        /// A participant: pushes their own signals, reads everything public.
        Attendee = "attendee",
        /// A venue screen: reads and listens, never pushes signals.
        Kiosk = "kiosk",
    }
}

impl Role {
    /// Every staff role: the app opens on the staff desk, and the staff feed is read (each role
    /// gets the records its work needs, [`Role::reads`]).
    pub const STAFF: &'static [Role] = &[Role::Organizer, Role::Moderator, Role::Door, Role::Desk, Role::Exhibitor];

    /// Staff of some kind (not an attendee, not a venue screen).
    pub fn is_staff(self) -> bool {
        Role::STAFF.contains(&self)
    }

    /// The role a name gives; `staff` (codes made before roles were split) is an organizer.
    pub fn parse(name: &str) -> Option<Role> {
        match name.trim() {
            "staff" => Some(Role::Organizer),
            other => Role::ALL.into_iter().find(|r| r.as_str() == other),
        }
    }

    /// Whether this role may read records of `kind` (the staff feed's and the live stream's
    /// staff records; every other kind is public or the caller's own).
    pub fn reads(self, kind: crate::sync::EntityKind) -> bool {
        use crate::sync::EntityKind as K;
        match kind {
            K::Admission => matches!(self, Role::Organizer | Role::Door),
            K::RewardCode => matches!(self, Role::Organizer | Role::Desk),
            K::LivePicture => self == Role::Organizer,
            other => !other.is_for_staff(),
        }
    }
}

/// `POST /v1/auth/redeem`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedeemRequest {
    /// The ticket or join code.
    pub code: String,
    /// Identifies the device, so redeeming again from it yields the same participant.
    pub client_id: String,
    /// The name this participant goes by; the backend picks one when absent. Sent only when
    /// the person chose one (a strict backend may refuse `null`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Whether the person agreed to show their name on leaderboards (to other participants
    /// only, never to anonymous callers). Off unless they opt in.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub show_name: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedeemResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub role: Role,
    pub participant_id: String,
    pub display_name: String,
    /// The code was a personal ticket (not a shared join code): polls that require a ticket
    /// count this participant's votes.
    #[serde(default)]
    pub ticketed: bool,
    /// The participant's profile id in the people Element (absent for venue screens, and from
    /// backends without people).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_id: Option<String>,
    /// The code their badge QR carries ("K7Q2-MX4P"), for exchanging contacts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub badge: Option<String>,
}

/// `POST /v1/announcements` (staff only)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnouncementRequest {
    pub text: String,
}
