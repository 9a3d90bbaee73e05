//! The audit log: a JSON line per decision that changed since the previous
//! aggregation, with its evidence counts and never a reporter, a summary
//! line per aggregation, and the digests that tell what changed.

use super::db::PublisherDb;
use super::incremental::Tally;
use super::report::{NotListed, Provenance};
use crate::error::Result;
use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One aggregation's part of the audit log: a line per decision that
/// changed since the previous aggregation, and a summary line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AuditCounts {
    /// Decisions logged: about a number not decided by the previous
    /// aggregation, or with another outcome or other evidence.
    pub changed: u64,
    /// Decisions as the previous aggregation made them, by kind (`listed`
    /// or the reason not to list): counted in the summary line only.
    pub unchanged: BTreeMap<&'static str, u64>,
    /// Numbers the previous aggregation decided and this one had nothing to
    /// decide about (every report older than `expire_days`, not listed):
    /// their last line stays their last word.
    pub no_longer_decided: u64,
    /// Lines written (the changed decisions and the summary), and their
    /// bytes.
    pub lines: u64,
    pub bytes: u64,
}

/// The lines of the audit log, of one aggregation or of all, in order.
pub fn audit_log(db: &PublisherDb, run: Option<i64>) -> Result<Vec<String>> {
    let mut stmt = db
        .conn
        .prepare("SELECT line FROM audit WHERE ?1 IS NULL OR run_id = ?1 ORDER BY id")?;
    let lines = stmt
        .query_map([run], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(lines)
}

/// The lines about one number (any written form), oldest first: the last
/// is the decision in force, unchanged by every aggregation since (their
/// summary lines count it).
pub fn audit_of(db: &PublisherDb, number: &str) -> Result<Vec<String>> {
    let n = crate::number::normalize(number)?;
    let key = n.e164.unwrap_or(n.national);
    let mut needle = String::from("\"number\":");
    json_str(&mut needle, &key);
    // A scan of the log: an auditor's question, not a publish's.
    let mut stmt = db
        .conn
        .prepare("SELECT line FROM audit WHERE instr(line, ?1) > 0 ORDER BY id")?;
    let lines = stmt
        .query_map([needle], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(lines)
}

/// An operator's decision about a number (`approved`, `rejected`) or a
/// dispute (`dispute_upheld`, …), as a line of the audit log under the
/// last publish: the decision is about what it showed. Before the first
/// publish it is logged under no run (`run` left out), never dropped.
pub(super) fn operator_line(
    tx: &Transaction,
    decision: &str,
    number: i64,
    dispute: Option<i64>,
    operator: &str,
    reason: &str,
    at: i64,
) -> Result<()> {
    let run: Option<i64> = tx.query_row("SELECT max(id) FROM publish_run", [], |r| r.get(0))?;
    #[derive(Serialize)]
    struct OperatorLine<'a> {
        #[serde(skip_serializing_if = "Option::is_none")]
        run: Option<i64>,
        operator_decision: &'a str,
        number: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        dispute: Option<i64>,
        operator: &'a str,
        reason: &'a str,
        at: i64,
    }
    let line = serde_json::to_string(&OperatorLine {
        run,
        operator_decision: decision,
        number: format!("+{number}"),
        dispute,
        operator,
        reason,
        at,
    })
    .expect("a decision serialises");
    tx.execute(
        "INSERT INTO audit (run_id, line) VALUES (?1, ?2)",
        params![run, line],
    )?;
    Ok(())
}

/// One line of the audit log: counts, days and the reported number; never
/// a reporter.
#[derive(Debug, Default, Serialize)]
pub(super) struct AuditLine {
    pub(super) run: i64,
    pub(super) as_of: String,
    /// What changed since the number's previous line: `new` (no previous
    /// decision), `decision` (the outcome: listed or why not, category,
    /// label, provenance) or `evidence` (the counts or days only).
    #[serde(skip_serializing_if = "str::is_empty")]
    pub(super) change: &'static str,
    pub(super) number: String,
    pub(super) decision: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) reason: Option<NotListed>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) provenance: Option<Provenance>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) category: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) label: Option<String>,
    pub(super) reporters: u32,
    pub(super) sources: u32,
    pub(super) peak_reporters: u32,
    pub(super) reports: u32,
    pub(super) scam_reports: u32,
    pub(super) nuisance_reports: u32,
    pub(super) sms_reports: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) first_report: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) last_report: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) disputed_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) new_reporters: Option<u32>,
    /// People who reported it and count for nothing: over a cap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) capped_reporters: Option<u32>,
}

impl AuditLine {
    /// The line as JSON, exactly as `serde_json` writes it (a test holds
    /// them equal), without escaping the keys and the values that need
    /// none: a publish formats one line per number decided.
    #[cfg(test)]
    pub(super) fn write_json(&self, out: &mut String) {
        self.write_head(out);
        self.write_body(out);
    }

