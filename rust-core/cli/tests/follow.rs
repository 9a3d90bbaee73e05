//! One tap to follow, on the command line: a publisher's `feed follow-link`
//! makes the link (and its QR code), a phone's `feeds add LINK` follows it
//! with exactly the name, address and keys it carries, never allowed to
//! verify organisation numbers unless `--verify-orgs` is typed; a link that
//! is malformed, http, too long, with 5 keys or bad hex is refused with its
//! reason, exit 1, nothing added.

use std::path::PathBuf;

mod common;
use common::{cli, ok, s};

struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        for who in ["a", "b", "c", "d", "e"] {
            ok(&["feed", "keygen", "--out", &s(&dir.path().join(who))]);
        }
        Setup { dir }
    }

    fn p(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// The public key of publisher `who`, as 64 hex characters.
    fn key(&self, who: &str) -> String {
        std::fs::read_to_string(self.p(&format!("{who}/feed.pub")))
            .unwrap()
            .trim()
            .to_string()
    }

    fn link(&self, name: &str, url: &str, keys: &[&str]) -> String {
        let mut args = vec!["feed", "follow-link", "--name", name, "--url", url];
        for k in keys {
            args.extend(["--key", k]);
        }
        ok(&args).trim().to_string()
    }

    fn phone(&self, args: &[&str]) -> std::process::Output {
        let db = s(&self.p("phone.db"));
        cli(&[&["--db", db.as_str()], args].concat())
    }

    fn feeds(&self) -> serde_json::Value {
        let out = self.phone(&["feeds", "list", "--json"]);
        assert!(out.status.success());
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// `feeds add ARGS` is refused: exit 1, `reason` in its words, and the
    /// feeds are as they were.
    fn refused(&self, args: &[&str], reason: &str) {
        let before = self.feeds();
        let out = self.phone(&[&["feeds", "add"], args].concat());
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains(reason), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert_eq!(self.feeds(), before, "{args:?}");
    }
}

#[test]
fn a_link_made_by_the_publisher_is_followed_as_it_says() {
    let t = Setup::new();
    let (a, b) = (t.key("a"), t.key("b"));
    // Keys as files or hex, as every other command takes them.
    let link = t.link(
        "Công an tỉnh X",
        "https://lists.example.org/feed/",
        &[&s(&t.p("a/feed.pub")), &b.to_uppercase()],
    );
    assert!(
        link.starts_with("canhgiac://follow?v=1&name=C%C3%B4ng%20an"),
        "{link}"
    );
    let out = t.phone(&["feeds", "add", &link]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.starts_with("following Công an tỉnh X at https://lists.example.org/feed/"),
        "{said}"
    );
    // The fingerprints, to compare with what the publisher shows.
    let err = String::from_utf8_lossy(&out.stderr);
    let fingerprints = [&a, &b]
        .map(|k| canhgiac_core::key_fingerprint(k).unwrap())
        .join(", ");
    assert!(
        err.contains(&format!("pinned key fingerprints: {fingerprints} ")),
        "{err}"
    );
    assert_eq!(
        t.feeds(),
        serde_json::json!([{
            "name": "Công an tỉnh X",
            "url": "https://lists.example.org/feed/",
            "public_keys": [a, b],
            "verify_orgs": false,
            "version": null, "synced_at": null, "published_at": null, "expires_at": null,
            "expired": false, "ignored_verified": 0, "entries": 0,
        }])
    );
}

#[test]
fn verifying_organisations_only_with_the_flag_typed() {
    let t = Setup::new();
    // A link that claims the right is followed without it.
    let claims = format!(
        "{}&verify_orgs=1&verify=yes",
        t.link("Carrier", "https://carrier.example/feed/", &[&t.key("a")])
    );
    ok(&["--db", &s(&t.p("phone.db")), "feeds", "add", &claims]);
    let typed = t.link("Police", "https://police.example/feed/", &[&t.key("b")]);
    ok(&[
        "--db",
        &s(&t.p("phone.db")),
        "feeds",
        "add",
        &typed,
        "--verify-orgs",
    ]);
    let kept: Vec<(String, bool)> = t
        .feeds()
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap().to_string(),
                f["verify_orgs"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kept,
        vec![("Carrier".into(), false), ("Police".into(), true)]
    );
}

#[test]
fn bad_links_are_refused_with_their_reason_and_nothing_is_added() {
    let t = Setup::new();
    let k = t.key("a");
    let good = t.link("Community", "https://lists.example.org/feed/", &[&k]);
    let five = format!(
        "{good}&key={}&key={}&key={}&key={}",
        t.key("b"),
        t.key("c"),
        t.key("d"),
        t.key("e")
    );
    let cases: Vec<(String, &str)> = vec![
        ("canhgiac://follow".into(), "not a Cảnh Giác follow link"),
        ("canhgiac://follow?v=1&name=Community".into(), "no address"),
        (
            good.replace("v=1", "v=9"),
            "version 9, which this app does not know",
        ),
        (
            good.replace("https%3A", "http%3A"),
            "a feed must be fetched over https",
        ),
        (
            format!("{good}&pad={}", "x".repeat(2_048)),
            "a follow link has at most 2048",
        ),
        (five, "more than 4 keys"),
        (
            good.replace(&k, &format!("{}xyz", &k[..61])),
            "not 64 hexadecimal characters",
        ),
        (good.replace(&k, &k[..60]), "not 64 hexadecimal characters"),
        (format!("{good}&name=Other"), "`name` twice"),
    ];
    for (link, reason) in &cases {
        t.refused(&[link], reason);
    }
    // A link with what only a typed feed takes: refused, not half used.
    t.refused(&[&good, "https://other.example/"], "give it alone");
    t.refused(&[&good, "--key", &k], "give it alone");
    t.refused(&[&good, "--allow-http"], "give it alone");
    assert_eq!(t.feeds(), serde_json::json!([]));
}

#[test]
fn a_feed_followed_already_keeps_its_keys() {
    let t = Setup::new();
    let db = s(&t.p("phone.db"));
    ok(&[
        "--db",
        &db,
        "feeds",
        "add",
        "Community",
        "https://lists.example.org/feed/",
        "--key",
        &t.key("a"),
    ]);
    let before = t.feeds();
    // The same address under another name, the same name elsewhere, and
    // each with another key: none replaces what is followed.
    for (name, url) in [
        ("Other", "https://lists.example.org/feed/manifest.json"),
        ("Community", "https://elsewhere.example/"),
    ] {
        t.refused(
            &[&t.link(name, url, &[&t.key("b")])],
            "you already follow Community",
        );
    }
    assert_eq!(t.feeds(), before);
}

#[test]
fn the_publisher_cannot_make_a_link_the_phone_would_refuse() {
    let t = Setup::new();
    for (args, reason) in [
        (
            vec!["--name", "A", "--url", "http://a.example/"],
            "a feed must be fetched over https",
        ),
        (
            vec!["--name", "", "--url", "https://a.example/"],
            "1 to 40 characters",
        ),
        (
            vec!["--name", "A", "--url", "https://a.example/", "--key", "abc"],
            "64 hexadecimal",
        ),
    ] {
        let mut all = vec!["feed", "follow-link"];
        all.extend(args);
        if !all.contains(&"--key") {
            all.extend(["--key", "KEY"]);
        }
        let key = t.key("a");
        let all: Vec<&str> = all
            .iter()
            .map(|a| if *a == "KEY" { key.as_str() } else { a })
            .collect();
        let out = cli(&all);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{all:?}: {err}");
        assert!(err.contains(reason), "{all:?}: {err}");
        assert!(out.stdout.is_empty());
    }
}

/// The SVG's dark modules: the `qrcode` renderer draws each as a path
/// rectangle `M{x} {y}h{w}v{h}H{x}V{y}`, in pixels.
fn dark_rects(svg: &str) -> Vec<[u32; 4]> {
    let d = svg.split(r##"<path fill="#000" d=""##).nth(1).unwrap();
    let d = &d[..d.find('"').unwrap()];
    d.split('M')
        .filter(|r| !r.is_empty())
        .map(|r| {
            let n: Vec<u32> = r
                .split(|c: char| c.is_ascii_alphabetic() || c == ' ')
                .filter(|x| !x.is_empty())
                .map(|x| x.parse().unwrap())
                .collect();
            [n[0], n[1], n[2], n[3]]
        })
        .collect()
}

/// The QR code drawn by the SVG, read back by a QR decoder (`rqrr`).
fn decode(svg: &str) -> (usize, String) {
    let side: usize = svg
        .split(r#"width=""#)
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let mut px = vec![255u8; side * side];
    for [x, y, w, h] in dark_rects(svg) {
        for yy in y..y + h {
            for xx in x..x + w {
                px[yy as usize * side + xx as usize] = 0;
            }
        }
    }
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| px[y * side + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1);
    let (meta, text) = grids[0].decode().unwrap();
    (meta.version.0, text)
}

#[test]
fn the_qr_code_reads_back_as_the_link() {
    let t = Setup::new();
    let svg_file = t.p("follow.svg");
    let out = cli(&[
        "feed",
        "follow-link",
        "--name",
        "Sở TT&TT <Hà Nội>",
        "--url",
        "https://so.example.org/feed/",
        "--key",
        &t.key("a"),
        "--key",
        &t.key("b"),
        "--qr",
        &s(&svg_file),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let link = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let svg = std::fs::read_to_string(&svg_file).unwrap();
    // An element a page can inline and a screen reader names.
    assert!(svg.starts_with(r#"<svg id="follow-qr" role="img" aria-labelledby="follow-qr-title" xmlns="http://www.w3.org/2000/svg""#), "{}", &svg[..200]);
    assert!(svg.contains(
        r#"<title id="follow-qr-title">QR code: follow Sở TT&amp;TT &lt;Hà Nội&gt;</title>"#
    ));
    assert!(svg.ends_with("</svg>") && !svg.contains("<?xml") && !svg.contains("<script"));
    let (version, text) = decode(&svg);
    assert_eq!(text, link);
    // Two keys and a Vietnamese name: 258 bytes, a version-12 code at
    // error correction M (65 modules, 4 px each, quiet zone 4 a side).
    assert_eq!(link.len(), 258);
    assert_eq!(version, 12);
    assert!(svg.contains(r#"width="292" height="292""#));
}

#[test]
fn the_longest_link_still_fits_one_code() {
    let t = Setup::new();
    let svg_file = t.p("long.svg");
    // Unreserved characters after the host, so that the link is exactly
    // as long as a link may be.
    let url = format!("https://a.example/{}", "d".repeat(1_713));
    let keys = ["a", "b", "c", "d"].map(|w| t.key(w));
    let mut args = vec!["feed", "follow-link", "--name", "A", "--url", &url, "--qr"];
    let file = s(&svg_file);
    args.push(&file);
    for k in &keys {
        args.extend(["--key", k.as_str()]);
    }
    let link = ok(&args).trim().to_string();
    assert_eq!(link.len(), 2_048);
    let (version, text) = decode(&std::fs::read_to_string(&svg_file).unwrap());
    assert_eq!(text, link);
    // Version 38 (169 modules a side): room to spare under version 40,
    // which at error correction M holds 2,331 bytes.
    assert_eq!(version, 38);
}
