//! Floor plans in the cache: an SVG as it is, or a raster plan's tile pyramid, per floor, with
//! the revision it was made from (so a changed plan is fetched and cut again, and an unchanged
//! one never is).

use rusqlite::{params, OptionalExtension};

use super::{Cache, CacheError};
use crate::plans::{self, PlanError, PlanFormat, PreparedPlan};

/// A stored plan's shape, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPlan {
    pub floor_id: String,
    pub rev: String,
    pub format: PlanFormat,
    pub width: u32,
    pub height: u32,
    /// Tile levels (raster plans); 0 for an SVG.
    pub levels: u32,
}

/// Why a plan could not be stored.
#[derive(Debug, thiserror::Error)]
pub enum StorePlanError {
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error(transparent)]
    Cache(#[from] CacheError),
}

impl From<rusqlite::Error> for StorePlanError {
    fn from(e: rusqlite::Error) -> Self {
        StorePlanError::Cache(CacheError::Sqlite(e))
    }
}

impl Cache {
    /// Stores `bytes` as `floor_id`'s plan, made from revision `rev`: an SVG as it is, a raster
    /// image cut into tiles.
    pub fn store_plan(&mut self, floor_id: &str, rev: &str, bytes: &[u8]) -> Result<StoredPlan, StorePlanError> {
        let prepared = plans::prepare(bytes)?;
        Ok(self.store_prepared_plan(floor_id, rev, &prepared)?)
    }

    /// Stores a plan made ready by `plans::prepare`, in one transaction: the previous plan stays
    /// until the new one is whole.
    pub fn store_prepared_plan(
        &mut self,
        floor_id: &str,
        rev: &str,
        plan: &PreparedPlan,
    ) -> Result<StoredPlan, CacheError> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM plan_tile WHERE floor_id = ?1", params![floor_id])?;
        tx.execute("DELETE FROM floor_plan WHERE floor_id = ?1", params![floor_id])?;
        let stored = match plan {
            PreparedPlan::Svg(svg) => {
                tx.execute(
                    "INSERT INTO floor_plan (floor_id, rev, format, width, height, levels, svg) VALUES (?1, ?2, 'svg', 0, 0, 0, ?3)",
                    params![floor_id, rev, svg],
                )?;
                StoredPlan {
                    floor_id: floor_id.into(),
                    rev: rev.into(),
                    format: PlanFormat::Svg,
                    width: 0,
                    height: 0,
                    levels: 0,
                }
            }
            PreparedPlan::Tiles(pyramid, tiles) => {
                {
                    let mut insert =
                        tx.prepare("INSERT INTO plan_tile (floor_id, z, x, y, png) VALUES (?1, ?2, ?3, ?4, ?5)")?;
                    for t in tiles {
                        insert.execute(params![floor_id, t.z, t.x, t.y, t.png])?;
                    }
                }
                tx.execute(
                    "INSERT INTO floor_plan (floor_id, rev, format, width, height, levels) VALUES (?1, ?2, 'tiles', ?3, ?4, ?5)",
                    params![floor_id, rev, pyramid.width, pyramid.height, pyramid.levels],
                )?;
                StoredPlan {
                    floor_id: floor_id.into(),
                    rev: rev.into(),
                    format: PlanFormat::Raster,
                    width: pyramid.width,
                    height: pyramid.height,
                    levels: pyramid.levels,
                }
            }
        };
        tx.commit()?;
        Ok(stored)
    }

    /// Every stored plan's shape.
    pub fn stored_plans(&self) -> Result<Vec<StoredPlan>, CacheError> {
        let mut stmt = self.conn.prepare("SELECT floor_id, rev, format, width, height, levels FROM floor_plan")?;
        let rows = stmt.query_map([], |r| {
            let format: String = r.get(2)?;
            Ok(StoredPlan {
                floor_id: r.get(0)?,
                rev: r.get(1)?,
                format: if format == "svg" { PlanFormat::Svg } else { PlanFormat::Raster },
                width: r.get(3)?,
                height: r.get(4)?,
                levels: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A floor's SVG plan.
    pub fn plan_svg(&self, floor_id: &str) -> Result<Option<Vec<u8>>, CacheError> {
        Ok(self
            .conn
            .query_row("SELECT svg FROM floor_plan WHERE floor_id = ?1 AND format = 'svg'", params![floor_id], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// One tile of a floor's raster plan.
    pub fn plan_tile(&self, floor_id: &str, z: u32, x: u32, y: u32) -> Result<Option<Vec<u8>>, CacheError> {
        Ok(self
            .conn
            .query_row(
                "SELECT png FROM plan_tile WHERE floor_id = ?1 AND z = ?2 AND x = ?3 AND y = ?4",
                params![floor_id, z, x, y],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Forgets the plans of floors the event no longer has.
    pub fn drop_plans_except(&mut self, floor_ids: &[String]) -> Result<(), CacheError> {
        let keep = serde_json::to_string(floor_ids).map_err(|e| CacheError::Encode(e.to_string()))?;
        let tx = self.conn.transaction()?;
        for table in ["plan_tile", "floor_plan"] {
            tx.execute(
                &format!("DELETE FROM {table} WHERE floor_id NOT IN (SELECT value FROM json_each(?1))"),
                params![keep],
            )?;
        }
        tx.commit()?;
        Ok(())
    }
}
