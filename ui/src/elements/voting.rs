//! The voting Element: the event's polls, their results as the backend counted them, and the
//! person's own vote with where it stands (waiting to send, counted, or refused and why).

use elements_protocol::app::{
    ApiError, CastVote, Changed, GetVoting, MyVote, NoArgs, OfflineReason, PollState, PollView, SignalStatus, VoteArgs,
};
use elements_protocol::event::ElementKind;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{invoke, load};
use crate::i18n;
use crate::shell::{error_sentence, show_loading};
use crate::t;

#[component]
pub fn Voting() -> impl IntoView {
    // Votes leave the device in the background; their answers and new tallies show up here
    // when the core says they arrived.
    let voting = load::<GetVoting>(|| NoArgs {}).refresh_on(Changed::Element(ElementKind::Voting));
    let refusal = RwSignal::new(None::<(String, ApiError)>);
    let cast = move |poll_id: String, option_id: String| {
        refusal.set(None);
        spawn_local(async move {
            match invoke::<CastVote>(&VoteArgs { poll_id: poll_id.clone(), option_id }).await {
                Ok(v) => voting.state.set(Some(Ok(v))),
                Err(e) => refusal.set(Some((poll_id, e))),
            }
        });
    };
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
                    {v.polls.into_iter().map(|p| {
                        let refused = refusal.get_untracked().filter(|(id, _)| *id == p.id).map(|(_, e)| e);
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

fn status_line(mine: &MyVote, label: &str) -> (&'static str, String) {
    let label = label.to_string();
    match mine.status {
        SignalStatus::Waiting => ("waiting", t!("vote-waiting", option = label)),
        SignalStatus::Accepted => ("accepted", t!("vote-accepted", option = label)),
        SignalStatus::Rejected => {
            // The rule in the person's language; the backend's words only where it gave no rule.
            let why = match mine.reason {
                Some(r) => error_sentence("refused", Some(r)),
                None => mine.message.clone().unwrap_or_default(),
            };
            ("rejected", t!("vote-rejected", option = label, why = why))
        }
    }
}

#[component]
fn PollCard(
    poll: PollView,
    refused: Option<ApiError>,
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
                <span class="poll-state" data-state=state>{match poll.state {
                    PollState::Upcoming => t!("poll-opens", when = i18n::short_date_time(&poll.opens)),
                    PollState::Open => t!("poll-open-until", time = i18n::time_of(&poll.closes)),
                    PollState::Closed => t!("poll-closed", when = i18n::short_date_time(&poll.closes)),
                }}</span>
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
                {t!("votes-counted", n = total)}
            </p>
            {mine.map(|m| {
                let (status, text) = status_line(&m, &mine_label);
                view! { <p class="my-vote" data-testid="my-vote" data-status=status>{text}</p> }
            })}
            {requires_ticket.then(|| view! {
                <p class="poll-ticket muted" data-testid="ticket-only">
                    {if ticket_barred { t!("poll-ticket-barred") } else { t!("poll-ticket-only") }}
                </p>
            })}
            {refused.map(|e| view! {
                <p class="my-vote" data-status="refused" role="alert" title=e.message.clone()>{error_sentence(e.code.as_str(), e.reason)}</p>
            })}
        </article>
    }
}
