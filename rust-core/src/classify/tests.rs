use super::*;
use crate::model::Reported;
use crate::number::normalize;
use crate::store::ListId;

const TODAY: i32 = 20_000;

fn scam(reports: u32, days_ago: i32, label: Option<&str>) -> Reported {
    Reported {
        category: Category::Scam,
        reports,
        last_reported: Some(TODAY - days_ago),
        label: label.map(str::to_string),
        reporters: None,
        source: None,
    }
}

/// The entry of feed 1 (the only list, so its name is not shown).
fn listed(rep: Reported) -> Listing {
    Listing::new(rep, ListId(1))
}

/// Feed 1's entry for a prefix rule.
fn rule(prefix: &str, rep: Reported) -> Listing {
    Listing {
        prefix: Some(prefix.into()),
        ..listed(rep)
    }
}

fn check(raw: &str, facts: CallFacts, lookups: Lookups) -> Verdict {
    let n = normalize(raw).unwrap();
    classify(Some(n), &facts, &lookups, &Policy::default(), TODAY)
}

fn codes(v: &Verdict) -> Vec<&'static str> {
    v.reason_codes()
}

#[test]
fn emergency_and_hotlines_are_safe_whatever_the_lists_say() {
    let hostile = Lookups {
        user_list: Some(UserList::Block),
        exact: vec![Listing::new(scam(99, 0, None), ListId::IMPORTS)],
        prefix: vec![Listing::new(scam(1, 0, None), ListId::IMPORTS)],
        list_unavailable: false,
    };
    let facts = CallFacts {
        in_contacts: false,
        verification: Verification::Failed,
        hidden: false,
    };
    for (raw, code) in [
        ("111", "emergency"),
        ("112", "emergency"),
        ("113", "emergency"),
        ("114", "emergency"),
        ("115", "emergency"),
        ("156", "hotline"),
        ("5656", "hotline"),
    ] {
        let v = check(raw, facts.clone(), hostile.clone());
        assert_eq!((v.level, v.action), (Level::Safe, Action::Allow), "{raw}");
        assert_eq!(codes(&v), vec![code], "{raw}");
    }
    // Even a policy that blocks everything cannot touch them.
    let block_all = Policy {
        unknown: Action::Block,
        suspicious: Action::Block,
        nuisance: Action::Block,
        scam: Action::Block,
        blocked: Action::Block,
        wangiri_country_codes: vec![],
        ..Policy::default()
    };
    let n = normalize("113").unwrap();
    let v = classify(Some(n.clone()), &facts, &hostile, &block_all, TODAY);
    assert_eq!(v.action, Action::Allow);
}

#[test]
fn user_allow_and_contacts_beat_the_block_list_and_reports() {
    let reported = Lookups {
        exact: vec![listed(scam(37, 2, None))],
        ..Default::default()
    };
    let allowed = Lookups {
        user_list: Some(UserList::Allow),
        ..reported.clone()
    };
    let v = check("0912345678", CallFacts::default(), allowed);
    assert_eq!(
        (v.level, v.action, codes(&v)),
        (Level::Safe, Action::Allow, vec!["user_allowed"])
    );

    let blocked_contact = Lookups {
        user_list: Some(UserList::Block),
        ..reported.clone()
    };
    let contact = CallFacts {
        in_contacts: true,
        ..Default::default()
    };
    let v = check("0912345678", contact, blocked_contact.clone());
    assert_eq!(codes(&v), vec!["contact"]);

    let v = check("0912345678", CallFacts::default(), blocked_contact);
    assert_eq!(
        (v.level, v.action, codes(&v)),
        (Level::Blocked, Action::Block, vec!["user_blocked"])
    );
}

