//! The staff Element: checking passes in at doors and sessions, and the reward desk. Both are
//! signals like any other (decided here at once, in the outbox, sent when the network allows);
//! what other tablets did arrives with the staff feed, so a pass two offline tablets let in
//! shows as a conflict on both once they sync.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use elements_protocol::app::{
    AdmitArgs, AdmitResult, ConflictScan, ConflictView, DeskScan, DeskScanState, GateView, RewardCodeArgs,
    RewardRedemption, StaffDesk,
};
use elements_protocol::auth::Role;
use elements_protocol::event::PoiKind;
use elements_protocol::link::Link;
use elements_protocol::signal::{Action, ActionKind, Effect};
use elements_protocol::staff::{normalize_reward_code, Gate, Pass};

use super::signals::{act, credential_for};
use super::*;
use crate::cache::{Decision, LoadedEvent};

/// How many of this tablet's scans the desk lists.
const RECENT: usize = 30;

fn hhmm(event: &LoadedEvent, t: chrono::DateTime<chrono::FixedOffset>) -> String {
    elements_domain::format_hhmm(&t.with_timezone(&offset_of(event)))
}

/// What a scanned or typed pass is: a join link with a code is a ticket, a badge link a badge;
/// typed text may be either (ticket codes can look like badge codes), so the backend says.
pub(super) fn pass_of(text: &str) -> Result<Pass, ApiError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ApiError::new(ErrorCode::InvalidArgument, "scan a ticket or badge, or type its code"));
    }
    match Link::parse(text) {
        Ok(Link::Join { code: Some(code), .. }) => Ok(Pass::Ticket(code)),
        Ok(Link::Badge { code, .. }) => Ok(Pass::Badge(code)),
        Ok(_) | Err(elements_protocol::link::LinkError::Missing { .. }) => Err(ApiError::new(
            ErrorCode::InvalidArgument,
            "this code is not a ticket or a badge (a join code without a ticket, a checkpoint, a place?)",
        )),
        Err(_) if text.starts_with("elements:") => {
            Err(ApiError::new(ErrorCode::InvalidArgument, "this link is not one this app reads; scan the ticket again"))
        }
        Err(_) if text.chars().count() > elements_protocol::staff::MAX_PASS_CODE => {
            Err(ApiError::new(ErrorCode::InvalidArgument, "this is too long for a ticket or badge code"))
        }
        Err(_) => Ok(Pass::Code(text.to_string())),
    }
}

/// `act` answers "not found" for what is not part of the event; at the desk that is a refusal
/// with its reason (a made-up code, a door that is not there), worded as such.
fn not_ours(e: ApiError) -> ApiError {
    if e.code == ErrorCode::NotFound {
        return ApiError::refused(elements_protocol::signal::Reason::UnknownTarget, e.message);
    }
    e
}

/// [`require_staff`] for a command that has not read the cache yet, for work of `kind`.
fn staff_device(api: &AppApi, kind: ActionKind) -> Result<(), ApiError> {
    let store = api.store()?;
    let event = store.loaded_event()?.ok_or_else(no_event)?;
    require_role(&store, &event, kind)
}

/// The staff role of this device's token for the staff Element, if it has one.
fn staff_role(store: &Cache, event: &LoadedEvent) -> Result<Option<Role>, ApiError> {
    let role = credential_for(store, event, ElementKind::Staff)?.and_then(|c| c.role);
    Ok(role.as_deref().and_then(Role::parse).filter(|r| r.is_staff()))
}

/// Refuses staff work on a device without a staff token: the backend would refuse it too, and
/// a tablet that counted people it cannot send is worse than one that says so now.
fn require_staff(store: &Cache, event: &LoadedEvent) -> Result<Role, ApiError> {
    staff_role(store, event)?.ok_or_else(|| {
        ApiError::refused(
            elements_protocol::signal::Reason::NotAllowed,
            "This device is not a staff device: join the event with a staff code to check people in or give rewards.",
        )
    })
}

/// [`require_staff`], and the role may do work of `kind` (the actions table says who may).
fn require_role(store: &Cache, event: &LoadedEvent, kind: ActionKind) -> Result<(), ApiError> {
    let role = require_staff(store, event)?;
    if kind.sender().admits(role) {
        return Ok(());
    }
    let roles: Vec<&str> = kind.sender().roles().iter().map(|r| r.as_str()).collect();
    Err(ApiError::refused(
        elements_protocol::signal::Reason::NotAllowed,
        format!("This device's code is for {} work; {} is for {}.", role.as_str(), kind.as_str(), roles.join(", ")),
    ))
}

