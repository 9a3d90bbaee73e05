//! Weighing people, not rows: how many distinct people reported a number,
//! and within which period.

use super::evidence::Rep;
use std::collections::HashMap;

/// The most distinct reporters within any `window` consecutive days of
/// `reps` (sorted by day).
pub(super) fn peak(reps: &[Rep], window: i32) -> usize {
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
    use super::super::evidence::{Kind, start_of};
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
    fn the_peak_counts_distinct_reporters_within_a_window() {
        let reps = [rep(0, 1), rep(10, 1), rep(50, 2), rep(95, 3), rep(100, 4)];
        // Days 10..=99 hold 1, 2, 3; days 11..=100 hold 2, 3, 4.
        assert_eq!(peak(&reps, 90), 3);
        assert_eq!(peak(&reps, 40), 2);
        assert_eq!(peak(&reps, 1), 1);
        assert_eq!(peak(&reps, 1000), 4);
        assert_eq!(peak(&[], 90), 0);
    }
}
