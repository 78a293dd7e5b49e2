//! Finding people: the directory, my contacts, and people suggested to meet.

use super::*;

#[component]
pub(super) fn DirectoryPane(selected: RwSignal<Option<String>>) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let interest = RwSignal::new(None::<String>);
    let found = load::<SearchPeople>(move || PeopleSearchArgs {
        query: query.get_untracked(),
        interest: interest.get_untracked(),
    })
    .refresh_on(Changed::Element(ElementKind::People));
    view! {
        <div class="people-directory">
            <div class="search people-search">
                <input type="search" data-testid="people-search" aria-label=move || t!("people-search")
                    placeholder=move || t!("people-search")
                    prop:value=move || query.get()
                    on:input=move |ev| { query.set(event_target_value(&ev)); found.refresh(); } />
            </div>
            {move || show_loading(found.state.get(), move |d| {
                let picked = interest.get_untracked();
                view! {
                    <div>
                        {offline_note(d.offline)}
                        {(!d.interests.is_empty()).then(|| view! {
                            <div class="chips interest-chips" role="group" aria-label=t!("people-interests")>
                                {d.interests.iter().take(14).cloned().map(|tag| {
                                    let on = picked.as_deref() == Some(tag.key.as_str());
                                    let key = tag.key.clone();
                                    view! {
                                        <button class="chip" class:active=on aria-pressed=on.to_string() data-testid="interest"
                                            on:click=move |_| {
                                                interest.set(if on { None } else { Some(key.clone()) });
                                                found.refresh();
                                            }>
                                            {format!("{} · {}", tag.tag, tag.count)}
                                        </button>
                                    }
                                }).collect_view()}
                            </div>
                        })}
                        <p class="muted people-count" data-testid="people-count">{t!("people-found", n = d.total)}</p>
                        <ul class="person-list" data-testid="directory">
                            {d.people.into_iter().map(|p| person_row(p, selected, None)).collect_view()}
                        </ul>
                    </div>
                }.into_any()
            })}
        </div>
    }
}

#[component]
pub(super) fn ContactsPane(selected: RwSignal<Option<String>>) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let contacts = load::<GetContacts>(move || SearchArgs { query: query.get_untracked() })
        .refresh_on(Changed::Element(ElementKind::People));
    let exported = RwSignal::new(None::<Result<String, String>>);
    let export = move |_| {
        spawn_local(async move {
            exported.set(Some(match invoke::<ExportContacts>(&NoArgs {}).await {
                Ok(f) => Ok(t!("people-exported", n = f.items, path = f.path)),
                Err(e) => Err(problem_of(&e)),
            }));
        });
    };
    view! {
        <div class="people-contacts">
            <div class="toolbar">
                <div class="search people-search">
                    <input type="search" data-testid="contacts-search" aria-label=move || t!("people-contacts-search")
                        placeholder=move || t!("people-contacts-search")
                        prop:value=move || query.get()
                        on:input=move |ev| { query.set(event_target_value(&ev)); contacts.refresh(); } />
                </div>
                <button class="secondary" data-testid="export-vcard" on:click=export>{move || t!("people-export-vcard")}</button>
            </div>
            {move || exported.get().map(|r| match r {
                Ok(m) => view! { <p class="muted exported" data-testid="vcard-exported">{m}</p> }.into_any(),
                Err(p) => view! { <p class="form-error" role="alert">{p}</p> }.into_any(),
            })}
            {move || show_loading(contacts.state.get(), move |c| {
                let empty = c.contacts.is_empty();
                view! {
                    <div>
                        {offline_note(c.offline)}
                        {empty.then(|| view! { <p class="muted" data-testid="no-contacts">{t!("people-no-contacts")}</p> })}
                        <ul class="person-list" data-testid="contacts">
                            {c.contacts.into_iter().map(|c| {
                                let unread = c.unread;
                                let extra = (!c.tags.is_empty() || !c.note.is_empty() || unread > 0).then(|| view! {
                                    <span class="person-note">
                                        {(unread > 0).then(|| view! { <span class="unread" data-testid="unread">{t!("people-unread", n = unread)}</span> })}
                                        {c.tags.iter().map(|t| format!("#{t}")).collect::<Vec<_>>().join(" ")}
                                        {(!c.note.is_empty()).then(|| format!(" {}", c.note))}
                                    </span>
                                }.into_any());
                                person_row(c.card, selected, extra)
                            }).collect_view()}
                        </ul>
                    </div>
                }.into_any()
            })}
        </div>
    }
}

#[component]
pub(super) fn SuggestionsPane(selected: RwSignal<Option<String>>) -> impl IntoView {
    let found = load::<GetSuggestions>(|| NoArgs {}).refresh_on(Changed::Element(ElementKind::People));
    move || {
        show_loading(found.state.get(), move |list| {
            if list.is_empty() {
                return view! { <p class="panel muted" data-testid="no-suggestions">{t!("people-no-suggestions")}</p> }
                    .into_any();
            }
            view! {
                <ul class="person-list" data-testid="suggestions">
                    {list.into_iter().map(|s| {
                        let why = view! {
                            <span class="person-why">
                                {s.reasons.iter().map(reason_text).collect::<Vec<_>>().join(" · ")}
                            </span>
                        }.into_any();
                        person_row(s.card, selected, Some(why))
                    }).collect_view()}
                </ul>
            }
            .into_any()
        })
    }
}

pub(super) fn reason_text(r: &SuggestionReason) -> String {
    match r {
        SuggestionReason::SharedInterests { tags } => t!("people-why-interests", tags = tags.join(", ")),
        SuggestionReason::TheyOffer { tags } => t!("people-why-offer", tags = tags.join(", ")),
        SuggestionReason::TheyLookFor { tags } => t!("people-why-look", tags = tags.join(", ")),
        SuggestionReason::SameSessions { titles } => {
            t!("people-why-sessions", n = titles.len(), titles = titles.join("; "))
        }
    }
}
