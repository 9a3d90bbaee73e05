//! The frame of every page (header, navigation, search, language switch,
//! sign-out), the error pages, the stylesheet, and the headers every
//! response carries: a strict Content-Security-Policy (no script at all,
//! styles only from `/static/desk.css`), no framing, no sniffing, no
//! referrer, nothing cached, and the server's time for the bench.

use super::auth::Signed;
use super::i18n::{Lang, T};
use super::{AppState, DeskError};
use axum::Extension;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};
use std::time::Instant;

const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const STYLESHEET: &str = include_str!("static/desk.css");

/// What the frame of a page needs to know.
pub struct Ctx {
    pub lang: Lang,
    pub signed: Option<Signed>,
    /// A line saying what the last POST did.
    pub flash: Option<String>,
    /// The navigation link of this page, marked `aria-current="page"`.
    pub here: Option<&'static str>,
}

/// The navigation, a link a row: (address, its words).
const NAV: [(&str, T); 5] = [
    ("/", T::Overview),
    ("/held", T::Held),
    ("/disputes", T::Disputes),
    ("/rejected", T::Rejected),
    ("/follow", T::Follow),
];

impl Ctx {
    pub fn anonymous(lang: Lang) -> Ctx {
        Ctx {
            lang,
            signed: None,
            flash: None,
            here: None,
        }
    }

    pub fn signed(lang: Lang, signed: Signed) -> Ctx {
        Ctx {
            lang,
            signed: Some(signed),
            flash: None,
            here: None,
        }
    }

    /// The same, on the page the navigation links as `path`.
    pub fn at(mut self, path: &'static str) -> Ctx {
        self.here = Some(path);
        self
    }
}

/// A whole page: `main` inside the desk's frame.
pub fn page(ctx: &Ctx, title: &str, main: Markup) -> Html<String> {
    let l = ctx.lang;
    Html(
        html! {
            (DOCTYPE)
            html lang=(l.code()) {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (title) " · " (l.t(T::Desk)) }
                    link rel="stylesheet" href="/static/desk.css";
                }
                body {
                    header {
                        p class="brand" { (l.t(T::Desk)) }
                        // Only for an operator: signed out, every link
                        // and the search would lead back to the sign-in.
                        @if ctx.signed.is_some() {
                            nav aria-label=(l.t(T::Desk)) {
                                ul {
                                    @for (href, words) in NAV {
                                        li {
                                            @if ctx.here == Some(href) {
                                                a href=(href) aria-current="page" { (l.t(words)) }
                                            } @else {
                                                a href=(href) { (l.t(words)) }
                                            }
                                        }
                                    }
                                }
                            }
                            form id="search" method="get" action="/number" role="search" {
                                label for="search-q" { (l.t(T::LookUp)) }
                                input id="search-q" name="q" type="search" inputmode="tel" maxlength="64" autocomplete="off";
                                button type="submit" { (l.t(T::LookUpButton)) }
                            }
                        }
                        p class="lang" {
                            span class="sr-only" { (l.t(T::Language)) ": " }
                            a href="?lang=vi" lang="vi" hreflang="vi" { "Tiếng Việt" }
                            " · "
                            a href="?lang=en" lang="en" hreflang="en" { "English" }
                        }
                        @if let Some(s) = &ctx.signed {
                            form id="logout" method="post" action="/logout" {
                                input type="hidden" name="csrf" value=(s.csrf);
                                span class="who" { (l.t(T::SignedInAs)) " " (s.operator) }
                                " "
                                button type="submit" { (l.t(T::SignOut)) }
                            }
                        }
                    }
                    @if let Some(f) = &ctx.flash {
                        p id="flash" role="status" { (f) }
                    }
                    (main)
                }
            }
        }
        .into_string(),
    )
}

/// What an error page says, carried on its response so that
/// [`framed_errors`] can say it again inside the frame of the desk, in the
/// operator's language: the words by name when the desk has them, else
/// the error's own text.
#[derive(Clone)]
pub struct ErrorText {
    words: Option<T>,
    why: String,
}

