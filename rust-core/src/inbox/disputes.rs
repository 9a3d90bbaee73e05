//! Disputes: someone says a listed number is theirs and honest. A dispute
//! names its reason and who filed it; it takes the number off the list
//! until enough new people report it, unless so many people reported the
//! number (`dispute_override_reporters`) that one dispute must not erase
//! them: then the number stays listed and the dispute waits for an
//! operator, who upholds it (off the list, as any dispute) or rejects it
//! (the number stays). A dispute can be withdrawn; an upheld one can be
//! undone, rejected or withdrawn, with a reason, like any decision.

use super::audit::operator_line;
use super::db::PublisherDb;
use super::operator::{display, one_number, reason_and_operator};
use crate::dates;
use crate::error::{Error, Result};
use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;
use std::collections::HashMap;

/// A dispute and its state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dispute {
    pub id: i64,
    /// `+84912345678`.
    pub number: String,
    /// `0912345678`.
    pub display: String,
    pub reason: String,
    /// Who filed it (none for disputes filed before names were kept).
    pub operator: Option<String>,
    /// Unix seconds.
    pub disputed_at: i64,
    /// `open` (in force), `waiting` (for an operator: the number stays
    /// listed), `upheld`, `rejected`, `withdrawn`.
    pub state: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub decision: Option<String>,
}

/// Records a dispute against `number` (any written form), filed by
/// `operator`.
pub fn dispute(
    db: &mut PublisherDb,
    number: &str,
    reason: &str,
    operator: &str,
) -> Result<Dispute> {
    dispute_at(db, number, reason, operator, dates::now_unix())
}

pub(crate) fn dispute_at(
    db: &mut PublisherDb,
    number: &str,
    reason: &str,
    operator: &str,
    now: i64,
) -> Result<Dispute> {
    let key = one_number(number)?;
    let (reason, operator) = reason_and_operator(reason, operator)?;
    let tx = db.transaction()?;
    tx.execute(
        "INSERT INTO dispute (number, reason, disputed_at, operator) VALUES (?1, ?2, ?3, ?4)",
        params![key, reason, now, operator],
    )?;
    let id = tx.last_insert_rowid();
    operator_line(&tx, "dispute_filed", key, Some(id), operator, reason, now)?;
    let d = one(&tx, id)?;
    tx.commit()?;
    Ok(d)
}

/// What an operator does with a dispute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisputeDecision {
    /// It stands: the number leaves the list until new people report it.
    Uphold,
    /// It does not: the number is decided as if it had not been disputed.
    Reject,
    /// Whoever filed it takes it back.
    Withdraw,
}

impl DisputeDecision {
    fn state(self) -> &'static str {
        match self {
            DisputeDecision::Uphold => "upheld",
            DisputeDecision::Reject => "rejected",
            DisputeDecision::Withdraw => "withdrawn",
        }
    }
}

/// Decides dispute `id` (as `reports disputes` numbers it): an open or
/// waiting dispute; an upheld one can still be rejected or withdrawn.
pub fn decide_dispute(
    db: &mut PublisherDb,
    id: i64,
    decision: DisputeDecision,
    reason: &str,
    operator: &str,
) -> Result<Dispute> {
    decide_dispute_at(db, id, decision, reason, operator, dates::now_unix())
}

pub(crate) fn decide_dispute_at(
    db: &mut PublisherDb,
    id: i64,
    decision: DisputeDecision,
    reason: &str,
    operator: &str,
    now: i64,
) -> Result<Dispute> {
    let (reason, operator) = reason_and_operator(reason, operator)?;
    let tx = db.transaction()?;
    let found: Option<(i64, String)> = tx
        .query_row(
            "SELECT number, state FROM dispute WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((number, state)) = found else {
        return Err(Error::invalid(format!(
            "there is no dispute {id}: `reports disputes` lists them"
        )));
    };
    // An upheld dispute can be undone (rejected or withdrawn: the number
    // is decided again on its evidence); a closed one is not reopened, a
    // new dispute is filed instead.
    let undo = state == "upheld" && decision != DisputeDecision::Uphold;
    if !matches!(state.as_str(), "open" | "waiting") && !undo {
        return Err(Error::invalid(format!(
            "dispute {id} is already {state}; file a new dispute to dispute the number again"
        )));
    }
    tx.execute(
        "UPDATE dispute SET state = ?2, decided_by = ?3, decided_at = ?4, decision = ?5 WHERE id = ?1",
        params![id, decision.state(), operator, now, reason],
    )?;
    let line = format!("dispute_{}", decision.state());
    operator_line(&tx, &line, number, Some(id), operator, reason, now)?;
    let d = one(&tx, id)?;
    tx.commit()?;
    Ok(d)
}

/// Every dispute, oldest first.
pub fn disputes(db: &PublisherDb) -> Result<Vec<Dispute>> {
    let mut stmt = db
        .conn
        .prepare(&format!("{SELECT} ORDER BY disputed_at, id"))?;
    let rows = stmt
        .query_map([], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub(super) const SELECT: &str = "SELECT id, number, reason, operator, disputed_at, state, decided_by, decided_at, decision FROM dispute";

fn one(tx: &Transaction, id: i64) -> Result<Dispute> {
    Ok(tx.query_row(&format!("{SELECT} WHERE id = ?1"), [id], from_row)?)
}

pub(super) fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Dispute> {
    let key: i64 = r.get(1)?;
    Ok(Dispute {
        id: r.get(0)?,
        number: format!("+{key}"),
        display: display(key),
        reason: r.get(2)?,
        operator: r.get(3)?,
        disputed_at: r.get(4)?,
        state: r.get(5)?,
        decided_by: r.get(6)?,
        decided_at: r.get(7)?,
        decision: r.get(8)?,
    })
}

/// A number's dispute in force as a publish reads it: the latest open,
/// waiting or upheld one up to the end of `as_of`.
#[derive(Debug, Clone, Copy)]
pub(super) struct InForce {
    pub(super) id: i64,
    pub(super) at: i64,
    /// Upheld by an operator: no number of people overrides it.
    pub(super) upheld: bool,
}

pub(super) fn read_in_force(tx: &Transaction, before: i64) -> Result<HashMap<i64, InForce>> {
    let mut stmt = tx.prepare(
        "SELECT number, id, disputed_at, state FROM dispute
          WHERE disputed_at < ?1 AND state IN ('open', 'waiting', 'upheld')
          ORDER BY disputed_at, id",
    )?;
    let mut rows = stmt.query([before])?;
    let mut in_force = HashMap::new();
    while let Some(r) = rows.next()? {
        in_force.insert(
            r.get(0)?,
            InForce {
                id: r.get(1)?,
                at: r.get(2)?,
                upheld: r.get::<_, String>(3)? == "upheld",
            },
        );
    }
    Ok(in_force)
}

/// Open disputes that now wait for an operator (the number stays listed),
/// and waiting ones whose evidence fell below the override (in force
/// again).
pub(super) fn set_waiting(tx: &Transaction, waiting: &[i64], open: &[i64]) -> Result<()> {
    let mut wait =
        tx.prepare("UPDATE dispute SET state = 'waiting' WHERE id = ?1 AND state = 'open'")?;
    for id in waiting {
        wait.execute([id])?;
    }
    let mut reopen =
        tx.prepare("UPDATE dispute SET state = 'open' WHERE id = ?1 AND state = 'waiting'")?;
    for id in open {
        reopen.execute([id])?;
    }
    Ok(())
}
