use super::*;
use crate::GuardConfig;

fn key() -> String {
    hex::encode(crate::feed::generate_key().verifying_key().as_bytes())
}

fn open(dir: &tempfile::TempDir) -> CallGuard {
    CallGuard::open(&dir.path().join("cg.db"), GuardConfig::default()).unwrap()
}

#[test]
fn a_link_is_followed_without_the_right_to_verify() {
    let dir = tempfile::tempdir().unwrap();
    let g = open(&dir);
    let link = follow::parse_follow_link(
        &FollowLink::new("Sở TT&TT", "https://so.example.org/feed/", &[key()])
            .unwrap()
            .to_link(),
    )
    .unwrap();
    assert_eq!(g.followed_as_inner(&link).unwrap(), None);
    let f = g.follow_link(link.clone()).unwrap();
    assert_eq!(
        (
            f.name.as_str(),
            f.url.as_deref(),
            &f.public_keys,
            f.verify_orgs
        ),
        ("Sở TT&TT", Some(link.url.as_str()), &link.keys, false)
    );
    assert_eq!(g.followed_as_inner(&link).unwrap(), Some(f));
}

#[test]
fn a_feed_followed_already_keeps_its_keys() {
    let dir = tempfile::tempdir().unwrap();
    let g = open(&dir);
    let held = g
        .add_feed_inner(
            "Cộng đồng",
            "https://a.example/feed/",
            &[key()],
            false,
            true,
        )
        .unwrap();
    // The same name elsewhere, the same address (as its manifest) under
    // another name: each is the feed followed, and nothing changes.
    for (name, url) in [
        ("Cộng đồng", "https://elsewhere.example/"),
        ("Other", "https://a.example/feed/manifest.json"),
        ("Other", "https://a.example/feed"),
    ] {
        let link = FollowLink::new(name, url, &[key()]).unwrap();
        assert_eq!(
            g.followed_as_inner(&link).unwrap().map(|f| f.name),
            Some("Cộng đồng".into())
        );
        let e = g.follow_link(link).unwrap_err().to_string();
        assert!(e.contains("you already follow Cộng đồng"), "{e}");
    }
    assert_eq!(g.feeds_inner().unwrap(), vec![held]);
}

#[test]
fn a_record_built_by_the_caller_is_checked_again() {
    let dir = tempfile::tempdir().unwrap();
    let g = open(&dir);
    for link in [
        FollowLink {
            name: "A".into(),
            url: "http://a.example/".into(),
            keys: vec![key()],
        },
        FollowLink {
            name: "A".into(),
            url: "https://a.example/".into(),
            keys: vec![key(); 5],
        },
        FollowLink {
            name: "A\nB".into(),
            url: "https://a.example/".into(),
            keys: vec![key()],
        },
    ] {
        let e = g.follow_link(link).unwrap_err();
        assert!(matches!(e, CanhGiacError::InvalidInput { .. }), "{e:?}");
    }
    assert!(g.feeds_inner().unwrap().is_empty());
}

#[test]
fn the_exported_reader_says_why() {
    let e = parse_follow_link_exported(format!(
        "canhgiac://follow?v=1&name=A&url=http://a.example/&key={}",
        key()
    ))
    .unwrap_err();
    assert!(matches!(e, FollowLinkError::NotHttps { .. }));
    assert!(e.to_string().contains("a feed must be fetched over https"));
    assert_eq!(key_fingerprint_exported(key()).unwrap().len(), 19);
}
