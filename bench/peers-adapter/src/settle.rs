//! Waits until the benchmark server has filed its record of the stream just received.
//!
//! The server files a stream's record (its sha256, chunk count) only after writing the last
//! byte, while the harness reads that record as soon as this adapter exits. A client that exits
//! within a fraction of a millisecond of `[DONE]` (as `telltale` does) could be checked against
//! the previous stream's record. This costs the measurement nothing: it runs after the stream
//! and after `telltale` has exited, and `GET /bench/stats` is not counted as a request.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

const PATIENCE: Duration = Duration::from_secs(2);

/// Polls `GET /bench/stats` on the server of `base_url` until its last stream's sha256 is
/// `sha256`. Returns whether it got there (a server without that endpoint: no).
pub fn wait_for_record(base_url: &str, sha256: &str) -> bool {
    let Some(authority) = base_url.strip_prefix("http://").and_then(|rest| rest.split('/').next())
    else {
        return false;
    };
    let started = Instant::now();
    while started.elapsed() < PATIENCE {
        match last_sha256(authority) {
            Some(last) if last == sha256 => return true,
            Some(_) => std::thread::sleep(Duration::from_millis(1)),
            None => return false,
        }
    }
    false
}

/// The server's record of its last stream: its sha256 (empty when there is none yet).
fn last_sha256(authority: &str) -> Option<String> {
    let mut stream = TcpStream::connect(authority).ok()?;
    stream.set_read_timeout(Some(PATIENCE)).ok()?;
    write!(stream, "GET /bench/stats HTTP/1.0\r\nHost: {authority}\r\n\r\n").ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).ok()?;
    let body_at = response.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let stats: serde_json::Value = serde_json::from_slice(&response[body_at..]).ok()?;
    Some(stats.pointer("/last/sha256").and_then(|v| v.as_str()).unwrap_or_default().to_owned())
}
