//! The commands instances append to the shared log, and how a replica applies them: by calling
//! the SQLite store's own code, with the command's time and the command's seed for random bits,
//! so every replica that applies the same log ends in the same state, byte for byte.

use base64::Engine as _;
use chrono::{DateTime, Utc};
use elements_protocol::auth::{RedeemRequest, Role};
use elements_protocol::event::EventBundle;
use elements_protocol::live::{Announcement, PollResult};
use elements_protocol::signal::Signal;
use elements_protocol::sync::Entity;
use serde::{Deserialize, Serialize};

use crate::store::{entropy, Caller, ImportSummary, IntakeJob, PushReport, Redeemed, SqliteStore, Store, StoreError};

/// A change to the event, as logged. Everything a replica needs to make the same change is in
/// it: the time it is decided at and (in [`Entry::seed`]) the random bits.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    Signals { caller: Caller, signals: Vec<Signal>, now: DateTime<Utc> },
    ReplaceEvent { bundle: Box<EventBundle> },
    AddCode { code: String, role: Role, personal: bool },
    CapCode { code: String, max_devices: Option<u32> },
    Redeem { request: RedeemRequest },
    Announce { text: String, now: DateTime<Utc> },
    PutPlan { floor_id: String, content_type: String, base64: String },
    MakeQrSecret,
    LivePicture { now: DateTime<Utc> },
    ScreenFigures { now: DateTime<Utc> },
    RevealPoll { poll_id: String, now: DateTime<Utc> },
}

/// A command with its number at the instance that appended it (to answer the request that
/// waits for it) and its seed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub number: u64,
    pub seed: String,
    #[serde(flatten)]
    pub command: Command,
}

impl Entry {
    pub fn new(number: u64, command: Command) -> Result<Entry, StoreError> {
        let seed = entropy::new_seed()?.iter().map(|b| format!("{b:02x}")).collect();
        Ok(Entry { number, seed, command })
    }

    fn seed(&self) -> [u8; 32] {
        let mut seed = [0u8; 32];
        for (i, byte) in seed.iter_mut().enumerate() {
            *byte = self.seed.get(2 * i..2 * i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()).unwrap_or(0);
        }
        seed
    }
}

/// What applying a command gave, for the request that appended it.
#[derive(Debug)]
pub enum Outcome {
    Pushed(PushReport),
    Imported(ImportSummary),
    Done,
    Capped(bool),
    Redeemed(Redeemed),
    Announced(Announcement),
    Plan(String),
    QrSecret([u8; 32]),
    Published(Option<Entity>),
    Revealed(Option<PollResult>),
}

/// One applied entry: who appended it, its number there, and what it gave.
pub struct Applied {
    pub origin: String,
    pub number: u64,
    pub outcome: Result<Outcome, String>,
}

/// Applies one group (the entries one transaction appended) to `replica`, in order: runs of
/// signal batches are decided in one SQLite transaction, as one instance's intake would.
pub fn apply_group(replica: &SqliteStore, group: Vec<(String, Entry)>) -> Vec<Applied> {
    let mut applied = Vec::with_capacity(group.len());
    let mut run: Vec<(String, Entry)> = Vec::new();
    for (origin, entry) in group {
        if matches!(entry.command, Command::Signals { .. }) {
            run.push((origin, entry));
            continue;
        }
        applied.extend(decide_run(replica, std::mem::take(&mut run)));
        let outcome = entropy::seeded(entry.seed(), || apply_one(replica, entry.command)).map_err(|e| e.to_string());
        applied.push(Applied { origin, number: entry.number, outcome });
    }
    applied.extend(decide_run(replica, run));
    applied
}

fn decide_run(replica: &SqliteStore, run: Vec<(String, Entry)>) -> Vec<Applied> {
    let Some(seed) = run.first().map(|(_, e)| e.seed()) else { return Vec::new() };
    let mut answers = Vec::with_capacity(run.len());
    let mut jobs = Vec::with_capacity(run.len());
    for (origin, entry) in run {
        let Command::Signals { caller, signals, now } = entry.command else { continue };
        let (reply, answer) = tokio::sync::oneshot::channel();
        jobs.push(IntakeJob { caller, signals, now, reply });
        answers.push((origin, entry.number, answer));
    }
    entropy::seeded(seed, || replica.decide(jobs));
    answers
        .into_iter()
        .map(|(origin, number, mut answer)| {
            // `decide` has answered every job before it returns.
            let outcome = match answer.try_recv() {
                Ok(Ok(report)) => Ok(Outcome::Pushed(report)),
                Ok(Err(e)) => Err(e),
                Err(_) => Err("the batch was not decided".into()),
            };
            Applied { origin, number, outcome }
        })
        .collect()
}

fn apply_one(replica: &SqliteStore, command: Command) -> Result<Outcome, StoreError> {
    Ok(match command {
        // Handled in runs by `decide_run`.
        Command::Signals { .. } => Outcome::Done,
        Command::ReplaceEvent { bundle } => Outcome::Imported(replica.replace_event(&bundle)?),
        Command::AddCode { code, role, personal } => {
            replica.add_code(&code, role, personal)?;
            Outcome::Done
        }
        Command::CapCode { code, max_devices } => Outcome::Capped(replica.cap_code(&code, max_devices)?),
        Command::Redeem { request } => Outcome::Redeemed(replica.redeem(&request)?),
        Command::Announce { text, now } => Outcome::Announced(replica.announce(&text, now)?),
        Command::PutPlan { floor_id, content_type, base64 } => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(base64)
                .map_err(|e| StoreError::Damaged { what: "logged floor plan".into(), detail: e.to_string() })?;
            Outcome::Plan(replica.put_plan(&floor_id, &content_type, &bytes)?)
        }
        Command::MakeQrSecret => Outcome::QrSecret(replica.qr_secret()?),
        Command::LivePicture { now } => Outcome::Published(replica.publish_live_picture(now)?),
        Command::ScreenFigures { now } => Outcome::Published(replica.publish_screen_figures(now)?),
        Command::RevealPoll { poll_id, now } => Outcome::Revealed(replica.reveal_poll(&poll_id, now)?),
    })
}
