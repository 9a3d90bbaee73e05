//! The exported facade: `CallGuard`, one object per database, opened once
//! per process and shared. Every method maps internal errors to
//! `CanhGiacError` and catches panics, so none crosses the FFI.

use crate::backup::{self, RestoreSummary};
use crate::classify::{self, CallFacts, Policy, Verdict};
use crate::dates;
use crate::error::{CanhGiacError, Error, Result};
use crate::feed::codec::DEFAULT_MAX_ENTRIES;
use crate::import::{self, ImportSummary};
use crate::number::{self, PhoneNumber};
use crate::report::{self, Report, ReportRequest};
use crate::store::{
    DEFAULT_HISTORY_LIMIT, HistoryEntry, ListEntry, OutboxEntry, Source, Stats, Store, UserList,
};
use crate::sync::{self, SyncConfig, SyncOutcome, SyncProgress};
use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use crate::store::setting::{
    FEED_KEYS, FEED_MAX_DOWNLOAD, FEED_MAX_ENTRIES, FEED_TIMEOUT_SECS, FEED_URL, POLICY,
};
/// Each request of a sync, slow networks included, unless configured.
const SYNC_TIMEOUT: Duration = Duration::from_secs(120);

/// Runs `f`, turning an internal error or a panic into a `CanhGiacError`.
fn guard<T>(f: impl FnOnce() -> Result<T>) -> Result<T, CanhGiacError> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r.map_err(CanhGiacError::from),
        Err(panic) => Err(panicked(panic)),
    }
}

fn panicked(panic: Box<dyn std::any::Any + Send>) -> CanhGiacError {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    tracing::error!(%what, "panic caught at the FFI boundary");
    CanhGiacError::Internal { reason: what }
}

/// A feed to sync from for the first time (Rust callers: the CLI's
/// `sync URL --key …`). It is remembered only once a sync succeeded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFeed {
    pub url: String,
    pub keys: Vec<String>,
    /// Accept a plain `http://` address (tests, a LAN mirror). The files
    /// are signed either way, but https also hides what is fetched.
    pub allow_http: bool,
}

/// What `check_health` found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, uniffi::Record)]
pub struct Health {
    /// The user's file passed SQLite's check. When not, it is moved aside
    /// at the next open and recovered from the backup kept beside it.
    pub user_file_sound: bool,
    pub list_sound: bool,
    /// Where a damaged list file was moved (it is rebuilt at the next sync).
    pub list_moved_to: Option<String>,
}

/// Limits for one sync (the CLI's `--max-download`, `--timeout`): `None`
/// keeps the stored value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncLimits {
    pub max_download: Option<u64>,
    pub timeout_secs: Option<u64>,
}

impl SyncLimits {
    fn check(&self) -> Result<()> {
        if self.max_download == Some(0) || self.timeout_secs == Some(0) {
            return Err(Error::invalid(
                "a download limit or timeout of 0 would make every sync fail",
            ));
        }
        Ok(())
    }
}

/// The address, trimmed, if the https-only rule accepts it.
fn feed_address(url: &str, allow_http: bool) -> Result<&str> {
    let url = url.trim();
    if url.starts_with("https://") || (allow_http && url.starts_with("http://")) {
        return Ok(url);
    }
    Err(Error::invalid(if url.starts_with("http://") {
        "the feed address must start with https:// (plain http only when explicitly allowed)"
    } else {
        "the feed address must start with https://"
    }))
}

/// Where the feed is and which keys may sign it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FeedStatus {
    pub url: Option<String>,
    /// Pinned public keys, 64 hex characters each.
    pub public_keys: Vec<String>,
    /// The list version held, if any feed was ever applied.
    pub version: Option<u64>,
    /// Unix seconds of the last successful check.
    pub synced_at: Option<i64>,
    /// Unix seconds when the publisher signed the version held: the list's
    /// real age, whatever the last check found.
    pub published_at: Option<i64>,
    /// When the publisher's signature on that version expires (Unix seconds).
    pub expires_at: Option<i64>,
    /// The list is older than its expiry: the feed has not been updated (a
    /// stuck mirror, a publisher that stopped) and the app should say so.
    pub expired: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct GuardConfig {
    pub policy: Policy,
    /// Screened calls kept in history; older ones are pruned.
    pub history_limit: u32,
}

