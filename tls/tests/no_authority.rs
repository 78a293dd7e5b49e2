//! A device with no authority to trust (here: `SSL_CERT_FILE` names a file that is not there)
//! still gets a `Trust` (so plain HTTP keeps working), and its HTTPS connections are refused
//! with the reason. Its own test binary: the platform's trust is read once per process.

use std::sync::Arc;

use elements_tls::rustls::pki_types::ServerName;
use elements_tls::testing::{TestCa, Validity};
use elements_tls::{explain, ServerCert, Trust};
use tokio::io::AsyncWriteExt;

#[tokio::test]
async fn without_any_authority_https_is_refused_with_the_reason_and_nothing_panics() {
    std::env::set_var("SSL_CERT_FILE", "/nonexistent/elements-test-ca.pem");
    let trust = Trust::platform().expect("a trust, even without authorities");
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = TestCa::new("Venue CA");
    let (cert, key) = ca.issue(&["127.0.0.1"], Validity::Current).write_to(dir.path());
    let acceptor = tokio_rustls::TlsAcceptor::from(ServerCert::load(&cert, &key).expect("load").server_config());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        if let Ok((tcp, _)) = listener.accept().await {
            if let Ok(mut tls) = acceptor.accept(tcp).await {
                let _ = tls.shutdown().await;
            }
        }
    });
    let connector = tokio_rustls::TlsConnector::from(Arc::new(trust.client_config()));
    let tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let name = ServerName::try_from("127.0.0.1").expect("name");
    let e = connector.connect(name, tcp).await.expect_err("refused");
    let said = explain(&e, "127.0.0.1").expect("a TLS refusal");
    assert!(
        said.contains("no certificate authority to trust on this device") && said.contains("SSL_CERT_FILE"),
        "{said}"
    );
}
