//! Snapshot and delta files, formats 1 and 2 (see `FORMAT.md` beside this
//! file). Publishers write format 2; phones read both.
//!
//! Numbers sorted and written as gaps (LEB128 varints), a flags byte that
//! carries category and small report counts, dates as days back from the
//! newest date in the file, labels as indexes into a table of distinct
//! labels; format 2 adds the distinct reporters and the official source
//! (an index into a table of sources). Each of these in a column of its
//! own, then brotli. A client
//! decodes and inserts one entry at a time (one cursor per column): the file
//! never becomes a vector of entries in memory.
//!
//! This file reads, as phones do; the writer, which only publishers run,
//! is in `write.rs` (feature `publisher`). A change to the format is made
//! in both, side by side in one review.

use crate::model::{Category, Reported, Source, Target};
use std::io::Read;

#[cfg(feature = "publisher")]
mod write;
#[cfg(feature = "publisher")]
pub use write::*;

/// The magic of each format, by format number - 1.
const SNAPSHOT_MAGICS: [&[u8; 4]; 2] = [b"CGS1", b"CGS2"];
const DELTA_MAGICS: [&[u8; 4]; 2] = [b"CGD1", b"CGD2"];
/// A ladder delta ("since" delta): the same body as a delta, but it applies
/// to any version from its `from` up to its `to` (see FORMAT.md, *The
/// ladder*). Its own magic, so that no reader takes it for a delta that
/// must start exactly at `from`: readers older than the ladder refuse it.
const LADDER_MAGICS: [&[u8; 4]; 2] = [b"CGL1", b"CGL2"];

/// Why a file could not be read. Never panics on hostile input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodecError {
    #[error("the file is not a Cảnh Giác {0} (wrong magic)")]
    Magic(&'static str),
    #[error("the file is truncated or malformed: {0}")]
    Malformed(&'static str),
    #[error("the file expands beyond {0} bytes; refusing it")]
    TooLarge(u64),
    #[error("the file could not be decompressed")]
    Compression,
    #[error("the list has more than {0} entries; refusing it")]
    TooManyEntries(u64),
}

type CResult<T> = Result<T, CodecError>;

/// Decompressed bytes all the files of one sync (or one `feed verify`) may
/// produce: a small file must not expand into gigabytes on a phone. A
/// million entries take about 6 MB.
pub const MAX_EXPANDED_BYTES: u64 = 128 << 20;
pub use crate::dates::MIN_DAY;
/// Distinct labels one file may declare: far more than the scam patterns
/// people name, far fewer than could fill a phone's memory.
pub const MAX_LABELS: u64 = 65_536;
/// Entries one list may hold unless configured otherwise: five times the
/// benchmark's million, about 100 MB on a phone.
pub const DEFAULT_MAX_ENTRIES: u64 = 5_000_000;
/// Distinct official sources one file may name.
pub const MAX_SOURCES: u64 = 4096;
/// An official source's name and address, in characters.
pub const MAX_SOURCE_NAME_CHARS: usize = 100;
pub const MAX_SOURCE_URL_CHARS: usize = 500;
/// Numbers are E.164 digits as integers: 3 to 15 digits.
const NUMBER_KEYS: std::ops::RangeInclusive<i64> = 100..=999_999_999_999_999;

/// What a decoder accepts. A file is signed, but its key may be stolen:
/// every count and value it states is checked against these before it is
/// trusted, and a file that breaks one is refused whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Entries in one file.
    pub max_entries: u64,
    /// The newest day a date may name (days since 1970-01-01): tomorrow,
    /// since a report from the future is a forgery or a broken clock.
    pub max_day: i32,
}

impl Limits {
    /// The default bounds as of today.
    pub fn now() -> Limits {
        Limits {
            max_entries: DEFAULT_MAX_ENTRIES,
            max_day: crate::dates::today().saturating_add(1),
        }
    }
}

impl From<CodecError> for crate::error::Error {
    fn from(e: CodecError) -> Self {
        crate::error::Error::Feed(e.to_string())
    }
}

