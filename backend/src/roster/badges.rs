//! Badges to print, as one PDF: the attendee's name, company and ticket type, and their ticket's
//! QR code (the join link a door tablet checks in and a booth scans). A4 sheets of eight to cut,
//! or one badge a page for label printers.
//!
//! Text is set in DejaVu Sans (Latin and Cyrillic, bundled in `assets/fonts/`), embedded with a
//! ToUnicode map so the PDF's text can be searched and read back. QR codes are vector squares:
//! sharp at any printer resolution.

use std::collections::BTreeMap;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str};

use super::invitations::EventLine;
use crate::store::roster::RosterEntry;

const REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

const MM: f32 = 72.0 / 25.4;

/// Paper and badge size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A4 sheets of 2 × 4 badges of 95 × 68 mm, outlined for cutting (office printers, badge
    /// holders of that size).
    A4,
    /// One 4 × 3 inch (101.6 × 76.2 mm) badge a page: label printers' common badge size.
    Label,
}

impl Format {
    pub fn parse(name: &str) -> Option<Format> {
        match name.trim().to_ascii_lowercase().as_str() {
            "a4" => Some(Format::A4),
            "label" => Some(Format::Label),
            _ => None,
        }
    }

    /// Page size, badge size, columns and rows, in points.
    fn layout(self) -> ((f32, f32), (f32, f32), usize, usize) {
        match self {
            Format::A4 => ((210.0 * MM, 297.0 * MM), (95.0 * MM, 68.0 * MM), 2, 4),
            Format::Label => ((288.0, 216.0), (288.0, 216.0), 1, 1),
        }
    }
}

/// The badges of a roster as a PDF.
#[derive(Debug)]
pub struct BadgeSheet {
    pub pdf: Vec<u8>,
    pub badges: usize,
    pub pages: usize,
    /// Names (and companies) with characters the badge font cannot print: they show as boxes.
    pub unprintable: Vec<String>,
}

/// A font embedded in the PDF, with the glyphs the badges used.
struct EmbeddedFont {
    face: ttf_parser::Face<'static>,
    data: &'static [u8],
    resource: &'static [u8],
    base_name: &'static [u8],
    used: BTreeMap<u16, char>,
}

impl EmbeddedFont {
    fn new(data: &'static [u8], resource: &'static [u8], base_name: &'static [u8]) -> Result<Self, String> {
        let face = ttf_parser::Face::parse(data, 0).map_err(|e| format!("the bundled font: {e}"))?;
        Ok(EmbeddedFont { face, data, resource, base_name, used: BTreeMap::new() })
    }

    fn units(&self) -> f32 {
        f32::from(self.face.units_per_em())
    }

    /// Width of `text` at `size` points, and whether every character has a glyph.
    fn measure(&self, text: &str, size: f32) -> (f32, bool) {
        let mut width = 0.0;
        let mut complete = true;
        for c in text.chars() {
            match self.face.glyph_index(c) {
                Some(g) => width += f32::from(self.face.glyph_hor_advance(g).unwrap_or(0)),
                None => complete = false,
            }
        }
        (width * size / self.units(), complete)
    }

    /// `text` as the 2-byte glyph ids a Type 0 font with Identity-H shows.
    fn encode(&mut self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let g = self.face.glyph_index(c).map_or(0, |g| g.0);
            self.used.entry(g).or_insert(c);
            out.extend_from_slice(&g.to_be_bytes());
        }
        out
    }

    /// Writes the font's objects (Type 0, CID font, descriptor, file, ToUnicode) from `first`.
    fn write(&self, pdf: &mut Pdf, type0: Ref, first: &mut i32) {
        let mut next = || {
            *first += 1;
            Ref::new(*first)
        };
        let (cid, descriptor, file, cmap) = (next(), next(), next(), next());
        let scale = 1000.0 / self.units();
        pdf.type0_font(type0)
            .base_font(Name(self.base_name))
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(cmap);
        let info = SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"Identity"), supplement: 0 };
        let mut font = pdf.cid_font(cid);
        font.subtype(CidFontType::Type2)
            .base_font(Name(self.base_name))
            .system_info(info)
            .font_descriptor(descriptor)
            .default_width(0.0)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        let mut widths = font.widths();
        for g in self.used.keys() {
            let advance = self.face.glyph_hor_advance(ttf_parser::GlyphId(*g)).unwrap_or(0);
            widths.consecutive(*g, [f32::from(advance) * scale]);
        }
        widths.finish();
        font.finish();
        let bbox = self.face.global_bounding_box();
        pdf.font_descriptor(descriptor)
            .name(Name(self.base_name))
            .flags(FontFlags::NON_SYMBOLIC)
            .bbox(Rect::new(
                f32::from(bbox.x_min) * scale,
                f32::from(bbox.y_min) * scale,
                f32::from(bbox.x_max) * scale,
                f32::from(bbox.y_max) * scale,
            ))
            .italic_angle(0.0)
            .ascent(f32::from(self.face.ascender()) * scale)
            .descent(f32::from(self.face.descender()) * scale)
            .cap_height(f32::from(self.face.capital_height().unwrap_or(self.face.ascender())) * scale)
            .stem_v(80.0)
            .font_file2(file);
        let compressed = deflate(self.data);
        pdf.stream(file, &compressed).filter(Filter::FlateDecode).pair(Name(b"Length1"), self.data.len() as i32);
        let mut unicode = pdf_writer::types::UnicodeCmap::new(Name(b"Elements-UTF16"), info);
        for (g, c) in &self.used {
            unicode.pair(*g, *c);
        }
        pdf.cmap(cmap, &unicode.finish());
    }
}

