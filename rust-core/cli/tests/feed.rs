//! The signed feed end to end, against real parts: feeds built by the CLI,
//! served by nginx on loopback, synced by the CLI into real SQLite files.
//! Every fault must leave the database exactly as it was.

use rusqlite::Connection;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::{Site as Setup, cli, ok};

/// A synthetic list: `n` numbers from a fixed seed, with `changed` of them
/// altered and `added` new ones when building a later version.
fn csv(path: &Path, n: usize, seed: u64, changed: usize, added: usize) {
    let mut out = String::from("number,category,reports,last_reported,label\n");
    let labels = ["mạo danh công an", "khóa SIM 2 chiều", "", "", ""];
    for i in 0..n + added {
        // Each entry from its own index, so versions share what they share.
        let mut x = seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let mut next = move || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            x >> 33
        };
        let number = 900_000_000 + (i as u64) * 37 + next() % 37;
        let reports = if i < changed {
            100 + i as u64
        } else {
            1 + next() % 3
        };
        let label = labels[(next() % 5) as usize];
        let category = if next() % 4 == 0 { "nuisance" } else { "scam" };
        out.push_str(&format!(
            "0{number},{category},{reports},2026-11-{:02},{label}\n",
            1 + next() % 27
        ));
    }
    out.push_str("024399*,nuisance,8,2026-11-10,tổng đài quảng cáo\n");
    std::fs::write(path, out).unwrap();
}

/// The list file beside a user's file: `phone.db` → `phone.list.db`.
fn list_file(db: &Path) -> std::path::PathBuf {
    db.with_extension("list.db")
}

/// Everything a sync may touch (the list file), as comparable text.
fn fingerprint(db: &Path) -> Vec<String> {
    if !list_file(db).exists() {
        return Vec::new();
    }
    let c = Connection::open(list_file(db)).unwrap();
    let mut rows: Vec<String> = Vec::new();
    for sql in [
        "SELECT 'n', number, category, reports, last_reported, (SELECT text FROM label WHERE id = label_id), feed FROM reported",
        "SELECT 'p', prefix, category, reports, last_reported, (SELECT text FROM label WHERE id = label_id), feed FROM reported_prefix",
        "SELECT 'f', version, key_id, etag, synced_at, NULL, NULL FROM feed_state",
    ] {
        let mut stmt = c.prepare(sql).unwrap();
        let it = stmt
            .query_map([], |r| {
                Ok((0..7)
                    .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap();
        rows.extend(it.map(|r| r.unwrap()));
    }
    rows.sort();
    rows
}

/// The list only (no sync bookkeeping): what a user would see.
fn list(db: &Path) -> Vec<String> {
    fingerprint(db)
        .into_iter()
        .filter(|r| !r.starts_with("Text(\"f\")"))
        .collect()
}

fn version(db: &Path) -> Option<i64> {
    Connection::open(list_file(db))
        .unwrap()
        .query_row("SELECT version FROM feed_state", [], |r| r.get(0))
        .ok()
}

/// Copies every file of `src` into `dst` (created if needed).
fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dst.join(e.file_name())).unwrap();
    }
}

impl Setup {
    fn new() -> Setup {
        Setup::served(&["keys"])
    }

    fn publish(&self, folder: &str, csv_file: &str, key: &str) -> String {
        ok(&[
            "feed",
            "build",
            "--input",
            &self.s(csv_file),
            "--key",
            &self.s(key),
            "--out",
            &self.s(&format!("www/{folder}")),
            "--json",
        ])
    }

    /// `canhgiac sync URL --key feed.pub --json [args]` on `db`.
    fn sync_with_args(&self, db: &str, url: &str, args: &[&str]) -> Output {
        self.sync_from(db, url, &[&["--json"], args].concat())
    }

    /// As `sync_with_args`, with `--allow-http`: nginx serves plain http on
    /// loopback, and the core requires the opt-in.
    fn sync_at(&self, db: &str, url: &str, extra: &[&str]) -> Output {
        self.sync_with_args(db, url, &[&["--allow-http"], extra].concat())
    }

