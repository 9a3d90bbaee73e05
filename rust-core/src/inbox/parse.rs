//! One SMS body sent to 156 or 5656 → the keyword, the reported number (or,
//! for `S`, the sender's brand name) and the content; or the one reason it
//! cannot be used.
//!
//! What is accepted (see `reference/vietnam.md`, "Reporting syntax"):
//! - the keywords `LD` (scam call), `V` (nuisance call) and `S` (spam SMS),
//!   in any letter case, `LĐ` with the Vietnamese Đ, in full-width letters;
//! - nothing, blanks, or one of `: - . , ; / = _ #` between the keyword and
//!   the number (`LD0912345678`, `LD: 0912345678`), an optional `số`/`SĐT`;
//! - the bracket forms of the official guides: `LD (0912345678)(nội dung)`,
//!   `V [0912345678][nội dung]`, and `<…>`, `{…}`, `【…】`;
//! - the number in every form [`normalize`] accepts. A number may contain
//!   blanks (`0912 345 678`), so where it ends is decided by trying the
//!   longest run of digit groups first, then one group less, and so on: the
//!   first that is a valid number is the number, the rest is content. A cut
//!   never falls inside a group of digits (`09123456789` is one invalid
//!   number, not `0912345678` and `9`), and a short number (`113`, `9029`)
//!   must be written as one group;
//! - for `S`, a brand name instead of a number (`S VIETTEL …`, `S [VCB] …`).
//!
//! Pure and bounded: the keyword and the number are looked for in the first
//! [`MAX_HEAD_CHARS`] characters, and at most [`MAX_CONTENT_CHARS`]
//! characters after them are kept as content, whatever the body's length.
//!
//! About 800 lines, one concern: what people type is varied (keywords,
//! separators, brackets, numbers with blanks, brand names, chatter), and
//! each form is a few lines beside the others rather than a file of its own.

use crate::model::Category;
use crate::number::{EMERGENCY, HOTLINES, NumberKind, PhoneNumber, normalize};
use crate::text::{fold_for_match, is_invisible};
use serde::Serialize;
use std::fmt;
use unicode_normalization::{
    IsNormalized, UnicodeNormalization, char::is_combining_mark, is_nfc_quick,
};

/// Characters read, from the start of the body, to find the keyword and the
/// number or sender.
pub const MAX_HEAD_CHARS: usize = 256;
/// Characters of the body after the number that are kept as content: far
/// more than a report needs, far less than a hostile body could hold.
pub const MAX_CONTENT_CHARS: usize = 1000;
/// An alphanumeric SMS sender (a brandname) has at most 11 characters.
pub const MAX_SENDER_ID_CHARS: usize = 11;
/// `00` and a 15-digit E.164 number.
const MAX_NUMBER_DIGITS: usize = 17;
/// Chatter is short; anything longer is looked at as a report.
const MAX_CHATTER_CHARS: usize = 64;
/// Longest word reported back as an unknown keyword (`TCTM`, `DK`).
const MAX_UNKNOWN_KEYWORD_CHARS: usize = 8;

/// The keyword a report starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Keyword {
    /// `LD`: a scam call (lừa đảo).
    #[serde(rename = "LD")]
    Ld,
    /// `V`: a nuisance or advertising call (cuộc gọi rác).
    #[serde(rename = "V")]
    V,
    /// `S`: a spam or scam SMS.
    #[serde(rename = "S")]
    S,
}

impl Keyword {
    pub const ALL: [Keyword; 3] = [Keyword::Ld, Keyword::V, Keyword::S];

    /// As the hotline writes it: `LD`, `V`, `S`.
    pub fn as_str(self) -> &'static str {
        match self {
            Keyword::Ld => "LD",
            Keyword::V => "V",
            Keyword::S => "S",
        }
    }

    pub fn category(self) -> SmsCategory {
        match self {
            Keyword::Ld => SmsCategory::Scam,
            Keyword::V => SmsCategory::Nuisance,
            Keyword::S => SmsCategory::SmsSpam,
        }
    }

    /// `ld`, `Ld`, `LĐ`, `lđ` (and the look-alike Ð, Ɖ) → `LD`.
    fn from_word(word: &[(usize, char)]) -> Option<Keyword> {
        if word.len() > 2 {
            return None;
        }
        let mut upper = [' '; 2];
        for (slot, &(_, c)) in upper.iter_mut().zip(word) {
            *slot = match c {
                'Đ' | 'đ' | 'Ð' | 'Ɖ' | 'ɖ' => 'D',
                c if c.is_ascii_alphabetic() => c.to_ascii_uppercase(),
                _ => return None,
            };
        }
        match upper {
            ['L', 'D'] => Some(Keyword::Ld),
            ['V', ' '] => Some(Keyword::V),
            ['S', ' '] => Some(Keyword::S),
            _ => None,
        }
    }
}

