//! The catalogue is complete: both languages parse, define the same keys, and have every key
//! the UI asks for — the literal `t!("…")` keys found in `ui/src`, and the keys it builds from
//! protocol values (error codes, refusal reasons, Element kinds, session kinds). Plural forms
//! follow each language's rules.

use std::collections::BTreeSet;

use elements_i18n::{Arg, Catalogue, Lang};
use elements_protocol::app::ErrorCode;
use elements_protocol::event::ElementKind;
use elements_protocol::signal::Reason;

fn keys(lang: Lang) -> BTreeSet<String> {
    Catalogue::keys(lang).into_iter().collect()
}

/// Every `t!("key"…)` in the UI's source, and in the shell's (notifications).
fn keys_the_ui_uses() -> BTreeSet<String> {
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = BTreeSet::new();
    let mut stack = vec![here.join("../ui/src"), here.join("../src-tauri/src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("source");
                for (i, _) in text.match_indices("t!(\"") {
                    // `t!`, not `format!` or `print!`.
                    if text[..i].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_') {
                        continue;
                    }
                    let rest = &text[i + 4..];
                    if let Some(end) = rest.find('"') {
                        found.insert(rest[..end].to_string());
                    }
                }
            }
        }
    }
    found
}

/// Keys the UI builds from a protocol value: `error-<code>`, `reason-<reason>`, …
fn keys_built_from_protocol() -> BTreeSet<String> {
    let mut k = BTreeSet::new();
    k.extend(ErrorCode::ALL.iter().map(|c| format!("error-{}", c.as_str())));
    k.extend(Reason::ALL.iter().map(|r| format!("reason-{}", r.as_str())));
    for kind in ElementKind::ALL {
        k.insert(format!("element-{}", kind.as_str()));
    }
    k.extend(["keynote", "talk", "panel", "workshop", "lightning", "break"].map(|s| format!("kind-{s}")));
    k.extend(["settings-system", "settings-light", "settings-dark"].map(String::from));
    // The people screen's panes, profile fields and who sees a field.
    k.extend(["badge", "directory", "contacts", "suggestions", "profile"].map(|s| format!("people-tab-{s}")));
    k.extend(
        ["organization", "role", "interests", "looking_for", "offers", "links"].map(|s| format!("people-field-{s}")),
    );
    k.extend(elements_protocol::people::Visibility::ALL.iter().map(|v| format!("people-visible-{}", v.as_str())));
    k
}

#[test]
fn both_languages_parse_and_define_the_same_keys() {
    for lang in Lang::ALL {
        assert_eq!(Catalogue::syntax_errors(lang), Vec::<String>::new());
    }
    let en = keys(Lang::En);
    let ru = keys(Lang::Ru);
    let only_en: Vec<_> = en.difference(&ru).collect();
    let only_ru: Vec<_> = ru.difference(&en).collect();
    assert!(
        only_en.is_empty() && only_ru.is_empty(),
        "missing in Russian: {only_en:?}; missing in English: {only_ru:?}"
    );
}

#[test]
fn every_key_the_ui_asks_for_is_in_every_language() {
    let used = keys_the_ui_uses();
    assert!(used.len() > 50, "the scan of ui/src found only {} keys: is the path right?", used.len());
    let wanted: BTreeSet<String> = used.union(&keys_built_from_protocol()).cloned().collect();
    for lang in Lang::ALL {
        let have = keys(lang);
        let missing: Vec<_> = wanted.difference(&have).collect();
        assert!(missing.is_empty(), "{} lacks {missing:?}", lang.tag());
    }
    // And nothing is kept that nobody shows.
    let unused: Vec<_> = keys(Lang::En).difference(&wanted).cloned().collect();
    assert!(unused.is_empty(), "keys no screen uses: {unused:?}");
}

