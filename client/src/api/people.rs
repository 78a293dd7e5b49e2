//! The people Element: my profile and badge, the directory, contacts with my notes, suggestions,
//! meetings and messages, and my data (export, delete). What I do (publish my profile, scan a
//! badge, ask to meet, write) is a signal like any other ([`signals::act`]); what others show me
//! arrives in the people feed, which the backend cuts for me alone.

use std::collections::HashSet;

use base64::Engine;
use elements_domain::people::{clash, suggest, Busy, Seeker, Why};
use elements_protocol::app::{
    BadgeArgs, BadgeView, ContactCard, ContactNoteArgs, ContactsView, Directory, ExportedFile, ForgetState,
    MeetingAnswerArgs, MeetingCard, MeetingReply, MeetingRequestArgs, MessageArgs, MessageView, MyProfileView,
    PendingBadge, PeopleSearchArgs, PersonArgs, PersonCard, PersonView, PlaceChoice, Publication, ScanArgs, SlotView,
    SuggestionCard, SuggestionReason, TagCount,
};
use elements_protocol::event::{PoiKind, Profile};
use elements_protocol::link::Link;
use elements_protocol::people::{
    normalize_badge, Meeting, MeetingAnswer, MeetingStatus, MyProfile, Person, Shared, Visibility,
};

use super::signals::{act, can_act, credential_for, is_venue_screen, VENUE_SCREEN};
use super::*;
use crate::cache::{ContactNote, Decision, LoadedEvent, OutboxEntry};

/// The longest side of a profile photo, in pixels: sharp on a phone's contact screen, small to
/// send (about 20 KB).
const PHOTO_SIDE: u32 = 320;

/// Who I am at the people Element's backend: my profile id and badge code, once joined.
fn identity(store: &Cache, event: &LoadedEvent) -> Result<(Option<String>, Option<String>), ApiError> {
    let credential = credential_for(store, event, ElementKind::People)?;
    Ok(credential.map(|c| (c.profile_id, c.badge)).unwrap_or((None, None)))
}

fn venue_screen_refusal() -> ApiError {
    ApiError::refused(elements_protocol::signal::Reason::NotAllowed, VENUE_SCREEN)
}

/// A first profile: my name as the backend knows it; everything but the name empty, each field
/// for everyone once I choose to be listed (until then only contacts see it), links and my
/// sessions for contacts. Being listed is off.
fn first_profile(name: String) -> MyProfile {
    let text = || Shared::new(String::new(), Visibility::Everyone);
    let tags = || Shared::new(Vec::new(), Visibility::Everyone);
    MyProfile {
        name,
        listed: false,
        organization: text(),
        role: text(),
        interests: tags(),
        looking_for: tags(),
        offers: tags(),
        links: Shared::new(Vec::new(), Visibility::Contacts),
        photo: text(),
        sessions: Shared::new(Vec::new(), Visibility::Contacts),
    }
}

fn saved_profile(store: &Cache, event: &LoadedEvent) -> Result<Option<MyProfile>, ApiError> {
    Ok(store.my_profile(&event.manifest.id)?.map(|(p, _)| p))
}

fn current_profile(store: &Cache, event: &LoadedEvent) -> Result<MyProfile, ApiError> {
    if let Some(p) = saved_profile(store, event)? {
        return Ok(p);
    }
    let credential = credential_for(store, event, ElementKind::People)?;
    Ok(first_profile(credential.and_then(|c| c.display_name).unwrap_or_default()))
}

fn last_signal(outbox: &[OutboxEntry], pick: impl Fn(&Action) -> bool) -> Option<&OutboxEntry> {
    outbox.iter().rev().find(|e| pick(&e.signal.action))
}

pub(super) fn my_profile(api: &AppApi) -> Result<MyProfileView, ApiError> {
    let store = api.store()?;
    let event = store.loaded_event()?.ok_or_else(no_event)?;
    let credential = credential_for(&store, &event, ElementKind::People)?;
    let (can, offline) = can_act(api, &event, credential.as_ref());
    let saved = saved_profile(&store, &event)?;
    let profile = current_profile(&store, &event)?;
    let outbox = store.outbox(&event.manifest.id)?;
    let published = match (last_signal(&outbox, |a| matches!(a, Action::PublishProfile { .. })), &saved) {
        (_, None) => Publication::Draft,
        (Some(e), Some(_)) if e.decision == Decision::Pending && offline.is_none() => Publication::Waiting,
        (Some(e), Some(_)) if e.decision == Decision::Accepted => Publication::Published,
        _ => Publication::Local,
    };
    let forget = last_signal(&outbox, |a| matches!(a, Action::ForgetMe {})).map(|e| match e.decision {
        Decision::Accepted => ForgetState::Confirmed,
        _ => ForgetState::Waiting,
    });
    let forget = forget
        .or_else(|| store.preference(&forgot_key(&event.manifest.id)).ok().flatten().map(|_| ForgetState::DeviceOnly));
    let badge = match (can, credential.and_then(|c| c.badge)) {
        (true, Some(code)) => Some(badge_view(&event.manifest.id, &code, &profile.name)?),
        _ => None,
    };
    Ok(MyProfileView { profile, badge, published, offline, forget })
}

fn forgot_key(event_id: &str) -> String {
    format!("people.forgotten.{event_id}")
}

