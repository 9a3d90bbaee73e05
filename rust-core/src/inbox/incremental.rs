//! The incremental decide (issue 20): which numbers a publish must decide
//! again, and what the last publish left so that it need not decide the
//! rest. A publish every few minutes adds a hundred reports to a list of
//! a million numbers; deciding every number again costs seconds, deciding
//! the few whose evidence changed costs milliseconds.
//!
//! A number's decision depends on its reports within `expire_days`
//! (each counted unless its sender went over a cap, `abuse`), the sources'
//! entries about it, its disputes, an operator's word, and the policy and
//! protected numbers. So a number is decided again when:
//! - a report about it came in since the last publish, or one entered or
//!   left the window because `--as-of` moved on by a day;
//! - a sender of such a report reported it: the report may have put that
//!   sender over a cap, or under one, for every number in the window;
//! - it has a dispute, or a row in the review queue (an operator's work:
//!   few), or the last publish forgot an operator's decision about it;
//! - a source's entry about it entered or left the window;
//! - the last publish took it off the list (without evidence, a number
//!   not listed before is not decided at all).
//!
//! Everything else keeps its stored decision: its listing (`listed`), its
//! digests and its part of the publish report's counts (`decided.tally`),
//! and the totals of those parts (`publish_run.decide`), with the counts
//! read off the list ([`ListTotals`]). Neither the whole list nor every
//! source entry is read: a change to any source is known by a count the
//! database keeps (`source_stamp`). The decide is full, and says why,
//! whenever that cannot be trusted: no stored state
//! (the first publish, an upgraded database), another policy, protected
//! set or sources, `--as-of` more than a day on, or stored state that does
//! not add up.

use super::abuse::{Caps, cap_senders};
use super::audit::Decided;
use super::evidence::{Kind, Rep, Window, kind_of, source_numbers_dated, tally_short};
use super::labels::pattern_of;
use super::policy::ListingPolicy;
use super::report::{LabelCount, ListedEntry, NotListed, Provenance, PublishCounts, TOP_LABELS};
use super::review::Hold;
use super::sources::Protected;
use crate::error::Result;
use crate::model::Category;
use rusqlite::{OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// The kinds of decision, as the audit log names them: listed, or why not.
const NOT_LISTED: [NotListed; 8] = [
    NotListed::Protected,
    NotListed::ShortNumber,
    NotListed::SmsOnly,
    NotListed::Expired,
    NotListed::BelowThreshold,
    NotListed::Disputed,
    NotListed::Held,
    NotListed::Rejected,
];
const HOLDS: [Hold; 6] = [
    Hold::FixedLine,
    Hold::TollFree,
    Hold::PremiumRate,
    Hold::SecurityNetwork,
    Hold::Protected,
    Hold::Verified,
];
pub(super) const LISTED: &str = "listed";

/// The `&'static` name of a decision's kind.
pub(super) fn kind_named(name: &str) -> Option<&'static str> {
    if name == LISTED {
        return Some(LISTED);
    }
    NOT_LISTED.iter().map(|r| r.as_str()).find(|k| *k == name)
}

/// What one decision adds to the publish report's counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Tally {
    /// `listed`, or why not (`NotListed::as_str`).
    pub(super) kind: &'static str,
    pub(super) held: Option<Hold>,
    /// It lost a reporter to the caps.
    pub(super) capped: bool,
    /// The caps kept it off the list.
    pub(super) kept_off: bool,
    /// Its LD and V reports (not sources' entries) and S reports within
    /// `expire_days`.
    pub(super) calls: u32,
    pub(super) sms: u32,
}

impl Tally {
    /// As stored: `kind held capped kept_off calls sms`, words and numbers.
    pub(super) fn to_text(self) -> String {
        format!(
            "{} {} {} {} {} {}",
            self.kind,
            self.held.map_or("-", Hold::as_str),
            u8::from(self.capped),
            u8::from(self.kept_off),
            self.calls,
            self.sms
        )
    }

