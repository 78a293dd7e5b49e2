//! An updated schedule merged into an event an organizer built: the schedule's own parts
//! (sessions, rooms, speakers, tracks, days, time zone) come from the new export; everything the
//! organizer authored (polls, quests, the venue's floors, places and walkways, scenarios, people,
//! goals, kiosk settings, branding, the Elements switched on, the event's id and name) stays.
//! What an authored part refers to and the new schedule no longer has is named in a warning;
//! the part itself is kept (a poll on a cancelled talk is still the organizer's poll).

use std::collections::HashSet;

use elements_protocol::event::EventBundle;

/// The event after merging `schedule` into `current`, and what to tell the organizer.
pub struct Merged {
    pub bundle: EventBundle,
    pub warnings: Vec<String>,
}

pub fn schedule_into(current: &EventBundle, schedule: EventBundle) -> Merged {
    let mut bundle = current.clone();
    bundle.manifest.days = schedule.manifest.days;
    bundle.manifest.timezone = schedule.manifest.timezone;
    bundle.sessions = schedule.sessions;
    bundle.speakers = schedule.speakers;
    bundle.tracks = schedule.tracks;
    // A room the organizer placed on a floor, or gave a capacity, keeps them when the schedule
    // (which rarely says) still has it.
    bundle.rooms = schedule
        .rooms
        .into_iter()
        .map(|mut room| {
            if let Some(known) = current.rooms.iter().find(|r| r.id == room.id) {
                room.floor_id = room.floor_id.or_else(|| known.floor_id.clone());
                room.capacity = room.capacity.or(known.capacity);
            }
            room
        })
        .collect();
    let warnings = dangling(&bundle);
    Merged { bundle, warnings }
}

/// Authored parts that name a session, room or track the event no longer has.
pub fn dangling(b: &EventBundle) -> Vec<String> {
    let sessions: HashSet<&str> = b.sessions.iter().map(|s| s.id.as_str()).collect();
    let rooms: HashSet<&str> = b.rooms.iter().map(|r| r.id.as_str()).collect();
    let tracks: HashSet<&str> = b.tracks.iter().map(|t| t.id.as_str()).collect();
    let mut out = Vec::new();
    let mut check = |what: String, value: serde_json::Value| {
        let mut missing = Vec::new();
        collect_refs(&value, &mut |key, id| {
            let (known, noun) = match key {
                "session_id" => (&sessions, "session"),
                "room_id" => (&rooms, "room"),
                "track_id" => (&tracks, "track"),
                _ => return,
            };
            if !known.contains(id) && !missing.contains(&(noun, id.to_string())) {
                missing.push((noun, id.to_string()));
            }
        });
        for (noun, id) in missing {
            out.push(format!("{what} refers to {noun} \"{id}\", which the new schedule no longer has; it is kept"));
        }
    };
    for p in &b.polls {
        check(format!("poll \"{}\"", p.id), serde_json::to_value(p).unwrap_or_default());
    }
    for p in &b.points_of_interest {
        check(format!("place \"{}\"", p.id), serde_json::to_value(p).unwrap_or_default());
    }
    for q in &b.quests {
        check(format!("quest \"{}\"", q.id), serde_json::to_value(q).unwrap_or_default());
    }
    for s in &b.scenarios {
        check(format!("scenario \"{}\"", s.id), serde_json::to_value(s).unwrap_or_default());
    }
    out
}

/// Every `key: "id"` string pair anywhere in `value`.
fn collect_refs(value: &serde_json::Value, found: &mut impl FnMut(&str, &str)) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                match v {
                    serde_json::Value::String(id) => found(k, id),
                    other => collect_refs(other, found),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_refs(v, found)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> EventBundle {
        serde_json::from_str(include_str!("../../assets/demo-event/event.json")).expect("demo")
    }

    #[test]
    fn the_schedule_changes_and_what_the_organizer_built_stays_with_what_it_lost_named() {
        let current = demo();
        let poll_session = current.polls.iter().find_map(|p| p.session_id.clone()).expect("a poll on a session");
        // The updated export: the agenda only, one talk cancelled (the poll's), one moved.
        let mut schedule = EventBundle::empty(current.manifest.clone());
        schedule.manifest.name = "Whatever the export calls it".into();
        schedule.sessions = current.sessions.iter().filter(|s| s.id != poll_session).cloned().collect();
        let moved = schedule.sessions[3].id.clone();
        schedule.sessions[3].starts_at += chrono::Duration::minutes(30);
        schedule.sessions[3].ends_at += chrono::Duration::minutes(30);
        schedule.rooms = current
            .rooms
            .iter()
            .cloned()
            .map(|mut r| {
                r.floor_id = None;
                r
            })
            .collect();
        schedule.speakers = current.speakers.clone();
        schedule.tracks = current.tracks.clone();

        let merged = schedule_into(&current, schedule);
        let b = &merged.bundle;
        assert_eq!(b.sessions.len(), current.sessions.len() - 1);
        assert!(!b.sessions.iter().any(|s| s.id == poll_session));
        let now = b.sessions.iter().find(|s| s.id == moved).expect("moved");
        let was = current.sessions.iter().find(|s| s.id == moved).expect("was");
        assert_eq!(now.starts_at - was.starts_at, chrono::Duration::minutes(30));
        // Authored parts, all kept.
        assert_eq!(b.polls, current.polls);
        assert_eq!(b.quests, current.quests);
        assert_eq!(b.floors, current.floors);
        assert_eq!(b.points_of_interest, current.points_of_interest);
        assert_eq!(b.scenarios, current.scenarios);
        assert_eq!(b.walk, current.walk);
        assert_eq!(b.manifest.name, current.manifest.name);
        assert_eq!(b.manifest.goals, current.manifest.goals);
        assert_eq!(b.manifest.kiosk, current.manifest.kiosk);
        assert_eq!(b.manifest.elements, current.manifest.elements);
        // Rooms keep the floor the organizer put them on.
        assert_eq!(b.rooms, current.rooms);
        // What was lost is named, once.
        let about: Vec<&String> = merged.warnings.iter().filter(|w| w.contains(&poll_session)).collect();
        assert!(!about.is_empty() && about.iter().all(|w| w.contains("kept")), "{:?}", merged.warnings);
        assert!(about.iter().any(|w| w.starts_with("poll ")), "{:?}", merged.warnings);
    }

    #[test]
    fn an_unchanged_schedule_merges_without_a_warning() {
        let current = demo();
        let mut schedule = EventBundle::empty(current.manifest.clone());
        schedule.sessions = current.sessions.clone();
        schedule.rooms = current.rooms.clone();
        schedule.speakers = current.speakers.clone();
        schedule.tracks = current.tracks.clone();
        let merged = schedule_into(&current, schedule);
        assert_eq!(merged.bundle, current);
        assert!(merged.warnings.is_empty(), "{:?}", merged.warnings);
    }
}
