//! Reports and sources → the list, one decision per number; each decision
//! that changed since the previous aggregation is appended to the audit log
//! with its evidence counts (never a reporter), the others counted in the
//! run's summary line (see [`AuditWriter`]).
//!
//! The evidence of a number is what was reported about it in the last
//! `expire_days` before `as_of` (older reports are of a number that may
//! have been reassigned since): its LD and V reports, and the entries of
//! sources that are not official (each counted as one reporter). `S`
//! reports are counted, never listed. A number is listed when:
//! - it is not an emergency number, a hotline, a number of the protected
//!   set, or a number an official source marked `verified`; and
//! - an official source warned about it within `expire_days` (after its
//!   latest dispute, if any): listed without the threshold; or
//! - at least `min_reporters` distinct reporters reported it within some
//!   `window_days`-long period of its evidence (so it leaves the list
//!   `expire_days` after its last report), and, if it was disputed, at
//!   least `min_reporters` of them are new: they reported it after the
//!   dispute and never before it.
//!
//! Its category is the majority of its reports (LD scam, V nuisance; a tie
//! is scam), its label the scam pattern most of its contents name.

use super::db::PublisherDb;
use super::labels::{PATTERNS, majority_label, pattern_of};
use super::sources::Protected;
use crate::dates;
use crate::error::{Error, Result};
use crate::feed::codec::EntrySet;
use crate::model::{Category, Reported, Source, Target};
use crate::number::{EMERGENCY, HOTLINES};
use rusqlite::{OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::PathBuf;

pub const DEFAULT_MIN_REPORTERS: u32 = 3;
pub const DEFAULT_WINDOW_DAYS: u32 = 90;
pub const DEFAULT_EXPIRE_DAYS: u32 = 180;
/// Labels named in the publish report.
pub const TOP_LABELS: usize = 10;

/// The publisher's listing policy (`policy.toml`); every value may be left
/// out for its default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ListingPolicy {
    /// Distinct reporters a number needs within `window_days`.
    pub min_reporters: u32,
    pub window_days: u32,
    /// A number leaves the list when its last report is older than this.
    pub expire_days: u32,
    /// A CSV of numbers never listed (header `number`, see
    /// [`Protected::from_csv`]): read by the caller, which passes the set
    /// to [`aggregate`].
    pub protected: Option<PathBuf>,
    /// The guard (see `guard.rs`): a publish is refused when its list
    /// loses more than this percentage of the entries of the last publish,
    /// or of the list a day before,
    pub max_drop_percent: u32,
    /// or gains more than this percentage of them,
    pub max_gain_percent: u32,
    /// unless both lists are smaller than this.
    pub guard_min_entries: u32,
}

impl Default for ListingPolicy {
    fn default() -> Self {
        ListingPolicy {
            min_reporters: DEFAULT_MIN_REPORTERS,
            window_days: DEFAULT_WINDOW_DAYS,
            expire_days: DEFAULT_EXPIRE_DAYS,
            protected: None,
            max_drop_percent: super::guard::DEFAULT_MAX_DROP_PERCENT,
            max_gain_percent: super::guard::DEFAULT_MAX_GAIN_PERCENT,
            guard_min_entries: super::guard::DEFAULT_GUARD_MIN_ENTRIES,
        }
    }
}

impl ListingPolicy {
    /// Values that make sense: at least one reporter, periods of one day
    /// to ten years.
    pub fn check(&self) -> Result<()> {
        if !(1..=100_000).contains(&self.min_reporters) {
            return Err(Error::invalid(
                "min_reporters must be a whole number from 1 to 100000",
            ));
        }
        for (name, days) in [
            ("window_days", self.window_days),
            ("expire_days", self.expire_days),
        ] {
            if !(1..=3650).contains(&days) {
                return Err(Error::invalid(format!(
                    "{name} must be a whole number of days from 1 to 3650"
                )));
            }
        }
        super::guard::check_policy(self)
    }
}

/// Where a listed number's warning comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Provenance {
    /// Reports to the hotline (and sources that are not official).
    Community,
    /// An official source's notice.
    Source { name: String, url: Option<String> },
}

/// What a person needs to trust a warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// Distinct people who reported the number within `expire_days`.
    pub reporters: u32,
    /// The last report's (or notice's) day, days since 1970-01-01.
    pub last_day: i32,
    pub provenance: Provenance,
}

/// One number on the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedEntry {
    pub target: Target,
    pub reported: Reported,
    pub evidence: Evidence,
}

/// Why a number is not on the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotListed {
    /// An emergency number, a hotline, a protected or verified number.
    Protected,
    /// A number without an international form (a short code).
    ShortNumber,
    /// Reported by `S` (spam SMS) only.
    SmsOnly,
    /// No report within `expire_days`.
    Expired,
    /// Fewer than `min_reporters` distinct reporters within `window_days`.
    BelowThreshold,
    /// Disputed, and fewer than `min_reporters` new reporters since.
    Disputed,
}

