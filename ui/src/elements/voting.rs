//! The voting Element: the event's polls of every kind (a choice, several, a rating, a word
//! cloud, a ranking, a quiz, Q&A), their results as the backend counted them, and the person's
//! own answer with where it stands (waiting to send, counted, or refused and why). A poll card
//! is also what a session's page shows for the polls tied to it.

use elements_protocol::app::{
    AnswerArgs, AnswerPoll, ApiError, AskArgs, AskQuestion, CastVote, Changed, GetVoting, MyVote, NoArgs,
    OfflineReason, PollOptionView, PollState, PollView, QuestionView, SignalStatus, UpvoteArgs, UpvoteQuestion,
    VoteArgs, VotingView,
};
use elements_protocol::event::{ElementKind, PollKind};
use elements_protocol::signal::Answer;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{invoke, load};
use crate::i18n;
use crate::t;
use crate::widgets::{error_sentence, show_loading};

#[component]
pub fn Voting() -> impl IntoView {
    // Answers leave the device in the background; their decisions and new tallies show up here
    // when the core says they arrived.
    let voting = load::<GetVoting>(|| NoArgs {}).refresh_on(Changed::Element(ElementKind::Voting));
    let answered = move |v: VotingView| voting.state.set(Some(Ok(v)));
    move || {
        show_loading(voting.state.get(), move |v| match v {
            v if v.polls.is_empty() => view! {
                <p class="empty" data-testid="element-voting">{t!("voting-none")}</p>
            }
            .into_any(),
            v => {
                let device_can_vote = v.can_vote;
                let ticketed = v.ticketed;
                view! {
            <section class="voting" data-testid="element-voting">
                {v.offline_reason.map(|r| view! {
                    <p class="voting-note" data-testid="voting-note" data-reason=offline_key(r)>{offline_text(r)}</p>
                })}
                <div class="polls">
                    {v.polls.into_iter().map(|p| view! {
                        <PollCard poll=p device_can_vote=device_can_vote ticketed=ticketed on_answered=answered />
                    }).collect_view()}
                </div>
            </section>
            }
            .into_any()
            }
        })
    }
}

fn offline_key(reason: OfflineReason) -> &'static str {
    match reason {
        OfflineReason::VenueScreen => "venue_screen",
        OfflineReason::DemoEvent => "demo_event",
        OfflineReason::NoCode => "no_code",
    }
}

fn offline_text(reason: OfflineReason) -> String {
    match reason {
        OfflineReason::VenueScreen => t!("voting-offline-venue-screen"),
        OfflineReason::DemoEvent => t!("voting-offline-demo"),
        OfflineReason::NoCode => t!("voting-offline-no-code"),
    }
}

/// The person's answer in words: the option, the options, the rating, the text, what they
/// ranked first. `None` for a single choice, which the vote lines name as an option.
fn answer_label(poll: &PollView, mine: &MyVote) -> (bool, String) {
    let label = |id: &str| poll.options.iter().find(|o| o.id == id).map(|o| o.label.clone()).unwrap_or_default();
    match &mine.answer {
        Some(Answer::Choices { option_ids }) => {
            (false, option_ids.iter().map(|o| label(o)).collect::<Vec<_>>().join(", "))
        }
        Some(Answer::Ranking { option_ids }) => {
            (false, t!("ranking-first", option = option_ids.first().map(|o| label(o)).unwrap_or_default()))
        }
        Some(Answer::Rating { value }) => {
            (false, t!("poll-rate", value = *value, max = poll.scale.map(|s| s.max).unwrap_or(5)))
        }
        Some(Answer::Text { text }) => (false, format!("“{text}”")),
        Some(Answer::Choice { option_id }) => (true, label(option_id)),
        None => (true, label(&mine.option_id)),
    }
}

