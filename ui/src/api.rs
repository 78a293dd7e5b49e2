//! The UI's only door to the app: `invoke::<C>(&args)` for a protocol [`Command`] `C`.

use elements_protocol::app::{ApiError, Changed, Command, ErrorCode, CHANGED_EVENT};
use elements_protocol::event::ElementKind;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    // Resolved when called, so the module still loads where Tauri is absent.
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], js_name = invoke, catch)]
    async fn tauri_invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "event"], js_name = listen, catch)]
    async fn tauri_listen(event: &str, handler: &js_sys::Function) -> Result<JsValue, JsValue>;
}

/// What the core said changed, one trigger per topic: a [`Load`] that [`Load::refresh_on`] a
/// topic calls its command again when the core says so (see `elements_protocol::app::Changed`).
/// Reference-counted triggers, owned by no view: the screens come and go, the topics stay.
pub struct Changes {
    event: leptos::prelude::ArcTrigger,
    sync: leptos::prelude::ArcTrigger,
    opened: leptos::prelude::ArcTrigger,
    elements: [leptos::prelude::ArcTrigger; ElementKind::ALL.len()],
}

impl Changes {
    fn trigger(&self, what: Changed) -> leptos::prelude::ArcTrigger {
        match what {
            Changed::Event => self.event.clone(),
            Changed::Sync => self.sync.clone(),
            Changed::Opened => self.opened.clone(),
            Changed::Element(kind) => {
                let i = ElementKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
                self.elements[i].clone()
            }
        }
    }
}

thread_local! {
    static CHANGES: Changes = Changes {
        event: leptos::prelude::ArcTrigger::new(),
        sync: leptos::prelude::ArcTrigger::new(),
        opened: leptos::prelude::ArcTrigger::new(),
        elements: std::array::from_fn(|_| leptos::prelude::ArcTrigger::new()),
    };
}

/// Refreshes what listens to `what`, as if the core had said it changed (after a command whose
/// answer other parts of the screen show too).
pub fn notify(what: Changed) {
    use leptos::prelude::Notify;
    CHANGES.with(|c| c.trigger(what).notify());
}

/// Starts hearing the core's change events (once, at start-up).
pub fn listen_for_changes() {
    use leptos::prelude::Notify;
    let handler = wasm_bindgen::closure::Closure::<dyn FnMut(JsValue)>::new(|event: JsValue| {
        let payload = js_sys::Reflect::get(&event, &"payload".into()).unwrap_or(JsValue::NULL);
        if let Ok(what) = serde_wasm_bindgen::from_value::<Changed>(payload) {
            CHANGES.with(|c| c.trigger(what).notify());
        }
    });
    let function: js_sys::Function = handler.into_js_value().unchecked_into();
    leptos::task::spawn_local(async move {
        // Absent outside Tauri (a page opened in a browser): screens then load once.
        let _ = tauri_listen(CHANGED_EVENT, &function).await;
    });
}

#[derive(Serialize)]
struct Envelope<'a, A> {
    args: &'a A,
}

/// Calls command `C` in the app. Errors arrive as the app's stable `{code, message}`.
pub async fn invoke<C: Command>(args: &C::Args) -> Result<C::Output, ApiError> {
    invoke_as::<C>(args, &mut None).await
}

/// [`invoke`], also writing the answer as the app sent it (JSON) to `raw` when asked: two
/// answers with the same text are the same answer.
async fn invoke_as<C: Command>(args: &C::Args, raw: &mut Option<String>) -> Result<C::Output, ApiError> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let js_args = Envelope { args }
        .serialize(&serializer)
        .map_err(|e| ApiError::new(ErrorCode::InvalidArgument, format!("could not encode {}: {e}", C::NAME)))?;
    match tauri_invoke(C::NAME, js_args).await {
        Ok(value) => {
            if raw.is_some() {
                *raw = js_sys::JSON::stringify(&value).ok().and_then(|s| s.as_string());
            }
            serde_wasm_bindgen::from_value(value)
                .map_err(|e| ApiError::new(ErrorCode::UnknownCommand, format!("unexpected answer to {}: {e}", C::NAME)))
        }
        Err(err) => Err(serde_wasm_bindgen::from_value::<ApiError>(err.clone()).unwrap_or_else(|_| {
            let text = err.as_string().unwrap_or_else(|| format!("{err:?}"));
            ApiError::new(ErrorCode::Internal, format!("{} failed: {text}", C::NAME))
        })),
    }
}

