//! The UI's words: every sentence goes through [`t!`] into the Fluent catalogue
//! (`elements-i18n`), and dates and times through the webview's `Intl`, both in the person's
//! language. The language is a signal: switching it re-renders every text at once, no restart.

use elements_i18n::{Arg, Catalogue, Lang};
use leptos::prelude::*;

thread_local! {
    static CATALOGUE: Catalogue = Catalogue::new();
    // Reference-counted, not owned by whichever view first read it: a view that goes away must
    // not take the language with it.
    static LANG: ArcRwSignal<Lang> = ArcRwSignal::new(system_language());
}

/// The platform's language, if we speak it; else English.
pub fn system_language() -> Lang {
    let tag = web_sys::window().and_then(|w| w.navigator().language()).unwrap_or_default();
    Lang::from_tag(&tag)
}

/// The language shown now (tracked: a view reading it re-renders on a switch).
pub fn lang() -> Lang {
    LANG.with(|l| l.get())
}

pub fn set_lang(lang: Lang) {
    LANG.with(|l| l.set(lang));
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("lang", lang.tag());
    }
}

/// Message `key` with `args` in the current language. Use [`t!`] for literal keys (the
/// catalogue test finds those in the source); this is for keys built from a protocol value.
pub fn text(key: &str, args: &[(&str, Arg)]) -> String {
    let lang = lang();
    CATALOGUE.with(|c| c.text(lang, key, args))
}

/// `t!(<literal key>)` or `t!(<literal key>, name = value, …)`: the message in the current
/// language.
#[macro_export]
macro_rules! t {
    ($key:literal) => { $crate::i18n::text($key, &[]) };
    ($key:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::i18n::text($key, &[$((stringify!($name), elements_i18n::Arg::from($value))),+])
    };
}

/// A date ("2027-03-10") or local date-time ("2027-03-10T09:30") as the language writes it.
/// The value is the venue's local time already, so it is formatted as UTC, unshifted.
fn intl(local: &str, options: &[(&str, &str)]) -> Option<String> {
    let iso = if local.len() == 10 { format!("{local}T00:00:00Z") } else { format!("{local}:00Z") };
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(&iso));
    if date.get_time().is_nan() {
        return None;
    }
    let opts = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&opts, &"timeZone".into(), &"UTC".into());
    for (k, v) in options {
        let _ = js_sys::Reflect::set(&opts, &(*k).into(), &(*v).into());
    }
    Some(String::from(date.to_locale_string(date_locale(), &opts)))
}

/// The locale dates are written in: British English for English (day before month, 24-hour
/// clock, as the events this app serves write them).
fn date_locale() -> &'static str {
    match lang() {
        Lang::En => "en-GB",
        other => other.tag(),
    }
}

/// "Wed 10 Mar" / "ср, 10 мар.".
pub fn short_date(date: &str) -> String {
    intl(date, &[("weekday", "short"), ("day", "numeric"), ("month", "short")]).unwrap_or_else(|| date.to_string())
}

/// "Wed, 10 Mar, 09:30" / "ср, 10 мар., 09:30".
pub fn short_date_time(local: &str) -> String {
    intl(
        local,
        &[
            ("weekday", "short"),
            ("day", "numeric"),
            ("month", "short"),
            ("hour", "2-digit"),
            ("minute", "2-digit"),
            ("hourCycle", "h23"),
        ],
    )
    .unwrap_or_else(|| local.to_string())
}

/// `v` with `places` decimals, in the person's way of writing them ("0.7" / "0,7").
pub fn decimal(v: f64, places: usize) -> String {
    let text = format!("{v:.places$}");
    match lang() {
        Lang::Ru => text.replace('.', ","),
        _ => text,
    }
}

/// "09:30" (the venue's clock, 24 h in both languages).
pub fn time_of(local: &str) -> String {
    local.get(11..16).unwrap_or(local).to_string()
}

/// The event's dates: "10–12 March 2027" / "10–12 марта 2027 г.".
pub fn date_range(first: &str, last: &str) -> String {
    let whole = [("day", "numeric"), ("month", "long"), ("year", "numeric")];
    if first == last || last.is_empty() {
        return intl(first, &whole).unwrap_or_default();
    }
    let (Some(a), Some(b)) = (js_date(first), js_date(last)) else {
        return format!("{first} – {last}");
    };
    // `formatRange` writes ranges the language's way (shared month and year once).
    let opts = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&opts, &"timeZone".into(), &"UTC".into());
    for (k, v) in whole {
        let _ = js_sys::Reflect::set(&opts, &k.into(), &v.into());
    }
    let locales = js_sys::Array::of1(&date_locale().into());
    js_sys::Intl::DateTimeFormat::new(&locales, &opts)
        .format_range(&a, &b)
        .map(String::from)
        .unwrap_or_else(|_| format!("{first} – {last}"))
}

fn js_date(date: &str) -> Option<js_sys::Date> {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(&format!("{date}T00:00:00Z")));
    (!d.get_time().is_nan()).then_some(d)
}

/// "just now", "5 min ago", "2 h ago", "3 days ago", from Unix seconds.
pub fn ago(then: i64) -> String {
    let now = (js_sys::Date::now() / 1000.0) as i64;
    match (now - then).max(0) {
        0..=59 => t!("ago-just-now"),
        s @ 60..=3599 => t!("ago-minutes", n = s / 60),
        s @ 3600..=86_399 => t!("ago-hours", n = s / 3600),
        s => t!("ago-days", n = s / 86_400),
    }
}

/// An organizer's text in the event's languages (`{"en": …, "ru": …}`): the person's language,
/// else English, else whichever the event wrote.
pub fn local_text(text: &std::collections::BTreeMap<String, String>) -> String {
    let lang = lang();
    text.get(lang.tag()).or_else(|| text.get("en")).or_else(|| text.values().next()).cloned().unwrap_or_default()
}