fn status_line(mine: &MyVote, (is_vote, label): (bool, String)) -> (&'static str, String) {
    // The rule in the person's language; the backend's words only where it gave no rule.
    let why = || match mine.reason {
        Some(r) => error_sentence("refused", Some(r)),
        None => mine.message.clone().unwrap_or_default(),
    };
    match (mine.status, is_vote) {
        (SignalStatus::Waiting, true) => ("waiting", t!("vote-waiting", option = label)),
        (SignalStatus::Accepted, true) => ("accepted", t!("vote-accepted", option = label)),
        (SignalStatus::Rejected, true) => ("rejected", t!("vote-rejected", option = label, why = why())),
        (SignalStatus::Waiting, false) => ("waiting", t!("answer-waiting", answer = label)),
        (SignalStatus::Accepted, false) => ("accepted", t!("answer-accepted", answer = label)),
        (SignalStatus::Rejected, false) => ("rejected", t!("answer-rejected", answer = label, why = why())),
    }
}

/// One poll: its question, the way to answer it by its kind, its results, and the person's
/// answer. Sends the answer itself; `on_answered` gets the voting view that comes back.
#[component]
pub fn PollCard(
    poll: PollView,
    /// False on a venue screen: results only.
    device_can_vote: bool,
    /// Whether this device joined with a personal ticket, if known.
    ticketed: Option<bool>,
    on_answered: impl Fn(VotingView) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let refused = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let answered = move |answer: Result<VotingView, ApiError>| {
        busy.set(false);
        match answer {
            Ok(v) => on_answered(v),
            Err(e) => refused.set(Some(e)),
        }
    };
    let poll_id = poll.id.clone();
    let send = {
        let poll_id = poll_id.clone();
        move |answer: Answer| {
            refused.set(None);
            busy.set(true);
            let args = AnswerArgs { poll_id: poll_id.clone(), answer };
            spawn_local(async move { answered(invoke::<AnswerPoll>(&args).await) });
        }
    };
    let vote = {
        let poll_id = poll_id.clone();
        move |option_id: String| {
            refused.set(None);
            busy.set(true);
            let args = VoteArgs { poll_id: poll_id.clone(), option_id };
            spawn_local(async move { answered(invoke::<CastVote>(&args).await) });
        }
    };
    let state = match poll.state {
        PollState::Open => "open",
        PollState::Upcoming => "upcoming",
        PollState::Closed => "closed",
    };
    // A ticket-only poll is closed to a device known to have joined with a shared code.
    let ticket_barred = poll.requires_ticket && ticketed == Some(false);
    let may_act = device_can_vote && !ticket_barred && poll.state == PollState::Open;
    // Someone may answer while the poll is open and no answer of theirs stands, or change it.
    let can_answer =
        may_act && (poll.can_change || poll.my_vote.as_ref().is_none_or(|v| v.status == SignalStatus::Rejected));
    let mine = poll.my_vote.clone();
    let answered_already = mine.as_ref().is_some_and(|m| m.status != SignalStatus::Rejected);
    // Figures once there is something to show: answers counted, your own, or a closed poll.
    let show_results = !poll.results_hidden && (poll.total > 0 || answered_already || poll.state == PollState::Closed);
    let requires_ticket = poll.requires_ticket;
    let total = poll.total;
    let body = match poll.kind {
        PollKind::SingleChoice | PollKind::Quiz => choice_view(&poll, can_answer, show_results, vote).into_any(),
        PollKind::MultipleChoice => several_view(&poll, can_answer, show_results, send).into_any(),
        PollKind::Rating => rating_view(&poll, can_answer, show_results, send).into_any(),
        PollKind::OpenText => text_view(&poll, can_answer, send).into_any(),
        PollKind::Ranking => ranking_view(&poll, can_answer, show_results, send).into_any(),
        PollKind::Questions => questions_view(&poll, may_act, answered, refused, busy).into_any(),
    };
    let quiz_line = (poll.kind == PollKind::Quiz).then(|| {
        let right = poll.correct_option_id.as_ref().and_then(|c| poll.options.iter().find(|o| o.id == *c));
        match (mine.as_ref().and_then(|m| m.correct), right) {
            (Some(true), _) => Some(view! { <p class="quiz-line" data-testid="quiz-result" data-correct="true">{t!("quiz-right")}</p> }),
            (Some(false), Some(r)) => Some(view! {
                <p class="quiz-line" data-testid="quiz-result" data-correct="false">{t!("quiz-wrong", option = r.label.clone())}</p>
            }),
            _ => None,
        }
    });
    let mine_line = mine.as_ref().filter(|_| poll.kind != PollKind::Questions).map(|m| {
        let (status, text) = status_line(m, answer_label(&poll, m));
        view! { <p class="my-vote" data-testid="my-vote" data-status=status>{text}</p> }
    });
    let kind_label = kind_label(poll.kind);
    // A timed quiz round: a bar that drains over the seconds left (a CSS animation: no timer
    // in the page), and the round's length in words.
    let timer = poll.seconds_left.zip(poll.timer_seconds).map(|(left, length)| {
        let start = (left * 100).checked_div(length).unwrap_or(0).min(100);
        view! {
            <div class="quiz-timer" data-testid="quiz-timer">
                <p class="muted poll-note">{t!("quiz-round", n = length)}</p>
                <div class="quiz-timer-track" aria-hidden="true">
                    <span style=format!("width: {start}%; animation-duration: {left}s")></span>
                </div>
            </div>
        }
    });
    let can_change_note =
        (poll.can_change && may_act).then(|| view! { <p class="muted poll-note">{t!("poll-can-change")}</p> });
    view! {
        <article class="poll" data-testid=format!("poll-{}", poll.id) data-state=state data-kind=poll.kind.as_str()>
            <div class="poll-top">
                <span class="poll-state" data-state=state>{match poll.state {
                    PollState::Upcoming => t!("poll-opens", when = i18n::short_date_time(&poll.opens)),
                    PollState::Open => t!("poll-open-until", time = i18n::time_of(&poll.closes)),
                    PollState::Closed => t!("poll-closed", when = i18n::short_date_time(&poll.closes)),
                }}</span>
                {kind_label.map(|k| view! { <span class="poll-kind">{k}</span> })}
                {poll.session_title.clone().map(|t| view! { <span class="poll-session">{t}</span> })}
            </div>
            <h2 class="poll-question">{poll.question.clone()}</h2>
            {timer}
            {body}
            {poll.results_hidden.then(|| view! {
                <p class="poll-hidden muted" data-testid="results-hidden">{t!("poll-results-hidden")}</p>
            })}
            {(poll.kind != PollKind::Questions).then(|| view! {
                <p class="poll-total muted">{match poll.kind {
                    PollKind::SingleChoice | PollKind::Quiz => t!("votes-counted", n = total),
                    _ => t!("poll-answered", n = total),
                }}</p>
            })}
            {quiz_line}
            {mine_line}
            {can_change_note}
            {requires_ticket.then(|| view! {
                <p class="poll-ticket muted" data-testid="ticket-only">
                    {if ticket_barred { t!("poll-ticket-barred") } else { t!("poll-ticket-only") }}
                </p>
            })}
            {move || refused.get().map(|e| view! {
                <p class="my-vote" data-status="refused" role="alert" data-testid="poll-refusal" title=e.message.clone()>
                    {error_sentence(e.code.as_str(), e.reason)} " " <span class="refusal-detail">{e.message.clone()}</span>
                </p>
            })}
        </article>
    }
}

