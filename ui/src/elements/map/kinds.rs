//! Kinds of place as the map shows them: names, words, icons; a floor's short name.

use elements_protocol::event::PoiKind;
use leptos::prelude::*;

use crate::t;

/// The floor's short name for the switcher: its level ("0", "1", "−1").
pub(super) fn floor_short(_name: &str, level: i32) -> String {
    if level < 0 {
        format!("−{}", -level)
    } else {
        level.to_string()
    }
}

pub fn kind_name(k: PoiKind) -> &'static str {
    match k {
        PoiKind::Room => "room",
        PoiKind::Booth => "booth",
        PoiKind::Food => "food",
        PoiKind::Toilet => "toilet",
        PoiKind::Exit => "exit",
        PoiKind::Stairs => "stairs",
        PoiKind::Lift => "lift",
        PoiKind::Info => "info",
        PoiKind::FirstAid => "first_aid",
        PoiKind::MeetingPoint => "meeting_point",
    }
}

pub(crate) fn kind_label(k: PoiKind) -> String {
    match k {
        PoiKind::Room => t!("place-room"),
        PoiKind::Booth => t!("place-booth"),
        PoiKind::Food => t!("place-food"),
        PoiKind::Toilet => t!("place-toilet"),
        PoiKind::Exit => t!("place-exit"),
        PoiKind::Stairs => t!("place-stairs"),
        PoiKind::Lift => t!("place-lift"),
        PoiKind::Info => t!("place-info"),
        PoiKind::FirstAid => t!("place-first-aid"),
        PoiKind::MeetingPoint => t!("place-meeting-point"),
    }
}

/// A place kind's icon: strokes on a 24-unit grid.
pub(crate) fn kind_icon(k: PoiKind) -> impl IntoView {
    let d = match k {
        PoiKind::Room => "M4 20V5l8-2 8 2v15M9 20v-5h6v5M8 9h8",
        PoiKind::Booth => "M3 9l2-5h14l2 5M4 9v11h16V9M3 9h18M9 20v-6h6v6",
        PoiKind::Food => "M7 3v8M5 3v5a2 2 0 0 0 4 0V3M7 11v10M17 3c-2 0-3 2-3 6s1 4 3 4v8",
        PoiKind::Toilet => "M8 6.5a2 2 0 1 0 0-4 2 2 0 0 0 0 4zM16 6.5a2 2 0 1 0 0-4 2 2 0 0 0 0 4zM6 21v-6H4.5l1.5-6h4l1.5 6H10v6M14 21V9h4v12",
        PoiKind::Exit => "M10 3H5v18h5M14 8l4 4-4 4M18 12H9",
        PoiKind::Stairs => "M4 20h4v-4h4v-4h4V8h4",
        PoiKind::Lift => "M6 3h12v18H6zM10 9l2-2 2 2M10 15l2 2 2-2",
        PoiKind::Info => "M12 7.5h.01M11 11h1v6h1M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z",
        PoiKind::FirstAid => "M10 4h4v6h6v4h-6v6h-4v-6H4v-4h6z",
        PoiKind::MeetingPoint => {
            "M8 10a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM16 10a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM2.5 20a5.5 5.5 0 0 1 11 0M10.5 20a5.5 5.5 0 0 1 11 0"
        }
    };
    view! {
        <path class="kind-icon" d=d fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round" />
    }
}
