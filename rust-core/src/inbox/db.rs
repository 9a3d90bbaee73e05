//! The publisher's database: one SQLite file of its own (never one of the
//! phone's files), holding the hotline inbox (`report`, `reporter`,
//! `ingest_run`), the curated sources (`source`, `source_entry`), the
//! disputes (`dispute`), the review queue (`review`), the audit log of
//! every listing decision (`publish_run`, `audit`, `listed`, `decided`),
//! and what the next publish continues from (`publish_state`,
//! `guard_baseline`, the reporter key's fingerprint in `reporter_key`).
//!
//! A reporter's number is never stored: only its keyed hash
//! (HMAC-SHA-256 under the reporter key, 32 random bytes kept in a file
//! outside this database, see `reporter_key`), enough to count distinct
//! reporters and nothing more. Whoever holds the file without the key
//! cannot test a guessed number against it. Whoever holds both can: the
//! mobile numbers of Vietnam are few enough to try them all (about 67
//! seconds on one core, measured by `reporter_hash_rate` below), which is
//! why the key lives apart and is backed up apart.
//!
//! It is made once, by `reports init` ([`PublisherDb::create`]); every
//! other command opens an existing one ([`PublisherDb::open`]), so that a
//! mistyped path is an error and never a new, empty database whose empty
//! list would be published.

use super::reporter_key::ReporterKey;
use crate::error::{Error, Result};
use crate::store::schema::{Recognised, recognise, set_writer_pragmas};
use hmac::{Hmac, Mac};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use sha2::Sha256;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The publisher database's schema version (`PRAGMA user_version`):
/// version 2 keeps the last decision about each number (`decided`), so that
/// a publish logs only the decisions that changed (`upgrade_from(1)`);
/// version 3 keeps the gateway's own message id, keyed (`upgrade_from(2)`);
/// version 4 keeps the reporter key's fingerprint instead of the key, and
/// what the guard and the feed's continuity need of the last publish
/// (`upgrade_from(3)`); version 5 keeps the review queue and the state of
/// disputes (`upgrade_from(4)`); version 6 names the gateway that POSTed
/// each message to `reports serve` (`upgrade_from(5)`); version 7 keeps the
/// desk's operators and their sessions, finds a number's audit lines by
/// an index, and keeps refused publishes and each publish's feed version
/// (`upgrade_from(6)`); version 8 keeps each number's decision whole (its
/// listing, its part of the publish report's counts) and what the last
/// decide left, so that a publish re-decides only the numbers whose
/// evidence changed (`upgrade_from(7)`); version 9 counts every change to
/// the sources (`source_stamp`), finds sources' entries by day, and keeps
/// how far the list stands from the guard's baseline, so that a publish
/// reads neither every source entry nor the whole list (`upgrade_from(8)`).
pub const VERSION: u32 = 9;
/// `PRAGMA application_id` of a publisher database ("CGP1"), so that it is
/// told apart from the phone's files and from other programs' databases.
pub const APPLICATION_ID: i32 = 0x4347_5031;

/// Most page cache a publisher database's connection keeps, in KiB.
const CACHE_KIB: i64 = 128 * 1024;

