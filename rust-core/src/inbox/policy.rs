//! The publisher's listing policy (`policy.toml`): every threshold the
//! decision rules use, each with its default and its bounds.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

pub const DEFAULT_MIN_REPORTERS: u32 = 3;
pub const DEFAULT_WINDOW_DAYS: u32 = 90;
pub const DEFAULT_EXPIRE_DAYS: u32 = 180;
/// A victim reports the one or two numbers that called them; five a day
/// leaves room for a bad day, and is far below what it takes to poison a
/// list by hand.
pub const DEFAULT_MAX_NUMBERS_PER_SENDER_DAY: u32 = 5;
/// Twenty within `window_days`: a person called by a new scam every few
/// days for three months, not a SIM listing numbers.
pub const DEFAULT_MAX_NUMBERS_PER_SENDER_WINDOW: u32 = 20;
/// Evidence is confirmed (scam or nuisance, not only suspicious) when two
/// different people reported at least this far apart: a day is one more
/// day for an attacker with a few SIMs, and no later for a campaign whose
/// victims keep reporting.
pub const DEFAULT_CONFIRM_HOURS: u32 = 24;
/// … and at least this many people reported it within the period that
/// lists it: three SIMs never brand a number "lừa đảo", however long they
/// wait, and five must also wait a day, within the caps; a real campaign
/// has far more victims than five by then.
pub const DEFAULT_CONFIRM_REPORTERS: u32 = 5;
/// A dispute does not take off, on its own, a number this many people
/// reported within `window_days`: it waits for an operator.
pub const DEFAULT_DISPUTE_OVERRIDE_REPORTERS: u32 = 50;
/// The guard (`guard.rs`). A day of small removals (expiry, disputes)
/// stays well within a tenth; a tenth gone at once is a mistake or an
/// attack until someone says otherwise.
pub const DEFAULT_MAX_DROP_PERCENT: u32 = 10;
/// A campaign adds numbers fast, a flood of forged reporters faster: half
/// again in a day is more than campaigns did on the bench inbox, and far
/// below the thousands three SIMs listed in an hour.
pub const DEFAULT_MAX_GAIN_PERCENT: u32 = 50;
/// What phones say of a listed number (its category or label) changes
/// for a few numbers a day, as people's majority moves; a policy value or
/// a mistake that relabels the list changes most of it at once. A tenth,
/// as for removals: lowering every warning is as harmful as removing it.
pub const DEFAULT_MAX_CHANGED_PERCENT: u32 = 10;
/// Below this a share means little (two numbers of ten are 20%): a new
/// list grows freely until it is worth guarding.
pub const DEFAULT_GUARD_MIN_ENTRIES: u32 = 100;

/// The publisher's listing policy (`policy.toml`); every value may be left
/// out for its default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ListingPolicy {
    /// Distinct reporters a number needs within `window_days`.
    pub min_reporters: u32,
    pub window_days: u32,
    /// A number leaves the list when its last report is older than this.
    pub expire_days: u32,
    /// A sender who reports more distinct numbers than this in a calendar
    /// day counts for none of that day's numbers.
    pub max_numbers_per_sender_day: u32,
    /// … or more than this within `window_days`: for none of that
    /// period's numbers.
    pub max_numbers_per_sender_window: u32,
    /// Community evidence is published as `suspicious` until two
    /// different people reported at least this many hours apart (or an
    /// operator approves it); 0 publishes every listing at once as scam
    /// or nuisance.
    pub confirm_hours: u32,
    /// … and until at least this many people reported it within the
    /// `window_days` period that lists it (a value below `min_reporters`
    /// counts as `min_reporters`).
    pub confirm_reporters: u32,
    /// People within `window_days` above which a dispute waits for an
    /// operator's decision instead of taking the number off the list.
    pub dispute_override_reporters: u32,
    /// A CSV of numbers never listed (header `number`, see
    /// `Protected::from_csv`): read by the caller, which passes the set to
    /// `prepare_publish` (`PublishRequest::protected`).
    pub protected: Option<PathBuf>,
    /// The guard (see `guard.rs`): a publish is refused when its list
    /// loses more than this percentage of the entries of the last publish,
    /// or of the list a day before,
    pub max_drop_percent: u32,
    /// or gains more than this percentage of them,
    pub max_gain_percent: u32,
    /// or says something else (category or label) of more than this
    /// percentage of the last publish's entries (a suspicious listing
    /// confirmed as scam or nuisance is not counted: that is the two
    /// tiers at work),
    pub max_changed_percent: u32,
    /// unless both lists are smaller than this.
    pub guard_min_entries: u32,
}

impl Default for ListingPolicy {
    fn default() -> Self {
        ListingPolicy {
            min_reporters: DEFAULT_MIN_REPORTERS,
            window_days: DEFAULT_WINDOW_DAYS,
            expire_days: DEFAULT_EXPIRE_DAYS,
            max_numbers_per_sender_day: DEFAULT_MAX_NUMBERS_PER_SENDER_DAY,
            max_numbers_per_sender_window: DEFAULT_MAX_NUMBERS_PER_SENDER_WINDOW,
            confirm_hours: DEFAULT_CONFIRM_HOURS,
            confirm_reporters: DEFAULT_CONFIRM_REPORTERS,
            dispute_override_reporters: DEFAULT_DISPUTE_OVERRIDE_REPORTERS,
            protected: None,
            max_drop_percent: DEFAULT_MAX_DROP_PERCENT,
            max_gain_percent: DEFAULT_MAX_GAIN_PERCENT,
            max_changed_percent: DEFAULT_MAX_CHANGED_PERCENT,
            guard_min_entries: DEFAULT_GUARD_MIN_ENTRIES,
        }
    }
}

