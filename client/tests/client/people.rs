//! The people Element through two apps' APIs and the reference backend on 127.0.0.1: profiles
//! that show each viewer only what they may see (checked in the other app's cache file, byte by
//! byte), badge exchange, meetings, messages, the vCard export read back by an independent
//! parser, and deleting one's data everywhere.

use elements_client::api::{AppApi, Clock};
use elements_protocol::app::{
    BadgeArgs, ContactNoteArgs, ErrorCode, ForgetState, JoinArgs, MeetingAnswerArgs, MeetingReply, MeetingRequestArgs,
    MessageArgs, PeopleSearchArgs, PersonArgs, Publication, SearchArgs, StarArgs,
};
use elements_protocol::people::{MeetingStatus, MyProfile, Shared, Visibility};

use crate::common::{during_event, served_event, start_backend, Backend, CODE};

struct Device {
    api: AppApi,
    dir: tempfile::TempDir,
}

fn device(backend: &Backend) -> Device {
    let dir = tempfile::tempdir().expect("dir");
    let api = AppApi::start(dir.path(), Clock::Fixed(during_event()), &mut |_| {}).expect("start").0;
    let api = api.export_dir(Some(dir.path().to_path_buf()));
    api.join_event(JoinArgs { url: backend.url.clone(), code: Some(CODE.into()) }).expect("join");
    Device { api, dir }
}

impl Device {
    fn sync(&self) {
        self.api.sync_now().expect("sync");
    }

    /// Every byte of the app's cache on disk (the database and its write-ahead log).
    fn cache_bytes(&self) -> String {
        let mut all = Vec::new();
        for name in ["cache.sqlite3", "cache.sqlite3-wal"] {
            if let Ok(b) = std::fs::read(self.dir.path().join(name)) {
                all.extend(b);
            }
        }
        String::from_utf8_lossy(&all).into_owned()
    }
}

fn aigerim() -> MyProfile {
    MyProfile {
        name: "Aigerim Sadykova".into(),
        listed: true,
        organization: Shared::new("Steppe Robotics".into(), Visibility::Everyone),
        role: Shared::new("Chief Tinkerer".into(), Visibility::Contacts),
        interests: Shared::new(vec!["Falconry".into(), "drones".into()], Visibility::Nobody),
        looking_for: Shared::new(vec!["investors".into()], Visibility::Everyone),
        offers: Shared::new(vec!["mentoring".into()], Visibility::Everyone),
        links: Shared::new(vec!["https://steppe.example/aigerim".into()], Visibility::Contacts),
        ..MyProfile::default()
    }
}

