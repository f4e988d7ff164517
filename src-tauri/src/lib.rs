//! Telltale's desktop shell: commands to start and stop runs, and the forwarding of each run's
//! events to the window that started it. The agent itself lives in `telltale-agent`.

mod commands;
mod error;
mod forward;
mod state;

use state::AppState;

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("TELLTALE_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let result = tauri::Builder::default()
        .manage(AppState::from_env())
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::start_run,
            commands::stop_run
        ])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        tracing::error!(%error, "Telltale could not start");
        eprintln!("Telltale could not start: {error}");
        std::process::exit(1);
    }
}
