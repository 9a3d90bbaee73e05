//! One file per command (or family of commands); what they share is here:
//! finding and opening the database.

pub mod backup;
pub mod check;
pub mod desk;
pub mod every;
pub mod feed;
pub mod feeds;
pub mod inbox;
pub mod lists;
pub mod normalize;
pub mod policy;
pub mod report;
pub mod review;
pub mod serve;
pub mod sync;

use anyhow::{Context, Result};
use canhgiac_core::{CallGuard, GuardConfig};
use std::path::PathBuf;

/// The database the user named with `--db`, or the default one; and the
/// publisher's reporter key, when named.
pub struct Db {
    pub path: Option<PathBuf>,
    pub reporter_key: Option<PathBuf>,
}

impl Db {
    /// The publisher's database: named with `--db`, never a default (a
    /// publisher's reports must not land in a phone's data folder), and
    /// existing (`reports init` makes it). The reporter key, when named,
    /// is checked against it whatever the command.
    pub fn publisher(&self) -> Result<canhgiac_core::publisher::PublisherDb> {
        let mut db = canhgiac_core::publisher::PublisherDb::open(self.publisher_path()?)?;
        if let Some(key) = &self.reporter_key {
            db.use_reporter_key(key)?;
        }
        Ok(db)
    }

    pub fn publisher_path(&self) -> Result<&std::path::Path> {
        self.path
            .as_deref()
            .context("name the publisher database with --db PUBLISHER.db")
    }

    fn path(&self) -> Result<PathBuf> {
        if let Some(p) = &self.path {
            return Ok(p.clone());
        }
        let dir = dirs::data_dir()
            .context("no data folder is known for this user; pass --db PATH")?
            .join("canhgiac");
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        Ok(dir.join("canhgiac.db"))
    }

    /// Opens for writing (creating the files if needed), and says what was
    /// recovered from damage, if anything was.
    pub fn open(&self) -> Result<CallGuard> {
        let guard = CallGuard::open(&self.path()?, GuardConfig::default())?;
        if let Some(aside) = guard.recovered_from() {
            errln!(
                "warning: the database was damaged; it was moved to {aside} and a new one was started"
            );
        }
        if let Some(backup) = guard.restored_from_backup() {
            errln!("warning: your lists and settings were recovered from {backup}");
        }
        if let Some(aside) = guard.list_recovered_from() {
            errln!(
                "warning: the list file was damaged; it was moved to {aside} and is rebuilt at the next sync"
            );
        }
        Ok(guard)
    }

    /// Opens for reading only: nothing is created, written or moved, and no
    /// running sync is waited for. A database that does not exist yet, or
    /// that needs repair or an upgrade, is opened for writing instead.
    pub fn open_read_only(&self) -> Result<CallGuard> {
        match CallGuard::open_read_only(&self.path()?, GuardConfig::default()) {
            Ok(g) => Ok(g),
            Err(_) => self.open(),
        }
    }
}

/// A key given as a file (`feed.pub`) or inline hex.
pub fn key_text(arg: &str) -> Result<String> {
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
