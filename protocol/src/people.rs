//! The people Element's own shapes: the profile a person edits (each field with who may see
//! it), the contacts, meetings and messages the people feed carries, and the limits both sides
//! check.
//!
//! Unlike the event's data, most of this is personal. The backend sends each caller only what
//! the owner let that caller see: a listed profile's fields for everyone in the directory
//! (`profile` entities), a contact's fields for contacts inside that caller's `contact`
//! entities, and meetings and messages only to the two people in them. A field shown to nobody
//! never leaves the owner's device ([`MyProfile::shareable`]).

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::event::Profile;

wire_enum! {
    /// Who may see one field of a profile.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
    pub enum Visibility {
        /// Anyone at the event who may read the directory (when the profile is listed).
        Everyone = "everyone",
        /// People I exchanged badges with.
        Contacts = "contacts",
        /// Only me: the field stays on my device.
        #[default]
        Nobody = "nobody",
    }
}

impl Visibility {
    /// Whether a viewer sees a field of this visibility: `contact` when the viewer and the
    /// owner exchanged badges.
    pub fn shows_to(self, contact: bool) -> bool {
        match self {
            Visibility::Everyone => true,
            Visibility::Contacts => contact,
            Visibility::Nobody => false,
        }
    }
}

/// One field of my profile and who may see it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Shared<T> {
    pub value: T,
    #[serde(default)]
    pub visible_to: Visibility,
}

impl<T> Shared<T> {
    pub fn new(value: T, visible_to: Visibility) -> Shared<T> {
        Shared { value, visible_to }
    }
}

/// My profile as I edit it. The name is shown to whoever sees anything of me (a contact, the
/// person I asked to meet, the directory when listed); every other field has its own
/// [`Visibility`]. Being listed in the directory is off until switched on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct MyProfile {
    pub name: String,
    #[serde(default)]
    pub listed: bool,
    #[serde(default)]
    pub organization: Shared<String>,
    #[serde(default)]
    pub role: Shared<String>,
    #[serde(default)]
    pub interests: Shared<Vec<String>>,
    /// What I came to find ("investors", "a co-founder").
    #[serde(default)]
    pub looking_for: Shared<Vec<String>>,
    /// What I can give ("mentoring", "hiring").
    #[serde(default)]
    pub offers: Shared<Vec<String>>,
    /// Web addresses (`https://…`).
    #[serde(default)]
    pub links: Shared<Vec<String>>,
    /// A JPEG, base64, made small on the device (at most [`MAX_PHOTO_BASE64`] characters).
    #[serde(default)]
    pub photo: Shared<String>,
    /// The sessions I starred (ids), so people with the same plans can find me.
    #[serde(default)]
    pub sessions: Shared<Vec<String>>,
}

pub const MAX_NAME: usize = 60;
pub const MAX_TEXT_FIELD: usize = 100;
pub const MAX_TAGS: usize = 20;
pub const MAX_TAG: usize = 40;
pub const MAX_LINKS: usize = 5;
pub const MAX_LINK: usize = 200;
/// About 48 KB of JPEG: a 320-px square photo at ordinary quality fits several times over.
pub const MAX_PHOTO_BASE64: usize = 64 * 1024;
pub const MAX_SESSIONS: usize = 300;
/// Longest message between contacts, in characters.
pub const MAX_MESSAGE: usize = 1000;
/// Longest note on a meeting request, in characters.
pub const MAX_MEETING_NOTE: usize = 280;
/// Meetings last 5 minutes to 4 hours.
pub const MEETING_MINUTES: std::ops::RangeInclusive<u32> = 5..=240;

impl MyProfile {
    /// What may leave the device: every field shown to nobody emptied.
    pub fn shareable(&self) -> MyProfile {
        fn keep<T: Default + Clone>(f: &Shared<T>) -> Shared<T> {
            if f.visible_to == Visibility::Nobody {
                Shared { value: T::default(), visible_to: Visibility::Nobody }
            } else {
                f.clone()
            }
        }
        MyProfile {
            name: self.name.clone(),
            listed: self.listed,
            organization: keep(&self.organization),
            role: keep(&self.role),
            interests: keep(&self.interests),
            looking_for: keep(&self.looking_for),
            offers: keep(&self.offers),
            links: keep(&self.links),
            photo: keep(&self.photo),
            sessions: keep(&self.sessions),
        }
    }

