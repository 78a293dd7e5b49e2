//! Installs what the build and the tests need, only when it is missing, saying what and why.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::shell::{output, run};

pub struct Needs {
    pub test_tools: bool,
}

pub struct Tools {
    pub wasm: WasmToolchain,
    pub wasm_bindgen: PathBuf,
    pub tauri_driver: PathBuf,
    /// The API fuzzer (test tools only).
    pub schemathesis: PathBuf,
}

/// How the UI gets compiled to wasm32.
pub enum WasmToolchain {
    /// rustup's prebuilt wasm32 standard library.
    Rustup,
    /// Where rustup cannot download: Debian's Rust plus its std sources, building std itself.
    DebianBuildStd,
}

impl WasmToolchain {
    pub fn cargo_command(&self) -> Command {
        match self {
            WasmToolchain::Rustup => Command::new("cargo"),
            WasmToolchain::DebianBuildStd => {
                let mut c = Command::new("/usr/bin/cargo");
                let path = std::env::var("PATH").unwrap_or_default();
                c.env("PATH", format!("/usr/bin:{path}"))
                    // Debian's stable rustc refuses -Z flags on dependencies without this.
                    .env("RUSTC_BOOTSTRAP", "1")
                    .env("RUSTC", "/usr/bin/rustc")
                    .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER", "wasm-ld-16")
                    .args(["-Z", "build-std=std,panic_abort"]);
                c
            }
        }
    }
}

const BUILD_PACKAGES: &[(&str, &str)] = &[
    ("build-essential", "C compiler for the bundled SQLite and the webview glue"),
    ("pkg-config", "lets the GTK/WebKit crates find their libraries"),
    ("libwebkit2gtk-4.1-dev", "WebKitGTK, GTK 3 and libsoup 3: Tauri's webview on Linux"),
];

const TEST_PACKAGES: &[(&str, &str)] = &[
    ("xvfb", "a virtual screen for the app window in end-to-end tests"),
    ("xauth", "X authority for the virtual screen"),
    ("imagemagick", "`import` takes screenshots of the virtual screen"),
    ("webkit2gtk-driver", "WebKitWebDriver, the WebDriver server of the webview"),
    ("fonts-dejavu-core", "a font for text in the window (Latin and Cyrillic)"),
    ("dbus", "a session bus on which a second launch finds the running app"),
    ("python3-aiosmtpd", "a real SMTP server on 127.0.0.1 that receives the invitation e-mails"),
    ("poppler-utils", "pdftoppm and pdftotext read the printed badges back"),
    ("postgresql", "a real PostgreSQL server for the shared store's tests (a throwaway cluster each)"),
];

const TAURI_DRIVER_VERSION: &str = "2.1.0";

/// Pinned, so a CI run fuzzes with the same generator as the last one that passed.
const SCHEMATHESIS_VERSION: &str = "4.32.5";

pub fn ensure(needs: &Needs) -> Result<Tools, String> {
    crate::step("checking what the build needs (installs only what is missing)");
    let mut packages: Vec<(&str, &str)> = BUILD_PACKAGES.to_vec();
    if needs.test_tools {
        packages.extend_from_slice(TEST_PACKAGES);
    }
    ensure_debian_packages(&packages)?;
    let wasm = ensure_wasm_target()?;
    let wasm_bindgen = ensure_wasm_bindgen()?;
    let tauri_driver = if needs.test_tools { ensure_tauri_driver()? } else { PathBuf::from("tauri-driver") };
    let schemathesis = if needs.test_tools { ensure_schemathesis()? } else { PathBuf::from("schemathesis") };
    Ok(Tools { wasm, wasm_bindgen, tauri_driver, schemathesis })
}

fn is_installed(package: &str) -> bool {
    output(Command::new("dpkg-query").args(["-W", "-f=${Status}", package]))
        .is_some_and(|s| s.trim_end().ends_with("install ok installed"))
}

fn ensure_debian_packages(wanted: &[(&str, &str)]) -> Result<(), String> {
    if !Path::new("/usr/bin/dpkg-query").exists() {
        eprintln!(
            "    not a Debian-like system: install the equivalents of {:?} yourself",
            wanted.iter().map(|p| p.0).collect::<Vec<_>>()
        );
        return Ok(());
    }
    let missing: Vec<&(&str, &str)> = wanted.iter().filter(|(p, _)| !is_installed(p)).collect();
    if missing.is_empty() {
        eprintln!("    ok: Debian packages ({} present)", wanted.len());
        return Ok(());
    }
    for (p, why) in &missing {
        eprintln!("    installing Debian package {p}: {why}");
    }
    let names: Vec<&str> = missing.iter().map(|(p, _)| *p).collect();
    let as_root = output(Command::new("id").arg("-u")).is_some_and(|u| u.trim() == "0");
    let apt = |args: &[&str]| {
        let mut c = if as_root {
            Command::new("apt-get")
        } else {
            let mut s = Command::new("sudo");
            s.arg("apt-get");
            s
        };
        c.env("DEBIAN_FRONTEND", "noninteractive").args(args);
        c
    };
    run(apt(&["update", "-q"]))
        .map_err(|e| format!("{e}\n    (run `sudo apt-get install {}` yourself, then retry)", names.join(" ")))?;
    let mut install = apt(&["install", "-y", "-q"]);
    install.args(&names);
    run(install).map_err(|e| format!("{e}\n    (run `sudo apt-get install {}` yourself, then retry)", names.join(" ")))
}

