//! A feed served over https by nginx on loopback behind a private CA (a
//! chain shaped like a public CA's, made by `tests/tls/make-chain.sh`):
//! the phone's compiled-in roots refuse it; `sync --extra-root-cert` with
//! that CA's root accepts it, and with another CA's root still refuses.
//! The manifest comes gzipped, and an unchanged one is still a 304; a
//! gzip bomb, as manifest or data file, stops at the limits, which bound
//! the bytes after decompression.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::{Nginx, cli, ok};

struct Setup {
    dir: tempfile::TempDir,
    nginx: Nginx,
}

/// A CA's chain in `dir` (root.pem, chain.pem, leaf.key).
fn make_chain(dir: &Path) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/tls/make-chain.sh");
    let out = Command::new("sh")
        .arg(script)
        .arg(dir)
        .output()
        .expect("openssl is needed for this test");
    assert!(
        out.status.success(),
        "make-chain.sh: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        for d in ["www", "nginx", "keys", "ca", "other-ca"] {
            std::fs::create_dir_all(dir.path().join(d)).unwrap();
        }
        make_chain(&dir.path().join("ca"));
        make_chain(&dir.path().join("other-ca"));
        let s = |rel: &str| dir.path().join(rel).to_str().unwrap().to_string();
        ok(&["feed", "keygen", "--out", &s("keys")]);
        std::fs::write(
            dir.path().join("list.csv"),
            "number,category,reports,last_reported,label\n\
             0901000001,scam,5,2026-11-20,\n\
             0901000002,scam,3,2026-11-21,\n",
        )
        .unwrap();
        ok(&[
            "feed",
            "build",
            "--input",
            &s("list.csv"),
            "--key",
            &s("keys/feed.key"),
            "--out",
            &s("www/feed"),
        ]);
        let nginx = Nginx::start_tls(
            &dir.path().join("www"),
            &dir.path().join("nginx"),
            &dir.path().join("ca/chain.pem"),
            &dir.path().join("ca/leaf.key"),
        );
        Setup { dir, nginx }
    }

    fn p(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn s(&self, rel: &str) -> String {
        self.p(rel).to_str().unwrap().to_string()
    }

    /// `sync URL --key … [extra] --json` on phone.db, over https.
    fn sync(&self, extra: &[&str]) -> Output {
        let (db, key, url) = (
            self.s("phone.db"),
            self.s("keys/feed.pub"),
            self.nginx.url("feed"),
        );
        assert!(url.starts_with("https://"));
        let mut args = vec!["--db", &db, "sync", &url, "--key", &key, "--json"];
        args.extend_from_slice(extra);
        cli(&args)
    }

    fn warns(&self, number: &str) -> bool {
        let out = ok(&["--db", &self.s("phone.db"), "check", number, "--json"]);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        v["level"] == "scam"
    }
}

fn refused(out: &Output, needle: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "should be refused: {err}");
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(needle), "{needle:?} not in: {err}");
}

#[test]
fn a_private_ca_is_refused_unless_its_root_is_given_and_only_that_root() {
    let t = Setup::new();
    refused(&t.sync(&[]), "certificate is not trusted (unknownissuer)");
    refused(
        &t.sync(&["--extra-root-cert", &t.s("other-ca/root.pem")]),
        "certificate",
    );
    assert!(
        !t.warns("0901000001"),
        "nothing was stored by a refused sync"
    );

    let out = t.sync(&["--extra-root-cert", &t.s("ca/root.pem")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["path"], "snapshot");
    assert!(t.warns("0901000001"));

    // The root is trusted for that run only: nothing of it is remembered.
    refused(&t.sync(&[]), "certificate is not trusted (unknownissuer)");
}

#[test]
fn the_manifest_comes_gzipped_and_an_unchanged_one_is_a_304() {
    let t = Setup::new();
    let root = t.s("ca/root.pem");
    for expected in ["snapshot", "up_to_date"] {
        let out = t.sync(&["--extra-root-cert", &root]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["path"], expected);
    }
    // nginx's combined log: "GET /feed/manifest.json HTTP/1.1" STATUS BODY_BYTES
    let log = std::fs::read_to_string(t.p("nginx/access.log")).unwrap();
    let manifests: Vec<(u16, u64)> = log
        .lines()
        .filter(|l| l.contains("GET /feed/manifest.json"))
        .map(|l| {
            let after = l.split("\" ").nth(1).unwrap();
            let mut f = after.split(' ');
            (
                f.next().unwrap().parse().unwrap(),
                f.next().unwrap().parse().unwrap(),
            )
        })
        .collect();
    let size = std::fs::metadata(t.p("www/feed/manifest.json"))
        .unwrap()
        .len();
    assert_eq!(manifests.len(), 2, "{log}");
    assert_eq!(manifests[0].0, 200);
    assert!(
        manifests[0].1 < size,
        "the manifest went out whole ({} of {size} bytes): not gzipped",
        manifests[0].1
    );
    assert_eq!(manifests[1].0, 304, "gzip's weak ETag still revalidates");
}

#[test]
fn a_root_file_that_is_not_certificates_is_refused_in_words() {
    let t = Setup::new();
    let junk = t.p("junk.pem");
    let cases: [(&str, Vec<u8>, &str); 3] = [
        ("empty", Vec::new(), "holds no certificate"),
        (
            "a private key",
            std::fs::read(t.p("ca/leaf.key")).unwrap(),
            "not a certificate",
        ),
        (
            "a certificate that is not DER",
            b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".to_vec(),
            "cannot be a root",
        ),
    ];
    for (what, bytes, needle) in cases {
        std::fs::write(&junk, bytes).unwrap();
        let out = t.sync(&["--extra-root-cert", &t.s("junk.pem")]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{what}: {err}");
        assert!(err.contains(needle), "{what}: {needle:?} not in {err}");
    }
    let huge = vec![b'A'; (1 << 20) + 10];
    std::fs::write(&junk, huge).unwrap();
    refused(&t.sync(&["--extra-root-cert", &t.s("junk.pem")]), "over");
    refused(
        &t.sync(&["--extra-root-cert", &t.s("no-such.pem")]),
        "no-such.pem",
    );
}

/// `bytes` gzipped by gzip(1) (Debian's, always there).
fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut child = Command::new("gzip")
        .arg("-9c")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = bytes.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input).unwrap());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out.stdout
}

