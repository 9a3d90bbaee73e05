//! The publisher's half of the codec (feature `publisher`): the list in
//! memory (`EntrySet`, and the `Delta` between two of them), written as
//! snapshot and delta files, and read back to check them. A phone only
//! reads (`super`), so none of this, nor the brotli encoder, is in its
//! library. A change to the format changes both halves and `FORMAT.md`.

use super::{Bits, CResult, CodecError, DELTA_MAGICS, LADDER_MAGICS, SNAPSHOT_MAGICS, Sink};
use crate::model::{Category, Reported, Source, Target};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;

/// The format publishers write.
pub const WRITE_FORMAT: u32 = 2;
/// Brotli settings: the best ratio; publishing is rare, reading is cheap.
const BROTLI_QUALITY: u32 = 11;
/// The quality of a snapshot written once a day (the day's checkpoint, and
/// every publish of a daily publisher). Not 11: on 1,000,000 synthetic
/// entries (2026-12-07, release) quality 10 came within 0.5% of 11's size
/// (2,445 against 2,442 KB without labels, 3,147 against 3,132 KB with
/// labels, reporters and sources) in 3.15 s against 3.88 s and 4.75 s
/// against 6.99 s; quality 9 and below were 8–9% larger.
pub const SNAPSHOT_QUALITY: u32 = 10;
/// The quality of a snapshot written between two of the day's checkpoints
/// by a publisher that publishes every few minutes: the snapshot is the
/// whole list again at every publish (phones that read no ladder need the
/// newest), and at quality 11 it alone would cost seconds of CPU each time.
/// Phones that follow the feed fetch the ladder, not it. Measured on a
/// 1,000,000-entry list (2026-12-07): quality 5 took 258 ms with the
/// encoding, 4 took 214 ms, 2 took 164 ms, 1 took 150 ms, for files within
/// 1.2% of each other (2,549 / 2,535 / 2,552 / 2,579 KB): the list's
/// columns compress about as well at any of them.
pub const FAST_SNAPSHOT_QUALITY: u32 = 2;
const BROTLI_WINDOW: u32 = 24;

/// The reported entries of one list version, keyed for ordered output.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntrySet {
    pub numbers: BTreeMap<i64, Reported>,
    pub prefixes: BTreeMap<String, Reported>,
}

impl EntrySet {
    pub fn len(&self) -> usize {
        self.numbers.len() + self.prefixes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn insert(&mut self, target: Target, rep: Reported) {
        match target {
            Target::Number(n) => {
                self.numbers.insert(n, rep);
            }
            Target::Prefix(p) => {
                self.prefixes.insert(p, rep);
            }
        }
    }
}

/// What changed from `old` to `new`: the entries added or changed, with
/// their new values, and the keys removed. Both maps are walked once, side
/// by side in key order: a publish every few minutes compares a million
/// entries each time, and a lookup of each in the other map costs about
/// ten times as much (cache misses down the tree).
fn changes<K: Ord + Clone>(
    old: &BTreeMap<K, Reported>,
    new: &BTreeMap<K, Reported>,
) -> (BTreeMap<K, Reported>, Vec<K>) {
    use std::cmp::Ordering;
    let mut upserts = Vec::new();
    let mut removed = Vec::new();
    let (mut o, mut n) = (old.iter().peekable(), new.iter().peekable());
    loop {
        match (o.peek(), n.peek()) {
            (None, None) => break,
            (Some((k, _)), None) => {
                removed.push((*k).clone());
                o.next();
            }
            (None, Some((k, v))) => {
                upserts.push(((*k).clone(), (*v).clone()));
                n.next();
            }
            (Some((ko, vo)), Some((kn, vn))) => match ko.cmp(kn) {
                Ordering::Less => {
                    removed.push((*ko).clone());
                    o.next();
                }
                Ordering::Greater => {
                    upserts.push(((*kn).clone(), (*vn).clone()));
                    n.next();
                }
                Ordering::Equal => {
                    if vo != vn {
                        upserts.push(((*kn).clone(), (*vn).clone()));
                    }
                    o.next();
                    n.next();
                }
            },
        }
    }
    // Built from sorted pairs in one pass (BTreeMap's bulk build).
    (upserts.into_iter().collect(), removed)
}

/// The changes from one version to the next.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delta {
    pub from: u64,
    pub to: u64,
    /// Added or changed entries, with their full new values.
    pub upserts: EntrySet,
    pub removed_numbers: Vec<i64>,
    pub removed_prefixes: Vec<String>,
}

