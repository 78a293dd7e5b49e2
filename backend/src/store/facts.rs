//! The event's facts the rules need, held in memory between imports and read by intake and by
//! staff's commands: domain's [`EventIndex`], filled from the stored entities.

pub use elements_domain::facts::EventIndex as Facts;
use elements_protocol::sync::Entity;
use rusqlite::Connection;

use super::StoreError;

/// The index of the event stored in `conn`. Profiles and rooms count by id alone: thousands of
/// profiles need not be decoded to know they are there.
pub fn load(conn: &Connection) -> Result<Facts, StoreError> {
    let mut facts = Facts::default();
    if let Some(m) = super::stored_manifest(conn)? {
        facts.set_manifest(&m);
    }
    let mut st = conn.prepare(
        "SELECT kind, id, body FROM entity WHERE kind IN ('poll', 'quest', 'session', 'point_of_interest', 'profile', 'scenario', 'room')",
    )?;
    let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
    for row in rows {
        let (kind, id, body) = row?;
        match kind.as_str() {
            "poll" | "quest" | "scenario" | "session" | "point_of_interest" => {
                let entity: Entity = serde_json::from_str(&body)
                    .map_err(|e| StoreError::Damaged { what: format!("{kind} {id}"), detail: e.to_string() })?;
                facts.add(entity);
            }
            other => facts.add_id(super::kind_from(other)?, id),
        }
    }
    Ok(facts.finish())
}
