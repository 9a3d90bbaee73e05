//! Reading a hotline inbox export, as RFC 4180 CSV or as JSON Lines, into
//! one message at a time. Nothing here knows what a report is: `ingest`
//! decides that.
//!
//! CSV is read as what it is: a quoted field may hold line breaks, and
//! they belong to the SMS (every CSV writer quotes a body with line breaks
//! that way). Read a line at a time, such a body became extra rows with
//! whatever sender and time its author typed: one SMS forged five
//! reporters. So a file whose quoting breaks (a quote left open, a quote
//! inside a field that does not start with one, text after a closing
//! quote, a row with the wrong number of fields) is refused whole, its line
//! named, and nothing of it is ingested: past a broken quote, no one can
//! say where a message ends.
//!
//! JSON Lines (one object a line) has no quoting that spans lines: a line
//! that is not a message is rejected alone.
//!
//! Memory is bounded whatever the input: a message (a CSV record, a JSON
//! line) is held only up to [`MAX_MESSAGE_BYTES`].

use crate::csv_lines::coded;
use crate::error::{Error, Result};
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// The CSV header; `message_id` may follow as a fifth column.
pub const INBOX_HEADER: [&str; 4] = ["received_at", "sender", "to", "body"];
const MESSAGE_ID: &str = "message_id";

/// Longest message read: a CSV record or a JSON line. The longest SMS a
/// network carries (255 segments of 67 UCS-2 characters, 3 bytes each in
/// UTF-8, quotes doubled) is about 100 KiB; anything longer is not an SMS.
pub const MAX_MESSAGE_BYTES: usize = 256 * 1024;

/// How the export is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum InboxFormat {
    /// RFC 4180 CSV with the header `received_at,sender,to,body` (and
    /// optionally `,message_id`).
    #[default]
    Csv,
    /// JSON Lines: one object a line with the text fields `received_at`,
    /// `sender`, `to`, `body` and optionally `message_id`.
    Jsonl,
}

impl InboxFormat {
    /// The format a file's name says (`.jsonl`, `.ndjson`), if it says one.
    pub fn from_path(path: &Path) -> Option<InboxFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "jsonl" | "ndjson" => Some(InboxFormat::Jsonl),
            "csv" => Some(InboxFormat::Csv),
            _ => None,
        }
    }
}

/// One message as the export wrote it.
pub(crate) struct Message<'a> {
    pub received_at: &'a str,
    pub sender: &'a str,
    pub to: &'a str,
    pub body: &'a str,
    /// The gateway's own id of the message, when it gives one (never empty).
    pub message_id: Option<&'a str>,
}

/// One message as a gateway POSTed it, owned: it waits in `serve`'s queue
/// for the next commit.
#[derive(Debug, Clone)]
pub(crate) struct InboxMessage {
    received_at: String,
    sender: String,
    to: String,
    body: String,
    message_id: Option<String>,
}

impl InboxMessage {
    pub(crate) fn message(&self) -> Message<'_> {
        Message {
            received_at: &self.received_at,
            sender: &self.sender,
            to: &self.to,
            body: &self.body,
            message_id: self.message_id.as_deref(),
        }
    }

    fn bytes(&self) -> usize {
        self.received_at.len()
            + self.sender.len()
            + self.to.len()
            + self.body.len()
            + self.message_id.as_ref().map_or(0, String::len)
    }
}

/// Most messages one POST may carry: a gateway's batch of a few seconds,
/// never an export (that is `reports ingest`'s).
pub const MAX_BATCH: usize = 1000;

/// The messages of one POST (`serve`): one JSON object, or an array of
/// them, each read as a JSON Lines record is. A message longer than a JSON
/// line may be is rejected alone (`too_long`), as in a JSON Lines file.
#[derive(Debug)]
pub struct Batch {
    pub(crate) items: Vec<std::result::Result<InboxMessage, Rejection>>,
}

/// Why a POST's body is not a batch: refused whole, nothing of it kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BatchError {
    /// Not JSON at all, or JSON that is neither an object nor an array.
    #[error("{0}")]
    NotJson(String),
    /// JSON of the wrong shape: a message whose fields have the wrong types.
    #[error("{0}")]
    NotMessages(String),
    /// More than [`MAX_BATCH`] messages.
    #[error("a batch holds at most {MAX_BATCH} messages; this one holds {0}: send it in parts")]
    TooMany(usize),
}

