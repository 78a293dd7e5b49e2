//! One person: what they show me, my note and tags, meetings and messages.

use super::*;

/// One meeting with what I can do about it; `proposal` is the time and place picked in the
/// "ask to meet" form, offered instead ("move").
pub(super) fn meeting_row(
    m: MeetingCard,
    answer: impl Fn(String, MeetingReply) + Copy + Send + Sync + 'static,
    proposal: Option<(RwSignal<String>, RwSignal<String>)>,
) -> impl IntoView {
    let status = match m.status {
        MeetingStatus::Proposed if m.mine_to_answer => t!("people-meeting-asks-you", name = m.with.clone()),
        MeetingStatus::Proposed => t!("people-meeting-asked", name = m.with.clone()),
        MeetingStatus::Accepted => t!("people-meeting-accepted"),
        MeetingStatus::Declined => t!("people-meeting-declined"),
        MeetingStatus::Cancelled => t!("people-meeting-cancelled"),
    };
    let open = matches!(m.status, MeetingStatus::Proposed | MeetingStatus::Accepted);
    let id = m.id.clone();
    view! {
        <li class="meeting" data-testid="meeting" data-status=format!("{:?}", m.status).to_lowercase()>
            <p class="meeting-when"><strong>{i18n::short_date(&m.date)}" · "{m.start.clone()}"–"{m.end.clone()}</strong></p>
            <p class="meeting-where">{m.place.clone()}</p>
            {(!m.note.is_empty()).then(|| view! { <p class="muted">{m.note.clone()}</p> })}
            <p class="meeting-status">{status}
                {m.waiting.then(|| view! { <span class="waiting">" · "{t!("people-waiting")}</span> })}</p>
            <div class="card-actions">
                {m.mine_to_answer.then(|| {
                    let (a, d) = (id.clone(), id.clone());
                    view! {
                        <button class="primary" data-testid="meeting-accept" on:click=move |_| answer(a.clone(), MeetingReply::Accept)>{t!("people-accept")}</button>
                        <button class="secondary" data-testid="meeting-decline" on:click=move |_| answer(d.clone(), MeetingReply::Decline)>{t!("people-decline")}</button>
                    }
                })}
                {proposal.filter(|_| open).map(|(slot, place)| {
                    let mv = id.clone();
                    view! {
                        <button class="link" data-testid="meeting-move"
                            on:click=move |_| answer(mv.clone(), MeetingReply::Move {
                                starts_at: slot.get_untracked(),
                                minutes: 30,
                                place_id: place.get_untracked(),
                            })>
                            {t!("people-move-meeting")}
                        </button>
                    }
                })}
                {(open && !m.mine_to_answer).then(|| {
                    let c = id.clone();
                    view! { <button class="link" data-testid="meeting-cancel" on:click=move |_| answer(c.clone(), MeetingReply::Cancel)>{t!("people-cancel-meeting")}</button> }
                })}
            </div>
        </li>
    }
}

#[component]
pub(super) fn PersonPanel(id: String, selected: RwSignal<Option<String>>) -> impl IntoView {
    let profile_id = id.clone();
    let person = load_later::<GetPerson>(move || PersonArgs { profile_id: profile_id.clone() })
        .refresh_on(Changed::Element(ElementKind::People));
    person.refresh();
    let close = move |_| selected.set(None);
    let said = RwSignal::new(None::<String>);
    let set = move |r: Result<PersonView, elements_protocol::app::ApiError>| match r {
        Ok(v) => {
            said.set(None);
            person.state.set(Some(Ok(v)));
        }
        Err(e) => said.set(Some(problem_of(&e))),
    };
    let answer = move |meeting_id: String, answer: MeetingReply| {
        spawn_local(async move {
            set(invoke::<elements_protocol::app::AnswerMeeting>(&MeetingAnswerArgs { meeting_id, answer }).await)
        });
    };
    view! {
        <div class="detail person" tabindex="-1" data-testid="person-panel">
            <button class="back" data-testid="person-back" on:click=close>
                {crate::icons::back_icon()} <span>{move || t!("element-people")}</span>
            </button>
            {move || person.state.get().map(|r| match r {
                Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                Ok(v) => person_view(v, said, set, answer).into_any(),
            })}
        </div>
    }
}

