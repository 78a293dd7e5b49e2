//! The app's commands: the one contract between the UI (wasm) and the app's Rust side.
//!
//! Each command is a type implementing [`Command`], naming its arguments and its answer.
//! The UI calls `invoke::<C>(args)`; the Tauri adapter registers one handler per command
//! with the same name. Answers are view models, ready to render: the UI does no date
//! arithmetic and no joins.

use serde::{de::DeserializeOwned, Deserialize, Serialize};

use crate::event::{ElementKind, SessionKind};

// One file per Element's view models and arguments; every name is re-exported here.
mod agenda;
mod kiosk;
mod map;
mod me;
mod people;
mod quests;
mod staff;
mod voting;

pub use agenda::*;
pub use kiosk::*;
pub use map::*;
pub use me::*;
pub use people::*;
pub use quests::*;
pub use staff::*;
pub use voting::*;

pub use crate::people::{MeetingStatus, MyProfile, Shared, Visibility};

/// A typed command. `NAME` is the Tauri command name; Tauri passes `Args` under the key `args`.
pub trait Command {
    const NAME: &'static str;
    type Args: Serialize + DeserializeOwned;
    type Output: Serialize + DeserializeOwned;
}

/// Errors crossing to the UI: a stable machine-readable `code` plus a human sentence that says
/// what happened and what to do next. Codes are part of the contract; messages are not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// For [`ErrorCode::Refused`]: which of the event's rules refused, so the UI can say it in
    /// the person's language (the message is English, for logs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<crate::signal::Reason>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), reason: None }
    }

    pub fn refused(reason: crate::signal::Reason, message: impl Into<String>) -> Self {
        Self { code: ErrorCode::Refused, message: message.into(), reason: Some(reason) }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for ApiError {}

wire_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    pub enum ErrorCode {
        /// The thing asked for does not exist in this event.
        NotFound = "not_found",
        /// The arguments were malformed (the UI's bug, or a bad deep link).
        InvalidArgument = "invalid_argument",
        /// The local cache could not be read or written.
        CacheUnavailable = "cache_unavailable",
        /// The UI and the app disagree about the command set (a stale UI build).
        UnknownCommand = "unknown_command",
        /// A backend could not be reached or answered with an error.
        Unreachable = "unreachable",
        /// The event's rules refuse the action (the poll closed, you already voted); the message
        /// says which rule.
        Refused = "refused",
        /// Anything else; the message carries the detail.
        Internal = "internal",
    }
}

