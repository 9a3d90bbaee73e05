//! CSV of reported numbers → rows for the store.
//!
//! Header: `number,category,reports,last_reported,label`. A number ending in
//! `*` is a prefix rule. A bad row is reported by its line number and
//! skipped; the good rows go into the store in one transaction.

pub use crate::csv_lines::RejectedRow;
use crate::csv_lines::{Line, Lines, Record};
use crate::dates;
use crate::error::Result;
use crate::model::{Category, Reported, Target};
use crate::number::{self, NumberKind};
use crate::text::check_label;
use serde::Serialize;
use std::collections::HashMap;
use std::io::Read;

pub const HEADER: [&str; 5] = ["number", "category", "reports", "last_reported", "label"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, uniffi::Record)]
pub struct ImportSummary {
    pub imported: u64,
    pub rejected: Vec<RejectedRow>,
}

pub struct Parsed {
    pub rows: Vec<(Target, Reported)>,
    pub rejected: Vec<RejectedRow>,
}

/// Reads the whole CSV. A wrong header is an error (nothing is imported);
/// every other line is imported or reported by its number in `rejected`.
///
/// Lines are split first and each is parsed on its own: no field of this
/// format may hold a line break, so an unterminated quote costs its own
/// line only, instead of swallowing every line after it into one label.
pub fn parse_csv(input: impl Read) -> Result<Parsed> {
    let mut lines = Lines::open(input, &HEADER)?;
    let mut rows = Vec::new();
    let mut rejected = Vec::new();
    // Where each number was first seen: a repeat is reported, not counted.
    let mut seen: HashMap<Target, u64> = HashMap::new();
    while let Some(line) = lines.next_line()? {
        let parsed = match line {
            Line::Blank => continue,
            Line::Bad(_, reason) => Err(reason),
            Line::Fields(rec) => parse_row(&rec),
        };
        match parsed {
            Ok(row) => match seen.entry(row.0.clone()) {
                std::collections::hash_map::Entry::Occupied(first) => {
                    rejected.push(lines.reject(format!("the same number as line {}", first.get())))
                }
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(lines.line_no);
                    rows.push(row);
                }
            },
            Err(reason) => rejected.push(lines.reject(reason)),
        }
    }
    Ok(Parsed { rows, rejected })
}

fn parse_row(rec: &Record) -> std::result::Result<(Target, Reported), String> {
    if rec.len() != HEADER.len() {
        return Err(format!(
            "expected {} fields, found {}",
            HEADER.len(),
            rec.len()
        ));
    }
    let target = parse_target(&rec[0])?;
    // `verified` is a feed's word only, from a feed the user allowed to
    // verify: a CSV cannot make a number look like a bank's.
    let category = Category::parse(&rec[1].to_ascii_lowercase())
        .filter(|c| *c != Category::Verified)
        .ok_or_else(|| "category must be `scam`, `nuisance` or `suspicious`".to_string())?;
    let reports = match &rec[2] {
        "" => 1,
        s => s
            .parse::<u32>()
            .ok()
            .filter(|&n| n >= 1)
            .ok_or_else(|| "reports must be a whole number of at least 1".to_string())?,
    };
    let last_reported = match &rec[3] {
        "" => None,
        s => Some(
            dates::parse_day(s)
                .ok_or_else(|| "last_reported must be a date like 2024-02-15".to_string())
                .and_then(|d| {
                    // The bounds every feed decoder enforces too.
                    (dates::MIN_DAY..=dates::today().saturating_add(1))
                        .contains(&d)
                        .then_some(d)
                        .ok_or_else(|| {
                            "last_reported must be between 2000-01-01 and today".to_string()
                        })
                })?,
        ),
    };
    let label = match &rec[4] {
        "" => None,
        s => {
            check_label(s)?;
            Some(s.to_string())
        }
    };
    Ok((
        target,
        Reported {
            category,
            reports,
            last_reported,
            label,
            reporters: None,
            source: None,
        },
    ))
}

/// A number or a `…*` prefix rule, as E.164 digits.
pub fn parse_target(raw: &str) -> std::result::Result<Target, String> {
    if let Some(prefix) = raw.strip_suffix('*') {
        return parse_prefix(prefix).map(Target::Prefix);
    }
    let n = number::normalize(raw).map_err(|e| e.to_string())?;
    if matches!(n.kind, NumberKind::Emergency | NumberKind::ShortCode) {
        return Err("short and emergency numbers cannot be reported".into());
    }
    // A possible number (a range the metadata does not list yet) is real
    // enough to report: `024 99xx xxxx` callers were.
    if !n.accepted() {
        return Err("not a number that can exist in its country's numbering plan".into());
    }
    n.key()
        .map(Target::Number)
        .ok_or_else(|| "the number has no international form".into())
}

