//! One backend over HTTP: the blocking client, its requests and what they answer.

use super::*;

/// One backend, spoken to over HTTP.
#[derive(Clone)]
pub struct Remote {
    pub(super) http: reqwest::blocking::Client,
    pub(super) base: String,
    pub(super) trace: bool,
}

pub(super) enum Fetched<T> {
    Fresh(T, Option<String>),
    NotModified,
}

impl Remote {
    /// A backend spoken to with the platform's trust (and `SSL_CERT_FILE`'s CA).
    pub fn new(base: &str, timeout: Duration) -> Result<Remote, SyncError> {
        Remote::trusting(base, timeout, None)
    }

    /// A backend spoken to as the engine's configuration says (timeout, trust, tracing).
    pub fn configured(base: &str, config: &EngineConfig) -> Result<Remote, SyncError> {
        Ok(Remote::trusting(base, config.timeout, config.trust.as_ref())?.traced(config.trace))
    }

    /// A backend whose HTTPS certificate is checked against `trust` (the platform's when `None`).
    pub fn trusting(base: &str, timeout: Duration, trust: Option<&elements_tls::Trust>) -> Result<Remote, SyncError> {
        let setup = |detail: String| SyncError::Unreachable { url: base.into(), detail };
        let trust = match trust {
            Some(t) => t.clone(),
            None => elements_tls::Trust::platform().map_err(|e| setup(e.to_string()))?,
        };
        let http = reqwest::blocking::Client::builder()
            .tls_backend_preconfigured(trust.client_config())
            .timeout(timeout)
            .connect_timeout(timeout)
            .user_agent(concat!("elements-app/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| setup(e.to_string()))?;
        Ok(Remote { http, base: base.trim_end_matches('/').to_string(), trace: false })
    }

    /// Prints a line to stderr per page pulled and batch pushed through this remote.
    pub fn traced(mut self, on: bool) -> Remote {
        self.trace = on;
        self
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// A person's photo (a JPEG of at most 256 KB), with the caller's token; `Ok(None)` when the
    /// backend does not give it to this caller (404).
    pub fn person_photo(&self, profile_id: &str, token: Option<&str>) -> Result<Option<Vec<u8>>, SyncError> {
        const MOST: u64 = 256 * 1024;
        let garbled = |detail: String| SyncError::Garbled { url: self.base.clone(), detail };
        let mut url = reqwest::Url::parse(&format!("{}/", self.base)).map_err(|e| garbled(e.to_string()))?;
        url.path_segments_mut()
            .map_err(|()| garbled("not a base URL".into()))?
            .pop_if_empty()
            .extend(["v1", "people", profile_id, "photo"]);
        let shown = url.to_string();
        let mut req = self.http.get(url);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().map_err(|e| unreachable(&shown, &e))?;
        let status = resp.status().as_u16();
        if status == 404 {
            return Ok(None);
        }
        if !(200..300).contains(&status) {
            let message: String = resp.text().unwrap_or_default().chars().take(200).collect();
            return Err(SyncError::Rejected { url: shown, status, code: None, message });
        }
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::Read::take(resp, MOST + 1), &mut bytes)
            .map_err(|e| unreachable(&shown, &e))?;
        if bytes.len() as u64 > MOST {
            return Err(garbled(format!("{shown}: a photo larger than {MOST} bytes")));
        }
        Ok(Some(bytes))
    }

    /// The analytics Element's figures (`GET /v1/analytics`, an organizer's token).
    pub fn analytics(&self, token: &str) -> Result<elements_protocol::analytics::AnalyticsReport, SyncError> {
        match self.get("/v1/analytics", &[], None, Some(token))? {
            Fetched::Fresh(report, _) => Ok(report),
            Fetched::NotModified => Err(SyncError::Garbled {
                url: format!("{}/v1/analytics", self.base),
                detail: "304 without If-None-Match".into(),
            }),
        }
    }

    /// A floor's plan image, as the backend serves it (at most `plans::MAX_PLAN_BYTES`).
    pub fn floor_plan(&self, floor_id: &str) -> Result<Vec<u8>, SyncError> {
        let garbled = |detail: String| SyncError::Garbled { url: self.base.clone(), detail };
        let mut url = reqwest::Url::parse(&format!("{}/", self.base)).map_err(|e| garbled(e.to_string()))?;
        url.path_segments_mut()
            .map_err(|()| garbled("not a base URL".into()))?
            .pop_if_empty()
            .extend(["v1", "floors", floor_id, "plan"]);
        let shown = url.to_string();
        let resp = self.http.get(url).send().map_err(|e| unreachable(&shown, &e))?;
        let status = resp.status().as_u16();
        if !(200..300).contains(&status) {
            let message: String = resp.text().unwrap_or_default().chars().take(200).collect();
            return Err(SyncError::Rejected { url: shown, status, code: None, message });
        }
        if resp.content_length().is_some_and(|n| n > crate::plans::MAX_PLAN_BYTES as u64) {
            return Err(garbled(format!("{shown}: the plan is larger than {} bytes", crate::plans::MAX_PLAN_BYTES)));
        }
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::Read::take(resp, crate::plans::MAX_PLAN_BYTES as u64 + 1), &mut bytes)
            .map_err(|e| unreachable(&shown, &e))?;
        if bytes.len() > crate::plans::MAX_PLAN_BYTES {
            return Err(garbled(format!("{shown}: the plan is larger than {} bytes", crate::plans::MAX_PLAN_BYTES)));
        }
        Ok(bytes)
    }

    pub(super) fn get<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
        etag: Option<&str>,
        token: Option<&str>,
    ) -> Result<Fetched<T>, SyncError> {
        let url = format!("{}{path}", self.base);
        let mut req = self.http.get(&url).query(query);
        if let Some(tag) = etag {
            req = req.header(reqwest::header::IF_NONE_MATCH, tag);
        }
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        self.finish(req, url)
    }

