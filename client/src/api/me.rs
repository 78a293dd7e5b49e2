//! The Me Element: which event this device follows, joining one, its sync and its health,
//! scanning a code, and the start-up measurement.

use super::*;

/// Starts syncing in the background if the cached event came from a backend: the app shows
/// what it has at once and catches up when the network allows.
pub(super) fn resume_sync(api: &AppApi) -> Result<(), ApiError> {
    let event = api.store()?.loaded_event()?;
    if let Some(base) = event.as_ref().and_then(|e| e.source.strip_prefix(BACKEND_SOURCE)) {
        let manifest = event.as_ref().map(|e| e.manifest.clone()).ok_or_else(|| {
            ApiError::new(ErrorCode::CacheUnavailable, "the cached event vanished while starting sync")
        })?;
        start_engine(api, &manifest, base);
    }
    Ok(())
}

pub(super) fn start_engine(api: &AppApi, manifest: &Manifest, base: &str) {
    // A loop for every Element that has a feed, enabled or not yet: each reads the cached
    // manifest every round, so a manifest that changes later switches Elements on and off
    // and moves them between backends without a restart.
    // A venue screen keeps no attendee's data: the people directory is never synced to it;
    // and only a staff device pulls the staff feed.
    let mode = api.mode().unwrap_or_default();
    let targets: Vec<Target> = ElementKind::ALL
        .into_iter()
        .filter(|k| k.has_feed() && pulls(mode, *k))
        .map(|kind| Target { element: kind, base_url: base.to_string(), event_id: manifest.id.clone() })
        .collect();
    let engine = SyncEngine::start(api.store.clone(), targets, api.sync_config.clone());
    engine.watch_manifest(api.store.clone(), base.to_string(), api.sync_config.clone());
    engine.listen_live(api.store.clone(), base.to_string(), api.sync_config.clone());
    let mut slot = api.engine.lock().unwrap_or_else(|p| p.into_inner());
    // Dropping the previous engine stops its threads.
    *slot = Some(engine);
}

/// Joins the event served at `args.url`: stores its manifest, pulls every Element once (an
/// Element whose backend is down is retried in the background), then keeps syncing.
pub(super) fn join_event(api: &AppApi, args: JoinArgs) -> Result<EventOverview, ApiError> {
    let (url, code) = parse_join(&args)?;
    // Stop syncing the old event before its data is replaced.
    drop(api.engine.lock().unwrap_or_else(|p| p.into_inner()).take());
    let remote = sync::Remote::configured(&url, &api.sync_config)
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    let manifest = sync::join(&api.store, &remote).map_err(|e| {
        ApiError::new(
            ErrorCode::Unreachable,
            format!("could not join the event at {url}: {e}. Check the address and your connection, then try again."),
        )
    })?;
    for element in manifest.elements.iter().filter(|e| syncs(e)) {
        let base = element.base_url.clone().unwrap_or_else(|| url.clone());
        if let Some(code) = &code {
            api.store()?.set_code(&base, code)?;
        }
        // The staff feed is for staff tokens: learn what this code is before asking for it.
        let role_unknown = api.store()?.credential(&base)?.is_some_and(|c| c.role.is_none());
        if element.kind.is_staff_only() && role_unknown {
            if let Ok(remote) = sync::Remote::configured(&base, &api.sync_config) {
                let _ = sync::redeem(&api.store, &remote);
            }
        }
        // Decided per Element: a kiosk or staff token shows itself at the first redeem.
        if !pulls(api.mode()?, element.kind) {
            continue;
        }
        // Signals made before joining (or before a restart) go out first.
        let outcome = sync::Remote::configured(&base, &api.sync_config).and_then(|r| {
            sync::round(&api.store, &r, &manifest.id, element.kind, api.sync_config.page_size, &api.sync_config.changes)
        });
        if let Err(e) = outcome {
            let _ = api.store()?.record_failure(element.kind, &base, &e.to_string());
        }
    }
    start_engine(api, &manifest, &url);
    api.sync_config.changes.tell(Changed::Event);
    api.event_overview()
}

