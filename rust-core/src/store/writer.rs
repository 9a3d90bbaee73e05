//! Writes reported entries: the user's CSV imports and the feed's entries.

use super::{Store, category_code};
use crate::error::Result;
use crate::model::{Reported, Target};
use rusqlite::{Connection, Transaction, params};
use std::collections::HashMap;

/// Whose entries these are: the user's own imports, or one feed's (its id
/// in the user's `feed` table, 1 to 15). Stored in the low 4 bits of the
/// list's `entry` key (`reported.feed`, computed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ListId(pub i64);

impl ListId {
    /// The user's own CSV imports.
    pub const IMPORTS: ListId = ListId(0);
    /// Lists a key has room for: the imports and feeds 1 to 15.
    pub const SLOTS: i64 = 16;

    /// The `entry` key of `number` in this list.
    pub(crate) fn entry(self, number: i64) -> i64 {
        number * Self::SLOTS + self.0
    }
}

/// Entries (numbers and prefixes) that came from any feed.
pub(crate) const FEED_ENTRY_COUNT: &str = "SELECT (SELECT count(*) FROM reported WHERE feed <> 0)
                                                + (SELECT count(*) FROM reported_prefix WHERE feed <> 0)";

/// One list's entries, as `conn` sees it (inside a sync's transaction).
pub(crate) fn count_entries(conn: &Connection, list: ListId) -> Result<u64> {
    Ok(conn
        .prepare_cached(
            "SELECT (SELECT count(*) FROM reported WHERE feed = ?1)
                  + (SELECT count(*) FROM reported_prefix WHERE feed = ?1)",
        )?
        .query_row([list.0], |r| r.get::<_, i64>(0))? as u64)
}

impl Store {
    /// One list's entries (numbers and prefixes).
    pub fn count_entries(&self, list: ListId) -> Result<u64> {
        self.read(|c| count_entries(c, list))
    }

    /// One feed's verified-organisation entries.
    pub fn count_verified_entries(&self, list: ListId) -> Result<u64> {
        self.read(|c| {
            Ok(c.query_row(
                "SELECT (SELECT count(*) FROM reported WHERE feed = ?1 AND category = 3)
                      + (SELECT count(*) FROM reported_prefix WHERE feed = ?1 AND category = 3)",
                [list.0],
                |r| r.get::<_, i64>(0),
            )? as u64)
        })
    }
}

/// Removes every entry of one list (a snapshot replaces them all; a feed
/// that is removed takes its entries along); the other lists stay.
pub(crate) fn clear_entries(tx: &Connection, list: ListId) -> Result<()> {
    tx.execute("DELETE FROM reported WHERE feed = ?1", [list.0])?;
    tx.execute("DELETE FROM reported_prefix WHERE feed = ?1", [list.0])?;
    Ok(())
}

/// Drops labels and official sources no entry uses any more (one scan
/// each: after snapshots only).
pub(crate) fn drop_unused_labels(tx: &Transaction) -> Result<()> {
    tx.execute(
        "DELETE FROM label WHERE id NOT IN (
             SELECT label_id FROM reported WHERE label_id IS NOT NULL
             UNION SELECT label_id FROM reported_prefix WHERE label_id IS NOT NULL)",
        [],
    )?;
    tx.execute(
        "DELETE FROM official WHERE id NOT IN (
             SELECT official_id FROM reported WHERE official_id IS NOT NULL
             UNION SELECT official_id FROM reported_prefix WHERE official_id IS NOT NULL)",
        [],
    )?;
    Ok(())
}

impl Store {
    /// Inserts or replaces reported entries in one transaction. Numbers are
    /// inserted in key order, which keeps the table's pages full.
    /// The user's imports (list 0) reach their journal too.
    pub fn import(&self, mut rows: Vec<(Target, Reported)>, list: ListId) -> Result<usize> {
        rows.sort_by(|a, b| super::journal::target_order(&a.0, &b.0));
        if list == ListId::IMPORTS {
            let n = rows.len();
            return self.write_imports(|_, imports| {
                rows.into_iter().try_for_each(|(t, r)| imports.put(t, r))?;
                Ok(n)
            });
        }
        self.write(|tx| {
            let mut w = Writer::new(tx, list)?;
            for (target, rep) in &rows {
                w.put(target, rep)?;
            }
            Ok(rows.len())
        })
    }
}

