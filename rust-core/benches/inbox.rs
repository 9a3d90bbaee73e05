//! `./build.sh bench` (third part): the publisher pipeline at 1,000,000
//! reports.
//!
//! A synthetic 156/5656 inbox export, generated deterministically: a long
//! tail of numbers reported once, a few hundred numbers reported by
//! hundreds of people, a middle band reported by 2 to 10, a few numbers one
//! person reports again and again, reports against 113 and 156, and 5%
//! bodies that are not reports. Real parts: the release CLI ingests it
//! into a fresh publisher database, then publishes (aggregate, build,
//! sign); then a day's 10,000 new reports are ingested and published on
//! top. Each is one whole process, timed on the wall clock, with the peak
//! RSS of that process alone.
//!
//! Targets (issue 9): ingest + publish of 1,000,000 reports ≤ 60 s and
//! ≤ 512 MB peak; the daily run ≤ 5 s.
//!
//! The dates are relative to today (the receive times must be no later
//! than tomorrow, and the list is decided within `expire_days` of
//! `--as-of`); everything else is the same in every run.

use canhgiac_core::format_day;
use canhgiac_core::publisher::today;
use std::collections::HashSet;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::{Duration, Instant};

mod common;
use common::{Measured, RSS_ENV, Rng, measure, random_mobile, release_cli, rss_child, run};

const ROWS: usize = 1_000_000;
const DAILY_ROWS: usize = 10_000;
/// The export spans the days before yesterday's publish.
const DAYS: i32 = 120;
/// One row in twenty is not a report.
const MALFORMED_PER_MILLE: u64 = 50;
/// Numbers reported by hundreds of people, and how many people each.
const HOT_NUMBERS: usize = 300;
const HOT_REPORTERS: (u64, u64) = (200, 800);
/// Numbers reported by 2 to 10 people.
const MIDDLE_NUMBERS: usize = 40_000;
/// Numbers one person reports 3 to 10 times (never listed).
const REPEATED_NUMBERS: usize = 500;
/// Reports against an emergency number or a hotline (kept, never listed).
const PROTECTED_REPORTS: usize = 1_000;
/// People who text the hotline: most of them once or twice.
const REPORTERS: usize = 400_000;

/// A pattern's content, with and without diacritics (people type both).
const CONTENTS: [[&str; 2]; 16] = [
    [
        "mạo danh công an yêu cầu chuyển tiền",
        "mao danh cong an yeu cau chuyen tien",
    ],
    [
        "tự xưng cán bộ công an phường, nói liên quan vụ án",
        "tu xung can bo cong an phuong, noi lien quan vu an",
    ],
    [
        "gọi tự xưng viện kiểm sát dọa lệnh bắt",
        "goi tu xung vien kiem sat doa lenh bat",
    ],
    [
        "giả danh cán bộ thuế đòi hoàn thuế",
        "gia danh can bo thue doi hoan thue",
    ],
    [
        "nói từ cục thuế bắt cài app eTax giả",
        "noi tu cuc thue bat cai app etax gia",
    ],
    [
        "mạo danh điện lực, dọa cắt điện",
        "mao danh dien luc, doa cat dien",
    ],
    [
        "đòi nộp tiền điện gấp kẻo bị cắt",
        "doi nop tien dien gap keo bi cat",
    ],
    [
        "nhà mạng báo khóa SIM 2 chiều",
        "nha mang bao khoa sim 2 chieu",
    ],
    [
        "yêu cầu chuẩn hóa thuê bao kẻo bị thu hồi số",
        "yeu cau chuan hoa thue bao keo bi thu hoi so",
    ],
    ["xin mã OTP ngân hàng", "xin ma OTP ngan hang"],
    [
        "giả nhân viên Vietcombank hỏi mã xác thực",
        "gia nhan vien vietcombank hoi ma xac thuc",
    ],
    [
        "giả shipper giao hàng đòi chuyển khoản",
        "gia shipper giao hang doi chuyen khoan",
    ],
    [
        "báo đơn hàng bị giữ, bắt đóng phí",
        "bao don hang bi giu, bat dong phi",
    ],
    [
        "mời làm việc online, đầu tư tiền ảo lãi cao",
        "moi lam viec online, dau tu tien ao lai cao",
    ],
    [
        "tuyển cộng tác viên chốt đơn nhận hoa hồng",
        "tuyen cong tac vien chot don nhan hoa hong",
    ],
    [
        "quảng cáo bất động sản gọi nhiều lần",
        "quang cao bat dong san goi nhieu lan",
    ],
];

