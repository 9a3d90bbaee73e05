//! Publishing every few minutes (issue 20, parts 2, 3 and 5), end to end:
//! feeds built by the CLI on a simulated clock (`--now`), served by nginx
//! with the feed's headers, synced by the CLI into real SQLite files.
//!
//! The simulated clock starts at the real time and runs forward, so that
//! every manifest is still valid for the phones, which check expiry
//! against the real clock.

use rusqlite::Connection;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

mod common;
use common::http::{Response, http};
use common::{Site as Setup, ok, s, succeeded};

const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

fn real_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A publisher's list that changes a little at each version.
struct List {
    /// Synthetic number (0912 000 000 + i·7) → reports.
    entries: BTreeMap<u64, u32>,
    step: u64,
}

impl List {
    fn new(n: u64) -> List {
        List {
            entries: (0..n).map(|i| (912_000_000 + i * 7, 1)).collect(),
            step: 0,
        }
    }

    /// The next version's changes: three entries change, one new, one gone.
    fn advance(&mut self) {
        self.step += 1;
        let s = self.step;
        let keys: Vec<u64> = self.entries.keys().copied().collect();
        for j in 0..3 {
            let k = keys[((s * 131 + j * 17) % keys.len() as u64) as usize];
            self.entries.insert(k, 2 + (s % 200) as u32);
        }
        self.entries.insert(913_000_000 + s * 3, 1);
        let gone = keys[((s * 977) % keys.len() as u64) as usize];
        self.entries.remove(&gone);
    }

    fn write(&self, path: &Path) {
        let mut out = String::from("number,category,reports,last_reported,label\n");
        // Dates and categories spread as in a real list, so that the
        // snapshot is not unusually small beside the deltas.
        for (n, r) in &self.entries {
            let h = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
            let category = if h % 5 == 0 { "nuisance" } else { "scam" };
            out.push_str(&format!("0{n},{category},{r},2026-11-{:02},\n", 1 + h % 28));
        }
        std::fs::write(path, out).unwrap();
    }
}

impl Setup {
    fn new() -> Setup {
        let t = Setup::served(&["keys"]);
        std::fs::create_dir_all(t.p("www/feed")).unwrap();
        t
    }

    /// `feed build` of `list` at simulated time `now`, with `extra` args.
    fn build(&self, list: &List, now: i64, extra: &[&str]) -> Value {
        list.write(&self.p("list.csv"));
        let now = now.to_string();
        let (input, key, out) = (
            s(&self.p("list.csv")),
            s(&self.p("keys/feed.key")),
            s(&self.p("www/feed")),
        );
        let args = [
            "feed", "build", "--input", &input, "--key", &key, "--out", &out, "--json", "--now",
            &now,
        ];
        serde_json::from_str(&ok(&[&args[..], extra].concat())).unwrap()
    }

    fn sync(&self, phone: &str, folder: &str) -> Value {
        let out = self.sync_from(phone, &self.nginx.url(folder), &["--json", "--allow-http"]);
        serde_json::from_str(&succeeded(&["sync", folder], out)).unwrap()
    }

    /// The phone's list, as comparable rows.
    fn list(&self, phone: &str) -> Vec<(i64, i64)> {
        let c = Connection::open(self.p(phone).with_extension("list.db")).unwrap();
        let mut stmt = c
            .prepare("SELECT number, reports FROM reported ORDER BY number")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    }

    fn expires_at(&self, phone: &str) -> i64 {
        Connection::open(self.p(phone).with_extension("list.db"))
            .unwrap()
            .query_row("SELECT expires_at FROM feed_state", [], |r| r.get(0))
            .unwrap()
    }

    /// One HTTP/1.1 GET to nginx.
    fn get(&self, path: &str, headers: &[(&str, &str)]) -> Response {
        http(
            &format!("127.0.0.1:{}", self.nginx.port),
            "GET",
            path,
            headers,
            b"",
        )
    }
}

