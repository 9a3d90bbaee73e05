//! `./build.sh bench`: `reports serve` under load (issue 20).
//!
//! Real parts: the release CLI serves a fresh publisher database on
//! loopback; this benchmark is the gateway. The load is open-loop: message
//! k is due at start + k / rate, and its time to 202 is counted from when
//! it was due, not from when a sender got to it, so that a server that
//! stalls is charged for every message that waited (no coordinated
//! omission). 64 senders on keep-alive connections, one message a POST.
//!
//! - **ingest under load**: `--rate` messages a second (1,000) for
//!   `--seconds` (60): p50/p99/max time to 202 (targets: p99 ≤ 50 ms),
//!   the server's peak RSS (VmHWM; target ≤ 256 MB); beside it, the
//!   baseline of the same run: the same rate of POSTs without a token,
//!   refused 401 before anything is queued (the HTTP round trip alone).
//! - **nothing lost**: `--kills` (20) times, the server is killed with
//!   SIGKILL at a random moment of a load at the same rate, then started
//!   again; every message that got a 202 must be in the database exactly
//!   once (each message reports a number of its own, so that SQLite can
//!   count it).
//!
//! `cargo bench -p canhgiac-core --bench serve -- --seconds 10 --kills 3`
//! runs it shorter.

use canhgiac_core::format_day;
use canhgiac_core::publisher::today;
use std::path::Path;
use std::process::{Child, Command};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod common;
use common::gateway::{Conn, post, start_serve};
use common::{Rng, db_args, option, release_cli};

const TOKEN: &str = "bench0000000000000000000000000000000000000000";
const SENDERS: usize = 64;

struct Options {
    rate: u64,
    seconds: u64,
    kills: u32,
}

fn options() -> Options {
    Options {
        rate: option("--rate").unwrap_or(1000),
        seconds: option("--seconds").unwrap_or(60),
        kills: option("--kills").unwrap_or(20),
    }
}

