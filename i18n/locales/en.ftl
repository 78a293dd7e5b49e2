# English: the app's own words. Event content (titles, names, the organizer's labels) is not here.
# Keys are grouped by screen; a key built from a protocol value says so.

## Start-up and errors
splash-opening = Opening your event…
loading = Loading…
error-title = Something went wrong
# error-<ErrorCode>
error-not_found = That is not part of this event (any more).
error-invalid_argument = The app asked for something it should not have. Please report this.
error-cache_unavailable = The data saved on this device could not be read. Restart the app; if it happens again, reinstall it.
error-unknown_command = This screen is older than the app. Restart the app.
error-unreachable = The event's server could not be reached. Check the address and your connection, then try again.
error-refused = The event's rules do not allow this.
error-internal = Something unexpected happened. Please try again.
# reason-<Reason>: which of the event's rules refused
reason-poll_not_open = This poll has not opened yet.
reason-poll_closed = This poll has closed.
reason-already_voted = You have already voted in this poll.
reason-already_done = You have already done this.
reason-unknown_target = That is not part of this event.
reason-not_allowed = This device may not do that: a venue screen shows results, people vote on their own phones.
reason-unsupported_schema = The event's server is older than this app and did not understand the request.
reason-malformed = The request was incomplete. Please report this.
reason-bad_signature = This code was not issued by the event.
reason-ticket_required = Only votes from personal tickets count in this poll.
reason-out_of_order = This quest goes in order: find the earlier checkpoints first.
reason-quest_not_open = This quest has not started yet.
reason-quest_closed = This quest has ended.

## Shell
# element-<ElementKind>
element-agenda = Agenda
element-map = Map
element-voting = Voting
element-quests = Quests
element-people = People
element-me = Me
element-staff = Desk
nav-label = Elements
notice-dismiss = Dismiss
sync-demo = Demo event · works offline
sync-offline = Offline · showing saved data
sync-offline-waiting = Offline · { $n } waiting to send
sync-sending = Sending { $n }…
sync-synced = Synced { $ago }
sync-connecting = Connecting…
ago-just-now = just now
ago-minutes = { $n } min ago
ago-hours = { $n } h ago
ago-days = { $n ->
    [one] { $n } day ago
   *[other] { $n } days ago
}

## Agenda
agenda-loading = Loading the programme…
agenda-track-empty = No sessions in this track on this day.
agenda-days = Programme days
sessions-count = { $n ->
    [one] { $n } session
   *[other] { $n } sessions
}
search-placeholder = Search talks, speakers…
search-label = Search sessions
search-none = No session matches “{ $query }”.
search-results = { $n ->
    [one] { $n } result
   *[other] { $n } results
}
group-label = Group sessions
group-by-time = By time
group-by-room = By room
track-filter = Filter by track
room-none = No room given
minutes = { $n } min
# kind-<session kind>
kind-keynote = Keynote
kind-talk = Talk
kind-panel = Panel
kind-workshop = Workshop
kind-lightning = Lightning talks
kind-break = Break
now-first-up = First up
now-on-now = On now
now-up-next = Up next
now-starts-today = Starts today
now-starts-tomorrow = Starts tomorrow
now-starts-in = { $n ->
    [one] Starts in { $n } day
   *[other] Starts in { $n } days
}
now-ended = The event has ended. Thanks for coming!
detail-pick = Pick a session to see its details and speakers.
detail-when = When
detail-where = Where
detail-language = Language
detail-speakers = { $n ->
    [one] Speaker
   *[other] Speakers
}

## Voting
voting-none = This event has no polls yet.
voting-offline-venue-screen = This device is a venue screen: it shows the results, and people vote on their own phones.
voting-offline-demo = This is the bundled demo event: votes are kept on this device only.
voting-offline-no-code = Join with your ticket or the event's join code to send votes.
poll-opens = Opens { $when }
poll-open-until = Open until { $time }
poll-closed = Closed { $when }
votes-counted = { $n ->
    [0] No votes counted yet
    [one] { $n } vote counted
   *[other] { $n } votes counted
}
vote-waiting = Your vote: { $option } · waiting to send
vote-accepted = Your vote for { $option } was counted
vote-rejected = Your vote for { $option } was not counted: { $why }
poll-ticket-only = One vote per ticket.
poll-ticket-barred = One vote per ticket: join with the code on your personal ticket to vote here.