/// The kind, said on polls that are not a plain single choice.
fn kind_label(kind: PollKind) -> Option<String> {
    match kind {
        PollKind::SingleChoice => None,
        PollKind::MultipleChoice => Some(t!("poll-kind-multiple")),
        PollKind::Rating => Some(t!("poll-kind-rating")),
        PollKind::OpenText => Some(t!("poll-kind-words")),
        PollKind::Ranking => Some(t!("poll-kind-ranking")),
        PollKind::Quiz => Some(t!("poll-kind-quiz")),
        PollKind::Questions => Some(t!("poll-kind-questions")),
    }
}

/// An option as a bar: its label, and its share once results show.
fn bar(o: &PollOptionView, show_results: bool, figure: String) -> impl IntoView {
    let width = format!("width: {}%", o.percent);
    view! {
        {show_results.then(|| view! { <span class="poll-bar" style=width></span> })}
        <span class="poll-label">{o.label.clone()}</span>
        {show_results.then(|| view! { <span class="poll-figure">{figure}</span> })}
    }
}

fn choice_view(
    poll: &PollView,
    can_answer: bool,
    show_results: bool,
    vote: impl Fn(String) + Clone + 'static,
) -> impl IntoView {
    let mine = poll.my_vote.clone().filter(|m| m.status != SignalStatus::Rejected).map(|m| m.option_id);
    let correct = poll.correct_option_id.clone();
    let poll_id = poll.id.clone();
    view! {
        <ul class="poll-options">
            {poll.options.iter().map(|o| {
                let chosen = mine.as_deref() == Some(o.id.as_str());
                let is_correct = correct.as_deref() == Some(o.id.as_str());
                let oid = o.id.clone();
                let vote = vote.clone();
                view! {
                    <li>
                        <button
                            class="poll-option"
                            class:chosen=chosen
                            class:correct=is_correct
                            disabled=!can_answer || chosen
                            aria-pressed=chosen.to_string()
                            data-testid=format!("vote-{}-{}", poll_id, o.id)
                            on:click=move |_| vote(oid.clone())
                        >
                            {bar(o, show_results, format!("{}%", o.percent))}
                        </button>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

fn several_view(
    poll: &PollView,
    can_answer: bool,
    show_results: bool,
    send: impl Fn(Answer) + Clone + 'static,
) -> impl IntoView {
    let previous: Vec<String> = match poll.my_vote.as_ref().and_then(|m| m.answer.clone()) {
        Some(Answer::Choices { option_ids }) => option_ids,
        _ => Vec::new(),
    };
    let picked = RwSignal::new(previous.clone());
    let max = poll.max_choices.map(|m| m as usize).unwrap_or(usize::MAX);
    let poll_id = poll.id.clone();
    view! {
        {poll.max_choices.map(|m| view! { <p class="muted poll-note">{t!("poll-pick-up-to", n = m)}</p> })}
        <ul class="poll-options">
            {poll.options.iter().map(|o| {
                let oid = o.id.clone();
                let id_for_check = o.id.clone();
                let on = move || picked.with(|p| p.contains(&id_for_check));
                view! {
                    <li>
                        <label class="poll-option checkable" class:chosen=on.clone()>
                            <input type="checkbox" disabled=!can_answer prop:checked=on.clone()
                                data-testid=format!("choose-{}-{}", poll_id, o.id)
                                on:change=move |_| picked.update(|p| {
                                    match p.iter().position(|x| *x == oid) {
                                        Some(i) => { p.remove(i); }
                                        None => p.push(oid.clone()),
                                    }
                                }) />
                            {bar(o, show_results, o.votes.to_string())}
                        </label>
                    </li>
                }
            }).collect_view()}
        </ul>
        {can_answer.then(|| {
            let previous = previous.clone();
            view! {
                <button class="primary poll-send" data-testid=format!("send-{}", poll.id)
                    disabled=move || picked.with(|p| p.is_empty() || p.len() > max || *p == previous)
                    on:click=move |_| send(Answer::Choices { option_ids: picked.get_untracked() })>
                    {t!("poll-send")}
                </button>
            }
        })}
    }
}

fn rating_view(
    poll: &PollView,
    can_answer: bool,
    show_results: bool,
    send: impl Fn(Answer) + Clone + 'static,
) -> impl IntoView {
    let scale = poll.scale.unwrap_or_default();
    let stars = scale.min >= 1 && scale.max <= 5;
    let mine = match poll.my_vote.as_ref().filter(|m| m.status != SignalStatus::Rejected).and_then(|m| m.answer.clone())
    {
        Some(Answer::Rating { value }) => Some(value),
        _ => None,
    };
    let poll_id = poll.id.clone();
    view! {
        <div class="rating" class:stars=stars role="group" aria-label=t!("poll-kind-rating")>
            {(scale.min..=scale.max).map(|value| {
                let filled = mine.is_some_and(|m| value <= m) && stars;
                let chosen = mine == Some(value);
                let send = send.clone();
                view! {
                    <button class="rating-value" class:filled=filled class:chosen=chosen
                        disabled=!can_answer || chosen
                        aria-label=t!("poll-rate", value = value, max = scale.max)
                        aria-pressed=chosen.to_string()
                        data-testid=format!("rate-{}-{}", poll_id, value)
                        on:click=move |_| send(Answer::Rating { value })>
                        {if stars { "★".to_string() } else { value.to_string() }}
                    </button>
                }
            }).collect_view()}
        </div>
        {(show_results && poll.total > 0).then(|| view! {
            <p class="rating-average" data-testid="rating-average">
                {t!("poll-average", average = format!("{:.1}", poll.average.unwrap_or(0.0)), max = scale.max)}
            </p>
            <ul class="poll-options rating-bars">
                {poll.options.iter().rev().map(|o| view! {
                    <li class="poll-option static">{bar(o, true, o.votes.to_string())}</li>
                }).collect_view()}
            </ul>
        })}
    }
}

fn text_view(poll: &PollView, can_answer: bool, send: impl Fn(Answer) + Clone + 'static) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let most = poll.words.first().map(|w| w.votes).unwrap_or(1).max(1) as f32;
    let poll_id = poll.id.clone();
    view! {
        {can_answer.then(|| view! {
            <form class="poll-text" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                send(Answer::Text { text: text.get_untracked() });
                text.set(String::new());
            }>
                <input type="text" maxlength="280" data-testid=format!("text-{}", poll_id)
                    aria-label=t!("poll-text-label") placeholder=t!("poll-text-label")
                    prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev)) />
                <button class="primary" type="submit" disabled=move || text.get().trim().is_empty()>{t!("poll-send")}</button>
            </form>
        })}
        {(!poll.words.is_empty()).then(|| view! {
            <p class="word-cloud" data-testid="word-cloud">
                {poll.words.iter().map(|w| {
                    // From 0.9 to 2.4 rem by how many used the word, relative to the most used.
                    let size = 0.9 + 1.5 * (w.votes as f32 / most);
                    view! {
                        <span class="word" style=format!("font-size: {size:.2}rem") title=w.votes.to_string()>{w.label.clone()}</span>
                        " "
                    }
                }).collect_view()}
            </p>
        })}
    }
}

fn ranking_view(
    poll: &PollView,
    can_answer: bool,
    show_results: bool,
    send: impl Fn(Answer) + Clone + 'static,
) -> impl IntoView {
    let labels: Vec<(String, String)> = poll.options.iter().map(|o| (o.id.clone(), o.label.clone())).collect();
    let previous: Vec<String> = match poll.my_vote.as_ref().and_then(|m| m.answer.clone()) {
        Some(Answer::Ranking { option_ids }) => option_ids,
        _ => labels.iter().map(|(id, _)| id.clone()).collect(),
    };
    let already = poll.my_vote.as_ref().is_some_and(|m| m.status != SignalStatus::Rejected);
    let order = RwSignal::new(previous.clone());
    let label_of = move |id: &str| labels.iter().find(|(i, _)| i == id).map(|(_, l)| l.clone()).unwrap_or_default();
    let swap = move |i: usize, j: usize| order.update(|o| o.swap(i, j));
    let poll_id = poll.id.clone();
    let results: Vec<PollOptionView> = {
        let mut r = poll.options.clone();
        r.sort_by(|a, b| b.votes.cmp(&a.votes));
        r
    };
    view! {
        {can_answer.then(|| {
            let label_of = label_of.clone();
            let poll_id = poll_id.clone();
            let previous = previous.clone();
            view! {
                <p class="muted poll-note">{t!("poll-rank-hint")}</p>
                <ol class="ranking" data-testid=format!("ranking-{}", poll_id)>
                    {move || {
                        let ids = order.get();
                        let n = ids.len();
                        ids.into_iter().enumerate().map(|(i, id)| {
                            let label = label_of(&id);
                            view! {
                                <li class="rank-item" data-option=id.clone()>
                                    <span class="rank-place">{i + 1}</span>
                                    <span class="rank-label">{label.clone()}</span>
                                    <button class="rank-move" disabled=i == 0
                                        aria-label=t!("poll-move-up", option = label.clone())
                                        on:click=move |_| swap(i, i - 1)>"↑"</button>
                                    <button class="rank-move" disabled=i + 1 == n
                                        aria-label=t!("poll-move-down", option = label.clone())
                                        on:click=move |_| swap(i, i + 1)>"↓"</button>
                                </li>
                            }
                        }).collect_view()
                    }}
                </ol>
                <button class="primary poll-send" data-testid=format!("send-{}", poll_id)
                    disabled=move || already && order.with(|o| *o == previous)
                    on:click=move |_| send(Answer::Ranking { option_ids: order.get_untracked() })>
                    {t!("poll-send")}
                </button>
            }
        })}
        {show_results.then(|| view! {
            <ul class="poll-options">
                {results.iter().map(|o| view! {
                    <li class="poll-option static">{bar(o, true, t!("poll-points", n = o.votes))}</li>
                }).collect_view()}
            </ul>
        })}
    }
}

fn questions_view(
    poll: &PollView,
    may_act: bool,
    answered: impl Fn(Result<VotingView, ApiError>) + Copy + 'static,
    refused: RwSignal<Option<ApiError>>,
    busy: RwSignal<bool>,
) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let anonymous = RwSignal::new(false);
    let poll_id = poll.id.clone();
    let ask = {
        let poll_id = poll_id.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            refused.set(None);
            busy.set(true);
            let args =
                AskArgs { poll_id: poll_id.clone(), text: text.get_untracked(), anonymous: anonymous.get_untracked() };
            spawn_local(async move {
                let answer = invoke::<AskQuestion>(&args).await;
                if answer.is_ok() {
                    text.set(String::new());
                }
                answered(answer)
            });
        }
    };
    let upvote = move |poll_id: String, question_id: String| {
        refused.set(None);
        let args = UpvoteArgs { poll_id, question_id };
        spawn_local(async move { answered(invoke::<UpvoteQuestion>(&args).await) });
    };
    let questions: Vec<QuestionView> = poll.questions.clone();
    view! {
        {may_act.then(|| view! {
            <form class="ask" data-testid=format!("ask-{}", poll_id) on:submit=ask>
                <textarea rows="2" maxlength="280" data-testid="ask-text"
                    aria-label=t!("qa-your-question") placeholder=t!("qa-your-question")
                    prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                <div class="ask-row">
                    <label class="check">
                        <input type="checkbox" data-testid="ask-anonymous" prop:checked=move || anonymous.get()
                            on:change=move |_| anonymous.update(|a| *a = !*a) />
                        {t!("qa-anonymous")}
                    </label>
                    <button class="primary" type="submit" data-testid="ask-send"
                        disabled=move || busy.get() || text.get().trim().is_empty()>{t!("qa-ask")}</button>
                </div>
            </form>
        })}
        {if questions.is_empty() {
            view! { <p class="muted">{t!("qa-none")}</p> }.into_any()
        } else {
            view! {
                <ol class="questions" data-testid="questions">
                    {questions.into_iter().map(|q| {
                        let (pid, qid) = (poll_id.clone(), q.id.clone());
                        view! {
                            <li class="question" class:mine=q.mine data-testid="question" data-question-id=q.id.clone()>
                                <button class="upvote" class:done=q.upvoted
                                    disabled=!may_act || q.upvoted || q.mine
                                    aria-label=t!("qa-upvote", n = q.upvotes)
                                    data-testid="upvote"
                                    on:click=move |_| upvote(pid.clone(), qid.clone())>
                                    <span aria-hidden="true">"▲"</span>
                                    <span class="upvotes">{q.upvotes}</span>
                                </button>
                                <div class="question-body">
                                    <p class="question-text">{q.text.clone()}</p>
                                    <p class="muted question-meta">
                                        {if q.mine { t!("qa-yours") } else { q.author.clone().unwrap_or_else(|| t!("qa-anonymous-author")) }}
                                        " · " {i18n::time_of(&q.asked)}
                                        {q.waiting.then(|| format!(" · {}", t!("qa-waiting")))}
                                    </p>
                                </div>
                            </li>
                        }
                    }).collect_view()}
                </ol>
            }.into_any()
        }}
    }
}
