//! Attendee rosters from the ticket shops events sell through: pretix ("Order data → Order
//! positions" as CSV), Eventbrite (the attendee report) and Tito (the tickets export), found by
//! their documented column names; any other CSV with a column mapping (`name=Full name`).
//!
//! Bytes in, attendees and the rows that could not be read out. Promises:
//! * Every row is either an [`Attendee`] or a [`RowProblem`] naming its line and what was wrong;
//!   a file that cannot be read at all (not text, no header, no name column) is a
//!   [`RosterError`].
//! * Keys are the shop's own (pretix order code and position, Eventbrite attendee number, Tito
//!   ticket reference): importing an updated export finds the same people again.
//! * Text is kept as text: a name like `=cmd|' /C calc'!A0` is read as those characters (and
//!   named as a problem); whatever writes a spreadsheet again passes cells through
//!   [`spreadsheet_safe`].
//! * No panic on any input (`tests/roster.rs` throws arbitrary bytes at it).

use std::collections::HashSet;

/// Where a roster came from. Keys are scoped by it: a Tito reference never meets a pretix one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shop {
    Pretix,
    Eventbrite,
    Tito,
    /// Any other CSV, read through a column mapping.
    Csv,
}

impl Shop {
    pub const ALL: [Shop; 4] = [Shop::Pretix, Shop::Eventbrite, Shop::Tito, Shop::Csv];

    pub fn as_str(self) -> &'static str {
        match self {
            Shop::Pretix => "pretix",
            Shop::Eventbrite => "eventbrite",
            Shop::Tito => "tito",
            Shop::Csv => "csv",
        }
    }

    pub fn parse(name: &str) -> Option<Shop> {
        Shop::ALL.into_iter().find(|s| s.as_str().eq_ignore_ascii_case(name.trim()))
    }
}

/// What an attendee row says, one field per column role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// What identifies the row across imports.
    Key,
    Name,
    FirstName,
    LastName,
    Email,
    TicketType,
    Order,
    Company,
    Language,
    /// Cancelled, refunded or void when it says so.
    Status,
}

impl Field {
    pub const ALL: [Field; 10] = [
        Field::Key,
        Field::Name,
        Field::FirstName,
        Field::LastName,
        Field::Email,
        Field::TicketType,
        Field::Order,
        Field::Company,
        Field::Language,
        Field::Status,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Field::Key => "key",
            Field::Name => "name",
            Field::FirstName => "first_name",
            Field::LastName => "last_name",
            Field::Email => "email",
            Field::TicketType => "ticket_type",
            Field::Order => "order",
            Field::Company => "company",
            Field::Language => "language",
            Field::Status => "status",
        }
    }

    pub fn parse(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.as_str().eq_ignore_ascii_case(name.trim()))
    }
}

/// One attendee as the shop exported them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendee {
    /// The shop's key for this ticket (`ABC12-1` for pretix's order ABC12, position 1).
    pub key: String,
    pub name: String,
    pub email: Option<String>,
    pub ticket_type: Option<String>,
    pub order: Option<String>,
    pub company: Option<String>,
    /// `en`, `ru`: the primary language subtag, when the shop says (pretix's order locale).
    pub language: Option<String>,
    pub cancelled: bool,
    /// The line of the file it came from (1 is the header).
    pub line: u64,
}

/// A row not imported, or imported with something dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    pub line: u64,
    /// Whether the row was left out (else it was imported, as the detail says).
    pub skipped: bool,
    pub detail: String,
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = if self.skipped { "skipped" } else { "imported" };
        write!(f, "line {}: {} ({what})", self.line, self.detail)
    }
}

#[derive(Debug, Clone)]
pub struct Roster {
    pub shop: Shop,
    pub attendees: Vec<Attendee>,
    pub problems: Vec<RowProblem>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RosterError {
    #[error("the roster is {size} bytes; at most {max} are read (an export of 200,000 attendees is far smaller)")]
    TooLarge { size: usize, max: usize },
    #[error(
        "line {line} is not UTF-8 (byte 0x{byte:02X}): export the file as UTF-8 (Excel: \"CSV UTF-8\"), or name its encoding (--encoding windows-1251)"
    )]
    NotUtf8 { line: u64, byte: u8 },
    #[error("unknown encoding {0:?}: use a name like utf-8, windows-1251, koi8-r or utf-16le")]
    UnknownEncoding(String),
    #[error("the roster has no header line")]
    NoHeader,
    #[error("the CSV could not be read at line {line}: {detail}")]
    Malformed { line: u64, detail: String },
    #[error(
        "not an export this importer knows (columns: {columns}). Expected pretix's order positions, Eventbrite's attendee report or Tito's tickets export; for another file, map its columns (--map name=\"Full name\" --map email=E-mail)"
    )]
    UnknownShape { columns: String },
    #[error("the mapping names column {column:?} for {field}, but the header has no such column (it has: {columns})")]
    NoSuchColumn { field: &'static str, column: String, columns: String },
    #[error("{shop} export without a {what} column (it has: {columns})")]
    MissingColumn { shop: &'static str, what: &'static str, columns: String },
    #[error("more than {max} rows: split the roster")]
    TooManyRows { max: usize },
}

