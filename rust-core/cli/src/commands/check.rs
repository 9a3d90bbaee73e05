//! `check` screens a call as the phone would; `history` shows the calls
//! screened so far.

use super::Db;
use crate::output::{hidden, print_verdict, verdict_json};
use anyhow::{Result, bail};
use canhgiac_core::{CallFacts, Lang, Verification, format_time};

pub fn run(
    db: &Db,
    raw: Option<String>,
    contact: bool,
    verification: Verification,
    hidden_caller: bool,
    json: bool,
    lang: Lang,
) -> Result<()> {
    if raw.is_none() && !hidden_caller {
        bail!("give the caller's number, or --hidden for a hidden caller");
    }
    let guard = db.open()?;
    let facts = CallFacts {
        in_contacts: contact,
        verification,
        hidden: hidden_caller,
    };
    let verdict = guard.screen(raw.clone(), facts)?;
    // The verdict first, as the phone answers the call before it writes.
    if json {
        outln!(
            "{}",
            verdict_json(raw.as_deref().unwrap_or(""), &verdict, lang)
        );
    } else {
        print_verdict(&verdict, lang);
    }
    guard.record(&verdict)?;
    Ok(())
}

pub fn history(db: &Db, limit: u32, json: bool, lang: Lang) -> Result<()> {
    let guard = db.open_read_only()?;
    for h in guard.history(limit)? {
        if json {
            outln!("{}", serde_json::to_string(&h)?);
        } else {
            outln!(
                "{}\t{}\t{}\t{}\t{}",
                format_time(h.at),
                h.number.as_deref().unwrap_or(hidden(lang, false)),
                h.level,
                h.action,
                h.reasons.join(",")
            );
        }
    }
    Ok(())
}
