//! The guard: a list that changed too much at once is not published.
//!
//! Every phone applies what the publisher signs at its next sync, so a
//! list emptied by a mistake (a policy value, a wrong day, a wrong
//! database) or flooded by an attack reaches all of them at once. A
//! publish is measured against the last publish's list (entries that
//! leave, join, or change what phones are told), against the guard's
//! baseline (`guard_baseline`: the list as it stood before the publish
//! that last renewed it, about a day ago, see `publish.rs`), so that many
//! small cuts cannot drain it either, and, when this database did not
//! publish it, against the feed already in the output folder. Beyond the
//! policy's shares (`policy.rs`) it is refused, unless the operator names
//! the change they expect (`--accept-change N`).
//!
//! Pure functions: `publish.rs` gathers the counts and writes nothing when
//! this refuses.

use super::db::PublisherDb;
use super::policy::ListingPolicy;
use crate::error::{Error, Result};
use serde::Serialize;

/// How the new list differs from a list it is measured against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The list measured against, in words.
    pub against: &'static str,
    /// Its entries.
    pub before: u64,
    /// Its entries the new list no longer has.
    pub left: u64,
    /// The new list's entries it did not have.
    pub joined: u64,
    /// Its entries the new list keeps with another category or label
    /// (measured against the last publish only; 0 for the other lists).
    pub changed: u64,
}

pub const AGAINST_LAST: &str = "the last publish";
pub const AGAINST_DAY: &str = "the list a day before";
pub const AGAINST_FOLDER: &str = "the feed already in the folder";

/// Whether phones are told something else of an entry listed before and
/// now: another category or label (category names as `Category::as_str`).
/// A suspicious listing confirmed as scam or nuisance is the two tiers at
/// work (a campaign's numbers are confirmed within a day), not counted.
pub(super) fn relabelled(was: (&str, Option<&str>), now: (&str, Option<&str>)) -> bool {
    let suspicious = crate::model::Category::Suspicious.as_str();
    let confirmed = was.0 == suspicious && now.0 != suspicious;
    !confirmed && was != now
}

impl Change {
    pub fn after(&self) -> u64 {
        self.before - self.left.min(self.before) + self.joined
    }

    /// The entries that leave, join or change: what `--accept-change`
    /// names.
    pub fn size(&self) -> u64 {
        self.left + self.joined + self.changed
    }

    /// Why this change is too large, in words; `None` when it is not.
    fn too_large(&self, p: &ListingPolicy) -> Option<String> {
        let min = u64::from(p.guard_min_entries);
        if self.before < min && self.after() < min {
            return None;
        }
        // One rule for the three limits: the count, its share of `before`
        // against the policy's percent, said in words.
        let over = |n: u64, limit: u32, name: &str, what: String| {
            (n.saturating_mul(100) > self.before * u64::from(limit)).then(|| {
                format!(
                    "it would {what} {} ({}%, more than {name} = {limit}%)",
                    self.against,
                    n.saturating_mul(100) / self.before.max(1)
                )
            })
        };
        over(
            self.left,
            p.max_drop_percent,
            "max_drop_percent",
            format!("lose {} of the {} entries of", self.left, self.before),
        )
        .or_else(|| {
            over(
                self.joined,
                p.max_gain_percent,
                "max_gain_percent",
                format!("gain {} entries on the {} of", self.joined, self.before),
            )
        })
        .or_else(|| {
            over(
                self.changed,
                p.max_changed_percent,
                "max_changed_percent",
                format!(
                    "change the category or label of {} of the {} entries of",
                    self.changed, self.before
                ),
            )
        })
    }
}

/// How far `--accept-change N` may be from the real change: 5% of N, at
/// least 5 entries. The same data gives the same change, so a rerun right
/// after a refusal matches exactly; the slack covers a report or two
/// ingested in between, never a different change.
pub fn tolerance(n: u64) -> u64 {
    (n / 20).max(5)
}

