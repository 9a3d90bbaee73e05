//! Writes reported entries: the user's CSV imports and the feed's entries.

use super::{Store, category_code};
use crate::error::Result;
use crate::model::{Reported, Target};
use rusqlite::{Connection, Transaction, params};
use std::collections::HashMap;

/// Where a reported entry came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Feed = 0,
    Import = 1,
}

/// Entries (numbers and prefixes) that came from the feed.
pub(crate) const FEED_ENTRY_COUNT: &str = "SELECT (SELECT count(*) FROM reported WHERE source = 0)
                                                + (SELECT count(*) FROM reported_prefix WHERE source = 0)";

/// Feed entries in the list, as `conn` sees it (inside a sync's transaction).
pub(crate) fn count_feed_entries(conn: &Connection) -> Result<u64> {
    Ok(conn.query_row(FEED_ENTRY_COUNT, [], |r| r.get::<_, i64>(0))? as u64)
}

/// Verified-organisation entries that came from the feed.
impl Store {
    pub fn count_verified_feed_entries(&self) -> Result<u64> {
        self.read(|c| {
            Ok(c.query_row(
                "SELECT (SELECT count(*) FROM reported WHERE source = 0 AND category = 3)
                      + (SELECT count(*) FROM reported_prefix WHERE source = 0 AND category = 3)",
                [],
                |r| r.get::<_, i64>(0),
            )? as u64)
        })
    }
}

/// Removes every feed entry (a snapshot replaces them all); imports stay.
pub(crate) fn clear_feed_entries(tx: &Transaction) -> Result<()> {
    tx.execute("DELETE FROM reported WHERE source = 0", [])?;
    tx.execute("DELETE FROM reported_prefix WHERE source = 0", [])?;
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
    pub fn import(&self, mut rows: Vec<(Target, Reported)>, source: Source) -> Result<usize> {
        rows.sort_by(|a, b| match (&a.0, &b.0) {
            (Target::Number(x), Target::Number(y)) => x.cmp(y),
            (Target::Prefix(x), Target::Prefix(y)) => x.cmp(y),
            (Target::Number(_), Target::Prefix(_)) => std::cmp::Ordering::Less,
            (Target::Prefix(_), Target::Number(_)) => std::cmp::Ordering::Greater,
        });
        self.write(|tx| {
            let mut w = Writer::new(tx, source)?;
            for (target, rep) in &rows {
                w.put(target, rep)?;
            }
            Ok(rows.len())
        })
    }
}

/// How the user's file names an imported entry: the digits, and `*` for a
/// prefix rule (as the CSV writes it).
fn import_key(target: &Target) -> String {
    match target {
        Target::Number(k) => k.to_string(),
        Target::Prefix(p) => format!("{p}*"),
    }
}

impl Store {
    /// Copies the user's imports from the user's file into a new list file
    /// (after a damaged one was moved aside, or at the first open).
    pub(crate) fn reinstate_imports(&self) -> Result<usize> {
        let rows: Vec<(Target, Reported)> = self.read(|c| {
            let mut stmt =
                c.prepare("SELECT target, category, reports, last_reported, label FROM imported")?;
            let rows = stmt.query_map([], |r| {
                let key: String = r.get(0)?;
                let rep = Reported {
                    category: super::category_from_code(r.get(1)?),
                    reports: r.get::<_, i64>(2)?.clamp(1, i64::from(u32::MAX)) as u32,
                    last_reported: r.get(3)?,
                    label: r.get(4)?,
                    // A user's CSV has neither.
                    reporters: None,
                    source: None,
                };
                let target = match key.strip_suffix('*') {
                    Some(p) => Some(Target::Prefix(p.to_string())),
                    None => key.parse().ok().map(Target::Number),
                };
                Ok(target.map(|t| (t, rep)))
            })?;
            Ok(rows
                .filter_map(|r| r.transpose())
                .collect::<rusqlite::Result<_>>()?)
        })?;
        if rows.is_empty() {
            return Ok(0);
        }
        tracing::info!(
            entries = rows.len(),
            "copying the user's imports into the new list"
        );
        self.import(rows, Source::Import)
    }
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
        "INSERT INTO {table} ({key}, category, reports, last_reported, label_id, source, reporters, official_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT ({key}) DO UPDATE SET category = excluded.category, reports = excluded.reports,
         last_reported = excluded.last_reported, label_id = excluded.label_id, source = excluded.source,
         reporters = excluded.reporters, official_id = excluded.official_id{guard}"
    )
}

/// Writes reported entries inside a transaction, one at a time (the feed's
/// decoder hands them over as it reads them).
pub(crate) struct Writer<'t> {
    tx: &'t Transaction<'t>,
    source: Source,
    labels: HashMap<String, i64>,
    officials: HashMap<crate::model::Source, i64>,
    /// The user's own copy of an import, in the user's file.
    keep_import: Option<rusqlite::CachedStatement<'t>>,
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
            officials: HashMap::new(),
            keep_import: match source {
                Source::Import => Some(tx.prepare_cached(
                    "INSERT INTO imported (target, category, reports, last_reported, label)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (target) DO UPDATE SET category = excluded.category,
                     reports = excluded.reports, last_reported = excluded.last_reported,
                     label = excluded.label",
                )?),
                Source::Feed => None,
            },
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
            self.source as i64,
            rep.reporters,
            official_id
        ])?;
        if let Some(keep) = &mut self.keep_import {
            keep.execute(params![
                import_key(target),
                category_code(rep.category),
                rep.reports,
                rep.last_reported,
                rep.label
            ])?;
        }
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
