//! What screening reads: one number's lists and reports, from one snapshot.

use super::lists::UserList;
use super::{Store, category_from_code, writer::FEED_ENTRY_COUNT};
use crate::error::Result;
use crate::model::{Reported, Source};
use crate::number::PhoneNumber;
use rusqlite::{Connection, OptionalExtension, named_params};
use serde::Serialize;

/// What the store knows about one number, read in one go for screening.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lookups {
    pub user_list: Option<UserList>,
    pub reported: Option<Reported>,
    /// The longest matching prefix rule and what it says.
    pub reported_prefix: Option<(String, Reported)>,
    /// The exact entry, or the prefix rule, is the user's own import (the
    /// user's word, weighed like the block list), not a feed's.
    pub reported_imported: bool,
    pub prefix_imported: bool,
    /// The user allowed the feed to verify organisation numbers: only then
    /// does a `verified` entry make a call safe (set by the caller, from
    /// the feed's settings).
    pub verify_orgs: bool,
    /// The list file could not be read (damaged): only the user's own lists
    /// were consulted, and the verdict says so.
    pub list_unavailable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct Stats {
    pub reported_numbers: u64,
    /// Of those, the entries (numbers and prefixes) that came from the feed.
    pub feed_entries: u64,
    pub reported_prefixes: u64,
    pub allowed: u64,
    pub blocked: u64,
    pub history: u64,
    pub feed_version: Option<u64>,
}

/// The greatest prefix rule ≤ `:digits`, which is the longest matching rule
/// whenever it matches at all (see `longest_prefix`). Tagged 2 and shaped
/// like the other rows of `LOOKUP` (`reported_at` reads them).
macro_rules! nearest_prefix {
    () => {
        "SELECT 2, category, reports, last_reported, (SELECT text FROM label WHERE id = label_id), prefix,
                reporters, official_id, source
         FROM reported_prefix WHERE prefix <= :digits ORDER BY prefix DESC LIMIT 1"
    };
}

