//! The user's own allow and block lists.

use super::Store;
use crate::dates;
use crate::error::Result;
use crate::number::PhoneNumber;
use rusqlite::params;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The user's own lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, uniffi::Enum)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "snake_case")]
pub enum UserList {
    Allow,
    Block,
}

impl UserList {
    pub(super) fn code(self) -> i64 {
        match self {
            UserList::Allow => 1,
            UserList::Block => 2,
        }
    }

    pub(super) fn from_code(c: i64) -> Option<Self> {
        match c {
            1 => Some(UserList::Allow),
            2 => Some(UserList::Block),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct ListEntry {
    /// The number as shown to a person.
    pub number: String,
    pub e164: Option<String>,
    pub list: UserList,
    pub added_at: i64,
}

/// The user-list key: E.164 where there is one, else the national form.
pub(super) fn list_key(n: &PhoneNumber) -> &str {
    n.e164.as_deref().unwrap_or(&n.national)
}

impl Store {
    /// Reads the user's lists into the copy screening uses.
    pub(crate) fn load_user_lists(&self) -> Result<()> {
        let lists = self.read(|c| {
            let mut stmt = c.prepare("SELECT key, list FROM user_list")?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
            let mut lists = HashMap::new();
            for row in rows {
                let (key, code) = row?;
                if let Some(list) = UserList::from_code(code) {
                    lists.insert(key, list);
                }
            }
            Ok(lists)
        })?;
        *self.user_lists.write().unwrap_or_else(|p| p.into_inner()) = lists;
        Ok(())
    }

    /// The list `n` is on, from the copy kept in memory.
    pub(super) fn user_list_of(&self, n: &PhoneNumber) -> Option<UserList> {
        self.user_lists
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(list_key(n))
            .copied()
    }

    fn remember(&self, key: &str, list: Option<UserList>) {
        let mut lists = self.user_lists.write().unwrap_or_else(|p| p.into_inner());
        match list {
            Some(l) => lists.insert(key.to_string(), l),
            None => lists.remove(key),
        };
    }

    /// Puts `n` on a user list (or takes it off with `None`). Returns whether
    /// anything changed. A number is on at most one list.
    pub fn set_user_list(&self, n: &PhoneNumber, list: Option<UserList>) -> Result<bool> {
        let key = list_key(n);
        self.write(|tx| {
            let changed = match list {
                Some(l) => tx.execute(
                    "INSERT INTO user_list (key, list, number, added_at) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (key) DO UPDATE SET list = excluded.list, added_at = excluded.added_at
                     WHERE list != excluded.list",
                    params![key, l.code(), n.display, dates::now_unix()],
                )?,
                None => tx.execute("DELETE FROM user_list WHERE key = ?1", [key])?,
            };
            Ok(changed > 0)
        })
        .inspect(|_| self.remember(key, list))
    }

    /// Removes `n` from `list` only if it is on that list.
    pub fn remove_from_list(&self, n: &PhoneNumber, list: UserList) -> Result<bool> {
        let key = list_key(n);
        let removed = self.write(|tx| {
            Ok(tx.execute(
                "DELETE FROM user_list WHERE key = ?1 AND list = ?2",
                params![key, list.code()],
            )? > 0)
        })?;
        if removed {
            self.remember(key, None);
        }
        Ok(removed)
    }

    pub fn list_entries(&self, list: UserList) -> Result<Vec<ListEntry>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT key, number, added_at FROM user_list WHERE list = ?1 ORDER BY added_at DESC, key",
            )?;
            let rows = stmt.query_map([list.code()], |r| {
                let key: String = r.get(0)?;
                Ok(ListEntry {
                    e164: key.starts_with('+').then_some(key),
                    number: r.get(1)?,
                    list,
                    added_at: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}
