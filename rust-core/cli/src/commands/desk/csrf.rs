//! Every POST carries its form's token (`csrf`): the session's, or before
//! signing in the one the sign-in page put in its cookie. A POST without
//! it, or with another, is answered 403 before any handler runs: nothing
//! is changed. (SameSite=Strict cookies already keep other sites' forms
//! out; the token also covers browsers that ignore it.)

use super::auth::{LOGIN_COOKIE, Signed};
use super::i18n::cookie;
use super::layout::error_page;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

/// Largest form read: a reason of 500 characters is far below it.
const MAX_FORM_BYTES: usize = 64 * 1024;

pub async fn check(req: Request, next: Next) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    let expected = match req.extensions().get::<Signed>() {
        Some(s) => Some(s.csrf.clone()),
        None => cookie(req.headers(), LOGIN_COOKIE),
    };
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_FORM_BYTES).await else {
        return error_page(
            StatusCode::PAYLOAD_TOO_LARGE,
            "the form is larger than 64 KiB; nothing was changed",
        )
        .into_response();
    };
    let presented = form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.into_owned());
    let good = match (expected, presented) {
        (Some(e), Some(p)) if !e.is_empty() => bool::from(e.as_bytes().ct_eq(p.as_bytes())),
        _ => false,
    };
    if !good {
        tracing::info!(path = %parts.uri.path(), "a POST without its form token was refused");
        return super::layout::forbidden().into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}
