//! HTTPS for the app and the backend, on rustls with the `ring` provider (no OpenSSL to link on
//! phones, no cmake on 2 cores).
//!
//! - [`Trust`]: whom a client believes — the platform's roots (the OS store: Android's and iOS's
//!   own verifiers there), plus a venue's own CA given as a PEM file (`SSL_CERT_FILE`, or a
//!   `--ca-file` flag).
//! - [`explain`]: a refused handshake as a sentence a person can act on (another name, expired,
//!   an authority this device does not trust), found anywhere in an error's chain.
//! - [`ServerCert`]: the backend's certificate and key from PEM files, read again when the files
//!   change, so a renewed certificate is served without a restart.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::{Duration, Instant, SystemTime};

use rustls::client::danger::ServerCertVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;

pub use rustls;

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("{path}: {detail}")]
    File { path: String, detail: String },
    #[error("{0}")]
    Setup(String),
}

/// The one crypto provider: ring. (rustls marks it deprecated for lacking post-quantum key
/// exchange; aws-lc-rs has it but needs cmake and a C toolchain per phone target. Revisit when
/// ring gains ML-KEM.)
pub fn provider() -> Arc<CryptoProvider> {
    static PROVIDER: OnceLock<Arc<CryptoProvider>> = OnceLock::new();
    #[allow(deprecated)]
    PROVIDER.get_or_init(|| Arc::new(rustls::crypto::ring::default_provider())).clone()
}

/// Makes ring the process's default provider, for HTTP clients built without a [`Trust`] (a
/// plain `reqwest::Client::new()` in a tool or a test). Idempotent.
pub fn install_default_provider() {
    if CryptoProvider::get_default().is_none() {
        let _ = CryptoProvider::install_default((*provider()).clone());
    }
}

/// Whom a client trusts. Cheap to clone; the platform's roots are read once per process.
#[derive(Clone)]
pub struct Trust {
    verifier: Arc<dyn ServerCertVerifier>,
}

impl std::fmt::Debug for Trust {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Trust")
    }
}

impl Trust {
    /// The platform's roots, plus the CA file `SSL_CERT_FILE` names (the variable OpenSSL,
    /// curl and rustls' native-certs all read), read once per process. A device with no
    /// authority to trust (no CA store, an unreadable `SSL_CERT_FILE`) still speaks plain HTTP:
    /// its HTTPS connections are refused with that reason.
    pub fn platform() -> Result<Trust, TlsError> {
        static PLATFORM: OnceLock<Trust> = OnceLock::new();
        Ok(PLATFORM
            .get_or_init(|| {
                let extra = match std::env::var_os("SSL_CERT_FILE").filter(|v| !v.is_empty()) {
                    Some(file) => match read_certificates(Path::new(&file)) {
                        Ok(certs) => certs,
                        Err(e) => return Trust::refusing(format!("SSL_CERT_FILE: {e}")),
                    },
                    None => Vec::new(),
                };
                Trust::with_roots(extra).unwrap_or_else(|e| Trust::refusing(e.to_string()))
            })
            .clone())
    }

    /// Trusts no server, saying why (`reason`): what a device without any authority gets.
    fn refusing(reason: String) -> Trust {
        install_default_provider();
        tracing::warn!(%reason, "HTTPS servers cannot be verified on this device");
        Trust { verifier: Arc::new(RefuseAll { reason, schemes: provider().signature_verification_algorithms }) }
    }

    /// The platform's roots plus every CA certificate in a PEM file (a venue's own CA).
    pub fn with_ca_file(path: &Path) -> Result<Trust, TlsError> {
        Trust::with_roots(read_certificates(path)?)
    }

    /// The platform's roots plus the CA certificates in PEM text.
    pub fn with_ca_pem(pem: &[u8]) -> Result<Trust, TlsError> {
        let certs = certificates_in(pem).map_err(|detail| TlsError::File { path: "CA".into(), detail })?;
        Trust::with_roots(certs)
    }

    fn with_roots(extra: Vec<CertificateDer<'static>>) -> Result<Trust, TlsError> {
        install_default_provider();
        let provider = provider();
        let verifier = if extra.is_empty() {
            rustls_platform_verifier::Verifier::new(provider)
        } else {
            with_extra_roots(extra, provider)
        }
        .map_err(|e| TlsError::Setup(format!("no certificate authorities to trust: {e}")))?;
        Ok(Trust { verifier: Arc::new(verifier) })
    }

