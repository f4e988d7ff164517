//! Runs `telltale run --json` against the benchmark server and captures its stdout as it
//! arrives. The hot loop only reads, copies and notes (receipt time, bytes so far): every line
//! gets the time of the read that completed it. Parsing waits until the stream has ended.

use std::io::{ErrorKind, Read};
use std::process::{Command, Stdio};

use crate::args::Args;
use crate::clock::{children_cpu_ns, now_ns, self_cpu_ns};
use crate::error::AdapterError;
use crate::task_clock::TaskClock;

/// Any model name does; the benchmark server ignores it.
const MODEL: &str = "bench-model";
const PROMPT: &str = "Say the benchmark words.";

/// What one measured run of `telltale` printed, and when.
pub struct Capture {
    /// Everything `telltale` wrote to stdout.
    pub bytes: Vec<u8>,
    /// One entry per read: (epoch ns when it returned, `bytes.len()` after it).
    pub reads: Vec<(u64, usize)>,
    /// Epoch ns just before `telltale` was spawned: the request goes out from that process.
    pub t_req: u64,
    /// Epoch ns when the `run_finished` line arrived (the stream fully consumed).
    pub t_end: Option<u64>,
    /// Epoch ns when `telltale` had exited and was reaped.
    pub t_exit: u64,
    /// This adapter's own CPU at `t_req`, and from `t_req` until the child was reaped.
    pub self_cpu_before_ns: u64,
    pub self_cpu_stream_ns: u64,
    /// The measured `telltale` process's whole CPU (user + system, every thread).
    pub child_cpu_ns: u64,
    /// CPU of this adapter and `telltale` together from `t_req` until `t_end` (the contract's
    /// "request to end of stream"), where the task clock is available.
    pub until_end_cpu_ns: Option<u64>,
}

fn command(args: &Args) -> Command {
    let mut command = Command::new(&args.telltale);
    command
        .args([
            "run",
            "--json",
            "--provider",
            "openai",
            "--model",
            MODEL,
            "--base-url",
            &args.base_url,
        ])
        .args(args.no_save.then_some("--no-save"))
        .arg(PROMPT)
        .env("TELLTALE_DATA_DIR", &args.data_dir)
        // A loopback server needs no key; one from the caller's environment has no business here.
        .env_remove("TELLTALE_API_KEY")
        .env_remove("OPENAI_API_KEY")
        .stdin(Stdio::null())
        .stderr(Stdio::inherit());
    command
}

/// Runs one unmeasured `telltale` process to the end (BENCH_WARMUP).
pub fn warm_up(args: &Args) -> Result<(), AdapterError> {
    let status = command(args).stdout(Stdio::null()).status().map_err(AdapterError::Spawn)?;
    if status.success() {
        Ok(())
    } else {
        Err(AdapterError::Exit { what: "warm-up run", code: status.code() })
    }
}

/// Runs the measured `telltale` process and captures its stdout.
pub fn measure(args: &Args, expected_lines: usize) -> Result<Capture, AdapterError> {
    // The task clock only where CPU per token means something: the first perf counter after a
    // quiet while makes the kernel enable its scheduler hooks (code patching across CPUs),
    // which took ~10 ms and would land in a one-token run's spawn-to-first-token time.
    let task_clock = if args.n > 1 { TaskClock::open() } else { None };
    let mut command = command(args);
    command.stdout(Stdio::piped());
    // Sized for the whole stream up front (about 120 bytes a token line), so the hot loop
    // does not reallocate and copy what it has.
    let mut bytes = Vec::with_capacity(expected_lines.saturating_mul(128).saturating_add(4096));
    let mut reads = Vec::with_capacity(expected_lines.saturating_add(16));
    let mut chunk = vec![0u8; 1 << 16];

    let children_before = children_cpu_ns();
    let self_cpu_before_ns = self_cpu_ns();
    let clock_before = task_clock.as_ref().and_then(TaskClock::read_ns);
    let t_req = now_ns();
    let mut child = command.spawn().map_err(AdapterError::Spawn)?;
    let mut stdout =
        child.stdout.take().ok_or_else(|| AdapterError::Stream("no stdout pipe".into()))?;
    let mut t_end = None;
    let mut clock_at_end = None;
    loop {
        let n = match stdout.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(error) if error.kind() == ErrorKind::Interrupted => continue,
            Err(error) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(AdapterError::Spawn(error));
            }
        };
        let now = now_ns();
        bytes.extend_from_slice(&chunk[..n]);
        reads.push((now, bytes.len()));
        if t_end.is_none() && last_line_is_run_finished(&bytes) {
            t_end = Some(now);
            clock_at_end = task_clock.as_ref().and_then(TaskClock::read_ns);
        }
    }
    let status = child.wait().map_err(AdapterError::Spawn)?;
    let t_exit = now_ns();
    let self_cpu_stream_ns = self_cpu_ns().saturating_sub(self_cpu_before_ns);
    let child_cpu_ns = children_cpu_ns().saturating_sub(children_before);
    if !status.success() {
        return Err(AdapterError::Exit { what: "measured run", code: status.code() });
    }
    let until_end_cpu_ns = match (clock_before, clock_at_end) {
        (Some(before), Some(end)) => Some(end.saturating_sub(before)),
        _ => None,
    };
    Ok(Capture {
        bytes,
        reads,
        t_req,
        t_end,
        t_exit,
        self_cpu_before_ns,
        self_cpu_stream_ns,
        child_cpu_ns,
        until_end_cpu_ns,
    })
}

/// Whether the buffer ends with a complete `run_finished` line: `telltale` prints it last, so
/// only the last line is looked at (a token's text cannot fake it: its quotes are escaped).
fn last_line_is_run_finished(bytes: &[u8]) -> bool {
    let Some((b'\n', body)) = bytes.split_last() else {
        return false;
    };
    let start = body.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let line = &body[start..];
    const NEEDLE: &[u8] = b"\"type\":\"run_finished\"";
    line.windows(NEEDLE.len()).any(|w| w == NEEDLE)
}

#[cfg(test)]
mod tests {
    use super::last_line_is_run_finished;

    #[test]
    fn only_a_complete_last_run_finished_line_counts() {
        assert!(last_line_is_run_finished(
            b"{\"type\":\"token\"}\n{\"seq\":2,\"type\":\"run_finished\"}\n"
        ));
        assert!(!last_line_is_run_finished(b"{\"seq\":2,\"type\":\"run_finished\"}"));
        assert!(!last_line_is_run_finished(b"{\"type\":\"run_finished\"}\n{\"type\":\"token\"}\n"));
        assert!(!last_line_is_run_finished(
            b"{\"type\":\"token\",\"text\":\"\\\"type\\\":\\\"run_finished\\\"\"}\n"
        ));
    }
}
