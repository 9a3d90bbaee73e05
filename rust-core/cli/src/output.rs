//! What several commands print the same way: numbers and verdicts (human and
//! JSON), and progress bars.

use canhgiac_core::{Lang, PhoneNumber, Verdict};
use serde_json::{Value, json};

/// A progress bar over bytes, on stderr (hidden when stderr is not a terminal).
pub fn bytes_bar(len: u64) -> indicatif::ProgressBar {
    indicatif::ProgressBar::new(len).with_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {msg} {bytes}/{total_bytes} {wide_bar} {eta}",
        )
        .expect("static template"),
    )
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
    println!(
        "{who}: {} [{} → {}]",
        v.title.get(lang).to_uppercase(),
        v.level,
        v.action
    );
    for r in &v.reasons {
        println!("  • {}", r.text.get(lang));
    }
    if let Some(a) = &v.advice {
        println!("  → {}", a.get(lang));
    }
}