impl NotListed {
    pub fn as_str(self) -> &'static str {
        match self {
            NotListed::Protected => "protected",
            NotListed::ShortNumber => "short_number",
            NotListed::SmsOnly => "sms_only",
            NotListed::Expired => "expired",
            NotListed::BelowThreshold => "below_threshold",
            NotListed::Disputed => "disputed",
        }
    }
}

/// A label and how many listed numbers carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LabelCount {
    pub label: String,
    pub numbers: u64,
}

/// The counts of a publish report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PublishCounts {
    /// Numbers decided: reported within `expire_days`, named by a source,
    /// or listed by the previous aggregation.
    pub numbers: u64,
    pub listed: u64,
    /// Of `listed`, those an official source listed.
    pub listed_by_source: u64,
    /// Of `listed`, organisation numbers an official source verified.
    pub verified: u64,
    /// Listed now and not by the previous aggregation.
    pub added: u64,
    /// Listed by the previous aggregation and not now.
    pub removed: u64,
    /// Listed by both, with another category or label.
    pub changed: u64,
    pub not_listed: BTreeMap<NotListed, u64>,
    /// Emergency numbers, hotlines and protected numbers reported within
    /// `expire_days`, and their reports.
    pub protected_numbers: u64,
    pub protected_reports: u64,
    /// LD and V reports within `expire_days`.
    pub call_reports: u64,
    /// S reports within `expire_days` (numbers and brand names).
    pub sms_reports: u64,
    /// The labels most listed numbers carry, most first.
    pub top_labels: Vec<LabelCount>,
    /// Lines rejected by the ingests since the previous aggregation, by
    /// reason code.
    pub rejected_input: BTreeMap<String, u64>,
    /// What this aggregation wrote into the audit log.
    pub audit: AuditCounts,
}

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

/// One aggregation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aggregate {
    /// Its number in the audit log.
    pub run: i64,
    pub as_of: i32,
    /// The list, by number.
    pub listed: Vec<ListedEntry>,
    /// Numbers listed now and not by the previous aggregation.
    pub added: Vec<i64>,
    /// Numbers listed by the previous aggregation and not now, and why.
    pub removed: Vec<(i64, NotListed)>,
    pub counts: PublishCounts,
}

impl Aggregate {
    /// The list as the feed publisher takes it.
    pub fn entry_set(&self) -> EntrySet {
        let mut set = EntrySet::default();
        for e in &self.listed {
            set.insert(e.target.clone(), e.reported.clone());
        }
        set
    }
}

/// Decides the list as of the Vietnamese calendar day `as_of` (days since
/// 1970-01-01; reports and disputes after it are not seen), and appends
/// every decision that changed to the audit log, in one transaction. A
/// publish goes through `publish::prepare_publish` instead, which guards
/// the list and commits only once the feed is written.
pub fn aggregate(
    db: &mut PublisherDb,
    policy: &ListingPolicy,
    protected: &Protected,
    as_of: i32,
) -> Result<Aggregate> {
    aggregate_at(db, policy, protected, as_of, dates::now_unix())
}

pub(crate) fn aggregate_at(
    db: &mut PublisherDb,
    policy: &ListingPolicy,
    protected: &Protected,
    as_of: i32,
    now: i64,
) -> Result<Aggregate> {
    let tx = db.transaction()?;
    let aggregate = aggregate_in(&tx, policy, protected, as_of, now)?;
    tx.commit()?;
    Ok(aggregate)
}

/// [`aggregate_at`] inside a transaction the caller commits: a publish
/// commits only once its guard passed and its feed is written.
pub(super) fn aggregate_in(
    tx: &Transaction,
    policy: &ListingPolicy,
    protected: &Protected,
    as_of: i32,
    now: i64,
) -> Result<Aggregate> {
    policy.check()?;
    if !(dates::MIN_DAY..=dates::day_of(now).saturating_add(1)).contains(&as_of) {
        return Err(Error::invalid(
            "the day to aggregate as of must be between 2000-01-01 and today",
        ));
    }
    let mut run = Run::start(tx, policy, protected, as_of, now)?;
    let window = run.window(tx)?;
    let mut audit = AuditWriter::new(tx, run.id)?;
    run.numbers(tx, &window.numbers, &mut audit)?;
    run.short_numbers(window.short, window.brands, &mut audit)?;
    run.summary(&mut audit)?;
    drop(audit);
    run.finish(tx)
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Ld,
    V,
    S,
}

/// One report about a number (or a non-official source's entry).
#[derive(Debug, Clone, Copy)]
struct Rep {
    day: i32,
    at: i64,
    /// A reporter's id; a non-official source's id, negated.
    reporter: i64,
    kind: Kind,
    pattern: Option<u8>,
}

struct SourceRow {
    source_id: i64,
    name: String,
    official: bool,
    url: Option<String>,
    category: &'static str,
    /// The notice's date, else the day the source was added.
    day: i32,
    label: Option<String>,
}

