use super::*;

/// A real public key (fixed, so the fingerprint below is pinned).
fn key(seed: u8) -> String {
    hex::encode(
        ed25519_dalek::SigningKey::from_bytes(&[seed; 32])
            .verifying_key()
            .as_bytes(),
    )
}

fn link(query: &str) -> String {
    format!("canhgiac://follow?{query}")
}

fn kind(text: &str) -> FollowLinkError {
    parse_follow_link(text).expect_err(text)
}

#[test]
fn a_link_made_reads_back_the_same() {
    let made = FollowLink::new(
        " Công an tỉnh X ",
        "https://lists.example.org/feed/",
        &[key(1), key(2).to_uppercase()],
    )
    .unwrap();
    assert_eq!(made.name, "Công an tỉnh X");
    assert_eq!(made.keys, vec![key(1), key(2)]);
    let text = made.to_link();
    // Percent-encoded UTF-8, spaces as %20: nothing a scanner could alter.
    assert!(
        text.starts_with("canhgiac://follow?v=1&name=C%C3%B4ng%20an%20t%E1%BB%89nh%20X&url=https%3A%2F%2Flists.example.org%2Ffeed%2F&key="),
        "{text}"
    );
    assert_eq!(parse_follow_link(&text).unwrap(), made);
}

#[test]
fn a_browsers_plus_is_a_space_and_unknown_parameters_are_ignored() {
    let text = link(&format!(
        "utm_source=qr&v=1&name=Hotline+156&url=https://x.example/f/manifest.json&key={}&later=1#top",
        key(1)
    ));
    let got = parse_follow_link(&text).unwrap();
    assert_eq!(got.name, "Hotline 156");
    assert_eq!(got.url, "https://x.example/f/manifest.json");
    // The scheme and host in another case, and a slash before the query.
    let upper = text.replacen("canhgiac://follow?", "CanhGiac://FOLLOW/?", 1);
    assert_eq!(parse_follow_link(&upper).unwrap(), got);
}

#[test]
fn a_link_never_grants_verifying_organisations() {
    // Whatever it is called, such a parameter is an unknown one: the
    // record has no place for it, and following sets verify_orgs only
    // from the phone's own dialog.
    let text = link(&format!(
        "v=1&name=A&url=https://a.example/&key={}&verify_orgs=1&verify=true&verifyOrgs=yes",
        key(1)
    ));
    let got = parse_follow_link(&text).unwrap();
    assert_eq!(
        got,
        FollowLink::new("A", "https://a.example/", &[key(1)]).unwrap()
    );
    assert!(!got.to_link().contains("verify"));
}