/// What a staff role may do at the desk: the panes it shows.
fn abilities(role: Option<Role>) -> elements_protocol::app::StaffAbilities {
    use elements_protocol::signal::Sender;
    let can = |sender: Sender| role.is_some_and(|r| sender.admits(r));
    elements_protocol::app::StaffAbilities {
        role,
        check_in: can(Sender::Door),
        rewards: can(Sender::Desk),
        leads: can(Sender::Exhibitor),
        polls: can(Sender::Moderator),
        live: can(Sender::Organizer),
    }
}

fn gate_name(store: &Cache, gate: &Gate) -> Result<String, ApiError> {
    Ok(match gate {
        Gate::Door(id) => store.point_of_interest(id)?.map(|p| p.name).unwrap_or_else(|| id.clone()),
        Gate::Session(id) => store.session(id)?.map(|s| s.title).unwrap_or_else(|| id.clone()),
    })
}

pub(super) fn admit_pass(api: &AppApi, args: AdmitArgs) -> Result<AdmitResult, ApiError> {
    let pass = pass_of(&args.pass)?;
    staff_device(api, ActionKind::Admit)?;
    let hint = elements_protocol::staff::hint(pass.code());
    let outcome = act(api, Action::Admit { pass, gate: args.gate.clone() }).map_err(not_ours)?;
    let store = api.store()?;
    let event = store.loaded_event()?.ok_or_else(no_event)?;
    let (conflict, first_at) = match &outcome {
        elements_protocol::signal::Outcome::Accepted { effects } => effects
            .iter()
            .find_map(|e| match e {
                Effect::Admitted { conflict, first_at, .. } => Some((*conflict, first_at.map(|t| hhmm(&event, t)))),
                _ => None,
            })
            .unwrap_or((false, None)),
        _ => (false, None),
    };
    Ok(AdmitResult { gate_name: gate_name(&store, &args.gate)?, pass_hint: hint, conflict, first_at })
}

pub(super) fn redeem_reward_code(api: &AppApi, args: RewardCodeArgs) -> Result<RewardRedemption, ApiError> {
    let code = normalize_reward_code(&args.code).ok_or_else(|| {
        ApiError::refused(
            elements_protocol::signal::Reason::Malformed,
            "a desk code is 8 letters and digits, like K7Q2-MX4P",
        )
    })?;
    staff_device(api, ActionKind::RedeemReward)?;
    let outcome = act(api, Action::RedeemReward { code: code.clone() }).map_err(not_ours)?;
    let name = match outcome {
        elements_protocol::signal::Outcome::Accepted { effects } => effects.into_iter().find_map(|e| match e {
            Effect::RewardRedeemed { name, .. } => Some(name),
            _ => None,
        }),
        _ => None,
    }
    .unwrap_or_default();
    Ok(RewardRedemption { checked: !name.is_empty(), code, name })
}