fn badge_view(event_id: &str, code: &str, name: &str) -> Result<BadgeView, ApiError> {
    let name = Some(name.trim().to_string()).filter(|n| !n.is_empty());
    let link = Link::Badge { event: event_id.to_string(), code: code.to_string(), name }.to_string();
    let svg = qr_svg(&link, "badge")?;
    Ok(BadgeView { code: code.to_string(), link, svg })
}

/// Saves my profile here (every field, those for nobody included) and publishes what I share.
pub(super) fn save_my_profile(api: &AppApi, mut profile: MyProfile) -> Result<MyProfileView, ApiError> {
    let publish = {
        let mut store = api.store()?;
        let event = store.loaded_event()?.ok_or_else(no_event)?;
        let credential = credential_for(&store, &event, ElementKind::People)?;
        if is_venue_screen(api, credential.as_ref()) {
            return Err(venue_screen_refusal());
        }
        // Tidy what people type: no blank tags, each once.
        for list in [&mut profile.interests.value, &mut profile.looking_for.value, &mut profile.offers.value] {
            let mut seen = HashSet::new();
            list.retain(|t| {
                let key = elements_domain::people::tag_key(t);
                !key.is_empty() && seen.insert(key)
            });
            for t in list.iter_mut() {
                *t = t.split_whitespace().collect::<Vec<_>>().join(" ");
            }
        }
        profile.links.value.retain(|l| !l.trim().is_empty());
        for l in &mut profile.links.value {
            *l = l.trim().to_string();
        }
        profile.name = profile.name.trim().to_string();
        // My plans, so people with the same sessions starred can find me.
        let mut sessions: Vec<String> = store.starred(&event.manifest.id)?.into_iter().collect();
        sessions.sort();
        sessions.truncate(elements_protocol::people::MAX_SESSIONS);
        profile.sessions.value = sessions;
        profile.check().map_err(|why| ApiError::new(ErrorCode::InvalidArgument, why))?;
        store.save_my_profile(&event.manifest.id, &profile, api.clock.now().timestamp())?;
        event.manifest.elements.iter().any(|e| e.kind == ElementKind::People)
    };
    if publish {
        act(api, Action::PublishProfile { profile: profile.shareable() })?;
    }
    my_profile(api)
}

/// My photo: any PNG or JPEG, cut to its middle square and made small, as a JPEG.
pub(super) fn set_my_photo(api: &AppApi, args: ScanArgs) -> Result<MyProfileView, ApiError> {
    let photo = photo_jpeg(&args.image)?;
    let mut profile = {
        let store = api.store()?;
        let event = store.loaded_event()?.ok_or_else(no_event)?;
        current_profile(&store, &event)?
    };
    profile.photo.value = photo;
    save_my_profile(api, profile)
}

/// `bytes` as a square JPEG of at most [`PHOTO_SIDE`] pixels, base64; quality lowered until it
/// fits the protocol's limit.
pub fn photo_jpeg(bytes: &[u8]) -> Result<String, ApiError> {
    if bytes.is_empty() || bytes.len() > crate::scan::MAX_IMAGE_BYTES {
        return Err(ApiError::new(
            ErrorCode::InvalidArgument,
            format!("the photo must be 1 byte to {} MB", crate::scan::MAX_IMAGE_BYTES / (1024 * 1024)),
        ));
    }
    let picture = image::load_from_memory(bytes).map_err(|e| {
        ApiError::new(ErrorCode::InvalidArgument, format!("this is not a picture the app can read (PNG or JPEG): {e}"))
    })?;
    let side = picture.width().min(picture.height());
    if side == 0 {
        return Err(ApiError::new(ErrorCode::InvalidArgument, "the picture is empty"));
    }
    let square = picture.crop_imm((picture.width() - side) / 2, (picture.height() - side) / 2, side, side);
    let small = if side > PHOTO_SIDE {
        square.resize_exact(PHOTO_SIDE, PHOTO_SIDE, image::imageops::FilterType::Lanczos3)
    } else {
        square
    };
    let rgb = small.to_rgb8();
    for quality in [85u8, 70, 55, 40] {
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
            .encode_image(&rgb)
            .map_err(|e| ApiError::new(ErrorCode::Internal, format!("the photo could not be made small: {e}")))?;
        let text = base64::engine::general_purpose::STANDARD.encode(&out);
        if text.len() <= elements_protocol::people::MAX_PHOTO_BASE64 {
            return Ok(text);
        }
    }
    Err(ApiError::new(ErrorCode::InvalidArgument, "this photo stays too large even made small; try another"))
}

fn card_of(store: &Cache, p: &Profile, contact: bool) -> Result<PersonCard, ApiError> {
    // The feed names the photo's revision; the picture itself is in the cache once fetched.
    let photo = match &p.photo {
        Some(rev) => store.photo(&p.id, rev)?.map(|jpeg| base64::engine::general_purpose::STANDARD.encode(jpeg)),
        None => None,
    };
    Ok(PersonCard {
        profile_id: p.id.clone(),
        name: p.name.clone(),
        organization: p.organization.clone(),
        role: p.position.clone(),
        interests: p.interests.clone(),
        photo,
        contact,
    })
}

fn contact_ids(store: &Cache) -> Result<HashSet<String>, ApiError> {
    Ok(store.contacts()?.into_iter().map(|c| c.id).collect())
}