/// Everything screening needs, in one statement: the user's list (tag 0),
/// the exact number (tag 1), and the nearest prefix rule (tag 2). Scalar
/// subqueries and UNION ALL rather than joins: with joins SQLite re-plans
/// the cached statement on every call (about 5 µs here). An official
/// source comes as its id, looked up only for the rare entry that has one
/// (`fill_source`): a subquery per row cost every screen about 1 µs.
const LOOKUP: &str = concat!(
    "SELECT 0, list, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM user_list WHERE key = :key
     UNION ALL
     SELECT 1, category, reports, last_reported, (SELECT text FROM label WHERE id = label_id), NULL,
            reporters, official_id, source
     FROM reported WHERE number = :number
     UNION ALL
     SELECT * FROM (",
    nearest_prefix!(),
    ")"
);

impl Store {
    /// Everything screening needs to know about `n`, from one snapshot. If
    /// the list file is damaged, the user's own lists still answer: the
    /// result says the list was unavailable, and the list is marked for
    /// repair (`Store::repair_list`), which the next write or sync does.
    pub fn lookup(&self, n: &PhoneNumber) -> Result<Lookups> {
        match self.lookup_all(n) {
            Err(e) if super::is_corruption(&e) => {
                tracing::error!("the list file is damaged; screening on the user's lists only");
                self.mark_list_damaged();
                let user_list = self.read(|c| {
                    Ok(
                        c.prepare_cached("SELECT list FROM user_list WHERE key = ?1")?
                            .query_row([super::lists::list_key(n)], |r| r.get::<_, i64>(0))
                            .optional()?,
                    )
                })?;
                Ok(Lookups {
                    user_list: user_list.and_then(UserList::from_code),
                    list_unavailable: true,
                    ..Default::default()
                })
            }
            other => other,
        }
    }

    fn lookup_all(&self, n: &PhoneNumber) -> Result<Lookups> {
        let key = n.key();
        let digits = key.map(|k| k.to_string());
        self.read(|c| {
            let mut out = Lookups::default();
            let mut nearest_rule = None;
            let mut exact_official = None;
            let mut stmt = c.prepare_cached(LOOKUP)?;
            let mut rows = stmt.query(named_params! {
                ":key": super::lists::list_key(n),
                ":number": key,
                ":digits": digits,
            })?;
            while let Some(r) = rows.next()? {
                match r.get::<_, i64>(0)? {
                    0 => out.user_list = UserList::from_code(r.get(1)?),
                    1 => {
                        out.reported = reported_at(r)?;
                        out.reported_imported = imported_at(r)?;
                        exact_official = official_at(r)?;
                    }
                    _ => {
                        nearest_rule = reported_at(r)?
                            .map(|rep| (r.get::<_, String>(5), rep, imported_at(r), official_at(r)))
                    }
                }
            }
            drop(rows);
            if let Some(rep) = out.reported.as_mut() {
                fill_source(c, rep, exact_official)?;
            }
            if let (Some(digits), Some((prefix, rep, imported, official))) =
                (digits.as_deref(), nearest_rule)
            {
                let prefix = prefix?;
                let found = if digits.starts_with(&prefix) {
                    Some((prefix, rep, imported?, official?))
                } else {
                    let common = common_len(digits, &prefix);
                    longest_prefix(c, digits, &digits[..common])?
                };
                if let Some((prefix, mut rep, imported, official)) = found {
                    fill_source(c, &mut rep, official)?;
                    out.reported_prefix = Some((prefix, rep));
                    out.prefix_imported = imported;
                }
            }
            Ok(out)
        })
    }

    pub fn stats(&self) -> Result<Stats> {
        self.read(|c| {
            let count = |sql: &str| -> Result<u64> {
                Ok(c.query_row(sql, [], |r| r.get::<_, i64>(0))? as u64)
            };
            Ok(Stats {
                reported_numbers: count("SELECT count(*) FROM reported")?,
                feed_entries: count(FEED_ENTRY_COUNT)?,
                reported_prefixes: count("SELECT count(*) FROM reported_prefix")?,
                allowed: count("SELECT count(*) FROM user_list WHERE list = 1")?,
                blocked: count("SELECT count(*) FROM user_list WHERE list = 2")?,
                history: count("SELECT count(*) FROM call_history")?,
                feed_version: super::config::read_feed_state(c)?.map(|s| s.version),
            })
        })
    }
}

fn common_len(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

/// A matching prefix rule: the prefix, what it says, whether it is the
/// user's import, and its official source's id.
type PrefixRule = (String, Reported, bool, Option<i64>);

/// The longest prefix rule that `digits` starts with, searching below `bound`.
///
/// Seeks the greatest rule ≤ `bound` in the primary key. If `digits` starts
/// with it, it is the longest such rule (among prefixes of a string, longer
/// sorts later). If not, every matching rule is a prefix of what the two
/// have in common, so the search repeats on that shorter string: at most 15
/// index seeks, whatever the number of rules.
fn longest_prefix(c: &Connection, digits: &str, bound: &str) -> Result<Option<PrefixRule>> {
    let mut stmt = c.prepare_cached(nearest_prefix!())?;
    let mut bound = bound;
    while !bound.is_empty() {
        let Some((prefix, rep, imported, official)) = stmt
            .query_row(named_params! {":digits": bound}, |r| {
                Ok((
                    r.get::<_, String>(5)?,
                    reported_at(r)?,
                    imported_at(r)?,
                    official_at(r)?,
                ))
            })
            .optional()?
        else {
            return Ok(None);
        };
        if digits.starts_with(&prefix) {
            return Ok(rep.map(|rep| (prefix, rep, imported, official)));
        }
        bound = &bound[..common_len(bound, &prefix)];
    }
    Ok(None)
}

/// Whether a row of `LOOKUP` is the user's import (column 8: the entry's
/// source, 1 for an import).
fn imported_at(r: &rusqlite::Row<'_>) -> rusqlite::Result<bool> {
    Ok(r.get::<_, Option<i64>>(8)? == Some(super::writer::Source::Import as i64))
}

/// The official source's id of a row of `LOOKUP` (column 7), if any.
fn official_at(r: &rusqlite::Row<'_>) -> rusqlite::Result<Option<i64>> {
    r.get(7)
}

/// Puts the official source `id` names (if any) into `rep`.
fn fill_source(c: &Connection, rep: &mut Reported, id: Option<i64>) -> Result<()> {
    let Some(id) = id else {
        return Ok(());
    };
    rep.source = c
        .prepare_cached("SELECT name, url FROM official WHERE id = ?1")?
        .query_row([id], |r| {
            let url: String = r.get(1)?;
            Ok(Source {
                name: r.get(0)?,
                url: (!url.is_empty()).then_some(url),
            })
        })
        .optional()?;
    Ok(())
}

/// A `Reported` from a row of `LOOKUP` (category, reports, last, label at
/// 1 to 4; reporters at 6), or `None` when the row has no category. Its
/// official source is filled in afterwards (`fill_source`).
fn reported_at(r: &rusqlite::Row<'_>) -> rusqlite::Result<Option<Reported>> {
    let Some(category) = r.get::<_, Option<i64>>(1)? else {
        return Ok(None);
    };
    let clamp = |v: i64| v.clamp(0, i64::from(u32::MAX)) as u32;
    Ok(Some(Reported {
        category: category_from_code(category),
        reports: clamp(r.get(2)?),
        last_reported: r.get(3)?,
        label: r.get(4)?,
        reporters: r.get::<_, Option<i64>>(6)?.map(clamp),
        source: None,
    }))
}
