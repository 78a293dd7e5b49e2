//! The app's API: one plain function per command in [`elements_protocol::app`].
//!
//! The Tauri layer forwards each command here unchanged, so this is also the API that tests,
//! a future CLI or a kiosk runner call directly. [`AppApi`] is a facade, one line per command,
//! over one module per Element: [`agenda`], [`voting`], and [`me`] (the event this device
//! follows, its sync, scanning a code); every participant action takes the one path in
//! [`signals`]. Start-up, the clock and errors live here.

mod agenda;
pub mod kiosk;
mod map;
mod me;
mod people;
mod quests;
mod reminders;
mod signals;
mod staff;
mod voting;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Offset, Utc};
use elements_domain::scenario::{self, EventFacts, ParticipantState};
use elements_protocol::app::{
    AgendaDay, AgendaDayArgs, ApiError, DayTab, DeviceMode, ElementNav, ElementSyncView, ErrorCode, EventOverview,
    EventPhase, Headline, JoinArgs, MyVote, NowNext, OfflineReason, PollOptionView, PollState, PollView, Preferences,
    ReadyArgs, RoomTag, SearchArgs, SessionCard, SessionDetail, SessionDetailArgs, SignalStatus, SpeakerCard,
    SyncState, SyncStatus, Theme, TrackTag, VoteArgs, VotingView,
};
use elements_protocol::event::{
    ElementEntry, ElementKind, Manifest, Poll, Quest, Session, SessionKind, ELEMENT_VERSION,
};
use elements_protocol::signal::{Action, Outcome};
use elements_protocol::sync::EntityKind;

use crate::bundled;
use crate::cache::{Cache, CacheError, Decision, LoadStep};
use crate::changes::Changed;
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
    /// A venue screen by configuration (`--kiosk`); a kiosk token makes one too.
    kiosk: bool,
    /// A venue screen's place in the venue (`--here PLACE`): "you are here" on its map.
    fixed_here: Option<String>,
    /// A venue screen's room, panels and pace from its command line.
    kiosk_config: kiosk::KioskConfig,
    /// A link the app was opened with, for the window to follow (`place:<id>`).
    opened: Mutex<Option<String>>,
    /// Where exported files go (`export_schedule`); the downloads folder when `None`.
    export_dir: Option<std::path::PathBuf>,
    /// Wakes the reminder clock when the person's agenda or people changed (a star, a synced
    /// change), so a reminder or a change notice does not wait for the clock's next look.
    reminder_wake: Arc<Wake>,
}

/// A wake-up call between threads: `poke` ends the current or next `wait` early.
#[derive(Default)]
pub struct Wake {
    poked: Mutex<bool>,
    ring: std::sync::Condvar,
}

impl Wake {
    pub fn poke(&self) {
        *self.poked.lock().unwrap_or_else(|p| p.into_inner()) = true;
        self.ring.notify_all();
    }

