//! `feeds add|list|remove`: the feeds this phone follows.

use super::{Db, key_text};
use crate::args::FeedsCommand;
use anyhow::{Result, bail};
use canhgiac_core::{FeedStatus, format_time, parse_follow_link};

pub fn run(db: &Db, cmd: FeedsCommand) -> Result<()> {
    match cmd {
        FeedsCommand::Add {
            name,
            url,
            keys,
            verify_orgs,
            allow_http,
        } => {
            let f = if is_link(&name) {
                if url.is_some() || !keys.is_empty() || allow_http {
                    bail!(
                        "a follow link carries the feed's name, address and keys: give it alone, without URL, --key or --allow-http"
                    );
                }
                follow(db, &name, verify_orgs)?
            } else {
                let Some(url) = url else {
                    bail!(
                        "give the feed's address: canhgiac feeds add NAME URL --key KEY (or a follow link alone)"
                    );
                };
                if keys.is_empty() {
                    bail!(
                        "pin the publisher's public key with --key (a .pub file or 64 hex characters)"
                    );
                }
                let keys = keys.iter().map(|k| key_text(k)).collect::<Result<_>>()?;
                db.open()?
                    .add_feed(name, url, keys, allow_http, verify_orgs)?
            };
            outln!(
                "following {} at {}{}; `canhgiac sync {}` fetches it",
                f.name,
                f.url.as_deref().unwrap_or(""),
                if f.verify_orgs {
                    ", allowed to verify organisation numbers"
                } else {
                    ""
                },
                f.name
            );
        }
        FeedsCommand::List { json } => {
            let feeds = db.open_read_only()?.feeds()?;
            if json {
                let rows: Vec<_> = feeds.iter().map(status_json).collect();
                outln!("{}", serde_json::to_string(&rows)?);
            } else if feeds.is_empty() {
                outln!("no feed is followed: canhgiac feeds add NAME URL --key KEY");
            }
            for f in feeds.iter().filter(|_| !json) {
                outln!("{}", status_line(f));
            }
        }
        FeedsCommand::Remove { name } => {
            if db.open()?.remove_feed(name.clone())? {
                outln!("{name} is no longer followed; its entries left the list");
            } else {
                anyhow::bail!("no feed is named {name}");
            }
        }
    }
    Ok(())
}

/// A follow link rather than a name: no feed's name starts with a scheme.
fn is_link(arg: &str) -> bool {
    arg.trim()
        .get(.."canhgiac:".len())
        .is_some_and(|s| s.eq_ignore_ascii_case("canhgiac:"))
}

/// Follows a publisher's link, read and checked by the core before anything
/// is opened; a feed already followed (same name or address) is refused,
/// its keys as they were. Verifying organisations only with the flag typed.
fn follow(db: &Db, link: &str, verify_orgs: bool) -> Result<FeedStatus> {
    let link = parse_follow_link(link)?;
    let fingerprints = link.fingerprints().join(", ");
    let f = db.open()?.follow_inner(&link, verify_orgs)?;
    errln!("pinned key fingerprints: {fingerprints} (compare them with the publisher's)");
    Ok(f)
}

/// "Cộng đồng  https://…  version 12 (published 2026-11-27 08:00), 37,412 entries".
pub fn status_line(f: &FeedStatus) -> String {
    let held = match (f.version, f.published_at) {
        (Some(v), Some(t)) => format!("version {v}, published {}", format_time(t)),
        (Some(v), None) => format!("version {v}"),
        (None, _) => "not synced yet".into(),
    };
    let mut line = format!(
        "{}  {}  {held}, {} entries",
        f.name,
        f.url.as_deref().unwrap_or("-"),
        f.entries
    );
    if f.expired {
        line.push_str(", EXPIRED: the publisher has not renewed it");
    }
    if f.verify_orgs {
        line.push_str(", verifies organisations");
    } else if f.ignored_verified > 0 {
        line.push_str(&format!(
            ", {} verified numbers ignored (not allowed to verify)",
            f.ignored_verified
        ));
    }
    line
}

fn status_json(f: &FeedStatus) -> serde_json::Value {
    serde_json::json!({
        "name": f.name,
        "url": f.url,
        "public_keys": f.public_keys,
        "version": f.version,
        "synced_at": f.synced_at,
        "published_at": f.published_at,
        "expires_at": f.expires_at,
        "expired": f.expired,
        "verify_orgs": f.verify_orgs,
        "ignored_verified": f.ignored_verified,
        "entries": f.entries,
    })
}
