//! The user's imports: in the list file (list 0) for screening, and in
//! their journal (`journal.rs`) so that they survive the list file. The
//! journal is the truth, the list a cache of it: an import appends to the
//! journal and waits for the disk before the list's transaction commits,
//! and the list file records how far into the journal it has applied
//! (`imports_journal`), so that at open whatever lies beyond is replayed
//! (a crash between the two), and a new list file gets the whole journal.

use super::journal::{self, End, Head, Record};
use super::{ListId, Store, Writer, category_from_code, clear_entries};
use crate::error::Result;
use crate::model::{Reported, Target};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

/// A journal is compacted (written whole again from the list) once it is
/// twice as long as when last written whole, and at least this long: the
/// cost of rewriting is paid once per doubling, so each import's share
/// stays in proportion to its own size.
const MIN_COMPACT_BYTES: u64 = 1 << 20;

/// The list file's note of the journal it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Applied {
    generation: u64,
    applied: u64,
    compacted: u64,
}

fn read_applied(c: &Connection) -> Result<Option<Applied>> {
    Ok(c.query_row(
        "SELECT generation, applied, compacted FROM imports_journal WHERE id = 0",
        [],
        |r| {
            Ok(Applied {
                generation: r.get::<_, i64>(0)? as u64,
                applied: r.get::<_, i64>(1)? as u64,
                compacted: r.get::<_, i64>(2)? as u64,
            })
        },
    )
    .optional()?)
}

fn save_applied(c: &Connection, a: Applied) -> Result<()> {
    c.execute(
        "INSERT INTO imports_journal (id, generation, applied, compacted) VALUES (0, ?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET generation = excluded.generation,
         applied = excluded.applied, compacted = excluded.compacted",
        params![a.generation as i64, a.applied as i64, a.compacted as i64],
    )?;
    Ok(())
}

/// Notes a journal just written whole: the list holds all of it, and it is
/// its own last fresh size (compaction measures growth from there).
fn save_fresh(c: &Connection, head: &Head) -> Result<()> {
    save_applied(
        c,
        Applied {
            generation: head.generation,
            applied: head.len,
            compacted: head.len,
        },
    )
}

/// Imports being written inside one transaction: each goes into the list
/// file at once, and into the journal's records, appended when the
/// transaction is about to commit.
pub(crate) struct Imports<'t> {
    writer: Writer<'t>,
    batch: Vec<(Target, Reported)>,
    records: Vec<u8>,
    count: u64,
}

impl<'t> Imports<'t> {
    fn new(tx: &'t Transaction<'t>) -> Result<Self> {
        Ok(Imports {
            writer: Writer::new(tx, ListId::IMPORTS)?,
            batch: Vec::new(),
            records: Vec::new(),
            count: 0,
        })
    }

    pub(crate) fn put(&mut self, target: Target, rep: Reported) -> Result<()> {
        self.writer.put(&target, &rep)?;
        self.batch.push((target, rep));
        self.count += 1;
        if self.batch.len() >= journal::MAX_RECORD_ENTRIES {
            self.flush();
        }
        Ok(())
    }

    /// Entries put so far.
    pub(crate) fn count(&self) -> u64 {
        self.count
    }

    fn flush(&mut self) {
        journal::sort_batch(&mut self.batch);
        journal::encode_puts(&self.batch, &mut self.records);
        self.batch.clear();
    }
}

impl Store {
    /// Runs `f` in one transaction in which it may put imports; they reach
    /// the journal (on disk) before the transaction commits. An error of
    /// `f` changes nothing: neither file.
    pub(crate) fn write_imports<T>(
        &self,
        f: impl FnOnce(&Transaction, &mut Imports) -> Result<T>,
    ) -> Result<T> {
        self.write(|tx| {
            let mut imports = Imports::new(tx)?;
            let out = f(tx, &mut imports)?;
            imports.flush();
            let Imports { records, .. } = imports;
            if !records.is_empty() {
                self.append_journal(tx, &records)?;
            }
            Ok(out)
        })
    }

    /// Appends records to the journal the list says it holds, or, when
    /// there is none such, writes it whole from the list (which already
    /// holds this transaction's entries).
    fn append_journal(&self, tx: &Transaction, records: &[u8]) -> Result<()> {
        let applied = read_applied(tx)?;
        let head = journal::read_head(&self.journal)?;
        match (applied, head) {
            (Some(a), Ok(Some(h))) if a.generation == h.generation && a.applied == h.len => {
                let len = journal::append(&self.journal, a.applied, records)?;
                if len > 2 * a.compacted.max(MIN_COMPACT_BYTES) {
                    tracing::info!(bytes = len, "compacting the imports journal");
                    self.write_journal_from_list(tx)?;
                } else {
                    save_applied(tx, Applied { applied: len, ..a })?;
                }
            }
            (_, Ok(None)) => {
                self.write_journal_from_list(tx)?;
            }
            _ => {
                self.journal_aside("it is not the journal the list file applied")?;
                self.write_journal_from_list(tx)?;
            }
        }
        Ok(())
    }

