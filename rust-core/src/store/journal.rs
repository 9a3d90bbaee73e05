//! The user's imports, kept once outside the list file: `cg.db.imports`,
//! an append-only journal. The list file is a cache of it (screening reads
//! the list); when the list is lost or rebuilt, the journal puts the
//! imports back. This module is the file's format and its reading and
//! writing; `imports.rs` keeps it in step with the list file.
//!
//! The file: a 16-byte header (`CGIJ`, version, generation), then records,
//! each `[payload length: u32 LE][CRC-32 of the payload: u32 LE][payload]`.
//! A payload is a batch of puts (numbers sorted and delta-coded as varints,
//! prefix rules, a per-batch label table) or a `clear`. Replaying the
//! records in order gives the imports: a later record overrides an earlier
//! one. About 5 bytes a number (README, "Reliability").
//!
//! The file is on disk, so hostile: every length and count is checked
//! against its bound and against the bytes left before anything is
//! allocated for it.

use crate::model::{Category, Reported, Target};
use std::fs::{File, OpenOptions};
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

const MAGIC: [u8; 4] = *b"CGIJ";
const VERSION: u32 = 1;
/// Magic, version, generation.
pub(crate) const HEADER_LEN: u64 = 16;
/// Entries in one record: an import of a million numbers is about sixteen
/// records, each checked on its own.
pub(crate) const MAX_RECORD_ENTRIES: usize = 65_536;
/// The largest payload a record may claim: 65,536 entries of at most about
/// 30 bytes, and their labels, fit well under it.
const MAX_RECORD_BYTES: u32 = 8 << 20;
/// A label is at most 60 characters (`text::check_label`), 4 bytes each.
const MAX_LABEL_BYTES: usize = 240;
/// E.164 numbers have at most 15 digits.
const MAX_DIGITS: usize = 15;
const MAX_NUMBER: u64 = 999_999_999_999_999;

const PUTS: u8 = 1;
const CLEAR: u8 = 2;

// The flags byte of an entry: the category in two bits, then which of the
// optional fields follow.
const HAS_REPORTS: u8 = 1 << 2;
const HAS_DAY: u8 = 1 << 3;
const HAS_LABEL: u8 = 1 << 4;
const KNOWN_FLAGS: u8 = 0b1_1111;

/// One record, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Record {
    Puts(Vec<(Target, Reported)>),
    /// Every import before it is gone.
    Clear,
}

/// The journal beside the user's file: `cg.db` → `cg.db.imports`.
pub fn path(user: &Path) -> PathBuf {
    PathBuf::from(format!("{}.imports", user.display()))
}

/// A number that tells one written journal from another: the list file
/// records which journal (and how much of it) it has applied.
pub(crate) fn new_generation() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    // Never 0, which the list file never holds for a journal.
    (nanos ^ (u64::from(std::process::id()) << 48)).max(1)
}

fn header(generation: u64) -> [u8; HEADER_LEN as usize] {
    let mut h = [0u8; HEADER_LEN as usize];
    h[..4].copy_from_slice(&MAGIC);
    h[4..8].copy_from_slice(&VERSION.to_le_bytes());
    h[8..].copy_from_slice(&generation.to_le_bytes());
    h
}

fn category_bits(c: Category) -> u8 {
    match c {
        Category::Scam => 0,
        Category::Nuisance => 1,
        Category::Verified => 2,
        Category::Suspicious => 3,
    }
}

fn category_of(bits: u8) -> Category {
    match bits & 3 {
        0 => Category::Scam,
        1 => Category::Nuisance,
        2 => Category::Verified,
        _ => Category::Suspicious,
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

/// Numbers ascending, then prefix rules: the order records and the list
/// file's pages want.
pub(crate) fn target_order(a: &Target, b: &Target) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a, b) {
        (Target::Number(x), Target::Number(y)) => x.cmp(y),
        (Target::Prefix(x), Target::Prefix(y)) => x.cmp(y),
        (Target::Number(_), Target::Prefix(_)) => Ordering::Less,
        (Target::Prefix(_), Target::Number(_)) => Ordering::Greater,
    }
}

/// Sorts a batch as records want it (numbers ascending, then prefixes),
/// keeping the last of entries given twice (as an import applies them).
pub(crate) fn sort_batch(rows: &mut Vec<(Target, Reported)>) {
    // Stable: of equal targets, the later stays later.
    rows.sort_by(|a, b| target_order(&a.0, &b.0));
    let mut out: Vec<(Target, Reported)> = Vec::with_capacity(rows.len());
    for row in rows.drain(..) {
        match out.last_mut() {
            Some(last) if last.0 == row.0 => *last = row,
            _ => out.push(row),
        }
    }
    *rows = out;
}