impl fmt::Display for Keyword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a report is about: the call list knows scam and nuisance calls;
/// spam SMS are counted apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SmsCategory {
    Scam,
    Nuisance,
    SmsSpam,
}

impl SmsCategory {
    /// The stable code: `scam`, `nuisance`, `sms_spam`.
    pub fn as_str(self) -> &'static str {
        match self {
            SmsCategory::Scam => "scam",
            SmsCategory::Nuisance => "nuisance",
            SmsCategory::SmsSpam => "sms_spam",
        }
    }

    /// The category of the call list, for LD and V; `None` for S.
    pub fn call_category(self) -> Option<Category> {
        match self {
            SmsCategory::Scam => Some(Category::Scam),
            SmsCategory::Nuisance => Some(Category::Nuisance),
            SmsCategory::SmsSpam => None,
        }
    }
}

impl fmt::Display for SmsCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who is reported: a number (always for LD and V), or for S possibly an
/// alphanumeric sender. Serialised as `"number": {…}` or `"sender_id": "…"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sender {
    Number(PhoneNumber),
    /// Upper-case ASCII letters and digits, 2 to [`MAX_SENDER_ID_CHARS`]
    /// long: `VIETTEL`, `VCB`, `FECREDIT` (from `[FE CREDIT]`).
    SenderId(String),
}

/// A body that is a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParsedSms {
    pub keyword: Keyword,
    #[serde(flatten)]
    pub sender: Sender,
    /// The number or sender as it was written in the body (`0912 345 678`,
    /// `Viettel`), for showing next to the normalised form.
    #[serde(skip)]
    pub written: String,
    /// Trimmed, blanks collapsed to single spaces, NFC, diacritics kept;
    /// may be empty.
    pub content: String,
    /// The body went on past [`MAX_CONTENT_CHARS`] characters of content.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub content_truncated: bool,
    pub category: SmsCategory,
}

impl ParsedSms {
    /// The reported number: always for LD and V, for S when the sender was
    /// a number.
    pub fn number(&self) -> Option<&PhoneNumber> {
        match &self.sender {
            Sender::Number(n) => Some(n),
            Sender::SenderId(_) => None,
        }
    }

    pub fn sender_id(&self) -> Option<&str> {
        match &self.sender {
            Sender::Number(_) => None,
            Sender::SenderId(id) => Some(id),
        }
    }
}

/// Why a body is not a usable report. Each has a stable [`code`](Self::code)
/// and a sentence (`Display`) that never repeats the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefusedSms {
    /// Nothing but blanks.
    Empty,
    /// Thanks, greetings, questions, `HELP`, a lone `?` or emoji.
    Chatter,
    /// The body does not start with a keyword (it starts with the number,
    /// or is a sentence).
    NoKeyword,
    /// It starts with a keyword the hotline does not take for reports:
    /// `DK DNC`, `TCTM example.com`, `XYZ 0912345678`. `word` is that
    /// keyword, upper case, at most 8 ASCII letters.
    UnknownKeyword { word: String },
    /// LD or V with no number after it.
    NoNumber { keyword: Keyword },
    /// S with neither a number nor a brand name after it.
    NoSender,
    /// Digits after the keyword, but no valid phone number.
    InvalidNumber { keyword: Keyword },
    /// An emergency number (111–115) or a reporting hotline (156, 5656):
    /// never listed. The number is kept so that such reports can be counted.
    ProtectedNumber {
        keyword: Keyword,
        number: Box<PhoneNumber>,
    },
}

