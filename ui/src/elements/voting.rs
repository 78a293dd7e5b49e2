//! The voting Element: the event's polls, their results as the backend counted them, and the
//! person's own vote with where it stands (waiting to send, counted, or refused and why).

use elements_protocol::app::{CastVote, GetVoting, MyVote, NoArgs, PollState, PollView, SignalStatus, VoteArgs};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{invoke, load, show};

#[component]
pub fn Voting() -> impl IntoView {
    let voting = load::<GetVoting>(|| NoArgs {});
    let refusal = RwSignal::new(None::<(String, String)>);
    // Votes leave the device in the background; their answers and new tallies show up here.
    if let Ok(handle) = set_interval_with_handle(move || voting.refresh(), std::time::Duration::from_secs(3)) {
        on_cleanup(move || handle.clear());
    }
    let cast = move |poll_id: String, option_id: String| {
        refusal.set(None);
        spawn_local(async move {
            match invoke::<CastVote>(&VoteArgs { poll_id: poll_id.clone(), option_id }).await {
                Ok(v) => voting.state.set(Some(Ok(v))),
                Err(e) => refusal.set(Some((poll_id, e.message))),
            }
        });
    };
    move || {
        show(voting.state.get(), "Loading polls…", move |v| match v {
            v if v.polls.is_empty() => view! {
                <p class="empty" data-testid="element-voting">"This event has no polls yet."</p>
            }
            .into_any(),
            v => {
                let device_can_vote = v.can_vote;
                let ticketed = v.ticketed;
                view! {
            <section class="voting" data-testid="element-voting">
                {v.offline_reason.map(|r| view! { <p class="voting-note" data-testid="voting-note">{r}</p> })}
                <div class="polls">
                    {v.polls.into_iter().map(|p| {
                        let refused = refusal.get_untracked().filter(|(id, _)| *id == p.id).map(|(_, m)| m);
                        view! { <PollCard poll=p refused=refused device_can_vote=device_can_vote ticketed=ticketed on_vote=cast /> }
                    }).collect_view()}
                </div>
            </section>
            }
            .into_any()
            }
        })
    }
}

fn status_line(mine: &MyVote, label: &str) -> (&'static str, String) {
    match mine.status {
        SignalStatus::Waiting => ("waiting", format!("Your vote: {label} · waiting to send")),
        SignalStatus::Accepted => ("accepted", format!("Your vote for {label} was counted")),
        SignalStatus::Rejected => {
            ("rejected", format!("Your vote for {label} was not counted: {}", mine.message.clone().unwrap_or_default()))
        }
    }
}

#[component]
fn PollCard(
    poll: PollView,
    refused: Option<String>,
    /// False on a venue screen: results only.
    device_can_vote: bool,
    /// Whether this device joined with a personal ticket, if known.
    ticketed: Option<bool>,
    on_vote: impl Fn(String, String) + Copy + 'static,
) -> impl IntoView {
    let state = match poll.state {
        PollState::Open => "open",
        PollState::Upcoming => "upcoming",
        PollState::Closed => "closed",
    };
    // Someone may vote while the poll is open and no vote of theirs stands.
    // A ticket-only poll is closed to a device known to have joined with a shared code.
    let ticket_barred = poll.requires_ticket && ticketed == Some(false);
    let can_vote = device_can_vote
        && !ticket_barred
        && poll.state == PollState::Open
        && poll.my_vote.as_ref().is_none_or(|v| v.status == SignalStatus::Rejected);
    // Figures once there is something to show: votes counted, your own vote, or a closed poll.
    // An upcoming poll with a column of 0% would only be noise.
    let show_results = poll.total > 0 || poll.my_vote.is_some() || poll.state == PollState::Closed;
    let mine = poll.my_vote.clone();
    let mine_label = mine
        .as_ref()
        .and_then(|m| poll.options.iter().find(|o| o.id == m.option_id))
        .map(|o| o.label.clone())
        .unwrap_or_default();
    let poll_id = poll.id.clone();
    let total = poll.total;
    let requires_ticket = poll.requires_ticket;
    view! {
        <article class="poll" data-testid=format!("poll-{}", poll.id) data-state=state>
            <div class="poll-top">
                <span class="poll-state" data-state=state>{poll.when.clone()}</span>
                {poll.session_title.clone().map(|t| view! { <span class="poll-session">{t}</span> })}
            </div>
            <h2 class="poll-question">{poll.question.clone()}</h2>
            <ul class="poll-options">
                {poll.options.into_iter().map(|o| {
                    let chosen = mine.as_ref().is_some_and(|m| m.option_id == o.id && m.status != SignalStatus::Rejected);
                    let (pid, oid) = (poll_id.clone(), o.id.clone());
                    let width = format!("width: {}%", o.percent);
                    view! {
                        <li>
                            <button
                                class="poll-option"
                                class:chosen=chosen
                                disabled=!can_vote
                                data-testid=format!("vote-{}-{}", poll_id, o.id)
                                on:click=move |_| on_vote(pid.clone(), oid.clone())
                            >
                                {show_results.then(|| view! { <span class="poll-bar" style=width.clone()></span> })}
                                <span class="poll-label">{o.label.clone()}</span>
                                {show_results.then(|| view! {
                                    <span class="poll-figure">{format!("{}%", o.percent)}</span>
                                })}
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <p class="poll-total muted">
                {match total {
                    0 => "No votes counted yet".to_string(),
                    1 => "1 vote counted".to_string(),
                    n => format!("{n} votes counted"),
                }}
            </p>
            {mine.map(|m| {
                let (status, text) = status_line(&m, &mine_label);
                view! { <p class="my-vote" data-testid="my-vote" data-status=status>{text}</p> }
            })}
            {requires_ticket.then(|| view! {
                <p class="poll-ticket muted" data-testid="ticket-only">
                    {if ticket_barred {
                        "One vote per ticket: join with the code on your personal ticket to vote here."
                    } else {
                        "One vote per ticket."
                    }}
                </p>
            })}
            {refused.map(|m| view! { <p class="my-vote" data-status="refused" role="alert">{m}</p> })}
        </article>
    }
}
