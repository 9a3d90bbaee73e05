//! Two SQLite files and a journal. The **user's file** (`cg.db`) holds
//! what only the user has and is small: allow and block lists, policy and
//! feed settings, screened-call history, built reports; it is written
//! rarely. The **list file** beside it (`cg.list.db`) holds the reported
//! list (the feeds' entries and the user's imports) and the feed state: a
//! sync rebuilds it, and when damaged it is moved aside and rebuilt. The
//! user's imports are kept once more, compactly, in their **journal**
//! (`cg.db.imports`, `journal.rs`), which puts them back into a new list
//! file (`imports.rs`).
//!
//! This module opens both (the list attached to the user's file, so that
//! screening still reads everything in one statement) and moves a damaged
//! file of ours aside; each concern has its own file: `schema` (tables and
//! upgrades), `lookup` (screening reads), `lists` (allow/block), `history`
//! (calls and the report outbox), `writer` (reported entries), `feeds`
//! (the feeds followed), `config` (settings and each feed's state).
//!
//! Two connections in WAL mode: a writer (imports, lists, history, sync) and
//! a reader for screening, so that a call is never kept waiting by a write.

mod backup;
mod config;
mod feeds;
mod history;
mod imports;
pub(crate) mod journal;
mod lists;
mod lookup;
pub(crate) mod schema;
mod writer;

pub(crate) use backup::merge_user_data;
pub use backup::{CallRow, ListRow, UserData};
pub use config::{FeedState, setting};
pub(crate) use config::{read_feed_state, save_feed_state};
pub use feeds::{DEFAULT_FEED, FeedRow, MAX_FEEDS, check_name as check_feed_name};
pub use history::{DEFAULT_HISTORY_LIMIT, HistoryEntry, OutboxEntry};
pub(crate) use imports::{Imports, for_each_import};
pub use lists::{ListEntry, UserList};
pub use lookup::{Listing, Lookups, Stats};
pub use writer::ListId;
pub(crate) use writer::{Writer, clear_entries, count_entries, drop_unused_labels};

use crate::dates;
use crate::error::{Error, Result};
use crate::model::Category;
use rusqlite::{Connection, ErrorCode, OpenFlags, Transaction};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

pub struct Store {
    // Fields drop in order: the reader closes first, so that the writer is
    // the last connection and checkpoints the WAL into the main file.
    reader: Mutex<Connection>,
    /// `None` when opened read-only.
    writer: Option<Mutex<Connection>>,
    /// The user's file.
    path: PathBuf,
    /// Where the list file is attached from.
    list: PathBuf,
    /// The user's imports journal (`journal::path`).
    journal: PathBuf,
    /// A statement met a damaged list file: repair before the next write.
    list_damaged: AtomicBool,
    /// The user's allow and block lists, by key: read at open and kept in
    /// step by every write through this store, so that screening reads
    /// only the list file (one read transaction per call, not one per
    /// file: beginning and ending them was half of a lookup's time). One
    /// store per database per process, as `CallGuard` is.
    user_lists: std::sync::RwLock<std::collections::HashMap<String, UserList>>,
}

/// An opened store, and where a damaged file was moved, if one was.
pub struct Opened {
    pub store: Store,
    /// The user's file, when it was damaged (a fresh one was started).
    pub moved_aside: Option<PathBuf>,
    /// The list file, when it was damaged (it is rebuilt at the next sync).
    pub list_moved_aside: Option<PathBuf>,
    /// A damaged user's file was replaced by a fresh one whose recovery
    /// (from the copy beside it) has not completed yet: `recovery_marker`.
    pub recovery_pending: bool,
}

/// Written before a damaged user's file is moved aside, removed once its
/// lists and settings are recovered into the fresh one: while it exists,
/// every open tries the recovery again, and the copy beside the file is
/// not overwritten. `cg.db` → `cg.db.recovering`.
pub fn recovery_marker(user: &Path) -> PathBuf {
    PathBuf::from(format!("{}.recovering", user.display()))
}