    /// The profile as one viewer sees it: `contact` when the viewer exchanged badges with me.
    pub fn view(&self, id: &str, contact: bool) -> Profile {
        fn text(f: &Shared<String>, contact: bool) -> Option<String> {
            (f.visible_to.shows_to(contact) && !f.value.trim().is_empty()).then(|| f.value.trim().to_string())
        }
        fn list(f: &Shared<Vec<String>>, contact: bool) -> Vec<String> {
            if f.visible_to.shows_to(contact) {
                f.value.clone()
            } else {
                Vec::new()
            }
        }
        Profile {
            id: id.to_string(),
            name: self.name.trim().to_string(),
            organization: text(&self.organization, contact),
            position: text(&self.role, contact),
            interests: list(&self.interests, contact),
            looking_for: list(&self.looking_for, contact),
            offers: list(&self.offers, contact),
            links: list(&self.links, contact),
            photo: text(&self.photo, contact),
            sessions: list(&self.sessions, contact),
        }
    }

    /// The first limit this profile breaks, named: `Err("interests: at most 20")`.
    pub fn check(&self) -> Result<(), String> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME {
            return Err(format!("name must be 1 to {MAX_NAME} characters"));
        }
        for (field, f) in [("organization", &self.organization), ("role", &self.role)] {
            if f.value.chars().count() > MAX_TEXT_FIELD {
                return Err(format!("{field} must be at most {MAX_TEXT_FIELD} characters"));
            }
        }
        for (field, f) in [("interests", &self.interests), ("looking_for", &self.looking_for), ("offers", &self.offers)]
        {
            if f.value.len() > MAX_TAGS {
                return Err(format!("{field}: at most {MAX_TAGS}"));
            }
            if let Some(bad) = f.value.iter().find(|t| t.trim().is_empty() || t.chars().count() > MAX_TAG) {
                return Err(format!("{field}: \"{}\" must be 1 to {MAX_TAG} characters", cut(bad)));
            }
        }
        if self.links.value.len() > MAX_LINKS {
            return Err(format!("links: at most {MAX_LINKS}"));
        }
        if let Some(bad) = self.links.value.iter().find(|l| !is_web_link(l)) {
            return Err(format!("links: \"{}\" is not an https:// or http:// address", cut(bad)));
        }
        if self.photo.value.len() > MAX_PHOTO_BASE64 {
            return Err(format!("photo: at most {MAX_PHOTO_BASE64} characters of base64"));
        }
        if !self.photo.value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=') {
            return Err("photo: not base64".into());
        }
        if self.sessions.value.len() > MAX_SESSIONS {
            return Err(format!("sessions: at most {MAX_SESSIONS}"));
        }
        if let Some(bad) = self.sessions.value.iter().find(|s| s.is_empty() || s.chars().count() > 200) {
            return Err(format!("sessions: \"{}\" is not a session id", cut(bad)));
        }
        Ok(())
    }
}

fn cut(s: &str) -> String {
    s.chars().take(40).collect()
}

/// A web address a profile may show: `https://` or `http://` and something after it, no spaces.
pub fn is_web_link(s: &str) -> bool {
    let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty() && !r.chars().any(char::is_whitespace)) && s.chars().count() <= MAX_LINK
}

/// A badge code as printed under the QR code: 8 characters of Crockford's base32 in two groups
/// ("K7Q2-MX4P"). Typed codes are read leniently: any case, without the dash, `O` for `0` and
/// `I`/`L` for `1`. `None` when it cannot be a badge code.
pub fn normalize_badge(typed: &str) -> Option<String> {
    let mut out = String::with_capacity(9);
    for c in typed.chars().filter(|c| !c.is_whitespace() && *c != '-') {
        let c = match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c if c.is_ascii_digit() || (c.is_ascii_uppercase() && c != 'U') => c,
            _ => return None,
        };
        if out.len() == 4 {
            out.push('-');
        }
        if out.len() == 9 {
            return None;
        }
        out.push(c);
    }
    (out.len() == 9).then_some(out)
}

