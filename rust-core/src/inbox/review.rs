//! The review queue: numbers whose false listing harms most (a shop's
//! fixed line, a bank's 1800/1900 hotline, a protected or verified number)
//! are not listed on community reports alone. A publish holds them here;
//! an operator approves (listed on its evidence, as scam or nuisance even
//! when the evidence is a burst) or rejects (off the list until new people
//! report it again) — any number, held or listed as suspicious. Every
//! decision names who took it and why, and is written to the audit log.

use super::audit::operator_line;
use super::db::PublisherDb;
use super::operator::{display, one_number, reason_and_operator};
use crate::dates;
use crate::error::{Error, Result};
use crate::number::{NumberKind, normalize};
use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;
use std::collections::HashMap;

/// Why a number is held for review instead of listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Hold {
    /// A fixed line: a shop's, an office's, a hospital's.
    FixedLine,
    /// 1800…: an organisation's free hotline.
    TollFree,
    /// 1900…: an organisation's paid hotline.
    PremiumRate,
    /// 069…: the police's (and army's) own network: a real office's line
    /// as often as a spoofed one, so a person looks before it is listed.
    SecurityNetwork,
    /// In the policy's protected set: never listed, held only to be seen.
    Protected,
    /// An official source marked it an organisation's own: listed as
    /// verified, held only to be seen.
    Verified,
}

impl Hold {
    pub fn as_str(self) -> &'static str {
        match self {
            Hold::FixedLine => "fixed_line",
            Hold::TollFree => "toll_free",
            Hold::PremiumRate => "premium_rate",
            Hold::SecurityNetwork => "security_network",
            Hold::Protected => "protected",
            Hold::Verified => "verified",
        }
    }

    /// The kinds of number held by what they are.
    pub(super) fn of_number(key: i64) -> Option<Hold> {
        match normalize(&format!("+{key}")).ok()?.kind {
            NumberKind::FixedLine => Some(Hold::FixedLine),
            NumberKind::TollFree => Some(Hold::TollFree),
            NumberKind::PremiumRate => Some(Hold::PremiumRate),
            NumberKind::Security => Some(Hold::SecurityNetwork),
            _ => None,
        }
    }

    /// Whether an operator's approval can list it: a protected or verified
    /// number leaves that set (policy, source) first.
    fn approvable(why: &str) -> bool {
        !matches!(why, "protected" | "verified")
    }
}

/// An operator's word about a number, as the publish reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Verdict {
    Held,
    Approved,
    /// When: who reported after it, and never before, is new evidence.
    Rejected {
        at: i64,
    },
}

