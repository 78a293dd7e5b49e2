//! The people Element against the reference backend on 127.0.0.1: what each caller's feed
//! holds (read raw, as bytes), badge exchange, meetings, messages and forgetting.

use crate::common::{start, Server};
use elements_backend::store::{Redeemed, Store};
use elements_protocol::auth::RedeemRequest;
use elements_protocol::people::{MeetingAnswer, MeetingStatus, MyProfile, Shared, Visibility};
use elements_protocol::signal::{Action, Effect, Outcome, Reason, Signal, SignalBatch, SignalResults};
use elements_protocol::sync::{Change, ChangesPage, Entity, EntityKind, WireError, WireErrorCode};

/// A participant of the test: their token, profile id and badge.
struct Someone {
    token: String,
    profile_id: String,
    badge: String,
    seq: u64,
}

fn join(s: &Server, code: &str, device: &str) -> Someone {
    let request = RedeemRequest { code: code.into(), client_id: device.into(), display_name: None, show_name: false };
    match s.store.redeem(&request).expect("redeem") {
        Redeemed::Token(t) => Someone {
            token: t.token,
            profile_id: t.profile_id.expect("an attendee has a profile id"),
            badge: t.badge.expect("an attendee has a badge"),
            seq: 0,
        },
        other => panic!("{other:?}"),
    }
}

/// `who`'s next signal (their own numbering): an id of its own each time.
fn next_signal(who: &mut Someone, action: Action) -> Signal {
    who.seq += 1;
    Signal {
        id: format!("{}-{}", who.token, who.seq),
        client_id: "people-test".into(),
        seq: who.seq,
        schema_version: 3,
        created_at: "2027-03-10T09:30:00+01:00".parse().expect("time"),
        action,
    }
}

async fn act(s: &Server, who: &mut Someone, action: Action) -> Outcome {
    let signal = next_signal(who, action);
    resend(s, who, signal).await
}

async fn resend(s: &Server, who: &Someone, signal: Signal) -> Outcome {
    let resp = reqwest::Client::new()
        .post(format!("{}/v1/signals", s.base))
        .bearer_auth(&who.token)
        .json(&SignalBatch { signals: vec![signal] })
        .send()
        .await
        .expect("POST /v1/signals");
    assert_eq!(resp.status(), 200);
    let mut results: SignalResults = resp.json().await.expect("results");
    results.results.remove(0).outcome
}

/// The whole people feed as `who` gets it: the raw bytes, and the changes.
async fn feed(s: &Server, token: &str) -> (String, Vec<Change>) {
    let (mut raw, mut all, mut cursor) = (String::new(), Vec::new(), None::<String>);
    for _ in 0..100 {
        let mut req = reqwest::Client::new().get(format!("{}/v1/elements/people/changes", s.base)).bearer_auth(token);
        if let Some(c) = &cursor {
            req = req.query(&[("cursor", c)]);
        }
        let resp = req.send().await.expect("GET people");
        assert_eq!(resp.status(), 200);
        let text = resp.text().await.expect("body");
        let page: ChangesPage = serde_json::from_str(&text).expect("a changes page");
        raw.push_str(&text);
        all.extend(page.changes);
        cursor = Some(page.cursor);
        if !page.more {
            return (raw, all);
        }
    }
    panic!("the people feed did not end within 100 pages");
}

fn profile(name: &str) -> MyProfile {
    MyProfile {
        name: name.into(),
        listed: true,
        organization: Shared::new("Steppe Robotics".into(), Visibility::Everyone),
        role: Shared::new("Chief Tinkerer".into(), Visibility::Contacts),
        interests: Shared::new(vec!["falconry".into()], Visibility::Nobody),
        looking_for: Shared::new(vec!["investors".into()], Visibility::Everyone),
        ..MyProfile::default()
    }
}

