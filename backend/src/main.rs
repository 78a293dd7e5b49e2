//! The reference backend's command line (`elements-backend --help`; each subcommand has its own):
//! - `serve` serves the event (the bundled demo event, with demo access codes, when the database
//!   is empty), in HTTPS with `--tls-cert`/`--tls-key`, with the limits of `server.rs`;
//! - `import SCHEDULE` loads a published schedule or an Elements event file;
//! - `code CODE --role ROLE` adds an access code; `qr-codes --out DIR` writes the event's codes;
//! - `backup FILE` and `restore FILE` copy the database while it is served, and back;
//! - `conformance URL --code CODE` checks any backend against the protocol;
//! - `completions SHELL` prints shell completions.
//!
//! Every `serve` setting comes from, in order: its flag, its `ELEMENTS_*` variable, the TOML file
//! `--config` names (`backend/elements-backend.toml` is the annotated example), the default.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, CommandFactory, Parser, Subcommand};
use elements_backend::store::{PgStore, SqliteStore, Store};
use elements_protocol::auth::Role;

/// Access codes a fresh demo backend accepts, so the demo can be joined without setup.
const DEMO_CODES: &[(&str, Role, bool)] = &[
    ("DEMO-ATTENDEE", Role::Attendee, false),
    ("DEMO-STAFF", Role::Organizer, true),
    ("DEMO-KIOSK", Role::Kiosk, false),
];

const DEFAULT_DB: &str = "elements-backend.sqlite3";
const DEFAULT_LISTEN: &str = "127.0.0.1:8480";