pub(super) fn search_people(api: &AppApi, args: PeopleSearchArgs) -> Result<Directory, ApiError> {
    let store = api.store()?;
    let event = store.loaded_event()?.ok_or_else(no_event)?;
    let credential = credential_for(&store, &event, ElementKind::People)?;
    if is_venue_screen(api, credential.as_ref()) {
        return Ok(Directory {
            people: Vec::new(),
            total: 0,
            interests: Vec::new(),
            offline: Some(OfflineReason::VenueScreen),
        });
    }
    if args.query.chars().count() > 200 {
        return Err(ApiError::new(ErrorCode::InvalidArgument, "a search is at most 200 characters"));
    }
    let (me, _) = identity(&store, &event)?;
    let contacts = contact_ids(&store)?;
    let (found, total) = store.search_profiles(&args.query, args.interest.as_deref(), 101)?;
    let people: Vec<PersonCard> = found
        .iter()
        .filter(|p| Some(&p.id) != me.as_ref())
        .take(100)
        .map(|p| card_of(&store, p, contacts.contains(&p.id)))
        .collect::<Result<_, _>>()?;
    let total = total.saturating_sub(u32::from(found.iter().any(|p| Some(&p.id) == me.as_ref())));
    let interests =
        store.common_interests(30)?.into_iter().map(|(key, tag, count)| TagCount { key, tag, count }).collect();
    Ok(Directory { people, total, interests, offline: None })
}

/// When we met, for a contact.
type MetAt = Option<chrono::DateTime<chrono::FixedOffset>>;

/// What I know of a person: their contact entry (what they show contacts) or their directory
/// profile.
fn profile_of(store: &Cache, id: &str) -> Result<Option<(Profile, MetAt)>, ApiError> {
    if let Some(c) = store.contact(id)? {
        return Ok(Some((c.profile, Some(c.met_at))));
    }
    Ok(store.profile(id)?.map(|p| (p, None)))
}

fn local(event: &LoadedEvent, t: chrono::DateTime<chrono::FixedOffset>) -> chrono::DateTime<chrono::FixedOffset> {
    t.with_timezone(&offset_of(event))
}

fn meeting_card(
    event: &LoadedEvent,
    places: &HashMap<String, String>,
    me: Option<&str>,
    m: &Meeting,
    waiting: bool,
) -> MeetingCard {
    let i_asked = me == Some(m.requester.profile_id.as_str());
    let other = if i_asked { &m.invitee } else { &m.requester };
    let start = local(event, m.starts_at);
    let end = start + chrono::Duration::minutes(i64::from(m.minutes));
    MeetingCard {
        id: m.id.clone(),
        with: other.name.clone(),
        with_id: other.profile_id.clone(),
        date: start.date_naive().to_string(),
        start: start.format("%H:%M").to_string(),
        end: end.format("%H:%M").to_string(),
        starts_at: start.to_rfc3339(),
        minutes: m.minutes,
        place_id: m.place_id.clone(),
        place: places.get(&m.place_id).cloned().unwrap_or_else(|| m.place_id.clone()),
        note: m.note.clone(),
        status: m.status,
        mine_to_answer: m.status == MeetingStatus::Proposed && me.is_some_and(|me| m.proposed_by != me),
        waiting,
    }
}

/// My meetings as I should see them now: the backend's, with what I did since on top: a
/// request the feed has not brought back yet (sent or not: between the backend's answer and the
/// next pull it is in neither), and an answer not decided yet (once decided, the feed's copy is
/// the truth: the other person may have answered since).
fn my_meetings(store: &Cache, event: &LoadedEvent, me: Option<&str>) -> Result<Vec<(Meeting, bool)>, ApiError> {
    let mut meetings: Vec<(Meeting, bool)> = store.meetings()?.into_iter().map(|m| (m, false)).collect();
    let my = Person { profile_id: me.unwrap_or("me").to_string(), name: current_profile(store, event)?.name };
    for entry in store.outbox(&event.manifest.id)? {
        let waiting = entry.decision == Decision::Pending;
        match &entry.signal.action {
            _ if entry.decision == Decision::Rejected => {}
            Action::RequestMeeting { meeting_id, with, starts_at, minutes, place_id, note } => {
                if meetings.iter().any(|(m, _)| &m.id == meeting_id) {
                    continue;
                }
                let name = profile_of(store, with)?.map(|(p, _)| p.name).unwrap_or_default();
                meetings.push((
                    Meeting {
                        id: meeting_id.clone(),
                        requester: my.clone(),
                        invitee: Person { profile_id: with.clone(), name },
                        starts_at: *starts_at,
                        minutes: *minutes,
                        place_id: place_id.clone(),
                        note: note.clone(),
                        status: MeetingStatus::Proposed,
                        proposed_by: my.profile_id.clone(),
                    },
                    waiting,
                ));
            }
            Action::AnswerMeeting { meeting_id, answer } if waiting => {
                if let Some((m, waiting)) = meetings.iter_mut().find(|(m, _)| &m.id == meeting_id) {
                    elements_domain::people::apply_answer(m, answer, &my.profile_id);
                    *waiting = true;
                }
            }
            _ => {}
        }
    }
    meetings.sort_by(|a, b| a.0.starts_at.cmp(&b.0.starts_at).then_with(|| a.0.id.cmp(&b.0.id)));
    Ok(meetings)
}

