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
        let mut state = participant_state(&store, &facts, &event.manifest.id)?;
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
        let effects = match &outcome {
            Outcome::Accepted { effects } => Some(effects.as_slice()),
            _ => None,
        };
        store.record_decided_signal(&event.manifest.id, action, venue_time(&event, now), effects)?;
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

/// The participant as this device knows them: its own signals that the backend accepted or has
/// not decided yet, with the effects recorded for each (the backend's once decided).
pub(super) fn participant_state(
    store: &Cache,
    facts: &dyn EventFacts,
    event_id: &str,
) -> Result<ParticipantState, ApiError> {
    let outbox = store.outbox(event_id)?;
    // The device's own clock for when each happened: the backend's time of arrival is not
    // kept here, and the two differ only by the time a signal waited to be sent.
    let history: Vec<(chrono::DateTime<chrono::Utc>, &crate::cache::OutboxEntry)> =
        outbox.iter().filter(|e| e.decision != Decision::Rejected).map(|e| (e.signal.created_at.to_utc(), e)).collect();
    Ok(ParticipantState::restore(
        facts,
        history.iter().map(|(at, e)| scenario::Decided {
            action: &e.signal.action,
            at: *at,
            effects: e.effects.as_deref(),
        }),
    ))
}

/// `now` in the event's own offset, as signals are stamped.
fn venue_time(
    event: &crate::cache::LoadedEvent,
    now: chrono::DateTime<chrono::Utc>,
) -> chrono::DateTime<chrono::FixedOffset> {
    now.with_timezone(&offset_of(event))
}

/// Fires the event's time triggers that are due for this participant (a session they attended
/// ended, a poll opened): recorded as one [`Action::TimePassed`] signal with what it did, so a
/// restart fires nothing again and the backend, told, fires each once per participant.
/// Returns when to call again (`None`: nothing left to wait for). A venue screen fires nothing.
pub(super) fn tick_scenarios(api: &AppApi) -> Result<Option<chrono::DateTime<chrono::Utc>>, ApiError> {
    let now = api.clock.now();
    let (fired, next) = {
        let mut store = api.store()?;
        let Some(event) = store.loaded_event()? else { return Ok(None) };
        let credential = credential_for(&store, &event, ElementKind::Quests)?;
        // Time triggers are decided by the quests Element's backend: an event without it would
        // hold the signal in the outbox for ever.
        let has_quests = event.manifest.elements.iter().any(|e| e.kind == ElementKind::Quests);
        if is_venue_screen(api, credential.as_ref()) || !has_quests {
            return Ok(None);
        }
        let facts = CacheFacts::new(&store);
        let state = participant_state(&store, &facts, &event.manifest.id)?;
        let due = facts.checked(scenario::tick_due(&facts, &state, now))?;
        let next = facts.checked(scenario::next_due(&facts, &state, now))?;
        drop(facts);
        let fired = match due {
            Some((action, effects)) => {
                store.record_decided_signal(&event.manifest.id, action, venue_time(&event, now), Some(&effects))?;
                true
            }
            None => false,
        };
        (fired, next)
    };
    if fired {
        if let Some(engine) = api.engine.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            engine.nudge();
        }
        api.sync_config.changes.tell(Changed::Element(ElementKind::Quests));
        api.sync_config.changes.tell(Changed::Sync);
    }
    Ok(next)
}

/// Whether this device may act for the participant (not a venue screen), and why what it does
/// stays on it if it does (a venue screen, the bundled demo, no code redeemed yet).
pub(super) fn can_act(
    api: &AppApi,
    event: &crate::cache::LoadedEvent,
    credential: Option<&crate::cache::Credential>,
) -> (bool, Option<OfflineReason>) {
    let can = !is_venue_screen(api, credential);
    let reason = if !can {
        Some(OfflineReason::VenueScreen)
    } else if !event.source.starts_with(BACKEND_SOURCE) {
        Some(OfflineReason::DemoEvent)
    } else if credential.is_none() {
        Some(OfflineReason::NoCode)
    } else {
        None
    };
    (can, reason)
}

pub(super) const VENUE_SCREEN: &str =
    "This device is a venue screen: it shows the results, and people vote, scan and check in on their own phones.";

/// The code this device redeemed at the backend of `element`, and what that backend said of it.
pub(super) fn credential_for(
    store: &crate::cache::Cache,
    event: &crate::cache::LoadedEvent,
    element: ElementKind,
) -> Result<Option<crate::cache::Credential>, ApiError> {
    let Some(base) = base_for(event, element) else { return Ok(None) };
    Ok(store.credential(&base)?)
}

