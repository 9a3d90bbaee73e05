use super::*;
use crate::classify::Policy;
use crate::store::setting::{FEED_MAX_DOWNLOAD, FEED_TIMEOUT_SECS};

#[test]
fn a_panic_becomes_an_internal_error() {
    let r: Result<(), CanhGiacError> = guard(|| panic!("boom"));
    match r {
        Err(CanhGiacError::Internal { reason }) => assert_eq!(reason, "boom"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_policy_is_kept_by_the_core_across_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cg.db");
    let g = CallGuard::open(&path, GuardConfig::default()).unwrap();
    let mut p = g.policy_inner();
    p.scam = crate::model::Action::Block;
    p.unknown = crate::model::Action::Silence;
    g.set_policy_inner(p.clone()).unwrap();
    drop(g);
    let g = CallGuard::open(&path, GuardConfig::default()).unwrap();
    assert_eq!(g.policy_inner(), p);
}

#[test]
fn a_policy_out_of_bounds_is_refused_and_the_one_in_force_kept() {
    let dir = tempfile::tempdir().unwrap();
    let g = CallGuard::open(&dir.path().join("cg.db"), GuardConfig::default()).unwrap();
    let kept = g.policy_inner();
    type Spoil = fn(&mut Policy);
    let bad: [(&str, Spoil); 7] = [
        ("min_reporters", |p| p.min_reporters = 0),
        ("min_reporters", |p| p.min_reporters = 1_001),
        ("fresh_days", |p| p.fresh_days = 0),
        ("fresh_days", |p| (p.fresh_days, p.expire_days) = (365, 180)),
        ("expire_days", |p| p.expire_days = 3_651),
        ("wangiri", |p| p.wangiri_country_codes.push("84".into())),
        ("wangiri", |p| {
            p.wangiri_country_codes = vec!["1".into(); 65]
        }),
    ];
    for (what, spoil) in bad {
        let mut p = kept.clone();
        spoil(&mut p);
        let err = g.set_policy_inner(p).unwrap_err().to_string();
        assert!(err.contains(what), "{what}: {err}");
        assert_eq!(g.policy_inner(), kept);
    }
    // Nor can a guard be opened with one (nothing is created).
    let mut bad = kept.clone();
    bad.min_reporters = 0;
    let config = GuardConfig {
        policy: bad,
        ..GuardConfig::default()
    };
    let other = dir.path().join("other.db");
    assert!(CallGuard::open(&other, config).is_err());
    assert!(!other.exists());
    // The edges are kept.
    let mut p = kept.clone();
    (p.min_reporters, p.fresh_days, p.expire_days) = (1, 3_650, 3_650);
    g.set_policy_inner(p.clone()).unwrap();
    assert_eq!(g.policy_inner(), p);
}

#[test]
fn feed_addresses_are_https_unless_http_is_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let g = CallGuard::open(&dir.path().join("cg.db"), GuardConfig::default()).unwrap();
    let key = hex::encode(crate::feed::generate_key().verifying_key().as_bytes());
    let keys = vec![key];
    let err = g
        .set_feed_inner("http://example.org/feed/", &keys, false, false)
        .unwrap_err();
    assert!(err.to_string().contains("https://"), "{err}");
    assert!(
        g.set_feed_inner("ftp://example.org/", &keys, true, false)
            .is_err()
    );
    assert_eq!(g.feed_status_inner().unwrap().url, None);
    g.set_feed_inner(" http://127.0.0.1:8080/feed/ ", &keys, true, false)
        .unwrap();
    g.set_feed_inner("https://example.org/feed/", &keys, false, false)
        .unwrap();
    let st = g.feed_status_inner().unwrap();
    assert_eq!(st.url.as_deref(), Some("https://example.org/feed/"));
    assert_eq!(st.public_keys, keys);
    g.clear_feed().unwrap();
    let st = g.feed_status_inner().unwrap();
    assert_eq!((st.url, st.public_keys.len()), (None, 0));
}

#[test]
fn zero_sync_limits_are_refused_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let g = CallGuard::open(&dir.path().join("cg.db"), GuardConfig::default()).unwrap();
    assert!(g.set_sync_limits(Some(1000), Some(0)).is_err());
    assert_eq!(g.config_number(FEED_MAX_DOWNLOAD, 7).unwrap(), 7);
    g.set_sync_limits(Some(1000), None).unwrap();
    assert_eq!(g.config_number(FEED_MAX_DOWNLOAD, 7).unwrap(), 1000);
    assert_eq!(g.config_number(FEED_TIMEOUT_SECS, 9).unwrap(), 9);
}