    pub(super) fn parse(text: &str) -> Option<Tally> {
        let mut words = text.split(' ');
        let kind = kind_named(words.next()?)?;
        let held = match words.next()? {
            "-" => None,
            h => Some(*HOLDS.iter().find(|x| x.as_str() == h)?),
        };
        let flag = |w: Option<&str>| match w? {
            "0" => Some(false),
            "1" => Some(true),
            _ => None,
        };
        let capped = flag(words.next())?;
        let kept_off = flag(words.next())?;
        let calls = words.next()?.parse().ok()?;
        let sms = words.next()?.parse().ok()?;
        words.next().is_none().then_some(Tally {
            kind,
            held,
            capped,
            kept_off,
            calls,
            sms,
        })
    }
}

/// The sums of every decision's [`Tally`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Totals {
    kinds: BTreeMap<String, u64>,
    held: BTreeMap<String, u64>,
    numbers: u64,
    calls: u64,
    sms: u64,
    protected_reports: u64,
    capped: u64,
    kept_off: u64,
}

impl Totals {
    pub(super) fn add(&mut self, t: &Tally) {
        self.apply(t, |sum, n| *sum += n);
    }

    pub(super) fn sub(&mut self, t: &Tally) {
        self.apply(t, |sum, n| *sum = sum.saturating_sub(n));
    }

    fn apply(&mut self, t: &Tally, op: impl Fn(&mut u64, u64)) {
        op(self.kinds.entry(t.kind.to_string()).or_default(), 1);
        if let Some(h) = t.held {
            op(self.held.entry(h.as_str().to_string()).or_default(), 1);
        }
        op(&mut self.numbers, 1);
        op(&mut self.calls, u64::from(t.calls));
        op(&mut self.sms, u64::from(t.sms));
        if t.kind == NotListed::Protected.as_str() {
            op(
                &mut self.protected_reports,
                u64::from(t.calls) + u64::from(t.sms),
            );
        }
        op(&mut self.capped, u64::from(t.capped));
        op(&mut self.kept_off, u64::from(t.kept_off));
    }

    /// Decisions of each kind (none of a kind: left out, as a full
    /// decide leaves it out).
    pub(super) fn kinds(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
        self.kinds
            .iter()
            .filter(|(_, n)| **n > 0)
            .filter_map(|(k, n)| Some((kind_named(k)?, *n)))
    }

    pub(super) fn numbers(&self) -> u64 {
        self.numbers
    }

    /// The counts that are sums over decisions.
    pub(super) fn fill(&self, counts: &mut PublishCounts) {
        counts.numbers = self.numbers;
        counts.call_reports = self.calls;
        counts.sms_reports = self.sms;
        counts.protected_reports = self.protected_reports;
        counts.numbers_capped_reporters = self.capped;
        counts.numbers_kept_off_by_caps = self.kept_off;
        counts.not_listed = NOT_LISTED
            .iter()
            .filter_map(|r| Some((*r, *self.kinds.get(r.as_str())?)))
            .filter(|(_, n)| *n > 0)
            .collect();
        counts.protected_numbers = counts
            .not_listed
            .get(&NotListed::Protected)
            .copied()
            .unwrap_or(0);
        counts.held_by_reason = HOLDS
            .iter()
            .filter_map(|h| Some((*h, *self.held.get(h.as_str())?)))
            .filter(|(_, n)| *n > 0)
            .collect();
    }
}

/// The counts read off the list: its entries, those verified, lowered to
/// suspicious and listed by a source, and the numbers of each label.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct ListTotals {
    pub(super) listed: u64,
    verified: u64,
    lowered: u64,
    by_source: u64,
    labels: BTreeMap<String, u64>,
}

impl ListTotals {
    pub(super) fn add(&mut self, e: &ListedEntry) {
        self.apply(e, |sum| *sum += 1);
    }

