//! `elements-backend serve [--db FILE] [--listen ADDR]` serves the event (the bundled demo event
//! when the database is empty); `elements-backend import SCHEDULE [--db FILE]` loads a published
//! schedule (frab XML, schedule JSON, iCalendar) or an Elements event file.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use elements_backend::store::{SqliteStore, Store};
use elements_protocol::event::EventBundle;

const USAGE: &str = "usage: elements-backend serve [--db FILE] [--listen 127.0.0.1:8480]\n       elements-backend import SCHEDULE-FILE [--db FILE]";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("elements-backend: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut db = PathBuf::from("elements-backend.sqlite3");
    let mut listen = "127.0.0.1:8480".to_string();
    let mut positional = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--db" => db = it.next().map(PathBuf::from).ok_or("--db needs a file")?,
            "--listen" => listen = it.next().cloned().ok_or("--listen needs an address like 127.0.0.1:8480")?,
            "-h" | "--help" => return Err(USAGE.into()),
            _ => positional.push(a.clone()),
        }
    }
    let store = SqliteStore::open(&db).map_err(|e| format!("{}: {e}", db.display()))?;
    match positional.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["serve"] => serve(Arc::new(store), &listen),
        ["import", file] => import(&store, file),
        _ => Err(USAGE.into()),
    }
}

fn parse_bundle(text: &str) -> Result<EventBundle, String> {
    let bundle: EventBundle = serde_json::from_str(text).map_err(|e| format!("not an Elements event file: {e}"))?;
    elements_domain::validate(&bundle)
        .map_err(|errs| errs.iter().map(|e| format!("  - {e}")).collect::<Vec<_>>().join("\n"))?;
    Ok(bundle)
}

fn import(store: &SqliteStore, file: &str) -> Result<(), String> {
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    // An Elements event file first; anything else goes through the published-format importers.
    let is_bundle =
        serde_json::from_slice::<serde_json::Value>(&bytes).is_ok_and(|v| v.get("format_version").is_some());
    let bundle = if is_bundle {
        parse_bundle(&String::from_utf8_lossy(&bytes)).map_err(|e| format!("{file}: {e}"))?
    } else {
        let imported = elements_import::import(&bytes).map_err(|e| format!("{file}: {e}"))?;
        for w in &imported.warnings {
            eprintln!("elements-backend: warning: {w}");
        }
        eprintln!("elements-backend: read {file} as {}", imported.format.name());
        imported.bundle
    };
    let summary = store.replace_event(&bundle).map_err(|e| e.to_string())?;
    println!(
        "imported \"{}\": {} sessions; {} changed or new, {} removed{}",
        bundle.manifest.name,
        bundle.sessions.len(),
        summary.upserts,
        summary.deletes,
        if summary.manifest_changed { ", manifest updated" } else { "" }
    );
    Ok(())
}

fn serve(store: Arc<SqliteStore>, listen: &str) -> Result<(), String> {
    if store.manifest().map_err(|e| e.to_string())?.is_none() {
        let bundle = parse_bundle(elements_backend::DEMO_EVENT_JSON).map_err(|e| format!("bundled demo event: {e}"))?;
        store.replace_event(&bundle).map_err(|e| e.to_string())?;
        eprintln!("elements-backend: empty database: loaded the bundled demo event");
    }
    let runtime = tokio::runtime::Runtime::new().map_err(|e| format!("tokio: {e}"))?;
    runtime.block_on(async move {
        let listener =
            tokio::net::TcpListener::bind(listen).await.map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        println!("elements-backend: serving protocol v1 on http://{addr}");
        axum::serve(listener, elements_backend::http::router(store))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| format!("server: {e}"))
    })
}
