//! Several feeds end to end, with real parts: two lists built and signed by
//! different publishers (different keys), served by nginx on loopback,
//! followed by one phone; each syncs on its own, a number both list names
//! both, a feed that fails leaves the other and its own list as they were,
//! and removing a feed removes only its entries.

use rusqlite::Connection;

mod common;
use common::{Site as Setup, cli, ok, s};

impl Setup {
    fn new() -> Setup {
        // Two publishers, each with its own key.
        Setup::served(&["community", "police"])
    }

    /// Builds `who`'s feed from CSV rows, signed with `who`'s key.
    fn publish(&self, who: &str, rows: &[String]) {
        let csv = self.p(&format!("{who}/list.csv"));
        std::fs::write(
            &csv,
            format!(
                "number,category,reports,last_reported,label\n{}\n",
                rows.join("\n")
            ),
        )
        .unwrap();
        ok(&[
            "feed",
            "build",
            "--input",
            &s(&csv),
            "--key",
            &s(&self.p(&format!("{who}/feed.key"))),
            "--out",
            &s(&self.p(&format!("www/{who}"))),
        ]);
    }

    fn phone(&self, args: &[&str]) -> std::process::Output {
        let db = s(&self.p("phone.db"));
        cli(&[&["--db", db.as_str()], args].concat())
    }

    fn phone_ok(&self, args: &[&str]) -> String {
        let db = s(&self.p("phone.db"));
        ok(&[&["--db", db.as_str()], args].concat())
    }

    fn check(&self, number: &str) -> serde_json::Value {
        serde_json::from_str(&self.phone_ok(&["check", number, "--json"])).unwrap()
    }

    /// One feed's rows in the list file, as text: what a sync may touch.
    fn rows_of(&self, feed: i64) -> Vec<String> {
        let c = Connection::open(self.p("phone.list.db")).unwrap();
        let mut stmt = c
            .prepare(
                "SELECT number, category, reports, last_reported FROM reported WHERE feed = ?1
                 UNION ALL SELECT 'v' || version, NULL, NULL, NULL FROM feed_state WHERE feed = ?1",
            )
            .unwrap();
        let rows = stmt
            .query_map([feed], |r| {
                Ok(format!(
                    "{:?}",
                    (0..4)
                        .map(|i| r.get::<_, rusqlite::types::Value>(i).unwrap())
                        .collect::<Vec<_>>()
                ))
            })
            .unwrap();
        rows.map(|r| r.unwrap()).collect()
    }
}

/// A CSV row dated `days_ago` (the evidence rules weigh the age).
fn row(number: &str, category: &str, reports: u32, days_ago: i32, label: &str) -> String {
    let today = (canhgiac_core::now_unix() / 86_400) as i32;
    format!(
        "{number},{category},{reports},{},{label}",
        canhgiac_core::format_day(today - days_ago)
    )
}

#[test]
fn two_feeds_signed_by_different_keys_sync_apart_and_speak_together() {
    let t = Setup::new();
    t.publish(
        "community",
        &[
            row("0912345678", "scam", 5, 2, "mạo danh công an"),
            row("0900000001", "scam", 4, 3, "giả danh cán bộ thuế"),
        ],
    );
    t.publish(
        "police",
        &[
            row("0912345678", "scam", 12, 1, "mạo danh công an"),
            row("0900000002", "nuisance", 6, 5, "quảng cáo"),
        ],
    );
    for who in ["community", "police"] {
        let key = s(&t.p(&format!("{who}/feed.pub")));
        let url = t.nginx.url(who);
        let out = t.phone_ok(&["feeds", "add", who, &url, "--key", &key, "--allow-http"]);
        assert!(out.contains(&format!("following {who}")), "{out}");
    }
    // A plain-http address needs the opt-in.
    let key = s(&t.p("police/feed.pub"));
    let plain = t.phone(&["feeds", "add", "x", &t.nginx.url("police"), "--key", &key]);
    assert!(!plain.status.success());
    assert!(String::from_utf8_lossy(&plain.stderr).contains("https"));

    // One `sync`: every feed, each named.
    let out = t.phone_ok(&["sync"]);
    assert!(out.contains("community: downloaded version 1"), "{out}");
    assert!(out.contains("police: downloaded version 1"), "{out}");

    // A number both list: both speak, each by name; the stronger decides.
    let v = t.check("0912345678");
    assert_eq!(v["level"], "scam", "{v}");
    let reasons: Vec<String> = v["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["text"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(
        reasons[0].starts_with("police: ") && reasons[0].contains("12 lần"),
        "{reasons:?}"
    );
    assert!(
        reasons[1].starts_with("community: ") && reasons[1].contains("5 lần"),
        "{reasons:?}"
    );
    // A number one lists: as before, no name needed.
    let v = t.check("0900000002");
    assert_eq!(v["level"], "nuisance", "{v}");
    assert!(!v["reasons"][0]["text"].as_str().unwrap().contains("police"));
    assert_eq!(v["report"]["feed"], "police");

    let feeds: serde_json::Value =
        serde_json::from_str(&t.phone_ok(&["feeds", "list", "--json"])).unwrap();
    let summary: Vec<(String, u64, u64)> = feeds
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap().to_string(),
                f["version"].as_u64().unwrap(),
                f["entries"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![("community".into(), 1, 2), ("police".into(), 1, 2)]
    );

    // The police feed is replaced by one signed with the community's key
    // (a stolen or wrong key): that feed fails, says so, and keeps its
    // list; the community's feed updates all the same.
    let police_before = t.rows_of(2);
    assert_eq!(police_before.len(), 3, "{police_before:?}");
    std::fs::remove_dir_all(t.p("www/police")).unwrap();
    let forged = t.p("community/feed.key");
    std::fs::create_dir_all(t.p("www/police")).unwrap();
    std::fs::copy(&forged, t.p("police/feed.key")).unwrap();
    t.publish("police", &[row("0912345678", "nuisance", 1, 1, "nhầm")]);
    // nginx's ETag is the file's time and size: a manifest rewritten in the
    // same second at the same size would look unchanged to the phone.
    std::fs::File::options()
        .write(true)
        .open(t.p("www/police/manifest.json"))
        .unwrap()
        .set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(5))
        .unwrap();
    t.publish(
        "community",
        &[
            row("0912345678", "scam", 6, 0, "mạo danh công an"),
            row("0900000001", "scam", 4, 3, "giả danh cán bộ thuế"),
            row("0900000003", "scam", 3, 0, "khóa SIM"),
        ],
    );
    let out = t.phone(&["sync"]);
    assert!(!out.status.success(), "one feed failed: the exit says so");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("community: "), "{stdout}");
    assert!(stderr.contains("police: "), "{stderr}");
    assert_eq!(
        t.rows_of(2),
        police_before,
        "the failed feed's list is as it was"
    );
    assert_eq!(t.check("0900000003")["level"], "scam");

    // `sync NAME` syncs one; it fails alone.
    assert!(!t.phone(&["sync", "police"]).status.success());
    assert!(
        t.phone_ok(&["sync", "community"])
            .contains("already up to date")
    );

    // Removing a feed removes only its entries.
    assert!(
        t.phone_ok(&["feeds", "remove", "police"])
            .contains("no longer followed")
    );
    assert!(t.rows_of(2).is_empty());
    assert_eq!(t.check("0900000002")["level"], "unknown");
    let v = t.check("0912345678");
    assert_eq!(v["level"], "scam");
    assert_eq!(v["reasons"].as_array().unwrap().len(), 1, "{v}");
    assert!(!t.phone(&["feeds", "remove", "police"]).status.success());
}