/// What the caller knows that the file may not say.
#[derive(Debug, Clone, Default)]
pub struct RosterOptions {
    /// The shop, when detection should not decide.
    pub shop: Option<Shop>,
    /// Column names per field, for [`Shop::Csv`] or to override a shop's defaults.
    pub mapping: Vec<(Field, String)>,
    /// A WHATWG encoding label (`windows-1251`) for files that are not UTF-8.
    pub encoding: Option<String>,
}

pub const MAX_BYTES: usize = 64 << 20;
pub const MAX_ROWS: usize = 200_000;
/// Longest cell kept, in characters: names, companies and e-mail addresses are far shorter;
/// a longer cell is a broken or hostile file, and its row is left out.
pub const MAX_CELL_CHARS: usize = 400;

/// Reads a roster export.
pub fn read_roster(bytes: &[u8], options: &RosterOptions) -> Result<Roster, RosterError> {
    if bytes.len() > MAX_BYTES {
        return Err(RosterError::TooLarge { size: bytes.len(), max: MAX_BYTES });
    }
    let text = decode(bytes, options.encoding.as_deref())?;
    let delimiter = sniff_delimiter(&text);
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        None => return Err(RosterError::NoHeader),
        Some(Err(e)) => return Err(RosterError::Malformed { line: 1, detail: e.to_string() }),
        Some(Ok(h)) => h,
    };
    let header: Vec<String> = header.iter().map(|h| h.trim().to_string()).collect();
    if header.iter().all(String::is_empty) {
        return Err(RosterError::NoHeader);
    }
    let shop = match options.shop {
        Some(s) => s,
        None if !options.mapping.is_empty() && detect(&header).is_none() => Shop::Csv,
        None => detect(&header).ok_or_else(|| RosterError::UnknownShape { columns: list(&header) })?,
    };
    let columns = Columns::of(shop, &header, &options.mapping)?;
    let mut roster = Roster { shop, attendees: Vec::new(), problems: Vec::new() };
    let mut seen = HashSet::new();
    // Lines are counted here from byte offsets: the csv crate's own count goes wrong after CRLF
    // line ends (Excel's and pretix's).
    let mut counted = (0usize, 1u64);
    let mut line_at = |byte: u64| {
        let mut byte = (byte as usize).min(text.len());
        // After a CRLF, a record's offset is its line's '\n'.
        if text.as_bytes().get(byte) == Some(&b'\n') {
            byte += 1;
        }
        if byte >= counted.0 {
            counted.1 += text.as_bytes()[counted.0..byte].iter().filter(|b| **b == b'\n').count() as u64;
            counted.0 = byte;
        }
        counted.1
    };
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                // The csv crate stops at a broken quote: what follows cannot be trusted either.
                let line = e.position().map_or(0, |p| line_at(p.byte()));
                roster.problems.push(RowProblem {
                    line,
                    skipped: true,
                    detail: format!("the CSV breaks here ({e}); this line and the rest of the file are not read"),
                });
                break;
            }
        };
        let line = record.position().map_or(0, |p| line_at(p.byte()));
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if roster.attendees.len() + roster.problems.len() >= MAX_ROWS {
            return Err(RosterError::TooManyRows { max: MAX_ROWS });
        }
        match columns.attendee(shop, &header, &record, line) {
            Ok((attendee, notes)) => {
                roster.problems.extend(notes.into_iter().map(|detail| RowProblem { line, skipped: false, detail }));
                if !seen.insert(attendee.key.clone()) {
                    roster.problems.push(RowProblem {
                        line,
                        skipped: true,
                        detail: format!("key {:?} appeared on an earlier line", attendee.key),
                    });
                    continue;
                }
                roster.attendees.push(attendee);
            }
            Err(detail) => roster.problems.push(RowProblem { line, skipped: true, detail }),
        }
    }
    Ok(roster)
}

