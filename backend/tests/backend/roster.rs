//! The attendee roster against the reference backend on 127.0.0.1: a shop's export in, a
//! signed personal ticket per attendee out; importing again follows the shop's changes.

use std::process::Command;

use crate::common::{during_event, start};
use elements_backend::store::roster::RosterSummary;
use elements_backend::store::{SqliteStore, Store};
use elements_import::roster::{read_roster, Roster, RosterOptions};
use elements_protocol::auth::RedeemResponse;

const BACKEND: &str = env!("CARGO_BIN_EXE_elements-backend");

fn fixture_path(name: &str) -> String {
    format!("{}/../import/tests/fixtures/roster/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn pretix(text: &str) -> Roster {
    read_roster(text.as_bytes(), &RosterOptions::default()).expect("read the roster")
}

async fn redeem(base: &str, code: &str, device: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{base}/v1/auth/redeem"))
        .json(&serde_json::json!({"code": code, "client_id": device}))
        .send()
        .await
        .expect("POST /v1/auth/redeem")
}

/// A GET only a token opens (the people feed): its status.
async fn people_feed(base: &str, token: &str) -> u16 {
    reqwest::Client::new()
        .get(format!("{base}/v1/elements/people/changes"))
        .bearer_auth(token)
        .send()
        .await
        .expect("GET people")
        .status()
        .as_u16()
}

/// pretix's export makes a signed ticket per valid position; the same export again changes
/// nothing (same tickets); an updated one adds, changes, cancels (a refund, and a position no
/// longer listed) and restores. A cancelled ticket no longer redeems and its device is signed
/// out, also when the import ran in another process (another connection to the database).
#[tokio::test]
async fn a_roster_import_gives_tickets_and_follows_the_shops_changes() {
    let s = start().await;
    let export = std::fs::read_to_string(fixture_path("pretix-order-positions.csv")).expect("fixture");
    let now = during_event();
    let first = s.store.apply_roster(&pretix(&export), true, now).expect("import");
    assert_eq!(first, RosterSummary { added: 3, cancelled: 1, ..Default::default() });
    let tickets = s.store.roster().expect("roster");
    assert_eq!(tickets.len(), 4);
    let again = s.store.apply_roster(&pretix(&export), true, now).expect("import again");
    assert_eq!(again, RosterSummary { unchanged: 4, ..Default::default() });
    assert_eq!(s.store.roster().expect("roster"), tickets, "the same tickets, not new ones");

    // Each ticket is signed with the key the manifest publishes.
    let manifest = s.store.manifest().expect("manifest").expect("an event");
    let key = manifest.qr_public_key.clone().expect("a key");
    for t in &tickets {
        let (id, sig) = elements_protocol::signal::signed_ticket(&t.ticket.code).expect("signed");
        assert_eq!(id, t.ticket.id);
        assert!(elements_domain::qr::verify(&key, &elements_protocol::signal::ticket_message(&manifest.id, id), sig));
    }
    let ticket_of = |key: &str| tickets.iter().find(|t| t.key == key).expect(key).ticket.code.clone();
    let (aigerim, bolat, erlan) =
        (ticket_of("pretix:KX7QP-1"), ticket_of("pretix:KX7QP-2"), ticket_of("pretix:W9ZZ4-1"));

    // The ticket joins as its holder, by name.
    let joined: RedeemResponse = redeem(&s.base, &aigerim, "phone-1").await.json().await.expect("token");
    assert_eq!(joined.display_name, "Айгерим Садыкова");
    assert!(joined.ticketed);
    let bolat_joined: RedeemResponse = redeem(&s.base, &bolat, "phone-2").await.json().await.expect("token");
    assert_eq!(people_feed(&s.base, &bolat_joined.token).await, 200);
    assert_eq!(redeem(&s.base, &erlan, "phone-3").await.status(), 401, "a cancelled order's ticket");

    // The shop's next export: Dana renamed, Bolat's position gone, Erlan's order paid after all,
    // a new order. Imported by another connection, as `elements-backend roster import` would.
    let mut lines: Vec<String> = export.lines().map(str::to_string).collect();
    lines.retain(|l| !l.contains("\"Bolat Nurlanov\""));
    for l in lines.iter_mut() {
        if l.contains("\"M2RN9\"") {
            *l = l.replace("\"Dana Patel\"", "\"Dana Patel-Berg\"");
        }
        if l.contains("\"W9ZZ4\"") {
            *l = l.replace("\"Canceled\"", "\"Paid\"");
        }
    }
    let newcomer = lines[1].replace("\"KX7QP\"", "\"NEW01\"").replace("\"Айгерим Садыкова\"", "\"Saule Ali\"");
    lines.push(newcomer);
    let updated = pretix(&lines.join("\n"));
    let cli = SqliteStore::open(&s.db_path()).expect("a second connection");
    let summary = cli.apply_roster(&updated, true, now).expect("import the update");
    assert_eq!(
        summary,
        RosterSummary { added: 1, changed: 1, cancelled: 1, restored: 1, unchanged: 1, kept_missing: false }
    );
    assert_eq!(redeem(&s.base, &bolat, "phone-4").await.status(), 401, "a position no longer listed");
    assert_eq!(redeem(&s.base, &erlan, "phone-3").await.status(), 200, "a paid order's ticket");
    // The serving backend notices the outside commit within its interval; bounded wait.
    let mut refused = false;
    for _ in 0..100 {
        if people_feed(&s.base, &bolat_joined.token).await == 401 {
            refused = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(refused, "the cancelled ticket's device is still signed in");
    assert_eq!(people_feed(&s.base, &joined.token).await, 200, "others stay signed in");
    let renamed = s.store.roster().expect("roster").into_iter().find(|t| t.key == "pretix:M2RN9-1").expect("Dana");
    assert_eq!(renamed.name, "Dana Patel-Berg");
    assert_eq!(renamed.ticket.code, ticket_of("pretix:M2RN9-1"), "a renamed attendee keeps their ticket");

    // A complete export with an unreadable row cancels nobody missing from it.
    let mut broken = lines.clone();
    broken.retain(|l| !l.contains("\"NEW01\""));
    broken.push("\"techfest26\",\"ZZ\"".into());
    let summary = cli.apply_roster(&pretix(&broken.join("\n")), true, now).expect("import");
    assert!(summary.kept_missing && summary.cancelled == 0, "{summary}");
}

/// The command line: every unreadable row named on stderr with its line, the summary on
/// stdout; the export's cells that a spreadsheet would run are written as text.
#[test]
fn roster_import_and_export_on_the_command_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("backend.sqlite3");
    let event = format!("{}/../assets/demo-event/event.json", env!("CARGO_MANIFEST_DIR"));
    let file = dir.path().join("people.csv");
    std::fs::write(&file, "Full name;E-mail;Firm\n=HYPERLINK(\"http://x\");eve@example.org;@Evil\nDana Patel;dana@example.org;Patel Labs\nOnly;two\n")
        .expect("write");
    let refused =
        Command::new(BACKEND).args(["roster", "import"]).arg(&file).arg("--db").arg(&db).output().expect("run");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success() && stderr.contains("--map name="), "{stderr}");
    assert!(Command::new(BACKEND).args(["import", &event, "--db"]).arg(&db).status().expect("import").success());
    let run = |args: &[&str]| {
        Command::new(BACKEND)
            .args(["roster", "import"])
            .arg(&file)
            .args(args)
            .arg("--db")
            .arg(&db)
            .output()
            .expect("run")
    };
    let bad_map = run(&["--map", "nmae=Full name"]);
    assert!(String::from_utf8_lossy(&bad_map.stderr).contains("unknown field \"nmae\""));
    let mapped = ["--map", "name=Full name", "--map", "email=E-mail", "--map", "company=Firm"];
    let out = run(&mapped);
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("line 4: 2 fields where the header has 3"), "{stderr}");
    assert!(stderr.contains("line 2: the name") && stderr.contains("formula"), "{stderr}");
    assert!(stdout.contains("csv export, 2 attendee(s) read, 1 row(s) skipped; 2 added"), "{stdout}");
    assert!(stdout.contains("attendees missing from the file were kept"), "{stdout}");
    let again = run(&mapped);
    assert!(String::from_utf8_lossy(&again.stdout).contains("0 added, 0 changed, 0 cancelled, 0 restored, 2 unchanged"));

    let exported = Command::new(BACKEND)
        .args(["roster", "export", "--url", "https://events.example.org", "--db"])
        .arg(&db)
        .output()
        .expect("run");
    assert!(exported.status.success());
    let mut reader = csv::Reader::from_reader(exported.stdout.as_slice());
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("CSV");
    assert_eq!(rows.len(), 2);
    let eve = rows.iter().find(|r| &r[2] == "eve@example.org").expect("eve");
    assert_eq!(&eve[1], "'=HYPERLINK(\"http://x\")", "a formula is written as text");
    assert_eq!(&eve[5], "'@Evil");
    assert_eq!(&eve[7], "active");
    assert!(
        eve[10].starts_with("https://events.example.org/") || eve[10].contains("events.example.org"),
        "{}",
        &eve[10]
    );
    assert!(eve[10].contains(&eve[9]) || eve[10].contains(&eve[9].replace('.', "%2E")), "the link carries the code");
}

