//! The exported facade: `CallGuard`, one object per database, opened once
//! per process and shared. Every method maps internal errors to
//! `CanhGiacError` and catches panics, so none crosses the FFI. This file
//! holds the guard itself, screening, reports and the user's lists;
//! `feed.rs` the feed and sync, `follow.rs` following from a link,
//! `upkeep.rs` backup and the files' health, `ringing.rs` the ringing path (`screen` in integers, for the
//! call-screening service).

mod feed;
mod follow;
mod ringing;
mod upkeep;

pub use feed::{FeedStatus, FeedSync, NewFeed, SyncLimits};
pub use upkeep::Health;

use crate::backup;
use crate::classify::{self, CallFacts, Policy, Verdict};
use crate::dates;
use crate::error::{CanhGiacError, Error, Result};
use crate::import::{self, ImportSummary};
use crate::number::{self, PhoneNumber};
use crate::report::{self, Report, ReportRequest};
use crate::store::setting::POLICY;
use crate::store::{
    DEFAULT_HISTORY_LIMIT, FeedRow, HistoryEntry, ListEntry, ListId, Lookups, OutboxEntry, Store,
    UserList,
};
use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::{Arc, RwLock};

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
    /// The feeds followed (names, consent to verify), cached likewise:
    /// screening names each list's entry by its feed.
    feeds: RwLock<Arc<Vec<FeedRow>>>,
    history_limit: u32,
    moved_aside: Option<String>,
    list_moved_aside: Option<String>,
    /// The user's file, for the backup kept beside it (`None` read-only).
    user_file: Option<std::path::PathBuf>,
    /// The backup a damaged user's file was recovered from, if it was.
    restored_from: Option<String>,
    /// Roots trusted beside the compiled-in ones, set only from Rust (the
    /// desktop CLI's `sync --extra-root-cert`); never exported to the app.
    extra_roots: RwLock<Vec<rustls::pki_types::CertificateDer<'static>>>,
}

/// The Rust side: one private method per exported one, on the internal
/// `Result`; the exported methods below only wrap them in `guard`.
impl CallGuard {
    /// Opens the guard from Rust (the CLI and benchmarks use this).
    pub fn open(db_path: &Path, config: GuardConfig) -> Result<Self> {
        config.policy.check().map_err(Error::invalid)?;
        let opened = Store::open(db_path)?;
        let pending = opened.recovery_pending;
        let fallback = config.policy.clone();
        let mut guard = Self::with_store(opened.store, opened.moved_aside, config)?;
        guard.list_moved_aside = opened.list_moved_aside.map(|p| p.display().to_string());
        guard.user_file = Some(db_path.to_path_buf());
        if pending {
            guard.recover(db_path, &fallback)?;
        }
        Ok(guard)
    }

    /// The user's file was damaged and a fresh one started (now, or at an
    /// open whose recovery did not complete): bring back the lists, policy
    /// and feeds the copy beside it holds (the imports never left: they
    /// are in the list file and their journal). Until this completes, the
    /// marker stays, every open tries again, and the copy is never
    /// overwritten: a failed recovery is an error, never an empty start.
    fn recover(&mut self, db_path: &Path, fallback: &Policy) -> Result<()> {
        let kept = backup::beside(db_path);
        if kept.is_file() {
            let failed = |e: Error| {
                Error::Open(format!(
                    "your data file was damaged and moved aside; recovering it from {} did not complete ({e}); it is tried again the next time the app opens",
                    kept.display()
                ))
            };
            let file = std::fs::File::open(&kept).map_err(|e| failed(e.into()))?;
            let size = file.metadata().map(|m| m.len()).unwrap_or(0);
            // Streamed: a copy written by an older version holds the
            // imports too, and may be far larger than memory allows.
            let summary = backup::restore_from(&self.store, file, size, self.history_limit, None)
                .map_err(failed)?;
            self.reload_policy(fallback)?;
            tracing::warn!(
                lists = summary.lists,
                imported = summary.imported,
                "the damaged database was recovered from its backup"
            );
            self.restored_from = Some(kept.display().to_string());
        }
        std::fs::remove_file(crate::store::recovery_marker(db_path))?;
        Ok(())
    }

