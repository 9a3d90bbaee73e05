//! The feed side of `CallGuard`: the feeds followed (each with its name,
//! address, pinned keys and the user's consent to verify organisations),
//! the sync limits, and the one sync path, per feed (`sync_one`), which
//! Rust's `sync_now`/`sync_with`/`sync_feed`/`sync_all` and Kotlin's
//! suspending `sync`/`syncFeed` all take. Each feed syncs in its own
//! transaction: one failing leaves the others, and its own list, as they
//! were.

use super::{CallGuard, guard};
use crate::dates;
use crate::error::{CanhGiacError, Error, Result};
use crate::feed::codec::DEFAULT_MAX_ENTRIES;
use crate::store::setting::{FEED_MAX_DOWNLOAD, FEED_MAX_ENTRIES, FEED_TIMEOUT_SECS};
use crate::store::{DEFAULT_FEED, FeedRow, MAX_FEEDS, check_feed_name};
use crate::sync::{self, Progress, SyncConfig, SyncOutcome, SyncProgress};
use std::sync::Arc;
use std::time::Duration;

/// Each request of a sync, slow networks included, unless configured.
const SYNC_TIMEOUT: Duration = Duration::from_secs(120);

/// A feed to sync from for the first time, as the feed named `default`
/// (Rust callers: the CLI's `sync URL --key …`). It is remembered only
/// once a sync succeeded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFeed {
    pub url: String,
    pub keys: Vec<String>,
    /// Accept a plain `http://` address (tests, a LAN mirror). The files
    /// are signed either way, but https also hides what is fetched.
    pub allow_http: bool,
    /// The user allows this feed to mark numbers as an organisation's own
    /// (verified): a call from one is then safe, named.
    pub verify_orgs: bool,
}

/// Limits for one sync (the CLI's `--max-download`, `--timeout`): `None`
/// keeps the stored value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncLimits {
    pub max_download: Option<u64>,
    pub timeout_secs: Option<u64>,
    /// The allowance of this sync alone, never remembered (the CLI's
    /// `--max-bytes`, the app's on a metered network): each feed whose
    /// update costs more waits (`SyncPath::Deferred`), its list as it was.
    /// Unlike `max_download`, going over it is not an error: the update is
    /// fine, only the network is dear.
    pub max_bytes_now: Option<u64>,
}

