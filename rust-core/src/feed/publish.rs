//! The publisher's side: a CSV becomes the next version of a feed folder.
//!
//! The folder is the whole state: the signed manifest, the current
//! snapshot, and the deltas of the last versions. Data files are written
//! first and the manifest last (each by rename), so a server that copies
//! the folder mid-build still serves a consistent feed.

use super::codec::{self, Delta, Discard, EntrySet, Limits};
use super::ladder;
use super::{
    DeltaRef, FORMAT, FileRef, MANIFEST_FILE, Manifest, SnapshotRef, sha256_hex, sign, verify,
};
use crate::error::{Error, Result};
use ed25519_dalek::SigningKey;
use std::collections::BTreeMap;
use std::path::Path;

/// Deltas kept by default: a month of daily publications.
pub const DEFAULT_KEEP_DELTAS: usize = 30;
/// How long a file stays after the last manifest that named it: a phone
/// that fetched that manifest may still be downloading what it names
/// (a sync may be allowed up to an hour, the ceiling of
/// `feed.timeout_secs`), and a CDN or mirror may be a publish or two
/// behind the origin. Two hours covers both.
pub const GRACE_SECS: i64 = 2 * 3600;
/// A quiet list (nothing changed) is signed again once its manifest would
/// expire within this: a day, so that phones never see it go stale.
pub const RESIGN_BEFORE_SECS: i64 = 86_400;
/// Files no manifest names any more, and since when (Unix seconds).
const RETIRED_FILE: &str = ".retired.json";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Built {
    pub version: u64,
    pub entries: u64,
    pub snapshot_bytes: u64,
    /// The delta from the previous version, if there was one.
    pub delta: Option<DeltaRef>,
    pub deltas_kept: usize,
    /// The ladder deltas this publish wrote, and how many the manifest names.
    pub ladder: Vec<DeltaRef>,
    pub ladder_kept: usize,
    /// The manifest's size in bytes.
    pub manifest_bytes: u64,
    /// The list was unchanged: no new version (see [`Options::skip_unchanged`]).
    pub unchanged: bool,
    /// An unchanged list's manifest was signed again with a later expiry.
    pub resigned: bool,
    /// Files removed because no manifest named them for `GRACE_SECS`.
    pub removed_files: usize,
}

/// How a build publishes.
#[derive(Debug, Clone)]
pub struct Options {
    /// Plain deltas the manifest keeps (the newest ones), for phones that
    /// read no ladder.
    pub keep_deltas: usize,
    /// Unix seconds: the time the manifest says it was made.
    pub now: i64,
    /// The version a publisher recorded elsewhere; see [`build_after`].
    pub last: Option<u64>,
    /// How long phones accept the manifest.
    pub valid_for: i64,
    /// An unchanged list writes no new version: the manifest is only
    /// signed again, with the same version, once it would expire within
    /// `RESIGN_BEFORE_SECS` (phones take the same version as up to date,
    /// with its new expiry).
    pub skip_unchanged: bool,
}

