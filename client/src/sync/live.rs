//! The live stream: poll results, leaderboards, announcements applied as they happen.

use super::*;

/// Reads the live stream of `base_url` and applies what it carries, reconnecting with backoff
/// while the engine runs. Needs a token: without a code for the backend it stays idle.
pub(super) fn live_loop(
    cache: &Mutex<Cache>,
    base_url: &str,
    config: &EngineConfig,
    stop: &(Mutex<EngineControl>, Condvar),
) {
    let seed = time_seed(3);
    let mut backoff =
        Backoff::new(config.backoff_base, config.backoff_max, config.breaker_after, config.breaker_cooldown, seed);
    // Reads block until an event or the server's keep-alive (every 15 s); three missed means dead.
    let Ok(remote) = Remote::trusting(base_url, Duration::from_secs(45), config.trust.as_ref()) else { return };
    while !stopped(stop) {
        let wait = match listen_once(cache, &remote, stop, &config.changes) {
            Ok(()) => {
                backoff.on_success();
                config.backoff_base
            }
            Err(_) => backoff.on_failure(),
        };
        if pause(stop, wait) {
            return;
        }
    }
}

/// One connection to the live stream, until it ends or fails.
pub(super) fn listen_once(
    cache: &Mutex<Cache>,
    remote: &Remote,
    stop: &(Mutex<EngineControl>, Condvar),
    changes: &Changes,
) -> Result<(), SyncError> {
    let url = format!("{}/v1/live", remote.base());
    let resp = authed(cache, remote, |token| {
        let Some(token) = token else {
            return Err(SyncError::Rejected {
                url: url.clone(),
                status: 401,
                code: None,
                message: "no code for this backend".into(),
            });
        };
        let resp = remote.http.get(&url).bearer_auth(token).send().map_err(|e| unreachable(&url, &e))?;
        let status = resp.status().as_u16();
        if status != 200 {
            return Err(SyncError::Rejected {
                url: url.clone(),
                status,
                code: None,
                message: "live stream refused".into(),
            });
        }
        Ok(resp)
    })?;
    let mut reader = std::io::BufReader::new(resp);
    let mut name = String::new();
    let mut data = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        let n = reader.read_line(&mut line).map_err(|e| unreachable(&url, &e))?;
        if n == 0 || stopped(stop) {
            return Ok(());
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            // End of one event.
            match LiveEvent::parse(&name, &data) {
                // A feed changed (a poll made or opened by staff): pull it now, in order.
                Some(LiveEvent::Resync) => nudge(stop),
                Some(LiveEvent::Changed(entity)) if entity.revision().is_none() => nudge(stop),
                Some(LiveEvent::Changed(entity)) => {
                    let applied = {
                        let mut c = lock(cache);
                        !stopped(stop) && c.apply_live(&entity)?
                    };
                    if applied {
                        changes.tell(Changed::Element(entity.kind().element()));
                    }
                }
                Some(LiveEvent::Hello { .. }) | None => {}
            }
            name.clear();
            data.clear();
        } else if let Some(v) = line.strip_prefix("event:") {
            name = v.trim().to_string();
        } else if let Some(v) = line.strip_prefix("data:") {
            data.push_str(v.strip_prefix(' ').unwrap_or(v));
        }
    }
}
