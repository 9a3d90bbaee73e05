//! The one error a handler returns: a status, a sentence saying what was
//! wrong and what to do, and the header that goes with some statuses
//! (`WWW-Authenticate` with a 401, `Retry-After` with a 429 or 503). Its
//! words never repeat what the request held.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

pub struct Refusal {
    status: StatusCode,
    message: String,
    header: Option<(header::HeaderName, &'static str)>,
}

/// Seconds a gateway is asked to wait before it sends again.
pub const RETRY_AFTER_SECS: &str = "1";

impl Refusal {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Refusal {
        Refusal {
            status,
            message: message.into(),
            header: None,
        }
    }

    /// 401, with the challenge RFC 6750 asks for.
    pub fn unauthorized(message: &str, challenge: &'static str) -> Refusal {
        Refusal {
            header: Some((header::WWW_AUTHENTICATE, challenge)),
            ..Refusal::new(StatusCode::UNAUTHORIZED, message)
        }
    }

    /// 429 or 503: nothing was kept; the same POST may come again later.
    pub fn retry(status: StatusCode, message: impl Into<String>) -> Refusal {
        Refusal {
            header: Some((header::RETRY_AFTER, RETRY_AFTER_SECS)),
            ..Refusal::new(status, message)
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        tracing::info!(status = self.status.as_u16(), "refused: {}", self.message);
        let body = serde_json::json!({ "error": self.message }).to_string();
        let mut response = (
            self.status,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response();
        if let Some((name, value)) = self.header {
            response
                .headers_mut()
                .insert(name, HeaderValue::from_static(value));
        }
        response
    }
}
