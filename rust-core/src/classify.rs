//! The classifier: a pure function of (number, call facts, store lookups,
//! policy, today) → `Verdict`. No I/O, so it is tested without a database.
//!
//! Precedence, first match decides the level:
//! 1. emergency numbers and hotlines: always safe, always allowed;
//! 2. the user's allow list, then the phone's contacts: safe;
//! 3. the user's block list: blocked;
//! 4. a reported number; 5. a reported prefix;
//! 6. heuristics: wangiri country, failed caller verification, premium-rate
//!    caller, impossible number (suspicious); foreign or hidden caller, 1800
//!    line, the police's 069 network, a possible number in an unlisted range
//!    (unknown, with the reason shown);
//! 7. otherwise unknown.

use crate::model::{Action, Category, Level, string_enum};
use crate::number::{HOTLINES, NumberKind, PhoneNumber, Plan};
use crate::store::{Listing, Lookups, UserList};
use crate::text::Text;
use serde::{Deserialize, Serialize};

/// Country calling codes named in Vietnamese wangiri warnings
/// (`reference/vietnam.md`): one ring, hoping for an expensive call-back.
pub const WANGIRI_COUNTRY_CODES: [&str; 15] = [
    "224", "231", "232", "240", "247", "252", "255", "216", "226", "370", "371", "373", "375",
    "381", "563",
];

/// Android's caller-number verification status (STIR/SHAKEN), API 30+.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, uniffi::Enum)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "snake_case")]
pub enum Verification {
    #[default]
    NotVerified,
    Passed,
    Failed,
}

/// What the phone knows about the call besides the number.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct CallFacts {
    /// The caller is in the phone's contacts.
    #[uniffi(default)]
    pub in_contacts: bool,
    pub verification: Verification,
    /// The network withheld the number (presentation restricted/unknown).
    #[uniffi(default)]
    pub hidden: bool,
}

/// What the user wants done at each level. `safe` is always allowed.
/// The core keeps it (`CallGuard::set_policy`), as JSON in its database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
pub struct Policy {
    pub unknown: Action,
    pub suspicious: Action,
    pub nuisance: Action,
    pub scam: Action,
    pub blocked: Action,
    /// Calling codes treated as wangiri countries (digits, no `+`).
    pub wangiri_country_codes: Vec<String>,
    /// Evidence a listed number needs to be called a scam (or nuisance):
    /// an official source, or at least `min_reporters` people (or reports,
    /// where the list does not count people) with the last report within
    /// `fresh_days`. Less, or older, evidence makes it `suspicious`; past
    /// `expire_days` an entry is shown but raises nothing, because numbers
    /// are given up and reassigned. The README argues the defaults.
    #[uniffi(default = 3)]
    #[serde(default = "defaults::min_reporters")]
    pub min_reporters: u32,
    #[uniffi(default = 90)]
    #[serde(default = "defaults::fresh_days")]
    pub fresh_days: u32,
    #[uniffi(default = 365)]
    #[serde(default = "defaults::expire_days")]
    pub expire_days: u32,
}

/// The evidence thresholds' defaults, also for a policy saved before they
/// existed.
mod defaults {
    pub const MIN_REPORTERS: u32 = 3;
    pub const FRESH_DAYS: u32 = 90;
    pub const EXPIRE_DAYS: u32 = 365;
    pub fn min_reporters() -> u32 {
        MIN_REPORTERS
    }
    pub fn fresh_days() -> u32 {
        FRESH_DAYS
    }
    pub fn expire_days() -> u32 {
        EXPIRE_DAYS
    }
}

/// Bounds of a policy's numbers: a policy comes from the app's settings
/// and from backup files, which a person may have edited.
const MAX_MIN_REPORTERS: u32 = 1_000;
const MAX_EXPIRE_DAYS: u32 = 3_650;
const MAX_WANGIRI_CODES: usize = 64;

