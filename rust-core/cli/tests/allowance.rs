//! A sync with an allowance (`sync --max-bytes`, the app on a metered
//! network), against feeds built by the CLI and served by nginx on
//! loopback: an update within it is applied; one over it waits, the list
//! and its sync state exactly as they were, and the next sync without the
//! limit takes it; an unchanged feed is still one 304.

use rusqlite::Connection;
use serde_json::Value;
use std::path::Path;
use std::process::Output;

mod common;
use common::{Site as Feed, ok};

impl Feed {
    fn new() -> Feed {
        Feed::served(&["keys"])
    }

    /// Publishes `n` synthetic numbers (0901000000 + i), the first
    /// `changed` of them with another report count than version 1 had, and
    /// dates spread over a month so that the files do not compress to
    /// nothing; the build's figures (`delta_bytes`, `snapshot_bytes`).
    fn publish(&self, n: u64, changed: u64) -> Value {
        let mut csv = String::from("number,category,reports,last_reported,label\n");
        for i in 0..n {
            let noise = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
            let reports = if i < changed { 50 + i } else { 1 + noise % 5 };
            let day = 1 + (noise >> 8) % 28;
            csv.push_str(&format!("0901{i:06},scam,{reports},2026-11-{day:02},\n"));
        }
        std::fs::write(self.p("list.csv"), csv).unwrap();
        let built = ok(&[
            "feed",
            "build",
            "--input",
            &self.s("list.csv"),
            "--key",
            &self.s("keys/feed.key"),
            "--out",
            &self.s("www/feed"),
            "--json",
        ]);
        serde_json::from_str(&built).unwrap()
    }

    /// `sync URL --key … --allow-http [extra]` on phone.db.
    fn sync(&self, extra: &[&str]) -> Output {
        let url = self.nginx.url("feed");
        self.sync_from("phone.db", &url, &[&["--allow-http"], extra].concat())
    }

    fn sync_json(&self, extra: &[&str]) -> Value {
        let out = self.sync(&[extra, &["--json"]].concat());
        assert!(
            out.status.success(),
            "sync {extra:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    fn manifest_bytes(&self) -> u64 {
        std::fs::metadata(self.p("www/feed/manifest.json"))
            .unwrap()
            .len()
    }

    /// The list file as a person and the next sync see it: every entry and
    /// the feed's stored state (version, ETag, when it was checked).
    fn list(&self) -> Vec<String> {
        let db = self.p("phone.list.db");
        if !db.exists() {
            return Vec::new();
        }
        let c = Connection::open(db).unwrap();
        let mut rows = Vec::new();
        for sql in [
            "SELECT 'n' || number || ':' || reports FROM reported",
            "SELECT 'f' || version || ':' || ifnull(etag, '') || ':' || ifnull(synced_at, '') FROM feed_state",
        ] {
            let mut stmt = c.prepare(sql).unwrap();
            rows.extend(
                stmt.query_map([], |r| r.get::<_, String>(0))
                    .unwrap()
                    .map(Result::unwrap),
            );
        }
        rows.sort();
        rows
    }
}

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not a number: {v}"))
}

#[test]
fn an_update_within_the_allowance_is_applied_and_one_byte_over_it_waits() {
    let f = Feed::new();
    f.publish(300, 0);
    assert_eq!(f.sync_json(&[])["path"], "snapshot");

    // Version 2 changes 20 entries: the delta alone is what counts, not the
    // manifest, so an allowance of exactly the delta's size takes it.
    let built = f.publish(300, 20);
    let delta = u(&built["delta_bytes"]);
    let before = f.list();
    let exact = delta.to_string();
    let over = (delta - 1).to_string();
    let waits = f.sync_json(&["--max-bytes", &over]);
    assert_eq!(waits["path"], "deferred");
    assert_eq!(u(&waits["deferred_bytes"]), delta);
    assert_eq!(waits["from_version"], 1);
    assert_eq!(waits["to_version"], 2, "the version that waits");
    assert_eq!(u(&waits["bytes_fetched"]), f.manifest_bytes());
    assert_eq!(u(&waits["entries"]), 300);
    assert!(f.list() == before, "a deferred sync changed the list file");

    let applied = f.sync_json(&["--max-bytes", &exact]);
    assert_eq!(applied["path"], "delta");
    assert_eq!(applied["to_version"], 2);
    assert_eq!(applied["deferred_bytes"], Value::Null);
    assert_eq!(
        u(&applied["bytes_fetched"]),
        f.manifest_bytes() + delta,
        "the manifest again and the delta"
    );
    assert!(f.list().contains(&"n84901000019:69".to_string()));
}

