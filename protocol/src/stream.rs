//! The live stream (`GET /v1/live`, server-sent events): its events, written by the backend and
//! read by the app from this one definition. Needs the `json` feature.

use serde::{Deserialize, Serialize};

use crate::sync::Entity;

/// One event of the live stream (`GET /v1/live`, server-sent events): its `event:` name and its
/// `data:` body, written by the backend and read by the app from this one definition.
#[derive(Debug, Clone, PartialEq)]
// One event at a time passes through; boxing the entity would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum LiveEvent {
    /// First on every stream: it is up, in this protocol version.
    Hello { protocol_version: u32 },
    /// A poll result, leaderboard or announcement: the entity as in the feeds. A poll (made or
    /// changed by staff) says its feed changed: apps pull it rather than store this copy.
    Changed(Entity),
    /// This listener fell behind and missed events: pull the feeds.
    Resync,
}

#[derive(Serialize, Deserialize)]
struct HelloBody {
    protocol_version: u32,
}

impl LiveEvent {
    /// The SSE `event:` name.
    pub fn name(&self) -> &'static str {
        match self {
            LiveEvent::Hello { .. } => "hello",
            LiveEvent::Changed(entity) => entity.kind().as_str(),
            LiveEvent::Resync => "resync",
        }
    }

    /// The SSE `data:` body (one line of JSON).
    pub fn data(&self) -> String {
        match self {
            LiveEvent::Hello { protocol_version } => {
                serde_json::to_string(&HelloBody { protocol_version: *protocol_version }).unwrap_or_default()
            }
            LiveEvent::Changed(entity) => serde_json::to_string(entity).unwrap_or_default(),
            LiveEvent::Resync => "{}".into(),
        }
    }

    /// Reads one event from its name and body. `None` for names this app does not know (a newer
    /// backend's) and for bodies that do not decode: a listener skips those, the feeds catch up.
    pub fn parse(name: &str, data: &str) -> Option<LiveEvent> {
        match name {
            "hello" => serde_json::from_str::<HelloBody>(data)
                .ok()
                .map(|h| LiveEvent::Hello { protocol_version: h.protocol_version }),
            "resync" => Some(LiveEvent::Resync),
            // A poll made or changed by staff: apps pull the voting feed at once.
            "poll" | "poll_result" | "leaderboard" | "announcement" | "question" => {
                serde_json::from_str::<Entity>(data).ok().filter(|e| e.kind().as_str() == name).map(LiveEvent::Changed)
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::Leaderboard;

    #[test]
    fn every_live_event_reads_back_as_written_and_strangers_are_skipped() {
        let board = Entity::Leaderboard(Leaderboard { id: "q".into(), entries: Vec::new(), revision: 3 });
        for event in [LiveEvent::Hello { protocol_version: 1 }, LiveEvent::Resync, LiveEvent::Changed(board)] {
            assert_eq!(LiveEvent::parse(event.name(), &event.data()), Some(event.clone()), "{}", event.name());
        }
        assert_eq!(LiveEvent::parse("livestream_started", "{}"), None);
        assert_eq!(LiveEvent::parse("leaderboard", "{not json"), None);
        let announcement = r#"{"kind":"announcement","body":{"id":"a","text":"t","posted_at":"2027-03-10T09:00:00+01:00","revision":1}}"#;
        assert_eq!(LiveEvent::parse("leaderboard", announcement), None, "the name and the body agree or it is skipped");
    }
}