impl Policy {
    /// Why this policy cannot be kept, if it cannot: at least one person,
    /// fresh within `1..=expire_days` days, expiring within ten years,
    /// and wangiri codes that are foreign calling codes.
    pub(crate) fn check(&self) -> Result<(), String> {
        if !(1..=MAX_MIN_REPORTERS).contains(&self.min_reporters) {
            return Err(format!(
                "min_reporters must be 1 to {MAX_MIN_REPORTERS} (is {})",
                self.min_reporters
            ));
        }
        if !(1..=MAX_EXPIRE_DAYS).contains(&self.expire_days) {
            return Err(format!(
                "expire_days must be 1 to {MAX_EXPIRE_DAYS} (is {})",
                self.expire_days
            ));
        }
        if !(1..=self.expire_days).contains(&self.fresh_days) {
            return Err(format!(
                "fresh_days must be 1 to expire_days, {} (is {})",
                self.expire_days, self.fresh_days
            ));
        }
        if self.wangiri_country_codes.len() > MAX_WANGIRI_CODES {
            return Err(format!(
                "at most {MAX_WANGIRI_CODES} wangiri calling codes (has {})",
                self.wangiri_country_codes.len()
            ));
        }
        for code in &self.wangiri_country_codes {
            let digits = (1..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit());
            if !digits || code.starts_with('0') || code == "84" {
                return Err(format!(
                    "wangiri calling code {code:?} is not a foreign calling code (1 to 3 digits, not 84)"
                ));
            }
        }
        Ok(())
    }
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            unknown: Action::Allow,
            suspicious: Action::Warn,
            nuisance: Action::Warn,
            scam: Action::Warn,
            blocked: Action::Block,
            wangiri_country_codes: WANGIRI_COUNTRY_CODES
                .iter()
                .map(|s| s.to_string())
                .collect(),
            min_reporters: defaults::MIN_REPORTERS,
            fresh_days: defaults::FRESH_DAYS,
            expire_days: defaults::EXPIRE_DAYS,
        }
    }
}

impl Policy {
    pub fn action_for(&self, level: Level) -> Action {
        match level {
            Level::Safe => Action::Allow,
            Level::Unknown => self.unknown,
            Level::Suspicious => self.suspicious,
            Level::Nuisance => self.nuisance,
            Level::Scam => self.scam,
            Level::Blocked => self.blocked,
        }
    }
}

