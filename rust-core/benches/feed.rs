//! `./build.sh bench` (second part): the signed feed at 1,000,000 entries.
//!
//! Real parts: the release CLI builds the feed, nginx serves it on
//! loopback, the CLI syncs it into a fresh SQLite file. Measured in the same
//! run: the naive baseline (the same entries as gzip-compressed CSV).
//!
//! Targets (issue 3): snapshot ≤ 2.0 bytes/entry; full sync ≤ 5 s; peak
//! memory ≤ 64 MB over the process's baseline; a 1,000-entry delta ≤ 10 KB;
//! worst screen during an apply ≤ 10 ms.

use canhgiac_core::publisher::{EntrySet, encode_snapshot};
use canhgiac_core::{CallFacts, CallGuard, Category, GuardConfig, NewFeed, Reported};
use std::io::Write;
use std::time::{Duration, Instant};

mod common;
use common::nginx::nginx;
use common::{RSS_ENV, Rng, random_mobile, release_cli, rss_child, run};

const ENTRIES: usize = 1_000_000;
const DELTA_CHANGES: usize = 1_000;

const LABELS: [&str; 6] = [
    "mạo danh công an",
    "khóa SIM 2 chiều",
    "giả danh cán bộ thuế",
    "xin mã OTP ngân hàng",
    "giao hàng đòi chuyển khoản",
    "quảng cáo bất động sản",
];
const TODAY: i32 = 20_784; // 2026-11-27

/// One synthetic report, with the shape a real list has: most numbers
/// reported once or twice, recent reports far more common than old ones,
/// one in ten with a label.
fn random_report(rng: &mut Rng) -> Reported {
    let mut reports = 1;
    while reports < 500 && rng.unit() < 0.4 {
        reports += 1;
    }
    let days_back = (-14.0 * (1.0 - rng.unit()).ln()).min(730.0) as i32;
    Reported {
        category: if rng.below(5) == 0 {
            Category::Nuisance
        } else {
            Category::Scam
        },
        reports,
        last_reported: Some(TODAY - days_back),
        label: (rng.below(10) == 0)
            .then(|| LABELS[rng.below(LABELS.len() as u64) as usize].to_string()),
        // Format 2's evidence: most reports come from different people.
        reporters: Some(reports - rng.below(u64::from(reports / 4) + 1) as u32),
        source: None,
    }
}

fn csv_of(set: &EntrySet) -> Vec<u8> {
    let mut out = b"number,category,reports,last_reported,label\n".to_vec();
    for (k, r) in &set.numbers {
        writeln!(
            out,
            "+{k},{},{},{},{}",
            r.category,
            r.reports,
            r.last_reported
                .map(canhgiac_core::format_day)
                .unwrap_or_default(),
            r.label.as_deref().unwrap_or("")
        )
        .unwrap();
    }
    out
}

fn gzip(bytes: &[u8]) -> usize {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(bytes).unwrap();
    e.finish().unwrap().len()
}