/// One round for every Element of a joined event, on this thread: push its outbox, then
/// pull its feed. Failures are recorded per Element (as the engine would) and do not stop
/// the others. For runners without a window and for tests.
pub(super) fn sync_now(api: &AppApi) -> Result<(), ApiError> {
    let event = api.store()?.loaded_event()?.ok_or_else(no_event)?;
    let Some(base) = event.source.strip_prefix(BACKEND_SOURCE).map(str::to_string) else {
        return Ok(());
    };
    // The manifest first: what it enables now is what this round syncs.
    let manifest_remote = sync::Remote::configured(&base, &api.sync_config)
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string()))?;
    if let Err(e) = sync::refresh_manifest(&api.store, &manifest_remote) {
        eprintln!("elements: the manifest could not be read again: {e}");
    }
    let event = api.store()?.loaded_event()?.ok_or_else(no_event)?;
    let mode = api.mode()?;
    for element in event.manifest.elements.iter().filter(|e| syncs(e) && pulls(mode, e.kind)) {
        let url = element.base_url.clone().unwrap_or_else(|| base.clone());
        let outcome = sync::Remote::configured(&url, &api.sync_config).and_then(|r| {
            sync::round(
                &api.store,
                &r,
                &event.manifest.id,
                element.kind,
                api.sync_config.page_size,
                &api.sync_config.changes,
            )
        });
        if let Err(e) = outcome {
            api.store()?.record_failure(element.kind, &url, &e.to_string())?;
        }
    }
    Ok(())
}

pub(super) fn sync_status(api: &AppApi) -> Result<SyncStatus, ApiError> {
    let store = api.store()?;
    let event = store.loaded_event()?;
    let mode = api.mode_of(&store, event.as_ref())?;
    let Some(backend) = event.as_ref().and_then(|e| e.source.strip_prefix(BACKEND_SOURCE)).map(str::to_string) else {
        return Ok(SyncStatus {
            backend: None,
            elements: Vec::new(),
            unknown_elements: Vec::new(),
            unencrypted: false,
        });
    };
    let rows = store.sync_status()?;
    let event_id = event.as_ref().map(|e| e.manifest.id.clone()).unwrap_or_default();
    let waiting = store.waiting_counts(&event_id)?;
    let enabled = event.map(|e| e.manifest.elements).unwrap_or_default();
    let elements = enabled
        .iter()
        .filter(|e| e.kind != ElementKind::Me && pulls(mode, e.kind))
        .map(|e| {
            if e.version > ELEMENT_VERSION {
                return ElementSyncView {
                    kind: e.kind,
                    state: SyncState::Unsupported,
                    synced_at: None,
                    error: Some(format!(
                        "this event uses version {} of {}; this app knows version {ELEMENT_VERSION}: update the app",
                        e.version,
                        e.kind.as_str()
                    )),
                    waiting: 0,
                };
            }
            let row = rows.iter().find(|r| r.element == e.kind);

            let failing = row.is_some_and(|r| r.failures > 0);
            ElementSyncView {
                kind: e.kind,
                state: if failing {
                    SyncState::Retrying
                } else if row.and_then(|r| r.synced_at).is_some() {
                    SyncState::Synced
                } else {
                    SyncState::Never
                },
                synced_at: row.and_then(|r| r.synced_at),
                error: row.filter(|_| failing).and_then(|r| r.last_error.clone()),
                waiting: waiting.get(&e.kind).copied().unwrap_or(0),
            }
        })
        .collect();
    let unknown_elements = store.unknown_elements()?;
    let unencrypted = plain_http_beyond_the_lan(&backend);
    Ok(SyncStatus { backend: Some(backend), elements, unknown_elements, unencrypted })
}

/// An `http://` address whose host is neither this device nor a private network's (loopback,
/// RFC 1918 and link-local addresses, IPv6 unique-local, `.local`/`.lan`/`.internal`/`.home.arpa`
/// names, single-label names): what it carries crosses networks readable by anyone.
pub fn plain_http_beyond_the_lan(url: &str) -> bool {
    let Ok(parsed) = reqwest::Url::parse(url) else { return false };
    if parsed.scheme() != "http" {
        return false;
    }
    match parsed.host() {
        Some(url::Host::Ipv4(ip)) => !(ip.is_loopback() || ip.is_private() || ip.is_link_local()),
        Some(url::Host::Ipv6(ip)) => {
            let unique_local = (ip.segments()[0] & 0xfe00) == 0xfc00;
            let link_local = (ip.segments()[0] & 0xffc0) == 0xfe80;
            !(ip.is_loopback() || unique_local || link_local)
        }
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            let lan = name == "localhost"
                || !name.contains('.')
                || [".localhost", ".local", ".lan", ".internal", ".home.arpa"].iter().any(|s| name.ends_with(s));
            !lan
        }
        None => false,
    }
}

