//! `cargo xtask package [--debug] [--check] [--backend]`: the installable Debian packages (the
//! app's, and the reference backend's with its systemd unit; `--backend` for that one only), and
//! the checks that they install, start and answer on this machine.
//!
//! The package is laid out by hand and built with `dpkg-deb` (no `tauri-cli`: building it would
//! cost minutes of compiling on two cores for what is a few files): the binary, a desktop entry
//! that registers the `elements` link scheme (`MimeType=x-scheme-handler/elements`, `Exec=elements
//! %u`, so a join link opens the app), and the icon.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::shell::{run, Cmd};
use crate::{root, step, target_dir};

const NAME: &str = "elements";
const IDENTIFIER: &str = "dev.elements.app";
/// What the binary links against, as Debian 12 names the packages.
const DEPENDS: &str = "libwebkit2gtk-4.1-0 (>= 2.40), libgtk-3-0, libsoup-3.0-0, libc6";

pub fn cmd_package(args: &[String]) -> Result<(), String> {
    let release = !args.iter().any(|a| a == "--debug");
    let check_them = args.iter().any(|a| a == "--check");
    let deb = if args.iter().any(|a| a == "--backend") {
        None
    } else {
        let tools = crate::setup::ensure(&crate::setup::Needs { test_tools: check_them })?;
        crate::build_ui(&tools)?;
        let binary = crate::build_app_profile(release)?;
        Some(build(&binary, release)?)
    };
    step("building the reference backend");
    let mut cargo = Cmd::new("cargo");
    cargo.args(["build", "--locked", "-p", BACKEND]);
    if release {
        cargo.arg("--release");
    }
    run(&mut cargo)?;
    let backend = target_dir().join(if release { "release" } else { "debug" }).join(BACKEND);
    let backend_deb = build_backend(&backend, release)?;
    if check_them {
        if let Some(deb) = &deb {
            check(deb)?;
        }
        check_backend(&backend_deb)?;
    }
    Ok(())
}

fn version() -> Result<String, String> {
    let manifest =
        std::fs::read_to_string(root().join("Cargo.toml")).map_err(|e| format!("reading Cargo.toml: {e}"))?;
    manifest
        .lines()
        .find_map(|l| l.trim().strip_prefix("version = \"").and_then(|v| v.strip_suffix('"')))
        .map(str::to_string)
        .ok_or_else(|| "no version in the workspace Cargo.toml".into())
}

fn architecture() -> Result<String, String> {
    let out = std::process::Command::new("dpkg")
        .arg("--print-architecture")
        .output()
        .map_err(|e| format!("dpkg --print-architecture: {e}"))?;
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("writing {}: {e}", path.display()))
}

