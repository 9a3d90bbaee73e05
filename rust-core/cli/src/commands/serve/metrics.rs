//! What `GET /metrics` shows, in Prometheus' text format (written by hand:
//! a few counters and two histograms). Counts by gateway name, outcome and
//! reason code, refusals by status, commit sizes and times, the queue's
//! depth: nothing that identifies a reporter or a message.

use canhgiac_core::publisher::Outcome;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Messages per commit.
const BATCH_BOUNDS: [f64; 7] = [1.0, 5.0, 10.0, 50.0, 100.0, 500.0, 1000.0];
/// Seconds a commit takes (the fsync included).
const SECONDS_BOUNDS: [f64; 11] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    /// (gateway, outcome, reason code or "") → messages.
    messages: BTreeMap<(String, &'static str, &'static str), u64>,
    /// HTTP status → requests refused with it.
    refused: BTreeMap<u16, u64>,
    batch: Histogram,
    seconds: Histogram,
    failed_commits: u64,
}

#[derive(Default)]
struct Histogram {
    /// Per bound, observations at most it (not cumulative; summed when shown).
    buckets: Vec<u64>,
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, bounds: &[f64], v: f64) {
        if self.buckets.is_empty() {
            self.buckets = vec![0; bounds.len()];
        }
        if let Some(i) = bounds.iter().position(|&b| v <= b) {
            self.buckets[i] += 1;
        }
        self.count += 1;
        self.sum += v;
    }

    fn write(&self, out: &mut String, name: &str, help: &str, bounds: &[f64]) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
        let mut seen = 0;
        for (i, b) in bounds.iter().enumerate() {
            seen += self.buckets.get(i).copied().unwrap_or(0);
            let _ = writeln!(out, "{name}_bucket{{le=\"{b}\"}} {seen}");
        }
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {}", self.count);
        let _ = writeln!(out, "{name}_sum {}", self.sum);
        let _ = writeln!(out, "{name}_count {}", self.count);
    }
}

impl Metrics {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // Counters stay usable after a panic elsewhere: they are only numbers.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn refused(&self, status: u16) {
        *self.lock().refused.entry(status).or_default() += 1;
    }

    /// One commit: how many messages, how long, and what became of them.
    pub fn committed<'a>(
        &self,
        took: Duration,
        outcomes: impl IntoIterator<Item = (&'a str, &'a Outcome)>,
    ) {
        let mut m = self.lock();
        let mut n = 0;
        for (gateway, outcome) in outcomes {
            let (what, reason) = match outcome {
                Outcome::Accepted => ("accepted", ""),
                Outcome::Duplicate => ("duplicate", ""),
                Outcome::Rejected { code, .. } => ("rejected", *code),
            };
            *m.messages
                .entry((gateway.to_string(), what, reason))
                .or_default() += 1;
            n += 1;
        }
        m.batch.observe(&BATCH_BOUNDS, n as f64);
        m.seconds.observe(&SECONDS_BOUNDS, took.as_secs_f64());
    }

    pub fn commit_failed(&self) {
        self.lock().failed_commits += 1;
    }

    /// The text for `/metrics`; `queued`: messages waiting for a commit now.
    pub fn render(&self, queued: usize) -> String {
        let m = self.lock();
        let mut out = String::new();
        out.push_str("# HELP canhgiac_messages_total Messages POSTed, by gateway, outcome and reason code.\n# TYPE canhgiac_messages_total counter\n");
        for ((gateway, what, reason), n) in &m.messages {
            let _ = writeln!(
                out,
                "canhgiac_messages_total{{gateway=\"{gateway}\",outcome=\"{what}\",reason=\"{reason}\"}} {n}"
            );
        }
        out.push_str("# HELP canhgiac_refused_total Requests refused, by HTTP status (401 token, 413 too large, 429 too busy, ...).\n# TYPE canhgiac_refused_total counter\n");
        for (status, n) in &m.refused {
            let _ = writeln!(out, "canhgiac_refused_total{{status=\"{status}\"}} {n}");
        }
        let _ = writeln!(
            out,
            "# HELP canhgiac_commit_failures_total Commits the database refused (every waiting POST got a 503).\n# TYPE canhgiac_commit_failures_total counter\ncanhgiac_commit_failures_total {}",
            m.failed_commits
        );
        m.batch.write(
            &mut out,
            "canhgiac_commit_messages",
            "Messages per commit.",
            &BATCH_BOUNDS,
        );
        m.seconds.write(
            &mut out,
            "canhgiac_commit_seconds",
            "Time a commit takes, its fsync included.",
            &SECONDS_BOUNDS,
        );
        let _ = writeln!(
            out,
            "# HELP canhgiac_queue_messages Messages waiting for a commit.\n# TYPE canhgiac_queue_messages gauge\ncanhgiac_queue_messages {queued}"
        );
        out
    }
}