/// Reads the QR code in a photo; the UI passes a join code's text on to `join_event`.
pub(super) fn scan_code(
    _: &AppApi,
    args: elements_protocol::app::ScanArgs,
) -> Result<elements_protocol::app::ScannedCode, ApiError> {
    crate::scan::scan(&args.image)
}

/// Where the first screen as last painted is kept, beside the cache.
pub(super) const FIRST_SCREEN_FILE: &str = "first-screen.html";
const FIRST_SCREEN_MOST: usize = 512 * 1024;

/// The saved first screen's first line: it is shown only for the event and app it was painted
/// by (a newer app may lay the screen out differently).
fn first_screen_header(api: &AppApi) -> Result<Option<String>, ApiError> {
    let event = api.store()?.loaded_event()?;
    Ok(event.map(|e| format!("elements-first-screen {} {}", env!("CARGO_PKG_VERSION"), e.manifest.id)))
}

/// The first screen as this device last painted it for this event, for the page to show while
/// the UI starts. None saved, another event's or another version's, or unreadable: `None`.
pub(super) fn first_screen(api: &AppApi) -> Result<Option<String>, ApiError> {
    let Some(header) = first_screen_header(api)? else { return Ok(None) };
    let Ok(text) = std::fs::read_to_string(&api.first_screen_file) else { return Ok(None) };
    Ok(text.strip_prefix(header.as_str()).and_then(|rest| rest.strip_prefix('\n')).map(str::to_string))
}

/// Keeps the first screen for the next launch (written whole or not at all). A screen that could
/// not be kept is no error worth showing: the next launch then starts as the first did.
pub(super) fn save_first_screen(api: &AppApi, args: elements_protocol::app::FirstScreenArgs) -> Result<bool, ApiError> {
    if args.html.len() > FIRST_SCREEN_MOST {
        return Err(ApiError::new(
            ErrorCode::InvalidArgument,
            format!("a first screen of {} bytes; at most {FIRST_SCREEN_MOST} are kept", args.html.len()),
        ));
    }
    let Some(header) = first_screen_header(api)? else { return Ok(false) };
    let partial = api.first_screen_file.with_extension("html.partial");
    let written = std::fs::write(&partial, format!("{header}\n{}", args.html))
        .and_then(|()| std::fs::rename(&partial, &api.first_screen_file));
    Ok(written.is_ok())
}

/// The link the app was last opened with (kept by [`AppApi::open_link`]), once.
pub(super) fn take_open_link(api: &AppApi) -> Result<Option<String>, ApiError> {
    Ok(api.opened.lock().unwrap_or_else(|p| p.into_inner()).take())
}

/// Milliseconds from launch until the UI reported `args.screen` showing.
pub(super) fn report_ready(api: &AppApi, args: ReadyArgs) -> Result<u64, ApiError> {
    if args.screen.is_empty() || args.screen.len() > 40 {
        return Err(ApiError::new(ErrorCode::InvalidArgument, "screen name must be 1 to 40 characters"));
    }
    let ms = u64::try_from(api.launched_at.elapsed().as_millis()).unwrap_or(u64::MAX);
    // Read by `cargo xtask measure` from the app's output; keep the wording stable.
    eprintln!("elements: {} on screen {ms} ms after launch", args.screen);
    api.first_paint.poke();
    Ok(ms)
}

