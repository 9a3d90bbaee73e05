//! Reading a backup as it streams in. The small parts (lists, policy,
//! feeds, history) are read into memory, each bounded by its count; the
//! imports, up to a million, go one by one into the store's transaction
//! (and the journal's records), checked as they come. Nothing is committed
//! unless the whole file was read and checked: a file that fails midway
//! changes nothing.

use super::{
    BackupProgress, CallItem, FeedSettings, ImportedItem, ListItem, MAX_BYTES, MAX_HISTORY,
    MAX_IMPORTED, MAX_LIST_ENTRIES, MAX_SKIPPED, NamedFeed, RestoreSummary, VERSION, feed_address,
    feed_settings, imported_row,
};
use crate::classify::Policy;
use crate::error::{Error, Result};
use crate::store::{
    CallRow, FeedRow, Imports, ListRow, MAX_FEEDS, Store, UserData, UserList, setting,
};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::io::Read;
use std::marker::PhantomData;

const TOO_MANY: &str = "the backup holds more entries than any phone would";

/// Checks a backup handed over whole (the app's small path), then merges
/// it as `restore_from` does. A file over `MAX_BYTES` is refused unread.
pub fn restore(store: &Store, bytes: &[u8], history_limit: u32) -> Result<RestoreSummary> {
    if bytes.len() > MAX_BYTES {
        return Err(Error::invalid(format!(
            "the backup is larger than {} MiB: not a Cảnh Giác backup; restore it from a file instead",
            MAX_BYTES >> 20
        )));
    }
    restore_from(store, bytes, bytes.len() as u64, history_limit, None)
}

/// Reads a backup from `input` (`total`: its size in bytes, 0 when
/// unknown, for `progress`) and merges it into the store in one
/// transaction. An entry that fails a check is skipped and named in the
/// summary; a file that fails (format, version, counts, a JSON error
/// anywhere) changes nothing.
pub fn restore_from(
    store: &Store,
    input: impl Read,
    total: u64,
    history_limit: u32,
    progress: Option<&dyn BackupProgress>,
) -> Result<RestoreSummary> {
    let followed = store.feeds()?;
    let input = Counting {
        inner: input,
        done: 0,
        reported: 0,
        total,
        progress,
    };
    let mut skipped = Skipped::default();
    let mut summary = store.write_imports(|tx, imports| {
        let mut sink = Sink {
            imports,
            skipped: &mut skipped,
            seen: 0,
            failed: None,
        };
        let mut de = serde_json::Deserializer::from_reader(std::io::BufReader::with_capacity(
            1 << 16,
            input,
        ));
        let parsed = BackupSeed(&mut sink)
            .deserialize(&mut de)
            .and_then(|parts| de.end().map(|()| parts));
        let parts = match parsed {
            Ok(parts) => parts,
            Err(e) => {
                return Err(sink
                    .failed
                    .take()
                    .unwrap_or_else(|| Error::invalid(format!("not a Cảnh Giác backup: {e}"))));
            }
        };
        let imported = sink.imports.count();
        if parts.format.is_none() || parts.version.is_none() {
            return Err(Error::invalid(
                "not a Cảnh Giác backup (no format name or version)",
            ));
        }
        let (data, settings) = user_part(parts, &followed, &mut skipped);
        crate::store::merge_user_data(tx, &data, history_limit)?;
        Ok(RestoreSummary {
            lists: data.lists.len() as u64,
            imported,
            history: data.history.len() as u64,
            settings,
            skipped: Vec::new(),
        })
    })?;
    store.load_user_lists()?;
    summary.skipped = skipped.into_reasons();
    Ok(summary)
}

/// Counts the bytes read, for the progress callback (every MiB).
struct Counting<'p, R> {
    inner: R,
    done: u64,
    reported: u64,
    total: u64,
    progress: Option<&'p dyn BackupProgress>,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.done += n as u64;
        if let Some(p) = self.progress
            && (self.done - self.reported >= 1 << 20 || n == 0)
        {
            self.reported = self.done;
            p.progress(self.done, self.total.max(self.done));
        }
        Ok(n)
    }
}

