use super::testing::{damage_after, fresh, rep};
use super::*;
use crate::model::{Action, Level, Target};
use crate::number::{PhoneNumber, normalize};
use history::OUTBOX_LIMIT;

#[test]
fn imported_numbers_and_prefixes_are_found() {
    let (_d, store) = fresh();
    let n = store
        .import(
            vec![
                (
                    Target::Number(84_912_345_678),
                    rep(Category::Scam, 37, Some("mạo danh công an")),
                ),
                (
                    Target::Number(84_987_654_321),
                    rep(Category::Nuisance, 2, Some("mạo danh công an")),
                ),
                (Target::Prefix("84243".into()), rep(Category::Scam, 5, None)),
                (
                    Target::Prefix("8424399".into()),
                    rep(Category::Nuisance, 1, None),
                ),
            ],
            ListId::IMPORTS,
        )
        .unwrap();
    assert_eq!(n, 4);
    let l = store.lookup(&normalize("0912345678").unwrap()).unwrap();
    assert_eq!(
        l.reported().cloned(),
        Some(rep(Category::Scam, 37, Some("mạo danh công an")))
    );
    assert_eq!(l.user_list, None);

    // Longest prefix wins.
    let l = store.lookup(&normalize("024 3999 1234").unwrap()).unwrap();
    assert_eq!(l.reported().cloned(), None);
    assert_eq!(
        l.reported_prefix()
            .map(|(p, r)| (p.to_string(), r.clone()))
            .unwrap()
            .0,
        "8424399"
    );
    let l = store.lookup(&normalize("024 3111 1234").unwrap()).unwrap();
    assert_eq!(
        l.reported_prefix()
            .map(|(p, r)| (p.to_string(), r.clone()))
            .unwrap()
            .0,
        "84243"
    );
    let l = store.lookup(&normalize("028 3111 1234").unwrap()).unwrap();
    assert_eq!(l, Lookups::default());

    // The label is stored once.
    let labels: i64 = store
        .read(|c| Ok(c.query_row("SELECT count(*) FROM label", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(labels, 1);
}

#[test]
fn user_lists_hold_a_number_on_one_list_at_a_time() {
    let (_d, store) = fresh();
    let n = normalize("0912345678").unwrap();
    assert!(store.set_user_list(&n, Some(UserList::Block)).unwrap());
    assert!(
        !store.set_user_list(&n, Some(UserList::Block)).unwrap(),
        "no change the second time"
    );
    assert!(
        store
            .set_user_list(&normalize("+84912345678").unwrap(), Some(UserList::Allow))
            .unwrap()
    );
    assert_eq!(store.lookup(&n).unwrap().user_list, Some(UserList::Allow));
    assert!(store.list_entries(UserList::Block).unwrap().is_empty());
    let allowed = store.list_entries(UserList::Allow).unwrap();
    assert_eq!(allowed.len(), 1);
    assert_eq!(allowed[0].number, "0912345678");
    assert!(
        !store.remove_from_list(&n, UserList::Block).unwrap(),
        "not on the block list"
    );
    assert!(store.remove_from_list(&n, UserList::Allow).unwrap());
    assert_eq!(store.lookup(&n).unwrap().user_list, None);
}

#[test]
fn history_is_bounded_and_newest_first() {
    let (_d, store) = fresh();
    let n = normalize("0912345678").unwrap();
    for i in 0..25 {
        let level = if i % 2 == 0 {
            Level::Scam
        } else {
            Level::Unknown
        };
        store
            .record_call(
                Some(&n),
                level,
                Action::Warn,
                &["reported", "verification_failed"],
                10,
            )
            .unwrap();
    }
    store
        .record_call(None, Level::Unknown, Action::Allow, &["hidden"], 10)
        .unwrap();
    let h = store.history(100).unwrap();
    assert_eq!(h.len(), 10);
    assert_eq!(h[0].number, None);
    assert_eq!(h[0].reasons, vec!["hidden"]);
    assert_eq!(h[1].level, Level::Scam);
    assert_eq!(h[1].reasons, vec!["reported", "verification_failed"]);
    assert!(h.windows(2).all(|w| w[0].id > w[1].id));
    assert_eq!(store.clear_history().unwrap(), 10);
}

#[test]
fn reports_are_kept_in_the_outbox() {
    let (_d, store) = fresh();
    store
        .record_report("156", "LD 0912345678 x", "0912345678", "LD")
        .unwrap();
    let r = store.reports(10).unwrap();
    assert_eq!(
        (r[0].to.as_str(), r[0].body.as_str()),
        ("156", "LD 0912345678 x")
    );
}

#[test]
fn a_damaged_database_of_ours_is_moved_aside_not_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cg.db");
    drop(Store::open(&path).unwrap());
    damage_after(&path, 100, 0x5a);
    let damaged = std::fs::read(&path).unwrap();
    let opened = Store::open(&path).unwrap();
    let aside = opened.moved_aside.expect("told where the file went");
    assert_eq!(
        std::fs::read(&aside).unwrap(),
        damaged,
        "kept byte for byte"
    );
    assert!(
        aside
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("cg.db.corrupt-")
    );
    // The fresh database works.
    let n = normalize("0912345678").unwrap();
    opened
        .store
        .set_user_list(&n, Some(UserList::Allow))
        .unwrap();
}

#[test]
fn a_file_that_is_not_ours_is_refused_and_never_touched() {
    // Finding 12: `--db list.csv` renamed the user's CSV and put a database
    // in its place.
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("list.csv");
    let text = b"number,category,reports,last_reported,label\n0912345678,scam,1,,\n".repeat(50);
    std::fs::write(&csv, &text).unwrap();
    let other = dir.path().join("notes.db");
    Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('mine'); PRAGMA user_version = 3;")
        .unwrap();
    let other_bytes = std::fs::read(&other).unwrap();
    for (path, bytes) in [(&csv, text.clone()), (&other, other_bytes)] {
        let err = Store::open(path).err().expect("refused");
        assert!(
            err.to_string().contains("not a Cảnh Giác database")
                || err.to_string().contains("another program"),
            "{err}"
        );
        assert!(
            std::fs::read(path).unwrap() == bytes,
            "{} was changed",
            path.display()
        );
    }
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "nothing moved or created: {names:?}");
}

#[test]
fn our_databases_carry_our_application_id() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cg.db");
    drop(Store::open(&path).unwrap());
    let id: i32 = Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    assert_eq!(id, schema::APPLICATION_ID);
    assert_eq!(
        schema::recognise(&path, schema::APPLICATION_ID).unwrap(),
        schema::Recognised::Ours
    );
}

