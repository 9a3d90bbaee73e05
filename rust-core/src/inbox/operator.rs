//! What an operator types for a decision (a review, a dispute): the
//! number it is about, the reason and the operator's name, each checked
//! before anything is written.

use crate::error::{Error, Result};
use crate::import::parse_target;
use crate::model::Target;
use crate::number::normalize;
use crate::text::is_invisible;

/// Longest reason for a dispute or a decision, in characters.
const MAX_REASON_CHARS: usize = 500;
/// Longest operator name, in characters.
const MAX_OPERATOR_CHARS: usize = 100;

/// One number (any written form), not a prefix rule.
pub(super) fn one_number(number: &str) -> Result<i64> {
    match parse_target(number).map_err(Error::UnusableNumber)? {
        Target::Number(n) => Ok(n),
        Target::Prefix(_) => Err(Error::invalid(
            "a decision is about one number, not a prefix rule",
        )),
    }
}

/// `0912345678` for `84912345678`.
pub(super) fn display(key: i64) -> String {
    let number = format!("+{key}");
    normalize(&number).map_or(number, |n| n.display)
}

/// The reason and the operator's name of a decision, checked.
pub(super) fn reason_and_operator<'a>(
    reason: &'a str,
    operator: &'a str,
) -> Result<(&'a str, &'a str)> {
    Ok((
        check_words(reason, "reason", MAX_REASON_CHARS)?,
        check_name(operator)?,
    ))
}

/// An operator's name, checked as in every decision.
pub(super) fn check_name(name: &str) -> Result<&str> {
    check_words(name, "operator's name", MAX_OPERATOR_CHARS)
}

/// A reason or a name an operator typed: trimmed, not empty, bounded,
/// without control or invisible characters (they would hide text in the
/// audit log and on the operator's screen).
fn check_words<'a>(text: &'a str, what: &str, max: usize) -> Result<&'a str> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::invalid(format!("the {what} is missing")));
    }
    if text.chars().count() > max {
        return Err(Error::invalid(format!(
            "the {what} is longer than {max} characters"
        )));
    }
    if text.chars().any(|c| c.is_control() || is_invisible(c)) {
        return Err(Error::invalid(format!(
            "the {what} contains control or invisible characters"
        )));
    }
    Ok(text)
}