/// Reasons for skipped entries, bounded.
#[derive(Default)]
struct Skipped {
    reasons: Vec<String>,
    more: u64,
}

impl Skipped {
    fn push(&mut self, why: String) {
        if self.reasons.len() < MAX_SKIPPED {
            self.reasons.push(why);
        } else {
            self.more += 1;
        }
    }

    fn into_reasons(mut self) -> Vec<String> {
        if self.more > 0 {
            self.reasons
                .push(format!("… and {} more entries skipped", self.more));
        }
        self.reasons
    }
}

/// The small parts of a backup, kept until the whole file has been read.
#[derive(Default)]
struct Parts {
    format: Option<String>,
    version: Option<u32>,
    lists: Vec<ListItem>,
    policy: Option<Policy>,
    feed: Option<FeedSettings>,
    feeds: Vec<NamedFeed>,
    history: Vec<CallItem>,
}

/// Where the imports go as they are read.
struct Sink<'a, 't> {
    imports: &'a mut Imports<'t>,
    skipped: &'a mut Skipped,
    /// Imported entries read so far, good or not.
    seen: u64,
    /// The error that stopped the reading, said in our words (the JSON
    /// reader only carries text).
    failed: Option<Error>,
}

impl Sink<'_, '_> {
    fn fail<E: de::Error>(&mut self, e: Error) -> E {
        let text = e.to_string();
        self.failed = Some(e);
        E::custom(text)
    }
}

/// The top-level object, read key by key in whatever order it comes.
struct BackupSeed<'s, 'a, 't>(&'s mut Sink<'a, 't>);

impl<'de> DeserializeSeed<'de> for BackupSeed<'_, '_, '_> {
    type Value = Parts;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Parts, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for BackupSeed<'_, '_, '_> {
    type Value = Parts;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a Cảnh Giác backup object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Parts, A::Error> {
        let mut parts = Parts::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "format" => {
                    let format: String = map.next_value()?;
                    if format != super::FORMAT {
                        return Err(self
                            .0
                            .fail(Error::invalid("not a Cảnh Giác backup (wrong format name)")));
                    }
                    parts.format = Some(format);
                }
                "version" => {
                    let version: u32 = map.next_value()?;
                    if version > VERSION {
                        return Err(self.0.fail(Error::invalid(format!(
                            "the backup was made by a newer version of Cảnh Giác (backup version {version}): update the app"
                        ))));
                    }
                    parts.version = Some(version);
                }
                "lists" => parts.lists = map.next_value_seed(Bounded::new(MAX_LIST_ENTRIES))?,
                "policy" => parts.policy = map.next_value()?,
                "feed" => parts.feed = map.next_value()?,
                "feeds" => parts.feeds = map.next_value_seed(Bounded::new(MAX_FEEDS))?,
                "imported" => map.next_value_seed(ImportedSeq(&mut *self.0))?,
                "history" => {
                    parts.history = map
                        .next_value_seed(OrNull(Bounded::new(MAX_HISTORY)))?
                        .unwrap_or_default()
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(parts)
    }
}

/// The imports array: each entry checked and put as it is read.
struct ImportedSeq<'s, 'a, 't>(&'s mut Sink<'a, 't>);

impl<'de> DeserializeSeed<'de> for ImportedSeq<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ImportedSeq<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of imported entries")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> std::result::Result<(), S::Error> {
        let sink = self.0;
        while let Some(item) = seq.next_element::<ImportedItem>()? {
            sink.seen += 1;
            if sink.seen > MAX_IMPORTED {
                return Err(sink.fail(Error::invalid(TOO_MANY)));
            }
            match imported_row(&item) {
                Ok((target, rep)) => {
                    if let Err(e) = sink.imports.put(target, rep) {
                        return Err(sink.fail(e));
                    }
                }
                Err(why) => sink
                    .skipped
                    .push(format!("imported entry {}: {why}", sink.seen)),
            }
        }
        Ok(())
    }
}

/// An array of at most `max` items: refused at the first one past it.
struct Bounded<T> {
    max: usize,
    item: PhantomData<T>,
}

impl<T> Bounded<T> {
    fn new(max: usize) -> Self {
        Bounded {
            max,
            item: PhantomData,
        }
    }
}

