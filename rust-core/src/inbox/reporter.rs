//! Who counts as a reporter: a person's mobile number of Vietnam, or a
//! number the operator allows (`--senders-allowed`, a partner's gateway
//! line); never the number reported, never 113, 156, 5656, a 1800/1900
//! line, a fixed line or a foreign number. Anyone can have a message
//! appear to come from those (a web form, a foreign SMS gateway, a
//! spoofed or shared line), and none of them is a person whose word the
//! list can weigh.

use super::read::Rejection;
use crate::csv_lines::{Line, Lines, coded};
use crate::error::{Error, Result};
use crate::number::{NumberKind, PhoneNumber, normalize, written_foreign};
use std::collections::HashSet;
use std::io::Read;

/// Most numbers an allowed-senders file holds: a few partners' gateway
/// lines, not a second inbox.
pub const MAX_ALLOWED_SENDERS: usize = 1000;

/// Numbers that count as reporters though they are not Vietnamese mobile
/// numbers, by E.164.
#[derive(Debug, Clone, Default)]
pub struct AllowedSenders(HashSet<String>);

impl AllowedSenders {
    /// Reads a CSV whose first column is `number` (others, such as a name,
    /// are the operator's notes). The operator writes this file: a line
    /// that is not a Vietnamese number with an international form (not a
    /// short number, not a foreign one: anyone can send from those)
    /// refuses it whole, named, rather than allowing less than the
    /// operator meant.
    pub fn from_csv(input: impl Read) -> Result<AllowedSenders> {
        let mut lines = Lines::open_with(
            input,
            |h| h.first().map(String::as_str) == Some("number"),
            "number",
        )?;
        let mut set = HashSet::new();
        while let Some(line) = lines.next_line()? {
            let bad = |why: &str| Error::Csv(format!("line {}: {why}", lines.line_no));
            let number = match line {
                Line::Blank => continue,
                Line::Bad(_, reason) => return Err(bad(&reason)),
                Line::Fields(rec) => normalize(&rec[0])
                    .ok()
                    .filter(|n| n.accepted() && n.is_vietnamese())
                    .and_then(|n| n.e164)
                    .ok_or_else(|| bad("not a Vietnamese number with an international form"))?,
            };
            set.insert(number);
            if set.len() > MAX_ALLOWED_SENDERS {
                return Err(bad(&format!(
                    "more than {MAX_ALLOWED_SENDERS} allowed senders"
                )));
            }
        }
        Ok(AllowedSenders(set))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A sender that counts as a reporter, as its E.164 form. The reason never
/// repeats what was written.
pub(super) fn reporter(
    raw: &str,
    allowed: &AllowedSenders,
) -> std::result::Result<String, Rejection> {
    // Before normalising: a flood of foreign senders costs the crate's
    // slow path once each otherwise.
    if written_foreign(raw) {
        return Err(not_mobile("a foreign number"));
    }
    let Some(n) = normalize(raw).ok().filter(PhoneNumber::accepted) else {
        return Err((
            "bad_sender",
            coded("bad_sender", "the sender is not a phone number"),
        ));
    };
    match &n.e164 {
        Some(e164) if allowed.0.contains(e164) => return Ok(e164.clone()),
        Some(e164) if n.is_vietnamese() && n.kind == NumberKind::Mobile => {
            return Ok(e164.clone());
        }
        _ => {}
    }
    Err(not_mobile(what(&n)))
}

fn not_mobile(what: &str) -> Rejection {
    (
        "sender_not_mobile",
        coded(
            "sender_not_mobile",
            format!("only a Vietnamese mobile number counts as a reporter; the sender is {what}"),
        ),
    )
}

/// What kind of number a sender is, in words.
fn what(n: &PhoneNumber) -> &'static str {
    if !n.is_vietnamese() {
        return "a foreign number";
    }
    match n.kind {
        NumberKind::Emergency => "an emergency number",
        NumberKind::ShortCode => "a short number or hotline",
        NumberKind::FixedLine => "a fixed line",
        NumberKind::TollFree => "a 1800 number",
        NumberKind::PremiumRate => "a 1900 number",
        NumberKind::Voip => "a VoIP number",
        NumberKind::Security => "a 069 number",
        NumberKind::Mobile | NumberKind::Other => "not a mobile number",
    }
}

/// A reporter reporting their own number (`e164`, the reporter's) is not
/// evidence about it: anyone can put a number they hold on the list.
pub(super) fn reports_itself(e164: &str, reported: Option<i64>) -> Option<Rejection> {
    (reported.is_some() && crate::number::e164_key(e164) == reported).then(|| {
        (
            "sender_is_reported_number",
            coded(
                "sender_is_reported_number",
                "the sender reports their own number, which counts for nothing",
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_vietnamese_mobiles_count_as_reporters() {
        let none = AllowedSenders::default();
        for raw in [
            "0987654321",
            "+84 98 765 4321",
            "84987654321",
            "0084987654321",
            "01662345678",
        ] {
            assert!(reporter(raw, &none).is_ok(), "{raw}");
        }
        assert_eq!(reporter("0987654321", &none).unwrap(), "+84987654321");
        for (raw, code, kind) in [
            ("", "bad_sender", "not a phone number"),
            ("VIETTEL", "bad_sender", "not a phone number"),
            ("0999999", "bad_sender", "not a phone number"),
            ("113", "sender_not_mobile", "an emergency number"),
            ("156", "sender_not_mobile", "a short number"),
            ("5656", "sender_not_mobile", "a short number"),
            ("+1 202 555 0143", "sender_not_mobile", "a foreign number"),
            ("19001234", "sender_not_mobile", "a 1900 number"),
            ("18001091", "sender_not_mobile", "a 1800 number"),
            ("024 3936 1111", "sender_not_mobile", "a fixed line"),
        ] {
            let (got, reason) = reporter(raw, &none).unwrap_err();
            assert_eq!(got, code, "{raw}");
            assert!(reason.contains(kind), "{raw}: {reason}");
            let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
            assert!(digits.len() < 4 || !reason.contains(&digits), "{reason}");
        }
    }

    #[test]
    fn an_allowed_sender_counts_and_the_file_is_checked_whole() {
        let allowed =
            AllowedSenders::from_csv(&b"number,name\n024 3936 1111,partner gateway\n\n"[..])
                .unwrap();
        assert_eq!(allowed.len(), 1);
        assert_eq!(reporter("02439361111", &allowed).unwrap(), "+842439361111");
        assert!(reporter("19001234", &allowed).is_err());
        for bad in [
            &b"phone\n0901000001\n"[..],
            b"number\n0901000001\nnot a number\n",
            b"number\n113\n",
            b"number\n+1 202 555 0143\n",
        ] {
            assert!(AllowedSenders::from_csv(bad).is_err());
        }
        let mut many = String::from("number\n");
        for i in 0..=MAX_ALLOWED_SENDERS {
            many.push_str(&format!("0901{i:06}\n"));
        }
        let err = AllowedSenders::from_csv(many.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("more than 1000"), "{err}");
    }

    #[test]
    fn reporting_ones_own_number_counts_for_nothing() {
        assert!(reports_itself("+84912345678", Some(84_912_345_678)).is_some());
        assert!(reports_itself("+84912345678", Some(84_912_345_679)).is_none());
        assert!(reports_itself("+84912345678", None).is_none());
    }
}
