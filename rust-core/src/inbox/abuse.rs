//! The anti-abuse rules on senders: a person reports the one or two
//! numbers that called them; a SIM that reports dozens is a machine or a
//! campaign against the list. Such a sender counts for none of the numbers
//! it reported in the day (or the window) where it went over its cap: what
//! they reported there is not evidence of anything.

use super::evidence::{Kind, Rep};
use std::collections::HashMap;

/// The caps: distinct numbers a sender may report in a calendar day, and
/// within any `window_days`-long period.
#[derive(Debug, Clone, Copy)]
pub(super) struct Caps {
    pub(super) per_day: u32,
    pub(super) per_window: u32,
    pub(super) window_days: i32,
}

/// Marks `capped` every report its sender made in a day or a window where
/// they reported more distinct numbers than the caps allow; returns how
/// many senders went over. Sources (ids below 0) are curated, never
/// capped; `S` reports (spam SMS, often many a day) are never listed and
/// count for no cap.
pub(super) fn cap_senders(numbers: &mut [(i64, Rep)], caps: Caps) -> u64 {
    // (sender, day, number, index), sorted: read once each, in order (a
    // sort through indices would look every report up again at random,
    // about 20 times a report).
    let mut order: Vec<(i64, i32, i64, u32)> = numbers
        .iter()
        .enumerate()
        .filter(|(_, (_, r))| r.reporter > 0 && r.kind != Kind::S)
        .map(|(i, (n, r))| (r.reporter, r.day, *n, i as u32))
        .collect();
    order.sort_unstable();
    let mut marks: Vec<u32> = Vec::new();
    let mut senders = 0;
    let mut in_window: HashMap<i64, u32> = HashMap::new();
    for sender in order.chunk_by(|a, b| a.0 == b.0) {
        let before = marks.len();
        for day in sender.chunk_by(|a, b| a.1 == b.1) {
            // Sorted by number within the day: distinct numbers are where
            // the number changes.
            let distinct = 1 + day.windows(2).filter(|w| w[0].2 != w[1].2).count();
            if distinct > caps.per_day as usize {
                marks.extend(day.iter().map(|k| k.3));
            }
        }
        // The window: a sliding period over the sender's reports, with the
        // count of each number in it.
        in_window.clear();
        let mut lo = 0;
        let mut marked_to = 0;
        for (hi, &(_, day, n, _)) in sender.iter().enumerate() {
            *in_window.entry(n).or_default() += 1;
            while sender[lo].1 <= day - caps.window_days {
                let gone = sender[lo].2;
                if let Some(c) = in_window.get_mut(&gone) {
                    *c -= 1;
                    if *c == 0 {
                        in_window.remove(&gone);
                    }
                }
                lo += 1;
            }
            if in_window.len() > caps.per_window as usize {
                marks.extend(sender[lo.max(marked_to)..=hi].iter().map(|k| k.3));
                marked_to = hi + 1;
            }
        }
        if marks.len() > before {
            senders += 1;
        }
    }
    for i in marks {
        numbers[i as usize].1.capped = true;
    }
    senders
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(number: i64, day: i32, reporter: i64) -> (i64, Rep) {
        (number, Rep::ld(day, reporter))
    }

    const CAPS: Caps = Caps {
        per_day: 5,
        per_window: 20,
        window_days: 90,
    };

    fn capped(reps: &[(i64, Rep)]) -> Vec<(i64, i64)> {
        reps.iter()
            .filter(|(_, r)| r.capped)
            .map(|(n, r)| (*n, r.reporter))
            .collect()
    }

    #[test]
    fn a_sender_over_the_daily_cap_counts_for_none_of_that_days_numbers() {
        // Sender 1: six numbers on day 10 (one of them twice), one on day
        // 11. Sender 2: five numbers on day 10, at the cap.
        let mut reps: Vec<(i64, Rep)> = (0..6).map(|n| report(100 + n, 10, 1)).collect();
        reps.push(report(100, 10, 1));
        reps.push(report(200, 11, 1));
        reps.extend((0..5).map(|n| report(100 + n, 10, 2)));
        // A source lists many numbers by design.
        reps.extend((0..50).map(|n| report(300 + n, 10, -1)));
        assert_eq!(cap_senders(&mut reps, CAPS), 1);
        let c = capped(&reps);
        assert_eq!(c.len(), 7);
        assert!(c.iter().all(|&(n, who)| who == 1 && n < 200));
    }

    #[test]
    fn a_sender_over_the_window_cap_counts_for_none_of_that_windows_numbers() {
        // Sender 1: one number a day for 21 days, then one 200 days later.
        // Sender 2: one number every 5 days for 100 days (21 numbers, at
        // most 18 in any 90 days).
        let mut reps: Vec<(i64, Rep)> = (0..21).map(|d| report(100 + i64::from(d), d, 1)).collect();
        reps.push(report(500, 221, 1));
        reps.extend((0..21).map(|k| report(600 + i64::from(k), k * 5, 2)));
        assert_eq!(cap_senders(&mut reps, CAPS), 1);
        let c = capped(&reps);
        assert_eq!(c.len(), 21);
        assert!(c.iter().all(|&(n, who)| who == 1 && n < 500));
    }
}
