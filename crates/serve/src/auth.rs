//! Every request must carry the server's token; anything else is answered 401 before a handler
//! runs. The token comes as `Authorization: Bearer TOKEN`, or, for a `GET` only, as `?token=`
//! (a browser's `EventSource`, and the address `serve` prints, cannot send a header). A page of
//! the UI served to a request with the token sets a cookie of its own, an unrelated random
//! secret that opens the UI's files only (its scripts and styles, a reload), never `/v1/`. Every
//! comparison takes constant time, so how long a refusal takes says nothing about a guess.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, SET_COOKIE, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

/// What the check accepts: the token, and the UI's cookie (its name and secret).
pub(crate) struct Auth {
    token: String,
    cookie_name: String,
    cookie_secret: String,
}

impl Auth {
    pub fn new(token: String) -> Auth {
        let name_part = crate::bind::new_token();
        Auth {
            token,
            // Its own name per server: two servers on one host do not take each other's cookie.
            cookie_name: format!("telltale_ui_{}", &name_part[..12]),
            cookie_secret: crate::bind::new_token(),
        }
    }

    /// How `request` shows the token, if it does.
    fn check(&self, request: &Request) -> Option<Via> {
        let bearer = request
            .headers()
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "));
        if bearer.is_some_and(|given| matches(given, &self.token)) {
            return Some(Via::Token);
        }
        if request.method() != Method::GET {
            return None;
        }
        let query = Query::<HashMap<String, String>>::try_from_uri(request.uri()).ok();
        if query
            .and_then(|query| query.0.get("token").cloned())
            .is_some_and(|given| matches(&given, &self.token))
        {
            return Some(Via::Token);
        }
        let cookie = request
            .headers()
            .get_all(COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .any(|(name, value)| name == self.cookie_name && matches(value, &self.cookie_secret));
        (cookie && !is_api(request.uri().path())).then_some(Via::Cookie)
    }

    /// The cookie that opens the UI's files for the rest of the browser's session.
    fn set_cookie(&self) -> Option<HeaderValue> {
        HeaderValue::from_str(&format!(
            "{}={}; Path=/; HttpOnly; SameSite=Strict",
            self.cookie_name, self.cookie_secret
        ))
        .ok()
    }
}

enum Via {
    Token,
    Cookie,
}

fn is_api(path: &str) -> bool {
    path == "/v1" || path.starts_with("/v1/")
}

pub(crate) async fn require_token(
    State(auth): State<Arc<Auth>>,
    request: Request,
    next: Next,
) -> Response {
    let api = is_api(request.uri().path());
    match auth.check(&request) {
        Some(via) => {
            let mut response = next.run(request).await;
            if matches!(via, Via::Token) && !api {
                if let Some(cookie) = auth.set_cookie() {
                    response.headers_mut().insert(SET_COOKIE, cookie);
                }
            }
            response
        }
        None if api => (
            StatusCode::UNAUTHORIZED,
            [(WWW_AUTHENTICATE, "Bearer")],
            axum::Json(serde_json::json!({
                "code": "unauthorized",
                "message": "send the token telltale serve printed as Authorization: Bearer TOKEN",
            })),
        )
            .into_response(),
        None => (
            StatusCode::UNAUTHORIZED,
            [(WWW_AUTHENTICATE, "Bearer"), (CONTENT_TYPE, "text/html; charset=utf-8")],
            UNAUTHORIZED_PAGE,
        )
            .into_response(),
    }
}

/// What a browser shows when the UI is opened without the token.
const UNAUTHORIZED_PAGE: &str = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>Telltale: open the address serve printed</title></head><body>\
<h1>Open the address <code>telltale serve</code> printed</h1>\
<p>This server needs its token. Open the address it printed when it started, \
<code>http://…/?token=…</code>, in this browser (the page keeps the token for this tab only).</p>\
</body></html>\n";

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