/// A cell for a spreadsheet: text a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, a
/// tab or a carriage return first) is prefixed with `'`, which spreadsheets show as text.
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

fn decode(bytes: &[u8], encoding: Option<&str>) -> Result<String, RosterError> {
    if let Some(label) = encoding {
        let enc = encoding_rs::Encoding::for_label(label.trim().as_bytes())
            .ok_or_else(|| RosterError::UnknownEncoding(label.to_string()))?;
        // decode() takes a byte-order mark over the label: a UTF-8 file named windows-1251
        // by mistake still reads right.
        let (text, _, _) = enc.decode(bytes);
        return Ok(text.into_owned());
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        // Excel's "Unicode text": UTF-16 with a byte-order mark, tab-separated.
        let (text, _, _) = encoding_rs::UTF_16LE.decode(bytes);
        return Ok(text.into_owned());
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(t) => Ok(t.to_string()),
        Err(e) => {
            let at = e.valid_up_to();
            let line = 1 + bytes[..at].iter().filter(|b| **b == b'\n').count() as u64;
            Err(RosterError::NotUtf8 { line, byte: bytes[at] })
        }
    }
}

/// The separator the header line uses most, outside quotes: Excel writes `;` where the decimal
/// separator is a comma (Russian, German locales), "Unicode text" uses tabs.
fn sniff_delimiter(text: &str) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for c in text.bytes() {
        if c == b'\n' && !quoted {
            break;
        }
        if c == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for (d, n) in counts.iter_mut() {
                if *d == c {
                    *n += 1;
                }
            }
        }
    }
    counts.iter().max_by_key(|(_, n)| *n).filter(|(_, n)| *n > 0).map_or(b',', |(d, _)| *d)
}

fn list(header: &[String]) -> String {
    let shown: Vec<&str> = header.iter().take(12).map(String::as_str).collect();
    let more = header.len().saturating_sub(shown.len());
    let mut s = shown.join(", ");
    if more > 0 {
        s.push_str(&format!(" and {more} more"));
    }
    s
}

fn has(header: &[String], name: &str) -> bool {
    header.iter().any(|h| same_column(h, name))
}

/// Column names compare trimmed and in any case, in any script (`ФИО` is `фио`).
fn same_column(header: &str, name: &str) -> bool {
    let (a, b) = (header.trim(), name.trim());
    a.eq_ignore_ascii_case(b) || a.to_lowercase() == b.to_lowercase()
}

/// Which shop exported this header, by the columns each documents.
pub fn detect(header: &[String]) -> Option<Shop> {
    if has(header, "Order code") && has(header, "Position ID") {
        Some(Shop::Pretix)
    } else if has(header, "Ticket Reference") {
        Some(Shop::Tito)
    } else if has(header, "Order #") && (has(header, "Attendee #") || has(header, "First Name")) {
        Some(Shop::Eventbrite)
    } else {
        None
    }
}

/// Where each field is read from: columns tried in order, the first non-empty one wins.
struct Columns {
    by_field: Vec<(Field, Vec<usize>)>,
}

/// Each shop's documented columns per field, in the order they are tried.
fn shop_columns(shop: Shop, field: Field) -> &'static [&'static str] {
    match (shop, field) {
        (Shop::Pretix, Field::Key) => &[],
        (Shop::Pretix, Field::Name) => &["Attendee name"],
        (Shop::Pretix, Field::FirstName) => &["Attendee name: Given name"],
        (Shop::Pretix, Field::LastName) => &["Attendee name: Family name"],
        (Shop::Pretix, Field::Email) => &["Attendee email", "Email"],
        (Shop::Pretix, Field::TicketType) => &["Product"],
        (Shop::Pretix, Field::Order) => &["Order code"],
        (Shop::Pretix, Field::Company) => &["Company"],
        (Shop::Pretix, Field::Language) => &["Order locale"],
        (Shop::Pretix, Field::Status) => &["Status"],
        (Shop::Eventbrite, Field::Key) => &["Attendee #", "Barcode #"],
        (Shop::Eventbrite, Field::Name) => &[],
        (Shop::Eventbrite, Field::FirstName) => &["First Name"],
        (Shop::Eventbrite, Field::LastName) => &["Last Name"],
        (Shop::Eventbrite, Field::Email) => &["Email"],
        (Shop::Eventbrite, Field::TicketType) => &["Ticket Type"],
        (Shop::Eventbrite, Field::Order) => &["Order #"],
        (Shop::Eventbrite, Field::Company) => &["Company"],
        (Shop::Eventbrite, Field::Language) => &[],
        (Shop::Eventbrite, Field::Status) => &["Attendee Status"],
        (Shop::Tito, Field::Key) => &["Ticket Reference"],
        (Shop::Tito, Field::Name) => &["Ticket Full Name"],
        (Shop::Tito, Field::FirstName) => &["Ticket First Name"],
        (Shop::Tito, Field::LastName) => &["Ticket Last Name"],
        (Shop::Tito, Field::Email) => &["Ticket Email"],
        (Shop::Tito, Field::TicketType) => &["Ticket"],
        (Shop::Tito, Field::Order) => &["Order Reference"],
        (Shop::Tito, Field::Company) => &["Ticket Company Name", "Order Company Name"],
        (Shop::Tito, Field::Language) => &[],
        (Shop::Tito, Field::Status) => &["Void Status"],
        (Shop::Csv, _) => &[],
    }
}

