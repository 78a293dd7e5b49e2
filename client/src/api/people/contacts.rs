//! Contacts: a badge scanned or typed, my notes and tags, the vCard export.

use super::*;

/// The badge code in what was scanned or typed: a badge link of this event, or the code.
pub(in crate::api) fn badge_in(event_id: &str, text: &str) -> Result<(String, Option<String>), ApiError> {
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

pub(in crate::api) fn exchange_badge(api: &AppApi, args: BadgeArgs) -> Result<ContactsView, ApiError> {
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

pub(in crate::api) fn contacts(api: &AppApi, args: SearchArgs) -> Result<ContactsView, ApiError> {
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

pub(in crate::api) fn save_contact_note(api: &AppApi, args: ContactNoteArgs) -> Result<PersonView, ApiError> {
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
pub(in crate::api) fn export_contacts(api: &AppApi) -> Result<ExportedFile, ApiError> {
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

pub(super) fn safe_name(id: &str) -> String {
    id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' }).take(60).collect()
}
