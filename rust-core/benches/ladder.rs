//! `./build.sh bench` (fourth part): publishing every 5 minutes on a
//! 1,000,000-entry list (issue 20, parts 2-4).
//!
//! Real parts: the publisher's own build (`publisher::build_with`; through
//! the day `build_on` with the last list kept, as `publish --every` does; in
//! this process, on a simulated clock) writes a real folder, nginx serves it on
//! loopback with the feed's headers, the release CLI syncs phones into real
//! SQLite files. History: a publish a day for 30 days, each changing 10,000
//! entries; then one simulated day of 288 publishes, 5 minutes apart, that
//! together change 10,000 entries (new numbers, changed counts, removals).
//!
//! Figures:
//! - the CPU time of each publish of the day (the feed: snapshot, delta,
//!   ladder, manifest), and the bytes it writes;
//! - the manifest's size at steady state;
//! - a phone syncing every hour through the day: every byte it receives and
//!   sends, beside the changed entries' own bytes (the baseline, the same
//!   run: one delta from the day's first version to its last); target
//!   ≤ 300 KB a day on top of the baseline. Three such phones, each through
//!   its own nginx: plain HTTP (nginx's `$bytes_sent` and `$request_length`:
//!   bodies and HTTP headers, the figure before TLS was counted); https;
//!   and https with the manifest gzipped. The https figures are counted on
//!   the wire by a TCP relay between phone and nginx (`common::relay`):
//!   every byte above TCP, TLS handshakes and records included. The chain
//!   is made at bench time by `tests/tls/make-chain.sh`, shaped like Let's
//!   Encrypt's ECDSA chain (a P-384 root and intermediate, a P-256 leaf
//!   with a public leaf's extensions); the phone CLI trusts its test root
//!   with `sync --extra-root-cert`. TLS's fixed cost per sync is an
//!   up-to-date sync (a 304) over https less the same over plain HTTP;
//! - phones 1 hour, 1 day, 7 days and 30 days behind: files and bytes to
//!   the newest version, beside the delta of exactly what changed for them
//!   (target: one file within the hour, at most three within 30 days, at
//!   most 2× the changed entries' bytes).

use canhgiac_core::publisher::{self, Delta, EntrySet, Options, encode_delta};
use canhgiac_core::{Category, Reported};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

mod common;
use common::nginx::{Nginx, nginx_tls};
use common::relay::{Relay, Traffic};
use common::{Rng, random_mobile, release_cli};

const ENTRIES: usize = 1_000_000;
const CHANGES_A_DAY: u64 = 10_000;
const PUBLISHES_A_DAY: u64 = 288;
const DAY: i64 = 86_400;
const TODAY: i32 = 20_784; // 2026-11-27

fn report(rng: &mut Rng) -> Reported {
    Reported {
        category: if rng.below(5) == 0 {
            Category::Nuisance
        } else {
            Category::Scam
        },
        reports: 1 + rng.below(4) as u32,
        last_reported: Some(TODAY - rng.below(60) as i32),
        label: None,
        reporters: None,
        source: None,
    }
}

/// `n` changes: half new numbers, three tenths changed, a fifth removed.
fn change(set: &mut EntrySet, rng: &mut Rng, n: u64) {
    for _ in 0..n {
        let roll = rng.below(10);
        if roll < 5 {
            let k = random_mobile(rng);
            set.numbers.insert(k, report(rng));
            continue;
        }
        let probe = random_mobile(rng);
        let Some(k) = set.numbers.range(probe..).next().map(|(k, _)| *k) else {
            continue;
        };
        if roll < 8 {
            let r = set.numbers.get_mut(&k).unwrap();
            r.reports += 1;
            r.last_reported = Some(TODAY);
        } else {
            set.numbers.remove(&k);
        }
    }
}

