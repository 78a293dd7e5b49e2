//! Each attendee's invitation: an e-mail in their language (English or Russian) with their
//! personal join link and its QR code, sent over SMTP.

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{Message, SmtpTransport, Transport};

use crate::store::roster::RosterEntry;

/// The languages invitations are written in; any other falls back to the event's first one
/// of these, then English.
pub const LANGUAGES: [&str; 2] = ["en", "ru"];

/// What an invitation says about the event.
#[derive(Debug, Clone)]
pub struct EventLine {
    pub name: String,
    /// "10–12 March 2027" as the attendee reads it, per language.
    pub dates: Option<(String, String)>,
    /// The event's own languages, first preferred.
    pub languages: Vec<String>,
}

/// One invitation, ready to send.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub to: String,
    pub language: &'static str,
    pub subject: String,
    pub message: Message,
}

#[derive(Debug, thiserror::Error)]
pub enum InviteError {
    #[error("the sender {0:?} is not an address (e.g. \"Techfest <tickets@techfest.kz>\")")]
    BadSender(String),
    #[error("{to}: {detail}")]
    BadRecipient { to: String, detail: String },
    #[error("the SMTP server address {url:?}: {detail} (e.g. smtp://user:password@mail.example.org:587?tls=required)")]
    BadServer { url: String, detail: String },
    #[error("{to}: the SMTP server refused or failed: {detail}")]
    Send { to: String, detail: String },
    #[error("the QR code of {to}'s link: {detail}")]
    Qr { to: String, detail: String },
}

/// The attendee's language if invitations speak it, else the event's, else English.
pub fn language_for(entry: &RosterEntry, event: &EventLine) -> &'static str {
    let pick = |l: &str| LANGUAGES.into_iter().find(|x| l.eq_ignore_ascii_case(x));
    entry.language.as_deref().and_then(pick).or_else(|| event.languages.iter().find_map(|l| pick(l))).unwrap_or("en")
}

/// Writes `entry`'s invitation from `from` with `link` (their personal join link).
pub fn invitation(entry: &RosterEntry, event: &EventLine, from: &str, link: &str) -> Result<Invitation, InviteError> {
    let to = entry.email.clone().ok_or_else(|| InviteError::BadRecipient {
        to: entry.name.clone(),
        detail: "no e-mail address in the roster".into(),
    })?;
    let from: Mailbox = from.parse().map_err(|_| InviteError::BadSender(from.to_string()))?;
    let address = to.parse().map_err(|e| InviteError::BadRecipient {
        to: to.clone(),
        detail: format!("not an address the mail system takes: {e}"),
    })?;
    let recipient = Mailbox::new((!entry.name.is_empty()).then(|| entry.name.clone()), address);
    let language = language_for(entry, event);
    let words = Words::of(language);
    let dates = event.dates.as_ref().map(|(en, ru)| if language == "ru" { ru.as_str() } else { en.as_str() });
    let subject = format!("{} {}", words.subject, event.name);
    let greeting =
        if entry.name.is_empty() { words.hello_nobody.to_string() } else { format!("{} {},", words.hello, entry.name) };
    let when = dates.map(|d| format!(" ({d})")).unwrap_or_default();
    let text = format!(
        "{greeting}\n\n{} {}{when} {} {}\n\n{link}\n\n{}\n\n{}: {}\n{}\n\n{}\n",
        words.ready,
        event.name,
        words.ready_end,
        words.open,
        words.or_scan,
        words.ticket,
        entry.ticket.id,
        words.yours,
        event.name
    );
    let png = qr_png(link).map_err(|detail| InviteError::Qr { to: to.clone(), detail })?;
    let html = format!(
        "<!doctype html><html lang=\"{language}\"><body style=\"font-family:sans-serif;line-height:1.5\">\
         <p>{}</p><p>{} <b>{}</b>{} {} {}</p>\
         <p><a href=\"{}\" style=\"font-size:1.1em\">{}</a></p>\
         <p>{}</p><p><img src=\"cid:ticket-qr\" width=\"240\" height=\"240\" alt=\"{}\"></p>\
         <p>{}: <b>{}</b><br>{}</p></body></html>",
        crate::escape_html(&greeting),
        words.ready,
        crate::escape_html(&event.name),
        crate::escape_html(&when),
        words.ready_end,
        words.open,
        crate::escape_html(link),
        words.join_button,
        words.or_scan,
        words.qr_alt,
        words.ticket,
        crate::escape_html(&entry.ticket.id),
        words.yours,
    );
    let message = Message::builder()
        .from(from)
        .to(recipient)
        .subject(subject.clone())
        .multipart(
            MultiPart::alternative().singlepart(SinglePart::plain(text)).multipart(
                MultiPart::related().singlepart(SinglePart::html(html)).singlepart(
                    Attachment::new_inline("ticket-qr".into())
                        .body(png, ContentType::parse("image/png").expect("a content type")),
                ),
            ),
        )
        .map_err(|e| InviteError::BadRecipient { to: to.clone(), detail: e.to_string() })?;
    Ok(Invitation { to, language, subject, message })
}