## Me
me-device = This device
me-demo = You are on the bundled demo event. Everything works offline; votes stay on this device.
me-synced-from = Synced from
me-synced-ago = synced { $ago }
me-never-synced = not synced yet
me-waiting = { $n } waiting to send
me-retrying = retrying
me-needs-newer-app = needs a newer app
me-unencrypted = This event's address starts with http://, not https://: what this app sends (your code, profile and messages) can be read by anyone on the network. Ask the organizer for the https:// address.
join-title = Join an event
join-intro = Scan the event's join QR code, or paste its address. Your ticket or join code lets you vote and scan.
join-scan = Scan the join QR code
join-address = Event address or join link
join-code = Ticket or join code (optional)
join-button = Join
join-busy = Joining…
scan-unreadable = The picture could not be read; try another one.
scan-not-join = That QR code is not an event's join code: { $text }
settings-title = Language and look
settings-language = Language
settings-theme = Theme
settings-system = As the system
settings-light = Light
settings-dark = Dark

## Elements whose screens come later
# soon-<ElementKind>

## Quests
quests-scan-title = Found a checkpoint?
quests-scan-help = Take a photo of its QR code, or type the code printed under it. Codes are checked on this device at once, even offline.
quests-scan-photo = Photo of the code
quests-scan-code = Checkpoint code
quests-scan-check = Check
quests-scan-found = { $checkpoint } found: +{ $points } points.
quests-offline-venue-screen = This device is a venue screen: people scan checkpoints on their own phones.
quests-offline-demo = This is the bundled demo event: your progress is kept on this device only.
quests-offline-no-code = Join with your ticket or the event's join code to send your progress.
quests-waiting = { $n ->
    [one] { $n } scan waiting to be sent
   *[other] { $n } scans waiting to be sent
}
quests-none = This event has no quests.
quests-points = { $n ->
    [one] { $n } point
   *[other] { $n } points
}
quests-revealed = New: unlocked for you
quests-progress = Progress
quests-found = { $done } of { $total } found
quests-ordered = in order
quests-until = until { $when }
quests-rewards = Rewards
quests-leaderboard = Leaderboard
checkpoint-done = (found)
checkpoint-locked = (locked until the earlier steps are found)
checkpoint-open = (to find)
checkpoint-by-scan = Scan its QR code
reward-show-code = Show this code at the info desk
reward-code-pending = Unlocked: the desk code arrives once your phone is online
reward-demo = Unlocked. The demo event has no info desk, so no desk code.
reward-at = { $n ->
    [one] at { $n } point
   *[other] at { $n } points
}
leaderboard-anonymous = Someone
card-open = Open
card-dismiss = Dismiss
check-in = I'm here
check-in-done = You checked in to this session.

## Polls of every kind
reason-bad_answer = This answer does not fit the poll.
quiz-right = Right!
quiz-wrong = Not quite: the answer is { $option }.
poll-can-change = You can change your answer until the poll closes; the last one counts.
poll-results-hidden = The results are hidden until the organizers reveal them.
poll-answered = { $n ->
    [0] No answers yet
    [one] { $n } answer
   *[other] { $n } answers
}
poll-kind-multiple = Several choices
poll-kind-rating = Rating
poll-kind-words = Word cloud
poll-kind-ranking = Ranking
poll-kind-quiz = Quiz
poll-kind-questions = Q&A
poll-pick-up-to = Pick up to { $n }.
poll-send = Send
poll-rate = { $value } of { $max }
poll-average = Average { $average } of { $max }
poll-text-label = A word or a few
poll-rank-hint = Put them in order, best first.
poll-move-up = Move { $option } up
poll-move-down = Move { $option } down
poll-points = { $n ->
    [one] { $n } pt
   *[other] { $n } pts
}
qa-your-question = Your question
qa-anonymous = Ask anonymously
qa-ask = Ask
qa-none = No questions yet: ask the first.
qa-upvote = { $n ->
    [one] Upvote ({ $n } vote)
   *[other] Upvote ({ $n } votes)
}
qa-yours = Your question
qa-anonymous-author = Anonymous
qa-waiting = waiting to send
detail-polls = Polls
answer-waiting = Your answer: { $answer } · waiting to send
answer-accepted = Your answer was counted: { $answer }
answer-rejected = Your answer { $answer } was not counted: { $why }
ranking-first = { $option } first
quiz-round = A { $n }-second round: answer before the bar runs out.

