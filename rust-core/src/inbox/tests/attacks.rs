//! The attack suite of issue 19, on the publisher's side: each test first
//! reproduces the attack (the comment says what it did before), then
//! shows the rule that refuses, holds or lowers it. The phone's side of
//! the same attacks is in `cli/tests/publisher.rs`.

use super::*;
use crate::inbox::disputes::decide_dispute_at;
use crate::inbox::review::decide_at;

/// The rules before issue 19, as far as they are policy values: no
/// per-sender caps, no second tier. Each attack on them is first run with
/// this policy, to show it still works there, then with the defaults.
fn without_the_rules() -> ListingPolicy {
    ListingPolicy {
        max_numbers_per_sender_day: 10_000,
        max_numbers_per_sender_window: 10_000,
        confirm_hours: 0,
        confirm_reporters: 1,
        ..ListingPolicy::default()
    }
}

/// Rows of (time, sender, body) to 156, senders owned.
fn rows(list: &[(i64, String, String)]) -> Vec<(String, &str, &str, &str)> {
    list.iter()
        .map(|(t, who, body)| (dates::format_time(*t), who.as_str(), "156", body.as_str()))
        .collect()
}

/// Sender `i` of a family of synthetic SIMs: 0982 000 000 + i.
fn sim(i: u32) -> String {
    format!("0982{i:06}")
}

/// Sender `i` of the synthetic people: 0983 000 000 + i.
fn person(i: u32) -> String {
    format!("0983{i:06}")
}

fn entry(a: &Aggregated, number: i64) -> Option<&ListedEntry> {
    a.listed.iter().find(|e| e.target == Target::Number(number))
}

fn line_of(f: &Fixture, run: i64, number: &str) -> serde_json::Value {
    lines_of(f, run)
        .into_iter()
        .find(|l| l["number"] == number)
        .unwrap_or_else(|| panic!("no line about {number}"))
}

/// Before: category and label were majorities of *reports*: one SIM's 51
/// `V` reports outvoted 50 people, and phones showed "CUỘC GỌI LÀM PHIỀN"
/// with the SIM's label, and 101 reports.
#[test]
fn one_sim_cannot_forge_the_category_or_the_label() {
    let mut f = fixture();
    let mut list = Vec::new();
    for i in 0..50 {
        let t = unix(5 - i32::try_from(i % 3).unwrap(), i64::from(i));
        list.push((t, person(i), "LD 0912345678 mạo danh công an".to_string()));
    }
    for k in 0..51 {
        list.push((
            unix(1, k),
            sim(1),
            "V 0912345678 quảng cáo bất động sản".to_string(),
        ));
    }
    assert_eq!(f.ingest(&rows(&list)).ingested, 101);
    let a = f.aggregate(&Protected::default(), today());
    // The attack as the old rule saw it: more V rows than LD rows.
    let line = line_of(&f, a.run, "+84912345678");
    assert_eq!(
        (
            line["scam_reports"].as_u64(),
            line["nuisance_reports"].as_u64()
        ),
        (Some(50), Some(51))
    );
    // People decide: 50 to 1.
    let e = entry(&a, SCAM).unwrap();
    assert_eq!(e.reported.category, Category::Scam);
    assert_eq!(
        e.reported.label.as_deref(),
        Some("mạo danh công an, tòa án")
    );
    assert_eq!((e.reported.reports, e.reported.reporters), (51, Some(51)));
}

