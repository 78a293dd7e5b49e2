//! A session's page: when and where, the way there, "I'm here", its polls and its speakers.

use elements_protocol::app::{ApiError, SessionDetail};
use elements_protocol::event::SessionKind;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::{kind_label, room_label, star_button};
use crate::i18n;
use crate::icons::{back_icon, pin_icon};
use crate::t;

pub(super) fn initials(name: &str) -> String {
    name.split_whitespace().filter_map(|w| w.chars().next()).take(2).collect()
}

pub(super) fn detail_view(
    d: SessionDetail,
    close: impl Fn() + Copy + 'static,
    check_in: impl Fn(String) + Copy + 'static,
    refused: RwSignal<Option<ApiError>>,
    poll_answered: impl Fn(elements_protocol::app::VotingView) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let can_vote = d.can_vote;
    let polls = d.polls.clone();
    let c = d.card;
    let color = c.track.as_ref().map(|t| t.color.clone()).unwrap_or_else(|| "var(--brand)".into());
    let language = language_name(&d.language);
    view! {
        <article
            class="detail"
            data-testid="session-detail"
            data-session-id=c.id.clone()
            style=format!("--track: {color}")
            tabindex="-1"
            aria-labelledby="detail-title"
        >
            <button class="back" data-testid="detail-back" on:click=move |_| close()>
                {back_icon()} <span>{t!("element-agenda")}</span>
            </button>
            <p class="detail-kind">{kind_label(c.kind)} {c.track.clone().map(|t| format!(" · {}", t.name))}</p>
            <div class="detail-title-row">
                <h2 class="detail-title" id="detail-title" data-testid="detail-title">{c.title.clone()}</h2>
                {(c.kind != SessionKind::Break).then(|| star_button(c.id.clone(), c.starred, "detail-star"))}
            </div>
            <dl class="detail-facts">
                <div><dt>{t!("detail-when")}</dt><dd>{if d.date.is_empty() { d.day_label.clone() } else { i18n::short_date(&d.date) }} ", " {c.starts.clone()} "–" {c.ends.clone()}
                    <span class="muted">" (" {t!("minutes", n = c.duration_minutes)} ")"</span></dd></div>
                <div><dt>{t!("detail-where")}</dt><dd>{room_label(c.room.as_ref())}</dd></div>
                <div><dt>{t!("detail-language")}</dt><dd>{language}</dd></div>
            </dl>
            {c.room.as_ref().and_then(|r| r.place_id.clone()).zip(use_context::<crate::nav::Navigate>()).map(|(place, nav)| {
                let place2 = place.clone();
                view! {
                    <div class="detail-map-actions">
                        <button class="secondary" data-testid="show-on-map" on:click=move |_| nav.show_place(&place, false)>
                            {pin_icon()} {t!("map-show")}
                        </button>
                        <button class="secondary" data-testid="take-me-there" on:click=move |_| nav.show_place(&place2, true)>
                            {t!("map-take-me")}
                        </button>
                    </div>
                }
            })}
            {d.checked_in.then(|| view! {
                <p class="checked-in" data-testid="checked-in">{t!("check-in-done")}</p>
            })}
            {d.can_check_in.then(|| {
                let id = c.id.clone();
                view! {
                    <button class="primary check-in" data-testid="check-in" on:click=move |_| check_in(id.clone())>
                        {t!("check-in")}
                    </button>
                }
            })}
            {move || refused.get().map(|e| view! {
                <p class="refusal" role="alert" title=e.message.clone()>{crate::widgets::error_sentence(e.code.as_str(), e.reason)}</p>
            })}
            {(!d.summary.is_empty()).then(|| view! { <p class="detail-summary">{d.summary.clone()}</p> })}
            {(!d.tags.is_empty()).then(|| view! {
                <ul class="tags">{d.tags.iter().map(|t| view! { <li>{t.clone()}</li> }).collect_view()}</ul>
            })}
            {(!polls.is_empty()).then(|| view! {
                <h3 class="detail-subtitle">{t!("detail-polls")}</h3>
                <div class="detail-polls" data-testid="session-polls">
                    {polls.into_iter().map(|p| view! {
                        <crate::elements::voting::PollCard poll=p device_can_vote=can_vote ticketed=None on_answered=poll_answered />
                    }).collect_view()}
                </div>
            })}
            {(!d.speakers.is_empty()).then(|| view! {
                <h3 class="detail-subtitle">{t!("detail-speakers", n = d.speakers.len())}</h3>
                <ul class="speakers" data-testid="speakers">
                    {d.speakers.iter().map(|s| view! {
                        <li class="speaker">
                            <span class="avatar" aria-hidden="true">{initials(&s.name)}</span>
                            <div>
                                <p class="speaker-name">{s.name.clone()}</p>
                                <p class="speaker-affiliation">{s.affiliation.clone()}</p>
                                <p class="speaker-bio">{s.bio.clone()}</p>
                            </div>
                        </li>
                    }).collect_view()}
                </ul>
            })}
        </article>
    }
}

/// A session's language ("en", "de-AT") in the person's language, by the webview's `Intl`.
pub(super) fn language_name(tag: &str) -> String {
    let locales = js_sys::Array::of1(&i18n::lang().tag().into());
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"type".into(), &"language".into());
    let names = js_sys::Reflect::get(&js_sys::global(), &"Intl".into())
        .and_then(|intl| js_sys::Reflect::get(&intl, &"DisplayNames".into()))
        .ok()
        .and_then(|c| c.dyn_into::<js_sys::Function>().ok())
        .and_then(|c| js_sys::Reflect::construct(&c, &js_sys::Array::of2(&locales, &options)).ok());
    let name = names
        .and_then(|n| {
            let of = js_sys::Reflect::get(&n, &"of".into()).ok()?.dyn_into::<js_sys::Function>().ok()?;
            of.call1(&n, &tag.into()).ok()?.as_string()
        })
        .filter(|n| !n.is_empty());
    // Capitalised: it stands alone in the detail ("русский" → "Русский").
    let name = name.unwrap_or_else(|| tag.to_string());
    let mut chars = name.chars();
    chars.next().map(|f| f.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
