//! How the core tells whoever shows its data (the Tauri shell, a test) that something changed:
//! a listener called with a [`Changed`] after the change is stored. The UI reloads on it
//! instead of polling on timers.

use std::sync::Arc;

pub use elements_protocol::app::Changed;

/// A listener for [`Changed`], or none (tests, runners without a window). Cheap to clone: the
/// engine's threads each hold one.
#[derive(Clone, Default)]
pub struct Changes(Option<Arc<dyn Fn(Changed) + Send + Sync>>);

impl Changes {
    pub fn new(listener: impl Fn(Changed) + Send + Sync + 'static) -> Changes {
        Changes(Some(Arc::new(listener)))
    }

    pub fn is_set(&self) -> bool {
        self.0.is_some()
    }

    /// Calls the listener. Call it after the change is committed, never with the cache locked:
    /// a listener may read the cache at once.
    pub fn tell(&self, what: Changed) {
        if let Some(listener) = &self.0 {
            listener(what);
        }
    }
}

impl std::fmt::Debug for Changes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() { "Changes(listener)" } else { "Changes(none)" })
    }
}
