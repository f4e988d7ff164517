//! The names the webview and the shell must agree on: every command it may invoke and the
//! event channel the native menu speaks on. Defined once here; the TypeScript is generated and
//! the shell's tests check its handler list against [`COMMANDS`].

/// Each command the shell registers, by the name the webview invokes.
pub mod command {
    pub const APP_INFO: &str = "app_info";
    pub const START_RUN: &str = "start_run";
    pub const CONTINUE_RUN: &str = "continue_run";
    pub const STOP_RUN: &str = "stop_run";
    pub const RUNS_IN_PROGRESS: &str = "runs_in_progress";
    pub const FOLLOW_RUN: &str = "follow_run";
    pub const RESOLVE_APPROVAL: &str = "resolve_approval";
    pub const CANCEL_TOOL_CALL: &str = "cancel_tool_call";
    pub const RESOLVE_BUDGET: &str = "resolve_budget";
    pub const OPEN_EXTERNAL: &str = "open_external";
    pub const GET_SETTINGS: &str = "get_settings";
    pub const SAVE_SETTINGS: &str = "save_settings";
    pub const SET_API_KEY: &str = "set_api_key";
    pub const CLEAR_API_KEY: &str = "clear_api_key";
    pub const TEST_CONNECTION: &str = "test_connection";
    pub const LIST_MODELS: &str = "list_models";
    pub const FIND_LOCAL_SERVERS: &str = "find_local_servers";
    pub const IMPORT_MCP_SERVERS: &str = "import_mcp_servers";
    pub const MCP_STATUS: &str = "mcp_status";
    pub const HISTORY_STATUS: &str = "history_status";
    pub const LIST_CONVERSATIONS: &str = "list_conversations";
    pub const OPEN_CONVERSATION: &str = "open_conversation";
    pub const RENAME_CONVERSATION: &str = "rename_conversation";
    pub const SHOW_CONVERSATION_RUN: &str = "show_conversation_run";
    pub const DELETE_CONVERSATION: &str = "delete_conversation";
    pub const UNDELETE_CONVERSATION: &str = "undelete_conversation";
    pub const SEARCH_HISTORY: &str = "search_history";
    pub const EXPORT_CONVERSATION: &str = "export_conversation";
    pub const IMPORT_CONVERSATION: &str = "import_conversation";
    pub const CHECK_ATTACHMENTS: &str = "check_attachments";
    pub const PICK_ATTACHMENTS: &str = "pick_attachments";
    pub const ATTACHMENT_DATA: &str = "attachment_data";
}

/// Every command, in the order the TypeScript lists them.
pub const COMMANDS: &[&str] = &[
    command::APP_INFO,
    command::START_RUN,
    command::CONTINUE_RUN,
    command::STOP_RUN,
    command::RUNS_IN_PROGRESS,
    command::FOLLOW_RUN,
    command::RESOLVE_APPROVAL,
    command::CANCEL_TOOL_CALL,
    command::RESOLVE_BUDGET,
    command::OPEN_EXTERNAL,
    command::GET_SETTINGS,
    command::SAVE_SETTINGS,
    command::SET_API_KEY,
    command::CLEAR_API_KEY,
    command::TEST_CONNECTION,
    command::LIST_MODELS,
    command::FIND_LOCAL_SERVERS,
    command::IMPORT_MCP_SERVERS,
    command::MCP_STATUS,
    command::HISTORY_STATUS,
    command::LIST_CONVERSATIONS,
    command::OPEN_CONVERSATION,
    command::RENAME_CONVERSATION,
    command::SHOW_CONVERSATION_RUN,
    command::DELETE_CONVERSATION,
    command::UNDELETE_CONVERSATION,
    command::SEARCH_HISTORY,
    command::EXPORT_CONVERSATION,
    command::IMPORT_CONVERSATION,
    command::CHECK_ATTACHMENTS,
    command::PICK_ATTACHMENTS,
    command::ATTACHMENT_DATA,
];

/// The Tauri event that carries native menu actions (e.g. `"new_chat"`) to the window.
pub const MENU_CHANNEL: &str = "telltale://menu";
