//! Polls and Q&A: asking the room on the spot (a draft, reworded until the first answer);
//! open, close, reveal, reset; approve, hide, answered, on the screens.

use super::*;

#[component]
pub(super) fn PollsPane() -> impl IntoView {
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
    let editing = RwSignal::new(None::<StaffPoll>);
    let saved = move |v: StaffPolls| polls.state.set(Some(Ok(v)));
    move || {
        show_loading(polls.state.get(), move |v: StaffPolls| {
            let is_staff = v.is_staff;
            view! {
                <div class="staff-panes">
                    <div class="staff-pane">
                        {move || {
                            let draft = editing.get();
                            view! { <PollForm is_staff editing=draft on_saved=saved on_done=move || editing.set(None) /> }
                        }}
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
                                        {v.polls.iter().cloned().map(|p| poll_row(p, v.is_staff, control, move |p| editing.set(Some(p)))).collect_view()}
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

pub(super) fn poll_row(
    p: StaffPoll,
    is_staff: bool,
    control: impl Fn(String, PollCommand) + Copy + 'static,
    edit: impl Fn(StaffPoll) + Copy + 'static,
) -> impl IntoView {
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
    let editable = p.editable && is_staff;
    let this = p.clone();
    view! {
        <li class="staff-poll" data-testid="staff-poll" data-poll-id=p.id.clone() data-state=format!("{:?}", p.state).to_lowercase()>
            <div class="staff-poll-head">
                <strong>{p.question.clone()}</strong>
                <span class=format!("chip {}", if open { "ok" } else { "" })>{state}</span>
            </div>
            <p class="muted">{p.window.clone()}
                {(p.kind != PollKind::Questions).then(|| view! { " · " {t!("kiosk-answers", n = p.total)} })}
                {(p.pending.is_some() || p.waiting).then(|| view! { " · " <span>{t!("staff-state-waiting")}</span> })}
            </p>
            {p.draft.then(|| view! { <p class="chip warn staff-poll-draft" data-testid="staff-poll-draft">{t!("staff-poll-draft")}</p> })}
            <div class="staff-actions">
                {editable.then(|| view! {
                    <button class="secondary small" data-testid="staff-poll-edit" on:click=move |_| edit(this.clone())>
                        {t!("staff-poll-do-edit")}
                    </button>
                })}
                {(!open).then(|| button(PollCommand::Open, t!("staff-poll-do-open"), "staff-poll-open"))}
                {open.then(|| button(PollCommand::Close, t!("staff-poll-do-close"), "staff-poll-close"))}
                {(p.hides_results && !p.results_shown).then(|| button(PollCommand::Reveal, t!("staff-poll-do-reveal"), "staff-poll-reveal"))}
                {(p.kind != PollKind::Questions).then(|| button(PollCommand::Reset, t!("staff-poll-do-reset"), "staff-poll-reset"))}
            </div>
        </li>
    }
}

pub(super) fn question_row(
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

/// The kinds a moderator can ask, in the order the form offers them.
const KINDS: [PollKind; 7] = [
    PollKind::SingleChoice,
    PollKind::MultipleChoice,
    PollKind::Rating,
    PollKind::OpenText,
    PollKind::Ranking,
    PollKind::Quiz,
    PollKind::Questions,
];

fn kind_label(kind: PollKind) -> String {
    match kind {
        PollKind::SingleChoice => t!("poll-kind-single"),
        PollKind::MultipleChoice => t!("poll-kind-multiple"),
        PollKind::Rating => t!("poll-kind-rating"),
        PollKind::OpenText => t!("poll-kind-words"),
        PollKind::Ranking => t!("poll-kind-ranking"),
        PollKind::Quiz => t!("poll-kind-quiz"),
        PollKind::Questions => t!("poll-kind-questions"),
    }
}

/// Asking the room: a new poll, or the wording of one nobody has answered yet (`editing`).
/// Saved as a draft that only staff see; the list below opens it.
#[component]
fn PollForm(
    is_staff: bool,
    editing: Option<StaffPoll>,
    on_saved: impl Fn(StaffPolls) + Copy + 'static,
    on_done: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let wording = editing.map(|p| p.wording);
    let id = wording.as_ref().and_then(|w| w.id.clone());
    let question = RwSignal::new(wording.as_ref().map(|w| w.question.clone()).unwrap_or_default());
    let kind = RwSignal::new(wording.as_ref().map_or(PollKind::SingleChoice, |w| w.kind));
    let options = RwSignal::new(wording.as_ref().map(|w| w.options.join("\n")).unwrap_or_default());
    let max_choices =
        RwSignal::new(wording.as_ref().and_then(|w| w.max_choices).map(|n| n.to_string()).unwrap_or_default());
    let scale_max = RwSignal::new(wording.as_ref().and_then(|w| w.scale_max).unwrap_or(5));
    let correct = RwSignal::new(wording.as_ref().and_then(|w| w.correct_option).unwrap_or(0));
    let minutes = RwSignal::new(wording.as_ref().map_or(10, |w| w.minutes.max(1)));
    let hide_results = RwSignal::new(wording.as_ref().is_some_and(|w| w.hide_results));
    let busy = RwSignal::new(false);
    let refused = RwSignal::new(None::<ApiError>);
    let saved_hint = RwSignal::new(false);
    let lines =
        move || options.get().lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect::<Vec<_>>();
    let is_edit = id.is_some();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        refused.set(None);
        let args = PollDraftArgs {
            id: id.clone(),
            question: question.get_untracked(),
            kind: kind.get_untracked(),
            options: lines(),
            max_choices: max_choices.get_untracked().trim().parse().ok(),
            scale_max: Some(scale_max.get_untracked()),
            correct_option: Some(correct.get_untracked()),
            hide_results: hide_results.get_untracked(),
            minutes: minutes.get_untracked(),
        };
        spawn_local(async move {
            match invoke::<PutPoll>(&args).await {
                Ok(v) => {
                    on_saved(v);
                    question.set(String::new());
                    options.set(String::new());
                    saved_hint.set(true);
                    on_done();
                }
                Err(e) => refused.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="panel poll-form" data-testid="staff-poll-form" on:submit=submit>
            <h2>{if is_edit { t!("staff-poll-edit") } else { t!("staff-poll-new") }}</h2>
            <label class="field">
                <span>{t!("staff-poll-question")}</span>
                <textarea rows="2" maxlength="300" data-testid="staff-poll-question" required
                    prop:value=move || question.get() on:input=move |ev| question.set(event_target_value(&ev))></textarea>
            </label>
            <label class="field">
                <span>{t!("staff-poll-kind")}</span>
                <select data-testid="staff-poll-kind" on:change=move |ev| {
                    let chosen = event_target_value(&ev);
                    kind.set(KINDS.into_iter().find(|k| k.as_str() == chosen).unwrap_or_default());
                }>
                    {KINDS.into_iter().map(|k| view! {
                        <option value=k.as_str() selected=move || kind.get() == k>{kind_label(k)}</option>
                    }).collect_view()}
                </select>
            </label>
            {move || kind.get().has_options().then(|| view! {
                <label class="field">
                    <span>{t!("staff-poll-options")}</span>
                    <textarea rows="4" data-testid="staff-poll-options"
                        prop:value=move || options.get() on:input=move |ev| options.set(event_target_value(&ev))></textarea>
                </label>
            })}
            {move || (kind.get() == PollKind::MultipleChoice).then(|| view! {
                <label class="field">
                    <span>{t!("staff-poll-max-choices")}</span>
                    <input type="number" min="1" max="20" data-testid="staff-poll-max-choices"
                        prop:value=move || max_choices.get() on:input=move |ev| max_choices.set(event_target_value(&ev)) />
                </label>
            })}
            {move || (kind.get() == PollKind::Rating).then(|| view! {
                <label class="field">
                    <span>{t!("staff-poll-scale")}</span>
                    <select data-testid="staff-poll-scale" on:change=move |ev| scale_max.set(event_target_value(&ev).parse().unwrap_or(5))>
                        <option value="5" selected=move || scale_max.get() == 5>{t!("staff-poll-scale-stars")}</option>
                        <option value="10" selected=move || scale_max.get() == 10>{t!("staff-poll-scale-ten")}</option>
                    </select>
                </label>
            })}
            {move || (kind.get() == PollKind::Quiz).then(|| view! {
                <label class="field">
                    <span>{t!("staff-poll-correct")}</span>
                    <select data-testid="staff-poll-correct" on:change=move |ev| correct.set(event_target_value(&ev).parse().unwrap_or(0))>
                        {move || lines().into_iter().enumerate().map(|(i, l)| view! {
                            <option value=i.to_string() selected=move || correct.get() == i>{l}</option>
                        }).collect_view()}
                    </select>
                </label>
            })}
            <div class="poll-form-row">
                <label class="field">
                    <span>{t!("staff-poll-minutes")}</span>
                    <input type="number" min="1" max="1440" data-testid="staff-poll-minutes"
                        prop:value=move || minutes.get().to_string()
                        on:input=move |ev| minutes.set(event_target_value(&ev).parse().unwrap_or(10)) />
                </label>
                <label class="check">
                    <input type="checkbox" data-testid="staff-poll-hide-results" prop:checked=move || hide_results.get()
                        on:change=move |ev| hide_results.set(event_target_checked(&ev)) />
                    <span>{t!("staff-poll-hide-results")}</span>
                </label>
            </div>
            {move || refused.get().map(|e| view! {
                <p class="refusal" role="alert" data-testid="staff-poll-form-refused">{e.message.clone()}</p>
            })}
            {move || (saved_hint.get() && refused.get().is_none()).then(|| view! {
                <p class="muted" data-testid="staff-poll-saved">{t!("staff-poll-saved-hint")}</p>
            })}
            <div class="staff-actions">
                <button class="primary" type="submit" data-testid="staff-poll-save" disabled=move || busy.get() || !is_staff>{t!("staff-poll-save")}</button>
                {is_edit.then(|| view! {
                    <button type="button" class="secondary" on:click=move |_| on_done()>{t!("staff-poll-cancel-edit")}</button>
                })}
            </div>
        </form>
    }
}
