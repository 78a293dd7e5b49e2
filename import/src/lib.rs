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

mod builder;
mod c3voc;
mod frab_xml;
mod ical;
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

/// Detects the format of `bytes` from its content.
pub fn detect(bytes: &[u8]) -> Result<Format, ImportError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| ImportError::UnknownFormat(format!("the file is not UTF-8 text ({e})")))?;
    let start = text.trim_start_matches('\u{feff}').trim_start();
    if start.starts_with("BEGIN:VCALENDAR") {
        return Ok(Format::ICalendar);
    }
    if start.starts_with('<') {
        return if start.contains("<schedule") {
            Ok(Format::FrabXml)
        } else {
            Err(ImportError::UnknownFormat("an XML file without a <schedule> element".into()))
        };
    }
    if start.starts_with('{') {
        let value: serde_json::Value = serde_json::from_str(start)
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
    import_as(detect(bytes)?, bytes)
}

pub fn import_as(format: Format, bytes: &[u8]) -> Result<Imported, ImportError> {
    let text = std::str::from_utf8(bytes).map_err(|e| ImportError::Malformed {
        format: format.name(),
        detail: format!("the file is not UTF-8 text ({e})"),
    })?;
    let text = text.trim_start_matches('\u{feff}');
    let builder = match format {
        Format::FrabXml => frab_xml::read(text)?,
        Format::ScheduleJson => c3voc::read_v1(text)?,
        Format::ScheduleJson2 => c3voc::read_v2(text)?,
        Format::ICalendar => ical::read(text)?,
    };
    let (bundle, warnings) = builder.finish(format.name())?;
    Ok(Imported { format, bundle, warnings })
}