pub(super) fn staff_desk(api: &AppApi) -> Result<StaffDesk, ApiError> {
    let mut store = api.store()?;
    let event = store.loaded_event()?.ok_or_else(no_event)?;
    let role = staff_role(&store, &event)?;
    let is_staff = role.is_some();
    let me = store.client_id()?;
    let admissions = store.admissions()?;
    let outbox = store.outbox(&event.manifest.id)?;
    // Who came in where: the feed's check-ins, and this tablet's own not yet in it.
    let mut seen: BTreeMap<(Gate, String), u32> = BTreeMap::new();
    for a in &admissions {
        seen.insert((a.gate.clone(), a.holder.clone()), a.scans.len() as u32);
    }
    let in_feed: BTreeSet<&str> =
        admissions.iter().flat_map(|a| a.scans.iter().map(|s| s.signal_id.as_str())).collect();
    for entry in outbox.iter().filter(|e| e.decision != Decision::Rejected && !in_feed.contains(e.signal.id.as_str())) {
        for effect in entry.effects.iter().flatten() {
            if let Effect::Admitted { gate, holder, .. } = effect {
                *seen.entry((gate.clone(), holder.clone())).or_insert(0) += 1;
            }
        }
    }
    let mut per_gate: HashMap<Gate, (u32, u32)> = HashMap::new();
    for ((gate, _), scans) in &seen {
        let counts = per_gate.entry(gate.clone()).or_default();
        counts.0 += 1;
        if *scans > 1 {
            counts.1 += 1;
        }
    }
    let admitted_at_doors = per_gate.iter().filter(|(g, _)| matches!(g, Gate::Door(_))).map(|(_, c)| c.0).sum();

    // Doors (the venue's entrances and exits), then the sessions of the day.
    let mut gates = Vec::new();
    let rooms: HashMap<String, elements_protocol::event::Room> =
        store.rooms()?.into_iter().map(|r| (r.id.clone(), r)).collect();
    for poi in store.points_of_interest()?.into_iter().filter(|p| p.kind == PoiKind::Exit) {
        let gate = Gate::Door(poi.id.clone());
        let (admitted, conflicts) = per_gate.get(&gate).copied().unwrap_or_default();
        gates.push(GateView { gate, name: poi.name, detail: None, admitted, conflicts, capacity: None });
    }
    let now = api.clock.now();
    let days = &event.manifest.days;
    let day = elements_domain::day_of(days, &now.fixed_offset()).or_else(|| days.first().map(|d| d.index));
    if let Some(day) = day {
        for s in store.sessions_on_day(day)? {
            if s.kind == elements_protocol::event::SessionKind::Break {
                continue;
            }
            let gate = Gate::Session(s.id.clone());
            let (admitted, conflicts) = per_gate.get(&gate).copied().unwrap_or_default();
            let room = s.room_id.as_ref().and_then(|r| rooms.get(r));
            let times = format!("{}–{}", hhmm(&event, s.starts_at), hhmm(&event, s.ends_at));
            gates.push(GateView {
                gate,
                name: s.title,
                detail: Some(match room {
                    Some(r) => format!("{} · {times}", r.name),
                    None => times,
                }),
                admitted,
                conflicts,
                capacity: room.and_then(|r| r.capacity),
            });
        }
    }

    let names: HashMap<Gate, String> = gates.iter().map(|g| (g.gate.clone(), g.name.clone())).collect();
    let name_of = |store: &Cache, gate: &Gate| match names.get(gate) {
        Some(n) => Ok(n.clone()),
        None => gate_name(store, gate),
    };
    let mut conflicts = Vec::new();
    let mut conflicted: Vec<&elements_protocol::staff::Admission> =
        admissions.iter().filter(|a| a.is_conflict()).collect();
    conflicted.sort_by(|a, b| b.scans.last().map(|s| s.at).cmp(&a.scans.last().map(|s| s.at)));
    for a in conflicted {
        conflicts.push(ConflictView {
            gate_name: name_of(&store, &a.gate)?,
            pass_hint: a.pass_hint.clone(),
            scans: a
                .scans
                .iter()
                .map(|s| ConflictScan {
                    at: hhmm(&event, s.at),
                    device: elements_protocol::staff::hint(&s.device),
                    mine: s.device == me,
                })
                .collect(),
        });
    }

    let mut recent = Vec::new();
    for entry in outbox.iter().rev().filter(|e| e.signal.action.is_staff_action()).take(RECENT) {
        let effects = entry.effects.as_deref().unwrap_or_default();
        let decided = entry.decision == Decision::Accepted;
        let (title, detail, state) = match &entry.signal.action {
            Action::Admit { pass, gate } => {
                let conflict = effects.iter().any(|e| matches!(e, Effect::Admitted { conflict: true, .. }));
                let state = match (entry.decision, conflict) {
                    (Decision::Rejected, _) => DeskScanState::Refused,
                    (_, true) => DeskScanState::Conflict,
                    (_, false) if decided => DeskScanState::Counted,
                    _ => DeskScanState::Waiting,
                };
                (name_of(&store, gate)?, elements_protocol::staff::hint(pass.code()), state)
            }
            Action::RedeemReward { code } => {
                let name = effects.iter().find_map(|e| match e {
                    Effect::RewardRedeemed { name, .. } if !name.is_empty() => Some(name.clone()),
                    _ => None,
                });
                let state = match entry.decision {
                    Decision::Rejected => DeskScanState::Refused,
                    Decision::Accepted => DeskScanState::Given,
                    Decision::Pending => DeskScanState::Waiting,
                };
                (name.unwrap_or_else(|| code.clone()), code.clone(), state)
            }
            _ => continue,
        };
        recent.push(DeskScan {
            signal_id: entry.signal.id.clone(),
            reward: matches!(entry.signal.action, Action::RedeemReward { .. }),
            title,
            detail,
            at: hhmm(&event, entry.signal.created_at),
            state,
            reason: entry.reason,
        });
    }
    // Given at this desk and not yet in the feed as given.
    let mut given_here_unconfirmed = 0;
    for entry in outbox.iter().filter(|e| e.decision != Decision::Rejected) {
        if let Action::RedeemReward { code } = &entry.signal.action {
            if store.reward_code(code)?.is_none_or(|c| c.redeemed_at.is_none()) {
                given_here_unconfirmed += 1;
            }
        }
    }
    Ok(StaffDesk {
        gates,
        admitted_at_doors,
        conflicts,
        recent,
        rewards_given: store.rewards_given()? + given_here_unconfirmed,
        knows_codes: store.has_staff_feed()?,
        is_staff,
        can: abilities(role),
    })
}