impl Batch {
    /// Reads a POST's body. A body that is not JSON, not an object or an
    /// array of objects, or whose messages have fields of the wrong types,
    /// is refused whole: that is the gateway's bug, and no message of it
    /// is taken half-understood. The errors never repeat what was sent
    /// (a sender's number may be in it).
    pub fn from_json(body: &[u8]) -> std::result::Result<Batch, BatchError> {
        let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
            BatchError::NotJson(format!(
                "the body is not JSON (line {}, column {})",
                e.line(),
                e.column()
            ))
        })?;
        let values = match value {
            serde_json::Value::Array(items) => items,
            one @ serde_json::Value::Object(_) => vec![one],
            _ => {
                return Err(BatchError::NotJson(
                    "the body must be one message (a JSON object) or an array of them".into(),
                ));
            }
        };
        if values.len() > MAX_BATCH {
            return Err(BatchError::TooMany(values.len()));
        }
        let items = values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let m = JsonMessage::deserialize(v)
                    .map_err(|_| BatchError::NotMessages(format!("message {}: {FIELDS}", i + 1)))?;
                let owned = m.owned();
                Ok(if owned.bytes() > MAX_MESSAGE_BYTES {
                    let why = format!(
                        "the message is longer than {} KiB",
                        MAX_MESSAGE_BYTES / 1024
                    );
                    Err(("too_long", coded("too_long", why)))
                } else {
                    Ok(owned)
                })
            })
            .collect::<std::result::Result<_, BatchError>>()?;
        Ok(Batch { items })
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// A message that is not one: a stable reason code, and the reason in
/// words (which never repeats what was written).
pub(super) type Rejection = (&'static str, String);

/// Calls `each` with every message of `input` in order, with its line
/// number (where it starts; the CSV header is line 1). A file that cannot
/// be read as a whole (a wrong header, broken CSV quoting, a read error) is
/// an error, and so is whatever `each` returns.
pub(crate) fn read_inbox(
    input: impl Read,
    format: InboxFormat,
    each: impl FnMut(u64, std::result::Result<Message<'_>, Rejection>) -> Result<()>,
) -> Result<()> {
    match format {
        InboxFormat::Csv => read_csv(input, each),
        InboxFormat::Jsonl => read_jsonl(input, each),
    }
}

fn read_csv(
    input: impl Read,
    mut each: impl FnMut(u64, std::result::Result<Message<'_>, Rejection>) -> Result<()>,
) -> Result<()> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(Strict::new(input));
    let mut record = csv::ByteRecord::new();
    let found: Vec<String> = if next_record(&mut reader, &mut record)? {
        reader.get_mut().starts.pop_front();
        record
            .iter()
            .map(|h| {
                String::from_utf8_lossy(h)
                    .trim_start_matches('\u{FEFF}')
                    .to_ascii_lowercase()
            })
            .collect()
    } else {
        Vec::new()
    };
    let width = match found.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        [a, b, c, d] if [a, b, c, d] == INBOX_HEADER => 4,
        [a, b, c, d, MESSAGE_ID] if [a, b, c, d] == INBOX_HEADER => 5,
        _ => {
            // What was found is not repeated: without a header, the first
            // line is a message, its sender's number in it.
            return Err(Error::Csv(format!(
                "the first line must be the header `{}` (or with `,{MESSAGE_ID}` after it); nothing was ingested",
                INBOX_HEADER.join(","),
            )));
        }
    };
    while next_record(&mut reader, &mut record)? {
        let line = reader.get_mut().starts.pop_front().unwrap_or(0);
        // A line of spaces is blank, as an empty line is (which the reader
        // skips itself).
        if record.len() == 1 && record[0].is_empty() {
            continue;
        }
        if record.len() != width {
            return Err(not_csv(
                line,
                &format!(
                    "expected {width} fields, found {} (a comma in a field that is not quoted?)",
                    record.len()
                ),
            ));
        }
        let fields: std::result::Result<Vec<&str>, _> =
            record.iter().map(std::str::from_utf8).collect();
        let msg = match fields {
            Ok(f) => Ok(Message {
                received_at: f[0],
                sender: f[1],
                to: f[2],
                body: f[3],
                message_id: f.get(4).copied().filter(|id| !id.is_empty()),
            }),
            Err(_) => Err((
                "bad_csv",
                coded("bad_csv", "the message is not valid UTF-8"),
            )),
        };
        each(line, msg)?;
    }
    Ok(())
}

/// Reads the next record; `false` at the end. A broken file (see
/// [`Strict`]) is an error in its words.
fn next_record<R: Read>(reader: &mut csv::Reader<R>, record: &mut csv::ByteRecord) -> Result<bool> {
    reader
        .read_byte_record(record)
        .map_err(|e| match e.into_kind() {
            // What `Strict` found; any other I/O error is the file's.
            csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::InvalidData => {
                Error::Csv(io.to_string())
            }
            csv::ErrorKind::Io(io) => Error::Io(io),
            other => Error::Csv(format!("{other:?}")),
        })
}

/// The error that refuses a whole CSV file.
fn not_csv(line: u64, what: &str) -> Error {
    Error::Csv(refusal(line, what))
}

fn refusal(line: u64, what: &str) -> String {
    format!(
        "line {line}: {what}; the file was refused whole and nothing of it was ingested (RFC 4180: a field with a comma, a quote or a line break is quoted whole, a quote inside it written twice)"
    )
}

/// RFC 4180's quoting, checked on the bytes as the `csv` crate reads them
/// (the crate itself accepts any byte soup, reading stray quotes as text).
/// A break is an I/O error carrying its line, which ends the read.
///
/// It also notes the line where each record starts: the crate's own
/// record positions are taken before the previous line break and the
/// blank lines it skips, so they name the line before.
struct Strict<R> {
    inner: R,
    /// The first line of each record read ahead of the `csv` crate, in
    /// order (as many as its buffer holds: a few thousand at most).
    starts: VecDeque<u64>,
    state: Quoting,
    /// The line being read (1-based), the one where the record being read
    /// began, and the one where the open quote was.
    line: u64,
    record_line: u64,
    quote_line: u64,
    /// Bytes of the record being read, to bound it.
    record_bytes: usize,
    /// Bytes of a leading byte order mark seen so far (3 once past it or
    /// any other byte).
    bom: usize,
    /// The last byte was a CR outside quotes: a line break of its own
    /// unless a LF follows (old Mac exports end lines with CR alone, and
    /// the `csv` crate ends a record there too).
    after_cr: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Quoting {
    FieldStart,
    Unquoted,
    Quoted,
    /// A quote inside a quoted field: its end, or the first of `""`.
    QuoteInQuoted,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

impl<R: Read> Strict<R> {
    fn new(inner: R) -> Strict<R> {
        Strict {
            inner,
            starts: VecDeque::new(),
            state: Quoting::FieldStart,
            line: 1,
            record_line: 1,
            quote_line: 1,
            record_bytes: 0,
            bom: 0,
            after_cr: false,
        }
    }

    /// The next byte; a break as its line and what it is.
    fn step(&mut self, b: u8) -> std::result::Result<(), (u64, String)> {
        use Quoting::*;
        if self.bom < BOM.len() {
            if b == BOM[self.bom] {
                self.bom += 1;
                return Ok(());
            }
            self.bom = BOM.len();
        }
        if self.after_cr && b != b'\n' {
            self.line += 1;
        }
        // Inside quotes a CR is the body's, as a LF there is a line of the
        // body: only LFs count there (the file's lines as an editor shows
        // them when it ends lines with LF or CRLF).
        self.after_cr = b == b'\r' && self.state != Quoting::Quoted;
        let end_of_record = matches!(b, b'\n' | b'\r');
        if self.record_bytes == 0 && !end_of_record {
            self.record_line = self.line;
            self.starts.push_back(self.line);
        }
        self.record_bytes += 1;
        self.state = match (self.state, b) {
            (FieldStart | Unquoted | QuoteInQuoted, b',') => FieldStart,
            (FieldStart | Unquoted | QuoteInQuoted, _) if end_of_record => {
                self.record_bytes = 0;
                FieldStart
            }
            (FieldStart, b'"') => {
                self.quote_line = self.line;
                Quoted
            }
            (Unquoted, b'"') => {
                return Err((
                    self.line,
                    "a quote (\") inside a field that does not start with one".into(),
                ));
            }
            (FieldStart | Unquoted, _) => Unquoted,
            (Quoted, b'"') => QuoteInQuoted,
            (Quoted, _) => Quoted,
            (QuoteInQuoted, b'"') => Quoted,
            (QuoteInQuoted, _) => {
                return Err((
                    self.line,
                    "text after a field's closing quote (a quote inside a quoted field is written twice: \"\")".into(),
                ));
            }
        };
        if b == b'\n' {
            self.line += 1;
        }
        if self.record_bytes > MAX_MESSAGE_BYTES {
            return Err((
                self.record_line,
                format!(
                    "a message longer than {} KiB, which no SMS is (a quote left open?)",
                    MAX_MESSAGE_BYTES / 1024
                ),
            ));
        }
        Ok(())
    }
}

impl<R: Read> Read for Strict<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let broken = |(line, what): (u64, String)| {
            std::io::Error::new(std::io::ErrorKind::InvalidData, refusal(line, &what))
        };
        if n == 0 && self.state == Quoting::Quoted {
            return Err(broken((
                self.quote_line,
                "a quote (\") is opened and never closed".into(),
            )));
        }
        for &b in &buf[..n] {
            self.step(b).map_err(broken)?;
        }
        Ok(n)
    }
}

/// A JSON Lines message; other fields (a gateway's own) are ignored.
/// `sender`, `to` and `message_id` may be written as whole numbers
/// (`"to": 156`, a gateway's numeric ids): they are read as their digits.
#[derive(Deserialize)]
struct JsonMessage<'a> {
    #[serde(borrow)]
    received_at: Cow<'a, str>,
    #[serde(borrow, deserialize_with = "text_or_number")]
    sender: Cow<'a, str>,
    #[serde(borrow, deserialize_with = "text_or_number")]
    to: Cow<'a, str>,
    #[serde(borrow)]
    body: Cow<'a, str>,
    #[serde(borrow, default, deserialize_with = "some_text_or_number")]
    message_id: Option<Cow<'a, str>>,
}

