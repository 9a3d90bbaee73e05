//! The hotline inbox export → the publisher database.
//!
//! Header: `received_at,sender,to,body`: an ISO 8601 time, the reporter's
//! number, `156` or `5656`, and the raw SMS. Every line is ingested, found
//! to be a duplicate of a message already there, or rejected by its line
//! number with a reason that starts with a stable code (`bad_time`,
//! `bad_sender`, `bad_to`, `bad_csv`, `too_long`, or one of
//! [`RefusedSms::CODES`]). The whole file goes in one transaction.
//!
//! A report against an emergency number or a hotline (`LD 113 …`) is
//! kept, though `parse_body` refuses it: it is never listed, and the
//! publish report counts it.

use super::db::{Hash, Hasher, PublisherDb};
use super::{RefusedSms, Sender, parse_body};
use crate::csv_lines::{Line, Lines, Record, check_fields, coded};
use crate::dates;
use crate::error::{Error, Result};
use crate::import::RejectedRow;
use crate::number::{NumberKind, PhoneNumber, normalize};
use rusqlite::params;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use time::format_description::well_known::{Iso8601, Rfc3339};
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

pub const INBOX_HEADER: [&str; 4] = ["received_at", "sender", "to", "body"];

/// Longest `received_at` looked at.
const MAX_TIME_CHARS: usize = 40;

/// What one ingested file did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IngestSummary {
    /// Data lines read (blank lines are not counted).
    pub rows: u64,
    /// Messages added.
    pub ingested: u64,
    /// Messages already in the database (or earlier in the same file).
    pub duplicates: u64,
    /// `rows = ingested + duplicates + rejected.len()`.
    pub rejected: Vec<RejectedRow>,
}

/// Ingests an inbox export. A wrong header is an error and adds nothing;
/// so does a read error. Ingesting the same file again adds nothing.
pub fn ingest(db: &mut PublisherDb, input: impl Read) -> Result<IngestSummary> {
    ingest_at(db, input, dates::now_unix())
}

/// [`ingest`] with the present time given (times after `now` plus one day
/// are refused).
pub(crate) fn ingest_at(db: &mut PublisherDb, input: impl Read, now: i64) -> Result<IngestSummary> {
    let mut lines = Lines::open(input, &INBOX_HEADER)?;
    let hasher = db.hasher()?;
    let tx = db.transaction()?;
    let mut summary = IngestSummary::default();
    let mut by_code: BTreeMap<&'static str, u64> = BTreeMap::new();
    {
        // `report`'s CHECKs test `keyword` and `category` against lists of
        // text, which SQLite does by building a temporary index for every
        // row it inserts: a fifth of a million-line ingest. Here they are
        // off, and the same conditions are tested on each row in Rust
        // (`Row::check`) before it is written; every other write keeps them.
        let _checks = ChecksOff::new(&tx)?;
        let mut reporters: HashMap<Hash, i64> = HashMap::new();
        let mut find_reporter = tx.prepare("SELECT id FROM reporter WHERE hash = ?1")?;
        // Added first, looked up only if there already: in a large inbox
        // most reporters are new, and one lookup less each.
        let mut add_reporter =
            tx.prepare("INSERT INTO reporter (hash) VALUES (?1) ON CONFLICT (hash) DO NOTHING")?;
        let mut add_report = tx.prepare(
            "INSERT INTO report (uniq, received_at, day, reporter_id, hotline, keyword,
                                 number, short_number, sender_id, content, category)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT (uniq) DO NOTHING",
        )?;
        while let Some(line) = lines.next_line()? {
            let row = match line {
                Line::Blank => continue,
                Line::Bad(code, reason) => Err((code, coded(code, reason))),
                Line::Fields(rec) => read_row(&rec, now, &hasher),
            };
            summary.rows += 1;
            let row = match row {
                Ok(row) => row,
                Err((code, reason)) => {
                    *by_code.entry(code).or_default() += 1;
                    summary.rejected.push(lines.reject(reason));
                    continue;
                }
            };
            row.check()?;
            let hash = row.reporter;
            let reporter_id = match reporters.get(&hash) {
                Some(&id) => id,
                None => {
                    let id = if add_reporter.execute([&hash[..]])? == 1 {
                        tx.last_insert_rowid()
                    } else {
                        find_reporter.query_row([&hash[..]], |r| r.get(0))?
                    };
                    reporters.insert(hash, id);
                    id
                }
            };
            let added = add_report.execute(params![
                &row.uniq[..],
                row.received_at,
                dates::day_of(row.received_at),
                reporter_id,
                row.hotline,
                row.keyword,
                row.number,
                row.short_number,
                row.sender_id,
                row.content,
                row.category,
            ])?;
            if added == 1 {
                summary.ingested += 1;
            } else {
                summary.duplicates += 1;
            }
        }
    }
    tx.execute(
        "INSERT INTO ingest_run (at, rows, ingested, duplicates, rejected) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            now,
            summary.rows as i64,
            summary.ingested as i64,
            summary.duplicates as i64,
            serde_json::to_string(&by_code).expect("counts serialise"),
        ],
    )?;
    tx.commit()?;
    Ok(summary)
}