impl Default for GuardConfig {
    fn default() -> Self {
        GuardConfig {
            policy: Policy::default(),
            history_limit: DEFAULT_HISTORY_LIMIT,
        }
    }
}

/// The configuration a new install starts with.
#[uniffi::export]
pub fn default_config() -> GuardConfig {
    GuardConfig::default()
}

/// Parses any written form of a phone number.
#[uniffi::export]
pub fn normalize_number(raw: String) -> Result<PhoneNumber, CanhGiacError> {
    guard(|| Ok(number::normalize(&raw)?))
}

/// Builds a report without recording it (for previews).
#[uniffi::export]
pub fn preview_report(request: ReportRequest) -> Result<Report, CanhGiacError> {
    guard(|| report::build(&request))
}

#[derive(uniffi::Object)]
pub struct CallGuard {
    store: Store,
    /// One sync at a time (the daily job and a tap on "update now" may meet).
    sync_lock: tokio::sync::Mutex<()>,
    /// The stored policy, cached: screening reads it on every call.
    policy: RwLock<Policy>,
    history_limit: u32,
    moved_aside: Option<String>,
    list_moved_aside: Option<String>,
    /// The user's file, for the backup kept beside it (`None` read-only).
    user_file: Option<std::path::PathBuf>,
    /// The backup a damaged user's file was recovered from, if it was.
    restored_from: Option<String>,
}

/// The Rust side: one private method per exported one, on the internal
/// `Result`; the exported methods below only wrap them in `guard`.
impl CallGuard {
    /// Opens the guard from Rust (the CLI and benchmarks use this).
    pub fn open(db_path: &Path, config: GuardConfig) -> Result<Self> {
        let opened = Store::open(db_path)?;
        let damaged = opened.moved_aside.is_some();
        let fallback = config.policy.clone();
        let mut guard = Self::with_store(opened.store, opened.moved_aside, config)?;
        guard.list_moved_aside = opened.list_moved_aside.map(|p| p.display().to_string());
        guard.user_file = Some(db_path.to_path_buf());
        let kept = backup::beside(db_path);
        if damaged && kept.is_file() {
            // The user's file was damaged and a fresh one started: bring back
            // what the last backup beside it holds.
            let bytes = std::fs::read(&kept)?;
            let summary = backup::restore(&guard.store, &bytes, guard.history_limit)?;
            guard.reload_policy(&fallback)?;
            tracing::warn!(
                lists = summary.lists,
                imported = summary.imported,
                "the damaged database was recovered from its backup"
            );
            guard.restored_from = Some(kept.display().to_string());
        }
        Ok(guard)
    }

    /// Opens an existing database for reading only (the CLI's `list`,
    /// `stats`, `history`): nothing is written, created or moved, and no
    /// lock is waited for, whatever a sync is doing.
    pub fn open_read_only(db_path: &Path, config: GuardConfig) -> Result<Self> {
        Self::with_store(Store::open_read_only(db_path)?, None, config)
    }

    fn with_store(
        store: Store,
        moved_aside: Option<std::path::PathBuf>,
        config: GuardConfig,
    ) -> Result<Self> {
        let policy = match store.config_get(POLICY)? {
            // A policy this version cannot read (written by a newer app)
            // falls back to the configured one, and is kept until replaced.
            Some(json) => serde_json::from_str(&json).unwrap_or_else(|e| {
                tracing::warn!(%e, "the stored policy is unreadable; using the default");
                config.policy
            }),
            None => config.policy,
        };
        Ok(CallGuard {
            store,
            sync_lock: tokio::sync::Mutex::new(()),
            policy: RwLock::new(policy),
            history_limit: config.history_limit,
            moved_aside: moved_aside.map(|p| p.display().to_string()),
            list_moved_aside: None,
            user_file: None,
            restored_from: None,
        })
    }

    /// Reads the stored policy into the cache screening uses.
    fn reload_policy(&self, fallback: &Policy) -> Result<()> {
        let policy = match self.store.config_get(POLICY)? {
            Some(json) => serde_json::from_str(&json).unwrap_or_else(|_| fallback.clone()),
            None => fallback.clone(),
        };
        *self.policy.write().unwrap_or_else(|p| p.into_inner()) = policy;
        Ok(())
    }

