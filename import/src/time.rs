//! Times as published: RFC 3339 with or without offset, "HH:MM" clock times, durations.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;

/// The event's zone: an IANA name when the source gives a usable one, else a fixed offset.
#[derive(Debug, Clone, Copy)]
pub enum Zone {
    Iana(Tz),
    Fixed(FixedOffset),
}

impl Zone {
    pub fn parse(name: Option<&str>) -> Zone {
        match name.and_then(|n| n.parse::<Tz>().ok()) {
            Some(tz) => Zone::Iana(tz),
            None => Zone::Fixed(chrono::Offset::fix(&chrono::Utc)),
        }
    }

    pub fn name(&self) -> String {
        match self {
            Zone::Iana(tz) => tz.name().to_string(),
            Zone::Fixed(_) => "UTC".to_string(),
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

/// A duration written "1:00", "01:00", "00:45:30" (hours:minutes[:seconds]), or "90" minutes.
/// Anything longer than a day is refused: "6944:11:40" is a typo, not a talk.
pub fn duration_minutes(text: &str) -> Result<i64, String> {
    let t = text.trim();
    let parts: Vec<&str> = t.split(':').collect();
    let num = |s: &str| s.parse::<i64>().ok().filter(|n| *n >= 0);
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
    if minutes == 0 || minutes > 24 * 60 {
        return Err(format!("duration \"{t}\" is not between one minute and one day"));
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
        assert!(duration_minutes("6944:11:40").is_err());
        assert!(duration_minutes("1:75").is_err());
        assert!(duration_minutes("").is_err());
        assert!(duration_minutes("00:00").is_err());
    }

    #[test]
    fn local_times_are_read_in_the_events_zone_with_daylight_saving() {
        let berlin = Zone::parse(Some("Europe/Berlin"));
        assert_eq!(instant("2019-08-21T11:00:00", berlin).expect("summer").to_rfc3339(), "2019-08-21T11:00:00+02:00");
        assert_eq!(instant("2014-12-27T11:00", berlin).expect("winter").to_rfc3339(), "2014-12-27T11:00:00+01:00");
        // A published offset wins over the zone.
        assert_eq!(
            instant("2020-12-14T09:00:00+01:00", Zone::parse(Some("UTC"))).expect("t").to_rfc3339(),
            "2020-12-14T09:00:00+01:00"
        );
        // 02:30 on the last Sunday of March does not exist in Berlin.
        assert!(instant("2027-03-28T02:30:00", berlin).is_err());
    }
}
