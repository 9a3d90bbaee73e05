//! `report`: the SMS to 156/5656, as the user's SMS app would send it.

use super::Db;
use anyhow::Result;
use canhgiac_core::{ReportKind, ReportRequest, ReportTarget, SmsEncoding};

#[allow(clippy::too_many_arguments)] // one per flag of the command
pub fn run(
    db: &Db,
    raw: String,
    kind: ReportKind,
    target: ReportTarget,
    content: String,
    ascii: bool,
    template: Option<String>,
    json: bool,
) -> Result<()> {
    let guard = db.open()?;
    let report = guard.build_report(ReportRequest {
        number: raw,
        kind,
        target,
        content,
        fold_diacritics: ascii,
        template,
    })?;
    if json {
        outln!("{}", serde_json::to_string(&report)?);
        return Ok(());
    }
    outln!("To: {}\n{}", report.to, report.body);
    let enc = match report.encoding {
        SmsEncoding::Gsm7 => "GSM-7",
        SmsEncoding::Ucs2 => "UCS-2 (Unicode)",
    };
    let parts = if report.segments == 1 {
        "1 SMS".to_string()
    } else {
        format!("{} SMS parts", report.segments)
    };
    let cut = if report.truncated {
        ", content shortened"
    } else {
        ""
    };
    outln!("({parts}, {enc}{cut})");
    Ok(())
}
