//! Reports and sources → the list, one decision per number; each decision
//! that changed since the previous aggregation is appended to the audit log
//! with its evidence counts (never a reporter), the others counted in the
//! run's summary line (see [`AuditWriter`]). Only the numbers whose
//! evidence changed since the previous aggregation are decided again, the
//! others keeping their stored decisions (`incremental` says which, and
//! when every number is decided).
//!
//! The evidence of a number is what was reported about it in the last
//! `expire_days` before `as_of` (older reports are of a number that may
//! have been reassigned since): its LD and V reports, and the entries of
//! sources that are not official (each counted as one person), less the
//! reports of senders over a cap (`abuse`). `S` reports are counted, never
//! listed. Evidence is weighed by people, each once with their latest word
//! (`people`). A number is listed when:
//! - it is not an emergency number, a hotline, a number of the protected
//!   set, or a number an official source marked `verified`; and
//! - an official source warned about it within `expire_days` (after its
//!   latest dispute in force, if any): listed without the threshold; or
//! - at least `min_reporters` distinct people reported it within some
//!   `window_days`-long period of its evidence (so it leaves the list
//!   `expire_days` after its last report); if a dispute is in force (not
//!   waiting for an operator because `dispute_override_reporters` people
//!   reported it) or an operator rejected it, at least `min_reporters` of
//!   them are new: they reported it after and never before; and it is not
//!   a fixed line or an 1800/1900 number, which are held for review
//!   (`review`) unless an operator approved them.
//!
//! Its category is the majority of its people (LD scam, V nuisance; a tie
//! is scam), lowered to `suspicious` unless an operator approved it or,
//! within the `window_days` period that lists it (never across a stale
//! report), at least `confirm_reporters` people reported it and two of
//! them `confirm_hours` apart; its label is the scam pattern most of its
//! people name.

