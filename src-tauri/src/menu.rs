//! The native menu bar: File (New Chat, Quit), Edit (clipboard), Help (About with the version).
//! Items the webview handles are forwarded to the focused window on `telltale_ipc::MENU_CHANNEL`
//! (`telltale://menu`), the action's name as the payload.

use tauri::menu::{AboutMetadata, Menu, MenuEvent, MenuItem, PredefinedMenuItem, Submenu};
use tauri::{AppHandle, Emitter, Manager, Runtime};

const NEW_CHAT: &str = "new_chat";
const QUIT: &str = "quit";

pub fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Menu<R>> {
    let info = app.package_info();
    let about = AboutMetadata {
        name: Some("Telltale".into()),
        version: Some(info.version.to_string()),
        comments: Some("AI agents that show what they are doing.".into()),
        license: Some("MIT".into()),
        icon: app.default_window_icon().cloned(),
        ..Default::default()
    };
    let file = Submenu::with_items(
        app,
        "File",
        true,
        &[
            &MenuItem::with_id(app, NEW_CHAT, "New Chat", true, Some("CmdOrCtrl+N"))?,
            &PredefinedMenuItem::separator(app)?,
            &MenuItem::with_id(app, QUIT, "Quit", true, Some("CmdOrCtrl+Q"))?,
        ],
    )?;
    let edit = Submenu::with_items(
        app,
        "Edit",
        true,
        &[
            &PredefinedMenuItem::cut(app, None)?,
            &PredefinedMenuItem::copy(app, None)?,
            &PredefinedMenuItem::paste(app, None)?,
            &PredefinedMenuItem::separator(app)?,
            &PredefinedMenuItem::select_all(app, None)?,
        ],
    )?;
    let help = Submenu::with_items(
        app,
        "Help",
        true,
        &[&PredefinedMenuItem::about(app, Some("About Telltale"), Some(about))?],
    )?;
    Menu::with_items(app, &[&file, &edit, &help])
}

pub fn handle<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    match event.id().as_ref() {
        QUIT => app.exit(0),
        NEW_CHAT => {
            if let Some(window) = app.get_webview_window("main") {
                if let Err(error) =
                    window.emit_to(window.label(), telltale_ipc::MENU_CHANNEL, NEW_CHAT)
                {
                    tracing::warn!(%error, "could not forward the menu action");
                }
            }
        }
        _ => {}
    }
}

/// Brings the main window to the front (a second launch of the app does this).
pub fn focus_main_window<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}
