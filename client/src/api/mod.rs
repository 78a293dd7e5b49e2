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

pub use me::plain_http_beyond_the_lan;

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
    /// The first screen as last painted (`first-screen.html` beside the cache), shown by the page
    /// while the UI starts (see `me::first_screen`).
    first_screen_file: std::path::PathBuf,
    /// Poked when the UI reports its first screen painted: work the first paint does not need
    /// (sync, the clocks) waits for it (see [`AppApi::wait_for_first_paint`]).
    first_paint: Arc<Wake>,
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
                first_paint: Arc::default(),
                first_screen_file: data_dir.join(me::FIRST_SCREEN_FILE),
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
        let role = store.credential(source)?.and_then(|c| c.role);
        Ok(match role.as_deref().and_then(elements_protocol::auth::Role::parse) {
            Some(elements_protocol::auth::Role::Kiosk) => DeviceMode::Kiosk,
            Some(r) if r.is_staff() => DeviceMode::Staff,
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

/// The commands: one method each, made from the protocol's table of commands
/// (`elements_protocol::for_each_command!`), each calling the handler of the same name in its
/// Element's module: `fn name(api: &AppApi, args: Args) -> Result<Output, ApiError>`, or
/// `fn name(api: &AppApi)` for a command without arguments.
macro_rules! facade {
    ($( $(#[$doc:meta])* $ty:ident = $name:ident in $element:ident : $args:ident => $out:ty; )*) => {
        impl AppApi {
            $( facade!(@method $(#[$doc])* $ty $name $element $args); )*
        }
    };
    (@method $(#[$doc:meta])* $ty:ident $name:ident $element:ident NoArgs) => {
        $(#[$doc])*
        pub fn $name(&self) -> Result<<elements_protocol::app::$ty as elements_protocol::app::Command>::Output, ApiError> {
            $element::$name(self)
        }
    };
    (@method $(#[$doc:meta])* $ty:ident $name:ident $element:ident $args:ident) => {
        $(#[$doc])*
        pub fn $name(
            &self,
            args: <elements_protocol::app::$ty as elements_protocol::app::Command>::Args,
        ) -> Result<<elements_protocol::app::$ty as elements_protocol::app::Command>::Output, ApiError> {
            $element::$name(self, args)
        }
    };
}

elements_protocol::for_each_command!(facade);

/// What the app does besides the UI's commands: sync, links, plans, reminders, scenarios' clock.
impl AppApi {
    /// Returns once the UI has reported its first screen painted, or after `at_most`: the shell
    /// starts sync and the clocks after it, so they do not compete with the first paint for the
    /// device's cores (a phone has few).
    pub fn wait_for_first_paint(&self, at_most: std::time::Duration) {
        self.first_paint.wait(at_most);
    }

    /// Starts syncing in the background if the cached event came from a backend: the app shows
    /// what it has at once and catches up when the network allows.
    pub fn resume_sync(&self) -> Result<(), ApiError> {
        me::resume_sync(self)
    }

    /// One round for every Element of a joined event, on this thread: push its outbox, then
    /// pull its feed. Failures are recorded per Element (as the engine would) and do not stop
    /// the others. For runners without a window and for tests.
    pub fn sync_now(&self) -> Result<(), ApiError> {
        me::sync_now(self)
    }

    /// Fires the event's time triggers due for this participant now (a session they attended
    /// ended, a poll opened); returns when the next one is due.
    pub fn tick_scenarios(&self) -> Result<Option<DateTime<Utc>>, ApiError> {
        signals::tick_scenarios(self)
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

    /// A file of the map's `plan` scheme (a floor's SVG plan or one tile): its type and bytes.
    pub fn plan_file(&self, path: &str) -> Result<Option<(&'static str, Vec<u8>)>, ApiError> {
        map::plan_file(self, path)
    }

    /// Reminders due now (each once): for the shell to show as notifications.
    pub fn take_due_reminders(&self) -> Result<Vec<elements_protocol::app::Reminder>, ApiError> {
        reminders::take_due_reminders(self)
    }

    /// When the next reminder falls due, for the shell's timer.
    pub fn next_reminder_at(&self) -> Result<Option<DateTime<Utc>>, ApiError> {
        reminders::next_reminder_at(self)
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
