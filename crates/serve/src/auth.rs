//! Every request must carry `Authorization: Bearer TOKEN`; anything else is answered 401
//! before a handler runs. The token is compared in constant time, so how long a refusal
//! takes says nothing about how much of a guess was right.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

pub(crate) async fn require_token(
    State(token): State<Arc<String>>,
    request: Request,
    next: Next,
) -> Response {
    let given = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    match given {
        Some(given) if matches(given, &token) => next.run(request).await,
        _ => (
            StatusCode::UNAUTHORIZED,
            [(WWW_AUTHENTICATE, "Bearer")],
            axum::Json(serde_json::json!({
                "code": "unauthorized",
                "message": "send the token telltale serve printed as Authorization: Bearer TOKEN",
            })),
        )
            .into_response(),
    }
}

/// Whether `given` is the token, in time that depends only on their lengths.
fn matches(given: &str, token: &str) -> bool {
    given.as_bytes().ct_eq(token.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn only_the_exact_token_matches() {
        assert!(matches("s3cret-token", "s3cret-token"));
        assert!(!matches("s3cret-tokeN", "s3cret-token"));
        assert!(!matches("s3cret", "s3cret-token"));
        assert!(!matches("", "s3cret-token"));
    }
}