## The map
map-no-floors = This event has no venue map.
map-search = Search the venue
map-search-none = Nothing on the map matches “{ $query }”.
map-filter = Show
map-floor = Floors
map-canvas-label = Venue map. Drag or use the arrow keys to move, the wheel or + and − to zoom.
map-zoom-in = Zoom in
map-zoom-out = Zoom out
map-fit = Whole floor
map-close = Close
place-room = Room
place-booth = Booth
place-food = Food & drink
place-toilet = Toilets
place-exit = Exit
place-stairs = Stairs
place-lift = Lift
place-info = Info desk
place-first-aid = First aid
place-meeting-point = Meeting point
map-place-exhibitor = Exhibitor:
map-place-now = Now
map-place-next = Next
map-place-checkpoint = Quest checkpoint: { $quest }, { $checkpoint }
map-place-route = Route here
map-place-here = I'm here
map-place-link = Link to this place:
map-route-title = To { $place }
map-route-from-here = From where you are
map-route-from = From { $place }
map-step-free = Step-free (lifts and ramps only)
map-route-total = { $m } m · about { $min } min
map-route-not-step-free = There is no step-free way there: the only way has stairs or an escalator. Ask at the info desk for help.
map-route-no-way = The venue's plan has no way from here to there.
map-step-walk = Walk { $m } m
map-step-lift-up = Take the lift up to { $floor }
map-step-lift-down = Take the lift down to { $floor }
map-step-stairs-up = Take the stairs up to { $floor }
map-step-stairs-down = Take the stairs down to { $floor }
map-step-escalator-up = Take the escalator up to { $floor }
map-step-escalator-down = Take the escalator down to { $floor }
map-step-ramp-up = Take the ramp up to { $floor }
map-step-ramp-down = Take the ramp down to { $floor }
map-then-left = { $step }, then turn left
map-then-right = { $step }, then turn right
map-then-back = { $step }, then turn back
map-step-arrive = Arrive at { $place }
map-here = You are here
map-here-at = You are at { $place }
map-here-none = Where are you? Scan a location code posted on a wall or pillar, or tap “Pick on the map”.
map-here-scan = Photo of a location code
map-here-pick = Pick on the map
map-here-tap = Tap where you are on the plan.
map-here-code = Location code
map-here-check = Set
map-here-set = Got it: the map shows where you are.
map-help = Tap a place to see what happens there and how to get there.
map-show = Show on map
map-take-me = Take me there
map-booth-visit = I visited this booth
map-booth-visited = ✓ You visited this booth

## My agenda
group-mine = Mine
star-add = Add to my schedule
star-remove = Remove from my schedule
mine-empty = Nothing starred yet. Tap the star on a session to build your own schedule.
mine-overlap = Overlaps with { $titles }
mine-take-me = Take me to my next session
mine-export = Add to my calendar (.ics)
mine-exported = { $n ->
    [one] Saved 1 session to { $path }: open it with your calendar app.
   *[other] Saved { $n } sessions to { $path }: open it with your calendar app.
}
notice-moved = Changed in your schedule: “{ $title }” was { $before }, now { $now }.
notice-cancelled = Cancelled: “{ $title }” ({ $before }) is off the programme.

