//! Checks an [`EventBundle`] before anything is stored: ids unique, every reference resolves,
//! times make sense. Every problem is reported, each naming the record and what to fix.

use std::collections::HashSet;
use std::fmt;

use elements_protocol::event::{EventBundle, PollKind, FORMAT_VERSION};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// Where: `sessions[12] (s1-013)`.
    pub at: String,
    pub problem: String,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.problem)
    }
}

/// Parses an event file and validates it, naming every problem found.
pub fn parse_event(json: &str) -> Result<EventBundle, String> {
    let bundle: EventBundle =
        serde_json::from_str(json).map_err(|e| format!("not a valid Elements event file: {e}"))?;
    validate(&bundle).map_err(|errors| {
        let list: Vec<String> = errors.iter().map(|e| format!("  - {e}")).collect();
        format!("the event file has {} problem(s):\n{}", errors.len(), list.join("\n"))
    })?;
    Ok(bundle)
}

pub fn validate(bundle: &EventBundle) -> Result<(), Vec<ValidationError>> {
    let mut errors = Vec::new();
    let mut err = |at: String, problem: String| errors.push(ValidationError { at, problem });

    if bundle.format_version != FORMAT_VERSION {
        err(
            "format_version".into(),
            format!(
                "is {}, this app reads version {FORMAT_VERSION}; update the app or re-export the event",
                bundle.format_version
            ),
        );
    }
    let m = &bundle.manifest;
    if m.id.trim().is_empty() {
        err("manifest.id".into(), "is empty".into());
    }
    if m.name.trim().is_empty() {
        err("manifest.name".into(), "is empty".into());
    }
    if m.days.is_empty() {
        err("manifest.days".into(), "lists no day; an event needs at least one".into());
    }
    let mut day_indexes = HashSet::new();
    for (i, d) in m.days.iter().enumerate() {
        if !day_indexes.insert(d.index) {
            err(format!("manifest.days[{i}]"), format!("repeats day index {}", d.index));
        }
        if d.ends_at <= d.starts_at {
            err(format!("manifest.days[{i}]"), "ends before it starts".into());
        }
    }

    let floors = unique_ids("floors", bundle.floors.iter().map(|f| f.id.as_str()), &mut err);
    let rooms = unique_ids("rooms", bundle.rooms.iter().map(|r| r.id.as_str()), &mut err);
    let tracks = unique_ids("tracks", bundle.tracks.iter().map(|t| t.id.as_str()), &mut err);
    let speakers = unique_ids("speakers", bundle.speakers.iter().map(|s| s.id.as_str()), &mut err);
    let sessions = unique_ids("sessions", bundle.sessions.iter().map(|s| s.id.as_str()), &mut err);
    let pois = unique_ids("points_of_interest", bundle.points_of_interest.iter().map(|p| p.id.as_str()), &mut err);
    unique_ids("polls", bundle.polls.iter().map(|p| p.id.as_str()), &mut err);
    unique_ids("quests", bundle.quests.iter().map(|q| q.id.as_str()), &mut err);
    unique_ids("people", bundle.people.iter().map(|p| p.id.as_str()), &mut err);

    for (i, r) in bundle.rooms.iter().enumerate() {
        if let Some(floor) = r.floor_id.as_deref().filter(|f| !floors.contains(f)) {
            err(format!("rooms[{i}] ({})", r.id), format!("floor_id \"{floor}\" is not a floor of this event"));
        }
    }
    for (i, s) in bundle.sessions.iter().enumerate() {
        let at = || format!("sessions[{i}] ({})", s.id);
        if s.title.trim().is_empty() {
            err(at(), "has an empty title".into());
        }
        if let Some(room) = s.room_id.as_deref().filter(|r| !rooms.contains(r)) {
            err(at(), format!("room_id \"{room}\" is not a room of this event"));
        }
        if let Some(t) = &s.track_id {
            if !tracks.contains(t.as_str()) {
                err(at(), format!("track_id \"{t}\" is not a track of this event"));
            }
        }
        for sp in &s.speaker_ids {
            if !speakers.contains(sp.as_str()) {
                err(at(), format!("speaker \"{sp}\" is not a speaker of this event"));
            }
        }
        // Zero-length entries are real (a marker, "doors open"); ending before starting is not.
        if s.ends_at < s.starts_at {
            err(at(), format!("ends ({}) before it starts ({})", s.ends_at, s.starts_at));
        }
        if crate::day_of(&m.days, &s.starts_at).is_none() {
            err(at(), format!("starts at {}, outside every programme day", s.starts_at));
        }
    }
    for (i, p) in bundle.points_of_interest.iter().enumerate() {
        if !floors.contains(p.floor_id.as_str()) {
            err(format!("points_of_interest[{i}] ({})", p.id), format!("floor_id \"{}\" is not a floor", p.floor_id));
        } else if let Some(f) = bundle.floors.iter().find(|f| f.id == p.floor_id) {
            if p.x > f.width || p.y > f.height {
                err(
                    format!("points_of_interest[{i}] ({})", p.id),
                    format!("lies outside the {}×{} plan", f.width, f.height),
                );
            }
        }
        if let Some(room) = p.room_id.as_deref().filter(|r| !rooms.contains(r)) {
            err(format!("points_of_interest[{i}] ({})", p.id), format!("room_id \"{room}\" is not a room"));
        }
    }
    for (i, p) in bundle.polls.iter().enumerate() {
        if let Some(s) = &p.session_id {
            if !sessions.contains(s.as_str()) {
                err(format!("polls[{i}] ({})", p.id), format!("session_id \"{s}\" is not a session"));
            }
        }
        for problem in poll_problems(p) {
            err(format!("polls[{i}] ({})", p.id), problem);
        }
    }
    for (i, q) in bundle.quests.iter().enumerate() {
        for c in &q.checkpoints {
            if let Some(poi) = &c.poi_id {
                if !pois.contains(poi.as_str()) {
                    err(
                        format!("quests[{i}] ({}) checkpoint {}", q.id, c.id),
                        format!("poi_id \"{poi}\" is not a point of interest"),
                    );
                }
            }
        }
    }
    let mut goal_ids = HashSet::new();
    for (i, g) in m.goals.iter().enumerate() {
        let at = || format!("manifest.goals[{i}] ({})", g.id);
        if g.id.trim().is_empty() || !goal_ids.insert(g.id.as_str()) {
            err(at(), "needs an id of its own".into());
        }
        if g.target_percent == 0 || g.target_percent > 100 {
            err(at(), format!("target_percent is {}: a share from 1 to 100", g.target_percent));
        }
        if g.measure.at_least == 0 {
            err(at(), "at_least is 0: everyone would meet it; count from 1".into());
        }
        if g.measure.session_kind.is_some() && g.measure.signal != elements_protocol::scenario::SignalKind::CheckIn {
            err(at(), "session_kind is for check_in goals".into());
        }
        if let Some(w) = &g.measure.within {
            if w.to <= w.from {
                err(at(), format!("the window ends ({}) before it starts ({})", w.to, w.from));
            }
        }
        if g.measure.ticket_type.as_deref().is_some_and(|t| t.trim().is_empty()) {
            err(at(), "ticket_type is empty: name the roster's ticket type, or leave it out".into());
        }
        use elements_protocol::scenario::SignalKind as K;
        let known = |id: &str| match g.measure.signal {
            K::BoothVisit => pois.contains(id),
            K::CheckIn => bundle.sessions.iter().any(|s| s.id == id),
            K::Vote | K::Question | K::Upvote => bundle.polls.iter().any(|p| p.id == id),
            K::CheckpointScan => bundle.quests.iter().any(|q| q.checkpoints.iter().any(|c| c.id == id)),
            K::ContactExchange => true,
        };
        for id in g.measure.among.iter().filter(|id| !known(id)) {
            err(at(), format!("\"{id}\" in `among` is not something this event has for that signal"));
        }
    }
    for (at, problem) in crate::rules::check(bundle) {
        err(at, problem);
    }
    for (at, problem) in walk_problems(bundle) {
        err(at, problem);
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

fn unique_ids<'a>(
    what: &str,
    ids: impl Iterator<Item = &'a str>,
    err: &mut impl FnMut(String, String),
) -> HashSet<&'a str> {
    let mut seen = HashSet::new();
    for (i, id) in ids.enumerate() {
        if id.trim().is_empty() {
            err(format!("{what}[{i}]"), "has an empty id".into());
        } else if !seen.insert(id) {
            err(format!("{what}[{i}]"), format!("repeats the id \"{id}\""));
        }
    }
    seen
}

