//! The command line, as clap reads it: one struct of global options and
//! one variant per command. The core's own enums are the value types.

use canhgiac_core::publisher::InboxFormat;
use canhgiac_core::{Lang, ReportKind, ReportTarget, UserList, Verification};
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "canhgiac",
    version,
    about = "Cảnh Giác: warn about scam calls, report them to 156"
)]
pub struct Cli {
    /// The database file: the phone's [default: canhgiac/canhgiac.db in your
    /// data folder], or the publisher's for `reports` and `publish` (no default)
    #[arg(long, global = true, value_name = "PATH", env = "CANHGIAC_DB")]
    pub db: Option<PathBuf>,
    /// The publisher's reporter key file (made by `reports init`; keep it
    /// apart from the database and its backups). Needed by `reports ingest`
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        env = "CANHGIAC_REPORTER_KEY_FILE"
    )]
    pub reporter_key: Option<PathBuf>,
    /// Language of the texts shown
    #[arg(long, global = true, value_enum, default_value = "vi")]
    pub lang: Lang,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
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
    /// Show what the phone does at each level, or change it (`policy --scam block`)
    Policy {
        #[arg(long, value_parser = action)]
        unknown: Option<canhgiac_core::Action>,
        #[arg(long, value_parser = action)]
        suspicious: Option<canhgiac_core::Action>,
        #[arg(long, value_parser = action)]
        nuisance: Option<canhgiac_core::Action>,
        #[arg(long, value_parser = action)]
        scam: Option<canhgiac_core::Action>,
        #[arg(long, value_parser = action)]
        blocked: Option<canhgiac_core::Action>,
        #[arg(long)]
        json: bool,
    },
    /// Show your allow or block list
    List {
        #[arg(value_enum)]
        list: UserList,
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
        verification: Verification,
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
        kind: ReportKind,
        #[arg(long, value_enum, default_value = "156")]
        to: ReportTarget,
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
    /// Fetch the followed feeds' signed lists and apply each (or one: `sync NAME`; or
    /// `sync URL --key KEY`, the feed named `default`, remembered once it worked)
    Sync(SyncArgs),
    /// The feeds this phone follows: add, list, remove
    #[command(subcommand)]
    Feeds(FeedsCommand),
    /// Write your lists, policy, feed settings and imports to a backup file
    Export {
        file: PathBuf,
        /// Include the history of screened calls
        #[arg(long)]
        history: bool,
    },
    /// Bring back a backup file: entries are added, settings replaced, nothing removed
    Restore {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Check both database files; a damaged list is moved aside and rebuilt at the next sync
    Health {
        #[arg(long)]
        json: bool,
    },
    /// Publish a signed feed: keys, build, verify
    #[command(subcommand)]
    Feed(FeedCommand),
    /// The hotline inbox (publishers): parse, ingest, sources, disputes, audit log
    #[command(subcommand)]
    Reports(ReportsCommand),
    /// Decide the list from the publisher database (--db) and publish it as the next feed version
    Publish(PublishArgs),
    /// The operator's desk: web pages (loopback; nginx in front for TLS) for the review queue,
    /// disputes, each number and each publish; `desk add-operator NAME` adds who signs in
    Desk(DeskArgs),
}

#[derive(Subcommand)]
pub enum ReportsCommand {
    /// Make the publisher database (--db) and its reporter key (--reporter-key), once
    Init {
        /// Instead: move the reporter key out of a database made before
        /// schema 4 into the new file --reporter-key, once
        #[arg(long)]
        move_key_out: bool,
    },
    /// Read SMS bodies as the hotline receives them (LD/V/S …); exit 1 if any is not a report
    Parse {
        #[arg(required = true, value_name = "BODY")]
        bodies: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Add an inbox export to the publisher database: RFC 4180 CSV
    /// (received_at,sender,to,body[,message_id]) or JSON Lines
    Ingest {
        file: PathBuf,
        /// How the export is written; by default what its name says
        /// (.jsonl or .ndjson: jsonl), else csv
        #[arg(long, value_enum)]
        format: Option<InboxFormat>,
        /// A CSV (header `number`) of numbers that count as reporters though
        /// they are not Vietnamese mobile numbers (a partner's gateway line)
        #[arg(long, value_name = "FILE")]
        senders_allowed: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Listen for the hotline gateways' POSTs (/v1/messages, JSON) and add each message to
    /// the publisher database (--db, --reporter-key) as `ingest` would; never publishes
    Serve(ServeArgs),
    /// Add a curated source (CSV: number,category,date,label,source_url)
    AddSource {
        file: PathBuf,
        /// The source's name, shown to people ("Công an TP Hà Nội")
        #[arg(long)]
        name: String,
        /// An authority: its numbers are listed without the reporter threshold
        #[arg(long)]
        official: bool,
        #[arg(long)]
        json: bool,
    },
    /// Dispute a number: off the list until enough new people report it, or, reported by
    /// dispute_override_reporters people or more, listed while the dispute waits for an operator
    Dispute {
        number: String,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        operator: Operator,
    },
    /// The disputes, oldest first, each with its state (open, waiting, upheld, rejected, withdrawn)
    Disputes {
        #[arg(long)]
        json: bool,
    },
    /// Withdraw dispute ID (as `reports disputes` numbers it)
    WithdrawDispute {
        id: i64,
        #[arg(long, default_value = "withdrawn by whoever filed it")]
        reason: String,
        #[command(flatten)]
        operator: Operator,
    },
    /// Uphold dispute ID: the number leaves the list until enough new people report it
    UpholdDispute {
        id: i64,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        operator: Operator,
    },
    /// Reject dispute ID: the number is decided as if it had not been disputed
    RejectDispute {
        id: i64,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        operator: Operator,
    },
    /// The review queue: numbers the last publish held (fixed lines, 1800/1900, protected or
    /// verified numbers with enough reports), with why, their age in days and their evidence
    Held {
        #[arg(long)]
        json: bool,
    },
    /// Approve a number: listed on its evidence as scam or nuisance (even reported in a burst)
    Approve {
        number: String,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        operator: Operator,
    },
    /// Reject a number: off the list until enough new people report it
    Reject {
        number: String,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        operator: Operator,
    },
    /// The audit log (JSON lines): each publish's decisions that changed, then
    /// its summary line; of one publish run, of one number, or all
    Audit {
        #[arg(long, conflicts_with = "number")]
        run: Option<i64>,
        /// Every decision about this number, oldest first: the last is in force
        #[arg(long)]
        number: Option<String>,
    },
}

/// Who decides: recorded with the decision and in the audit log.
#[derive(clap::Args)]
pub struct Operator {
    /// The operator's name
    #[arg(long = "operator", env = "CANHGIAC_OPERATOR", value_name = "NAME")]
    pub name: String,
}

#[derive(clap::Args)]
pub struct PublishArgs {
    /// The secret key file
    #[arg(long, value_name = "SECRET")]
    pub key: PathBuf,
    /// The feed folder
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The listing policy (TOML: min_reporters, window_days, expire_days,
    /// max_numbers_per_sender_day, max_numbers_per_sender_window, confirm_hours,
    /// dispute_override_reporters, protected; the guard's max_drop_percent,
    /// max_gain_percent, max_changed_percent, guard_min_entries)
    #[arg(long, value_name = "FILE.toml")]
    pub policy: Option<PathBuf>,
    /// Decide the list as of this day [default: today, Vietnam time]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,
    #[command(flatten)]
    pub feed: FeedOptions,
    /// Approve a change the guard refuses: N entries expected to leave, join
    /// or change category or label
    #[arg(long, value_name = "N")]
    pub accept_change: Option<u64>,
    /// Sign with a feed key other than the last publish's (phones pin the key)
    #[arg(long)]
    pub new_key: bool,
    /// Decide every number again, not only those whose evidence changed
    /// since the last publish (a check of the stored decisions, or a
    /// baseline for the incremental decide's cost)
    #[arg(long)]
    pub full_decide: bool,
    /// Publish again every INTERVAL (30s, 5m, 1h) as a long-running process;
    /// a refused or failed tick is logged and tried again at the next one.
    /// Implies --skip-unchanged
    #[arg(long, value_name = "INTERVAL", value_parser = parse_interval)]
    pub every: Option<std::time::Duration>,
    /// With --every: stop after N ticks (exit status 1 if any failed)
    #[arg(long, value_name = "N", requires = "every")]
    pub ticks: Option<u64>,
    /// With --every: the last tick's outcome as JSON, rewritten every tick
    /// (for monitoring: ok, error, version, failed ticks in a row)
    #[arg(long, value_name = "FILE.json", requires = "every")]
    pub status_file: Option<PathBuf>,
    #[arg(long)]
    pub json: bool,
}

/// How a feed folder is written, for `feed build` and `publish`.
#[derive(clap::Args, Clone)]
pub struct FeedOptions {
    /// Plain deltas kept for phones that read no ladder (the newest N)
    #[arg(long, default_value_t = canhgiac_core::publisher::DEFAULT_KEEP_DELTAS)]
    pub keep_deltas: usize,
    /// Days phones accept the manifest after it is signed (1 to 30)
    #[arg(long, value_name = "DAYS", default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=30))]
    pub valid_days: u32,
    /// When the list is unchanged, write no new version: the manifest is only
    /// signed again, same version, once it would expire within a day
    #[arg(long)]
    pub skip_unchanged: bool,
    /// Tests only: the time (Unix seconds) the feed is published at
    #[arg(long, value_name = "UNIX", hide = true)]
    pub now: Option<i64>,
}

/// `30s`, `5m`, `1h`: a second to a day.
fn parse_interval(text: &str) -> Result<std::time::Duration, String> {
    let t = text.trim();
    let split = t.len().saturating_sub(1);
    let (n, unit) = t.split_at(split);
    let mult = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        _ => {
            return Err(format!(
                "{text:?}: an interval is a number and s, m or h (30s, 5m, 1h)"
            ));
        }
    };
    let secs = n
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
        .filter(|s| (1..=86_400).contains(s))
        .ok_or_else(|| format!("{text:?}: an interval is 1s to 24h (30s, 5m, 1h)"))?;
    Ok(std::time::Duration::from_secs(secs))
}

#[derive(clap::Args)]
pub struct SyncArgs {
    /// A followed feed's name, or a feed folder's address (https://…/ or
    /// …/manifest.json) for the feed named `default`; none: every feed
    pub target: Option<String>,
    /// A pinned public key: a .pub file or 64 hex characters (repeatable)
    #[arg(long = "key", value_name = "PUBLIC")]
    pub keys: Vec<String>,
    /// Accept a plain http:// address (tests, a mirror on your own network)
    #[arg(long)]
    pub allow_http: bool,
    /// Allow this feed to mark numbers as an organisation's own (verified):
    /// a call from one is then safe and named. Given with the address;
    /// without it, a new address is not allowed to verify
    #[arg(long)]
    pub verify_orgs: bool,
    /// The most bytes one sync may download (remembered after a successful sync)
    #[arg(long, value_name = "BYTES")]
    pub max_download: Option<u64>,
    /// Give up on the sync after this many seconds (remembered after a successful sync)
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<u64>,
    /// This sync only, as the app on a metered network: a feed whose update
    /// needs more than this (after its manifest) waits, its list unchanged,
    /// and the sync says so (not an error). Bytes, or with K, M or G (1024s)
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_bytes: Option<u64>,
    /// Also trust the root certificates of this PEM file, for this run
    /// only: a publisher testing a feed behind a private CA. The phone app
    /// has no such setting: it trusts only the roots it was built with
    #[arg(long, value_name = "FILE.pem")]
    pub extra_root_cert: Option<std::path::PathBuf>,
    #[arg(long)]
    pub json: bool,
}

/// Multipliers of a size's suffix, in the units phones show (1024s).
const SIZE_UNITS: [(&str, u64); 4] = [("", 1), ("K", 1 << 10), ("M", 1 << 20), ("G", 1 << 30)];

/// "262144", "256K", "256KB", "3M", "1 G": bytes, within u64.
fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim().to_ascii_uppercase();
    let t = t.strip_suffix('B').unwrap_or(&t);
    let digits = t.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = t[digits.len()..].trim();
    let mult = SIZE_UNITS
        .iter()
        .find(|(u, _)| *u == unit)
        .map(|(_, m)| *m)
        .ok_or_else(|| format!("{text:?} is not a size: give bytes, or a number with K, M or G"))?;
    digits
        .trim()
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
        .ok_or_else(|| format!("{text:?} is not a size: give bytes, or a number with K, M or G"))
}

#[derive(Subcommand)]
pub enum FeedsCommand {
    /// Follow a feed (or change the one of that name): `feeds add NAME URL --key KEY`, or
    /// `feeds add LINK` with a publisher's follow link (canhgiac://follow?…), which never
    /// changes a feed already followed. Nothing is fetched until `sync`
    Add {
        /// The name shown in warnings ("Cộng đồng", "Công an tỉnh X"): 1 to 40 characters;
        /// or a follow link alone
        #[arg(value_name = "NAME|LINK")]
        name: String,
        /// The feed folder's address (https://…/ or …/manifest.json); not with a link
        url: Option<String>,
        /// A pinned public key: a .pub file or 64 hex characters (repeatable); not with a link
        #[arg(long = "key", value_name = "PUBLIC")]
        keys: Vec<String>,
        /// Allow this feed to mark numbers as an organisation's own (verified):
        /// a call from one is then safe and named
        #[arg(long)]
        verify_orgs: bool,
        /// Accept a plain http:// address (tests, a mirror on your own network)
        #[arg(long)]
        allow_http: bool,
    },
    /// The feeds followed, each with its list's version, age and entries
    List {
        #[arg(long)]
        json: bool,
    },
    /// Stop following a feed: its entries leave the list; the others stay
    Remove { name: String },
}

#[derive(Subcommand)]
pub enum FeedCommand {
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
        #[command(flatten)]
        feed: FeedOptions,
        #[arg(long)]
        json: bool,
    },
    /// Print the feed's follow link (canhgiac://follow?…), which `feeds add` and the app
    /// follow in one step; with --qr, also write it as a QR code (SVG)
    FollowLink {
        /// The name phones show for the feed: 1 to 40 characters
        #[arg(long)]
        name: String,
        /// The feed folder's https address, as phones fetch it
        #[arg(long)]
        url: String,
        /// A public key phones pin: a .pub file or 64 hex characters (1 to 4)
        #[arg(long = "key", value_name = "PUBLIC", required = true)]
        keys: Vec<String>,
        /// Write the link's QR code here, as SVG
        #[arg(long, value_name = "FILE.svg")]
        qr: Option<PathBuf>,
    },
    /// Check a feed folder as a phone would
    Verify {
        dir: PathBuf,
        /// A public key: a .pub file or 64 hex characters (repeatable)
        #[arg(long = "key", value_name = "PUBLIC", required = true)]
        keys: Vec<String>,
    },
}

#[derive(clap::Args)]
pub struct ServeArgs {
    /// The address to listen on (loopback: TLS comes from nginx in front); port 0 picks a
    /// free one, printed as `listening on ADDR`
    #[arg(long, default_value = "127.0.0.1:8156", value_name = "ADDR")]
    pub listen: std::net::SocketAddr,
    /// The gateways' bearer tokens: `NAME TOKEN` a line, the file readable by its owner only
    #[arg(long, value_name = "FILE")]
    pub token_file: PathBuf,
    /// As for `ingest`: numbers that count as reporters though not Vietnamese mobiles
    #[arg(long, value_name = "FILE")]
    pub senders_allowed: Option<PathBuf>,
    /// Most messages waiting for a commit; past it a POST is answered 429 with Retry-After
    #[arg(long, default_value_t = 10_000, value_name = "MESSAGES",
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub queue: u32,
}

#[derive(clap::Args)]
pub struct DeskArgs {
    #[command(subcommand)]
    pub command: Option<DeskCommand>,
    /// The address to listen on (loopback: TLS comes from nginx in front); port 0 picks a
    /// free one, printed as `desk listening on http://ADDR`
    #[arg(long, default_value = "127.0.0.1:8157", value_name = "ADDR")]
    pub listen: std::net::SocketAddr,
    /// The feed folder `publish` writes (for the follow page)
    #[arg(long, value_name = "DIR")]
    pub feed_dir: Option<PathBuf>,
    /// The address phones fetch the feed from (for the follow page)
    #[arg(long, value_name = "URL")]
    pub feed_url: Option<String>,
    /// The feed's name as phones show it (for the follow page)
    #[arg(long, value_name = "NAME")]
    pub feed_name: Option<String>,
    /// A public key phones pin, for the follow page: a .pub file or 64 hex characters
    /// (repeatable, 1 to 4) [default: --feed-dir's feed.pub, when it has one]
    #[arg(long = "feed-key-pub", value_name = "PUBLIC")]
    pub feed_keys: Vec<String>,
}

#[derive(Subcommand)]
pub enum DeskCommand {
    /// Add an operator who signs in to the desk; the password (12 to 1024 characters) is
    /// asked twice, or read from stdin's first line when stdin is not a terminal
    AddOperator {
        name: String,
        /// Give an existing operator a new password (their sessions end)
        #[arg(long)]
        reset: bool,
    },
}

/// An action by its name: allow, warn, silence or block.
fn action(s: &str) -> Result<canhgiac_core::Action, String> {
    canhgiac_core::Action::parse(s)
        .ok_or_else(|| format!("{s} is not an action: allow, warn, silence or block"))
}