/// What `S` reports say.
const SMS_CONTENTS: [[&str; 2]; 3] = [
    [
        "tin nhắn trúng thưởng có đường link lạ",
        "tin nhan trung thuong co duong link la",
    ],
    [
        "tin nhắn giả ngân hàng báo tài khoản bị khóa",
        "tin nhan gia ngan hang bao tai khoan bi khoa",
    ],
    [
        "vay tiền nhanh không cần thế chấp",
        "vay tien nhanh khong can the chap",
    ],
];

/// Brand names spoofed in spam SMS (`S VCB …`).
const BRANDS: [&str; 6] = ["VIETTEL", "VCB", "[FE CREDIT]", "Shopee", "TPBank", "[EVN]"];

/// Bodies that are not reports; `{n}` is replaced by a synthetic number.
const MALFORMED: [&str; 20] = [
    "cam on",
    "Cảm ơn nhiều",
    "HELP",
    "?",
    "ok",
    "alo",
    "huong dan",
    "LD",
    "LD mạo danh công an",
    "ld lua dao",
    "V quảng cáo",
    "S",
    "DK DNC",
    "TCTM example.com",
    "XYZ {n}",
    "BC {n} lừa đảo",
    "{n} lừa đảo",
    "số này lừa đảo",
    "LD 0999 lua dao",
    "",
];

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Ld,
    V,
    S,
}

/// A reported number and what it is reported for.
struct Target {
    key: i64,
    kind: Kind,
    content: usize,
}

/// Writes the inbox export: one line per report, sorted by receive time
/// as the hotline's export is.
struct Inbox {
    rng: Rng,
    reporters: Vec<i64>,
    lines: Vec<(i64, String)>,
    malformed: usize,
}

