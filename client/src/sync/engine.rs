//! The engine: one loop per Element (push, pull, backoff with jitter and a circuit breaker), woken
//! early by a nudge, ended by a stop.

use super::*;

/// Retry timing for one Element: exponential backoff with full jitter, and a circuit breaker
/// that waits a long cooldown after many failures in a row. Pure: the caller sleeps.
#[derive(Debug, Clone)]
pub struct Backoff {
    pub base: Duration,
    pub max: Duration,
    pub breaker_after: u32,
    pub cooldown: Duration,
    failures: u32,
    rng: u64,
}

impl Backoff {
    pub fn new(base: Duration, max: Duration, breaker_after: u32, cooldown: Duration, seed: u64) -> Backoff {
        Backoff { base, max, breaker_after, cooldown, failures: 0, rng: seed | 1 }
    }

    pub fn failures(&self) -> u32 {
        self.failures
    }

    pub fn is_open(&self) -> bool {
        self.failures >= self.breaker_after
    }

    pub fn on_success(&mut self) {
        self.failures = 0;
    }

    /// Records a failure and returns how long to wait before the next try.
    pub fn on_failure(&mut self) -> Duration {
        self.failures = self.failures.saturating_add(1);
        if self.is_open() {
            return self.cooldown;
        }
        let exp = self.base.saturating_mul(1u32 << self.failures.min(16)).min(self.max);
        // xorshift64: good enough to spread retries of many devices apart.
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        let fraction = (self.rng % 1000) as u32;
        exp.mul_f64(f64::from(fraction) / 1000.0).max(Duration::from_millis(1))
    }
}

/// Where one Element syncs from, and how often.
#[derive(Debug, Clone)]
pub struct Target {
    pub element: ElementKind,
    pub base_url: String,
    /// The event whose outbox this loop drains.
    pub event_id: String,
}

#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Between successful pulls: an idle refresh is one small request.
    pub interval: Duration,
    pub timeout: Duration,
    pub page_size: u32,
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    pub breaker_after: u32,
    pub breaker_cooldown: Duration,
    /// Print a line per page pulled and batch pushed to stderr (diagnostics; the crash tests
    /// use the lines as kill points).
    pub trace: bool,
    /// Told after a round stored something, after a live update, when the manifest changed.
    pub changes: Changes,
    /// Whose HTTPS certificates to believe: the platform's roots and `SSL_CERT_FILE` when `None`.
    pub trust: Option<elements_tls::Trust>,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            interval: Duration::from_secs(30),
            timeout: Duration::from_secs(15),
            page_size: 500,
            backoff_base: Duration::from_secs(1),
            backoff_max: Duration::from_secs(60),
            breaker_after: 8,
            breaker_cooldown: Duration::from_secs(300),
            trace: std::env::var_os("ELEMENTS_SYNC_TRACE").is_some(),
            changes: Changes::default(),
            trust: None,
        }
    }
}

/// What the loops wait on: a stop flag, and a counter bumped to wake them early.
#[derive(Debug, Default)]
pub(super) struct EngineControl {
    stopped: bool,
    nudges: u64,
}

