//! My profile and badge: what I show, to whom, my photo.

use super::*;

/// The longest side of a profile photo, in pixels: sharp on a phone's contact screen, small to
/// send (about 20 KB).
pub(super) const PHOTO_SIDE: u32 = 320;

/// A first profile: my name as the backend knows it; everything but the name empty, each field
/// for everyone once I choose to be listed (until then only contacts see it), links and my
/// sessions for contacts. Being listed is off.
pub(super) fn first_profile(name: String) -> MyProfile {
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

pub(super) fn saved_profile(store: &Cache, event: &LoadedEvent) -> Result<Option<MyProfile>, ApiError> {
    Ok(store.my_profile(&event.manifest.id)?.map(|(p, _)| p))
}

pub(super) fn current_profile(store: &Cache, event: &LoadedEvent) -> Result<MyProfile, ApiError> {
    if let Some(p) = saved_profile(store, event)? {
        return Ok(p);
    }
    let credential = credential_for(store, event, ElementKind::People)?;
    Ok(first_profile(credential.and_then(|c| c.display_name).unwrap_or_default()))
}

pub(super) fn last_signal(outbox: &[OutboxEntry], pick: impl Fn(&Action) -> bool) -> Option<&OutboxEntry> {
    outbox.iter().rev().find(|e| pick(&e.signal.action))
}

pub(in crate::api) fn my_profile(api: &AppApi) -> Result<MyProfileView, ApiError> {
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

pub(super) fn forgot_key(event_id: &str) -> String {
    format!("people.forgotten.{event_id}")
}

pub(super) fn badge_view(event_id: &str, code: &str, name: &str) -> Result<BadgeView, ApiError> {
    let name = Some(name.trim().to_string()).filter(|n| !n.is_empty());
    let link = Link::Badge { event: event_id.to_string(), code: code.to_string(), name }.to_string();
    let svg = qr_svg(&link, "badge")?;
    Ok(BadgeView { code: code.to_string(), link, svg })
}

/// Saves my profile here (every field, those for nobody included) and publishes what I share.
pub(in crate::api) fn save_my_profile(api: &AppApi, mut profile: MyProfile) -> Result<MyProfileView, ApiError> {
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
pub(in crate::api) fn set_my_photo(api: &AppApi, args: ScanArgs) -> Result<MyProfileView, ApiError> {
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
