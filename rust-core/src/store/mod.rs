//! One SQLite file holds everything: the reported list, the user's own
//! lists, screened-call history, built reports and feed state.
//!
//! Two connections in WAL mode: a writer (imports, lists, history, sync) and
//! a reader for screening, so that a call is never kept waiting by a write.

pub mod schema;

use crate::dates;
use crate::error::{Error, Result};
use crate::model::{Action, Category, Level, Reported};
use crate::number::PhoneNumber;
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, Transaction, params};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// Address space the reader maps (not memory it uses): room for a list of
/// about ten million numbers.
pub const MMAP_BYTES: i64 = 256 << 20;

/// Reports kept in the outbox; older ones are pruned.
const OUTBOX_LIMIT: i64 = 500;

/// How many screened calls history keeps by default.
pub const DEFAULT_HISTORY_LIMIT: u32 = 1000;

/// The user's own lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, uniffi::Enum)]
#[serde(rename_all = "snake_case")]
pub enum UserList {
    Allow,
    Block,
}

impl UserList {
    fn code(self) -> i64 {
        match self {
            UserList::Allow => 1,
            UserList::Block => 2,
        }
    }
    fn from_code(c: i64) -> Option<Self> {
        match c {
            1 => Some(UserList::Allow),
            2 => Some(UserList::Block),
            _ => None,
        }
    }
}

/// Where a reported entry came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Feed = 0,
    Import = 1,
}

/// What the store knows about one number, read in one go for screening.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lookups {
    pub user_list: Option<UserList>,
    pub reported: Option<Reported>,
    /// The longest matching prefix rule and what it says.
    pub reported_prefix: Option<(String, Reported)>,
}

