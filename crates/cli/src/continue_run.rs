//! `telltale continue`: goes on with a run that was cut off (by Ctrl-C, an error, a crash or a
//! lost connection) from its exact partial answer, recorded in the same run.

use anyhow::Result;
use clap::Args;
use telltale_session::{ContinueRequest, Store};

use crate::agent_args::AgentArgs;
use crate::run::{cli_session, watch};

/// `telltale continue`: the agent's flags (as for `run`) and the run to continue.
#[derive(Args)]
pub struct ContinueArgs {
    #[command(flatten)]
    agent: AgentArgs,
    /// The run to continue (its id, or enough of its start to be unique): one that was stopped,
    /// failed or interrupted. Its new events follow its last ones, printed from there on.
    #[arg(value_name = "RUN_ID")]
    run: String,
}

/// Continues the run; returns the process exit code as `telltale run` does.
pub async fn continue_run(args: ContinueArgs) -> Result<i32> {
    let history = crate::history::open()?;
    let (run_id, conversation_id) = crate::history::run_in(&history, None, &args.run)?;
    let agent = args.agent.agent().await?;
    let session = cli_session(agent, Store::on_disk(history));
    let request =
        ContinueRequest { conversation_id, run_id: run_id.clone(), pause_at_budget: false };
    let started = session.continue_run(request).await?;
    watch(&session, started, &run_id, &args.agent).await
}
