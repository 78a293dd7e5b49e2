//! Every participant action (a vote, a checkpoint scan, a check-in, a booth visit, a contact
//! exchange) takes one path: decided on the device by the event's scenario rules, written to
//! the outbox, shown at once, and the sync engine nudged to send it. Elements call [`act`];
//! none has a copy of this sequence.

use super::*;

/// Decides `action` now and, if the rules accept it, writes it to the outbox and wakes the
/// engine. A refusal is returned as the reason in words and nothing is written.
pub(super) fn act(api: &AppApi, action: Action) -> Result<Outcome, ApiError> {
    let element = action.element();
    let outcome = {
        let mut store = api.store()?;
        let event = store.loaded_event()?.ok_or_else(no_event)?;
        let credential = credential_for(&store, &event, element)?;
        if is_venue_screen(api, credential.as_ref()) {
            return Err(ApiError::refused(elements_protocol::signal::Reason::NotAllowed, VENUE_SCREEN));
        }
        let facts = CacheFacts::new(&store);
        // The device's own clock for when each happened: the backend's time of arrival is not
        // kept here, and the two differ only by the time a signal waited to be sent.
        let history: Vec<(Action, chrono::DateTime<chrono::Utc>)> = store
            .outbox(&event.manifest.id)?
            .into_iter()
            .filter(|e| e.decision != Decision::Rejected)
            .map(|e| (e.signal.action, e.signal.created_at.to_utc()))
            .collect();
        let mut state = ParticipantState::replay(&facts, history.iter().map(|(a, at)| (a, *at)));
        // What the backend said of this device's code, if it was redeemed already.
        state.ticketed = credential.and_then(|c| c.ticketed);
        let now = api.clock.now();
        let outcome = facts.checked(scenario::decide(&facts, &mut state, &action, now))?;
        if let Outcome::Rejected { reason, message } = outcome {
            if reason == elements_protocol::signal::Reason::UnknownTarget {
                return Err(ApiError::new(ErrorCode::NotFound, message));
            }
            return Err(ApiError::refused(reason, message));
        }
        let offset = event.manifest.days.first().map(|d| *d.starts_at.offset()).unwrap_or(chrono::Utc.fix());
        store.record_signal(&event.manifest.id, action, now.with_timezone(&offset))?;
        outcome
    };
    if let Some(engine) = api.engine.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
        engine.nudge();
    }
    // Other screens showing this Element (and the count of signals waiting) catch up.
    api.sync_config.changes.tell(Changed::Element(element));
    api.sync_config.changes.tell(Changed::Sync);
    Ok(outcome)
}

pub(super) const VENUE_SCREEN: &str =
    "This device is a venue screen: it shows the results, and people vote, scan and check in on their own phones.";

/// The code this device redeemed at the backend of `element`, and what that backend said of it.
pub(super) fn credential_for(
    store: &crate::cache::Cache,
    event: &crate::cache::LoadedEvent,
    element: ElementKind,
) -> Result<Option<crate::cache::Credential>, ApiError> {
    let Some(source) = event.source.strip_prefix(BACKEND_SOURCE) else { return Ok(None) };
    let base = event
        .manifest
        .elements
        .iter()
        .find(|e| e.kind == element)
        .and_then(|e| e.base_url.clone())
        .unwrap_or_else(|| source.to_string());
    Ok(store.credential(&base)?)
}

/// Whether this device is a venue screen, which may not push signals: by configuration
/// (`--kiosk`), or because the backend (its `credential`) gave it a kiosk token.
pub(super) fn is_venue_screen(api: &AppApi, credential: Option<&crate::cache::Credential>) -> bool {
    api.kiosk || credential.and_then(|c| c.role.as_deref()).is_some_and(|r| r == "kiosk")
}

/// The event's facts for the scenario rules, read from the cache. The rules ask yes/no
/// questions; a cache that fails to answer must not pass for "there is no such poll", so the
/// first read error is kept and [`CacheFacts::checked`] turns it into the result.
struct CacheFacts<'a> {
    cache: &'a Cache,
    failed: std::cell::RefCell<Option<CacheError>>,
}

impl<'a> CacheFacts<'a> {
    fn new(cache: &'a Cache) -> Self {
        CacheFacts { cache, failed: std::cell::RefCell::new(None) }
    }

    fn read<T>(&self, r: Result<T, CacheError>) -> Option<T> {
        r.map_err(|e| {
            self.failed.borrow_mut().get_or_insert(e);
        })
        .ok()
    }

    /// `value`, unless a read failed while it was being worked out.
    fn checked<T>(&self, value: T) -> Result<T, CacheError> {
        match self.failed.borrow_mut().take() {
            Some(e) => Err(e),
            None => Ok(value),
        }
    }
}

impl EventFacts for CacheFacts<'_> {
    fn poll(&self, id: &str) -> Option<Poll> {
        self.read(self.cache.polls())?.into_iter().find(|p| p.id == id)
    }
    fn quest(&self, id: &str) -> Option<Quest> {
        self.read(self.cache.quests())?.into_iter().find(|q| q.id == id)
    }
    fn exists(&self, kind: EntityKind, id: &str) -> bool {
        self.read(self.cache.exists(kind, id)).unwrap_or(false)
    }
    fn qr_key(&self) -> Option<(String, String)> {
        let manifest = self.read(self.cache.loaded_event())??.manifest;
        manifest.qr_public_key.map(|key| (manifest.id, key))
    }
    fn rules(&self) -> std::borrow::Cow<'_, [elements_protocol::scenario::Scenario]> {
        let quests = self.read(self.cache.quests()).unwrap_or_default();
        let scenarios = self.read(self.cache.scenarios()).unwrap_or_default();
        std::borrow::Cow::Owned(elements_domain::rules::event_rules(&quests, &scenarios))
    }
    fn session_track(&self, session_id: &str) -> Option<String> {
        self.read(self.cache.session(session_id))??.track_id
    }
    fn poi_kind(&self, poi_id: &str) -> Option<String> {
        scenario::poi_kind_name(&self.read(self.cache.point_of_interest(poi_id))??.kind)
    }
}
