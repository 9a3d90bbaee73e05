//! The feed side of `CallGuard`: where the feed is, which keys sign it,
//! the sync limits, and the one sync path (Rust's `sync_now`/`sync_with`,
//! Kotlin's suspending `sync`).

use super::{CallGuard, guard};
use crate::dates;
use crate::error::{CanhGiacError, Error, Result};
use crate::feed::codec::DEFAULT_MAX_ENTRIES;
use crate::store::setting::{
    FEED_KEYS, FEED_MAX_DOWNLOAD, FEED_MAX_ENTRIES, FEED_TIMEOUT_SECS, FEED_URL, FEED_VERIFY_ORGS,
};
use crate::sync::{self, SyncConfig, SyncOutcome, SyncProgress};
use std::sync::Arc;
use std::time::Duration;

/// Each request of a sync, slow networks included, unless configured.
const SYNC_TIMEOUT: Duration = Duration::from_secs(120);

/// A feed to sync from for the first time (Rust callers: the CLI's
/// `sync URL --key …`). It is remembered only once a sync succeeded.
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
}

impl SyncLimits {
    pub(super) fn check(&self) -> Result<()> {
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
    /// The user allowed this feed to verify organisation numbers.
    #[uniffi(default = false)]
    pub verify_orgs: bool,
    /// Verified-organisation entries the list holds but screening ignores,
    /// because the feed is not allowed to verify (0 when it is).
    #[uniffi(default = 0)]
    pub ignored_verified: u64,
}

impl CallGuard {
    /// A stored number setting, or `default` when none is set.
    pub(super) fn config_number(&self, key: &str, default: u64) -> Result<u64> {
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

    pub(super) fn stored_keys(&self) -> Result<Vec<String>> {
        Ok(self
            .store
            .config_get(FEED_KEYS)?
            .map(|k| k.split(',').map(str::to_string).collect())
            .unwrap_or_default())
    }

    /// How to sync: `feed` when given, else the stored feed.
    pub(super) fn sync_config(&self, feed: Option<&NewFeed>) -> Result<SyncConfig> {
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
                    "the sync timed out after {} s and was stopped; the list is as it was",
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
            self.set_feed_inner(&f.url, &f.keys, f.allow_http, f.verify_orgs)?;
        }
        self.set_sync_limits(limits.max_download, limits.timeout_secs)?;
        Ok(outcome)
    }

    pub(super) fn set_feed_inner(
        &self,
        url: &str,
        keys: &[String],
        allow_http: bool,
        verify_orgs: bool,
    ) -> Result<()> {
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
        self.store.config_set(&[
            (FEED_URL, Some(url)),
            (FEED_KEYS, Some(&keys)),
            (FEED_VERIFY_ORGS, verify_orgs.then_some("1")),
        ])?;
        self.set_verify_orgs(verify_orgs);
        self.user_data_changed();
        Ok(())
    }

    pub(super) fn feed_status_inner(&self) -> Result<FeedStatus> {
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
            verify_orgs: self.verify_orgs(),
            ignored_verified: if self.verify_orgs() {
                0
            } else {
                self.store.count_verified_feed_entries()?
            },
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
    /// Sets the feed address and the public keys (64 hex characters each)
    /// allowed to sign it. Only https addresses, unless `allow_http`.
    /// With `verify_orgs`, numbers the feed marks as an organisation's own
    /// are safe and named: ask the user explicitly before passing true.
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

    pub fn feed_status(&self) -> Result<FeedStatus, CanhGiacError> {
        guard(|| self.feed_status_inner())
    }

    /// Stops following the feed: its address and keys are forgotten, so no
    /// sync runs until one is set again. The list held stays (it still
    /// warns) until its expiry says it is old.
    pub fn clear_feed(&self) -> Result<(), CanhGiacError> {
        guard(|| {
            self.store.config_set(&[
                (FEED_URL, None),
                (FEED_KEYS, None),
                (FEED_VERIFY_ORGS, None),
            ])?;
            self.set_verify_orgs(false);
            self.user_data_changed();
            Ok(())
        })
    }
}