/// The reports of the window (see `Run::window`).
#[derive(Default)]
struct Window {
    /// About numbers, sorted by number, day and time.
    numbers: Vec<(i64, Rep)>,
    /// About numbers without an international form (113, 156, short
    /// codes), by number.
    short: BTreeMap<String, ShortTally>,
    /// S reports about brand names.
    brands: u64,
}

/// A short number's reports: LD, V and S, and the first and last day.
#[derive(Default)]
struct ShortTally {
    ld: u32,
    v: u32,
    s: u32,
    first: i32,
    last: i32,
}

fn kind_of(keyword: rusqlite::types::ValueRef) -> Kind {
    match keyword.as_bytes().unwrap_or_default() {
        b"LD" => Kind::Ld,
        b"V" => Kind::V,
        _ => Kind::S,
    }
}

/// Unix time of the start of a Vietnamese day.
fn start_of(day: i32) -> i64 {
    i64::from(day) * 86_400 - 7 * 3600
}

struct Decision {
    listed: Result<ListedEntry, NotListed>,
    line: AuditLine,
}

/// One line of the audit log: counts, days and the reported number; never
/// a reporter.
#[derive(Debug, Default, Serialize)]
struct AuditLine {
    run: i64,
    as_of: String,
    /// What changed since the number's previous line: `new` (no previous
    /// decision), `decision` (the outcome: listed or why not, category,
    /// label, provenance) or `evidence` (the counts or days only).
    #[serde(skip_serializing_if = "str::is_empty")]
    change: &'static str,
    number: String,
    decision: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<NotListed>,
    #[serde(skip_serializing_if = "Option::is_none")]
    provenance: Option<Provenance>,
    #[serde(skip_serializing_if = "Option::is_none")]
    category: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    reporters: u32,
    sources: u32,
    peak_reporters: u32,
    reports: u32,
    scam_reports: u32,
    nuisance_reports: u32,
    sms_reports: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_report: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_report: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    disputed_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    new_reporters: Option<u32>,
}

impl AuditLine {
    /// The line as JSON, exactly as `serde_json` writes it (a test holds
    /// them equal), without escaping the keys and the values that need
    /// none: a publish formats one line per number decided.
    #[cfg(test)]
    fn write_json(&self, out: &mut String) {
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
        out.push('}');
        evidence
    }
}

/// A number's last decision, as two digests of its audit line's body: the
/// outcome (up to the evidence) and the evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Digests {
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
enum Key {
    Number(i64),
    Short(String),
}

/// The previous aggregation's decisions, taken out as this one decides
/// each number again: what is left was not decided again.
#[derive(Default)]
struct Decided {
    numbers: HashMap<i64, Digests>,
    short: HashMap<String, Digests>,
}

impl Decided {
    fn read(tx: &Transaction) -> Result<Decided> {
        let mut decided = Decided::default();
        let mut stmt = tx.prepare("SELECT number, outcome, evidence FROM decided")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let d = Digests {
                outcome: r.get(1)?,
                evidence: r.get(2)?,
            };
            if let rusqlite::types::ValueRef::Integer(n) = r.get_ref(0)? {
                decided.numbers.insert(n, d);
            } else {
                decided.short.insert(r.get(0)?, d);
            }
        }
        Ok(decided)
    }

    fn take(&mut self, key: &Key) -> Option<Digests> {
        match key {
            Key::Number(n) => self.numbers.remove(n),
            Key::Short(s) => self.short.remove(s),
        }
    }
}