fn main() {
    if let Ok(cli) = std::env::var(RSS_ENV) {
        return rss_child(&cli);
    }
    let cli = release_cli();
    let tmp = tempfile::tempdir().unwrap();
    let p = |rel: &str| tmp.path().join(rel);
    let s = |rel: &str| p(rel).to_str().unwrap().to_string();
    for d in ["www", "nginx"] {
        std::fs::create_dir_all(p(d)).unwrap();
    }

    let mut rng = Rng(2026);
    let mut v1 = EntrySet::default();
    while v1.numbers.len() < ENTRIES {
        let k = random_mobile(&mut rng);
        let r = random_report(&mut rng);
        v1.numbers.insert(k, r);
    }
    let csv1 = csv_of(&v1);
    std::fs::write(p("v1.csv"), &csv1).unwrap();
    let gz = gzip(&csv1);
    let numbers_only = {
        let mut bare = EntrySet::default();
        for k in v1.numbers.keys() {
            bare.numbers.insert(
                *k,
                Reported {
                    category: Category::Scam,
                    reports: 1,
                    last_reported: None,
                    label: None,
                    reporters: None,
                    source: None,
                },
            );
        }
        encode_snapshot(1, &bare).len()
    };

    run(&cli, &["feed", "keygen", "--out", &s("keys")]);
    let (build_time, _, build_rss) = run(
        &cli,
        &[
            "feed",
            "build",
            "--input",
            &s("v1.csv"),
            "--key",
            &s("keys/feed.key"),
            "--out",
            &s("www/feed"),
        ],
    );
    let snapshot = std::fs::metadata(p("www/feed/snapshot-1.bin"))
        .unwrap()
        .len();

    // The sync process's own baseline: the same binary opening the database.
    let (_n, port) = nginx(&p("www"), &p("nginx"));
    let url = format!("http://127.0.0.1:{port}/feed/");
    let (_, _, base_rss) = run(&cli, &["--db", &s("phone.db"), "stats"]);
    let (sync_time, out, sync_rss) = run(
        &cli,
        &[
            "--db",
            &s("phone.db"),
            "sync",
            &url,
            "--key",
            &s("keys/feed.pub"),
            "--allow-http",
            "--json",
        ],
    );
    assert!(out.contains("\"snapshot\""), "{out}");

    // A day's change: 1,000 entries (500 changed, 300 new, 200 gone).
    let mut v2 = v1.clone();
    let keys: Vec<i64> = v1.numbers.keys().copied().collect();
    for i in 0..DELTA_CHANGES / 2 {
        let k = keys[(i * 1999) % keys.len()];
        v2.numbers.get_mut(&k).unwrap().reports += 1;
        v2.numbers.get_mut(&k).unwrap().last_reported = Some(TODAY + 1);
    }
    for i in 0..DELTA_CHANGES / 5 {
        v2.numbers.remove(&keys[(i * 3001 + 7) % keys.len()]);
    }
    let mut added = 0;
    while added < DELTA_CHANGES * 3 / 10 {
        let k = random_mobile(&mut rng);
        if let std::collections::btree_map::Entry::Vacant(e) = v2.numbers.entry(k) {
            e.insert(random_report(&mut rng));
            added += 1;
        }
    }
    std::fs::write(p("v2.csv"), csv_of(&v2)).unwrap();
    run(
        &cli,
        &[
            "feed",
            "build",
            "--input",
            &s("v2.csv"),
            "--key",
            &s("keys/feed.key"),
            "--out",
            &s("www/feed"),
        ],
    );
    let delta = std::fs::metadata(p("www/feed/delta-1-2.bin"))
        .unwrap()
        .len();
    let (delta_sync_time, out, _) = run(&cli, &["--db", &s("phone.db"), "sync", "--json"]);
    assert!(out.contains("\"delta\""), "{out}");

    // Screening from another thread while a real sync of the 1,000,000-entry
    // snapshot (served by nginx on loopback) downloads and applies.
    let guard =
        std::sync::Arc::new(CallGuard::open(&p("screen.db"), GuardConfig::default()).unwrap());
    let probes: Vec<String> = keys.iter().step_by(997).map(|k| format!("+{k}")).collect();
    let feed = NewFeed {
        url: url.clone(),
        keys: vec![
            std::fs::read_to_string(p("keys/feed.pub"))
                .unwrap()
                .trim()
                .to_string(),
        ],
        allow_http: true,
        verify_orgs: false,
    };
    let applier = {
        let guard = guard.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let t = Instant::now();
            rt.block_on(guard.sync_now(Some(feed), None)).unwrap();
            t.elapsed()
        })
    };
    let mut during = Vec::new();
    let mut i = 0;
    while !applier.is_finished() {
        let q = Some(probes[i % probes.len()].clone());
        let t = Instant::now();
        guard
            .screen(q, CallFacts::default())
            .expect("screen during apply");
        during.push(t.elapsed());
        i += 1;
    }
    let apply_time = applier.join().unwrap();
    during.sort();
    let worst = *during.last().unwrap();
    let p999 = during[(during.len() - 1) * 999 / 1000];

    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    let per = snapshot as f64 / ENTRIES as f64;
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mem_mb = (sync_rss - base_rss) as f64 / 1024.0;
    println!();
    println!("| measure (1,000,000 entries) | result | target | |");
    println!("|---|---|---|---|");
    println!(
        "| snapshot size | {:.2} MB, {per:.2} bytes/entry | ≤ 2.0 bytes/entry | {} |",
        snapshot as f64 / 1e6,
        verdict(per <= 2.0)
    );
    println!(
        "| of which the numbers alone (no categories, counts, dates) | {:.2} bytes/entry | | |",
        numbers_only as f64 / ENTRIES as f64
    );
    println!(
        "| baseline: the same entries as gzip -9 CSV | {:.2} MB, {:.2} bytes/entry; snapshot is {:.1}× smaller | | |",
        gz as f64 / 1e6,
        gz as f64 / ENTRIES as f64,
        gz as f64 / snapshot as f64
    );
    println!(
        "| build (CLI: parse CSV, encode, brotli, sign): time, peak memory | {:.1} s, {:.0} MB | | |",
        build_time.as_secs_f64(),
        build_rss as f64 / 1024.0
    );
    println!(
        "| full sync from nginx on loopback (CLI process, wall) | {:.2} s | ≤ 5 s | {} |",
        sync_time.as_secs_f64(),
        verdict(sync_time.as_secs_f64() <= 5.0)
    );
    println!(
        "| peak memory of the sync process over its baseline | {mem_mb:.1} MB ({:.1} MB vs {:.1} MB for `stats`) | ≤ 64 MB | {} |",
        sync_rss as f64 / 1024.0,
        base_rss as f64 / 1024.0,
        verdict(mem_mb <= 64.0)
    );
    println!(
        "| 1,000-entry delta | {:.1} KB | ≤ 10 KB | {} |",
        delta as f64 / 1000.0,
        verdict(delta <= 10_000)
    );
    println!(
        "| delta sync (CLI process, wall) | {:.0} ms | | |",
        ms(delta_sync_time)
    );
    println!(
        "| screen during a 1,000,000-entry sync ({:.1} s, {} screens): p99.9 / worst | {:.0} µs / {:.2} ms | worst ≤ 10 ms | {} |",
        apply_time.as_secs_f64(),
        during.len(),
        p999.as_secs_f64() * 1e6,
        ms(worst),
        verdict(ms(worst) <= 10.0)
    );
}
