//! Reminders as system notifications (Tauri's notification plugin), worded in the person's
//! language: the core says what is due (`AppApi::take_due_reminders`), this shows it.

use elements_client::AppApi;
use elements_i18n::{Arg, Catalogue, Lang};
use elements_protocol::app::{Reminder, ReminderWhat};
use tauri_plugin_notification::NotificationExt;

/// A message of the catalogue: `t!` with the key, `in` the catalogue, the language, then the
/// arguments by name (the i18n tests find the keys by this spelling, as they find the UI's).
macro_rules! t {
    ($key:literal in $c:expr, $lang:expr $(, $name:ident = $value:expr)* $(,)?) => {
        $c.text($lang, $key, &[$((stringify!($name), Arg::from($value))),*])
    };
}

/// The person's language: their choice in the app, else the system's.
fn language(api: &AppApi) -> Lang {
    let chosen = api.preferences().ok().and_then(|p| p.language);
    let system =
        ["LC_ALL", "LC_MESSAGES", "LANG"].into_iter().find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()));
    Lang::from_tag(chosen.or(system).as_deref().unwrap_or("en"))
}

/// The notification's title and body.
pub fn words(lang: Lang, r: &Reminder) -> (String, String) {
    let c = Catalogue::new();
    let place = r.place.clone().unwrap_or_default();
    let at = if place.is_empty() {
        t!("reminder-at" in c, lang, time = r.starts.clone())
    } else {
        t!("reminder-at-place" in c, lang, time = r.starts.clone(), place = place)
    };
    match r.what {
        ReminderWhat::Session => (t!("reminder-session" in c, lang, n = r.minutes, title = r.title.clone()), at),
        ReminderWhat::Meeting => (t!("reminder-meeting" in c, lang, n = r.minutes, name = r.title.clone()), at),
        ReminderWhat::Changed => (t!("reminder-changed" in c, lang, title = r.title.clone()), at),
        ReminderWhat::Cancelled => (t!("reminder-cancelled" in c, lang, title = r.title.clone()), at),
        ReminderWhat::MeetingAsked => (t!("reminder-asked" in c, lang, name = r.title.clone()), at),
        ReminderWhat::Message => {
            (t!("reminder-message" in c, lang, name = r.title.clone()), r.text.clone().unwrap_or_default())
        }
        ReminderWhat::Announcement => {
            let title = match &r.place {
                Some(room) => t!("reminder-announcement-room" in c, lang, place = room.clone()),
                None => t!("reminder-announcement" in c, lang),
            };
            (title, r.text.clone().unwrap_or_default())
        }
    }
}

pub fn notify<R: tauri::Runtime>(app: &tauri::AppHandle<R>, api: &AppApi, r: Reminder) {
    let (title, body) = words(language(api), &r);
    eprintln!("elements: reminder {}: {title} — {body}", r.key);
    if let Err(e) = app.notification().builder().title(&title).body(&body).show() {
        // No notification server (a bare desktop): the notice in the app still says it.
        eprintln!("elements: the reminder could not be shown as a notification: {e}");
    }
}
