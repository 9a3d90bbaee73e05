//! `./build.sh bench`: time to phone, the live loop of issue 20.
//!
//! Real parts, every one a process of the release CLI: `reports serve` on
//! loopback takes the gateway's POSTs (this benchmark is the gateway); a
//! publisher runs `publish` once a minute into a folder that nginx serves
//! (the feed key only in that step, as a systemd timer would run it);
//! phones (the CLI, each with its own database, following that feed) run
//! `sync` once a minute, then `check NUMBER --json`.
//!
//! - **Background**: the national rate of about 3,000 reports a day, ×100
//!   (`--rate`, 3.5 a second, Poisson arrivals, open-loop): victims
//!   reporting genuine numbers over minutes and hours (a few numbers
//!   reported again and again, most once or twice; some already on the
//!   list), a tenth nuisance calls, a few texts that are not reports, each
//!   from a synthetic Vietnamese mobile that reports once. Before the run
//!   the publisher already has a list: 30 days of such reports, published,
//!   and the phones have synced it.
//! - **Campaigns** (`--campaigns`, 20): each a fresh synthetic number, its
//!   reporters distinct people texting 156 one to four minutes apart; the
//!   third is the policy's default `min_reporters` (3), after which the
//!   number is listed at once as `suspicious` (a burst). Measured per
//!   campaign and phone: from the 202 of the third reporter's POST to the
//!   end of the first minute-sync after which `check` on that phone warns.
//!   Target: p95 ≤ publish interval + sync interval + 10 s (130 s).
//! - **Baselines of the same run**: the sum of the two intervals (the wait
//!   a campaign sees at worst when publish and sync cost nothing), and the
//!   daily cadence of the old guide modelled on the same campaigns
//!   (publish at 02:30 Vietnam time, each phone once a day at its own
//!   moment, the number crossing at a random moment of the day).
//! - Also: the background's time to 202 (from when each POST was due),
//!   each publish's and each sync's wall time, the bytes a sync fetched,
//!   and campaigns that warned before their third reporter (must be 0).
//!
//! `cargo bench -p canhgiac-core --bench timeline -- --minutes 6 --campaigns 4`
//! runs it shorter.

use canhgiac_core::publisher::today;
use canhgiac_core::{format_day, format_time, now_unix};
use std::collections::HashSet;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod common;
use common::gateway::{post, start_serve};
use common::nginx::nginx;
use common::{Rng, db_args, option, random_mobile, release_cli};

const TOKEN: &str = "timeline00000000000000000000000000000000000";
/// The policy's default: distinct people who list a number.
const MIN_REPORTERS: usize = 3;
/// Reporters of a campaign sent in the run (the first MIN_REPORTERS list it).
const CAMPAIGN_REPORTERS: usize = 5;
/// Numbers already on the list before the run.
const LISTED: usize = 5_000;
/// Numbers that victims are reporting during the run (most once).
const ACTIVE: usize = 3_000;
const SENDERS: usize = 16;
/// A campaign that has not reached a phone this long after crossing the
/// threshold counts as never reached.
const GIVE_UP: Duration = Duration::from_secs(600);

const PATTERNS: [&str; 6] = [
    "mao danh cong an doi chuyen tien",
    "nhà mạng báo khóa SIM 2 chiều",
    "giả danh cán bộ thuế",
    "xin ma OTP ngan hang",
    "giao hàng đòi chuyển khoản",
    "tu xung toa an, doa bat giam",
];

struct Options {
    minutes: u64,
    campaigns: usize,
    rate: f64,
    publish_every: u64,
    sync_every: u64,
    phones: usize,
}

fn options() -> Options {
    Options {
        minutes: option("--minutes").unwrap_or(20).max(2),
        campaigns: option("--campaigns").unwrap_or(20).max(1),
        // Reports a second: 300,000 a day.
        rate: option("--rate").unwrap_or(300_000.0 / 86_400.0),
        publish_every: option("--publish-every").unwrap_or(60).max(1),
        sync_every: option("--sync-every").unwrap_or(60).max(1),
        phones: option("--phones").unwrap_or(3).clamp(1, 10),
    }
}