    /// A client configuration offering HTTP/1.1 (the app's requests are small and few; one
    /// connection kept alive serves them).
    pub fn client_config(&self) -> rustls::ClientConfig {
        let mut config = rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .expect("ring supports TLS 1.2 and 1.3")
            .dangerous()
            .with_custom_certificate_verifier(self.verifier.clone())
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        config
    }
}

/// The verifier of a device with no authority to trust: every certificate is refused, with the
/// reason.
#[derive(Debug)]
struct RefuseAll {
    reason: String,
    schemes: rustls::crypto::WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for RefuseAll {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Err(rustls::Error::General(format!("no certificate authority to trust on this device ({})", self.reason)))
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.schemes)
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.schemes)
    }
    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.schemes.supported_schemes()
    }
}

#[cfg(not(target_os = "android"))]
fn with_extra_roots(
    extra: Vec<CertificateDer<'static>>,
    provider: Arc<CryptoProvider>,
) -> Result<rustls_platform_verifier::Verifier, rustls::Error> {
    rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider)
}

#[cfg(target_os = "android")]
fn with_extra_roots(
    _extra: Vec<CertificateDer<'static>>,
    _provider: Arc<CryptoProvider>,
) -> Result<rustls_platform_verifier::Verifier, rustls::Error> {
    // Android's verifier trusts what the system settings hold; a venue CA is installed there.
    Err(rustls::Error::General("on Android a venue's own CA is installed in the system settings".into()))
}

fn read_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| TlsError::File { path: shown.clone(), detail: e.to_string() })?;
    certificates_in(&bytes).map_err(|detail| TlsError::File { path: shown, detail })
}

fn certificates_in(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("not a PEM certificate file ({e})"))?;
    if certs.is_empty() {
        return Err("holds no PEM certificate (-----BEGIN CERTIFICATE-----)".into());
    }
    Ok(certs)
}

/// A sentence saying why a TLS connection to `host` was refused, if a TLS refusal is anywhere in
/// `error`'s chain of sources; `None` for every other failure (the caller's own message stands).
pub fn explain(error: &(dyn std::error::Error + 'static), host: &str) -> Option<String> {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = next {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(sentence(tls, host));
        }
        // An io::Error's `source()` skips the error it wraps (and connectors wrap io::Errors in
        // io::Errors): step into what it holds instead.
        if let Some(inner) = e.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()) {
            next = Some(inner as &(dyn std::error::Error + 'static));
            continue;
        }
        next = e.source();
    }
    None
}

/// An error and its causes on one line ("error sending request: connection refused"), for
/// errors whose `Display` leaves the cause out.
pub fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut next = error.source();
    while let Some(cause) = next {
        let said = cause.to_string();
        if !text.contains(&said) {
            text.push_str(": ");
            text.push_str(&said);
        }
        next = cause.source();
    }
    text
}

fn sentence(error: &rustls::Error, host: &str) -> String {
    use rustls::CertificateError as C;
    const TRUST_HOW: &str = "if it is the venue's own, give its CA to the app with SSL_CERT_FILE (or --ca-file)";
    match error {
        rustls::Error::InvalidCertificate(c) => match c {
            C::NotValidForName => format!("{host}'s certificate is for another name than {host}"),
            C::NotValidForNameContext { expected, presented } => {
                let names: Vec<&str> = presented.iter().map(String::as_str).collect();
                format!("{host}'s certificate is for another name ({}), not {expected:?}", names.join(", "))
            }
            C::Expired => format!("{host}'s certificate has expired"),
            C::ExpiredContext { not_after, .. } => {
                format!("{host}'s certificate expired on {}", date(not_after.as_secs()))
            }
            C::NotValidYet | C::NotValidYetContext { .. } => {
                format!("{host}'s certificate is not valid yet: check this device's date and time")
            }
            C::UnknownIssuer => {
                format!("{host}'s certificate is signed by an authority this device does not trust; {TRUST_HOW}")
            }
            C::Revoked => format!("{host}'s certificate has been revoked"),
            other => format!("{host}'s certificate was refused ({other:?})"),
        },
        rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. } => {
            format!("{host} did not answer in TLS: is the address http:// rather than https://?")
        }
        rustls::Error::AlertReceived(alert) => format!("{host} ended the TLS handshake ({alert:?})"),
        other => format!("the TLS handshake with {host} failed: {other}"),
    }
}