/// The reference Element backend: serves one event over the Element HTTP protocol (v1).
#[derive(Parser)]
#[command(name = "elements-backend", version, propagate_version = true)]
struct Cli {
    /// A TOML configuration file; flags and ELEMENTS_* variables override what it says.
    #[arg(long, global = true, env = "ELEMENTS_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// The SQLite database [default: elements-backend.sqlite3].
    #[arg(long, global = true, env = "ELEMENTS_DB", value_name = "FILE")]
    db: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the event (the bundled demo event, with demo codes, when the database is empty).
    Serve(ServeArgs),
    /// Load a published schedule (frab/Pentabarf XML, schedule JSON, iCalendar) or an Elements
    /// event file (its floor plans from beside it).
    Import(ImportArgs),
    /// Keep a published schedule (pretalx, frab, c3voc JSON, iCalendar) in step with the event:
    /// looked at every interval with If-None-Match, imported (updating the schedule's parts)
    /// when it changed.
    Follow(FollowArgs),
    /// Add an access code.
    Code(CodeArgs),
    /// Issue personal tickets signed with the event's key: door tablets refuse a forged or
    /// edited one offline. Prints (or writes) each ticket's id, code and join link as CSV.
    Tickets(TicketsArgs),
    /// The event's attendees from a ticket shop's export (pretix, Eventbrite, Tito, or any CSV
    /// with a column mapping), each with a personal signed ticket.
    #[command(subcommand)]
    Roster(RosterCommand),
    /// Write the analytics report: a CSV per figure and a self-contained report.html with its
    /// charts (no figure from fewer than 5 people).
    Report {
        /// The folder the files go into (made if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Write the join, checkpoint and location QR codes as SVG files.
    QrCodes(QrCodesArgs),
    /// Copy the database to FILE with SQLite's online backup, while it is being served.
    Backup {
        /// Where the copy goes (replaced if it exists).
        file: PathBuf,
    },
    /// Replace the database with a backup made by `backup` (stop `serve` first).
    Restore {
        /// A file written by `elements-backend backup`.
        file: PathBuf,
    },
    /// Check any backend against protocol v1.
    Conformance(ConformanceArgs),
    /// Print shell completions for this command.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Args, Default)]
struct ServeArgs {
    /// The address to listen on [default: 127.0.0.1:8480].
    #[arg(long, env = "ELEMENTS_LISTEN", value_name = "ADDRESS")]
    listen: Option<String>,
    /// Pins the backend's clock (rehearsals, tests), an RFC 3339 time.
    #[arg(long, env = "ELEMENTS_CLOCK", value_name = "TIME", value_parser = parse_time)]
    clock: Option<chrono::DateTime<chrono::Utc>>,
    /// Client connections served at once [default: 90% of the file descriptor limit].
    #[arg(long, env = "ELEMENTS_MAX_CONNECTIONS", value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    max_connections: Option<u32>,
    /// Serve HTTPS with this certificate chain (PEM); read again when the file changes.
    #[arg(long, env = "ELEMENTS_TLS_CERT", value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The certificate's private key (PEM).
    #[arg(long, env = "ELEMENTS_TLS_KEY", value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// The address apps use, when it is not the listening one (behind a reverse proxy), for the
    /// join link: e.g. https://events.example.org.
    #[arg(long, env = "ELEMENTS_PUBLIC_URL", value_name = "URL")]
    public_url: Option<String>,
    /// Answer /metrics to this bearer token (from anywhere) instead of to loopback and
    /// private-network addresses only.
    #[arg(long, env = "ELEMENTS_METRICS_TOKEN", value_name = "TOKEN", hide_env_values = true)]
    metrics_token: Option<String>,
    /// Serve as one instance of a cluster on this PostgreSQL database (postgres://user@host/db)
    /// instead of on the SQLite file: run as many instances as you like, behind any load
    /// balancer. The SQLite file is then not used.
    #[arg(long, env = "ELEMENTS_DATABASE_URL", value_name = "URL", hide_env_values = true)]
    database_url: Option<String>,
}

#[derive(Args)]
struct ImportArgs {
    /// The schedule or event file.
    schedule: PathBuf,
    /// The IANA time zone of a schedule whose times carry none (e.g. Europe/Brussels).
    #[arg(long, value_name = "AREA/CITY")]
    timezone: Option<String>,
    /// Take floors, places and walkways from an IMDF archive's folder.
    #[arg(long, value_name = "IMDF-FOLDER")]
    venue: Option<PathBuf>,
    /// Replace the whole event with the schedule's (its polls, quests, venue, scenarios and
    /// settings are dropped), instead of updating the schedule's parts of the event loaded.
    #[arg(long)]
    replace: bool,
}

#[derive(Args)]
struct FollowArgs {
    /// The schedule's address, e.g. https://pretalx.example.org/conf/schedule/export/schedule.json
    url: String,
    /// How often to look: 30s, 5m, 1h.
    #[arg(long, value_name = "INTERVAL", default_value = "5m", value_parser = elements_backend::follow::parse_every)]
    every: std::time::Duration,
    /// The IANA time zone of a schedule whose times carry none.
    #[arg(long, value_name = "AREA/CITY")]
    timezone: Option<String>,
    /// Also trust this CA (PEM) for the schedule's HTTPS certificate.
    #[arg(long, value_name = "FILE")]
    ca_file: Option<PathBuf>,
    /// Look once, import if changed, and exit.
    #[arg(long)]
    once: bool,
}

#[derive(Args)]
struct TicketsArgs {
    /// How many tickets.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    count: u32,
    /// What each ticket's id starts with (`T-8K2PQX7M`).
    #[arg(long, default_value = "T")]
    prefix: String,
    /// Write the CSV here instead of to standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// The backend's public address, for the join links [default: the configuration's
    /// public_url, else http://127.0.0.1:8480].
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// From now on every personal ticket must be signed: devices refuse unsigned ones offline.
    #[arg(long)]
    only_signed: bool,
}

#[derive(Subcommand)]
enum RosterCommand {
    /// Read an attendee export: new attendees get a ticket, changed ones are updated, cancelled
    /// ones (or, in a complete export, ones no longer listed) lose theirs. Importing the same
    /// file again changes nothing. Every row that could not be read is named.
    Import(RosterImportArgs),
    /// Write every attendee with their ticket code and join link as CSV (cells a spreadsheet
    /// would run as formulas are written as text).
    Export(RosterExportArgs),
    /// E-mail each attendee not invited yet their personal join link and its QR code, in their
    /// language (English or Russian), over SMTP. A failed address is named and tried again on
    /// the next run; the others are not sent twice.
    Invite(RosterInviteArgs),
    /// Print badges as a PDF: name, company, ticket type and the ticket's QR code (the door
    /// checks it in, a booth captures a lead with it).
    Badges(RosterBadgesArgs),
}

#[derive(Args)]
struct RosterInviteArgs {
    /// The SMTP server: smtp://host:25, smtp://user:password@host:587?tls=required, smtps://host.
    #[arg(long, env = "ELEMENTS_SMTP_URL", value_name = "URL", hide_env_values = true)]
    smtp: Option<String>,
    /// The sender, e.g. "Techfest <tickets@techfest.kz>".
    #[arg(long, env = "ELEMENTS_MAIL_FROM", value_name = "ADDRESS")]
    from: Option<String>,
    /// The backend's public address, for the join links [default: the configuration's
    /// public_url, else http://127.0.0.1:8480].
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// Send again to attendees already invited.
    #[arg(long)]
    again: bool,
}

#[derive(Args)]
struct RosterBadgesArgs {
    /// The PDF to write.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// a4 (sheets of 8 badges of 95 × 68 mm to cut) or label (one 4 × 3 in badge a page).
    #[arg(long, default_value = "a4", value_parser = parse_badge_format)]
    format: elements_backend::roster::badges::Format,
    /// The backend's public address, for the QR codes' join links [default: the configuration's
    /// public_url, else http://127.0.0.1:8480].
    #[arg(long, value_name = "URL")]
    url: Option<String>,
}

fn parse_badge_format(name: &str) -> Result<elements_backend::roster::badges::Format, String> {
    elements_backend::roster::badges::Format::parse(name).ok_or_else(|| "expected a4 or label".to_string())
}

#[derive(Args)]
struct RosterImportArgs {
    /// The CSV file the ticket shop exported.
    file: PathBuf,
    /// Which shop exported it [default: told by its columns].
    #[arg(long, value_parser = parse_shop)]
    shop: Option<elements_import::roster::Shop>,
    /// A column for a field, as FIELD=COLUMN (fields: key, name, first_name, last_name, email,
    /// ticket_type, order, company, language, status); repeat for several.
    #[arg(long = "map", value_name = "FIELD=COLUMN", value_parser = parse_mapping)]
    mapping: Vec<(elements_import::roster::Field, String)>,
    /// The file's encoding when it is not UTF-8 (windows-1251, koi8-r, utf-16le, ...).
    #[arg(long, value_name = "LABEL")]
    encoding: Option<String>,
    /// The export lists only some attendees: keep the ones it does not mention.
    #[arg(long)]
    partial: bool,
}

#[derive(Args)]
struct RosterExportArgs {
    /// Write the CSV here instead of to standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// The backend's public address, for the join links [default: the configuration's
    /// public_url, else http://127.0.0.1:8480].
    #[arg(long, value_name = "URL")]
    url: Option<String>,
}

fn parse_shop(name: &str) -> Result<elements_import::roster::Shop, String> {
    use elements_import::roster::Shop;
    Shop::parse(name).ok_or_else(|| {
        let names: Vec<&str> = Shop::ALL.iter().map(|s| s.as_str()).collect();
        format!("expected one of {}", names.join(", "))
    })
}

fn parse_mapping(text: &str) -> Result<(elements_import::roster::Field, String), String> {
    use elements_import::roster::Field;
    let (field, column) = text.split_once('=').ok_or("expected FIELD=COLUMN, e.g. name=\"Full name\"")?;
    let field = Field::parse(field).ok_or_else(|| {
        let names: Vec<&str> = Field::ALL.iter().map(|f| f.as_str()).collect();
        format!("unknown field {field:?}: expected one of {}", names.join(", "))
    })?;
    if column.trim().is_empty() {
        return Err(format!("no column named for {}", field.as_str()));
    }
    Ok((field, column.trim().to_string()))
}

#[derive(Args)]
struct CodeArgs {
    /// The code people type or scan.
    code: String,
    /// Who the code makes its holder.
    #[arg(long, value_parser = parse_role)]
    role: Role,
    /// One participant for every device that redeems it (a personal ticket).
    #[arg(long)]
    personal: bool,
    /// At most this many devices may redeem a shared code.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..), conflicts_with = "personal")]
    max_devices: Option<u32>,
}

#[derive(Args)]
struct QrCodesArgs {
    /// The folder the SVG files go into.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The backend's public address, for the join code [default: the configuration's
    /// public_url, else http://127.0.0.1:8480].
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// The join code the join QR carries.
    #[arg(long, value_name = "CODE", default_value = "DEMO-ATTENDEE")]
    code: String,
}

#[derive(Args)]
struct ConformanceArgs {
    /// The backend's base address.
    url: String,
    /// An attendee code the backend accepts.
    #[arg(long, value_name = "CODE")]
    code: String,
    /// A staff code, for the staff checks.
    #[arg(long, value_name = "CODE")]
    staff_code: Option<String>,
    /// A kiosk code, for the venue screen checks.
    #[arg(long, value_name = "CODE")]
    kiosk_code: Option<String>,
    /// Also trust this CA (PEM) for the backend's HTTPS certificate.
    #[arg(long, value_name = "FILE")]
    ca_file: Option<PathBuf>,
}

/// The configuration file: what `serve`'s flags say, and the database.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    db: Option<PathBuf>,
    database_url: Option<String>,
    listen: Option<String>,
    clock: Option<String>,
    max_connections: Option<u32>,
    tls_cert: Option<PathBuf>,
    tls_key: Option<PathBuf>,
    public_url: Option<String>,
    metrics_token: Option<String>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
}

impl FileConfig {
    fn read(path: &Path) -> Result<FileConfig, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }
}

