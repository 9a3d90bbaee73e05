//! Finding 11: the user's data backed up and restored, and recovered after
//! damage; a backup file treated as outside input.

use crate::api::{CallGuard, GuardConfig};
use crate::model::Action;
use crate::store::UserList;

fn guard(dir: &tempfile::TempDir, name: &str) -> CallGuard {
    CallGuard::open(&dir.path().join(name), GuardConfig::default()).unwrap()
}

fn key() -> String {
    hex::encode(crate::feed::generate_key().verifying_key().as_bytes())
}

#[test]
fn a_backup_restored_on_a_new_phone_brings_back_lists_policy_feed_and_imports() {
    let dir = tempfile::tempdir().unwrap();
    let old = guard(&dir, "old.db");
    old.allow("0912 345 678".into()).unwrap();
    old.block("+84 98 765 4321".into()).unwrap();
    let mut p = old.policy();
    p.scam = Action::Block;
    old.set_policy(p.clone()).unwrap();
    let k = key();
    old.set_feed(
        "https://lists.example.org/feed/".into(),
        vec![k.clone()],
        false,
        false,
    )
    .unwrap();
    old.import_from(
        "number,category,reports,last_reported,label\n0900000005,nuisance,2,2024-02-15,của tôi\n+224*,scam,5,,wangiri\n"
            .as_bytes(),
    )
    .unwrap();
    old.record(
        &old.screen(Some("0900000005".into()), Default::default())
            .unwrap(),
    )
    .unwrap();
    let bytes = old.export_backup(true).unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.contains("\"format\": \"canhgiac-backup\""), "{text}");

    let new = guard(&dir, "new.db");
    let summary = new.restore_backup(bytes).unwrap();
    assert_eq!(
        (summary.lists, summary.imported, summary.history),
        (2, 2, 1)
    );
    assert!(summary.skipped.is_empty(), "{:?}", summary.skipped);
    assert_eq!(new.list(UserList::Allow).unwrap().len(), 1);
    assert_eq!(new.list(UserList::Block).unwrap().len(), 1);
    assert_eq!(new.policy(), p);
    let st = new.feed_status().unwrap();
    assert_eq!(st.url.as_deref(), Some("https://lists.example.org/feed/"));
    assert_eq!(st.public_keys, vec![k]);
    let v = new
        .screen(Some("0900000005".into()), Default::default())
        .unwrap();
    assert_eq!(v.report.unwrap().label.as_deref(), Some("của tôi"));
    assert_eq!(new.history(10).unwrap().len(), 1);
    // Without history, none is carried.
    let lean = String::from_utf8(old.export_backup(false).unwrap()).unwrap();
    assert!(!lean.contains("\"history\""));
}

#[test]
fn a_hostile_or_foreign_backup_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let g = guard(&dir, "cg.db");
    g.allow("0912345678".into()).unwrap();
    let before = g.export_backup(true).unwrap();
    let huge = vec![b' '; super::MAX_BYTES + 1];
    let newer = String::from_utf8(before.clone())
        .unwrap()
        .replace("\"version\": 1", "\"version\": 99");
    let many = format!(
        "{{\"format\":\"canhgiac-backup\",\"version\":1,\"exported_at\":0,\"lists\":[{}],\"policy\":null,\"feed\":null,\"imported\":[]}}",
        vec![
            "{\"number\":\"0912345678\",\"list\":\"allow\",\"added_at\":0}";
            super::MAX_LIST_ENTRIES + 1
        ]
        .join(",")
    );
    for bad in [
        huge,
        b"number,category\n0912345678,scam\n".to_vec(),
        b"{\"format\":\"something-else\",\"version\":1}".to_vec(),
        newer.into_bytes(),
        many.into_bytes(),
    ] {
        assert!(g.restore_backup(bad).is_err());
    }
    // The same data (the export's own time aside).
    let without_time = |b: Vec<u8>| {
        String::from_utf8(b)
            .unwrap()
            .lines()
            .filter(|l| !l.contains("exported_at"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        without_time(g.export_backup(true).unwrap()),
        without_time(before)
    );
}

#[test]
fn entries_that_break_the_rules_are_skipped_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let g = guard(&dir, "cg.db");
    let backup = format!(
        r#"{{"format":"canhgiac-backup","version":1,"exported_at":0,
            "lists":[{{"number":"113","list":"block","added_at":0}},
                     {{"number":"hello","list":"allow","added_at":0}},
                     {{"number":"0912345678","list":"allow","added_at":0}}],
            "policy":{{"unknown":"silence","suspicious":"warn","nuisance":"warn","scam":"warn","blocked":"block",
                       "wangiri_country_codes":["84"],"min_reporters":3,"fresh_days":90,"expire_days":365}},
            "feed":{{"url":"http://plain.example.org/feed/","public_keys":["{}"],"max_download":null,"timeout_secs":null,"max_entries":null}},
            "imported":[{{"target":"+84900000005","category":"scam","reports":2,"last_reported":"5000-01-01","label":null}},
                        {{"target":"+84900000006","category":"scam","reports":2,"last_reported":null,"label":"\u202eevil"}},
                        {{"target":"+84900000007","category":"scam","reports":2,"last_reported":null,"label":"ok"}}]}}"#,
        key()
    );
    let s = g.restore_backup(backup.into_bytes()).unwrap();
    assert_eq!((s.lists, s.imported), (1, 1), "{:?}", s.skipped);
    assert_eq!(s.skipped.len(), 6, "{:?}", s.skipped);
    assert!(s.skipped.iter().any(|r| r.contains("emergency")));
    assert!(s.skipped.iter().any(|r| r.contains("not https")));
    assert!(s.skipped.iter().any(|r| r.starts_with("policy: wangiri")));
    assert_eq!(g.policy(), crate::classify::Policy::default());
    assert_eq!(g.feed_status().unwrap().url, None);
}