## People
reason-not_a_contact = You can write to contacts only: exchange badges first.
reason-own_badge = That is your own badge.
people-tab-badge = Badge
people-tab-directory = Directory
people-tab-contacts = Contacts
people-tab-suggestions = For you
people-tab-profile = Profile
people-is-contact = Contact
people-offline-demo = This is the demo event: what you do here stays on this device. Join an event to meet people.
people-offline-no-code = Join with your ticket or the event's join code to exchange contacts.
people-offline-venue = This device is a venue screen: it keeps nobody's details.
people-badge-title = My badge
people-badge-help = Let someone scan this code to exchange contacts. You both get each other's details.
people-badge-qr = Badge QR code { $code }
people-badge-none = Your badge appears once you join an event with your ticket or its join code.
people-scan-title = Scan a badge
people-scan-photo = Photo of a badge
people-scan-code = Or type the code under it
people-scan-add = Add
people-scan-added = Added. You will see each other as contacts once both phones are online.
people-scan-added-name = { $name } added. You will see each other as contacts once both phones are online.
people-pending = Waiting to be confirmed
people-pending-help = Scanned here, confirmed when this device is online.
people-recent = Met recently
people-search = Search by name, organization or interest
people-interests = Filter by interest
people-found = { $n ->
    [one] 1 person
   *[other] { $n } people
}
people-contacts-search = Search contacts, notes and tags
people-export-vcard = Export as vCard
people-exported = { $n ->
    [one] Saved 1 contact to { $path }: open it to add it to your address book.
   *[other] Saved { $n } contacts to { $path }: open it to add them to your address book.
}
people-no-contacts = No contacts yet. Scan someone's badge, or show them yours.
people-no-suggestions = Add your interests, what you are looking for and what you offer to your profile, and star sessions: suggestions come from those.
people-why-interests = Both into { $tags }
people-why-offer = Offers what you look for: { $tags }
people-why-look = Looks for what you offer: { $tags }
people-why-sessions = { $n ->
    [one] Same session: { $titles }
   *[other] Same sessions: { $titles }
}
people-who-sees = Who sees this
people-visible-everyone = Everyone
people-visible-contacts = My contacts
people-visible-nobody = Only me
people-tags-hint = design, AI, …
people-saved = Saved.
people-data-exported = Your data is saved to { $path }.
people-status-published = Published: people see what you chose below.
people-status-waiting = Saved. It is published when this device is online.
people-status-draft = Not saved yet. Nobody sees your profile until you save it.
people-status-local = Saved on this device only.
people-forget-waiting = Deleted on this device. The request to delete it from the event's server goes out when this device is online.
people-forget-confirmed = Deleted on this device, and the event's server confirmed it deleted its copy.
people-forget-device = Deleted on this device. Nothing was on a server.
people-profile-title = My profile
people-listed = Show me in the directory
people-listed-help = Off: only people you exchange badges with see your profile. On: everyone at the event sees the fields marked "Everyone".
people-field-name = Name
people-field-organization = Organization
people-field-role = Role
people-field-interests = Interests
people-field-looking_for = Looking for
people-field-offers = Can offer
people-field-links = Links
people-field-photo = Photo
people-field-sessions = My starred sessions
people-photo-pick = Choose a photo
people-sessions-help = Helps people with the same plans find you.
people-save = Save
people-privacy-title = My data
people-privacy-help = Download everything this app holds about you (profile, contacts and notes, meetings, messages, votes, points, starred sessions), or delete it here and on the event's server.
me-counted-title = What the organizers see
people-privacy-counted = Counts, never you: check-ins, booth visits, answers, quest steps and the routes you ask the map for are added up per session, place and hour; a number from fewer than 5 people is shown to no one, and nobody sees where you went.
people-export-data = Download my data
people-forget = Delete my data
people-forget-confirm = Delete your profile, contacts, notes, meetings, messages, votes, points and starred sessions? Your contacts lose your details too. This cannot be undone.
people-forget-yes = Delete everything
people-cancel = Keep it
people-meeting-asks-you = { $name } asks to meet. Accept or decline.
people-meeting-asked = Waiting for { $name } to answer.
people-meeting-accepted = Accepted: it is in both your schedules.
people-meeting-declined = Declined.
people-meeting-cancelled = Cancelled.
people-waiting = not sent yet
people-accept = Accept
people-decline = Decline
people-cancel-meeting = Cancel the meeting
people-met = Met { $when }
people-my-note = My note
people-my-tags = Tags, separated by commas
people-save-note = Save note
people-meetings = Meetings
people-no-meetings = No meetings yet.
people-ask-meet = Ask to meet
people-meet-time = Time
people-meet-place = Place
people-meet-note = What about? (optional)
people-meet-free = Only times you are free are offered: your starred sessions and meetings are left out.
people-meet-send = Send request
people-messages = Messages
people-message = Write a message
people-send = Send
people-not-contact-help = Exchange badges to write to each other and see more of each other's profiles.
mine-meetings = Meetings
mine-meeting-with = With { $name } at { $place }
mine-meeting-accepted = Accepted
mine-meeting-asked = Waiting for an answer
reminder-session = { $n ->
    [0] Starting now: { $title }
    [one] In 1 minute: { $title }
   *[other] In { $n } minutes: { $title }
}
reminder-meeting = { $n ->
    [0] Meeting { $name } now
    [one] In 1 minute: meeting { $name }
   *[other] In { $n } minutes: meeting { $name }
}
reminder-changed = Changed in your schedule: { $title }
reminder-cancelled = Cancelled: { $title }
reminder-at = At { $time }
reminder-at-place = At { $time } · { $place }
settings-reminders = Reminders before my sessions and meetings
settings-reminders-off = Off
settings-reminders-minutes = { $n ->
    [one] 1 minute before
   *[other] { $n } minutes before
}
people-move-meeting = Propose the time and place below instead
people-unread = { $n ->
    [one] 1 new message
   *[other] { $n } new messages
}
reminder-asked = { $name } asks to meet
reminder-message = Message from { $name }
reminder-announcement = From the organizers
reminder-announcement-room = From the organizers, to { $place }