    /// After a change to what a backup holds: refresh the one beside the
    /// user's file.
    fn user_data_changed(&self) {
        if let Some(path) = &self.user_file {
            backup::refresh_beside(&self.store, path);
        }
    }

    fn stats_inner(&self) -> Result<Stats> {
        match self.store.stats() {
            Err(e) if crate::store::is_corruption(&e) && !self.store.list_is_sound()? => {
                let aside = self.store.repair_list().map_err(|_| {
                    Error::Open(
                        "the list file is damaged; it is moved aside and rebuilt at the next sync"
                            .into(),
                    )
                })?;
                tracing::warn!(moved_to = %aside.display(), "the damaged list was moved aside");
                self.store.stats()
            }
            other => other,
        }
    }

    fn check_health_inner(&self) -> Result<Health> {
        let list_sound = self.store.list_is_sound()?;
        let list_moved_to = if list_sound {
            None
        } else {
            Some(self.store.repair_list()?.display().to_string())
        };
        Ok(Health {
            user_file_sound: self.store.user_file_is_sound()?,
            list_sound,
            list_moved_to,
        })
    }

    fn export_backup_inner(&self, with_history: bool) -> Result<Vec<u8>> {
        backup::export(&self.store, with_history)
    }

    fn restore_backup_inner(&self, data: &[u8]) -> Result<RestoreSummary> {
        let summary = backup::restore(&self.store, data, self.history_limit)?;
        self.reload_policy(&self.policy_inner())?;
        self.user_data_changed();
        Ok(summary)
    }

    fn screen_inner(&self, number: Option<&str>, facts: &CallFacts) -> Result<Verdict> {
        let parsed = match number {
            Some(raw) if !facts.hidden => Some(number::normalize(raw)?),
            _ => None,
        };
        let lookups = match &parsed {
            Some(n) => self.store.lookup(n)?,
            None => Default::default(),
        };
        let policy = self.policy.read().unwrap_or_else(|p| p.into_inner());
        Ok(classify::classify(
            parsed,
            facts,
            &lookups,
            &policy,
            dates::today(),
        ))
    }

    fn record_inner(&self, verdict: &Verdict) -> Result<()> {
        self.store.record_call(
            verdict.number.as_ref(),
            verdict.level,
            verdict.action,
            &verdict.reason_codes(),
            self.history_limit,
        )?;
        Ok(())
    }

    fn build_report_inner(&self, request: &ReportRequest) -> Result<Report> {
        let r = report::build(request)?;
        self.store
            .record_report(&r.to, &r.body, &r.number, &r.keyword)?;
        Ok(r)
    }

    /// Imports a CSV from any reader (a file, with a progress bar, in the CLI).
    pub fn import_from(&self, input: impl Read) -> Result<ImportSummary> {
        let parsed = import::parse_csv(input)?;
        let imported = self.store.import(parsed.rows, Source::Import)? as u64;
        self.user_data_changed();
        Ok(ImportSummary {
            imported,
            rejected: parsed.rejected,
        })
    }

    fn import_file(&self, path: &str) -> Result<ImportSummary> {
        let file = std::fs::File::open(path)
            .map_err(|e| Error::invalid(format!("cannot read {path}: {e}")))?;
        self.import_from(std::io::BufReader::new(file))
    }

    fn set_list(&self, raw: &str, list: Option<UserList>) -> Result<bool> {
        let n = number::normalize(raw)?;
        if list == Some(UserList::Block) && n.kind == number::NumberKind::Emergency {
            return Err(Error::UnusableNumber(
                "emergency numbers cannot be blocked".into(),
            ));
        }
        let changed = self.store.set_user_list(&n, list)?;
        self.user_data_changed();
        Ok(changed)
    }

    fn remove_from(&self, raw: &str, list: UserList) -> Result<bool> {
        let changed = self
            .store
            .remove_from_list(&number::normalize(raw)?, list)?;
        self.user_data_changed();
        Ok(changed)
    }

