//! `policy`: what the phone does at each level (unknown, suspicious,
//! nuisance, scam, blocked), shown or changed; the core keeps it.

use super::Db;
use anyhow::Result;
use canhgiac_core::Action;

/// `actions`: unknown, suspicious, nuisance, scam, blocked; `None` keeps
/// that level's action. Nothing given: the policy is shown, not written.
pub fn run(db: &Db, actions: [Option<Action>; 5], json: bool) -> Result<()> {
    let guard = if actions.iter().any(Option::is_some) {
        let guard = db.open()?;
        let mut p = guard.policy();
        let [unknown, suspicious, nuisance, scam, blocked] = actions;
        for (slot, new) in [
            (&mut p.unknown, unknown),
            (&mut p.suspicious, suspicious),
            (&mut p.nuisance, nuisance),
            (&mut p.scam, scam),
            (&mut p.blocked, blocked),
        ] {
            if let Some(a) = new {
                *slot = a;
            }
        }
        guard.set_policy(p)?;
        guard
    } else {
        db.open_read_only()?
    };
    let p = guard.policy();
    if json {
        outln!("{}", serde_json::to_string(&p)?);
    } else {
        for (level, a) in [
            ("unknown", p.unknown),
            ("suspicious", p.suspicious),
            ("nuisance", p.nuisance),
            ("scam", p.scam),
            ("blocked", p.blocked),
        ] {
            outln!("{level}: {a}");
        }
    }
    Ok(())
}
