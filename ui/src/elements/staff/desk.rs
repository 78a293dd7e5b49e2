//! The desk: check-in at doors and sessions, the reward desk, and the counts.

use super::*;

#[component]
pub(super) fn DeskPane() -> impl IntoView {
    let desk =
        load::<GetStaffDesk>(|| NoArgs {}).refresh_on(Changed::Element(ElementKind::Staff)).refresh_on(Changed::Sync);
    // The gate in use stays chosen across reloads; the first door until one is picked.
    let gate = RwSignal::new(None::<Gate>);
    let admit_form = Form::<AdmitResult>::new();
    let reward_form = Form::<RewardRedemption>::new();
    // The desk reloads on every sync. Only what changes is drawn again (the counts, the gates'
    // list); the forms are made once per loaded state of the desk, so a code half typed at the
    // door keeps its focus, and an answer on screen stays the same element.
    let latest = Memo::new(move |_| desk.state.get().and_then(Result::ok));
    let shape = Memo::new(move |_| match desk.state.get() {
        None => None,
        Some(Err(e)) => Some(Err(e)),
        Some(Ok(d)) => Some(Ok((d.is_staff, d.can))),
    });
    Effect::new(move |_| {
        latest.with(|d| {
            let Some(d) = d else { return };
            if gate.get_untracked().is_none_or(|g| !d.gates.iter().any(|x| x.gate == g)) {
                gate.set(d.gates.first().map(|g| g.gate.clone()));
            }
        })
    });
    move || {
        show_loading(shape.get(), move |(is_staff, can): (bool, StaffAbilities)| {
            view! {
                <div class="staff-desk">
                    {(!is_staff).then(|| view! {
                        <p class="voting-note" data-testid="staff-not-staff">{t!("staff-not-staff")}</p>
                    })}
                    <div class="staff-panes">
                        <div class="staff-pane">
                            {(can.check_in || !is_staff).then(|| check_in_panel(latest, gate, admit_form))}
                            {(can.rewards || !is_staff).then(|| reward_panel(latest, reward_form))}
                        </div>
                        <div class="staff-pane">{move || latest.get().map(counts_panel)}</div>
                    </div>
                </div>
            }
            .into_any()
        })
    }
}

/// Whether the desk, as last loaded, holds a staff token.
fn staff_token(d: Memo<Option<StaffDesk>>) -> bool {
    d.with(|d| d.as_ref().is_some_and(|d| d.is_staff))
}

pub(super) fn gate_value(g: &Gate) -> String {
    g.key()
}

pub(super) fn check_in_panel(
    d: Memo<Option<StaffDesk>>,
    gate: RwSignal<Option<Gate>>,
    form: Form<AdmitResult>,
) -> impl IntoView {
    let Form { text: pass, busy, answer, answers } = form;
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
        gate.set(
            d.with(|d| d.iter().flat_map(|d| &d.gates).find(|g| gate_value(&g.gate) == key).map(|g| g.gate.clone())),
        );
    };
    // The list of gates follows the desk (today's sessions change through the day).
    let gates = Memo::new(move |_| d.with(|d| d.as_ref().map(|d| d.gates.clone()).unwrap_or_default()));
    let options = move || {
        gates
            .get()
            .into_iter()
            .map(|g| {
                let key = gate_value(&g.gate);
                let label = match &g.detail {
                    Some(detail) => format!("{} — {detail}", g.name),
                    None => g.name.clone(),
                };
                let selected = gate.get_untracked().as_ref() == Some(&g.gate);
                view! { <option value=key selected=selected>{label}</option> }
            })
            .collect_view()
    };
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
                    disabled=move || busy.get() || pass.get().trim().is_empty() || !staff_token(d)>
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

pub(super) fn reward_panel(d: Memo<Option<StaffDesk>>, form: Form<RewardRedemption>) -> impl IntoView {
    let given = move || d.with(|d| d.as_ref().map(|d| d.rewards_given).unwrap_or(0));
    let knows_codes = move || d.with(|d| d.as_ref().is_some_and(|d| d.knows_codes));
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
                <span class="muted" data-testid="staff-rewards-given">{move || t!("staff-rewards-given", n = given())}</span>
            </div>
            <div class="scan-row">
                <input type="text" data-testid="staff-reward-code"
                    aria-label=move || t!("staff-reward-code")
                    placeholder="K7Q2-MX4P"
                    autocomplete="off" spellcheck="false"
                    prop:value=move || code.get()
                    on:input=move |ev| code.set(event_target_value(&ev)) />
                <button class="primary" type="submit" data-testid="staff-redeem"
                    disabled=move || busy.get() || code.get().trim().is_empty() || !staff_token(d)>
                    {t!("staff-redeem")}
                </button>
            </div>
            {move || (!knows_codes()).then(|| view! { <p class="muted scan-help">{t!("staff-rewards-unchecked")}</p> })}
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

pub(super) fn counts_panel(d: StaffDesk) -> impl IntoView {
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
