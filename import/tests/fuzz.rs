//! A mutation fuzzer over real files: every published schedule in ../shared/data/schedules and
//! every fixture, mutated with byte edits and a dictionary of values that broke importers before
//! (huge durations and years, DOCTYPEs inside text, folds, stray markup). The importer must never
//! panic (a panic hook counts panics even where `import` contains them) and whatever it accepts
//! must be a valid event.
//!
//! Bounded: `ELEMENTS_FUZZ_ITERATIONS` (default 4000) or `ELEMENTS_FUZZ_SECONDS` (default 30),
//! whichever ends first; `ELEMENTS_FUZZ_SEED` picks the run (printed on failure, to replay it).

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

static PANICS: AtomicUsize = AtomicUsize::new(0);

const DICTIONARY: &[&str] = &[
    "999999999999999999:00",
    "99999999999999999999",
    "-1",
    "0",
    "00:00",
    "24:00",
    "+262143-12-31T23:59:59+01:00",
    "-262143-01-01T00:00:00Z",
    "9999-12-31T23:59:59+14:00",
    "P1000000000000000W",
    "P1000000000000000D",
    "PT99999999999999999M",
    "<!DOCTYPE x>",
    "<![CDATA[",
    "]]>",
    "&amp;",
    "&#0;",
    "&#xFFFFFFFF;",
    "<",
    ">",
    "</event>",
    "<event>",
    "\"",
    "\\",
    "\r\n ",
    "\r\n\t",
    "\u{feff}",
    "\u{0}",
    "\u{fffd}",
    "Ж",
    "😀",
    "null",
    "[]",
    "{}",
    "1e999",
    ";TZID=Mars/Olympus",
    ";TZID=Europe/Paris",
    "BEGIN:VEVENT\r\n",
    "END:VEVENT\r\n",
    "BEGIN:VALARM\r\n",
    "Z",
    "T",
];

/// xorshift64*: small, seeded, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(7) {
            0 => {
                if let Some(b) = out.get_mut(at) {
                    *b ^= 1 << rng.below(8);
                }
            }
            1 => {
                let end = (at + rng.below(64)).min(out.len());
                out.drain(at..end);
            }
            2 => {
                let end = (at + rng.below(256)).min(out.len());
                let chunk = out[at..end].to_vec();
                let to = rng.below(out.len() + 1);
                out.splice(to..to, chunk);
            }
            3 | 4 => {
                let token = DICTIONARY[rng.below(DICTIONARY.len())].as_bytes();
                out.splice(at..at, token.iter().copied());
            }
            5 => {
                // Replace the value after a '>' or ':' with a dictionary token: where values live.
                if let Some(start) = out[at.min(out.len())..].iter().position(|&b| b == b'>' || b == b':') {
                    let start = at + start + 1;
                    let end = out[start..]
                        .iter()
                        .position(|&b| b == b'<' || b == b'\n' || b == b'"')
                        .map_or(out.len(), |e| start + e);
                    let token = DICTIONARY[rng.below(DICTIONARY.len())].as_bytes();
                    out.splice(start..end, token.iter().copied());
                }
            }
            _ => {
                // Replace a run of digits with a huge or negative number.
                if let Some(start) = out[at.min(out.len())..].iter().position(u8::is_ascii_digit) {
                    let start = at + start;
                    let end = out[start..].iter().position(|b| !b.is_ascii_digit()).map_or(out.len(), |e| start + e);
                    // 18 nines fit an i64 and overflow any sum; 20 do not fit; 262143 is chrono's last year.
                    let token: &[u8] =
                        [&b"999999999999999999"[..], b"99999999999999999999", b"262143", b"0"][rng.below(4)];
                    out.splice(start..end, token.iter().copied());
                }
            }
        }
    }
    out
}

fn corpus() -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let dirs = [
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/schedules"),
    ];
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for path in entries {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if name.starts_with("schema") || name.ends_with(".md") || name.ends_with(".xsd") {
                continue;
            }
            if let Ok(bytes) = std::fs::read(&path) {
                files.push((name, bytes));
            }
        }
    }
    files
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[test]
fn mutated_published_schedules_never_panic_and_what_is_accepted_is_valid() {
    let corpus = corpus();
    assert!(corpus.len() >= 4, "the fixtures at least");
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, Ordering::SeqCst);
        previous(info);
    }));
    let seed = env_number("ELEMENTS_FUZZ_SEED", 0x5eed_e1e3);
    let iterations = env_number("ELEMENTS_FUZZ_ITERATIONS", 4000);
    let deadline = Instant::now() + Duration::from_secs(env_number("ELEMENTS_FUZZ_SECONDS", 30));
    let mut rng = Rng(seed | 1);
    let (mut ran, mut accepted) = (0u64, 0u64);
    let options = elements_import::Options::with_timezone("Europe/Berlin").expect("zone");
    while ran < iterations && Instant::now() < deadline {
        let (name, input) = &corpus[rng.below(corpus.len())];
        let mutated = mutate(&mut rng, input);
        let with_zone = rng.below(2) == 0;
        let result = if with_zone {
            elements_import::import_with(&mutated, &options)
        } else {
            elements_import::import(&mutated)
        };
        let panics = PANICS.load(Ordering::SeqCst);
        if panics > 0 {
            let out = std::env::temp_dir().join(format!("elements-fuzz-crash-{seed}-{ran}"));
            let _ = std::fs::write(&out, &mutated);
            panic!(
                "iteration {ran} (seed {seed}) of {name} panicked inside the importer; input saved to {}",
                out.display()
            );
        }
        if let Ok(imported) = result {
            accepted += 1;
            if let Err(problems) = elements_domain::validate(&imported.bundle) {
                panic!("iteration {ran} (seed {seed}) of {name}: accepted an invalid event: {problems:?}");
            }
        }
        ran += 1;
    }
    let _ = std::panic::take_hook();
    eprintln!("fuzz: {ran} mutated files from {} inputs, {accepted} accepted, no panic (seed {seed})", corpus.len());
    assert!(ran >= 100.min(iterations), "ran only {ran} iterations");
}
