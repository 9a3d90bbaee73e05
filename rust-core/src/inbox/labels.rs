//! A label for a reported number, from what its reporters wrote: the scam
//! patterns the classifier gives advice for (police and courts, carrier
//! and SIM, tax, electricity, delivery, bank and OTP, wangiri), and
//! investment or job offers. Contents are matched on whole words, folded
//! (no diacritics, lower case), so `Mạo danh công an` and `mao danh cong
//! an` are one pattern.
//!
//! Each label names, in its own words, the pattern the phone's advice
//! table (`classify/advice.rs`) looks for, so that a listed number's
//! warning carries that pattern's advice.

use crate::text::fold_for_match;
use std::sync::OnceLock;

/// One pattern: the label a listed number gets, and the folded words or
/// phrases of a report's content that name it.
pub(super) struct Pattern {
    pub label: &'static str,
    words: &'static [&'static str],
}

/// In the order the phone's advice table uses: the first row with a word
/// in a content wins. Folding makes "thuế" (tax) and "thuê bao"
/// (subscriber) both "thue…": the tax row names phrases only, and the
/// carrier row comes first.
pub(super) const PATTERNS: &[Pattern] = &[
    Pattern {
        label: "mạo danh công an, tòa án",
        words: &[
            "cong an",
            "canh sat",
            "police",
            "vien kiem sat",
            "toa an",
            "dieu tra",
            "vu an",
            "lenh bat",
            "trieu tap",
        ],
    },
    Pattern {
        label: "mạo danh nhà mạng, khóa SIM",
        words: &[
            "nha mang",
            "sim",
            "thue bao",
            "chuan hoa",
            "khoa 2 chieu",
            "khoa hai chieu",
            "thu hoi so",
            "carrier",
        ],
    },
    Pattern {
        label: "mạo danh cơ quan thuế",
        words: &[
            "can bo thue",
            "cuc thue",
            "chi cuc thue",
            "co quan thue",
            "nganh thue",
            "hoan thue",
            "no thue",
            "nop thue",
            "quyet toan thue",
            "ma so thue",
            "etax",
            "tax",
        ],
    },
    Pattern {
        label: "mạo danh điện lực",
        words: &["dien luc", "tien dien", "cat dien", "evn", "electric"],
    },
    Pattern {
        label: "giả danh giao hàng",
        words: &[
            "giao hang",
            "don hang",
            "shipper",
            "ship",
            "buu pham",
            "buu kien",
            "delivery",
        ],
    },
    Pattern {
        label: "mạo danh ngân hàng, hỏi mã OTP",
        words: &[
            "ngan hang",
            "otp",
            "ma xac thuc",
            "bank",
            "tai khoan",
            "the tin dung",
            "vietcombank",
            "vietinbank",
            "techcombank",
            "agribank",
            "bidv",
        ],
    },
    Pattern {
        label: "cuộc gọi nháy máy quốc tế (wangiri)",
        words: &[
            "wangiri",
            "nhay may",
            "goi nho",
            "quoc te",
            "nuoc ngoai",
            "mot hoi chuong",
        ],
    },
    Pattern {
        label: "lừa đầu tư, việc làm online",
        words: &[
            "dau tu",
            "chung khoan",
            "tien ao",
            "crypto",
            "forex",
            "san giao dich",
            "loi nhuan",
            "viec lam",
            "tuyen dung",
            "nhiem vu",
            "cong tac vien",
            "ctv",
            "viec nhe",
            "kiem tien",
            "hoa hong",
            "investment",
            "job",
        ],
    },
];

/// The order contents are matched in: the table's, except that the tax
/// phrases come before the carrier's words, so that "cán bộ thuế bảo…"
/// (folded "can bo thue bao…") is tax, not "thuê bao" (subscriber).
const MATCH_ORDER: [usize; 8] = [0, 2, 1, 3, 4, 5, 6, 7];

/// A phrase: its first word, the pattern's index, the other words.
type Phrase = (&'static str, usize, Vec<&'static str>);