string_enum! {
    /// Why a verdict was given: stable codes for programs and history.
    ReasonCode {
        Emergency = "emergency",
        Hotline = "hotline",
        UserAllowed = "user_allowed",
        Contact = "contact",
        UserBlocked = "user_blocked",
        Reported = "reported",
        ReportedPrefix = "reported_prefix",
        Foreign = "foreign",
        WangiriCountry = "wangiri_country",
        VerificationFailed = "verification_failed",
        PremiumRate = "premium_rate",
        InvalidNumber = "invalid_number",
        Hidden = "hidden",
        /// The reported list could not be read; it is being rebuilt.
        ListUnavailable = "list_unavailable",
        /// An organisation's own number, from a feed allowed to verify.
        VerifiedOrg = "verified_org",
        /// Listed on thin evidence: fewer people than `min_reporters`.
        FewReports = "few_reports",
        /// Listed, but the last report is older than `fresh_days` (or, past
        /// `expire_days`, only shown): the number may have a new owner.
        StaleReport = "stale_report",
        /// One list vouches for an organisation's number, another has
        /// strong reports against it.
        ListsDisagree = "lists_disagree",
        /// 1800: free for the caller; said, not warned of.
        TollFree = "toll_free",
        /// A possible Vietnamese number in a range the published numbering
        /// data does not list yet: said, not warned of.
        UnlistedRange = "unlisted_range",
        /// 069: the police's (and army's) own network.
        SecurityNetwork = "security_network",
        /// Listed as `suspicious`: reported by too few people so far, or
        /// only within a short time, for the list to call it a scam yet.
        ReportedBurst = "reported_burst",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct Reason {
    pub code: ReasonCode,
    pub text: Text,
}

/// What the list says about the number, for "reported 37 times, 2 days ago".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct ReportInfo {
    pub category: Category,
    pub reports: u32,
    /// `2024-02-15`.
    pub last_reported: Option<String>,
    pub days_ago: Option<u32>,
    pub label: Option<String>,
    /// Set when the number matched a prefix rule (E.164 digits).
    pub prefix: Option<String>,
    /// Distinct people who reported it, where the list counts them.
    pub reporters: Option<u32>,
    /// The authority whose notice listed it, and the notice's address;
    /// `None`: community reports.
    pub source: Option<String>,
    pub source_url: Option<String>,
    /// The feed that listed it; `None`: the user's own import.
    #[uniffi(default = None)]
    pub feed: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct Verdict {
    /// `None` for a hidden caller.
    pub number: Option<PhoneNumber>,
    pub level: Level,
    pub action: Action,
    /// A short headline for the level ("Cuộc gọi lừa đảo").
    pub title: Text,
    /// Why, most important first.
    pub reasons: Vec<Reason>,
    /// One true sentence about this kind of scam, when one applies.
    pub advice: Option<Text>,
    pub report: Option<ReportInfo>,
}

impl Verdict {
    pub fn reason_codes(&self) -> Vec<&'static str> {
        self.reasons.iter().map(|r| r.code.as_str()).collect()
    }
}

pub fn level_title(level: Level) -> Text {
    match level {
        Level::Safe => Text::new("Cuộc gọi an toàn", "Safe call"),
        Level::Unknown => Text::new("Số chưa rõ", "Unknown caller"),
        Level::Suspicious => Text::new("Cuộc gọi đáng ngờ", "Suspicious call"),
        Level::Nuisance => Text::new("Cuộc gọi làm phiền", "Nuisance call"),
        Level::Scam => Text::new("Cảnh báo lừa đảo", "Scam warning"),
        Level::Blocked => Text::new("Số bạn đã chặn", "Number you blocked"),
    }
}

/// Classifies one call. `number` is `None` when the caller is hidden.
pub fn classify(
    number: Option<PhoneNumber>,
    facts: &CallFacts,
    lookups: &Lookups,
    policy: &Policy,
    today: i32,
) -> Verdict {
    let number = number.filter(|_| !facts.hidden);
    let mut v = decide(number.as_ref(), facts, lookups, policy, today);
    v.number = number;
    v
}

/// A verdict that rests on one reason, with the policy's action.
fn single(level: Level, policy: &Policy, code: ReasonCode, vi: &str, en: &str) -> Verdict {
    verdict(level, policy.action_for(level), vec![reason(code, vi, en)])
}

/// A verdict without its number, which `classify` moves in at the end.
fn verdict(level: Level, action: Action, reasons: Vec<Reason>) -> Verdict {
    Verdict {
        number: None,
        level,
        action,
        title: level_title(level),
        reasons,
        advice: None,
        report: None,
    }
}

fn decide<'a>(
    number: Option<&PhoneNumber>,
    facts: &CallFacts,
    lookups: &'a Lookups,
    policy: &Policy,
    today: i32,
) -> Verdict {
    let Some(n) = number else {
        return single(
            Level::Unknown,
            policy,
            ReasonCode::Hidden,
            "Người gọi ẩn số",
            "The caller hid their number",
        );
    };
    // Safe is always allowed, whatever the policy (`Policy::action_for`).
    let safe = |code, vi: &str, en: &str| single(Level::Safe, policy, code, vi, en);

    // 1. Emergency and hotlines: whatever any list says.
    if n.kind == NumberKind::Emergency {
        return safe(
            ReasonCode::Emergency,
            &format!("Số khẩn cấp {}: luôn được đổ chuông", n.national),
            &format!("Emergency number {}: always rings", n.national),
        );
    }
    if n.e164.is_none() && HOTLINES.contains(&n.national.as_str()) {
        return safe(
            ReasonCode::Hotline,
            &format!("Tổng đài chính thức {}: luôn được đổ chuông", n.national),
            &format!("Official hotline {}: always rings", n.national),
        );
    }
    // 2. The user's word, then the contacts.
    if lookups.user_list == Some(UserList::Allow) {
        return safe(
            ReasonCode::UserAllowed,
            "Số bạn đã đánh dấu tin cậy",
            "A number you trust",
        );
    }
    if facts.in_contacts {
        return safe(
            ReasonCode::Contact,
            "Số có trong danh bạ",
            "In your contacts",
        );
    }
    // 3. The user's block list.
    if lookups.user_list == Some(UserList::Block) {
        return single(
            Level::Blocked,
            policy,
            ReasonCode::UserBlocked,
            "Số bạn đã chặn",
            "A number you blocked",
        );
    }

    // 3b–5. The lists: each list's entry for the exact number, else each
    // list's entry for the longest prefix rule (an exact entry is more
    // specific than any rule). Without the user's consent a feed's
    // `verified` entry counts for nothing: neither a warning nor a
    // reassurance (the feed's status says how many were ignored).
    let usable = |ls: &'a [Listing]| -> Vec<&'a Listing> {
        ls.iter()
            .filter(|l| l.reported.category != Category::Verified || l.may_verify)
            .collect()
    };
    let exact = usable(&lookups.exact);
    let listings = if exact.is_empty() {
        usable(&lookups.prefix)
    } else {
        exact
    };
    // Several lists: each reason names its list.
    let several = listings.len() > 1;
    let (verified, reports): (Vec<&Listing>, Vec<&Listing>) = listings
        .into_iter()
        .partition(|l| l.reported.category == Category::Verified);
    let mut weighed: Vec<Weighed<'_>> = reports
        .into_iter()
        .map(|l| Weighed::new(l, policy, today, several))
        .collect();
    // The strongest evidence first: it decides the level, and is named first.
    // Ties go to an authority's notice, then to more people.
    weighed.sort_by_key(|w| {
        std::cmp::Reverse((
            w.level,
            w.weight.rank(),
            w.info.source.is_some(),
            w.info.reporters.unwrap_or(w.info.reports),
        ))
    });

    if let Some(org) = verified.first() {
        let org = org.reported.label.as_deref().unwrap_or("?");
        // Scammers spoof exactly these numbers: a failed verification turns
        // "the bank's number" into the warning it deserves.
        if facts.verification == Verification::Failed {
            return single(
                Level::Suspicious,
                policy,
                ReasonCode::VerificationFailed,
                &format!(
                    "Số của {org}, nhưng nhà mạng không xác minh được cuộc gọi: có thể bị giả mạo"
                ),
                &format!(
                    "{org}'s number, but the network could not verify the call: it may be spoofed"
                ),
            );
        }
        let is_org = reason(
            ReasonCode::VerifiedOrg,
            &format!("Số đã xác minh: {org}"),
            &format!("A verified number: {org}"),
        );
        let strong: Vec<&Weighed<'_>> = weighed
            .iter()
            .filter(|w| matches!(w.weight, Weight::Strong))
            .collect();
        if strong.is_empty() {
            return verdict(Level::Safe, Action::Allow, vec![is_org]);
        }
        // One list vouches for the number, another has strong reports
        // against it: neither wins; the person sees both.
        let mut reasons = vec![
            reason(
                ReasonCode::ListsDisagree,
                "Các danh sách không thống nhất về số này",
                "Your lists disagree about this number",
            ),
            is_org,
        ];
        reasons.extend(strong.iter().map(|w| w.reason.clone()));
        let mut v = verdict(
            Level::Suspicious,
            policy.action_for(Level::Suspicious),
            reasons,
        );
        v.report = Some(strong[0].shown());
        return v;
    }

    let mut heuristics = heuristics(n, facts, policy);
    if lookups.list_unavailable {
        // Said, so that "unknown" is not mistaken for "not on the list".
        heuristics.reasons.push(reason(
            ReasonCode::ListUnavailable,
            "Danh sách số bị phản ánh tạm thời không đọc được; đang được khôi phục",
            "The list of reported numbers cannot be read right now; it is being restored",
        ));
    }
    if let Some(decisive) = weighed.first() {
        let level = decisive.level.max(heuristics.level);
        let mut reasons: Vec<Reason> = weighed.iter().map(|w| w.reason.clone()).collect();
        match decisive.weight {
            Weight::Strong => {}
            Weight::Weak(ref why) => reasons.extend(why.iter().cloned()),
            Weight::Expired => reasons.push(stale_reason(&decisive.info, true)),
        }
        reasons.extend(heuristics.reasons.iter().cloned());
        let mut v = verdict(level, policy.action_for(level), reasons);
        // The advice of the first list whose label names a scam, among the
        // entries that still count.
        v.advice = weighed
            .iter()
            .filter(|w| !matches!(w.weight, Weight::Expired))
            .filter_map(|w| w.listing.reported.label.as_deref())
            .find_map(|l| advice_for_call(l, n.kind))
            .or(heuristics.advice);
        v.report = Some(decisive.shown());
        return v;
    }
    // 6–7. Heuristics, else unknown.
    let level = heuristics.level;
    let mut v = verdict(level, policy.action_for(level), heuristics.reasons);
    v.advice = heuristics.advice;
    v
}

