//! The Element HTTP protocol, version [`PROTOCOL_VERSION`]: what a backend sends and receives.
//! `docs/protocol.md` is the prose; these are the shapes.
//!
//! This part covers pulling: the manifest and each Element's changes feed; [`crate::signal`]
//! covers pushing, [`crate::auth`] tokens and [`crate::live`] the live stream.

use serde::{Deserialize, Serialize};

use crate::event::{
    ElementKind, Floor, Manifest, PointOfInterest, Poll, Profile, Quest, Room, Session, Speaker, Track,
};
use crate::live::{Announcement, Leaderboard, PollResult};

pub const PROTOCOL_VERSION: u32 = 1;

/// `GET /v1/manifest`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestResponse {
    pub protocol_version: u32,
    pub manifest: Manifest,
}

/// Declares the entity kinds once: the `EntityKind` enum, its `ALL` list, wire name and owning
/// Element, and the `Entity` enum with `kind()`, `id()` and its body's JSON both ways, all from
/// one table below. Adding a
/// kind is one line there (the compiler then points at every `match` that must learn it).
macro_rules! entities {
    ($( $(#[$doc:meta])* $variant:ident($ty:ty) = $name:literal, $element:ident, $origin:ident; )*) => {
        /// The kinds of entity a changes feed carries, each owned by one Element.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum EntityKind {
            $( $(#[$doc])* $variant, )*
        }

        impl EntityKind {
            pub const ALL: [EntityKind; [$($name),*].len()] = [$(EntityKind::$variant),*];

            /// The name on the wire (`kind` in feeds), also the app's cache table.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( EntityKind::$variant => $name, )*
                }
            }

            /// The Element whose feed carries this kind. Rooms belong to the agenda (sessions
            /// need them even where the map is off); floors and places to the map.
            pub fn element(self) -> ElementKind {
                match self {
                    $( EntityKind::$variant => ElementKind::$element, )*
                }
            }

            /// Kinds that an event file publishes; the others are live state the backend
            /// derives, or personal (people's contacts, meetings, messages), each caller's own.
            pub fn is_published(self) -> bool {
                match self {
                    $( EntityKind::$variant => entities!(@published $origin), )*
                }
            }
        }

        impl EntityKind {
            /// Kinds that belong to one caller (or two), never the same for everyone: a backend
            /// sends each only to the people in it.
            pub fn is_personal(self) -> bool {
                match self {
                    $( EntityKind::$variant => entities!(@personal $origin), )*
                }
            }

            /// Kinds for staff only (check-ins, reward codes): a backend sends them to staff
            /// tokens and to no one else.
            pub fn is_for_staff(self) -> bool {
                match self {
                    $( EntityKind::$variant => entities!(@staff $origin), )*
                }
            }
        }

        /// One entity, tagged with its kind.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "kind", content = "body", rename_all = "snake_case")]
        pub enum Entity {
            $( $variant($ty), )*
        }

        impl Entity {
            pub fn kind(&self) -> EntityKind {
                match self {
                    $( Entity::$variant(_) => EntityKind::$variant, )*
                }
            }

            pub fn id(&self) -> &str {
                match self {
                    $( Entity::$variant(x) => &x.id, )*
                }
            }

            /// The entity's own record as JSON (the `body`, without the kind tag).
            #[cfg(feature = "json")]
            pub fn body_json(&self) -> serde_json::Result<String> {
                match self {
                    $( Entity::$variant(x) => serde_json::to_string(x), )*
                }
            }

            /// The entity of `kind` whose record is the JSON text `body`.
            #[cfg(feature = "json")]
            pub fn from_body(kind: EntityKind, body: &str) -> serde_json::Result<Entity> {
                Ok(match kind {
                    $( EntityKind::$variant => Entity::$variant(serde_json::from_str(body)?), )*
                })
            }
        }
    };
    (@published published) => { true };
    (@published live) => { false };
    (@published personal) => { false };
    (@published staff) => { false };
    (@personal personal) => { true };
    (@personal $other:ident) => { false };
    (@staff staff) => { true };
    (@staff $other:ident) => { false };
}

entities! {
    Floor(Floor) = "floor", Map, published;
    Room(Room) = "room", Agenda, published;
    Track(Track) = "track", Agenda, published;
    Speaker(Speaker) = "speaker", Agenda, published;
    Session(Session) = "session", Agenda, published;
    PointOfInterest(PointOfInterest) = "point_of_interest", Map, published;
    Poll(Poll) = "poll", Voting, published;
    Quest(Quest) = "quest", Quests, published;
    Profile(Profile) = "profile", People, published;
    /// The event's rules: they cross Elements, so they travel with the agenda, the feed every
    /// event enables.
    Scenario(crate::scenario::Scenario) = "scenario", Agenda, published;
    /// The venue's walk graph, whole (one per event).
    WalkGraph(crate::venue::WalkGraph) = "walk_graph", Map, published;
    PollResult(PollResult) = "poll_result", Voting, live;
    Question(crate::live::Question) = "question", Voting, live;
    Leaderboard(Leaderboard) = "leaderboard", Quests, live;
    Announcement(Announcement) = "announcement", Agenda, live;
    /// How many were checked in to a session (a count, no one's details).
    Occupancy(crate::live::Occupancy) = "occupancy", Agenda, live;
    /// Someone the caller exchanged badges with; sent to that caller only.
    Contact(crate::people::Contact) = "contact", People, personal;
    /// A meeting; sent to its two people only.
    Meeting(crate::people::Meeting) = "meeting", People, personal;
    /// A message; sent to its sender and recipient only.
    Message(crate::people::Message) = "message", People, personal;
    /// A person checked in at a door or session, with every scan; sent to staff only.
    Admission(crate::staff::Admission) = "admission", Staff, staff;
    /// A reward's desk code and whether it was given; sent to staff only.
    RewardCode(crate::staff::RewardCode) = "reward_code", Staff, staff;
    /// An announcement staff sent to some (one room's audience, a scenario tag); sent to them
    /// only. Live state, like `announcement`.
    Notice(Announcement) = "notice", People, personal;
    /// A visitor an exhibitor scanned at the booth; sent to that exhibitor only.
    Lead(crate::staff::Lead) = "lead", People, personal;
    /// The organizer's live picture (counts and goals); sent to staff only.
    LivePicture(crate::staff::LivePicture) = "live_picture", Staff, staff;
    /// The event in numbers for the venue screens, where the organizer allows it; public.
    ScreenFigures(crate::analytics::ScreenFigures) = "screen_figures", Agenda, live;
}

impl Entity {
    /// For live state, the revision that orders copies of it; `None` for published entities,
    /// which only ever arrive through the changes feed, in order.
    pub fn revision(&self) -> Option<u64> {
        match self {
            Entity::PollResult(x) => Some(x.revision),
            Entity::Occupancy(x) => Some(x.revision),
            Entity::Notice(x) => Some(x.revision),
            Entity::LivePicture(x) => Some(x.revision),
            Entity::ScreenFigures(x) => Some(x.revision),
            Entity::Question(x) => Some(x.revision),
            Entity::Leaderboard(x) => Some(x.revision),
            Entity::Announcement(x) => Some(x.revision),
            _ => None,
        }
    }
}

impl Entity {
    /// Every entity of a bundle, grouped by kind in dependency order (rooms and speakers before
    /// the sessions that name them).
    pub fn all_of(b: &crate::event::EventBundle) -> Vec<Entity> {
        let mut out = Vec::new();
        out.extend(b.floors.iter().cloned().map(Entity::Floor));
        out.extend(b.rooms.iter().cloned().map(Entity::Room));
        out.extend(b.tracks.iter().cloned().map(Entity::Track));
        out.extend(b.speakers.iter().cloned().map(Entity::Speaker));
        out.extend(b.sessions.iter().cloned().map(Entity::Session));
        out.extend(b.points_of_interest.iter().cloned().map(Entity::PointOfInterest));
        out.extend(b.polls.iter().cloned().map(Entity::Poll));
        out.extend(b.quests.iter().cloned().map(Entity::Quest));
        out.extend(b.people.iter().cloned().map(Entity::Profile));
        out.extend(b.scenarios.iter().cloned().map(Entity::Scenario));
        if !b.walk.is_empty() {
            out.push(Entity::WalkGraph(b.walk.clone()));
        }
        out
    }

    /// Puts an entity back where [`Entity::all_of`] took it from (the inverse; a test holds the
    /// two together); `Err` gives back live state, personal and staff records, which no event
    /// file holds.
    pub fn put_into(self, b: &mut crate::event::EventBundle) -> Result<(), Entity> {
        match self {
            Entity::Floor(x) => b.floors.push(x),
            Entity::Room(x) => b.rooms.push(x),
            Entity::Track(x) => b.tracks.push(x),
            Entity::Speaker(x) => b.speakers.push(x),
            Entity::Session(x) => b.sessions.push(x),
            Entity::PointOfInterest(x) => b.points_of_interest.push(x),
            Entity::Poll(x) => b.polls.push(x),
            Entity::Quest(x) => b.quests.push(x),
            Entity::Profile(x) => b.people.push(x),
            Entity::Scenario(x) => b.scenarios.push(x),
            Entity::WalkGraph(x) => b.walk = x,
            other => return Err(other),
        }
        Ok(())
    }
}

/// One entry of a changes feed.
// Entities are read once and stored; boxing the large variant would buy nothing here.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Change {
    /// Create or replace the entity.
    Upsert { entity: Entity },
    /// The entity is gone (a cancelled session, a removed booth).
    Delete { kind: EntityKind, id: String },
}

