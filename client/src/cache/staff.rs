//! The staff Element's storage: the check-ins and reward codes the staff feed brought.

use elements_protocol::staff::{Admission, RewardCode};
use rusqlite::OptionalExtension;

use super::{Cache, CacheError};

fn damaged(table: &'static str, id: &str, e: impl std::fmt::Display) -> CacheError {
    CacheError::DamagedRecord { table, id: id.to_string(), detail: e.to_string() }
}

impl Cache {
    /// Every check-in the staff feed brought (all gates, all tablets).
    pub fn admissions(&self) -> Result<Vec<Admission>, CacheError> {
        let mut st = self.conn.prepare_cached("SELECT id, body FROM admission ORDER BY id")?;
        let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, body) = row?;
            out.push(serde_json::from_str(&body).map_err(|e| damaged("admission", &id, e))?);
        }
        Ok(out)
    }

    /// One check-in: `holder` at the gate whose key is `gate_key`.
    pub fn admission(&self, gate_key: &str, holder: &str) -> Result<Option<Admission>, CacheError> {
        let id = format!("{gate_key}/{holder}");
        let body: Option<String> = self
            .conn
            .prepare_cached("SELECT body FROM admission WHERE id = ?1")?
            .query_row([&id], |r| r.get(0))
            .optional()?;
        body.map(|b| serde_json::from_str(&b).map_err(|e| damaged("admission", &id, e))).transpose()
    }

    /// A reward's desk code, if the staff feed brought it.
    pub fn reward_code(&self, code: &str) -> Result<Option<RewardCode>, CacheError> {
        let body: Option<String> = self
            .conn
            .prepare_cached("SELECT body FROM reward_code WHERE id = ?1")?
            .query_row([code], |r| r.get(0))
            .optional()?;
        body.map(|b| serde_json::from_str(&b).map_err(|e| damaged("reward_code", code, e))).transpose()
    }

    /// How many rewards the desks gave, as the staff feed says.
    pub fn rewards_given(&self) -> Result<u32, CacheError> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM reward_code WHERE json_extract(body, '$.redeemed_at') IS NOT NULL",
            [],
            |r| r.get(0),
        )?)
    }

    /// The leads this exhibitor captured, as the people feed brought them.
    pub fn leads(&self) -> Result<Vec<elements_protocol::staff::Lead>, CacheError> {
        let mut st = self.conn.prepare_cached("SELECT id, body FROM lead ORDER BY id")?;
        let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, body) = row?;
            out.push(serde_json::from_str(&body).map_err(|e| damaged("lead", &id, e))?);
        }
        Ok(out)
    }

    /// The event in numbers for the venue screens, as the backend last counted them.
    pub fn screen_figures(&self) -> Result<Option<elements_protocol::analytics::ScreenFigures>, CacheError> {
        let body: Option<String> = self
            .conn
            .prepare_cached("SELECT body FROM screen_figures WHERE id = 'now'")?
            .query_row([], |r| r.get(0))
            .optional()?;
        body.map(|b| serde_json::from_str(&b).map_err(|e| damaged("screen_figures", "now", e))).transpose()
    }

    /// The organizer's live picture, as last heard.
    pub fn live_picture(&self) -> Result<Option<elements_protocol::staff::LivePicture>, CacheError> {
        let body: Option<String> = self
            .conn
            .prepare_cached("SELECT body FROM live_picture WHERE id = 'now'")?
            .query_row([], |r| r.get(0))
            .optional()?;
        body.map(|b| serde_json::from_str(&b).map_err(|e| damaged("live_picture", "now", e))).transpose()
    }

    /// Whether the staff feed was pulled at least once (so the desk knows the event's codes).
    pub fn has_staff_feed(&self) -> Result<bool, CacheError> {
        Ok(self
            .conn
            .query_row("SELECT synced_at IS NOT NULL FROM sync_state WHERE element = 'staff'", [], |r| r.get(0))
            .optional()?
            .unwrap_or(false))
    }
}