/// Lays out the package's files and builds the `.deb`; returns its path.
pub fn build(binary: &Path, release: bool) -> Result<PathBuf, String> {
    step("packaging for Debian (.deb)");
    let (version, arch) = (version()?, architecture()?);
    let out = target_dir().join("deb");
    let stage = out.join(format!("{NAME}_{version}_{arch}"));
    let _ = std::fs::remove_dir_all(&stage);
    let bin = stage.join("usr/bin").join(NAME);
    std::fs::create_dir_all(bin.parent().unwrap_or(&stage)).map_err(|e| format!("creating usr/bin: {e}"))?;
    std::fs::copy(binary, &bin).map_err(|e| format!("copying {}: {e}", binary.display()))?;
    if release {
        run(Cmd::new("strip").arg(&bin))?;
    }
    write(
        &stage.join(format!("usr/share/applications/{IDENTIFIER}.desktop")),
        &format!(
            "[Desktop Entry]\nType=Application\nName=Elements\nGenericName=Event app\nGenericName[ru]=Приложение мероприятия\n\
             Comment=Agenda, voting and more for the event you attend, offline first\n\
             Comment[ru]=Программа, голосование и другое для вашего мероприятия, работает офлайн\n\
             Exec={NAME} %u\nIcon={IDENTIFIER}\nTerminal=false\nCategories=Office;Calendar;\n\
             MimeType=x-scheme-handler/elements;\nStartupWMClass={NAME}\n"
        ),
    )?;
    let icon = stage.join(format!("usr/share/icons/hicolor/256x256/apps/{IDENTIFIER}.png"));
    std::fs::create_dir_all(icon.parent().unwrap_or(&stage)).map_err(|e| format!("creating the icon folder: {e}"))?;
    std::fs::copy(root().join("assets/icons/icon.png"), &icon).map_err(|e| format!("copying the icon: {e}"))?;
    let size_kib = std::fs::metadata(&bin).map(|m| m.len() / 1024).unwrap_or(0);
    write(
        &stage.join("DEBIAN/control"),
        &format!(
            "Package: {NAME}\nVersion: {version}\nArchitecture: {arch}\nMaintainer: Elements <elements@example.org>\n\
             Installed-Size: {size_kib}\nDepends: {DEPENDS}\nSection: misc\nPriority: optional\n\
             Homepage: https://github.com/elements-app/elements\n\
             Description: the participant app for live events\n \
             Agenda, venue map, voting, quests and people for conferences, expos and festivals,\n \
             working offline and syncing with any Element backend. English and Russian.\n"
        ),
    )?;
    dpkg_deb(&stage, &out.join(format!("{NAME}_{version}_{arch}.deb")), release)
}

/// Builds the `.deb` of a staged package folder; returns its path.
fn dpkg_deb(stage: &Path, deb: &Path, release: bool) -> Result<PathBuf, String> {
    let mut dpkg = Cmd::new("dpkg-deb");
    dpkg.args(["--build", "--root-owner-group"]);
    if !release {
        // A debug binary is large; fast compression keeps the CI check quick.
        dpkg.args(["-Zgzip", "-z1"]);
    }
    run(dpkg.arg(stage).arg(deb))?;
    let mib = std::fs::metadata(deb).map(|m| m.len() as f64 / 1_048_576.0).unwrap_or(0.0);
    eprintln!("    {} ({mib:.1} MiB, {} binary)", deb.display(), if release { "release" } else { "debug" });
    Ok(deb.to_path_buf())
}

fn is_root() -> bool {
    std::process::Command::new("id").arg("-u").output().map(|o| o.stdout == b"0\n").unwrap_or(false)
}

/// `args` run as root: directly when this is root, through sudo otherwise.
fn as_root(args: &[&str]) -> Cmd {
    let mut c = if is_root() { Cmd::new(args[0]) } else { Cmd::new("sudo") };
    if !is_root() {
        c.arg(args[0]);
    }
    c.args(&args[1..]);
    c
}

/// Installs the package with dpkg, launches the installed app on a virtual screen until its
/// agenda is on screen, checks the desktop entry is where the system looks for link handlers,
/// and removes the package again.
pub fn check(deb: &Path) -> Result<(), String> {
    step("checking the package installs and launches");
    let deb_path = deb.display().to_string();
    run(as_root(&["dpkg", "-i", &deb_path]))
        .map_err(|e| format!("{e}\n    (dpkg -i needs root; missing libraries: `apt-get install -f`)"))?;
    let outcome = launch_installed();
    let removed = run(as_root(&["dpkg", "-r", NAME]));
    outcome?;
    removed?;
    eprintln!("    installed, launched to the agenda, and removed again");
    Ok(())
}

