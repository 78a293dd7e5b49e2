//! Attendee rosters as ticket shops export them, and as hostile or broken files arrive.

use elements_import::roster::{read_roster, Attendee, Field, RosterError, RosterOptions, Shop, MAX_CELL_CHARS};
use proptest::prelude::*;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/roster/{name}", env!("CARGO_MANIFEST_DIR"))).expect("fixture")
}

fn by_key<'a>(attendees: &'a [Attendee], key: &str) -> &'a Attendee {
    attendees.iter().find(|a| a.key == key).unwrap_or_else(|| panic!("no {key} in {attendees:#?}"))
}

/// pretix's order positions: one row per ticket, keyed by order code and position; the
/// attendee's own e-mail before the buyer's, the product with its variation, the order's locale.
#[test]
fn a_pretix_export_reads_each_position_as_an_attendee() {
    let roster = read_roster(&fixture("pretix-order-positions.csv"), &RosterOptions::default()).expect("read");
    assert_eq!(roster.shop, Shop::Pretix);
    assert_eq!(roster.attendees.len(), 4, "{:#?}", roster.problems);
    let aigerim = by_key(&roster.attendees, "KX7QP-1");
    assert_eq!(aigerim.name, "Айгерим Садыкова");
    assert_eq!(aigerim.email.as_deref(), Some("aigerim@example.kz"));
    assert_eq!(aigerim.ticket_type.as_deref(), Some("Conference ticket – Early bird"));
    assert_eq!(aigerim.order.as_deref(), Some("KX7QP"));
    assert_eq!(aigerim.company.as_deref(), Some("Kaspi Lab"));
    assert_eq!(aigerim.language.as_deref(), Some("ru"));
    assert!(!aigerim.cancelled);
    // No attendee e-mail: the order's.
    assert_eq!(by_key(&roster.attendees, "KX7QP-2").email.as_deref(), Some("buyer@example.kz"));
    let dana = by_key(&roster.attendees, "M2RN9-1");
    assert_eq!(dana.company.as_deref(), Some("Patel, Berg & Co"));
    assert_eq!(dana.ticket_type.as_deref(), Some("Workshop day"));
    let erlan = by_key(&roster.attendees, "W9ZZ4-1");
    assert!(erlan.cancelled);
    assert_eq!(erlan.language.as_deref(), Some("en"));
    assert!(roster.problems.is_empty(), "{:#?}", roster.problems);
}

#[test]
fn an_eventbrite_export_reads_attendees_by_attendee_number() {
    let roster = read_roster(&fixture("eventbrite-attendee-summary.csv"), &RosterOptions::default()).expect("read");
    assert_eq!(roster.shop, Shop::Eventbrite);
    let gulnara = by_key(&roster.attendees, "5311002201");
    assert_eq!(gulnara.name, "Gulnara Ivanova");
    assert_eq!(gulnara.ticket_type.as_deref(), Some("General Admission"));
    assert_eq!(gulnara.order.as_deref(), Some("4820013377"));
    assert_eq!(gulnara.company.as_deref(), Some("Berg Systems"));
    assert!(!by_key(&roster.attendees, "5311002202").cancelled, "checked in is attending");
    assert!(by_key(&roster.attendees, "5311009901").cancelled, "not attending");
}

/// Tito: keyed by ticket reference; a void ticket is cancelled; an unassigned ticket (no name
/// yet) is imported and named as such.
#[test]
fn a_tito_export_reads_tickets_by_reference() {
    let roster = read_roster(&fixture("tito-tickets.csv"), &RosterOptions::default()).expect("read");
    assert_eq!(roster.shop, Shop::Tito);
    let julia = by_key(&roster.attendees, "GIAO-1");
    assert_eq!(julia.name, "Julia Chen");
    assert_eq!(julia.ticket_type.as_deref(), Some("Speaker"));
    assert_eq!(julia.order.as_deref(), Some("GIAO"));
    assert_eq!(julia.company.as_deref(), Some("Chen Robotics"));
    let unassigned = by_key(&roster.attendees, "GIAO-2");
    assert_eq!((unassigned.name.as_str(), unassigned.email.as_deref()), ("", None));
    assert!(roster.problems.iter().any(|p| !p.skipped && p.line == 3 && p.detail.contains("unassigned")));
    assert!(by_key(&roster.attendees, "KPLM").cancelled);
}