/// The list file beside the user's file: `cg.db` → `cg.list.db`.
pub fn list_path(user: &Path) -> PathBuf {
    match user.extension() {
        Some(ext) => user.with_extension(format!("list.{}", ext.to_string_lossy())),
        None => user.with_extension("list"),
    }
}

pub(crate) fn is_corruption(e: &Error) -> bool {
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

fn open_rw(path: &Path) -> Result<Connection> {
    Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| open_error(path, e))
}

/// The user's file for writing, the list attached: the user's file is
/// checked first, so that no list file is made beside a file not ours.
/// Returns whether the list file is new, and where a damaged one went.
fn open_writer(path: &Path, list: &Path) -> Result<(Connection, bool, Option<PathBuf>)> {
    let mut conn = open_rw(path)?;
    schema::prepare_writer(&conn, path)?;
    let (list_is_new, list_moved_aside) = prepare_list(list)?;
    schema::attach_list(&conn, list, true)?;
    let journal = journal::path(path);
    let found = schema::init_or_upgrade(&mut conn, |tx| imports::journal_from_table(tx, &journal))?;
    // The imports table dropped by the upgrade (or by one that crashed
    // before this): give its pages back, so that the file shrinks.
    let free: i64 = conn.query_row("PRAGMA main.freelist_count", [], |r| r.get(0))?;
    if (1..=schema::LAST_WITH_IMPORTED_TABLE).contains(&found) || free > 1024 {
        tracing::info!(free_pages = free, "vacuuming the user's file");
        conn.execute_batch("VACUUM main")?;
    }
    Ok((conn, list_is_new, list_moved_aside))
}

/// The list file's own schema, made or checked through its own connection
/// (closed again): an unusable one is an error `open` answers by moving
/// the file aside.
fn open_list(list: &Path) -> Result<()> {
    let mut conn = open_rw(list)?;
    schema::set_writer_pragmas(&conn, list)?;
    schema::init_list(&mut conn)
}

fn open_reader(path: &Path, list: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| open_error(path, e))?;
    schema::attach_list(&conn, list, false)?;
    schema::prepare_reader(&conn)?;
    Ok(conn)
}

/// Makes the list file usable: a damaged one, or one of another version,
/// is moved aside and a fresh one made. Returns whether the list is new
/// (so the user's imports must be copied into it) and where a damaged one
/// went.
fn prepare_list(list: &Path) -> Result<(bool, Option<PathBuf>)> {
    let recognised = schema::recognise(list, schema::LIST_APPLICATION_ID)
        .map_err(|e| Error::Open(format!("{}: {e}", list.display())))?;
    match recognised {
        schema::Recognised::NotOurs(what) => Err(Error::Open(format!(
            "{} is not a Cảnh Giác list file ({what}); it was left untouched: move it away",
            list.display()
        ))),
        schema::Recognised::New => open_list(list).map(|()| (true, None)),
        schema::Recognised::Ours => match open_list(list) {
            Ok(()) => Ok((false, None)),
            Err(e) => {
                tracing::warn!(%e, "the list file is unusable; moving it aside");
                let aside = move_aside(list)?;
                open_list(list)?;
                Ok((true, Some(aside)))
            }
        },
    }
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

/// The folder a database file is to be made in must exist: a clear error
/// instead of SQLite's "unable to open".
pub(crate) fn require_folder(path: &Path) -> Result<()> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() && !dir.is_dir() => Err(Error::Open(format!(
            "the folder {} does not exist; create it first",
            dir.display()
        ))),
        _ => Ok(()),
    }
}