/// One list's report about the number, weighed by the policy.
struct Weighed<'a> {
    listing: &'a Listing,
    info: ReportInfo,
    weight: Weight,
    /// The level this entry alone would give.
    level: Level,
    /// What it says, in words ("Cộng đồng: 37 người đã phản ánh…").
    reason: Reason,
}

impl<'a> Weighed<'a> {
    /// What the verdict shows of this entry, its date written out.
    fn shown(&self) -> ReportInfo {
        ReportInfo {
            last_reported: self
                .listing
                .reported
                .last_reported
                .map(crate::dates::format_day),
            ..self.info.clone()
        }
    }

    fn new(listing: &'a Listing, policy: &Policy, today: i32, name_list: bool) -> Self {
        let info = report_info(listing, today);
        let weight = if listing.imported() {
            // The user's own import is the user's word, like the block list.
            Weight::Strong
        } else {
            weigh(&info, policy)
        };
        let full = match listing.reported.category {
            Category::Scam => Level::Scam,
            Category::Nuisance => Level::Nuisance,
            // A burst not yet confirmed: a warning, never "scam".
            Category::Suspicious => Level::Suspicious,
            // Verified entries are taken apart before weighing.
            Category::Verified => Level::Unknown,
        };
        let level = match weight {
            Weight::Strong => full,
            Weight::Weak(_) => full.min(Level::Suspicious),
            Weight::Expired => Level::Unknown,
        };
        let mut reason = reported_reason(&info);
        if name_list {
            // In place: a number several lists name is worded once per list.
            // The single-feed settings' feed is named `default` inside; a
            // person reads what it is.
            let (vi, en) = match listing.feed_name.as_deref() {
                Some(crate::store::DEFAULT_FEED) => ("Danh sách đang theo dõi", "Followed list"),
                Some(name) => (name, name),
                None => ("Danh sách của bạn", "Your list"),
            };
            for (text, name) in [(&mut reason.text.vi, vi), (&mut reason.text.en, en)] {
                text.insert_str(0, ": ");
                text.insert_str(0, name);
            }
        }
        Weighed {
            listing,
            info,
            weight,
            level,
            reason,
        }
    }
}