impl Inbox {
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.below(items.len() as u64) as usize]
    }

    /// A report's keyword: mostly the number's own, sometimes another.
    fn kind(&mut self, of: Kind) -> Kind {
        match self.rng.below(100) {
            0..90 => of,
            90..97 => Kind::Ld,
            97..99 => Kind::V,
            _ => Kind::S,
        }
    }

    /// One report by `reporter` about `target` on `day`.
    fn report(&mut self, day: i32, reporter: usize, target: &Target) {
        let kind = self.kind(target.kind);
        let body = self.body(kind, target);
        self.push(day, reporter, body);
    }

    fn push(&mut self, day: i32, reporter: usize, body: String) {
        // Between 06:00 and 23:00, Vietnam time.
        let secs = 6 * 3600 + self.rng.below(17 * 3600) as i64;
        let at = i64::from(day) * 86_400 - 7 * 3600 + secs;
        let sender = self.sender(reporter);
        let to = if self.rng.below(10) == 0 {
            "5656"
        } else {
            "156"
        };
        let line = format!(
            "{}T{:02}:{:02}:{:02}+07:00,{sender},{to},{}",
            format_day(day),
            secs / 3600,
            secs / 60 % 60,
            secs % 60,
            csv_field(&body)
        );
        self.lines.push((at, line));
    }

    /// The reporter as the carrier's export writes them (`84…` mostly).
    fn sender(&mut self, reporter: usize) -> String {
        let key = self.reporters[reporter];
        match self.rng.below(10) {
            0..7 => key.to_string(),
            7..9 => format!("0{}", key - 84_000_000_000),
            _ => format!("+{key}"),
        }
    }

    fn body(&mut self, kind: Kind, target: &Target) -> String {
        let content = self.content(kind, target.content);
        if kind == Kind::S && self.rng.below(3) == 0 {
            let brand = *self.pick(&BRANDS);
            return format!("S {brand} {content}");
        }
        let number = self.number(target.key);
        let keyword = match kind {
            Kind::Ld => *self.pick(&["LD", "LD", "LD", "LD", "ld", "Ld", "LĐ", "lđ"]),
            Kind::V => *self.pick(&["V", "V", "v"]),
            Kind::S => *self.pick(&["S", "S", "s"]),
        };
        let form = self.rng.below(100);
        let text = match form {
            // The official guides' bracket form.
            0..6 => format!("{keyword} ({number})({content})"),
            6..8 => format!("{keyword} [{number}][{content}]"),
            8..13 => format!("{keyword}: {number} {content}"),
            13..16 => format!("{keyword}{number} {content}"),
            16..18 => format!("{keyword} - {number} - {content}"),
            18..20 => format!("{keyword} so {number} {content}"),
            _ => format!("{keyword} {number} {content}"),
        };
        text.trim_end().to_string()
    }

    /// The content: the number's pattern mostly; with diacritics more
    /// often than without; sometimes none at all.
    fn content(&mut self, kind: Kind, usual: usize) -> String {
        if self.rng.below(20) == 0 {
            return String::new();
        }
        let plain = usize::from(self.rng.below(10) < 4);
        if kind == Kind::S {
            return self.pick(&SMS_CONTENTS)[plain].to_string();
        }
        let which = if self.rng.below(5) == 0 {
            self.rng.below(CONTENTS.len() as u64) as usize
        } else {
            usual
        };
        CONTENTS[which][plain].to_string()
    }

    /// One of the ways people write a number (E.164 digits `key`).
    fn number(&mut self, key: i64) -> String {
        let nsn = (key - 84_000_000_000).to_string();
        let (a, b, c) = (&nsn[..3], &nsn[3..6], &nsn[6..]);
        match self.rng.below(1000) {
            0..550 => format!("0{nsn}"),
            550..650 => format!("0{a} {b} {c}"),
            650..720 => format!("0{a}.{b}.{c}"),
            720..750 => format!("0{a}-{b}-{c}"),
            750..830 => format!("+84{nsn}"),
            830..900 => format!("84{nsn}"),
            900..950 => format!("+84 {a} {b} {c}"),
            950..970 => format!("0084{nsn}"),
            // The pre-2018 11-digit forms, where the prefix had one.
            970..997 => match old_prefix(&nsn[..2]) {
                Some(old) => format!("0{old}{}", &nsn[2..]),
                None => format!("0{nsn}"),
            },
            // Full-width digits (East Asian keyboards), rarely.
            _ => format!("0{nsn}")
                .chars()
                .map(|d| char::from_u32(d as u32 - u32::from(b'0') + 0xFF10).unwrap())
                .collect(),
        }
    }

    fn malformed(&mut self, day: i32) {
        let template = *self.pick(&MALFORMED);
        let body = if template.contains("{n}") {
            let n = random_mobile(&mut self.rng) - 84_000_000_000;
            template.replace("{n}", &format!("0{n}"))
        } else {
            template.to_string()
        };
        let reporter = self.rng.below(self.reporters.len() as u64) as usize;
        self.push(day, reporter, body);
        self.malformed += 1;
    }

    /// `count` distinct reporters.
    fn distinct_reporters(&mut self, count: usize) -> Vec<usize> {
        let mut seen = HashSet::with_capacity(count);
        while seen.len() < count {
            seen.insert(self.rng.below(self.reporters.len() as u64) as usize);
        }
        let mut v: Vec<usize> = seen.into_iter().collect();
        v.sort_unstable();
        v
    }

    fn target(&mut self, kinds: [u64; 2]) -> Target {
        let key = random_mobile(&mut self.rng);
        let roll = self.rng.below(100);
        let kind = if roll < kinds[0] {
            Kind::Ld
        } else if roll < kinds[1] {
            Kind::V
        } else {
            Kind::S
        };
        let content = if kind == Kind::V {
            CONTENTS.len() - 1
        } else {
            self.rng.below(CONTENTS.len() as u64 - 1) as usize
        };
        Target { key, kind, content }
    }

    /// Sorted by time, as CSV with the header.
    fn write(mut self, path: &Path) -> usize {
        self.lines.sort_by_key(|(at, _)| *at);
        let mut out = BufWriter::new(std::fs::File::create(path).unwrap());
        writeln!(out, "received_at,sender,to,body").unwrap();
        for (_, line) in &self.lines {
            writeln!(out, "{line}").unwrap();
        }
        out.flush().unwrap();
        self.malformed
    }
}

