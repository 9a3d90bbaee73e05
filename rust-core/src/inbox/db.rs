//! The publisher's database: one SQLite file of its own (never one of the
//! phone's files), holding the hotline inbox, the curated sources, the
//! disputes and the audit log of every listing decision.
//!
//! A reporter's number is never stored: only its keyed hash
//! (HMAC-SHA-256 with a secret of 32 random bytes generated into this file
//! when it is created), enough to count distinct reporters and nothing
//! more. Whoever holds the file without the secret cannot test a guessed
//! number against it; whoever holds both can only test guesses, never list
//! the numbers.

use crate::error::{Error, Result};
use crate::store::schema::{Recognised, recognise, set_writer_pragmas};
use hmac::{Hmac, Mac};
use rand_core::RngCore;
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use sha2::Sha256;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The publisher database's schema version (`PRAGMA user_version`):
/// version 2 keeps the last decision about each number (`decided`), so that
/// a publish logs only the decisions that changed (`upgrade_from(1)`);
/// version 3 keeps the gateway's own message id, keyed (`upgrade_from(2)`);
/// version 4 keeps the review queue and the state of disputes
/// (`upgrade_from(3)`).
pub const VERSION: u32 = 4;
/// `PRAGMA application_id` of a publisher database ("CGP1"), so that it is
/// told apart from the phone's files and from other programs' databases.
pub const APPLICATION_ID: i32 = 0x4347_5031;

/// Most page cache a publisher database's connection keeps, in KiB.
const CACHE_KIB: i64 = 128 * 1024;

/// The whole schema of a new publisher database.
const CREATE_SCHEMA: &str = "
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
-- most 1000 characters. message_id: a keyed hash of the gateway's own id
-- of the message, when the export gives one: the same id is stored once.
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
    CHECK ((number IS NOT NULL) + (short_number IS NOT NULL) + (sender_id IS NOT NULL) = 1)
);
CREATE INDEX report_by_number ON report (number, day) WHERE number IS NOT NULL;
CREATE INDEX report_by_day ON report (day);
CREATE UNIQUE INDEX report_by_message_id ON report (message_id) WHERE message_id IS NOT NULL;
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
-- The audit log: one JSON line per decision that changed since the
-- previous aggregation, with its evidence counts and never a reporter's
-- identity, and one summary line per aggregation.
CREATE TABLE audit (
    id     INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES publish_run(id),
    line   TEXT NOT NULL
);
-- The last decision about each number, as digests of its audit line:
-- `outcome` of the decision (listed or why not, category, label,
-- provenance), `evidence` of its counts and days. number: the E.164 digits
-- as an integer, or a short number as text (as in `report`).
CREATE TABLE decided (
    number   PRIMARY KEY,
    outcome  INTEGER NOT NULL,
    evidence INTEGER NOT NULL
) WITHOUT ROWID;
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
        // v4: the review queue, and disputes with a state and who decided.
        // Every dispute stored before is `open`: in force, as it was.
        3 => tx.execute_batch(
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
",
        )?,
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
    secret: [u8; 32],
    path: PathBuf,
}

/// A keyed hash (32 bytes).
pub(super) type Hash = [u8; 32];