/// Before: three prepaid SIMs, nine seconds apart, listed any number as
/// "CẢNH BÁO LỪA ĐẢO" for 180 days, weighed like three strangers over
/// three months; waiting a day, or one stale report, then made it a scam.
#[test]
fn three_sims_in_nine_seconds_list_a_number_as_suspicious_only() {
    let mut f = fixture();
    let t0 = unix(3, 0);
    let burst = |first: u32, n: u32, at: i64, body: &str| -> Vec<(i64, String, String)> {
        (0..n)
            .map(|i| (at + 9 * i64::from(i), sim(first + i), body.to_string()))
            .collect()
    };
    f.ingest(&rows(&burst(0, 3, t0, "LD 0912345678 mạo danh công an")));
    // The attack: without the rules, three SIMs make a scam.
    let before = f.aggregate_with(&without_the_rules(), &Protected::default(), today());
    assert_eq!(
        entry(&before, SCAM).unwrap().reported.category,
        Category::Scam
    );
    let a = f.aggregate(&Protected::default(), today());
    // Listed at once (phones are warned), but not as a scam.
    let e = entry(&a, SCAM).unwrap();
    assert_eq!(e.reported.category, Category::Suspicious);
    assert_eq!(
        e.reported.label.as_deref(),
        Some("mạo danh công an, tòa án")
    );
    assert_eq!(a.counts.lowered_burst, 1);
    // The same three SIMs wait two days: still three people, suspicious.
    f.ingest(&rows(&[(
        t0 + 2 * 86_400,
        sim(0),
        "LD 0912345678".to_string(),
    )]));
    let a = f.aggregate(&Protected::default(), today());
    assert_eq!(
        entry(&a, SCAM).unwrap().reported.category,
        Category::Suspicious
    );

    // Five SIMs in 36 seconds and one person's report of 100 days ago
    // (within expire_days, outside window_days): the stale report is not
    // in the period that lists the number and confirms nothing.
    let other = 84_912_000_005;
    f.ingest(&rows(&[(
        unix(100, 0),
        person(9),
        "LD 0912000005".to_string(),
    )]));
    f.ingest(&rows(&burst(10, 5, t0, "LD 0912000005 khoa sim")));
    let a = f.aggregate(&Protected::default(), today());
    assert_eq!(
        entry(&a, other).unwrap().reported.category,
        Category::Suspicious
    );
    assert_eq!(a.counts.lowered_burst, 2);

    // Five people over two days: confirmed, scam.
    let confirmed = 84_912_000_006;
    let list: Vec<_> = (0..5)
        .map(|i| {
            (
                t0 + i64::from(i) * 12 * 3600,
                person(i),
                "LD 0912000006 mạo danh công an".to_string(),
            )
        })
        .collect();
    f.ingest(&rows(&list));
    let a = f.aggregate(&Protected::default(), today());
    assert_eq!(
        entry(&a, confirmed).unwrap().reported.category,
        Category::Scam
    );
    assert_eq!(a.counts.lowered_burst, 2);
}

/// Before: 10,000 brand-new senders in one minute raised no flag: scam at
/// once.
#[test]
fn ten_thousand_new_senders_in_a_minute_list_a_number_as_suspicious_only() {
    let mut f = fixture();
    let t0 = unix(0, 0);
    let list: Vec<_> = (0..10_000)
        .map(|i| {
            (
                t0 + i64::from(i % 60),
                person(i),
                "LD 0912345678 khoa sim".to_string(),
            )
        })
        .collect();
    assert_eq!(f.ingest(&rows(&list)).ingested, 10_000);
    let before = f.aggregate_with(&without_the_rules(), &Protected::default(), today());
    assert_eq!(
        entry(&before, SCAM).unwrap().reported.category,
        Category::Scam
    );
    let a = f.aggregate(&Protected::default(), today());
    let e = entry(&a, SCAM).unwrap();
    assert_eq!(e.reported.category, Category::Suspicious);
    assert_eq!(e.reported.reporters, Some(10_000));
}

