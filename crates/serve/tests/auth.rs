//! Every route of `telltale serve` answers 401 without the exact bearer token.

mod support;

use std::time::Duration;

use support::{start, TOKEN};

#[tokio::test]
async fn a_missing_or_wrong_token_is_refused_with_401() {
    let server = start(Duration::ZERO, Duration::ZERO, Duration::from_secs(15)).await;
    let routes = [
        server
            .client
            .post(format!("{}/v1/runs", server.base))
            .json(&serde_json::json!({"prompt": "hi"})),
        server.client.get(format!("{}/v1/runs/r1/events", server.base)),
        server.client.post(format!("{}/v1/runs/r1/cancel", server.base)),
    ];
    for route in routes {
        let template = route.build().unwrap();
        for auth in [None, Some("Bearer wrong"), Some("Bearer test-token-012345678"), Some(TOKEN)] {
            let mut request = template.try_clone().unwrap();
            if let Some(value) = auth {
                request.headers_mut().insert("authorization", value.parse().unwrap());
            }
            let status = server.client.execute(request).await.unwrap().status();
            assert_eq!(status, 401, "{} {} with {auth:?}", template.method(), template.url());
        }
    }
    // (The last: the right token without its "Bearer " scheme.) The right header gets through.
    let (run_id, _) = server.create(serde_json::json!({ "prompt": "hi" })).await;
    assert!(!run_id.is_empty());
}
