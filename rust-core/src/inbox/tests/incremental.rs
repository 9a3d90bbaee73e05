//! An incremental decide equals a full one (issue 20). Seeded random
//! timelines of what a hotline sees (reports about new and old numbers,
//! bursts, senders over their caps, short numbers and brand names,
//! disputes and their decisions, operators approving and rejecting, days
//! passing across the window's edge, now and then a new source); before
//! each publish the database is copied, the copy decides every number
//! from scratch, and the two must agree on everything a publish leaves:
//! the list whole, what was added and removed and why, the review queue,
//! the disputes, the publish report's counts, the audit lines and the
//! stored decisions.

use super::*;
use crate::inbox::disputes::decide_dispute_at;
use crate::inbox::review::decide_at;
use rusqlite::Connection;

/// Short windows and low caps, so that a few dozen steps cross them.
fn policy() -> ListingPolicy {
    ListingPolicy {
        window_days: 4,
        expire_days: 6,
        max_numbers_per_sender_day: 3,
        max_numbers_per_sender_window: 5,
        confirm_hours: 6,
        confirm_reporters: 4,
        dispute_override_reporters: 5,
        ..ListingPolicy::default()
    }
}

/// The reported parties: a few numbers of a campaign, many reported
/// once or twice, fixed lines and 1900 numbers (held), an emergency
/// number, a short code.
fn party(rng: &mut Rng) -> String {
    match rng.below(20) {
        0 => format!("024{:08}", 38_000_000 + rng.below(3)),
        1 => format!("1900{:04}", 1000 + rng.below(2)),
        2 => "113".into(),
        3 => "9029".into(),
        4..=7 => format!("0912{:06}", 20 + rng.below(300)),
        _ => hot(rng),
    }
}

/// A campaign's number.
fn hot(rng: &mut Rng) -> String {
    format!("0912{:06}", rng.below(20))
}

const WORDS: [&str; 4] = [
    "goi mao danh cong an",
    "bao trung thuong",
    "moi vay tien",
    "lam phien",
];

