//! The files the composer attaches to a prompt: checked before anything is sent (dropped and
//! pasted files, whose bytes the window read), picked in the native open dialog (read here, so
//! the webview gets no file-system access), and a stored file's bytes for the thumbnails of a
//! conversation opened from the history.

use tauri::{AppHandle, Runtime, State};
use telltale_ipc::{AttachmentCheck, AttachmentUpload, CommandError, CommandErrorCode};
use telltale_session::{read_attachment, Session};

use crate::history_commands::{chosen_path, file_dialog};

type Result<T> = std::result::Result<T, CommandError>;

fn task_failed(e: impl std::fmt::Display) -> CommandError {
    CommandError::new(CommandErrorCode::File, format!("checking the files failed: {e}"))
}

/// Each file as the composer shows it: ready (its kind, media type, size, SHA-256) or refused
/// with why (too large for its kind, of no kind Telltale sends), in the order given.
#[tauri::command]
pub async fn check_attachments(files: Vec<AttachmentUpload>) -> Vec<AttachmentCheck> {
    telltale_ipc::check_uploads(files).await
}

/// The native open dialog (several files at once); each file chosen is read and checked here,
/// and comes back with its bytes when it can be sent. Empty when the user cancelled.
#[tauri::command]
pub async fn pick_attachments<R: Runtime>(app: AppHandle<R>) -> Result<Vec<AttachmentCheck>> {
    tauri::async_runtime::spawn_blocking(move || {
        let chosen = file_dialog(&app, "Attach files").blocking_pick_files().unwrap_or_default();
        let mut checks = Vec::with_capacity(chosen.len());
        for file in chosen {
            let Some(path) = chosen_path(Some(file), "attach that file")? else { continue };
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            let checked = read_attachment(&path).map_err(CommandError::from);
            checks.push(AttachmentCheck::of(&name.unwrap_or_default(), checked, true));
        }
        Ok(checks)
    })
    .await
    .map_err(task_failed)?
}

/// The bytes, as base64, of the file with SHA-256 `sha256` that conversation `conversation_id`
/// stores (a thumbnail in a conversation opened from the history).
#[tauri::command]
pub async fn attachment_data(
    session: State<'_, Session>,
    conversation_id: String,
    sha256: String,
) -> Result<String> {
    let data = session
        .store()
        .call(move |db| db.attachment_data(&conversation_id, &sha256).map_err(CommandError::from))
        .await?;
    Ok(telltale_protocol::to_base64(&data))
}
