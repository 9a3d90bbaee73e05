//! The publisher pipeline end to end on a real database file: inbox CSV →
//! ingest → sources and disputes → aggregate. Every number is synthetic.

use super::aggregate::{Aggregated, aggregate_at};
use super::disputes::dispute_at;
use super::ingest::{SHOWN_PER_REASON, ingest_at};
use super::sources::add_source_at;
use super::*;
use crate::dates;
use crate::model::{Category, Target};
use std::io::Read;
use std::path::PathBuf;

/// 2026-01-15 12:00 in Hà Nội: "now" for every test.
fn now() -> i64 {
    time::macros::datetime!(2026-01-15 12:00 +7).unix_timestamp()
}

fn today() -> i32 {
    dates::day_of(now())
}

/// A time `days_ago` days before today, at 09:00 plus `minute` minutes,
/// as an inbox export writes it.
fn at(days_ago: i32, minute: i64) -> String {
    dates::format_time(unix(days_ago, minute))
}

fn unix(days_ago: i32, minute: i64) -> i64 {
    i64::from(today() - days_ago) * 86_400 - 7 * 3600 + 9 * 3600 + minute * 60
}

/// splitmix64: the same inbox, or timeline, for a seed in every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

struct Fixture {
    _dir: tempfile::TempDir,
    path: PathBuf,
    db: PublisherDb,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("publisher.db");
    let db = PublisherDb::create(&path, &dir.path().join("reporter.key")).unwrap();
    Fixture {
        _dir: dir,
        path,
        db,
    }
}

/// An inbox CSV of (time, sender, to, body) rows.
fn inbox(rows: &[(String, &str, &str, &str)]) -> String {
    let mut csv = INBOX_HEADER.join(",") + "\n";
    for (time, sender, to, body) in rows {
        csv.push_str(&format!(
            "{time},{sender},{to},\"{}\"\n",
            body.replace('"', "\"\"")
        ));
    }
    csv
}

impl Fixture {
    fn ingest(&mut self, rows: &[(String, &str, &str, &str)]) -> IngestSummary {
        ingest_at(
            &mut self.db,
            inbox(rows).as_bytes(),
            &IngestOptions::default(),
            now(),
        )
        .unwrap()
    }

    fn aggregate(&mut self, protected: &Protected, as_of: i32) -> Aggregated {
        self.aggregate_with(&ListingPolicy::default(), protected, as_of)
    }

    fn aggregate_with(
        &mut self,
        policy: &ListingPolicy,
        protected: &Protected,
        as_of: i32,
    ) -> Aggregated {
        aggregate_at(&mut self.db, policy, protected, as_of, now()).unwrap()
    }

    fn listed(&mut self) -> Vec<i64> {
        numbers(&self.aggregate(&Protected::default(), today()))
    }

    fn count(&self, sql: &str) -> i64 {
        self.db.conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }
}

fn numbers(a: &Aggregated) -> Vec<i64> {
    a.listed
        .iter()
        .map(|e| match e.target {
            Target::Number(n) => n,
            Target::Prefix(_) => panic!("a prefix"),
        })
        .collect()
}

const SCAM: i64 = 84_912_345_678;

/// Reporter `i` (1-based): 0981000001, 0981000002, …
fn reporter(i: u32) -> String {
    format!("098100{i:04}")
}

#[test]
fn three_distinct_reporters_list_a_number() {
    let mut f = fixture();
    let (r1, r2, r3) = (reporter(1), reporter(2), reporter(3));
    let s = f.ingest(&[
        (
            at(10, 0),
            &r1,
            "156",
            "LD 0912345678 Mạo danh công an yêu cầu chuyển tiền",
        ),
        (at(5, 0), &r2, "5656", "ld0912.345.678 mao danh cong an"),
        (
            at(1, 0),
            &r3,
            "156",
            "LĐ +84 912 345 678 goi tu xung ngan hang",
        ),
        // Two reporters only, and a nuisance number three people report.
        (at(3, 0), &r1, "156", "LD 0987654321 ho loi OTP"),
        (at(2, 0), &r2, "156", "LD 0987654321"),
        (at(3, 0), &r1, "5656", "V 0901234567 quảng cáo bất động sản"),
        (at(3, 0), &r2, "5656", "V 0901234567"),
        (at(3, 0), &r3, "5656", "LD 0901234567"),
        // A day later.
        (at(2, 0), &reporter(4), "5656", "V [0901234567][bán đất]"),
    ]);
    assert_eq!(
        (s.rows, s.ingested, s.duplicates, s.rejected),
        (9, 9, 0, 0),
        "{s:?}"
    );
    // Three people confirm a listing here (the tier's own tests are in
    // `attacks`): the threshold, the majority and the counts.
    let three = ListingPolicy {
        confirm_reporters: 3,
        ..ListingPolicy::default()
    };
    let a = f.aggregate_with(&three, &Protected::default(), today());
    assert_eq!(numbers(&a), vec![84_901_234_567, SCAM]);
    let scam = &a.listed[1];
    assert_eq!(scam.reported.category, Category::Scam);
    assert_eq!(scam.reported.reports, 3);
    assert_eq!(scam.reported.last_reported, Some(today() - 1));
    assert_eq!(
        scam.reported.label.as_deref(),
        Some("mạo danh công an, tòa án")
    );
    assert_eq!(
        scam.evidence,
        Evidence {
            reporters: 3,
            last_day: today() - 1,
            provenance: Provenance::Community
        }
    );
    // Three V and one LD: nuisance, by majority.
    assert_eq!(a.listed[0].reported.category, Category::Nuisance);
    assert_eq!(a.listed[0].evidence.reporters, 4);
    assert_eq!(a.counts.listed, 2);
    assert_eq!(a.counts.added, 2);
    assert_eq!(
        a.counts.not_listed.get(&NotListed::BelowThreshold),
        Some(&1)
    );
    assert_eq!(a.counts.call_reports, 9);
    assert_eq!(
        a.counts.top_labels,
        vec![LabelCount {
            label: "mạo danh công an, tòa án".into(),
            numbers: 1
        }]
    );
    assert_eq!(a.added, vec![84_901_234_567, SCAM]);
    let set = a.entry_set();
    assert_eq!(set.numbers.len(), 2);
    assert_eq!(set.numbers[&SCAM], scam.reported);

    // The first publish logs every decision, with its counts, then its
    // summary.
    let log = audit_log(&f.db, Some(a.run)).unwrap();
    assert_eq!(log.len(), 4);
    let line: serde_json::Value = serde_json::from_str(&log[1]).unwrap();
    assert_eq!(line["number"], "+84912345678");
    assert_eq!(line["change"], "new");
    assert_eq!(line["decision"], "listed");
    assert_eq!(line["reporters"], 3);
    assert_eq!(line["provenance"]["kind"], "community");
    let line: serde_json::Value = serde_json::from_str(&log[2]).unwrap();
    assert_eq!(line["number"], "+84987654321");
    assert_eq!(line["reason"], "below_threshold");
    assert_eq!(line["reporters"], 2);
    let summary: serde_json::Value = serde_json::from_str(&log[3]).unwrap();
    assert_eq!(summary["summary"]["changed"], 3, "{summary}");
    assert_eq!(a.counts.audit.changed, 3);
    assert_eq!(a.counts.audit.lines, 4);

    // The next day nothing changes: nothing added, nothing removed.
    let again = f.aggregate_with(&three, &Protected::default(), today());
    assert_eq!(numbers(&again), numbers(&a));
    assert_eq!((again.counts.added, again.counts.removed), (0, 0));
    // By default three and four people are not yet enough to say scam or
    // nuisance: both listed, as suspicious.
    let default = f.aggregate(&Protected::default(), today());
    assert_eq!(numbers(&default), numbers(&a));
    assert!(
        default
            .listed
            .iter()
            .all(|e| e.reported.category == Category::Suspicious)
    );
    assert_eq!(
        (default.counts.changed, default.counts.lowered_burst),
        (2, 2)
    );
}

