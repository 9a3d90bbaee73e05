//! Table tests of the inbox parser: the bodies of `reference/vietnam.md` and
//! what people plausibly type. Every number here is synthetic, except in
//! `the_forms_public_sources_print_parse`, where each is the example its
//! source prints.

use super::*;
use unicode_normalization::is_nfc;

/// What a body should give.
#[derive(Debug)]
enum Want {
    /// Keyword, sender (the national form of the number, or the brand
    /// name), content.
    Report(Keyword, &'static str, &'static str),
    /// The refusal's code.
    Refused(&'static str),
}
use Want::{Refused, Report};

fn ld(sender: &'static str, content: &'static str) -> Want {
    Report(Keyword::Ld, sender, content)
}
fn v(sender: &'static str, content: &'static str) -> Want {
    Report(Keyword::V, sender, content)
}
fn s(sender: &'static str, content: &'static str) -> Want {
    Report(Keyword::S, sender, content)
}

/// Checks every row and the invariants of every result; returns the rows
/// checked.
fn check(table: &[(&str, Want)]) -> usize {
    for (body, want) in table {
        let got = parse_body(body);
        match (want, &got) {
            (Report(keyword, sender, content), Ok(p)) => {
                assert_eq!(p.keyword, *keyword, "{body:?}");
                assert_eq!(p.category, keyword.category(), "{body:?}");
                match &p.sender {
                    Sender::Number(n) => {
                        assert_eq!(n.national, *sender, "number of {body:?}");
                        assert!(n.accepted(), "{body:?}");
                        assert_eq!(p.number(), Some(n));
                        assert_eq!(p.sender_id(), None);
                    }
                    Sender::SenderId(id) => {
                        assert_eq!(p.keyword, Keyword::S, "{body:?}");
                        assert_eq!(id, sender, "sender of {body:?}");
                        assert_eq!(p.number(), None);
                    }
                }
                assert_eq!(p.content, *content, "content of {body:?}");
                assert!(!p.content_truncated, "{body:?}");
                assert!(!p.written.is_empty(), "{body:?}");
            }
            (Refused(code), Err(refused)) => {
                assert_eq!(refused.code(), *code, "{body:?}: {refused}");
            }
            _ => panic!("{body:?}: wanted {want:?}, got {got:?}"),
        }
    }
    table.len()
}

#[test]
fn the_reference_examples_parse() {
    check(&[
        (
            "LD 0912345678 Mao danh cong an yeu cau chuyen tien",
            ld("0912345678", "Mao danh cong an yeu cau chuyen tien"),
        ),
        (
            "V 0912345678 Goi quang cao bat dong san",
            v("0912345678", "Goi quang cao bat dong san"),
        ),
        (
            "S 0912345678 Tin nhan gia mao ngan hang",
            s("0912345678", "Tin nhan gia mao ngan hang"),
        ),
        (
            "V (0987654321)(Cuộc gọi quảng cáo…)",
            v("0987654321", "Cuộc gọi quảng cáo…"),
        ),
        // The letter's template, copied with its angle brackets.
        (
            "LD <0912345678> <thu hồi số thuê bao>",
            ld("0912345678", "thu hồi số thuê bao"),
        ),
    ]);
}

#[test]
fn the_keyword_is_read_in_any_case_with_the_vietnamese_d_and_in_full_width() {
    check(&[
        ("ld 0912345678 lừa đảo", ld("0912345678", "lừa đảo")),
        (
            "Ld 0912345678 gọi mạo danh công an",
            ld("0912345678", "gọi mạo danh công an"),
        ),
        ("lD 0987654321 x", ld("0987654321", "x")),
        (
            "LĐ 0912345678 mạo danh ngân hàng",
            ld("0912345678", "mạo danh ngân hàng"),
        ),
        ("lđ 0912345678", ld("0912345678", "")),
        (
            "Lđ 0987654321 chuẩn hóa thông tin",
            ld("0987654321", "chuẩn hóa thông tin"),
        ),
        ("v 0987654321 quảng cáo", v("0987654321", "quảng cáo")),
        ("s 0987654321 tin nhắn rác", s("0987654321", "tin nhắn rác")),
        (
            "ＬＤ　０９１２３４５６７８　giả danh công an",
            ld("0912345678", "giả danh công an"),
        ),
        ("ｌｄ0912345678", ld("0912345678", "")),
    ]);
}

#[test]
fn separators_or_no_space_may_follow_the_keyword() {
    check(&[
        ("LD0912345678 mạo danh", ld("0912345678", "mạo danh")),
        ("LD:0912345678 mạo danh", ld("0912345678", "mạo danh")),
        ("LD: 0912345678: mạo danh", ld("0912345678", "mạo danh")),
        ("LD - 0912345678 - mạo danh", ld("0912345678", "mạo danh")),
        ("LD.0912345678.mạo danh", ld("0912345678", "mạo danh")),
        ("V-0987654321 bán bảo hiểm", v("0987654321", "bán bảo hiểm")),
        (
            "LD, 0912345678, gọi lừa đảo",
            ld("0912345678", "gọi lừa đảo"),
        ),
        (
            "LD\n0912345678\nGiả danh nhân viên điện lực",
            ld("0912345678", "Giả danh nhân viên điện lực"),
        ),
        ("LD số 0912345678 lừa đảo", ld("0912345678", "lừa đảo")),
        ("LD SĐT: 0912345678 lừa đảo", ld("0912345678", "lừa đảo")),
        (
            "  \t LD 0912345678 khoảng trắng đầu cuối \n ",
            ld("0912345678", "khoảng trắng đầu cuối"),
        ),
        ("\u{FEFF}LD 0912345678 có BOM", ld("0912345678", "có BOM")),
    ]);
}

#[test]
fn the_bracket_forms_of_the_official_guides_parse() {
    check(&[
        ("LD (0912345678)(nội dung)", ld("0912345678", "nội dung")),
        ("V [0912345678][nội dung]", v("0912345678", "nội dung")),
        (
            "LD [0912345678] [Mạo danh công an]",
            ld("0912345678", "Mạo danh công an"),
        ),
        (
            "LD (0912345678) mạo danh công an",
            ld("0912345678", "mạo danh công an"),
        ),
        (
            "LD 0912345678 (mạo danh công an)",
            ld("0912345678", "mạo danh công an"),
        ),
        (
            "LD ( 0912 345 678 )( mạo danh )",
            ld("0912345678", "mạo danh"),
        ),
        (
            "LD (0912345678)(mạo danh (giả) công an)",
            ld("0912345678", "mạo danh (giả) công an"),
        ),
        // Unclosed: the opening bracket is dropped.
        ("LD (0912345678)(nội dung", ld("0912345678", "nội dung")),
        // Brackets inside the content that do not hold all of it stay.
        (
            "LD 0912345678 (giả danh) gọi nhiều lần",
            ld("0912345678", "(giả danh) gọi nhiều lần"),
        ),
        (
            "LD【0912345678】【giả danh công an】",
            ld("0912345678", "giả danh công an"),
        ),
        (
            "LD （０９１２３４５６７８）（giả danh）",
            ld("0912345678", "giả danh"),
        ),
        ("LD (+84) 912 345 678 gọi", ld("0912345678", "gọi")),
    ]);
}

#[test]
fn the_number_is_read_in_every_form_normalize_accepts() {
    check(&[
        ("LD 0912 345 678 lừa đảo", ld("0912345678", "lừa đảo")),
        ("LD 091.234.5678 lừa đảo", ld("0912345678", "lừa đảo")),
        ("LD 091-234-5678 lừa đảo", ld("0912345678", "lừa đảo")),
        ("LD +84912345678 lừa đảo", ld("0912345678", "lừa đảo")),
        ("LD +84 91 234 5678 lừa đảo", ld("0912345678", "lừa đảo")),
        ("LD 84912345678 lừa đảo", ld("0912345678", "lừa đảo")),
        ("LD 84 912 345 678 lừa đảo", ld("0912345678", "lừa đảo")),
        ("LD 0084912345678 lừa đảo", ld("0912345678", "lừa đảo")),
        ("LD 0084 912 345 678", ld("0912345678", "")),
        ("LD (091) 234-5678 lừa đảo", ld("0912345678", "lừa đảo")),
        // The old 11-digit numbers are converted (0162 → 032).
        ("LD 01621234567 số cũ", ld("0321234567", "số cũ")),
        ("LD 0162 123 4567 số cũ", ld("0321234567", "số cũ")),
        (
            "LD ０９１２３４５６７８ full-width",
            ld("0912345678", "full-width"),
        ),
        (
            "LD 0912\u{00A0}345\u{00A0}678 nbsp",
            ld("0912345678", "nbsp"),
        ),
        (
            "LD 0912\u{200B}345678 zero-width",
            ld("0912345678", "zero-width"),
        ),
        (
            "LD 0912\u{2013}345\u{2013}678 en dash",
            ld("0912345678", "en dash"),
        ),
        // A landline: 0 + area code 24 + 8 digits.
        ("V 024 3123 4567 máy bàn", v("02431234567", "máy bàn")),
        ("V 0243.123.4567", v("02431234567", "")),
        // Foreign numbers (wangiri), written with + or 00.
        (
            "LD +224 621 234 567 đổ chuông một lần",
            ld("621234567", "đổ chuông một lần"),
        ),
        ("LD 00224621234567", ld("621234567", "")),
    ]);
}

#[test]
fn the_number_ends_where_the_longest_valid_run_of_digit_groups_ends() {
    check(&[
        ("LD 0912345678 2 lần gọi", ld("0912345678", "2 lần gọi")),
        ("LD 0912 345 678 3 cuộc", ld("0912345678", "3 cuộc")),
        ("LD 0912345678 10 lần", ld("0912345678", "10 lần")),
        ("LD 0912345678-2 lần", ld("0912345678", "2 lần")),
        (
            "LD 0912345678, 10h sáng nay",
            ld("0912345678", "10h sáng nay"),
        ),
        ("LD 0912345678lừa đảo", ld("0912345678", "lừa đảo")),
        ("LD 0162 123 4567 8 lần", ld("0321234567", "8 lần")),
        // Two numbers: the first is the one reported.
        ("LD 0912345678 0987654321", ld("0912345678", "0987654321")),
        (
            "LD 0912345678 +84987654321",
            ld("0912345678", "+84987654321"),
        ),
        // A line break ends the number.
        (
            "LD 0912 345 678\n113 gọi lại",
            ld("0912345678", "113 gọi lại"),
        ),
        // Never cut inside a group of digits: an 11-digit typo is invalid,
        // not 0912345678 and "9".
        ("LD 09123456789 lừa đảo", Refused("invalid_number")),
        ("LD 0912 345 6789 lừa đảo", Refused("invalid_number")),
        // Nine digits.
        ("LD 091234567 lừa đảo", Refused("invalid_number")),
        ("LD 0912", Refused("invalid_number")),
        // More digits than any number has.
        ("LD 123456789012345678901 x", Refused("invalid_number")),
        // A short number must be one group: "12 345" is not 12345.
        ("LD 12 345 678", Refused("invalid_number")),
    ]);
}

#[test]
fn the_content_is_trimmed_collapsed_nfc_and_keeps_diacritics_and_emoji() {
    check(&[
        (
            "LD 0912345678   mạo   danh \n\n công   an  ",
            ld("0912345678", "mạo danh công an"),
        ),
        ("LD 0912345678", ld("0912345678", "")),
        ("LD 0912345678   \n ", ld("0912345678", "")),
        (
            "LD 0912345678 Mạo danh công an 🚨📞 👨\u{200D}👩\u{200D}👧",
            ld("0912345678", "Mạo danh công an 🚨📞 👨\u{200D}👩\u{200D}👧"),
        ),
        // A signature stays: nothing tells it from the content.
        (
            "LD 0912345678 giả danh công an. Nguyễn Văn A, Ninh Bình",
            ld("0912345678", "giả danh công an. Nguyễn Văn A, Ninh Bình"),
        ),
        (
            "LD 0912345678 gọi lúc 9h\r\nTrân trọng",
            ld("0912345678", "gọi lúc 9h Trân trọng"),
        ),
        // Direction overrides are dropped.
        (
            "LD 0912345678 \u{202E}lừa đảo\u{202C}",
            ld("0912345678", "lừa đảo"),
        ),
    ]);
}

#[test]
fn decomposed_content_comes_out_composed() {
    let content = "Mạo danh công an, yêu cầu chuyển tiền";
    let nfd: String = content.nfd().collect();
    assert_ne!(nfd, content);
    let got = parse_body(&format!("LD 0912345678 {nfd}")).unwrap();
    assert_eq!(got.content, content);
    // `số` decomposed is still the word before the number.
    let so: String = "số".nfd().collect();
    let got = parse_body(&format!("LD {so} 0912345678 x")).unwrap();
    assert_eq!(got.number().unwrap().national, "0912345678");
}

#[test]
fn s_takes_a_number_or_a_brand_name() {
    check(&[
        (
            "S VIETTEL Tin nhắn khóa SIM 2 chiều",
            s("VIETTEL", "Tin nhắn khóa SIM 2 chiều"),
        ),
        (
            "S Viettel tin nhắn khóa SIM",
            s("VIETTEL", "tin nhắn khóa SIM"),
        ),
        (
            "S [VCB] Tài khoản của quý khách bị khóa",
            s("VCB", "Tài khoản của quý khách bị khóa"),
        ),
        (
            "S (VCB)(Tài khoản bị khóa, bấm link)",
            s("VCB", "Tài khoản bị khóa, bấm link"),
        ),
        ("S [FE CREDIT] mời vay tiền", s("FECREDIT", "mời vay tiền")),
        ("S TPBank: mã OTP của bạn", s("TPBANK", "mã OTP của bạn")),
        ("s vietcombank giả mạo", s("VIETCOMBANK", "giả mạo")),
        ("S Viettel-Post giao hàng", s("VIETTELPOST", "giao hàng")),
        ("S BIDV", s("BIDV", "")),
        ("S MB: tài khoản bị khóa", s("MB", "tài khoản bị khóa")),
        ("S Zalo mã xác thực", s("ZALO", "mã xác thực")),
        ("S Shopee - quà tặng", s("SHOPEE", "quà tặng")),
        ("S 8x88 trúng thưởng", s("8X88", "trúng thưởng")),
        ("S ＶＩＥＴＴＥＬ khóa SIM", s("VIETTEL", "khóa SIM")),
        // Numbers, short codes included.
        ("S 0912345678 link lạ", s("0912345678", "link lạ")),
        ("S +84 912 345 678 link lạ", s("0912345678", "link lạ")),
        ("S 9029 đăng ký nhận quà", s("9029", "đăng ký nhận quà")),
        ("S [0987654321][vay tiền]", s("0987654321", "vay tiền")),
        // Content where the sender should be: refused, not a sender "TIN".
        ("S tin nhan gia mao ngan hang", Refused("no_sender")),
        ("S Tin nhắn lừa đảo", Refused("no_sender")),
        ("S Tiền thưởng", Refused("no_sender")),
        ("S spam quảng cáo", Refused("no_sender")),
        ("S", Refused("no_sender")),
        ("S: ", Refused("no_sender")),
        // Longer than any alphanumeric sender (11).
        ("S VIETTELCSKHABC giả mạo", Refused("no_sender")),
        ("S [A B C D E F G H I J K L] x", Refused("no_sender")),
        ("S 091234 quảng cáo", Refused("invalid_number")),
        ("S 156 tin nhắn", Refused("protected_number")),
    ]);
}

#[test]
fn chatter_is_refused_as_chatter() {
    check(&[
        ("cam on", Refused("chatter")),
        ("Cảm ơn", Refused("chatter")),
        ("cám ơn nhiều ạ", Refused("chatter")),
        ("CAM ON 156", Refused("chatter")),
        ("Thanks", Refused("chatter")),
        ("thank you!", Refused("chatter")),
        ("HELP", Refused("chatter")),
        ("help", Refused("chatter")),
        ("?", Refused("chatter")),
        ("???", Refused("chatter")),
        ("ok", Refused("chatter")),
        ("Ok 👍", Refused("chatter")),
        ("👍", Refused("chatter")),
        ("alo", Refused("chatter")),
        ("A lô", Refused("chatter")),
        ("Alo 156 ơi", Refused("chatter")),
        ("Xin chào", Refused("chatter")),
        ("Dạ vâng", Refused("chatter")),
        ("Hướng dẫn cú pháp", Refused("chatter")),
        ("Cú pháp là gì?", Refused("chatter")),
        ("ＯＫ", Refused("chatter")),
    ]);
}

#[test]
fn emergency_numbers_and_hotlines_are_refused_as_protected() {
    let table = [
        ("LD 113 gọi giả danh công an", "113"),
        ("LD 111", "111"),
        ("LD 112 abc", "112"),
        ("LD 114", "114"),
        ("ld 115 cấp cứu", "115"),
        ("V 156", "156"),
        ("V 5656 tin nhắn", "5656"),
        ("LD 0113", "113"),
        ("LD +84 113", "113"),
        ("LD (113)(mạo danh)", "113"),
        // "113 5" is not the short number 1135.
        ("LD 113 5 lần", "113"),
        ("S 5656", "5656"),
    ];
    for (body, national) in table {
        match parse_body(body) {
            Err(RefusedSms::ProtectedNumber { number, .. }) => {
                assert_eq!(number.national, national, "{body:?}");
            }
            other => panic!("{body:?}: {other:?}"),
        }
    }
    let refused = parse_body("LD 113").unwrap_err();
    assert_eq!(
        refused.to_string(),
        "113 is an emergency number and is never listed"
    );
    let refused = parse_body("V 156").unwrap_err();
    assert_eq!(
        refused.to_string(),
        "156 is a reporting hotline and is never listed"
    );
}

#[test]
fn unknown_keywords_are_not_missing_numbers() {
    let table = [
        ("DK DNC", "DK"),
        ("DK DNC V", "DK"),
        ("TCTM example.com", "TCTM"),
        ("XYZ 0912345678", "XYZ"),
        ("xyz 0912345678 lừa đảo", "XYZ"),
        ("XYZ0912345678", "XYZ"),
        ("LDD 0912345678", "LDD"),
        ("SPAM 0912345678", "SPAM"),
        ("STOP", "STOP"),
        ("K (0912345678)", "K"),
    ];
    for (body, word) in table {
        match parse_body(body) {
            Err(RefusedSms::UnknownKeyword { word: got }) => assert_eq!(got, word, "{body:?}"),
            other => panic!("{body:?}: {other:?}"),
        }
    }
}

#[test]
fn a_missing_keyword_number_or_body_is_refused_with_its_own_code() {
    check(&[
        ("", Refused("empty")),
        ("   \n\t ", Refused("empty")),
        ("\u{200B}\u{FEFF}", Refused("empty")),
        ("0912345678 lừa đảo", Refused("no_keyword")),
        ("+84912345678", Refused("no_keyword")),
        ("Số 0912345678 gọi lừa đảo", Refused("no_keyword")),
        (
            "Tôi muốn báo cáo số 0912345678 lừa đảo",
            Refused("no_keyword"),
        ),
        ("lua dao 0912345678", Refused("no_keyword")),
        ("LD", Refused("no_number")),
        ("LD lừa đảo", Refused("no_number")),
        ("V: cảm ơn", Refused("no_number")),
        ("LD (nội dung)", Refused("no_number")),
        ("LD số", Refused("no_number")),
        ("LD +", Refused("no_number")),
    ]);
}

#[test]
fn refusals_have_distinct_stable_codes_and_never_repeat_the_body() {
    let bodies = [
        "",
        "cam on",
        "Tôi muốn báo cáo 0912345678",
        "DK DNC",
        "LD gọi mạo danh",
        "S tin nhắn giả mạo",
        "LD 09123456789 lừa đảo",
        "LD 113 mạo danh",
    ];
    let mut codes = Vec::new();
    for body in bodies {
        let refused = parse_body(body).unwrap_err();
        let reason = refused.to_string();
        assert!(!reason.is_empty());
        if body.len() > 6 {
            assert!(!reason.contains(body), "{reason}");
        }
        assert!(!reason.contains("0912345678"), "{reason}");
        assert!(RefusedSms::CODES.contains(&refused.code()));
        codes.push(refused.code());
    }
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), bodies.len(), "one code per kind of refusal");
    assert_eq!(codes.len(), RefusedSms::CODES.len());
}

