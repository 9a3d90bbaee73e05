//! The feed's rules at the moment it is written: versions only go forward
//! within a feed, deltas connect, files carry the versions the manifest
//! promised, decompression stays within a budget; and all of it in one
//! transaction, so that a refused sync changes nothing.

use super::{Downloaded, Fetched, Progress, SyncOutcome, SyncPath, SyncStage, report};
use crate::error::{Error, Result};
use crate::feed::codec::{Limits, MAX_EXPANDED_BYTES, Sink, decompress, read_snapshot, read_step};
use crate::model::{Reported, Target};
use crate::store::{self, FeedState, ListId, Store, Writer};

/// Compressed feed files to apply, as downloaded and checked.
pub enum FeedData<'a> {
    /// The file and the entry count the manifest promised for it.
    Snapshot(&'a [u8], u64),
    Deltas(&'a [Vec<u8>]),
}

/// The one rollback rule: a feed never goes back to a version at or below
/// the one held (`held`: the version of this same feed, if any).
pub(crate) fn must_go_forward(held: Option<u64>, offered: u64) -> Result<()> {
    match held {
        Some(held) if offered <= held => Err(Error::Feed(format!(
            "refusing version {offered}, {} the version {held} we have (replay or rollback): a feed never goes back",
            if offered < held {
                "older than"
            } else {
                "the same as"
            }
        ))),
        _ => Ok(()),
    }
}

/// Applies what `fetch` brought, in one transaction (blocking: call it off
/// the async threads). Files are decompressed here, one at a time.
pub fn apply(
    store: &Store,
    feed: ListId,
    f: Fetched,
    progress: Progress<'_>,
) -> Result<SyncOutcome> {
    if let Some(needed) = f.deferred {
        // Nothing to write: the manifest's state (its ETag above all) must
        // not be kept, or the next sync would get a 304 and never the list.
        return Ok(SyncOutcome {
            from_version: f.from,
            to_version: f.state.version,
            path: SyncPath::Deferred,
            bytes_fetched: f.bytes,
            files_fetched: 0,
            entries: store.count_entries(feed)?,
            deferred_bytes: Some(needed),
        });
    }
    report(progress, SyncStage::Apply, 0, 1);
    let (path, entries) = match &f.data {
        None => {
            store.feed_checked(feed, &f.state)?;
            (SyncPath::UpToDate, store.count_entries(feed)?)
        }
        Some(Downloaded::Snapshot(file, entries)) => (
            SyncPath::Snapshot,
            apply_feed(
                store,
                feed,
                f.from,
                FeedData::Snapshot(file, *entries),
                &f.state,
                &f.limits,
            )?,
        ),
        Some(Downloaded::Deltas(files)) => (
            SyncPath::Delta,
            apply_feed(
                store,
                feed,
                f.from,
                FeedData::Deltas(files),
                &f.state,
                &f.limits,
            )?,
        ),
    };
    // From here on the list is committed: nothing may turn this into an error.
    report(progress, SyncStage::Apply, 1, 1);
    tracing::info!(from = ?f.from, to = f.state.version, ?path, bytes = f.bytes, files = f.files, entries, "sync done");
    Ok(SyncOutcome {
        from_version: f.from,
        to_version: f.state.version,
        path,
        bytes_fetched: f.bytes,
        files_fetched: f.files,
        entries,
        deferred_bytes: None,
    })
}

/// Applies one feed's files in one transaction: a snapshot replaces every
/// entry of that feed (the other feeds and the user's imports stay);
/// deltas are applied in order. Each file is decompressed only when
/// its turn comes, within `MAX_EXPANDED_BYTES` for the whole sync, so
/// memory holds one decompressed file at a time. Each file is decoded
/// within `limits`; a snapshot must hold exactly the entries the manifest
/// promised, and the list afterwards at most `limits.max_entries`.
///
/// The feed's stored version must still be `from` (no concurrent sync
/// slipped in).
/// Within one feed (same scope) versions only go forward; a new scope
/// (another address or key) must start from a snapshot. The files must
/// carry the versions the manifest promised. Anything wrong rolls the whole
/// transaction back: the list stays as it was. Returns the number of feed
/// entries afterwards.
pub(crate) fn apply_feed(
    store: &Store,
    feed: ListId,
    from: Option<u64>,
    data: FeedData<'_>,
    new: &FeedState,
    limits: &Limits,
) -> Result<u64> {
    store.write(|tx| {
        let stored = store::read_feed_state(tx, feed)?;
        if stored.as_ref().map(|s| s.version) != from {
            return Err(Error::Feed(
                "the list changed during the sync; try again".into(),
            ));
        }
        let same_feed = stored
            .as_ref()
            .is_some_and(|s| s.scope.is_some() && s.scope == new.scope);
        must_go_forward(from.filter(|_| same_feed), new.version)?;
        let mut budget = MAX_EXPANDED_BYTES;
        let mut expand = |file: &[u8]| -> Result<Vec<u8>> {
            let raw = decompress(file, budget)?;
            budget -= raw.len() as u64;
            Ok(raw)
        };
        let mut w = Writer::new(tx, feed)?;
        match data {
            FeedData::Snapshot(file, promised) => {
                let raw = expand(file)?;
                store::clear_entries(tx, feed)?;
                let info = read_snapshot(&raw, &mut w, limits)?;
                if info.version != new.version {
                    return Err(Error::Feed(
                        "the snapshot is not the version the manifest names".into(),
                    ));
                }
                if info.entries != promised {
                    return Err(Error::Feed(format!(
                        "the snapshot holds {} entries where the manifest promised {promised}",
                        info.entries
                    )));
                }
                store::drop_unused_labels(tx)?;
            }
            FeedData::Deltas(files) => {
                let mut at = from.filter(|_| same_feed).ok_or_else(|| {
                    Error::Feed("deltas apply only on top of the same feed".into())
                })?;
                for file in files {
                    let raw = expand(file)?;
                    let step = read_step(&raw, &mut w, limits)?;
                    let (f, t) = (step.from, step.to);
                    // A delta starts exactly where the list is; a ladder
                    // delta anywhere from its `from` to before its `to`.
                    let fits = if step.ladder {
                        f <= at && at < t
                    } else {
                        f == at && f < t
                    };
                    if !fits {
                        return Err(Error::Feed(format!(
                            "a {} goes {f}→{t}, expected from {at}",
                            if step.ladder { "ladder delta" } else { "delta" }
                        )));
                    }
                    at = t;
                }
                if at != new.version {
                    return Err(Error::Feed(
                        "the deltas do not reach the manifest's version".into(),
                    ));
                }
            }
        }
        drop(w);
        let entries = store::count_entries(tx, feed)?;
        if entries > limits.max_entries {
            return Err(Error::Feed(format!(
                "the list would hold {entries} entries, more than the limit of {}; refusing it",
                limits.max_entries
            )));
        }
        store::save_feed_state(tx, feed, new)?;
        Ok(entries)
    })
}

/// The decoder hands each entry straight to the database writer.
impl Sink for Writer<'_> {
    type Error = Error;
    fn upsert(&mut self, target: Target, rep: Reported) -> Result<()> {
        self.put(&target, &rep)
    }
    fn remove(&mut self, target: Target) -> Result<()> {
        self.delete(&target)
    }
}

#[cfg(test)]
mod tests;