fn summary_of(f: &Fixture, run: i64) -> serde_json::Value {
    let log = audit_log(&f.db, Some(run)).unwrap();
    let last: serde_json::Value = serde_json::from_str(log.last().unwrap()).unwrap();
    last["summary"].clone()
}

fn lines_of(f: &Fixture, run: i64) -> Vec<serde_json::Value> {
    audit_log(&f.db, Some(run))
        .unwrap()
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_publish_logs_only_the_decisions_that_changed_and_a_summary() {
    let mut f = fixture();
    let r: Vec<String> = (1..=9).map(reporter).collect();
    f.ingest(&[
        // Listed: three people.
        (at(10, 0), &r[0], "156", "LD 0912345678 mao danh cong an"),
        (at(9, 0), &r[1], "156", "LD 0912345678"),
        (at(8, 0), &r[2], "156", "LD 0912345678"),
        // One person: below the threshold.
        (at(7, 0), &r[0], "156", "LD 0987654321"),
        // Two people: below the threshold.
        (at(7, 0), &r[0], "156", "LD 0977000111"),
        (at(6, 0), &r[1], "156", "LD 0977000111"),
        (at(6, 0), &r[1], "156", "LD 113"),
    ]);
    let first = f.aggregate(&Protected::default(), today() - 1);
    let log = lines_of(&f, first.run);
    assert_eq!(log.len(), 5);
    assert!(log[..4].iter().all(|l| l["change"] == "new"), "{log:?}");

    // No new report, a day later: only the summary line, every decision
    // counted as unchanged by kind.
    let second = f.aggregate(&Protected::default(), today());
    let log = audit_log(&f.db, Some(second.run)).unwrap();
    assert_eq!(log.len(), 1, "{log:?}");
    let summary: serde_json::Value = serde_json::from_str(&log[0]).unwrap();
    assert_eq!(summary["run"], second.run);
    assert_eq!(
        summary["summary"],
        serde_json::json!({
            "changed": 0,
            "unchanged": {"listed": 1, "below_threshold": 2, "protected": 1},
            "no_longer_decided": 0,
        })
    );
    assert_eq!(second.counts.audit.lines, 1);
    assert_eq!(second.counts.audit.bytes, log[0].len() as u64);

    // A new reporter of the one-person number: exactly that number's
    // change, with its evidence counts.
    f.ingest(&[(at(0, 0), &r[5], "156", "LD 0987654321")]);
    let third = f.aggregate(&Protected::default(), today());
    let log = lines_of(&f, third.run);
    assert_eq!(log.len(), 2, "{log:?}");
    assert_eq!(log[0]["number"], "+84987654321");
    assert_eq!(log[0]["change"], "evidence");
    assert_eq!(log[0]["decision"], "not_listed");
    assert_eq!(
        (log[0]["reporters"].as_u64(), log[0]["reports"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(log[1]["summary"]["changed"], 1);
    assert_eq!(
        log[1]["summary"]["unchanged"],
        serde_json::json!({"listed": 1, "below_threshold": 1, "protected": 1})
    );

    // A third person lists the two-person number: its decision changed.
    f.ingest(&[(at(0, 1), &r[6], "156", "LD 0977000111")]);
    let fourth = f.aggregate(&Protected::default(), today());
    let log = lines_of(&f, fourth.run);
    assert_eq!(log.len(), 2, "{log:?}");
    assert_eq!(log[0]["number"], "+84977000111");
    assert_eq!(log[0]["change"], "decision");
    assert_eq!(log[0]["decision"], "listed");
    assert_eq!(log[0]["reporters"], 3);
    assert_eq!(fourth.added, vec![84_977_000_111]);

    // The last line about a number is the decision in force.
    let history = audit_of(&f.db, "0977 000 111").unwrap();
    assert_eq!(history.len(), 2);
    let last: serde_json::Value = serde_json::from_str(history.last().unwrap()).unwrap();
    assert_eq!(
        (last["run"].as_i64(), last["decision"].as_str()),
        (Some(fourth.run), Some("listed"))
    );
    assert_eq!(audit_of(&f.db, "113").unwrap().len(), 1);
    assert_eq!(audit_of(&f.db, "+84 912 345 678").unwrap().len(), 1);
    for line in audit_log(&f.db, None).unwrap() {
        for who in &r {
            assert!(!line.contains(&who[1..]), "a reporter in {line}");
        }
    }
}

#[test]
fn numbers_left_with_nothing_to_decide_are_counted_in_the_summary() {
    let mut f = fixture();
    // One report 185 days ago: decided as of 10 days ago, not today.
    f.ingest(&[(at(185, 0), &reporter(1), "156", "LD 0987654321")]);
    let then = f.aggregate(&Protected::default(), today() - 10);
    assert_eq!(then.counts.audit.changed, 1);
    let now = f.aggregate(&Protected::default(), today());
    assert_eq!(now.counts.numbers, 0);
    let summary = summary_of(&f, now.run);
    assert_eq!(summary["no_longer_decided"], 1, "{summary}");
    assert_eq!(summary["changed"], 0);
    // Reported again: a new decision.
    f.ingest(&[(at(0, 0), &reporter(2), "156", "LD 0987654321")]);
    let again = f.aggregate(&Protected::default(), today());
    let log = lines_of(&f, again.run);
    assert_eq!(log[0]["change"], "new");
    assert_eq!(log[0]["reports"], 1);
}

#[test]
fn one_reporter_ten_times_is_not_listed() {
    let mut f = fixture();
    let r = reporter(7);
    let rows: Vec<(String, &str, &str, String)> = (0..10)
        .map(|i| {
            (
                at(i, i64::from(i)),
                r.as_str(),
                "156",
                format!("LD 0912345678 lan thu {i}"),
            )
        })
        .collect();
    let rows: Vec<(String, &str, &str, &str)> = rows
        .iter()
        .map(|(t, s, to, b)| (t.clone(), *s, *to, b.as_str()))
        .collect();
    // The same person in another written form is the same reporter.
    let mut rows = rows;
    rows.push((at(0, 30), "+84 98 100 0007", "156", "LD 0912345678 nua"));
    let s = f.ingest(&rows);
    assert_eq!(s.ingested, 11);
    let a = f.aggregate(&Protected::default(), today());
    assert!(a.listed.is_empty());
    assert_eq!(
        a.counts.not_listed.get(&NotListed::BelowThreshold),
        Some(&1)
    );
    let line: serde_json::Value =
        serde_json::from_str(&audit_log(&f.db, Some(a.run)).unwrap()[0]).unwrap();
    assert_eq!(line["reports"], 11);
    assert_eq!(line["reporters"], 1);
    assert_eq!(line["peak_reporters"], 1);
}

#[test]
fn a_number_last_reported_200_days_ago_is_not_listed() {
    let mut f = fixture();
    let (r1, r2, r3) = (reporter(1), reporter(2), reporter(3));
    f.ingest(&[
        (at(205, 0), &r1, "156", "LD 0912345678"),
        (at(202, 0), &r2, "156", "LD 0912345678"),
        (at(200, 0), &r3, "156", "LD 0912345678"),
        // Three reports 170 days ago: still listed (the window says how
        // close together the reports must be, the expiry how long they
        // count).
        (at(172, 0), &r1, "156", "LD 0987654321"),
        (at(171, 0), &r2, "156", "LD 0987654321"),
        (at(170, 0), &r3, "156", "LD 0987654321"),
    ]);
    // As of 165 days ago, both were listed.
    let then = f.aggregate(&Protected::default(), today() - 165);
    assert_eq!(numbers(&then), vec![SCAM, 84_987_654_321]);
    // Today the first has expired, and the removal says why.
    let a = f.aggregate(&Protected::default(), today());
    assert_eq!(numbers(&a), vec![84_987_654_321]);
    assert_eq!(a.removed, vec![(SCAM, NotListed::Expired)]);
    assert_eq!(a.counts.not_listed.get(&NotListed::Expired), Some(&1));
    // Once no longer listed, an expired number is not decided again.
    let later = f.aggregate(&Protected::default(), today());
    assert_eq!(later.counts.numbers, 1);
    // In a fresh database it is never listed at all.
    let mut fresh = fixture();
    fresh.ingest(&[
        (at(205, 0), &r1, "156", "LD 0912345678"),
        (at(202, 0), &r2, "156", "LD 0912345678"),
        (at(200, 0), &r3, "156", "LD 0912345678"),
    ]);
    assert!(fresh.listed().is_empty());
}

#[test]
fn emergency_numbers_hotlines_and_protected_numbers_are_never_listed_but_counted() {
    let mut f = fixture();
    let mut rows = Vec::new();
    for i in 1..=3 {
        let r = reporter(i);
        for body in [
            "LD 113 gia danh cong an",
            "LD 156",
            "V 5656 goi lien tuc",
            "LD 0987000111 ngan hang",
            "LD 0987000222",
        ] {
            rows.push((at(i as i32, 0), r.clone(), body));
        }
    }
    let rows: Vec<(String, &str, &str, &str)> = rows
        .iter()
        .map(|(t, r, b)| (t.clone(), r.as_str(), "156", *b))
        .collect();
    let s = f.ingest(&rows);
    assert_eq!(s.ingested, 15, "{s:?}");
    // 0987000222 is a number an official source says is legitimate: it is
    // listed as verified, named, and never as a scam whatever is reported.
    let official = "number,category,date,label,source_url\n0987000222,verified,2025-12-01,Bộ Công an — đường dây nóng,\n";
    let s = add_source_at(&mut f.db, official.as_bytes(), "Bộ Công an", true, now()).unwrap();
    assert_eq!(s.added, 1, "{s:?}");
    // A verified row needs the organisation's name.
    let nameless = "number,category,date,label,source_url\n0987000333,verified,2025-12-01,,\n";
    let s = add_source_at(&mut f.db, nameless.as_bytes(), "Bộ Công an", true, now()).unwrap();
    assert_eq!(s.rejected.len(), 1, "{s:?}");
    let protected: Protected = ["0987 000 111"].into_iter().collect();
    let a = f.aggregate(&protected, today());
    assert_eq!(a.listed.len(), 1, "{:?}", a.listed);
    let v = &a.listed[0];
    assert_eq!(v.target, Target::Number(84_987_000_222));
    assert_eq!(v.reported.category, Category::Verified);
    assert_eq!(
        v.reported.label.as_deref(),
        Some("Bộ Công an — đường dây nóng")
    );
    assert_eq!(a.counts.verified, 1);
    assert_eq!(a.counts.protected_numbers, 4);
    assert_eq!(a.counts.protected_reports, 12);
    assert_eq!(a.counts.not_listed.get(&NotListed::Protected), Some(&4));
    let log = audit_log(&f.db, Some(a.run)).unwrap().join("\n");
    for n in [
        "\"113\"",
        "\"156\"",
        "\"5656\"",
        "+84987000111",
        "+84987000222",
    ] {
        assert!(log.contains(n), "{n} in {log}");
    }
}

#[test]
fn a_disputed_number_is_listed_again_only_when_new_reporters_come() {
    let mut f = fixture();
    let old: Vec<String> = (1..=3).map(reporter).collect();
    let rows: Vec<(String, &str, &str, &str)> = old
        .iter()
        .enumerate()
        .map(|(i, r)| (at(20 - i as i32, 0), r.as_str(), "156", "LD 0912345678"))
        .collect();
    f.ingest(&rows);
    assert_eq!(f.listed(), vec![SCAM]);

    let d = dispute_at(
        &mut f.db,
        "+84 912 345 678",
        "số của một cửa hàng, đã xác minh",
        "Lan",
        unix(15, 0),
    )
    .unwrap();
    assert_eq!(d.number, "+84912345678");
    assert_eq!(d.display, "0912345678");
    assert_eq!(disputes(&f.db).unwrap(), vec![d.clone()]);
    assert_eq!(
        (d.state.as_str(), d.operator.as_deref()),
        ("open", Some("Lan"))
    );
    let a = f.aggregate(&Protected::default(), today());
    assert!(a.listed.is_empty());
    assert_eq!(a.removed, vec![(SCAM, NotListed::Disputed)]);

    // The same three people again: not new.
    let rows: Vec<(String, &str, &str, &str)> = old
        .iter()
        .map(|r| (at(10, 0), r.as_str(), "156", "LD 0912345678 lai goi"))
        .collect();
    f.ingest(&rows);
    assert!(f.listed().is_empty());
    // Two new people: not yet.
    let new: Vec<String> = (11..=13).map(reporter).collect();
    f.ingest(&[
        (at(5, 0), &new[0], "156", "LD 0912345678"),
        (at(4, 0), &new[1], "156", "LD 0912345678"),
    ]);
    assert!(f.listed().is_empty());
    // The third new person lists it again.
    f.ingest(&[(at(3, 0), &new[2], "156", "LD 0912345678")]);
    let a = f.aggregate(&Protected::default(), today());
    assert_eq!(numbers(&a), vec![SCAM]);
    let line: serde_json::Value =
        serde_json::from_str(&audit_log(&f.db, Some(a.run)).unwrap()[0]).unwrap();
    assert_eq!(line["new_reporters"], 3);
    assert_eq!(line["reporters"], 6);

    assert!(dispute_at(&mut f.db, "0912345678", "  ", "Lan", now()).is_err());
    assert!(dispute_at(&mut f.db, "113", "x", "Lan", now()).is_err());
    assert!(dispute_at(&mut f.db, "hello", "x", "Lan", now()).is_err());
}

#[test]
fn the_same_file_twice_adds_nothing() {
    let mut f = fixture();
    let (r1, r2) = (reporter(1), reporter(2));
    let rows = [
        (at(2, 0), r1.as_str(), "156", "LD 0912345678 cong an"),
        (at(1, 0), r2.as_str(), "156", "LD 0912345678 cong an"),
        (at(1, 5), r2.as_str(), "5656", "S VIETTEL tin nhan gia mao"),
        // The same message twice in one file.
        (at(1, 0), r2.as_str(), "156", "LD 0912345678 cong an"),
    ];
    let first = f.ingest(&rows);
    assert_eq!(
        (first.rows, first.ingested, first.duplicates),
        (4, 3, 1),
        "{first:?}"
    );
    let second = f.ingest(&rows);
    assert_eq!((second.rows, second.ingested, second.duplicates), (4, 0, 4));
    assert_eq!(f.count("SELECT count(*) FROM report"), 3);
    assert_eq!(f.count("SELECT count(*) FROM reporter"), 2);
    // The same moment written in another offset is the same message.
    // format_time writes Vietnam's wall clock: 7 hours earlier is UTC's.
    let utc = format!(
        "{}Z",
        dates::format_time(unix(2, 0) - 7 * 3600).replace(' ', "T")
    );
    let third = f.ingest(&[(utc, r1.as_str(), "156", "LD 0912345678 cong an")]);
    assert_eq!((third.ingested, third.duplicates), (0, 1));
    assert_eq!(f.count("SELECT count(*) FROM ingest_run"), 3);
}

#[test]
fn a_post_and_a_file_take_one_path_into_the_same_tables() {
    let mut f = fixture();
    let (r1, r2, r3) = (reporter(1), reporter(2), reporter(3));
    let file = f.ingest(&[
        (at(1, 0), r1.as_str(), "156", "LD 0912345678 cong an"),
        (at(1, 1), r2.as_str(), "156", "cam on"),
    ]);
    assert_eq!((file.ingested, file.rejected), (1, 1));
    let code = *file.rejected_by_reason.keys().next().unwrap();
    // The same two messages POSTed (`to` as a number, as gateways write
    // it), and a new one: a duplicate, the same rejection, one added.
    let post = |n: i64, who: &str, body: &str| serde_json::json!({"received_at": at(1, n), "sender": who, "to": 156, "body": body});
    let body = serde_json::json!([
        post(0, &r1, "LD 0912345678 cong an"),
        post(1, &r2, "cam on"),
        post(2, &r3, "LD 0912345678 goi"),
    ]);
    let batch = Batch::from_json(body.to_string().as_bytes()).unwrap();
    let options = IngestOptions::default();
    let got = ingest_batches(&mut f.db, &[("gw-1", &batch)], &options).unwrap();
    assert!(
        matches!(
            &got[..],
            [o] if matches!(&o[..], [
                Outcome::Duplicate,
                Outcome::Rejected { code: c, .. },
                Outcome::Accepted,
            ] if *c == code)
        ),
        "{got:?}"
    );
    assert_eq!(f.count("SELECT count(*) FROM report"), 2);
    assert_eq!(
        f.count("SELECT count(*) FROM report WHERE gateway = 'gw-1'"),
        1
    );
    // A gateway's counts add up in one row until a publish reads it.
    let again = Batch::from_json(
        post(3, &r3, "V 0912345679 quang cao")
            .to_string()
            .as_bytes(),
    )
    .unwrap();
    ingest_batches(&mut f.db, &[("gw-1", &again)], &options).unwrap();
    let runs = "SELECT count(*) FROM ingest_run WHERE gateway = 'gw-1'";
    assert_eq!(f.count(runs), 1);
    assert_eq!(
        f.count(
            "SELECT rows * 100 + ingested * 10 + duplicates FROM ingest_run WHERE gateway = 'gw-1'"
        ),
        421
    );
    f.listed();
    ingest_batches(&mut f.db, &[("gw-1", &again)], &options).unwrap();
    assert_eq!(f.count(runs), 2);
}

#[test]
fn malformed_lines_are_rejected_by_number_and_the_rest_ingested() {
    let mut f = fixture();
    let r = reporter(1);
    let long_body = format!("LD 0912345678 {}", "x".repeat(16 * 1024));
    let csv = format!(
        "Received_At,Sender,To,Body\r\n\
         {t},{r},156,LD 0912345678 ok\r\n\
         15/01/2026 09:00,{r},156,LD 0912345678\n\
         {t},{r},113,LD 0912345678\n\
         {t},VIETTEL,156,LD 0912345678\n\
         {t},{r},156,0912345678 khong co tu khoa\n\
         {t},{r},156,cam on\n\
         \n\
         {t},+1 202 555 0143,156,LD 0912345678\n\
         {t},{r},156,{long_body}\n\
         {t},{r},156,LD 09123\n\
         {t},{r},156,XYZ 0912345678\n\
         {future},{r},156,LD 0912345678\n\
         {t},{r},5656,\"V 0912345678, goi \"\"quang cao\"\"\"\n",
        t = at(1, 0),
        future = at(-2, 0),
    );
    let s = ingest_at(&mut f.db, csv.as_bytes(), &IngestOptions::default(), now()).unwrap();
    let got: Vec<(u64, &str)> = s
        .rejected_rows
        .iter()
        .map(|r| (r.line, r.reason.split(':').next().unwrap()))
        .collect();
    assert_eq!(
        got,
        vec![
            (3, "bad_time"),
            (4, "bad_to"),
            (5, "bad_sender"),
            (6, "no_keyword"),
            (7, "chatter"),
            (9, "sender_not_mobile"),
            (11, "invalid_number"),
            (12, "unknown_keyword"),
            (13, "bad_time"),
        ],
        "{:?}",
        s.rejected_rows
    );
    // The long body is an SMS of many segments: read whole, its content
    // cut as parse_body cuts it.
    assert_eq!((s.rows, s.ingested, s.duplicates), (12, 3, 0));
    assert_eq!(s.rejected, 9);
    assert_eq!(s.rejected_by_reason.get("bad_time"), Some(&2));
    // No reason repeats the reporter's number.
    for rej in &s.rejected_rows {
        assert!(!rej.reason.contains("981000001"), "{rej:?}");
    }
    let content: String =
        f.db.conn
            .query_row("SELECT content FROM report WHERE hotline = 5656", [], |r| {
                r.get(0)
            })
            .unwrap();
    assert_eq!(content, "goi \"quang cao\"");
    // The rejected lines are counted by reason for the publish report.
    let a = f.aggregate(&Protected::default(), today());
    assert_eq!(a.counts.rejected_input.get("bad_time"), Some(&2));
    assert_eq!(a.counts.rejected_input.get("sender_not_mobile"), Some(&1));
    assert_eq!(a.counts.rejected_input.values().sum::<u64>(), 9);
    // Counted once: the next aggregation has seen no new ingest.
    let b = f.aggregate(&Protected::default(), today());
    assert!(b.counts.rejected_input.is_empty());

    // A wrong header ingests nothing.
    let err = ingest_at(
        &mut f.db,
        "time,from,body\n2026-01-01,0981000001,LD 0912345678\n".as_bytes(),
        &IngestOptions::default(),
        now(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("header"), "{err}");
    assert_eq!(f.count("SELECT count(*) FROM report"), 3);
}

#[test]
fn sms_reports_are_counted_but_never_in_the_call_list() {
    let mut f = fixture();
    let rows: Vec<(String, String, &str, &str)> = (1..=3)
        .flat_map(|i| {
            [
                (
                    at(2, 0),
                    reporter(i),
                    "5656",
                    "S 0912345678 tin nhan lua dao",
                ),
                (at(2, 1), reporter(i), "5656", "S VIETTEL khuyen mai gia"),
            ]
        })
        .collect();
    let rows: Vec<(String, &str, &str, &str)> = rows
        .iter()
        .map(|(t, r, to, b)| (t.clone(), r.as_str(), *to, *b))
        .collect();
    f.ingest(&rows);
    let a = f.aggregate(&Protected::default(), today());
    assert!(a.listed.is_empty());
    assert_eq!(a.counts.not_listed.get(&NotListed::SmsOnly), Some(&1));
    assert_eq!(a.counts.sms_reports, 6);
    assert_eq!(a.counts.call_reports, 0);
}

#[test]
fn official_sources_list_without_the_threshold_and_keep_their_provenance() {
    let mut f = fixture();
    let csv = "number,category,date,label,source_url\n\
               0912345678,scam,2026-01-10,mạo danh công an,https://congan.example.vn/thong-bao/1\n\
               +84 98 765 4321,nuisance,,,\n\
               0900000000*,scam,,,\n\
               0912000111,fraud,,,\n\
               0912000112,scam,2026-02-30,,\n\
               0912000113,scam,1999-12-31,,\n\
               0912000114,scam,,,ftp://x\n\
               0912000115,scam,,\u{202E}evil,\n\
               0912345678,scam,,,\n";
    let s = add_source_at(
        &mut f.db,
        csv.as_bytes(),
        "Công an tỉnh Ninh Bình",
        true,
        now(),
    )
    .unwrap();
    assert_eq!((s.rows, s.added, s.updated, s.unchanged), (9, 2, 0, 0));
    let lines: Vec<u64> = s.rejected.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![4, 5, 6, 7, 8, 9, 10], "{:?}", s.rejected);
    assert!(
        s.rejected[6].reason.contains("line 2"),
        "{:?}",
        s.rejected[6]
    );
    // Again: nothing new.
    let again = add_source_at(
        &mut f.db,
        csv.as_bytes(),
        "Công an tỉnh Ninh Bình",
        true,
        now(),
    )
    .unwrap();
    assert_eq!((again.added, again.unchanged), (0, 2));
    // The flag of a source cannot change.
    assert!(
        add_source_at(
            &mut f.db,
            csv.as_bytes(),
            "Công an tỉnh Ninh Bình",
            false,
            now()
        )
        .is_err()
    );

    let a = f.aggregate(&Protected::default(), today());
    assert_eq!(numbers(&a), vec![SCAM, 84_987_654_321]);
    let e = &a.listed[0];
    assert_eq!(e.reported.category, Category::Scam);
    assert_eq!(e.reported.label.as_deref(), Some("mạo danh công an"));
    assert_eq!(e.reported.last_reported, dates::parse_day("2026-01-10"));
    assert_eq!(
        e.evidence.provenance,
        Provenance::Source {
            name: "Công an tỉnh Ninh Bình".into(),
            url: Some("https://congan.example.vn/thong-bao/1".into())
        }
    );
    assert_eq!(e.evidence.reporters, 0);
    // An undated entry counts from the day its source was added.
    assert_eq!(a.listed[1].reported.category, Category::Nuisance);
    assert_eq!(a.listed[1].evidence.last_day, today());
    assert_eq!(a.counts.listed_by_source, 2);

    // A source that is not official is one reporter among others.
    let news = "number,category,date,label,source_url\n0901234567,scam,2026-01-12,,https://news.example.vn/a\n";
    let n = add_source_at(&mut f.db, news.as_bytes(), "Báo Example", false, now()).unwrap();
    assert_eq!(n.added, 1);
    let verified = "number,category,date,label,source_url\n0901234568,verified,,,\n";
    let v = add_source_at(&mut f.db, verified.as_bytes(), "Báo Example", false, now()).unwrap();
    assert_eq!(
        v.rejected.len(),
        1,
        "only an official source may say verified"
    );
    assert!(!f.listed().contains(&84_901_234_567));
    f.ingest(&[
        (at(2, 0), &reporter(1), "156", "LD 0901234567"),
        (at(1, 0), &reporter(2), "156", "LD 0901234567"),
    ]);
    let a = f.aggregate(&Protected::default(), today());
    let e = a
        .listed
        .iter()
        .find(|e| e.target == Target::Number(84_901_234_567))
        .unwrap();
    assert_eq!(e.evidence.provenance, Provenance::Community);
    assert_eq!(e.evidence.reporters, 2, "people only");
}

#[test]
fn the_reporters_number_is_never_written_anywhere() {
    let mut f = fixture();
    // The reporter 0981234567 in the forms an export may hold.
    let forms = [
        "0981234567",
        "+84981234567",
        "84981234567",
        "+84 98 123 4567",
    ];
    let rows: Vec<(String, &str, &str, &str)> = forms
        .iter()
        .enumerate()
        .map(|(i, r)| {
            (
                at(i as i32 + 1, 0),
                *r,
                "156",
                "LD 0912345678 mao danh cong an",
            )
        })
        .collect();
    let s = f.ingest(&rows);
    assert_eq!(s.ingested, 4);
    f.ingest(&[
        (at(1, 0), &reporter(2), "156", "LD 0912345678"),
        (at(1, 0), &reporter(3), "156", "LD 0912345678"),
        (at(1, 0), "0981234567", "156", "LD 113"),
        (at(1, 0), "0981234567", "156", "hello?"),
    ]);
    dispute_at(&mut f.db, "0987654321", "test", "Lan", now()).unwrap();
    let a = f.aggregate(&Protected::default(), today());
    assert_eq!(numbers(&a), vec![SCAM]);
    assert_eq!(f.count("SELECT count(*) FROM reporter"), 3);
    let log = audit_log(&f.db, None).unwrap().join("\n");
    let path = f.path.clone();
    drop(f.db);

    let digits = ["981234567", "0981234567", "84981234567"];
    let as_int = 84_981_234_567i64.to_be_bytes();
    let mut files = vec![std::fs::read(&path).unwrap()];
    for side in ["-wal", "-shm", "-journal"] {
        if let Ok(bytes) = std::fs::read(format!("{}{side}", path.display())) {
            files.push(bytes);
        }
    }
    assert!(files[0].len() > 4096);
    for bytes in &files {
        for d in digits {
            let utf16: Vec<u8> = d.encode_utf16().flat_map(u16::to_le_bytes).collect();
            for needle in [d.as_bytes(), &utf16[..]] {
                assert!(
                    !bytes.windows(needle.len()).any(|w| w == needle),
                    "{d} found in the database"
                );
            }
        }
        // As an integer: SQLite stores 84981234567 in 6 big-endian bytes.
        for needle in [&as_int[2..], &as_int[..]] {
            assert!(!bytes.windows(needle.len()).any(|w| w == needle));
        }
    }
    // The reported number is there, as text and as an integer: the
    // search does find numbers.
    let reported = 84_912_345_678i64.to_be_bytes();
    assert!(files[0].windows(11).any(|w| w == b"84912345678"));
    assert!(files[0].windows(6).any(|w| w == &reported[2..]));
    for d in digits {
        assert!(!log.contains(d), "{d} in the audit log");
    }
    assert!(log.contains("+84912345678"));
}

#[test]
fn protected_numbers_come_from_a_csv_whose_first_column_is_the_number() {
    let csv = "Number,Name\n0987 000 111,Ngân hàng Example\n+84 24 3822 1234,Bộ Example\n113,\nhello,\n\n\"open\n";
    let (set, rejected) = Protected::from_csv(csv.as_bytes()).unwrap();
    assert_eq!(set.len(), 2);
    assert!(set.contains(84_987_000_111));
    assert!(set.contains(842_438_221_234));
    let lines: Vec<u64> = rejected.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![4, 5, 7], "{rejected:?}");
    assert!(Protected::from_csv("name\n0987000111\n".as_bytes()).is_err());
}

#[test]
fn an_official_warning_after_a_dispute_lists_the_number_again() {
    let mut f = fixture();
    let csv = "number,category,date,label,source_url\n0912345678,scam,2026-01-05,,\n";
    add_source_at(&mut f.db, csv.as_bytes(), "Sở Example", true, now()).unwrap();
    assert_eq!(f.listed(), vec![SCAM]);
    dispute_at(&mut f.db, "0912345678", "đã xác minh", "Lan", unix(8, 0)).unwrap();
    assert!(f.listed().is_empty());
    let csv = "number,category,date,label,source_url\n0912345678,scam,2026-01-12,,\n";
    let s = add_source_at(&mut f.db, csv.as_bytes(), "Sở Example", true, now()).unwrap();
    assert_eq!(s.updated, 1);
    assert_eq!(f.listed(), vec![SCAM]);
}

/// A publish reads the reports of its window in one pass; reports older
/// than `expire_days` (180) still decide two things, and are looked up for
/// the numbers where they can.
#[test]
fn reports_older_than_the_window_still_count_for_disputes_and_sms_only() {
    let mut f = fixture();
    // Someone reported it 300 days ago (a call), and it was disputed 200
    // days ago; within the window, that same person and two new people.
    let r: Vec<String> = (1..=3).map(reporter).collect();
    f.ingest(&[(at(300, 0), &r[0], "156", "LD 0912345678")]);
    dispute_at(&mut f.db, "0912345678", "đã xác minh", "Lan", unix(200, 0)).unwrap();
    f.ingest(&[
        (at(5, 0), &r[0], "156", "LD 0912345678"),
        (at(4, 0), &r[1], "156", "LD 0912345678"),
        (at(3, 0), &r[2], "156", "LD 0912345678"),
    ]);
    // Reported by SMS only within the window: one number that was
    // reported for a call 250 days ago (expired), one never (SMS only).
    f.ingest(&[
        (at(250, 0), &r[0], "156", "LD 0987654321"),
        (at(2, 0), &r[1], "5656", "S 0987654321 tin nhan la"),
        (at(2, 0), &r[1], "5656", "S 0977654321 tin nhan la"),
    ]);
    let a = f.aggregate(&Protected::default(), today());
    assert!(a.listed.is_empty());
    let reasons = |n: &str| -> Vec<String> {
        audit_log(&f.db, Some(a.run))
            .unwrap()
            .iter()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .filter(|l| l["number"] == n)
            .map(|l| format!("{} {}", l["reason"], l["new_reporters"]))
            .collect()
    };
    // Only two of the three are new: the first reported before the dispute.
    assert_eq!(reasons("+84912345678"), ["\"disputed\" 2"]);
    assert_eq!(reasons("+84987654321"), ["\"expired\" null"]);
    assert_eq!(reasons("+84977654321"), ["\"sms_only\" null"]);
}

struct BrokenRead;

impl std::io::Read for BrokenRead {
    fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
        Err(std::io::Error::other("the disk went away"))
    }
}

/// The ingest writes with the CHECK constraints off (they cost a fifth of
/// it) and tests them itself; they are on again afterwards, even when the
/// ingest failed.
#[test]
fn check_constraints_hold_again_after_an_ingest() {
    let mut f = fixture();
    f.ingest(&[(at(1, 0), &reporter(1), "156", "LD 0912345678")]);
    // A read error half-way through a file.
    let csv = inbox(&[(at(1, 0), &reporter(2), "156", "LD 0912345679")]);
    let broken = csv.as_bytes().chain(BrokenRead);
    assert!(ingest_at(&mut f.db, broken, &IngestOptions::default(), now()).is_err());
    assert_eq!(f.count("SELECT count(*) FROM report"), 1);
    let bad = f.db.conn.execute(
        "INSERT INTO report (uniq, received_at, day, reporter_id, hotline, keyword, number,
                             content, category)
         VALUES (x'00', 0, 0, 1, 156, 'XX', 84912345678, '', 'scam')",
        [],
    );
    assert!(bad.is_err(), "{bad:?}");
    let on: i64 = f.count("PRAGMA ignore_check_constraints");
    assert_eq!(on, 0);
}

/// Ingests `text` as it is, in `format`.
fn ingest_text(f: &mut Fixture, text: &str, format: InboxFormat) -> Result<IngestSummary, String> {
    let options = IngestOptions {
        format,
        ..IngestOptions::default()
    };
    ingest_at(&mut f.db, text.as_bytes(), &options, now()).map_err(|e| e.to_string())
}

/// The attack: one SMS whose body holds line breaks, and lines that look
/// like inbox rows from other senders. A CSV writer quotes it whole; read
/// a line at a time it became five "reporters" of 0912345678, enough to
/// list it. Read as CSV, it is one message from one reporter.
#[test]
fn one_sms_with_line_breaks_is_one_message_from_one_reporter() {
    let mut f = fixture();
    let mut body = String::from("LD 0912345678 goi lua dao");
    for i in 2..=5 {
        body.push_str(&format!(
            "\n{},098100{i:04},156,LD 0912345678 mao danh cong an",
            at(1, i)
        ));
    }
    let csv = inbox(&[(at(1, 0), &reporter(1), "156", &body)]);
    assert_eq!(csv.lines().count(), 6, "the file has the forged lines");
    let s = ingest_text(&mut f, &csv, InboxFormat::Csv).unwrap();
    assert_eq!((s.rows, s.ingested, s.rejected), (1, 1, 0), "{s:?}");
    assert_eq!(f.count("SELECT count(*) FROM reporter"), 1);
    assert!(f.listed().is_empty());
}

/// The attack: a quote left open (or a stray one) makes every line after
/// it ambiguous. The file is refused whole, its line named.
#[test]
fn a_file_whose_quoting_breaks_ingests_nothing() {
    let mut f = fixture();
    let good = inbox(&[
        (at(1, 0), &reporter(1), "156", "LD 0912345678"),
        (at(1, 1), &reporter(2), "156", "LD 0912345678"),
    ]);
    for (broken, line) in [
        (
            format!(
                "{good}{},{},156,\"LD 0912345678 open\n",
                at(1, 2),
                reporter(3)
            ),
            4,
        ),
        (
            format!("{good}{},{},156,LD \"0912345678\"\n", at(1, 2), reporter(3)),
            4,
        ),
        (
            format!("{good}{},{},156,LD 0912345678,x\n", at(1, 2), reporter(3)),
            4,
        ),
    ] {
        let err = ingest_text(&mut f, &broken, InboxFormat::Csv).unwrap_err();
        assert!(err.contains(&format!("line {line}: ")), "{err}");
        assert!(err.contains("nothing of it was ingested"), "{err}");
    }
    assert_eq!(f.count("SELECT count(*) FROM report"), 0);
    assert_eq!(f.count("SELECT count(*) FROM reporter"), 0);
    assert_eq!(f.count("SELECT count(*) FROM ingest_run"), 0);
}

#[test]
fn json_lines_are_ingested_like_csv() {
    let mut f = fixture();
    let line = |t: &str, r: &str, body: &str| {
        serde_json::json!({"received_at": t, "sender": r, "to": "156", "body": body}).to_string()
    };
    let jsonl = [
        line(&at(3, 0), &reporter(1), "LD 0912345678 mạo danh công an"),
        line(&at(2, 0), &reporter(2), "LD 0912345678\ndòng thứ hai"),
        "{\"received_at\": 1}".to_string(),
        line(&at(1, 0), &reporter(3), "LD 0912345678"),
        line(&at(1, 0), "19001234", "LD 0912345678"),
    ]
    .join("\n");
    let s = ingest_text(&mut f, &jsonl, InboxFormat::Jsonl).unwrap();
    assert_eq!((s.rows, s.ingested, s.rejected), (5, 3, 2), "{s:?}");
    let lines: Vec<u64> = s.rejected_rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![3, 5]);
    assert_eq!(s.rejected_by_reason.get("bad_json"), Some(&1));
    assert_eq!(f.listed(), vec![SCAM]);
}