/// A text field, or a whole number written as its decimal digits.
/// What a JSON message must hold, said when it does not.
const FIELDS: &str = "a message needs received_at and body as text, sender and to as text or whole numbers (message_id is optional)";

impl JsonMessage<'_> {
    fn message(&self) -> Message<'_> {
        Message {
            received_at: self.received_at.trim(),
            sender: self.sender.trim(),
            to: self.to.trim(),
            body: self.body.trim(),
            message_id: self
                .message_id
                .as_deref()
                .map(str::trim)
                .filter(|id| !id.is_empty()),
        }
    }

    fn owned(&self) -> InboxMessage {
        let m = self.message();
        InboxMessage {
            received_at: m.received_at.to_string(),
            sender: m.sender.to_string(),
            to: m.to.to_string(),
            body: m.body.to_string(),
            message_id: m.message_id.map(str::to_string),
        }
    }
}

fn text_or_number<'de: 'a, 'a, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Cow<'a, str>, D::Error> {
    struct Visitor;
    impl<'de> serde::de::Visitor<'de> for Visitor {
        type Value = Cow<'de, str>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("text or a whole number")
        }
        fn visit_borrowed_str<E>(self, v: &'de str) -> std::result::Result<Self::Value, E> {
            Ok(Cow::Borrowed(v))
        }
        fn visit_str<E>(self, v: &str) -> std::result::Result<Self::Value, E> {
            Ok(Cow::Owned(v.to_string()))
        }
        fn visit_u64<E>(self, v: u64) -> std::result::Result<Self::Value, E> {
            Ok(Cow::Owned(v.to_string()))
        }
        fn visit_i64<E>(self, v: i64) -> std::result::Result<Self::Value, E> {
            Ok(Cow::Owned(v.to_string()))
        }
    }
    d.deserialize_any(Visitor)
}