/// Where each flag sits in an entry's flags byte, by format. Format 2 needs
/// two bits for the category (verified) and one each for reporters and
/// source, so fewer report counts fit in the byte itself.
struct Bits {
    /// Mask of the category code: 0 scam, 1 nuisance, 2 verified, 3
    /// suspicious.
    category: u8,
    date: u8,
    label: u8,
    /// 0 in format 1: never set, never read.
    reporters: u8,
    source: u8,
    /// Reports − 1 sit from this bit up; `cap` means "cap + a varint".
    shift: u8,
    cap: u64,
}

impl Bits {
    const FORMAT_1: Bits = Bits {
        category: 0b1,
        date: 1 << 1,
        label: 1 << 2,
        reporters: 0,
        source: 0,
        shift: 3,
        cap: 31,
    };
    const FORMAT_2: Bits = Bits {
        category: 0b11,
        date: 1 << 2,
        label: 1 << 3,
        reporters: 1 << 4,
        source: 1 << 5,
        shift: 6,
        cap: 3,
    };

    fn of(format: u32) -> &'static Bits {
        if format >= 2 {
            &Bits::FORMAT_2
        } else {
            &Bits::FORMAT_1
        }
    }
}

/// Decompresses at most `limit` bytes: a small file must not expand into
/// gigabytes on a phone.
pub fn decompress(file: &[u8], limit: u64) -> CResult<Vec<u8>> {
    let mut out = Vec::new();
    brotli_decompressor::Decompressor::new(file, 1 << 16)
        .take(limit + 1)
        .read_to_end(&mut out)
        .map_err(|_| CodecError::Compression)?;
    if out.len() as u64 > limit {
        return Err(CodecError::TooLarge(limit));
    }
    Ok(out)
}

/// A cursor over a run of bytes. Every read is bounds-checked.
#[derive(Clone, Copy)]
struct Cur<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Cur<'a> {
    fn byte(&mut self) -> CResult<u8> {
        let b = *self
            .buf
            .get(self.pos)
            .ok_or(CodecError::Malformed("unexpected end"))?;
        self.pos += 1;
        Ok(b)
    }

    fn varint(&mut self) -> CResult<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(CodecError::Malformed("varint too long"))
    }

    fn zigzag(&mut self) -> CResult<i64> {
        let v = self.varint()?;
        Ok(((v >> 1) as i64) ^ -((v & 1) as i64))
    }

    /// A count or length, checked against what is left so that a forged
    /// value cannot make us reserve memory the file does not back.
    fn count(&mut self) -> CResult<usize> {
        let n = self.varint()?;
        if n > (self.buf.len() - self.pos) as u64 {
            return Err(CodecError::Malformed("count larger than the file"));
        }
        Ok(n as usize)
    }

    fn take(&mut self, n: usize) -> CResult<&'a [u8]> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.buf.len());
        let end = end.ok_or(CodecError::Malformed("unexpected end"))?;
        let out = &self.buf[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    fn str(&mut self) -> CResult<String> {
        let n = self.count()?;
        String::from_utf8(self.take(n)?.to_vec())
            .map_err(|_| CodecError::Malformed("text is not UTF-8"))
    }

    fn prefix(&mut self) -> CResult<String> {
        let p = self.str()?;
        if p.is_empty() || p.len() > 15 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CodecError::Malformed("prefix is not digits"));
        }
        Ok(p)
    }

    /// The next number of an ascending run: a gap of 0 would repeat a
    /// number, and every number is a real E.164 length.
    fn next_number(&mut self, prev: i64) -> CResult<i64> {
        i64::try_from(self.varint()?)
            .ok()
            .filter(|&gap| gap > 0)
            .and_then(|gap| prev.checked_add(gap))
            .filter(|n| NUMBER_KEYS.contains(n))
            .ok_or(CodecError::Malformed(
                "a number repeated or not 3 to 15 digits",
            ))
    }

    fn end(&self) -> CResult<()> {
        if self.pos == self.buf.len() {
            Ok(())
        } else {
            Err(CodecError::Malformed("trailing bytes"))
        }
    }
}

