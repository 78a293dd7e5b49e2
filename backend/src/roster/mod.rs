//! What the organizer does with the roster (`store::roster` keeps it): invitations by e-mail
//! and badges printed as PDF.

pub mod badges;
pub mod invitations;

use elements_protocol::event::Manifest;

/// The event as an invitation or a badge names it.
pub fn event_line(manifest: &Manifest) -> invitations::EventLine {
    let dates = match (manifest.days.first(), manifest.days.last()) {
        (Some(first), Some(last)) => {
            Some((date_range(first.date, last.date, "en"), date_range(first.date, last.date, "ru")))
        }
        _ => None,
    };
    invitations::EventLine { name: manifest.name.clone(), dates, languages: manifest.languages.clone() }
}

/// "10–12 March 2027", "30 March – 1 April 2027"; in Russian "10–12 марта 2027 г.".
pub fn date_range(first: chrono::NaiveDate, last: chrono::NaiveDate, language: &str) -> String {
    use chrono::Datelike;
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    // Russian dates take the genitive month.
    const RU: [&str; 12] = [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ];
    let months = if language == "ru" { RU } else { EN };
    let month = |d: chrono::NaiveDate| months[d.month0() as usize];
    let year = if language == "ru" { format!("{} г.", last.year()) } else { last.year().to_string() };
    if first == last {
        format!("{} {} {year}", first.day(), month(first))
    } else if (first.year(), first.month()) == (last.year(), last.month()) {
        format!("{}–{} {} {year}", first.day(), last.day(), month(last))
    } else if first.year() == last.year() {
        format!("{} {} – {} {} {year}", first.day(), month(first), last.day(), month(last))
    } else {
        let first_year = if language == "ru" { format!("{} г.", first.year()) } else { first.year().to_string() };
        format!("{} {} {first_year} – {} {} {year}", first.day(), month(first), last.day(), month(last))
    }
}

/// A join link's QR code (error correction M) as rows of modules, dark (true) and light: the
/// invitation's PNG and the badge's vector squares are drawn from it.
pub(crate) fn qr_modules(link: &str) -> Result<Vec<Vec<bool>>, String> {
    let code =
        qrcode::QrCode::with_error_correction_level(link.as_bytes(), qrcode::EcLevel::M).map_err(|e| e.to_string())?;
    let n = code.width();
    let colors = code.to_colors();
    Ok((0..n).map(|r| (0..n).map(|c| colors[r * n + c] == qrcode::Color::Dark).collect()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_ranges_read_as_people_write_them() {
        let d = |s: &str| s.parse::<chrono::NaiveDate>().expect("date");
        assert_eq!(date_range(d("2027-03-10"), d("2027-03-12"), "en"), "10–12 March 2027");
        assert_eq!(date_range(d("2027-03-10"), d("2027-03-12"), "ru"), "10–12 марта 2027 г.");
        assert_eq!(date_range(d("2027-03-30"), d("2027-04-01"), "en"), "30 March – 1 April 2027");
        assert_eq!(date_range(d("2027-03-10"), d("2027-03-10"), "ru"), "10 марта 2027 г.");
        assert_eq!(date_range(d("2026-12-31"), d("2027-01-01"), "en"), "31 December 2026 – 1 January 2027");
    }
}
