use super::*;

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
fn feed_addresses_are_https_unless_http_is_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let g = CallGuard::open(&dir.path().join("cg.db"), GuardConfig::default()).unwrap();
    let key = hex::encode(crate::feed::generate_key().verifying_key().as_bytes());
    let keys = vec![key];
    let err = g
        .set_feed_inner("http://example.org/feed/", &keys, false)
        .unwrap_err();
    assert!(err.to_string().contains("https://"), "{err}");
    assert!(g.set_feed_inner("ftp://example.org/", &keys, true).is_err());
    assert_eq!(g.feed_status_inner().unwrap().url, None);
    g.set_feed_inner(" http://127.0.0.1:8080/feed/ ", &keys, true)
        .unwrap();
    g.set_feed_inner("https://example.org/feed/", &keys, false)
        .unwrap();
    let st = g.feed_status_inner().unwrap();
    assert_eq!(st.url.as_deref(), Some("https://example.org/feed/"));
    assert_eq!(st.public_keys, keys);
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