## Staff desk (staff tablets)
staff-not-staff = This device is not a staff device: join the event with a staff code to check people in or give rewards.
staff-check-in-title = Check-in
staff-scan-photo = Scan a ticket or badge
staff-gate = Where
staff-pass-code = Ticket or badge code
staff-admit = Check in
staff-admit-ok = Checked in:
staff-admit-conflict = Already checked in.
staff-admit-first = First at { $time }, { $place }. Recorded as a conflict, counted once.
staff-rewards-title = Reward desk
staff-rewards-given = { $n ->
    [one] { $n } reward given
   *[other] { $n } rewards given
}
staff-reward-code = Reward code
staff-redeem = Give reward
staff-rewards-unchecked = This desk has not synced the event's codes yet: codes are checked when it is online.
staff-redeem-valid = Valid — hand over:
staff-redeem-unchecked = Recorded. It will be checked when the desk is online.
staff-redeem-used = Already given: this code was used.
staff-redeem-forged = Not a reward code of this event: made up or mistyped.
staff-redeem-malformed = A reward code is 8 letters and digits, like K7Q2-MX4P.
staff-refused-unknown-pass = Not a ticket or badge of this event.
staff-gate-conflicts = { $n ->
    [one] { $n } conflict
   *[other] { $n } conflicts
}
staff-doors = Doors
staff-people-in = { $n ->
    [one] { $n } person in
   *[other] { $n } people in
}
staff-conflicts-title = Conflicts
staff-conflicts-none = No pass was let in twice.
staff-this-tablet = this tablet
staff-other-tablet = tablet { $code }
staff-sessions = Sessions today
staff-recent = This tablet's scans
staff-recent-none = Nothing scanned on this tablet yet.
staff-state-waiting = waiting to send
staff-state-counted = counted
staff-state-conflict = conflict
staff-state-given = given
staff-state-refused = refused

