//! Prints figures; asserts nothing about speed. Run: `cargo bench -p elements-client --bench people`
//!
//! On a cache file on disk (the app's own schema, written through `replace_event`):
//! * directory search over 20,000 profiles: 400 queries as people type them (a name's first
//!   letters, an organization, an interest, two words), half with an interest filter;
//! * session search over 5,000 sessions: 400 queries of title and speaker words;
//! * suggestions for one person against the 20,000 profiles: the matching alone, and the whole
//!   command (reading every profile from the cache, then matching).

use std::time::{Duration, Instant};

use elements_client::cache::Cache;
use elements_domain::people::{suggest, Seeker};
use elements_protocol::event::{EventBundle, Profile};

const WORDS: [&str; 24] = [
    "rust",
    "design",
    "data",
    "cloud",
    "security",
    "mobile",
    "events",
    "ai",
    "robotics",
    "music",
    "health",
    "energy",
    "mentoring",
    "accessibility",
    "observability",
    "startups",
    "fintech",
    "education",
    "games",
    "maps",
    "privacy",
    "ux research",
    "open source",
    "hardware",
];
const FIRST: [&str; 16] = [
    "Aigerim", "Bolat", "Dana", "Erlan", "Felix", "Gulnara", "Hanna", "Ivan", "Julia", "Kairat", "Lena", "Marat",
    "Nurlan", "Olga", "Pavel", "Saule",
];
const LAST: [&str; 12] =
    ["Sadykova", "Wagner", "Patel", "Ivanov", "Nurlanova", "Kim", "Smith", "Petrov", "Ali", "Berg", "Chen", "Garcia"];

/// A small deterministic generator: the same figures on every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[(self.next() % v.len() as u64) as usize]
    }
}

fn tags(rng: &mut Rng, n: usize) -> Vec<String> {
    (0..n).map(|_| rng.pick(&WORDS).to_string()).collect::<std::collections::BTreeSet<_>>().into_iter().collect()
}

fn big_event(rng: &mut Rng) -> EventBundle {
    let mut b: EventBundle = serde_json::from_str(elements_client::bundled::DEMO_EVENT_JSON).expect("demo");
    let base = b.sessions.clone();
    b.sessions = (0..5000)
        .map(|i| {
            let mut s = base[i % base.len()].clone();
            s.id = format!("gen-s{i:05}");
            s.title = format!("{} {} #{i}", s.title, rng.pick(&WORDS));
            s
        })
        .collect();
    b.people = (0..20_000)
        .map(|i| Profile {
            id: format!("gen-p{i:05}"),
            name: format!("{} {}", rng.pick(&FIRST), rng.pick(&LAST)),
            organization: Some(format!("{} {}", rng.pick(&LAST), ["Labs", "Systems", "Group", "University"][i % 4])),
            position: Some(["Engineer", "Designer", "Founder", "Researcher", "Student"][i % 5].into()),
            interests: tags(rng, 3),
            looking_for: tags(rng, 1),
            offers: tags(rng, 1),
            sessions: (0..3).map(|_| format!("gen-s{:05}", rng.next() % 5000)).collect(),
            ..Profile::default()
        })
        .collect();
    b
}

/// Prints the quantiles; answers the p95 in milliseconds.
fn report(what: &str, mut times: Vec<Duration>) -> f64 {
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{what}: {} runs, p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        times.len(),
        ms(at(0.5)),
        ms(at(0.95)),
        ms(*times.last().expect("runs"))
    );
    ms(at(0.95))
}

fn main() {
    let mut rng = Rng(0x5eed_cafe);
    let event = big_event(&mut rng);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut cache = Cache::open(&dir.path().join("cache.sqlite3")).expect("cache").cache;
    let started = Instant::now();
    cache.replace_event(&event, "bench", "bench", &mut |_| {}).expect("load");
    println!(
        "cache: {} sessions, {} profiles written in {:.2} s",
        event.sessions.len(),
        event.people.len(),
        started.elapsed().as_secs_f64()
    );
    let interests = cache.common_interests(30).expect("interests");

    let mut times = Vec::new();
    let mut by_kind: [Vec<Duration>; 8] = Default::default();
    let mut found = 0u64;
    for i in 0..400 {
        let query = match i % 4 {
            0 => rng.pick(&FIRST)[..3].to_string(),
            1 => rng.pick(&LAST).to_string(),
            2 => rng.pick(&WORDS).to_string(),
            _ => format!("{} {}", rng.pick(&FIRST), &rng.pick(&LAST)[..2]),
        };
        let filter = ((i / 4) % 2 == 0).then(|| interests[(rng.next() % interests.len() as u64) as usize].0.clone());
        let t = Instant::now();
        let (people, total) = cache.search_profiles(&query, filter.as_deref(), 101).expect("search");
        times.push(t.elapsed());
        by_kind[i % 4 + 4 * usize::from(filter.is_some())].push(t.elapsed());
        found += u64::from(total);
        std::hint::black_box(people);
    }
    let p95 = report("directory search, 20,000 profiles", times);
    // For `cargo xtask bench`'s table.
    println!("figure directory_search_p95_ms {p95:.2} ms");
    for (i, kind) in ["name prefix", "surname", "interest word", "two words"].iter().enumerate() {
        report(&format!("  {kind}"), by_kind[i].clone());
        report(&format!("  {kind}, with an interest filter"), by_kind[i + 4].clone());
    }
    println!("  (matched {found} in all, the first 101 of each read)");

    let mut times = Vec::new();
    for i in 0..400 {
        let query = if i % 2 == 0 { rng.pick(&WORDS).to_string() } else { format!("{} {}", rng.pick(&WORDS), "the") };
        let t = Instant::now();
        let hits = cache.search_sessions(&query, 50).expect("search");
        times.push(t.elapsed());
        std::hint::black_box(hits);
    }
    report("session search, 5,000 sessions", times);

    let me = Seeker::new(
        &["rust".into(), "privacy".into(), "maps".into()],
        &["investors".into(), "mentoring".into()],
        &["hardware".into()],
        &["gen-s00001".into(), "gen-s00002".into(), "gen-s00003".into()],
    );
    let skip = std::collections::HashSet::new();
    let mut times = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        let s = suggest(&me, &event.people, &skip, 20);
        times.push(t.elapsed());
        std::hint::black_box(s);
    }
    report("suggestions, matching 20,000 profiles", times);
    let mut times = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let everyone = cache.profiles().expect("profiles");
        let s = suggest(&me, &everyone, &skip, 20);
        times.push(t.elapsed());
        std::hint::black_box(s);
    }
    report("suggestions, reading 20,000 profiles from the cache and matching", times);
}
