//! Raw caller strings → normalised phone numbers.
//!
//! Vietnamese forms (`+84…`, `84…`, `0084…`, `0…`, the old 11-digit mobile
//! numbers, short codes) are handled by a fast path written from the
//! numbering plan, so that the first call in a process does not pay the
//! `phonenumber` crate's metadata load (about 47 ms here). Everything else
//! (foreign numbers, unusual Vietnamese ranges) goes to the crate.

use serde::Serialize;
use std::fmt;
use unicode_normalization::UnicodeNormalization;

/// Longest input we look at: far above any real caller string, far below
/// anything that could cost time.
const MAX_INPUT_BYTES: usize = 64;
/// E.164 allows 15 digits; `00` plus a 15-digit number is 17.
const MAX_DIGITS: usize = 17;
const MIN_DIGITS: usize = 3;

crate::model::string_enum! {
    /// What kind of number called.
    NumberKind {
        Mobile = "mobile",
        FixedLine = "fixed_line",
        /// 1800…: free for the caller.
        TollFree = "toll_free",
        /// 1900…: premium rate for the caller.
        PremiumRate = "premium_rate",
        /// 111–115.
        Emergency = "emergency",
        /// 156, 5656 and other short service numbers.
        ShortCode = "short_code",
        Voip = "voip",
        Other = "other",
    }
}

/// A caller number in the forms the rest of the core works with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct PhoneNumber {
    /// `+84912345678`; `None` for short numbers and unknown country codes.
    pub e164: Option<String>,
    /// How it is dialled inside its country: `0912345678`, `113`, `18001091`.
    pub national: String,
    /// ISO 3166 code (`VN`), when known.
    pub country: Option<String>,
    pub kind: NumberKind,
    pub valid: bool,
    /// How to show it to a person: the national form for Vietnamese numbers,
    /// E.164 for foreign ones (`+224621234567`).
    pub display: String,
    /// The old 11-digit form this number was converted from (`01621234567`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub converted_from: Option<String>,
}

impl PhoneNumber {
    pub fn is_vietnamese(&self) -> bool {
        self.country.as_deref() == Some("VN")
    }

    /// The integer key the store uses: the E.164 digits (`84912345678`).
    pub fn key(&self) -> Option<i64> {
        self.e164.as_deref().and_then(e164_key)
    }
}

pub(crate) fn e164_key(e164: &str) -> Option<i64> {
    e164.strip_prefix('+')?.parse().ok()
}

/// Why a string is not a phone number. Messages never repeat the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error("the number is empty: it has no digits")]
    NoDigits,
    #[error("the number is too long to be a phone number")]
    TooLong,
    #[error("the number is too short: a phone number has at least 3 digits")]
    TooShort,
    #[error("the number contains letters: a phone number has only digits")]
    Letters,
    #[error("the number contains '{0}', which cannot be part of a phone number")]
    BadCharacter(CharName),
    #[error("'+' may only stand at the start of a number")]
    MisplacedPlus,
}

/// A character named safely for an error message (control characters and
/// invisible ones as their code point).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CharName(pub char);

impl fmt::Display for CharName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.0;
        if c.is_control() || c.is_whitespace() {
            write!(f, "U+{:04X}", c as u32)
        } else {
            write!(f, "{c}")
        }
    }
}

/// Parse any raw caller string.
pub fn normalize(raw: &str) -> Result<PhoneNumber, NumberError> {
    let cleaned = clean(raw)?;
    Ok(classify_digits(cleaned.plus, &cleaned.digits))
}

/// The emergency numbers: never silenced, never blocked.
pub const EMERGENCY: [&str; 5] = ["111", "112", "113", "114", "115"];

/// The official reporting hotlines: never silenced or blocked either.
pub const HOTLINES: [&str; 2] = ["156", "5656"];

/// Digits and whether a leading `+` was written.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Cleaned {
    pub plus: bool,
    pub digits: String,
}

/// Characters people and phones put between digits.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '.' | '-' | '(' | ')' | '/' | '\u{00A0}' | '\u{00AD}' // nbsp, soft hyphen
        | '\u{2010}'..='\u{2015}' // hyphens and dashes
        | '\u{2212}' // minus sign
        | '\u{200B}'..='\u{200F}' // zero-width spaces, joiners, direction marks
        | '\u{202A}'..='\u{202E}' // bidi embeddings (copied from RTL text)
        | '\u{2060}'..='\u{2069}' // word joiner, invisible operators, bidi isolates
        | '\u{061C}' | '\u{180E}' // Arabic letter mark, Mongolian vowel separator
        | '\u{FEFF}' // byte order mark
    ) || (c.is_whitespace() && !c.is_control())
}

