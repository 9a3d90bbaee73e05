//! The feeds the user follows (`feed` table of the user's file): name,
//! address, pinned keys, whether it may verify organisation numbers. Each
//! feed's entries and state live in the list file under its id.

use super::{ListId, Store, writer};
use crate::dates;
use crate::error::{Error, Result};
use rusqlite::{OptionalExtension, params};

/// The most feeds a phone follows: each one is a list to sync and a row
/// per listed number to read at every call.
pub const MAX_FEEDS: usize = 8;

/// The feed the single-feed forms (`set_feed`, `sync URL --key`) mean.
pub const DEFAULT_FEED: &str = "default";

/// A feed's name as the user gave it, trimmed: 1 to 40 characters, none of
/// them invisible or control characters (it is shown in every reason, and
/// a follow link carries it from anyone).
pub fn check_name(name: &str) -> Result<&str> {
    let name = name.trim();
    let count = name.chars().count();
    if count == 0 || count > 40 {
        return Err(Error::invalid("a feed's name has 1 to 40 characters"));
    }
    if let Some(c) = name.chars().find(|c| crate::text::is_invisible(*c)) {
        return Err(Error::invalid(format!(
            "a feed's name cannot hold the invisible character U+{:04X}",
            c as u32
        )));
    }
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        return Err(Error::invalid(format!(
            "a feed's name cannot hold the control character U+{:04X}",
            c as u32
        )));
    }
    Ok(name)
}

/// A followed feed, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedRow {
    pub id: ListId,
    pub name: String,
    pub url: String,
    /// Pinned public keys, hex.
    pub keys: Vec<String>,
    pub verify_orgs: bool,
}

const COLUMNS: &str = "id, name, url, keys, verify_orgs";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<FeedRow> {
    let keys: String = r.get(3)?;
    Ok(FeedRow {
        id: ListId(r.get(0)?),
        name: r.get(1)?,
        url: r.get(2)?,
        keys: keys
            .split(',')
            .filter(|k| !k.is_empty())
            .map(str::to_string)
            .collect(),
        verify_orgs: r.get(4)?,
    })
}

/// Every followed feed, in the order they were added (also for a backup,
/// inside its own read).
pub(super) fn read_feeds(c: &rusqlite::Connection) -> Result<Vec<FeedRow>> {
    let mut stmt = c.prepare_cached(&format!("SELECT {COLUMNS} FROM feed ORDER BY id"))?;
    let rows = stmt.query_map([], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Store {
    /// Every followed feed, in the order they were added.
    pub fn feeds(&self) -> Result<Vec<FeedRow>> {
        self.read(read_feeds)
    }

    pub fn feed(&self, name: &str) -> Result<Option<FeedRow>> {
        self.read(|c| {
            Ok(
                c.prepare_cached(&format!("SELECT {COLUMNS} FROM feed WHERE name = ?1"))?
                    .query_row([name], row)
                    .optional()?,
            )
        })
    }

    /// Adds a feed, or changes the address, keys or consent of the one of
    /// that name (its id, and so its entries and state, stay: the state's
    /// scope makes new keys start from a snapshot). At most `max` feeds.
    pub fn save_feed(
        &self,
        name: &str,
        url: &str,
        keys: &[String],
        verify_orgs: bool,
        max: usize,
    ) -> Result<FeedRow> {
        self.write(|tx| {
            let exists: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM feed WHERE name = ?1)",
                [name],
                |r| r.get(0),
            )?;
            let count: i64 = tx.query_row("SELECT count(*) FROM feed", [], |r| r.get(0))?;
            if !exists && count as usize >= max {
                return Err(Error::invalid(format!(
                    "at most {max} feeds can be followed; remove one first"
                )));
            }
            if exists {
                tx.execute(
                    "UPDATE feed SET url = ?2, keys = ?3, verify_orgs = ?4 WHERE name = ?1",
                    params![name, url, keys.join(","), verify_orgs],
                )?;
            } else {
                // The smallest id free (a list key has room for 15); whatever
                // an interrupted removal left under it goes first. A list's
                // entries are only ever written with its state, in one
                // transaction, and removed with it: no state, no entries,
                // and no scan of the whole list (a million imports) to
                // find none.
                let id: i64 = tx.query_row(
                    "WITH RECURSIVE ids(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM ids WHERE i < 15)
                     SELECT min(i) FROM ids WHERE i NOT IN (SELECT id FROM feed)",
                    [],
                    |r| r.get(0),
                )?;
                if super::read_feed_state(tx, ListId(id))?.is_some() {
                    writer::clear_entries(tx, ListId(id))?;
                    tx.execute("DELETE FROM feed_state WHERE feed = ?1", [id])?;
                }
                tx.execute(
                    "INSERT INTO feed (id, name, url, keys, verify_orgs, added_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![id, name, url, keys.join(","), verify_orgs, dates::now_unix()],
                )?;
            }
            Ok(tx.query_row(
                &format!("SELECT {COLUMNS} FROM feed WHERE name = ?1"),
                [name],
                row,
            )?)
        })
    }

    /// Forgets a feed and removes its entries and state from the list; the
    /// other feeds and the user's imports stay. Returns whether it existed.
    /// The list file's rows go first: should the second file's write fail,
    /// what is left is a feed with an empty list, never entries without a
    /// feed (and a new feed clears its id's rows before taking it).
    pub fn remove_feed(&self, name: &str) -> Result<bool> {
        let Some(feed) = self.feed(name)? else {
            return Ok(false);
        };
        self.write(|tx| {
            writer::clear_entries(tx, feed.id)?;
            tx.execute("DELETE FROM feed_state WHERE feed = ?1", [feed.id.0])?;
            writer::drop_unused_labels(tx)?;
            Ok(())
        })?;
        self.write(|tx| {
            tx.execute("DELETE FROM feed WHERE id = ?1", [feed.id.0])?;
            Ok(())
        })?;
        Ok(true)
    }
}
