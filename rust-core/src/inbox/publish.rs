//! A publish as one all-or-nothing step: decide the list, judge it
//! (`guard`), reduce old reports (`retention`), then, only once the caller
//! has written the feed, commit the decisions, the audit log and what the
//! next publish continues from (the feed's version and key, whether a
//! policy file was used, the guard's baseline).
//!
//! Nothing is committed before the feed is written, so a refused or failed
//! publish leaves the database as it was. A crash after the feed is
//! written and before the commit leaves a feed one version ahead of the
//! database: the next publish decides again from the same data and
//! continues after the higher of the two versions, so phones that took the
//! lost version move on from it.

use super::aggregate::{aggregate_in, read_list};
use super::db::PublisherDb;
use super::guard::{self, AGAINST_DAY, AGAINST_FOLDER, AGAINST_LAST, Change, refused};
use super::policy::ListingPolicy;
use super::report::Aggregate;
use super::retention;
use super::sources::Protected;
use crate::dates;
use crate::error::Result;
use crate::feed::codec::{Delta, EntrySet};
use crate::model::Target;
use rusqlite::{OptionalExtension, Transaction, params};
use std::collections::HashSet;

/// The guard's baseline is renewed once it is this old: the list is
/// measured against itself as it was about a day before. Less than 24
/// hours, so that a daily timer (which fires a few seconds early or late)
/// renews it every day rather than every other day.
const BASELINE_SECS: i64 = 20 * 3600;

/// What the operator asked of a publish.
pub struct PublishRequest<'a> {
    pub policy: &'a ListingPolicy,
    pub protected: &'a Protected,
    /// A policy file was named (`--policy`).
    pub with_policy: bool,
    pub as_of: i32,
    /// The id of the feed key that signs this publish (`key_id`).
    pub feed_key: String,
    /// A feed key other than the last publish's is meant (`--new-key`).
    pub new_key: bool,
    /// The change the operator expects and approves (`--accept-change N`).
    pub accept_change: Option<u64>,
    /// Decide every number, not only those whose evidence changed
    /// (`--full-decide`).
    pub full_decide: bool,
    /// The feed already in the output folder, if any: its version and its
    /// list (what phones following that folder have now).
    pub in_folder: Option<(u64, &'a EntrySet)>,
}

/// What the last publish left (`publish_state`).
struct State {
    feed_version: u64,
    feed_key: String,
    with_policy: bool,
    baseline_at: i64,
    reduced_to: i32,
    /// How far the list of publish run `.0` stood from the baseline.
    distance: Option<(i64, Distance)>,
}

/// How far a list stands from the guard's baseline: the baseline's size,
/// its numbers the list left, and the numbers the list joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Distance {
    size: u64,
    left: u64,
    joined: u64,
}

/// A publish decided and judged, not committed: dropped, it writes nothing.
pub struct Pending<'db> {
    tx: Transaction<'db>,
    pub aggregate: Aggregate,
    /// The feed version the last publish wrote: the next is after it even
    /// when the feed folder was lost.
    pub last_version: Option<u64>,
    /// The list measured against the last publish and the day's baseline.
    pub changes: Vec<Change>,
    /// Reports older than `expire_days` reduced by this publish.
    pub reports_reduced: u64,
    renew_baseline: Renew,
    feed_key: String,
    with_policy: bool,
    baseline_at: i64,
    reduced_to: i32,
    /// The new list's distance from the baseline before any renewal.
    distance: Option<Distance>,
}

/// Whether a publish renews the guard's baseline, and with which list.
enum Renew {
    No,
    /// The list this publish makes.
    ToNew,
    /// The list of the publish before it.
    ToPrevious,
}

/// What a committed publish reports.
pub struct Published {
    pub aggregate: Aggregate,
    pub changes: Vec<Change>,
    pub reports_reduced: u64,
}

/// Decides and judges a publish as of `as_of`; see [`Pending::commit`].
pub fn prepare_publish<'db>(
    db: &'db mut PublisherDb,
    req: &PublishRequest,
) -> Result<Pending<'db>> {
    prepare_at(db, req, dates::now_unix())
}

