//! The voting Element: polls with their results, and casting a vote: decided on the device by
//! the event's rules, written to the outbox, sent when the network allows.

use super::*;

/// The polls, their last known results, and this person's vote with where it stands.
pub(super) fn voting(api: &AppApi) -> Result<VotingView, ApiError> {
    let store = api.store()?;
    let event = store.loaded_event()?.ok_or_else(no_event)?;
    let polls = store.polls()?;
    let results: HashMap<String, _> = store.poll_results()?.into_iter().map(|r| (r.id.clone(), r)).collect();
    // The newest vote per poll that was not refused, else the newest refused one (to explain it).
    let mut mine: HashMap<String, MyVote> = HashMap::new();
    for entry in store.outbox(&event.manifest.id)? {
        let Action::Vote { poll_id, option_id } = &entry.signal.action else { continue };
        let status = match entry.decision {
            Decision::Pending => SignalStatus::Waiting,
            Decision::Accepted => SignalStatus::Accepted,
            Decision::Rejected => SignalStatus::Rejected,
        };
        let keep =
            mine.get(poll_id).is_none_or(|v| v.status == SignalStatus::Rejected || status != SignalStatus::Rejected);
        if keep {
            mine.insert(
                poll_id.clone(),
                MyVote { option_id: option_id.clone(), status, reason: entry.reason, message: entry.message.clone() },
            );
        }
    }
    let now = api.clock.now();
    let polls = polls
        .into_iter()
        .map(|p| {
            let result = results.get(&p.id);
            let total = result.map(|r| r.total).unwrap_or(0);
            let state = if now < p.opens_at {
                PollState::Upcoming
            } else if now < p.closes_at {
                PollState::Open
            } else {
                PollState::Closed
            };
            let session_title = p.session_id.as_ref().and_then(|id| store.session(id).ok().flatten()).map(|s| s.title);
            PollView {
                options: p
                    .options
                    .iter()
                    .map(|o| {
                        let votes = result
                            .and_then(|r| r.counts.iter().find(|c| c.option_id == o.id))
                            .map(|c| c.votes)
                            .unwrap_or(0);
                        let percent = (votes * 100 + total / 2).checked_div(total).unwrap_or(0) as u32;
                        PollOptionView { id: o.id.clone(), label: o.label.clone(), votes, percent }
                    })
                    .collect(),
                my_vote: mine.remove(&p.id),
                requires_ticket: p.requires_ticket,
                id: p.id,
                question: p.question,
                opens: p.opens_at.format("%Y-%m-%dT%H:%M").to_string(),
                closes: p.closes_at.format("%Y-%m-%dT%H:%M").to_string(),
                state,
                session_title,
                total,
            }
        })
        .collect();
    // The code redeemed where votes go, read once: role, whether it is a ticket.
    let credential = signals::credential_for(&store, &event, ElementKind::Voting)?;
    let (can_vote, offline_reason) = signals::can_act(api, &event, credential.as_ref());
    let ticketed = credential.and_then(|c| c.ticketed);
    Ok(VotingView { polls, offline_reason, can_vote, ticketed })
}

/// Decides the vote on the device (the event's own rules), writes it to the outbox and wakes
/// the sync engine. A vote the rules refuse is not written; the person is told why.
pub(super) fn cast_vote(api: &AppApi, args: VoteArgs) -> Result<VotingView, ApiError> {
    signals::act(api, Action::Vote { poll_id: args.poll_id, option_id: args.option_id })?;
    voting(api)
}
