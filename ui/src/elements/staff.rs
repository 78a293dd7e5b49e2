//! The staff Element (staff tablets): check-in at a door or session (a photo of the ticket or
//! badge, or its code typed) and the reward desk on the left; on the right how many came in
//! where, the conflicts (a pass let in twice) and this tablet's last scans.

use elements_protocol::app::{
    AdmitArgs, AdmitPass, AdmitResult, Announce, AnnounceArgs, AnnounceTarget, ApiError, Bar, CaptureLead, Changed,
    ControlPoll, DeskScanState, ExportLeads, GetAnnouncements, GetLeads, GetLivePicture, GetStaffDesk, GetStaffPolls,
    GoalView, LeadArgs, LeadsView, LivePictureView, ModerateQuestion, NoArgs, PollControlArgs, PollState,
    QuestionModerationArgs, RedeemRewardCode, RewardCodeArgs, RewardRedemption, StaffDesk, StaffPoll, StaffPolls,
    StaffQuestion,
};
use elements_protocol::event::{ElementKind, PollKind};
use elements_protocol::live::Audience;
use elements_protocol::signal::Reason;
use elements_protocol::staff::{Gate, PollCommand, QuestionCommand};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{invoke, load};
use crate::shell::{error_sentence, show_loading};
use crate::t;

#[derive(Clone)]
enum Answer<T> {
    Done(T),
    Refused(ApiError),
}

/// A form's state, kept by the desk (not by the form, which is drawn again whenever the desk
/// reloads): what is typed, whether it is busy, and the last answer with its number.
struct Form<T: Send + Sync + 'static> {
    text: RwSignal<String>,
    busy: RwSignal<bool>,
    answer: RwSignal<Option<Answer<T>>>,
    answers: RwSignal<u32>,
}

impl<T: Send + Sync + 'static> Clone for Form<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Send + Sync + 'static> Copy for Form<T> {}

impl<T: Send + Sync + 'static> Form<T> {
    fn new() -> Self {
        Form {
            text: RwSignal::new(String::new()),
            busy: RwSignal::new(false),
            answer: RwSignal::new(None),
            answers: RwSignal::new(0),
        }
    }
}

/// The desk's panes: check-in and rewards, polls and Q&A.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pane {
    Desk,
    Leads,
    Polls,
    Live,
}

