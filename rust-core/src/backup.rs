//! The user's backup: a versioned JSON file of their lists, policy, feed
//! settings and imports (history optional). `canhgiac export/restore` and
//! `CallGuard::export_backup/restore_backup` write and read it; the core
//! also keeps one beside the user's file, refreshed whenever those change,
//! so that a damaged user's file is recovered from it.
//!
//! A backup file is outside input like any other: its size, every count and
//! every value are checked before anything is written, and a restore is one
//! transaction that adds and replaces but never removes.

use crate::classify::Policy;
use crate::error::{Error, Result};
use crate::model::{Category, Level, Reported, Target};
use crate::store::{CallRow, DEFAULT_FEED, ListRow, MAX_FEEDS, Store, UserData, UserList, setting};
use serde::{Deserialize, Serialize};

pub const FORMAT: &str = "canhgiac-backup";
pub const VERSION: u32 = 1;
/// A backup of the largest plausible user is well under a megabyte.
pub const MAX_BYTES: usize = 16 << 20;
const MAX_LIST_ENTRIES: usize = 100_000;
const MAX_IMPORTED: usize = 1_000_000;
const MAX_HISTORY: usize = 100_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Backup {
    format: String,
    version: u32,
    /// Unix seconds.
    exported_at: i64,
    lists: Vec<ListItem>,
    policy: Option<Policy>,
    /// The `default` feed and the sync limits (the one feed of older
    /// backups).
    feed: Option<FeedSettings>,
    /// Every other feed followed, by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    feeds: Vec<NamedFeed>,
    imported: Vec<ImportedItem>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    history: Option<Vec<CallItem>>,
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
    /// Entries that were not restored, each with the reason.
    pub skipped: Vec<String>,
}

fn config<'a>(data: &'a UserData, key: &str) -> Option<&'a str> {
    data.config
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// The user's data as backup JSON.
pub fn export(store: &Store, with_history: bool) -> Result<Vec<u8>> {
    let data = store.user_data(with_history)?;
    let number = |key: &str| config(&data, key).and_then(|v| v.parse().ok());
    let default_feed = data.feeds.iter().find(|f| f.0 == DEFAULT_FEED);
    let backup = Backup {
        format: FORMAT.into(),
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
        imported: data
            .imported
            .iter()
            .map(|(t, r)| ImportedItem {
                target: match t {
                    Target::Number(k) => format!("+{k}"),
                    Target::Prefix(p) => format!("+{p}*"),
                },
                category: r.category,
                reports: r.reports,
                last_reported: r.last_reported.map(crate::dates::format_day),
                label: r.label.clone(),
            })
            .collect(),
        history: with_history.then(|| {
            data.history
                .iter()
                .map(|h| CallItem {
                    at: h.at,
                    number: h.number.clone(),
                    e164: h.e164.clone(),
                    level: Level::parse(&h.level).unwrap_or(Level::Unknown),
                    action: crate::model::Action::parse(&h.action)
                        .unwrap_or(crate::model::Action::Allow),
                    reasons: h
                        .reasons
                        .split(',')
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect(),
                })
                .collect()
        }),
    };
    let mut out = serde_json::to_vec_pretty(&backup)
        .map_err(|e| Error::invalid(format!("the backup cannot be written: {e}")))?;
    out.push(b'\n');
    Ok(out)
}

/// Checks a backup file whole, then merges it into the user's file in one
/// transaction. An entry that fails a check is skipped and named in the
/// summary; a file that fails (size, format, version, counts) changes
/// nothing.
pub fn restore(store: &Store, bytes: &[u8], history_limit: u32) -> Result<RestoreSummary> {
    if bytes.len() > MAX_BYTES {
        return Err(Error::invalid(format!(
            "the backup is larger than {} MiB: not a Cảnh Giác backup",
            MAX_BYTES >> 20
        )));
    }
    let b: Backup = serde_json::from_slice(bytes)
        .map_err(|e| Error::invalid(format!("not a Cảnh Giác backup: {e}")))?;
    if b.format != FORMAT {
        return Err(Error::invalid("not a Cảnh Giác backup (wrong format name)"));
    }
    if b.version > VERSION {
        return Err(Error::invalid(format!(
            "the backup was made by a newer version of Cảnh Giác (backup version {}): update the app",
            b.version
        )));
    }
    let history = b.history.as_deref().unwrap_or_default();
    if b.lists.len() > MAX_LIST_ENTRIES
        || b.imported.len() > MAX_IMPORTED
        || history.len() > MAX_HISTORY
        || b.feeds.len() > MAX_FEEDS
    {
        return Err(Error::invalid(
            "the backup holds more entries than any phone would",
        ));
    }
    let mut skipped = Vec::new();
    let mut data = UserData::default();
    for (i, l) in b.lists.iter().enumerate() {
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
    for (i, item) in b.imported.iter().enumerate() {
        match imported_row(item) {
            Ok(row) => data.imported.push(row),
            Err(why) => skipped.push(format!("imported entry {}: {why}", i + 1)),
        }
    }
    let mut settings = false;
    if let Some(p) = &b.policy {
        match p.check() {
            Ok(()) => {
                let json = serde_json::to_string(p).map_err(|e| Error::invalid(e.to_string()))?;
                data.config.push((setting::POLICY.into(), json));
                settings = true;
            }
            Err(why) => skipped.push(format!("policy: {why}")),
        }
    }
    if let Some(f) = &b.feed {
        match feed_settings(f) {
            Ok((feed, rows)) => {
                settings |= !rows.is_empty() || feed.is_some();
                data.config.extend(rows);
                data.feeds.extend(feed);
            }
            Err(why) => skipped.push(format!("feed settings: {why}")),
        }
    }
    for f in &b.feeds {
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
    let followed = store.feeds()?;
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
    for h in history {
        data.history.push(CallRow {
            at: h.at,
            number: h
                .number
                .clone()
                .filter(|n| crate::number::normalize(n).is_ok()),
            e164: h
                .e164
                .clone()
                .filter(|n| crate::number::normalize(n).is_ok()),
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
    store.merge_user_data(&data, history_limit)?;
    Ok(RestoreSummary {
        lists: data.lists.len() as u64,
        imported: data.imported.len() as u64,
        history: data.history.len() as u64,
        settings,
        skipped,
    })
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

/// The backup the core keeps beside the user's file: `cg.db` → `cg.db.backup.json`.
pub fn beside(user_file: &std::path::Path) -> std::path::PathBuf {
    std::path::PathBuf::from(format!("{}.backup.json", user_file.display()))
}

/// Refreshes the backup beside the user's file (written whole, then
/// renamed over the old one). A failure is logged, never the user's
/// action's failure: the change itself is already saved.
pub fn refresh_beside(store: &Store, user_file: &std::path::Path) {
    let path = beside(user_file);
    let tmp = path.with_extension("json.tmp");
    let written = export(store, false).and_then(|bytes| {
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, &path)?;
        Ok(())
    });
    if let Err(e) = written {
        tracing::warn!(%e, "could not refresh the backup beside the database");
    }
}

#[cfg(test)]
mod tests;
