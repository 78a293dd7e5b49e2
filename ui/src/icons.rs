//! Inline SVG icons (24×24, stroke-based), so the UI ships no font or image files.

use elements_protocol::event::ElementKind;
use leptos::prelude::*;

pub fn element_icon(kind: ElementKind) -> impl IntoView {
    let d = match kind {
        ElementKind::Agenda => {
            "M7 3v3M17 3v3M4 8h16M5 5h14a1 1 0 0 1 1 1v13a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1zM8 12h3M8 16h6"
        }
        ElementKind::Map => "M9 4 3 6v14l6-2 6 2 6-2V4l-6 2-6-2zM9 4v14M15 6v14",
        ElementKind::Voting => "M5 20V10M12 20V4M19 20v-7",
        ElementKind::Quests => "M5 21V4M5 4h11l-2 4 2 4H5",
        ElementKind::People => {
            "M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM2 21a7 7 0 0 1 14 0M16 3.5a4 4 0 0 1 0 7.5M22 21a7 7 0 0 0-4-6.3"
        }
        ElementKind::Me => "M12 12a4.5 4.5 0 1 0 0-9 4.5 4.5 0 0 0 0 9zM4 21a8 8 0 0 1 16 0",
        // A clipboard with a tick: the door list.
        ElementKind::Staff => "M9 4h6v3H9zM7 5H5v16h14V5h-2M8.5 14l2.5 2.5 5-5",
    };
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor"
            stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">
            <path d=d />
        </svg>
    }
}

pub fn pin_icon() -> impl IntoView {
    view! {
        <svg class="icon small" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor"
            stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
            <path d="M12 21s-7-6.2-7-11.5a7 7 0 0 1 14 0C19 14.8 12 21 12 21z" />
            <circle cx="12" cy="9.5" r="2.5" />
        </svg>
    }
}

pub fn back_icon() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor"
            stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
            <path d="M15 5l-7 7 7 7" />
        </svg>
    }
}

pub fn search_icon() -> impl IntoView {
    view! {
        <svg class="icon small" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor"
            stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
            <circle cx="11" cy="11" r="7" />
            <path d="M20 20l-3.5-3.5" />
        </svg>
    }
}

/// Small stroke icons by name, for marks inside lists (checkpoints, rewards).
pub fn mark_icon(name: &'static str) -> impl IntoView {
    let d = match name {
        "check" => "M5 12.5l4.5 4.5L19 7.5",
        "lock" => "M7 11V8a5 5 0 0 1 10 0v3M6 11h12a1 1 0 0 1 1 1v8a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1v-8a1 1 0 0 1 1-1z",
        "gift" => "M4 11h16v10H4zM3 7h18v4H3zM12 7v14M12 7s-1.5-4-4-4a2 2 0 0 0 0 4M12 7s1.5-4 4-4a2 2 0 0 1 0 4",
        _ => "M12 12h.01",
    };
    view! {
        <svg class="icon small" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor"
            stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round">
            <path d=d />
        </svg>
    }
}