#[test]
fn two_apps_exchange_badges_meet_and_write_and_nobody_sees_a_hidden_field() {
    let backend = start_backend(&served_event());
    let a = device(&backend);
    let b = device(&backend);
    // The apps' reminder clocks look at start: what comes later is news.
    for d in [&a, &b] {
        assert!(d.api.take_due_reminders().expect("nothing yet").is_empty());
    }

    // A's profile: saved on the device, published, and the field for nobody stays home. A's
    // photo (a picture of any size) is made small on the device.
    let picture = image::RgbImage::from_fn(900, 600, |x, y| image::Rgb([(x / 4) as u8, (y / 3) as u8, 90]));
    let mut png = std::io::Cursor::new(Vec::new());
    picture.write_to(&mut png, image::ImageFormat::Png).expect("png");
    let mut profile = aigerim();
    profile.photo.visible_to = Visibility::Everyone;
    a.api.save_my_profile(profile).expect("saved");
    let mine = a.api.set_my_photo(elements_protocol::app::ScanArgs { image: png.into_inner() }).expect("photo");
    assert!(!mine.profile.photo.value.is_empty());
    assert_eq!(mine.profile.interests.value, ["Falconry", "drones"]);
    let badge_a = mine.badge.clone().expect("a badge once joined");
    assert!(badge_a.svg.contains("<svg") && badge_a.link.starts_with("elements://badge?"));
    a.sync();
    assert_eq!(a.api.my_profile().expect("mine").published, Publication::Published);

    // B finds A in the directory by organization, without what is for contacts.
    b.sync();
    let found = b.api.search_people(PeopleSearchArgs { query: "steppe".into(), interest: None }).expect("search");
    let card = found.people.iter().find(|p| p.name == "Aigerim Sadykova").expect("A is listed");
    assert_eq!((card.organization.as_deref(), card.role.as_deref()), (Some("Steppe Robotics"), None));
    // The photo came apart from the feed: the card shows it, the feed only named it.
    assert_eq!(card.photo.as_deref(), Some(mine.profile.photo.value.as_str()), "the photo, as A's device made it");
    let feed_rows: String = rusqlite::Connection::open(b.dir.path().join("cache.sqlite3"))
        .expect("B's cache")
        .query_row("SELECT group_concat(body, '') FROM profile", [], |r| r.get(0))
        .expect("profiles");
    assert!(!feed_rows.contains(&mine.profile.photo.value[..64]), "a photo inside a feed row");
    let seen = b.cache_bytes();
    assert!(seen.contains("Steppe Robotics"));
    for hidden in ["Chief Tinkerer", "Falconry", "steppe.example"] {
        assert!(!seen.contains(hidden), "\"{hidden}\" reached B's cache before they met");
    }

    // B scans A's badge (typed, as a person would: lower case, no dash): a contact at once,
    // pending until the backend confirms; after sync, each has the other.
    let typed = badge_a.code.to_lowercase().replace('-', "");
    let view = b.api.exchange_badge(BadgeArgs { code: typed, image: None }).expect("exchanged");
    assert_eq!(view.pending.len(), 1);
    b.sync();
    a.sync();
    let b_contacts = b.api.contacts(SearchArgs { query: String::new() }).expect("contacts");
    assert_eq!(b_contacts.contacts.len(), 1, "{b_contacts:?}");
    assert!(b_contacts.pending.is_empty());
    let a_id = b_contacts.contacts[0].card.profile_id.clone();
    assert_eq!(b_contacts.contacts[0].card.role.as_deref(), Some("Chief Tinkerer"));
    let a_contacts = a.api.contacts(SearchArgs { query: String::new() }).expect("contacts");
    assert_eq!(a_contacts.contacts.len(), 1);
    let b_id = a_contacts.contacts[0].card.profile_id.clone();
    assert!(!b.cache_bytes().contains("Falconry"), "a field for nobody reached a contact");
    // Scanning again, from the other side: still one contact each.
    let badge_b = b.api.my_profile().expect("b").badge.expect("b's badge");
    a.api.exchange_badge(BadgeArgs { code: badge_b.link.clone(), image: None }).expect("scanned");
    a.sync();
    b.sync();
    assert_eq!(a.api.contacts(SearchArgs { query: String::new() }).expect("c").contacts.len(), 1);
    assert_eq!(b.api.contacts(SearchArgs { query: String::new() }).expect("c").contacts.len(), 1);
    let own = a.api.exchange_badge(BadgeArgs { code: badge_a.code.clone(), image: None }).expect_err("own badge");
    assert_eq!(own.code, ErrorCode::Refused);

    // B's note and tags on A, found by search; the vCard export, read by an independent parser.
    b.api
        .save_contact_note(ContactNoteArgs {
            profile_id: a_id.clone(),
            note: "Drones for the harvest; call in April".into(),
            tags: vec!["lead".into(), "lead ".into()],
        })
        .expect("note");
    let by_note = b.api.contacts(SearchArgs { query: "harvest".into() }).expect("search");
    assert_eq!(by_note.contacts.len(), 1);
    assert_eq!(by_note.contacts[0].tags, ["lead"]);
    assert!(b.api.contacts(SearchArgs { query: "nothing-like-this".into() }).expect("s").contacts.is_empty());
    let file = b.api.export_contacts().expect("vcf");
    assert_eq!(file.items, 1);
    let text = std::fs::read_to_string(&file.path).expect("read vcf");
    let mut cards = ical::VcardParser::new(std::io::BufReader::new(text.as_bytes()));
    let card = cards.next().expect("one card").expect("parses");
    let prop = |name: &str| card.properties.iter().find(|p| p.name == name).and_then(|p| p.value.clone());
    assert_eq!(prop("FN").as_deref(), Some("Aigerim Sadykova"));
    assert_eq!(prop("TITLE").as_deref(), Some("Chief Tinkerer"));
    assert!(prop("NOTE").is_some_and(|n| n.contains("harvest")), "{text}");
    assert!(cards.next().is_none());

    // A meeting: a time clashing with B's own agenda is refused, naming what it clashes with.
    let starred = served_event()
        .sessions
        .into_iter()
        .find(|s| s.starts_at.to_utc() > during_event() && s.kind == elements_protocol::event::SessionKind::Talk)
        .expect("a coming talk");
    b.api.star_session(StarArgs { id: starred.id.clone(), starred: true }).expect("star");
    let clash = b
        .api
        .request_meeting(MeetingRequestArgs {
            with: a_id.clone(),
            starts_at: starred.starts_at.to_rfc3339(),
            minutes: 20,
            place_id: "poi-meet-foyer".into(),
            note: String::new(),
        })
        .expect_err("clashes");
    assert!(clash.message.contains(&starred.title), "{}", clash.message);
    let person = b.api.person(PersonArgs { profile_id: a_id.clone() }).expect("person");
    let slot = person.free_slots.first().expect("a free slot").clone();
    assert!(person.places.first().is_some_and(|p| p.id.starts_with("poi-meet")), "meeting points first");
    let asked = b
        .api
        .request_meeting(MeetingRequestArgs {
            with: a_id.clone(),
            starts_at: slot.starts_at.clone(),
            minutes: 30,
            place_id: "poi-meet-foyer".into(),
            note: "Coffee?".into(),
        })
        .expect("asked");
    // Shown at once (sent or not: the engine may have pushed it already).
    assert_eq!(asked.meetings.iter().map(|m| m.status).collect::<Vec<_>>(), [MeetingStatus::Proposed]);
    b.sync();
    a.sync();
    // A hears of it (a system notification), once.
    let news = a.api.take_due_reminders().expect("due");
    assert!(
        news.iter().any(|r| r.what == elements_protocol::app::ReminderWhat::MeetingAsked && r.starts == slot.time),
        "{news:?}"
    );
    assert!(a
        .api
        .take_due_reminders()
        .expect("again")
        .iter()
        .all(|r| r.what != elements_protocol::app::ReminderWhat::MeetingAsked));
    let at_a = a.api.person(PersonArgs { profile_id: b_id.clone() }).expect("person");
    let meeting = at_a.meetings.first().expect("the request reached A").clone();
    assert!(meeting.mine_to_answer && meeting.status == MeetingStatus::Proposed);
    a.api
        .answer_meeting(MeetingAnswerArgs { meeting_id: meeting.id.clone(), answer: MeetingReply::Accept })
        .expect("accept");
    a.sync();
    b.sync();
    for (d, other) in [(&a, &b_id), (&b, &a_id)] {
        let p = d.api.person(PersonArgs { profile_id: other.clone() }).expect("person");
        assert_eq!(p.meetings.iter().map(|m| m.status).collect::<Vec<_>>(), [MeetingStatus::Accepted]);
    }

    // A message, delivered once however many rounds run.
    a.api.send_message(MessageArgs { to: b_id.clone(), text: "See you at the clock".into() }).expect("sent");
    for _ in 0..3 {
        a.sync();
        b.sync();
    }
    let news = b.api.take_due_reminders().expect("due");
    let message =
        news.iter().find(|r| r.what == elements_protocol::app::ReminderWhat::Message).expect("a message notification");
    assert_eq!((message.title.as_str(), message.text.as_deref()), ("Aigerim Sadykova", Some("See you at the clock")));
    let unread = b.api.contacts(SearchArgs { query: String::new() }).expect("contacts").contacts[0].unread;
    assert_eq!(unread, 1, "a new message shows on the contact");
    let at_b = b.api.person(PersonArgs { profile_id: a_id.clone() }).expect("person");
    assert_eq!(at_b.messages.iter().filter(|m| m.text == "See you at the clock").count(), 1);
    assert_eq!(
        b.api.contacts(SearchArgs { query: String::new() }).expect("c").contacts[0].unread,
        0,
        "read once opened"
    );
    assert!(!at_b.messages[0].mine);

    // My data, as one file; then deleted here and on the backend, and gone from B.
    let export = a.api.export_my_data().expect("export");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&export.path).expect("read")).expect("json");
    assert_eq!(json["me"]["profile"]["interests"]["value"][0], "Falconry");
    assert_eq!(json["contacts"].as_array().map(Vec::len), Some(1));
    let forgotten = a.api.forget_me().expect("forget");
    // Waiting for the backend, unless the engine was quicker than this line.
    assert!(matches!(forgotten.forget, Some(ForgetState::Waiting | ForgetState::Confirmed)), "{:?}", forgotten.forget);
    assert!(a.api.contacts(SearchArgs { query: String::new() }).expect("c").contacts.is_empty());
    a.sync();
    assert_eq!(a.api.my_profile().expect("me").forget, Some(ForgetState::Confirmed));
    b.sync();
    assert!(b.api.contacts(SearchArgs { query: String::new() }).expect("c").contacts.is_empty());
    let gone = b.api.search_people(PeopleSearchArgs { query: "steppe".into(), interest: None }).expect("search");
    assert!(gone.people.is_empty(), "A is still in B's directory");
}

