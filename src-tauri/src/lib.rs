//! Telltale's desktop shell: commands to start and stop runs, and the forwarding of each run's
//! events to the window that started it. Runs, the agent and the history live in
//! `telltale-session`, shared with every other front end.

mod attachment_commands;
mod commands;
mod external_link;
mod forward;
mod history_commands;
mod menu;
mod navigation;
mod rendering;
mod replay;
mod runs_thread;
mod settings;

use telltale_session::{Session, Store, LIVE_VIEW_COMMIT_GAP};

pub fn run() {
    rendering::choose();
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
        .plugin(tauri_plugin_dialog::init())
        .plugin(navigation::guard())
        .menu(menu::build)
        .on_menu_event(menu::handle)
        .setup(|app| {
            use tauri::Manager;
            let runtime = tauri::async_runtime::handle().inner().clone();
            let settings = settings::init(runtime);
            let store = Store::open_default()?;
            // The window shows events before they are saved: the history need not commit each
            // token of a fast stream on its own, CPU WebKit needs for its frames.
            let session = Session::new(settings.agent_slot(), store, runs_thread::start()?)
                .with_history_commit_gap(LIVE_VIEW_COMMIT_GAP);
            app.manage(session);
            app.manage(settings);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::start_run,
            commands::runs_in_progress,
            commands::follow_run,
            commands::continue_run,
            commands::stop_run,
            commands::resolve_approval,
            commands::cancel_tool_call,
            commands::resolve_budget,
            commands::open_external,
            settings::commands::get_settings,
            settings::commands::save_settings,
            settings::commands::set_api_key,
            settings::commands::clear_api_key,
            settings::commands::test_connection,
            settings::commands::list_models,
            settings::commands::find_local_servers,
            settings::commands::import_mcp_servers,
            settings::commands::mcp_status,
            history_commands::history_status,
            history_commands::list_conversations,
            history_commands::open_conversation,
            history_commands::rename_conversation,
            history_commands::show_conversation_run,
            history_commands::delete_conversation,
            history_commands::undelete_conversation,
            history_commands::search_history,
            history_commands::export_conversation,
            history_commands::import_conversation,
            attachment_commands::check_attachments,
            attachment_commands::pick_attachments,
            attachment_commands::attachment_data
        ])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        tracing::error!(%error, "Telltale could not start");
        eprintln!("Telltale could not start: {error}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    /// The handler list above registers exactly the commands `telltale_ipc` names (and the
    /// webview's generated `Command` lists), so a rename breaks here, not in the window.
    #[test]
    fn the_registered_commands_are_the_ipc_crates() {
        let source = include_str!("lib.rs");
        let list = source
            .split("generate_handler![")
            .nth(1)
            .and_then(|rest| rest.split(']').next())
            .expect("the handler list");
        let mut registered: Vec<&str> = list
            .split(',')
            .map(|path| path.trim().rsplit("::").next().unwrap_or_default())
            .filter(|name| !name.is_empty())
            .collect();
        let mut named: Vec<&str> = telltale_ipc::COMMANDS.to_vec();
        registered.sort_unstable();
        named.sort_unstable();
        assert_eq!(registered, named);
    }
}