/// Appends `rows` (sorted by `sort_batch`) as framed records to `out`, at
/// most `MAX_RECORD_ENTRIES` entries each.
pub(crate) fn encode_puts(rows: &[(Target, Reported)], out: &mut Vec<u8>) {
    for chunk in rows.chunks(MAX_RECORD_ENTRIES) {
        let mut labels: Vec<&str> = Vec::new();
        let mut label_index = std::collections::HashMap::new();
        for (_, r) in chunk {
            if let Some(l) = r.label.as_deref() {
                label_index.entry(l).or_insert_with(|| {
                    labels.push(l);
                    labels.len() as u64 - 1
                });
            }
        }
        let mut p = vec![PUTS];
        put_varint(&mut p, labels.len() as u64);
        for l in &labels {
            put_varint(&mut p, l.len() as u64);
            p.extend_from_slice(l.as_bytes());
        }
        let numbers: Vec<_> = chunk
            .iter()
            .filter_map(|(t, r)| match t {
                Target::Number(n) => Some((*n, r)),
                Target::Prefix(_) => None,
            })
            .collect();
        put_varint(&mut p, numbers.len() as u64);
        let mut prev = 0u64;
        for (n, r) in &numbers {
            let n = *n as u64;
            put_varint(&mut p, n - prev);
            prev = n;
            put_fields(&mut p, r, &label_index);
        }
        let prefixes: Vec<_> = chunk
            .iter()
            .filter_map(|(t, r)| match t {
                Target::Prefix(d) => Some((d, r)),
                Target::Number(_) => None,
            })
            .collect();
        put_varint(&mut p, prefixes.len() as u64);
        for (d, r) in prefixes {
            put_varint(&mut p, d.len() as u64);
            p.extend_from_slice(d.as_bytes());
            put_fields(&mut p, r, &label_index);
        }
        frame(&p, out);
    }
}

fn put_fields(p: &mut Vec<u8>, r: &Reported, labels: &std::collections::HashMap<&str, u64>) {
    let mut flags = category_bits(r.category);
    if r.reports != 1 {
        flags |= HAS_REPORTS;
    }
    if r.last_reported.is_some() {
        flags |= HAS_DAY;
    }
    if r.label.is_some() {
        flags |= HAS_LABEL;
    }
    p.push(flags);
    if r.reports != 1 {
        put_varint(p, u64::from(r.reports));
    }
    if let Some(day) = r.last_reported {
        // Days since 2000: two bytes until 2044.
        put_varint(p, zigzag(i64::from(day) - i64::from(crate::dates::MIN_DAY)));
    }
    if let Some(l) = r.label.as_deref() {
        put_varint(p, labels[l]);
    }
}

/// A `clear` record, framed. Nothing in the core clears the imports yet;
/// the format has the record so that a later version may, and this one
/// reads it.
#[cfg(test)]
pub(crate) fn encode_clear(out: &mut Vec<u8>) {
    frame(&[CLEAR], out);
}

fn frame(payload: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
    out.extend_from_slice(payload);
}

/// Reads a payload, every step bounded by what is left of it.
struct Cursor<'a> {
    bytes: &'a [u8],
}

type Bad = &'static str;

