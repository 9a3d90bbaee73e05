//! `export` and `restore`: the user's own data in a file; `health`: SQLite's
//! check of both database files.

use super::Db;
use crate::output::{bytes_bar, count_bar};
use anyhow::{Context, Result};
use canhgiac_core::BackupProgress;

pub fn export(db: &Db, file: &std::path::Path, history: bool) -> Result<()> {
    let guard = db.open_read_only()?;
    // Written beside the file, then renamed: a failed export leaves no
    // half of a backup under the name the user gave.
    let part = std::path::PathBuf::from(format!("{}.part", file.display()));
    let out =
        std::fs::File::create(&part).with_context(|| format!("writing {}", part.display()))?;
    let bar = Bar(count_bar("exporting imports"));
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    let written = guard
        .export_backup_to(&mut out, history, Some(&bar))
        .map_err(anyhow::Error::from)
        .and_then(|n| {
            let file = out.into_inner().map_err(|e| e.into_error())?;
            file.sync_all()?;
            Ok(n)
        });
    bar.0.finish_and_clear();
    let n = match written {
        Ok(n) => n,
        Err(e) => {
            let _ = std::fs::remove_file(&part);
            return Err(e.context(format!("writing {}", file.display())));
        }
    };
    std::fs::rename(&part, file).with_context(|| format!("writing {}", file.display()))?;
    outln!(
        "your lists, policy, feed settings and {n} imported entries{} were written to {}",
        if history { " and history" } else { "" },
        file.display()
    );
    Ok(())
}

pub fn restore(db: &Db, file: &std::path::Path, json: bool) -> Result<()> {
    let f = std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
    let size = f.metadata().map(|m| m.len()).unwrap_or(0);
    let guard = db.open()?;
    let bar = bytes_bar(size);
    bar.set_message("restoring");
    let s = guard.restore_backup_from(std::io::BufReader::new(f), size, Some(&Bytes(bar.clone())));
    bar.finish_and_clear();
    let s = s?;
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

/// The core's progress (imports written of all) on a bar.
struct Bar(indicatif::ProgressBar);

impl BackupProgress for Bar {
    fn progress(&self, done: u64, total: u64) {
        self.0.set_length(total);
        self.0.set_position(done);
    }
}

/// The core's progress (bytes read of the file) on a bar.
struct Bytes(indicatif::ProgressBar);

impl BackupProgress for Bytes {
    fn progress(&self, done: u64, _total: u64) {
        self.0.set_position(done);
    }
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