#[test]
fn the_directory_is_searched_by_words_and_filtered_by_interest_offline() {
    let dir = tempfile::tempdir().expect("dir");
    let api = AppApi::start(dir.path(), Clock::Fixed(during_event()), &mut |_| {}).expect("start").0;
    let everyone = api.search_people(PeopleSearchArgs { query: String::new(), interest: None }).expect("all");
    assert_eq!(everyone.total, 200, "the bundled directory");
    assert_eq!(everyone.people.len(), 100, "at most 100 at once");
    let top = everyone.interests.first().expect("common interests").clone();
    let filtered =
        api.search_people(PeopleSearchArgs { query: String::new(), interest: Some(top.key.clone()) }).expect("f");
    assert_eq!(filtered.total, top.count);
    assert!(filtered.people.iter().all(|p| p.interests.iter().any(|i| i.to_lowercase() == top.key)));
    let felix = api.search_people(PeopleSearchArgs { query: "felix wag".into(), interest: None }).expect("prefix");
    assert_eq!(felix.people.first().map(|p| p.name.as_str()), Some("Felix Wagner"));
    // What people type is words, never FTS syntax: quotes and operators are no error.
    let punctuation = api.search_people(PeopleSearchArgs { query: "\"*)(".into(), interest: None }).expect("no words");
    assert_eq!(punctuation.total, 200, "no words is no filter");
    let odd = api.search_people(PeopleSearchArgs { query: "wagner\" OR \"zzz".into(), interest: None }).expect("odd");
    assert_eq!(odd.total, 0, "every word must match");
    // Suggestions from what I say about myself, each with why.
    let mut me = MyProfile { name: "Me".into(), ..MyProfile::default() };
    me.interests = Shared::new(vec![top.tag.clone()], Visibility::Everyone);
    api.save_my_profile(me).expect("saved");
    let suggested = api.suggestions().expect("suggestions");
    assert!(!suggested.is_empty());
    assert!(suggested.iter().all(|s| !s.reasons.is_empty()));
}

