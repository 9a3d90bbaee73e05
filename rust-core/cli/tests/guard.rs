//! The publisher never publishes a broken list, never makes a database by
//! accident, and keeps its reporter key outside the database: each attack
//! of issue 19 reproduced with the real CLI, then shown refused with
//! nothing written (the feed folder's bytes, the database's runs and audit
//! log unchanged), through to a phone's `sync` where it matters.

mod common;
use common::{Nginx, cli, day, json, ok, s, stderr, succeeded};
use rusqlite::Connection;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

/// Numbers listed by the base inbox: more than `guard_min_entries`.
const LISTED: u32 = 200;

/// The reported numbers: 0912 100 000 + i.
fn number(i: u32) -> String {
    format!("0912{:06}", 100_000 + i)
}

/// Synthetic reporters, three per number, each reporting once.
fn reporter(i: u32) -> String {
    format!("0901{:06}", i)
}

/// A publisher's folder: keys, policy, protected list, database, feed.
struct Publisher {
    dir: tempfile::TempDir,
}

impl Publisher {
    /// A database made by `reports init`, the base inbox ingested and
    /// published once (version 1, `LISTED` numbers).
    fn new() -> Publisher {
        let p = Publisher {
            dir: tempfile::tempdir().unwrap(),
        };
        ok(&["feed", "keygen", "--out", &s(&p.p("keys"))]);
        p.protect(&[]);
        p.set_policy("min_reporters = 3\nprotected = \"protected.csv\"\n");
        p.run_ok(&["reports", "init"]);
        let mut rows = String::from("received_at,sender,to,body\n");
        for i in 0..LISTED {
            for (k, days_ago) in [3, 2, 1].into_iter().enumerate() {
                rows.push_str(&format!(
                    "{}T09:{:02}:00+07:00,{},156,LD {} mao danh cong an\n",
                    day(days_ago),
                    k * 10 + (i % 10) as usize,
                    reporter(i * 3 + k as u32),
                    number(i)
                ));
            }
        }
        std::fs::write(p.p("inbox.csv"), rows).unwrap();
        p.run_ok(&["reports", "ingest", &s(&p.p("inbox.csv"))]);
        let first = p.publish_ok(&[]);
        assert_eq!(first["listed"], LISTED, "{first}");
        // The report names every policy value in force, the guard's too.
        let policy = &first["policy"];
        assert_eq!(policy["min_reporters"], 3, "{first}");
        assert_eq!(policy["max_changed_percent"], 10, "{first}");
        assert_eq!(policy["guard_min_entries"], 100, "{first}");
        assert_eq!(first["feed"]["version"], 1);
        p
    }

