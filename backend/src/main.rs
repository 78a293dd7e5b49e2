//! The reference backend's command line (the whole list is `USAGE` below):
//! - `serve` serves the event (the bundled demo event, with demo access codes, when the database
//!   is empty), with the limits of `server.rs`;
//! - `import SCHEDULE [--timezone AREA/CITY] [--venue IMDF-FOLDER]` loads a published schedule
//!   (frab or Pentabarf XML, schedule JSON, iCalendar) or an Elements event file (its floor plans
//!   from beside it); `--venue` takes the floors, places, walk graph and plans from an IMDF archive;
//! - `code CODE --role ROLE [--personal] [--max-devices N]` adds an access code;
//! - `qr-codes --out DIR` writes the join and checkpoint QR codes, and each place's location code
//!   ("you are here", signed) and map link, as SVG;
//! - `conformance URL --code CODE` checks any backend against the protocol.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use elements_backend::store::{SqliteStore, Store};
use elements_protocol::auth::Role;

const USAGE: &str =
    "usage: elements-backend serve [--db FILE] [--listen 127.0.0.1:8480] [--clock RFC3339-TIME] [--max-connections N]
       elements-backend import SCHEDULE-FILE [--timezone AREA/CITY] [--venue IMDF-FOLDER] [--db FILE]
       elements-backend code CODE --role attendee|staff|kiosk [--personal] [--max-devices N] [--db FILE]
       elements-backend qr-codes --out DIR [--url BASE-URL] [--code JOIN-CODE] [--db FILE]
       elements-backend conformance BASE-URL --code ATTENDEE-CODE [--staff-code CODE] [--kiosk-code CODE]";

/// Access codes a fresh demo backend accepts, so the demo can be joined without setup.
const DEMO_CODES: &[(&str, Role, bool)] =
    &[("DEMO-ATTENDEE", Role::Attendee, false), ("DEMO-STAFF", Role::Staff, true), ("DEMO-KIOSK", Role::Kiosk, false)];

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
    let mut config = elements_backend::http::Config::default();
    let mut role = None;
    let mut personal = false;
    let mut max_devices = None;
    let mut out = None;
    let mut url = None;
    let mut join_code = None;
    let mut staff_code = None;
    let mut kiosk_code = None;
    let mut import_options = elements_import::Options::default();
    let mut venue = None;
    let mut limits = elements_backend::server::Limits::default();
    let mut positional = Vec::new();
    if let Ok(t) = std::env::var("ELEMENTS_CLOCK") {
        if !t.trim().is_empty() {
            config.clock = Some(parse_time(&t)?);
        }
    }
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--db" => db = it.next().map(PathBuf::from).ok_or("--db needs a file")?,
            "--listen" => listen = it.next().cloned().ok_or("--listen needs an address like 127.0.0.1:8480")?,
            "--clock" => config.clock = Some(parse_time(it.next().ok_or("--clock needs an RFC 3339 time")?)?),
            "--role" => {
                let r = it.next().ok_or("--role needs attendee, staff or kiosk")?;
                role = Some(
                    [Role::Attendee, Role::Staff, Role::Kiosk]
                        .into_iter()
                        .find(|x| x.as_str() == r)
                        .ok_or_else(|| format!("--role {r}: expected attendee, staff or kiosk"))?,
                );
            }
            "--personal" => personal = true,
            "--max-devices" => {
                let n = it.next().ok_or("--max-devices needs a number")?;
                max_devices = Some(
                    n.parse::<u32>()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or_else(|| format!("--max-devices {n}: not a positive number"))?,
                );
            }
            "--out" => out = Some(it.next().map(PathBuf::from).ok_or("--out needs a folder")?),
            "--url" => url = Some(it.next().cloned().ok_or("--url needs the backend's public address")?),
            "--max-connections" => {
                let n = it.next().ok_or("--max-connections needs a number")?;
                limits.max_connections = n
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("--max-connections {n}: not a positive number"))?;
            }
            "--venue" => venue = Some(PathBuf::from(it.next().ok_or("--venue needs the folder of an IMDF archive")?)),
            "--timezone" => {
                let name = it.next().ok_or("--timezone needs an IANA zone name like Europe/Brussels")?;
                import_options = elements_import::Options::with_timezone(name)?;
            }
            "--staff-code" => staff_code = Some(it.next().cloned().ok_or("--staff-code needs a staff code")?),
            "--kiosk-code" => kiosk_code = Some(it.next().cloned().ok_or("--kiosk-code needs a kiosk code")?),
            "--code" => join_code = Some(it.next().cloned().ok_or("--code needs a join code")?),
            "-h" | "--help" => return Err(USAGE.into()),
            _ => positional.push(a.clone()),
        }
    }
    // The conformance kit is a client of some backend: it opens no database of its own.
    if let ["conformance", url] = positional.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        let code = join_code.ok_or("conformance needs --code with an attendee code the backend accepts")?;
        let codes = elements_backend::conformance::Codes { attendee: code, staff: staff_code, kiosk: kiosk_code };
        let report = elements_backend::conformance::run(url, &codes);
        print!("{}", report.render());
        return if report.failed() == 0 {
            Ok(())
        } else {
            Err(format!("{url} deviates from protocol v1 in {} check(s)", report.failed()))
        };
    }
    let store = SqliteStore::open(&db).map_err(|e| format!("{}: {e}", db.display()))?;
    match positional.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["serve"] => serve(Arc::new(store), &listen, config, limits),
        ["import", file] => import(&store, file, &import_options, venue.as_deref()),
        ["qr-codes"] => qr_codes(
            &store,
            &out.ok_or("qr-codes needs --out DIR")?,
            url.as_deref().unwrap_or("http://127.0.0.1:8480"),
            join_code.as_deref().unwrap_or("DEMO-ATTENDEE"),
        ),
        ["code", code] => {
            let role = role.ok_or("code needs --role attendee|staff|kiosk")?;
            if personal && max_devices.is_some() {
                return Err("--max-devices caps a shared code; a personal code is one participant already".into());
            }
            store.add_code(code, role, personal).map_err(|e| e.to_string())?;
            store.cap_code(code, max_devices).map_err(|e| e.to_string())?;
            let cap = max_devices.map(|n| format!(", at most {n} devices")).unwrap_or_default();
            println!("added {} code {code}{}{cap}", role.as_str(), if personal { " (personal)" } else { "" });
            Ok(())
        }
        _ => Err(USAGE.into()),
    }
}