/// One thread per Element, each on its own timer; dropping or stopping the engine ends them.
pub struct SyncEngine {
    stop: Arc<(Mutex<EngineControl>, Condvar)>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl SyncEngine {
    pub fn start(cache: Arc<Mutex<Cache>>, targets: Vec<Target>, config: EngineConfig) -> SyncEngine {
        let stop = Arc::new((Mutex::new(EngineControl::default()), Condvar::new()));
        let threads = targets
            .into_iter()
            .enumerate()
            .map(|(i, target)| {
                let cache = cache.clone();
                let stop = stop.clone();
                let config = config.clone();
                std::thread::Builder::new()
                    .name(format!("sync-{}", target.element.as_str()))
                    .spawn(move || element_loop(&cache, &target, &config, &stop, i as u64))
                    .expect("spawning a sync thread")
            })
            .collect();
        SyncEngine { stop, threads }
    }

    pub fn stop(mut self) {
        self.shutdown();
    }

    /// Wakes every loop now (a new signal is in the outbox, or the live stream asked to resync).
    pub fn nudge(&self) {
        nudge(&self.stop);
    }

    /// Reads the manifest of `base_url` (the event's own backend) again every interval, with
    /// `If-None-Match`, and wakes every loop when it changed; it stops with the engine.
    pub fn watch_manifest(&self, cache: Arc<Mutex<Cache>>, base_url: String, config: EngineConfig) {
        let stop = self.stop.clone();
        let _ = std::thread::Builder::new().name("sync-manifest".into()).spawn(move || {
            let Ok(remote) = Remote::configured(&base_url, &config) else { return };
            let seed = time_seed(11);
            let mut backoff = Backoff::new(
                config.backoff_base,
                config.backoff_max,
                config.breaker_after,
                config.breaker_cooldown,
                seed,
            );
            while !pause(&stop, config.interval) {
                match refresh_manifest(&cache, &remote) {
                    Ok(changed) => {
                        backoff.on_success();
                        if changed {
                            config.changes.tell(Changed::Event);
                            nudge(&stop);
                        }
                    }
                    Err(_) => {
                        if pause(&stop, backoff.on_failure()) {
                            return;
                        }
                    }
                }
            }
        });
    }

    /// Starts listening to the live stream of `base_url`; it stops with the engine.
    pub fn listen_live(&self, cache: Arc<Mutex<Cache>>, base_url: String, config: EngineConfig) {
        let stop = self.stop.clone();
        // Detached: a read can block until the stream's keep-alive timeout, and nobody should
        // wait for that. It checks the stop flag before touching the cache.
        let _ = std::thread::Builder::new()
            .name("sync-live".into())
            .spawn(move || live_loop(&cache, &base_url, &config, &stop));
    }

    fn shutdown(&mut self) {
        let (flag, cv) = &*self.stop;
        flag.lock().unwrap_or_else(|p| p.into_inner()).stopped = true;
        cv.notify_all();
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl Drop for SyncEngine {
    fn drop(&mut self) {
        self.shutdown();
    }
}

pub(super) fn nudge(stop: &(Mutex<EngineControl>, Condvar)) {
    let (flag, cv) = stop;
    flag.lock().unwrap_or_else(|p| p.into_inner()).nudges += 1;
    cv.notify_all();
}

pub(super) fn stopped(stop: &(Mutex<EngineControl>, Condvar)) -> bool {
    stop.0.lock().unwrap_or_else(|p| p.into_inner()).stopped
}

/// Waits `wait`, or less if stopped or nudged; true when stopped.
pub(super) fn pause(stop: &(Mutex<EngineControl>, Condvar), wait: Duration) -> bool {
    let (flag, cv) = stop;
    let guard = flag.lock().unwrap_or_else(|p| p.into_inner());
    let seen = guard.nudges;
    let (guard, _) =
        cv.wait_timeout_while(guard, wait, |s| !s.stopped && s.nudges == seen).unwrap_or_else(|p| p.into_inner());
    guard.stopped
}

/// A seed for a loop's retry jitter: the clock's nanoseconds (`fallback` without a clock), so
/// devices that failed together do not retry together.
pub(super) fn time_seed(fallback: u64) -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(fallback)
}

/// The base URL `target`'s Element syncs from now: its manifest entry's `base_url`, else the
/// target's; `None` while the cached manifest does not enable it in a version this app knows.
pub(super) fn current_base(cache: &Mutex<Cache>, target: &Target) -> Option<String> {
    let event = lock(cache).loaded_event().ok().flatten()?;
    let entry = event.manifest.elements.iter().find(|e| e.kind == target.element)?;
    if entry.version > elements_protocol::event::ELEMENT_VERSION {
        return None;
    }
    Some(entry.base_url.clone().unwrap_or_else(|| target.base_url.clone()))
}

pub(super) fn element_loop(
    cache: &Mutex<Cache>,
    target: &Target,
    config: &EngineConfig,
    stop: &(Mutex<EngineControl>, Condvar),
    salt: u64,
) {
    let seed = time_seed(7) ^ (salt + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let mut backoff =
        Backoff::new(config.backoff_base, config.backoff_max, config.breaker_after, config.breaker_cooldown, seed);
    let mut remote: Option<(String, Result<Remote, SyncError>)> = None;
    let mut never_synced = true;
    loop {
        // Where this Element lives is the manifest's word, read each round: a manifest that
        // changed since the start moves it, switches it on or off.
        let Some(base_url) = current_base(cache, target) else {
            if pause(stop, config.interval) {
                return;
            }
            continue;
        };
        if remote.as_ref().is_none_or(|(base, _)| *base != base_url) {
            remote = Some((base_url.clone(), Remote::configured(&base_url, config)));
        }
        let outcome = match remote.as_ref().map(|(_, r)| r) {
            Some(Ok(remote)) => {
                round(cache, remote, &target.event_id, target.element, config.page_size, &config.changes)
            }
            Some(Err(e)) => Err(SyncError::Unreachable { url: base_url.clone(), detail: e.to_string() }),
            None => continue,
        };
        let wait = match outcome {
            Ok(_) => {
                // Starting or stopping to fail is news for the sync badge; another quiet
                // round is not.
                if backoff.failures() > 0 || never_synced {
                    config.changes.tell(Changed::Sync);
                }
                never_synced = false;
                backoff.on_success();
                config.interval
            }
            Err(e) => {
                let _ = lock(cache).record_failure(target.element, &base_url, &e.to_string());
                if backoff.failures() == 0 {
                    config.changes.tell(Changed::Sync);
                }
                backoff.on_failure()
            }
        };
        if pause(stop, wait) {
            return;
        }
    }
}