    fn p(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn set_policy(&self, text: &str) {
        std::fs::write(self.p("policy.toml"), text).unwrap();
    }

    /// The protected list: the base inbox's numbers `indices`.
    fn protect(&self, indices: &[u32]) {
        let mut csv = String::from("number,name\n");
        for &i in indices {
            csv.push_str(&format!("{},synthetic\n", number(i)));
        }
        std::fs::write(self.p("protected.csv"), csv).unwrap();
    }

    fn run(&self, args: &[&str]) -> Output {
        let (db, key) = (s(&self.p("publisher.db")), s(&self.p("keys/reporter.key")));
        cli(&[&["--db", db.as_str(), "--reporter-key", key.as_str()], args].concat())
    }

    fn run_ok(&self, args: &[&str]) -> String {
        succeeded(args, self.run(args))
    }

    fn publish(&self, extra: &[&str]) -> Output {
        self.publish_to("keys/feed.key", "feed", &[&["--json"], extra].concat())
    }

    /// A publish with the key and the feed folder named (relative to the
    /// publisher's folder), under the policy.
    fn publish_to(&self, key: &str, folder: &str, extra: &[&str]) -> Output {
        let (key, out, policy) = (
            s(&self.p(key)),
            s(&self.p(folder)),
            s(&self.p("policy.toml")),
        );
        let args = ["publish", "--key", &key, "--out", &out, "--policy", &policy];
        self.run(&[&args[..], extra].concat())
    }

    fn publish_ok(&self, extra: &[&str]) -> Value {
        json(&succeeded(extra, self.publish(extra)))
    }

    /// Runs a publish that must be refused: exit 1, the reason on stderr
    /// with an error log line, and nothing written anywhere.
    fn refused(&self, extra: &[&str], says: &str) -> String {
        let (feed, db) = (self.feed_bytes(), self.db_state());
        let refusals = self.refusals();
        let out = self.publish(extra);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{extra:?}: {err}");
        assert!(err.contains(says), "{extra:?}: {err}");
        assert!(err.contains("ERROR"), "an error log line: {err}");
        assert!(out.stdout.is_empty(), "no publish report");
        assert_eq!(
            self.feed_bytes(),
            feed,
            "{extra:?}: the feed folder changed"
        );
        assert_eq!(self.db_state(), db, "{extra:?}: the database changed");
        // Only its time and words are kept, for the desk's overview.
        let kept = i64::from(err.contains("publish refused, nothing written"));
        assert_eq!(self.refusals(), refusals + kept, "{extra:?}: {err}");
        err
    }

    /// Refused publishes the database keeps (none when it cannot be read).
    fn refusals(&self) -> i64 {
        Connection::open(self.p("publisher.db"))
            .and_then(|c| c.query_row("SELECT count(*) FROM publish_refusal", [], |r| r.get(0)))
            .unwrap_or(0)
    }

    /// Every file of the feed folder, by name.
    fn feed_bytes(&self) -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<_> = std::fs::read_dir(self.p("feed"))
            .map(|d| {
                d.flatten()
                    .map(|e| {
                        (
                            e.file_name().to_string_lossy().into_owned(),
                            std::fs::read(e.path()).unwrap(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
    }

    /// What a publish writes in the database: its runs, audit lines, list,
    /// state and the content of its reports.
    fn db_state(&self) -> Vec<i64> {
        let c = Connection::open(self.p("publisher.db")).unwrap();
        [
            "SELECT count(*) FROM publish_run",
            "SELECT count(*) FROM audit",
            "SELECT count(*) FROM listed",
            "SELECT coalesce(sum(feed_version), 0) FROM publish_state",
            "SELECT count(*) FROM guard_baseline",
            "SELECT count(*) FROM report WHERE content <> ''",
        ]
        .iter()
        .map(|q| c.query_row(q, [], |r| r.get(0)).unwrap())
        .collect()
    }
}

/// A phone following the publisher's feed through nginx on loopback.
struct Phone {
    nginx: Nginx,
    db: String,
    key: String,
}

impl Phone {
    fn follow(p: &Publisher) -> Phone {
        let www = p.p("www");
        std::fs::create_dir_all(&www).unwrap();
        std::fs::create_dir_all(p.p("nginx")).unwrap();
        std::os::unix::fs::symlink(p.p("feed"), www.join("feed")).unwrap();
        Phone {
            nginx: Nginx::start(&www, &p.p("nginx")),
            db: s(&p.p("phone.db")),
            key: s(&p.p("keys/feed.pub")),
        }
    }

    fn sync(&self) -> Output {
        cli(&[
            "--db",
            &self.db,
            "sync",
            &self.nginx.url("feed"),
            "--key",
            &self.key,
            "--allow-http",
            "--json",
        ])
    }

    /// Syncs, then screens `number`: its level.
    fn level(&self, number: &str) -> String {
        let out = self.sync();
        assert!(out.status.success(), "{}", stderr(&out));
        let v = json(&ok(&["--db", &self.db, "check", number, "--json"]));
        v["level"].as_str().unwrap().to_string()
    }
}

#[test]
fn a_policy_that_empties_the_list_is_refused_until_accepted_knowingly() {
    let p = Publisher::new();
    let phone = Phone::follow(&p);
    assert_eq!(phone.level(&number(7)), "suspicious");
    p.set_policy("min_reporters = 100000\nprotected = \"protected.csv\"\n");
    let err = p.refused(&[], "lose 200 of the 200 entries of the last publish");
    assert!(err.contains("--accept-change 200"), "{err}");
    // Another number than the change is refused too.
    p.refused(&["--accept-change", "20"], "does not match");
    // The phone keeps its protection.
    assert_eq!(phone.level(&number(7)), "suspicious");
    // The attack was real: the change named, it empties the list, and the
    // phone drops the warning at its next sync.
    let emptied = p.publish_ok(&["--accept-change", "200"]);
    assert_eq!(emptied["listed"], 0, "{emptied}");
    assert_eq!(emptied["feed"]["version"], 2);
    assert_eq!(phone.level(&number(7)), "unknown");
}

#[test]
fn a_day_outside_the_data_is_refused() {
    let p = Publisher::new();
    p.refused(
        &["--as-of", "2000-01-01"],
        "before the first report or source",
    );
    p.refused(&["--as-of", &day(-3)], "after today");
    // Inside the data but before the last publish (today), whose reports
    // past expire_days are already reduced.
    p.refused(&["--as-of", &day(1)], "before the day of the last publish");
    // Today again: published.
    assert_eq!(p.publish_ok(&["--as-of", &day(0)])["feed"]["version"], 2);
}

#[test]
fn a_fresh_database_publishing_into_a_published_folder_is_measured_against_it() {
    let p = Publisher::new();
    let phone = Phone::follow(&p);
    // Three people each: listed, and warned of as suspicious (the two tiers).
    assert_eq!(phone.level(&number(7)), "suspicious");
    // `reports init` run again (the old database set aside), a little
    // ingested: one number, three people.
    std::fs::rename(p.p("publisher.db"), p.p("old.db")).unwrap();
    std::fs::rename(p.p("keys/reporter.key"), p.p("keys/old.key")).unwrap();
    p.run_ok(&["reports", "init"]);
    let mut rows = String::from("received_at,sender,to,body\n");
    for (k, days_ago) in [3, 2, 1].into_iter().enumerate() {
        rows.push_str(&format!(
            "{}T09:00:00+07:00,{},156,LD 0912999999 mao danh cong an\n",
            day(days_ago),
            reporter(9000 + k as u32)
        ));
    }
    std::fs::write(p.p("little.csv"), rows).unwrap();
    p.run_ok(&["reports", "ingest", &s(&p.p("little.csv"))]);
    // Its first publish is not waved through: the folder's feed is what
    // phones have.
    let err = p.refused(
        &[],
        "lose 200 of the 200 entries of the feed already in the folder",
    );
    assert!(err.contains("--accept-change 201"), "{err}");
    assert_eq!(phone.level(&number(7)), "suspicious");
    // The attack was real: accepted, version 2 of one entry reaches the
    // phone, which drops every warning.
    let tiny = p.publish_ok(&["--accept-change", "201"]);
    assert_eq!(
        (tiny["listed"].as_u64(), tiny["feed"]["version"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(phone.level(&number(7)), "unknown");
}

#[test]
fn a_flood_of_additions_stops_publishing_until_an_operator_accepts_it() {
    let p = Publisher::new();
    let phone = Phone::follow(&p);
    // 150 new numbers, three people each over three days: 75% more.
    let mut rows = String::from("received_at,sender,to,body\n");
    for i in LISTED..LISTED + 150 {
        for (k, days_ago) in [3, 2, 1].into_iter().enumerate() {
            rows.push_str(&format!(
                "{}T09:00:00+07:00,{},156,LD {} mao danh cong an\n",
                day(days_ago),
                reporter(i * 3 + k as u32),
                number(i)
            ));
        }
    }
    std::fs::write(p.p("flood.csv"), rows).unwrap();
    p.run_ok(&["reports", "ingest", &s(&p.p("flood.csv"))]);
    // Refused, saying both ways out, and again at every publish.
    for _ in 0..2 {
        let err = p.refused(&[], "gain 150 entries on the 200 of the last publish");
        assert!(err.contains("every publish is refused"), "{err}");
        assert!(err.contains("--accept-change 150"), "{err}");
    }
    assert_eq!(phone.level(&number(LISTED)), "unknown");
    // Looked at and accepted: published, and the phone warns.
    let report = p.publish_ok(&["--accept-change", "150"]);
    assert_eq!(report["listed"], LISTED + 150, "{report}");
    assert_eq!(phone.level(&number(LISTED)), "suspicious");
    // The next publish, read by a person: each comparison's counts.
    let (key, out, policy) = (
        s(&p.p("keys/feed.key")),
        s(&p.p("feed")),
        s(&p.p("policy.toml")),
    );
    let text = p.run_ok(&["publish", "--key", &key, "--out", &out, "--policy", &policy]);
    assert!(
        text.contains("guard: against the last publish: 0 left, 0 joined, 0 changed, of 350"),
        "{text}"
    );
}

#[test]
fn a_commit_that_fails_after_the_feed_is_written_is_logged_as_such() {
    let p = Publisher::new();
    // The database refuses the commit (a full disk, a lock: here a trigger),
    // after the feed folder already holds version 2.
    let c = Connection::open(p.p("publisher.db")).unwrap();
    c.execute_batch(
        "CREATE TRIGGER no_commit BEFORE INSERT ON publish_state
         BEGIN SELECT RAISE(ABORT, 'synthetic failure'); END;",
    )
    .unwrap();
    let out = p.publish(&[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("feed written, not recorded in the publisher database"),
        "{err}"
    );
    assert!(err.contains("feed version 2 was written"), "{err}");
    assert!(!err.contains("no feed published"), "{err}");
    let signed = json(&std::fs::read_to_string(p.p("feed/manifest.json")).unwrap());
    let manifest = json(signed["manifest"].as_str().unwrap());
    assert_eq!(manifest["version"], 2, "{manifest}");
    // Once the database works again, the next publish continues after it.
    c.execute_batch("DROP TRIGGER no_commit").unwrap();
    drop(c);
    assert_eq!(p.publish_ok(&[])["feed"]["version"], 3);
}

#[test]
fn a_mistyped_database_is_refused_and_nothing_is_made() {
    let p = Publisher::new();
    let typo = p.p("publisher-typo.db");
    let file = s(&p.p("inbox.csv"));
    for args in [
        &["reports", "ingest", file.as_str()][..],
        &["reports", "add-source", file.as_str(), "--name", "x"],
        &[
            "reports",
            "dispute",
            "0912100000",
            "--reason",
            "x",
            "--operator",
            "Lan",
        ],
        &["reports", "disputes"],
        &["reports", "held"],
        &[
            "reports",
            "approve",
            "0912100000",
            "--reason",
            "x",
            "--operator",
            "Lan",
        ],
        &["reports", "audit"],
        &[
            "publish",
            "--key",
            &s(&p.p("keys/feed.key")),
            "--out",
            &s(&p.p("feed")),
        ],
    ] {
        let out = cli(&[&["--db", &s(&typo)], args].concat());
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(stderr(&out).contains("reports init"), "{}", stderr(&out));
        assert!(!typo.exists(), "{args:?} made a database");
    }
    // `reports init` makes one once, and never over a database or a key.
    let again = p.run(&["reports", "init"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn many_small_cuts_are_stopped_by_the_list_a_day_before() {
    let p = Publisher::new();
    // Each cut takes 10 of 200 numbers (5%) off through the protected list:
    // within the share against the last publish every time.
    let mut protected = Vec::new();
    for cut in 0..2 {
        protected.extend(cut * 10..cut * 10 + 10);
        p.protect(&protected);
        let r = p.publish_ok(&[]);
        assert_eq!(r["removed"], 10, "{r}");
        assert_eq!(r["guard"][1]["left"], protected.len(), "{r}");
    }
    // The third: 5% against the last publish, 15% against the list a day
    // before.
    protected.extend(20..30);
    p.protect(&protected);
    let err = p.refused(&[], "lose 30 of the 200 entries of the list a day before");
    assert!(!err.contains("of the last publish"), "{err}");
    // Accepted knowingly, the day's list starts again from it.
    let r = p.publish_ok(&["--accept-change", "30"]);
    assert_eq!(r["listed"], 170, "{r}");
    protected.extend(30..40);
    p.protect(&protected);
    p.publish_ok(&[]);
}

#[test]
fn a_protected_list_or_policy_missing_or_malformed_refuses() {
    let p = Publisher::new();
    // A malformed line used to be skipped with exit 0: now it is named.
    std::fs::write(
        p.p("protected.csv"),
        "number,name\n0912100000,ok\nnot a number,x\n",
    )
    .unwrap();
    let err = p.refused(&[], "line 3");
    assert!(err.contains("protected.csv"), "{err}");
    std::fs::remove_file(p.p("protected.csv")).unwrap();
    p.refused(&[], "protected.csv");
    p.protect(&[]);
    std::fs::remove_file(p.p("policy.toml")).unwrap();
    p.refused(&[], "policy.toml");
    // A publish without --policy, when the last one had one: its protected
    // numbers would silently be none.
    let (feed, db) = (p.feed_bytes(), p.db_state());
    let out = p.run(&[
        "publish",
        "--key",
        &s(&p.p("keys/feed.key")),
        "--out",
        &s(&p.p("feed")),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("names none"), "{}", stderr(&out));
    assert_eq!((p.feed_bytes(), p.db_state()), (feed, db));
}

#[test]
fn a_lost_feed_folder_continues_at_the_next_version_and_phones_take_it() {
    let p = Publisher::new();
    let phone = Phone::follow(&p);
    assert_eq!(phone.level(&number(7)), "suspicious");
    assert_eq!(p.publish_ok(&[])["feed"]["version"], 2);
    assert!(phone.sync().status.success());

    // The attack: the folder lost, a feed built from nothing starts at 1,
    // which the phone refuses as a rollback.
    std::fs::remove_dir_all(p.p("feed")).unwrap();
    std::fs::write(
        p.p("list.csv"),
        "number,category,reports,last_reported,label\n0912100000,scam,3,,\n",
    )
    .unwrap();
    ok(&[
        "feed",
        "build",
        "--input",
        &s(&p.p("list.csv")),
        "--key",
        &s(&p.p("keys/feed.key")),
        "--out",
        &s(&p.p("feed")),
    ]);
    assert!(!phone.sync().status.success(), "the phone took version 1");
    std::fs::remove_dir_all(p.p("feed")).unwrap();

    // The publisher continues after what it recorded: version 3, taken.
    let r = p.publish_ok(&[]);
    assert_eq!(r["feed"]["version"], 3, "{r}");
    assert_eq!(r["feed"]["delta_bytes"], Value::Null);
    assert_eq!(phone.level(&number(7)), "suspicious");
}

#[test]
fn another_feed_key_is_refused_unless_meant() {
    let p = Publisher::new();
    ok(&["feed", "keygen", "--out", &s(&p.p("other"))]);
    let (feed, db) = (p.feed_bytes(), p.db_state());
    let out = p.publish_to("other/feed.key", "feed2", &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("phones pin the key"),
        "{}",
        stderr(&out)
    );
    let before = (feed, db);
    assert_eq!((p.feed_bytes(), p.db_state()), before);
    assert!(!p.p("feed2/manifest.json").exists());
    // Meant, but over the old key's feed, which phones still read: refused.
    let out = p.publish_to("other/feed.key", "feed", &["--new-key"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("new, empty folder"),
        "{}",
        stderr(&out)
    );
    assert_eq!((p.feed_bytes(), p.db_state()), before);
    // Meant: a new folder, the version continuing.
    let out = p.publish_to("other/feed.key", "feed2", &["--new-key", "--json"]);
    assert_eq!(json(&succeeded(&[], out))["feed"]["version"], 2);
}

/// Turns a database made by this version back into what schema 2 was for
/// it: the key inside (table `secret`), none of schema 3's, 4's, 5's,
/// 6's, 7's and 8's columns, tables and indexes.
fn as_schema_2(db: &Path, key: &[u8]) {
    let c = Connection::open(db).unwrap();
    c.execute_batch(
        "DROP TABLE source_stamp; DROP INDEX source_entry_by_day;
         DROP TRIGGER source_stamp_entry_insert; DROP TRIGGER source_stamp_entry_update;
         DROP TRIGGER source_stamp_entry_delete; DROP TRIGGER source_stamp_insert;
         DROP TRIGGER source_stamp_update; DROP TRIGGER source_stamp_delete;
         ALTER TABLE publish_run DROP COLUMN decide; ALTER TABLE decided DROP COLUMN tally;
         ALTER TABLE listed DROP COLUMN reports; ALTER TABLE listed DROP COLUMN last_reported;
         ALTER TABLE listed DROP COLUMN reporters; ALTER TABLE listed DROP COLUMN evidence_reporters;
         ALTER TABLE listed DROP COLUMN source_name; ALTER TABLE listed DROP COLUMN source_url;
         DROP INDEX report_by_reporter; DROP INDEX report_by_short;
         DROP TABLE session; DROP TABLE operator; DROP INDEX audit_by_number;
         DROP TABLE publish_refusal; ALTER TABLE publish_run DROP COLUMN feed_version;
         DROP INDEX report_by_day_keyword;
         ALTER TABLE report DROP COLUMN gateway; ALTER TABLE ingest_run DROP COLUMN gateway;
         DROP TABLE review; ALTER TABLE dispute DROP COLUMN state;
         ALTER TABLE dispute DROP COLUMN operator; ALTER TABLE dispute DROP COLUMN decided_by;
         ALTER TABLE dispute DROP COLUMN decided_at; ALTER TABLE dispute DROP COLUMN decision;
         DROP TABLE reporter_key; DROP TABLE publish_state; DROP TABLE guard_baseline;
         DROP INDEX report_by_message_id; ALTER TABLE report DROP COLUMN message_id;
         CREATE TABLE secret (
             id         INTEGER PRIMARY KEY CHECK (id = 1),
             key        BLOB NOT NULL CHECK (length(key) = 32),
             created_at INTEGER NOT NULL
         );
         PRAGMA user_version = 2;",
    )
    .unwrap();
    c.execute("INSERT INTO secret VALUES (1, ?1, 0)", [key])
        .unwrap();
    c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn reporters_in(db: &Path) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row("SELECT count(*) FROM reporter", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn the_key_moves_out_of_a_v2_database_and_reporters_stay_who_they_were() {
    let dir = tempfile::tempdir().unwrap();
    let (db, key_file) = (dir.path().join("pub.db"), dir.path().join("old.key"));
    let with = |key: &Path, args: &[&str]| {
        cli(&[&["--db", &s(&db), "--reporter-key", &s(key)], args].concat())
    };
    assert!(with(&key_file, &["reports", "init"]).status.success());
    let inbox = |path: &Path, who: u32, n: &str| {
        std::fs::write(
            path,
            format!(
                "received_at,sender,to,body\n{}T09:00:00+07:00,{},156,LD {n} x\n",
                day(1),
                reporter(who)
            ),
        )
        .unwrap();
    };
    inbox(&dir.path().join("a.csv"), 1, "0912000001");
    assert!(
        with(
            &key_file,
            &["reports", "ingest", &s(&dir.path().join("a.csv"))]
        )
        .status
        .success()
    );
    let key = hex::decode(std::fs::read_to_string(&key_file).unwrap().trim()).unwrap();
    as_schema_2(&db, &key);
    std::fs::remove_file(&key_file).unwrap();
    // The leak: the key is in the file, beside the hashes it made.
    assert!(contains(&std::fs::read(&db).unwrap(), &key));
    // Every command refuses it until the key is moved out, saying how.
    let out = cli(&["--db", &s(&db), "reports", "disputes"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--move-key-out"), "{}", stderr(&out));

    let moved = dir.path().join("reporter.key");
    let out = with(&moved, &["reports", "init", "--move-key-out"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let moved_key = hex::decode(std::fs::read_to_string(&moved).unwrap().trim()).unwrap();
    assert_eq!(moved_key, key);
    for suffix in ["", "-wal"] {
        let bytes = std::fs::read(format!("{}{suffix}", db.display())).unwrap_or_default();
        assert!(
            !contains(&bytes, &key),
            "the key is still in pub.db{suffix}"
        );
    }
    // The reporter of before is the same reporter after.
    assert_eq!(reporters_in(&db), 1);
    inbox(&dir.path().join("b.csv"), 1, "0912000002");
    let out = with(
        &moved,
        &["reports", "ingest", &s(&dir.path().join("b.csv"))],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(reporters_in(&db), 1, "the same person, counted once");
    // Once only.
    let out = with(
        &dir.path().join("k3"),
        &["reports", "init", "--move-key-out"],
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_wrong_or_missing_reporter_key_is_refused() {
    let p = Publisher::new();
    let before = reporters_in(&p.p("publisher.db"));
    // Another database's key: every reporter would count as new.
    let other = tempfile::tempdir().unwrap();
    let other_key = other.path().join("r.key");
    ok(&[
        "--db",
        &s(&other.path().join("o.db")),
        "--reporter-key",
        &s(&other_key),
        "reports",
        "init",
    ]);
    let db = s(&p.p("publisher.db"));
    let file = s(&p.p("inbox.csv"));
    let out = cli(&[
        "--db",
        &db,
        "--reporter-key",
        &s(&other_key),
        "reports",
        "ingest",
        &file,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("not the reporter key"),
        "{}",
        stderr(&out)
    );
    // No key at all: ingest says how to give it.
    let out = cli(&["--db", &db, "reports", "ingest", &file]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--reporter-key"), "{}", stderr(&out));
    assert_eq!(reporters_in(&p.p("publisher.db")), before);
    // The key file is the owner's only.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(p.p("keys/reporter.key"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn publish_every_reports_each_refused_tick_and_goes_on_when_the_cause_is_fixed() {
    let p = Publisher::new();
    let status_file = p.p("publish-status.json");
    let status = || json(&std::fs::read_to_string(&status_file).unwrap());
    let every = |ticks: &str| {
        p.publish(&[
            "--every",
            "1s",
            "--ticks",
            ticks,
            "--status-file",
            &s(&status_file),
        ])
    };
    // A policy typo that would empty the list: every tick is refused,
    // logged, counted in the status file, and the run exits 1.
    p.set_policy("min_reporters = 100000\nprotected = \"protected.csv\"\n");
    let feed = p.feed_bytes();
    let out = every("2");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(
        err.matches("ERROR").count(),
        2,
        "one error line a tick: {err}"
    );
    assert!(err.contains("lose 200 of the 200"), "{err}");
    let st = status();
    assert_eq!(st["ok"], false, "{st}");
    assert_eq!(st["tick"], 2, "{st}");
    assert_eq!(st["failed_ticks_in_a_row"], 2, "{st}");
    assert!(
        st["error"].as_str().unwrap().contains("publish refused"),
        "{st}"
    );
    assert_eq!(p.feed_bytes(), feed, "a refused tick wrote nothing");
    // Fixed: the next ticks publish. The decisions did not change since
    // version 1, so no new version is written.
    p.set_policy("min_reporters = 3\nprotected = \"protected.csv\"\n");
    let out = every("3");
    assert!(out.status.success(), "{}", stderr(&out));
    let reports: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(json)
        .collect();
    assert_eq!(reports.len(), 3, "one report a tick");
    for r in &reports {
        assert_eq!(r["feed"]["version"], 1, "{r}");
        assert_eq!(r["feed"]["unchanged"], true, "{r}");
        assert_eq!(r["listed"], LISTED, "{r}");
    }
    let st = status();
    assert_eq!(
        (st["ok"].as_bool(), st["tick"].as_u64()),
        (Some(true), Some(3)),
        "{st}"
    );
    assert_eq!(st["failed_ticks_in_a_row"], 0, "{st}");
    // What the tick cost, for monitoring: some CPU, less than the run.
    let cpu = st["cpu_secs"].as_f64().expect("cpu_secs");
    assert!((0.0..60.0).contains(&cpu), "{st}");
    // A fourth person reports a listed number: its entry changes, and
    // the next tick is a new version.
    let rows = format!(
        "received_at,sender,to,body\n{}T08:00:00+07:00,{},156,LD {} goi lua dao\n",
        day(0),
        reporter(9_999),
        number(7)
    );
    std::fs::write(p.p("more.csv"), rows).unwrap();
    p.run_ok(&["reports", "ingest", &s(&p.p("more.csv"))]);
    let out = every("1");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(status()["version"], 2, "{}", status());
}
