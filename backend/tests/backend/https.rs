//! The backend over real TLS on 127.0.0.1, with a CA the test makes: the conformance kit, HTTP/2
//! and HTTP/1.1, the live stream; and the `serve` command in HTTPS, stopping gracefully.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::sync::Arc;

use elements_backend::conformance::{run, Codes};
use elements_backend::testing::Loopback;
use elements_tls::testing::{TestCa, Validity};
use elements_tls::{ServerCert, Trust};

const BACKEND: &str = env!("CARGO_BIN_EXE_elements-backend");

struct TlsServer {
    ca: TestCa,
    backend: Loopback,
    store: Arc<elements_backend::store::SqliteStore>,
    _dir: tempfile::TempDir,
}

fn serve_tls() -> TlsServer {
    use elements_backend::store::Store;
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = TestCa::new("Venue CA");
    let (cert, key) = ca.issue(&["127.0.0.1", "localhost"], Validity::Current).write_to(dir.path());
    let store = Arc::new(elements_backend::store::SqliteStore::open(&dir.path().join("db.sqlite3")).expect("store"));
    let mut event = crate::common::demo();
    for f in &mut event.floors {
        let (_, bytes) = elements_backend::DEMO_PLANS.iter().find(|(n, _)| *n == f.plan_image).expect("a plan");
        f.plan_rev = Some(store.put_plan(&f.id, "image/svg+xml", bytes).expect("plan"));
    }
    store.replace_event(&event).expect("event");
    for (code, role) in [
        ("ATTEND", elements_protocol::auth::Role::Attendee),
        ("STAFF", elements_protocol::auth::Role::Organizer),
        ("KIOSK", elements_protocol::auth::Role::Kiosk),
    ] {
        store.add_code(code, role, false).expect("code");
    }
    let config = elements_backend::http::Config { clock: Some(crate::common::during_event()), ..Default::default() };
    let backend = Loopback::serve_tls(store.clone(), config, ServerCert::load(&cert, &key).expect("certificate"));
    TlsServer { ca, backend, store, _dir: dir }
}

fn codes() -> Codes {
    Codes { attendee: "ATTEND".into(), staff: Some("STAFF".into()), kiosk: Some("KIOSK".into()) }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_conformance_kit_passes_over_https_and_names_an_untrusted_certificate() {
    let s = serve_tls();
    assert!(s.backend.url.starts_with("https://127.0.0.1:"), "{}", s.backend.url);
    let trust = Trust::with_ca_pem(s.ca.pem().as_bytes()).expect("trust");
    let base = s.backend.url.clone();
    let report = tokio::task::spawn_blocking(move || run(&base, &codes(), &trust)).await.expect("kit ran");
    assert_eq!(report.failed(), 0, "{}", report.render());
    assert!(report.passed() >= 20, "{}", report.render());

    // Without the venue's CA the kit says why it got no answer.
    let base = s.backend.url.clone();
    let stranger = Trust::platform().expect("platform trust");
    let report = tokio::task::spawn_blocking(move || run(&base, &codes(), &stranger)).await.expect("kit ran");
    let text = report.render();
    assert!(text.contains("an authority this device does not trust"), "{text}");
}

/// A client offering `alpn`, trusting the test's CA.
fn client(ca: &TestCa, alpn: &[&[u8]]) -> reqwest::Client {
    let mut config = Trust::with_ca_pem(ca.pem().as_bytes()).expect("trust").client_config();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    reqwest::Client::builder().tls_backend_preconfigured(config).build().expect("client")
}

#[tokio::test(flavor = "multi_thread")]
async fn https_serves_http2_and_http11_and_the_live_stream_runs_over_it() {
    let s = serve_tls();
    for (alpn, version) in [
        (&[&b"h2"[..], b"http/1.1"][..], reqwest::Version::HTTP_2),
        (&[&b"http/1.1"[..]][..], reqwest::Version::HTTP_11),
    ] {
        let resp =
            client(&s.ca, alpn).get(format!("{}/v1/manifest", s.backend.url)).send().await.expect("GET over TLS");
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.version(), version);
        let manifest: serde_json::Value = resp.json().await.expect("manifest");
        assert_eq!(manifest["protocol_version"], 1, "{manifest}");
    }

    // The live stream over HTTP/2: `hello` first, then an announcement made meanwhile.
    let http = client(&s.ca, &[b"h2"]);
    let token = crate::common::redeem(&s.store, "ATTEND", "https-live");
    let staff = crate::common::redeem(&s.store, "STAFF", "https-staff");
    let mut live =
        http.get(format!("{}/v1/live", s.backend.url)).bearer_auth(&token).send().await.expect("live over TLS");
    assert_eq!(live.status(), 200);
    assert_eq!(live.version(), reqwest::Version::HTTP_2);
    let mut seen = String::new();
    let hello = tokio::time::timeout(std::time::Duration::from_secs(10), live.chunk()).await.expect("hello in time");
    seen.push_str(&String::from_utf8_lossy(&hello.expect("chunk").expect("a chunk")));
    assert!(seen.contains("event: hello"), "{seen}");
    let said = http
        .post(format!("{}/v1/announcements", s.backend.url))
        .bearer_auth(&staff)
        .json(&serde_json::json!({"text": "Doors open over TLS"}))
        .send()
        .await
        .expect("announce");
    assert!(said.status().is_success(), "{}", said.text().await.unwrap_or_default());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !seen.contains("Doors open over TLS") {
        assert!(std::time::Instant::now() < deadline, "the announcement did not arrive: {seen}");
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(10), live.chunk()).await.expect("in time");
        seen.push_str(&String::from_utf8_lossy(&chunk.expect("chunk").expect("the stream is open")));
    }
}

