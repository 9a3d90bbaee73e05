//! `GET /rejected`: the lines the last ingests rejected, counted by
//! reason, and each ingest's counts. A rejected line's content is never
//! kept, so never shown.

use super::super::auth::Signed;
use super::super::i18n::{Lang, T};
use super::super::layout::{Ctx, page};
use super::super::{AppState, DeskError};
use super::when;
use axum::Extension;
use axum::extract::State;
use axum::response::Html;
use canhgiac_core::publisher::desk;
use maud::html;

/// Ingests read.
const INGESTS: u32 = 50;

pub async fn get(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Extension(signed): Extension<Signed>,
) -> Result<Html<String>, DeskError> {
    let (runs, total) = state.read(|db| desk::recent_ingests(db, INGESTS)).await?;
    let t = |x| lang.t(x);
    Ok(page(
        &Ctx::signed(lang, signed).at("/rejected"),
        t(T::Rejected),
        html! {
            main id="rejected" {
                h1 { (t(T::Rejected)) }
                p { (t(T::RejectedIntro)) }
                table id="rejected-table" {
                    thead { tr { th scope="col" { (t(T::Reason)) } th scope="col" class="n" { (t(T::Lines)) } } }
                    tbody {
                        @for (reason, n) in &total {
                            tr { td { (lang.words_of(reason)) " " span class="code" { "(" (reason) ")" } } td class="n" { (n) } }
                        }
                    }
                }
                h2 { (t(T::Ingests)) }
                table id="ingests" class="stack" {
                    thead { tr {
                        th scope="col" { (t(T::Time)) }
                        th scope="col" { (t(T::Gateway)) }
                        th scope="col" class="n" { (t(T::Lines)) }
                        th scope="col" class="n" { (t(T::Ingested)) }
                        th scope="col" { (t(T::Rejected)) }
                    } }
                    tbody {
                        @for r in &runs {
                            tr {
                                td data-label=(t(T::Time)) { (when(r.at)) }
                                td data-label=(t(T::Gateway)) { (r.gateway.as_deref().unwrap_or("—")) }
                                td class="n" data-label=(t(T::Lines)) { (r.rows) }
                                td class="n" data-label=(t(T::Ingested)) { (r.ingested) }
                                td data-label=(t(T::Rejected)) { @for (i, (why, n)) in r.rejected.iter().enumerate() { @if i > 0 { ", " } (lang.words_of(why)) " " (n) } }
                            }
                        }
                    }
                }
            }
        },
    ))
}