impl ListingPolicy {
    /// Values that make sense: at least one reporter, periods of one day
    /// to ten years, caps of one number to 10,000, confirmation within 30
    /// days; for the guard, a drop or change share of 1 to 100%, a gain share of 1%
    /// to 100 times the list, a minimum up to the phones' own entry limit.
    pub fn check(&self) -> Result<()> {
        for (name, value, max) in [
            (
                "max_numbers_per_sender_day",
                self.max_numbers_per_sender_day,
                10_000,
            ),
            (
                "max_numbers_per_sender_window",
                self.max_numbers_per_sender_window,
                10_000,
            ),
            ("confirm_reporters", self.confirm_reporters, 1000),
            (
                "dispute_override_reporters",
                self.dispute_override_reporters,
                10_000_000,
            ),
        ] {
            if !(1..=max).contains(&value) {
                return Err(Error::invalid(format!(
                    "{name} must be a whole number from 1 to {max}"
                )));
            }
        }
        if self.confirm_hours > 720 {
            return Err(Error::invalid(
                "confirm_hours must be a whole number of hours from 0 to 720",
            ));
        }
        if !(1..=100_000).contains(&self.min_reporters) {
            return Err(Error::invalid(
                "min_reporters must be a whole number from 1 to 100000",
            ));
        }
        for (name, days) in [
            ("window_days", self.window_days),
            ("expire_days", self.expire_days),
        ] {
            if !(1..=3650).contains(&days) {
                return Err(Error::invalid(format!(
                    "{name} must be a whole number of days from 1 to 3650"
                )));
            }
        }
        for (name, value) in [
            ("max_drop_percent", self.max_drop_percent),
            ("max_changed_percent", self.max_changed_percent),
        ] {
            if !(1..=100).contains(&value) {
                return Err(Error::invalid(format!(
                    "{name} must be a whole number from 1 to 100"
                )));
            }
        }
        if !(1..=10_000).contains(&self.max_gain_percent) {
            return Err(Error::invalid(
                "max_gain_percent must be a whole number from 1 to 10000",
            ));
        }
        if self.guard_min_entries > 80_000_000 {
            return Err(Error::invalid(
                "guard_min_entries must be a whole number from 0 to 80000000",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_has_defaults_and_bounds() {
        let p: ListingPolicy = serde_json::from_str("{}").unwrap();
        assert_eq!(p, ListingPolicy::default());
        assert_eq!(
            (p.min_reporters, p.window_days, p.expire_days),
            (3, 90, 180)
        );
        assert_eq!(
            (
                p.max_numbers_per_sender_day,
                p.max_numbers_per_sender_window,
                p.confirm_hours,
                p.dispute_override_reporters
            ),
            (5, 20, 24, 50)
        );
        assert_eq!(p.confirm_reporters, 5);
        let p: ListingPolicy =
            serde_json::from_str(r#"{"min_reporters": 5, "protected": "protected.csv"}"#).unwrap();
        assert_eq!(p.min_reporters, 5);
        assert_eq!(p.window_days, 90);
        assert_eq!(
            p.protected.as_deref(),
            Some(std::path::Path::new("protected.csv"))
        );
        assert!(serde_json::from_str::<ListingPolicy>(r#"{"min_reporter": 5}"#).is_err());
        p.check().unwrap();
        for bad in [
            ListingPolicy {
                min_reporters: 0,
                ..ListingPolicy::default()
            },
            ListingPolicy {
                window_days: 0,
                ..ListingPolicy::default()
            },
            ListingPolicy {
                expire_days: 100_000,
                ..ListingPolicy::default()
            },
            ListingPolicy {
                max_numbers_per_sender_day: 0,
                ..ListingPolicy::default()
            },
            ListingPolicy {
                max_numbers_per_sender_window: 10_001,
                ..ListingPolicy::default()
            },
            ListingPolicy {
                confirm_hours: 721,
                ..ListingPolicy::default()
            },
            ListingPolicy {
                confirm_reporters: 1001,
                ..ListingPolicy::default()
            },
            ListingPolicy {
                dispute_override_reporters: 0,
                ..ListingPolicy::default()
            },
            ListingPolicy {
                max_drop_percent: 0,
                ..ListingPolicy::default()
            },
            ListingPolicy {
                max_gain_percent: 10_001,
                ..ListingPolicy::default()
            },
            ListingPolicy {
                max_changed_percent: 101,
                ..ListingPolicy::default()
            },
            ListingPolicy {
                guard_min_entries: u32::MAX,
                ..ListingPolicy::default()
            },
        ] {
            assert!(bad.check().is_err(), "{bad:?}");
        }
    }
}