/// Before: three SIMs listed 5,000 numbers in an hour, each as a scam.
#[test]
fn three_sims_reporting_five_thousand_numbers_list_none() {
    let mut f = fixture();
    let t0 = unix(1, 0);
    let mut list = Vec::new();
    for n in 0..5_000u32 {
        for s in 0..3 {
            let body = format!("LD 0915{n:06} mao danh cong an");
            list.push((t0 + i64::from(n % 3600), sim(s), body));
        }
    }
    // Three people who each report one number that called them, in the
    // same hour: listed.
    for p in 0..3 {
        list.push((
            t0 + 60 * i64::from(p),
            person(p),
            "LD 0912345678".to_string(),
        ));
    }
    assert_eq!(f.ingest(&rows(&list)).ingested, 15_003);
    // The attack: without the caps, all 5,000 are listed.
    let before = f.aggregate_with(&without_the_rules(), &Protected::default(), today());
    assert_eq!(before.listed.len(), 5_001);
    let a = f.aggregate(&Protected::default(), today());
    assert_eq!(numbers(&a), vec![SCAM]);
    assert_eq!(a.counts.capped_senders, 3);
    assert_eq!(a.counts.numbers_capped_reporters, 5_000);
    assert_eq!(a.counts.numbers_kept_off_by_caps, 5_000);
    assert_eq!(a.counts.not_listed[&NotListed::BelowThreshold], 5_000);
    let line = line_of(&f, a.run, "+84915000042");
    assert_eq!(
        (
            line["reporters"].as_u64(),
            line["capped_reporters"].as_u64()
        ),
        (Some(0), Some(3))
    );
}

/// Before: three SIMs listed a bank's 1900 hotline and a shop's fixed line
/// as "CẢNH BÁO LỪA ĐẢO" for 180 days.
#[test]
fn three_sims_cannot_list_a_1900_line_or_a_shops_fixed_line_they_are_held() {
    const HOTLINE: i64 = 8_419_001_234;
    const SHOP: i64 = 842_439_361_234;
    let mut f = fixture();
    let mut list = Vec::new();
    for s in 0..3 {
        let t = unix(2, i64::from(s));
        list.push((t, sim(s), "LD 1900 1234 gia ngan hang".to_string()));
        list.push((t, sim(s), "LD 024 3936 1234 lua dao".to_string()));
    }
    f.ingest(&rows(&list));
    let a = f.aggregate(&Protected::default(), today());
    assert!(a.listed.is_empty(), "{:?}", a.listed);
    assert_eq!(a.counts.not_listed[&NotListed::Held], 2);
    assert_eq!(a.counts.held_by_reason[&Hold::PremiumRate], 1);
    assert_eq!(a.counts.held_by_reason[&Hold::FixedLine], 1);
    assert_eq!(a.counts.held_for_review, 2);
    let queue = held(&f.db).unwrap();
    assert_eq!(queue.len(), 2);
    assert_eq!((queue[0].reporters, queue[0].reports), (3, 3));
    // Two days later, still held: its age counts from the first hold.
    let later = aggregate_at(
        &mut f.db,
        &ListingPolicy::default(),
        &Protected::default(),
        today(),
        now() + 2 * 86_400,
    )
    .unwrap();
    assert!(
        later.held.iter().all(|h| h.age_days == 2),
        "{:?}",
        later.held
    );

    // Approved: listed on its evidence, as a scam though a burst.
    let d = decide_at(
        &mut f.db,
        "19001234",
        "approved",
        "số giả mạo, đã gọi kiểm tra",
        "Lan",
        now(),
    )
    .unwrap();
    assert_eq!((d.state, d.operator.as_str()), ("approved", "Lan"));
    // Rejected: off the list, out of the queue.
    decide_at(
        &mut f.db,
        "02439361234",
        "rejected",
        "số của cửa hàng",
        "Lan",
        now(),
    )
    .unwrap();
    let a = f.aggregate(&Protected::default(), today());
    assert_eq!(numbers(&a), vec![HOTLINE]);
    assert_eq!(a.listed[0].reported.category, Category::Scam);
    assert_eq!(a.counts.not_listed[&NotListed::Rejected], 1);
    assert!(held(&f.db).unwrap().is_empty());
    // The decisions and who took them are in the audit log.
    let history = audit_of(&f.db, "02439361234").unwrap();
    assert!(
        history
            .iter()
            .any(|l| l.contains("\"operator_decision\":\"rejected\"")
                && l.contains("\"operator\":\"Lan\"")),
        "{history:?}"
    );

    // New people after the rejection, enough again: held again.
    let t = now() + 60;
    let list: Vec<_> = (0..3)
        .map(|p| (t + i64::from(p), person(p), "LD 02439361234".to_string()))
        .collect();
    f.ingest(&rows(&list));
    let a = aggregate_at(
        &mut f.db,
        &ListingPolicy::default(),
        &Protected::default(),
        today() + 1,
        now() + 86_400,
    )
    .unwrap();
    assert_eq!(
        a.held.iter().map(|h| h.number.as_str()).collect::<Vec<_>>(),
        vec!["+842439361234"]
    );
    assert!(entry(&a, SHOP).is_none());

    // A held number's evidence ages out as any other: out of the queue.
    let a = aggregate_at(
        &mut f.db,
        &ListingPolicy::default(),
        &Protected::default(),
        today() + 200,
        now() + 200 * 86_400,
    )
    .unwrap();
    assert!(a.held.is_empty(), "{:?}", a.held);
    assert!(a.listed.is_empty());
}