/// The fields of one feed entry, `E` being how its entity is read (typed, or kept as JSON).
/// Decoded field by field rather than with serde's internally-tagged enum support, which buffers
/// every entry into an intermediate tree first: a first sync decodes tens of thousands.
#[derive(Deserialize)]
struct ChangeFields<E> {
    op: ChangeOp,
    entity: Option<E>,
    kind: Option<EntityKind>,
    id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum ChangeOp {
    Upsert,
    Delete,
}

impl<E> ChangeFields<E> {
    /// The entity of an upsert, or the change of a delete; names the missing field otherwise.
    fn split<Er: serde::de::Error>(self) -> Result<Result<E, Change>, Er> {
        match self.op {
            ChangeOp::Upsert => self.entity.map(Ok).ok_or_else(|| Er::missing_field("entity")),
            ChangeOp::Delete => match (self.kind, self.id) {
                (Some(kind), Some(id)) => Ok(Err(Change::Delete { kind, id })),
                (None, _) => Err(Er::missing_field("kind")),
                (_, None) => Err(Er::missing_field("id")),
            },
        }
    }
}

// Same wire shape as the derived Serialize above.
impl<'de> Deserialize<'de> for Change {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match ChangeFields::<Entity>::deserialize(deserializer)?.split()? {
            Ok(entity) => Change::Upsert { entity },
            Err(delete) => delete,
        })
    }
}

