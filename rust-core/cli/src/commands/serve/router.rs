//! The whole route table, a route a line, and what every request goes
//! through (the token check, the count of refusals) as layers.

use super::AppState;
use super::{messages, status};
use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};

pub fn router(state: AppState) -> Router {
    Router::new()
        .route(
            "/v1/messages",
            post(messages::post).route_layer(from_fn_with_state(state.clone(), messages::auth)),
        )
        .route("/healthz", get(status::healthz))
        .route("/metrics", get(status::metrics))
        .layer(from_fn_with_state(state.clone(), status::count_refusals))
        .with_state(state)
}
