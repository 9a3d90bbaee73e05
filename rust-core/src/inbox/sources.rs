//! What the publisher adds by hand: curated sources (numbers an authority
//! warned about, each with its provenance) and the protected numbers that
//! are never listed.

use super::curated::check_curated;
use super::db::PublisherDb;
use crate::csv_lines::{Line, Lines, Record, check_fields, coded};
use crate::dates;
use crate::error::{Error, Result};
use crate::import::{RejectedRow, parse_target};
use crate::model::Target;
use crate::number::normalize;
use crate::text::{check_label, is_invisible};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::io::Read;

pub const SOURCE_HEADER: [&str; 5] = ["number", "category", "date", "label", "source_url"];

/// Longest source name, in characters.
pub const MAX_SOURCE_NAME_CHARS: usize = 100;
/// Longest address of a notice, in characters.
pub const MAX_URL_CHARS: usize = 500;

/// What a source says about a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceCategory {
    Scam,
    Nuisance,
    /// A legitimate number (a bank's or a ministry's own): only an
    /// official source may say so; never listed.
    Verified,
}

impl SourceCategory {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceCategory::Scam => "scam",
            SourceCategory::Nuisance => "nuisance",
            SourceCategory::Verified => "verified",
        }
    }

    pub fn parse(s: &str) -> Option<SourceCategory> {
        match s {
            "scam" => Some(SourceCategory::Scam),
            "nuisance" => Some(SourceCategory::Nuisance),
            "verified" => Some(SourceCategory::Verified),
            _ => None,
        }
    }
}

/// What adding a source's file did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SourceSummary {
    pub source: String,
    pub official: bool,
    /// Data lines read.
    pub rows: u64,
    /// Numbers new to this source.
    pub added: u64,
    /// Numbers this source had, now with other details.
    pub updated: u64,
    /// Numbers this source had with the same details.
    pub unchanged: u64,
    pub rejected: Vec<RejectedRow>,
}

/// Adds a source's CSV (`number,category,date,label,source_url`) under
/// `name`, in one transaction. A source added again under the same name
/// gets its entries added or updated (none removed); its official flag
/// cannot change. A wrong header is an error and adds nothing.
pub fn add_source(
    db: &mut PublisherDb,
    input: impl Read,
    name: &str,
    official: bool,
) -> Result<SourceSummary> {
    add_source_at(db, input, name, official, dates::now_unix())
}

pub(crate) fn add_source_at(
    db: &mut PublisherDb,
    input: impl Read,
    name: &str,
    official: bool,
    now: i64,
) -> Result<SourceSummary> {
    let name = check_name(name)?;
    let mut lines = Lines::open(input, &SOURCE_HEADER)?;
    let tx = db.transaction()?;
    let existing: Option<(i64, bool)> = tx
        .query_row(
            "SELECT id, official FROM source WHERE name = ?1",
            [name],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let source_id = match existing {
        Some((_, was)) if was != official => {
            return Err(Error::invalid(format!(
                "the source '{name}' was added as {}; add this file under another name",
                if was { "official" } else { "not official" }
            )));
        }
        Some((id, _)) => id,
        None => {
            tx.execute(
                "INSERT INTO source (name, official, added_at) VALUES (?1, ?2, ?3)",
                params![name, official, now],
            )?;
            tx.last_insert_rowid()
        }
    };
    let mut summary = SourceSummary {
        source: name.to_string(),
        official,
        ..SourceSummary::default()
    };
    let today = dates::day_of(now);
    let mut seen: HashMap<i64, u64> = HashMap::new();
    let mut urls: BTreeSet<String> = BTreeSet::new();
    {
        let mut find = tx.prepare(
            "SELECT category, day, label, source_url FROM source_entry WHERE source_id = ?1 AND number = ?2",
        )?;
        let mut put = tx.prepare(
            "INSERT OR REPLACE INTO source_entry (source_id, number, category, day, label, source_url)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        while let Some(line) = lines.next_line()? {
            let entry = match line {
                Line::Blank => continue,
                Line::Bad(code, reason) => Err(coded(code, reason)),
                Line::Fields(rec) => read_entry(&rec, official, today),
            };
            summary.rows += 1;
            let entry = match entry {
                Ok(e) => e,
                Err(reason) => {
                    summary.rejected.push(lines.reject(reason));
                    continue;
                }
            };
            if let Some(first) = seen.get(&entry.number) {
                let reason = coded("repeated", format!("the same number as line {first}"));
                summary.rejected.push(lines.reject(reason));
                continue;
            }
            seen.insert(entry.number, lines.line_no);
            urls.insert(entry.source_url.clone().unwrap_or_default());
            let new = (
                entry.category.as_str().to_string(),
                entry.day,
                entry.label.clone(),
                entry.source_url.clone(),
            );
            let old: Option<EntryColumns> = find
                .query_row(params![source_id, entry.number], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })
                .optional()?;
            match old {
                Some(old) if old == new => summary.unchanged += 1,
                Some(_) => summary.updated += 1,
                None => summary.added += 1,
            }
            put.execute(params![source_id, entry.number, new.0, new.1, new.2, new.3])?;
        }
    }
    // The source's own address: the one all its entries share.
    if let [url] = urls.iter().collect::<Vec<_>>()[..]
        && !url.is_empty()
    {
        tx.execute(
            "UPDATE source SET url = ?1 WHERE id = ?2",
            params![url, source_id],
        )?;
    }
    tx.commit()?;
    Ok(summary)
}

/// An entry's stored columns: category, day, label, source_url.
type EntryColumns = (String, Option<i32>, Option<String>, Option<String>);