/// The whole schema of a new publisher database.
const CREATE_SCHEMA: &str = "
-- Which key the keyed hashes in this file were made with: a keyed hash of
-- a fixed text (see reporter_key.rs), never the key, which lives in a file
-- of its own.
CREATE TABLE reporter_key (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    fingerprint BLOB NOT NULL CHECK (length(fingerprint) = 32),
    created_at  INTEGER NOT NULL
);
-- People who reported, as HMAC-SHA-256(reporter key, their E.164 number) only.
CREATE TABLE reporter (
    id   INTEGER PRIMARY KEY,
    hash BLOB NOT NULL UNIQUE CHECK (length(hash) = 32)
);
-- One SMS sent to 156 or 5656. `uniq` is a keyed hash of (received_at,
-- reporter, body): the same message ingested twice is stored once.
-- received_at: Unix seconds; day: its Vietnamese calendar day (days since
-- 1970-01-01). The reported party is exactly one of: `number`, the E.164
-- digits as an integer (84912345678); `short_number`, a number without an
-- international form (113, 156, a short code) in its national form; or
-- `sender_id`, the brand name of an `S` report (VIETTEL). content: NFC, at
-- most 1000 characters. message_id: a keyed hash of the gateway's own id
-- of the message, when the export gives one: the same id is stored once.
-- gateway: the name (from the token file, never the token) of the gateway
-- that POSTed it to `reports serve`; NULL for a message read from a file.
CREATE TABLE report (
    id           INTEGER PRIMARY KEY,
    uniq         BLOB NOT NULL UNIQUE,
    received_at  INTEGER NOT NULL,
    day          INTEGER NOT NULL,
    reporter_id  INTEGER NOT NULL REFERENCES reporter(id),
    hotline      INTEGER NOT NULL CHECK (hotline IN (156, 5656)),
    keyword      TEXT NOT NULL CHECK (keyword IN ('LD', 'V', 'S')),
    number       INTEGER,
    short_number TEXT,
    sender_id    TEXT,
    content      TEXT NOT NULL,
    category     TEXT NOT NULL CHECK (category IN ('scam', 'nuisance', 'sms_spam')),
    message_id   BLOB,
    gateway      TEXT,
    CHECK ((number IS NOT NULL) + (short_number IS NOT NULL) + (sender_id IS NOT NULL) = 1)
);
CREATE INDEX report_by_number ON report (number, day) WHERE number IS NOT NULL;
CREATE INDEX report_by_day ON report (day);
-- By day and keyword: the desk's reports a day by keyword are counted from
-- this index alone, without reading the reports.
CREATE INDEX report_by_day_keyword ON report (day, keyword);
CREATE UNIQUE INDEX report_by_message_id ON report (message_id) WHERE message_id IS NOT NULL;
-- A new report may put its sender over a cap: an incremental publish
-- re-decides that sender's numbers (incremental.rs).
CREATE INDEX report_by_reporter ON report (reporter_id, day);
CREATE INDEX report_by_short ON report (short_number, day) WHERE short_number IS NOT NULL;
-- Each ingested file: its counts, and the rejected lines counted by reason
-- code (JSON object), for the publish report. No line's content. A
-- gateway's POSTs (gateway: its name) add up in one row until a publish
-- reads it.
CREATE TABLE ingest_run (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    rows       INTEGER NOT NULL,
    ingested   INTEGER NOT NULL,
    duplicates INTEGER NOT NULL,
    rejected   TEXT NOT NULL,
    gateway    TEXT
);
-- Curated sources: a police notice, a ministry bulletin. official: an
-- authority's list, listed without the reporter threshold. url: the
-- address all of its entries share, when they share one.
CREATE TABLE source (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL UNIQUE,
    official INTEGER NOT NULL CHECK (official IN (0, 1)),
    url      TEXT,
    added_at INTEGER NOT NULL
);
-- A source's numbers with their provenance. category: scam, nuisance, or
-- verified (a legitimate number; official sources only). day: the
-- notice's date (days since 1970-01-01), when it gave one.
CREATE TABLE source_entry (
    source_id  INTEGER NOT NULL REFERENCES source(id),
    number     INTEGER NOT NULL,
    category   TEXT NOT NULL CHECK (category IN ('scam', 'nuisance', 'verified')),
    day        INTEGER,
    label      TEXT,
    source_url TEXT,
    PRIMARY KEY (source_id, number)
) WITHOUT ROWID;
CREATE INDEX source_entry_by_number ON source_entry (number);
CREATE INDEX source_entry_by_day ON source_entry (day);
-- Disputes: the number leaves the list until enough new people report it,
-- unless so many people reported it that the dispute waits for an
-- operator. state: open (in force), waiting (in force once an operator
-- upholds it), upheld, rejected (by an operator), withdrawn. operator: who
-- filed it; decided_by, decided_at, decision: who decided it, when, why.
CREATE TABLE dispute (
    id          INTEGER PRIMARY KEY,
    number      INTEGER NOT NULL,
    reason      TEXT NOT NULL,
    disputed_at INTEGER NOT NULL,
    state       TEXT NOT NULL DEFAULT 'open'
                CHECK (state IN ('open', 'waiting', 'upheld', 'rejected', 'withdrawn')),
    operator    TEXT,
    decided_by  TEXT,
    decided_at  INTEGER,
    decision    TEXT
);
CREATE INDEX dispute_by_number ON dispute (number, disputed_at);
-- The review queue: numbers whose false listing harms most (fixed lines,
-- 1800/1900, protected or verified numbers), held off the list while they
-- wait; and operators' decisions about a number (approved: listed on its
-- evidence as scam or nuisance; rejected: off until new people report
-- it). why: what held it; held_since: Unix seconds of the publish that
-- first held it; reporters, reports, last_day: its evidence then.
CREATE TABLE review (
    number     INTEGER PRIMARY KEY,
    state      TEXT NOT NULL CHECK (state IN ('held', 'approved', 'rejected')),
    why        TEXT,
    held_since INTEGER,
    reporters  INTEGER NOT NULL DEFAULT 0,
    reports    INTEGER NOT NULL DEFAULT 0,
    last_day   INTEGER,
    operator   TEXT,
    reason     TEXT,
    decided_at INTEGER
) WITHOUT ROWID;
-- Each aggregation: when, for which day, under which policy (JSON), the
-- counts of its publish report (JSON), the last ingest it saw, the feed
-- version it was published as (NULL: aggregated, not published, or
-- published before schema 7), and what its decide left (incremental.rs).
CREATE TABLE publish_run (
    id           INTEGER PRIMARY KEY,
    at           INTEGER NOT NULL,
    as_of        INTEGER NOT NULL,
    policy       TEXT NOT NULL,
    counts       TEXT NOT NULL,
    last_ingest  INTEGER NOT NULL,
    feed_version INTEGER,
    decide       TEXT
);
-- The list as the last aggregation decided it, to tell what was added and
-- what was removed, and why, with each entry whole (what phones are sent
-- and its evidence): an incremental publish keeps the entries it does not
-- decide again. evidence_reporters: people within expire_days.
CREATE TABLE listed (
    number   INTEGER PRIMARY KEY,
    category TEXT NOT NULL,
    label    TEXT,
    since    INTEGER NOT NULL,
    reports            INTEGER,
    last_reported      INTEGER,
    reporters          INTEGER,
    evidence_reporters INTEGER,
    source_name        TEXT,
    source_url         TEXT
);
-- The audit log: one JSON line per decision that changed since the
-- previous aggregation, with its evidence counts and never a reporter's
-- identity, and one summary line per aggregation; and each operator's
-- decision, under the last publish (no run before the first one).
CREATE TABLE audit (
    id     INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES publish_run(id),
    line   TEXT NOT NULL
);
-- The last decision about each number, as digests of its audit line:
-- `outcome` of the decision (listed or why not, category, label,
-- provenance), `evidence` of its counts and days. number: the E.164 digits
-- as an integer, or a short number as text (as in `report`). tally: what
-- the decision adds to the publish report's counts (incremental.rs).
CREATE TABLE decided (
    number   PRIMARY KEY,
    outcome  INTEGER NOT NULL,
    evidence INTEGER NOT NULL,
    tally    TEXT
) WITHOUT ROWID;
-- What the last publish left that the next one must continue from (one
-- row, made by the first publish): the feed's version and its key's id
-- (a lost feed folder continues at the next version; another key is
-- refused unless meant), whether a policy file was used (a publish
-- without one would empty the protected list), when the guard's
-- baseline list (guard_baseline) was taken, the day before which every
-- report has been reduced to what a decision needs (retention.rs), and
-- the baseline's size, how many of its numbers the list of the publish
-- `baseline_run` left and how many it joined (NULL: not known, measured
-- whole).
CREATE TABLE publish_state (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    feed_version INTEGER NOT NULL,
    feed_key     TEXT NOT NULL,
    with_policy  INTEGER NOT NULL CHECK (with_policy IN (0, 1)),
    baseline_at  INTEGER NOT NULL,
    reduced_to   INTEGER NOT NULL,
    baseline_size   INTEGER,
    baseline_left   INTEGER,
    baseline_joined INTEGER,
    baseline_run    INTEGER
);
-- The guard's baseline: the list as it stood before the publish that
-- last renewed it (or as the first or an accepted publish left it); a
-- publish may not move further than its policy shares from it either.
CREATE TABLE guard_baseline (
    number INTEGER PRIMARY KEY
) WITHOUT ROWID;
-- The desk's operators: a name and its argon2id hash (PHC string, salt
-- inside); never a password.
CREATE TABLE operator (
    name       TEXT PRIMARY KEY,
    hash       TEXT NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;
-- Signed-in sessions: the SHA-256 of the cookie's random token (the token
-- itself is only in the operator's browser), whose they are, the token
-- every form of the session carries (CSRF), and when it was made and last
-- used (idle ones expire).
CREATE TABLE session (
    token_hash BLOB PRIMARY KEY CHECK (length(token_hash) = 32),
    operator   TEXT NOT NULL REFERENCES operator(name) ON DELETE CASCADE,
    csrf       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL
) WITHOUT ROWID;
-- A number's audit lines, found without reading the whole log (the desk's
-- number page).
CREATE INDEX audit_by_number ON audit (json_extract(line, '$.number'));
-- Publishes refused (by the guard, a changed key or a missing policy):
-- when and why, in the refusal's words; nothing else of them is written.
CREATE TABLE publish_refusal (
    id  INTEGER PRIMARY KEY,
    at  INTEGER NOT NULL,
    why TEXT NOT NULL
);
CREATE INDEX publish_refusal_by_at ON publish_refusal (at);
";