impl RefusedSms {
    /// Every code [`code`](Self::code) can return.
    pub const CODES: [&'static str; 8] = [
        "empty",
        "chatter",
        "no_keyword",
        "unknown_keyword",
        "no_number",
        "no_sender",
        "invalid_number",
        "protected_number",
    ];

    /// The stable code, for files, JSON and counting rejected input.
    pub fn code(&self) -> &'static str {
        match self {
            RefusedSms::Empty => "empty",
            RefusedSms::Chatter => "chatter",
            RefusedSms::NoKeyword => "no_keyword",
            RefusedSms::UnknownKeyword { .. } => "unknown_keyword",
            RefusedSms::NoNumber { .. } => "no_number",
            RefusedSms::NoSender => "no_sender",
            RefusedSms::InvalidNumber { .. } => "invalid_number",
            RefusedSms::ProtectedNumber { .. } => "protected_number",
        }
    }
}

const KEYWORDS_HINT: &str = "LD (scam call), V (nuisance call) or S (spam SMS)";

impl fmt::Display for RefusedSms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RefusedSms::Empty => f.write_str("the message is empty"),
            RefusedSms::Chatter => f.write_str(
                "the message is a thank-you, a greeting or a question, not a report",
            ),
            RefusedSms::NoKeyword => write!(
                f,
                "the message does not start with a keyword: {KEYWORDS_HINT}"
            ),
            RefusedSms::UnknownKeyword { word } => write!(
                f,
                "'{word}' is not a keyword the hotline takes for reports: {KEYWORDS_HINT}"
            ),
            RefusedSms::NoNumber { keyword } => write!(
                f,
                "{keyword} is not followed by a phone number: the number that called is missing"
            ),
            RefusedSms::NoSender => f.write_str(
                "S is not followed by the sender: the number or brand name that sent the SMS is missing",
            ),
            RefusedSms::InvalidNumber { keyword } => write!(
                f,
                "the number after {keyword} is not a valid phone number"
            ),
            RefusedSms::ProtectedNumber { number, .. } => {
                let what = if number.kind == NumberKind::Emergency {
                    "an emergency number"
                } else {
                    "a reporting hotline"
                };
                write!(f, "{} is {what} and is never listed", number.display)
            }
        }
    }
}

impl std::error::Error for RefusedSms {}

/// Parse one SMS body sent to 156 or 5656. Never panics; the work is
/// bounded whatever the body's length.
pub fn parse_body(body: &str) -> Result<ParsedSms, RefusedSms> {
    let head = Head::new(body);
    if head.chars.is_empty() {
        return Err(if head.more {
            RefusedSms::NoKeyword
        } else {
            RefusedSms::Empty
        });
    }
    let word_end = head.word_end(0);
    let Some(keyword) = Keyword::from_word(&head.chars[..word_end]) else {
        return Err(not_a_report(&head, word_end));
    };
    let p = head.skip(word_end, is_keyword_separator);
    let (sender, start, end) = match keyword {
        Keyword::Ld | Keyword::V => {
            let start = number_start(&head, p);
            match head.char(start) {
                Some(c) if starts_number(c) => {
                    let (n, end) = find_number(&head, start, keyword)?;
                    (Sender::Number(n), start, end)
                }
                _ => return Err(RefusedSms::NoNumber { keyword }),
            }
        }
        Keyword::S => find_sender(&head, p)?,
    };
    let (from, to) = (head.offset(start), head.offset(end));
    let written = body[from.min(to)..to].trim().to_string();
    let (content, content_truncated) =
        content_of(&body[head.offset(end)..], opened_before(&head, start));
    Ok(ParsedSms {
        keyword,
        sender,
        written,
        content,
        content_truncated,
        category: keyword.category(),
    })
}

/// The first characters of the body, leading blanks dropped, full-width
/// forms folded to ASCII, each with its byte offset in the body.
struct Head {
    chars: Vec<(usize, char)>,
    /// Byte offset just after the last character read.
    end: usize,
    /// The body goes on after what was read.
    more: bool,
}

impl Head {
    fn new(body: &str) -> Head {
        let mut chars = Vec::with_capacity(body.len().min(MAX_HEAD_CHARS));
        let mut end = 0;
        let mut more = false;
        for (n, (i, c)) in body.char_indices().enumerate() {
            if n == MAX_HEAD_CHARS {
                more = true;
                break;
            }
            end = i + c.len_utf8();
            if chars.is_empty() && is_blank(c) {
                continue;
            }
            chars.push((i, fold_width(c)));
        }
        Head { chars, end, more }
    }

