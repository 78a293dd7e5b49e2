//! Tauri adapters: one per app command, each forwarding to [`AppApi`] unchanged, made from the
//! protocol's table of commands: an adapter's name, argument and answer types are its
//! [`Command`]'s own.

use elements_client::AppApi;
use std::sync::Arc;

use elements_protocol::app::{self, ApiError, Command, ErrorCode};

/// `ELEMENTS_TRACE_COMMANDS=1` prints how long each command took (for `cargo xtask measure`'s
/// "where does the time go").
fn trace() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("ELEMENTS_TRACE_COMMANDS").is_some())
}

/// One adapter per row of the protocol's table of commands (`elements_protocol::for_each_command!`),
/// each calling the `AppApi` method of the same name; nothing here is listed by hand.
macro_rules! adapters {
    ($( $(#[$doc:meta])* $ty:ident = $name:ident in $element:ident : $args:ident => $out:ty; )*) => {
        $( adapters!(@one $ty $name $args); )*

        /// Names of the registered adapters (checked against the protocol by a test).
        #[cfg_attr(not(test), allow(dead_code))]
        pub const REGISTERED: &[&str] = &[$(stringify!($name)),*];

        pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }
    };
    (@one $ty:ident $name:ident NoArgs) => {
        adapters!(@adapter $ty $name |api, _args| api.$name());
    };
    (@one $ty:ident $name:ident $args:ident) => {
        adapters!(@adapter $ty $name |api, args| api.$name(args));
    };
    (@adapter $ty:ident $name:ident |$api:ident, $args:ident| $body:expr) => {
        // Off the main thread, on the blocking pool: commands touch SQLite and, for sync, the
        // network with a blocking client, which must not run on the async workers.
        #[tauri::command]
        async fn $name(
            state: tauri::State<'_, Arc<AppApi>>,
            args: <app::$ty as Command>::Args,
        ) -> Result<<app::$ty as Command>::Output, ApiError> {
            let api = state.inner().clone();
            tauri::async_runtime::spawn_blocking(move || {
                let started = std::time::Instant::now();
                let $api = &*api;
                let $args = args;
                let answer = $body;
                if trace() {
                    eprintln!("elements: command {} took {} µs", stringify!($name), started.elapsed().as_micros());
                }
                answer
            })
            .await
            .map_err(|e| ApiError::new(ErrorCode::Internal, format!("{} stopped: {e}", stringify!($name))))?
        }
    };
}

elements_protocol::for_each_command!(adapters);

#[cfg(test)]
mod tests {
    #[test]
    fn every_protocol_command_has_an_adapter() {
        let mut registered = super::REGISTERED.to_vec();
        let mut defined = elements_protocol::app::COMMAND_NAMES.to_vec();
        registered.sort_unstable();
        defined.sort_unstable();
        assert_eq!(registered, defined);
    }
}
