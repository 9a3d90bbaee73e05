//! The hotline inbox export, or what a gateway POSTs to `reports serve`,
//! → the publisher database: both take the one path (`Ingester`), so the
//! same rules fill the same tables.
//!
//! The export (RFC 4180 CSV or JSON Lines, `read`) gives each message's
//! time, sender, hotline (`156` or `5656`), body and, optionally, the
//! gateway's own id. Every message is ingested, found to be a duplicate of
//! a message already there (the same time, sender and body, or the same
//! gateway id), or rejected by its line number with a reason that starts
//! with a stable code (`bad_time`, `bad_sender`, `sender_not_mobile`,
//! `sender_is_reported_number`, `bad_to`, `bad_message_id`, `bad_csv`,
//! `bad_json`, `too_long`, or one of [`RefusedSms::CODES`]). The whole
//! file goes in one transaction: a file that cannot be read whole adds
//! nothing.
//!
//! A report against an emergency number or a hotline (`LD 113 …`) is
//! kept, though `parse_body` refuses it: it is never listed, and the
//! publish report counts it.
//!
//! What an ingest says is bounded whatever the file: counts by reason,
//! and only the first [`SHOWN_PER_REASON`] rejected lines of each reason.

use super::db::{Hash, Hasher, PublisherDb};
use super::read::{Batch, InboxFormat, InboxMessage, Message, Rejection, read_inbox};
use super::reporter::{AllowedSenders, reporter, reports_itself};
use super::{RefusedSms, Sender, parse_body};
use crate::csv_lines::coded;
use crate::dates;
use crate::error::{Error, Result};
use crate::import::RejectedRow;
use crate::number::PhoneNumber;
use rusqlite::{Connection, OptionalExtension, Statement, Transaction, params};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use time::format_description::well_known::{Iso8601, Rfc3339};
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// Longest `received_at` looked at.
const MAX_TIME_CHARS: usize = 40;
/// Longest gateway message id kept (as its keyed hash).
pub const MAX_MESSAGE_ID_CHARS: usize = 200;
/// Rejected lines kept of each reason: enough to find what went wrong in
/// an export, never a million-line list.
pub const SHOWN_PER_REASON: u64 = 20;

/// How to read an export.
#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    pub format: InboxFormat,
    /// Numbers that count as reporters though they are not Vietnamese
    /// mobile numbers.
    pub allowed_senders: AllowedSenders,
}

/// What one ingested file did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IngestSummary {
    /// Messages read (blank lines are not counted).
    pub rows: u64,
    /// Messages added.
    pub ingested: u64,
    /// Messages already in the database (or earlier in the same file).
    pub duplicates: u64,
    /// Messages rejected: `rows = ingested + duplicates + rejected`.
    pub rejected: u64,
    /// The rejected messages counted by reason code.
    pub rejected_by_reason: BTreeMap<&'static str, u64>,
    /// The first [`SHOWN_PER_REASON`] rejected messages of each reason, in
    /// the file's order.
    pub rejected_rows: Vec<RejectedRow>,
}

impl IngestSummary {
    fn reject(&mut self, line: u64, (code, reason): Rejection) {
        self.rejected += 1;
        let seen = self.rejected_by_reason.entry(code).or_default();
        *seen += 1;
        if *seen <= SHOWN_PER_REASON {
            self.rejected_rows.push(RejectedRow { line, reason });
        }
    }
}

/// What became of one message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    /// Added to the database.
    Accepted,
    /// Already there (the same gateway id, or the same time, sender and
    /// body): counted once.
    Duplicate,
    /// Not a report, with its stable code and the reason in words (which
    /// never repeats what was written).
    Rejected { code: &'static str, reason: String },
}

impl IngestSummary {
    fn count(&mut self, line: u64, outcome: Outcome) {
        self.rows += 1;
        match outcome {
            Outcome::Accepted => self.ingested += 1,
            Outcome::Duplicate => self.duplicates += 1,
            Outcome::Rejected { code, reason } => self.reject(line, (code, reason)),
        }
    }
}

/// Ingests an inbox export. A wrong header, broken CSV quoting or a read
/// error is an error and adds nothing. Ingesting the same file again adds
/// nothing.
pub fn ingest(
    db: &mut PublisherDb,
    input: impl Read,
    options: &IngestOptions,
) -> Result<IngestSummary> {
    ingest_at(db, input, options, dates::now_unix())
}

