//! A throwaway PostgreSQL cluster for tests and benchmarks: Debian's server (`cargo xtask test`
//! installs `postgresql`) in a temporary folder, on 127.0.0.1 and a free port, with no password
//! (trust, loopback only) and no fsync. Stopped (`immediate`) and removed when dropped. As root,
//! the server runs as the `postgres` user: it refuses to run as root.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Cluster {
    bin: PathBuf,
    data: PathBuf,
    /// Keeps the folder until the cluster is dropped.
    _dir: tempfile::TempDir,
    as_postgres: bool,
    pub port: u16,
}

/// Debian's server programs, newest version first; else what `PATH` finds.
fn server_bin() -> Result<PathBuf, String> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, bin): &(u32, PathBuf)| bin.join("initdb").exists())
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Ok(bin);
    }
    let found = Command::new("sh").args(["-c", "command -v initdb"]).output().map_err(|e| e.to_string())?;
    let path = String::from_utf8_lossy(&found.stdout).trim().to_string();
    match Path::new(&path).parent() {
        Some(dir) if found.status.success() => Ok(dir.to_path_buf()),
        _ => Err("no PostgreSQL server here: install Debian's `postgresql` (`cargo xtask setup --test` does)".into()),
    }
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

impl Cluster {
    /// Makes and starts a cluster. Errors name what was missing or what the server said.
    pub fn start() -> Result<Cluster, String> {
        let bin = server_bin()?;
        let dir = tempfile::Builder::new().prefix("elements-pg").tempdir().map_err(|e| e.to_string())?;
        let data = dir.path().join("data");
        let as_postgres = is_root();
        if as_postgres {
            // The server's user must own its folder (and reach it through the temp dir).
            let owned = Command::new("chown").args(["-R", "postgres:postgres"]).arg(dir.path()).status();
            if !owned.is_ok_and(|s| s.success()) {
                return Err("cannot give the cluster's folder to the `postgres` user".into());
            }
        }
        let mut cluster = Cluster { bin, data, _dir: dir, as_postgres, port: 0 };
        cluster.run("initdb", &["-A", "trust", "-U", "elements", "-E", "UTF8", "--no-sync", "-D"], true)?;
        // A port found free may be taken by another test's socket before the server binds it:
        // then the server says so in its log and another port is tried.
        let mut last = String::new();
        for _ in 0..5 {
            cluster.port = free_port()?;
            match cluster.run(
                "pg_ctl",
                &["-w", "-t", "60", "-l", &cluster.log(), "-o", &cluster.options(), "start", "-D"],
                true,
            ) {
                Ok(()) => return Ok(cluster),
                Err(e) => {
                    let log = std::fs::read_to_string(cluster.log()).unwrap_or_default();
                    if !log.contains("could not bind") {
                        return Err(format!("{e}\n{log}"));
                    }
                    last = e;
                }
            }
        }
        Err(format!("five ports in a row were taken before the server bound them: {last}"))
    }

    /// The server's options: no fsync (the machine does not crash in a test), but synchronous
    /// commits: an immediate restart must not lose a commit a replica already applied.
    fn options(&self) -> String {
        format!(
            "-c listen_addresses=127.0.0.1 -p {} -k {} -c fsync=off -c full_page_writes=off",
            self.port,
            self.data.display()
        )
    }

    fn log(&self) -> String {
        self.data.join("server.log").display().to_string()
    }

    /// Runs one of the server's programs (as `postgres` when we are root), the data folder last
    /// when `with_data`.
    fn run(&self, program: &str, args: &[&str], with_data: bool) -> Result<(), String> {
        let mut command = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(self.bin.join(program));
            c
        } else {
            Command::new(self.bin.join(program))
        };
        command.args(args);
        if with_data {
            command.arg(&self.data);
        }
        let out = command.output().map_err(|e| format!("{program}: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            let log = std::fs::read_to_string(self.data.join("server.log")).unwrap_or_default();
            Err(format!(
                "{program} failed: {}{}\n{}",
                String::from_utf8_lossy(&out.stderr),
                String::from_utf8_lossy(&out.stdout),
                log.lines().rev().take(20).collect::<Vec<_>>().join("\n")
            ))
        }
    }

    /// A libpq connection string for its `postgres` database.
    /// The cluster's data folder (its `postmaster.pid` names the server's process).
    pub fn data_dir(&self) -> PathBuf {
        self.data.clone()
    }

    pub fn url(&self) -> String {
        format!("host=127.0.0.1 port={} user=elements dbname=postgres", self.port)
    }

    /// Restarts the server the hard way (`immediate`: no checkpoint, as after a crash).
    pub fn restart_immediate(&self) -> Result<(), String> {
        self.run(
            "pg_ctl",
            &["-w", "-t", "60", "-m", "immediate", "-l", &self.log(), "-o", &self.options(), "restart", "-D"],
            true,
        )
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.run("pg_ctl", &["-m", "immediate", "-w", "stop", "-D"], true);
    }
}

fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}
