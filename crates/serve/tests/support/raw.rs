//! HTTP/1.1 over a bare TCP connection, so a test decides when the client reads: it sends a
//! `GET`, reads the response's head, and reads the body only when asked (a reader that stops
//! reading leaves the server's bytes in the socket, as a stalled browser would).

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::{parse_events, SseEvent, TOKEN};

pub struct RawStream {
    stream: TcpStream,
    /// The status line and headers.
    pub head: String,
    /// What came after the head in the reads that found it.
    body: Vec<u8>,
}

impl RawStream {
    /// Sends `GET path` with the token to the server at `base` (`http://HOST:PORT`) and reads
    /// the response's head, nothing more.
    pub async fn get(base: &str, path: &str) -> RawStream {
        RawStream::send(base, &format!("GET {path}"), "").await
    }

    /// Sends `POST path` with `body` as JSON, and reads the response's head.
    pub async fn post(base: &str, path: &str, body: &serde_json::Value) -> RawStream {
        RawStream::send(base, &format!("POST {path}"), &body.to_string()).await
    }

    async fn send(base: &str, method_and_path: &str, body: &str) -> RawStream {
        let host = base.strip_prefix("http://").unwrap();
        let mut stream = TcpStream::connect(host).await.unwrap();
        let content = if body.is_empty() {
            String::new()
        } else {
            format!("Content-Type: application/json\r\nContent-Length: {}\r\n", body.len())
        };
        let request = format!(
            "{method_and_path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {TOKEN}\r\n\
             Accept: text/event-stream\r\n{content}Connection: close\r\n\r\n{body}"
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut buffer = Vec::new();
        let end = loop {
            if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break end;
            }
            let mut chunk = [0u8; 1024];
            let read = stream.read(&mut chunk).await.unwrap();
            assert!(read > 0, "the server closed before the head");
            buffer.extend_from_slice(&chunk[..read]);
        };
        let head = String::from_utf8(buffer[..end].to_vec()).unwrap();
        let body = buffer[end + 4..].to_vec();
        RawStream { stream, head, body }
    }

    /// Reads the rest of the response until the server closes, and parses its events
    /// (keep-alive pings and all).
    pub async fn events(self) -> Vec<SseEvent> {
        parse_events(&self.text().await)
    }

    /// Reads the rest of the response until the server closes: its body's text.
    pub async fn text(mut self) -> String {
        self.stream.read_to_end(&mut self.body).await.unwrap();
        let chunked = self.head.to_ascii_lowercase().contains("transfer-encoding: chunked");
        let body = if chunked { dechunk(&self.body) } else { self.body };
        String::from_utf8(body).unwrap()
    }
}

/// A chunked body's data; panics when it is cut short (the test wants it whole).
fn dechunk(mut rest: &[u8]) -> Vec<u8> {
    let mut data = Vec::new();
    loop {
        let line = rest.windows(2).position(|w| w == b"\r\n").expect("a chunk size line");
        let size = std::str::from_utf8(&rest[..line]).unwrap();
        let size = usize::from_str_radix(size.split(';').next().unwrap().trim(), 16).unwrap();
        rest = &rest[line + 2..];
        if size == 0 {
            return data;
        }
        data.extend_from_slice(&rest[..size]);
        assert_eq!(&rest[size..size + 2], b"\r\n", "a chunk ends with CRLF");
        rest = &rest[size + 2..];
    }
}
