//! Files the feeds name by revision: people's photos and the map's floor plans, fetched once per
//! revision after the feed.

use super::*;

/// Fetches the photos the people feed names that this device lacks (at most 200 a round; the
/// rest next round), with this device's token. Answers how many it stored.
pub fn fetch_photos(cache: &Mutex<Cache>, remote: &Remote) -> Result<usize, SyncError> {
    let wanted = lock(cache).photos_wanted(200)?;
    let mut stored = 0;
    for (profile_id, rev) in wanted {
        let photo = authed(cache, remote, |token| remote.person_photo(&profile_id, token))?;
        lock(cache).store_photo(&profile_id, &rev, photo.as_deref())?;
        stored += 1;
    }
    Ok(stored)
}

/// What [`fetch_plans`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PlansFetched {
    /// Plans stored (new floors, new revisions).
    pub stored: usize,
    /// Plans the backend serves that cannot be drawn, each naming its floor and why. The floor
    /// keeps its last good plan; that revision is not fetched again.
    pub unusable: Vec<String>,
}

/// Downloads and stores the plan of every floor whose published revision the cache does not
/// have (a raster plan is cut into tiles here, once, before the cache is locked). A network
/// failure is an error (the next round retries); a plan that is not an SVG, PNG or JPEG is
/// reported, remembered and not fetched again until its revision changes.
pub fn fetch_plans(cache: &Mutex<Cache>, remote: &Remote) -> Result<PlansFetched, SyncError> {
    let (floors, stored) = {
        let store = lock(cache);
        (store.floors()?, store.stored_plans()?)
    };
    let mut report = PlansFetched::default();
    for floor in &floors {
        let Some(rev) = &floor.plan_rev else { continue };
        if stored.iter().any(|p| p.floor_id == floor.id && &p.rev == rev) {
            continue;
        }
        let refused_key = format!("plan.unusable.{}", floor.id);
        if lock(cache).preference(&refused_key)?.as_deref() == Some(rev.as_str()) {
            continue;
        }
        let bytes = remote.floor_plan(&floor.id)?;
        match crate::plans::prepare(&bytes) {
            Ok(plan) => {
                lock(cache).store_prepared_plan(&floor.id, rev, &plan)?;
                report.stored += 1;
            }
            Err(e) => {
                lock(cache).set_preference(&refused_key, Some(rev))?;
                report.unusable.push(format!("the plan of floor \"{}\" from {}: {e}", floor.id, remote.base()));
            }
        }
    }
    // Plans of floors the event no longer has go (a write only when there are such).
    let ids: Vec<String> = floors.iter().map(|f| f.id.clone()).collect();
    if !floors.is_empty() && stored.iter().any(|p| !ids.contains(&p.floor_id)) {
        lock(cache).drop_plans_except(&ids)?;
    }
    Ok(report)
}
