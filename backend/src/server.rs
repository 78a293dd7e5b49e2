//! The accept loop: HTTP/1.1 and HTTP/2 on hyper, in TLS or not, with the limits a server facing
//! hostile clients needs, and a drain on shutdown.
//!
//! - At most `max_connections` at once; beyond that, new connections wait in the kernel's
//!   backlog instead of taking file descriptors the process needs (SQLite, the live stream).
//! - A request head must arrive within `header_read_timeout` (hyper's timer, from the moment the
//!   connection opens), and a body within `body_read_timeout` (`http::guard`).
//! - A connection on which nothing is read or written for `idle_timeout` is closed (the live
//!   stream writes a keep-alive comment every 15 s, so listeners are never idle).
//! - hyper answers requests it cannot parse (a garbage request line, an oversize head) with a
//!   bare status; [`ProtocolErrors`] gives those answers the protocol's `{code, message}` body.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_connections: usize,
    pub header_read_timeout: Duration,
    pub body_read_timeout: Duration,
    pub idle_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_connections: default_max_connections(),
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(60),
        }
    }
}

/// Raises the soft file-descriptor limit to the hard one, and keeps 10 % (at least 64) of it for
/// everything that is not a client connection.
fn default_max_connections() -> usize {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit/setrlimit only read and write the struct passed by pointer.
    let soft = unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return 900;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit { rlim_cur: limit.rlim_max, rlim_max: limit.rlim_max };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit.rlim_cur = limit.rlim_max;
            }
        }
        limit.rlim_cur
    };
    let soft = usize::try_from(soft).unwrap_or(usize::MAX).min(1 << 20);
    soft.saturating_sub((soft / 10).max(64)).max(16)
}

/// Whether the server is draining (shutting down): each request can see it (the live stream ends
/// itself with a retry hint instead of being cut).
#[derive(Debug, Clone)]
pub struct Draining(pub tokio::sync::watch::Receiver<bool>);

impl Draining {
    /// Completes when the server starts draining (at once if it already is).
    pub async fn started(mut self) {
        let _ = self.0.wait_for(|draining| *draining).await;
    }
}

/// How long accepted requests may take to finish once the server is told to stop; after that the
/// connections still open are dropped.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves `router` on `listener` until `shutdown` completes, in HTTPS when `tls` is given
/// (HTTP/2 or HTTP/1.1 by ALPN) and in plain HTTP otherwise (HTTP/1.1, or HTTP/2 with prior
/// knowledge). On shutdown it stops accepting, lets each connection finish the requests it has
/// (a signal batch being stored is stored and answered), tells live listeners to come back
/// later, and returns when every connection is closed or [`DRAIN_TIMEOUT`] has passed.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    tls: Option<Arc<elements_tls::ServerCert>>,
    shutdown: impl Future<Output = ()> + Send,
) -> io::Result<()> {
    let (drain_tx, drain_rx) = tokio::sync::watch::channel(false);
    let router = router
        .layer(axum::middleware::from_fn_with_state(limits, crate::http::guard))
        .layer(axum::Extension(Draining(drain_rx.clone())));
    let acceptor = tls.map(|cert| tokio_rustls::TlsAcceptor::from(cert.server_config()));
    let permits = Arc::new(tokio::sync::Semaphore::new(limits.max_connections.max(1)));
    let mut connections = tokio::task::JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        // Finished connections are reaped as we go, so the set holds only open ones.
        while connections.try_join_next().is_some() {}
        let permit = tokio::select! {
            p = permits.clone().acquire_owned() => match p { Ok(p) => p, Err(_) => break },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of descriptors or a connection reset before accept: not fatal; give the
                // process a moment to close something.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        // Each request learns its client's address (for per-address limits).
        let service = TowerToHyperService::new(router.clone().layer(axum::Extension(crate::http::PeerAddr(peer.ip()))));
        let acceptor = acceptor.clone();
        let draining = drain_rx.clone();
        connections.spawn(async move {
            let _permit = permit;
            let started = Instant::now();
            let last = Arc::new(AtomicU64::new(0));
            let watched = Watched { inner: stream, started, last: last.clone() };
            match acceptor {
                Some(acceptor) => {
                    // The handshake is bounded like a request head: a client that opens a
                    // connection and says nothing holds it for no longer.
                    let Ok(Ok(tls)) = tokio::time::timeout(limits.header_read_timeout, acceptor.accept(watched)).await
                    else {
                        return;
                    };
                    drive(ProtocolErrors::new(tls), service, limits, started, last, draining).await;
                }
                None => drive(ProtocolErrors::new(watched), service, limits, started, last, draining).await,
            }
        });
    }
    let _ = drain_tx.send(true);
    drop(listener);
    let _ = tokio::time::timeout(DRAIN_TIMEOUT, async { while connections.join_next().await.is_some() {} }).await;
    Ok(())
}