#[test]
fn reported_number_says_how_often_and_how_long_ago() {
    let lookups = Lookups {
        exact: vec![listed(scam(37, 2, Some("Mạo danh công an")))],
        ..Default::default()
    };
    let v = check("0912345678", CallFacts::default(), lookups);
    assert_eq!((v.level, v.action), (Level::Scam, Action::Warn));
    assert_eq!(codes(&v), vec!["reported"]);
    assert_eq!(
        v.reasons[0].text.vi,
        "Đã bị phản ánh lừa đảo 37 lần, gần nhất 2 ngày trước: Mạo danh công an"
    );
    assert_eq!(
        v.reasons[0].text.en,
        "Reported as a scam 37 times, last 2 days ago: Mạo danh công an"
    );
    let info = v.report.unwrap();
    assert_eq!((info.reports, info.days_ago), (37, Some(2)));
    let advice = v.advice.unwrap();
    assert!(advice.vi.starts_with("Công an không"), "{}", advice.vi);
}

#[test]
fn the_reason_names_how_many_people_or_the_authority_when_the_list_says() {
    let mut people = scam(37, 2, None);
    people.reporters = Some(12);
    let v = check(
        "0912345678",
        CallFacts::default(),
        Lookups {
            exact: vec![listed(people)],
            ..Default::default()
        },
    );
    assert_eq!(
        v.reasons[0].text.vi,
        "12 người đã phản ánh lừa đảo (37 lần), gần nhất 2 ngày trước"
    );
    assert_eq!(
        v.reasons[0].text.en,
        "Reported as a scam by 12 people (37 times), last 2 days ago"
    );
    assert_eq!(v.report.as_ref().unwrap().reporters, Some(12));

    let mut notice = scam(1, 5, None);
    notice.source = Some(crate::model::Source {
        name: "Công an TP Hà Nội".into(),
        url: Some("https://congan.hanoi.gov.vn/canh-bao/1".into()),
    });
    let v = check(
        "0912345678",
        CallFacts::default(),
        Lookups {
            exact: vec![listed(notice)],
            ..Default::default()
        },
    );
    assert_eq!(
        v.reasons[0].text.vi,
        "Công an TP Hà Nội cảnh báo: số lừa đảo, gần nhất 5 ngày trước"
    );
    let info = v.report.unwrap();
    assert_eq!(info.source.as_deref(), Some("Công an TP Hà Nội"));
    assert_eq!(
        info.source_url.as_deref(),
        Some("https://congan.hanoi.gov.vn/canh-bao/1")
    );
}

#[test]
fn exact_report_beats_prefix_and_prefix_applies_alone() {
    let both = Lookups {
        exact: vec![listed(Reported {
            category: Category::Nuisance,
            ..scam(3, 0, None)
        })],
        prefix: vec![rule("84243", scam(9, 1, None))],
        ..Default::default()
    };
    let v = check("02439999999", CallFacts::default(), both);
    assert_eq!((v.level, codes(&v)), (Level::Nuisance, vec!["reported"]));

    let prefix_only = Lookups {
        prefix: vec![rule("84243", scam(9, 1, None))],
        ..Default::default()
    };
    let v = check("02439999999", CallFacts::default(), prefix_only);
    assert_eq!((v.level, codes(&v)), (Level::Scam, vec!["reported_prefix"]));
    assert!(
        v.reasons[0].text.vi.contains("+84243"),
        "{}",
        v.reasons[0].text.vi
    );
    assert_eq!(v.report.unwrap().prefix.as_deref(), Some("84243"));
}

