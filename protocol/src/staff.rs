//! The staff Element: checking people in at doors and sessions, and redeeming rewards at the
//! desk. Its feed goes to staff tokens only (`GET /v1/elements/staff/changes`); its signals
//! ([`crate::signal::Action::Admit`], [`crate::signal::Action::RedeemReward`]) are refused to
//! any other token with `403`.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// What a person shows at the door: the code of their personal ticket, or their badge code, or
/// a code typed that could be either (the backend looks for a ticket, then a badge).
/// On the wire `{"ticket": "T-1042"}`, `{"badge": "K7Q2MX4P"}` or `{"code": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pass {
    Ticket(String),
    Badge(String),
    Code(String),
}

impl Pass {
    /// The code as scanned or typed.
    pub fn code(&self) -> &str {
        match self {
            Pass::Ticket(c) | Pass::Badge(c) | Pass::Code(c) => c,
        }
    }
}

/// Where a check-in happens: a door (a place on the venue map) or a session.
/// On the wire `{"door": "entrance-north"}` or `{"session": "s-keynote"}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gate {
    Door(String),
    Session(String),
}

impl Gate {
    /// `door:<id>` or `session:<id>`: how an admission's id names its gate.
    pub fn key(&self) -> String {
        match self {
            Gate::Door(id) => format!("door:{id}"),
            Gate::Session(id) => format!("session:{id}"),
        }
    }
}

/// Someone whose badge an exhibitor scanned at the booth, with the exhibitor's rating and note:
/// sent to that exhibitor only (their personal staff code: every device of it). `id` is the
/// visitor's profile id; `profile` holds what the visitor shows their contacts (scanning a
/// badge at a booth is exchanging contacts with it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lead {
    pub id: String,
    pub profile: crate::event::Profile,
    pub captured_at: DateTime<FixedOffset>,
    /// 0 (none) to [`MAX_LEAD_RATING`].
    pub rating: u32,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

pub const MAX_LEAD_RATING: u32 = 5;
pub const MAX_LEAD_NOTE: usize = 1000;

/// What staff do to a poll from the desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PollCommand {
    /// Opens it now (for an hour if its closing time has passed).
    Open,
    /// Closes it now.
    Close,
    /// Publishes the counts of a poll that hides them.
    Reveal,
    /// Forgets its answers (a rehearsal's test votes): everyone may answer again.
    Reset,
}

/// What staff do to a question in a Q&A.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionCommand {
    Approve,
    /// Takes it off every device and screen.
    Hide,
    /// The speaker answered it.
    Answered,
    /// Puts it on the venue screens (and takes the one there off).
    Highlight,
    /// Takes it off the venue screens.
    Unhighlight,
}

/// The organizer's live picture, computed by the backend from every signal (staff only):
/// counts, never anyone's details. `id` is `"now"`; a newer `revision` replaces it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LivePicture {
    pub id: String,
    pub revision: u64,
    /// When it was computed.
    pub at: DateTime<FixedOffset>,
    /// Participants who joined as attendees: what shares are of.
    pub attendees: u32,
    /// People checked in at the doors, by quarter hour (the quarter's start), oldest first.
    pub checkins: Vec<TimeCount>,
    /// Sessions running now with how many came in, against their room's seats.
    pub rooms: Vec<RoomFill>,
    /// Answers per poll (participants whose answer counts).
    pub polls: Vec<Count>,
    /// Attendees who answered at least one poll.
    pub voters: u32,
    /// Visitors per booth (distinct people).
    pub booths: Vec<Count>,
    /// Per quest: how many found at least 1, 2, … checkpoints.
    pub quests: Vec<QuestFunnel>,
    /// How often each scenario fired.
    pub rules: Vec<Count>,
    pub rewards_unlocked: u32,
    pub rewards_redeemed: u32,
    /// Each goal of the event with how many attendees meet it.
    pub goals: Vec<GoalProgress>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeCount {
    pub at: DateTime<FixedOffset>,
    pub count: u32,
}