pub(super) fn person_view(
    v: PersonView,
    said: RwSignal<Option<String>>,
    set: impl Fn(Result<PersonView, elements_protocol::app::ApiError>) + Copy + Send + Sync + 'static,
    answer: impl Fn(String, MeetingReply) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let c = v.card.clone();
    let id = c.profile_id.clone();
    let line = [c.role.clone(), c.organization.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · ");
    let note = RwSignal::new(v.note.clone());
    let tags = RwSignal::new(v.tags.join(", "));
    let message = RwSignal::new(String::new());
    let slot = RwSignal::new(v.free_slots.first().map(|s| s.starts_at.clone()).unwrap_or_default());
    let place = RwSignal::new(v.places.first().map(|p| p.id.clone()).unwrap_or_default());
    let meet_note = RwSignal::new(String::new());
    let save_note = {
        let id = id.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let args = ContactNoteArgs {
                profile_id: id.clone(),
                note: note.get_untracked(),
                tags: tags_from(&tags.get_untracked()),
            };
            spawn_local(async move { set(invoke::<SaveContactNote>(&args).await) });
        }
    };
    let send = {
        let id = id.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let args = MessageArgs { to: id.clone(), text: message.get_untracked() };
            message.set(String::new());
            spawn_local(async move { set(invoke::<SendMessage>(&args).await) });
        }
    };
    let ask = {
        let id = id.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let args = MeetingRequestArgs {
                with: id.clone(),
                starts_at: slot.get_untracked(),
                minutes: 30,
                place_id: place.get_untracked(),
                note: meet_note.get_untracked(),
            };
            spawn_local(async move { set(invoke::<elements_protocol::app::RequestMeeting>(&args).await) });
        }
    };
    let chips = |title: String, list: Vec<String>, testid: &'static str| {
        (!list.is_empty()).then(|| view! {
            <h3 class="detail-subtitle">{title}</h3>
            <ul class="tags" data-testid=testid>{list.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}</ul>
        })
    };
    view! {
        <div class="person-head">
            {avatar(c.photo.clone(), &c.name)}
            <div>
                <h2 class="detail-title" data-testid="person-name">{c.name.clone()}</h2>
                {(!line.is_empty()).then(|| view! { <p class="person-line">{line}</p> })}
                {v.met_at.clone().map(|m| view! { <p class="muted" data-testid="met-at">{t!("people-met", when = i18n::short_date_time(&m))}</p> })}
            </div>
        </div>
        {move || said.get().map(|p| view! { <p class="form-error" role="alert" data-testid="person-problem">{p}</p> })}
        {chips(t!("people-field-interests"), c.interests.clone(), "person-interests")}
        {chips(t!("people-field-looking_for"), v.looking_for.clone(), "person-looking")}
        {chips(t!("people-field-offers"), v.offers.clone(), "person-offers")}
        {(!v.links.is_empty()).then(|| view! {
            <h3 class="detail-subtitle">{t!("people-field-links")}</h3>
            <ul class="person-links">{v.links.iter().map(|l| view! { <li>{l.clone()}</li> }).collect_view()}</ul>
        })}
        {c.contact.then(|| view! {
            <form class="person-note-form" data-testid="note-form" on:submit=save_note>
                <h3 class="detail-subtitle">{t!("people-my-note")}</h3>
                <textarea data-testid="note" rows="3" aria-label=t!("people-my-note")
                    prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                <input type="text" data-testid="note-tags" aria-label=t!("people-my-tags") placeholder=t!("people-my-tags")
                    prop:value=move || tags.get() on:input=move |ev| tags.set(event_target_value(&ev)) />
                <button class="secondary" type="submit" data-testid="note-save">{t!("people-save-note")}</button>
            </form>
        })}
        <h3 class="detail-subtitle">{t!("people-meetings")}</h3>
        {v.meetings.is_empty().then(|| view! { <p class="muted">{t!("people-no-meetings")}</p> })}
        <ul class="meetings" data-testid="meetings">
            {v.meetings.clone().into_iter().map(|m| {
                let proposal = (v.can_meet && !v.free_slots.is_empty()).then_some((slot, place));
                meeting_row(m, answer, proposal)
            }).collect_view()}
        </ul>
        {v.can_meet.then(|| view! {
            <form class="meet-form" data-testid="meet-form" on:submit=ask>
                <h3 class="detail-subtitle">{t!("people-ask-meet")}</h3>
                <div class="meet-row">
                    <select data-testid="meet-slot" aria-label=t!("people-meet-time")
                        on:change=move |ev| slot.set(event_target_value(&ev))>
                        {v.free_slots.iter().map(|s| view! {
                            <option value=s.starts_at.clone()>{format!("{} · {}", i18n::short_date(&s.date), s.time)}</option>
                        }).collect_view()}
                    </select>
                    <select data-testid="meet-place" aria-label=t!("people-meet-place")
                        on:change=move |ev| place.set(event_target_value(&ev))>
                        {v.places.iter().map(|p| view! { <option value=p.id.clone()>{p.name.clone()}</option> }).collect_view()}
                    </select>
                </div>
                <input type="text" data-testid="meet-note" placeholder=t!("people-meet-note") aria-label=t!("people-meet-note")
                    prop:value=move || meet_note.get() on:input=move |ev| meet_note.set(event_target_value(&ev)) />
                <p class="muted">{t!("people-meet-free")}</p>
                <button class="primary" type="submit" data-testid="meet-ask" disabled=v.free_slots.is_empty()>{t!("people-meet-send")}</button>
            </form>
        })}
        {(v.can_message || !v.messages.is_empty()).then(|| view! {
            <h3 class="detail-subtitle">{t!("people-messages")}</h3>
            <ul class="messages" data-testid="messages">
                {v.messages.iter().map(|m| view! {
                    <li class="message" class:mine=m.mine class:waiting=m.waiting>
                        <span class="message-text">{m.text.clone()}</span>
                        <span class="message-at">{i18n::short_date_time(&m.at)}{m.waiting.then(|| format!(" · {}", t!("people-waiting")))}</span>
                    </li>
                }).collect_view()}
            </ul>
        })}
        {v.can_message.then(|| view! {
            <form class="message-form" data-testid="message-form" on:submit=send>
                <input type="text" data-testid="message-text" maxlength="1000" aria-label=t!("people-message")
                    placeholder=t!("people-message")
                    prop:value=move || message.get() on:input=move |ev| message.set(event_target_value(&ev)) />
                <button class="primary" type="submit" data-testid="message-send" disabled=move || message.get().trim().is_empty()>{t!("people-send")}</button>
            </form>
        })}
        {(!c.contact).then(|| view! { <p class="muted">{t!("people-not-contact-help")}</p> })}
    }
}