#[test]
fn heuristics_in_order() {
    let none = Lookups::default();
    let table: [(&str, Verification, Level, Vec<&str>); 11] = [
        (
            "0912345678",
            Verification::NotVerified,
            Level::Unknown,
            vec![],
        ),
        ("0912345678", Verification::Passed, Level::Unknown, vec![]),
        (
            "0912345678",
            Verification::Failed,
            Level::Suspicious,
            vec!["verification_failed"],
        ),
        (
            "+224 621 23 45 67",
            Verification::NotVerified,
            Level::Suspicious,
            vec!["wangiri_country"],
        ),
        (
            "+1 650 253 0000",
            Verification::NotVerified,
            Level::Unknown,
            vec!["foreign"],
        ),
        (
            "1900 1234",
            Verification::NotVerified,
            Level::Suspicious,
            vec!["premium_rate"],
        ),
        (
            "1800 1091",
            Verification::NotVerified,
            Level::Unknown,
            vec!["toll_free"],
        ),
        (
            "02499950060",
            Verification::NotVerified,
            Level::Unknown,
            vec!["unlisted_range"],
        ),
        (
            "0692342593",
            Verification::NotVerified,
            Level::Unknown,
            vec!["security_network"],
        ),
        (
            "0692342593",
            Verification::Failed,
            Level::Suspicious,
            vec!["verification_failed", "security_network"],
        ),
        (
            "0401234567",
            Verification::Failed,
            Level::Suspicious,
            vec!["verification_failed", "invalid_number"],
        ),
    ];
    for (raw, verification, level, want) in table {
        let facts = CallFacts {
            verification,
            ..Default::default()
        };
        let v = check(raw, facts, none.clone());
        assert_eq!((v.level, codes(&v)), (level, want), "{raw}");
        let expected_action = if level == Level::Suspicious {
            Action::Warn
        } else {
            Action::Allow
        };
        assert_eq!(v.action, expected_action, "{raw}");
    }
}

#[test]
fn malformed_wangiri_codes_match_nothing() {
    let policy = Policy {
        wangiri_country_codes: vec!["".into(), "+1".into(), "1234".into()],
        ..Policy::default()
    };
    let n = normalize("+1 650 253 0000").unwrap();
    let v = classify(
        Some(n),
        &CallFacts::default(),
        &Lookups::default(),
        &policy,
        TODAY,
    );
    assert_eq!(v.reason_codes(), vec!["foreign"]);
}

#[test]
fn wangiri_gets_call_back_advice() {
    let v = check("+232 76 123456", CallFacts::default(), Lookups::default());
    assert!(v.advice.unwrap().vi.contains("Không gọi lại"));
}

#[test]
fn hidden_caller_is_unknown_with_a_reason() {
    let facts = CallFacts {
        hidden: true,
        ..Default::default()
    };
    let v = classify(None, &facts, &Lookups::default(), &Policy::default(), TODAY);
    assert_eq!(
        (v.level, v.action, codes(&v)),
        (Level::Unknown, Action::Allow, vec!["hidden"])
    );
    assert!(v.number.is_none());
    // A number with presentation hidden is treated as hidden, not looked up.
    let n = normalize("0912345678").unwrap();
    let v = classify(
        Some(n.clone()),
        &facts,
        &Lookups::default(),
        &Policy::default(),
        TODAY,
    );
    assert_eq!(codes(&v), vec!["hidden"]);
}

#[test]
fn policy_chooses_the_action_per_level() {
    let policy = Policy {
        scam: Action::Block,
        nuisance: Action::Silence,
        ..Policy::default()
    };
    let n = normalize("0912345678").unwrap();
    let scam_lookup = Lookups {
        exact: vec![listed(scam(5, 0, None))],
        ..Default::default()
    };
    let v = classify(
        Some(n.clone()),
        &CallFacts::default(),
        &scam_lookup,
        &policy,
        TODAY,
    );
    assert_eq!(v.action, Action::Block);
    let nuisance_lookup = Lookups {
        exact: vec![listed(Reported {
            category: Category::Nuisance,
            ..scam(5, 0, None)
        })],
        ..Default::default()
    };
    let v = classify(
        Some(n.clone()),
        &CallFacts::default(),
        &nuisance_lookup,
        &policy,
        TODAY,
    );
    assert_eq!(v.action, Action::Silence);
}