pub(crate) fn clean(raw: &str) -> Result<Cleaned, NumberError> {
    if raw.len() > MAX_INPUT_BYTES {
        return Err(NumberError::TooLong);
    }
    // Line breaks around a number (a pasted line) are fine; inside, not.
    let trimmed = raw.trim().trim_matches(is_separator);
    // Android hands over `tel:` URIs; people paste them too.
    let body = match trimmed.get(..4) {
        Some(p) if p.eq_ignore_ascii_case("tel:") => &trimmed[4..],
        _ => trimmed,
    };
    let mut digits = String::with_capacity(body.len());
    let mut plus = false;
    for c in body.chars() {
        // Full-width digits and plus (from East Asian keyboards) fold to ASCII.
        let c = if c.is_ascii() {
            c
        } else {
            let mut folded = std::iter::once(c).nfkc();
            match (folded.next(), folded.next()) {
                (Some(f), None) if f.is_ascii_digit() || f == '+' => f,
                _ => c,
            }
        };
        match c {
            '0'..='9' => digits.push(c),
            '+' if digits.is_empty() && !plus => plus = true,
            '+' => return Err(NumberError::MisplacedPlus),
            c if is_separator(c) => {}
            c if c.is_alphabetic() => return Err(NumberError::Letters),
            c => return Err(NumberError::BadCharacter(CharName(c))),
        }
    }
    match digits.len() {
        0 => Err(NumberError::NoDigits),
        n if n < MIN_DIGITS => Err(NumberError::TooShort),
        n if n > MAX_DIGITS => Err(NumberError::TooLong),
        _ => Ok(Cleaned { plus, digits }),
    }
}

fn classify_digits(plus: bool, digits: &str) -> PhoneNumber {
    let international = if plus {
        Some(digits)
    } else if let Some(rest) = digits.strip_prefix("00") {
        Some(rest)
    } else if digits.starts_with("84") && digits.len() >= 11 {
        // `84912345678`: the country code written without `+`.
        Some(digits)
    } else {
        None
    };
    match international {
        Some(intl) => match intl.strip_prefix("84") {
            Some(nsn) if !nsn.is_empty() => vietnamese(nsn),
            _ => foreign(intl),
        },
        None => match digits.strip_prefix('0') {
            Some(nsn) => vietnamese(nsn),
            // `84113`: the country code before an emergency number.
            None if digits.len() <= 6 => match digits.strip_prefix("84") {
                Some(rest) if EMERGENCY.contains(&rest) || HOTLINES.contains(&rest) => {
                    short_number(rest)
                }
                _ => short_number(digits),
            },
            // `912345678`, `18001091`: national numbers without the trunk 0.
            None => vietnamese(digits),
        },
    }
}

/// Old 11-digit mobile prefixes (national significant number, without the 0)
/// and what they became in 2018 (`reference/vietnam.md`).
const OLD_MOBILE_PREFIXES: [(&str, &str); 21] = [
    ("120", "70"),
    ("121", "79"),
    ("122", "77"),
    ("123", "83"),
    ("124", "84"),
    ("125", "85"),
    ("126", "76"),
    ("127", "81"),
    ("128", "78"),
    ("129", "82"),
    ("162", "32"),
    ("163", "33"),
    ("164", "34"),
    ("165", "35"),
    ("166", "36"),
    ("167", "37"),
    ("168", "38"),
    ("169", "39"),
    ("186", "56"),
    ("188", "58"),
    ("199", "59"),
];

fn convert_old_mobile(nsn: &str) -> Option<String> {
    if nsn.len() != 10 {
        return None;
    }
    OLD_MOBILE_PREFIXES
        .iter()
        .find(|(old, _)| nsn.starts_with(old))
        .map(|(old, new)| format!("{new}{}", &nsn[old.len()..]))
}

fn digit(s: &str, i: usize) -> u8 {
    s.as_bytes()[i] - b'0'
}

/// libphonenumber's VN mobile ranges (9 digits), minus the M2M oddities
/// (`160…`, `121[0-3]…`), which go to the crate.
fn is_mobile_nsn(nsn: &str) -> bool {
    if nsn.len() != 9 {
        return false;
    }
    let (a, b, c) = (digit(nsn, 0), digit(nsn, 1), digit(nsn, 2));
    match (a, b) {
        (3, _) => true,
        (5, 1 | 6 | 8 | 9) => true,
        (5, 2) => matches!(c, 2 | 3 | 8),
        (5, 5) => c == 9,
        (7, 0 | 6..=9) => true,
        (8, 1..=8) => true,
        (8, 9) => c >= 6,
        (9, 0..=8) => true,
        (9, 9) => c != 2,
        _ => false,
    }
}

