//! The Element HTTP protocol, version [`PROTOCOL_VERSION`]: what a backend sends and receives.
//! `docs/protocol.md` is the prose; these are the shapes.
//!
//! This first part covers pulling: the manifest and each Element's changes feed.

use serde::{Deserialize, Serialize};

use crate::event::{
    ElementKind, Floor, Manifest, PointOfInterest, Poll, Profile, Quest, Room, Session, Speaker, Track,
};

pub const PROTOCOL_VERSION: u32 = 1;

/// `GET /v1/manifest`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestResponse {
    pub protocol_version: u32,
    pub manifest: Manifest,
}

/// The kinds of entity a changes feed carries, each owned by one Element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Floor,
    Room,
    Track,
    Speaker,
    Session,
    PointOfInterest,
    Poll,
    Quest,
    Profile,
}

impl EntityKind {
    pub const ALL: [EntityKind; 9] = [
        EntityKind::Floor,
        EntityKind::Room,
        EntityKind::Track,
        EntityKind::Speaker,
        EntityKind::Session,
        EntityKind::PointOfInterest,
        EntityKind::Poll,
        EntityKind::Quest,
        EntityKind::Profile,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Floor => "floor",
            EntityKind::Room => "room",
            EntityKind::Track => "track",
            EntityKind::Speaker => "speaker",
            EntityKind::Session => "session",
            EntityKind::PointOfInterest => "point_of_interest",
            EntityKind::Poll => "poll",
            EntityKind::Quest => "quest",
            EntityKind::Profile => "profile",
        }
    }

    /// The Element whose feed carries this kind. Rooms belong to the agenda (sessions need
    /// them even where the map is off); floors and places to the map.
    pub fn element(self) -> ElementKind {
        match self {
            EntityKind::Room | EntityKind::Track | EntityKind::Speaker | EntityKind::Session => ElementKind::Agenda,
            EntityKind::Floor | EntityKind::PointOfInterest => ElementKind::Map,
            EntityKind::Poll => ElementKind::Voting,
            EntityKind::Quest => ElementKind::Quests,
            EntityKind::Profile => ElementKind::People,
        }
    }
}

/// One entity, tagged with its kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "body", rename_all = "snake_case")]
pub enum Entity {
    Floor(Floor),
    Room(Room),
    Track(Track),
    Speaker(Speaker),
    Session(Session),
    PointOfInterest(PointOfInterest),
    Poll(Poll),
    Quest(Quest),
    Profile(Profile),
}

impl Entity {
    pub fn kind(&self) -> EntityKind {
        match self {
            Entity::Floor(_) => EntityKind::Floor,
            Entity::Room(_) => EntityKind::Room,
            Entity::Track(_) => EntityKind::Track,
            Entity::Speaker(_) => EntityKind::Speaker,
            Entity::Session(_) => EntityKind::Session,
            Entity::PointOfInterest(_) => EntityKind::PointOfInterest,
            Entity::Poll(_) => EntityKind::Poll,
            Entity::Quest(_) => EntityKind::Quest,
            Entity::Profile(_) => EntityKind::Profile,
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Entity::Floor(x) => &x.id,
            Entity::Room(x) => &x.id,
            Entity::Track(x) => &x.id,
            Entity::Speaker(x) => &x.id,
            Entity::Session(x) => &x.id,
            Entity::PointOfInterest(x) => &x.id,
            Entity::Poll(x) => &x.id,
            Entity::Quest(x) => &x.id,
            Entity::Profile(x) => &x.id,
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
        out
    }
}

/// One entry of a changes feed.
// Entities are read once and stored; boxing the large variant would buy nothing here.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Change {
    /// Create or replace the entity.
    Upsert { entity: Entity },
    /// The entity is gone (a cancelled session, a removed booth).
    Delete { kind: EntityKind, id: String },
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
    /// 503: the backend has no event loaded yet.
    NoEvent,
    /// 500
    Internal,
}