/// A JSON string: as it is when printable ASCII without `"` or `\`, else
/// as `serde_json` escapes it.
fn json_str(out: &mut String, s: &str) {
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
const AUDIT_BATCH: usize = 64;

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
struct AuditWriter<'t> {
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
    fn new(tx: &'t Transaction, run: i64) -> Result<AuditWriter<'t>> {
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
                "INSERT OR REPLACE INTO decided (number, outcome, evidence) VALUES (?1, ?2, ?3)",
            )?,
            forget: tx.prepare("DELETE FROM decided WHERE number = ?1")?,
            json: String::new(),
            ends: Vec::with_capacity(AUDIT_BATCH),
            body: String::new(),
            counts: AuditCounts::default(),
        })
    }

    /// Logs `line` if it differs from the number's previous line in more
    /// than the run; `kind` names the decision in the summary.
    fn decision(
        &mut self,
        key: Key,
        line: &mut AuditLine,
        kind: &'static str,
        previous: &mut Decided,
    ) -> Result<()> {
        self.body.clear();
        let evidence = line.write_body(&mut self.body);
        let now = Digests::of(&self.body, evidence);
        line.change = match previous.take(&key) {
            None => "new",
            Some(was) if was.outcome != now.outcome => "decision",
            Some(was) if was.evidence != now.evidence => "evidence",
            Some(_) => {
                *self.counts.unchanged.entry(kind).or_default() += 1;
                return Ok(());
            }
        };
        match &key {
            Key::Number(n) => self.put.execute(params![n, now.outcome, now.evidence])?,
            Key::Short(s) => self.put.execute(params![s, now.outcome, now.evidence])?,
        };
        self.counts.changed += 1;
        line.write_head(&mut self.json);
        self.json.push_str(&self.body);
        self.end_line()
    }

    /// The numbers decided before and not now leave `decided`; then the
    /// summary line, and the pending lines are written.
    fn finish(&mut self, as_of: &str, previous: Decided) -> Result<AuditCounts> {
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

/// A number as the previous aggregation listed it.
struct Previous {
    category: String,
    label: Option<String>,
    /// The run that listed it first (since when it has stayed listed).
    since: i64,
}

struct Run<'p> {
    id: i64,
    policy: &'p ListingPolicy,
    protected: &'p Protected,
    as_of: i32,
    /// The first day of evidence.
    horizon: i32,
    sources: BTreeMap<i64, Vec<SourceRow>>,
    /// The latest dispute of each number, up to the end of `as_of`.
    disputes: HashMap<i64, i64>,
    /// The list of the previous aggregation.
    previous: BTreeMap<i64, Previous>,
    /// Every decision of the previous aggregation, as digests.
    decided: Decided,
    listed: Vec<ListedEntry>,
    added: Vec<i64>,
    removed: Vec<(i64, NotListed)>,
    counts: PublishCounts,
    labels: HashMap<String, u64>,
    /// `YYYY-MM-DD` of each day from `horizon` to `as_of`: an audit line
    /// names two or three days, for every number decided.
    day_texts: Vec<String>,
}

impl<'p> Run<'p> {
    fn start(
        tx: &Transaction,
        policy: &'p ListingPolicy,
        protected: &'p Protected,
        as_of: i32,
        now: i64,
    ) -> Result<Run<'p>> {
        let last_ingest: i64 =
            tx.query_row("SELECT coalesce(max(id), 0) FROM ingest_run", [], |r| {
                r.get(0)
            })?;
        let previous_ingest: i64 = tx
            .query_row(
                "SELECT last_ingest FROM publish_run ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0);
        tx.execute(
            "INSERT INTO publish_run (at, as_of, policy, counts, last_ingest) VALUES (?1, ?2, ?3, '{}', ?4)",
            params![
                now,
                as_of,
                serde_json::to_string(policy).expect("a policy serialises"),
                last_ingest
            ],
        )?;
        let id = tx.last_insert_rowid();
        let mut counts = PublishCounts::default();
        let mut stmt = tx.prepare("SELECT rejected FROM ingest_run WHERE id > ?1")?;
        for json in stmt.query_map([previous_ingest], |r| r.get::<_, String>(0))? {
            let by_code: BTreeMap<String, u64> = serde_json::from_str(&json?).unwrap_or_default();
            for (code, n) in by_code {
                *counts.rejected_input.entry(code).or_default() += n;
            }
        }

        let mut sources: BTreeMap<i64, Vec<SourceRow>> = BTreeMap::new();
        let mut stmt = tx.prepare(
            "SELECT e.number, s.id, s.name, s.official, coalesce(e.source_url, s.url), e.category,
                    e.day, s.added_at, e.label
               FROM source_entry e JOIN source s ON s.id = e.source_id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let day = match r.get::<_, Option<i32>>(6)? {
                Some(day) => day,
                None => dates::day_of(r.get(7)?),
            };
            if day > as_of {
                continue;
            }
            let category = match r.get::<_, String>(5)?.as_str() {
                "scam" => "scam",
                "nuisance" => "nuisance",
                _ => "verified",
            };
            sources.entry(r.get(0)?).or_default().push(SourceRow {
                source_id: r.get(1)?,
                name: r.get(2)?,
                official: r.get(3)?,
                url: r.get(4)?,
                category,
                day,
                label: r.get(8)?,
            });
        }

        let disputes = tx
            .prepare(
                "SELECT number, max(disputed_at) FROM dispute WHERE disputed_at < ?1 GROUP BY number",
            )?
            .query_map([start_of(as_of.saturating_add(1))], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let previous = tx
            .prepare("SELECT number, category, label, since FROM listed")?
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    Previous {
                        category: r.get(1)?,
                        label: r.get(2)?,
                        since: r.get(3)?,
                    },
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let horizon = as_of.saturating_sub(policy.expire_days as i32);
        Ok(Run {
            id,
            policy,
            protected,
            as_of,
            horizon,
            sources,
            disputes,
            previous,
            decided: Decided::read(tx)?,
            listed: Vec::new(),
            added: Vec::new(),
            removed: Vec::new(),
            counts,
            labels: HashMap::new(),
            day_texts: (horizon..=as_of).map(dates::format_day).collect(),
        })
    }

    /// `YYYY-MM-DD` of a day.
    fn day_text(&self, day: i32) -> String {
        day.checked_sub(self.horizon)
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| self.day_texts.get(i))
            .cloned()
            .unwrap_or_else(|| dates::format_day(day))
    }