/// A person who edits their profile (with a photo) many times offline sends it all later in
/// batches the backend takes: no batch is ever too large to be accepted.
#[test]
fn many_profile_saves_with_a_photo_made_offline_all_reach_the_backend() {
    let backend = start_backend(&served_event());
    let proxy = crate::common::proxy::Proxy::start(&backend.url, 7, 0);
    let dir = tempfile::tempdir().expect("dir");
    let api = AppApi::start(dir.path(), Clock::Fixed(during_event()), &mut |_| {}).expect("start").0;
    api.join_event(JoinArgs { url: proxy.url.clone(), code: Some(CODE.into()) }).expect("join");
    proxy.set_offline(true);
    let mut profile = aigerim();
    // About 45 KB of JPEG (its first bytes), base64: as large as a photo may be.
    let mut jpeg = vec![0xFF, 0xD8, 0xFF];
    jpeg.resize(45_000, 7);
    profile.photo =
        Shared::new(base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &jpeg), Visibility::Everyone);
    for i in 0..40 {
        profile.role.value = format!("Role {i}");
        api.save_my_profile(profile.clone()).expect("saved offline");
    }
    assert_eq!(api.my_profile().expect("me").published, Publication::Waiting);
    // 40 × 60 KB: more than a backend takes in one request.
    proxy.set_offline(false);
    // The background engine pushes too; whichever sends a batch, all of it gets decided.
    crate::common::eventually("every save decided", || {
        api.sync_now().expect("sync");
        let status = api.sync_status().expect("status");
        (status.elements.iter().map(|e| e.waiting).sum::<u32>() == 0).then_some(())
    });
    assert_eq!(api.my_profile().expect("me").published, Publication::Published);
    let db = rusqlite::Connection::open(backend.dir.path().join("backend.sqlite3")).expect("db");
    let stored: i64 = db
        .query_row("SELECT count(*) FROM signal WHERE json_extract(action, '$.type') = 'publish_profile'", [], |r| {
            r.get(0)
        })
        .expect("count");
    assert_eq!(stored, 40);
}