/// My meetings that stand (asked or accepted, not declined or cancelled), for My schedule.
pub(super) fn standing_meetings(store: &Cache, event: &LoadedEvent) -> Result<Vec<MeetingCard>, ApiError> {
    let (me, _) = identity(store, event)?;
    let places: HashMap<String, String> = store.points_of_interest()?.into_iter().map(|p| (p.id, p.name)).collect();
    Ok(my_meetings(store, event, me.as_deref())?
        .into_iter()
        .filter(|(m, _)| matches!(m.status, MeetingStatus::Proposed | MeetingStatus::Accepted))
        .map(|(m, waiting)| meeting_card(event, &places, me.as_deref(), &m, waiting))
        .collect())
}

/// What takes my time: starred sessions and `meetings` (mine, as [`my_meetings`] reads them)
/// not declined or cancelled (but `except`).
fn busy(
    store: &Cache,
    event: &LoadedEvent,
    me: Option<&str>,
    meetings: &[(Meeting, bool)],
    except: Option<&str>,
) -> Result<Vec<Busy>, ApiError> {
    let mut out = Vec::new();
    for id in store.starred(&event.manifest.id)? {
        if let Some(s) = store.session(&id)? {
            out.push(Busy { from: s.starts_at.to_utc(), to: s.ends_at.to_utc(), what: s.title });
        }
    }
    for (m, _) in meetings.iter().cloned() {
        if Some(m.id.as_str()) == except || matches!(m.status, MeetingStatus::Declined | MeetingStatus::Cancelled) {
            continue;
        }
        let who = if me == Some(m.requester.profile_id.as_str()) { m.invitee.name } else { m.requester.name };
        let from = m.starts_at.to_utc();
        out.push(Busy { from, to: from + chrono::Duration::minutes(i64::from(m.minutes)), what: who });
    }
    Ok(out)
}

/// Half-hour slots from now to the end of the event inside its days' hours, free of `busy`.
fn free_slots(event: &LoadedEvent, busy: &[Busy], now: chrono::DateTime<Utc>, most: usize) -> Vec<SlotView> {
    let step = chrono::Duration::minutes(30);
    let mut out = Vec::new();
    for day in &event.manifest.days {
        let (start, end) = (day.starts_at.to_utc(), day.ends_at.to_utc());
        let mut t = start;
        while t + step <= end && out.len() < most {
            if t >= now && clash(busy, t, t + step).is_none() {
                let local = t.with_timezone(&offset_of(event));
                out.push(SlotView {
                    starts_at: local.to_rfc3339(),
                    date: local.date_naive().to_string(),
                    time: local.format("%H:%M").to_string(),
                    minutes: 30,
                });
            }
            t += step;
        }
    }
    out
}

fn places_to_meet(store: &Cache) -> Result<Vec<PlaceChoice>, ApiError> {
    let mut places: Vec<(u8, PlaceChoice)> = store
        .points_of_interest()?
        .into_iter()
        .filter_map(|p| {
            let rank = match p.kind {
                PoiKind::MeetingPoint => 0,
                PoiKind::Food => 1,
                PoiKind::Info => 2,
                _ => return None,
            };
            Some((rank, PlaceChoice { id: p.id, name: p.name }))
        })
        .collect();
    places.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.name.cmp(&b.1.name)));
    Ok(places.into_iter().map(|(_, p)| p).collect())
}

pub(super) fn person(api: &AppApi, args: PersonArgs) -> Result<PersonView, ApiError> {
    let store = api.store()?;
    let event = store.loaded_event()?.ok_or_else(no_event)?;
    let credential = credential_for(&store, &event, ElementKind::People)?;
    if is_venue_screen(api, credential.as_ref()) {
        return Err(venue_screen_refusal());
    }
    let (me, _) = identity(&store, &event)?;
    let (profile, met_at) = profile_of(&store, &args.profile_id)?.ok_or_else(|| {
        ApiError::new(ErrorCode::NotFound, format!("there is no one with the profile \"{}\" here", args.profile_id))
    })?;
    let contact = met_at.is_some();
    let note = store.contact_notes(&event.manifest.id)?.remove(&args.profile_id).unwrap_or_default();
    let place_names: HashMap<String, String> =
        store.points_of_interest()?.into_iter().map(|p| (p.id, p.name)).collect();
    // Read once: shown below, and what makes my time busy for the free slots.
    let mine = my_meetings(&store, &event, me.as_deref())?;
    let meetings = mine
        .iter()
        .cloned()
        .filter(|(m, _)| m.requester.profile_id == args.profile_id || m.invitee.profile_id == args.profile_id)
        .map(|(m, waiting)| meeting_card(&event, &place_names, me.as_deref(), &m, waiting))
        .collect();
    let mut messages: Vec<MessageView> = store
        .messages_with(&args.profile_id)?
        .into_iter()
        .map(|m| MessageView {
            mine: me.as_deref() == Some(m.from.profile_id.as_str()),
            id: m.id,
            text: m.text,
            at: local(&event, m.sent_at).format("%Y-%m-%dT%H:%M").to_string(),
            waiting: false,
        })
        .collect();
    for entry in store.outbox(&event.manifest.id)? {
        // Mine, until the feed brings the backend's copy (sent or not yet).
        if let (Action::SendMessage { message_id, to, text }, false) =
            (&entry.signal.action, entry.decision == Decision::Rejected)
        {
            if to == &args.profile_id && !messages.iter().any(|m| &m.id == message_id) {
                messages.push(MessageView {
                    id: message_id.clone(),
                    mine: true,
                    text: text.clone(),
                    at: local(&event, entry.signal.created_at).format("%Y-%m-%dT%H:%M").to_string(),
                    waiting: entry.decision == Decision::Pending,
                });
            }
        }
    }
    // Read now: what they wrote up to here no longer counts as new.
    let newest = store.messages_with(&args.profile_id)?.iter().map(|m| m.sent_at.timestamp()).max();
    if let Some(newest) = newest {
        store.set_preference(&read_key(&event.manifest.id, &args.profile_id), Some(&newest.to_string()))?;
    }
    let (can, _) = can_act(api, &event, credential.as_ref());
    let busy = busy(&store, &event, me.as_deref(), &mine, None)?;
    Ok(PersonView {
        card: card_of(&store, &profile, contact)?,
        looking_for: profile.looking_for.clone(),
        offers: profile.offers.clone(),
        links: profile.links.clone(),
        met_at: met_at.map(|t| local(&event, t).format("%Y-%m-%dT%H:%M").to_string()),
        note: note.note,
        tags: note.tags,
        pending: false,
        meetings,
        messages,
        free_slots: free_slots(&event, &busy, api.clock.now(), 8),
        places: places_to_meet(&store)?,
        can_message: can && contact,
        can_meet: can && Some(&args.profile_id) != me.as_ref(),
    })
}