/// The old 11-digit prefix a 2-digit mobile prefix replaced in 2018.
fn old_prefix(new: &str) -> Option<&'static str> {
    const OLD: [(&str, &str); 21] = [
        ("70", "120"),
        ("79", "121"),
        ("77", "122"),
        ("83", "123"),
        ("84", "124"),
        ("85", "125"),
        ("76", "126"),
        ("81", "127"),
        ("78", "128"),
        ("82", "129"),
        ("32", "162"),
        ("33", "163"),
        ("34", "164"),
        ("35", "165"),
        ("36", "166"),
        ("37", "167"),
        ("38", "168"),
        ("39", "169"),
        ("56", "186"),
        ("58", "188"),
        ("59", "199"),
    ];
    OLD.iter().find(|(n, _)| *n == new).map(|(_, old)| *old)
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The 1,000,000-row export, its days `first..=last`; returns the hot and
/// middle numbers (the daily file reports them again), the reporters and
/// the count of malformed rows.
fn big_inbox(path: &Path, first: i32, last: i32) -> (Vec<Target>, Vec<i64>, usize) {
    let mut rng = Rng(9_156);
    let reporters: Vec<i64> = (0..REPORTERS).map(|_| random_mobile(&mut rng)).collect();
    let mut inbox = Inbox {
        rng,
        reporters,
        lines: Vec::with_capacity(ROWS),
        malformed: 0,
    };
    let span = (last - first + 1) as u64;
    let mut known = Vec::new();
    let valid = ROWS - ROWS * MALFORMED_PER_MILLE as usize / 1000;

    // A few hundred campaigns: hundreds of people within a few weeks.
    for _ in 0..HOT_NUMBERS {
        let target = inbox.target([95, 98]);
        let people = HOT_REPORTERS.0 + inbox.rng.below(HOT_REPORTERS.1 - HOT_REPORTERS.0 + 1);
        let start = first + inbox.rng.below(span) as i32;
        let length = 7 + inbox.rng.below(39) as i32;
        for who in inbox.distinct_reporters(people as usize) {
            let day = (start + inbox.rng.below(length as u64) as i32).min(last);
            inbox.report(day, who, &target);
        }
        known.push(target);
    }
    // The middle band: 2 to 10 people within a month.
    for _ in 0..MIDDLE_NUMBERS {
        let target = inbox.target([80, 92]);
        let people = 2 + inbox.rng.below(9) as usize;
        let start = first + inbox.rng.below(span) as i32;
        for who in inbox.distinct_reporters(people) {
            let day = (start + inbox.rng.below(30) as i32).min(last);
            inbox.report(day, who, &target);
        }
        known.push(target);
    }
    // One person, again and again: not enough to list a number.
    for _ in 0..REPEATED_NUMBERS {
        let target = inbox.target([80, 95]);
        let who = inbox.rng.below(REPORTERS as u64) as usize;
        for _ in 0..3 + inbox.rng.below(8) {
            let day = first + inbox.rng.below(span) as i32;
            inbox.report(day, who, &target);
        }
    }
    // People testing the hotline, or mistaken: kept and counted.
    for _ in 0..PROTECTED_REPORTS {
        let number = *inbox.pick(&["113", "114", "115", "156", "5656"]);
        let day = first + inbox.rng.below(span) as i32;
        let who = inbox.rng.below(REPORTERS as u64) as usize;
        inbox.push(day, who, format!("LD {number} goi nham"));
    }
    // The long tail: one report each.
    while inbox.lines.len() < valid {
        let target = inbox.target([80, 92]);
        let day = first + inbox.rng.below(span) as i32;
        let who = inbox.rng.below(REPORTERS as u64) as usize;
        inbox.report(day, who, &target);
    }
    while inbox.lines.len() < ROWS {
        let day = first + inbox.rng.below(span) as i32;
        inbox.malformed(day);
    }
    let reporters = std::mem::take(&mut inbox.reporters);
    let malformed = inbox.write(path);
    (known, reporters, malformed)
}

/// A day's export: a third about numbers already reported (campaigns go
/// on), the rest new numbers, 5% not reports; returns the malformed count.
fn daily_inbox(path: &Path, day: i32, known: &[Target], earlier: &[i64]) -> usize {
    some_inbox(path, day, known, earlier, DAILY_ROWS, 2_026)
}

