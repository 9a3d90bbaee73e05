//! The imports journal kept in step with the list file: appends, replays at
//! open, a torn tail, a damaged record, a lost list, and the upgrade from
//! the user's file of version 6.

use super::super::testing::rep;
use super::super::{ListId, Store, journal, list_path};
use super::for_each_import;
use crate::model::{Category, Reported, Target};
use std::path::Path;

fn rows(from: i64, n: i64) -> Vec<(Target, Reported)> {
    (0..n)
        .map(|i| {
            let label = (i % 3 == 0).then_some("cộng đồng");
            (
                Target::Number(84_901_000_001 + from + i),
                rep(Category::Scam, 1 + (i % 5) as u32, label),
            )
        })
        .collect()
}

fn imports(store: &Store) -> Vec<(Target, Reported)> {
    let mut all = Vec::new();
    store
        .read(|c| {
            for_each_import(c, |b| {
                all.extend_from_slice(b);
                Ok(())
            })
        })
        .unwrap();
    all
}

fn open(path: &Path) -> Store {
    Store::open(path).unwrap().store
}

fn len(path: &Path) -> u64 {
    std::fs::metadata(path).unwrap().len()
}

#[test]
fn a_new_list_file_gets_every_import_back_from_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cg.db");
    let mut expected = rows(0, 3_000);
    {
        let store = open(&path);
        store.import(rows(0, 2_000), ListId::IMPORTS).unwrap();
        store.import(rows(1_000, 2_000), ListId::IMPORTS).unwrap();
        store
            .import(
                vec![(
                    Target::Prefix("8424399".into()),
                    rep(Category::Suspicious, 2, None),
                )],
                ListId::IMPORTS,
            )
            .unwrap();
        // Later imports override: the second batch's entries win.
        expected.splice(1_000.., rows(1_000, 2_000));
        expected.push((
            Target::Prefix("8424399".into()),
            rep(Category::Suspicious, 2, None),
        ));
        assert_eq!(imports(&store), expected);
    }
    // The list file is lost (a phone restored without it, a damaged one
    // thrown away): the next open replays the whole journal.
    std::fs::remove_file(list_path(&path)).unwrap();
    let store = open(&path);
    assert_eq!(imports(&store), expected);
    assert!(
        len(&journal::path(&path)) < 4_001 * 8 + 200,
        "{}",
        len(&journal::path(&path))
    );
}

#[test]
fn records_appended_but_never_committed_to_the_list_are_replayed_at_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cg.db");
    let jpath = journal::path(&path);
    {
        let store = open(&path);
        store.import(rows(0, 100), ListId::IMPORTS).unwrap();
    }
    // The process died after the journal's append and fsync, before the
    // list's commit: the journal holds a batch the list does not.
    let mut late = rows(500, 50);
    journal::sort_batch(&mut late);
    let mut bytes = Vec::new();
    journal::encode_puts(&late, &mut bytes);
    journal::append(&jpath, len(&jpath), &bytes).unwrap();
    let store = open(&path);
    let mut expected = rows(0, 100);
    expected.extend(rows(500, 50));
    assert_eq!(imports(&store), expected);
    // And it is noted: the next import appends after it.
    store.import(rows(900, 1), ListId::IMPORTS).unwrap();
    std::fs::remove_file(list_path(&path)).unwrap();
    drop(store);
    expected.extend(rows(900, 1));
    assert_eq!(imports(&open(&path)), expected);
}

#[test]
fn a_torn_append_is_cut_back_to_the_last_whole_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cg.db");
    let jpath = journal::path(&path);
    {
        let store = open(&path);
        store.import(rows(0, 100), ListId::IMPORTS).unwrap();
    }
    let good = len(&jpath);
    // Half a record: a crash in the middle of an append.
    let mut late = rows(500, 50);
    journal::sort_batch(&mut late);
    let mut bytes = Vec::new();
    journal::encode_puts(&late, &mut bytes);
    journal::append(&jpath, good, &bytes[..bytes.len() / 2]).unwrap();
    let store = open(&path);
    assert_eq!(imports(&store), rows(0, 100));
    assert_eq!(len(&jpath), good, "the torn tail was cut");
    store.import(rows(700, 10), ListId::IMPORTS).unwrap();
    drop(store);
    std::fs::remove_file(list_path(&path)).unwrap();
    let mut expected = rows(0, 100);
    expected.extend(rows(700, 10));
    assert_eq!(imports(&open(&path)), expected);
}