impl Columns {
    fn of(shop: Shop, header: &[String], mapping: &[(Field, String)]) -> Result<Columns, RosterError> {
        let find = |name: &str| header.iter().position(|h| same_column(h, name));
        let mut by_field = Vec::new();
        for field in Field::ALL {
            let mapped: Vec<&String> = mapping.iter().filter(|(f, _)| *f == field).map(|(_, c)| c).collect();
            let found: Vec<usize> = if mapped.is_empty() {
                shop_columns(shop, field).iter().filter_map(|c| find(c)).collect()
            } else {
                let mut at = Vec::new();
                for column in mapped {
                    at.push(find(column).ok_or_else(|| RosterError::NoSuchColumn {
                        field: field.as_str(),
                        column: column.clone(),
                        columns: list(header),
                    })?);
                }
                at
            };
            by_field.push((field, found));
        }
        let columns = Columns { by_field };
        let missing = |what| RosterError::MissingColumn { shop: shop.as_str(), what, columns: list(header) };
        if columns.at(Field::Name).is_empty() && columns.at(Field::FirstName).is_empty() {
            return Err(missing("name (map one: --map name=COLUMN)"));
        }
        match shop {
            Shop::Pretix if find("Position ID").is_none() || columns.at(Field::Order).is_empty() => {
                Err(missing("Order code and Position ID"))
            }
            Shop::Eventbrite | Shop::Tito if columns.at(Field::Key).is_empty() => {
                Err(missing(if shop == Shop::Tito { "Ticket Reference" } else { "Attendee #" }))
            }
            Shop::Csv if columns.at(Field::Key).is_empty() && columns.at(Field::Email).is_empty() => {
                Err(missing("key or email (map one: --map key=COLUMN)"))
            }
            _ => Ok(columns),
        }
    }

    fn at(&self, field: Field) -> &[usize] {
        self.by_field.iter().find(|(f, _)| *f == field).map_or(&[], |(_, c)| c)
    }