pub(super) fn staff_polls(api: &AppApi) -> Result<elements_protocol::app::StaffPolls, ApiError> {
    use elements_protocol::app::{PollState, StaffPoll, StaffPolls, StaffQuestion};
    use elements_protocol::event::PollKind;
    let store = api.store()?;
    let event = store.loaded_event()?.ok_or_else(no_event)?;
    let is_staff = require_staff(&store, &event).is_ok();
    let now = api.clock.now();
    let offset = offset_of(&event);
    let today = now.with_timezone(&offset).date_naive();
    let results: HashMap<String, elements_protocol::live::PollResult> =
        store.poll_results()?.into_iter().map(|r| (r.id.clone(), r)).collect();
    // What this desk sent and the backend has not decided yet.
    let outbox = store.outbox(&event.manifest.id)?;
    let pending = |wanted: &dyn Fn(&Action) -> bool| {
        outbox
            .iter()
            .rev()
            .find(|e| e.decision == Decision::Pending && wanted(&e.signal.action))
            .map(|e| e.signal.action.clone())
    };
    // Polls made or reworded here show as this desk wrote them while the backend has not
    // decided, and after it accepted until the voting feed brings its copy (else a poll just
    // made would vanish from the desk between the two).
    let cached = store.polls_with_drafts()?;
    let mut written: Vec<(elements_protocol::event::Poll, bool)> = Vec::new();
    for e in outbox.iter().filter(|e| e.decision != Decision::Rejected) {
        if let Action::PutPoll { poll } = &e.signal.action {
            written.retain(|(p, _)| p.id != poll.id);
            written.push((poll.clone(), e.decision == Decision::Pending));
        }
    }
    written.retain(|(p, pending)| *pending || cached.iter().all(|c| c.id != p.id));
    let mut polls: Vec<elements_protocol::event::Poll> = cached
        .into_iter()
        .filter(|p| written.iter().all(|(w, _)| w.id != p.id))
        .chain(written.iter().map(|(w, _)| w.clone()))
        .filter(|p| {
            let open = p.opens_at.to_utc() <= now && now < p.deadline().to_utc();
            p.draft || open || p.opens_at.with_timezone(&offset).date_naive() == today
        })
        .collect();
    // Drafts first: the moderator just made them and opens them next.
    polls.sort_by(|a, b| b.draft.cmp(&a.draft).then(a.opens_at.cmp(&b.opens_at)).then_with(|| a.id.cmp(&b.id)));
    let mut questions = Vec::new();
    let all_questions = store.questions()?;
    let mut views = Vec::new();
    for p in &polls {
        let state = if p.draft || now < p.opens_at.to_utc() {
            PollState::Upcoming
        } else if now < p.deadline().to_utc() {
            PollState::Open
        } else {
            PollState::Closed
        };
        let result = results.get(&p.id);
        if p.kind == PollKind::Questions {
            for q in all_questions.iter().filter(|q| q.poll_id == p.id) {
                let sent =
                    pending(&|a| matches!(a, Action::ModerateQuestion { question_id, .. } if *question_id == q.id));
                questions.push(StaffQuestion {
                    id: q.id.clone(),
                    poll: p.question.clone(),
                    text: q.text.clone(),
                    author: q.author.clone(),
                    upvotes: q.upvotes,
                    approved: q.approved,
                    answered: q.answered,
                    highlighted: q.highlighted,
                    pending: sent.is_some(),
                });
            }
        }
        let sent = pending(&|a| matches!(a, Action::ControlPoll { poll_id, .. } if *poll_id == p.id));
        views.push(StaffPoll {
            id: p.id.clone(),
            question: p.question.clone(),
            kind: p.kind,
            state,
            window: format!("{}–{}", hhmm(&event, p.opens_at), hhmm(&event, p.deadline())),
            total: result.map_or(0, |r| r.total),
            hides_results: p.hide_results,
            results_shown: result.is_some_and(|r| !r.hidden) || (result.is_none() && !p.hide_results),
            pending: match sent {
                Some(Action::ControlPoll { command, .. }) => Some(command),
                _ => None,
            },
            draft: p.draft,
            waiting: written.iter().any(|(w, pending)| w.id == p.id && *pending),
            editable: result.is_none_or(|r| r.total == 0),
            wording: elements_protocol::app::PollDraftArgs {
                id: Some(p.id.clone()),
                question: p.question.clone(),
                kind: p.kind,
                options: p.options.iter().map(|o| o.label.clone()).collect(),
                max_choices: p.max_choices,
                scale_max: p.scale.map(|s| s.max),
                correct_option: p.correct_option_id.as_ref().and_then(|c| p.options.iter().position(|o| o.id == *c)),
                hide_results: p.hide_results,
                minutes: ((p.closes_at - p.opens_at).num_seconds().max(60) / 60) as u32,
            },
        });
    }
    questions.sort_by(|a, b| b.highlighted.cmp(&a.highlighted).then(b.upvotes.cmp(&a.upvotes)).then(a.id.cmp(&b.id)));
    Ok(StaffPolls { polls: views, questions, is_staff })
}