impl Delta {
    /// What changed from `old` to `new`.
    pub fn between(from: u64, old: &EntrySet, to: u64, new: &EntrySet) -> Delta {
        let (upserts, removed_numbers) = changes(&old.numbers, &new.numbers);
        let (prefixes, removed_prefixes) = changes(&old.prefixes, &new.prefixes);
        Delta {
            from,
            to,
            upserts: EntrySet {
                numbers: upserts,
                prefixes,
            },
            removed_numbers,
            removed_prefixes,
        }
    }

    /// It changes nothing.
    pub fn is_empty(&self) -> bool {
        self.upserts.is_empty()
            && self.removed_numbers.is_empty()
            && self.removed_prefixes.is_empty()
    }

    /// The in-memory twin of applying a delta (tests compare it with the database).
    #[cfg(test)]
    pub fn apply_to(&self, set: &mut EntrySet) {
        for k in &self.removed_numbers {
            set.numbers.remove(k);
        }
        for k in &self.removed_prefixes {
            set.prefixes.remove(k);
        }
        set.numbers
            .extend(self.upserts.numbers.iter().map(|(k, v)| (*k, v.clone())));
        set.prefixes.extend(
            self.upserts
                .prefixes
                .iter()
                .map(|(k, v)| (k.clone(), v.clone())),
        );
    }
}

/// A sink that keeps nothing: checking a file without holding its entries.
pub struct Discard;

impl Sink for Discard {
    type Error = CodecError;
    fn upsert(&mut self, _: Target, _: Reported) -> CResult<()> {
        Ok(())
    }
    fn remove(&mut self, _: Target) -> CResult<()> {
        Ok(())
    }
}

impl Sink for EntrySet {
    type Error = CodecError;
    fn upsert(&mut self, target: Target, rep: Reported) -> CResult<()> {
        self.insert(target, rep);
        Ok(())
    }
    fn remove(&mut self, target: Target) -> CResult<()> {
        match target {
            Target::Number(n) => self.numbers.remove(&n),
            Target::Prefix(p) => self.prefixes.remove(&p),
        };
        Ok(())
    }
}

fn category_code(c: Category) -> u8 {
    match c {
        Category::Scam => 0,
        Category::Nuisance => 1,
        Category::Verified => 2,
        Category::Suspicious => 3,
    }
}

/// Format 1 has one category bit: it says scam or nuisance, never
/// "verified" or "suspicious" (and a suspicious entry written as a scam
/// would say more than its evidence does).
fn format1_says(c: Category) -> bool {
    matches!(c, Category::Scam | Category::Nuisance)
}

/// Column-wise sections: numbers, flags, dates and labels each in a run of
/// their own, so that the compressor models like with like (about 13%
/// smaller than row-wise on a million entries).
#[derive(Default)]
struct Columns {
    keys: Vec<u8>,
    flags: Vec<u8>,
    dates: Vec<u8>,
    labels: Vec<u8>,
    /// Format 2 only.
    reporters: Vec<u8>,
    sources: Vec<u8>,
}

pub(super) fn put_varint(buf: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        buf.push((v as u8) | 0x80);
        v >>= 7;
    }
    buf.push(v as u8);
}

struct Enc {
    format: u32,
    buf: Vec<u8>,
    labels: HashMap<String, u64>,
    sources: HashMap<Source, u64>,
    base_day: i64,
}

