//! The analytics Element on the wire (`GET /v1/analytics`, organizers): figures about people in
//! aggregate. A figure is `null` where fewer than five people make it (the backend withholds it
//! before anything is written); no person is named or numbered.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AnalyticsReport {
    pub event: String,
    /// When it was counted (RFC 3339).
    pub counted_at: String,
    /// The hour columns, in the venue's time (RFC 3339), first to last with activity.
    pub hours: Vec<String>,
    pub people: Option<u64>,
    pub sessions: Vec<SessionFigure>,
    pub rooms_by_hour: Vec<HourRow>,
    pub places_by_hour: Vec<HourRow>,
    /// Where audiences went next: flows of five people or more, most first.
    pub flows: Vec<FlowFigure>,
    /// The busiest routes asked for on the map: five people or more each, most first, at most
    /// twenty. Absent from a backend older than them.
    #[serde(default)]
    pub routes: Vec<RouteFigure>,
    /// People active per hour.
    pub activity_by_hour: Vec<Option<u64>>,
    /// Answers, questions, upvotes and quest steps per person active, per hour (one decimal).
    #[serde(default)]
    pub engagement_by_hour: Vec<Option<f64>>,
    pub funnels: Vec<FunnelFigure>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionFigure {
    pub id: String,
    pub title: String,
    pub room: String,
    pub starts_at: String,
    pub attendees: Option<u64>,
    /// The share of its audience not seen anywhere else before it ended, 0–100.
    pub held_percent: Option<u32>,
    pub answers: Option<u64>,
    pub questions: Option<u64>,
    pub upvotes: Option<u64>,
    /// Answers, questions and upvotes per attendee present (one decimal).
    #[serde(default)]
    pub per_attendee: Option<f64>,
}

/// A room or a place, with people per hour; a place has its spot on a floor plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HourRow {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floor_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<u32>,
    pub hours: Vec<Option<u64>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowFigure {
    pub from: String,
    pub to: String,
    pub people: u64,
}

/// A route asked for on the map: to a place, from a place or (`from` absent) from a spot that is
/// none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouteFigure {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    pub to: String,
    pub people: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunnelFigure {
    pub quest: String,
    /// People with at least 1, 2, … checkpoints.
    pub steps: Vec<Option<u64>>,
}

/// The event in numbers for its venue screens (`screen_figures`, live state, public): what the
/// organizer allows the screens to show ([`crate::event::KioskSettings::show_figures`]), each
/// figure from five people or more. `id` is `"now"`; a newer `revision` replaces it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScreenFigures {
    pub id: String,
    pub revision: u64,
    /// When it was counted, in the venue's time (RFC 3339).
    pub counted_at: String,
    /// People who took part so far.
    pub people: Option<u64>,
    /// People active in the last hour with activity, and which hour that is (RFC 3339).
    pub active: Option<u64>,
    #[serde(default)]
    pub hour: Option<String>,
    /// The busiest places of that hour, most first (at most five).
    #[serde(default)]
    pub busiest_places: Vec<NamedCount>,
    /// The sessions with the largest audiences so far, most first (at most three).
    #[serde(default)]
    pub fullest_sessions: Vec<NamedCount>,
    /// The routes asked for most, most first (at most three).
    #[serde(default)]
    pub routes: Vec<RouteFigure>,
}

/// A place or a session and its people.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NamedCount {
    pub name: String,
    pub people: u64,
}