#[test]
fn advice_matches_the_scam_pattern_of_the_label() {
    let table = [
        ("mạo danh công an", "Công an"),
        ("Khóa SIM 2 chiều", "Nhà mạng"),
        ("thu hồi số thuê bao", "Nhà mạng"),
        ("giả danh cán bộ thuế", "eTax"),
        ("nhân viên điện lực đòi tiền điện", ".apk"),
        ("shipper giao hàng", "chưa nhận hàng"),
        ("xin mã OTP ngân hàng", "OTP"),
    ];
    for (label, needle) in table {
        let advice = advice_for_label(label).unwrap_or_else(|| panic!("{label}"));
        assert!(advice.vi.contains(needle), "{label}: {}", advice.vi);
    }
    assert_eq!(advice_for_label("quảng cáo bất động sản"), None);
    // "thuê" (rent) folds to "thue" too: it is not the tax office.
    assert_eq!(advice_for_label("cho thuê căn hộ"), None);
}

#[test]
fn ago_is_coarser_as_it_gets_older() {
    assert_eq!(ago(0).vi, "hôm nay");
    assert_eq!(ago(1).en, "yesterday");
    assert_eq!(ago(2).vi, "2 ngày trước");
    assert_eq!(ago(90).en, "3 months ago");
    assert_eq!(ago(800).vi, "2 năm trước");
}

/// The evidence rules, one row per case: (reports, reporters, days ago,
/// official source, imported) → level and the reason codes after `reported`.
#[test]
fn the_level_weighs_the_evidence() {
    let police = crate::model::Source {
        name: "Công an tỉnh X".into(),
        url: None,
    };
    type Case = (
        u32,
        Option<u32>,
        i32,
        bool,
        bool,
        Level,
        &'static [&'static str],
    );
    let cases: &[Case] = &[
        // Enough people, recently: as listed.
        (37, Some(12), 2, false, false, Level::Scam, &[]),
        (3, Some(3), 90, false, false, Level::Scam, &[]),
        // A list without people counts: its report count stands in.
        (3, None, 10, false, false, Level::Scam, &[]),
        // One person, even ten times: suspicious, saying so.
        (
            10,
            Some(1),
            1,
            false,
            false,
            Level::Suspicious,
            &["few_reports"],
        ),
        (
            1,
            None,
            1,
            false,
            false,
            Level::Suspicious,
            &["few_reports"],
        ),
        // Many people, but long ago: suspicious, the number may be reassigned.
        (
            40,
            Some(30),
            91,
            false,
            false,
            Level::Suspicious,
            &["stale_report"],
        ),
        (
            2,
            Some(2),
            200,
            false,
            false,
            Level::Suspicious,
            &["few_reports", "stale_report"],
        ),
        // Past expire_days: shown, raises nothing.
        (
            400,
            Some(300),
            366,
            false,
            false,
            Level::Unknown,
            &["stale_report"],
        ),
        // An official notice needs no count, but ages out like the rest.
        (1, None, 200, true, false, Level::Scam, &[]),
        (1, None, 400, true, false, Level::Unknown, &["stale_report"]),
        // The user's own import is the user's word.
        (1, None, 300, false, true, Level::Scam, &[]),
    ];
    for &(reports, reporters, days, official, imported, level, extra) in cases {
        let mut rep = scam(reports, days, None);
        rep.reporters = reporters;
        rep.source = official.then(|| police.clone());
        let v = check(
            "0912345678",
            CallFacts::default(),
            Lookups {
                exact: vec![Listing::new(
                    rep,
                    if imported { ListId::IMPORTS } else { ListId(1) },
                )],
                ..Default::default()
            },
        );
        let case = (reports, reporters, days, official, imported);
        assert_eq!(v.level, level, "{case:?}: {:?}", v.reasons);
        let mut want = vec!["reported"];
        want.extend_from_slice(extra);
        assert_eq!(codes(&v), want, "{case:?}");
        assert!(v.report.is_some(), "the entry is always shown: {case:?}");
    }
}

