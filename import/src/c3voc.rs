//! c3voc schedule JSON: version 1 (what frab and pretalx export: days → rooms → events) and
//! schema 2 (a flat `events` list with ISO start and end, rooms and tracks as objects).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::builder::{kind_of, Builder, Draft};
use crate::time::{self, ZoneEvidence};
use crate::{ImportError, Options};

const V1: &str = "schedule JSON (v1)";
const V2: &str = "schedule JSON (schema 2)";

/// Deserializes with the JSON path of the first problem in the message.
fn parse<'a, T: Deserialize<'a>>(format: &'static str, text: &'a str) -> Result<T, ImportError> {
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de)
        .map_err(|e| ImportError::Malformed { format, detail: format!("at {}: {}", e.path(), e.inner()) })
}

/// One event of the file, read on its own: a broken event is skipped with a warning that gives
/// its path and what is wrong, instead of refusing the file.
fn event<T: serde::de::DeserializeOwned>(value: &serde_json::Value) -> Result<T, String> {
    serde_path_to_error::deserialize(value).map_err(|e| format!("{}: {}", e.path(), e.inner()))
}

/// How a skipped event is named: its id and title where they can be read.
fn event_name(value: &serde_json::Value) -> String {
    let field = |k: &str| match &value[k] {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    };
    let title = field("title");
    format!(
        "event {} \"{}\"",
        field("guid").chars().take(60).collect::<String>(),
        title.chars().take(80).collect::<String>()
    )
}

/// HTML line breaks to newlines, other tags dropped: pretalx and frab descriptions carry markup.
pub fn plain_text(html: &str) -> String {
    let with_breaks = html.replace("<br />", "\n").replace("<br/>", "\n").replace("<br>", "\n");
    let mut out = String::with_capacity(with_breaks.len());
    let mut in_tag = false;
    for c in with_breaks.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.trim().to_string()
}

fn summary(abstract_: Option<&str>, description: Option<&str>) -> String {
    let a = plain_text(abstract_.unwrap_or(""));
    if a.is_empty() {
        plain_text(description.unwrap_or(""))
    } else {
        a
    }
}

#[derive(Deserialize)]
struct FileV1 {
    schedule: ScheduleV1,
}

#[derive(Deserialize)]
struct ScheduleV1 {
    conference: ConferenceV1,
}

#[derive(Deserialize)]
struct ConferenceV1 {
    acronym: String,
    title: String,
    time_zone_name: Option<String>,
    days: Vec<DayV1>,
}

/// A whole number written as a number or as a string of digits: exports differ (a 2025 congress
/// wrote three event ids as `"12345"` among thousands of `12345`), and no session may be
/// dropped for the shape of one field.
fn whole<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    match WholeOrText::deserialize(d)? {
        WholeOrText::Whole(n) => u32::try_from(n).map_err(|_| serde::de::Error::custom(format!("{n} is too large"))),
        WholeOrText::Text(t) => {
            t.trim().parse().map_err(|_| serde::de::Error::custom(format!("{t:?} is not a whole number")))
        }
    }
}

fn whole_or_none<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    match Option::<WholeOrText>::deserialize(d)? {
        None => Ok(None),
        Some(WholeOrText::Whole(n)) => Ok(u32::try_from(n).ok()),
        // A capacity written as "" or "unknown" is simply not known.
        Some(WholeOrText::Text(t)) => Ok(t.trim().parse().ok()),
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum WholeOrText {
    Whole(u64),
    Text(String),
}

impl std::fmt::Display for WholeOrText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WholeOrText::Whole(n) => write!(f, "{n}"),
            WholeOrText::Text(t) => f.write_str(t.trim()),
        }
    }
}

#[derive(Deserialize)]
struct DayV1 {
    #[serde(deserialize_with = "whole")]
    index: u32,
    date: String,
    day_start: String,
    day_end: String,
    rooms: BTreeMap<String, Vec<serde_json::Value>>,
}