fn deflate(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing to a Vec does not fail.
    let _ = e.write_all(data);
    e.finish().unwrap_or_default()
}

/// The badges of `entries` that still admit someone, in roster order; `link` makes each one's
/// join link from its ticket code.
pub fn badges(
    entries: &[RosterEntry],
    event: &EventLine,
    format: Format,
    link: impl Fn(&str) -> String,
) -> Result<BadgeSheet, String> {
    let mut regular = EmbeddedFont::new(REGULAR, b"F1", b"DejaVuSans")?;
    let mut bold = EmbeddedFont::new(BOLD, b"F2", b"DejaVuSans-Bold")?;
    let ((page_w, page_h), (badge_w, badge_h), columns, rows) = format.layout();
    let per_page = columns * rows;
    let active: Vec<&RosterEntry> = entries.iter().filter(|e| !e.cancelled).collect();
    let pages = active.len().div_ceil(per_page).max(1);
    let mut pdf = Pdf::new();
    let (catalog, tree, regular_ref, bold_ref) = (Ref::new(1), Ref::new(2), Ref::new(3), Ref::new(4));
    let mut next_id = 4;
    let mut page_refs = Vec::new();
    let mut unprintable = Vec::new();
    let margin_x = (page_w - badge_w * columns as f32) / 2.0;
    let margin_y = (page_h - badge_h * rows as f32) / 2.0;
    for page in 0..pages {
        next_id += 1;
        let page_ref = Ref::new(next_id);
        next_id += 1;
        let content_ref = Ref::new(next_id);
        let mut content = Content::new();
        for (slot, entry) in active.iter().skip(page * per_page).take(per_page).enumerate() {
            let (col, row) = (slot % columns, slot / columns);
            let x = margin_x + col as f32 * badge_w;
            let y = page_h - margin_y - (row + 1) as f32 * badge_h;
            let qr = super::qr_modules(&link(&entry.ticket.code)).map_err(|e| format!("{}: {e}", entry.name))?;
            for text in [Some(&entry.name), entry.company.as_ref()].into_iter().flatten() {
                let font = if Some(text) == Some(&entry.name) { &bold } else { &regular };
                if !font.measure(text, 10.0).1 {
                    unprintable.push(text.clone());
                }
            }
            draw_badge(
                &mut content,
                (x, y, badge_w, badge_h),
                format == Format::A4,
                entry,
                event,
                &qr,
                &mut regular,
                &mut bold,
            );
        }
        pdf.stream(content_ref, &content.finish());
        let mut p = pdf.page(page_ref);
        p.media_box(Rect::new(0.0, 0.0, page_w, page_h)).parent(tree).contents(content_ref);
        p.resources().fonts().pair(Name(regular.resource), regular_ref).pair(Name(bold.resource), bold_ref);
        p.finish();
        page_refs.push(page_ref);
    }
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids(page_refs.iter().copied()).count(page_refs.len() as i32);
    regular.write(&mut pdf, regular_ref, &mut next_id);
    bold.write(&mut pdf, bold_ref, &mut next_id);
    Ok(BadgeSheet { pdf: pdf.finish(), badges: active.len(), pages, unprintable })
}

