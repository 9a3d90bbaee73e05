//! The feed's rules, applied to a real database file.

use super::*;
use crate::model::Category;
use crate::number::normalize;
use crate::store::testing::{fresh, rep};

/// A list of `n` numbers from 84_900_000_000 in steps of `step`, plus `extra`.
fn feed_file(version: u64, n: i64, step: i64, extra: Option<i64>) -> Vec<u8> {
    use crate::feed::codec::{self, EntrySet};
    let mut set = EntrySet::default();
    for i in 0..n {
        set.insert(
            Target::Number(84_900_000_000 + i * step),
            rep(Category::Scam, 1, None),
        );
    }
    if let Some(k) = extra {
        set.insert(Target::Number(k), rep(Category::Scam, 9, None));
    }
    codec::encode_snapshot(version, &set)
}

/// A snapshot file as applied, with the entry count it holds as promised.
fn snap(file: &[u8]) -> FeedData<'_> {
    use crate::feed::codec::{Discard, MAX_EXPANDED_BYTES};
    let raw = decompress(file, MAX_EXPANDED_BYTES).unwrap();
    let entries = read_snapshot(&raw, &mut Discard, &Limits::now())
        .unwrap()
        .entries;
    FeedData::Snapshot(file, entries)
}

fn state(version: u64) -> FeedState {
    FeedState {
        version,
        key_id: Some("k".into()),
        etag: None,
        synced_at: Some(0),
        scope: Some("feed".into()),
        published_at: Some(1_700_000_000),
        etag_url: None,
        expires_at: None,
    }
}

#[test]
fn screening_never_waits_or_fails_while_a_feed_applies() {
    let (_d, store) = fresh();
    let old_only = normalize("0987000001").unwrap();
    let new_only = normalize("0987000002").unwrap();
    let v1 = feed_file(1, 1_000, 10, old_only.key());
    apply_feed(
        &store,
        ListId(1),
        None,
        snap(&v1),
        &state(1),
        &Limits::now(),
    )
    .unwrap();
    let v2 = feed_file(2, 200_000, 3, new_only.key());

    let store = std::sync::Arc::new(store);
    let writer = {
        let store = store.clone();
        std::thread::spawn(move || {
            apply_feed(
                &store,
                ListId(1),
                Some(1),
                snap(&v2),
                &state(2),
                &Limits::now(),
            )
            .unwrap()
        })
    };
    let (mut screens, mut worst, mut saw_old) = (0u32, std::time::Duration::ZERO, 0u32);
    while !writer.is_finished() {
        let t = std::time::Instant::now();
        let l = store
            .lookup(&old_only)
            .expect("screening must not fail during a sync");
        worst = worst.max(t.elapsed());
        screens += 1;
        saw_old += u32::from(l.reported().cloned().is_some());
    }
    writer.join().unwrap();
    // After the commit the new list, and only it, is seen.
    assert!(
        store
            .lookup(&old_only)
            .unwrap()
            .reported()
            .cloned()
            .is_none()
    );
    assert!(
        store
            .lookup(&new_only)
            .unwrap()
            .reported()
            .cloned()
            .is_some()
    );
    assert!(
        screens > 0 && saw_old > 0,
        "screened {screens} times during the apply"
    );
    eprintln!("{screens} screens during a 200,000-entry apply, worst {worst:?}");
}

