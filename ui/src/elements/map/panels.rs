//! The map's panels beside or over the plan: search, the category filters, the sheet that holds
//! a place, a route or "you are here".

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::*;

#[component]
pub(super) fn SearchBox(st: MapState) -> impl IntoView {
    let results = load_later::<SearchPlaces>(move || SearchArgs { query: st.query.get_untracked() });
    Effect::new(move |_| {
        if st.query.get().trim().is_empty() {
            results.clear();
        } else {
            results.refresh();
        }
    });
    let pick = move |hit: PlaceHit| {
        st.query.set(String::new());
        focus_place(st, &hit.place);
    };
    view! {
        <div class="map-search">
            <label class="search-field">
                {search_icon()}
                <input type="search" data-testid="map-search"
                    placeholder=move || t!("map-search")
                    aria-label=move || t!("map-search")
                    prop:value=move || st.query.get()
                    on:input=move |ev| st.query.set(event_target_value(&ev)) />
            </label>
            {move || {
                let q = st.query.get();
                if q.trim().is_empty() {
                    return None;
                }
                Some(match results.state.get() {
                    None => view! { <div class="map-results" /> }.into_any(),
                    Some(Err(e)) => view! { <div class="map-results"><p class="refusal">{e.message}</p></div> }.into_any(),
                    Some(Ok(hits)) if hits.is_empty() => view! {
                        <div class="map-results" data-testid="map-results"><p class="muted">{t!("map-search-none", query = q.clone())}</p></div>
                    }.into_any(),
                    Some(Ok(hits)) => view! {
                        <ul class="map-results" data-testid="map-results" role="listbox">
                            {hits.into_iter().map(|hit| {
                                let h = hit.clone();
                                view! {
                                    <li>
                                        <button class="map-hit" data-testid="map-hit" data-place=hit.place.id.clone()
                                            on:click=move |_| pick(h.clone())>
                                            <span class=format!("hit-icon kind-{}", kind_name(hit.place.kind))>
                                                <svg viewBox="0 0 24 24" aria-hidden="true">{kind_icon(hit.place.kind)}</svg>
                                            </span>
                                            <span class="hit-text">
                                                <strong>{hit.place.name.clone()}</strong>
                                                <span class="muted">
                                                    {hit.floor.clone()}
                                                    {hit.because.clone().map(|b| format!(" · {b}"))}
                                                </span>
                                            </span>
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                })
            }}
        </div>
    }
}

#[component]
pub(super) fn Filters(st: MapState) -> impl IntoView {
    view! {
        <div class="map-filters" role="group" aria-label=move || t!("map-filter")>
            {KINDS.iter().map(|&k| view! {
                <button class=format!("filter-chip kind-{}", kind_name(k))
                    class:off=move || st.hidden.get().contains(&k)
                    aria-pressed=move || (!st.hidden.get().contains(&k)).to_string()
                    data-testid=format!("filter-{}", kind_name(k))
                    on:click=move |_| st.hidden.update(|h| if !h.remove(&k) { h.insert(k); })>
                    <svg viewBox="0 0 24 24" aria-hidden="true">{kind_icon(k)}</svg>
                    {move || kind_label(k)}
                </button>
            }).collect_view()}
        </div>
    }
}

/// The panel beside (tablet, venue screen) or below (phone) the plan: the route, else the place
/// picked, else where the person is.
#[component]
pub(super) fn Sheet(
    st: MapState,
    map: StoredValue<MapView>,
    here: Option<elements_protocol::app::HereView>,
    can_route: bool,
) -> impl IntoView {
    let place = load_later::<GetPlace>(move || PlaceArgs { id: st.selected.get_untracked().unwrap_or_default() })
        .refresh_on(Changed::Element(ElementKind::Quests));
    Effect::new(move |_| match st.selected.get() {
        Some(_) => place.reload(),
        None => place.clear(),
    });
    let has_here = here.is_some();
    move || {
        if st.route_to.get().is_some() {
            return view! { <RoutePanel st=st map=map has_here=has_here /> }.into_any();
        }
        if st.selected.get().is_some() {
            return show_loading(place.state.get(), move |d| {
                view! { <PlacePanel d=d st=st can_route=can_route has_here=has_here /> }.into_any()
            });
        }
        view! { <HerePanel st=st here=here.clone() /> }.into_any()
    }
}

#[component]
pub(super) fn PlacePanel(d: PlaceDetail, st: MapState, can_route: bool, has_here: bool) -> impl IntoView {
    let nav = use_context::<Navigate>();
    let id = d.place.id.clone();
    let id_for_here = id.clone();
    let session_link = move |card: elements_protocol::app::SessionCard, label: String| {
        let sid = card.id.clone();
        view! {
            <button class="place-session" data-testid="place-session" on:click=move |_| {
                if let Some(n) = nav {
                    n.follow(&format!("session:{sid}"));
                }
            }>
                <span class="place-when">{label}" · "{card.starts.clone()}"–"{card.ends.clone()}</span>
                <strong>{card.title.clone()}</strong>
                {(!card.speakers.is_empty()).then(|| view! { <span class="muted">{card.speakers.clone()}</span> })}
            </button>
        }
    };
    view! {
        <div class="place-panel" data-testid="place-detail" data-place=d.place.id.clone()>
            <div class="place-head">
                <span class=format!("hit-icon kind-{}", kind_name(d.place.kind))>
                    <svg viewBox="0 0 24 24" aria-hidden="true">{kind_icon(d.place.kind)}</svg>
                </span>
                <div>
                    <h2 data-testid="place-name">{d.place.name.clone()}</h2>
                    <p class="muted">{kind_label(d.place.kind)}" · "{d.floor.clone()}</p>
                </div>
                <button class="link close" aria-label=move || t!("map-close") on:click=move |_| st.selected.set(None)>"✕"</button>
            </div>
            {d.exhibitor.clone().map(|e| view! { <p class="place-exhibitor"><span class="muted">{t!("map-place-exhibitor")}</span>" "<strong>{e}</strong></p> })}
            {(!d.description.is_empty()).then(|| view! { <p>{d.description.clone()}</p> })}
            {d.now.clone().map(|c| session_link(c, t!("map-place-now")))}
            {d.next.clone().map(|c| session_link(c, t!("map-place-next")))}
            {d.visited.then(|| view! { <p class="checked-in" data-testid="booth-visited">{t!("map-booth-visited")}</p> })}
            {d.can_visit.then(|| {
                let id = d.place.id.clone();
                let refused = RwSignal::new(None::<ApiError>);
                view! {
                    <button class="secondary" data-testid="visit-booth" on:click=move |_| {
                        let args = PlaceArgs { id: id.clone() };
                        spawn_local(async move {
                            match invoke::<VisitBooth>(&args).await {
                                // The quests (a booth trail) and this panel catch up.
                                Ok(_) => crate::api::notify(Changed::Element(ElementKind::Quests)),
                                Err(e) => refused.set(Some(e)),
                            }
                        });
                    }>{t!("map-booth-visit")}</button>
                    {move || refused.get().map(|e| view! {
                        <p class="refusal" role="alert">{error_sentence(e.code.as_str(), e.reason)}" "<span class="muted">{e.message}</span></p>
                    })}
                }
            })}
            {(!d.checkpoints.is_empty()).then(|| view! {
                <ul class="place-checkpoints">
                    {d.checkpoints.iter().map(|c| view! {
                        <li class:done=c.done>
                            {if c.done { "✓ " } else { "◦ " }}
                            {t!("map-place-checkpoint", quest = c.quest.clone(), checkpoint = c.checkpoint.clone())}
                        </li>
                    }).collect_view()}
                </ul>
            })}
            <div class="place-actions">
                {can_route.then(|| {
                    let id = id.clone();
                    view! {
                        <button class="primary" data-testid="route-here" on:click=move |_| {
                            st.route_to.set(Some(id.clone()));
                            st.route_from.set(None);
                            if has_here {
                                ask_route(st);
                            } else {
                                st.route.set(None);
                            }
                        }>{t!("map-place-route")}</button>
                    }
                })}
                <button class="secondary" data-testid="place-set-here" on:click=move |_| {
                    set_here(st, HereArgs::Place { id: id_for_here.clone() });
                }>{t!("map-place-here")}</button>
            </div>
            <p class="place-link muted" data-testid="place-link" title=d.link.clone()>{t!("map-place-link")}" "<code>{d.link.clone()}</code></p>
        </div>
    }
}

#[component]
pub(super) fn RoutePanel(st: MapState, map: StoredValue<MapView>, has_here: bool) -> impl IntoView {
    let places = map.with_value(|m| m.places.clone());
    let name_of = move |id: &str| places.iter().find(|p| p.id == id).map(|p| p.name.clone()).unwrap_or_default();
    let to_name = name_of(&st.route_to.get_untracked().unwrap_or_default());
    let close = move |_| {
        st.route_to.set(None);
        st.route.set(None);
    };
    view! {
        <div class="route-panel" data-testid="route-panel">
            <div class="place-head">
                <div>
                    <h2>{t!("map-route-title", place = to_name.clone())}</h2>
                    <p class="muted">{move || match st.route_from.get() {
                        None => t!("map-route-from-here"),
                        Some(id) => t!("map-route-from", place = name_of(&id)),
                    }}</p>
                </div>
                <button class="link close" data-testid="route-close" aria-label=move || t!("map-close") on:click=close>"✕"</button>
            </div>
            <label class="toggle" data-testid="step-free">
                <input type="checkbox" data-testid="step-free-toggle" prop:checked=move || st.step_free.get()
                    on:change=move |ev| {
                        st.step_free.set(event_target_checked(&ev));
                        ask_route(st);
                    } />
                <span>{t!("map-step-free")}</span>
            </label>
            {move || if st.route_from.get().is_none() && !has_here {
                view! { <p class="map-note" data-testid="route-needs-here">{t!("map-here-none")}</p> }.into_any()
            } else {
                match st.route.get() {
                    None => view! { <p class="loading">{t!("loading")}</p> }.into_any(),
                    Some(Err(e)) => view! { <p class="refusal" role="alert">{error_sentence(e.code.as_str(), e.reason)}" "<span class="muted">{e.message}</span></p> }.into_any(),
                    Some(Ok(r)) => route_view(r, to_name.clone()).into_any(),
                }
            }}
        </div>
    }
}

pub(super) fn route_view(r: RouteView, to: String) -> impl IntoView {
    if let Some(problem) = r.problem {
        let text = match problem {
            RouteProblem::NotStepFree => t!("map-route-not-step-free"),
            RouteProblem::NoWay => t!("map-route-no-way"),
        };
        return view! { <p class="refusal" role="alert" data-testid="route-problem" data-problem=format!("{problem:?}")>{text}</p> }.into_any();
    }
    view! {
        <p class="route-total" data-testid="route-total" data-meters=r.meters data-minutes=r.minutes>
            {t!("map-route-total", m = r.meters, min = r.minutes)}
        </p>
        <ol class="route-steps" data-testid="route-steps">
            {r.steps.iter().map(|s| view! {
                <li data-how=format!("{:?}", s.how).to_lowercase()><span class="step-icon" aria-hidden="true">{step_glyph(s)}</span>{step_text(s)}</li>
            }).collect_view()}
            <li data-how="arrive"><span class="step-icon" aria-hidden="true">"◎"</span>{t!("map-step-arrive", place = to)}</li>
        </ol>
    }
    .into_any()
}

pub(super) fn step_glyph(s: &RouteStep) -> &'static str {
    match s.how {
        StepHow::Walk => "→",
        StepHow::Lift => "⇅",
        StepHow::Stairs | StepHow::Escalator | StepHow::Ramp if s.up => "↗",
        _ => "↘",
    }
}

pub(super) fn step_text(s: &RouteStep) -> String {
    let floor = s.floor.clone();
    let base = match (s.how, s.up) {
        (StepHow::Walk, _) => t!("map-step-walk", m = s.meters),
        (StepHow::Lift, true) => t!("map-step-lift-up", floor = floor),
        (StepHow::Lift, false) => t!("map-step-lift-down", floor = floor),
        (StepHow::Stairs, true) => t!("map-step-stairs-up", floor = floor),
        (StepHow::Stairs, false) => t!("map-step-stairs-down", floor = floor),
        (StepHow::Escalator, true) => t!("map-step-escalator-up", floor = floor),
        (StepHow::Escalator, false) => t!("map-step-escalator-down", floor = floor),
        (StepHow::Ramp, true) => t!("map-step-ramp-up", floor = floor),
        (StepHow::Ramp, false) => t!("map-step-ramp-down", floor = floor),
    };
    match s.then {
        None => base,
        Some(TurnHow::Left) => t!("map-then-left", step = base),
        Some(TurnHow::Right) => t!("map-then-right", step = base),
        Some(TurnHow::Back) => t!("map-then-back", step = base),
    }
}

/// Where the person is, and the ways to say so: a location code (photo or typed), or a tap.
#[component]
pub(super) fn HerePanel(st: MapState, here: Option<elements_protocol::app::HereView>) -> impl IntoView {
    let scan = move |args: LocationArgs| {
        spawn_local(async move {
            let answer = invoke::<ScanLocation>(&args).await;
            if answer.is_ok() {
                st.here_code.set(String::new());
            }
            st.here_result.set(Some(answer.map(|_| ())));
            st.here_answers.update(|n| *n += 1);
        });
    };
    let photo = move |ev: leptos::ev::Event| {
        let Some(file) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0))
        else {
            return;
        };
        spawn_local(async move {
            let Ok(buffer) = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await else { return };
            scan(LocationArgs { text: None, image: Some(js_sys::Uint8Array::new(&buffer).to_vec()) });
        });
    };
    let fixed = here.as_ref().is_some_and(|h| h.source == HereSource::Fixed);
    view! {
        <div class="here-panel" data-testid="here-panel">
            {match &here {
                Some(h) => view! {
                    <p class="here-now" data-testid="here-now" data-source=source_name(h.source)>
                        <span class="here-dot-inline" aria-hidden="true"></span>
                        {match &h.place {
                            Some(p) => t!("map-here-at", place = p.name.clone()),
                            None => t!("map-here"),
                        }}
                    </p>
                }.into_any(),
                None => view! { <p class="map-note" data-testid="here-none">{t!("map-here-none")}</p> }.into_any(),
            }}
            {(!fixed).then(|| view! {
                <div class="here-actions">
                    <label class="scan-button">
                        <input type="file" accept="image/*" capture="environment" data-testid="location-photo" on:change=photo />
                        <span>{t!("map-here-scan")}</span>
                    </label>
                    <button class="secondary" data-testid="pick-here" on:click=move |_| st.picking_here.set(true)>{t!("map-here-pick")}</button>
                </div>
                <form class="scan-row" on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    scan(LocationArgs { text: Some(st.here_code.get_untracked()), image: None });
                }>
                    <input type="text" data-testid="location-code" autocomplete="off" spellcheck="false"
                        placeholder=move || t!("map-here-code") aria-label=move || t!("map-here-code")
                        prop:value=move || st.here_code.get() on:input=move |ev| st.here_code.set(event_target_value(&ev)) />
                    <button class="secondary" type="submit" disabled=move || st.here_code.get().trim().is_empty()>{t!("map-here-check")}</button>
                </form>
            })}
            {move || st.here_result.get().map(|r| match r {
                Ok(()) => view! { <p class="scan-found" role="status" data-testid="here-result" data-status="set" data-answer=st.here_answers.get_untracked()>{t!("map-here-set")}</p> }.into_any(),
                Err(e) => view! {
                    <p class="refusal" role="alert" data-testid="here-result" data-status="refused" data-answer=st.here_answers.get_untracked()
                        data-reason=e.reason.map(|r| r.as_str()).unwrap_or(e.code.as_str())>
                        {error_sentence(e.code.as_str(), e.reason)}" "<span class="muted">{e.message}</span>
                    </p>
                }.into_any(),
            })}
            <p class="muted map-help">{t!("map-help")}</p>
        </div>
    }
}

pub(super) fn source_name(s: HereSource) -> &'static str {
    match s {
        HereSource::Code => "code",
        HereSource::Chosen => "chosen",
        HereSource::Fixed => "fixed",
    }
}
