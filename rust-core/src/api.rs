//! The exported facade: `CallGuard`, one object per database, opened once
//! per process and shared. Every method maps internal errors to
//! `CanhGiacError` and catches panics, so none crosses the FFI.

use crate::classify::{self, CallFacts, Policy, Verdict};
use crate::dates;
use crate::error::{CanhGiacError, Error, Result};
use crate::import::{self, ImportSummary};
use crate::number::{self, PhoneNumber};
use crate::report::{self, Report, ReportRequest};
use crate::store::{
    DEFAULT_HISTORY_LIMIT, HistoryEntry, ListEntry, OutboxEntry, Source, Stats, Store, UserList,
};
use crate::sync::{self, SyncConfig, SyncOutcome, SyncProgress};
use futures_util::FutureExt;
use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// Config keys for the feed, kept in the database beside the list.
const FEED_URL: &str = "feed.url";
const FEED_KEYS: &str = "feed.keys";
/// Optional cap on the bytes one sync may download.
pub const FEED_MAX_DOWNLOAD: &str = "feed.max_download";
/// Optional cap, in seconds, on each request of a sync.
pub const FEED_TIMEOUT_SECS: &str = "feed.timeout_secs";
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
    policy: RwLock<Policy>,
    history_limit: u32,
    moved_aside: Option<String>,
}

