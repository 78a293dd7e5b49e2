//! Polls and Q&A: open, close, reveal, reset; approve, hide, answered, on the screens.

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

pub(super) fn poll_row(
    p: StaffPoll,
    is_staff: bool,
    control: impl Fn(String, PollCommand) + Copy + 'static,
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
