//! One tool of an MCP server, as the agent sees it: offered as `<server>__<tool>` with the
//! server's JSON schema, asking first unless the server says it only reads (`readOnlyHint`), its
//! progress notifications streamed, `notifications/cancelled` sent when the call is cancelled or
//! times out, and what it returns turned into text for the model and the step row.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use futures_util::StreamExt;
use rmcp::model::{
    CallToolRequestParams, CallToolResult, CancelledNotificationParam, ClientRequest, Request,
    RequestId, ServerResult, Tool as ToolDef,
};
use rmcp::service::{PeerRequestOptions, ServiceError};
use rmcp::{Peer, RoleClient};
use serde_json::Value;
use telltale_agent::{ProgressSink, Tool, ToolError, ToolSpec};
use telltale_protocol::StatusIcon;

use crate::config::{tool_name, McpServer};
use crate::connection::Connection;

pub struct McpTool {
    server: String,
    /// The name the model calls it by (`<server>__<tool>`).
    name: String,
    def: ToolDef,
    connection: Arc<Connection>,
    timeout: Option<Duration>,
}

impl McpTool {
    /// The tools `connection` (the server `server`, configured as `config`) offers that the user
    /// did not turn off, named for the model; a tool whose name cannot fit is left out, and said
    /// why.
    pub(crate) fn offered(
        server: &str,
        config: &McpServer,
        connection: &Arc<Connection>,
    ) -> Vec<McpTool> {
        connection
            .tools
            .iter()
            .filter(|def| !config.disabled_tools.iter().any(|off| off.as_str() == def.name))
            .filter_map(|def| match tool_name(server, &def.name) {
                Ok(name) => Some(McpTool {
                    server: server.to_owned(),
                    name,
                    def: def.clone(),
                    connection: connection.clone(),
                    timeout: config.timeout_s.map(Duration::from_secs),
                }),
                Err(error) => {
                    tracing::warn!("{error}");
                    None
                }
            })
            .collect()
    }

    /// The name the model calls it by.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }
}

#[async_trait]
impl Tool for McpTool {
    fn spec(&self) -> ToolSpec {
        let description = self.def.description.as_deref().unwrap_or_default();
        ToolSpec {
            name: self.name.clone(),
            description: format!("{description} (from the MCP server {})", self.server),
            parameters: Value::Object((*self.def.input_schema).clone()),
        }
    }

    fn status(&self, _args: &Value) -> (String, StatusIcon) {
        let title = self.def.title.as_deref().unwrap_or(&self.def.name);
        (format!("Running {title} on {}…", self.server), StatusIcon::Tool)
    }

    /// Tools that change things ask first; a server that says a tool only reads is believed.
    fn asks_first(&self) -> bool {
        !self.def.annotations.as_ref().and_then(|a| a.read_only_hint).unwrap_or(false)
    }

    fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    async fn call(&self, args: Value) -> Result<String, ToolError> {
        self.call_with_progress(args, ProgressSink::discard()).await
    }

    async fn call_with_progress(
        &self,
        args: Value,
        progress: ProgressSink,
    ) -> Result<String, ToolError> {
        let arguments = match args {
            Value::Object(map) => map,
            Value::Null => serde_json::Map::new(),
            _ => return Err(ToolError::InvalidArgs("the arguments must be a JSON object".into())),
        };
        if self.connection.is_closed() {
            return Err(ToolError::Failed(self.connection.explain(&format!(
                "the MCP server {} has stopped; it is restarted for the next run",
                self.server
            ))));
        }
        let params =
            CallToolRequestParams::new(self.def.name.to_string()).with_arguments(arguments);
        let service = &self.connection.service;
        let request = ClientRequest::CallToolRequest(Request::new(params));
        let handle = service
            .send_cancellable_request(request, PeerRequestOptions::no_options())
            .await
            .map_err(|e| self.failed(&e.to_string()))?;
        let mut guard = CancelOnDrop { peer: Some(handle.peer.clone()), id: handle.id.clone() };
        let mut updates = service.service().progress.subscribe(handle.progress_token.clone()).await;
        let forward = tokio::spawn(async move {
            while let Some(update) = updates.next().await {
                progress.report(update.progress, update.total, update.message);
            }
        });
        let response = handle.await_response().await;
        guard.peer = None;
        forward.abort();
        if let Err(ServiceError::TransportClosed | ServiceError::TransportSend(_)) = &response {
            self.connection.mark_dead();
        }
        match response.map_err(|e| self.failed(&e.to_string()))? {
            ServerResult::CallToolResult(result) => into_output(result),
            _ => Err(self.failed("it answered something other than a tool result")),
        }
    }
}

impl McpTool {
    fn failed(&self, reason: &str) -> ToolError {
        let reason = format!("the MCP server {} failed: {reason}", self.server);
        ToolError::Failed(self.connection.explain(&reason))
    }
}

/// Tells the server a call was given up (the user cancelled it, or its time ran out) when the
/// call's future is dropped before its answer came.
struct CancelOnDrop {
    peer: Option<Peer<RoleClient>>,
    id: RequestId,
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if let (Some(peer), Ok(runtime)) = (self.peer.take(), tokio::runtime::Handle::try_current())
        {
            let id = self.id.clone();
            runtime.spawn(async move {
                let cancelled =
                    CancelledNotificationParam::new(Some(id), Some("cancelled by the user".into()));
                if let Err(error) = peer.notify_cancelled(cancelled).await {
                    tracing::debug!(%error, "could not tell the MCP server a call was cancelled");
                }
            });
        }
    }
}

/// A tool result as text: text as it is, structured content as JSON, images and resources
/// named with their type and size.
fn into_output(result: CallToolResult) -> Result<String, ToolError> {
    let mut parts: Vec<String> = Vec::new();
    for block in &result.content {
        let value = serde_json::to_value(block).unwrap_or_default();
        let kind = value.get("type").and_then(Value::as_str).unwrap_or_default();
        let text = |key: &str| value.get(key).and_then(Value::as_str).unwrap_or_default();
        parts.push(match kind {
            "text" => text("text").to_owned(),
            "image" | "audio" => {
                format!("[{kind}: {}, {} bytes of base64]", text("mimeType"), text("data").len())
            }
            "resource" => {
                let resource = value.get("resource").cloned().unwrap_or_default();
                let uri = resource.get("uri").and_then(Value::as_str).unwrap_or_default();
                match resource.get("text").and_then(Value::as_str) {
                    Some(body) => format!("[resource {uri}]\n{body}"),
                    None => format!("[resource {uri}: binary]"),
                }
            }
            "resource_link" => format!("[link: {} {}]", text("name"), text("uri")),
            other => format!("[{other} content]"),
        });
    }
    if parts.is_empty() {
        if let Some(structured) = &result.structured_content {
            parts.push(structured.to_string());
        }
    }
    let output = parts.join("\n");
    match result.is_error {
        Some(true) => Err(ToolError::Failed(output)),
        _ => Ok(output),
    }
}