/// The backend URL and code of a join request: a plain URL, or the join QR's
/// `elements://join?url=…&code=…` link.
pub fn parse_join(args: &JoinArgs) -> Result<(String, Option<String>), ApiError> {
    use elements_protocol::link::{Link, LinkError};
    let text = args.url.trim();
    let mut code = args.code.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(str::to_string);
    let url = match Link::parse(text) {
        Ok(Link::Join { url, code: in_link }) => {
            code = code.or(in_link);
            url
        }
        Ok(Link::Checkpoint { .. }) => {
            return Err(ApiError::new(
                ErrorCode::InvalidArgument,
                "this is a quest checkpoint's code, not an event's join code: scan it on the Quests screen",
            ))
        }
        Ok(Link::Badge { .. }) => {
            return Err(ApiError::new(
                ErrorCode::InvalidArgument,
                "this is a person's badge, not an event's join code: scan it on the People screen",
            ))
        }
        Ok(Link::Place { .. } | Link::Here { .. }) => {
            return Err(ApiError::new(
                ErrorCode::InvalidArgument,
                "this is a place in the venue, not an event's join code: scan it on the Map screen",
            ))
        }
        Err(LinkError::NotALink) => text.to_string(),
        Err(e) => return Err(ApiError::new(ErrorCode::InvalidArgument, e.to_string())),
    };
    let url = url.trim().trim_end_matches('/').to_string();
    if !(url.starts_with("http://") || url.starts_with("https://")) || url.len() > 2000 {
        return Err(ApiError::new(
            ErrorCode::InvalidArgument,
            format!("\"{url}\" is not an event address; it should start with https:// (or http:// on a local network)"),
        ));
    }
    if code.as_ref().is_some_and(|c| c.chars().count() > 200) {
        return Err(ApiError::new(ErrorCode::InvalidArgument, "the code is longer than 200 characters"));
    }
    Ok((url, code))
}

/// Whether the app syncs this Element: it has a feed (not `me`) in a version this app knows.
/// Whether a device of `mode` pulls `kind`'s feed: a venue screen no feed that needs a token
/// (no one's details on a public screen), and only a staff device the staff feed.
pub(super) fn pulls(mode: DeviceMode, kind: ElementKind) -> bool {
    !(mode == DeviceMode::Kiosk && kind.feed_needs_token()) && !(kind.is_staff_only() && mode != DeviceMode::Staff)
}

fn syncs(e: &ElementEntry) -> bool {
    e.kind != ElementKind::Me && e.version <= ELEMENT_VERSION
}

/// The languages the UI has a catalogue for (the `elements-i18n` crate; the UI's test checks
/// both lists agree).
pub const LANGUAGES: [&str; 2] = ["en", "ru"];

pub(super) fn preferences(api: &AppApi) -> Result<Preferences, ApiError> {
    let store = api.store()?;
    let language = store.preference("language")?.filter(|l| LANGUAGES.contains(&l.as_str()));
    // A theme written by a newer app that this one does not know reads as the default.
    let theme = store.preference("theme")?.and_then(|t| Theme::parse(&t)).unwrap_or_default();
    let reminder_minutes = store
        .preference("reminder_minutes")?
        .and_then(|m| m.parse().ok())
        .filter(|m| elements_protocol::app::REMINDER_CHOICES.contains(m));
    Ok(Preferences { language, theme, reminder_minutes })
}

pub(super) fn set_preferences(api: &AppApi, args: Preferences) -> Result<Preferences, ApiError> {
    if let Some(language) = args.language.as_deref().filter(|l| !LANGUAGES.contains(l)) {
        return Err(ApiError::new(
            ErrorCode::InvalidArgument,
            format!("the app does not speak {language:?}; it speaks {}", LANGUAGES.join(", ")),
        ));
    }
    let choices = elements_protocol::app::REMINDER_CHOICES;
    if let Some(m) = args.reminder_minutes.filter(|m| !choices.contains(m)) {
        return Err(ApiError::new(
            ErrorCode::InvalidArgument,
            format!("reminders come {choices:?} minutes before, not {m}"),
        ));
    }
    // The saved first screen speaks the old language, in the old colours.
    let _ = std::fs::remove_file(&api.first_screen_file);
    {
        let store = api.store()?;
        store.set_preference("language", args.language.as_deref())?;
        store.set_preference("theme", Some(args.theme.as_str()).filter(|_| args.theme != Theme::System))?;
        store.set_preference("reminder_minutes", args.reminder_minutes.map(|m| m.to_string()).as_deref())?;
    }
    preferences(api)
}