#[component]
pub fn Staff() -> impl IntoView {
    let pane = RwSignal::new(Pane::Desk);
    let tab = move |p: Pane, testid: &'static str, label: fn() -> String| {
        view! {
            <button role="tab" class:active=move || pane.get() == p aria-selected=move || (pane.get() == p).to_string()
                data-testid=testid on:click=move |_| pane.set(p)>
                {move || label()}
            </button>
        }
    };
    view! {
        <section class="staff" data-testid="element-staff">
            <div class="segmented staff-tabs" role="tablist">
                {tab(Pane::Desk, "staff-tab-desk", || t!("staff-tab-desk"))}
                {tab(Pane::Leads, "staff-tab-leads", || t!("staff-tab-leads"))}
                {tab(Pane::Polls, "staff-tab-polls", || t!("staff-tab-polls"))}
                {tab(Pane::Live, "staff-tab-live", || t!("staff-tab-live"))}
            </div>
            {move || match pane.get() {
                Pane::Desk => view! { <DeskPane /> }.into_any(),
                Pane::Leads => view! { <LeadsPane /> }.into_any(),
                Pane::Polls => view! { <PollsPane /> }.into_any(),
                Pane::Live => view! { <LivePane /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn DeskPane() -> impl IntoView {
    let desk =
        load::<GetStaffDesk>(|| NoArgs {}).refresh_on(Changed::Element(ElementKind::Staff)).refresh_on(Changed::Sync);
    // The gate in use stays chosen across reloads; the first door until one is picked.
    let gate = RwSignal::new(None::<Gate>);
    let admit_form = Form::<AdmitResult>::new();
    let reward_form = Form::<RewardRedemption>::new();
    move || {
        show_loading(desk.state.get(), move |d: StaffDesk| {
            if gate.get_untracked().is_none_or(|g| !d.gates.iter().any(|x| x.gate == g)) {
                gate.set(d.gates.first().map(|g| g.gate.clone()));
            }
            view! {
                <div class="staff-desk">
                    {(!d.is_staff).then(|| view! {
                        <p class="voting-note" data-testid="staff-not-staff">{t!("staff-not-staff")}</p>
                    })}
                    <div class="staff-panes">
                        <div class="staff-pane">
                            {check_in_panel(d.clone(), gate, admit_form)}
                            {reward_panel(d.clone(), reward_form)}
                        </div>
                        <div class="staff-pane">{counts_panel(d)}</div>
                    </div>
                </div>
            }
            .into_any()
        })
    }
}

#[component]
fn PollsPane() -> impl IntoView {
    let polls = load::<GetStaffPolls>(|| NoArgs {})
        .refresh_on(Changed::Element(ElementKind::Staff))
        .refresh_on(Changed::Element(ElementKind::Voting))
        .refresh_on(Changed::Sync);
    let refused = RwSignal::new(None::<ApiError>);
    let control = move |poll_id: String, command: PollCommand| {
        refused.set(None);
        spawn_local(async move {
            match invoke::<ControlPoll>(&PollControlArgs { poll_id, command }).await {
                Ok(v) => polls.state.set(Some(Ok(v))),
                Err(e) => refused.set(Some(e)),
            }
        });
    };
    let moderate = move |question_id: String, command: QuestionCommand| {
        refused.set(None);
        spawn_local(async move {
            match invoke::<ModerateQuestion>(&QuestionModerationArgs { question_id, command }).await {
                Ok(v) => polls.state.set(Some(Ok(v))),
                Err(e) => refused.set(Some(e)),
            }
        });
    };
    move || {
        show_loading(polls.state.get(), move |v: StaffPolls| {
            view! {
                <div class="staff-panes">
                    <div class="staff-pane">
                        <div class="panel">
                            <h2>{t!("staff-polls-title")}</h2>
                            {move || refused.get().map(|e| view! {
                                <p class="refusal" role="alert" data-testid="staff-poll-refused">{error_sentence(e.code.as_str(), e.reason)}</p>
                            })}
                            {if v.polls.is_empty() {
                                view! { <p class="muted">{t!("staff-polls-none")}</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="staff-poll-list">
                                        {v.polls.iter().cloned().map(|p| poll_row(p, v.is_staff, control)).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        </div>
                    </div>
                    <div class="staff-pane">
                        <div class="panel">
                            <h2>{t!("staff-questions-title")}</h2>
                            {if v.questions.is_empty() {
                                view! { <p class="muted">{t!("staff-questions-none")}</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="staff-question-list">
                                        {v.questions.iter().cloned().map(|q| question_row(q, v.is_staff, moderate)).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        </div>
                    </div>
                </div>
            }
            .into_any()
        })
    }
}

/// An exhibitor's booth: scan a visitor's badge with a rating and a note, the leads so far,
/// and their export as CSV.
#[component]
fn LeadsPane() -> impl IntoView {
    let leads = load::<GetLeads>(|| NoArgs {})
        .refresh_on(Changed::Element(ElementKind::People))
        .refresh_on(Changed::Element(ElementKind::Staff))
        .refresh_on(Changed::Sync);
    let badge = RwSignal::new(String::new());
    let rating = RwSignal::new(3u32);
    let note = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let refused = RwSignal::new(None::<ApiError>);
    let exported = RwSignal::new(None::<String>);
    let capture = move |text: String| {
        busy.set(true);
        refused.set(None);
        let args = LeadArgs { badge: text, rating: rating.get_untracked(), note: note.get_untracked() };
        spawn_local(async move {
            match invoke::<CaptureLead>(&args).await {
                Ok(v) => {
                    leads.state.set(Some(Ok(v)));
                    badge.set(String::new());
                    note.set(String::new());
                }
                Err(e) => refused.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        capture(badge.get_untracked());
    };
    let photo = move |ev: leptos::ev::Event| {
        crate::api::read_photo(&ev, busy, capture, move |e| refused.set(Some(e)));
    };
    let export = move |_| {
        spawn_local(async move {
            match invoke::<ExportLeads>(&NoArgs {}).await {
                Ok(f) => exported.set(Some(f.path)),
                Err(e) => refused.set(Some(e)),
            }
        });
    };
    move || {
        show_loading(leads.state.get(), move |v: LeadsView| {
            let is_staff = v.is_staff;
            view! {
                <div class="staff-panes">
                    <div class="staff-pane">
                        <form class="panel scan-panel" data-testid="staff-lead-form" on:submit=submit>
                            <div class="scan-head">
                                <h2>{t!("staff-leads-capture")}</h2>
                                <label class="scan-button" class:disabled=move || busy.get()>
                                    <input type="file" accept="image/*" capture="environment" data-testid="staff-lead-photo"
                                        on:change=photo disabled=move || busy.get() || !is_staff />
                                    <span>{t!("staff-leads-scan")}</span>
                                </label>
                            </div>
                            <div class="scan-row">
                                <input type="text" data-testid="staff-lead-badge" aria-label=move || t!("staff-leads-badge")
                                    placeholder="K7Q2-MX4P" autocomplete="off" spellcheck="false"
                                    prop:value=move || badge.get() on:input=move |ev| badge.set(event_target_value(&ev)) />
                            </div>
                            <label class="field">
                                <span>{t!("staff-leads-rating")}</span>
                                <select data-testid="staff-lead-rating" on:change=move |ev| rating.set(event_target_value(&ev).parse().unwrap_or(0))>
                                    {(0..=5u32).map(|n| view! {
                                        <option value=n.to_string() selected=move || rating.get() == n>
                                            {if n == 0 { t!("staff-leads-unrated") } else { "★".repeat(n as usize) }}
                                        </option>
                                    }).collect_view()}
                                </select>
                            </label>
                            <label class="field">
                                <span>{t!("staff-leads-note")}</span>
                                <textarea data-testid="staff-lead-note" rows="3" maxlength="1000"
                                    prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                            </label>
                            <button class="primary" type="submit" data-testid="staff-lead-capture"
                                disabled=move || busy.get() || badge.get().trim().is_empty() || !is_staff>
                                {t!("staff-leads-save")}
                            </button>
                            {move || refused.get().map(|e| view! {
                                <p class="refusal" role="alert" data-testid="staff-lead-refused" data-reason=e.reason.map(|r| r.as_str()).unwrap_or(e.code.as_str())>
                                    {refused_sentence(Work::Lead, e.code.as_str(), e.reason)}
                                </p>
                            })}
                        </form>
                    </div>
                    <div class="staff-pane">
                        <div class="panel">
                            <div class="scan-head">
                                <h2>{t!("staff-leads-title", n = v.leads.len() as u32)}</h2>
                                <button class="secondary small" data-testid="staff-leads-export" on:click=export
                                    disabled=v.leads.is_empty()>{t!("staff-leads-export")}</button>
                            </div>
                            {move || exported.get().map(|p| view! {
                                <p class="muted" data-testid="staff-leads-exported" data-path=p.clone()>{t!("staff-leads-exported", path = p.clone())}</p>
                            })}
                            {(!v.waiting.is_empty()).then(|| view! {
                                <ul class="recent-list" data-testid="staff-leads-waiting">
                                    {v.waiting.iter().map(|w| view! {
                                        <li>
                                            <span class="muted">{w.badge.clone()}</span>
                                            <span>{"★".repeat(w.rating as usize)} " " {w.note.clone()}
                                                {w.refused.map(|r| view! { <span class="why">{refused_sentence(Work::Lead, "refused", Some(r))}</span> })}
                                            </span>
                                            <span class=format!("state {}", if w.refused.is_some() { "refused" } else { "" })>
                                                {if w.refused.is_some() { t!("staff-state-refused") } else { t!("staff-state-waiting") }}
                                            </span>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            })}
                            {if v.leads.is_empty() {
                                view! { <p class="muted">{t!("staff-leads-none")}</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="lead-list" data-testid="staff-leads">
                                        {v.leads.iter().map(|l| view! {
                                            <li data-testid="staff-lead" data-profile-id=l.profile_id.clone()>
                                                <div class="staff-poll-head">
                                                    <strong>{l.name.clone()}</strong>
                                                    <span class="stars" aria-label=t!("staff-leads-rated", n = l.rating)>{"★".repeat(l.rating as usize)}</span>
                                                </div>
                                                <p class="muted">{[l.role.clone(), l.organization.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · ")}</p>
                                                {(!l.note.is_empty()).then(|| view! { <p>{l.note.clone()}</p> })}
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        </div>
                    </div>
                </div>
            }
            .into_any()
        })
    }
}

/// The organizer's live picture: the goals first (the meanings), then the charts. Reloads
/// when the backend sends a new picture (live stream or feed).
#[component]
fn LivePane() -> impl IntoView {
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
fn AnnouncePanel(targets: Vec<AnnounceTarget>) -> impl IntoView {
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

fn goal_row(g: GoalView) -> impl IntoView {
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
fn bars(items: &[Bar], testid: &'static str) -> AnyView {
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
fn columns(items: &[Bar], testid: &'static str) -> AnyView {
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

fn poll_row(p: StaffPoll, is_staff: bool, control: impl Fn(String, PollCommand) + Copy + 'static) -> impl IntoView {
    let state = match p.state {
        PollState::Upcoming => t!("staff-poll-upcoming"),
        PollState::Open => t!("staff-poll-open"),
        PollState::Closed => t!("staff-poll-closed"),
    };
    let button = |command: PollCommand, label: String, testid: &'static str| {
        let id = p.id.clone();
        let sent = p.pending == Some(command);
        view! {
            <button class="secondary small" data-testid=testid disabled=!is_staff || p.pending.is_some()
                class:sent=sent on:click=move |_| control(id.clone(), command)>
                {label}
            </button>
        }
    };
    let open = p.state == PollState::Open;
    view! {
        <li class="staff-poll" data-testid="staff-poll" data-poll-id=p.id.clone() data-state=format!("{:?}", p.state).to_lowercase()>
            <div class="staff-poll-head">
                <strong>{p.question.clone()}</strong>
                <span class=format!("chip {}", if open { "ok" } else { "" })>{state}</span>
            </div>
            <p class="muted">{p.window.clone()}
                {(p.kind != PollKind::Questions).then(|| view! { " · " {t!("kiosk-answers", n = p.total)} })}
                {p.pending.is_some().then(|| view! { " · " <span>{t!("staff-state-waiting")}</span> })}
            </p>
            <div class="staff-actions">
                {(!open).then(|| button(PollCommand::Open, t!("staff-poll-do-open"), "staff-poll-open"))}
                {open.then(|| button(PollCommand::Close, t!("staff-poll-do-close"), "staff-poll-close"))}
                {(p.hides_results && !p.results_shown).then(|| button(PollCommand::Reveal, t!("staff-poll-do-reveal"), "staff-poll-reveal"))}
                {(p.kind != PollKind::Questions).then(|| button(PollCommand::Reset, t!("staff-poll-do-reset"), "staff-poll-reset"))}
            </div>
        </li>
    }
}

fn question_row(
    q: StaffQuestion,
    is_staff: bool,
    moderate: impl Fn(String, QuestionCommand) + Copy + 'static,
) -> impl IntoView {
    let button = |command: QuestionCommand, label: String, testid: &'static str| {
        let id = q.id.clone();
        view! {
            <button class="secondary small" data-testid=testid disabled=!is_staff || q.pending on:click=move |_| moderate(id.clone(), command)>
                {label}
            </button>
        }
    };
    view! {
        <li class="staff-question" class:highlighted=q.highlighted data-testid="staff-question" data-question-id=q.id.clone()
            data-highlighted=q.highlighted.to_string()>
            <p class="staff-question-text">{q.text.clone()}</p>
            <p class="muted">
                {q.author.clone().unwrap_or_else(|| t!("kiosk-anonymous"))} " · " {t!("kiosk-upvotes", n = q.upvotes)}
                {q.approved.then(|| view! { " · " <span class="chip ok">{t!("staff-question-approved")}</span> })}
                {q.answered.then(|| view! { " · " <span class="chip">{t!("staff-question-answered")}</span> })}
                {q.highlighted.then(|| view! { " · " <span class="chip warn">{t!("staff-question-on-screens")}</span> })}
                {q.pending.then(|| view! { " · " <span>{t!("staff-state-waiting")}</span> })}
            </p>
            <div class="staff-actions">
                {if q.highlighted {
                    button(QuestionCommand::Unhighlight, t!("staff-question-do-unhighlight"), "staff-question-unhighlight").into_any()
                } else {
                    button(QuestionCommand::Highlight, t!("staff-question-do-highlight"), "staff-question-highlight").into_any()
                }}
                {(!q.approved).then(|| button(QuestionCommand::Approve, t!("staff-question-do-approve"), "staff-question-approve"))}
                {(!q.answered).then(|| button(QuestionCommand::Answered, t!("staff-question-do-answered"), "staff-question-answered"))}
                {button(QuestionCommand::Hide, t!("staff-question-do-hide"), "staff-question-hide")}
            </div>
        </li>
    }
}

fn gate_value(g: &Gate) -> String {
    g.key()
}

fn check_in_panel(d: StaffDesk, gate: RwSignal<Option<Gate>>, form: Form<AdmitResult>) -> impl IntoView {
    let Form { text: pass, busy, answer, answers } = form;
    let gates = StoredValue::new(d.gates.clone());
    let admit = move |text: String| {
        let Some(at) = gate.get_untracked() else { return };
        busy.set(true);
        answer.set(None);
        spawn_local(async move {
            match invoke::<AdmitPass>(&AdmitArgs { pass: text, gate: at }).await {
                Ok(r) => {
                    answer.set(Some(Answer::Done(r)));
                    pass.set(String::new());
                }
                Err(e) => answer.set(Some(Answer::Refused(e))),
            }
            answers.update(|n| *n += 1);
            busy.set(false);
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        admit(pass.get_untracked());
    };
    let photo = move |ev: leptos::ev::Event| {
        crate::api::read_photo(&ev, busy, admit, move |e| {
            answer.set(Some(Answer::Refused(e)));
            answers.update(|n| *n += 1);
        });
    };
    let choose = move |ev: leptos::ev::Event| {
        let key = event_target_value(&ev);
        gate.set(gates.with_value(|all| all.iter().find(|g| gate_value(&g.gate) == key).map(|g| g.gate.clone())));
    };
    let options = d
        .gates
        .iter()
        .map(|g| {
            let key = gate_value(&g.gate);
            let label = match &g.detail {
                Some(detail) => format!("{} — {detail}", g.name),
                None => g.name.clone(),
            };
            let selected = gate.get_untracked().as_ref() == Some(&g.gate);
            view! { <option value=key selected=selected>{label}</option> }
        })
        .collect_view();
    view! {
        <form class="panel scan-panel" data-testid="staff-check-in" on:submit=submit>
            <div class="scan-head">
                <h2>{t!("staff-check-in-title")}</h2>
                <label class="scan-button" class:disabled=move || busy.get()>
                    <input type="file" accept="image/*" capture="environment"
                        data-testid="staff-pass-photo" on:change=photo disabled=move || busy.get() />
                    <span>{t!("staff-scan-photo")}</span>
                </label>
            </div>
            <label class="field">
                <span>{t!("staff-gate")}</span>
                <select data-testid="staff-gate" on:change=choose>{options}</select>
            </label>
            <div class="scan-row">
                <input type="text" data-testid="staff-pass"
                    aria-label=move || t!("staff-pass-code")
                    placeholder=move || t!("staff-pass-code")
                    autocomplete="off" spellcheck="false"
                    prop:value=move || pass.get()
                    on:input=move |ev| pass.set(event_target_value(&ev)) />
                <button class="primary" type="submit" data-testid="staff-admit"
                    disabled=move || busy.get() || pass.get().trim().is_empty() || !d.is_staff>
                    {t!("staff-admit")}
                </button>
            </div>
            {move || answer.get().map(|a| match a {
                Answer::Done(r) if r.conflict => view! {
                    <p class="staff-answer conflict" role="alert" data-testid="staff-admit-result" data-status="conflict" data-answer=answers.get_untracked()>
                        <strong>{t!("staff-admit-conflict")}</strong>
                        " "
                        {t!("staff-admit-first", time = r.first_at.clone().unwrap_or_default(), place = r.gate_name.clone())}
                        <span class="muted">" " {r.pass_hint.clone()}</span>
                    </p>
                }.into_any(),
                Answer::Done(r) => view! {
                    <p class="staff-answer ok" role="status" data-testid="staff-admit-result" data-status="counted" data-answer=answers.get_untracked()>
                        <strong>{t!("staff-admit-ok")}</strong>
                        " " {r.gate_name.clone()}
                        <span class="muted">" " {r.pass_hint.clone()}</span>
                    </p>
                }.into_any(),
                Answer::Refused(e) => refusal(Work::Admit, e, answers.get_untracked(), "staff-admit-result"),
            })}
        </form>
    }
}

/// What the desk was asked to do, for wording a refusal in a staff person's terms.
#[derive(Clone, Copy)]
enum Work {
    Admit,
    Reward,
    Lead,
}

/// Why something was refused, as the desk says it.
fn refused_sentence(work: Work, code: &str, reason: Option<Reason>) -> String {
    match (work, reason) {
        (_, Some(Reason::NotAllowed)) => t!("staff-not-staff"),
        (Work::Admit, Some(Reason::UnknownTarget)) => t!("staff-refused-unknown-pass"),
        (Work::Lead, Some(Reason::UnknownTarget)) => t!("staff-leads-unknown-badge"),
        (Work::Lead, Some(Reason::Malformed)) => t!("staff-leads-malformed"),
        (Work::Reward, Some(Reason::AlreadyDone)) => t!("staff-redeem-used"),
        (Work::Reward, Some(Reason::UnknownTarget)) => t!("staff-redeem-forged"),
        (Work::Reward, Some(Reason::Malformed)) => t!("staff-redeem-malformed"),
        _ => error_sentence(code, reason),
    }
}

fn refusal(work: Work, e: ApiError, answer: u32, testid: &'static str) -> AnyView {
    view! {
        <p class="refusal" role="alert" data-testid=testid data-status="refused" data-answer=answer
            data-reason=e.reason.map(|r| r.as_str()).unwrap_or(e.code.as_str()) title=e.message.clone()>
            {refused_sentence(work, e.code.as_str(), e.reason)}
        </p>
    }
    .into_any()
}

fn reward_panel(d: StaffDesk, form: Form<RewardRedemption>) -> impl IntoView {
    let Form { text: code, busy, answer, answers } = form;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        answer.set(None);
        let typed = code.get_untracked();
        spawn_local(async move {
            match invoke::<RedeemRewardCode>(&RewardCodeArgs { code: typed }).await {
                Ok(r) => {
                    answer.set(Some(Answer::Done(r)));
                    code.set(String::new());
                }
                Err(e) => answer.set(Some(Answer::Refused(e))),
            }
            answers.update(|n| *n += 1);
            busy.set(false);
        });
    };
    view! {
        <form class="panel scan-panel" data-testid="staff-rewards" on:submit=submit>
            <div class="scan-head">
                <h2>{t!("staff-rewards-title")}</h2>
                <span class="muted" data-testid="staff-rewards-given">{t!("staff-rewards-given", n = d.rewards_given)}</span>
            </div>
            <div class="scan-row">
                <input type="text" data-testid="staff-reward-code"
                    aria-label=move || t!("staff-reward-code")
                    placeholder="K7Q2-MX4P"
                    autocomplete="off" spellcheck="false"
                    prop:value=move || code.get()
                    on:input=move |ev| code.set(event_target_value(&ev)) />
                <button class="primary" type="submit" data-testid="staff-redeem"
                    disabled=move || busy.get() || code.get().trim().is_empty() || !d.is_staff>
                    {t!("staff-redeem")}
                </button>
            </div>
            {(!d.knows_codes).then(|| view! { <p class="muted scan-help">{t!("staff-rewards-unchecked")}</p> })}
            {move || answer.get().map(|a| match a {
                Answer::Done(r) if r.checked => view! {
                    <p class="staff-answer ok" role="status" data-testid="staff-redeem-result" data-status="valid" data-answer=answers.get_untracked()>
                        <strong>{t!("staff-redeem-valid")}</strong> " " {r.name.clone()}
                        <span class="muted">" " {r.code.clone()}</span>
                    </p>
                }.into_any(),
                Answer::Done(r) => view! {
                    <p class="staff-answer" role="status" data-testid="staff-redeem-result" data-status="unchecked" data-answer=answers.get_untracked()>
                        {t!("staff-redeem-unchecked")} <span class="muted">" " {r.code.clone()}</span>
                    </p>
                }.into_any(),
                Answer::Refused(e) => refusal(Work::Reward, e, answers.get_untracked(), "staff-redeem-result"),
            })}
        </form>
    }
}

fn counts_panel(d: StaffDesk) -> impl IntoView {
    let (doors, sessions): (Vec<_>, Vec<_>) = d.gates.iter().cloned().partition(|g| matches!(g.gate, Gate::Door(_)));
    let row = |g: elements_protocol::app::GateView| {
        let full = g.capacity.filter(|c| *c > 0).map(|c| (g.admitted as f64 / c as f64).min(1.0) * 100.0);
        view! {
            <li class="gate-row" data-testid="staff-gate-row" data-gate=gate_value(&g.gate) data-admitted=g.admitted>
                <div class="gate-name">
                    <span>{g.name.clone()}</span>
                    {g.detail.clone().map(|x| view! { <span class="muted">{x}</span> })}
                </div>
                <div class="gate-count">
                    <strong>{match g.capacity {
                        Some(c) => format!("{} / {c}", g.admitted),
                        None => g.admitted.to_string(),
                    }}</strong>
                    {(g.conflicts > 0).then(|| view! {
                        <span class="badge-warn">{t!("staff-gate-conflicts", n = g.conflicts)}</span>
                    })}
                </div>
                {full.map(|pct| view! {
                    <div class="fill" aria-hidden="true"><div class="fill-bar" style=format!("width: {pct:.0}%")></div></div>
                })}
            </li>
        }
    };
    view! {
        <div class="panel staff-counts">
            <h2>{t!("staff-doors")} <span class="muted" data-testid="staff-at-doors">{t!("staff-people-in", n = d.admitted_at_doors)}</span></h2>
            <ul class="gate-list">{doors.into_iter().map(row).collect_view()}</ul>
            <h2>{t!("staff-conflicts-title")}</h2>
            {if d.conflicts.is_empty() {
                view! { <p class="muted">{t!("staff-conflicts-none")}</p> }.into_any()
            } else {
                view! {
                    <ul class="conflict-list" data-testid="staff-conflicts">
                        {d.conflicts.iter().map(|c| view! {
                            <li data-testid="staff-conflict">
                                <strong>{c.pass_hint.clone()}</strong> " · " {c.gate_name.clone()}
                                <ul class="conflict-scans">
                                    {c.scans.iter().map(|s| view! {
                                        <li>{s.at.clone()} " · " {if s.mine { t!("staff-this-tablet") } else { t!("staff-other-tablet", code = s.device.clone()) }}</li>
                                    }).collect_view()}
                                </ul>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <h2>{t!("staff-sessions")}</h2>
            <ul class="gate-list">{sessions.into_iter().map(row).collect_view()}</ul>
            <h2>{t!("staff-recent")}</h2>
            {if d.recent.is_empty() {
                view! { <p class="muted">{t!("staff-recent-none")}</p> }.into_any()
            } else {
                view! {
                    <ul class="recent-list" data-testid="staff-recent">
                        {d.recent.iter().map(|s| {
                            let (class, label) = match s.state {
                                DeskScanState::Waiting => ("", t!("staff-state-waiting")),
                                DeskScanState::Counted => ("ok", t!("staff-state-counted")),
                                DeskScanState::Conflict => ("conflict", t!("staff-state-conflict")),
                                DeskScanState::Given => ("ok", t!("staff-state-given")),
                                DeskScanState::Refused => ("refused", t!("staff-state-refused")),
                            };
                            view! {
                                <li data-testid="staff-recent-scan" data-state=format!("{:?}", s.state).to_lowercase()>
                                    <span class="muted">{s.at.clone()}</span>
                                    <span>
                                        {s.title.clone()} " " <span class="muted">{s.detail.clone()}</span>
                                        {s.reason.map(|r| view! { <span class="why">{refused_sentence(if s.reward { Work::Reward } else { Work::Admit }, "refused", Some(r))}</span> })}
                                    </span>
                                    <span class=format!("state {class}")>{label}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </div>
    }
}