#[test]
fn two_corruptions_in_one_second_keep_both_copies() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cg.db");
    drop(Store::open(&path).unwrap());
    for round in 0..4u8 {
        damage_after(&path, 100, round + 1);
        assert!(Store::open(&path).unwrap().moved_aside.is_some());
    }
    let copies = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            let name = e
                .as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .into_owned();
            name.contains(".corrupt-") && !name.ends_with("-wal") && !name.ends_with("-shm")
        })
        .count();
    assert_eq!(copies, 4, "every damaged file is kept");
}

#[test]
fn the_outbox_is_bounded() {
    let (_d, store) = fresh();
    for i in 0..(OUTBOX_LIMIT + 20) {
        store
            .record_report("156", &format!("LD 0912345678 {i}"), "0912345678", "LD")
            .unwrap();
    }
    let all = store.reports(10_000).unwrap();
    assert_eq!(all.len() as i64, OUTBOX_LIMIT);
    assert!(all[0].body.ends_with(&format!(" {}", OUTBOX_LIMIT + 19)));
}

#[test]
fn a_database_with_a_damaged_header_is_moved_aside() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cg.db");
    {
        let s = Store::open(&path).unwrap().store;
        s.set_user_list(&normalize("0912345678").unwrap(), Some(UserList::Block))
            .unwrap();
    }
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[..16].copy_from_slice(b"garbage garbage!");
    std::fs::write(&path, &bytes).unwrap();
    let opened = Store::open(&path).unwrap();
    assert!(opened.moved_aside.is_some());
    assert_eq!(opened.store.stats().unwrap().blocked, 0);
}

#[test]
fn newer_schema_is_an_error_and_the_file_is_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cg.db");
    {
        let c = Connection::open(&path).unwrap();
        c.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).err().unwrap();
    assert!(
        matches!(err, Error::SchemaTooNew { found: 99, .. }),
        "{err}"
    );
    assert!(std::fs::read(&path).unwrap() == before, "the file changed");
    assert!(
        !dir.path().read_dir().unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains("corrupt"))
    );
}

