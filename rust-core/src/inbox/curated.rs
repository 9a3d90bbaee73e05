//! Curated text is bounded too: a source's labels and name reach every
//! phone while it rings, so they follow the label rule and carry no other
//! way to reach anyone: no phone number but the entry's own, no address
//! (a source's `source_url` is the one place for it), and no "call / text
//! … to …" instruction. A scammer who got a label onto the list must not
//! get a number to call back or a link to tap with it.

use crate::number::normalize;
use crate::text::fold_for_match;

/// Words that start an instruction to reach someone, folded (no
/// diacritics, lower case): Vietnamese and English.
const INSTRUCTIONS: &[&str] = &[
    "goi", "nhan", "soan", "lien he", "bam", "quay so", "call", "text", "sms", "dial", "phone",
    "contact", "whatsapp", "zalo",
];

/// An instruction names its number or short code within this many words.
const INSTRUCTION_REACH: usize = 5;

/// Top-level domains of the addresses seen in scam messages; a word ending
/// in one after a dot is an address ("bit.ly/x", "vcb-hotro.com"). A list,
/// not any two letters: "TP.HCM" is a city, not an address.
const DOMAINS: &[&str] = &[
    "com", "net", "org", "vn", "ly", "me", "io", "co", "info", "xyz", "top", "site", "online",
    "link", "click", "app", "cc", "biz", "shop", "gl", "to", "tk", "ml", "live", "store", "asia",
];

/// Shortest run of digits read as a number to call (short codes: 5656,
/// 9029) after an instruction, and as a phone number anywhere (1900 1234).
const SHORT_CODE_DIGITS: usize = 3;
const PHONE_DIGITS: usize = 8;

/// Why `text` (a label or a source's name) is refused, or `Ok`. `own`: the
/// entry's own number (E.164 digits), which it may name.
pub(super) fn check_curated(text: &str, own: Option<i64>) -> Result<(), String> {
    let folded = fold_for_match(text);
    if let Some(address) = address_in(&folded) {
        return Err(format!(
            "contains an address ({address}); a source's address goes in source_url"
        ));
    }
    let words = words(&folded);
    for (i, w) in words.iter().enumerate() {
        if let Word::Digits(d) = w
            && d.len() >= PHONE_DIGITS
            && let Some(key) = normalize(d)
                .ok()
                .filter(|n| n.accepted())
                .and_then(|n| n.key())
            && Some(key) != own
        {
            return Err(format!(
                "contains a phone number ({d}) other than the entry's own"
            ));
        }
        if let Some(verb) = instruction_at(&words, i) {
            let code = words[i + 1..]
                .iter()
                .take(INSTRUCTION_REACH)
                .find_map(|w| match w {
                    Word::Digits(d) if d.len() >= SHORT_CODE_DIGITS => Some(d),
                    _ => None,
                });
            if let Some(code) = code {
                return Err(format!(
                    "tells people to reach a number (\"{verb} … {code}\"); labels name, they do not instruct"
                ));
            }
        }
    }
    Ok(())
}

#[derive(Debug, PartialEq, Eq)]
enum Word<'a> {
    Letters(&'a str),
    /// A number as written, separators (spaces, dots, dashes, brackets)
    /// taken out: "0912 345 678" is one.
    Digits(String),
}

fn words(folded: &str) -> Vec<Word<'_>> {
    let mut out: Vec<Word> = Vec::new();
    let mut letters: Option<usize> = None;
    let mut digits: Option<String> = None;
    let mut chars = folded.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_ascii_digit() || (c == '+' && digits.is_none()) {
            if let Some(start) = letters.take() {
                out.push(Word::Letters(&folded[start..i]));
            }
            digits.get_or_insert_with(String::new).push(c);
            continue;
        }
        // A separator inside a number, when a digit follows it.
        let inside = matches!(c, ' ' | '.' | '-' | '(' | ')')
            && digits.is_some()
            && chars.peek().is_some_and(|&(_, n)| n.is_ascii_digit());
        if inside {
            continue;
        }
        if let Some(d) = digits.take() {
            out.push(Word::Digits(d));
        }
        if c.is_alphanumeric() {
            letters.get_or_insert(i);
        } else if let Some(start) = letters.take() {
            out.push(Word::Letters(&folded[start..i]));
        }
    }
    if let Some(d) = digits {
        out.push(Word::Digits(d));
    }
    if let Some(start) = letters {
        out.push(Word::Letters(&folded[start..]));
    }
    out
}