/// A decompressed file: the main cursor and what its header declared.
struct Dec<'a> {
    /// 1 or 2, from the magic.
    format: u32,
    main: Cur<'a>,
    labels: Vec<String>,
    sources: Vec<Source>,
    base_day: i64,
    limits: Limits,
    /// Entries read so far, against `limits.max_entries`.
    entries: u64,
}

/// One section's columns.
struct Section<'a> {
    n: usize,
    keys: Cur<'a>,
    flags: Cur<'a>,
    dates: Cur<'a>,
    labels: Cur<'a>,
    /// Empty in format 1.
    reporters: Cur<'a>,
    sources: Cur<'a>,
}

impl<'a> Dec<'a> {
    fn new(
        buf: &'a [u8],
        magics: [&[u8; 4]; 2],
        what: &'static str,
        limits: &Limits,
    ) -> CResult<Dec<'a>> {
        let format = magics
            .iter()
            .position(|m| buf.get(..4) == Some(&m[..]))
            .ok_or(CodecError::Magic(what))?;
        Ok(Dec {
            format: format as u32 + 1,
            main: Cur { buf, pos: 4 },
            labels: Vec::new(),
            sources: Vec::new(),
            base_day: 0,
            limits: *limits,
            entries: 0,
        })
    }

    fn header(&mut self) -> CResult<()> {
        self.base_day = self.main.zigzag()?;
        let n = self.main.count()?;
        if n as u64 > MAX_LABELS {
            return Err(CodecError::Malformed("too many labels"));
        }
        let mut labels = Vec::with_capacity(n);
        for _ in 0..n {
            let l = self.main.str()?;
            // The same rule as the user's own CSV: short, nothing hidden.
            crate::text::check_label(&l).map_err(CodecError::Malformed)?;
            labels.push(l);
        }
        self.labels = labels;
        if self.format >= 2 {
            let n = self.main.count()?;
            if n as u64 > MAX_SOURCES {
                return Err(CodecError::Malformed("too many sources"));
            }
            let mut sources = Vec::with_capacity(n);
            for _ in 0..n {
                let name = self.main.str()?;
                let url = self.main.str()?;
                sources.push(check_source(name, url)?);
            }
            self.sources = sources;
        }
        Ok(())
    }

    /// Counts `n` more entries against the ceiling, before reading them.
    fn admit(&mut self, n: u64) -> CResult<()> {
        self.entries = self.entries.saturating_add(n);
        if self.entries > self.limits.max_entries {
            return Err(CodecError::TooManyEntries(self.limits.max_entries));
        }
        Ok(())
    }

    fn section(&mut self) -> CResult<Section<'a>> {
        let n = self.main.count()?;
        self.admit(n as u64)?;
        let mut col = || -> CResult<Cur<'a>> {
            let len = self.main.count()?;
            Ok(Cur {
                buf: self.main.take(len)?,
                pos: 0,
            })
        };
        let (keys, flags, dates, labels) = (col()?, col()?, col()?, col()?);
        let empty = Cur { buf: &[], pos: 0 };
        let (reporters, sources) = if self.format >= 2 {
            (col()?, col()?)
        } else {
            (empty, empty)
        };
        Ok(Section {
            n,
            keys,
            flags,
            dates,
            labels,
            reporters,
            sources,
        })
    }

    fn row(&self, s: &mut Section<'_>) -> CResult<Reported> {
        let flags = s.flags.byte()?;
        let b = Bits::of(self.format);
        let category = match flags & b.category {
            0 => Category::Scam,
            1 => Category::Nuisance,
            2 => Category::Verified,
            3 => Category::Suspicious,
            _ => return Err(CodecError::Malformed("an unknown category")),
        };
        let mut reports = u64::from(flags >> b.shift);
        if reports == b.cap {
            reports = reports.saturating_add(s.flags.varint()?);
        }
        let reports = u32::try_from(reports.saturating_add(1)).unwrap_or(u32::MAX);
        let reporters = if flags & b.reporters != 0 {
            // Distinct people cannot outnumber their reports.
            let n = s.reporters.varint()?;
            let n = u32::try_from(n)
                .ok()
                .filter(|n| (1..=reports).contains(n))
                .ok_or(CodecError::Malformed(
                    "more reporters than reports, or none",
                ))?;
            Some(n)
        } else {
            None
        };
        let source = if flags & b.source != 0 {
            Some(indexed(&mut s.sources, &self.sources, "source index")?.clone())
        } else {
            None
        };
        let last_reported = if flags & b.date != 0 {
            let back =
                i64::try_from(s.dates.varint()?).map_err(|_| CodecError::Malformed("date"))?;
            let day = self
                .base_day
                .checked_sub(back)
                .and_then(|d| i32::try_from(d).ok())
                .filter(|d| (MIN_DAY..=self.limits.max_day).contains(d))
                .ok_or(CodecError::Malformed("a date before 2000 or in the future"))?;
            Some(day)
        } else {
            None
        };
        let label = if flags & b.label != 0 {
            Some(indexed(&mut s.labels, &self.labels, "label index")?.clone())
        } else {
            None
        };
        Ok(Reported {
            category,
            reports,
            last_reported,
            label,
            reporters,
            source,
        })
    }

    /// Every column must be used up exactly.
    fn section_end(s: &Section<'_>) -> CResult<()> {
        s.keys.end()?;
        s.flags.end()?;
        s.dates.end()?;
        s.labels.end()?;
        s.reporters.end()?;
        s.sources.end()
    }

    /// Calls `f` for each number of a section, in ascending order.
    fn numbers<E: From<CodecError>>(
        &mut self,
        mut f: impl FnMut(i64, Reported) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut s = self.section()?;
        let mut prev = 0i64;
        for _ in 0..s.n {
            prev = s.keys.next_number(prev)?;
            f(prev, self.row(&mut s)?)?;
        }
        Ok(Self::section_end(&s)?)
    }

    /// Removed numbers of a delta: ascending, valid, counted.
    fn removed_numbers<E: From<CodecError>>(
        &mut self,
        mut f: impl FnMut(i64) -> Result<(), E>,
    ) -> Result<(), E> {
        let n = self.main.count()?;
        self.admit(n as u64)?;
        let mut prev = 0i64;
        for _ in 0..n {
            prev = self.main.next_number(prev)?;
            f(prev)?;
        }
        Ok(())
    }

    /// Removed prefixes of a delta: ascending, valid, counted.
    fn removed_prefixes<E: From<CodecError>>(
        &mut self,
        mut f: impl FnMut(String) -> Result<(), E>,
    ) -> Result<(), E> {
        let n = self.main.count()?;
        self.admit(n as u64)?;
        let mut prev = String::new();
        for _ in 0..n {
            let p = self.main.prefix()?;
            if p <= prev {
                return Err(CodecError::Malformed("prefixes out of order or repeated").into());
            }
            prev.clone_from(&p);
            f(p)?;
        }
        Ok(())
    }

    fn prefixes<E: From<CodecError>>(
        &mut self,
        mut f: impl FnMut(String, Reported) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut s = self.section()?;
        let mut prev = String::new();
        for _ in 0..s.n {
            let p = s.keys.prefix()?;
            if p <= prev {
                return Err(CodecError::Malformed("prefixes out of order or repeated").into());
            }
            prev.clone_from(&p);
            f(p, self.row(&mut s)?)?;
        }
        Ok(Self::section_end(&s)?)
    }
}