    fn sync(&self, db: &str, folder: &str) -> Output {
        self.sync_at(db, &self.nginx.url(folder), &[])
    }

    fn sync_ok(&self, db: &str, folder: &str) -> serde_json::Value {
        let out = self.sync(db, folder);
        assert!(
            out.status.success(),
            "sync: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// Syncs from `url`, expecting failure with `needle` in the message and
    /// the database unchanged.
    fn refused_at(&self, db: &str, url: &str, extra: &[&str], needle: &str) {
        self.refused_with_any(db, url, extra, &[needle]);
    }

    /// As `refused_at`, where the message may be any one of `needles`.
    fn refused_with_any(&self, db: &str, url: &str, extra: &[&str], needles: &[&str]) {
        self.refused_with_args(db, url, &[&["--allow-http"], extra].concat(), needles);
    }

    /// As `refused_with_any`, with exactly `args` (no `--allow-http`).
    fn refused_with_args(&self, db: &str, url: &str, args: &[&str], needles: &[&str]) {
        let before = fingerprint(&self.p(db));
        let out = self.sync_with_args(db, url, args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "sync should fail with {needles:?}");
        assert!(
            needles.iter().any(|n| err.contains(n)),
            "expected one of {needles:?} in: {err}"
        );
        assert!(
            fingerprint(&self.p(db)) == before,
            "a failed sync changed the database ({needles:?})"
        );
    }

    fn sync_refused(&self, db: &str, folder: &str, needle: &str) {
        self.refused_at(db, &self.nginx.url(folder), &[], needle);
    }
}

#[test]
fn snapshot_then_delta_equals_a_fresh_snapshot_sync() {
    let t = Setup::new();
    csv(&t.p("v1.csv"), 3000, 1, 0, 0);
    t.publish("feed", "v1.csv", "keys/feed.key");
    let first = t.sync_ok("phone.db", "feed");
    assert_eq!(first["path"], "snapshot");
    assert_eq!(first["to_version"], 1);
    assert_eq!(first["entries"], 3001);

    // Nothing new: one small request, answered 304.
    let again = t.sync_ok("phone.db", "feed");
    assert_eq!(again["path"], "up_to_date");
    assert_eq!(again["bytes_fetched"], 0);

    // Version 2: 50 changed, 20 added, and the last 30 gone (seed 1 again).
    csv(&t.p("v2.csv"), 2950, 1, 50, 20);
    let built: serde_json::Value =
        serde_json::from_str(&t.publish("feed", "v2.csv", "keys/feed.key")).unwrap();
    let second = t.sync_ok("phone.db", "feed");
    assert_eq!(second["path"], "delta");
    assert_eq!(second["to_version"], 2);
    let delta_bytes = built["delta_bytes"].as_u64().unwrap();
    assert!(
        second["bytes_fetched"].as_u64().unwrap()
            < built["snapshot_bytes"].as_u64().unwrap() + 2000
    );
    assert!(delta_bytes < built["snapshot_bytes"].as_u64().unwrap());

    let fresh = t.sync_ok("fresh.db", "feed");
    assert_eq!(fresh["path"], "snapshot");
    assert!(
        list(&t.p("phone.db")) == list(&t.p("fresh.db")),
        "delta path and snapshot path differ"
    );
    assert_eq!(fresh["entries"], second["entries"]);

    // The phone screens with the new list.
    let v: serde_json::Value = serde_json::from_str(&ok(&[
        "--db",
        &t.s("phone.db"),
        "check",
        "02439991234",
        "--json",
    ]))
    .unwrap();
    assert_eq!(v["reasons"][0]["code"], "reported_prefix");
    // A plain `sync` uses the remembered address and key.
    let plain = ok(&["--db", &t.s("phone.db"), "sync", "--json"]);
    assert!(plain.contains("up_to_date"), "{plain}");
}

#[test]
fn user_imports_survive_feed_updates() {
    let t = Setup::new();
    csv(&t.p("v1.csv"), 100, 3, 0, 0);
    t.publish("feed", "v1.csv", "keys/feed.key");
    std::fs::write(
        t.p("mine.csv"),
        "number,category,reports,last_reported,label\n0987000111,scam,1,,\n",
    )
    .unwrap();
    ok(&["--db", &t.s("phone.db"), "import", &t.s("mine.csv")]);
    t.sync_ok("phone.db", "feed");
    csv(&t.p("v2.csv"), 10, 3, 0, 0);
    t.publish("feed", "v2.csv", "keys/feed.key");
    t.sync_ok("phone.db", "feed");
    let v: serde_json::Value = serde_json::from_str(&ok(&[
        "--db",
        &t.s("phone.db"),
        "check",
        "0987000111",
        "--json",
    ]))
    .unwrap();
    assert_eq!(v["level"], "scam");
}

/// Issue 21: `feed build` takes possible numbers (ranges libphonenumber
/// does not list: 024 99xx, 052x) and refuses impossible ones; the phone
/// warns of them from the feed like any other number.
#[test]
fn a_feed_lists_possible_numbers_and_refuses_impossible_ones() {
    let t = Setup::new();
    std::fs::write(
        t.p("v1.csv"),
        "number,category,reports,last_reported,label\n\
         02499000001,scam,5,,gia danh toa an\n\
         0521234567,scam,5,,\n\
         0401234567,scam,5,,\n",
    )
    .unwrap();
    let built = t.publish("feed", "v1.csv", "keys/feed.key");
    let built: serde_json::Value = serde_json::from_str(&built).unwrap();
    assert_eq!(built["entries"], 2, "{built}");
    t.sync_ok("phone.db", "feed");
    for number in ["024 9900 0001", "0521234567"] {
        let v: serde_json::Value =
            serde_json::from_str(&ok(&["--db", &t.s("phone.db"), "check", number, "--json"]))
                .unwrap();
        assert_eq!(v["level"], "scam", "{number}: {v}");
        assert_eq!(v["number"]["plan"], "possible", "{number}: {v}");
    }
}

/// A burst the publisher has not confirmed travels as `suspicious` and is
/// warned of as such on the phone, never as a scam; confirmed by the next
/// version, the same number becomes a scam by a delta.
#[test]
fn a_suspicious_entry_warns_and_its_confirmation_arrives_by_delta() {
    let t = Setup::new();
    let write = |name: &str, category: &str| {
        std::fs::write(
            t.p(name),
            format!(
                "number,category,reports,last_reported,label\n0912345678,{category},6,,mạo danh công an\n0987000001,scam,4,,\n"
            ),
        )
        .unwrap();
    };
    let check = |raw: &str| -> serde_json::Value {
        serde_json::from_str(&ok(&["--db", &t.s("phone.db"), "check", raw, "--json"])).unwrap()
    };
    write("v1.csv", "suspicious");
    t.publish("feed", "v1.csv", "keys/feed.key");
    t.sync_ok("phone.db", "feed");
    let v = check("0912 345 678");
    assert_eq!(v["level"], "suspicious", "{v}");
    assert_eq!(v["reasons"][0]["code"], "reported_burst", "{v}");
    assert_eq!(v["report"]["category"], "suspicious", "{v}");
    assert_eq!(check("0987000001")["level"], "scam");

    write("v2.csv", "scam");
    t.publish("feed", "v2.csv", "keys/feed.key");
    assert_eq!(t.sync_ok("phone.db", "feed")["path"], "delta");
    let v = check("+84912345678");
    assert_eq!(v["level"], "scam", "{v}");
    assert_eq!(v["reasons"][0]["code"], "reported", "{v}");
}

#[test]
fn forged_tampered_truncated_and_missing_files_change_nothing() {
    let t = Setup::new();
    csv(&t.p("v1.csv"), 500, 7, 0, 0);
    t.publish("feed", "v1.csv", "keys/feed.key");
    t.sync_ok("phone.db", "feed");
    csv(&t.p("v2.csv"), 480, 7, 25, 5);

    // A manifest signed by another key.
    ok(&["feed", "keygen", "--out", &t.s("other")]);
    std::fs::create_dir_all(t.p("www/forged")).unwrap();
    t.publish("forged", "v2.csv", "other/feed.key");
    t.sync_refused("phone.db", "forged", "not pinned");

    // The real v2, then damage it in copies.
    t.publish("feed", "v2.csv", "keys/feed.key");
    // Each damage is done in place, on the feed the phone follows, and
    // undone after: the phone must see the same address (its scope).
    let damaged = |file: &str, damage: &dyn Fn(&Path), db: &str, needle: &str| {
        let path = t.p(&format!("www/feed/{file}"));
        let good = std::fs::read(&path).unwrap();
        damage(&path);
        t.sync_refused(db, "feed", needle);
        std::fs::write(&path, good).unwrap();
    };
    let flip = |path: &Path| {
        let mut b = std::fs::read(path).unwrap();
        let mid = b.len() / 2;
        b[mid] ^= 0x01;
        std::fs::write(path, b).unwrap();
    };
    let cut = |path: &Path| {
        let len = std::fs::metadata(path).unwrap().len();
        std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .unwrap()
            .set_len(len / 2)
            .unwrap();
    };
    let remove = |path: &Path| std::fs::remove_file(path).unwrap();
    // A manifest whose signed text was edited to claim another file.
    let edit = |path: &Path| {
        let text = std::fs::read_to_string(path)
            .unwrap()
            .replace("snapshot-2.bin", "snapshot-9.bin");
        std::fs::write(path, text).unwrap();
    };
    // A fresh phone that follows the same feed, for the snapshot path.
    ok(&["--db", &t.s("fresh.db"), "stats"]);

    damaged("delta-1-2.bin", &flip, "phone.db", "sha256");
    damaged("snapshot-2.bin", &flip, "fresh.db", "sha256");
    damaged("snapshot-2.bin", &cut, "fresh.db", "cut short");
    damaged("delta-1-2.bin", &remove, "phone.db", "404");
    damaged("manifest.json", &edit, "phone.db", "signature");
    t.sync_refused("phone.db", "broken", "500");
    t.sync_refused("phone.db", "nowhere", "404");

    // A limit smaller than the download: refused before downloading.
    let url = t.nginx.url("feed");
    t.refused_at(
        "fresh.db",
        &url,
        &["--max-download", "100"],
        "more than the limit",
    );
    let out = t.sync_at("fresh.db", &url, &["--max-download", "67108864"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // And the intact feed still syncs.
    assert_eq!(t.sync_ok("phone.db", "feed")["path"], "delta");
}

#[test]
fn an_older_manifest_replayed_after_a_newer_one_is_refused() {
    let t = Setup::new();
    csv(&t.p("v1.csv"), 200, 11, 0, 0);
    t.publish("feed", "v1.csv", "keys/feed.key");
    let old = t.p("old");
    copy_dir(&t.p("www/feed"), &old);
    csv(&t.p("v2.csv"), 210, 11, 3, 0);
    t.publish("feed", "v2.csv", "keys/feed.key");
    t.sync_ok("phone.db", "feed");
    // The attacker (or a stale CDN node) serves version 1 again.
    copy_dir(&old, &t.p("www/feed"));
    t.sync_refused("phone.db", "feed", "older than the version 2");
}

#[test]
fn the_same_publishers_older_list_from_a_mirror_is_refused() {
    // Issue 8, finding 2: versions belonged to the address, so a mirror
    // still serving version 1 took the phone back.
    let t = Setup::new();
    csv(&t.p("v1.csv"), 200, 12, 0, 0);
    t.publish("feed", "v1.csv", "keys/feed.key");
    copy_dir(&t.p("www/feed"), &t.p("www/mirror"));
    csv(&t.p("v2.csv"), 210, 12, 3, 0);
    t.publish("feed", "v2.csv", "keys/feed.key");
    t.sync_ok("phone.db", "feed");
    t.sync_refused("phone.db", "mirror", "older than the version 2");
    assert_eq!(version(&t.p("phone.db")), Some(2));
}

#[test]
fn plain_http_needs_the_explicit_opt_in() {
    let t = Setup::new();
    csv(&t.p("v1.csv"), 50, 13, 0, 0);
    t.publish("feed", "v1.csv", "keys/feed.key");
    t.sync_ok("phone.db", "feed");
    t.refused_with_args("phone.db", &t.nginx.url("feed"), &[], &["https://"]);
}

#[test]
fn an_expired_manifest_is_refused_and_the_list_kept() {
    // Issue 8, finding 3: a mirror serving an old, validly signed manifest
    // froze phones unnoticed. Published ten days ago, it expired three days ago.
    use canhgiac_core::publisher;
    let t = Setup::new();
    csv(&t.p("v1.csv"), 50, 14, 0, 0);
    t.publish("feed", "v1.csv", "keys/feed.key");
    t.sync_ok("phone.db", "feed");
    let key = publisher::parse_secret_key(&std::fs::read_to_string(t.p("keys/feed.key")).unwrap())
        .unwrap();
    let parsed = publisher::parse_csv(std::fs::File::open(t.p("v1.csv")).unwrap()).unwrap();
    let mut set = publisher::EntrySet::default();
    for (target, rep) in parsed.rows {
        set.insert(target, rep);
    }
    let ten_days_ago = canhgiac_core::now_unix() - 10 * 86_400;
    publisher::build(&t.p("www/stale"), &set, &key, 3, ten_days_ago).unwrap();
    t.sync_refused("phone.db", "stale", "expired on");
    t.sync_refused("fresh.db", "stale", "expired on");
}

#[test]
fn a_manifest_promising_100_gib_is_a_clear_error_and_no_limit_is_kept() {
    // Issue 8, finding 7: `memory allocation of 107374182400 bytes failed`
    // (SIGABRT) with --max-download 9223372036854775807, and the limit was
    // saved, so every later sync aborted too.
    use canhgiac_core::publisher;
    let t = Setup::new();
    csv(&t.p("v1.csv"), 50, 15, 0, 0);
    t.publish("feed", "v1.csv", "keys/feed.key");
    let key = publisher::parse_secret_key(&std::fs::read_to_string(t.p("keys/feed.key")).unwrap())
        .unwrap();
    copy_dir(&t.p("www/feed"), &t.p("www/liar"));
    let path = t.p("www/liar/manifest.json");
    let mut m = publisher::verify(&std::fs::read(&path).unwrap(), &[key.verifying_key()]).unwrap();
    m.snapshot.file.size = 100 << 30;
    std::fs::write(&path, publisher::sign(&m, &key)).unwrap();
    // That limit is now refused before anything is fetched (its ceiling is
    // 1 GiB); at the ceiling the 100 GiB promise is refused by the limit.
    t.refused_at(
        "phone.db",
        &t.nginx.url("liar"),
        &["--max-download", "9223372036854775807"],
        "feed.max_download must be 1 to 1073741824",
    );
    t.refused_at(
        "phone.db",
        &t.nginx.url("liar"),
        &["--max-download", "1073741824"],
        "more than the limit of 1073741824 bytes",
    );
    // The limit was not kept: the honest feed syncs within the default.
    t.sync_ok("phone.db", "feed");
    let out = cli(&["--db", &t.s("phone.db"), "sync", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Serves the manifest of `feed` properly, then cuts every other file off
/// half-way through its body: a real socket closed mid-transfer.
fn half_body_server(feed: PathBuf) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(8) {
            let Ok(mut s) = stream else { continue };
            let mut req = [0u8; 4096];
            let n = s.read(&mut req).unwrap_or(0);
            let line = String::from_utf8_lossy(&req[..n]);
            let name = line
                .split_whitespace()
                .nth(1)
                .unwrap_or("/")
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_string();
            let Ok(body) = std::fs::read(feed.join(&name)) else {
                let _ = s.write_all(
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
                continue;
            };
            let cut = if name == "manifest.json" {
                body.len()
            } else {
                body.len() / 2
            };
            let _ = s.write_all(
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                )
                .as_bytes(),
            );
            let _ = s.write_all(&body[..cut]);
        }
    });
    port
}

#[test]
fn a_server_that_closes_mid_body_changes_nothing() {
    let t = Setup::new();
    csv(&t.p("v1.csv"), 300, 5, 0, 0);
    t.publish("feed", "v1.csv", "keys/feed.key");
    let port = half_body_server(t.p("www/feed"));
    // A fresh database first gets its schema, so the comparison is fair.
    ok(&["--db", &t.s("phone.db"), "stats"]);
    t.refused_at(
        "phone.db",
        &format!("http://127.0.0.1:{port}/"),
        &[],
        "snapshot-1.bin",
    );
}

#[test]
fn a_server_that_stalls_times_out_and_changes_nothing() {
    let t = Setup::new();
    // Accepts connections, reads the request, never answers.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for mut s in listener.incoming().take(4).flatten() {
            let _ = s.read(&mut [0u8; 4096]);
            held.push(s);
        }
        std::thread::sleep(Duration::from_secs(30));
    });
    ok(&["--db", &t.s("phone.db"), "stats"]);
    let started = Instant::now();
    // Two clocks of the same length race (the request's own timeout and
    // the one bounding the whole fetch); both say "timed out".
    t.refused_with_any(
        "phone.db",
        &format!("http://127.0.0.1:{port}/"),
        &["--timeout", "1"],
        &["timed out"],
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "the timeout did not apply"
    );
}

#[test]
// Its note to the test harness is not the CLI's output (clippy.toml).
#[allow(clippy::disallowed_macros)]
fn sync_killed_at_random_points_leaves_old_or_new_never_between() {
    let t = Setup::new();
    csv(&t.p("v1.csv"), 20_000, 21, 0, 0);
    t.publish("feed", "v1.csv", "keys/feed.key");
    t.sync_ok("base.db", "feed");
    let v1 = list(&t.p("base.db"));
    // Version 2 is a different list, big enough that applying takes a while.
    csv(&t.p("v2.csv"), 150_000, 22, 0, 0);
    t.publish("feed", "v2.csv", "keys/feed.key");

    let reset = || {
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(t.p(&format!("work.db{ext}")));
        }
        std::fs::copy(t.p("base.db"), t.p("work.db")).unwrap();
    };
    // Calibrate: how long a whole sync takes here.
    reset();
    let started = Instant::now();
    t.sync_ok("work.db", "feed");
    let full = started.elapsed();
    let v2 = list(&t.p("work.db"));
    assert_ne!(v1, v2);

    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let (mut saw_old, mut saw_new) = (0, 0);
    for round in 0..20 {
        reset();
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        // Uniform over the later 80% of a sync, where the apply runs.
        let delay = full.mul_f64(0.2 + 0.8 * (seed >> 11) as f64 / (1u64 << 53) as f64);
        let mut child = Command::new(env!("CARGO_BIN_EXE_canhgiac"))
            .args(["--db", &t.s("work.db"), "sync"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        for file in [t.p("work.db"), list_file(&t.p("work.db"))] {
            let c = Connection::open(&file).unwrap();
            let check: String = c
                .query_row("PRAGMA integrity_check", [], |r| r.get(0))
                .unwrap();
            assert_eq!(check, "ok", "round {round}, killed after {delay:?}");
        }
        let now = list(&t.p("work.db"));
        match version(&t.p("work.db")) {
            Some(1) => {
                assert!(now == v1, "round {round}: version 1 with other contents");
                saw_old += 1;
            }
            Some(2) => {
                assert!(now == v2, "round {round}: version 2 with other contents");
                saw_new += 1;
            }
            other => panic!("round {round}: version {other:?}"),
        }
    }
    eprintln!(
        "killed 20 syncs (full sync {full:?}): {saw_old} left version 1, {saw_new} reached version 2"
    );
}
