//! The analytics taken home: a CSV per figure and one HTML report with its charts as inline SVG
//! (no script, no font, no image from anywhere else: it opens offline, in any browser). A
//! withheld figure is written as "—" in both, never as its value.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use elements_import::roster::spreadsheet_safe;

use super::privacy::{Guarded, MIN_PEOPLE};
use super::Analytics;

const WITHHELD: &str = "—";

/// A route asked from where someone stood, not from a place.
const FROM_A_SPOT: &str = "(from where they stood)";

/// The venue as the report draws it: each floor with its plan as the backend serves it, and
/// where each place is.
#[derive(Debug, Default)]
pub struct Venue {
    pub floors: Vec<(elements_protocol::event::Floor, Option<crate::store::FloorPlan>)>,
    pub spots: std::collections::HashMap<String, (String, u32, u32)>,
}

impl Venue {
    /// The venue of `event`, with each floor's plan from `plan` (none where it has none).
    pub fn of(
        event: &elements_protocol::event::EventBundle,
        mut plan: impl FnMut(&str) -> Option<crate::store::FloorPlan>,
    ) -> Venue {
        Venue {
            floors: event.floors.iter().map(|f| (f.clone(), plan(&f.id))).collect(),
            spots: event.points_of_interest.iter().map(|p| (p.id.clone(), (p.floor_id.clone(), p.x, p.y))).collect(),
        }
    }
}

// Charts carry their colours as attributes, not classes: they look the same printed, pasted
// into a slide, or opened by a viewer that ignores the page's style.
const AXIS: &str = "font-size=\"10\" fill=\"#5b6b77\" text-anchor=\"middle\"";
const MUTED_MIDDLE: &str = "font-size=\"12\" fill=\"#8a99a5\" text-anchor=\"middle\"";

fn cell<T: std::fmt::Display>(g: &Guarded<T>) -> String {
    g.value().map_or_else(|| WITHHELD.to_string(), |v| v.to_string())
}

fn csv_file(rows: Vec<Vec<String>>) -> Result<Vec<u8>, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in rows {
        w.write_record(row.iter().map(|c| spreadsheet_safe(c).into_owned())).map_err(|e| e.to_string())?;
    }
    w.into_inner().map_err(|e| e.to_string())
}

/// The CSV files: (file name, contents).
pub fn csv_files(a: &Analytics) -> Result<Vec<(&'static str, Vec<u8>)>, String> {
    let hour_header = |first: &str| {
        std::iter::once(first.to_string())
            .chain(a.hours.iter().map(|h| h.format("%Y-%m-%d %H:00").to_string()))
            .collect()
    };
    let mut sessions = vec![[
        "session",
        "title",
        "room",
        "starts_at",
        "attendees",
        "held_percent",
        "answers",
        "questions",
        "upvotes",
        "engaged_people",
        "acts_per_attendee",
    ]
    .map(String::from)
    .to_vec()];
    for s in &a.sessions {
        let e = s.engagement.value();
        sessions.push(vec![
            s.id.clone(),
            s.title.clone(),
            s.room.clone(),
            s.starts_at.to_rfc3339(),
            cell(&s.attendees),
            cell(&s.held),
            e.map_or(WITHHELD.into(), |e| e.answers.to_string()),
            e.map_or(WITHHELD.into(), |e| e.questions.to_string()),
            e.map_or(WITHHELD.into(), |e| e.upvotes.to_string()),
            s.engagement.people().map_or(WITHHELD.into(), |n| n.to_string()),
            s.per_attendee().map_or(WITHHELD.into(), |v| format!("{v:.1}")),
        ]);
    }
    let table = |first: &str, rows: &[super::Row]| -> Vec<Vec<String>> {
        let mut header: Vec<String> = hour_header(first);
        header.push("all_day".into());
        std::iter::once(header)
            .chain(rows.iter().map(|r| {
                std::iter::once(r.name.clone()).chain(r.hours.iter().map(cell)).chain([cell(&r.all_day)]).collect()
            }))
            .collect()
    };
    let mut flows = vec![vec!["from".to_string(), "to".into(), "people".into()]];
    flows.extend(a.flows.iter().map(|f| vec![f.from.clone(), f.to.clone(), cell(&f.people)]));
    let mut routes = vec![vec!["from".to_string(), "to".into(), "people".into()]];
    routes.extend(
        a.routes
            .iter()
            .map(|r| vec![r.from.clone().unwrap_or_else(|| FROM_A_SPOT.into()), r.to.clone(), cell(&r.people)]),
    );
    let mut activity = vec![vec!["hour".to_string(), "active_people".into(), "acts_per_active_person".into()]];
    activity.extend(a.hours.iter().zip(&a.activity_by_hour).zip(&a.engagement_by_hour).map(|((h, g), e)| {
        vec![h.format("%Y-%m-%d %H:00").to_string(), cell(g), e.map_or(WITHHELD.into(), |v| format!("{v:.1}"))]
    }));
    let mut funnels = vec![vec!["quest".to_string(), "checkpoints_at_least".into(), "people".into()]];
    for f in &a.funnels {
        for (i, g) in f.steps.iter().enumerate() {
            funnels.push(vec![f.quest.clone(), (i + 1).to_string(), cell(g)]);
        }
    }
    Ok(vec![
        ("sessions.csv", csv_file(sessions)?),
        ("rooms_by_hour.csv", csv_file(table("room", &a.rooms_by_hour))?),
        ("places_by_hour.csv", csv_file(table("place", &a.places_by_hour))?),
        ("flows.csv", csv_file(flows)?),
        ("routes_asked.csv", csv_file(routes)?),
        ("activity_by_hour.csv", csv_file(activity)?),
        ("quest_funnels.csv", csv_file(funnels)?),
    ])
}

