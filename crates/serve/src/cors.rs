//! CORS, closed unless origins are listed (`telltale serve --cors-origin URL`, repeatable). A
//! listed origin's preflight is answered (for the methods and the headers a client sends:
//! `Authorization`, `Content-Type`, `Last-Event-ID`) and its responses carry
//! `Access-Control-Allow-Origin`; any other origin gets no CORS header at all (its preflight is
//! refused with `403`), so a browser page from elsewhere cannot read anything even with a token.
//! tower-http's `CorsLayer` does the headers; [`gate`] keeps it to the listed origins.

use std::str::FromStr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, ORIGIN};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::error::{ApiError, ServeError};

/// An origin a browser page may call the API from: `scheme://host[:port]`, nothing after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorsOrigin(HeaderValue);

impl FromStr for CorsOrigin {
    type Err = ServeError;

    fn from_str(text: &str) -> Result<CorsOrigin, ServeError> {
        let invalid = || ServeError::CorsOrigin(text.to_owned());
        let origin = text.trim();
        let rest = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"))
            .ok_or_else(invalid)?;
        let host_char = |c: char| c.is_ascii_alphanumeric() || "-.:[]".contains(c);
        if rest.is_empty() || !rest.chars().all(host_char) {
            return Err(invalid());
        }
        HeaderValue::from_str(&origin.to_ascii_lowercase()).map(CorsOrigin).map_err(|_| invalid())
    }
}

/// The listed origins, and the layer that answers them.
pub(crate) struct Cors {
    origins: Vec<HeaderValue>,
}

impl Cors {
    pub fn new(origins: Vec<CorsOrigin>) -> Cors {
        Cors { origins: origins.into_iter().map(|origin| origin.0).collect() }
    }

    /// tower-http's layer for the listed origins.
    pub fn layer(&self) -> CorsLayer {
        let exposed =
            [HeaderName::from_static("x-run-id"), HeaderName::from_static("x-conversation-id")];
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(self.origins.clone()))
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([AUTHORIZATION, CONTENT_TYPE, HeaderName::from_static("last-event-id")])
            .expose_headers(exposed)
    }

    fn listed(&self, origin: Option<&HeaderValue>) -> bool {
        origin.is_some_and(|origin| {
            self.origins
                .iter()
                .any(|listed| listed.as_bytes().eq_ignore_ascii_case(origin.as_bytes()))
        })
    }
}

/// In front of the CORS layer: a preflight from an origin not listed is refused, and a response
/// to a request that is not from a listed origin loses every CORS header the layer gave it.
pub(crate) async fn gate(State(cors): State<Arc<Cors>>, request: Request, next: Next) -> Response {
    let origin = request.headers().get(ORIGIN).cloned();
    let listed = cors.listed(origin.as_ref());
    if !listed && origin.is_some() && request.method() == Method::OPTIONS {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "origin_not_allowed",
            "this origin may not call the API: start telltale serve with --cors-origin for it"
                .into(),
        )
        .into_response();
    }
    let mut response = next.run(request).await;
    if !listed {
        let headers = response.headers_mut();
        let cors_headers: Vec<HeaderName> = headers
            .keys()
            .filter(|name| name.as_str().starts_with("access-control-"))
            .cloned()
            .collect();
        for name in cors_headers {
            headers.remove(name);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_origin_is_a_scheme_and_a_host_with_nothing_after() {
        for good in ["https://app.example.com", "http://127.0.0.1:5173", "http://[::1]:8080"] {
            assert!(good.parse::<CorsOrigin>().is_ok(), "{good}");
        }
        for bad in [
            "app.example.com",
            "https://app.example.com/",
            "https://a.com/x",
            "ftp://a",
            "https://",
            "*",
        ] {
            let error = bad.parse::<CorsOrigin>().unwrap_err().to_string();
            assert!(error.contains("--cors-origin"), "{bad}: {error}");
        }
    }
}