/// An upsert into `table`, within one list: each list (a feed, the user's
/// imports) has its own row for a number, so none overwrites another's.
/// Numbers are keyed by `entry` (number and list in one integer; `?2` is
/// unused), prefix rules by (prefix, feed).
fn upsert_sql(table: &str, key: &str) -> String {
    let (columns, values) = if key == "entry" {
        ("entry", "?1")
    } else {
        ("prefix, feed", "?1, ?2")
    };
    format!(
        "INSERT INTO {table} ({columns}, category, reports, last_reported, label_id, reporters, official_id)
         VALUES ({values}, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT ({columns}) DO UPDATE SET category = excluded.category, reports = excluded.reports,
         last_reported = excluded.last_reported, label_id = excluded.label_id,
         reporters = excluded.reporters, official_id = excluded.official_id"
    )
}

/// Writes reported entries inside a transaction, one at a time (the feed's
/// decoder hands them over as it reads them).
pub(crate) struct Writer<'t> {
    tx: &'t Transaction<'t>,
    list: ListId,
    labels: HashMap<String, i64>,
    officials: HashMap<crate::model::Source, i64>,
    add_number: rusqlite::CachedStatement<'t>,
    add_prefix: rusqlite::CachedStatement<'t>,
    del_number: rusqlite::CachedStatement<'t>,
    del_prefix: rusqlite::CachedStatement<'t>,
}

impl<'t> Writer<'t> {
    pub(crate) fn new(tx: &'t Transaction<'t>, list: ListId) -> Result<Self> {
        Ok(Writer {
            tx,
            list,
            labels: HashMap::new(),
            officials: HashMap::new(),
            add_number: tx.prepare_cached(&upsert_sql("reported", "entry"))?,
            add_prefix: tx.prepare_cached(&upsert_sql("reported_prefix", "prefix"))?,
            // A feed removes only its own entries: other lists stay.
            del_number: tx.prepare_cached("DELETE FROM reported WHERE entry = ?1")?,
            del_prefix: tx
                .prepare_cached("DELETE FROM reported_prefix WHERE prefix = ?1 AND feed = ?2")?,
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

    fn official_id(&mut self, s: &crate::model::Source) -> Result<i64> {
        if let Some(&id) = self.officials.get(s) {
            return Ok(id);
        }
        let id = self.tx.query_row(
            "INSERT INTO official (name, url) VALUES (?1, ?2)
             ON CONFLICT (name, url) DO UPDATE SET name = name RETURNING id",
            [s.name.as_str(), s.url.as_deref().unwrap_or("")],
            |r| r.get(0),
        )?;
        self.officials.insert(s.clone(), id);
        Ok(id)
    }

    pub(crate) fn put(&mut self, target: &Target, rep: &Reported) -> Result<()> {
        let label_id = rep.label.as_deref().map(|l| self.label_id(l)).transpose()?;
        let official_id = rep
            .source
            .as_ref()
            .map(|s| self.official_id(s))
            .transpose()?;
        let (key, stmt): (rusqlite::types::Value, _) = match target {
            Target::Number(k) => (self.list.entry(*k).into(), &mut self.add_number),
            Target::Prefix(p) => (p.clone().into(), &mut self.add_prefix),
        };
        stmt.execute(params![
            key,
            self.list.0,
            category_code(rep.category),
            rep.reports,
            rep.last_reported,
            label_id,
            rep.reporters,
            official_id
        ])?;
        Ok(())
    }

    pub(crate) fn delete(&mut self, target: &Target) -> Result<()> {
        match target {
            Target::Number(k) => self.del_number.execute([self.list.entry(*k)])?,
            Target::Prefix(p) => self.del_prefix.execute(params![p, self.list.0])?,
        };
        Ok(())
    }
}
