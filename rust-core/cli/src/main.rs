//! `canhgiac`: the Cảnh Giác core on the desktop. Developers test with it;
//! list publishers import and check lists with it. Human-readable output by
//! default, one JSON object per line with `--json`.

use anyhow::{Context, Result, bail};
use canhgiac_core::classify::{CallFacts, Verdict, Verification};
use canhgiac_core::report::{ReportKind, ReportRequest, ReportTarget};
use canhgiac_core::store::UserList;
use canhgiac_core::text::Lang;
use canhgiac_core::{CallGuard, GuardConfig, PhoneNumber, dates, normalize};
use clap::{Parser, Subcommand, ValueEnum};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "canhgiac",
    version,
    about = "Cảnh Giác: warn about scam calls, report them to 156"
)]
struct Cli {
    /// The database file [default: canhgiac/canhgiac.db in your data folder]
    #[arg(long, global = true, value_name = "PATH", env = "CANHGIAC_DB")]
    db: Option<PathBuf>,
    /// Language of the texts shown
    #[arg(long, global = true, value_enum, default_value = "vi")]
    lang: LangArg,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum LangArg {
    Vi,
    En,
}

#[derive(Clone, Copy, ValueEnum)]
enum VerificationArg {
    NotVerified,
    Passed,
    Failed,
}

#[derive(Clone, Copy, ValueEnum)]
enum KindArg {
    /// LD: a scam call
    Ld,
    /// V: a nuisance call
    V,
    /// S: a spam SMS
    S,
}

#[derive(Clone, Copy, ValueEnum)]
enum ToArg {
    #[value(name = "156")]
    T156,
    #[value(name = "5656")]
    T5656,
}

#[derive(Clone, Copy, ValueEnum)]
enum ListArg {
    Allow,
    Block,
}

#[derive(Subcommand)]
enum Command {
    /// Show how numbers are understood (E.164, national form, kind)
    Normalize {
        #[arg(required = true)]
        raw: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Import a CSV of reported numbers: number,category,reports,last_reported,label
    Import {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Trust a number: it always rings
    Allow { raw: String },
    /// Block a number (emergency numbers cannot be blocked)
    Block { raw: String },
    /// Take a number off your allow list
    Unallow { raw: String },
    /// Take a number off your block list
    Unblock { raw: String },
    /// Show your allow or block list
    List {
        #[arg(value_enum)]
        list: ListArg,
        #[arg(long)]
        json: bool,
    },
    /// Screen a call as the phone would, and record it in history
    Check {
        /// The caller's number (omit with --hidden)
        raw: Option<String>,
        /// The caller is in your contacts
        #[arg(long)]
        contact: bool,
        /// The network's caller verification result
        #[arg(long, value_enum, default_value = "not-verified")]
        verification: VerificationArg,
        /// The caller hid their number
        #[arg(long)]
        hidden: bool,
        #[arg(long)]
        json: bool,
    },
    /// Build the report SMS for the 156 hotline
    Report {
        raw: String,
        #[arg(long, value_enum, default_value = "ld")]
        kind: KindArg,
        #[arg(long, value_enum, default_value = "156")]
        to: ToArg,
        /// What happened, in your words
        #[arg(long, default_value = "")]
        content: String,
        /// Remove Vietnamese diacritics so the SMS fits one part
        #[arg(long)]
        ascii: bool,
        /// Body template with {keyword}, {number}, {content}
        #[arg(long)]
        template: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Screened calls, newest first
    History {
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// How many numbers the lists hold
    Stats {
        #[arg(long)]
        json: bool,
    },
    /// Fetch the signed list feed and apply it (remembers URL and keys)
    Sync {
        /// The feed folder's address (https://…/ or …/manifest.json)
        url: Option<String>,
        /// A pinned public key: a .pub file or 64 hex characters (repeatable)
        #[arg(long = "key", value_name = "PUBLIC")]
        keys: Vec<String>,
        /// The most bytes one sync may download (remembered)
        #[arg(long, value_name = "BYTES")]
        max_download: Option<u64>,
        /// Give up on a request after this many seconds (remembered)
        #[arg(long, value_name = "SECS")]
        timeout: Option<u64>,
        #[arg(long)]
        json: bool,
    },
    /// Publish a signed feed: keys, build, verify
    #[command(subcommand)]
    Feed(FeedCommand),
}

#[derive(Subcommand)]
enum FeedCommand {
    /// Create a signing key pair: DIR/feed.key (secret, owner-only) and DIR/feed.pub
    Keygen {
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Build the next version of the feed in DIR from a CSV (same columns as import)
    Build {
        #[arg(long, value_name = "FILE.csv")]
        input: PathBuf,
        /// The secret key file
        #[arg(long, value_name = "SECRET")]
        key: PathBuf,
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Deltas kept for phones that are behind
        #[arg(long, default_value_t = canhgiac_core::feed::publish::DEFAULT_KEEP_DELTAS)]
        keep_deltas: usize,
        #[arg(long)]
        json: bool,
    },
    /// Check a feed folder as a phone would
    Verify {
        dir: PathBuf,
        /// A public key: a .pub file or 64 hex characters (repeatable)
        #[arg(long = "key", value_name = "PUBLIC", required = true)]
        keys: Vec<String>,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// A progress bar over bytes, on stderr (hidden when stderr is not a terminal).
fn bytes_bar(len: u64) -> indicatif::ProgressBar {
    indicatif::ProgressBar::new(len).with_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {msg} {bytes}/{total_bytes} {wide_bar} {eta}",
        )
        .expect("static template"),
    )
}

fn default_db() -> Result<PathBuf> {
    let dir = dirs::data_dir()
        .context("no data folder is known for this user; pass --db PATH")?
        .join("canhgiac");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir.join("canhgiac.db"))
}

fn open(db: Option<PathBuf>) -> Result<CallGuard> {
    let path = match db {
        Some(p) => p,
        None => default_db()?,
    };
    let guard = CallGuard::open(&path, GuardConfig::default())?;
    if let Some(aside) = guard.recovered_from() {
        eprintln!(
            "warning: the database was damaged; it was moved to {aside} and a new one was started"
        );
    }
    Ok(guard)
}

fn number_json(input: &str, n: &PhoneNumber) -> Value {
    json!({
        "input": input,
        "e164": n.e164,
        "national": n.national,
        "display": n.display,
        "country": n.country,
        "kind": n.kind.as_str(),
        "valid": n.valid,
        "converted_from": n.converted_from,
    })
}

fn run(cli: Cli) -> Result<ExitCode> {
    let lang = match cli.lang {
        LangArg::Vi => Lang::Vi,
        LangArg::En => Lang::En,
    };
    match cli.command {
        Command::Normalize { raw, json } => {
            let mut failed = false;
            for input in &raw {
                match normalize(input) {
                    Ok(n) if json => println!("{}", number_json(input, &n)),
                    Ok(n) => println!(
                        "{input}\t{}\t{}\t{}\t{}{}",
                        n.e164.as_deref().unwrap_or("-"),
                        n.national,
                        n.kind.as_str(),
                        if n.valid { "valid" } else { "invalid" },
                        n.converted_from
                            .map(|o| format!("\t(was {o})"))
                            .unwrap_or_default()
                    ),
                    Err(e) => {
                        failed = true;
                        if json {
                            println!("{}", json!({"input": input, "error": e.to_string()}));
                        } else {
                            eprintln!("{input}\terror: {e}");
                        }
                    }
                }
            }
            return Ok(if failed {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            });
        }
        Command::Import { file, json } => {
            let guard = open(cli.db)?;
            let f = std::fs::File::open(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let size = f.metadata().map(|m| m.len()).unwrap_or(0);
            let bar = bytes_bar(size);
            bar.set_message("importing");
            let summary = guard.import_from(std::io::BufReader::new(bar.wrap_read(f)))?;
            bar.finish_and_clear();
            if json {
                println!("{}", serde_json::to_string(&summary)?);
            } else {
                println!("imported {} rows", summary.imported);
                if !summary.rejected.is_empty() {
                    println!("rejected {} lines:", summary.rejected.len());
                    for r in &summary.rejected {
                        println!("  line {}: {}", r.line, r.reason);
                    }
                }
            }
        }
        Command::Allow { raw } => list_change(cli.db, &raw, "allowed", |g, r| g.allow(r))?,
        Command::Block { raw } => list_change(cli.db, &raw, "blocked", |g, r| g.block(r))?,
        Command::Unallow { raw } => {
            list_change(cli.db, &raw, "no longer allowed", |g, r| g.unallow(r))?
        }
        Command::Unblock { raw } => {
            list_change(cli.db, &raw, "no longer blocked", |g, r| g.unblock(r))?
        }
        Command::List { list, json } => {
            let guard = open(cli.db)?;
            let entries = guard.list(match list {
                ListArg::Allow => UserList::Allow,
                ListArg::Block => UserList::Block,
            })?;
            for e in entries {
                if json {
                    println!("{}", serde_json::to_string(&e)?);
                } else {
                    println!("{}\t{}", e.number, dates::format_time(e.added_at));
                }
            }
        }
        Command::Check {
            raw,
            contact,
            verification,
            hidden,
            json,
        } => {
            if raw.is_none() && !hidden {
                bail!("give the caller's number, or --hidden for a hidden caller");
            }
            let guard = open(cli.db)?;
            let facts = CallFacts {
                in_contacts: contact,
                verification: match verification {
                    VerificationArg::NotVerified => Verification::NotVerified,
                    VerificationArg::Passed => Verification::Passed,
                    VerificationArg::Failed => Verification::Failed,
                },
                hidden,
            };
            let verdict = guard.screen(raw.clone(), facts)?;
            guard.record(&verdict)?;
            if json {
                println!(
                    "{}",
                    verdict_json(raw.as_deref().unwrap_or(""), &verdict, lang)
                );
            } else {
                print_verdict(&verdict, lang);
            }
        }
        Command::Report {
            raw,
            kind,
            to,
            content,
            ascii,
            template,
            json,
        } => {
            let guard = open(cli.db)?;
            let report = guard.build_report(ReportRequest {
                number: raw,
                kind: match kind {
                    KindArg::Ld => ReportKind::ScamCall,
                    KindArg::V => ReportKind::NuisanceCall,
                    KindArg::S => ReportKind::SpamSms,
                },
                target: match to {
                    ToArg::T156 => ReportTarget::Hotline156,
                    ToArg::T5656 => ReportTarget::Hotline5656,
                },
                content,
                fold_diacritics: ascii,
                template,
            })?;
            if json {
                println!("{}", serde_json::to_string(&report)?);
            } else {
                println!("To: {}\n{}", report.to, report.body);
                let enc = match report.encoding {
                    canhgiac_core::report::SmsEncoding::Gsm7 => "GSM-7",
                    canhgiac_core::report::SmsEncoding::Ucs2 => "UCS-2 (Unicode)",
                };
                let parts = if report.segments == 1 {
                    "1 SMS".to_string()
                } else {
                    format!("{} SMS parts", report.segments)
                };
                println!(
                    "({parts}, {enc}{})",
                    if report.truncated {
                        ", content shortened"
                    } else {
                        ""
                    }
                );
            }
        }
        Command::History { limit, json } => {
            let guard = open(cli.db)?;
            for h in guard.history(limit)? {
                if json {
                    println!("{}", serde_json::to_string(&h)?);
                } else {
                    println!(
                        "{}\t{}\t{}\t{}\t{}",
                        dates::format_time(h.at),
                        h.number.as_deref().unwrap_or(match lang {
                            Lang::Vi => "Số ẩn",
                            Lang::En => "Hidden",
                        }),
                        h.level,
                        h.action,
                        h.reasons.join(",")
                    );
                }
            }
        }
        Command::Sync {
            url,
            keys,
            max_download,
            timeout,
            json,
        } => return sync(cli.db, url, keys, max_download, timeout, json),
        Command::Feed(cmd) => feed::run(cmd)?,
        Command::Stats { json } => {
            let guard = open(cli.db)?;
            let s = guard.stats()?;
            if json {
                println!("{}", serde_json::to_string(&s)?);
            } else {
                println!(
                    "reported numbers: {}\nreported prefixes: {}\nallowed: {}\nblocked: {}\nhistory: {}",
                    s.reported_numbers, s.reported_prefixes, s.allowed, s.blocked, s.history
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A key given as a file (`feed.pub`) or inline hex.
fn key_text(arg: &str) -> Result<String> {
    let path = std::path::Path::new(arg);
    if path.is_file() {
        Ok(std::fs::read_to_string(path)
            .with_context(|| format!("reading {arg}"))?
            .trim()
            .to_string())
    } else {
        Ok(arg.trim().to_string())
    }
}

/// Draws sync progress on stderr (hidden when stderr is not a terminal).
struct Bar(indicatif::ProgressBar);

impl canhgiac_core::sync::SyncProgress for Bar {
    fn on_progress(&self, stage: canhgiac_core::sync::SyncStage, done: u64, total: u64) {
        use canhgiac_core::sync::SyncStage;
        match stage {
            SyncStage::Manifest => self.0.set_message("checking the feed"),
            SyncStage::Download => {
                self.0.set_length(total);
                self.0.set_position(done);
                self.0.set_message("downloading");
            }
            SyncStage::Apply => self.0.set_message("applying"),
        }
    }
}

fn sync(
    db: Option<PathBuf>,
    url: Option<String>,
    keys: Vec<String>,
    max_download: Option<u64>,
    timeout: Option<u64>,
    json: bool,
) -> Result<ExitCode> {
    let guard = open(db)?;
    for (key, value) in [
        (canhgiac_core::api::FEED_MAX_DOWNLOAD, max_download),
        (canhgiac_core::api::FEED_TIMEOUT_SECS, timeout),
    ] {
        if let Some(v) = value {
            guard.store().config_set(key, Some(&v.to_string()))?;
        }
    }
    let feed = if url.is_some() || !keys.is_empty() {
        let status = guard.feed_status()?;
        let url = url
            .or(status.url)
            .context("give the feed address the first time")?;
        let keys = if keys.is_empty() {
            status.public_keys
        } else {
            keys.iter().map(|k| key_text(k)).collect::<Result<_>>()?
        };
        Some((url, keys))
    } else {
        None
    };
    let bar = Bar(bytes_bar(0));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let outcome = rt.block_on(guard.sync_now(feed, Some(&bar)));
    bar.0.finish_and_clear();
    let outcome = outcome.map_err(canhgiac_core::CanhGiacError::from)?;
    if json {
        println!("{}", serde_json::to_string(&outcome)?);
    } else {
        use canhgiac_core::sync::SyncPath;
        let how = match outcome.path {
            SyncPath::UpToDate => "already up to date".to_string(),
            SyncPath::Delta => format!("updated by delta to version {}", outcome.to_version),
            SyncPath::Snapshot => format!("downloaded version {}", outcome.to_version),
        };
        let published = guard
            .feed_status()?
            .published_at
            .map(|t| format!(", published {}", dates::format_time(t)))
            .unwrap_or_default();
        println!(
            "{how}: {} entries, {} bytes fetched{published}",
            outcome.entries, outcome.bytes_fetched
        );
    }
    Ok(ExitCode::SUCCESS)
}

mod feed {
    use super::{FeedCommand, key_text};
    use anyhow::{Context, Result, bail};
    use canhgiac_core::feed::{self, codec::EntrySet, publish};
    use canhgiac_core::{dates, import};

    pub fn run(cmd: FeedCommand) -> Result<()> {
        match cmd {
            FeedCommand::Keygen { out } => keygen(&out),
            FeedCommand::Build {
                input,
                key,
                out,
                keep_deltas,
                json,
            } => build(&input, &key, &out, keep_deltas, json),
            FeedCommand::Verify { dir, keys } => {
                let keys = keys
                    .iter()
                    .map(|k| Ok(feed::parse_public_key(&key_text(k)?)?))
                    .collect::<Result<Vec<_>>>()?;
                let m = publish::check(&dir, &keys)?;
                println!(
                    "ok: version {}, {} entries, snapshot {} bytes, {} deltas, signed by {}",
                    m.version,
                    m.snapshot.entries,
                    m.snapshot.file.size,
                    m.deltas.len(),
                    m.key_id
                );
                Ok(())
            }
        }
    }

    fn keygen(out: &std::path::Path) -> Result<()> {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
        let secret = out.join("feed.key");
        if secret.exists() {
            bail!(
                "{} exists; refusing to overwrite a signing key",
                secret.display()
            );
        }
        let key = feed::generate_key();
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&secret)
            .with_context(|| format!("creating {}", secret.display()))?
            .write_all(feed::secret_key_text(&key).as_bytes())?;
        let public = hex::encode(key.verifying_key().as_bytes());
        std::fs::write(out.join("feed.pub"), format!("{public}\n"))?;
        println!("secret key: {} (keep it private)", secret.display());
        println!(
            "public key: {} ({public}, id {})",
            out.join("feed.pub").display(),
            feed::key_id(&key.verifying_key())
        );
        Ok(())
    }

    fn build(
        input: &std::path::Path,
        key: &std::path::Path,
        out: &std::path::Path,
        keep: usize,
        json: bool,
    ) -> Result<()> {
        let key = feed::parse_secret_key(
            &std::fs::read_to_string(key).with_context(|| format!("reading {}", key.display()))?,
        )?;
        let file = std::fs::File::open(input)
            .with_context(|| format!("cannot read {}", input.display()))?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        let bar = super::bytes_bar(size);
        bar.set_message("reading");
        let parsed = import::parse_csv(std::io::BufReader::new(bar.wrap_read(file)))?;
        let mut set = EntrySet::default();
        for (target, rep) in parsed.rows {
            set.insert(target, rep);
        }
        bar.set_message("compressing and signing");
        bar.set_length(0);
        let built = publish::build(out, &set, &key, keep, dates::now_unix())?;
        bar.finish_and_clear();
        for r in &parsed.rejected {
            eprintln!("line {}: {} (skipped)", r.line, r.reason);
        }
        if json {
            println!(
                "{}",
                serde_json::json!({
                    "version": built.version,
                    "entries": built.entries,
                    "snapshot_bytes": built.snapshot_bytes,
                    "delta_bytes": built.delta.as_ref().map(|d| d.file.size),
                    "deltas_kept": built.deltas_kept,
                    "rejected": parsed.rejected.len(),
                })
            );
        } else {
            println!(
                "version {}: {} entries, snapshot {} bytes ({:.2} bytes/entry){}",
                built.version,
                built.entries,
                built.snapshot_bytes,
                built.snapshot_bytes as f64 / built.entries.max(1) as f64,
                built
                    .delta
                    .map(|d| format!(", delta from {} {} bytes", d.from, d.file.size))
                    .unwrap_or_default()
            );
        }
        Ok(())
    }
}

fn list_change(
    db: Option<PathBuf>,
    raw: &str,
    done: &str,
    f: impl FnOnce(&CallGuard, String) -> Result<bool, canhgiac_core::CanhGiacError>,
) -> Result<()> {
    let guard = open(db)?;
    let changed = f(&guard, raw.to_string())?;
    let n = normalize(raw)?;
    println!("{} {}", n.display, if changed { done } else { "unchanged" });
    Ok(())
}

fn verdict_json(input: &str, v: &Verdict, lang: Lang) -> Value {
    json!({
        "number": v.number.as_ref().map(|n| number_json(input, n)),
        "level": v.level.as_str(),
        "action": v.action.as_str(),
        "title": v.title.get(lang),
        "reasons": v.reasons.iter().map(|r| json!({"code": r.code.as_str(), "text": r.text.get(lang)})).collect::<Vec<_>>(),
        "advice": v.advice.as_ref().map(|a| a.get(lang)),
        "report": v.report,
    })
}

fn print_verdict(v: &Verdict, lang: Lang) {
    let who = v.number.as_ref().map_or_else(
        || match lang {
            Lang::Vi => "Số ẩn".to_string(),
            Lang::En => "Hidden number".to_string(),
        },
        |n| n.display.clone(),
    );
    println!(
        "{who}: {} [{} → {}]",
        v.title.get(lang).to_uppercase(),
        v.level,
        v.action
    );
    for r in &v.reasons {
        println!("  • {}", r.text.get(lang));
    }
    if let Some(a) = &v.advice {
        println!("  → {}", a.get(lang));
    }
}