    /// What is the run's, not the number's: `{"run":…,"as_of":…,"change":…,`.
    fn write_head(&self, out: &mut String) {
        use std::fmt::Write;
        // Writing to a String cannot fail.
        let _ = write!(out, "{{\"run\":{},\"as_of\":", self.run);
        json_str(out, &self.as_of);
        if !self.change.is_empty() {
            out.push_str(",\"change\":");
            json_str(out, self.change);
        }
        out.push(',');
    }

    /// The rest, from `"number"` to the closing brace: the decision, then
    /// its evidence, which starts at the returned offset into `out`.
    fn write_body(&self, out: &mut String) -> usize {
        use std::fmt::Write;
        out.push_str("\"number\":");
        json_str(out, &self.number);
        out.push_str(",\"decision\":");
        json_str(out, self.decision);
        if let Some(reason) = self.reason {
            out.push_str(",\"reason\":");
            json_str(out, reason.as_str());
        }
        if let Some(p) = &self.provenance {
            out.push_str(",\"provenance\":");
            out.push_str(&serde_json::to_string(p).expect("a provenance serialises"));
        }
        if let Some(c) = self.category {
            out.push_str(",\"category\":");
            json_str(out, c);
        }
        if let Some(l) = &self.label {
            out.push_str(",\"label\":");
            json_str(out, l);
        }
        let evidence = out.len();
        let _ = write!(
            out,
            ",\"reporters\":{},\"sources\":{},\"peak_reporters\":{},\"reports\":{},\
             \"scam_reports\":{},\"nuisance_reports\":{},\"sms_reports\":{}",
            self.reporters,
            self.sources,
            self.peak_reporters,
            self.reports,
            self.scam_reports,
            self.nuisance_reports,
            self.sms_reports
        );
        if let Some(d) = &self.first_report {
            out.push_str(",\"first_report\":");
            json_str(out, d);
        }
        if let Some(d) = &self.last_report {
            out.push_str(",\"last_report\":");
            json_str(out, d);
        }
        if let Some(at) = self.disputed_at {
            let _ = write!(out, ",\"disputed_at\":{at}");
        }
        if let Some(n) = self.new_reporters {
            let _ = write!(out, ",\"new_reporters\":{n}");
        }
        if let Some(n) = self.capped_reporters {
            let _ = write!(out, ",\"capped_reporters\":{n}");
        }
        out.push('}');
        evidence
    }
}

/// A number's last decision, as two digests of its audit line's body: the
/// outcome (up to the evidence) and the evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Digests {
    outcome: i64,
    evidence: i64,
}

impl Digests {
    /// Of a body as [`AuditLine::write_body`] writes it. The first 8 bytes
    /// of SHA-256: stable across builds and platforms (a digest that ever
    /// differed would only cost a line).
    fn of(body: &str, evidence: usize) -> Digests {
        let d = |part: &str| {
            let h = Sha256::digest(part.as_bytes());
            i64::from_le_bytes([h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]])
        };
        Digests {
            outcome: d(&body[..evidence]),
            evidence: d(&body[evidence..]),
        }
    }
}

/// A number's key in `decided`: its E.164 digits, or a short number.
#[derive(Clone)]
pub(super) enum Key {
    Number(i64),
    Short(String),
}

/// A number's last decision as stored: its digests, and what it added to
/// the publish report's counts (`None`: stored before version 8).
#[derive(Debug, Clone, Copy)]
pub(super) struct Stored {
    digests: Digests,
    tally: Option<Tally>,
}

/// The previous aggregation's decisions, taken out as this one decides
/// each number again: what is left was not decided again.
#[derive(Default)]
pub(super) struct Decided {
    numbers: HashMap<i64, Stored>,
    short: HashMap<String, Stored>,
}

impl Decided {
    pub(super) fn read(tx: &Transaction) -> Result<Decided> {
        let mut decided = Decided::default();
        let mut stmt = tx.prepare("SELECT number, outcome, evidence, tally FROM decided")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let d = Stored::from_row(r)?;
            if let rusqlite::types::ValueRef::Integer(n) = r.get_ref(0)? {
                decided.numbers.insert(n, d);
            } else {
                decided.short.insert(r.get(0)?, d);
            }
        }
        Ok(decided)
    }

    /// The decisions of some numbers only (an incremental decide);
    /// `None` when one of them has no tally.
    pub(super) fn read_keys(
        tx: &Transaction,
        numbers: &BTreeSet<i64>,
        short: &BTreeSet<String>,
    ) -> Result<Option<Decided>> {
        let mut decided = Decided::default();
        let mut stmt =
            tx.prepare("SELECT number, outcome, evidence, tally FROM decided WHERE number = ?1")?;
        for &n in numbers {
            if let Some(d) = stmt.query_row([n], Stored::from_row).optional()? {
                decided.numbers.insert(n, d);
            }
        }
        for s in short {
            if let Some(d) = stmt.query_row([s], Stored::from_row).optional()? {
                decided.short.insert(s.clone(), d);
            }
        }
        let whole = decided
            .numbers
            .values()
            .chain(decided.short.values())
            .all(|d| d.tally.is_some());
        Ok(whole.then_some(decided))
    }

    /// The tallies of the decisions read.
    pub(super) fn tallies(&self) -> impl Iterator<Item = &Tally> {
        self.numbers
            .values()
            .chain(self.short.values())
            .filter_map(|d| d.tally.as_ref())
    }

    pub(super) fn take(&mut self, key: &Key) -> Option<Stored> {
        match key {
            Key::Number(n) => self.numbers.remove(n),
            Key::Short(s) => self.short.remove(s),
        }
    }
}

