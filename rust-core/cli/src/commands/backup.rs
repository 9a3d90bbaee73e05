//! `export` and `restore`: the user's own data in a file; `health`: SQLite's
//! check of both database files.

use super::Db;
use anyhow::{Context, Result};

pub fn export(db: &Db, file: &std::path::Path, history: bool) -> Result<()> {
    let guard = db.open_read_only()?;
    let bytes = guard.export_backup(history)?;
    std::fs::write(file, &bytes).with_context(|| format!("writing {}", file.display()))?;
    outln!(
        "your lists, policy, feed settings and imports{} were written to {}",
        if history { " and history" } else { "" },
        file.display()
    );
    Ok(())
}

pub fn restore(db: &Db, file: &std::path::Path, json: bool) -> Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let guard = db.open()?;
    let s = guard.restore_backup(bytes)?;
    if json {
        outln!("{}", serde_json::to_string(&s)?);
        return Ok(());
    }
    outln!(
        "restored {} list entries, {} imported entries, {} calls{}",
        s.lists,
        s.imported,
        s.history,
        if s.settings {
            ", and your settings"
        } else {
            ""
        }
    );
    for why in &s.skipped {
        outln!("  skipped {why}");
    }
    Ok(())
}

pub fn health(db: &Db, json: bool) -> Result<()> {
    let guard = db.open()?;
    let h = guard.check_health()?;
    if json {
        outln!("{}", serde_json::to_string(&h)?);
        return Ok(());
    }
    let word = |ok: bool| if ok { "sound" } else { "DAMAGED" };
    outln!("your data: {}", word(h.user_file_sound));
    outln!("the list: {}", word(h.list_sound));
    if let Some(aside) = &h.list_moved_to {
        outln!("the damaged list was moved to {aside}; the next sync rebuilds it");
    }
    if !h.user_file_sound {
        outln!(
            "your data file is damaged: it is recovered from its backup the next time it is opened"
        );
    }
    Ok(())
}