#[test]
fn missing_or_read_only_folder_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = Store::open(&dir.path().join("nope/cg.db")).err().unwrap();
    assert!(err.to_string().contains("does not exist"), "{err}");
    // /proc refuses new files even to root, unlike a chmod-ed folder.
    let err = Store::open(Path::new("/proc/canhgiac-test.db"))
        .err()
        .unwrap();
    assert!(matches!(err, Error::Open(_)), "{err}");
}

#[test]
fn readers_do_not_wait_for_a_writer() {
    let (_d, store) = fresh();
    let n = normalize("0912345678").unwrap();
    store
        .import(
            vec![(Target::Number(84_912_345_678), rep(Category::Scam, 1, None))],
            ListId::IMPORTS,
        )
        .unwrap();
    // Hold a write transaction open while reading from the other connection.
    let writer = lock(store.writer.as_ref().unwrap());
    writer
        .execute_batch("BEGIN IMMEDIATE; DELETE FROM reported;")
        .unwrap();
    let started = std::time::Instant::now();
    let l = store.lookup(&n).unwrap();
    assert!(
        l.reported().cloned().is_some(),
        "the reader sees the last committed state"
    );
    // Generous: a blocked reader would wait for busy_timeout (1 s).
    assert!(started.elapsed() < std::time::Duration::from_millis(500));
    writer.execute_batch("ROLLBACK").unwrap();
}

#[test]
fn failed_import_changes_nothing() {
    let (_d, store) = fresh();
    store
        .import(
            vec![(Target::Number(84_912_345_678), rep(Category::Scam, 1, None))],
            ListId::IMPORTS,
        )
        .unwrap();
    // A label that is not text violates NOT NULL nowhere, so force a failure
    // inside the transaction with a trigger: the whole batch must roll back.
    store
        .write(|tx| {
            tx.execute_batch(
                "CREATE TEMP TRIGGER fail_on_second AFTER INSERT ON list.reported
                 WHEN NEW.number = 84900000002 BEGIN SELECT RAISE(ABORT, 'boom'); END;",
            )?;
            Ok(())
        })
        .unwrap();
    let rows = vec![
        (Target::Number(84_900_000_001), rep(Category::Scam, 1, None)),
        (Target::Number(84_900_000_002), rep(Category::Scam, 1, None)),
    ];
    assert!(store.import(rows, ListId::IMPORTS).is_err());
    assert_eq!(store.stats().unwrap().reported_numbers, 1);
}

#[test]
fn bytes_per_reported_number_on_disk() {
    // A small-scale check of the layout (the benchmark measures 1,000,000).
    let (dir, store) = fresh();
    let rows: Vec<_> = (0..50_000i64)
        .map(|i| {
            (
                Target::Number(84_900_000_000 + i * 1999),
                rep(Category::Scam, 3, None),
            )
        })
        .collect();
    store.import(rows, ListId::IMPORTS).unwrap();
    drop(store); // closing the last connection checkpoints the WAL
    // The list file holds the reported numbers (the user's file a copy of
    // the imports, which a real list does not have).
    let size = std::fs::metadata(dir.path().join("cg.list.db"))
        .unwrap()
        .len();
    let per = size as f64 / 50_000.0;
    assert!(per < 30.0, "{per} bytes per number");
}

#[test]
fn longest_prefix_matches_a_brute_force_search() {
    let (_d, store) = fresh();
    // Deterministic pseudo-random rules over a small alphabet, so that
    // near-misses (8431 vs 8432…) are common.
    let mut seed = 7u64;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    let mut rules = std::collections::BTreeSet::new();
    while rules.len() < 300 {
        let len = 3 + next() % 6;
        let tail: String = (0..len - 2)
            .map(|_| char::from(b'0' + (next() % 3) as u8))
            .collect();
        rules.insert(format!("84{tail}"));
    }
    let rows = rules
        .iter()
        .map(|p| {
            (
                Target::Prefix(p.clone()),
                rep(Category::Scam, p.len() as u32, None),
            )
        })
        .collect();
    store.import(rows, ListId::IMPORTS).unwrap();
    for _ in 0..2000 {
        let tail: String = (0..9)
            .map(|_| char::from(b'0' + (next() % 3) as u8))
            .collect();
        let digits = format!("84{tail}");
        let want = rules
            .iter()
            .filter(|p| digits.starts_with(p.as_str()))
            .max_by_key(|p| p.len());
        let n = PhoneNumber {
            e164: Some(format!("+{digits}")),
            ..normalize("0912345678").unwrap()
        };
        let got = store
            .lookup(&n)
            .unwrap()
            .reported_prefix()
            .map(|(p, r)| (p.to_string(), r.clone()))
            .map(|(p, _)| p);
        assert_eq!(got.as_ref(), want, "{digits}");
    }
}

