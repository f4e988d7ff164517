//! The OpenAPI document: it parses, is served at `/v1/openapi.json`, and names every route the
//! router has, with its method (read from the crate's source, so a new route without its
//! documentation fails here).

mod support;

use std::time::Duration;

use support::TOKEN;

/// Every `.route("PATH", method(…)…)` in the crate's source: (path, method) pairs.
fn routes_in_source() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut routes = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "rs") {
            routes.extend(routes_in(&std::fs::read_to_string(path).unwrap()));
        }
    }
    routes
}

fn routes_in(source: &str) -> Vec<(String, String)> {
    let mut routes = Vec::new();
    for piece in source.split(".route(").skip(1) {
        let Some(rest) = piece.trim_start().strip_prefix('"') else { continue };
        let (path, rest) = rest.split_once('"').unwrap();
        // The handler expression: up to the `)` that closes `.route(`.
        let mut depth = 1;
        let end = rest
            .char_indices()
            .find(|&(_, c)| {
                depth += match c {
                    '(' => 1,
                    ')' => -1,
                    _ => 0,
                };
                depth == 0
            })
            .map_or(rest.len(), |(at, _)| at);
        for method in ["get", "post", "put", "patch", "delete"] {
            let called = |at: usize| {
                at == 0 || !rest[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_')
            };
            let found = rest[..end].match_indices(&format!("{method}(")).any(|(at, _)| called(at));
            if found {
                routes.push((path.to_owned(), method.to_owned()));
            }
        }
    }
    routes
}

#[test]
fn the_route_reader_reads_chained_methods() {
    let source =
        r#"Router::new().route("/a/{id}", get(a::read).post(a::write)).route("/b", post(b))"#;
    let expected = [("/a/{id}", "get"), ("/a/{id}", "post"), ("/b", "post")];
    let expected: Vec<_> = expected.iter().map(|(p, m)| (p.to_string(), m.to_string())).collect();
    assert_eq!(routes_in(source), expected);
}

#[tokio::test]
async fn the_document_parses_is_served_and_names_every_route() {
    let document: serde_json::Value = serde_json::from_str(telltale_serve::OPENAPI).unwrap();
    assert_eq!(document["openapi"], "3.1.0");
    let routes = routes_in_source();
    assert!(routes.len() >= 9, "the source's routes were found: {routes:?}");
    for (path, method) in &routes {
        let operation = &document["paths"][path][method];
        assert!(operation.is_object(), "{} {path} is not in openapi.json", method.to_uppercase());
        assert!(operation["responses"].is_object(), "{method} {path} has no responses");
    }
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let route = (path.clone(), method.clone());
            assert!(routes.contains(&route), "{method} {path} is documented but not routed");
        }
    }
    let server = support::start(Duration::ZERO, Duration::ZERO, Duration::from_secs(15)).await;
    let url = format!("{}/v1/openapi.json", server.base);
    let served = server.client.get(&url).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "application/json");
    assert_eq!(served.json::<serde_json::Value>().await.unwrap(), document);
}
