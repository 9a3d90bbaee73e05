//! A follow link (or any short text) as a QR code, drawn as SVG by the
//! `qrcode` crate's own renderer: the desk inlines it in its `/follow`
//! page, `feed follow-link --qr` writes it to a file. No image crates, and
//! nothing a browser must fetch.

use anyhow::{Result, bail};
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// Pixels per module: a version-10 code (a typical link) is 65 modules
/// with its quiet zone, 260 px, scanned easily off a screen or a print.
const MODULE_PX: u32 = 4;

/// The QR code of `text` as an SVG element: `id` is the element's id (a
/// letter, then up to 63 letters, digits, `-` or `_`), `title` what a
/// screen reader says for it (`role="img"`, its `<title>`). Error
/// correction M (15% of the code may be damaged or covered), which holds
/// up to 2,331 bytes: every follow link (at most 2,048) fits. Without the
/// XML declaration, so that it can be inlined in HTML as well as saved.
pub fn qr_svg(text: &str, id: &str, title: &str) -> Result<String> {
    if !valid_id(id) {
        bail!("{id:?} is not an SVG id: a letter, then letters, digits, - or _ (64 at most)");
    }
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| anyhow::anyhow!("the text cannot be drawn as a QR code: {e}"))?;
    let drawn = code
        .render::<svg::Color>()
        .module_dimensions(MODULE_PX, MODULE_PX)
        .quiet_zone(true)
        .build();
    // The renderer writes `<?xml …?><svg xmlns=… …>` then the modules: the
    // declaration goes, the opening tag gets the id, role and title.
    let Some(rest) = drawn.find("<svg ").map(|at| &drawn[at + "<svg ".len()..]) else {
        bail!("the QR renderer wrote no <svg> element");
    };
    let Some(end) = rest.find('>') else {
        bail!("the QR renderer's <svg> element is not closed");
    };
    let (attrs, body) = (&rest[..end], &rest[end + 1..]);
    Ok(format!(
        r#"<svg id="{id}" role="img" aria-labelledby="{id}-title" {attrs}><title id="{id}-title">{}</title>{body}"#,
        escape(title)
    ))
}

fn valid_id(id: &str) -> bool {
    id.len() <= 64
        && id.starts_with(|c: char| c.is_ascii_alphabetic())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Text as XML character data or an attribute's value.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
