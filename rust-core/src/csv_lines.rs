//! CSV files a line at a time (the user's imports, the publisher's inbox
//! and sources): no
//! field holds a line break, so each line is split first and parsed on its
//! own (an unterminated quote costs its own line, never the lines after
//! it). A line longer than [`MAX_LINE_BYTES`] is rejected without being
//! held in memory whole.

use crate::error::{Error, Result};
use std::io::{BufRead, BufReader, Read};

/// Longest line read: an SMS body of many segments fits many times over.
pub const MAX_LINE_BYTES: usize = 16 * 1024;

/// A line that was not used, and why (by line number: the header is 1).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, uniffi::Record)]
pub struct RejectedRow {
    pub line: u64,
    pub reason: String,
}

/// `line 7: <reason>`, as every command that reads a CSV prints it.
impl std::fmt::Display for RejectedRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// One data line.
pub(crate) enum Line {
    Fields(Record),
    /// Blank: skipped, not counted.
    Blank,
    /// Why the line is not CSV (too long, not UTF-8, a quote left open): a
    /// stable code, which only the publisher's inbox reports, and the reason.
    Bad(
        #[cfg_attr(not(feature = "publisher"), allow(dead_code))] &'static str,
        String,
    ),
}

pub(crate) struct Lines<R> {
    reader: BufReader<R>,
    buf: Vec<u8>,
    /// The number of the line read last (the header is line 1).
    pub line_no: u64,
}

impl<R: Read> Lines<R> {
    /// Reads and checks the header: an error (nothing is read further) when
    /// it is not `expected`.
    pub(crate) fn open(input: R, expected: &[&str]) -> Result<Lines<R>> {
        Lines::open_with(input, |found| found == expected, &expected.join(","))
    }

    /// Reads the header (fields lower-cased, a byte order mark dropped) and
    /// checks it with `ok`; `wanted` says what it should be.
    pub(crate) fn open_with(
        input: R,
        ok: impl Fn(&[String]) -> bool,
        wanted: &str,
    ) -> Result<Lines<R>> {
        let mut lines = Lines {
            reader: BufReader::with_capacity(64 * 1024, input),
            buf: Vec::new(),
            line_no: 0,
        };
        let found: Vec<String> = match lines.next_raw()? {
            None => Vec::new(),
            Some(false) => parse_line(&lines.buf)
                .map_err(Error::Csv)?
                .iter()
                .map(|h| h.trim_start_matches('\u{FEFF}').to_ascii_lowercase())
                .collect(),
            Some(true) => return Err(Error::Csv("the header line is far too long".into())),
        };
        if !ok(&found) {
            return Err(Error::Csv(format!(
                "the first line must be the header `{wanted}`; found `{}`",
                found.join(",")
            )));
        }
        Ok(lines)
    }

    /// The next data line, `None` at the end of the input.
    pub(crate) fn next_line(&mut self) -> Result<Option<Line>> {
        let too_long = match self.next_raw()? {
            None => return Ok(None),
            Some(too_long) => too_long,
        };
        if too_long {
            return Ok(Some(Line::Bad(
                "too_long",
                format!("the line is longer than {MAX_LINE_BYTES} bytes"),
            )));
        }
        if self.buf.iter().all(u8::is_ascii_whitespace) {
            return Ok(Some(Line::Blank));
        }
        Ok(Some(match parse_line(&self.buf) {
            Ok(rec) => Line::Fields(rec),
            Err(reason) => Line::Bad("bad_csv", reason),
        }))
    }

    /// Reads one line into `buf` (at most [`MAX_LINE_BYTES`] of it, without
    /// the line break). `None` at the end; `Some(true)` when the line was
    /// longer than the bound.
    fn next_raw(&mut self) -> Result<Option<bool>> {
        self.buf.clear();
        let mut too_long = false;
        let mut any = false;
        loop {
            let available = match self.reader.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Error::Csv(e.to_string())),
            };
            if available.is_empty() {
                if any {
                    self.line_no += 1;
                    return Ok(Some(too_long));
                }
                return Ok(None);
            }
            any = true;
            let newline = available.iter().position(|&b| b == b'\n');
            let chunk = &available[..newline.unwrap_or(available.len())];
            let room = MAX_LINE_BYTES - self.buf.len();
            if chunk.len() > room {
                too_long = true;
                self.buf.extend_from_slice(&chunk[..room]);
            } else {
                self.buf.extend_from_slice(chunk);
            }
            let used = newline.map_or(available.len(), |i| i + 1);
            self.reader.consume(used);
            if newline.is_some() {
                self.line_no += 1;
                return Ok(Some(too_long));
            }
        }
    }

    pub(crate) fn reject(&self, reason: impl Into<String>) -> RejectedRow {
        RejectedRow {
            line: self.line_no,
            reason: reason.into(),
        }
    }
}

/// The fields of one line, each trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Record(Vec<String>);

