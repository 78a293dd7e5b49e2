//! The voting Element: polls of every kind with their results, this person's answer with where
//! it stands, Q&A questions sorted live; answering, asking and upvoting decided on the device by
//! the event's rules, written to the outbox, sent when the network allows.

use elements_protocol::app::{AnswerArgs, AskArgs, QuestionView, UpvoteArgs};
use elements_protocol::event::PollKind;
use elements_protocol::live::PollResult;
use elements_protocol::signal::Answer;

use super::*;

/// The polls, their last known results, and this person's answers with where they stand.
pub(super) fn voting(api: &AppApi) -> Result<VotingView, ApiError> {
    let store = api.store()?;
    let event = store.loaded_event()?.ok_or_else(no_event)?;
    let polls = store.polls()?;
    let mut views = poll_views(api, &store, &event, polls)?;
    by_what_can_be_answered(&mut views);
    // The code redeemed where votes go, read once: role, whether it is a ticket.
    let credential = signals::credential_for(&store, &event, ElementKind::Voting)?;
    let (can_vote, offline_reason) = signals::can_act(api, &event, credential.as_ref());
    let ticketed = credential.and_then(|c| c.ticketed);
    Ok(VotingView { polls: views, offline_reason, can_vote, ticketed })
}

/// Open polls first (what a person can answer now), then those to come, then closed ones;
/// the event's order within each.
fn by_what_can_be_answered(views: &mut [PollView]) {
    let rank = |s: PollState| match s {
        PollState::Open => 0,
        PollState::Upcoming => 1,
        PollState::Closed => 2,
    };
    views.sort_by_key(|p| rank(p.state));
}

/// `polls` as the voting screen and a session's page show them.
pub(super) fn poll_views(
    api: &AppApi,
    store: &Cache,
    event: &crate::cache::LoadedEvent,
    polls: Vec<Poll>,
) -> Result<Vec<PollView>, ApiError> {
    let results: HashMap<String, PollResult> = store.poll_results()?.into_iter().map(|r| (r.id.clone(), r)).collect();
    let outbox = store.outbox(&event.manifest.id)?;
    let questions = store.questions()?;
    // The newest answer per poll that was not refused, else the newest refused one (to explain it).
    let mut mine: HashMap<String, MyVote> = HashMap::new();
    for entry in &outbox {
        let Some((poll_id, answer)) = elements_domain::voting::answer_of(&entry.signal.action) else { continue };
        let status = status_of(entry.decision);
        let keep =
            mine.get(poll_id).is_none_or(|v| v.status == SignalStatus::Rejected || status != SignalStatus::Rejected);
        if keep {
            let option_id = match &answer {
                Answer::Choice { option_id } => option_id.clone(),
                _ => String::new(),
            };
            mine.insert(
                poll_id.to_string(),
                MyVote {
                    option_id,
                    answer: Some(answer),
                    correct: None,
                    status,
                    reason: entry.reason,
                    message: entry.message.clone(),
                },
            );
        }
    }
    let now = api.clock.now();
    // Times are shown in the venue's local time, whatever offset a backend wrote them in.
    let offset = event.manifest.days.first().map(|d| *d.starts_at.offset()).unwrap_or(chrono::Utc.fix());
    let mut views = Vec::with_capacity(polls.len());
    for p in polls {
        let result = results.get(&p.id);
        // A timed quiz round closes when its timer runs out.
        let deadline = p.deadline();
        let state = if now < p.opens_at {
            PollState::Upcoming
        } else if now < deadline {
            PollState::Open
        } else {
            PollState::Closed
        };
        let seconds_left = (state == PollState::Open && p.timer_seconds.is_some())
            .then(|| (deadline.to_utc() - now).num_seconds().max(0) as u32);
        let session_title = p.session_id.as_ref().and_then(|id| store.session(id).ok().flatten()).map(|s| s.title);
        let total = result.map(|r| r.total).unwrap_or(0);
        let count_of =
            |key: &str| result.and_then(|r| r.counts.iter().find(|c| c.option_id == key)).map(|c| c.votes).unwrap_or(0);
        // Shares of the answers (choices) or of all the points (a ranking's Borda points).
        let base = match p.kind {
            PollKind::Ranking => p.options.iter().map(|o| count_of(&o.id)).sum::<u64>(),
            _ => total,
        };
        let share = |votes: u64| (votes * 100 + base / 2).checked_div(base).unwrap_or(0) as u32;
        let options: Vec<PollOptionView> = match p.kind {
            PollKind::Rating => elements_domain::voting::scale_keys(p.scale)
                .into_iter()
                .map(|k| {
                    let votes = count_of(&k);
                    PollOptionView { label: k.clone(), id: k, votes, percent: share(votes) }
                })
                .collect(),
            _ => p
                .options
                .iter()
                .map(|o| {
                    let votes = count_of(&o.id);
                    PollOptionView { id: o.id.clone(), label: o.label.clone(), votes, percent: share(votes) }
                })
                .collect(),
        };
        let average = (p.kind == PollKind::Rating && total > 0).then(|| {
            let sum: u64 = options.iter().map(|o| o.votes * o.id.parse::<u64>().unwrap_or(0)).sum();
            let counted: u64 = options.iter().map(|o| o.votes).sum();
            ((sum as f64 / counted.max(1) as f64) * 10.0).round() as f32 / 10.0
        });
        let words = match (p.kind, result) {
            (PollKind::OpenText, Some(r)) => r
                .counts
                .iter()
                .map(|c| PollOptionView {
                    id: c.option_id.clone(),
                    label: c.option_id.clone(),
                    votes: c.votes,
                    percent: share(c.votes),
                })
                .collect(),
            _ => Vec::new(),
        };
        let mut my_vote = mine.remove(&p.id);
        let answered = my_vote.as_ref().is_some_and(|v| v.status != SignalStatus::Rejected);
        if let (Some(v), Some(correct)) = (my_vote.as_mut(), p.correct_option_id.as_ref()) {
            if p.kind == PollKind::Quiz && !v.option_id.is_empty() {
                v.correct = Some(v.option_id == *correct);
            }
        }
        let correct_option_id = p
            .correct_option_id
            .clone()
            .filter(|_| p.kind == PollKind::Quiz && (answered || state == PollState::Closed));
        let questions =
            if p.kind == PollKind::Questions { question_views(&p.id, &questions, &outbox, offset) } else { Vec::new() };
        views.push(PollView {
            can_change: answered && state == PollState::Open && p.kind != PollKind::Quiz,
            seconds_left,
            timer_seconds: p.timer_seconds,
            results_hidden: result.is_some_and(|r| r.hidden) || (p.hide_results && result.is_none()),
            options,
            my_vote,
            requires_ticket: p.requires_ticket,
            kind: p.kind,
            max_choices: p.max_choices,
            scale: (p.kind == PollKind::Rating).then(|| p.scale.unwrap_or_default()),
            average,
            words,
            correct_option_id,
            questions,
            id: p.id,
            question: p.question,
            opens: p.opens_at.format("%Y-%m-%dT%H:%M").to_string(),
            closes: deadline.format("%Y-%m-%dT%H:%M").to_string(),
            state,
            session_title,
            total,
        });
    }
    Ok(views)
}