/// Before: one dispute removed a number 10,000 people reported, with no
/// undo (an upheld dispute could not be decided again).
#[test]
fn one_dispute_against_ten_thousand_people_waits_for_an_operator() {
    let mut f = fixture();
    let list: Vec<_> = (0..10_000)
        .map(|i| {
            (
                unix(1 + i32::try_from(i % 5).unwrap(), 0) + i64::from(i),
                person(i),
                "LD 0912345678 mao danh cong an".to_string(),
            )
        })
        .collect();
    f.ingest(&rows(&list));
    assert_eq!(f.listed(), vec![SCAM]);
    let d = dispute_at(&mut f.db, "0912345678", "tôi là chủ số", "Minh", now()).unwrap();
    let a = f.aggregate(&Protected::default(), today());
    // Stays listed; the dispute waits, and the publish report says so.
    assert_eq!(entry(&a, SCAM).unwrap().reported.category, Category::Scam);
    assert_eq!(a.disputes_waiting, vec![(d.id, SCAM, 10_000)]);
    assert_eq!(a.counts.disputes_waiting, 1);
    assert_eq!(disputes(&f.db).unwrap()[0].state, "waiting");
    // Rejected by an operator: stays listed, the dispute closed.
    let r = decide_dispute_at(
        &mut f.db,
        d.id,
        DisputeDecision::Reject,
        "10.000 người phản ánh",
        "Lan",
        now(),
    )
    .unwrap();
    assert_eq!(
        (r.state.as_str(), r.decided_by.as_deref()),
        ("rejected", Some("Lan"))
    );
    let a = f.aggregate(&Protected::default(), today());
    assert!(entry(&a, SCAM).is_some() && a.disputes_waiting.is_empty());
    assert!(
        decide_dispute_at(&mut f.db, d.id, DisputeDecision::Uphold, "x", "Lan", now()).is_err()
    );
    // Another dispute, upheld: off the list, as any dispute.
    let d2 = dispute_at(
        &mut f.db,
        "0912345678",
        "đã xác minh giấy tờ",
        "Minh",
        now() + 1,
    )
    .unwrap();
    f.aggregate(&Protected::default(), today());
    decide_dispute_at(
        &mut f.db,
        d2.id,
        DisputeDecision::Uphold,
        "đúng là số của họ",
        "Lan",
        now() + 2,
    )
    .unwrap();
    let a = f.aggregate(&Protected::default(), today());
    assert_eq!(a.removed, vec![(SCAM, NotListed::Disputed)]);
    // Upheld by mistake: undone, rejected with a reason; listed again.
    decide_dispute_at(
        &mut f.db,
        d2.id,
        DisputeDecision::Reject,
        "giấy tờ giả",
        "Hà",
        now() + 3,
    )
    .unwrap();
    let a = f.aggregate(&Protected::default(), today());
    assert_eq!(a.added, vec![SCAM]);
    assert_eq!(entry(&a, SCAM).unwrap().reported.category, Category::Scam);
    // A rejected dispute stays closed: a new one is filed instead.
    let err = decide_dispute_at(&mut f.db, d2.id, DisputeDecision::Uphold, "x", "Lan", now())
        .err()
        .unwrap();
    assert!(err.to_string().contains("file a new dispute"), "{err}");
    // A withdrawn dispute is no longer in force.
    let d3 = dispute_at(&mut f.db, "0912345678", "nhầm", "Minh", now() + 3).unwrap();
    decide_dispute_at(
        &mut f.db,
        d3.id,
        DisputeDecision::Withdraw,
        "nhầm số",
        "Minh",
        now() + 4,
    )
    .unwrap();
    let states: Vec<String> = disputes(&f.db)
        .unwrap()
        .into_iter()
        .map(|d| d.state)
        .collect();
    assert_eq!(states, ["rejected", "rejected", "withdrawn"]);
    // Each dispute and each decision about it, with who, in the audit log.
    let history = audit_of(&f.db, "0912345678").unwrap();
    let decisions: Vec<String> = history
        .iter()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|l| {
            Some(format!(
                "{} {}",
                l["operator_decision"].as_str()?,
                l["operator"].as_str()?
            ))
        })
        .collect();
    assert_eq!(
        decisions,
        [
            "dispute_filed Minh",
            "dispute_rejected Lan",
            "dispute_filed Minh",
            "dispute_upheld Lan",
            "dispute_rejected Hà",
            "dispute_filed Minh",
            "dispute_withdrawn Minh"
        ]
    );
}

