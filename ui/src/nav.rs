//! Moving between Elements from inside one: a session to open, a place to show or route to.

use elements_protocol::event::ElementKind;
use leptos::prelude::*;

/// Moving between Elements from inside one (a scenario card's link, "show the session").
#[derive(Clone, Copy)]
pub struct Navigate {
    pub active: RwSignal<ElementKind>,
    /// A session for the agenda to open when it shows next.
    pub session: RwSignal<Option<String>>,
    /// A place for the map to show (and route to) when it shows next.
    pub place: RwSignal<Option<PlaceRequest>>,
}

/// "Show on map" (`route: false`) or "take me there" (`route: true`).
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceRequest {
    pub id: String,
    pub route: bool,
}

impl Navigate {
    /// Follows a scenario's link: `session:<id>`, `poll:<id>`, `quest:<id>`, `place:<id>`
    /// (docs/scenarios.md). Returns false for a link this app does not follow.
    pub fn follow(&self, link: &str) -> bool {
        let Some((kind, id)) = link.split_once(':') else { return false };
        match kind {
            "session" => {
                self.session.set(Some(id.to_string()));
                self.active.set(ElementKind::Agenda);
            }
            "poll" => self.active.set(ElementKind::Voting),
            "quest" => self.active.set(ElementKind::Quests),
            "place" => self.show_place(id, false),
            _ => return false,
        }
        true
    }

    /// Opens the map at a place, with the route there from "you are here" if `route`.
    pub fn show_place(&self, id: &str, route: bool) {
        self.place.set(Some(PlaceRequest { id: id.to_string(), route }));
        self.active.set(ElementKind::Map);
    }
}