#[test]
fn sync_limits_beyond_their_ceilings_are_not_restored() {
    let dir = tempfile::tempdir().unwrap();
    let g = guard(&dir, "cg.db");
    let backup = format!(
        r#"{{"format":"canhgiac-backup","version":1,"exported_at":0,"lists":[],"policy":null,
            "feed":{{"url":"https://lists.example.org/feed/","public_keys":["{}"],
                     "max_download":null,"timeout_secs":60,"max_entries":1000000000000}},
            "imported":[]}}"#,
        key()
    );
    let s = g.restore_backup(backup.into_bytes()).unwrap();
    assert_eq!(s.skipped.len(), 1, "{:?}", s.skipped);
    assert!(
        s.skipped[0].starts_with("feed settings: feed.max_entries must be 1 to"),
        "{:?}",
        s.skipped
    );
    // Nothing of the refused settings is kept: neither the address nor the timeout.
    assert_eq!(g.feed_status().unwrap().url, None);
}

#[test]
fn a_damaged_users_file_is_recovered_from_the_backup_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cg.db");
    {
        let g = guard(&dir, "cg.db");
        g.block("0987654321".into()).unwrap();
        let mut p = g.policy();
        p.unknown = Action::Silence;
        g.set_policy(p).unwrap();
    }
    assert!(dir.path().join("cg.db.backup.json").is_file());
    // The user's file loses its pages; the header stays (it is ours).
    let mut bytes = std::fs::read(&path).unwrap();
    for b in bytes.iter_mut().skip(100) {
        *b = 0x5a;
    }
    std::fs::write(&path, &bytes).unwrap();
    let g = guard(&dir, "cg.db");
    assert!(g.recovered_from().is_some());
    assert!(g.restored_from_backup().is_some());
    assert_eq!(g.list(UserList::Block).unwrap().len(), 1);
    assert_eq!(g.policy().unknown, Action::Silence);
}

#[test]
fn every_feed_followed_is_carried_but_never_the_consent_to_verify() {
    let dir = tempfile::tempdir().unwrap();
    let old = guard(&dir, "old.db");
    let (k1, k2) = (key(), key());
    old.set_feed(
        "https://lists.example.org/feed/".into(),
        vec![k1.clone()],
        false,
        true,
    )
    .unwrap();
    old.add_feed(
        "Công an tỉnh X".into(),
        "https://police.example.org/feed/".into(),
        vec![k2.clone()],
        false,
        true,
    )
    .unwrap();
    let bytes = old.export_backup(false).unwrap();
    let new = guard(&dir, "new.db");
    let summary = new.restore_backup(bytes).unwrap();
    assert!(summary.skipped.is_empty(), "{:?}", summary.skipped);
    let feeds: Vec<(String, Option<String>, Vec<String>, bool)> = new
        .feeds()
        .unwrap()
        .into_iter()
        .map(|f| (f.name, f.url, f.public_keys, f.verify_orgs))
        .collect();
    assert_eq!(
        feeds,
        vec![
            (
                "default".into(),
                Some("https://lists.example.org/feed/".into()),
                vec![k1],
                false
            ),
            (
                "Công an tỉnh X".into(),
                Some("https://police.example.org/feed/".into()),
                vec![k2],
                false
            ),
        ]
    );
    // Restoring onto the old phone keeps its consent: same address, same keys.
    old.restore_backup(old.export_backup(false).unwrap())
        .unwrap();
    assert!(old.feeds().unwrap().iter().all(|f| f.verify_orgs));
}

