//! `elements://` links: what the event's QR codes carry. One type, printed by the backend that
//! makes the codes, parsed by the app that follows them and by the scanner.
//!
//! - `elements://join?url=<backend base URL>&code=<join code>`: join an event (the code is
//!   optional).
//! - `elements://checkpoint?event=<id>&quest=<id>&checkpoint=<id>&sig=<hex>`: a quest checkpoint,
//!   signed with the event's QR key (`docs/protocol.md`, QR codes).
//! - `elements://place?event=<id>&place=<id>`: opens the map at a place.
//! - `elements://here?event=<id>&place=<id>&sig=<hex>`: a location code posted in the venue
//!   ("you are here"), signed like a checkpoint over `signal::location_message`.
//! - `elements://badge?event=<id>&code=<badge code>&name=<name>`: a person's badge, to exchange
//!   contacts (the name is what the badge's owner goes by, shown until the backend confirms).
//!
//! Values are percent-encoded (RFC 3986 unreserved characters stay as they are); parsing also
//! reads `+` as a space, as form encoders write it. Unknown parameters are ignored, so a newer
//! link still opens in an older app.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    Join {
        url: String,
        code: Option<String>,
    },
    Checkpoint {
        event: String,
        quest: String,
        checkpoint: String,
        sig: String,
    },
    /// Opens the map at a place (printable; anyone may make one).
    Place {
        event: String,
        place: String,
    },
    /// A location code posted in the venue: "you are here", signed by the event like a checkpoint.
    Here {
        event: String,
        place: String,
        sig: String,
    },
    /// A person's badge: scanning it exchanges contacts.
    Badge {
        event: String,
        code: String,
        name: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkError {
    /// Not an `elements://` link at all.
    NotALink,
    /// An `elements://` link of a kind this app does not know (from a newer app).
    UnknownKind(String),
    /// A required parameter is missing or empty.
    Missing { link: &'static str, parameter: &'static str },
    /// A value is not valid percent-encoded UTF-8.
    BadEncoding { parameter: String },
    /// Longer than any code this protocol makes.
    TooLong,
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::NotALink => write!(f, "this is not an Elements link (elements://…)"),
            LinkError::UnknownKind(kind) => {
                write!(f, "this app does not know elements://{kind} links yet; update the app")
            }
            LinkError::Missing { link, parameter } => {
                write!(f, "the {link} link has no {parameter}=…; scan the code again")
            }
            LinkError::BadEncoding { parameter } => write!(f, "the link's {parameter} is badly encoded"),
            LinkError::TooLong => write!(f, "the link is longer than any Elements code"),
        }
    }
}

impl std::error::Error for LinkError {}

/// Longest link accepted: a QR code holds at most about 4 KB anyway.
pub const MAX_LINK: usize = 4096;

impl Link {
    pub fn parse(text: &str) -> Result<Link, LinkError> {
        let text = text.trim();
        if text.len() > MAX_LINK {
            return Err(LinkError::TooLong);
        }
        let rest = text.strip_prefix("elements://").ok_or(LinkError::NotALink)?;
        let (kind, query) = rest.split_once('?').unwrap_or((rest, ""));
        let kind = kind.trim_end_matches('/');
        let mut params: Vec<(&str, String)> = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = decode(v).ok_or_else(|| LinkError::BadEncoding { parameter: k.chars().take(40).collect() })?;
            params.push((k, v));
        }
        // The first value of a parameter wins; an empty one counts as absent.
        let get =
            |name: &str| params.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone()).filter(|v| !v.is_empty());
        match kind {
            "join" => Ok(Link::Join {
                url: get("url").ok_or(LinkError::Missing { link: "join", parameter: "url" })?,
                code: get("code"),
            }),
            "checkpoint" => {
                let need = |p: &'static str| get(p).ok_or(LinkError::Missing { link: "checkpoint", parameter: p });
                Ok(Link::Checkpoint {
                    event: need("event")?,
                    quest: need("quest")?,
                    checkpoint: need("checkpoint")?,
                    sig: need("sig")?,
                })
            }
            "place" => {
                let need = |p: &'static str| get(p).ok_or(LinkError::Missing { link: "place", parameter: p });
                Ok(Link::Place { event: need("event")?, place: need("place")? })
            }
            "here" => {
                let need = |p: &'static str| get(p).ok_or(LinkError::Missing { link: "here", parameter: p });
                Ok(Link::Here { event: need("event")?, place: need("place")?, sig: need("sig")? })
            }
            "badge" => {
                let need = |p: &'static str| get(p).ok_or(LinkError::Missing { link: "badge", parameter: p });
                Ok(Link::Badge { event: need("event")?, code: need("code")?, name: get("name") })
            }
            other => Err(LinkError::UnknownKind(other.chars().take(40).collect())),
        }
    }
}

