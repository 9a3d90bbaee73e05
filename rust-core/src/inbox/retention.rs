//! Retention: what people sent is kept only as long as a decision needs it.
//!
//! A report's content and exact time are evidence for `expire_days`; after
//! that a decision still reads the report, but only its number, day,
//! reporter and keyword: whether it was ever a call report (an SMS-only
//! number) and who reported before a dispute (see `aggregate.rs`). So at
//! each publish the older reports are reduced to those: content cleared,
//! the time cut to the start of its day. A leaked database then holds the
//! words and minutes of the last `expire_days` only.
//!
//! A time cut to its day's start can only move a report earlier, so a
//! reporter seen before a dispute stays "before it": a dispute is never
//! eased by the cut.

use crate::error::Result;
use rusqlite::Transaction;

/// Reduces the reports of the days from `from` up to `horizon` (days since
/// 1970-01-01; those before `from` were reduced by an earlier publish), and
/// returns how many it reduced: a publish reads the days it has not
/// reduced yet, not every old report again.
pub(super) fn reduce(tx: &Transaction, from: i32, horizon: i32) -> Result<u64> {
    // The cleared bytes are zeroed, not left in the pages' free space (on
    // for the rest of this connection: a publish, then the process ends).
    tx.pragma_update(None, "secure_delete", true)?;
    // The day's start in Vietnam (UTC+7), as `aggregate.rs` counts days.
    let reduced = tx.execute(
        "UPDATE report INDEXED BY report_by_day
            SET content = '', received_at = day * 86400 - 25200
          WHERE day >= ?1 AND day < ?2
            AND (content <> '' OR received_at <> day * 86400 - 25200)",
        [from, horizon],
    )?;
    Ok(reduced as u64)
}
