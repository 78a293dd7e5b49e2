//! The app's API: one plain function per command in [`elements_protocol::app`].
//!
//! The Tauri layer forwards each command here unchanged, so this is also the API that tests,
//! a future CLI or a kiosk runner call directly.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Offset, Utc};
use elements_domain::scenario::{self, EventFacts, ParticipantState};
use elements_protocol::app::{
    AgendaDay, AgendaDayArgs, ApiError, DayTab, ElementNav, ElementSyncView, ErrorCode, EventOverview, EventPhase,
    JoinArgs, MyVote, NowNext, PollOptionView, PollState, PollView, ReadyArgs, RoomTag, SearchArgs, SessionCard,
    SessionDetail, SessionDetailArgs, SignalStatus, SpeakerCard, SyncState, SyncStatus, TrackTag, VoteArgs, VotingView,
};
use elements_protocol::event::{
    ElementEntry, ElementKind, Manifest, Poll, Quest, Session, SessionKind, ELEMENT_VERSION,
};
use elements_protocol::signal::{Action, Outcome};
use elements_protocol::sync::EntityKind;

use crate::bundled;
use crate::cache::{Cache, CacheError, Decision, EventStore, LoadStep};
use crate::paths;
use crate::sync::{self, EngineConfig, SyncEngine, Target};

/// Environment variable that pins the app's clock (RFC 3339), for rehearsals, kiosks and demos
/// of an event that is not running today.
pub const CLOCK_ENV: &str = "ELEMENTS_CLOCK";

#[derive(Debug, Clone, Copy)]
pub enum Clock {
    System,
    Fixed(DateTime<Utc>),
}

impl Clock {
    pub fn from_env() -> Result<Clock, String> {
        match std::env::var(CLOCK_ENV) {
            Ok(v) if !v.trim().is_empty() => Clock::parse(&v).map_err(|e| format!("{CLOCK_ENV}: {e}")),
            _ => Ok(Clock::System),
        }
    }

    /// A clock pinned at `text`, an RFC 3339 time.
    pub fn parse(text: &str) -> Result<Clock, String> {
        DateTime::parse_from_rfc3339(text.trim())
            .map(|t| Clock::Fixed(t.with_timezone(&Utc)))
            .map_err(|e| format!("{text:?} is not an RFC 3339 time like 2027-03-10T10:15:00+01:00 ({e})"))
    }

    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Fixed(t) => *t,
        }
    }
}

pub struct AppApi {
    store: Arc<Mutex<Cache>>,
    notice: Option<String>,
    clock: Clock,
    launched_at: std::time::Instant,
    /// Running while the event comes from a backend; replaced on join.
    engine: Mutex<Option<SyncEngine>>,
    sync_config: EngineConfig,
}

/// Cached events that came from a backend are marked with this source prefix.
const BACKEND_SOURCE: &str = "backend:";

/// How the app came up: for logs and the startup measurement.
#[derive(Debug, Clone)]
pub struct StartReport {
    pub cache_path: std::path::PathBuf,
    pub loaded_bundled_event: bool,
    pub recovered: Option<String>,
}

impl AppApi {
    /// Opens the cache in `data_dir` (rebuilding it if damaged) and makes sure an event is in it:
    /// the bundled demo event on first start, or when a newer app ships a changed demo.
    pub fn start(
        data_dir: &Path,
        clock: Clock,
        progress: &mut dyn FnMut(LoadStep),
    ) -> Result<(AppApi, StartReport), CacheError> {
        let opened = Cache::open(&paths::cache_file(data_dir))?;
        let mut cache = opened.cache;
        let loaded = cache.loaded_event()?;
        let fingerprint = bundled::fingerprint(bundled::DEMO_EVENT_JSON);
        let needs_demo = match &loaded {
            None => true,
            Some(ev) => ev.source == bundled::DEMO_SOURCE && ev.fingerprint != fingerprint,
        };
        if needs_demo {
            let bundle = bundled::demo_event().map_err(|detail| CacheError::DamagedRecord {
                table: "bundled event",
                id: bundled::DEMO_SOURCE.into(),
                detail,
            })?;
            cache.replace_event(&bundle, bundled::DEMO_SOURCE, &fingerprint, progress)?;
        }
        let report = StartReport {
            cache_path: cache.path().to_path_buf(),
            loaded_bundled_event: needs_demo,
            recovered: opened.recovery.as_ref().map(|r| r.message()),
        };
        Ok((
            AppApi {
                store: Arc::new(Mutex::new(cache)),
                notice: report.recovered.clone(),
                clock,
                launched_at: std::time::Instant::now(),
                engine: Mutex::new(None),
                sync_config: EngineConfig::default(),
            },
            report,
        ))
    }