    /// Waits until poked or `timeout` passed, whichever first.
    pub fn wait(&self, timeout: std::time::Duration) {
        let poked = self.poked.lock().unwrap_or_else(|p| p.into_inner());
        let (mut poked, _) = self.ring.wait_timeout_while(poked, timeout, |p| !*p).unwrap_or_else(|p| p.into_inner());
        *poked = false;
    }
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
        let fingerprint = bundled::demo_fingerprint();
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
            for floor in &bundle.floors {
                if let Some(bytes) = bundled::demo_plan(&floor.plan_image) {
                    // The demo's own plans are SVGs checked by its tests; one that fails to store
                    // leaves a blank floor, not a broken app.
                    if let Err(e) = cache.store_plan(&floor.id, &fingerprint, bytes) {
                        eprintln!("elements: the demo's plan of {} was not stored: {e}", floor.id);
                    }
                }
            }
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
                kiosk: false,
                fixed_here: None,
                kiosk_config: kiosk::KioskConfig::default(),
                opened: Mutex::new(None),
                export_dir: None,
                reminder_wake: Arc::default(),
            },
            report,
        ))
    }

    /// Replaces the sync timing (tests and kiosks use shorter intervals). A listener set with
    /// [`AppApi::on_change`] stays unless `config` brings its own.
    pub fn with_sync_config(mut self, mut config: EngineConfig) -> Self {
        if !config.changes.is_set() {
            config.changes = self.sync_config.changes.clone();
        }
        self.sync_config = config;
        self
    }

    /// Calls `listener` after every change the UI shows (see [`Changed`]), from whichever
    /// thread made it. Set before syncing starts.
    pub fn on_change(mut self, listener: impl Fn(Changed) + Send + Sync + 'static) -> Self {
        let wake = self.reminder_wake.clone();
        self.sync_config.changes = crate::changes::Changes::new(move |what| {
            if matches!(what, Changed::Event | Changed::Element(ElementKind::Agenda | ElementKind::People)) {
                wake.poke();
            }
            listener(what)
        });
        self
    }

    /// Sets when the process started, so [`AppApi::report_ready`] measures from launch.
    /// Makes this a venue screen: the kiosk frame, and no attendee's data kept (the directory
    /// the bundled event carries is dropped and the people feed is never synced).
    pub fn kiosk_mode(mut self, on: bool) -> Result<Self, ApiError> {
        self.kiosk = on;
        if on {
            self.store()?.forget_people()?;
        }
        Ok(self)
    }

    /// Writes exported files (the schedule as iCalendar) to `dir` instead of the downloads folder.
    pub fn export_dir(mut self, dir: Option<std::path::PathBuf>) -> Self {
        self.export_dir = dir;
        self
    }

    /// A venue screen's room, panels and seconds per panel (its command line); what is not
    /// given comes from the event's `kiosk` settings.
    pub fn venue_screen_config(mut self, config: kiosk::KioskConfig) -> Self {
        self.kiosk_config = config;
        self
    }

    /// Fixes "you are here" at a place (a venue screen's spot, from its configuration).
    pub fn fixed_here(mut self, place_id: Option<String>) -> Self {
        self.fixed_here = place_id;
        self
    }

    /// Which frame the shell shows: kiosk by configuration or by a kiosk token, staff by a
    /// staff token, else attendee.
    pub fn mode(&self) -> Result<DeviceMode, ApiError> {
        if self.kiosk {
            return Ok(DeviceMode::Kiosk);
        }
        let store = self.store()?;
        let event = store.loaded_event()?;
        self.mode_of(&store, event.as_ref())
    }

    /// [`AppApi::mode`] for a caller that holds the cache and has read the event already.
    fn mode_of(&self, store: &Cache, event: Option<&crate::cache::LoadedEvent>) -> Result<DeviceMode, ApiError> {
        if self.kiosk {
            return Ok(DeviceMode::Kiosk);
        }
        let Some(source) = event.and_then(|e| e.source.strip_prefix(BACKEND_SOURCE)) else {
            return Ok(DeviceMode::Attendee);
        };
        Ok(match store.credential(source)?.and_then(|c| c.role).as_deref() {
            Some("kiosk") => DeviceMode::Kiosk,
            Some("staff") => DeviceMode::Staff,
            _ => DeviceMode::Attendee,
        })
    }

    pub fn launched_at(mut self, at: std::time::Instant) -> Self {
        self.launched_at = at;
        self
    }

    fn store(&self) -> Result<MutexGuard<'_, Cache>, ApiError> {
        // A poisoned lock means a panic mid-call; SQLite rolled that transaction back, so the
        // cache itself is consistent and can be used again.
        Ok(self.store.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }
}

/// The commands, one line each: the work is in the Element's module.
impl AppApi {
    pub fn event_overview(&self) -> Result<EventOverview, ApiError> {
        agenda::event_overview(self)
    }

    pub fn agenda_day(&self, args: AgendaDayArgs) -> Result<AgendaDay, ApiError> {
        agenda::agenda_day(self, args)
    }

    pub fn now_next(&self) -> Result<NowNext, ApiError> {
        agenda::now_next(self)
    }

    pub fn session_detail(&self, args: SessionDetailArgs) -> Result<SessionDetail, ApiError> {
        agenda::session_detail(self, args)
    }

    pub fn star_session(&self, args: elements_protocol::app::StarArgs) -> Result<SessionCard, ApiError> {
        agenda::star_session(self, args)
    }

    pub fn my_schedule(&self) -> Result<elements_protocol::app::MySchedule, ApiError> {
        agenda::my_schedule(self)
    }

    pub fn dismiss_schedule_notice(
        &self,
        args: elements_protocol::app::NoticeArgs,
    ) -> Result<elements_protocol::app::MySchedule, ApiError> {
        agenda::dismiss_schedule_notice(self, args)
    }