/// This process's CPU time (user and system).
fn cpu() -> Duration {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage fills the struct we own.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let secs = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

/// The feed's headers (README, *Serving the feed*), gzip aside.
const FEED_HEADERS: &str = r#"types { application/json json; application/octet-stream bin; }
    location ~ /manifest\.json$ { add_header Cache-Control "no-cache" always; }
    location ~ \.bin$ { add_header Cache-Control "public, max-age=31536000, immutable" always; }
    location ~ /\. { deny all; }"#;

/// The README's gzip lines: the manifest (JSON) compressed, the data files
/// (brotli already) left alone.
const GZIP: &str = "gzip on; gzip_comp_level 6; gzip_types application/json; gzip_vary on;";

/// One way to the feed: its own nginx (logging each request's bytes both
/// ways) behind a relay counting the bytes on the wire.
struct Server {
    _nginx: Nginx,
    relay: Relay,
    url: String,
    log: PathBuf,
    /// What the phone's CLI needs to reach it.
    args: Vec<String>,
}

/// `tls`: the folder `make-chain.sh` wrote.
fn server(root: &Path, work: &Path, tls: Option<&Path>, gzip: bool) -> Server {
    std::fs::create_dir_all(work).unwrap();
    let w = work.display();
    let chain = tls.map(|ca| (ca.join("chain.pem"), ca.join("leaf.key")));
    let (nginx, port) = nginx_tls(
        root,
        work,
        &format!(
            "log_format bytes '$bytes_sent $request_length $status $uri $ssl_protocol $ssl_cipher $ssl_curve'; access_log {w}/access.log bytes;"
        ),
        &format!("{FEED_HEADERS} {}", if gzip { GZIP } else { "" }),
        chain.as_ref().map(|(c, k)| (c.as_path(), k.as_path())),
    );
    let relay = Relay::start(port);
    let (url, args) = match tls {
        // A name, as a phone has, so the handshake carries its SNI.
        Some(ca) => (
            format!("https://localhost:{}/feed/", relay.port),
            vec![
                "--extra-root-cert".to_string(),
                ca.join("root.pem").display().to_string(),
            ],
        ),
        None => (
            format!("http://127.0.0.1:{}/feed/", relay.port),
            vec!["--allow-http".to_string()],
        ),
    };
    Server {
        _nginx: nginx,
        relay,
        url,
        log: work.join("access.log"),
        args,
    }
}

/// A phone: the release CLI with its own database.
struct Phone<'a> {
    db: String,
    cli: &'a Path,
    key: &'a str,
    server: &'a Server,
}

/// What syncs cost.
#[derive(Default, Clone)]
struct Cost {
    /// Every byte above TCP, both ways (the relay's count).
    wire: Traffic,
    /// HTTP's bytes both ways, headers and bodies (nginx's count).
    http: u64,
    files: u64,
    requests: u64,
    /// The manifest's requests and responses (nginx's count).
    manifest_bytes: u64,
    /// TLS's version, cipher and key exchange, as nginx saw them ("- - -":
    /// plain HTTP).
    protocol: String,
}

impl Cost {
    fn add(&mut self, o: &Cost) {
        self.wire.up += o.wire.up;
        self.wire.down += o.wire.down;
        self.wire.connections += o.wire.connections;
        self.http += o.http;
        self.files += o.files;
        self.requests += o.requests;
        self.manifest_bytes += o.manifest_bytes;
        self.protocol = o.protocol.clone();
    }
}

impl Phone<'_> {
    fn sync(&self) -> (serde_json::Value, Cost) {
        let s = self.server;
        let before = std::fs::metadata(&s.log).map_or(0, |m| m.len()) as usize;
        let out = Command::new(self.cli)
            .args([
                "--db", &self.db, "sync", &s.url, "--key", self.key, "--json",
            ])
            .args(&s.args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        // Once the relay saw the connection close, nginx has logged it.
        let wire = s.relay.take();
        let log = std::fs::read(&s.log).unwrap();
        let mut cost = Cost {
            wire,
            files: r["files_fetched"].as_u64().unwrap_or(0),
            ..Cost::default()
        };
        for line in String::from_utf8_lossy(&log[before..]).lines() {
            let f: Vec<&str> = line.split(' ').collect();
            let (sent, received) = (f[0].parse::<u64>().unwrap(), f[1].parse::<u64>().unwrap());
            cost.http += sent + received;
            cost.requests += 1;
            if f[3].ends_with("manifest.json") {
                cost.manifest_bytes += sent + received;
            }
            cost.protocol = f[4..].join(" ");
        }
        (r, cost)
    }
}

/// The DER bytes of the certificates in a PEM file.
fn der_bytes(pem: &Path) -> usize {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    CertificateDer::pem_file_iter(pem)
        .unwrap()
        .map(|c| c.unwrap().len())
        .sum()
}

fn kb(b: u64) -> String {
    format!("{:.1} KB", b as f64 / 1000.0)
}