/// One connection, HTTP/1.1 or HTTP/2, until it closes, idles out or has drained.
async fn drive<S>(
    stream: S,
    service: TowerToHyperService<Router>,
    limits: Limits,
    started: Instant,
    last: Arc<AtomicU64>,
    mut draining: tokio::sync::watch::Receiver<bool>,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout);
    builder.http2().timer(TokioTimer::new()).max_concurrent_streams(250);
    let conn = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
    tokio::pin!(conn);
    let mut told = false;
    loop {
        let idle_since = started + Duration::from_millis(last.load(Ordering::Relaxed));
        tokio::select! {
            _ = &mut conn => break,
            changed = draining.wait_for(|d| *d), if !told => {
                // Finish what was asked, take nothing new (HTTP/2 sends GOAWAY; HTTP/1.1 closes
                // after the response in flight).
                told = true;
                if changed.is_ok() {
                    conn.as_mut().graceful_shutdown();
                }
            }
            () = tokio::time::sleep_until((idle_since + limits.idle_timeout).into()) => {
                let now_idle = started + Duration::from_millis(last.load(Ordering::Relaxed));
                if now_idle == idle_since {
                    break; // nothing moved for the whole idle timeout: drop the connection
                }
            }
        }
    }
}

/// A socket that notes when it last moved a byte (milliseconds since `started`).
struct Watched<S> {
    inner: S,
    started: Instant,
    last: Arc<AtomicU64>,
}

impl<S> Watched<S> {
    fn touch(&self) {
        let ms = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last.store(ms, Ordering::Relaxed);
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(r, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.touch();
        }
        r
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        r
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Gives hyper's own error answers (a 4xx or 5xx head with `content-length: 0`, written when a
/// request cannot be parsed) the protocol's JSON error body. Our handlers never answer an error
/// without a body, so nothing else matches.
struct ProtocolErrors<S> {
    inner: S,
    pending: Vec<u8>,
}

impl<S> ProtocolErrors<S> {
    fn new(inner: S) -> Self {
        ProtocolErrors { inner, pending: Vec::new() }
    }
}

/// The rewritten answer, if `head` is hyper's bare error answer.
fn with_error_body(head: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(head).ok()?;
    let rest = text.strip_prefix("HTTP/1.1 ")?;
    let status: u16 = rest.get(..3)?.parse().ok()?;
    if !(400..600).contains(&status) || !text.ends_with("\r\n\r\n") {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    if !lower.contains("\r\ncontent-length: 0\r\n") || lower.contains("\r\ncontent-type:") {
        return None;
    }
    let (code, message) = match status {
        414 | 431 | 413 => (
            elements_protocol::sync::WireErrorCode::TooLarge,
            "the request's address or headers are too large; send less",
        ),
        _ => {
            (elements_protocol::sync::WireErrorCode::BadRequest, "this is not an HTTP/1.1 request this server can read")
        }
    };
    let body = serde_json::to_string(&elements_protocol::sync::WireError { code, message: message.into() }).ok()?;
    let cl = lower.find("\r\ncontent-length: 0\r\n")?;
    let mut out = String::with_capacity(text.len() + body.len() + 40);
    out.push_str(&text[..cl]);
    out.push_str(&format!("\r\ncontent-type: application/json\r\ncontent-length: {}\r\n", body.len()));
    out.push_str(&text[cl + "\r\ncontent-length: 0\r\n".len()..]);
    out.push_str(&body);
    Some(out.into_bytes())
}

impl<S: AsyncWrite + Unpin> ProtocolErrors<S> {
    fn drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while !self.pending.is_empty() {
            match Pin::new(&mut self.inner).poll_write(cx, &self.pending) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => {
                    self.pending.drain(..n);
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for ProtocolErrors<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for ProtocolErrors<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        if self.drain(cx)?.is_pending() {
            return Poll::Pending;
        }
        if let Some(rewritten) = with_error_body(buf) {
            self.pending = rewritten;
            let _ = self.drain(cx)?;
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.drain(cx)?.is_pending() {
            return Poll::Pending;
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.drain(cx)?.is_pending() {
            return Poll::Pending;
        }
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_bare_error_heads_are_rewritten() {
        let bare = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        let out = String::from_utf8(with_error_body(bare).expect("rewritten")).expect("utf8");
        assert!(out.starts_with("HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: "));
        assert!(
            out.ends_with(
                "\"code\":\"bad_request\",\"message\":\"this is not an HTTP/1.1 request this server can read\"}"
            ),
            "{out}"
        );
        assert!(with_error_body(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").is_none());
        assert!(with_error_body(
            b"HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: 0\r\n\r\n"
        )
        .is_none());
        assert!(with_error_body(b"HTTP/1.1 404 Not Found\r\ncontent-length: 12\r\n\r\n").is_none());
    }
}
