//! Reading the evidence: the reports of the window, in one pass, and the
//! curated sources' entries, as the decision rules take them.

use super::curated::check_curated;
use super::labels::pattern_of;
use super::report::PublishCounts;
use crate::dates;
use crate::error::Result;
use rusqlite::{Transaction, params};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Ld,
    V,
    S,
}

/// One report about a number (or a non-official source's entry).
#[derive(Debug, Clone, Copy)]
pub(super) struct Rep {
    pub(super) day: i32,
    pub(super) at: i64,
    /// A reporter's id; a non-official source's id, negated.
    pub(super) reporter: i64,
    pub(super) kind: Kind,
    pub(super) pattern: Option<u8>,
    /// Its sender reported more numbers than a person does (`abuse`): it
    /// counts for nothing.
    pub(super) capped: bool,
}

#[cfg(test)]
impl Rep {
    /// An LD report by `reporter` at the start of `day`, with no pattern
    /// (the unit tests of the rules build their evidence from these).
    pub(super) fn ld(day: i32, reporter: i64) -> Rep {
        Rep {
            day,
            at: start_of(day),
            reporter,
            kind: Kind::Ld,
            pattern: None,
            capped: false,
        }
    }
}

pub(super) struct SourceRow {
    pub(super) source_id: i64,
    pub(super) name: String,
    pub(super) official: bool,
    pub(super) url: Option<String>,
    pub(super) category: &'static str,
    /// The notice's date, else the day the source was added.
    pub(super) day: i32,
    pub(super) label: Option<String>,
}

/// The reports of the window (see `Run::window`).
#[derive(Default)]
pub(super) struct Window {
    /// About numbers, sorted by number, day and time.
    pub(super) numbers: Vec<(i64, Rep)>,
    /// About numbers without an international form (113, 156, short
    /// codes), by number.
    pub(super) short: BTreeMap<String, ShortTally>,
    /// S reports about brand names.
    pub(super) brands: u64,
}

/// A short number's reports: LD, V and S, and the first and last day.
#[derive(Default)]
pub(super) struct ShortTally {
    pub(super) ld: u32,
    pub(super) v: u32,
    pub(super) s: u32,
    pub(super) first: i32,
    pub(super) last: i32,
}

pub(super) fn kind_of(keyword: rusqlite::types::ValueRef) -> Kind {
    match keyword.as_bytes().unwrap_or_default() {
        b"LD" => Kind::Ld,
        b"V" => Kind::V,
        _ => Kind::S,
    }
}

/// Counts a report about a short number.
pub(super) fn tally_short(
    tallies: &mut BTreeMap<String, ShortTally>,
    short: &str,
    day: i32,
    kind: Kind,
) {
    let tally = match tallies.get_mut(short) {
        Some(t) => t,
        None => tallies.entry(short.to_string()).or_insert(ShortTally {
            first: day,
            last: day,
            ..ShortTally::default()
        }),
    };
    match kind {
        Kind::Ld => tally.ld += 1,
        Kind::V => tally.v += 1,
        Kind::S => tally.s += 1,
    }
    tally.first = tally.first.min(day);
    tally.last = tally.last.max(day);
}

/// Unix time of the start of a Vietnamese day.
pub(super) fn start_of(day: i32) -> i64 {
    i64::from(day) * 86_400 - 7 * 3600
}

/// The reports from `horizon` to `as_of`, in one pass: those about
/// numbers each with the pattern its content names, sorted by number,
/// day and time; those about short numbers and brand names counted.
pub(super) fn read_window(tx: &Transaction, horizon: i32, as_of: i32) -> Result<Window> {
    // By day, the rows of the window only, in about the order they were
    // ingested; but when no report is older than the window, the whole
    // table in rowid order: the same rows, without a table lookup per
    // entry of the index.
    let oldest: Option<i32> = tx.query_row("SELECT min(day) FROM report", [], |r| r.get(0))?;
    let access = if oldest.is_none_or(|d| d >= horizon) {
        "NOT INDEXED"
    } else {
        "INDEXED BY report_by_day"
    };
    let mut stmt = tx.prepare(&format!(
        "SELECT number, short_number, day, received_at, reporter_id, keyword, content
           FROM report {access}
          WHERE day BETWEEN ?1 AND ?2"
    ))?;
    let mut rows = stmt.query(params![horizon, as_of])?;
    let mut window = Window::default();
    while let Some(r) = rows.next()? {
        let day: i32 = r.get(2)?;
        let kind = kind_of(r.get_ref(5)?);
        if let Some(number) = r.get(0)? {
            window.numbers.push((
                number,
                Rep {
                    day,
                    at: r.get(3)?,
                    reporter: r.get(4)?,
                    kind,
                    pattern: r.get_ref(6)?.as_str().ok().and_then(pattern_of),
                    capped: false,
                },
            ));
        } else if let Ok(short) = r.get_ref(1)?.as_str() {
            tally_short(&mut window.short, short, day, kind);
        } else {
            // The third kind of report (the table's CHECK): an S
            // report about a brand name.
            window.brands += 1;
        }
    }
    window
        .numbers
        .sort_unstable_by_key(|&(n, r)| (n, r.day, r.at));
    Ok(window)
}