    fn char(&self, p: usize) -> Option<char> {
        self.chars.get(p).map(|&(_, c)| c)
    }

    /// Byte offset in the body of the character at `p`.
    fn offset(&self, p: usize) -> usize {
        self.chars.get(p).map_or(self.end, |&(i, _)| i)
    }

    fn skip(&self, mut p: usize, what: impl Fn(char) -> bool) -> usize {
        while self.char(p).is_some_and(&what) {
            p += 1;
        }
        p
    }

    /// End of the word (letters and their combining marks) starting at `p`.
    fn word_end(&self, p: usize) -> usize {
        self.skip(p, |c| c.is_alphabetic() || is_combining_mark(c))
    }

    /// The folded text between two positions.
    fn text(&self, from: usize, to: usize) -> String {
        let to = to.min(self.chars.len());
        self.chars[from.min(to)..to]
            .iter()
            .map(|&(_, c)| c)
            .collect()
    }
}

fn is_blank(c: char) -> bool {
    c.is_whitespace() || c.is_control() || is_invisible(c)
}

/// Full-width ASCII (East Asian keyboards) and CJK brackets → ASCII.
fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        '\u{3010}' | '\u{3014}' | '\u{3016}' => '[',
        '\u{3011}' | '\u{3015}' | '\u{3017}' => ']',
        c => c,
    }
}

fn is_dash(c: char) -> bool {
    matches!(c, '-' | '\u{2010}'..='\u{2015}' | '\u{2212}')
}

/// What may stand between the keyword and the number.
fn is_keyword_separator(c: char) -> bool {
    is_blank(c) || is_dash(c) || matches!(c, ':' | '.' | ',' | ';' | '/' | '=' | '_' | '#')
}

/// What may stand between the digits of one number (the separators
/// `normalize` skips; a line break ends the number).
fn is_number_separator(c: char) -> bool {
    matches!(c, ' ' | '.' | '(' | ')' | '/' | '\u{00A0}')
        || is_dash(c)
        || is_invisible(c)
        || (c.is_whitespace() && !c.is_control())
}

fn closing_bracket(open: char) -> Option<char> {
    match open {
        '(' => Some(')'),
        '[' => Some(']'),
        '<' => Some('>'),
        '{' => Some('}'),
        _ => None,
    }
}

fn is_closing_bracket(c: char) -> bool {
    matches!(c, ')' | ']' | '>' | '}')
}

fn starts_number(c: char) -> bool {
    c.is_ascii_digit() || c == '+'
}

/// Words people put before the number: `số`, `SĐT`, `ĐT`.
const NUMBER_WORDS: [&str; 4] = ["so", "sdt", "dt", "sodt"];

/// Where the number would start: after one opening bracket, and after
/// `số`/`SĐT` when a number follows it.
fn number_start(head: &Head, p: usize) -> usize {
    let p = skip_open_bracket(head, p);
    let end = head.word_end(p);
    if end > p && end - p <= 5 {
        let word = fold_for_match(&head.text(p, end));
        if NUMBER_WORDS.contains(&word.as_str()) {
            let q = skip_open_bracket(head, head.skip(end, is_keyword_separator));
            if head.char(q).is_some_and(starts_number) {
                return q;
            }
        }
    }
    p
}

fn skip_open_bracket(head: &Head, p: usize) -> usize {
    match head.char(p).and_then(closing_bracket) {
        Some(_) => head.skip(p + 1, is_blank),
        None => p,
    }
}

fn is_protected(n: &PhoneNumber) -> bool {
    n.e164.is_none()
        && (n.kind == NumberKind::Emergency
            || EMERGENCY.contains(&n.national.as_str())
            || HOTLINES.contains(&n.national.as_str()))
}