/// One line, read: the reporter's number only as its keyed hash.
struct Row {
    received_at: i64,
    reporter: Hash,
    /// The message's keyed hash: when, who, and the body as received.
    uniq: Hash,
    hotline: u16,
    keyword: &'static str,
    number: Option<i64>,
    short_number: Option<String>,
    sender_id: Option<String>,
    content: String,
    category: &'static str,
}

impl Row {
    /// The CHECK constraints of `report` (see `ingest_at`).
    fn check(&self) -> Result<()> {
        let targets = usize::from(self.number.is_some())
            + usize::from(self.short_number.is_some())
            + usize::from(self.sender_id.is_some());
        let ok = matches!(self.hotline, 156 | 5656)
            && matches!(self.keyword, "LD" | "V" | "S")
            && matches!(self.category, "scam" | "nuisance" | "sms_spam")
            && targets == 1;
        if ok {
            Ok(())
        } else {
            Err(Error::invalid(
                "internal error: a report breaks the publisher database's constraints",
            ))
        }
    }
}

/// `PRAGMA ignore_check_constraints` on the connection while it lives.
struct ChecksOff<'c>(&'c rusqlite::Connection);

impl<'c> ChecksOff<'c> {
    fn new(conn: &'c rusqlite::Connection) -> Result<ChecksOff<'c>> {
        conn.pragma_update(None, "ignore_check_constraints", true)?;
        Ok(ChecksOff(conn))
    }
}

impl Drop for ChecksOff<'_> {
    fn drop(&mut self) {
        // Setting a flag does not fail on an open connection; if it ever
        // did, the connection would go on without its CHECKs: say so.
        if let Err(e) = self
            .0
            .pragma_update(None, "ignore_check_constraints", false)
        {
            tracing::error!("could not turn the CHECK constraints on again: {e}");
        }
    }
}

