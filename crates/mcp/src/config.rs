//! The MCP servers a user configured, in the shape of `claude_desktop_config.json`:
//! `{"mcpServers": {"name": {"command", "args", "env", "cwd"} | {"url", "headers"}}}`, plus
//! Telltale's own switches (enabled, tools turned off, a time limit per call).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One server: a program to run (stdio) or a URL to reach (streamable HTTP).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct McpServer {
    /// The program of a stdio server (`npx`, `uvx`, a path).
    #[serde(default)]
    pub command: String,
    #[serde(default)]
    pub args: Vec<String>,
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// The folder a stdio server runs in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub cwd: Option<String>,
    /// The endpoint of a streamable-HTTP server.
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default = "enabled")]
    pub enabled: bool,
    /// Tools of this server the agent may not use (their own names).
    #[serde(default)]
    pub disabled_tools: Vec<String>,
    /// How long one call may take, in seconds (the app's default when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub timeout_s: Option<u64>,
}

fn enabled() -> bool {
    true
}

/// What is wrong with an MCP configuration or a server, in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum McpError {
    #[error("the MCP configuration is not valid JSON: {0}")]
    NotJson(String),
    #[error("MCP server \"{0}\": {1}")]
    InvalidServer(String, String),
    #[error(
        "the tool \"{tool}\" of MCP server \"{server}\" makes a name longer than 64 characters \
         ({name}); give the server a shorter name"
    )]
    NameTooLong { server: String, tool: String, name: String },
    #[error("MCP server \"{0}\" could not start: {1}")]
    Start(String, String),
}

/// The servers of a `{"mcpServers": {...}}` block (or of the bare map), each checked.
pub fn parse_servers(json: &str) -> Result<BTreeMap<String, McpServer>, McpError> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| McpError::NotJson(position_only(&e)))?;
    let map = match value.get("mcpServers") {
        Some(servers) => servers.clone(),
        None => value,
    };
    let servers: BTreeMap<String, McpServer> = serde_json::from_value(map)
        .map_err(|e| McpError::NotJson(format!("not a map of MCP servers ({})", shape_only(&e))))?;
    for (name, server) in &servers {
        check(name, server)?;
    }
    Ok(servers)
}

/// Whether `server` can be started under `name`.
pub fn check(name: &str, server: &McpServer) -> Result<(), McpError> {
    let invalid = |why: &str| McpError::InvalidServer(name.to_owned(), why.to_owned());
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return Err(invalid("a server's name may hold only letters, digits, _ and -"));
    }
    match (server.command.trim().is_empty(), server.url.trim().is_empty()) {
        (true, true) => Err(invalid("give a command (stdio) or a url (streamable HTTP)")),
        (false, false) => Err(invalid("give a command or a url, not both")),
        (true, false)
            if !server.url.starts_with("http://") && !server.url.starts_with("https://") =>
        {
            Err(invalid("the url must start with http:// or https://"))
        }
        _ => Ok(()),
    }
}

/// The name a server's tool is offered under: `<server>__<tool>`, with any character the
/// providers do not take (`[A-Za-z0-9_-]`, 64 at most) replaced by `_`.
pub fn tool_name(server: &str, tool: &str) -> Result<String, McpError> {
    let clean: String = tool
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' })
        .collect();
    let name = format!("{server}__{clean}");
    if name.len() > 64 {
        return Err(McpError::NameTooLong {
            server: server.to_owned(),
            tool: tool.to_owned(),
            name,
        });
    }
    Ok(name)
}

/// A JSON error's position, without the text around it (it may hold a token from `env`).
fn position_only(error: &serde_json::Error) -> String {
    format!("line {}, column {}", error.line(), error.column())
}

/// A shape error's kind, without quoting values.
fn shape_only(error: &serde_json::Error) -> String {
    match error.classify() {
        serde_json::error::Category::Data => "a field has the wrong type".to_owned(),
        _ => position_only(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claude_desktop_config_block_is_read_as_it_is() {
        let json = r#"{"mcpServers": {
            "everything": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-everything"], "env": {"TOKEN": "t"}},
            "remote": {"url": "https://example.com/mcp", "headers": {"Authorization": "Bearer x"}}
        }}"#;
        let servers = parse_servers(json).unwrap();
        assert_eq!(servers["everything"].command, "npx");
        assert_eq!(servers["everything"].args.len(), 2);
        assert!(servers["everything"].enabled);
        assert_eq!(servers["remote"].headers["Authorization"], "Bearer x");
        // The bare map is taken too.
        assert_eq!(parse_servers(r#"{"a": {"command": "x"}}"#).unwrap().len(), 1);
    }

    #[test]
    fn bad_configurations_say_what_is_wrong_without_quoting_values() {
        let not_json = parse_servers(r#"{"mcpServers": {"a": {"command": "sk-secret"#).unwrap_err();
        assert!(not_json.to_string().contains("line 1") && !not_json.to_string().contains("sk-"));
        let wrong = parse_servers(r#"{"a": {"command": 5}}"#).unwrap_err().to_string();
        assert!(wrong.contains("wrong type"), "{wrong}");
        for (json, why) in [
            (r#"{"a b": {"command": "x"}}"#, "letters, digits"),
            (r#"{"a": {}}"#, "a command"),
            (r#"{"a": {"command": "x", "url": "http://h"}}"#, "not both"),
            (r#"{"a": {"url": "ftp://h"}}"#, "http://"),
        ] {
            let error = parse_servers(json).unwrap_err().to_string();
            assert!(error.contains(why), "{json}: {error}");
        }
    }

    #[test]
    fn tool_names_fit_the_providers_rules_or_say_why_not() {
        assert_eq!(tool_name("fs", "read_file").unwrap(), "fs__read_file");
        assert_eq!(tool_name("web", "search.v2 beta").unwrap(), "web__search_v2_beta");
        let long = tool_name(&"s".repeat(40), &"t".repeat(30)).unwrap_err();
        assert!(long.to_string().contains("shorter name"), "{long}");
    }
}
