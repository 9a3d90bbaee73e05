//! The ladder: ladder deltas that take a phone from any version of the last
//! month to the newest in at most three files, each carrying only what
//! changed (FORMAT.md, *The ladder*).
//!
//! A ladder delta from `c` to `t` holds every entry touched by a version
//! after `c` up to `t`, with its value at `t` (or its removal), so it
//! applies to any version from `c` up to `t`: a phone needs a rung at or
//! below its version, not one at exactly its version. Rungs are spaced
//! geometrically by age, so that the nearest rung at or below a phone's
//! version is at most about twice as old as the phone's version: at most
//! about twice the entries that really changed.
//!
//! Three levels, each written when its target is the newest version:
//! - every publish: into the newest version from the versions 5, 10, 20,
//!   40, 80 and 160 minutes old, from the hour's checkpoint and from the
//!   day's;
//! - the first publish of an hour (the hour's checkpoint): into it from
//!   the versions 1, 2, 4, … 64 hours old and from the day's checkpoint;
//! - the first publish of a day (Vietnam's calendar day): into it from
//!   the versions 1, 2, 4, … 32 days old.
//!
//! A phone within the last hour climbs one rung; within the last day or
//! two, a rung into the hour's checkpoint and one from it; within a month,
//! into the day's checkpoint, then the hour's, then the newest.
//!
//! What each version changed is kept in a private log beside the files
//! (`.ladder-log.jsonl`, a line a version, 40 days): a ladder delta is the
//! union of the log's lines after its rung. A missing or broken log, or
//! one that does not end at the folder's version, starts again empty: the
//! ladder then reaches back only to where it starts, and older phones take
//! the snapshot, as before the ladder.

use super::DeltaRef;
use super::codec::{self, CodecError, Delta, EntrySet, Limits, Sink};
use crate::dates;
use crate::error::{Error, Result};
use crate::model::{Reported, Target};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

/// The log of what each version changed, a JSON line each.
pub const LOG_FILE: &str = ".ladder-log.jsonl";
/// How long the log keeps a version: more than the oldest rung (32 days,
/// counted from a day's checkpoint) needs.
const LOG_KEEP_SECS: i64 = 40 * 86_400;
/// Rungs into the newest version, by age: up to a little over two hours,
/// so that a phone that synced within the last hour always finds one
/// within twice its age.
const MINUTE_RUNGS: [i64; 6] = [300, 600, 1200, 2400, 4800, 9600];
/// Rungs into an hour's checkpoint: up to 64 hours, twice the longest
/// stretch a phone can have between a day's checkpoint and the hour's.
const HOUR_RUNGS: [i64; 7] = [3600, 7200, 14_400, 28_800, 57_600, 115_200, 230_400];
/// Rungs into a day's checkpoint: up to 32 days.
const DAY_RUNGS: [i64; 6] = [86_400, 172_800, 345_600, 691_200, 1_382_400, 2_764_800];

/// One version in the log: when it was published and what it changed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct Line {
    v: u64,
    t: i64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    n: Vec<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    p: Vec<String>,
}

/// The log, oldest first.
#[derive(Debug, Default)]
pub struct Log {
    lines: Vec<Line>,
}

impl Log {
    /// The log in `dir`, if it ends at `version` (the folder's version)
    /// with every version before it in a row (a ladder delta is only as
    /// right as the lines it unites); otherwise an empty one, said in the
    /// log.
    pub fn read(dir: &Path, version: Option<u64>) -> Log {
        let Some(version) = version else {
            return Log::default();
        };
        let text = match std::fs::read_to_string(dir.join(LOG_FILE)) {
            Ok(text) => text,
            Err(_) => return Log::default(),
        };
        let lines: std::result::Result<Vec<Line>, _> = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(serde_json::from_str)
            .collect();
        match lines {
            Ok(lines)
                if lines.last().map(|l| l.v) == Some(version)
                    && lines
                        .windows(2)
                        .all(|w| w[0].v.checked_add(1) == Some(w[1].v)) =>
            {
                Log { lines }
            }
            _ => {
                tracing::warn!(
                    version,
                    "the ladder's log does not end at the feed's version; the ladder starts again from this version"
                );
                Log::default()
            }
        }
    }

    /// Records version `v`, published at `t`, which changed what `delta`
    /// says (nothing for a first version).
    pub fn push(&mut self, v: u64, t: i64, delta: Option<&Delta>) {
        let mut line = Line {
            v,
            t,
            n: Vec::new(),
            p: Vec::new(),
        };
        if let Some(d) = delta {
            line.n = d.upserts.numbers.keys().copied().collect();
            line.n.extend(&d.removed_numbers);
            line.p = d.upserts.prefixes.keys().cloned().collect();
            line.p.extend(d.removed_prefixes.iter().cloned());
        }
        self.lines.push(line);
    }