struct Entry {
    number: i64,
    category: SourceCategory,
    day: Option<i32>,
    label: Option<String>,
    source_url: Option<String>,
}

fn read_entry(rec: &Record, official: bool, today: i32) -> std::result::Result<Entry, String> {
    check_fields(rec, SOURCE_HEADER.len())?;
    let number = match parse_target(&rec[0]) {
        Ok(Target::Number(n)) => n,
        Ok(Target::Prefix(_)) => {
            return Err(coded(
                "bad_number",
                "a source lists numbers, not prefix rules",
            ));
        }
        Err(e) => return Err(coded("bad_number", e)),
    };
    let category = match SourceCategory::parse(&rec[1].to_ascii_lowercase()) {
        Some(SourceCategory::Verified) if !official => {
            return Err(coded(
                "bad_category",
                "only an official source may mark a number verified",
            ));
        }
        Some(c) => c,
        None => {
            return Err(coded(
                "bad_category",
                "category must be `scam` or `nuisance` (or `verified` in an official source)",
            ));
        }
    };
    let day = match &rec[2] {
        "" => None,
        s => Some(
            dates::parse_day(s)
                .filter(|d| (dates::MIN_DAY..=today.saturating_add(1)).contains(d))
                .ok_or_else(|| {
                    coded(
                        "bad_date",
                        "date must be a date like 2024-02-15, between 2000-01-01 and today",
                    )
                })?,
        ),
    };
    let label = match &rec[3] {
        "" => None,
        s => {
            check_label(s).map_err(|e| coded("bad_label", e))?;
            check_curated(s, Some(number))
                .map_err(|e| coded("bad_label", format!("the label {e}")))?;
            Some(s.to_string())
        }
    };
    // A phone names the organisation from the label: without one, the
    // call would be "safe" with nobody to name.
    if category == SourceCategory::Verified && label.is_none() {
        return Err(coded(
            "bad_label",
            "a verified number needs the organisation's name as its label",
        ));
    }
    let source_url = match &rec[4] {
        "" => None,
        s => Some(check_url(s).map_err(|e| coded("bad_url", e))?.to_string()),
    };
    Ok(Entry {
        number,
        category,
        day,
        label,
        source_url,
    })
}

fn check_name(name: &str) -> Result<&str> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid("the source needs a name"));
    }
    if name.chars().count() > MAX_SOURCE_NAME_CHARS {
        return Err(Error::invalid(format!(
            "the source's name is longer than {MAX_SOURCE_NAME_CHARS} characters"
        )));
    }
    if name.chars().any(|c| c.is_control() || is_invisible(c)) {
        return Err(Error::invalid(
            "the source's name contains control or invisible characters",
        ));
    }
    check_curated(name, None).map_err(|e| Error::invalid(format!("the source's name {e}")))?;
    Ok(name)
}

/// An `http(s)://` address, without blanks or control characters.
fn check_url(s: &str) -> std::result::Result<&str, &'static str> {
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return Err("source_url must start with https:// or http://");
    }
    if s.chars().count() > MAX_URL_CHARS {
        return Err("source_url is longer than 500 characters");
    }
    if s.chars()
        .any(|c| c.is_whitespace() || c.is_control() || is_invisible(c))
    {
        return Err("source_url contains blanks, control or invisible characters");
    }
    Ok(s)
}

/// Numbers that are never listed, whatever is reported about them: the
/// official numbers of banks, ministries, carriers (emergency numbers and
/// the hotlines are never listed anyway). Keys are the E.164 digits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Protected {
    numbers: BTreeSet<i64>,
}

impl Protected {
    /// Reads a CSV whose header starts with `number` (more columns, such
    /// as a name, are allowed and ignored). Returns the set and the lines
    /// rejected by number.
    pub fn from_csv(input: impl Read) -> Result<(Protected, Vec<RejectedRow>)> {
        let mut lines = Lines::open_with(
            input,
            |found| found.first().map(String::as_str) == Some("number"),
            "number[,…]",
        )?;
        let mut set = Protected::default();
        let mut rejected = Vec::new();
        while let Some(line) = lines.next_line()? {
            let reason = match line {
                Line::Blank => continue,
                Line::Bad(code, reason) => coded(code, reason),
                Line::Fields(rec) => match set.insert(rec.get(0).unwrap_or("")) {
                    Ok(()) => continue,
                    Err(e) => coded("bad_number", e),
                },
            };
            rejected.push(lines.reject(reason));
        }
        Ok((set, rejected))
    }

    /// Adds a number in any written form.
    pub fn insert(&mut self, raw: &str) -> std::result::Result<(), String> {
        let n = normalize(raw).map_err(|e| e.to_string())?;
        let key = n
            .key()
            .ok_or("the number has no international form (short numbers are never listed)")?;
        self.numbers.insert(key);
        Ok(())
    }

    pub fn contains(&self, key: i64) -> bool {
        self.numbers.contains(&key)
    }

    pub fn len(&self) -> usize {
        self.numbers.len()
    }

    /// The numbers, in order: what a publish's decisions depend on.
    pub(super) fn numbers(&self) -> impl Iterator<Item = i64> + '_ {
        self.numbers.iter().copied()
    }

    pub fn is_empty(&self) -> bool {
        self.numbers.is_empty()
    }
}

impl<S: AsRef<str>> FromIterator<S> for Protected {
    /// Numbers that do not parse are left out; use [`Protected::insert`]
    /// to hear why.
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Self {
        let mut set = Protected::default();
        for raw in iter {
            let _ = set.insert(raw.as_ref());
        }
        set
    }
}
