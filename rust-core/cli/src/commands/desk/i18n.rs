//! The desk's words in Vietnamese (the default) and English, one table;
//! and which language a request gets: `?lang=` (remembered in a cookie),
//! else the cookie, else the browser's Accept-Language (Vietnamese unless
//! English is preferred).

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Vi,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    fn from_code(code: &str) -> Option<Lang> {
        match code {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Accept-Language: English when an `en` tag weighs more than any
    /// `vi` one (and more than nothing); else Vietnamese.
    fn from_accept(value: &str) -> Lang {
        let (mut vi, mut en) = (0.0f32, 0.0f32);
        for part in value.split(',').take(32) {
            let mut bits = part.split(';');
            let tag = bits.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = bits
                .find_map(|b| b.trim().strip_prefix("q=")?.parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            match primary {
                "vi" => vi = vi.max(q),
                "en" => en = en.max(q),
                _ => {}
            }
        }
        if en > vi { Lang::En } else { Lang::Vi }
    }

    pub fn t(self, text: T) -> &'static str {
        let (vi, en) = text.words();
        match self {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }
}

/// Every text the desk shows, by name.
#[derive(Debug, Clone, Copy)]
pub enum T {
    Desk,
    Overview,
    Held,
    Disputes,
    Rejected,
    Follow,
    LookUp,
    LookUpButton,
    SignOut,
    SignIn,
    Name,
    Password,
    WrongLogin,
    TooManySignIns,
    SignedInAs,
    Language,
    LastPublishes,
    Run,
    Time,
    AsOf,
    Listed,
    Added,
    Removed,
    HeldCount,
    DisputesWaiting,
    GuardRefusals,
    RefusedSince,
    Version,
    NoPublish,
    ReportsByDay,
    ListedOverTime,
    TopLabels,
    Day,
    Reports,
    Label,
    Numbers,
    HeldIntro,
    Number,
    Why,
    Evidence,
    HeldForDays,
    People,
    BurstShare,
    Patterns,
    Contents,
    Reason,
    Approve,
    Reject,
    NextPage,
    PrevPage,
    QueueEmpty,
    Approved,
    RejectedDone,
    OpenDisputes,
    WithdrawnDisputes,
    DecidedDisputes,
    AddDispute,
    AnyForm,
    Filed,
    FiledBy,
    State,
    Decision,
    Withdraw,
    DisputeAdded,
    DisputeWithdrawn,
    NoneYet,
    Unreadable,
    Decided,
    Timeline,
    ReportsOfNumber,
    NotDecided,
    ListedAs,
    InReview,
    LastPublishSaid,
    Page,
    RejectedIntro,
    Ingests,
    Gateway,
    Lines,
    Ingested,
    NotFoundText,
    Forbidden,
    FollowIntro,
    FeedName,
    FeedAddress,
    KeyFingerprints,
    FollowLinkText,
    FollowQr,
    FollowMissing,
    PeopleN,
    ReportsN,
    ByOperator,
    AuditLine,
    Error,
}

impl T {
    /// (Vietnamese, English).
    fn words(self) -> (&'static str, &'static str) {
        match self {
            T::Desk => ("Bàn điều hành Cảnh Giác", "Cảnh Giác operator's desk"),
            T::Overview => ("Tổng quan", "Overview"),
            T::Held => ("Chờ duyệt", "Held for review"),
            T::Disputes => ("Khiếu nại", "Disputes"),
            T::Rejected => ("Dữ liệu bị loại", "Rejected input"),
            T::Follow => ("Theo dõi", "Follow"),
            T::LookUp => ("Tra số", "Look up a number"),
            T::LookUpButton => ("Tra", "Look up"),
            T::SignOut => ("Đăng xuất", "Sign out"),
            T::SignIn => ("Đăng nhập", "Sign in"),
            T::Name => ("Tên", "Name"),
            T::Password => ("Mật khẩu", "Password"),
            T::WrongLogin => (
                "Tên hoặc mật khẩu không đúng.",
                "The name or the password is wrong.",
            ),
            T::TooManySignIns => (
                "Đăng nhập sai quá nhiều lần với tên này. Vui lòng thử lại sau, chậm nhất 15 phút nữa.",
                "Too many wrong sign-ins with this name. Try again later: within 15 minutes at most.",
            ),
            T::SignedInAs => ("Đang đăng nhập:", "Signed in as"),
            T::Language => ("Ngôn ngữ", "Language"),
            T::LastPublishes => ("Các lần xuất bản gần đây", "The last publishes"),
            T::Run => ("Lần", "Run"),
            T::Time => ("Thời điểm", "Time"),
            T::AsOf => ("Tính đến ngày", "As of"),
            T::Listed => ("Trong danh sách", "Listed"),
            T::Added => ("Thêm", "Added"),
            T::Removed => ("Bỏ ra (theo lý do)", "Removed (by reason)"),
            T::HeldCount => ("Chờ duyệt", "Held"),
            T::DisputesWaiting => ("Khiếu nại chờ xử lý", "Disputes waiting"),
            T::GuardRefusals => ("Lần bị chặn trước đó", "Refused before it"),
            T::RefusedSince => (
                "Các lần xuất bản bị chặn kể từ lần gần nhất",
                "Publishes refused since the last one",
            ),
            T::Version => ("Phiên bản", "Version"),
            T::NoPublish => (
                "Chưa có lần xuất bản nào.",
                "Nothing has been published yet.",
            ),
            T::ReportsByDay => ("Phản ánh mỗi ngày theo từ khóa", "Reports a day by keyword"),
            T::ListedOverTime => (
                "Số lượng trong danh sách theo thời gian",
                "Listed numbers over time",
            ),
            T::TopLabels => ("Nhãn phổ biến nhất", "Top labels"),
            T::Day => ("Ngày", "Day"),
            T::Reports => ("Phản ánh", "Reports"),
            T::Label => ("Nhãn", "Label"),
            T::Numbers => ("Số điện thoại", "Numbers"),
            T::HeldIntro => (
                "Những số này có đủ phản ánh nhưng chưa được đưa vào danh sách khi chưa có người duyệt: máy bàn, 1800/1900, số được bảo vệ. Quyết định sẽ có hiệu lực ở lần xuất bản tiếp theo.",
                "These numbers have enough reports but are not listed until a person decides: fixed lines, 1800/1900, protected numbers. A decision shows in the next publish.",
            ),
            T::Number => ("Số", "Number"),
            T::Why => ("Lý do giữ lại", "Why held"),
            T::Evidence => ("Bằng chứng", "Evidence"),
            T::HeldForDays => ("Số ngày chờ", "Days held"),
            T::People => ("Người phản ánh", "People"),
            T::PeopleN => ("người", "people"),
            T::ReportsN => ("phản ánh", "reports"),
            T::Error => ("Lỗi", "Error"),
            T::ByOperator => ("bởi", "by"),
            T::AuditLine => ("Dòng nhật ký (JSON)", "The audit line (JSON)"),
            T::BurstShare => (
                "Tỉ lệ đến dồn trong một ngày",
                "Share that came in one day's burst",
            ),
            T::Patterns => ("Dấu hiệu lừa đảo", "Scam patterns"),
            T::Contents => ("Nội dung phản ánh", "What reporters wrote"),
            T::Reason => ("Lý do", "Reason"),
            T::Approve => ("Duyệt (đưa vào danh sách)", "Approve (list it)"),
            T::Reject => ("Từ chối", "Reject"),
            T::NextPage => ("Trang sau", "Next page"),
            T::PrevPage => ("Trang trước", "Previous page"),
            T::QueueEmpty => ("Không có số nào chờ duyệt.", "No number waits for review."),
            T::Approved => ("Đã duyệt", "Approved"),
            T::RejectedDone => ("Đã từ chối", "Rejected"),
            T::OpenDisputes => ("Đang hiệu lực", "Open"),
            T::WithdrawnDisputes => ("Đã rút", "Withdrawn"),
            T::DecidedDisputes => ("Đã quyết định", "Decided"),
            T::AddDispute => ("Thêm khiếu nại", "Add a dispute"),
            T::AnyForm => (
                "Số điện thoại (viết kiểu nào cũng được)",
                "Number (any written form)",
            ),
            T::Filed => ("Ngày nộp", "Filed"),
            T::FiledBy => ("Người nộp", "Filed by"),
            T::State => ("Trạng thái", "State"),
            T::Decision => ("Quyết định", "Decision"),
            T::Withdraw => ("Rút khiếu nại", "Withdraw"),
            T::DisputeAdded => ("Đã thêm khiếu nại", "Dispute added"),
            T::DisputeWithdrawn => ("Đã rút khiếu nại", "Dispute withdrawn"),
            T::NoneYet => ("Không có.", "None."),
            T::Unreadable => (
                "Không đọc được số này. Hãy nhập một số điện thoại, ví dụ 0901 000 001.",
                "This is not a number that can be read. Type a phone number, e.g. 0901 000 001.",
            ),
            T::Decided => ("Quyết định hiện tại", "Current decision"),
            T::Timeline => (
                "Lịch sử quyết định (mới nhất trước)",
                "Decision history (newest first)",
            ),
            T::ReportsOfNumber => ("Phản ánh theo ngày", "Reports by day"),
            T::NotDecided => (
                "Chưa có trong danh sách và chưa có quyết định nào.",
                "Not listed, and no decision about it.",
            ),
            T::ListedAs => ("Đang trong danh sách:", "Listed as"),
            T::LastPublishSaid => ("Lần xuất bản gần nhất:", "The last publish:"),
            T::InReview => ("Hàng chờ duyệt:", "Review queue:"),
            T::Page => ("Trang", "Page"),
            T::RejectedIntro => (
                "Các dòng bị loại ở những lần nhập gần đây, theo lý do. Không hiện nội dung dòng.",
                "Lines the last ingests rejected, by reason. No line's content is shown.",
            ),
            T::Ingests => ("Các lần nhập gần đây", "The last ingests"),
            T::Gateway => ("Cổng SMS", "Gateway"),
            T::Lines => ("Dòng", "Lines"),
            T::Ingested => ("Đã nhận", "Ingested"),
            T::NotFoundText => ("Không có trang này.", "There is no such page."),
            T::FollowIntro => (
                "Đưa đường dẫn hoặc mã QR này cho người dân (in, chiếu, gửi): ứng dụng Cảnh Giác mở nó, hiện tên, địa chỉ và dấu vân tay của khóa, và chỉ theo dõi danh sách khi người đó đồng ý.",
                "Give people this link or QR code (print it, show it, send it): the Cảnh Giác app opens it, shows the name, the address and the key's fingerprint, and follows the list only once the person agrees.",
            ),
            T::FeedName => ("Tên danh sách", "The list's name"),
            T::FeedAddress => ("Địa chỉ", "Address"),
            T::KeyFingerprints => ("Dấu vân tay của khóa", "Key fingerprints"),
            T::FollowLinkText => ("Đường dẫn theo dõi", "Follow link"),
            T::FollowQr => ("Mã QR", "QR code"),
            T::FollowMissing => (
                "Bàn điều hành được khởi động mà không có thông tin về danh sách. Hãy khởi động lại với:",
                "The desk was started without the feed's details. Start it again with:",
            ),
            T::Forbidden => (
                "Biểu mẫu này thiếu mã bảo vệ hoặc mã đã hết hạn; không có gì thay đổi. Hãy tải lại trang và thử lại.",
                "This form's token is missing or stale; nothing was changed. Reload the page and try again.",
            ),
        }
    }
}

/// The codes the database and the audit log write (why a number is held,
/// why it is not listed, a review's or a dispute's state, an operator's
/// decision, why a line was rejected, a listing's category), in words:
/// (code, Vietnamese, English).
const CODES: [(&str, &str, &str); 39] = [
    // Why a number is held for review.
    ("fixed_line", "máy bàn", "a fixed line"),
    ("toll_free", "số miễn cước 1800", "a toll-free 1800 number"),
    (
        "premium_rate",
        "số dịch vụ 1900",
        "a premium-rate 1900 number",
    ),
    (
        "security_network",
        "số mạng an ninh 069",
        "a security network 069 number",
    ),
    ("protected", "số được bảo vệ", "a protected number"),
    (
        "verified",
        "số tổ chức đã xác minh",
        "a verified organisation number",
    ),
    // Why a number is not listed.
    ("short_number", "số ngắn", "a short number"),
    ("sms_only", "chỉ có phản ánh tin nhắn", "SMS reports only"),
    (
        "expired",
        "hết hạn, không có phản ánh mới",
        "expired, no recent report",
    ),
    (
        "below_threshold",
        "chưa đủ người phản ánh",
        "too few people reported it",
    ),
    ("disputed", "đang bị khiếu nại", "disputed"),
    ("held", "chờ duyệt", "held for review"),
    ("rejected", "bị từ chối", "rejected"),
    // Decisions and states.
    ("listed", "đưa vào danh sách", "listed"),
    ("not_listed", "không đưa vào danh sách", "not listed"),
    ("approved", "đã duyệt", "approved"),
    ("open", "đang mở", "open"),
    ("waiting", "chờ xử lý", "waiting"),
    ("upheld", "được chấp nhận", "upheld"),
    ("withdrawn", "đã rút", "withdrawn"),
    ("dispute_filed", "nộp khiếu nại", "dispute filed"),
    ("dispute_upheld", "chấp nhận khiếu nại", "dispute upheld"),
    ("dispute_rejected", "bác khiếu nại", "dispute rejected"),
    ("dispute_withdrawn", "rút khiếu nại", "dispute withdrawn"),
    ("new", "lần đầu", "first decision"),
    ("decision", "quyết định thay đổi", "decision changed"),
    ("evidence", "bằng chứng thay đổi", "evidence changed"),
    // Why an ingest rejected a line.
    ("empty", "tin trống", "empty message"),
    (
        "chatter",
        "không phải phản ánh (chào hỏi, câu hỏi)",
        "not a report (greetings, questions)",
    ),
    (
        "no_keyword",
        "thiếu từ khóa LD, V hoặc S",
        "no keyword (LD, V or S)",
    ),
    ("unknown_keyword", "từ khóa không rõ", "unknown keyword"),
    ("no_number", "không có số bị phản ánh", "no number reported"),
    ("no_sender", "không có số người gửi", "no sender"),
    ("invalid_number", "số không hợp lệ", "not a valid number"),
    (
        "protected_number",
        "số khẩn cấp hoặc đường dây nóng",
        "an emergency or hotline number",
    ),
    // Categories of a listing.
    ("scam", "lừa đảo", "scam"),
    ("nuisance", "làm phiền", "nuisance"),
    ("spam", "tin rác", "spam"),
    ("suspicious", "đáng ngờ", "suspicious"),
];

impl Lang {
    /// A code in words; an unknown code (a newer publisher's) as it is.
    pub fn words_of(self, code: &str) -> String {
        CODES
            .iter()
            .find(|(c, ..)| *c == code)
            .map(|(_, vi, en)| match self {
                Lang::Vi => *vi,
                Lang::En => *en,
            })
            .unwrap_or(code)
            .to_string()
    }
}

/// The `lang` cookie, kept a year.
const COOKIE: &str = "lang";

/// Picks the request's language (an extension the pages read), and
/// remembers a `?lang=` choice in a cookie.
pub async fn language(mut req: Request, next: Next) -> Response {
    let asked = req.uri().query().and_then(|q| {
        form_pairs(q)
            .find(|(k, _)| k == "lang")
            .and_then(|(_, v)| Lang::from_code(&v))
    });
    let lang = asked
        .or_else(|| cookie(req.headers(), COOKIE).and_then(|v| Lang::from_code(&v)))
        .unwrap_or_else(|| {
            Lang::from_accept(
                req.headers()
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or(""),
            )
        });
    req.extensions_mut().insert(lang);
    let mut response = next.run(req).await;
    if let Some(l) = asked {
        let value = format!(
            "{COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Strict",
            l.code()
        );
        if let Ok(v) = HeaderValue::from_str(&value) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

/// The pairs of a query string or form body, decoded.
pub fn form_pairs(text: &str) -> impl Iterator<Item = (String, String)> + '_ {
    form_urlencoded::parse(text.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned()))
}

/// A cookie's value from the request's `Cookie` headers.
pub fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_unless_english_is_preferred() {
        for (accept, lang) in [
            ("", Lang::Vi),
            ("vi-VN,vi;q=0.9,en;q=0.8", Lang::Vi),
            ("en-US,en;q=0.9", Lang::En),
            ("en;q=0.5,vi;q=0.9", Lang::Vi),
            ("fr-FR", Lang::Vi),
            ("fr,en;q=0.3", Lang::En),
        ] {
            assert_eq!(Lang::from_accept(accept), lang, "{accept}");
        }
    }

    #[test]
    fn every_code_the_core_writes_has_words_in_both_languages() {
        use canhgiac_core::publisher::RefusedSms;
        let shown = [
            "fixed_line",
            "toll_free",
            "premium_rate",
            "security_network",
            "protected",
            "verified",
            "short_number",
            "sms_only",
            "expired",
            "below_threshold",
            "disputed",
            "held",
            "rejected",
            "listed",
            "not_listed",
            "approved",
            "open",
            "waiting",
            "upheld",
            "withdrawn",
            "dispute_filed",
            "dispute_upheld",
            "dispute_rejected",
            "dispute_withdrawn",
        ];
        for code in shown.iter().chain(RefusedSms::CODES.iter()) {
            for lang in [Lang::Vi, Lang::En] {
                let words = lang.words_of(code);
                assert!(CODES.iter().any(|(c, ..)| c == code), "{code} has no words");
                assert!(!words.contains('_') && !words.is_empty(), "{code}: {words}");
            }
        }
        assert_eq!(
            Lang::En.words_of("from_a_newer_publisher"),
            "from_a_newer_publisher"
        );
    }
}
