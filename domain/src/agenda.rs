//! Placing sessions in time: which programme day holds a session, what runs now, what is next.

use chrono::{DateTime, FixedOffset, Utc};
use elements_protocol::event::EventDay;

/// The programme day whose window holds `at`. Days may run past midnight, so this is never
/// decided by calendar date.
pub fn day_of(days: &[EventDay], at: &DateTime<FixedOffset>) -> Option<u32> {
    days.iter().find(|d| d.starts_at <= *at && *at < d.ends_at).map(|d| d.index)
}

/// "09:30", in the offset the time was published with (the venue's local time).
pub fn format_hhmm(at: &DateTime<FixedOffset>) -> String {
    at.format("%H:%M").to_string()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Before,
    During,
    After,
}

/// Splits sessions (as `(start, end)` pairs, any order) into those running at `now` and those
/// starting next (every session sharing the earliest start after `now`). Returns indexes into
/// the input, in start order.
pub fn now_next(
    days: &[EventDay],
    sessions: &[(DateTime<FixedOffset>, DateTime<FixedOffset>)],
    now: DateTime<Utc>,
) -> (Phase, Vec<usize>, Vec<usize>) {
    let first = days.iter().map(|d| d.starts_at).min();
    let last = days.iter().map(|d| d.ends_at).max();
    let phase = match (first, last) {
        (Some(f), _) if now < f => Phase::Before,
        (_, Some(l)) if now >= l => Phase::After,
        _ => Phase::During,
    };
    let mut running: Vec<usize> =
        (0..sessions.len()).filter(|&i| sessions[i].0 <= now && now < sessions[i].1).collect();
    running.sort_by_key(|&i| sessions[i].0);
    let next_start = sessions.iter().map(|s| s.0).filter(|s| *s > now).min();
    let next: Vec<usize> = match next_start {
        Some(t) => (0..sessions.len()).filter(|&i| sessions[i].0 == t).collect(),
        None => Vec::new(),
    };
    (phase, running, next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn t(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).expect("test timestamp")
    }

    fn day(index: u32, date: &str, from: &str, to: &str) -> EventDay {
        EventDay {
            index,
            date: date.parse::<NaiveDate>().expect("date"),
            label: format!("Day {index}"),
            starts_at: t(from),
            ends_at: t(to),
        }
    }

    #[test]
    fn a_session_after_midnight_belongs_to_the_day_that_started_the_night_before() {
        let days = [
            day(1, "2014-12-27", "2014-12-27T11:00:00+01:00", "2014-12-28T04:00:00+01:00"),
            day(2, "2014-12-28", "2014-12-28T11:00:00+01:00", "2014-12-29T04:00:00+01:00"),
        ];
        assert_eq!(day_of(&days, &t("2014-12-28T00:30:00+01:00")), Some(1));
        assert_eq!(day_of(&days, &t("2014-12-28T11:00:00+01:00")), Some(2));
        assert_eq!(day_of(&days, &t("2014-12-28T05:00:00+01:00")), None);
        // The same instant written in UTC lands in the same day.
        assert_eq!(day_of(&days, &t("2014-12-27T23:30:00Z")), Some(1));
    }

    #[test]
    fn now_next_picks_running_sessions_and_the_next_start() {
        let days = [day(1, "2027-03-10", "2027-03-10T08:00:00+01:00", "2027-03-11T04:00:00+01:00")];
        let s = [
            (t("2027-03-10T10:00:00+01:00"), t("2027-03-10T10:45:00+01:00")),
            (t("2027-03-10T09:00:00+01:00"), t("2027-03-10T12:00:00+01:00")),
            (t("2027-03-10T11:00:00+01:00"), t("2027-03-10T11:45:00+01:00")),
            (t("2027-03-10T11:00:00+01:00"), t("2027-03-10T11:30:00+01:00")),
        ];
        let now = t("2027-03-10T10:15:00+01:00").with_timezone(&Utc);
        let (phase, running, next) = now_next(&days, &s, now);
        assert_eq!(phase, Phase::During);
        assert_eq!(running, vec![1, 0]);
        assert_eq!(next, vec![2, 3]);

        let before = t("2027-01-01T00:00:00+01:00").with_timezone(&Utc);
        assert_eq!(now_next(&days, &s, before).0, Phase::Before);
        let after = t("2027-03-12T00:00:00+01:00").with_timezone(&Utc);
        let (phase, running, next) = now_next(&days, &s, after);
        assert_eq!((phase, running.len(), next.len()), (Phase::After, 0, 0));
    }
}