    /// Every number: its reports within `expire_days`, read in one pass
    /// and grouped by number in memory, merged with the numbers only a
    /// source or the previous list names.
    ///
    /// Reading them in number order through `report_by_number` instead
    /// costs one random table lookup per report (most of a publish at a
    /// million reports); the window's reports, 32 bytes each, are few
    /// enough to sort here. Older reports change a decision only through a
    /// dispute (who reported before it) and, for a number reported by SMS
    /// alone within the window, whether it was ever reported for a call:
    /// they are looked up, by the index, for those numbers only.
    fn numbers(
        &mut self,
        tx: &Transaction,
        recent: &[(i64, Rep)],
        audit: &mut AuditWriter,
    ) -> Result<()> {
        let mut older = tx.prepare(
            "SELECT day, received_at, reporter_id, keyword FROM report
              WHERE number = ?1 AND day < ?2",
        )?;
        // Numbers without reports that must be decided too.
        let mut others: BTreeSet<i64> = self.sources.keys().copied().collect();
        others.extend(self.previous.keys().copied());
        let mut reps: Vec<Rep> = Vec::new();
        for group in recent.chunk_by(|a, b| a.0 == b.0) {
            let n = group[0].0;
            while let Some(o) = others.first().copied().filter(|&o| o < n) {
                others.remove(&o);
                self.decide_and_record(o, &mut Vec::new(), audit)?;
            }
            others.remove(&n);
            reps.clear();
            reps.extend(group.iter().map(|&(_, r)| r));
            let calls = reps.iter().any(|r| r.kind != Kind::S);
            if !calls || self.disputes.contains_key(&n) {
                let mut rows = older.query(params![n, self.horizon])?;
                while let Some(r) = rows.next()? {
                    reps.push(Rep {
                        day: r.get(0)?,
                        at: r.get(1)?,
                        reporter: r.get(2)?,
                        kind: kind_of(r.get_ref(3)?),
                        pattern: None,
                    });
                }
            }
            self.decide_and_record(n, &mut reps, audit)?;
        }
        while let Some(o) = others.pop_first() {
            self.decide_and_record(o, &mut Vec::new(), audit)?;
        }
        Ok(())
    }

    /// The reports from `horizon` to `as_of`, in one pass: those about
    /// numbers each with the pattern its content names, sorted by number,
    /// day and time; those about short numbers and brand names counted.
    fn window(&self, tx: &Transaction) -> Result<Window> {
        // By day, the rows of the window only, in about the order they were
        // ingested; but when no report is older than the window, the whole
        // table in rowid order: the same rows, without a table lookup per
        // entry of the index.
        let oldest: Option<i32> = tx.query_row("SELECT min(day) FROM report", [], |r| r.get(0))?;
        let access = if oldest.is_none_or(|d| d >= self.horizon) {
            "NOT INDEXED"
        } else {
            "INDEXED BY report_by_day"
        };
        let mut stmt = tx.prepare(&format!(
            "SELECT number, short_number, day, received_at, reporter_id, keyword, content
               FROM report {access}
              WHERE day BETWEEN ?1 AND ?2"
        ))?;
        let mut rows = stmt.query(params![self.horizon, self.as_of])?;
        let mut window = Window::default();
        while let Some(r) = rows.next()? {
            let day: i32 = r.get(2)?;
            let kind = kind_of(r.get_ref(5)?);
            if let Some(number) = r.get(0)? {
                window.numbers.push((
                    number,
                    Rep {
                        day,
                        at: r.get(3)?,
                        reporter: r.get(4)?,
                        kind,
                        pattern: r.get_ref(6)?.as_str().ok().and_then(pattern_of),
                    },
                ));
            } else if let Ok(short) = r.get_ref(1)?.as_str() {
                let tally = match window.short.get_mut(short) {
                    Some(t) => t,
                    None => window.short.entry(short.to_string()).or_insert(ShortTally {
                        first: day,
                        last: day,
                        ..ShortTally::default()
                    }),
                };
                match kind {
                    Kind::Ld => tally.ld += 1,
                    Kind::V => tally.v += 1,
                    Kind::S => tally.s += 1,
                }
                tally.first = tally.first.min(day);
                tally.last = tally.last.max(day);
            } else {
                // The third kind of report (the table's CHECK): an S
                // report about a brand name.
                window.brands += 1;
            }
        }
        window
            .numbers
            .sort_unstable_by_key(|&(n, r)| (n, r.day, r.at));
        Ok(window)
    }