/// A table of the distinct values `f` gives, numbered from 1 in order.
fn table<'a, T: Ord + Clone + std::hash::Hash + 'a>(
    sets: &[&'a EntrySet],
    f: impl Fn(&'a Reported) -> Option<&'a T>,
) -> HashMap<T, u64> {
    let mut all: Vec<&T> = sets
        .iter()
        .flat_map(|s| s.numbers.values().chain(s.prefixes.values()))
        .filter_map(f)
        .collect();
    all.sort_unstable();
    all.dedup();
    all.into_iter()
        .enumerate()
        .map(|(i, v)| (v.clone(), i as u64 + 1))
        .collect()
}

/// A table's values in index order.
fn in_order<T: Clone>(t: &HashMap<T, u64>) -> Vec<T> {
    let mut rows: Vec<(&T, &u64)> = t.iter().collect();
    rows.sort_by_key(|(_, i)| **i);
    rows.into_iter().map(|(v, _)| v.clone()).collect()
}

impl Enc {
    fn new(format: u32, magics: [&[u8; 4]; 2], sets: &[&EntrySet]) -> Enc {
        let base_day = sets
            .iter()
            .flat_map(|s| s.numbers.values().chain(s.prefixes.values()))
            .filter_map(|r| r.last_reported)
            .max()
            .map_or(0, i64::from);
        let mut e = Enc {
            format,
            buf: magics[format as usize - 1].to_vec(),
            labels: table(sets, |r| r.label.as_ref()),
            // Format 1 has no sources: its entries are written without them.
            sources: if format >= 2 {
                table(sets, |r| r.source.as_ref())
            } else {
                HashMap::new()
            },
            base_day,
        };
        e.buf.reserve(sets.iter().map(|s| s.len() * 5).sum());
        e
    }

    fn varint(&mut self, v: u64) {
        put_varint(&mut self.buf, v);
    }

    fn zigzag(&mut self, v: i64) {
        self.varint(((v << 1) ^ (v >> 63)) as u64);
    }

    fn str(&mut self, s: &str) {
        self.varint(s.len() as u64);
        self.buf.extend_from_slice(s.as_bytes());
    }

    /// Header after the magic: base day, the label table, and in format 2
    /// the source table (name, then address or an empty string).
    fn header(&mut self) {
        self.zigzag(self.base_day);
        let labels = in_order(&self.labels);
        self.varint(labels.len() as u64);
        for l in &labels {
            self.str(l);
        }
        if self.format >= 2 {
            let sources = in_order(&self.sources);
            self.varint(sources.len() as u64);
            for s in &sources {
                self.str(&s.name);
                self.str(s.url.as_deref().unwrap_or(""));
            }
        }
    }

    /// One entry's attributes, each into its own column.
    /// Format 1 flags: bit 0 nuisance, bit 1 has date, bit 2 has label,
    /// bits 3–7 reports − 1 (31 means "31 + a varint that follows", in the
    /// flags column). Format 2 takes bits 3 and 4 for "has reporters" and
    /// "has source", leaving bits 5–7 for reports − 1 (7 means "7 + a
    /// varint").
    fn row(&self, c: &mut Columns, r: &Reported) {
        let b = Bits::of(self.format);
        let small = u64::from(r.reports.max(1) - 1);
        let mut flags = ((small.min(b.cap) as u8) << b.shift) | category_code(r.category);
        if r.last_reported.is_some() {
            flags |= b.date;
        }
        let label = r.label.as_deref().and_then(|l| self.labels.get(l).copied());
        if label.is_some() {
            flags |= b.label;
        }
        if self.format >= 2 {
            if let Some(n) = r.reporters {
                flags |= b.reporters;
                put_varint(&mut c.reporters, u64::from(n));
            }
            if let Some(i) = r.source.as_ref().and_then(|s| self.sources.get(s)) {
                flags |= b.source;
                put_varint(&mut c.sources, *i);
            }
        }
        c.flags.push(flags);
        if small >= b.cap {
            put_varint(&mut c.flags, small - b.cap);
        }
        if let Some(day) = r.last_reported {
            put_varint(&mut c.dates, (self.base_day - i64::from(day)).max(0) as u64);
        }
        if let Some(l) = label {
            put_varint(&mut c.labels, l);
        }
    }

    /// A section: the entry count, then four columns (six in format 2),
    /// each length-prefixed.
    fn section(&mut self, n: usize, c: Columns) {
        self.varint(n as u64);
        let mut cols = vec![c.keys, c.flags, c.dates, c.labels];
        if self.format >= 2 {
            cols.extend([c.reporters, c.sources]);
        }
        for col in cols {
            self.varint(col.len() as u64);
            self.buf.extend_from_slice(&col);
        }
    }

    /// Format 1 cannot say "verified" or "suspicious": such entries are
    /// left out of it.
    fn writable(&self, r: &Reported) -> bool {
        self.format >= 2 || format1_says(r.category)
    }

    fn numbers<'a>(&mut self, rows: impl Iterator<Item = (&'a i64, &'a Reported)>) {
        let rows: Vec<_> = rows.filter(|(_, r)| self.writable(r)).collect();
        let n = rows.len();
        let mut c = Columns::default();
        let mut prev = 0i64;
        for (k, r) in rows {
            put_varint(&mut c.keys, (*k - prev) as u64);
            prev = *k;
            self.row(&mut c, r);
        }
        self.section(n, c);
    }

    fn prefixes<'a>(&mut self, rows: impl Iterator<Item = (&'a String, &'a Reported)>) {
        let rows: Vec<_> = rows.filter(|(_, r)| self.writable(r)).collect();
        let n = rows.len();
        let mut c = Columns::default();
        for (p, r) in rows {
            put_varint(&mut c.keys, p.len() as u64);
            c.keys.extend_from_slice(p.as_bytes());
            self.row(&mut c, r);
        }
        self.section(n, c);
    }

    fn finish(self) -> Vec<u8> {
        self.finish_at(BROTLI_QUALITY)
    }

    fn finish_at(self, quality: u32) -> Vec<u8> {
        compress(&self.buf, quality)
    }
}