fn read_key(event_id: &str, profile_id: &str) -> String {
    format!("people.read.{event_id}.{profile_id}")
}

/// Up to when I have read what `profile_id` wrote (Unix seconds; 0: nothing read).
fn read_mark(store: &Cache, event_id: &str, profile_id: &str) -> Result<i64, ApiError> {
    Ok(store.preference(&read_key(event_id, profile_id))?.and_then(|v| v.parse().ok()).unwrap_or(0))
}

/// The badge code in what was scanned or typed: a badge link of this event, or the code.
fn badge_in(event_id: &str, text: &str) -> Result<(String, Option<String>), ApiError> {
    let text = text.trim();
    match Link::parse(text) {
        Ok(Link::Badge { event, code, name }) => {
            if event != event_id {
                return Err(ApiError::new(
                    ErrorCode::InvalidArgument,
                    "this badge is from another event: both of you need to be at the same event",
                ));
            }
            let code = normalize_badge(&code)
                .ok_or_else(|| ApiError::new(ErrorCode::InvalidArgument, "this badge's code is damaged"))?;
            Ok((code, name))
        }
        Ok(_) => Err(ApiError::new(
            ErrorCode::InvalidArgument,
            "this code is not a person's badge: scan the QR code on their People screen",
        )),
        Err(_) => normalize_badge(text).map(|c| (c, None)).ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidArgument,
                "a badge code has 8 letters and digits, like K7Q2-MX4P: check it and type it again",
            )
        }),
    }
}

pub(super) fn exchange_badge(api: &AppApi, args: BadgeArgs) -> Result<ContactsView, ApiError> {
    let text = match &args.image {
        Some(image) => crate::scan::scan(image)?.text,
        None => args.code.clone(),
    };
    let (code, name) = {
        let store = api.store()?;
        let event = store.loaded_event()?.ok_or_else(no_event)?;
        let credential = credential_for(&store, &event, ElementKind::People)?;
        if is_venue_screen(api, credential.as_ref()) {
            return Err(venue_screen_refusal());
        }
        let (code, name) = badge_in(&event.manifest.id, &text)?;
        if credential.and_then(|c| c.badge).as_deref() == Some(code.as_str()) {
            return Err(ApiError::refused(elements_protocol::signal::Reason::OwnBadge, "that is your own badge"));
        }
        (code, name)
    };
    if let Some(name) = &name {
        api.store()?.set_preference(&format!("people.badge-name.{code}"), Some(name))?;
    }
    act(api, Action::ScanBadge { badge: code })?;
    contacts(api, SearchArgs { query: String::new() })
}

pub(super) fn contacts(api: &AppApi, args: SearchArgs) -> Result<ContactsView, ApiError> {
    let store = api.store()?;
    let event = store.loaded_event()?.ok_or_else(no_event)?;
    let credential = credential_for(&store, &event, ElementKind::People)?;
    if is_venue_screen(api, credential.as_ref()) {
        return Ok(ContactsView {
            contacts: Vec::new(),
            pending: Vec::new(),
            offline: Some(OfflineReason::VenueScreen),
        });
    }
    let (_, offline) = can_act(api, &event, credential.as_ref());
    let notes = store.contact_notes(&event.manifest.id)?;
    let words: Vec<String> = args.query.split_whitespace().map(str::to_lowercase).collect();
    let all = store.contacts()?;
    let known: HashSet<&str> = all.iter().map(|c| c.id.as_str()).collect();
    let mut contacts = Vec::new();
    for c in &all {
        let note = notes.get(&c.id).cloned().unwrap_or_default();
        {
            let haystack = [
                c.profile.name.as_str(),
                c.profile.organization.as_deref().unwrap_or(""),
                c.profile.position.as_deref().unwrap_or(""),
                &note.note,
                &note.tags.join(" "),
                &c.profile.interests.join(" "),
            ]
            .join(" ")
            .to_lowercase();
            if words.iter().all(|w| haystack.contains(w.as_str())) {
                contacts.push(ContactCard {
                    card: card_of(&store, &c.profile, true)?,
                    met_at: local(&event, c.met_at).format("%Y-%m-%dT%H:%M").to_string(),
                    tags: note.tags.clone(),
                    note: note.note.lines().next().unwrap_or("").to_string(),
                    unread: store.messages_from_since(&c.id, read_mark(&store, &event.manifest.id, &c.id)?)?,
                });
            }
        }
    }
    // Scanned here, not yet matched to someone by the backend.
    let mut pending = Vec::new();
    for entry in store.outbox(&event.manifest.id)? {
        let Action::ScanBadge { badge } = &entry.signal.action else { continue };
        let matched = entry.effects.iter().flatten().any(|e| {
            matches!(e, elements_protocol::signal::Effect::ContactMade { profile_id } if known.contains(profile_id.as_str()))
        });
        // An accepted scan whose contact the people feed has not brought yet is still on its way.
        if entry.decision == Decision::Rejected || matched {
            continue;
        }
        pending
            .push(PendingBadge { code: badge.clone(), name: store.preference(&format!("people.badge-name.{badge}"))? });
    }
    Ok(ContactsView { contacts, pending, offline })
}

