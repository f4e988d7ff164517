//! Telltale's desktop shell: commands to start and stop runs, and the forwarding of each run's
//! events to the window that started it. The agent itself lives in `telltale-agent`.

mod commands;
mod error;
mod forward;
mod menu;
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
        // First, so that a second launch hands over to the running app before anything starts.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| menu::focus_main_window(app)))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_opener::init())
        .menu(menu::build)
        .on_menu_event(menu::handle)
        .manage(AppState::from_env())
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::start_run,
            commands::stop_run,
            commands::open_external
        ])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        tracing::error!(%error, "Telltale could not start");
        eprintln!("Telltale could not start: {error}");
        std::process::exit(1);
    }
}