/// Everything a publish leaves, as text: equal texts, equal publishes.
fn snapshot(conn: &Connection, a: &Aggregated) -> Vec<String> {
    let mut out = vec![
        format!("{:?}", a.listed),
        format!("{:?}", a.added),
        format!("{:?}", a.removed),
        format!("{:?}", a.held),
        format!("{:?}", a.disputes_waiting),
        format!("{:?}", a.counts),
        format!("{:?}", a.relabelled),
    ];
    for sql in [
        "SELECT number, outcome, evidence, tally FROM decided ORDER BY number",
        "SELECT number, category, label, since, reports, last_reported, reporters,
                evidence_reporters, source_name, source_url FROM listed ORDER BY number",
        "SELECT * FROM review ORDER BY number",
        "SELECT id, state FROM dispute ORDER BY id",
        "SELECT line FROM audit WHERE run_id = (SELECT max(id) FROM publish_run) ORDER BY id",
    ] {
        let mut stmt = conn.prepare(sql).unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                Ok((0..n)
                    .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap()
            .collect::<rusqlite::Result<Vec<String>>>()
            .unwrap();
        out.push(format!("{sql}\n{}", rows.join("\n")));
    }
    out
}

/// One timeline; returns how many publishes were incremental.
fn timeline(seed: u64, steps: usize) -> usize {
    let mut rng = Rng(seed);
    let mut f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let policy = policy();
    let protected = {
        let mut p = Protected::default();
        p.insert("0912000019").unwrap();
        p
    };
    // The clock: 60 days before the fixture's today, at 08:00.
    let mut clock = unix(60, -60);
    // People, and the first three are machines.
    let senders: Vec<String> = (1..=400).map(|i| format!("0901{i:06}")).collect();
    let mut published = 0;
    let mut incremental = 0;
    let mut source = 0;
    // Publishing as of yesterday for a while, as a publisher may: today's
    // reports wait outside the window until `--as-of` reaches their day.
    let mut lag = rng.below(2) as i32;
    for step in 0..steps {
        match rng.below(10) {
            // Reports: one person now and then, or a burst; a machine now
            // and then reports a dozen numbers.
            0..=4 => {
                let machine = rng.chance(10);
                let n = if machine { 12 } else { 1 + rng.below(8) };
                let who = rng.below(3) as usize;
                let mut rows = Vec::new();
                for k in 0..n {
                    let sender = if machine {
                        who
                    } else {
                        3 + rng.below(senders.len() as u64 - 3) as usize
                    };
                    // Mostly within the last hours; some days late.
                    let back = if rng.chance(15) {
                        rng.below(5 * 86_400)
                    } else {
                        rng.below(4 * 3600)
                    } as i64;
                    let t = clock - back - k as i64;
                    let keyword = ["LD", "LD", "LD", "V", "S"][rng.below(5) as usize];
                    let body = if keyword == "S" && rng.chance(30) {
                        "S VIETTEL khuyen mai".to_string()
                    } else {
                        format!(
                            "{keyword} {} {}",
                            party(&mut rng),
                            WORDS[rng.below(4) as usize]
                        )
                    };
                    rows.push((dates::format_time(t), senders[sender].clone(), body));
                }
                let rows: Vec<(String, &str, &str, &str)> = rows
                    .iter()
                    .map(|(t, s, b)| (t.clone(), s.as_str(), "156", b.as_str()))
                    .collect();
                ingest_at(
                    &mut f.db,
                    inbox(&rows).as_bytes(),
                    &IngestOptions::default(),
                    clock,
                )
                .unwrap();
            }
            5 => {
                let number = hot(&mut rng);
                if rng.chance(50) {
                    let _ = dispute_at(&mut f.db, &number, "a shop", "op", clock);
                } else {
                    let state = if rng.chance(50) {
                        "approved"
                    } else {
                        "rejected"
                    };
                    let _ = decide_at(&mut f.db, &number, state, "checked", "op", clock);
                }
            }
            6 => {
                let id = 1 + rng.below(6) as i64;
                let d = [
                    DisputeDecision::Uphold,
                    DisputeDecision::Reject,
                    DisputeDecision::Withdraw,
                ][rng.below(3) as usize];
                let _ = decide_dispute_at(&mut f.db, id, d, "checked", "op", clock);
            }
            7 if rng.chance(10) => {
                source += 1;
                let csv = format!("{}\n{},scam,,,\n", SOURCE_HEADER.join(","), hot(&mut rng));
                add_source_at(
                    &mut f.db,
                    csv.as_bytes(),
                    &format!("Công an tỉnh {source}"),
                    rng.chance(50),
                    clock,
                )
                .unwrap();
            }
            // Time passes: hours, now and then days.
            _ => {
                clock += if rng.chance(10) {
                    2 * 86_400 + rng.below(86_400) as i64
                } else {
                    rng.below(14 * 3600) as i64
                };
            }
        }
        if rng.below(3) != 0 || step + 1 == steps {
            continue;
        }
        // A publish, and a full decide of the same database beside it.
        let copy = dir.path().join(format!("copy{step}.db"));
        f.db.conn
            .execute("VACUUM INTO ?1", [copy.to_str().unwrap()])
            .unwrap();
        if lag > 0 && rng.chance(15) {
            lag = 0;
        }
        let as_of = dates::day_of(clock) - lag;
        let a = match aggregate_at(&mut f.db, &policy, &protected, as_of, clock) {
            Ok(a) => a,
            // No report yet.
            Err(_) => continue,
        };
        published += 1;
        if a.decide.mode == "incremental" {
            incremental += 1;
        }
        let mut full_db = PublisherDb::open(&copy).unwrap();
        full_db
            .conn
            .execute("UPDATE publish_run SET decide = NULL", [])
            .unwrap();
        let full = aggregate_at(&mut full_db, &policy, &protected, as_of, clock).unwrap();
        assert_eq!(full.decide.mode, "full");
        let (got, want) = (snapshot(&f.db.conn, &a), snapshot(&full_db.conn, &full));
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(
                g, w,
                "seed {seed}, step {step}, {:?}: the incremental decide differs from the full one",
                a.decide
            );
        }
        drop(full_db);
        std::fs::remove_file(&copy).unwrap();
        // The publish's retention step, as `prepare_publish` runs it.
        let tx = f.db.transaction().unwrap();
        crate::inbox::retention::reduce(&tx, 0, as_of - policy.expire_days as i32).unwrap();
        tx.commit().unwrap();
    }
    assert!(published > steps / 6, "{published} publishes");
    incremental
}

