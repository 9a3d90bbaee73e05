//! Who may use the desk: operators added with `desk add-operator NAME`
//! (their password kept as an argon2id hash with a random salt), signed in
//! with a session cookie whose random token the database keeps only as its
//! SHA-256. A wrong name costs what a wrong password costs (a decoy hash is
//! verified instead), so that timing does not tell which names exist.

use super::i18n::{Lang, T, cookie};
use super::layout::{Ctx, page};
use super::{AppState, DeskError};
use crate::commands::Db;
use anyhow::{Context, Result, bail};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::Form;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use canhgiac_core::publisher::desk;
use maud::html;
use rand_core::{OsRng, RngCore};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::io::{BufRead, IsTerminal, Read};
use std::time::Instant;

/// The session cookie.
pub const SESSION_COOKIE: &str = "cg_session";
/// The sign-in form's token, before there is a session to hold one.
pub const LOGIN_COOKIE: &str = "cg_login";
/// A session unused this long ends (12 hours).
pub const IDLE_SECS: i64 = 12 * 3600;
/// Password lengths accepted, in characters.
const MIN_PASSWORD: usize = 12;
const MAX_PASSWORD: usize = 1024;
/// Longest name typed into the sign-in form that is looked up at all.
const MAX_NAME_CHARS: usize = 100;

/// The signed-in operator, set by [`require_session`] for every page.
#[derive(Clone)]
pub struct Signed {
    pub operator: String,
    pub csrf: String,
}

/// `desk add-operator NAME [--reset]`.
pub fn add_operator(db: &Db, name: &str, reset: bool) -> Result<()> {
    let password = read_password()?;
    let hash = hash_password(&password)?;
    desk::add_operator(&mut db.publisher()?, name, &hash, reset)?;
    outln!(
        "operator {} {}: they sign in to the desk with this password",
        name.trim(),
        if reset { "has a new password" } else { "added" }
    );
    Ok(())
}

/// The password: asked twice without echo on a terminal, else the first
/// line of stdin (scripts, tests).
fn read_password() -> Result<String> {
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("password (12 to 1024 characters): ")?;
        let again = rpassword::prompt_password("the same password again: ")?;
        if first != again {
            bail!("the two passwords differ; nothing was changed");
        }
        first
    } else {
        let mut line = String::new();
        // A line longer than any password accepted is not read whole.
        std::io::stdin()
            .lock()
            .take((MAX_PASSWORD as u64 + 1) * 4 + 2)
            .read_line(&mut line)
            .context("reading the password from stdin")?;
        line.trim_end_matches(['\r', '\n']).to_string()
    };
    let chars = password.chars().count();
    if !(MIN_PASSWORD..=MAX_PASSWORD).contains(&chars) {
        bail!(
            "a password is {MIN_PASSWORD} to {MAX_PASSWORD} characters (this one has {chars}); nothing was changed"
        );
    }
    Ok(password)
}

/// An argon2id hash (the crate's defaults: 19 MiB, 2 passes) with a
/// random salt, as a PHC string.
fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing the password failed: {e}"))
}

/// A hash of a random password no one knows.
pub fn decoy_hash() -> Result<String> {
    hash_password(&random_hex())
}

/// Whether `password` is the one `hash` was made of (compared in constant
/// time by the argon2 crate).
fn verify(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// 256 random bits, in hex.
pub fn random_hex() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Whether the request came over https (nginx in front says so).
fn over_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"))
}

/// A cookie only this site's pages send back, never to scripts; `Secure`
/// when the desk is reached over https.
fn set_cookie(
    headers: &HeaderMap,
    name: &str,
    value: &str,
    path: &str,
    max_age: Option<i64>,
) -> HeaderValue {
    let mut c = format!("{name}={value}; HttpOnly; SameSite=Strict; Path={path}");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if over_https(headers) {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Every page but the sign-in: a session, or 303 to `/login`.
pub async fn require_session(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    match signed(&state, req.headers()).await {
        Ok(Some(s)) => {
            req.extensions_mut().insert(s);
            next.run(req).await
        }
        Ok(None) => Redirect::to("/login").into_response(),
        Err(e) => e.into_response(),
    }
}

/// The operator whose live session the request's cookie names, if any.
pub async fn signed(state: &AppState, headers: &HeaderMap) -> Result<Option<Signed>, DeskError> {
    let token = cookie(headers, SESSION_COOKIE)
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()));
    let Some(token) = token else {
        return Ok(None);
    };
    let hash = token_hash(&token);
    let session = state
        .write(move |db| desk::session(db, &hash, IDLE_SECS))
        .await?;
    Ok(session.map(|s| Signed {
        operator: s.operator,
        csrf: s.csrf,
    }))
}