use crate::escape_html as esc;

/// "—" at the foot of a bar that is withheld, centred on `x`, in a chart `h` high.
fn withheld_mark(x: f64, h: f64) -> String {
    format!("<text x=\"{x:.1}\" y=\"{:.1}\" {MUTED_MIDDLE}>—</text>", h - 4.0)
}

/// The hour of column `i` under a chart `h` high, centred on `x` (every third past two days).
fn hour_label(a: &Analytics, i: usize, x: f64, h: f64) -> String {
    match a.hours.get(i).filter(|_| a.hours.len() <= 48 || i % 3 == 0) {
        Some(hour) => format!("<text x=\"{x:.1}\" y=\"{:.1}\" {AXIS}>{}</text>", h + 16.0, hour.format("%H")),
        None => String::new(),
    }
}

/// Bars of a figure per hour, as SVG.
fn hour_bars(a: &Analytics, values: &[Guarded<usize>], label: &str) -> String {
    let max = values.iter().filter_map(|g| g.value().copied()).max().unwrap_or(0).max(1);
    let (w, h, pad) = (760.0_f32, 180.0_f32, 28.0_f32);
    let step = (w - pad) / values.len().max(1) as f32;
    let mut svg =
        format!("<svg viewBox=\"0 0 {w} {}\" role=\"img\" aria-label=\"{}\" class=\"chart\">", h + 24.0, esc(label));
    for (i, g) in values.iter().enumerate() {
        let x = pad + i as f32 * step;
        match g.value() {
            Some(v) => {
                let bh = (*v as f32 / max as f32) * (h - 10.0);
                let _ = write!(
                    svg,
                    "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"#0b536f\"><title>{v}</title></rect>",
                    h - bh,
                    (step - 3.0).max(1.0)
                );
            }
            None => svg.push_str(&withheld_mark(f64::from(x + step / 2.0), f64::from(h))),
        }
        svg.push_str(&hour_label(a, i, f64::from(x + step / 2.0), f64::from(h)));
    }
    let _ = write!(svg, "<text x=\"0\" y=\"12\" font-size=\"10\" fill=\"#5b6b77\">{max}</text></svg>");
    svg
}

