//! One suite for every implementation of the `Store` trait: the SQLite file of one process, and
//! an instance of a cluster on PostgreSQL (a throwaway cluster on 127.0.0.1). Each test is
//! written once against `&dyn Store` and runs on both (`…::on_sqlite`, `…::on_postgres`).

use elements_backend::store::{PgStore, Redeemed, SqliteStore, Store};
use elements_backend::testing::postgres::Cluster;
use elements_protocol::auth::{RedeemRequest, Role};
use elements_protocol::event::ElementKind;
use elements_protocol::signal::{Action, Outcome, Signal};
use elements_protocol::sync::{Change, Entity, EntityKind};

use crate::common::{count, demo, during_event};

/// A store and what must outlive it (its folder, its database server), dropped after it.
struct Subject {
    store: Box<dyn Store>,
    _keep: Box<dyn std::any::Any>,
}

fn sqlite() -> Subject {
    let dir = tempfile::tempdir().expect("dir");
    let store = SqliteStore::open(&dir.path().join("backend.sqlite3")).expect("store");
    Subject { store: Box::new(store), _keep: Box::new(dir) }
}

fn postgres() -> Subject {
    let cluster = Cluster::start().expect("a PostgreSQL cluster");
    let store = PgStore::open(&cluster.url()).expect("an instance");
    Subject { store: Box::new(store), _keep: Box::new(cluster) }
}

/// `suite!(name)`: the test `name(&dyn Store)` on each store.
macro_rules! suite {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[test]
            fn on_sqlite() {
                super::$name(super::sqlite().store.as_ref());
            }
            #[test]
            fn on_postgres() {
                super::$name(super::postgres().store.as_ref());
            }
        }
    )*};
}

suite!(
    an_import_logs_what_differs_and_again_nothing,
    feed_pages_reach_the_end_with_every_entity_once,
    a_device_redeeming_again_is_the_same_participant_and_a_full_code_admits_no_one_new,
    a_signal_is_decided_once_and_a_resend_gets_the_first_decision,
    announcements_plans_and_the_qr_key_are_kept,
);

fn redeem(store: &dyn Store, code: &str, client: &str) -> Redeemed {
    store
        .redeem(&RedeemRequest { code: code.into(), client_id: client.into(), display_name: None, show_name: false })
        .expect("redeem")
}

fn an_import_logs_what_differs_and_again_nothing(store: &dyn Store) {
    let event = demo();
    let first = store.replace_event(&event).expect("import");
    assert!(first.manifest_changed);
    assert!(first.upserts >= count(&event, EntityKind::Session), "{first:?}");
    let again = store.replace_event(&event).expect("import again");
    assert_eq!((again.upserts, again.deletes, again.manifest_changed), (0, 0, false));
    let mut fewer = event.clone();
    let gone = fewer.sessions.pop().expect("a session").id;
    let changed = store.replace_event(&fewer).expect("import with a session less");
    assert_eq!((changed.upserts, changed.deletes), (0, 1));
    let page = store.changes(ElementKind::Agenda, 0, 10_000).expect("agenda");
    assert!(page.changes.iter().any(|c| matches!(c, Change::Delete { id, .. } if *id == gone)));
    assert_eq!(store.manifest().expect("manifest").map(|m| m.id), Some(event.manifest.id));
}

fn feed_pages_reach_the_end_with_every_entity_once(store: &dyn Store) {
    let event = demo();
    store.replace_event(&event).expect("import");
    let mut seen = std::collections::BTreeSet::new();
    let mut after = 0;
    let mut pages = 0;
    loop {
        let page = store.changes(ElementKind::Agenda, after, 7).expect("page");
        assert!(page.changes.len() <= 7);
        for change in &page.changes {
            if let Change::Upsert { entity } = change {
                assert!(seen.insert((entity.kind(), entity.id().to_string())), "{:?} twice", entity.id());
            }
        }
        assert!(page.last_seq >= after, "the cursor only moves forward");
        after = page.last_seq;
        pages += 1;
        if !page.more {
            break;
        }
        assert!(pages < 1000, "the feed never ends");
    }
    let sessions = seen.iter().filter(|(k, _)| *k == EntityKind::Session).count();
    assert_eq!(sessions, count(&event, EntityKind::Session));
    assert_eq!(store.head(ElementKind::Agenda).expect("head"), after);
    assert!(store.changes(ElementKind::Agenda, after, 7).expect("past the end").changes.is_empty());
}

