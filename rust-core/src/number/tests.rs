use super::*;

fn n(raw: &str) -> PhoneNumber {
    normalize(raw).unwrap_or_else(|e| panic!("{raw:?}: {e}"))
}

#[test]
fn every_written_form_of_a_mobile_number_is_the_same_number() {
    let forms = [
        "0912345678",
        "+84 91 234 5678",
        "84912345678",
        "0084912345678",
        "091.234.5678",
        "(091) 234-5678",
        "０９１２３４５６７８",
        "＋８４９１２３４５６７８",
        "  0912 345 678\u{200B} ",
        "\u{FEFF}+84-912-345-678",
        "tel:+84912345678",
        "912345678",
        "\u{202A}0912\u{00A0}345\u{2011}678\u{202C}",
    ];
    for raw in forms {
        let got = n(raw);
        assert_eq!(got.e164.as_deref(), Some("+84912345678"), "{raw:?}");
        assert_eq!(got.national, "0912345678", "{raw:?}");
        assert_eq!(got.country.as_deref(), Some("VN"));
        assert_eq!(got.kind, NumberKind::Mobile);
        assert!(got.valid);
    }
}

#[test]
fn old_11_digit_mobile_prefixes_convert_in_every_form() {
    // (old national, new national): one row per conversion in the table.
    let table = [
        ("01201234567", "0701234567"),
        ("01211234567", "0791234567"),
        ("01221234567", "0771234567"),
        ("01231234567", "0831234567"),
        ("01241234567", "0841234567"),
        ("01251234567", "0851234567"),
        ("01261234567", "0761234567"),
        ("01271234567", "0811234567"),
        ("01281234567", "0781234567"),
        ("01291234567", "0821234567"),
        ("01621234567", "0321234567"),
        ("01631234567", "0331234567"),
        ("01641234567", "0341234567"),
        ("01651234567", "0351234567"),
        ("01661234567", "0361234567"),
        ("01671234567", "0371234567"),
        ("01681234567", "0381234567"),
        ("01691234567", "0391234567"),
        ("01861234567", "0561234567"),
        ("01881234567", "0581234567"),
        ("01991234567", "0591234567"),
    ];
    for (old, new) in table {
        let nsn = &old[1..];
        for raw in [
            old.to_string(),
            format!("+84{nsn}"),
            format!("84{nsn}"),
            format!("0084{nsn}"),
            format!("+84 {} {} {}", &nsn[..3], &nsn[3..6], &nsn[6..]),
        ] {
            let got = n(&raw);
            assert_eq!(got.national, new, "{raw}");
            assert_eq!(got.kind, NumberKind::Mobile, "{raw}");
            assert!(got.valid, "{raw}");
            assert_eq!(got.converted_from.as_deref(), Some(old), "{raw}");
        }
    }
}

#[test]
fn only_11_digit_national_numbers_with_an_old_prefix_convert() {
    // 10-digit M2M numbers starting 0121[0-3] are valid today: untouched.
    let m2m = n("0121012345");
    assert_eq!(m2m.converted_from, None);
    assert_eq!(m2m.national, "0121012345");
    // 11 digits but not an old prefix (0130…): not converted.
    let other = n("01301234567");
    assert_eq!(other.converted_from, None);
    assert!(!other.valid);
    // 12 digits with an old prefix: not converted.
    assert_eq!(n("016212345678").converted_from, None);
}

#[test]
fn kinds_follow_the_numbering_plan() {
    let table = [
        ("0243 999 9999", NumberKind::FixedLine, "02439999999", true),
        ("02293 123 456", NumberKind::FixedLine, "02293123456", true),
        ("1800 1091", NumberKind::TollFree, "18001091", true),
        ("1800 123 456", NumberKind::TollFree, "1800123456", true),
        ("1900 1234", NumberKind::PremiumRate, "19001234", true),
        (
            "+84 1900 123 456",
            NumberKind::PremiumRate,
            "1900123456",
            true,
        ),
        ("113", NumberKind::Emergency, "113", true),
        ("111", NumberKind::Emergency, "111", true),
        ("115", NumberKind::Emergency, "115", true),
        ("156", NumberKind::ShortCode, "156", true),
        ("5656", NumberKind::ShortCode, "5656", true),
        ("0672012345", NumberKind::Voip, "0672012345", true),
    ];
    for (raw, kind, national, valid) in table {
        let got = n(raw);
        assert_eq!(
            (got.kind, got.national.as_str(), got.valid),
            (kind, national, valid),
            "{raw}"
        );
    }
}