fn import(
    store: &SqliteStore,
    file: &str,
    options: &elements_import::Options,
    venue: Option<&std::path::Path>,
) -> Result<(), String> {
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    // An Elements event file first; anything else goes through the published-format importers.
    let is_bundle =
        serde_json::from_slice::<serde_json::Value>(&bytes).is_ok_and(|v| v.get("format_version").is_some());
    let bundle = if is_bundle {
        let mut bundle =
            elements_domain::parse_event(&String::from_utf8_lossy(&bytes)).map_err(|e| format!("{file}: {e}"))?;
        if venue.is_none() {
            import_plans(store, &mut bundle, std::path::Path::new(file))?;
        }
        bundle
    } else {
        let imported = elements_import::import_with(&bytes, options).map_err(|e| format!("{file}: {e}"))?;
        for w in &imported.warnings {
            eprintln!("elements-backend: warning: {w}");
        }
        eprintln!("elements-backend: read {file} as {}", imported.format.name());
        imported.bundle
    };
    let mut bundle = bundle;
    if let Some(folder) = venue {
        import_venue(store, &mut bundle, folder)?;
    }
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

/// Replaces the event's venue (floors, places, walk graph) with an IMDF archive's, stores the
/// plans drawn from it, and ties the schedule's rooms to the units of the same name.
fn import_venue(
    store: &SqliteStore,
    bundle: &mut elements_protocol::event::EventBundle,
    folder: &std::path::Path,
) -> Result<(), String> {
    let names = ["level.geojson", "unit.geojson", "opening.geojson", "amenity.geojson"];
    let mut files = Vec::new();
    for name in names {
        match std::fs::read(folder.join(name)) {
            Ok(bytes) => files.push((name, bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("cannot read {}: {e}", folder.join(name).display())),
        }
    }
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    let venue = elements_import::imdf::read(&refs).map_err(|e| format!("{}: {e}", folder.display()))?;
    for w in &venue.warnings {
        eprintln!("elements-backend: warning: {w}");
    }
    let mut floors = venue.floors;
    let plans = venue.plans.iter().map(|(id, svg)| (id.clone(), "image/svg+xml", svg.as_bytes()));
    store_plans(store, &mut floors, plans)?;
    let mut places = venue.places;
    for room in &mut bundle.rooms {
        let name = room.name.trim().to_lowercase();
        if let Some(p) = places.iter_mut().find(|p| p.name.trim().to_lowercase() == name) {
            p.room_id = Some(room.id.clone());
            room.floor_id = Some(p.floor_id.clone());
        } else {
            room.floor_id = None;
        }
    }
    eprintln!(
        "elements-backend: venue from {}: {} floors, {} places, {} walk points",
        folder.display(),
        floors.len(),
        places.len(),
        venue.walk.points.len()
    );
    // Quests may hang checkpoints on the old places: those keep their names but lose the spot.
    let ids: std::collections::HashSet<String> = places.iter().map(|p| p.id.clone()).collect();
    for quest in &mut bundle.quests {
        for cp in &mut quest.checkpoints {
            if cp.poi_id.as_ref().is_some_and(|id| !ids.contains(id)) {
                cp.poi_id = None;
            }
        }
    }
    bundle.floors = std::mem::take(&mut floors);
    bundle.points_of_interest = std::mem::take(&mut places);
    bundle.walk = venue.walk;
    Ok(())
}

/// Stores each floor's plan image, named relative to the event file, and stamps the floor with
/// its revision so apps fetch it (again only when it changes). A floor whose plan is missing
/// keeps no revision and is drawn blank, with a warning.
fn import_plans(
    store: &SqliteStore,
    bundle: &mut elements_protocol::event::EventBundle,
    file: &std::path::Path,
) -> Result<(), String> {
    let folder = file.parent().unwrap_or(std::path::Path::new("."));
    // Every plan read and checked before any is stored: a bad one leaves the served plans as
    // they were.
    let mut plans = Vec::new();
    for floor in &mut bundle.floors {
        floor.plan_rev = None;
        if floor.plan_image.trim().is_empty() {
            continue;
        }
        let path = folder.join(&floor.plan_image);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!(
                    "elements-backend: warning: floor \"{}\": plan {} not read ({e}); the floor is drawn blank",
                    floor.id,
                    path.display()
                );
                continue;
            }
        };
        let content_type = elements_backend::plan_content_type(&bytes)
            .map_err(|e| format!("floor \"{}\": {}: {e}", floor.id, path.display()))?;
        plans.push((floor.id.clone(), content_type, bytes));
    }
    store_plans(store, &mut bundle.floors, plans.iter().map(|(id, kind, bytes)| (id.clone(), *kind, bytes.as_slice())))
}

