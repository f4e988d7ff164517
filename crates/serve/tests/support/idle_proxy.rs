//! A TCP proxy on 127.0.0.1 that closes a connection once no byte has crossed it, either way,
//! for its idle timeout, as nginx's `proxy_read_timeout` or a cloud load balancer does.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

pub struct IdleProxy {
    /// `http://127.0.0.1:PORT`, the proxy's address.
    pub base: String,
    cut: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl IdleProxy {
    /// Proxies to the server at `upstream` (`http://HOST:PORT`), closing connections idle for
    /// `idle`.
    pub async fn start(upstream: &str, idle: Duration) -> IdleProxy {
        let upstream = upstream.strip_prefix("http://").unwrap().to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let cut = Arc::new(AtomicUsize::new(0));
        let counted = cut.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = TcpStream::connect(&upstream).await else { continue };
                let counted = counted.clone();
                tokio::spawn(async move {
                    if relay(client, server, idle).await {
                        counted.fetch_add(1, Ordering::SeqCst);
                    }
                });
            }
        });
        IdleProxy { base, cut, task }
    }

    /// How many connections it closed for being idle.
    pub fn cut(&self) -> usize {
        self.cut.load(Ordering::SeqCst)
    }
}

impl Drop for IdleProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Copies bytes both ways until either side closes (false) or nothing crossed for `idle` (true:
/// both connections are closed then).
async fn relay(client: TcpStream, server: TcpStream, idle: Duration) -> bool {
    let (mut client_in, mut client_out) = client.into_split();
    let (mut server_in, mut server_out) = server.into_split();
    let (mut up, mut down) = ([0u8; 8192], [0u8; 8192]);
    loop {
        // A new timer each time a byte crosses: the connection is idle since the last one.
        tokio::select! {
            read = client_in.read(&mut up) => match read {
                Ok(0) | Err(_) => return false,
                Ok(n) => if server_out.write_all(&up[..n]).await.is_err() { return false },
            },
            read = server_in.read(&mut down) => match read {
                Ok(0) | Err(_) => return false,
                Ok(n) => if client_out.write_all(&down[..n]).await.is_err() { return false },
            },
            () = tokio::time::sleep(idle) => return true,
        }
    }
}