/// Feed pages decoded for storing: each upserted entity both typed and as the JSON text it
/// arrived in, so a reader that keeps entities as JSON stores that text instead of encoding the
/// entity again. Same wire shape as [`ChangesPage`].
#[cfg(feature = "stored")]
pub mod stored {
    use serde::Deserialize;
    use serde_json::value::RawValue;

    use super::{Change, ChangeFields, ElementKind, Entity, EntityKind};

    #[derive(Debug, Deserialize)]
    pub struct StoredPage {
        pub element: ElementKind,
        pub changes: Vec<StoredChange>,
        pub cursor: String,
        pub more: bool,
    }

    #[derive(Debug)]
    pub struct StoredChange {
        pub change: Change,
        /// For an upsert: the entity's record (the `body`) exactly as sent.
        pub body: Option<Box<RawValue>>,
    }

    impl<'de> Deserialize<'de> for StoredChange {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            use serde::de::Error;
            #[derive(Deserialize)]
            struct RawEntity {
                kind: EntityKind,
                body: Box<RawValue>,
            }
            match ChangeFields::<RawEntity>::deserialize(deserializer)?.split()? {
                Ok(raw) => {
                    let entity = Entity::from_body(raw.kind, raw.body.get()).map_err(D::Error::custom)?;
                    Ok(StoredChange { change: Change::Upsert { entity }, body: Some(raw.body) })
                }
                Err(delete) => Ok(StoredChange { change: delete, body: None }),
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn a_stored_page_decodes_like_a_changes_page_and_keeps_each_body() {
            let json = r##"{"element":"agenda","changes":[
                {"op":"upsert","entity":{"kind":"track","body":{"id":"t1","name":"Cloud","color":"#0af","future":1}}},
                {"op":"delete","kind":"session","id":"s9"}],"cursor":"e:2","more":false}"##;
            let stored: StoredPage = serde_json::from_str(json).expect("stored page");
            let plain: super::super::ChangesPage = serde_json::from_str(json).expect("plain page");
            let changes: Vec<Change> = stored.changes.iter().map(|c| c.change.clone()).collect();
            assert_eq!(changes, plain.changes);
            assert_eq!(
                stored.changes[0].body.as_ref().map(|b| b.get()),
                Some(r##"{"id":"t1","name":"Cloud","color":"#0af","future":1}"##)
            );
            assert!(stored.changes[1].body.is_none());
            let bad = r#"{"op":"upsert","entity":{"kind":"track","body":{"id":5}}}"#;
            assert!(serde_json::from_str::<StoredChange>(bad).is_err());
        }
    }
}