#[test]
fn feed_versions_never_go_back_and_chains_must_connect() {
    let (_d, store) = fresh();
    let v2 = feed_file(2, 10, 1, None);
    apply_feed(
        &store,
        ListId(1),
        None,
        snap(&v2),
        &state(2),
        &Limits::now(),
    )
    .unwrap();
    let v1 = feed_file(1, 10, 1, None);
    let err = apply_feed(
        &store,
        ListId(1),
        Some(2),
        snap(&v1),
        &state(1),
        &Limits::now(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("never goes back"), "{err}");
    // A snapshot whose inner version differs from the manifest's.
    let err = apply_feed(
        &store,
        ListId(1),
        Some(2),
        snap(&v2),
        &state(3),
        &Limits::now(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("not the version"), "{err}");
    // Someone else synced in between.
    let err = apply_feed(
        &store,
        ListId(1),
        Some(1),
        snap(&v2),
        &state(3),
        &Limits::now(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("changed during the sync"), "{err}");
    assert_eq!(store.feed_state(ListId(1)).unwrap().unwrap().version, 2);
    assert_eq!(store.stats().unwrap().feed_entries, 10);
}

#[test]
fn the_users_imports_win_over_the_feed_and_outlive_it() {
    let (_d, store) = fresh();
    let mine = normalize("0900000005").unwrap();
    store
        .import(
            vec![(
                Target::Number(mine.key().unwrap()),
                rep(Category::Nuisance, 1, Some("của tôi")),
            )],
            ListId::IMPORTS,
        )
        .unwrap();
    // The feed lists the same number, and a labelled one.
    let v1 = {
        use crate::feed::codec::{self, EntrySet};
        let mut set = EntrySet::default();
        for i in 0..10 {
            set.insert(
                Target::Number(84_900_000_000 + i),
                rep(Category::Scam, 99, None),
            );
        }
        set.insert(
            Target::Number(84_900_000_100),
            rep(Category::Scam, 2, Some("nhãn cũ")),
        );
        codec::encode_snapshot(1, &set)
    };
    apply_feed(
        &store,
        ListId(1),
        None,
        snap(&v1),
        &state(1),
        &Limits::now(),
    )
    .unwrap();
    let l = store.lookup(&mine).unwrap().reported().cloned().unwrap();
    assert_eq!(
        (l.category, l.label.as_deref()),
        (Category::Nuisance, Some("của tôi"))
    );
    // A version without it removes nothing of the user's.
    let v2 = feed_file(2, 3, 1, None);
    apply_feed(
        &store,
        ListId(1),
        Some(1),
        snap(&v2),
        &state(2),
        &Limits::now(),
    )
    .unwrap();
    assert!(store.lookup(&mine).unwrap().reported().cloned().is_some());
    assert_eq!(store.stats().unwrap().feed_entries, 3);
    // Labels nobody uses are cleaned up with a snapshot; the user's stays.
    let labels: Vec<String> = store
        .read(|c| {
            Ok(c.prepare("SELECT text FROM label")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?)
        })
        .unwrap();
    assert_eq!(labels, vec!["của tôi".to_string()]);
}

#[test]
fn switching_feeds_starts_afresh_from_a_snapshot() {
    let (_d, store) = fresh();
    let a = |v| FeedState {
        scope: Some("feed A".into()),
        ..state(v)
    };
    let b = |v| FeedState {
        scope: Some("feed B".into()),
        ..state(v)
    };
    apply_feed(
        &store,
        ListId(1),
        None,
        FeedData::Snapshot(&feed_file(40, 5, 1, None), 5),
        &a(40),
        &Limits::now(),
    )
    .unwrap();
    // Feed B is at version 12: lower, but another feed, so it is taken.
    apply_feed(
        &store,
        ListId(1),
        Some(40),
        FeedData::Snapshot(&feed_file(12, 3, 1, None), 3),
        &b(12),
        &Limits::now(),
    )
    .unwrap();
    let s = store.feed_state(ListId(1)).unwrap().unwrap();
    assert_eq!((s.version, s.scope.as_deref()), (12, Some("feed B")));
    assert_eq!(store.stats().unwrap().feed_entries, 3);
    // Deltas never bridge two feeds.
    let delta = crate::feed::codec::encode_delta(&crate::feed::codec::Delta {
        from: 12,
        to: 13,
        ..Default::default()
    });
    let err = apply_feed(
        &store,
        ListId(1),
        Some(12),
        FeedData::Deltas(&[delta]),
        &a(13),
        &Limits::now(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("same feed"), "{err}");
}

#[test]
fn a_snapshot_must_hold_the_entries_the_manifest_promised() {
    let (_d, store) = fresh();
    let v1 = feed_file(1, 10, 1, None);
    let err = apply_feed(
        &store,
        ListId(1),
        None,
        FeedData::Snapshot(&v1, 9),
        &state(1),
        &Limits::now(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("promised 9"), "{err}");
    assert_eq!(store.feed_state(ListId(1)).unwrap(), None);
    assert_eq!(store.stats().unwrap().feed_entries, 0);
}

#[test]
fn a_list_over_the_ceiling_is_refused_whole_and_changes_nothing() {
    let (_d, store) = fresh();
    let tight = Limits {
        max_entries: 10,
        ..Limits::now()
    };
    apply_feed(
        &store,
        ListId(1),
        None,
        snap(&feed_file(1, 10, 1, None)),
        &state(1),
        &tight,
    )
    .unwrap();
    // A snapshot over the ceiling.
    let err = apply_feed(
        &store,
        ListId(1),
        Some(1),
        snap(&feed_file(2, 11, 1, None)),
        &state(2),
        &tight,
    )
    .unwrap_err();
    assert!(err.to_string().contains("more than 10"), "{err}");
    // Deltas that each stay small but grow the list past it.
    let delta = crate::feed::codec::encode_delta(&crate::feed::codec::Delta {
        from: 1,
        to: 2,
        upserts: {
            let mut s = crate::feed::codec::EntrySet::default();
            s.insert(Target::Number(84_911_111_111), rep(Category::Scam, 1, None));
            s
        },
        ..Default::default()
    });
    let err = apply_feed(
        &store,
        ListId(1),
        Some(1),
        FeedData::Deltas(&[delta]),
        &state(2),
        &tight,
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("more than the limit of 10"),
        "{err}"
    );
    assert_eq!(store.feed_state(ListId(1)).unwrap().unwrap().version, 1);
    assert_eq!(store.stats().unwrap().feed_entries, 10);
}

#[test]
fn a_format_2_list_brings_its_evidence_to_screening_and_format_1_still_applies() {
    use crate::feed::codec::{self, Delta, EntrySet};
    use crate::model::Source;
    use crate::store::ListId;
    let (_d, store) = fresh();
    let police = Source {
        name: "Công an TP Hà Nội".into(),
        url: Some("https://congan.hanoi.gov.vn/canh-bao/1".into()),
    };
    let community = normalize("0900000001").unwrap();
    let official = normalize("0900000002").unwrap();
    let mut v1 = EntrySet::default();
    let mut r = rep(Category::Scam, 37, None);
    r.reporters = Some(12);
    v1.insert(Target::Number(community.key().unwrap()), r);
    let mut r = rep(Category::Scam, 1, Some("mạo danh công an"));
    r.source = Some(police.clone());
    v1.insert(Target::Number(official.key().unwrap()), r);
    let file = codec::encode_snapshot(1, &v1);
    apply_feed(
        &store,
        ListId(1),
        None,
        snap(&file),
        &state(1),
        &Limits::now(),
    )
    .unwrap();
    let got = store
        .lookup(&community)
        .unwrap()
        .reported()
        .cloned()
        .unwrap();
    assert_eq!(
        (got.reports, got.reporters, got.source),
        (37, Some(12), None)
    );
    let got = store
        .lookup(&official)
        .unwrap()
        .reported()
        .cloned()
        .unwrap();
    assert_eq!((got.reporters, got.source), (None, Some(police.clone())));

    // A delta moves the evidence on: the source goes, reporters come.
    let mut v2 = v1.clone();
    let e = v2.numbers.get_mut(&official.key().unwrap()).unwrap();
    e.source = None;
    e.reporters = Some(1);
    let delta = codec::encode_delta(&Delta::between(1, &v1, 2, &v2));
    apply_feed(
        &store,
        ListId(1),
        Some(1),
        FeedData::Deltas(&[delta]),
        &state(2),
        &Limits::now(),
    )
    .unwrap();
    let got = store
        .lookup(&official)
        .unwrap()
        .reported()
        .cloned()
        .unwrap();
    assert_eq!((got.reporters, got.source), (Some(1), None));

    // A publisher still on format 1: the same list without the evidence,
    // and the source table is cleaned up with the snapshot.
    let file = codec::encode_snapshot_as(1, 3, &v2);
    apply_feed(
        &store,
        ListId(1),
        Some(2),
        snap(&file),
        &state(3),
        &Limits::now(),
    )
    .unwrap();
    let got = store
        .lookup(&community)
        .unwrap()
        .reported()
        .cloned()
        .unwrap();
    assert_eq!((got.reports, got.reporters), (37, None));
    let sources: i64 = store
        .read(|c| Ok(c.query_row("SELECT count(*) FROM official", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(sources, 0);
}

#[test]
fn one_feeds_snapshot_replaces_its_own_entries_only_and_each_feed_has_its_own_version() {
    let (_d, store) = fresh();
    let both = normalize("0900000000").unwrap();
    let count = |feed| store.count_entries(ListId(feed)).unwrap();
    // Feed 1 at version 5, feed 2 at version 1: their versions are apart.
    let f1 = feed_file(5, 100, 10, None);
    apply_feed(
        &store,
        ListId(1),
        None,
        snap(&f1),
        &state(5),
        &Limits::now(),
    )
    .unwrap();
    let f2 = feed_file(1, 30, 7, None);
    apply_feed(
        &store,
        ListId(2),
        None,
        snap(&f2),
        &state(1),
        &Limits::now(),
    )
    .unwrap();
    assert_eq!((count(1), count(2)), (100, 30));
    let l = store.lookup(&both).unwrap();
    let lists: Vec<i64> = l.exact.iter().map(|e| e.list.0).collect();
    assert_eq!(lists, vec![1, 2], "one seek finds both lists' entries");
    // A smaller snapshot of feed 1 replaces feed 1's entries only.
    let f1 = feed_file(6, 10, 10, None);
    apply_feed(
        &store,
        ListId(1),
        Some(5),
        snap(&f1),
        &state(6),
        &Limits::now(),
    )
    .unwrap();
    assert_eq!((count(1), count(2)), (10, 30));
    assert_eq!(store.feed_state(ListId(1)).unwrap().unwrap().version, 6);
    assert_eq!(store.feed_state(ListId(2)).unwrap().unwrap().version, 1);
    // Feed 2 going back is refused by its own version, not feed 1's.
    let back = feed_file(1, 3, 7, None);
    let err = apply_feed(
        &store,
        ListId(2),
        Some(1),
        snap(&back),
        &state(1),
        &Limits::now(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("never goes back"), "{err}");
    assert_eq!(count(2), 30);
}

#[test]
fn a_ladder_delta_applies_from_any_version_it_spans_and_a_delta_only_from_its_own() {
    use crate::feed::codec::{Delta, encode_delta, encode_ladder};
    let (_d, store) = fresh();
    apply_feed(
        &store,
        ListId(1),
        None,
        snap(&feed_file(5, 10, 1, None)),
        &state(5),
        &Limits::now(),
    )
    .unwrap();
    let step = |from, to| Delta {
        from,
        to,
        ..Default::default()
    };
    let apply = |from, files: &[Vec<u8>], to| {
        apply_feed(
            &store,
            ListId(1),
            Some(from),
            FeedData::Deltas(files),
            &state(to),
            &Limits::now(),
        )
    };
    // A plain delta from 3 does not apply to version 5; a ladder delta
    // from 3 to 8 does, and one from 6 (above 5) or to 5 does not.
    let err = apply(5, &[encode_delta(&step(3, 8))], 8).unwrap_err();
    assert!(
        err.to_string()
            .contains("a delta goes 3→8, expected from 5"),
        "{err}"
    );
    for (from, to) in [(6, 8), (3, 5)] {
        let err = apply(5, &[encode_ladder(&step(from, to))], to.max(6)).unwrap_err();
        assert!(
            err.to_string().contains("ladder delta"),
            "{from}→{to}: {err}"
        );
        assert_eq!(store.feed_state(ListId(1)).unwrap().unwrap().version, 5);
    }
    apply(5, &[encode_ladder(&step(3, 8))], 8).unwrap();
    assert_eq!(store.feed_state(ListId(1)).unwrap().unwrap().version, 8);
}