    pub(super) fn post<B: serde::Serialize, T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        token: Option<&str>,
    ) -> Result<T, SyncError> {
        let url = format!("{}{path}", self.base);
        let mut req = self.http.post(&url).json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        match self.finish(req, url.clone())? {
            Fetched::Fresh(v, _) => Ok(v),
            Fetched::NotModified => Err(SyncError::Garbled { url, detail: "304 to a POST".into() }),
        }
    }

    pub(super) fn finish<T: serde::de::DeserializeOwned>(
        &self,
        req: reqwest::blocking::RequestBuilder,
        url: String,
    ) -> Result<Fetched<T>, SyncError> {
        let resp = req.send().map_err(|e| unreachable(&url, &e))?;
        let status = resp.status().as_u16();
        if status == 304 {
            return Ok(Fetched::NotModified);
        }
        let new_etag = resp.headers().get(reqwest::header::ETAG).and_then(|v| v.to_str().ok()).map(str::to_string);
        // A body cut short by a reset shows up here, as a read error.
        let bytes = resp.bytes().map_err(|e| unreachable(&url, &e))?;
        if !(200..300).contains(&status) {
            let (code, message) = match serde_json::from_slice::<WireError>(&bytes) {
                Ok(w) => (Some(w.code), w.message),
                Err(_) => (None, String::from_utf8_lossy(&bytes).chars().take(200).collect()),
            };
            return Err(SyncError::Rejected { url, status, code, message });
        }
        let value = serde_json::from_slice(&bytes).map_err(|e| SyncError::Garbled { url, detail: e.to_string() })?;
        Ok(Fetched::Fresh(value, new_etag))
    }

    pub fn manifest(&self) -> Result<Manifest, SyncError> {
        self.manifest_since(None)?.map(|(m, _)| m).ok_or_else(|| SyncError::Garbled {
            url: format!("{}/v1/manifest", self.base),
            detail: "304 without If-None-Match".into(),
        })
    }

    /// The manifest and its ETag, or `None` when it is unchanged since `etag` (304).
    pub fn manifest_since(&self, etag: Option<&str>) -> Result<Option<(Manifest, Option<String>)>, SyncError> {
        Ok(self.manifest_with_unknown(etag)?.map(|(m, tag, _)| (m, tag)))
    }

    /// [`Remote::manifest_since`], plus the kinds of the Elements it enables that this app does
    /// not know (they are left out of the typed manifest).
    pub(super) fn manifest_with_unknown(&self, etag: Option<&str>) -> Result<Option<FetchedManifest>, SyncError> {
        let url = || format!("{}/v1/manifest", self.base);
        match self.get::<serde_json::Value>("/v1/manifest", &[], etag, None)? {
            Fetched::Fresh(raw, tag) => {
                let unknown: Vec<String> = raw["manifest"]["elements"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|e| e["kind"].as_str())
                    .filter(|k| !ElementKind::ALL.iter().any(|known| known.as_str() == *k))
                    .map(str::to_string)
                    .collect();
                let m: ManifestResponse = serde_json::from_value(raw)
                    .map_err(|e| SyncError::Garbled { url: url(), detail: e.to_string() })?;
                if m.protocol_version != PROTOCOL_VERSION {
                    return Err(SyncError::Garbled {
                        url: url(),
                        detail: format!("protocol version {} (this app speaks {PROTOCOL_VERSION})", m.protocol_version),
                    });
                }
                Ok(Some((m.manifest, tag, unknown)))
            }
            Fetched::NotModified if etag.is_some() => Ok(None),
            Fetched::NotModified => Err(SyncError::Garbled { url: url(), detail: "304 without If-None-Match".into() }),
        }
    }
}

/// A manifest as read: the manifest, its ETag, and the Element kinds this app does not know.
pub(super) type FetchedManifest = (Manifest, Option<String>, Vec<String>);

/// Why `url` could not be reached, in words: a refused certificate as a sentence (another name,
/// expired, an authority this device does not trust), otherwise the error and its causes.
pub(super) fn unreachable(url: &str, error: &(dyn std::error::Error + 'static)) -> SyncError {
    let host = reqwest::Url::parse(url).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_default();
    let detail = elements_tls::explain(error, &host).unwrap_or_else(|| elements_tls::chain(error));
    SyncError::Unreachable { url: url.into(), detail }
}
