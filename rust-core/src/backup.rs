//! The user's backup: a versioned JSON file of their lists, policy, feed
//! settings and imports (history optional). `canhgiac export/restore` and
//! `CallGuard::export_backup*/restore_backup*` write and read it, streaming
//! (a million imports never sit in memory); the core also keeps one beside
//! the user's file, without the imports (they have their own journal),
//! refreshed whenever the user's own data changes, so that a damaged user's
//! file is recovered from it.
//!
//! A backup file is outside input like any other: every count and every
//! value is checked as it streams in, and a restore is one transaction that
//! adds and replaces but never removes: a file that fails its checks
//! changes nothing. `restore.rs` reads the file.

use crate::classify::Policy;
use crate::error::{Error, Result};
use crate::model::{Category, Level, Reported, Target};
use crate::store::{DEFAULT_FEED, ListId, Store, UserList, setting};
use serde::{Deserialize, Serialize};
use std::io::Write;

mod restore;
pub use restore::{restore, restore_from};

pub const FORMAT: &str = "canhgiac-backup";
pub const VERSION: u32 = 1;
/// The bound on a backup handed over whole, as bytes (`restore`): the
/// app's small path. A file streamed in (`restore_from`) is bounded by its
/// counts instead.
pub const MAX_BYTES: usize = 16 << 20;
const MAX_LIST_ENTRIES: usize = 100_000;
const MAX_IMPORTED: u64 = 1_000_000;
const MAX_HISTORY: usize = 100_000;
/// Reasons kept in a summary: a file of a million bad entries does not
/// become a million strings.
const MAX_SKIPPED: usize = 1_000;

/// Progress of an export (imports written of all) or a restore (bytes
/// read of the file's size, 0 when unknown), implemented by the app (the
/// picker's progress bar) and the CLI.
#[uniffi::export(foreign)]
pub trait BackupProgress: Send + Sync {
    fn progress(&self, done: u64, total: u64);
}

/// The backup's fields before the imports, in the order they are written.
#[derive(Serialize)]
struct Head<'a> {
    format: &'a str,
    version: u32,
    /// Unix seconds.
    exported_at: i64,
    lists: Vec<ListItem>,
    policy: Option<Policy>,
    /// The `default` feed and the sync limits (the one feed of older
    /// backups).
    feed: Option<FeedSettings>,
    /// Every other feed followed, by name.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    feeds: Vec<NamedFeed>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct ListItem {
    /// As the user saw it; normalised again on restore.
    number: String,
    list: UserList,
    added_at: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct FeedSettings {
    url: Option<String>,
    public_keys: Vec<String>,
    max_download: Option<u64>,
    timeout_secs: Option<u64>,
    max_entries: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct NamedFeed {
    name: String,
    url: String,
    public_keys: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct ImportedItem {
    /// As the import CSV writes it: `+84912345678`, or `+8424399*`.
    target: String,
    category: Category,
    reports: u32,
    /// `2024-02-15`.
    last_reported: Option<String>,
    label: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct CallItem {
    at: i64,
    number: Option<String>,
    e164: Option<String>,
    level: Level,
    action: crate::model::Action,
    reasons: Vec<String>,
}

/// What a restore brought back, and what it left out and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct RestoreSummary {
    pub lists: u64,
    pub imported: u64,
    pub history: u64,
    pub settings: bool,
    /// Entries that were not restored, each with the reason (the first
    /// thousand, then how many more).
    pub skipped: Vec<String>,
}

fn config<'a>(data: &'a crate::store::UserData, key: &str) -> Option<&'a str> {
    data.config
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// What an export carries besides lists, settings and feeds.
#[derive(Debug, Clone, Copy)]
pub struct Carry {
    pub imports: bool,
    pub history: bool,
}

/// The user's data as backup JSON (imports and history included).
pub fn export(store: &Store, with_history: bool) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    export_to(
        store,
        Carry {
            imports: true,
            history: with_history,
        },
        &mut out,
        None,
    )?;
    Ok(out)
}