/// What the gateway sends: a report of the background (its number k), or
/// reporter j of campaign i.
#[derive(Clone, Copy)]
enum Msg {
    Background(u64),
    Campaign(usize, usize),
}

/// A campaign as the run sees it.
struct Campaign {
    number: i64,
    /// When each reporter's POST was answered 202.
    acked: Vec<Instant>,
    /// Per phone: when the sync after which `check` warned ended.
    warned: Vec<Option<Instant>>,
    /// Phones that warned before the third reporter was even sent.
    early: usize,
    sent: usize,
}

impl Campaign {
    fn crossed(&self) -> Option<Instant> {
        self.acked.get(MIN_REPORTERS - 1).copied()
    }
}

/// The world of the run: every synthetic number, fixed by the seed.
struct World {
    listed: Vec<i64>,
    active: Vec<i64>,
    campaigns: Vec<i64>,
}

fn world(campaigns: usize) -> World {
    let mut rng = Rng(156);
    let mut seen = HashSet::new();
    let mut draw = |n: usize| -> Vec<i64> {
        let mut v = Vec::with_capacity(n);
        while v.len() < n {
            let k = random_mobile(&mut rng);
            if seen.insert(k) {
                v.push(k);
            }
        }
        v
    };
    World {
        listed: draw(LISTED),
        active: draw(ACTIVE),
        campaigns: draw(campaigns),
    }
}

/// A synthetic reporter: a Vietnamese mobile that reports once. Drawn
/// from its own seed, so that no reporter is a reported number.
fn reporter(rng: &mut Rng) -> String {
    format!("0{}", random_mobile(rng) - 84_000_000_000)
}

/// The number as people type it: spaced, bare or international.
fn written(number: i64, style: u64) -> String {
    let national = format!("0{}", number - 84_000_000_000);
    match style % 3 {
        0 => format!("{} {} {}", &national[..4], &national[4..7], &national[7..]),
        1 => national,
        _ => format!("+{number}"),
    }
}

fn pattern(number: i64) -> &'static str {
    PATTERNS[number as usize % PATTERNS.len()]
}

fn message(received_at: &str, sender: &str, body: &str, id: &str) -> String {
    serde_json::json!({
        "received_at": received_at, "sender": sender, "to": "156", "body": body, "message_id": id
    })
    .to_string()
}

/// Now, as a gateway stamps it.
fn now_stamp() -> String {
    format!("{}+07:00", format_time(now_unix()).replace(' ', "T"))
}

/// Background report k: who, about what.
fn background(world: &World, rng: &mut Rng, k: u64) -> String {
    let sender = reporter(rng);
    let u = rng.unit();
    let body = if u < 0.05 {
        // Not a report: thanks, a question, an LD without a number.
        ["cam on", "LD", "tong dai oi cho hoi"][rng.below(3) as usize].to_string()
    } else {
        // A third about numbers already listed, the rest about the numbers
        // being reported now: skewed, so that a few are reported by many
        // people over hours and most by one or two.
        let number = if rng.unit() < 0.3 {
            world.listed[rng.below(LISTED as u64) as usize]
        } else {
            let r = rng.unit();
            world.active[((r * r * r) * ACTIVE as f64) as usize]
        };
        let word = if u < 0.15 { "V" } else { "LD" };
        let what = if word == "V" {
            "quảng cáo bất động sản"
        } else {
            pattern(number)
        };
        format!("{word} {} {what}", written(number, rng.below(3)))
    };
    message(&now_stamp(), &sender, &body, &format!("bg-{k}"))
}

fn campaign_body(number: i64, j: usize) -> String {
    format!("LD {} {}", written(number, j as u64), pattern(number))
}

/// Runs the CLI; its stdout, or the first line of its error.
fn cli_run(cli: &Path, args: &[String]) -> Result<String, String> {
    let out = Command::new(cli).args(args).output().unwrap();
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Err(err.lines().next().unwrap_or("failed").to_string())
    }
}

fn ok(r: Result<String, String>) -> String {
    r.unwrap_or_else(|e| panic!("{e}"))
}

fn strings(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| s.to_string()).collect()
}

