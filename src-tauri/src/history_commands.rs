//! The history commands the webview invokes: list, open, rename, delete/undelete, search,
//! export (native save dialog, file written here) and import (native open dialog).
//!
//! Every command works on the database off the main thread (`spawn_blocking`) and fails with a
//! typed error, serialised as `{code, message}`.

use std::path::{Path, PathBuf};

use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::{DialogExt, FileDialogBuilder, FilePath};
use telltale_history::{Conversation, ConversationDetail, Format, History, SearchHit};
use telltale_ipc::{CommandError, CommandErrorCode, HistoryStatus};
use telltale_session::Session;

/// How many conversations a search returns at most.
const SEARCH_LIMIT: usize = 30;

type Result<T> = std::result::Result<T, CommandError>;

/// Runs `f` on the database on a blocking thread.
async fn with_db<T: Send + 'static>(
    session: &Session,
    f: impl FnOnce(&History) -> Result<T> + Send + 'static,
) -> Result<T> {
    session.store().call(f).await
}

/// A native file dialog titled `title`.
pub(crate) fn file_dialog<R: Runtime>(app: &AppHandle<R>, title: &str) -> FileDialogBuilder<R> {
    app.dialog().file().set_title(title)
}

/// The local path of what the user chose in a file dialog (`None`: they cancelled); `cannot`
/// completes the error when it is not a local file ("cannot save there").
pub(crate) fn chosen_path(chosen: Option<FilePath>, cannot: &str) -> Result<Option<PathBuf>> {
    chosen
        .map(|chosen| {
            chosen.into_path().map_err(|e| {
                CommandError::new(CommandErrorCode::File, format!("cannot {cannot}: {e}"))
            })
        })
        .transpose()
}

/// The error when the file at `path` could not be read or written (`what`).
fn file_error(code: CommandErrorCode, what: &str, path: &Path, e: std::io::Error) -> CommandError {
    CommandError::new(code, format!("cannot {what} {}: {e}", path.display()))
}

/// Whether the history is saved, and if not, why (the window shows a banner).
#[tauri::command]
pub async fn history_status(session: State<'_, Session>) -> Result<HistoryStatus> {
    let session = session.inner().clone();
    let status = tauri::async_runtime::spawn_blocking(move || session.store().status())
        .await
        .map_err(|e| {
            CommandError::new(CommandErrorCode::Database, format!("the history task failed: {e}"))
        })?;
    Ok(status.into())
}

/// The saved conversations, most recent activity first.
#[tauri::command]
pub async fn list_conversations(session: State<'_, Session>) -> Result<Vec<Conversation>> {
    with_db(&session, |db| Ok(db.list_conversations()?)).await
}

/// One conversation with its runs (status and every event as they streamed, consecutive tokens
/// joined into one: see replay.rs).
#[tauri::command]
pub async fn open_conversation(
    session: State<'_, Session>,
    id: String,
) -> Result<ConversationDetail> {
    with_db(&session, move |db| Ok(crate::replay::merge_token_runs(db.get(&id)?))).await
}

#[tauri::command]
pub async fn rename_conversation(
    session: State<'_, Session>,
    id: String,
    title: String,
) -> Result<()> {
    let title = title.trim().to_owned();
    if title.is_empty() {
        return Err(CommandError::invalid("a title cannot be empty"));
    }
    with_db(&session, move |db| Ok(db.rename(&id, &title)?)).await
}

/// Records the run the window shows the conversation at (the last run of the branch on screen),
/// which it reopens on.
#[tauri::command]
pub async fn show_conversation_run(
    session: State<'_, Session>,
    id: String,
    run_id: String,
) -> Result<()> {
    with_db(&session, move |db| Ok(db.show_run(&id, &run_id)?)).await
}

#[tauri::command]
pub async fn delete_conversation(session: State<'_, Session>, id: String) -> Result<()> {
    with_db(&session, move |db| Ok(db.delete(&id)?)).await
}