type Rejection = (&'static str, String);

fn read_row(rec: &Record, now: i64, hasher: &Hasher) -> std::result::Result<Row, Rejection> {
    check_fields(rec, INBOX_HEADER.len()).map_err(|r| ("bad_csv", r))?;
    let received_at = parse_time(&rec[0], now)?;
    let reporter = hasher.reporter(&parse_reporter(&rec[1])?);
    let hotline = parse_hotline(&rec[2])?;
    let body = &rec[3];
    let (keyword, target, content, category) = match parse_body(body) {
        Ok(p) => {
            let target = match &p.sender {
                Sender::Number(n) => number_target(n),
                Sender::SenderId(id) => Target::SenderId(id.clone()),
            };
            (p.keyword, target, p.content, p.category)
        }
        // Kept and counted, never listed.
        Err(RefusedSms::ProtectedNumber { keyword, number }) => (
            keyword,
            Target::Short(number.national.clone()),
            String::new(),
            keyword.category(),
        ),
        Err(refused) => return Err((refused.code(), coded(refused.code(), &refused))),
    };
    let (number, short_number, sender_id) = match target {
        Target::Number(n) => (Some(n), None, None),
        Target::Short(s) => (None, Some(s), None),
        Target::SenderId(s) => (None, None, Some(s)),
    };
    Ok(Row {
        received_at,
        reporter,
        uniq: hasher.message(received_at, &reporter, body),
        hotline,
        keyword: keyword.as_str(),
        number,
        short_number,
        sender_id,
        content,
        category: category.as_str(),
    })
}

enum Target {
    Number(i64),
    Short(String),
    SenderId(String),
}

fn number_target(n: &PhoneNumber) -> Target {
    match n.key() {
        Some(key) => Target::Number(key),
        None => Target::Short(n.national.clone()),
    }
}

/// Vietnam's offset, for times written without one.
fn vietnam() -> UtcOffset {
    UtcOffset::from_whole_seconds(7 * 3600).expect("UTC+7 is an offset")
}

/// An ISO 8601 time (`2024-02-15T09:30:00+07:00`, `…Z`, or without an
/// offset, taken as Vietnam's time; a space may stand for the `T`), from
/// 2000-01-01 to one day after `now`, as Unix seconds.
fn parse_time(raw: &str, now: i64) -> std::result::Result<i64, Rejection> {
    let bad = || {
        (
            "bad_time",
            coded(
                "bad_time",
                "received_at must be an ISO 8601 time like 2024-02-15T09:30:00+07:00",
            ),
        )
    };
    if raw.is_empty() || raw.chars().count() > MAX_TIME_CHARS {
        return Err(bad());
    }
    let text = match raw.as_bytes().get(10) {
        Some(b' ') => Cow::Owned(format!("{}T{}", &raw[..10], &raw[11..])),
        _ => Cow::Borrowed(raw),
    };
    let t = OffsetDateTime::parse(&text, &Rfc3339)
        .or_else(|_| OffsetDateTime::parse(&text, &Iso8601::DEFAULT))
        .or_else(|_| {
            PrimitiveDateTime::parse(&text, &Iso8601::DEFAULT).map(|t| t.assume_offset(vietnam()))
        })
        .map_err(|_| bad())?
        .unix_timestamp();
    if dates::day_of(t) < dates::MIN_DAY || t > now.saturating_add(86_400) {
        return Err((
            "bad_time",
            coded(
                "bad_time",
                "received_at must be between 2000-01-01 and today",
            ),
        ));
    }
    Ok(t)
}

/// The reporter: a subscriber number, as its E.164 form. The reason never
/// repeats what was written.
fn parse_reporter(raw: &str) -> std::result::Result<String, Rejection> {
    let n = normalize(raw)
        .ok()
        .filter(|n| n.valid && !matches!(n.kind, NumberKind::Emergency | NumberKind::ShortCode));
    n.and_then(|n| n.e164).ok_or_else(|| {
        (
            "bad_sender",
            coded(
                "bad_sender",
                "the sender is not a phone number that can send a report",
            ),
        )
    })
}

fn parse_hotline(raw: &str) -> std::result::Result<u16, Rejection> {
    match raw {
        "156" => Ok(156),
        "5656" => Ok(5656),
        _ => Err(("bad_to", coded("bad_to", "to must be 156 or 5656"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_iso_8601_forms_and_their_bounds() {
        let now = 1_800_000_000;
        let at = 1_707_964_200; // 2024-02-15T02:30:00Z
        for raw in [
            "2024-02-15T09:30:00+07:00",
            "2024-02-15T02:30:00Z",
            "2024-02-15T09:30:00",
            "2024-02-15 09:30:00",
            "2024-02-15T09:30",
            "2024-02-15T09:30:00.000+07:00",
        ] {
            assert_eq!(parse_time(raw, now), Ok(at), "{raw}");
        }
        for raw in [
            "",
            "15/02/2024 09:30",
            "2024-02-30T09:30:00",
            "1999-12-31T09:30:00",
            "2024-02-15T09:30:00+07:00 and then some more text",
            "yesterday",
        ] {
            assert_eq!(parse_time(raw, now).unwrap_err().0, "bad_time", "{raw}");
        }
        assert!(parse_time("2024-02-15T02:30:00Z", at - 86_400).is_ok());
        assert!(parse_time("2024-02-15T02:30:00Z", at - 86_401).is_err());
    }

    #[test]
    fn reporters_are_subscriber_numbers_in_e164() {
        for raw in [
            "0987654321",
            "+84 98 765 4321",
            "84987654321",
            "0084987654321",
        ] {
            assert_eq!(parse_reporter(raw).unwrap(), "+84987654321", "{raw}");
        }
        for raw in ["", "VIETTEL", "113", "156", "0999999", "098765432a"] {
            let (code, reason) = parse_reporter(raw).unwrap_err();
            assert_eq!(code, "bad_sender");
            assert!(raw.is_empty() || !reason.contains(raw), "{reason}");
        }
        assert_eq!(parse_hotline("156"), Ok(156));
        assert_eq!(parse_hotline("5656"), Ok(5656));
        assert!(parse_hotline("113").is_err());
    }
}
