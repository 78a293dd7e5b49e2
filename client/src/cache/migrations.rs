//! Versioned schema migrations. `PRAGMA user_version` holds the version; each migration runs in
//! its own transaction together with the version bump, so a crash leaves the previous version
//! intact. Migrations are append-only: never edit one that has shipped ([`SHIPPED`] pins each
//! by its fingerprint, and a test fails on an edit).

use rusqlite::Connection;

/// Migration `i` (0-based) brings the schema from version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // v1: the event snapshot. Each entity keeps its full protocol JSON in `body`, plus the
    // columns the app queries by.
    r#"
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
    CREATE TABLE event (
        id TEXT PRIMARY KEY,
        manifest TEXT NOT NULL,
        source TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        loaded_at INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE floor (id TEXT PRIMARY KEY, level INTEGER NOT NULL, body TEXT NOT NULL) STRICT;
    CREATE TABLE room (id TEXT PRIMARY KEY, floor_id TEXT NOT NULL, body TEXT NOT NULL) STRICT;
    CREATE TABLE track (id TEXT PRIMARY KEY, body TEXT NOT NULL) STRICT;
    CREATE TABLE speaker (id TEXT PRIMARY KEY, name TEXT NOT NULL, body TEXT NOT NULL) STRICT;
    CREATE TABLE session (
        id TEXT PRIMARY KEY,
        day INTEGER NOT NULL,
        starts_at INTEGER NOT NULL,
        ends_at INTEGER NOT NULL,
        room_id TEXT NOT NULL,
        track_id TEXT,
        body TEXT NOT NULL
    ) STRICT;
    CREATE INDEX session_by_day ON session(day, starts_at);
    CREATE INDEX session_by_time ON session(starts_at, ends_at);
    CREATE TABLE session_speaker (
        session_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        speaker_id TEXT NOT NULL,
        PRIMARY KEY (session_id, position)
    ) STRICT;
    CREATE TABLE poi (id TEXT PRIMARY KEY, floor_id TEXT NOT NULL, kind TEXT NOT NULL, body TEXT NOT NULL) STRICT;
    CREATE TABLE poll (id TEXT PRIMARY KEY, body TEXT NOT NULL) STRICT;
    CREATE TABLE quest (id TEXT PRIMARY KEY, body TEXT NOT NULL) STRICT;
    CREATE TABLE profile (id TEXT PRIMARY KEY, name TEXT NOT NULL, body TEXT NOT NULL) STRICT;
    "#,
    // v2: full-text search over sessions, and the outbox that the sync engine drains.
    r#"
    CREATE VIRTUAL TABLE session_search USING fts5(
        session_id UNINDEXED, title, summary, speakers,
        tokenize = 'unicode61 remove_diacritics 2'
    );
    INSERT INTO session_search (session_id, title, summary, speakers)
        SELECT s.id, json_extract(s.body, '$.title'), json_extract(s.body, '$.abstract'),
               (SELECT coalesce(group_concat(sp.name, ' '), '')
                  FROM session_speaker ss JOIN speaker sp ON sp.id = ss.speaker_id
                 WHERE ss.session_id = s.id)
          FROM session s;
    CREATE TABLE outbox (
        signal_id TEXT PRIMARY KEY,
        element TEXT NOT NULL,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending',
        reason TEXT
    ) STRICT;
    "#,
    // v3: where each Element syncs from, how far it got, and how its last attempts went.
    r#"
    CREATE TABLE sync_state (
        element TEXT PRIMARY KEY,
        base_url TEXT NOT NULL,
        cursor TEXT,
        etag TEXT,
        synced_at INTEGER,
        last_error TEXT,
        failures INTEGER NOT NULL DEFAULT 0
    ) STRICT;
    "#,
    // v4: search rows share their session's rowid, so updates find them by index.
    r#"
    DELETE FROM session_search;
    INSERT INTO session_search (rowid, session_id, title, summary, speakers)
        SELECT s.rowid, s.id, json_extract(s.body, '$.title'), json_extract(s.body, '$.abstract'),
               (SELECT coalesce(group_concat(sp.name, ' '), '')
                  FROM session_speaker ss JOIN speaker sp ON sp.id = ss.speaker_id
                 WHERE ss.session_id = s.id)
          FROM session s;
    "#,
    // v5: live state (newest revision wins), the outbox as pushed (v2's was never written to),
    // and the credentials redeemed at each backend.
    r#"
    CREATE TABLE poll_result (id TEXT PRIMARY KEY, revision INTEGER NOT NULL, body TEXT NOT NULL) STRICT;
    CREATE TABLE leaderboard (id TEXT PRIMARY KEY, revision INTEGER NOT NULL, body TEXT NOT NULL) STRICT;
    CREATE TABLE announcement (id TEXT PRIMARY KEY, revision INTEGER NOT NULL, body TEXT NOT NULL) STRICT;
    DROP TABLE outbox;
    CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY,
        signal_id TEXT NOT NULL UNIQUE,
        event_id TEXT NOT NULL,
        element TEXT NOT NULL,
        signal TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'accepted', 'rejected')),
        reason TEXT,
        message TEXT,
        effects TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        decided_at INTEGER
    ) STRICT;
    CREATE INDEX outbox_pending ON outbox (event_id, element, seq) WHERE state = 'pending';
    CREATE TABLE credential (
        base_url TEXT PRIMARY KEY,
        code TEXT NOT NULL,
        token TEXT,
        role TEXT,
        participant_id TEXT,
        display_name TEXT
    ) STRICT;
    "#,
    // v6: whether the code redeemed at a backend was a personal ticket (NULL: not known yet), so
    // the device can decide ticket-only polls itself.
    r#"
    ALTER TABLE credential ADD COLUMN ticketed INTEGER;
    "#,
    // v7: every entity table is named as its kind on the wire (`EntityKind::as_str`), so table
    // names come from the one declaration of entity kinds.
    r#"
    ALTER TABLE poi RENAME TO point_of_interest;
    "#,
    // v8: the person's own settings (language, theme): this device's, kept across events.
    r#"
    CREATE TABLE preference (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    "#,
    // v9: the event's scenarios (its own rules), synced with the agenda.
    r#"
    CREATE TABLE scenario (id TEXT PRIMARY KEY, body TEXT NOT NULL);
    "#,
    // v10: the scenario cards a person put away, per event (they stay away after a restart).
    r#"
    CREATE TABLE dismissed_card (event_id TEXT NOT NULL, card_id TEXT NOT NULL, PRIMARY KEY (event_id, card_id));
    "#,
    // v11: the questions asked in Q&A polls (live state, like poll results).
    r#"
    CREATE TABLE question (id TEXT PRIMARY KEY, revision INTEGER NOT NULL, body TEXT NOT NULL) STRICT;
    "#,
    // v12: the venue's walk graph, whole (routes on the map).
    r#"
    CREATE TABLE walk_graph (id TEXT PRIMARY KEY, body TEXT NOT NULL) STRICT;
    "#,
    // v13: floor plans as the map draws them: an SVG as it is, or a raster plan's tile pyramid.
    r#"
    CREATE TABLE floor_plan (
        floor_id TEXT PRIMARY KEY,
        rev TEXT NOT NULL,
        format TEXT NOT NULL CHECK (format IN ('svg', 'tiles')),
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        levels INTEGER NOT NULL,
        svg BLOB
    ) STRICT;
    CREATE TABLE plan_tile (
        floor_id TEXT NOT NULL,
        z INTEGER NOT NULL,
        x INTEGER NOT NULL,
        y INTEGER NOT NULL,
        png BLOB NOT NULL,
        PRIMARY KEY (floor_id, z, x, y)
    ) STRICT, WITHOUT ROWID;
    "#,
    // v14: the sessions a person starred, per event (their own agenda).
    r#"
    CREATE TABLE starred (
        event_id TEXT NOT NULL,
        session_id TEXT NOT NULL,
        starred_at INTEGER NOT NULL,
        PRIMARY KEY (event_id, session_id)
    ) STRICT;
    "#,
    // v15: what a sync changed in the person's own agenda (moved, re-roomed, cancelled), until
    // they have read it.
    r#"
    CREATE TABLE schedule_notice (
        id INTEGER PRIMARY KEY,
        event_id TEXT NOT NULL,
        session_id TEXT NOT NULL,
        body TEXT NOT NULL,
        noticed_at INTEGER NOT NULL,
        dismissed INTEGER NOT NULL DEFAULT 0
    ) STRICT;
    "#,
    // v16: people. The directory searchable (FTS kept by triggers, so every path that writes or
    // clears `profile` keeps it right) and filterable by interest (keys written by the app;
    // rows from before are keyed by SQLite's lower(), which folds ASCII only); the person's
    // contacts, meetings and messages from the people feed; their own notes and tags on
    // contacts and their own profile, which stay on the device; and who they are at each
    // backend (profile id, badge code).
    r#"
    ALTER TABLE credential ADD COLUMN profile_id TEXT;
    ALTER TABLE credential ADD COLUMN badge TEXT;
    CREATE VIRTUAL TABLE profile_search USING fts5(
        name, organization, position, interests,
        tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER profile_search_insert AFTER INSERT ON profile BEGIN
        INSERT INTO profile_search (rowid, name, organization, position, interests) VALUES (
            new.rowid, new.name, coalesce(json_extract(new.body, '$.organization'), ''),
            coalesce(json_extract(new.body, '$.position'), ''),
            coalesce((SELECT group_concat(value, ' ') FROM json_each(new.body, '$.interests')), ''));
    END;
    CREATE TRIGGER profile_search_update AFTER UPDATE ON profile BEGIN
        DELETE FROM profile_search WHERE rowid = old.rowid;
        INSERT INTO profile_search (rowid, name, organization, position, interests) VALUES (
            new.rowid, new.name, coalesce(json_extract(new.body, '$.organization'), ''),
            coalesce(json_extract(new.body, '$.position'), ''),
            coalesce((SELECT group_concat(value, ' ') FROM json_each(new.body, '$.interests')), ''));
    END;
    CREATE TABLE profile_interest (
        profile_id TEXT NOT NULL, tag_key TEXT NOT NULL, tag TEXT NOT NULL, PRIMARY KEY (profile_id, tag_key)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX profile_by_interest ON profile_interest (tag_key);
    CREATE INDEX profile_by_name ON profile (name COLLATE NOCASE);
    CREATE TRIGGER profile_search_delete AFTER DELETE ON profile BEGIN
        DELETE FROM profile_search WHERE rowid = old.rowid;
        DELETE FROM profile_interest WHERE profile_id = old.id;
    END;
    INSERT INTO profile_search (rowid, name, organization, position, interests)
        SELECT rowid, name, coalesce(json_extract(body, '$.organization'), ''),
               coalesce(json_extract(body, '$.position'), ''),
               coalesce((SELECT group_concat(value, ' ') FROM json_each(body, '$.interests')), '')
          FROM profile;
    INSERT OR IGNORE INTO profile_interest (profile_id, tag_key, tag)
        SELECT p.id, lower(trim(j.value)), trim(j.value) FROM profile p, json_each(p.body, '$.interests') j
         WHERE trim(j.value) <> '';
    CREATE TABLE contact (id TEXT PRIMARY KEY, name TEXT NOT NULL, met_at INTEGER NOT NULL, body TEXT NOT NULL) STRICT;
    CREATE TABLE meeting (id TEXT PRIMARY KEY, starts_at INTEGER NOT NULL, body TEXT NOT NULL) STRICT;
    CREATE TABLE message (
        id TEXT PRIMARY KEY, from_id TEXT NOT NULL, to_id TEXT NOT NULL, sent_at INTEGER NOT NULL, body TEXT NOT NULL
    ) STRICT;
    CREATE INDEX message_by_person ON message (from_id, to_id, sent_at);
    CREATE TABLE contact_note (
        event_id TEXT NOT NULL, profile_id TEXT NOT NULL, note TEXT NOT NULL, tags TEXT NOT NULL,
        updated_at INTEGER NOT NULL, PRIMARY KEY (event_id, profile_id)
    ) STRICT;
    CREATE TABLE my_profile (event_id TEXT PRIMARY KEY, body TEXT NOT NULL, updated_at INTEGER NOT NULL) STRICT;
    CREATE TABLE reminded (event_id TEXT NOT NULL, key TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (event_id, key)) STRICT;
    CREATE TABLE photo (profile_id TEXT PRIMARY KEY, rev TEXT NOT NULL, jpeg BLOB) STRICT;
    "#,
    // v17: the staff Element's feed (staff devices only): check-ins with their scans, and the
    // reward desk's codes, the organizer's live picture; and how many were checked in to each
    // session (live state, public).
    r#"
    CREATE TABLE admission (id TEXT PRIMARY KEY, body TEXT NOT NULL) STRICT;
    CREATE TABLE reward_code (id TEXT PRIMARY KEY, body TEXT NOT NULL) STRICT;
    CREATE TABLE occupancy (id TEXT PRIMARY KEY, revision INTEGER NOT NULL, body TEXT NOT NULL) STRICT;
    CREATE TABLE live_picture (id TEXT PRIMARY KEY, revision INTEGER NOT NULL, body TEXT NOT NULL) STRICT;
    CREATE TABLE lead (id TEXT PRIMARY KEY, body TEXT NOT NULL) STRICT;
    CREATE TABLE notice (id TEXT PRIMARY KEY, revision INTEGER NOT NULL, body TEXT NOT NULL) STRICT;
    "#,
    // v18: repairs caches made while v16 and v17 were still being edited (before migrations were
    // pinned by hash): a cache at v16 or v17 may lack what those versions gained later. Each
    // exactly as its version defines it, if missing.
    r#"
    CREATE INDEX IF NOT EXISTS profile_by_name ON profile (name COLLATE NOCASE);
    CREATE TABLE IF NOT EXISTS reminded (event_id TEXT NOT NULL, key TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (event_id, key)) STRICT;
    CREATE TABLE IF NOT EXISTS photo (profile_id TEXT PRIMARY KEY, rev TEXT NOT NULL, jpeg BLOB) STRICT;
    CREATE TABLE IF NOT EXISTS occupancy (id TEXT PRIMARY KEY, revision INTEGER NOT NULL, body TEXT NOT NULL) STRICT;
    CREATE TABLE IF NOT EXISTS live_picture (id TEXT PRIMARY KEY, revision INTEGER NOT NULL, body TEXT NOT NULL) STRICT;
    CREATE TABLE IF NOT EXISTS lead (id TEXT PRIMARY KEY, body TEXT NOT NULL) STRICT;
    CREATE TABLE IF NOT EXISTS notice (id TEXT PRIMARY KEY, revision INTEGER NOT NULL, body TEXT NOT NULL) STRICT;
    "#,
    // v19: the directory's search rows and interest keys are written by the app with the profile
    // (`write.rs`), from the values it already decoded, as session search rows always were: the
    // triggers re-read every profile's JSON (`json_extract`, `json_each`) per row and made a
    // first sync of 20,000 profiles eight times slower than storing them.
    r#"
    DROP TRIGGER IF EXISTS profile_search_insert;
    DROP TRIGGER IF EXISTS profile_search_update;
    DROP TRIGGER IF EXISTS profile_search_delete;
    "#,
    // v20: interest keys ordered by key alone, one b-tree (a first sync writes 60,000 of them:
    // a table and an index cost 60 ms of a 200 ms sync), and every key made again with the app's
    // own folding: v16 had used SQLite's `lower()`, which folds ASCII only, so a Cyrillic
    // interest had two keys ("Дизайн" from v16, "дизайн" from the app).
    r#"
    CREATE TABLE profile_interest_by_key (
        tag_key TEXT NOT NULL, profile_id TEXT NOT NULL, tag TEXT NOT NULL, PRIMARY KEY (tag_key, profile_id)
    ) STRICT, WITHOUT ROWID;
    INSERT OR IGNORE INTO profile_interest_by_key (tag_key, profile_id, tag)
        SELECT elements_tag_key(tag), profile_id, tag FROM profile_interest WHERE elements_tag_key(tag) <> '';
    DROP TABLE profile_interest;
    ALTER TABLE profile_interest_by_key RENAME TO profile_interest;
    "#,
    // v21: the event in numbers for venue screens (live state, public), where the organizer
    // allows it.
    r#"
    CREATE TABLE screen_figures (id TEXT PRIMARY KEY, revision INTEGER NOT NULL, body TEXT NOT NULL) STRICT;
    "#,
];

/// A fingerprint of each shipped migration's SQL (FNV-1a, 64 bits), in order. A shipped
/// migration never changes: `PRAGMA user_version` cannot notice an edit, so a cache made before
/// it would never get what the edit added (v18 repairs the two that were). A test compares;
/// a new migration appends its fingerprint here (the test prints it).
pub const SHIPPED: &[u64] = &[
    0x85733f2c03eebb77, // v1
    0x7de06d46a9947a49, // v2
    0x3565e18b884d395a, // v3
    0xb71f0b640178b8a7, // v4
    0x52d22278a56f539c, // v5
    0x4c82fdc98dad4457, // v6
    0x344f89f7277015e8, // v7
    0xddf812f46cce42ad, // v8
    0xea12a94341ef5189, // v9
    0x808084d1a454c7a3, // v10
    0x5e3d4d5aa92ca9d9, // v11
    0x1d248e3a503fc480, // v12
    0x91b4dc4bd75dd307, // v13
    0x50bc901922e24694, // v14
    0x6374baf11d6aef6d, // v15
    0x2476c14319f9289d, // v16
    0xf6f19c4c24387b48, // v17
    0x7016dc7e42d5a154, // v18
    0x80b3182562183a88, // v19
    0xcd80c8737789499d, // v20
    0x94c2d705ee10ba03, // v21
];

/// The fingerprint [`SHIPPED`] holds: [`elements_domain::fingerprint`] of the SQL.
pub fn fingerprint(sql: &str) -> u64 {
    elements_domain::fingerprint(sql)
}

pub const LATEST_VERSION: u32 = MIGRATIONS.len() as u32;

pub fn schema_version(conn: &Connection) -> rusqlite::Result<u32> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// Applies the migrations after the current version, up to `target`.
pub fn migrate_to(conn: &mut Connection, target: u32) -> Result<(), MigrationError> {
    let current = schema_version(conn)?;
    if current > LATEST_VERSION {
        return Err(MigrationError::Newer { found: current, known: LATEST_VERSION });
    }
    // What migrations may call besides SQLite's own functions: the app's folding of interest
    // keys (`elements_domain::people::tag_key`), so a key made by a migration is the app's.
    conn.create_scalar_function(
        "elements_tag_key",
        1,
        rusqlite::functions::FunctionFlags::SQLITE_UTF8 | rusqlite::functions::FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| Ok(elements_domain::people::tag_key(&ctx.get::<String>(0)?)),
    )?;
    for version in current..target.min(LATEST_VERSION) {
        let tx = conn.transaction()?;
        tx.execute_batch(MIGRATIONS[version as usize])?;
        // user_version cannot be bound as a parameter; `version` is our own integer.
        tx.execute_batch(&format!("PRAGMA user_version = {}", version + 1))?;
        tx.commit()?;
    }
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    #[error("the cache was written by a newer Elements (schema v{found}; this app knows up to v{known})")]
    Newer { found: u32, known: u32 },
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}