/// The walk graph: links to points it has, points on floors the event has, places it names,
/// and every place reachable from the main entrance and back (one-way links count).
fn walk_problems(bundle: &EventBundle) -> Vec<(String, String)> {
    let walk = &bundle.walk;
    if walk.is_empty() {
        return Vec::new();
    }
    let mut problems = Vec::new();
    let pois: HashSet<&str> = bundle.points_of_interest.iter().map(|p| p.id.as_str()).collect();
    for p in &walk.points {
        if let Some(poi) = p.poi_id.as_deref().filter(|poi| !pois.contains(poi)) {
            problems.push((format!("walk point {}", p.id), format!("poi_id \"{poi}\" is not a point of interest")));
        }
    }
    let router = match crate::routing::Router::new(walk, &bundle.floors) {
        Ok(r) => r,
        Err(e) => {
            problems.push(("walk".into(), e.0));
            return problems;
        }
    };
    // From the main entrance: the first exit with a walk point, else the first point.
    let exits: HashSet<&str> = bundle
        .points_of_interest
        .iter()
        .filter(|p| p.kind == elements_protocol::event::PoiKind::Exit)
        .map(|p| p.id.as_str())
        .collect();
    let root = walk
        .points
        .iter()
        .find(|p| p.poi_id.as_deref().is_some_and(|poi| exits.contains(poi)))
        .unwrap_or(&walk.points[0]);
    let cut: HashSet<String> = router.cut_off_from(&root.id, false).into_iter().collect();
    for p in walk.points.iter().filter(|p| cut.contains(&p.id)) {
        let what = match &p.poi_id {
            Some(poi) => format!("place \"{poi}\" (walk point {})", p.id),
            None => format!("walk point {}", p.id),
        };
        problems.push((
            "walk".into(),
            format!("{what} cannot be reached from \"{}\", or has no way back: link it", root.id),
        ));
    }
    problems
}