    pub(super) fn sub(&mut self, e: &ListedEntry) {
        self.apply(e, |sum| *sum = sum.saturating_sub(1));
        if let Some(l) = &e.reported.label
            && self.labels.get(l) == Some(&0)
        {
            self.labels.remove(l);
        }
    }

    fn apply(&mut self, e: &ListedEntry, op: impl Fn(&mut u64)) {
        let community = e.evidence.provenance == Provenance::Community;
        op(&mut self.listed);
        match e.reported.category {
            Category::Verified => op(&mut self.verified),
            // Only a community listing is ever lowered.
            Category::Suspicious if community => op(&mut self.lowered),
            _ => {}
        }
        if !community {
            op(&mut self.by_source);
        }
        if let Some(l) = &e.reported.label {
            op(self.labels.entry(l.clone()).or_default());
        }
    }

    pub(super) fn fill(&self, c: &mut PublishCounts) {
        c.listed = self.listed;
        c.verified = self.verified;
        c.lowered_burst = self.lowered;
        c.listed_by_source = self.by_source;
        let mut labels: Vec<(&String, u64)> = self
            .labels
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(l, n)| (l, *n))
            .collect();
        labels.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        c.top_labels = labels
            .into_iter()
            .take(TOP_LABELS)
            .map(|(label, numbers)| LabelCount {
                label: label.clone(),
                numbers,
            })
            .collect();
    }
}

/// What a decide leaves for the next one (`publish_run.decide`, JSON).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Saved {
    /// The newest report it saw: report ids only grow.
    pub(super) last_report: i64,
    /// A digest of the policy, the protected numbers and the sources'
    /// change count ([`inputs`]).
    pub(super) inputs: String,
    pub(super) capped_senders: u64,
    /// S reports about brand names within `expire_days`.
    pub(super) brands: u64,
    /// The counts read off the list (its entries: `listed` rows).
    pub(super) list: ListTotals,
    /// What reading every source counted (`PublishCounts`): they change
    /// only with the sources, which a full decide reads again.
    pub(super) curated_labels_dropped: u64,
    pub(super) curated_sources_skipped: u64,
    pub(super) totals: Totals,
    /// Numbers whose operator decision it forgot or spent after deciding
    /// them: the next decide looks at them again.
    pub(super) again: Vec<i64>,
}

/// How a publish decided, for its report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecideMode {
    /// `incremental` or `full`.
    pub mode: &'static str,
    /// Numbers decided (again).
    pub decided: u64,
    /// Why it was full.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<&'static str>,
}