/// Tells the app, once per launch, that `screen` is showing real content: after the next paint,
/// so the measurement includes layout and paint.
pub fn report_ready_once(screen: &'static str) {
    use std::sync::atomic::{AtomicBool, Ordering};
    static REPORTED: AtomicBool = AtomicBool::new(false);
    if REPORTED.swap(true, Ordering::Relaxed) {
        return;
    }
    // After the UI's own first screen is painted: report it, take away the one from last time
    // (it covered the UI while it started), keep this one for the next launch.
    let report = wasm_bindgen::closure::Closure::once_into_js(move || {
        take_away_first_screen();
        // The agenda's first screenful (a map's canvas would come back blank).
        if screen == "agenda" {
            keep_first_screen();
        }
        leptos::task::spawn_local(async move {
            let _ = invoke::<elements_protocol::app::ReportReady>(&elements_protocol::app::ReadyArgs {
                screen: screen.to_string(),
            })
            .await;
        });
    });
    // A frame callback runs before that frame paints; the one inside it runs after.
    let next_frame = wasm_bindgen::closure::Closure::once_into_js(move || {
        if let Some(window) = web_sys::window() {
            let _ = window.request_animation_frame(report.unchecked_ref());
        }
    });
    if let Some(window) = web_sys::window() {
        let _ = window.request_animation_frame(next_frame.unchecked_ref());
    }
}

/// The last answer to each question screens asked (a command and its arguments), so a screen
/// shown again — a tab tapped, a day picked again — paints at once from what it showed last
/// while the command runs again; the fresh answer replaces it when it arrives. Screens are
/// rebuilt on every visit; what made a revisit slow was waiting for the core, not the DOM.
/// Bounded: the oldest answers go first.
struct ShownAnswers {
    /// Question → (when kept, the answer's JSON as the app sent it, whether it is fresh). Kept
    /// as text, read again as the answer's type when shown: one non-generic store for every
    /// command. A fresh answer (the start-up's, see [`seed`]) is shown without asking again.
    answers: std::collections::HashMap<(&'static str, String), (u64, String, bool)>,
    next: u64,
}

const ANSWERS_KEPT: usize = 64;

thread_local! {
    static SHOWN: std::cell::RefCell<ShownAnswers> =
        std::cell::RefCell::new(ShownAnswers { answers: std::collections::HashMap::new(), next: 0 });
}

/// The key of a question: the command's name and its arguments as JSON.
fn question<C: Command>(args: &C::Args) -> Option<(&'static str, String)> {
    let value = args.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).ok()?;
    let text = js_sys::JSON::stringify(&value).ok()?.as_string()?;
    Some((C::NAME, text))
}

/// The answer `key` had last time, with its JSON and whether it is fresh (a fresh one is
/// taken: it is shown once without asking again, then it is an answer like any other).
fn shown_before<C: Command>(key: &(&'static str, String)) -> Option<(C::Output, String, bool)> {
    let (json, fresh) = SHOWN.with(|s| {
        let mut s = s.borrow_mut();
        let (_, json, fresh) = s.answers.get_mut(key)?;
        Some((json.clone(), std::mem::take(fresh)))
    })?;
    let value = js_sys::JSON::parse(&json).ok()?;
    Some((serde_wasm_bindgen::from_value(value).ok()?, json, fresh))
}

fn remember(key: (&'static str, String), json: String, fresh: bool) {
    SHOWN.with(|s| {
        let mut s = s.borrow_mut();
        s.next += 1;
        let n = s.next;
        s.answers.insert(key, (n, json, fresh));
        if s.answers.len() > ANSWERS_KEPT {
            if let Some(oldest) = s.answers.iter().min_by_key(|(_, (n, _, _))| *n).map(|(k, _)| k.clone()) {
                s.answers.remove(&oldest);
            }
        }
    });
}

/// Takes `answer` as the fresh answer to command `C` asked with `args`: the screen that asks it
/// first shows it without a round trip of its own (the start-up answers several at once).
pub fn seed<C: Command>(args: &C::Args, answer: &C::Output) {
    let Some(key) = question::<C>(args) else { return };
    let json = answer
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .ok()
        .and_then(|v| js_sys::JSON::stringify(&v).ok())
        .and_then(|s| s.as_string());
    if let Some(json) = json {
        remember(key, json, true);
    }
}

/// Reads everything the first screen needs in one round trip and seeds each part as the
/// answer to its own command (see [`seed`]). A failure is no error: each screen then asks.
pub async fn start() {
    use elements_protocol::app::{
        AgendaDayArgs, GetAgendaDay, GetEventOverview, GetMySchedule, GetNowNext, GetPreferences, GetStartup, NoArgs,
    };
    let Ok(s) = invoke::<GetStartup>(&NoArgs {}).await else { return };
    seed::<GetPreferences>(&NoArgs {}, &s.preferences);
    seed::<GetEventOverview>(&NoArgs {}, &s.overview);
    if let Some(a) = s.agenda {
        seed::<GetNowNext>(&NoArgs {}, &a.now_next);
        seed::<GetAgendaDay>(&AgendaDayArgs { day: a.day.day }, &a.day);
        seed::<GetMySchedule>(&NoArgs {}, &a.mine);
    }
}

/// Takes away the first screen the page showed from last time (`index.html`): the UI's own is
/// painted, or the UI shows something else (an error) in its place.
pub fn take_away_first_screen() {
    let shots = web_sys::window().and_then(|w| w.document()).and_then(|d| d.query_selector_all(".first-screen").ok());
    if let Some(shots) = shots {
        for i in 0..shots.length() {
            if let Some(shot) = shots.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) {
                shot.remove();
            }
        }
    }
}

/// The first screen as painted now, inert (no ids or test ids: nothing in it is found, focused
/// or clicked), with the page's theme and language on it, for the next launch to show while the
/// UI starts.
fn first_screen_html() -> Option<String> {
    let document = web_sys::window()?.document()?;
    let app = document.query_selector(".app").ok()??;
    let copy: web_sys::Element = app.clone_node_with_deep(true).ok()?.dyn_into().ok()?;
    let marked = copy.query_selector_all("[id], [data-testid]").ok()?;
    for i in 0..marked.length() {
        if let Some(e) = marked.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) {
            let _ = e.remove_attribute("id");
            let _ = e.remove_attribute("data-testid");
        }
    }
    let root = document.document_element()?;
    // Only the values this UI sets (never markup): "light"/"dark", "en"/"ru".
    let plain = |name: &str| {
        root.get_attribute(name)
            .unwrap_or_default()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect::<String>()
    };
    Some(format!(
        r#"<div class="first-screen" data-theme="{}" data-lang="{}">{}</div>"#,
        plain("data-theme"),
        plain("lang"),
        copy.outer_html()
    ))
}

