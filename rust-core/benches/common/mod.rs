//! Synthetic data shared by the benchmarks: deterministic, so every run
//! measures the same list.

// Each benchmark uses a part of this module.
#![allow(dead_code)]

pub mod gateway;
// The CLI tests' raw client and server start-up (std and serde_json only).
#[path = "../../cli/tests/common/http.rs"]
pub mod http;
pub mod nginx;
pub mod relay;

/// splitmix64.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Mobile prefixes in use today (national significant number, 2 digits).
const PREFIXES: [u64; 27] = [
    32, 33, 34, 35, 36, 37, 38, 39, 52, 56, 58, 59, 70, 76, 77, 78, 79, 81, 82, 83, 84, 85, 86, 88,
    89, 90, 91,
];

/// A random number (E.164 digits) that libphonenumber accepts as a
/// Vietnamese mobile; unassigned blocks, such as 0520…, are drawn again.
pub fn random_mobile(rng: &mut Rng) -> i64 {
    loop {
        let prefix = PREFIXES[rng.below(PREFIXES.len() as u64) as usize];
        let key = 84_000_000_000 + prefix * 10_000_000 + rng.below(10_000_000);
        let n = canhgiac_core::normalize(&format!("+{key}")).expect("digits");
        if n.valid && n.kind == canhgiac_core::NumberKind::Mobile {
            return key as i64;
        }
    }
}

// Whole processes, measured one at a time: the release CLI is run through
// a fresh copy of the benchmark binary (`run` → `rss_child`), because
// getrusage(RUSAGE_CHILDREN) of the benchmark itself would report the
// largest of all its children and never the CLI's own peak.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Set in the copy: the CLI it runs.
pub const RSS_ENV: &str = "CANHGIAC_BENCH_RSS_OF";

/// The release CLI: `CANHGIAC_BIN` (set by `./build.sh bench`), else the
/// workspace's target folder.
pub fn release_cli() -> PathBuf {
    let cli = std::env::var("CANHGIAC_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/release/canhgiac")
        });
    assert!(
        cli.exists(),
        "build the CLI first: cargo build --release --bin canhgiac"
    );
    cli
}

/// Over every child this process has waited for: the peak RSS (KiB) and
/// the CPU time (user and system).
pub fn children_usage() -> (i64, Duration) {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage fills the struct we own.
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    let secs = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    (usage.ru_maxrss, secs(usage.ru_utime) + secs(usage.ru_stime))
}

/// One run of the CLI, measured.
pub struct Measured {
    /// Wall time, including starting the copy (a few milliseconds).
    pub wall: Duration,
    /// The CLI's own CPU time: what the wall time would be on an idle
    /// machine, short of waiting for the disk.
    pub cpu: Duration,
    pub stdout: String,
    pub peak_kib: i64,
}

/// Runs the CLI through a fresh copy of this benchmark, so that the peak
/// RSS and CPU time reported are the CLI's alone.
pub fn measure(cli: &Path, args: &[&str]) -> Measured {
    finish_measured(spawn_measured(cli, args))
}

/// [`measure`] started, not waited for: a long-running command (`publish
/// --every`) the bench works beside.
pub fn spawn_measured(cli: &Path, args: &[&str]) -> (std::process::Child, Instant, String) {
    let child = Command::new(std::env::current_exe().unwrap())
        .env(RSS_ENV, cli)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the CLI");
    (child, Instant::now(), format!("{args:?}"))
}

/// Waits for a [`spawn_measured`] command and reads its figures.
pub fn finish_measured((child, t, what): (std::process::Child, Instant, String)) -> Measured {
    let out = child.wait_with_output().expect("wait for the CLI");
    let wall = t.elapsed();
    assert!(
        out.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let (body, usage) = stdout
        .trim_end()
        .rsplit_once('\n')
        .unwrap_or(("", stdout.trim_end()));
    let (rss, cpu_us) = usage.trim().split_once(' ').expect("usage line");
    Measured {
        wall,
        cpu: Duration::from_micros(cpu_us.parse().expect("cpu")),
        stdout: body.to_string(),
        peak_kib: rss.parse().expect("rss"),
    }
}

/// The publisher database `publisher.db` in `dir` and its reporter key
/// `reporter.key` beside it, as the CLI's first arguments.
pub fn db_args(dir: &Path) -> Vec<String> {
    vec![
        "--db".into(),
        dir.join("publisher.db").to_str().unwrap().into(),
        "--reporter-key".into(),
        dir.join("reporter.key").to_str().unwrap().into(),
    ]
}

/// The value of the bench's option `name` (`cargo bench --bench B --
/// --rate 500`), the last one given; none when it is not given.
pub fn option<T: std::str::FromStr>(name: &str) -> Option<T> {
    let args: Vec<String> = std::env::args().collect();
    let value = args.windows(2).rev().find(|w| w[0] == name)?[1].as_str();
    Some(
        value
            .parse()
            .unwrap_or_else(|_| panic!("{name} takes a number, not {value:?}")),
    )
}

/// [`measure`] as (wall time, stdout, peak RSS in KiB).
pub fn run(cli: &Path, args: &[&str]) -> (Duration, String, i64) {
    let m = measure(cli, args);
    (m.wall, m.stdout, m.peak_kib)
}

/// In the copy: run the CLI, pass its output through, then print its peak
/// RSS and CPU time. Every benchmark that uses `run` calls this first
/// thing in `main` when `RSS_ENV` is set.
pub fn rss_child(cli: &str) {
    let out = Command::new(cli)
        .args(std::env::args().skip(1))
        .stderr(Stdio::inherit())
        .output()
        .expect("run the CLI");
    std::io::stdout().write_all(&out.stdout).unwrap();
    let (rss, cpu) = children_usage();
    println!("\n{rss} {}", cpu.as_micros());
    std::process::exit(out.status.code().unwrap_or(1));
}
