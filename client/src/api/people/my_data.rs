//! My data: everything as one JSON file, and forgetting me here and at the backend.

use super::*;

/// Everything of mine on this device, as one JSON file.
pub(in crate::api) fn export_my_data(api: &AppApi) -> Result<ExportedFile, ApiError> {
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
                    "decision": e.decision.as_str(),
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
pub(in crate::api) fn forget_me(api: &AppApi) -> Result<MyProfileView, ApiError> {
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
