//! Pushing: the outbox in batches, the backend's answers stored at once, and the token renewed
//! from the stored code after a 401.

use super::*;

/// Redeems the code stored for this backend, if there is one, and stores the token.
pub fn redeem(cache: &Mutex<Cache>, remote: &Remote) -> Result<Option<String>, SyncError> {
    let (credential, client_id) = {
        let mut c = lock(cache);
        (c.credential(remote.base())?, c.client_id()?)
    };
    let Some(credential) = credential else { return Ok(None) };
    let request =
        RedeemRequest { code: credential.code, client_id, display_name: credential.display_name, show_name: false };
    let answer: RedeemResponse = remote.post("/v1/auth/redeem", &request, None)?;
    lock(cache).set_token(remote.base(), &answer)?;
    Ok(Some(answer.token))
}

/// Runs `request` with this backend's token (redeeming the code first if there is no token
/// yet); on 401 drops the token, redeems again and retries once.
pub fn authed<T>(
    cache: &Mutex<Cache>,
    remote: &Remote,
    request: impl Fn(Option<&str>) -> Result<T, SyncError>,
) -> Result<T, SyncError> {
    let (token, has_code) = current_token(cache, remote)?;
    match request(token.as_deref()) {
        Err(e) if e.is_unauthorized() && has_code => {
            lock(cache).drop_token(remote.base())?;
            let fresh = redeem(cache, remote)?;
            request(fresh.as_deref())
        }
        other => other,
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PushReport {
    pub batches: u32,
    pub sent: usize,
    pub decided: usize,
    /// Signals are waiting but this device has no code for the backend: nothing was sent.
    pub no_credential: bool,
}

/// Sends `element`'s undecided signals of the event, oldest first, in batches, and stores the
/// backend's decisions. Bounded: stops when the outbox of this Element is empty.
pub fn push(
    cache: &Mutex<Cache>,
    remote: &Remote,
    event_id: &str,
    element: ElementKind,
) -> Result<PushReport, SyncError> {
    let mut report = PushReport::default();
    for _ in 0..100_000 {
        let batch = lock(cache).pending_signals(event_id, element, MAX_BATCH, MAX_BATCH_BYTES)?;
        if batch.is_empty() {
            return Ok(report);
        }
        if lock(cache).credential(remote.base())?.is_none() {
            report.no_credential = true;
            return Ok(report);
        }
        lock(cache).mark_attempt(&batch)?;
        let body = SignalBatch { signals: batch };
        let answer: SignalResults = match authed(cache, remote, |token| remote.post("/v1/signals", &body, token)) {
            // This device's role may not push signals here (a venue screen's kiosk token): that
            // will not change by retrying, so the backend's refusal is final for each of them.
            Err(SyncError::Rejected { status: 403, code: Some(WireErrorCode::Forbidden), message, .. }) => {
                SignalResults {
                    results: body
                        .signals
                        .iter()
                        .map(|s| SignalResult {
                            id: s.id.clone(),
                            outcome: Outcome::Rejected { reason: Reason::NotAllowed, message: message.clone() },
                        })
                        .collect(),
                }
            }
            other => other?,
        };
        let url = format!("{}/v1/signals", remote.base());
        let asked: std::collections::HashSet<&str> = body.signals.iter().map(|s| s.id.as_str()).collect();
        if answer.results.len() != body.signals.len() || answer.results.iter().any(|r| !asked.contains(r.id.as_str())) {
            return Err(SyncError::Garbled { url, detail: "the answer does not match the signals sent".into() });
        }
        let now = chrono::Utc::now().timestamp();
        let decided = lock(cache).record_outcomes(&answer.results, now)?;
        report.batches += 1;
        report.sent += body.signals.len();
        report.decided += decided;
        if remote.trace {
            eprintln!(
                "elements: sync: {} pushed {} signal(s), {decided} decided",
                element.as_str(),
                body.signals.len()
            );
        }
        if decided == 0 {
            // Every answer was for a signal already decided: nothing moved, stop rather than spin.
            return Ok(report);
        }
    }
    Ok(report)
}