impl SyncLimits {
    /// Each limit given within 1 and its ceiling (`sync::check_limit`).
    pub(super) fn check(&self) -> Result<()> {
        for (setting, value) in [
            (FEED_MAX_DOWNLOAD, self.max_download),
            (FEED_TIMEOUT_SECS, self.timeout_secs),
        ] {
            if let Some(v) = value {
                sync::check_limit(setting, v).map_err(Error::invalid)?;
            }
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

/// A feed followed, and the state of its list.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FeedStatus {
    /// The name the user gave it, shown in reasons ("default" for the one
    /// feed of the single-feed settings).
    #[uniffi(default = "default")]
    pub name: String,
    /// `None` when no such feed is followed.
    pub url: Option<String>,
    /// Pinned public keys, 64 hex characters each.
    pub public_keys: Vec<String>,
    /// The list version held, if the feed was ever applied.
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
    /// The user allowed this feed to verify organisation numbers.
    #[uniffi(default = false)]
    pub verify_orgs: bool,
    /// Verified-organisation entries the list holds but screening ignores,
    /// because the feed is not allowed to verify (0 when it is).
    #[uniffi(default = 0)]
    pub ignored_verified: u64,
    /// The feed's entries (numbers and prefix rules) in the list.
    #[uniffi(default = 0)]
    pub entries: u64,
}

/// How one feed's sync went, in a sync of every feed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, uniffi::Record)]
pub struct FeedSync {
    pub feed: String,
    /// Set when it succeeded.
    pub outcome: Option<SyncOutcome>,
    /// Why it failed; its list is as it was.
    pub error: Option<String>,
}

/// A feed's keys as stored: trimmed, lower case, at least one, all valid.
fn pinned_keys(keys: &[String]) -> Result<Vec<String>> {
    sync::parse_keys(keys)?;
    if keys.is_empty() {
        return Err(Error::invalid("pin at least one public key"));
    }
    Ok(keys.iter().map(|k| k.trim().to_ascii_lowercase()).collect())
}

impl CallGuard {
    /// A stored number setting, or `default` when none is set.
    pub(super) fn config_number(&self, key: &str, default: u64) -> Result<u64> {
        let value: u64 = match self.store.config_get(key)? {
            Some(v) => v
                .parse()
                .map_err(|_| Error::invalid(format!("{key} is not a number")))?,
            None => default,
        };
        // A limit stored before there were ceilings is held to its ceiling.
        Ok(sync::limit_ceiling(key).map_or(value, |ceiling| value.min(ceiling)))
    }

    /// Sets the sync limits (`None` leaves a limit as it is); 0 is refused,
    /// since it would make every sync fail, and so is a limit above its
    /// ceiling (`sync::limit_ceiling`).
    pub fn set_sync_limits(
        &self,
        max_download: Option<u64>,
        timeout_secs: Option<u64>,
    ) -> Result<()> {
        SyncLimits {
            max_download,
            timeout_secs,
            max_bytes_now: None,
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
        if values.is_empty() {
            return Ok(());
        }
        self.store.config_set(&values)?;
        self.user_data_changed();
        Ok(())
    }

    /// How to sync from `url` with `keys`, within the stored limits and
    /// then `limits`.
    fn sync_config(&self, url: &str, keys: &[String], limits: SyncLimits) -> Result<SyncConfig> {
        let timeout = limits.timeout_secs.map_or_else(
            || self.config_number(FEED_TIMEOUT_SECS, SYNC_TIMEOUT.as_secs()),
            Ok,
        )?;
        Ok(SyncConfig {
            url: url.to_string(),
            keys: sync::parse_keys(keys)?,
            max_download: limits.max_download.map_or_else(
                || self.config_number(FEED_MAX_DOWNLOAD, sync::DEFAULT_MAX_DOWNLOAD),
                Ok,
            )?,
            timeout: Duration::from_secs(timeout),
            max_entries: self.config_number(FEED_MAX_ENTRIES, DEFAULT_MAX_ENTRIES)?,
            max_bytes_now: limits.max_bytes_now,
            extra_roots: self
                .extra_roots
                .read()
                .unwrap_or_else(|p| p.into_inner())
                .clone(),
        })
    }

    /// Trusts the certificates of `pem` as roots for this guard's syncs,
    /// beside the compiled-in ones; how many. For a publisher testing a
    /// feed behind a private CA from the desktop CLI: Rust only, the app
    /// cannot reach it, so no phone can be talked into a private root.
    pub fn trust_extra_roots(&self, pem: &[u8]) -> Result<usize> {
        let roots = sync::parse_extra_roots(pem)?;
        let n = roots.len();
        *self.extra_roots.write().unwrap_or_else(|p| p.into_inner()) = roots;
        Ok(n)
    }

    /// Syncs the feed named `default` (see `sync_with`).
    pub async fn sync_now(
        &self,
        feed: Option<NewFeed>,
        progress: Option<&dyn SyncProgress>,
    ) -> Result<SyncOutcome> {
        self.sync_with(feed, SyncLimits::default(), progress).await
    }

    /// The single-feed form: syncs the feed named `default`, or with `feed`
    /// syncs from that address with those keys and, once that succeeded,
    /// remembers it as `default` (with `limits`, within those, remembered
    /// likewise). A mistyped address or a limit that fails changes nothing.
    pub async fn sync_with(
        &self,
        feed: Option<NewFeed>,
        limits: SyncLimits,
        progress: Option<&dyn SyncProgress>,
    ) -> Result<SyncOutcome> {
        limits.check()?;
        let Some(f) = feed else {
            return self.sync_feed(DEFAULT_FEED, limits, progress).await;
        };
        let url = feed_address(&f.url, f.allow_http)?.to_string();
        let keys = pinned_keys(&f.keys)?;
        let held = self.store.feed(DEFAULT_FEED)?;
        // The entries need their feed's id before the sync: a new feed is
        // saved first, and forgotten again if its first sync fails.
        let row = match &held {
            Some(row) => FeedRow {
                url: url.clone(),
                keys: keys.clone(),
                ..row.clone()
            },
            None => self
                .store
                .save_feed(DEFAULT_FEED, &url, &keys, f.verify_orgs, MAX_FEEDS)?,
        };
        match self.sync_one(&row, limits, progress).await {
            Ok(outcome) => {
                self.store
                    .save_feed(DEFAULT_FEED, &url, &keys, f.verify_orgs, MAX_FEEDS)?;
                self.feeds_changed()?;
                Ok(outcome)
            }
            Err(e) => {
                if held.is_none() {
                    self.store.remove_feed(DEFAULT_FEED)?;
                }
                Err(e)
            }
        }
    }

    /// Syncs one followed feed, by name; with `limits`, within those
    /// (remembered once the sync succeeded).
    pub async fn sync_feed(
        &self,
        name: &str,
        limits: SyncLimits,
        progress: Option<&dyn SyncProgress>,
    ) -> Result<SyncOutcome> {
        limits.check()?;
        let row = self.store.feed(name)?.ok_or_else(|| {
            Error::invalid(if name == DEFAULT_FEED {
                "no feed address is set: call set_feed first".to_string()
            } else {
                format!("no feed is named {name}")
            })
        })?;
        self.sync_one(&row, limits, progress).await
    }

    /// Syncs every followed feed, one after the other, each on its own: a
    /// feed that fails is reported and leaves its list as it was, and the
    /// others go on.
    pub async fn sync_all(
        &self,
        limits: SyncLimits,
        progress: Option<&dyn SyncProgress>,
    ) -> Result<Vec<FeedSync>> {
        limits.check()?;
        let mut out = Vec::new();
        for row in self.store.feeds()? {
            let (outcome, error) = match self.sync_one(&row, limits, progress).await {
                Ok(outcome) => (Some(outcome), None),
                Err(e) => {
                    tracing::warn!(feed = %row.name, %e, "the feed's sync failed; its list is as it was");
                    (None, Some(CanhGiacError::from(e).to_string()))
                }
            };
            out.push(FeedSync {
                feed: row.name,
                outcome,
                error,
            });
        }
        Ok(out)
    }

    /// The one sync path: fetches and applies one feed, within the stored
    /// limits or `limits` (remembered once the sync succeeded). The
    /// timeout bounds the whole fetch, however the server paces its bytes.
    async fn sync_one(
        &self,
        row: &FeedRow,
        limits: SyncLimits,
        progress: Option<&dyn SyncProgress>,
    ) -> Result<SyncOutcome> {
        let cfg = self.sync_config(&row.url, &row.keys, limits)?;
        let progress = Progress {
            feed: &row.name,
            sink: progress,
        };
        let _one_at_a_time = self.sync_lock.lock().await;
        if self.store.list_needs_repair() {
            // The versions held are gone with the damaged file: snapshots.
            self.store.repair_list()?;
        }
        let fetched = tokio::time::timeout(
            cfg.timeout,
            sync::fetch(&self.store, row.id, &cfg, progress),
        )
        .await
        .map_err(|_| {
            Error::Network(format!(
                "the sync timed out after {} s and was stopped; the list is as it was",
                cfg.timeout.as_secs()
            ))
        })??;
        let outcome = sync::apply(&self.store, row.id, fetched, progress)?;
        // What was just written is read back by SQLite's own check: a disk
        // that damages what it stores must not go unnoticed.
        if !self.store.list_is_sound()? {
            let aside = self.store.repair_list()?;
            return Err(Error::Feed(format!(
                "the list file was damaged on disk after the sync; it was moved to {} and the next sync rebuilds it",
                aside.display()
            )));
        }
        self.set_sync_limits(limits.max_download, limits.timeout_secs)?;
        Ok(outcome)
    }

    /// Follows a feed (or changes the one of that name): its address (https
    /// only, unless `allow_http`), the keys that may sign it, and whether it
    /// may verify organisation numbers. Nothing is fetched until a sync.
    pub fn add_feed_inner(
        &self,
        name: &str,
        url: &str,
        keys: &[String],
        allow_http: bool,
        verify_orgs: bool,
    ) -> Result<FeedStatus> {
        let name = check_feed_name(name)?;
        let keys = pinned_keys(keys)?;
        let url = feed_address(url, allow_http)?;
        let row = self
            .store
            .save_feed(name, url, &keys, verify_orgs, MAX_FEEDS)?;
        self.feeds_changed()?;
        self.status_of(&row)
    }

    /// Stops following a feed: its address, keys, entries and state go; the
    /// other feeds and the user's imports stay. Whether it was followed.
    pub fn remove_feed_inner(&self, name: &str) -> Result<bool> {
        let removed = self.store.remove_feed(name.trim())?;
        if removed {
            self.feeds_changed()?;
        }
        Ok(removed)
    }

    /// One followed feed's status, by name (its list counted alone).
    pub fn feed_status_named(&self, name: &str) -> Result<Option<FeedStatus>> {
        self.store
            .feed(name)?
            .map(|row| self.status_of(&row))
            .transpose()
    }

    pub fn feeds_inner(&self) -> Result<Vec<FeedStatus>> {
        self.store
            .feeds()?
            .iter()
            .map(|row| self.status_of(row))
            .collect()
    }

    /// After the feeds changed: screening's copy, and the backup.
    fn feeds_changed(&self) -> Result<()> {
        self.reload_feeds()?;
        self.user_data_changed();
        Ok(())
    }

    pub(super) fn set_feed_inner(
        &self,
        url: &str,
        keys: &[String],
        allow_http: bool,
        verify_orgs: bool,
    ) -> Result<()> {
        self.add_feed_inner(DEFAULT_FEED, url, keys, allow_http, verify_orgs)
            .map(drop)
    }

    fn status_of(&self, row: &FeedRow) -> Result<FeedStatus> {
        let state = self.store.feed_state(row.id)?;
        let synced = state.is_some();
        Ok(FeedStatus {
            name: row.name.clone(),
            url: Some(row.url.clone()),
            public_keys: row.keys.clone(),
            version: state.as_ref().map(|s| s.version),
            synced_at: state.as_ref().and_then(|s| s.synced_at),
            published_at: state.as_ref().and_then(|s| s.published_at),
            expires_at: state.as_ref().and_then(|s| s.expires_at),
            expired: state
                .and_then(|s| s.expires_at)
                .is_some_and(|t| dates::now_unix() > t),
            verify_orgs: row.verify_orgs,
            // A list without state has no entries (they are written
            // together): counting them would read the whole list file.
            ignored_verified: if row.verify_orgs || !synced {
                0
            } else {
                self.store.count_verified_entries(row.id)?
            },
            entries: if synced {
                self.store.count_entries(row.id)?
            } else {
                0
            },
        })
    }

    /// The `default` feed's status; an empty one (no address) when it is
    /// not followed.
    pub(super) fn feed_status_inner(&self) -> Result<FeedStatus> {
        match self.feed_status_named(DEFAULT_FEED)? {
            Some(status) => Ok(status),
            None => Ok(FeedStatus {
                name: DEFAULT_FEED.into(),
                url: None,
                public_keys: Vec::new(),
                version: None,
                synced_at: None,
                published_at: None,
                expires_at: None,
                expired: false,
                verify_orgs: false,
                ignored_verified: 0,
                entries: 0,
            }),
        }
    }
}

/// The stored limits, with this sync's allowance.
fn now_only(max_bytes_now: Option<u64>) -> SyncLimits {
    SyncLimits {
        max_bytes_now,
        ..SyncLimits::default()
    }
}

/// Runs a sync on a blocking thread: its apply is one long transaction
/// that must not hold up the async threads.
async fn on_blocking_thread<T: Send + 'static>(
    guard_: Arc<CallGuard>,
    f: impl FnOnce(&CallGuard, &tokio::runtime::Handle) -> Result<T> + Send + 'static,
) -> Result<T, CanhGiacError> {
    let rt = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || guard(|| f(&guard_, &rt)))
        .await
        .map_err(|e| CanhGiacError::Internal {
            reason: e.to_string(),
        })?
}

#[uniffi::export(async_runtime = "tokio")]
impl CallGuard {
    /// Fetches every followed feed's signed list and applies each, one
    /// after the other, independently. Kotlin: a `suspend fun`. Nothing
    /// about the phone is sent: plain GETs of public files. A feed that
    /// fails keeps its list exactly as it was; the result says which.
    ///
    /// `max_bytes_now`: on a metered network, the most each feed's update
    /// may download beyond its manifest; one that needs more is not
    /// downloaded and its outcome says `Deferred`, with the bytes it waits
    /// for (`deferred_bytes`). The app passes it; the rule is here.
    #[uniffi::method(default(max_bytes_now = None))]
    pub async fn sync(
        self: Arc<Self>,
        progress: Option<Arc<dyn SyncProgress>>,
        max_bytes_now: Option<u64>,
    ) -> Result<Vec<FeedSync>, CanhGiacError> {
        on_blocking_thread(self, move |g, rt| {
            rt.block_on(g.sync_all(now_only(max_bytes_now), progress.as_deref()))
        })
        .await
    }

