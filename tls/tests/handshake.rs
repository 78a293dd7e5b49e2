//! Real TLS handshakes on 127.0.0.1 with certificates made by the test: what is trusted, what is
//! refused and how the refusal reads, and a renewed certificate served without a restart.

use std::sync::Arc;
use std::time::{Duration, Instant};

use elements_tls::rustls::pki_types::ServerName;
use elements_tls::testing::{TestCa, Validity};
use elements_tls::{explain, ServerCert, Trust};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A TLS server answering "hello" to every connection, with `cert`'s certificate.
async fn serve(cert: Arc<ServerCert>) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let acceptor = tokio_rustls::TlsAcceptor::from(cert.server_config());
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(mut tls) = acceptor.accept(tcp).await {
                    let _ = tls.write_all(b"hello").await;
                    let _ = tls.shutdown().await;
                }
            });
        }
    });
    addr
}

/// Connects to `addr` as `name`, trusting `trust`; the server's leaf certificate, or the error.
async fn connect(addr: std::net::SocketAddr, name: &str, trust: &Trust) -> Result<Vec<u8>, std::io::Error> {
    let connector = tokio_rustls::TlsConnector::from(Arc::new(trust.client_config()));
    let tcp = TcpStream::connect(addr).await?;
    let server_name = ServerName::try_from(name.to_string()).expect("a server name");
    let mut tls = connector.connect(server_name, tcp).await?;
    let mut greeting = Vec::new();
    tls.read_to_end(&mut greeting).await?;
    assert_eq!(greeting, b"hello");
    let leaf = tls.get_ref().1.peer_certificates().and_then(|c| c.first()).expect("a certificate").to_vec();
    Ok(leaf)
}

fn refusal(result: Result<Vec<u8>, std::io::Error>) -> String {
    let e = result.expect_err("the handshake must be refused");
    explain(&e, "127.0.0.1").unwrap_or_else(|| panic!("no TLS refusal found in {e:?}"))
}

#[tokio::test]
async fn a_certificate_from_the_trusted_ca_for_this_name_is_accepted_and_others_are_refused_in_a_sentence() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = TestCa::new("Venue CA");
    let trust = Trust::with_ca_pem(ca.pem().as_bytes()).expect("trust");

    let (cert, key) = ca.issue(&["localhost", "127.0.0.1"], Validity::Current).write_to(dir.path());
    let addr = serve(ServerCert::load(&cert, &key).expect("load")).await;
    connect(addr, "127.0.0.1", &trust).await.expect("trusted by IP");
    connect(addr, "localhost", &trust).await.expect("trusted by name");

    // Another name.
    let other = tempfile::tempdir().expect("tempdir");
    let (cert, key) = ca.issue(&["tickets.example.org"], Validity::Current).write_to(other.path());
    let addr = serve(ServerCert::load(&cert, &key).expect("load")).await;
    let said = refusal(connect(addr, "127.0.0.1", &trust).await);
    assert!(said.contains("is for another name") && said.contains("tickets.example.org"), "{said}");

    // Expired.
    let expired = tempfile::tempdir().expect("tempdir");
    let (cert, key) = ca.issue(&["127.0.0.1"], Validity::Expired).write_to(expired.path());
    let addr = serve(ServerCert::load(&cert, &key).expect("load")).await;
    let said = refusal(connect(addr, "127.0.0.1", &trust).await);
    assert!(said.contains("certificate expired on 20"), "{said}");

    // A CA this device was not given.
    let stranger = TestCa::new("Someone else's CA");
    let unknown = tempfile::tempdir().expect("tempdir");
    let (cert, key) = stranger.issue(&["127.0.0.1"], Validity::Current).write_to(unknown.path());
    let addr = serve(ServerCert::load(&cert, &key).expect("load")).await;
    let said = refusal(connect(addr, "127.0.0.1", &trust).await);
    assert!(said.contains("an authority this device does not trust") && said.contains("SSL_CERT_FILE"), "{said}");

    // Not TLS at all: a plain HTTP server.
    let plain = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = plain.local_addr().expect("addr");
    tokio::spawn(async move {
        if let Ok((mut tcp, _)) = plain.accept().await {
            let mut buf = [0u8; 512];
            let _ = tcp.read(&mut buf).await;
            let _ = tcp.write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n").await;
        }
    });
    let said = refusal(connect(addr, "127.0.0.1", &trust).await);
    assert!(said.contains("did not answer in TLS"), "{said}");
}

#[tokio::test]
async fn a_renewed_certificate_is_served_without_a_restart_and_a_broken_renewal_keeps_the_old_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = TestCa::new("Venue CA");
    let trust = Trust::with_ca_pem(ca.pem().as_bytes()).expect("trust");
    let (cert, key) = ca.issue(&["127.0.0.1"], Validity::Current).write_to(dir.path());
    let server = ServerCert::load(&cert, &key).expect("load");
    let addr = serve(server.clone()).await;
    let first = connect(addr, "127.0.0.1", &trust).await.expect("first certificate");

    // A key that does not belong to the certificate: named, and the served one stays.
    let half = ca.issue(&["127.0.0.1"], Validity::Current);
    std::fs::write(&cert, &half.cert_pem).expect("write");
    server.refresh();
    assert_eq!(connect(addr, "127.0.0.1", &trust).await.expect("still served"), first);

    // The renewal completes (its key arrives): served from the next look on, with no restart.
    std::fs::write(&key, &half.key_pem).expect("write");
    let deadline = Instant::now() + Duration::from_secs(10);
    let renewed = loop {
        let seen = connect(addr, "127.0.0.1", &trust).await.expect("served");
        if seen != first {
            break seen;
        }
        assert!(Instant::now() < deadline, "the renewed certificate was not served within 10 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let expected = elements_tls::rustls::pki_types::CertificateDer::from_pem_slice(half.cert_pem.as_bytes());
    use elements_tls::rustls::pki_types::pem::PemObject;
    assert_eq!(renewed, expected.expect("pem").to_vec());
}

#[test]
fn a_ca_file_that_is_not_a_certificate_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("venue-ca.pem");
    std::fs::write(&path, "not a certificate").expect("write");
    let e = Trust::with_ca_file(&path).expect_err("refused").to_string();
    assert!(e.contains("venue-ca.pem") && e.contains("no PEM certificate"), "{e}");
    let e = Trust::with_ca_file(&dir.path().join("missing.pem")).expect_err("refused").to_string();
    assert!(e.contains("missing.pem"), "{e}");
}