impl fmt::Display for Link {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Link::Join { url, code } => {
                write!(f, "elements://join?url={}", encode(url))?;
                if let Some(code) = code {
                    write!(f, "&code={}", encode(code))?;
                }
                Ok(())
            }
            Link::Checkpoint { event, quest, checkpoint, sig } => write!(
                f,
                "elements://checkpoint?event={}&quest={}&checkpoint={}&sig={}",
                encode(event),
                encode(quest),
                encode(checkpoint),
                encode(sig)
            ),
            Link::Place { event, place } => {
                write!(f, "elements://place?event={}&place={}", encode(event), encode(place))
            }
            Link::Here { event, place, sig } => {
                write!(f, "elements://here?event={}&place={}&sig={}", encode(event), encode(place), encode(sig))
            }
            Link::Badge { event, code, name } => {
                write!(f, "elements://badge?event={}&code={}", encode(event), encode(code))?;
                if let Some(name) = name {
                    write!(f, "&name={}", encode(name))?;
                }
                Ok(())
            }
        }
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters (link values, URL path
/// segments).
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Reads what [`encode`] wrote (and `+` as a space); `None` for bad escapes or non-UTF-8.
pub fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_print_and_parse_back() {
        let join = Link::Join { url: "https://events.example.org/almaty 2027".into(), code: Some("DOOR&1=2".into()) };
        let text = join.to_string();
        assert_eq!(text, "elements://join?url=https%3A%2F%2Fevents.example.org%2Falmaty%202027&code=DOOR%261%3D2");
        assert_eq!(Link::parse(&text), Ok(join));
        assert_eq!(
            Link::parse("elements://join?url=http://127.0.0.1:8480&code=DEMO-ATTENDEE"),
            Ok(Link::Join { url: "http://127.0.0.1:8480".into(), code: Some("DEMO-ATTENDEE".into()) }),
            "unencoded values, as people type them"
        );
        assert_eq!(
            Link::parse("elements://join?url=x&code=&later=1"),
            Ok(Link::Join { url: "x".into(), code: None }),
            "an empty code is no code; unknown parameters are ignored"
        );
    }

    #[test]
    fn bad_links_say_what_is_wrong() {
        assert_eq!(Link::parse("https://example.org"), Err(LinkError::NotALink));
        assert_eq!(Link::parse("elements://ticket?id=1"), Err(LinkError::UnknownKind("ticket".into())));
        assert_eq!(
            Link::parse("elements://badge?code=K7Q2-MX4P"),
            Err(LinkError::Missing { link: "badge", parameter: "event" })
        );
        assert_eq!(Link::parse("elements://join?code=X"), Err(LinkError::Missing { link: "join", parameter: "url" }));
        assert!(matches!(Link::parse("elements://join?url=%FF"), Err(LinkError::BadEncoding { .. })));
        assert!(matches!(Link::parse("elements://join?url=%4"), Err(LinkError::BadEncoding { .. })));
        assert_eq!(Link::parse(&format!("elements://join?url={}", "a".repeat(MAX_LINK))), Err(LinkError::TooLong));
        let missing = Link::parse("elements://checkpoint?event=e&quest=q&checkpoint=c").expect_err("no sig");
        assert!(missing.to_string().contains("sig="), "{missing}");
    }

    /// Property: any values print to a link that parses back to the same values, and any text
    /// whatsoever parses to a link or an error, never a panic.
    #[test]
    fn any_values_round_trip_and_any_text_is_safe() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let alphabet: Vec<char> = "aZ09-_.~ %&=+?#/:\\\"'ЖӘ😀\u{0}\n".chars().collect();
        let word = |next: &mut dyn FnMut() -> u64| -> String {
            let n = (next() % 12) as usize + 1;
            (0..n).map(|_| alphabet[(next() % alphabet.len() as u64) as usize]).collect()
        };
        for _ in 0..2000 {
            let link = match next() % 5 {
                0 => Link::Join { url: word(&mut next), code: Some(word(&mut next)) },
                3 => Link::Badge { event: word(&mut next), code: word(&mut next), name: Some(word(&mut next)) },
                1 => Link::Place { event: word(&mut next), place: word(&mut next) },
                2 => Link::Here { event: word(&mut next), place: word(&mut next), sig: word(&mut next) },
                _ => Link::Checkpoint {
                    event: word(&mut next),
                    quest: word(&mut next),
                    checkpoint: word(&mut next),
                    sig: word(&mut next),
                },
            };
            let printed = link.to_string();
            assert_eq!(Link::parse(&printed), Ok(link.clone()), "{printed}");
            let mangled: String = printed.chars().filter(|_| next() % 7 != 0).collect();
            let _ = Link::parse(&mangled);
        }
    }
}