impl Record {
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    #[cfg(feature = "publisher")]
    pub(crate) fn get(&self, i: usize) -> Option<&str> {
        self.0.get(i).map(String::as_str)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

impl std::ops::Index<usize> for Record {
    type Output = str;

    fn index(&self, i: usize) -> &str {
        &self.0[i]
    }
}

/// One line as CSV fields, each trimmed: fields split at commas, a field
/// that starts with `"` quoted up to its closing quote (`""` inside is
/// one quote, and what follows the closing quote up to the comma is
/// kept), as the `csv` crate reads them. Written out rather than one
/// `csv::Reader` per line, which costs tens of microseconds to build.
fn parse_line(bytes: &[u8]) -> std::result::Result<Record, String> {
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| "the line is not valid UTF-8".to_string())?;
    // `""` inside a quoted field is an escaped quote: an odd count is one
    // quote opened and never closed.
    if text.bytes().filter(|&b| b == b'"').count() % 2 == 1 {
        return Err("a quote (\") is opened and never closed".into());
    }
    let b = text.as_bytes();
    let mut fields = Vec::with_capacity(8);
    let mut i = 0;
    loop {
        let mut field = String::new();
        if b.get(i) == Some(&b'"') {
            i += 1;
            loop {
                match b[i..].iter().position(|&c| c == b'"') {
                    Some(q) => {
                        field.push_str(&text[i..i + q]);
                        if b.get(i + q + 1) == Some(&b'"') {
                            field.push('"');
                            i += q + 2;
                        } else {
                            i += q + 1;
                            break;
                        }
                    }
                    None => {
                        field.push_str(&text[i..]);
                        i = b.len();
                        break;
                    }
                }
            }
        }
        let end = b[i..]
            .iter()
            .position(|&c| c == b',')
            .map_or(b.len(), |p| i + p);
        field.push_str(&text[i..end]);
        let trimmed = field.trim();
        fields.push(if trimmed.len() == field.len() {
            field
        } else {
            trimmed.to_string()
        });
        if end == b.len() {
            return Ok(Record(fields));
        }
        i = end + 1;
    }
}

/// `reason` prefixed with its stable code: `bad_time: …`.
#[cfg(feature = "publisher")]
pub(crate) fn coded(code: &str, reason: impl std::fmt::Display) -> String {
    format!("{code}: {reason}")
}

/// A field of a known number of fields, or the rejection's text.
#[cfg(feature = "publisher")]
pub(crate) fn check_fields(rec: &Record, n: usize) -> std::result::Result<(), String> {
    if rec.len() == n {
        Ok(())
    } else {
        Err(coded(
            "bad_csv",
            format!("expected {n} fields, found {}", rec.len()),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(input: &[u8]) -> Vec<(u64, String)> {
        let mut lines = Lines::open(input, &["a", "b"]).unwrap();
        let mut out = Vec::new();
        while let Some(line) = lines.next_line().unwrap() {
            let what = match line {
                Line::Fields(rec) => rec.iter().collect::<Vec<_>>().join("|"),
                Line::Blank => "blank".into(),
                Line::Bad(code, _) => code.to_string(),
            };
            out.push((lines.line_no, what));
        }
        out
    }

    #[test]
    fn lines_are_numbered_bounded_and_parsed_alone() {
        let mut input = b"\xEF\xBB\xBFA,B\r\n1,2\r\n\n\"open,3\n4,\"x, y\"\n".to_vec();
        input.extend(std::iter::repeat_n(b'z', MAX_LINE_BYTES + 10));
        input.extend_from_slice(b"\n5,6");
        assert_eq!(
            all(&input),
            vec![
                (2, "1|2".into()),
                (3, "blank".into()),
                (4, "bad_csv".into()),
                (5, "4|x, y".into()),
                (6, "too_long".into()),
                (7, "5|6".into()),
            ]
        );
    }

    #[test]
    fn fields_split_as_the_csv_crate_splits_them() {
        let table: &[&str] = &[
            "a,b,c",
            " a , b ,c ",
            "\"a, b\",c",
            "\"say \"\"hi\"\"\",x",
            "\"\"",
            ",,",
            "a\"b\"c,d",
            "\"q\"rest,d",
            " \"q\",d",
            "LD 0912345678 \"lừa\" đảo,2024-01-01",
            "\"a\nb\",c",
        ];
        for line in table {
            let mut rdr = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .trim(csv::Trim::All)
                .from_reader(line.as_bytes());
            let mut want = csv::StringRecord::new();
            rdr.read_record(&mut want).unwrap();
            let got = parse_line(line.as_bytes()).unwrap();
            assert_eq!(
                got.iter().collect::<Vec<_>>(),
                want.iter().collect::<Vec<_>>(),
                "{line}"
            );
        }
    }

    #[test]
    fn a_wrong_or_missing_header_is_an_error() {
        assert!(Lines::open(&b"a,c\n1,2\n"[..], &["a", "b"]).is_err());
        assert!(Lines::open(&b""[..], &["a", "b"]).is_err());
    }
}