    /// Replaces the sync timing (tests and kiosks use shorter intervals).
    pub fn with_sync_config(mut self, config: EngineConfig) -> Self {
        self.sync_config = config;
        self
    }

    /// Starts syncing in the background if the cached event came from a backend: the app shows
    /// what it has at once and catches up when the network allows.
    pub fn resume_sync(&self) -> Result<(), ApiError> {
        let event = self.store()?.loaded_event()?;
        if let Some(base) = event.as_ref().and_then(|e| e.source.strip_prefix(BACKEND_SOURCE)) {
            let manifest = event.as_ref().map(|e| e.manifest.clone()).ok_or_else(|| {
                ApiError::new(ErrorCode::CacheUnavailable, "the cached event vanished while starting sync")
            })?;
            self.start_engine(&manifest, base);
        }
        Ok(())
    }

    fn start_engine(&self, manifest: &Manifest, base: &str) {
        // A loop for every Element that has a feed, enabled or not yet: each reads the cached
        // manifest every round, so a manifest that changes later switches Elements on and off
        // and moves them between backends without a restart.
        let targets: Vec<Target> = ElementKind::ALL
            .into_iter()
            .filter(|k| k.has_feed())
            .map(|kind| Target { element: kind, base_url: base.to_string(), event_id: manifest.id.clone() })
            .collect();
        let engine = SyncEngine::start(self.store.clone(), targets, self.sync_config.clone());
        engine.watch_manifest(self.store.clone(), base.to_string(), self.sync_config.clone());
        engine.listen_live(self.store.clone(), base.to_string(), self.sync_config.clone());
        let mut slot = self.engine.lock().unwrap_or_else(|p| p.into_inner());
        // Dropping the previous engine stops its threads.
        *slot = Some(engine);
    }

    /// Joins the event served at `args.url`: stores its manifest, pulls every Element once (an
    /// Element whose backend is down is retried in the background), then keeps syncing.
    pub fn join_event(&self, args: JoinArgs) -> Result<EventOverview, ApiError> {
        let (url, code) = parse_join(&args)?;
        // Stop syncing the old event before its data is replaced.
        drop(self.engine.lock().unwrap_or_else(|p| p.into_inner()).take());
        let remote = sync::Remote::new(&url, self.sync_config.timeout)
            .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        let manifest = sync::join(&self.store, &remote).map_err(|e| {
            ApiError::new(
                ErrorCode::Unreachable,
                format!(
                    "could not join the event at {url}: {e}. Check the address and your connection, then try again."
                ),
            )
        })?;
        for element in manifest.elements.iter().filter(|e| syncs(e)) {
            let base = element.base_url.clone().unwrap_or_else(|| url.clone());
            if let Some(code) = &code {
                self.store()?.set_code(&base, code)?;
            }
            // Signals made before joining (or before a restart) go out first.
            let outcome = sync::Remote::new(&base, self.sync_config.timeout).and_then(|r| {
                let r = r.traced(self.sync_config.trace);
                sync::round(&self.store, &r, &manifest.id, element.kind, self.sync_config.page_size)
            });
            if let Err(e) = outcome {
                let _ = self.store()?.record_failure(element.kind, &base, &e.to_string());
            }
        }
        self.start_engine(&manifest, &url);
        self.event_overview()
    }