/// The backend serving `element` of an event joined from a backend (none for a bundled event).
pub(super) fn base_for(event: &crate::cache::LoadedEvent, element: ElementKind) -> Option<String> {
    let source = event.source.strip_prefix(BACKEND_SOURCE)?;
    Some(
        event
            .manifest
            .elements
            .iter()
            .find(|e| e.kind == element)
            .and_then(|e| e.base_url.clone())
            .unwrap_or_else(|| source.to_string()),
    )
}

/// Whether this device is a venue screen, which may not push signals: by configuration
/// (`--kiosk`), or because the backend (its `credential`) gave it a kiosk token.
pub(super) fn is_venue_screen(api: &AppApi, credential: Option<&crate::cache::Credential>) -> bool {
    api.kiosk || credential.and_then(|c| c.role.as_deref()).is_some_and(|r| r == "kiosk")
}

/// The event's facts for the scenario rules, read from the cache. The rules ask yes/no
/// questions; a cache that fails to answer must not pass for "there is no such poll", so the
/// first read error is kept and [`CacheFacts::checked`] turns it into the result.
pub(super) struct CacheFacts<'a> {
    cache: &'a Cache,
    failed: std::cell::RefCell<Option<CacheError>>,
}

impl<'a> CacheFacts<'a> {
    pub(super) fn new(cache: &'a Cache) -> Self {
        CacheFacts { cache, failed: std::cell::RefCell::new(None) }
    }

    fn read<T>(&self, r: Result<T, CacheError>) -> Option<T> {
        r.map_err(|e| {
            self.failed.borrow_mut().get_or_insert(e);
        })
        .ok()
    }

    /// `value`, unless a read failed while it was being worked out.
    pub(super) fn checked<T>(&self, value: T) -> Result<T, CacheError> {
        match self.failed.borrow_mut().take() {
            Some(e) => Err(e),
            None => Ok(value),
        }
    }
}

impl EventFacts for CacheFacts<'_> {
    fn poll(&self, id: &str) -> Option<Poll> {
        if let Some(p) = self.read(self.cache.polls_with_drafts())?.into_iter().find(|p| p.id == id) {
            return Some(p);
        }
        // A poll this desk made and the voting feed has not brought yet (offline, or just
        // accepted): its own put_poll says what it is, so it can be opened at once.
        let event = self.read(self.cache.loaded_event())??;
        self.read(self.cache.outbox(&event.manifest.id))?
            .into_iter()
            .rev()
            .filter(|e| e.decision != crate::cache::Decision::Rejected)
            .find_map(|e| match e.signal.action {
                elements_protocol::signal::Action::PutPoll { poll } if poll.id == id => Some(poll),
                _ => None,
            })
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
    fn tickets_signed(&self) -> bool {
        self.read(self.cache.loaded_event()).flatten().is_some_and(|e| e.manifest.signed_tickets)
    }
    fn rules(&self) -> std::borrow::Cow<'_, elements_domain::rules::Rules> {
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
    fn session_end(&self, session_id: &str) -> Option<chrono::DateTime<chrono::Utc>> {
        Some(self.read(self.cache.session(session_id))??.ends_at.to_utc())
    }
    fn poll_openings(&self) -> Vec<(String, chrono::DateTime<chrono::Utc>)> {
        let polls = self.read(self.cache.polls()).unwrap_or_default();
        polls.into_iter().map(|p| (p.id, p.opens_at.to_utc())).collect()
    }
    fn admitted(
        &self,
        gate: &elements_protocol::staff::Gate,
        holder: &str,
    ) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        let found = self.read(self.cache.admission(&gate.key(), holder))??;
        found.scans.first().map(|s| s.at)
    }
    fn poll_answered(&self, poll_id: &str) -> Option<bool> {
        // The published result says how many answered; without one, the backend will say.
        self.read(self.cache.poll_results())?.into_iter().find(|r| r.id == poll_id).map(|r| r.total > 0)
    }
    fn reward_code(&self, code: &str) -> Option<Option<elements_protocol::staff::RewardCode>> {
        // A desk that never pulled the staff feed cannot tell a made-up code from a new one.
        if !self.read(self.cache.has_staff_feed())? {
            return None;
        }
        self.read(self.cache.reward_code(code))
    }
}
