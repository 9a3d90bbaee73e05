//! The two files' schemas, each versioned by `PRAGMA user_version`.
//!
//! A new file gets its current schema in one go (`CREATE_SCHEMA` for the
//! user's file, `CREATE_LIST_SCHEMA` for the list, one literal each); an
//! older user's file is moved forward one numbered step at a time
//! (`upgrade_from`), all inside one IMMEDIATE transaction. Every step has a
//! test that upgrades a frozen copy of the old schema and compares it with a
//! fresh file. A list file is never upgraded: a sync rebuilds it.
//! Connection settings (PRAGMAs) are set in `prepare_*`.

use crate::error::{Error, Result};
use rusqlite::{Connection, TransactionBehavior};
use std::path::Path;
use std::time::Duration;

/// The user's file. Versions 1 to 4 were one file holding the list too;
/// version 5 moved the list into a file of its own (`upgrade_from(4)`);
/// version 6 follows several feeds (`feed`); version 7 keeps the user's
/// imports in their journal (`cg.db.imports`) instead of a table here.
pub const VERSION: u32 = 7;
/// The list file, numbered on its own from 1. Version 3 keys each entry by
/// number and list (`feed`), so that several feeds and the user's imports
/// may list the same number side by side. Version 4 records how much of
/// the imports journal it has applied (`imports_journal`).
pub const LIST_VERSION: u32 = 4;

/// `PRAGMA application_id` of the user's file ("CGG1") and of the list
/// file ("CGL1"), so that a damaged file can be told apart from somebody
/// else's, and the two from each other.
pub const APPLICATION_ID: i32 = 0x4347_4731;
pub const LIST_APPLICATION_ID: i32 = 0x4347_4C31;

/// Address space the reader maps (not memory it uses): room for a list of
/// about ten million numbers.
pub const MMAP_BYTES: i64 = 256 << 20;

