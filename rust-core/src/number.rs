//! Raw caller strings → normalised phone numbers.
//!
//! Vietnamese forms (`+84…`, `84…`, `0084…`, `0…`, the old 11-digit mobile
//! numbers, short codes) are handled by a fast path written from the
//! numbering plan, so that the first call in a process does not pay the
//! `phonenumber` crate's metadata load (about 47 ms here). Everything else
//! (foreign numbers, unusual Vietnamese ranges) goes to the crate.

use serde::Serialize;
use std::fmt;

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
        /// 069…: the internal network of the Ministries of Public Security
        /// and Defence (`reference/vietnam.md`; the Ministry's anti-corruption
        /// line 069.234.2593, thdt.vn citing VTVO, 01/12/2018). Not in
        /// libphonenumber's metadata.
        Security = "security",
        Other = "other",
    }
}

crate::model::string_enum! {
    /// Where the number stands in the numbering plan.
    Plan {
        /// In a range the published metadata (libphonenumber) lists.
        Valid = "valid",
        /// A known Vietnamese prefix or area code and the right length for
        /// it, in a range the metadata does not list (yet): `024 99xx xxxx`
        /// numbers called people in 2024–2026 while libphonenumber 9.0.43
        /// called them invalid. Accepted wherever a number is reported.
        Possible = "possible",
        /// Wrong length or unknown prefix: no one can be called on it.
        Impossible = "impossible",
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
    /// In a range the published metadata lists (what libphonenumber calls
    /// valid); `plan` tells a possible number from an impossible one.
    pub valid: bool,
    pub plan: Plan,
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

    /// Whether the number can be reported, listed and imported: valid, or
    /// possible in the Vietnamese plan (`Plan::Possible`).
    pub fn accepted(&self) -> bool {
        self.plan != Plan::Impossible
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

/// A character named so that a person can see it: plain ASCII as itself,
/// anything else with its code point, and nothing invisible echoed raw.
impl fmt::Display for CharName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.0;
        let invisible = c.is_control()
            || c.is_whitespace()
            || crate::text::is_invisible(c)
            || ('\u{FE00}'..='\u{FE0F}').contains(&c)
            || unicode_normalization::char::is_combining_mark(c);
        if c.is_ascii_graphic() {
            write!(f, "'{c}'")
        } else if invisible {
            write!(f, "U+{:04X}", c as u32)
        } else {
            write!(f, "{c} (U+{:04X})", c as u32)
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
        // Full-width digits and plus (from East Asian keyboards) fold to
        // ASCII; nothing else does: a superscript ² or a circled ② is not
        // a digit anyone dials.
        let c = match c {
            '\u{FF10}'..='\u{FF19}' => char::from(b'0' + (c as u32 - 0xFF10) as u8),
            '\u{FF0B}' => '+',
            c => c,
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

/// The digits after an international prefix (`+`, `00`, or `84` written
/// without one), when the number has one.
fn international(plus: bool, digits: &str) -> Option<&str> {
    if plus {
        Some(digits)
    } else if let Some(rest) = digits.strip_prefix("00") {
        Some(rest)
    } else if digits.starts_with("84") && digits.len() >= 11 {
        // `84912345678`: the country code written without `+`.
        Some(digits)
    } else {
        None
    }
}

/// The national significant number of an international number of
/// Vietnam; `None` for a number of another country.
fn vietnamese_nsn(intl: &str) -> Option<&str> {
    intl.strip_prefix("84").filter(|nsn| !nsn.is_empty())
}

/// Whether `raw` is written as another country's number. Known from the
/// digits alone, without classifying the number, which for a foreign one
/// takes the `phonenumber` crate (tens of microseconds): what reads a
/// flood of senders refuses foreign ones before that.
#[cfg(any(feature = "publisher", test))]
pub(crate) fn written_foreign(raw: &str) -> bool {
    clean(raw).is_ok_and(|c| {
        international(c.plus, &c.digits).is_some_and(|intl| vietnamese_nsn(intl).is_none())
    })
}

fn classify_digits(plus: bool, digits: &str) -> PhoneNumber {
    match international(plus, digits) {
        Some(intl) => match vietnamese_nsn(intl) {
            Some(nsn) => vietnamese(nsn),
            None => foreign(intl),
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
        plan: Plan::Valid,
        converted_from: None,
    }
}

/// A Vietnamese number in a range the metadata does not list, judged
/// possible from its prefix and length.
fn possible(nsn: &str, kind: NumberKind) -> PhoneNumber {
    PhoneNumber {
        valid: false,
        plan: Plan::Possible,
        ..vn(nsn, kind, format!("0{nsn}"))
    }
}

/// Two-digit mobile prefixes (after the 0) that carriers hold in the
/// numbering plan (`reference/vietnam.md`: Viettel 3x, 86, 96–98; VinaPhone
/// 81–85, 88, 91, 94; MobiFone 70, 76–79, 89, 90, 93; Vietnamobile 52, 56,
/// 58, 92; Gmobile 59, 99; Reddi 55; Itelecom 87). A 9-digit national
/// number under one of them is possible even where libphonenumber does not
/// list its range yet.
fn is_possible_mobile_nsn(nsn: &str) -> bool {
    if nsn.len() != 9 {
        return false;
    }
    // Read as `is_mobile_nsn` reads libphonenumber's ranges: by digit.
    match (digit(nsn, 0), digit(nsn, 1)) {
        (3, 2..=9) | (7, 0 | 6..=9) | (8, 1..=9) => true,
        (5, b) => matches!(b, 2 | 5 | 6 | 8 | 9),
        (9, b) => b != 5,
        _ => false,
    }
}

/// An area code's number of the right length (0 + 10 digits): Hà Nội (24)
/// and Hồ Chí Minh City (28) take 8-digit subscribers, whatever their first
/// digit (libphonenumber lists only 24[2-8] and 28[2-9]: `024 99xx xxxx`
/// is outside it); the 3-digit codes are those libphonenumber lists.
fn is_possible_fixed_nsn(nsn: &str) -> bool {
    nsn.len() == 10 && (nsn.starts_with("24") || nsn.starts_with("28") || is_fixed_nsn(nsn))
}

/// `069` + 7 digits, the form of the Ministry of Public Security's numbers
/// printed in the press (069.234.2593, thdt.vn 2018; the criminal police
/// department's duty line 0692348560, plo.vn 2021-07), or + 5 or 6 digits, the forms
/// libphonenumber lists (as numbers of no particular type).
fn is_security_nsn(nsn: &str) -> bool {
    (7..=9).contains(&nsn.len()) && nsn.starts_with("69")
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
        let n = with_crate(&format!("+84{nsn}"));
        if n.valid {
            // Whatever libphonenumber lists stays as it says; its 069
            // numbers are named for whose network they are on.
            if is_security_nsn(nsn) && n.kind == NumberKind::Other {
                PhoneNumber {
                    kind: NumberKind::Security,
                    ..n
                }
            } else {
                n
            }
        } else if is_security_nsn(nsn) {
            possible(nsn, NumberKind::Security)
        } else if is_possible_mobile_nsn(nsn) {
            possible(nsn, NumberKind::Mobile)
        } else if is_possible_fixed_nsn(nsn) {
            possible(nsn, NumberKind::FixedLine)
        } else {
            n
        }
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
        plan: Plan::Valid,
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
            plan: Plan::Impossible,
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
        plan: if valid { Plan::Valid } else { Plan::Impossible },
        converted_from: None,
    }
}

#[cfg(test)]
mod tests;