/// How many of something: `id` is what (a poll, a booth, a scenario).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    pub id: String,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomFill {
    pub session_id: String,
    pub checked_in: u32,
    pub capacity: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestFunnel {
    pub quest_id: String,
    /// `found[k]`: participants who found at least `k + 1` checkpoints.
    pub found: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalProgress {
    pub goal_id: String,
    /// Attendees who meet it.
    pub met: u32,
    /// Of how many, when the goal is about a group (a ticket type); absent: every attendee.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<u32>,
}

/// The longest ticket code a backend takes (codes are 1 to 200 characters to redeem).
pub const MAX_PASS_CODE: usize = 200;

/// One person checked in at one gate, with every scan that said so. More than one scan is a
/// conflict: two tablets (offline, or one not yet synced) let the same pass in, or it was shown
/// twice; it still counts once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Admission {
    /// `<gate key>/<holder>` ([`Gate::key`]).
    pub id: String,
    pub gate: Gate,
    /// Who it is, pseudonymously: the participant id the pass belongs to.
    pub holder: String,
    /// The pass as staff may see it: the last four characters of the code ("…X4P2").
    pub pass_hint: String,
    /// Every scan, first first.
    pub scans: Vec<Scan>,
}

impl Admission {
    pub fn is_conflict(&self) -> bool {
        self.scans.len() > 1
    }
}

/// One scan of a pass: which device, when (the device's clock), and the signal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scan {
    pub device: String,
    pub at: DateTime<FixedOffset>,
    pub signal_id: String,
}

/// A reward's desk code as the desk checks it: known (valid), and whether it was given already.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RewardCode {
    /// The code itself, "K7Q2-MX4P".
    pub id: String,
    pub quest_id: String,
    pub reward_id: String,
    /// The reward's name, as its quest names it.
    pub name: String,
    /// When the desk gave it, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redeemed_at: Option<DateTime<FixedOffset>>,
}

/// A desk code as typed or scanned: upper case, the dash where it belongs, Crockford's
/// look-alikes read as the digits they stand for (O → 0, I and L → 1). `None`: not 8 code
/// characters.
pub fn normalize_reward_code(typed: &str) -> Option<String> {
    let mut chars = String::new();
    for c in typed.chars().filter(|c| !c.is_whitespace() && *c != '-') {
        let c = match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c if c.is_ascii_alphanumeric() && c != 'U' => c,
            _ => return None,
        };
        chars.push(c);
    }
    (chars.len() == 8).then(|| format!("{}-{}", &chars[..4], &chars[4..]))
}

/// The last four characters of a code, for staff screens: enough to tell two apart, not
/// enough to use.
pub fn hint(code: &str) -> String {
    let chars: Vec<char> = code.trim().chars().collect();
    let tail: String = chars[chars.len().saturating_sub(4)..].iter().collect();
    format!("…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passes_and_gates_read_as_documented() {
        let pass: Pass = serde_json::from_str(r#"{"ticket":"T-1042"}"#).expect("a ticket");
        assert_eq!(pass, Pass::Ticket("T-1042".into()));
        assert_eq!(serde_json::to_string(&Gate::Door("north".into())).expect("json"), r#"{"door":"north"}"#);
        assert_eq!(Gate::Session("s1".into()).key(), "session:s1");
        assert!(serde_json::from_str::<Pass>(r#"{"passport":"x"}"#).is_err());
    }

    #[test]
    fn desk_codes_are_read_leniently_and_hints_hide_the_code() {
        assert_eq!(normalize_reward_code("k7q2 mx4p").as_deref(), Some("K7Q2-MX4P"));
        assert_eq!(normalize_reward_code("K7Q2-MXOL").as_deref(), Some("K7Q2-MX01"));
        assert_eq!(normalize_reward_code("K7Q2-MX4"), None);
        assert_eq!(normalize_reward_code("K7Q2-MX4U"), None);
        assert_eq!(normalize_reward_code("К7Q2-MX4P"), None, "a Cyrillic letter is not a code character");
        assert_eq!(hint("T-000123"), "…0123");
        assert_eq!(hint("ab"), "…ab");
    }
}