    /// Writes the log, without the versions older than it keeps (by
    /// rename, as every file of the folder).
    pub fn write(&mut self, dir: &Path) -> Result<()> {
        let newest = self.lines.last().map_or(0, |l| l.t);
        let keep_from = self
            .lines
            .iter()
            .position(|l| l.t >= newest.saturating_sub(LOG_KEEP_SECS))
            .unwrap_or(0);
        self.lines.drain(..keep_from);
        let tmp = dir.join(format!("{LOG_FILE}.tmp"));
        let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        for l in &self.lines {
            serde_json::to_writer(&mut out, l).map_err(|e| Error::Feed(e.to_string()))?;
            out.write_all(b"\n")?;
        }
        out.into_inner()
            .map_err(|e| Error::Feed(e.to_string()))?
            .sync_all()?;
        std::fs::rename(&tmp, dir.join(LOG_FILE))?;
        Ok(())
    }

    /// The newest version published at or before `t`, if the log has one.
    fn at_or_before(&self, t: i64) -> Option<&Line> {
        self.lines.iter().rev().find(|l| l.t <= t)
    }

    /// The checkpoint of the newest version's period (an hour, a day): the
    /// first version the log has in the same period as the newest.
    fn checkpoint(&self, period: impl Fn(i64) -> i64) -> Option<&Line> {
        let newest = period(self.lines.last()?.t);
        self.lines
            .iter()
            .rev()
            .take_while(|l| period(l.t) == newest)
            .last()
    }

    /// Entries touched after version `from` up to the newest.
    fn touched_since(&self, from: u64) -> (BTreeSet<i64>, BTreeSet<String>) {
        let (mut n, mut p) = (BTreeSet::new(), BTreeSet::new());
        for l in self.lines.iter().rev().take_while(|l| l.v > from) {
            n.extend(&l.n);
            p.extend(l.p.iter().cloned());
        }
        (n, p)
    }
}

fn hour(t: i64) -> i64 {
    t.div_euclid(3600)
}

fn day(t: i64) -> i64 {
    i64::from(dates::day_of(t))
}

/// A ladder delta to write: its file name and bytes, and its manifest entry.
pub struct Rung {
    pub delta: DeltaRef,
    pub bytes: Vec<u8>,
}

/// The ladder of the newest version (the log's last line, whose list is
/// `set`): the rungs this publish writes, and those of the previous
/// manifest (`kept`) that still lead to a checkpoint. `skip_from`: the
/// version whose plain delta into the newest is already published (its
/// ladder delta would be the same bytes again).
pub fn ladder(
    log: &Log,
    set: &EntrySet,
    kept: &[DeltaRef],
    skip_from: Option<u64>,
) -> Result<(Vec<Rung>, Vec<DeltaRef>)> {
    let Some(newest) = log.lines.last() else {
        return Ok((Vec::new(), Vec::new()));
    };
    let hour_cp = log.checkpoint(hour).map_or(newest.v, |l| l.v);
    let day_cp = log.checkpoint(day).map_or(newest.v, |l| l.v);
    // A rung older than the log reaches back to the log's first version:
    // the phones between it and the next rung still climb.
    let rungs_by_age = |ages: &[i64]| -> Vec<u64> {
        ages.iter()
            .filter_map(|a| {
                log.at_or_before(newest.t.saturating_sub(*a))
                    .or(log.lines.first())
            })
            .map(|l| l.v)
            .collect()
    };
    let mut from: BTreeSet<u64> = rungs_by_age(&MINUTE_RUNGS).into_iter().collect();
    from.extend([hour_cp, day_cp]);
    if hour_cp == newest.v {
        from.extend(rungs_by_age(&HOUR_RUNGS));
    }
    if day_cp == newest.v {
        from.extend(rungs_by_age(&DAY_RUNGS));
    }
    from.retain(|&f| f < newest.v && Some(f) != skip_from);
    let mut rungs = Vec::with_capacity(from.len());
    for f in from {
        rungs.push(rung(log, set, f, newest.v)?);
    }
    // The rungs into the checkpoints, written when each was the newest,
    // stay until the next checkpoint of their kind replaces them.
    let kept = kept
        .iter()
        .filter(|d| d.to < newest.v && (d.to == hour_cp || d.to == day_cp))
        .cloned()
        .collect();
    Ok((rungs, kept))
}

/// The ladder delta from version `from` to `to` (the newest, whose list is
/// `set`), read back before it is used.
fn rung(log: &Log, set: &EntrySet, from: u64, to: u64) -> Result<Rung> {
    let (numbers, prefixes) = log.touched_since(from);
    let mut d = Delta {
        from,
        to,
        ..Default::default()
    };
    for n in numbers {
        match set.numbers.get(&n) {
            Some(r) => {
                d.upserts.numbers.insert(n, r.clone());
            }
            None => d.removed_numbers.push(n),
        }
    }
    for p in prefixes {
        match set.prefixes.get(&p) {
            Some(r) => {
                d.upserts.prefixes.insert(p, r.clone());
            }
            None => d.removed_prefixes.push(p),
        }
    }
    let bytes = codec::encode_ladder(&d);
    reads_back(&bytes, &d, true)?;
    let name = format!("ladder-{from}-{to}.bin");
    Ok(Rung {
        delta: DeltaRef {
            from,
            to,
            file: super::publish::file_ref(name, &bytes),
        },
        bytes,
    })
}