/// libphonenumber's VN fixed-line ranges: 2 + area code + 7 digits.
fn is_fixed_nsn(nsn: &str) -> bool {
    if nsn.len() != 10 || !nsn.starts_with('2') {
        return false;
    }
    let (b, c) = (digit(nsn, 1), digit(nsn, 2));
    match b {
        0 => c >= 3,
        1 => !matches!(c, 7),
        2 => !matches!(c, 3 | 4),
        3 | 8 => c >= 2,
        4 => (2..=8).contains(&c),
        5 => !matches!(c, 0 | 3),
        6 => !matches!(c, 4..=8),
        7 => c <= 7,
        9 => !matches!(c, 5 | 8),
        _ => false,
    }
}

fn vn(nsn: &str, kind: NumberKind, national: String) -> PhoneNumber {
    PhoneNumber {
        e164: Some(format!("+84{nsn}")),
        display: national.clone(),
        national,
        country: Some("VN".into()),
        kind,
        valid: true,
        converted_from: None,
    }
}

fn vietnamese(nsn: &str) -> PhoneNumber {
    // `+84 0162…`: a trunk 0 written after the country code.
    if let Some(rest) = nsn.strip_prefix('0')
        && rest.len() >= 9
    {
        return vietnamese(rest);
    }
    // `+84 113`, `0113`: emergency numbers and hotlines however written.
    if EMERGENCY.contains(&nsn) || HOTLINES.contains(&nsn) {
        return short_number(nsn);
    }
    if let Some(new) = convert_old_mobile(nsn) {
        let mut n = vietnamese(&new);
        n.converted_from = Some(format!("0{nsn}"));
        return n;
    }
    let service = |prefix: &str| nsn.starts_with(prefix) && (8..=10).contains(&nsn.len());
    if is_mobile_nsn(nsn) {
        vn(nsn, NumberKind::Mobile, format!("0{nsn}"))
    } else if is_fixed_nsn(nsn) {
        vn(nsn, NumberKind::FixedLine, format!("0{nsn}"))
    } else if service("1800") {
        vn(nsn, NumberKind::TollFree, nsn.to_string())
    } else if service("1900") {
        vn(nsn, NumberKind::PremiumRate, nsn.to_string())
    } else {
        with_crate(&format!("+84{nsn}"))
    }
}

fn short_number(digits: &str) -> PhoneNumber {
    let kind = if EMERGENCY.contains(&digits) {
        NumberKind::Emergency
    } else {
        NumberKind::ShortCode
    };
    PhoneNumber {
        e164: None,
        national: digits.to_string(),
        display: digits.to_string(),
        country: Some("VN".into()),
        kind,
        valid: true,
        converted_from: None,
    }
}

fn foreign(intl: &str) -> PhoneNumber {
    with_crate(&format!("+{intl}"))
}

/// The slow path: the `phonenumber` crate, for whatever the fast path does
/// not know. A number the crate cannot even parse (an unknown country code)
/// is still returned, as invalid, because spoofed caller IDs look like that
/// and must be classifiable.
fn with_crate(e164_guess: &str) -> PhoneNumber {
    use phonenumber::{Mode, Type};
    let Ok(parsed) = phonenumber::parse(None, e164_guess) else {
        return PhoneNumber {
            e164: None,
            national: e164_guess.to_string(),
            display: e164_guess.to_string(),
            country: None,
            kind: NumberKind::Other,
            valid: false,
            converted_from: None,
        };
    };
    let valid = phonenumber::is_valid(&parsed);
    let kind = match parsed.number_type(&phonenumber::metadata::DATABASE) {
        Type::Mobile | Type::FixedLineOrMobile => NumberKind::Mobile,
        Type::FixedLine => NumberKind::FixedLine,
        Type::TollFree => NumberKind::TollFree,
        Type::PremiumRate => NumberKind::PremiumRate,
        Type::Voip => NumberKind::Voip,
        _ => NumberKind::Other,
    };
    let country = parsed.country().id().map(|id| id.as_ref().to_string());
    let national: String = parsed
        .format()
        .mode(Mode::National)
        .to_string()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let e164 = parsed.format().mode(Mode::E164).to_string();
    let display = if country.as_deref() == Some("VN") {
        national.clone()
    } else {
        e164.clone()
    };
    PhoneNumber {
        e164: Some(e164),
        national,
        display,
        country,
        kind,
        valid,
        converted_from: None,
    }
}

#[cfg(test)]
mod tests {
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
}