pub(crate) fn prepare_at<'db>(
    db: &'db mut PublisherDb,
    req: &PublishRequest,
    now: i64,
) -> Result<Pending<'db>> {
    req.policy.check()?;
    let tx = db.transaction()?;
    let state = read_state(&tx)?;
    if let Some(s) = &state {
        if s.with_policy && !req.with_policy {
            return Err(refused(
                "the last publish used a policy file and this one names none: its protected numbers and values would silently fall back to none and the defaults; name the policy file with --policy".into(),
            ));
        }
        if s.feed_key != req.feed_key && !req.new_key {
            return Err(refused(format!(
                "the feed key (id {}) is not the last publish's (id {}): phones pin the key and would refuse every update; sign with the same key, or pass --new-key when the phones are being moved to this one",
                req.feed_key, s.feed_key
            )));
        }
    }
    check_as_of(&tx, req.as_of, now)?;
    let aggregate = aggregate_in(
        &tx,
        req.policy,
        req.protected,
        req.as_of,
        now,
        req.full_decide,
    )?;

    let mut changes = Vec::new();
    let published_before: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM publish_run WHERE id < ?1)",
        [aggregate.run],
        |r| r.get(0),
    )?;
    if published_before {
        changes.push(Change {
            against: AGAINST_LAST,
            before: listed_before(&aggregate),
            left: aggregate.removed.len() as u64,
            joined: aggregate.added.len() as u64,
            changed: aggregate.relabelled,
        });
    }
    let distance = match &state {
        Some(s) => {
            let d = against_baseline(&tx, s, &aggregate)?;
            changes.push(Change {
                against: AGAINST_DAY,
                before: d.size,
                left: d.left,
                joined: d.joined,
                changed: 0,
            });
            Some(d)
        }
        None => None,
    };
    // A folder holding a feed this database did not publish last (a second
    // `reports init`, a wrong or old database restored): phones have that
    // feed's list, so the new one is measured against it, not waved
    // through as a first publish.
    if let Some((version, list)) = req.in_folder
        && state.as_ref().map(|s| s.feed_version) != Some(version)
    {
        changes.push(against_folder(&tx, list)?);
    }
    guard::judge(req.policy, &changes, req.accept_change)?;

    let horizon = req.as_of.saturating_sub(req.policy.expire_days as i32);
    let reduced_to = state.as_ref().map_or(0, |s| s.reduced_to);
    let reports_reduced = if horizon > reduced_to {
        retention::reduce(&tx, reduced_to, horizon)?
    } else {
        0
    };
    let renew_baseline = match &state {
        // Nothing before it, or a change the operator named: the new list
        // is where the guard's day starts.
        None => Renew::ToNew,
        Some(_) if req.accept_change.is_some() => Renew::ToNew,
        // A day on: the list as it stood before this publish, not after
        // it. This publish was measured against the old baseline only; were
        // its own list the new one, a publish minutes later could cut
        // another share from it.
        Some(s) if now - s.baseline_at >= BASELINE_SECS => Renew::ToPrevious,
        Some(_) => Renew::No,
    };
    Ok(Pending {
        last_version: state.as_ref().map(|s| s.feed_version),
        baseline_at: match renew_baseline {
            Renew::No => state.as_ref().map_or(now, |s| s.baseline_at),
            Renew::ToNew | Renew::ToPrevious => now,
        },
        tx,
        aggregate,
        changes,
        reports_reduced,
        renew_baseline,
        feed_key: req.feed_key.clone(),
        with_policy: req.with_policy,
        reduced_to: reduced_to.max(horizon),
        distance,
    })
}

