#!/usr/bin/env python3
"""Generates the bundled demo event (event.json and the two floor plans) deterministically.

The output is committed; run this only to change the demo event:
    python3 assets/demo-event/generate.py
It writes the Elements event format (protocol crate, `event` module, format version 1).
"""
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
rng = random.Random(20270310)
OFFSET = "+01:00"  # Hamburg in March: CET

DAYS = [
    (1, "2027-03-10", "Wed 10 Mar"),
    (2, "2027-03-11", "Thu 11 Mar"),
    (3, "2027-03-12", "Fri 12 Mar"),
]

FLOORS = [
    {"id": "floor-0", "name": "Ground floor", "level": 0, "plan_image": "floor-0.svg", "width": 1000, "height": 640},
    {"id": "floor-1", "name": "First floor", "level": 1, "plan_image": "floor-1.svg", "width": 1000, "height": 640},
]

# id, name, floor, capacity, plan rectangle (x, y, w, h)
ROOMS = [
    ("main-hall", "Main Hall", "floor-0", 1200, (40, 40, 420, 300)),
    ("elbe", "Elbe Room", "floor-0", 320, (500, 40, 220, 200)),
    ("alster", "Alster Room", "floor-0", 240, (740, 40, 220, 200)),
    ("speicher", "Speicher Hall", "floor-1", 400, (40, 40, 360, 260)),
    ("kran", "Kran Room", "floor-1", 180, (440, 40, 240, 200)),
    ("lab", "Workshop Lab", "floor-1", 60, (720, 40, 240, 200)),
]

TRACKS = [
    ("cloud", "Cloud & Infrastructure", "#2563eb"),
    ("data", "Data & AI", "#7c3aed"),
    ("security", "Security & Privacy", "#dc2626"),
    ("product", "Product & Design", "#db2777"),
    ("logistics", "Mobility & Logistics", "#059669"),
    ("community", "Community & Careers", "#d97706"),
]

TITLES = {
    "cloud": [
        "Running Postgres on Kubernetes Without Losing Sleep",
        "What Three Years of Multi-Region Failover Taught Us",
        "eBPF in Production: Observability Without Agents",
        "The Real Cost of Serverless at 40,000 Requests per Second",
        "Shrinking Our Cloud Bill by 38% With Boring Engineering",
        "Edge Caching for Live Events: A Field Report",
        "GitOps for Teams That Hate YAML",
        "Designing for Brownouts, Not Just Outages",
        "Rust in the Control Plane",
        "Zero-Downtime Schema Migrations at Scale",
        "Capacity Planning When the Traffic Is a Football Match",
        "Incident Reviews That Actually Change Things",
        "From Monolith to Modules: An Honest Timeline",
        "SQLite at the Edge: Replication Patterns That Work",
    ],
    "data": [
        "Forecasting Ferry Demand With Gradient Boosting",
        "Evaluating LLM Features Before Your Users Do",
        "The Feature Store We Did Not Need",
        "Streaming Analytics for Port Operations",
        "Small Models, Big Wins: On-Device Inference",
        "Data Contracts Between Teams That Don't Talk",
        "Retrieval That Respects Permissions",
        "Measuring Data Quality Where It Is Produced",
        "Causal Inference for Product Teams",
        "Time Series at the Harbour: Tides, Ships and Sensors",
        "Privacy-Preserving Analytics With Differential Privacy",
        "When Not to Use Machine Learning",
        "Labelling 2 Million Images With a Team of Five",
        "Vector Search in Plain SQL",
        "Sensor Fusion for Smart Buildings",
    ],
    "security": [
        "Passkeys Everywhere: Lessons From a Rollout to 3 Million Users",
        "Supply-Chain Attacks on Build Pipelines",
        "Threat Modelling for Offline-First Apps",
        "Signing QR Codes So Nobody Forges a Ticket",
        "Red Teaming a Logistics Network",
        "GDPR by Design: Consent That Users Understand",
        "Secrets Management After the Leak",
        "Memory Safety Roadmaps for C++ Codebases",
        "Phishing-Resistant MFA for Shift Workers",
        "Securing Operational Technology in Ports",
        "Bug Bounties: What We Paid For and Why",
        "Incident Response at 3 a.m.: A Playbook",
        "Auditing Mobile Apps for Data Leaks",
    ],
    "product": [
        "Designing for Thumbs: Mobile Patterns at Crowded Venues",
        "Accessibility Audits That Developers Enjoy",
        "Offline States Are Product Features",
        "The Onboarding Flow We Deleted",
        "Design Systems for Three Brands and One Team",
        "Research Ops on a Shoestring",
        "Dark Patterns We Shipped and Removed",
        "Writing Error Messages People Read",
        "Prototyping Wayfinding With Cardboard",
        "Pricing Experiments Without Angry Customers",
        "Roadmaps as Bets, Not Promises",
        "Kiosk Interfaces for Noisy Places",
        "Typography for Signage and Screens",
    ],
    "logistics": [
        "Digital Twins of a Container Terminal",
        "Routing 600 Delivery Bikes Through a City Centre",
        "Real-Time Rail Disruption Information",
        "Electrifying a Bus Depot: The Software Side",
        "Crowd Flow Modelling for Festivals",
        "Last-Mile Lockers: Data From 12,000 Pickups",
        "Predictive Maintenance for Harbour Cranes",
        "Ticketing Interoperability Across Transit Operators",
        "Drones in Warehouse Inventory",
        "Open Data for Mobility: What Cities Publish",
        "Scheduling Ferries With Constraint Solvers",
        "Carbon Accounting for Freight",
        "Shared Bikes, Shared Data",
    ],
    "community": [
        "Mentoring Junior Engineers Remotely",
        "From Meetup to Foundation: Growing an Open-Source Community",
        "Staff Engineer: The Role Nobody Explains",
        "Career Switchers in Tech: Stories and Advice",
        "Running Inclusive Hackathons",
        "Documentation Is a Community Sport",
        "Sustainable On-Call Rotations",
        "Hiring Without Whiteboards",
        "Speaking at Your First Conference",
        "Open Source Maintainers on Burnout",
        "Building a Tech Scene in a Port City",
        "Apprenticeships That Work",
        "Writing Talks People Remember",
        "Meetups After the Pandemic",
    ],
}