#[test]
fn an_incremental_decide_equals_a_full_one_over_random_timelines() {
    let mut incremental = 0;
    for seed in 0..12 {
        incremental += timeline(seed, 150);
    }
    // Most publishes took the incremental path: the test compares it,
    // not the fallback with itself.
    assert!(incremental > 100, "{incremental} incremental publishes");
}

#[test]
fn stored_decisions_missing_or_not_adding_up_make_the_decide_full() {
    let mut f = fixture();
    let policy = ListingPolicy::default();
    let rows: Vec<(String, String)> = (1..=3).map(|w| (at(w, 0), reporter(w as u32))).collect();
    let rows: Vec<(String, &str, &str, &str)> = rows
        .iter()
        .map(|(t, who)| (t.clone(), who.as_str(), "156", "LD 0912345678 cong an"))
        .collect();
    f.ingest(&rows);
    let publish = |f: &mut Fixture| {
        aggregate_at(&mut f.db, &policy, &Protected::default(), today(), now())
            .unwrap()
            .aggregate
            .decide
    };
    assert_eq!(publish(&mut f).why, Some("the first publish"));
    let again = publish(&mut f);
    assert_eq!((again.mode, again.decided), ("incremental", 0));
    // As an upgrade leaves them: no state, entries and tallies not whole.
    f.db.conn
        .execute_batch(
            "UPDATE publish_run SET decide = NULL; UPDATE decided SET tally = NULL;
             UPDATE listed SET reports = NULL;",
        )
        .unwrap();
    let upgraded = publish(&mut f);
    assert_eq!(upgraded.mode, "full");
    assert!(upgraded.why.unwrap().contains("upgraded"));
    // That full decide stored them whole again.
    assert_eq!(
        f.count("SELECT count(*) FROM decided WHERE tally IS NULL"),
        0
    );
    assert_eq!(
        f.count("SELECT count(*) FROM listed WHERE reports IS NULL"),
        0
    );
    assert_eq!(publish(&mut f).mode, "incremental");
    // A stored decision gone: they do not add up.
    f.db.conn.execute("DELETE FROM decided", []).unwrap();
    let lost = publish(&mut f);
    assert_eq!(lost.why, Some("the stored decisions do not add up"));
    // Another policy value.
    let other = ListingPolicy {
        min_reporters: 4,
        ..ListingPolicy::default()
    };
    let changed = aggregate_at(&mut f.db, &other, &Protected::default(), today(), now()).unwrap();
    assert_eq!(
        changed.decide.why,
        Some("the policy, the protected numbers or a source changed")
    );
    assert!(changed.listed.is_empty());
    // Any change to any source, counted by the database's triggers.
    assert_eq!(publish(&mut f).mode, "full");
    assert_eq!(publish(&mut f).mode, "incremental");
    let csv = format!("{}\n0912000777,scam,,,\n", SOURCE_HEADER.join(","));
    add_source_at(&mut f.db, csv.as_bytes(), "Công an tỉnh", true, now()).unwrap();
    let sourced = publish(&mut f);
    assert_eq!(
        sourced.why,
        Some("the policy, the protected numbers or a source changed")
    );
    assert_eq!(publish(&mut f).mode, "incremental");
}
