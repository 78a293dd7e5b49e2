//! iCalendar (RFC 5545): one VEVENT per session. LOCATION is the room, CATEGORIES the track,
//! X-WR-CALNAME the event's name and X-WR-TIMEZONE its zone.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};

use crate::builder::{Builder, Draft};
use crate::time::Zone;
use crate::ImportError;

const FORMAT: &str = "iCalendar";

struct Property {
    name: String,
    params: Vec<(String, String)>,
    value: String,
}

/// Unfolds continuation lines (a line starting with a space or tab continues the previous one).
fn unfold(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for raw in text.split('\n') {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(rest) = line.strip_prefix([' ', '\t']) {
            if let Some(last) = lines.last_mut() {
                last.push_str(rest);
                continue;
            }
        }
        if !line.is_empty() {
            lines.push(line.to_string());
        }
    }
    lines
}

fn parse_line(line: &str) -> Option<Property> {
    // The value starts after the first ':' that is not inside a quoted parameter value.
    let mut in_quotes = false;
    let split = line.char_indices().find(|&(_, c)| {
        if c == '"' {
            in_quotes = !in_quotes;
        }
        c == ':' && !in_quotes
    })?;
    let (head, value) = (&line[..split.0], &line[split.0 + 1..]);
    let mut parts = head.split(';');
    let name = parts.next()?.trim().to_ascii_uppercase();
    let params = parts
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.trim().to_ascii_uppercase(), v.trim_matches('"').to_string()))
        .collect();
    Some(Property { name, params, value: value.to_string() })
}

fn unescape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// DTSTART/DTEND: `20270310T090000Z` (UTC), with `TZID=Europe/Berlin`, or floating (read in the
/// calendar's zone).
fn date_time(p: &Property, calendar_zone: Zone) -> Result<DateTime<FixedOffset>, String> {
    let v = p.value.trim();
    if let Some(utc) = v.strip_suffix('Z') {
        let t = NaiveDateTime::parse_from_str(utc, "%Y%m%dT%H%M%S")
            .map_err(|_| format!("{}: \"{v}\" is not a UTC time", p.name))?;
        return Ok(t.and_utc().fixed_offset());
    }
    let zone = match p.params.iter().find(|(k, _)| k == "TZID") {
        Some((_, tzid)) => {
            let z = Zone::parse(Some(tzid));
            if matches!(z, Zone::Fixed(_)) {
                return Err(format!("{}: unknown time zone TZID={tzid}", p.name));
            }
            z
        }
        None => calendar_zone,
    };
    if let Ok(t) = NaiveDateTime::parse_from_str(v, "%Y%m%dT%H%M%S") {
        return zone.localize(t);
    }
    if let Ok(d) = NaiveDate::parse_from_str(v, "%Y%m%d") {
        return Err(format!("{}: {d} is a whole day, not a session time", p.name));
    }
    Err(format!("{}: \"{v}\" is not a date-time like 20270310T090000", p.name))
}

/// `PT45M`, `PT1H30M`, `P1DT2H`: minutes.
fn iso_duration(v: &str) -> Result<i64, String> {
    let bad = || format!("DURATION \"{v}\" is not like PT1H30M");
    let rest = v.trim().strip_prefix('P').ok_or_else(bad)?;
    let (mut minutes, mut number, mut in_time) = (0i64, String::new(), false);
    for c in rest.chars() {
        match c {
            'T' => in_time = true,
            '0'..='9' => number.push(c),
            _ => {
                let n: i64 = number.parse().map_err(|_| bad())?;
                number.clear();
                minutes += match (c, in_time) {
                    ('W', false) => n * 7 * 24 * 60,
                    ('D', false) => n * 24 * 60,
                    ('H', true) => n * 60,
                    ('M', true) => n,
                    ('S', true) => i64::from(n >= 30),
                    _ => return Err(bad()),
                };
            }
        }
    }
    if !number.is_empty() || minutes <= 0 || minutes > 24 * 60 {
        return Err(bad());
    }
    Ok(minutes)
}