/// 30 days of reports before the run: LISTED numbers, each reported by 3
/// to 8 people on different days (so many are confirmed as scams), as the
/// JSON Lines export of a gateway.
fn seed_file(world: &World, path: &Path) {
    let mut rng = Rng(2026);
    let mut out = String::new();
    for (i, &number) in world.listed.iter().enumerate() {
        let people = 3 + rng.below(6) as usize;
        for j in 0..people {
            let day = format_day(today() - 1 - rng.below(30) as i32);
            let at = format!(
                "{day}T{:02}:{:02}:00+07:00",
                7 + rng.below(14),
                rng.below(60)
            );
            let body = format!("LD {} {}", written(number, j as u64), pattern(number));
            out.push_str(&message(
                &at,
                &reporter(&mut rng),
                &body,
                &format!("seed-{i}-{j}"),
            ));
            out.push('\n');
        }
    }
    std::fs::write(path, out).unwrap();
}

/// Runs `f(k)` at start + offset + k × every until `stop`.
fn every(
    start: Instant,
    offset: Duration,
    every: Duration,
    stop: &AtomicBool,
    mut f: impl FnMut(u32),
) {
    let mut k = 0;
    while !stop.load(Ordering::Relaxed) {
        let due = start + offset + every * k;
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait.min(Duration::from_millis(200)));
            continue;
        }
        f(k);
        k += 1;
    }
}

/// Nearest-rank percentile of sorted values.
fn pct(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    v
}