/// The user's file, whole: what only the user has, small, written rarely.
/// A new file gets exactly this; an older one reaches the same shape
/// through `upgrade_from` (tested).
const CREATE_SCHEMA: &str = "
-- The user's own lists: 1 allow, 2 block. `key` is the E.164 form, or the
-- national form for numbers without one.
CREATE TABLE user_list (
    key      TEXT PRIMARY KEY,
    list     INTEGER NOT NULL CHECK (list IN (1, 2)),
    number   TEXT NOT NULL,
    added_at INTEGER NOT NULL
) WITHOUT ROWID;
-- Screened calls, newest last; pruned to a bound on insert.
CREATE TABLE call_history (
    id       INTEGER PRIMARY KEY,
    at       INTEGER NOT NULL,
    number   TEXT,
    e164     TEXT,
    level    TEXT NOT NULL,
    action   TEXT NOT NULL,
    reasons  TEXT NOT NULL
);
-- Reports built for the user (the SMS app sends them, not us).
CREATE TABLE report_outbox (
    id       INTEGER PRIMARY KEY,
    at       INTEGER NOT NULL,
    to_addr  TEXT NOT NULL,
    body     TEXT NOT NULL,
    number   TEXT NOT NULL,
    keyword  TEXT NOT NULL
);
-- Settings the core owns: policy, feed address, pinned keys, sync limits.
CREATE TABLE config (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
-- The feeds the user follows. `id` names the feed's entries in the list
-- file (`reported.feed`, 1 to 15; 0 is the user's own imports). A removed
-- feed's id is used again only after its entries and state are cleared. `keys`:
-- pinned public keys, hex, comma-separated. `verify_orgs`: the user
-- allowed this feed to mark numbers as an organisation's own (asked once,
-- explicitly; never restored from a backup).
CREATE TABLE feed (
    id          INTEGER PRIMARY KEY CHECK (id BETWEEN 1 AND 15),
    name        TEXT NOT NULL UNIQUE,
    url         TEXT NOT NULL,
    keys        TEXT NOT NULL,
    verify_orgs INTEGER NOT NULL DEFAULT 0,
    added_at    INTEGER NOT NULL
);
";

/// The list file, whole: what a sync rebuilds, and what may be thrown away
/// when damaged (the user's imports are replayed from their journal).
const CREATE_LIST_SCHEMA: &str = "
-- Reported numbers. `entry` is the E.164 digits as an integer times 16
-- plus the list that says so (`feed`: 0 the user's imports, else the id,
-- 1 to 15, of a feed in the user's file): one range of the rowid holds
-- every list's entry for a number, found in one seek, and a row costs
-- about 22 bytes on disk (a two-column key cost 3 more). `number` and
-- `feed` are computed, not stored. category: 1 scam, 2 nuisance, 3 verified. last_reported: days since 1970-01-01.
-- reporters: distinct people who reported it, where the feed counts them
-- (format 2). official_id: the authority whose notice listed it, else
-- community reports.
CREATE TABLE reported (
    entry         INTEGER PRIMARY KEY,
    category      INTEGER NOT NULL,
    reports       INTEGER NOT NULL,
    last_reported INTEGER,
    label_id      INTEGER REFERENCES label(id),
    reporters     INTEGER,
    official_id   INTEGER REFERENCES official(id),
    number        INTEGER AS (entry >> 4) VIRTUAL,
    feed          INTEGER AS (entry & 15) VIRTUAL
);
-- Labels repeat across thousands of numbers: stored once.
CREATE TABLE label (
    id   INTEGER PRIMARY KEY,
    text TEXT NOT NULL UNIQUE
);
-- Official sources, stored once like labels; url '' when none.
CREATE TABLE official (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    url  TEXT NOT NULL,
    UNIQUE (name, url)
);
-- Prefix rules: every number whose E.164 digits start with `prefix`, per
-- list like `reported`.
CREATE TABLE reported_prefix (
    prefix        TEXT NOT NULL,
    feed          INTEGER NOT NULL,
    category      INTEGER NOT NULL,
    reports       INTEGER NOT NULL,
    last_reported INTEGER,
    label_id      INTEGER REFERENCES label(id),
    reporters     INTEGER,
    official_id   INTEGER REFERENCES official(id),
    PRIMARY KEY (prefix, feed)
) WITHOUT ROWID;
-- Each feed's state (one row per feed id): the version held; the signing
-- keys it belongs to (scope), so that versions never go back for the same
-- publisher whatever address serves it, while other keys start afresh;
-- the address the ETag came from (etag_url); when the publisher signed
-- it, and when it expires, so that a frozen mirror shows its age and is
-- refused once expired.
CREATE TABLE feed_state (
    feed         INTEGER PRIMARY KEY,
    version      INTEGER NOT NULL,
    key_id       TEXT,
    etag         TEXT,
    synced_at    INTEGER,
    scope        TEXT,
    published_at INTEGER,
    etag_url     TEXT,
    expires_at   INTEGER
);
-- How much of the user's imports journal (`cg.db.imports`) this file has
-- applied: the journal written with `generation`, up to byte `applied`;
-- `compacted` is its length when last written whole (it is compacted once
-- it grows past twice that). One row, or none before the first import.
CREATE TABLE imports_journal (
    id         INTEGER PRIMARY KEY CHECK (id = 0),
    generation INTEGER NOT NULL,
    applied    INTEGER NOT NULL,
    compacted  INTEGER NOT NULL
);
";

/// Moves a user's file at `version` to `version + 1`, with the list file
/// attached as `list` (its schema already made). A step that shipped is
/// never edited in what it does to the user's file: it is what phones
/// holding that version will run. Step 4 copies into the list file of
/// today's schema, so it names the columns it fills (the list file has
/// grown columns since; they stay empty until the next sync), and files
/// the single feed's entries under feed 1, which step 5 names `default`.
fn upgrade_from(conn: &Connection, version: u32) -> Result<()> {
    match version {
        // v2: reports built for 156 are kept; feed state and settings move
        // into the database so that sync can resume where it stopped.
        1 => conn.execute_batch(
            "
CREATE TABLE report_outbox (
    id       INTEGER PRIMARY KEY,
    at       INTEGER NOT NULL,
    to_addr  TEXT NOT NULL,
    body     TEXT NOT NULL,
    number   TEXT NOT NULL,
    keyword  TEXT NOT NULL
);
CREATE TABLE feed_state (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    version   INTEGER NOT NULL,
    key_id    TEXT,
    etag      TEXT,
    synced_at INTEGER
);
CREATE TABLE config (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
",
        )?,
        // v3: the feed state's scope and signing time. ETags written by
        // schema 2 carried their scope inside; dropping them costs one full
        // manifest fetch, once.
        2 => conn.execute_batch(
            "
ALTER TABLE feed_state ADD COLUMN scope TEXT;
ALTER TABLE feed_state ADD COLUMN published_at INTEGER;
UPDATE feed_state SET etag = NULL;
",
        )?,
        // v4: the version belongs to the signing keys, not to the address
        // (a mirror must not take a phone back); the ETag keeps its address.
        // Schema 3's scope was "<address> <keys>": split it, keep both. And
        // the manifest's expiry, unknown for what schema 3 holds.
        3 => conn.execute_batch(
            "
ALTER TABLE feed_state ADD COLUMN etag_url TEXT;
ALTER TABLE feed_state ADD COLUMN expires_at INTEGER;
UPDATE feed_state SET etag_url = substr(scope, 1, instr(scope, ' ') - 1),
                      scope = substr(scope, instr(scope, ' ') + 1)
 WHERE instr(scope, ' ') > 0;
",
        )?,
        // v5: the list moves to a file of its own, which a sync rebuilds and
        // which may be thrown away; the user's imports stay here too. Tables
        // and columns match the list schema one for one.
        4 => conn.execute_batch(
            "
CREATE TABLE imported (
    target        TEXT PRIMARY KEY,
    category      INTEGER NOT NULL,
    reports       INTEGER NOT NULL,
    last_reported INTEGER,
    label         TEXT
) WITHOUT ROWID;
INSERT INTO imported
    SELECT CAST(number AS TEXT), category, reports, last_reported,
           (SELECT text FROM main.label WHERE id = label_id)
    FROM main.reported WHERE source = 1;
INSERT INTO imported
    SELECT prefix || '*', category, reports, last_reported,
           (SELECT text FROM main.label WHERE id = label_id)
    FROM main.reported_prefix WHERE source = 1;
INSERT OR REPLACE INTO list.label (id, text) SELECT id, text FROM main.label;
INSERT OR REPLACE INTO list.reported (entry, category, reports, last_reported, label_id)
    SELECT number * 16 + CASE source WHEN 1 THEN 0 ELSE 1 END, category, reports, last_reported,
           label_id
    FROM main.reported;
INSERT OR REPLACE INTO list.reported_prefix (prefix, feed, category, reports, last_reported, label_id)
    SELECT prefix, CASE source WHEN 1 THEN 0 ELSE 1 END, category, reports, last_reported, label_id
    FROM main.reported_prefix;
INSERT OR REPLACE INTO list.feed_state
    (feed, version, key_id, etag, synced_at, scope, published_at, etag_url, expires_at)
    SELECT 1, version, key_id, etag, synced_at, scope, published_at, etag_url, expires_at
    FROM main.feed_state;
DROP TABLE main.reported;
DROP TABLE main.reported_prefix;
DROP TABLE main.label;
DROP TABLE main.feed_state;
",
        )?,
        // v6: several feeds. The one feed's settings move from `config` into
        // the feed named `default`, id 1 (the id the list file files its
        // entries under). A list whose feed was forgotten (no address) is
        // nobody's any more: its entries and state go.
        5 => conn.execute_batch(
            "
CREATE TABLE feed (
    id          INTEGER PRIMARY KEY CHECK (id BETWEEN 1 AND 15),
    name        TEXT NOT NULL UNIQUE,
    url         TEXT NOT NULL,
    keys        TEXT NOT NULL,
    verify_orgs INTEGER NOT NULL DEFAULT 0,
    added_at    INTEGER NOT NULL
);
INSERT INTO feed (id, name, url, keys, verify_orgs, added_at)
    SELECT 1, 'default', url.value, coalesce(keys.value, ''),
           EXISTS (SELECT 1 FROM config WHERE key = 'feed.verify_orgs'), unixepoch()
    FROM config AS url LEFT JOIN config AS keys ON keys.key = 'feed.keys'
    WHERE url.key = 'feed.url';
DELETE FROM config WHERE key IN ('feed.url', 'feed.keys', 'feed.verify_orgs');
DELETE FROM list.reported WHERE feed <> 0 AND feed NOT IN (SELECT id FROM main.feed);
DELETE FROM list.reported_prefix WHERE feed <> 0 AND feed NOT IN (SELECT id FROM main.feed);
DELETE FROM list.feed_state WHERE feed NOT IN (SELECT id FROM main.feed);
",
        )?,
        // v7: the imports live in their journal, written from this table
        // by `init_or_upgrade`'s caller just before this step runs (in the
        // same transaction: a crash before the commit keeps the table, and
        // the journal is written again from it at the next open).
        6 => conn.execute_batch("DROP TABLE imported;")?,
        v => return Err(Error::invalid(format!("no upgrade step from schema {v}"))),
    }
    Ok(())
}

/// What the bytes at `path` are, read before SQLite touches the file.
#[derive(Debug, PartialEq, Eq)]
pub enum Recognised {
    /// No file, or an empty one: a database is created.
    New,
    /// One of our databases, perhaps damaged: may be moved aside.
    Ours,
    /// Somebody else's file (a CSV, another program's database): never
    /// touched, never moved.
    NotOurs(&'static str),
}

/// Tells our databases from other files by the SQLite header (offset 0),
/// the application id (offset 68) and, for files made before the id
/// existed, a schema version we wrote (offset 60). The header in the file
/// can lag behind a write-ahead log that was not checkpointed yet, so a
/// SQLite file is asked through SQLite itself (read-only) first.
pub fn recognise(path: &Path, ours: i32) -> std::io::Result<Recognised> {
    use std::io::Read;
    let mut head = Vec::with_capacity(100);
    match std::fs::File::open(path) {
        Ok(f) => {
            f.take(100).read_to_end(&mut head)?;
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Recognised::New),
        Err(e) => return Err(e),
    }
    if head.is_empty() {
        return Ok(Recognised::New);
    }
    let be = |at: usize| {
        head.get(at..at + 4)
            .map(|b| i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let from_sqlite = || -> rusqlite::Result<(i32, i32)> {
        let c = Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        ids(&c).map(|(app_id, version)| (app_id, version as i32))
    };
    let sqlite = head.starts_with(b"SQLite format 3\0");
    let (app_id, user_version) = match (sqlite, be(68), be(60)) {
        (_, Some(id), v) if id == ours => (ours, v.unwrap_or(0)),
        (true, raw_app, raw_version) => {
            from_sqlite().unwrap_or((raw_app.unwrap_or(0), raw_version.unwrap_or(0)))
        }
        (false, _, _) => return Ok(Recognised::NotOurs("it is not a SQLite database")),
    };
    Ok(if app_id == ours {
        // Ours even when the first bytes were damaged.
        Recognised::Ours
    } else if ours == APPLICATION_ID && app_id == 0 && user_version >= 1 {
        // Written before the application id was set (or by a newer app,
        // which `check_version` refuses untouched).
        Recognised::Ours
    } else {
        Recognised::NotOurs("it is a SQLite database of another program")
    })
}

/// The user's file's writer, before anything else touches the file.
pub fn prepare_writer(conn: &Connection, path: &Path) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(5))?;
    // The first read of the file: garbage fails here, and a newer schema is
    // refused before anything (even the journal mode) is written.
    check_version(conn)?;
    check_legacy_is_ours(conn)?;
    set_writer_pragmas(conn, path)
}

/// Attaches the list file as `list`. Table names are distinct across the
/// two files, so statements name tables without a schema prefix.
pub fn attach_list(conn: &Connection, list: &Path, writer: bool) -> Result<()> {
    let list = list
        .to_str()
        .ok_or_else(|| Error::Open(format!("{} is not a UTF-8 path", list.display())))?;
    conn.execute("ATTACH DATABASE ?1 AS list", [list])?;
    if writer {
        conn.execute_batch(
            "PRAGMA list.synchronous = NORMAL; PRAGMA list.journal_size_limit = 4194304;",
        )?;
    }
    Ok(())
}

/// Write-ahead logging and the writer's settings, for either file.
pub fn set_writer_pragmas(conn: &Connection, path: &Path) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(5))?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::Open(format!(
            "the database at {} cannot use write-ahead logging (journal mode {mode})",
            path.display()
        )));
    }
    // A million-entry sync writes tens of MB of WAL; keep the file from
    // staying that size on the phone afterwards.
    conn.execute_batch(
        "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA journal_size_limit = 4194304;",
    )?;
    Ok(())
}

