//! Stop latency (issue 9, target 4): the real [`Agent`] with the OpenAI provider streams from a
//! loopback server that sends one token every few milliseconds; mid-stream its cancellation token
//! is cancelled (what the app's Stop does), and two delays are measured from that moment:
//! until `run_finished{reason: cancelled}` reaches the event channel, and until the server sees
//! the provider connection closed. Target: p99 ≤ 50 ms, every connection closed.
//!
//! `cargo run --release --example stop_latency -p telltale-agent` (`STOP_RUNS=…`, default 200).

mod slow_server;
mod stats;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use slow_server::{Closed, Notice, SlowServer};
use stats::{ms, Summary};
use telltale_agent::providers::{OpenAiProvider, RetryPolicy};
use telltale_agent::{Agent, AgentConfig, ToolRegistry};
use telltale_protocol::{EventKind, FinishReason};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};
use tokio::time::timeout;
use tokio_util::sync::CancellationToken;

/// The server's pace: slow enough that a stop always lands mid-stream, between tokens.
const TOKEN_INTERVAL: Duration = Duration::from_millis(10);
/// Runs before the measured ones (connection setup, first allocations).
const WARMUP_RUNS: usize = 5;
const TARGET: Duration = Duration::from_millis(50);
/// How long a run may take to do what it should before it counts as a failure.
const PATIENCE: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
enum BenchError {
    #[error("cannot start the loopback server: {0}")]
    Server(#[from] std::io::Error),
    #[error("cannot make the provider: {0}")]
    Provider(#[from] telltale_agent::ProviderError),
    #[error("run {run}: {what}")]
    Run { run: usize, what: String },
}

/// What one stop took.
struct Stop {
    to_finished: Duration,
    /// `None`: the server did not see the connection close within [`PATIENCE`].
    to_closed: Option<(Duration, Closed)>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let runs = std::env::var("STOP_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(200);
    match measure(runs).await {
        Ok(stops) => report(&stops),
        Err(error) => {
            eprintln!("stop_latency: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn measure(runs: usize) -> Result<Vec<Stop>, BenchError> {
    let mut server = SlowServer::start(TOKEN_INTERVAL).await?;
    let provider = OpenAiProvider::new(&format!("http://{}/v1", server.addr), "bench-model", None)?
        .with_retry(RetryPolicy { max_tries: 1, ..RetryPolicy::default() });
    let agent =
        Arc::new(Agent::new(Arc::new(provider), ToolRegistry::builtin(), AgentConfig::default()));
    let mut stops = Vec::with_capacity(runs);
    for run in 0..WARMUP_RUNS + runs {
        let stop = one_run(run, &agent, &mut server.notices).await?;
        if run >= WARMUP_RUNS {
            stops.push(stop);
        }
    }
    Ok(stops)
}

async fn one_run(
    run: usize,
    agent: &Arc<Agent>,
    notices: &mut UnboundedReceiver<Notice>,
) -> Result<Stop, BenchError> {
    let fail = |what: &str| BenchError::Run { run, what: what.to_owned() };
    let (tx, mut events) = unbounded_channel();
    let cancel = CancellationToken::new();
    let task = {
        let (agent, cancel) = (agent.clone(), cancel.clone());
        tokio::spawn(async move {
            agent.run(&format!("stop-{run}"), &[], "count slowly", tx, cancel).await
        })
    };
    let conn = loop {
        match timeout(PATIENCE, notices.recv()).await {
            Ok(Some(Notice::Streaming { conn })) => break conn,
            Ok(Some(Notice::Closed { .. })) => continue,
            _ => return Err(fail("the server saw no request")),
        }
    };
    // A few tokens in, then a varying fraction of a token interval, so stops land at every phase.
    let mut tokens = 0;
    while tokens < 3 + run % 5 {
        match timeout(PATIENCE, events.recv()).await {
            Ok(Some(event)) if matches!(event.kind, EventKind::Token { .. }) => tokens += 1,
            Ok(Some(_)) => {}
            _ => return Err(fail("no tokens arrived")),
        }
    }
    tokio::time::sleep(TOKEN_INTERVAL.mul_f64((run * 37 % 100) as f64 / 100.0)).await;

    let stopped = Instant::now();
    cancel.cancel();
    let to_finished = loop {
        match timeout(PATIENCE, events.recv()).await {
            Ok(Some(event)) => match event.kind {
                EventKind::RunFinished { reason: FinishReason::Cancelled, .. } => {
                    break stopped.elapsed()
                }
                EventKind::RunFinished { reason, .. } => {
                    return Err(fail(&format!("the run finished {reason:?}")))
                }
                _ => {}
            },
            _ => return Err(fail("no run_finished after the stop")),
        }
    };
    let to_closed = tokio::time::timeout_at((stopped + PATIENCE).into(), async {
        loop {
            match notices.recv().await {
                Some(Notice::Closed { conn: c, at, how }) if c == conn => {
                    return Some((at.saturating_duration_since(stopped), how))
                }
                Some(_) => {}
                None => return None,
            }
        }
    })
    .await
    .ok()
    .flatten();
    task.await.map_err(|e| fail(&format!("the run task failed: {e}")))?;
    Ok(Stop { to_finished, to_closed })
}

fn report(stops: &[Stop]) -> ExitCode {
    let finished: Vec<Duration> = stops.iter().map(|s| s.to_finished).collect();
    let closed: Vec<Duration> = stops.iter().filter_map(|s| s.to_closed.map(|(d, _)| d)).collect();
    let not_closed = stops.len() - closed.len();
    let eof = stops.iter().filter(|s| matches!(s.to_closed, Some((_, Closed::Eof)))).count();
    println!(
        "stop latency over {} runs (one token every {} ms, stopped mid-stream)",
        stops.len(),
        TOKEN_INTERVAL.as_millis()
    );
    println!("{:<40} {:>10} {:>10} {:>10}", "", "p50", "p99", "max");
    let mut met = not_closed == 0;
    for (what, samples) in [
        ("stop → run_finished{cancelled}", &finished),
        ("stop → server sees the connection closed", &closed),
    ] {
        match Summary::of(samples) {
            Some(s) => {
                println!("{what:<40} {:>10} {:>10} {:>10}", ms(s.p50), ms(s.p99), ms(s.max));
                met &= s.p99 <= TARGET;
            }
            None => {
                println!("{what:<40} {:>10}", "no samples");
                met = false;
            }
        }
    }
    println!(
        "connections closed: {} of {} ({eof} by FIN, {} by reset/failed write), {not_closed} still open after {} s",
        closed.len(),
        stops.len(),
        closed.len() - eof,
        PATIENCE.as_secs()
    );
    println!(
        "target p99 ≤ {} ms with the connection closed: {}",
        TARGET.as_millis(),
        if met { "met" } else { "MISSED" }
    );
    ExitCode::SUCCESS
}
