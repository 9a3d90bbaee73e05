//! The CLI's contract, as scripts use it: real binary, real SQLite files.

mod common;

use common::UserDir as Env;
use serde_json::Value;
use std::path::{Path, PathBuf};

impl Env {
    fn file(&self, name: &str, content: &[u8]) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, content).unwrap();
        p
    }

    fn stats(&self) -> Value {
        self.json(&["stats", "--json"])
    }
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/reported.csv")
}

#[test]
fn normalize_json_one_object_per_line() {
    let env = Env::new();
    let out = env.run(&[
        "normalize",
        "--json",
        "+84 91 234 5678",
        "01621234567",
        "113",
        "abc",
    ]);
    assert!(
        !out.status.success(),
        "an error among the inputs fails the run"
    );
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["input"], "+84 91 234 5678");
    assert_eq!(lines[0]["e164"], "+84912345678");
    assert_eq!(lines[0]["national"], "0912345678");
    assert_eq!(lines[0]["country"], "VN");
    assert_eq!(lines[0]["kind"], "mobile");
    assert_eq!(lines[0]["valid"], true);
    assert_eq!(lines[0]["plan"], "valid");
    assert_eq!(lines[1]["national"], "0321234567");
    assert_eq!(lines[2]["kind"], "emergency");
    assert!(lines[2]["e164"].is_null());
    assert_eq!(lines[3]["input"], "abc");
    assert!(lines[3]["error"].as_str().unwrap().contains("letters"));
}

#[test]
fn import_reports_rows_and_rejected_lines() {
    let env = Env::new();
    let out = env.ok(&["import", fixture().to_str().unwrap()]);
    assert!(out.contains("imported 7 rows"), "{out}");
    let bad = env.file(
        "bad.csv",
        b"number,category,reports,last_reported,label\n0900000009,scam,2,,\nnot-a-number,scam,1,,\n0900000010,bogus,1,,\n",
    );
    let out = env.ok(&["import", bad.to_str().unwrap()]);
    assert!(out.contains("imported 1 rows"), "{out}");
    assert!(out.contains("line 3:"), "{out}");
    assert!(out.contains("line 4:"), "{out}");
    assert_eq!(env.stats()["reported_numbers"], 7);
    assert_eq!(env.stats()["reported_prefixes"], 1);
}

