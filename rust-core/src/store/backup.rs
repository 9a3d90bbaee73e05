//! What a backup reads from and writes into the user's file: lists,
//! settings and (optionally) history, in one transaction each way. The
//! imports, which can be a million, are streamed apart (`for_each_import`,
//! `Store::write_imports`).

use super::{Store, lists::UserList};
use crate::error::Result;
use rusqlite::{Transaction, params};

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

/// What a backup carries of the user's besides the imports (streamed
/// apart: `for_each_import`, `Store::write_imports`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserData {
    pub lists: Vec<ListRow>,
    /// Settings by key (policy, sync limits).
    pub config: Vec<(String, String)>,
    /// The feeds followed: name, address, pinned keys (never the consent
    /// to verify organisations, which only the user gives, on the phone).
    pub feeds: Vec<(String, String, Vec<String>)>,
    pub history: Vec<CallRow>,
}

impl Store {
    /// Reads the user's data; history only when asked for.
    pub fn user_data(&self, with_history: bool) -> Result<UserData> {
        self.read(|c| {
            let mut data = UserData::default();
            let mut stmt =
                c.prepare("SELECT key, number, list, added_at FROM user_list ORDER BY key")?;
            for row in stmt.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get(1)?,
                    r.get::<_, i64>(2)?,
                    r.get(3)?,
                ))
            })? {
                let (key, number, list, added_at) = row?;
                if let Some(list) = UserList::from_code(list) {
                    data.lists.push(ListRow {
                        key,
                        number,
                        list,
                        added_at,
                    });
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
}

/// Merges `data` into the user's file inside the caller's transaction (a
/// restore writes imports in the same one): list entries are added or
/// replaced, settings replaced, history added. Nothing is removed.
/// `history_limit` bounds history afterwards. The caller reloads the
/// user's lists after the commit.
pub(crate) fn merge_user_data(tx: &Transaction, data: &UserData, history_limit: u32) -> Result<()> {
    {
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
    }
}