pub(super) fn control_poll(
    api: &AppApi,
    args: elements_protocol::app::PollControlArgs,
) -> Result<elements_protocol::app::StaffPolls, ApiError> {
    staff_device(api, ActionKind::ControlPoll)?;
    act(api, Action::ControlPoll { poll_id: args.poll_id, command: args.command }).map_err(not_ours)?;
    staff_polls(api)
}

/// Most minutes a poll made on the spot stays open (a day).
const MAX_POLL_MINUTES: u32 = 24 * 60;

pub(super) fn put_poll(
    api: &AppApi,
    args: elements_protocol::app::PollDraftArgs,
) -> Result<elements_protocol::app::StaffPolls, ApiError> {
    use elements_protocol::event::{Poll, PollKind, PollOption, RatingScale};
    staff_device(api, ActionKind::PutPoll)?;
    let store = api.store()?;
    let event = store.loaded_event()?.ok_or_else(no_event)?;
    let invalid = |m: String| ApiError::refused(elements_protocol::signal::Reason::Malformed, m);
    if args.minutes == 0 || args.minutes > MAX_POLL_MINUTES {
        return Err(invalid(format!("a poll stays open 1 to {MAX_POLL_MINUTES} minutes")));
    }
    let labels: Vec<String> = args
        .options
        .iter()
        .map(|o| o.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|o| !o.is_empty())
        .collect();
    let labels = if args.kind.has_options() { labels } else { Vec::new() };
    let options: Vec<PollOption> = labels
        .iter()
        .enumerate()
        .map(|(i, label)| PollOption { id: format!("o{}", i + 1), label: label.clone() })
        .collect();
    let now = api.clock.now().with_timezone(&offset_of(&event));
    let id = match &args.id {
        Some(id) => id.clone(),
        None => {
            let mut bytes = [0u8; 6];
            getrandom::fill(&mut bytes)
                .map_err(|e| ApiError::new(ErrorCode::Internal, format!("no random source: {e}")))?;
            format!("spot-{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
        }
    };
    let poll = Poll {
        id,
        question: args.question.split_whitespace().collect::<Vec<_>>().join(" "),
        session_id: None,
        correct_option_id: match args.kind {
            PollKind::Quiz => args.correct_option.and_then(|i| options.get(i)).map(|o| o.id.clone()),
            _ => None,
        },
        options,
        opens_at: now,
        closes_at: now + chrono::Duration::minutes(i64::from(args.minutes)),
        requires_ticket: false,
        kind: args.kind,
        max_choices: args.max_choices.filter(|_| args.kind == PollKind::MultipleChoice),
        scale: match args.kind {
            PollKind::Rating => Some(match args.scale_max {
                Some(10) => RatingScale { min: 0, max: 10 },
                _ => RatingScale { min: 1, max: 5 },
            }),
            _ => None,
        },
        hide_results: args.hide_results,
        timer_seconds: None,
        draft: true,
        reset_at: None,
    };
    drop(store);
    act(api, Action::PutPoll { poll }).map_err(not_ours)?;
    staff_polls(api)
}

pub(super) fn moderate_question(
    api: &AppApi,
    args: elements_protocol::app::QuestionModerationArgs,
) -> Result<elements_protocol::app::StaffPolls, ApiError> {
    staff_device(api, ActionKind::ModerateQuestion)?;
    act(api, Action::ModerateQuestion { question_id: args.question_id, command: args.command }).map_err(not_ours)?;
    staff_polls(api)
}

pub(super) fn live_picture(api: &AppApi) -> Result<elements_protocol::app::LivePictureView, ApiError> {
    use elements_protocol::app::{Bar, FunnelView, GoalView, LivePictureView, RoomFillView};
    let store = api.store()?;
    let event = store.loaded_event()?.ok_or_else(no_event)?;
    let picture = store.live_picture()?;
    let goals_of_event = &event.manifest.goals;
    let Some(p) = picture else {
        let goals = goals_of_event
            .iter()
            .map(|g| GoalView {
                id: g.id.clone(),
                name: g.name.clone(),
                met: 0,
                of: 0,
                percent: 0,
                target_percent: g.target_percent,
                reached: false,
            })
            .collect();
        return Ok(LivePictureView {
            announce_to: announce_to(&store)?,
            known: false,
            computed_at: None,
            attendees: 0,
            checkins: Vec::new(),
            checked_in: 0,
            rooms: Vec::new(),
            polls: Vec::new(),
            voters: 0,
            booths: Vec::new(),
            quests: Vec::new(),
            rules: Vec::new(),
            rewards_unlocked: 0,
            rewards_redeemed: 0,
            goals,
        });
    };
    let polls: HashMap<String, String> = store.polls()?.into_iter().map(|p| (p.id, p.question)).collect();
    let places: HashMap<String, String> = store.points_of_interest()?.into_iter().map(|p| (p.id, p.name)).collect();
    let quests: HashMap<String, String> = store.quests()?.into_iter().map(|q| (q.id, q.title)).collect();
    let rules: HashMap<String, String> = store.scenarios()?.into_iter().map(|r| (r.id, r.name)).collect();
    let rooms: HashMap<String, String> = store.rooms()?.into_iter().map(|r| (r.id, r.name)).collect();
    let name = |names: &HashMap<String, String>, id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_string());
    let bars = |counts: &[elements_protocol::staff::Count], names: &HashMap<String, String>| {
        let mut out: Vec<Bar> = counts.iter().map(|c| Bar { label: name(names, &c.id), value: c.count }).collect();
        out.sort_by(|a, b| b.value.cmp(&a.value).then_with(|| a.label.cmp(&b.label)));
        out
    };
    let mut room_views = Vec::new();
    for r in &p.rooms {
        let session = store.session(&r.session_id)?;
        room_views.push(RoomFillView {
            room: session.as_ref().and_then(|s| s.room_id.as_deref()).map(|id| name(&rooms, id)).unwrap_or_default(),
            title: session.map(|s| s.title).unwrap_or_else(|| r.session_id.clone()),
            checked_in: r.checked_in,
            capacity: r.capacity,
        });
    }
    let goals = goals_of_event
        .iter()
        .map(|g| {
            let progress = p.goals.iter().find(|x| x.goal_id == g.id);
            let met = progress.map_or(0, |x| x.met);
            // A goal about a group (a ticket type) is a share of that group.
            let of = progress.and_then(|x| x.of).unwrap_or(p.attendees);
            let percent = if of == 0 { 0 } else { (u64::from(met) * 100 / u64::from(of)) as u32 };
            GoalView {
                id: g.id.clone(),
                name: g.name.clone(),
                met,
                of,
                percent,
                target_percent: g.target_percent,
                reached: of > 0 && u64::from(met) * 100 >= u64::from(g.target_percent) * u64::from(of),
            }
        })
        .collect();
    Ok(LivePictureView {
        announce_to: announce_to(&store)?,
        known: true,
        computed_at: Some(hhmm(&event, p.at)),
        attendees: p.attendees,
        checked_in: p.checkins.iter().map(|c| c.count).sum(),
        checkins: p.checkins.iter().map(|c| Bar { label: hhmm(&event, c.at), value: c.count }).collect(),
        rooms: room_views,
        polls: bars(&p.polls, &polls),
        voters: p.voters,
        booths: bars(&p.booths, &places),
        quests: p
            .quests
            .iter()
            .map(|q| FunnelView { title: name(&quests, &q.quest_id), steps: q.found.clone() })
            .collect(),
        rules: bars(&p.rules, &rules),
        rewards_unlocked: p.rewards_unlocked,
        rewards_redeemed: p.rewards_redeemed,
        goals,
    })
}