fn a_device_redeeming_again_is_the_same_participant_and_a_full_code_admits_no_one_new(store: &dyn Store) {
    store.replace_event(&demo()).expect("import");
    store.add_code("JOIN", Role::Attendee, false).expect("code");
    assert!(store.cap_code("JOIN", Some(2)).expect("cap"));
    assert!(!store.cap_code("NO-SUCH", Some(2)).expect("cap unknown"));
    let participant = |r: Redeemed| match r {
        Redeemed::Token(t) => t.participant_id,
        other => panic!("{other:?}"),
    };
    let first = participant(redeem(store, "JOIN", "phone-1"));
    assert_eq!(participant(redeem(store, "JOIN", "phone-1")), first, "the same device, the same person");
    let second = participant(redeem(store, "JOIN", "phone-2"));
    assert_ne!(second, first);
    assert_eq!(redeem(store, "JOIN", "phone-3"), Redeemed::Full { max_devices: 2 });
    assert_eq!(redeem(store, "WRONG", "phone-4"), Redeemed::UnknownCode);
    let Redeemed::Token(t) = redeem(store, "JOIN", "phone-2") else { panic!("a device already in still is") };
    let caller = store.authenticate(&t.token).expect("auth").expect("a known token");
    assert_eq!((caller.participant_id.as_str(), caller.role), (second.as_str(), Role::Attendee));
    assert!(store.authenticate("not-a-token").expect("auth").is_none());
}

fn a_signal_is_decided_once_and_a_resend_gets_the_first_decision(store: &dyn Store) {
    store.replace_event(&demo()).expect("import");
    store.add_code("JOIN", Role::Attendee, false).expect("code");
    let Redeemed::Token(t) = redeem(store, "JOIN", "phone-1") else { panic!("token") };
    let caller = store.authenticate(&t.token).expect("auth").expect("known");
    let vote = |id: &str, option: &str| Signal {
        id: id.into(),
        client_id: "phone-1".into(),
        seq: 1,
        schema_version: 1,
        created_at: during_event().fixed_offset(),
        action: Action::Vote { poll_id: "poll-opening".into(), option_id: option.into() },
    };
    let first = store.push(&caller, &[vote("v-1", "o2")], during_event()).expect("push");
    let decided = first.results[0].outcome.clone();
    assert!(matches!(decided, Outcome::Accepted { .. }), "{decided:?}");
    assert!(first.live.iter().any(|e| matches!(e, Entity::PollResult(r) if r.total == 1)), "{:?}", first.live);
    let again = store.push(&caller, &[vote("v-1", "o2"), vote("v-2", "o3")], during_event()).expect("push again");
    assert_eq!(again.results[0].outcome, Outcome::Duplicate { first: Box::new(decided) });
    assert!(matches!(again.results[1].outcome, Outcome::Accepted { .. }), "a changed vote counts");
    let tally = store
        .changes(ElementKind::Voting, 0, 10_000)
        .expect("voting")
        .changes
        .into_iter()
        .find_map(|c| match c {
            Change::Upsert { entity: Entity::PollResult(r) } if r.id == "poll-opening" => Some(r),
            _ => None,
        })
        .expect("a tally");
    assert_eq!(tally.total, 1);
    assert_eq!(tally.counts.iter().map(|c| c.votes).collect::<Vec<_>>(), [0, 0, 1, 0]);
}

fn announcements_plans_and_the_qr_key_are_kept(store: &dyn Store) {
    store.replace_event(&demo()).expect("import");
    let said = store.announce("Doors open", during_event()).expect("announce");
    let page = store.changes(ElementKind::Agenda, 0, 10_000).expect("agenda");
    assert!(page.changes.iter().any(|c| matches!(c, Change::Upsert { entity: Entity::Announcement(a) } if *a == said)));
    let rev = store.put_plan("floor-1", "image/svg+xml", b"<svg/>").expect("plan");
    let plan = store.plan("floor-1").expect("plan").expect("stored");
    assert_eq!((plan.rev, plan.content_type.as_str(), plan.bytes.as_slice()), (rev, "image/svg+xml", &b"<svg/>"[..]));
    assert!(store.plan("floor-9").expect("plan").is_none());
    let key = store.qr_secret().expect("made on first use");
    assert_eq!(store.qr_secret().expect("again"), key, "one key for the event");
    assert!(store.reveal_poll("no-such-poll", during_event()).expect("reveal").is_none());
}