fn main() {
    let o = options();
    let cli = release_cli();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    let p = |rel: &str| dir.join(rel);
    let s = |rel: &str| p(rel).to_str().unwrap().to_string();
    for d in ["www", "nginx"] {
        std::fs::create_dir_all(p(d)).unwrap();
    }
    let world = world(o.campaigns);
    let db = db_args(&dir);
    let with_db = |a: &[&str]| [db.clone(), strings(a)].concat();

    // The publisher as it stood before the run: its list published, the
    // phones synced to it.
    ok(cli_run(
        &cli,
        &strings(&["feed", "keygen", "--out", &s("keys")]),
    ));
    ok(cli_run(&cli, &with_db(&["reports", "init"])));
    seed_file(&world, &p("seed.jsonl"));
    ok(cli_run(
        &cli,
        &with_db(&["reports", "ingest", &s("seed.jsonl")]),
    ));
    let publish = with_db(&[
        "publish",
        "--key",
        &s("keys/feed.key"),
        "--out",
        &s("www/feed"),
        "--json",
    ]);
    ok(cli_run(&cli, &publish));
    let (_nginx, port) = nginx(&p("www"), &p("nginx"));
    let url = format!("http://127.0.0.1:{port}/feed/");
    let phone_db = |i: usize| s(&format!("phone-{i}.db"));
    for i in 0..o.phones {
        ok(cli_run(
            &cli,
            &strings(&[
                "--db",
                &phone_db(i),
                "sync",
                &url,
                "--key",
                &s("keys/feed.pub"),
                "--allow-http",
            ]),
        ));
    }
    let tokens = p("tokens.txt");
    std::fs::write(&tokens, format!("timeline-gw {TOKEN}\n")).unwrap();
    std::fs::set_permissions(&tokens, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let (mut server, addr) = start_serve(&cli, &db, &tokens);

    // The campaigns' schedule: first reporters spread over the run but its
    // last 8 minutes (a short run: its first minute), each next reporter
    // one to four minutes later.
    let mut rng = Rng(20);
    let span = (o.minutes * 60).saturating_sub(8 * 60).max(60) as f64;
    let mut schedule: Vec<(Duration, Msg)> = Vec::new();
    for i in 0..o.campaigns {
        let mut at = 30.0 + span * i as f64 / o.campaigns as f64;
        for j in 0..CAMPAIGN_REPORTERS {
            schedule.push((Duration::from_secs_f64(at), Msg::Campaign(i, j)));
            at += 60.0 + rng.unit() * 180.0;
        }
    }
    schedule.sort_by_key(|e| e.0);

    let campaigns: Arc<Mutex<Vec<Campaign>>> = Arc::new(Mutex::new(
        world
            .campaigns
            .iter()
            .map(|&number| Campaign {
                number,
                acked: Vec::new(),
                warned: vec![None; o.phones],
                early: 0,
                sent: 0,
            })
            .collect(),
    ));
    let stop = Arc::new(AtomicBool::new(false));
    let world = Arc::new(world);
    eprintln!(
        "timeline: {} campaigns over {} minutes, background {:.2} reports/s, publish every {} s, {} phones syncing every {} s",
        o.campaigns, o.minutes, o.rate, o.publish_every, o.phones, o.sync_every
    );
    let start = Instant::now();

    // The gateway: one dispatcher keeps the schedule (Poisson background
    // merged with the campaigns), senders POST and record.
    let (tx, rx) = mpsc::channel::<(Instant, Msg, String)>();
    let rx = Arc::new(Mutex::new(rx));
    let senders: Vec<_> = (0..SENDERS)
        .map(|_| {
            let (rx, addr, campaigns) = (rx.clone(), addr.clone(), campaigns.clone());
            std::thread::spawn(move || {
                let mut conn = None;
                let mut latencies = Vec::new();
                let mut statuses = Vec::new();
                loop {
                    let next = rx.lock().unwrap().recv();
                    let Ok((due, msg, body)) = next else { break };
                    match msg {
                        Msg::Background(_) => {
                            let status = post(&mut conn, &addr, &body, Some(TOKEN));
                            if status == 202 {
                                latencies.push((due, due.elapsed()));
                            }
                            statuses.push(status);
                        }
                        Msg::Campaign(i, _) => {
                            // A gateway retries until it has its 202.
                            for _ in 0..60 {
                                if post(&mut conn, &addr, &body, Some(TOKEN)) == 202 {
                                    campaigns.lock().unwrap()[i].acked.push(Instant::now());
                                    break;
                                }
                                std::thread::sleep(Duration::from_secs(1));
                            }
                        }
                    }
                }
                (latencies, statuses)
            })
        })
        .collect();
    let dispatcher = {
        let (stop, world, campaigns, rate) =
            (stop.clone(), world.clone(), campaigns.clone(), o.rate);
        std::thread::spawn(move || {
            let mut rng = Rng(3000);
            let mut people = Rng(7);
            let mut next_bg = 0.0f64;
            let mut k = 0u64;
            let mut planned = schedule.into_iter().peekable();
            while !stop.load(Ordering::Relaxed) {
                let bg_at = Duration::from_secs_f64(next_bg);
                let msg = match planned.peek() {
                    Some(&(at, m)) if at <= bg_at => {
                        planned.next();
                        (at, m)
                    }
                    _ => {
                        next_bg += -(1.0 - rng.unit()).ln() / rate;
                        k += 1;
                        (bg_at, Msg::Background(k))
                    }
                };
                let due = start + msg.0;
                if let Some(wait) = due.checked_duration_since(Instant::now()) {
                    std::thread::sleep(wait);
                }
                let body = match msg.1 {
                    Msg::Background(k) => background(&world, &mut rng, k),
                    Msg::Campaign(i, j) => {
                        let number = world.campaigns[i];
                        campaigns.lock().unwrap()[i].sent += 1;
                        message(
                            &now_stamp(),
                            &reporter(&mut people),
                            &campaign_body(number, j),
                            &format!("campaign-{i}-{j}"),
                        )
                    }
                };
                if tx.send((due, msg.1, body)).is_err() {
                    break;
                }
            }
        })
    };

    // The publisher, never in the inbox: `publish --every` as its own
    // process where the CLI has it, else one `publish` process a minute
    // (what a systemd timer runs).
    let long_running =
        cli_run(&cli, &strings(&["publish", "--help"])).is_ok_and(|help| help.contains("--every"));
    let publisher = {
        let (stop, cli, publish) = (stop.clone(), cli.clone(), publish.clone());
        let period = Duration::from_secs(o.publish_every);
        let status = p("publish-status.json");
        std::thread::spawn(move || {
            if long_running {
                return publish_every(&cli, &publish, period, &status, start, &stop);
            }
            let mut runs = Vec::new();
            every(start, Duration::ZERO, period, &stop, |_| {
                let t = Instant::now();
                let r = cli_run(&cli, &publish);
                if let Err(e) = &r {
                    eprintln!("publish failed: {e}");
                }
                runs.push((t, Instant::now(), r.is_ok()));
            });
            runs
        })
    };

    // The phones: each syncs once a minute at its own moment of the
    // minute, then checks every campaign that is listed (and, honestly,
    // those with two reporters, which must not warn yet).
    let phones: Vec<_> = (0..o.phones)
        .map(|i| {
            let (stop, cli, campaigns) = (stop.clone(), cli.clone(), campaigns.clone());
            let phone = phone_db(i);
            let period = Duration::from_secs(o.sync_every);
            let offset = period * (2 * i as u32 + 1) / (2 * o.phones as u32);
            std::thread::spawn(move || {
                let mut syncs: Vec<(Duration, u64)> = Vec::new();
                every(start, offset, period, &stop, |_| {
                    let t = Instant::now();
                    let args = strings(&["--db", &phone, "sync", "--json"]);
                    // One feed followed: `[{"feed":…,"outcome":{…},"error":…}]`.
                    let out = cli_run(&cli, &args).and_then(|out| {
                        serde_json::from_str::<serde_json::Value>(&out).map_err(|e| e.to_string())
                    });
                    let bytes = match out {
                        Ok(v) if v[0]["error"].is_null() => {
                            v[0]["outcome"]["bytes_fetched"].as_u64().unwrap_or(0)
                        }
                        Ok(v) => {
                            eprintln!("phone {i}: sync failed: {}", v[0]["error"]);
                            0
                        }
                        Err(e) => {
                            eprintln!("phone {i}: sync failed: {e}");
                            0
                        }
                    };
                    let synced = Instant::now();
                    syncs.push((synced - t, bytes));
                    let to_check: Vec<(usize, i64, bool)> = campaigns
                        .lock()
                        .unwrap()
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| {
                            c.warned[i].is_none()
                                && (c.crossed().is_some()
                                    || (c.sent == MIN_REPORTERS - 1
                                        && c.acked.len() == MIN_REPORTERS - 1))
                        })
                        .map(|(n, c)| (n, c.number, c.crossed().is_some()))
                        .collect();
                    for (n, number, crossed) in to_check {
                        let args =
                            strings(&["--db", &phone, "check", &format!("+{number}"), "--json"]);
                        let warns = cli_run(&cli, &args)
                            .ok()
                            .and_then(|out| serde_json::from_str::<serde_json::Value>(&out).ok())
                            .is_some_and(|v| v["action"] != "allow");
                        let mut all = campaigns.lock().unwrap();
                        if warns && crossed {
                            all[n].warned[i] = Some(synced);
                        } else if warns && all[n].sent == MIN_REPORTERS - 1 {
                            all[n].early += 1;
                        }
                    }
                });
                syncs
            })
        })
        .collect();

    // Until the run's length has passed and every campaign has reached
    // every phone or been given up.
    let mut minute = 0;
    loop {
        std::thread::sleep(Duration::from_secs(1));
        let now = Instant::now();
        let all = campaigns.lock().unwrap();
        let done = all.iter().all(|c| {
            c.crossed().is_some_and(|x| {
                c.warned.iter().all(Option::is_some) || now.duration_since(x) > GIVE_UP
            })
        });
        let reached = all
            .iter()
            .filter(|c| c.warned.iter().all(Option::is_some))
            .count();
        drop(all);
        let elapsed = start.elapsed();
        if elapsed.as_secs() / 60 > minute {
            minute = elapsed.as_secs() / 60;
            eprintln!(
                "minute {minute}: {reached} of {} campaigns on every phone",
                o.campaigns
            );
        }
        if (elapsed.as_secs() >= o.minutes * 60 && done)
            || elapsed > Duration::from_secs(o.minutes * 60) + GIVE_UP
        {
            break;
        }
    }
    stop.store(true, Ordering::Relaxed);
    dispatcher.join().unwrap();
    let mut latencies = Vec::new();
    let mut statuses = Vec::new();
    for t in senders {
        let (l, st) = t.join().unwrap();
        latencies.extend(l);
        statuses.extend(st);
    }
    let publishes = publisher.join().unwrap();
    let syncs: Vec<(Duration, u64)> = phones.into_iter().flat_map(|t| t.join().unwrap()).collect();
    let _ = server.kill();
    let _ = server.wait();
    let run_time = start.elapsed();

    let how = if long_running {
        "one `publish --every` process"
    } else {
        "a `publish` process per interval"
    };
    report(
        &o,
        how,
        &campaigns.lock().unwrap(),
        &publishes,
        &syncs,
        &latencies,
        &statuses,
        run_time,
    );
}