/// The longest run of digit groups from `start` that is a valid number:
/// the number and the position just after its last digit.
fn find_number(
    head: &Head,
    start: usize,
    keyword: Keyword,
) -> Result<(PhoneNumber, usize), RefusedSms> {
    // Where a number may end (just after a group of digits), with the
    // count of groups up to there.
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut digits = 0;
    let mut p = start;
    if head.char(p) == Some('+') {
        p += 1;
    }
    while let Some(c) = head.char(p) {
        if c.is_ascii_digit() {
            if digits == MAX_NUMBER_DIGITS {
                break;
            }
            digits += 1;
            p += 1;
            // Where the head was cut, the group may go on: no end there.
            let group_ends = match head.char(p) {
                Some(c) => !c.is_ascii_digit(),
                None => !head.more,
            };
            if group_ends {
                cuts.push((p, cuts.len() + 1));
            }
        } else if is_number_separator(c) {
            p += 1;
        } else {
            break;
        }
    }
    if digits == 0 {
        return Err(RefusedSms::NoNumber { keyword });
    }
    for &(end, groups) in cuts.iter().rev() {
        let Ok(n) = normalize(&head.text(start, end)) else {
            continue;
        };
        if is_protected(&n) {
            return Err(RefusedSms::ProtectedNumber {
                keyword,
                number: Box::new(n),
            });
        }
        // `113 5 lần` is 113 and content, not the short number 1135.
        if n.accepted() && (n.e164.is_some() || groups == 1) {
            return Ok((n, end));
        }
    }
    Err(RefusedSms::InvalidNumber { keyword })
}

/// After `S`: a number, else a brand name (bracketed, or one word that is
/// not a Vietnamese syllable or a common word). Returns the sender and
/// where it starts and ends.
fn find_sender(head: &Head, p: usize) -> Result<(Sender, usize, usize), RefusedSms> {
    let keyword = Keyword::S;
    let start = number_start(head, p);
    if head.char(start).is_some_and(starts_number) {
        match find_number(head, start, keyword) {
            Ok((n, end)) => return Ok((Sender::Number(n), start, end)),
            Err(refused @ RefusedSms::ProtectedNumber { .. }) => return Err(refused),
            // `S 8x88 …`: a sender that starts with a digit.
            Err(refused) => {
                return match sender_word(head, start) {
                    Some((id, end)) => Ok((Sender::SenderId(id), start, end)),
                    None if matches!(refused, RefusedSms::NoNumber { .. }) => {
                        Err(RefusedSms::NoSender)
                    }
                    None => Err(refused),
                };
            }
        }
    }
    let found = if head.char(p).and_then(closing_bracket).is_some() {
        bracketed_sender(head, p)
    } else {
        sender_word(head, start)
    };
    match found {
        Some((id, end)) => Ok((Sender::SenderId(id), start, end)),
        None => Err(RefusedSms::NoSender),
    }
}

/// `[FE CREDIT]`, `(VCB)`: ASCII letters, digits, blanks and `.-_&'`
/// inside one pair of brackets. Returns the id and the position of the
/// closing bracket.
fn bracketed_sender(head: &Head, open: usize) -> Option<(String, usize)> {
    let close = head.char(open).and_then(closing_bracket)?;
    let mut id = String::new();
    let mut letters = 0;
    let mut p = open;
    loop {
        p += 1;
        let c = head.char(p)?;
        if c == close {
            break;
        }
        if c.is_ascii_alphanumeric() {
            if id.len() == MAX_SENDER_ID_CHARS {
                return None;
            }
            letters += usize::from(c.is_ascii_alphabetic());
            id.push(c.to_ascii_uppercase());
        } else if !(c == ' ' || matches!(c, '.' | '-' | '_' | '&' | '\'')) {
            return None;
        }
    }
    (id.len() >= 2 && letters > 0).then_some((id, p))
}

/// Words that begin the content of an `S` report more often than they name
/// a sender (besides Vietnamese syllables, which never name one here).
const NOT_SENDER_IDS: [&str; 25] = [
    "sms", "spam", "tn", "qc", "sdt", "link", "http", "https", "www", "otp", "app", "apk", "web",
    "website", "email", "mail", "ok", "oke", "okay", "hello", "hi", "help", "tel", "scam", "fake",
];