/// [`ingest`] with the present time given (times after `now` plus one day
/// are refused).
pub(crate) fn ingest_at(
    db: &mut PublisherDb,
    input: impl Read,
    options: &IngestOptions,
    now: i64,
) -> Result<IngestSummary> {
    let hasher = db.hasher()?;
    let tx = db.transaction()?;
    let mut summary = IngestSummary::default();
    {
        let mut ingester = Ingester::new(&tx, &hasher, &options.allowed_senders, now)?;
        read_inbox(input, options.format, |line, msg| {
            let outcome = ingester.add(msg, None)?;
            summary.count(line, outcome);
            Ok(())
        })?;
    }
    tx.execute(
        "INSERT INTO ingest_run (at, rows, ingested, duplicates, rejected) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            now,
            summary.rows as i64,
            summary.ingested as i64,
            summary.duplicates as i64,
            serde_json::to_string(&summary.rejected_by_reason).expect("counts serialise"),
        ],
    )?;
    tx.commit()?;
    Ok(summary)
}

/// Ingests what gateways POSTed (`serve`), each batch under the name of
/// the gateway that sent it, all in one transaction (one commit for
/// whatever arrived together): the outcome of each message, batch by
/// batch, once committed. The same rules as a file's, in the same tables;
/// the counts go to one `ingest_run` row per gateway between two
/// publishes, so that a server running for months adds a row per publish,
/// not per commit.
pub fn ingest_batches(
    db: &mut PublisherDb,
    batches: &[(&str, &Batch)],
    options: &IngestOptions,
) -> Result<Vec<Vec<Outcome>>> {
    let now = dates::now_unix();
    let hasher = db.hasher()?;
    let tx = db.transaction()?;
    let mut outcomes = Vec::with_capacity(batches.len());
    let mut by_gateway: BTreeMap<&str, IngestSummary> = BTreeMap::new();
    {
        let mut ingester = Ingester::new(&tx, &hasher, &options.allowed_senders, now)?;
        for &(gateway, batch) in batches {
            let summary = by_gateway.entry(gateway).or_default();
            let mut these = Vec::with_capacity(batch.items.len());
            for item in &batch.items {
                let msg = item
                    .as_ref()
                    .map(InboxMessage::message)
                    .map_err(Clone::clone);
                let outcome = ingester.add(msg, Some(gateway))?;
                summary.count(0, outcome.clone());
                these.push(outcome);
            }
            outcomes.push(these);
        }
    }
    for (gateway, summary) in by_gateway {
        add_to_run(&tx, now, gateway, &summary)?;
    }
    tx.commit()?;
    Ok(outcomes)
}

/// Adds a commit's counts to the gateway's `ingest_run` row that no
/// publish has read yet, or starts one.
fn add_to_run(tx: &Transaction, now: i64, gateway: &str, s: &IngestSummary) -> Result<()> {
    let open: Option<(i64, String)> = tx
        .query_row(
            "SELECT id, rejected FROM ingest_run
              WHERE gateway = ?1
                AND id > (SELECT coalesce(max(last_ingest), 0) FROM publish_run)
              ORDER BY id DESC LIMIT 1",
            [gateway],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let mut rejected: BTreeMap<String, u64> = s
        .rejected_by_reason
        .iter()
        .map(|(code, n)| (code.to_string(), *n))
        .collect();
    let counts = [s.rows as i64, s.ingested as i64, s.duplicates as i64];
    match open {
        Some((id, before)) => {
            let before: BTreeMap<String, u64> = serde_json::from_str(&before).unwrap_or_default();
            for (code, n) in before {
                *rejected.entry(code).or_default() += n;
            }
            tx.execute(
                "UPDATE ingest_run SET at = ?2, rows = rows + ?3, ingested = ingested + ?4,
                        duplicates = duplicates + ?5, rejected = ?6 WHERE id = ?1",
                params![
                    id,
                    now,
                    counts[0],
                    counts[1],
                    counts[2],
                    serde_json::to_string(&rejected).expect("counts serialise")
                ],
            )?;
        }
        None => {
            tx.execute(
                "INSERT INTO ingest_run (at, rows, ingested, duplicates, rejected, gateway)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    now,
                    counts[0],
                    counts[1],
                    counts[2],
                    serde_json::to_string(&rejected).expect("counts serialise"),
                    gateway
                ],
            )?;
        }
    }
    Ok(())
}