    /// One round for every Element of a joined event, on this thread: push its outbox, then
    /// pull its feed. Failures are recorded per Element (as the engine would) and do not stop
    /// the others. For runners without a window and for tests.
    pub fn sync_now(&self) -> Result<(), ApiError> {
        let event = self.store()?.loaded_event()?.ok_or_else(no_event)?;
        let Some(base) = event.source.strip_prefix(BACKEND_SOURCE).map(str::to_string) else {
            return Ok(());
        };
        // The manifest first: what it enables now is what this round syncs.
        let manifest_remote = sync::Remote::new(&base, self.sync_config.timeout)
            .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        if let Err(e) = sync::refresh_manifest(&self.store, &manifest_remote) {
            eprintln!("elements: the manifest could not be read again: {e}");
        }
        let event = self.store()?.loaded_event()?.ok_or_else(no_event)?;
        for element in event.manifest.elements.iter().filter(|e| syncs(e)) {
            let url = element.base_url.clone().unwrap_or_else(|| base.clone());
            let outcome = sync::Remote::new(&url, self.sync_config.timeout).and_then(|r| {
                let r = r.traced(self.sync_config.trace);
                sync::round(&self.store, &r, &event.manifest.id, element.kind, self.sync_config.page_size)
            });
            if let Err(e) = outcome {
                self.store()?.record_failure(element.kind, &url, &e.to_string())?;
            }
        }
        Ok(())
    }

    pub fn sync_status(&self) -> Result<SyncStatus, ApiError> {
        let store = self.store()?;
        let event = store.loaded_event()?;
        let Some(backend) = event.as_ref().and_then(|e| e.source.strip_prefix(BACKEND_SOURCE)).map(str::to_string)
        else {
            return Ok(SyncStatus { backend: None, elements: Vec::new(), unknown_elements: Vec::new() });
        };
        let rows = store.sync_status()?;
        // Sync times are wall-clock facts, even when the event's clock is pinned for a rehearsal.
        let now = chrono::Utc::now().timestamp();
        let event_id = event.as_ref().map(|e| e.manifest.id.clone()).unwrap_or_default();
        let waiting = store.waiting_counts(&event_id)?;
        let enabled = event.map(|e| e.manifest.elements).unwrap_or_default();
        let elements = enabled
            .iter()
            .filter(|e| e.kind != ElementKind::Me)
            .map(|e| {
                if e.version > ELEMENT_VERSION {
                    return ElementSyncView {
                        kind: e.kind,
                        state: SyncState::Unsupported,
                        synced: "never".into(),
                        error: Some(format!(
                            "this event uses version {} of {}; this app knows version {ELEMENT_VERSION}: update the app",
                            e.version,
                            e.kind.as_str()
                        )),
                        waiting: 0,
                    };
                }
                let row = rows.iter().find(|r| r.element == e.kind);
                let synced = row.and_then(|r| r.synced_at).map(|t| ago(now - t)).unwrap_or_else(|| "never".into());
                let failing = row.is_some_and(|r| r.failures > 0);
                ElementSyncView {
                    kind: e.kind,
                    state: if failing {
                        SyncState::Retrying
                    } else if row.and_then(|r| r.synced_at).is_some() {
                        SyncState::Synced
                    } else {
                        SyncState::Never
                    },
                    synced,
                    error: row.filter(|_| failing).and_then(|r| r.last_error.clone()),
                    waiting: waiting.get(&e.kind).copied().unwrap_or(0),
                }
            })
            .collect();
        let unknown_elements = store.unknown_elements()?;
        Ok(SyncStatus { backend: Some(backend), elements, unknown_elements })
    }

    /// Sets when the process started, so [`AppApi::report_ready`] measures from launch.
    pub fn launched_at(mut self, at: std::time::Instant) -> Self {
        self.launched_at = at;
        self
    }