/// Stores each `(floor id, content type, bytes)` plan and stamps its floor with the revision
/// the feed then names (the one way `serve`'s demo, `import` and `--venue` store plans).
fn store_plans<'a>(
    store: &SqliteStore,
    floors: &mut [elements_protocol::event::Floor],
    plans: impl IntoIterator<Item = (String, &'static str, &'a [u8])>,
) -> Result<(), String> {
    for (id, content_type, bytes) in plans {
        let rev = store.put_plan(&id, content_type, bytes).map_err(|e| e.to_string())?;
        if let Some(floor) = floors.iter_mut().find(|f| f.id == id) {
            floor.plan_rev = Some(rev);
        }
    }
    Ok(())
}

/// Writes the event's join QR code, every checkpoint's signed QR code and every place's
/// location code and map link as SVG files, and
/// prints the links they carry. Makes the QR key on first use.
fn qr_codes(store: &SqliteStore, out: &std::path::Path, url: &str, join_code: &str) -> Result<(), String> {
    use elements_protocol::sync::Entity;
    use std::io::Write;
    let secret = store.qr_secret().map_err(|e| e.to_string())?;
    let manifest = store.manifest().map_err(|e| e.to_string())?.ok_or("no event is loaded; run `import` first")?;
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let write = |name: &str, link: &str| -> Result<(), String> {
        let code = qrcode::QrCode::new(link.as_bytes()).map_err(|e| format!("{name}: {e}"))?;
        let svg = code.render::<qrcode::render::svg::Color>().min_dimensions(240, 240).build();
        let path = out.join(format!("{name}.svg"));
        std::fs::write(&path, svg).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        // Not println!: a closed pipe (`| head`) must not abort the remaining files.
        let _ = writeln!(std::io::stdout(), "{}  {link}", path.display());
        Ok(())
    };
    use elements_protocol::link::Link;
    write("join", &Link::Join { url: url.to_string(), code: Some(join_code.to_string()) }.to_string())?;
    let quests = store.changes(elements_protocol::event::ElementKind::Quests, 0, 2000).map_err(|e| e.to_string())?;
    for change in quests.changes {
        let elements_protocol::sync::Change::Upsert { entity: Entity::Quest(q) } = change else { continue };
        for cp in &q.checkpoints {
            let message = elements_protocol::signal::checkpoint_message(&manifest.id, &q.id, &cp.id);
            let sig = elements_domain::qr::sign(&secret, &message);
            let link =
                Link::Checkpoint { event: manifest.id.clone(), quest: q.id.clone(), checkpoint: cp.id.clone(), sig };
            write(&format!("checkpoint-{}-{}", q.id, cp.id), &link.to_string())?;
        }
    }
    // Every place: a location code to post there ("you are here", signed) and a link that
    // opens the map at it (for a poster or a programme).
    let map = store.changes(elements_protocol::event::ElementKind::Map, 0, 10_000).map_err(|e| e.to_string())?;
    for change in map.changes {
        let elements_protocol::sync::Change::Upsert { entity: Entity::PointOfInterest(p) } = change else { continue };
        let sig = elements_domain::qr::sign(&secret, &elements_protocol::signal::location_message(&manifest.id, &p.id));
        write(
            &format!("location-{}", p.id),
            &Link::Here { event: manifest.id.clone(), place: p.id.clone(), sig }.to_string(),
        )?;
        write(
            &format!("place-{}", p.id),
            &Link::Place { event: manifest.id.clone(), place: p.id.clone() }.to_string(),
        )?;
    }
    Ok(())
}