use super::abuse::{Caps, cap_senders};
use super::audit::{AuditLine, AuditWriter, Decided, Key};
#[cfg(test)]
use super::db::PublisherDb;
use super::disputes::{InForce, read_in_force, set_waiting};
use super::evidence::{
    Kind, Rep, ShortTally, Sources, kind_of, read_sources, read_sources_of, read_window, start_of,
};
use super::guard::relabelled;
use super::incremental::{self, Ask, DecideMode, LISTED, ListTotals, Saved, Tally, Totals};
use super::labels::pattern_of;
use super::people::{People, new_people, peak, peak_window};
use super::policy::ListingPolicy;
use super::report::{Aggregate, Evidence, ListedEntry, NotListed, Provenance, PublishCounts};
use super::review::{Hold, Verdict, forget_old_decisions, read_reviews, reopen, write_held};
use super::sources::Protected;
use crate::dates;
use crate::error::{Error, Result};
use crate::model::{Category, Reported, Source, Target};
use crate::number::{EMERGENCY, HOTLINES};
use rusqlite::{OptionalExtension, Transaction, params};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Decides the list as of the Vietnamese calendar day `as_of` (days since
/// 1970-01-01; reports and disputes after it are not seen), and appends
/// every decision that changed to the audit log, in one transaction, as
/// if `now`. Tests only: outside them every decision goes through
/// `publish::prepare_publish`, which guards the list and commits only once
/// the feed is written, so that "the last publish" is always a published
/// feed.
#[cfg(test)]
pub(crate) fn aggregate_at(
    db: &mut PublisherDb,
    policy: &ListingPolicy,
    protected: &Protected,
    as_of: i32,
    now: i64,
) -> Result<Aggregated> {
    let tx = db.transaction()?;
    let aggregate = aggregate_in(&tx, policy, protected, as_of, now, false)?;
    let listed = read_list(&tx)?;
    tx.commit()?;
    Ok(Aggregated { aggregate, listed })
}

/// An aggregation and the whole list it left (tests).
#[cfg(test)]
#[derive(Debug)]
pub(crate) struct Aggregated {
    pub(crate) aggregate: Aggregate,
    /// The list as stored after it, by number.
    pub(crate) listed: Vec<ListedEntry>,
}

#[cfg(test)]
impl std::ops::Deref for Aggregated {
    type Target = Aggregate;
    fn deref(&self) -> &Aggregate {
        &self.aggregate
    }
}

#[cfg(test)]
impl Aggregated {
    /// The list as the feed publisher takes it.
    pub(crate) fn entry_set(&self) -> crate::feed::codec::EntrySet {
        let mut set = crate::feed::codec::EntrySet::default();
        for e in &self.listed {
            set.insert(e.target.clone(), e.reported.clone());
        }
        set
    }
}

/// [`aggregate_at`] inside a transaction the caller commits: a publish
/// commits only once its guard passed and its feed is written. Only the
/// numbers whose evidence changed since the last aggregation are decided
/// again (`incremental`), unless `full` or that cannot be trusted.
pub(super) fn aggregate_in(
    tx: &Transaction,
    policy: &ListingPolicy,
    protected: &Protected,
    as_of: i32,
    now: i64,
    full: bool,
) -> Result<Aggregate> {
    policy.check()?;
    if !(dates::MIN_DAY..=dates::day_of(now).saturating_add(1)).contains(&as_of) {
        return Err(Error::invalid(
            "the day to aggregate as of must be between 2000-01-01 and today",
        ));
    }
    let mut run = Run::start(tx, policy, protected, as_of, now)?;
    let plan = if full {
        Err("asked (--full-decide)")
    } else {
        let ask = Ask {
            run: run.id,
            policy,
            as_of,
            horizon: run.horizon,
            inputs: &run.inputs,
            reviewed: &mut run.reviews.keys().copied(),
        };
        incremental::plan(tx, ask)?
    };
    let window = match plan {
        Ok(plan) => {
            // Only the numbers decided again: their sources' entries and
            // their listings, each by its index.
            run.sources = read_sources_of(tx, as_of, &plan.numbers)?;
            run.previous = read_listed(tx, Some(&plan.numbers))?;
            run.counts.curated_labels_dropped = plan.saved.curated_labels_dropped;
            run.counts.curated_sources_skipped = plan.saved.curated_sources_skipped;
            run.list = plan.saved.list;
            for p in run.previous.values() {
                let entry = p
                    .entry
                    .as_ref()
                    .ok_or_else(|| Error::invalid("a listing decided again is not stored whole"))?;
                run.list.sub(entry);
            }
            run.decided = plan.decided;
            run.counts.capped_senders = plan.capped_senders;
            run.kept = plan.kept;
            run.totals = run.kept.clone();
            run.dirty = Some(plan.numbers);
            plan.window
        }
        Err(why) => {
            run.full = Some(why);
            run.sources = read_sources(tx, as_of, &mut run.counts)?;
            run.previous = read_listed(tx, None)?;
            run.decided = Decided::read(tx)?;
            let mut window = read_window(tx, run.horizon, as_of)?;
            run.cap_senders(&mut window.numbers);
            window
        }
    };
    let mut audit = AuditWriter::new(tx, run.id)?;
    run.numbers(tx, &window.numbers, &mut audit)?;
    run.short_numbers(window.short, window.brands, &mut audit)?;
    run.summary(&mut audit)?;
    drop(audit);
    run.finish(tx)
}

struct Decision {
    listed: Result<ListedEntry, NotListed>,
    line: AuditLine,
    /// Held for review, and why.
    held: Option<Hold>,
    /// Kept off the list by the caps on senders.
    kept_off: bool,
}

/// A number as the previous aggregation listed it.
struct Previous {
    category: String,
    label: Option<String>,
    /// The run that listed it first (since when it has stayed listed).
    since: i64,
    /// The entry whole; `None` when stored before version 8.
    entry: Option<ListedEntry>,
}

struct Run<'p> {
    id: i64,
    policy: &'p ListingPolicy,
    protected: &'p Protected,
    as_of: i32,
    /// The first day of evidence.
    horizon: i32,
    /// The sources' entries of the numbers to decide (all of them, when
    /// the decide is full).
    sources: Sources,
    /// The dispute in force of each number, up to the end of `as_of`.
    disputes: HashMap<i64, InForce>,
    /// Disputes that wait for an operator (id, number, people), and those
    /// in force.
    disputes_waiting: Vec<(i64, i64, u32)>,
    disputes_open: Vec<i64>,
    /// The review queue and operators' decisions.
    reviews: HashMap<i64, Verdict>,
    /// Numbers held by this aggregation: why, reporters, reports, last day.
    held: Vec<(i64, Hold, u32, u32, i32)>,
    /// Rejected numbers decided anew (enough new people since).
    reopened: Vec<i64>,
    now: i64,
    /// The list of the previous aggregation: whole when the decide is
    /// full, else the entries of the numbers decided again.
    previous: BTreeMap<i64, Previous>,
    /// Every decision of the previous aggregation, as digests.
    decided: Decided,
    /// The entries this aggregation decided and listed.
    listed: Vec<ListedEntry>,
    /// The counts read off the list: the kept entries' (incremental), to
    /// which the decided ones are added.
    list: ListTotals,
    /// Listings that now say something else to phones (not counting a
    /// suspicious listing confirmed).
    relabelled: u64,
    added: Vec<i64>,
    removed: Vec<(i64, NotListed)>,
    counts: PublishCounts,
    /// What the decisions add to the counts: of every number (full), or
    /// of the kept decisions plus the new ones (incremental).
    totals: Totals,
    /// The kept decisions' totals (incremental; empty when full).
    kept: Totals,
    /// The numbers decided again (incremental), or why every number is.
    dirty: Option<BTreeSet<i64>>,
    full: Option<&'static str>,
    /// Decisions made by this run.
    decided_now: u64,
    /// S reports about brand names within `expire_days`.
    brands: u64,
    /// The digest of the policy, protected numbers and sources read.
    inputs: String,
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

        let disputes = read_in_force(tx, start_of(as_of.saturating_add(1)))?;
        let horizon = as_of.saturating_sub(policy.expire_days as i32);
        let inputs = incremental::inputs(policy, protected, incremental::source_stamp(tx)?);
        Ok(Run {
            id,
            policy,
            protected,
            as_of,
            horizon,
            sources: Sources::new(),
            disputes,
            disputes_waiting: Vec::new(),
            disputes_open: Vec::new(),
            reviews: read_reviews(tx)?,
            held: Vec::new(),
            reopened: Vec::new(),
            now,
            previous: BTreeMap::new(),
            decided: Decided::default(),
            listed: Vec::new(),
            list: ListTotals::default(),
            relabelled: 0,
            added: Vec::new(),
            removed: Vec::new(),
            counts,
            totals: Totals::default(),
            kept: Totals::default(),
            dirty: None,
            full: None,
            decided_now: 0,
            brands: 0,
            inputs,
            day_texts: (horizon..=as_of).map(dates::format_day).collect(),
        })
    }

    /// The caps on senders, over the window's reports.
    fn cap_senders(&mut self, numbers: &mut [(i64, Rep)]) {
        self.counts.capped_senders = cap_senders(
            numbers,
            Caps {
                per_day: self.policy.max_numbers_per_sender_day,
                per_window: self.policy.max_numbers_per_sender_window,
                window_days: self.policy.window_days as i32,
            },
        );
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
        if let Some(dirty) = &self.dirty {
            others.retain(|n| dirty.contains(n));
        }
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
            let rejected = matches!(self.reviews.get(&n), Some(Verdict::Rejected { .. }));
            if !calls || rejected || self.disputes.contains_key(&n) {
                let mut rows = older.query(params![n, self.horizon])?;
                while let Some(r) = rows.next()? {
                    reps.push(Rep {
                        day: r.get(0)?,
                        at: r.get(1)?,
                        reporter: r.get(2)?,
                        kind: kind_of(r.get_ref(3)?),
                        pattern: None,
                        capped: false,
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
                let now = entry.reported.category.as_str();
                if now != was.category || entry.reported.label != was.label {
                    self.counts.changed += 1;
                }
                if relabelled(
                    (&was.category, was.label.as_deref()),
                    (now, entry.reported.label.as_deref()),
                ) {
                    self.relabelled += 1;
                }
            }
            (Err(reason), Some(_)) => {
                self.removed.push((number, *reason));
                self.counts.removed += 1;
                *self.counts.removed_by_reason.entry(*reason).or_default() += 1;
            }
            (Err(_), None) => {}
        }
        self.record(Key::Number(number), decision, audit)
    }

    fn record(&mut self, key: Key, decision: Decision, audit: &mut AuditWriter) -> Result<()> {
        let mut line = decision.line;
        line.run = self.id;
        line.as_of = self.day_text(self.as_of);
        let kind = match decision.listed {
            Ok(entry) => {
                line.decision = LISTED;
                line.provenance = Some(entry.evidence.provenance.clone());
                line.category = Some(entry.reported.category.as_str());
                line.label.clone_from(&entry.reported.label);
                self.listed.push(entry);
                LISTED
            }
            Err(reason) => {
                line.decision = "not_listed";
                line.reason = Some(reason);
                reason.as_str()
            }
        };
        let tally = Tally {
            kind,
            held: decision.held,
            capped: line.capped_reporters.is_some(),
            kept_off: decision.kept_off,
            calls: line.reports - line.sources,
            sms: line.sms_reports,
        };
        self.totals.add(&tally);
        self.decided_now += 1;
        audit.decision(key, &mut line, kind, tally, &mut self.decided)
    }

    /// The audit log's summary line, and `decided` left as this
    /// aggregation decided.
    fn summary(&mut self, audit: &mut AuditWriter) -> Result<()> {
        let as_of = self.day_text(self.as_of);
        for (kind, n) in self.kept.kinds() {
            audit.kept(kind, n);
        }
        self.counts.audit = audit.finish(&as_of, std::mem::take(&mut self.decided))?;
        Ok(())
    }

    /// The decision about one number, from its reports (all of them up to
    /// `as_of`, in any order); `None` when there is nothing to decide.
    fn decide(&mut self, number: i64, reps: &mut Vec<Rep>) -> Option<Decision> {
        // Each number is decided once: its sources are taken out.
        let sources = self.sources.remove(&number).unwrap_or_default();
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
                capped: false,
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

        // What counts: the reports of senders within their caps (a copy
        // only for the few numbers a capped sender reported).
        let any_capped = evidence.iter().any(|r| r.capped);
        let uncapped: Vec<Rep>;
        let counted: &[Rep] = if any_capped {
            uncapped = evidence.iter().filter(|r| !r.capped).copied().collect();
            &uncapped
        } else {
            &evidence
        };
        let people = People::weigh(counted);
        let mut line = AuditLine {
            number: format!("+{number}"),
            ..AuditLine::default()
        };
        line.reporters = people.reporters();
        line.sources = people.sources();
        line.reports = evidence.len() as u32;
        line.scam_reports = evidence.iter().filter(|r| r.kind == Kind::Ld).count() as u32;
        line.nuisance_reports = line.reports - line.scam_reports;
        line.sms_reports = sms as u32;
        line.first_report = evidence.first().map(|r| self.day_text(r.day));
        line.last_report = evidence.last().map(|r| self.day_text(r.day));
        // A listing's last report is the last that counts.
        let last_day = counted.last().map(|r| r.day);

        let min = self.policy.min_reporters as usize;
        let window = self.policy.window_days as i32;
        // The period that lists the number, when it may: its people
        // decide the tier.
        let peak_people = (people.len() >= min).then(|| peak_window(counted, window));
        line.peak_reporters = peak_people.as_ref().map_or(people.len(), People::len) as u32;
        let capped_out = if any_capped {
            People::weigh(&evidence).len() - people.len()
        } else {
            0
        };
        if capped_out > 0 {
            line.capped_reporters = Some(capped_out as u32);
        }
        let dispute = self.disputes.get(&number).copied();
        // A dispute waits for an operator, the number staying listed, when
        // too many people reported it for one dispute to erase them.
        let overridden = dispute.is_some_and(|d| {
            !d.upheld && line.peak_reporters >= self.policy.dispute_override_reporters
        });
        if let Some(d) = dispute.filter(|d| !d.upheld) {
            if overridden {
                self.disputes_waiting
                    .push((d.id, number, line.peak_reporters));
            } else {
                self.disputes_open.push(d.id);
            }
        }
        let dispute_at = dispute.filter(|_| !overridden).map(|d| d.at);
        let new_reporters = dispute_at.map(|at| new_people(reps, counted, at));
        line.disputed_at = dispute.map(|d| d.at);
        line.new_reporters = new_reporters;
        let verdict = self.reviews.get(&number).copied();

        // The latest official word that the number is an organisation's own.
        let verified = sources
            .iter()
            .filter(|s| s.official && s.category == "verified" && s.label.is_some())
            .max_by(|a, b| a.day.cmp(&b.day).then_with(|| b.name.cmp(&a.name)));
        // An organisation's own number whose name (the label) the
        // curated-text rule refused: not shown as verified, never listed
        // from reports either, as a protected number.
        let verified_unnamed = verified.is_none()
            && sources
                .iter()
                .any(|s| s.official && s.category == "verified" && s.label.is_none());
        let official = sources
            .iter()
            .filter(|s| s.official && s.category != "verified" && s.day >= self.horizon)
            .filter(|s| dispute_at.is_none_or(|at| s.day > dates::day_of(at)))
            .max_by(|a, b| a.day.cmp(&b.day).then_with(|| b.name.cmp(&a.name)));
        // Community evidence that would list the number on its own.
        let enough = !counted.is_empty() && line.peak_reporters as usize >= min;
        // An operator's rejection stands until `min_reporters` new people
        // reported the number; then it is decided anew.
        let rejected = match verdict {
            Some(Verdict::Rejected { at }) => Some((new_people(reps, counted, at) as usize) < min),
            _ => None,
        };
        // Protected and verified numbers are held only to be seen: one an
        // operator rejected stays as the operator left it (who, why).
        let hold_seen = enough && rejected != Some(true);
        let mut held = None;
        let mut kept_off = false;
        if hold_seen
            && rejected == Some(false)
            && (verified.is_some() || verified_unnamed || self.protected.contains(number))
        {
            self.reopened.push(number);
        }

        let listed = if let Some(v) = verified {
            if hold_seen {
                held = Some(self.hold(number, Hold::Verified, &line, last_day));
            }
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
        } else if self.protected.contains(number) || verified_unnamed {
            if hold_seen {
                held = Some(self.hold(number, Hold::Protected, &line, last_day));
            }
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
                    reports: (people.len() as u32).max(1),
                    last_reported: Some(last_day.map_or(s.day, |d| d.max(s.day))),
                    label: s
                        .label
                        .clone()
                        .or_else(|| people.label().map(str::to_string)),
                    reporters: (line.reporters > 0).then_some(line.reporters),
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
        } else if !enough {
            kept_off = capped_out > 0 && peak(&evidence, window) >= min;
            Err(NotListed::BelowThreshold)
        } else if new_reporters.is_some_and(|n| (n as usize) < min) {
            Err(NotListed::Disputed)
        } else if rejected == Some(true) {
            Err(NotListed::Rejected)
        } else {
            if rejected.is_some() {
                // Enough new people since the rejection: decided anew.
                self.reopened.push(number);
            }
            let approved = matches!(verdict, Some(Verdict::Approved));
            match Hold::of_number(number).filter(|_| !approved) {
                Some(why) => {
                    held = Some(self.hold(number, why, &line, last_day));
                    Err(NotListed::Held)
                }
                None => {
                    // `enough` means some report counts.
                    let last = last_day.unwrap_or(self.as_of);
                    let category = if approved || self.confirmed(peak_people.as_ref()) {
                        people.category()
                    } else {
                        Category::Suspicious
                    };
                    let reports = people.len() as u32;
                    Ok(ListedEntry {
                        target: Target::Number(number),
                        reported: Reported {
                            category,
                            // People, not rows: one SIM's fifty reports are
                            // one person's word.
                            reports,
                            last_reported: Some(last),
                            label: people.label().map(str::to_string),
                            reporters: Some(line.reporters.clamp(1, reports.max(1))),
                            source: None,
                        },
                        evidence: Evidence {
                            reporters: line.reporters,
                            last_day: last,
                            provenance: Provenance::Community,
                        },
                    })
                }
            }
        };
        Some(Decision {
            listed,
            line,
            held,
            kept_off,
        })
    }

    /// Whether the period that lists a number confirms it: enough people
    /// (`confirm_reporters`, at least `min_reporters`), two of them at
    /// least `confirm_hours` apart. Otherwise it is a burst or a few
    /// people so far, listed as `suspicious`.
    fn confirmed(&self, peak: Option<&People>) -> bool {
        let people = self.policy.confirm_reporters.max(self.policy.min_reporters) as usize;
        let span = i64::from(self.policy.confirm_hours) * 3600;
        peak.is_some_and(|p| p.len() >= people && p.span() >= span)
    }

    /// Holds a number for review, with its evidence.
    fn hold(&mut self, number: i64, why: Hold, line: &AuditLine, last_day: Option<i32>) -> Hold {
        self.held.push((
            number,
            why,
            line.reporters,
            line.reports,
            last_day.unwrap_or(self.as_of),
        ));
        why
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
                    held: None,
                    kept_off: false,
                },
                audit,
            )?;
        }
        // S reports about brand names: counted only.
        self.brands = brands;
        Ok(())
    }

    /// The list (the kept entries with the new ones, when incremental),
    /// the publish report's counts, the list and the state kept for the
    /// next aggregation.
    fn finish(mut self, tx: &Transaction) -> Result<Aggregate> {
        self.listed.sort_unstable_by_key(|e| match e.target {
            Target::Number(n) => n,
            _ => i64::MIN,
        });
        for e in &self.listed {
            self.list.add(e);
        }
        self.list.fill(&mut self.counts);
        self.totals.fill(&mut self.counts);
        self.counts.sms_reports += self.brands;
        self.write_listed(tx)?;
        // The review queue and the disputes, as this aggregation leaves them.
        // Decided again next time: numbers whose operator decision this
        // run spends or forgets, and those it takes off the list (without
        // evidence, a number not listed before is not decided at all).
        let mut again = self.reopened.clone();
        again.extend(self.removed.iter().map(|(n, _)| *n));
        reopen(tx, &self.reopened)?;
        let held = write_held(tx, &self.held, self.now)?;
        again.extend(forget_old_decisions(tx, start_of(self.horizon))?);
        self.counts.held_for_review = held.len() as u64;
        let open = std::mem::take(&mut self.disputes_open);
        let waiting: Vec<i64> = self.disputes_waiting.iter().map(|w| w.0).collect();
        set_waiting(tx, &waiting, &open)?;
        self.counts.disputes_waiting = waiting.len() as u64;
        let saved = Saved {
            last_report: tx
                .query_row("SELECT coalesce(max(id), 0) FROM report", [], |r| r.get(0))?,
            inputs: std::mem::take(&mut self.inputs),
            capped_senders: self.counts.capped_senders,
            brands: self.brands,
            list: std::mem::take(&mut self.list),
            curated_labels_dropped: self.counts.curated_labels_dropped,
            curated_sources_skipped: self.counts.curated_sources_skipped,
            totals: std::mem::take(&mut self.totals),
            again,
        };
        tx.execute(
            "UPDATE publish_run SET counts = ?1, decide = ?2 WHERE id = ?3",
            params![
                serde_json::to_string(&self.counts).expect("counts serialise"),
                serde_json::to_string(&saved).expect("a decide state serialises"),
                self.id
            ],
        )?;
        Ok(Aggregate {
            run: self.id,
            as_of: self.as_of,
            entries: self.listed,
            relabelled: self.relabelled,
            added: self.added,
            removed: self.removed,
            held,
            disputes_waiting: self.disputes_waiting,
            counts: self.counts,
            decide: DecideMode {
                mode: if self.full.is_some() {
                    "full"
                } else {
                    "incremental"
                },
                decided: self.decided_now,
                why: self.full,
            },
        })
    }

    /// The list kept for the next aggregation: only what changed is
    /// written (most of the list stays as it was from one publish to the
    /// next).
    fn write_listed(&self, tx: &Transaction) -> Result<()> {
        let mut forget = tx.prepare("DELETE FROM listed WHERE number = ?1")?;
        for (n, _) in &self.removed {
            forget.execute([n])?;
        }
        let mut put = tx.prepare(
            "INSERT OR REPLACE INTO listed (number, category, label, since, reports, last_reported,
                    reporters, evidence_reporters, source_name, source_url)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        for e in &self.listed {
            let Target::Number(n) = e.target else {
                continue;
            };
            let r = &e.reported;
            let category = r.category.as_str();
            let since = match self.previous.get(&n) {
                Some(p) if p.entry.as_ref() == Some(e) => continue,
                Some(p) if p.category == category && p.label == r.label => p.since,
                Some(_) | None => self.id,
            };
            let source = r.source.as_ref();
            put.execute(params![
                n,
                category,
                r.label,
                since,
                r.reports,
                r.last_reported,
                r.reporters,
                e.evidence.reporters,
                source.map(|s| &s.name),
                source.and_then(|s| s.url.as_ref()),
            ])?;
        }
        Ok(())
    }
}

