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

mod contacts;
mod directory;
mod meetings;
mod my_data;
mod person;
mod profile;

pub(in crate::api) use contacts::*;
pub(in crate::api) use directory::*;
pub(in crate::api) use meetings::*;
pub(in crate::api) use my_data::*;
pub(in crate::api) use person::*;
pub(in crate::api) use profile::*;

/// Who I am at the people Element's backend: my profile id and badge code, once joined.
pub(super) fn identity(store: &Cache, event: &LoadedEvent) -> Result<(Option<String>, Option<String>), ApiError> {
    let credential = credential_for(store, event, ElementKind::People)?;
    Ok(credential.map(|c| (c.profile_id, c.badge)).unwrap_or((None, None)))
}

pub(super) fn venue_screen_refusal() -> ApiError {
    ApiError::refused(elements_protocol::signal::Reason::NotAllowed, VENUE_SCREEN)
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