fn status_of(decision: Decision) -> SignalStatus {
    match decision {
        Decision::Pending => SignalStatus::Waiting,
        Decision::Accepted => SignalStatus::Accepted,
        Decision::Rejected => SignalStatus::Rejected,
    }
}

/// A Q&A poll's questions as the backend last told them, with this person's own questions and
/// upvotes that are not confirmed yet folded in; most upvoted first, then oldest first.
fn question_views(
    poll_id: &str,
    known: &[elements_protocol::live::Question],
    outbox: &[crate::cache::OutboxEntry],
    offset: chrono::FixedOffset,
) -> Vec<QuestionView> {
    let mut views: Vec<QuestionView> = known
        .iter()
        .filter(|q| q.poll_id == poll_id)
        .map(|q| QuestionView {
            id: q.id.clone(),
            text: q.text.clone(),
            author: q.author.clone(),
            upvotes: q.upvotes,
            asked: q.asked_at.with_timezone(&offset).format("%Y-%m-%dT%H:%M").to_string(),
            mine: false,
            upvoted: false,
            waiting: false,
        })
        .collect();
    for entry in outbox.iter().filter(|e| e.decision != Decision::Rejected) {
        let pending = entry.decision == Decision::Pending;
        match &entry.signal.action {
            Action::Ask { poll_id: p, question_id, text, .. } if p == poll_id => {
                match views.iter_mut().find(|q| q.id == *question_id) {
                    Some(q) => q.mine = true,
                    None => views.push(QuestionView {
                        id: question_id.clone(),
                        text: text.trim().to_string(),
                        author: None,
                        upvotes: 0,
                        asked: entry.signal.created_at.with_timezone(&offset).format("%Y-%m-%dT%H:%M").to_string(),
                        mine: true,
                        upvoted: false,
                        waiting: pending,
                    }),
                }
            }
            Action::Upvote { poll_id: p, question_id } if p == poll_id => {
                if let Some(q) = views.iter_mut().find(|q| q.id == *question_id) {
                    q.upvoted = true;
                    // Counted here until the backend's count, which includes it, arrives.
                    if pending {
                        q.upvotes += 1;
                        q.waiting = true;
                    }
                }
            }
            _ => {}
        }
    }
    views.sort_by(|a, b| b.upvotes.cmp(&a.upvotes).then_with(|| a.asked.cmp(&b.asked)).then_with(|| a.id.cmp(&b.id)));
    views
}

/// Decides the vote on the device (the event's own rules), writes it to the outbox and wakes
/// the sync engine. A vote the rules refuse is not written; the person is told why.
pub(super) fn cast_vote(api: &AppApi, args: VoteArgs) -> Result<VotingView, ApiError> {
    signals::act(api, Action::Vote { poll_id: args.poll_id, option_id: args.option_id })?;
    voting(api)
}

pub(super) fn answer_poll(api: &AppApi, args: AnswerArgs) -> Result<VotingView, ApiError> {
    signals::act(api, Action::Answer { poll_id: args.poll_id, answer: args.answer })?;
    voting(api)
}

pub(super) fn ask_question(api: &AppApi, args: AskArgs) -> Result<VotingView, ApiError> {
    // Random, not `<client_id>-<seq>`: question ids are public, and must not tell which
    // device asked or let anyone guess the next one.
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| ApiError::new(ErrorCode::Internal, format!("no random source: {e}")))?;
    let question_id: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    signals::act(
        api,
        Action::Ask {
            poll_id: args.poll_id,
            question_id,
            text: args.text.trim().to_string(),
            anonymous: args.anonymous,
        },
    )?;
    voting(api)
}

pub(super) fn upvote_question(api: &AppApi, args: UpvoteArgs) -> Result<VotingView, ApiError> {
    signals::act(api, Action::Upvote { poll_id: args.poll_id, question_id: args.question_id })?;
    voting(api)
}
