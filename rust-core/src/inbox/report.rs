//! What a publish decided, as the operator reads it: the list's entries
//! with their evidence, why the others are not listed, and the counts of
//! the publish report.

use super::audit::AuditCounts;
pub use super::incremental::DecideMode;
use super::review::{HeldNumber, Hold};
use crate::feed::codec::{Delta, EntrySet};
use crate::model::{Reported, Target};
use serde::Serialize;
use std::collections::BTreeMap;

/// Labels named in the publish report.
pub const TOP_LABELS: usize = 10;

/// Where a listed number's warning comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Provenance {
    /// Reports to the hotline (and sources that are not official).
    Community,
    /// An official source's notice.
    Source { name: String, url: Option<String> },
}

/// What a person needs to trust a warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// Distinct people who reported the number within `expire_days`.
    pub reporters: u32,
    /// The last report's (or notice's) day, days since 1970-01-01.
    pub last_day: i32,
    pub provenance: Provenance,
}

/// One number on the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedEntry {
    pub target: Target,
    pub reported: Reported,
    pub evidence: Evidence,
}

/// Why a number is not on the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotListed {
    /// An emergency number, a hotline, a protected or verified number.
    Protected,
    /// A number without an international form (a short code).
    ShortNumber,
    /// Reported by `S` (spam SMS) only.
    SmsOnly,
    /// No report within `expire_days`.
    Expired,
    /// Fewer than `min_reporters` distinct reporters within `window_days`.
    BelowThreshold,
    /// Disputed, and fewer than `min_reporters` new reporters since.
    Disputed,
    /// Held for review: a fixed line or an 1800/1900 number, not listed on
    /// community reports alone until an operator approves it.
    Held,
    /// Rejected by an operator, and fewer than `min_reporters` new
    /// reporters since.
    Rejected,
}

impl NotListed {
    pub fn as_str(self) -> &'static str {
        match self {
            NotListed::Protected => "protected",
            NotListed::ShortNumber => "short_number",
            NotListed::SmsOnly => "sms_only",
            NotListed::Expired => "expired",
            NotListed::BelowThreshold => "below_threshold",
            NotListed::Disputed => "disputed",
            NotListed::Held => "held",
            NotListed::Rejected => "rejected",
        }
    }
}

/// A label and how many listed numbers carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LabelCount {
    pub label: String,
    pub numbers: u64,
}

/// The counts of a publish report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PublishCounts {
    /// Numbers decided: reported within `expire_days`, named by a source,
    /// or listed by the previous aggregation.
    pub numbers: u64,
    pub listed: u64,
    /// Of `listed`, those an official source listed.
    pub listed_by_source: u64,
    /// Of `listed`, organisation numbers an official source verified.
    pub verified: u64,
    /// Listed now and not by the previous aggregation.
    pub added: u64,
    /// Listed by the previous aggregation and not now.
    pub removed: u64,
    /// Of `removed`, by why (the desk's overview shows it).
    pub removed_by_reason: BTreeMap<NotListed, u64>,
    /// Listed by both, with another category or label.
    pub changed: u64,
    pub not_listed: BTreeMap<NotListed, u64>,
    /// Emergency numbers, hotlines and protected numbers reported within
    /// `expire_days`, and their reports.
    pub protected_numbers: u64,
    pub protected_reports: u64,
    /// LD and V reports within `expire_days`.
    pub call_reports: u64,
    /// S reports within `expire_days` (numbers and brand names).
    pub sms_reports: u64,
    /// Senders over a cap (`max_numbers_per_sender_day`, `…_window`):
    /// they count for none of the numbers they reported there. Never who.
    pub capped_senders: u64,
    /// Numbers that lost a reporter to the caps, and numbers the caps
    /// kept off the list (listed had the capped senders counted).
    pub numbers_capped_reporters: u64,
    pub numbers_kept_off_by_caps: u64,
    /// Of `listed`, community listings published as `suspicious`: fewer
    /// than `confirm_reporters` people, or within less than `confirm_hours`.
    pub lowered_burst: u64,
    /// Numbers with enough evidence to be listed that are held for review,
    /// by why (protected and verified numbers are counted, never listed
    /// from reports).
    pub held_by_reason: BTreeMap<Hold, u64>,
    /// Stored labels of source entries the curated-text rule refuses now
    /// (left out of their entries), and sources whose name it refuses
    /// (not read): stored before the rule, or by an older binary.
    pub curated_labels_dropped: u64,
    pub curated_sources_skipped: u64,
    /// Numbers in the review queue after this publish.
    pub held_for_review: u64,
    /// Disputes waiting for an operator, their numbers still listed.
    pub disputes_waiting: u64,
    /// The labels most listed numbers carry, most first.
    pub top_labels: Vec<LabelCount>,
    /// Lines rejected by the ingests since the previous aggregation, by
    /// reason code.
    pub rejected_input: BTreeMap<String, u64>,
    /// What this aggregation wrote into the audit log.
    pub audit: AuditCounts,
}

/// One aggregation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aggregate {
    /// Its number in the audit log.
    pub run: i64,
    pub as_of: i32,
    /// The entries this publish decided and listed, by number: the whole
    /// list when every number was decided (`decide`), otherwise those of
    /// the numbers decided again; the others are as the last publish
    /// listed them (`listed` in the database).
    pub entries: Vec<ListedEntry>,
    /// Entries listed before and now that phones are told something else
    /// of, a suspicious listing confirmed as scam or nuisance not counted.
    pub relabelled: u64,
    /// Numbers listed now and not by the previous aggregation.
    pub added: Vec<i64>,
    /// Numbers listed by the previous aggregation and not now, and why.
    pub removed: Vec<(i64, NotListed)>,
    /// The review queue after this publish, oldest first.
    pub held: Vec<HeldNumber>,
    /// Disputes waiting for an operator: id, number, people within
    /// `window_days`.
    pub disputes_waiting: Vec<(i64, i64, u32)>,
    pub counts: PublishCounts,
    /// Whether every number was decided, or only those whose evidence
    /// changed since the last publish.
    pub decide: DecideMode,
}

impl Aggregate {
    /// Applies this publish's decisions to `set`, the list the last
    /// publish left, and says what changed in it: the delta from version
    /// `from`. Only the entries that differ are in it, so an incremental
    /// publish walks its few numbers, a full one the whole list once.
    pub fn apply_to(&self, from: u64, set: &mut EntrySet) -> Delta {
        let mut d = Delta {
            from,
            ..Delta::default()
        };
        for (n, _) in &self.removed {
            if set.numbers.remove(n).is_some() {
                d.removed_numbers.push(*n);
            }
        }
        for e in &self.entries {
            let Target::Number(n) = e.target else {
                continue;
            };
            if set.numbers.get(&n) != Some(&e.reported) {
                set.numbers.insert(n, e.reported.clone());
                d.upserts.numbers.insert(n, e.reported.clone());
            }
        }
        d.removed_numbers.sort_unstable();
        d
    }
}