WORKSHOPS = [
    ("Hands-On: Build an Offline-First App With SQLite", "cloud"),
    ("Hands-On: Threat Modelling in 90 Minutes", "security"),
    ("Hands-On: Usability Testing With Paper Prototypes", "product"),
    ("Hands-On: Your First Data Pipeline in Python", "data"),
    ("Hands-On: Accessible Components From Scratch", "product"),
    ("Hands-On: Observability With OpenTelemetry", "cloud"),
    ("Hands-On: Constraint Solving for Schedules", "logistics"),
    ("Hands-On: Fuzzing Rust Parsers", "security"),
    ("Hands-On: Prompt Evaluation Harnesses", "data"),
]

KEYNOTES = [
    ("Opening Keynote: Cities as Distributed Systems", None),
    ("Keynote: The Next Ten Years of Open Infrastructure", "cloud"),
    ("Keynote: Trust, Data and the Public Interest", "security"),
    ("Keynote: Designing Calm Technology", "product"),
    ("Keynote: Moving Goods, Moving People", "logistics"),
    ("Closing Keynote: What We Build Next", None),
]

PANELS = [
    ("Panel: Is the Cloud Getting Cheaper?", "cloud"),
    ("Panel: Regulating AI in Practice", "data"),
    ("Panel: Women in Maritime Tech", "community"),
    ("Panel: Security Teams of One", "security"),
    ("Panel: The Car-Free City Centre", "logistics"),
    ("Panel: Remote, Hybrid or Office?", "community"),
]

FIRST = ["Anna", "Lukas", "Mia", "Jonas", "Lea", "Finn", "Emma", "Noah", "Sofia", "Elias", "Amira", "Mateo",
         "Yuki", "Kwame", "Priya", "Oliver", "Ingrid", "Tomasz", "Chloé", "Rafael", "Aisha", "Henrik", "Leila",
         "Diego", "Hannah", "Sven", "Fatima", "Marco", "Nora", "Kenji", "Zofia", "Ibrahim", "Clara", "Mikkel",
         "Ana", "David", "Greta", "Omar", "Julia", "Pavel", "Ines", "Samuel", "Linnea", "Tariq", "Eva", "Jakob",
         "Nadia", "Arjun", "Freya", "Luis", "Maya", "Emil", "Selin", "Björn", "Olga", "Thiago", "Ronja", "Kofi",
         "Marta", "Felix"]
LAST = ["Schneider", "Nguyen", "Okafor", "Lindqvist", "Kowalski", "Fischer", "Haddad", "Rossi", "Tanaka",
        "Jensen", "Patel", "García", "Müller", "Dubois", "Andersen", "Yilmaz", "Novak", "Brennan", "Costa",
        "Hoffmann", "Mensah", "Sato", "Ivanova", "Becker", "Larsen", "Silva", "Weber", "Kaur", "Moreau",
        "Nielsen", "Popescu", "Schmidt", "Alvarez", "Berg", "Chen", "Dahl", "Engel", "Farouk", "Gruber",
        "Horvath", "Ito", "Kramer", "Lund", "Meyer", "Osei", "Petersen", "Quinn", "Richter", "Svensson", "Wagner"]
ORGS = ["Northwind Rail", "Hafenlogistik AG", "Quayside Labs", "Blue Anchor Software", "Elbwerk Digital",
        "Tidewater Analytics", "Port of Hamburg Authority", "Kestrel Security", "Lighthouse Health",
        "Open Transit Alliance", "Brightline Design Studio", "Nordlicht Energy", "Container Cloud GmbH",
        "City of Hamburg", "Helix Bank", "Seagrass Robotics", "Mosaic Foundation", "Fjord Data",
        "Wayfarer Maps", "Granite Systems", "Stellar Freight", "Hanseatic University", "Pixel & Pier",
        "Riverbend Mobility"]
POSITIONS = ["Staff Engineer", "Principal Engineer", "Head of Platform", "Data Scientist", "Security Lead",
             "Product Designer", "Engineering Manager", "CTO", "Researcher", "Developer Advocate",
             "Site Reliability Engineer", "Product Manager", "Head of Data", "UX Researcher",
             "Solutions Architect", "Open Source Maintainer"]
