//! `GET /disputes`: open (and waiting), withdrawn and decided disputes;
//! a form to file one; a form to withdraw each open one. Both POSTs go
//! through the library calls `reports dispute` and `reports
//! withdraw-dispute` make, with the signed-in operator's name.

use super::super::auth::Signed;
use super::super::i18n::{Lang, T};
use super::super::layout::{Ctx, page};
use super::super::{AppState, DeskError};
use super::when;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use canhgiac_core::publisher::{self, Dispute, DisputeDecision, desk};
use maud::{Markup, html};
use serde::Deserialize;

/// Disputes listed in each section, newest first.
const SHOWN: u32 = 200;
/// The reason a withdrawal is given when the operator types none.
const WITHDRAWN: &str = "withdrawn by whoever filed it";

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
    id: Option<i64>,
}

pub async fn get(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Extension(signed): Extension<Signed>,
    Query(q): Query<DoneQuery>,
) -> Result<Html<String>, DeskError> {
    let (open, withdrawn, decided) = state
        .read(|db| {
            Ok((
                desk::disputes_in(db, &["open", "waiting"], SHOWN)?,
                desk::disputes_in(db, &["withdrawn"], SHOWN)?,
                desk::disputes_in(db, &["upheld", "rejected"], SHOWN)?,
            ))
        })
        .await?;
    let t = |x| lang.t(x);
    let mut ctx = Ctx::signed(lang, signed).at("/disputes");
    ctx.flash = match (q.done.as_deref(), q.id) {
        (Some("added"), Some(id)) => Some(format!("{}: {id}", t(T::DisputeAdded))),
        (Some("withdrawn"), Some(id)) => Some(format!("{}: {id}", t(T::DisputeWithdrawn))),
        _ => None,
    };
    let csrf = ctx
        .signed
        .as_ref()
        .map(|s| s.csrf.clone())
        .unwrap_or_default();
    Ok(page(
        &ctx,
        t(T::Disputes),
        html! {
            main id="disputes" {
                h1 { (t(T::Disputes)) }
                section id="disputes-add" aria-labelledby="disputes-add-h" {
                    h2 id="disputes-add-h" { (t(T::AddDispute)) }
                    form id="dispute-add" method="post" action="/disputes" {
                        input type="hidden" name="csrf" value=(csrf);
                        p {
                            label for="dispute-number" { (t(T::AnyForm)) }
                            " "
                            input id="dispute-number" name="number" type="text" inputmode="tel" required maxlength="64";
                        }
                        p {
                            label for="dispute-reason" { (t(T::Reason)) }
                            br;
                            textarea id="dispute-reason" name="reason" required maxlength="500" rows="2" cols="50" {}
                        }
                        button type="submit" { (t(T::AddDispute)) }
                    }
                }
                (section("disputes-open", t(T::OpenDisputes), &open, Some(&csrf), lang))
                (section("disputes-withdrawn", t(T::WithdrawnDisputes), &withdrawn, None, lang))
                (section("disputes-decided", t(T::DecidedDisputes), &decided, None, lang))
            }
        },
    ))
}

/// A section of disputes; `withdraw`: the form token, when each row has a
/// withdraw form.
fn section(id: &str, title: &str, rows: &[Dispute], withdraw: Option<&str>, lang: Lang) -> Markup {
    let t = |x| lang.t(x);
    let h = format!("{id}-h");
    html! {
        section id=(id) aria-labelledby=(h) {
            h2 id=(h) { (title) " (" (rows.len()) ")" }
            @if rows.is_empty() {
                p { (t(T::NoneYet)) }
            } @else {
                table class="stack" {
                    thead { tr {
                        th scope="col" { "#" }
                        th scope="col" { (t(T::Number)) }
                        th scope="col" { (t(T::Filed)) }
                        th scope="col" { (t(T::FiledBy)) }
                        th scope="col" { (t(T::Reason)) }
                        th scope="col" { (t(T::State)) }
                        th scope="col" { (t(T::Decision)) }
                    } }
                    tbody {
                        @for d in rows {
                            tr id=(format!("dispute-{}", d.id)) {
                                td data-label="#" { (d.id) }
                                td data-label=(t(T::Number)) { a href=(format!("/number/{}", d.number.trim_start_matches('+'))) { (d.display) } }
                                td data-label=(t(T::Filed)) { (when(d.disputed_at)) }
                                td data-label=(t(T::FiledBy)) { (d.operator.as_deref().unwrap_or("—")) }
                                td data-label=(t(T::Reason)) { (d.reason) }
                                td data-label=(t(T::State)) { (lang.words_of(&d.state)) }
                                td data-label=(t(T::Decision)) {
                                    @if let (Some(by), Some(at)) = (&d.decided_by, d.decided_at) {
                                        (by) ", " (when(at)) ": " (d.decision.as_deref().unwrap_or(""))
                                    }
                                    @if let Some(csrf) = withdraw {
                                        @let input = format!("withdraw-reason-{}", d.id);
                                        form class="withdraw" method="post" action=(format!("/disputes/{}/withdraw", d.id)) {
                                            input type="hidden" name="csrf" value=(csrf);
                                            label for=(input) { (t(T::Reason)) }
                                            input id=(input) name="reason" type="text" maxlength="500";
                                            button type="submit" { (t(T::Withdraw)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[derive(Deserialize)]
pub struct AddForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    reason: String,
}

pub async fn add(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    Form(form): Form<AddForm>,
) -> Result<Response, DeskError> {
    let d = state
        .write(move |db| publisher::dispute(db, &form.number, &form.reason, &signed.operator))
        .await?;
    Ok(Redirect::to(&format!("/disputes?done=added&id={}", d.id)).into_response())
}

#[derive(Deserialize)]
pub struct WithdrawForm {
    #[serde(default)]
    reason: String,
}

pub async fn withdraw(
    State(state): State<AppState>,
    Extension(signed): Extension<Signed>,
    Path(id): Path<i64>,
    Form(form): Form<WithdrawForm>,
) -> Result<Response, DeskError> {
    let reason = if form.reason.trim().is_empty() {
        WITHDRAWN.to_string()
    } else {
        form.reason
    };
    let d = state
        .write(move |db| {
            publisher::decide_dispute(db, id, DisputeDecision::Withdraw, &reason, &signed.operator)
        })
        .await?;
    Ok(Redirect::to(&format!("/disputes?done=withdrawn&id={}", d.id)).into_response())
}