#[test]
fn emergency_numbers_and_hotlines_are_recognised_however_written() {
    for raw in ["113", "+84 113", "0084113", "84113", "0113", "+84115"] {
        let n = n(raw);
        assert_eq!(n.kind, NumberKind::Emergency, "{raw}");
        assert_eq!(n.e164, None, "{raw}");
    }
    for raw in ["156", "+84156", "05656", "845656"] {
        let n = n(raw);
        assert_eq!(
            (n.kind, n.e164.as_deref()),
            (NumberKind::ShortCode, None),
            "{raw}"
        );
        assert!(HOTLINES.contains(&n.national.as_str()), "{raw}");
    }
}

#[test]
fn a_trunk_zero_after_the_country_code_is_dropped() {
    assert_eq!(n("+84 0912 345 678").national, "0912345678");
    let old = n("+84 0162 123 4567");
    assert_eq!(
        (old.national.as_str(), old.converted_from.as_deref()),
        ("0321234567", Some("01621234567"))
    );
}

#[test]
fn short_numbers_have_no_e164_form() {
    for raw in ["113", "156", "5656", "9029"] {
        assert_eq!(n(raw).e164, None, "{raw}");
    }
}

#[test]
fn foreign_numbers_keep_their_country() {
    let guinea = n("+224 621 23 45 67");
    assert_eq!(guinea.country.as_deref(), Some("GN"));
    assert_eq!(guinea.e164.as_deref(), Some("+224621234567"));
    let us = n("001 650 253 0000");
    assert_eq!(us.country.as_deref(), Some("US"));
    assert!(us.valid);
}

#[test]
fn parseable_but_invalid_numbers_are_returned_as_invalid() {
    // 04 was Hà Nội's area code until 2017; no 9-digit number starts with it.
    let spoof = n("0401234567");
    assert!(!spoof.valid);
    assert_eq!(spoof.e164.as_deref(), Some("+84401234567"));
    // An unknown country code is still a number, just not a valid one.
    let unknown = n("+999 1234 5678");
    assert!(!unknown.valid);
    assert_eq!(unknown.country, None);
}

#[test]
fn garbage_is_an_error_with_a_clear_message() {
    let table = [
        ("", NumberError::NoDigits),
        ("   ", NumberError::NoDigits),
        ("---", NumberError::NoDigits),
        ("abc", NumberError::Letters),
        ("09123abc", NumberError::Letters),
        ("0912😀345", NumberError::BadCharacter(CharName('😀'))),
        (
            "0912'; DROP TABLE reported;--",
            NumberError::BadCharacter(CharName('\'')),
        ),
        ("0912;345", NumberError::BadCharacter(CharName(';'))),
        ("*101#", NumberError::BadCharacter(CharName('*'))),
        ("09+12", NumberError::MisplacedPlus),
        ("12", NumberError::TooShort),
        ("012345678901234567890", NumberError::TooLong),
        ("0912\n345678", NumberError::BadCharacter(CharName('\n'))),
    ];
    for (raw, want) in table {
        assert_eq!(normalize(raw), Err(want), "{raw:?}");
    }
    assert_eq!(normalize(&"9".repeat(10_000)), Err(NumberError::TooLong));
    let msg = normalize("0912\u{7}345").unwrap_err().to_string();
    assert!(msg.contains("U+0007"), "{msg}");
}

/// The fast path must agree with libphonenumber wherever both answer.
#[test]
fn fast_path_agrees_with_the_phonenumber_crate() {
    let mut checked = 0;
    for prefix in 100..1000u32 {
        for tail in ["000000", "123456", "999999", "5678901"] {
            let nsn = format!("{prefix}{tail}");
            if convert_old_mobile(&nsn).is_some() {
                continue;
            }
            let fast = vietnamese(&nsn);
            let slow = with_crate(&format!("+84{nsn}"));
            assert_eq!(fast.valid, slow.valid, "+84{nsn}");
            // Whatever libphonenumber calls valid is valid here; "possible"
            // only ever widens what it calls invalid.
            assert_eq!(fast.plan == Plan::Valid, slow.valid, "+84{nsn}");
            if slow.valid {
                assert_eq!(fast.kind, slow.kind, "+84{nsn}");
                assert_eq!(fast.e164, slow.e164, "+84{nsn}");
            }
            checked += 1;
        }
    }
    assert!(checked > 3000);
}

#[test]
fn integer_key_is_the_e164_digits() {
    assert_eq!(n("0912345678").key(), Some(84_912_345_678));
    assert_eq!(n("113").key(), None);
}

