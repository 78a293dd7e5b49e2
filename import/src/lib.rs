//! Turns schedules that events already publish into an Elements [`EventBundle`].
//!
//! Formats: frab `schedule.xml`, c3voc schedule JSON (version 1, as frab and pretalx export it,
//! and schema 2), and iCalendar. [`import`] detects the format; every adapter feeds the same
//! [`builder::Builder`], so ids, days and validation work the same for all of them.
//!
//! Promises:
//! * Timezone-exact: published offsets are kept; a local time without one is read in the
//!   event's IANA time zone, daylight saving included.
//! * Deterministic: the same file gives the same bundle, so importing it twice changes nothing.
//! * Bad input is an [`ImportError`] naming where and what; one broken session in an otherwise
//!   good file is skipped with a warning instead of sinking the import.
//!
//! No IO here: callers pass the file's bytes.
//!
//! Panics: none on any input. A panic inside a parser library is caught and becomes an
//! [`ImportError`]; `tests/fuzz.rs` mutates real files to keep it that way.

mod builder;
mod c3voc;
mod frab_xml;
mod ical;
pub mod imdf;
pub mod merge;
pub mod roster;
mod time;

use elements_protocol::event::EventBundle;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    FrabXml,
    ScheduleJson,
    ScheduleJson2,
    ICalendar,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::FrabXml => "frab schedule.xml",
            Format::ScheduleJson => "schedule JSON (v1, frab/pretalx export)",
            Format::ScheduleJson2 => "schedule JSON (schema 2)",
            Format::ICalendar => "iCalendar",
        }
    }
}

/// An imported event, and what was skipped or guessed on the way.
#[derive(Debug, Clone)]
pub struct Imported {
    pub format: Format,
    pub bundle: EventBundle,
    pub warnings: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(
        "not a schedule this importer knows: {0}. Expected frab schedule.xml, schedule JSON (v1 or 2) or iCalendar."
    )]
    UnknownFormat(String),
    #[error("{format}: {detail}")]
    Malformed { format: &'static str, detail: String },
    #[error("{format}: the schedule is inconsistent:\n{}", .problems.join("\n"))]
    Invalid { format: &'static str, problems: Vec<String> },
}

/// What the caller knows that the file may not say.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The event's IANA zone (`--timezone Europe/Brussels`): local times are read in it. Files
    /// that publish local times and no zone of their own are refused without it.
    pub timezone: Option<chrono_tz::Tz>,
}

impl Options {
    /// Options with the zone read from a `--timezone` argument, or an error that says what a
    /// zone name looks like.
    pub fn with_timezone(name: &str) -> Result<Options, String> {
        let tz = time::parse_tz(name).ok_or_else(|| {
            format!("--timezone {name}: not an IANA time zone name; use a name like Europe/Brussels or Asia/Almaty")
        })?;
        Ok(Options { timezone: Some(tz) })
    }
}

/// Detects the format of `bytes` from its content.
pub fn detect(bytes: &[u8]) -> Result<Format, ImportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes.trim_ascii_start();
    // iCalendar is folded by octets, so a valid file may split a character across lines: look
    // at its first line only, and leave decoding to the adapter.
    if start.starts_with(b"BEGIN:VCALENDAR") {
        return Ok(Format::ICalendar);
    }
    let text = std::str::from_utf8(start)
        .map_err(|e| ImportError::UnknownFormat(format!("the file is not UTF-8 text ({e})")))?;
    if text.starts_with('<') {
        return if text.contains("<schedule") {
            Ok(Format::FrabXml)
        } else {
            Err(ImportError::UnknownFormat("an XML file without a <schedule> element".into()))
        };
    }
    if text.starts_with('{') {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| ImportError::Malformed { format: "schedule JSON", detail: format!("not valid JSON: {e}") })?;
        let schedule = &value["schedule"];
        if schedule.is_null() {
            return Err(ImportError::UnknownFormat("a JSON file without a top-level \"schedule\" object".into()));
        }
        return Ok(if schedule["events"].is_array() { Format::ScheduleJson2 } else { Format::ScheduleJson });
    }
    Err(ImportError::UnknownFormat("the file starts with neither '<', '{' nor BEGIN:VCALENDAR".into()))
}

/// Imports a published schedule, detecting its format.
pub fn import(bytes: &[u8]) -> Result<Imported, ImportError> {
    import_with(bytes, &Options::default())
}

/// Imports a published schedule with what the caller knows (its zone), detecting its format.
pub fn import_with(bytes: &[u8], options: &Options) -> Result<Imported, ImportError> {
    import_as(detect(bytes)?, bytes, options)
}

pub fn import_as(format: Format, bytes: &[u8], options: &Options) -> Result<Imported, ImportError> {
    // A parser library that panics on a hostile file must not take the caller down with it: the
    // import fails with an error instead. (Our own code returns errors; this is the fence.)
    let result = std::panic::catch_unwind(|| read(format, bytes, options));
    result.unwrap_or_else(|_| {
        Err(ImportError::Malformed {
            format: format.name(),
            detail: "the file could not be read (the parser gave up on it); check that it is a well-formed export"
                .into(),
        })
    })
}

fn read(format: Format, bytes: &[u8], options: &Options) -> Result<Imported, ImportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let utf8 = || {
        std::str::from_utf8(bytes).map_err(|e| ImportError::Malformed {
            format: format.name(),
            detail: format!("the file is not UTF-8 text ({e})"),
        })
    };
    let builder = match format {
        Format::FrabXml => frab_xml::read(utf8()?, options)?,
        Format::ScheduleJson => c3voc::read_v1(utf8()?, options)?,
        Format::ScheduleJson2 => c3voc::read_v2(utf8()?, options)?,
        Format::ICalendar => ical::read(bytes, options)?,
    };
    let (bundle, warnings) = builder.finish(format.name())?;
    Ok(Imported { format, bundle, warnings })
}