    /// The row as an attendee, with notes on what was dropped; or why it was left out.
    fn attendee(
        &self,
        shop: Shop,
        header: &[String],
        record: &csv::StringRecord,
        line: u64,
    ) -> Result<(Attendee, Vec<String>), String> {
        if record.len() != header.len() {
            return Err(format!(
                "{} fields where the header has {}: a column is missing or a separator is not quoted",
                record.len(),
                header.len()
            ));
        }
        for (i, cell) in record.iter().enumerate() {
            let chars = cell.chars().count();
            if chars > MAX_CELL_CHARS {
                return Err(format!(
                    "column {:?} holds {chars} characters; a cell of a roster holds at most {MAX_CELL_CHARS}",
                    header.get(i).map_or("?", String::as_str)
                ));
            }
        }
        let mut notes = Vec::new();
        let cell = |field: Field| -> Option<String> {
            self.at(field)
                .iter()
                .filter_map(|i| record.get(*i))
                .map(|c| c.split_whitespace().collect::<Vec<_>>().join(" "))
                .find(|c| !c.is_empty())
        };
        let name = cell(Field::Name).unwrap_or_else(|| {
            [cell(Field::FirstName), cell(Field::LastName)].into_iter().flatten().collect::<Vec<_>>().join(" ")
        });
        let email = match cell(Field::Email) {
            Some(e) if plausible_email(&e) => Some(e),
            Some(e) => {
                notes.push(format!("{e:?} is not an e-mail address: left out, no invitation can be sent"));
                None
            }
            None => None,
        };
        let key = match shop {
            Shop::Pretix => {
                let order = cell(Field::Order).unwrap_or_default();
                let position = header
                    .iter()
                    .position(|h| h.eq_ignore_ascii_case("Position ID"))
                    .and_then(|i| record.get(i))
                    .map(str::trim)
                    .unwrap_or_default();
                if order.is_empty() || position.is_empty() {
                    return Err("no Order code or Position ID".into());
                }
                format!("{order}-{position}")
            }
            Shop::Csv => match cell(Field::Key).or_else(|| email.as_ref().map(|e| e.to_lowercase())) {
                Some(k) => k,
                None => return Err("no key and no e-mail address to tell this attendee by".into()),
            },
            _ => match cell(Field::Key) {
                Some(k) => k,
                None => {
                    return Err(format!("no {}", if shop == Shop::Tito { "Ticket Reference" } else { "Attendee #" }))
                }
            },
        };
        if name.is_empty() {
            // Tito's unassigned tickets: valid, held by someone not named yet.
            notes
                .push("no name: the ticket is imported unassigned; import again once the shop names its holder".into());
        }
        for (what, value) in [("name", Some(&name)), ("company", cell(Field::Company).as_ref())] {
            if let Some(v) = value.filter(|v| spreadsheet_safe(v).len() != v.len()) {
                notes.push(format!(
                    "the {what} {v:?} starts like a spreadsheet formula: kept as text, and written with a leading ' to spreadsheets"
                ));
            }
        }
        let ticket_type = match (shop, cell(Field::TicketType)) {
            // pretix exports a product's variation in a column of its own.
            (Shop::Pretix, Some(product)) => {
                let variation = header
                    .iter()
                    .position(|h| h.eq_ignore_ascii_case("Variation"))
                    .and_then(|i| record.get(i))
                    .map(str::trim)
                    .filter(|v| !v.is_empty());
                Some(match variation {
                    Some(v) => format!("{product} – {v}"),
                    None => product,
                })
            }
            (_, t) => t,
        };
        let language = cell(Field::Language).and_then(|l| {
            let primary = l.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
            (primary.len() == 2 && primary.bytes().all(|b| b.is_ascii_lowercase())).then_some(primary)
        });
        let cancelled = cell(Field::Status).is_some_and(|s| cancelled_status(shop, &s));
        Ok((
            Attendee {
                key,
                name,
                email,
                ticket_type,
                order: cell(Field::Order),
                company: cell(Field::Company),
                language,
                cancelled,
                line,
            },
            notes,
        ))
    }
}

/// Whether a status cell says the ticket no longer admits anyone.
fn cancelled_status(shop: Shop, status: &str) -> bool {
    let s = status.trim().to_lowercase();
    match shop {
        // Tito's Void Status is empty for a valid ticket and says why otherwise.
        Shop::Tito => !matches!(s.as_str(), "" | "no" | "false" | "-"),
        _ => matches!(
            s.as_str(),
            "canceled"
                | "cancelled"
                | "expired"
                | "refunded"
                | "not attending"
                | "deleted"
                | "transferred"
                | "void"
                | "voided"
                | "отменён"
                | "отменен"
                | "возвращён"
                | "возвращен"
        ),
    }
}

fn plausible_email(e: &str) -> bool {
    let mut parts = e.split('@');
    matches!((parts.next(), parts.next(), parts.next()), (Some(local), Some(domain), None)
        if !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.'))
        && e.len() <= 254
        && !e.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_names_its_shop() {
        let h = |s: &str| s.split(',').map(str::to_string).collect::<Vec<_>>();
        assert_eq!(detect(&h("Event slug,Order code,Position ID,Status,Email")), Some(Shop::Pretix));
        assert_eq!(detect(&h("Order #,Order Date,First Name,Last Name,Email,Attendee #")), Some(Shop::Eventbrite));
        assert_eq!(detect(&h("Number,Ticket,Ticket Full Name,Ticket Reference")), Some(Shop::Tito));
        assert_eq!(detect(&h("name,email")), None);
    }

    #[test]
    fn formulas_are_neutralised_for_spreadsheets() {
        assert_eq!(spreadsheet_safe("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        assert_eq!(spreadsheet_safe("+7 701 000 00 00"), "'+7 701 000 00 00");
        assert_eq!(spreadsheet_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet_safe("Aigerim"), "Aigerim");
    }

    #[test]
    fn the_separator_is_the_headers() {
        assert_eq!(sniff_delimiter("a;b;\"c,d\"\n1,2,3"), b';');
        assert_eq!(sniff_delimiter("a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter("name"), b',');
    }
}