#[test]
fn weak_evidence_is_explained_in_words_and_the_thresholds_are_the_policys() {
    let mut rep = scam(1, 240, None);
    rep.reporters = Some(1);
    let lookups = Lookups {
        exact: vec![listed(rep)],
        ..Default::default()
    };
    let v = check("0912345678", CallFacts::default(), lookups.clone());
    let vi: Vec<&str> = v.reasons.iter().map(|r| r.text.vi.as_str()).collect();
    assert_eq!(
        vi,
        vec![
            "1 người đã phản ánh lừa đảo, gần nhất 8 tháng trước",
            "Chỉ 1 người phản ánh",
            "Lần gần nhất 8 tháng trước: số có thể đã đổi chủ",
        ]
    );
    // A user who trusts any single report lowers the bar.
    let trusting = Policy {
        min_reporters: 1,
        fresh_days: 365,
        ..Policy::default()
    };
    let n = normalize("0912345678").unwrap();
    let v = classify(Some(n), &CallFacts::default(), &lookups, &trusting, TODAY);
    assert_eq!(v.level, Level::Scam);
    // A weak entry never hides what the heuristics found.
    let mut foreign = scam(1, 1, None);
    foreign.reporters = Some(1);
    let v = check(
        "0912345678",
        CallFacts {
            verification: Verification::Failed,
            ..Default::default()
        },
        Lookups {
            exact: vec![listed(foreign)],
            ..Default::default()
        },
    );
    assert_eq!(v.level, Level::Suspicious);
    assert!(codes(&v).contains(&"verification_failed"));
}

#[test]
fn a_policy_saved_before_the_evidence_thresholds_reads_with_their_defaults() {
    let old = r#"{"unknown":"allow","suspicious":"warn","nuisance":"warn","scam":"warn","blocked":"block","wangiri_country_codes":["224"]}"#;
    let p: Policy = serde_json::from_str(old).unwrap();
    assert_eq!((p.min_reporters, p.fresh_days, p.expire_days), (3, 90, 365));
}

#[test]
fn a_verified_organisation_number_is_safe_only_with_consent_and_never_over_the_user() {
    let bank = Reported {
        category: Category::Verified,
        reports: 1,
        last_reported: Some(TODAY - 400),
        label: Some("Ngân hàng X — tổng đài".into()),
        reporters: None,
        source: Some(crate::model::Source {
            name: "Bộ Công an".into(),
            url: None,
        }),
    };
    let lookups = |allowed: bool, list: Option<UserList>| Lookups {
        exact: vec![Listing {
            may_verify: allowed,
            ..listed(bank.clone())
        }],
        user_list: list,
        ..Default::default()
    };
    // With consent: safe, named, whatever its age.
    let v = check("0243 936 1111", CallFacts::default(), lookups(true, None));
    assert_eq!((v.level, v.action), (Level::Safe, Action::Allow));
    assert_eq!(codes(&v), vec!["verified_org"]);
    assert_eq!(
        v.reasons[0].text.vi,
        "Số đã xác minh: Ngân hàng X — tổng đài"
    );
    // Without: the entry counts for nothing.
    let v = check("0243 936 1111", CallFacts::default(), lookups(false, None));
    assert_eq!(v.level, Level::Unknown);
    assert!(codes(&v).is_empty(), "{:?}", codes(&v));
    // ...and a verified exact entry, ignored, lets a prefix rule speak.
    let mut with_prefix = lookups(false, None);
    with_prefix.prefix = vec![rule("84243", scam(5, 1, None))];
    let v = check("0243 936 1111", CallFacts::default(), with_prefix);
    assert_eq!(v.level, Level::Scam);
    // The user's block list still wins.
    let v = check(
        "0243 936 1111",
        CallFacts::default(),
        lookups(true, Some(UserList::Block)),
    );
    assert_eq!(v.level, Level::Blocked);
    // A spoofed bank number: the network could not verify the call.
    let v = check(
        "0243 936 1111",
        CallFacts {
            verification: Verification::Failed,
            ..Default::default()
        },
        lookups(true, None),
    );
    assert_eq!(v.level, Level::Suspicious);
    assert_eq!(codes(&v), vec!["verification_failed"]);
    assert!(v.reasons[0].text.vi.contains("giả mạo"));
}