impl PublisherDb {
    /// Opens the publisher database at `path`, creating it (with a fresh
    /// secret) when there is none. Refuses, untouched, a file that is not a
    /// publisher database (a phone's file, a CSV, another program's) and
    /// one written by a newer version.
    pub fn open(path: &Path) -> Result<PublisherDb> {
        crate::store::require_folder(path)?;
        let recognised = recognise(path, APPLICATION_ID)
            .map_err(|e| Error::Open(format!("{}: {e}", path.display())))?;
        if let Recognised::NotOurs(what) = recognised {
            return Err(Error::Open(format!(
                "{} is not a Cảnh Giác publisher database ({what}); it was left untouched: choose another path",
                path.display()
            )));
        }
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| Error::Open(format!("{}: {e} (is the folder writable?)", path.display())))?;
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
        init(&mut conn)?;
        let key: Vec<u8> =
            conn.query_row("SELECT key FROM secret WHERE id = 1", [], |r| r.get(0))?;
        let secret: [u8; 32] = key
            .try_into()
            .map_err(|_| Error::Open(format!("{}: the secret is damaged", path.display())))?;
        Ok(PublisherDb {
            conn,
            secret,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// One IMMEDIATE transaction: all or nothing.
    pub(super) fn transaction(&mut self) -> Result<Transaction<'_>> {
        Ok(self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?)
    }

    /// The keyed hashes of this database.
    pub(super) fn hasher(&self) -> Hasher {
        Hasher::new(&self.secret)
    }
}

/// Keyed hashes with the database's secret.
#[derive(Clone)]
pub(super) struct Hasher {
    /// HMAC's state after the key: an ingest hashes two things per line,
    /// and keying costs as much as hashing a short message.
    keyed: Hmac<Sha256>,
}

impl Hasher {
    fn new(secret: &[u8; 32]) -> Hasher {
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

/// Creates the schema and the secret in a new file, upgrades one of an
/// older version, or checks an existing one.
fn init(conn: &mut Connection) -> Result<()> {
    let (app_id, found): (i32, u32) = conn.query_row(
        "SELECT (SELECT application_id FROM pragma_application_id), (SELECT user_version FROM pragma_user_version)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if found == VERSION && app_id == APPLICATION_ID {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if app_id == APPLICATION_ID && (1..VERSION).contains(&found) {
        for v in found..VERSION {
            tracing::info!(from = v, to = v + 1, "upgrading the publisher database");
            upgrade_from(&tx, v)?;
        }
        tx.pragma_update(None, "user_version", VERSION)?;
        tx.commit()?;
        return Ok(());
    }
    let tables: u32 = tx.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
    if tables > 0 {
        return Err(Error::Open(
            "the file is a SQLite database of another program or version; it was left untouched: choose another path".into(),
        ));
    }
    tx.execute_batch(CREATE_SCHEMA)?;
    let mut key = [0u8; 32];
    rand_core::OsRng.fill_bytes(&mut key);
    tx.execute(
        "INSERT INTO secret (id, key, created_at) VALUES (1, ?1, ?2)",
        rusqlite::params![&key[..], crate::dates::now_unix()],
    )?;
    tx.pragma_update(None, "user_version", VERSION)?;
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_has_the_schema_the_id_wal_and_a_secret() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pub.db");
        let db = PublisherDb::open(&path).unwrap();
        let q = |sql: &str| -> i64 { db.conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(q("PRAGMA user_version"), i64::from(VERSION));
        assert_eq!(q("PRAGMA application_id"), i64::from(APPLICATION_ID));
        let mode: String = db
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let secret = db.secret;
        assert_ne!(secret, [0u8; 32]);
        drop(db);
        // Reopened: the same secret, so the same reporter hashes.
        let again = PublisherDb::open(&path).unwrap();
        assert_eq!(again.secret, secret);
        assert_eq!(
            again.hasher().reporter("+84912345678"),
            PublisherDb::open(&path)
                .unwrap()
                .hasher()
                .reporter("+84912345678")
        );
        // Another database: another secret.
        let other = PublisherDb::open(&dir.path().join("other.db")).unwrap();
        assert_ne!(other.secret, secret);
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
        PublisherDb::open(&publisher).unwrap();
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

    /// Version 2's schema, frozen: only its upgrade test uses it.
    const V2_SCHEMA: &str = "
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
-- The audit log: one JSON line per decision that changed since the
-- previous aggregation, with its evidence counts and never a reporter's
-- identity, and one summary line per aggregation.
CREATE TABLE audit (
    id     INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES publish_run(id),
    line   TEXT NOT NULL
);
-- The last decision about each number, as digests of its audit line:
-- `outcome` of the decision (listed or why not, category, label,
-- provenance), `evidence` of its counts and days. number: the E.164 digits
-- as an integer, or a short number as text (as in `report`).
CREATE TABLE decided (
    number   PRIMARY KEY,
    outcome  INTEGER NOT NULL,
    evidence INTEGER NOT NULL
) WITHOUT ROWID;
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

    #[test]
    fn upgrade_from_v1_adds_the_last_decisions_and_keeps_everything() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(V1_SCHEMA).unwrap();
            conn.execute_batch(&format!(
                "INSERT INTO secret VALUES (1, zeroblob(32), 0);
                 INSERT INTO publish_run VALUES (1, 0, 20000, '{{}}', '{{}}', 0);
                 INSERT INTO audit (run_id, line) VALUES (1, '{{\"run\":1}}');
                 PRAGMA user_version = 1; PRAGMA application_id = {APPLICATION_ID};"
            ))
            .unwrap();
        }
        let old = PublisherDb::open(&path).unwrap();
        let fresh = PublisherDb::open(&dir.path().join("fresh.db")).unwrap();
        assert_eq!(shape(&old.conn), shape(&fresh.conn));
        let q = |sql: &str| -> i64 { old.conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(q("PRAGMA user_version"), i64::from(VERSION));
        assert_eq!(q("SELECT count(*) FROM audit"), 1);
        assert_eq!(q("SELECT count(*) FROM decided"), 0);
        assert_eq!(old.secret, [0u8; 32]);
    }

    #[test]
    fn upgrade_from_v2_adds_the_message_id_and_keeps_every_report() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v2.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(V2_SCHEMA).unwrap();
            conn.execute_batch(&format!(
                "INSERT INTO secret VALUES (1, zeroblob(32), 0);
                 INSERT INTO reporter VALUES (1, zeroblob(32));
                 INSERT INTO report (uniq, received_at, day, reporter_id, hotline, keyword, number, content, category)
                 VALUES (x'01', 0, 0, 1, 156, 'LD', 84912345678, '', 'scam'),
                        (x'02', 0, 0, 1, 156, 'LD', 84912345679, '', 'scam');
                 PRAGMA user_version = 2; PRAGMA application_id = {APPLICATION_ID};"
            ))
            .unwrap();
        }
        let old = PublisherDb::open(&path).unwrap();
        let fresh = PublisherDb::open(&dir.path().join("fresh.db")).unwrap();
        assert_eq!(shape(&old.conn), shape(&fresh.conn));
        let q = |sql: &str| -> i64 { old.conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(q("PRAGMA user_version"), i64::from(VERSION));
        assert_eq!(q("SELECT count(*) FROM report WHERE message_id IS NULL"), 2);
        // The id is unique once given; messages without one are not held to it.
        let set = |id: i64, mid: &[u8]| {
            old.conn.execute(
                "UPDATE report SET message_id = ?2 WHERE id = ?1",
                rusqlite::params![id, mid],
            )
        };
        set(1, b"a").unwrap();
        assert!(set(2, b"a").is_err());
        set(2, b"b").unwrap();
    }

    #[test]
    fn upgrade_from_v3_adds_the_review_queue_and_keeps_disputes_in_force() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v3.db");
        {
            // Version 3: version 2's schema and its shipped step.
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(V2_SCHEMA).unwrap();
            conn.execute_batch(
                "ALTER TABLE report ADD COLUMN message_id BLOB;
                 CREATE UNIQUE INDEX report_by_message_id ON report (message_id) WHERE message_id IS NOT NULL;",
            )
            .unwrap();
            conn.execute_batch(&format!(
                "INSERT INTO secret VALUES (1, zeroblob(32), 0);
                 INSERT INTO dispute (number, reason, disputed_at) VALUES (84912345678, 'a shop', 5);
                 PRAGMA user_version = 3; PRAGMA application_id = {APPLICATION_ID};"
            ))
            .unwrap();
        }
        let old = PublisherDb::open(&path).unwrap();
        let fresh = PublisherDb::open(&dir.path().join("fresh.db")).unwrap();
        assert_eq!(shape(&old.conn), shape(&fresh.conn));
        let q = |sql: &str| -> String { old.conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(
            q("SELECT state || ' ' || reason FROM dispute"),
            "open a shop"
        );
        assert_eq!(q("SELECT CAST(count(*) AS TEXT) FROM review"), "0");
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
}
