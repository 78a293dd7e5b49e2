//! The analytics taken home: a CSV per figure and one HTML report with its charts as inline SVG
//! (no script, no font, no image from anywhere else: it opens offline, in any browser). A
//! withheld figure is written as "—" in both, never as its value.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use elements_import::roster::spreadsheet_safe;

use super::privacy::{Guarded, MIN_PEOPLE};
use super::Analytics;

const WITHHELD: &str = "—";

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
        ]);
    }
    let table = |first: &str, rows: &[super::Row]| -> Vec<Vec<String>> {
        std::iter::once(hour_header(first))
            .chain(rows.iter().map(|r| std::iter::once(r.name.clone()).chain(r.hours.iter().map(cell)).collect()))
            .collect()
    };
    let mut flows = vec![vec!["from".to_string(), "to".into(), "people".into()]];
    flows.extend(a.flows.iter().map(|f| vec![f.from.clone(), f.to.clone(), cell(&f.people)]));
    let mut activity = vec![vec!["hour".to_string(), "active_people".into()]];
    activity.extend(
        a.hours.iter().zip(&a.activity_by_hour).map(|(h, g)| vec![h.format("%Y-%m-%d %H:00").to_string(), cell(g)]),
    );
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
        ("activity_by_hour.csv", csv_file(activity)?),
        ("quest_funnels.csv", csv_file(funnels)?),
    ])
}

use crate::escape_html as esc;

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
            None => {
                let _ = write!(svg, "<text x=\"{:.1}\" y=\"{:.1}\" {MUTED_MIDDLE}>—</text>", x + step / 2.0, h - 4.0);
            }
        }
        if a.hours.len() <= 48 || i % 3 == 0 {
            if let Some(hour) = a.hours.get(i) {
                let _ = write!(
                    svg,
                    "<text x=\"{:.1}\" y=\"{:.1}\" {AXIS}>{}</text>",
                    x + step / 2.0,
                    h + 16.0,
                    hour.format("%H")
                );
            }
        }
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
pub fn html(a: &Analytics) -> String {
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
    body.push_str("<h2>Sessions</h2><table><thead><tr><th>Session</th><th>Room</th><th>Starts</th><th>Attendees</th><th>Held its audience</th><th>Answers · questions · upvotes</th></tr></thead><tbody>");
    for s in &a.sessions {
        let e = s
            .engagement
            .value()
            .map_or(WITHHELD.into(), |e| format!("{} · {} · {}", e.answers, e.questions, e.upvotes));
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&s.title),
            esc(&s.room),
            s.starts_at.format("%a %H:%M"),
            cell(&s.attendees),
            s.held.value().map_or(WITHHELD.into(), |v| format!("{v} %")),
            esc(&e)
        );
    }
    body.push_str("</tbody></table>");
    body.push_str("<h2>Where audiences went next</h2>");
    body.push_str(&flow_diagram(a));
    body.push_str("<h2>Rooms, hour by hour</h2><p class=\"muted\">People checked in to a session in the room.</p>");
    body.push_str(&heat_map(a, &a.rooms_by_hour));
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
.heat td.withheld,.withheld{color:#8a99a5;fill:#8a99a5;background:none;text-anchor:middle}.chart{width:100%;height:auto}\
.bar{fill:#0b536f}.axis{font-size:10px;fill:#5b6b77;text-anchor:middle}.flow{fill:none;stroke:#0b536f;stroke-opacity:.45}\
.from{font-size:12px;text-anchor:end;fill:#14212b}.to{font-size:12px;fill:#14212b}.count{font-size:11px;text-anchor:middle;fill:#0b536f}";

/// Writes the report into `dir` (made if missing): the CSV files and `report.html`. Answers the
/// files written.
pub fn write(a: &Analytics, dir: &Path) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
    let mut written = Vec::new();
    for (name, bytes) in csv_files(a)?.into_iter().chain([("report.html", html(a).into_bytes())]) {
        let path = dir.join(name);
        std::fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}
