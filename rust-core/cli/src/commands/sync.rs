//! `sync`: fetch the signed feed and apply it, with a progress bar.

use super::{Db, key_text};
use crate::args::SyncArgs;
use crate::output::bytes_bar;
use anyhow::{Context, Result};
use canhgiac_core::{NewFeed, SyncLimits, SyncPath, SyncProgress, SyncStage, format_time};

/// Draws sync progress on stderr (hidden when stderr is not a terminal).
struct Bar(indicatif::ProgressBar);

impl SyncProgress for Bar {
    fn on_progress(&self, stage: SyncStage, done: u64, total: u64) {
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

pub fn run(db: &Db, args: SyncArgs) -> Result<()> {
    let guard = db.open()?;
    let feed = if args.url.is_some() || !args.keys.is_empty() || args.verify_orgs {
        let status = guard.feed_status()?;
        let url = args
            .url
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
        Some(NewFeed {
            url,
            keys,
            allow_http: args.allow_http,
            verify_orgs: args.verify_orgs,
        })
    } else {
        None
    };
    let limits = SyncLimits {
        max_download: args.max_download,
        timeout_secs: args.timeout,
    };
    let bar = Bar(bytes_bar(0));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let outcome = rt.block_on(guard.sync_with(feed, limits, Some(&bar)));
    bar.0.finish_and_clear();
    let outcome = outcome.map_err(canhgiac_core::CanhGiacError::from)?;
    if args.json {
        println!("{}", serde_json::to_string(&outcome)?);
        return Ok(());
    }
    let how = match outcome.path {
        SyncPath::UpToDate => "already up to date".to_string(),
        SyncPath::Delta => format!("updated by delta to version {}", outcome.to_version),
        SyncPath::Snapshot => format!("downloaded version {}", outcome.to_version),
    };
    let status = guard.feed_status()?;
    let published = status
        .published_at
        .map(|t| format!(", published {}", format_time(t)))
        .unwrap_or_default();
    println!(
        "{how}: {} entries, {} bytes fetched{published}",
        outcome.entries, outcome.bytes_fetched
    );
    if let Some(t) = status.expires_at {
        println!("the list is good until {}", format_time(t));
    }
    if status.ignored_verified > 0 {
        println!(
            "{} verified organisation numbers are ignored: this feed is not allowed to verify (sync it with --verify-orgs to allow)",
            status.ignored_verified
        );
    }
    Ok(())
}
