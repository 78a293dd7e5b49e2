//! Tauri adapters: one per app command, each forwarding to [`AppApi`] unchanged.
//!
//! The macro ties every adapter to its [`Command`] type: its name must equal `Command::NAME`
//! (checked at compile time) and its argument and answer types are the command's own.

use elements_client::AppApi;
use std::sync::Arc;

use elements_protocol::app::{self, ApiError, Command, ErrorCode};

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// `ELEMENTS_TRACE_COMMANDS=1` prints how long each command took (for `cargo xtask measure`'s
/// "where does the time go").
fn trace() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("ELEMENTS_TRACE_COMMANDS").is_some())
}

macro_rules! adapters {
    ($( $name:ident : $cmd:ty => |$api:ident, $args:pat_param| $body:expr; )*) => {
        $(
            const _: () = assert!(same(stringify!($name), <$cmd as Command>::NAME), "adapter name differs from Command::NAME");

            // Off the main thread, on the blocking pool: commands touch SQLite and, for sync, the
            // network with a blocking client, which must not run on the async workers.
            #[tauri::command]
            async fn $name(
                state: tauri::State<'_, Arc<AppApi>>,
                args: <$cmd as Command>::Args,
            ) -> Result<<$cmd as Command>::Output, ApiError> {
                let api = state.inner().clone();
                tauri::async_runtime::spawn_blocking(move || {
                    let started = std::time::Instant::now();
                    let $api = &*api;
                    let $args = args;
                    let answer = $body;
                    if trace() {
                        eprintln!("elements: command {} took {} µs", stringify!($name), started.elapsed().as_micros());
                    }
                    answer
                })
                .await
                .map_err(|e| ApiError::new(ErrorCode::Internal, format!("{} stopped: {e}", stringify!($name))))?
            }
        )*

        /// Names of the registered adapters (checked against the protocol by a test).
        #[cfg_attr(not(test), allow(dead_code))]
        pub const REGISTERED: &[&str] = &[$(stringify!($name)),*];

        pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }
    };
}

adapters! {
    event_overview: app::GetEventOverview => |api, _| api.event_overview();
    my_profile: app::GetMyProfile => |api, _| api.my_profile();
    save_my_profile: app::SaveMyProfile => |api, args| api.save_my_profile(args);
    set_my_photo: app::SetMyPhoto => |api, args| api.set_my_photo(args);
    search_people: app::SearchPeople => |api, args| api.search_people(args);
    person: app::GetPerson => |api, args| api.person(args);
    exchange_badge: app::ExchangeBadge => |api, args| api.exchange_badge(args);
    contacts: app::GetContacts => |api, args| api.contacts(args);
    save_contact_note: app::SaveContactNote => |api, args| api.save_contact_note(args);
    export_contacts: app::ExportContacts => |api, _| api.export_contacts();
    suggestions: app::GetSuggestions => |api, _| api.suggestions();
    request_meeting: app::RequestMeeting => |api, args| api.request_meeting(args);
    answer_meeting: app::AnswerMeeting => |api, args| api.answer_meeting(args);
    send_message: app::SendMessage => |api, args| api.send_message(args);
    export_my_data: app::ExportMyData => |api, _| api.export_my_data();
    forget_me: app::ForgetMe => |api, _| api.forget_me();
    staff_desk: app::GetStaffDesk => |api, _| api.staff_desk();
    venue_screen: app::GetVenueScreen => |api, _| api.venue_screen();
    live_picture: app::GetLivePicture => |api, _| api.live_picture();
    leads: app::GetLeads => |api, _| api.leads();
    announcements: app::GetAnnouncements => |api, _| api.announcements();
    announce: app::Announce => |api, args| api.announce(args);
    capture_lead: app::CaptureLead => |api, args| api.capture_lead(args);
    export_leads: app::ExportLeads => |api, _| api.export_leads();
    staff_polls: app::GetStaffPolls => |api, _| api.staff_polls();
    control_poll: app::ControlPoll => |api, args| api.control_poll(args);
    moderate_question: app::ModerateQuestion => |api, args| api.moderate_question(args);
    admit_pass: app::AdmitPass => |api, args| api.admit_pass(args);
    redeem_reward_code: app::RedeemRewardCode => |api, args| api.redeem_reward_code(args);
    agenda_day: app::GetAgendaDay => |api, args| api.agenda_day(args);
    now_next: app::GetNowNext => |api, _| api.now_next();
    session_detail: app::GetSessionDetail => |api, args| api.session_detail(args);
    search_sessions: app::SearchSessions => |api, args| api.search_sessions(args);
    join_event: app::JoinEvent => |api, args| api.join_event(args);
    sync_status: app::GetSyncStatus => |api, _| api.sync_status();
    voting: app::GetVoting => |api, _| api.voting();
    cast_vote: app::CastVote => |api, args| api.cast_vote(args);
    answer_poll: app::AnswerPoll => |api, args| api.answer_poll(args);
    ask_question: app::AskQuestion => |api, args| api.ask_question(args);
    upvote_question: app::UpvoteQuestion => |api, args| api.upvote_question(args);
    scan_code: app::ScanCode => |api, args| api.scan_code(args);
    quests: app::GetQuests => |api, _| api.quests();
    scan_checkpoint: app::ScanCheckpoint => |api, args| api.scan_checkpoint(args);
    dismiss_card: app::DismissCard => |api, args| api.dismiss_card(args);
    check_in: app::CheckIn => |api, args| api.check_in(args);
    star_session: app::StarSession => |api, args| api.star_session(args);
    my_schedule: app::GetMySchedule => |api, _| api.my_schedule();
    dismiss_schedule_notice: app::DismissScheduleNotice => |api, args| api.dismiss_schedule_notice(args);
    export_schedule: app::ExportSchedule => |api, _| api.export_schedule();
    map: app::GetMap => |api, _| api.map();
    take_open_link: app::TakeOpenLink => |api, _| Ok(api.take_open_link());
    search_places: app::SearchPlaces => |api, args| api.search_places(args);
    place: app::GetPlace => |api, args| api.place(args);
    route: app::GetRoute => |api, args| api.route(args);
    visit_booth: app::VisitBooth => |api, args| api.visit_booth(args);
    set_here: app::SetHere => |api, args| api.set_here(args);
    scan_location: app::ScanLocation => |api, args| api.scan_location(args);
    preferences: app::GetPreferences => |api, _| api.preferences();
    set_preferences: app::SetPreferences => |api, args| api.set_preferences(args);
    report_ready: app::ReportReady => |api, args| {
        let screen = args.screen.clone();
        let ms = api.report_ready(args)?;
        // Read by `cargo xtask measure`; keep the wording stable.
        eprintln!("elements: {screen} on screen {ms} ms after launch");
        Ok(ms)
    };
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_protocol_command_has_an_adapter() {
        let mut registered = super::REGISTERED.to_vec();
        let mut defined = elements_protocol::app::COMMAND_NAMES.to_vec();
        registered.sort_unstable();
        defined.sort_unstable();
        assert_eq!(registered, defined);
    }
}