/// Digest of what every decision depends on besides its number's own
/// evidence: another policy, protected set or any change to a source
/// (`stamp`, `source_stamp.n`) means a full decide.
pub(super) fn inputs(policy: &ListingPolicy, protected: &Protected, stamp: i64) -> String {
    let mut h = Sha256::new();
    h.update(serde_json::to_string(policy).expect("a policy serialises"));
    for n in protected.numbers() {
        h.update(n.to_le_bytes());
    }
    h.update(b"|sources");
    h.update(stamp.to_le_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The sources' change count (`source_stamp`).
pub(super) fn source_stamp(tx: &Transaction) -> Result<i64> {
    Ok(tx.query_row("SELECT n FROM source_stamp WHERE id = 1", [], |r| r.get(0))?)
}

/// The numbers a publish decides again, their evidence and the state it
/// continues from.
pub(super) struct Plan {
    pub(super) numbers: BTreeSet<i64>,
    /// The window's reports about those numbers (capped as a full decide
    /// caps them), their short numbers' tallies, and every brand report.
    pub(super) window: Window,
    /// Their previous decisions; the others' are kept.
    pub(super) decided: Decided,
    pub(super) capped_senders: u64,
    /// The totals of the decisions kept (those of the numbers decided
    /// again taken out).
    pub(super) kept: Totals,
    /// The last decide's state: its list counts, its source counts.
    pub(super) saved: Saved,
}

/// What decides whether a publish may be incremental.
pub(super) struct Ask<'a> {
    pub(super) run: i64,
    pub(super) policy: &'a ListingPolicy,
    pub(super) as_of: i32,
    pub(super) horizon: i32,
    pub(super) inputs: &'a str,
    pub(super) reviewed: &'a mut dyn Iterator<Item = i64>,
}

/// The plan of an incremental decide, or why it must be full.
pub(super) fn plan(tx: &Transaction, ask: Ask) -> Result<std::result::Result<Plan, &'static str>> {
    let last: Option<(i32, Option<String>)> = tx
        .query_row(
            "SELECT as_of, decide FROM publish_run WHERE id < ?1 ORDER BY id DESC LIMIT 1",
            [ask.run],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((last_as_of, saved)) = last else {
        return Ok(Err("the first publish"));
    };
    let Some(saved) = saved.and_then(|s| serde_json::from_str::<Saved>(&s).ok()) else {
        return Ok(Err(
            "no decisions stored by the last publish (an older version or an upgraded database)",
        ));
    };
    if saved.inputs != ask.inputs {
        return Ok(Err("the policy, the protected numbers or a source changed"));
    }
    if ask.as_of < last_as_of || ask.as_of > last_as_of.saturating_add(1) {
        return Ok(Err("--as-of moved by more than a day"));
    }
    // Every row is whole: the decide that stored `saved` was full or
    // incremental, and a full one writes every row that is not.
    let listed: i64 = tx.query_row("SELECT count(*) FROM listed", [], |r| r.get(0))?;
    if u64::try_from(listed).ok() != Some(saved.list.listed) {
        return Ok(Err("the stored list does not add up"));
    }
    let decided: i64 = tx.query_row("SELECT count(*) FROM decided", [], |r| r.get(0))?;
    if u64::try_from(decided).ok() != Some(saved.totals.numbers()) {
        return Ok(Err("the stored decisions do not add up"));
    }

    let span = Span {
        last: saved.last_report,
        old: (
            last_as_of.saturating_sub(ask.policy.expire_days as i32),
            last_as_of,
        ),
        new: (ask.horizon, ask.as_of),
    };
    let mut dirty = Dirty {
        brands: i64::try_from(saved.brands).unwrap_or(i64::MAX),
        ..Dirty::default()
    };
    dirty.changed_reports(tx, &span)?;
    // Every number of a sender whose reports changed: the caps.
    let caps = Caps {
        per_day: ask.policy.max_numbers_per_sender_day,
        per_window: ask.policy.max_numbers_per_sender_window,
        window_days: ask.policy.window_days as i32,
    };
    let mut senders = Senders::new(tx, &span)?;
    let (mut before, mut after) = (Vec::new(), Vec::new());
    for &s in &dirty.senders {
        for r in senders.rows(s)? {
            let rep = (r.number, r.rep);
            if span.was_in(r.id, r.rep.day) {
                before.push(rep);
            }
            if span.is_in(r.rep.day) {
                after.push(rep);
                dirty.numbers.insert(r.number);
            }
        }
    }
    let capped_senders = (saved.capped_senders + cap_senders(&mut after, caps))
        .saturating_sub(cap_senders(&mut before, caps));

    let mut disputed = tx.prepare("SELECT DISTINCT number FROM dispute")?;
    for n in disputed.query_map([], |r| r.get(0))? {
        dirty.numbers.insert(n?);
    }
    dirty.numbers.extend(ask.reviewed);
    dirty.numbers.extend(saved.again.iter().copied());
    if span.new != span.old {
        // Sources' entries that left the window, or entered it.
        let (old, new) = (span.old, span.new);
        source_numbers_dated(tx, old.0, new.0 - 1, &mut dirty.numbers)?;
        source_numbers_dated(tx, old.1 + 1, new.1, &mut dirty.numbers)?;
    }

    let window = dirty.window(tx, &span, &mut senders, caps)?;
    let Some(decided) = Decided::read_keys(tx, &dirty.numbers, &dirty.short)? else {
        return Ok(Err("a stored decision has no tally"));
    };
    let mut kept = saved.totals.clone();
    for t in decided.tallies() {
        kept.sub(t);
    }
    Ok(Ok(Plan {
        numbers: dirty.numbers,
        window,
        decided,
        capped_senders,
        kept,
        saved,
    }))
}

/// The windows of the last decide and this one, and its newest report.
struct Span {
    last: i64,
    old: (i32, i32),
    new: (i32, i32),
}

impl Span {
    /// Whether the last decide counted a report.
    fn was_in(&self, id: i64, day: i32) -> bool {
        id <= self.last && (self.old.0..=self.old.1).contains(&day)
    }

    fn is_in(&self, day: i32) -> bool {
        (self.new.0..=self.new.1).contains(&day)
    }
}

#[derive(Default)]
struct Dirty {
    numbers: BTreeSet<i64>,
    short: BTreeSet<String>,
    senders: BTreeSet<i64>,
    brands: i64,
}

impl Dirty {
    /// The reports the last decide counted and this one does not, or the
    /// other way round: the new ones, and those whose day entered or left
    /// the window.
    fn changed_reports(&mut self, tx: &Transaction, span: &Span) -> Result<()> {
        const COLUMNS: &str = "SELECT id, day, number, short_number, sender_id IS NOT NULL, reporter_id, keyword FROM report";
        let mut new = tx.prepare(&format!("{COLUMNS} WHERE id > ?1"))?;
        self.take(new.query([span.last])?, span)?;
        if span.new != span.old {
            let mut by_day = tx.prepare(&format!(
                "{COLUMNS} INDEXED BY report_by_day WHERE day BETWEEN ?1 AND ?2 AND id <= ?3"
            ))?;
            let (old, new) = (span.old, span.new);
            for (from, to) in [(old.0, new.0 - 1), (old.1 + 1, new.1)] {
                if from <= to {
                    self.take(by_day.query(params![from, to, span.last])?, span)?;
                }
            }
        }
        Ok(())
    }

    fn take(&mut self, mut rows: rusqlite::Rows, span: &Span) -> Result<()> {
        while let Some(r) = rows.next()? {
            let (id, day): (i64, i32) = (r.get(0)?, r.get(1)?);
            let (was, is) = (span.was_in(id, day), span.is_in(day));
            if was == is {
                continue;
            }
            if let Some(n) = r.get::<_, Option<i64>>(2)? {
                self.numbers.insert(n);
                if kind_of(r.get_ref(6)?) != Kind::S {
                    self.senders.insert(r.get(5)?);
                }
            } else if let Some(s) = r.get::<_, Option<String>>(3)? {
                self.short.insert(s);
            } else if r.get::<_, bool>(4)? {
                self.brands += i64::from(is) - i64::from(was);
            }
        }
        Ok(())
    }

    /// The window's reports about the dirty numbers, each capped as a
    /// full decide caps it: by every report its sender made in the window.
    fn window(
        &self,
        tx: &Transaction,
        span: &Span,
        senders: &mut Senders,
        caps: Caps,
    ) -> Result<Window> {
        let mut window = Window {
            brands: u64::try_from(self.brands).unwrap_or(0),
            ..Window::default()
        };
        let mut about = tx.prepare(
            "SELECT id, day, received_at, reporter_id, keyword, content FROM report
              INDEXED BY report_by_number WHERE number = ?1 AND day BETWEEN ?2 AND ?3",
        )?;
        let mut ids = Vec::new();
        let mut reporters = BTreeSet::new();
        for &n in &self.numbers {
            let mut rows = about.query(params![n, span.new.0, span.new.1])?;
            while let Some(r) = rows.next()? {
                let rep = Rep {
                    day: r.get(1)?,
                    at: r.get(2)?,
                    reporter: r.get(3)?,
                    kind: kind_of(r.get_ref(4)?),
                    pattern: r.get_ref(5)?.as_str().ok().and_then(pattern_of),
                    capped: false,
                };
                if rep.kind != Kind::S {
                    reporters.insert(rep.reporter);
                }
                ids.push(r.get::<_, i64>(0)?);
                window.numbers.push((n, rep));
            }
        }
        // Their senders' reports in the window, capped together.
        let mut all = Vec::new();
        let mut all_ids = Vec::new();
        for s in reporters {
            for r in senders.rows(s)? {
                if span.is_in(r.rep.day) {
                    all.push((r.number, r.rep));
                    all_ids.push(r.id);
                }
            }
        }
        cap_senders(&mut all, caps);
        let capped: HashSet<i64> = all
            .iter()
            .zip(&all_ids)
            .filter(|((_, r), _)| r.capped)
            .map(|(_, id)| *id)
            .collect();
        for ((_, rep), id) in window.numbers.iter_mut().zip(&ids) {
            rep.capped = capped.contains(id);
        }
        window
            .numbers
            .sort_unstable_by_key(|&(n, r)| (n, r.day, r.at));

        let mut short = tx.prepare(
            "SELECT day, keyword FROM report INDEXED BY report_by_short
              WHERE short_number = ?1 AND day BETWEEN ?2 AND ?3",
        )?;
        for s in &self.short {
            let mut rows = short.query(params![s, span.new.0, span.new.1])?;
            while let Some(r) = rows.next()? {
                tally_short(&mut window.short, s, r.get(0)?, kind_of(r.get_ref(1)?));
            }
        }
        Ok(window)
    }
}

/// A sender's report about a number.
#[derive(Clone, Copy)]
struct SenderRow {
    id: i64,
    number: i64,
    rep: Rep,
}

/// Senders' LD and V reports within either window, read once each.
struct Senders<'t> {
    stmt: rusqlite::Statement<'t>,
    from: i32,
    to: i32,
    read: HashMap<i64, Vec<SenderRow>>,
}

