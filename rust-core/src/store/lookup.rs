//! What screening reads: one number's lists and reports, from one snapshot.

use super::lists::UserList;
use super::{ListId, Store, category_from_code, writer::FEED_ENTRY_COUNT};
use crate::error::Result;
use crate::model::{Reported, Source};
use crate::number::PhoneNumber;
use rusqlite::{Connection, OptionalExtension, named_params};
use serde::Serialize;

/// One list's entry for a number: the exact number, or a prefix rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    pub reported: Reported,
    /// The rule's E.164 digits, when the entry is a prefix rule.
    pub prefix: Option<String>,
    /// Whose entry it is: the user's imports (the user's word, weighed
    /// like the block list) or a feed.
    pub list: ListId,
    /// The feed's name, for the reason ("Cộng đồng: 37 người…"); set by
    /// the caller, who knows the feeds. `None` for the user's imports.
    pub feed_name: Option<String>,
    /// The user allowed this feed to verify organisation numbers: only then
    /// does its `verified` entry make a call safe (set by the caller).
    pub may_verify: bool,
    /// The official source's id, until `fill_source` reads it.
    pub(crate) official_id: Option<i64>,
}

impl Listing {
    /// An entry of `list` for the exact number.
    #[cfg(test)]
    pub fn new(reported: Reported, list: ListId) -> Self {
        Listing {
            reported,
            prefix: None,
            list,
            feed_name: None,
            may_verify: false,
            official_id: None,
        }
    }

    pub fn imported(&self) -> bool {
        self.list == ListId::IMPORTS
    }
}

/// What the store knows about one number, read in one go for screening.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lookups {
    pub user_list: Option<UserList>,
    /// Each list's entry for the exact number, in list order.
    pub exact: Vec<Listing>,
    /// Each list's entry for the longest prefix rule that matches.
    pub prefix: Vec<Listing>,
    /// The list file could not be read (damaged): only the user's own lists
    /// were consulted, and the verdict says so.
    pub list_unavailable: bool,
}

#[cfg(test)]
impl Lookups {
    /// The first list's exact entry (tests and the CLI's single-list views).
    pub fn reported(&self) -> Option<&Reported> {
        self.exact.first().map(|l| &l.reported)
    }

    /// The longest matching prefix rule, and the first list's entry for it.
    pub fn reported_prefix(&self) -> Option<(&str, &Reported)> {
        self.prefix
            .first()
            .map(|l| (l.prefix.as_deref().unwrap_or(""), &l.reported))
    }
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
    /// The version of the first feed followed (the `default` one, for a
    /// phone that follows one feed).
    pub feed_version: Option<u64>,
}

/// Every list's row for the greatest prefix rule ≤ `:digits`, which is the
/// longest matching rule whenever it matches at all (see `longest_prefix`).
/// Tagged 2 and shaped like the other rows of `LOOKUP` (`reported_at`
/// reads them).
macro_rules! nearest_prefix {
    () => {
        "SELECT 2, category, reports, last_reported, CASE WHEN label_id IS NOT NULL THEN (SELECT text FROM label WHERE id = label_id) END, prefix,
                reporters, official_id, feed
         FROM reported_prefix
         WHERE prefix = (SELECT prefix FROM reported_prefix WHERE prefix <= :digits
                         ORDER BY prefix DESC LIMIT 1)"
    };
}

