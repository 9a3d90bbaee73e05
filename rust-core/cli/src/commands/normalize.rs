//! `normalize`: how raw caller strings are understood.

use crate::output::number_json;
use canhgiac_core::normalize;
use serde_json::json;
use std::process::ExitCode;

/// Exits 1 when any input failed.
pub fn run(raw: &[String], json: bool) -> ExitCode {
    let mut failed = false;
    for input in raw {
        match normalize(input) {
            Ok(n) if json => outln!("{}", number_json(input, &n)),
            Ok(n) => outln!(
                "{input}\t{}\t{}\t{}\t{}{}",
                n.e164.as_deref().unwrap_or("-"),
                n.national,
                n.kind.as_str(),
                n.plan.as_str(),
                n.converted_from
                    .map(|o| format!("\t(was {o})"))
                    .unwrap_or_default()
            ),
            Err(e) => {
                failed = true;
                if json {
                    outln!("{}", json!({"input": input, "error": e.to_string()}));
                } else {
                    errln!("{input}\terror: {e}");
                }
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