/// The directory's search rows and interest keys follow every way a profile is written or
/// removed (they are written with the profile, not by triggers): a first page, a changed name,
/// organization and interests, a deletion, and an Element starting over.
#[test]
fn the_directory_search_follows_every_write_and_removal_of_a_profile() {
    use elements_client::cache::Cache;
    use elements_protocol::event::{ElementKind, Profile};
    use elements_protocol::sync::stored::StoredChange;
    use elements_protocol::sync::{Change, Entity, EntityKind};
    let dir = tempfile::tempdir().expect("dir");
    let mut cache = Cache::open(&dir.path().join("cache.sqlite3")).expect("cache").cache;
    let person = |id: &str, name: &str, org: &str, interests: &[&str]| Profile {
        id: id.into(),
        name: name.into(),
        organization: Some(org.into()),
        position: None,
        interests: interests.iter().map(|s| s.to_string()).collect(),
        looking_for: vec![],
        offers: vec![],
        links: vec![],
        photo: None,
        sessions: vec![],
    };
    let upsert = |p: Profile| StoredChange { change: Change::Upsert { entity: Entity::Profile(p) }, body: None };
    let page = |cache: &mut Cache, changes: Vec<StoredChange>, n: u32| {
        cache
            .apply_page(ElementKind::People, "http://127.0.0.1:1", &[], &changes, &format!("c-{n}"), None)
            .expect("page");
    };
    let names = |cache: &Cache, query: &str, interest: Option<&str>| -> Vec<String> {
        cache.search_profiles(query, interest, 100).expect("search").0.into_iter().map(|p| p.name).collect()
    };
    page(
        &mut cache,
        vec![
            upsert(person("p1", "Aigerim Sadykova", "Steppe Labs", &["Falconry", "Rust"])),
            upsert(person("p2", "Felix Wagner", "Harbour Data", &["Sailing"])),
        ],
        1,
    );
    assert_eq!(names(&cache, "steppe", None), ["Aigerim Sadykova"]);
    assert_eq!(names(&cache, "", Some("falconry")), ["Aigerim Sadykova"]);
    // Renamed, moved to another company, other interests: found by the new, not the old.
    page(&mut cache, vec![upsert(person("p1", "Aigerim Bekova", "Tundra Works", &["Chess"]))], 2);
    assert!(names(&cache, "steppe", None).is_empty() && names(&cache, "sadykova", None).is_empty());
    assert_eq!(names(&cache, "tundra bekova", None), ["Aigerim Bekova"]);
    assert!(names(&cache, "", Some("falconry")).is_empty());
    assert_eq!(names(&cache, "", Some("chess")), ["Aigerim Bekova"]);
    // Deleted: gone from the search and from the interests.
    page(
        &mut cache,
        vec![StoredChange { change: Change::Delete { kind: EntityKind::Profile, id: "p1".into() }, body: None }],
        3,
    );
    assert!(names(&cache, "tundra", None).is_empty() && names(&cache, "", Some("chess")).is_empty());
    assert_eq!(names(&cache, "wagner", None), ["Felix Wagner"]);
    // The backend says "start over": the whole directory goes, search and interests with it.
    cache.reset_element(ElementKind::People).expect("reset");
    assert!(names(&cache, "wagner", None).is_empty() && names(&cache, "", Some("sailing")).is_empty());
    assert!(cache.common_interests(10).expect("interests").is_empty());
}
