//! `./build.sh bench` (fourth part): the user's own data at the size users
//! bring (issue 23). The release CLI on a user's file with 1,000,000
//! imported numbers (a synthetic CSV of random Vietnamese mobiles),
//! against a baseline of 10 imported numbers in the same run: the bytes on
//! disk of every file (the user's, the list, the imports journal, the copy
//! beside the user's file, write-ahead logs left after close); the time
//! and peak memory of a `block`, an `allow`, a policy change and a feed
//! added (median of several runs, each a whole process, its own peak RSS);
//! and the export and restore of the whole thing.
//!
//! Targets: at most about 32 bytes a number on disk; the small changes
//! within 2x of the baseline in time and memory; export and restore within
//! 64 MB.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

mod common;
use common::{Measured, RSS_ENV, Rng, measure, random_mobile, release_cli, rss_child};

const BIG: u64 = 1_000_000;
const SMALL: u64 = 10;
/// Runs of each small change; the median is shown.
const RUNS: usize = 7;

struct Store {
    dir: PathBuf,
    imported: u64,
}

impl Store {
    fn db(&self) -> String {
        self.dir.join("cg.db").display().to_string()
    }

    fn run(&self, cli: &Path, args: &[&str]) -> Measured {
        let mut all = vec!["--db".to_string(), self.db()];
        all.extend(args.iter().map(|a| a.to_string()));
        measure(cli, &all.iter().map(String::as_str).collect::<Vec<_>>())
    }

    /// Every file of the store on disk, after the last process closed it.
    fn disk(&self) -> Vec<(String, u64)> {
        let mut files: Vec<(String, u64)> = std::fs::read_dir(&self.dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with("cg."))
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    e.metadata().unwrap().len(),
                )
            })
            .collect();
        files.sort();
        files
    }
}

/// A CSV of `n` distinct random mobiles, as a shared community list.
fn csv(path: &Path, n: u64, rng: &mut Rng) {
    let mut seen = std::collections::HashSet::with_capacity(n as usize);
    let mut out = BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(out, "number,category,reports,last_reported,label").unwrap();
    let labels = ["mạo danh công an", "lừa đảo đầu tư", "", ""];
    while (seen.len() as u64) < n {
        let k = random_mobile(rng);
        if !seen.insert(k) {
            continue;
        }
        let category = if rng.below(10) == 0 {
            "nuisance"
        } else {
            "scam"
        };
        let reports = 1 + rng.below(40);
        let day = canhgiac_core::format_day(19_000 + rng.below(1_000) as i32);
        let label = labels[rng.below(4) as usize];
        writeln!(out, "+{k},{category},{reports},{day},{label}").unwrap();
    }
}

fn median<T: Copy + Ord>(mut v: Vec<T>) -> T {
    v.sort();
    v[v.len() / 2]
}