/// Any other CSV: semicolons (Excel in a Russian locale), a column mapping, and the key falling
/// back to the e-mail address.
#[test]
fn another_csv_reads_through_a_column_mapping() {
    let csv = "ФИО;Почта;Компания;Статус\nАйгерим Садыкова;Aigerim@Example.kz;Kaspi;оплачен\nБолат Нурланов;bolat@example.kz;;отменён\n";
    let refused = read_roster(csv.as_bytes(), &RosterOptions::default()).expect_err("unknown shape");
    assert!(matches!(&refused, RosterError::UnknownShape { columns } if columns.contains("ФИО")), "{refused}");
    let wrong = RosterOptions { mapping: vec![(Field::Name, "Имя".into())], ..Default::default() };
    let refused = read_roster(csv.as_bytes(), &wrong).expect_err("no such column");
    assert!(refused.to_string().contains("\"Имя\"") && refused.to_string().contains("ФИО"), "{refused}");
    let options = RosterOptions {
        mapping: vec![
            (Field::Name, "фио".into()),
            (Field::Email, "Почта".into()),
            (Field::Company, "Компания".into()),
            (Field::Status, "Статус".into()),
        ],
        ..Default::default()
    };
    let roster = read_roster(csv.as_bytes(), &options).expect("read");
    assert_eq!(roster.shop, Shop::Csv);
    let a = by_key(&roster.attendees, "aigerim@example.kz");
    assert_eq!((a.name.as_str(), a.company.as_deref(), a.cancelled), ("Айгерим Садыкова", Some("Kaspi"), false));
    assert!(by_key(&roster.attendees, "bolat@example.kz").cancelled);
}

/// A roster saved by Excel in Windows-1251 is refused naming the line and the way out, and read
/// when its encoding is named; UTF-16 with a byte-order mark (Excel's "Unicode text") reads as is.
#[test]
fn encodings_other_than_utf8_are_named_or_read() {
    let text = "Order #,First Name,Last Name,Email,Attendee #\n1,Иван,Петров,ivan@example.ru,77\n";
    let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(text);
    let refused = read_roster(&cp1251, &RosterOptions::default()).expect_err("not UTF-8");
    assert!(matches!(refused, RosterError::NotUtf8 { line: 2, .. }), "{refused}");
    assert!(refused.to_string().contains("--encoding windows-1251"));
    let options = RosterOptions { encoding: Some("windows-1251".into()), ..Default::default() };
    let roster = read_roster(&cp1251, &options).expect("read");
    assert_eq!(by_key(&roster.attendees, "77").name, "Иван Петров");
    let unknown = RosterOptions { encoding: Some("klingon".into()), ..Default::default() };
    assert!(matches!(read_roster(&cp1251, &unknown), Err(RosterError::UnknownEncoding(_))));

    let tabs = text.replace(',', "\t");
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(tabs.encode_utf16().flat_map(|u| u.to_le_bytes()));
    let roster = read_roster(&utf16, &RosterOptions::default()).expect("read UTF-16");
    assert_eq!(by_key(&roster.attendees, "77").name, "Иван Петров");
}