/// Keeps the first screen for the next launch (see [`first_screen_html`]).
fn keep_first_screen() {
    let Some(html) = first_screen_html() else { return };
    leptos::task::spawn_local(async move {
        let _ =
            invoke::<elements_protocol::app::SaveFirstScreen>(&elements_protocol::app::FirstScreenArgs { html }).await;
    });
}

/// What a screen shows of one command: nothing yet (the first call is on its way), its error,
/// or its answer. Every screen loads this one way (see [`load`] and [`show`]).
pub type Loaded<T> = Option<Result<T, ApiError>>;

/// Calls command `C` with `args()` now and on every [`Load::refresh`], keeping the last answer
/// in a signal. An answer that arrives after a newer call was made is dropped, so a slow answer
/// never overwrites a fresh one (the person moved on to another day, another session).
pub struct Load<C: Command> {
    pub state: leptos::prelude::RwSignal<Loaded<C::Output>>,
    generation: leptos::prelude::StoredValue<u64>,
    args: leptos::prelude::StoredValue<Box<dyn Fn() -> C::Args + Send + Sync>>,
    /// Whether an answer shown before may be shown again while a fresh one is on its way
    /// (not for commands that take something, see [`load_fresh`]).
    reuse: bool,
}

impl<C: Command> Clone for Load<C> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<C: Command> Copy for Load<C> {}