    /// Milliseconds from launch until the UI reported `args.screen` showing.
    pub fn report_ready(&self, args: ReadyArgs) -> Result<u64, ApiError> {
        if args.screen.is_empty() || args.screen.len() > 40 {
            return Err(ApiError::new(ErrorCode::InvalidArgument, "screen name must be 1 to 40 characters"));
        }
        Ok(u64::try_from(self.launched_at.elapsed().as_millis()).unwrap_or(u64::MAX))
    }

    fn store(&self) -> Result<MutexGuard<'_, Cache>, ApiError> {
        // A poisoned lock means a panic mid-call; SQLite rolled that transaction back, so the
        // cache itself is consistent and can be used again.
        Ok(self.store.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }

    pub fn event_overview(&self) -> Result<EventOverview, ApiError> {
        let store = self.store()?;
        let manifest = manifest(&*store)?;
        let lookup = Lookup::load(&*store)?;
        let counts: HashMap<u32, u32> = store.session_counts()?.into_iter().collect();
        Ok(EventOverview {
            event_id: manifest.id.clone(),
            name: manifest.name.clone(),
            tagline: manifest.tagline.clone(),
            venue: format!("{}, {}", manifest.venue.name, manifest.venue.city),
            dates_label: elements_domain::format_dates(&manifest.days),
            timezone: manifest.timezone.clone(),
            primary_color: manifest.branding.primary_color.clone(),
            accent_color: manifest.branding.accent_color.clone(),
            elements: manifest
                .elements
                .iter()
                .map(|e| ElementNav {
                    kind: e.kind,
                    title: e.title.clone().unwrap_or_else(|| default_title(e.kind).into()),
                })
                .collect(),
            days: manifest
                .days
                .iter()
                .map(|d| DayTab {
                    index: d.index,
                    label: d.label.clone(),
                    session_count: counts.get(&d.index).copied().unwrap_or(0),
                })
                .collect(),
            // Both in the event's own order, not hash order.
            tracks: lookup.track_order.iter().filter_map(|id| lookup.tracks.get(id).cloned()).collect(),
            rooms: lookup.room_order.iter().filter_map(|id| lookup.rooms.get(id).cloned()).collect(),
            notice: self.notice.clone(),
        })
    }

    pub fn agenda_day(&self, args: AgendaDayArgs) -> Result<AgendaDay, ApiError> {
        let store = self.store()?;
        let manifest = manifest(&*store)?;
        let day = manifest.days.iter().find(|d| d.index == args.day).ok_or_else(|| {
            let known: Vec<String> = manifest.days.iter().map(|d| d.index.to_string()).collect();
            ApiError::new(
                ErrorCode::NotFound,
                format!("day {} is not part of this event (days: {})", args.day, known.join(", ")),
            )
        })?;
        let lookup = Lookup::load(&*store)?;
        let sessions = store.sessions_on_day(args.day)?;
        Ok(AgendaDay {
            day: day.index,
            label: day.label.clone(),
            sessions: sessions.iter().map(|s| lookup.card(s, day.index)).collect(),
        })
    }