INTERESTS = ["Rust", "Kubernetes", "SQLite", "accessibility", "machine learning", "privacy", "mobility",
             "open data", "design systems", "observability", "security", "hiring", "mentoring", "logistics",
             "energy", "maps", "startups", "public sector", "open source", "UX research"]


def person_names(n, used):
    out = []
    while len(out) < n:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name not in used:
            used.add(name)
            out.append(name)
    return out


def slug(s):
    return "".join(c.lower() if c.isalnum() else "-" for c in s).strip("-")


def ts(date, hhmm):
    return f"{date}T{hhmm}:00{OFFSET}"


def add_minutes(hhmm, minutes):
    h, m = map(int, hhmm.split(":"))
    t = h * 60 + m + minutes
    return f"{t // 60:02d}:{t % 60:02d}"


used_names = set()
speaker_names = person_names(96, used_names)
speakers = []
for i, name in enumerate(speaker_names):
    org = rng.choice(ORGS)
    pos = rng.choice(POSITIONS)
    topic = rng.choice(INTERESTS)
    years = rng.randint(4, 22)
    speakers.append({
        "id": f"spk-{i + 1:03d}",
        "name": name,
        "organization": org,
        "position": pos,
        "bio": f"{name.split()[0]} is {pos.lower()} at {org} and has spent {years} years working on "
               f"{topic} and the systems around it. Outside work: {rng.choice(['sailing on the Alster', 'running a local meetup', 'restoring old bicycles', 'teaching kids to code', 'bouldering', 'choir singing'])}.",
    })

speaker_pool = list(range(len(speakers)))
rng.shuffle(speaker_pool)
speaker_cursor = 0


def take_speakers(k):
    global speaker_cursor
    out = []
    for _ in range(k):
        out.append(speakers[speaker_pool[speaker_cursor % len(speaker_pool)]]["id"])
        speaker_cursor += 1
    return out


SUMMARY_OPENERS = [
    "A practical talk built from real projects, not slides about slides.",
    "We share what worked, what failed, and the numbers behind both.",
    "Expect code, diagrams and at least one story about a very bad Tuesday.",
    "Aimed at practitioners who want patterns they can use on Monday.",
    "A candid look at the trade-offs, with time for questions at the end.",
]

titles = {k: list(v) for k, v in TITLES.items()}
for v in titles.values():
    rng.shuffle(v)

sessions = []
n = 0


def add_session(day, date, start, minutes, room, kind, title, track, speaker_count):
    global n
    n += 1
    track_name = next((t[1] for t in TRACKS if t[0] == track), None)
    summary = ""
    if kind != "break":
        summary = (f"{title.split(':')[-1].strip()}. " + rng.choice(SUMMARY_OPENERS)
                   + (f" Part of the {track_name} track." if track_name else ""))
    sessions.append({
        "id": f"s-{day}-{n:03d}",
        "title": title,
        "abstract": summary,
        "kind": kind,
        "room_id": room,
        "track_id": track,
        "starts_at": ts(date, start),
        "ends_at": ts(date, add_minutes(start, minutes)),
        "speaker_ids": take_speakers(speaker_count),
        "language": "de" if (kind == "talk" and rng.random() < 0.12) else "en",
        "tags": sorted(set(rng.sample(INTERESTS, 2))) if kind != "break" else [],
    })


SLOTS = ["10:00", "11:00", "13:30", "14:30", "15:45", "16:45"]
talk_rooms = ["main-hall", "elbe", "alster", "speicher", "kran"]
room_tracks = {  # each room leans to a track per day, so tracks stay findable
    1: ["cloud", "data", "security", "product", "community"],
    2: ["data", "logistics", "cloud", "security", "product"],
    3: ["logistics", "cloud", "product", "data", "community"],
}
keynote_i = 0
panel_i = 0
workshop_i = 0
for day, date, _label in DAYS:
    # Morning keynote in the main hall.
    kt, ktrack = KEYNOTES[keynote_i]; keynote_i += 1
    add_session(day, date, "09:00", 45, "main-hall", "keynote", kt, ktrack, 1)
    add_session(day, date, "12:00", 90, "main-hall", "break", "Lunch in the Harbour Foyer", None, 0)
    for si, start in enumerate(SLOTS):
        for ri, room in enumerate(talk_rooms):
            track = room_tracks[day][ri]
            if room == "main-hall" and si in (1, 3) and panel_i < len(PANELS):
                title, track = PANELS[panel_i]; panel_i += 1
                add_session(day, date, start, 45, room, "panel", title, track, 4)
                continue
            if room == "kran" and si == 5:
                add_session(day, date, start, 45, room, "lightning",
                            f"Lightning Talks: {next(t[1] for t in TRACKS if t[0] == track)}", track, 5)
                continue
            title = titles[track].pop() if titles[track] else None
            if title is None:
                other = max(titles, key=lambda k: len(titles[k]))
                title, track = titles[other].pop(), other
            add_session(day, date, start, 45, room, "talk", title, track, rng.choice([1, 1, 1, 2]))
    # Workshops: three 90-minute blocks in the lab.
    for start in ["10:00", "13:30", "15:45"]:
        title, track = WORKSHOPS[workshop_i]; workshop_i += 1
        add_session(day, date, start, 90, "lab", "workshop", title, track, 2)
    add_session(day, date, "15:15", 30, "speicher", "break", "Coffee Break", None, 0)
    add_session(day, date, "12:15", 45, "elbe", "workshop", "Speed Networking Over Lunch", "community", 1)
    if day > 1:
        add_session(day, date, "07:30", 45, "main-hall", "break", "Morning Run Along the Elbe", None, 0)
    kt, ktrack = KEYNOTES[keynote_i]; keynote_i += 1
    add_session(day, date, "17:45", 45, "main-hall", "keynote", kt, ktrack, 1)
    if day < 3:
        add_session(day, date, "19:00", 180, "main-hall", "break",
                    "Harbour Evening: Drinks & Demos" if day == 1 else "Community Dinner", None, 0)

