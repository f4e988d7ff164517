//! `web_fetch` against a real HTTP server on 127.0.0.1: readable text, limits, and the address
//! guard (literal addresses, names resolved to private addresses, and redirects to them).

use std::net::{IpAddr, Ipv4Addr};

use serde_json::json;
use telltale_agent::tools::web_fetch::{is_public, NetworkPolicy, WebFetch};
use telltale_agent::Tool;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const PAGE: &str =
    "<!doctype html><html><head><title>Hotels</title><script>var x=1</script></head>\
    <body><h1>Hotel Alba</h1><p>Rated <b>4.6</b> by 212 guests.</p></body></html>";

/// A server answering by path; returns its port.
async fn server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&request).into_owned();
                let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let redirect = |to: String| (302, "text/plain", String::new(), Some(to));
                let (status, kind, body, location) = match path.as_str() {
                    "/page" => (200, "text/html; charset=utf-8", PAGE.to_owned(), None),
                    "/moved" => redirect(format!("http://127.0.0.1:{port}/page")),
                    "/to-private" => redirect("http://10.1.2.3/admin".into()),
                    "/to-loopback" => redirect(format!("http://127.0.0.2:{port}/page")),
                    "/to-metadata" => redirect("http://169.254.169.254/latest/meta-data/".into()),
                    "/to-name" => redirect(format!("http://localhost:{port}/page")),
                    "/loop" => redirect(format!("http://127.0.0.1:{port}/loop")),
                    "/to-credentials" => {
                        redirect(format!("http://user:secret@127.0.0.1:{port}/page"))
                    }
                    "/to-credentials-gone" => {
                        redirect(format!("http://user:secret@127.0.0.1:{port}/nothing"))
                    }
                    "/huge" => (200, "text/plain", "word ".repeat(1_200_000), None),
                    "/image" => (200, "image/png", "\u{1}PNG".into(), None),
                    _ => (404, "text/html", "<p>No such page</p>".into(), None),
                };
                let mut response = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: {kind}\r\ncontent-length: {}\r\nconnection: close\r\n",
                    body.len()
                );
                if let Some(location) = location {
                    response.push_str(&format!("location: {location}\r\n"));
                }
                response.push_str("\r\n");
                response.push_str(&body);
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
    port
}

/// A fetcher that may reach the test server (127.0.0.1) and nothing else private.
fn fetcher() -> WebFetch {
    let policy = NetworkPolicy {
        allowed: vec![IpAddr::V4(Ipv4Addr::LOCALHOST)],
        ..NetworkPolicy::default()
    };
    WebFetch::new(policy).unwrap()
}

async fn fetch(tool: &WebFetch, url: String) -> Result<String, String> {
    tool.call(json!({ "url": url })).await.map_err(|e| e.to_string())
}

#[tokio::test]
async fn a_page_comes_back_as_readable_text_with_its_final_url() {
    let port = server().await;
    let out = fetch(&fetcher(), format!("http://127.0.0.1:{port}/moved")).await.unwrap();
    assert!(
        out.starts_with(&format!(
            "URL: http://127.0.0.1:{port}/page\nStatus: 200 OK\nContent-Type: text/html"
        )),
        "{out}"
    );
    assert!(out.contains("Hotel Alba") && out.contains("Rated **4.6** by 212 guests."), "{out}");
    assert!(!out.contains("<b>") && !out.contains("var x"), "{out}");
}

#[tokio::test]
async fn errors_binary_and_size_limits_are_reported() {
    let port = server().await;
    let tool = fetcher();
    let missing = fetch(&tool, format!("http://127.0.0.1:{port}/nothing")).await.unwrap_err();
    assert!(missing.contains("404") && missing.contains("No such page"), "{missing}");
    let image = fetch(&tool, format!("http://127.0.0.1:{port}/image")).await.unwrap_err();
    assert!(image.contains("is not text (image/png"), "{image}");
    let huge = fetch(&tool, format!("http://127.0.0.1:{port}/huge")).await.unwrap();
    assert!(
        huge.contains("only the first 4 MB were read")
            && huge.ends_with("[… cut: the page goes on]"),
        "{}",
        &huge[..200]
    );
    assert!(huge.len() < 70 * 1024, "{} bytes", huge.len());
    let looped = fetch(&tool, format!("http://127.0.0.1:{port}/loop")).await.unwrap_err();
    assert!(looped.contains("more than 5 redirects"), "{looped}");
    for bad in
        ["file:///etc/passwd", "ftp://example.com/", "not a url", "http://user:pw@example.com/"]
    {
        let err = fetch(&tool, bad.into()).await.unwrap_err();
        assert!(err.starts_with("invalid arguments"), "{bad}: {err}");
    }
}

