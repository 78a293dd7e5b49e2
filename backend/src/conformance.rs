//! The conformance kit: checks any backend against Element protocol v1 (`docs/protocol.md`) from
//! the outside, as a client would, and says what deviates. `elements-backend conformance URL
//! --code CODE [--staff-code CODE] [--kiosk-code CODE]`; the reference backend passes it in CI
//! (`tests/backend/conformance.rs`).
//!
//! It writes to the backend it checks (a redeem, a check-in and a few refused signals), so run
//! it against a rehearsal copy, not an event in progress.

use std::time::Duration;

use elements_protocol::auth::{RedeemRequest, RedeemResponse};
use elements_protocol::event::ElementKind;
use elements_protocol::signal::{Action, Outcome, Reason, Signal, SignalBatch, SignalResults, MAX_BATCH};
use elements_protocol::sync::{
    Change, ChangesPage, Entity, ManifestResponse, WireError, WireErrorCode, PROTOCOL_VERSION,
};
use reqwest::blocking::{Client, RequestBuilder, Response};
use reqwest::StatusCode;

/// Who the kit may act as.
#[derive(Debug, Clone, Default)]
pub struct Codes {
    /// An attendee code (a join code or ticket): required.
    pub attendee: String,
    pub staff: Option<String>,
    pub kiosk: Option<String>,
}

/// One check and what it found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub check: String,
    /// `None` when the backend did what the protocol says.
    pub deviation: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
}

impl Report {
    pub fn failed(&self) -> usize {
        self.findings.iter().filter(|f| f.deviation.is_some()).count()
    }

    pub fn passed(&self) -> usize {
        self.findings.len() - self.failed()
    }

    /// One line per check, then the closing count.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for f in &self.findings {
            match &f.deviation {
                None => out.push_str(&format!("ok    {}\n", f.check)),
                Some(d) => out.push_str(&format!("FAIL  {}: {d}\n", f.check)),
            }
        }
        out.push_str(&format!("conformance: {} passed, {} failed\n", self.passed(), self.failed()));
        out
    }
}

type Check = Result<(), String>;

struct Kit {
    http: Client,
    base: String,
    report: Report,
}

fn wire_error(resp: Response, status: u16, code: WireErrorCode) -> Check {
    let got = resp.status().as_u16();
    let body = resp.text().unwrap_or_default();
    if got != status {
        return Err(format!("expected {status}, got {got}: {}", body.chars().take(160).collect::<String>()));
    }
    let err: WireError = serde_json::from_str(&body).map_err(|e| {
        format!("{status} without the protocol's error body ({e}): {}", body.chars().take(160).collect::<String>())
    })?;
    if err.code != code {
        return Err(format!("{status} with code {:?}, expected {code:?}", err.code));
    }
    if err.message.trim().is_empty() {
        return Err("the error body has an empty message".into());
    }
    Ok(())
}

fn json<T: serde::de::DeserializeOwned>(resp: Response, what: &str) -> Result<T, String> {
    let status = resp.status();
    let body = resp.text().map_err(|e| format!("{what}: the body could not be read: {e}"))?;
    if !status.is_success() {
        return Err(format!("{what}: {status}: {}", body.chars().take(160).collect::<String>()));
    }
    serde_json::from_str(&body).map_err(|e| format!("{what}: not protocol v{PROTOCOL_VERSION} ({e})"))
}

impl Kit {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn send(&self, req: RequestBuilder) -> Result<Response, String> {
        req.send().map_err(|e| {
            let host = e.url().and_then(|u| u.host_str()).unwrap_or("the backend").to_string();
            format!("no answer: {}", elements_tls::explain(&e, &host).unwrap_or_else(|| elements_tls::chain(&e)))
        })
    }

    fn check(&mut self, name: impl Into<String>, f: impl FnOnce(&Kit) -> Check) {
        let deviation = f(self).err();
        self.report.findings.push(Finding { check: name.into(), deviation });
    }

