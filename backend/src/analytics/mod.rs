//! The analytics Element's figures: what the event's signals mean, in aggregate. Attendance of
//! sessions and rooms over the day and how long audiences stayed, where people went next, the
//! venue's places hour by hour, engagement per session and per hour, quest funnels.
//!
//! Privacy is a rule of the code ([`privacy`]): every figure is made from the set of distinct
//! people behind it and withheld below five; the input knows people only as numbers, and no
//! figure names one. `report.rs` writes them out (CSV and a self-contained HTML report).

pub mod privacy;
pub mod report;

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Duration, FixedOffset, Timelike};
use elements_protocol::event::EventBundle;

use privacy::{head_count, share, Guarded, Person};

/// One thing someone did that the analytics count (what the data says, nothing inferred).
#[derive(Debug, Clone, PartialEq)]
pub struct Happening {
    pub person: Person,
    /// When it happened, in the venue's time.
    pub at: DateTime<FixedOffset>,
    pub what: What,
}

#[derive(Debug, Clone, PartialEq)]
pub enum What {
    /// Checked in to a session themselves, or let in at its door by staff.
    Session(String),
    /// Let in at a door, visited a booth, or scanned a quest checkpoint there.
    Place(String),
    Checkpoint {
        quest: String,
        checkpoint: String,
    },
    Answer {
        poll: String,
    },
    Question {
        poll: String,
    },
    Upvote {
        poll: String,
    },
    /// Asked the map the way to a place, from a place or from a spot that is none (`None`).
    Route {
        from: Option<String>,
        to: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct SessionFigures {
    pub id: String,
    pub title: String,
    pub room: String,
    pub starts_at: DateTime<FixedOffset>,
    pub attendees: Guarded<usize>,
    /// The share of its audience not seen anywhere else before it ended (0–100).
    pub held: Guarded<u32>,
    /// Answers, questions and upvotes in its polls, and how many people gave them.
    pub engagement: Guarded<Engagement>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Engagement {
    pub answers: usize,
    pub questions: usize,
    pub upvotes: usize,
}

impl SessionFigures {
    /// Answers, questions and upvotes per attendee present (one decimal), where both the
    /// audience and the people who took part are enough to show.
    pub fn per_attendee(&self) -> Option<f64> {
        let (e, came) = (self.engagement.value()?, *self.attendees.value()?);
        Some(per_person(e.answers + e.questions + e.upvotes, came))
    }
}

/// `acts` per person of `people`, to one decimal.
fn per_person(acts: usize, people: usize) -> f64 {
    (acts as f64 * 10.0 / people.max(1) as f64).round() / 10.0
}

/// Where the audience of one session went next.
#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    pub from: String,
    pub to: String,
    pub people: Guarded<usize>,
}

/// A route people asked the map for: between two places, or to one from a spot that is none.
#[derive(Debug, Clone, PartialEq)]
pub struct AskedRoute {
    pub from: Option<String>,
    pub to: String,
    pub people: Guarded<usize>,
}

/// The most routes a report lists (the busiest).
pub const MOST_ROUTES: usize = 20;

#[derive(Debug, Clone, PartialEq)]
pub struct Funnel {
    pub quest: String,
    /// People who completed at least 1, 2, … checkpoints.
    pub steps: Vec<Guarded<usize>>,
}

/// A row of an hour-by-hour table: a room or place, and a figure per hour.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The room's or place's id in the event.
    pub id: String,
    pub name: String,
    pub hours: Vec<Guarded<usize>>,
    /// Distinct people there over the whole event.
    pub all_day: Guarded<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Analytics {
    pub event: String,
    /// The hours the tables have a column for, in the venue's time, first to last with activity.
    pub hours: Vec<DateTime<FixedOffset>>,
    pub people: Guarded<usize>,
    pub sessions: Vec<SessionFigures>,
    pub rooms_by_hour: Vec<Row>,
    pub places_by_hour: Vec<Row>,
    /// Flows of at least five people, most first.
    pub flows: Vec<Flow>,
    /// The busiest routes asked for on the map (at least five people each), most first.
    pub routes: Vec<AskedRoute>,
    /// Signals and the people who sent them, hour by hour.
    pub activity_by_hour: Vec<Guarded<usize>>,
    /// Answers, questions, upvotes and quest steps per person active in the hour (one decimal),
    /// where the people who did them and the people active are enough to show.
    pub engagement_by_hour: Vec<Option<f64>>,
    pub funnels: Vec<Funnel>,
}

fn hour_of(t: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    t.with_minute(0).and_then(|t| t.with_second(0)).and_then(|t| t.with_nanosecond(0)).unwrap_or(t)
}

/// The figures of `event` from what happened (in any order).
pub fn analyse(event: &EventBundle, happenings: &[Happening]) -> Analytics {
    let mut happenings: Vec<&Happening> = happenings.iter().collect();
    happenings.sort_by_key(|h| (h.at, h.person));
    let first = happenings.first().map(|h| hour_of(h.at));
    let last = happenings.last().map(|h| hour_of(h.at));
    let mut hours = Vec::new();
    if let (Some(mut h), Some(last)) = (first, last) {
        // Bounded: an event's signals span days, not years.
        while h <= last && hours.len() < 24 * 31 {
            hours.push(h);
            h += Duration::hours(1);
        }
    }
    let hour_index = |t: DateTime<FixedOffset>| hours.iter().position(|h| *h == hour_of(t));
    let sessions: HashMap<&str, &elements_protocol::event::Session> =
        event.sessions.iter().map(|s| (s.id.as_str(), s)).collect();
    let rooms: HashMap<&str, &str> = event.rooms.iter().map(|r| (r.id.as_str(), r.name.as_str())).collect();
    let places: HashMap<&str, &str> =
        event.points_of_interest.iter().map(|p| (p.id.as_str(), p.name.as_str())).collect();
    let checkpoint_place: HashMap<(&str, &str), &str> = event
        .quests
        .iter()
        .flat_map(|q| {
            q.checkpoints.iter().filter_map(move |c| Some(((q.id.as_str(), c.id.as_str()), c.poi_id.as_deref()?)))
        })
        .collect();
    let poll_session: HashMap<&str, &str> =
        event.polls.iter().filter_map(|p| Some((p.id.as_str(), p.session_id.as_deref()?))).collect();

    let everyone: HashSet<Person> = happenings.iter().map(|h| h.person).collect();
    // Where someone was, as a place key: a session's room, or a place.
    let place_of = |h: &Happening| -> Option<String> {
        match &h.what {
            What::Session(s) => sessions.get(s.as_str()).and_then(|s| s.room_id.clone()).map(|r| format!("room:{r}")),
            What::Place(p) => Some(format!("place:{p}")),
            What::Checkpoint { quest, checkpoint } => {
                checkpoint_place.get(&(quest.as_str(), checkpoint.as_str())).map(|p| format!("place:{p}"))
            }
            _ => None,
        }
    };

    // Per session: its audience, and who was seen elsewhere before it ended.
    let mut audience: HashMap<&str, HashSet<Person>> = HashMap::new();
    let mut left_early: HashMap<&str, HashSet<Person>> = HashMap::new();
    let mut by_person: HashMap<Person, Vec<&Happening>> = HashMap::new();
    for h in &happenings {
        by_person.entry(h.person).or_default().push(h);
    }
    let mut flows: BTreeMap<(String, String), HashSet<Person>> = BTreeMap::new();
    for (person, trail) in &by_person {
        let mut last_session: Option<&str> = None;
        for (i, h) in trail.iter().enumerate() {
            let What::Session(id) = &h.what else { continue };
            let Some(session) = sessions.get(id.as_str()) else { continue };
            audience.entry(session.id.as_str()).or_default().insert(*person);
            let here = place_of(h);
            let elsewhere = trail[i + 1..]
                .iter()
                .take_while(|next| next.at < session.ends_at)
                .any(|next| place_of(next).is_some_and(|p| Some(&p) != here.as_ref()));
            if elsewhere {
                left_early.entry(session.id.as_str()).or_default().insert(*person);
            }
            if let Some(before) = last_session.filter(|b| *b != session.id) {
                flows.entry((before.to_string(), session.id.clone())).or_default().insert(*person);
            }
            last_session = Some(session.id.as_str());
        }
    }

    // Engagement in each session's polls.
    let mut engaged: HashMap<&str, (HashSet<Person>, Engagement)> = HashMap::new();
    let mut active_by_hour: Vec<HashSet<Person>> = vec![HashSet::new(); hours.len()];
    let mut engaged_by_hour: Vec<(HashSet<Person>, usize)> = vec![(HashSet::new(), 0); hours.len()];
    for h in &happenings {
        if let Some(i) = hour_index(h.at) {
            active_by_hour[i].insert(h.person);
            if matches!(
                h.what,
                What::Answer { .. } | What::Question { .. } | What::Upvote { .. } | What::Checkpoint { .. }
            ) {
                engaged_by_hour[i].0.insert(h.person);
                engaged_by_hour[i].1 += 1;
            }
        }
        let (poll, kind) = match &h.what {
            What::Answer { poll } => (poll, 0),
            What::Question { poll } => (poll, 1),
            What::Upvote { poll } => (poll, 2),
            _ => continue,
        };
        let Some(session) = poll_session.get(poll.as_str()) else { continue };
        let entry = engaged
            .entry(session)
            .or_insert_with(|| (HashSet::new(), Engagement { answers: 0, questions: 0, upvotes: 0 }));
        entry.0.insert(h.person);
        match kind {
            0 => entry.1.answers += 1,
            1 => entry.1.questions += 1,
            _ => entry.1.upvotes += 1,
        }
    }
    let empty = HashSet::new();
    let mut session_figures: Vec<SessionFigures> = event
        .sessions
        .iter()
        .filter(|s| audience.contains_key(s.id.as_str()) || engaged.contains_key(s.id.as_str()))
        .map(|s| {
            let came = audience.get(s.id.as_str()).unwrap_or(&empty);
            let left = left_early.get(s.id.as_str()).unwrap_or(&empty);
            let stayed: HashSet<Person> = came.difference(left).copied().collect();
            SessionFigures {
                id: s.id.clone(),
                title: s.title.clone(),
                room: s.room_id.as_deref().and_then(|r| rooms.get(r)).unwrap_or(&"").to_string(),
                starts_at: s.starts_at,
                attendees: head_count(came),
                held: share(&stayed, came),
                engagement: engaged.get(s.id.as_str()).map_or(Guarded::Withheld, |(who, e)| Guarded::of(who, *e)),
            }
        })
        .collect();
    session_figures.sort_by(|a, b| a.starts_at.cmp(&b.starts_at).then(a.id.cmp(&b.id)));

    // Rooms and places, hour by hour: distinct people seen there.
    let mut rooms_hours: BTreeMap<String, Vec<HashSet<Person>>> = BTreeMap::new();
    let mut places_hours: BTreeMap<String, Vec<HashSet<Person>>> = BTreeMap::new();
    for h in &happenings {
        let (Some(i), Some(place)) = (hour_index(h.at), place_of(h)) else { continue };
        let (table, key) = match place.split_once(':') {
            Some(("room", r)) => (&mut rooms_hours, r.to_string()),
            Some((_, p)) => (&mut places_hours, p.to_string()),
            None => continue,
        };
        table.entry(key).or_insert_with(|| vec![HashSet::new(); hours.len()])[i].insert(h.person);
    }
    let rows = |table: BTreeMap<String, Vec<HashSet<Person>>>, names: &HashMap<&str, &str>| -> Vec<Row> {
        let mut rows: Vec<Row> = table
            .into_iter()
            .map(|(id, hours)| Row {
                name: names.get(id.as_str()).copied().unwrap_or(id.as_str()).to_string(),
                all_day: head_count(&hours.iter().flatten().copied().collect()),
                id,
                hours: hours.iter().map(head_count).collect(),
            })
            .collect();
        rows.sort_by(|a, b| a.name.cmp(&b.name));
        rows
    };

    let title = |id: &str| sessions.get(id).map_or(id.to_string(), |s| s.title.clone());
    let mut flows: Vec<Flow> = flows
        .into_iter()
        .map(|((from, to), who)| Flow { from: title(&from), to: title(&to), people: head_count(&who) })
        .filter(|f| f.people.value().is_some())
        .collect();
    flows.sort_by(|a, b| b.people.value().cmp(&a.people.value()).then(a.from.cmp(&b.from)).then(a.to.cmp(&b.to)));

    let mut asked: BTreeMap<(Option<&str>, &str), HashSet<Person>> = BTreeMap::new();
    for h in &happenings {
        if let What::Route { from, to } = &h.what {
            asked.entry((from.as_deref(), to.as_str())).or_default().insert(h.person);
        }
    }
    let place_name = |id: &str| places.get(id).map_or(id.to_string(), |n| n.to_string());
    let mut routes: Vec<AskedRoute> = asked
        .into_iter()
        .map(|((from, to), who)| AskedRoute {
            from: from.map(place_name),
            to: place_name(to),
            people: head_count(&who),
        })
        .filter(|r| r.people.value().is_some())
        .collect();
    routes.sort_by(|a, b| b.people.value().cmp(&a.people.value()).then(a.to.cmp(&b.to)).then(a.from.cmp(&b.from)));
    routes.truncate(MOST_ROUTES);

    let funnels = event
        .quests
        .iter()
        .map(|q| {
            let mut done: HashMap<Person, HashSet<&str>> = HashMap::new();
            for h in &happenings {
                if let What::Checkpoint { quest, checkpoint } = &h.what {
                    if *quest == q.id {
                        done.entry(h.person).or_default().insert(checkpoint.as_str());
                    }
                }
            }
            let steps = (1..=q.checkpoints.len())
                .map(|n| head_count(&done.iter().filter(|(_, c)| c.len() >= n).map(|(p, _)| *p).collect()))
                .collect();
            Funnel { quest: q.title.clone(), steps }
        })
        .collect();

    Analytics {
        event: event.manifest.name.clone(),
        people: head_count(&everyone),
        sessions: session_figures,
        rooms_by_hour: rows(rooms_hours, &rooms),
        places_by_hour: rows(places_hours, &places),
        flows,
        routes,
        engagement_by_hour: engaged_by_hour
            .iter()
            .zip(&active_by_hour)
            .map(|((engaged, acts), active)| {
                let active = *head_count(active).value()?;
                Guarded::of(engaged, *acts).value().map(|acts| per_person(*acts, active))
            })
            .collect(),
        activity_by_hour: active_by_hour.iter().map(head_count).collect(),
        funnels,
        hours,
    }
}

/// The figures as the wire carries them ([`elements_protocol::analytics`]): withheld ones as
/// `null`, places with their spot on the floor plans.
pub fn to_wire(
    a: &Analytics,
    event: &EventBundle,
    counted_at: DateTime<chrono::Utc>,
) -> elements_protocol::analytics::AnalyticsReport {
    use elements_protocol::analytics::{
        AnalyticsReport, FlowFigure, FunnelFigure, HourRow, RouteFigure, SessionFigure,
    };
    let n = |g: &Guarded<usize>| g.value().map(|v| *v as u64);
    let hours = |r: &Row| r.hours.iter().map(n).collect();
    AnalyticsReport {
        event: a.event.clone(),
        // In the venue's time, as everything the tablet shows.
        counted_at: match event.manifest.days.first() {
            Some(day) => counted_at.with_timezone(day.starts_at.offset()).to_rfc3339(),
            None => counted_at.to_rfc3339(),
        },
        hours: a.hours.iter().map(|h| h.to_rfc3339()).collect(),
        people: n(&a.people),
        sessions: a
            .sessions
            .iter()
            .map(|s| {
                let e = s.engagement.value();
                SessionFigure {
                    id: s.id.clone(),
                    title: s.title.clone(),
                    room: s.room.clone(),
                    starts_at: s.starts_at.to_rfc3339(),
                    attendees: n(&s.attendees),
                    held_percent: s.held.value().copied(),
                    answers: e.map(|e| e.answers as u64),
                    questions: e.map(|e| e.questions as u64),
                    upvotes: e.map(|e| e.upvotes as u64),
                    per_attendee: s.per_attendee(),
                }
            })
            .collect(),
        rooms_by_hour: a
            .rooms_by_hour
            .iter()
            .map(|r| HourRow { name: r.name.clone(), floor_id: None, x: None, y: None, hours: hours(r) })
            .collect(),
        places_by_hour: a
            .places_by_hour
            .iter()
            .map(|r| {
                let spot = event.points_of_interest.iter().find(|p| p.id == r.id);
                HourRow {
                    name: r.name.clone(),
                    floor_id: spot.map(|p| p.floor_id.clone()),
                    x: spot.map(|p| p.x),
                    y: spot.map(|p| p.y),
                    hours: hours(r),
                }
            })
            .collect(),
        flows: a
            .flows
            .iter()
            .filter_map(|f| {
                Some(FlowFigure { from: f.from.clone(), to: f.to.clone(), people: *f.people.value()? as u64 })
            })
            .collect(),
        routes: a
            .routes
            .iter()
            .filter_map(|r| {
                Some(RouteFigure { from: r.from.clone(), to: r.to.clone(), people: *r.people.value()? as u64 })
            })
            .collect(),
        activity_by_hour: a.activity_by_hour.iter().map(n).collect(),
        engagement_by_hour: a.engagement_by_hour.clone(),
        funnels: a
            .funnels
            .iter()
            .map(|f| FunnelFigure { quest: f.quest.clone(), steps: f.steps.iter().map(n).collect() })
            .collect(),
    }
}

/// The event in numbers for the venue screens ([`elements_protocol::analytics::ScreenFigures`]):
/// a few of the figures above, each shown only as the privacy rule allows.
pub fn for_screens(
    a: &Analytics,
    event: &EventBundle,
    counted_at: DateTime<chrono::Utc>,
    revision: u64,
) -> elements_protocol::analytics::ScreenFigures {
    use elements_protocol::analytics::{NamedCount, RouteFigure, ScreenFigures};
    let last = a.hours.len().checked_sub(1);
    let mut busiest: Vec<NamedCount> = a
        .places_by_hour
        .iter()
        .chain(&a.rooms_by_hour)
        .filter_map(|r| {
            let people = *r.hours.get(last?)?.value()?;
            Some(NamedCount { name: r.name.clone(), people: people as u64 })
        })
        .collect();
    busiest.sort_by(|a, b| b.people.cmp(&a.people).then(a.name.cmp(&b.name)));
    busiest.truncate(5);
    let mut fullest: Vec<NamedCount> = a
        .sessions
        .iter()
        .filter_map(|s| Some(NamedCount { name: s.title.clone(), people: *s.attendees.value()? as u64 }))
        .collect();
    fullest.sort_by(|a, b| b.people.cmp(&a.people).then(a.name.cmp(&b.name)));
    fullest.truncate(3);
    let offset = event.manifest.days.first().map(|d| *d.starts_at.offset());
    ScreenFigures {
        id: "now".into(),
        revision,
        counted_at: match offset {
            Some(o) => counted_at.with_timezone(&o).to_rfc3339(),
            None => counted_at.to_rfc3339(),
        },
        people: a.people.value().map(|n| *n as u64),
        active: last.and_then(|i| a.activity_by_hour[i].value()).map(|n| *n as u64),
        hour: last.map(|i| a.hours[i].to_rfc3339()),
        busiest_places: busiest,
        fullest_sessions: fullest,
        routes: a
            .routes
            .iter()
            .take(3)
            .filter_map(|r| {
                Some(RouteFigure { from: r.from.clone(), to: r.to.clone(), people: *r.people.value()? as u64 })
            })
            .collect(),
    }
}