impl Store {
    /// Opens (creating if needed) the database at `path`. A corrupt file is
    /// moved aside and a fresh one created; `Opened::moved_aside` says where.
    pub fn open(path: &Path) -> Result<Opened> {
        require_folder(path)?;
        let recognised = schema::recognise(path, schema::APPLICATION_ID).map_err(|e| {
            Error::Open(format!("{}: {e} (is the folder readable?)", path.display()))
        })?;
        if let schema::Recognised::NotOurs(what) = recognised {
            return Err(Error::Open(format!(
                "{} is not a Cảnh Giác database ({what}); it was left untouched: choose another path",
                path.display()
            )));
        }
        let list = list_path(path);
        let marker = recovery_marker(path);
        let ((writer, list_is_new, list_moved_aside), moved_aside) = match open_writer(path, &list)
        {
            Ok(w) => (w, None),
            // Only a file that was ours is moved aside: anything else is
            // somebody's data.
            Err(e) if is_corruption(&e) && recognised == schema::Recognised::Ours => {
                // The marker first: from here on, until the recovery
                // completes, every open recovers again.
                let m = std::fs::File::create(&marker)?;
                m.sync_all()?;
                journal::sync_folder(&marker);
                let aside = move_aside(path)?;
                tracing::warn!(moved_to = %aside.display(), "database was corrupt; moved aside and started afresh");
                (open_writer(path, &list)?, Some(aside))
            }
            Err(e) => return Err(e),
        };
        let reader = open_reader(path, &list)?;
        let store = Store {
            reader: Mutex::new(reader),
            writer: Some(Mutex::new(writer)),
            path: path.to_path_buf(),
            list,
            journal: journal::path(path),
            list_damaged: AtomicBool::new(false),
            user_lists: Default::default(),
        };
        store.load_user_lists()?;
        match store.reconcile_imports(list_is_new) {
            // A list damaged past its header: screening says so, and the
            // next write repairs it (and replays the journal then).
            Err(e) if is_corruption(&e) => store.mark_list_damaged(),
            other => other?,
        }
        Ok(Opened {
            store,
            moved_aside,
            list_moved_aside,
            recovery_pending: marker.exists(),
        })
    }

    /// Opens an existing database for reading only: no lock is taken and
    /// nothing is written, moved or created, so a reader never waits for
    /// a sync. Writes fail with a clear error.
    pub fn open_read_only(path: &Path) -> Result<Store> {
        match schema::recognise(path, schema::APPLICATION_ID) {
            Ok(schema::Recognised::Ours) => {}
            Ok(schema::Recognised::New) => {
                return Err(Error::Open(format!(
                    "there is no database at {} yet",
                    path.display()
                )));
            }
            Ok(schema::Recognised::NotOurs(what)) => {
                return Err(Error::Open(format!(
                    "{} is not a Cảnh Giác database ({what}); it was left untouched: choose another path",
                    path.display()
                )));
            }
            Err(e) => return Err(Error::Open(format!("{}: {e}", path.display()))),
        }
        let list = list_path(path);
        if !list.exists() {
            return Err(Error::Open(format!(
                "there is no list file at {} yet",
                list.display()
            )));
        }
        // A fresh file whose recovery has not completed would read as
        // empty: only a writable open (which recovers) may show it.
        if recovery_marker(path).exists() {
            return Err(Error::Open(format!(
                "{} is being recovered; open it for writing",
                path.display()
            )));
        }
        let reader = open_reader(path, &list)?;
        schema::check_version(&reader)?;
        let version: u32 = reader.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version != schema::VERSION {
            return Err(Error::Open(format!(
                "{} needs an upgrade first (schema {version}); open it for writing once",
                path.display()
            )));
        }
        let store = Store {
            reader: Mutex::new(reader),
            writer: None,
            path: path.to_path_buf(),
            list,
            journal: journal::path(path),
            list_damaged: AtomicBool::new(false),
            user_lists: Default::default(),
        };
        store.load_user_lists()?;
        Ok(store)
    }

    /// A reader of its own, for a long read (an export) that must not keep
    /// screening waiting on the shared one.
    pub(crate) fn export_reader(&self) -> Result<Connection> {
        open_reader(&self.path, &self.list)
    }

