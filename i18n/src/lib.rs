//! Every sentence a person reads in the app, in each language the app speaks, as Fluent
//! messages (`locales/<lang>.ftl`, compiled in). Plural forms follow each language's CLDR
//! rules through Fluent's selectors ("1 доклад", "22 доклада", "25 докладов").
//!
//! Knows nothing of Leptos or the webview: the UI asks [`Catalogue::text`] for a message by
//! its key, and the tests here check that both languages have every key the UI uses.

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};

/// The languages the app speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Ru,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ru];

    /// The BCP 47 tag ("en", "ru"), as stored and as given to the platform's date formatting.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ru => "ru",
        }
    }

    /// The language's own name, for the switch ("English", "Русский").
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Ru => "Русский",
        }
    }

    /// The app's language for a platform tag ("ru-RU", "en_GB.UTF-8"): ours if we speak it,
    /// else English.
    pub fn from_tag(tag: &str) -> Lang {
        let primary = tag.split(['-', '_', '.']).next().unwrap_or("").to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.tag() == primary).unwrap_or(Lang::En)
    }

    fn source(self) -> &'static str {
        match self {
            Lang::En => include_str!("../locales/en.ftl"),
            Lang::Ru => include_str!("../locales/ru.ftl"),
        }
    }
}

/// An argument of a message: text or a number (numbers choose plural forms).
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Text(String),
    Number(i64),
}

impl From<&str> for Arg {
    fn from(v: &str) -> Arg {
        Arg::Text(v.to_string())
    }
}

impl From<String> for Arg {
    fn from(v: String) -> Arg {
        Arg::Text(v)
    }
}

macro_rules! number_args {
    ($($t:ty),*) => { $(impl From<$t> for Arg {
        fn from(v: $t) -> Arg {
            Arg::Number(i64::try_from(v).unwrap_or(i64::MAX))
        }
    })* };
}
number_args!(u32, u64, usize, i32, i64);

/// The messages of every language, parsed once.
pub struct Catalogue {
    bundles: Vec<(Lang, FluentBundle<FluentResource>)>,
}

impl Default for Catalogue {
    fn default() -> Self {
        Catalogue::new()
    }
}

impl Catalogue {
    /// Parses the compiled-in catalogues. A syntax error in one is a build-time mistake that
    /// the tests catch; here the broken entries are skipped and the rest still load.
    pub fn new() -> Catalogue {
        let bundles = Lang::ALL
            .into_iter()
            .map(|lang| {
                let resource =
                    FluentResource::try_new(lang.source().to_string()).unwrap_or_else(|(partial, _)| partial);
                let id: unic_langid::LanguageIdentifier =
                    lang.tag().parse().unwrap_or_else(|_| unic_langid::LanguageIdentifier::default());
                let mut bundle = FluentBundle::new(vec![id]);
                // Unicode isolation marks around arguments help right-to-left scripts; ours are
                // left-to-right, and the marks would show up in tests and copied text.
                bundle.set_use_isolating(false);
                let _ = bundle.add_resource(resource);
                (lang, bundle)
            })
            .collect();
        Catalogue { bundles }
    }

    fn bundle(&self, lang: Lang) -> &FluentBundle<FluentResource> {
        // Every language has a bundle: `new` makes one per `Lang::ALL`.
        &self.bundles.iter().find(|(l, _)| *l == lang).unwrap_or(&self.bundles[0]).1
    }

    /// Message `key` in `lang` with `args`. A key missing in `lang` falls back to English, and
    /// one missing everywhere shows as the key itself, so a gap is visible, never blank.
    pub fn text(&self, lang: Lang, key: &str, args: &[(&str, Arg)]) -> String {
        self.try_text(lang, key, args).or_else(|| self.try_text(Lang::En, key, args)).unwrap_or_else(|| key.to_string())
    }

    /// Message `key` in `lang`, or `None` if `lang` lacks it or it failed to format.
    pub fn try_text(&self, lang: Lang, key: &str, args: &[(&str, Arg)]) -> Option<String> {
        let bundle = self.bundle(lang);
        let pattern = bundle.get_message(key)?.value()?;
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            match value {
                Arg::Text(t) => fluent_args.set(*name, FluentValue::from(t.as_str())),
                Arg::Number(n) => fluent_args.set(*name, FluentValue::from(*n)),
            }
        }
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors).into_owned();
        errors.is_empty().then_some(text)
    }

    /// The keys `lang` defines, for the completeness tests.
    pub fn keys(lang: Lang) -> Vec<String> {
        let resource = match fluent_syntax::parser::parse(lang.source()) {
            Ok(r) => r,
            Err((r, _)) => r,
        };
        resource
            .body
            .iter()
            .filter_map(|entry| match entry {
                fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
                _ => None,
            })
            .collect()
    }

    /// Syntax errors in `lang`'s file, in words.
    pub fn syntax_errors(lang: Lang) -> Vec<String> {
        match fluent_syntax::parser::parse(lang.source()) {
            Ok(_) => Vec::new(),
            Err((_, errors)) => errors.iter().map(|e| format!("{}: {e:?}", lang.tag())).collect(),
        }
    }
}