fn damage(path: &std::path::Path) {
    crate::store::testing::damage_after(path, 100, 0x5a);
}

fn csv(from: u64, n: u64) -> String {
    let mut csv = String::from("number,category,reports,last_reported,label\n");
    for i in 0..n {
        csv.push_str(&format!(
            "+8490{:07},scam,2,2024-02-15,cộng đồng\n",
            1_000_001 + from + i
        ));
    }
    csv
}

#[test]
fn a_recovery_that_cannot_complete_is_an_error_and_tried_again_never_an_empty_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cg.db");
    {
        let g = guard(&dir, "cg.db");
        g.block("0987654321".into()).unwrap();
    }
    let kept = super::beside(&path);
    let good = std::fs::read(&kept).unwrap();
    // The copy beside is cut short (a disk that lost its tail).
    std::fs::write(&kept, &good[..good.len() / 2]).unwrap();
    damage(&path);
    let err = CallGuard::open(&path, GuardConfig::default())
        .err()
        .unwrap();
    assert!(err.to_string().contains("tried again"), "{err}");
    assert!(crate::store::recovery_marker(&path).exists());
    // A read-only open (the CLI's `list`) never shows the fresh, empty file.
    assert!(CallGuard::open_read_only(&path, GuardConfig::default()).is_err());
    // Opened again, it still recovers (not a fresh, empty start), and does
    // not overwrite the copy it recovers from.
    assert!(CallGuard::open(&path, GuardConfig::default()).is_err());
    assert_eq!(std::fs::read(&kept).unwrap(), &good[..good.len() / 2]);
    // The copy repaired (or put back by hand): the next open completes.
    std::fs::write(&kept, &good).unwrap();
    let g = guard(&dir, "cg.db");
    assert_eq!(g.list(UserList::Block).unwrap().len(), 1);
    assert!(!crate::store::recovery_marker(&path).exists());
}

#[test]
fn a_burst_of_small_changes_then_damage_loses_none_of_them() {
    // README, Reliability: the copy beside the user's file is written
    // before each change returns, so every change that returned survives.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cg.db");
    {
        let g = guard(&dir, "cg.db");
        g.import_from(csv(0, 2_000).as_bytes()).unwrap();
        for i in 0..20 {
            g.block(format!("09870000{i:02}")).unwrap();
        }
        for i in 0..5 {
            g.allow(format!("09120000{i:02}")).unwrap();
        }
        g.unblock("0987000003".into()).unwrap();
        let mut p = g.policy();
        p.unknown = Action::Silence;
        g.set_policy(p).unwrap();
        g.add_feed(
            "Công an tỉnh X".into(),
            "https://police.example.org/feed/".into(),
            vec![key()],
            false,
            false,
        )
        .unwrap();
    }
    damage(&path);
    let g = guard(&dir, "cg.db");
    assert!(g.recovered_from().is_some());
    assert_eq!(g.list(UserList::Block).unwrap().len(), 19);
    assert_eq!(g.list(UserList::Allow).unwrap().len(), 5);
    assert_eq!(g.policy().unknown, Action::Silence);
    assert!(
        g.feeds()
            .unwrap()
            .iter()
            .any(|f| f.name == "Công an tỉnh X")
    );
    assert_eq!(g.stats().unwrap().reported_numbers, 2_000);
}

/// A copy beside the user's file as versions before 7 wrote it: with the
/// imports, pretty-printed, here over 16 MiB.
fn old_copy_with_imports(n: u64) -> String {
    let mut s = String::from(
        "{\n  \"format\": \"canhgiac-backup\",\n  \"version\": 1,\n  \"exported_at\": 0,\n  \"lists\": [\n    {\n      \"number\": \"0987 654 321\",\n      \"list\": \"block\",\n      \"added_at\": 0\n    }\n  ],\n  \"policy\": null,\n  \"feed\": null,\n  \"imported\": [",
    );
    for i in 0..n {
        s.push_str(&format!(
            "{}\n    {{\n      \"target\": \"+8490{:07}\",\n      \"category\": \"scam\",\n      \"reports\": 2,\n      \"last_reported\": \"2024-02-15\",\n      \"label\": \"cộng đồng\"\n    }}",
            if i == 0 { "" } else { "," },
            1_000_001 + i
        ));
    }
    s.push_str("\n  ]\n}\n");
    s
}

