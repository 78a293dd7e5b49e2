//! A fault-injecting HTTP proxy on 127.0.0.1, between the app and the reference backend.
//!
//! One request per connection (it tells the backend `Connection: close`), so each request gets
//! its own fault: dropped before or after the backend saw it, a truncated answer, a 503, the
//! request sent twice, a delay. Faults come from a seeded generator, so a seed replays the
//! same faults when requests arrive in the same order.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A small deterministic generator (splitmix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// 0..n
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fault {
    Pass,
    /// Closed before the backend saw the request.
    DropRequest,
    /// The backend handled it; the answer is lost.
    DropResponse,
    /// Half the answer, then the connection closes.
    Truncate,
    /// A 503 from "the venue's gateway", without asking the backend.
    Unavailable,
    /// Sent to the backend twice (a retrying middlebox); the second answer is returned.
    Duplicate,
    Delay,
}

/// Called with a request on its way upstream (after it is sent, before the answer is read).
pub type Hook = Box<dyn FnOnce() + Send>;

pub struct Proxy {
    pub url: String,
    /// Where requests go: one of these (host:port) per connection, chosen by the seed, as a
    /// load balancer in front of several backend instances would.
    upstreams: Arc<Mutex<Vec<String>>>,
    /// Runs once, while the next signal batch is in flight upstream (to kill its instance).
    during_next_batch: Arc<Mutex<Option<Hook>>>,
    offline: Arc<AtomicBool>,
    faults_on: Arc<AtomicBool>,
    pub log: Arc<Mutex<Vec<Fault>>>,
    stop: Arc<AtomicBool>,
}

impl Proxy {
    /// Starts proxying to `upstream` (host:port). `fault_percent` of requests get a fault.
    pub fn start(upstream: &str, seed: u64, fault_percent: u64) -> Proxy {
        Proxy::start_many(&[upstream.to_string()], seed, fault_percent)
    }

    /// Starts proxying to several upstreams, each connection to one of them at random.
    pub fn start_many(upstreams: &[String], seed: u64, fault_percent: u64) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let offline = Arc::new(AtomicBool::new(false));
        let faults_on = Arc::new(AtomicBool::new(true));
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let upstreams = Arc::new(Mutex::new(
            upstreams.iter().map(|u| u.trim_start_matches("http://").to_string()).collect::<Vec<String>>(),
        ));
        let during_next_batch: Arc<Mutex<Option<Hook>>> = Arc::new(Mutex::new(None));
        let (o, f, l, st) = (offline.clone(), faults_on.clone(), log.clone(), stop.clone());
        let (ups, hook) = (upstreams.clone(), during_next_batch.clone());
        std::thread::spawn(move || {
            let mut rng = Rng::new(seed);
            for conn in listener.incoming() {
                if st.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(client) = conn else { continue };
                // Decided in arrival order, on this thread: the seed fixes the sequence.
                let fault = if o.load(Ordering::SeqCst) {
                    Fault::DropRequest
                } else if f.load(Ordering::SeqCst) && rng.chance(fault_percent) {
                    [
                        Fault::DropRequest,
                        Fault::DropResponse,
                        Fault::Truncate,
                        Fault::Unavailable,
                        Fault::Duplicate,
                        Fault::Delay,
                    ][rng.below(6) as usize]
                } else {
                    Fault::Pass
                };
                l.lock().expect("log").push(fault);
                let upstream = {
                    let ups: Vec<String> = ups.lock().expect("upstreams").clone();
                    ups[rng.below(ups.len() as u64) as usize].clone()
                };
                let hook = hook.clone();
                std::thread::spawn(move || {
                    let _ = handle(client, &upstream, fault, &hook);
                });
            }
        });
        Proxy { url, upstreams, during_next_batch, offline, faults_on, log, stop }
    }

    /// Sends later connections to these upstreams (an instance restarted on a new port).
    pub fn set_upstreams(&self, upstreams: &[String]) {
        *self.upstreams.lock().expect("upstreams") =
            upstreams.iter().map(|u| u.trim_start_matches("http://").to_string()).collect();
    }

    /// Runs `hook` while the next signal batch that passes is in flight upstream.
    pub fn during_next_batch(&self, hook: Hook) {
        *self.during_next_batch.lock().expect("hook") = Some(hook);
    }

    /// While offline every connection is closed at once, like a dead venue Wi-Fi.
    pub fn set_offline(&self, offline: bool) {
        self.offline.store(offline, Ordering::SeqCst);
    }

    pub fn set_faults(&self, on: bool) {
        self.faults_on.store(on, Ordering::SeqCst);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.url.trim_start_matches("http://"));
    }
}

