//! The SMS report to the 156 / 5656 hotline: `LD 0912345678 <content>`.
//!
//! Pure: the app hands the result to the user's SMS app; nothing is sent
//! from here. Segments are counted the way phones count them (GSM 03.38:
//! 160 septets, 153 per part; UCS-2: 70 units, 67 per part).

use crate::error::{Error, Result};
use crate::number::{NumberKind, PhoneNumber};
use crate::text::{fold_diacritics, is_invisible};
use serde::Serialize;
use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};

/// Longest report content kept: about two GSM-7 parts, enough for "who
/// they claimed to be and what they asked for".
pub const MAX_CONTENT_CHARS: usize = 300;
pub const DEFAULT_TEMPLATE: &str = "{keyword} {number} {content}";
const MAX_TEMPLATE_CHARS: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, uniffi::Enum)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// `LD`: a scam call (lừa đảo).
    #[default]
    #[cfg_attr(feature = "cli", value(name = "ld"))]
    ScamCall,
    /// `V`: a nuisance or advertising call.
    #[cfg_attr(feature = "cli", value(name = "v"))]
    NuisanceCall,
    /// `S`: a spam or scam SMS.
    #[cfg_attr(feature = "cli", value(name = "s"))]
    SpamSms,
}

impl ReportKind {
    pub fn keyword(self) -> &'static str {
        match self {
            ReportKind::ScamCall => "LD",
            ReportKind::NuisanceCall => "V",
            ReportKind::SpamSms => "S",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, uniffi::Enum)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum ReportTarget {
    #[default]
    #[cfg_attr(feature = "cli", value(name = "156"))]
    Hotline156,
    #[cfg_attr(feature = "cli", value(name = "5656"))]
    Hotline5656,
}

impl ReportTarget {
    pub fn address(self) -> &'static str {
        match self {
            ReportTarget::Hotline156 => "156",
            ReportTarget::Hotline5656 => "5656",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, uniffi::Record)]
pub struct ReportRequest {
    /// The number being reported, in any written form.
    pub number: String,
    pub kind: ReportKind,
    pub target: ReportTarget,
    /// What happened, in the user's words. May be empty.
    #[uniffi(default)]
    pub content: String,
    /// Fold Vietnamese to ASCII (bỏ dấu) so the report fits one GSM-7 SMS.
    #[uniffi(default)]
    pub fold_diacritics: bool,
    /// `{keyword} {number} {content}` unless set; follows the hotline if its
    /// syntax changes.
    #[uniffi(default)]
    pub template: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, uniffi::Enum)]
