//! The analytics Element on the organizer's tablet: the venue hour by hour on its floor plans
//! (a time slider), activity over the day, sessions and how they held their audiences, where
//! audiences went next, quest funnels. Figures the backend withheld (fewer than five people)
//! show as "—".

use elements_protocol::analytics::AnalyticsReport;
use elements_protocol::app::{AnalyticsView, FloorOutline, GetAnalytics};

use super::*;

fn shown(v: Option<u64>) -> String {
    v.map_or_else(|| "—".to_string(), |n| n.to_string())
}

#[component]
pub(super) fn AnalyticsPane() -> impl IntoView {
    let view = load::<GetAnalytics>(|| NoArgs {}).refresh_on(Changed::Sync);
    let hour = RwSignal::new(None::<usize>);
    move || {
        show_loading(view.state.get(), move |v: AnalyticsView| {
            let Some(report) = v.report.clone() else {
                let why = if v.is_organizer { t!("analytics-none-yet") } else { t!("analytics-organizers-only") };
                return view! { <div class="panel"><p class="muted" data-testid="analytics-empty">{why}</p></div> }
                    .into_any();
            };
            let last = report.hours.len().saturating_sub(1);
            // The busiest hour first: where the slider starts.
            let busiest =
                report.activity_by_hour.iter().enumerate().max_by_key(|(_, n)| n.unwrap_or(0)).map_or(0, |(i, _)| i);
            let at = move || hour.get().unwrap_or(busiest).min(last);
            let hours = report.hours.clone();
            let report_for_map = report.clone();
            let floors = v.floors.clone();
            view! {
                <div class="analytics" data-testid="analytics">
                    <div class="panel">
                        <h2>{t!("analytics-title")}</h2>
                        <p class="muted" data-testid="analytics-counted">
                            {t!("analytics-counted", time = crate::i18n::time_of(&report.counted_at), people = shown(report.people))}
                            {v.offline.then(|| view! { " · " <span class="chip warn">{t!("analytics-offline")}</span> })}
                        </p>
                        <p class="muted small">{t!("analytics-privacy")}</p>
                    </div>
                    <div class="panel">
                        <h2>{t!("analytics-venue")}</h2>
                        <label class="field analytics-slider">
                            <span>{move || hours.get(at()).map(|h| crate::i18n::time_of(h)).unwrap_or_default()}</span>
                            <input type="range" min="0" max=last.to_string() data-testid="analytics-hour"
                                prop:value=move || at().to_string()
                                on:input=move |ev| hour.set(event_target_value(&ev).parse().ok()) />
                        </label>
                        {floors.into_iter().map(|f| floor_heat(f, report_for_map.clone(), at)).collect_view()}
                    </div>
                    <div class="panel">
                        <h2>{t!("analytics-activity")}</h2>
                        {bars(&report.activity_by_hour, &report.hours)}
                        {report.engagement_by_hour.iter().any(Option::is_some).then(|| view! {
                            <h3>{t!("analytics-engagement")}</h3>
                            {tenths_bars(&report.engagement_by_hour, &report.hours)}
                        })}
                    </div>
                    <div class="panel">
                        <h2>{t!("analytics-sessions")}</h2>
                        {sessions_table(&report)}
                    </div>
                    <div class="panel">
                        <h2>{t!("analytics-flows")}</h2>
                        {if report.flows.is_empty() {
                            view! { <p class="muted">{t!("analytics-flows-none")}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="analytics-flows" data-testid="analytics-flows">
                                    {report.flows.iter().take(10).map(|f| view! {
                                        <li><span>{f.from.clone()}</span><span class="arrow">"→"</span><span>{f.to.clone()}</span>
                                            <strong>{f.people}</strong></li>
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    </div>
                    <div class="panel">
                        <h2>{t!("analytics-routes")}</h2>
                        {if report.routes.is_empty() {
                            view! { <p class="muted">{t!("analytics-routes-none")}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="analytics-flows" data-testid="analytics-routes">
                                    {report.routes.iter().take(10).map(|r| view! {
                                        <li data-testid="analytics-route" data-people=r.people.to_string()>
                                            <span>{r.from.clone().unwrap_or_else(|| t!("analytics-route-from-spot"))}</span>
                                            <span class="arrow">"→"</span><span>{r.to.clone()}</span>
                                            <strong>{r.people}</strong></li>
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    </div>
                    {(!report.funnels.is_empty()).then(|| view! {
                        <div class="panel">
                            <h2>{t!("analytics-funnels")}</h2>
                            {report.funnels.iter().map(|f| view! {
                                <h3>{f.quest.clone()}</h3>
                                {bars(&f.steps, &(1..=f.steps.len()).map(|n| n.to_string()).collect::<Vec<_>>())}
                            }).collect_view()}
                        </div>
                    })}
                </div>
            }
            .into_any()
        })
    }
}

/// A floor with its places as circles as large as the people there at the slider's hour.
fn floor_heat(
    floor: FloorOutline,
    report: AnalyticsReport,
    at: impl Fn() -> usize + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let places: Vec<_> = report
        .places_by_hour
        .iter()
        .filter(|p| p.floor_id.as_deref() == Some(floor.id.as_str()) && p.x.is_some() && p.y.is_some())
        .cloned()
        .collect();
    let max = places.iter().flat_map(|p| p.hours.iter().flatten()).copied().max().unwrap_or(1).max(1);
    let (w, h) = (floor.width.max(1), floor.height.max(1));
    let unit = (w.min(h) as f64) / 14.0;
    (!places.is_empty()).then(|| {
        view! {
            <figure class="analytics-floor" data-testid="analytics-floor" data-floor=floor.id.clone()>
                <svg viewBox=format!("0 0 {w} {h}") role="img" aria-label=floor.name.clone()>
                    <rect x="0" y="0" width=w.to_string() height=h.to_string() class="floor"></rect>
                    {floor.plan_svg.clone().map(|path| view! {
                        <image href=crate::elements::map::plan_url(&path) x="0" y="0" width=w.to_string()
                            height=h.to_string() preserveAspectRatio="none" opacity="0.55" />
                    })}
                    {move || {
                        let hour = at();
                        // Only the busiest few are named on the plan; every spot says its count on hover.
                        let mut ranked: Vec<(usize, u64)> = places
                            .iter()
                            .enumerate()
                            .filter_map(|(i, p)| Some((i, p.hours.get(hour).copied().flatten()?)))
                            .collect();
                        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                        let named: Vec<usize> = ranked.iter().take(3).map(|(i, _)| *i).collect();
                        places.iter().enumerate().map(|(i, p)| {
                            let n = p.hours.get(hour).copied().flatten();
                            let r = n.map_or(unit * 0.12, |n| unit * (0.15 + 0.6 * (n as f64 / max as f64).sqrt()));
                            let (x, y) = (p.x.unwrap_or(0), p.y.unwrap_or(0));
                            let label = format!("{} · {}", p.name, shown(n));
                            let named = named.contains(&i);
                            view! {
                                <g data-testid="analytics-place" data-people=shown(n)>
                                    <circle cx=x.to_string() cy=y.to_string() r=format!("{r:.1}") class:withheld=n.is_none() class="spot">
                                        <title>{label.clone()}</title>
                                    </circle>
                                    {named.then(|| view! {
                                        <text x=x.to_string() y=format!("{:.1}", y as f64 - r - unit * 0.1) class="spot-label"
                                            font-size=format!("{:.1}", unit * 0.3)>{label}</text>
                                    })}
                                </g>
                            }
                        }).collect_view()
                    }}
                </svg>
                <figcaption class="muted">{floor.name.clone()}</figcaption>
            </figure>
        }
    })
}

/// Bars of a figure in tenths per hour (engagement per person), labelled with their value.
fn tenths_bars(values: &[Option<f64>], labels: &[String]) -> impl IntoView {
    let scaled: Vec<Option<u64>> = values.iter().map(|v| v.map(|v| (v * 10.0).round().max(0.0) as u64)).collect();
    let max = scaled.iter().flatten().copied().max().unwrap_or(1).max(1);
    let n = values.len().max(1) as f64;
    view! {
        <svg viewBox="0 0 600 140" class="analytics-bars" role="img">
            {values.iter().zip(&scaled).enumerate().map(|(i, (v, tenths))| {
                let x = 600.0 * i as f64 / n;
                let bw = (600.0 / n - 3.0).max(1.0);
                let label = labels.get(i).map(|l| crate::i18n::time_of(l).chars().take(2).collect::<String>()).unwrap_or_default();
                let bh = tenths.map_or(0.0, |t| 100.0 * t as f64 / max as f64);
                let text = v.map_or("—".to_string(), |v| crate::i18n::decimal(v, 1));
                view! {
                    <g>
                        <rect x=format!("{x:.1}") y=format!("{:.1}", 115.0 - bh) width=format!("{bw:.1}") height=format!("{bh:.1}") class="bar alt"></rect>
                        <text x=format!("{:.1}", x + bw / 2.0) y=format!("{:.1}", 111.0 - bh) class="axis">{text}</text>
                        <text x=format!("{:.1}", x + bw / 2.0) y="132" class="axis">{label}</text>
                    </g>
                }
            }).collect_view()}
        </svg>
    }
}

/// Bars of a figure per column (hours, or a funnel's steps).
fn bars(values: &[Option<u64>], labels: &[String]) -> impl IntoView {
    let max = values.iter().flatten().copied().max().unwrap_or(1).max(1);
    let n = values.len().max(1) as f64;
    view! {
        <svg viewBox="0 0 600 140" class="analytics-bars" role="img">
            {values.iter().enumerate().map(|(i, v)| {
                let x = 600.0 * i as f64 / n;
                let bw = (600.0 / n - 3.0).max(1.0);
                let label = labels.get(i).map(|l| if l.len() > 11 { crate::i18n::time_of(l)[..2].to_string() } else { l.clone() }).unwrap_or_default();
                match v {
                    Some(v) => {
                        let bh = 110.0 * *v as f64 / max as f64;
                        view! {
                            <g>
                                <rect x=format!("{x:.1}") y=format!("{:.1}", 115.0 - bh) width=format!("{bw:.1}") height=format!("{bh:.1}") class="bar"><title>{v.to_string()}</title></rect>
                                <text x=format!("{:.1}", x + bw / 2.0) y="132" class="axis">{label}</text>
                            </g>
                        }.into_any()
                    }
                    None => view! {
                        <g><text x=format!("{:.1}", x + bw / 2.0) y="110" class="axis">"—"</text>
                           <text x=format!("{:.1}", x + bw / 2.0) y="132" class="axis">{label}</text></g>
                    }.into_any(),
                }
            }).collect_view()}
        </svg>
    }
}

fn sessions_table(report: &AnalyticsReport) -> impl IntoView {
    let mut sessions = report.sessions.clone();
    sessions.sort_by(|a, b| b.attendees.cmp(&a.attendees).then(a.starts_at.cmp(&b.starts_at)));
    view! {
        <table class="analytics-sessions" data-testid="analytics-sessions">
            <thead><tr>
                <th>{t!("analytics-session")}</th><th>{t!("analytics-attendees")}</th>
                <th>{t!("analytics-held")}</th><th>{t!("analytics-answers")}</th>
                <th>{t!("analytics-per-attendee")}</th>
            </tr></thead>
            <tbody>
                {sessions.into_iter().take(15).map(|s| view! {
                    <tr data-testid="analytics-session" data-session=s.id.clone() data-attendees=shown(s.attendees)>
                        <td><strong>{s.title.clone()}</strong><br/><span class="muted">{format!("{} · {}", crate::i18n::time_of(&s.starts_at), s.room)}</span></td>
                        <td class="n">{shown(s.attendees)}</td>
                        <td class="n">{s.held_percent.map_or("—".to_string(), |p| format!("{p} %"))}</td>
                        <td class="n">{shown(s.answers)}</td>
                        <td class="n">{s.per_attendee.map_or("—".to_string(), |v| crate::i18n::decimal(v, 1))}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