/// Before: operator-curated text reached phones verbatim: a phone number,
/// a short link and "gọi … để hủy" in a source's labels reached the phone.
#[test]
fn curated_text_with_a_number_a_link_or_an_instruction_is_refused_by_line() {
    let mut f = fixture();
    let csv = "number,category,date,label,source_url
0912345678,scam,,mạo danh công an,https://congan.example.vn/1
0912345679,scam,,khóa SIM 0987 654 321,
0912345680,scam,,xác minh tại bit.ly/cg-xm,
0912345681,scam,,gọi 9029 để hủy dịch vụ,
0912345682,scam,,goi 9029 de huy,
";
    let s = add_source_at(
        &mut f.db,
        csv.as_bytes(),
        "Công an (synthetic)",
        true,
        now(),
    )
    .unwrap();
    assert_eq!(s.added, 1);
    let refused: Vec<(u64, &str)> = s
        .rejected
        .iter()
        .map(|r| (r.line, r.reason.as_str()))
        .collect();
    assert_eq!(refused.len(), 4, "{refused:?}");
    assert_eq!(
        refused.iter().map(|r| r.0).collect::<Vec<_>>(),
        [3, 4, 5, 6]
    );
    assert!(
        refused[0].1.contains("phone number (0987654321)"),
        "{refused:?}"
    );
    assert!(
        refused[1].1.contains("address (bit.ly/cg-xm)"),
        "{refused:?}"
    );
    assert!(refused[2].1.contains("reach a number"), "{refused:?}");
    assert!(refused[3].1.contains("reach a number"), "{refused:?}");
    assert_eq!(f.listed(), vec![SCAM]);
    // A source's name is curated text too.
    let err = add_source_at(
        &mut f.db,
        csv.as_bytes(),
        "Hỗ trợ: gọi 0912 000 111",
        true,
        now(),
    )
    .err()
    .unwrap();
    assert!(err.to_string().contains("source's name"), "{err}");
}