fn parse_role(name: &str) -> Result<Role, String> {
    Role::parse(name).ok_or_else(|| {
        let names: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        format!("expected one of {} (staff is read as organizer)", names.join(", "))
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("elements-backend: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), String> {
    let file = match &cli.config {
        Some(path) => FileConfig::read(path)?,
        None => FileConfig::default(),
    };
    let db = cli.db.or(file.db.clone()).unwrap_or_else(|| PathBuf::from(DEFAULT_DB));
    let open = || SqliteStore::open(&db).map_err(|e| format!("{}: {e}", db.display()));
    match cli.command {
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "elements-backend", &mut std::io::stdout());
            Ok(())
        }
        // The conformance kit is a client of some backend: it opens no database of its own.
        Command::Conformance(args) => {
            let trust = match &args.ca_file {
                Some(file) => elements_tls::Trust::with_ca_file(file),
                None => elements_tls::Trust::platform(),
            }
            .map_err(|e| e.to_string())?;
            let codes = elements_backend::conformance::Codes {
                attendee: args.code,
                staff: args.staff_code,
                kiosk: args.kiosk_code,
            };
            let report = elements_backend::conformance::run(&args.url, &codes, &trust);
            print!("{}", report.render());
            if report.failed() == 0 {
                Ok(())
            } else {
                Err(format!("{} deviates from protocol v1 in {} check(s)", args.url, report.failed()))
            }
        }
        Command::Serve(args) => {
            let store: Arc<dyn Store> = match args.database_url.clone().or(file.database_url.clone()) {
                Some(url) => Arc::new(PgStore::open(&url).map_err(|e| format!("the cluster's database: {e}"))?),
                None => Arc::new(open()?),
            };
            serve(store, args, file)
        }
        Command::Import(args) => {
            let options = match &args.timezone {
                Some(zone) => elements_import::Options::with_timezone(zone)?,
                None => elements_import::Options::default(),
            };
            import(&open()?, &args.schedule.to_string_lossy(), &options, args.venue.as_deref(), args.replace)
        }
        Command::Follow(args) => follow(&open()?, args),
        Command::Tickets(mut args) => {
            args.url = args.url.or(file.public_url.clone());
            tickets(&open()?, args)
        }
        Command::Roster(RosterCommand::Import(args)) => roster_import(&open()?, args),
        Command::Roster(RosterCommand::Export(mut args)) => {
            args.url = args.url.or(file.public_url.clone());
            roster_export(&open()?, args)
        }
        Command::Roster(RosterCommand::Invite(mut args)) => {
            args.url = args.url.or(file.public_url.clone());
            args.smtp = args.smtp.or(file.smtp_url.clone());
            args.from = args.from.or(file.mail_from.clone());
            roster_invite(&open()?, args)
        }
        Command::Roster(RosterCommand::Badges(mut args)) => {
            args.url = args.url.or(file.public_url.clone());
            roster_badges(&open()?, args)
        }
        Command::Report { out } => {
            let started = std::time::Instant::now();
            let store = open()?;
            let (event, happenings) =
                store.analytics_input().map_err(|e| e.to_string())?.ok_or("no event is loaded: import one first")?;
            let figures = elements_backend::analytics::analyse(&event, &happenings);
            let mut plan_error = None;
            let venue = elements_backend::analytics::report::Venue::of(&event, |floor| {
                store.plan(floor).unwrap_or_else(|e| {
                    plan_error.get_or_insert(e.to_string());
                    None
                })
            });
            if let Some(e) = plan_error {
                eprintln!("warning: the report draws floors without their plans: {e}");
            }
            let files = elements_backend::analytics::report::write(&figures, &venue, &out)?;
            println!(
                "{}: {} files from {} signals in {} ms",
                out.display(),
                files.len(),
                happenings.len(),
                started.elapsed().as_millis()
            );
            Ok(())
        }
        Command::QrCodes(args) => {
            let url = args.url.or(file.public_url.clone()).unwrap_or_else(|| "http://127.0.0.1:8480".into());
            qr_codes(&open()?, &args.out, &url, &args.code)
        }
        Command::Code(args) => {
            let store = open()?;
            store.add_code(&args.code, args.role, args.personal).map_err(|e| e.to_string())?;
            store.cap_code(&args.code, args.max_devices).map_err(|e| e.to_string())?;
            let cap = args.max_devices.map(|n| format!(", at most {n} devices")).unwrap_or_default();
            let personal = if args.personal { " (personal)" } else { "" };
            println!("added {} code {}{personal}{cap}", args.role.as_str(), args.code);
            Ok(())
        }
        Command::Backup { file } => {
            let pages = open()?.backup_to(&file).map_err(|e| e.to_string())?;
            println!("backed up {} to {} ({pages} pages)", db.display(), file.display());
            Ok(())
        }
        Command::Restore { file } => {
            let summary = SqliteStore::restore(&file, &db).map_err(|e| e.to_string())?;
            println!("restored {} from {}: {summary}", db.display(), file.display());
            Ok(())
        }
    }
}

fn tickets(store: &SqliteStore, args: TicketsArgs) -> Result<(), String> {
    use std::io::Write;
    let prefix = args.prefix.trim();
    if prefix.is_empty() || prefix.len() > 16 || !prefix.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(format!("--prefix {prefix:?}: 1 to 16 letters, digits or dashes"));
    }
    let issued = store.issue_tickets(args.count, prefix).map_err(|e| e.to_string())?;
    if args.only_signed {
        store.require_signed_tickets().map_err(|e| e.to_string())?;
    }
    let base = args.url.as_deref().unwrap_or("http://127.0.0.1:8480").trim_end_matches('/').to_string();
    let mut csv = String::from("ticket_id,code,join_link\n");
    for t in &issued {
        let link = elements_protocol::link::Link::Join { url: base.clone(), code: Some(t.code.clone()) };
        csv.push_str(&format!("{},{},{link}\n", t.id, t.code));
    }
    match &args.out {
        Some(path) => std::fs::write(path, csv).map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        None => {
            let _ = std::io::stdout().write_all(csv.as_bytes());
        }
    }
    eprintln!(
        "elements-backend: issued {} signed ticket(s){}",
        issued.len(),
        if args.only_signed { "; unsigned tickets are refused from now on" } else { "" }
    );
    Ok(())
}