    pub fn export_schedule(&self) -> Result<elements_protocol::app::ExportedFile, ApiError> {
        agenda::export_schedule(self)
    }

    pub fn search_sessions(&self, args: SearchArgs) -> Result<Vec<SessionCard>, ApiError> {
        agenda::search_sessions(self, args)
    }

    /// The polls, their last known results, and this person's vote with where it stands.
    pub fn voting(&self) -> Result<VotingView, ApiError> {
        voting::voting(self)
    }

    /// Decides the vote on the device (the event's own rules), writes it to the outbox and wakes
    /// the sync engine. A vote the rules refuse is not written; the person is told why.
    pub fn cast_vote(&self, args: VoteArgs) -> Result<VotingView, ApiError> {
        voting::cast_vote(self, args)
    }

    /// An answer to a poll of any kind; a new answer in an open poll replaces the last one.
    pub fn answer_poll(&self, args: elements_protocol::app::AnswerArgs) -> Result<VotingView, ApiError> {
        voting::answer_poll(self, args)
    }

    /// A question for a Q&A poll.
    pub fn ask_question(&self, args: elements_protocol::app::AskArgs) -> Result<VotingView, ApiError> {
        voting::ask_question(self, args)
    }

    pub fn upvote_question(&self, args: elements_protocol::app::UpvoteArgs) -> Result<VotingView, ApiError> {
        voting::upvote_question(self, args)
    }

    /// Starts syncing in the background if the cached event came from a backend: the app shows
    /// what it has at once and catches up when the network allows.
    pub fn resume_sync(&self) -> Result<(), ApiError> {
        me::resume_sync(self)
    }

    /// Joins the event served at `args.url`: stores its manifest, pulls every Element once (an
    /// Element whose backend is down is retried in the background), then keeps syncing.
    pub fn join_event(&self, args: JoinArgs) -> Result<EventOverview, ApiError> {
        me::join_event(self, args)
    }

    /// One round for every Element of a joined event, on this thread: push its outbox, then
    /// pull its feed. Failures are recorded per Element (as the engine would) and do not stop
    /// the others. For runners without a window and for tests.
    pub fn sync_now(&self) -> Result<(), ApiError> {
        me::sync_now(self)
    }

    pub fn sync_status(&self) -> Result<SyncStatus, ApiError> {
        me::sync_status(self)
    }

    /// Reads the QR code in a photo; the UI passes a join code's text on to `join_event`.
    pub fn scan_code(
        &self,
        args: elements_protocol::app::ScanArgs,
    ) -> Result<elements_protocol::app::ScannedCode, ApiError> {
        me::scan_code(args)
    }

    pub fn preferences(&self) -> Result<Preferences, ApiError> {
        me::preferences(self)
    }

    /// Stores the person's language and theme; a language the app does not speak is refused.
    pub fn set_preferences(&self, args: Preferences) -> Result<Preferences, ApiError> {
        me::set_preferences(self, args)
    }

    /// The quests with this person's progress, rewards and leaderboards, and the scenario
    /// cards not put away.
    pub fn quests(&self) -> Result<elements_protocol::app::QuestsView, ApiError> {
        quests::quests(self)
    }

    /// A checkpoint's code, scanned or typed: checked on the device at once (a forged or
    /// edited code is refused here, offline too), then sent like every signal.
    pub fn scan_checkpoint(
        &self,
        args: elements_protocol::app::CheckpointArgs,
    ) -> Result<elements_protocol::app::QuestsView, ApiError> {
        quests::scan_checkpoint(self, args)
    }

    /// Puts a scenario card away for good.
    pub fn dismiss_card(
        &self,
        args: elements_protocol::app::CardArgs,
    ) -> Result<elements_protocol::app::QuestsView, ApiError> {
        quests::dismiss_card(self, args)
    }

    /// "I'm here": checks the person in to a session.
    pub fn check_in(&self, args: SessionDetailArgs) -> Result<SessionDetail, ApiError> {
        agenda::check_in(self, args)
    }

    /// Fires the event's time triggers due for this participant now (a session they attended
    /// ended, a poll opened); returns when the next one is due.
    pub fn tick_scenarios(&self) -> Result<Option<DateTime<Utc>>, ApiError> {
        signals::tick_scenarios(self)
    }

    /// Milliseconds from launch until the UI reported `args.screen` showing.
    pub fn map(&self) -> Result<elements_protocol::app::MapView, ApiError> {
        map::map(self)
    }