fn main() {
    let o = options();
    let cli = release_cli();
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(&cli)
            .args(db_args(dir.path()))
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&["reports", "init"]);
    let tokens = dir.path().join("tokens.txt");
    std::fs::write(&tokens, format!("bench-gw {TOKEN}\n")).unwrap();
    std::fs::set_permissions(&tokens, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let day = format_day(today() - 1);

    println!("## reports serve under load (release CLI, loopback, open-loop)\n");
    println!(
        "{} messages/s, one message per POST, {SENDERS} keep-alive senders; times from when each message was due\n",
        o.rate
    );
    // Baseline: the same rate refused at the door (401, no queue, no commit).
    let mut server = start(&cli, dir.path(), &tokens);
    let baseline_secs = o.seconds.min(10);
    let base = load(&server.1, &o, baseline_secs, 0, &day, false, None);
    let sent = (o.rate * baseline_secs) as usize;
    assert_eq!(
        base.status_count(401),
        sent,
        "every baseline POST is refused 401"
    );
    // The load.
    let got = load(&server.1, &o, o.seconds, 0, &day, true, None);
    let peak_kib = vm_hwm(server.0.id());
    let _ = server.0.kill();
    let _ = server.0.wait();
    let expected = (o.rate * o.seconds) as usize;
    let ok = got.status_count(202);
    println!("| | p50 | p99 | max | answered |");
    println!("|---|---|---|---|---|");
    for (what, r) in [
        ("POST without a token (401, baseline)", &base),
        ("POST a message (202)", &got),
    ] {
        let (p50, p99, max) = r.percentiles();
        println!(
            "| {what} | {:.2} ms | {:.2} ms | {:.2} ms | {} of {} |",
            ms(p50),
            ms(p99),
            ms(max),
            r.latencies.len(),
            r.outcomes.len()
        );
    }
    let (_, p99, _) = got.percentiles();
    let (_, base_p99, _) = base.percentiles();
    println!(
        "\n202s: {ok} of {expected} ({} other answers, {} failed); p99 / baseline p99: {:.1}; target p99 ≤ 50 ms: {}",
        got.outcomes.len() - ok - got.status_count(0),
        got.status_count(0),
        ms(p99) / ms(base_p99).max(0.001),
        if ms(p99) <= 50.0 { "met" } else { "NOT met" }
    );
    println!(
        "server peak RSS (VmHWM): {:.1} MB; target ≤ 256 MB: {}",
        peak_kib as f64 / 1024.0,
        if peak_kib <= 256 * 1024 {
            "met"
        } else {
            "NOT met"
        }
    );
    let db = rusqlite::Connection::open(dir.path().join("publisher.db")).unwrap();
    let stored: i64 = db
        .query_row("SELECT count(*) FROM report", [], |r| r.get(0))
        .unwrap();
    assert!(stored as usize >= ok, "{stored} stored, {ok} answered 202");

    // Nothing lost: kill -9 at random moments under the same load.
    let mut rng = Rng(20);
    let mut first = expected as u64;
    let mut acked = Vec::new();
    let mut killed_with_queue = 0;
    for _ in 0..o.kills {
        let (child, addr) = start(&cli, dir.path(), &tokens);
        let child = Arc::new(Mutex::new(child));
        let at = Duration::from_millis(300 + rng.below(2_700));
        let killer = child.clone();
        let r = load(
            &addr,
            &o,
            at.as_secs() + 1,
            first,
            &day,
            true,
            Some((
                at,
                Box::new(move || {
                    let _ = killer.lock().unwrap().kill();
                }),
            )),
        );
        let _ = child.lock().unwrap().wait();
        if r.status_count(0) > 0 {
            killed_with_queue += 1;
        }
        acked.extend(r.acked());
        first += r.outcomes.len() as u64;
    }
    let mut stmt = db
        .prepare("SELECT count(*) FROM report WHERE number = ?1")
        .unwrap();
    let lost_or_twice = acked
        .iter()
        .filter(|&&k| stmt.query_row([number(k)], |r| r.get::<_, i64>(0)).unwrap() != 1)
        .count();
    println!(
        "\n## nothing lost: {} SIGKILLs at random moments (0.3 to 3 s into a load of {}/s)\n",
        o.kills, o.rate
    );
    println!(
        "{} messages answered 202 before the kills; {lost_or_twice} of them not in the database exactly once; {killed_with_queue} kills left POSTs unanswered",
        acked.len()
    );
    assert_eq!(lost_or_twice, 0, "a 202'd message was lost or stored twice");
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn start(cli: &Path, dir: &Path, tokens: &Path) -> (Child, String) {
    start_serve(cli, &db_args(dir), tokens)
}

/// The peak RSS of a process, in KiB.
fn vm_hwm(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Message k reports a number of its own (0912 000 000 + k) from one of
/// 50,000 synthetic reporters.
fn number(k: u64) -> i64 {
    84_912_000_000 + k as i64
}

fn body(k: u64, day: &str) -> String {
    format!(
        r#"{{"received_at":"{day}T09:{:02}:{:02}+07:00","sender":"0901{:06}","to":"156","body":"LD 0912{:06} goi mao danh cong an","message_id":"bench-{k}"}}"#,
        k / 60 % 60,
        k % 60,
        k % 50_000,
        k
    )
}

struct Results {
    /// (message k, HTTP status or 0 when no answer came).
    outcomes: Vec<(u64, u16)>,
    /// Times to an answer, from when each message was due.
    latencies: Vec<Duration>,
}

impl Results {
    fn status_count(&self, status: u16) -> usize {
        self.outcomes.iter().filter(|o| o.1 == status).count()
    }

    fn acked(&self) -> impl Iterator<Item = u64> + '_ {
        self.outcomes.iter().filter(|o| o.1 == 202).map(|o| o.0)
    }

    fn percentiles(&self) -> (Duration, Duration, Duration) {
        let mut l = self.latencies.clone();
        l.sort();
        if l.is_empty() {
            return Default::default();
        }
        let at = |q: f64| l[((l.len() as f64 * q) as usize).min(l.len() - 1)];
        (at(0.50), at(0.99), l[l.len() - 1])
    }
}

type Hook = Box<dyn FnOnce() + Send>;

/// Sends `rate` messages a second for `seconds`, numbered from `first`, on
/// schedule; `with_token`: as the gateway (else refused 401); `hook`: run
/// once at that moment (the kill).
fn load(
    addr: &str,
    o: &Options,
    seconds: u64,
    first: u64,
    day: &str,
    with_token: bool,
    hook: Option<(Duration, Hook)>,
) -> Results {
    let (tx, rx) = mpsc::channel::<(u64, Instant)>();
    let rx = Arc::new(Mutex::new(rx));
    let workers: Vec<_> = (0..SENDERS)
        .map(|_| {
            let (rx, addr, day) = (rx.clone(), addr.to_string(), day.to_string());
            std::thread::spawn(move || {
                let mut conn: Option<Conn> = None;
                let mut out = Results {
                    outcomes: Vec::new(),
                    latencies: Vec::new(),
                };
                loop {
                    let next = rx.lock().unwrap().recv();
                    let Ok((k, due)) = next else { break };
                    let token = with_token.then_some(TOKEN);
                    let status = post(&mut conn, &addr, &body(k, &day), token);
                    if status != 0 {
                        out.latencies.push(due.elapsed());
                    }
                    out.outcomes.push((k, status));
                }
                out
            })
        })
        .collect();
    let start = Instant::now();
    let total = o.rate * seconds;
    let mut hook = hook;
    for i in 0..total {
        let due = start + Duration::from_nanos(i * 1_000_000_000 / o.rate);
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        if hook.as_ref().is_some_and(|(at, _)| start.elapsed() >= *at) {
            let (_, f) = hook.take().unwrap();
            f();
        }
        tx.send((first + i, due)).unwrap();
    }
    drop(tx);
    let mut all = Results {
        outcomes: Vec::new(),
        latencies: Vec::new(),
    };
    for w in workers {
        let r = w.join().unwrap();
        all.outcomes.extend(r.outcomes);
        all.latencies.extend(r.latencies);
    }
    all
}