#[test]
fn sync_limits_above_their_ceilings_are_refused_and_old_ones_held_to_them() {
    let dir = tempfile::tempdir().unwrap();
    let g = CallGuard::open(&dir.path().join("cg.db"), GuardConfig::default()).unwrap();
    let err = g.set_sync_limits(Some((1 << 30) + 1), None).unwrap_err();
    assert!(err.to_string().contains(FEED_MAX_DOWNLOAD), "{err}");
    assert!(g.set_sync_limits(None, Some(3_601)).is_err());
    assert_eq!(g.config_number(FEED_MAX_DOWNLOAD, 7).unwrap(), 7);
    g.set_sync_limits(Some(1 << 30), Some(3_600)).unwrap();
    assert_eq!(g.config_number(FEED_MAX_DOWNLOAD, 7).unwrap(), 1 << 30);
    // A value written before the ceilings existed counts as its ceiling.
    g.store
        .config_set(&[(FEED_TIMEOUT_SECS, Some("18446744073709551615"))])
        .unwrap();
    assert_eq!(g.config_number(FEED_TIMEOUT_SECS, 9).unwrap(), 3_600);
}

/// A server that answers with a promise of 100 kB and then one byte every
/// 100 ms: each read is quick, the whole never ends.
fn trickling_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { return };
            std::thread::spawn(move || {
                use std::io::{Read, Write};
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf);
                let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n");
                for _ in 0..600 {
                    if s.write_all(b" ").is_err() {
                        return;
                    }
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
            });
        }
    });
    format!("http://127.0.0.1:{port}/feed/")
}

#[test]
fn the_timeout_bounds_the_whole_sync_and_failed_limits_are_not_saved() {
    // Finding 14: a 10 s timeout let a trickling server keep a sync for
    // 47 s, and --timeout/--max-download were saved although it failed.
    let dir = tempfile::tempdir().unwrap();
    let g = CallGuard::open(&dir.path().join("cg.db"), GuardConfig::default()).unwrap();
    let key = hex::encode(crate::feed::generate_key().verifying_key().as_bytes());
    let feed = NewFeed {
        url: trickling_server(),
        keys: vec![key],
        verify_orgs: false,
        allow_http: true,
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let limits = SyncLimits {
        max_download: Some(12_345),
        timeout_secs: Some(1),
        max_bytes_now: None,
    };
    let started = std::time::Instant::now();
    let err = rt
        .block_on(g.sync_with(Some(feed.clone()), limits, None))
        .unwrap_err();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    // Whichever bound fires first (this request's, or the whole sync's), it says so.
    let text = err.to_string();
    assert!(text.contains("timed out"), "{text}");
    assert_eq!(
        g.config_number(FEED_MAX_DOWNLOAD, 7).unwrap(),
        7,
        "not saved"
    );
    assert_eq!(
        g.config_number(FEED_TIMEOUT_SECS, 9).unwrap(),
        9,
        "not saved"
    );
    assert_eq!(g.feed_status_inner().unwrap().url, None, "not saved");
    // A zero is refused before anything happens.
    let zero = SyncLimits {
        timeout_secs: Some(0),
        ..limits
    };
    assert!(rt.block_on(g.sync_with(Some(feed), zero, None)).is_err());
}

#[test]
fn a_list_damaged_past_its_header_is_noticed_said_and_rebuilt() {
    // Finding 10: a damaged reported table gave `unknown -> allow` silently;
    // stats and sync failed on every run; nothing was moved aside.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cg.db");
    {
        let g = CallGuard::open(&path, GuardConfig::default()).unwrap();
        let mut csv = String::from("number,category,reports,last_reported,label\n");
        for i in 0..5_000 {
            csv.push_str(&format!("+8491{:07},scam,3,,\n", 2_345_678 + i * 3));
        }
        assert_eq!(g.import_from(csv.as_bytes()).unwrap().imported, 5_000);
        g.block("0987654321".into()).unwrap();
    }
    crate::store::testing::damage_after(&dir.path().join("cg.list.db"), 4096, 0xa5);
    let g = CallGuard::open(&path, GuardConfig::default()).unwrap();
    let v = g
        .screen(Some("0912345678".into()), CallFacts::default())
        .unwrap();
    assert!(
        v.reasons
            .iter()
            .any(|r| r.code == crate::classify::ReasonCode::ListUnavailable),
        "{v:?}"
    );
    // The user's own lists still answer.
    let blocked = g
        .screen(Some("0987654321".into()), CallFacts::default())
        .unwrap();
    assert_eq!(blocked.level, crate::model::Level::Blocked);
    // The next operation that can repair does: moved aside, imports back.
    let s = g.stats_inner().unwrap();
    assert_eq!((s.reported_numbers, s.blocked), (5_000, 1));
    let aside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n.starts_with("cg.list.db.corrupt-") && !n.ends_with("-wal") && !n.ends_with("-shm")
        })
        .collect();
    assert_eq!(aside.len(), 1, "the damaged list was kept, not deleted");
    let v = g
        .screen(Some("0912345678".into()), CallFacts::default())
        .unwrap();
    assert_eq!(v.level, crate::model::Level::Scam);
    let h = g.check_health_inner().unwrap();
    assert!(
        h.user_file_sound && h.list_sound && h.list_moved_to.is_none(),
        "{h:?}"
    );
}