/// The screening reader's connection settings.
pub fn prepare_reader(conn: &Connection) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(1))?;
    // Screening reads random pages of a 20 MB table: mapping the file lets
    // them come straight from the OS page cache, with no read() per page.
    conn.pragma_update(Some("main"), "mmap_size", MMAP_BYTES)?;
    conn.pragma_update(Some("list"), "mmap_size", MMAP_BYTES)?;
    Ok(())
}

fn too_new(found: u32) -> Result<()> {
    if found > VERSION {
        return Err(Error::SchemaTooNew {
            found,
            supported: VERSION,
        });
    }
    Ok(())
}

/// A file's `application_id` and `user_version`, as SQLite reads them (the
/// write-ahead log included).
fn ids(conn: &Connection) -> rusqlite::Result<(i32, u32)> {
    conn.query_row(
        "SELECT (SELECT application_id FROM pragma_application_id), (SELECT user_version FROM pragma_user_version)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// A file from before the application id is ours only if our tables are
/// there: else the upgrade steps would write into somebody's database.
fn check_legacy_is_ours(conn: &Connection) -> Result<()> {
    let (app_id, version) = ids(conn)?;
    if app_id != 0 || version == 0 {
        return Ok(());
    }
    let ours: u32 = conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('reported', 'user_list')",
        [],
        |r| r.get(0),
    )?;
    if ours != 2 {
        return Err(Error::Open(
            "the file is a SQLite database of another program; it was left untouched: choose another path".into(),
        ));
    }
    Ok(())
}

/// Moves a list file at `version` to `version + 1`, in place: a phone keeps
/// its list (and the rollback state of its feed) instead of downloading it
/// again. Like `upgrade_from`, a step that shipped is never edited.
fn upgrade_list_from(conn: &Connection, version: u32) -> Result<()> {
    match version {
        // v3: entries keyed by number and list, for several feeds; the one
        // feed of version 2 (source 0) becomes feed 1, the user's imports
        // (source 1) list 0. Rows are copied in key order, so pages stay full.
        2 => conn.execute_batch(
            "
CREATE TABLE reported_v3 (
    entry         INTEGER PRIMARY KEY,
    category      INTEGER NOT NULL,
    reports       INTEGER NOT NULL,
    last_reported INTEGER,
    label_id      INTEGER REFERENCES label(id),
    reporters     INTEGER,
    official_id   INTEGER REFERENCES official(id),
    number        INTEGER AS (entry >> 4) VIRTUAL,
    feed          INTEGER AS (entry & 15) VIRTUAL
);
INSERT INTO reported_v3 (entry, category, reports, last_reported, label_id, reporters, official_id)
    SELECT number * 16 + CASE source WHEN 1 THEN 0 ELSE 1 END, category, reports, last_reported,
           label_id, reporters, official_id
    FROM reported ORDER BY number;
DROP TABLE reported;
ALTER TABLE reported_v3 RENAME TO reported;
CREATE TABLE reported_prefix_v3 (
    prefix        TEXT NOT NULL,
    feed          INTEGER NOT NULL,
    category      INTEGER NOT NULL,
    reports       INTEGER NOT NULL,
    last_reported INTEGER,
    label_id      INTEGER REFERENCES label(id),
    reporters     INTEGER,
    official_id   INTEGER REFERENCES official(id),
    PRIMARY KEY (prefix, feed)
) WITHOUT ROWID;
INSERT INTO reported_prefix_v3
    SELECT prefix, CASE source WHEN 1 THEN 0 ELSE 1 END, category, reports, last_reported,
           label_id, reporters, official_id
    FROM reported_prefix ORDER BY prefix;
DROP TABLE reported_prefix;
ALTER TABLE reported_prefix_v3 RENAME TO reported_prefix;
CREATE TABLE feed_state_v3 (
    feed         INTEGER PRIMARY KEY,
    version      INTEGER NOT NULL,
    key_id       TEXT,
    etag         TEXT,
    synced_at    INTEGER,
    scope        TEXT,
    published_at INTEGER,
    etag_url     TEXT,
    expires_at   INTEGER
);
INSERT INTO feed_state_v3
    SELECT 1, version, key_id, etag, synced_at, scope, published_at, etag_url, expires_at
    FROM feed_state;
DROP TABLE feed_state;
ALTER TABLE feed_state_v3 RENAME TO feed_state;
",
        )?,
        // v4: which part of the imports journal the list holds. No row: the
        // store replays the whole journal once.
        3 => conn.execute_batch(
            "
CREATE TABLE imports_journal (
    id         INTEGER PRIMARY KEY CHECK (id = 0),
    generation INTEGER NOT NULL,
    applied    INTEGER NOT NULL,
    compacted  INTEGER NOT NULL
);
",
        )?,
        v => return Err(Error::invalid(format!("no list upgrade step from {v}"))),
    }
    Ok(())
}

/// The list versions `upgrade_list_from` can move forward; a list file of
/// any other version is replaced (moved aside, rebuilt by a sync).
const LIST_UPGRADABLE_FROM: u32 = 2;

/// Creates the list file's schema, checks it, or upgrades it in place.
pub fn init_list(conn: &mut Connection) -> Result<()> {
    let (app_id, found) = ids(conn)?;
    if found == LIST_VERSION && app_id == LIST_APPLICATION_ID {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if app_id == LIST_APPLICATION_ID && (LIST_UPGRADABLE_FROM..LIST_VERSION).contains(&found) {
        for v in found..LIST_VERSION {
            tracing::info!(from = v, to = v + 1, "upgrading the list file");
            upgrade_list_from(&tx, v)?;
        }
        tx.pragma_update(None, "user_version", LIST_VERSION)?;
        tx.commit()?;
        return Ok(());
    }
    let tables: u32 = tx.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
    if tables > 0 {
        return Err(Error::Open(format!(
            "the list file is of another version (schema {found}); it is rebuilt at the next sync"
        )));
    }
    tx.execute_batch(CREATE_LIST_SCHEMA)?;
    tx.pragma_update(None, "user_version", LIST_VERSION)?;
    tx.pragma_update(None, "application_id", LIST_APPLICATION_ID)?;
    tx.commit()?;
    Ok(())
}

/// Refuses a database from a newer version of the app.
pub fn check_version(conn: &Connection) -> Result<()> {
    too_new(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// The last version whose user's file keeps the imports in a table.
pub const LAST_WITH_IMPORTED_TABLE: u32 = 6;

/// Creates or upgrades the user's file, the list file attached as `list`
/// and already initialised (`init_list`). Fails on a newer version, and on
/// a SQLite file that belongs to some other program. `keep_imports` runs
/// inside the transaction just before the step that drops the `imported`
/// table: it writes the journal from it. Returns the version found.
pub fn init_or_upgrade(
    conn: &mut Connection,
    keep_imports: impl FnOnce(&Connection) -> Result<()>,
) -> Result<u32> {
    // Already current: nothing to write, so no write lock to wait for (a
    // `check` during a sync must not queue behind the sync's transaction).
    let (app_id, found) = ids(conn)?;
    if found == VERSION && app_id == APPLICATION_ID {
        return Ok(found);
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found: u32 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let mut keep_imports = Some(keep_imports);
    too_new(found)?;
    if found == 0 {
        let tables: u32 = tx.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
        if tables > 0 {
            return Err(Error::Open(
                "the file is a SQLite database of another program; choose another path".into(),
            ));
        }
        tx.execute_batch(CREATE_SCHEMA)?;
    } else {
        for v in found..VERSION {
            tracing::info!(from = v, to = v + 1, "upgrading database schema");
            if v == LAST_WITH_IMPORTED_TABLE
                && let Some(keep) = keep_imports.take()
            {
                keep(&tx)?;
            }
            upgrade_from(&tx, v)?;
        }
    }
    tx.pragma_update(None, "user_version", VERSION)?;
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    tx.commit()?;
    Ok(found)
}

#[cfg(test)]
mod tests;