#[test]
fn only_full_width_digits_fold_superscripts_and_circled_digits_do_not() {
    // Finding 17: "⁰⁹¹²³⁴⁵⁶⁷⁸" normalised as 0912345678.
    assert_eq!(
        normalize("＋８４ ９１２ ３４５ ６７８")
            .unwrap()
            .e164
            .as_deref(),
        Some("+84912345678")
    );
    for raw in ["⁰⁹¹²³⁴⁵⁶⁷⁸", "091234567⑧", "０９１２３４５６７₈"] {
        assert!(normalize(raw).is_err(), "{raw}");
    }
}

#[test]
fn invisible_characters_are_named_not_echoed() {
    // Finding 15: an invisible character in an error was echoed invisibly.
    let err = normalize("0912345678\u{FE0F}").unwrap_err().to_string();
    assert!(err.contains("U+FE0F"), "{err}");
    assert!(!err.contains('\u{FE0F}'), "{err:?}");
    let err = normalize("091234567#").unwrap_err().to_string();
    assert!(err.contains("'#'"), "{err}");
}

/// `written_foreign` knows from the digits alone what `normalize` finds
/// after classifying: they agree on every form.
#[test]
fn written_foreign_agrees_with_the_classification() {
    for raw in [
        "+1 202 555 0143",
        "001 202 555 0143",
        "+44 20 7946 0958",
        "+224 621 23 45 67",
        "+84 912 345 678",
        "0084912345678",
        "84912345678",
        "0912345678",
        "+84 0162 123 4567",
        "113",
        "+84 113",
        "19001234",
        "024 3936 1111",
        "+999 123 4567",
    ] {
        let n = normalize(raw).unwrap();
        assert_eq!(
            written_foreign(raw),
            n.country.as_deref() != Some("VN"),
            "{raw}: {n:?}"
        );
    }
    assert!(!written_foreign("VIETTEL"));
    // Written as Vietnam's, though no number: not foreign.
    assert!(!written_foreign("+84"));
    assert!(!written_foreign("+840"));
}

/// Valid (the published metadata lists it), possible (a known prefix or
/// area code and the right length, in a range the metadata does not list),
/// impossible (wrong length, unknown prefix).
#[test]
fn plan_tells_valid_possible_and_impossible() {
    use NumberKind::*;
    use Plan::*;
    let table = [
        ("0912345678", Mobile, Valid),
        ("0243 999 9999", FixedLine, Valid),
        ("1900 1234", PremiumRate, Valid),
        ("1800 1091", TollFree, Valid),
        ("113", Emergency, Valid),
        // Named as a caller impersonating the police and courts in Hà Nội
        // (cafef.vn, "Danh sách 32 số điện thoại lừa đảo…", 2026-01-20);
        // libphonenumber lists only 024 [2-8]… for Hà Nội.
        ("02499950060", FixedLine, Possible),
        ("024.9995.0060", FixedLine, Possible),
        ("+84 24 9995 0060", FixedLine, Possible),
        // Synthetic: the same gaps in Hà Nội's and Hồ Chí Minh City's
        // ranges.
        ("02401234567", FixedLine, Possible),
        ("02811234567", FixedLine, Possible),
        // Synthetic: carriers' prefixes, ranges libphonenumber leaves out.
        ("0521234567", Mobile, Possible),
        ("0551234567", Mobile, Possible),
        ("0891234567", Mobile, Possible),
        ("0992123456", Mobile, Possible),
        // The Ministry of Public Security's anti-corruption line (thdt.vn
        // citing VTVO, 01/12/2018: "069.234.2593").
        ("069.234.2593", Security, Possible),
        ("0691234567", Security, Possible),
        // Wrong length or unknown prefix.
        ("0401234567", Other, Impossible),
        ("0501234567", Other, Impossible),
        ("024999500601", Other, Impossible),
        ("0249995006", Other, Impossible),
        // libphonenumber lists 069 + 5 or 6 digits (type unknown to it).
        ("069123456", Security, Valid),
        ("06912345", Security, Valid),
        ("0691234", Other, Impossible),
        ("06912345678", Other, Impossible),
        ("+999 1234 5678", Other, Impossible),
    ];
    for (raw, kind, plan) in table {
        let got = n(raw);
        assert_eq!(got.plan, plan, "{raw}");
        assert_eq!(got.accepted(), plan != Impossible, "{raw}");
        assert_eq!(got.valid, plan == Valid, "{raw}");
        if plan != Impossible {
            assert_eq!(got.kind, kind, "{raw}");
        }
        if plan == Possible {
            // A possible number keeps its national and international form.
            assert_eq!(got.country.as_deref(), Some("VN"), "{raw}");
            assert!(got.key().is_some(), "{raw}");
            assert_eq!(got.display, got.national, "{raw}");
        }
    }
    assert_eq!(n("+84 24 9995 0060").national, "02499950060");
}