/// An SMTP connection pool to `url` (`smtp://host:port`, `smtp://user:pass@host:587?tls=required`,
/// `smtps://host`), with timeouts: a server that stops answering fails the send, not the run.
pub fn mailer(url: &str) -> Result<SmtpTransport, InviteError> {
    let builder =
        SmtpTransport::from_url(url).map_err(|e| InviteError::BadServer { url: redact(url), detail: e.to_string() })?;
    Ok(builder.timeout(Some(std::time::Duration::from_secs(30))).build())
}

/// Sends one invitation.
pub fn send(mailer: &SmtpTransport, invitation: &Invitation) -> Result<(), InviteError> {
    mailer
        .send(&invitation.message)
        .map(|_| ())
        .map_err(|e| InviteError::Send { to: invitation.to.clone(), detail: e.to_string() })
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(scheme), Some(at)) if at > scheme => format!("{}://…@{}", &url[..scheme], &url[at + 1..]),
        _ => url.to_string(),
    }
}

/// The join link as a PNG QR code: 8 pixels a module, the 4-module quiet zone scanners need.
pub fn qr_png(link: &str) -> Result<Vec<u8>, String> {
    let rows = super::qr_modules(link)?;
    let modules = rows.len();
    let (scale, quiet) = (8usize, 4usize);
    let side = (modules + 2 * quiet) * scale;
    let mut pixels = vec![255u8; side * side];
    for (y, row) in rows.iter().enumerate() {
        for (x, dark) in row.iter().enumerate() {
            if *dark {
                for dy in 0..scale {
                    let start = ((y + quiet) * scale + dy) * side + (x + quiet) * scale;
                    pixels[start..start + scale].fill(0);
                }
            }
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side as u32, side as u32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(&pixels).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

/// An invitation's words in one language.
struct Words {
    subject: &'static str,
    hello: &'static str,
    hello_nobody: &'static str,
    ready: &'static str,
    ready_end: &'static str,
    open: &'static str,
    join_button: &'static str,
    or_scan: &'static str,
    qr_alt: &'static str,
    ticket: &'static str,
    yours: &'static str,
}

impl Words {
    fn of(language: &str) -> Words {
        match language {
            "ru" => Words {
                subject: "Ваш билет:",
                hello: "Здравствуйте,",
                hello_nobody: "Здравствуйте!",
                ready: "Ваш личный билет на",
                ready_end: "готов.",
                open: "Откройте ссылку на телефоне, чтобы войти в приложение Elements: программа, карта, голосования и знакомства, в том числе без интернета.",
                join_button: "Войти на мероприятие",
                or_scan: "Или отсканируйте QR-код камерой телефона. Его же покажите на входе.",
                qr_alt: "QR-код вашего билета",
                ticket: "Билет",
                yours: "Билет личный: не пересылайте это письмо.",
            },
            _ => Words {
                subject: "Your ticket:",
                hello: "Hello",
                hello_nobody: "Hello,",
                ready: "Your personal ticket for",
                ready_end: "is ready.",
                open: "Open the link on your phone to join in the Elements app: the agenda, the map, voting and networking, offline too.",
                join_button: "Join the event",
                or_scan: "Or scan the QR code with your phone's camera. Show it at the door, too.",
                qr_alt: "Your ticket's QR code",
                ticket: "Ticket",
                yours: "The ticket is yours alone: do not forward this e-mail.",
            },
        }
    }
}