#[test]
fn a_carrier_or_the_ministry_calling_from_an_ordinary_number_is_called_fake() {
    let listed = |label: &str| Lookups {
        exact: vec![listed(scam(9, 2, Some(label)))],
        ..Default::default()
    };
    let v = check(
        "0912345678",
        CallFacts::default(),
        listed("khóa SIM 2 chiều"),
    );
    let advice = v.advice.unwrap();
    assert!(advice.vi.contains("VIETTELCSKH"), "{}", advice.vi);
    assert!(advice.en.contains("fake"), "{}", advice.en);
    let v = check(
        "0243 999 0000",
        CallFacts::default(),
        listed("mạo danh Bộ TT&TT dọa khóa số"),
    );
    assert!(v.advice.unwrap().vi.contains("BO TTTT"));
    // The rows before the ministry keep their place: a police label is
    // still the police row, whatever else it says.
    let v = check(
        "0912345678",
        CallFacts::default(),
        listed("công an, Bộ TTTT"),
    );
    assert!(v.advice.unwrap().vi.starts_with("Công an"));
    // A number that is not an ordinary subscriber's (a 1900 line): the
    // general advice.
    let v = check("1900 1234", CallFacts::default(), listed("nhà mạng"));
    assert_eq!(
        v.advice.unwrap().vi,
        "Nhà mạng chỉ chuẩn hóa thông tin qua kênh chính thức."
    );
}

/// A feed's entry, named as the phone names its feeds.
fn of(feed: i64, name: &str, rep: Reported) -> Listing {
    Listing {
        feed_name: Some(name.into()),
        ..Listing::new(rep, ListId(feed))
    }
}

