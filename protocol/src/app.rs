//! The app's commands: the one contract between the UI (wasm) and the app's Rust side.
//!
//! Each command is a type implementing [`Command`], naming its arguments and its answer.
//! The UI calls `invoke::<C>(args)`; the Tauri adapter registers one handler per command
//! with the same name. Answers are view models, ready to render: the UI does no date
//! arithmetic and no joins.

use serde::{de::DeserializeOwned, Deserialize, Serialize};

use crate::event::{ElementKind, SessionKind};

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
            /// What a venue screen shows now: its panels with their data, how long each stays, and
            /// since when it has been showing saved data (the backend out of reach).
            GetVenueScreen = venue_screen in kiosk: NoArgs => VenueScreen;
            /// The UI reports that a screen is showing real content; answers milliseconds since launch.
            /// This is how start-up time is measured, in tests and in the field.
            ReportReady = report_ready in me: ReadyArgs => u64;
        }
    };
}

for_each_command!(define_commands);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JoinArgs {
    /// The backend's base URL, e.g. `https://events.example.org/summit`, or the event's join
    /// link `elements://join?url=<base URL>&code=<join code>` as its QR code carries it.
    pub url: String,
    /// A ticket or join code; needed to vote, scan and see the directory. A join link brings its own.
    #[serde(default)]
    pub code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanArgs {
    /// The picture's bytes, as the file or camera gave them.
    pub image: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScannedCode {
    /// What the code says, e.g. `elements://join?url=…&code=…`.
    pub text: String,
    pub kind: ScannedKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScannedKind {
    /// An event's join code: pass `text` to `join_event`.
    Join,
    /// A quest checkpoint's code.
    Checkpoint,
    /// A link to a place: open the map there.
    Place,
    /// A location code posted in the venue: pass it to `scan_location`.
    Location,
    /// A person's badge: pass it to `exchange_badge`.
    Badge,
    /// Something else (a web address, plain text).
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VoteArgs {
    pub poll_id: String,
    pub option_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnswerArgs {
    pub poll_id: String,
    pub answer: crate::signal::Answer,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AskArgs {
    pub poll_id: String,
    pub text: String,
    #[serde(default)]
    pub anonymous: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpvoteArgs {
    pub poll_id: String,
    pub question_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VotingView {
    pub polls: Vec<PollView>,
    /// Why votes cannot leave the device, if they cannot (the bundled demo, no code redeemed).
    pub offline_reason: Option<OfflineReason>,
    /// False on a device whose role may not vote (a venue screen): it shows results only.
    #[serde(default = "yes")]
    pub can_vote: bool,
    /// Whether this device joined with a personal ticket (`None`: not known yet). Polls with
    /// `requires_ticket` are for ticket holders only.
    #[serde(default)]
    pub ticketed: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestsView {
    /// The event's quests this person can see (hidden ones once a scenario revealed them).
    pub quests: Vec<QuestView>,
    /// Messages and prompts the scenarios left for this person, newest first, not dismissed.
    pub cards: Vec<ScenarioCard>,
    /// Why scans cannot leave the device, if they cannot (as for votes).
    pub offline_reason: Option<OfflineReason>,
    /// False on a venue screen.
    pub can_scan: bool,
    /// This person's quest signals the backend has not confirmed yet.
    pub waiting: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestView {
    pub id: String,
    pub title: String,
    pub description: String,
    pub points: u32,
    /// What its checkpoints give together (scenarios may give more).
    pub checkpoint_points: u32,
    pub checkpoints: Vec<CheckpointView>,
    pub rewards: Vec<RewardView>,
    /// The backend's last known leaderboard (names only of those who chose to show them).
    pub leaderboard: Vec<LeaderboardRow>,
    pub completed: bool,
    /// It was hidden and a scenario revealed it to this person.
    pub revealed: bool,
    /// Checkpoints must be found in order.
    pub ordered: bool,
    /// When scans start and stop counting, in the venue's local time ("2027-03-10T09:00").
    pub opens: Option<String>,
    pub closes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckpointView {
    pub id: String,
    pub name: String,
    pub hint: String,
    pub points: u32,
    pub done: bool,
    /// Ordered quests: false until the earlier steps are done.
    pub available: bool,
    /// Where its code hangs.
    pub place: Option<PlaceRef>,
    /// How it is done: by scanning its code, or by what a scenario asks (its name says what).
    pub how: CheckpointHow,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum CheckpointHow {
    Scan,
    Scenario { name: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaceRef {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RewardView {
    pub id: String,
    pub name: String,
    pub points_required: u32,
    pub unlocked: bool,
    /// The code to show at the desk, once the backend confirmed the reward (it makes the codes).
    pub code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaderboardRow {
    pub rank: u32,
    pub display_name: Option<String>,
    pub points: u64,
}

/// A message or prompt a scenario showed this person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioCard {
    /// Stable across restarts: what [`DismissCard`] takes.
    pub id: String,
    /// In the event's languages; the UI picks the person's.
    pub text: crate::scenario::LocalText,
    /// Where it leads: an `elements://` link or a screen reference.
    pub link: Option<String>,
    /// When it appeared, in the venue's local time.
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckpointArgs {
    /// What the checkpoint's QR code carries (`elements://checkpoint?…`), scanned or typed.
    pub code: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardArgs {
    pub id: String,
}

/// Why this device's votes stay on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfflineReason {
    /// A venue screen shows results; people vote on their own phones.
    VenueScreen,
    /// The bundled demo event has no backend: votes are kept on this device.
    DemoEvent,
    /// No ticket or join code was redeemed for the event yet.
    NoCode,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PollView {
    pub id: String,
    pub question: String,
    /// When it opens and closes, in the venue's local time ("2027-03-10T09:00").
    pub opens: String,
    pub closes: String,
    pub state: PollState,
    /// The session it belongs to, if any.
    pub session_title: Option<String>,
    pub options: Vec<PollOptionView>,
    /// Votes counted by the backend so far (its last known tally).
    pub total: u64,
    pub my_vote: Option<MyVote>,
    /// Only votes from personal tickets count in this poll.
    #[serde(default)]
    pub requires_ticket: bool,
    #[serde(default)]
    pub kind: crate::event::PollKind,
    /// `multiple_choice`: at most this many.
    #[serde(default)]
    pub max_choices: Option<u32>,
    /// `rating`: the scale.
    #[serde(default)]
    pub scale: Option<crate::event::RatingScale>,
    /// `rating`: the average of the counted ratings, one decimal.
    #[serde(default)]
    pub average: Option<f32>,
    /// `open_text`: the most used words, most first, with how many answers used each.
    #[serde(default)]
    pub words: Vec<PollOptionView>,
    /// `quiz`: the right option, once this person answered or the poll closed.
    #[serde(default)]
    pub correct_option_id: Option<String>,
    /// The organizers hide the results until they reveal them.
    #[serde(default)]
    pub results_hidden: bool,
    /// `questions`: the questions asked, most upvoted first (this person's own not yet sent
    /// among them).
    #[serde(default)]
    pub questions: Vec<QuestionView>,
    /// Whether a new answer would replace this person's (open poll, not a quiz).
    #[serde(default)]
    pub can_change: bool,
    /// A timed quiz round that is open: seconds left to answer (by the app's clock), and the
    /// round's length.
    #[serde(default)]
    pub seconds_left: Option<u32>,
    #[serde(default)]
    pub timer_seconds: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionView {
    pub id: String,
    pub text: String,
    /// The asker's name, if shown.
    pub author: Option<String>,
    pub upvotes: u64,
    /// Venue local time it was asked ("2027-03-10T09:31").
    pub asked: String,
    /// This person asked it.
    pub mine: bool,
    /// This person upvoted it.
    pub upvoted: bool,
    /// Not confirmed by the backend yet (asked or upvoted on this device).
    pub waiting: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PollState {
    Upcoming,
    Open,
    Closed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PollOptionView {
    pub id: String,
    pub label: String,
    pub votes: u64,
    /// Share of the total, 0–100, rounded.
    pub percent: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyVote {
    /// The option, for choices (and a quiz); empty for other kinds (see `answer`).
    pub option_id: String,
    /// The whole answer.
    #[serde(default)]
    pub answer: Option<crate::signal::Answer>,
    /// `quiz`: whether it was right.
    #[serde(default)]
    pub correct: Option<bool>,
    pub status: SignalStatus,
    /// For a rejected vote: which rule refused it, and the backend's own words.
    #[serde(default)]
    pub reason: Option<crate::signal::Reason>,
    pub message: Option<String>,
}

/// Where a signal is on its way to the backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalStatus {
    /// In the outbox, applied on this device, not yet confirmed.
    Waiting,
    Accepted,
    /// Refused by the backend: undone here, with the reason kept.
    Rejected,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncStatus {
    /// None for the bundled demo event, which never syncs.
    pub backend: Option<String>,
    pub elements: Vec<ElementSyncView>,
    /// Elements the event enables that this app does not know at all (a newer kind), by the
    /// name the manifest gives them: not synced, "needs a newer app".
    #[serde(default)]
    pub unknown_elements: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElementSyncView {
    pub kind: ElementKind,
    pub state: SyncState,
    /// When it last synced (Unix seconds, wall clock); `None`: never.
    pub synced_at: Option<i64>,
    /// The last failure, in words, while failing.
    pub error: Option<String>,
    /// Signals of this Element in the outbox, not yet confirmed by its backend.
    #[serde(default)]
    pub waiting: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    Synced,
    /// The last attempts failed; the app shows what it has and keeps retrying.
    Retrying,
    Never,
    /// The event uses a newer version of this Element than this app knows: not synced.
    Unsupported,
}

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

/// The person's settings on this device.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preferences {
    /// A language tag the app speaks ("en", "ru"); `None` follows the system.
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub theme: Theme,
    /// How many minutes before a starred session or a meeting to remind; 0 is never; `None` is
    /// the default ([`DEFAULT_REMINDER_MINUTES`]).
    #[serde(default)]
    pub reminder_minutes: Option<u32>,
}

pub const DEFAULT_REMINDER_MINUTES: u32 = 10;
/// The lead times the settings offer (0: no reminders).
pub const REMINDER_CHOICES: [u32; 5] = [0, 5, 10, 15, 30];

/// Something to tell the person now, as a system notification: a starred session or a meeting
/// about to start, or a sync that changed a starred session. The shell words it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminder {
    /// Unique per occasion: a session moved to another time is a new occasion.
    pub key: String,
    pub what: ReminderWhat,
    /// The session's title, or the person met (or who wrote, or who asks to meet).
    pub title: String,
    /// Venue-local start, "10:30".
    pub starts: String,
    pub place: Option<String>,
    /// Minutes until it starts (0 for a change).
    pub minutes: u32,
    /// A message's text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderWhat {
    Session,
    Meeting,
    /// A starred session moved or changed room (`starts`, `place`: as it is now).
    Changed,
    /// A starred session was cancelled.
    Cancelled,
    /// Someone asks to meet (or proposes another time): `starts`, `place` as proposed.
    MeetingAsked,
    /// A message from a contact (`title` is who, `text` what).
    Message,
    /// An announcement from the organizers (`text`; `place` the room it was for, if one).
    Announcement,
}

wire_enum! {
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub enum Theme {
        /// Light or dark as the system is.
        #[default]
        System = "system",
        Light = "light",
        Dark = "dark",
    }
}

impl Theme {
    pub fn parse(s: &str) -> Option<Theme> {
        Theme::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadyArgs {
    /// Which screen, e.g. "agenda".
    pub screen: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NoArgs {}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgendaDayArgs {
    pub day: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionDetailArgs {
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchArgs {
    pub query: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventOverview {
    pub event_id: String,
    pub name: String,
    pub tagline: String,
    pub venue: String,
    /// The first and last day, "2027-03-10" (the UI writes them in the person's language).
    pub first_day: String,
    pub last_day: String,
    pub timezone: String,
    pub primary_color: String,
    pub accent_color: String,
    pub elements: Vec<ElementNav>,
    pub days: Vec<DayTab>,
    pub tracks: Vec<TrackTag>,
    pub rooms: Vec<RoomTag>,
    /// Something the person should know about the app itself, e.g. that a damaged cache was
    /// moved aside and rebuilt. Shown once as a banner.
    pub notice: Option<String>,
    /// Which frame the shell shows.
    #[serde(default)]
    pub mode: DeviceMode,
}

/// The kind of device: it decides the shell's frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceMode {
    /// A participant's phone or laptop.
    #[default]
    Attendee,
    /// Event staff (a staff token): a tablet at the door or the desk.
    Staff,
    /// A venue screen (`--kiosk` or a kiosk token): no navigation, no text input, no context
    /// menu, no reload or zoom keys, and no attendee's data stored.
    Kiosk,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElementNav {
    pub kind: ElementKind,
    /// The organizer's own name for it, if they gave one; else the UI names it.
    pub title: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayTab {
    pub index: u32,
    /// The organizer's label, e.g. "Day 1".
    pub label: String,
    /// "2027-03-10".
    pub date: String,
    pub session_count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TrackTag {
    pub id: String,
    pub name: String,
    pub color: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RoomTag {
    pub id: String,
    pub name: String,
    pub floor: String,
    /// The room's place on the venue map ("show on map", "take me there").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgendaDay {
    pub day: u32,
    pub label: String,
    pub date: String,
    pub sessions: Vec<SessionCard>,
}

/// A session as a list shows it. Times are local to the venue, preformatted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionCard {
    pub id: String,
    pub title: String,
    pub kind: SessionKind,
    pub day: u32,
    /// "09:30"
    pub starts: String,
    /// "10:15"
    pub ends: String,
    pub duration_minutes: u32,
    /// None where the session has no room.
    pub room: Option<RoomTag>,
    pub track: Option<TrackTag>,
    /// "Ada Lovelace, Alan Turing"; empty for breaks.
    pub speakers: String,
    /// In this person's own agenda.
    #[serde(default)]
    pub starred: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionDetail {
    pub card: SessionCard,
    pub day_label: String,
    /// "2027-03-10".
    pub date: String,
    pub summary: String,
    pub language: String,
    pub tags: Vec<String>,
    pub speakers: Vec<SpeakerCard>,
    /// This person checked in to it ("I'm here").
    #[serde(default)]
    pub checked_in: bool,
    /// Checking in is possible now: from 15 minutes before it starts until it ends, on a device
    /// that may act.
    #[serde(default)]
    pub can_check_in: bool,
    /// The polls tied to this session, as the voting screen shows them.
    #[serde(default)]
    pub polls: Vec<PollView>,
    /// Whether this device may answer them (not a venue screen).
    #[serde(default)]
    pub can_vote: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpeakerCard {
    pub id: String,
    pub name: String,
    /// "Head of Platform, Northwind Rail"
    pub affiliation: String,
    pub bio: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NowNext {
    pub phase: EventPhase,
    /// What the header says ("Starts in 103 days", "Day 2 · 14:05"), as facts the UI words.
    pub headline: Headline,
    pub now: Vec<SessionCard>,
    pub next: Vec<SessionCard>,
    /// Seconds until this answer goes stale by the clock alone (a session starts or ends, the
    /// minute in the headline turns); `None` when the clock is pinned.
    #[serde(default)]
    pub changes_in_seconds: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Headline {
    /// Before the event: whole days until its first day (0 = today).
    StartsIn {
        days: u32,
    },
    /// During: the organizer's label of today and the venue's local time, "14:05".
    Running {
        day: String,
        time: String,
    },
    Ended,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventPhase {
    Before,
    During,
    After,
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

// ---- The map Element ----

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapView {
    /// Lowest level first.
    pub floors: Vec<FloorView>,
    pub places: Vec<PlaceView>,
    pub here: Option<HereView>,
    /// The event has a walk graph: routes can be asked for.
    pub can_route: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FloorView {
    pub id: String,
    pub name: String,
    pub level: i32,
    pub width: u32,
    pub height: u32,
    pub plan: PlanView,
}

/// How a floor's plan is drawn. Paths are under the app's `plan` scheme
/// (`plan://localhost/<path>`; `http://plan.localhost/<path>` where the platform wants that).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PlanView {
    /// One vector image, sharp at any zoom.
    Svg { path: String },
    /// A raster plan cut into tiles: level `z` (0 = the whole plan in one tile) is the plan at
    /// `1 / 2^(levels - 1 - z)` of its size, in `tile_size` squares; `{z}/{x}/{y}` in the template.
    /// `width` × `height`: the image's pixels (the floor's plan units may differ: scale to them).
    Tiles { template: String, levels: u32, tile_size: u32, width: u32, height: u32 },
    /// Not downloaded yet (or none published): the places are drawn on a blank floor.
    Missing,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceView {
    pub id: String,
    pub name: String,
    pub kind: crate::event::PoiKind,
    pub floor_id: String,
    pub x: f64,
    pub y: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HereSource {
    /// A location code scanned in the venue.
    Code,
    /// The person tapped the spot or chose the place.
    Chosen,
    /// A venue screen's configured spot.
    Fixed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HereView {
    pub floor_id: String,
    pub x: f64,
    pub y: f64,
    /// The place it is at, if it is one.
    pub place: Option<PlaceRef>,
    pub source: HereSource,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceHit {
    pub place: PlaceView,
    /// The floor's name.
    pub floor: String,
    /// Why it matched when not by its own name: the session held there, the exhibitor.
    pub because: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceArgs {
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceDetail {
    pub place: PlaceView,
    pub floor: String,
    pub description: String,
    pub exhibitor: Option<String>,
    /// For a room: the session on now, and the next one.
    pub now: Option<SessionCard>,
    pub next: Option<SessionCard>,
    /// Quest checkpoints hanging here.
    pub checkpoints: Vec<PlaceCheckpoint>,
    /// `elements://place?…`: the link (and QR code) that opens the map here.
    pub link: String,
    /// A booth this person said they visited (a `booth_visit` signal, which scenarios count).
    #[serde(default)]
    pub visited: bool,
    /// A booth, on a device that may act, not visited yet.
    #[serde(default)]
    pub can_visit: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceCheckpoint {
    pub quest: String,
    pub checkpoint: String,
    pub done: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouteArgs {
    /// A place id; none: from "you are here".
    #[serde(default)]
    pub from: Option<String>,
    pub to: String,
    #[serde(default)]
    pub step_free: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouteView {
    pub from: String,
    pub to: String,
    pub step_free: bool,
    /// Rounded to whole meters and minutes (at least 1).
    pub meters: u32,
    pub minutes: u32,
    /// The line to draw, one piece per stretch on a floor, in walking order.
    pub legs: Vec<RouteLeg>,
    pub steps: Vec<RouteStep>,
    /// Why there is no route (then `legs` and `steps` are empty).
    pub problem: Option<RouteProblem>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RouteProblem {
    /// No step-free way; there is one with stairs or escalators.
    NotStepFree,
    /// No way at all (the walk graph does not connect them).
    NoWay,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouteLeg {
    pub floor_id: String,
    pub points: Vec<(f64, f64)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepHow {
    Walk,
    Stairs,
    Lift,
    Escalator,
    Ramp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TurnHow {
    Left,
    Right,
    Back,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouteStep {
    pub how: StepHow,
    pub meters: u32,
    /// The floor this step ends on (its name), and whether it goes up.
    pub floor: String,
    pub up: bool,
    /// The turn where this step ends.
    pub then: Option<TurnHow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "at", rename_all = "snake_case")]
pub enum HereArgs {
    Place { id: String },
    Spot { floor_id: String, x: f64, y: f64 },
    Nowhere,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocationArgs {
    /// The code's text (`elements://here?…`), typed or pasted…
    #[serde(default)]
    pub text: Option<String>,
    /// …or a photo of it.
    #[serde(default)]
    pub image: Option<Vec<u8>>,
}

// ---- My agenda ----

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StarArgs {
    pub id: String,
    pub starred: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MySchedule {
    pub days: Vec<MyDay>,
    /// What a sync changed in this schedule, newest first, until put away.
    #[serde(default)]
    pub notices: Vec<ScheduleNotice>,
    /// The first starred session not over yet (running or next): "take me to my next session".
    pub next: Option<SessionCard>,
    /// My meetings that stand (asked or accepted), by start: they take my time like sessions.
    #[serde(default)]
    pub meetings: Vec<MeetingCard>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyDay {
    pub day: u32,
    pub label: String,
    /// "2027-03-10".
    pub date: String,
    pub sessions: Vec<MySession>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MySession {
    pub card: SessionCard,
    /// Titles of the other starred sessions it overlaps: one person cannot be at both.
    pub overlaps: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedFile {
    /// Where it was written (the downloads folder, else the app's data folder).
    pub path: String,
    /// How many entries it holds (sessions, contacts).
    pub items: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoticeArgs {
    pub id: i64,
}

/// A starred session the event changed: what it was and what it is now (venue-local day labels
/// and times, room names). A cancelled session has no `now`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScheduleNotice {
    pub id: i64,
    pub session_id: String,
    pub title: String,
    pub before: SessionWhen,
    pub now: Option<SessionWhen>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionWhen {
    /// "2027-03-10"
    pub date: String,
    /// "10:00"
    pub starts: String,
    pub ends: String,
    pub room: Option<String>,
}

pub use crate::people::{MeetingStatus, MyProfile, Shared, Visibility};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyProfileView {
    pub profile: MyProfile,
    /// My badge, once a backend gave me one (joining an event with people).
    pub badge: Option<BadgeView>,
    /// Where my profile stands with the backend.
    pub published: Publication,
    /// Why what I save stays on this device, if it does (the bundled demo, no code yet, a
    /// venue screen).
    pub offline: Option<OfflineReason>,
    /// Where "delete my data" stands, once asked.
    pub forget: Option<ForgetState>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ForgetState {
    /// Deleted here; the request waits to reach the backend.
    Waiting,
    /// The backend confirmed it deleted its copy.
    Confirmed,
    /// Deleted here; there is no backend holding anything (the bundled demo).
    DeviceOnly,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Publication {
    /// Never saved.
    Draft,
    /// Saved and waiting to be sent.
    Waiting,
    /// The backend has it.
    Published,
    /// Kept on this device only.
    Local,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BadgeView {
    /// "K7Q2-MX4P", to read out or type.
    pub code: String,
    /// What the QR code carries (`elements://badge?…`).
    pub link: String,
    /// The QR code as SVG (dark modules on a light square), sized by the UI.
    pub svg: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeopleSearchArgs {
    #[serde(default)]
    pub query: String,
    /// An interest's key (from [`Directory::interests`]).
    #[serde(default)]
    pub interest: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Directory {
    /// Best matches first (at most 100); everyone by name when there is no query.
    pub people: Vec<PersonCard>,
    /// How many matched in all.
    pub total: u32,
    /// The most common interests: key, as written, how many people.
    pub interests: Vec<TagCount>,
    /// The directory is empty here because this device is a venue screen, or people must join.
    pub offline: Option<OfflineReason>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TagCount {
    pub key: String,
    pub tag: String,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonCard {
    pub profile_id: String,
    pub name: String,
    pub organization: Option<String>,
    pub role: Option<String>,
    pub interests: Vec<String>,
    /// A JPEG, base64.
    pub photo: Option<String>,
    pub contact: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonArgs {
    pub profile_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonView {
    pub card: PersonCard,
    pub looking_for: Vec<String>,
    pub offers: Vec<String>,
    pub links: Vec<String>,
    /// When we met (venue-local "Wed 10 Mar, 12:40"), if a contact.
    pub met_at: Option<String>,
    pub note: String,
    pub tags: Vec<String>,
    /// Scanned here, not confirmed by the backend yet.
    pub pending: bool,
    pub meetings: Vec<MeetingCard>,
    pub messages: Vec<MessageView>,
    /// Times I am free to meet (not clashing with my starred sessions or meetings).
    pub free_slots: Vec<SlotView>,
    /// Meeting points and other places to meet at, from the map.
    pub places: Vec<PlaceChoice>,
    pub can_message: bool,
    pub can_meet: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceChoice {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlotView {
    /// RFC 3339, to send back as `starts_at`.
    pub starts_at: String,
    /// Venue-local day and time ("Wed 10 Mar", "12:30").
    pub date: String,
    pub time: String,
    pub minutes: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeetingCard {
    pub id: String,
    /// The other person.
    pub with: String,
    pub with_id: String,
    pub date: String,
    pub start: String,
    pub end: String,
    pub starts_at: String,
    pub minutes: u32,
    pub place_id: String,
    pub place: String,
    pub note: String,
    pub status: MeetingStatus,
    /// I asked for this time (the other answers), else they did (I answer).
    pub mine_to_answer: bool,
    /// Sent from here and not confirmed by the backend yet.
    pub waiting: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageView {
    pub id: String,
    pub mine: bool,
    pub text: String,
    /// Venue-local "12:40" (with the day when not today).
    pub at: String,
    /// Written here, not delivered yet.
    pub waiting: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BadgeArgs {
    /// A badge link or the code typed ("K7Q2-MX4P", any case, dash optional).
    #[serde(default)]
    pub code: String,
    /// Or a photo of the badge's QR code.
    #[serde(default)]
    pub image: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactsView {
    pub contacts: Vec<ContactCard>,
    /// Badges scanned here that the backend has not matched to a person yet.
    pub pending: Vec<PendingBadge>,
    pub offline: Option<OfflineReason>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactCard {
    pub card: PersonCard,
    pub met_at: String,
    pub tags: Vec<String>,
    /// The first line of my note.
    pub note: String,
    pub unread: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingBadge {
    pub code: String,
    /// The name the badge showed, if its QR carried one.
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactNoteArgs {
    pub profile_id: String,
    pub note: String,
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuggestionCard {
    pub card: PersonCard,
    pub reasons: Vec<SuggestionReason>,
}

/// Why someone is suggested; the UI words it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum SuggestionReason {
    SharedInterests { tags: Vec<String> },
    TheyOffer { tags: Vec<String> },
    TheyLookFor { tags: Vec<String> },
    SameSessions { titles: Vec<String> },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeetingRequestArgs {
    pub with: String,
    /// RFC 3339 (a [`SlotView::starts_at`]).
    pub starts_at: String,
    pub minutes: u32,
    pub place_id: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeetingAnswerArgs {
    pub meeting_id: String,
    pub answer: MeetingReply,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "reply", rename_all = "snake_case")]
pub enum MeetingReply {
    Accept,
    Decline,
    Cancel,
    Move { starts_at: String, minutes: u32, place_id: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageArgs {
    pub to: String,
    pub text: String,
}

/// Checking a pass in: what was scanned or typed, and where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdmitArgs {
    /// A ticket's join link, a badge's link, or a code typed.
    pub pass: String,
    pub gate: crate::staff::Gate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdmitResult {
    pub gate_name: String,
    /// The pass's last characters ("…X4P2"), to tell scans apart.
    pub pass_hint: String,
    /// It came in here before: recorded, not counted again.
    pub conflict: bool,
    /// When it first came in, venue-local "10:02", for a conflict.
    pub first_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RewardCodeArgs {
    pub code: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RewardRedemption {
    /// The code as the desk reads it, "K7Q2-MX4P".
    pub code: String,
    /// The reward to hand over; empty when the desk could not check (see `checked`).
    pub name: String,
    /// Checked against the event's codes on this device; `false`: the desk has not synced them
    /// yet, and the backend decides when it hears of it.
    pub checked: bool,
}

/// The staff desk, as one staff tablet knows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffDesk {
    /// Doors first, then today's sessions in start order.
    pub gates: Vec<GateView>,
    /// People checked in at any door (each once).
    pub admitted_at_doors: u32,
    /// Passes let in twice at a gate, newest first.
    pub conflicts: Vec<ConflictView>,
    /// This tablet's last scans and redemptions, newest first.
    pub recent: Vec<DeskScan>,
    /// Rewards given at the desk (all desks, as far as this one knows).
    pub rewards_given: u32,
    /// Whether this desk can check reward codes offline (it synced the event's codes).
    pub knows_codes: bool,
    /// Whether this device holds a staff token (else the desk is read-only and explains why).
    pub is_staff: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateView {
    pub gate: crate::staff::Gate,
    pub name: String,
    /// For a session: its room and venue-local times "10:00–10:45".
    pub detail: Option<String>,
    pub admitted: u32,
    pub conflicts: u32,
    /// The room's seats, where known.
    pub capacity: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConflictView {
    pub gate_name: String,
    pub pass_hint: String,
    pub scans: Vec<ConflictScan>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConflictScan {
    /// Venue-local "10:02".
    pub at: String,
    /// The scanning device's last characters.
    pub device: String,
    /// Scanned on this tablet.
    pub mine: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeskScan {
    pub signal_id: String,
    /// A reward given at the desk (else a check-in).
    pub reward: bool,
    /// What it was about: the gate's name, or the reward's (or its code while unchecked).
    pub title: String,
    /// The pass's hint or the desk code.
    pub detail: String,
    /// Venue-local "10:02".
    pub at: String,
    pub state: DeskScanState,
    /// Why the backend refused it (a ticket not of this event, a code given at another desk).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<crate::signal::Reason>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeskScanState {
    /// Counted here, not sent yet.
    Waiting,
    /// Counted, and the backend agrees.
    Counted,
    /// The pass had come in at this gate before.
    Conflict,
    /// The reward was handed over, and the backend agrees.
    Given,
    /// The backend refused it (a ticket not of this event, a code used at another desk).
    Refused,
}

/// A venue screen's loop, with the data of each panel that has something to show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VenueScreen {
    pub panels: Vec<VenuePanel>,
    /// Seconds each panel stays.
    pub seconds: u32,
    /// The room this screen stands at (its name), if it is one room's.
    pub room: Option<String>,
    /// Venue-local "14:02": the last time the backend was reached, while it cannot be now.
    pub offline_since: Option<String>,
    /// Venue-local "14:40", for the corner clock.
    pub now: String,
    /// Seconds until this answer goes stale by the clock alone (a session or poll starts or
    /// ends); `None` when the clock is pinned.
    #[serde(default)]
    pub changes_in_seconds: Option<u32>,
}

/// One panel of a venue screen, tagged by `panel` (the `KioskPanel` name).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "panel", rename_all = "snake_case")]
pub enum VenuePanel {
    NowNext {
        rooms: Vec<RoomNowNext>,
    },
    Poll {
        poll_id: String,
        question: String,
        kind: crate::event::PollKind,
        /// Options (or a scale's values, or words) with their counts, in the poll's order
        /// (words: most used first).
        counts: Vec<VenueCount>,
        total: u64,
        /// The poll hides its results until staff reveal them.
        hidden: bool,
        /// Closed: the final result.
        closed: bool,
        /// A join link to answer from a phone, when the screen knows one; and its QR code.
        join: Option<JoinCode>,
    },
    Question {
        poll: String,
        text: String,
        author: Option<String>,
        upvotes: u64,
    },
    Leaderboard {
        quest: String,
        entries: Vec<VenueRank>,
    },
    WhereTo {
        here: String,
        floor: String,
        places: Vec<VenueWay>,
        /// The floor's plan to draw (a path of the app's `plan` scheme, an SVG), its size, and
        /// where "you are here" is on it; `None` when the floor has no SVG plan.
        map: Option<VenueMap>,
    },
    Announcements {
        items: Vec<VenueAnnouncement>,
    },
    Join {
        event: String,
        join: JoinCode,
    },
}

impl VenuePanel {
    pub fn kind(&self) -> crate::event::KioskPanel {
        use crate::event::KioskPanel as K;
        match self {
            VenuePanel::NowNext { .. } => K::NowNext,
            VenuePanel::Poll { .. } => K::Poll,
            VenuePanel::Question { .. } => K::Question,
            VenuePanel::Leaderboard { .. } => K::Leaderboard,
            VenuePanel::WhereTo { .. } => K::WhereTo,
            VenuePanel::Announcements { .. } => K::Announcements,
            VenuePanel::Join { .. } => K::Join,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoomNowNext {
    pub room: String,
    pub now: Option<VenueSession>,
    pub next: Option<VenueSession>,
    /// People checked in to the session on now, as staff counted them.
    pub checked_in: Option<u32>,
    pub capacity: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VenueSession {
    pub title: String,
    /// Venue-local "14:00–14:45".
    pub time: String,
    pub speakers: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VenueCount {
    pub label: String,
    pub votes: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VenueRank {
    /// Only for those who chose to show their name.
    pub name: Option<String>,
    pub points: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VenueWay {
    pub name: String,
    pub kind: crate::event::PoiKind,
    pub minutes: u32,
    /// The floor's name, when it is not the screen's floor.
    pub other_floor: Option<String>,
    /// Where it is on the screen's floor plan (floor coordinates), when on that floor.
    pub at: Option<(f64, f64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VenueMap {
    pub plan: String,
    pub width: f64,
    pub height: f64,
    pub here: (f64, f64),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VenueAnnouncement {
    pub text: String,
    /// Venue-local "14:02".
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JoinCode {
    pub link: String,
    /// The QR code as an SVG document.
    pub svg: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PollControlArgs {
    pub poll_id: String,
    pub command: crate::staff::PollCommand,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionModerationArgs {
    pub question_id: String,
    pub command: crate::staff::QuestionCommand,
}

/// Staff's poll desk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffPolls {
    /// Today's polls and any open now, in opening order.
    pub polls: Vec<StaffPoll>,
    /// Questions of today's Q&A polls: on the screens first, then by upvotes.
    pub questions: Vec<StaffQuestion>,
    pub is_staff: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffPoll {
    pub id: String,
    pub question: String,
    pub kind: crate::event::PollKind,
    pub state: PollState,
    /// Venue-local "09:00–09:45".
    pub window: String,
    pub total: u64,
    /// It hides its counts until revealed.
    pub hides_results: bool,
    /// Its counts are public (revealed, or never hidden).
    pub results_shown: bool,
    /// A command sent from this desk that the backend has not confirmed yet.
    pub pending: Option<crate::staff::PollCommand>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffQuestion {
    pub id: String,
    /// The Q&A poll's own question ("Questions for the opening keynote").
    pub poll: String,
    pub text: String,
    pub author: Option<String>,
    pub upvotes: u64,
    pub approved: bool,
    pub answered: bool,
    pub highlighted: bool,
    /// A moderation sent from this desk, not confirmed yet.
    pub pending: bool,
}

/// The live picture as a staff screen draws it: names resolved, shares worked out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LivePictureView {
    /// Whether the backend sent one yet (else everything is empty, and the screen says so).
    pub known: bool,
    /// Venue-local "09:31": when the backend counted.
    pub computed_at: Option<String>,
    pub attendees: u32,
    /// Check-ins at the doors per quarter hour ("09:15"), oldest first.
    pub checkins: Vec<Bar>,
    pub checked_in: u32,
    /// Sessions running now: their room, people in, seats.
    pub rooms: Vec<RoomFillView>,
    /// Answers per poll (its question).
    pub polls: Vec<Bar>,
    pub voters: u32,
    /// Visitors per booth, most first.
    pub booths: Vec<Bar>,
    pub quests: Vec<FunnelView>,
    /// Times each scenario fired (its name), most first.
    pub rules: Vec<Bar>,
    pub rewards_unlocked: u32,
    pub rewards_redeemed: u32,
    pub goals: Vec<GoalView>,
    /// Whom an announcement can go to: everyone, each room, each tag the scenarios give.
    pub announce_to: Vec<AnnounceTarget>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnnounceTarget {
    pub audience: crate::live::Audience,
    /// The room's name or the tag; empty for everyone (the UI words it).
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bar {
    pub label: String,
    pub value: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoomFillView {
    pub room: String,
    pub title: String,
    pub checked_in: u32,
    pub capacity: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunnelView {
    pub title: String,
    /// `steps[k]`: people who found at least `k + 1` checkpoints.
    pub steps: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoalView {
    pub id: String,
    pub name: String,
    pub met: u32,
    /// Attendees (what the share is of).
    pub of: u32,
    /// `met` as a share of `of`, in whole percent.
    pub percent: u32,
    pub target_percent: u32,
    pub reached: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadArgs {
    /// The badge's link or its code typed.
    pub badge: String,
    pub rating: u32,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadsView {
    pub leads: Vec<LeadView>,
    /// Badges scanned here that the backend has not confirmed yet (offline, or not synced).
    pub waiting: Vec<WaitingLead>,
    pub is_staff: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadView {
    pub profile_id: String,
    pub name: String,
    pub organization: Option<String>,
    pub role: Option<String>,
    pub links: Vec<String>,
    /// Venue-local "2027-03-10T10:02".
    pub captured_at: String,
    pub rating: u32,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaitingLead {
    pub badge: String,
    pub rating: u32,
    pub note: String,
    /// Refused by the backend (a badge no one has): why.
    pub refused: Option<crate::signal::Reason>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnnouncementView {
    pub id: String,
    pub text: String,
    /// Venue-local "14:02".
    pub at: String,
    /// Unix seconds, to tell new from seen.
    pub posted: i64,
    /// The room it was for (its name), when it went to one room's audience.
    pub room: Option<String>,
    /// It went to a scenario tag's participants.
    pub tagged: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnnounceArgs {
    pub text: String,
    pub audience: crate::live::Audience,
}