/// The entry of a header table (labels, sources) that the next 1-based
/// index in `column` names.
fn indexed<'t, T>(column: &mut Cur<'_>, table: &'t [T], what: &'static str) -> CResult<&'t T> {
    usize::try_from(column.varint()?)
        .ok()
        .and_then(|i| i.checked_sub(1))
        .and_then(|i| table.get(i))
        .ok_or(CodecError::Malformed(what))
}

/// An official source as a file names it: a name by the label rule (up to
/// 100 characters), and an empty address or an http(s) one without spaces
/// or control characters.
fn check_source(name: String, url: String) -> CResult<Source> {
    if name.is_empty()
        || name.chars().count() > MAX_SOURCE_NAME_CHARS
        || name
            .chars()
            .any(|c| c.is_control() || crate::text::is_invisible(c))
    {
        return Err(CodecError::Malformed(
            "a source name is empty, too long or has hidden characters",
        ));
    }
    if url.is_empty() {
        return Ok(Source { name, url: None });
    }
    let web = url.starts_with("https://") || url.starts_with("http://");
    if !web
        || url.chars().count() > MAX_SOURCE_URL_CHARS
        || url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || crate::text::is_invisible(c))
    {
        return Err(CodecError::Malformed(
            "a source address is not a web address",
        ));
    }
    Ok(Source {
        name,
        url: Some(url),
    })
}

