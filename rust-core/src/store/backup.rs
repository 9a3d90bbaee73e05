//! What a backup reads from and writes into the user's file: lists,
//! settings, imports and (optionally) history, in one transaction each way.

use super::{ListId, Store, Writer, category_from_code, lists::UserList};
use crate::error::Result;
use crate::model::{Reported, Target};
use rusqlite::params;

/// One entry of a user list, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRow {
    pub key: String,
    pub number: String,
    pub list: UserList,
    pub added_at: i64,
}

/// One screened call, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRow {
    pub at: i64,
    pub number: Option<String>,
    pub e164: Option<String>,
    pub level: String,
    pub action: String,
    pub reasons: String,
}

/// Everything of the user's that a backup carries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserData {
    pub lists: Vec<ListRow>,
    /// Settings by key (policy, sync limits).
    pub config: Vec<(String, String)>,
    /// The feeds followed: name, address, pinned keys (never the consent
    /// to verify organisations, which only the user gives, on the phone).
    pub feeds: Vec<(String, String, Vec<String>)>,
    pub imported: Vec<(Target, Reported)>,
    pub history: Vec<CallRow>,
}

impl Store {
    /// Reads the user's data; history only when asked for.
    pub fn user_data(&self, with_history: bool) -> Result<UserData> {
        self.read(|c| {
            let mut data = UserData::default();
            let mut stmt = c.prepare("SELECT key, number, list, added_at FROM user_list ORDER BY key")?;
            for row in stmt.query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get(1)?, r.get::<_, i64>(2)?, r.get(3)?))
            })? {
                let (key, number, list, added_at) = row?;
                if let Some(list) = UserList::from_code(list) {
                    data.lists.push(ListRow { key, number, list, added_at });
                }
            }
            let mut stmt = c.prepare("SELECT key, value FROM config ORDER BY key")?;
            data.config = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            data.feeds = super::feeds::read_feeds(c)?
                .into_iter()
                .map(|f| (f.name, f.url, f.keys))
                .collect();
            let mut stmt = c.prepare(
                "SELECT target, category, reports, last_reported, label FROM imported ORDER BY target",
            )?;
            for row in stmt.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, Option<i32>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                ))
            })? {
                let (key, category, reports, last_reported, label) = row?;
                let target = match key.strip_suffix('*') {
                    Some(p) => Target::Prefix(p.to_string()),
                    None => match key.parse() {
                        Ok(k) => Target::Number(k),
                        Err(_) => continue,
                    },
                };
                data.imported.push((
                    target,
                    Reported {
                        category: category_from_code(category),
                        reports: reports.clamp(1, i64::from(u32::MAX)) as u32,
                        last_reported,
                        label,
                        reporters: None,
                        source: None,
                    },
                ));
            }
            if with_history {
                let mut stmt = c.prepare(
                    "SELECT at, number, e164, level, action, reasons FROM call_history ORDER BY id",
                )?;
                data.history = stmt
                    .query_map([], |r| {
                        Ok(CallRow {
                            at: r.get(0)?,
                            number: r.get(1)?,
                            e164: r.get(2)?,
                            level: r.get(3)?,
                            action: r.get(4)?,
                            reasons: r.get(5)?,
                        })
                    })?
                    .collect::<rusqlite::Result<_>>()?;
            }
            Ok(data)
        })
    }

    /// Merges `data` into the user's file in one transaction: list entries
    /// and imports are added or replaced, settings replaced, history added.
    /// Nothing is removed. `history_limit` bounds history afterwards.
    pub fn merge_user_data(&self, data: &UserData, history_limit: u32) -> Result<()> {
        self.write(|tx| {
            let mut put = tx.prepare(
                "INSERT INTO user_list (key, list, number, added_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (key) DO UPDATE SET list = excluded.list, number = excluded.number,
                 added_at = excluded.added_at",
            )?;
            for l in &data.lists {
                put.execute(params![l.key, l.list.code(), l.number, l.added_at])?;
            }
            let mut set = tx.prepare(
                "INSERT INTO config (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )?;
            for (k, v) in &data.config {
                set.execute([k, v])?;
            }
            // A feed whose address or keys change loses the consent to
            // verify: that was given to the other one.
            let mut feed = tx.prepare(
                "INSERT INTO feed (name, url, keys, verify_orgs, added_at) VALUES (?1, ?2, ?3, 0, ?4)
                 ON CONFLICT (name) DO UPDATE SET url = excluded.url, keys = excluded.keys,
                 verify_orgs = (feed.verify_orgs AND feed.url = excluded.url AND feed.keys = excluded.keys)",
            )?;
            for (name, url, keys) in &data.feeds {
                feed.execute(params![name, url, keys.join(","), crate::dates::now_unix()])?;
            }
            let mut w = Writer::new(tx, ListId::IMPORTS)?;
            for (target, rep) in &data.imported {
                w.put(target, rep)?;
            }
            drop(w);
            let mut call = tx.prepare(
                "INSERT INTO call_history (at, number, e164, level, action, reasons)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for h in &data.history {
                call.execute(params![
                    h.at, h.number, h.e164, h.level, h.action, h.reasons
                ])?;
            }
            tx.execute(
                "DELETE FROM call_history WHERE id <= (SELECT max(id) FROM call_history) - ?1",
                [i64::from(history_limit.max(1))],
            )?;
            Ok(())
        })?;
        self.load_user_lists()
    }
}