/// `VIETTEL`, `Vietcombank`, `TPBank`, `8x88`, `Viettel-Post`: one word of
/// ASCII letters and digits (with `.-_&` inside), 2 to 11 of them, at least
/// one letter, ended by a blank or punctuation; not a Vietnamese syllable
/// written without marks (`tin nhan gia mao` is content, not a sender).
fn sender_word(head: &Head, start: usize) -> Option<(String, usize)> {
    let mut id = String::new();
    let mut letters = 0;
    let mut p = start;
    while let Some(c) = head.char(p) {
        if c.is_ascii_alphanumeric() {
            if id.len() == MAX_SENDER_ID_CHARS {
                return None;
            }
            letters += usize::from(c.is_ascii_alphabetic());
            id.push(c.to_ascii_uppercase());
        } else if !(matches!(c, '.' | '-' | '_' | '&')
            && !id.is_empty()
            && head.char(p + 1).is_some_and(|c| c.is_ascii_alphanumeric()))
        {
            break;
        }
        p += 1;
    }
    // `Tiền`: an ASCII start of a Vietnamese word is no sender; nor is a
    // word that goes on past the head.
    let word_ends = match head.char(p) {
        Some(c) => !(c.is_alphanumeric() || is_combining_mark(c)),
        None => !head.more,
    };
    if !word_ends {
        return None;
    }
    let lower = id.to_ascii_lowercase();
    let plausible = id.len() >= 2
        && letters > 0
        && !NOT_SENDER_IDS.contains(&lower.as_str())
        && !is_vietnamese_syllable(&lower);
    plausible.then_some((id, p))
}

/// A Vietnamese syllable written without diacritics: onset, one to three
/// vowels, coda (`tin`, `nhan`, `gia`, `quang`, `nguoi`). Brand names
/// rarely are one (`viettel`, `vcb`, `tpbank`, `shopee` are not).
fn is_vietnamese_syllable(w: &str) -> bool {
    const ONSETS: [&str; 27] = [
        "ngh", "ng", "gh", "gi", "kh", "nh", "ph", "qu", "th", "tr", "ch", "b", "c", "d", "g", "h",
        "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
    ];
    const CODAS: [&str; 9] = ["", "c", "ch", "m", "n", "ng", "nh", "p", "t"];
    ONSETS.iter().any(|onset| {
        w.strip_prefix(onset).is_some_and(|rest| {
            let vowels = rest.bytes().take_while(|b| b"aeiouy".contains(b)).count();
            (1..=3).contains(&vowels) && CODAS.contains(&&rest[vowels..])
        })
    })
}

/// Everything said to the hotline that is not a report; `word_end` ends
/// the first word.
fn not_a_report(head: &Head, word_end: usize) -> RefusedSms {
    if is_chatter(head) {
        return RefusedSms::Chatter;
    }
    let word = &head.chars[..word_end];
    let ascii_word = !word.is_empty()
        && word.len() <= MAX_UNKNOWN_KEYWORD_CHARS
        && word.iter().all(|&(_, c)| c.is_ascii_alphabetic());
    if ascii_word {
        // `DK DNC`, `TCTM example.com`: a command, written in capitals;
        // `xyz 0912345678`: a word where the keyword goes.
        let shouted = word.len() >= 2 && word.iter().all(|&(_, c)| c.is_ascii_uppercase());
        let next = skip_open_bracket(head, head.skip(word_end, is_keyword_separator));
        let before_number = head.char(next).is_some_and(starts_number);
        if shouted || before_number {
            return RefusedSms::UnknownKeyword {
                word: word.iter().map(|&(_, c)| c.to_ascii_uppercase()).collect(),
            };
        }
    }
    RefusedSms::NoKeyword
}

/// Words of messages that thank, greet, acknowledge or ask for help
/// (folded: no diacritics, lower case).
const CHATTER_WORDS: [&str; 64] = [
    // thanks
    "cam", "on", "camon", "cmon", "thanks", "thank", "you", "tks", "thx", "ty", "nhieu", "rat",
    // acknowledgement
    "ok", "oke", "okie", "okay", "okey", "k", "kk", "vang", "da", "u", "uh", "uhm", "um", "roi",
    "duoc", "nhe", "nha", "a", "xin", "loi", "nham", // greetings and whom they address
    "alo", "allo", "lo", "oi", "hi", "hello", "chao", "test", "ban", "em", "anh", "chi", "ad",
    "admin", "tong", "dai", "vien", "hotline", "156", "5656", // asking for help
    "help", "hd", "huong", "dan", "tro", "giup", "cu", "phap", "la", "gi", "j",
];