    fn policy_inner(&self) -> Policy {
        self.policy
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn set_policy_inner(&self, policy: Policy) -> Result<()> {
        let json = serde_json::to_string(&policy)
            .map_err(|e| Error::invalid(format!("the policy cannot be saved: {e}")))?;
        self.store.config_set(&[(POLICY, Some(&json))])?;
        self.user_data_changed();
        *self.policy.write().unwrap_or_else(|p| p.into_inner()) = policy;
        Ok(())
    }

    /// A stored number setting, or `default` when none is set.
    fn config_number(&self, key: &str, default: u64) -> Result<u64> {
        match self.store.config_get(key)? {
            Some(v) => v
                .parse()
                .map_err(|_| Error::invalid(format!("{key} is not a number"))),
            None => Ok(default),
        }
    }

    /// Sets the sync limits (`None` leaves a limit as it is); 0 is refused,
    /// since it would make every sync fail.
    pub fn set_sync_limits(
        &self,
        max_download: Option<u64>,
        timeout_secs: Option<u64>,
    ) -> Result<()> {
        SyncLimits {
            max_download,
            timeout_secs,
        }
        .check()?;
        let max_download = max_download.map(|v| v.to_string());
        let timeout_secs = timeout_secs.map(|v| v.to_string());
        let values: Vec<(&str, Option<&str>)> = [
            (FEED_MAX_DOWNLOAD, max_download.as_deref()),
            (FEED_TIMEOUT_SECS, timeout_secs.as_deref()),
        ]
        .into_iter()
        .filter(|(_, v)| v.is_some())
        .collect();
        self.store.config_set(&values)?;
        self.user_data_changed();
        Ok(())
    }

    fn stored_keys(&self) -> Result<Vec<String>> {
        Ok(self
            .store
            .config_get(FEED_KEYS)?
            .map(|k| k.split(',').map(str::to_string).collect())
            .unwrap_or_default())
    }

    /// How to sync: `feed` when given, else the stored feed.
    fn sync_config(&self, feed: Option<&NewFeed>) -> Result<SyncConfig> {
        let (url, keys) = match feed {
            Some(f) => (
                feed_address(&f.url, f.allow_http)?.to_string(),
                f.keys.clone(),
            ),
            None => (
                self.store
                    .config_get(FEED_URL)?
                    .ok_or_else(|| Error::invalid("no feed address is set: call set_feed first"))?,
                self.stored_keys()?,
            ),
        };
        Ok(SyncConfig {
            url,
            keys: sync::parse_keys(&keys)?,
            max_download: self.config_number(FEED_MAX_DOWNLOAD, sync::DEFAULT_MAX_DOWNLOAD)?,
            timeout: Duration::from_secs(
                self.config_number(FEED_TIMEOUT_SECS, SYNC_TIMEOUT.as_secs())?,
            ),
            max_entries: self.config_number(FEED_MAX_ENTRIES, DEFAULT_MAX_ENTRIES)?,
        })
    }

    /// Fetches and applies the feed with the stored settings (see
    /// `sync_with`).
    pub async fn sync_now(
        &self,
        feed: Option<NewFeed>,
        progress: Option<&dyn SyncProgress>,
    ) -> Result<SyncOutcome> {
        self.sync_with(feed, SyncLimits::default(), progress).await
    }

    /// Fetches and applies the feed: the one sync path, for Rust callers
    /// (who bring their own runtime) and for Kotlin's `sync`. With `feed`,
    /// syncs from there; with `limits`, within those. Both are checked
    /// first and remembered only once the sync has succeeded, so a mistyped
    /// address or a limit that fails changes nothing. The timeout bounds the
    /// whole fetch, however the server paces its bytes.
    pub async fn sync_with(
        &self,
        feed: Option<NewFeed>,
        limits: SyncLimits,
        progress: Option<&dyn SyncProgress>,
    ) -> Result<SyncOutcome> {
        limits.check()?;
        let mut cfg = self.sync_config(feed.as_ref())?;
        if let Some(m) = limits.max_download {
            cfg.max_download = m;
        }
        if let Some(t) = limits.timeout_secs {
            cfg.timeout = Duration::from_secs(t);
        }
        let _one_at_a_time = self.sync_lock.lock().await;
        if self.store.list_needs_repair() {
            // The version held is gone with the damaged file: a snapshot.
            self.store.repair_list()?;
        }
        let fetched = tokio::time::timeout(cfg.timeout, sync::fetch(&self.store, &cfg, progress))
            .await
            .map_err(|_| {
                Error::Network(format!(
                    "the sync took longer than {} s and was stopped; the list is as it was",
                    cfg.timeout.as_secs()
                ))
            })??;
        let outcome = sync::apply(&self.store, fetched, progress)?;
        // What was just written is read back by SQLite's own check: a disk
        // that damages what it stores must not go unnoticed.
        if !self.store.list_is_sound()? {
            let aside = self.store.repair_list()?;
            return Err(Error::Feed(format!(
                "the list file was damaged on disk after the sync; it was moved to {} and the next sync rebuilds it",
                aside.display()
            )));
        }
        if let Some(f) = feed {
            self.set_feed_inner(&f.url, &f.keys, f.allow_http)?;
        }
        self.set_sync_limits(limits.max_download, limits.timeout_secs)?;
        Ok(outcome)
    }

    fn set_feed_inner(&self, url: &str, keys: &[String], allow_http: bool) -> Result<()> {
        sync::parse_keys(keys)?;
        if keys.is_empty() {
            return Err(Error::invalid("pin at least one public key"));
        }
        let url = feed_address(url, allow_http)?;
        let keys = keys
            .iter()
            .map(|k| k.trim().to_ascii_lowercase())
            .collect::<Vec<_>>()
            .join(",");
        self.store
            .config_set(&[(FEED_URL, Some(url)), (FEED_KEYS, Some(&keys))])?;
        self.user_data_changed();
        Ok(())
    }

    fn feed_status_inner(&self) -> Result<FeedStatus> {
        let state = self.store.feed_state()?;
        Ok(FeedStatus {
            url: self.store.config_get(FEED_URL)?,
            public_keys: self.stored_keys()?,
            version: state.as_ref().map(|s| s.version),
            synced_at: state.as_ref().and_then(|s| s.synced_at),
            published_at: state.as_ref().and_then(|s| s.published_at),
            expires_at: state.as_ref().and_then(|s| s.expires_at),
            expired: state
                .and_then(|s| s.expires_at)
                .is_some_and(|t| dates::now_unix() > t),
        })
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl CallGuard {
    /// Fetches the signed feed and applies it. Kotlin: a `suspend fun`.
    /// Nothing about the phone is sent: a plain GET of public files.
    /// On any failure the list stays exactly as it was.
    pub async fn sync(
        self: Arc<Self>,
        progress: Option<Arc<dyn SyncProgress>>,
    ) -> Result<SyncOutcome, CanhGiacError> {
        // The whole sync runs on a blocking thread: its apply is one long
        // transaction that must not hold up the async threads.
        let rt = tokio::runtime::Handle::current();
        tokio::task::spawn_blocking(move || {
            guard(|| rt.block_on(self.sync_now(None, progress.as_deref())))
        })
        .await
        .map_err(|e| CanhGiacError::Internal {
            reason: e.to_string(),
        })?
    }
}

#[uniffi::export]
impl CallGuard {
    /// Opens (or creates) the database at `db_path`. A corrupt database is
    /// moved aside and a fresh one created: see `recovered_from`.
    #[uniffi::constructor]
    pub fn new(db_path: String, config: GuardConfig) -> Result<Arc<Self>, CanhGiacError> {
        if db_path.trim().is_empty() {
            return Err(CanhGiacError::InvalidInput {
                reason: "the database path is empty".into(),
            });
        }
        guard(|| Ok(Arc::new(CallGuard::open(Path::new(&db_path), config)?)))
    }

    /// Where a damaged user's file was moved when this guard opened, if it
    /// was (a fresh one was started).
    pub fn recovered_from(&self) -> Option<String> {
        self.moved_aside.clone()
    }

    /// Where a damaged list file was moved when this guard opened, if it
    /// was: the user's imports were copied back, the feed's entries come
    /// back at the next sync.
    pub fn list_recovered_from(&self) -> Option<String> {
        self.list_moved_aside.clone()
    }

    /// The backup a damaged user's file was recovered from when this guard
    /// opened, if it was.
    pub fn restored_from_backup(&self) -> Option<String> {
        self.restored_from.clone()
    }

    /// The user's lists, policy, feed settings and imports (and history
    /// when asked) as a versioned JSON backup, for a file the user picks.
    pub fn export_backup(&self, include_history: bool) -> Result<Vec<u8>, CanhGiacError> {
        guard(|| self.export_backup_inner(include_history))
    }

    /// Merges a backup in: list entries and imports added or replaced,
    /// settings replaced, nothing removed. A file that is not a backup, or
    /// is too large, changes nothing.
    pub fn restore_backup(&self, data: Vec<u8>) -> Result<RestoreSummary, CanhGiacError> {
        guard(|| self.restore_backup_inner(&data))
    }

    /// Classifies an incoming call. `number` is `None` (or `facts.hidden`)
    /// for a hidden caller. Reads only: record the outcome with `record`.
    pub fn screen(
        &self,
        number: Option<String>,
        facts: CallFacts,
    ) -> Result<Verdict, CanhGiacError> {
        guard(|| self.screen_inner(number.as_deref(), &facts))
    }

    /// Adds a screened call to history (pruned to the configured bound).
    pub fn record(&self, verdict: &Verdict) -> Result<(), CanhGiacError> {
        guard(|| self.record_inner(verdict))
    }

    /// Builds the report SMS and keeps it in the outbox. The app opens the
    /// user's SMS app with it; nothing is sent from here.
    pub fn build_report(&self, request: ReportRequest) -> Result<Report, CanhGiacError> {
        guard(|| self.build_report_inner(&request))
    }

    /// Trusts a number: it always rings. Returns whether anything changed.
    pub fn allow(&self, number: String) -> Result<bool, CanhGiacError> {
        guard(|| self.set_list(&number, Some(UserList::Allow)))
    }

    /// Blocks a number. Emergency numbers cannot be blocked.
    pub fn block(&self, number: String) -> Result<bool, CanhGiacError> {
        guard(|| self.set_list(&number, Some(UserList::Block)))
    }

    pub fn unallow(&self, number: String) -> Result<bool, CanhGiacError> {
        guard(|| self.remove_from(&number, UserList::Allow))
    }

    pub fn unblock(&self, number: String) -> Result<bool, CanhGiacError> {
        guard(|| self.remove_from(&number, UserList::Block))
    }

    pub fn list(&self, list: UserList) -> Result<Vec<ListEntry>, CanhGiacError> {
        guard(|| self.store.list_entries(list))
    }

    /// Screened calls, newest first.
    pub fn history(&self, limit: u32) -> Result<Vec<HistoryEntry>, CanhGiacError> {
        guard(|| self.store.history(limit))
    }

    pub fn clear_history(&self) -> Result<u64, CanhGiacError> {
        guard(|| self.store.clear_history())
    }

    /// Reports built so far, newest first.
    pub fn reports(&self, limit: u32) -> Result<Vec<OutboxEntry>, CanhGiacError> {
        guard(|| self.store.reports(limit))
    }

    /// Imports a CSV of reported numbers (`number,category,reports,last_reported,label`).
    pub fn import_csv(&self, path: String) -> Result<ImportSummary, CanhGiacError> {
        guard(|| self.import_file(&path))
    }

    /// Imports CSV bytes (a file the user picked through the system picker).
    pub fn import_csv_bytes(&self, data: Vec<u8>) -> Result<ImportSummary, CanhGiacError> {
        guard(|| self.import_from(&data[..]))
    }

    pub fn stats(&self) -> Result<Stats, CanhGiacError> {
        guard(|| self.stats_inner())
    }

    /// Checks both files with SQLite's own check (`quick_check`); a damaged
    /// list file is moved aside and rebuilt at the next sync. For the app's
    /// daily job.
    pub fn check_health(&self) -> Result<Health, CanhGiacError> {
        guard(|| self.check_health_inner())
    }

    /// The policy in force: the one last saved with `set_policy`, else the
    /// configuration's.
    pub fn policy(&self) -> Policy {
        self.policy_inner()
    }

    /// Changes what happens at each level, from the next call on, and keeps
    /// it in the database: the core is the policy's one owner.
    pub fn set_policy(&self, policy: Policy) -> Result<(), CanhGiacError> {
        guard(|| self.set_policy_inner(policy))
    }

    /// Sets the feed address and the public keys (64 hex characters each)
    /// allowed to sign it. Only https addresses, unless `allow_http`.
    #[uniffi::method(default(allow_http = false))]
    pub fn set_feed(
        &self,
        url: String,
        public_keys: Vec<String>,
        allow_http: bool,
    ) -> Result<(), CanhGiacError> {
        guard(|| self.set_feed_inner(&url, &public_keys, allow_http))
    }

    pub fn feed_status(&self) -> Result<FeedStatus, CanhGiacError> {
        guard(|| self.feed_status_inner())
    }
}

#[cfg(test)]
mod tests;