fn parse_time(text: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|e| format!("{text:?} is not an RFC 3339 time like 2027-03-10T10:15:00+01:00 ({e})"))
}

fn serve(
    store: Arc<SqliteStore>,
    listen: &str,
    config: elements_backend::http::Config,
    limits: elements_backend::server::Limits,
) -> Result<(), String> {
    if store.manifest().map_err(|e| e.to_string())?.is_none() {
        let mut bundle = elements_domain::parse_event(elements_backend::DEMO_EVENT_JSON)
            .map_err(|e| format!("bundled demo event: {e}"))?;
        let plans: Vec<(String, &'static str, &[u8])> = bundle
            .floors
            .iter()
            .filter_map(|f| {
                let (_, bytes) = elements_backend::DEMO_PLANS.iter().find(|(name, _)| *name == f.plan_image)?;
                Some((f.id.clone(), "image/svg+xml", *bytes))
            })
            .collect();
        store_plans(&store, &mut bundle.floors, plans)?;
        store.replace_event(&bundle).map_err(|e| e.to_string())?;
        for (code, role, personal) in DEMO_CODES {
            store.add_code(code, *role, *personal).map_err(|e| e.to_string())?;
        }
        // The demo's checkpoint codes are signed: `qr-codes` prints them.
        store.qr_secret().map_err(|e| e.to_string())?;
        let codes: Vec<String> = DEMO_CODES.iter().map(|(c, r, _)| format!("{c} ({})", r.as_str())).collect();
        eprintln!("elements-backend: empty database: loaded the bundled demo event; access codes {}", codes.join(", "));
    }
    let runtime = tokio::runtime::Runtime::new().map_err(|e| format!("tokio: {e}"))?;
    runtime.block_on(async move {
        let listener =
            tokio::net::TcpListener::bind(listen).await.map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        println!("elements-backend: serving protocol v1 on http://{addr}");
        let join =
            elements_protocol::link::Link::Join { url: format!("http://{addr}"), code: Some("DEMO-ATTENDEE".into()) };
        println!("elements-backend: join link: {join}");
        let router = elements_backend::http::router_with(store, config);
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        elements_backend::server::serve(listener, router, limits, shutdown).await.map_err(|e| format!("server: {e}"))
    })
}