#[test]
fn a_phone_reaches_the_newest_version_from_every_rung_of_the_ladder() {
    let t = Setup::new();
    let mut list = List::new(5_000);
    let t0 = real_now();
    let end = t0 + 40 * DAY;
    // Twice a day for 38 days, hourly for almost two days, then every 5
    // minutes for the last two hours: the ladder goes by time, so a sparse
    // past is as good as 11,000 publishes and much quicker.
    let mut times: Vec<i64> = (0..=76).map(|i| t0 + i * 12 * HOUR).collect();
    times.extend((1..=46).map(|i| t0 + 38 * DAY + i * HOUR));
    times.extend((1..=24).map(|i| end - 2 * HOUR + i * 300));
    // Phones that last synced this long before the end (0: the oldest,
    // at the first version), and a twin of each that reads no ladder.
    let phones = [
        ("hour", HOUR),
        ("day", DAY),
        ("week", 7 * DAY),
        ("month", 30 * DAY),
        ("old", 40 * DAY),
    ];
    let mut at_version = BTreeMap::new();
    for (i, &now) in times.iter().enumerate() {
        if i > 0 {
            list.advance();
        }
        let built = t.build(&list, now, &["--keep-deltas", "12", "--valid-days", "30"]);
        for (name, age) in phones {
            if now == end - age {
                for phone in [name.to_string(), format!("{name}-old-app")] {
                    t.sync(&format!("{phone}.db"), "feed");
                }
                at_version.insert(name, built["version"].as_u64().unwrap());
            }
        }
    }
    assert_eq!(at_version.len(), phones.len(), "{at_version:?}");
    let newest = times.len() as u64;

    // The same folder as a phone older than the ladder sees it: the
    // manifest without the field it does not know.
    copy_dir(&t.p("www/feed"), &t.p("www/old-app"));
    let key = canhgiac_core::publisher::parse_secret_key(
        &std::fs::read_to_string(t.p("keys/feed.key")).unwrap(),
    )
    .unwrap();
    let path = t.p("www/old-app/manifest.json");
    let mut m =
        canhgiac_core::publisher::verify(&std::fs::read(&path).unwrap(), &[key.verifying_key()])
            .unwrap();
    assert!(!m.ladder.is_empty());
    m.ladder.clear();
    std::fs::write(&path, canhgiac_core::publisher::sign(&m, &key)).unwrap();

    let fresh = t.sync("fresh.db", "feed");
    assert_eq!(
        (fresh["path"].as_str(), fresh["files_fetched"].as_u64()),
        (Some("snapshot"), Some(1))
    );
    let snapshot_bytes = fresh["bytes_fetched"].as_u64().unwrap();
    let expected = t.list("fresh.db");
    assert!(expected.len() > 4_900);
    // (phone, most files, path)
    for (name, most, path) in [
        ("hour", 1, "delta"),
        ("day", 3, "delta"),
        ("week", 3, "delta"),
        ("month", 3, "delta"),
        ("old", 1, "snapshot"),
    ] {
        let r = t.sync(&format!("{name}.db"), "feed");
        assert_eq!(r["to_version"], newest, "{name}: {r}");
        assert_eq!(r["from_version"], at_version[name], "{name}: {r}");
        assert_eq!(r["path"], path, "{name}: {r}");
        let files = r["files_fetched"].as_u64().unwrap();
        assert!((1..=most).contains(&files), "{name}: {files} files: {r}");
        if path == "delta" {
            assert!(
                r["bytes_fetched"].as_u64().unwrap() < snapshot_bytes,
                "{name}: {r}"
            );
        }
        assert!(
            t.list(&format!("{name}.db")) == expected,
            "{name}: the list differs from the snapshot's"
        );
    }
    // Phones that read no ladder: the last hour by the plain deltas or the
    // snapshot (twelve small files cost more than this small list's
    // snapshot), the rest by the snapshot, as before the ladder.
    for (name, paths) in [
        ("hour", &["delta", "snapshot"][..]),
        ("day", &["snapshot"][..]),
        ("week", &["snapshot"][..]),
        ("old", &["snapshot"][..]),
    ] {
        let phone = format!("{name}-old-app.db");
        let r = t.sync(&phone, "old-app");
        assert_eq!(r["to_version"], newest, "{name}: {r}");
        assert!(paths.contains(&r["path"].as_str().unwrap()), "{name}: {r}");
        assert!(
            t.list(&phone) == expected,
            "{name}: the old app's list differs"
        );
    }
}

/// Copies every file of `src` into `dst` (created if needed).
fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dst.join(e.file_name())).unwrap();
    }
}