#[derive(Deserialize)]
struct EventV1 {
    /// An integer in the schema; written as a string of digits by some exports, and left out by
    /// others where the guid names the event.
    #[serde(default)]
    id: Option<WholeOrText>,
    guid: Option<String>,
    date: String,
    duration: String,
    #[serde(default)]
    room: String,
    title: String,
    #[serde(default)]
    subtitle: Option<String>,
    #[serde(default)]
    track: Option<String>,
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    language: Option<String>,
    #[serde(rename = "abstract", default)]
    abstract_: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    persons: Vec<PersonV1>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum PersonV1 {
    Object {
        id: Option<serde_json::Value>,
        code: Option<String>,
        public_name: Option<String>,
        name: Option<String>,
        #[serde(default)]
        biography: Option<String>,
    },
    Name(String),
}

impl PersonV1 {
    fn key_name_bio(&self) -> (String, String, String) {
        match self {
            PersonV1::Object { id, code, public_name, name, biography } => {
                let display = public_name.clone().or_else(|| name.clone()).unwrap_or_default();
                let key = code
                    .clone()
                    .or_else(|| id.as_ref().map(|v| v.to_string().trim_matches('"').to_string()))
                    .unwrap_or_else(|| display.clone());
                (key, display, biography.clone().unwrap_or_default())
            }
            PersonV1::Name(n) => (n.clone(), n.clone(), String::new()),
        }
    }
}

pub fn read_v1(text: &str, options: &Options) -> Result<Builder, ImportError> {
    let file: FileV1 = parse(V1, text)?;
    let c = file.schedule.conference;
    let bad = |detail: String| ImportError::Malformed { format: V1, detail };
    let mut evidence = ZoneEvidence::default();
    evidence.saw_name(c.time_zone_name.as_deref());
    for day in &c.days {
        evidence.saw_instant(&day.day_start);
        evidence.saw_instant(&day.day_end);
        for e in day.rooms.values().flatten() {
            if let Some(d) = e["date"].as_str() {
                evidence.saw_instant(d);
            }
        }
    }
    let (zone, zone_warning) = time::choose_zone(options.timezone, &evidence).map_err(bad)?;
    let mut b = Builder::new(&c.acronym, &c.title, zone);
    b.warnings.extend(zone_warning);
    for (i, day) in c.days.iter().enumerate() {
        let at = |field: &str, e: String| bad(format!("days[{i}].{field}: {e}"));
        b.add_day(
            day.index,
            time::date(&day.date).map_err(|e| at("date", e))?,
            time::instant(&day.day_start, zone).map_err(|e| at("day_start", e))?,
            time::instant(&day.day_end, zone).map_err(|e| at("day_end", e))?,
        );
    }
    for (d, day) in c.days.iter().enumerate() {
        for (room, events) in &day.rooms {
            b.room(room, None);
            for (n, value) in events.iter().enumerate() {
                let path = format!("days[{d}].rooms.{room}[{n}]");
                let read = event::<EventV1>(value).map_err(|e| format!("{path}.{e}")).and_then(|e| {
                    let starts_at = time::instant(&e.date, zone)?;
                    let minutes = time::duration_minutes(&e.duration)?;
                    Ok((e, starts_at, minutes))
                });
                let (e, starts_at, minutes) = match read {
                    Ok(x) => x,
                    Err(why) => {
                        b.skip(event_name(value), why);
                        continue;
                    }
                };
                // Read, and said: the schema's own "invalid example" is exactly this.
                if let Some(WholeOrText::Text(id)) = &e.id {
                    b.warnings.push(format!(
                        "{path}.id: \"{id}\" is written as a string where the schema has a number; read as the id it spells"
                    ));
                }
                b.session(Draft {
                    source_id: e
                        .guid
                        .clone()
                        .filter(|g| !g.trim().is_empty())
                        .or_else(|| e.id.as_ref().map(|id| id.to_string()))
                        .unwrap_or_default(),
                    title: e.title.clone(),
                    subtitle: e.subtitle.clone().unwrap_or_default(),
                    summary: summary(e.abstract_.as_deref(), e.description.as_deref()),
                    kind: kind_of(e.kind.as_deref().unwrap_or("")),
                    room: if e.room.trim().is_empty() { room.clone() } else { e.room.clone() },
                    track: e.track.clone(),
                    starts_at,
                    minutes,
                    speakers: e.persons.iter().map(PersonV1::key_name_bio).collect(),
                    language: e.language.clone().unwrap_or_default(),
                    listed_day: Some(day.index),
                });
            }
        }
    }
    Ok(b)
}

#[derive(Deserialize)]
struct FileV2 {
    schedule: ScheduleV2,
}

#[derive(Deserialize)]
struct ScheduleV2 {
    conference: ConferenceV2,
    events: Vec<serde_json::Value>,
    #[serde(default)]
    persons: Vec<PersonV2>,
}

#[derive(Deserialize)]
struct ConferenceV2 {
    acronym: String,
    title: String,
    time_zone_name: Option<String>,
    #[serde(default)]
    tracks: Vec<TrackV2>,
    #[serde(default)]
    rooms: Vec<RoomV2>,
    #[serde(default)]
    days: Vec<DayV2>,
}

#[derive(Deserialize)]
struct TrackV2 {
    name: String,
    slug: Option<String>,
    color: Option<String>,
    colors: Option<Colors>,
}

#[derive(Deserialize)]
struct Colors {
    light: Option<String>,
}

#[derive(Deserialize)]
struct RoomV2 {
    name: String,
    #[serde(default, deserialize_with = "whole_or_none")]
    capacity: Option<u32>,
}

#[derive(Deserialize)]
struct DayV2 {
    #[serde(deserialize_with = "whole")]
    index: u32,
    date: String,
    start: String,
    end: String,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Named {
    Object { name: Option<String>, slug: Option<String> },
    Name(String),
}

#[derive(Deserialize)]
struct EventV2 {
    guid: String,
    start: String,
    end: Option<String>,
    duration: Option<String>,
    room: Named,
    title: String,
    #[serde(default)]
    subtitle: Option<String>,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    track: Option<Named>,
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(rename = "abstract", default)]
    abstract_: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    participants: Vec<ParticipantV2>,
}

#[derive(Deserialize)]
struct ParticipantV2 {
    guid: Option<String>,
    name: String,
    role: Option<String>,
}

#[derive(Deserialize)]
struct PersonV2 {
    guid: String,
    #[serde(default)]
    biography: Option<String>,
}

pub fn read_v2(text: &str, options: &Options) -> Result<Builder, ImportError> {
    let file: FileV2 = parse(V2, text)?;
    let s = file.schedule;
    let c = s.conference;
    let bad = |detail: String| ImportError::Malformed { format: V2, detail };
    let mut evidence = ZoneEvidence::default();
    evidence.saw_name(c.time_zone_name.as_deref());
    for day in &c.days {
        evidence.saw_instant(&day.start);
        evidence.saw_instant(&day.end);
    }
    for e in &s.events {
        for k in ["start", "end"] {
            if let Some(t) = e[k].as_str() {
                evidence.saw_instant(t);
            }
        }
    }
    let (zone, zone_warning) = time::choose_zone(options.timezone, &evidence).map_err(bad)?;
    let mut b = Builder::new(&c.acronym, &c.title, zone);
    b.warnings.extend(zone_warning);
    for (i, day) in c.days.iter().enumerate() {
        let at = |field: &str, e: String| bad(format!("conference.days[{i}].{field}: {e}"));
        b.add_day(
            day.index,
            time::date(&day.date).map_err(|e| at("date", e))?,
            time::instant(&day.start, zone).map_err(|e| at("start", e))?,
            time::instant(&day.end, zone).map_err(|e| at("end", e))?,
        );
    }
    for r in &c.rooms {
        b.room(&r.name, r.capacity);
    }
    let mut track_names = std::collections::HashMap::new();
    for t in &c.tracks {
        let color = t.colors.as_ref().and_then(|c| c.light.clone()).or_else(|| t.color.clone());
        b.track(&t.name, color.as_deref());
        if let Some(slug) = &t.slug {
            track_names.insert(slug.clone(), t.name.clone());
        }
    }
    let bios: std::collections::HashMap<&str, &str> =
        s.persons.iter().map(|p| (p.guid.as_str(), p.biography.as_deref().unwrap_or(""))).collect();
    for (n, value) in s.events.iter().enumerate() {
        let path = format!("events[{n}]");
        let e: EventV2 = match event(value) {
            Ok(e) => e,
            Err(why) => {
                b.skip(event_name(value), format!("{path}.{why}"));
                continue;
            }
        };
        let skip = |b: &mut Builder, err: String| b.skip(format!("event {} \"{}\"", e.guid, e.title), err);
        let starts_at = match time::instant(&e.start, zone) {
            Ok(t) => t,
            Err(err) => {
                skip(&mut b, err);
                continue;
            }
        };
        let minutes = match (&e.end, &e.duration) {
            (Some(end), _) => time::instant(end, zone).and_then(|end| {
                let m = (end - starts_at).num_minutes();
                if (0..=time::MAX_MINUTES).contains(&m) {
                    Ok(m)
                } else {
                    Err(format!("ends at {end}, not within a day after its start"))
                }
            }),
            (None, Some(d)) => time::duration_minutes(d),
            (None, None) => Err("has neither an end nor a duration".to_string()),
        };
        let minutes = match minutes {
            Ok(m) => m,
            Err(err) => {
                skip(&mut b, err);
                continue;
            }
        };
        let room = match &e.room {
            Named::Object { name: Some(n), .. } | Named::Name(n) => n.clone(),
            Named::Object { slug: Some(s), .. } => s.clone(),
            Named::Object { .. } => {
                skip(&mut b, "has a room with neither name nor slug".into());
                continue;
            }
        };
        let track = e.track.as_ref().and_then(|t| match t {
            Named::Object { name: Some(n), .. } | Named::Name(n) => Some(n.clone()),
            Named::Object { slug: Some(s), .. } => Some(track_names.get(s).cloned().unwrap_or_else(|| s.clone())),
            Named::Object { .. } => None,
        });
        let speakers = e
            .participants
            .iter()
            .filter(|p| p.role.as_deref().is_none_or(|r| r.eq_ignore_ascii_case("speaker")))
            .map(|p| {
                let key = p.guid.clone().unwrap_or_else(|| p.name.clone());
                let bio = p.guid.as_deref().and_then(|g| bios.get(g)).copied().unwrap_or("").to_string();
                (key, p.name.clone(), bio)
            })
            .collect();
        b.session(Draft {
            source_id: e.guid.clone(),
            title: e.title.clone(),
            subtitle: e.subtitle.clone().unwrap_or_default(),
            summary: summary(e.abstract_.as_deref(), e.description.as_deref()),
            kind: kind_of(e.kind.as_deref().unwrap_or("")),
            room,
            track,
            starts_at,
            minutes,
            speakers,
            language: e.language.clone().unwrap_or_default(),
            listed_day: None,
        });
    }
    Ok(b)
}
