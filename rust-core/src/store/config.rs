//! Settings the core owns (policy, sync limits) and the state of each feed
//! the list came from. The feeds themselves are in `feeds`.

use super::{ListId, Store};

/// The settings the core keeps in the user's file (`config` table), by key.
pub mod setting {
    /// The policy, as JSON.
    pub const POLICY: &str = "policy";
    /// Optional cap on the bytes one sync may download.
    pub const FEED_MAX_DOWNLOAD: &str = "feed.max_download";
    /// Optional cap, in seconds, on a sync.
    pub const FEED_TIMEOUT_SECS: &str = "feed.timeout_secs";
    /// Optional ceiling on the entries of one feed's list.
    pub const FEED_MAX_ENTRIES: &str = "feed.max_entries";
}
use crate::error::Result;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

/// The version of one feed the list holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct FeedState {
    pub version: u64,
    pub key_id: Option<String>,
    pub etag: Option<String>,
    /// Unix seconds of the last successful check.
    pub synced_at: Option<i64>,
    /// The signing keys the version belongs to (sorted hex, comma-joined):
    /// for the same keys versions never go back, whatever address serves them.
    pub scope: Option<String>,
    /// When the publisher signed this version (Unix seconds): a mirror that
    /// stopped updating shows its age here.
    pub published_at: Option<i64>,
    /// The address the ETag came from: it is sent back only there.
    pub etag_url: Option<String>,
    /// When the manifest of this version expires (Unix seconds).
    pub expires_at: Option<i64>,
}

pub(crate) fn read_feed_state(c: &Connection, feed: ListId) -> Result<Option<FeedState>> {
    Ok(c.prepare_cached(
        "SELECT version, key_id, etag, synced_at, scope, published_at, etag_url, expires_at FROM feed_state WHERE feed = ?1",
    )?
    .query_row(
        [feed.0],
        |r| {
            Ok(FeedState {
                version: r.get::<_, i64>(0)? as u64,
                key_id: r.get(1)?,
                etag: r.get(2)?,
                synced_at: r.get(3)?,
                scope: r.get(4)?,
                published_at: r.get(5)?,
                etag_url: r.get(6)?,
                expires_at: r.get(7)?,
            })
        },
    )
    .optional()?)
}

/// Records the version a sync applied, inside that sync's transaction.
pub(crate) fn save_feed_state(c: &Connection, feed: ListId, s: &FeedState) -> Result<()> {
    c.execute(
        "INSERT INTO feed_state (feed, version, key_id, etag, synced_at, scope, published_at, etag_url, expires_at)
         VALUES (?9, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (feed) DO UPDATE SET version = excluded.version, key_id = excluded.key_id,
         etag = excluded.etag, synced_at = excluded.synced_at, scope = excluded.scope,
         published_at = excluded.published_at, etag_url = excluded.etag_url,
         expires_at = excluded.expires_at",
        params![
            s.version as i64,
            s.key_id,
            s.etag,
            s.synced_at,
            s.scope,
            s.published_at,
            s.etag_url,
            s.expires_at,
            feed.0
        ],
    )?;
    Ok(())
}

impl Store {
    /// Which version of `feed` the list holds, and how it was last fetched.
    pub fn feed_state(&self, feed: ListId) -> Result<Option<FeedState>> {
        self.read(|c| read_feed_state(c, feed))
    }

    /// Records a check that found nothing new (or a new ETag, from this
    /// or another address, for the same version).
    pub fn feed_checked(&self, feed: ListId, s: &FeedState) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE feed_state SET etag = ?1, etag_url = ?2, synced_at = ?3, expires_at = ?4
                 WHERE feed = ?5",
                params![s.etag, s.etag_url, s.synced_at, s.expires_at, feed.0],
            )?;
            Ok(())
        })
    }

    pub fn config_get(&self, key: &str) -> Result<Option<String>> {
        self.read(|c| {
            Ok(c.prepare_cached("SELECT value FROM config WHERE key = ?1")?
                .query_row([key], |r| r.get(0))
                .optional()?)
        })
    }

    /// Sets (or with `None` removes) settings, all in one transaction.
    pub fn config_set(&self, values: &[(&str, Option<&str>)]) -> Result<()> {
        self.write(|tx| {
            for &(key, value) in values {
                match value {
                    Some(v) => tx.execute(
                        "INSERT INTO config (key, value) VALUES (?1, ?2)
                         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        [key, v],
                    )?,
                    None => tx.execute("DELETE FROM config WHERE key = ?1", [key])?,
                };
            }
            Ok(())
        })
    }
}
