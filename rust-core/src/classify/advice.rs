//! One true piece of advice for each scam pattern a report's label names.

use crate::text::{Text, fold_for_match};

/// One kind of scam: words that name it in a report's label (folded to
/// lower-case ASCII), and one true piece of advice about it.
struct ScamPattern {
    words: &'static [&'static str],
    vi: &'static str,
    en: &'static str,
}

const WANGIRI: ScamPattern = ScamPattern {
    words: &["wangiri", "goi lai", "quoc te"],
    vi: "Không gọi lại số quốc tế lạ.",
    en: "Don't call back unknown international numbers.",
};

/// The scam patterns the advice knows, one row each; the first row with a
/// word in the label wins. Folding makes "thuế" (tax), "thuê" (rent) and
/// "thuê bao" (subscriber) all "thue…", so the tax row names only phrases
/// ("nop thue", "cuc thue"), and the carrier row comes before it.
const SCAM_PATTERNS: &[ScamPattern] = &[
    ScamPattern {
        words: &["cong an", "police", "vien kiem sat", "toa an"],
        vi: "Công an không làm việc, không yêu cầu chuyển tiền qua điện thoại.",
        en: "The police never handle cases or ask for money over the phone.",
    },
    ScamPattern {
        words: &["nha mang", "sim", "thue bao", "carrier"],
        vi: "Nhà mạng chỉ chuẩn hóa thông tin qua kênh chính thức.",
        en: "Carriers only update subscriber details through their official channels.",
    },
    ScamPattern {
        words: &[
            "can bo thue",
            "cuc thue",
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
        vi: "Ứng dụng chính thức duy nhất của ngành Thuế là eTax Mobile.",
        en: "The tax office's only official app is eTax Mobile.",
    },
    ScamPattern {
        words: &["dien luc", "tien dien", "evn", "electric"],
        vi: "Không cài ứng dụng theo đường link lạ (.apk).",
        en: "Never install an app from a link someone sends you (.apk).",
    },
    ScamPattern {
        words: &["giao hang", "don hang", "shipper", "delivery"],
        vi: "Không chuyển khoản khi chưa nhận hàng.",
        en: "Don't pay by transfer before you have the parcel.",
    },
    ScamPattern {
        words: &["ngan hang", "otp", "bank", "tai khoan"],
        vi: "Không cung cấp mã OTP, mật khẩu cho bất kỳ ai.",
        en: "Never give your OTP code or password to anyone.",
    },
    WANGIRI,
];

impl ScamPattern {
    fn advice(&self) -> Text {
        Text::new(self.vi, self.en)
    }
}

/// The advice for a call from a wangiri country, listed or not.
pub(super) fn wangiri_advice() -> Text {
    WANGIRI.advice()
}

/// Advice for a reported label: the first scam pattern it names.
pub(super) fn advice_for_label(label: &str) -> Option<Text> {
    pattern_index(label).map(|i| SCAM_PATTERNS[i].advice())
}

/// Which row of the table a label names first (the publisher's labels are
/// checked against it).
pub(crate) fn pattern_index(label: &str) -> Option<usize> {
    let l = fold_for_match(label);
    SCAM_PATTERNS
        .iter()
        .position(|p| p.words.iter().any(|w| l.contains(w)))
}
