//! Generates `ui/src/generated/ipc.ts`: every type the shell's commands take or answer besides
//! the event stream (which `ui/src/generated/protocol.ts` holds), the command names and the menu
//! channel.

use telltale_config::keys::KeyStorage;
use telltale_config::model::{Api, Preset, ProviderEntry, Settings};
use telltale_config::service::{SettingsView, TestResult, ToolInfo};
use telltale_history::{
    Conversation, ConversationDetail, RunRecord, RunStatus, SearchHit, SnippetPart,
};
use ts_rs::{Config, TS};

use crate::answers::{AppInfo, HistoryStatus};
use crate::error::{CommandError, CommandErrorCode};
use crate::names::{COMMANDS, MENU_CHANNEL};

/// Where the generated file lives, relative to the repository root.
pub const BINDINGS_PATH: &str = "ui/src/generated/ipc.ts";

/// The whole TypeScript module, as it must be committed.
pub fn bindings() -> String {
    let cfg = Config::new();
    let decls = [
        AppInfo::decl(&cfg),
        HistoryStatus::decl(&cfg),
        CommandError::decl(&cfg),
        CommandErrorCode::decl(&cfg),
        Conversation::decl(&cfg),
        ConversationDetail::decl(&cfg),
        RunRecord::decl(&cfg),
        RunStatus::decl(&cfg),
        SearchHit::decl(&cfg),
        SnippetPart::decl(&cfg),
        Api::decl(&cfg),
        Preset::decl(&cfg),
        ProviderEntry::decl(&cfg),
        Settings::decl(&cfg),
        ToolInfo::decl(&cfg),
        SettingsView::decl(&cfg),
        KeyStorage::decl(&cfg),
        TestResult::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from crates/ipc by `cargo run -p telltale-ipc --bin gen-ipc-ts`.\n\
         // Do not edit by hand: change the Rust types and regenerate.\n\n\
         import type { ErrorCode, Event, FinishReason } from './protocol';\n\n",
    );
    out.push_str("/** Every command the shell registers, by the name the webview invokes. */\n");
    out.push_str("export const Command = {\n");
    for name in COMMANDS {
        out.push_str(&format!("  {name}: '{name}',\n"));
    }
    out.push_str(
        "} as const;\n\nexport type CommandName = (typeof Command)[keyof typeof Command];\n\n",
    );
    out.push_str("/** The Tauri event that carries native menu actions (e.g. `\"new_chat\"`) to the window. */\n");
    out.push_str(&format!("export const MENU_CHANNEL = '{MENU_CHANNEL}';\n\n"));
    for decl in decls {
        out.push_str("export ");
        out.push_str(&decl);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn committed_typescript_bindings_are_fresh() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let committed = std::fs::read_to_string(root.join(BINDINGS_PATH)).unwrap_or_default();
        assert!(
            committed == bindings(),
            "{BINDINGS_PATH} is stale: a type that crosses the IPC changed. \
             Regenerate it with `cargo run -p telltale-ipc --bin gen-ipc-ts` and commit the result."
        );
    }
}