impl Pending<'_> {
    /// Commits the publish once the feed folder holds `feed_version`.
    pub fn commit(self, feed_version: u64) -> Result<Published> {
        let tx = self.tx;
        let a = &self.aggregate;
        let (added, removed) = (a.added.len() as u64, a.removed.len() as u64);
        // The baseline renewed from the list as stored (this publish's,
        // written in this transaction), in SQL: a million numbers never
        // cross into the program.
        let renew = |tx: &Transaction| -> Result<()> {
            tx.execute("DELETE FROM guard_baseline", [])?;
            tx.execute(
                "INSERT INTO guard_baseline (number) SELECT number FROM listed",
                [],
            )?;
            Ok(())
        };
        let distance = match self.renew_baseline {
            Renew::No => self.distance,
            Renew::ToNew => {
                renew(&tx)?;
                Some(Distance {
                    size: a.counts.listed,
                    left: 0,
                    joined: 0,
                })
            }
            Renew::ToPrevious => {
                renew(&tx)?;
                let mut drop = tx.prepare("DELETE FROM guard_baseline WHERE number = ?1")?;
                for n in &a.added {
                    drop.execute([n])?;
                }
                let mut put = tx.prepare("INSERT INTO guard_baseline (number) VALUES (?1)")?;
                for (n, _) in &a.removed {
                    put.execute([n])?;
                }
                Some(Distance {
                    size: listed_before(a),
                    left: removed,
                    joined: added,
                })
            }
        };
        tx.execute(
            "UPDATE publish_run SET feed_version = ?2 WHERE id = ?1",
            params![
                self.aggregate.run,
                i64::try_from(feed_version).unwrap_or(i64::MAX)
            ],
        )?;
        tx.execute(
            "INSERT OR REPLACE INTO publish_state
                    (id, feed_version, feed_key, with_policy, baseline_at, reduced_to,
                     baseline_size, baseline_left, baseline_joined, baseline_run)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                i64::try_from(feed_version).unwrap_or(i64::MAX),
                self.feed_key,
                self.with_policy,
                self.baseline_at,
                self.reduced_to,
                distance.map(|d| d.size as i64),
                distance.map(|d| d.left as i64),
                distance.map(|d| d.joined as i64),
                distance.map(|_| a.run),
            ],
        )?;
        tx.commit()?;
        Ok(Published {
            aggregate: self.aggregate,
            changes: self.changes,
            reports_reduced: self.reports_reduced,
        })
    }
}

fn read_state(tx: &Transaction) -> Result<Option<State>> {
    Ok(tx
        .query_row(
            "SELECT feed_version, feed_key, with_policy, baseline_at, reduced_to,
                    baseline_size, baseline_left, baseline_joined, baseline_run
               FROM publish_state WHERE id = 1",
            [],
            |r| {
                let count = |i| -> rusqlite::Result<Option<u64>> {
                    Ok(r.get::<_, Option<i64>>(i)?
                        .and_then(|n| u64::try_from(n).ok()))
                };
                let distance = match (count(5)?, count(6)?, count(7)?, r.get(8)?) {
                    (Some(size), Some(left), Some(joined), Some(run)) => {
                        Some((run, Distance { size, left, joined }))
                    }
                    _ => None,
                };
                Ok(State {
                    feed_version: u64::try_from(r.get::<_, i64>(0)?).unwrap_or(0),
                    feed_key: r.get(1)?,
                    with_policy: r.get(2)?,
                    baseline_at: r.get(3)?,
                    reduced_to: r.get(4)?,
                    distance,
                })
            },
        )
        .optional()?)
}