impl Cursor<'_> {
    fn byte(&mut self) -> Result<u8, Bad> {
        let (&b, rest) = self.bytes.split_first().ok_or("a record ends early")?;
        self.bytes = rest;
        Ok(b)
    }

    fn varint(&mut self) -> Result<u64, Bad> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("a number in a record is too long")
    }

    /// A count of items that take at least one byte each: never more than
    /// the bytes left, so nothing is allocated for a count that lies.
    fn count(&mut self, max: usize) -> Result<usize, Bad> {
        let n = self.varint()?;
        if n > max as u64 || n > self.bytes.len() as u64 {
            return Err("a record claims more entries than it holds");
        }
        Ok(n as usize)
    }

    fn take(&mut self, n: usize) -> Result<&[u8], Bad> {
        if n > self.bytes.len() {
            return Err("a record ends early");
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    fn fields(&mut self, labels: &[String]) -> Result<Reported, Bad> {
        let flags = self.byte()?;
        if flags & !KNOWN_FLAGS != 0 {
            return Err("an entry has flags this version does not know");
        }
        let reports = if flags & HAS_REPORTS != 0 {
            u32::try_from(self.varint()?)
                .ok()
                .filter(|&r| r >= 1)
                .ok_or("a report count out of range")?
        } else {
            1
        };
        let last_reported = if flags & HAS_DAY != 0 {
            let day = unzigzag(self.varint()?) + i64::from(crate::dates::MIN_DAY);
            Some(i32::try_from(day).map_err(|_| "a day out of range")?)
        } else {
            None
        };
        let label = if flags & HAS_LABEL != 0 {
            let i = self.varint()?;
            Some(
                labels
                    .get(usize::try_from(i).unwrap_or(usize::MAX))
                    .ok_or("a label index out of range")?
                    .clone(),
            )
        } else {
            None
        };
        Ok(Reported {
            category: category_of(flags),
            reports,
            last_reported,
            label,
            reporters: None,
            source: None,
        })
    }
}

/// Decodes one payload (its CRC already checked).
pub(crate) fn decode(payload: &[u8]) -> Result<Record, Bad> {
    let mut c = Cursor { bytes: payload };
    match c.byte()? {
        CLEAR if c.bytes.is_empty() => Ok(Record::Clear),
        PUTS => {
            let mut labels = Vec::new();
            for _ in 0..c.count(MAX_RECORD_ENTRIES)? {
                let n = c.varint()?;
                if n == 0 || n > MAX_LABEL_BYTES as u64 {
                    return Err("a label of an impossible length");
                }
                let text = std::str::from_utf8(c.take(n as usize)?)
                    .map_err(|_| "a label that is not UTF-8")?;
                labels.push(text.to_string());
            }
            let numbers = c.count(MAX_RECORD_ENTRIES)?;
            let mut rows = Vec::with_capacity(numbers);
            let mut prev = 0u64;
            for i in 0..numbers {
                let delta = c.varint()?;
                if i > 0 && delta == 0 {
                    return Err("numbers out of order");
                }
                prev = prev
                    .checked_add(delta)
                    .filter(|&n| n <= MAX_NUMBER)
                    .ok_or("a number out of range")?;
                let rep = c.fields(&labels)?;
                rows.push((Target::Number(prev as i64), rep));
            }
            for _ in 0..c.count(MAX_RECORD_ENTRIES - numbers)? {
                let n = c.varint()?;
                if n == 0 || n > MAX_DIGITS as u64 {
                    return Err("a prefix of an impossible length");
                }
                let digits = c.take(n as usize)?;
                if !digits.iter().all(u8::is_ascii_digit) {
                    return Err("a prefix that is not digits");
                }
                let digits = String::from_utf8_lossy(digits).into_owned();
                let rep = c.fields(&labels)?;
                rows.push((Target::Prefix(digits), rep));
            }
            if !c.bytes.is_empty() {
                return Err("a record has bytes past its end");
            }
            Ok(Record::Puts(rows))
        }
        _ => Err("a record of an unknown kind"),
    }
}

/// The start of a journal file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Head {
    pub generation: u64,
    /// The file's length.
    pub len: u64,
}

/// Reads the header: `Ok(None)` when there is no file, `Err` (in words)
/// when the file is not a journal this version reads.
pub(crate) fn read_head(path: &Path) -> std::io::Result<Result<Option<Head>, String>> {
    let mut f = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Ok(None)),
        Err(e) => return Err(e),
    };
    let len = f.metadata()?.len();
    let mut h = [0u8; HEADER_LEN as usize];
    if len < HEADER_LEN {
        return Ok(Err("the imports journal is shorter than its header".into()));
    }
    f.read_exact(&mut h)?;
    if h[..4] != MAGIC {
        return Ok(Err("the imports journal does not start as one".into()));
    }
    let version = u32::from_le_bytes([h[4], h[5], h[6], h[7]]);
    if version != VERSION {
        return Ok(Err(format!(
            "the imports journal is of version {version}, this app reads {VERSION}"
        )));
    }
    let mut g = [0u8; 8];
    g.copy_from_slice(&h[8..]);
    Ok(Ok(Some(Head {
        generation: u64::from_le_bytes(g),
        len,
    })))
}

/// How a replay ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum End {
    /// Every record read whole.
    Whole,
    /// The last record was cut short (a crash while appending): the file
    /// is good up to `at`.
    Torn { at: u64 },
    /// A record before the end failed its check: the file is good up to
    /// `at`, and what follows cannot be trusted.
    Damaged { at: u64, why: String },
}

/// Reads the records from byte `from` (a record boundary, at least the
/// header's length) to the end, handing each to `each`. Returns how it
/// ended; an error of `each`, or of reading, stops it.
pub(crate) fn replay(
    path: &Path,
    from: u64,
    mut each: impl FnMut(Record) -> crate::error::Result<()>,
) -> crate::error::Result<End> {
    let file = File::open(path)?;
    let len = file.metadata()?.len();
    let mut r = BufReader::with_capacity(1 << 16, file);
    let end = read_records(&mut r, from.max(HEADER_LEN), len, &mut each)?;
    if let End::Damaged { at, .. } = end {
        // Zeros to the end are a tail the disk never got (a crash after
        // the file grew), not damage.
        r.seek(SeekFrom::Start(at))?;
        let mut chunk = [0u8; 8192];
        loop {
            match r.read(&mut chunk)? {
                0 => return Ok(End::Torn { at }),
                n if chunk[..n].iter().any(|&b| b != 0) => break,
                _ => {}
            }
        }
    }
    Ok(end)
}

