//! `telltale-peers-adapter [--no-save] [--telltale=PATH] [--data-dir=DIR] <base_url> <n>`
//!
//! One client row of the shared streaming-client benchmark (`../shared/bench-peers`, see its
//! README for the contract): runs `telltale run --json --provider openai` against the
//! benchmark server and stamps each token when its JSON line reaches this adapter. Its CPU and
//! start-up count in the figures (the harness's `wait4` includes reaped children), so it stays
//! small: read, copy and note the time while streaming; parse and check afterwards.

mod args;
mod clock;
mod error;
mod report;
mod settle;
mod stream;
mod task_clock;
mod verify;

use std::io::Write;

use args::Args;
use error::AdapterError;
use report::Startup;

fn main() {
    let main_ns = clock::now_ns();
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let name =
        if argv.iter().any(|a| a == "--no-save") { "telltale --no-save" } else { "telltale" };
    let n_hint = argv.last().and_then(|n| n.parse::<usize>().ok()).unwrap_or(0);
    let code = match run(name, argv, main_ns) {
        Ok((line, code)) => {
            emit(&line);
            code
        }
        Err(error) => {
            eprintln!("telltale-peers-adapter: {error}");
            emit(
                &serde_json::json!({ "client": name, "ok": false, "n_expected": n_hint, "error": error.to_string() }),
            );
            error.exit_code()
        }
    };
    std::process::exit(code)
}

/// Measures one run: the result line and the exit code.
fn run(
    name: &str,
    argv: Vec<String>,
    main_ns: u64,
) -> Result<(serde_json::Value, i32), AdapterError> {
    let args = Args::parse(argv)?;
    let env_number = |var: &str| std::env::var(var).ok().and_then(|v| v.trim().parse::<u64>().ok());
    let startup = Startup {
        spawn_ns: env_number("BENCH_SPAWN_NS"),
        main_ns,
        warmup: env_number("BENCH_WARMUP").unwrap_or(0) as usize,
        no_save: args.no_save,
    };
    std::fs::create_dir_all(&args.data_dir).map_err(|e| {
        AdapterError::Usage(format!("cannot create {}: {e}", args.data_dir.display()))
    })?;
    for _ in 0..startup.warmup {
        stream::warm_up(&args)?;
    }
    // Lines: run_started, statuses, n tokens, a few pings maybe, run_finished.
    let capture = stream::measure(&args, args.n + 8)?;
    let received = verify::read_events(&capture);
    let (line, ok) = report::result(name, args.n, &startup, &capture, &received);
    if let Some(sha256) = line.get("sha256").and_then(|v| v.as_str()) {
        if !settle::wait_for_record(&args.base_url, sha256) {
            eprintln!(
                "telltale-peers-adapter: the server's record of the stream did not match in time"
            );
        }
    }
    if let Some(path) = std::env::var_os("BENCH_RAW") {
        std::fs::write(&path, report::raw_lines(&received.tokens)).map_err(|e| {
            AdapterError::Usage(format!("cannot write BENCH_RAW {}: {e}", path.to_string_lossy()))
        })?;
    }
    Ok((line, if ok { 0 } else { 3 }))
}

fn emit(line: &serde_json::Value) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}
