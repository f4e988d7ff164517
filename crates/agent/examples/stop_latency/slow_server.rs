//! A loopback HTTP/1.1 server that answers every request with an OpenAI-format event stream of
//! one token per `interval`, forever, and reports the moment each connection is closed by the
//! client: it keeps reading its socket while it streams, so an EOF or a reset is seen at once,
//! not only at the next write.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::OwnedReadHalf;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use tokio::task::JoinHandle;

/// What the server saw on one connection.
#[derive(Debug, Clone, Copy)]
pub enum Notice {
    /// The response head went out; tokens follow.
    Streaming { conn: u64 },
    /// The client closed the connection (`how` says in which way), seen at `at`.
    Closed { conn: u64, at: Instant, how: Closed },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closed {
    /// A FIN: reading returned 0 bytes.
    Eof,
    /// Reading failed (a reset).
    ReadError,
    /// Writing the next token failed before a read noticed.
    WriteError,
}

pub struct SlowServer {
    pub addr: SocketAddr,
    pub notices: UnboundedReceiver<Notice>,
    task: JoinHandle<()>,
}

impl SlowServer {
    pub async fn start(interval: Duration) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let (tx, notices) = unbounded_channel();
        let task = tokio::spawn(async move {
            let mut next_conn = 0;
            while let Ok((stream, _)) = listener.accept().await {
                let (conn, tx) = (next_conn, tx.clone());
                next_conn += 1;
                tokio::spawn(async move {
                    if let Err(error) = serve(conn, stream, interval, &tx).await {
                        eprintln!("slow server: connection {conn}: {error}");
                    }
                });
            }
        });
        Ok(SlowServer { addr, notices, task })
    }
}

impl Drop for SlowServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    conn: u64,
    stream: TcpStream,
    interval: Duration,
    tx: &UnboundedSender<Notice>,
) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let (mut reader, mut writer) = stream.into_split();
    if !read_request(&mut reader).await? {
        return Ok(());
    }
    writer
        .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n")
        .await?;
    let _ = tx.send(Notice::Streaming { conn });
    let closed = |how| {
        let _ = tx.send(Notice::Closed { conn, at: Instant::now(), how });
    };
    let mut ticker = tokio::time::interval(interval);
    let mut scratch = [0u8; 1024];
    for index in 0u64.. {
        tokio::select! {
            read = reader.read(&mut scratch) => match read {
                Ok(0) => { closed(Closed::Eof); return Ok(()); }
                // A client sends nothing more on this request; ignore whatever it is.
                Ok(_) => {}
                Err(_) => { closed(Closed::ReadError); return Ok(()); }
            },
            _ = ticker.tick() => {
                if writer.write_all(&token_chunk(index)).await.is_err() {
                    closed(Closed::WriteError);
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}

/// Reads one request (head, and a body of `content-length` bytes). `false` if the client went away.
async fn read_request(reader: &mut OwnedReadHalf) -> std::io::Result<bool> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        let n = reader.read(&mut chunk).await?;
        if n == 0 {
            return Ok(false);
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or(0);
    let mut body = buffer.len() - head_end;
    while body < length {
        let n = reader.read(&mut chunk).await?;
        if n == 0 {
            return Ok(false);
        }
        body += n;
    }
    Ok(true)
}

/// One HTTP chunk carrying one SSE event with one token.
fn token_chunk(index: u64) -> Vec<u8> {
    let event = format!(
        "data: {{\"id\":\"chatcmpl-stop\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"bench-model\",\
         \"choices\":[{{\"index\":0,\"delta\":{{\"content\":\" w{index}\"}},\"finish_reason\":null}}]}}\n\n"
    );
    let mut chunk = format!("{:x}\r\n", event.len()).into_bytes();
    chunk.extend_from_slice(event.as_bytes());
    chunk.extend_from_slice(b"\r\n");
    chunk
}
