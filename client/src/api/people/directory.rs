//! The directory (full text and by interest, in the cache) and the people suggested to meet.

use super::*;

pub(super) fn card_of(store: &Cache, p: &Profile, contact: bool) -> Result<PersonCard, ApiError> {
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

pub(super) fn contact_ids(store: &Cache) -> Result<HashSet<String>, ApiError> {
    Ok(store.contacts()?.into_iter().map(|c| c.id).collect())
}

pub(in crate::api) fn search_people(api: &AppApi, args: PeopleSearchArgs) -> Result<Directory, ApiError> {
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

pub(in crate::api) fn suggestions(api: &AppApi) -> Result<Vec<SuggestionCard>, ApiError> {
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