sessions.sort(key=lambda s: (s["starts_at"], s["room_id"]))
# Renumber in programme order so ids read naturally.
for i, s in enumerate(sessions):
    day = s["id"].split("-")[1]
    s["id"] = f"s{day}-{i + 1:03d}"

# Points of interest ------------------------------------------------------------------------
pois = []


def poi(pid, name, kind, floor, x, y, desc="", **extra):
    pois.append({"id": pid, "name": name, "kind": kind, "floor_id": floor, "x": x, "y": y, "description": desc, **extra})


for rid, name, floor, cap, (x, y, w, h) in ROOMS:
    poi(f"poi-{rid}", name, "room", floor, x + w // 2, y + h // 2, f"Seats {cap}.", room_id=rid)
BOOTHS = ["Northwind Rail", "Quayside Labs", "Blue Anchor Software", "Elbwerk Digital", "Tidewater Analytics",
          "Kestrel Security", "Container Cloud GmbH", "Seagrass Robotics", "Fjord Data", "Wayfarer Maps",
          "Granite Systems", "Stellar Freight", "Pixel & Pier", "Riverbend Mobility", "Open Transit Alliance",
          "Hanseatic University"]
for i, b in enumerate(BOOTHS):
    floor = "floor-0" if i < 10 else "floor-1"
    j = i if i < 10 else i - 10
    x = 90 + (j % 5) * 110 if floor == "floor-0" else 480 + (j % 3) * 150
    y = 420 + (j // 5) * 90 if floor == "floor-0" else 350 + (j // 3) * 100
    poi(f"poi-booth-{slug(b)}", f"{('A' if floor == 'floor-0' else 'B')}{j + 1:02d} · {b}", "booth", floor, x, y,
        f"Booth {('A' if floor == 'floor-0' else 'B')}{j + 1:02d}: meet the {b} team.", exhibitor=b)
poi("poi-food-harbour", "Harbour Foyer Catering", "food", "floor-0", 680, 330, "Lunch and all-day coffee.")
poi("poi-food-espresso", "Espresso Bar", "food", "floor-0", 900, 300, "Open 08:00–18:00.")
poi("poi-food-terrace", "Terrace Café", "food", "floor-1", 860, 560, "Sandwiches, vegan options.")
poi("poi-food-water", "Water refill", "food", "floor-1", 430, 560, "Free drinking water.")
poi("poi-wc-0a", "Toilets (west)", "toilet", "floor-0", 40, 380, "Accessible toilet included.")
poi("poi-wc-0b", "Toilets (east)", "toilet", "floor-0", 960, 420)
poi("poi-wc-1a", "Toilets (west)", "toilet", "floor-1", 40, 340, "Accessible toilet included.")
poi("poi-wc-1b", "Toilets (east)", "toilet", "floor-1", 960, 300)
poi("poi-exit-main", "Main entrance", "exit", "floor-0", 500, 620, "Registration desk just inside.")
poi("poi-exit-harbour", "Harbour-side exit", "exit", "floor-0", 980, 560)
poi("poi-exit-west", "Emergency exit (west)", "exit", "floor-0", 20, 560)
poi("poi-exit-1", "Emergency stairs exit", "exit", "floor-1", 980, 620)
poi("poi-stairs-0", "Main staircase", "stairs", "floor-0", 300, 600)
poi("poi-stairs-1", "Main staircase", "stairs", "floor-1", 300, 600)
poi("poi-lift-0", "Lift", "lift", "floor-0", 360, 600, "Step-free access to the first floor.")
poi("poi-lift-1", "Lift", "lift", "floor-1", 360, 600)
poi("poi-info", "Info desk & lost property", "info", "floor-0", 560, 560, "Badges, questions, lost and found.")
poi("poi-meet-foyer", "Meeting point: Foyer clock", "meeting_point", "floor-0", 600, 520, "Under the big clock, by the info desk.")
poi("poi-meet-terrace", "Meeting point: Terrace benches", "meeting_point", "floor-1", 760, 560, "The benches by the terrace windows.")
poi("poi-first-aid", "First aid", "first_aid", "floor-0", 760, 600, "Staffed during programme hours.")

# Polls, quests, people ---------------------------------------------------------------------
def session_by_title_prefix(prefix):
    return next(s for s in sessions if s["title"].startswith(prefix))


opening = session_by_title_prefix("Opening Keynote")
panel_ai = session_by_title_prefix("Panel: Regulating AI")
closing = session_by_title_prefix("Closing Keynote")
polls = [
    {"id": "poll-opening", "question": "What brought you to the summit this year?", "session_id": opening["id"],
     "options": [{"id": "o1", "label": "The talks"}, {"id": "o2", "label": "Meeting people"},
                 {"id": "o3", "label": "Hiring or job hunting"}, {"id": "o4", "label": "The expo"}],
     "opens_at": opening["starts_at"], "closes_at": opening["ends_at"]},
    {"id": "poll-ai-regulation", "question": "Should AI systems that affect jobs need a public audit?",
     "session_id": panel_ai["id"],
     "options": [{"id": "yes", "label": "Yes, always"}, {"id": "high-risk", "label": "Only high-risk systems"},
                 {"id": "no", "label": "No, self-regulation is enough"}],
     "opens_at": panel_ai["starts_at"], "closes_at": panel_ai["ends_at"]},
    {"id": "poll-best-talk", "question": "Which track did you enjoy most?", "session_id": closing["id"],
     "options": [{"id": t[0], "label": t[1]} for t in TRACKS],
     "opens_at": ts("2027-03-12", "15:00"), "closes_at": ts("2027-03-12", "18:30")},
    # One poll of every other kind (docs/protocol.md, polls), open while the summit runs.
    {"id": "poll-opening-rating", "question": "How was the opening keynote?", "session_id": opening["id"],
     "kind": "rating", "scale": {"min": 1, "max": 5}, "options": [],
     "opens_at": opening["starts_at"], "closes_at": ts("2027-03-10", "18:00")},
    {"id": "poll-opening-qa", "question": "Questions for the opening keynote", "session_id": opening["id"],
     "kind": "questions", "options": [],
     "opens_at": ts("2027-03-10", "08:30"), "closes_at": opening["ends_at"]},
    {"id": "poll-topics", "question": "Which topics should next year's summit cover? Pick up to three.",
     "kind": "multiple_choice", "max_choices": 3,
     "options": [{"id": "ai", "label": "AI in production"}, {"id": "security", "label": "Security"},
                 {"id": "mobility", "label": "Mobility"}, {"id": "data", "label": "Data platforms"},
                 {"id": "open-source", "label": "Open source"}, {"id": "design", "label": "Product design"}],
     "opens_at": ts("2027-03-10", "08:00"), "closes_at": ts("2027-03-12", "18:30")},
    {"id": "poll-one-word", "question": "The summit in one word?", "kind": "open_text", "options": [],
     "opens_at": ts("2027-03-10", "08:00"), "closes_at": ts("2027-03-12", "18:30")},
    {"id": "poll-rank-tracks", "question": "Rank the tracks, best first. Results are revealed at the closing keynote.",
     "kind": "ranking", "hide_results": True,
     "options": [{"id": t[0], "label": t[1]} for t in TRACKS],
     "opens_at": ts("2027-03-10", "08:00"), "closes_at": ts("2027-03-12", "17:45")},
    {"id": "poll-quiz-booths", "question": "Quiz: how many partner booths are on the Harbour Trail?",
     "kind": "quiz", "correct_option_id": "five",
     "options": [{"id": "three", "label": "Three"}, {"id": "five", "label": "Five"}, {"id": "eight", "label": "Eight"}],
     "opens_at": ts("2027-03-10", "08:00"), "closes_at": ts("2027-03-12", "18:30")},
]
quests = [
    {"id": "quest-harbour-trail", "title": "Harbour Trail",
     "description": "Visit five partner booths across both floors and scan the QR code at each.",
     "checkpoints": [
         {"id": f"cp-trail-{i + 1}", "name": f"{b} booth", "poi_id": f"poi-booth-{slug(b)}", "points": 10 if i < 4 else 20,
          "hint": "Look for the anchor sticker on the counter."}
         for i, b in enumerate(["Quayside Labs", "Kestrel Security", "Fjord Data", "Wayfarer Maps", "Riverbend Mobility"])
     ],
     "rewards": [{"id": "rw-tote", "name": "Summit tote bag", "points_required": 30},
                 {"id": "rw-raffle", "name": "Entry to the Friday raffle", "points_required": 60}]},
    {"id": "quest-explorer", "title": "Venue Explorer",
     "description": "Find the four hidden lighthouse codes around the venue.",
     "checkpoints": [
         {"id": "cp-explorer-1", "name": "Espresso Bar", "poi_id": "poi-food-espresso", "points": 15, "hint": "Where the day starts."},
         {"id": "cp-explorer-2", "name": "Terrace Café", "poi_id": "poi-food-terrace", "points": 15, "hint": "Upstairs, with a view."},
         {"id": "cp-explorer-3", "name": "Info desk", "poi_id": "poi-info", "points": 10, "hint": "Ask the people in orange."},
         {"id": "cp-explorer-4", "name": "Workshop Lab door", "poi_id": "poi-lab", "points": 20, "hint": "Hands-on, first floor."},
     ],
     "rewards": [{"id": "rw-pin", "name": "Lighthouse enamel pin", "points_required": 60}]},
    # Hidden until the Harbour Trail's tote bag is won (the "hidden-quest" scenario reveals it).
    {"id": "quest-networking", "title": "Harbour Handshakes", "hidden": True,
     "description": "Exchange badges with five people you did not know before.",
     "checkpoints": [{"id": "cp-meet-5", "name": "Five new contacts", "points": 25,
                      "hint": "Scan badges at the coffee breaks."}],
     "rewards": [{"id": "rw-connector", "name": "Connector lanyard", "points_required": 25}]},
]
# Checkpoints that are not QR codes: the scenarios below complete them (docs/scenarios.md).
quests.append(
    {"id": "quest-regular", "title": "Summit Regular",
     "description": "Be part of it: be at the opening keynote, vote in a poll, get the quiz right.",
     "checkpoints": [
         {"id": "cp-attend-opening", "name": "At the opening keynote", "points": 10,
          "hint": "Tap “I'm here” on the keynote's page while it runs."},
         {"id": "cp-first-vote", "name": "A vote in any poll", "points": 5, "hint": "Every poll counts."},
         {"id": "cp-quiz", "name": "The booth quiz, answered right", "points": 10,
          "hint": "On the Voting tab. One answer only!"},
     ],
     "rewards": [{"id": "rw-stickers", "name": "Summit sticker pack", "points_required": 25}]})
quests[0]["rewards"].append({"id": "rw-coffee", "name": "Coffee voucher (any café in the venue)",
                             "points_required": 1000})


def text(en, ru):
    return {"en": en, "ru": ru}


# The event's own rules (docs/scenarios.md): what an organizer writes, not code.
scenarios = [
    {"id": "booth-trail", "name": "Visit three partner booths: a coffee voucher",
     "when": {"on": "signal", "kind": "booth_visit", "poi_kind": "booth"},
     "if": [{"check": "count", "kind": "booth_visit", "poi_kind": "booth", "at_least": 3}],
     "then": [{"do": "unlock_reward", "quest_id": "quest-harbour-trail", "reward_id": "rw-coffee"},
              {"do": "tag", "tag": "expo-explorer"},
              {"do": "message", "id": "booth-trail-done",
               "text": text("Three booths visited: your coffee is on us. Show this at any café.",
                            "Три стенда пройдены: кофе за наш счёт. Покажите это в любом кафе.")}],
     "once": True},
    {"id": "rate-talk", "name": "Ask the audience to rate a talk when it ends",
     "when": {"on": "session_ended"},
     "then": [{"do": "message", "id": "rate-talk", "link": "session:{instance}",
               "text": text("The talk you checked in to has ended. How was it?",
                            "Доклад, на который вы отметились, закончился. Как он вам?")}]},
    {"id": "poll-streak", "name": "Vote in three polls: 10 bonus points",
     "when": {"on": "signal", "kind": "vote"},
     "if": [{"check": "count", "kind": "vote", "at_least": 3}],
     "then": [{"do": "points", "quest_id": "quest-explorer", "points": 10},
              {"do": "message", "id": "poll-streak",
               "text": text("You voted in three polls: 10 bonus points.",
                            "Вы проголосовали в трёх опросах: 10 бонусных баллов.")}],
     "once": True},
    {"id": "quiz-right", "name": "Answer the booth quiz right",
     "when": {"on": "signal", "kind": "vote", "poll_id": "poll-quiz-booths", "option_id": "five"},
     "then": [{"do": "complete_checkpoint", "quest_id": "quest-regular", "checkpoint_id": "cp-quiz"},
              {"do": "points", "quest_id": "quest-regular", "points": 10}],
     "once": True},
    {"id": "regular-attend", "name": "Check in to the opening keynote",
     "when": {"on": "signal", "kind": "check_in", "session_id": opening["id"]},
     "then": [{"do": "complete_checkpoint", "quest_id": "quest-regular", "checkpoint_id": "cp-attend-opening"},
              {"do": "points", "quest_id": "quest-regular", "points": 10}],
     "once": True},
    {"id": "regular-vote", "name": "Vote in any poll",
     "when": {"on": "signal", "kind": "vote"},
     "then": [{"do": "complete_checkpoint", "quest_id": "quest-regular", "checkpoint_id": "cp-first-vote"},
              {"do": "points", "quest_id": "quest-regular", "points": 5}],
     "once": True},
    {"id": "networking-goal", "name": "Meet five people: the Handshakes quest is done",
     "when": {"on": "signal", "kind": "contact_exchange"},
     "if": [{"check": "count", "kind": "contact_exchange", "at_least": 5}],
     "then": [{"do": "complete_checkpoint", "quest_id": "quest-networking", "checkpoint_id": "cp-meet-5"},
              {"do": "points", "quest_id": "quest-networking", "points": 25}],
     "once": True},
    {"id": "hidden-quest", "name": "The tote bag reveals the Handshakes quest",
     "when": {"on": "reward_unlocked", "reward_id": "rw-tote"},
     "then": [{"do": "reveal", "kind": "quest", "id": "quest-networking"},
              {"do": "message", "id": "hidden-quest",
               "text": text("A new quest has appeared: Harbour Handshakes.",
                            "Появился новый квест: «Рукопожатия в гавани».")}],
     "once": True},
]
people = []
for i, name in enumerate(person_names(200, used_names)):
    people.append({
        "id": f"p-{i + 1:03d}",
        "name": name,
        "organization": rng.choice(ORGS),
        "position": rng.choice(POSITIONS),
        "interests": sorted(rng.sample(INTERESTS, 3)),
    })

# Where people walk (docs/protocol.md, walk graph): corridors as chains of junctions, expo
# aisles, a doorstep for every place linked to its nearest junction, stairs and a lift between
# the floors. Plan units are 10 cm (the plans are 100 m × 64 m).
walk_points, walk_links = [], []


def corridor(floor, name, path, step=50):
    """Junctions every `step` units along a polyline, linked in order; answers their ids."""
    ids = []
    for (x0, y0), (x1, y1) in zip(path, path[1:]):
        n = max(1, int(round(max(abs(x1 - x0), abs(y1 - y0)) / step)))
        for i in range(n + (1 if (x1, y1) == path[-1] else 0)):
            x, y = x0 + (x1 - x0) * i / n, y0 + (y1 - y0) * i / n
            pid = f"w-{floor}-{name}-{len(ids)}"
            walk_points.append({"id": pid, "floor_id": floor, "x": round(x, 1), "y": round(y, 1)})
            if ids:
                walk_links.append({"from": ids[-1], "to": pid, "kind": "corridor"})
            ids.append(pid)
    return ids


def link(a, b, kind="corridor"):
    walk_links.append({"from": a, "to": b, "kind": kind})


def nearest(floor, x, y, among):
    pts = [p for p in walk_points if p["floor_id"] == floor and p["id"] in among]
    return min(pts, key=lambda p: (p["x"] - x) ** 2 + (p["y"] - y) ** 2)["id"]


# Ground floor: a corridor between the halls and the expo, one along the south wall, their ends
# joined, and the expo's aisle between its two rows of booths (doors at both ends).
g_north = corridor("floor-0", "north", [(20, 360), (980, 360)])
g_south = corridor("floor-0", "south", [(20, 600), (980, 600)])
g_west = corridor("floor-0", "west", [(20, 360), (20, 600)])
g_east = corridor("floor-0", "east", [(700, 360), (700, 600)])
g_aisle = corridor("floor-0", "aisle", [(60, 465), (620, 465)])
link(g_west[0], g_north[0]); link(g_west[-1], g_south[0])
link(nearest("floor-0", 700, 360, g_north), g_east[0]); link(g_east[-1], nearest("floor-0", 700, 600, g_south))
link(nearest("floor-0", 340, 360, g_north), nearest("floor-0", 340, 465, g_aisle), "door")
link(nearest("floor-0", 340, 600, g_south), nearest("floor-0", 340, 465, g_aisle), "door")
# First floor: the same idea around its rooms and expo.
f_north = corridor("floor-1", "north", [(20, 280), (980, 280)])
f_south = corridor("floor-1", "south", [(20, 600), (980, 600)])
f_west = corridor("floor-1", "west", [(20, 280), (20, 600)])
f_east = corridor("floor-1", "east", [(920, 280), (920, 600)])
f_aisle = corridor("floor-1", "aisle", [(440, 400), (820, 400)])
link(f_west[0], f_north[0]); link(f_west[-1], f_south[0])
link(nearest("floor-1", 920, 280, f_north), f_east[0]); link(f_east[-1], nearest("floor-1", 920, 600, f_south))
link(nearest("floor-1", 440, 280, f_north), f_aisle[0], "door")
link(f_aisle[-1], nearest("floor-1", 820, 600, f_south), "door")
corridors = {"floor-0": g_north + g_south + g_west + g_east, "floor-1": f_north + f_south + f_west + f_east}
aisles = {"floor-0": g_aisle, "floor-1": f_aisle}
doorsteps = {}
for p in pois:
    pid = f"w-{p['id']}"
    walk_points.append({"id": pid, "floor_id": p["floor_id"], "x": p["x"], "y": p["y"], "poi_id": p["id"]})
    among = aisles[p["floor_id"]] if p["kind"] == "booth" else corridors[p["floor_id"]]
    link(pid, nearest(p["floor_id"], p["x"], p["y"], among), "corridor" if p["kind"] in ("stairs", "lift") else "door")
    doorsteps[p["id"]] = pid
link(doorsteps["poi-stairs-0"], doorsteps["poi-stairs-1"], "stairs")
link(doorsteps["poi-lift-0"], doorsteps["poi-lift-1"], "lift")
walk = {"id": "venue", "meters_per_unit": 0.1, "points": walk_points, "links": walk_links}
GOALS = [
    {
        "id": "goal-partner-booths",
        "name": "Half of the attendees visit three partner booths",
        "measure": {
            "signal": "booth_visit",
            "at_least": 3,
            "among": [
                "poi-booth-northwind-rail",
                "poi-booth-quayside-labs",
                "poi-booth-blue-anchor-software",
                "poi-booth-elbwerk-digital",
                "poi-booth-tidewater-analytics",
                "poi-booth-kestrel-security"
            ]
        },
        "target_percent": 50
    },
    {
        "id": "goal-vote-once",
        "name": "40 % vote in at least one poll",
        "measure": {
            "signal": "vote",
            "at_least": 1
        },
        "target_percent": 40
    },
    {
        "id": "goal-explorers",
        "name": "A quarter find three checkpoints of the quests",
        "measure": {
            "signal": "checkpoint_scan",
            "at_least": 3
        },
        "target_percent": 25
    }
]


bundle = {
    "format_version": 1,
    "manifest": {
        "id": "harbour-tech-summit-2027",
        "name": "Harbour Tech Summit 2027",
        "tagline": "Three days on infrastructure, data and the cities we build",
        "timezone": "Europe/Berlin",
        "days": [{"index": d, "date": date, "label": label, "starts_at": ts(date, "07:00"),
                  "ends_at": f"{date[:8]}{int(date[8:]) + 1:02d}T04:00:00{OFFSET}"} for d, date, label in DAYS],
        "venue": {"name": "Hafen Congress Center", "address": "Am Sandtorkai 50", "city": "Hamburg"},
        "languages": ["en", "de"],
        "branding": {"primary_color": "#0b4f6c", "accent_color": "#f59e0b"},
        "elements": [{"kind": k} for k in ["agenda", "map", "voting", "quests", "people", "me", "staff"]],
        # The organizer's goals (the meanings layer), measured live on the staff dashboard.
        "goals": GOALS,
    },
    "floors": FLOORS,
    "rooms": [{"id": r[0], "name": r[1], "floor_id": r[2], "capacity": r[3]} for r in ROOMS],
    "tracks": [{"id": t[0], "name": t[1], "color": t[2]} for t in TRACKS],
    "speakers": speakers,
    "sessions": sessions,
    "points_of_interest": pois,
    "polls": polls,
    "quests": quests,
    "people": people,
    "scenarios": scenarios,
    "walk": walk,
}
(HERE / "event.json").write_text(json.dumps(bundle, indent=1, ensure_ascii=False) + "\n")


# Floor plans -------------------------------------------------------------------------------
def plan(floor_id, title):
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1000 640" width="1000" height="640" '
             f'font-family="sans-serif">',
             '<rect x="0" y="0" width="1000" height="640" fill="#f8fafc"/>',
             '<rect x="10" y="10" width="980" height="620" rx="12" fill="#ffffff" stroke="#334155" stroke-width="6"/>']
    # Corridors, where people walk (the walk graph follows them).
    band = 'fill="#eef2f6"'
    if floor_id == "floor-0":
        parts += [f'<rect x="14" y="345" width="972" height="30" {band}/>', f'<rect x="14" y="585" width="972" height="30" {band}/>',
                  f'<rect x="14" y="345" width="20" height="270" {band}/>', f'<rect x="686" y="345" width="28" height="270" {band}/>']
    else:
        parts += [f'<rect x="14" y="265" width="972" height="30" {band}/>', f'<rect x="14" y="585" width="972" height="30" {band}/>',
                  f'<rect x="14" y="265" width="20" height="350" {band}/>', f'<rect x="906" y="265" width="28" height="350" {band}/>']
    for rid, name, floor, cap, (x, y, w, h) in ROOMS:
        if floor != floor_id:
            continue
        parts.append(f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="6" fill="#e0f2fe" stroke="#0b4f6c" stroke-width="3"/>')
        # Rows of seats, so a room reads as a room without a name baked into the picture.
        for row in range(y + 30, y + h - 20, 22):
            parts.append(f'<line x1="{x + 24}" y1="{row}" x2="{x + w - 24}" y2="{row}" stroke="#bfdbfe" stroke-width="6" stroke-dasharray="10 4"/>')
    if floor_id == "floor-0":
        parts.append('<rect x="40" y="380" width="600" height="200" rx="6" fill="#fef3c7" stroke="#b45309" stroke-width="2" stroke-dasharray="8 6"/>')
        parts.append('<text x="340" y="400" font-size="16" text-anchor="middle" fill="#92400e">Expo Hall A</text>')
    else:
        parts.append('<rect x="440" y="320" width="480" height="200" rx="6" fill="#fef3c7" stroke="#b45309" stroke-width="2" stroke-dasharray="8 6"/>')
        parts.append('<text x="680" y="340" font-size="16" text-anchor="middle" fill="#92400e">Expo Hall B</text>')
    parts.append('<rect x="270" y="585" width="130" height="40" fill="#e2e8f0" stroke="#334155"/>')
    parts.append("</svg>")
    (HERE / f"{floor_id}.svg").write_text("\n".join(parts) + "\n")


plan("floor-0", "Hafen Congress Center · Ground floor")
plan("floor-1", "Hafen Congress Center · First floor")
print(f"{len(sessions)} sessions, {len(speakers)} speakers, {len(pois)} points of interest, "
      f"{len(people)} people, {sum(len(q['checkpoints']) for q in quests)} checkpoints")