/// Reads one HTTP/1.1 request (head plus Content-Length body).
fn read_request(stream: &mut TcpStream) -> std::io::Result<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.push(byte[0]);
        if buf.len() > 64 * 1024 {
            return Err(std::io::ErrorKind::InvalidData.into());
        }
    }
    let head = String::from_utf8_lossy(&buf).to_string();
    let length = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>()))
        .transpose()
        .map_err(|_| std::io::Error::from(std::io::ErrorKind::InvalidData))?
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body)?;
    Ok((head, body))
}

/// The request as sent upstream: same head, but one request per connection.
fn upstream_bytes(head: &str, body: &[u8]) -> Vec<u8> {
    let mut out = String::new();
    for line in head.trim_end().lines() {
        if !line.to_ascii_lowercase().starts_with("connection:") {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    out.push_str("Connection: close\r\n\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

fn ask_upstream(upstream: &str, request: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut up = TcpStream::connect(upstream)?;
    up.set_read_timeout(Some(Duration::from_secs(10)))?;
    up.write_all(request)?;
    let mut answer = Vec::new();
    up.read_to_end(&mut answer)?;
    Ok(answer)
}

fn handle(mut client: TcpStream, upstream: &str, fault: Fault, hook: &Mutex<Option<Hook>>) -> std::io::Result<()> {
    client.set_read_timeout(Some(Duration::from_secs(10)))?;
    let (head, body) = read_request(&mut client)?;
    let request = upstream_bytes(&head, &body);
    if head.starts_with("GET /v1/live") {
        // A stream: pass it through as it comes (faults here are just a dropped connection).
        if fault != Fault::Pass {
            return client.shutdown(Shutdown::Both);
        }
        let mut up = TcpStream::connect(upstream)?;
        up.write_all(&request)?;
        std::io::copy(&mut up, &mut client)?;
        return Ok(());
    }
    match fault {
        Fault::DropRequest => client.shutdown(Shutdown::Both),
        Fault::Unavailable => {
            let body = br#"{"code":"internal","message":"gateway says no"}"#;
            let head = format!(
                "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            client.write_all(head.as_bytes())?;
            client.write_all(body)
        }
        Fault::DropResponse => {
            ask_upstream(upstream, &request)?;
            client.shutdown(Shutdown::Both)
        }
        Fault::Truncate => {
            let answer = ask_upstream(upstream, &request)?;
            // Keep the head, cut the body: a reset in the middle of a page.
            let cut = answer.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4).unwrap_or(0);
            let keep = cut + (answer.len() - cut) / 2;
            client.write_all(&answer[..keep.min(answer.len().saturating_sub(1))])?;
            client.shutdown(Shutdown::Both)
        }
        Fault::Duplicate => {
            ask_upstream(upstream, &request)?;
            let answer = ask_upstream(upstream, &request)?;
            client.write_all(&answer)
        }
        Fault::Delay => {
            std::thread::sleep(Duration::from_millis(30));
            let answer = ask_upstream(upstream, &request)?;
            client.write_all(&answer)
        }
        Fault::Pass if head.starts_with("POST /v1/signals") => {
            let taken = hook.lock().map(|mut h| h.take()).unwrap_or(None);
            let answer = match taken {
                Some(hook) => {
                    let mut up = TcpStream::connect(upstream)?;
                    up.set_read_timeout(Some(Duration::from_secs(10)))?;
                    up.write_all(&request)?;
                    hook();
                    let mut answer = Vec::new();
                    up.read_to_end(&mut answer)?;
                    answer
                }
                None => ask_upstream(upstream, &request)?,
            };
            client.write_all(&answer)
        }
        Fault::Pass => {
            let answer = ask_upstream(upstream, &request)?;
            client.write_all(&answer)
        }
    }
}
