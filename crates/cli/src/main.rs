//! `telltale`: run an agent headless and watch its events.

mod live_view;
mod run;

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
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    match cli.command {
        Command::Run(args) => runtime.block_on(run::run(args)),
    }
}
