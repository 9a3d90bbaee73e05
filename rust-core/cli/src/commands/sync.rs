//! `sync`: fetch the followed feeds and apply each, with a progress bar.

use super::{Db, key_text};
use crate::args::SyncArgs;
use crate::output::bytes_bar;
use anyhow::{Context, Result};
use canhgiac_core::{
    CallGuard, NewFeed, SyncLimits, SyncOutcome, SyncProgress, SyncStage, format_time,
};
use std::io::Read;
use std::process::ExitCode;

/// Draws sync progress on stderr (hidden when stderr is not a terminal).
struct Bar(indicatif::ProgressBar);

impl SyncProgress for Bar {
    fn on_progress(&self, feed: String, stage: SyncStage, done: u64, total: u64) {
        match stage {
            SyncStage::Manifest => self.0.set_message(format!("{feed}: checking the feed")),
            SyncStage::Download => {
                self.0.set_length(total);
                self.0.set_position(done);
                self.0.set_message(format!("{feed}: downloading"));
            }
            SyncStage::Apply => self.0.set_message(format!("{feed}: applying")),
        }
    }
}

/// What `sync` was asked to do.
enum What {
    /// The feed named `default`, perhaps from a new address or keys.
    Default(Option<NewFeed>),
    /// One followed feed, by name.
    Named(String),
    /// Every followed feed.
    All,
}

fn what(guard: &CallGuard, args: &SyncArgs) -> Result<What> {
    let url = args.target.as_deref().filter(|t| t.contains("://"));
    if url.is_none() && args.keys.is_empty() && !args.verify_orgs {
        return Ok(match &args.target {
            Some(name) => What::Named(name.clone()),
            None => What::All,
        });
    }
    if let (None, Some(name)) = (url, &args.target) {
        anyhow::bail!(
            "{name} is not an address: to change a named feed, use `canhgiac feeds add {name} URL --key KEY`"
        );
    }
    let status = guard.feed_status()?;
    let url = url
        .map(str::to_string)
        .or(status.url)
        .context("give the feed address the first time")?;
    let keys = if args.keys.is_empty() {
        status.public_keys
    } else {
        args.keys
            .iter()
            .map(|k| key_text(k))
            .collect::<Result<_>>()?
    };
    Ok(What::Default(Some(NewFeed {
        url,
        keys,
        allow_http: args.allow_http,
        verify_orgs: args.verify_orgs,
    })))
}

/// Trusts the roots of the `--extra-root-cert` file, if given. Read
/// within a bound the core checks again: a few certificates, not a disk.
fn extra_roots(guard: &CallGuard, file: Option<&std::path::Path>) -> Result<()> {
    let Some(file) = file else {
        return Ok(());
    };
    let mut pem = Vec::new();
    std::fs::File::open(file)
        .and_then(|f| f.take((1 << 20) + 1).read_to_end(&mut pem))
        .with_context(|| format!("reading {}", file.display()))?;
    let n = guard
        .trust_extra_roots(&pem)
        .map_err(canhgiac_core::CanhGiacError::from)
        .with_context(|| file.display().to_string())?;
    tracing::info!(roots = n, file = %file.display(), "extra root certificates trusted for this run");
    Ok(())
}

pub fn run(db: &Db, args: SyncArgs) -> Result<ExitCode> {
    let guard = db.open()?;
    extra_roots(&guard, args.extra_root_cert.as_deref())?;
    let limits = SyncLimits {
        max_download: args.max_download,
        timeout_secs: args.timeout,
        max_bytes_now: args.max_bytes,
    };
    let bar = Bar(bytes_bar(0));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let one = |name: &str, outcome| -> Result<()> {
        if args.json {
            outln!("{}", serde_json::to_string(&outcome)?);
        } else {
            print_outcome(&guard, name, &outcome, false, args.max_bytes)?;
        }
        Ok(())
    };
    match what(&guard, &args)? {
        What::Default(feed) => {
            let outcome = rt.block_on(guard.sync_with(feed, limits, Some(&bar)));
            bar.0.finish_and_clear();
            one(
                canhgiac_core::DEFAULT_FEED,
                outcome.map_err(canhgiac_core::CanhGiacError::from)?,
            )?;
        }
        What::Named(name) => {
            let outcome = rt.block_on(guard.sync_feed(&name, limits, Some(&bar)));
            bar.0.finish_and_clear();
            one(&name, outcome.map_err(canhgiac_core::CanhGiacError::from)?)?;
        }
        What::All => {
            let all = rt.block_on(guard.sync_all(limits, Some(&bar)));
            bar.0.finish_and_clear();
            let all = all.map_err(canhgiac_core::CanhGiacError::from)?;
            if all.is_empty() {
                anyhow::bail!(
                    "no feed is followed: canhgiac feeds add NAME URL --key KEY (or sync URL --key KEY)"
                );
            }
            if args.json {
                outln!("{}", serde_json::to_string(&all)?);
            }
            let mut failed = 0;
            for f in &all {
                match (&f.outcome, &f.error) {
                    (Some(outcome), _) if !args.json => {
                        print_outcome(&guard, &f.feed, outcome, all.len() > 1, args.max_bytes)?
                    }
                    (None, Some(e)) => {
                        failed += 1;
                        errln!("error: {}: {e}; its list is as it was", f.feed);
                    }
                    _ => {}
                }
            }
            if failed > 0 {
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// "downloaded version 3: 1,204 entries, …", named when several feeds
/// synced; `allowance` is this sync's `--max-bytes`, named when an update
/// waits for it.
fn print_outcome(
    guard: &CallGuard,
    name: &str,
    outcome: &SyncOutcome,
    named: bool,
    allowance: Option<u64>,
) -> Result<()> {
    let how = outcome.describe(allowance);
    let status = guard
        .feed_status_named(name)?
        .context("the feed was removed during the sync")?;
    let published = status
        .published_at
        .map(|t| format!(", published {}", format_time(t)))
        .unwrap_or_default();
    let who = if named {
        format!("{name}: ")
    } else {
        String::new()
    };
    outln!(
        "{who}{how}: {} entries, {} bytes fetched{published}",
        outcome.entries,
        outcome.bytes_fetched
    );
    if let Some(t) = status.expires_at {
        outln!("{who}the list is good until {}", format_time(t));
    }
    if status.ignored_verified > 0 {
        outln!(
            "{who}{} verified organisation numbers are ignored: this feed is not allowed to verify (add it with --verify-orgs to allow)",
            status.ignored_verified
        );
    }
    Ok(())
}