const LISTED_ROWS: &str = "SELECT number, category, label, since, reports, last_reported,
        reporters, evidence_reporters, source_name, source_url
   FROM listed";

/// The list as the previous aggregation left it (of `numbers` only, when
/// given), each entry whole when stored by version 8 or later.
fn read_listed(
    tx: &Transaction,
    numbers: Option<&BTreeSet<i64>>,
) -> Result<BTreeMap<i64, Previous>> {
    let Some(numbers) = numbers else {
        let mut stmt = tx.prepare(LISTED_ROWS)?;
        return Ok(stmt
            .query_map([], previous_row)?
            .collect::<rusqlite::Result<_>>()?);
    };
    let mut stmt = tx.prepare(&format!("{LISTED_ROWS} WHERE number = ?1"))?;
    let mut out = BTreeMap::new();
    for n in numbers {
        if let Some((n, p)) = stmt.query_row([n], previous_row).optional()? {
            out.insert(n, p);
        }
    }
    Ok(out)
}

/// The whole list as stored, by number: within a publish's transaction,
/// as that publish decided it.
pub(super) fn read_list(tx: &Transaction) -> Result<Vec<ListedEntry>> {
    let mut stmt = tx.prepare(&format!("{LISTED_ROWS} ORDER BY number"))?;
    let rows = stmt.query_map([], previous_row)?;
    let mut list = Vec::new();
    for row in rows {
        let (_, p) = row?;
        list.push(
            p.entry
                .ok_or_else(|| Error::invalid("a listing is not stored whole"))?,
        );
    }
    Ok(list)
}