fn some_text_or_number<'de: 'a, 'a, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<Cow<'a, str>>, D::Error> {
    text_or_number(d).map(Some)
}

fn read_jsonl(
    input: impl Read,
    mut each: impl FnMut(u64, std::result::Result<Message<'_>, Rejection>) -> Result<()>,
) -> Result<()> {
    let mut reader = BufReader::with_capacity(64 * 1024, input);
    let mut buf = Vec::new();
    let mut line = 0u64;
    while let Some(fits) = next_line(&mut reader, &mut buf)? {
        line += 1;
        if !fits {
            let why = format!("the line is longer than {} KiB", MAX_MESSAGE_BYTES / 1024);
            each(line, Err(("too_long", coded("too_long", why))))?;
            continue;
        }
        let text = buf.strip_suffix(b"\r").unwrap_or(&buf);
        let text = if line == 1 {
            text.strip_prefix(BOM).unwrap_or(text)
        } else {
            text
        };
        if text.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        // serde's own messages may quote the input (a sender's number):
        // only its kind of error is said.
        let parsed = serde_json::from_slice::<JsonMessage>(text);
        let msg = match &parsed {
            Ok(m) => Ok(m.message()),
            Err(e) if e.is_data() => Err(("bad_json", coded("bad_json", FIELDS))),
            Err(_) => Err((
                "bad_json",
                coded("bad_json", "the line is not one JSON object"),
            )),
        };
        each(line, msg)?;
    }
    Ok(())
}

/// Reads one line into `buf` without its line break: `Some(true)` when it
/// fits in [`MAX_MESSAGE_BYTES`], `Some(false)` when it is longer (then it
/// is skipped, never held whole), `None` at the end.
fn next_line(reader: &mut impl BufRead, buf: &mut Vec<u8>) -> Result<Option<bool>> {
    buf.clear();
    let read = reader
        .by_ref()
        .take(MAX_MESSAGE_BYTES as u64 + 1)
        .read_until(b'\n', buf)?;
    if read == 0 {
        return Ok(None);
    }
    if buf.last() == Some(&b'\n') {
        buf.pop();
        return Ok(Some(true));
    }
    if buf.len() <= MAX_MESSAGE_BYTES {
        // The last line, without a line break.
        return Ok(Some(true));
    }
    reader.skip_until(b'\n')?;
    buf.clear();
    Ok(Some(false))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every message of `input` as `line: fields` or `line: code`; or the
    /// whole-file error.
    fn all(input: &str, format: InboxFormat) -> std::result::Result<Vec<String>, String> {
        let mut out = Vec::new();
        read_inbox(input.as_bytes(), format, |line, msg| {
            out.push(match msg {
                Ok(m) => format!(
                    "{line}: {}|{}|{}|{}|{}",
                    m.received_at,
                    m.sender,
                    m.to,
                    m.body,
                    m.message_id.unwrap_or("-")
                ),
                Err((code, _)) => format!("{line}: {code}"),
            });
            Ok(())
        })
        .map_err(|e| e.to_string())?;
        Ok(out)
    }

    #[test]
    fn a_posted_body_is_one_message_or_an_array_read_as_json_lines_are() {
        let one = r#"{"received_at":" t1 ","sender":901000001,"to":156,"body":"LD 0912345678","message_id":7,"extra":true}"#;
        let b = Batch::from_json(one.as_bytes()).unwrap();
        let m = b.items[0].as_ref().unwrap().message();
        assert_eq!(
            (m.received_at, m.sender, m.to, m.body, m.message_id),
            ("t1", "901000001", "156", "LD 0912345678", Some("7"))
        );
        let long = format!(
            r#"[{one},{{"received_at":"t","sender":"1","to":"156","body":"{}"}}]"#,
            "a".repeat(MAX_MESSAGE_BYTES)
        );
        let b = Batch::from_json(long.as_bytes()).unwrap();
        assert_eq!(b.len(), 2);
        assert!(b.items[0].is_ok());
        assert_eq!(b.items[1].as_ref().unwrap_err().0, "too_long");
        let many = format!("[{}]", vec![one; MAX_BATCH + 1].join(","));
        for (body, err) in [
            (
                "",
                BatchError::NotJson("the body is not JSON (line 1, column 0)".into()),
            ),
            (
                "[1",
                BatchError::NotJson("the body is not JSON (line 1, column 2)".into()),
            ),
            (
                "\"LD 0912345678\"",
                BatchError::NotJson(
                    "the body must be one message (a JSON object) or an array of them".into(),
                ),
            ),
            (
                &format!("[{one}, 5]"),
                BatchError::NotMessages(format!("message 2: {FIELDS}")),
            ),
            (
                r#"{"received_at":"t","sender":null,"to":"156","body":"LD"}"#,
                BatchError::NotMessages(format!("message 1: {FIELDS}")),
            ),
            (&many, BatchError::TooMany(MAX_BATCH + 1)),
        ] {
            assert_eq!(
                Batch::from_json(body.as_bytes()).unwrap_err(),
                err,
                "{body:.40}"
            );
        }
    }

    #[test]
    fn a_quoted_body_with_line_breaks_is_one_message() {
        let csv = "received_at,sender,to,body\r\n\
                   t1,0901000001,156,\"LD 0912345678 goi\n\
                   t2,0901000002,156,LD 0912345678\r\n\
                   t3,0901000003,156,\"\"LD\"\" 0912345678\"\n\
                   \n   \n\
                   t4,0901000004,5656,V 0987654321\n";
        assert_eq!(
            all(csv, InboxFormat::Csv).unwrap(),
            vec![
                "2: t1|0901000001|156|LD 0912345678 goi\nt2,0901000002,156,LD 0912345678\r\nt3,0901000003,156,\"LD\" 0912345678|-",
                "7: t4|0901000004|5656|V 0987654321|-",
            ]
        );
    }

    /// Found by the `inbox` fuzz target: with lines ended by CR alone (old
    /// Mac exports), every record was said to start on line 2.
    #[test]
    fn lines_ended_by_cr_alone_are_numbered_as_lines() {
        let csv = "received_at,sender,to,body\r\
                   t,0901000001,156,\"LD 0912345678\rcon\"\r\
                   t,0901000002,156,V 0900000001\r\n\
                   t,0901000003,156,LD 0987000001";
        assert_eq!(
            all(csv, InboxFormat::Csv).unwrap(),
            vec![
                "2: t|0901000001|156|LD 0912345678\rcon|-",
                "3: t|0901000002|156|V 0900000001|-",
                "4: t|0901000003|156|LD 0987000001|-",
            ]
        );
    }

    #[test]
    fn broken_quoting_refuses_the_file_and_names_the_line() {
        let head = "received_at,sender,to,body\nt,0901000001,156,LD 0912345678\n";
        for (rest, line, what) in [
            ("t,0901000002,156,\"LD 0912345678 open\n", 3, "never closed"),
            (
                "t,0901000002,156,LD 09123 \"x\"\n",
                3,
                "does not start with one",
            ),
            (
                "t,0901000002,156,\"LD\" 0912345678\n",
                3,
                "after a field's closing quote",
            ),
            (
                "\nt,0901000002,156,LD 0912,345678\n",
                4,
                "expected 4 fields, found 5",
            ),
            ("t,0901000002,156\n", 3, "expected 4 fields, found 3"),
        ] {
            let err = all(&format!("{head}{rest}"), InboxFormat::Csv).unwrap_err();
            assert!(err.contains(&format!("line {line}: ")), "{rest:?}: {err}");
            assert!(err.contains(what), "{rest:?}: {err}");
            assert!(err.contains("nothing of it was ingested"), "{err}");
            assert!(!err.contains("0901000002"), "{err}");
        }
    }

    #[test]
    fn headers_with_and_without_message_id() {
        let csv = "\u{FEFF}Received_At,Sender,To,Body,Message_ID\n\
                   t,0901000001,156,LD 0912345678,gw-1\n\
                   t,0901000001,156,LD 0912345678,\n";
        assert_eq!(
            all(csv, InboxFormat::Csv).unwrap(),
            vec![
                "2: t|0901000001|156|LD 0912345678|gw-1",
                "3: t|0901000001|156|LD 0912345678|-"
            ]
        );
        for bad in [
            "",
            "time,from,body\n",
            "received_at,sender,to,body,id\n",
            "2026-01-01T09:00:00,0901000001,156,LD 0912345678\n",
        ] {
            let err = all(bad, InboxFormat::Csv).unwrap_err();
            assert!(err.contains("header"), "{bad:?}: {err}");
            assert!(!err.contains("0901000001"), "{err}");
        }
    }

    #[test]
    fn a_record_past_the_bound_refuses_the_file_without_holding_it() {
        let mut csv = String::from("received_at,sender,to,body\nt,0901000001,156,\"LD ");
        csv.push_str(&"x".repeat(MAX_MESSAGE_BYTES + 10));
        csv.push_str("\"\n");
        let err = all(&csv, InboxFormat::Csv).unwrap_err();
        assert!(
            err.contains("line 2: a message longer than 256 KiB"),
            "{err}"
        );
    }

    #[test]
    fn json_lines_are_read_one_a_line_and_rejected_alone() {
        let long = format!(
            "{{\"received_at\":\"t\",\"sender\":\"0901000001\",\"to\":\"156\",\"body\":\"{}\"}}",
            "x".repeat(MAX_MESSAGE_BYTES)
        );
        let jsonl = format!(
            "\u{FEFF}{{\"received_at\":\"t\",\"sender\":\"0901000001\",\"to\":\"156\",\"body\":\"LD 0912345678\\nt,0901000002,156,LD 0912345678\",\"message_id\":\"gw-1\",\"extra\":1}}\r\n\
             \n\
             {{\"received_at\":\"t\",\"sender\":84901000003,\"to\":156,\"body\":\"LD 0912345678\",\"message_id\":42}}\n\
             {{\"received_at\":\"t\",\"sender\":\"0901000005\",\"to\":\"156\",\"body\":12}}\n\
             not json\n\
             {long}\n\
             {{\"received_at\":\"t\",\"sender\":\"0901000004\",\"to\":\"5656\",\"body\":\"V 0987654321\"}}"
        );
        assert_eq!(
            all(&jsonl, InboxFormat::Jsonl).unwrap(),
            vec![
                "1: t|0901000001|156|LD 0912345678\nt,0901000002,156,LD 0912345678|gw-1",
                "3: t|84901000003|156|LD 0912345678|42",
                "4: bad_json",
                "5: bad_json",
                "6: too_long",
                "7: t|0901000004|5656|V 0987654321|-",
            ]
        );
    }

    #[test]
    fn the_format_from_the_file_name() {
        for (name, want) in [
            ("inbox.jsonl", Some(InboxFormat::Jsonl)),
            ("inbox.NDJSON", Some(InboxFormat::Jsonl)),
            ("inbox.csv", Some(InboxFormat::Csv)),
            ("inbox.txt", None),
            ("inbox", None),
        ] {
            assert_eq!(InboxFormat::from_path(Path::new(name)), want, "{name}");
        }
    }

    /// What a CSV writer makes of four fields: the record as its text,
    /// ended by `\n` or `\r\n`.
    fn written(fields: &[String], crlf: bool) -> String {
        let terminator = if crlf {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        };
        let mut w = csv::WriterBuilder::new()
            .terminator(terminator)
            .from_writer(Vec::new());
        w.write_record(fields).unwrap();
        String::from_utf8(w.into_inner().unwrap()).unwrap()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]

        /// Whatever the messages hold (commas, quotes, line breaks), what
        /// the `csv` crate's writer writes is read back as the same
        /// messages, each at the line where it starts.
        #[test]
        fn what_a_csv_writer_writes_is_read_back_whole(
            rows in proptest::collection::vec(
                proptest::collection::vec("[ a-z0-9,\"\r\nđ;]{0,12}", 4), 0..12),
            crlf in proptest::bool::ANY,
        ) {
            let mut csv = INBOX_HEADER.join(",") + "\n";
            let mut want = Vec::new();
            let mut line = 2;
            for r in &rows {
                let text = written(r, crlf);
                let t: Vec<&str> = r.iter().map(|f| f.trim()).collect();
                want.push(format!("{line}: {}|{}|{}|{}|-", t[0], t[1], t[2], t[3]));
                line += text.matches('\n').count() as u64;
                csv.push_str(&text);
            }
            proptest::prop_assert_eq!(all(&csv, InboxFormat::Csv).unwrap(), want);
        }

        /// Any bytes: read or refused, never a panic.
        #[test]
        fn any_bytes_are_read_or_refused(
            head in proptest::sample::select(vec!["received_at,sender,to,body\n", "received_at,sender,to,body,message_id\n", ""]),
            bytes in proptest::collection::vec(proptest::sample::select(b"ab,\"\r\n \xEF\xBB\xBF{}:".to_vec()), 0..200)
        ) {
            let mut input = head.as_bytes().to_vec();
            input.extend(bytes);
            for format in [InboxFormat::Csv, InboxFormat::Jsonl] {
                let _ = read_inbox(&input[..], format, |_, _| Ok(()));
            }
        }
    }
}