/// Writes the backup to `out` as it reads it: the imports stream from the
/// list file (through a connection of their own, so that screening is
/// never kept waiting), a batch at a time. Returns the imports written.
pub fn export_to(
    store: &Store,
    carry: Carry,
    out: &mut dyn Write,
    progress: Option<&dyn BackupProgress>,
) -> Result<u64> {
    let written = |e: std::io::Error| Error::Io(e);
    let data = store.user_data(carry.history)?;
    let number = |key: &str| config(&data, key).and_then(|v| v.parse().ok());
    let default_feed = data.feeds.iter().find(|f| f.0 == DEFAULT_FEED);
    let head = Head {
        format: FORMAT,
        version: VERSION,
        exported_at: crate::dates::now_unix(),
        lists: data
            .lists
            .iter()
            .map(|l| ListItem {
                number: l.number.clone(),
                list: l.list,
                added_at: l.added_at,
            })
            .collect(),
        policy: config(&data, setting::POLICY).and_then(|p| serde_json::from_str(p).ok()),
        feed: Some(FeedSettings {
            url: default_feed.map(|f| f.1.clone()),
            public_keys: default_feed.map(|f| f.2.clone()).unwrap_or_default(),
            max_download: number(setting::FEED_MAX_DOWNLOAD),
            timeout_secs: number(setting::FEED_TIMEOUT_SECS),
            max_entries: number(setting::FEED_MAX_ENTRIES),
        }),
        feeds: data
            .feeds
            .iter()
            .filter(|f| f.0 != DEFAULT_FEED)
            .map(|(name, url, keys)| NamedFeed {
                name: name.clone(),
                url: url.clone(),
                public_keys: keys.clone(),
            })
            .collect(),
    };
    let json = |e: serde_json::Error| Error::invalid(format!("the backup cannot be written: {e}"));
    let text = serde_json::to_string_pretty(&head).map_err(json)?;
    // The head's object, left open for the imports and history.
    let open = text.strip_suffix("\n}").unwrap_or(&text);
    out.write_all(open.as_bytes()).map_err(written)?;
    let mut count = 0u64;
    if carry.imports {
        out.write_all(b",\n  \"imported\": [").map_err(written)?;
        let total = store.count_entries(ListId::IMPORTS)?;
        let reader = store.export_reader()?;
        crate::store::for_each_import(&reader, |batch| {
            for (t, r) in batch {
                out.write_all(if count == 0 { b"\n    " } else { b",\n    " })?;
                serde_json::to_writer(&mut *out, &imported_item(t, r)).map_err(json)?;
                count += 1;
            }
            if let Some(p) = progress {
                p.progress(count, total.max(count));
            }
            Ok(())
        })?;
        out.write_all(if count == 0 { b"]" } else { b"\n  ]" })
            .map_err(written)?;
    }
    if carry.history {
        let history: Vec<CallItem> = data.history.iter().map(call_item).collect();
        let text = serde_json::to_string_pretty(&history).map_err(json)?;
        write!(out, ",\n  \"history\": {}", text.replace('\n', "\n  ")).map_err(written)?;
    }
    out.write_all(b"\n}\n").map_err(written)?;
    out.flush().map_err(written)?;
    Ok(count)
}

fn imported_item(t: &Target, r: &Reported) -> ImportedItem {
    ImportedItem {
        target: match t {
            Target::Number(k) => format!("+{k}"),
            Target::Prefix(p) => format!("+{p}*"),
        },
        category: r.category,
        reports: r.reports,
        last_reported: r.last_reported.map(crate::dates::format_day),
        label: r.label.clone(),
    }
}

fn call_item(h: &crate::store::CallRow) -> CallItem {
    CallItem {
        at: h.at,
        number: h.number.clone(),
        e164: h.e164.clone(),
        level: Level::parse(&h.level).unwrap_or(Level::Unknown),
        action: crate::model::Action::parse(&h.action).unwrap_or(crate::model::Action::Allow),
        reasons: h
            .reasons
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
    }
}