    /// Fetches and applies one feed, by name, within `max_bytes_now` as
    /// `sync`. On any failure its list stays exactly as it was.
    #[uniffi::method(default(max_bytes_now = None))]
    pub async fn sync_feed_named(
        self: Arc<Self>,
        name: String,
        progress: Option<Arc<dyn SyncProgress>>,
        max_bytes_now: Option<u64>,
    ) -> Result<SyncOutcome, CanhGiacError> {
        on_blocking_thread(self, move |g, rt| {
            rt.block_on(g.sync_feed(&name, now_only(max_bytes_now), progress.as_deref()))
        })
        .await
    }
}

#[uniffi::export]
impl CallGuard {
    /// Follows a feed under `name` (or changes the one of that name): the
    /// address, and the public keys (64 hex characters each) allowed to
    /// sign it. Only https addresses, unless `allow_http`. With
    /// `verify_orgs`, numbers the feed marks as an organisation's own are
    /// safe and named: ask the user explicitly before passing true. At most
    /// 8 feeds. Nothing is fetched until a sync.
    #[uniffi::method(default(allow_http = false, verify_orgs = false))]
    pub fn add_feed(
        &self,
        name: String,
        url: String,
        public_keys: Vec<String>,
        allow_http: bool,
        verify_orgs: bool,
    ) -> Result<FeedStatus, CanhGiacError> {
        guard(|| self.add_feed_inner(&name, &url, &public_keys, allow_http, verify_orgs))
    }