/// A real SMTP server on 127.0.0.1 (Python's aiosmtpd, writing each message to a maildir),
/// stopped when dropped.
struct SmtpServer {
    child: std::process::Child,
    port: u16,
    maildir: std::path::PathBuf,
}

impl SmtpServer {
    fn start(dir: &std::path::Path) -> SmtpServer {
        let port = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("addr").port();
        let maildir = dir.join("maildir");
        let child = Command::new("/usr/bin/python3")
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("python3 -m aiosmtpd (Debian's python3-aiosmtpd; `cargo xtask test` installs it)");
        let server = SmtpServer { child, port, maildir };
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("aiosmtpd did not listen on 127.0.0.1:{port} within 10 s");
    }

    /// The messages that arrived, as raw bytes.
    fn received(&self) -> Vec<Vec<u8>> {
        let Ok(entries) = std::fs::read_dir(self.maildir.join("new")) else { return Vec::new() };
        entries.flatten().map(|e| std::fs::read(e.path()).expect("message")).collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Decodes the QR codes in a grayscale PNG.
fn qr_codes_in_png(png_bytes: &[u8]) -> Vec<String> {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().expect("png");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("frame");
    let channels = info.color_type.samples();
    let (w, h) = (info.width as usize, info.height as usize);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| buf[(y * w + x) * channels]);
    img.detect_grids().iter().filter_map(|g| g.decode().ok().map(|(_, text)| text)).collect()
}

fn db_with_roster(dir: &std::path::Path) -> std::path::PathBuf {
    let db = dir.join("backend.sqlite3");
    let event = format!("{}/../assets/demo-event/event.json", env!("CARGO_MANIFEST_DIR"));
    assert!(Command::new(BACKEND).args(["import", &event, "--db"]).arg(&db).status().expect("import").success());
    let out = Command::new(BACKEND)
        .args(["roster", "import", &fixture_path("pretix-order-positions.csv"), "--db"])
        .arg(&db)
        .output()
        .expect("roster import");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    db
}

/// `roster invite` e-mails each attendee with an address, in their order's language, through a
/// real SMTP server: the join link in the text, its QR code inline (decoded here back to the
/// link); a second run sends nothing again; the cancelled attendee gets nothing.
#[test]
fn invitations_arrive_by_smtp_in_each_attendees_language() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = db_with_roster(dir.path());
    let smtp = SmtpServer::start(dir.path());
    let invite = || {
        Command::new(BACKEND)
            .args([
                "roster",
                "invite",
                "--url",
                "https://events.example.org",
                "--from",
                "Techfest <tickets@techfest.example>",
            ])
            .args(["--smtp", &format!("smtp://127.0.0.1:{}", smtp.port), "--db"])
            .arg(&db)
            .output()
            .expect("roster invite")
    };
    let out = invite();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("3 invitation(s) sent, 0 failed"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let store = SqliteStore::open(&db).expect("store");
    let roster = store.roster().expect("roster");
    let messages = smtp.received();
    assert_eq!(messages.len(), 3, "one each for the three valid tickets");
    let mut seen = Vec::new();
    for raw in &messages {
        let mail = mailparse::parse_mail(raw).expect("a MIME message");
        let to = mail.headers.iter().find(|h| h.get_key().eq_ignore_ascii_case("To")).expect("To").get_value();
        let subject =
            mail.headers.iter().find(|h| h.get_key().eq_ignore_ascii_case("Subject")).expect("Subject").get_value();
        let entry =
            roster.iter().find(|e| e.email.as_deref().is_some_and(|a| to.contains(a))).expect("a roster address");
        assert!(!entry.cancelled);
        let link = elements_protocol::link::Link::Join {
            url: "https://events.example.org".into(),
            code: Some(entry.ticket.code.clone()),
        }
        .to_string();
        let mut text = String::new();
        let mut qr = Vec::new();
        let mut parts = vec![&mail];
        while let Some(part) = parts.pop() {
            parts.extend(part.subparts.iter());
            match part.ctype.mimetype.as_str() {
                "text/plain" => text = part.get_body().expect("text"),
                "image/png" => qr = qr_codes_in_png(&part.get_body_raw().expect("png")),
                _ => {}
            }
        }
        assert!(text.contains(&link), "{text}");
        assert_eq!(qr, vec![link.clone()], "the inline QR code carries the join link");
        if entry.language.as_deref() == Some("ru") {
            assert!(subject.starts_with("Ваш билет:"), "{subject}");
            assert!(text.contains("Здравствуйте,") && text.contains("10–12 марта 2027 г."), "{text}");
        } else {
            assert!(subject.starts_with("Your ticket:"), "{subject}");
            assert!(text.contains("Hello") && text.contains("March 2027"), "{text}");
        }
        seen.push(entry.key.clone());
    }
    seen.sort();
    assert_eq!(seen, ["pretix:KX7QP-1", "pretix:KX7QP-2", "pretix:M2RN9-1"]);
    let again = invite();
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("0 invitation(s) sent"),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );
    assert_eq!(smtp.received().len(), 3, "nobody is invited twice");