/// `GET /login`: the form, with a fresh token in its cookie.
pub async fn login_page(
    axum::Extension(lang): axum::Extension<Lang>,
    headers: HeaderMap,
) -> Response {
    login_form(lang, &headers, StatusCode::OK, None)
}

/// The sign-in form, with `error` (why the last try failed) above it.
fn login_form(lang: Lang, headers: &HeaderMap, status: StatusCode, error: Option<T>) -> Response {
    let token = random_hex();
    let body = page(
        &Ctx::anonymous(lang),
        lang.t(T::SignIn),
        html! {
            main id="login-page" {
                h1 { (lang.t(T::SignIn)) }
                @if let Some(error) = error {
                    p id="login-error" role="alert" { (lang.t(error)) }
                }
                form id="login" method="post" action="/login" {
                    input type="hidden" name="csrf" value=(token);
                    p {
                        label for="login-name" { (lang.t(T::Name)) }
                        input id="login-name" name="name" type="text" autocomplete="username" required maxlength="100";
                    }
                    p {
                        label for="login-password" { (lang.t(T::Password)) }
                        input id="login-password" name="password" type="password" autocomplete="current-password" required;
                    }
                    button type="submit" { (lang.t(T::SignIn)) }
                }
            }
        },
    );
    let mut response = (status, body).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(headers, LOGIN_COOKIE, &token, "/login", None),
    );
    response
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
}

/// `POST /login` (its token checked by `csrf::check`): 303 to `/` with a
/// session, or 401 and the form again.
pub async fn login(
    State(state): State<AppState>,
    axum::Extension(lang): axum::Extension<Lang>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let name = form.name.trim().to_string();
    let password = form.password;
    if let Some(secs) = state.throttle.wait(&name, Instant::now()) {
        tracing::info!("a sign-in refused: too many wrong ones for that name");
        let mut response = login_form(
            lang,
            &headers,
            StatusCode::TOO_MANY_REQUESTS,
            Some(T::TooManySignIns),
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        return response;
    }
    let typed = name.clone();
    let checked = {
        let state = state.clone();
        tokio::task::spawn_blocking(move || {
            let stored =
                if name.chars().count() <= MAX_NAME_CHARS && password.len() <= MAX_PASSWORD * 4 {
                    state
                        .reads
                        .lock()
                        .ok()
                        .and_then(|db| desk::operator_hash(&db, &name).ok().flatten())
                } else {
                    None
                };
            let known = stored.is_some();
            let hash = stored.unwrap_or_else(|| state.decoy_hash.clone());
            // Verified either way: an unknown name takes as long.
            let good = verify(&hash, &password) && known;
            good.then_some(name)
        })
        .await
        .ok()
        .flatten()
    };
    let Some(operator) = checked else {
        tracing::info!("a sign-in failed");
        state.throttle.failed(&typed, Instant::now());
        return login_form(
            lang,
            &headers,
            StatusCode::UNAUTHORIZED,
            Some(T::WrongLogin),
        );
    };
    state.throttle.succeeded(&operator);
    let token = random_hex();
    let csrf = random_hex();
    let hash = token_hash(&token);
    let who = operator.clone();
    if let Err(e) = state
        .write(move |db| desk::open_session(db, &hash, &who, &csrf, IDLE_SECS))
        .await
    {
        return e.into_response();
    }
    tracing::info!(operator = %operator, "signed in");
    let mut response = Redirect::to("/").into_response();
    let h = response.headers_mut();
    h.append(
        header::SET_COOKIE,
        set_cookie(&headers, SESSION_COOKIE, &token, "/", None),
    );
    h.append(
        header::SET_COOKIE,
        set_cookie(&headers, LOGIN_COOKIE, "", "/login", Some(0)),
    );
    response
}

/// `POST /logout`: the session ends, here and in the database.
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, DeskError> {
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        let hash = token_hash(&token);
        state
            .write(move |db| desk::close_session(db, &hash))
            .await?;
    }
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&headers, SESSION_COOKIE, "", "/", Some(0)),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only_and_salts_differ() {
        let a = hash_password("correct horse battery").unwrap();
        let b = hash_password("correct horse battery").unwrap();
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert_ne!(a, b, "a random salt each time");
        assert!(verify(&a, "correct horse battery"));
        assert!(!verify(&a, "correct horse battery!"));
        assert!(!verify("not a hash", "x"));
    }
}