    /// Opens an existing database for reading only (the CLI's `list`,
    /// `stats`, `history`): nothing is written, created or moved, and no
    /// lock is waited for, whatever a sync is doing.
    pub fn open_read_only(db_path: &Path, config: GuardConfig) -> Result<Self> {
        config.policy.check().map_err(Error::invalid)?;
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
        let feeds = store.feeds()?;
        Ok(CallGuard {
            store,
            sync_lock: tokio::sync::Mutex::new(()),
            feeds: RwLock::new(Arc::new(feeds)),
            policy: RwLock::new(policy),
            history_limit: config.history_limit,
            moved_aside: moved_aside.map(|p| p.display().to_string()),
            list_moved_aside: None,
            user_file: None,
            restored_from: None,
            extra_roots: RwLock::new(Vec::new()),
        })
    }

    /// Reads the stored policy into the cache screening uses.
    fn reload_policy(&self, fallback: &Policy) -> Result<()> {
        let policy = match self.store.config_get(POLICY)? {
            Some(json) => serde_json::from_str(&json).unwrap_or_else(|_| fallback.clone()),
            None => fallback.clone(),
        };
        *self.policy.write().unwrap_or_else(|p| p.into_inner()) = policy;
        self.reload_feeds()
    }

    /// Reads the feeds into the copy screening uses.
    fn reload_feeds(&self) -> Result<()> {
        let feeds = Arc::new(self.store.feeds()?);
        *self.feeds.write().unwrap_or_else(|p| p.into_inner()) = feeds;
        Ok(())
    }

    /// Names each list's entry by its feed, and says whether that feed may
    /// verify organisation numbers. An entry of a feed no longer followed
    /// (removed while this lookup ran) is dropped.
    fn name_listings(&self, lookups: &mut Lookups) {
        if lookups.exact.is_empty() && lookups.prefix.is_empty() {
            return;
        }
        let feeds = self.feeds.read().unwrap_or_else(|p| p.into_inner()).clone();
        for listings in [&mut lookups.exact, &mut lookups.prefix] {
            listings.retain_mut(|l| {
                if l.list == ListId::IMPORTS {
                    return true;
                }
                match feeds.iter().find(|f| f.id == l.list) {
                    Some(f) => {
                        l.feed_name = Some(f.name.clone());
                        l.may_verify = f.verify_orgs;
                        true
                    }
                    None => false,
                }
            });
        }
    }

    /// After a change to the user's lists, settings or feeds: refresh the
    /// copy beside the user's file (in proportion to those, never to the
    /// imports). Not while a recovery from it is pending.
    fn user_data_changed(&self) {
        if let Some(path) = &self.user_file
            && !crate::store::recovery_marker(path).exists()
        {
            backup::refresh_beside(&self.store, path);
        }
    }

    fn screen_inner(&self, number: Option<&str>, facts: &CallFacts) -> Result<Verdict> {
        let parsed = match number {
            Some(raw) if !facts.hidden => Some(number::normalize(raw)?),
            _ => None,
        };
        let mut lookups = match &parsed {
            Some(n) => self.store.lookup(n)?,
            None => Default::default(),
        };
        self.name_listings(&mut lookups);
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
        // The journal keeps the imports: the copy beside the user's file
        // does not change.
        let imported = self.store.import(parsed.rows, ListId::IMPORTS)? as u64;
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
        policy.check().map_err(Error::invalid)?;
        let json = serde_json::to_string(&policy)
            .map_err(|e| Error::invalid(format!("the policy cannot be saved: {e}")))?;
        self.store.config_set(&[(POLICY, Some(&json))])?;
        self.user_data_changed();
        *self.policy.write().unwrap_or_else(|p| p.into_inner()) = policy;
        Ok(())
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
}

#[cfg(test)]
mod tests;
