//! What the tests of several modules share about real database files.

use super::Store;
use crate::model::{Category, Reported};
use tempfile::TempDir;

/// A new store in a folder of its own (kept while the `TempDir` lives).
pub fn fresh() -> (TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let opened = Store::open(&dir.path().join("cg.db")).unwrap();
    assert!(opened.moved_aside.is_none());
    (dir, opened.store)
}

pub fn rep(category: Category, reports: u32, label: Option<&str>) -> Reported {
    Reported {
        category,
        reports,
        last_reported: Some(19_782),
        label: label.map(str::to_string),
        reporters: None,
        source: None,
    }
}

/// Overwrites every byte of `path` from `offset` on with `byte`, as a
/// failing disk would: past 100 the header (and our application id)
/// survives; past 4096 the schema page does too, and only tables are lost.
pub fn damage_after(path: &std::path::Path, offset: usize, byte: u8) {
    let mut bytes = std::fs::read(path).unwrap();
    assert!(
        bytes.len() > offset,
        "{} has nothing past {offset}",
        path.display()
    );
    for b in bytes.iter_mut().skip(offset) {
        *b = byte;
    }
    std::fs::write(path, &bytes).unwrap();
}
