//! The sync engine: pulls each Element's changes feed from its backend into the cache.
//!
//! * One loop per Element, isolated: its own cursor, backoff with jitter and circuit breaker, so
//!   a dead backend never stalls the others ([`SyncEngine`]).
//! * A page and its cursor are stored in one transaction ([`Cache::apply_page`]).
//! * "Start over" (410) drops the Element's data and pulls from scratch, once per attempt.
//! * The cache lock is held only while applying a page, never across the network.
//! * Before pulling, each loop pushes its Element's outbox in batches ([`push`]); the answers
//!   are stored in one transaction, and decided signals are never sent again.
//! * A 401 drops the token and redeems the stored code again, once per request ([`authed`]).
//! * The live stream applies poll results, leaderboards and announcements as they happen; the
//!   feeds carry the same state, so losing the stream loses nothing.
//!
//! `remote.rs` speaks HTTP, `pull.rs` and `push.rs` move feeds and signals, `media.rs` fetches
//! photos and floor plans, `engine.rs` runs the loops, `live.rs` listens.

use std::io::BufRead;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use elements_protocol::auth::{RedeemRequest, RedeemResponse};
use elements_protocol::event::{ElementKind, Manifest};
use elements_protocol::signal::{
    Outcome, Reason, SignalBatch, SignalResult, SignalResults, MAX_BATCH, MAX_BATCH_BYTES,
};
use elements_protocol::stream::LiveEvent;
use elements_protocol::sync::stored::StoredPage;
use elements_protocol::sync::{ManifestResponse, WireError, WireErrorCode, PROTOCOL_VERSION};

use crate::cache::{Cache, CacheError};
use crate::changes::{Changed, Changes};

mod engine;
mod live;
mod media;
mod pull;
mod push;
mod remote;

pub use engine::*;
use live::*;
pub use media::*;
pub use pull::*;
pub use push::*;
pub use remote::*;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("cannot reach {url}: {detail}")]
    Unreachable { url: String, detail: String },
    #[error("{url} answered {status}{}: {message}", code.map(|c| format!(" ({c:?})")).unwrap_or_default())]
    Rejected { url: String, status: u16, code: Option<WireErrorCode>, message: String },
    #[error("{url} sent something that is not Element protocol v{PROTOCOL_VERSION}: {detail}")]
    Garbled { url: String, detail: String },
    #[error(transparent)]
    Cache(#[from] CacheError),
}

impl SyncError {
    /// Worth retrying later (network trouble, 5xx), as opposed to a request the backend refuses.
    pub fn is_transient(&self) -> bool {
        match self {
            SyncError::Unreachable { .. } | SyncError::Garbled { .. } => true,
            SyncError::Rejected { status, .. } => *status >= 500 || *status == 429,
            SyncError::Cache(_) => false,
        }
    }

    fn is_unauthorized(&self) -> bool {
        matches!(self, SyncError::Rejected { status: 401, .. })
    }
}

fn lock(cache: &Mutex<Cache>) -> std::sync::MutexGuard<'_, Cache> {
    // A panic while applying rolled its transaction back; the cache is consistent.
    cache.lock().unwrap_or_else(|p| p.into_inner())
}

/// One round for one Element: push its outbox, then pull its feed. The pull happens even when
/// the push failed (a backend that refuses this device's code still serves its public feed);
/// the first error is returned.
///
/// `changes` hears of the Element when the round stored anything (a decision on one of this
/// device's signals, a changed page), and of sync whenever the round moved something.
pub fn round(
    cache: &Mutex<Cache>,
    remote: &Remote,
    event_id: &str,
    element: ElementKind,
    page_size: u32,
    changes: &Changes,
) -> Result<PullReport, SyncError> {
    let pushed = push(cache, remote, event_id, element);
    let mut pulled = pull(cache, remote, element, page_size);
    if element == ElementKind::Map {
        // Floors arrive in the map feed; their plans are fetched beside it, once per revision.
        match (&mut pulled, fetch_plans(cache, remote)) {
            (Ok(report), Ok(plans)) => {
                report.changes += plans.stored;
                for problem in &plans.unusable {
                    // The organizer's file, not the network: said once per revision, not retried.
                    eprintln!("elements: {problem}");
                }
            }
            (Ok(_), Err(e)) => pulled = Err(e),
            (Err(_), _) => {}
        }
    }
    if element == ElementKind::People {
        // Photos travel apart from the feed, each fetched once per revision.
        match (&mut pulled, fetch_photos(cache, remote)) {
            (Ok(report), Ok(n)) => report.changes += n,
            (Ok(_), Err(e)) => pulled = Err(e),
            (Err(_), _) => {}
        }
    }
    let decided = pushed.as_ref().map_or(0, |p| p.decided);
    let stored = pulled.as_ref().is_ok_and(|p| p.changes > 0 || p.started_over);
    if decided > 0 || stored {
        changes.tell(Changed::Element(element));
        changes.tell(Changed::Sync);
    }
    pushed.and(pulled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_the_breaker_opens_then_resets() {
        let mut b = Backoff::new(Duration::from_millis(100), Duration::from_secs(10), 5, Duration::from_secs(300), 42);
        let mut ceilings = Vec::new();
        for n in 1..5u32 {
            let d = b.on_failure();
            let ceiling = Duration::from_millis(100) * (1 << n);
            assert!(d <= ceiling, "attempt {n}: {d:?} within {ceiling:?}");
            ceilings.push(d);
        }
        assert!(!b.is_open());
        assert_eq!(b.on_failure(), Duration::from_secs(300), "fifth failure opens the breaker");
        assert!(b.is_open());
        b.on_success();
        assert_eq!(b.failures(), 0);
        assert!(b.on_failure() <= Duration::from_millis(200));
        // Two devices with different seeds do not retry in lockstep.
        let mut x = Backoff::new(Duration::from_secs(1), Duration::from_secs(60), 99, Duration::ZERO, 1);
        let mut y = Backoff::new(Duration::from_secs(1), Duration::from_secs(60), 99, Duration::ZERO, 2);
        let xs: Vec<_> = (0..6).map(|_| x.on_failure()).collect();
        let ys: Vec<_> = (0..6).map(|_| y.on_failure()).collect();
        assert_ne!(xs, ys);
    }
}
