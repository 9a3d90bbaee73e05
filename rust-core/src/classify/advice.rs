//! One true piece of advice for each scam pattern a report's label names.

use crate::number::NumberKind;
use crate::text::{Text, fold_for_match};

/// One kind of scam: words that name it in a report's label (folded to
/// lower-case ASCII), and one true piece of advice about it.
struct ScamPattern {
    words: &'static [&'static str],
    vi: &'static str,
    en: &'static str,
    /// Said instead when the call comes from an ordinary mobile or landline
    /// number, where that alone gives the caller away.
    from_ordinary: Option<(&'static str, &'static str)>,
}

const WANGIRI: ScamPattern = ScamPattern {
    words: &["wangiri", "goi lai", "quoc te"],
    vi: "Không gọi lại số quốc tế lạ.",
    en: "Don't call back unknown international numbers.",
    from_ordinary: None,
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
        from_ordinary: None,
    },
    // Since 27 Oct 2023 carriers call their subscribers under their
    // registered caller name (Voice Brandname, e.g. VIETTELCSKH), never
    // from an ordinary number (cand.com.vn; shared/reference/vietnam.md).
    ScamPattern {
        words: &["nha mang", "sim", "thue bao", "carrier"],
        vi: "Nhà mạng chỉ chuẩn hóa thông tin qua kênh chính thức.",
        en: "Carriers only update subscriber details through their official channels.",
        from_ordinary: Some((
            "Nhà mạng gọi bằng tên định danh (như VIETTELCSKH), không gọi từ số điện thoại thường: cuộc gọi này là giả.",
            "Carriers call under their registered name (such as VIETTELCSKH), never from an ordinary number: this call is fake.",
        )),
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
        from_ordinary: None,
    },
    ScamPattern {
        words: &["dien luc", "tien dien", "evn", "electric"],
        vi: "Không cài ứng dụng theo đường link lạ (.apk).",
        en: "Never install an app from a link someone sends you (.apk).",
        from_ordinary: None,
    },
    ScamPattern {
        words: &["giao hang", "don hang", "shipper", "delivery"],
        vi: "Không chuyển khoản khi chưa nhận hàng.",
        en: "Don't pay by transfer before you have the parcel.",
        from_ordinary: None,
    },
    ScamPattern {
        words: &["ngan hang", "otp", "bank", "tai khoan"],
        vi: "Không cung cấp mã OTP, mật khẩu cho bất kỳ ai.",
        en: "Never give your OTP code or password to anyone.",
        from_ordinary: None,
    },
    WANGIRI,
    // Last, so that the rows before keep the indexes the publisher's labels
    // are checked against. The ministry's units call as `BO TTTT` since
    // 27 Oct 2023 (cand.com.vn; shared/reference/vietnam.md).
    ScamPattern {
        words: &[
            "bo tttt",
            "bo tt&tt",
            "bo thong tin",
            "thong tin va truyen thong",
        ],
        vi: "Bộ TT&TT không gọi yêu cầu khóa số hay chuyển tiền.",
        en: "The ministry never calls to cut off your number or ask for money.",
        from_ordinary: Some((
            "Bộ TT&TT gọi bằng tên định danh BO TTTT, không gọi từ số điện thoại thường: cuộc gọi này là giả.",
            "The ministry calls under the registered name BO TTTT, never from an ordinary number: this call is fake.",
        )),
    },
];

impl ScamPattern {
    fn advice(&self) -> Text {
        Text::new(self.vi, self.en)
    }

    fn advice_for(&self, caller: NumberKind) -> Text {
        match (self.from_ordinary, caller) {
            (Some((vi, en)), NumberKind::Mobile | NumberKind::FixedLine) => Text::new(vi, en),
            _ => self.advice(),
        }
    }
}

/// The advice for a call from the police's own network (069). A real
/// officer may call from it, and a scammer may spoof it: the advice is
/// what the police never ask for on the phone, true of both (the words of
/// the police-impersonation row, `reference/vietnam.md`), and how to check.
pub(super) fn security_advice() -> Text {
    Text::new(
        "Công an không yêu cầu chuyển tiền, cung cấp mã OTP hay cài ứng dụng qua điện thoại. Số 069 có thể bị giả mạo: nếu cần, hãy tự liên hệ công an nơi cư trú.",
        "The police never ask for money, an OTP code or an app install over the phone. A 069 number can be spoofed: if in doubt, contact your local police yourself.",
    )
}

/// The advice for a 1900 caller. Answering costs nothing (no Vietnamese
/// service charges the person called, `reference/vietnam.md`); the danger
/// is calling back: missed calls from 1900 numbers lure people into
/// calling back at a high rate (cafef.vn, "Danh sách 32 số điện thoại lừa
/// đảo…", 2026-01-20), and 1900 lines posing as carriers' hotlines charge
/// callers (plo.vn, "Mất tiền oan vì những đầu số giả mạo tổng đài").
pub(super) fn premium_rate_advice() -> Text {
    Text::new(
        "Nghe máy không mất tiền, nhưng gọi lại số 1900 bị tính cước cao. Đừng gọi lại cuộc gọi nhỡ từ số 1900; chỉ gọi tổng đài theo số in trên hóa đơn, thẻ hoặc trang chính thức.",
        "Answering costs nothing, but calling a 1900 number back is charged at a high rate. Don't return missed calls from 1900 numbers; call a company only on the number printed on your bill, card or official site.",
    )
}

/// The advice for a 1800 caller: calling back is free (the carriers'
/// own 1800 lines are "miễn phí", plo.vn), so the danger is only who is
/// speaking.
pub(super) fn toll_free_advice() -> Text {
    Text::new(
        "Gọi lại số 1800 không mất cước, nhưng số gọi đến có thể bị giả mạo: không cung cấp mã OTP, mật khẩu cho bất kỳ ai.",
        "Calling a 1800 number back is free, but a caller's number can be spoofed: never give your OTP code or password to anyone.",
    )
}

/// The advice for a call from a wangiri country, listed or not.
pub(super) fn wangiri_advice() -> Text {
    WANGIRI.advice()
}

/// Advice for a reported label: the first scam pattern it names.
#[cfg(test)]
pub(super) fn advice_for_label(label: &str) -> Option<Text> {
    pattern_index(label).map(|i| SCAM_PATTERNS[i].advice())
}

/// As `advice_for_label`, for a call from a number of kind `caller`: a
/// carrier or the ministry never calls from an ordinary number, and the
/// advice says so when that is where the call comes from.
pub(super) fn advice_for_call(label: &str, caller: NumberKind) -> Option<Text> {
    pattern_index(label).map(|i| SCAM_PATTERNS[i].advice_for(caller))
}

/// Which row of the table a label names first (the publisher's labels are
/// checked against it).
pub(crate) fn pattern_index(label: &str) -> Option<usize> {
    let l = fold_for_match(label);
    SCAM_PATTERNS
        .iter()
        .position(|p| p.words.iter().any(|w| l.contains(w)))
}
