//! Charts drawn by the server as SVG: nothing is fetched, nothing runs in
//! the browser. Each has a `<title>` named by `aria-labelledby`, and the
//! page puts the same figures in a table beside it for screen readers.

use maud::{Markup, html};

const W: f64 = 720.0;
const H: f64 = 240.0;
/// Left and right of the plot.
const PAD: f64 = 28.0;
/// Above the plot (the largest value's figure) and below it (the first
/// and last labels): room for text of 26 units, the phone's size.
const TOP: f64 = 36.0;
const BOTTOM: f64 = 44.0;
/// Baselines of the top figure and of the bottom labels.
const TOP_TEXT: f64 = 26.0;
const LABEL_Y: f64 = H - 8.0;

/// A stack of one bar a category: the classes name the segments' colours.
pub struct Stack<'a> {
    pub label: &'a str,
    /// (CSS class, value).
    pub parts: Vec<(&'static str, u64)>,
}

/// Stacked bars, one per x label (e.g. reports a day by keyword).
pub fn stacked_bars(id: &str, title: &str, stacks: &[Stack]) -> Markup {
    let max = stacks
        .iter()
        .map(|s| s.parts.iter().map(|p| p.1).sum::<u64>())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let n = stacks.len().max(1) as f64;
    let step = (W - 2.0 * PAD) / n;
    let title_id = format!("{id}-title");
    html! {
        svg id=(id) role="img" aria-labelledby=(title_id) viewBox=(format!("0 0 {W} {H}")) xmlns="http://www.w3.org/2000/svg" {
            title id=(title_id) { (title) }
            line class="axis" x1=(PAD) y1=(H - BOTTOM) x2=(W - PAD) y2=(H - BOTTOM) {}
            text x="2" y=(TOP_TEXT) { (max as u64) }
            @for (i, s) in stacks.iter().enumerate() {
                @let x = PAD + i as f64 * step;
                @let mut y = H - BOTTOM;
                @for (class, v) in &s.parts {
                    @let h = (*v as f64 / max) * (H - TOP - BOTTOM);
                    @let top = { y -= h; y };
                    rect class=(class) x=(fmt(x + step * 0.1)) y=(fmt(top)) width=(fmt(step * 0.8)) height=(fmt(h)) {}
                }
                @if i == 0 {
                    text x=(fmt(x)) y=(LABEL_Y) { (s.label) }
                } @else if i + 1 == stacks.len() {
                    // The last label ends at the right edge, not past it.
                    text x=(fmt(W - 2.0)) y=(LABEL_Y) text-anchor="end" { (s.label) }
                }
            }
        }
    }
}

/// A line through (label, value) points, oldest first.
pub fn line(id: &str, title: &str, points: &[(String, u64)]) -> Markup {
    let max = points.iter().map(|p| p.1).max().unwrap_or(0).max(1) as f64;
    let n = points.len().saturating_sub(1).max(1) as f64;
    let path: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, (_, v))| {
            let x = PAD + i as f64 * (W - 2.0 * PAD) / n;
            let y = H - BOTTOM - (*v as f64 / max) * (H - TOP - BOTTOM);
            format!("{},{}", fmt(x), fmt(y))
        })
        .collect();
    let title_id = format!("{id}-title");
    html! {
        svg id=(id) role="img" aria-labelledby=(title_id) viewBox=(format!("0 0 {W} {H}")) xmlns="http://www.w3.org/2000/svg" {
            title id=(title_id) { (title) }
            line class="axis" x1=(PAD) y1=(H - BOTTOM) x2=(W - PAD) y2=(H - BOTTOM) {}
            text x="2" y=(TOP_TEXT) { (max as u64) }
            polyline class="line" points=(path.join(" ")) {}
            // The newest point as a dot: one publish alone draws no line.
            @if let Some((x, y)) = path.last().and_then(|p| p.split_once(',')) {
                circle class="dot" cx=(x) cy=(y) r="5" {}
            }
            @if let (Some(first), Some(last)) = (points.first(), points.last()) {
                text x=(PAD) y=(LABEL_Y) { (first.0) }
                text x=(W - 2.0) y=(LABEL_Y) text-anchor="end" { (last.0) }
            }
        }
    }
}

/// Horizontal bars, one a row (e.g. the top labels): each label on its
/// own line above its bar, so that a long label and the phone's larger
/// text never run into the bar.
pub fn hbars(id: &str, title: &str, rows: &[(String, u64)]) -> Markup {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1) as f64;
    let row_h = 64.0;
    let height = (rows.len().max(1) as f64) * row_h + 8.0;
    let room = W - 2.0 - 120.0;
    let title_id = format!("{id}-title");
    html! {
        svg id=(id) role="img" aria-labelledby=(title_id) viewBox=(format!("0 0 {W} {}", fmt(height))) xmlns="http://www.w3.org/2000/svg" {
            title id=(title_id) { (title) }
            @for (i, (label, v)) in rows.iter().enumerate() {
                @let y = 4.0 + i as f64 * row_h;
                @let width = (*v as f64 / max) * room;
                text x="2" y=(fmt(y + 24.0)) { (shorten(label, 44)) }
                rect class="bar" x="2" y=(fmt(y + 32.0)) width=(fmt(width)) height="20" {}
                text x=(fmt(2.0 + width + 8.0)) y=(fmt(y + 50.0)) { (v) }
            }
        }
    }
}

/// A coordinate, short.
fn fmt(v: f64) -> String {
    format!("{v:.1}")
}

/// At most `max` characters, with an ellipsis when cut.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        text.chars().take(max - 1).chain(['…']).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_has_its_title_role_and_one_bar_a_value() {
        let svg = stacked_bars(
            "chart-x",
            "Reports <a day>",
            &[
                Stack {
                    label: "2026-01-01",
                    parts: vec![("bar-ld", 3), ("bar-v", 1)],
                },
                Stack {
                    label: "2026-01-02",
                    parts: vec![("bar-ld", 0), ("bar-v", 2)],
                },
            ],
        )
        .into_string();
        assert!(
            svg.contains(r#"role="img""#) && svg.contains(r#"aria-labelledby="chart-x-title""#)
        );
        assert!(
            svg.contains("<title id=\"chart-x-title\">Reports &lt;a day&gt;</title>"),
            "{svg}"
        );
        assert_eq!(svg.matches("<rect").count(), 4);
        let l = line("chart-l", "t", &[("a".into(), 1), ("b".into(), 5)]).into_string();
        assert!(l.contains("<polyline"));
        let one = line("chart-1", "t", &[("a".into(), 3)]).into_string();
        assert_eq!(one.matches("<circle").count(), 1, "{one}");
        let h = hbars("chart-h", "t", &[("<b>".into(), 2)]).into_string();
        assert!(h.contains("&lt;b&gt;") && !h.contains("<b>"));
    }
}
