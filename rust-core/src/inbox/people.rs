//! Weighing people, not rows: each person who reported a number counts
//! once, with one word (their latest): category and label are majorities
//! of people, so one SIM sending 51 reports weighs what one person
//! weighs. Also how many people reported within a period, and how far
//! apart in time two different people's reports are (the two tiers).

use super::evidence::{Kind, Rep};
use super::labels::{PATTERNS, majority_label};
use crate::model::Category;
use std::collections::{HashMap, HashSet};

/// One person's word about a number.
#[derive(Debug, Clone, Copy)]
struct Word {
    kind: Kind,
    /// The pattern of their latest report that names one: a later bare
    /// "LD 0912…" repeats the call, it does not take back what they said.
    pattern: Option<u8>,
}

/// The people behind a number's evidence (LD and V reports, sources that
/// are not official), each once.
#[derive(Debug, Default)]
pub(super) struct People {
    words: HashMap<i64, Word>,
    /// The earliest and the latest report, and whose.
    first: Option<(i64, i64)>,
    last: Option<(i64, i64)>,
    /// The latest report by someone other than the earliest reporter, and
    /// the earliest by someone other than the latest reporter.
    last_other: Option<i64>,
    first_other: Option<i64>,
}

impl People {
    /// Of `evidence`, sorted by day and time.
    pub(super) fn weigh(evidence: &[Rep]) -> People {
        let mut people = People::default();
        for r in evidence {
            let word = people.words.entry(r.reporter).or_insert(Word {
                kind: r.kind,
                pattern: None,
            });
            word.kind = r.kind;
            if r.pattern.is_some() {
                word.pattern = r.pattern;
            }
        }
        people.first = evidence.first().map(|r| (r.at, r.reporter));
        people.last = evidence.last().map(|r| (r.at, r.reporter));
        if let (Some((_, p0)), Some((_, p1))) = (people.first, people.last) {
            people.last_other = evidence
                .iter()
                .rev()
                .find(|r| r.reporter != p0)
                .map(|r| r.at);
            people.first_other = evidence.iter().find(|r| r.reporter != p1).map(|r| r.at);
        }
        people
    }

    /// Distinct people: reporters (ids above 0) and sources (below).
    pub(super) fn reporters(&self) -> u32 {
        self.words.keys().filter(|&&r| r > 0).count() as u32
    }

    pub(super) fn sources(&self) -> u32 {
        self.words.keys().filter(|&&r| r < 0).count() as u32
    }

    pub(super) fn len(&self) -> usize {
        self.words.len()
    }

    /// People whose word is LD.
    pub(super) fn scam(&self) -> u32 {
        self.words.values().filter(|w| w.kind == Kind::Ld).count() as u32
    }

    /// The majority of people: LD scam, V nuisance; a tie is scam.
    pub(super) fn category(&self) -> Category {
        let scam = self.scam() as usize;
        if scam * 2 >= self.words.len() {
            Category::Scam
        } else {
            Category::Nuisance
        }
    }

    /// The pattern most people name.
    pub(super) fn label(&self) -> Option<&'static str> {
        let mut counts = [0u32; PATTERNS.len()];
        for w in self.words.values() {
            if let Some(p) = w.pattern {
                counts[usize::from(p)] += 1;
            }
        }
        majority_label(&counts)
    }

    /// The longest time, in seconds, between reports of two different
    /// people (0 for fewer than two people). The longest such pair starts
    /// at the earliest report or ends at the latest one.
    pub(super) fn span(&self) -> i64 {
        let from_first = self.first.zip(self.last_other).map(|((a, _), b)| b - a);
        let to_last = self.first_other.zip(self.last).map(|(a, (b, _))| b - a);
        from_first.max(to_last).unwrap_or(0).max(0)
    }
}

/// People who reported after `at` (a dispute, a rejection) and never
/// before it: of `counted`, against every report in `all` (older reports
/// too).
pub(super) fn new_people(all: &[Rep], counted: &[Rep], at: i64) -> u32 {
    let before: HashSet<i64> = all
        .iter()
        .filter(|r| r.kind != Kind::S && r.at <= at)
        .map(|r| r.reporter)
        .collect();
    let new: HashSet<i64> = counted
        .iter()
        .filter(|r| r.at > at && !before.contains(&r.reporter))
        .map(|r| r.reporter)
        .collect();
    new.len() as u32
}

/// The most distinct reporters within any `window` consecutive days of
/// `reps` (sorted by day).
pub(super) fn peak(reps: &[Rep], window: i32) -> usize {
    peak_window(reps, window).len()
}

/// The people of the latest `window` consecutive days of `reps` (sorted by
/// day) that hold the most distinct reporters: the evidence that lists a
/// number, whose span decides its tier (a stale report outside it never
/// confirms a fresh burst).
pub(super) fn peak_window(reps: &[Rep], window: i32) -> People {
    let mut counts: HashMap<i64, u32> = HashMap::new();
    let mut lo = 0;
    let mut best = (0, 0..0);
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
        // `>=`: the latest such period, with every report of its last day.
        if counts.len() >= best.0 {
            best = (counts.len(), lo..hi + 1);
        }
    }
    People::weigh(&reps[best.1])
}

