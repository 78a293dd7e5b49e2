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
use crate::t;
use crate::widgets::{error_sentence, show_loading, ErrorPanel};

mod badge;
mod directory;
mod person;
mod profile;

use badge::*;
use directory::*;
use person::*;
use profile::*;

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