fn aside(dir: &Path, name: &str) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with(&format!("{name}.corrupt-"))
        })
        .count()
}

#[test]
fn a_damaged_record_is_caught_and_the_journal_written_again_from_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cg.db");
    let jpath = journal::path(&path);
    let store = open(&path);
    store.import(rows(0, 100), ListId::IMPORTS).unwrap();
    let first = len(&jpath);
    store.import(rows(200, 100), ListId::IMPORTS).unwrap();
    store.import(rows(400, 100), ListId::IMPORTS).unwrap();
    assert!(store.check_imports_journal().unwrap());
    // A bit flips in the middle record's payload.
    let mut bytes = std::fs::read(&jpath).unwrap();
    bytes[first as usize + 20] ^= 0x10;
    std::fs::write(&jpath, &bytes).unwrap();
    assert!(!store.check_imports_journal().unwrap());
    assert_eq!(
        aside(dir.path(), "cg.db.imports"),
        1,
        "moved aside, not deleted"
    );
    assert!(store.check_imports_journal().unwrap());
    drop(store);
    // The rewritten journal holds everything the list held.
    std::fs::remove_file(list_path(&path)).unwrap();
    let mut expected = rows(0, 100);
    expected.extend(rows(200, 100));
    expected.extend(rows(400, 100));
    assert_eq!(imports(&open(&path)), expected);
}

#[test]
fn a_lost_journal_is_written_again_from_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cg.db");
    let jpath = journal::path(&path);
    open(&path).import(rows(0, 100), ListId::IMPORTS).unwrap();
    std::fs::remove_file(&jpath).unwrap();
    let store = open(&path);
    assert!(jpath.is_file());
    drop(store);
    std::fs::remove_file(list_path(&path)).unwrap();
    assert_eq!(imports(&open(&path)), rows(0, 100));
}

#[test]
fn the_journal_is_compacted_once_it_doubles_and_keeps_the_same_imports() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cg.db");
    let jpath = journal::path(&path);
    let store = open(&path);
    store.import(rows(0, 100_000), ListId::IMPORTS).unwrap();
    let fresh = len(&jpath);
    let mut peak = 0;
    // The same list imported again and again: the journal grows, then is
    // written whole, never past about twice its fresh size.
    for _ in 0..6 {
        store.import(rows(0, 100_000), ListId::IMPORTS).unwrap();
        peak = peak.max(len(&jpath));
    }
    assert!(
        peak <= 2 * fresh.max(1 << 20) + fresh,
        "{peak} against {fresh}"
    );
    assert!(len(&jpath) < 3 * fresh);
    drop(store);
    std::fs::remove_file(list_path(&path)).unwrap();
    assert_eq!(imports(&open(&path)), rows(0, 100_000));
}