/// Before: the curated-text rule ran only in `add-source`, so labels and
/// names stored before it (an upgraded database) still reached phones.
/// Now a publish checks them again: a refused label is left out and
/// counted, a source with a refused name is not read.
#[test]
fn curated_text_stored_before_the_rule_never_reaches_the_list() {
    let mut f = fixture();
    let csv = "number,category,date,label,source_url
0912345678,scam,,mạo danh công an,
0912345679,verified,,Ngân hàng Y (synthetic),
";
    add_source_at(
        &mut f.db,
        csv.as_bytes(),
        "Công an (synthetic)",
        true,
        now(),
    )
    .unwrap();
    let other = "number,category,date,label,source_url\n0912345680,scam,,mạo danh công an,\n";
    add_source_at(&mut f.db, other.as_bytes(), "Bộ (synthetic)", true, now()).unwrap();
    // As an older binary stored them: a number to call, an instruction,
    // a link in a name.
    f.db.conn
        .execute_batch(
            "UPDATE source_entry SET label = 'gọi 0987 654 321 để hủy' WHERE number = 84912345678;
             UPDATE source_entry SET label = 'Ngân hàng Y: bit.ly/cg-xm' WHERE number = 84912345679;
             UPDATE source SET name = 'Hỗ trợ: gọi 0912 000 111' WHERE name = 'Bộ (synthetic)';",
        )
        .unwrap();
    let a = f.aggregate(&Protected::default(), today());
    // Listed on the official word, without the label.
    let e = entry(&a, SCAM).unwrap();
    assert_eq!(e.reported.category, Category::Scam);
    assert_eq!(e.reported.label, None);
    // A verified number whose name is refused is not shown as verified,
    // and never listed from reports: as a protected number.
    assert!(entry(&a, SCAM + 1).is_none());
    assert_eq!(a.counts.not_listed[&NotListed::Protected], 1);
    // The source whose name is refused is not read: nothing listed by it.
    assert!(entry(&a, SCAM + 2).is_none());
    assert_eq!(
        (
            a.counts.curated_labels_dropped,
            a.counts.curated_sources_skipped
        ),
        (2, 1)
    );
    // No phone sees any of that text.
    let feed = format!("{:?}", a.listed);
    for text in ["0987", "bit.ly", "0912 000 111", "gọi"] {
        assert!(!feed.contains(text), "{text} in {feed}");
    }
}

/// Hostile input to the operators' commands: refused in words, nothing
/// written.
#[test]
fn operator_decisions_refuse_bad_input_and_write_nothing() {
    let mut f = fixture();
    let long = "x".repeat(501);
    let long_name = "n".repeat(101);
    for (number, reason, operator, says) in [
        ("0912345678", "  ", "Lan", "reason is missing"),
        ("0912345678", long.as_str(), "Lan", "longer than 500"),
        ("0912345678", "ok", "", "operator's name is missing"),
        ("0912345678", "ok", long_name.as_str(), "longer than 100"),
        ("0912345678", "ok", "Lan\u{202e}", "invisible"),
        ("0912345678", "a\nb", "Lan", "control"),
        ("0912*", "ok", "Lan", "prefix"),
        ("hello", "ok", "Lan", ""),
    ] {
        let err = decide_at(&mut f.db, number, "approved", reason, operator, now())
            .err()
            .unwrap_or_else(|| panic!("{number} {reason} {operator}"));
        assert!(err.to_string().contains(says), "{err}");
        assert!(dispute_at(&mut f.db, number, reason, operator, now()).is_err());
    }
    let err = decide_dispute_at(&mut f.db, 7, DisputeDecision::Uphold, "ok", "Lan", now())
        .err()
        .unwrap();
    assert!(err.to_string().contains("no dispute 7"), "{err}");
    assert_eq!(f.count("SELECT count(*) FROM review"), 0);
    assert_eq!(f.count("SELECT count(*) FROM dispute"), 0);
}

