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
use maud::html;
use serde::Deserialize;

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
                    @for line in &v.timeline { li { (line) } }
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
        parts.push(format!("{} {category}{label} ({since})", t(T::ListedAs)));
    }
    if let Some(review) = &v.review {
        let mut s = format!("{} {}", t(T::InReview), review.state);
        if let Some(w) = &review.why {
            s.push_str(&format!(" ({w})"));
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
            d.state,
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
            word("decision").unwrap_or_default()
        );
        if let Some(reason) = word("reason") {
            s.push_str(&format!(" ({reason})"));
        }
        parts.push(s);
    }
    if parts.is_empty() {
        t(T::NotDecided).to_string()
    } else {
        parts.join(" · ")
    }
}
