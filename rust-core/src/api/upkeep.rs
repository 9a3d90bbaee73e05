//! Keeping the user's data safe: the backup (export, restore), and the
//! health of both files (stats that repair a damaged list, the daily check).

use super::{CallGuard, guard};
use crate::backup::{self, BackupProgress, RestoreSummary};
use crate::error::{CanhGiacError, Error, Result};
use crate::store::Stats;
use std::io::{Read, Write};
use std::sync::Arc;

/// What `check_health` found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, uniffi::Record)]
pub struct Health {
    /// The user's file passed SQLite's check. When not, it is moved aside
    /// at the next open and recovered from the backup kept beside it.
    pub user_file_sound: bool,
    pub list_sound: bool,
    /// Where a damaged list file was moved (it is rebuilt at the next sync).
    pub list_moved_to: Option<String>,
}

/// A file descriptor the app lends for one call (`ParcelFileDescriptor.getFd()`):
/// duplicated, so that the core closes only its own copy and the app's
/// `close()` still tells the document provider the file is complete (the
/// platform's documentation warns against `detachFd()` where the provider
/// expects that signal, as a cloud provider uploading on close does).
fn file_from_fd(fd: i32) -> Result<std::fs::File> {
    if fd < 0 {
        return Err(Error::invalid(
            "the file could not be opened (no file descriptor)",
        ));
    }
    use std::os::fd::BorrowedFd;
    // SAFETY: the app keeps `fd` open until this call returns (it closes
    // its ParcelFileDescriptor afterwards); only a duplicate is kept.
    let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
    Ok(std::fs::File::from(borrowed.try_clone_to_owned()?))
}

impl CallGuard {
    pub(super) fn stats_inner(&self) -> Result<Stats> {
        match self.store.stats() {
            Err(e) if crate::store::is_corruption(&e) && !self.store.list_is_sound()? => {
                let aside = self.store.repair_list().map_err(|_| {
                    Error::Open(
                        "the list file is damaged; it is moved aside and rebuilt at the next sync"
                            .into(),
                    )
                })?;
                tracing::warn!(moved_to = %aside.display(), "the damaged list was moved aside");
                self.store.stats()
            }
            other => other,
        }
    }

    pub(super) fn check_health_inner(&self) -> Result<Health> {
        let list_sound = self.store.list_is_sound()?;
        let list_moved_to = if list_sound {
            None
        } else {
            Some(self.store.repair_list()?.display().to_string())
        };
        // The imports journal, read whole: a damaged one is written again
        // from the list file (sound by now), which holds the imports.
        self.store.check_imports_journal()?;
        Ok(Health {
            user_file_sound: self.store.user_file_is_sound()?,
            list_sound,
            list_moved_to,
        })
    }

    pub(super) fn export_backup_inner(&self, with_history: bool) -> Result<Vec<u8>> {
        backup::export(&self.store, with_history)
    }

    pub(super) fn restore_backup_inner(&self, data: &[u8]) -> Result<RestoreSummary> {
        let summary = backup::restore(&self.store, data, self.history_limit)?;
        self.restored()?;
        Ok(summary)
    }

    /// Writes the backup (imports streamed from the store) to `out`;
    /// returns the imported entries written.
    pub fn export_backup_to(
        &self,
        out: &mut dyn Write,
        include_history: bool,
        progress: Option<&dyn BackupProgress>,
    ) -> Result<u64> {
        let carry = backup::Carry {
            imports: true,
            history: include_history,
        };
        backup::export_to(&self.store, carry, out, progress)
    }

    /// Restores a backup streamed from `input` (`total`: its size, 0 when
    /// unknown, for `progress`).
    pub fn restore_backup_from(
        &self,
        input: impl Read,
        total: u64,
        progress: Option<&dyn BackupProgress>,
    ) -> Result<RestoreSummary> {
        let summary =
            backup::restore_from(&self.store, input, total, self.history_limit, progress)?;
        self.restored()?;
        Ok(summary)
    }

    fn restored(&self) -> Result<()> {
        self.reload_policy(&self.policy_inner())?;
        self.user_data_changed();
        Ok(())
    }
}

#[uniffi::export]
impl CallGuard {
    /// Where a damaged user's file was moved when this guard opened, if it
    /// was (a fresh one was started).
    pub fn recovered_from(&self) -> Option<String> {
        self.moved_aside.clone()
    }

    /// Where a damaged list file was moved when this guard opened, if it
    /// was: the user's imports were replayed from their journal, the
    /// feed's entries come back at the next sync.
    pub fn list_recovered_from(&self) -> Option<String> {
        self.list_moved_aside.clone()
    }

    /// The backup a damaged user's file was recovered from when this guard
    /// opened, if it was.
    pub fn restored_from_backup(&self) -> Option<String> {
        self.restored_from.clone()
    }

    /// The user's lists, policy, feed settings and imports (and history
    /// when asked) as a versioned JSON backup, for a file the user picks.
    pub fn export_backup(&self, include_history: bool) -> Result<Vec<u8>, CanhGiacError> {
        guard(|| self.export_backup_inner(include_history))
    }

    /// Merges a backup in: list entries and imports added or replaced,
    /// settings replaced, nothing removed. A file that is not a backup, or
    /// is too large, changes nothing.
    pub fn restore_backup(&self, data: Vec<u8>) -> Result<RestoreSummary, CanhGiacError> {
        guard(|| self.restore_backup_inner(&data))
    }

    /// Writes the backup to a file the user picked, streaming (a million
    /// imports never sit in memory): `fd` from
    /// `ContentResolver.openFileDescriptor(uri, "wt")`'s `getFd()`, lent for
    /// the call (the app closes its descriptor afterwards). Returns the
    /// imported entries written; `progress` hears (imports written, all
    /// imports).
    pub fn export_backup_to_fd(
        &self,
        fd: i32,
        include_history: bool,
        progress: Option<Arc<dyn BackupProgress>>,
    ) -> Result<u64, CanhGiacError> {
        guard(|| {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, file_from_fd(fd)?);
            let n = self.export_backup_to(&mut out, include_history, progress.as_deref())?;
            out.into_inner()
                .map_err(|e| Error::Io(e.into_error()))?
                .sync_all()?;
            Ok(n)
        })
    }

    /// Restores a backup from a file the user picked, streaming: `fd` from
    /// `openFileDescriptor(uri, "r")`'s `getFd()`, lent for the call;
    /// `progress` hears (bytes read, the file's size). Merges as
    /// `restore_backup` does; a file that fails anywhere changes nothing.
    pub fn restore_backup_from_fd(
        &self,
        fd: i32,
        progress: Option<Arc<dyn BackupProgress>>,
    ) -> Result<RestoreSummary, CanhGiacError> {
        guard(|| {
            let file = file_from_fd(fd)?;
            let size = file.metadata().map(|m| m.len()).unwrap_or(0);
            self.restore_backup_from(file, size, progress.as_deref())
        })
    }

    pub fn stats(&self) -> Result<Stats, CanhGiacError> {
        guard(|| self.stats_inner())
    }

    /// Checks both files with SQLite's own check (`quick_check`); a damaged
    /// list file is moved aside and rebuilt at the next sync. For the app's
    /// daily job.
    pub fn check_health(&self) -> Result<Health, CanhGiacError> {
        guard(|| self.check_health_inner())
    }
}