/// What is wrong with one poll on its own (its kind, options, scale, quiz answer, window), in
/// the organizer's words: for event files and for polls made on the spot alike.
pub fn poll_problems(p: &elements_protocol::event::Poll) -> Vec<String> {
    let mut problems: Vec<String> = Vec::new();
    if p.kind.has_options() && p.options.len() < 2 {
        problems.push(format!("a {} poll needs at least two options", p.kind.as_str().replace('_', " ")));
    }
    if !p.kind.has_options() && !p.options.is_empty() {
        problems.push(format!("a {} poll has no options; leave `options` empty", p.kind.as_str().replace('_', " ")));
    }
    let mut ids = std::collections::BTreeSet::new();
    if let Some(o) = p.options.iter().find(|o| !ids.insert(o.id.as_str())) {
        problems.push(format!("option \"{}\" appears twice", o.id));
    }
    if let Some(max) = p.max_choices {
        if p.kind != PollKind::MultipleChoice {
            problems.push("`max_choices` is for multiple_choice polls".into());
        } else if max == 0 || max as usize > p.options.len() {
            problems
                .push(format!("`max_choices` is {max}; it must be 1 to the number of options ({})", p.options.len()));
        }
    }
    if let Some(scale) = p.scale {
        if p.kind != PollKind::Rating {
            problems.push("`scale` is for rating polls".into());
        } else if scale.min > 1 || scale.max <= scale.min || scale.max > 10 {
            problems.push(format!(
                "the scale {}–{} is not one a person can rate on: use 0 or 1 up to at most 10",
                scale.min, scale.max
            ));
        }
    }
    if p.timer_seconds.is_some() && p.kind != PollKind::Quiz {
        problems.push("`timer_seconds` is for quiz polls".into());
    }
    if p.timer_seconds == Some(0) {
        problems.push("`timer_seconds` is 0: nobody could answer; leave it out for no timer".into());
    }
    match (&p.correct_option_id, p.kind) {
        (Some(c), PollKind::Quiz) if !p.options.iter().any(|o| o.id == *c) => {
            problems.push(format!("the correct option \"{c}\" is not one of the poll's options"))
        }
        (None, PollKind::Quiz) => problems.push("a quiz needs its `correct_option_id`".into()),
        (Some(_), kind) if kind != PollKind::Quiz => problems.push("`correct_option_id` is for quiz polls".into()),
        _ => {}
    }
    if p.closes_at <= p.opens_at {
        problems.push("closes before it opens".into());
    }
    if p.question.trim().is_empty() || p.question.chars().count() > MAX_QUESTION {
        problems.push(format!("the question is 1 to {MAX_QUESTION} characters"));
    }
    if let Some(o) = p.options.iter().find(|o| o.label.trim().is_empty() || o.label.chars().count() > MAX_OPTION) {
        problems.push(format!("option \"{}\" needs a label of 1 to {MAX_OPTION} characters", o.id));
    }
    if p.options.len() > MAX_OPTIONS {
        problems.push(format!("{} options; a poll has at most {MAX_OPTIONS}", p.options.len()));
    }
    problems
}

/// Longest poll question, in characters (a screen's worth).
pub const MAX_QUESTION: usize = 300;
/// Longest option label, in characters.
pub const MAX_OPTION: usize = 120;
/// Most options a poll offers.
pub const MAX_OPTIONS: usize = 20;