#[test]
fn every_message_formats_without_errors_in_both_languages() {
    let c = Catalogue::new();
    let sample = [
        ("n", Arg::from(3u32)),
        ("ago", Arg::from("5 min ago")),
        ("query", Arg::from("rust")),
        ("option", Arg::from("Yes")),
        ("why", Arg::from("closed")),
        ("when", Arg::from("Wed 10 Mar, 09:00")),
        ("time", Arg::from("09:45")),
        ("text", Arg::from("elements://checkpoint?x")),
        ("checkpoint", Arg::from("The lighthouse")),
        ("points", Arg::from(30u32)),
        ("done", Arg::from(2u32)),
        ("total", Arg::from(5u32)),
        ("value", Arg::from(4u32)),
        ("max", Arg::from(5u32)),
        ("average", Arg::from("4.5")),
        ("answer", Arg::from("“Harbour”")),
        ("m", Arg::from(120u32)),
        ("min", Arg::from(3u32)),
        ("place", Arg::from("Main Hall")),
        ("floor", Arg::from("First floor")),
        ("step", Arg::from("Walk 20 m")),
        ("quest", Arg::from("Harbour Trail")),
        ("titles", Arg::from("Edge Caching, Tides")),
        ("path", Arg::from("/home/ada/Downloads/summit-my-schedule.ics")),
        ("title", Arg::from("Edge Caching")),
        ("before", Arg::from("Wed 10 Mar 10:00, Elbe Room")),
        ("now", Arg::from("Wed 10 Mar 10:30, Kran Room")),
        ("name", Arg::from("Aigerim Sadykova")),
        ("code", Arg::from("K7Q2-MX4P")),
        ("tags", Arg::from("rust, drones")),
        ("people", Arg::from("2000")),
    ];
    for lang in Lang::ALL {
        for key in Catalogue::keys(lang) {
            let text =
                c.try_text(lang, &key, &sample).unwrap_or_else(|| panic!("{}: {key} failed to format", lang.tag()));
            assert!(!text.trim().is_empty() && !text.contains('{'), "{}: {key} = {text:?}", lang.tag());
        }
    }
}

#[test]
fn plural_forms_follow_each_language() {
    let c = Catalogue::new();
    let n = |lang, key, n: u32| c.text(lang, key, &[("n", Arg::from(n))]);
    assert_eq!(n(Lang::En, "sessions-count", 1), "1 session");
    assert_eq!(n(Lang::En, "sessions-count", 21), "21 sessions");
    assert_eq!(n(Lang::Ru, "sessions-count", 1), "1 доклад");
    assert_eq!(n(Lang::Ru, "sessions-count", 21), "21 доклад");
    assert_eq!(n(Lang::Ru, "sessions-count", 22), "22 доклада");
    assert_eq!(n(Lang::Ru, "sessions-count", 25), "25 докладов");
    assert_eq!(n(Lang::Ru, "sessions-count", 11), "11 докладов");
    assert_eq!(n(Lang::Ru, "sessions-count", 111), "111 докладов");
    assert_eq!(n(Lang::Ru, "votes-counted", 0), "Голосов пока нет");
    assert_eq!(n(Lang::Ru, "votes-counted", 3), "Учтено 3 голоса");
    assert_eq!(n(Lang::En, "votes-counted", 1), "1 vote counted");
    assert_eq!(n(Lang::Ru, "now-starts-in", 103), "Начало через 103 дня");
}

#[test]
fn platform_tags_choose_a_language_we_speak() {
    assert_eq!(Lang::from_tag("ru-RU"), Lang::Ru);
    assert_eq!(Lang::from_tag("ru_KZ.UTF-8"), Lang::Ru);
    assert_eq!(Lang::from_tag("en-GB"), Lang::En);
    assert_eq!(Lang::from_tag("kk-KZ"), Lang::En, "a language we do not speak yet falls back to English");
    assert_eq!(Lang::from_tag(""), Lang::En);
}

#[test]
fn a_missing_key_shows_as_itself_never_blank() {
    let c = Catalogue::new();
    assert_eq!(c.text(Lang::Ru, "no-such-key", &[]), "no-such-key");
}

#[test]
fn the_core_accepts_exactly_the_languages_the_catalogue_has() {
    // `elements-client` refuses a language without a catalogue; its list must be this one.
    let core =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../client/src/api/me.rs"))
            .expect("client source");
    let tags: Vec<String> = Lang::ALL.iter().map(|l| format!("\"{}\"", l.tag())).collect();
    let line = format!("pub const LANGUAGES: [&str; {}] = [{}];", tags.len(), tags.join(", "));
    assert!(core.contains(&line), "client/src/api/me.rs should say: {line}");
}