    /// Moves the journal out of the way (never deleted: it is the user's).
    fn journal_aside(&self, why: &str) -> Result<()> {
        if self.journal.exists() {
            let aside = super::move_aside(&self.journal)?;
            tracing::warn!(why, moved_to = %aside.display(), "the imports journal was moved aside");
        }
        Ok(())
    }

    /// Writes the journal whole from the list file's imports (as `c` sees
    /// them) and notes it in the list file.
    fn write_journal_from_list(&self, c: &Connection) -> Result<Head> {
        let mut fresh = journal::Fresh::create(&self.journal)?;
        for_each_import(c, |batch| Ok(fresh.put(batch)?))?;
        let head = fresh.finish()?;
        save_fresh(c, &head)?;
        Ok(head)
    }

    /// At open (and after a damaged list file was replaced): brings the
    /// list file's imports in step with the journal. Reads only the
    /// journal's header when they already are.
    pub(crate) fn reconcile_imports(&self, list_is_new: bool) -> Result<()> {
        if !list_is_new && self.imports_in_step()? {
            return Ok(());
        }
        // Decided again under the write lock: another process may have
        // replayed (or appended) since.
        self.write(|tx| self.reconcile_in(tx, list_is_new))
    }

    /// Whether the list file holds the whole journal, read without a lock.
    /// Neither a journal nor a note: nothing was imported since the
    /// journal exists (a list file counted for imports would be read
    /// whole, at every open).
    fn imports_in_step(&self) -> Result<bool> {
        let applied = self.read(read_applied)?;
        Ok(match (applied, journal::read_head(&self.journal)?) {
            (Some(a), Ok(Some(h))) => a.generation == h.generation && a.applied == h.len,
            (None, Ok(None)) => true,
            _ => false,
        })
    }

    fn reconcile_in(&self, tx: &Transaction, list_is_new: bool) -> Result<()> {
        let applied = read_applied(tx)?;
        let head = match journal::read_head(&self.journal)? {
            Ok(h) => h,
            Err(why) => {
                self.journal_aside(&why)?;
                None
            }
        };
        let Some(head) = head else {
            // No journal, but the list file holds what it applied of one:
            // the journal is written again from it.
            if !list_is_new && applied.is_some() {
                tracing::warn!(
                    "the imports journal is missing; writing it again from the list file"
                );
                self.write_journal_from_list(tx)?;
            }
            return Ok(());
        };
        let from = match applied {
            Some(a) if !list_is_new && a.generation == head.generation && a.applied <= head.len => {
                a.applied
            }
            _ => 0,
        };
        if from == head.len {
            return Ok(());
        }
        self.replay_journal(tx, from, head, applied)
    }

    /// Applies the journal from byte `from` (0: all of it, the list's
    /// imports cleared first) in one transaction. A torn tail is cut back;
    /// a damaged record ends the replay, what was read is kept, and the
    /// journal is moved aside and written again from the list.
    fn replay_journal(
        &self,
        tx: &Transaction,
        from: u64,
        head: Head,
        applied: Option<Applied>,
    ) -> Result<()> {
        tracing::info!(
            from,
            to = head.len,
            "replaying the imports journal into the list file"
        );
        if from == 0 {
            clear_entries(tx, ListId::IMPORTS)?;
        }
        let mut w = Writer::new(tx, ListId::IMPORTS)?;
        let end = journal::replay(&self.journal, from, |record| match record {
            Record::Puts(rows) => rows.iter().try_for_each(|(t, r)| w.put(t, r)),
            Record::Clear => clear_entries(tx, ListId::IMPORTS),
        })?;
        drop(w);
        let compacted = match (from, applied) {
            (0, _) | (_, None) => head.len,
            (_, Some(a)) => a.compacted,
        };
        match end {
            End::Whole => save_applied(
                tx,
                Applied {
                    generation: head.generation,
                    applied: head.len,
                    compacted,
                },
            ),
            End::Torn { at } => {
                tracing::warn!(at, "the imports journal ended in a torn record; cut back");
                journal::truncate(&self.journal, at)?;
                save_applied(
                    tx,
                    Applied {
                        generation: head.generation,
                        applied: at,
                        compacted: compacted.min(at),
                    },
                )
            }
            End::Damaged { at, why } => {
                tracing::warn!(
                    at,
                    why,
                    "the imports journal is damaged; keeping what reads"
                );
                self.journal_aside(&why)?;
                self.write_journal_from_list(tx).map(drop)
            }
        }
    }