/// How much a list entry's evidence counts (the policy's thresholds).
enum Weight {
    /// An official source, or enough people recently: the full level.
    Strong,
    /// Listed, but on few reports or old ones: `suspicious`, saying why.
    Weak(Vec<Reason>),
    /// Older than `expire_days`: shown, raises nothing.
    Expired,
}

impl Weight {
    /// Stronger evidence ranks higher (ties of level are broken by it).
    fn rank(&self) -> u8 {
        match self {
            Weight::Strong => 2,
            Weight::Weak(_) => 1,
            Weight::Expired => 0,
        }
    }
}

fn weigh(info: &ReportInfo, policy: &Policy) -> Weight {
    // No date: the list does not say how old it is; only the count speaks.
    let age = info.days_ago.unwrap_or(0);
    if age > policy.expire_days {
        return Weight::Expired;
    }
    if info.source.is_some() {
        return Weight::Strong;
    }
    let people = info.reporters.unwrap_or(info.reports);
    let mut why = Vec::new();
    if people < policy.min_reporters {
        let (vi, en) = match info.reporters {
            Some(1) => (
                "Chỉ 1 người phản ánh".to_string(),
                "Only 1 person reported it".to_string(),
            ),
            Some(n) => (
                format!("Chỉ {n} người phản ánh"),
                format!("Only {n} people reported it"),
            ),
            None if info.reports == 1 => (
                "Chỉ 1 lần phản ánh".to_string(),
                "Reported only once".to_string(),
            ),
            None => (
                format!("Chỉ {} lần phản ánh", info.reports),
                format!("Reported only {} times", info.reports),
            ),
        };
        why.push(reason(ReasonCode::FewReports, &vi, &en));
    }
    if age > policy.fresh_days {
        why.push(stale_reason(info, false));
    }
    if why.is_empty() {
        Weight::Strong
    } else {
        Weight::Weak(why)
    }
}

/// "lần gần nhất 8 tháng trước: số có thể đã đổi chủ".
fn stale_reason(info: &ReportInfo, expired: bool) -> Reason {
    let ago = ago(info.days_ago.unwrap_or(0));
    let (vi, en) = if expired {
        (
            format!(
                "Báo cáo đã quá cũ (lần gần nhất {}): số có thể đã đổi chủ, không tính nữa",
                ago.vi
            ),
            format!(
                "The reports are too old (last {}): the number may have a new owner; not counted",
                ago.en
            ),
        )
    } else {
        (
            format!("Lần gần nhất {}: số có thể đã đổi chủ", ago.vi),
            format!("Last reported {}: the number may have a new owner", ago.en),
        )
    };
    reason(ReasonCode::StaleReport, &vi, &en)
}