    fn decide_and_record(
        &mut self,
        number: i64,
        reps: &mut Vec<Rep>,
        audit: &mut AuditWriter,
    ) -> Result<()> {
        let Some(decision) = self.decide(number, reps) else {
            return Ok(());
        };
        let was = self.previous.get(&number);
        match (&decision.listed, was) {
            (Ok(_), None) => {
                self.added.push(number);
                self.counts.added += 1;
            }
            (Ok(entry), Some(was)) => {
                if entry.reported.category.as_str() != was.category
                    || entry.reported.label != was.label
                {
                    self.counts.changed += 1;
                }
            }
            (Err(reason), Some(_)) => {
                self.removed.push((number, *reason));
                self.counts.removed += 1;
            }
            (Err(_), None) => {}
        }
        self.record(Key::Number(number), decision, audit)
    }

    fn record(&mut self, key: Key, decision: Decision, audit: &mut AuditWriter) -> Result<()> {
        let mut line = decision.line;
        line.run = self.id;
        line.as_of = self.day_text(self.as_of);
        self.counts.numbers += 1;
        self.counts.call_reports += u64::from(line.reports - line.sources);
        self.counts.sms_reports += u64::from(line.sms_reports);
        let kind = match decision.listed {
            Ok(entry) => {
                line.decision = "listed";
                line.provenance = Some(entry.evidence.provenance.clone());
                line.category = Some(entry.reported.category.as_str());
                line.label.clone_from(&entry.reported.label);
                self.counts.listed += 1;
                if entry.reported.category == Category::Verified {
                    self.counts.verified += 1;
                }
                if matches!(entry.evidence.provenance, Provenance::Source { .. }) {
                    self.counts.listed_by_source += 1;
                }
                if let Some(l) = &entry.reported.label {
                    *self.labels.entry(l.clone()).or_default() += 1;
                }
                self.listed.push(entry);
                "listed"
            }
            Err(reason) => {
                line.decision = "not_listed";
                line.reason = Some(reason);
                *self.counts.not_listed.entry(reason).or_default() += 1;
                if reason == NotListed::Protected {
                    self.counts.protected_numbers += 1;
                    self.counts.protected_reports +=
                        u64::from(line.reports - line.sources + line.sms_reports);
                }
                reason.as_str()
            }
        };
        audit.decision(key, &mut line, kind, &mut self.decided)
    }

    /// The audit log's summary line, and `decided` left as this
    /// aggregation decided.
    fn summary(&mut self, audit: &mut AuditWriter) -> Result<()> {
        let as_of = self.day_text(self.as_of);
        self.counts.audit = audit.finish(&as_of, std::mem::take(&mut self.decided))?;
        Ok(())
    }