fn launch_installed() -> Result<(), String> {
    let installed = Path::new("/usr/bin").join(NAME);
    let desktop = Path::new("/usr/share/applications").join(format!("{IDENTIFIER}.desktop"));
    let entry = std::fs::read_to_string(&desktop).map_err(|e| format!("{}: {e}", desktop.display()))?;
    if !entry.contains("MimeType=x-scheme-handler/elements;") {
        return Err(format!("{} does not register the elements: scheme", desktop.display()));
    }
    let data = std::env::temp_dir().join(format!("elements-package-check-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let xvfb = crate::shell::Xvfb::start(88, "1280x900x24")?;
    let started = Instant::now();
    let mut child = std::process::Command::new(&installed)
        .args(["--data-dir"])
        .arg(&data)
        .env("DISPLAY", format!(":{}", xvfb.display))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("launching {}: {e}", installed.display()))?;
    let stderr = child.stderr.take().ok_or("no stderr")?;
    // The app says when the agenda is painted; read its log until then, or give up (bounded).
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
            let done = line.contains("agenda on screen");
            let _ = tx.send(line);
            if done {
                break;
            }
        }
    });
    let deadline = started + Duration::from_secs(60);
    let mut seen = Vec::new();
    let result = loop {
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(line) if line.contains("agenda on screen") => break Ok(line),
            Ok(line) => seen.push(line),
            Err(_) => {
                break Err(format!(
                    "the installed app did not show its agenda within 60 s:\n    {}",
                    seen.join("\n    ")
                ))
            }
        }
    };
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&data);
    let line = result?;
    eprintln!("    installed app: {line}");
    Ok(())
}

const BACKEND: &str = "elements-backend";

/// The reference backend's package: the binary, a systemd unit running it as its own system user
/// with its data in `/var/lib/elements-backend`, and the annotated configuration under `/etc`
/// (a conffile: an upgrade keeps the organizer's edits).
pub fn build_backend(binary: &Path, release: bool) -> Result<PathBuf, String> {
    step("packaging the reference backend for Debian (.deb, with a systemd unit)");
    let (version, arch) = (version()?, architecture()?);
    let out = target_dir().join("deb");
    let stage = out.join(format!("{BACKEND}_{version}_{arch}"));
    let _ = std::fs::remove_dir_all(&stage);
    let bin = stage.join("usr/bin").join(BACKEND);
    std::fs::create_dir_all(bin.parent().unwrap_or(&stage)).map_err(|e| format!("creating usr/bin: {e}"))?;
    std::fs::copy(binary, &bin).map_err(|e| format!("copying {}: {e}", binary.display()))?;
    if release {
        run(Cmd::new("strip").arg(&bin))?;
    }
    let packaging = root().join("backend/packaging");
    let read = |name: &str| {
        std::fs::read_to_string(packaging.join(name)).map_err(|e| format!("reading backend/packaging/{name}: {e}"))
    };
    write(&stage.join(format!("lib/systemd/system/{BACKEND}.service")), &read("elements-backend.service")?)?;
    write(&stage.join(format!("etc/{BACKEND}/{BACKEND}.toml")), &read("elements-backend.toml")?)?;
    write(&stage.join("DEBIAN/conffiles"), &format!("/etc/{BACKEND}/{BACKEND}.toml\n"))?;
    let script = |body: &str| format!("#!/bin/sh\nset -e\n{body}\nexit 0\n");
    write(
        &stage.join("DEBIAN/postinst"),
        &script(
            "if [ \"$1\" = configure ]; then\n\
             \tif ! getent passwd elements-backend >/dev/null; then\n\
             \t\tuseradd --system --user-group --home-dir /var/lib/elements-backend --no-create-home \\\n\
             \t\t\t--shell /usr/sbin/nologin --comment 'Elements backend' elements-backend\n\
             \tfi\n\
             \tinstall -d -o elements-backend -g elements-backend -m 0750 /var/lib/elements-backend\n\
             \tchown root:elements-backend /etc/elements-backend/elements-backend.toml\n\
             \tchmod 0640 /etc/elements-backend/elements-backend.toml\n\
             \tif [ -d /run/systemd/system ]; then\n\
             \t\tsystemctl daemon-reload\n\
             \t\tsystemctl enable elements-backend.service >/dev/null\n\
             \t\tsystemctl restart elements-backend.service\n\
             \tfi\n\
             fi",
        ),
    )?;
    write(
        &stage.join("DEBIAN/prerm"),
        &script(
            "if [ -d /run/systemd/system ] && [ \"$1\" = remove ]; then\n\
             \tsystemctl stop elements-backend.service || true\n\
             \tsystemctl disable elements-backend.service >/dev/null || true\n\
             fi",
        ),
    )?;
    write(
        &stage.join("DEBIAN/postrm"),
        &script(
            "if [ \"$1\" = purge ]; then\n\
             \trm -rf /var/lib/elements-backend\n\
             \tif getent passwd elements-backend >/dev/null; then userdel elements-backend || true; fi\n\
             fi\n\
             if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi",
        ),
    )?;
    for name in ["postinst", "prerm", "postrm"] {
        set_executable(&stage.join("DEBIAN").join(name))?;
    }
    let size_kib = std::fs::metadata(&bin).map(|m| m.len() / 1024).unwrap_or(0);
    write(
        &stage.join("DEBIAN/control"),
        &format!(
            "Package: {BACKEND}\nVersion: {version}\nArchitecture: {arch}\nMaintainer: Elements <elements@example.org>\n\
             Installed-Size: {size_kib}\nDepends: libc6, passwd\nSection: net\nPriority: optional\n\
             Homepage: https://github.com/elements-app/elements\n\
             Description: reference backend of the Elements event app\n \
             Serves one event over the open Element protocol (v1): schedule, venue, polls, quests,\n \
             people and live updates, over HTTPS, from one SQLite file, as a systemd service.\n"
        ),
    )?;
    dpkg_deb(&stage, &out.join(format!("{BACKEND}_{version}_{arch}.deb")), release)
}

