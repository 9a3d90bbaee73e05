//! `publish --every INTERVAL`: publishing as its own long-running process,
//! never inside the listening inbox (which holds no feed key).
//!
//! Each tick is one whole publish (decide, guard, feed, commit), as the
//! one-shot `publish` is. A tick that is refused or fails is never silent:
//! its ERROR line is logged, the status file says so (with how many ticks
//! in a row failed), and the next tick tries again; the last feed stays
//! served meanwhile. An unchanged list writes no new version; its manifest
//! is signed again before it comes within a day of expiring.

use super::Db;
use super::inbox::publish_once;
use crate::args::PublishArgs;
use anyhow::{Context, Result};
use canhgiac_core::now_unix;
use serde_json::json;
use std::process::ExitCode;
use std::time::{Duration, Instant};

pub fn run(db: &Db, args: &PublishArgs, every: Duration) -> Result<ExitCode> {
    let mut failed_in_a_row = 0u64;
    let mut any_failed = false;
    let mut last_ok_at: Option<i64> = None;
    let mut tick = 0u64;
    let mut last = None;
    loop {
        let started = Instant::now();
        let cpu_before = cpu_secs();
        tick += 1;
        let outcome = publish_once(db, args, &mut last);
        // What the tick cost this process (the decide, the feed, the
        // commit): the figure an operator watches against the interval.
        let cpu = cpu_before
            .zip(cpu_secs())
            .map(|(a, b)| ((b - a) * 1000.0).round() / 1000.0);
        let status = match &outcome {
            Ok(built) => {
                failed_in_a_row = 0;
                last_ok_at = Some(now_unix());
                json!({
                    "tick": tick,
                    "at": now_unix(),
                    "ok": true,
                    "version": built.version,
                    "unchanged": built.unchanged,
                    "resigned": built.resigned,
                    "failed_ticks_in_a_row": 0,
                    "last_ok_at": last_ok_at,
                    "cpu_secs": cpu,
                })
            }
            Err(e) => {
                failed_in_a_row += 1;
                any_failed = true;
                errln!("tick {tick}: {e:#}");
                json!({
                    "tick": tick,
                    "at": now_unix(),
                    "ok": false,
                    "error": format!("{e:#}"),
                    "failed_ticks_in_a_row": failed_in_a_row,
                    "last_ok_at": last_ok_at,
                    "cpu_secs": cpu,
                })
            }
        };
        if let Some(path) = &args.status_file {
            write_status(path, &status)
                .with_context(|| format!("writing the status file {}", path.display()))?;
        }
        if args.ticks.is_some_and(|n| tick >= n) {
            break;
        }
        // From the start of the tick: a slow publish does not drift the
        // schedule, and one longer than the interval starts the next at once.
        std::thread::sleep(every.saturating_sub(started.elapsed()));
    }
    Ok(if any_failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Rewritten by rename: a monitor never reads half a status.
fn write_status(path: &std::path::Path, status: &serde_json::Value) -> Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, format!("{status}\n"))?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

/// The CPU time this process has used (user and system, every thread),
/// from `/proc/self/stat` (fields 14 and 15, in the kernel's USER_HZ,
/// which Linux fixes at 100 for user space); `None` where there is no
/// such file.
fn cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name, field 2, may hold spaces: count after its ')'.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i)?.parse::<u64>().ok();
    // Field 3 (the state) is the first after ')': field k is at k - 3.
    Some((ticks(14 - 3)? + ticks(15 - 3)?) as f64 / 100.0)
}