pub(super) fn save_contact_note(api: &AppApi, args: ContactNoteArgs) -> Result<PersonView, ApiError> {
    if args.note.chars().count() > 2000 || args.tags.len() > 20 || args.tags.iter().any(|t| t.chars().count() > 40) {
        return Err(ApiError::new(
            ErrorCode::InvalidArgument,
            "a note is at most 2,000 characters, with up to 20 tags of up to 40 characters",
        ));
    }
    {
        let mut store = api.store()?;
        let event = store.loaded_event()?.ok_or_else(no_event)?;
        if store.contact(&args.profile_id)?.is_none() {
            return Err(ApiError::new(ErrorCode::NotFound, "notes are for contacts: exchange badges first"));
        }
        let mut seen = HashSet::new();
        let tags: Vec<String> = args
            .tags
            .iter()
            .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|t| !t.is_empty() && seen.insert(t.to_lowercase()))
            .collect();
        let note = ContactNote { note: args.note.trim().to_string(), tags };
        store.save_contact_note(&event.manifest.id, &args.profile_id, &note, api.clock.now().timestamp())?;
    }
    person(api, PersonArgs { profile_id: args.profile_id })
}

/// My contacts as a vCard file in the downloads folder (else beside the cache).
pub(super) fn export_contacts(api: &AppApi) -> Result<ExportedFile, ApiError> {
    let (text, name, count) = {
        let store = api.store()?;
        let event = store.loaded_event()?.ok_or_else(no_event)?;
        let notes = store.contact_notes(&event.manifest.id)?;
        let contacts = store.contacts()?;
        let empty = ContactNote::default();
        let met: Vec<String> = contacts
            .iter()
            .map(|c| format!("{} {}", event.manifest.name, local(&event, c.met_at).format("%Y-%m-%d %H:%M")))
            .collect();
        let cards: Vec<crate::vcard::VcardContact<'_>> = contacts
            .iter()
            .zip(&met)
            .map(|(c, met)| {
                let n = notes.get(&c.id).unwrap_or(&empty);
                crate::vcard::VcardContact { profile: &c.profile, note: &n.note, tags: &n.tags, met }
            })
            .collect();
        let text = crate::vcard::contacts(&event.manifest.id, &cards);
        (text, format!("{}-contacts.vcf", safe_name(&event.manifest.id)), cards.len())
    };
    let path = write_export(api, &name, text.as_bytes())?;
    Ok(ExportedFile { path, items: u32::try_from(count).unwrap_or(u32::MAX) })
}

fn safe_name(id: &str) -> String {
    id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' }).take(60).collect()
}

pub(super) fn suggestions(api: &AppApi) -> Result<Vec<SuggestionCard>, ApiError> {
    let store = api.store()?;
    let event = store.loaded_event()?.ok_or_else(no_event)?;
    let credential = credential_for(&store, &event, ElementKind::People)?;
    if is_venue_screen(api, credential.as_ref()) {
        return Ok(Vec::new());
    }
    let (me, _) = identity(&store, &event)?;
    let mine = current_profile(&store, &event)?;
    let starred: Vec<String> = store.starred(&event.manifest.id)?.into_iter().collect();
    let seeker = Seeker::new(&mine.interests.value, &mine.looking_for.value, &mine.offers.value, &starred);
    let mut skip = contact_ids(&store)?;
    skip.extend(me);
    let everyone = store.profiles()?;
    let found = suggest(&seeker, &everyone, &skip, 20);
    let by_id: HashMap<&str, &Profile> = everyone.iter().map(|p| (p.id.as_str(), p)).collect();
    let mut out = Vec::new();
    for s in found {
        let Some(p) = by_id.get(s.profile_id.as_str()) else { continue };
        let mut reasons = Vec::new();
        for why in s.why {
            reasons.push(match why {
                Why::SharedInterests(tags) => SuggestionReason::SharedInterests { tags },
                Why::TheyOffer(tags) => SuggestionReason::TheyOffer { tags },
                Why::TheyLookFor(tags) => SuggestionReason::TheyLookFor { tags },
                Why::SameSessions(ids) => {
                    let mut titles = Vec::new();
                    for id in ids.iter().take(3) {
                        if let Some(session) = store.session(id)? {
                            titles.push(session.title);
                        }
                    }
                    SuggestionReason::SameSessions { titles }
                }
            });
        }
        out.push(SuggestionCard { card: card_of(&store, p, false)?, reasons });
    }
    Ok(out)
}