    pub fn now_next(&self) -> Result<NowNext, ApiError> {
        let now = self.clock.now();
        let store = self.store()?;
        let manifest = manifest(&*store)?;
        let lookup = Lookup::load(&*store)?;
        // Anything running now started at most a day ago; anything next starts within a day
        // (or is the event's first session, when we are before it).
        let horizon_start = now.timestamp() - 24 * 3600;
        let first_start = manifest.days.iter().map(|d| d.starts_at.timestamp()).min().unwrap_or(0);
        let horizon_end = (now.timestamp() + 24 * 3600).max(first_start + 24 * 3600);
        let candidates = store.sessions_between(horizon_start, horizon_end)?;
        let times: Vec<_> = candidates.iter().map(|s| (s.starts_at, s.ends_at)).collect();
        let (phase, running, mut next) = elements_domain::now_next(&manifest.days, &times, now);
        if phase == elements_domain::Phase::Before {
            // Before the event, "first up" is the opening programme, not only its first slot.
            next = (0..candidates.len()).filter(|&i| candidates[i].kind != SessionKind::Break).take(6).collect();
        } else if !next.is_empty() && next.iter().all(|&i| candidates[i].kind == SessionKind::Break) {
            // A coffee break alone is not much of an answer to "what's next?": add the sessions
            // that start after it.
            let after = candidates[next[0]].starts_at;
            if let Some(t) = candidates.iter().map(|s| s.starts_at).filter(|t| *t > after).min() {
                next.extend((0..candidates.len()).filter(|&i| candidates[i].starts_at == t));
            }
        }
        let card = |i: &usize| {
            let s = &candidates[*i];
            lookup.card(s, elements_domain::day_of(&manifest.days, &s.starts_at).unwrap_or(0))
        };
        let headline = match phase {
            elements_domain::Phase::Before => {
                let days = (first_start - now.timestamp()).max(0) / 86_400;
                match days {
                    0 => "Starts today".to_string(),
                    1 => "Starts tomorrow".to_string(),
                    n => format!("Starts in {n} days"),
                }
            }
            elements_domain::Phase::During => {
                let offset = manifest.days.first().map(|d| d.starts_at.timezone()).unwrap_or(chrono::Utc.fix());
                let local = now.with_timezone(&offset);
                let label = elements_domain::day_of(&manifest.days, &local.fixed_offset())
                    .and_then(|d| manifest.days.iter().find(|x| x.index == d))
                    .map(|d| d.label.clone())
                    .unwrap_or_default();
                format!("{label} · {}", local.format("%H:%M")).trim_start_matches(" · ").to_string()
            }
            elements_domain::Phase::After => "The event has ended. Thanks for coming!".to_string(),
        };
        Ok(NowNext {
            phase: match phase {
                elements_domain::Phase::Before => EventPhase::Before,
                elements_domain::Phase::During => EventPhase::During,
                elements_domain::Phase::After => EventPhase::After,
            },
            headline,
            now: running.iter().map(card).collect(),
            next: next.iter().map(card).collect(),
        })
    }

