//! The staff desk: check-in, the reward desk, polls and Q&A moderation, announcements, leads,
//! and the organizer's live picture.

use serde::{Deserialize, Serialize};

use super::*;

/// Checking a pass in: what was scanned or typed, and where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdmitArgs {
    /// A ticket's join link, a badge's link, or a code typed.
    pub pass: String,
    pub gate: crate::staff::Gate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdmitResult {
    pub gate_name: String,
    /// The pass's last characters ("…X4P2"), to tell scans apart.
    pub pass_hint: String,
    /// It came in here before: recorded, not counted again.
    pub conflict: bool,
    /// When it first came in, venue-local "10:02", for a conflict.
    pub first_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RewardCodeArgs {
    pub code: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RewardRedemption {
    /// The code as the desk reads it, "K7Q2-MX4P".
    pub code: String,
    /// The reward to hand over; empty when the desk could not check (see `checked`).
    pub name: String,
    /// Checked against the event's codes on this device; `false`: the desk has not synced them
    /// yet, and the backend decides when it hears of it.
    pub checked: bool,
}

/// The staff desk, as one staff tablet knows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffDesk {
    /// Doors first, then today's sessions in start order.
    pub gates: Vec<GateView>,
    /// People checked in at any door (each once).
    pub admitted_at_doors: u32,
    /// Passes let in twice at a gate, newest first.
    pub conflicts: Vec<ConflictView>,
    /// This tablet's last scans and redemptions, newest first.
    pub recent: Vec<DeskScan>,
    /// Rewards given at the desk (all desks, as far as this one knows).
    pub rewards_given: u32,
    /// Whether this desk can check reward codes offline (it synced the event's codes).
    pub knows_codes: bool,
    /// Whether this device holds a staff token (else the desk is read-only and explains why).
    pub is_staff: bool,
    /// What this device's staff role may do: the desk shows those panes only.
    #[serde(default)]
    pub can: StaffAbilities,
}

/// The staff work a device's role may do (organizers: all of it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffAbilities {
    /// `None` on a device without a staff token.
    pub role: Option<crate::auth::Role>,
    /// Check-in at doors and sessions (door staff).
    pub check_in: bool,
    /// The reward desk (desk staff).
    pub rewards: bool,
    /// Leads at a booth (exhibitors).
    pub leads: bool,
    /// Polls and Q&A moderation (moderators).
    pub polls: bool,
    /// The live picture and announcements (organizers).
    pub live: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateView {
    pub gate: crate::staff::Gate,
    pub name: String,
    /// For a session: its room and venue-local times "10:00–10:45".
    pub detail: Option<String>,
    pub admitted: u32,
    pub conflicts: u32,
    /// The room's seats, where known.
    pub capacity: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConflictView {
    pub gate_name: String,
    pub pass_hint: String,
    pub scans: Vec<ConflictScan>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConflictScan {
    /// Venue-local "10:02".
    pub at: String,
    /// The scanning device's last characters.
    pub device: String,
    /// Scanned on this tablet.
    pub mine: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeskScan {
    pub signal_id: String,
    /// A reward given at the desk (else a check-in).
    pub reward: bool,
    /// What it was about: the gate's name, or the reward's (or its code while unchecked).
    pub title: String,
    /// The pass's hint or the desk code.
    pub detail: String,
    /// Venue-local "10:02".
    pub at: String,
    pub state: DeskScanState,
    /// Why the backend refused it (a ticket not of this event, a code given at another desk).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<crate::signal::Reason>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeskScanState {
    /// Counted here, not sent yet.
    Waiting,
    /// Counted, and the backend agrees.
    Counted,
    /// The pass had come in at this gate before.
    Conflict,
    /// The reward was handed over, and the backend agrees.
    Given,
    /// The backend refused it (a ticket not of this event, a code used at another desk).
    Refused,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PollControlArgs {
    pub poll_id: String,
    pub command: crate::staff::PollCommand,
}

/// A poll as a moderator writes it on the desk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PollDraftArgs {
    /// The poll to reword; none for a new one.
    #[serde(default)]
    pub id: Option<String>,
    pub question: String,
    pub kind: crate::event::PollKind,
    /// The options' labels in order (the kinds with options); empty lines are dropped.
    #[serde(default)]
    pub options: Vec<String>,
    /// Multiple choice: at most this many.
    #[serde(default)]
    pub max_choices: Option<u32>,
    /// Rating: the top of the scale, 5 (stars, from 1) or 10 (from 0).
    #[serde(default)]
    pub scale_max: Option<u32>,
    /// Quiz: the position of the right option.
    #[serde(default)]
    pub correct_option: Option<usize>,
    #[serde(default)]
    pub hide_results: bool,
    /// How long it stays open once opened, in minutes.
    pub minutes: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionModerationArgs {
    pub question_id: String,
    pub command: crate::staff::QuestionCommand,
}

/// Staff's poll desk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffPolls {
    /// Today's polls and any open now, in opening order.
    pub polls: Vec<StaffPoll>,
    /// Questions of today's Q&A polls: on the screens first, then by upvotes.
    pub questions: Vec<StaffQuestion>,
    pub is_staff: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffPoll {
    pub id: String,
    pub question: String,
    pub kind: crate::event::PollKind,
    pub state: PollState,
    /// Venue-local "09:00–09:45".
    pub window: String,
    pub total: u64,
    /// It hides its counts until revealed.
    pub hides_results: bool,
    /// Its counts are public (revealed, or never hidden).
    pub results_shown: bool,
    /// A command sent from this desk that the backend has not confirmed yet.
    pub pending: Option<crate::staff::PollCommand>,
    /// Made on the spot and not opened yet: attendees do not see it.
    #[serde(default)]
    pub draft: bool,
    /// Made or reworded on this desk, not confirmed by the backend yet.
    #[serde(default)]
    pub waiting: bool,
    /// Nobody has answered: it can still be reworded.
    #[serde(default)]
    pub editable: bool,
    /// Its wording as the desk's form holds it (`put_poll` with it rewords this poll).
    pub wording: PollDraftArgs,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffQuestion {
    pub id: String,
    /// The Q&A poll's own question ("Questions for the opening keynote").
    pub poll: String,
    pub text: String,
    pub author: Option<String>,
    pub upvotes: u64,
    pub approved: bool,
    pub answered: bool,
    pub highlighted: bool,
    /// A moderation sent from this desk, not confirmed yet.
    pub pending: bool,
}

/// The live picture as a staff screen draws it: names resolved, shares worked out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LivePictureView {
    /// Whether the backend sent one yet (else everything is empty, and the screen says so).
    pub known: bool,
    /// Venue-local "09:31": when the backend counted.
    pub computed_at: Option<String>,
    pub attendees: u32,
    /// Check-ins at the doors per quarter hour ("09:15"), oldest first.
    pub checkins: Vec<Bar>,
    pub checked_in: u32,
    /// Sessions running now: their room, people in, seats.
    pub rooms: Vec<RoomFillView>,
    /// Answers per poll (its question).
    pub polls: Vec<Bar>,
    pub voters: u32,
    /// Visitors per booth, most first.
    pub booths: Vec<Bar>,
    pub quests: Vec<FunnelView>,
    /// Times each scenario fired (its name), most first.
    pub rules: Vec<Bar>,
    pub rewards_unlocked: u32,
    pub rewards_redeemed: u32,
    pub goals: Vec<GoalView>,
    /// Whom an announcement can go to: everyone, each room, each tag the scenarios give.
    pub announce_to: Vec<AnnounceTarget>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnnounceTarget {
    pub audience: crate::live::Audience,
    /// The room's name or the tag; empty for everyone (the UI words it).
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bar {
    pub label: String,
    pub value: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoomFillView {
    pub room: String,
    pub title: String,
    pub checked_in: u32,
    pub capacity: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunnelView {
    pub title: String,
    /// `steps[k]`: people who found at least `k + 1` checkpoints.
    pub steps: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoalView {
    pub id: String,
    pub name: String,
    pub met: u32,
    /// Attendees (what the share is of).
    pub of: u32,
    /// `met` as a share of `of`, in whole percent.
    pub percent: u32,
    pub target_percent: u32,
    pub reached: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadArgs {
    /// The badge's link or its code typed.
    pub badge: String,
    pub rating: u32,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadsView {
    pub leads: Vec<LeadView>,
    /// Badges scanned here that the backend has not confirmed yet (offline, or not synced).
    pub waiting: Vec<WaitingLead>,
    pub is_staff: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadView {
    pub profile_id: String,
    pub name: String,
    pub organization: Option<String>,
    pub role: Option<String>,
    pub links: Vec<String>,
    /// Venue-local "2027-03-10T10:02".
    pub captured_at: String,
    pub rating: u32,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaitingLead {
    pub badge: String,
    pub rating: u32,
    pub note: String,
    /// Refused by the backend (a badge no one has): why.
    pub refused: Option<crate::signal::Reason>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnnouncementView {
    pub id: String,
    pub text: String,
    /// Venue-local "14:02".
    pub at: String,
    /// Unix seconds, to tell new from seen.
    pub posted: i64,
    /// The room it was for (its name), when it went to one room's audience.
    pub room: Option<String>,
    /// It went to a scenario tag's participants.
    pub tagged: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnnounceArgs {
    pub text: String,
    pub audience: crate::live::Audience,
}

/// The analytics Element on the organizer's tablet: the last figures the backend counted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalyticsView {
    /// The figures; none before the first time the backend could be asked.
    pub report: Option<crate::analytics::AnalyticsReport>,
    /// The backend could not be asked now: these are from `report.counted_at`.
    pub offline: bool,
    /// Only organizers read the analytics.
    pub is_organizer: bool,
    /// The floors, for the places' heat map: id, name, width and height in plan units.
    pub floors: Vec<FloorOutline>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FloorOutline {
    pub id: String,
    pub name: String,
    pub width: u32,
    pub height: u32,
    /// Its plan under the `plan` scheme, when it is a vector image.
    #[serde(default)]
    pub plan_svg: Option<String>,
}