fn parse_prefix(raw: &str) -> std::result::Result<String, String> {
    let cleaned = number::clean(raw).map_err(|e| e.to_string())?;
    let d = cleaned.digits.as_str();
    let e164 = if cleaned.plus {
        d.to_string()
    } else if let Some(rest) = d.strip_prefix("00") {
        rest.to_string()
    } else if let Some(rest) = d.strip_prefix('0') {
        format!("84{rest}")
    } else if d.starts_with("84") {
        d.to_string()
    } else {
        return Err(
            "a prefix rule starts with +, 00, 0 or 84 (for example +224* or 024399*)".into(),
        );
    };
    if !(3..=15).contains(&e164.len()) {
        return Err("a prefix rule has 3 to 15 digits (E.164 numbers have at most 15)".into());
    }
    Ok(e164)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_rows_import_and_bad_rows_are_reported_by_line() {
        let csv = "number,category,reports,last_reported,label\n\
                   0912345678,scam,37,2024-02-15,mạo danh công an\n\
                   +84 98 765 4321,nuisance,,,\n\
                   hello,scam,1,,\n\
                   113,scam,1,,\n\
                   0987000111,fraud,1,,\n\
                   0987000112,scam,-3,,\n\
                   0987000113,scam,1,15/02/2024,\n\
                   0987000114,scam,1\n\
                   +224*,scam,5,,wangiri\n\
                   024399*,nuisance,2,,\n\
                   \"0987000115\",scam,2,,\"nhãn, có dấu phẩy\"\n";
        let p = parse_csv(csv.as_bytes()).unwrap();
        let lines: Vec<u64> = p.rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![4, 5, 6, 7, 8, 9], "{:?}", p.rejected);
        assert_eq!(p.rows.len(), 5);
        assert_eq!(p.rows[0].0, Target::Number(84_912_345_678));
        assert_eq!(p.rows[0].1.reports, 37);
        assert_eq!(p.rows[0].1.label.as_deref(), Some("mạo danh công an"));
        assert_eq!(p.rows[1].1.reports, 1, "an empty count means one report");
        assert_eq!(p.rows[2].0, Target::Prefix("224".into()));
        assert_eq!(p.rows[3].0, Target::Prefix("8424399".into()));
        assert_eq!(p.rows[4].1.label.as_deref(), Some("nhãn, có dấu phẩy"));
        assert!(p.rejected[1].reason.contains("emergency"));
        assert!(p.rejected[2].reason.contains("category"));
    }

    #[test]
    fn prefix_rules_have_3_to_15_digits() {
        assert!(parse_target("+224*").is_ok());
        assert!(parse_target("+84 24 3999 1234 5678*").is_err(), "16 digits");
        assert!(
            parse_target("0241234567890123*").is_err(),
            "18 digits once 84 is added"
        );
        assert!(parse_target("+22*").is_err());
    }

    #[test]
    fn wrong_header_is_an_error() {
        let err = parse_csv("phone,type\n0912345678,scam\n".as_bytes())
            .err()
            .unwrap();
        assert!(err.to_string().contains("header"), "{err}");
        assert!(parse_csv("".as_bytes()).is_err());
    }

    #[test]
    fn invalid_utf8_line_is_rejected_not_fatal() {
        let mut csv =
            b"number,category,reports,last_reported,label\n0912345678,scam,1,,\xff\xfe\n".to_vec();
        csv.extend_from_slice(b"0912345679,scam,1,,\n");
        let p = parse_csv(&csv[..]).unwrap();
        assert_eq!(p.rows.len(), 1);
        assert_eq!(p.rejected.len(), 1);
        assert_eq!(p.rejected[0].line, 2);
    }

    #[test]
    fn an_unterminated_quote_costs_its_own_line_only() {
        // Finding 16: lines 3-5 vanished into line 2's label.
        let csv = "number,category,reports,last_reported,label\n\
                   0912345678,scam,1,,\"never closed\n\
                   0912345679,scam,1,,\n\
                   0912345680,scam,1,,\"a, b\"\n\
                   0912345681,scam,1,,\"say \"\"hi\"\"\"\n";
        let p = parse_csv(csv.as_bytes()).unwrap();
        assert_eq!(p.rows.len(), 3, "{:?}", p.rejected);
        assert_eq!(p.rejected.len(), 1);
        assert_eq!(p.rejected[0].line, 2);
        assert!(p.rejected[0].reason.contains("quote"));
        assert_eq!(p.rows[2].1.label.as_deref(), Some("say \"hi\""));
    }

    #[test]
    fn invalid_numbers_repeats_and_impossible_dates_are_reported() {
        // Finding 17: 0999999 became +84999999; repeats counted as
        // imported; -2024-01-01, 0000-01-01 and year 5000 accepted.
        let csv = "number,category,reports,last_reported,label\n\
                   0999999,scam,1,,\n\
                   0912345678,scam,1,,\n\
                   +84 912 345 678,nuisance,1,,\n\
                   0912345679,scam,1,0000-01-01,\n\
                   0912345680,scam,1,5000-01-01,\n\
                   0912345681,scam,1,-2024-01-01,\n\
                   0912345682,scam,1,1999-12-31,\n\
                   0912345683,scam,1,2000-01-01,\n";
        let p = parse_csv(csv.as_bytes()).unwrap();
        let lines: Vec<u64> = p.rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![2, 4, 5, 6, 7, 8], "{:?}", p.rejected);
        assert!(
            p.rejected[1].reason.contains("line 3"),
            "{:?}",
            p.rejected[1]
        );
        assert_eq!(p.rows.len(), 2);
        assert_eq!(p.rows[0].1.category, Category::Scam, "the first row wins");
    }

    #[test]
    fn labels_follow_the_one_label_rule() {
        let csv = "number,category,reports,last_reported,label\n\
                   0912345678,scam,1,,\u{202E}evil\n\
                   0912345679,scam,1,,\u{1b}[31m\n";
        let p = parse_csv(csv.as_bytes()).unwrap();
        assert_eq!(p.rejected.len(), 2, "{:?}", p.rows);
    }
}