/// `raw` compressed as feed files are, at brotli `quality` (0 to 11).
pub fn compress(raw: &[u8], quality: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() / 2);
    {
        let mut w =
            brotli::CompressorWriter::new(&mut out, 1 << 16, quality.min(11), BROTLI_WINDOW);
        w.write_all(raw).expect("writing to memory");
    }
    out
}

/// A compressed snapshot file, in the format publishers write.
pub fn encode_snapshot(version: u64, set: &EntrySet) -> Vec<u8> {
    encode_snapshot_as(WRITE_FORMAT, version, set)
}

/// A compressed snapshot file in `format` (1 or 2; format 1 drops the
/// reporters and sources).
pub fn encode_snapshot_as(format: u32, version: u64, set: &EntrySet) -> Vec<u8> {
    encode_snapshot_at(format, version, set, SNAPSHOT_QUALITY)
}

/// [`encode_snapshot_as`] at brotli `quality` (0 to 11).
pub fn encode_snapshot_at(format: u32, version: u64, set: &EntrySet, quality: u32) -> Vec<u8> {
    compress(&encode_snapshot_raw(format, version, set), quality)
}

/// A snapshot before compression: what a phone reads once it has
/// decompressed the file.
pub fn encode_snapshot_raw(format: u32, version: u64, set: &EntrySet) -> Vec<u8> {
    assert!((1..=2).contains(&format), "format 1 or 2");
    let mut e = Enc::new(format, SNAPSHOT_MAGICS, &[set]);
    e.varint(version);
    e.header();
    e.numbers(set.numbers.iter());
    e.prefixes(set.prefixes.iter());
    e.buf
}

/// A compressed delta file, in the format publishers write.
pub fn encode_delta(d: &Delta) -> Vec<u8> {
    encode_delta_as(WRITE_FORMAT, d)
}

/// A compressed delta file in `format` (1 or 2).
pub fn encode_delta_as(format: u32, d: &Delta) -> Vec<u8> {
    encode_step(format, DELTA_MAGICS, d)
}

/// A compressed ladder delta: `d.upserts` and removals are every entry
/// touched after `d.from` up to `d.to`, with its value at `d.to`, so that
/// it applies to any version in between (FORMAT.md, *The ladder*).
pub fn encode_ladder(d: &Delta) -> Vec<u8> {
    encode_step(WRITE_FORMAT, LADDER_MAGICS, d)
}

fn encode_step(format: u32, magics: [&[u8; 4]; 2], d: &Delta) -> Vec<u8> {
    assert!((1..=2).contains(&format), "format 1 or 2");
    let mut e = Enc::new(format, magics, &[&d.upserts]);
    e.varint(d.from);
    e.varint(d.to);
    e.header();
    e.numbers(d.upserts.numbers.iter());
    e.prefixes(d.upserts.prefixes.iter());
    // Format 1 cannot say "verified" or "suspicious": an entry that became
    // one is removed from a format-1 phone's list instead of staying a scam
    // there.
    let verified = |r: &Reported| format < 2 && !format1_says(r.category);
    let mut removed_numbers = d.removed_numbers.clone();
    removed_numbers.extend(
        d.upserts
            .numbers
            .iter()
            .filter(|(_, r)| verified(r))
            .map(|(k, _)| *k),
    );
    removed_numbers.sort_unstable();
    removed_numbers.dedup();
    let mut removed_prefixes = d.removed_prefixes.clone();
    removed_prefixes.extend(
        d.upserts
            .prefixes
            .iter()
            .filter(|(_, r)| verified(r))
            .map(|(k, _)| k.clone()),
    );
    removed_prefixes.sort_unstable();
    removed_prefixes.dedup();
    e.varint(removed_numbers.len() as u64);
    let mut prev = 0i64;
    for k in &removed_numbers {
        e.varint((*k - prev) as u64);
        prev = *k;
    }
    e.varint(removed_prefixes.len() as u64);
    for p in &removed_prefixes {
        e.str(p);
    }
    e.finish()
}