#[test]
fn the_number_and_sender_are_kept_as_written() {
    let got = parse_body("LD 0912 345 678 x").unwrap();
    assert_eq!(got.written, "0912 345 678");
    let got = parse_body("LD (+84) 912 345 678)(x)").unwrap();
    assert_eq!(got.written, "+84) 912 345 678");
    let got = parse_body("LD ０９１２３４５６７８").unwrap();
    assert_eq!(got.written, "０９１２３４５６７８");
    let got = parse_body("S [FE CREDIT] vay").unwrap();
    assert_eq!(got.written, "FE CREDIT");
    let got = parse_body("S Viettel: khóa SIM").unwrap();
    assert_eq!(got.written, "Viettel");
    let got = parse_body("LD 01621234567").unwrap();
    let n = got.number().unwrap();
    assert_eq!(n.converted_from.as_deref(), Some("01621234567"));
    assert_eq!(n.e164.as_deref(), Some("+84321234567"));
}

#[test]
fn categories_follow_the_keyword() {
    let cases = [
        ("LD 0912345678", "LD", "scam", Some(Category::Scam)),
        ("V 0912345678", "V", "nuisance", Some(Category::Nuisance)),
        ("S 0912345678", "S", "sms_spam", None),
    ];
    for (body, keyword, category, call_category) in cases {
        let got = parse_body(body).unwrap();
        assert_eq!(got.keyword.as_str(), keyword);
        assert_eq!(got.keyword.to_string(), keyword);
        assert_eq!(got.category.as_str(), category);
        assert_eq!(got.category.call_category(), call_category);
    }
    assert_eq!(Keyword::ALL.len(), 3);
}

