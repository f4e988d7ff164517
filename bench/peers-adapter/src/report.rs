//! The contract's one JSON line: latency percentiles (nearest rank, as bench.py computes them),
//! throughput, CPU, start-up, and the verification result.

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::stream::Capture;
use crate::verify::{Received, Token};

/// Nearest-rank percentile of an ascending list (bench.py's `pct`).
fn pct(sorted: &[f64], p: usize) -> Option<f64> {
    let len = sorted.len();
    if len == 0 {
        return None;
    }
    let rank = (len * p).div_ceil(100).saturating_sub(1).min(len - 1);
    Some(sorted[rank])
}

fn ms(from_ns: u64, to_ns: u64) -> f64 {
    (to_ns as i64 - from_ns as i64) as f64 / 1e6
}

/// Timing of the adapter itself, before the measured run.
pub struct Startup {
    /// BENCH_SPAWN_NS: when the harness spawned this adapter.
    pub spawn_ns: Option<u64>,
    /// The first line of `main`.
    pub main_ns: u64,
    pub warmup: usize,
    pub no_save: bool,
}

/// The result line, and whether it verified.
pub fn result(
    name: &str,
    n: usize,
    startup: &Startup,
    capture: &Capture,
    received: &Received,
) -> (Value, bool) {
    let mut errors = received.errors.clone();
    if received.tokens.len() != n {
        errors.push(format!("token count {} != expected {n}", received.tokens.len()));
    } else if received.tokens.iter().enumerate().any(|(i, t)| t.seq != i as u64) {
        errors.push("token sequence numbers are not 0..n-1 in order".into());
    }
    let mut lats: Vec<f64> = received.tokens.iter().map(|t| ms(t.send_ns, t.recv_ns)).collect();
    lats.sort_by(f64::total_cmp);
    let first = received.deltas.iter().find(|d| !d.text.is_empty()).map(|d| d.recv_ns);
    let t_end = capture.t_end.unwrap_or(capture.t_exit);
    let wall_ms = ms(capture.t_req, t_end);
    let whole_cpu_ns = capture.self_cpu_stream_ns + capture.child_cpu_ns;

    let mut out = Map::new();
    let mut put = |key: &str, value: Value| {
        out.insert(key.to_owned(), value);
    };
    put("client", json!(name));
    put("ok", json!(errors.is_empty()));
    put("n_expected", json!(n));
    put("tokens", json!(received.tokens.len()));
    put("deltas", json!(received.deltas.iter().filter(|d| !d.text.is_empty()).count()));
    put("events", json!(received.events));
    put("sha256", json!(hex(&Sha256::digest(received.text.as_bytes()))));
    put("text_bytes", json!(received.text.len()));
    put("ttft_client_ms", json!(first.map(|t| ms(capture.t_req, t))));
    put("lat_min_ms", json!(lats.first()));
    put("lat_p50_ms", json!(pct(&lats, 50)));
    put("lat_p90_ms", json!(pct(&lats, 90)));
    put("lat_p99_ms", json!(pct(&lats, 99)));
    put("lat_max_ms", json!(lats.last()));
    put(
        "lat_mean_ms",
        json!((!lats.is_empty()).then(|| lats.iter().sum::<f64>() / lats.len() as f64)),
    );
    put("wall_ms", json!(wall_ms));
    put(
        "tokens_per_s",
        json!((wall_ms > 0.0).then(|| received.tokens.len() as f64 / (wall_ms / 1e3))),
    );
    // The request is made by the telltale process, so its CPU from its start counts, plus this
    // adapter's, until the end of the stream (the contract's cpu_stream_s). What telltale
    // spends after the stream (finishing the history: the search index, the last write) is in
    // cpu_whole_s, as is the harness's own "process CPU s" (wait4). Without the task clock,
    // cpu_stream_s falls back to the whole figure.
    let (stream_ns, source) = match capture.until_end_cpu_ns {
        Some(ns) => (ns, "task-clock until run_finished"),
        None => (whole_cpu_ns, "rusage, whole process"),
    };
    put("cpu_stream_s", json!(stream_ns as f64 / 1e9));
    put("cpu_stream_source", json!(source));
    put("cpu_whole_s", json!(whole_cpu_ns as f64 / 1e9));
    put("cpu_telltale_s", json!(capture.child_cpu_ns as f64 / 1e9));
    put("cpu_adapter_stream_s", json!(capture.self_cpu_stream_ns as f64 / 1e9));
    put("cpu_before_req_s", json!(capture.self_cpu_before_ns as f64 / 1e9));
    put("exit_ms", json!(ms(capture.t_req, capture.t_exit)));
    put("import_ms", json!(0.0));
    put("warmup", json!(startup.warmup));
    put("history", json!(if startup.no_save { "off" } else { "on" }));
    if let (0, Some(first)) = (startup.warmup, first) {
        // The client is made inside the telltale process, after the request was "issued".
        put("ttft_incl_construct_ms", json!(ms(capture.t_req, first)));
    }
    if let Some(spawn) = startup.spawn_ns {
        put("startup_ms", json!(ms(spawn, startup.main_ns)));
        if let Some(first) = first {
            put("spawn_to_first_ms", json!(ms(spawn, first)));
        }
    }
    put("versions", json!({ "telltale": env!("CARGO_PKG_VERSION") }));
    put("runtime", json!("native (Rust)"));
    if !errors.is_empty() {
        put("error", json!(errors.join("; ")));
    }
    (Value::Object(out), errors.is_empty())
}

/// The contract's BENCH_RAW lines: `seq send_ns recv_ns`.
pub fn raw_lines(tokens: &[Token]) -> String {
    let mut out = String::with_capacity(tokens.len() * 48);
    for t in tokens {
        out.push_str(&format!("{} {} {}\n", t.seq, t.send_ns, t.recv_ns));
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::pct;

    #[test]
    fn nearest_rank_matches_bench_py() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(pct(&v, 50), Some(5.0));
        assert_eq!(pct(&v, 90), Some(9.0));
        assert_eq!(pct(&v, 99), Some(10.0));
        assert_eq!(pct(&[], 50), None);
    }
}
