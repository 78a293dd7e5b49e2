//! The people Element: my badge (to be scanned) and scanning others', my profile with who sees
//! each field, the directory, my contacts, suggestions, and one person with our meetings and
//! messages. Phones show one pane at a time; from 720 px the person opens beside the list.

use elements_protocol::app::{
    BadgeArgs, Changed, ContactNoteArgs, ContactsView, ExchangeBadge, ExportContacts, ExportMyData, ForgetMe,
    ForgetState, GetContacts, GetMyProfile, GetPerson, GetSuggestions, MeetingAnswerArgs, MeetingCard, MeetingReply,
    MeetingRequestArgs, MeetingStatus, MessageArgs, MyProfile, MyProfileView, NoArgs, OfflineReason, PeopleSearchArgs,
    PersonArgs, PersonCard, PersonView, Publication, SaveContactNote, SaveMyProfile, ScanArgs, SearchArgs,
    SearchPeople, SendMessage, SetMyPhoto, Shared, SuggestionReason, Visibility,
};
use elements_protocol::event::ElementKind;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{invoke, load, load_later};
use crate::i18n;
use crate::shell::{error_sentence, show_loading, ErrorPanel};
use crate::t;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Pane {
    Badge,
    Directory,
    Contacts,
    Suggestions,
    Profile,
}

impl Pane {
    const ALL: [Pane; 5] = [Pane::Badge, Pane::Directory, Pane::Contacts, Pane::Suggestions, Pane::Profile];

    fn key(self) -> &'static str {
        match self {
            Pane::Badge => "badge",
            Pane::Directory => "directory",
            Pane::Contacts => "contacts",
            Pane::Suggestions => "suggestions",
            Pane::Profile => "profile",
        }
    }
}

fn problem_of(e: &elements_protocol::app::ApiError) -> String {
    format!("{} {}", error_sentence(e.code.as_str(), e.reason), e.message)
}

#[component]
pub fn People() -> impl IntoView {
    let pane = RwSignal::new(Pane::Badge);
    let selected = RwSignal::new(None::<String>);
    view! {
        <section class="people" class:has-detail=move || selected.get().is_some() data-testid="element-people">
            <div class="people-main">
                <div class="segmented people-tabs" role="tablist">
                    {Pane::ALL.into_iter().map(|p| view! {
                        <button
                            role="tab"
                            class:active=move || pane.get() == p
                            aria-selected=move || (pane.get() == p).to_string()
                            data-testid=format!("people-tab-{}", p.key())
                            on:click=move |_| pane.set(p)
                        >
                            {move || i18n::text(&format!("people-tab-{}", p.key()), &[])}
                        </button>
                    }).collect_view()}
                </div>
                {move || match pane.get() {
                    Pane::Badge => view! { <BadgePane selected /> }.into_any(),
                    Pane::Directory => view! { <DirectoryPane selected /> }.into_any(),
                    Pane::Contacts => view! { <ContactsPane selected /> }.into_any(),
                    Pane::Suggestions => view! { <SuggestionsPane selected /> }.into_any(),
                    Pane::Profile => view! { <ProfilePane /> }.into_any(),
                }}
            </div>
            <aside class="detail-pane person-pane" aria-live="polite">
                {move || selected.get().map(|id| view! { <PersonPanel id selected /> })}
            </aside>
        </section>
    }
}

fn initials(name: &str) -> String {
    name.split_whitespace().filter_map(|w| w.chars().next()).take(2).collect::<String>().to_uppercase()
}

fn avatar(photo: Option<String>, name: &str) -> AnyView {
    match photo {
        Some(p) => view! { <img class="avatar photo" alt="" src=format!("data:image/jpeg;base64,{p}") /> }.into_any(),
        None => view! { <span class="avatar" aria-hidden="true">{initials(name)}</span> }.into_any(),
    }
}