#[test]
fn the_json_has_the_fields_the_cli_prints() {
    let got = parse_body("LD 0912 345 678 mạo danh công an").unwrap();
    let json = serde_json::to_value(&got).unwrap();
    assert_eq!(json["keyword"], "LD");
    assert_eq!(json["category"], "scam");
    assert_eq!(json["content"], "mạo danh công an");
    assert_eq!(json["number"]["e164"], "+84912345678");
    assert_eq!(json["number"]["national"], "0912345678");
    assert_eq!(json["number"]["kind"], "mobile");
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(keys.len(), 4, "{keys:?}");

    let got = parse_body("S VIETTEL khóa SIM").unwrap();
    let json = serde_json::to_value(&got).unwrap();
    assert_eq!(json["keyword"], "S");
    assert_eq!(json["sender_id"], "VIETTEL");
    assert_eq!(json["category"], "sms_spam");
    assert!(json.get("number").is_none());
}

#[test]
fn very_long_bodies_are_bounded() {
    // Long content: cut at MAX_CONTENT_CHARS, flagged.
    let body = format!("LD 0912345678 {}", "lừa đảo ".repeat(500));
    let got = parse_body(&body).unwrap();
    assert!(got.content_truncated);
    assert!(got.content.chars().count() <= MAX_CONTENT_CHARS);
    assert!(got.content.starts_with("lừa đảo lừa đảo"));

    // Decomposed letters are never cut from their marks.
    let body = format!("LD 0912345678 {}", "a\u{0301}".repeat(2000));
    let got = parse_body(&body).unwrap();
    assert!(got.content_truncated);
    assert!(got.content.chars().all(|c| c == 'á'), "{}", got.content);

    // The keyword must be near the start.
    let body = format!("{}LD 0912345678", " ".repeat(10_000));
    assert_eq!(parse_body(&body).unwrap_err().code(), "no_keyword");
    let body = format!("{}LD 0912345678", "x".repeat(10_000));
    assert_eq!(parse_body(&body).unwrap_err().code(), "no_keyword");

    // A number cut by the end of the head is not taken for a shorter one.
    let body = format!("LD{}0912345678 x", " ".repeat(MAX_HEAD_CHARS - 6));
    assert_eq!(parse_body(&body).unwrap_err().code(), "invalid_number");
    let body = format!("S{}VIETTELCSKH x", " ".repeat(MAX_HEAD_CHARS - 4));
    assert_eq!(parse_body(&body).unwrap_err().code(), "no_sender");
    // The number's last digit is the head's last character: whether the
    // group goes on is unknown, so it is refused; one blank more is read.
    let body = format!("LD{}0912345678 x", " ".repeat(MAX_HEAD_CHARS - 12));
    assert_eq!(parse_body(&body).unwrap_err().code(), "invalid_number");
    let body = format!("LD{}0912345678 x", " ".repeat(MAX_HEAD_CHARS - 13));
    assert_eq!(parse_body(&body).unwrap().content, "x");

    // A megabyte of digits, of blanks, of emoji.
    let body = format!("LD {}", "9".repeat(1_000_000));
    assert_eq!(parse_body(&body).unwrap_err().code(), "invalid_number");
    let body = format!("LD 0912345678{}", " ".repeat(1_000_000));
    let got = parse_body(&body).unwrap();
    assert_eq!(got.content, "");
    let body = format!("LD 0912345678 {}", "🚨".repeat(1_000_000));
    let got = parse_body(&body).unwrap();
    // The window counts the blank after the number.
    assert_eq!(got.content.chars().count(), MAX_CONTENT_CHARS - 1);
    assert!(got.content_truncated);
    let body = "(".repeat(1_000_000);
    assert!(parse_body(&body).is_err());
}