#[serde(rename_all = "snake_case")]
pub enum SmsEncoding {
    Gsm7,
    Ucs2,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct Report {
    /// The SMS address: `156` or `5656`.
    pub to: String,
    pub body: String,
    pub encoding: SmsEncoding,
    pub segments: u32,
    /// Septets (GSM-7) or UTF-16 units (UCS-2) in the body.
    pub units: u32,
    /// The reported number as the hotline expects it (`0912345678`).
    pub number: String,
    pub keyword: String,
    /// The content was longer than `MAX_CONTENT_CHARS` and was cut.
    pub truncated: bool,
}

pub fn build(req: &ReportRequest) -> Result<Report> {
    let n = crate::number::normalize(&req.number)?;
    let number = reportable_form(&n)?;
    let template = match req.template.as_deref() {
        None => DEFAULT_TEMPLATE,
        Some(t) => check_template(t)?,
    };
    let (mut content, truncated) = clean_content(&req.content);
    if req.fold_diacritics {
        content = fold_diacritics(&content);
    }
    let keyword = req.kind.keyword();
    let body = template
        .replace("{keyword}", keyword)
        .replace("{number}", &number)
        .replace("{content}", &content);
    // An empty content must not leave a dangling space.
    let body = body
        .split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let (encoding, units, segments) = count_segments(&body);
    Ok(Report {
        to: req.target.address().to_string(),
        body,
        encoding,
        segments,
        units,
        number,
        keyword: keyword.to_string(),
        truncated,
    })
}

/// Vietnamese numbers in their national form (10 digits for mobiles),
/// foreign ones in E.164. Short and emergency numbers are not reportable.
fn reportable_form(n: &PhoneNumber) -> Result<String> {
    match n.kind {
        NumberKind::Emergency => Err(Error::UnusableNumber(
            "an emergency number cannot be reported".into(),
        )),
        NumberKind::ShortCode => Err(Error::UnusableNumber(
            "a short service number cannot be reported; report the full number that called".into(),
        )),
        _ if n.is_vietnamese() => Ok(n.national.clone()),
        _ => n.e164.clone().ok_or_else(|| {
            Error::UnusableNumber(
                "the number has no international form (unknown country code)".into(),
            )
        }),
    }
}

fn check_template(t: &str) -> Result<&str> {
    if t.chars().count() > MAX_TEMPLATE_CHARS || t.chars().any(char::is_control) {
        return Err(Error::invalid("the report template must be one short line"));
    }
    if !t.contains("{number}") {
        return Err(Error::invalid("the report template must contain {number}"));
    }
    let stripped = t
        .replace("{keyword}", "")
        .replace("{number}", "")
        .replace("{content}", "");
    if stripped.contains('{') || stripped.contains('}') {
        return Err(Error::invalid(
            "the report template may only use {keyword}, {number} and {content}",
        ));
    }
    Ok(t)
}

/// Composed (NFC: decomposed Vietnamese costs more UCS-2 units, and often a
/// second SMS), whitespace (newlines included) collapsed to single spaces,
/// control and invisible formatting characters dropped, length capped on a
/// character boundary that keeps each letter with its marks.
pub fn clean_content(raw: &str) -> (String, bool) {
    let mut out = String::with_capacity(raw.len().min(MAX_CONTENT_CHARS * 4));
    let mut count = 0;
    let mut pending_space = false;
    // Where the last letter that marks may follow began.
    let mut cluster_start = 0;
    for c in raw.nfc() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if c.is_control() || is_invisible(c) {
            continue;
        }
        let needed = usize::from(pending_space) + 1;
        if count + needed > MAX_CONTENT_CHARS {
            if is_combining_mark(c) {
                // Never a letter without its mark: drop the whole letter.
                out.truncate(cluster_start);
                out.truncate(out.trim_end().len());
            }
            // Composed again: a dropped invisible may have stood between marks.
            return (out.nfc().collect(), true);
        }
        if !is_combining_mark(c) {
            cluster_start = out.len();
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
        count += needed;
    }
    (out.nfc().collect(), false)
}

/// GSM 03.38 default alphabet.
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// Extension table: each costs an escape septet too.
const GSM7_EXTENDED: &str = "\u{000C}^{}\\[~]|€";

fn gsm7_septets(c: char) -> Option<u32> {
    if GSM7_BASIC.contains(c) {
        Some(1)
    } else if GSM7_EXTENDED.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// (encoding, units, segments) as a phone would send `body`. Multi-part
/// messages never split an escape pair or a surrogate pair across parts.
pub fn count_segments(body: &str) -> (SmsEncoding, u32, u32) {
    let (encoding, sizes): (SmsEncoding, Vec<u32>) =
        match body.chars().map(gsm7_septets).collect::<Option<Vec<_>>>() {
            Some(septets) => (SmsEncoding::Gsm7, septets),
            None => (
                SmsEncoding::Ucs2,
                body.chars().map(|c| c.len_utf16() as u32).collect(),
            ),
        };
    let (single, part) = match encoding {
        SmsEncoding::Gsm7 => (160, 153),
        SmsEncoding::Ucs2 => (70, 67),
    };
    let units: u32 = sizes.iter().sum();
    if units <= single {
        return (encoding, units, 1);
    }
    let mut segments = 1;
    let mut used = 0;
    for s in sizes {
        if used + s > part {
            segments += 1;
            used = 0;
        }
        used += s;
    }
    (encoding, units, segments)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(number: &str, content: &str) -> ReportRequest {
        ReportRequest {
            number: number.into(),
            content: content.into(),
            ..Default::default()
        }
    }

    #[test]
    fn default_report_is_ld_to_156_with_the_10_digit_number() {
        let r = build(&req(
            "+84 91 234 5678",
            "Mao danh cong an yeu cau chuyen tien",
        ))
        .unwrap();
        assert_eq!(r.to, "156");
        assert_eq!(r.body, "LD 0912345678 Mao danh cong an yeu cau chuyen tien");
        assert_eq!((r.encoding, r.segments), (SmsEncoding::Gsm7, 1));
    }

    #[test]
    fn old_11_digit_numbers_are_reported_in_todays_form() {
        let r = build(&req("01621234567", "")).unwrap();
        assert_eq!(r.body, "LD 0321234567");
    }

    #[test]
    fn keywords_and_targets() {
        for (kind, target, want_to, want) in [
            (
                ReportKind::ScamCall,
                ReportTarget::Hotline156,
                "156",
                "LD 0912345678 x",
            ),
            (
                ReportKind::NuisanceCall,
                ReportTarget::Hotline5656,
                "5656",
                "V 0912345678 x",
            ),
            (
                ReportKind::SpamSms,
                ReportTarget::Hotline156,
                "156",
                "S 0912345678 x",
            ),
        ] {
            let r = build(&ReportRequest {
                kind,
                target,
                ..req("0912345678", "x")
            })
            .unwrap();
            assert_eq!((r.to.as_str(), r.body.as_str()), (want_to, want));
        }
    }

    #[test]
    fn content_is_cleaned_and_capped() {
        let r = build(&req(
            "0912345678",
            "  Gọi\n\ntừ\t\u{7}công\u{200B} \u{2066}an\u{2069} \r\n ",
        ))
        .unwrap();
        assert_eq!(r.body, "LD 0912345678 Gọi từ công an");
        let long = "a".repeat(10_000);
        let r = build(&req("0912345678", &long)).unwrap();
        assert!(r.truncated);
        assert_eq!(r.body.len(), "LD 0912345678 ".len() + MAX_CONTENT_CHARS);
    }

    #[test]
    fn folding_diacritics_fits_one_gsm7_segment() {
        let content = "Mạo danh công an, nói tôi liên quan vụ án và yêu cầu chuyển tiền vào tài khoản để xác minh";
        let plain = build(&req("0912345678", content)).unwrap();
        assert_eq!(plain.encoding, SmsEncoding::Ucs2);
        assert_eq!(plain.segments, 2);
        let folded = build(&ReportRequest {
            fold_diacritics: true,
            ..req("0912345678", content)
        })
        .unwrap();
        assert_eq!(folded.encoding, SmsEncoding::Gsm7);
        assert_eq!(folded.segments, 1);
        assert!(folded.body.contains("Mao danh cong an"));
    }

    #[test]
    fn segment_counts_follow_the_phone_rules() {
        let table: [(String, SmsEncoding, u32, u32); 9] = [
            ("a".repeat(160), SmsEncoding::Gsm7, 160, 1),
            ("a".repeat(161), SmsEncoding::Gsm7, 161, 2),
            ("a".repeat(306), SmsEncoding::Gsm7, 306, 2),
            ("a".repeat(307), SmsEncoding::Gsm7, 307, 3),
            ("€".repeat(80), SmsEncoding::Gsm7, 160, 1),
            // An escape pair may not straddle parts: 306 septets, 3 parts.
            (
                format!("{}€{}", "a".repeat(152), "a".repeat(152)),
                SmsEncoding::Gsm7,
                306,
                3,
            ),
            ("ạ".repeat(70), SmsEncoding::Ucs2, 70, 1),
            ("ạ".repeat(71), SmsEncoding::Ucs2, 71, 2),
            ("😀".repeat(35), SmsEncoding::Ucs2, 70, 1),
        ];
        for (body, enc, units, segs) in table {
            assert_eq!(
                count_segments(&body),
                (enc, units, segs),
                "{}…",
                &body.chars().take(5).collect::<String>()
            );
        }
        // 134 UCS-2 units fill two parts, unless a surrogate pair would straddle.
        assert_eq!(count_segments(&"ạ".repeat(134)).2, 2);
        assert_eq!(
            count_segments(&format!("{}😀{}", "ạ".repeat(66), "ạ".repeat(66))),
            (SmsEncoding::Ucs2, 134, 3)
        );
    }

    #[test]
    fn bad_numbers_are_clear_errors() {
        for (number, needle) in [
            ("113", "emergency"),
            ("156", "short"),
            ("5656", "short"),
            ("", "empty"),
            ("hello", "letters"),
            (
                "'; DROP TABLE report_outbox;--",
                "cannot be part of a phone number",
            ),
        ] {
            let err = build(&req(number, "x")).unwrap_err().to_string();
            assert!(err.contains(needle), "{number:?}: {err}");
        }
    }

    #[test]
    fn templates_are_configurable_and_checked() {
        let r = build(&ReportRequest {
            template: Some("{keyword} ({number})({content})".into()),
            ..req("0985931054", "Goi quang cao")
        })
        .unwrap();
        assert_eq!(r.body, "LD (0985931054)(Goi quang cao)");
        for bad in [
            "{keyword} {content}",
            "{keyword} {number} {name}",
            "LD {number}\n",
        ] {
            assert!(
                build(&ReportRequest {
                    template: Some(bad.into()),
                    ..req("0912345678", "x")
                })
                .is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn decomposed_vietnamese_costs_what_composed_costs() {
        // Finding 18: NFD text took 76 UCS-2 units and 2 SMS, NFC 64 and 1.
        let nfc = "Mạo danh công an, yêu cầu chuyển tiền vào tài khoản lạ";
        let nfd: String = nfc.nfd().collect();
        assert_ne!(nfc, nfd);
        let build_with = |content: &str| {
            build(&ReportRequest {
                number: "0912345678".into(),
                content: content.into(),
                ..Default::default()
            })
            .unwrap()
        };
        let (a, b) = (build_with(nfc), build_with(&nfd));
        assert_eq!(a.body, b.body);
        assert_eq!((a.units, a.segments), (b.units, b.segments));
        assert_eq!(b.segments, 1);
    }

    #[test]
    fn a_cut_never_leaves_a_letter_without_its_mark() {
        // q + U+0301 has no composed form: it stays two characters.
        let content = format!("{}q\u{301}", "a".repeat(MAX_CONTENT_CHARS - 1));
        let (out, truncated) = clean_content(&content);
        assert!(truncated);
        assert_eq!(out, "a".repeat(MAX_CONTENT_CHARS - 1));
        let fits = format!("{}q\u{301}", "a".repeat(MAX_CONTENT_CHARS - 2));
        assert_eq!(clean_content(&fits), (fits.clone(), false));
    }

    #[test]
    fn marks_an_invisible_character_separated_come_out_composed() {
        use unicode_normalization::is_nfc;
        let (out, _) = clean_content("Vcb\u{301}\u{202e}x e\u{323}\u{200b}\u{302}");
        assert!(is_nfc(&out), "{out:?}");
        assert!(out.ends_with("ệ"), "{out:?}");
    }
}