/// `GET /v1/elements/{element}/changes?cursor=…&limit=…`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangesPage {
    pub element: ElementKind,
    pub changes: Vec<Change>,
    /// Opaque. Send it back to get what came after this page; store it in the same transaction
    /// as the changes it covers.
    pub cursor: String,
    /// More changes are waiting: ask again at once.
    pub more: bool,
}

/// The body of every 4xx/5xx answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireError {
    pub code: WireErrorCode,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WireErrorCode {
    /// 410: the cursor is from another epoch of this backend or too old; drop local data of this
    /// Element and pull again without a cursor.
    StartOver,
    /// 400: a parameter is malformed; the message names it.
    BadRequest,
    /// 404: no such Element or route on this backend.
    NotFound,
    /// 401: no token, or one this backend does not know (any more): redeem the code again.
    Unauthorized,
    /// 403: the token's role may not call this route.
    Forbidden,
    /// 413: too many signals in one batch, or a body too large.
    TooLarge,
    /// 503: the backend has no event loaded yet.
    NoEvent,
    /// 429: too many requests of this kind from this address or for this code; wait the
    /// `Retry-After` seconds.
    RateLimited,
    /// 500
    Internal,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_decode_in_any_field_order_and_name_what_is_missing() {
        let up = r##"{"entity":{"kind":"track","body":{"id":"t1","name":"Cloud","color":"#0af"}},"op":"upsert"}"##;
        let Change::Upsert { entity } = serde_json::from_str::<Change>(up).expect("upsert") else { panic!("upsert") };
        assert_eq!(entity.id(), "t1");
        let del: Change = serde_json::from_str(r#"{"op":"delete","kind":"session","id":"s9"}"#).expect("delete");
        assert_eq!(del, Change::Delete { kind: EntityKind::Session, id: "s9".into() });
        assert_eq!(serde_json::to_string(&del).expect("encode"), r#"{"op":"delete","kind":"session","id":"s9"}"#);
        let err = serde_json::from_str::<Change>(r#"{"op":"delete","id":"s9"}"#).expect_err("no kind");
        assert!(err.to_string().contains("kind"), "{err}");
        assert!(serde_json::from_str::<Change>(r#"{"op":"rename"}"#).is_err());
    }
}

#[cfg(test)]
mod entity_kind_tests {
    use super::*;

    #[test]
    fn each_kinds_wire_name_is_what_serde_writes() {
        for kind in EntityKind::ALL {
            assert_eq!(serde_json::to_value(kind).expect("encode"), kind.as_str(), "{kind:?}");
        }
        assert_eq!(EntityKind::ALL.len(), 25);
        assert_eq!(
            EntityKind::ALL.iter().filter(|k| k.is_personal()).count(),
            5,
            "contacts, meetings, messages, notices, leads"
        );
        let staff: Vec<_> = EntityKind::ALL.into_iter().filter(|k| k.is_for_staff()).collect();
        assert_eq!(staff, [EntityKind::Admission, EntityKind::RewardCode, EntityKind::LivePicture]);
        assert!(staff.iter().all(|k| k.element() == ElementKind::Staff && !k.is_personal()));
        assert_eq!(
            EntityKind::ALL.iter().filter(|k| !k.is_published()).count(),
            14,
            "and six kinds of live state, the three for staff, notices and leads"
        );
    }
    /// Every published kind goes back into a bundle where it came from: a bundle taken apart
    /// into entities and put together again is the same bundle.
    #[test]
    fn a_bundle_taken_apart_and_put_together_is_the_same() {
        let demo: crate::event::EventBundle =
            serde_json::from_str(include_str!("../../assets/demo-event/event.json")).expect("demo");
        let mut again = crate::event::EventBundle::empty(demo.manifest.clone());
        for entity in Entity::all_of(&demo) {
            let kind = entity.kind();
            assert!(kind.is_published());
            entity.put_into(&mut again).unwrap_or_else(|e| panic!("{:?} has no place in a bundle", e.kind()));
        }
        assert_eq!(again, demo);
        for kind in EntityKind::ALL.into_iter().filter(|k| k.is_published()) {
            assert!(Entity::all_of(&demo).iter().any(|e| e.kind() == kind), "the demo has no {kind:?}");
        }
    }
}
