//! The people Element: my profile and badge, the directory, contacts, meetings, messages,
//! suggestions.

use serde::{Deserialize, Serialize};

use super::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyProfileView {
    pub profile: MyProfile,
    /// My badge, once a backend gave me one (joining an event with people).
    pub badge: Option<BadgeView>,
    /// Where my profile stands with the backend.
    pub published: Publication,
    /// Why what I save stays on this device, if it does (the bundled demo, no code yet, a
    /// venue screen).
    pub offline: Option<OfflineReason>,
    /// Where "delete my data" stands, once asked.
    pub forget: Option<ForgetState>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ForgetState {
    /// Deleted here; the request waits to reach the backend.
    Waiting,
    /// The backend confirmed it deleted its copy.
    Confirmed,
    /// Deleted here; there is no backend holding anything (the bundled demo).
    DeviceOnly,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Publication {
    /// Never saved.
    Draft,
    /// Saved and waiting to be sent.
    Waiting,
    /// The backend has it.
    Published,
    /// Kept on this device only.
    Local,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BadgeView {
    /// "K7Q2-MX4P", to read out or type.
    pub code: String,
    /// What the QR code carries (`elements://badge?…`).
    pub link: String,
    /// The QR code as SVG (dark modules on a light square), sized by the UI.
    pub svg: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeopleSearchArgs {
    #[serde(default)]
    pub query: String,
    /// An interest's key (from [`Directory::interests`]).
    #[serde(default)]
    pub interest: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Directory {
    /// Best matches first (at most 100); everyone by name when there is no query.
    pub people: Vec<PersonCard>,
    /// How many matched in all.
    pub total: u32,
    /// The most common interests: key, as written, how many people.
    pub interests: Vec<TagCount>,
    /// The directory is empty here because this device is a venue screen, or people must join.
    pub offline: Option<OfflineReason>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TagCount {
    pub key: String,
    pub tag: String,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonCard {
    pub profile_id: String,
    pub name: String,
    pub organization: Option<String>,
    pub role: Option<String>,
    pub interests: Vec<String>,
    /// A JPEG, base64.
    pub photo: Option<String>,
    pub contact: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonArgs {
    pub profile_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonView {
    pub card: PersonCard,
    pub looking_for: Vec<String>,
    pub offers: Vec<String>,
    pub links: Vec<String>,
    /// When we met (venue-local "Wed 10 Mar, 12:40"), if a contact.
    pub met_at: Option<String>,
    pub note: String,
    pub tags: Vec<String>,
    /// Scanned here, not confirmed by the backend yet.
    pub pending: bool,
    pub meetings: Vec<MeetingCard>,
    pub messages: Vec<MessageView>,
    /// Times I am free to meet (not clashing with my starred sessions or meetings).
    pub free_slots: Vec<SlotView>,
    /// Meeting points and other places to meet at, from the map.
    pub places: Vec<PlaceChoice>,
    pub can_message: bool,
    pub can_meet: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceChoice {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlotView {
    /// RFC 3339, to send back as `starts_at`.
    pub starts_at: String,
    /// Venue-local day and time ("Wed 10 Mar", "12:30").
    pub date: String,
    pub time: String,
    pub minutes: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeetingCard {
    pub id: String,
    /// The other person.
    pub with: String,
    pub with_id: String,
    pub date: String,
    pub start: String,
    pub end: String,
    pub starts_at: String,
    pub minutes: u32,
    pub place_id: String,
    pub place: String,
    pub note: String,
    pub status: MeetingStatus,
    /// I asked for this time (the other answers), else they did (I answer).
    pub mine_to_answer: bool,
    /// Sent from here and not confirmed by the backend yet.
    pub waiting: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageView {
    pub id: String,
    pub mine: bool,
    pub text: String,
    /// Venue-local "12:40" (with the day when not today).
    pub at: String,
    /// Written here, not delivered yet.
    pub waiting: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BadgeArgs {
    /// A badge link or the code typed ("K7Q2-MX4P", any case, dash optional).
    #[serde(default)]
    pub code: String,
    /// Or a photo of the badge's QR code.
    #[serde(default)]
    pub image: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactsView {
    pub contacts: Vec<ContactCard>,
    /// Badges scanned here that the backend has not matched to a person yet.
    pub pending: Vec<PendingBadge>,
    pub offline: Option<OfflineReason>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactCard {
    pub card: PersonCard,
    pub met_at: String,
    pub tags: Vec<String>,
    /// The first line of my note.
    pub note: String,
    pub unread: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingBadge {
    pub code: String,
    /// The name the badge showed, if its QR carried one.
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactNoteArgs {
    pub profile_id: String,
    pub note: String,
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuggestionCard {
    pub card: PersonCard,
    pub reasons: Vec<SuggestionReason>,
}

/// Why someone is suggested; the UI words it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum SuggestionReason {
    SharedInterests { tags: Vec<String> },
    TheyOffer { tags: Vec<String> },
    TheyLookFor { tags: Vec<String> },
    SameSessions { titles: Vec<String> },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeetingRequestArgs {
    pub with: String,
    /// RFC 3339 (a [`SlotView::starts_at`]).
    pub starts_at: String,
    pub minutes: u32,
    pub place_id: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeetingAnswerArgs {
    pub meeting_id: String,
    pub answer: MeetingReply,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "reply", rename_all = "snake_case")]
pub enum MeetingReply {
    Accept,
    Decline,
    Cancel,
    Move { starts_at: String, minutes: u32, place_id: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageArgs {
    pub to: String,
    pub text: String,
}