impl Stored {
    fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Stored> {
        Ok(Stored {
            digests: Digests {
                outcome: r.get(1)?,
                evidence: r.get(2)?,
            },
            tally: r.get_ref(3)?.as_str_or_null()?.and_then(Tally::parse),
        })
    }
}

/// A JSON string: as it is when printable ASCII without `"` or `\`, else
/// as `serde_json` escapes it.
pub(super) fn json_str(out: &mut String, s: &str) {
    if s.bytes()
        .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
    {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        out.push_str(&serde_json::to_string(s).expect("a string serialises"));
    }
}

/// Lines per INSERT of the audit log.
pub(super) const AUDIT_BATCH: usize = 64;

/// Appends one aggregation's audit lines, in order, [`AUDIT_BATCH`] to a
/// statement (the first aggregation writes one line per number decided,
/// and running a statement per line costs as much again as inserting the
/// line), and keeps `decided` in step with them.
///
/// What is logged: a line for each decision that changed since the
/// previous aggregation (about a number it did not decide, or with another
/// outcome, or other evidence counts or days), so that the last line about
/// a number is always its decision in force with its evidence; and one
/// summary line per aggregation, last, with the unchanged decisions counted
/// by kind. The first aggregation logs every decision.
pub(super) struct AuditWriter<'t> {
    run: i64,
    one: rusqlite::Statement<'t>,
    batch: rusqlite::Statement<'t>,
    put: rusqlite::Statement<'t>,
    forget: rusqlite::Statement<'t>,
    /// The pending lines, one after another, and where each ends.
    json: String,
    ends: Vec<usize>,
    /// A body being digested.
    body: String,
    counts: AuditCounts,
}

