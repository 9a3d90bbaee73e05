//! Screened calls and the reports built for the user, each pruned to a bound.

use super::Store;
use crate::dates;
use crate::error::Result;
use crate::model::{Action, Level};
use crate::number::PhoneNumber;
use rusqlite::params;
use serde::Serialize;

/// Reports kept in the outbox; older ones are pruned.
pub(super) const OUTBOX_LIMIT: i64 = 500;

/// How many screened calls history keeps by default.
pub const DEFAULT_HISTORY_LIMIT: u32 = 1000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct HistoryEntry {
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    /// The number as shown to a person; `None` for a hidden caller.
    pub number: Option<String>,
    pub e164: Option<String>,
    pub level: Level,
    pub action: Action,
    /// Reason codes, most important first.
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct OutboxEntry {
    pub id: i64,
    pub at: i64,
    pub to: String,
    pub body: String,
    /// The reported number, as written in the report.
    pub number: String,
    pub keyword: String,
}

impl Store {
    /// Appends a screened call and prunes history to `limit` rows.
    pub fn record_call(
        &self,
        n: Option<&PhoneNumber>,
        level: Level,
        action: Action,
        reasons: &[&str],
        limit: u32,
    ) -> Result<i64> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO call_history (at, number, e164, level, action, reasons)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    dates::now_unix(),
                    n.map(|n| n.display.as_str()),
                    n.and_then(|n| n.e164.as_deref()),
                    level.as_str(),
                    action.as_str(),
                    reasons.join(","),
                ],
            )?;
            let id = tx.last_insert_rowid();
            tx.execute(
                "DELETE FROM call_history WHERE id <= ?1",
                [id - i64::from(limit.max(1))],
            )?;
            Ok(id)
        })
    }

    /// The newest `limit` screened calls, newest first.
    pub fn history(&self, limit: u32) -> Result<Vec<HistoryEntry>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, at, number, e164, level, action, reasons
                 FROM call_history ORDER BY id DESC LIMIT ?1",
            )?;
            let rows = stmt.query_map([limit], |r| {
                let level: String = r.get(4)?;
                let action: String = r.get(5)?;
                let reasons: String = r.get(6)?;
                Ok(HistoryEntry {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    number: r.get(2)?,
                    e164: r.get(3)?,
                    level: Level::parse(&level).unwrap_or(Level::Unknown),
                    action: Action::parse(&action).unwrap_or(Action::Allow),
                    reasons: reasons
                        .split(',')
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect(),
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    pub fn clear_history(&self) -> Result<u64> {
        self.write(|tx| Ok(tx.execute("DELETE FROM call_history", [])? as u64))
    }

    /// Keeps a built report in the outbox/history.
    pub fn record_report(&self, to: &str, body: &str, number: &str, keyword: &str) -> Result<i64> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO report_outbox (at, to_addr, body, number, keyword)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![dates::now_unix(), to, body, number, keyword],
            )?;
            let id = tx.last_insert_rowid();
            tx.execute(
                "DELETE FROM report_outbox WHERE id <= ?1",
                [id - OUTBOX_LIMIT],
            )?;
            Ok(id)
        })
    }

    pub fn reports(&self, limit: u32) -> Result<Vec<OutboxEntry>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, at, to_addr, body, number, keyword FROM report_outbox
                 ORDER BY id DESC LIMIT ?1",
            )?;
            let rows = stmt.query_map([limit], |r| {
                Ok(OutboxEntry {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    to: r.get(2)?,
                    body: r.get(3)?,
                    number: r.get(4)?,
                    keyword: r.get(5)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}