/// The invariants of any result.
fn assert_sound(body: &str) {
    match parse_body(body) {
        Ok(p) => {
            assert!(p.content.chars().count() <= MAX_CONTENT_CHARS);
            assert!(is_nfc(&p.content), "{body:?}");
            assert_eq!(p.content.trim(), p.content, "{body:?}");
            assert!(!p.content.contains("  "), "{body:?}");
            assert!(!p.content.contains(['\n', '\r', '\t']), "{body:?}");
            match &p.sender {
                Sender::Number(n) => {
                    assert!(n.valid, "{body:?}");
                    assert!(!is_protected(n), "{body:?}");
                }
                Sender::SenderId(id) => {
                    assert_eq!(p.keyword, Keyword::S);
                    assert!((2..=MAX_SENDER_ID_CHARS).contains(&id.len()), "{body:?}");
                    assert!(
                        id.bytes()
                            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()),
                        "{body:?}"
                    );
                }
            }
        }
        Err(refused) => {
            assert!(RefusedSms::CODES.contains(&refused.code()));
            assert!(!refused.to_string().is_empty());
        }
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Pieces of what people type, so that the generated bodies reach deep
    /// into the parser rather than stopping at "no keyword".
    const PIECES: &[&str] = &[
        "LD",
        "ld",
        "LĐ",
        "V",
        "S",
        "Ｌ",
        "Ｄ",
        " ",
        "  ",
        "\n",
        "\t",
        ":",
        "-",
        ".",
        ",",
        "(",
        ")",
        "[",
        "]",
        "<",
        ">",
        "【",
        "】",
        "（",
        "+",
        "+84",
        "84",
        "0084",
        "0",
        "09",
        "0912",
        "345",
        "678",
        "0912345678",
        "０９１",
        "01621234567",
        "113",
        "156",
        "5656",
        "9",
        "12",
        "số",
        "SĐT",
        "VIETTEL",
        "Vcb",
        "tin",
        "nhắn",
        "lừa đảo",
        "cam on",
        "?",
        "🚨",
        "👨\u{200D}👩",
        "\u{0301}",
        "\u{0323}",
        "\u{200B}",
        "\u{202E}",
        "\u{FEFF}",
        "\u{00A0}",
        "\u{3000}",
        "é",
        "a\u{0301}",
        "Đ",
        "x",
        "\0",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn any_string_is_parsed_or_refused_without_panicking(body in any::<String>()) {
            assert_sound(&body);
        }

        #[test]
        fn any_mix_of_report_pieces_is_parsed_or_refused_soundly(
            pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..24)
        ) {
            assert_sound(&pieces.concat());
        }
    }
}

