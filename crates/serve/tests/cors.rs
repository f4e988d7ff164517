//! CORS over real HTTP: closed unless origins are listed; a listed origin's preflight is
//! answered for the Authorization header and its responses carry its origin; an unlisted
//! origin gets no CORS header, its preflight refused.

mod support;

use std::time::Duration;

use reqwest::{Method, Response};
use support::{offline_session, serve, Server, TOKEN};
use telltale_serve::ServeConfig;

const LISTED: &str = "https://app.example.com";
const OTHER: &str = "https://elsewhere.example.com";

async fn server(origins: &[&str]) -> Server {
    let session = offline_session(Duration::ZERO, Duration::ZERO);
    let cors_origins = origins.iter().map(|origin| origin.parse().unwrap()).collect();
    serve(ServeConfig { cors_origins, ..ServeConfig::new(session, TOKEN.into()) }).await
}

async fn preflight(server: &Server, origin: &str) -> Response {
    server
        .client
        .request(Method::OPTIONS, format!("{}/v1/runs", server.base))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "authorization,content-type")
        .send()
        .await
        .unwrap()
}

async fn list_from(server: &Server, origin: &str, token: bool) -> Response {
    let request =
        server.client.get(format!("{}/v1/conversations", server.base)).header("origin", origin);
    let request = if token { request.bearer_auth(TOKEN) } else { request };
    request.send().await.unwrap()
}

fn cors_headers(response: &Response) -> Vec<String> {
    let names = response.headers().keys().map(|name| name.as_str().to_owned());
    names.filter(|name| name.starts_with("access-control-")).collect()
}

fn header(response: &Response, name: &str) -> String {
    response.headers()[name].to_str().unwrap().to_ascii_lowercase()
}

#[tokio::test]
async fn a_listed_origins_preflight_allows_the_authorization_header() {
    let server = server(&[LISTED, "http://127.0.0.1:5173"]).await;
    let answer = preflight(&server, LISTED).await;
    assert!(answer.status().is_success(), "{}", answer.status());
    assert_eq!(header(&answer, "access-control-allow-origin"), LISTED);
    assert!(header(&answer, "access-control-allow-headers").contains("authorization"));
    assert!(header(&answer, "access-control-allow-methods").contains("post"));

    let listed = list_from(&server, LISTED, true).await;
    assert_eq!(listed.status(), 200);
    assert_eq!(header(&listed, "access-control-allow-origin"), LISTED);
    let refused = list_from(&server, LISTED, false).await;
    assert_eq!(refused.status(), 401, "CORS lets the page read the answer, not skip the token");
    assert_eq!(header(&refused, "access-control-allow-origin"), LISTED);

    let streamed = support::post_from(&server, LISTED, "/v1/runs?stream=true").await;
    assert!(header(&streamed, "access-control-expose-headers").contains("x-run-id"));
}

#[tokio::test]
async fn an_unlisted_origin_gets_no_cors_header_and_its_preflight_is_refused() {
    let server = server(&[LISTED]).await;
    let answer = preflight(&server, OTHER).await;
    assert_eq!(answer.status(), 403);
    assert_eq!(cors_headers(&answer), Vec::<String>::new());
    let response = list_from(&server, OTHER, true).await;
    assert_eq!(response.status(), 200, "a client that is not a browser page is not refused");
    assert_eq!(cors_headers(&response), Vec::<String>::new());
}

#[tokio::test]
async fn with_no_origin_listed_cors_is_closed() {
    let server = server(&[]).await;
    let answer = preflight(&server, LISTED).await;
    assert_eq!(answer.status(), 401, "a preflight carries no token");
    assert_eq!(cors_headers(&answer), Vec::<String>::new());
    assert_eq!(cors_headers(&list_from(&server, LISTED, true).await), Vec::<String>::new());
}
