//! Real campaigns keep their speed: a synthetic inbox in the spirit of
//! the bench's (`benches/inbox.rs`), where victims report a campaign's
//! number within its first hour, each from their own mobile number, each
//! reporting the one or two numbers that called them. The campaigns are
//! on the next publish (at least as suspicious), and at least 99% of what
//! the threshold alone lists is still listed.

use super::*;
use std::collections::{BTreeMap, BTreeSet};

/// Reports (time, person, number), people handed out so that each
/// reports one number, sometimes two.
struct Gen {
    rng: Rng,
    next_person: u32,
    /// A person with a second number to report, if any.
    spare: Option<u32>,
    reports: Vec<(i64, u32, i64)>,
}

impl Gen {
    fn person(&mut self) -> u32 {
        if let Some(p) = self.spare.take() {
            return p;
        }
        self.next_person += 1;
        if self.rng.below(10) < 3 {
            self.spare = Some(self.next_person);
        }
        self.next_person
    }

    fn report(&mut self, at: i64, number: i64) {
        let who = self.person();
        self.reports.push((at, who, number));
    }
}

#[test]
fn campaigns_reported_in_their_first_hour_are_on_the_next_publish() {
    let mut g = Gen {
        rng: Rng(19),
        next_person: 0,
        spare: None,
        reports: Vec::new(),
    };
    // 30 campaigns: 5 to 30 victims each within the first hour; some
    // started this morning, before the publish at noon.
    let mut campaigns = Vec::new();
    for c in 0..30 {
        let number = 84_916_000_000 + c;
        let days_ago = if c < 10 {
            0
        } else {
            1 + g.rng.below(60) as i32
        };
        let start = unix(days_ago, g.rng.below(120) as i64);
        for _ in 0..5 + g.rng.below(26) {
            let at = start + g.rng.below(3600) as i64;
            g.report(at, number);
        }
        campaigns.push(number);
    }
    // The middle band: 2 to 10 people within a month, any hour.
    for m in 0..1_500 {
        let number = 84_917_000_000 + m;
        let first = 30 + g.rng.below(30) as i32;
        for _ in 0..2 + g.rng.below(9) {
            let at = unix(
                first - g.rng.below(30) as i32,
                g.rng.below(14 * 60) as i64 - 180,
            );
            g.report(at, number);
        }
    }
    // The long tail: one report each.
    for t in 0..3_000 {
        let at = unix(1 + g.rng.below(60) as i32, g.rng.below(600) as i64);
        g.report(at, 84_918_000_000 + t);
    }

    // What the threshold alone lists: 3 distinct people (all reports are
    // within one 90-day window).
    let mut people: BTreeMap<i64, BTreeSet<u32>> = BTreeMap::new();
    for &(_, who, number) in &g.reports {
        people.entry(number).or_default().insert(who);
    }
    let threshold_only: BTreeSet<i64> = people
        .iter()
        .filter(|(_, p)| p.len() >= 3)
        .map(|(&n, _)| n)
        .collect();
    assert!(threshold_only.len() > 1_000, "{}", threshold_only.len());

    let senders: Vec<String> = (0..=g.next_person).map(|p| format!("0984{p:06}")).collect();
    let bodies: Vec<String> = g
        .reports
        .iter()
        .map(|&(_, _, n)| format!("LD +{n} mao danh cong an"))
        .collect();
    let rows: Vec<(String, &str, &str, &str)> = g
        .reports
        .iter()
        .zip(&bodies)
        .map(|(&(at, who, _), body)| {
            (
                dates::format_time(at),
                senders[who as usize].as_str(),
                "156",
                body.as_str(),
            )
        })
        .collect();
    let mut f = fixture();
    assert_eq!(f.ingest(&rows).ingested as usize, g.reports.len());
    let a = f.aggregate(&Protected::default(), today());
    let listed: BTreeMap<i64, Category> = a
        .listed
        .iter()
        .map(|e| match e.target {
            Target::Number(n) => (n, e.reported.category),
            Target::Prefix(_) => panic!("a prefix"),
        })
        .collect();
    for c in &campaigns {
        let category = listed
            .get(c)
            .unwrap_or_else(|| panic!("campaign +{c} not listed"));
        assert!(
            matches!(category, Category::Scam | Category::Suspicious),
            "+{c}: {category:?}"
        );
    }
    // This morning's campaigns: warned at once, as suspicious.
    assert!(
        campaigns[..10]
            .iter()
            .all(|c| listed[c] == Category::Suspicious)
    );
    let kept = threshold_only
        .iter()
        .filter(|n| listed.contains_key(n))
        .count();
    assert!(
        kept * 100 >= threshold_only.len() * 99,
        "{kept} of {} kept",
        threshold_only.len()
    );
    // Nobody here reports more than two numbers: the caps cut no one.
    assert_eq!(a.counts.capped_senders, 0);

    // The tier of each listed number, as the rule says it (all reports
    // are within one window_days period): scam once five people reported
    // it and two of them a day apart; until then suspicious, warned.
    let mut times: BTreeMap<i64, Vec<(i64, u32)>> = BTreeMap::new();
    for &(at, who, number) in &g.reports {
        times.entry(number).or_default().push((at, who));
    }
    let mut tiers = [0u32; 2];
    for (n, category) in &listed {
        let reports = &times[n];
        let span = reports
            .iter()
            .flat_map(|a| reports.iter().map(move |b| (a, b)))
            .filter(|(a, b)| a.1 != b.1)
            .map(|(a, b)| (a.0 - b.0).abs())
            .max()
            .unwrap_or(0);
        let expected = if people[n].len() >= 5 && span >= 86_400 {
            tiers[0] += 1;
            Category::Scam
        } else {
            tiers[1] += 1;
            Category::Suspicious
        };
        assert_eq!(*category, expected, "+{n}");
    }
    // Both tiers occur in this inbox.
    assert!(tiers[0] > 100 && tiers[1] > 100, "{tiers:?}");
}