/// `rows` messages of one day, from seed `seed`: a third about known
/// numbers (the campaigns more than the rest), the rest about new ones.
fn some_inbox(
    path: &Path,
    day: i32,
    known: &[Target],
    earlier: &[i64],
    rows: usize,
    seed: u64,
) -> usize {
    let mut rng = Rng(seed);
    // Today's reporters: half people who reported before, half new.
    let reporters: Vec<i64> = (0..rows)
        .map(|i| {
            if i % 2 == 0 {
                earlier[rng.below(earlier.len() as u64) as usize]
            } else {
                random_mobile(&mut rng)
            }
        })
        .collect();
    let mut inbox = Inbox {
        rng,
        reporters,
        lines: Vec::with_capacity(rows),
        malformed: 0,
    };
    let valid = rows - rows * MALFORMED_PER_MILLE as usize / 1000;
    for i in 0..valid {
        let who = inbox.rng.below(rows as u64) as usize;
        if i % 3 == 0 {
            // The campaigns (the first HOT_NUMBERS) more than the rest.
            let of = if inbox.rng.below(2) == 0 {
                HOT_NUMBERS
            } else {
                known.len()
            };
            let target = &known[inbox.rng.below(of as u64) as usize];
            inbox.report(day, who, target);
        } else {
            let target = inbox.target([80, 92]);
            inbox.report(day, who, &target);
        }
    }
    while inbox.lines.len() < rows {
        inbox.malformed(day);
    }
    inbox.write(path)
}

/// The baseline: only reading the same file with the `csv` crate (every
/// record split, unquoted and checked as UTF-8, in this process, the file
/// in the page cache as the ingest finds it). Any ingest must at least do
/// this; the ratio says what the pipeline's own work (parsing each SMS,
/// hashing the reporter, indexing in SQLite) costs over reading its input.
fn baseline(path: &Path) -> (Duration, usize) {
    let t = Instant::now();
    let mut reader = csv::Reader::from_path(path).unwrap();
    let mut record = csv::StringRecord::new();
    let mut rows = 0;
    let mut bytes = 0;
    while reader.read_record(&mut record).unwrap() {
        rows += 1;
        bytes += record.get(3).map_or(0, str::len);
    }
    std::hint::black_box(bytes);
    (t.elapsed(), rows)
}

/// Wall times on a shared machine are only read with its load beside them.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

/// The audit log's lines and bytes of one publish run (read from the
/// database: the publish report of an older CLI does not say).
fn audit_of_run(db: &str, run: u64) -> (u64, u64) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(
        "SELECT count(*), coalesce(sum(length(CAST(line AS BLOB))), 0) FROM audit WHERE run_id = ?1",
        [run as i64],
        |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64)),
    )
    .unwrap()
}

/// How a publish decided (`decide`) and how many numbers.
fn decide_of(json: &str) -> (String, u64) {
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    (
        v["decide"].as_str().unwrap_or("").to_string(),
        decided(json),
    )
}

fn decided(json: &str) -> u64 {
    field(json, "decided")
}

fn field(json: &str, key: &str) -> u64 {
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    v[key].as_u64().unwrap_or_else(|| panic!("{key} in {json}"))
}

/// Issue 19's rules on the bench inbox, from one publish report: what is
/// listed, how much of it as suspicious, and what the rules kept off that
/// the threshold alone would list (held fixed lines and 1800/1900 numbers,
/// numbers only capped senders reported). Kept share = listed / (listed +
/// kept off): the bench has no dispute nor operator decision, so that sum
/// is what the threshold alone lists. `None` for a CLI without the rules.
fn rules_of(json: &str) -> Option<(u64, u64, u64, u64, f64)> {
    let v: serde_json::Value = serde_json::from_str(json).ok()?;
    let rules = v.get("rules")?;
    let listed = v["listed"].as_u64()?;
    let suspicious = rules["lowered_burst"].as_u64()?;
    let held: u64 = ["fixed_line", "toll_free", "premium_rate"]
        .iter()
        .filter_map(|k| rules["held_for_review"][k].as_u64())
        .sum();
    let capped = rules["numbers_kept_off_by_caps"].as_u64()?;
    let kept = listed as f64 / (listed + held + capped).max(1) as f64;
    Some((listed, suspicious, held, capped, kept))
}