/// Checks that a delta or ladder delta file reads back, with the phones'
/// own limits, as exactly `d`: a file they would refuse or misread is never
/// published.
pub fn reads_back(bytes: &[u8], d: &Delta, ladder: bool) -> Result<()> {
    let mut back = Collect::default();
    let raw = codec::decompress(bytes, codec::MAX_EXPANDED_BYTES)?;
    let step = codec::read_step(&raw, &mut back, &Limits::now())?;
    if step.ladder != ladder
        || (step.from, step.to) != (d.from, d.to)
        || back.upserts != d.upserts
        || back.numbers != d.removed_numbers
        || back.prefixes != d.removed_prefixes
    {
        return Err(Error::Feed(format!(
            "the {} {}→{} does not read back as written; nothing published",
            if ladder { "ladder delta" } else { "delta" },
            d.from,
            d.to
        )));
    }
    Ok(())
}

/// Whether the log's newest version is the day's checkpoint (the first of
/// its day), or the log starts with it.
pub fn is_day_checkpoint(log: &Log) -> bool {
    log.lines
        .last()
        .is_some_and(|newest| log.checkpoint(day).is_some_and(|c| c.v == newest.v))
}

/// A decoded delta, to compare with what was meant.
#[derive(Default)]
struct Collect {
    upserts: EntrySet,
    numbers: Vec<i64>,
    prefixes: Vec<String>,
}

impl Sink for Collect {
    type Error = CodecError;
    fn upsert(&mut self, target: Target, rep: Reported) -> std::result::Result<(), CodecError> {
        self.upserts.insert(target, rep);
        Ok(())
    }
    fn remove(&mut self, target: Target) -> std::result::Result<(), CodecError> {
        match target {
            Target::Number(n) => self.numbers.push(n),
            Target::Prefix(p) => self.prefixes.push(p),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Category;

    fn rep(reports: u32) -> Reported {
        Reported {
            category: Category::Scam,
            reports,
            last_reported: None,
            label: None,
            reporters: None,
            source: None,
        }
    }

    /// Versions 1..=n, one every `step` seconds from `t0`, version v
    /// changing number 84_900_000_000 + v (and removing the one before
    /// every third version); returns each version's list and the log.
    fn history(n: u64, t0: i64, step: i64) -> (Vec<EntrySet>, Log) {
        let mut sets = vec![EntrySet::default()];
        let mut log = Log::default();
        for v in 1..=n {
            let mut set = sets.last().unwrap().clone();
            set.insert(Target::Number(84_900_000_000 + v as i64), rep(1));
            if v % 3 == 0 {
                set.numbers.remove(&(84_900_000_000 + v as i64 - 1));
            }
            let d = Delta::between(v - 1, sets.last().unwrap(), v, &set);
            log.push(v, t0 + step * v as i64, (v > 1).then_some(&d));
            sets.push(set);
        }
        (sets, log)
    }

    #[test]
    fn a_ladder_delta_applied_to_any_version_it_spans_gives_the_newest() {
        let (sets, log) = history(40, 1_760_000_000, 300);
        let newest = &sets[40];
        let (rungs, _) = ladder(&log, newest, &[], None).unwrap();
        // 5, 10, 20, 40, 80, 160 minutes back: versions 39, 38, 36, 32, 24,
        // 8; and the hour's and the day's checkpoints.
        let froms: Vec<u64> = rungs.iter().map(|r| r.delta.from).collect();
        for f in [39, 38, 36, 32, 24, 8] {
            assert!(froms.contains(&f), "{froms:?}");
        }
        for r in &rungs {
            for v in r.delta.from..40 {
                let mut list = sets[v as usize].clone();
                let raw = codec::decompress(&r.bytes, 1 << 20).unwrap();
                let step = codec::read_step(&raw, &mut list, &Limits::now()).unwrap();
                assert!(step.ladder);
                assert_eq!(&list, newest, "{}→40 applied to {v}", r.delta.from);
            }
        }
        // Skipping the version the plain delta serves.
        let (rungs, _) = ladder(&log, newest, &[], Some(39)).unwrap();
        assert!(rungs.iter().all(|r| r.delta.from != 39));
    }

    #[test]
    fn a_log_that_does_not_end_at_the_folders_version_starts_again() {
        let dir = tempfile::tempdir().unwrap();
        let (_, mut log) = history(5, 1_760_000_000, 300);
        log.write(dir.path()).unwrap();
        assert_eq!(Log::read(dir.path(), Some(5)).lines.len(), 5);
        assert!(Log::read(dir.path(), Some(6)).lines.is_empty());
        // A version missing in the middle: not trusted either.
        let text = std::fs::read_to_string(dir.path().join(LOG_FILE)).unwrap();
        let gap: Vec<&str> = text.lines().filter(|l| !l.contains("\"v\":3,")).collect();
        std::fs::write(dir.path().join(LOG_FILE), gap.join("\n")).unwrap();
        assert!(Log::read(dir.path(), Some(5)).lines.is_empty());
        std::fs::write(dir.path().join(LOG_FILE), "{not json\n").unwrap();
        assert!(Log::read(dir.path(), Some(5)).lines.is_empty());
    }
}
