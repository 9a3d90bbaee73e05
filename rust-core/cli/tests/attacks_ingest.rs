//! Attacks on how the inbox is read, each reproduced with the release
//! CLI's own commands (`reports ingest`, `publish`, a phone's `sync` and
//! `check`) on real files, and shown refused. Every number is synthetic.

mod common;
use common::{Nginx, cli, day, json, ok, s};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Synthetic reporters: 0901 000 000 + i.
fn reporter(i: u32) -> String {
    format!("0901{i:06}")
}

/// The number the attacks try to list.
const TARGET: &str = "0912345678";

/// A publisher's folder: a key, a policy (`min_reporters = 3`), a
/// database.
struct Publisher {
    dir: tempfile::TempDir,
}

impl Publisher {
    fn new() -> Publisher {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("keys")).unwrap();
        let keys = s(&dir.path().join("keys"));
        ok(&["feed", "keygen", "--out", &keys]);
        std::fs::write(
            dir.path().join("policy.toml"),
            "min_reporters = 3\nwindow_days = 90\nexpire_days = 180\n",
        )
        .unwrap();
        let p = Publisher { dir };
        p.ok(&["reports", "init"]);
        p
    }

    fn p(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn write(&self, name: &str, text: &str) -> String {
        std::fs::write(self.p(name), text).unwrap();
        s(&self.p(name))
    }

    fn db_args(&self, args: &[&str]) -> Vec<String> {
        let (db, key) = (s(&self.p("publisher.db")), s(&self.p("keys/reporter.key")));
        ["--db", db.as_str(), "--reporter-key", key.as_str()]
            .iter()
            .chain(args)
            .map(|a| a.to_string())
            .collect()
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        let args = self.db_args(args);
        cli(&args.iter().map(String::as_str).collect::<Vec<_>>())
    }

    fn ok(&self, args: &[&str]) -> String {
        let args = self.db_args(args);
        ok(&args.iter().map(String::as_str).collect::<Vec<_>>())
    }

    /// `reports ingest FILE --json` of `text` written to `name`.
    fn ingest(&self, name: &str, text: &str, extra: &[&str]) -> Value {
        let file = self.write(name, text);
        json(&self.ok(&[&["reports", "ingest", &file, "--json"], extra].concat()))
    }

    fn publish_args(&self) -> Vec<String> {
        let (key, out, policy) = (
            s(&self.p("keys/feed.key")),
            s(&self.p("www/feed")),
            s(&self.p("policy.toml")),
        );
        self.db_args(&["publish", "--key", &key, "--out", &out, "--policy", &policy])
    }

    fn publish(&self) -> Value {
        let mut args = self.publish_args();
        args.push("--json".into());
        json(&ok(&args.iter().map(String::as_str).collect::<Vec<_>>()))
    }

    /// A phone syncs the published feed (nginx on loopback) and screens
    /// `number`: its verdict's level.
    fn phone_level(&self, number: &str) -> String {
        let work = self.p("nginx");
        std::fs::create_dir_all(&work).unwrap();
        let nginx = Nginx::start(&self.p("www"), &work);
        let (phone, key, url) = (
            s(&self.p("phone.db")),
            s(&self.p("keys/feed.pub")),
            nginx.url("feed"),
        );
        ok(&["--db", &phone, "sync", &url, "--key", &key, "--allow-http"]);
        let verdict = json(&ok(&["--db", &phone, "check", number, "--json"]));
        verdict["level"].as_str().unwrap().to_string()
    }

    /// Rows of the publisher database (a test's look inside, read only).
    fn count(&self, sql: &str) -> i64 {
        let conn = rusqlite::Connection::open_with_flags(
            self.p("publisher.db"),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .unwrap();
        conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }
}

/// An inbox CSV line: `who` texts `body` (quoted as a CSV writer quotes
/// it) to 156, `days_ago` days ago at 09:`minute`.
fn row(days_ago: i64, minute: u32, who: &str, body: &str) -> String {
    format!(
        "{}T09:{minute:02}:00+07:00,{who},156,\"{}\"\n",
        day(days_ago),
        body.replace('"', "\"\"")
    )
}

const HEADER: &str = "received_at,sender,to,body\n";

/// The attack: one SIM sends one SMS of 371 characters whose lines look
/// like inbox rows of four other senders. The gateway's CSV quotes the
/// body whole (RFC 4180); the inbox reader split the file into lines
/// first, so the body became five rows and five "reporters", and the
/// number was listed as a scam (min_reporters 3) with the label the
/// author chose. Reproduced first: those lines, as the old reader saw
/// them, list the number and a phone warns. Read as CSV, the SMS is one
/// message with one reporter: with one other real reporter, two people,
/// the number is not listed and the phone does not warn.
#[test]
fn one_sms_with_line_breaks_does_not_forge_reporters() {
    let mut body = format!(
        "LD {TARGET} CANH BAO LUA DAO mao danh cong an chuyen tien gap 20 trieu dong ngay!"
    );
    for i in 2..=5 {
        body.push_str(&format!(
            "\n{}T09:0{i}:00+07:00,{},156,LD {TARGET} mao danh cong an",
            day(1),
            reporter(100 + i)
        ));
    }
    assert_eq!(body.chars().count(), 371, "{body}");
    let other = row(1, 10, &reporter(2), &format!("LD {TARGET} goi lua dao"));

    // The attack as the line reader read it: the body's lines as rows.
    let attacked = Publisher::new();
    let (first, forged) = body.split_once('\n').unwrap();
    let as_rows = format!(
        "{HEADER}{}{forged}\n{other}",
        row(1, 0, &reporter(1), first)
    );
    let s = attacked.ingest("inbox.csv", &as_rows, &[]);
    assert_eq!(s["ingested"], 6, "{s}");
    assert_eq!(attacked.publish()["listed"], 1);
    // Warned (as a scam today; the burst rules may make it `suspicious`).
    assert_ne!(attacked.phone_level(TARGET), "unknown");

    // The file the gateway writes: the body quoted whole.
    let p = Publisher::new();
    let inbox = format!("{HEADER}{}{other}", row(1, 0, &reporter(1), &body));
    assert_eq!(inbox.lines().count(), 7, "the file holds the forged lines");
    let summary = p.ingest("inbox.csv", &inbox, &[]);
    assert_eq!(summary["rows"], 2, "{summary}");
    assert_eq!(summary["ingested"], 2, "{summary}");
    assert_eq!(p.count("SELECT count(*) FROM reporter"), 2);
    let report = p.publish();
    assert_eq!(report["listed"], 0, "{report}");
    assert_eq!(
        report["not_listed_by_reason"]["below_threshold"], 1,
        "{report}"
    );
    assert_eq!(p.phone_level(TARGET), "unknown");
}

/// The attack: a quote left open, or stray, makes where each message
/// ends anyone's guess (a reader that guesses lets one SMS become many
/// rows). The file is refused whole, its line named, nothing ingested.
#[test]
fn a_file_whose_quoting_breaks_ingests_nothing_and_names_the_line() {
    let p = Publisher::new();
    let good = format!(
        "{HEADER}{}{}",
        row(1, 0, &reporter(1), &format!("LD {TARGET}")),
        row(1, 1, &reporter(2), &format!("LD {TARGET}"))
    );
    for (broken, line) in [
        (
            format!("{good}{},{},156,\"LD {TARGET} open\n", day(1), reporter(3)),
            4,
        ),
        (
            format!("{good}{},{},156,LD \"{TARGET}\"\n", day(1), reporter(3)),
            4,
        ),
        (
            format!(
                "{good}\n{},{},156,LD {TARGET}, lua dao\n",
                day(1),
                reporter(3)
            ),
            5,
        ),
    ] {
        let file = p.write("broken.csv", &broken);
        let out = p.run(&["reports", "ingest", &file]);
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&format!("line {line}: ")), "{err}");
        assert!(err.contains("nothing of it was ingested"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(out.stdout.is_empty());
    }
    assert_eq!(p.count("SELECT count(*) FROM report"), 0);
    assert_eq!(p.count("SELECT count(*) FROM ingest_run"), 0);
}

/// A gateway that exports JSON Lines: one message a line, found by the
/// file's name or `--format jsonl`; a line that is not a message is
/// rejected alone, by its number.
#[test]
fn json_lines_are_ingested() {
    let p = Publisher::new();
    let msg = |days: i64, who: u32, body: &str| {
        serde_json::json!({
            "received_at": format!("{}T09:00:00+07:00", day(days)),
            "sender": reporter(who),
            "to": "156",
            "body": body,
        })
        .to_string()
    };
    let jsonl = [
        msg(3, 1, &format!("LD {TARGET} mạo danh công an")),
        msg(2, 2, &format!("LD {TARGET}\nnhiều dòng")),
        "{\"received_at\": \"hôm qua\"".to_string(),
        msg(1, 3, &format!("LD {TARGET}")),
    ]
    .join("\n");
    let s = p.ingest("inbox.jsonl", &jsonl, &[]);
    assert_eq!(
        (s["rows"].as_u64(), s["ingested"].as_u64()),
        (Some(4), Some(3)),
        "{s}"
    );
    assert_eq!(s["rejected_rows"][0]["line"], 3, "{s}");
    assert_eq!(s["rejected_by_reason"]["bad_json"], 1, "{s}");
    // The same file under another name, its format said: all there.
    let again = p.ingest("export.txt", &jsonl, &["--format", "jsonl"]);
    assert_eq!(again["duplicates"], 3, "{again}");
    // Read as CSV, it is not CSV: refused whole.
    let file = p.write("export.txt", &jsonl);
    let out = p.run(&["reports", "ingest", &file, "--format", "csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(p.publish()["listed"], 1);
}

/// A gateway that exports the same message again, written differently
/// (its time re-formatted, a body re-encoded): by its message_id it is
/// added once.
#[test]
fn a_message_id_makes_ingest_idempotent() {
    let p = Publisher::new();
    let first = format!(
        "received_at,sender,to,body,message_id\n\
         {d}T09:00:00+07:00,{r},156,LD {TARGET},gw-0001\n",
        d = day(1),
        r = reporter(1)
    );
    let s = p.ingest("a.csv", &first, &[]);
    assert_eq!(s["ingested"], 1, "{s}");
    let resent = format!(
        "received_at,sender,to,body,message_id\n\
         {d} 09:00:05,{r},156,ld {TARGET} (gui lai),gw-0001\n\
         {d}T09:00:00+07:00,{r},156,LD {TARGET},{long}\n",
        d = day(1),
        r = reporter(1),
        long = "x".repeat(201)
    );
    let s = p.ingest("b.csv", &resent, &[]);
    assert_eq!(
        (s["ingested"].as_u64(), s["duplicates"].as_u64()),
        (Some(0), Some(1)),
        "{s}"
    );
    assert_eq!(s["rejected_by_reason"]["bad_message_id"], 1, "{s}");
    // The four-column header still works, and the JSON field too.
    let jsonl = serde_json::json!({"received_at": format!("{}T10:00:00Z", day(1)),
        "sender": reporter(2), "to": "156", "body": format!("LD {TARGET}"), "message_id": "gw-0001"});
    let s = p.ingest("c.jsonl", &jsonl.to_string(), &[]);
    assert_eq!(s["duplicates"], 1, "{s}");
    assert_eq!(p.count("SELECT count(*) FROM report"), 1);
}

/// The attack: senders that are not a person's mobile counted as
/// reporters: a US number, a 1900 line, 113, and the reported number
/// itself (its owner "reporting" it, or spoofing it). Each is rejected by
/// its reason, counted in the publish report, and the number (reported
/// by one real person besides) is not listed. A partner's fixed gateway
/// line counts when the operator allows it.
#[test]
fn only_a_persons_mobile_counts_as_a_reporter() {
    let p = Publisher::new();
    let lie = format!("LD {TARGET} lua dao");
    let inbox = format!(
        "{HEADER}{}{}{}{}{}{}",
        row(1, 0, "+1 202 555 0143", &lie),
        row(1, 1, "1900 1234", &lie),
        row(1, 2, "113", &lie),
        row(1, 3, TARGET, &lie),
        row(1, 4, "024 3936 1111", &lie),
        row(1, 5, &reporter(1), &lie),
    );
    let s = p.ingest("inbox.csv", &inbox, &[]);
    assert_eq!(s["ingested"], 1, "{s}");
    assert_eq!(s["rejected_by_reason"]["sender_not_mobile"], 4, "{s}");
    assert_eq!(
        s["rejected_by_reason"]["sender_is_reported_number"], 1,
        "{s}"
    );
    let text = serde_json::to_string(&s["rejected_rows"]).unwrap();
    for kind in [
        "a foreign number",
        "a 1900 number",
        "an emergency number",
        "a fixed line",
    ] {
        assert!(text.contains(kind), "{kind}: {text}");
    }
    for written in ["202 555", "1900 1234", "3936"] {
        assert!(!text.contains(written), "{text}");
    }
    let report = p.publish();
    assert_eq!(report["listed"], 0, "{report}");
    let rejected = &report["rejected_input_by_reason"];
    assert_eq!(rejected["sender_not_mobile"], 4, "{report}");
    assert_eq!(rejected["sender_is_reported_number"], 1, "{report}");
    assert_eq!(p.phone_level(TARGET), "unknown");

    // Numbers the operator allows count: the partner's gateway line and,
    // here to show that counting them is what would list the number, the
    // 1900 line. Three reporters: listed.
    let allowed = p.write(
        "senders.csv",
        "number,name\n024 3936 1111,partner gateway\n1900 1234,test only\n",
    );
    let s = p.ingest("inbox.csv", &inbox, &["--senders-allowed", &allowed]);
    assert_eq!(s["ingested"], 2, "{s}");
    assert_eq!(s["duplicates"], 1, "{s}");
    assert_eq!(p.publish()["listed"], 1);
    // An allowed list that is not one refuses the ingest, nothing added.
    let bad = p.write("bad.csv", "number\n024 3936 1111\n+1 202 555 0143\n");
    let out = p.run(&[
        "reports",
        "ingest",
        &p.write("i.csv", &inbox),
        "--senders-allowed",
        &bad,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 3"));
    assert_eq!(p.count("SELECT count(*) FROM report"), 3);
}

/// The attack: 100,000 junk lines made `--json` a 100,000-element array
/// (and the human output 100,000 lines). Both are bounded: counts by
/// reason, the first 20 lines of each reason, then how many more.
#[test]
fn a_flood_of_junk_gives_bounded_output() {
    let p = Publisher::new();
    let mut junk = String::from(HEADER);
    for i in 0..100_000u32 {
        match i % 4 {
            0 => junk.push_str(&format!("junk{i},{},156,LD {TARGET}\n", reporter(i))),
            1 => junk.push_str(&format!("{}T09:00:00Z,JUNK{i},156,LD {TARGET}\n", day(1))),
            2 => junk.push_str(&format!(
                "{}T09:00:00Z,{},156,xin chao {i}\n",
                day(1),
                reporter(i)
            )),
            _ => junk.push_str(&format!(
                "{}T09:00:00Z,+44 20 7946 {:04},156,LD {TARGET}\n",
                day(1),
                i % 10_000
            )),
        }
    }
    let file = p.write("junk.csv", &junk);
    let out = p.ok(&["reports", "ingest", &file, "--json"]);
    assert!(out.len() < 16 * 1024, "{} bytes", out.len());
    let s = json(&out);
    assert_eq!(s["rejected"], 100_000);
    let by: &serde_json::Map<String, Value> = s["rejected_by_reason"].as_object().unwrap();
    assert_eq!(by.len(), 4, "{by:?}");
    assert!(by.values().all(|v| v == 25_000), "{by:?}");
    assert_eq!(s["rejected_rows"].as_array().unwrap().len(), 4 * 20);

    // The same file again, read by a person.
    let human = p.ok(&["reports", "ingest", &file]);
    let lines: Vec<&str> = human.lines().collect();
    assert_eq!(lines.len(), 1 + 4 * 21, "{human}");
    assert!(lines[0].starts_with("100000 rows: 0 ingested"), "{human}");
    assert!(human.contains("  … and 24980 more (bad_time)"), "{human}");
}

/// The attack, a clumsy one: `publish | head -1` (or any reader that stops
/// early). `println!` panicked on the closed pipe and the process exited
/// 101 after writing the feed, which a script reads as a failed publish.
/// Now the output ends quietly: exit 0, no panic, the feed complete and
/// valid. The reader here closes the pipe before the CLI writes a byte.
#[test]
fn a_closed_stdout_ends_quietly_with_the_work_done() {
    let p = Publisher::new();
    let mut inbox = String::from(HEADER);
    for who in 1..=3 {
        inbox.push_str(&row(
            1,
            who,
            &reporter(who),
            &format!("LD {TARGET} lua dao"),
        ));
    }
    p.ingest("inbox.csv", &inbox, &[]);
    for json in [false, true] {
        let mut args = p.publish_args();
        if json {
            args.push("--json".into());
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_canhgiac"))
            .args(&args)
            .env_remove("CANHGIAC_DB")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    // Two versions published, each whole and signed.
    let feed = s(&p.p("www/feed"));
    let key = s(&p.p("keys/feed.pub"));
    let verified = ok(&["feed", "verify", &feed, "--key", &key]);
    assert!(verified.contains("version 2"), "{verified}");
    assert_eq!(p.count("SELECT count(*) FROM publish_run"), 2);

    // A full disk is not a closed pipe: output lost that way is a failure.
    if Path::new("/dev/full").exists() {
        let out = Command::new(env!("CARGO_BIN_EXE_canhgiac"))
            .args(["normalize", "0912345678"])
            .stdout(
                std::fs::OpenOptions::new()
                    .write(true)
                    .open("/dev/full")
                    .unwrap(),
            )
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("the output could not be written"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}
