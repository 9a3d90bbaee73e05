//! The publisher's listing policy (`policy.toml`): every threshold the
//! decision rules use, each with its default and its bounds.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

pub const DEFAULT_MIN_REPORTERS: u32 = 3;
pub const DEFAULT_WINDOW_DAYS: u32 = 90;
pub const DEFAULT_EXPIRE_DAYS: u32 = 180;

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
    /// A CSV of numbers never listed (header `number`, see
    /// [`Protected::from_csv`]): read by the caller, which passes the set
    /// to [`aggregate`].
    pub protected: Option<PathBuf>,
}

impl Default for ListingPolicy {
    fn default() -> Self {
        ListingPolicy {
            min_reporters: DEFAULT_MIN_REPORTERS,
            window_days: DEFAULT_WINDOW_DAYS,
            expire_days: DEFAULT_EXPIRE_DAYS,
            protected: None,
        }
    }
}

impl ListingPolicy {
    /// Values that make sense: at least one reporter, periods of one day
    /// to ten years.
    pub fn check(&self) -> Result<()> {
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
        ] {
            assert!(bad.check().is_err(), "{bad:?}");
        }
    }
}
