//! The reporter key: the HMAC key of every reporter's hash, kept in a file
//! of its own outside the publisher database.
//!
//! Vietnam's mobile numbers are few enough (about 3.8×10^8) to try them
//! all against a hash in minutes on one core: a database that holds its
//! own key gives its reporters away to whoever copies it. With the key in
//! another file, the database alone (a backup, a copied folder) tells
//! nothing; the database keeps only the key's fingerprint, so that a wrong
//! key is refused instead of counting every reporter as new.

use crate::error::{Error, Result};
use hmac::{Hmac, Mac};
use rand_core::RngCore;
use sha2::Sha256;
use std::io::{Read, Write};
use std::path::Path;

/// The text a key file holds: the key as 64 hex characters, one line. A
/// file longer than this (with room for a comment-free newline or two) is
/// not a key file and is not read further.
const MAX_FILE_BYTES: u64 = 256;

/// 32 random bytes.
pub(super) struct ReporterKey([u8; 32]);

impl ReporterKey {
    pub(super) fn generate() -> ReporterKey {
        let mut key = [0u8; 32];
        rand_core::OsRng.fill_bytes(&mut key);
        ReporterKey(key)
    }

    pub(super) fn from_bytes(bytes: [u8; 32]) -> ReporterKey {
        ReporterKey(bytes)
    }

    pub(super) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Reads a key file written by [`ReporterKey::write_new`].
    pub(super) fn read(path: &Path) -> Result<ReporterKey> {
        let unreadable = |e: std::io::Error| {
            Error::Open(format!(
                "cannot read the reporter key {}: {e}",
                path.display()
            ))
        };
        let mut text = String::new();
        std::fs::File::open(path)
            .map_err(unreadable)?
            .take(MAX_FILE_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(unreadable)?;
        let not_a_key = || {
            Error::Open(format!(
                "{} is not a reporter key (64 hex characters, as `reports init` writes it)",
                path.display()
            ))
        };
        if text.len() as u64 > MAX_FILE_BYTES {
            return Err(not_a_key());
        }
        let bytes = hex::decode(text.trim()).map_err(|_| not_a_key())?;
        #[cfg(unix)]
        if let Ok(meta) = std::fs::metadata(path) {
            use std::os::unix::fs::PermissionsExt;
            if meta.permissions().mode() & 0o077 != 0 {
                // Readable by others: whoever can read it and the database
                // can recover every reporter.
                tracing::warn!(
                    file = %path.display(),
                    "the reporter key is readable by other users: chmod 600 it"
                );
            }
        }
        Ok(ReporterKey(bytes.try_into().map_err(|_| not_a_key())?))
    }

    /// Writes the key to a new file, readable by its owner only; an
    /// existing file is never replaced (it may be the only copy of another
    /// database's key).
    pub(super) fn write_new(&self, path: &Path) -> Result<()> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path).map_err(|e| {
            Error::Open(if e.kind() == std::io::ErrorKind::AlreadyExists {
                format!(
                    "{} already exists; it was left untouched (it may be another database's key): choose another path",
                    path.display()
                )
            } else {
                format!("cannot write the reporter key {}: {e}", path.display())
            })
        })?;
        let written = file
            .write_all(format!("{}\n", hex::encode(self.0)).as_bytes())
            .and_then(|()| file.sync_all());
        if let Err(e) = written {
            drop(file);
            let _ = std::fs::remove_file(path);
            return Err(Error::Open(format!(
                "cannot write the reporter key {}: {e}",
                path.display()
            )));
        }
        Ok(())
    }

    /// What the database keeps to recognise its key: a keyed hash of a
    /// fixed text. It cannot give the key back (the key is 256 random
    /// bits), and tells a wrong key from the right one.
    pub(super) fn fingerprint(&self) -> [u8; 32] {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(b"canhgiac reporter key fingerprint\0");
        mac.finalize().into_bytes().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_file_is_owner_only_never_replaced_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("reporter.key");
        let key = ReporterKey::generate();
        key.write_new(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(ReporterKey::read(&path).unwrap().bytes(), key.bytes());
        let err = ReporterKey::generate().write_new(&path).unwrap_err();
        assert!(err.to_string().contains("already exists"), "{err}");
        assert_eq!(ReporterKey::read(&path).unwrap().bytes(), key.bytes());
    }

    #[test]
    fn what_is_not_a_key_is_refused_in_words() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k");
        for bad in [
            "",
            "zz",
            &"ab".repeat(31),
            &"ab".repeat(33),
            &"a".repeat(4000),
        ] {
            std::fs::write(&path, bad).unwrap();
            let err = ReporterKey::read(&path).err().unwrap();
            assert!(
                err.to_string().contains("not a reporter key"),
                "{bad}: {err}"
            );
        }
        let err = ReporterKey::read(&dir.path().join("missing"))
            .err()
            .unwrap();
        assert!(err.to_string().contains("cannot read"), "{err}");
    }

    #[test]
    fn the_fingerprint_tells_keys_apart_and_is_not_the_key() {
        let a = ReporterKey::from_bytes([1; 32]);
        let b = ReporterKey::from_bytes([2; 32]);
        assert_ne!(a.fingerprint(), b.fingerprint());
        assert_eq!(
            a.fingerprint(),
            ReporterKey::from_bytes([1; 32]).fingerprint()
        );
        assert_ne!(&a.fingerprint(), a.bytes());
    }
}
