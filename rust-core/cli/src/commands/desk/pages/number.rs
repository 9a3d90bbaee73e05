//! `GET /number?q=`: any written form of a number, read and sent on to
//! `/number/DIGITS`; and that page: the number's current decision in
//! words, its audit history newest first, its reports by day, and what
//! its reporters wrote (as text). Never a reporter.

use super::super::auth::Signed;
use super::super::charts::{Stack, stacked_bars};
use super::super::i18n::{Lang, T};
use super::super::layout::{Ctx, page};
use super::super::{AppState, DeskError};
use super::{key_of_digits, when};
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use canhgiac_core::publisher::desk::{self, Key, NumberView};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::Value;

/// Longest search read: any written form of a number is far shorter.
const MAX_QUERY_CHARS: usize = 64;

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

pub async fn search(
    Extension(lang): Extension<Lang>,
    Extension(signed): Extension<Signed>,
    Query(q): Query<SearchQuery>,
) -> Response {
    let key = (q.q.chars().count() <= MAX_QUERY_CHARS)
        .then(|| Key::of(&q.q).ok())
        .flatten();
    match key {
        Some(k) => Redirect::to(&format!("/number/{}", k.digits())).into_response(),
        None => {
            let t = |x| lang.t(x);
            let body = page(
                &Ctx::signed(lang, signed),
                t(T::LookUp),
                html! {
                    main id="number-search" {
                        h1 { (t(T::LookUp)) }
                        p id="search-error" role="alert" { (t(T::Unreadable)) }
                    }
                },
            );
            (StatusCode::BAD_REQUEST, body).into_response()
        }
    }
}

pub async fn get(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Extension(signed): Extension<Signed>,
    Path(digits): Path<String>,
) -> Result<Response, DeskError> {
    let key = key_of_digits(&digits).ok_or(DeskError::NotFound)?;
    let v = state.read(move |db| desk::number_view(db, &key)).await?;
    let t = |x| lang.t(x);
    let stacks: Vec<Stack> = v
        .days
        .iter()
        .map(|d| Stack {
            label: &d.day,
            parts: vec![("bar", u64::from(d.reports))],
        })
        .collect();
    Ok(page(
        &Ctx::signed(lang, signed),
        &v.display,
        html! {
            main id="number" {
                h1 { (t(T::Number)) " " (v.display) }
                h2 { (t(T::Decided)) }
                p id="decision" { (decision(&v, lang)) }
                h2 { (t(T::ReportsOfNumber)) }
                (stacked_bars("chart-number", t(T::ReportsOfNumber), &stacks))
                table class="figures" {
                    thead { tr { th scope="col" { (t(T::Day)) } th scope="col" class="n" { (t(T::People)) } th scope="col" class="n" { (t(T::Reports)) } } }
                    tbody { @for d in v.days.iter().rev() { tr { td { (d.day) } td class="n" { (d.reporters) } td class="n" { (d.reports) } } } }
                }
                @if !v.patterns.is_empty() {
                    p { (t(T::Patterns)) ": "
                        @for (i, (label, n)) in v.patterns.iter().enumerate() {
                            @if i > 0 { "; " }
                            (label) " (" (n) ")"
                        }
                    }
                }
                h2 { (t(T::Timeline)) }
                ol id="timeline" {
                    @for line in &v.timeline { li { (audit_line(line, lang)) } }
                }
                h2 { (t(T::Contents)) }
                ul id="contents" class="contents" {
                    @for c in &v.contents { li { (c) } }
                }
            }
        },
    )
    .into_response())
}

