//! Clients that misbehave on purpose, against the reference backend on 127.0.0.1: half-open
//! connections, bodies announced and never sent, requests that are not HTTP, odd paths and
//! queries. Every answer is the protocol's `{code, message}`, and the server keeps answering.

use std::time::Duration;

use crate::common::{start, start_with};
use elements_backend::server::Limits;
use elements_protocol::sync::{WireError, WireErrorCode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Sends raw bytes and reads the whole answer (the server closes or the bound ends it).
async fn raw(base: &str, request: &[u8]) -> String {
    let addr = base.trim_start_matches("http://");
    let mut s = TcpStream::connect(addr).await.expect("connect");
    s.write_all(request).await.expect("write");
    let mut out = Vec::new();
    let mut buf = [0u8; 8192];
    // Bounded: the answer to a bad request comes at once; an answer to a good one too.
    loop {
        match tokio::time::timeout(Duration::from_secs(15), s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) | Err(_) => break,
            Ok(Ok(n)) => {
                out.extend_from_slice(&buf[..n]);
                if complete(&out) {
                    break;
                }
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What the server sent until it closed the connection, or `None` if it kept it open for 20 s.
async fn closed_by_server(mut c: TcpStream) -> Option<String> {
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout(Duration::from_secs(20), c.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return Some(String::from_utf8_lossy(&got).into_owned()),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n.min(buf.len())]),
            Err(_) => return None,
        }
    }
}

/// Whether `out` holds a whole response with a Content-Length body.
fn complete(out: &[u8]) -> bool {
    let text = String::from_utf8_lossy(out);
    let Some((head, body)) = text.split_once("\r\n\r\n") else { return false };
    let len = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_string()))
        .and_then(|v| v.parse::<usize>().ok());
    len.is_some_and(|n| body.len() >= n)
}

fn wire(answer: &str, status: u16) -> WireError {
    assert!(answer.starts_with(&format!("HTTP/1.1 {status}")), "{answer}");
    let body = answer.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not a WireError body ({e}): {answer}"))
}

#[tokio::test]
async fn half_open_connections_are_closed_and_the_server_keeps_answering() {
    let limits = Limits {
        max_connections: 40,
        header_read_timeout: Duration::from_millis(500),
        body_read_timeout: Duration::from_secs(1),
        idle_timeout: Duration::from_secs(1),
    };
    let s = start_with(limits).await;
    let addr = s.base.trim_start_matches("http://").to_string();
    // Five times the connection limit, each sending half a request head and then nothing.
    let mut half_open = Vec::new();
    for _ in 0..200 {
        let mut c = TcpStream::connect(&addr).await.expect("connect");
        c.write_all(b"GET /v1/manifest HTTP/1.1\r\nHost: x\r\n").await.expect("write");
        half_open.push(c);
    }
    // A well-behaved client still gets its answer: the slots free up as heads time out.
    let answer = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
        .get(format!("{}/v1/manifest", s.base))
        .send()
        .await
        .expect("answered despite 200 half-open connections");
    assert_eq!(answer.status(), 200);
    // And every half-open connection is closed by the server (read gives EOF or a reset).
    for c in half_open {
        assert!(closed_by_server(c).await.is_some(), "a half-open connection was left open");
    }
    // An idle keep-alive connection is closed too, after its answer.
    let mut idle = TcpStream::connect(&addr).await.expect("connect");
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.expect("write");
    let answered = closed_by_server(idle).await.expect("an idle connection was left open");
    assert!(answered.contains("200 OK"), "{answered}");
}

#[tokio::test]
async fn bodies_announced_too_large_or_never_sent_are_answered_at_once_or_within_the_timeout() {
    let limits = Limits { body_read_timeout: Duration::from_millis(500), ..Limits::default() };
    let s = start_with(limits).await;
    let huge =
        raw(&s.base, b"POST /v1/auth/redeem HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999\r\n\r\n").await;
    assert_eq!(wire(&huge, 413).code, WireErrorCode::TooLarge);
    let short = raw(
        &s.base,
        b"POST /v1/auth/redeem HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"code\"",
    )
    .await;
    assert_eq!(wire(&short, 408).code, WireErrorCode::BadRequest);
}

#[tokio::test]
async fn what_the_http_layer_refuses_still_gets_the_protocols_error_body() {
    let s = start().await;
    let garbage = raw(&s.base, b"HELLO THERE\r\n\r\n").await;
    assert_eq!(wire(&garbage, 400).code, WireErrorCode::BadRequest);
    let negative = raw(&s.base, b"POST /v1/signals HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n").await;
    assert_eq!(wire(&negative, 400).code, WireErrorCode::BadRequest);
    let long_url = format!("GET /v1/manifest?x={} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(1 << 20));
    let answer = raw(&s.base, long_url.as_bytes()).await;
    let status: u16 = answer.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    assert!((400..500).contains(&status), "{}", answer.lines().next().unwrap_or(""));
    let e = wire(&answer, status);
    assert!(matches!(e.code, WireErrorCode::TooLarge | WireErrorCode::BadRequest), "{e:?}");
}

#[tokio::test]
async fn odd_paths_queries_and_headers_get_protocol_answers() {
    let s = start().await;
    let bad_utf8 = raw(&s.base, b"GET /v1/elements/%FF%FE/changes HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert_eq!(wire(&bad_utf8, 404).code, WireErrorCode::NotFound);
    let twice = raw(&s.base, b"GET /v1/elements/agenda/changes?limit=5&limit=6 HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert_eq!(wire(&twice, 400).code, WireErrorCode::BadRequest);
    let me = raw(&s.base, b"GET /v1/elements/me/changes HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert_eq!(wire(&me, 404).code, WireErrorCode::NotFound, "`me` has no feed");

    let http = reqwest::Client::new();
    for scheme in ["bearer", "BEARER", "Bearer"] {
        let answer = http
            .get(format!("{}/v1/elements/people/changes", s.base))
            .header("Authorization", format!("{scheme} {}", s.token))
            .send()
            .await
            .expect("GET");
        assert_eq!(answer.status(), 200, "scheme {scheme}");
    }
    let huge_client = serde_json::json!({"code": "ATTEND", "client_id": "x".repeat(1 << 20)});
    let answer = http.post(format!("{}/v1/auth/redeem", s.base)).json(&huge_client).send().await.expect("POST");
    assert_eq!(answer.status(), 400);
    let e: WireError = answer.json().await.expect("wire error");
    assert!(e.message.contains("1 to 200"), "{}", e.message);
}