fn person_row(card: PersonCard, selected: RwSignal<Option<String>>, extra: Option<AnyView>) -> impl IntoView {
    let id = card.profile_id.clone();
    let line = [card.role.clone(), card.organization.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · ");
    let contact = card.contact;
    let name = card.name.clone();
    view! {
        <li>
            <button class="person-row" data-testid="person" data-id=id.clone()
                class:selected=move || selected.get().as_deref() == Some(id.as_str())
                on:click={
                    let id = card.profile_id.clone();
                    move |_| selected.set(Some(id.clone()))
                }>
                {avatar(card.photo.clone(), &name)}
                <span class="person-text">
                    <span class="person-name">{name.clone()}
                        {contact.then(|| view! { <span class="contact-mark" title=move || t!("people-is-contact")>"✓"</span> })}
                    </span>
                    {(!line.is_empty()).then(|| view! { <span class="person-line">{line}</span> })}
                    {(!card.interests.is_empty()).then(|| view! {
                        <span class="person-tags">{card.interests.iter().take(4).cloned().collect::<Vec<_>>().join(" · ")}</span>
                    })}
                    {extra}
                </span>
            </button>
        </li>
    }
}

fn offline_note(reason: Option<OfflineReason>) -> Option<AnyView> {
    reason.map(|r| {
        let text = match r {
            OfflineReason::DemoEvent => t!("people-offline-demo"),
            OfflineReason::NoCode => t!("people-offline-no-code"),
            OfflineReason::VenueScreen => t!("people-offline-venue"),
        };
        view! { <p class="notice people-offline" data-testid="people-offline"><span>{text}</span></p> }.into_any()
    })
}

/// My badge, large, and scanning someone else's (a photo, or the code typed).
#[component]
fn BadgePane(selected: RwSignal<Option<String>>) -> impl IntoView {
    let me = load::<GetMyProfile>(|| NoArgs {}).refresh_on(Changed::Element(ElementKind::People));
    let contacts =
        load::<GetContacts>(|| SearchArgs { query: String::new() }).refresh_on(Changed::Element(ElementKind::People));
    let code = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let answer = RwSignal::new(None::<Result<String, String>>);
    let exchange = move |args: BadgeArgs| {
        busy.set(true);
        answer.set(None);
        spawn_local(async move {
            match invoke::<ExchangeBadge>(&args).await {
                Ok(view) => {
                    let who = view.pending.last().and_then(|p| p.name.clone()).unwrap_or_default();
                    contacts.state.set(Some(Ok(view)));
                    code.set(String::new());
                    answer.set(Some(Ok(who)));
                    crate::api::notify(Changed::Element(ElementKind::People));
                }
                Err(e) => answer.set(Some(Err(problem_of(&e)))),
            }
            busy.set(false);
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        exchange(BadgeArgs { code: code.get_untracked(), image: None });
    };
    let photo = move |ev: leptos::ev::Event| {
        let Some(reading) = crate::api::picked_file(&ev) else { return };
        spawn_local(async move {
            if let Some(image) = reading.await {
                exchange(BadgeArgs { code: String::new(), image: Some(image) });
            }
        });
    };
    view! {
        <div class="people-badge">
            {move || show_loading(me.state.get(), move |v: MyProfileView| {
                let offline = offline_note(v.offline);
                match v.badge {
                    Some(b) => view! {
                        <div class="panel badge-card" data-testid="my-badge">
                            <h2>{t!("people-badge-title")}</h2>
                            <p class="muted">{t!("people-badge-help")}</p>
                            <div class="badge-qr" inner_html=b.svg.clone() role="img"
                                aria-label=t!("people-badge-qr", code = b.code.clone()) data-link=b.link.clone()></div>
                            <p class="badge-name">{v.profile.name.clone()}</p>
                            <p class="badge-code" data-testid="badge-code">{b.code.clone()}</p>
                        </div>
                    }.into_any(),
                    None => view! {
                        <div class="panel badge-card" data-testid="my-badge">
                            <h2>{t!("people-badge-title")}</h2>
                            {offline}
                            <p class="muted">{t!("people-badge-none")}</p>
                        </div>
                    }.into_any(),
                }
            })}
            <form class="panel scan-panel" data-testid="badge-scan" on:submit=submit>
                <div class="scan-head">
                    <h2>{move || t!("people-scan-title")}</h2>
                    <label class="scan-button" class:disabled=move || busy.get()>
                        <input type="file" accept="image/*" capture="environment" data-testid="badge-photo"
                            on:change=photo disabled=move || busy.get() />
                        <span>{move || t!("people-scan-photo")}</span>
                    </label>
                </div>
                <div class="scan-row">
                    <input type="text" data-testid="badge-code-input" autocomplete="off" spellcheck="false"
                        aria-label=move || t!("people-scan-code") placeholder="K7Q2-MX4P"
                        prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev)) />
                    <button class="primary" type="submit" data-testid="badge-add"
                        disabled=move || busy.get() || code.get().trim().is_empty()>{move || t!("people-scan-add")}</button>
                </div>
                {move || answer.get().map(|a| match a {
                    Ok(who) => view! {
                        <p class="scan-found" role="status" data-testid="badge-result" data-status="added">
                            {if who.is_empty() { t!("people-scan-added") } else { t!("people-scan-added-name", name = who) }}
                        </p>
                    }.into_any(),
                    Err(p) => view! { <p class="form-error" role="alert" data-testid="badge-result" data-status="refused">{p}</p> }.into_any(),
                })}
                {move || contacts.state.get().and_then(Result::ok).filter(|c| !c.pending.is_empty()).map(|c| view! {
                    <div class="pending-badges" data-testid="pending-badges">
                        <h3 class="detail-subtitle">{t!("people-pending")}</h3>
                        <ul class="tags">
                            {c.pending.into_iter().map(|p| view! { <li>{p.name.unwrap_or(p.code)}</li> }).collect_view()}
                        </ul>
                        <p class="muted">{t!("people-pending-help")}</p>
                    </div>
                })}
            </form>
            <RecentContacts contacts selected />
        </div>
    }
}

#[component]
fn RecentContacts(contacts: crate::api::Load<GetContacts>, selected: RwSignal<Option<String>>) -> impl IntoView {
    move || {
        contacts.state.get().and_then(Result::ok).filter(|c: &ContactsView| !c.contacts.is_empty()).map(|c| {
            view! {
                <div class="panel recent">
                    <h2>{t!("people-recent")}</h2>
                    <ul class="person-list">
                        {c.contacts.into_iter().take(3).map(|c| person_row(c.card, selected, None)).collect_view()}
                    </ul>
                </div>
            }
        })
    }
}

#[component]
fn DirectoryPane(selected: RwSignal<Option<String>>) -> impl IntoView {
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
fn ContactsPane(selected: RwSignal<Option<String>>) -> impl IntoView {
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
fn SuggestionsPane(selected: RwSignal<Option<String>>) -> impl IntoView {
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

fn reason_text(r: &SuggestionReason) -> String {
    match r {
        SuggestionReason::SharedInterests { tags } => t!("people-why-interests", tags = tags.join(", ")),
        SuggestionReason::TheyOffer { tags } => t!("people-why-offer", tags = tags.join(", ")),
        SuggestionReason::TheyLookFor { tags } => t!("people-why-look", tags = tags.join(", ")),
        SuggestionReason::SameSessions { titles } => {
            t!("people-why-sessions", n = titles.len(), titles = titles.join("; "))
        }
    }
}

fn tags_text(v: &[String]) -> String {
    v.join(", ")
}

fn tags_from(s: &str) -> Vec<String> {
    s.split(',').map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect()
}

fn visibility_select(field: &'static str, value: RwSignal<Visibility>) -> impl IntoView {
    view! {
        <select class="visibility" data-testid=format!("visible-{field}")
            aria-label=move || t!("people-who-sees")
            on:change=move |ev| {
                let v = match event_target_value(&ev).as_str() {
                    "everyone" => Visibility::Everyone,
                    "contacts" => Visibility::Contacts,
                    _ => Visibility::Nobody,
                };
                value.set(v);
            }>
            {Visibility::ALL.into_iter().map(|v| view! {
                <option value=v.as_str() selected=move || value.get() == v>
                    {move || i18n::text(&format!("people-visible-{}", v.as_str()), &[])}
                </option>
            }).collect_view()}
        </select>
    }
}

/// One editable field: its text (tags comma-separated) and who sees it.
#[derive(Clone, Copy)]
struct Field {
    text: RwSignal<String>,
    visible: RwSignal<Visibility>,
}

impl Field {
    fn of_text(f: &Shared<String>) -> Field {
        Field { text: RwSignal::new(f.value.clone()), visible: RwSignal::new(f.visible_to) }
    }
    fn of_tags(f: &Shared<Vec<String>>) -> Field {
        Field { text: RwSignal::new(tags_text(&f.value)), visible: RwSignal::new(f.visible_to) }
    }
    fn text(self) -> Shared<String> {
        Shared::new(self.text.get_untracked().trim().to_string(), self.visible.get_untracked())
    }
    fn tags(self) -> Shared<Vec<String>> {
        Shared::new(tags_from(&self.text.get_untracked()), self.visible.get_untracked())
    }
}

fn field_row(name: &'static str, f: Field, multi: bool) -> impl IntoView {
    view! {
        <div class="profile-field">
            <label for=format!("profile-{name}")>{move || i18n::text(&format!("people-field-{name}"), &[])}</label>
            <div class="profile-input">
                {if multi {
                    view! {
                        <input id=format!("profile-{name}") type="text" data-testid=format!("profile-{name}")
                            placeholder=move || if name == "links" { "https://…, https://…".to_string() } else { t!("people-tags-hint") }
                            prop:value=move || f.text.get() on:input=move |ev| f.text.set(event_target_value(&ev)) />
                    }.into_any()
                } else {
                    view! {
                        <input id=format!("profile-{name}") type="text" data-testid=format!("profile-{name}")
                            prop:value=move || f.text.get() on:input=move |ev| f.text.set(event_target_value(&ev)) />
                    }.into_any()
                }}
                {visibility_select(name, f.visible)}
            </div>
        </div>
    }
}

#[component]
fn ProfilePane() -> impl IntoView {
    let me = load::<GetMyProfile>(|| NoArgs {}).refresh_on(Changed::Element(ElementKind::People));
    // Outside the form, which is drawn again with every answer: what was said stays said.
    let said = RwSignal::new(None::<Result<String, String>>);
    move || show_loading(me.state.get(), move |v| view! { <ProfileForm view=v me said /> }.into_any())
}

#[component]
fn ProfileForm(
    view: MyProfileView,
    me: crate::api::Load<GetMyProfile>,
    said: RwSignal<Option<Result<String, String>>>,
) -> impl IntoView {
    let p = view.profile.clone();
    let name = RwSignal::new(p.name.clone());
    let listed = RwSignal::new(p.listed);
    let organization = Field::of_text(&p.organization);
    let role = Field::of_text(&p.role);
    let interests = Field::of_tags(&p.interests);
    let looking_for = Field::of_tags(&p.looking_for);
    let offers = Field::of_tags(&p.offers);
    let links = Field::of_tags(&p.links);
    let photo_visible = RwSignal::new(p.photo.visible_to);
    let sessions_visible = RwSignal::new(p.sessions.visible_to);
    let photo = RwSignal::new(p.photo.value.clone());
    let busy = RwSignal::new(false);
    let confirm_forget = RwSignal::new(false);
    let draft = move || MyProfile {
        name: name.get_untracked(),
        listed: listed.get_untracked(),
        organization: organization.text(),
        role: role.text(),
        interests: interests.tags(),
        looking_for: looking_for.tags(),
        offers: offers.tags(),
        links: links.tags(),
        photo: Shared::new(photo.get_untracked(), photo_visible.get_untracked()),
        sessions: Shared::new(Vec::new(), sessions_visible.get_untracked()),
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let profile = draft();
        spawn_local(async move {
            match invoke::<SaveMyProfile>(&profile).await {
                Ok(v) => {
                    said.set(Some(Ok(t!("people-saved"))));
                    me.state.set(Some(Ok(v)));
                }
                Err(e) => said.set(Some(Err(problem_of(&e)))),
            }
            busy.set(false);
        });
    };
    let pick_photo = move |ev: leptos::ev::Event| {
        let Some(reading) = crate::api::picked_file(&ev) else { return };
        busy.set(true);
        spawn_local(async move {
            if let Some(image) = reading.await {
                match invoke::<SetMyPhoto>(&ScanArgs { image }).await {
                    Ok(v) => {
                        photo.set(v.profile.photo.value.clone());
                        me.state.set(Some(Ok(v)));
                    }
                    Err(e) => said.set(Some(Err(problem_of(&e)))),
                }
            }
            busy.set(false);
        });
    };
    let export = move |_| {
        spawn_local(async move {
            said.set(Some(match invoke::<ExportMyData>(&NoArgs {}).await {
                Ok(f) => Ok(t!("people-data-exported", path = f.path)),
                Err(e) => Err(problem_of(&e)),
            }));
        });
    };
    let forget = move |_| {
        spawn_local(async move {
            match invoke::<ForgetMe>(&NoArgs {}).await {
                Ok(v) => {
                    confirm_forget.set(false);
                    me.state.set(Some(Ok(v)));
                    crate::api::notify(Changed::Element(ElementKind::Agenda));
                }
                Err(e) => said.set(Some(Err(problem_of(&e)))),
            }
        });
    };
    let status = match (view.published, view.offline) {
        (Publication::Published, _) => t!("people-status-published"),
        (Publication::Waiting, _) => t!("people-status-waiting"),
        (Publication::Draft, _) => t!("people-status-draft"),
        (Publication::Local, _) => t!("people-status-local"),
    };
    let forget_state = view.forget.map(|f| match f {
        ForgetState::Waiting => t!("people-forget-waiting"),
        ForgetState::Confirmed => t!("people-forget-confirmed"),
        ForgetState::DeviceOnly => t!("people-forget-device"),
    });
    view! {
        <form class="panel profile-form" data-testid="profile-form" on:submit=save>
            <div class="profile-head">
                {move || avatar(Some(photo.get()).filter(|p| !p.is_empty()), &name.get())}
                <div>
                    <h2>{t!("people-profile-title")}</h2>
                    <p class="muted" data-testid="profile-status">{status}</p>
                </div>
            </div>
            {offline_note(view.offline)}
            <label class="toggle" data-testid="profile-listed">
                <input type="checkbox" prop:checked=move || listed.get() on:change=move |ev| listed.set(event_target_checked(&ev)) />
                <span>{t!("people-listed")}</span>
            </label>
            <p class="muted profile-help">{t!("people-listed-help")}</p>
            <div class="profile-field">
                <label for="profile-name">{t!("people-field-name")}</label>
                <input id="profile-name" type="text" data-testid="profile-name" required
                    prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
            </div>
            {field_row("organization", organization, false)}
            {field_row("role", role, false)}
            {field_row("interests", interests, true)}
            {field_row("looking_for", looking_for, true)}
            {field_row("offers", offers, true)}
            {field_row("links", links, true)}
            <div class="profile-field">
                <span class="field-label">{t!("people-field-photo")}</span>
                <div class="profile-input">
                    <label class="scan-button" class:disabled=move || busy.get()>
                        <input type="file" accept="image/*" data-testid="profile-photo" on:change=pick_photo disabled=move || busy.get() />
                        <span>{t!("people-photo-pick")}</span>
                    </label>
                    {visibility_select("photo", photo_visible)}
                </div>
            </div>
            <div class="profile-field">
                <span class="field-label">{t!("people-field-sessions")}</span>
                <div class="profile-input">
                    <span class="muted">{t!("people-sessions-help")}</span>
                    {visibility_select("sessions", sessions_visible)}
                </div>
            </div>
            {move || said.get().map(|r| match r {
                Ok(m) => view! { <p class="scan-found" role="status" data-testid="profile-said">{m}</p> }.into_any(),
                Err(p) => view! { <p class="form-error" role="alert" data-testid="profile-said">{p}</p> }.into_any(),
            })}
            <button class="primary" type="submit" data-testid="profile-save" disabled=move || busy.get()>{t!("people-save")}</button>
        </form>
        <div class="panel privacy" data-testid="privacy">
            <h2>{t!("people-privacy-title")}</h2>
            <p class="muted">{t!("people-privacy-help")}</p>
            {forget_state.map(|s| view! { <p class="notice" data-testid="forget-state"><span>{s}</span></p> })}
            <div class="card-actions">
                <button class="secondary" type="button" data-testid="export-data" on:click=export>{t!("people-export-data")}</button>
                <button class="secondary danger" type="button" data-testid="forget" on:click=move |_| confirm_forget.set(true)>
                    {t!("people-forget")}
                </button>
            </div>
            {move || confirm_forget.get().then(|| view! {
                <div class="confirm" role="alertdialog" data-testid="forget-confirm">
                    <p>{t!("people-forget-confirm")}</p>
                    <div class="card-actions">
                        <button class="primary danger" type="button" data-testid="forget-yes" on:click=forget>{t!("people-forget-yes")}</button>
                        <button class="secondary" type="button" on:click=move |_| confirm_forget.set(false)>{t!("people-cancel")}</button>
                    </div>
                </div>
            })}
        </div>
    }
}

/// One meeting with what I can do about it; `proposal` is the time and place picked in the
/// "ask to meet" form, offered instead ("move").
fn meeting_row(
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
fn PersonPanel(id: String, selected: RwSignal<Option<String>>) -> impl IntoView {
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

fn person_view(
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