#[test]
fn content_is_composed_even_when_an_invisible_character_stood_between_marks() {
    // Found by the property test below: U+200B between two marks.
    let body = "S0084cam on0912Vcb\u{301}\u{202e}cam on\u{200b}\u{323}-0084156   \u{ff08}";
    if let Ok(p) = parse_body(body) {
        assert!(unicode_normalization::is_nfc(&p.content), "{:?}", p.content);
    }
    let p = parse_body("LD 0912345678 e\u{323}\u{200b}\u{302}").unwrap();
    assert_eq!(p.content, "ệ");
}

/// Issue 21: the report forms Vietnamese official pages and newspapers
/// print, each row with where it is printed. The numbers are the examples
/// those pages print (or synthetic where a page prints a placeholder).
#[test]
fn the_forms_public_sources_print_parse() {
    check(&[
        // thongbaorac.ais.gov.vn, the official 5656 page (its example).
        (
            "V (0985931054)(Cuộc gọi quảng cáo)",
            v("0985931054", "Cuộc gọi quảng cáo"),
        ),
        // plo.vn, "Phản ánh về cuộc gọi rác tăng…", 2021-07: "V [nguồn phát
        // tán][nội dung cuộc gọi rác]" and its example in parentheses.
        (
            "V [0912345678][Cuộc gọi quảng cáo]",
            v("0912345678", "Cuộc gọi quảng cáo"),
        ),
        (
            "V (0987654321)(Cuộc gọi quảng cáo giới thiệu sản phẩm dịch vụ bất động sản của công y A)",
            v(
                "0987654321",
                "Cuộc gọi quảng cáo giới thiệu sản phẩm dịch vụ bất động sản của công y A",
            ),
        ),
        // vietbao.vn, 2024-01 (Trà Vinh police): "V(0812341213) lua dao".
        ("V(0812341213) lua dao", v("0812341213", "lua dao")),
        // trangcongnghe.vn, "Tra cứu tin nhắn lừa đảo qua SMS bằng đầu số
        // 156": "LD (số điện thoại - nguồn phát tán) (nội dung phản ánh)",
        // and the same read as one bracket (issue 21's `LD (số - nội dung)`).
        (
            "LD (0912345678) (mạo danh công an)",
            ld("0912345678", "mạo danh công an"),
        ),
        (
            "LD (0912345678 - mạo danh công an)",
            ld("0912345678", "mạo danh công an"),
        ),
        (
            "LD (0912345678 - mạo danh (giả) công an)",
            ld("0912345678", "mạo danh (giả) công an"),
        ),
        (
            "S (0912345678) (trúng thưởng)",
            s("0912345678", "trúng thưởng"),
        ),
        // sggpnews.org.vn, "Newest method to block marketing messages":
        // "S 090xxxxxxx mua ban dat nen" (the x's made digits).
        (
            "S 0901234567 mua ban dat nen",
            s("0901234567", "mua ban dat nen"),
        ),
        // Numbers as newspapers print them: dots (vietnamnet.vn prints a
        // caller as "0291.99930XX"; the X's made digits), spaces, and the
        // Hà Nội 024 99xx form named in cafef.vn's 2026-01-20 list.
        ("LD 0291.9993.012 tang qua", ld("02919993012", "tang qua")),
        (
            "LD 024 9995 0060 gia danh cong an",
            ld("02499950060", "gia danh cong an"),
        ),
        // plo.vn, 2021-07: the criminal police department's duty line,
        // "Trực ban hình sự 0692348560" (reported here only as a form).
        (
            "LD 0692.348.560 gia danh cong an",
            ld("0692348560", "gia danh cong an"),
        ),
    ]);
    // Messages to 156/5656 that are not reports: the do-not-call list
    // (khongquangcao.ais.gov.vn: "DK DNC", "HUY DNC"; vietnamnet.vn,
    // 2026: "DK DNC S", "DK DNC V"), a forwarded ad (quantrimang.com:
    // "FW [nội dung]"), a domain look-up (trangcongnghe.vn: TCTM).
    for (body, word) in [
        ("DK DNC", "DK"),
        ("DK DNC S", "DK"),
        ("DK DNC V", "DK"),
        ("HUY DNC", "HUY"),
        ("FW Khuyen mai 50% tai cua hang X", "FW"),
        ("TCTM example.vn", "TCTM"),
    ] {
        match parse_body(body) {
            Err(RefusedSms::UnknownKeyword { word: got }) => assert_eq!(got, word, "{body:?}"),
            other => panic!("{body:?}: {other:?}"),
        }
    }
}

/// Issue 21: a possible number (a range libphonenumber does not list) is
/// a report's number; an impossible one is refused as before.
#[test]
fn possible_numbers_are_reported_impossible_ones_refused() {
    let p = parse_body("LD 02499950060 gia danh toa an").unwrap();
    let n = p.number().unwrap();
    assert_eq!(n.plan, crate::number::Plan::Possible);
    assert_eq!(n.kind, crate::number::NumberKind::FixedLine);
    assert_eq!(
        parse_body("LD 0401234567 lua dao").unwrap_err().code(),
        "invalid_number"
    );
}