    pub fn search_places(&self, args: SearchArgs) -> Result<Vec<elements_protocol::app::PlaceHit>, ApiError> {
        map::search_places(self, args)
    }

    pub fn place(
        &self,
        args: elements_protocol::app::PlaceArgs,
    ) -> Result<elements_protocol::app::PlaceDetail, ApiError> {
        map::place(self, args)
    }

    pub fn visit_booth(
        &self,
        args: elements_protocol::app::PlaceArgs,
    ) -> Result<elements_protocol::app::PlaceDetail, ApiError> {
        map::visit_booth(self, args)
    }

    pub fn route(
        &self,
        args: elements_protocol::app::RouteArgs,
    ) -> Result<elements_protocol::app::RouteView, ApiError> {
        map::route(self, args)
    }

    pub fn set_here(
        &self,
        args: elements_protocol::app::HereArgs,
    ) -> Result<elements_protocol::app::MapView, ApiError> {
        map::set_here(self, args)
    }

    pub fn scan_location(
        &self,
        args: elements_protocol::app::LocationArgs,
    ) -> Result<elements_protocol::app::MapView, ApiError> {
        map::scan_location(self, args)
    }

    /// Keeps a link the app was opened with (`elements://place?…`) for the window, and tells it.
    pub fn open_link(&self, link: &str) -> Result<(), ApiError> {
        let follow = match elements_protocol::link::Link::parse(link) {
            Ok(elements_protocol::link::Link::Place { place, .. }) => format!("place:{place}"),
            Ok(_) => return Err(ApiError::new(ErrorCode::InvalidArgument, "only place links open a screen")),
            Err(e) => return Err(ApiError::new(ErrorCode::InvalidArgument, e.to_string())),
        };
        *self.opened.lock().unwrap_or_else(|p| p.into_inner()) = Some(follow);
        self.sync_config.changes.tell(Changed::Opened);
        Ok(())
    }

    pub fn take_open_link(&self) -> Option<String> {
        self.opened.lock().unwrap_or_else(|p| p.into_inner()).take()
    }

    /// A file of the map's `plan` scheme (a floor's SVG plan or one tile): its type and bytes.
    pub fn plan_file(&self, path: &str) -> Result<Option<(&'static str, Vec<u8>)>, ApiError> {
        map::plan_file(self, path)
    }

    pub fn my_profile(&self) -> Result<elements_protocol::app::MyProfileView, ApiError> {
        people::my_profile(self)
    }

    pub fn save_my_profile(
        &self,
        args: elements_protocol::people::MyProfile,
    ) -> Result<elements_protocol::app::MyProfileView, ApiError> {
        people::save_my_profile(self, args)
    }

    pub fn set_my_photo(
        &self,
        args: elements_protocol::app::ScanArgs,
    ) -> Result<elements_protocol::app::MyProfileView, ApiError> {
        people::set_my_photo(self, args)
    }

    pub fn search_people(
        &self,
        args: elements_protocol::app::PeopleSearchArgs,
    ) -> Result<elements_protocol::app::Directory, ApiError> {
        people::search_people(self, args)
    }

    pub fn person(
        &self,
        args: elements_protocol::app::PersonArgs,
    ) -> Result<elements_protocol::app::PersonView, ApiError> {
        people::person(self, args)
    }

    pub fn exchange_badge(
        &self,
        args: elements_protocol::app::BadgeArgs,
    ) -> Result<elements_protocol::app::ContactsView, ApiError> {
        people::exchange_badge(self, args)
    }

    pub fn contacts(&self, args: SearchArgs) -> Result<elements_protocol::app::ContactsView, ApiError> {
        people::contacts(self, args)
    }

    pub fn save_contact_note(
        &self,
        args: elements_protocol::app::ContactNoteArgs,
    ) -> Result<elements_protocol::app::PersonView, ApiError> {
        people::save_contact_note(self, args)
    }

    pub fn export_contacts(&self) -> Result<elements_protocol::app::ExportedFile, ApiError> {
        people::export_contacts(self)
    }

    pub fn suggestions(&self) -> Result<Vec<elements_protocol::app::SuggestionCard>, ApiError> {
        people::suggestions(self)
    }

    pub fn request_meeting(
        &self,
        args: elements_protocol::app::MeetingRequestArgs,
    ) -> Result<elements_protocol::app::PersonView, ApiError> {
        people::request_meeting(self, args)
    }