#[cfg(test)]
mod tests {
    use super::super::evidence::{Kind, start_of};
    use super::*;

    fn said(at: i64, reporter: i64, kind: Kind, pattern: Option<u8>) -> Rep {
        Rep {
            day: 0,
            at,
            reporter,
            kind,
            pattern,
            capped: false,
        }
    }

    #[test]
    fn each_person_counts_once_with_their_latest_word() {
        // 3 people say LD (police impersonation); one SIM says V 10 times,
        // naming another pattern: three to one, scam, police.
        let mut reps: Vec<Rep> = (1..=3).map(|p| said(p, p, Kind::Ld, Some(0))).collect();
        reps.extend((0..10).map(|i| said(10 + i, 9, Kind::V, Some(1))));
        let people = People::weigh(&reps);
        assert_eq!((people.reporters(), people.scam()), (4, 3));
        assert_eq!(people.category(), Category::Scam);
        assert_eq!(people.label(), Some(PATTERNS[0].label));
        // A person who said LD and later V counts as V; a later bare
        // report keeps the pattern they named.
        let reps = [
            said(1, 1, Kind::Ld, Some(0)),
            said(2, 2, Kind::Ld, Some(1)),
            said(3, 2, Kind::V, None),
            said(4, 3, Kind::V, Some(1)),
        ];
        let people = People::weigh(&reps);
        assert_eq!(people.category(), Category::Nuisance);
        assert_eq!(people.label(), Some(PATTERNS[1].label));
        // A source (negative id) is one person, not a reporter.
        let people = People::weigh(&[said(1, -4, Kind::Ld, None), said(2, 1, Kind::Ld, None)]);
        assert_eq!((people.reporters(), people.sources()), (1, 1));
    }

    #[test]
    fn the_span_is_between_two_different_people() {
        // One person twice a week apart, then another 9 seconds later: the
        // span between two people is a week (the first and the third).
        let week = 7 * 86_400;
        let reps = [
            said(0, 1, Kind::Ld, None),
            said(week, 1, Kind::Ld, None),
            said(week + 9, 2, Kind::Ld, None),
        ];
        assert_eq!(People::weigh(&reps).span(), week + 9);
        // One person alone spans nothing, however long.
        let reps = [said(0, 1, Kind::Ld, None), said(week, 1, Kind::Ld, None)];
        assert_eq!(People::weigh(&reps).span(), 0);
        // Three SIMs nine seconds apart: 18 seconds.
        let reps: Vec<Rep> = (0..3).map(|i| said(i * 9, i + 1, Kind::Ld, None)).collect();
        assert_eq!(People::weigh(&reps).span(), 18);
        // The first person also reports last: the span to the second
        // person's first report.
        let reps = [
            said(0, 1, Kind::Ld, None),
            said(100, 2, Kind::Ld, None),
            said(week, 1, Kind::Ld, None),
        ];
        assert_eq!(People::weigh(&reps).span(), week - 100);
        assert_eq!(People::weigh(&[]).span(), 0);
    }

    #[test]
    fn the_peak_counts_distinct_reporters_within_a_window() {
        let reps = [
            Rep::ld(0, 1),
            Rep::ld(10, 1),
            Rep::ld(50, 2),
            Rep::ld(95, 3),
            Rep::ld(100, 4),
        ];
        // Days 10..=99 hold 1, 2, 3; days 11..=100 hold 2, 3, 4.
        assert_eq!(peak(&reps, 90), 3);
        assert_eq!(peak(&reps, 40), 2);
        assert_eq!(peak(&reps, 1), 1);
        assert_eq!(peak(&reps, 1000), 4);
        assert_eq!(peak(&[], 90), 0);
    }

    #[test]
    fn the_span_that_confirms_is_within_the_peak_window() {
        // One person 80 days ago, three SIMs today nine seconds apart: over
        // all the evidence the span is 80 days; within a 30-day window the
        // three SIMs are the peak, and they span 18 seconds.
        let old = said(start_of(0), 1, Kind::Ld, None);
        let mut reps = vec![Rep { day: 0, ..old }];
        reps.extend((0..3).map(|i| Rep {
            day: 80,
            ..said(start_of(80) + i * 9, 10 + i, Kind::Ld, None)
        }));
        assert_eq!(People::weigh(&reps).span(), start_of(80) + 18 - start_of(0));
        let w = peak_window(&reps, 30);
        assert_eq!((w.len(), w.span()), (3, 18));
        // Within 90 days the old report is in the period that lists it.
        let w = peak_window(&reps, 90);
        assert_eq!(w.len(), 4);
        assert_eq!(peak_window(&[], 90).len(), 0);
    }
}
