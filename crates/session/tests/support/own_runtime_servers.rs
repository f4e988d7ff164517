//! Servers for the fault tests that run on a tokio runtime of their own, so that the session's
//! runtime counts only the tasks the runs start. Dropping one stops it.
#![allow(dead_code)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::provider_faults::{text_chunk, FaultyReply};
use crate::server::{self, Reply, TestServer};

/// A [`TestServer`] on a runtime of its own, so that the session's runtime counts only what the
/// runs start. Dropping it stops it.
pub struct OwnServer {
    server: TestServer,
    runtime: Option<tokio::runtime::Runtime>,
}

impl OwnServer {
    pub async fn start(
        handler: impl Fn(usize, &server::Recorded) -> Reply + Send + Sync + 'static,
    ) -> OwnServer {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let server = runtime.spawn(TestServer::start(handler)).await.unwrap();
        OwnServer { server, runtime: Some(runtime) }
    }

    /// The first request gets `fault`, the next ones an answer.
    pub async fn faulty(fault: FaultyReply) -> OwnServer {
        OwnServer::start(
            move |n, _| if n == 0 { fault() } else { Reply::openai_text("All good again.") },
        )
        .await
    }

    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    /// The messages the provider was sent by the `n`th request.
    pub fn messages(&self, n: usize) -> Vec<serde_json::Value> {
        self.server.requests()[n].json()["messages"].as_array().unwrap().clone()
    }
}

impl Drop for OwnServer {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// A server that streams tokens forever, a pause between each, until the client hangs up; it
/// notes when it does. Runs on a runtime of its own.
pub struct EndlessServer {
    pub addr: std::net::SocketAddr,
    hung_up: Arc<AtomicBool>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl EndlessServer {
    pub async fn start(pause: Duration) -> EndlessServer {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let listener =
            runtime.spawn(tokio::net::TcpListener::bind("127.0.0.1:0")).await.unwrap().unwrap();
        let addr = listener.local_addr().unwrap();
        let hung_up = Arc::new(AtomicBool::new(false));
        let noted = hung_up.clone();
        runtime.spawn(async move {
            let Ok((mut stream, _)) = listener.accept().await else { return };
            let mut request = [0u8; 64 * 1024];
            let _ = stream.read(&mut request).await;
            let head =
                "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n";
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let token = text_chunk("and on ");
            loop {
                if stream.write_all(token.as_bytes()).await.is_err() {
                    noted.store(true, Ordering::SeqCst);
                    return;
                }
                if !pause.is_zero() {
                    tokio::time::sleep(pause).await;
                }
            }
        });
        EndlessServer { addr, hung_up, runtime: Some(runtime) }
    }

    /// Waits up to `within` for the client to have hung up.
    pub async fn saw_hang_up(&self, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        while !self.hung_up.load(Ordering::SeqCst) && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        self.hung_up.load(Ordering::SeqCst)
    }
}

impl Drop for EndlessServer {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}
