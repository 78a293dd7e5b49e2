//! Running commands and background services (Xvfb, tauri-driver) with clean shutdown.

use std::borrow::BorrowMut;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

pub type Cmd = Command;

/// Runs a command to completion, echoing it first; a non-zero exit is an error naming it.
pub fn run(mut cmd: impl BorrowMut<Command>) -> Result<(), String> {
    let cmd = cmd.borrow_mut();
    let shown = describe(cmd);
    eprintln!("    $ {shown}");
    let started = Instant::now();
    let status = cmd.status().map_err(|e| format!("could not start `{shown}`: {e}"))?;
    if status.success() {
        eprintln!("    ({:.1} s)", started.elapsed().as_secs_f64());
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

/// As [`run`], and answers what the command wrote to stdout, which is echoed line by line as
/// it comes (a benchmark's figures are read from it).
pub fn run_tee(mut cmd: impl BorrowMut<Command>) -> Result<String, String> {
    let cmd = cmd.borrow_mut();
    let shown = describe(cmd);
    eprintln!("    $ {shown}");
    let started = Instant::now();
    let mut child = cmd.stdout(Stdio::piped()).spawn().map_err(|e| format!("could not start `{shown}`: {e}"))?;
    let mut out = String::new();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line.map_err(|e| format!("reading the output of `{shown}`: {e}"))?;
            println!("{line}");
            out.push_str(&line);
            out.push('\n');
        }
    }
    let status = child.wait().map_err(|e| format!("waiting for `{shown}`: {e}"))?;
    if status.success() {
        eprintln!("    ({:.1} s)", started.elapsed().as_secs_f64());
        Ok(out)
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

/// Runs a command and returns its stdout, or `None` if it is missing or fails.
pub fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.stderr(Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn describe(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

pub fn unique() -> u64 {
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

fn terminate(child: &mut Child, name: &str) {
    // SIGTERM first: tauri-driver only stops its WebKitWebDriver child on a clean signal.
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    eprintln!("    {name} ignored SIGTERM for 10 s; killing it");
    let _ = child.kill();
    let _ = child.wait();
}

/// A service that lives as long as this value; logs go to `target/logs/<name>.log`.
pub struct Background {
    child: Child,
    name: String,
}

impl Background {
    pub fn spawn(name: &str, cmd: &mut Command) -> Result<Background, String> {
        let logs = crate::target_dir().join("logs");
        std::fs::create_dir_all(&logs).map_err(|e| format!("creating {}: {e}", logs.display()))?;
        let log_path = logs.join(format!("{name}.log"));
        let log = std::fs::File::create(&log_path).map_err(|e| format!("creating {}: {e}", log_path.display()))?;
        let err = log.try_clone().map_err(|e| e.to_string())?;
        eprintln!("    starting {name} in the background (log: {})", log_path.display());
        let child = cmd
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("could not start {name} ({}): {e}", describe(cmd)))?;
        Ok(Background { child, name: name.to_string() })
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        terminate(&mut self.child, &self.name);
    }
}

/// A virtual X screen.
pub struct Xvfb {
    _server: Background,
    pub display: u32,
}

impl Xvfb {
    /// Starts Xvfb on the first free display number from `preferred`, and waits for its socket.
    pub fn start(preferred: u32, screen: &str) -> Result<Xvfb, String> {
        let display = (preferred..preferred + 50)
            .find(|n| {
                !Path::new(&format!("/tmp/.X{n}-lock")).exists() && !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
            })
            .ok_or("no free X display number")?;
        // `-noreset`: an X server resets when its last client leaves, and a window opened during
        // the reset fails ("Failed to initialize GTK"); between two app launches it often is the
        // last client.
        let server = Background::spawn(
            &format!("xvfb-{display}"),
            Command::new("Xvfb").args([&format!(":{display}"), "-screen", "0", screen, "-nolisten", "tcp", "-noreset"]),
        )?;
        let socket = PathBuf::from(format!("/tmp/.X11-unix/X{display}"));
        let deadline = Instant::now() + Duration::from_secs(20);
        while !socket.exists() {
            if Instant::now() > deadline {
                return Err(format!("Xvfb :{display} did not come up within 20 s (see target/logs)"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(Xvfb { _server: server, display })
    }
}

/// A private D-Bus session bus for the end-to-end tests: the app's single-instance check meets
/// the running app on it (a bare CI machine has no desktop session, so no bus of its own).
pub struct SessionBus {
    _daemon: Background,
    pub address: String,
}

impl SessionBus {
    pub fn start() -> Result<SessionBus, String> {
        let socket = std::env::temp_dir().join(format!("elements-e2e-bus-{}", std::process::id()));
        let _ = std::fs::remove_file(&socket);
        let address = format!("unix:path={}", socket.display());
        let daemon = Background::spawn(
            "dbus-session",
            Command::new("dbus-daemon").args(["--session", "--nofork", "--nopidfile", &format!("--address={address}")]),
        )?;
        let deadline = Instant::now() + Duration::from_secs(20);
        while !socket.exists() {
            if Instant::now() > deadline {
                return Err("dbus-daemon did not come up within 20 s (see target/logs/dbus-session.log)".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(SessionBus { _daemon: daemon, address })
    }
}

pub fn free_port() -> Result<u16, String> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free local port: {e}"))?;
    l.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

pub fn wait_for_port(port: u16, timeout: Duration) -> Result<(), String> {
    let deadline = Instant::now() + timeout;
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            return Err(format!(
                "nothing listened on 127.0.0.1:{port} within {} s (see target/logs)",
                timeout.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}

pub fn gzip_size(path: &Path) -> Result<u64, String> {
    let out = Command::new("gzip").arg("-9").arg("-c").arg(path).output().map_err(|e| format!("gzip: {e}"))?;
    Ok(out.stdout.len() as u64)
}

pub struct Launch {
    pub wall_ms: u128,
    pub app_reported_ms: u64,
    /// When the first screen saved by the last launch was painted (a launch after the first).
    pub first_screen_ms: Option<u64>,
    pub app_rss_kib: u64,
    /// Proportional set size of the app and its WebKit processes: shared pages counted once,
    /// unlike a sum of RSS.
    pub total_pss_kib: u64,
    pub processes: usize,
}

/// Launches the app on `data_dir`, waits (60 s at most) for its "agenda on screen" report, reads
/// its memory and that of its WebKit child processes, and stops it.
pub fn launch_and_wait_ready(app: &Path, data_dir: &Path, display: &str) -> Result<Launch, String> {
    let started = Instant::now();
    let mut child = Command::new(app)
        .arg("--data-dir")
        .arg(data_dir)
        .env("DISPLAY", display)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("starting {}: {e}", app.display()))?;
    let stderr = child.stderr.take().ok_or("no stderr")?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            for (screen, agenda) in [("first_screen", false), ("agenda", true)] {
                let prefix = format!("elements: {screen} on screen ");
                if let Some(ms) = line.strip_prefix(prefix.as_str()).and_then(|r| r.split(" ms").next()) {
                    let _ = tx.send((agenda, ms.trim().parse::<u64>().unwrap_or(0)));
                }
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut first_screen_ms = None;
    let reported = loop {
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok((true, ms)) => break Ok(ms),
            Ok((false, ms)) => first_screen_ms = Some(ms),
            Err(e) => break Err(e),
        }
    };
    let wall_ms = started.elapsed().as_millis();
    let pid = child.id();
    let app_rss = status_kib(pid, "VmRSS:");
    let family: Vec<u32> = std::iter::once(pid).chain(descendants(pid)).collect();
    let total_pss: u64 = family.iter().map(|p| pss_kib(*p)).sum();
    terminate(&mut child, "elements");
    let app_reported_ms =
        reported.map_err(|_| "the app did not report its agenda on screen within 60 s".to_string())?;
    Ok(Launch {
        wall_ms,
        app_reported_ms,
        first_screen_ms,
        app_rss_kib: app_rss,
        total_pss_kib: total_pss,
        processes: family.len(),
    })
}

fn status_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with(field)).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()))
        .unwrap_or(0)
}

fn pss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("Pss:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()))
        .unwrap_or(0)
}

fn descendants(root: u32) -> Vec<u32> {
    let mut parents = Vec::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for e in entries.flatten() {
            let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else { continue };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
            // The command name is parenthesised and may hold spaces; fields resume after ')'.
            let ppid = stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<u32>().ok());
            if let Some(ppid) = ppid {
                parents.push((pid, ppid));
            }
        }
    }
    let mut out = Vec::new();
    let mut frontier = vec![root];
    while let Some(p) = frontier.pop() {
        for &(pid, ppid) in &parents {
            if ppid == p && !out.contains(&pid) {
                out.push(pid);
                frontier.push(pid);
            }
        }
    }
    out
}

/// Redeems `code` at the backend on 127.0.0.1:`port` and returns the token (std only: one
/// HTTP/1.1 request with `Connection: close`).
pub fn redeem(port: u16, code: &str) -> Result<String, String> {
    use std::io::{Read, Write};
    let body = format!(r#"{{"code":"{code}","client_id":"xtask-api-fuzz"}}"#);
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("connect: {e}"))?;
    s.set_read_timeout(Some(Duration::from_secs(30))).map_err(|e| e.to_string())?;
    write!(
        s,
        "POST /v1/auth/redeem HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .map_err(|e| format!("redeem: {e}"))?;
    let mut answer = String::new();
    s.read_to_string(&mut answer).map_err(|e| format!("redeem: {e}"))?;
    let token = answer
        .split("\"token\":\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| format!("redeeming {code} gave no token: {}", answer.lines().next().unwrap_or("")))?;
    Ok(token.to_string())
}
