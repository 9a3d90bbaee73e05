//! What several commands print the same way: numbers and verdicts (human and
//! JSON), and progress bars; and how anything is printed at all (`outln!`,
//! `errln!`).

use canhgiac_core::{Lang, PhoneNumber, Verdict};
use serde_json::{Value, json};
use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// `println!`, except that a closed stdout does not panic. `println!`
/// panics when the reader of a pipe has gone (`canhgiac publish | head -1`
/// exited 101 after writing the feed), and a panic can come in the middle
/// of a command's work. Here a stream that cannot be written is noted and
/// written no more, and the command goes on to its end: nothing it writes
/// (a database, a feed) is left half done, and the process exits as the
/// command says (see [`output_error`]). Clippy refuses `println!` and
/// `eprintln!` in this crate (clippy.toml).
macro_rules! outln {
    () => { $crate::output::write_line($crate::output::Stream::Out, format_args!("")) };
    ($($arg:tt)*) => { $crate::output::write_line($crate::output::Stream::Out, format_args!($($arg)*)) };
}

/// `eprintln!` as [`outln!`] is `println!`.
macro_rules! errln {
    ($($arg:tt)*) => { $crate::output::write_line($crate::output::Stream::Err, format_args!($($arg)*)) };
}

#[derive(Clone, Copy)]
pub enum Stream {
    Out,
    Err,
}

/// Whether stdout and stderr are still written to.
static CLOSED: [AtomicBool; 2] = [AtomicBool::new(false), AtomicBool::new(false)];
/// The first error writing stdout other than its reader having gone.
static FAILED: Mutex<Option<String>> = Mutex::new(None);

/// One line to `stream`, unless it is closed. A closed pipe (its reader
/// gone) ends the output quietly: whoever read it has what they wanted, as
/// `head` does. Any other error (a full disk under `> report.json`) is
/// kept for [`output_error`]: the output the user asked for is lost.
pub fn write_line(stream: Stream, args: std::fmt::Arguments) {
    let closed = &CLOSED[stream as usize];
    if closed.load(Ordering::Relaxed) {
        return;
    }
    let written = match stream {
        Stream::Out => {
            let mut out = std::io::stdout().lock();
            out.write_fmt(args).and_then(|()| out.write_all(b"\n"))
        }
        Stream::Err => {
            let mut err = std::io::stderr().lock();
            err.write_fmt(args).and_then(|()| err.write_all(b"\n"))
        }
    };
    if let Err(e) = written {
        closed.store(true, Ordering::Relaxed);
        if matches!(stream, Stream::Out) && e.kind() != std::io::ErrorKind::BrokenPipe {
            let mut failed = FAILED.lock().unwrap_or_else(|p| p.into_inner());
            failed.get_or_insert_with(|| e.to_string());
        }
    }
}

/// Why the output could not be written, when it could not (a closed pipe
/// is not such a reason), after flushing what is left of it.
pub fn output_error() -> Option<String> {
    if !CLOSED[Stream::Out as usize].load(Ordering::Relaxed)
        && let Err(e) = std::io::stdout().flush()
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Some(e.to_string());
    }
    FAILED.lock().unwrap_or_else(|p| p.into_inner()).clone()
}

/// A progress bar over bytes, on stderr (hidden when stderr is not a terminal).
pub fn bytes_bar(len: u64) -> indicatif::ProgressBar {
    indicatif::ProgressBar::new(len).with_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {msg} {bytes}/{total_bytes} {wide_bar} {eta}",
        )
        .expect("static template"),
    )
}

/// A progress bar over entries, on stderr (hidden when stderr is not a terminal).
pub fn count_bar(message: &'static str) -> indicatif::ProgressBar {
    indicatif::ProgressBar::new(0)
        .with_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg} {pos}/{len} {wide_bar} {eta}")
                .expect("static template"),
        )
        .with_message(message)
}

pub fn number_json(input: &str, n: &PhoneNumber) -> Value {
    json!({
        "input": input,
        "e164": n.e164,
        "national": n.national,
        "display": n.display,
        "country": n.country,
        "kind": n.kind.as_str(),
        "valid": n.valid,
        "plan": n.plan.as_str(),
        "converted_from": n.converted_from,
    })
}

pub fn verdict_json(input: &str, v: &Verdict, lang: Lang) -> Value {
    json!({
        "number": v.number.as_ref().map(|n| number_json(input, n)),
        "level": v.level.as_str(),
        "action": v.action.as_str(),
        "title": v.title.get(lang),
        "reasons": v.reasons.iter().map(|r| json!({"code": r.code.as_str(), "text": r.text.get(lang)})).collect::<Vec<_>>(),
        "advice": v.advice.as_ref().map(|a| a.get(lang)),
        "report": v.report,
    })
}

/// How a hidden caller is named.
pub fn hidden(lang: Lang, long: bool) -> &'static str {
    match (lang, long) {
        (Lang::Vi, _) => "Số ẩn",
        (Lang::En, true) => "Hidden number",
        (Lang::En, false) => "Hidden",
    }
}

pub fn print_verdict(v: &Verdict, lang: Lang) {
    let who = v
        .number
        .as_ref()
        .map_or_else(|| hidden(lang, true).to_string(), |n| n.display.clone());
    outln!(
        "{who}: {} [{} → {}]",
        v.title.get(lang).to_uppercase(),
        v.level,
        v.action
    );
    for r in &v.reasons {
        outln!("  • {}", r.text.get(lang));
    }
    if let Some(a) = &v.advice {
        outln!("  → {}", a.get(lang));
    }
}