/// An imported entry, by the import CSV's own rules.
fn imported_row(item: &ImportedItem) -> std::result::Result<(Target, Reported), String> {
    let target = crate::import::parse_target(&item.target)?;
    if item.category == crate::model::Category::Verified {
        return Err("an import cannot mark a number verified".into());
    }
    if let Some(label) = &item.label {
        crate::text::check_label(label)?;
    }
    let last_reported = match &item.last_reported {
        None => None,
        Some(d) => Some(
            crate::dates::parse_day(d)
                .filter(|day| (crate::dates::MIN_DAY..=crate::dates::today() + 1).contains(day))
                .ok_or("a date outside 2000-01-01 to today")?,
        ),
    };
    Ok((
        target,
        Reported {
            category: item.category,
            reports: item.reports.max(1),
            last_reported,
            label: item.label.clone(),
            reporters: None,
            source: None,
        },
    ))
}

/// A feed's address and keys by the rules `add_feed` applies, but only
/// https from a file: a plain-http feed needs the user's own, explicit
/// choice again.
fn feed_address(url: &str, keys: &[String]) -> std::result::Result<(String, Vec<String>), String> {
    if !url.trim().starts_with("https://") {
        return Err("the feed address is not https".into());
    }
    crate::sync::parse_keys(keys).map_err(|e| e.to_string())?;
    if keys.is_empty() {
        return Err("no public key is pinned".into());
    }
    Ok((
        url.trim().to_string(),
        keys.iter().map(|k| k.trim().to_ascii_lowercase()).collect(),
    ))
}

/// The `default` feed and the sync limits, by the rules `set_feed` and
/// `set_sync_limits` apply.
type DefaultFeed = Option<(String, String, Vec<String>)>;
fn feed_settings(
    f: &FeedSettings,
) -> std::result::Result<(DefaultFeed, Vec<(String, String)>), String> {
    let mut rows = Vec::new();
    let feed = match &f.url {
        Some(url) => {
            let (url, keys) = feed_address(url, &f.public_keys)?;
            Some((DEFAULT_FEED.to_string(), url, keys))
        }
        None => None,
    };
    for (key, value) in [
        (setting::FEED_MAX_DOWNLOAD, f.max_download),
        (setting::FEED_TIMEOUT_SECS, f.timeout_secs),
        (setting::FEED_MAX_ENTRIES, f.max_entries),
    ] {
        if let Some(v) = value {
            crate::sync::check_limit(key, v)?;
            rows.push((key.into(), v.to_string()));
        }
    }
    Ok((feed, rows))
}

/// The copy the core keeps beside the user's file: `cg.db` → `cg.db.backup.json`.
pub fn beside(user_file: &std::path::Path) -> std::path::PathBuf {
    std::path::PathBuf::from(format!("{}.backup.json", user_file.display()))
}

/// Refreshes the copy beside the user's file: its lists, settings and
/// feeds (never the imports, which their journal keeps), so its cost
/// follows the user's own lists. Written whole under a temporary name,
/// flushed to disk, then renamed over the old one: a crash leaves the old
/// copy or the new one, never half of one. A failure is logged, never the
/// user's action's failure: the change itself is already saved.
pub fn refresh_beside(store: &Store, user_file: &std::path::Path) {
    let path = beside(user_file);
    let tmp = path.with_extension("json.tmp");
    let written = (|| -> Result<()> {
        let file = std::fs::File::create(&tmp)?;
        let mut out = std::io::BufWriter::new(file);
        export_to(
            store,
            Carry {
                imports: false,
                history: false,
            },
            &mut out,
            None,
        )?;
        let file = out.into_inner().map_err(|e| Error::Io(e.into_error()))?;
        file.sync_all()?;
        std::fs::rename(&tmp, &path)?;
        crate::store::journal::sync_folder(&path);
        Ok(())
    })();
    if let Err(e) = written {
        tracing::warn!(%e, "could not refresh the backup beside the database");
    }
}

#[cfg(test)]
mod tests;