    /// The decision about one number, from its reports (all of them up to
    /// `as_of`, in any order); `None` when there is nothing to decide.
    fn decide(&self, number: i64, reps: &mut Vec<Rep>) -> Option<Decision> {
        let no_sources = Vec::new();
        let sources = self.sources.get(&number).unwrap_or(&no_sources);
        // Entries of sources that are not official: one reporter each.
        for s in sources.iter().filter(|s| !s.official) {
            let kind = if s.category == "nuisance" {
                Kind::V
            } else {
                Kind::Ld
            };
            reps.push(Rep {
                day: s.day,
                at: start_of(s.day),
                reporter: -s.source_id,
                kind,
                pattern: s.label.as_deref().and_then(pattern_of),
            });
        }
        reps.sort_unstable_by_key(|r| (r.day, r.at));
        let in_horizon = |r: &&Rep| r.day >= self.horizon;
        let evidence: Vec<Rep> = reps
            .iter()
            .filter(in_horizon)
            .filter(|r| r.kind != Kind::S)
            .copied()
            .collect();
        let sms = reps
            .iter()
            .filter(in_horizon)
            .filter(|r| r.kind == Kind::S)
            .count();
        let was_listed = self.previous.contains_key(&number);
        if evidence.is_empty() && sms == 0 && !was_listed && sources.is_empty() {
            return None;
        }

        let mut line = AuditLine {
            number: format!("+{number}"),
            ..AuditLine::default()
        };
        let people: HashSet<i64> = evidence.iter().map(|r| r.reporter).collect();
        line.reporters = people.iter().filter(|&&r| r > 0).count() as u32;
        line.sources = (people.len() as u32).saturating_sub(line.reporters);
        line.reports = evidence.len() as u32;
        line.scam_reports = evidence.iter().filter(|r| r.kind == Kind::Ld).count() as u32;
        line.nuisance_reports = line.reports - line.scam_reports;
        line.sms_reports = sms as u32;
        line.first_report = evidence.first().map(|r| self.day_text(r.day));
        let last_day = evidence.last().map(|r| r.day);
        line.last_report = last_day.map(|d| self.day_text(d));

        let min = self.policy.min_reporters as usize;
        line.peak_reporters = if people.len() >= min {
            peak(&evidence, self.policy.window_days as i32) as u32
        } else {
            people.len() as u32
        };
        let dispute = self.disputes.get(&number).copied();
        let new_reporters = dispute.map(|at| {
            let before: HashSet<i64> = reps
                .iter()
                .filter(|r| r.kind != Kind::S && r.at <= at)
                .map(|r| r.reporter)
                .collect();
            let new: HashSet<i64> = evidence
                .iter()
                .filter(|r| r.at > at && !before.contains(&r.reporter))
                .map(|r| r.reporter)
                .collect();
            new.len() as u32
        });
        line.disputed_at = dispute;
        line.new_reporters = new_reporters;

        // The latest official word that the number is an organisation's own.
        let verified = sources
            .iter()
            .filter(|s| s.official && s.category == "verified" && s.label.is_some())
            .max_by(|a, b| a.day.cmp(&b.day).then_with(|| b.name.cmp(&a.name)));
        let official = sources
            .iter()
            .filter(|s| s.official && s.category != "verified" && s.day >= self.horizon)
            .filter(|s| dispute.is_none_or(|at| s.day > dates::day_of(at)))
            .max_by(|a, b| a.day.cmp(&b.day).then_with(|| b.name.cmp(&a.name)));

        let mut patterns = [0u32; PATTERNS.len()];
        for r in &evidence {
            if let Some(p) = r.pattern {
                patterns[usize::from(p)] += 1;
            }
        }
        let community_label = majority_label(&patterns).map(str::to_string);
        let majority = if line.scam_reports >= line.nuisance_reports {
            Category::Scam
        } else {
            Category::Nuisance
        };

        let listed = if let Some(v) = verified {
            // Listed as what it is: phones that allow this feed to verify
            // say "a verified number" with the organisation's name.
            Ok(ListedEntry {
                target: Target::Number(number),
                reported: Reported {
                    category: Category::Verified,
                    reports: 1,
                    last_reported: Some(v.day),
                    label: v.label.clone(),
                    reporters: None,
                    source: Some(Source {
                        name: v.name.clone(),
                        url: v.url.clone(),
                    }),
                },
                evidence: Evidence {
                    reporters: 0,
                    last_day: v.day,
                    provenance: Provenance::Source {
                        name: v.name.clone(),
                        url: v.url.clone(),
                    },
                },
            })
        } else if self.protected.contains(number) {
            Err(NotListed::Protected)
        } else if let Some(s) = official {
            Ok(ListedEntry {
                target: Target::Number(number),
                reported: Reported {
                    category: if s.category == "nuisance" {
                        Category::Nuisance
                    } else {
                        Category::Scam
                    },
                    reports: line.reports.max(1),
                    last_reported: Some(last_day.map_or(s.day, |d| d.max(s.day))),
                    label: s.label.clone().or(community_label),
                    reporters: (line.reporters > 0)
                        .then_some(line.reporters.min(line.reports.max(1))),
                    source: Some(Source {
                        name: s.name.clone(),
                        url: s.url.clone(),
                    }),
                },
                evidence: Evidence {
                    reporters: line.reporters,
                    last_day: last_day.map_or(s.day, |d| d.max(s.day)),
                    provenance: Provenance::Source {
                        name: s.name.clone(),
                        url: s.url.clone(),
                    },
                },
            })
        } else if evidence.is_empty() {
            let ever = reps.iter().any(|r| r.kind != Kind::S);
            if sms > 0 && !ever {
                Err(NotListed::SmsOnly)
            } else {
                Err(NotListed::Expired)
            }
        } else if (line.peak_reporters as usize) < min {
            Err(NotListed::BelowThreshold)
        } else if new_reporters.is_some_and(|n| (n as usize) < min) {
            Err(NotListed::Disputed)
        } else {
            let last = last_day.expect("evidence is not empty");
            Ok(ListedEntry {
                target: Target::Number(number),
                reported: Reported {
                    category: majority,
                    reports: line.reports,
                    last_reported: Some(last),
                    label: community_label,
                    // Never more than the reports they made (the feed's rule).
                    reporters: Some(line.reporters.clamp(1, line.reports.max(1))),
                    source: None,
                },
                evidence: Evidence {
                    reporters: line.reporters,
                    last_day: last,
                    provenance: Provenance::Community,
                },
            })
        };
        Some(Decision { listed, line })
    }

    /// Numbers without an international form (113, 156, short codes):
    /// never listed, counted.
    fn short_numbers(
        &mut self,
        short: BTreeMap<String, ShortTally>,
        brands: u64,
        audit: &mut AuditWriter,
    ) -> Result<()> {
        for (short, t) in short {
            let protected =
                EMERGENCY.contains(&short.as_str()) || HOTLINES.contains(&short.as_str());
            let line = AuditLine {
                number: short.clone(),
                reports: t.ld + t.v,
                scam_reports: t.ld,
                nuisance_reports: t.v,
                sms_reports: t.s,
                first_report: Some(self.day_text(t.first)),
                last_report: Some(self.day_text(t.last)),
                ..AuditLine::default()
            };
            let reason = if protected {
                NotListed::Protected
            } else {
                NotListed::ShortNumber
            };
            self.record(
                Key::Short(short),
                Decision {
                    listed: Err(reason),
                    line,
                },
                audit,
            )?;
        }
        // S reports about brand names: counted only.
        self.counts.sms_reports += brands;
        Ok(())
    }