fn set_executable(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| format!("chmod {}: {e}", path.display()))
}

/// Installs the backend's package, starts the service as its unit says (through systemd where
/// systemd runs; otherwise the unit's `ExecStart` as its `User`, which is what systemd would do),
/// probes `/readyz`, `/healthz` and `/metrics`, stops it with SIGTERM, and purges the package.
pub fn check_backend(deb: &Path) -> Result<(), String> {
    step("checking the backend's package installs, starts as a service, answers and is removed");
    let deb_path = deb.display().to_string();
    run(as_root(&["dpkg", "-i", &deb_path]))?;
    let outcome = probe_installed_backend(is_root());
    let purged = run(as_root(&["dpkg", "--purge", BACKEND]));
    outcome?;
    purged?;
    if Path::new("/var/lib/elements-backend").exists() {
        return Err("purging the backend's package left /var/lib/elements-backend behind".into());
    }
    eprintln!("    installed, started as the elements-backend user, answered, stopped and purged");
    Ok(())
}

fn probe_installed_backend(root_user: bool) -> Result<(), String> {
    let unit = std::fs::read_to_string(format!("/lib/systemd/system/{BACKEND}.service"))
        .map_err(|e| format!("the unit is not installed: {e}"))?;
    let value =
        |key: &str| unit.lines().find_map(|l| l.strip_prefix(key).and_then(|v| v.strip_prefix('='))).map(str::trim);
    let exec = value("ExecStart").ok_or("the unit has no ExecStart")?;
    let user = value("User").ok_or("the unit names no User")?;
    let mut words: Vec<&str> = exec.split_whitespace().collect();
    if words.is_empty() {
        return Err("an empty ExecStart".into());
    }
    let systemd = Path::new("/run/systemd/system").exists();
    // The unit as systemd reads it (directives, paths, the user), where systemd's tools are.
    match std::process::Command::new("systemd-analyze")
        .args(["verify", &format!("/lib/systemd/system/{BACKEND}.service")])
        .output()
    {
        Ok(out) if !out.status.success() => {
            return Err(format!("systemd-analyze verify refuses the unit:\n{}", String::from_utf8_lossy(&out.stderr)))
        }
        Ok(_) => eprintln!("    systemd-analyze verify: the unit is valid"),
        Err(_) => eprintln!("    (no systemd-analyze here: the unit's syntax is not checked)"),
    }
    // Listening where the installed configuration says: its loopback port.
    let config = std::fs::read_to_string(format!("/etc/{BACKEND}/{BACKEND}.toml")).map_err(|e| e.to_string())?;
    let listen = config
        .lines()
        .find_map(|l| l.strip_prefix("listen = \"").and_then(|v| v.strip_suffix('"')))
        .ok_or("the installed configuration has no listen line")?
        .to_string();
    let mut child = None;
    if !systemd {
        // No systemd here (a container): run the unit's command as its user, as systemd would.
        if !root_user {
            return Err("without systemd the check runs the service as its user, which needs root".into());
        }
        let mut cmd = std::process::Command::new("setpriv");
        cmd.args(["--reuid", user, "--regid", user, "--init-groups", "--"]);
        cmd.args(words.drain(..));
        cmd.env("ELEMENTS_LOG", "info").stderr(std::process::Stdio::piped()).stdout(std::process::Stdio::null());
        child = Some(cmd.spawn().map_err(|e| format!("starting {exec} as {user}: {e}"))?);
    }
    let probe = (|| -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match http_get(&listen, "/readyz") {
                Ok((200, body)) if body == "ready" => break,
                other if Instant::now() > deadline => {
                    return Err(format!("the service was not ready within 30 s: {other:?}"))
                }
                _ => std::thread::sleep(Duration::from_millis(200)),
            }
        }
        let (status, body) = http_get(&listen, "/healthz")?;
        if status != 200 || body != "ok" {
            return Err(format!("/healthz answered {status} {body:?}"));
        }
        let (status, body) = http_get(&listen, "/metrics")?;
        if status != 200 || !body.contains("elements_database_bytes") {
            return Err(format!("/metrics answered {status} without elements_database_bytes"));
        }
        let data = std::fs::metadata("/var/lib/elements-backend/event.sqlite3")
            .map_err(|e| format!("the service keeps no database in its data folder: {e}"))?;
        use std::os::unix::fs::MetadataExt;
        let owner = std::process::Command::new("id").args(["-u", user]).output().map_err(|e| e.to_string())?;
        if String::from_utf8_lossy(&owner.stdout).trim() != data.uid().to_string() {
            return Err("the database is not owned by the service's user".into());
        }
        Ok(())
    })();
    if let Some(mut child) = child {
        let pid = child.id() as i32;
        let _ = std::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status();
        let status = child.wait().map_err(|e| e.to_string())?;
        let mut log = String::new();
        if let Some(mut err) = child.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut err, &mut log);
        }
        probe.map_err(|e| format!("{e}\n    the service said:\n{log}"))?;
        if !status.success() {
            return Err(format!("the service did not stop cleanly on SIGTERM ({status}):\n{log}"));
        }
        eprintln!("    (no systemd here: ran the unit's ExecStart as {user})");
        return Ok(());
    }
    probe
}

/// A GET over plain HTTP/1.1 to a loopback address (the check needs no client library).
fn http_get(addr: &str, path: &str) -> Result<(u16, String), String> {
    use std::io::{Read, Write};
    let mut tcp = std::net::TcpStream::connect(addr).map_err(|e| format!("{addr}: {e}"))?;
    tcp.set_read_timeout(Some(Duration::from_secs(10))).map_err(|e| e.to_string())?;
    write!(tcp, "GET {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n").map_err(|e| e.to_string())?;
    let mut answer = String::new();
    tcp.read_to_string(&mut answer).map_err(|e| e.to_string())?;
    let status = answer.get(9..12).and_then(|s| s.parse().ok()).ok_or_else(|| format!("not HTTP: {answer:?}"))?;
    let body = answer.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    Ok((status, body))
}