/// A list decided as of a day without data is empty, not true: the day
/// must lie between the first report or source and today. Nor before the
/// last publish's day: that publish reduced the reports past its
/// retention horizon (words cleared, times moved to midnight), so an
/// earlier day would be decided from evidence that no longer is what it
/// was.
fn check_as_of(tx: &Transaction, as_of: i32, now: i64) -> Result<()> {
    let today = dates::day_of(now);
    // Tomorrow is allowed: the hotline's clock and this one may disagree
    // about midnight by a little (as aggregation allows).
    if as_of > today.saturating_add(1) {
        return Err(refused(format!(
            "--as-of {} is after today ({})",
            dates::format_day(as_of),
            dates::format_day(today)
        )));
    }
    let (report_day, entry_day, added_at): (Option<i32>, Option<i32>, Option<i64>) = tx.query_row(
        "SELECT (SELECT min(day) FROM report), (SELECT min(day) FROM source_entry),
                    (SELECT min(added_at) FROM source)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let first = [report_day, entry_day, added_at.map(dates::day_of)]
        .into_iter()
        .flatten()
        .min();
    match first {
        None => Err(refused(
            "the database holds no report and no source yet: ingest the inbox (reports ingest) before publishing".into(),
        )),
        Some(first) if as_of < first => Err(refused(format!(
            "--as-of {} is before the first report or source ({}): the list would be empty",
            dates::format_day(as_of),
            dates::format_day(first)
        ))),
        Some(_) => {
            let last: Option<i32> =
                tx.query_row("SELECT max(as_of) FROM publish_run", [], |r| r.get(0))?;
            match last {
                Some(last) if as_of < last => Err(refused(format!(
                    "--as-of {} is before the day of the last publish ({}), whose reports past expire_days are already reduced: publish as of {} or later",
                    dates::format_day(as_of),
                    dates::format_day(last),
                    dates::format_day(last)
                ))),
                _ => Ok(()),
            }
        }
    }
}

/// The size of the last publish's list: this one's, less what it added,
/// plus what it removed.
fn listed_before(a: &Aggregate) -> u64 {
    (a.counts.listed + a.removed.len() as u64).saturating_sub(a.added.len() as u64)
}

/// The new list against the guard's baseline: from how far the last
/// publish's list stood, moved by the numbers this one added and removed
/// (each looked up in the baseline); measured whole when that is not
/// known (the first publish after an upgrade, or a list aggregated
/// without being published).
fn against_baseline(tx: &Transaction, s: &State, a: &Aggregate) -> Result<Distance> {
    let last_run: Option<i64> = tx.query_row(
        "SELECT max(id) FROM publish_run WHERE id < ?1",
        [a.run],
        |r| r.get(0),
    )?;
    if let Some((run, mut d)) = s.distance
        && Some(run) == last_run
    {
        let mut in_baseline =
            tx.prepare("SELECT EXISTS (SELECT 1 FROM guard_baseline WHERE number = ?1)")?;
        let mut was = |n: i64| -> Result<bool> { Ok(in_baseline.query_row([n], |r| r.get(0))?) };
        for &n in &a.added {
            if was(n)? {
                d.left = d.left.saturating_sub(1);
            } else {
                d.joined += 1;
            }
        }
        for &(n, _) in &a.removed {
            if was(n)? {
                d.left += 1;
            } else {
                d.joined = d.joined.saturating_sub(1);
            }
        }
        return Ok(d);
    }
    distance_whole(tx)
}

/// The list as stored (in a publish's transaction: its new list) against
/// the baseline, measured whole.
fn distance_whole(tx: &Transaction) -> Result<Distance> {
    let count = |sql: &str| -> Result<u64> {
        Ok(u64::try_from(tx.query_row(sql, [], |r| r.get::<_, i64>(0))?).unwrap_or(0))
    };
    Ok(Distance {
        size: count("SELECT count(*) FROM guard_baseline")?,
        left: count(
            "SELECT count(*) FROM guard_baseline b
              WHERE NOT EXISTS (SELECT 1 FROM listed l WHERE l.number = b.number)",
        )?,
        joined: count(
            "SELECT count(*) FROM listed l
              WHERE NOT EXISTS (SELECT 1 FROM guard_baseline b WHERE b.number = l.number)",
        )?,
    })
}

/// The new list (as stored in this transaction) against the feed already
/// in the output folder: rare (a folder this database did not publish
/// last), so read whole.
fn against_folder(tx: &Transaction, list: &EntrySet) -> Result<Change> {
    let now = read_list(tx)?;
    let number = |t: &Target| match t {
        Target::Number(n) => Some(*n),
        Target::Prefix(_) => None,
    };
    let numbers: HashSet<i64> = now.iter().filter_map(|e| number(&e.target)).collect();
    let changed = now
        .iter()
        .filter(|e| {
            number(&e.target)
                .and_then(|n| list.numbers.get(&n))
                .is_some_and(|was| {
                    guard::relabelled(
                        (was.category.as_str(), was.label.as_deref()),
                        (e.reported.category.as_str(), e.reported.label.as_deref()),
                    )
                })
        })
        .count() as u64;
    Ok(Change {
        against: AGAINST_FOLDER,
        before: list.numbers.len() as u64,
        left: list.numbers.keys().filter(|n| !numbers.contains(n)).count() as u64,
        joined: numbers
            .iter()
            .filter(|n| !list.numbers.contains_key(n))
            .count() as u64,
        changed,
    })
}

impl Pending<'_> {
    /// The list this publish makes, as the feed takes it, and the delta
    /// from the folder's list (`folder`: the version and list of the feed
    /// in the output folder). When the folder holds the list the last
    /// publish made, this publish's decisions are applied to it: the
    /// database's million entries are neither read nor compared.
    /// Otherwise (a first publish, a lost or foreign folder, a crash
    /// between the feed and the commit) the list is read as stored and
    /// compared whole with the folder's.
    pub fn feed_list(&self, folder: Option<(u64, EntrySet)>) -> Result<(EntrySet, Option<Delta>)> {
        match folder {
            Some((v, mut set))
                if Some(v) == self.last_version
                    && set.len() as u64 == listed_before(&self.aggregate) =>
            {
                let delta = self.aggregate.apply_to(v, &mut set);
                Ok((set, Some(delta)))
            }
            folder => {
                let mut set = EntrySet::default();
                // A full decide has the whole list in hand.
                let whole = if self.aggregate.decide.mode == "full" {
                    self.aggregate.entries.clone()
                } else {
                    read_list(&self.tx)?
                };
                for e in whole {
                    set.insert(e.target, e.reported);
                }
                let delta = folder.map(|(v, old)| Delta::between(v, &old, 0, &set));
                Ok((set, delta))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inbox::ingest::ingest_at;

    /// 2026-01-15 12:00 in Hà Nội.
    fn now() -> i64 {
        time::macros::datetime!(2026-01-15 12:00 +7).unix_timestamp()
    }

    /// `who` reports `number`, `days_ago` days before `now()`, at 09:07.
    fn row(days_ago: i32, who: u32, number: &str) -> String {
        said(days_ago, who, &format!("LD {number} goi mao danh cong an"))
    }

    /// The guard tests' numbers: 0912 100 000 onwards.
    fn number(i: u32) -> String {
        format!("0912{:06}", 100_000 + i)
    }

    /// 200 numbers, each reported by three people on the last three days:
    /// listed (as suspicious: three people).
    fn two_hundred_by_three() -> Vec<String> {
        (0..200)
            .flat_map(|i| (0..3).map(move |k| row(1 + k as i32, i * 3 + k, &number(i))))
            .collect()
    }

    /// `who` texts `body`, `days_ago` days before `now()`, at 09:07.
    fn said(days_ago: i32, who: u32, body: &str) -> String {
        let at = i64::from(dates::day_of(now()) - days_ago) * 86_400 - 7 * 3600 + 9 * 3600 + 420;
        format!("{},0901{who:06},156,{body}\n", dates::format_time(at))
    }

    fn db_with(rows: &[String]) -> (tempfile::TempDir, PublisherDb) {
        let dir = tempfile::tempdir().unwrap();
        let mut db =
            PublisherDb::create(&dir.path().join("p.db"), &dir.path().join("r.key")).unwrap();
        let csv = "received_at,sender,to,body\n".to_string() + &rows.concat();
        ingest_at(&mut db, csv.as_bytes(), &Default::default(), now()).unwrap();
        (dir, db)
    }

    fn request<'a>(policy: &'a ListingPolicy, protected: &'a Protected) -> PublishRequest<'a> {
        PublishRequest {
            policy,
            protected,
            with_policy: false,
            as_of: dates::day_of(now()),
            feed_key: "k".into(),
            new_key: false,
            accept_change: None,
            full_decide: false,
            in_folder: None,
        }
    }

    fn count(db: &PublisherDb, sql: &str) -> i64 {
        db.conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    #[test]
    fn the_guard_distance_and_the_feed_list_kept_step_by_step_equal_the_whole() {
        let (_dir, mut db) = db_with(&two_hundred_by_three());
        let policy = ListingPolicy::default();
        let mut protected = Protected::default();
        let mut folder: Option<(u64, EntrySet)> = None;
        let (mut incremental, mut renewed, mut moved) = (0, 0, 0);
        let mut who = 10_000;
        for step in 0..16u32 {
            let at = now() + i64::from(step) * 7 * 3600;
            match step % 4 {
                // A new number reported by three people: joins.
                0 | 1 => {
                    let n = number(500 + step);
                    let rows: Vec<String> = (0..3)
                        .map(|_| {
                            who += 1;
                            row(0, who, &n)
                        })
                        .collect();
                    let csv = "received_at,sender,to,body\n".to_string() + &rows.concat();
                    ingest_at(&mut db, csv.as_bytes(), &Default::default(), at).unwrap();
                }
                // Two numbers protected (they leave), or set free again.
                2 => {
                    protected.insert(&number(step)).unwrap();
                    protected.insert(&number(step + 1)).unwrap();
                }
                _ => {
                    let mut fewer = Protected::default();
                    for n in protected.numbers().skip(1) {
                        fewer.insert(&format!("+{n}")).unwrap();
                    }
                    protected = fewer;
                }
            }
            let pending = prepare_at(&mut db, &request(&policy, &protected), at).unwrap();
            if pending.aggregate.decide.mode == "incremental" {
                incremental += 1;
            }
            if !matches!(pending.renew_baseline, Renew::No) {
                renewed += 1;
            }
            moved += pending.aggregate.added.len() + pending.aggregate.removed.len();
            if step > 0 {
                let kept = pending.distance.unwrap();
                assert_eq!(kept, distance_whole(&pending.tx).unwrap(), "step {step}");
            }
            // The folder's list with the decisions applied is the list as
            // stored, and its delta the one a whole comparison finds.
            let (set, delta) = pending.feed_list(folder.clone()).unwrap();
            let mut whole = EntrySet::default();
            for e in read_list(&pending.tx).unwrap() {
                whole.insert(e.target, e.reported);
            }
            assert_eq!(set, whole, "step {step}");
            if let Some((v, old)) = &folder {
                let d = delta.unwrap();
                assert_eq!(d, Delta::between(*v, old, 0, &whole), "step {step}");
                assert_eq!(d.is_empty(), old == &whole);
            }
            let version = u64::from(step) + 1;
            pending.commit(version).unwrap();
            folder = Some((version, set));
        }
        assert!(incremental >= 6, "{incremental} incremental publishes");
        assert!(renewed >= 4, "{renewed} baselines renewed");
        assert!(moved >= 16, "{moved} numbers added or removed");
    }

    #[test]
    fn a_crash_before_the_commit_leaves_the_database_as_it_was() {
        let rows: Vec<String> = (0..3).map(|w| row(1, w, "0912000001")).collect();
        let (dir, mut db) = db_with(&rows);
        let (policy, protected) = (ListingPolicy::default(), Protected::default());
        let key = crate::feed::generate_key();
        let feed = dir.path().join("feed");
        let build = |p: &Pending, dir: &std::path::Path| {
            crate::feed::publish::build_after(
                dir,
                &p.feed_list(None).unwrap().0,
                &key,
                3,
                now(),
                p.last_version,
            )
            .unwrap()
        };
        // The feed is written, then the process dies before the commit.
        let pending = prepare_at(&mut db, &request(&policy, &protected), now()).unwrap();
        assert_eq!(build(&pending, &feed).version, 1);
        drop(pending);
        for table in ["publish_run", "audit", "listed", "publish_state"] {
            assert_eq!(
                count(&db, &format!("SELECT count(*) FROM {table}")),
                0,
                "{table}"
            );
        }
        // The next publish decides again and continues after the feed.
        let pending = prepare_at(&mut db, &request(&policy, &protected), now()).unwrap();
        let built = build(&pending, &feed);
        assert_eq!((built.version, built.delta.is_some()), (2, true));
        let published = pending.commit(built.version).unwrap();
        assert_eq!(published.aggregate.counts.listed as usize, 1);
        assert_eq!(count(&db, "SELECT feed_version FROM publish_state"), 2);
        // A folder lost after that continues at 3, from the database.
        let pending = prepare_at(&mut db, &request(&policy, &protected), now()).unwrap();
        assert_eq!(build(&pending, &dir.path().join("new")).version, 3);
    }

    #[test]
    fn the_day_baseline_holds_small_cuts_and_is_renewed_after_20_hours() {
        let (_dir, mut db) = db_with(&two_hundred_by_three());
        let policy = ListingPolicy::default();
        let mut protected = Protected::default();
        let hour = 3600;
        let mut publish = |protected: &Protected, at: i64| {
            prepare_at(&mut db, &request(&policy, protected), now() + at)
                .and_then(|p| p.commit(1))
                .map(|p| p.aggregate.counts.listed as usize)
        };
        assert_eq!(publish(&protected, 0).unwrap(), 200);
        // Two cuts of 10 (5%): the second is 10% of the baseline, allowed.
        for (cut, at) in [(0, hour), (1, 2 * hour)] {
            for i in cut * 10..cut * 10 + 10 {
                protected.insert(&number(i)).unwrap();
            }
            publish(&protected, at).unwrap();
        }
        // A third within the day: 15% of the baseline, refused.
        let mut third = Protected::default();
        for i in 0..30 {
            third.insert(&number(i)).unwrap();
        }
        let err = publish(&third, 3 * hour).unwrap_err();
        assert!(err.to_string().contains("the list a day before"), "{err}");
        // 20 hours on, a publish renews the baseline (180 entries): the
        // same cut is now 10 of 180, allowed; one more is not.
        assert_eq!(publish(&protected, 20 * hour).unwrap(), 180);
        assert_eq!(publish(&third, 21 * hour).unwrap(), 170);
        let mut fourth = Protected::default();
        for i in 0..40 {
            fourth.insert(&number(i)).unwrap();
        }
        assert!(publish(&fourth, 22 * hour).is_err());
    }

    #[test]
    fn a_day_before_the_last_publish_is_refused() {
        let rows: Vec<String> = (0..3).map(|w| row(5, w, "0912000001")).collect();
        let (_dir, mut db) = db_with(&rows);
        let (policy, protected) = (ListingPolicy::default(), Protected::default());
        let as_of = |day: i32| PublishRequest {
            as_of: day,
            ..request(&policy, &protected)
        };
        let today = dates::day_of(now());
        // Before any publish, a day inside the data is fine.
        prepare_at(&mut db, &as_of(today - 2), now())
            .unwrap()
            .commit(1)
            .unwrap();
        prepare_at(&mut db, &as_of(today), now())
            .unwrap()
            .commit(2)
            .unwrap();
        let err = prepare_at(&mut db, &as_of(today - 1), now())
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("before the day of the last publish"), "{err}");
        // The same day again, or later, is fine.
        assert!(prepare_at(&mut db, &as_of(today), now()).is_ok());
    }

    #[test]
    fn a_policy_that_lowers_every_listing_is_refused_and_confirmations_pass() {
        // 200 numbers reported by five people over three days (scam), 30
        // by three people in the same minute two days ago (suspicious).
        let mut rows: Vec<String> = (0..200)
            .flat_map(|i| (0..5).map(move |k| row(1 + (k % 3) as i32, i * 5 + k, &number(i))))
            .collect();
        rows.extend(
            (200..230).flat_map(|i| (0..3).map(move |k| row(2, 10_000 + i * 3 + k, &number(i)))),
        );
        let (_dir, mut db) = db_with(&rows);
        let protected = Protected::default();
        let publish = |db: &mut PublisherDb, policy: &ListingPolicy| {
            prepare_at(db, &request(policy, &protected), now())
                .and_then(|p| p.commit(1))
                .map(|p| p.changes)
        };
        publish(&mut db, &ListingPolicy::default()).unwrap();
        // The mistake: confirm_hours = 720 lowers all 200 to suspicious.
        // Nothing leaves or joins; what phones say of them changes.
        let lowered = ListingPolicy {
            confirm_hours: 720,
            ..ListingPolicy::default()
        };
        let err = publish(&mut db, &lowered).unwrap_err().to_string();
        assert!(
            err.contains("change the category or label of 200 of the 230"),
            "{err}"
        );
        assert!(err.contains("--accept-change 200"), "{err}");
        let suspicious = "SELECT count(*) FROM listed WHERE category = 'suspicious'";
        assert_eq!(count(&db, suspicious), 30);
        // A fourth and a fifth person today confirm the 30: 13% of the list
        // moves from suspicious to scam, which is the two tiers at work.
        let today: String = (200..230)
            .flat_map(|i| (0..2).map(move |k| row(0, 20_000 + i * 2 + k, &number(i))))
            .collect();
        let csv = "received_at,sender,to,body\n".to_string() + &today;
        ingest_at(&mut db, csv.as_bytes(), &Default::default(), now()).unwrap();
        let changes = publish(&mut db, &ListingPolicy::default()).unwrap();
        assert_eq!(changes[0].changed, 0, "{changes:?}");
        assert_eq!(count(&db, suspicious), 0);
    }

    #[test]
    fn the_publish_that_renews_the_baseline_cannot_cut_twice() {
        let (_dir, mut db) = db_with(&two_hundred_by_three());
        let policy = ListingPolicy::default();
        let cut = |n: u32| {
            let mut p = Protected::default();
            for i in 0..n {
                p.insert(&number(i)).unwrap();
            }
            p
        };
        let mut publish = |protected: &Protected, at: i64| {
            prepare_at(&mut db, &request(&policy, protected), now() + at)
                .and_then(|p| p.commit(1))
                .map(|p| p.aggregate.counts.listed as usize)
        };
        let hour = 3600;
        assert_eq!(publish(&cut(0), 0).unwrap(), 200);
        // 20 hours on, a tenth goes: allowed against both lists, and it
        // renews the baseline.
        assert_eq!(publish(&cut(20), 20 * hour).unwrap(), 180);
        // The attack: another tenth minutes later. Measured against the
        // renewing publish's own list (180) it would pass; the baseline is
        // the list before it (200), so 38 of 200 are refused.
        let err = publish(&cut(38), 20 * hour + 300).unwrap_err();
        assert!(err.to_string().contains("38 of the 200"), "{err}");
        // A day on, a publish renews the baseline to 180; then the next
        // tenth may go.
        assert_eq!(publish(&cut(20), 40 * hour).unwrap(), 180);
        assert_eq!(publish(&cut(38), 40 * hour + 300).unwrap(), 162);
    }

    #[test]
    fn reports_past_expire_days_keep_only_what_a_decision_needs() {
        let mut rows: Vec<String> = (0..3)
            .map(|w| said(200, w, "LD 0912000001 noi dung cu bi mat"))
            .collect();
        rows.extend((3..6).map(|w| row(2, w, "0912000002")));
        let (dir, mut db) = db_with(&rows);
        let file_has = |db: &PublisherDb, text: &str| {
            db.conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
                .unwrap();
            let bytes = std::fs::read(dir.path().join("p.db")).unwrap();
            bytes.windows(text.len()).any(|w| w == text.as_bytes())
        };
        let (policy, protected) = (ListingPolicy::default(), Protected::default());
        let old = "SELECT count(*) FROM report WHERE number = 84912000001";
        // Before: the words and minutes of 200 days ago are kept.
        assert_eq!(count(&db, &format!("{old} AND content <> ''")), 3);
        assert!(file_has(&db, "noi dung cu bi mat"));
        let pending = prepare_at(&mut db, &request(&policy, &protected), now()).unwrap();
        assert_eq!(pending.reports_reduced, 3);
        pending.commit(1).unwrap();
        assert_eq!(count(&db, &format!("{old} AND content = ''")), 3);
        // Gone from the file too, not only from the rows.
        assert!(!file_has(&db, "noi dung cu bi mat"));
        assert!(file_has(&db, "goi mao danh cong an"));
        assert_eq!(
            count(&db, &format!("{old} AND received_at = day * 86400 - 25200")),
            3
        );
        // Their number, day, reporter and keyword stay; recent ones whole.
        assert_eq!(
            count(
                &db,
                &format!("{old} AND reporter_id > 0 AND keyword = 'LD'")
            ),
            3
        );
        assert_eq!(
            count(
                &db,
                "SELECT count(*) FROM report WHERE content <> '' AND received_at % 86400 <> 61200"
            ),
            3
        );
        // Reduced once: the next publish has nothing more to cut.
        let again = prepare_at(&mut db, &request(&policy, &protected), now()).unwrap();
        assert_eq!(again.reports_reduced, 0);
    }

    #[test]
    fn the_audit_log_never_links_a_reporter_to_a_number() {
        let rows: Vec<String> = (0..3).map(|w| row(1, w, "0912000001")).collect();
        let (_dir, mut db) = db_with(&rows);
        let (policy, protected) = (ListingPolicy::default(), Protected::default());
        prepare_at(&mut db, &request(&policy, &protected), now())
            .unwrap()
            .commit(1)
            .unwrap();
        let ids: Vec<i64> = db
            .conn
            .prepare("SELECT id FROM reporter")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(ids.len(), 3);
        let allowed = [
            "run",
            "as_of",
            "change",
            "number",
            "decision",
            "reason",
            "provenance",
            "category",
            "label",
            "reporters",
            "sources",
            "peak_reporters",
            "reports",
            "scam_reports",
            "nuisance_reports",
            "sms_reports",
            "first_report",
            "last_report",
            "disputed_at",
            "new_reporters",
            "summary",
            "counts",
        ];
        for line in crate::inbox::audit_log(&db, None).unwrap() {
            let v: serde_json::Value = serde_json::from_str(&line).unwrap();
            if v.get("number").is_none() {
                continue; // the run's summary line: counts only
            }
            for key in v.as_object().unwrap().keys() {
                assert!(allowed.contains(&key.as_str()), "{key} in {line}");
            }
            // Counts, never an identity: no reporter's id nor hash.
            assert_eq!(v["reporters"], 3, "{line}");
        }
    }
}
