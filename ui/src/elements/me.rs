//! The "me" Element: where this device's event comes from, and joining another event by its
//! address or the join link its QR code carries (`elements://join?url=…&code=…`).

use elements_protocol::app::{GetSyncStatus, JoinArgs, JoinEvent, NoArgs, ScanArgs, ScanCode, ScannedKind, SyncState};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::api::{invoke, load};

#[component]
pub fn Me() -> impl IntoView {
    let status = load::<GetSyncStatus>(|| NoArgs {});
    let address = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let join_with = move |args: JoinArgs| {
        spawn_local(async move {
            match invoke::<JoinEvent>(&args).await {
                // The whole shell changes with the event: start it again on the new one.
                Ok(_) => {
                    if let Some(w) = web_sys::window() {
                        let _ = w.location().reload();
                    }
                }
                Err(e) => {
                    problem.set(Some(e.message));
                    busy.set(false);
                }
            }
        });
    };
    let join = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        problem.set(None);
        join_with(JoinArgs {
            url: address.get_untracked(),
            code: Some(code.get_untracked()).filter(|c| !c.trim().is_empty()),
        });
    };
    // A photo of the join QR code (on phones the file picker offers the camera first).
    let scan = move |ev: leptos::ev::Event| {
        let file = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        let Some(file) = file else { return };
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            let bytes = match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
                Ok(buffer) => js_sys::Uint8Array::new(&buffer).to_vec(),
                Err(_) => {
                    problem.set(Some("The picture could not be read; try another one.".into()));
                    busy.set(false);
                    return;
                }
            };
            match invoke::<ScanCode>(&ScanArgs { image: bytes }).await {
                Ok(scanned) if scanned.kind == ScannedKind::Join => {
                    address.set(scanned.text.clone());
                    join_with(JoinArgs { url: scanned.text, code: None });
                }
                Ok(scanned) => {
                    problem.set(Some(format!("That QR code is not an event's join code: {}", scanned.text)));
                    busy.set(false);
                }
                Err(e) => {
                    problem.set(Some(e.message));
                    busy.set(false);
                }
            }
        });
    };
    view! {
        <section class="me" data-testid="element-me">
            <div class="panel">
                <h2>"This device"</h2>
                {move || status.state.get().and_then(Result::ok).map(|s| match s.backend {
                    None => view! {
                        <p data-testid="event-source">"You are on the bundled demo event. Everything works offline; votes stay on this device."</p>
                    }.into_any(),
                    Some(b) => view! {
                        <div>
                            <p data-testid="event-source">"Synced from " <strong>{b}</strong></p>
                            <ul class="sync-list">
                                {s.elements.into_iter().map(|e| {
                                    let problem = match e.state {
                                        SyncState::Unsupported => "needs a newer app",
                                        _ => "retrying",
                                    };
                                    view! {
                                    <li>
                                        <span class="sync-element">{e.kind.as_str()}</span>
                                        <span class="muted">{format!("synced {}", e.synced)}</span>
                                        {(e.waiting > 0).then(|| view! {
                                            <span class="waiting">{format!("{} waiting to send", e.waiting)}</span>
                                        })}
                                        {e.error.map(|err| view! { <span class="sync-error" title=err>{problem}</span> })}
                                    </li>
                                    }
                                }).collect_view()}
                                {s.unknown_elements.into_iter().map(|kind| view! {
                                    <li data-testid="unknown-element">
                                        <span class="sync-element">{kind}</span>
                                        <span class="sync-error">"needs a newer app"</span>
                                    </li>
                                }).collect_view()}
                            </ul>
                        </div>
                    }.into_any(),
                })}
            </div>
            <form class="panel join" on:submit=join data-testid="join-form">
                <h2>"Join an event"</h2>
                <p class="muted">"Scan the event's join QR code, or paste its address. Your ticket or join code lets you vote and scan."</p>
                <label class="scan-button" class:disabled=move || busy.get()>
                    <input
                        type="file"
                        accept="image/*"
                        capture="environment"
                        data-testid="join-scan"
                        disabled=move || busy.get()
                        on:change=scan
                    />
                    <span>"Scan the join QR code"</span>
                </label>
                <label>
                    <span>"Event address or join link"</span>
                    <input
                        type="text"
                        inputmode="url"
                        placeholder="https://events.example.org/summit"
                        data-testid="join-url"
                        prop:value=move || address.get()
                        on:input=move |ev| address.set(event_target_value(&ev))
                    />
                </label>
                <label>
                    <span>"Ticket or join code (optional)"</span>
                    <input
                        type="text"
                        data-testid="join-code"
                        prop:value=move || code.get()
                        on:input=move |ev| code.set(event_target_value(&ev))
                    />
                </label>
                {move || problem.get().map(|p| view! { <p class="form-error" role="alert" data-testid="join-error">{p}</p> })}
                <button class="primary" type="submit" disabled=move || busy.get() || address.get().trim().is_empty()>
                    {move || if busy.get() { "Joining…" } else { "Join" }}
                </button>
            </form>
        </section>
    }
}