/// The operator's own id makes an ingest idempotent even when the export
/// writes the same message differently the next time (another time format,
/// a body re-encoded).
#[test]
fn a_message_id_is_ingested_once() {
    let mut f = fixture();
    let (r1, r2) = (reporter(1), reporter(2));
    let csv = format!(
        "received_at,sender,to,body,message_id\n\
         {t},{r1},156,LD 0912345678,gw-1\n\
         {t2},{r1},156,LD 0912345678 (gui lai),gw-1\n\
         {t},{r2},156,LD 0912345678,\n\
         {t},{r2},156,LD 0912345679,{long}\n",
        t = at(1, 0),
        t2 = at(1, 5),
        long = "x".repeat(201),
    );
    let s = ingest_text(&mut f, &csv, InboxFormat::Csv).unwrap();
    assert_eq!(
        (s.rows, s.ingested, s.duplicates, s.rejected),
        (4, 2, 1, 1),
        "{s:?}"
    );
    assert_eq!(s.rejected_by_reason.get("bad_message_id"), Some(&1));
    let jsonl = serde_json::json!({"received_at": at(0, 0), "sender": r2, "to": "5656",
        "body": "V 0987654321", "message_id": "gw-1"})
    .to_string();
    let again = ingest_text(&mut f, &jsonl, InboxFormat::Jsonl).unwrap();
    assert_eq!((again.ingested, again.duplicates), (0, 1), "{again:?}");
    // The id is kept keyed: the text is nowhere in the file.
    assert_eq!(
        f.count("SELECT count(*) FROM report WHERE message_id IS NOT NULL"),
        1
    );
    let bytes = std::fs::read(&f.path).unwrap();
    let wal = std::fs::read(f.path.with_extension("db-wal")).unwrap_or_default();
    for file in [&bytes, &wal] {
        assert!(!file.windows(4).any(|w| w == b"gw-1"));
    }
}