fn roster_import(store: &SqliteStore, args: RosterImportArgs) -> Result<(), String> {
    use elements_import::roster;
    let bytes = std::fs::read(&args.file).map_err(|e| format!("cannot read {}: {e}", args.file.display()))?;
    let options = roster::RosterOptions { shop: args.shop, mapping: args.mapping, encoding: args.encoding };
    let read = roster::read_roster(&bytes, &options).map_err(|e| format!("{}: {e}", args.file.display()))?;
    for problem in &read.problems {
        eprintln!("{}: {problem}", args.file.display());
    }
    let summary = store.apply_roster(&read, !args.partial, chrono::Utc::now()).map_err(|e| e.to_string())?;
    let skipped = read.problems.iter().filter(|p| p.skipped).count();
    println!(
        "{}: {} export, {} attendee(s) read, {skipped} row(s) skipped; {summary}",
        args.file.display(),
        read.shop.as_str(),
        read.attendees.len()
    );
    Ok(())
}

fn roster_export(store: &SqliteStore, args: RosterExportArgs) -> Result<(), String> {
    use elements_import::roster::spreadsheet_safe;
    use std::io::Write;
    let base = args.url.as_deref().unwrap_or("http://127.0.0.1:8480").trim_end_matches('/').to_string();
    let mut out = csv_writer();
    out.write_record([
        "key",
        "name",
        "email",
        "ticket_type",
        "order",
        "company",
        "language",
        "status",
        "ticket_id",
        "code",
        "join_link",
    ])
    .map_err(|e| e.to_string())?;
    for a in store.roster().map_err(|e| e.to_string())? {
        let link = join_link(&base, &a.ticket.code);
        let cells = [
            a.key,
            a.name,
            a.email.unwrap_or_default(),
            a.ticket_type.unwrap_or_default(),
            a.order.unwrap_or_default(),
            a.company.unwrap_or_default(),
            a.language.unwrap_or_default(),
            if a.cancelled { "cancelled" } else { "active" }.to_string(),
            a.ticket.id,
            a.ticket.code,
            link.to_string(),
        ];
        out.write_record(cells.iter().map(|c| spreadsheet_safe(c).into_owned())).map_err(|e| e.to_string())?;
    }
    let bytes = out.into_inner().map_err(|e| e.to_string())?;
    match &args.out {
        Some(path) => std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        None => {
            let _ = std::io::stdout().write_all(&bytes);
        }
    }
    Ok(())
}