    pub fn session_detail(&self, args: SessionDetailArgs) -> Result<SessionDetail, ApiError> {
        let store = self.store()?;
        let manifest = manifest(&*store)?;
        let session = store.session(&args.id)?.ok_or_else(|| {
            ApiError::new(ErrorCode::NotFound, format!("there is no session \"{}\" in this event", args.id))
        })?;
        let lookup = Lookup::load(&*store)?;
        let day = elements_domain::day_of(&manifest.days, &session.starts_at).unwrap_or(0);
        let speakers = store.speakers()?;
        let by_id: HashMap<&str, _> = speakers.iter().map(|s| (s.id.as_str(), s)).collect();
        Ok(SessionDetail {
            card: lookup.card(&session, day),
            day_label: manifest.days.iter().find(|d| d.index == day).map(|d| d.label.clone()).unwrap_or_default(),
            summary: session.summary.clone(),
            language: session.language.clone(),
            tags: session.tags.clone(),
            speakers: session
                .speaker_ids
                .iter()
                .filter_map(|id| by_id.get(id.as_str()))
                .map(|s| SpeakerCard {
                    id: s.id.clone(),
                    name: s.name.clone(),
                    affiliation: [s.position.as_deref(), s.organization.as_deref()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(", "),
                    bio: s.bio.clone(),
                })
                .collect(),
        })
    }

    pub fn search_sessions(&self, args: SearchArgs) -> Result<Vec<SessionCard>, ApiError> {
        if args.query.chars().count() > 200 {
            return Err(ApiError::new(ErrorCode::InvalidArgument, "search text is longer than 200 characters"));
        }
        let store = self.store()?;
        let manifest = manifest(&*store)?;
        let lookup = Lookup::load(&*store)?;
        let found = store.search_sessions(&args.query, 50)?;
        Ok(found
            .iter()
            .map(|s| lookup.card(s, elements_domain::day_of(&manifest.days, &s.starts_at).unwrap_or(0)))
            .collect())
    }
}

impl AppApi {
    /// The polls, their last known results, and this person's vote with where it stands.
    pub fn voting(&self) -> Result<VotingView, ApiError> {
        let store = self.store()?;
        let event = store.loaded_event()?.ok_or_else(no_event)?;
        let polls = store.polls()?;
        let results: HashMap<String, _> = store.poll_results()?.into_iter().map(|r| (r.id.clone(), r)).collect();
        // The newest vote per poll that was not refused, else the newest refused one (to explain it).
        let mut mine: HashMap<String, MyVote> = HashMap::new();
        for entry in store.outbox(&event.manifest.id)? {
            let Action::Vote { poll_id, option_id } = &entry.signal.action else { continue };
            let status = match entry.decision {
                Decision::Pending => SignalStatus::Waiting,
                Decision::Accepted => SignalStatus::Accepted,
                Decision::Rejected => SignalStatus::Rejected,
            };
            let keep = mine
                .get(poll_id)
                .is_none_or(|v| v.status == SignalStatus::Rejected || status != SignalStatus::Rejected);
            if keep {
                mine.insert(
                    poll_id.clone(),
                    MyVote { option_id: option_id.clone(), status, message: entry.message.clone() },
                );
            }
        }
        let now = self.clock.now();
        let polls = polls
            .into_iter()
            .map(|p| {
                let result = results.get(&p.id);
                let total = result.map(|r| r.total).unwrap_or(0);
                let state = if now < p.opens_at {
                    PollState::Upcoming
                } else if now < p.closes_at {
                    PollState::Open
                } else {
                    PollState::Closed
                };
                let when = match state {
                    PollState::Upcoming => format!("Opens {}", p.opens_at.format("%a %-d %b, %H:%M")),
                    PollState::Open => format!("Open until {}", p.closes_at.format("%H:%M")),
                    PollState::Closed => format!("Closed {}", p.closes_at.format("%a %-d %b, %H:%M")),
                };
                let session_title =
                    p.session_id.as_ref().and_then(|id| store.session(id).ok().flatten()).map(|s| s.title);
                PollView {
                    options: p
                        .options
                        .iter()
                        .map(|o| {
                            let votes = result
                                .and_then(|r| r.counts.iter().find(|c| c.option_id == o.id))
                                .map(|c| c.votes)
                                .unwrap_or(0);
                            let percent = (votes * 100 + total / 2).checked_div(total).unwrap_or(0) as u32;
                            PollOptionView { id: o.id.clone(), label: o.label.clone(), votes, percent }
                        })
                        .collect(),
                    my_vote: mine.remove(&p.id),
                    requires_ticket: p.requires_ticket,
                    id: p.id,
                    question: p.question,
                    when,
                    state,
                    session_title,
                    total,
                }
            })
            .collect();
        let can_vote = !is_venue_screen(&store, &event)?;
        let offline_reason = match event.source.strip_prefix(BACKEND_SOURCE) {
            _ if !can_vote => Some(VENUE_SCREEN.to_string()),
            None => Some("This is the bundled demo event: votes are kept on this device only.".to_string()),
            Some(base) => match store.credential(base)? {
                None => Some("Join with your ticket or the event's join code to send votes.".to_string()),
                Some(_) => None,
            },
        };
        let ticketed = voting_credential(&store, &event)?.and_then(|c| c.ticketed);
        Ok(VotingView { polls, offline_reason, can_vote, ticketed })
    }

    /// Reads the QR code in a photo; the UI passes a join code's text on to `join_event`.
    pub fn scan_code(
        &self,
        args: elements_protocol::app::ScanArgs,
    ) -> Result<elements_protocol::app::ScannedCode, ApiError> {
        crate::scan::scan(&args.image)
    }