/// The number's decision now, in words.
fn decision(v: &NumberView, lang: Lang) -> String {
    let t = |x| lang.t(x);
    let mut parts = Vec::new();
    if let Some((category, label, since)) = &v.listed {
        let label = label
            .as_deref()
            .map(|l| format!(", {l}"))
            .unwrap_or_default();
        parts.push(format!(
            "{} {}{label} ({since})",
            t(T::ListedAs),
            lang.words_of(category)
        ));
    }
    if let Some(review) = &v.review {
        let mut s = format!("{} {}", t(T::InReview), lang.words_of(&review.state));
        if let Some(w) = &review.why {
            s.push_str(&format!(" ({})", lang.words_of(w)));
        }
        if let (Some(o), Some(r)) = (&review.operator, &review.reason) {
            s.push_str(&format!(" — {o}: {r}"));
        }
        parts.push(s);
    }
    for d in v
        .disputes
        .iter()
        .filter(|d| matches!(d.state.as_str(), "open" | "waiting" | "upheld"))
    {
        parts.push(format!(
            "{} {} ({}, {})",
            t(T::Disputes),
            d.id,
            lang.words_of(&d.state),
            when(d.disputed_at)
        ));
    }
    // The last publish's word about it, from its newest audit line that
    // has one (operators' lines say `operator_decision` instead).
    let last = v
        .timeline
        .iter()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|l| l.get("decision").is_some());
    if let Some(line) = last {
        let word = |k: &str| line.get(k).and_then(|v| v.as_str()).map(str::to_string);
        let mut s = format!(
            "{} {}",
            t(T::LastPublishSaid),
            lang.words_of(&word("decision").unwrap_or_default())
        );
        if let Some(reason) = word("reason") {
            s.push_str(&format!(" ({})", lang.words_of(&reason)));
        }
        parts.push(s);
    }
    if parts.is_empty() {
        t(T::NotDecided).to_string()
    } else {
        parts.join(" · ")
    }
}

/// One audit line as a sentence: when, what was decided, why, by whom;
/// the line itself behind a `<details>`. A line that is not JSON (it never
/// should be) is shown as it is.
fn audit_line(line: &str, lang: Lang) -> Markup {
    let Ok(Value::Object(l)) = serde_json::from_str::<Value>(line) else {
        return html! { code { (line) } };
    };
    let t = |x| lang.t(x);
    let word = |k: &str| l.get(k).and_then(Value::as_str);
    let count = |k: &str| l.get(k).and_then(Value::as_u64).unwrap_or(0);
    let sentence = if let Some(decided) = word("operator_decision") {
        // An operator's decision: approve, reject, a dispute's.
        let at = l.get("at").and_then(Value::as_i64).map(when);
        let mut s = format!(
            "{}: {} {} {}",
            at.unwrap_or_default(),
            lang.words_of(decided),
            t(T::ByOperator),
            word("operator").unwrap_or("—")
        );
        if let Some(id) = l.get("dispute").and_then(Value::as_i64) {
            s.push_str(&format!(" ({} #{id})", t(T::Disputes)));
        }
        if let Some(reason) = word("reason").filter(|r| !r.is_empty()) {
            s.push_str(&format!(": “{reason}”"));
        }
        s
    } else {
        // A publish's decision, as of its day, with its evidence.
        let mut s = format!(
            "{} ({} {}): {}",
            word("as_of").unwrap_or("—"),
            t(T::Run),
            count("run"),
            lang.words_of(word("decision").unwrap_or("—"))
        );
        if let Some(reason) = word("reason") {
            s.push_str(&format!(" — {}", lang.words_of(reason)));
        }
        if let Some(category) = word("category") {
            s.push_str(&format!(", {}", lang.words_of(category)));
        }
        if let Some(label) = word("label") {
            s.push_str(&format!(" “{label}”"));
        }
        s.push_str(&format!(
            " · {} {}, {} {}",
            count("reporters"),
            t(T::PeopleN),
            count("reports"),
            t(T::ReportsN)
        ));
        if let (Some(first), Some(last)) = (word("first_report"), word("last_report")) {
            s.push_str(&format!(", {first} – {last}"));
        }
        s
    };
    html! {
        p { (sentence) }
        details {
            summary { (t(T::AuditLine)) }
            pre { (line) }
        }
    }
}