/// The instruction (one or two words) that starts at word `i`, if any.
fn instruction_at<'a>(words: &[Word<'a>], i: usize) -> Option<&'static str> {
    let Word::Letters(first) = words[i] else {
        return None;
    };
    let second = match words.get(i + 1) {
        Some(Word::Letters(s)) => Some(*s),
        _ => None,
    };
    INSTRUCTIONS
        .iter()
        .copied()
        .find(|verb| match verb.split_once(' ') {
            Some((a, b)) => first == a && second == Some(b),
            None => first == *verb,
        })
}

/// An address: a scheme, `www.`, or a word with a dot and a known domain.
fn address_in(folded: &str) -> Option<&str> {
    folded
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '"' | '\''))
        .find(|token| {
            if token.contains("://") || token.starts_with("www.") {
                return true;
            }
            let host = token.split('/').next().unwrap_or("");
            let host = host.trim_end_matches(['.', ':', '!', '?']);
            host.rsplit_once('.').is_some_and(|(name, tld)| {
                !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.'))
                    && DOMAINS.contains(&tld)
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWN: i64 = 8_419_001_234;

    #[test]
    fn curated_text_names_it_does_not_send_people_elsewhere() {
        // (text, refused because …, or None: accepted)
        let table: &[(&str, Option<&str>)] = &[
            ("Ngân hàng Y — tổng đài", None),
            ("mạo danh công an, tòa án", None),
            ("gọi điện mạo danh công an", None),
            ("Công an TP.HCM", None),
            ("tổng đài 1900 1234", None),
            ("lừa đảo 500.000 đồng", None),
            ("mất 50.000.000 đồng", None),
            ("Ngân hàng Y, gọi 1900 1234", Some("reach a number")),
            ("tổng đài 1900 5678", Some("phone number")),
            ("khóa SIM, liên hệ 0912 345 678", Some("reach a number")),
            ("khóa SIM 0912 345 678", Some("phone number")),
            ("hỗ trợ: 0912.345.678", Some("phone number")),
            ("xem bit.ly/abc123", Some("address")),
            ("vcb-hotro.com", Some("address")),
            ("https://vcb.example/x", Some("address")),
            ("WWW.VCB-HOTRO.NET", Some("address")),
            ("gọi 9029 để hủy", Some("reach a number")),
            ("goi 9029 de huy", Some("reach a number")),
            ("GỌI NGAY 9029", Some("reach a number")),
            ("soạn tin HUY gửi 8077", Some("reach a number")),
            ("soan tin HUY gui 8077", Some("reach a number")),
            ("nhắn 5656 để được hoàn tiền", Some("reach a number")),
            ("liên hệ ngay 1080", Some("reach a number")),
            ("lien he 1080", Some("reach a number")),
            ("call 9029 to cancel", Some("reach a number")),
            ("text STOP to 8077", Some("reach a number")),
            ("SMS 8077 now", Some("reach a number")),
        ];
        for (text, refused) in table {
            let got = check_curated(text, Some(OWN));
            match refused {
                None => assert_eq!(got, Ok(()), "{text}"),
                Some(why) => {
                    let err = got.expect_err(text);
                    assert!(err.contains(why), "{text}: {err}");
                }
            }
        }
        // Without an own number, any phone number is another's.
        assert!(check_curated("tổng đài 1900 1234", None).is_err());
    }
}