#[test]
fn each_bad_link_is_refused_with_its_kind_and_reason() {
    let k = key(1);
    let ok = |rest: &str| link(&format!("v=1&name=A&url=https://a.example/&key={k}{rest}"));
    type IsKind = fn(&FollowLinkError) -> bool;
    let cases: Vec<(String, IsKind, &str)> = vec![
        (
            "https://a.example/".into(),
            |e| matches!(e, FollowLinkError::NotAFollowLink { .. }),
            "not a Cảnh Giác follow link",
        ),
        (
            "canhgiac://feed?v=1".into(),
            |e| matches!(e, FollowLinkError::NotAFollowLink { .. }),
            "not a Cảnh Giác follow link",
        ),
        (
            "canhgiac://follow".into(),
            |e| matches!(e, FollowLinkError::NotAFollowLink { .. }),
            "not a Cảnh Giác follow link",
        ),
        (
            "canhgiac://followers?v=1".into(),
            |e| matches!(e, FollowLinkError::NotAFollowLink { .. }),
            "not a Cảnh Giác follow link",
        ),
        (
            ok("").replace("v=1", "v=2"),
            |e| matches!(e, FollowLinkError::UnknownVersion { .. }),
            "version 2",
        ),
        (
            ok("").replace("v=1&", ""),
            |e| matches!(e, FollowLinkError::Malformed { .. }),
            "no version",
        ),
        (
            ok("&v=1"),
            |e| matches!(e, FollowLinkError::Malformed { .. }),
            "`v` twice",
        ),
        (
            ok("&name=B"),
            |e| matches!(e, FollowLinkError::Malformed { .. }),
            "`name` twice",
        ),
        (
            ok("&url=https://b.example/"),
            |e| matches!(e, FollowLinkError::Malformed { .. }),
            "`url` twice",
        ),
        (
            ok("").replace("name=A&", ""),
            |e| matches!(e, FollowLinkError::Malformed { .. }),
            "names no feed",
        ),
        (
            ok("").replace("url=https://a.example/&", ""),
            |e| matches!(e, FollowLinkError::Malformed { .. }),
            "no address",
        ),
        (
            ok("").replace("name=A", "name=%E1%BB"),
            |e| matches!(e, FollowLinkError::Malformed { .. }),
            "not UTF-8",
        ),
        (
            ok("").replace("name=A", "name=100%"),
            |e| matches!(e, FollowLinkError::Malformed { .. }),
            "two hex digits",
        ),
        (
            ok("").replace("name=A", "name=%20"),
            |e| matches!(e, FollowLinkError::BadName { .. }),
            "1 to 40 characters",
        ),
        (
            ok("").replace("name=A", &format!("name={}", "a".repeat(41))),
            |e| matches!(e, FollowLinkError::BadName { .. }),
            "1 to 40 characters",
        ),
        (
            ok("").replace("name=A", "name=A%E2%80%AEB"),
            |e| matches!(e, FollowLinkError::BadName { .. }),
            "invisible",
        ),
        (
            ok("").replace("name=A", "name=A%0AB"),
            |e| matches!(e, FollowLinkError::BadName { .. }),
            "control",
        ),
        (
            ok("").replace("https://", "http://"),
            |e| matches!(e, FollowLinkError::NotHttps { .. }),
            "a feed must be fetched over https",
        ),
        (
            ok("").replace("https://", "HTTP://"),
            |e| matches!(e, FollowLinkError::NotHttps { .. }),
            "a feed must be fetched over https",
        ),
        (
            ok("").replace("https://a.example/", "ftp://a.example/"),
            |e| matches!(e, FollowLinkError::BadAddress { .. }),
            "https://",
        ),
        (
            ok("").replace("https://a.example/", "a.example/feed"),
            |e| matches!(e, FollowLinkError::BadAddress { .. }),
            "not a web address",
        ),
        (
            ok("").replace("https://a.example/", "https://me:pw@a.example/"),
            |e| matches!(e, FollowLinkError::BadAddress { .. }),
            "password",
        ),
        (
            ok("").replace("https://a.example/", "https://a.example/a%20b"),
            |e| matches!(e, FollowLinkError::BadAddress { .. }),
            "spaces",
        ),
        (
            ok("").replace(&format!("&key={k}"), ""),
            |e| matches!(e, FollowLinkError::KeyCount { .. }),
            "pins no key",
        ),
        (
            ok(&format!("&key={k}")),
            |e| matches!(e, FollowLinkError::KeyCount { .. }),
            "same key twice",
        ),
        (
            ok(&format!(
                "&key={}&key={}&key={}&key={}",
                key(2),
                key(3),
                key(4),
                key(5)
            )),
            |e| matches!(e, FollowLinkError::KeyCount { .. }),
            "more than 4 keys",
        ),
        (
            ok("").replace(&k, &k[..62]),
            |e| matches!(e, FollowLinkError::BadKey { .. }),
            "64 hexadecimal",
        ),
        (
            ok("").replace(&k, &format!("{}zz", &k[..62])),
            |e| matches!(e, FollowLinkError::BadKey { .. }),
            "64 hexadecimal",
        ),
        (
            ok("").replace(&k, &"00".repeat(32)),
            |e| matches!(e, FollowLinkError::BadKey { .. }),
            "weak",
        ),
        (
            ok(&format!("&pad={}", "x".repeat(2_100))),
            |e| matches!(e, FollowLinkError::TooLong { .. }),
            "at most 2048",
        ),
    ];
    for (text, is_kind, words) in cases {
        let e = kind(&text);
        assert!(is_kind(&e), "{text}: {e:?}");
        assert!(e.to_string().contains(words), "{text}: {e}");
    }
}

#[test]
fn thousands_of_keys_stop_at_the_fifth() {
    // Under the length bound, but far over the key bound: refused as too
    // many keys at the fifth, before any of them is checked as a key.
    let text = link(&format!(
        "v=1&name=A&url=https://a.example/{}",
        "&key=0".repeat(330)
    ));
    assert!(text.len() <= MAX_LINK_BYTES);
    assert!(matches!(kind(&text), FollowLinkError::KeyCount { .. }));
}

#[test]
fn a_link_that_would_be_too_long_is_not_made() {
    // Each `/` is written %2F: 1,000 of them are 3,000 bytes of link.
    let url = format!("https://a.example/{}", "d/".repeat(1_000));
    let e = FollowLink::new("A", &url, &[key(1)]).unwrap_err();
    assert!(matches!(e, FollowLinkError::TooLong { .. }), "{e:?}");
    // Made links are never over the bound that reading them enforces.
    let url = format!("https://a.example/{}", "d".repeat(1_800));
    let made = FollowLink::new("A", &url, &[key(1)]).unwrap();
    assert!(made.to_link().len() <= MAX_LINK_BYTES);
    assert_eq!(parse_follow_link(&made.to_link()).unwrap(), made);
}

#[test]
fn the_fingerprint_is_the_key_id_in_four_groups() {
    let k = key(1);
    let id = key_id(&parse_public_key(&k).unwrap());
    let fp = key_fingerprint(&k).unwrap();
    assert_eq!(fp.len(), 19);
    assert_eq!(fp.replace(' ', ""), id);
    assert_eq!(fp.split(' ').count(), 4);
    assert_ne!(fp, key_fingerprint(&key(2)).unwrap());
    assert!(matches!(
        key_fingerprint("abc"),
        Err(FollowLinkError::BadKey { .. })
    ));
}

#[test]
fn no_input_panics() {
    for text in [
        "",
        "canhgiac://follow?",
        "canhgiac://follow?&&&==&",
        "canhgiac://follow?v",
        "canhgiac://follow?v=1&name=%",
        "canhgiac://follow?v=1&name=%F0%9F",
        "cảnhgiác://follow?v=1",
        "canhgiac://follow?v=%FF",
        "\u{0}\u{FEFF}",
    ] {
        assert!(parse_follow_link(text).is_err(), "{text:?}");
    }
}