struct Heuristics {
    level: Level,
    reasons: Vec<Reason>,
    advice: Option<Text>,
}

fn heuristics(n: &PhoneNumber, facts: &CallFacts, policy: &Policy) -> Heuristics {
    let mut h = Heuristics {
        level: Level::Unknown,
        reasons: Vec::new(),
        advice: None,
    };
    let suspicious = |h: &mut Heuristics, r: Reason| {
        h.level = Level::Suspicious;
        h.reasons.push(r);
    };
    if !n.is_vietnamese() {
        let code = n.e164.as_deref().and_then(|e| {
            policy
                .wangiri_country_codes
                .iter()
                // A calling code is 1–3 digits; anything else (an empty
                // string would match every number) is ignored.
                .filter(|c| (1..=3).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_digit()))
                .find(|c| {
                    e.strip_prefix('+')
                        .is_some_and(|d| d.starts_with(c.as_str()))
                })
        });
        match code {
            Some(code) => {
                suspicious(
                    &mut h,
                    reason(
                        ReasonCode::WangiriCountry,
                        &format!("Số quốc tế +{code} hay dùng để lừa gọi lại (cước rất đắt)"),
                        &format!("+{code} numbers are used to lure costly call-backs"),
                    ),
                );
                h.advice = Some(wangiri_advice());
            }
            None => h.reasons.push(reason(
                ReasonCode::Foreign,
                "Cuộc gọi từ nước ngoài",
                "A call from abroad",
            )),
        }
    }
    if facts.verification == Verification::Failed {
        suspicious(
            &mut h,
            reason(
                ReasonCode::VerificationFailed,
                "Nhà mạng không xác minh được số này (có thể bị giả mạo)",
                "The network could not verify this number (it may be spoofed)",
            ),
        );
    }
    // 1900: still a warning, in words true of a utility's real hotline and
    // of the missed-call lure alike: the danger is calling back (README,
    // "1800 and 1900 callers").
    if n.kind == NumberKind::PremiumRate {
        suspicious(
            &mut h,
            reason(
                ReasonCode::PremiumRate,
                "Số 1900: gọi lại số này bị tính cước cao",
                "A 1900 number: calling it back is charged at a premium rate",
            ),
        );
        h.advice = Some(premium_rate_advice());
    }
    if n.kind == NumberKind::TollFree {
        h.reasons.push(reason(
            ReasonCode::TollFree,
            "Số 1800: tổng đài miễn phí cho người gọi",
            "A 1800 number: a line that is free to call",
        ));
        h.advice.get_or_insert_with(toll_free_advice);
    }
    // 069: neither "does not exist" nor a warning of its own; the list
    // still wins when a publisher names such a number.
    if n.kind == NumberKind::Security {
        h.reasons.push(reason(
            ReasonCode::SecurityNetwork,
            "Đầu số 069: mạng riêng của Bộ Công an, Bộ Quốc phòng (có thể bị giả mạo)",
            "069: the Ministries of Public Security and Defence's own network (it can be spoofed)",
        ));
        h.advice.get_or_insert_with(security_advice);
    } else if n.plan == Plan::Possible {
        // A range the metadata does not list yet: told, not warned of
        // (README, "Possible numbers").
        h.reasons.push(reason(
            ReasonCode::UnlistedRange,
            "Số thuộc dải chưa có trong dữ liệu đánh số đã công bố (có thể là dải mới)",
            "In a range the published numbering data does not list yet (possibly a new one)",
        ));
    }
    if !n.accepted() {
        suspicious(
            &mut h,
            reason(
                ReasonCode::InvalidNumber,
                "Số không tồn tại trong kế hoạch đánh số (có thể bị giả mạo)",
                "Not a real number in the numbering plan (it may be spoofed)",
            ),
        );
    }
    h
}

fn reason(code: ReasonCode, vi: &str, en: &str) -> Reason {
    Reason {
        code,
        text: Text::new(vi, en),
    }
}