    /// Reads the whole journal and checks every record (the daily health
    /// check). A damaged one is moved aside and written again from the
    /// list file, which holds the imports. Returns whether it was sound.
    pub(crate) fn check_imports_journal(&self) -> Result<bool> {
        let head = match journal::read_head(&self.journal)? {
            Ok(Some(h)) => h,
            Ok(None) => return Ok(true),
            Err(why) => {
                self.journal_aside(&why)?;
                self.write(|tx| self.write_journal_from_list(tx).map(drop))?;
                return Ok(false);
            }
        };
        let end = journal::replay(&self.journal, 0, |_| Ok(()))?;
        let applied = self.read(read_applied)?;
        let sound = end == End::Whole && applied.is_some_and(|a| a.generation == head.generation);
        if !sound {
            tracing::warn!(
                ?end,
                "the imports journal is damaged; writing it again from the list file"
            );
            self.journal_aside("it failed its check")?;
            self.write(|tx| self.write_journal_from_list(tx).map(drop))?;
        }
        Ok(sound)
    }
}

/// The user's imports in the list file, in batches of a journal record's
/// size, in key order (numbers, then prefix rules).
pub(crate) fn for_each_import(
    c: &Connection,
    mut each: impl FnMut(&[(Target, Reported)]) -> Result<()>,
) -> Result<()> {
    let mut batch = Vec::with_capacity(4096);
    for (sql, prefix) in [
        (
            "SELECT r.entry >> 4, r.category, r.reports, r.last_reported, l.text
             FROM reported AS r LEFT JOIN label AS l ON l.id = r.label_id
             WHERE r.feed = 0 ORDER BY r.entry",
            false,
        ),
        (
            "SELECT r.prefix, r.category, r.reports, r.last_reported, l.text
             FROM reported_prefix AS r LEFT JOIN label AS l ON l.id = r.label_id
             WHERE r.feed = 0 ORDER BY r.prefix",
            true,
        ),
    ] {
        let mut stmt = c.prepare(sql)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let target = if prefix {
                Target::Prefix(r.get(0)?)
            } else {
                Target::Number(r.get(0)?)
            };
            let rep = Reported {
                category: category_from_code(r.get(1)?),
                reports: r.get::<_, i64>(2)?.clamp(1, i64::from(u32::MAX)) as u32,
                last_reported: r.get(3)?,
                label: r.get(4)?,
                reporters: None,
                source: None,
            };
            batch.push((target, rep));
            if batch.len() == journal::MAX_RECORD_ENTRIES {
                each(&batch)?;
                batch.clear();
            }
        }
        if !batch.is_empty() {
            each(&batch)?;
            batch.clear();
        }
    }
    Ok(())
}

/// During the upgrade to version 7: the journal written whole from the
/// user's file's `imported` table, and noted in the list file (both inside
/// the upgrade's transaction, `c`).
pub(crate) fn journal_from_table(c: &Connection, path: &std::path::Path) -> Result<()> {
    let mut fresh = journal::Fresh::create(path)?;
    let mut stmt =
        c.prepare("SELECT target, category, reports, last_reported, label FROM main.imported")?;
    let mut rows = stmt.query([])?;
    let mut batch = Vec::with_capacity(4096);
    let mut count = 0u64;
    while let Some(r) = rows.next()? {
        let key: String = r.get(0)?;
        let target = match key.strip_suffix('*') {
            Some(p) => Target::Prefix(p.to_string()),
            None => match key.parse() {
                Ok(n) => Target::Number(n),
                Err(_) => continue,
            },
        };
        batch.push((
            target,
            Reported {
                category: category_from_code(r.get(1)?),
                reports: r.get::<_, i64>(2)?.clamp(1, i64::from(u32::MAX)) as u32,
                last_reported: r.get(3)?,
                label: r.get(4)?,
                reporters: None,
                source: None,
            },
        ));
        if batch.len() == journal::MAX_RECORD_ENTRIES {
            journal::sort_batch(&mut batch);
            fresh.put(&batch)?;
            count += batch.len() as u64;
            batch.clear();
        }
    }
    journal::sort_batch(&mut batch);
    fresh.put(&batch)?;
    count += batch.len() as u64;
    let head = fresh.finish()?;
    save_fresh(c, &head)?;
    tracing::info!(
        entries = count,
        bytes = head.len,
        "the user's imports moved into their journal"
    );
    Ok(())
}

#[cfg(test)]
mod tests;