#[test]
fn a_gzip_bomb_stops_at_the_limits_as_manifest_or_as_data_file() {
    let t = Setup::new();
    let root = t.s("ca/root.pem");
    // nginx sends everything under /gzipped/ with Content-Encoding: gzip.
    let bomb = gzip(&vec![b' '; 64 << 20]);
    assert!(bomb.len() < 200_000, "{} bytes", bomb.len());
    // A manifest that inflates to 64 MiB.
    std::fs::create_dir_all(t.p("www/gzipped/manifest")).unwrap();
    std::fs::write(t.p("www/gzipped/manifest/manifest.json"), &bomb).unwrap();
    // The real feed, its manifest gzipped honestly, every data file a bomb.
    std::fs::create_dir_all(t.p("www/gzipped/data")).unwrap();
    for entry in std::fs::read_dir(t.p("www/feed")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let bytes = if name == "manifest.json" {
            gzip(&std::fs::read(&path).unwrap())
        } else {
            bomb.clone()
        };
        std::fs::write(t.p(&format!("www/gzipped/data/{name}")), bytes).unwrap();
    }
    let sync_from = |folder: &str| {
        let url = t.nginx.url(&format!("gzipped/{folder}"));
        let (db, key) = (t.s("phone.db"), t.s("keys/feed.pub"));
        cli(&[
            "--db",
            &db,
            "sync",
            &url,
            "--key",
            &key,
            "--extra-root-cert",
            &root,
        ])
    };
    refused(&sync_from("manifest"), "the manifest is too large");
    refused(&sync_from("data"), "is longer than the manifest says");
    assert!(!t.warns("0901000001"), "nothing was stored");
}

/// The whole follow path over https: the publisher's link, `feeds add
/// LINK` on the phone, then a sync of that feed by its name (the link
/// pins the key; nothing else names it) and a warning.
#[test]
fn a_feed_followed_by_its_link_syncs_over_https_by_its_name() {
    let t = Setup::new();
    let url = t.nginx.url("feed");
    let link = ok(&[
        "feed",
        "follow-link",
        "--name",
        "Công an tỉnh (thử)",
        "--url",
        &url,
        "--key",
        &t.s("keys/feed.pub"),
    ]);
    let db = t.s("phone.db");
    ok(&["--db", &db, "feeds", "add", link.trim()]);
    let name = "Công an tỉnh (thử)";
    // The link's feed is pinned and named; the private CA still needs its
    // root for this run.
    refused(
        &cli(&["--db", &db, "sync", name, "--json"]),
        "certificate is not trusted (unknownissuer)",
    );
    let out = cli(&[
        "--db",
        &db,
        "sync",
        name,
        "--extra-root-cert",
        &t.s("ca/root.pem"),
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["path"], "snapshot", "{v}");
    assert!(t.warns("0901000001"));
    let feeds: serde_json::Value =
        serde_json::from_str(&ok(&["--db", &db, "feeds", "list", "--json"])).unwrap();
    let feed = feeds
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("{feeds}"));
    assert_eq!(feed["version"], 1, "{feed}");
}