/// Several lists about one number: the strongest evidence decides, every
/// list speaks by name, and a vouched-for number that another list
/// strongly reports is neither safe nor a scam.
#[test]
fn several_lists_the_strongest_decides_and_each_is_named() {
    let police = crate::model::Source {
        name: "Công an tỉnh X".into(),
        url: None,
    };
    let people = |reporters: u32, days: i32| Reported {
        reporters: Some(reporters),
        ..scam(reporters, days, None)
    };
    let notice = Reported {
        source: Some(police.clone()),
        ..scam(1, 3, None)
    };
    let bank = Reported {
        category: Category::Verified,
        label: Some("Ngân hàng X".into()),
        ..scam(1, 0, None)
    };
    let vouched = Listing {
        may_verify: true,
        ..of(3, "Ngân hàng", bank.clone())
    };
    type Case = (Vec<Listing>, Level, &'static [&'static str], &'static str);
    let cases: Vec<Case> = vec![
        // One person in the community list, the police's notice: scam, and
        // the notice is named first.
        (
            vec![
                of(1, "Cộng đồng", people(1, 2)),
                of(2, "Công an", notice.clone()),
            ],
            Level::Scam,
            &["reported", "reported"],
            "Công an: Công an tỉnh X cảnh báo",
        ),
        // Two lists, both thin: suspicious, saying why.
        (
            vec![
                of(1, "Cộng đồng", people(1, 2)),
                of(2, "Khác", people(2, 5)),
            ],
            Level::Suspicious,
            &["reported", "reported", "few_reports"],
            "Khác: 2 người đã phản ánh",
        ),
        // An expired report and a fresh thin one: the fresh one decides.
        (
            vec![of(1, "Cũ", people(40, 500)), of(2, "Mới", people(1, 1))],
            Level::Suspicious,
            &["reported", "reported", "few_reports"],
            "Mới: 1 người",
        ),
        // The user's own import and a feed: both named, the import is the
        // user's word.
        (
            vec![
                Listing::new(scam(1, 300, None), ListId::IMPORTS),
                of(1, "Cộng đồng", people(1, 2)),
            ],
            Level::Scam,
            &["reported", "reported"],
            "Danh sách của bạn: ",
        ),
        // A bank's number, vouched for by a feed allowed to, and a thin
        // community report: safe, named.
        (
            vec![vouched.clone(), of(1, "Cộng đồng", people(1, 2))],
            Level::Safe,
            &["verified_org"],
            "Số đã xác minh: Ngân hàng X",
        ),
        // ...but strong reports against it: the lists disagree, and the
        // person sees both.
        (
            vec![vouched.clone(), of(1, "Cộng đồng", people(40, 2))],
            Level::Suspicious,
            &["lists_disagree", "verified_org", "reported"],
            "Các danh sách không thống nhất",
        ),
        // A feed not allowed to verify: its entry counts for nothing, the
        // other list speaks alone (unnamed).
        (
            vec![
                of(3, "Ngân hàng", bank.clone()),
                of(1, "Cộng đồng", people(40, 2)),
            ],
            Level::Scam,
            &["reported"],
            "40 người đã phản ánh",
        ),
    ];
    for (listings, level, want, first) in cases {
        let v = check(
            "0912345678",
            CallFacts::default(),
            Lookups {
                exact: listings.clone(),
                ..Default::default()
            },
        );
        assert_eq!(v.level, level, "{listings:?}: {:?}", v.reasons);
        assert_eq!(codes(&v), want, "{listings:?}");
        assert!(
            v.reasons[0].text.vi.starts_with(first),
            "{first:?} in {:?}",
            v.reasons[0].text.vi
        );
    }
    // The feed the single-feed settings follow is named in words, not `default`.
    let v = check(
        "0912345678",
        CallFacts::default(),
        Lookups {
            exact: vec![
                of(1, crate::store::DEFAULT_FEED, people(40, 2)),
                of(2, "Công an", notice.clone()),
            ],
            ..Default::default()
        },
    );
    assert!(
        v.reasons[1]
            .text
            .vi
            .starts_with("Danh sách đang theo dõi: "),
        "{:?}",
        v.reasons[1].text.vi
    );
    assert!(v.reasons[1].text.en.starts_with("Followed list: "));
    // The user's block list and the emergency rules still come first.
    let both = Lookups {
        user_list: Some(UserList::Block),
        exact: vec![vouched, of(1, "Cộng đồng", people(40, 2))],
        ..Default::default()
    };
    assert_eq!(
        check("0912345678", CallFacts::default(), both.clone()).level,
        Level::Blocked
    );
    assert_eq!(check("113", CallFacts::default(), both).level, Level::Safe);
}

#[test]
fn a_burst_the_list_has_not_confirmed_warns_but_never_says_scam() {
    let burst = Reported {
        category: Category::Suspicious,
        reporters: Some(12),
        ..scam(12, 0, Some("mạo danh công an"))
    };
    let v = check(
        "0912345678",
        CallFacts::default(),
        Lookups {
            exact: vec![listed(burst.clone())],
            ..Default::default()
        },
    );
    // Twelve people are enough for the phone's own threshold: the level is
    // the list's word, `suspicious`, not `scam`.
    assert_eq!(v.level, Level::Suspicious, "{:?}", v.reasons);
    assert_eq!(codes(&v), ["reported_burst"]);
    let text = &v.reasons[0].text;
    assert!(
        text.vi
            .starts_with("Mới có 12 người phản ánh, chưa đủ để kết luận"),
        "{}",
        text.vi
    );
    assert!(text.vi.ends_with(": mạo danh công an"), "{}", text.vi);
    assert!(
        text.en
            .starts_with("Reported by 12 people so far: not enough to conclude"),
        "{}",
        text.en
    );
    // Words true of a few people over days as of a burst: nothing about
    // minutes.
    assert!(!text.vi.contains("phút") && !text.en.contains("minute"));
    // The label's advice still applies: the pattern is what a person needs.
    assert!(v.advice.is_some());

    // Another list's confirmed scam entry outranks the burst.
    let v = check(
        "0912345678",
        CallFacts::default(),
        Lookups {
            exact: vec![
                of(1, "A", burst),
                of(
                    2,
                    "B",
                    Reported {
                        reporters: Some(5),
                        ..scam(5, 1, None)
                    },
                ),
            ],
            ..Default::default()
        },
    );
    assert_eq!(v.level, Level::Scam);
    assert_eq!(codes(&v), ["reported", "reported_burst"]);
}