    fn redeem(&self, code: &str, client_id: &str) -> Result<RedeemResponse, String> {
        let body =
            RedeemRequest { code: code.into(), client_id: client_id.into(), display_name: None, show_name: false };
        json(self.send(self.http.post(self.url("/v1/auth/redeem")).json(&body))?, "redeem")
    }

    fn push(&self, token: Option<&str>, signals: Vec<Signal>) -> Result<Response, String> {
        let mut req = self.http.post(self.url("/v1/signals")).json(&SignalBatch { signals });
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        self.send(req)
    }

    /// Pulls a feed to its end in pages of `limit` (bounded), returning the changes and the
    /// last page's cursor and ETag.
    fn pull(
        &self,
        element: &str,
        limit: u32,
        token: Option<&str>,
    ) -> Result<(Vec<Change>, String, Option<String>), String> {
        let mut cursor: Option<String> = None;
        let mut all = Vec::new();
        for _ in 0..10_000 {
            let mut query = vec![("limit", limit.to_string())];
            if let Some(c) = &cursor {
                query.push(("cursor", c.clone()));
            }
            let mut req = self.http.get(self.url(&format!("/v1/elements/{element}/changes"))).query(&query);
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            let resp = self.send(req)?;
            let etag = resp.headers().get("etag").and_then(|v| v.to_str().ok()).map(str::to_string);
            let page: ChangesPage = json(resp, &format!("{element} feed"))?;
            if page.element.as_str() != element {
                return Err(format!("asked for the {element} feed, got {:?}", page.element));
            }
            if page.changes.len() > limit as usize {
                return Err(format!("{} changes in a page asked to hold {limit}", page.changes.len()));
            }
            all.extend(page.changes);
            if !page.more {
                return Ok((all, page.cursor, etag));
            }
            if cursor.as_deref() == Some(page.cursor.as_str()) {
                return Err("`more: true` with the same cursor again: the feed never ends".into());
            }
            cursor = Some(page.cursor);
        }
        Err("the feed did not end within 10,000 pages".into())
    }
}

fn key(c: &Change) -> (String, String) {
    match c {
        Change::Upsert { entity } => (entity.kind().as_str().to_string(), entity_id(entity)),
        Change::Delete { kind, id } => (kind.as_str().to_string(), id.clone()),
    }
}

fn entity_id(e: &Entity) -> String {
    serde_json::to_value(e).ok().and_then(|v| v["body"]["id"].as_str().map(str::to_string)).unwrap_or_default()
}

fn signal(id: &str, seq: u64, action: Action) -> Signal {
    Signal {
        id: id.into(),
        client_id: "conformance-kit".into(),
        seq,
        schema_version: 1,
        created_at: chrono::Utc::now().fixed_offset(),
        action,
    }
}

