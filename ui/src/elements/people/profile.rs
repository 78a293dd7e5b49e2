//! My profile: each field with who sees it, my photo, being in the directory.

use super::*;

pub(super) fn tags_text(v: &[String]) -> String {
    v.join(", ")
}

pub(super) fn tags_from(s: &str) -> Vec<String> {
    s.split(',').map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect()
}

pub(super) fn visibility_select(field: &'static str, value: RwSignal<Visibility>) -> impl IntoView {
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
pub(super) struct Field {
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

pub(super) fn field_row(name: &'static str, f: Field, multi: bool) -> impl IntoView {
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
pub(super) fn ProfilePane() -> impl IntoView {
    let me = load::<GetMyProfile>(|| NoArgs {}).refresh_on(Changed::Element(ElementKind::People));
    // Outside the form, which is drawn again with every answer: what was said stays said.
    let said = RwSignal::new(None::<Result<String, String>>);
    move || show_loading(me.state.get(), move |v| view! { <ProfileForm view=v me said /> }.into_any())
}

#[component]
pub(super) fn ProfileForm(
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
            <p class="muted" data-testid="privacy-counted">{t!("people-privacy-counted")}</p>
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
