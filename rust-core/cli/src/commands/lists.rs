//! The user's lists: `allow`, `block`, `unallow`, `unblock`, `list`; and
//! `import` and `stats`, which are about the lists' contents.

use super::Db;
use crate::output::bytes_bar;
use anyhow::{Context, Result};
use canhgiac_core::{UserList, format_time, normalize};
use std::path::Path;

pub enum Change {
    Allow,
    Block,
    Unallow,
    Unblock,
}

pub fn change(db: &Db, raw: &str, what: Change) -> Result<()> {
    let guard = db.open()?;
    let raw_owned = raw.to_string();
    let (changed, done) = match what {
        Change::Allow => (guard.allow(raw_owned)?, "allowed"),
        Change::Block => (guard.block(raw_owned)?, "blocked"),
        Change::Unallow => (guard.unallow(raw_owned)?, "no longer allowed"),
        Change::Unblock => (guard.unblock(raw_owned)?, "no longer blocked"),
    };
    let n = normalize(raw)?;
    outln!("{} {}", n.display, if changed { done } else { "unchanged" });
    Ok(())
}

pub fn show(db: &Db, list: UserList, json: bool) -> Result<()> {
    let guard = db.open_read_only()?;
    for e in guard.list(list)? {
        if json {
            outln!("{}", serde_json::to_string(&e)?);
        } else {
            outln!("{}\t{}", e.number, format_time(e.added_at));
        }
    }
    Ok(())
}

pub fn import(db: &Db, file: &Path, json: bool) -> Result<()> {
    let guard = db.open()?;
    let f = std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
    let size = f.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = bytes_bar(size);
    bar.set_message("importing");
    let summary = guard.import_from(std::io::BufReader::new(bar.wrap_read(f)))?;
    bar.finish_and_clear();
    if json {
        outln!("{}", serde_json::to_string(&summary)?);
    } else {
        outln!("imported {} rows", summary.imported);
        if !summary.rejected.is_empty() {
            outln!("rejected {} lines:", summary.rejected.len());
            for r in &summary.rejected {
                outln!("  {r}");
            }
        }
    }
    Ok(())
}

pub fn stats(db: &Db, json: bool) -> Result<()> {
    // Read-only first; a list found damaged needs the writable open, which
    // moves it aside and starts it afresh.
    let s = match db.open_read_only()?.stats() {
        Ok(s) => s,
        Err(_) => db.open()?.stats()?,
    };
    if json {
        outln!("{}", serde_json::to_string(&s)?);
    } else {
        outln!(
            "reported numbers: {}\nreported prefixes: {}\nallowed: {}\nblocked: {}\nhistory: {}",
            s.reported_numbers,
            s.reported_prefixes,
            s.allowed,
            s.blocked,
            s.history
        );
    }
    Ok(())
}
