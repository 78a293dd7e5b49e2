//! The device's own: joining an event, scanning a code, how sync is doing, the person's
//! preferences and reminders, and start-up's report.

use serde::{Deserialize, Serialize};

use super::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JoinArgs {
    /// The backend's base URL, e.g. `https://events.example.org/summit`, or the event's join
    /// link `elements://join?url=<base URL>&code=<join code>` as its QR code carries it.
    pub url: String,
    /// A ticket or join code; needed to vote, scan and see the directory. A join link brings its own.
    #[serde(default)]
    pub code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanArgs {
    /// The picture's bytes, as the file or camera gave them.
    pub image: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScannedCode {
    /// What the code says, e.g. `elements://join?url=…&code=…`.
    pub text: String,
    pub kind: ScannedKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScannedKind {
    /// An event's join code: pass `text` to `join_event`.
    Join,
    /// A quest checkpoint's code.
    Checkpoint,
    /// A link to a place: open the map there.
    Place,
    /// A location code posted in the venue: pass it to `scan_location`.
    Location,
    /// A person's badge: pass it to `exchange_badge`.
    Badge,
    /// Something else (a web address, plain text).
    Other,
}

/// Why this device's votes stay on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfflineReason {
    /// A venue screen shows results; people vote on their own phones.
    VenueScreen,
    /// The bundled demo event has no backend: votes are kept on this device.
    DemoEvent,
    /// No ticket or join code was redeemed for the event yet.
    NoCode,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncStatus {
    /// None for the bundled demo event, which never syncs.
    pub backend: Option<String>,
    pub elements: Vec<ElementSyncView>,
    /// Elements the event enables that this app does not know at all (a newer kind), by the
    /// name the manifest gives them: not synced, "needs a newer app".
    #[serde(default)]
    pub unknown_elements: Vec<String>,
    /// The backend is spoken to in plain `http://` across the internet (not on this device or a
    /// private network): anyone on the way can read what the app sends.
    #[serde(default)]
    pub unencrypted: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElementSyncView {
    pub kind: ElementKind,
    pub state: SyncState,
    /// When it last synced (Unix seconds, wall clock); `None`: never.
    pub synced_at: Option<i64>,
    /// The last failure, in words, while failing.
    pub error: Option<String>,
    /// Signals of this Element in the outbox, not yet confirmed by its backend.
    #[serde(default)]
    pub waiting: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    Synced,
    /// The last attempts failed; the app shows what it has and keeps retrying.
    Retrying,
    Never,
    /// The event uses a newer version of this Element than this app knows: not synced.
    Unsupported,
}

/// The person's settings on this device.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preferences {
    /// A language tag the app speaks ("en", "ru"); `None` follows the system.
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub theme: Theme,
    /// How many minutes before a starred session or a meeting to remind; 0 is never; `None` is
    /// the default ([`DEFAULT_REMINDER_MINUTES`]).
    #[serde(default)]
    pub reminder_minutes: Option<u32>,
}

pub const DEFAULT_REMINDER_MINUTES: u32 = 10;
/// The lead times the settings offer (0: no reminders).
pub const REMINDER_CHOICES: [u32; 5] = [0, 5, 10, 15, 30];

/// Something to tell the person now, as a system notification: a starred session or a meeting
/// about to start, or a sync that changed a starred session. The shell words it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminder {
    /// Unique per occasion: a session moved to another time is a new occasion.
    pub key: String,
    pub what: ReminderWhat,
    /// The session's title, or the person met (or who wrote, or who asks to meet).
    pub title: String,
    /// Venue-local start, "10:30".
    pub starts: String,
    pub place: Option<String>,
    /// Minutes until it starts (0 for a change).
    pub minutes: u32,
    /// A message's text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderWhat {
    Session,
    Meeting,
    /// A starred session moved or changed room (`starts`, `place`: as it is now).
    Changed,
    /// A starred session was cancelled.
    Cancelled,
    /// Someone asks to meet (or proposes another time): `starts`, `place` as proposed.
    MeetingAsked,
    /// A message from a contact (`title` is who, `text` what).
    Message,
    /// An announcement from the organizers (`text`; `place` the room it was for, if one).
    Announcement,
}

wire_enum! {
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub enum Theme {
        /// Light or dark as the system is.
        #[default]
        System = "system",
        Light = "light",
        Dark = "dark",
    }
}

impl Theme {
    pub fn parse(s: &str) -> Option<Theme> {
        Theme::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FirstScreenArgs {
    /// The first screen's markup, inert (no ids, no test ids), with the page's theme and
    /// language on its outer element.
    pub html: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadyArgs {
    /// Which screen, e.g. "agenda".
    pub screen: String,
}

/// The kind of device: it decides the shell's frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceMode {
    /// A participant's phone or laptop.
    #[default]
    Attendee,
    /// Event staff (a staff token): a tablet at the door or the desk.
    Staff,
    /// A venue screen (`--kiosk` or a kiosk token): no navigation, no text input, no context
    /// menu, no reload or zoom keys, and no attendee's data stored.
    Kiosk,
}
