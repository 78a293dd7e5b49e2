//! frab `schedule.xml` and its parent, Pentabarf's XML (what FOSDEM publishes): conference,
//! then days → rooms → events, persons as `<person id>`.
//!
//! Everything but the structure is optional here, because real files leave things out
//! (FOSDEM's has no `<acronym>` and no zone). A missing or broken field of one event skips that
//! event with a warning; only a file that is not this format at all is refused.

use serde::Deserialize;

use crate::builder::{kind_of, slug, Builder, Draft};
use crate::c3voc::plain_text;
use crate::time::{self, Zone, ZoneEvidence};
use crate::{ImportError, Options};

const FORMAT: &str = "frab schedule.xml";

#[derive(Deserialize)]
struct Schedule {
    conference: Conference,
    #[serde(default)]
    day: Vec<Day>,
}

#[derive(Deserialize)]
struct Conference {
    #[serde(default)]
    acronym: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    time_zone_name: Option<String>,
}

#[derive(Deserialize)]
struct Day {
    #[serde(rename = "@index")]
    index: u32,
    #[serde(rename = "@date")]
    date: String,
    #[serde(rename = "@start")]
    start: Option<String>,
    #[serde(rename = "@end")]
    end: Option<String>,
    #[serde(default)]
    room: Vec<Room>,
}

#[derive(Deserialize)]
struct Room {
    #[serde(rename = "@name", default)]
    name: String,
    #[serde(default)]
    event: Vec<Event>,
}

#[derive(Deserialize)]
struct Event {
    #[serde(rename = "@guid")]
    guid: Option<String>,
    #[serde(rename = "@id", default)]
    id: String,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    start: Option<String>,
    #[serde(default)]
    duration: Option<String>,
    #[serde(default)]
    room: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    subtitle: String,
    #[serde(default)]
    track: String,
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    language: String,
    #[serde(rename = "abstract", default)]
    abstract_: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    persons: Persons,
}

#[derive(Deserialize, Default)]
struct Persons {
    #[serde(default)]
    person: Vec<Person>,
}

#[derive(Deserialize)]
struct Person {
    #[serde(rename = "@id")]
    id: Option<String>,
    #[serde(rename = "$text", default)]
    name: String,
}

/// Which zone the file's local times are in: what it names, else what `--timezone` says, else
/// the offset its full dates carry. Clock times alone (`<start>10:00</start>`) need a zone.
fn zone_of(schedule: &Schedule, options: &Options) -> Result<(Zone, Option<String>), String> {
    let mut evidence = ZoneEvidence::default();
    evidence.saw_name(schedule.conference.time_zone_name.as_deref());
    for day in &schedule.day {
        for t in [&day.start, &day.end].into_iter().flatten() {
            evidence.saw_instant(t);
        }
        for e in day.room.iter().flat_map(|r| &r.event) {
            match e.date.as_deref().filter(|d| !d.trim().is_empty()) {
                Some(d) => evidence.saw_instant(d),
                None => evidence.local_times = true,
            }
        }
    }
    time::choose_zone(options.timezone, &evidence)
}

pub fn read(text: &str, options: &Options) -> Result<Builder, ImportError> {
    let schedule: Schedule =
        quick_xml::de::from_str(text).map_err(|e| ImportError::Malformed { format: FORMAT, detail: e.to_string() })?;
    let bad = |detail: String| ImportError::Malformed { format: FORMAT, detail };
    let (zone, zone_warning) = zone_of(&schedule, options).map_err(bad)?;
    let c = &schedule.conference;
    let title = c.title.as_deref().map(str::trim).filter(|t| !t.is_empty());
    let acronym = c.acronym.as_deref().map(str::trim).filter(|a| !a.is_empty());
    let (id, name) = match (acronym, title) {
        (Some(a), Some(t)) => (a.to_string(), t.to_string()),
        (Some(a), None) => (a.to_string(), a.to_string()),
        (None, Some(t)) => (slug(t), t.to_string()),
        (None, None) => return Err(bad("<conference> has neither <title> nor <acronym>".into())),
    };
    let mut b = Builder::new(&id, &name, zone);
    b.warnings.extend(zone_warning);
    for day in &schedule.day {
        let date = time::date(&day.date).map_err(|e| bad(format!("<day index='{}'> date: {e}", day.index)))?;
        let midnight = |d: chrono::NaiveDate, hour: u32| {
            d.and_hms_opt(hour, 0, 0).ok_or_else(|| format!("no {hour}:00 on {d}")).and_then(|t| zone.localize(t))
        };
        let start = match &day.start {
            Some(s) => time::instant(s, zone),
            None => midnight(date, 0),
        }
        .map_err(|e| bad(format!("<day index='{}'> start: {e}", day.index)))?;
        // Without a published end, a day runs to 06:00 the next morning (late sessions stay in it).
        let end = match &day.end {
            Some(s) => time::instant(s, zone),
            None => date
                .succ_opt()
                .ok_or_else(|| format!("{date} is the last day of the calendar"))
                .and_then(|d| midnight(d, 6)),
        }
        .map_err(|e| bad(format!("<day index='{}'> end: {e}", day.index)))?;
        b.add_day(day.index, date, start, end);
        for room in &day.room {
            if !room.name.trim().is_empty() {
                b.room(&room.name, None);
            }
            for e in &room.event {
                if let Err(why) = add_event(&mut b, e, room, day.index, date, start, zone) {
                    b.skip(format!("event {} \"{}\"", e.id, e.title.trim()), why);
                }
            }
        }
    }
    Ok(b)
}

fn add_event(
    b: &mut Builder,
    e: &Event,
    room: &Room,
    day_index: u32,
    date: chrono::NaiveDate,
    day_start: chrono::DateTime<chrono::FixedOffset>,
    zone: Zone,
) -> Result<(), String> {
    let starts_at = match (&e.date, &e.start) {
        (Some(d), _) if !d.trim().is_empty() => time::instant(d, zone)?,
        // No full date: the day's date and the clock time, past midnight when the clock is
        // earlier than the day's start.
        (_, Some(start)) => {
            let clock = time::clock(start)?;
            let on = if clock < day_start.time() { date.succ_opt().unwrap_or(date) } else { date };
            zone.localize(on.and_time(clock))?
        }
        _ => return Err("it has neither <date> nor <start>".into()),
    };
    let minutes = time::duration_minutes(e.duration.as_deref().ok_or("it has no <duration>")?)?;
    if e.title.trim().is_empty() {
        return Err("it has no <title>".into());
    }
    let summary = if e.abstract_.trim().is_empty() { &e.description } else { &e.abstract_ };
    let source_id = match (&e.guid, e.id.trim()) {
        (Some(g), _) if !g.trim().is_empty() => g.clone(),
        (_, id) if !id.is_empty() => id.to_string(),
        _ => format!("{}-{}", e.title.trim(), starts_at.format("%Y%m%dT%H%M")),
    };
    b.session(Draft {
        source_id,
        title: e.title.clone(),
        subtitle: e.subtitle.clone(),
        summary: plain_text(summary),
        kind: kind_of(&e.kind),
        room: if e.room.trim().is_empty() { room.name.clone() } else { e.room.clone() },
        track: Some(e.track.clone()),
        starts_at,
        minutes,
        speakers: e
            .persons
            .person
            .iter()
            .map(|p| (p.id.clone().unwrap_or_else(|| p.name.clone()), p.name.clone(), String::new()))
            .collect(),
        language: e.language.clone(),
        listed_day: Some(day_index),
    });
    Ok(())
}