/// The sources' entries as the decision rules take them, by number.
pub(super) type Sources = BTreeMap<i64, Vec<SourceRow>>;

/// The columns a [`SourceReader`] takes, then `FROM source_entry e`.
const SOURCE_COLUMNS: &str = "SELECT e.number, s.id, s.name, s.official,
        coalesce(e.source_url, s.url), e.category, e.day, s.added_at, e.label";

/// The entries of every source dated up to `as_of` (an entry without a
/// date counts from the day its source was added), by number.
///
/// Curated text is checked again here, not only by `add-source`: a label
/// stored before the rule (an upgraded database) or by an older binary
/// must not reach phones either. A refused label is left out of its entry;
/// a source whose name is refused is not read at all (its name would be
/// shown with every entry). Both are counted in the publish report.
pub(super) fn read_sources(
    tx: &Transaction,
    as_of: i32,
    counts: &mut PublishCounts,
) -> Result<Sources> {
    let mut reader = SourceReader::default();
    let mut stmt = tx.prepare(&format!(
        "{SOURCE_COLUMNS} FROM source_entry e JOIN source s ON s.id = e.source_id"
    ))?;
    reader.take(stmt.query([])?, as_of)?;
    counts.curated_labels_dropped = reader.labels_dropped;
    counts.curated_sources_skipped = reader.refused_names.len() as u64;
    Ok(reader.sources)
}

/// [`read_sources`] of some numbers only (an incremental decide's), by
/// the entries' index; the counts are the full read's, kept from it.
pub(super) fn read_sources_of<'a>(
    tx: &Transaction,
    as_of: i32,
    numbers: impl IntoIterator<Item = &'a i64>,
) -> Result<Sources> {
    let mut reader = SourceReader::default();
    let mut stmt = tx.prepare(&format!(
        "{SOURCE_COLUMNS} FROM source_entry e INDEXED BY source_entry_by_number
           JOIN source s ON s.id = e.source_id WHERE e.number = ?1"
    ))?;
    for n in numbers {
        reader.take(stmt.query([n])?, as_of)?;
    }
    Ok(reader.sources)
}

#[derive(Default)]
struct SourceReader {
    sources: Sources,
    refused_names: BTreeSet<i64>,
    accepted_names: BTreeSet<i64>,
    labels_dropped: u64,
}

impl SourceReader {
    fn take(&mut self, mut rows: rusqlite::Rows, as_of: i32) -> Result<()> {
        while let Some(r) = rows.next()? {
            let day = match r.get::<_, Option<i32>>(6)? {
                Some(day) => day,
                None => dates::day_of(r.get(7)?),
            };
            if day > as_of {
                continue;
            }
            let number: i64 = r.get(0)?;
            let source_id: i64 = r.get(1)?;
            if self.refused_names.contains(&source_id) {
                continue;
            }
            let name: String = r.get(2)?;
            // A source's name is the same on each of its entries (a million,
            // for a big official list): checked once per source.
            if !self.accepted_names.contains(&source_id) {
                if check_curated(&name, None).is_err() {
                    self.refused_names.insert(source_id);
                    continue;
                }
                self.accepted_names.insert(source_id);
            }
            let mut label: Option<String> = r.get(8)?;
            if label
                .as_deref()
                .is_some_and(|l| check_curated(l, Some(number)).is_err())
            {
                label = None;
                self.labels_dropped += 1;
            }
            let category = match r.get::<_, String>(5)?.as_str() {
                "scam" => "scam",
                "nuisance" => "nuisance",
                _ => "verified",
            };
            self.sources.entry(number).or_default().push(SourceRow {
                source_id,
                name,
                official: r.get(3)?,
                url: r.get(4)?,
                category,
                day,
                label,
            });
        }
        Ok(())
    }
}

/// The numbers of the sources' entries whose day (or, without one, their
/// source's) is between `from` and `to`: those that enter or leave the
/// window when the day moves on.
pub(super) fn source_numbers_dated(
    tx: &Transaction,
    from: i32,
    to: i32,
    into: &mut BTreeSet<i64>,
) -> Result<()> {
    if from > to {
        return Ok(());
    }
    let mut dated = tx.prepare(
        "SELECT number FROM source_entry INDEXED BY source_entry_by_day WHERE day BETWEEN ?1 AND ?2",
    )?;
    for n in dated.query_map([from, to], |r| r.get(0))? {
        into.insert(n?);
    }
    let mut undated = tx.prepare(
        "SELECT e.number FROM source s JOIN source_entry e ON e.source_id = s.id
          WHERE s.added_at >= ?1 AND s.added_at < ?2 AND e.day IS NULL",
    )?;
    for n in undated.query_map(
        params![start_of(from), start_of(to.saturating_add(1))],
        |r| r.get(0),
    )? {
        into.insert(n?);
    }
    Ok(())
}