## Venue screens (kiosk mode)
kiosk-offline-since = Offline since { $time } · showing saved data
kiosk-nothing = Nothing to show yet.
kiosk-now-next = Now and next
kiosk-now = Now
kiosk-next = Next
kiosk-full = { $n } of { $max } in
kiosk-checked-in = { $n ->
    [one] { $n } checked in
   *[other] { $n } checked in
}
kiosk-poll-live = Live poll
kiosk-final-result = Final result
kiosk-results-hidden = The results are revealed at the end.
kiosk-answers = { $n ->
    [one] { $n } answer
   *[other] { $n } answers
}
kiosk-vote-on-phone = Scan to answer on your phone
kiosk-anonymous = Anonymous
kiosk-upvotes = { $n ->
    [one] { $n } upvote
   *[other] { $n } upvotes
}
kiosk-leaderboard = Leaderboard
kiosk-you-are-here = You are here
kiosk-minutes = { $n } min
kiosk-figures = The event in numbers
kiosk-figures-people = people taking part
kiosk-figures-active = active since { $time }
kiosk-figures-busiest = Busiest since { $time }
kiosk-figures-sessions = Fullest sessions
kiosk-figures-routes = Ways most asked for
kiosk-figures-privacy = Counts only, never anyone in particular: a number from fewer than 5 people is not shown.
kiosk-announcements = Announcements
kiosk-join-title = Join { $title } on your phone
kiosk-join-help = Scan the code with your phone's camera: the programme, the map and the polls, offline too.
staff-tab-desk = Check-in
staff-tab-polls = Polls & Q&A
staff-polls-title = Polls today
staff-polls-none = No polls today.
staff-questions-title = Q&A questions
staff-questions-none = No questions yet.
staff-poll-upcoming = not open yet
staff-poll-open = open
staff-poll-closed = closed
staff-poll-do-open = Open now
staff-poll-do-close = Close now
staff-poll-do-reveal = Reveal results
staff-poll-do-reset = Reset answers
staff-poll-draft = draft: only staff see it
staff-poll-do-edit = Edit wording
staff-poll-new = Ask the room
staff-poll-edit = Edit the poll
staff-poll-question = Question
staff-poll-kind = Kind
poll-kind-single = One choice
staff-poll-options = Options, one a line
staff-poll-max-choices = At most (blank: any number)
staff-poll-scale = Scale
staff-poll-scale-stars = 1 to 5 stars
staff-poll-scale-ten = 0 to 10
staff-poll-correct = Right answer
staff-poll-minutes = Open for (minutes)
staff-poll-hide-results = Hide the results until I reveal them
staff-poll-save = Save as draft
staff-poll-saved-hint = Saved as a draft: open it when the room is ready. The wording can change until the first answer.
staff-poll-cancel-edit = Cancel
staff-question-approved = approved
staff-question-answered = answered
staff-question-on-screens = on the screens
staff-question-do-highlight = Show on screens
staff-question-do-unhighlight = Take off screens
staff-question-do-approve = Approve
staff-question-do-answered = Mark answered
staff-question-do-hide = Hide
staff-tab-live = Live picture
staff-tab-analytics = Analytics
analytics-title = What the signals say
analytics-counted = Counted at { $time } · { $people } people took part
analytics-offline = the server is out of reach: the last figures
analytics-privacy = Counts only: a figure from fewer than 5 people is not shown (—), and nobody's own trail is here.
analytics-none-yet = No figures yet: they come from the server once this tablet reaches it.
analytics-organizers-only = The analytics are for the organizers.
analytics-venue = The venue, hour by hour
analytics-activity = People active per hour
analytics-sessions = Sessions
analytics-session = Session
analytics-attendees = Came
analytics-held = Stayed
analytics-answers = Answers
analytics-flows = Where audiences went next
analytics-flows-none = No flow of 5 people or more yet.
analytics-funnels = Quests: people with at least n checkpoints
analytics-per-attendee = Per person
analytics-engagement = Answers, questions, upvotes and quest steps per person active
analytics-routes = Routes asked for on the map
analytics-routes-none = No route asked for by 5 people or more yet.
analytics-route-from-spot = From where they stood
live-computed = Counted at { $time } · { $n ->
    [one] { $n } attendee
   *[other] { $n } attendees
}
live-not-yet = The backend has not sent a picture yet: it comes with the first sync.
live-goals = Goals
live-goals-none = This event sets no goals.
live-checkins = Check-ins at the doors
live-rooms = Rooms now
live-rooms-none = No session is running now.
live-polls = Poll answers
live-voters = { $n ->
    [one] { $n } person voted
   *[other] { $n } people voted
}
live-booths = Booth visitors
live-quests = Quest funnel
live-found = { $n ->
    [one] found { $n }
   *[other] found { $n }
}
live-rules = Scenarios fired
live-rewards = Rewards: { $n } unlocked, { $done } given
live-goal-met = { $total ->
    [one] { $n } of { $total } attendee
   *[other] { $n } of { $total } attendees
}
live-goal-reached = reached
live-nothing-yet = Nothing yet.
staff-tab-leads = Leads
staff-leads-capture = Scan a visitor
staff-leads-scan = Scan their badge
staff-leads-badge = Badge code
staff-leads-rating = How promising
staff-leads-unrated = not rated
staff-leads-note = Note
staff-leads-save = Save lead
staff-leads-title = { $n ->
    [one] { $n } lead
   *[other] { $n } leads
}
staff-leads-export = Export as CSV
staff-leads-exported = Saved to { $path }
staff-leads-none = No leads yet: scan a visitor's badge.
staff-leads-rated = { $n ->
    [one] rated { $n } of 5
   *[other] rated { $n } of 5
}
staff-leads-unknown-badge = No one at this event has this badge.
staff-leads-malformed = A badge code is 8 letters and digits, like K7Q2-MX4P.
announcement-from-organizers = From the organizers
announcement-to-room = From the organizers, to { $place }
staff-announce-title = Announce
staff-announce-to = To whom
staff-announce-everyone = everyone
staff-announce-room = everyone in { $place }
staff-announce-tag = participants tagged “{ $name }”
staff-announce-tagged = tagged
staff-announce-send = Send
staff-role-organizer = Organizer: every task
staff-role-moderator = Moderator: polls and Q&A
staff-role-door = Door: check-in
staff-role-desk = Reward desk
staff-role-exhibitor = Exhibitor: your leads
