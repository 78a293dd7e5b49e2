//! The staff Element (staff tablets): check-in at a door or session (a photo of the ticket or
//! badge, or its code typed) and the reward desk on the left; on the right how many came in
//! where, the conflicts (a pass let in twice) and this tablet's last scans.

use elements_protocol::app::{
    AdmitArgs, AdmitPass, AdmitResult, Announce, AnnounceArgs, AnnounceTarget, ApiError, Bar, CaptureLead, Changed,
    ControlPoll, DeskScanState, ExportLeads, GetAnnouncements, GetLeads, GetLivePicture, GetStaffDesk, GetStaffPolls,
    GoalView, LeadArgs, LeadsView, LivePictureView, ModerateQuestion, NoArgs, PollControlArgs, PollDraftArgs,
    PollState, PutPoll, QuestionModerationArgs, RedeemRewardCode, RewardCodeArgs, RewardRedemption, StaffAbilities,
    StaffDesk, StaffPoll, StaffPolls, StaffQuestion,
};
use elements_protocol::auth::Role;
use elements_protocol::event::{ElementKind, PollKind};
use elements_protocol::live::Audience;
use elements_protocol::signal::Reason;
use elements_protocol::staff::{Gate, PollCommand, QuestionCommand};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{invoke, load};
use crate::t;
use crate::widgets::{error_sentence, show_loading};

mod analytics;
mod desk;
mod leads;
mod live;
mod polls;

use analytics::*;
use desk::*;
use leads::*;
use live::*;
use polls::*;

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
    Analytics,
}

/// The panes a role may use, in the order the tabs show them. A device without a staff token
/// sees them all, read-only, each explaining why.
fn panes_for(can: &StaffAbilities) -> Vec<Pane> {
    if can.role.is_none() {
        return vec![Pane::Desk, Pane::Leads, Pane::Polls, Pane::Live, Pane::Analytics];
    }
    let mut panes = Vec::new();
    if can.check_in || can.rewards {
        panes.push(Pane::Desk);
    }
    if can.leads {
        panes.push(Pane::Leads);
    }
    if can.polls {
        panes.push(Pane::Polls);
    }
    if can.live {
        panes.push(Pane::Live);
        panes.push(Pane::Analytics);
    }
    panes
}

fn role_name(role: Role) -> String {
    match role {
        Role::Organizer => t!("staff-role-organizer"),
        Role::Moderator => t!("staff-role-moderator"),
        Role::Door => t!("staff-role-door"),
        Role::Desk => t!("staff-role-desk"),
        Role::Exhibitor => t!("staff-role-exhibitor"),
        Role::Attendee | Role::Kiosk => String::new(),
    }
}

#[component]
pub fn Staff() -> impl IntoView {
    let pane = RwSignal::new(Pane::Desk);
    // What this device's role may do: the tabs shown (the backend refuses the rest anyway).
    let desk = load::<GetStaffDesk>(|| NoArgs {}).refresh_on(Changed::Sync);
    // Known once the desk has answered: until then no tabs (a door tablet must not flash every
    // pane while its role is read).
    let known = Memo::new(move |_| desk.state.get().and_then(Result::ok).map(|d| d.can));
    let can = Memo::new(move |_| known.get().unwrap_or_default());
    Effect::new(move |_| {
        let panes = panes_for(&can.get());
        if !panes.contains(&pane.get_untracked()) {
            if let Some(first) = panes.first() {
                pane.set(*first);
            }
        }
    });
    let tab = move |p: Pane, testid: &'static str, label: fn() -> String| {
        view! {
            <button role="tab" class:active=move || pane.get() == p aria-selected=move || (pane.get() == p).to_string()
                data-testid=testid on:click=move |_| pane.set(p)>
                {move || label()}
            </button>
        }
    };
    let tabs = move || {
        panes_for(&can.get())
            .into_iter()
            .map(|p| match p {
                Pane::Desk => tab(Pane::Desk, "staff-tab-desk", || t!("staff-tab-desk")),
                Pane::Leads => tab(Pane::Leads, "staff-tab-leads", || t!("staff-tab-leads")),
                Pane::Polls => tab(Pane::Polls, "staff-tab-polls", || t!("staff-tab-polls")),
                Pane::Live => tab(Pane::Live, "staff-tab-live", || t!("staff-tab-live")),
                Pane::Analytics => tab(Pane::Analytics, "staff-tab-analytics", || t!("staff-tab-analytics")),
            })
            .collect_view()
    };
    view! {
        <section class="staff" data-testid="element-staff">
            {move || can.get().role.map(|r| view! {
                <p class="staff-role" data-testid="staff-role" data-role=r.as_str()>{role_name(r)}</p>
            })}
            // One pane (a door, a desk, an exhibitor): no tabs to choose between.
            {move || (known.get().is_some() && panes_for(&can.get()).len() > 1).then(|| view! {
                <div class="segmented staff-tabs" role="tablist">
                    {tabs}
                </div>
            })}
            {move || match pane.get() {
                Pane::Desk => view! { <DeskPane /> }.into_any(),
                Pane::Leads => view! { <LeadsPane /> }.into_any(),
                Pane::Polls => view! { <PollsPane /> }.into_any(),
                Pane::Live => view! { <LivePane /> }.into_any(),
                Pane::Analytics => view! { <AnalyticsPane /> }.into_any(),
            }}
        </section>
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