/// The attack: a US number, a 1900 line, 113, or the reported number
/// itself counted as reporters. Each is rejected by its own reason, and
/// three of them with one real person do not list the number.
#[test]
fn only_a_persons_mobile_counts_as_a_reporter() {
    let mut f = fixture();
    let s = f.ingest(&[
        (at(1, 0), "+1 202 555 0143", "156", "LD 0912345678"),
        (at(1, 1), "19001234", "156", "LD 0912345678"),
        (at(1, 2), "113", "156", "LD 0912345678"),
        (at(1, 3), "0912345678", "156", "LD 0912 345 678 so cua toi"),
        (at(1, 4), "02439361111", "156", "LD 0912345678"),
        (at(1, 5), &reporter(1), "156", "LD 0912345678"),
    ]);
    assert_eq!((s.ingested, s.rejected), (1, 5), "{s:?}");
    assert_eq!(s.rejected_by_reason.get("sender_not_mobile"), Some(&4));
    assert_eq!(
        s.rejected_by_reason.get("sender_is_reported_number"),
        Some(&1)
    );
    // Counted in the publish report's rejected input.
    let a = f.aggregate(&Protected::default(), today());
    assert!(a.listed.is_empty());
    assert_eq!(a.counts.rejected_input.get("sender_not_mobile"), Some(&4));
    assert_eq!(
        a.counts.rejected_input.get("sender_is_reported_number"),
        Some(&1)
    );
    // A number the operator allows counts.
    let options = IngestOptions {
        allowed_senders: AllowedSenders::from_csv(&b"number\n02439361111\n"[..]).unwrap(),
        ..IngestOptions::default()
    };
    let csv = inbox(&[(at(1, 4), "02439361111", "156", "LD 0912345678")]);
    let s = ingest_at(&mut f.db, csv.as_bytes(), &options, now()).unwrap();
    assert_eq!(s.ingested, 1, "{s:?}");
}

/// The attack: a flood of junk makes the summary (and the CLI's `--json`)
/// a list as long as the file. It keeps counts, and a few lines a reason.
#[test]
fn a_flood_of_junk_is_counted_and_a_few_lines_kept() {
    let mut f = fixture();
    let mut csv = INBOX_HEADER.join(",") + "\n";
    for i in 0..100_000 {
        match i % 2 {
            0 => csv.push_str(&format!("junk{i},0901000001,156,LD 0912345678\n")),
            _ => csv.push_str(&format!("{},0901000001,156,xin chao {i}\n", at(1, 0))),
        }
    }
    let s = ingest_text(&mut f, &csv, InboxFormat::Csv).unwrap();
    assert_eq!((s.rows, s.rejected), (100_000, 100_000));
    assert_eq!(s.rejected_by_reason.get("bad_time"), Some(&50_000));
    assert_eq!(s.rejected_by_reason.values().sum::<u64>(), 100_000);
    assert_eq!(s.rejected_rows.len() as u64, 2 * SHOWN_PER_REASON);
    assert_eq!(s.rejected_rows[0].line, 2);
}

mod attacks;
mod campaigns;
mod incremental;