    /// Decides the vote on the device (the event's own rules), writes it to the outbox and wakes
    /// the sync engine. A vote the rules refuse is not written; the person is told why.
    pub fn cast_vote(&self, args: VoteArgs) -> Result<VotingView, ApiError> {
        {
            let mut store = self.store()?;
            let event = store.loaded_event()?.ok_or_else(no_event)?;
            if is_venue_screen(&store, &event)? {
                return Err(ApiError::new(ErrorCode::Refused, VENUE_SCREEN));
            }
            let action = Action::Vote { poll_id: args.poll_id.clone(), option_id: args.option_id.clone() };
            let facts = CacheFacts::new(&store);
            let history: Vec<Action> = store
                .outbox(&event.manifest.id)?
                .into_iter()
                .filter(|e| e.decision != Decision::Rejected)
                .map(|e| e.signal.action)
                .collect();
            let mut state = ParticipantState::replay(&facts, &history);
            // What the voting backend said of this device's code, if it was redeemed already.
            state.ticketed = voting_credential(&store, &event)?.and_then(|c| c.ticketed);
            let now = self.clock.now();
            let outcome = facts.checked(scenario::decide(&facts, &mut state, &action, now))?;
            if let Outcome::Rejected { reason, message } = outcome {
                let code = if reason == elements_protocol::signal::Reason::UnknownTarget {
                    ErrorCode::NotFound
                } else {
                    ErrorCode::Refused
                };
                return Err(ApiError::new(code, message));
            }
            let offset = event.manifest.days.first().map(|d| *d.starts_at.offset()).unwrap_or(chrono::Utc.fix());
            store.record_signal(&event.manifest.id, action, now.with_timezone(&offset))?;
        }
        if let Some(engine) = self.engine.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            engine.nudge();
        }
        self.voting()
    }
}

/// The event's facts as the cache holds them, for running the scenario rules on the device.
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
}

fn no_event() -> ApiError {
    ApiError::new(ErrorCode::CacheUnavailable, "no event is loaded yet; restart the app to load the bundled demo event")
}

/// The backend URL and code of a join request: a plain URL, or the join QR's
/// `elements://join?url=…&code=…` link.
pub fn parse_join(args: &JoinArgs) -> Result<(String, Option<String>), ApiError> {
    use elements_protocol::link::{Link, LinkError};
    let text = args.url.trim();
    let mut code = args.code.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(str::to_string);
    let url = match Link::parse(text) {
        Ok(Link::Join { url, code: in_link }) => {
            code = code.or(in_link);
            url
        }
        Ok(Link::Checkpoint { .. }) => {
            return Err(ApiError::new(
                ErrorCode::InvalidArgument,
                "this is a quest checkpoint's code, not an event's join code: scan it on the Quests screen",
            ))
        }
        Err(LinkError::NotALink) => text.to_string(),
        Err(e) => return Err(ApiError::new(ErrorCode::InvalidArgument, e.to_string())),
    };
    let url = url.trim().trim_end_matches('/').to_string();
    if !(url.starts_with("http://") || url.starts_with("https://")) || url.len() > 2000 {
        return Err(ApiError::new(
            ErrorCode::InvalidArgument,
            format!("\"{url}\" is not an event address; it should start with https:// (or http:// on a local network)"),
        ));
    }
    if code.as_ref().is_some_and(|c| c.chars().count() > 200) {
        return Err(ApiError::new(ErrorCode::InvalidArgument, "the code is longer than 200 characters"));
    }
    Ok((url, code))
}

const VENUE_SCREEN: &str = "This device is a venue screen: it shows the results, and people vote on their own phones.";

/// The code and what its backend said of it, for the backend that counts votes.
fn voting_credential(
    store: &crate::cache::Cache,
    event: &crate::cache::LoadedEvent,
) -> Result<Option<crate::cache::Credential>, ApiError> {
    let Some(source) = event.source.strip_prefix(BACKEND_SOURCE) else { return Ok(None) };
    let base = event
        .manifest
        .elements
        .iter()
        .find(|e| e.kind == ElementKind::Voting)
        .and_then(|e| e.base_url.clone())
        .unwrap_or_else(|| source.to_string());
    Ok(store.credential(&base)?)
}