/// The join link of a ticket code at the backend's address `base`.
fn join_link(base: &str, code: &str) -> String {
    elements_protocol::link::Link::Join { url: base.trim_end_matches('/').to_string(), code: Some(code.to_string()) }
        .to_string()
}

fn roster_invite(store: &SqliteStore, args: RosterInviteArgs) -> Result<(), String> {
    use elements_backend::roster::{event_line, invitations};
    let smtp =
        args.smtp.ok_or("--smtp URL (or ELEMENTS_SMTP_URL, or smtp_url in the configuration) names the mail server")?;
    let from = args.from.ok_or("--from ADDRESS (or ELEMENTS_MAIL_FROM, or mail_from) names the sender")?;
    let manifest = store.manifest().map_err(|e| e.to_string())?.ok_or("no event is loaded: import one first")?;
    let event = event_line(&manifest);
    let base = args.url.unwrap_or_else(|| "http://127.0.0.1:8480".into());
    let mailer = invitations::mailer(&smtp).map_err(|e| e.to_string())?;
    let (mut sent, mut failed, mut no_address) = (0, 0, 0);
    for entry in store.roster().map_err(|e| e.to_string())? {
        if entry.cancelled || (entry.invited_at.is_some() && !args.again) {
            continue;
        }
        if entry.email.is_none() {
            no_address += 1;
            continue;
        }
        let result = invitations::invitation(&entry, &event, &from, &join_link(&base, &entry.ticket.code))
            .and_then(|invitation| invitations::send(&mailer, &invitation));
        match result {
            Ok(()) => {
                store.mark_invited(&entry.key, chrono::Utc::now()).map_err(|e| e.to_string())?;
                sent += 1;
            }
            // A bad sender or server fails every address alike: stop at the first.
            Err(e @ (invitations::InviteError::BadSender(_) | invitations::InviteError::BadServer { .. })) => {
                return Err(e.to_string())
            }
            Err(e) => {
                eprintln!("elements-backend: not sent: {e}");
                failed += 1;
            }
        }
    }
    println!("{sent} invitation(s) sent, {failed} failed, {no_address} attendee(s) without an e-mail address");
    if failed > 0 {
        return Err(format!("{failed} invitation(s) failed (named above); run again to retry them"));
    }
    Ok(())
}

