//! What an operator's monitoring reads: `/healthz` (whether the database
//! answers) and `/metrics`; and the layer that counts every refusal.

use super::AppState;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// 200 when the writer runs and the database answers a read, 503
/// otherwise; no token needed, and nothing in it but "ok" or why not.
pub async fn healthz(State(state): State<AppState>) -> Response {
    if state.queue.is_closed() {
        return (StatusCode::SERVICE_UNAVAILABLE, "the writer has stopped\n").into_response();
    }
    let db = state.health.clone();
    let answer = tokio::task::spawn_blocking(move || {
        db.lock()
            .map_err(|_| "the health check's connection broke".to_string())
            .and_then(|db| db.ping().map_err(|e| e.to_string()))
    })
    .await;
    match answer {
        Ok(Ok(())) => (StatusCode::OK, "ok\n").into_response(),
        Ok(Err(why)) => (StatusCode::SERVICE_UNAVAILABLE, format!("{why}\n")).into_response(),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "the check failed\n").into_response(),
    }
}

pub async fn metrics(State(state): State<AppState>) -> Response {
    let queued = state.capacity - state.permits.available_permits();
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(queued),
    )
        .into_response()
}

/// Counts every response that refused its request, by status.
pub async fn count_refusals(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    let status = response.status();
    if status.is_client_error() || status.is_server_error() {
        state.metrics.refused(status.as_u16());
    }
    response
}