impl<'t> AuditWriter<'t> {
    pub(super) fn new(tx: &'t Transaction, run: i64) -> Result<AuditWriter<'t>> {
        let values: Vec<String> = (0..AUDIT_BATCH)
            .map(|i| format!("(?1, ?{})", i + 2))
            .collect();
        Ok(AuditWriter {
            run,
            one: tx.prepare("INSERT INTO audit (run_id, line) VALUES (?1, ?2)")?,
            // Rows of a VALUES list are inserted in their order.
            batch: tx.prepare(&format!(
                "INSERT INTO audit (run_id, line) VALUES {}",
                values.join(", ")
            ))?,
            put: tx.prepare(
                "INSERT OR REPLACE INTO decided (number, outcome, evidence, tally) VALUES (?1, ?2, ?3, ?4)",
            )?,
            forget: tx.prepare("DELETE FROM decided WHERE number = ?1")?,
            json: String::new(),
            ends: Vec::with_capacity(AUDIT_BATCH),
            body: String::new(),
            counts: AuditCounts::default(),
        })
    }

    /// Logs `line` if it differs from the number's previous line in more
    /// than the run; `kind` names the decision in the summary. The stored
    /// decision is rewritten when its line or its tally changed.
    pub(super) fn decision(
        &mut self,
        key: Key,
        line: &mut AuditLine,
        kind: &'static str,
        tally: Tally,
        previous: &mut Decided,
    ) -> Result<()> {
        self.body.clear();
        let evidence = line.write_body(&mut self.body);
        let now = Digests::of(&self.body, evidence);
        let was = previous.take(&key);
        line.change = match was.map(|w| w.digests) {
            None => "new",
            Some(was) if was.outcome != now.outcome => "decision",
            Some(was) if was.evidence != now.evidence => "evidence",
            Some(_) => "",
        };
        if line.change.is_empty() && was.and_then(|w| w.tally) == Some(tally) {
            *self.counts.unchanged.entry(kind).or_default() += 1;
            return Ok(());
        }
        let tally = tally.to_text();
        match &key {
            Key::Number(n) => self
                .put
                .execute(params![n, now.outcome, now.evidence, tally])?,
            Key::Short(s) => self
                .put
                .execute(params![s, now.outcome, now.evidence, tally])?,
        };
        if line.change.is_empty() {
            // The same line, a tally stored anew (a database upgraded, or
            // another policy value behind the same outcome).
            *self.counts.unchanged.entry(kind).or_default() += 1;
            return Ok(());
        }
        self.counts.changed += 1;
        line.write_head(&mut self.json);
        self.json.push_str(&self.body);
        self.end_line()
    }

    /// Decisions not decided again (an incremental decide), counted as
    /// unchanged.
    pub(super) fn kept(&mut self, kind: &'static str, n: u64) {
        *self.counts.unchanged.entry(kind).or_default() += n;
    }

    /// The numbers decided before and not now leave `decided`; then the
    /// summary line, and the pending lines are written.
    pub(super) fn finish(&mut self, as_of: &str, previous: Decided) -> Result<AuditCounts> {
        for n in previous.numbers.keys() {
            self.forget.execute([n])?;
        }
        for s in previous.short.keys() {
            self.forget.execute([s])?;
        }
        self.counts.no_longer_decided = (previous.numbers.len() + previous.short.len()) as u64;
        #[derive(Serialize)]
        struct Summary<'c> {
            changed: u64,
            unchanged: &'c BTreeMap<&'static str, u64>,
            no_longer_decided: u64,
        }
        #[derive(Serialize)]
        struct SummaryLine<'c> {
            run: i64,
            as_of: &'c str,
            summary: Summary<'c>,
        }
        let line = SummaryLine {
            run: self.run,
            as_of,
            summary: Summary {
                changed: self.counts.changed,
                unchanged: &self.counts.unchanged,
                no_longer_decided: self.counts.no_longer_decided,
            },
        };
        let line = serde_json::to_string(&line).expect("a summary serialises");
        self.json.push_str(&line);
        self.end_line()?;
        self.flush()?;
        Ok(std::mem::take(&mut self.counts))
    }

    fn end_line(&mut self) -> Result<()> {
        let start = self.ends.last().copied().unwrap_or(0);
        self.counts.lines += 1;
        self.counts.bytes += (self.json.len() - start) as u64;
        self.ends.push(self.json.len());
        if self.ends.len() == AUDIT_BATCH {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the pending lines.
    fn flush(&mut self) -> Result<()> {
        let mut start = 0;
        let lines = self.ends.iter().map(|&end| {
            let line = &self.json[start..end];
            start = end;
            line
        });
        if self.ends.len() == AUDIT_BATCH {
            self.batch.raw_bind_parameter(1, self.run)?;
            for (i, line) in lines.enumerate() {
                self.batch.raw_bind_parameter(i + 2, line)?;
            }
            self.batch.raw_execute()?;
        } else {
            for line in lines {
                self.one.execute(params![self.run, line])?;
            }
        }
        self.json.clear();
        self.ends.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_lines_are_written_as_serde_json_writes_them() {
        let full = AuditLine {
            run: 7,
            as_of: "2026-11-27".into(),
            change: "evidence",
            number: "+84912345678".into(),
            decision: "listed",
            reason: None,
            provenance: Some(Provenance::Source {
                name: "Công an \"tỉnh\" \\ A".into(),
                url: None,
            }),
            category: Some("scam"),
            label: Some("mạo danh công an, tòa án\u{1}\n\u{7f}".into()),
            reporters: 3,
            sources: 1,
            peak_reporters: 3,
            reports: 12,
            scam_reports: 10,
            nuisance_reports: 2,
            sms_reports: 4,
            first_report: Some("2026-10-01".into()),
            last_report: Some("2026-11-27".into()),
            disputed_at: Some(-1_784_000_000),
            new_reporters: Some(0),
            capped_reporters: Some(2),
        };
        let mut lines = vec![AuditLine::default(), full];
        for reason in [
            NotListed::Protected,
            NotListed::ShortNumber,
            NotListed::SmsOnly,
            NotListed::Expired,
            NotListed::BelowThreshold,
            NotListed::Disputed,
            NotListed::Held,
            NotListed::Rejected,
        ] {
            lines.push(AuditLine {
                number: "113".into(),
                decision: "not_listed",
                reason: Some(reason),
                ..AuditLine::default()
            });
        }
        lines.push(AuditLine {
            provenance: Some(Provenance::Community),
            label: Some("a\"b".into()),
            ..AuditLine::default()
        });
        lines.push(AuditLine {
            provenance: Some(Provenance::Source {
                name: "x".into(),
                url: Some("https://example.com/a?b=\"c\"".into()),
            }),
            ..AuditLine::default()
        });
        for line in &lines {
            let mut mine = String::new();
            line.write_json(&mut mine);
            assert_eq!(mine, serde_json::to_string(line).unwrap());
        }
    }
}
