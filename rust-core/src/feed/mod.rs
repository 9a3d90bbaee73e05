//! The signed feed: a manifest (signed with ed25519) naming one snapshot and
//! recent deltas, all static files that any web server or CDN can serve.
//! Shared by the publisher (`publish`) and the phone (`crate::sync`); what
//! only a publisher does (keys, signing, building) is behind the
//! `publisher` feature, so the phone's library only verifies.
//! The format is documented in `FORMAT.md` beside this file.

pub mod codec;
#[cfg(feature = "publisher")]
mod ladder;
#[cfg(feature = "publisher")]
pub mod publish;
#[cfg(feature = "publisher")]
mod sign;

#[cfg(feature = "publisher")]
pub use sign::*;

use base64::Engine;
use ed25519_dalek::{Signature, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Format of the manifest and files this build writes: 2 adds each
/// entry's distinct reporters and official source. Phones read 1 and 2
/// (`READ_FORMATS`), so a publisher can move to 2 before every phone has
/// updated.
#[cfg(feature = "publisher")]
pub const FORMAT: u32 = codec::WRITE_FORMAT;
pub const READ_FORMATS: std::ops::RangeInclusive<u32> = 1..=2;
pub const MANIFEST_FILE: &str = "manifest.json";
/// How long a manifest is good for unless the publisher says otherwise: a
/// publisher that runs daily has a week to fix a broken run.
pub const DEFAULT_EXPIRY_SECS: i64 = 7 * 86_400;

impl Manifest {
    /// When phones stop accepting this manifest (Unix seconds).
    pub fn expires_at(&self) -> i64 {
        self.expires
            .unwrap_or_else(|| self.created.saturating_add(DEFAULT_EXPIRY_SECS))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedError {
    #[error("the manifest is not valid: {0}")]
    Manifest(String),
    #[error("the manifest is signed by key {0}, which is not pinned")]
    UnknownKey(String),
    #[error("the manifest signature does not verify: it was changed or forged")]
    BadSignature,
    #[error("feed format {0} is not supported by this version (it reads 1 and 2)")]
    Format(u32),
    #[error("{0}")]
    Key(String),
}

impl From<FeedError> for crate::error::Error {
    fn from(e: FeedError) -> Self {
        match e {
            // A mistyped key is the caller's input, not a bad feed.
            FeedError::Key(msg) => crate::error::Error::InvalidInput(msg),
            e => crate::error::Error::Feed(e.to_string()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRef {
    pub name: String,
    pub size: u64,
    /// Lower-case hex.
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotRef {
    #[serde(flatten)]
    pub file: FileRef,
    pub entries: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeltaRef {
    pub from: u64,
    pub to: u64,
    #[serde(flatten)]
    pub file: FileRef,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    /// Strictly increasing with every publication.
    pub version: u64,
    /// Unix seconds.
    pub created: i64,
    /// Unix seconds after which phones refuse this manifest, so that a
    /// mirror serving an old one cannot freeze them unnoticed. Manifests
    /// written before this field expire `DEFAULT_EXPIRY_SECS` after `created`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<i64>,
    pub key_id: String,
    pub snapshot: SnapshotRef,
    pub deltas: Vec<DeltaRef>,
    /// Ladder deltas (`ladder-<from>-<to>.bin`): each applies to any
    /// version from `from` up to `to`. Optional: readers older than the
    /// ladder ignore the field and keep using `deltas` and `snapshot`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ladder: Vec<DeltaRef>,
}

/// The file on the wire: the manifest's exact JSON text and its signature,
/// so that verification never depends on re-serialising.
#[derive(Serialize, Deserialize)]
struct Signed {
    manifest: String,
    key_id: String,
    signature: String,
}

#[cfg(feature = "publisher")]
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// First 8 bytes of the key's SHA-256, in hex: names a key in manifests.
pub fn key_id(key: &VerifyingKey) -> String {
    hex::encode(&Sha256::digest(key.as_bytes())[..8])
}

/// Parses a public key written as 64 hex characters.
pub fn parse_public_key(text: &str) -> Result<VerifyingKey, FeedError> {
    let bytes: [u8; 32] = hex::decode(text.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| FeedError::Key("a public key is 64 hexadecimal characters".into()))?;
    let key = VerifyingKey::from_bytes(&bytes)
        .map_err(|_| FeedError::Key("not a valid ed25519 public key".into()))?;
    // A small-order point (the identity, 00…00, …) verifies signatures
    // that anyone can make without a secret: never a key worth pinning.
    if key.is_weak() {
        return Err(FeedError::Key(
            "this public key is a weak (small-order) point that anyone could sign for; pin the publisher's real key".into(),
        ));
    }
    Ok(key)
}

/// Checks a manifest file against the pinned keys and returns what it says.
pub fn verify(bytes: &[u8], pinned: &[VerifyingKey]) -> Result<Manifest, FeedError> {
    let signed: Signed =
        serde_json::from_slice(bytes).map_err(|e| FeedError::Manifest(e.to_string()))?;
    let key = pinned
        .iter()
        .find(|k| key_id(k) == signed.key_id)
        .ok_or_else(|| FeedError::UnknownKey(signed.key_id.chars().take(16).collect()))?;
    let sig: [u8; 64] = base64::engine::general_purpose::STANDARD
        .decode(&signed.signature)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(FeedError::BadSignature)?;
    // Strict: refuses small-order R and non-canonical s as well, so that no
    // signature is accepted that the secret key did not make.
    key.verify_strict(signed.manifest.as_bytes(), &Signature::from_bytes(&sig))
        .map_err(|_| FeedError::BadSignature)?;
    let m: Manifest =
        serde_json::from_str(&signed.manifest).map_err(|e| FeedError::Manifest(e.to_string()))?;
    if !READ_FORMATS.contains(&m.format) {
        return Err(FeedError::Format(m.format));
    }
    if m.key_id != signed.key_id {
        return Err(FeedError::Manifest("key ids disagree".into()));
    }
    let steps = m.deltas.iter().chain(&m.ladder);
    for f in std::iter::once(&m.snapshot.file).chain(steps.map(|d| &d.file)) {
        if !is_plain_file_name(&f.name) {
            return Err(FeedError::Manifest(format!(
                "file name {:?} is not a plain file name",
                f.name
            )));
        }
    }
    Ok(m)
}

/// Files are fetched relative to the manifest: no paths, no URLs.
fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && !name.starts_with('.')
}

/// What to download to go from `have` to the manifest's version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    UpToDate,
    Deltas(Vec<DeltaRef>),
    Snapshot(SnapshotRef),
}

/// What one more file costs beyond its bytes: its request and response
/// headers (about 400 to 600 bytes with nginx, measured by the ladder
/// bench) and a round trip. A chain of two files must save this much to
/// be taken over one.
pub const FILE_COST: u64 = 500;

/// The cheapest way from `have` (or nothing) to `m.version`: the chain of
/// deltas and ladder deltas whose bytes, with `FILE_COST` for each file,
/// are the fewest (then the fewest files), if it exists and costs less
/// than the snapshot; else the snapshot. A delta goes from exactly its
/// `from`; a ladder delta from any version in `from..to`.
pub fn plan(m: &Manifest, have: Option<u64>) -> Plan {
    let Some(have) = have else {
        return Plan::Snapshot(m.snapshot.clone());
    };
    if have == m.version {
        return Plan::UpToDate;
    }
    // Versions only go forward along a step, so settling versions in
    // ascending order settles each once: its cheapest (bytes, files) and
    // the step that got there; the chain is read back from the target.
    let mut deltas: std::collections::HashMap<u64, Vec<&DeltaRef>> = Default::default();
    for d in m.deltas.iter().filter(|d| d.from < d.to && d.from >= have) {
        deltas.entry(d.from).or_default().push(d);
    }
    let ladder: Vec<&DeltaRef> = m
        .ladder
        .iter()
        .filter(|d| d.from < d.to && d.to > have)
        .collect();
    // Each version: its cost, and the step and version it came from.
    type Best<'m> = std::collections::BTreeMap<u64, ((u64, u64), Option<(&'m DeltaRef, u64)>)>;
    let mut best: Best = [(have, ((0, 0), None))].into();
    let mut at = have;
    loop {
        let &((bytes, files), _) = &best[&at];
        let steps = deltas.get(&at).into_iter().flatten();
        let climbs = ladder.iter().filter(|d| d.from <= at && at < d.to);
        for d in steps.chain(climbs) {
            let size = d.file.size.saturating_add(FILE_COST);
            let Some(cost) = bytes.checked_add(size).map(|b| (b, files + 1)) else {
                continue;
            };
            if best.get(&d.to).is_none_or(|(c, _)| cost < *c) {
                best.insert(d.to, (cost, Some((d, at))));
            }
        }
        match best.range(at + 1..).next() {
            Some((&next, _)) => at = next,
            None => break,
        }
    }
    let chain = |target: u64| -> Option<(u64, Vec<DeltaRef>)> {
        let ((cost, _), _) = *best.get(&target)?;
        let mut path = Vec::new();
        let mut at = target;
        while let Some((_, Some((d, from)))) = best.get(&at) {
            path.push((*d).clone());
            at = *from;
        }
        path.reverse();
        Some((cost, path))
    };
    match chain(m.version) {
        Some((cost, path)) if cost < m.snapshot.file.size.saturating_add(FILE_COST) => {
            Plan::Deltas(path)
        }
        _ => Plan::Snapshot(m.snapshot.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::SigningKey;

    #[test]
    fn a_manifest_without_an_expiry_expires_a_week_after_it_was_made() {
        let key = generate_key();
        let mut m = manifest(&key, 1, &[]);
        assert_eq!(m.expires_at(), 1_700_000_000 + 7 * 86_400);
        m.expires = Some(1_700_000_100);
        assert_eq!(m.expires_at(), 1_700_000_100);
        // Signed and read back, the field survives; absent, it stays absent.
        let back = verify(&sign(&m, &key), &[key.verifying_key()]).unwrap();
        assert_eq!(back.expires, Some(1_700_000_100));
        m.expires = None;
        let text = String::from_utf8(sign(&m, &key)).unwrap();
        assert!(!text.contains("expires"));
    }

    #[test]
    fn weak_public_keys_are_refused_when_pinned() {
        // The identity point, and 00…00 (a point of order 4).
        for weak in ["01".to_string() + &"00".repeat(31), "00".repeat(32)] {
            let err = parse_public_key(&weak).unwrap_err();
            assert!(err.to_string().contains("weak"), "{weak}: {err}");
        }
        let real = generate_key().verifying_key();
        assert!(parse_public_key(&hex::encode(real.as_bytes())).is_ok());
    }

    #[test]
    fn a_signature_made_without_a_secret_is_refused_even_for_a_weak_key() {
        // The attack: the identity point as the key, and as the signature's
        // R with s = 0, "verifies" any message under non-strict rules.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let weak = VerifyingKey::from_bytes(&identity).unwrap();
        let other = generate_key();
        let mut m = manifest(&other, 1, &[]);
        m.key_id = key_id(&weak);
        let mut sig = [0u8; 64];
        sig[..32].copy_from_slice(&identity);
        let text = serde_json::to_string(&m).unwrap();
        use ed25519_dalek::Verifier;
        assert!(
            weak.verify(text.as_bytes(), &Signature::from_bytes(&sig))
                .is_ok()
        );
        let forged = serde_json::to_vec(&Signed {
            manifest: text,
            key_id: key_id(&weak),
            signature: base64::engine::general_purpose::STANDARD.encode(sig),
        })
        .unwrap();
        assert!(matches!(
            verify(&forged, &[weak]),
            Err(FeedError::BadSignature)
        ));
    }

    fn manifest(key: &SigningKey, version: u64, deltas: &[(u64, u64, u64)]) -> Manifest {
        Manifest {
            format: FORMAT,
            version,
            created: 1_700_000_000,
            expires: None,
            key_id: key_id(&key.verifying_key()),
            snapshot: SnapshotRef {
                file: FileRef {
                    name: format!("snapshot-{version}.bin"),
                    size: 1000,
                    sha256: "00".repeat(32),
                },
                entries: 10,
            },
            deltas: deltas
                .iter()
                .map(|&(from, to, size)| DeltaRef {
                    from,
                    to,
                    file: FileRef {
                        name: format!("delta-{from}-{to}.bin"),
                        size,
                        sha256: "00".repeat(32),
                    },
                })
                .collect(),
            ladder: vec![],
        }
    }

    fn step(from: u64, to: u64, size: u64) -> DeltaRef {
        DeltaRef {
            from,
            to,
            file: FileRef {
                name: format!("ladder-{from}-{to}.bin"),
                size,
                sha256: "00".repeat(32),
            },
        }
    }

    #[test]
    fn plan_climbs_the_ladder_from_any_version_it_spans() {
        let key = generate_key();
        // Versions 1..=20; ladder deltas into 20 from 19, 16 and 8, into
        // 16 from 4, and deltas 18→19→20 for older phones.
        let mut m = manifest(&key, 20, &[(18, 19, 400), (19, 20, 400)]);
        m.snapshot.file.size = 1 << 30;
        m.ladder = vec![
            step(19, 20, 400),
            step(16, 20, 3000),
            step(8, 20, 7000),
            step(4, 16, 5000),
        ];
        let route = |m: &Manifest, have| match plan(m, Some(have)) {
            Plan::Deltas(p) => p.iter().map(|d| (d.from, d.to)).collect::<Vec<_>>(),
            other => panic!("{have}: {other:?}"),
        };
        // Within the rung: one file, from a version the ladder spans.
        assert_eq!(route(&m, 19), vec![(19, 20)]);
        assert_eq!(route(&m, 17), vec![(16, 20)]);
        assert_eq!(route(&m, 12), vec![(8, 20)]);
        // Further down: up to 16 first, then from 16.
        assert_eq!(route(&m, 5), vec![(4, 16), (16, 20)]);
        // The deltas still count: 18 takes 18→19→20 (800 bytes and two
        // files' cost) over 16→20.
        assert_eq!(route(&m, 18), vec![(18, 19), (19, 20)]);
        // Below every rung: the snapshot.
        assert!(matches!(plan(&m, Some(3)), Plan::Snapshot(_)));
        // Same cost, a file's cost included: the fewer files.
        m.ladder.push(step(18, 20, 800 + FILE_COST));
        assert_eq!(route(&m, 18), vec![(18, 20)]);
        // A manifest without the field reads as before, and one with it
        // keeps its ladder through signing.
        let back = verify(&sign(&m, &key), &[key.verifying_key()]).unwrap();
        assert_eq!(back.ladder.len(), 5);
        let text = String::from_utf8(sign(&manifest(&key, 1, &[]), &key)).unwrap();
        assert!(!text.contains("ladder"));
    }

    #[test]
    fn signed_manifest_verifies_only_with_its_key() {
        let key = generate_key();
        let other = generate_key();
        let m = manifest(&key, 3, &[(2, 3, 10)]);
        let file = sign(&m, &key);
        assert_eq!(
            verify(&file, &[other.verifying_key(), key.verifying_key()]).unwrap(),
            m
        );
        assert!(matches!(
            verify(&file, &[other.verifying_key()]),
            Err(FeedError::UnknownKey(_))
        ));
        // A forged manifest under the right key id fails the signature.
        let forged = String::from_utf8(file.clone())
            .unwrap()
            .replace("\\\"version\\\":3", "\\\"version\\\":4");
        assert_ne!(forged.as_bytes(), &file[..]);
        assert_eq!(
            verify(forged.as_bytes(), &[key.verifying_key()]),
            Err(FeedError::BadSignature)
        );
        // Any flipped byte is refused.
        for i in 0..file.len() {
            let mut bad = file.clone();
            bad[i] ^= 0x01;
            assert!(verify(&bad, &[key.verifying_key()]).is_err(), "byte {i}");
        }
    }

    #[test]
    fn paths_in_manifests_are_refused() {
        let key = generate_key();
        let mut m = manifest(&key, 1, &[]);
        m.snapshot.file.name = "../../etc/passwd".into();
        assert!(matches!(
            verify(&sign(&m, &key), &[key.verifying_key()]),
            Err(FeedError::Manifest(_))
        ));
    }

    #[test]
    fn keys_round_trip_through_their_files() {
        let key = generate_key();
        assert_eq!(
            parse_secret_key(&secret_key_text(&key)).unwrap().to_bytes(),
            key.to_bytes()
        );
        let public = hex::encode(key.verifying_key().as_bytes());
        assert_eq!(parse_public_key(&public).unwrap(), key.verifying_key());
        assert!(parse_public_key("abc").is_err());
        assert!(parse_secret_key("hello").is_err());
    }

    #[test]
    fn plan_picks_the_cheapest_route() {
        let key = generate_key();
        let m = manifest(&key, 5, &[(2, 3, 10), (3, 4, 10), (4, 5, 10), (3, 5, 15)]);
        assert_eq!(plan(&m, Some(5)), Plan::UpToDate);
        assert_eq!(plan(&m, None), Plan::Snapshot(m.snapshot.clone()));
        let Plan::Deltas(path) = plan(&m, Some(2)) else {
            panic!()
        };
        assert_eq!(
            path.iter().map(|d| (d.from, d.to)).collect::<Vec<_>>(),
            vec![(2, 3), (3, 5)]
        );
        // No route from version 1: the snapshot.
        assert!(matches!(plan(&m, Some(1)), Plan::Snapshot(_)));
        // Thousands of deltas, listed newest first: one pass still finds the
        // chain (the old relaxation loop took minutes here).
        let many: Vec<(u64, u64, u64)> = (1..5000).rev().map(|v| (v, v + 1, 0)).collect();
        let mut long = manifest(&key, 5000, &many);
        long.snapshot.file.size = 1 << 40;
        let Plan::Deltas(path) = plan(&long, Some(1)) else {
            panic!()
        };
        assert_eq!((path.len(), path[0].from, path[4998].to), (4999, 1, 5000));
        // A chain dearer than the snapshot: the snapshot.
        let dear = manifest(&key, 3, &[(2, 3, 5000)]);
        assert!(matches!(plan(&dear, Some(2)), Plan::Snapshot(_)));
    }
}