/// The phrases by the first byte of their first word (all are ASCII): a
/// word is compared with the three or four phrases that could start with
/// it, and no word is hashed.
fn phrase_index() -> &'static [Vec<Phrase>; 128] {
    static INDEX: OnceLock<[Vec<Phrase>; 128]> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index: [Vec<Phrase>; 128] = std::array::from_fn(|_| Vec::new());
        for (i, p) in PATTERNS.iter().enumerate() {
            for phrase in p.words {
                assert!(phrase.is_ascii(), "phrases are folded: {phrase}");
                let mut words = phrase.split(' ');
                let first = words.next().expect("a phrase has a word");
                index[usize::from(first.as_bytes()[0])].push((first, i, words.collect()));
            }
        }
        index
    })
}

/// The index in [`PATTERNS`] of the first pattern a content names.
///
/// A publish looks at every report of the period: each content is split
/// into words once, and only the phrases that start with one of its words
/// are compared, rather than searching the content for every phrase.
pub(super) fn pattern_of(content: &str) -> Option<u8> {
    if content.is_empty() {
        return None;
    }
    // Words of letters and digits; punctuation is a `None` between them:
    // a phrase matches whole words only (`sim`, not `simple`), never
    // across a comma ("thuế, bảo").
    // Folding ASCII is lower-casing it (many contents are typed without
    // diacritics).
    let folded = if content.is_ascii() {
        content.to_ascii_lowercase()
    } else {
        fold_for_match(content)
    };
    let mut tokens: Vec<Option<&str>> = Vec::with_capacity(16);
    let mut word_start = None;
    for (i, c) in folded.char_indices() {
        if c.is_alphanumeric() {
            word_start.get_or_insert(i);
            continue;
        }
        if let Some(start) = word_start.take() {
            tokens.push(Some(&folded[start..i]));
        }
        if !c.is_whitespace() {
            tokens.push(None);
        }
    }
    if let Some(start) = word_start {
        tokens.push(Some(&folded[start..]));
    }
    let index = phrase_index();
    let mut named = [false; PATTERNS.len()];
    for (i, token) in tokens.iter().enumerate() {
        let Some(word) = token.filter(|w| w.as_bytes()[0].is_ascii()) else {
            continue;
        };
        for (first, pattern, rest) in &index[usize::from(word.as_bytes()[0])] {
            let follows = *first == word
                && rest
                    .iter()
                    .enumerate()
                    .all(|(k, w)| tokens.get(i + 1 + k) == Some(&Some(*w)));
            named[*pattern] |= follows;
        }
    }
    MATCH_ORDER
        .into_iter()
        .find(|&i| named[i])
        .and_then(|i| u8::try_from(i).ok())
}