/// Runs every check against the backend at `base` and reports each, believing the HTTPS
/// certificates `trust` believes.
pub fn run(base: &str, codes: &Codes, trust: &elements_tls::Trust) -> Report {
    let mut report = Report::default();
    let http = match Client::builder()
        .tls_backend_preconfigured(trust.client_config())
        .timeout(Duration::from_secs(20))
        .user_agent("elements-conformance-kit")
        .build()
    {
        Ok(http) => http,
        Err(e) => {
            report
                .findings
                .push(Finding { check: "an HTTP client for the kit".into(), deviation: Some(e.to_string()) });
            return report;
        }
    };
    let mut kit = Kit { http, base: base.trim_end_matches('/').to_string(), report };
    // A run of its own, so its signal ids never meet an earlier run's.
    let run_id = format!("{:x}", chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0));

    let mut manifest = None;
    kit.check("GET /v1/manifest answers protocol v1", |k| {
        let m: ManifestResponse = json(k.send(k.http.get(k.url("/v1/manifest")))?, "manifest")?;
        if m.protocol_version != PROTOCOL_VERSION {
            return Err(format!("protocol_version {} (expected {PROTOCOL_VERSION})", m.protocol_version));
        }
        manifest = Some(m.manifest);
        Ok(())
    });
    kit.check("the manifest has an ETag, and If-None-Match with it gets 304 with the ETag", |k| {
        let resp = k.send(k.http.get(k.url("/v1/manifest")))?;
        let etag = resp.headers().get("etag").and_then(|v| v.to_str().ok()).map(str::to_string);
        let etag = etag.ok_or("no ETag on the manifest")?;
        let again = k.send(k.http.get(k.url("/v1/manifest")).header("if-none-match", &etag))?;
        if again.status() != StatusCode::NOT_MODIFIED {
            return Err(format!("If-None-Match with its own ETag answered {}", again.status()));
        }
        if again.headers().get("etag").and_then(|v| v.to_str().ok()) != Some(etag.as_str()) {
            return Err("the 304 does not carry the ETag".into());
        }
        Ok(())
    });
    let Some(manifest) = manifest else { return kit.report };
    // Elements served by this backend (others live elsewhere and are checked there).
    let here: Vec<ElementKind> = manifest
        .elements
        .iter()
        .filter(|e| e.kind.has_feed() && e.base_url.as_deref().is_none_or(|b| b.trim_end_matches('/') == kit.base))
        .map(|e| e.kind)
        .collect();

    kit.check("an unknown path is 404 not_found with the error body", |k| {
        wire_error(k.send(k.http.get(k.url("/v1/no-such-route")))?, 404, WireErrorCode::NotFound)
    });
    kit.check("a method a route does not use is 405 with the error body", |k| {
        wire_error(k.send(k.http.delete(k.url("/v1/manifest")))?, 405, WireErrorCode::BadRequest)
    });
    kit.check("`me` has no feed: 404 not_found", |k| {
        wire_error(k.send(k.http.get(k.url("/v1/elements/me/changes")))?, 404, WireErrorCode::NotFound)
    });

    let mut attendee = None;
    kit.check("redeem: an unknown code is 401, a body that is not a request 400", |k| {
        let unknown = RedeemRequest {
            code: format!("NO-SUCH-CODE-{run_id}"),
            client_id: "conformance-kit".into(),
            display_name: None,
            show_name: false,
        };
        wire_error(k.send(k.http.post(k.url("/v1/auth/redeem")).json(&unknown))?, 401, WireErrorCode::Unauthorized)?;
        let garbage =
            k.http.post(k.url("/v1/auth/redeem")).header("content-type", "application/json").body("{\"code\": 5");
        wire_error(k.send(garbage)?, 400, WireErrorCode::BadRequest)
    });
    kit.check("redeem: a code gives a token with a role; the same device again is the same participant", |k| {
        let client = format!("conformance-{run_id}");
        let first = k.redeem(&codes.attendee, &client)?;
        let again = k.redeem(&codes.attendee, &client)?;
        if first.token.is_empty() {
            return Err("an empty token".into());
        }
        if first.participant_id != again.participant_id {
            return Err(format!("{} then {} for one device", first.participant_id, again.participant_id));
        }
        attendee = Some(again.token);
        Ok(())
    });

    for element in here.iter().copied() {
        let name = element.as_str();
        if element.is_staff_only() {
            // The kit holds an attendee's code, not staff's: what it can check is the refusal.
            let token = attendee.clone();
            kit.check(format!("{name} feed: an attendee token is refused with 403 forbidden"), |k| {
                let mut req = k.http.get(k.url(&format!("/v1/elements/{name}/changes")));
                if let Some(t) = &token {
                    req = req.bearer_auth(t);
                }
                wire_error(k.send(req)?, 403, WireErrorCode::Forbidden)
            });
            continue;
        }
        let token = if element.feed_needs_token() { attendee.clone() } else { None };
        let mut head = None;
        kit.check(format!("{name} feed: small pages add up to the whole feed, each entity once"), |k| {
            let (whole, cursor, etag) = k.pull(name, 500, token.as_deref())?;
            let (paged, _, _) = k.pull(name, 7, token.as_deref())?;
            let mut a: Vec<_> = whole.iter().map(key).collect();
            let mut b: Vec<_> = paged.iter().map(key).collect();
            a.sort();
            b.sort();
            let dupes = b.windows(2).filter(|w| w[0] == w[1]).count();
            if dupes > 0 {
                return Err(format!("{dupes} entities twice in one pull from no cursor"));
            }
            if a != b {
                return Err(format!("pages of 7 gave {} changes, one page of 500 gave {}", b.len(), a.len()));
            }
            head = Some((cursor, etag));
            Ok(())
        });
        kit.check(format!("{name} feed: at the head, the page's ETag gets 304"), |k| {
            let (cursor, etag) = head.clone().ok_or("the feed could not be pulled")?;
            let etag = etag.ok_or("the last page has no ETag")?;
            let mut req = k
                .http
                .get(k.url(&format!("/v1/elements/{name}/changes")))
                .query(&[("cursor", cursor.as_str()), ("limit", "500")])
                .header("if-none-match", &etag);
            if let Some(t) = &token {
                req = req.bearer_auth(t);
            }
            let resp = k.send(req)?;
            if resp.status() != StatusCode::NOT_MODIFIED {
                return Err(format!("answered {} instead of 304", resp.status()));
            }
            Ok(())
        });
    }

    if here.contains(&ElementKind::Map) {
        kit.check("floor plans: every floor with a plan_rev serves its plan as an image, ETag and 304 included", |k| {
            let (changes, _, _) = k.pull("map", 500, None)?;
            for c in &changes {
                let Change::Upsert { entity: Entity::Floor(f) } = c else { continue };
                let Some(rev) = &f.plan_rev else { continue };
                let url = k.url(&format!("/v1/floors/{}/plan", elements_protocol::link::encode(&f.id)));
                let resp = k.send(k.http.get(&url))?;
                if resp.status() != StatusCode::OK {
                    return Err(format!("floor {}: {} for a floor whose plan_rev is {rev}", f.id, resp.status()));
                }
                let kind = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
                if !["image/svg+xml", "image/png", "image/jpeg"].iter().any(|t| kind.starts_with(t)) {
                    return Err(format!("floor {}: content type {kind:?}, not an SVG, PNG or JPEG", f.id));
                }
                let etag = resp.headers().get("etag").and_then(|v| v.to_str().ok()).map(str::to_string);
                let etag = etag.ok_or_else(|| format!("floor {}: the plan has no ETag", f.id))?;
                let again = k.send(k.http.get(&url).header("if-none-match", &etag))?;
                if again.status() != StatusCode::NOT_MODIFIED {
                    return Err(format!("floor {}: If-None-Match with its ETag got {}", f.id, again.status()));
                }
            }
            let missing = k.send(k.http.get(k.url("/v1/floors/no-such-floor-e1/plan")))?;
            wire_error(missing, 404, WireErrorCode::NotFound)
        });
    }

    if let Some(first) = here.first().copied() {
        let token = if first.feed_needs_token() { attendee.clone() } else { None };
        kit.check("a cursor the backend did not issue is 410 start_over; limit 0 is 400", |k| {
            let url = k.url(&format!("/v1/elements/{}/changes", first.as_str()));
            let mut bad_cursor = k.http.get(&url).query(&[("cursor", "not-a-cursor-of-yours")]);
            let mut zero = k.http.get(&url).query(&[("limit", "0")]);
            if let Some(t) = &token {
                bad_cursor = bad_cursor.bearer_auth(t);
                zero = zero.bearer_auth(t);
            }
            wire_error(k.send(bad_cursor)?, 410, WireErrorCode::StartOver)?;
            wire_error(k.send(zero)?, 400, WireErrorCode::BadRequest)
        });
    }
    if here.contains(&ElementKind::People) {
        kit.check("the people feed needs a token: 401 without one", |k| {
            wire_error(k.send(k.http.get(k.url("/v1/elements/people/changes")))?, 401, WireErrorCode::Unauthorized)
        });
    }

    // A session to check in to, from the agenda (wherever it lives).
    let session_id: Option<String> = manifest
        .elements
        .iter()
        .find(|e| e.kind == ElementKind::Agenda)
        .map(|e| e.base_url.clone().unwrap_or_else(|| kit.base.clone()))
        .and_then(|agenda_base| {
            let agenda = Kit {
                http: kit.http.clone(),
                base: agenda_base.trim_end_matches('/').to_string(),
                report: Report::default(),
            };
            agenda.pull("agenda", 500, None).ok()
        })
        .and_then(|(changes, _, _)| {
            changes.into_iter().find_map(|c| match c {
                Change::Upsert { entity: Entity::Session(s) } => Some(s.id),
                _ => None,
            })
        });

    if here.contains(&ElementKind::Agenda) {
        kit.check("signals: without a token 401; with one, each signal gets its own answer", |k| {
            let token = attendee.clone().ok_or("no attendee token (redeem failed)")?;
            let session = session_id.clone().ok_or("the agenda has no session to check in to")?;
            wire_error(
                k.push(None, vec![signal(&format!("{run_id}-0"), 0, Action::CheckIn { session_id: session.clone() })])?,
                401,
                WireErrorCode::Unauthorized,
            )?;
            let batch = vec![
                signal(&format!("{run_id}-1"), 1, Action::CheckIn { session_id: session.clone() }),
                signal(&format!("{run_id}-2"), 2, Action::CheckIn { session_id: format!("no-such-session-{run_id}") }),
                signal("", 3, Action::CheckIn { session_id: session.clone() }),
            ];
            let answer: SignalResults = json(k.push(Some(&token), batch.clone())?, "signal results")?;
            if answer.results.len() != batch.len() {
                return Err(format!("{} results for {} signals", answer.results.len(), batch.len()));
            }
            for (sent, got) in batch.iter().zip(&answer.results) {
                if sent.id != got.id {
                    return Err(format!("result for \"{}\" where \"{}\" was sent (order must match)", got.id, sent.id));
                }
            }
            if !matches!(
                answer.results[0].outcome,
                Outcome::Accepted { .. } | Outcome::Rejected { reason: Reason::AlreadyDone, .. }
            ) {
                return Err(format!("a check-in to an existing session: {:?}", answer.results[0].outcome));
            }
            if !matches!(answer.results[1].outcome, Outcome::Rejected { reason: Reason::UnknownTarget, .. }) {
                return Err(format!(
                    "a check-in to no session: {:?} (expected unknown_target)",
                    answer.results[1].outcome
                ));
            }
            if !matches!(answer.results[2].outcome, Outcome::Rejected { reason: Reason::Malformed, .. }) {
                return Err(format!("an empty id: {:?} (expected malformed)", answer.results[2].outcome));
            }
            // The same signal again: a duplicate carrying the first decision.
            let again: SignalResults = json(k.push(Some(&token), batch[..1].to_vec())?, "signal results")?;
            match &again.results.first().map(|r| &r.outcome) {
                Some(Outcome::Duplicate { first }) if **first == answer.results[0].outcome => Ok(()),
                other => Err(format!("a resent signal: {other:?} (expected duplicate with the first decision)")),
            }
        });
        kit.check("signals: more than 200 in one batch is 413 too_large", |k| {
            let token = attendee.clone().ok_or("no attendee token")?;
            let session = session_id.clone().ok_or("no session")?;
            let many = (0..=MAX_BATCH as u64)
                .map(|i| signal(&format!("{run_id}-many-{i}"), i, Action::CheckIn { session_id: session.clone() }))
                .collect();
            wire_error(k.push(Some(&token), many)?, 413, WireErrorCode::TooLarge)
        });
        if let Some(kiosk) = &codes.kiosk {
            kit.check("roles: a kiosk token may not push signals (403 forbidden)", |k| {
                let token = k.redeem(kiosk, &format!("conformance-kiosk-{run_id}"))?.token;
                let session = session_id.clone().ok_or("no session")?;
                wire_error(
                    k.push(
                        Some(&token),
                        vec![signal(&format!("{run_id}-k"), 1, Action::CheckIn { session_id: session })],
                    )?,
                    403,
                    WireErrorCode::Forbidden,
                )
            });
        }
    }
    kit.check("roles: announcements are for staff (attendee 403, none 401)", |k| {
        let body = serde_json::json!({"text": "conformance kit"});
        wire_error(k.send(k.http.post(k.url("/v1/announcements")).json(&body))?, 401, WireErrorCode::Unauthorized)?;
        let token = attendee.clone().ok_or("no attendee token")?;
        wire_error(
            k.send(k.http.post(k.url("/v1/announcements")).bearer_auth(token).json(&body))?,
            403,
            WireErrorCode::Forbidden,
        )
    });
    if let Some(staff) = &codes.staff {
        kit.check("roles: a staff token posts an announcement (201)", |k| {
            let token = k.redeem(staff, &format!("conformance-staff-{run_id}"))?.token;
            let body = serde_json::json!({"text": format!("Conformance check {run_id}")});
            let resp = k.send(k.http.post(k.url("/v1/announcements")).bearer_auth(token).json(&body))?;
            if resp.status() != StatusCode::CREATED {
                return Err(format!("answered {}", resp.status()));
            }
            Ok(())
        });
    }
    kit.check("the Authorization scheme is case-insensitive (`bearer`)", |k| {
        let token = attendee.clone().ok_or("no attendee token")?;
        let resp = k.send(
            k.http.get(k.url("/v1/elements/people/changes")).header("authorization", format!("bearer {token}")),
        )?;
        match resp.status().as_u16() {
            200 | 404 => Ok(()), // 404: people lives elsewhere
            s => Err(format!("`bearer <token>` answered {s}")),
        }
    });
    kit.check("a body over 2 MB is 413 too_large", |k| {
        let big = format!("{{\"code\": \"{}\", \"client_id\": \"x\"}}", "x".repeat(3 * 1024 * 1024));
        let req = k.http.post(k.url("/v1/auth/redeem")).header("content-type", "application/json").body(big);
        wire_error(k.send(req)?, 413, WireErrorCode::TooLarge)
    });
    kit.check("the live stream opens with `hello` for a token (and 401 without)", |k| {
        wire_error(k.send(k.http.get(k.url("/v1/live")))?, 401, WireErrorCode::Unauthorized)?;
        let token = attendee.clone().ok_or("no attendee token")?;
        let mut resp = k.send(k.http.get(k.url("/v1/live")).bearer_auth(token))?;
        if resp.status() != StatusCode::OK {
            return Err(format!("answered {}", resp.status()));
        }
        let kind = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        if !kind.starts_with("text/event-stream") {
            return Err(format!("content-type {kind:?}"));
        }
        // Read just the first event (bounded by the client's timeout), then hang up.
        let mut seen = Vec::new();
        let mut buf = [0u8; 512];
        while !String::from_utf8_lossy(&seen).contains("\n\n") && seen.len() < 8192 {
            let n = std::io::Read::read(&mut resp, &mut buf).map_err(|e| format!("reading the stream: {e}"))?;
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buf[..n]);
        }
        let text = String::from_utf8_lossy(&seen);
        if !text.contains("event: hello") {
            return Err(format!("the first event is not `hello`: {}", text.chars().take(120).collect::<String>()));
        }
        Ok(())
    });
    kit.report
}
