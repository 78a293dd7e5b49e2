//! The live picture: check-ins, rooms, polls, booths, the quest funnel, goals; announcements.

use super::*;

/// The organizer's live picture: the goals first (the meanings), then the charts. Reloads
/// when the backend sends a new picture (live stream or feed).
#[component]
pub(super) fn LivePane() -> impl IntoView {
    let picture = load::<GetLivePicture>(|| NoArgs {}).refresh_on(Changed::Element(ElementKind::Staff));
    move || {
        show_loading(picture.state.get(), move |p: LivePictureView| {
            view! {
                <div class="live-picture" data-testid="live-picture" data-known=p.known.to_string()>
                    <p class="muted">
                        {match &p.computed_at {
                            Some(at) => t!("live-computed", time = at.clone(), n = p.attendees),
                            None => t!("live-not-yet"),
                        }}
                    </p>
                    <div class="live-grid">
                        <section class="panel live-goals">
                            <h2>{t!("live-goals")}</h2>
                            {if p.goals.is_empty() {
                                view! { <p class="muted">{t!("live-goals-none")}</p> }.into_any()
                            } else {
                                view! { <ul class="goal-list">{p.goals.iter().cloned().map(goal_row).collect_view()}</ul> }.into_any()
                            }}
                        </section>
                        <AnnouncePanel targets=p.announce_to.clone() />
                        <section class="panel">
                            <h2>{t!("live-checkins")} <span class="muted">{t!("staff-people-in", n = p.checked_in)}</span></h2>
                            {columns(&p.checkins, "live-checkins-chart")}
                        </section>
                        <section class="panel">
                            <h2>{t!("live-rooms")}</h2>
                            {if p.rooms.is_empty() {
                                view! { <p class="muted">{t!("live-rooms-none")}</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="live-bars">
                                        {p.rooms.iter().map(|r| {
                                            let pct = r.capacity.filter(|c| *c > 0).map_or(0.0, |c| (r.checked_in as f64 / c as f64 * 100.0).min(100.0));
                                            view! {
                                                <li>
                                                    <span class="live-bar-label">{r.room.clone()} " " <span class="muted">{r.title.clone()}</span></span>
                                                    <span class="fill"><span class="fill-bar" style=format!("width: {pct:.0}%")></span></span>
                                                    <span class="live-bar-value">{match r.capacity {
                                                        Some(c) => format!("{} / {c}", r.checked_in),
                                                        None => r.checked_in.to_string(),
                                                    }}</span>
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        </section>
                        <section class="panel">
                            <h2>{t!("live-polls")} <span class="muted">{t!("live-voters", n = p.voters)}</span></h2>
                            {bars(&p.polls, "live-polls-chart")}
                        </section>
                        <section class="panel">
                            <h2>{t!("live-booths")}</h2>
                            {bars(&p.booths.iter().take(10).cloned().collect::<Vec<_>>(), "live-booths-chart")}
                        </section>
                        <section class="panel">
                            <h2>{t!("live-quests")}</h2>
                            {p.quests.iter().map(|q| {
                                let steps: Vec<Bar> = q.steps.iter().enumerate()
                                    .map(|(i, n)| Bar { label: t!("live-found", n = i as u32 + 1), value: *n }).collect();
                                view! { <h3 class="live-sub">{q.title.clone()}</h3> {bars(&steps, "live-funnel")} }
                            }).collect_view()}
                        </section>
                        <section class="panel">
                            <h2>{t!("live-rules")}</h2>
                            {bars(&p.rules, "live-rules-chart")}
                            <p class="muted">{t!("live-rewards", n = p.rewards_unlocked, done = p.rewards_redeemed)}</p>
                        </section>
                    </div>
                </div>
            }
            .into_any()
        })
    }
}

/// Sending an announcement: the text and whom it is for; the last ones sent below.
#[component]
pub(super) fn AnnouncePanel(targets: Vec<AnnounceTarget>) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let to = RwSignal::new(0usize);
    let busy = RwSignal::new(false);
    let refused = RwSignal::new(None::<ApiError>);
    let sent = load::<GetAnnouncements>(|| NoArgs {})
        .refresh_on(Changed::Element(ElementKind::Agenda))
        .refresh_on(Changed::Element(ElementKind::Staff));
    let targets = StoredValue::new(targets);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(audience) = targets.with_value(|t| t.get(to.get_untracked()).map(|t| t.audience.clone())) else {
            return;
        };
        busy.set(true);
        refused.set(None);
        let args = AnnounceArgs { text: text.get_untracked(), audience };
        spawn_local(async move {
            match invoke::<Announce>(&args).await {
                Ok(v) => {
                    sent.state.set(Some(Ok(v)));
                    text.set(String::new());
                }
                Err(e) => refused.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let label = |t: &AnnounceTarget| match &t.audience {
        Audience::Everyone => t!("staff-announce-everyone"),
        Audience::Room { .. } => t!("staff-announce-room", place = t.name.clone()),
        Audience::Tag { .. } => t!("staff-announce-tag", name = t.name.clone()),
    };
    view! {
        <form class="panel scan-panel live-announce" data-testid="staff-announce" on:submit=submit>
            <h2>{t!("staff-announce-title")}</h2>
            <textarea data-testid="staff-announce-text" rows="2" maxlength="500" aria-label=move || t!("staff-announce-title")
                prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            <div class="scan-row">
                <select data-testid="staff-announce-to" aria-label=move || t!("staff-announce-to")
                    on:change=move |ev| to.set(event_target_value(&ev).parse().unwrap_or(0))>
                    {targets.with_value(|all| all.iter().enumerate().map(|(i, t)| view! {
                        <option value=i.to_string()>{label(t)}</option>
                    }).collect_view())}
                </select>
                <button class="primary" type="submit" data-testid="staff-announce-send"
                    disabled=move || busy.get() || text.get().trim().is_empty()>{t!("staff-announce-send")}</button>
            </div>
            {move || refused.get().map(|e| view! {
                <p class="refusal" role="alert">{error_sentence(e.code.as_str(), e.reason)}</p>
            })}
            {move || sent.state.get().and_then(Result::ok).map(|all| view! {
                <ul class="recent-list" data-testid="staff-announcements">
                    {all.into_iter().take(3).map(|a| view! {
                        <li>
                            <span class="muted">{a.at}</span>
                            <span>{a.text}</span>
                            <span class="state">{match (a.room, a.tagged) {
                                (Some(room), _) => room,
                                (None, true) => t!("staff-announce-tagged"),
                                (None, false) => t!("staff-announce-everyone"),
                            }}</span>
                        </li>
                    }).collect_view()}
                </ul>
            })}
        </form>
    }
}

pub(super) fn goal_row(g: GoalView) -> impl IntoView {
    view! {
        <li class="goal" class:reached=g.reached data-testid="live-goal" data-goal-id=g.id.clone() data-met=g.met data-percent=g.percent>
            <div class="goal-head">
                <span>{g.name.clone()}</span>
                <strong>{format!("{}%", g.percent)} <span class="muted">{format!(" / {}%", g.target_percent)}</span></strong>
            </div>
            <div class="goal-track" aria-hidden="true">
                <div class="goal-fill" style=format!("width: {}%", g.percent.min(100))></div>
                <div class="goal-target" style=format!("left: {}%", g.target_percent.min(100))></div>
            </div>
            <p class="muted">{t!("live-goal-met", n = g.met, total = g.of)}
                {g.reached.then(|| view! { " · " <span class="chip ok">{t!("live-goal-reached")}</span> })}
            </p>
        </li>
    }
}

/// Horizontal bars, longest first as given.
pub(super) fn bars(items: &[Bar], testid: &'static str) -> AnyView {
    if items.is_empty() {
        return view! { <p class="muted">{t!("live-nothing-yet")}</p> }.into_any();
    }
    let most = items.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    view! {
        <ul class="live-bars" data-testid=testid>
            {items.iter().map(|b| {
                let pct = b.value as f64 / most as f64 * 100.0;
                view! {
                    <li data-value=b.value>
                        <span class="live-bar-label">{b.label.clone()}</span>
                        <span class="fill"><span class="fill-bar" style=format!("width: {pct:.0}%")></span></span>
                        <span class="live-bar-value">{b.value}</span>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// Columns over time (an SVG), the quarter hours under them.
pub(super) fn columns(items: &[Bar], testid: &'static str) -> AnyView {
    if items.is_empty() {
        return view! { <p class="muted">{t!("live-nothing-yet")}</p> }.into_any();
    }
    let most = items.iter().map(|b| b.value).max().unwrap_or(0).max(1) as f64;
    let n = items.len() as f64;
    let (w, h) = (600.0, 160.0);
    // Narrow columns even for a few quarters: one wide block reads as a box, not a chart.
    let slot = (w / n).min(48.0);
    let bars = items
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let bh = (b.value as f64 / most) * (h - 30.0);
            let x = i as f64 * slot + slot * 0.15;
            let label_every = (n / 8.0).ceil().max(1.0) as usize;
            view! {
                <g data-value=b.value>
                    <rect x=format!("{x:.1}") y=format!("{:.1}", h - 20.0 - bh) width=format!("{:.1}", slot * 0.7) height=format!("{bh:.1}") rx="2" class="col" />
                    {(i % label_every == 0).then(|| view! {
                        <text x=format!("{:.1}", x + slot * 0.35) y=format!("{:.1}", h - 4.0) text-anchor="middle" class="col-label">{b.label.clone()}</text>
                    })}
                </g>
            }
        })
        .collect_view();
    view! {
        <svg class="live-columns" data-testid=testid viewBox=format!("0 0 {w} {h}") role="img" aria-label=t!("live-checkins")>
            {bars}
        </svg>
    }
    .into_any()
}
