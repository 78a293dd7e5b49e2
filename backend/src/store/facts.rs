//! The event's facts the rules need (polls, quests, ids, scenarios, what rules filter on), held
//! in memory between imports and read by intake and by staff's commands.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use elements_domain::scenario::EventFacts;
use elements_protocol::event::{Poll, Quest};
use elements_protocol::sync::{Entity, EntityKind};
use rusqlite::Connection;

use super::StoreError;

/// The event's facts the rules need, held in memory between imports.
#[derive(Debug, Default)]
pub struct Facts {
    /// The event's id and the public key its checkpoint codes are signed with, if any.
    qr_key: Option<(String, String)>,
    polls: HashMap<String, Poll>,
    quests: HashMap<String, Quest>,
    ids: HashSet<(EntityKind, String)>,
    /// The scenarios the event plays by, worked out once per load (not per signal).
    rules: Vec<elements_protocol::scenario::Scenario>,
    /// What rules filter on: a session's track, a place's kind.
    session_tracks: HashMap<String, String>,
    poi_kinds: HashMap<String, String>,
    /// When sessions end, for `session_ended` triggers.
    session_ends: HashMap<String, DateTime<Utc>>,
}

impl Facts {
    /// The poll of this id, if the event has one.
    pub(super) fn poll_named(&self, id: &str) -> Option<&Poll> {
        self.polls.get(id)
    }

    pub fn load(conn: &Connection) -> Result<Facts, StoreError> {
        let mut facts = Facts::default();
        let mut scenarios = Vec::new();
        if let Some(m) = super::stored_manifest(conn)? {
            facts.qr_key = m.qr_public_key.map(|key| (m.id, key));
        }
        let mut st = conn.prepare(
            "SELECT kind, id, body FROM entity WHERE kind IN ('poll', 'quest', 'session', 'point_of_interest', 'profile', 'scenario', 'room')",
        )?;
        let rows =
            st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
        for row in rows {
            let (kind, id, body) = row?;
            let damaged =
                |e: serde_json::Error| StoreError::Damaged { what: format!("{kind} {id}"), detail: e.to_string() };
            match kind.as_str() {
                "poll" => {
                    if let Entity::Poll(p) = serde_json::from_str(&body).map_err(damaged)? {
                        facts.polls.insert(id, p);
                    }
                }
                "quest" => {
                    if let Entity::Quest(q) = serde_json::from_str(&body).map_err(damaged)? {
                        facts.quests.insert(id, q);
                    }
                }
                "scenario" => {
                    if let Entity::Scenario(rule) = serde_json::from_str(&body).map_err(damaged)? {
                        scenarios.push(rule);
                    }
                }
                "session" => {
                    if let Entity::Session(session) = serde_json::from_str(&body).map_err(damaged)? {
                        facts.session_ends.insert(id.clone(), session.ends_at.to_utc());
                        if let Some(track) = session.track_id {
                            facts.session_tracks.insert(id.clone(), track);
                        }
                    }
                    facts.ids.insert((EntityKind::Session, id));
                }
                "point_of_interest" => {
                    if let Entity::PointOfInterest(poi) = serde_json::from_str(&body).map_err(damaged)? {
                        if let Some(kind) = elements_domain::scenario::poi_kind_name(&poi.kind) {
                            facts.poi_kinds.insert(id.clone(), kind);
                        }
                    }
                    facts.ids.insert((EntityKind::PointOfInterest, id));
                }
                other => {
                    let kind = super::kind_from(other)?;
                    facts.ids.insert((kind, id));
                }
            }
        }
        let quests: Vec<Quest> = facts.quests.values().cloned().collect();
        // By id, as every device orders them: the rules run in the same order everywhere.
        scenarios.sort_by(|a, b| a.id.cmp(&b.id));
        facts.rules = elements_domain::rules::event_rules(&quests, &scenarios);
        Ok(facts)
    }
}

impl Facts {
    /// The event's quests by id.
    pub fn quests_in_order(&self) -> Vec<Quest> {
        let mut all: Vec<Quest> = self.quests.values().cloned().collect();
        all.sort_by(|a, b| a.id.cmp(&b.id));
        all
    }
}

impl EventFacts for Facts {
    fn poll(&self, id: &str) -> Option<Poll> {
        self.polls.get(id).cloned()
    }
    fn quest(&self, id: &str) -> Option<Quest> {
        self.quests.get(id).cloned()
    }
    fn exists(&self, kind: EntityKind, id: &str) -> bool {
        self.ids.contains(&(kind, id.to_string()))
    }
    fn qr_key(&self) -> Option<(String, String)> {
        self.qr_key.clone()
    }
    fn rules(&self) -> std::borrow::Cow<'_, [elements_protocol::scenario::Scenario]> {
        std::borrow::Cow::Borrowed(&self.rules)
    }
    fn session_track(&self, session_id: &str) -> Option<String> {
        self.session_tracks.get(session_id).cloned()
    }
    fn poi_kind(&self, poi_id: &str) -> Option<String> {
        self.poi_kinds.get(poi_id).cloned()
    }
    fn session_end(&self, session_id: &str) -> Option<DateTime<Utc>> {
        self.session_ends.get(session_id).copied()
    }
    fn poll_openings(&self) -> Vec<(String, DateTime<Utc>)> {
        let mut all: Vec<_> = self.polls.values().map(|p| (p.id.clone(), p.opens_at.to_utc())).collect();
        all.sort();
        all
    }
}