fn contacts_in(changes: &[Change]) -> Vec<&elements_protocol::people::Contact> {
    changes
        .iter()
        .filter_map(|c| match c {
            Change::Upsert { entity: Entity::Contact(x) } => Some(x),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_field_reaches_only_whom_its_owner_showed_it_to() {
    let s = start().await;
    let mut aigerim = join(&s, "ATTEND", "aigerim-phone");
    let mut bolat = join(&s, "ATTEND", "bolat-phone");
    assert_ne!(aigerim.badge, bolat.badge);

    // A field shown to nobody is refused if a device sends it anyway: it must never leave.
    let leaky = profile("Aigerim Sadykova");
    let refused = act(&s, &mut aigerim, Action::PublishProfile { profile: leaky.clone() }).await;
    assert!(matches!(refused, Outcome::Rejected { reason: Reason::Malformed, .. }), "{refused:?}");
    let accepted = act(&s, &mut aigerim, Action::PublishProfile { profile: leaky.shareable() }).await;
    assert!(matches!(accepted, Outcome::Accepted { .. }), "{accepted:?}");

    // Bolat, not a contact: the name and what is for everyone, nothing for contacts.
    let (raw, changes) = feed(&s, &bolat.token).await;
    assert!(raw.contains("Aigerim Sadykova") && raw.contains("Steppe Robotics") && raw.contains("investors"));
    assert!(!raw.contains("Chief Tinkerer"), "a field for contacts reached a stranger: {raw}");
    assert!(!raw.contains("falconry"));
    assert!(changes
        .iter()
        .any(|c| matches!(c, Change::Upsert { entity: Entity::Profile(p) } if p.id == aigerim.profile_id)));

    // A venue screen gets no people feed at all.
    let kiosk = join_kiosk(&s);
    let resp = reqwest::Client::new()
        .get(format!("{}/v1/elements/people/changes", s.base))
        .bearer_auth(&kiosk)
        .send()
        .await
        .expect("GET");
    assert_eq!(resp.status(), 403);
    let e: WireError = resp.json().await.expect("error");
    assert_eq!(e.code, WireErrorCode::Forbidden);

    // Bolat scans her badge: both have each other, with what contacts may see.
    let scanned = act(&s, &mut bolat, Action::ScanBadge { badge: aigerim.badge.clone() }).await;
    let Outcome::Accepted { effects } = &scanned else { panic!("{scanned:?}") };
    assert!(effects.contains(&Effect::ContactMade { profile_id: aigerim.profile_id.clone() }));
    let (raw, changes) = feed(&s, &bolat.token).await;
    assert!(raw.contains("Chief Tinkerer"));
    assert!(!raw.contains("falconry"), "a field shown to nobody reached a contact");
    assert_eq!(contacts_in(&changes).iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), [aigerim.profile_id.as_str()]);
    let (_, changes) = feed(&s, &aigerim.token).await;
    assert_eq!(contacts_in(&changes).iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), [bolat.profile_id.as_str()]);

    // However often and from whichever side: one exchange.
    let again = act(&s, &mut aigerim, Action::ScanBadge { badge: bolat.badge.clone() }).await;
    assert!(matches!(again, Outcome::Rejected { reason: Reason::AlreadyDone, .. }), "{again:?}");
    let her_own = aigerim.badge.clone();
    let own = act(&s, &mut aigerim, Action::ScanBadge { badge: her_own }).await;
    assert!(matches!(own, Outcome::Rejected { reason: Reason::OwnBadge, .. }), "{own:?}");
    let nobody = act(&s, &mut aigerim, Action::ScanBadge { badge: "0000-0000".into() }).await;
    assert!(matches!(nobody, Outcome::Rejected { reason: Reason::UnknownTarget, .. }), "{nobody:?}");

    // Unlisting takes the profile out of the directory, not out of the contact.
    let mut unlisted = leaky.shareable();
    unlisted.listed = false;
    act(&s, &mut aigerim, Action::PublishProfile { profile: unlisted }).await;
    let carol = join(&s, "ATTEND", "carol-phone");
    let (raw, _) = feed(&s, &carol.token).await;
    assert!(!raw.contains("Aigerim"), "an unlisted profile is still in a stranger's feed");
    let (raw, _) = feed(&s, &bolat.token).await;
    assert!(raw.contains("Chief Tinkerer"));
}

fn join_kiosk(s: &Server) -> String {
    let request =
        RedeemRequest { code: "KIOSK".into(), client_id: "screen".into(), display_name: None, show_name: false };
    match s.store.redeem(&request).expect("redeem") {
        Redeemed::Token(t) => {
            assert_eq!((t.profile_id, t.badge), (None, None), "a venue screen is no one");
            t.token
        }
        other => panic!("{other:?}"),
    }
}

fn meeting_of(changes: &[Change], id: &str) -> Option<elements_protocol::people::Meeting> {
    changes.iter().rev().find_map(|c| match c {
        Change::Upsert { entity: Entity::Meeting(m) } if m.id == id => Some(m.clone()),
        _ => None,
    })
}

#[tokio::test]
async fn a_meeting_is_asked_moved_and_accepted_and_messages_go_to_contacts_once() {
    let s = start().await;
    let mut a = join(&s, "ATTEND", "a");
    let mut b = join(&s, "ATTEND", "b");
    let mut c = join(&s, "ATTEND", "c");
    act(&s, &mut b, Action::PublishProfile { profile: profile("Bolat").shareable() }).await;
    let at = |t: &str| t.parse::<chrono::DateTime<chrono::FixedOffset>>().expect("time");
    let ask = Action::RequestMeeting {
        meeting_id: "m-1".into(),
        with: b.profile_id.clone(),
        starts_at: at("2027-03-10T12:30:00+01:00"),
        minutes: 20,
        place_id: "poi-meet-foyer".into(),
        note: "About drones".into(),
    };
    assert!(matches!(act(&s, &mut a, ask).await, Outcome::Accepted { .. }));
    // The one who asked cannot accept for the other; a stranger cannot touch it.
    let own = act(&s, &mut a, Action::AnswerMeeting { meeting_id: "m-1".into(), answer: MeetingAnswer::Accept }).await;
    assert!(matches!(own, Outcome::Rejected { reason: Reason::NotAllowed, .. }), "{own:?}");
    let stranger =
        act(&s, &mut c, Action::AnswerMeeting { meeting_id: "m-1".into(), answer: MeetingAnswer::Cancel }).await;
    assert!(matches!(stranger, Outcome::Rejected { reason: Reason::UnknownTarget, .. }), "{stranger:?}");
    // B moves it; now A answers.
    let moved = MeetingAnswer::Move {
        starts_at: at("2027-03-10T13:00:00+01:00"),
        minutes: 30,
        place_id: "poi-meet-terrace".into(),
    };
    assert!(matches!(
        act(&s, &mut b, Action::AnswerMeeting { meeting_id: "m-1".into(), answer: moved }).await,
        Outcome::Accepted { .. }
    ));
    assert!(matches!(
        act(&s, &mut a, Action::AnswerMeeting { meeting_id: "m-1".into(), answer: MeetingAnswer::Accept }).await,
        Outcome::Accepted { .. }
    ));
    for who in [&a, &b] {
        let (_, changes) = feed(&s, &who.token).await;
        let m = meeting_of(&changes, "m-1").expect("the meeting is in both feeds");
        assert_eq!((m.status, m.place_id.as_str(), m.minutes), (MeetingStatus::Accepted, "poi-meet-terrace", 30));
        assert_eq!(m.requester.profile_id, a.profile_id);
    }
    let (raw, _) = feed(&s, &c.token).await;
    assert!(!raw.contains("m-1"), "a meeting reached someone not in it");

    // Messages: contacts only; a resend is the same message.
    let to_b = Action::SendMessage { message_id: "msg-1".into(), to: b.profile_id.clone(), text: "See you!".into() };
    let refused = act(&s, &mut a, to_b.clone()).await;
    assert!(matches!(refused, Outcome::Rejected { reason: Reason::NotAContact, .. }), "{refused:?}");
    act(&s, &mut a, Action::ScanBadge { badge: b.badge.clone() }).await;
    let signal = next_signal(&mut a, to_b);
    assert!(matches!(resend(&s, &a, signal.clone()).await, Outcome::Accepted { .. }));
    assert!(matches!(resend(&s, &a, signal).await, Outcome::Duplicate { .. }));
    let (_, changes) = feed(&s, &b.token).await;
    let messages: Vec<_> = changes
        .iter()
        .filter(|c| matches!(c, Change::Upsert { entity: Entity::Message(m) } if m.text == "See you!"))
        .collect();
    assert_eq!(messages.len(), 1);
    let (raw, _) = feed(&s, &c.token).await;
    assert!(!raw.contains("See you!"));
}

#[tokio::test]
async fn forgetting_removes_a_person_from_everyone_elses_feed_and_the_database() {
    let s = start().await;
    let mut a = join(&s, "ATTEND", "a");
    let mut b = join(&s, "ATTEND", "b");
    act(&s, &mut a, Action::PublishProfile { profile: profile("Forget Me").shareable() }).await;
    act(&s, &mut b, Action::ScanBadge { badge: a.badge.clone() }).await;
    act(&s, &mut b, Action::SendMessage { message_id: "hello".into(), to: a.profile_id.clone(), text: "Hi".into() })
        .await;
    let (raw, _) = feed(&s, &b.token).await;
    assert!(raw.contains("Forget Me") && raw.contains("Chief Tinkerer"));

    assert!(matches!(act(&s, &mut a, Action::ForgetMe {}).await, Outcome::Accepted { .. }));
    let (_, changes) = feed(&s, &b.token).await;
    let gone = |kind: EntityKind, id: &str| {
        changes.iter().any(|c| matches!(c, Change::Delete { kind: k, id: i } if *k == kind && i == id))
    };
    assert!(gone(EntityKind::Contact, &a.profile_id));
    assert!(gone(EntityKind::Profile, &a.profile_id));
    assert!(gone(EntityKind::Message, "hello"));
    let (raw, _) = feed(&s, &b.token).await;
    assert!(!raw.contains("Forget Me") && !raw.contains("Chief Tinkerer"), "{raw}");
    // The database holds nothing of it either.
    let conn = rusqlite::Connection::open(s.db_path()).expect("open");
    for (table, column) in [("contact", "owner"), ("contact", "other"), ("message", "sender"), ("message", "recipient")]
    {
        let n: i64 = conn
            .query_row(
                &format!("SELECT count(*) FROM {table} t JOIN person p ON p.participant_id = t.{column} WHERE p.profile_id = ?1"),
                [&a.profile_id],
                |r| r.get(0),
            )
            .expect("count");
        assert_eq!(n, 0, "{table}.{column}");
    }
    let dump: String = conn
        .query_row("SELECT group_concat(action, ' ') FROM signal", [], |r| r.get::<_, Option<String>>(0))
        .expect("signals")
        .unwrap_or_default();
    assert!(!dump.contains("Forget Me"), "the profile is still in a stored signal");
}

async fn photo_status(s: &Server, token: &str, profile_id: &str, etag: Option<&str>) -> (u16, Option<String>, Vec<u8>) {
    let mut req = reqwest::Client::new().get(format!("{}/v1/people/{profile_id}/photo", s.base)).bearer_auth(token);
    if let Some(tag) = etag {
        req = req.header("If-None-Match", tag);
    }
    let resp = req.send().await.expect("GET photo");
    let status = resp.status().as_u16();
    let tag = resp.headers().get("etag").and_then(|v| v.to_str().ok()).map(str::to_string);
    (status, tag, resp.bytes().await.expect("body").to_vec())
}

#[tokio::test]
async fn a_photo_travels_apart_from_the_feed_to_whom_its_owner_shows_it() {
    use base64::Engine;
    let s = start().await;
    let mut owner = join(&s, "ATTEND", "owner");
    let mut contact = join(&s, "ATTEND", "contact");
    let stranger = join(&s, "ATTEND", "stranger");
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0];
    jpeg.extend((0..3000u32).map(|i| (i * 7) as u8));
    let mut p = profile("Photo Owner").shareable();
    p.photo = Shared::new(base64::engine::general_purpose::STANDARD.encode(&jpeg), Visibility::Contacts);
    assert!(matches!(
        act(&s, &mut owner, Action::PublishProfile { profile: p.clone() }).await,
        Outcome::Accepted { .. }
    ));
    act(&s, &mut contact, Action::ScanBadge { badge: owner.badge.clone() }).await;
    // The feed names the photo's revision and never carries it.
    let (raw, changes) = feed(&s, &contact.token).await;
    let sent = base64::engine::general_purpose::STANDARD.encode(&jpeg);
    assert!(!raw.contains(&sent[..40]), "the feed carries the photo");
    let rev = contacts_in(&changes)[0].profile.photo.clone().expect("the contact's photo is named");
    assert!(rev.starts_with("ph-"));
    // The contact gets it, by revision; a stranger gets nothing, as if there were none.
    let (status, tag, body) = photo_status(&s, &contact.token, &owner.profile_id, None).await;
    assert_eq!((status, body), (200, jpeg.clone()));
    let tag = tag.expect("an ETag");
    assert_eq!(photo_status(&s, &contact.token, &owner.profile_id, Some(&tag)).await.0, 304);
    assert_eq!(photo_status(&s, &stranger.token, &owner.profile_id, None).await.0, 404);
    assert_eq!(photo_status(&s, &stranger.token, "pr-nobody", None).await.0, 404);
    assert_eq!(photo_status(&s, &owner.token, &owner.profile_id, None).await.0, 200, "one's own");
    // Not a JPEG: refused, naming the photo.
    p.photo.value = base64::engine::general_purpose::STANDARD.encode(b"GIF89a....");
    let refused = act(&s, &mut owner, Action::PublishProfile { profile: p }).await;
    assert!(
        matches!(&refused, Outcome::Rejected { reason: Reason::Malformed, message } if message.contains("photo")),
        "{refused:?}"
    );
    // Forgotten: gone for the contact too.
    act(&s, &mut owner, Action::ForgetMe {}).await;
    assert_eq!(photo_status(&s, &contact.token, &owner.profile_id, None).await.0, 404);
}