fn roster_badges(store: &SqliteStore, args: RosterBadgesArgs) -> Result<(), String> {
    use elements_backend::roster::{badges, event_line};
    let manifest = store.manifest().map_err(|e| e.to_string())?.ok_or("no event is loaded: import one first")?;
    let base = args.url.unwrap_or_else(|| "http://127.0.0.1:8480".into());
    let roster = store.roster().map_err(|e| e.to_string())?;
    let sheet = badges::badges(&roster, &event_line(&manifest), args.format, |code| join_link(&base, code))?;
    std::fs::write(&args.out, &sheet.pdf).map_err(|e| format!("cannot write {}: {e}", args.out.display()))?;
    for text in &sheet.unprintable {
        eprintln!("elements-backend: {text:?} has characters the badge font lacks: they print as boxes");
    }
    println!("{}: {} badge(s) on {} page(s)", args.out.display(), sheet.badges, sheet.pages);
    Ok(())
}

fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new().from_writer(Vec::new())
}

/// `follow`: looks at the schedule every interval (bounded per look by the HTTP timeout) and
/// imports it when it changed; a failed look is reported and retried at the next interval.
fn follow(store: &SqliteStore, args: FollowArgs) -> Result<(), String> {
    let trust = match &args.ca_file {
        Some(file) => elements_tls::Trust::with_ca_file(file),
        None => elements_tls::Trust::platform(),
    }
    .map_err(|e| e.to_string())?;
    let options = match &args.timezone {
        Some(zone) => elements_import::Options::with_timezone(zone)?,
        None => elements_import::Options::default(),
    };
    let mut follower = elements_backend::follow::Follower::new(&args.url, &trust)?;
    let mut last: Option<u64> = None;
    loop {
        match follower.fetch() {
            Ok(elements_backend::follow::Fetched::Changed(bytes)) => {
                // A server without ETags sends the whole file each time: import only what differs.
                let print = elements_domain::fingerprint_bytes(&bytes);
                if last != Some(print) {
                    match import_bytes(store, &bytes, &args.url, &options, None, false) {
                        Ok(()) => {
                            last = Some(print);
                            follower.imported();
                        }
                        Err(e) if args.once => return Err(e),
                        Err(e) => eprintln!("elements-backend: {e}"),
                    }
                } else {
                    follower.imported();
                    eprintln!("elements-backend: {} is unchanged", args.url);
                }
            }
            Ok(elements_backend::follow::Fetched::Unchanged) => {
                eprintln!("elements-backend: {} is unchanged (304)", args.url);
            }
            Err(e) if args.once => return Err(e),
            Err(e) => eprintln!("elements-backend: {e}; trying again in {:?}", args.every),
        }
        if args.once {
            return Ok(());
        }
        std::thread::sleep(args.every);
    }
}