/// Something that receives decoded entries: a database transaction, or
/// (publishers) an `EntrySet` in memory.
pub trait Sink {
    type Error: From<CodecError>;
    fn upsert(&mut self, target: Target, rep: Reported) -> Result<(), Self::Error>;
    fn remove(&mut self, target: Target) -> Result<(), Self::Error>;
}

/// What a snapshot's header and body said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SnapshotInfo {
    pub version: u64,
    pub entries: u64,
}

/// Streams a decompressed snapshot into `sink`, within `limits`.
pub fn read_snapshot<S: Sink>(
    buf: &[u8],
    sink: &mut S,
    limits: &Limits,
) -> Result<SnapshotInfo, S::Error> {
    let mut d = Dec::new(buf, SNAPSHOT_MAGICS, "snapshot", limits)?;
    let version = d.main.varint()?;
    d.header()?;
    d.numbers(|k, r| sink.upsert(Target::Number(k), r))?;
    d.prefixes(|p, r| sink.upsert(Target::Prefix(p), r))?;
    d.main.end()?;
    Ok(SnapshotInfo {
        version,
        entries: d.entries,
    })
}

/// Streams a decompressed delta into `sink`, within `limits`; returns
/// (from, to). Phones read every step with [`read_step`].
#[cfg(test)]
pub fn read_delta<S: Sink>(
    buf: &[u8],
    sink: &mut S,
    limits: &Limits,
) -> Result<(u64, u64), S::Error> {
    read_delta_as(buf, DELTA_MAGICS, sink, limits)
}

/// One step of a sync: a delta, or a ladder delta.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepInfo {
    pub from: u64,
    pub to: u64,
    /// A ladder delta: it applies to any version in `from..to`, not only
    /// to `from`.
    pub ladder: bool,
}

/// Streams a decompressed delta or ladder delta into `sink`, within
/// `limits`, and says which it was (by its magic).
pub fn read_step<S: Sink>(buf: &[u8], sink: &mut S, limits: &Limits) -> Result<StepInfo, S::Error> {
    let ladder = LADDER_MAGICS.iter().any(|m| buf.get(..4) == Some(&m[..]));
    let magics = if ladder { LADDER_MAGICS } else { DELTA_MAGICS };
    let (from, to) = read_delta_as(buf, magics, sink, limits)?;
    Ok(StepInfo { from, to, ladder })
}

fn read_delta_as<S: Sink>(
    buf: &[u8],
    magics: [&[u8; 4]; 2],
    sink: &mut S,
    limits: &Limits,
) -> Result<(u64, u64), S::Error> {
    let mut d = Dec::new(buf, magics, "delta", limits)?;
    let (from, to) = (d.main.varint()?, d.main.varint()?);
    d.header()?;
    d.numbers(|k, r| sink.upsert(Target::Number(k), r))?;
    d.prefixes(|p, r| sink.upsert(Target::Prefix(p), r))?;
    d.removed_numbers(|k| sink.remove(Target::Number(k)))?;
    d.removed_prefixes(|p| sink.remove(Target::Prefix(p)))?;
    d.main.end()?;
    Ok((from, to))
}

#[cfg(test)]
mod tests;