#[test]
fn an_old_copy_beside_the_file_over_16_mib_with_imports_still_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cg.db");
    drop(guard(&dir, "cg.db"));
    let copy = old_copy_with_imports(120_000);
    assert!(copy.len() > super::MAX_BYTES, "{} bytes", copy.len());
    std::fs::write(super::beside(&path), copy).unwrap();
    damage(&path);
    let g = guard(&dir, "cg.db");
    assert!(g.restored_from_backup().is_some());
    assert_eq!(g.list(UserList::Block).unwrap().len(), 1);
    assert_eq!(g.stats().unwrap().reported_numbers, 120_000);
    // The copy written next carries no imports: a few hundred bytes.
    g.allow("0912345678".into()).unwrap();
    assert!(std::fs::metadata(super::beside(&path)).unwrap().len() < 4_096);
}

#[test]
fn a_streamed_restore_that_fails_midway_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let old = guard(&dir, "old.db");
    old.import_from(csv(0, 30_000).as_bytes()).unwrap();
    old.block("0987654321".into()).unwrap();
    let mut bytes = Vec::new();
    old.export_backup_to(&mut bytes, false, None).unwrap();
    let new = guard(&dir, "new.db");
    new.import_from(csv(100_000, 10).as_bytes()).unwrap();
    let journal = crate::store::journal::path(&dir.path().join("new.db"));
    let journal_before = std::fs::read(&journal).unwrap();
    // Cut in the middle of the imports: 15,000 were already in the
    // transaction when the JSON broke off.
    let cut = &bytes[..bytes.len() / 2];
    let err = new
        .restore_backup_from(cut, cut.len() as u64, None)
        .unwrap_err();
    assert!(err.to_string().contains("not a Cảnh Giác backup"), "{err}");
    // Too many entries, found while streaming: the same.
    let text = String::from_utf8(bytes.clone()).unwrap();
    let over = text.replacen(
        "\"lists\": [",
        &format!(
            "\"lists\": [{}",
            "{\"number\":\"0912345678\",\"list\":\"allow\",\"added_at\":0},".repeat(100_001)
        ),
        1,
    );
    assert!(new.restore_backup_from(over.as_bytes(), 0, None).is_err());
    assert_eq!(new.stats().unwrap().reported_numbers, 10);
    assert_eq!(new.list(UserList::Block).unwrap().len(), 0);
    assert_eq!(
        std::fs::read(&journal).unwrap(),
        journal_before,
        "the journal is untouched"
    );
    // The whole file restores, with progress heard to the end.
    struct Heard(std::sync::Mutex<Vec<(u64, u64)>>);
    impl super::BackupProgress for Heard {
        fn progress(&self, done: u64, total: u64) {
            self.0.lock().unwrap().push((done, total));
        }
    }
    let heard = Heard(Default::default());
    let s = new
        .restore_backup_from(&bytes[..], bytes.len() as u64, Some(&heard))
        .unwrap();
    assert_eq!((s.imported, s.lists), (30_000, 1));
    assert_eq!(new.stats().unwrap().reported_numbers, 30_010);
    let heard = heard.0.into_inner().unwrap();
    assert_eq!(
        heard.last(),
        Some(&(bytes.len() as u64, bytes.len() as u64))
    );
}

#[test]
fn a_file_descriptor_lent_by_the_app_is_written_and_read_and_stays_the_apps() {
    use std::os::fd::AsRawFd;
    let dir = tempfile::tempdir().unwrap();
    let old = std::sync::Arc::new(guard(&dir, "old.db"));
    old.import_from(csv(0, 1_000).as_bytes()).unwrap();
    old.block("0987654321".into()).unwrap();
    let file = std::fs::File::create(dir.path().join("picked.json")).unwrap();
    assert_eq!(
        old.export_backup_to_fd(file.as_raw_fd(), false, None)
            .unwrap(),
        1_000
    );
    // The app's descriptor is still open and its own: it can still write.
    use std::io::Write;
    (&file).write_all(b"\n").unwrap();
    drop(file);
    let new = guard(&dir, "new.db");
    let file = std::fs::File::open(dir.path().join("picked.json")).unwrap();
    let s = new.restore_backup_from_fd(file.as_raw_fd(), None).unwrap();
    assert_eq!((s.imported, s.lists), (1_000, 1));
    assert!(new.restore_backup_from_fd(-1, None).is_err());
}