fn has_wasm_std(rustc: &str) -> bool {
    output(Command::new(rustc).args(["--print", "target-libdir", "--target", "wasm32-unknown-unknown"]))
        .map(|dir| PathBuf::from(dir.trim()))
        .and_then(|dir| std::fs::read_dir(dir).ok())
        .is_some_and(|mut entries| {
            entries.any(|e| e.is_ok_and(|e| e.file_name().to_string_lossy().starts_with("libcore")))
        })
}

fn ensure_wasm_target() -> Result<WasmToolchain, String> {
    // ELEMENTS_WASM_TOOLCHAIN=debian forces the fallback, to keep it tested.
    let forced_debian = std::env::var("ELEMENTS_WASM_TOOLCHAIN").is_ok_and(|v| v == "debian");
    if forced_debian {
        eprintln!("    ELEMENTS_WASM_TOOLCHAIN=debian: using Debian's Rust with build-std for the wasm32 UI");
    } else if has_wasm_std("rustc") {
        eprintln!("    ok: wasm32-unknown-unknown target");
        return Ok(WasmToolchain::Rustup);
    }
    if !forced_debian && output(Command::new("rustup").arg("--version")).is_some() {
        eprintln!("    installing the wasm32-unknown-unknown target: the UI compiles to WebAssembly");
        if run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"])).is_ok()
            && has_wasm_std("rustc")
        {
            return Ok(WasmToolchain::Rustup);
        }
        eprintln!(
            "    rustup could not install it; falling back to Debian's Rust, building std for wasm32 from source"
        );
    }
    ensure_debian_packages(&[
        ("rustc-web", "Debian's Rust compiler, for the wasm32 build when rustup cannot download"),
        ("cargo-web", "Debian's cargo matching rustc-web"),
        ("rust-web-src", "the standard library's sources, built for wasm32 (-Z build-std)"),
        ("lld-16", "wasm-ld-16, the wasm32 linker"),
    ])?;
    Ok(WasmToolchain::DebianBuildStd)
}

/// The wasm-bindgen version recorded in Cargo.lock; the CLI must match it exactly.
fn locked_wasm_bindgen_version() -> Result<String, String> {
    let lock =
        std::fs::read_to_string(crate::root().join("Cargo.lock")).map_err(|e| format!("reading Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(v) =
                lines.next().and_then(|l| l.trim().strip_prefix("version = \"")).and_then(|v| v.strip_suffix('"'))
            {
                return Ok(v.to_string());
            }
        }
    }
    Err("Cargo.lock records no wasm-bindgen version".into())
}

fn cargo_bin(name: &str) -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    home.join("bin").join(name)
}

fn ensure_wasm_bindgen() -> Result<PathBuf, String> {
    let version = locked_wasm_bindgen_version()?;
    let bin = cargo_bin("wasm-bindgen");
    let current = output(Command::new(&bin).arg("--version"));
    if current.as_deref().map(str::trim) == Some(&format!("wasm-bindgen {version}")) {
        eprintln!("    ok: wasm-bindgen-cli {version}");
        return Ok(bin);
    }
    eprintln!(
        "    installing wasm-bindgen-cli {version} (found: {}): it must match the wasm-bindgen crate in Cargo.lock",
        current.as_deref().map(str::trim).unwrap_or("none")
    );
    // Not --locked: the CLI's own lockfile wants a crate release this registry mirror lacks.
    run(Command::new("cargo").args(["install", "wasm-bindgen-cli", "--force", "--version", &version]))?;
    Ok(bin)
}

fn ensure_tauri_driver() -> Result<PathBuf, String> {
    let bin = cargo_bin("tauri-driver");
    if bin.exists() {
        eprintln!("    ok: tauri-driver");
        return Ok(bin);
    }
    eprintln!("    installing tauri-driver {TAURI_DRIVER_VERSION}: the WebDriver bridge for end-to-end tests");
    run(Command::new("cargo").args(["install", "tauri-driver", "--locked", "--version", TAURI_DRIVER_VERSION]))?;
    Ok(bin)
}

/// schemathesis (from PyPI) in a virtual environment of its own under `target/tools`, so nothing
/// is installed into the system's Python.
fn ensure_schemathesis() -> Result<PathBuf, String> {
    let venv = crate::target_dir().join("tools/schemathesis");
    let bin = venv.join("bin/schemathesis");
    let current = output(Command::new(&bin).arg("--version"));
    if current.as_deref().is_some_and(|v| v.trim().ends_with(SCHEMATHESIS_VERSION)) {
        eprintln!("    ok: schemathesis {SCHEMATHESIS_VERSION}");
        return Ok(bin);
    }
    eprintln!(
        "    installing schemathesis {SCHEMATHESIS_VERSION} into {}: fuzzes the reference backend from docs/openapi.json",
        venv.display()
    );
    let make_venv = || run(Command::new("python3").args(["-m", "venv", "--clear"]).arg(&venv));
    if make_venv().is_err() {
        ensure_debian_packages(&[
            ("python3", "runs schemathesis, the API fuzzer"),
            ("python3-venv", "a virtual environment for schemathesis"),
        ])?;
        make_venv()?;
    }
    run(Command::new(venv.join("bin/pip"))
        .args(["install", "--quiet", "--disable-pip-version-check"])
        .arg(format!("schemathesis=={SCHEMATHESIS_VERSION}")))?;
    Ok(bin)
}
