//! The built UI at `/`: served to a request with the token (`?token=` or the header), which
//! then gets a cookie that opens the UI's other files but never the API; without the token, a
//! 401 page saying which address to open. `?token=` opens a `GET` only, and `?after=N` resumes
//! an event stream as `Last-Event-ID` does.

mod support;

use std::time::Duration;

use support::{start_with_ui, Server, TOKEN};

async fn server_with_ui() -> (Server, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "<!doctype html><title>Telltale</title>")
        .unwrap();
    std::fs::create_dir(dir.path().join("assets")).unwrap();
    std::fs::write(dir.path().join("assets/app.js"), "console.log('app');").unwrap();
    let ui = Some(dir.path().to_owned());
    let server = start_with_ui(Duration::ZERO, Duration::ZERO, Duration::from_secs(15), ui).await;
    (server, dir)
}

#[tokio::test]
async fn the_page_needs_the_token_and_its_cookie_opens_the_ui_files_only() {
    let (server, _dir) = server_with_ui().await;
    let get = |path: &str| server.client.get(format!("{}{path}", server.base));

    for path in ["/", "/?token=wrong", "/?token=test-token-012345678", "/assets/app.js"] {
        let response = get(path).send().await.unwrap();
        assert_eq!(response.status(), 401, "{path}");
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        let page = response.text().await.unwrap();
        assert!(page.contains("Open the address <code>telltale serve</code> printed"), "{page}");
    }

    let page = get(&format!("/?token={TOKEN}")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    assert!(page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("connect-src 'self'"));
    let cookie = page.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(!cookie.contains(TOKEN), "the cookie is a secret of its own, not the token");
    assert!(page.text().await.unwrap().contains("<title>Telltale</title>"));
    let pair = cookie.split(';').next().unwrap().to_owned();

    // The header opens the page too.
    assert_eq!(get("/").bearer_auth(TOKEN).send().await.unwrap().status(), 200);
    // The cookie opens the UI's files (a reload, its scripts), not the API.
    let script = get("/assets/app.js").header("cookie", &pair).send().await.unwrap();
    assert_eq!(script.status(), 200);
    assert_eq!(script.text().await.unwrap(), "console.log('app');");
    assert_eq!(get("/").header("cookie", &pair).send().await.unwrap().status(), 200);
    let api = get("/v1/conversations").header("cookie", &pair).send().await.unwrap();
    assert_eq!(api.status(), 401);
    assert_eq!(api.json::<serde_json::Value>().await.unwrap()["code"], "unauthorized");
    let forged = get("/").header("cookie", pair.replace('=', "=x")).send().await.unwrap();
    assert_eq!(forged.status(), 401);
    // A path out of the folder is no file of the UI's.
    assert_eq!(get(&format!("/../Cargo.toml?token={TOKEN}")).send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn the_query_token_opens_gets_only_and_after_resumes_a_stream() {
    let (server, _dir) = server_with_ui().await;
    let post = server
        .client
        .post(format!("{}/v1/runs?token={TOKEN}", server.base))
        .json(&serde_json::json!({ "prompt": "hi" }))
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 401, "a POST needs the header");

    let (run_id, _) = server.create(serde_json::json!({ "prompt": "hi" })).await;
    let whole = server.events(&run_id, None).await.rest().await;
    let events_url = format!("{}/v1/runs/{run_id}/events", server.base);
    let stream = server.client.get(format!("{events_url}?token={TOKEN}&after=2")).send().await;
    let body = stream.unwrap().text().await.unwrap();
    let ids: Vec<u64> = body
        .lines()
        .filter_map(|line| line.strip_prefix("id: "))
        .map(|id| id.parse().unwrap())
        .collect();
    let expected: Vec<u64> =
        whole.iter().filter_map(|event| event.id).filter(|seq| *seq > 2).collect();
    assert_eq!(ids, expected);
    assert!(expected.len() > 2);
    let bad = server.client.get(format!("{events_url}?token={TOKEN}&after=x")).send().await;
    assert_eq!(bad.unwrap().status(), 400);
}
