//! `POST /v1/messages`: a gateway's message, or a batch of them, read as
//! `reports ingest --format jsonl` reads a line, queued for the next group
//! commit, and answered 202 only once committed, with each message's
//! outcome (accepted, duplicate, or rejected with its reason code).

use super::AppState;
use super::refusal::Refusal;
use super::writer::Job;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use canhgiac_core::publisher::{Batch, BatchError, Outcome};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// Largest body read: a batch of 1,000 ordinary SMS is about 300 KiB.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Longest a body may take to arrive: a megabyte takes well under a second
/// on any line a gateway uses, and a body that trickles in holds one of
/// the few places for reading bodies.
pub const BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// The gateway a request's token names (set by [`auth`]).
#[derive(Clone)]
pub struct Gateway(pub Arc<str>);

/// The bearer token, checked before the body is read. Which token was
/// wrong, or how, is never said or logged.
pub async fn auth(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let presented = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(|v| match v.split_once(' ') {
            // The scheme's name is case-insensitive (RFC 9110, 11.1).
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
            _ => "",
        });
    let gateway = match presented {
        None => {
            return Refusal::unauthorized(
                "send the gateway's token: Authorization: Bearer TOKEN",
                "Bearer realm=\"canhgiac\"",
            )
            .into_response();
        }
        Some(token) => state.tokens.gateway(token),
    };
    match gateway {
        Some(name) => {
            req.extensions_mut().insert(Gateway(name));
            next.run(req).await
        }
        None => Refusal::unauthorized(
            "the token is not one of this inbox's gateways",
            "Bearer realm=\"canhgiac\", error=\"invalid_token\"",
        )
        .into_response(),
    }
}

pub async fn post(
    State(state): State<AppState>,
    axum::Extension(Gateway(gateway)): axum::Extension<Gateway>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Refusal> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if !json {
        return Err(Refusal::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send JSON: Content-Type: application/json",
        ));
    }
    let batch = {
        // Bodies are read a bounded number at a time: memory stays bounded
        // however many connections send at once.
        let _reading = state
            .reading
            .clone()
            .try_acquire_owned()
            .map_err(|_| busy())?;
        let bytes = tokio::time::timeout(BODY_TIMEOUT, read_body(body))
            .await
            .map_err(|_| {
                Refusal::new(
                    StatusCode::REQUEST_TIMEOUT,
                    format!(
                        "the body took more than {} s to arrive; nothing of it was kept",
                        BODY_TIMEOUT.as_secs()
                    ),
                )
            })??;
        Batch::from_json(&bytes).map_err(|e| {
            let status = match e {
                BatchError::NotJson(_) => StatusCode::BAD_REQUEST,
                BatchError::NotMessages(_) => StatusCode::UNPROCESSABLE_ENTITY,
                BatchError::TooMany(_) => StatusCode::PAYLOAD_TOO_LARGE,
            };
            Refusal::new(status, format!("{e}; nothing of it was kept"))
        })?
    };
    if batch.is_empty() {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "the batch is empty: send at least one message",
        ));
    }
    let n = u32::try_from(batch.len()).unwrap_or(u32::MAX);
    let permit = state
        .permits
        .clone()
        .try_acquire_many_owned(n)
        .map_err(|_| busy())?;
    let (reply, answer) = oneshot::channel();
    let job = Job {
        gateway,
        batch,
        reply,
        permit,
    };
    state.queue.try_send(job).map_err(|e| match e {
        mpsc::error::TrySendError::Full(_) => busy(),
        mpsc::error::TrySendError::Closed(_) => stopped(),
    })?;
    let outcomes = match answer.await {
        Ok(Ok(outcomes)) => outcomes,
        Ok(Err(why)) => {
            return Err(Refusal::retry(
                StatusCode::SERVICE_UNAVAILABLE,
                format!("{why}; nothing of this request was kept"),
            ));
        }
        Err(_) => return Err(stopped()),
    };
    let count = |f: fn(&Outcome) -> bool| outcomes.iter().filter(|o| f(o)).count();
    let body = serde_json::json!({
        "accepted": count(|o| matches!(o, Outcome::Accepted)),
        "duplicates": count(|o| matches!(o, Outcome::Duplicate)),
        "rejected": count(|o| matches!(o, Outcome::Rejected { .. })),
        "results": outcomes,
    });
    Ok((
        StatusCode::ACCEPTED,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response())
}

fn busy() -> Refusal {
    Refusal::retry(
        StatusCode::TOO_MANY_REQUESTS,
        "the inbox is busy: send again after Retry-After seconds; nothing of this request was kept",
    )
}

/// The writer is gone: the server is stopping, or its database failed.
fn stopped() -> Refusal {
    Refusal::retry(
        StatusCode::SERVICE_UNAVAILABLE,
        "the inbox is not writing (stopping, or its database failed); nothing of this request was kept",
    )
}

/// The body, up to [`MAX_BODY_BYTES`].
async fn read_body(body: Body) -> Result<axum::body::Bytes, Refusal> {
    match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => Ok(bytes),
        Err(e) => {
            let inner = e.into_inner();
            let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&*inner);
            while let Some(c) = cause {
                if c.is::<http_body_util::LengthLimitError>() {
                    return Err(Refusal::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        format!(
                            "the body is larger than {} KiB: send the batch in parts",
                            MAX_BODY_BYTES / 1024
                        ),
                    ));
                }
                cause = c.source();
            }
            Err(Refusal::new(
                StatusCode::BAD_REQUEST,
                "the body could not be read whole; nothing of it was kept",
            ))
        }
    }
}
