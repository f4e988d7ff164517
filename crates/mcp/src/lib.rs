//! Telltale's MCP client, free of any UI: the servers the user configured (`config`, in the
//! shape of `claude_desktop_config.json`), each connected in the background over stdio or
//! streamable HTTP (`connection`), kept with its status and restarted when it dies (`manager`),
//! and its tools offered to the agent as `<server>__<tool>` (`tool`).

pub mod config;
mod connection;
mod manager;
mod tool;

pub use config::{check, parse_servers, tool_name, McpError, McpServer};
pub use manager::{McpManager, McpServerStatus, ServerState};