/// The user's file as version 6 shipped it (what `schema::CREATE_SCHEMA`
/// was then). Never edit.
const USER_V6: &str = "
CREATE TABLE user_list (key TEXT PRIMARY KEY, list INTEGER NOT NULL CHECK (list IN (1, 2)),
    number TEXT NOT NULL, added_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE call_history (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, number TEXT, e164 TEXT,
    level TEXT NOT NULL, action TEXT NOT NULL, reasons TEXT NOT NULL);
CREATE TABLE report_outbox (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, to_addr TEXT NOT NULL,
    body TEXT NOT NULL, number TEXT NOT NULL, keyword TEXT NOT NULL);
CREATE TABLE config (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE feed (id INTEGER PRIMARY KEY CHECK (id BETWEEN 1 AND 15), name TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL, keys TEXT NOT NULL, verify_orgs INTEGER NOT NULL DEFAULT 0,
    added_at INTEGER NOT NULL);
CREATE TABLE imported (target TEXT PRIMARY KEY, category INTEGER NOT NULL,
    reports INTEGER NOT NULL, last_reported INTEGER, label TEXT) WITHOUT ROWID;
PRAGMA application_id = 1128744753;
PRAGMA user_version = 6;
";

/// A user's file of version 6 with `n` imports and one blocked number, as
/// a phone holds it; the list file is left to the store (made new).
fn v6_file(path: &Path, n: i64) {
    let c = rusqlite::Connection::open(path).unwrap();
    c.execute_batch(USER_V6).unwrap();
    c.execute_batch("BEGIN").unwrap();
    for (t, r) in rows(0, n) {
        let Target::Number(k) = t else { unreachable!() };
        c.execute(
            "INSERT INTO imported VALUES (?1, 1, ?2, ?3, ?4)",
            rusqlite::params![k.to_string(), r.reports, r.last_reported, r.label],
        )
        .unwrap();
    }
    c.execute(
        "INSERT INTO imported VALUES ('8424399*', 4, 2, NULL, NULL)",
        [],
    )
    .unwrap();
    c.execute(
        "INSERT INTO user_list VALUES ('+84987654321', 2, '0987 654 321', 0)",
        [],
    )
    .unwrap();
    c.execute_batch("COMMIT").unwrap();
}

fn expected_v6(n: i64) -> Vec<(Target, Reported)> {
    let mut expected = rows(0, n);
    expected.push((
        Target::Prefix("8424399".into()),
        rep(Category::Suspicious, 2, None),
    ));
    for (_, r) in expected.iter_mut() {
        if r.category == Category::Suspicious {
            r.last_reported = None;
        }
    }
    expected
}

#[test]
fn a_version_6_users_file_moves_its_imports_into_the_journal_and_shrinks() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cg.db");
    v6_file(&path, 20_000);
    let before = len(&path);
    let store = open(&path);
    assert_eq!(imports(&store), expected_v6(20_000));
    assert_eq!(store.stats().unwrap().blocked, 1);
    let table: i64 = store
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM main.sqlite_master WHERE name = 'imported'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(table, 0, "the table is gone");
    drop(store);
    let after = len(&path);
    assert!(after * 4 < before, "{before} bytes before, {after} after");
    // The journal alone brings them back.
    std::fs::remove_file(list_path(&path)).unwrap();
    assert_eq!(imports(&open(&path)), expected_v6(20_000));
}

#[test]
fn an_upgrade_that_crashed_after_writing_the_journal_is_done_again_from_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cg.db");
    v6_file(&path, 1_000);
    // A journal from an attempt that never committed (here: of other
    // entries, to tell it apart), and a list file that noted it.
    {
        let mut f = journal::Fresh::create(&journal::path(&path)).unwrap();
        f.put(&rows(50_000, 10)).unwrap();
        f.finish().unwrap();
    }
    let store = open(&path);
    assert_eq!(imports(&store), expected_v6(1_000));
    drop(store);
    std::fs::remove_file(list_path(&path)).unwrap();
    assert_eq!(imports(&open(&path)), expected_v6(1_000));
}

#[test]
fn a_file_left_unvacuumed_by_a_crash_after_the_upgrade_shrinks_at_the_next_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cg.db");
    drop(open(&path));
    {
        // What a crash between the upgrade's commit and its VACUUM leaves:
        // the dropped table's pages, free.
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(
            "CREATE TABLE dropped (x BLOB);
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
             INSERT INTO dropped SELECT zeroblob(4000) FROM n;
             DROP TABLE dropped;
             PRAGMA wal_checkpoint(TRUNCATE);",
        )
        .unwrap();
    }
    let before = len(&path);
    assert!(before > 4 << 20, "{before}");
    drop(open(&path));
    assert!(len(&path) < 256 << 10, "{} bytes", len(&path));
}