    pub fn answer_meeting(
        &self,
        args: elements_protocol::app::MeetingAnswerArgs,
    ) -> Result<elements_protocol::app::PersonView, ApiError> {
        people::answer_meeting(self, args)
    }

    pub fn send_message(
        &self,
        args: elements_protocol::app::MessageArgs,
    ) -> Result<elements_protocol::app::PersonView, ApiError> {
        people::send_message(self, args)
    }

    pub fn export_my_data(&self) -> Result<elements_protocol::app::ExportedFile, ApiError> {
        people::export_my_data(self)
    }

    pub fn forget_me(&self) -> Result<elements_protocol::app::MyProfileView, ApiError> {
        people::forget_me(self)
    }

    /// Reminders due now (each once): for the shell to show as notifications.
    pub fn take_due_reminders(&self) -> Result<Vec<elements_protocol::app::Reminder>, ApiError> {
        reminders::take_due_reminders(self)
    }

    /// When the next reminder falls due, for the shell's timer.
    pub fn next_reminder_at(&self) -> Result<Option<DateTime<Utc>>, ApiError> {
        reminders::next_reminder_at(self)
    }

    pub fn report_ready(&self, args: ReadyArgs) -> Result<u64, ApiError> {
        me::report_ready(self, args)
    }

    pub fn staff_polls(&self) -> Result<elements_protocol::app::StaffPolls, ApiError> {
        staff::staff_polls(self)
    }

    pub fn control_poll(
        &self,
        args: elements_protocol::app::PollControlArgs,
    ) -> Result<elements_protocol::app::StaffPolls, ApiError> {
        staff::control_poll(self, args)
    }

    pub fn moderate_question(
        &self,
        args: elements_protocol::app::QuestionModerationArgs,
    ) -> Result<elements_protocol::app::StaffPolls, ApiError> {
        staff::moderate_question(self, args)
    }

    pub fn announcements(&self) -> Result<Vec<elements_protocol::app::AnnouncementView>, ApiError> {
        staff::announcements(self)
    }

    pub fn announce(
        &self,
        args: elements_protocol::app::AnnounceArgs,
    ) -> Result<Vec<elements_protocol::app::AnnouncementView>, ApiError> {
        staff::announce(self, args)
    }

    pub fn leads(&self) -> Result<elements_protocol::app::LeadsView, ApiError> {
        staff::leads(self)
    }

    pub fn capture_lead(
        &self,
        args: elements_protocol::app::LeadArgs,
    ) -> Result<elements_protocol::app::LeadsView, ApiError> {
        staff::capture_lead(self, args)
    }

    pub fn export_leads(&self) -> Result<elements_protocol::app::ExportedFile, ApiError> {
        staff::export_leads(self)
    }

    pub fn live_picture(&self) -> Result<elements_protocol::app::LivePictureView, ApiError> {
        staff::live_picture(self)
    }

    pub fn venue_screen(&self) -> Result<elements_protocol::app::VenueScreen, ApiError> {
        kiosk::venue_screen(self)
    }

    pub fn staff_desk(&self) -> Result<elements_protocol::app::StaffDesk, ApiError> {
        staff::staff_desk(self)
    }

    pub fn admit_pass(
        &self,
        args: elements_protocol::app::AdmitArgs,
    ) -> Result<elements_protocol::app::AdmitResult, ApiError> {
        staff::admit_pass(self, args)
    }

    pub fn redeem_reward_code(
        &self,
        args: elements_protocol::app::RewardCodeArgs,
    ) -> Result<elements_protocol::app::RewardRedemption, ApiError> {
        staff::redeem_reward_code(self, args)
    }
}

/// Longest the scenario clock waits before looking again: a check-in made meanwhile may bring
/// a trigger nearer than the one it waits for.
const SCENARIO_CLOCK_RECHECK: std::time::Duration = std::time::Duration::from_secs(60);