/// `serve --tls-cert --tls-key` as an operator runs it: HTTPS with a join link in https, and on
/// SIGTERM a request in flight is finished, the live stream is told to come back later, and the
/// process exits cleanly.
#[test]
fn serve_in_https_prints_an_https_join_link_and_stops_gracefully() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = TestCa::new("Venue CA");
    let (cert, key) = ca.issue(&["127.0.0.1"], Validity::Current).write_to(dir.path());
    let mut child = Command::new(BACKEND)
        .args(["serve", "--listen", "127.0.0.1:0", "--clock", "2027-03-10T09:30:00+01:00", "--tls-cert"])
        .arg(&cert)
        .arg("--tls-key")
        .arg(&key)
        .arg("--db")
        .arg(dir.path().join("db.sqlite3"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let (mut first, mut second) = (String::new(), String::new());
    out.read_line(&mut first).expect("line");
    out.read_line(&mut second).expect("line");
    let base = first.trim().rsplit(' ').next().expect("address").to_string();
    assert!(base.starts_with("https://127.0.0.1:"), "{first}");
    assert!(second.contains("elements://join?") && second.contains("https"), "{second}");

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let http = client(&ca, &[b"http/1.1"]);
        let redeemed: elements_protocol::auth::RedeemResponse = http
            .post(format!("{base}/v1/auth/redeem"))
            .json(&serde_json::json!({"code": "DEMO-ATTENDEE", "client_id": "graceful"}))
            .send()
            .await
            .expect("redeem")
            .json()
            .await
            .expect("token");
        let mut live = http.get(format!("{base}/v1/live")).bearer_auth(&redeemed.token).send().await.expect("live");
        let hello = live.chunk().await.expect("chunk").expect("hello");
        assert!(String::from_utf8_lossy(&hello).contains("event: hello"));

        // A request whose head has arrived and whose body has not: the server is told to stop
        // meanwhile, and must still answer it.
        let in_flight = tokio::task::spawn_blocking({
            let base = base.clone();
            let ca_pem = ca.pem().to_string();
            let token = redeemed.token.clone();
            let pid = child.id();
            move || slow_batch_across_a_sigterm(&base, &ca_pem, &token, pid)
        });
        let answer = in_flight.await.expect("in flight");
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(answer.contains("\"accepted\""), "{answer}");

        let mut rest = String::new();
        while let Ok(Some(chunk)) = live.chunk().await {
            rest.push_str(&String::from_utf8_lossy(&chunk));
        }
        assert!(rest.contains("retry: 5000"), "the live stream ended without a retry hint: {rest:?}");
    });
    let status = child.wait().expect("exit");
    let mut stderr = String::new();
    child.stderr.take().expect("stderr").read_to_string(&mut stderr).expect("stderr");
    assert!(status.success(), "{status}: {stderr}");
    assert!(stderr.contains("stopping"), "{stderr}");
}

/// Sends a signal batch's head over TLS with `Expect: 100-continue` and waits for `100 Continue`
/// (the server is reading this request's body: it is in flight), SIGTERMs the server, sends the
/// body, and returns the answer as text. (A request the server has not begun to read when it is
/// told to stop is not in flight: its connection is closed unanswered, and a client sends it
/// again, as the app does with every signal batch.)
fn slow_batch_across_a_sigterm(base: &str, ca_pem: &str, token: &str, pid: u32) -> String {
    let addr = base.trim_start_matches("https://");
    let body = serde_json::json!({"signals": [{
        "id": "graceful-1", "client_id": "graceful", "seq": 1, "schema_version": 1,
        "created_at": "2027-03-10T09:31:00+01:00",
        "type": "check_in", "session_id": "s1-001"
    }]})
    .to_string();
    let config = Arc::new(Trust::with_ca_pem(ca_pem.as_bytes()).expect("trust").client_config());
    let name = elements_tls::rustls::pki_types::ServerName::try_from("127.0.0.1").expect("name");
    let conn = elements_tls::rustls::ClientConnection::new(config, name).expect("tls");
    let tcp = std::net::TcpStream::connect(addr).expect("connect");
    tcp.set_read_timeout(Some(std::time::Duration::from_secs(20))).expect("timeout");
    let mut tls = elements_tls::rustls::StreamOwned::new(conn, tcp);
    let head = format!(
        "POST /v1/signals HTTP/1.1\r\nhost: {addr}\r\nauthorization: Bearer {token}\r\ncontent-type: application/json\r\nexpect: 100-continue\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    tls.write_all(head.as_bytes()).expect("head");
    tls.flush().expect("flush");
    let mut interim = Vec::new();
    let mut byte = [0u8; 1];
    while !interim.ends_with(b"\r\n\r\n") {
        assert!(tls.read(&mut byte).expect("the server's 100 Continue") == 1, "closed before 100 Continue");
        interim.push(byte[0]);
    }
    assert!(interim.starts_with(b"HTTP/1.1 100"), "{}", String::from_utf8_lossy(&interim));
    // SAFETY: kill(2) with a pid this test spawned.
    assert_eq!(unsafe { libc::kill(pid as i32, libc::SIGTERM) }, 0);
    tls.write_all(body.as_bytes()).expect("the body");
    tls.flush().expect("flush");
    let mut answer = Vec::new();
    let _ = tls.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).to_string()
}