impl Options {
    pub fn new(keep_deltas: usize, now: i64) -> Options {
        Options {
            keep_deltas,
            now,
            last: None,
            valid_for: super::DEFAULT_EXPIRY_SECS,
            skip_unchanged: false,
        }
    }
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

pub(super) fn file_ref(name: String, bytes: &[u8]) -> FileRef {
    FileRef {
        size: bytes.len() as u64,
        sha256: sha256_hex(bytes),
        name,
    }
}

/// Reads a file the manifest names and checks it against the manifest.
pub fn read_checked(dir: &Path, f: &FileRef) -> Result<Vec<u8>> {
    let bytes =
        std::fs::read(dir.join(&f.name)).map_err(|e| Error::Feed(format!("{}: {e}", f.name)))?;
    if bytes.len() as u64 != f.size || sha256_hex(&bytes) != f.sha256 {
        return Err(Error::Feed(format!(
            "{} does not match the manifest (size or sha256)",
            f.name
        )));
    }
    Ok(bytes)
}

/// The feed currently in `dir`, if any: its manifest and entries.
pub fn current(dir: &Path, key: &SigningKey) -> Result<Option<(Manifest, EntrySet)>> {
    let path = dir.join(MANIFEST_FILE);
    if !path.exists() {
        return Ok(None);
    }
    let t = std::time::Instant::now();
    let m = verify(&std::fs::read(&path)?, &[key.verifying_key()])
        .map_err(|e| Error::Feed(format!("the feed in {}: {e}", dir.display())))?;
    let raw = codec::decompress(
        &read_checked(dir, &m.snapshot.file)?,
        codec::MAX_EXPANDED_BYTES,
    )?;
    let mut set = EntrySet::default();
    codec::read_snapshot(&raw, &mut set, &Limits::now())?;
    tracing::debug!(
        ms = t.elapsed().as_millis() as u64,
        "the folder's list decoded"
    );
    Ok(Some((m, set)))
}

/// [`current`], given what this process last published in `dir` (the
/// `--every` loop): when the folder's manifest still names that snapshot,
/// its list is taken from memory instead of decoded again; a folder that
/// changed meanwhile (another publisher, a restore) is read as it is.
pub fn current_since(
    dir: &Path,
    key: &SigningKey,
    known: Option<(Manifest, EntrySet)>,
) -> Result<Option<(Manifest, EntrySet)>> {
    let Some((was, set)) = known else {
        return current(dir, key);
    };
    let Ok(bytes) = std::fs::read(dir.join(MANIFEST_FILE)) else {
        return current(dir, key);
    };
    let m = verify(&bytes, &[key.verifying_key()])
        .map_err(|e| Error::Feed(format!("the feed in {}: {e}", dir.display())))?;
    if m.version == was.version && m.snapshot == was.snapshot {
        Ok(Some((m, set)))
    } else {
        current(dir, key)
    }
}

/// Publishes `set` as the next version in `dir`.
pub fn build(
    dir: &Path,
    set: &EntrySet,
    key: &SigningKey,
    keep_deltas: usize,
    now: i64,
) -> Result<Built> {
    build_with(dir, set, key, &Options::new(keep_deltas, now))
}

/// [`build`], after version `last` at least: the version a publisher
/// recorded elsewhere (its database), so that a lost folder continues where
/// phones are instead of at 1, which they refuse as a rollback.
pub fn build_after(
    dir: &Path,
    set: &EntrySet,
    key: &SigningKey,
    keep_deltas: usize,
    now: i64,
    last: Option<u64>,
) -> Result<Built> {
    build_with(
        dir,
        set,
        key,
        &Options {
            last,
            ..Options::new(keep_deltas, now)
        },
    )
}

/// Publishes `set` in `dir` as `opts` say: the snapshot, the delta from
/// the previous version, the ladder (`ladder.rs`), then the manifest; and
/// removes the files no manifest has named for `GRACE_SECS`.
pub fn build_with(dir: &Path, set: &EntrySet, key: &SigningKey, opts: &Options) -> Result<Built> {
    build_on(dir, current(dir, key)?, set, key, opts)
}

/// [`build_with`], given what the folder holds (`current`), when the
/// caller has read it already: a million entries are not decoded twice.
pub fn build_on(
    dir: &Path,
    previous: Option<(Manifest, EntrySet)>,
    set: &EntrySet,
    key: &SigningKey,
    opts: &Options,
) -> Result<Built> {
    let previous = previous.map(|(m, old)| {
        let d = Delta::between(m.version, &old, 0, set);
        (m, d)
    });
    build_step(dir, previous, set, key, opts)
}

/// [`build_on`], given the folder's manifest and what changed from its
/// list to `set` (`delta`, from the manifest's version; its `to` is set
/// here), when the caller knows it: a publisher that applied its changes
/// to the folder's list compares no million entries.
pub fn build_step(
    dir: &Path,
    previous: Option<(Manifest, Delta)>,
    set: &EntrySet,
    key: &SigningKey,
    opts: &Options,
) -> Result<Built> {
    let now = opts.now;
    std::fs::create_dir_all(dir)?;
    let in_folder = previous.as_ref().map(|(m, _)| m.version);
    if opts.skip_unchanged
        && let Some((m, d)) = &previous
        && d.is_empty()
        && opts.last.is_none_or(|l| l <= m.version)
    {
        return quiet(dir, m, key, opts);
    }
    let version = match in_folder.max(opts.last) {
        None => 1,
        Some(v) => v.checked_add(1).ok_or_else(|| {
            Error::Feed(format!(
                "version {v} is the last one this feed can publish; start a new feed with a new key"
            ))
        })?,
    };

    let t = std::time::Instant::now();
    // The delta from the previous version, and the ladder's log, which goes
    // on only from the version right before this one.
    let mut log = ladder::Log::read(dir, in_folder.filter(|v| v + 1 == version));
    let (previous, step) = match previous {
        Some((m, d)) => {
            let d = Delta {
                from: m.version,
                to: version,
                ..d
            };
            (Some(m), Some(d))
        }
        None => (None, None),
    };
    let delta = match &step {
        Some(d) => {
            let bytes = codec::encode_delta(d);
            ladder::reads_back(&bytes, d, false)?;
            let r = DeltaRef {
                from: d.from,
                to: version,
                file: file_ref(format!("delta-{}-{version}.bin", d.from), &bytes),
            };
            Some((r, bytes))
        }
        None => None,
    };
    log.push(version, now, step.as_ref());
    tracing::debug!(ms = t.elapsed().as_millis() as u64, "delta");

    // The snapshot: at the best compression once a day (every publish of a
    // daily publisher), quickly in between.
    let quality = if ladder::is_day_checkpoint(&log) {
        codec::SNAPSHOT_QUALITY
    } else {
        codec::FAST_SNAPSHOT_QUALITY
    };
    let t = std::time::Instant::now();
    let raw = codec::encode_snapshot_raw(FORMAT, version, set);
    // What phones will read, checked with their own limits: a file they
    // would refuse must never be published (and would also stop the next
    // build). Counted, not collected: the encoder's own tests pin that it
    // writes the list it is given, so rebuilding a million entries to
    // compare them costs a publish time and proves nothing more.
    let info = codec::read_snapshot(&raw, &mut Discard, &Limits::now())?;
    if info.version != version || info.entries != set.len() as u64 {
        return Err(Error::Feed(
            "the encoded snapshot does not read back as the list; nothing published".into(),
        ));
    }
    let snapshot = codec::compress(&raw, quality);
    tracing::debug!(
        ms = t.elapsed().as_millis() as u64,
        quality,
        "snapshot encoded"
    );
    let t = std::time::Instant::now();
    // The compressor is the one part not checked above: its output must
    // expand to exactly the bytes checked, within the phones' bound.
    if codec::decompress(&snapshot, codec::MAX_EXPANDED_BYTES)? != raw {
        return Err(Error::Feed(
            "the compressed snapshot does not expand to what was encoded; nothing published".into(),
        ));
    }
    drop(raw);
    tracing::debug!(
        ms = t.elapsed().as_millis() as u64,
        "snapshot expanded back"
    );
    let t = std::time::Instant::now();
    let snapshot_ref = SnapshotRef {
        file: file_ref(format!("snapshot-{version}.bin"), &snapshot),
        entries: set.len() as u64,
    };
    let kept_before = previous.as_ref().map_or(&[][..], |m| &m.ladder[..]);
    let (rungs, mut ladder) =
        ladder::ladder(&log, set, kept_before, delta.as_ref().map(|(d, _)| d.from))?;

    tracing::debug!(ms = t.elapsed().as_millis() as u64, "ladder");
    // Data files first, the log, the manifest last.
    write_atomic(&dir.join(&snapshot_ref.file.name), &snapshot)?;
    let mut deltas = previous
        .as_ref()
        .map_or_else(Vec::new, |m| m.deltas.clone());
    if let Some((r, bytes)) = &delta {
        write_atomic(&dir.join(&r.file.name), bytes)?;
        deltas.push(r.clone());
    }
    deltas.sort_by_key(|d| std::cmp::Reverse(d.to));
    deltas.truncate(opts.keep_deltas);
    deltas.reverse();
    for r in &rungs {
        write_atomic(&dir.join(&r.delta.file.name), &r.bytes)?;
    }
    ladder.extend(rungs.iter().map(|r| r.delta.clone()));
    ladder.sort_by_key(|d| (d.to, d.from));

    let manifest = Manifest {
        format: FORMAT,
        version,
        created: now,
        expires: Some(now.saturating_add(opts.valid_for)),
        key_id: super::key_id(&key.verifying_key()),
        snapshot: snapshot_ref.clone(),
        deltas,
        ladder,
    };
    // The log before the manifest: a log ahead of the folder is refused
    // and started again, never used wrongly.
    log.write(dir)?;
    let signed = sign(&manifest, key);
    write_atomic(&dir.join(MANIFEST_FILE), &signed)?;
    let removed_files = retire(dir, &manifest, now)?;
    Ok(Built {
        version,
        entries: set.len() as u64,
        snapshot_bytes: snapshot_ref.file.size,
        delta: delta.map(|(r, _)| r),
        deltas_kept: manifest.deltas.len(),
        ladder: rungs.into_iter().map(|r| r.delta).collect(),
        ladder_kept: manifest.ladder.len(),
        manifest_bytes: signed.len() as u64,
        unchanged: false,
        resigned: false,
        removed_files,
    })
}

/// An unchanged list: the manifest stays, or is signed again with the same
/// version and a later expiry once it would expire within a day.
fn quiet(dir: &Path, m: &Manifest, key: &SigningKey, opts: &Options) -> Result<Built> {
    let resign = m.expires_at().saturating_sub(opts.now) <= RESIGN_BEFORE_SECS;
    let mut manifest_bytes = std::fs::metadata(dir.join(MANIFEST_FILE))?.len();
    if resign {
        let again = Manifest {
            created: opts.now,
            expires: Some(opts.now.saturating_add(opts.valid_for)),
            ..m.clone()
        };
        let signed = sign(&again, key);
        manifest_bytes = signed.len() as u64;
        write_atomic(&dir.join(MANIFEST_FILE), &signed)?;
    }
    let removed_files = retire(dir, m, opts.now)?;
    Ok(Built {
        version: m.version,
        entries: m.snapshot.entries,
        snapshot_bytes: m.snapshot.file.size,
        delta: None,
        deltas_kept: m.deltas.len(),
        ladder: Vec::new(),
        ladder_kept: m.ladder.len(),
        manifest_bytes,
        unchanged: true,
        resigned: resign,
        removed_files,
    })
}

/// Whether a file of the folder is a data file a manifest may name.
fn is_data_file(name: &str) -> bool {
    name.ends_with(".bin")
        && ["snapshot-", "delta-", "ladder-"]
            .iter()
            .any(|p| name.starts_with(p))
}

/// Removes the data files that no manifest has named for `GRACE_SECS`
/// (a phone mid-sync still finds what the manifest it holds names), and
/// records since when the others are unnamed. Returns how many it removed.
fn retire(dir: &Path, m: &Manifest, now: i64) -> Result<usize> {
    let named: std::collections::HashSet<&str> = std::iter::once(&m.snapshot.file)
        .chain(m.deltas.iter().chain(&m.ladder).map(|d| &d.file))
        .map(|f| f.name.as_str())
        .collect();
    let path = dir.join(RETIRED_FILE);
    // A lost or broken record starts the grace again: files stay longer,
    // never shorter.
    let before: BTreeMap<String, i64> = std::fs::read(&path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let mut after = BTreeMap::new();
    let mut removed = 0;
    for e in std::fs::read_dir(dir)?.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !is_data_file(&name) || named.contains(name.as_str()) {
            continue;
        }
        let since = before.get(&name).copied().unwrap_or(now).min(now);
        if now - since >= GRACE_SECS {
            if std::fs::remove_file(e.path()).is_ok() {
                removed += 1;
            }
        } else {
            after.insert(name, since);
        }
    }
    if after != before {
        write_atomic(
            &path,
            &serde_json::to_vec(&after).map_err(|e| Error::Feed(e.to_string()))?,
        )?;
    }
    Ok(removed)
}

/// Checks a feed folder as a client would: signature, every file's size and
/// hash, and that every file decodes. Returns the manifest.
pub fn check(dir: &Path, keys: &[ed25519_dalek::VerifyingKey]) -> Result<Manifest> {
    let m = verify(&std::fs::read(dir.join(MANIFEST_FILE))?, keys)?;
    let limits = Limits::now();
    let raw = codec::decompress(
        &read_checked(dir, &m.snapshot.file)?,
        codec::MAX_EXPANDED_BYTES,
    )?;
    // Counted, not collected: checking a feed costs what applying it costs.
    let info = codec::read_snapshot(&raw, &mut Discard, &limits)?;
    if info.version != m.version || info.entries != m.snapshot.entries {
        return Err(Error::Feed(
            "the snapshot's version or entry count differs from the manifest".into(),
        ));
    }
    let steps = m.deltas.iter().map(|d| (d, false));
    for (d, ladder) in steps.chain(m.ladder.iter().map(|d| (d, true))) {
        let raw = codec::decompress(&read_checked(dir, &d.file)?, codec::MAX_EXPANDED_BYTES)?;
        let step = codec::read_step(&raw, &mut Discard, &limits)?;
        if (step.from, step.to, step.ladder) != (d.from, d.to, ladder) {
            return Err(Error::Feed(format!(
                "{} says {}→{}{}",
                d.file.name,
                step.from,
                step.to,
                if step.ladder { " (a ladder delta)" } else { "" }
            )));
        }
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Category, Reported, Target};

    fn one(number: i64, reports: u32) -> EntrySet {
        let mut set = EntrySet::default();
        set.insert(
            Target::Number(number),
            Reported {
                category: Category::Scam,
                reports,
                last_reported: None,
                label: None,
                reporters: None,
                source: None,
            },
        );
        set
    }

    #[test]
    fn the_list_just_published_is_reused_only_while_the_folder_still_names_it() {
        let dir = tempfile::tempdir().unwrap();
        let key = crate::feed::generate_key();
        let first = one(84_912_345_678, 3);
        build(dir.path(), &first, &key, 3, 1_700_000_000).unwrap();
        let known = current(dir.path(), &key).unwrap();
        // The snapshot made unreadable: a reused list never decodes it.
        let m = &known.as_ref().unwrap().0;
        let snapshot = dir.path().join(&m.snapshot.file.name);
        let good = std::fs::read(&snapshot).unwrap();
        std::fs::write(&snapshot, b"not brotli").unwrap();
        let (m2, set) = current_since(dir.path(), &key, known.clone())
            .unwrap()
            .unwrap();
        assert_eq!((m2.version, &set), (1, &first));
        assert!(
            current(dir.path(), &key).is_err(),
            "the folder's own read fails"
        );
        std::fs::write(&snapshot, good).unwrap();
        // Another publisher moved the folder on: its list, not the stale one.
        let second = one(84_912_345_678, 4);
        build(dir.path(), &second, &key, 3, 1_700_000_300).unwrap();
        let (m3, set) = current_since(dir.path(), &key, known).unwrap().unwrap();
        assert_eq!((m3.version, &set), (2, &second));
    }

    #[test]
    fn the_last_version_is_refused_instead_of_wrapping_to_zero() {
        // Finding 19: version 2^64-1 was followed by 0.
        let dir = tempfile::tempdir().unwrap();
        let key = crate::feed::generate_key();
        let mut set = EntrySet::default();
        set.insert(
            Target::Number(84_912_345_678),
            Reported {
                category: Category::Scam,
                reports: 3,
                last_reported: None,
                label: None,
                reporters: None,
                source: None,
            },
        );
        build(dir.path(), &set, &key, 3, 1_700_000_000).unwrap();
        let path = dir.path().join(MANIFEST_FILE);
        let mut m = verify(&std::fs::read(&path).unwrap(), &[key.verifying_key()]).unwrap();
        m.version = u64::MAX;
        std::fs::write(&path, sign(&m, &key)).unwrap();
        let err = build(dir.path(), &set, &key, 3, 1_700_000_100).unwrap_err();
        assert!(err.to_string().contains("last one"), "{err}");
        let after = verify(&std::fs::read(&path).unwrap(), &[key.verifying_key()]).unwrap();
        assert_eq!(after.version, u64::MAX, "nothing was published");
    }
}