    /// Stops following a feed: its entries leave the list; the other feeds
    /// and the user's imports stay. Returns whether it was followed.
    pub fn remove_feed(&self, name: String) -> Result<bool, CanhGiacError> {
        guard(|| self.remove_feed_inner(&name))
    }

    /// Every feed followed, in the order they were added, with each list's
    /// age and entry count.
    pub fn feeds(&self) -> Result<Vec<FeedStatus>, CanhGiacError> {
        guard(|| self.feeds_inner())
    }

    /// The single-feed form of `add_feed`: the feed named `default`.
    #[uniffi::method(default(allow_http = false, verify_orgs = false))]
    pub fn set_feed(
        &self,
        url: String,
        public_keys: Vec<String>,
        allow_http: bool,
        verify_orgs: bool,
    ) -> Result<(), CanhGiacError> {
        guard(|| self.set_feed_inner(&url, &public_keys, allow_http, verify_orgs))
    }

    /// The feed named `default` (an empty status when none is followed).
    pub fn feed_status(&self) -> Result<FeedStatus, CanhGiacError> {
        guard(|| self.feed_status_inner())
    }

    /// Stops following the feed named `default`: its address, keys and
    /// entries go (see `remove_feed`).
    pub fn clear_feed(&self) -> Result<(), CanhGiacError> {
        guard(|| self.remove_feed_inner(DEFAULT_FEED).map(drop))
    }
}
