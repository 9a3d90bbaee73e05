//! `GET /follow`: the feed's follow link as text and as a QR code, with
//! the name, the address and each pinned key's short fingerprint, for an
//! operator to print or show so that people follow the list in one tap.
//!
//! The link is made once, when the desk starts, from `--feed-url`,
//! `--feed-name` and `--feed-key-pub` (or the `--feed-dir`'s `feed.pub`):
//! a link that would be refused (http, a bad name or key) stops the desk
//! with its reason, since a page showing it would only mislead. Without
//! those options the page says which ones to start the desk with.

use super::super::auth::Signed;
use super::super::i18n::{Lang, T};
use super::super::layout::{Ctx, page};
use crate::commands::key_text;
use anyhow::{Context, Result};
use axum::Extension;
use axum::extract::State;
use axum::response::Html;
use canhgiac_core::FollowLink;
use canhgiac_core::publisher;
use maud::{PreEscaped, html};
use std::path::PathBuf;

/// The public key file `feed keygen` writes, looked for in `--feed-dir`.
const PUB_FILE: &str = "feed.pub";

/// The feed as given on the command line.
pub struct FeedPlace {
    pub dir: Option<PathBuf>,
    pub url: Option<String>,
    pub name: Option<String>,
    /// `--feed-key-pub`: files or hex.
    pub keys: Vec<String>,
}

/// What the page shows, made once at start.
pub enum Follow {
    Ready {
        link: FollowLink,
        text: String,
        /// The QR code as an SVG element, drawn by `qr::qr_svg`, which
        /// escapes what it writes.
        qr: String,
    },
    /// The options the desk was started without.
    Missing(Vec<&'static str>),
}

impl FeedPlace {
    /// The link and its QR code, or which options are missing; an error
    /// (the desk does not start) when they are all given but make a link
    /// a phone would refuse.
    pub fn follow(self) -> Result<Follow> {
        let mut keys = self
            .keys
            .iter()
            .map(|k| key_text(k))
            .collect::<Result<Vec<_>>>()?;
        if keys.is_empty()
            && let Some(file) = self.dir.as_ref().map(|d| d.join(PUB_FILE))
            && file.is_file()
        {
            keys.push(key_text(&file.to_string_lossy())?);
        }
        let mut missing = Vec::new();
        if self.url.is_none() {
            missing.push("--feed-url URL");
        }
        if self.name.is_none() {
            missing.push("--feed-name NAME");
        }
        if keys.is_empty() {
            missing.push("--feed-key-pub FILE");
        }
        let (Some(url), Some(name)) = (self.url, self.name) else {
            return Ok(Follow::Missing(missing));
        };
        if !missing.is_empty() {
            return Ok(Follow::Missing(missing));
        }
        let link = FollowLink::new(&name, &url, &keys)
            .context("the follow page's link (--feed-url, --feed-name, --feed-key-pub)")?;
        if let Some(dir) = &self.dir {
            signed_by_one_of(dir, &keys)?;
        }
        let text = link.to_link();
        let qr = crate::qr::qr_svg(&text, "follow-qr", &format!("QR: {}", link.name))?;
        Ok(Follow::Ready { link, text, qr })
    }
}

/// The folder's manifest, when it has one, must verify under one of the
/// keys the link pins: phones that followed a link pinning another key
/// would refuse every update of the feed.
fn signed_by_one_of(dir: &std::path::Path, keys: &[String]) -> Result<()> {
    let path = dir.join(publisher::MANIFEST_FILE);
    let Ok(bytes) = std::fs::read(&path) else {
        // Nothing published yet: nothing to check.
        return Ok(());
    };
    let pinned = keys
        .iter()
        .map(|k| publisher::parse_public_key(k))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    publisher::verify(&bytes, &pinned).map(|_| ()).with_context(|| {
        format!(
            "{} does not verify under the follow link's keys (--feed-key-pub): phones following the link would refuse every update",
            path.display()
        )
    })
}

pub async fn get(
    State(state): State<super::super::AppState>,
    Extension(lang): Extension<Lang>,
    Extension(signed): Extension<Signed>,
) -> Html<String> {
    let t = |x| lang.t(x);
    page(
        &Ctx::signed(lang, signed).at("/follow"),
        t(T::Follow),
        html! {
            main id="follow" {
                h1 { (t(T::Follow)) }
                p { (t(T::FollowIntro)) }
                @match &state.follow {
                    Follow::Ready { link, text, qr } => {
                        dl id="follow-feed" {
                            dt { (t(T::FeedName)) } dd id="follow-name" { (link.name) }
                            dt { (t(T::FeedAddress)) } dd id="follow-url" { (link.url) }
                            dt { (t(T::KeyFingerprints)) }
                            @for f in link.fingerprints() { dd class="fingerprint" { code { (f) } } }
                        }
                        h2 { (t(T::FollowLinkText)) }
                        p { code id="follow-link" { (text) } }
                        h2 { (t(T::FollowQr)) }
                        div class="qr" { (PreEscaped(qr)) }
                    }
                    Follow::Missing(options) => {
                        p id="follow-missing" role="status" {
                            (t(T::FollowMissing)) " "
                            @for (i, o) in options.iter().enumerate() {
                                @if i > 0 { " " }
                                code { (o) }
                            }
                        }
                    }
                }
            }
        },
    )
}
