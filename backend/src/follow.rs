//! `elements-backend follow URL`: keeps a published schedule (pretalx, frab, c3voc JSON,
//! iCalendar) in step with the event, asking with `If-None-Match` / `If-Modified-Since` so an
//! unchanged schedule costs the publisher a `304` and this backend nothing.

use std::time::Duration;

/// The largest schedule accepted (a big congress's frab XML is a few MB).
pub const MAX_SCHEDULE_BYTES: u64 = 64 * 1024 * 1024;

/// One published schedule, and what its server said about the copy we have.
pub struct Follower {
    url: String,
    http: reqwest::blocking::Client,
    etag: Option<String>,
    last_modified: Option<String>,
    /// The validators of the copy fetched last, kept once it was imported ([`Follower::imported`]):
    /// a copy that failed to import is asked for whole again.
    fetched: (Option<String>, Option<String>),
}

/// What one look at the schedule found.
#[derive(Debug, PartialEq, Eq)]
pub enum Fetched {
    /// `304`, or the same bytes as last time.
    Unchanged,
    Changed(Vec<u8>),
}

impl Follower {
    pub fn new(url: &str, trust: &elements_tls::Trust) -> Result<Follower, String> {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(format!("{url:?} is not an http(s) address of a published schedule"));
        }
        let http = reqwest::blocking::Client::builder()
            .tls_backend_preconfigured(trust.client_config())
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("elements-backend/", env!("CARGO_PKG_VERSION"), " (follow)"))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Follower { url: url.to_string(), http, etag: None, last_modified: None, fetched: (None, None) })
    }

    /// Asks for the schedule, conditionally when we have a copy.
    pub fn fetch(&mut self) -> Result<Fetched, String> {
        use reqwest::header::{ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
        let mut req = self.http.get(&self.url);
        if let Some(tag) = &self.etag {
            req = req.header(IF_NONE_MATCH, tag);
        }
        if let Some(when) = &self.last_modified {
            req = req.header(IF_MODIFIED_SINCE, when);
        }
        let resp = req.send().map_err(|e| {
            let host = e.url().and_then(|u| u.host_str()).unwrap_or("the schedule's server").to_string();
            format!("{}: {}", self.url, elements_tls::explain(&e, &host).unwrap_or_else(|| elements_tls::chain(&e)))
        })?;
        let status = resp.status();
        if status == reqwest::StatusCode::NOT_MODIFIED {
            return Ok(Fetched::Unchanged);
        }
        if !status.is_success() {
            return Err(format!("{} answered {status}", self.url));
        }
        let header = |name| {
            resp.headers().get(name).and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok()).map(str::to_string)
        };
        let (etag, last_modified) = (header(ETAG), header(LAST_MODIFIED));
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::Read::take(resp, MAX_SCHEDULE_BYTES + 1), &mut bytes)
            .map_err(|e| format!("{}: {e}", self.url))?;
        if bytes.len() as u64 > MAX_SCHEDULE_BYTES {
            return Err(format!("{}: larger than {MAX_SCHEDULE_BYTES} bytes", self.url));
        }
        self.fetched = (etag, last_modified);
        Ok(Fetched::Changed(bytes))
    }

    /// The copy fetched last is in the event: ask conditionally from now on.
    pub fn imported(&mut self) {
        (self.etag, self.last_modified) = std::mem::take(&mut self.fetched);
    }
}

/// `30s`, `5m`, `1h` (or plain seconds): how often `follow` looks.
pub fn parse_every(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let (number, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
    let n: u64 = number.parse().map_err(|_| format!("{text:?}: expected e.g. 30s, 5m or 1h"))?;
    let seconds = match unit {
        "" | "s" => n,
        "m" => n.saturating_mul(60),
        "h" => n.saturating_mul(3600),
        _ => return Err(format!("{text:?}: expected e.g. 30s, 5m or 1h")),
    };
    if seconds == 0 {
        return Err(format!("{text:?}: at least one second"));
    }
    Ok(Duration::from_secs(seconds))
}

#[cfg(test)]
mod tests {
    #[test]
    fn intervals_read_as_people_write_them() {
        use super::parse_every;
        assert_eq!(parse_every("5m"), Ok(std::time::Duration::from_secs(300)));
        assert_eq!(parse_every("30s"), Ok(std::time::Duration::from_secs(30)));
        assert_eq!(parse_every("2h"), Ok(std::time::Duration::from_secs(7200)));
        assert_eq!(parse_every("90"), Ok(std::time::Duration::from_secs(90)));
        for bad in ["", "0s", "5 minutes", "m", "-1m"] {
            assert!(parse_every(bad).is_err(), "{bad}");
        }
    }
}