/// A short body made only of chatter words, or of no words at all (`?`,
/// `…`, emoji).
fn is_chatter(head: &Head) -> bool {
    if head.more || head.chars.len() > MAX_CHATTER_CHARS {
        return false;
    }
    let folded = fold_for_match(&head.text(0, head.chars.len()));
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .all(|w| CHATTER_WORDS.contains(&w))
}

/// The content: at most [`MAX_CONTENT_CHARS`] characters of what follows
/// the number, without the separators and brackets around it, blanks
/// collapsed, NFC.
///
/// `open` is the bracket written before the number, if any. When it is not
/// closed right after the number, it holds the content too (`LD (số - nội
/// dung)`, trangcongnghe.vn's "LD (số điện thoại - nguồn phát tán)"), and
/// its closing bracket at the end is not content.
fn content_of(rest: &str, open: Option<char>) -> (String, bool) {
    let (window, truncated) = cut_chars(rest, MAX_CONTENT_CHARS);
    let closed_at_once = window
        .chars()
        .map(fold_width)
        .find(|&c| !is_blank(c))
        .is_some_and(is_closing_bracket);
    let window = window.trim_start_matches(|c: char| {
        let c = fold_width(c);
        is_keyword_separator(c) || is_closing_bracket(c) || c == '|'
    });
    let mut content = unwrap_brackets(window);
    if let Some(open) = open.filter(|_| !closed_at_once)
        && let Some(close) = closing_bracket(open)
    {
        let count = |b: char| content.chars().filter(|&c| fold_width(c) == b).count();
        let trimmed = content.trim_end_matches(is_blank);
        if count(close) > count(open)
            && let Some(last) = trimmed.chars().next_back()
            && fold_width(last) == close
        {
            content = &trimmed[..trimmed.len() - last.len_utf8()];
        }
    }
    (clean(content), truncated)
}

/// The opening bracket written before the number (blanks between), if any.
fn opened_before(head: &Head, start: usize) -> Option<char> {
    (0..start)
        .rev()
        .map(|i| head.char(i))
        .find(|c| !c.is_some_and(is_blank))
        .flatten()
        .filter(|&c| closing_bracket(c).is_some())
}

/// `s` up to `max` characters, never cutting a letter from its combining
/// marks; and whether anything was cut.
fn cut_chars(s: &str, max: usize) -> (&str, bool) {
    let Some((mut cut, _)) = s.char_indices().nth(max) else {
        return (s, false);
    };
    while s[cut..].chars().next().is_some_and(is_combining_mark) {
        match s[..cut].char_indices().next_back() {
            Some((i, _)) => cut = i,
            None => break,
        }
    }
    (&s[..cut], true)
}

/// `(nội dung)` → `nội dung` when the brackets hold the whole content;
/// a lone opening bracket (`(nội dung`) is dropped too.
fn unwrap_brackets(s: &str) -> &str {
    let s = s.trim_end_matches(is_blank);
    let mut chars = s.char_indices();
    let Some((_, first)) = chars.next() else {
        return s;
    };
    let open = fold_width(first);
    let Some(close) = closing_bracket(open) else {
        return s;
    };
    let inner_start = first.len_utf8();
    let mut depth = 1usize;
    for (i, written) in chars {
        let c = fold_width(written);
        if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
            if depth == 0 {
                return if i + written.len_utf8() == s.len() {
                    &s[inner_start..i]
                } else {
                    s
                };
            }
        }
    }
    &s[inner_start..]
}

/// Blanks (line breaks included) collapsed to one space, control and
/// invisible formatting characters dropped (the joiners inside emoji
/// sequences are kept), then NFC: composing last, so that marks a dropped
/// character separated are put in order too.
fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        let joiner = matches!(c, '\u{200C}' | '\u{200D}');
        if c.is_control() || (is_invisible(c) && !joiner) {
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    // Most contents are NFC already: the quick check spares composing
    // them again (a publisher parses every line of the inbox).
    if is_nfc_quick(out.chars()) == IsNormalized::Yes {
        out
    } else {
        out.nfc().collect()
    }
}

#[cfg(test)]
mod tests;
