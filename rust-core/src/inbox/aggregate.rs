//! Reports and sources → the list, one decision per number; each decision
//! that changed since the previous aggregation is appended to the audit log
//! with its evidence counts (never a reporter), the others counted in the
//! run's summary line (see [`AuditWriter`]).
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
    Kind, Rep, ShortTally, SourceRow, kind_of, read_sources, read_window, start_of,
};
use super::labels::pattern_of;
use super::people::{People, new_people, peak, peak_window};
use super::policy::ListingPolicy;
use super::report::{
    Aggregate, Evidence, LabelCount, ListedEntry, NotListed, Provenance, PublishCounts, TOP_LABELS,
};
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
    let mut window = read_window(tx, run.horizon, as_of)?;
    run.cap_senders(&mut window.numbers);
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

        let sources = read_sources(tx, as_of, &mut counts)?;
        let disputes = read_in_force(tx, start_of(as_of.saturating_add(1)))?;
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
            disputes_waiting: Vec::new(),
            disputes_open: Vec::new(),
            reviews: read_reviews(tx)?,
            held: Vec::new(),
            reopened: Vec::new(),
            now,
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
                if entry.reported.category.as_str() != was.category
                    || entry.reported.label != was.label
                {
                    self.counts.changed += 1;
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
            self.counts.numbers_capped_reporters += 1;
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
        if hold_seen
            && rejected == Some(false)
            && (verified.is_some() || verified_unnamed || self.protected.contains(number))
        {
            self.reopened.push(number);
        }

        let listed = if let Some(v) = verified {
            if hold_seen {
                self.hold(number, Hold::Verified, &line, last_day);
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
                self.hold(number, Hold::Protected, &line, last_day);
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
            if capped_out > 0 && peak(&evidence, window) >= min {
                self.counts.numbers_kept_off_by_caps += 1;
            }
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
                    self.hold(number, why, &line, last_day);
                    Err(NotListed::Held)
                }
                None => {
                    // `enough` means some report counts.
                    let last = last_day.unwrap_or(self.as_of);
                    let category = if approved || self.confirmed(peak_people.as_ref()) {
                        people.category()
                    } else {
                        self.counts.lowered_burst += 1;
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
        Some(Decision { listed, line })
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
    fn hold(&mut self, number: i64, why: Hold, line: &AuditLine, last_day: Option<i32>) {
        *self.counts.held_by_reason.entry(why).or_default() += 1;
        self.held.push((
            number,
            why,
            line.reporters,
            line.reports,
            last_day.unwrap_or(self.as_of),
        ));
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
        // The review queue and the disputes, as this aggregation leaves them.
        reopen(tx, &self.reopened)?;
        let held = write_held(tx, &self.held, self.now)?;
        forget_old_decisions(tx, start_of(self.horizon))?;
        self.counts.held_for_review = held.len() as u64;
        let open = std::mem::take(&mut self.disputes_open);
        let waiting: Vec<i64> = self.disputes_waiting.iter().map(|w| w.0).collect();
        set_waiting(tx, &waiting, &open)?;
        self.counts.disputes_waiting = waiting.len() as u64;
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
            held,
            disputes_waiting: self.disputes_waiting,
            counts: self.counts,
        })
    }
}