pub fn read(text: &str) -> Result<Builder, ImportError> {
    let props: Vec<Property> = unfold(text).iter().filter_map(|l| parse_line(l)).collect();
    let get = |name: &str| props.iter().find(|p| p.name == name).map(|p| unescape(&p.value));
    if !props.iter().any(|p| p.name == "BEGIN" && p.value.eq_ignore_ascii_case("VCALENDAR")) {
        return Err(ImportError::Malformed { format: FORMAT, detail: "no BEGIN:VCALENDAR".into() });
    }
    let name = get("X-WR-CALNAME").unwrap_or_else(|| "Imported calendar".into());
    let zone = Zone::parse(get("X-WR-TIMEZONE").as_deref());
    let mut b = Builder::new(&name, &name, zone);
    let mut event: Option<Vec<&Property>> = None;
    let mut count = 0;
    for p in &props {
        match (p.name.as_str(), p.value.to_ascii_uppercase().as_str()) {
            ("BEGIN", "VEVENT") => event = Some(Vec::new()),
            ("END", "VEVENT") => {
                count += 1;
                if let Some(fields) = event.take() {
                    if let Err(err) = add_event(&mut b, &fields, zone) {
                        let summary = fields.iter().find(|f| f.name == "SUMMARY").map(|f| unescape(&f.value));
                        b.warnings.push(format!("VEVENT #{count} ({}): {err}; skipped", summary.unwrap_or_default()));
                    }
                }
            }
            _ => {
                if let Some(fields) = event.as_mut() {
                    fields.push(p);
                }
            }
        }
    }
    if event.is_some() {
        return Err(ImportError::Malformed { format: FORMAT, detail: "a VEVENT is not closed with END:VEVENT".into() });
    }
    Ok(b)
}

fn add_event(b: &mut Builder, fields: &[&Property], zone: Zone) -> Result<(), String> {
    let field = |name: &str| fields.iter().find(|p| p.name == name).copied();
    let text = |name: &str| field(name).map(|p| unescape(&p.value)).unwrap_or_default();
    if text("STATUS").eq_ignore_ascii_case("CANCELLED") {
        return Err("cancelled".into());
    }
    let start = date_time(field("DTSTART").ok_or("no DTSTART")?, zone)?;
    let minutes = match (field("DTEND"), field("DURATION")) {
        (Some(end), _) => {
            let m = (date_time(end, zone)? - start).num_minutes();
            if m <= 0 || m > 24 * 60 {
                return Err(format!("DTEND is not within a day after DTSTART ({m} minutes)"));
            }
            m
        }
        (None, Some(d)) => iso_duration(&d.value)?,
        (None, None) => return Err("neither DTEND nor DURATION".into()),
    };
    let uid = text("UID");
    let title = text("SUMMARY");
    if title.trim().is_empty() {
        return Err("no SUMMARY".into());
    }
    let location = text("LOCATION");
    let category = text("CATEGORIES").split(',').next().unwrap_or("").trim().to_string();
    b.session(Draft {
        source_id: if uid.is_empty() { format!("{title}-{start}") } else { uid },
        title,
        subtitle: String::new(),
        summary: text("DESCRIPTION"),
        kind: crate::builder::kind_of(&category),
        room: if location.trim().is_empty() { "Main stage".into() } else { location },
        track: (!category.is_empty()).then_some(category),
        starts_at: start,
        minutes,
        speakers: fields
            .iter()
            .filter(|p| p.name == "ORGANIZER" || p.name == "ATTENDEE")
            .filter_map(|p| {
                p.params.iter().find(|(k, _)| k == "CN").map(|(_, cn)| (cn.clone(), cn.clone(), String::new()))
            })
            .collect(),
        language: text("X-LANGUAGE"),
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_durations() {
        assert_eq!(iso_duration("PT45M"), Ok(45));
        assert_eq!(iso_duration("PT1H30M"), Ok(90));
        assert!(iso_duration("P3D").is_err(), "longer than a day");
        assert!(iso_duration("45M").is_err());
        assert!(iso_duration("PT").is_err());
    }

    #[test]
    fn folded_lines_and_escapes() {
        let lines = unfold("DESCRIPTION:Hello\r\n  world\\, and\\nmore\r\nSUMMARY:x\r\n");
        assert_eq!(lines.len(), 2);
        let p = parse_line(&lines[0]).expect("property");
        assert_eq!(unescape(&p.value), "Hello world, and\nmore");
        let p = parse_line("DTSTART;TZID=\"Europe/Berlin\":20270310T090000").expect("property");
        assert_eq!(p.params, vec![("TZID".to_string(), "Europe/Berlin".to_string())]);
    }
}
