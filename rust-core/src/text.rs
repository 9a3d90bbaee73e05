//! Small text helpers shared by the classifier and the report builder.

use serde::Serialize;
use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};

/// A sentence in both languages the app speaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct Text {
    pub vi: String,
    pub en: String,
}

impl Text {
    pub fn new(vi: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            vi: vi.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, uniffi::Enum)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Lang {
    #[default]
    Vi,
    En,
}

/// Vietnamese without diacritics (bỏ dấu): `Mạo danh Công an` → `Mao danh Cong an`.
/// `đ` is a letter of its own, not a mark, so it is mapped by hand.
pub fn fold_diacritics(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            c => c,
        })
        .nfc()
        .collect()
}

/// Folded and lower-cased, for matching words in labels: cheaper than
/// `fold_diacritics` because nothing is recomposed.
pub fn fold_for_match(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            'đ' | 'Đ' => out.push('d'),
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            c => unicode_normalization::char::decompose_canonical(c, |d| {
                if !is_combining_mark(d) {
                    out.extend(d.to_lowercase());
                }
            }),
        }
    }
    out
}

/// Characters that take no space but can reorder or hide what is shown
/// (zero-width, direction marks, bidi embeddings and isolates).
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}' // zero-width, direction marks
            | '\u{202A}'..='\u{202E}' // bidi embeddings
            | '\u{2060}'..='\u{2069}' // word joiner, invisible operators, bidi isolates
            | '\u{061C}' // Arabic letter mark
            | '\u{180E}' // Mongolian vowel separator
            | '\u{FEFF}'
            | '\u{00AD}'
    )
}

/// Longest label a list entry may carry, in characters.
pub const MAX_LABEL_CHARS: usize = 60;

/// The one rule for a list entry's label, whether it comes from the user's
/// CSV or from a feed: shown to a person while the phone rings, so short,
/// and nothing that moves the cursor, rings a bell or reorders the text.
pub fn check_label(s: &str) -> Result<(), &'static str> {
    if s.is_empty() {
        return Err("the label is empty");
    }
    if s.chars().any(|c| c.is_control() || is_invisible(c)) {
        return Err("the label contains control or invisible characters");
    }
    if s.chars().count() > MAX_LABEL_CHARS {
        return Err("the label is longer than 60 characters");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_covers_every_vietnamese_vowel_and_d() {
        let table = [
            (
                "Mạo danh Công an yêu cầu chuyển tiền",
                "Mao danh Cong an yeu cau chuyen tien",
            ),
            ("Đường dây nóng đã được", "Duong day nong da duoc"),
            (
                "ắằẳẵặ ấầẩẫậ ếềểễệ ốồổỗộ ớờởỡợ ứừửữự ỳýỷỹỵ",
                "aaaaa aaaaa eeeee ooooo ooooo uuuuu yyyyy",
            ),
            ("ĂÂÊÔƠƯĐ", "AAEOOUD"),
            ("plain ascii 0912", "plain ascii 0912"),
        ];
        for (input, want) in table {
            assert_eq!(fold_diacritics(input), want);
            assert_eq!(fold_for_match(input), want.to_lowercase());
        }
    }
}
