//! One person as I see them: what they show me, our meetings and messages; writing to them.

use super::*;

/// When we met, for a contact.
pub(super) type MetAt = Option<chrono::DateTime<chrono::FixedOffset>>;

/// What I know of a person: their contact entry (what they show contacts) or their directory
/// profile.
pub(super) fn profile_of(store: &Cache, id: &str) -> Result<Option<(Profile, MetAt)>, ApiError> {
    if let Some(c) = store.contact(id)? {
        return Ok(Some((c.profile, Some(c.met_at))));
    }
    Ok(store.profile(id)?.map(|p| (p, None)))
}

pub(super) fn local(
    event: &LoadedEvent,
    t: chrono::DateTime<chrono::FixedOffset>,
) -> chrono::DateTime<chrono::FixedOffset> {
    t.with_timezone(&offset_of(event))
}

pub(in crate::api) fn person(api: &AppApi, args: PersonArgs) -> Result<PersonView, ApiError> {
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

pub(super) fn read_key(event_id: &str, profile_id: &str) -> String {
    format!("people.read.{event_id}.{profile_id}")
}

/// Up to when I have read what `profile_id` wrote (Unix seconds; 0: nothing read).
pub(super) fn read_mark(store: &Cache, event_id: &str, profile_id: &str) -> Result<i64, ApiError> {
    Ok(store.preference(&read_key(event_id, profile_id))?.and_then(|v| v.parse().ok()).unwrap_or(0))
}

pub(super) fn new_id(api: &AppApi, kind: &str) -> Result<String, ApiError> {
    let client = api.store()?.client_id()?;
    let mut bytes = [0u8; 6];
    getrandom::fill(&mut bytes).map_err(|e| ApiError::new(ErrorCode::Internal, format!("no random source: {e}")))?;
    Ok(format!("{kind}-{client}-{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()))
}

pub(in crate::api) fn send_message(api: &AppApi, args: MessageArgs) -> Result<PersonView, ApiError> {
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
