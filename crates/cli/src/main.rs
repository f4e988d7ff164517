//! `telltale`: run an agent headless and watch its events.

mod agent_args;
mod approve;
mod budget_args;
mod continue_run;
mod history;
mod live_view;
mod output;
mod run;
mod serve;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "telltale", version, about = "Run Telltale agents from the terminal.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run an agent on one prompt and stream what it does.
    Run(run::RunArgs),
    /// Continue a run that was cut off (stopped, failed or interrupted) from its exact partial
    /// answer, in the same run; takes the same provider flags as `run`.
    Continue(continue_run::ContinueArgs),
    /// List the saved conversations, most recent activity first.
    List(history::ListArgs),
    /// Export a conversation as Markdown, JSON (lossless) or HTML.
    Export(history::ExportArgs),
    /// Import a JSON export as a new conversation; prints its id.
    Import(history::ImportArgs),
    /// Find conversations by the words in their prompts and answers.
    Search(history::SearchArgs),
    /// Serve the agent over HTTP: runs started with POST /v1/runs, their events as
    /// Server-Sent Events (see docs/http-api.md); takes the same provider flags as `run`.
    Serve(serve::ServeArgs),
}

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("TELLTALE_LOG"))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let code = match execute(cli) {
        Ok(code) => code,
        Err(error) => {
            // The message alone (no backtrace even with RUST_BACKTRACE set): it says what to fix.
            eprintln!("telltale: {error:#}");
            1
        }
    };
    std::process::exit(code)
}

fn execute(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Run(args) => {
            // One thread does the run: reading the stream, decoding, printing. Handing each
            // event between worker threads cost more than the work itself (a wake-up per
            // token), and a current-thread runtime starts quicker. The history writes on its
            // own threads.
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            // As a task, not as block_on's own future: the scheduler looks at that future only
            // between its rounds (with a poll of the I/O driver each time), so a stream read
            // there would cost an extra system call for every chunk.
            runtime.block_on(async { tokio::spawn(run::run(args)).await })?
        }
        Command::Continue(args) => {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            runtime.block_on(async { tokio::spawn(continue_run::continue_run(args)).await })?
        }
        Command::Serve(args) => {
            // Many clients at once: a runtime with worker threads.
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(serve::serve(args))
        }
        Command::List(args) => history::list(args),
        Command::Export(args) => history::export(args),
        Command::Import(args) => history::import(args),
        Command::Search(args) => history::search(args),
    }
}