/// Median wall time, CPU time and peak RSS (KiB) of `RUNS` runs of one
/// small change; `args(i)` gives run i's arguments.
fn small_change(
    cli: &Path,
    s: &Store,
    args: impl Fn(usize) -> Vec<String>,
) -> (Duration, Duration, i64) {
    let runs: Vec<Measured> = (0..RUNS)
        .map(|i| {
            let a = args(i);
            s.run(cli, &a.iter().map(String::as_str).collect::<Vec<_>>())
        })
        .collect();
    (
        median(runs.iter().map(|m| m.wall).collect()),
        median(runs.iter().map(|m| m.cpu).collect()),
        median(runs.iter().map(|m| m.peak_kib).collect()),
    )
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn mb(kib: i64) -> f64 {
    kib as f64 / 1024.0
}

fn main() {
    if let Ok(cli) = std::env::var(RSS_ENV) {
        return rss_child(&cli);
    }
    let cli = release_cli();
    let tmp = tempfile::tempdir().unwrap();
    let key_dir = tmp.path().join("keys");
    common::run(
        &cli,
        &["feed", "keygen", "--out", key_dir.to_str().unwrap()],
    );
    let key = key_dir.join("feed.pub").display().to_string();
    let mut rng = Rng(23);

    let mut stores = Vec::new();
    for n in [SMALL, BIG] {
        let dir = tmp.path().join(format!("n{n}"));
        std::fs::create_dir_all(&dir).unwrap();
        let list = dir.join("list.csv");
        csv(&list, n, &mut rng);
        let s = Store { dir, imported: n };
        let m = s.run(&cli, &["import", list.to_str().unwrap()]);
        assert!(
            m.stdout.contains(&format!("imported {n} rows")),
            "{}",
            m.stdout
        );
        std::fs::remove_file(&list).unwrap();
        eprintln!(
            "imported {n}: {:.2} s, peak {:.0} MB",
            m.wall.as_secs_f64(),
            mb(m.peak_kib)
        );
        stores.push(s);
    }

    println!(
        "\n### The user's own data: 1,000,000 imported numbers against 10 (release CLI, median of {RUNS})\n"
    );
    println!(
        "| change | 10 imports: wall / CPU / peak | 1,000,000 imports: wall / CPU / peak | ratio (wall, peak) |"
    );
    println!("|---|---|---|---|");
    type Args = Box<dyn Fn(usize) -> Vec<String>>;
    let changes: Vec<(&str, Args)> = vec![
        (
            "`block`",
            Box::new(|i| vec!["block".into(), format!("09870{i:05}")]),
        ),
        (
            "`allow`",
            Box::new(|i| vec!["allow".into(), format!("09120{i:05}")]),
        ),
        (
            "policy change",
            Box::new(|i| {
                let a = ["silence", "warn"][i % 2];
                vec!["policy".into(), "--unknown".into(), a.into()]
            }),
        ),
        (
            "feed added",
            Box::new(move |i| {
                vec![
                    "feeds".into(),
                    "add".into(),
                    format!("bench {i}"),
                    format!("https://lists{i}.example.org/feed/"),
                    "--key".into(),
                    key.clone(),
                ]
            }),
        ),
    ];
    for (name, args) in &changes {
        // Feeds are bounded (8 a phone): each run adds one, then it goes.
        let [small, big] = [&stores[0], &stores[1]].map(|s| {
            let r = small_change(&cli, s, args);
            if *name == "feed added" {
                for i in 0..RUNS {
                    s.run(&cli, &["feeds", "remove", &format!("bench {i}")]);
                }
            }
            r
        });
        println!(
            "| {name} | {:.1} ms / {:.1} ms / {:.1} MB | {:.1} ms / {:.1} ms / {:.1} MB | {:.2}x, {:.2}x |",
            ms(small.0),
            ms(small.1),
            mb(small.2),
            ms(big.0),
            ms(big.1),
            mb(big.2),
            big.0.as_secs_f64() / small.0.as_secs_f64(),
            big.2 as f64 / small.2 as f64
        );
    }

    println!("\n| files on disk after close | 10 imports | 1,000,000 imports |");
    println!("|---|---|---|");
    let [small_files, big_files] = [&stores[0], &stores[1]].map(Store::disk);
    let mut names: Vec<&String> = small_files.iter().chain(&big_files).map(|f| &f.0).collect();
    names.sort();
    names.dedup();
    let size =
        |files: &[(String, u64)], name: &str| files.iter().find(|f| f.0 == name).map_or(0, |f| f.1);
    for name in names {
        println!(
            "| `{name}` | {} B | {:.2} MB ({:.1} B a number) |",
            size(&small_files, name),
            size(&big_files, name) as f64 / 1e6,
            size(&big_files, name) as f64 / BIG as f64
        );
    }
    let total = |files: &[(String, u64)]| files.iter().map(|f| f.1).sum::<u64>();
    println!(
        "| **all** | {} B | **{:.1} MB ({:.1} B a number)** |",
        total(&small_files),
        total(&big_files) as f64 / 1e6,
        total(&big_files) as f64 / BIG as f64
    );

    // Export and restore of the whole store, each one process.
    let big = &stores[1];
    let backup = tmp.path().join("backup.json");
    let export = big.run(&cli, &["export", backup.to_str().unwrap()]);
    assert!(
        export
            .stdout
            .contains(&format!("{} imported entries", big.imported)),
        "{}",
        export.stdout
    );
    let restored = Store {
        dir: tmp.path().join("restored"),
        imported: 0,
    };
    std::fs::create_dir_all(&restored.dir).unwrap();
    let restore = restored.run(&cli, &["restore", backup.to_str().unwrap(), "--json"]);
    assert!(
        restore.stdout.contains(&format!("\"imported\":{BIG}")),
        "{}",
        restore.stdout
    );
    println!(
        "\n| 1,000,000 imports | wall | CPU | peak |\n|---|---|---|---|\n| `export` ({:.0} MB file) | {:.2} s | {:.2} s | {:.1} MB |\n| `restore` into a new phone | {:.2} s | {:.2} s | {:.1} MB |",
        std::fs::metadata(&backup).unwrap().len() as f64 / 1e6,
        export.wall.as_secs_f64(),
        export.cpu.as_secs_f64(),
        mb(export.peak_kib),
        restore.wall.as_secs_f64(),
        restore.cpu.as_secs_f64(),
        mb(restore.peak_kib)
    );
}
