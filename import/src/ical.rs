//! iCalendar (RFC 5545): one VEVENT per session. LOCATION is the room, CATEGORIES the track,
//! X-WR-CALNAME the event's name; the zone is X-WR-TIMEZONE, else the calendar's VTIMEZONE or
//! its events' TZID, else `--timezone`.
//!
//! Hand-written on purpose: the crates that parse iCalendar either unfold after decoding text
//! (so a fold that splits a UTF-8 character, which RFC 5545 §3.1 allows, is an error) or panic
//! on arithmetic with hostile durations; this reader is small and fuzzed (`tests/fuzz.rs`).

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};

use crate::builder::{Builder, Draft};
use crate::time::{self, Zone, ZoneEvidence};
use crate::{ImportError, Options};

const FORMAT: &str = "iCalendar";

struct Property {
    name: String,
    params: Vec<(String, String)>,
    value: String,
}

/// Unfolds continuation lines (a line starting with a space or tab continues the previous one)
/// as bytes, then decodes each logical line: folding is by octets, so a character may be split
/// across two physical lines. A line still not UTF-8 after unfolding is decoded with U+FFFD and
/// counted.
fn unfold(bytes: &[u8]) -> (Vec<String>, usize) {
    let mut lines: Vec<Vec<u8>> = Vec::new();
    for raw in bytes.split(|&b| b == b'\n') {
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        if let Some((b' ' | b'\t', rest)) = line.split_first() {
            if let Some(last) = lines.last_mut() {
                last.extend_from_slice(rest);
                continue;
            }
        }
        if !line.is_empty() {
            lines.push(line.to_vec());
        }
    }
    let mut not_utf8 = 0;
    let text = lines
        .into_iter()
        .map(|l| {
            String::from_utf8(l).unwrap_or_else(|e| {
                not_utf8 += 1;
                String::from_utf8_lossy(e.as_bytes()).into_owned()
            })
        })
        .collect();
    (text, not_utf8)
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

fn tzid(p: &Property) -> Option<&str> {
    p.params.iter().find(|(k, _)| k == "TZID").map(|(_, v)| v.as_str())
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
    let zone = match tzid(p) {
        Some(id) => Zone::Iana(time::parse_tz(id).ok_or_else(|| format!("{}: unknown time zone TZID={id}", p.name))?),
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

/// `PT45M`, `PT1H30M`, `P1DT2H`, `PT0S`: minutes, at most a day.
fn iso_duration(v: &str) -> Result<i64, String> {
    let bad = || format!("DURATION \"{v}\" is not like PT1H30M");
    let rest = v.trim().strip_prefix('P').ok_or_else(bad)?;
    let (mut minutes, mut number, mut in_time, mut parts) = (0i64, String::new(), false, 0);
    for c in rest.chars() {
        match c {
            'T' => in_time = true,
            '0'..='9' => number.push(c),
            _ => {
                // More than six digits is never a session's length: refused before any sum.
                if number.is_empty() || number.len() > 6 {
                    return Err(bad());
                }
                let n: i64 = number.parse().map_err(|_| bad())?;
                number.clear();
                parts += 1;
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
    if !number.is_empty() || parts == 0 {
        return Err(bad());
    }
    if minutes > time::MAX_MINUTES {
        return Err(format!("DURATION \"{v}\" is longer than a day"));
    }
    Ok(minutes)
}

pub fn read(bytes: &[u8], options: &Options) -> Result<Builder, ImportError> {
    let bad = |detail: String| ImportError::Malformed { format: FORMAT, detail };
    let (lines, not_utf8) = unfold(bytes);
    let props: Vec<Property> = lines.iter().filter_map(|l| parse_line(l)).collect();
    let get = |name: &str| props.iter().find(|p| p.name == name).map(|p| unescape(&p.value));
    if !props.iter().any(|p| p.name == "BEGIN" && p.value.eq_ignore_ascii_case("VCALENDAR")) {
        return Err(bad("no BEGIN:VCALENDAR".into()));
    }
    // Each VEVENT's own properties, without those of components inside it (a VALARM's
    // DURATION is not the session's).
    let mut events: Vec<Vec<&Property>> = Vec::new();
    let mut evidence = ZoneEvidence::default();
    evidence.saw_name(get("X-WR-TIMEZONE").as_deref());
    let mut stack: Vec<String> = Vec::new();
    for p in &props {
        match p.name.as_str() {
            "BEGIN" => {
                let component = p.value.trim().to_ascii_uppercase();
                if component == "VEVENT" && stack.last().map(String::as_str) != Some("VEVENT") {
                    events.push(Vec::new());
                }
                stack.push(component);
            }
            "END" => {
                let component = p.value.trim().to_ascii_uppercase();
                match stack.iter().rposition(|c| *c == component) {
                    Some(i) => stack.truncate(i),
                    None => return Err(bad(format!("END:{component} without BEGIN:{component}"))),
                }
            }
            _ => match stack.last().map(String::as_str) {
                Some("VTIMEZONE") if p.name == "TZID" => evidence.saw_name(Some(&p.value)),
                Some("VEVENT") => {
                    if p.name == "DTSTART" || p.name == "DTEND" {
                        match tzid(p) {
                            Some(id) => evidence.saw_name(Some(id)),
                            None if !p.value.trim().ends_with('Z') && p.value.contains('T') => {
                                evidence.local_times = true
                            }
                            None => {}
                        }
                    }
                    if let Some(e) = events.last_mut() {
                        e.push(p);
                    }
                }
                _ => {}
            },
        }
    }
    if stack.iter().any(|c| c == "VEVENT") {
        return Err(bad("a VEVENT is not closed with END:VEVENT".into()));
    }
    let (zone, zone_warning) = time::choose_zone(options.timezone, &evidence).map_err(bad)?;
    let name = get("X-WR-CALNAME").unwrap_or_else(|| "Imported calendar".into());
    let mut b = Builder::new(&name, &name, zone);
    b.warnings.extend(zone_warning);
    if not_utf8 > 0 {
        b.warnings.push(format!("{not_utf8} line(s) are not UTF-8 even after unfolding; unreadable bytes shown as �"));
    }
    for (i, fields) in events.iter().enumerate() {
        if let Err(err) = add_event(&mut b, fields, zone) {
            let summary = fields.iter().find(|f| f.name == "SUMMARY").map(|f| unescape(&f.value));
            b.skip(format!("VEVENT #{} ({})", i + 1, summary.unwrap_or_default()), err);
        }
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
            if !(0..=time::MAX_MINUTES).contains(&m) {
                return Err(format!("DTEND is not within a day after DTSTART ({m} minutes)"));
            }
            m
        }
        (None, Some(d)) => iso_duration(&d.value)?,
        // RFC 5545 §3.6.1: a date-time DTSTART alone is an instant.
        (None, None) => 0,
    };
    let uid = text("UID");
    let title = text("SUMMARY");
    if title.trim().is_empty() {
        return Err("no SUMMARY".into());
    }
    let category = text("CATEGORIES").split(',').next().unwrap_or("").trim().to_string();
    b.session(Draft {
        source_id: if uid.is_empty() { format!("{title}-{}", start.format("%Y%m%dT%H%M")) } else { uid },
        title,
        subtitle: String::new(),
        summary: text("DESCRIPTION"),
        kind: crate::builder::kind_of(&category),
        room: text("LOCATION"),
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
        listed_day: None,
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
        assert_eq!(iso_duration("PT0S"), Ok(0));
        assert!(iso_duration("P3D").is_err(), "longer than a day");
        assert!(iso_duration("45M").is_err());
        assert!(iso_duration("PT").is_err());
        assert!(iso_duration("P1000000000000000W").is_err(), "no overflow");
        assert!(iso_duration("P1000000000000000D").is_err(), "no overflow");
    }

    #[test]
    fn folded_lines_and_escapes() {
        let (lines, _) = unfold(b"DESCRIPTION:Hello\r\n  world\\, and\\nmore\r\nSUMMARY:x\r\n");
        assert_eq!(lines.len(), 2);
        let p = parse_line(&lines[0]).expect("property");
        assert_eq!(unescape(&p.value), "Hello world, and\nmore");
        let p = parse_line("DTSTART;TZID=\"Europe/Berlin\":20270310T090000").expect("property");
        assert_eq!(p.params, vec![("TZID".to_string(), "Europe/Berlin".to_string())]);
    }

    #[test]
    fn a_fold_inside_a_character_is_undone_before_decoding() {
        // "Алматы" with the fold between the two bytes of 'м' (0xD0 0xBC).
        let (lines, not_utf8) = unfold(b"LOCATION:\xD0\x90\xD0\xBB\xD0\r\n \xBC\xD0\xB0\xD1\x82\xD1\x8B\r\n");
        assert_eq!((lines, not_utf8), (vec!["LOCATION:Алматы".to_string()], 0));
    }
}