#[tokio::test]
async fn a_user_name_and_password_in_a_url_appear_in_no_output_or_error() {
    let port = server().await;
    let tool = fetcher();
    // Redirected to a URL with credentials: the final URL is reported without them.
    let out = fetch(&tool, format!("http://127.0.0.1:{port}/to-credentials")).await.unwrap();
    assert!(out.starts_with(&format!("URL: http://127.0.0.1:{port}/page\n")), "{out}");
    assert!(!out.contains("secret"), "{out}");
    let gone = fetch(&tool, format!("http://127.0.0.1:{port}/to-credentials-gone")).await;
    let gone = gone.unwrap_err();
    assert!(gone.contains("404") && !gone.contains("secret"), "{gone}");
    // Refused before any request, quoting nothing of the password.
    for bad in ["http://user:secret@[::1", "http://user:secret@127.0.0.1:9/x"] {
        let err = fetch(&tool, bad.into()).await.unwrap_err();
        assert!(!err.contains("secret"), "{bad}: {err}");
    }
}

#[tokio::test]
async fn private_addresses_are_refused_by_default_whether_literal_named_or_redirected_to() {
    let port = server().await;
    let public_only = WebFetch::new(NetworkPolicy::public_only()).unwrap();
    let literal = fetch(&public_only, format!("http://127.0.0.1:{port}/page")).await.unwrap_err();
    assert!(
        literal.contains("refused to fetch from 127.0.0.1") && literal.contains("this computer"),
        "{literal}"
    );
    let named = fetch(&public_only, format!("http://localhost:{port}/page")).await.unwrap_err();
    assert!(named.contains("refused to fetch from localhost"), "{named}");
    for url in [
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:10.0.0.1]/",
        "http://0x7f000001/",
        "http://10.0.0.1/",
    ] {
        let err = fetch(&public_only, url.into()).await.unwrap_err();
        assert!(err.contains("refused to fetch"), "{url}: {err}");
    }
    // Allowed to reach the test server, but not where it redirects.
    let tool = fetcher();
    for (path, host) in [
        ("/to-private", "10.1.2.3"),
        ("/to-loopback", "127.0.0.2"),
        ("/to-metadata", "169.254.169.254"),
    ] {
        let err = fetch(&tool, format!("http://127.0.0.1:{port}{path}")).await.unwrap_err();
        assert!(err.contains(&format!("refused to fetch from {host}")), "{path}: {err}");
    }
    // A name is checked after it resolves: localhost is 127.0.0.1, which this policy allows.
    assert!(fetch(&tool, format!("http://127.0.0.1:{port}/to-name"))
        .await
        .unwrap()
        .contains("Hotel Alba"));
    // The user may allow the private network as a whole.
    let open =
        WebFetch::new(NetworkPolicy { allow_private: true, ..NetworkPolicy::default() }).unwrap();
    assert!(fetch(&open, format!("http://localhost:{port}/page"))
        .await
        .unwrap()
        .contains("Hotel Alba"));
}

#[test]
fn only_public_addresses_are_public() {
    for private in [
        "127.0.0.1",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "255.255.255.255",
        "224.0.0.1",
        "::1",
        "::",
        "fe80::1",
        "fd00:ec2::254",
        "::ffff:192.168.0.1",
        "64:ff9b::a00:1",
        "240.0.0.1",
    ] {
        assert!(!is_public(private.parse().unwrap()), "{private} counted as public");
    }
    for public in ["1.1.1.1", "93.184.216.34", "2606:4700:4700::1111", "::ffff:8.8.8.8"] {
        assert!(is_public(public.parse().unwrap()), "{public} counted as private");
    }
}