pub(super) fn leads(api: &AppApi) -> Result<elements_protocol::app::LeadsView, ApiError> {
    use elements_protocol::app::{LeadView, LeadsView, WaitingLead};
    let store = api.store()?;
    let event = store.loaded_event()?.ok_or_else(no_event)?;
    let is_staff = require_staff(&store, &event).is_ok();
    let mut leads: Vec<LeadView> = store
        .leads()?
        .into_iter()
        .map(|l| LeadView {
            profile_id: l.id.clone(),
            name: l.profile.name.clone(),
            organization: l.profile.organization.clone(),
            role: l.profile.position.clone(),
            links: l.profile.links.clone(),
            captured_at: l.captured_at.with_timezone(&offset_of(&event)).format("%Y-%m-%dT%H:%M").to_string(),
            rating: l.rating,
            note: l.note,
        })
        .collect();
    leads.sort_by(|a, b| b.captured_at.cmp(&a.captured_at).then_with(|| a.name.cmp(&b.name)));
    let waiting = store
        .outbox(&event.manifest.id)?
        .into_iter()
        .rev()
        .filter(|e| e.decision != Decision::Accepted)
        .filter_map(|e| match e.signal.action {
            Action::CaptureLead { badge, rating, note } => Some(WaitingLead {
                // A printed badge waits under its ticket's id, not its long signed code.
                badge: match elements_protocol::signal::signed_ticket(&badge) {
                    Some((id, _)) => id.to_string(),
                    None => badge,
                },
                rating,
                note,
                refused: (e.decision == Decision::Rejected).then_some(e.reason).flatten(),
            }),
            _ => None,
        })
        .collect();
    Ok(LeadsView { leads, waiting, is_staff })
}