#[test]
fn check_json_and_history() {
    let env = Env::new();
    env.ok(&["import", fixture().to_str().unwrap()]);
    let v = env.json(&["check", "0912 345 678", "--json"]);
    assert_eq!(v["number"]["e164"], "+84912345678");
    assert_eq!(v["level"], "scam");
    assert_eq!(v["action"], "warn");
    assert_eq!(v["reasons"][0]["code"], "reported");
    assert!(v["reasons"][0]["text"].as_str().unwrap().contains("37 lần"));
    assert!(v["advice"].as_str().unwrap().contains("Công an"));

    let v = env.json(&["check", "0987654321", "--contact", "--json"]);
    assert_eq!(
        (v["level"].as_str(), v["reasons"][0]["code"].as_str()),
        (Some("safe"), Some("contact"))
    );
    let v = env.json(&["check", "0987654321", "--verification", "failed", "--json"]);
    assert_eq!(v["reasons"][0]["code"], "verification_failed");
    let v = env.json(&["check", "--hidden", "--json"]);
    assert_eq!(v["reasons"][0]["code"], "hidden");
    assert!(v["number"].is_null());
    let v = env.json(&["--lang", "en", "check", "02439991234", "--json"]);
    assert_eq!(v["reasons"][0]["code"], "reported_prefix");
    assert!(
        v["reasons"][0]["text"]
            .as_str()
            .unwrap()
            .starts_with("In the range")
    );

    let history: Vec<Value> = env
        .ok(&["history", "--json"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(history.len(), 5);
    assert_eq!(history[0]["level"], "nuisance", "newest first");
    assert_eq!(history[4]["number"], "0912345678");
}

#[test]
fn allow_block_and_emergency_numbers() {
    let env = Env::new();
    env.ok(&["import", fixture().to_str().unwrap()]);
    assert!(env.ok(&["block", "0900 000 111"]).contains("blocked"));
    assert_eq!(
        env.json(&["check", "0900000111", "--json"])["action"],
        "block"
    );
    env.ok(&["unblock", "0900000111"]);
    assert_eq!(
        env.json(&["check", "0900000111", "--json"])["action"],
        "allow"
    );
    env.ok(&["allow", "+84912345678"]);
    assert_eq!(
        env.json(&["check", "0912345678", "--json"])["level"],
        "safe"
    );
    assert!(env.ok(&["list", "allow"]).contains("0912345678"));
    env.ok(&["unallow", "0912345678"]);
    assert_eq!(
        env.json(&["check", "0912345678", "--json"])["level"],
        "scam"
    );

    let out = env.run(&["block", "113"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("emergency"));
    assert_eq!(env.stats()["blocked"], 0);
}

#[test]
fn report_json_contract() {
    let env = Env::new();
    let r = env.json(&[
        "report",
        "+84912345678",
        "--content",
        "Mạo danh\ncông an",
        "--json",
    ]);
    assert_eq!(r["to"], "156");
    assert_eq!(r["body"], "LD 0912345678 Mạo danh công an");
    assert_eq!(r["encoding"], "ucs2");
    assert_eq!(r["segments"], 1);
    let r = env.json(&[
        "report",
        "0912345678",
        "--kind",
        "v",
        "--to",
        "5656",
        "--ascii",
        "--content",
        "Gọi quảng cáo",
        "--json",
    ]);
    assert_eq!(
        (r["to"].as_str(), r["body"].as_str()),
        (Some("5656"), Some("V 0912345678 Goi quang cao"))
    );
    assert_eq!(r["encoding"], "gsm7");
    for bad in ["113", "156", "", "0912😀"] {
        let out = env.run(&["report", bad, "--json"]);
        assert!(!out.status.success(), "{bad:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).starts_with("error: "),
            "{bad:?}"
        );
    }
}

#[test]
fn bad_input_is_a_clear_error_and_changes_nothing() {
    let env = Env::new();
    env.ok(&["import", fixture().to_str().unwrap()]);
    let before = env.stats();
    let long = "9".repeat(10_000);
    for raw in [
        "",
        "   ",
        "abc",
        "😀😀😀",
        "0912'; DROP TABLE reported;--",
        long.as_str(),
        "0912\n345",
    ] {
        for cmd in ["check", "allow", "block", "report"] {
            let out = env.run(&[cmd, raw]);
            assert!(!out.status.success(), "{cmd} {raw:.20?}");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                err.starts_with("error: invalid number"),
                "{cmd} {raw:.20?}: {err}"
            );
        }
    }
    let wrong_header = env.file("wrong.csv", b"phone,type\n0912345678,scam\n");
    let out = env.run(&["import", wrong_header.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("header"));
    let out = env.run(&["import", "/nonexistent.csv"]);
    assert!(!out.status.success());
    let after = env.stats();
    assert_eq!(before["reported_numbers"], after["reported_numbers"]);
    assert_eq!(after["history"], 0);
    assert_eq!(after["allowed"], 0);
    assert_eq!(after["blocked"], 0);
}

#[test]
fn unusable_database_paths_are_clear_errors() {
    let env = Env::new();
    let out = env.run_with_db(&env.dir.path().join("missing/cg.db"), &["stats"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
    // /proc refuses new files even to root.
    let out = env.run_with_db(Path::new("/proc/canhgiac.db"), &["stats"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot open the database"));
}

#[test]
fn corrupt_database_is_moved_aside_with_a_warning() {
    let env = Env::new();
    env.ok(&["block", "0912345678"]);
    // Our database, its pages damaged past the header.
    let mut bytes = std::fs::read(env.db()).unwrap();
    for b in bytes.iter_mut().skip(100) {
        *b = 0x5a;
    }
    std::fs::write(env.db(), &bytes).unwrap();
    let out = env.run(&["block", "0987654321"]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("moved to"), "{err}");
    let aside: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with("cg.db.corrupt-") && !name.ends_with("-wal") && !name.ends_with("-shm")
        })
        .collect();
    assert_eq!(aside.len(), 1);
    assert!(
        std::fs::read(aside[0].path()).unwrap() == bytes,
        "kept byte for byte"
    );
}

#[test]
fn a_file_that_is_not_a_database_of_ours_is_refused_and_left_alone() {
    // Issue 8, finding 12: `--db list.csv` renamed the user's CSV.
    let env = Env::new();
    let csv = env.dir.path().join("list.csv");
    let text = b"number,category,reports,last_reported,label\n0912345678,scam,1,,\n".repeat(20);
    std::fs::write(&csv, &text).unwrap();
    let out = env.run_with_db(&csv, &["stats"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not a Cảnh Giác database"), "{err}");
    assert!(std::fs::read(&csv).unwrap() == text, "the CSV was changed");
    let names: Vec<String> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        vec!["list.csv".to_string()],
        "nothing moved or created"
    );
}

#[test]
fn newer_database_is_refused() {
    let env = Env::new();
    env.ok(&["stats"]);
    set_user_version_in_header(&env.db(), 99);
    let out = env.run(&["stats"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("newer version"));
}

/// Sets `PRAGMA user_version` by patching the header (offset 60, big-endian),
/// as a newer app would have left it, without linking SQLite into the test.
fn set_user_version_in_header(db: &Path, v: u32) {
    let mut bytes = std::fs::read(db).unwrap();
    bytes[60..64].copy_from_slice(&v.to_be_bytes());
    std::fs::write(db, bytes).unwrap();
}

/// Issue 21: `normalize --json` says where a number stands in the plan;
/// a possible number is imported and checked as any other of its kind,
/// an impossible one refused; 069, 1800 and 1900 callers read as what
/// they are.
#[test]
fn possible_numbers_are_numbers_and_impossible_ones_are_not() {
    let env = Env::new();
    let table = [
        // (input, plan, kind, valid)
        ("0912345678", "valid", "mobile", true),
        // Named in a 2026 warning (cafef.vn, 2026-01-20) as a caller
        // impersonating the police in Hà Nội; libphonenumber: invalid.
        ("024 9995 0060", "possible", "fixed_line", false),
        ("0521234567", "possible", "mobile", false),
        // The Ministry of Public Security's anti-corruption line (thdt.vn
        // citing VTVO, 2018).
        ("069.234.2593", "possible", "security", false),
        ("0401234567", "impossible", "other", false),
    ];
    for (raw, plan, kind, valid) in table {
        let v = env.json(&["normalize", "--json", raw]);
        assert_eq!(
            (v["plan"].as_str(), v["kind"].as_str(), v["valid"].as_bool()),
            (Some(plan), Some(kind), Some(valid)),
            "{raw}: {v}"
        );
    }
    let text = env.ok(&["normalize", "02499950060"]);
    assert!(text.contains("\tpossible"), "{text}");

    let csv = env.file(
        "possible.csv",
        b"number,category,reports,last_reported,label\n02499000001,scam,4,,gia danh toa an\n0521234567,scam,4,,\n0401234567,scam,4,,\n",
    );
    let out = env.ok(&["import", csv.to_str().unwrap()]);
    assert!(out.contains("imported 2 rows"), "{out}");
    assert!(out.contains("line 4:"), "{out}");
    let v = env.json(&["check", "024 9900 0001", "--json"]);
    assert_eq!(v["level"], "scam", "{v}");
    assert_eq!(v["number"]["plan"], "possible", "{v}");

    let codes = |v: &Value| -> Vec<String> {
        v["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["code"].as_str().unwrap().to_string())
            .collect()
    };
    for (raw, level, code) in [
        ("02499000002", "unknown", "unlisted_range"),
        ("0692342593", "unknown", "security_network"),
        ("1800 1091", "unknown", "toll_free"),
        ("1900 1234", "suspicious", "premium_rate"),
        ("0401234567", "suspicious", "invalid_number"),
    ] {
        let v = env.json(&["check", raw, "--json"]);
        assert_eq!(v["level"], level, "{raw}: {v}");
        assert_eq!(codes(&v), vec![code], "{raw}: {v}");
    }
    let v = env.json(&["check", "0692342593", "--json"]);
    assert!(v["advice"].as_str().unwrap().contains("OTP"), "{v}");
    let v = env.json(&["check", "1900 1234", "--json"]);
    assert!(v["advice"].as_str().unwrap().contains("1900"), "{v}");
}
