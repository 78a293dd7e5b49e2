//! The live stream (server-sent events), what each listener may hear on it, and the organizer's
//! live picture computed at most every [`LIVE_PICTURE_EVERY`] while signals arrive.

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use elements_protocol::stream::LiveEvent;
use elements_protocol::sync::{Entity, PROTOCOL_VERSION};
use tokio::sync::broadcast;

use super::auth::{Authed, LiveListeners};
use super::{AppState, Config};
use crate::store::Store;

/// What the live stream carries: an entity, for everyone who may listen or for some
/// participants only (an announcement to one room).
#[derive(Clone)]
pub(super) struct LiveItem {
    pub(super) entity: Entity,
    pub(super) only: Option<Arc<std::collections::HashSet<String>>>,
}

impl LiveItem {
    pub(super) fn all(entity: Entity) -> LiveItem {
        LiveItem { entity, only: None }
    }
}

/// How often, at most, the organizer's live picture is computed again (when signals arrived).
pub const LIVE_PICTURE_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

/// How often, at most, the venue screens' figures are counted again (when signals arrived):
/// they count every signal, and a screen's loop shows them for seconds a minute.
pub const SCREEN_FIGURES_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// Computes the live picture again at most every [`LIVE_PICTURE_EVERY`] while signals arrive,
/// and sends it to staff listeners: the dashboards update live without every signal paying
/// for the counting. Runs on the runtime the router is built on (none: nothing to keep).
pub(super) fn keep_the_live_picture(
    store: Arc<dyn Store>,
    live: broadcast::Sender<LiveItem>,
    stale: Arc<std::sync::atomic::AtomicBool>,
    config: Config,
) {
    use std::sync::atomic::Ordering;
    let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
    runtime.spawn(async move {
        let mut every = tokio::time::interval(LIVE_PICTURE_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // The screens' figures count every signal again: once a minute at most, and the first
        // time at once (a screen that starts shows figures without waiting for a signal).
        let mut figures_due = Some(tokio::time::Instant::now());
        loop {
            every.tick().await;
            let signals_arrived = stale.swap(false, Ordering::AcqRel);
            if signals_arrived && figures_due.is_none() {
                figures_due = Some(tokio::time::Instant::now() + SCREEN_FIGURES_EVERY);
            }
            let figures_now = figures_due.is_some_and(|due| due <= tokio::time::Instant::now());
            if !(signals_arrived || figures_now) || store.manifest().ok().flatten().is_none() {
                continue;
            }
            let store = store.clone();
            let now = config.clock.unwrap_or_else(Utc::now);
            let answer = tokio::task::spawn_blocking(move || {
                let picture = if signals_arrived { store.publish_live_picture(now)? } else { None };
                let figures = if figures_now { store.publish_screen_figures(now)? } else { None };
                Ok::<_, crate::store::StoreError>((picture, figures))
            })
            .await;
            if figures_now {
                figures_due = None;
            }
            match answer {
                Ok(Ok((picture, figures))) => {
                    for entity in picture.into_iter().chain(figures) {
                        let _ = live.send(LiveItem::all(entity));
                    }
                }
                Ok(Err(e)) => tracing::error!(error = %e, "the live picture could not be computed"),
                Err(e) => tracing::error!(error = %e, "the live picture's task failed"),
            }
        }
    });
}

/// Passes what other instances of a cluster decided to this one's live listeners (and marks the
/// live picture due when signals arrived there). Nothing to do for a store of one process.
pub(super) fn hear_other_instances(
    store: &dyn Store,
    live: broadcast::Sender<LiveItem>,
    stale: Arc<std::sync::atomic::AtomicBool>,
) {
    let Some(mut news) = store.news() else { return };
    let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
    runtime.spawn(async move {
        loop {
            match news.recv().await {
                Ok(n) => {
                    if n.signals_arrived {
                        stale.store(true, std::sync::atomic::Ordering::Release);
                    }
                    for entity in n.live {
                        let _ = live.send(LiveItem::all(entity));
                    }
                    for (entity, whom) in n.targeted {
                        let _ = live.send(LiveItem { entity, only: Some(Arc::new(whom.into_iter().collect())) });
                    }
                }
                // Listeners that missed live state resync from the feeds; tell them all.
                Err(broadcast::error::RecvError::Lagged(_)) => stale.store(true, std::sync::atomic::Ordering::Release),
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    });
}

/// Server-sent events: `poll_result`, `leaderboard` and `announcement`, each carrying the
/// entity as JSON (the same shape as in the feeds); `resync` when this listener fell behind.
/// How long a live listener is told to wait before reconnecting when the server restarts.
pub const RECONNECT_AFTER_RESTART: std::time::Duration = std::time::Duration::from_secs(5);

pub(super) async fn live_stream(
    State(state): State<AppState>,
    Authed { caller, .. }: Authed<LiveListeners>,
    draining: Option<axum::Extension<crate::server::Draining>>,
) -> Response {
    let (role, me) = (caller.role, caller.participant_id);
    let rx = state.live.subscribe();
    let sse = |e: LiveEvent| Event::default().event(e.name()).data(e.data());
    // Sent first, so a client knows the stream is up (and can stop polling as eagerly).
    let hello = sse(LiveEvent::Hello { protocol_version: PROTOCOL_VERSION });
    let me: Arc<str> = Arc::from(me);
    // Until the server drains: then a last word with a retry hint, and the stream ends (instead
    // of being cut mid-event when the process exits).
    let draining = draining.map(|axum::Extension(d)| d);
    // Counted while the stream lives (dropped with it when the listener goes).
    let listening = Arc::new(super::ops::Listening::start());
    let stream =
        futures_util::stream::unfold((Some(hello), rx, draining, false), move |(first, mut rx, draining, done)| {
            let me = me.clone();
            // The closure owns the listener's count: it ends when the stream is dropped.
            let _counted = &listening;
            async move {
                if done {
                    return None;
                }
                if let Some(hello) = first {
                    return Some((Ok::<_, Infallible>(hello), (None, rx, draining, false)));
                }
                let until_drained = {
                    let d = draining.clone();
                    async move {
                        match d {
                            Some(d) => d.started().await,
                            None => std::future::pending().await,
                        }
                    }
                };
                tokio::pin!(until_drained);
                // What is for staff (the live picture) reaches staff listeners only, and what is for
                // some participants (an announcement to one room) reaches them only.
                let event = loop {
                    tokio::select! {
                        received = rx.recv() => match received {
                            Ok(item) if !role.reads(item.entity.kind()) => continue,
                            Ok(LiveItem { only: Some(whom), .. }) if !whom.contains(&*me) => continue,
                            Ok(item) => break sse(LiveEvent::Changed(item.entity)),
                            Err(broadcast::error::RecvError::Lagged(_)) => break sse(LiveEvent::Resync),
                            Err(broadcast::error::RecvError::Closed) => return None,
                        },
                        () = &mut until_drained => {
                            let bye = Event::default()
                                .retry(RECONNECT_AFTER_RESTART)
                                .comment("the server is restarting: reconnect and resync");
                            return Some((Ok(bye), (None, rx, draining, true)));
                        }
                    }
                };
                Some((Ok(event), (None, rx, draining, false)))
            }
        });
    Sse::new(stream).keep_alive(KeepAlive::default()).into_response()
}
