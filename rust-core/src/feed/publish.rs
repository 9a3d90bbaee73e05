//! The publisher's side: a CSV becomes the next version of a feed folder.
//!
//! The folder is the whole state: the signed manifest, the current
//! snapshot, and the deltas of the last versions. Data files are written
//! first and the manifest last (each by rename), so a server that copies
//! the folder mid-build still serves a consistent feed.

use super::codec::{self, Delta, Discard, EntrySet, Limits};
use super::{
    DeltaRef, FORMAT, FileRef, MANIFEST_FILE, Manifest, SnapshotRef, sha256_hex, sign, verify,
};
use crate::error::{Error, Result};
use ed25519_dalek::SigningKey;
use std::path::Path;

/// Deltas kept by default: a month of daily publications.
pub const DEFAULT_KEEP_DELTAS: usize = 30;
/// Decompressed size a publisher accepts when reading back its own files.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Built {
    pub version: u64,
    pub entries: u64,
    pub snapshot_bytes: u64,
    /// The delta from the previous version, if there was one.
    pub delta: Option<DeltaRef>,
    pub deltas_kept: usize,
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

fn file_ref(name: String, bytes: &[u8]) -> FileRef {
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
    let m = verify(&std::fs::read(&path)?, &[key.verifying_key()])
        .map_err(|e| Error::Feed(format!("the feed in {}: {e}", dir.display())))?;
    let raw = codec::decompress(
        &read_checked(dir, &m.snapshot.file)?,
        codec::MAX_EXPANDED_BYTES,
    )?;
    let mut set = EntrySet::default();
    codec::read_snapshot(&raw, &mut set, &Limits::now())?;
    Ok(Some((m, set)))
}

/// Publishes `set` as the next version in `dir`.
pub fn build(
    dir: &Path,
    set: &EntrySet,
    key: &SigningKey,
    keep_deltas: usize,
    now: i64,
) -> Result<Built> {
    build_after(dir, set, key, keep_deltas, now, None)
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
    std::fs::create_dir_all(dir)?;
    let previous = current(dir, key)?;
    let in_folder = previous.as_ref().map(|(m, _)| m.version);
    let version = match in_folder.max(last) {
        None => 1,
        Some(v) => v.checked_add(1).ok_or_else(|| {
            Error::Feed(format!(
                "version {v} is the last one this feed can publish; start a new feed with a new key"
            ))
        })?,
    };

    let snapshot = codec::encode_snapshot(version, set);
    // Read back what phones will read: a file they would refuse must never
    // be published (and would also stop the next build).
    let mut back = EntrySet::default();
    // With the phones' own limits: a list they would refuse is not published.
    let limits = Limits::now();
    let raw = codec::decompress(&snapshot, codec::MAX_EXPANDED_BYTES)?;
    if codec::read_snapshot(&raw, &mut back, &limits)?.version != version || &back != set {
        return Err(Error::Feed(
            "the encoded snapshot does not read back as the list; nothing published".into(),
        ));
    }
    let snapshot_ref = SnapshotRef {
        file: file_ref(format!("snapshot-{version}.bin"), &snapshot),
        entries: set.len() as u64,
    };
    write_atomic(&dir.join(&snapshot_ref.file.name), &snapshot)?;

    let mut deltas = Vec::new();
    let mut new_delta = None;
    if let Some((m, old)) = &previous {
        let d = Delta::between(m.version, old, version, set);
        let bytes = codec::encode_delta(&d);
        let mut rebuilt = old.clone();
        codec::read_delta(
            &codec::decompress(&bytes, codec::MAX_EXPANDED_BYTES)?,
            &mut rebuilt,
            &limits,
        )?;
        if &rebuilt != set {
            return Err(Error::Feed(
                "the encoded delta does not lead to the list; nothing published".into(),
            ));
        }
        let r = DeltaRef {
            from: m.version,
            to: version,
            file: file_ref(format!("delta-{}-{version}.bin", m.version), &bytes),
        };
        write_atomic(&dir.join(&r.file.name), &bytes)?;
        deltas = m.deltas.clone();
        deltas.push(r.clone());
        new_delta = Some(r);
    }
    deltas.sort_by_key(|d| std::cmp::Reverse(d.to));
    let dropped = deltas.split_off(keep_deltas.min(deltas.len()));
    deltas.reverse();

    let manifest = Manifest {
        format: FORMAT,
        version,
        created: now,
        expires: Some(now.saturating_add(super::DEFAULT_EXPIRY_SECS)),
        key_id: super::key_id(&key.verifying_key()),
        snapshot: snapshot_ref.clone(),
        deltas,
    };
    write_atomic(&dir.join(MANIFEST_FILE), &sign(&manifest, key))?;

    // Only now that the manifest no longer names them.
    for d in &dropped {
        let _ = std::fs::remove_file(dir.join(&d.file.name));
    }
    // The previous snapshot stays one version longer: a phone or a CDN
    // node holding the previous manifest can still fetch what it names.
    let keep = [
        snapshot_ref.file.name.clone(),
        previous
            .as_ref()
            .map(|(m, _)| m.snapshot.file.name.clone())
            .unwrap_or_default(),
    ];
    for e in std::fs::read_dir(dir)?.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with("snapshot-") && name.ends_with(".bin") && !keep.contains(&name) {
            let _ = std::fs::remove_file(e.path());
        }
    }
    Ok(Built {
        version,
        entries: set.len() as u64,
        snapshot_bytes: snapshot_ref.file.size,
        delta: new_delta,
        deltas_kept: manifest.deltas.len(),
    })
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
    for d in &m.deltas {
        let raw = codec::decompress(&read_checked(dir, &d.file)?, codec::MAX_EXPANDED_BYTES)?;
        let (from, to) = codec::read_delta(&raw, &mut Discard, &limits)?;
        if (from, to) != (d.from, d.to) {
            return Err(Error::Feed(format!("{} says {from}→{to}", d.file.name)));
        }
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Category, Reported, Target};

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