/// Someone in a meeting or a message, by profile id, with the name they go by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub profile_id: String,
    pub name: String,
}

/// Someone I exchanged badges with (entity `contact`, sent only to me), with what they let
/// contacts see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    /// Their profile id.
    pub id: String,
    pub profile: Profile,
    /// When the first of us scanned the other's badge.
    pub met_at: DateTime<FixedOffset>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingStatus {
    /// Waiting for the one who did not propose this time and place.
    Proposed,
    Accepted,
    Declined,
    Cancelled,
}

/// A meeting between two people (entity `meeting`, sent only to them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meeting {
    /// Made by the device that asked (unique, like a signal id).
    pub id: String,
    pub requester: Person,
    pub invitee: Person,
    pub starts_at: DateTime<FixedOffset>,
    pub minutes: u32,
    /// A place on the map (a meeting point, a café).
    pub place_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    pub status: MeetingStatus,
    /// Who proposed the current time and place: the other one answers.
    pub proposed_by: String,
}

/// A short message between contacts (entity `message`, sent only to the two of them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// Made by the sending device (unique, like a signal id): a resend is the same message.
    pub id: String,
    pub from: Person,
    pub to: Person,
    pub text: String,
    pub sent_at: DateTime<FixedOffset>,
}

/// How one answers a meeting request (or changes one's mind).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum MeetingAnswer {
    /// The one who did not propose agrees to the time and place.
    Accept,
    /// The one who did not propose says no.
    Decline,
    /// Either calls it off (also after accepting).
    Cancel,
    /// Either proposes another time or place; the other then answers.
    Move {
        starts_at: DateTime<FixedOffset>,
        #[serde(deserialize_with = "crate::whole_number")]
        minutes: u32,
        place_id: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_shown_to_nobody_never_leave_and_viewers_see_what_they_may() {
        let mine = MyProfile {
            name: " Aigerim ".into(),
            listed: true,
            organization: Shared::new("Kaspi".into(), Visibility::Everyone),
            role: Shared::new("CTO".into(), Visibility::Contacts),
            interests: Shared::new(vec!["rust".into()], Visibility::Nobody),
            ..MyProfile::default()
        };
        let out = mine.shareable();
        assert!(out.interests.value.is_empty());
        assert_eq!(out.role.value, "CTO");
        let public = mine.view("p1", false);
        assert_eq!(
            (public.name.as_str(), public.organization.as_deref(), public.position),
            ("Aigerim", Some("Kaspi"), None)
        );
        let contact = mine.view("p1", true);
        assert_eq!(contact.position.as_deref(), Some("CTO"));
        assert!(contact.interests.is_empty());
    }

    #[test]
    fn limits_are_named() {
        let mut p = MyProfile { name: "A".into(), ..MyProfile::default() };
        assert_eq!(p.check(), Ok(()));
        p.links.value = vec!["javascript:alert(1)".into()];
        assert!(p.check().unwrap_err().contains("links"));
        p.links.value.clear();
        p.interests.value = vec![" ".into()];
        assert!(p.check().unwrap_err().contains("interests"));
        p.interests.value.clear();
        p.name = "   ".into();
        assert!(p.check().unwrap_err().contains("name"));
    }

    #[test]
    fn typed_badge_codes_are_read_leniently() {
        assert_eq!(normalize_badge("k7q2mx4p").as_deref(), Some("K7Q2-MX4P"));
        assert_eq!(normalize_badge(" K7Q2 - MX4P ").as_deref(), Some("K7Q2-MX4P"));
        assert_eq!(normalize_badge("KOQI-LX4P").as_deref(), Some("K0Q1-1X4P"));
        for bad in ["", "K7Q2-MX4", "K7Q2-MX4PP", "K7Q2-MX4U", "K7Q2_MX4P", "К7Q2-MX4P"] {
            assert_eq!(normalize_badge(bad), None, "{bad}");
        }
    }
}