/// Defines each command's type: its name is the method's (`Command::NAME`), its arguments and
/// answer the row's.
macro_rules! define_commands {
    ($( $(#[$doc:meta])* $ty:ident = $name:ident in $element:ident : $args:ident => $out:ty; )*) => {
        $(
            $(#[$doc])*
            pub struct $ty;
            impl Command for $ty {
                const NAME: &'static str = stringify!($name);
                type Args = $args;
                type Output = $out;
            }
        )*
        /// Every command name, for adapters that must register them all (checked by a test).
        pub const COMMAND_NAMES: &[&str] = &[$(stringify!($name)),*];
    };
}

/// The app's commands, each declared once, in one row: its type, its name (the Tauri command,
/// the `AppApi` method and the handler's name in the Element's module `in …`), its arguments and
/// its answer. Everything else is made from this table by a macro given to it: the types here
/// (`define_commands!`), the `AppApi` facade in `elements-client` and the Tauri adapters in
/// `src-tauri`. A new command is one row here and its handler in the Element's module.
#[macro_export]
macro_rules! for_each_command {
    ($callback:ident) => {
        $callback! {
            /// The event's name, branding, enabled Elements, days and filters: everything the shell needs.
            GetEventOverview = event_overview in agenda: NoArgs => EventOverview;
            /// The first screen in one round trip: preferences, overview and the agenda's opening.
            GetStartup = startup in agenda: NoArgs => Startup;
            /// All sessions of one programme day, in start order.
            GetAgendaDay = agenda_day in agenda: AgendaDayArgs => AgendaDay;
            /// What runs now and what starts next, relative to the app's clock.
            GetNowNext = now_next in agenda: NoArgs => NowNext;
            /// One session with its speakers.
            GetSessionDetail = session_detail in agenda: SessionDetailArgs => SessionDetail;
            /// Full-text search over titles, abstracts and speaker names.
            SearchSessions = search_sessions in agenda: SearchArgs => Vec<SessionCard>;
            /// Joins the event a backend serves (by URL, or from a join QR code's link) and starts syncing.
            JoinEvent = join_event in me: JoinArgs => EventOverview;
            /// Where the event comes from and how each Element's sync is doing.
            GetSyncStatus = sync_status in me: NoArgs => SyncStatus;
            /// The event's polls with their results and this person's vote.
            GetVoting = voting in voting: NoArgs => VotingView;
            /// Votes: decided on the device at once, written to the outbox, sent when the network allows.
            /// Voting again in an open poll changes the vote (the last one counts).
            CastVote = cast_vote in voting: VoteArgs => VotingView;
            /// An answer to a poll of any kind (several choices, a rating, text, a ranking), like a vote.
            AnswerPoll = answer_poll in voting: AnswerArgs => VotingView;
            /// A question for a Q&A poll, anonymous if the person chooses.
            AskQuestion = ask_question in voting: AskArgs => VotingView;
            /// An upvote for a question in a Q&A poll.
            UpvoteQuestion = upvote_question in voting: UpvoteArgs => VotingView;
            /// Reads the QR code in a photo (PNG or JPEG): the camera's picture of a join code.
            ScanCode = scan_code in me: ScanArgs => ScannedCode;
            /// The person's language and theme on this device.
            GetPreferences = preferences in me: NoArgs => Preferences;
            /// Changes them (remembered across restarts); answers what is stored now.
            SetPreferences = set_preferences in me: Preferences => Preferences;
            /// The quests with this person's progress, rewards and the leaderboards, and the cards the
            /// event's scenarios left for them.
            GetQuests = quests in quests: NoArgs => QuestsView;
            /// A checkpoint's code, scanned from its QR code or typed: checked (signature, order, time)
            /// on the device at once, written to the outbox, sent when the network allows.
            ScanCheckpoint = scan_checkpoint in quests: CheckpointArgs => QuestsView;
            /// Puts a scenario's card away, for good (it stays away after a restart).
            DismissCard = dismiss_card in quests: CardArgs => QuestsView;
            /// The person is at this session ("I'm here"): a check-in, which quests and scenarios count.
            CheckIn = check_in in agenda: SessionDetailArgs => SessionDetail;
            /// Stars or unstars a session: this person's own agenda, kept on the device.
            StarSession = star_session in agenda: StarArgs => SessionCard;
            /// The starred sessions by day, those that overlap flagged, and the next one to go to.
            GetMySchedule = my_schedule in agenda: NoArgs => MySchedule;
            /// Puts a schedule notice away (it does not come back).
            DismissScheduleNotice = dismiss_schedule_notice in agenda: NoticeArgs => MySchedule;
            /// Writes the starred sessions as an iCalendar file (for a calendar app), answers where.
            ExportSchedule = export_schedule in agenda: NoArgs => ExportedFile;
            /// The venue's floors, places and where this person is (the map Element).
            GetMap = map in map: NoArgs => MapView;
            /// Places by name, exhibitor or description, and the rooms of sessions by the session's title.
            SearchPlaces = search_places in map: SearchArgs => Vec<PlaceHit>;
            /// One place: what it is and what happens there now and next.
            GetPlace = place in map: PlaceArgs => PlaceDetail;
            /// The quickest way from a place (or from "you are here") to a place, step-free if asked.
            GetRoute = route in map: RouteArgs => RouteView;
            /// "I visited this booth": a `booth_visit` signal (once per booth), decided on the device at
            /// once and sent when the network allows.
            VisitBooth = visit_booth in map: PlaceArgs => PlaceDetail;
            /// Sets "you are here": a place, a spot tapped on a floor, or nothing.
            SetHere = set_here in map: HereArgs => MapView;
            /// The link the app was last opened with (a place link), once: later calls answer none.
            TakeOpenLink = take_open_link in me: NoArgs => Option<String>;
            /// A location code posted in the venue (its text, or a photo of it): checked, then "you are here".
            ScanLocation = scan_location in map: LocationArgs => MapView;
            /// My profile as I edit it (every field, with who sees it), my badge, and whether it is
            /// published yet.
            GetMyProfile = my_profile in people: NoArgs => MyProfileView;
            /// Saves my profile on the device and publishes what I share (a `publish_profile` signal).
            SaveMyProfile = save_my_profile in people: MyProfile => MyProfileView;
            /// A photo for my profile (any PNG or JPEG): made small and square on the device first.
            SetMyPhoto = set_my_photo in people: ScanArgs => MyProfileView;
            /// The directory: people by name, organization or interest (full text, in the cache),
            /// filtered by one interest, with the most common interests for the filter.
            SearchPeople = search_people in people: PeopleSearchArgs => Directory;
            /// One person: what they show me, my note and tags if a contact, our meetings and
            /// messages, and free times to meet.
            GetPerson = person in people: PersonArgs => PersonView;
            /// Someone's badge (a photo of its QR code, its link, or the short code typed): they become
            /// a contact at once, and both have each other after sync.
            ExchangeBadge = exchange_badge in people: BadgeArgs => ContactsView;
            /// My contacts (searchable by name, organization, my notes and tags), newest first, and
            /// badges scanned that the backend has not confirmed yet.
            GetContacts = contacts in people: SearchArgs => ContactsView;
            /// My note and tags on a contact (kept on this device).
            SaveContactNote = save_contact_note in people: ContactNoteArgs => PersonView;
            /// Writes my contacts as a vCard file (for the phone's address book); answers where.
            ExportContacts = export_contacts in people: NoArgs => ExportedFile;
            /// People to meet, computed here from the directory: shared interests, what one offers and
            /// the other looks for, the same sessions starred; each with why.
            GetSuggestions = suggestions in people: NoArgs => Vec<SuggestionCard>;
            /// Asks someone to meet at a time and place (refused if it clashes with my own agenda).
            RequestMeeting = request_meeting in people: MeetingRequestArgs => PersonView;
            /// Accepts, declines, cancels or moves a meeting.
            AnswerMeeting = answer_meeting in people: MeetingAnswerArgs => PersonView;
            /// A short message to a contact, sent when the network allows, delivered once.
            SendMessage = send_message in people: MessageArgs => PersonView;
            /// Every piece of my data on this device (profile, contacts and notes, meetings, messages,
            /// votes and scans, points, starred sessions) as one JSON file; answers where.
            ExportMyData = export_my_data in people: NoArgs => ExportedFile;
            /// Deletes my data from this device and asks the backend to delete its copy.
            ForgetMe = forget_me in people: NoArgs => MyProfileView;
            /// The staff desk (staff devices): doors and today's sessions with how many came in, the
            /// conflicts (a pass let in twice), this tablet's recent scans and the reward desk's count.
            GetStaffDesk = staff_desk in staff: NoArgs => StaffDesk;
            /// Checks a pass in at a gate (a ticket's or badge's link, or its code typed): counted at
            /// once on this tablet, or flagged as a conflict when it came in there before.
            AdmitPass = admit_pass in staff: AdmitArgs => AdmitResult;
            /// Gives the reward a desk code stands for: valid once; used and made-up codes are refused.
            RedeemRewardCode = redeem_reward_code in staff: RewardCodeArgs => RewardRedemption;
            /// Staff's poll desk: today's polls with their state and answers, and the questions of the
            /// Q&A polls to moderate.
            GetStaffPolls = staff_polls in staff: NoArgs => StaffPolls;
            /// Opens, closes, reveals or resets a poll (a staff signal, sent when the network allows).
            ControlPoll = control_poll in staff: PollControlArgs => StaffPolls;
            /// Makes a poll on the spot (any kind), or rewords one nobody has answered yet: a draft,
            /// shown to staff only, until it is opened (a staff signal, sent when the network allows).
            PutPoll = put_poll in staff: PollDraftArgs => StaffPolls;
            /// Approves, hides, marks answered or puts on the venue screens a Q&A question.
            ModerateQuestion = moderate_question in staff: QuestionModerationArgs => StaffPolls;
            /// An exhibitor's leads (staff with their own code): everyone whose badge they scanned at
            /// the booth, with rating and note, newest first; and scans not confirmed yet.
            GetLeads = leads in staff: NoArgs => LeadsView;
            /// Scans a visitor's badge at the booth (a photo's link or the code typed), with a rating
            /// and a note: a lead at once, their details after sync.
            CaptureLead = capture_lead in staff: LeadArgs => LeadsView;
            /// Writes the leads as a CSV file (for a spreadsheet or a CRM); answers where.
            ExportLeads = export_leads in staff: NoArgs => ExportedFile;
            /// Announcements for this person, newest first: to everyone, and those staff sent to a
            /// room they were in or a tag they have.
            GetAnnouncements = announcements in staff: NoArgs => Vec<AnnouncementView>;
            /// Sends an announcement (staff): to everyone, one room's audience, or a scenario tag.
            Announce = announce in staff: AnnounceArgs => Vec<AnnouncementView>;
            /// The organizer's live picture (staff): check-ins over time, rooms now, polls, booths, the
            /// quest funnel, scenarios fired, rewards, and the event's goals with their progress.
            GetLivePicture = live_picture in staff: NoArgs => LivePictureView;
            /// The analytics Element (organizers): attendance, where audiences went next, the venue
            /// hour by hour, engagement, quest funnels, as the backend counted them now (the last
            /// ones when it cannot be reached). No figure from fewer than five people.
            GetAnalytics = analytics in staff: NoArgs => AnalyticsView;
            /// What a venue screen shows now: its panels with their data, how long each stays, and
            /// since when it has been showing saved data (the backend out of reach).
            GetVenueScreen = venue_screen in kiosk: NoArgs => VenueScreen;
            /// The UI reports that a screen is showing real content; answers milliseconds since launch.
            /// This is how start-up time is measured, in tests and in the field.
            ReportReady = report_ready in me: ReadyArgs => u64;
            /// The first screen as this device last painted it for this event (HTML), for the page
            /// to show while the UI starts; `None` when there is none for this event and app.
            GetFirstScreen = first_screen in me: NoArgs => Option<String>;
            /// Keeps the first screen as painted now (HTML, at most 512 KiB) for the next launch.
            SaveFirstScreen = save_first_screen in me: FirstScreenArgs => bool;
        }
    };
}

for_each_command!(define_commands);

/// The name of the app event that tells the UI what changed in the app's data (its payload is a
/// [`Changed`]). The core sends it after it stored a page of a feed, applied a live update,
/// decided a signal or joined an event; screens showing that topic load again instead of
/// polling on timers.
pub const CHANGED_EVENT: &str = "elements:changed";

/// What changed, as the UI hears it from [`CHANGED_EVENT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "topic", content = "element", rename_all = "snake_case")]
pub enum Changed {
    /// Another event, or the event's manifest (its days, its Elements, its mode).
    Event,
    /// How syncing goes: an Element synced, started or stopped failing, a signal was decided.
    Sync,
    /// The data of one Element (a page of its feed, a live update, a signal of this device).
    Element(ElementKind),
    /// The app was opened with a link to follow (`take_open_link` says which).
    Opened,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NoArgs {}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchArgs {
    pub query: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedFile {
    /// Where it was written (the downloads folder, else the app's data folder).
    pub path: String,
    /// How many entries it holds (sessions, contacts).
    pub items: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_names_are_unique() {
        let mut names = COMMAND_NAMES.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), COMMAND_NAMES.len(), "duplicate command name in {COMMAND_NAMES:?}");
    }

    #[test]
    fn error_codes_serialize_as_their_stable_names() {
        for code in [
            ErrorCode::NotFound,
            ErrorCode::InvalidArgument,
            ErrorCode::CacheUnavailable,
            ErrorCode::UnknownCommand,
            ErrorCode::Unreachable,
            ErrorCode::Refused,
            ErrorCode::Internal,
        ] {
            let json = serde_json::to_string(&code).expect("serialize");
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
        let err = ApiError::new(ErrorCode::NotFound, "no session s-404");
        let json = serde_json::to_value(&err).expect("serialize");
        assert_eq!(json, serde_json::json!({"code": "not_found", "message": "no session s-404"}));
    }
}