/// Every number's row in the queue.
pub(super) fn read_reviews(tx: &Transaction) -> Result<HashMap<i64, Verdict>> {
    let mut stmt = tx.prepare("SELECT number, state, decided_at FROM review")?;
    let rows = stmt.query_map([], |r| {
        let state: String = r.get(1)?;
        let verdict = match state.as_str() {
            "approved" => Verdict::Approved,
            "rejected" => Verdict::Rejected {
                at: r.get::<_, Option<i64>>(2)?.unwrap_or(0),
            },
            _ => Verdict::Held,
        };
        Ok((r.get(0)?, verdict))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A number held by a publish, with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeldNumber {
    /// `+84912345678`.
    pub number: String,
    /// `0912345678`.
    pub display: String,
    pub why: Hold,
    /// Days since a publish first held it.
    pub age_days: i64,
    /// Distinct people, and their reports, within `expire_days`.
    pub reporters: u32,
    pub reports: u32,
    /// `YYYY-MM-DD` of its last report.
    pub last_report: String,
}

/// The queue as a publish leaves it: the numbers it held are added (their
/// first day kept) or updated; those no longer held leave it (their
/// evidence aged out, or an official source took over). Returns them with
/// their age, oldest first.
pub(super) fn write_held(
    tx: &Transaction,
    held: &[(i64, Hold, u32, u32, i32)],
    now: i64,
) -> Result<Vec<HeldNumber>> {
    tx.execute(
        "CREATE TEMP TABLE IF NOT EXISTS held_now (number INTEGER PRIMARY KEY)",
        [],
    )?;
    tx.execute("DELETE FROM temp.held_now", [])?;
    {
        let mut put = tx.prepare(
            "INSERT INTO review (number, state, why, held_since, reporters, reports, last_day)
             VALUES (?1, 'held', ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (number) DO UPDATE SET
                 why = excluded.why, reporters = excluded.reporters,
                 reports = excluded.reports, last_day = excluded.last_day,
                 held_since = CASE WHEN state = 'held' THEN held_since ELSE excluded.held_since END,
                 state = 'held', operator = NULL, reason = NULL, decided_at = NULL",
        )?;
        let mut now_held = tx.prepare("INSERT INTO temp.held_now VALUES (?1)")?;
        for &(number, why, reporters, reports, last_day) in held {
            put.execute(params![
                number,
                why.as_str(),
                now,
                reporters,
                reports,
                last_day
            ])?;
            now_held.execute([number])?;
        }
    }
    tx.execute(
        "DELETE FROM review WHERE state = 'held' AND number NOT IN (SELECT number FROM temp.held_now)",
        [],
    )?;
    tx.execute("DROP TABLE temp.held_now", [])?;
    queue(tx, now, -1, 0)
}

/// Approvals and rejections older than `expire_days` leave the queue: the
/// evidence they were given on has aged out, and new evidence is decided
/// anew.
pub(super) fn forget_old_decisions(tx: &Transaction, before: i64) -> Result<()> {
    tx.execute(
        "DELETE FROM review WHERE state != 'held' AND decided_at < ?1",
        [before],
    )?;
    Ok(())
}

/// A rejected number whose new evidence reached the threshold again: its
/// rejection is spent, and it is decided anew.
pub(super) fn reopen(tx: &Transaction, numbers: &[i64]) -> Result<()> {
    let mut stmt = tx.prepare("DELETE FROM review WHERE number = ?1 AND state = 'rejected'")?;
    for n in numbers {
        stmt.execute([n])?;
    }
    Ok(())
}

/// The held numbers, oldest first: `limit` of them (-1: all) from `offset`.
pub(super) fn queue(
    conn: &rusqlite::Connection,
    now: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<HeldNumber>> {
    let mut stmt = conn.prepare(
        "SELECT number, why, held_since, reporters, reports, last_day FROM review
          WHERE state = 'held' ORDER BY held_since, number LIMIT ?1 OFFSET ?2",
    )?;
    let rows = stmt.query_map([limit, offset], |r| {
        let key: i64 = r.get(0)?;
        let why: String = r.get(1)?;
        let since: i64 = r.get(2)?;
        Ok(HeldNumber {
            number: format!("+{key}"),
            display: display(key),
            why: match why.as_str() {
                "fixed_line" => Hold::FixedLine,
                "toll_free" => Hold::TollFree,
                "premium_rate" => Hold::PremiumRate,
                "security_network" => Hold::SecurityNetwork,
                "verified" => Hold::Verified,
                _ => Hold::Protected,
            },
            age_days: (now - since).max(0) / 86_400,
            reporters: r.get(3)?,
            reports: r.get(4)?,
            last_report: dates::format_day(r.get(5)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The numbers the last publish held, oldest first.
pub fn held(db: &PublisherDb) -> Result<Vec<HeldNumber>> {
    queue(&db.conn, dates::now_unix(), -1, 0)
}

/// An operator's decision about a number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub number: String,
    pub display: String,
    /// `approved` or `rejected`.
    pub state: &'static str,
    pub reason: String,
    pub operator: String,
    /// Unix seconds.
    pub decided_at: i64,
}

/// Approves a number: listed on its evidence, as scam or nuisance.
pub fn approve(
    db: &mut PublisherDb,
    number: &str,
    reason: &str,
    operator: &str,
) -> Result<Decision> {
    decide_at(db, number, "approved", reason, operator, dates::now_unix())
}

/// Rejects a number: off the list until new people report it.
pub fn reject(
    db: &mut PublisherDb,
    number: &str,
    reason: &str,
    operator: &str,
) -> Result<Decision> {
    decide_at(db, number, "rejected", reason, operator, dates::now_unix())
}

pub(crate) fn decide_at(
    db: &mut PublisherDb,
    number: &str,
    state: &'static str,
    reason: &str,
    operator: &str,
    now: i64,
) -> Result<Decision> {
    let key = one_number(number)?;
    let (reason, operator) = reason_and_operator(reason, operator)?;
    let tx = db.transaction()?;
    let why: Option<String> = tx
        .query_row("SELECT why FROM review WHERE number = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?
        .flatten();
    if state == "approved" && why.as_deref().is_some_and(|w| !Hold::approvable(w)) {
        return Err(Error::invalid(format!(
            "{} is {}: take it out of the protected list or the source first",
            display(key),
            why.unwrap_or_default()
        )));
    }
    tx.execute(
        "INSERT INTO review (number, state, operator, reason, decided_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (number) DO UPDATE SET state = excluded.state, operator = excluded.operator,
             reason = excluded.reason, decided_at = excluded.decided_at",
        params![key, state, operator, reason, now],
    )?;
    operator_line(&tx, state, key, None, operator, reason, now)?;
    tx.commit()?;
    Ok(Decision {
        number: format!("+{key}"),
        display: display(key),
        state,
        reason: reason.to_string(),
        operator: operator.to_string(),
        decided_at: now,
    })
}
