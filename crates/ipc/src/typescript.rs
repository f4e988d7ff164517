//! Generates `ui/src/generated/ipc.ts`: every type the shell's commands take or answer besides
//! the event stream (which `ui/src/generated/protocol.ts` holds), the command names and the menu
//! channel.

use telltale_agent::budget::Budget;
use telltale_agent::pricing::Price;
use telltale_config::keys::KeyStorage;
use telltale_config::local_servers::LocalServer;
use telltale_config::model::{Api, Preset, ProviderEntry, Settings};
use telltale_config::service::{SettingsView, TestResult, ToolInfo};
use telltale_history::{
    AttachmentInfo, Conversation, ConversationDetail, Format, RunRecord, RunStatus, SearchHit,
    SnippetPart,
};
use telltale_mcp::{McpServer, McpServerStatus, ServerState};
use telltale_protocol::typescript::Generated;
use telltale_protocol::AttachmentKind;
use telltale_session::RunInProgress;

use crate::answers::{AppInfo, ApprovalAnswer, BudgetAnswer, HistoryStatus, RunParent};
use crate::attachments::{AttachmentCheck, AttachmentUpload};
use crate::error::{CommandError, CommandErrorCode};
use crate::names::{COMMANDS, MENU_CHANNEL};

/// The generated file of what crosses the IPC besides the event stream.
pub const IPC_TS: Generated = Generated {
    path: "ui/src/generated/ipc.ts",
    command: "cargo run -p telltale-ipc --bin gen-ipc-ts",
};

/// The whole TypeScript module, as it must be committed.
pub fn bindings() -> String {
    let decls = telltale_protocol::ts_decls![
        AppInfo,
        HistoryStatus,
        ApprovalAnswer,
        BudgetAnswer,
        RunParent,
        RunInProgress,
        CommandError,
        CommandErrorCode,
        Conversation,
        ConversationDetail,
        RunRecord,
        RunStatus,
        AttachmentInfo,
        AttachmentUpload,
        AttachmentCheck,
        SearchHit,
        SnippetPart,
        Format,
        Api,
        Preset,
        ProviderEntry,
        Settings,
        ToolInfo,
        SettingsView,
        KeyStorage,
        TestResult,
        McpServer,
        McpServerStatus,
        ServerState,
        Price,
        Budget,
        LocalServer,
    ];
    let mut preamble = String::from(
        "import type { AttachmentKind, ErrorCode, Event, FinishReason } from './protocol';\n\n",
    );
    preamble
        .push_str("/** Every command the shell registers, by the name the webview invokes. */\n");
    preamble.push_str("export const Command = {\n");
    for name in COMMANDS {
        preamble.push_str(&format!("  {name}: '{name}',\n"));
    }
    preamble.push_str(
        "} as const;\n\nexport type CommandName = (typeof Command)[keyof typeof Command];\n\n",
    );
    preamble.push_str(
        "/** The Tauri event that carries native menu actions (e.g. `\"new_chat\"`) to the window. */\n",
    );
    preamble.push_str(&format!("export const MENU_CHANNEL = '{MENU_CHANNEL}';\n\n"));
    preamble.push_str(
        "/** The largest file of each kind a prompt may carry, in bytes (checked again by the shell). */\n",
    );
    let limit = |kind: AttachmentKind| kind.limit();
    preamble.push_str(&format!(
        "export const ATTACHMENT_LIMITS: Record<AttachmentKind, number> = {{ image: {}, pdf: {}, text: {} }};",
        limit(AttachmentKind::Image),
        limit(AttachmentKind::Pdf),
        limit(AttachmentKind::Text),
    ));
    IPC_TS.module(&preamble, &decls)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_formats_are_named_as_the_window_asks() {
        let format = |name: &str| serde_json::from_value::<Format>(serde_json::json!(name)).ok();
        assert_eq!(format("md"), Some(Format::Markdown));
        assert_eq!(format("markdown"), Some(Format::Markdown));
        assert_eq!(format("html"), Some(Format::Html));
        assert_eq!(format("pdf"), None);
    }

    #[test]
    fn committed_typescript_bindings_are_fresh() {
        assert_eq!(IPC_TS.check_fresh(&bindings()), Ok(()), "a type that crosses the IPC changed");
    }
}