#[test]
fn files_no_manifest_names_are_removed_only_after_the_grace_period() {
    let t = Setup::new();
    let mut list = List::new(300);
    let t0 = real_now();
    let exists = |name: &str| t.p("www/feed").join(name).exists();
    t.build(&list, t0, &["--keep-deltas", "1"]);
    list.advance();
    t.build(&list, t0 + 300, &["--keep-deltas", "1"]);
    // Version 1's snapshot is named by no manifest now, but a phone that
    // holds version 1's manifest may be fetching it.
    assert!(exists("snapshot-1.bin"));
    list.advance();
    t.build(&list, t0 + 600, &["--keep-deltas", "1"]);
    assert!(exists("snapshot-1.bin") && exists("delta-1-2.bin"));
    // Two hours after it was last named: gone; what the manifest names,
    // and what it named less than two hours ago, stays.
    list.advance();
    let built = t.build(&list, t0 + 300 + 2 * HOUR, &["--keep-deltas", "1"]);
    assert!(built["removed_files"].as_u64().unwrap() >= 1, "{built}");
    assert!(!exists("snapshot-1.bin"));
    assert!(exists("delta-1-2.bin") && exists("snapshot-2.bin"));
    assert!(exists("snapshot-4.bin") && exists("delta-3-4.bin"));
    list.advance();
    t.build(&list, t0 + 600 + 2 * HOUR, &["--keep-deltas", "1"]);
    assert!(!exists("delta-1-2.bin") && !exists("snapshot-2.bin"));
    assert!(
        exists("snapshot-4.bin"),
        "named until this publish: two hours more"
    );
    ok(&[
        "feed",
        "verify",
        &s(&t.p("www/feed")),
        "--key",
        &s(&t.p("keys/feed.pub")),
    ]);
}

#[test]
fn a_quiet_list_is_signed_again_before_it_expires_and_phones_accept_it() {
    let t = Setup::new();
    let list = List::new(300);
    let now = real_now();
    // Published six and a half days ago: valid for seven, half a day left.
    let first = t.build(&list, now - 6 * DAY - 12 * HOUR, &["--valid-days", "7"]);
    assert_eq!(first["version"], 1);
    t.sync("phone.db", "feed");
    let before = t.expires_at("phone.db");
    assert!(before < now + DAY);
    let manifest = || std::fs::read(t.p("www/feed/manifest.json")).unwrap();
    // Unchanged, with more than a day left (as of then): nothing written.
    let signed = manifest();
    let quiet = t.build(
        &list,
        now - 6 * DAY,
        &["--valid-days", "7", "--skip-unchanged"],
    );
    assert_eq!(
        (quiet["unchanged"].as_bool(), quiet["resigned"].as_bool()),
        (Some(true), Some(false)),
        "{quiet}"
    );
    assert_eq!(manifest(), signed);
    // Unchanged, within a day of expiring: the same version signed again.
    // (A second later: nginx's ETag is the file's time and size, and the
    // new manifest has the old one's size.)
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let again = t.build(&list, now, &["--valid-days", "7", "--skip-unchanged"]);
    assert_eq!(
        (again["version"].as_u64(), again["resigned"].as_bool()),
        (Some(1), Some(true)),
        "{again}"
    );
    assert_ne!(manifest(), signed);
    let r = t.sync("phone.db", "feed");
    assert_eq!(
        (r["path"].as_str(), r["to_version"].as_u64()),
        (Some("up_to_date"), Some(1)),
        "{r}"
    );
    let after = t.expires_at("phone.db");
    assert!(after >= now + 7 * DAY - 60, "{before} → {after}");
    // Without --skip-unchanged an unchanged list is a new version, as before.
    let next = t.build(&list, now + 60, &["--valid-days", "7"]);
    assert_eq!(next["version"], 2);
}

#[test]
fn nginx_serves_the_manifest_revalidated_and_data_files_immutable() {
    let t = Setup::new();
    let mut list = List::new(300);
    let now = real_now();
    t.build(&list, now, &[]);
    list.advance();
    t.build(&list, now + 300, &[]);

    let r = t.get("/feed/manifest.json", &[]);
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("cache-control"),
        Some("no-cache"),
        "{:?}",
        r.headers
    );
    let etag = r.header("etag").expect("an ETag for the manifest");
    // The phone's conditional GET: nothing new, nothing sent.
    let again = t.get("/feed/manifest.json", &[("If-None-Match", etag)]);
    assert_eq!(again.status, 304);
    for file in ["snapshot-2.bin", "delta-1-2.bin"] {
        let r = t.get(&format!("/feed/{file}"), &[]);
        assert_eq!(r.status, 200, "{file}");
        assert_eq!(
            r.header("cache-control"),
            Some("public, max-age=31536000, immutable"),
            "{file}: {:?}",
            r.headers
        );
    }
    // The publisher's own files are not served.
    assert!(t.p("www/feed/.ladder-log.jsonl").exists());
    assert_eq!(t.get("/feed/.ladder-log.jsonl", &[]).status, 403);
    // And the phone still syncs through these headers.
    let r = t.sync("phone.db", "feed");
    assert_eq!(r["to_version"], 2);
    let again = t.sync("phone.db", "feed");
    assert_eq!(again["path"], "up_to_date");
}