fn parse_time(text: &str) -> Result<chrono::DateTime<chrono::FixedOffset>, ApiError> {
    chrono::DateTime::parse_from_rfc3339(text.trim()).map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidArgument,
            format!("{text:?} is not a time like 2027-03-10T12:30:00+01:00 ({e})"),
        )
    })
}

/// Refuses a time that clashes with my own agenda, naming what it clashes with.
fn check_free(
    api: &AppApi,
    starts_at: chrono::DateTime<chrono::FixedOffset>,
    minutes: u32,
    except: Option<&str>,
) -> Result<(), ApiError> {
    let store = api.store()?;
    let event = store.loaded_event()?.ok_or_else(no_event)?;
    let (me, _) = identity(&store, &event)?;
    let mine = my_meetings(&store, &event, me.as_deref())?;
    let busy = busy(&store, &event, me.as_deref(), &mine, except)?;
    let from = starts_at.to_utc();
    if let Some(b) = clash(&busy, from, from + chrono::Duration::minutes(i64::from(minutes))) {
        return Err(ApiError::new(ErrorCode::Refused, format!("you are busy then: \"{}\"; pick a free time", b.what)));
    }
    Ok(())
}

fn new_id(api: &AppApi, kind: &str) -> Result<String, ApiError> {
    let client = api.store()?.client_id()?;
    let mut bytes = [0u8; 6];
    getrandom::fill(&mut bytes).map_err(|e| ApiError::new(ErrorCode::Internal, format!("no random source: {e}")))?;
    Ok(format!("{kind}-{client}-{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()))
}

pub(super) fn request_meeting(api: &AppApi, args: MeetingRequestArgs) -> Result<PersonView, ApiError> {
    let starts_at = parse_time(&args.starts_at)?;
    check_free(api, starts_at, args.minutes, None)?;
    let action = Action::RequestMeeting {
        meeting_id: new_id(api, "meet")?,
        with: args.with.clone(),
        starts_at,
        minutes: args.minutes,
        place_id: args.place_id,
        note: args.note.trim().to_string(),
    };
    act(api, action)?;
    person(api, PersonArgs { profile_id: args.with })
}

pub(super) fn answer_meeting(api: &AppApi, args: MeetingAnswerArgs) -> Result<PersonView, ApiError> {
    let (with, answer) = {
        let store = api.store()?;
        let event = store.loaded_event()?.ok_or_else(no_event)?;
        let (me, _) = identity(&store, &event)?;
        let (m, _) = my_meetings(&store, &event, me.as_deref())?
            .into_iter()
            .find(|(m, _)| m.id == args.meeting_id)
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "there is no such meeting of yours"))?;
        let with = if me.as_deref() == Some(m.requester.profile_id.as_str()) {
            m.invitee.profile_id.clone()
        } else {
            m.requester.profile_id.clone()
        };
        let answer = match args.answer {
            MeetingReply::Accept => MeetingAnswer::Accept,
            MeetingReply::Decline => MeetingAnswer::Decline,
            MeetingReply::Cancel => MeetingAnswer::Cancel,
            MeetingReply::Move { starts_at, minutes, place_id } => {
                MeetingAnswer::Move { starts_at: parse_time(&starts_at)?, minutes, place_id }
            }
        };
        (with, answer)
    };
    match &answer {
        MeetingAnswer::Accept => {
            let store = api.store()?;
            let event = store.loaded_event()?.ok_or_else(no_event)?;
            let (me, _) = identity(&store, &event)?;
            let m = my_meetings(&store, &event, me.as_deref())?.into_iter().find(|(m, _)| m.id == args.meeting_id);
            drop(store);
            if let Some((m, _)) = m {
                check_free(api, m.starts_at, m.minutes, Some(&m.id))?;
            }
        }
        MeetingAnswer::Move { starts_at, minutes, .. } => {
            check_free(api, *starts_at, *minutes, Some(&args.meeting_id))?
        }
        _ => {}
    }
    act(api, Action::AnswerMeeting { meeting_id: args.meeting_id, answer })?;
    person(api, PersonArgs { profile_id: with })
}

pub(super) fn send_message(api: &AppApi, args: MessageArgs) -> Result<PersonView, ApiError> {
    {
        let store = api.store()?;
        if store.contact(&args.to)?.is_none() {
            return Err(ApiError::refused(
                elements_protocol::signal::Reason::NotAContact,
                "you can write to contacts only: exchange badges first",
            ));
        }
    }
    act(
        api,
        Action::SendMessage {
            message_id: new_id(api, "msg")?,
            to: args.to.clone(),
            text: args.text.trim().to_string(),
        },
    )?;
    person(api, PersonArgs { profile_id: args.to })
}

