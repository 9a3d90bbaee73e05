//! `reports held | approve | reject` and `reports dispute | disputes |
//! withdraw-dispute | uphold-dispute | reject-dispute`: an operator's
//! decisions about numbers and disputes, each with its reason and the
//! operator's name (`--operator` or `CANHGIAC_OPERATOR`), written to the
//! audit log.

use super::Db;
use anyhow::Result;
use canhgiac_core::format_time;
use canhgiac_core::publisher::{self, Decision, Dispute, DisputeDecision};

pub fn dispute(db: &Db, number: &str, reason: &str, operator: &str) -> Result<()> {
    let d = publisher::dispute(&mut db.publisher()?, number, reason, operator)?;
    outln!(
        "dispute {} against {}: off the list at the next publish until enough new people report it, unless it waits for an operator (see `reports disputes`)",
        d.id,
        d.display
    );
    Ok(())
}

pub fn disputes(db: &Db, json: bool) -> Result<()> {
    let all = publisher::disputes(&db.publisher()?)?;
    if all.is_empty() && !json {
        outln!("no disputes");
    }
    for d in all {
        if json {
            outln!("{}", serde_json::to_string(&d)?);
        } else {
            print_dispute(&d);
        }
    }
    Ok(())
}

pub fn decide_dispute(
    db: &Db,
    id: i64,
    decision: DisputeDecision,
    reason: &str,
    operator: &str,
) -> Result<()> {
    let d = publisher::decide_dispute(&mut db.publisher()?, id, decision, reason, operator)?;
    print_dispute(&d);
    Ok(())
}

pub fn held(db: &Db, json: bool) -> Result<()> {
    let queue = publisher::held(&db.publisher()?)?;
    if queue.is_empty() && !json {
        outln!("the review queue is empty (as the last publish left it)");
    }
    for h in queue {
        if json {
            outln!("{}", serde_json::to_string(&h)?);
        } else {
            outln!(
                "{}  held {} days  {}  {} people, {} reports, last {}",
                h.display,
                h.age_days,
                h.why.as_str(),
                h.reporters,
                h.reports,
                h.last_report
            );
        }
    }
    Ok(())
}

/// `reports approve` (`approve` true) or `reports reject`.
pub fn decide(db: &Db, number: &str, approve: bool, reason: &str, operator: &str) -> Result<()> {
    let mut pdb = db.publisher()?;
    let d = if approve {
        publisher::approve(&mut pdb, number, reason, operator)?
    } else {
        publisher::reject(&mut pdb, number, reason, operator)?
    };
    print_decision(&d);
    Ok(())
}

fn print_dispute(d: &Dispute) {
    let decided = match (&d.decided_by, d.decided_at, &d.decision) {
        (Some(by), Some(at), Some(why)) => format!(" — by {by}, {}: {why}", format_time(at)),
        _ => String::new(),
    };
    outln!(
        "{}  {}  {}  {}  filed by {}: {}{decided}",
        d.id,
        format_time(d.disputed_at),
        d.display,
        d.state,
        d.operator.as_deref().unwrap_or("(not recorded)"),
        d.reason
    );
}

fn print_decision(d: &Decision) {
    let effect = if d.state == "approved" {
        "listed on its evidence at the next publish, as scam or nuisance"
    } else {
        "off the list until enough new people report it"
    };
    outln!(
        "{} {} by {} ({}): {effect}",
        d.display,
        d.state,
        d.operator,
        d.reason
    );
}