#[test]
fn the_health_check_finds_a_damaged_list_and_moves_it_aside() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cg.db");
    let g = CallGuard::open(&path, GuardConfig::default()).unwrap();
    let mut csv = String::from("number,category,reports,last_reported,label\n");
    for i in 0..5_000 {
        csv.push_str(&format!("+8491{:07},nuisance,1,,\n", i * 7));
    }
    g.import_from(csv.as_bytes()).unwrap();
    // Damage under an open guard, as a failing disk would.
    crate::store::testing::damage_after(&dir.path().join("cg.list.db"), 4096, 0xa5);
    let h = g.check_health_inner().unwrap();
    assert!(!h.list_sound);
    assert!(
        h.list_moved_to
            .as_deref()
            .is_some_and(|p| p.contains(".corrupt-"))
    );
    assert_eq!(
        g.stats_inner().unwrap().reported_numbers,
        5_000,
        "imports copied back"
    );
}

#[test]
fn feeds_are_named_bounded_and_removed_with_their_entries_only() {
    use crate::model::{Category, Reported, Target};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cg.db");
    let g = CallGuard::open(&path, GuardConfig::default()).unwrap();
    let key = || hex::encode(crate::feed::generate_key().verifying_key().as_bytes());
    let add =
        |name: &str| g.add_feed_inner(name, "https://example.org/feed/", &[key()], false, false);
    // Names are shown in every reason: bounded, and nothing invisible.
    for bad in ["", "   ", &"x".repeat(41), "công\u{200B}an"] {
        assert!(add(bad).is_err(), "{bad:?}");
    }
    assert!(
        g.add_feed_inner("x", "http://example.org/", &[key()], false, false)
            .is_err()
    );
    assert!(
        g.add_feed_inner("x", "https://example.org/", &[], false, false)
            .is_err()
    );
    let community = add(" Cộng đồng ").unwrap();
    assert_eq!(
        (community.name.as_str(), community.entries),
        ("Cộng đồng", 0)
    );
    let police = g
        .add_feed_inner("Công an", "https://police.example/", &[key()], false, true)
        .unwrap();
    assert!(police.verify_orgs);
    for i in 2..crate::store::MAX_FEEDS {
        add(&format!("feed {i}")).unwrap();
    }
    let err = add("one too many").unwrap_err();
    assert!(err.to_string().contains("at most 8"), "{err}");
    // Changing a feed keeps its place (and its id).
    add("Cộng đồng").unwrap();
    let names: Vec<String> = g
        .feeds_inner()
        .unwrap()
        .into_iter()
        .map(|f| f.name)
        .collect();
    assert_eq!(names[..2], ["Cộng đồng".to_string(), "Công an".to_string()]);

    // The same number in both feeds and the user's imports.
    let rows = g.store.feeds().unwrap();
    let id = |name: &str| rows.iter().find(|r| r.name == name).unwrap().id;
    let rep = |reports| Reported {
        category: Category::Scam,
        reports,
        last_reported: Some(crate::dates::today()),
        label: None,
        reporters: None,
        source: None,
    };
    let n = 84_912_345_678;
    g.store
        .import(vec![(Target::Number(n), rep(5))], id("Cộng đồng"))
        .unwrap();
    g.store
        .import(vec![(Target::Number(n), rep(7))], id("Công an"))
        .unwrap();
    g.store
        .import(vec![(Target::Number(n), rep(1))], ListId::IMPORTS)
        .unwrap();
    // As a sync leaves them: a feed's entries come with its state.
    for name in ["Cộng đồng", "Công an"] {
        g.store
            .write(|tx| {
                crate::store::save_feed_state(
                    tx,
                    id(name),
                    &crate::store::FeedState {
                        version: 1,
                        key_id: None,
                        etag: None,
                        synced_at: None,
                        scope: None,
                        published_at: None,
                        etag_url: None,
                        expires_at: None,
                    },
                )
            })
            .unwrap();
    }
    let v = g
        .screen_inner(Some("0912345678"), &CallFacts::default())
        .unwrap();
    let texts: Vec<&str> = v.reasons.iter().map(|r| r.text.vi.as_str()).collect();
    assert_eq!(texts.len(), 3, "{texts:?}");
    assert!(
        texts.iter().any(|t| t.starts_with("Công an: ")),
        "{texts:?}"
    );
    assert!(
        texts.iter().any(|t| t.starts_with("Danh sách của bạn: ")),
        "{texts:?}"
    );
    assert_eq!(g.feeds_inner().unwrap()[1].entries, 1);

    // Removing one feed leaves the other and the import; it survives a
    // reopen, and a removed name can be followed afresh.
    assert!(g.remove_feed_inner("Công an").unwrap());
    assert!(!g.remove_feed_inner("Công an").unwrap());
    drop(g);
    let g = CallGuard::open(&path, GuardConfig::default()).unwrap();
    let v = g
        .screen_inner(Some("0912345678"), &CallFacts::default())
        .unwrap();
    let texts: Vec<&str> = v.reasons.iter().map(|r| r.text.vi.as_str()).collect();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(!texts.iter().any(|t| t.contains("Công an")), "{texts:?}");
    assert_eq!(g.feeds_inner().unwrap().len(), crate::store::MAX_FEEDS - 1);
    let again = g
        .add_feed_inner("Công an", "https://police.example/", &[key()], false, false)
        .unwrap();
    assert_eq!(again.entries, 0, "the old entries never come back");
}
