//! `GET /`: what the last publishes did, and the charts: reports a day by
//! keyword over the policy's window, the listed count over time, the top
//! labels, each with its figures in a table.

use super::super::auth::Signed;
use super::super::charts::{Stack, hbars, line, stacked_bars};
use super::super::i18n::{Lang, T};
use super::super::layout::{Ctx, page};
use super::super::{AppState, DeskError};
use super::when;
use axum::Extension;
use axum::extract::State;
use axum::response::Html;
use canhgiac_core::publisher::desk;
use maud::html;
use std::collections::BTreeMap;

/// Publishes in the table; the listed count's chart reads more of them.
const TABLE_ROWS: usize = 20;
const CHART_RUNS: u32 = 200;
const KEYWORDS: [(&str, &str); 3] = [("LD", "bar-ld"), ("V", "bar-v"), ("S", "bar-s")];

pub async fn get(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    Extension(signed): Extension<Signed>,
) -> Result<Html<String>, DeskError> {
    let (publishes, days, labels, refused) = state
        .read(|db| {
            let publishes = desk::recent_publishes(db, CHART_RUNS)?;
            let window = desk::policy_window_days(db)?;
            let last = desk::last_report_day(db)?.unwrap_or_else(canhgiac_core::publisher::today);
            let counts = desk::reports_by_day(db, last, window)?;
            // Every day of the window, those without reports too.
            let mut days: BTreeMap<String, [u64; 3]> = (last - window as i32 + 1..=last)
                .map(|d| (canhgiac_core::format_day(d), [0; 3]))
                .collect();
            for c in counts {
                if let (Some(day), Some(k)) = (
                    days.get_mut(&c.day),
                    KEYWORDS.iter().position(|(w, _)| *w == c.keyword),
                ) {
                    day[k] = c.reports;
                }
            }
            Ok((
                publishes,
                days,
                desk::top_labels(db)?,
                desk::refusals_since_last_publish(db)?,
            ))
        })
        .await?;
    let ctx = Ctx::signed(lang, signed).at("/");
    let t = |x| lang.t(x);
    let stacks: Vec<Stack> = days
        .iter()
        .map(|(day, n)| Stack {
            label: day,
            parts: KEYWORDS
                .iter()
                .zip(n)
                .map(|((_, class), v)| (*class, *v))
                .collect(),
        })
        .collect();
    let listed: Vec<(String, u64)> = publishes
        .iter()
        .rev()
        .map(|p| (p.as_of.clone(), p.listed))
        .collect();
    Ok(page(
        &ctx,
        t(T::Overview),
        html! {
            main id="overview" {
                h1 { (t(T::Overview)) }
                h2 { (t(T::LastPublishes)) }
                @if !refused.is_empty() {
                    section id="refusals" aria-labelledby="refusals-h" {
                        h3 id="refusals-h" { (t(T::RefusedSince)) " (" (refused.len()) ")" }
                        ul {
                            @for (at, why) in refused.iter().take(TABLE_ROWS) {
                                li { (when(*at)) ": " (why) }
                            }
                        }
                    }
                }
                @if publishes.is_empty() {
                    p { (t(T::NoPublish)) }
                } @else {
                    div class="scroll" {
                        table id="publishes" class="stack" {
                            thead { tr {
                                th scope="col" { (t(T::Run)) }
                                th scope="col" { (t(T::Version)) }
                                th scope="col" { (t(T::Time)) }
                                th scope="col" { (t(T::AsOf)) }
                                th scope="col" class="n" { (t(T::Listed)) }
                                th scope="col" class="n" { (t(T::Added)) }
                                th scope="col" { (t(T::Removed)) }
                                th scope="col" class="n" { (t(T::HeldCount)) }
                                th scope="col" class="n" { (t(T::DisputesWaiting)) }
                                th scope="col" class="n" { (t(T::GuardRefusals)) }
                            } }
                            tbody {
                                @for p in publishes.iter().take(TABLE_ROWS) {
                                    tr {
                                        td data-label=(t(T::Run)) { (p.run) }
                                        td data-label=(t(T::Version)) { (p.feed_version.map_or_else(|| "—".to_string(), |v| v.to_string())) }
                                        td data-label=(t(T::Time)) { (when(p.at)) }
                                        td data-label=(t(T::AsOf)) { (p.as_of) }
                                        td class="n" data-label=(t(T::Listed)) { (p.listed) }
                                        td class="n" data-label=(t(T::Added)) { (p.added) }
                                        td data-label=(t(T::Removed)) {
                                            (p.removed)
                                            @for (why, n) in &p.removed_by_reason {
                                                " · " (lang.words_of(why)) " " (n)
                                            }
                                        }
                                        td class="n" data-label=(t(T::HeldCount)) { (p.held) }
                                        td class="n" data-label=(t(T::DisputesWaiting)) { (p.disputes_waiting) }
                                        td class="n" data-label=(t(T::GuardRefusals)) { (p.refused_before) }
                                    }
                                }
                            }
                        }
                    }
                }
                h2 { (t(T::ReportsByDay)) }
                p class="legend" { span class="key-ld" { "■ LD" } span class="key-v" { "■ V" } span class="key-s" { "■ S" } }
                (stacked_bars("chart-reports", t(T::ReportsByDay), &stacks))
                div class="sr-only" { table {
                    caption { (t(T::ReportsByDay)) }
                    thead { tr { th scope="col" { (t(T::Day)) } th scope="col" { "LD" } th scope="col" { "V" } th scope="col" { "S" } } }
                    tbody { @for (day, n) in &days { tr { td { (day) } td { (n[0]) } td { (n[1]) } td { (n[2]) } } } }
                } }
                h2 { (t(T::ListedOverTime)) }
                (line("chart-listed", t(T::ListedOverTime), &listed))
                div class="sr-only" { table {
                    caption { (t(T::ListedOverTime)) }
                    thead { tr { th scope="col" { (t(T::AsOf)) } th scope="col" { (t(T::Listed)) } } }
                    tbody { @for (day, n) in &listed { tr { td { (day) } td { (n) } } } }
                } }
                h2 { (t(T::TopLabels)) }
                (hbars("chart-labels", t(T::TopLabels), &labels))
                div class="sr-only" { table {
                    caption { (t(T::TopLabels)) }
                    thead { tr { th scope="col" { (t(T::Label)) } th scope="col" { (t(T::Numbers)) } } }
                    tbody { @for (label, n) in &labels { tr { td { (label) } td { (n) } } } }
                } }
            }
        },
    ))
}