/// Writes messages into `report` inside a transaction: the one path every
/// message takes, whoever read it (a file, a POST).
struct Ingester<'c> {
    conn: &'c Connection,
    hasher: &'c Hasher,
    allowed: &'c AllowedSenders,
    now: i64,
    _checks: ChecksOff<'c>,
    reporters: HashMap<Hash, i64>,
    find_reporter: Statement<'c>,
    add_reporter: Statement<'c>,
    add_report: Statement<'c>,
}

impl<'c> Ingester<'c> {
    fn new(
        conn: &'c Connection,
        hasher: &'c Hasher,
        allowed: &'c AllowedSenders,
        now: i64,
    ) -> Result<Ingester<'c>> {
        // `report`'s CHECKs test `keyword` and `category` against lists of
        // text, which SQLite does by building a temporary index for every
        // row it inserts: a fifth of a million-line ingest. Here they are
        // off, and the same conditions are tested on each row in Rust
        // (`Row::check`) before it is written; every other write keeps them.
        let checks = ChecksOff::new(conn)?;
        Ok(Ingester {
            conn,
            hasher,
            allowed,
            now,
            _checks: checks,
            reporters: HashMap::new(),
            find_reporter: conn.prepare("SELECT id FROM reporter WHERE hash = ?1")?,
            // Added first, looked up only if there already: in a large
            // inbox most reporters are new, and one lookup less each.
            add_reporter: conn
                .prepare("INSERT INTO reporter (hash) VALUES (?1) ON CONFLICT (hash) DO NOTHING")?,
            // Without a target, DO NOTHING covers both `uniq` and `message_id`.
            add_report: conn.prepare(
                "INSERT INTO report (uniq, received_at, day, reporter_id, hotline, keyword,
                                     number, short_number, sender_id, content, category,
                                     message_id, gateway)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
                 ON CONFLICT DO NOTHING",
            )?,
        })
    }

    /// One message, or why it is not one; `gateway`: who POSTed it.
    fn add(
        &mut self,
        msg: std::result::Result<Message<'_>, Rejection>,
        gateway: Option<&str>,
    ) -> Result<Outcome> {
        let row = match msg.and_then(|m| read_row(&m, self.now, self.hasher, self.allowed)) {
            Ok(row) => row,
            Err((code, reason)) => return Ok(Outcome::Rejected { code, reason }),
        };
        row.check()?;
        let hash = row.reporter;
        let reporter_id = match self.reporters.get(&hash) {
            Some(&id) => id,
            None => {
                let id = if self.add_reporter.execute([&hash[..]])? == 1 {
                    self.conn.last_insert_rowid()
                } else {
                    self.find_reporter.query_row([&hash[..]], |r| r.get(0))?
                };
                self.reporters.insert(hash, id);
                id
            }
        };
        let added = self.add_report.execute(params![
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
            row.message_id.as_ref().map(|h| &h[..]),
            gateway,
        ])?;
        Ok(if added == 1 {
            Outcome::Accepted
        } else {
            Outcome::Duplicate
        })
    }
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
    /// The gateway's id of the message, keyed.
    message_id: Option<Hash>,
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

fn read_row(
    msg: &Message,
    now: i64,
    hasher: &Hasher,
    allowed: &AllowedSenders,
) -> std::result::Result<Row, Rejection> {
    let received_at = parse_time(msg.received_at, now)?;
    let sender = reporter(msg.sender, allowed)?;
    let hotline = parse_hotline(msg.to)?;
    let message_id = msg.message_id.map(parse_message_id).transpose()?;
    let body = msg.body;
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
    if let Some(rejection) = reports_itself(&sender, number) {
        return Err(rejection);
    }
    let reporter = hasher.reporter(&sender);
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
        message_id: message_id.map(|id| hasher.message_id(id)),
    })
}

fn parse_message_id(raw: &str) -> std::result::Result<&str, Rejection> {
    if raw.chars().count() > MAX_MESSAGE_ID_CHARS {
        return Err((
            "bad_message_id",
            coded(
                "bad_message_id",
                format!("message_id is longer than {MAX_MESSAGE_ID_CHARS} characters"),
            ),
        ));
    }
    Ok(raw)
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
    fn hotlines_are_156_and_5656() {
        assert_eq!(parse_hotline("156"), Ok(156));
        assert_eq!(parse_hotline("5656"), Ok(5656));
        assert!(parse_hotline("113").is_err());
    }
}