/// A hostile export: a 10 MB cell, a formula in a name, a row with a column too few, a quote
/// that never closes. The good rows are read; every bad one is named by its line.
#[test]
fn a_hostile_csv_is_read_safely_with_every_problem_named() {
    let mut csv = String::from("Order #,First Name,Last Name,Email,Attendee #,Company\n");
    csv.push_str("1,Dana,Patel,dana@example.org,101,Patel Labs\n");
    csv.push_str(&format!("2,{},Huge,huge@example.org,102,\n", "x".repeat(10 << 20)));
    csv.push_str("3,=cmd|' /C calc'!A0,Smith,eve@example.org,103,@SUM(A1)\n");
    csv.push_str("4,Short,Row,short@example.org,104\n");
    csv.push_str("5,Bad,Mail,not-an-address,105,\n");
    csv.push_str("5,Dup,Licate,dup@example.org,101,\n");
    csv.push_str("6,\"Never closed,Quote,q@example.org,106,\n7,After,It,a@example.org,107,\n");
    let roster = read_roster(csv.as_bytes(), &RosterOptions::default()).expect("read");
    let keys: Vec<&str> = roster.attendees.iter().map(|a| a.key.as_str()).collect();
    assert_eq!(keys, ["101", "103", "105"], "{:#?}", roster.problems);
    let problem = |line: u64| {
        roster.problems.iter().filter(|p| p.line == line).map(|p| p.to_string()).collect::<Vec<_>>().join(" | ")
    };
    assert!(problem(3).contains("holds 10485760 characters") && problem(3).contains(&MAX_CELL_CHARS.to_string()));
    assert!(problem(3).contains("skipped"));
    // The formula is kept as the text it is, and named.
    let eve = by_key(&roster.attendees, "103");
    assert_eq!(eve.name, "=cmd|' /C calc'!A0 Smith");
    assert_eq!(eve.company.as_deref(), Some("@SUM(A1)"));
    assert!(problem(4).contains("formula") && problem(4).contains("imported"), "{}", problem(4));
    assert!(problem(5).contains("5 fields where the header has 6"), "{}", problem(5));
    assert!(problem(6).contains("not an e-mail address"), "{}", problem(6));
    assert_eq!(by_key(&roster.attendees, "105").email, None);
    assert!(problem(7).contains("appeared on an earlier line"), "{}", problem(7));
    // The unclosed quote swallows the rest of the file into one field: that row is named.
    assert!(!keys.contains(&"106") && !keys.contains(&"107"));
    assert!(roster.problems.iter().any(|p| p.line == 8 && p.skipped), "{:#?}", roster.problems);
}

#[test]
fn files_that_are_not_rosters_are_refused_in_a_sentence() {
    assert_eq!(read_roster(b"", &RosterOptions::default()).expect_err("empty"), RosterError::NoHeader);
    let e =
        read_roster(b"Order code,Status\nAB,Paid\n", &RosterOptions { shop: Some(Shop::Pretix), ..Default::default() })
            .expect_err("no name column");
    assert!(e.to_string().contains("pretix export without a name"), "{e}");
    let e = read_roster(&vec![b'a'; 65 << 20], &RosterOptions::default()).expect_err("too large");
    assert!(matches!(e, RosterError::TooLarge { .. }));
}

fn text_cell() -> impl Strategy<Value = String> {
    // Names as people have them, and as spreadsheets break them: commas, quotes, semicolons,
    // Cyrillic, leading formula characters.
    proptest::string::string_regex("[A-Za-zА-Яа-яЁё0-9 ,;\"'=+@-]{1,30}").expect("regex")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Any bytes: an error or a roster, never a panic; keys never repeat.
    #[test]
    fn any_bytes_read_without_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000), shop in 0usize..5) {
        let options = RosterOptions { shop: Shop::ALL.get(shop).copied(), ..Default::default() };
        if let Ok(roster) = read_roster(&bytes, &options) {
            let mut keys: Vec<&str> = roster.attendees.iter().map(|a| a.key.as_str()).collect();
            keys.sort();
            let n = keys.len();
            keys.dedup();
            prop_assert_eq!(n, keys.len());
        }
    }

    /// Attendees written as a Tito export (quoted by a CSV writer) read back as they were.
    #[test]
    fn a_written_tito_export_reads_back(people in proptest::collection::vec((text_cell(), text_cell(), any::<bool>()), 1..20)) {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(["Ticket Reference", "Ticket Full Name", "Ticket Company Name", "Void Status"]).expect("header");
        for (i, (name, company, void)) in people.iter().enumerate() {
            w.write_record([format!("REF-{i}"), name.clone(), company.clone(), if *void { "void".into() } else { String::new() }])
                .expect("row");
        }
        let bytes = w.into_inner().expect("csv");
        let roster = read_roster(&bytes, &RosterOptions::default()).expect("read");
        for (i, (name, company, void)) in people.iter().enumerate() {
            let a = by_key(&roster.attendees, &format!("REF-{i}"));
            let squeezed = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
            prop_assert_eq!(&a.name, &squeezed(name));
            prop_assert_eq!(a.company.clone().unwrap_or_default(), squeezed(company));
            prop_assert_eq!(a.cancelled, *void);
        }
    }
}
