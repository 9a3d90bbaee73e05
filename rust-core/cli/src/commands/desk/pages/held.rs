//! `GET /held`: the review queue, 50 numbers a page, each with why it is
//! held, its evidence and the forms to approve or reject it; and the two
//! POSTs, which record the decision with the signed-in operator's name
//! (the library call `reports approve|reject` makes) and come back here.

use super::super::auth::Signed;
use super::super::i18n::{Lang, T};
use super::super::layout::{Ctx, page};
use super::super::{AppState, DeskError};
use super::{key_of_digits, percent};
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use canhgiac_core::publisher::{self, desk};
use maud::html;
use serde::Deserialize;

pub const PER_PAGE: u32 = 50;

#[derive(Deserialize)]
pub struct HeldQuery {
    page: Option<u32>,
    done: Option<String>,
    number: Option<String>,
}

pub async fn get(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Extension(signed): Extension<Signed>,
    Query(q): Query<HeldQuery>,
) -> Result<Html<String>, DeskError> {
    // Pages are counted from 1 in the address.
    let page_no = q.page.unwrap_or(1).clamp(1, 100_000);
    let (total, rows) = state
        .read(move |db| desk::held_page(db, page_no - 1, PER_PAGE))
        .await?;
    let t = |x| lang.t(x);
    let mut ctx = Ctx::signed(lang, signed).at("/held");
    ctx.flash = flash(lang, q.done.as_deref(), q.number.as_deref());
    let pages = total.div_ceil(u64::from(PER_PAGE)).max(1);
    Ok(page(
        &ctx,
        t(T::Held),
        html! {
            main id="held" {
                h1 { (t(T::Held)) " (" (total) ")" }
                p { (t(T::HeldIntro)) }
                @if rows.is_empty() {
                    p { (t(T::QueueEmpty)) }
                } @else {
                    table id="held-table" class="stack" {
                        thead { tr {
                            th scope="col" { (t(T::Number)) }
                            th scope="col" { (t(T::Why)) }
                            th scope="col" { (t(T::Evidence)) }
                            th scope="col" { (t(T::Decision)) }
                        } }
                        tbody {
                            @for h in &rows {
                                tr id=(format!("held-{}", h.digits)) class="held-row" {
                                    td data-label=(t(T::Number)) { a href=(format!("/number/{}", h.digits)) { (h.held.display) } }
                                    td data-label=(t(T::Why)) {
                                        (lang.words_of(h.held.why.as_str()))
                                        br;
                                        (t(T::HeldForDays)) ": " (h.held.age_days)
                                    }
                                    td data-label=(t(T::Evidence)) {
                                        p { (h.held.reporters) " " (t(T::PeopleN)) ", " (h.held.reports) " " (t(T::ReportsN)) " · " (t(T::BurstShare)) ": " (percent(h.burst_share)) }
                                        ul class="days" {
                                            @for d in h.days.iter().rev().take(7) {
                                                li { (d.day) ": " (d.reporters) " " (t(T::PeopleN)) ", " (d.reports) " " (t(T::ReportsN)) }
                                            }
                                        }
                                        @if !h.patterns.is_empty() {
                                            p { (t(T::Patterns)) ": "
                                                @for (i, (label, n)) in h.patterns.iter().enumerate() {
                                                    @if i > 0 { "; " }
                                                    (label) " (" (n) ")"
                                                }
                                            }
                                        }
                                        @if !h.contents.is_empty() {
                                            details {
                                                summary { (t(T::Contents)) " (" (h.contents.len()) ")" }
                                                ul class="contents" {
                                                    @for c in &h.contents { li { (c) } }
                                                }
                                            }
                                        }
                                    }
                                    td data-label=(t(T::Decision)) {
                                        (decide_form("approve", &h.digits, t(T::Approve), t(T::Reason), &ctx))
                                        (decide_form("reject", &h.digits, t(T::Reject), t(T::Reason), &ctx))
                                    }
                                }
                            }
                        }
                    }
                }
                nav class="pager" aria-label=(t(T::Page)) {
                    @if page_no > 1 {
                        a rel="prev" href=(format!("/held?page={}", page_no - 1)) { (t(T::PrevPage)) }
                    }
                    span { (t(T::Page)) " " (page_no) " / " (pages) }
                    @if u64::from(page_no) < pages {
                        a rel="next" href=(format!("/held?page={}", page_no + 1)) { (t(T::NextPage)) }
                    }
                }
            }
        },
    ))
}

fn decide_form(action: &str, digits: &str, button: &str, reason: &str, ctx: &Ctx) -> maud::Markup {
    let id = format!("{action}-reason-{digits}");
    html! {
        form class=(action) method="post" action=(format!("/held/{digits}/{action}")) {
            input type="hidden" name="csrf" value=(ctx.signed.as_ref().map(|s| s.csrf.as_str()).unwrap_or(""));
            label for=(id) { (reason) }
            input id=(id) name="reason" type="text" required maxlength="500";
            button type="submit" { (button) }
        }
    }
}

/// The line saying what the last decision was.
fn flash(lang: Lang, done: Option<&str>, number: Option<&str>) -> Option<String> {
    let what = match done? {
        "approved" => lang.t(T::Approved),
        "rejected" => lang.t(T::RejectedDone),
        _ => return None,
    };
    let key = key_of_digits(number?)?;
    Some(format!("{what}: {}", display(&key)))
}

fn display(key: &desk::Key) -> String {
    match key {
        desk::Key::Number(n) => canhgiac_core::normalize(&format!("+{n}"))
            .map(|p| p.display)
            .unwrap_or_else(|_| n.to_string()),
        desk::Key::Short(s) => s.clone(),
    }
}

#[derive(Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}

pub async fn approve(
    state: State<AppState>,
    signed: Extension<Signed>,
    digits: Path<String>,
    form: Form<ReasonForm>,
) -> Result<Response, DeskError> {
    decide(state, signed, digits, form, true).await
}

pub async fn reject(
    state: State<AppState>,
    signed: Extension<Signed>,
    digits: Path<String>,
    form: Form<ReasonForm>,
) -> Result<Response, DeskError> {
    decide(state, signed, digits, form, false).await
}

async fn decide(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    Path(digits): Path<String>,
    Form(form): Form<ReasonForm>,
    approve: bool,
) -> Result<Response, DeskError> {
    let Some(desk::Key::Number(n)) = key_of_digits(&digits) else {
        return Err(DeskError::NotFound);
    };
    let operator = signed.operator;
    let d = state
        .write(move |db| {
            let number = format!("+{n}");
            if approve {
                publisher::approve(db, &number, &form.reason, &operator)
            } else {
                publisher::reject(db, &number, &form.reason, &operator)
            }
        })
        .await?;
    tracing::info!(operator = %d.operator, state = d.state, "a decision from the desk");
    Ok(Redirect::to(&format!("/held?done={}&number={n}", d.state)).into_response())
}