fn read_records(
    r: &mut BufReader<File>,
    mut at: u64,
    len: u64,
    each: &mut impl FnMut(Record) -> crate::error::Result<()>,
) -> crate::error::Result<End> {
    r.seek(SeekFrom::Start(at))?;
    let mut payload = Vec::new();
    while at < len {
        let left = len - at;
        if left < 8 {
            return Ok(End::Torn { at });
        }
        let mut frame = [0u8; 8];
        r.read_exact(&mut frame)?;
        let n = u32::from_le_bytes([frame[0], frame[1], frame[2], frame[3]]);
        let crc = u32::from_le_bytes([frame[4], frame[5], frame[6], frame[7]]);
        if n > MAX_RECORD_BYTES {
            // Refused before anything is allocated for it.
            return Ok(End::Damaged {
                at,
                why: format!("a record claims {n} bytes"),
            });
        }
        if u64::from(n) > left - 8 {
            return Ok(End::Torn { at });
        }
        payload.resize(n as usize, 0);
        r.read_exact(&mut payload)?;
        let end = at + 8 + u64::from(n);
        if crc32fast::hash(&payload) != crc {
            // The last record, cut by a crash, is torn; one with records
            // after it was damaged on disk.
            return Ok(if end == len {
                End::Torn { at }
            } else {
                End::Damaged {
                    at,
                    why: "a record fails its checksum".into(),
                }
            });
        }
        match decode(&payload) {
            Ok(record) => each(record)?,
            Err(why) => {
                return Ok(End::Damaged {
                    at,
                    why: why.into(),
                });
            }
        }
        at = end;
    }
    Ok(End::Whole)
}

/// Appends framed records to the journal, which must be `expect` bytes
/// long (what the list file says it applied), and waits for the disk.
/// Returns the new length.
pub(crate) fn append(path: &Path, expect: u64, bytes: &[u8]) -> std::io::Result<u64> {
    let mut f = OpenOptions::new().append(true).open(path)?;
    let len = f.metadata()?.len();
    if len != expect {
        return Err(std::io::Error::other(format!(
            "the imports journal is {len} bytes, the list file expected {expect}"
        )));
    }
    f.write_all(bytes)?;
    f.sync_data()?;
    Ok(len + bytes.len() as u64)
}

/// Cuts a torn tail off: the file keeps its whole records.
pub(crate) fn truncate(path: &Path, at: u64) -> std::io::Result<()> {
    let f = OpenOptions::new().write(true).open(path)?;
    f.set_len(at)?;
    f.sync_data()
}

/// A journal being written whole (a first one, or a compaction): under a
/// temporary name, renamed over the old one only once it is on disk.
pub(crate) struct Fresh {
    out: BufWriter<File>,
    tmp: PathBuf,
    path: PathBuf,
    pub generation: u64,
    len: u64,
    buf: Vec<u8>,
}

impl Fresh {
    pub(crate) fn create(path: &Path) -> std::io::Result<Fresh> {
        let tmp = PathBuf::from(format!("{}.tmp", path.display()));
        let generation = new_generation();
        let mut out = BufWriter::with_capacity(1 << 16, File::create(&tmp)?);
        out.write_all(&header(generation))?;
        Ok(Fresh {
            out,
            tmp,
            path: path.to_path_buf(),
            generation,
            len: HEADER_LEN,
            buf: Vec::new(),
        })
    }

    /// Writes a sorted batch (`sort_batch`).
    pub(crate) fn put(&mut self, rows: &[(Target, Reported)]) -> std::io::Result<()> {
        self.buf.clear();
        encode_puts(rows, &mut self.buf);
        self.out.write_all(&self.buf)?;
        self.len += self.buf.len() as u64;
        Ok(())
    }

    /// Puts the file in place; returns its head.
    pub(crate) fn finish(self) -> std::io::Result<Head> {
        let file = self.out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&self.tmp, &self.path)?;
        sync_folder(&self.path);
        Ok(Head {
            generation: self.generation,
            len: self.len,
        })
    }
}

/// Makes a rename in the folder durable. Best effort: some file systems
/// refuse to open a folder, and the rename itself is already atomic.
pub(crate) fn sync_folder(path: &Path) {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && let Ok(d) = File::open(dir)
    {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests;