    // A server that is not there: each address named, nothing marked as sent.
    drop(smtp);
    let out = Command::new(BACKEND)
        .args(["roster", "invite", "--again", "--from", "t@techfest.example", "--smtp", "smtp://127.0.0.1:9", "--db"])
        .arg(&db)
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("aigerim@example.kz") && stderr.contains("run again"), "{stderr}");
    let bad_from = Command::new(BACKEND)
        .args(["roster", "invite", "--again", "--from", "not an address", "--smtp", "smtp://127.0.0.1:9", "--db"])
        .arg(&db)
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&bad_from.stderr).contains("the sender \"not an address\""));
}

/// `roster badges` prints a badge per valid ticket; the PDF read back (pdftotext, and pdftoppm
/// rendering each page to decode its QR codes) holds every name, company and ticket type, in
/// Cyrillic too, and each QR is that attendee's join link. A4 sheets hold 8, labels 1.
#[test]
fn printed_badges_read_back_as_text_and_qr_codes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = db_with_roster(dir.path());
    let store = SqliteStore::open(&db).expect("store");
    let valid: Vec<_> = store.roster().expect("roster").into_iter().filter(|e| !e.cancelled).collect();
    for (format, pages) in [("a4", 1), ("label", 3)] {
        let pdf = dir.path().join(format!("badges-{format}.pdf"));
        let out = Command::new(BACKEND)
            .args(["roster", "badges", "--format", format, "--url", "https://events.example.org", "--out"])
            .arg(&pdf)
            .arg("--db")
            .arg(&db)
            .output()
            .expect("roster badges");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("3 badge(s) on {pages} page(s)")));
        let text =
            Command::new("pdftotext").args(["-layout"]).arg(&pdf).arg("-").output().expect("pdftotext (poppler-utils)");
        let text = String::from_utf8_lossy(&text.stdout);
        for e in &valid {
            // A long name breaks between its words, as badges set them.
            for word in e.name.split_whitespace() {
                assert!(text.contains(word), "{word} of {} not in:\n{text}", e.name);
            }
            if let Some(c) = &e.company {
                assert!(text.contains(c.as_str()), "{c} not in:\n{text}");
            }
        }
        assert!(text.contains("Conference ticket – Early bird") && text.contains("Workshop day"), "{text}");
        assert!(!text.contains("Erlan Kim"), "a cancelled ticket gets no badge");
        let prefix = dir.path().join(format!("page-{format}"));
        // 300 dpi, as badge printers print: a join link with its signature is a dense code.
        let rendered = Command::new("pdftoppm")
            .args(["-r", "300", "-gray", "-png"])
            .arg(&pdf)
            .arg(&prefix)
            .status()
            .expect("pdftoppm");
        assert!(rendered.success());
        let mut codes = Vec::new();
        for entry in std::fs::read_dir(dir.path()).expect("dir").flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            if name.starts_with(&format!("page-{format}")) && name.ends_with(".png") {
                codes.extend(qr_codes_in_png(&std::fs::read(entry.path()).expect("png")));
            }
        }
        codes.sort();
        let mut wanted: Vec<String> = valid
            .iter()
            .map(|e| {
                elements_protocol::link::Link::Join {
                    url: "https://events.example.org".into(),
                    code: Some(e.ticket.code.clone()),
                }
                .to_string()
            })
            .collect();
        wanted.sort();
        assert_eq!(codes, wanted, "{format}: every badge's QR is its own join link");
    }
}