#[test]
fn a_deferred_update_keeps_waiting_then_a_sync_without_the_limit_takes_it() {
    let f = Feed::new();
    f.publish(2000, 0);
    f.sync_json(&[]);
    let built = f.publish(2000, 1500);
    let delta = u(&built["delta_bytes"]);
    assert!(delta > 1024, "the test needs a delta over 1 KB: {delta}");
    let before = f.list();

    // Said in words, and not as a failure: exit 0, the list as it was.
    let out = f.sync(&["--max-bytes", "1K"]);
    assert!(out.status.success());
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("version 2 waits for an unmetered network")
            && said.contains("more than the 1 KB allowed now")
            && said.contains("the list is as it was"),
        "{said}"
    );
    assert!(f.list() == before);
    // The new manifest's ETag was not kept: the next metered sync reads the
    // manifest again (no 304 that would hide the update) and waits again.
    let again = f.sync_json(&["--max-bytes", "1K"]);
    assert_eq!(again["path"], "deferred");
    assert_eq!(u(&again["bytes_fetched"]), f.manifest_bytes());
    assert!(f.list() == before);

    // On Wi-Fi (no limit): the same cheapest chain, the one delta.
    let wifi = f.sync_json(&[]);
    assert_eq!(wifi["path"], "delta");
    assert_eq!(wifi["to_version"], 2);
    assert_eq!(u(&wifi["bytes_fetched"]), f.manifest_bytes() + delta);
    assert!(f.list().contains(&"n84901001499:1549".to_string()));
}

#[test]
fn an_unchanged_feed_is_one_304_whatever_the_allowance() {
    let f = Feed::new();
    f.publish(100, 0);
    f.sync_json(&[]);
    let before = f.list();
    let nothing = f.sync_json(&["--max-bytes", "0"]);
    assert_eq!(nothing["path"], "up_to_date");
    assert_eq!(nothing["bytes_fetched"], 0);
    assert_eq!(nothing["deferred_bytes"], Value::Null);
    // Only the check's time moved.
    let strip = |rows: Vec<String>| -> Vec<String> {
        rows.into_iter()
            .map(|r| r.rsplit_once(':').map_or(r.clone(), |(a, _)| a.to_string()))
            .collect()
    };
    assert_eq!(strip(f.list()), strip(before));
    let log = std::fs::read_to_string(f.p("nginx/access.log")).unwrap();
    assert!(
        log.lines().last().unwrap().contains("\" 304 "),
        "the last request: {log}"
    );
}

#[test]
fn a_first_sync_over_the_allowance_waits_and_the_feed_is_kept_for_later() {
    let f = Feed::new();
    let built = f.publish(500, 0);
    let snapshot = u(&built["snapshot_bytes"]);
    let waits = f.sync_json(&["--max-bytes", "100"]);
    assert_eq!(waits["path"], "deferred");
    assert_eq!(waits["from_version"], Value::Null);
    assert_eq!(u(&waits["deferred_bytes"]), snapshot);
    assert_eq!(waits["entries"], 0);
    assert_eq!(f.list(), Vec::<String>::new());
    // The feed is followed: a plain `sync` later uses its address and key.
    let db = f.s("phone.db");
    let later: Value = serde_json::from_str(&ok(&["--db", &db, "sync", "--json"])).unwrap();
    assert_eq!(later[0]["outcome"]["path"], "snapshot");
    assert_eq!(later[0]["outcome"]["entries"], 500);
}

#[test]
fn a_size_that_is_not_one_is_refused_in_words_before_anything_happens() {
    let f = Feed::new();
    f.publish(10, 0);
    for bad in ["12Q", "K", "99999999999999999999", "1.5M"] {
        let out = f.sync(&["--max-bytes", bad]);
        assert!(!out.status.success(), "{bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("is not a size"), "{bad}: {err}");
    }
    assert!(!Path::new(&f.p("phone.list.db")).exists() || f.list().is_empty());
    // Each unit is read: 256K is 262144 bytes, more than the snapshot.
    let ok256 = f.sync_json(&["--max-bytes", "256KB"]);
    assert_eq!(ok256["path"], "snapshot");
}