#[tauri::command]
pub async fn undelete_conversation(session: State<'_, Session>, id: String) -> Result<()> {
    with_db(&session, move |db| Ok(db.undelete(&id)?)).await
}

/// Conversations whose prompts or answers contain every word of `query`, with the hits marked.
#[tauri::command]
pub async fn search_history(session: State<'_, Session>, query: String) -> Result<Vec<SearchHit>> {
    with_db(&session, move |db| Ok(db.search(&query, SEARCH_LIMIT)?)).await
}

/// A file name from a title: letters, digits, spaces and dashes, at most 60 characters.
fn file_name(title: &str, format: Format) -> String {
    let cleaned: String = title
        .chars()
        .map(|c| if c.is_alphanumeric() || c == ' ' || c == '-' || c == '_' { c } else { ' ' })
        .collect();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    let mut stem: String = words.join(" ").chars().take(60).collect();
    stem = stem.trim().to_owned();
    if stem.is_empty() {
        stem = "conversation".into();
    }
    format!("{stem}.{}", format.extension())
}

/// Exports a conversation: the native save dialog (default name from the title), then the file
/// is written here. Returns the path, or `null` when the user cancelled.
#[tauri::command]
pub async fn export_conversation<R: Runtime>(
    app: AppHandle<R>,
    session: State<'_, Session>,
    id: String,
    format: Format,
) -> Result<Option<String>> {
    let (title, text) = with_db(&session, move |db| {
        let title = db.conversation(&id)?.title;
        Ok((title, db.export(&id, format)?))
    })
    .await?;
    let (filter, extensions): (&str, &[&str]) = match format {
        Format::Markdown => ("Markdown", &["md"]),
        Format::Json => ("Telltale JSON", &["json"]),
        Format::Html => ("HTML", &["html"]),
    };
    let name = file_name(&title, format);
    tauri::async_runtime::spawn_blocking(move || {
        let chosen = file_dialog(&app, "Export conversation")
            .set_file_name(&name)
            .add_filter(filter, extensions)
            .blocking_save_file();
        let Some(path) = chosen_path(chosen, "save there")? else {
            return Ok(None);
        };
        std::fs::write(&path, text)
            .map_err(|e| file_error(CommandErrorCode::File, "write", &path, e))?;
        Ok(Some(path.display().to_string()))
    })
    .await
    .map_err(|e| CommandError::new(CommandErrorCode::File, format!("the export failed: {e}")))?
}

/// Imports a JSON export chosen in the native open dialog as a new conversation. Returns it, or
/// `null` when the user cancelled. A file over 512 MiB (`MAX_IMPORT_BYTES`), or a malformed or
/// foreign one, changes nothing.
#[tauri::command]
pub async fn import_conversation<R: Runtime>(
    app: AppHandle<R>,
    session: State<'_, Session>,
) -> Result<Option<Conversation>> {
    let text = tauri::async_runtime::spawn_blocking(move || {
        let chosen = file_dialog(&app, "Import a conversation")
            .add_filter("Telltale JSON export", &["json"])
            .blocking_pick_file();
        let Some(path) = chosen_path(chosen, "open that file")? else {
            return Ok(None);
        };
        // At most MAX_IMPORT_BYTES, read here rather than while holding the database.
        telltale_history::import::read_export(&path)
            .map(Some)
            .map_err(|e| CommandError::from(telltale_history::Error::from(e)))
    })
    .await
    .map_err(|e| CommandError::new(CommandErrorCode::File, format!("the import failed: {e}")))??;
    match text {
        None => Ok(None),
        Some(text) => with_db(&session, move |db| Ok(Some(db.import_json(&text)?))).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_file_names_come_from_the_title() {
        assert_eq!(
            file_name("What time is it in Tokyo?", Format::Markdown),
            "What time is it in Tokyo.md"
        );
        assert_eq!(file_name("a/b\\c:d", Format::Json), "a b c d.json");
        assert_eq!(file_name("???", Format::Html), "conversation.html");
    }
}