/// Runs [`AppApi::tick_scenarios`] now and whenever a time trigger falls due, on its own thread,
/// until the API is dropped. With a pinned clock time stands still: one tick, then it stops.
pub fn start_scenario_clock(api: &Arc<AppApi>) {
    let weak = Arc::downgrade(api);
    let spawned = std::thread::Builder::new().name("scenario-clock".into()).spawn(move || loop {
        let Some(api) = weak.upgrade() else { return };
        let next = match api.tick_scenarios() {
            Ok(next) => next,
            Err(e) => {
                eprintln!("elements: time triggers not fired: {}", e.message);
                None
            }
        };
        if matches!(api.clock, Clock::Fixed(_)) {
            return;
        }
        let wait = next
            .and_then(|t| (t - api.clock.now()).to_std().ok())
            .map_or(SCENARIO_CLOCK_RECHECK, |w| w.min(SCENARIO_CLOCK_RECHECK));
        drop(api);
        std::thread::sleep(wait);
    });
    if let Err(e) = spawned {
        eprintln!("elements: no thread for time triggers: {e}");
    }
}

/// How often the reminder clock looks again when nothing is due sooner: it also notices
/// sessions starred and changes synced meanwhile.
const REMINDER_RECHECK: std::time::Duration = std::time::Duration::from_secs(15);

/// Starts the thread that hands due reminders to `notify` (the shell shows them as system
/// notifications): at once, then when the next falls due, when the agenda or people changed,
/// or every [`REMINDER_RECHECK`], whichever is soonest. Stops when the app's API is dropped
/// (within one recheck).
pub fn start_reminder_clock(
    api: &Arc<AppApi>,
    notify: impl Fn(&AppApi, elements_protocol::app::Reminder) + Send + 'static,
) {
    let weak = Arc::downgrade(api);
    let spawned = std::thread::Builder::new().name("reminders".into()).spawn(move || loop {
        let Some(api) = weak.upgrade() else { return };
        match api.take_due_reminders() {
            Ok(due) => due.into_iter().for_each(|r| notify(&api, r)),
            Err(e) => eprintln!("elements: reminders not checked: {}", e.message),
        }
        let next = api.next_reminder_at().ok().flatten();
        let wait = next
            .and_then(|t| (t - api.clock.now()).to_std().ok())
            .map_or(REMINDER_RECHECK, |w| w.min(REMINDER_RECHECK));
        let wake = api.reminder_wake.clone();
        drop(api);
        wake.wait(wait);
    });
    if let Err(e) = spawned {
        eprintln!("elements: no thread for reminders: {e}");
    }
}

/// Writes an exported file to the export folder (`--export-dir`), else the downloads folder,
/// else beside the cache; answers its path.
fn write_export(api: &AppApi, name: &str, bytes: &[u8]) -> Result<String, ApiError> {
    let dir = match &api.export_dir {
        Some(d) => d.clone(),
        None => dirs::download_dir().filter(|d| d.is_dir()).unwrap_or_else(|| {
            api.store().map(|s| s.path().parent().map(std::path::Path::to_path_buf)).ok().flatten().unwrap_or_default()
        }),
    };
    let path = dir.join(name);
    std::fs::write(&path, bytes).map_err(|e| {
        ApiError::new(ErrorCode::Internal, format!("could not write {}: {e}. Is the folder writable?", path.display()))
    })?;
    Ok(path.display().to_string())
}

/// The venue's UTC offset (its first day's): times shown and signals stamped in it.
fn offset_of(event: &crate::cache::LoadedEvent) -> chrono::FixedOffset {
    event.manifest.days.first().map(|d| *d.starts_at.offset()).unwrap_or(Utc.fix())
}

/// `text` as a QR code in an SVG document, black on white with its quiet zone (badges, join
/// codes on venue screens); `what` names it in the error.
fn qr_svg(text: &str, what: &str) -> Result<String, ApiError> {
    let code = qrcode::QrCode::new(text.as_bytes())
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("the {what} QR code could not be made: {e}")))?;
    Ok(code
        .render::<qrcode::render::svg::Color>()
        .quiet_zone(true)
        .dark_color(qrcode::render::svg::Color("#000000"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build())
}

fn no_event() -> ApiError {
    ApiError::new(ErrorCode::CacheUnavailable, "no event is loaded yet; restart the app to load the bundled demo event")
}

impl From<CacheError> for ApiError {
    fn from(e: CacheError) -> ApiError {
        ApiError::new(ErrorCode::CacheUnavailable, e.to_string())
    }
}

fn manifest(store: &Cache) -> Result<Manifest, ApiError> {
    store.loaded_event()?.map(|e| e.manifest).ok_or_else(|| {
        ApiError::new(
            ErrorCode::CacheUnavailable,
            "no event is loaded yet; restart the app to load the bundled demo event",
        )
    })
}