#[test]
fn opening_never_waits_for_a_sync_and_read_only_never_writes() {
    // Finding 13: a `check` during a sync waited 2.4 s for the writer.
    let (d, store) = fresh();
    let path = d.path().join("cg.db");
    store
        .set_user_list(&normalize("0912345678").unwrap(), Some(UserList::Block))
        .unwrap();
    let writer = lock(store.writer.as_ref().unwrap());
    writer
        .execute_batch("BEGIN IMMEDIATE; DELETE FROM user_list;")
        .unwrap();
    let started = std::time::Instant::now();
    let other = Store::open(&path).unwrap().store;
    let ro = Store::open_read_only(&path).unwrap();
    for s in [&other, &ro] {
        assert_eq!(s.stats().unwrap().blocked, 1, "the last committed state");
    }
    // A waiting open would sit out busy_timeout (5 s).
    assert!(
        started.elapsed() < std::time::Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );
    writer.execute_batch("ROLLBACK").unwrap();
    drop(writer);
    let err = ro.clear_history().unwrap_err();
    assert!(err.to_string().contains("read-only"), "{err}");
    // Nothing read-only creates a file.
    assert!(Store::open_read_only(&d.path().join("none.db")).is_err());
    assert!(!d.path().join("none.db").exists());
}

#[test]
fn the_list_lives_in_its_own_file_and_the_users_imports_survive_its_loss() {
    // Finding 9: one file held the replaceable list and the user's data.
    let (d, store) = fresh();
    let mine = normalize("0900000005").unwrap();
    store
        .import(
            vec![(
                Target::Number(mine.key().unwrap()),
                rep(Category::Nuisance, 2, Some("của tôi")),
            )],
            ListId::IMPORTS,
        )
        .unwrap();
    store
        .set_user_list(&normalize("0912345678").unwrap(), Some(UserList::Block))
        .unwrap();
    drop(store);
    let list = d.path().join("cg.list.db");
    assert!(list.exists());
    // The list file is thrown away: the user's file has all that was theirs.
    std::fs::remove_file(&list).unwrap();
    let _ = std::fs::remove_file(d.path().join("cg.list.db-wal"));
    let _ = std::fs::remove_file(d.path().join("cg.list.db-shm"));
    let store = Store::open(&d.path().join("cg.db")).unwrap().store;
    let l = store.lookup(&mine).unwrap().reported().cloned().unwrap();
    assert_eq!(
        (l.category, l.reports, l.label.as_deref()),
        (Category::Nuisance, 2, Some("của tôi"))
    );
    assert_eq!(store.stats().unwrap().blocked, 1);
}

#[test]
fn a_damaged_list_file_is_moved_aside_and_the_users_file_is_untouched() {
    let (d, store) = fresh();
    store
        .set_user_list(&normalize("0912345678").unwrap(), Some(UserList::Allow))
        .unwrap();
    store
        .import(
            vec![(Target::Number(84_900_000_001), rep(Category::Scam, 1, None))],
            ListId::IMPORTS,
        )
        .unwrap();
    drop(store);
    let list = d.path().join("cg.list.db");
    damage_after(&list, 100, 0x33);
    let opened = Store::open(&d.path().join("cg.db")).unwrap();
    assert!(opened.moved_aside.is_none(), "the user's file is fine");
    let aside = opened.list_moved_aside.expect("the damaged list was moved");
    assert!(aside.to_string_lossy().contains("cg.list.db.corrupt-"));
    let s = opened.store.stats().unwrap();
    assert_eq!(
        (s.allowed, s.reported_numbers),
        (1, 1),
        "imports copied back"
    );
}
