//! Times as published: RFC 3339 with or without offset, "HH:MM" clock times, durations; and
//! which zone a file's local times are read in.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;

/// The event's zone: an IANA name when the source or the importer's caller gives one, else the
/// fixed offset the file's own times carry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Zone {
    Iana(Tz),
    Fixed(FixedOffset),
}

/// What the file says about its zone, gathered before any local time is read.
#[derive(Debug, Default)]
pub struct ZoneEvidence {
    /// A zone name the file gives (`time_zone_name`, `X-WR-TIMEZONE`, a `TZID`), first wins.
    pub named: Option<String>,
    /// The first offset seen on a published time.
    pub offset: Option<FixedOffset>,
    /// Whether some time in the file is a local wall-clock time that needs a zone.
    pub local_times: bool,
}

impl ZoneEvidence {
    /// Notes one published date-time: with an offset it is exact, without one it is local.
    pub fn saw_instant(&mut self, text: &str) {
        match DateTime::parse_from_rfc3339(text.trim()) {
            Ok(t) => {
                self.offset.get_or_insert(*t.offset());
            }
            Err(_) => self.local_times = true,
        }
    }

    /// Notes a zone name the file gives. The first usable name wins; an unusable one is kept
    /// only until a usable one comes (so the warning can name it).
    pub fn saw_name(&mut self, name: Option<&str>) {
        let Some(n) = name.map(str::trim).filter(|n| !n.is_empty()) else { return };
        let usable = |n: &str| parse_tz(n).is_some();
        if self.named.as_deref().is_none_or(|old| !usable(old) && usable(n)) {
            self.named = Some(n.to_string());
        }
    }
}

/// The sentence every importer gives when it would otherwise have to guess a zone.
pub const NEEDS_ZONE: &str = "the file gives local times but no time zone, so every time would be a guess; \
     pass the event's zone as an IANA name, for example --timezone Europe/Brussels";

/// Reads an IANA zone name, also in the forms calendar programs write (`"/mozilla.org/…/Europe/Paris"`).
pub fn parse_tz(name: &str) -> Option<Tz> {
    let name = name.trim().trim_matches('"');
    if let Ok(tz) = name.parse::<Tz>() {
        return Some(tz);
    }
    // Some writers prefix the IANA name with a path of their own: try each tail.
    let mut rest = name;
    while let Some((_, tail)) = rest.split_once('/') {
        if let Ok(tz) = tail.parse::<Tz>() {
            return Some(tz);
        }
        rest = tail;
    }
    None
}

/// Decides the zone: the caller's `--timezone` first, then a name the file gives, then the offset
/// the file's times carry. A file with local times and none of these is refused with
/// [`NEEDS_ZONE`]: reading them as UTC would move every session. Also returns a warning when
/// something was set aside.
pub fn choose_zone(given: Option<Tz>, evidence: &ZoneEvidence) -> Result<(Zone, Option<String>), String> {
    let named = evidence.named.as_deref().map(|n| (n, parse_tz(n)));
    if let Some(tz) = given {
        let warning = match named {
            Some((n, Some(file_tz))) if file_tz != tz => {
                Some(format!("the file names the zone {n}; --timezone {} was used instead", tz.name()))
            }
            _ => None,
        };
        return Ok((Zone::Iana(tz), warning));
    }
    let unknown_name = match named {
        Some((_, Some(tz))) => return Ok((Zone::Iana(tz), None)),
        Some((n, None)) => Some(format!("the file's time zone \"{n}\" is not an IANA zone name")),
        None => None,
    };
    if let Some(offset) = evidence.offset {
        let warning = unknown_name.map(|w| format!("{w}; the offset {offset} its times carry was used"));
        return Ok((Zone::Fixed(offset), warning));
    }
    if evidence.local_times {
        return Err(match unknown_name {
            Some(w) => format!("{w}, and {NEEDS_ZONE}"),
            None => NEEDS_ZONE.to_string(),
        });
    }
    // Nothing needs a zone (every time is exact UTC): the times are right, only the zone the app
    // shows them in is unknown.
    let utc = FixedOffset::east_opt(0).ok_or("UTC")?;
    Ok((Zone::Fixed(utc), Some(format!("the file names no time zone, so times are shown in UTC; {NEEDS_ZONE}"))))
}

impl Zone {
    /// The zone's name for the manifest: the IANA name, or for a fixed offset the IANA name of
    /// that offset where one exists (`Etc/GMT-1` is UTC+01:00; the sign is POSIX's).
    pub fn name(&self) -> String {
        match self {
            Zone::Iana(tz) => tz.name().to_string(),
            Zone::Fixed(off) => {
                let secs = off.local_minus_utc();
                if secs == 0 {
                    "UTC".to_string()
                } else if secs % 3600 == 0 {
                    let hours = -secs / 3600;
                    format!("Etc/GMT{}{}", if hours > 0 { "+" } else { "-" }, hours.abs())
                } else {
                    format!("UTC{off}")
                }
            }
        }
    }

    /// Reads a local wall-clock time in this zone. In a daylight-saving gap the time does not
    /// exist and is an error; in an overlap the earlier instant is taken.
    pub fn localize(&self, local: NaiveDateTime) -> Result<DateTime<FixedOffset>, String> {
        match self {
            Zone::Iana(tz) => tz
                .from_local_datetime(&local)
                .earliest()
                .map(|t| t.fixed_offset())
                .ok_or_else(|| format!("{local} does not exist in {} (a daylight-saving gap)", tz.name())),
            Zone::Fixed(off) => {
                off.from_local_datetime(&local).single().ok_or_else(|| format!("{local} is not a valid local time"))
            }
        }
    }
}