/// Before: reports against a protected number (a bank's line) were only
/// counted; an operator never saw that three SIMs tried to list it, nor a
/// verified number. Now both are counted as held, stay as they were
/// (never listed; listed as verified), and cannot be approved.
#[test]
fn protected_and_verified_numbers_with_enough_reports_are_held_never_approved() {
    let mut f = fixture();
    let verified =
        "number,category,date,label,source_url\n0912345679,verified,,Ngân hàng Y (synthetic),\n";
    add_source_at(
        &mut f.db,
        verified.as_bytes(),
        "Bộ (synthetic)",
        true,
        now(),
    )
    .unwrap();
    let mut list = Vec::new();
    for s in 0..3 {
        let t = unix(3 - s, 0);
        list.push((t, sim(s as u32), "LD 0912345678 gia ngan hang".to_string()));
        list.push((t, sim(s as u32), "LD 0912345679 gia ngan hang".to_string()));
    }
    f.ingest(&rows(&list));
    let protected: Protected = ["0912345678"].into_iter().collect();
    let a = f.aggregate(&protected, today());
    assert_eq!(a.counts.not_listed[&NotListed::Protected], 1);
    assert_eq!(
        entry(&a, SCAM + 1).unwrap().reported.category,
        Category::Verified
    );
    assert_eq!(a.counts.held_by_reason[&Hold::Protected], 1);
    assert_eq!(a.counts.held_by_reason[&Hold::Verified], 1);
    for n in ["0912345678", "0912345679"] {
        let err = decide_at(&mut f.db, n, "approved", "x", "Lan", now())
            .err()
            .unwrap();
        assert!(
            err.to_string().contains("protected list or the source"),
            "{err}"
        );
    }
    // Rejected by an operator: the next publish keeps the rejection, with
    // who and why (before, it held them again and erased both).
    for n in ["0912345678", "0912345679"] {
        decide_at(&mut f.db, n, "rejected", "SIM giả mạo", "Lan", now() - 3600).unwrap();
    }
    let a = f.aggregate(&protected, today());
    assert!(a.held.is_empty(), "{:?}", a.held);
    assert!(a.counts.held_by_reason.is_empty());
    let kept: Vec<(String, Option<String>, Option<String>)> =
        f.db.conn
            .prepare("SELECT state, operator, reason FROM review ORDER BY number")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
    let rejected = (
        "rejected".to_string(),
        Some("Lan".to_string()),
        Some("SIM giả mạo".to_string()),
    );
    assert_eq!(kept, [rejected.clone(), rejected]);
    // Three new people after the rejection: held again, to be seen.
    let list: Vec<_> = (0..3)
        .map(|i| {
            (
                now() - 600 + i64::from(i),
                person(i),
                "LD 0912345678 gia ngan hang".to_string(),
            )
        })
        .collect();
    f.ingest(&rows(&list));
    let a = f.aggregate(&protected, today());
    assert_eq!(a.counts.held_by_reason[&Hold::Protected], 1);
    assert_eq!(a.counts.not_listed[&NotListed::Protected], 1);
}

/// Before: an operator's decision taken before the first publish was
/// dropped from the audit log (there was no run to log it under).
#[test]
fn decisions_before_the_first_publish_reach_the_audit_log() {
    let mut f = fixture();
    let d = dispute_at(&mut f.db, "0912345678", "chủ số khiếu nại", "Minh", now()).unwrap();
    decide_dispute_at(
        &mut f.db,
        d.id,
        DisputeDecision::Uphold,
        "đã xác minh",
        "Lan",
        now() + 1,
    )
    .unwrap();
    decide_at(
        &mut f.db,
        "19001234",
        "rejected",
        "SIM giả mạo",
        "Lan",
        now() + 2,
    )
    .unwrap();
    let lines: Vec<serde_json::Value> = audit_log(&f.db, None)
        .unwrap()
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let said: Vec<(&str, &str)> = lines
        .iter()
        .map(|l| {
            (
                l["operator_decision"].as_str().unwrap(),
                l["operator"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        said,
        [
            ("dispute_filed", "Minh"),
            ("dispute_upheld", "Lan"),
            ("rejected", "Lan")
        ]
    );
    // Under no run: `run` is left out.
    assert!(lines.iter().all(|l| l.get("run").is_none()));
    // The first publish logs its own lines after them; the number's
    // history starts with the decisions taken before it.
    let a = f.aggregate(&Protected::default(), today());
    assert!(audit_log(&f.db, Some(a.run)).unwrap().len() < audit_log(&f.db, None).unwrap().len());
    let history = audit_of(&f.db, "0912345678").unwrap();
    assert_eq!(history.len(), 2, "{history:?}");
    assert!(history[1].contains("dispute_upheld"));
}