    /// Runs `f` on the reader connection.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        f(&lock(&self.reader))
    }

    /// Runs `f` in one IMMEDIATE transaction on the writer: all or nothing.
    /// A list file found damaged is repaired first.
    pub fn write<T>(&self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        if self.list_damaged.load(Ordering::Acquire) {
            self.repair_list()?;
        }
        let writer = self.writer.as_ref().ok_or_else(|| {
            Error::invalid("the database was opened read-only; this needs a writable one")
        })?;
        let mut conn = lock(writer);
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }
}

impl Store {
    pub(crate) fn mark_list_damaged(&self) {
        self.list_damaged.store(true, Ordering::Release);
    }

    /// Whether a statement found the list file damaged (not yet repaired).
    pub fn list_needs_repair(&self) -> bool {
        self.list_damaged.load(Ordering::Acquire)
    }

    /// SQLite's own check of the list file (`PRAGMA quick_check`): run
    /// after each sync and by the daily health check. A damaged list is
    /// marked for repair.
    pub fn list_is_sound(&self) -> Result<bool> {
        let sound = self.read(|c| {
            let verdict: String = c.query_row("PRAGMA list.quick_check(1)", [], |r| r.get(0))?;
            Ok(verdict == "ok")
        });
        match sound {
            Ok(true) => Ok(true),
            Ok(false) => {
                self.mark_list_damaged();
                Ok(false)
            }
            Err(e) if is_corruption(&e) => {
                self.mark_list_damaged();
                Ok(false)
            }
            Err(e) => Err(e),
        }
    }

    /// The same check of the user's file. It cannot be replaced while open:
    /// a damaged one is moved aside at the next open and recovered from the
    /// backup kept beside it.
    pub fn user_file_is_sound(&self) -> Result<bool> {
        let verdict = self.read(|c| {
            Ok(c.query_row("PRAGMA main.quick_check(1)", [], |r| r.get::<_, String>(0))?)
        });
        match verdict {
            Ok(v) => Ok(v == "ok"),
            Err(e) if is_corruption(&e) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Moves a damaged list file aside and starts an empty one: detached
    /// from both connections, replaced, attached again, and the user's
    /// imports replayed from their journal. The feed's entries return at the next sync
    /// (which starts from a snapshot, since the feed state went too).
    /// Returns where the damaged file went.
    pub fn repair_list(&self) -> Result<PathBuf> {
        let writer = self.writer.as_ref().ok_or_else(|| {
            Error::invalid("the list file is damaged; open the database for writing to repair it")
        })?;
        let aside = {
            // Writer, then reader: nothing else holds both.
            let w = lock(writer);
            let r = lock(&self.reader);
            for c in [&*w, &*r] {
                c.flush_prepared_statement_cache();
                c.execute_batch("DETACH DATABASE list")?;
            }
            let aside = move_aside(&self.list)?;
            open_list(&self.list)?;
            schema::attach_list(&w, &self.list, true)?;
            schema::attach_list(&r, &self.list, false)?;
            r.pragma_update(Some("list"), "mmap_size", schema::MMAP_BYTES)?;
            aside
        };
        self.list_damaged.store(false, Ordering::Release);
        tracing::warn!(moved_to = %aside.display(), "the damaged list file was moved aside; it is rebuilt at the next sync");
        self.reconcile_imports(true)?;
        Ok(aside)
    }
}

/// How a category is stored: 1 scam, 2 nuisance, 3 verified, 4 suspicious.
fn category_code(c: Category) -> i64 {
    match c {
        Category::Scam => 1,
        Category::Nuisance => 2,
        Category::Verified => 3,
        Category::Suspicious => 4,
    }
}

fn category_from_code(code: i64) -> Category {
    match code {
        2 => Category::Nuisance,
        3 => Category::Verified,
        4 => Category::Suspicious,
        _ => Category::Scam,
    }
}

#[cfg(test)]
pub(crate) mod testing;
#[cfg(test)]
mod tests;