impl<'de, T: serde::Deserialize<'de>> DeserializeSeed<'de> for Bounded<T> {
    type Value = Vec<T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Vec<T>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: serde::Deserialize<'de>> Visitor<'de> for Bounded<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "a list of at most {} entries", self.max)
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> std::result::Result<Vec<T>, S::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            if items.len() == self.max {
                return Err(de::Error::custom(TOO_MANY));
            }
            items.push(item);
        }
        Ok(items)
    }
}

/// `null`, or what `S` reads.
struct OrNull<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for OrNull<S> {
    type Value = Option<S::Value>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de, S: DeserializeSeed<'de>> Visitor<'de> for OrNull<S> {
    type Value = Option<S::Value>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("null or a list")
    }

    fn visit_none<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        self.0.deserialize(d).map(Some)
    }
}

/// The lists, settings, feeds and history of a backup, checked by the
/// rules the app applies when the user sets them; what fails is skipped
/// and named. Returns them and whether any setting is restored.
fn user_part(parts: Parts, followed: &[FeedRow], skipped: &mut Skipped) -> (UserData, bool) {
    let mut data = UserData::default();
    for (i, l) in parts.lists.iter().enumerate() {
        match crate::number::normalize(&l.number) {
            Ok(n)
                if !(l.list == UserList::Block
                    && n.kind == crate::number::NumberKind::Emergency) =>
            {
                data.lists.push(ListRow {
                    key: n.e164.clone().unwrap_or_else(|| n.national.clone()),
                    number: n.display,
                    list: l.list,
                    added_at: l.added_at,
                })
            }
            Ok(_) => skipped.push(format!(
                "list entry {}: emergency numbers cannot be blocked",
                i + 1
            )),
            Err(e) => skipped.push(format!("list entry {}: {e}", i + 1)),
        }
    }
    let mut settings = false;
    if let Some(p) = &parts.policy {
        match p.check() {
            Ok(()) => match serde_json::to_string(p) {
                Ok(json) => {
                    data.config.push((setting::POLICY.into(), json));
                    settings = true;
                }
                Err(e) => skipped.push(format!("policy: {e}")),
            },
            Err(why) => skipped.push(format!("policy: {why}")),
        }
    }
    if let Some(f) = &parts.feed {
        match feed_settings(f) {
            Ok((feed, rows)) => {
                settings |= !rows.is_empty() || feed.is_some();
                data.config.extend(rows);
                data.feeds.extend(feed);
            }
            Err(why) => skipped.push(format!("feed settings: {why}")),
        }
    }
    for f in &parts.feeds {
        match crate::store::check_feed_name(&f.name)
            .map_err(|e| e.to_string())
            .and_then(|name| Ok((name.to_string(), feed_address(&f.url, &f.public_keys)?)))
        {
            Ok((name, (url, keys))) if !data.feeds.iter().any(|d| d.0 == name) => {
                data.feeds.push((name, url, keys));
                settings = true;
            }
            Ok((name, _)) => skipped.push(format!("feed {name}: named twice")),
            Err(why) => skipped.push(format!("feed {}: {why}", f.name)),
        }
    }
    let new_feeds = data
        .feeds
        .iter()
        .filter(|d| !followed.iter().any(|f| f.name == d.0))
        .count();
    if followed.len() + new_feeds > MAX_FEEDS {
        skipped.push(format!(
            "feeds: the phone would follow more than {MAX_FEEDS}; none was added"
        ));
        data.feeds
            .retain(|d| followed.iter().any(|f| f.name == d.0));
    }
    for h in parts.history {
        data.history.push(CallRow {
            at: h.at,
            number: h.number.filter(|n| crate::number::normalize(n).is_ok()),
            e164: h.e164.filter(|n| crate::number::normalize(n).is_ok()),
            level: h.level.as_str().into(),
            action: h.action.as_str().into(),
            reasons: h
                .reasons
                .iter()
                .filter(|r| crate::classify::ReasonCode::parse(r).is_some())
                .cloned()
                .collect::<Vec<_>>()
                .join(","),
        });
    }
    (data, settings)
}