/// The label of the pattern most reports name (the earlier row on a tie).
pub(super) fn majority_label(counts: &[u32; PATTERNS.len()]) -> Option<&'static str> {
    let mut best: Option<(usize, u32)> = None;
    for (i, &n) in counts.iter().enumerate() {
        if n > 0 && best.is_none_or(|(_, b)| n > b) {
            best = Some((i, n));
        }
    }
    best.map(|(i, _)| PATTERNS[i].label)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(content: &str) -> Option<&'static str> {
        pattern_of(content).map(|i| PATTERNS[usize::from(i)].label)
    }

    #[test]
    fn contents_name_their_pattern_with_or_without_diacritics() {
        let table = [
            ("Mạo danh công an yêu cầu chuyển tiền", 0),
            ("mao danh cong an yeu cau chuyen tien", 0),
            ("Gọi tự xưng Viện kiểm sát, nói tôi liên quan vụ án", 0),
            ("Báo khóa SIM 2 chiều trong 2 tiếng", 1),
            ("goi bao thue bao se bi thu hoi so", 1),
            ("Tự xưng cán bộ thuế, bảo cài eTax giả", 2),
            ("HOAN THUE thu nhap ca nhan", 2),
            ("can bo thue bao nop phat", 2),
            ("nhà mạng báo thuê bao sẽ bị khóa", 1),
            ("Báo nợ tiền điện, sẽ cắt điện hôm nay", 3),
            ("Shipper bảo chuyển khoản trước phí giao hàng", 4),
            ("Xưng nhân viên ngân hàng, hỏi mã OTP", 5),
            ("goi 1 hoi chuong tu so nuoc ngoai", 6),
            ("Mời làm nhiệm vụ, cộng tác viên, hoa hồng cao", 7),
            ("moi dau tu tien ao loi nhuan 30%", 7),
        ];
        for (content, want) in table {
            assert_eq!(pattern_of(content), Some(want), "{content}");
        }
        for content in [
            "",
            "Gọi quảng cáo bất động sản",
            "simple example",
            "goi nhieu lan trong ngay",
            "thuê nhà giá rẻ",
            "giá thuê, bao nhiêu",
        ] {
            assert_eq!(label(content), None, "{content}");
        }
    }

    #[test]
    fn labels_are_valid_and_name_the_phones_advice_row() {
        // The phone's advice table (classify/advice.rs) gives the advice of
        // the first row whose words a label contains. Each label must name
        // its own row and no earlier one; investment and job offers have no
        // row, so their label names none.
        for (i, p) in PATTERNS.iter().enumerate() {
            crate::text::check_label(p.label).unwrap();
            let want = (i + 1 < PATTERNS.len()).then_some(i);
            assert_eq!(
                crate::classify::advice::pattern_index(p.label),
                want,
                "{}",
                p.label
            );
        }
    }

    /// The way contents were matched before the phrase index: every
    /// phrase searched for in the folded words. The index must agree.
    fn by_search(content: &str) -> Option<u8> {
        if content.is_empty() {
            return None;
        }
        // Words of letters and digits, one space apart and one around, and
        // punctuation kept as a `|` of its own: a phrase matches whole words
        // only (`sim`, not `simple`), never across a comma ("thuế, bảo").
        let mut words = String::with_capacity(content.len() + 2);
        words.push(' ');
        for c in fold_for_match(content).chars() {
            if c.is_alphanumeric() {
                words.push(c);
                continue;
            }
            if !words.ends_with(' ') {
                words.push(' ');
            }
            if !c.is_whitespace() && !words.ends_with("| ") {
                words.push_str("| ");
            }
        }
        if !words.ends_with(' ') {
            words.push(' ');
        }
        let names = |p: &Pattern| {
            p.words.iter().any(|w| {
                words.match_indices(w).any(|(i, _)| {
                    words[..i].ends_with(' ') && words[i + w.len()..].starts_with(' ')
                })
            })
        };
        MATCH_ORDER
            .into_iter()
            .find(|&i| names(&PATTERNS[i]))
            .and_then(|i| u8::try_from(i).ok())
    }

    #[test]
    fn the_phrase_index_matches_as_searching_every_phrase_did() {
        let phrases: Vec<&str> = PATTERNS
            .iter()
            .flat_map(|p| p.words.iter().copied())
            .collect();
        let joins = [" ", ", ", "x", "", " và ", "! ", "\n", " - "];
        let mut checked = 0;
        for a in &phrases {
            for b in &phrases {
                for (j, join) in joins.iter().enumerate() {
                    let mut content = format!("{a}{join}{b}");
                    if j % 2 == 1 {
                        content = format!("Gọi {} nhé", content.to_uppercase());
                    }
                    assert_eq!(pattern_of(&content), by_search(&content), "{content}");
                    checked += 1;
                }
            }
        }
        for content in [
            "thuế, bao nhiêu",
            "Cán bộ thuế bảo",
            "simple sims sim",
            "taxtax tax",
            "khoa 2chieu",
            "khóa 2 chiều!!",
            "ĐIỆN LỰC",
            "🙂 otp 🙂",
            ",,,",
            "a",
        ] {
            assert_eq!(pattern_of(content), by_search(content), "{content}");
        }
        assert!(checked > 10_000);
    }

    #[test]
    fn the_majority_wins_and_a_tie_goes_to_the_earlier_row() {
        let mut counts = [0u32; PATTERNS.len()];
        assert_eq!(majority_label(&counts), None);
        counts[5] = 2;
        counts[0] = 2;
        assert_eq!(majority_label(&counts), Some(PATTERNS[0].label));
        counts[5] = 3;
        assert_eq!(majority_label(&counts), Some(PATTERNS[5].label));
    }
}