fn report_info(listing: &Listing, today: i32) -> ReportInfo {
    let rep = &listing.reported;
    ReportInfo {
        category: rep.category,
        reports: rep.reports,
        // Written out only for the entry the verdict shows (`shown`).
        last_reported: None,
        days_ago: rep.last_reported.map(|d| {
            u32::try_from(i64::from(today) - i64::from(d)).unwrap_or(if d > today {
                0
            } else {
                u32::MAX
            })
        }),
        label: rep.label.clone(),
        prefix: listing.prefix.clone(),
        reporters: rep.reporters,
        source: rep.source.as_ref().map(|s| s.name.clone()),
        source_url: rep.source.as_ref().and_then(|s| s.url.clone()),
        feed: listing.feed_name.clone(),
    }
}

/// "2 ngày trước" / "2 days ago", coarser as it gets older.
pub fn ago(days: u32) -> Text {
    match days {
        0 => Text::new("hôm nay", "today"),
        1 => Text::new("hôm qua", "yesterday"),
        2..=59 => Text::new(format!("{days} ngày trước"), format!("{days} days ago")),
        60..=729 => Text::new(
            format!("{} tháng trước", days / 30),
            format!("{} months ago", days / 30),
        ),
        _ => Text::new(
            format!("{} năm trước", days / 365),
            format!("{} years ago", days / 365),
        ),
    }
}

fn reported_reason(info: &ReportInfo) -> Reason {
    let (what_vi, what_en) = match info.category {
        Category::Scam => ("lừa đảo", "a scam"),
        Category::Nuisance => ("làm phiền", "a nuisance"),
        Category::Verified => ("đã xác minh", "verified"),
        Category::Suspicious => ("đáng ngờ", "suspicious"),
    };
    let times_en = if info.reports == 1 {
        "once".to_string()
    } else {
        format!("{} times", info.reports)
    };
    // Who says so, in the words a person trusts: the authority by name, or
    // how many different people (the list's evidence, format 2).
    let (mut vi, mut en, code) = match (&info.prefix, &info.source, info.reporters) {
        (None, Some(source), _) => (
            format!("{source} cảnh báo: số {what_vi}"),
            format!("{source} warns this number is {what_en}"),
            ReasonCode::Reported,
        ),
        // Evidence the publisher has not confirmed (too few people so far,
        // or a short burst): words true of both, and that it is not a
        // conclusion (the list's own words for its tier).
        (None, None, people) if info.category == Category::Suspicious => {
            let people = people.unwrap_or(info.reports);
            (
                format!("Mới có {people} người phản ánh, chưa đủ để kết luận"),
                format!("Reported by {people} people so far: not enough to conclude"),
                ReasonCode::ReportedBurst,
            )
        }
        (None, None, Some(people)) => {
            let who_en = if people == 1 {
                "1 person".to_string()
            } else {
                format!("{people} people")
            };
            // The report count only when it says more than the people.
            if info.reports > people {
                (
                    format!(
                        "{people} người đã phản ánh {what_vi} ({} lần)",
                        info.reports
                    ),
                    format!("Reported as {what_en} by {who_en} ({times_en})"),
                    ReasonCode::Reported,
                )
            } else {
                (
                    format!("{people} người đã phản ánh {what_vi}"),
                    format!("Reported as {what_en} by {who_en}"),
                    ReasonCode::Reported,
                )
            }
        }
        (None, None, None) => (
            format!("Đã bị phản ánh {what_vi} {} lần", info.reports),
            format!("Reported as {what_en} {times_en}"),
            ReasonCode::Reported,
        ),
        (Some(p), _, _) => (
            format!("Thuộc dải số +{p}… bị phản ánh {what_vi}"),
            format!("In the range +{p}… reported as {what_en}"),
            ReasonCode::ReportedPrefix,
        ),
    };
    if let Some(days) = info.days_ago {
        let ago = ago(days);
        vi.push_str(&format!(", gần nhất {}", ago.vi));
        en.push_str(&format!(", last {}", ago.en));
    }
    if let Some(label) = &info.label {
        vi.push_str(&format!(": {label}"));
        en.push_str(&format!(": {label}"));
    }
    Reason {
        code,
        text: Text::new(vi, en),
    }
}

pub(crate) mod advice;

#[cfg(test)]
use advice::advice_for_label;
use advice::{
    advice_for_call, premium_rate_advice, security_advice, toll_free_advice, wangiri_advice,
};

#[cfg(test)]
mod tests;