fn import(
    store: &SqliteStore,
    file: &str,
    options: &elements_import::Options,
    venue: Option<&std::path::Path>,
    replace: bool,
) -> Result<(), String> {
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    import_bytes(store, &bytes, file, options, venue, replace)
}

/// Imports `bytes` read from `file` (a path or a URL, for messages and for the plans beside an
/// event file).
fn import_bytes(
    store: &SqliteStore,
    bytes: &[u8],
    file: &str,
    options: &elements_import::Options,
    venue: Option<&std::path::Path>,
    replace: bool,
) -> Result<(), String> {
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
        // An updated schedule updates the schedule's parts of the event loaded and keeps what
        // the organizer built; a first import (or the bundled demo, or --replace) replaces it.
        let demo_id = elements_domain::parse_event(elements_backend::DEMO_EVENT_JSON).map(|d| d.manifest.id).ok();
        match store.event_bundle().map_err(|e| e.to_string())? {
            Some(current) if !replace && Some(&current.manifest.id) != demo_id.as_ref() => {
                let merged = elements_import::merge::schedule_into(&current, imported.bundle);
                for w in &merged.warnings {
                    eprintln!("elements-backend: warning: {w}");
                }
                eprintln!(
                    "elements-backend: updated the schedule of \"{}\"; its polls, quests, venue, scenarios and settings are kept (--replace replaces them)",
                    current.manifest.name
                );
                merged.bundle
            }
            _ => imported.bundle,
        }
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
    store: &dyn Store,
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

/// Logs to stderr: JSON lines when stderr is not a terminal (journald, a container's log
/// collector), compact text on one; the level from `ELEMENTS_LOG` (error, warn, info, debug,
/// trace; info by default; debug logs every request).
fn init_logs() -> Result<(), String> {
    use std::io::IsTerminal;
    let level = match std::env::var("ELEMENTS_LOG") {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse::<tracing::Level>()
            .map_err(|_| format!("ELEMENTS_LOG={v:?}: expected error, warn, info, debug or trace"))?,
        _ => tracing::Level::INFO,
    };
    let logs = tracing_subscriber::fmt().with_writer(std::io::stderr).with_max_level(level);
    if std::io::stderr().is_terminal() {
        logs.compact().init();
    } else {
        logs.json().flatten_event(true).with_current_span(false).init();
    }
    Ok(())
}

fn serve(store: Arc<dyn Store>, args: ServeArgs, file: FileConfig) -> Result<(), String> {
    init_logs()?;
    let mut config = elements_backend::http::Config::default();
    config.clock = match (args.clock, &file.clock) {
        (Some(t), _) => Some(t),
        (None, Some(text)) => Some(parse_time(text).map_err(|e| format!("clock in the configuration file: {e}"))?),
        (None, None) => None,
    };
    config.metrics_token = args.metrics_token.or(file.metrics_token).filter(|t| !t.trim().is_empty());
    let mut limits = elements_backend::server::Limits::default();
    if let Some(n) = args.max_connections.or(file.max_connections) {
        limits.max_connections = n.max(1) as usize;
    }
    let listen = args.listen.or(file.listen).unwrap_or_else(|| DEFAULT_LISTEN.to_string());
    let tls = match (args.tls_cert.or(file.tls_cert), args.tls_key.or(file.tls_key)) {
        (Some(cert), Some(key)) => Some(elements_tls::ServerCert::load(&cert, &key).map_err(|e| e.to_string())?),
        (None, None) => None,
        _ => return Err("HTTPS needs both tls_cert and tls_key (one is set in the configuration file)".into()),
    };
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
        store_plans(store.as_ref(), &mut bundle.floors, plans)?;
        store.replace_event(&bundle).map_err(|e| e.to_string())?;
        for (code, role, personal) in DEMO_CODES {
            store.add_code(code, *role, *personal).map_err(|e| e.to_string())?;
        }
        // The demo's checkpoint codes are signed: `qr-codes` prints them.
        store.qr_secret().map_err(|e| e.to_string())?;
        let codes: Vec<String> = DEMO_CODES.iter().map(|(c, r, _)| format!("{c} ({})", r.as_str())).collect();
        tracing::info!(codes = %codes.join(", "), "empty database: loaded the bundled demo event");
    }
    let runtime = tokio::runtime::Runtime::new().map_err(|e| format!("tokio: {e}"))?;
    runtime.block_on(async move {
        let listener =
            tokio::net::TcpListener::bind(&listen).await.map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        // Not println!: a closed stdout (`| head`, a test that read the address) must not take
        // the server down.
        use std::io::Write;
        let _ = writeln!(std::io::stdout(), "elements-backend: serving protocol v1 on {scheme}://{addr}");
        tracing::info!(address = %addr, %scheme, "serving protocol v1");
        // The join link carries the address apps use: the public one when given, with its scheme.
        let public = args.public_url.or(file.public_url).unwrap_or_else(|| format!("{scheme}://{addr}"));
        let join = elements_protocol::link::Link::Join {
            url: public.trim_end_matches('/').to_string(),
            code: Some("DEMO-ATTENDEE".into()),
        };
        let _ = writeln!(std::io::stdout(), "elements-backend: join link: {join}");
        let router = elements_backend::http::router_with(store, config);
        let shutdown = async {
            let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending().await } } => {}
            }
            tracing::info!("stopping: finishing requests in flight, closing live streams");
        };
        elements_backend::server::serve(listener, router, limits, tls, shutdown)
            .await
            .map_err(|e| format!("server: {e}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The annotated example the .deb installs under /etc parses, with every commented setting
    /// switched on too (a renamed setting would otherwise linger in the example unnoticed).
    #[test]
    fn the_example_configuration_names_only_settings_that_exist() {
        let example = include_str!("../packaging/elements-backend.toml");
        let parsed: FileConfig = toml::from_str(example).expect("the example parses");
        assert!(parsed.db.is_some() && parsed.listen.is_some());
        let all_on: String = example
            .lines()
            .map(|l| match l.strip_prefix("# ") {
                // `# key = "value"` or `# key = 123`: a setting switched off, not prose.
                Some(setting)
                    if setting
                        .split_once(" = ")
                        .is_some_and(|(k, v)| !k.contains(' ') && (v.starts_with('"') || v.parse::<u64>().is_ok())) =>
                {
                    setting
                }
                _ => l,
            })
            .collect::<Vec<_>>()
            .join("\n");
        let parsed: FileConfig = toml::from_str(&all_on).unwrap_or_else(|e| panic!("{e}\n{all_on}"));
        assert!(parsed.tls_cert.is_some() && parsed.metrics_token.is_some() && parsed.clock.is_some());
        assert!(parse_time(parsed.clock.as_deref().unwrap_or_default()).is_ok());
    }
}