impl<'t> Senders<'t> {
    fn new(tx: &'t Transaction, span: &Span) -> Result<Senders<'t>> {
        Ok(Senders {
            stmt: tx.prepare(
                "SELECT id, number, day, received_at, keyword FROM report
                  INDEXED BY report_by_reporter
                  WHERE reporter_id = ?1 AND day BETWEEN ?2 AND ?3
                    AND number IS NOT NULL AND keyword <> 'S'",
            )?,
            from: span.old.0.min(span.new.0),
            to: span.old.1.max(span.new.1),
            read: HashMap::new(),
        })
    }

    fn rows(&mut self, sender: i64) -> Result<Vec<SenderRow>> {
        if let Some(rows) = self.read.get(&sender) {
            return Ok(rows.clone());
        }
        let mut rows = Vec::new();
        let mut q = self.stmt.query(params![sender, self.from, self.to])?;
        while let Some(r) = q.next()? {
            rows.push(SenderRow {
                id: r.get(0)?,
                number: r.get(1)?,
                rep: Rep {
                    day: r.get(2)?,
                    at: r.get(3)?,
                    reporter: sender,
                    kind: kind_of(r.get_ref(4)?),
                    pattern: None,
                    capped: false,
                },
            });
        }
        drop(q);
        self.read.insert(sender, rows.clone());
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tally_reads_back_as_written_and_nonsense_is_refused() {
        let t = Tally {
            kind: "held",
            held: Some(Hold::TollFree),
            capped: true,
            kept_off: false,
            calls: 4_000_000_000,
            sms: 7,
        };
        assert_eq!(t.to_text(), "held toll_free 1 0 4000000000 7");
        assert_eq!(Tally::parse(&t.to_text()), Some(t));
        for bad in [
            "",
            "listed - 0 0 1",
            "listed - 0 0 1 2 3",
            "maybe - 0 0 1 2",
            "listed - 2 0 1 2",
        ] {
            assert_eq!(Tally::parse(bad), None, "{bad}");
        }
    }
}