/// An instant as published: RFC 3339 with an offset, or a local time (`2019-08-21T11:00` or
/// with seconds) read in `zone`.
pub fn instant(text: &str, zone: Zone) -> Result<DateTime<FixedOffset>, String> {
    let t = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Ok(dt);
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(local) = NaiveDateTime::parse_from_str(t, fmt) {
            return zone.localize(local);
        }
    }
    Err(format!("\"{t}\" is not a date and time like 2019-08-21T11:00:00+02:00"))
}

/// `start` plus `minutes`, or an error where the sum leaves the calendar (year 262143 and on).
pub fn plus_minutes(start: DateTime<FixedOffset>, minutes: i64) -> Result<DateTime<FixedOffset>, String> {
    chrono::TimeDelta::try_minutes(minutes)
        .and_then(|d| start.checked_add_signed(d))
        .ok_or_else(|| format!("{start} plus {minutes} minutes is past the end of the calendar"))
}

pub fn date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("\"{}\" is not a date like 2019-08-21", text.trim()))
}

pub fn clock(text: &str) -> Result<NaiveTime, String> {
    let t = text.trim();
    NaiveTime::parse_from_str(t, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(t, "%H:%M:%S"))
        .map_err(|_| format!("\"{t}\" is not a time like 09:30"))
}

/// Longest session an importer believes: anything longer is a typo ("6944:11:40"), not a talk.
pub const MAX_MINUTES: i64 = 24 * 60;

/// A duration written "1:00", "01:00", "00:45:30" (hours:minutes[:seconds]), or "90" minutes.
/// Zero is kept (published schedules use zero-length entries as markers); anything longer than
/// a day is refused.
pub fn duration_minutes(text: &str) -> Result<i64, String> {
    let t = text.trim();
    let parts: Vec<&str> = t.split(':').collect();
    // Digits only, and few enough that no sum below overflows: longer numbers are refused anyway.
    let num = |s: &str| {
        let s = s.trim();
        (!s.is_empty() && s.len() <= 6 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<i64>().ok())
            .flatten()
    };
    let minutes = match parts.as_slice() {
        [m] => num(m),
        [h, m] => num(h).zip(num(m).filter(|m| *m < 60)).map(|(h, m)| h * 60 + m),
        [h, m, s] => num(h)
            .zip(num(m).filter(|m| *m < 60))
            .zip(num(s).filter(|s| *s < 60))
            .map(|((h, m), s)| h * 60 + m + i64::from(s >= 30)),
        _ => None,
    }
    .ok_or_else(|| format!("duration \"{t}\" is not hours:minutes like 01:30"))?;
    if minutes > MAX_MINUTES {
        return Err(format!("duration \"{t}\" is longer than a day"));
    }
    Ok(minutes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_the_shapes_seen_in_the_wild() {
        assert_eq!(duration_minutes("1:00"), Ok(60));
        assert_eq!(duration_minutes("01:00"), Ok(60));
        assert_eq!(duration_minutes("00:45:00"), Ok(45));
        assert_eq!(duration_minutes("90"), Ok(90));
        assert_eq!(duration_minutes("00:00"), Ok(0), "zero-length entries are kept");
        assert!(duration_minutes("6944:11:40").is_err());
        assert!(duration_minutes("1:75").is_err());
        assert!(duration_minutes("").is_err());
        assert!(duration_minutes("-1:00").is_err());
        assert!(duration_minutes("999999999999999999:00").is_err(), "no overflow");
        assert!(duration_minutes("99999999999999999999999").is_err());
    }

    #[test]
    fn local_times_are_read_in_the_events_zone_with_daylight_saving() {
        let berlin = Zone::Iana(chrono_tz::Europe::Berlin);
        assert_eq!(instant("2019-08-21T11:00:00", berlin).expect("summer").to_rfc3339(), "2019-08-21T11:00:00+02:00");
        assert_eq!(instant("2014-12-27T11:00", berlin).expect("winter").to_rfc3339(), "2014-12-27T11:00:00+01:00");
        // A published offset wins over the zone.
        assert_eq!(
            instant("2020-12-14T09:00:00+01:00", Zone::Iana(chrono_tz::UTC)).expect("t").to_rfc3339(),
            "2020-12-14T09:00:00+01:00"
        );
        // 02:30 on the last Sunday of March does not exist in Berlin.
        assert!(instant("2027-03-28T02:30:00", berlin).is_err());
    }

    #[test]
    fn the_zone_is_given_named_or_carried_never_guessed() {
        let mut local = ZoneEvidence::default();
        local.saw_instant("2025-02-01T10:00:00");
        let err = choose_zone(None, &local).expect_err("local times and no zone");
        assert!(err.contains("--timezone"), "{err}");
        let (zone, _) = choose_zone(Some(chrono_tz::Europe::Brussels), &local).expect("given");
        assert_eq!(zone.name(), "Europe/Brussels");

        let mut offsets = ZoneEvidence::default();
        offsets.saw_instant("2014-12-27T11:00:00+01:00");
        let (zone, warning) = choose_zone(None, &offsets).expect("offsets");
        assert_eq!((zone.name(), warning), ("Etc/GMT-1".to_string(), None));
        assert_eq!(zone.name().parse::<Tz>().map(|tz| tz.name()), Ok("Etc/GMT-1"), "a real IANA name");

        offsets.saw_name(Some("Mars/Olympus"));
        let (_, warning) = choose_zone(None, &offsets).expect("offsets win over a bad name");
        assert!(warning.is_some_and(|w| w.contains("Mars/Olympus")));

        assert_eq!(parse_tz("/mozilla.org/20050126_1/Europe/Paris"), Some(chrono_tz::Europe::Paris));
        assert_eq!(Zone::Fixed(FixedOffset::east_opt(19800).expect("+05:30")).name(), "UTC+05:30");
    }
}