fn main() {
    if let Ok(cli) = std::env::var(RSS_ENV) {
        return rss_child(&cli);
    }
    let cli = release_cli();
    let tmp = tempfile::tempdir().unwrap();
    // CANHGIAC_BENCH_KEEP=DIR keeps the files (the inboxes, the publisher
    // database, the feed) there, to profile the CLI on them afterwards.
    let dir = match std::env::var_os("CANHGIAC_BENCH_KEEP") {
        Some(keep) => {
            let keep = std::path::PathBuf::from(keep);
            let _ = std::fs::remove_dir_all(&keep);
            std::fs::create_dir_all(&keep).unwrap();
            keep
        }
        None => tmp.path().to_path_buf(),
    };
    let p = |rel: &str| dir.join(rel);
    let s = |rel: &str| p(rel).to_str().unwrap().to_string();

    // Yesterday's publish sees the 120 days before it; today's, one more.
    let today = today();
    let yesterday = today - 1;
    let t = Instant::now();
    let (known, reporters, malformed) = big_inbox(&p("inbox.csv"), yesterday - DAYS + 1, yesterday);
    let daily_malformed = daily_inbox(&p("daily.csv"), today, &known, &reporters);
    // Issue 20's publish cost: 100 more reports a few minutes later.
    some_inbox(&p("hundred.csv"), today, &known, &reporters, 100, 2_027);
    // Its baseline: 100 more, published with every number decided again.
    some_inbox(
        &p("hundred-full.csv"),
        today,
        &known,
        &reporters,
        100,
        2_028,
    );
    let generated = t.elapsed();
    let file_mb = std::fs::metadata(p("inbox.csv")).unwrap().len() as f64 / 1e6;
    eprintln!(
        "generated {ROWS} + {DAILY_ROWS} rows ({file_mb:.0} MB) in {:.1} s",
        generated.as_secs_f64()
    );

    let (base_time, base_rows) = baseline(&p("inbox.csv"));
    assert_eq!(base_rows, ROWS);

    run(&cli, &["feed", "keygen", "--out", &s("keys")]);
    let db = s("publisher.db");
    let (feed_key, feed) = (s("keys/feed.key"), s("feed"));
    let reporter_key = s("keys/reporter.key");
    run(
        &cli,
        &[
            "--db",
            &db,
            "--reporter-key",
            &reporter_key,
            "reports",
            "init",
        ],
    );
    let publish_with = |as_of: i32, more: &[&str]| {
        let as_of = format_day(as_of);
        let mut args = vec![
            "--db", &db, "publish", "--key", &feed_key, "--out", &feed, "--as-of", &as_of, "--json",
        ];
        args.extend(more);
        measure(&cli, &args)
    };
    let publish = |as_of: i32| publish_with(as_of, &[]);
    let ingest = |file: &str| {
        measure(
            &cli,
            &[
                "--db",
                &db,
                "--reporter-key",
                &reporter_key,
                "reports",
                "ingest",
                &s(file),
                "--json",
            ],
        )
    };

    let load_before = load_average();
    let big = ingest("inbox.csv");
    assert_eq!(field(&big.stdout, "rows"), ROWS as u64);
    let rejected = ROWS as u64 - field(&big.stdout, "ingested") - field(&big.stdout, "duplicates");
    // Every generated report is read as one; every malformed body refused.
    assert_eq!(rejected, malformed as u64, "rejected rows");
    let db_mb = std::fs::metadata(&db).unwrap().len() as f64 / 1e6;
    let first = publish(yesterday);
    let listed = field(&first.stdout, "listed");

    let daily = ingest("daily.csv");
    assert_eq!(field(&daily.stdout, "rows"), DAILY_ROWS as u64);
    assert_eq!(
        DAILY_ROWS as u64 - field(&daily.stdout, "ingested") - field(&daily.stdout, "duplicates"),
        daily_malformed as u64
    );
    let second = publish(today);
    let daily_added = field(&second.stdout, "added");
    let hundred = ingest("hundred.csv");
    let third = publish(today);
    assert_eq!(
        decide_of(&third.stdout),
        ("incremental".into(), decided(&third.stdout))
    );
    let hundred_full = ingest("hundred-full.csv");
    let fourth = publish_with(today, &["--full-decide"]);
    assert_eq!(decide_of(&fourth.stdout).0, "full");
    let first_audit = audit_of_run(&db, field(&first.stdout, "run"));
    let daily_audit = audit_of_run(&db, field(&second.stdout, "run"));

    let verdict = |ok: bool| if ok { "PASS" } else { "MISS" };
    let secs = |d: Duration| d.as_secs_f64();
    let mb = |kib: i64| kib as f64 / 1024.0;
    let times = |m: &Measured| {
        format!(
            "{:.1} s ({:.0}× baseline; CPU {:.1} s)",
            secs(m.wall),
            secs(m.wall) / secs(base_time),
            secs(m.cpu)
        )
    };
    let both = big.wall + first.wall;
    let peak = big.peak_kib.max(first.peak_kib);
    let day = daily.wall + second.wall;
    println!();
    println!("| measure (1,000,000 reports, {file_mb:.0} MB CSV) | result | target | |");
    println!("|---|---|---|---|");
    println!(
        "| baseline: read the CSV with the csv crate | {:.2} s | | |",
        secs(base_time)
    );
    println!(
        "| the machine: load average (1 min) before, after | {load_before}, {} on {} cores | | |",
        load_average(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!(
        "| (a) reports ingest (CLI process): time, peak memory | {}, {:.0} MB; db {db_mb:.0} MB | | |",
        times(&big),
        mb(big.peak_kib)
    );
    println!(
        "| (b) publish: aggregate, build, sign (CLI process) | {}, {:.0} MB; {listed} listed | | |",
        times(&first),
        mb(first.peak_kib)
    );
    println!(
        "| (a) + (b): time | {:.1} s (CPU {:.1} s) | ≤ 60 s | {} |",
        secs(both),
        secs(big.cpu + first.cpu),
        verdict(secs(both) <= 60.0)
    );
    println!(
        "| (a), (b): peak memory of either process | {:.0} MB | ≤ 512 MB | {} |",
        mb(peak),
        verdict(mb(peak) <= 512.0)
    );
    println!(
        "| (c) daily run: ingest 10,000 + publish ({daily_added} added; decide {}, {} numbers) | {:.2} s + {:.2} s = {:.2} s (CPU {:.2} s); {:.0} / {:.0} MB | ≤ 5 s | {} |",
        decide_of(&second.stdout).0,
        decided(&second.stdout),
        secs(daily.wall),
        secs(second.wall),
        secs(day),
        secs(daily.cpu + second.cpu),
        mb(daily.peak_kib),
        mb(second.peak_kib),
        verdict(secs(day) <= 5.0)
    );
    if let Some((listed, suspicious, held, capped, kept)) = rules_of(&first.stdout) {
        println!(
            "| (b) issue 19's rules: listed (as suspicious), held, kept off by the caps; kept of the threshold-only list | {listed} ({suspicious}), {held}, {capped}; {:.2}% | ≥ 99% | {} |",
            kept * 100.0,
            verdict(kept >= 0.99)
        );
    }
    println!(
        "| (d) 100 reports more, minutes later: ingest + publish, wall (CPU of the publish) | {:.2} s + {:.2} s (CPU {:.2} s) | publish ≤ 1 s CPU (issue 20) | {} |",
        secs(hundred.wall),
        secs(third.wall),
        secs(third.cpu),
        verdict(secs(third.cpu) <= 1.0)
    );
    println!(
        "| (d) baseline: 100 reports more, the publish deciding every number again (--full-decide) | {:.2} s + {:.2} s (CPU {:.2} s); {} numbers decided | | |",
        secs(hundred_full.wall),
        secs(fourth.wall),
        secs(fourth.cpu),
        decided(&fourth.stdout)
    );
    println!(
        "| (d) the incremental publish against it: numbers decided, CPU | {} of {} ({:.3}%); {:.2} s = {:.0}% of the full publish's CPU | | |",
        decided(&third.stdout),
        decided(&fourth.stdout),
        100.0 * decided(&third.stdout) as f64 / decided(&fourth.stdout).max(1) as f64,
        secs(third.cpu),
        100.0 * secs(third.cpu) / secs(fourth.cpu)
    );
    println!(
        "| audit log written by (b), by (c)'s publish: lines, MB | {}, {:.1} MB; {}, {:.1} MB | | |",
        first_audit.0,
        first_audit.1 as f64 / 1e6,
        daily_audit.0,
        daily_audit.1 as f64 / 1e6,
    );
}