/// Whether a publish with these changes may go out. `changes` holds one
/// comparison per list there is to measure against: none for a first
/// publish into an empty folder.
pub(super) fn judge(policy: &ListingPolicy, changes: &[Change], accept: Option<u64>) -> Result<()> {
    let largest = changes.iter().map(Change::size).max().unwrap_or(0);
    if let Some(n) = accept {
        if largest.abs_diff(n) > tolerance(n) {
            return Err(refused(format!(
                "--accept-change {n} does not match this publish, which would change {largest} entries ({}); check the list before accepting it",
                describe(changes)
            )));
        }
        return Ok(());
    }
    let why: Vec<String> = changes.iter().filter_map(|c| c.too_large(policy)).collect();
    if why.is_empty() {
        return Ok(());
    }
    // Said in full: until someone acts, every publish is refused the same
    // way (safety first: phones keep a list that was right), so the
    // operator must know both ways out.
    Err(refused(format!(
        "{}. Until this is resolved every publish is refused and phones keep the last feed. If the change is meant (a campaign you have looked at, a policy value you changed), publish it knowingly with --accept-change {largest}; if it is not (a wrong --db, --policy or --as-of, a flood of forged reports), fix that and publish again",
        why.join("; and ")
    )))
}

/// The counts of each comparison, in words.
fn describe(changes: &[Change]) -> String {
    changes
        .iter()
        .map(|c| {
            format!(
                "against {}: {} left, {} joined, {} changed, of {}",
                c.against, c.left, c.joined, c.changed, c.before
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// How every refusal's words start.
const REFUSED: &str = "publish refused, nothing written (the last feed stays in place): ";

/// A refused publish, said in words (the caller logs it); nothing is
/// written.
pub(super) fn refused(why: String) -> Error {
    Error::InvalidInput(format!("{REFUSED}{why}"))
}

/// Keeps a refused publish's time and words for the desk's overview, when
/// `error` is a refusal (other failures are not the guard's); returns
/// whether it was one.
pub fn note_refusal(db: &mut PublisherDb, error: &Error) -> Result<bool> {
    let Error::InvalidInput(text) = error else {
        return Ok(false);
    };
    let Some(why) = text.strip_prefix(REFUSED) else {
        return Ok(false);
    };
    db.conn.execute(
        "INSERT INTO publish_refusal (at, why) VALUES (?1, ?2)",
        rusqlite::params![crate::dates::now_unix(), why],
    )?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(before: u64, left: u64, joined: u64) -> Change {
        Change {
            against: AGAINST_LAST,
            before,
            left,
            joined,
            changed: 0,
        }
    }

    #[test]
    fn the_shares_and_the_minimum_decide() {
        let p = ListingPolicy::default();
        let ok = |c: Change| judge(&p, &[c], None).is_ok();
        // At the limits: allowed; one more: refused.
        assert!(ok(change(1000, 100, 0)));
        assert!(!ok(change(1000, 101, 0)));
        assert!(ok(change(1000, 0, 500)));
        let err = judge(&p, &[change(1000, 0, 501)], None).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("gain 501 entries on the 1000"), "{text}");
        assert!(text.contains("every publish is refused"), "{text}");
        assert!(text.contains("--accept-change 501"), "{text}");
        // An emptied list is refused whatever the other comparisons say.
        let err = judge(&p, &[change(1000, 0, 0), change(1000, 1000, 0)], None).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("lose 1000 of the 1000"), "{text}");
        assert!(text.contains("--accept-change 1000"), "{text}");
        // Small lists move freely; from small to large does not.
        assert!(ok(change(99, 99, 0)));
        assert!(ok(change(10, 0, 89)));
        assert!(!ok(change(10, 0, 90)));
        assert!(!ok(change(0, 0, 100)));
        // Entries that stay but say something else: a tenth at most.
        let relabelled = |n| Change {
            changed: n,
            ..change(1000, 0, 0)
        };
        assert!(ok(relabelled(100)));
        let err = judge(&p, &[relabelled(101)], None).unwrap_err();
        assert!(err.to_string().contains("max_changed_percent"), "{err}");
        assert!(err.to_string().contains("--accept-change 101"), "{err}");
        assert!(judge(&p, &[relabelled(1000)], Some(1000)).is_ok());
    }

    #[test]
    fn an_accepted_change_must_be_the_one_named() {
        let p = ListingPolicy::default();
        let gone = [change(1000, 600, 0)];
        assert!(judge(&p, &gone, None).is_err());
        assert!(judge(&p, &gone, Some(600)).is_ok());
        // Within 5% of the number named: 630 is 30 (≤ 31) away, 575 25 (≤ 28).
        assert!(judge(&p, &gone, Some(630)).is_ok());
        assert!(judge(&p, &gone, Some(575)).is_ok());
        let err = judge(&p, &gone, Some(100)).unwrap_err();
        assert!(err.to_string().contains("does not match"), "{err}");
        assert!(judge(&p, &gone, Some(660)).is_err());
        assert!(judge(&p, &gone, Some(560)).is_err());
        assert_eq!(tolerance(0), 5);
        assert_eq!(tolerance(1000), 50);
    }
}