fn main() {
    let cli = release_cli();
    let tmp = tempfile::tempdir().unwrap();
    let p = |rel: &str| tmp.path().join(rel);
    for d in ["www/feed", "nginx"] {
        std::fs::create_dir_all(p(d)).unwrap();
    }
    let key = publisher::generate_key();
    std::fs::write(
        p("feed.pub"),
        hex::encode(key.verifying_key().as_bytes()) + "\n",
    )
    .unwrap();
    let chain = Command::new("sh")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/tls/make-chain.sh"))
        .arg(p("ca"))
        .status()
        .expect("openssl");
    assert!(chain.success(), "make-chain.sh failed");
    let plain = server(&p("www"), &p("nginx"), None, false);
    let https = server(&p("www"), &p("nginx-tls"), Some(&p("ca")), false);
    let gzipped = server(&p("www"), &p("nginx-tls-gzip"), Some(&p("ca")), true);
    let pubkey = p("feed.pub").to_str().unwrap().to_string();
    let phone_on = |name: &str, server| Phone {
        db: p(name).to_str().unwrap().to_string(),
        cli: &cli,
        key: &pubkey,
        server,
    };
    let phone = |name: &str| phone_on(name, &plain);

    let mut rng = Rng(2020);
    let mut set = EntrySet::default();
    while set.numbers.len() < ENTRIES {
        let k = random_mobile(&mut rng);
        set.numbers.insert(k, report(&mut rng));
    }
    // Real time at the end of the simulated day, so that every manifest is
    // valid for the phones, which check expiry on the real clock.
    let end = canhgiac_core::now_unix();
    let start = end - DAY;
    let opts = |now: i64| Options {
        valid_for: 60 * DAY,
        skip_unchanged: true,
        ..Options::new(12, now)
    };
    let dir = p("www/feed");

    // 30 days of daily publishes; phones 30 and 7 days behind sync on the way.
    let mut behind: Vec<(&str, EntrySet, u64)> = Vec::new();
    eprintln!("ladder bench: 31 daily publishes of a 1,000,000-entry list");
    for d in (0..=30).rev() {
        if d < 30 {
            change(&mut set, &mut rng, CHANGES_A_DAY);
        }
        let now = start - d * DAY;
        let built = publisher::build_with(&dir, &set, &key, &opts(now)).unwrap();
        for (name, days) in [("30 days", 30), ("7 days", 7), ("1 day", 0)] {
            if d == days {
                phone(name).sync();
                behind.push((name, set.clone(), built.version));
            }
        }
    }
    let day_start = set.clone();
    // The same hourly phone three times: plain HTTP, https, https with the
    // manifest gzipped.
    let hourly = [
        phone_on("hourly", &plain),
        phone_on("hourly https", &https),
        phone_on("hourly https gzip", &gzipped),
    ];
    for h in &hourly {
        h.sync();
    }

    // The day: 288 publishes, 5 minutes apart.
    eprintln!("ladder bench: a day of 288 publishes, 5 minutes apart");
    let (mut cpus, mut written, mut ladder_bytes, mut manifests) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut last_manifest = 0;
    let mut day_cost: [Cost; 3] = Default::default();
    let mut syncs = 0;
    // As `publish --every` does: the list this process published last is
    // kept, not decoded again from the folder (`current_since`).
    let mut last = None;
    for i in 1..=PUBLISHES_A_DAY {
        let n = CHANGES_A_DAY * i / PUBLISHES_A_DAY - CHANGES_A_DAY * (i - 1) / PUBLISHES_A_DAY;
        change(&mut set, &mut rng, n);
        let now = start + i as i64 * 300;
        let c = cpu();
        let previous = publisher::current_since(&dir, &key, last.take()).unwrap();
        let built = publisher::build_on(&dir, previous, &set, &key, &opts(now)).unwrap();
        let manifest = std::fs::read(dir.join(publisher::MANIFEST_FILE)).unwrap();
        let manifest = publisher::verify(&manifest, &[key.verifying_key()]).unwrap();
        cpus.push((cpu() - c).as_secs_f64());
        // The loop moves its list into `last`; the bench goes on changing
        // its own, so the copy is not counted.
        last = Some((manifest, set.clone()));
        let ladder: u64 = built.ladder.iter().map(|d| d.file.size).sum();
        ladder_bytes.push(ladder);
        written.push(
            built.snapshot_bytes
                + built.delta.as_ref().map_or(0, |d| d.file.size)
                + ladder
                + built.manifest_bytes,
        );
        manifests.push(built.manifest_bytes);
        last_manifest = built.manifest_bytes;
        if i == PUBLISHES_A_DAY - 12 {
            phone("1 hour").sync();
            behind.push(("1 hour", set.clone(), built.version));
        }
        if i % 12 == 0 {
            for (h, total) in hourly.iter().zip(&mut day_cost) {
                total.add(&h.sync().1);
            }
            syncs += 1;
        }
    }
    let own = |old: &EntrySet| encode_delta(&Delta::between(1, old, 2, &set)).len() as u64;
    let day_own = own(&day_start);

    let med = |v: &mut Vec<f64>| {
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        (v[v.len() / 2], v[v.len() - 1])
    };
    let medu = |v: &mut Vec<u64>| {
        v.sort();
        (v[v.len() / 2], v[v.len() - 1])
    };
    let (cpu_med, cpu_max) = med(&mut cpus);
    let (w_med, w_max) = medu(&mut written);
    let (l_med, l_max) = medu(&mut ladder_bytes);
    let (m_med, m_max) = medu(&mut manifests);
    println!("\n| publishing every 5 minutes, 1,000,000 entries | result | target | |");
    println!("|---|---|---|---|");
    println!(
        "| CPU of a publish (the feed: snapshot, delta, ladder, manifest), median / max of 288 | {cpu_med:.2} s / {cpu_max:.2} s | ≤ 1 s (with the decide) | {} |",
        // The day's checkpoint (quality 11, the 32-day rungs) is the one
        // slow publish of the 288; the median is what a tick costs.
        match (cpu_med <= 1.0, cpu_max <= 1.0) {
            (true, true) => "met for the feed",
            (true, false) => "median met for the feed; the day's checkpoint MISSED",
            _ => "MISSED",
        }
    );
    println!(
        "| bytes written a publish, median / max (snapshot, delta, ladder, manifest) | {} / {} | | |",
        kb(w_med),
        kb(w_max)
    );
    println!(
        "| of which the ladder deltas, median / max | {} / {} | | |",
        kb(l_med),
        kb(l_max)
    );
    println!("| manifest at steady state, median / max | {m_med} / {m_max} bytes | small | |");
    // Once more, nothing new: what a sync costs when there is nothing to
    // fetch, and (https less plain) TLS's own share of every sync.
    let idle: Vec<Cost> = hourly.iter().map(|h| h.sync().1).collect();
    let [plain_day, https_day, gzip_day] = day_cost;
    println!(
        "| baseline: the day's changed entries' own bytes (one delta, start to end) | {} | | |",
        kb(day_own)
    );
    println!(
        "| a phone syncing hourly, one day, plain HTTP ({syncs} syncs, {} requests, {} files): nginx's count / the relay's | {} / {} | | |",
        plain_day.requests,
        plain_day.files,
        kb(plain_day.http),
        kb(plain_day.wire.total()),
    );
    let verdict = |over: u64| if over <= 300_000 { "met" } else { "MISSED" };
    let over = plain_day.http.saturating_sub(day_own);
    println!(
        "| plain HTTP on top of the baseline (manifests {}, HTTP headers, per-file headers and repeats; no TLS) | {} | ≤ 300 KB | {} |",
        kb(plain_day.manifest_bytes),
        kb(over),
        verdict(over)
    );
    let certs = der_bytes(&p("ca/chain.pem"));
    for (what, day) in [
        ("https, manifest not compressed", https_day),
        ("https, manifest gzipped", gzip_day),
    ] {
        let over = day.wire.total().saturating_sub(day_own);
        println!(
            "| {what} ({}, {} connections; manifests {} of HTTP): on the wire (up / down) | {} ({} / {}) | | |",
            day.protocol,
            day.wire.connections,
            kb(day.manifest_bytes),
            kb(day.wire.total()),
            kb(day.wire.up),
            kb(day.wire.down),
        );
        println!(
            "| {what}: on top of the baseline (TLS, HTTP, manifests) | **{}** | ≤ 300 KB | {} |",
            kb(over),
            verdict(over)
        );
    }
    println!(
        "| an up-to-date sync (a 304): plain HTTP / https / https gzip, on the wire | {} / {} / {} bytes | | |",
        idle[0].wire.total(),
        idle[1].wire.total(),
        idle[2].wire.total()
    );
    println!(
        "| TLS's own bytes per sync (the 304 over https less over plain HTTP: handshake with {certs} bytes of certificates, session tickets, record overhead), up / down | {} bytes ({} / {}) | | |",
        idle[1].wire.total().saturating_sub(idle[0].wire.total()),
        idle[1].wire.up.saturating_sub(idle[0].wire.up),
        idle[1].wire.down.saturating_sub(idle[0].wire.down),
    );
    for (name, old, from) in &behind {
        let (r, cost) = phone(name).sync();
        let own = own(old);
        let most = if *name == "1 hour" { 1 } else { 3 };
        // The data files: what the sync fetched less the manifest's body.
        let data = r["bytes_fetched"]
            .as_u64()
            .unwrap()
            .saturating_sub(last_manifest);
        let ratio = data as f64 / own as f64;
        let ok = cost.files <= most && ratio <= 2.0 && r["path"] == "delta";
        println!(
            "| a phone {name} behind (version {from} → {}): files, data bytes, vs. its changed entries' own bytes | {} files, {} vs. {} ({ratio:.2}×) | ≤ {most} files, ≤ 2× | {} |",
            r["to_version"],
            cost.files,
            kb(data),
            kb(own),
            if ok { "met" } else { "MISSED" }
        );
    }
    let fresh = phone("fresh").sync().0;
    println!(
        "| a new phone: the snapshot | {} | | |",
        kb(fresh["bytes_fetched"].as_u64().unwrap())
    );
    std::io::stdout().flush().unwrap();
}
