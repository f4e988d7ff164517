//! The tests' own SSE client (`support::SseReader`) against a server on 127.0.0.1 that sends an
//! event in two HTTP chunks split inside a character: it reads the event whole.

mod support;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// One HTTP chunk of a chunked body.
fn chunk(data: &[u8]) -> Vec<u8> {
    [format!("{:x}\r\n", data.len()).as_bytes(), data, b"\r\n"].concat()
}

#[tokio::test]
async fn a_character_split_across_chunks_is_read_whole() {
    let event = "id: 1\nevent: token\ndata: {\"text\":\"caf\u{e9} \u{1f600}\"}\n\n".as_bytes();
    let split = event.iter().position(|b| *b == 0xf0).unwrap() + 2; // inside the emoji
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = vec![0u8; 4096];
        let _ = socket.read(&mut request).await.unwrap();
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\
                    Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
        let body = [chunk(&event[..split]), chunk(&event[split..]), b"0\r\n\r\n".to_vec()];
        socket.write_all(&[head.as_bytes().to_vec(), body.concat()].concat()).await.unwrap();
        socket.shutdown().await.unwrap();
    });
    let response = reqwest::get(format!("http://{addr}/")).await.unwrap();
    let mut reader = support::SseReader::new(response);
    let read = reader.next().await.expect("the event");
    assert_eq!((read.id, read.event.as_str()), (Some(1), "token"));
    assert_eq!(read.data["text"], "caf\u{e9} \u{1f600}");
    assert!(reader.next().await.is_none(), "then the stream's end");
    server.await.unwrap();
}