/// An hour-by-hour table as a heat map: darker is more people.
fn heat_map(a: &Analytics, rows: &[super::Row]) -> String {
    let max = rows.iter().flat_map(|r| r.hours.iter().filter_map(|g| g.value().copied())).max().unwrap_or(0).max(1);
    let mut html = String::from("<table class=\"heat\"><thead><tr><th></th>");
    for h in &a.hours {
        let _ = write!(html, "<th>{}</th>", h.format("%H"));
    }
    html.push_str("</tr></thead><tbody>");
    for r in rows {
        let _ = write!(html, "<tr><th>{}</th>", esc(&r.name));
        for g in &r.hours {
            match g.value() {
                Some(v) => {
                    let alpha = 0.12 + 0.88 * (*v as f32 / max as f32);
                    let _ = write!(html, "<td style=\"background:rgba(11,83,111,{alpha:.2})\" title=\"{v}\">{v}</td>");
                }
                None => html.push_str("<td class=\"withheld\">—</td>"),
            }
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table>");
    html
}

/// Where audiences went next, as a Sankey diagram: sessions left, the sessions their people
/// checked in to next right, bands as wide as the people in them (the 12 largest flows).
fn flow_diagram(a: &Analytics) -> String {
    let flows: Vec<(&str, &str, usize)> =
        a.flows.iter().filter_map(|f| Some((f.from.as_str(), f.to.as_str(), *f.people.value()?))).take(12).collect();
    if flows.is_empty() {
        return format!("<p class=\"muted\">No flow of {MIN_PEOPLE} people or more yet.</p>");
    }
    // Nodes in order of their people, largest first, on each side.
    let side = |left_side: bool| {
        let mut nodes: Vec<(String, usize)> = Vec::new();
        for f in &flows {
            let name = if left_side { f.0 } else { f.1 };
            match nodes.iter_mut().find(|(n, _)| n == name) {
                Some(node) => node.1 += f.2,
                None => nodes.push((name.to_string(), f.2)),
            }
        }
        nodes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        nodes
    };
    let (left, right) = (side(true), side(false));
    let total: usize = flows.iter().map(|f| f.2).sum();
    let gap = 10.0_f32;
    let height = 420.0_f32;
    let nodes = left.len().max(right.len()) as f32;
    let unit = (height - gap * (nodes - 1.0).max(0.0)) / total as f32;
    let place = |nodes: &[(String, usize)]| -> Vec<(String, usize, f32)> {
        let mut y = 0.0;
        nodes
            .iter()
            .map(|(n, people)| {
                let at = y;
                y += *people as f32 * unit + gap;
                (n.clone(), *people, at)
            })
            .collect()
    };
    let (left, right) = (place(&left), place(&right));
    let (x0, x1, w) = (250.0_f32, 510.0_f32, 760.0_f32);
    let mut svg = format!(
        "<svg viewBox=\"0 -4 {w} {}\" role=\"img\" aria-label=\"Where audiences went next\" class=\"chart\">",
        height + 8.0
    );
    let mut out_at: Vec<f32> = left.iter().map(|n| n.2).collect();
    let mut in_at: Vec<f32> = right.iter().map(|n| n.2).collect();
    for (from, to, people) in &flows {
        let (Some(l), Some(r)) = (left.iter().position(|n| n.0 == *from), right.iter().position(|n| n.0 == *to)) else {
            continue;
        };
        let band = *people as f32 * unit;
        let (ly, ry) = (out_at[l], in_at[r]);
        out_at[l] += band;
        in_at[r] += band;
        let xm = (x0 + x1) / 2.0;
        let _ = write!(
            svg,
            "<path d=\"M{x0},{ly:.1} C{xm},{ly:.1} {xm},{ry:.1} {x1},{ry:.1} L{x1},{:.1} C{xm},{:.1} {xm},{:.1} {x0},{:.1} Z\" \
             fill=\"#0b536f\" fill-opacity=\"0.32\"><title>{} → {}: {people}</title></path>",
            ry + band,
            ry + band,
            ly + band,
            ly + band,
            esc(from),
            esc(to),
        );
    }
    for (nodes, x, anchor, dx) in [(&left, x0 - 8.0, "end", -6.0), (&right, x1, "start", 14.0)] {
        for (name, people, y) in nodes.iter() {
            let h = *people as f32 * unit;
            let _ = write!(
                svg,
                "<rect x=\"{x}\" y=\"{y:.1}\" width=\"8\" height=\"{h:.1}\" fill=\"#0b536f\"></rect>\
                 <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"{anchor}\" fill=\"#14212b\">{} ({people})</text>",
                x + dx,
                y + h / 2.0 + 4.0,
                esc(&truncate(name, 30)),
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

/// The self-contained HTML report.
pub fn html(a: &Analytics, venue: &Venue) -> String {
    let mut body = String::new();
    let _ = write!(
        body,
        "<h1>{}</h1><p class=\"muted\">What the event's signals say, in aggregate: {} people took part. Figures from fewer than {MIN_PEOPLE} people are withheld (—); no person's own trail is in this report.</p>",
        esc(&a.event),
        cell(&a.people)
    );
    body.push_str(
        "<h2>Activity over the day</h2><p class=\"muted\">People who did anything in the app, hour by hour.</p>",
    );
    body.push_str(&hour_bars(a, &a.activity_by_hour, "People active per hour"));
    body.push_str(
        "<h3>Engagement per person active</h3><p class=\"muted\">Answers, questions, upvotes and quest steps per person active in the hour.</p>",
    );
    body.push_str(&engagement_bars(a));
    body.push_str("<h2>Sessions</h2><table><thead><tr><th>Session</th><th>Room</th><th>Starts</th><th>Attendees</th><th>Held its audience</th><th>Answers · questions · upvotes</th><th>Per attendee</th></tr></thead><tbody>");
    for s in &a.sessions {
        let e = s
            .engagement
            .value()
            .map_or(WITHHELD.into(), |e| format!("{} · {} · {}", e.answers, e.questions, e.upvotes));
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&s.title),
            esc(&s.room),
            s.starts_at.format("%a %H:%M"),
            cell(&s.attendees),
            s.held.value().map_or(WITHHELD.into(), |v| format!("{v} %")),
            esc(&e),
            s.per_attendee().map_or(WITHHELD.into(), |v| format!("{v:.1}")),
        );
    }
    body.push_str("</tbody></table>");
    body.push_str("<h2>Where audiences went next</h2>");
    body.push_str(&flow_diagram(a));
    body.push_str("<h2>Routes asked for on the map</h2>");
    if a.routes.is_empty() {
        let _ = write!(body, "<p class=\"muted\">No route asked for by {MIN_PEOPLE} people or more.</p>");
    } else {
        body.push_str("<table><thead><tr><th>From</th><th>To</th><th>People</th></tr></thead><tbody>");
        for r in &a.routes {
            let _ = write!(
                body,
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td></tr>",
                esc(r.from.as_deref().unwrap_or(FROM_A_SPOT)),
                esc(&r.to),
                cell(&r.people)
            );
        }
        body.push_str("</tbody></table>");
    }
    body.push_str("<h2>Rooms, hour by hour</h2><p class=\"muted\">People checked in to a session in the room.</p>");
    body.push_str(&heat_map(a, &a.rooms_by_hour));
    body.push_str("<h2>The venue over the event</h2><p class=\"muted\">People at each place over the whole event (doors, booth visits, quest checkpoints): the larger the circle, the more people.</p>");
    for (floor, plan) in &venue.floors {
        body.push_str(&floor_heat(a, floor, plan.as_ref(), &venue.spots));
    }
    body.push_str("<h2>The venue, hour by hour</h2><p class=\"muted\">People at each place: doors, booth visits, quest checkpoints.</p>");
    body.push_str(&heat_map(a, &a.places_by_hour));
    body.push_str("<h2>Quests</h2>");
    for f in &a.funnels {
        let _ = write!(body, "<h3>{}</h3><p class=\"muted\">People with at least n checkpoints.</p>", esc(&f.quest));
        body.push_str(&hour_like_bars(&f.steps));
    }
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>{} — report</title><style>{STYLE}</style></head><body>{body}</body></html>",
        esc(&a.event)
    )
}

/// Engagement per person active, hour by hour, as bars labelled with their value.
fn engagement_bars(a: &Analytics) -> String {
    let max = a.engagement_by_hour.iter().flatten().copied().fold(0.0_f64, f64::max).max(0.1);
    let (w, h, pad) = (760.0_f64, 120.0_f64, 28.0_f64);
    let step = (w - pad) / a.engagement_by_hour.len().max(1) as f64;
    let mut svg = format!(
        "<svg viewBox=\"0 0 {w} {}\" role=\"img\" aria-label=\"Engagement per person active\" class=\"chart\">",
        h + 24.0
    );
    for (i, v) in a.engagement_by_hour.iter().enumerate() {
        let x = pad + i as f64 * step;
        match v {
            Some(v) => {
                let bh = v / max * (h - 16.0);
                let _ = write!(
                    svg,
                    "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"#3d7f4f\"><title>{v:.1}</title></rect>\
                     <text x=\"{:.1}\" y=\"{:.1}\" {AXIS}>{v:.1}</text>",
                    h - bh,
                    (step - 3.0).max(1.0),
                    x + step / 2.0,
                    h - bh - 3.0
                );
            }
            None => svg.push_str(&withheld_mark(x + step / 2.0, h)),
        }
        svg.push_str(&hour_label(a, i, x + step / 2.0, h));
    }
    svg.push_str("</svg>");
    svg
}

/// A floor plan (embedded as a data URI: the report stays one file) with a circle per place,
/// as large as the people seen there over the event; the busiest five are named.
fn floor_heat(
    a: &Analytics,
    floor: &elements_protocol::event::Floor,
    plan: Option<&crate::store::FloorPlan>,
    spots: &std::collections::HashMap<String, (String, u32, u32)>,
) -> String {
    use base64::Engine as _;
    let here: Vec<(&super::Row, u32, u32)> = a
        .places_by_hour
        .iter()
        .filter_map(|r| match spots.get(&r.id) {
            Some((f, x, y)) if *f == floor.id => Some((r, *x, *y)),
            _ => None,
        })
        .collect();
    if here.is_empty() {
        return String::new();
    }
    let (w, h) = (floor.width.max(1), floor.height.max(1));
    let unit = f64::from(w.min(h)) / 14.0;
    let max = here.iter().filter_map(|(r, _, _)| r.all_day.value().copied()).max().unwrap_or(1).max(1);
    let mut svg = format!(
        "<figure class=\"floor\"><svg viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\" class=\"chart\">\
         <rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#f4f7f9\"></rect>",
        esc(&floor.name)
    );
    // Only image types a browser draws from a data URI; anything else leaves the outline.
    if let Some(plan) = plan.filter(|p| ["image/svg+xml", "image/png", "image/jpeg"].contains(&p.content_type.as_str()))
    {
        let _ = write!(
            svg,
            "<image href=\"data:{};base64,{}\" x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" preserveAspectRatio=\"none\" opacity=\"0.55\"></image>",
            plan.content_type,
            base64::engine::general_purpose::STANDARD.encode(&plan.bytes)
        );
    }
    let mut ranked: Vec<&(&super::Row, u32, u32)> =
        here.iter().filter(|(r, _, _)| r.all_day.value().is_some()).collect();
    ranked.sort_by(|a, b| b.0.all_day.value().cmp(&a.0.all_day.value()).then(a.0.name.cmp(&b.0.name)));
    ranked.truncate(5);
    for (r, x, y) in &here {
        let n = r.all_day.value().copied();
        let radius = n.map_or(unit * 0.12, |n| unit * (0.15 + 0.6 * (n as f64 / max as f64).sqrt()));
        let fill = if n.is_some() { "#0b536f\" fill-opacity=\"0.55" } else { "#8a99a5\" fill-opacity=\"0.5" };
        let count = n.map_or(WITHHELD.to_string(), |n| n.to_string());
        let _ = write!(
            svg,
            "<circle cx=\"{x}\" cy=\"{y}\" r=\"{radius:.1}\" fill=\"{fill}\"><title>{}: {count}</title></circle>",
            esc(&r.name)
        );
        // The busiest are numbered on the plan and named below it: names on a crowded plan
        // would cover each other.
        if let Some(rank) = ranked.iter().position(|(top, _, _)| std::ptr::eq(*top, *r)) {
            let _ = write!(
                svg,
                "<text x=\"{x}\" y=\"{:.1}\" font-size=\"{:.1}\" font-weight=\"700\" text-anchor=\"middle\" fill=\"#fff\">{}</text>",
                f64::from(*y) + unit * 0.14,
                unit * 0.4,
                rank + 1
            );
        }
    }
    svg.push_str("</svg>");
    if !ranked.is_empty() {
        svg.push_str("<ol class=\"busiest\">");
        for (r, _, _) in &ranked {
            let _ = write!(svg, "<li>{} <span class=\"muted\">{}</span></li>", esc(&r.name), cell(&r.all_day));
        }
        svg.push_str("</ol>");
    }
    let _ = write!(svg, "<figcaption class=\"muted\">{}</figcaption></figure>", esc(&floor.name));
    svg
}

/// Bars for a funnel: one per step, labelled 1…n.
fn hour_like_bars(steps: &[Guarded<usize>]) -> String {
    let max = steps.iter().filter_map(|g| g.value().copied()).max().unwrap_or(0).max(1);
    let mut svg = format!(
        "<svg viewBox=\"0 0 760 {}\" class=\"chart\" role=\"img\" aria-label=\"Quest funnel\">",
        26 * steps.len() + 4
    );
    for (i, g) in steps.iter().enumerate() {
        let y = 4 + 26 * i;
        let _ = write!(svg, "<text x=\"0\" y=\"{}\" font-size=\"11\" fill=\"#5b6b77\">{}</text>", y + 15, i + 1);
        match g.value() {
            Some(v) => {
                let w = 700.0 * *v as f32 / max as f32;
                let _ = write!(svg, "<rect x=\"24\" y=\"{y}\" width=\"{w:.1}\" height=\"20\" fill=\"#0b536f\"></rect><text x=\"{:.1}\" y=\"{}\" font-size=\"11\" fill=\"#5b6b77\">{v}</text>", 28.0 + w, y + 15);
            }
            None => {
                let _ = write!(svg, "<text x=\"28\" y=\"{}\" font-size=\"11\" fill=\"#8a99a5\">—</text>", y + 15);
            }
        }
    }
    svg.push_str("</svg>");
    svg
}

const STYLE: &str = "body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#14212b}\
h1{margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid #d5dde3;padding-bottom:.3rem}.muted{color:#5b6b77}\
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{padding:.3rem .5rem;border-bottom:1px solid #e6ebef;text-align:left}\
td.n{text-align:right;font-variant-numeric:tabular-nums}.heat td{text-align:center;color:#fff;min-width:1.6rem}\
.heat td.withheld,.withheld{color:#8a99a5;fill:#8a99a5;background:none;text-anchor:middle}.chart{width:100%;height:auto}figure.floor{margin:1rem 0}ol.busiest{columns:2;margin:.5rem 0;padding-left:1.5rem}\
.bar{fill:#0b536f}.axis{font-size:10px;fill:#5b6b77;text-anchor:middle}.flow{fill:none;stroke:#0b536f;stroke-opacity:.45}\
.from{font-size:12px;text-anchor:end;fill:#14212b}.to{font-size:12px;fill:#14212b}.count{font-size:11px;text-anchor:middle;fill:#0b536f}";

/// Writes the report into `dir` (made if missing): the CSV files and `report.html`. Answers the
/// files written.
pub fn write(a: &Analytics, venue: &Venue, dir: &Path) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
    let mut written = Vec::new();
    for (name, bytes) in csv_files(a)?.into_iter().chain([("report.html", html(a, venue).into_bytes())]) {
        let path = dir.join(name);
        std::fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}