/// What a booth scanned: a printed badge or ticket (its join link, or its signed code typed)
/// is the ticket's code, whose signature the rules check; anything else goes through the one
/// badge reader (a badge of another event is no lead here). Refused with the reason the lead
/// screen words.
fn lead_pass(event_id: &str, text: &str) -> Result<String, ApiError> {
    let text = text.trim();
    let ticket = match Link::parse(text) {
        Ok(Link::Join { code: Some(code), .. }) => Some(code),
        _ => Some(text.to_string()),
    }
    .filter(|code| elements_protocol::signal::signed_ticket(code).is_some());
    if let Some(code) = ticket {
        return Ok(code.trim().to_string());
    }
    super::people::badge_in(event_id, text)
        .map(|(badge, _)| badge)
        .map_err(|e| ApiError::refused(elements_protocol::signal::Reason::Malformed, e.message))
}

pub(super) fn capture_lead(
    api: &AppApi,
    args: elements_protocol::app::LeadArgs,
) -> Result<elements_protocol::app::LeadsView, ApiError> {
    let event_id = api.store()?.loaded_event()?.ok_or_else(no_event)?.manifest.id;
    let badge = lead_pass(&event_id, &args.badge)?;
    staff_device(api, ActionKind::CaptureLead)?;
    act(api, Action::CaptureLead { badge, rating: args.rating, note: args.note.trim().to_string() })
        .map_err(not_ours)?;
    leads(api)
}

pub(super) fn export_leads(api: &AppApi) -> Result<elements_protocol::app::ExportedFile, ApiError> {
    let view = leads(api)?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| ApiError::new(ErrorCode::Internal, format!("the CSV could not be written: {e}"));
    out.write_record(["name", "organization", "role", "links", "captured_at", "rating", "note", "profile_id"])
        .map_err(fail)?;
    for l in &view.leads {
        out.write_record([
            l.name.as_str(),
            l.organization.as_deref().unwrap_or_default(),
            l.role.as_deref().unwrap_or_default(),
            &l.links.join(" "),
            &l.captured_at,
            &l.rating.to_string(),
            &l.note,
            &l.profile_id,
        ])
        .map_err(fail)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("the CSV could not be written: {e}")))?;
    let event_id = api.store()?.loaded_event()?.ok_or_else(no_event)?.manifest.id;
    let path = super::write_export(api, &format!("{event_id}-leads.csv"), &bytes)?;
    Ok(elements_protocol::app::ExportedFile { path, items: view.leads.len() as u32 })
}

pub(super) fn announcements(api: &AppApi) -> Result<Vec<elements_protocol::app::AnnouncementView>, ApiError> {
    let store = api.store()?;
    let event = store.loaded_event()?.ok_or_else(no_event)?;
    announcements_of(&store, &event)
}

