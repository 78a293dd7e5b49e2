//! Contacts as vCard 4.0 (RFC 6350), for the phone's address book. The `vcard4` crate builds
//! and prints each card (escaping, folding, property order); this module only says what goes in.

use std::str::FromStr;

use elements_protocol::event::Profile;
use vcard4::{Uri, VcardBuilder};

/// One contact to write.
pub struct VcardContact<'a> {
    pub profile: &'a Profile,
    /// My note on them.
    pub note: &'a str,
    pub tags: &'a [String],
    /// "Met at <event>, <date>", in the person's language.
    pub met: &'a str,
}

/// The cards, one after another (a `.vcf` file holds any number).
pub fn contacts(event_id: &str, people: &[VcardContact<'_>]) -> String {
    let mut out = String::new();
    for c in people {
        let p = c.profile;
        let name = p.name.trim();
        let mut card = VcardBuilder::new(if name.is_empty() { p.id.clone() } else { name.to_string() });
        if let Some(org) = p.organization.as_deref().filter(|o| !o.trim().is_empty()) {
            card = card.org(vec![org.trim().to_string()]);
        }
        if let Some(role) = p.position.as_deref().filter(|r| !r.trim().is_empty()) {
            card = card.title(role.trim().to_string());
        }
        // Links are checked when published (http or https, no spaces); one that still does not
        // read as a URI is left out rather than failing the whole file.
        for link in &p.links {
            if let Ok(uri) = Uri::from_str(link) {
                card = card.url(uri);
            }
        }
        let mut categories: Vec<String> =
            c.tags.iter().map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect();
        categories.extend(p.interests.iter().map(|t| t.trim().to_string()).filter(|t| !t.is_empty()));
        if !categories.is_empty() {
            card = card.categories(categories);
        }
        let note = [c.note.trim(), c.met.trim()].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join("\n");
        if !note.is_empty() {
            card = card.note(note);
        }
        if let Some(photo) = p.photo.as_deref().filter(|ph| !ph.is_empty()) {
            if let Ok(uri) = Uri::from_str(&format!("data:image/jpeg;base64,{photo}")) {
                card = card.photo(uri);
            }
        }
        // Stable per event and person: importing the file again updates the same cards.
        let uid: String = format!("urn:elements:{event_id}:{}", p.id)
            .chars()
            .map(|ch| if ch.is_ascii_alphanumeric() || "-.:_".contains(ch) { ch } else { '-' })
            .collect();
        if let Ok(uri) = Uri::from_str(&uid) {
            card = card.uid(uri);
        }
        out.push_str(&card.finish().to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_carries_what_the_contact_showed_and_my_note_escaped() {
        let p = Profile {
            id: "pr-1".into(),
            name: "Айгерим Садыкова".into(),
            organization: Some("Kaspi; Lab, Almaty".into()),
            position: Some("CTO".into()),
            interests: vec!["rust".into()],
            links: vec!["https://example.org/a".into(), "http://bad link".into()],
            ..Profile::default()
        };
        let text = contacts(
            "almaty-2027",
            &[VcardContact { profile: &p, note: "Drones, call back", tags: &["lead".into()], met: "Met at X" }],
        );
        assert!(text.starts_with("BEGIN:VCARD\r\nVERSION:4.0\r\n"), "{text}");
        assert!(text.contains("FN:Айгерим Садыкова"));
        assert!(text.contains("ORG:Kaspi\\; Lab\\, Almaty"), "{text}");
        assert!(text.contains("URL:https://example.org/a"));
        assert!(!text.contains("bad link"));
        assert!(text.contains("UID:urn:elements:almaty-2027:pr-1"));
        assert!(text.trim_end().ends_with("END:VCARD"));
    }
}