/// Everything of mine on this device, as one JSON file.
pub(super) fn export_my_data(api: &AppApi) -> Result<ExportedFile, ApiError> {
    let (text, name, count) = {
        let store = api.store()?;
        let event = store.loaded_event()?.ok_or_else(no_event)?;
        let id = &event.manifest.id;
        let (profile_id, badge) = identity(&store, &event)?;
        let notes = store.contact_notes(id)?;
        let contacts: Vec<serde_json::Value> = store
            .contacts()?
            .into_iter()
            .map(|c| {
                let n = notes.get(&c.id).cloned().unwrap_or_default();
                serde_json::json!({ "contact": c, "my_note": n.note, "my_tags": n.tags })
            })
            .collect();
        let mut starred: Vec<serde_json::Value> = Vec::new();
        for sid in store.starred(id)? {
            let title = store.session(&sid)?.map(|s| s.title);
            starred.push(serde_json::json!({ "session_id": sid, "title": title }));
        }
        let signals: Vec<serde_json::Value> = store
            .outbox(id)?
            .into_iter()
            .map(|e| {
                serde_json::json!({
                    "signal": e.signal,
                    "decision": format!("{:?}", e.decision).to_lowercase(),
                    "effects": e.effects,
                })
            })
            .collect();
        let count = contacts.len() + starred.len() + signals.len();
        let all = serde_json::json!({
            "format": "elements-my-data/1",
            "event": { "id": id, "name": event.manifest.name },
            "exported_at": api.clock.now().to_rfc3339(),
            "me": { "profile_id": profile_id, "badge": badge, "profile": saved_profile(&store, &event)? },
            "contacts": contacts,
            "meetings": store.meetings()?,
            "messages": store.messages()?,
            "starred_sessions": starred,
            "signals": signals,
        });
        let text = serde_json::to_string_pretty(&all)
            .map_err(|e| ApiError::new(ErrorCode::Internal, format!("the export could not be written: {e}")))?;
        (text, format!("{}-my-data.json", safe_name(id)), count)
    };
    let path = write_export(api, &name, text.as_bytes())?;
    Ok(ExportedFile { path, items: u32::try_from(count).unwrap_or(u32::MAX) })
}

/// Deletes my data here at once, then asks the backend to delete its copy (a `forget_me`
/// signal, sent when the network allows; accepted means done).
pub(super) fn forget_me(api: &AppApi) -> Result<MyProfileView, ApiError> {
    let ask_backend = {
        let mut store = api.store()?;
        let event = store.loaded_event()?.ok_or_else(no_event)?;
        let credential = credential_for(&store, &event, ElementKind::People)?;
        if is_venue_screen(api, credential.as_ref()) {
            return Err(venue_screen_refusal());
        }
        store.forget_me(&event.manifest.id)?;
        store.set_preference(&forgot_key(&event.manifest.id), Some(&api.clock.now().to_rfc3339()))?;
        event.source.starts_with(BACKEND_SOURCE) && credential.is_some()
    };
    if ask_backend {
        act(api, Action::ForgetMe {})?;
    }
    for kind in [ElementKind::People, ElementKind::Agenda, ElementKind::Voting, ElementKind::Quests] {
        api.sync_config.changes.tell(Changed::Element(kind));
    }
    my_profile(api)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let picture = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x * y) % 256) as u8])
        });
        let mut out = std::io::Cursor::new(Vec::new());
        picture.write_to(&mut out, image::ImageFormat::Png).expect("png");
        out.into_inner()
    }

    #[test]
    fn a_photo_becomes_a_small_square_jpeg_within_the_protocols_limit() {
        let text = photo_jpeg(&png(1200, 800)).expect("a photo");
        assert!(text.len() <= elements_protocol::people::MAX_PHOTO_BASE64);
        let bytes = base64::engine::general_purpose::STANDARD.decode(&text).expect("base64");
        let back = image::load_from_memory(&bytes).expect("a JPEG");
        assert_eq!((back.width(), back.height()), (PHOTO_SIDE, PHOTO_SIDE));
        // A small one is not blown up.
        let small = photo_jpeg(&png(100, 60)).expect("small");
        let back = image::load_from_memory(&base64::engine::general_purpose::STANDARD.decode(small).expect("b64"))
            .expect("jpeg");
        assert_eq!((back.width(), back.height()), (60, 60));
        let err = photo_jpeg(b"not a picture at all").expect_err("refused");
        assert!(err.message.contains("PNG or JPEG"), "{}", err.message);
    }

    /// Property: any bytes are a photo or a clear error, never a panic.
    #[test]
    fn any_bytes_are_a_photo_or_an_error() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let real = png(64, 48);
        for _ in 0..300 {
            let mut bytes = real.clone();
            for _ in 0..(next() % 8) {
                let i = (next() % bytes.len() as u64) as usize;
                bytes[i] = next() as u8;
            }
            bytes.truncate(((next() % bytes.len() as u64) as usize).max(1));
            let _ = photo_jpeg(&bytes);
        }
    }

    #[test]
    fn badge_codes_are_found_in_links_and_typed_codes_of_this_event_only() {
        assert_eq!(badge_in("e", "k7q2 mx4p").map(|b| b.0).ok().as_deref(), Some("K7Q2-MX4P"));
        let link = Link::Badge { event: "e".into(), code: "K7Q2-MX4P".into(), name: Some("Ada".into()) }.to_string();
        assert_eq!(badge_in("e", &link).ok(), Some(("K7Q2-MX4P".to_string(), Some("Ada".to_string()))));
        assert!(badge_in("other", &link).expect_err("another event").message.contains("another event"));
        assert!(badge_in("e", "elements://place?event=e&place=p").is_err());
        assert!(badge_in("e", "hello").expect_err("not a code").message.contains("8 letters"));
    }
}