/// [`announcements`] for a caller that holds the cache (the reminder clock).
pub(super) fn announcements_of(
    store: &Cache,
    event: &LoadedEvent,
) -> Result<Vec<elements_protocol::app::AnnouncementView>, ApiError> {
    use elements_protocol::live::Audience;
    let rooms: HashMap<String, String> = store.rooms()?.into_iter().map(|r| (r.id, r.name)).collect();
    let mut all: Vec<elements_protocol::live::Announcement> = store.announcements()?;
    all.extend(store.notices()?);
    all.sort_by(|a, b| b.posted_at.cmp(&a.posted_at).then_with(|| a.id.cmp(&b.id)));
    Ok(all
        .into_iter()
        .map(|a| elements_protocol::app::AnnouncementView {
            at: hhmm(event, a.posted_at),
            posted: a.posted_at.timestamp(),
            room: match &a.audience {
                Some(Audience::Room { room_id }) => {
                    Some(rooms.get(room_id).cloned().unwrap_or_else(|| room_id.clone()))
                }
                _ => None,
            },
            tagged: matches!(a.audience, Some(Audience::Tag { .. })),
            id: a.id,
            text: a.text,
        })
        .collect())
}

pub(super) fn announce(
    api: &AppApi,
    args: elements_protocol::app::AnnounceArgs,
) -> Result<Vec<elements_protocol::app::AnnouncementView>, ApiError> {
    let announcement_id = {
        let mut store = api.store()?;
        let event = store.loaded_event()?.ok_or_else(no_event)?;
        require_role(&store, &event, ActionKind::Announce)?;
        // Unique like a signal id: this device's id and the time.
        format!("a-{}-{}", store.client_id()?, api.clock.now().timestamp_millis())
    };
    act(api, Action::Announce { announcement_id, text: args.text.trim().to_string(), audience: args.audience })
        .map_err(not_ours)?;
    announcements(api)
}

/// Whom staff can announce to: everyone, each room, each tag the event's scenarios give.
fn announce_to(store: &Cache) -> Result<Vec<elements_protocol::app::AnnounceTarget>, ApiError> {
    use elements_protocol::app::AnnounceTarget;
    use elements_protocol::live::Audience;
    let mut out = vec![AnnounceTarget { audience: Audience::Everyone, name: String::new() }];
    for r in store.rooms()? {
        out.push(AnnounceTarget { audience: Audience::Room { room_id: r.id }, name: r.name });
    }
    let mut tags = std::collections::BTreeSet::new();
    for rule in store.scenarios()? {
        for then in &rule.then {
            if let elements_protocol::scenario::Consequence::Tag { tag } = then {
                tags.insert(tag.clone());
            }
        }
    }
    out.extend(tags.into_iter().map(|tag| AnnounceTarget { audience: Audience::Tag { tag: tag.clone() }, name: tag }));
    Ok(out)
}

pub(super) fn analytics(api: &AppApi) -> Result<elements_protocol::app::AnalyticsView, ApiError> {
    use elements_protocol::analytics::AnalyticsReport;
    use elements_protocol::app::{AnalyticsView, FloorOutline};
    let (is_organizer, token, base, key, floors) = {
        let store = api.store()?;
        let event = store.loaded_event()?.ok_or_else(no_event)?;
        let role = staff_role(&store, &event)?;
        let credential = credential_for(&store, &event, ElementKind::Staff)?;
        let mut floors = Vec::new();
        for f in store.floors()? {
            let plan_svg = super::map::svg_plan_path(&store, &f.id)?;
            floors.push(FloorOutline { id: f.id, name: f.name, width: f.width, height: f.height, plan_svg });
        }
        (
            role == Some(Role::Organizer),
            credential.and_then(|c| c.token),
            super::signals::base_for(&event, ElementKind::Staff),
            format!("analytics:{}", event.manifest.id),
            floors,
        )
    };
    if !is_organizer {
        return Ok(AnalyticsView { report: None, offline: false, is_organizer, floors });
    }
    // Asked now; kept, so the tablet shows the last figures when the backend is out of reach.
    let fetched = match (base, token) {
        (Some(base), Some(token)) => {
            crate::sync::Remote::configured(&base, &api.sync_config).and_then(|r| r.analytics(&token)).ok()
        }
        _ => None,
    };
    let store = api.store()?;
    if let Some(report) = &fetched {
        let json = serde_json::to_string(report).map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
        store.set_preference(&key, Some(&json))?;
    }
    let offline = fetched.is_none();
    let report = match fetched {
        Some(r) => Some(r),
        None => store.preference(&key)?.and_then(|j| serde_json::from_str::<AnalyticsReport>(&j).ok()),
    };
    Ok(AnalyticsView { report, offline, is_organizer, floors })
}