/// What one imported row says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// E.164 digits as an integer.
    Number(i64),
    /// E.164 digits that every matching number starts with.
    Prefix(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct ListEntry {
    /// The number as shown to a person.
    pub number: String,
    pub e164: Option<String>,
    pub list: UserList,
    pub added_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct HistoryEntry {
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    /// The number as shown to a person; `None` for a hidden caller.
    pub number: Option<String>,
    pub e164: Option<String>,
    pub level: Level,
    pub action: Action,
    /// Reason codes, most important first.
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct OutboxEntry {
    pub id: i64,
    pub at: i64,
    pub to: String,
    pub body: String,
    /// The reported number, as written in the report.
    pub number: String,
    pub keyword: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct Stats {
    pub reported_numbers: u64,
    /// Of those, the entries (numbers and prefixes) that came from the feed.
    pub feed_entries: u64,
    pub reported_prefixes: u64,
    pub allowed: u64,
    pub blocked: u64,
    pub history: u64,
    pub feed_version: Option<u64>,
}

/// The feed version the list holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct FeedState {
    pub version: u64,
    pub key_id: Option<String>,
    pub etag: Option<String>,
    /// Unix seconds of the last successful check.
    pub synced_at: Option<i64>,
    /// Which feed (address and pinned keys) the version and ETag belong to.
    pub scope: Option<String>,
    /// When the publisher signed this version (Unix seconds): a mirror that
    /// stopped updating shows its age here.
    pub published_at: Option<i64>,
}

/// Compressed feed files to apply, as downloaded and checked.
pub enum FeedData<'a> {
    Snapshot(&'a [u8]),
    Deltas(&'a [Vec<u8>]),
}

pub struct Store {
    // Fields drop in order: the reader closes first, so that the writer is
    // the last connection and checkpoints the WAL into the main file.
    reader: Mutex<Connection>,
    writer: Mutex<Connection>,
    path: PathBuf,
}

/// An opened store, and where a corrupt file was moved, if one was.
pub struct Opened {
    pub store: Store,
    pub moved_aside: Option<PathBuf>,
}

fn is_corruption(e: &Error) -> bool {
    matches!(
        e,
        Error::Sql(rusqlite::Error::SqliteFailure(f, _))
            if matches!(f.code, ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt)
    )
}

fn lock(m: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    // A panic while holding the lock cannot leave a half-done transaction
    // behind (rusqlite rolls back on drop), so the connection is still good.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn open_writer(path: &Path) -> Result<Connection> {
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| open_error(path, e))?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // The first read of the file: garbage fails here, and a newer schema is
    // refused before anything (even the journal mode) is written.
    schema::check_version(&conn)?;
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
    schema::init_or_upgrade(&mut conn)?;
    Ok(conn)
}

fn open_reader(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| open_error(path, e))?;
    conn.busy_timeout(std::time::Duration::from_secs(1))?;
    // Screening reads random pages of a 20 MB table: mapping the file lets
    // them come straight from the OS page cache, with no read() per page.
    conn.pragma_update(None, "mmap_size", MMAP_BYTES)?;
    Ok(conn)
}

fn open_error(path: &Path, e: rusqlite::Error) -> Error {
    Error::Open(format!("{}: {e} (is the folder writable?)", path.display()))
}

/// Renames a corrupt database and its WAL files out of the way. Never
/// deletes: the file holds the user's own lists, which a person may recover.
fn move_aside(path: &Path) -> Result<PathBuf> {
    let stamp = dates::now_unix();
    // A name not taken yet: an earlier copy is never overwritten.
    let aside = (0..)
        .map(|n| match n {
            0 => PathBuf::from(format!("{}.corrupt-{stamp}", path.display())),
            n => PathBuf::from(format!("{}.corrupt-{stamp}-{n}", path.display())),
        })
        .find(|p| !p.exists())
        .expect("an unused name exists");
    // The WAL first: it must never be left beside a fresh database.
    for ext in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{ext}", path.display()));
        if side.exists() {
            std::fs::rename(&side, format!("{}{ext}", aside.display()))?;
        }
    }
    std::fs::rename(path, &aside)?;
    Ok(aside)
}

impl Store {
    /// Opens (creating if needed) the database at `path`. A corrupt file is
    /// moved aside and a fresh one created; `Opened::moved_aside` says where.
    pub fn open(path: &Path) -> Result<Opened> {
        match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() && !dir.is_dir() => {
                return Err(Error::Open(format!(
                    "the folder {} does not exist; create it first",
                    dir.display()
                )));
            }
            _ => {}
        }
        let (writer, moved_aside) = match open_writer(path) {
            Ok(w) => (w, None),
            Err(e) if is_corruption(&e) => {
                let aside = move_aside(path)?;
                tracing::warn!(moved_to = %aside.display(), "database was corrupt; moved aside and started afresh");
                (open_writer(path)?, Some(aside))
            }
            Err(e) => return Err(e),
        };
        let reader = open_reader(path)?;
        Ok(Opened {
            store: Store {
                reader: Mutex::new(reader),
                writer: Mutex::new(writer),
                path: path.to_path_buf(),
            },
            moved_aside,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` on the reader connection.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        f(&lock(&self.reader))
    }

    /// Runs `f` in one IMMEDIATE transaction on the writer: all or nothing.
    pub fn write<T>(&self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Everything screening needs to know about `n`, from one snapshot.
    pub fn lookup(&self, n: &PhoneNumber) -> Result<Lookups> {
        let key = n.key();
        let digits = key.map(|k| k.to_string());
        self.read(|c| {
            let mut out = Lookups::default();
            let mut nearest_rule = None;
            let mut stmt = c.prepare_cached(LOOKUP)?;
            let mut rows = stmt.query(params![list_key(n), key, digits])?;
            while let Some(r) = rows.next()? {
                match r.get::<_, i64>(0)? {
                    0 => out.user_list = UserList::from_code(r.get(1)?),
                    1 => out.reported = reported_at(r, 1)?,
                    _ => nearest_rule = reported_at(r, 1)?.map(|rep| (r.get::<_, String>(5), rep)),
                }
            }
            drop(rows);
            if let (Some(digits), Some((prefix, rep))) = (digits.as_deref(), nearest_rule) {
                let prefix = prefix?;
                out.reported_prefix = if digits.starts_with(&prefix) {
                    Some((prefix, rep))
                } else {
                    let common = common_len(digits, &prefix);
                    longest_prefix(c, digits, &digits[..common])?
                };
            }
            Ok(out)
        })
    }

    /// Puts `n` on a user list (or takes it off with `None`). Returns whether
    /// anything changed. A number is on at most one list.
    pub fn set_user_list(&self, n: &PhoneNumber, list: Option<UserList>) -> Result<bool> {
        let key = list_key(n);
        self.write(|tx| {
            let changed = match list {
                Some(l) => tx.execute(
                    "INSERT INTO user_list (key, list, number, added_at) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (key) DO UPDATE SET list = excluded.list, added_at = excluded.added_at
                     WHERE list != excluded.list",
                    params![key, l.code(), n.display, dates::now_unix()],
                )?,
                None => tx.execute("DELETE FROM user_list WHERE key = ?1", [key])?,
            };
            Ok(changed > 0)
        })
    }

    /// Removes `n` from `list` only if it is on that list.
    pub fn remove_from_list(&self, n: &PhoneNumber, list: UserList) -> Result<bool> {
        let key = list_key(n);
        self.write(|tx| {
            Ok(tx.execute(
                "DELETE FROM user_list WHERE key = ?1 AND list = ?2",
                params![key, list.code()],
            )? > 0)
        })
    }

    pub fn list_entries(&self, list: UserList) -> Result<Vec<ListEntry>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT key, number, added_at FROM user_list WHERE list = ?1 ORDER BY added_at DESC, key",
            )?;
            let rows = stmt.query_map([list.code()], |r| {
                let key: String = r.get(0)?;
                Ok(ListEntry {
                    e164: key.starts_with('+').then_some(key),
                    number: r.get(1)?,
                    list,
                    added_at: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Appends a screened call and prunes history to `limit` rows.
    pub fn record_call(
        &self,
        n: Option<&PhoneNumber>,
        level: Level,
        action: Action,
        reasons: &[&str],
        limit: u32,
    ) -> Result<i64> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO call_history (at, number, e164, level, action, reasons)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    dates::now_unix(),
                    n.map(|n| n.display.as_str()),
                    n.and_then(|n| n.e164.as_deref()),
                    level.as_str(),
                    action.as_str(),
                    reasons.join(","),
                ],
            )?;
            let id = tx.last_insert_rowid();
            tx.execute(
                "DELETE FROM call_history WHERE id <= ?1",
                [id - i64::from(limit.max(1))],
            )?;
            Ok(id)
        })
    }

    /// The newest `limit` screened calls, newest first.
    pub fn history(&self, limit: u32) -> Result<Vec<HistoryEntry>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, at, number, e164, level, action, reasons
                 FROM call_history ORDER BY id DESC LIMIT ?1",
            )?;
            let rows = stmt.query_map([limit], |r| {
                let level: String = r.get(4)?;
                let action: String = r.get(5)?;
                let reasons: String = r.get(6)?;
                Ok(HistoryEntry {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    number: r.get(2)?,
                    e164: r.get(3)?,
                    level: Level::parse(&level).unwrap_or(Level::Unknown),
                    action: Action::parse(&action).unwrap_or(Action::Allow),
                    reasons: reasons
                        .split(',')
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect(),
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    pub fn clear_history(&self) -> Result<u64> {
        self.write(|tx| Ok(tx.execute("DELETE FROM call_history", [])? as u64))
    }

    /// Keeps a built report in the outbox/history.
    pub fn record_report(&self, to: &str, body: &str, number: &str, keyword: &str) -> Result<i64> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO report_outbox (at, to_addr, body, number, keyword)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![dates::now_unix(), to, body, number, keyword],
            )?;
            let id = tx.last_insert_rowid();
            tx.execute(
                "DELETE FROM report_outbox WHERE id <= ?1",
                [id - OUTBOX_LIMIT],
            )?;
            Ok(id)
        })
    }

    pub fn reports(&self, limit: u32) -> Result<Vec<OutboxEntry>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, at, to_addr, body, number, keyword FROM report_outbox
                 ORDER BY id DESC LIMIT ?1",
            )?;
            let rows = stmt.query_map([limit], |r| {
                Ok(OutboxEntry {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    to: r.get(2)?,
                    body: r.get(3)?,
                    number: r.get(4)?,
                    keyword: r.get(5)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Inserts or replaces reported entries in one transaction. Numbers are
    /// inserted in key order, which keeps the table's pages full.
    pub fn import(&self, mut rows: Vec<(Target, Reported)>, source: Source) -> Result<usize> {
        rows.sort_by(|a, b| match (&a.0, &b.0) {
            (Target::Number(x), Target::Number(y)) => x.cmp(y),
            (Target::Prefix(x), Target::Prefix(y)) => x.cmp(y),
            (Target::Number(_), Target::Prefix(_)) => std::cmp::Ordering::Less,
            (Target::Prefix(_), Target::Number(_)) => std::cmp::Ordering::Greater,
        });
        self.write(|tx| insert_reported(tx, &rows, source))
    }

    pub fn stats(&self) -> Result<Stats> {
        self.read(|c| {
            let count = |sql: &str| -> Result<u64> {
                Ok(c.query_row(sql, [], |r| r.get::<_, i64>(0))? as u64)
            };
            Ok(Stats {
                reported_numbers: count("SELECT count(*) FROM reported")?,
                feed_entries: count(
                    "SELECT (SELECT count(*) FROM reported WHERE source = 0)
                          + (SELECT count(*) FROM reported_prefix WHERE source = 0)",
                )?,
                reported_prefixes: count("SELECT count(*) FROM reported_prefix")?,
                allowed: count("SELECT count(*) FROM user_list WHERE list = 1")?,
                blocked: count("SELECT count(*) FROM user_list WHERE list = 2")?,
                history: count("SELECT count(*) FROM call_history")?,
                feed_version: c
                    .query_row("SELECT version FROM feed_state WHERE id = 1", [], |r| {
                        r.get::<_, i64>(0)
                    })
                    .optional()?
                    .map(|v| v as u64),
            })
        })
    }

    /// Which feed version the list holds, and how it was last fetched.
    pub fn feed_state(&self) -> Result<Option<FeedState>> {
        self.read(read_feed_state)
    }

    /// Records a check that found nothing new (or a new ETag for the same version).
    pub fn feed_checked(&self, etag: Option<&str>, at: i64) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE feed_state SET etag = ?1, synced_at = ?2 WHERE id = 1",
                params![etag, at],
            )?;
            Ok(())
        })
    }

    /// Applies feed files in one transaction: a snapshot replaces every
    /// feed entry; deltas are applied in order. Each file is decompressed
    /// only when its turn comes, within `expand_budget` bytes for the whole
    /// sync, so memory holds one decompressed file at a time.
    ///
    /// The stored version must still be `from` (no concurrent sync slipped
    /// in). Within one feed (same scope) versions only go forward; a new
    /// scope (another address or key) must start from a snapshot. The files
    /// must carry the versions the manifest promised. Anything wrong rolls
    /// the whole transaction back: the list stays as it was. Returns the
    /// number of feed entries afterwards.
    pub fn apply_feed(
        &self,
        from: Option<u64>,
        data: FeedData<'_>,
        new: &FeedState,
        expand_budget: u64,
    ) -> Result<u64> {
        use crate::feed::codec::{decompress, read_delta, read_snapshot};
        self.write(|tx| {
            let stored = read_feed_state(tx)?;
            if stored.as_ref().map(|s| s.version) != from {
                return Err(Error::Feed("the list changed during the sync; try again".into()));
            }
            let same_feed = stored.as_ref().is_some_and(|s| s.scope.is_some() && s.scope == new.scope);
            if same_feed && from.is_some_and(|v| new.version <= v) {
                return Err(Error::Feed(format!(
                    "refusing version {} over version {}: a feed never goes back",
                    new.version,
                    from.unwrap_or(0)
                )));
            }
            let mut budget = expand_budget;
            let mut expand = |file: &[u8]| -> Result<Vec<u8>> {
                let raw = decompress(file, budget)?;
                budget -= raw.len() as u64;
                Ok(raw)
            };
            let mut w = Writer::new(tx, Source::Feed)?;
            match data {
                FeedData::Snapshot(file) => {
                    let raw = expand(file)?;
                    tx.execute("DELETE FROM reported WHERE source = 0", [])?;
                    tx.execute("DELETE FROM reported_prefix WHERE source = 0", [])?;
                    if read_snapshot(&raw, &mut w)? != new.version {
                        return Err(Error::Feed("the snapshot is not the version the manifest names".into()));
                    }
                    // Labels no entry uses any more (one scan, on snapshots only).
                    tx.execute(
                        "DELETE FROM label WHERE id NOT IN (
                             SELECT label_id FROM reported WHERE label_id IS NOT NULL
                             UNION SELECT label_id FROM reported_prefix WHERE label_id IS NOT NULL)",
                        [],
                    )?;
                }
                FeedData::Deltas(files) => {
                    let mut at = from
                        .filter(|_| same_feed)
                        .ok_or_else(|| Error::Feed("deltas apply only on top of the same feed".into()))?;
                    for file in files {
                        let raw = expand(file)?;
                        let (f, t) = read_delta(&raw, &mut w)?;
                        if f != at || t <= f {
                            return Err(Error::Feed(format!("a delta goes {f}→{t}, expected from {at}")));
                        }
                        at = t;
                    }
                    if at != new.version {
                        return Err(Error::Feed("the deltas do not reach the manifest's version".into()));
                    }
                }
            }
            drop(w);
            tx.execute(
                "INSERT INTO feed_state (id, version, key_id, etag, synced_at, scope, published_at)
                 VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (id) DO UPDATE SET version = excluded.version, key_id = excluded.key_id,
                 etag = excluded.etag, synced_at = excluded.synced_at, scope = excluded.scope,
                 published_at = excluded.published_at",
                params![new.version as i64, new.key_id, new.etag, new.synced_at, new.scope, new.published_at],
            )?;
            Ok(tx.query_row(
                "SELECT (SELECT count(*) FROM reported WHERE source = 0)
                      + (SELECT count(*) FROM reported_prefix WHERE source = 0)",
                [],
                |r| r.get::<_, i64>(0),
            )? as u64)
        })
    }

    pub fn config_get(&self, key: &str) -> Result<Option<String>> {
        self.read(|c| {
            Ok(c.prepare_cached("SELECT value FROM config WHERE key = ?1")?
                .query_row([key], |r| r.get(0))
                .optional()?)
        })
    }

    pub fn config_set(&self, key: &str, value: Option<&str>) -> Result<()> {
        self.write(|tx| {
            match value {
                Some(v) => tx.execute(
                    "INSERT INTO config (key, value) VALUES (?1, ?2)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [key, v],
                )?,
                None => tx.execute("DELETE FROM config WHERE key = ?1", [key])?,
            };
            Ok(())
        })
    }
}

fn read_feed_state(c: &Connection) -> Result<Option<FeedState>> {
    Ok(c.query_row(
        "SELECT version, key_id, etag, synced_at, scope, published_at FROM feed_state WHERE id = 1",
        [],
        |r| {
            Ok(FeedState {
                version: r.get::<_, i64>(0)? as u64,
                key_id: r.get(1)?,
                etag: r.get(2)?,
                synced_at: r.get(3)?,
                scope: r.get(4)?,
                published_at: r.get(5)?,
            })
        },
    )
    .optional()?)
}

/// The user-list key: E.164 where there is one, else the national form.
fn list_key(n: &PhoneNumber) -> &str {
    n.e164.as_deref().unwrap_or(&n.national)
}

fn category_code(c: Category) -> i64 {
    match c {
        Category::Scam => 1,
        Category::Nuisance => 2,
    }
}

/// Everything screening needs, in one statement: the user's list (tag 0),
/// the exact number (tag 1), and the greatest prefix rule ≤ the number's
/// digits (tag 2), which is the longest matching rule whenever it matches
/// at all (see `longest_prefix`). Scalar subqueries and UNION ALL rather
/// than joins: with joins SQLite re-plans the cached statement on every call
/// (about 5 µs here).
const LOOKUP: &str = "
    SELECT 0, list, NULL, NULL, NULL, NULL FROM user_list WHERE key = ?1
    UNION ALL
    SELECT 1, category, reports, last_reported, (SELECT text FROM label WHERE id = label_id), NULL
    FROM reported WHERE number = ?2
    UNION ALL
    SELECT * FROM (
        SELECT 2, category, reports, last_reported, (SELECT text FROM label WHERE id = label_id), prefix
        FROM reported_prefix WHERE prefix <= ?3 ORDER BY prefix DESC LIMIT 1
    )";

fn common_len(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

/// The longest prefix rule that `digits` starts with, searching below `bound`.
///
/// Seeks the greatest rule ≤ `bound` in the primary key. If `digits` starts
/// with it, it is the longest such rule (among prefixes of a string, longer
/// sorts later). If not, every matching rule is a prefix of what the two
/// have in common, so the search repeats on that shorter string: at most 15
/// index seeks, whatever the number of rules.
fn longest_prefix(c: &Connection, digits: &str, bound: &str) -> Result<Option<(String, Reported)>> {
    let mut stmt = c.prepare_cached(
        "SELECT 2, category, reports, last_reported, (SELECT text FROM label WHERE id = label_id), prefix
         FROM reported_prefix WHERE prefix <= ?1 ORDER BY prefix DESC LIMIT 1",
    )?;
    let mut bound = bound;
    while !bound.is_empty() {
        let Some((prefix, rep)) = stmt
            .query_row([bound], |r| {
                Ok((r.get::<_, String>(5)?, reported_at(r, 1)?))
            })
            .optional()?
        else {
            return Ok(None);
        };
        if digits.starts_with(&prefix) {
            return Ok(rep.map(|rep| (prefix, rep)));
        }
        bound = &bound[..common_len(bound, &prefix)];
    }
    Ok(None)
}

/// A `Reported` from columns `at..at+4` (category, reports, last, label),
/// or `None` when the join found nothing.
fn reported_at(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Option<Reported>> {
    let Some(category) = r.get::<_, Option<i64>>(at)? else {
        return Ok(None);
    };
    Ok(Some(Reported {
        category: if category == 2 {
            Category::Nuisance
        } else {
            Category::Scam
        },
        reports: r.get::<_, i64>(at + 1)?.clamp(0, i64::from(u32::MAX)) as u32,
        last_reported: r.get(at + 2)?,
        label: r.get(at + 3)?,
    }))
}

fn insert_reported(tx: &Transaction, rows: &[(Target, Reported)], source: Source) -> Result<usize> {
    let mut sink = Writer::new(tx, source)?;
    for (target, rep) in rows {
        sink.put(target, rep)?;
    }
    Ok(rows.len())
}

/// An upsert into `table`. The user's own imports win over the feed: a
/// feed entry never overwrites an imported one (which a later feed removal
/// would then delete); an import overwrites anything.
fn upsert_sql(table: &str, key: &str, source: Source) -> String {
    let guard = match source {
        Source::Feed => format!(" WHERE {table}.source = {}", Source::Feed as i64),
        Source::Import => String::new(),
    };
    format!(
        "INSERT INTO {table} ({key}, category, reports, last_reported, label_id, source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT ({key}) DO UPDATE SET category = excluded.category, reports = excluded.reports,
         last_reported = excluded.last_reported, label_id = excluded.label_id, source = excluded.source{guard}"
    )
}

/// Writes reported entries inside a transaction, for imports and for the
/// feed (as a `codec::Sink`, one decoded entry at a time).
pub(crate) struct Writer<'t> {
    tx: &'t Transaction<'t>,
    source: Source,
    labels: HashMap<String, i64>,
    add_number: rusqlite::CachedStatement<'t>,
    add_prefix: rusqlite::CachedStatement<'t>,
    del_number: rusqlite::CachedStatement<'t>,
    del_prefix: rusqlite::CachedStatement<'t>,
}

impl<'t> Writer<'t> {
    pub(crate) fn new(tx: &'t Transaction<'t>, source: Source) -> Result<Self> {
        Ok(Writer {
            tx,
            source,
            labels: HashMap::new(),
            add_number: tx.prepare_cached(&upsert_sql("reported", "number", source))?,
            add_prefix: tx.prepare_cached(&upsert_sql("reported_prefix", "prefix", source))?,
            // A feed removes only what a feed added: the user's imports stay.
            del_number: tx
                .prepare_cached("DELETE FROM reported WHERE number = ?1 AND source = ?2")?,
            del_prefix: tx
                .prepare_cached("DELETE FROM reported_prefix WHERE prefix = ?1 AND source = ?2")?,
        })
    }

    fn label_id(&mut self, text: &str) -> Result<i64> {
        if let Some(&id) = self.labels.get(text) {
            return Ok(id);
        }
        let id = self.tx.query_row(
            "INSERT INTO label (text) VALUES (?1) ON CONFLICT (text) DO UPDATE SET text = text RETURNING id",
            [text],
            |r| r.get(0),
        )?;
        self.labels.insert(text.to_string(), id);
        Ok(id)
    }

    pub(crate) fn put(&mut self, target: &Target, rep: &Reported) -> Result<()> {
        let label_id = rep.label.as_deref().map(|l| self.label_id(l)).transpose()?;
        let (key, stmt): (&dyn rusqlite::ToSql, _) = match target {
            Target::Number(k) => (k, &mut self.add_number),
            Target::Prefix(p) => (p, &mut self.add_prefix),
        };
        stmt.execute(params![
            key,
            category_code(rep.category),
            rep.reports,
            rep.last_reported,
            label_id,
            self.source as i64
        ])?;
        Ok(())
    }

    pub(crate) fn delete(&mut self, target: &Target) -> Result<()> {
        match target {
            Target::Number(k) => self.del_number.execute(params![k, self.source as i64])?,
            Target::Prefix(p) => self.del_prefix.execute(params![p, self.source as i64])?,
        };
        Ok(())
    }
}

impl crate::feed::codec::Sink for Writer<'_> {
    type Error = Error;
    fn upsert(&mut self, target: Target, rep: Reported) -> Result<()> {
        self.put(&target, &rep)
    }
    fn remove(&mut self, target: Target) -> Result<()> {
        self.delete(&target)
    }
}

#[cfg(test)]
mod tests;