/// Everything screening needs from the list file, in one statement (the
/// user's own lists are in memory, `Store::user_list_of`): every list's entry for the exact number (tag 1, one seek: the rowid is
/// number × 16 + list), and the nearest prefix rule (tag 2). Scalar
/// subqueries and UNION ALL rather than joins: with joins SQLite re-plans
/// the cached statement on every call (about 5 µs here). An official
/// source comes as its id, looked up only for the rare entry that has one
/// (`fill_source`): a subquery per row cost every screen about 1 µs.
const LOOKUP: &str = concat!(
    "SELECT 1, category, reports, last_reported, CASE WHEN label_id IS NOT NULL THEN (SELECT text FROM label WHERE id = label_id) END, NULL,
            reporters, official_id, entry & 15
     FROM reported WHERE entry BETWEEN :first AND :last
     UNION ALL ",
    nearest_prefix!()
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
                Ok(Lookups {
                    user_list: self.user_list_of(n),
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
            let mut out = Lookups {
                user_list: self.user_list_of(n),
                ..Default::default()
            };
            let mut nearest = Vec::new();
            let mut stmt = c.prepare_cached(LOOKUP)?;
            let mut rows = stmt.query(named_params! {
                ":first": key.map(|k| ListId::IMPORTS.entry(k)),
                ":last": key.map(|k| ListId(ListId::SLOTS - 1).entry(k)),
                ":digits": digits,
            })?;
            while let Some(r) = rows.next()? {
                match r.get::<_, i64>(0)? {
                    1 => out.exact.extend(listing_at(r)?),
                    _ => nearest.extend(listing_at(r)?),
                }
            }
            drop(rows);
            for l in &mut out.exact {
                fill_source(c, l)?;
            }
            if let (Some(digits), Some(rule)) = (
                digits.as_deref(),
                nearest.first().and_then(|l| l.prefix.clone()),
            ) {
                out.prefix = if digits.starts_with(&rule) {
                    nearest
                } else {
                    let common = common_len(digits, &rule);
                    longest_prefix(c, digits, &digits[..common])?
                };
                for l in &mut out.prefix {
                    fill_source(c, l)?;
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
                feed_version: c
                    .query_row(
                        "SELECT version FROM feed_state ORDER BY feed LIMIT 1",
                        [],
                        |r| r.get::<_, i64>(0),
                    )
                    .optional()?
                    .map(|v| v as u64),
            })
        })
    }
}

fn common_len(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

/// Every list's entry for the longest prefix rule that `digits` starts
/// with, searching below `bound`.
///
/// Seeks the greatest rule ≤ `bound` in the primary key. If `digits` starts
/// with it, it is the longest such rule (among prefixes of a string, longer
/// sorts later). If not, every matching rule is a prefix of what the two
/// have in common, so the search repeats on that shorter string: at most 15
/// index seeks, whatever the number of rules.
fn longest_prefix(c: &Connection, digits: &str, bound: &str) -> Result<Vec<Listing>> {
    let mut stmt = c.prepare_cached(nearest_prefix!())?;
    let mut bound = bound;
    while !bound.is_empty() {
        let found = stmt
            .query_map(named_params! {":digits": bound}, listing_at)?
            .filter_map(|r| r.transpose())
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let Some(rule) = found.first().and_then(|l| l.prefix.clone()) else {
            return Ok(Vec::new());
        };
        if digits.starts_with(&rule) {
            return Ok(found);
        }
        bound = &bound[..common_len(bound, &rule)];
    }
    Ok(Vec::new())
}

/// Puts the official source a row named (by id, kept in `official_id`
/// until now) into the listing.
fn fill_source(c: &Connection, l: &mut Listing) -> Result<()> {
    let Some(id) = l.official_id.take() else {
        return Ok(());
    };
    l.reported.source = c
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

/// A `Listing` from a row of `LOOKUP` (category, reports, last, label at
/// 1 to 4; the prefix at 5; reporters at 6; the official source's id at
/// 7; the list at 8), or `None` when the row has no category. Its official
/// source is filled in afterwards (`fill_source`).
fn listing_at(r: &rusqlite::Row<'_>) -> rusqlite::Result<Option<Listing>> {
    let Some(category) = r.get::<_, Option<i64>>(1)? else {
        return Ok(None);
    };
    let clamp = |v: i64| v.clamp(0, i64::from(u32::MAX)) as u32;
    Ok(Some(Listing {
        reported: Reported {
            category: category_from_code(category),
            reports: clamp(r.get(2)?),
            last_reported: r.get(3)?,
            label: r.get(4)?,
            reporters: r.get::<_, Option<i64>>(6)?.map(clamp),
            source: None,
        },
        prefix: r.get(5)?,
        list: ListId(r.get(8)?),
        feed_name: None,
        may_verify: false,
        official_id: r.get(7)?,
    }))
}