/// `2026-12-07` from seconds since 1970 (civil-from-days, Howard Hinnant's algorithm): the one
/// date this crate prints needs no calendar crate.
fn date(secs: u64) -> String {
    let days = (secs / 86_400) as i64 + 719_468;
    let era = days.div_euclid(146_097);
    let doe = days.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The backend's certificate chain and key, from PEM files, read again (at most once a second,
/// on a handshake) when either file changes. A renewal that does not parse, or whose key does
/// not fit its certificate, is named on stderr and the previous certificate stays served.
pub struct ServerCert {
    cert: PathBuf,
    key: PathBuf,
    current: RwLock<(Arc<CertifiedKey>, Stamp)>,
    checked: Mutex<Instant>,
}

type Stamp = [(Option<SystemTime>, u64); 2];

impl std::fmt::Debug for ServerCert {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerCert").field("cert", &self.cert).field("key", &self.key).finish()
    }
}

impl ServerCert {
    /// Reads both files now: a server never starts with a certificate it cannot serve.
    pub fn load(cert: &Path, key: &Path) -> Result<Arc<ServerCert>, TlsError> {
        let stamp = stamp(cert, key);
        let loaded = certified_key(cert, key)?;
        Ok(Arc::new(ServerCert {
            cert: cert.to_path_buf(),
            key: key.to_path_buf(),
            current: RwLock::new((Arc::new(loaded), stamp)),
            checked: Mutex::new(Instant::now()),
        }))
    }

    /// A server configuration offering HTTP/2 and HTTP/1.1.
    pub fn server_config(self: &Arc<Self>) -> Arc<rustls::ServerConfig> {
        let mut config = rustls::ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .expect("ring supports TLS 1.2 and 1.3")
            .with_no_client_auth()
            .with_cert_resolver(self.clone());
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Arc::new(config)
    }

    /// Reads the files again if they changed since the last look.
    pub fn refresh(&self) {
        let now_stamp = stamp(&self.cert, &self.key);
        let unchanged = self.current.read().map(|c| c.1 == now_stamp).unwrap_or(true);
        if unchanged {
            return;
        }
        match certified_key(&self.cert, &self.key) {
            Ok(key) => {
                if let Ok(mut current) = self.current.write() {
                    *current = (Arc::new(key), now_stamp);
                }
                tracing::info!(cert = %self.cert.display(), "serving the renewed certificate");
            }
            Err(e) => {
                // Not stamped: the next look tries again (the second file may still be on its way).
                tracing::warn!(error = %e, "kept the previous certificate");
            }
        }
    }

    fn current(&self) -> Arc<CertifiedKey> {
        let due = self
            .checked
            .lock()
            .map(|mut last| {
                let due = last.elapsed() >= Duration::from_secs(1);
                if due {
                    *last = Instant::now();
                }
                due
            })
            .unwrap_or(false);
        if due {
            self.refresh();
        }
        match self.current.read() {
            Ok(c) => c.0.clone(),
            Err(poisoned) => poisoned.into_inner().0.clone(),
        }
    }
}

impl ResolvesServerCert for ServerCert {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.current())
    }
}

fn stamp(cert: &Path, key: &Path) -> Stamp {
    let one = |p: &Path| match std::fs::metadata(p) {
        Ok(m) => (m.modified().ok(), m.len()),
        Err(_) => (None, 0),
    };
    [one(cert), one(key)]
}

fn certified_key(cert: &Path, key: &Path) -> Result<CertifiedKey, TlsError> {
    let chain = read_certificates(cert)?;
    let key_shown = key.display().to_string();
    let private = PrivateKeyDer::from_pem_file(key).map_err(|e| TlsError::File {
        path: key_shown.clone(),
        detail: format!("not a PEM private key (PKCS#8, PKCS#1 or SEC1): {e}"),
    })?;
    let signing = provider()
        .key_provider
        .load_private_key(private)
        .map_err(|e| TlsError::File { path: key_shown.clone(), detail: format!("an unusable key: {e}") })?;
    let certified = CertifiedKey::new(chain, signing);
    certified.keys_match().map_err(|e| TlsError::File {
        path: key_shown,
        detail: format!("this key does not belong to the certificate in {} ({e})", cert.display()),
    })?;
    Ok(certified)
}

#[cfg(feature = "testing")]
pub mod testing;
