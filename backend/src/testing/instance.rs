//! A backend instance as its own process (`elements-backend serve --database-url`), for tests
//! that kill one with SIGKILL: an in-process server cannot die that way.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A running `elements-backend serve` process; killed (SIGKILL) when dropped.
pub struct Instance {
    child: Child,
    pub url: String,
}

impl Instance {
    /// Starts `binary` as an instance of the cluster at `database_url` on a free port of
    /// 127.0.0.1, with its clock pinned to `clock`; returns once it serves (it has replayed the
    /// log by then).
    pub fn start(binary: &Path, database_url: &str, clock: chrono::DateTime<chrono::Utc>) -> Result<Instance, String> {
        // To see what instances did: `ELEMENTS_INSTANCE_LOGS=folder` keeps each one's log
        // (every request: `ELEMENTS_LOG=debug`).
        let (level, stderr) = match std::env::var_os("ELEMENTS_INSTANCE_LOGS") {
            Some(folder) => {
                let name = format!("instance-{}.log", std::process::id() ^ rand_suffix());
                let file = std::fs::File::create(Path::new(&folder).join(name)).map_err(|e| e.to_string())?;
                (std::env::var("ELEMENTS_LOG").unwrap_or_else(|_| "debug".into()), Stdio::from(file))
            }
            None => ("warn".to_string(), Stdio::null()),
        };
        let mut child = Command::new(binary)
            .args(["serve", "--listen", "127.0.0.1:0", "--database-url", database_url, "--clock", &clock.to_rfc3339()])
            .env("ELEMENTS_LOG", level)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .map_err(|e| format!("{}: {e}", binary.display()))?;
        let Some(stdout) = child.stdout.take() else { return Err("no stdout".into()) };
        let mut lines = std::io::BufReader::new(stdout).lines();
        // Bounded by the process: it prints the line or exits (EOF).
        let url = loop {
            match lines.next() {
                Some(Ok(line)) => {
                    if let Some(url) = line.split(" on ").nth(1).filter(|_| line.contains("serving protocol v1")) {
                        break url.trim().to_string();
                    }
                }
                _ => {
                    let _ = child.kill();
                    let status = child.wait().map_err(|e| e.to_string())?;
                    return Err(format!("the instance exited before serving: {status}"));
                }
            }
        };
        // The rest of its output is drained, so the process never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Ok(Instance { child, url })
    }

    /// The process id (for its CPU time in `/proc`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL: no drain, no goodbye, whatever it was doing.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The `elements-backend` binary beside the running test's executable (`target/<profile>/`):
/// built by `cargo test --workspace` for the backend's own tests.
pub fn binary() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let profile_dir = exe.parent().and_then(Path::parent).ok_or("no target folder")?;
    let binary = profile_dir.join("elements-backend");
    if binary.is_file() {
        Ok(binary)
    } else {
        Err(format!("{} is missing: build it first (cargo build -p elements-backend)", binary.display()))
    }
}

/// Tells apart the logs of instances a test starts one after another.
fn rand_suffix() -> u32 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static STARTED: AtomicU32 = AtomicU32::new(0);
    STARTED.fetch_add(1, Ordering::Relaxed) << 20
}