    /// The publish report's last counts, the list kept for the next
    /// aggregation, and the run's counts saved.
    fn finish(mut self, tx: &Transaction) -> Result<Aggregate> {
        let mut labels: Vec<(String, u64)> = self.labels.drain().collect();
        labels.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        self.counts.top_labels = labels
            .into_iter()
            .take(TOP_LABELS)
            .map(|(label, numbers)| LabelCount { label, numbers })
            .collect();
        // The list kept for the next aggregation: only what changed is
        // written (most of the list stays as it was from one day to the next).
        {
            let mut forget = tx.prepare("DELETE FROM listed WHERE number = ?1")?;
            for (n, _) in &self.removed {
                forget.execute([n])?;
            }
            let mut put = tx.prepare(
                "INSERT OR REPLACE INTO listed (number, category, label, since) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for e in &self.listed {
                if let Target::Number(n) = e.target {
                    let category = e.reported.category.as_str();
                    let since = match self.previous.get(&n) {
                        Some(p) if p.category == category && p.label == e.reported.label => {
                            continue;
                        }
                        Some(p) => p.since,
                        None => self.id,
                    };
                    put.execute(params![n, category, e.reported.label, since])?;
                }
            }
        }
        tx.execute(
            "UPDATE publish_run SET counts = ?1 WHERE id = ?2",
            params![
                serde_json::to_string(&self.counts).expect("counts serialise"),
                self.id
            ],
        )?;
        Ok(Aggregate {
            run: self.id,
            as_of: self.as_of,
            listed: self.listed,
            added: self.added,
            removed: self.removed,
            counts: self.counts,
        })
    }
}

/// The most distinct reporters within any `window` consecutive days of
/// `reps` (sorted by day).
fn peak(reps: &[Rep], window: i32) -> usize {
    let mut counts: HashMap<i64, u32> = HashMap::new();
    let mut lo = 0;
    let mut best = 0;
    for (hi, r) in reps.iter().enumerate() {
        *counts.entry(r.reporter).or_default() += 1;
        while reps[lo].day <= r.day - window {
            let gone = reps[lo].reporter;
            if let Some(c) = counts.get_mut(&gone) {
                *c -= 1;
                if *c == 0 {
                    counts.remove(&gone);
                }
            }
            lo += 1;
        }
        debug_assert!(lo <= hi);
        best = best.max(counts.len());
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rep(day: i32, reporter: i64) -> Rep {
        Rep {
            day,
            at: start_of(day),
            reporter,
            kind: Kind::Ld,
            pattern: None,
        }
    }

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
        };
        let mut lines = vec![AuditLine::default(), full];
        for reason in [
            NotListed::Protected,
            NotListed::ShortNumber,
            NotListed::SmsOnly,
            NotListed::Expired,
            NotListed::BelowThreshold,
            NotListed::Disputed,
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

    #[test]
    fn the_peak_counts_distinct_reporters_within_a_window() {
        let reps = [rep(0, 1), rep(10, 1), rep(50, 2), rep(95, 3), rep(100, 4)];
        // Days 10..=99 hold 1, 2, 3; days 11..=100 hold 2, 3, 4.
        assert_eq!(peak(&reps, 90), 3);
        assert_eq!(peak(&reps, 40), 2);
        assert_eq!(peak(&reps, 1), 1);
        assert_eq!(peak(&reps, 1000), 4);
        assert_eq!(peak(&[], 90), 0);
    }

    #[test]
    fn the_policy_has_defaults_and_bounds() {
        let p: ListingPolicy = serde_json::from_str("{}").unwrap();
        assert_eq!(p, ListingPolicy::default());
        assert_eq!(
            (p.min_reporters, p.window_days, p.expire_days),
            (3, 90, 180)
        );
        let p: ListingPolicy =
            serde_json::from_str(r#"{"min_reporters": 5, "protected": "protected.csv"}"#).unwrap();
        assert_eq!(p.min_reporters, 5);
        assert_eq!(p.window_days, 90);
        assert_eq!(
            p.protected.as_deref(),
            Some(std::path::Path::new("protected.csv"))
        );
        assert!(serde_json::from_str::<ListingPolicy>(r#"{"min_reporter": 5}"#).is_err());
        p.check().unwrap();
        for bad in [
            ListingPolicy {
                min_reporters: 0,
                ..ListingPolicy::default()
            },
            ListingPolicy {
                window_days: 0,
                ..ListingPolicy::default()
            },
            ListingPolicy {
                expire_days: 100_000,
                ..ListingPolicy::default()
            },
        ] {
            assert!(bad.check().is_err(), "{bad:?}");
        }
    }
}
