//! `telltale serve`: the agent `run` would build, served over HTTP and Server-Sent Events
//! (crates/serve, docs/http-api.md) until Ctrl-C. The token is the user's (`--token` or
//! TELLTALE_SERVE_TOKEN) or a new random one printed once on stdout, nowhere else, with the
//! address that opens the chat in a browser (the built UI, found by `find_ui_dir` or `--ui-dir`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Args;
use telltale_serve::{check_bind, find_ui_dir, new_token, CorsOrigin, ServeConfig};
use telltale_session::{Session, Store, LIVE_VIEW_COMMIT_GAP};

use crate::agent_args::AgentArgs;

#[derive(Args)]
pub struct ServeArgs {
    #[command(flatten)]
    agent: AgentArgs,
    /// The address to listen on; anything but a loopback address needs --token.
    #[arg(long, default_value = "127.0.0.1:8787", value_name = "ADDR:PORT")]
    bind: SocketAddr,
    /// The bearer token every request must carry [default: a new random one, printed]
    #[arg(long, env = "TELLTALE_SERVE_TOKEN", hide_env_values = true, value_name = "TOKEN")]
    token: Option<String>,
    /// Send a `ping` event on a stream after this many seconds with nothing else sent.
    #[arg(long, default_value_t = 15, value_name = "N",
          value_parser = clap::value_parser!(u64).range(1..))]
    keepalive_s: u64,
    /// Let browser pages from this origin call the API (CORS), e.g. https://app.example.com;
    /// repeat for more [default: none, CORS closed]
    #[arg(long, value_name = "URL")]
    cors_origin: Vec<CorsOrigin>,
    /// The built UI to serve at / [default: `ui` beside the executable, else the source tree's ui/dist]
    #[arg(long, value_name = "DIR")]
    ui_dir: Option<PathBuf>,
}

/// Serves until Ctrl-C; returns the process exit code.
pub async fn serve(args: ServeArgs) -> Result<i32> {
    check_bind(args.bind, args.token.is_some())?;
    if args.agent.approve.is_some() {
        anyhow::bail!(
            "telltale serve takes no --approve: each client answers its runs' approvals with \
             POST /v1/runs/RUN_ID/approvals/CALL_ID (see docs/http-api.md)"
        );
    }
    let (token, generated) = match args.token {
        Some(token) if token.trim().is_empty() => anyhow::bail!("--token must not be empty"),
        Some(token) => (token, false),
        None => (new_token(), true),
    };
    let ui_dir = match args.ui_dir {
        Some(dir) if dir.join("index.html").is_file() => Some(dir),
        Some(dir) => anyhow::bail!(
            "--ui-dir {} has no index.html (build it with npm run ui:build)",
            dir.display()
        ),
        None => find_ui_dir(std::env::current_exe().ok().as_deref()),
    };
    let agent = args.agent.agent().await?;
    let choose_agent = args.agent.chooser(&agent)?;
    let store = Store::open_default().context("cannot open the history")?;
    // Clients see events before they are saved: no commit per token of a fast stream.
    let session = Session::new(agent, store, tokio::runtime::Handle::current())
        .with_history_commit_gap(LIVE_VIEW_COMMIT_GAP);
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    let address = listener.local_addr()?;
    let config = ServeConfig {
        session,
        token: token.clone(),
        keepalive: Duration::from_secs(args.keepalive_s),
        choose_agent: Some(choose_agent),
        cors_origins: args.cors_origin,
        ui_dir: ui_dir.clone(),
    };
    println!("listening on http://{address}");
    if generated {
        println!("token: {token}");
    }
    // Every line on stdout: a script reading the address reads this one too.
    match (&ui_dir, generated) {
        (Some(_), true) => println!("the chat in a browser: http://{address}/?token={token}"),
        (Some(_), false) => println!("the chat in a browser: http://{address}/?token=YOUR_TOKEN"),
        (None, _) => {
            println!("no built UI found (npm run ui:build, or --ui-dir DIR): the API only")
        }
    }
    tokio::select! {
        served = telltale_serve::serve(listener, config) => served?,
        _ = tokio::signal::ctrl_c() => {}
    }
    Ok(0)
}
