//! The UI's only door to the app: `invoke::<C>(&args)` for a protocol [`Command`] `C`.

use elements_protocol::app::{ApiError, Command, ErrorCode};
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    // Resolved when called, so the module still loads where Tauri is absent.
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], js_name = invoke, catch)]
    async fn tauri_invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;
}

#[derive(Serialize)]
struct Envelope<'a, A> {
    args: &'a A,
}

/// Calls command `C` in the app. Errors arrive as the app's stable `{code, message}`.
pub async fn invoke<C: Command>(args: &C::Args) -> Result<C::Output, ApiError> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let js_args = Envelope { args }
        .serialize(&serializer)
        .map_err(|e| ApiError::new(ErrorCode::InvalidArgument, format!("could not encode {}: {e}", C::NAME)))?;
    match tauri_invoke(C::NAME, js_args).await {
        Ok(value) => serde_wasm_bindgen::from_value(value)
            .map_err(|e| ApiError::new(ErrorCode::UnknownCommand, format!("unexpected answer to {}: {e}", C::NAME))),
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
    let report = wasm_bindgen::closure::Closure::once_into_js(move || {
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