/// A `listed` row.
fn previous_row(r: &rusqlite::Row) -> rusqlite::Result<(i64, Previous)> {
    {
        let number: i64 = r.get(0)?;
        let category: String = r.get(1)?;
        let label: Option<String> = r.get(2)?;
        let whole = (|| {
            let reports: u32 = r.get::<_, Option<u32>>(4).ok()??;
            let last: i32 = r.get::<_, Option<i32>>(5).ok()??;
            let reporters: u32 = r.get::<_, Option<u32>>(7).ok()??;
            let source = r
                .get::<_, Option<String>>(8)
                .ok()?
                .map(|name| -> Option<Source> {
                    Some(Source {
                        name,
                        url: r.get(9).ok()?,
                    })
                });
            let source = match source {
                Some(s) => Some(s?),
                None => None,
            };
            Some(ListedEntry {
                target: Target::Number(number),
                reported: Reported {
                    category: Category::parse(&category)?,
                    reports,
                    last_reported: Some(last),
                    label: label.clone(),
                    reporters: r.get(6).ok()?,
                    source: source.clone(),
                },
                // What `decide` puts there: the last day is the one
                // phones are told, and the source, when there is one, is
                // where the listing comes from.
                evidence: Evidence {
                    reporters,
                    last_day: last,
                    provenance: match source {
                        Some(Source { name, url }) => Provenance::Source { name, url },
                        None => Provenance::Community,
                    },
                },
            })
        })();
        Ok((
            number,
            Previous {
                category,
                label,
                since: r.get(3)?,
                entry: whole,
            },
        ))
    }
}