/// An error page in the desk's frame (navigation, search, sign-out) for a
/// signed-in operator; the bare page otherwise (no session to show).
pub async fn framed_errors(req: Request, next: Next) -> Response {
    let lang = req.extensions().get::<Lang>().copied();
    let signed = req.extensions().get::<Signed>().cloned();
    let response = next.run(req).await;
    let text = response.extensions().get::<ErrorText>().cloned();
    let (Some(lang), Some(signed), Some(text)) = (lang, signed, text) else {
        return response;
    };
    framed(lang, signed, response.status(), text)
}

fn framed(lang: Lang, signed: Signed, status: StatusCode, text: ErrorText) -> Response {
    let why = text.words.map_or(text.why, |w| lang.t(w).to_string());
    let body = page(
        &Ctx::signed(lang, signed),
        lang.t(T::Error),
        html! {
            main id="error-page" {
                h1 { (lang.t(T::Error)) " " (status.as_u16()) }
                p id="error" role="alert" { (why) }
            }
        },
    );
    (status, body).into_response()
}

/// A page saying what went wrong, in both languages (it may be answered
/// before the request's language is known).
pub fn error_page(status: StatusCode, why: &str) -> Response {
    error_response(status, why, None)
}

fn error_response(status: StatusCode, why: &str, words: Option<T>) -> Response {
    let body = html! {
        (DOCTYPE)
        html lang="vi" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "Lỗi · Error" }
                link rel="stylesheet" href="/static/desk.css";
            }
            body {
                main id="error-page" {
                    h1 { "Lỗi " span lang="en" { "· Error" } " " (status.as_u16()) }
                    p id="error" role="alert" { (why) }
                    p { a href="/" { "Tổng quan" } " · " a href="/" lang="en" { "Overview" } }
                }
            }
        }
    };
    let mut response = (status, Html(body.into_string())).into_response();
    response.extensions_mut().insert(ErrorText {
        words,
        why: why.to_string(),
    });
    response
}

/// Both languages' words, for the bare page.
fn both(words: T) -> String {
    format!("{} {}", Lang::Vi.t(words), Lang::En.t(words))
}

/// 403: a POST without its form token.
pub fn forbidden() -> Response {
    error_response(
        StatusCode::FORBIDDEN,
        &both(T::Forbidden),
        Some(T::Forbidden),
    )
}

/// 404 for an address the desk does not have: in the frame for a
/// signed-in operator. Without a session it stays a bare 404 (not a
/// redirect to the sign-in page, whose new form token would replace the
/// one of a sign-in form open in the browser, e.g. on its favicon fetch).
pub async fn not_found(
    State(state): State<AppState>,
    Extension(lang): Extension<Lang>,
    headers: HeaderMap,
) -> Response {
    match super::auth::signed(&state, &headers).await {
        Ok(Some(signed)) => framed(
            lang,
            signed,
            StatusCode::NOT_FOUND,
            ErrorText {
                words: Some(T::NotFoundText),
                why: String::new(),
            },
        ),
        _ => DeskError::NotFound.into_response(),
    }
}

impl IntoResponse for DeskError {
    fn into_response(self) -> Response {
        match self {
            DeskError::Db(why) => {
                tracing::error!("{why}");
                error_page(StatusCode::INTERNAL_SERVER_ERROR, &why)
            }
            DeskError::Input(why) => error_page(StatusCode::BAD_REQUEST, &why),
            DeskError::NotFound => error_response(
                StatusCode::NOT_FOUND,
                &both(T::NotFoundText),
                Some(T::NotFoundText),
            ),
        }
    }
}

pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        STYLESHEET,
    )
        .into_response()
}

/// The headers every response carries, and its server time.
pub async fn headers(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let mut response = next.run(req).await;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    if let Ok(v) = HeaderValue::from_str(&format!("app;dur={ms:.2}")) {
        h.insert("server-timing", v);
    }
    response
}