impl CallGuard {
    /// Opens the guard from Rust (the CLI and benchmarks use this).
    pub fn open(db_path: &Path, config: GuardConfig) -> Result<Self> {
        let opened = Store::open(db_path)?;
        Ok(CallGuard {
            store: opened.store,
            sync_lock: tokio::sync::Mutex::new(()),
            policy: RwLock::new(config.policy),
            history_limit: config.history_limit,
            moved_aside: opened.moved_aside.map(|p| p.display().to_string()),
        })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    fn policy_snapshot(&self) -> Policy {
        self.policy
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
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

    /// Imports a CSV from any reader (a file, with a progress bar, in the CLI).
    pub fn import_from(&self, input: impl Read) -> Result<ImportSummary> {
        let parsed = import::parse_csv(input)?;
        let imported = self.store.import(parsed.rows, Source::Import)? as u64;
        Ok(ImportSummary {
            imported,
            rejected: parsed.rejected,
        })
    }

    fn set_list(&self, raw: &str, list: Option<UserList>) -> Result<bool> {
        let n = number::normalize(raw)?;
        if list == Some(UserList::Block) && n.kind == number::NumberKind::Emergency {
            return Err(Error::UnusableNumber(
                "emergency numbers cannot be blocked".into(),
            ));
        }
        self.store.set_user_list(&n, list)
    }

    fn remove_from(&self, raw: &str, list: UserList) -> Result<bool> {
        self.store.remove_from_list(&number::normalize(raw)?, list)
    }

    fn timeout(&self) -> Result<Duration> {
        match self.store.config_get(FEED_TIMEOUT_SECS)? {
            Some(v) => v
                .parse()
                .map(Duration::from_secs)
                .map_err(|_| Error::invalid("feed.timeout_secs is not a number")),
            None => Ok(SYNC_TIMEOUT),
        }
    }

    fn max_download(&self) -> Result<u64> {
        match self.store.config_get(FEED_MAX_DOWNLOAD)? {
            Some(v) => v
                .parse()
                .map_err(|_| Error::invalid("feed.max_download is not a number")),
            None => Ok(sync::DEFAULT_MAX_DOWNLOAD),
        }
    }

    fn sync_config(&self) -> Result<SyncConfig> {
        let url = self
            .store
            .config_get(FEED_URL)?
            .ok_or_else(|| Error::invalid("no feed address is set: call set_feed first"))?;
        let keys: Vec<String> = self
            .store
            .config_get(FEED_KEYS)?
            .map(|k| k.split(',').map(str::to_string).collect())
            .unwrap_or_default();
        Ok(SyncConfig {
            url,
            keys: sync::parse_keys(&keys)?,
            max_download: self.max_download()?,
            timeout: self.timeout()?,
        })
    }

    /// Fetches and applies the feed (Rust callers bring their own runtime).
    /// With `feed` (address, keys), syncs from there and remembers it only
    /// once the sync has succeeded, so a mistyped address changes nothing.
    pub async fn sync_now(
        &self,
        feed: Option<(String, Vec<String>)>,
        progress: Option<&dyn SyncProgress>,
    ) -> Result<SyncOutcome> {
        let cfg = match &feed {
            Some((url, keys)) => SyncConfig {
                url: url.clone(),
                keys: sync::parse_keys(keys)?,
                max_download: self.max_download()?,
                timeout: self.timeout()?,
            },
            None => self.sync_config()?,
        };
        let _one_at_a_time = self.sync_lock.lock().await;
        let fetched = sync::fetch(&self.store, &cfg, progress).await?;
        let outcome = sync::apply(&self.store, fetched, progress)?;
        if let Some((url, keys)) = feed {
            self.set_feed_inner(&url, &keys)?;
        }
        Ok(outcome)
    }

    fn set_feed_inner(&self, url: &str, keys: &[String]) -> Result<()> {
        sync::parse_keys(keys)?;
        if keys.is_empty() {
            return Err(Error::invalid("pin at least one public key"));
        }
        let url = url.trim();
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(Error::invalid("the feed address must start with https://"));
        }
        let keys = keys
            .iter()
            .map(|k| k.trim().to_ascii_lowercase())
            .collect::<Vec<_>>()
            .join(",");
        self.store.config_set(FEED_URL, Some(url))?;
        self.store.config_set(FEED_KEYS, Some(&keys))
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
        let _one_at_a_time = self.sync_lock.lock().await;
        let fetch = AssertUnwindSafe(async {
            let cfg = self.sync_config()?;
            sync::fetch(&self.store, &cfg, progress.as_deref()).await
        })
        .catch_unwind()
        .await;
        let fetched = match fetch {
            Ok(r) => r.map_err(CanhGiacError::from)?,
            Err(panic) => return Err(panicked(panic)),
        };
        // The transaction is blocking work: off the async threads.
        let this = Arc::clone(&self);
        tokio::task::spawn_blocking(move || {
            guard(|| sync::apply(&this.store, fetched, progress.as_deref()))
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

    /// Where a corrupt database was moved when this guard opened, if it was.
    pub fn recovered_from(&self) -> Option<String> {
        self.moved_aside.clone()
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
        guard(|| {
            self.store.record_call(
                verdict.number.as_ref(),
                verdict.level,
                verdict.action,
                &verdict.reason_codes(),
                self.history_limit,
            )?;
            Ok(())
        })
    }

    /// Builds the report SMS and keeps it in the outbox. The app opens the
    /// user's SMS app with it; nothing is sent from here.
    pub fn build_report(&self, request: ReportRequest) -> Result<Report, CanhGiacError> {
        guard(|| {
            let r = report::build(&request)?;
            self.store
                .record_report(&r.to, &r.body, &r.number, &r.keyword)?;
            Ok(r)
        })
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
        guard(|| {
            let file = std::fs::File::open(&path)
                .map_err(|e| Error::invalid(format!("cannot read {path}: {e}")))?;
            self.import_from(std::io::BufReader::new(file))
        })
    }

    /// Imports CSV bytes (a file the user picked through the system picker).
    pub fn import_csv_bytes(&self, data: Vec<u8>) -> Result<ImportSummary, CanhGiacError> {
        guard(|| self.import_from(&data[..]))
    }

    pub fn stats(&self) -> Result<Stats, CanhGiacError> {
        guard(|| self.store.stats())
    }

    pub fn policy(&self) -> Policy {
        self.policy_snapshot()
    }

    /// Sets the feed address and the public keys (64 hex characters each)
    /// allowed to sign it.
    pub fn set_feed(&self, url: String, public_keys: Vec<String>) -> Result<(), CanhGiacError> {
        guard(|| self.set_feed_inner(&url, &public_keys))
    }

    pub fn feed_status(&self) -> Result<FeedStatus, CanhGiacError> {
        guard(|| {
            let state = self.store.feed_state()?;
            Ok(FeedStatus {
                url: self.store.config_get(FEED_URL)?,
                public_keys: self
                    .store
                    .config_get(FEED_KEYS)?
                    .map(|k| k.split(',').map(str::to_string).collect())
                    .unwrap_or_default(),
                version: state.as_ref().map(|s| s.version),
                synced_at: state.as_ref().and_then(|s| s.synced_at),
                published_at: state.and_then(|s| s.published_at),
            })
        })
    }

    /// Changes what happens at each level, from the next call on.
    pub fn set_policy(&self, policy: Policy) {
        *self.policy.write().unwrap_or_else(|p| p.into_inner()) = policy;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_internal_error() {
        let r: Result<(), CanhGiacError> = guard(|| panic!("boom"));
        match r {
            Err(CanhGiacError::Internal { reason }) => assert_eq!(reason, "boom"),
            other => panic!("{other:?}"),
        }
    }
}