/// `publish --every` as one process until `stop`; each tick's (start,
/// end, ok). A tick starts `period` after the one before (the CLI keeps its
/// schedule from each tick's start); its end is when the status file
/// names it, looked at every 50 ms.
fn publish_every(
    cli: &Path,
    publish: &[String],
    period: Duration,
    status: &Path,
    start: Instant,
    stop: &AtomicBool,
) -> Vec<(Instant, Instant, bool)> {
    let args: Vec<String> = publish.iter().filter(|a| *a != "--json").cloned().collect();
    let mut child = Command::new(cli)
        .args(&args)
        .args(["--every", &format!("{}s", period.as_secs())])
        .arg("--status-file")
        .arg(status)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let spawned = Instant::now().max(start);
    let mut runs = Vec::new();
    let mut seen = 0;
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(50));
        let Some(v) = std::fs::read_to_string(status)
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        else {
            continue;
        };
        let tick = v["tick"].as_u64().unwrap_or(0);
        if tick > seen {
            seen = tick;
            let ok = v["ok"].as_bool().unwrap_or(false);
            if !ok {
                eprintln!("publish tick {tick} failed: {}", v["error"]);
            }
            runs.push((spawned + period * (tick as u32 - 1), Instant::now(), ok));
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    runs
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

#[allow(clippy::too_many_arguments)]
fn report(
    o: &Options,
    how: &str,
    campaigns: &[Campaign],
    publishes: &[(Instant, Instant, bool)],
    syncs: &[(Duration, u64)],
    latencies: &[(Instant, Duration)],
    statuses: &[u16],
    run_time: Duration,
) {
    let mut times = Vec::new();
    let mut to_publish = Vec::new();
    let mut never = 0;
    for c in campaigns {
        let Some(x) = c.crossed() else {
            never += o.phones;
            continue;
        };
        // The end of the first publish that started after the crossing.
        if let Some(p) = publishes.iter().find(|p| p.0 >= x && p.2) {
            to_publish.push(secs(p.1 - x));
        }
        for w in &c.warned {
            match w {
                Some(w) => times.push(secs(w.saturating_duration_since(x))),
                None => never += 1,
            }
        }
    }
    let times = sorted(times);
    let to_publish = sorted(to_publish);
    let early: usize = campaigns.iter().map(|c| c.early).sum();
    let target = (o.publish_every + o.sync_every + 10) as f64;
    let interval_sum = (o.publish_every + o.sync_every) as f64;
    let daily = sorted(daily_model(campaigns.len() * o.phones));

    println!("## Time to phone: the live loop (release CLI, loopback, nginx)\n");
    println!(
        "{:.1} min run; background {:.2} reports/s; {} campaigns × {} phones; publish every {} s ({}); each phone syncs every {} s (phases spread over the minute)\n",
        secs(run_time) / 60.0,
        o.rate,
        campaigns.len(),
        o.phones,
        o.publish_every,
        how,
        o.sync_every
    );
    println!("| third reporter's 202 → `check` warns on the phone | p50 | p95 | max | n |");
    println!("|---|---|---|---|---|");
    println!(
        "| measured | {:.1} s | {:.1} s | {:.1} s | {} (never: {never}) |",
        pct(&times, 0.5),
        pct(&times, 0.95),
        pct(&times, 1.0),
        times.len()
    );
    println!(
        "| of which: to the end of the next publish | {:.1} s | {:.1} s | {:.1} s | {} |",
        pct(&to_publish, 0.5),
        pct(&to_publish, 0.95),
        pct(&to_publish, 1.0),
        to_publish.len()
    );
    println!(
        "| baseline: the two intervals' sum | {interval_sum:.0} s | {interval_sum:.0} s | {interval_sum:.0} s | |"
    );
    println!(
        "| baseline: daily publish (02:30) and daily sync, modelled | {:.1} h | {:.1} h | {:.1} h | {} |",
        pct(&daily, 0.5) / 3600.0,
        pct(&daily, 0.95) / 3600.0,
        pct(&daily, 1.0) / 3600.0,
        daily.len()
    );
    let p95 = pct(&times, 0.95);
    println!(
        "\ntarget p95 ≤ {target:.0} s (publish + sync interval + 10 s): {}; p95 / interval sum: {:.2}; daily model p50 / measured p50: {:.0}×",
        if never == 0 && p95 <= target {
            "met"
        } else {
            "NOT met"
        },
        p95 / interval_sum,
        pct(&daily, 0.5) / pct(&times, 0.5)
    );
    println!("campaigns that warned on a phone before their third reporter: {early} (must be 0)");

    let ok = statuses.iter().filter(|&&s| s == 202).count();
    println!(
        "\nbackground: {} POSTs, {ok} answered 202, {} otherwise",
        statuses.len(),
        statuses.len() - ok
    );
    // A POST due while a publish runs may wait for its write lock.
    let during = |due: &Instant| publishes.iter().any(|p| *due >= p.0 && *due <= p.1);
    println!("\n| background POST, time to 202 from when due | p50 | p99 | max | n |");
    println!("|---|---|---|---|---|");
    for (what, keep) in [
        ("all", None),
        ("due while a publish ran", Some(true)),
        ("due between publishes", Some(false)),
    ] {
        let lat = sorted(
            latencies
                .iter()
                .filter(|(due, _)| keep.is_none_or(|k| during(due) == k))
                .map(|(_, d)| secs(*d) * 1000.0)
                .collect(),
        );
        println!(
            "| {what} | {:.2} ms | {:.2} ms | {:.1} ms | {} |",
            pct(&lat, 0.5),
            pct(&lat, 0.99),
            pct(&lat, 1.0),
            lat.len()
        );
    }
    println!();
    let pub_walls = sorted(publishes.iter().map(|p| secs(p.1 - p.0)).collect());
    let failed = publishes.iter().filter(|p| !p.2).count();
    println!(
        "publishes: {} ({failed} failed), wall p50 {:.2} s, max {:.2} s",
        publishes.len(),
        pct(&pub_walls, 0.5),
        pct(&pub_walls, 1.0)
    );
    let sync_walls = sorted(syncs.iter().map(|s| secs(s.0)).collect());
    let bytes = sorted(syncs.iter().map(|s| s.1 as f64).collect());
    println!(
        "phone syncs: {}, wall p50 {:.3} s, max {:.3} s; bytes fetched (as `sync --json` counts them, the manifest not included) p50 {:.0}, max {:.0}",
        syncs.len(),
        pct(&sync_walls, 0.5),
        pct(&sync_walls, 1.0),
        pct(&bytes, 0.5),
        pct(&bytes, 1.0)
    );
    assert_eq!(early, 0, "a phone warned before the threshold");
}

/// The daily cadence (the old guide's timer publishes at 02:30 Vietnam
/// time; a phone syncs once a day, at its own moment): for each of `n`
/// (campaign, phone) pairs, a crossing at a random moment of the day, then
/// the wait for the next publish and for that phone's next sync after it.
/// In seconds.
fn daily_model(n: usize) -> Vec<f64> {
    const DAY: f64 = 86_400.0;
    const PUBLISH_AT: f64 = 2.5 * 3600.0;
    let mut rng = Rng(24);
    (0..n)
        .map(|_| {
            let crossed = rng.unit() * DAY;
            let published = PUBLISH_AT + if crossed < PUBLISH_AT { 0.0 } else { DAY };
            let sync_at = rng.unit() * DAY;
            let synced = sync_at + ((published - sync_at) / DAY).ceil() * DAY;
            synced - crossed
        })
        .collect()
}