/// Issue 21: how a number's place in the plan, the police's 069 network
/// and 1800/1900 lines read on a phone, and that a list still wins.
#[test]
fn plan_069_and_service_numbers_read_as_what_they_are() {
    let none = Lookups::default();
    // Possible (a range libphonenumber does not list): unknown, told why,
    // never "does not exist". The number was named in a 2026 warning
    // (cafef.vn, 2026-01-20); here it only stands for its range.
    let v = check("02499950060", CallFacts::default(), none.clone());
    assert_eq!((v.level, v.action), (Level::Unknown, Action::Allow));
    assert_eq!(codes(&v), vec!["unlisted_range"]);
    assert!(v.advice.is_none());
    // Impossible: still suspicious, as before.
    let v = check("0501234567", CallFacts::default(), none.clone());
    assert_eq!(
        (v.level, codes(&v)),
        (Level::Suspicious, vec!["invalid_number"])
    );
    assert!(v.reasons[0].text.vi.contains("không tồn tại"));
    // 069: its own reason and the police advice, not "does not exist".
    let v = check("069.234.2593", CallFacts::default(), none.clone());
    assert_eq!(v.level, Level::Unknown);
    assert_eq!(codes(&v), vec!["security_network"]);
    assert!(!v.reasons[0].text.vi.contains("không tồn tại"));
    let advice = v.advice.unwrap();
    assert!(
        advice.vi.starts_with("Công an không yêu cầu chuyển tiền"),
        "{}",
        advice.vi
    );
    assert!(advice.vi.contains("OTP"));
    // ...and a list naming a 069 number on an authority's word still wins.
    let mut notice = scam(1, 2, Some("Mạo danh công an"));
    notice.source = Some(crate::model::Source {
        name: "Công an tỉnh X".into(),
        url: None,
    });
    let v = check(
        "0691234567",
        CallFacts::default(),
        Lookups {
            exact: vec![listed(notice)],
            ..Default::default()
        },
    );
    assert_eq!(v.level, Level::Scam);
    assert_eq!(codes(&v), vec!["reported", "security_network"]);
    // 1900: warned of, the danger named (calling back), with advice.
    let v = check("1900 1234", CallFacts::default(), none.clone());
    assert_eq!(v.level, Level::Suspicious);
    assert_eq!(
        v.reasons[0].text.vi,
        "Số 1900: gọi lại số này bị tính cước cao"
    );
    assert!(v.advice.unwrap().vi.contains("Đừng gọi lại"));
    // 1800: told, not warned of.
    let v = check("1800 1091", CallFacts::default(), none.clone());
    assert_eq!((v.level, v.action), (Level::Unknown, Action::Allow));
    assert!(
        v.advice
            .unwrap()
            .vi
            .starts_with("Gọi lại số 1800 không mất cước")
    );
    // A verified organisation's 1900 line is safe, whatever the heuristic.
    let bank = Reported {
        category: Category::Verified,
        reports: 1,
        last_reported: Some(TODAY),
        label: Some("Ngân hàng X".into()),
        reporters: None,
        source: None,
    };
    let v = check(
        "1900 1234",
        CallFacts::default(),
        Lookups {
            exact: vec![Listing {
                may_verify: true,
                ..listed(bank)
            }],
            ..Default::default()
        },
    );
    assert_eq!((v.level, codes(&v)), (Level::Safe, vec!["verified_org"]));
}