/// A [`Load`] that calls the command at once.
pub fn load<C>(args: impl Fn() -> C::Args + Send + Sync + 'static) -> Load<C>
where
    C: Command + 'static,
    C::Args: 'static,
    C::Output: Clone + Send + Sync + 'static,
{
    let loader = load_later::<C>(args);
    loader.refresh();
    loader
}

/// A [`Load`] that never shows an earlier answer: for commands that take something (the link
/// the app was opened with is followed once).
pub fn load_fresh<C>(args: impl Fn() -> C::Args + Send + Sync + 'static) -> Load<C>
where
    C: Command + 'static,
    C::Args: 'static,
    C::Output: Clone + Send + Sync + 'static,
{
    let loader = Load { reuse: false, ..load_later::<C>(args) };
    loader.refresh();
    loader
}

/// A [`Load`] that calls the command only when asked ([`Load::reload`]): for screens whose
/// question is not known yet (no session picked).
pub fn load_later<C>(args: impl Fn() -> C::Args + Send + Sync + 'static) -> Load<C>
where
    C: Command + 'static,
    C::Args: 'static,
    C::Output: Clone + Send + Sync + 'static,
{
    use leptos::prelude::*;
    Load::<C> {
        state: RwSignal::new(None),
        generation: StoredValue::new(0),
        args: StoredValue::new(Box::new(args) as Box<dyn Fn() -> C::Args + Send + Sync>),
        reuse: true,
    }
}

impl<C> Load<C>
where
    C: Command + 'static,
    C::Args: 'static,
    C::Output: Clone + Send + Sync + 'static,
{
    /// Calls the command again; the answer replaces what is shown when it arrives. Until then a
    /// screen showing nothing shows the answer this question had last time, if any.
    pub fn refresh(&self) {
        use leptos::prelude::*;
        let n = self.generation.get_value() + 1;
        self.generation.set_value(n);
        let args = self.args.with_value(|make| make());
        let key = if self.reuse { question::<C>(&args) } else { None };
        let mut showing = None;
        if let Some((before, json, fresh)) =
            key.as_ref().filter(|_| self.state.with_untracked(Option::is_none)).and_then(shown_before::<C>)
        {
            self.state.set(Some(Ok(before)));
            if fresh {
                return;
            }
            showing = Some(json);
        }
        let (state, generation) = (self.state, self.generation);
        leptos::task::spawn_local(async move {
            let mut raw = key.as_ref().map(|_| String::new());
            let answer = invoke_as::<C>(&args, &mut raw).await;
            // The same answer as the one shown from last time: nothing to paint again (and
            // nothing under a finger replaced).
            let unchanged = showing.is_some() && showing == raw;
            if let (Some(key), Some(json), Ok(_)) = (key, raw, &answer) {
                remember(key, json, false);
            }
            if generation.get_value() == n && !unchanged {
                state.set(Some(answer));
            }
        });
    }

    /// Calls the command again whenever the core says `what` changed (for as long as the
    /// screen that made this `Load` is shown).
    pub fn refresh_on(self, what: Changed) -> Self {
        use leptos::prelude::*;
        let trigger = CHANGES.with(|c| c.trigger(what));
        Effect::new(move |seen: Option<()>| {
            trigger.track();
            // The first run only subscribes: the screen loaded already.
            if seen.is_some() {
                self.refresh();
            }
        });
        self
    }

    /// Forgets the answer (the screen shows "loading") and calls again: for a new question
    /// (another day), not for a refresh of the same one.
    pub fn reload(&self) {
        use leptos::prelude::*;
        self.state.set(None);
        self.refresh();
    }

    /// Forgets the answer and any call still on its way: there is no question any more.
    pub fn clear(&self) {
        use leptos::prelude::*;
        self.generation.update_value(|n| *n += 1);
        self.state.set(None);
    }
}

/// The bytes of the file picked in a file input (`None` when none was picked or it could not be
/// read).
pub fn picked_file(ev: &leptos::ev::Event) -> Option<impl std::future::Future<Output = Option<Vec<u8>>>> {
    let file = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .and_then(|input| input.files())
        .and_then(|files| files.get(0))?;
    Some(async move {
        let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await.ok()?;
        Some(js_sys::Uint8Array::new(&buffer).to_vec())
    })
}

/// Reads the QR code in the photo a file input picked, busy meanwhile: its text goes to `then`
/// (which clears `busy` when done), a photo without a readable code to `failed`. The one way
/// every scanner (checkpoints, passes, badges at a booth) takes a photo.
pub fn read_photo(
    ev: &leptos::ev::Event,
    busy: leptos::prelude::RwSignal<bool>,
    then: impl Fn(String) + 'static,
    failed: impl Fn(ApiError) + 'static,
) {
    use leptos::prelude::Set;
    let Some(scanning) = scan_picked_photo(ev) else { return };
    busy.set(true);
    leptos::task::spawn_local(async move {
        match scanning.await {
            Ok(scanned) => then(scanned.text),
            Err(e) => {
                failed(e.unwrap_or_else(|| ApiError::new(ErrorCode::InvalidArgument, crate::t!("scan-unreadable"))));
                busy.set(false);
            }
        }
    });
}

/// The photo picked in a file input (on phones the picker offers the camera first), read and
/// passed to the app's QR reader. `None` when nothing was picked; `Err(None)` when the file
/// could not be read at all.
pub fn scan_picked_photo(
    ev: &leptos::ev::Event,
) -> Option<impl std::future::Future<Output = Result<elements_protocol::app::ScannedCode, Option<ApiError>>>> {
    let reading = picked_file(ev)?;
    Some(async move {
        let image = reading.await.ok_or(None)?;
        invoke::<elements_protocol::app::ScanCode>(&elements_protocol::app::ScanArgs { image }).await.map_err(Some)
    })
}
