//! What the analytics read: every accepted signal as a [`Happening`], people as numbers only
//! (participant ids stay here, in the database).

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset};
use elements_protocol::event::EventBundle;
use elements_protocol::signal::{Action, Effect, Outcome};
use elements_protocol::staff::Gate;

use super::{SqliteStore, Store, StoreError};
use crate::analytics::{Analytics, Happening, What};

/// The analytics as last counted, and what they were counted from: the newest signal and the
/// event's facts (rebuilt on every import). Asked again with neither changed (an organizer's
/// tablet refreshing, the screens' minute), the count is reused instead of reading every signal.
pub(super) struct Counted {
    last_signal: i64,
    /// Held, so that a newer import's facts can never be mistaken for these.
    facts: std::sync::Arc<super::facts::Facts>,
    pub event: EventBundle,
    pub figures: Analytics,
}

impl SqliteStore {
    /// The analytics of the signals as they stand: counted again only when a signal arrived or
    /// the event changed since the last count.
    pub(super) fn figures(&self) -> Result<Option<std::sync::Arc<Counted>>, StoreError> {
        let facts = self.facts.read().unwrap_or_else(|p| p.into_inner()).clone();
        let last_signal: i64 = self.lock().query_row("SELECT coalesce(max(rowid), 0) FROM signal", [], |r| r.get(0))?;
        let mut cache = self.figures.lock().unwrap_or_else(|p| p.into_inner());
        let current =
            |c: &&std::sync::Arc<Counted>| c.last_signal == last_signal && std::sync::Arc::ptr_eq(&c.facts, &facts);
        if let Some(counted) = cache.as_ref().filter(current) {
            return Ok(Some(counted.clone()));
        }
        let Some((event, happened)) = self.analytics_input()? else { return Ok(None) };
        let figures = crate::analytics::analyse(&event, &happened);
        let counted = std::sync::Arc::new(Counted { last_signal, facts, event, figures });
        *cache = Some(counted.clone());
        Ok(Some(counted))
    }

    /// The event, and what its participants did (accepted signals), for [`crate::analytics`].
    pub fn analytics_input(&self) -> Result<Option<(EventBundle, Vec<Happening>)>, StoreError> {
        let Some(event) = self.event_bundle()? else { return Ok(None) };
        let offset = event
            .manifest
            .days
            .first()
            .map(|d| *d.starts_at.offset())
            .unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC"));
        let conn = self.lock();
        let mut st = conn.prepare(
            "SELECT participant_id, action, outcome, received_at, created_at FROM signal WHERE accepted = 1 ORDER BY rowid",
        )?;
        let mut people: HashMap<String, u32> = HashMap::new();
        let mut person = |id: &str| -> u32 {
            let next = people.len() as u32;
            *people.entry(id.to_string()).or_insert(next)
        };
        let mut happenings = Vec::new();
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let (participant, action, outcome, received, created): (String, String, String, i64, Option<String>) =
                (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
            // A row that does not read (a newer backend's action) is left out, not fatal.
            let Ok(action) = serde_json::from_str::<Action>(&action) else { continue };
            let received = DateTime::from_timestamp(received, 0).unwrap_or_default();
            // The device's time, but never after the backend got it (a clock ahead).
            let at = created
                .and_then(|c| DateTime::parse_from_rfc3339(&c).ok())
                .map_or(received, |c| c.to_utc().min(received))
                .with_timezone(&offset);
            let whats: Vec<(Option<String>, What)> = match action {
                Action::CheckIn { session_id } => vec![(None, What::Session(session_id))],
                Action::BoothVisit { poi_id } => vec![(None, What::Place(poi_id))],
                Action::AskRoute { to, from } => vec![(None, What::Route { from, to })],
                Action::CheckpointScan { quest_id, checkpoint_id, .. } => {
                    vec![(None, What::Checkpoint { quest: quest_id, checkpoint: checkpoint_id })]
                }
                Action::Vote { poll_id, .. } | Action::Answer { poll_id, .. } => {
                    vec![(None, What::Answer { poll: poll_id })]
                }
                Action::Ask { poll_id, .. } => vec![(None, What::Question { poll: poll_id })],
                Action::Upvote { poll_id, .. } => vec![(None, What::Upvote { poll: poll_id })],
                // Staff let someone in: it is the holder who was there, not the tablet.
                Action::Admit { .. } => match serde_json::from_str::<Outcome>(&outcome) {
                    Ok(Outcome::Accepted { effects }) => effects
                        .into_iter()
                        .filter_map(|e| match e {
                            Effect::Admitted { gate, holder, conflict: false, .. } => Some((
                                Some(holder),
                                match gate {
                                    Gate::Door(p) => What::Place(p),
                                    Gate::Session(s) => What::Session(s),
                                },
                            )),
                            _ => None,
                        })
                        .collect(),
                    _ => Vec::new(),
                },
                _ => Vec::new(),
            };
            for (who, what) in whats {
                let p = person(who.as_deref().unwrap_or(&participant));
                happenings.push(Happening { person: p, at, what });
            }
        }
        Ok(Some((event, happenings)))
    }
}
