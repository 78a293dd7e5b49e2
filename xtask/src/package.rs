//! `cargo xtask package [--debug] [--check]`: the installable Debian package, and the check that
//! it installs and launches on this machine.
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
    let tools = crate::setup::ensure(&crate::setup::Needs { test_tools: args.iter().any(|a| a == "--check") })?;
    crate::build_ui(&tools)?;
    let binary = crate::build_app_profile(release)?;
    let deb = build(&binary, release)?;
    if args.iter().any(|a| a == "--check") {
        check(&deb)?;
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
    let deb = out.join(format!("{NAME}_{version}_{arch}.deb"));
    let mut dpkg = Cmd::new("dpkg-deb");
    dpkg.args(["--build", "--root-owner-group"]);
    if !release {
        // A debug binary is large; fast compression keeps the CI check quick.
        dpkg.args(["-Zgzip", "-z1"]);
    }
    run(dpkg.arg(&stage).arg(&deb))?;
    let mib = std::fs::metadata(&deb).map(|m| m.len() as f64 / 1_048_576.0).unwrap_or(0.0);
    eprintln!("    {} ({mib:.1} MiB, {} binary)", deb.display(), if release { "release" } else { "debug" });
    Ok(deb)
}

/// Installs the package with dpkg, launches the installed app on a virtual screen until its
/// agenda is on screen, checks the desktop entry is where the system looks for link handlers,
/// and removes the package again.
pub fn check(deb: &Path) -> Result<(), String> {
    step("checking the package installs and launches");
    let root_user = std::process::Command::new("id").arg("-u").output().map(|o| o.stdout == b"0\n").unwrap_or(false);
    let sudo = |args: &[&str]| {
        let mut c = if root_user { Cmd::new(args[0]) } else { Cmd::new("sudo") };
        if !root_user {
            c.arg(args[0]);
        }
        c.args(&args[1..]);
        c
    };
    let deb_path = deb.display().to_string();
    run(sudo(&["dpkg", "-i", &deb_path]))
        .map_err(|e| format!("{e}\n    (dpkg -i needs root; missing libraries: `apt-get install -f`)"))?;
    let outcome = launch_installed();
    let removed = run(sudo(&["dpkg", "-r", NAME]));
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
