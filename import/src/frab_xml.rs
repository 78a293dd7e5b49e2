//! frab `schedule.xml`: conference, then days → rooms → events, persons as `<person id>`.

use serde::Deserialize;

use crate::builder::{kind_of, Builder, Draft};
use crate::c3voc::plain_text;
use crate::time::{self, Zone};
use crate::ImportError;

const FORMAT: &str = "frab schedule.xml";

#[derive(Deserialize)]
struct Schedule {
    conference: Conference,
    #[serde(default)]
    day: Vec<Day>,
}

#[derive(Deserialize)]
struct Conference {
    acronym: String,
    title: String,
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
    #[serde(rename = "@name")]
    name: String,
    #[serde(default)]
    event: Vec<Event>,
}

#[derive(Deserialize)]
struct Event {
    #[serde(rename = "@guid")]
    guid: Option<String>,
    #[serde(rename = "@id")]
    id: String,
    #[serde(default)]
    date: Option<String>,
    start: String,
    duration: String,
    #[serde(default)]
    room: String,
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

pub fn read(text: &str) -> Result<Builder, ImportError> {
    let schedule: Schedule =
        quick_xml::de::from_str(text).map_err(|e| ImportError::Malformed { format: FORMAT, detail: e.to_string() })?;
    let c = schedule.conference;
    // frab's XML has no zone field in most versions; the offsets on each date carry the truth.
    let zone = Zone::parse(c.time_zone_name.as_deref());
    let mut b = Builder::new(&c.acronym, &c.title, zone);
    let bad = |detail: String| ImportError::Malformed { format: FORMAT, detail };
    for day in &schedule.day {
        let date = time::date(&day.date).map_err(|e| bad(format!("<day index='{}'> date: {e}", day.index)))?;
        let start = match &day.start {
            Some(s) => time::instant(s, zone),
            None => zone.localize(date.and_hms_opt(0, 0, 0).unwrap_or_default()),
        }
        .map_err(|e| bad(format!("<day index='{}'> start: {e}", day.index)))?;
        let end = match &day.end {
            Some(s) => time::instant(s, zone),
            None => zone.localize(date.succ_opt().and_then(|d| d.and_hms_opt(6, 0, 0)).unwrap_or_default()),
        }
        .map_err(|e| bad(format!("<day index='{}'> end: {e}", day.index)))?;
        b.add_day(day.index, date, start, end);
        for room in &day.room {
            b.room(&room.name, None);
            for e in &room.event {
                let skip = |b: &mut Builder, err: String| {
                    b.warnings.push(format!("event {} \"{}\": {err}; skipped", e.id, e.title));
                };
                let starts_at = match &e.date {
                    Some(d) if !d.trim().is_empty() => time::instant(d, zone),
                    // No full date: the day's date and the clock time, past midnight when the
                    // clock is earlier than the day's start.
                    _ => time::clock(&e.start).and_then(|clock| {
                        let on = if clock < start.time() { date.succ_opt().unwrap_or(date) } else { date };
                        zone.localize(on.and_time(clock))
                    }),
                };
                let starts_at = match starts_at {
                    Ok(t) => t,
                    Err(err) => {
                        skip(&mut b, err);
                        continue;
                    }
                };
                let minutes = match time::duration_minutes(&e.duration) {
                    Ok(m) => m,
                    Err(err) => {
                        skip(&mut b, err);
                        continue;
                    }
                };
                let summary = if e.abstract_.trim().is_empty() { &e.description } else { &e.abstract_ };
                b.session(Draft {
                    source_id: e.guid.clone().unwrap_or_else(|| e.id.clone()),
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
                });
            }
        }
    }
    Ok(b)
}