/// Lays out one badge in the box `(x, y, w, h)` (points, from the page's bottom left).
#[allow(clippy::too_many_arguments)]
fn draw_badge(
    content: &mut Content,
    (x, y, w, h): (f32, f32, f32, f32),
    outline: bool,
    entry: &RosterEntry,
    event: &EventLine,
    qr: &[Vec<bool>],
    regular: &mut EmbeddedFont,
    bold: &mut EmbeddedFont,
) {
    let pad = 5.0 * MM;
    if outline {
        // A hairline to cut along.
        content.save_state();
        content.set_stroke_gray(0.75).set_line_width(0.4).rect(x, y, w, h).stroke();
        content.restore_state();
    }
    // The QR code on the right, as tall as the badge allows below the event's name.
    let qr_side = (h - 2.0 * pad - 14.0).min(w * 0.42);
    let qr_x = x + w - pad - qr_side;
    let qr_y = y + pad;
    let modules = qr.len() as f32 + 8.0;
    let unit = qr_side / modules;
    content.set_fill_gray(0.0);
    for (r, line) in qr.iter().enumerate() {
        for (c, dark) in line.iter().enumerate() {
            if *dark {
                let mx = qr_x + (c as f32 + 4.0) * unit;
                let my = qr_y + qr_side - (r as f32 + 5.0) * unit;
                content.rect(mx, my, unit, unit);
            }
        }
    }
    content.fill_nonzero();
    let text_w = qr_x - x - pad - 2.0 * MM;
    let top = y + h - pad;
    // The event's name, small, across the top.
    let event_size = fit(regular, &event.name, w - 2.0 * pad, 9.0, 6.0);
    text(content, regular, &event.name, x + pad, top - event_size, event_size, 0.35);
    // The name: as large as fits, on two lines when it must.
    let lines = name_lines(bold, &entry.name, text_w);
    let size = lines.iter().map(|l| fit(bold, l, text_w, 24.0, 10.0)).fold(24.0_f32, f32::min);
    let mut baseline = top - event_size - 8.0 - size;
    for line in &lines {
        text(content, bold, line, x + pad, baseline, size, 0.0);
        baseline -= size * 1.15;
    }
    if let Some(company) = entry.company.as_deref().filter(|c| !c.is_empty()) {
        let size = fit(regular, company, text_w, 12.0, 7.0);
        text(content, regular, company, x + pad, baseline - 2.0, size, 0.2);
    }
    if let Some(kind) = entry.ticket_type.as_deref().filter(|t| !t.is_empty()) {
        let size = fit(regular, kind, text_w, 9.0, 6.0);
        text(content, regular, kind, x + pad, y + pad, size, 0.35);
    }
}

/// Sets `s` at `(x, y)` in `size` points and `gray`.
fn text(content: &mut Content, font: &mut EmbeddedFont, s: &str, x: f32, y: f32, size: f32, gray: f32) {
    let glyphs = font.encode(s);
    content.set_fill_gray(gray);
    content.begin_text();
    content.set_font(Name(font.resource), size);
    content.next_line(x, y);
    content.show(Str(&glyphs));
    content.end_text();
}

/// The largest size from `max` down to `min` at which `s` fits `width` (else `min`).
fn fit(font: &EmbeddedFont, s: &str, width: f32, max: f32, min: f32) -> f32 {
    let at_one = font.measure(s, 1.0).0;
    if at_one <= 0.0 {
        return max;
    }
    (width / at_one).clamp(min, max)
}

/// A name on one line, or split in two at the space that balances it best when one line would
/// make it small.
fn name_lines(font: &EmbeddedFont, name: &str, width: f32) -> Vec<String> {
    let name = if name.trim().is_empty() { " " } else { name.trim() };
    if fit(font, name, width, 24.0, 10.0) >= 16.0 || !name.contains(' ') {
        return vec![name.to_string()];
    }
    let spaces: Vec<usize> = name.match_indices(' ').map(|(i, _)| i).collect();
    let best = spaces
        .iter()
        .min_by(|a, b| {
            let longest = |i: usize| font.measure(&name[..i], 1.0).0.max(font.measure(&name[i + 1..], 1.0).0);
            longest(**a).total_cmp(&longest(**b))
        })
        .copied()
        .unwrap_or(0);
    vec![name[..best].to_string(), name[best + 1..].to_string()]
}