/// Every change to the sources counted, by triggers, so that a publish
/// tells whether any source changed without reading them all
/// (incremental.rs): part of a new database and of `upgrade_from(8)`.
const SOURCE_STAMP: &str = "
CREATE TABLE source_stamp (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO source_stamp (id, n) VALUES (1, 0);
CREATE TRIGGER source_stamp_entry_insert AFTER INSERT ON source_entry
    BEGIN UPDATE source_stamp SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER source_stamp_entry_update AFTER UPDATE ON source_entry
    BEGIN UPDATE source_stamp SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER source_stamp_entry_delete AFTER DELETE ON source_entry
    BEGIN UPDATE source_stamp SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER source_stamp_insert AFTER INSERT ON source
    BEGIN UPDATE source_stamp SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER source_stamp_update AFTER UPDATE ON source
    BEGIN UPDATE source_stamp SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER source_stamp_delete AFTER DELETE ON source
    BEGIN UPDATE source_stamp SET n = n + 1 WHERE id = 1; END;
";

/// Moves a publisher database at `version` to `version + 1`. A step that
/// shipped is never edited: it is what publishers holding that version run.
fn upgrade_from(tx: &Transaction, version: u32) -> Result<()> {
    match version {
        // v2: the last decision about each number. Empty after the step:
        // the next publish logs every decision once, as the first did.
        1 => tx.execute_batch(
            "
CREATE TABLE decided (
    number   PRIMARY KEY,
    outcome  INTEGER NOT NULL,
    evidence INTEGER NOT NULL
) WITHOUT ROWID;
",
        )?,
        // v3: the gateway's message id, keyed. Messages already stored have
        // none; they stay unique by their time, sender and body.
        2 => tx.execute_batch(
            "
ALTER TABLE report ADD COLUMN message_id BLOB;
CREATE UNIQUE INDEX report_by_message_id ON report (message_id) WHERE message_id IS NOT NULL;
",
        )?,
        // v4: the reporter key's fingerprint, and the publish state. The
        // key itself stays in `secret` until `reports init --move-key-out`
        // takes it out (the database is refused until then).
        3 => tx.execute_batch(
            "
CREATE TABLE reporter_key (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    fingerprint BLOB NOT NULL CHECK (length(fingerprint) = 32),
    created_at  INTEGER NOT NULL
);
CREATE TABLE publish_state (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    feed_version INTEGER NOT NULL,
    feed_key     TEXT NOT NULL,
    with_policy  INTEGER NOT NULL CHECK (with_policy IN (0, 1)),
    baseline_at  INTEGER NOT NULL,
    reduced_to   INTEGER NOT NULL
);
CREATE TABLE guard_baseline (
    number INTEGER PRIMARY KEY
) WITHOUT ROWID;
",
        )?,
        // v5: the review queue, disputes with a state and who decided, and
        // an audit log whose operator lines may come before any publish.
        // Every dispute stored before is `open`: in force, as it was.
        4 => tx.execute_batch(
            "
ALTER TABLE dispute ADD COLUMN state TEXT NOT NULL DEFAULT 'open'
    CHECK (state IN ('open', 'waiting', 'upheld', 'rejected', 'withdrawn'));
ALTER TABLE dispute ADD COLUMN operator TEXT;
ALTER TABLE dispute ADD COLUMN decided_by TEXT;
ALTER TABLE dispute ADD COLUMN decided_at INTEGER;
ALTER TABLE dispute ADD COLUMN decision TEXT;
CREATE TABLE review (
    number     INTEGER PRIMARY KEY,
    state      TEXT NOT NULL CHECK (state IN ('held', 'approved', 'rejected')),
    why        TEXT,
    held_since INTEGER,
    reporters  INTEGER NOT NULL DEFAULT 0,
    reports    INTEGER NOT NULL DEFAULT 0,
    last_day   INTEGER,
    operator   TEXT,
    reason     TEXT,
    decided_at INTEGER
) WITHOUT ROWID;
-- An operator's decision before the first publish is logged under no run.
CREATE TABLE audit_v5 (
    id     INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES publish_run(id),
    line   TEXT NOT NULL
);
INSERT INTO audit_v5 (id, run_id, line) SELECT id, run_id, line FROM audit;
DROP TABLE audit;
ALTER TABLE audit_v5 RENAME TO audit;
",
        )?,
        // v6: which gateway POSTed a message. Everything stored before was
        // read from a file: no gateway.
        5 => tx.execute_batch(
            "
ALTER TABLE report ADD COLUMN gateway TEXT;
ALTER TABLE ingest_run ADD COLUMN gateway TEXT;
",
        )?,
        // v7: the desk's operators and sessions, the audit log indexed by
        // number (built here over the lines already logged), refused
        // publishes, and each publish's feed version (unknown before).
        6 => tx.execute_batch(
            "
CREATE TABLE operator (
    name       TEXT PRIMARY KEY,
    hash       TEXT NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE session (
    token_hash BLOB PRIMARY KEY CHECK (length(token_hash) = 32),
    operator   TEXT NOT NULL REFERENCES operator(name) ON DELETE CASCADE,
    csrf       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX audit_by_number ON audit (json_extract(line, '$.number'));
CREATE TABLE publish_refusal (
    id  INTEGER PRIMARY KEY,
    at  INTEGER NOT NULL,
    why TEXT NOT NULL
);
CREATE INDEX publish_refusal_by_at ON publish_refusal (at);
ALTER TABLE publish_run ADD COLUMN feed_version INTEGER;
CREATE INDEX report_by_day_keyword ON report (day, keyword);
",
        )?,
        // v8: decisions kept whole, for an incremental publish. Empty
        // after the step (no run has a `decide` state): the next publish
        // decides every number, and fills them.
        7 => tx.execute_batch(
            "
ALTER TABLE publish_run ADD COLUMN decide TEXT;
ALTER TABLE listed ADD COLUMN reports INTEGER;
ALTER TABLE listed ADD COLUMN last_reported INTEGER;
ALTER TABLE listed ADD COLUMN reporters INTEGER;
ALTER TABLE listed ADD COLUMN evidence_reporters INTEGER;
ALTER TABLE listed ADD COLUMN source_name TEXT;
ALTER TABLE listed ADD COLUMN source_url TEXT;
ALTER TABLE decided ADD COLUMN tally TEXT;
CREATE INDEX report_by_reporter ON report (reporter_id, day);
CREATE INDEX report_by_short ON report (short_number, day) WHERE short_number IS NOT NULL;
",
        )?,
        // v9: the sources' change count, their entries by day, and the
        // list's distance from the guard's baseline (unknown until the
        // next publish measures it whole).
        8 => {
            tx.execute_batch(
                "
ALTER TABLE publish_state ADD COLUMN baseline_size INTEGER;
ALTER TABLE publish_state ADD COLUMN baseline_left INTEGER;
ALTER TABLE publish_state ADD COLUMN baseline_joined INTEGER;
ALTER TABLE publish_state ADD COLUMN baseline_run INTEGER;
CREATE INDEX source_entry_by_day ON source_entry (day);
",
            )?;
            tx.execute_batch(SOURCE_STAMP)?;
        }
        v => {
            return Err(Error::invalid(format!(
                "no upgrade step from publisher schema {v}"
            )));
        }
    }
    Ok(())
}

/// An open publisher database.
pub struct PublisherDb {
    pub(super) conn: Connection,
    /// The reporter key, once given and checked ([`PublisherDb::use_reporter_key`]):
    /// only the commands that hash reporters need it.
    key: Option<ReporterKey>,
    path: PathBuf,
}

/// A keyed hash (32 bytes).
pub(super) type Hash = [u8; 32];

/// Says how to name the reporter key, for the commands that need it.
const NAME_THE_KEY: &str =
    "pass the reporter key file with --reporter-key FILE (or CANHGIAC_REPORTER_KEY_FILE)";

impl PublisherDb {
    /// Makes a new publisher database at `path` and its reporter key at
    /// `key_file`, once: refuses when either exists (an existing key may
    /// be the only copy of another database's key).
    pub fn create(path: &Path, key_file: &Path) -> Result<PublisherDb> {
        crate::store::require_folder(path)?;
        if path.exists() {
            return Err(Error::Open(format!(
                "{} already exists; it was left untouched (`reports init` makes a database once)",
                path.display()
            )));
        }
        let key = ReporterKey::generate();
        key.write_new(key_file)?;
        let made = Self::connect(path, true).and_then(|mut conn| {
            create_schema(&mut conn, &key)?;
            Ok(conn)
        });
        match made {
            Ok(conn) => Ok(PublisherDb {
                conn,
                key: Some(key),
                path: path.to_path_buf(),
            }),
            Err(e) => {
                // Nothing half-made: neither a key without its database
                // nor a database without its key.
                let _ = std::fs::remove_file(key_file);
                for suffix in ["", "-wal", "-shm"] {
                    let mut p = path.as_os_str().to_owned();
                    p.push(suffix);
                    let _ = std::fs::remove_file(PathBuf::from(p));
                }
                Err(e)
            }
        }
    }

    /// Opens the publisher database at `path`, which must exist (made by
    /// [`PublisherDb::create`]). Refuses, untouched, a file that is not a
    /// publisher database (a phone's file, a CSV, another program's), one
    /// written by a newer version, and one that still holds its reporter
    /// key (see [`PublisherDb::move_key_out`]).
    pub fn open(path: &Path) -> Result<PublisherDb> {
        Self::open_any(path, true)
    }

    /// Opens an existing database, upgraded. `refuse_key_inside`: a
    /// database that still holds its key is refused before the upgrade,
    /// so that a refused command leaves it at its version (the binary
    /// that wrote it can still open it).
    fn open_any(path: &Path, refuse_key_inside: bool) -> Result<PublisherDb> {
        crate::store::require_folder(path)?;
        let recognised = recognise(path, APPLICATION_ID)
            .map_err(|e| Error::Open(format!("{}: {e}", path.display())))?;
        match recognised {
            Recognised::NotOurs(what) => {
                return Err(Error::Open(format!(
                    "{} is not a Cảnh Giác publisher database ({what}); it was left untouched: choose another path",
                    path.display()
                )));
            }
            Recognised::New => {
                return Err(Error::Open(format!(
                    "there is no publisher database at {}: make one, once, with `canhgiac --db {} reports init --reporter-key FILE` (a mistyped --db is refused rather than published as an empty list)",
                    path.display(),
                    path.display()
                )));
            }
            Recognised::Ours => {}
        }
        let mut conn = Self::connect(path, false)?;
        if refuse_key_inside && key_inside(&conn)? {
            return Err(Error::Open(format!(
                "{} still holds its reporter key, so a copy of it gives the reporters away: move the key out once with `canhgiac --db {} reports init --move-key-out --reporter-key FILE`, then back FILE up apart from the database",
                path.display(),
                path.display()
            )));
        }
        upgrade(&mut conn)?;
        Ok(PublisherDb {
            conn,
            key: None,
            path: path.to_path_buf(),
        })
    }

    /// A connection with the publisher's settings; `create`: the file may
    /// be made.
    fn connect(path: &Path, create: bool) -> Result<Connection> {
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if create {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let conn = Connection::open_with_flags(path, flags).map_err(|e| {
            Error::Open(format!("{}: {e} (is the folder writable?)", path.display()))
        })?;
        conn.busy_timeout(Duration::from_secs(5))?;
        // A newer schema is refused before anything, even the journal mode,
        // is written.
        let found: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if found > VERSION {
            return Err(Error::SchemaTooNew {
                found,
                supported: VERSION,
            });
        }
        set_writer_pragmas(&conn, path)?;
        // The message keys are random: a million-line ingest touches index
        // pages all over the file. A page cache that holds them keeps it
        // from reading the same pages again and again (an upper bound, not
        // memory taken up front).
        conn.pragma_update(None, "cache_size", -CACHE_KIB)?;
        Ok(conn)
    }

    /// Takes the reporter key of a database made before schema 4 out of
    /// it, once: writes it to `key_file` (a new file), keeps its
    /// fingerprint, and removes it from the database so that its bytes are
    /// in neither the file nor its journal. Every stored hash stays valid:
    /// the key is the same.
    pub fn move_key_out(path: &Path, key_file: &Path) -> Result<PublisherDb> {
        let mut db = Self::open_any(path, false)?;
        if !key_inside(&db.conn)? {
            return Err(Error::Open(format!(
                "{}'s reporter key is already outside it; nothing was changed",
                path.display()
            )));
        }
        let stored: Vec<u8> =
            db.conn
                .query_row("SELECT key FROM secret WHERE id = 1", [], |r| r.get(0))?;
        let key = ReporterKey::from_bytes(
            stored
                .try_into()
                .map_err(|_| Error::Open(format!("{}: the key is damaged", path.display())))?,
        );
        // The file first: if anything below fails, the key is still inside
        // and the move can be run again (with another file name).
        key.write_new(key_file)?;
        // Freed pages are overwritten with zeros, not left with the key.
        db.conn.pragma_update(None, "secure_delete", true)?;
        let tx = db.transaction()?;
        tx.execute(
            "INSERT INTO reporter_key (id, fingerprint, created_at) VALUES (1, ?1, ?2)",
            rusqlite::params![&key.fingerprint()[..], crate::dates::now_unix()],
        )?;
        tx.execute_batch("DROP TABLE secret")?;
        tx.commit()?;
        // Rewrite the file without the freed pages, then empty the journal,
        // which held the pages as they were.
        db.conn.execute_batch("VACUUM")?;
        let busy: i64 = db
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
        if busy != 0 {
            // Another process has the file open: the journal is emptied
            // when the last connection closes, not now.
            tracing::warn!(
                "another process has the publisher database open: the key's old bytes leave its -wal file when that process closes it"
            );
        }
        tracing::info!("the reporter key was moved out of the publisher database");
        db.key = Some(key);
        Ok(db)
    }

    /// Reads the reporter key from `key_file` and checks it is this
    /// database's: a wrong key would count every reporter as new.
    pub fn use_reporter_key(&mut self, key_file: &Path) -> Result<()> {
        let key = ReporterKey::read(key_file)?;
        let stored: Vec<u8> = self.conn.query_row(
            "SELECT fingerprint FROM reporter_key WHERE id = 1",
            [],
            |r| r.get(0),
        )?;
        if stored[..] != key.fingerprint()[..] {
            return Err(Error::Open(format!(
                "{} is not the reporter key of {} (its fingerprint differs): with another key every reporter would count as new; pass the key `reports init` wrote for this database",
                key_file.display(),
                self.path.display()
            )));
        }
        self.key = Some(key);
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every commit reaches the disk before it returns (`synchronous =
    /// FULL`), for `serve`, whose 202 tells a gateway it may forget the
    /// message. In WAL mode NORMAL already survives the process being
    /// killed (the commit is in the OS's cache), but not a power cut or a
    /// kernel crash, which could lose the last commits after their 202s;
    /// the group commit makes that one fsync per batch, not per message.
    pub fn sync_every_commit(&self) -> Result<()> {
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        Ok(())
    }

    /// Whether the database answers a read (`serve`'s health check).
    pub fn ping(&self) -> Result<()> {
        self.conn
            .query_row("SELECT count(*) FROM reporter_key", [], |r| {
                r.get::<_, i64>(0)
            })?;
        Ok(())
    }

    /// One IMMEDIATE transaction: all or nothing.
    pub(super) fn transaction(&mut self) -> Result<Transaction<'_>> {
        Ok(self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?)
    }

    /// The keyed hashes of this database: only with its reporter key.
    pub(super) fn hasher(&self) -> Result<Hasher> {
        match &self.key {
            Some(key) => Ok(Hasher::new(key.bytes())),
            None => Err(Error::invalid(format!(
                "this command counts reporters: {NAME_THE_KEY}"
            ))),
        }
    }
}

/// Keyed hashes with the reporter key.
#[derive(Clone)]
pub(super) struct Hasher {
    /// HMAC's state after the key: an ingest hashes two things per line,
    /// and keying costs as much as hashing a short message.
    keyed: Hmac<Sha256>,
}

impl Hasher {
    pub(super) fn new(secret: &[u8; 32]) -> Hasher {
        Hasher {
            keyed: Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes a key of any length"),
        }
    }

    fn mac(&self, domain: &[u8], parts: &[&[u8]]) -> Hash {
        let mut mac = self.keyed.clone();
        mac.update(domain);
        for part in parts {
            // Each part's length first: no two different lists of parts
            // hash the same bytes.
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        mac.finalize().into_bytes().into()
    }

    /// A reporter, by the E.164 form of their number (`+84912345678`), so
    /// that every written form of one number is one reporter.
    pub(super) fn reporter(&self, e164: &str) -> Hash {
        self.mac(b"canhgiac reporter\0", &[e164.as_bytes()])
    }

    /// One message: when it came, who sent it (already hashed), and the
    /// body as it was received.
    pub(super) fn message(&self, received_at: i64, reporter: &Hash, body: &str) -> Hash {
        self.mac(
            b"canhgiac message\0",
            &[&received_at.to_be_bytes(), reporter, body.as_bytes()],
        )
    }

    /// The gateway's own id of a message. Keyed, though it is not a
    /// person's data: a gateway may build it from the sender's number.
    pub(super) fn message_id(&self, id: &str) -> Hash {
        self.mac(b"canhgiac message id\0", &[id.as_bytes()])
    }
}

/// Whether the reporter key is still in the file (a database made before
/// schema 4, not moved out yet).
fn key_inside(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'secret'",
        [],
        |r| r.get::<_, i64>(0),
    )? > 0)
}

/// Upgrades a database of an older version, or checks an existing one.
fn upgrade(conn: &mut Connection) -> Result<()> {
    let (app_id, found): (i32, u32) = conn.query_row(
        "SELECT (SELECT application_id FROM pragma_application_id), (SELECT user_version FROM pragma_user_version)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if found == VERSION && app_id == APPLICATION_ID {
        return Ok(());
    }
    if app_id != APPLICATION_ID || !(1..VERSION).contains(&found) {
        return Err(Error::Open(
            "the file is a SQLite database of another program or version; it was left untouched: choose another path".into(),
        ));
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for v in found..VERSION {
        tracing::info!(from = v, to = v + 1, "upgrading the publisher database");
        upgrade_from(&tx, v)?;
    }
    tx.pragma_update(None, "user_version", VERSION)?;
    tx.commit()?;
    Ok(())
}

/// The schema and the key's fingerprint, in a new, empty file.
fn create_schema(conn: &mut Connection, key: &ReporterKey) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute_batch(CREATE_SCHEMA)?;
    tx.execute_batch(SOURCE_STAMP)?;
    tx.execute(
        "INSERT INTO reporter_key (id, fingerprint, created_at) VALUES (1, ?1, ?2)",
        rusqlite::params![&key.fingerprint()[..], crate::dates::now_unix()],
    )?;
    tx.pragma_update(None, "user_version", VERSION)?;
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A new database and its key in `dir`.
    pub(crate) fn create_in(dir: &Path, name: &str) -> PublisherDb {
        PublisherDb::create(&dir.join(name), &dir.join(format!("{name}.key"))).unwrap()
    }

    #[test]
    fn a_new_file_has_the_schema_the_id_wal_and_a_key_outside() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pub.db");
        let key_file = dir.path().join("reporter.key");
        let db = PublisherDb::create(&path, &key_file).unwrap();
        let q = |sql: &str| -> i64 { db.conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(q("PRAGMA user_version"), i64::from(VERSION));
        assert_eq!(q("PRAGMA application_id"), i64::from(APPLICATION_ID));
        let mode: String = db
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let hash = db.hasher().unwrap().reporter("+84912345678");
        drop(db);
        // The key is in its file and nowhere in the database.
        let key = ReporterKey::read(&key_file).unwrap();
        let file = std::fs::read(&path).unwrap();
        assert!(!file.windows(32).any(|w| w == key.bytes()));
        // Reopened with the key: the same reporter hashes.
        let mut again = PublisherDb::open(&path).unwrap();
        assert!(again.hasher().is_err(), "no key given, no hashes");
        again.use_reporter_key(&key_file).unwrap();
        assert_eq!(again.hasher().unwrap().reporter("+84912345678"), hash);
        // Another database: another key, refused by the first.
        let other = create_in(dir.path(), "other.db");
        assert_ne!(other.hasher().unwrap().reporter("+84912345678"), hash);
        let err = again
            .use_reporter_key(&dir.path().join("other.db.key"))
            .unwrap_err();
        assert!(err.to_string().contains("not the reporter key"), "{err}");
    }

    #[test]
    fn init_makes_a_database_once_and_open_never_makes_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pub.db");
        let err = PublisherDb::open(&path).err().unwrap();
        assert!(err.to_string().contains("reports init"), "{err}");
        assert!(!path.exists(), "a mistyped path makes nothing");
        create_in(dir.path(), "pub.db");
        // Neither the database nor a key file is made twice.
        let err = PublisherDb::create(&path, &dir.path().join("new.key"))
            .err()
            .unwrap();
        assert!(err.to_string().contains("already exists"), "{err}");
        assert!(!dir.path().join("new.key").exists());
        let err = PublisherDb::create(&dir.path().join("b.db"), &dir.path().join("pub.db.key"))
            .err()
            .unwrap();
        assert!(err.to_string().contains("already exists"), "{err}");
        assert!(!dir.path().join("b.db").exists());
    }

    #[test]
    fn files_that_are_not_ours_are_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("inbox.csv");
        std::fs::write(&csv, "received_at,sender,to,body\n").unwrap();
        let err = PublisherDb::open(&csv).err().unwrap();
        assert!(
            err.to_string()
                .contains("not a Cảnh Giác publisher database")
        );
        assert_eq!(
            std::fs::read_to_string(&csv).unwrap(),
            "received_at,sender,to,body\n"
        );

        let phone = dir.path().join("cg.db");
        crate::store::Store::open(&phone).unwrap();
        assert!(PublisherDb::open(&phone).is_err());
        // And the phone does not take a publisher database.
        let publisher = dir.path().join("pub.db");
        create_in(dir.path(), "pub.db");
        assert!(crate::store::Store::open(&publisher).is_err());

        // A publisher database of a newer version is refused untouched.
        let newer = dir.path().join("newer.db");
        Connection::open(&newer)
            .unwrap()
            .execute_batch(&format!(
                "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = 99"
            ))
            .unwrap();
        assert!(matches!(
            PublisherDb::open(&newer),
            Err(Error::SchemaTooNew { found: 99, .. })
        ));
        // Another program's database with a version is not ours.
        let other = dir.path().join("other.db");
        Connection::open(&other)
            .unwrap()
            .execute_batch("PRAGMA user_version = 3; CREATE TABLE t (x)")
            .unwrap();
        assert!(matches!(PublisherDb::open(&other), Err(Error::Open(_))));
        assert!(PublisherDb::open(&dir.path().join("missing/pub.db")).is_err());
    }

    #[test]
    fn hashes_are_keyed_and_separate_their_parts() {
        let a = Hasher::new(&[1; 32]);
        let b = Hasher::new(&[2; 32]);
        assert_ne!(a.reporter("+84912345678"), b.reporter("+84912345678"));
        assert_ne!(a.reporter("+84912345678"), a.reporter("+84912345679"));
        let r = a.reporter("+84912345678");
        assert_ne!(a.message(1, &r, "LD 0912"), a.message(1, &r, "LD 0913"));
        assert_ne!(a.message(1, &r, "x"), a.message(2, &r, "x"));
        assert_eq!(a.message(1, &r, "x"), a.message(1, &r, "x"));
    }

    /// The brute-force cost that keeps the reporter key out of the
    /// database: reporter hashes one core makes per second with this
    /// Hasher, and the time to try Vietnam's whole mobile space (about
    /// 3.8×10^8 numbers) against a stolen database that held its key. A
    /// figure for the README, not a check: run it in release mode,
    /// `cargo test --release -p canhgiac-core --features publisher --lib
    /// reporter_hash_rate -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn reporter_hash_rate() {
        let hasher = Hasher::new(&[9; 32]);
        let n: u32 = 5_000_000;
        let started = std::time::Instant::now();
        let mut sink = 0u8;
        for i in 0..n {
            let e164 = format!("+849{:08}", i);
            sink ^= hasher.reporter(&e164)[0];
        }
        let secs = started.elapsed().as_secs_f64();
        let rate = f64::from(n) / secs;
        println!(
            "{rate:.0} reporter hashes/s on one core ({sink}); Vietnam's mobile space (3.8e8) in {:.0} s",
            3.8e8 / rate
        );
    }

    /// Version 1's schema, frozen: only its upgrade test uses it.
    const V1_SCHEMA: &str = "
-- The key of every keyed hash in this file: 32 random bytes, made once.
CREATE TABLE secret (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    key        BLOB NOT NULL CHECK (length(key) = 32),
    created_at INTEGER NOT NULL
);
-- People who reported, as HMAC-SHA-256(secret, their E.164 number) only.
CREATE TABLE reporter (
    id   INTEGER PRIMARY KEY,
    hash BLOB NOT NULL UNIQUE CHECK (length(hash) = 32)
);
-- One SMS sent to 156 or 5656. `uniq` is a keyed hash of (received_at,
-- reporter, body): the same message ingested twice is stored once.
-- received_at: Unix seconds; day: its Vietnamese calendar day (days since
-- 1970-01-01). The reported party is exactly one of: `number`, the E.164
-- digits as an integer (84912345678); `short_number`, a number without an
-- international form (113, 156, a short code) in its national form; or
-- `sender_id`, the brand name of an `S` report (VIETTEL). content: NFC, at
-- most 1000 characters.
CREATE TABLE report (
    id           INTEGER PRIMARY KEY,
    uniq         BLOB NOT NULL UNIQUE,
    received_at  INTEGER NOT NULL,
    day          INTEGER NOT NULL,
    reporter_id  INTEGER NOT NULL REFERENCES reporter(id),
    hotline      INTEGER NOT NULL CHECK (hotline IN (156, 5656)),
    keyword      TEXT NOT NULL CHECK (keyword IN ('LD', 'V', 'S')),
    number       INTEGER,
    short_number TEXT,
    sender_id    TEXT,
    content      TEXT NOT NULL,
    category     TEXT NOT NULL CHECK (category IN ('scam', 'nuisance', 'sms_spam')),
    CHECK ((number IS NOT NULL) + (short_number IS NOT NULL) + (sender_id IS NOT NULL) = 1)
);
CREATE INDEX report_by_number ON report (number, day) WHERE number IS NOT NULL;
CREATE INDEX report_by_day ON report (day);
-- Each ingested file: its counts, and the rejected lines counted by reason
-- code (JSON object), for the publish report. No line's content.
CREATE TABLE ingest_run (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    rows       INTEGER NOT NULL,
    ingested   INTEGER NOT NULL,
    duplicates INTEGER NOT NULL,
    rejected   TEXT NOT NULL
);
-- Curated sources: a police notice, a ministry bulletin. official: an
-- authority's list, listed without the reporter threshold. url: the
-- address all of its entries share, when they share one.
CREATE TABLE source (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL UNIQUE,
    official INTEGER NOT NULL CHECK (official IN (0, 1)),
    url      TEXT,
    added_at INTEGER NOT NULL
);
-- A source's numbers with their provenance. category: scam, nuisance, or
-- verified (a legitimate number; official sources only). day: the
-- notice's date (days since 1970-01-01), when it gave one.
CREATE TABLE source_entry (
    source_id  INTEGER NOT NULL REFERENCES source(id),
    number     INTEGER NOT NULL,
    category   TEXT NOT NULL CHECK (category IN ('scam', 'nuisance', 'verified')),
    day        INTEGER,
    label      TEXT,
    source_url TEXT,
    PRIMARY KEY (source_id, number)
) WITHOUT ROWID;
CREATE INDEX source_entry_by_number ON source_entry (number);
-- Disputes: the number leaves the list until enough new people report it.
CREATE TABLE dispute (
    id          INTEGER PRIMARY KEY,
    number      INTEGER NOT NULL,
    reason      TEXT NOT NULL,
    disputed_at INTEGER NOT NULL
);
CREATE INDEX dispute_by_number ON dispute (number, disputed_at);
-- Each aggregation: when, for which day, under which policy (JSON), the
-- counts of its publish report (JSON), and the last ingest it saw.
CREATE TABLE publish_run (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    as_of       INTEGER NOT NULL,
    policy      TEXT NOT NULL,
    counts      TEXT NOT NULL,
    last_ingest INTEGER NOT NULL
);
-- The list as the last aggregation decided it, to tell what was added and
-- what was removed, and why.
CREATE TABLE listed (
    number   INTEGER PRIMARY KEY,
    category TEXT NOT NULL,
    label    TEXT,
    since    INTEGER NOT NULL
);
-- The audit log: one JSON line per decision, with its evidence counts and
-- never a reporter's identity.
CREATE TABLE audit (
    id     INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES publish_run(id),
    line   TEXT NOT NULL
);
";

    /// Tables and their columns, to compare two files' schemas.
    fn shape(conn: &Connection) -> Vec<String> {
        conn.prepare(
            "SELECT m.name || '.' || p.name || ' ' || p.type || ' nn=' || p.\"notnull\" || ' pk=' || p.pk
               FROM sqlite_master m JOIN pragma_table_info(m.name) p
              WHERE m.type = 'table' ORDER BY m.name, p.cid",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
    }

    /// Version 2's schema, frozen: version 1's and the last decisions.
    fn v2_schema() -> String {
        V1_SCHEMA.to_string()
            + "CREATE TABLE decided (
    number   PRIMARY KEY,
    outcome  INTEGER NOT NULL,
    evidence INTEGER NOT NULL
) WITHOUT ROWID;"
    }

    /// A database of `version` (1 or 2) holding `key` inside, with one
    /// publish run and its audit line.
    fn old_db(path: &Path, version: u32, key: &[u8; 32]) {
        let conn = Connection::open(path).unwrap();
        conn.execute_batch(&if version == 1 {
            V1_SCHEMA.to_string()
        } else {
            v2_schema()
        })
        .unwrap();
        conn.execute("INSERT INTO secret VALUES (1, ?1, 0)", [&key[..]])
            .unwrap();
        conn.execute_batch(&format!(
            "INSERT INTO publish_run VALUES (1, 0, 20000, '{{}}', '{{}}', 0);
             INSERT INTO audit (run_id, line) VALUES (1, '{{\"run\":1}}');
             PRAGMA user_version = {version}; PRAGMA application_id = {APPLICATION_ID};"
        ))
        .unwrap();
    }

    #[test]
    fn upgrade_from_v1_and_v2_keeps_everything_and_the_key_moves_out_once() {
        for version in [1, 2] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("old.db");
            let key: [u8; 32] = std::array::from_fn(|i| (i as u8).wrapping_mul(37) ^ 0xA5);
            old_db(&path, version, &key);
            // The leak: the key is in the file.
            assert!(std::fs::read(&path).unwrap().windows(32).any(|w| w == key));
            // Refused until the key is out, saying how, and left at its
            // version: the binary that wrote it can still open it.
            let err = PublisherDb::open(&path).err().unwrap();
            assert!(err.to_string().contains("--move-key-out"), "{err}");
            let untouched = Connection::open(&path).unwrap();
            let at: u32 = untouched
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .unwrap();
            assert_eq!(at, version);
            drop(untouched);
            let key_file = dir.path().join("reporter.key");
            let old = PublisherDb::move_key_out(&path, &key_file).unwrap();
            // The same key: every stored hash stays valid.
            assert_eq!(ReporterKey::read(&key_file).unwrap().bytes(), &key);
            let fresh = create_in(dir.path(), "fresh.db");
            assert_eq!(shape(&old.conn), shape(&fresh.conn));
            let q = |sql: &str| -> i64 { old.conn.query_row(sql, [], |r| r.get(0)).unwrap() };
            assert_eq!(q("PRAGMA user_version"), i64::from(VERSION));
            assert_eq!(q("SELECT count(*) FROM audit"), 1);
            assert_eq!(q("SELECT run_id FROM audit"), 1);
            assert_eq!(q("SELECT count(*) FROM decided"), 0);
            drop(old);
            // Its bytes are gone from the file and its journal.
            for suffix in ["", "-wal"] {
                let file = std::fs::read(format!("{}{suffix}", path.display())).unwrap_or_default();
                assert!(!file.windows(32).any(|w| w == key), "{suffix}");
            }
            let mut again = PublisherDb::open(&path).unwrap();
            again.use_reporter_key(&key_file).unwrap();
            // Once only.
            let err = PublisherDb::move_key_out(&path, &dir.path().join("k2"))
                .err()
                .unwrap();
            assert!(err.to_string().contains("already outside"), "{err}");
        }
    }

    /// A version-2 file (its key inside) and a new file, side by side.
    struct Upgraded {
        _dir: tempfile::TempDir,
        /// The old file, made by `old_db` and `prepare`, then opened by
        /// `move_key_out`: every step since version 2 run on it.
        old: PublisherDb,
        fresh: PublisherDb,
    }

    impl Upgraded {
        /// The two, asserted to have the same tables and columns.
        fn new(prepare: impl FnOnce(&mut Connection)) -> Upgraded {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("v2.db");
            old_db(&path, 2, &[7; 32]);
            prepare(&mut Connection::open(&path).unwrap());
            let old = PublisherDb::move_key_out(&path, &dir.path().join("reporter.key")).unwrap();
            let fresh = create_in(dir.path(), "fresh.db");
            assert_eq!(shape(&old.conn), shape(&fresh.conn));
            Upgraded {
                _dir: dir,
                old,
                fresh,
            }
        }

        /// As `new`, with `sql` run in the version-2 file.
        fn with(sql: &str) -> Upgraded {
            Upgraded::new(|c| c.execute_batch(sql).unwrap())
        }

        /// The number `sql` reads from the upgraded file.
        fn q(&self, sql: &str) -> i64 {
            self.old.conn.query_row(sql, [], |r| r.get(0)).unwrap()
        }
    }

    #[test]
    fn upgrade_from_v2_adds_the_message_id_and_keeps_every_report() {
        let u = Upgraded::with(
            "INSERT INTO reporter VALUES (1, zeroblob(32));
             INSERT INTO report (uniq, received_at, day, reporter_id, hotline, keyword, number, content, category)
             VALUES (x'01', 0, 0, 1, 156, 'LD', 84912345678, '', 'scam'),
                    (x'02', 0, 0, 1, 156, 'LD', 84912345679, '', 'scam');",
        );
        assert_eq!(u.q("PRAGMA user_version"), i64::from(VERSION));
        assert_eq!(
            u.q("SELECT count(*) FROM report WHERE message_id IS NULL"),
            2
        );
        // The id is unique once given; messages without one are not held to it.
        let set = |id: i64, mid: &[u8]| {
            u.old.conn.execute(
                "UPDATE report SET message_id = ?2 WHERE id = ?1",
                rusqlite::params![id, mid],
            )
        };
        set(1, b"a").unwrap();
        assert!(set(2, b"a").is_err());
        set(2, b"b").unwrap();
    }

    #[test]
    fn upgrade_to_v5_adds_the_review_queue_and_keeps_disputes_in_force() {
        let u = Upgraded::with(
            "INSERT INTO dispute (number, reason, disputed_at) VALUES (84912345678, 'a shop', 5)",
        );
        let old = &u.old;
        let dispute: String = old
            .conn
            .query_row("SELECT state || ' ' || reason FROM dispute", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(dispute, "open a shop");
        assert_eq!(u.q("SELECT count(*) FROM review"), 0);
        // The CHECKs hold after the step as in a new file.
        assert!(
            old.conn
                .execute("UPDATE dispute SET state = 'lost'", [])
                .is_err()
        );
        assert!(
            old.conn
                .execute("INSERT INTO review (number, state) VALUES (1, 'maybe')", [])
                .is_err()
        );
    }
    #[test]
    fn upgrade_to_v6_names_no_gateway_for_what_came_from_files() {
        let u = Upgraded::with(
            "INSERT INTO reporter VALUES (1, zeroblob(32));
             INSERT INTO report (uniq, received_at, day, reporter_id, hotline, keyword, number, content, category)
             VALUES (x'01', 0, 0, 1, 156, 'LD', 84912345678, '', 'scam');
             INSERT INTO ingest_run (at, rows, ingested, duplicates, rejected) VALUES (0, 1, 1, 0, '{}');",
        );
        let old = &u.old;
        assert_eq!(u.q("PRAGMA user_version"), i64::from(VERSION));
        assert_eq!(u.q("SELECT count(*) FROM report WHERE gateway IS NULL"), 1);
        assert_eq!(
            u.q("SELECT count(*) FROM ingest_run WHERE gateway IS NULL"),
            1
        );
        old.conn
            .execute("UPDATE report SET gateway = 'sms-gw-1'", [])
            .unwrap();
        assert_eq!(
            u.q("SELECT count(*) FROM report WHERE gateway = 'sms-gw-1'"),
            1
        );
    }

    #[test]
    fn upgrade_from_v6_keeps_the_list_and_leaves_the_next_decide_full() {
        // Version 6 as the shipped steps made it, with a list and a
        // decision of a publish.
        let u = Upgraded::new(|conn| {
            let tx = conn.transaction().unwrap();
            for v in 2..6 {
                upgrade_from(&tx, v).unwrap();
            }
            tx.execute_batch(
                "PRAGMA user_version = 6;
                 INSERT INTO listed VALUES (84912345678, 'scam', NULL, 1);
                 INSERT INTO decided VALUES (84912345678, 1, 2);",
            )
            .unwrap();
            tx.commit().unwrap();
        });
        let (old, fresh) = (&u.old, &u.fresh);
        assert_eq!(u.q("PRAGMA user_version"), i64::from(VERSION));
        // Kept, and not whole: the next publish decides every number.
        assert_eq!(u.q("SELECT count(*) FROM listed WHERE reports IS NULL"), 1);
        assert_eq!(u.q("SELECT count(*) FROM decided WHERE tally IS NULL"), 1);
        assert_eq!(
            u.q("SELECT count(*) FROM publish_run WHERE decide IS NULL"),
            1
        );
        // The indexes an incremental decide reads by, as in a new file.
        let indexes = |conn: &Connection| -> Vec<String> {
            conn.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        assert_eq!(indexes(&old.conn), indexes(&fresh.conn));
        assert!(
            indexes(&old.conn)
                .iter()
                .any(|i| i.contains("report_by_reporter"))
        );
    }
    #[test]
    fn upgrade_to_v7_adds_operators_sessions_and_finds_audit_lines_by_number() {
        let u = Upgraded::with(
            r#"INSERT INTO audit (run_id, line) VALUES (1, '{"run":1,"number":"+84901000001","decision":"listed"}');"#,
        );
        let old = &u.old;
        assert_eq!(u.q("PRAGMA user_version"), i64::from(VERSION));
        assert_eq!(u.q("SELECT count(*) FROM operator"), 0);
        // The line logged before the step is found through the new index.
        let plan: String = old
            .conn
            .query_row(
                "EXPLAIN QUERY PLAN SELECT line FROM audit WHERE json_extract(line, '$.number') = '+84901000001'",
                [],
                |r| r.get(3),
            )
            .unwrap();
        assert!(plan.contains("audit_by_number"), "{plan}");
        assert_eq!(
            u.q("SELECT count(*) FROM audit WHERE json_extract(line, '$.number') = '+84901000001'"),
            1
        );
        // A session names an operator that exists, and goes with it.
        assert!(
            old.conn
                .execute(
                    "INSERT INTO session VALUES (zeroblob(32), 'nobody', 'c', 0, 0)",
                    []
                )
                .is_err()
        );
    }

    #[test]
    fn upgrade_to_v9_counts_every_change_to_the_sources_as_a_new_database_does() {
        let u = Upgraded::with("");
        let (old, fresh) = (&u.old, &u.fresh);
        let objects = |db: &PublisherDb| -> Vec<String> {
            db.conn
                .prepare(
                    "SELECT type || ' ' || name FROM sqlite_master
                      WHERE type IN ('trigger', 'index') ORDER BY name",
                )
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        assert_eq!(objects(old), objects(fresh));
        for db in [old, fresh] {
            let stamp = || -> i64 {
                db.conn
                    .query_row("SELECT n FROM source_stamp", [], |r| r.get(0))
                    .unwrap()
            };
            assert_eq!(stamp(), 0);
            // A source, two entries, one changed, one removed, the source
            // renamed: six changes, each counted.
            db.conn
                .execute_batch(
                    "INSERT INTO source (id, name, official, added_at) VALUES (1, 'a', 1, 0);
                     INSERT INTO source_entry (source_id, number, category) VALUES (1, 84901000001, 'scam');
                     INSERT INTO source_entry (source_id, number, category) VALUES (1, 84901000002, 'scam');
                     UPDATE source_entry SET category = 'nuisance' WHERE number = 84901000001;
                     DELETE FROM source_entry WHERE number = 84901000002;
                     UPDATE source SET name = 'b';",
                )
                .unwrap();
            assert_eq!(stamp(), 6);
            let plan: String = db
                .conn
                .query_row(
                    "EXPLAIN QUERY PLAN SELECT min(day) FROM source_entry",
                    [],
                    |r| r.get(3),
                )
                .unwrap();
            assert!(plan.contains("source_entry_by_day"), "{plan}");
        }
    }
}