/// Whether the voting backend gave this device a kiosk token (a venue screen, which may not push).
fn is_venue_screen(store: &crate::cache::Cache, event: &crate::cache::LoadedEvent) -> Result<bool, ApiError> {
    Ok(voting_credential(store, event)?.and_then(|c| c.role).is_some_and(|r| r == "kiosk"))
}

/// Whether the app syncs this Element: it has a feed (not `me`) in a version this app knows.
fn syncs(e: &ElementEntry) -> bool {
    e.kind != ElementKind::Me && e.version <= ELEMENT_VERSION
}

/// "just now", "4 min ago", "2 h ago", "3 days ago".
fn ago(seconds: i64) -> String {
    match seconds.max(0) {
        0..=59 => "just now".into(),
        s @ 60..=3599 => format!("{} min ago", s / 60),
        s @ 3600..=86_399 => format!("{} h ago", s / 3600),
        s => format!("{} days ago", s / 86_400),
    }
}

fn default_title(kind: ElementKind) -> &'static str {
    match kind {
        ElementKind::Agenda => "Agenda",
        ElementKind::Map => "Map",
        ElementKind::Voting => "Voting",
        ElementKind::Quests => "Quests",
        ElementKind::People => "People",
        ElementKind::Me => "Me",
    }
}

impl From<CacheError> for ApiError {
    fn from(e: CacheError) -> ApiError {
        ApiError::new(ErrorCode::CacheUnavailable, e.to_string())
    }
}

fn manifest(store: &dyn EventStore) -> Result<Manifest, ApiError> {
    store.loaded_event()?.map(|e| e.manifest).ok_or_else(|| {
        ApiError::new(
            ErrorCode::CacheUnavailable,
            "no event is loaded yet; restart the app to load the bundled demo event",
        )
    })
}

/// Rooms, tracks and speaker names, for turning sessions into cards.
struct Lookup {
    rooms: HashMap<String, RoomTag>,
    room_order: Vec<String>,
    tracks: HashMap<String, TrackTag>,
    track_order: Vec<String>,
    speaker_names: HashMap<String, String>,
}

impl Lookup {
    fn load(store: &dyn EventStore) -> Result<Lookup, ApiError> {
        let floors: HashMap<String, String> = store.floors()?.into_iter().map(|f| (f.id, f.name)).collect();
        let rooms = store.rooms()?;
        let tracks = store.tracks()?;
        Ok(Lookup {
            room_order: rooms.iter().map(|r| r.id.clone()).collect(),
            rooms: rooms
                .into_iter()
                .map(|r| {
                    let floor = r.floor_id.as_ref().and_then(|f| floors.get(f)).cloned().unwrap_or_default();
                    (r.id.clone(), RoomTag { id: r.id, name: r.name, floor })
                })
                .collect(),
            track_order: tracks.iter().map(|t| t.id.clone()).collect(),
            tracks: tracks
                .into_iter()
                .map(|t| (t.id.clone(), TrackTag { id: t.id, name: t.name, color: t.color }))
                .collect(),
            speaker_names: store.speakers()?.into_iter().map(|s| (s.id, s.name)).collect(),
        })
    }

    fn card(&self, s: &Session, day: u32) -> SessionCard {
        SessionCard {
            id: s.id.clone(),
            title: s.title.clone(),
            kind: s.kind,
            day,
            starts: elements_domain::format_hhmm(&s.starts_at),
            ends: elements_domain::format_hhmm(&s.ends_at),
            duration_minutes: u32::try_from((s.ends_at - s.starts_at).num_minutes()).unwrap_or(0),
            room: s.room_id.as_ref().map(|room| {
                self.rooms.get(room).cloned().unwrap_or_else(|| RoomTag {
                    id: room.clone(),
                    name: room.clone(),
                    floor: String::new(),
                })
            }),
            track: s.track_id.as_ref().and_then(|t| self.tracks.get(t).cloned()),
            speakers: s
                .speaker_ids
                .iter()
                .filter_map(|id| self.speaker_names.get(id).cloned())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}
