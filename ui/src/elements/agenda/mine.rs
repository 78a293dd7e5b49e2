//! My own agenda: the starred sessions by day with clashes flagged, my meetings, the way to the
//! next one, the calendar export, and what a sync changed in it.

use elements_protocol::app::{ApiError, NoArgs};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::card_view;
use crate::api::invoke;
use crate::i18n;
use crate::t;

/// The person's own agenda: the starred sessions by day, overlaps flagged, and the way to the
/// next one.
pub(super) fn my_schedule_view(m: elements_protocol::app::MySchedule, selected: RwSignal<Option<String>>) -> AnyView {
    if m.days.is_empty() && m.meetings.is_empty() {
        return view! { <p class="empty" data-testid="mine-empty">{t!("mine-empty")}</p> }.into_any();
    }
    let nav = use_context::<crate::nav::Navigate>();
    let next = m.next.clone().and_then(|c| Some((c.room.clone()?.place_id?, c.title)));
    let exported = RwSignal::new(None::<Result<elements_protocol::app::ExportedFile, ApiError>>);
    let export = move |_| {
        spawn_local(async move {
            exported.set(Some(invoke::<elements_protocol::app::ExportSchedule>(&NoArgs {}).await));
        });
    };
    view! {
        <div class="my-schedule" data-testid="my-schedule">
            <div class="mine-actions">
                <button class="secondary" data-testid="export-ics" on:click=export>{t!("mine-export")}</button>
                {move || exported.get().map(|r| match r {
                    Ok(f) => view! { <p class="muted exported" data-testid="exported" data-path=f.path.clone()>{t!("mine-exported", n = f.items, path = f.path.clone())}</p> }.into_any(),
                    Err(e) => view! { <p class="refusal" role="alert">{crate::widgets::error_sentence(e.code.as_str(), e.reason)}" "<span class="muted">{e.message}</span></p> }.into_any(),
                })}
            </div>
            {next.zip(nav).map(|((place, title), nav)| view! {
                <button class="primary take-me" data-testid="take-me-next" on:click=move |_| nav.show_place(&place, true)>
                    <span>{t!("mine-take-me")}</span>
                    <span class="take-me-title">{title.clone()}</span>
                </button>
            })}
            {(!m.meetings.is_empty()).then(|| view! {
                <section class="slot my-meetings" data-testid="my-meetings">
                    <h3 class="slot-heading">{t!("mine-meetings")}</h3>
                    <ul class="meetings">
                        {m.meetings.iter().map(|x| {
                            let status = if x.status == elements_protocol::app::MeetingStatus::Accepted {
                                t!("mine-meeting-accepted")
                            } else {
                                t!("mine-meeting-asked")
                            };
                            view! {
                                <li class="meeting" data-testid="my-meeting" data-status=format!("{:?}", x.status).to_lowercase()>
                                    <p class="meeting-when"><strong>{i18n::short_date(&x.date)}" · "{x.start.clone()}"–"{x.end.clone()}</strong></p>
                                    <p>{t!("mine-meeting-with", name = x.with.clone(), place = x.place.clone())}</p>
                                    <p class="meeting-status">{status}</p>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            })}
            {m.days.into_iter().map(|d| {
                let label = if d.date.is_empty() { d.label.clone() } else { i18n::short_date(&d.date) };
                view! {
                    <section class="slot">
                        <h3 class="slot-heading">{label}</h3>
                        <div class="slot-cards">
                            {d.sessions.into_iter().map(|s| {
                                let clash = !s.overlaps.is_empty();
                                let overlap = clash.then(|| view! {
                                    <p class="overlap" data-testid="overlap" role="note">
                                        {t!("mine-overlap", titles = s.overlaps.join(", "))}
                                    </p>
                                });
                                view! {
                                    <div class="mine-item" class:clash=clash>
                                        {card_view(s.card, selected, "mine-card", true)}
                                        {overlap}
                                    </div>
                                }
                            }).collect_view()}
                        </div>
                    </section>
                }
            }).collect_view()}
        </div>
    }
    .into_any()
}

/// What a sync changed in the person's schedule: moved, re-roomed, cancelled, until put away.
pub(super) fn schedule_notices(
    notices: Vec<elements_protocol::app::ScheduleNotice>,
    mine: crate::api::Load<elements_protocol::app::GetMySchedule>,
) -> Option<AnyView> {
    if notices.is_empty() {
        return None;
    }
    let when = |w: &elements_protocol::app::SessionWhen| {
        let mut text = format!("{} {}", i18n::short_date(&w.date), w.starts);
        if let Some(room) = &w.room {
            text.push_str(&format!(", {room}"));
        }
        text
    };
    Some(
        view! {
            <div class="schedule-notices" role="status" data-testid="schedule-notices">
                {notices.into_iter().map(|n| {
                    let id = n.id;
                    let text = match &n.now {
                        Some(now) => t!("notice-moved", title = n.title.clone(), before = when(&n.before), now = when(now)),
                        None => t!("notice-cancelled", title = n.title.clone(), before = when(&n.before)),
                    };
                    view! {
                        <div class="notice schedule-notice" data-testid="schedule-notice" data-session-id=n.session_id.clone()
                            data-kind=if n.now.is_some() { "moved" } else { "cancelled" }>
                            <p>{text}</p>
                            <button class="link" on:click=move |_| {
                                spawn_local(async move {
                                    if let Ok(m) = invoke::<elements_protocol::app::DismissScheduleNotice>(&elements_protocol::app::NoticeArgs { id }).await {
                                        mine.state.set(Some(Ok(m)));
                                    }
                                });
                            }>{t!("notice-dismiss")}</button>
                        </div>
                    }
                }).collect_view()}
            </div>
        }
        .into_any(),
    )
}
