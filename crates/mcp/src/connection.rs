//! One live connection to an MCP server: a stdio child process (its stderr kept, the last lines
//! shown when it fails) or a streamable-HTTP endpoint; the tools it lists; progress notifications
//! routed to the call that asked for them.

use std::collections::VecDeque;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rmcp::handler::client::progress::ProgressDispatcher;
use rmcp::model::{ProgressNotificationParam, Tool as ToolDef};
use rmcp::service::{NotificationContext, RunningService};
use rmcp::transport::{StreamableHttpClientTransport, TokioChildProcess};
use rmcp::{ClientHandler, RoleClient, ServiceExt};
use telltale_agent::urls::without_userinfo;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::config::{McpError, McpServer};

/// How long a server may take to start and list its tools.
pub const START_TIMEOUT: Duration = Duration::from_secs(30);
/// Lines of a stdio server's stderr kept for its error messages.
const STDERR_LINES: usize = 20;

/// Receives what a server sends unasked: progress goes to the call's subscriber.
#[derive(Default)]
pub struct Handler {
    pub progress: ProgressDispatcher,
}

impl ClientHandler for Handler {
    async fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        self.progress.handle_notification(params).await;
    }
}

/// The end of a stdio server's stderr.
#[derive(Clone, Default)]
pub struct StderrTail(Arc<Mutex<VecDeque<String>>>);

impl StderrTail {
    fn push(&self, line: String) {
        let mut lines = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if lines.len() == STDERR_LINES {
            lines.pop_front();
        }
        lines.push_back(line.chars().take(500).collect());
    }

    /// The last lines, or nothing.
    pub fn text(&self) -> String {
        let lines = self.0.lock().unwrap_or_else(|e| e.into_inner());
        lines.iter().cloned().collect::<Vec<_>>().join("\n")
    }
}

pub struct Connection {
    pub service: RunningService<RoleClient, Handler>,
    pub tools: Vec<ToolDef>,
    pub stderr: StderrTail,
    /// The process id of a stdio server.
    pub pid: Option<u32>,
    /// Set when a call found the server gone (before the service itself notices).
    pub dead: std::sync::atomic::AtomicBool,
}

impl Connection {
    /// `reason`, with the end of the server's stderr when it has any.
    pub fn explain(&self, reason: &str) -> String {
        with_stderr(reason, &self.stderr)
    }

    pub fn is_closed(&self) -> bool {
        self.dead.load(std::sync::atomic::Ordering::Relaxed) || self.service.is_closed()
    }

    /// Notes that the server is gone: it is restarted when the next run asks for tools.
    pub fn mark_dead(&self) {
        self.dead.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// `reason` and the end of the server's stderr, with no URL's `user:pass@` in either (the
/// server's URL may carry them, and so may what a server prints).
fn with_stderr(reason: &str, stderr: &StderrTail) -> String {
    let text = match stderr.text() {
        tail if tail.is_empty() => reason.to_owned(),
        tail => format!("{reason}\n{tail}"),
    };
    without_userinfo(&text)
}

/// Starts `server` and lists its tools, within [`START_TIMEOUT`].
pub async fn connect(name: &str, server: &McpServer) -> Result<Connection, McpError> {
    let stderr = StderrTail::default();
    let started = tokio::time::timeout(START_TIMEOUT, start(name, server, &stderr)).await;
    let failed = |why: String| McpError::Start(name.to_owned(), with_stderr(&why, &stderr));
    let (service, pid) = match started {
        Err(_) => return Err(failed(format!("no answer within {} s", START_TIMEOUT.as_secs()))),
        Ok(result) => result.map_err(failed)?,
    };
    let tools = tokio::time::timeout(START_TIMEOUT, service.list_all_tools())
        .await
        .map_err(|_| failed("it did not list its tools in time".into()))?
        .map_err(|e| failed(format!("it could not list its tools: {e}")))?;
    Ok(Connection { service, tools, stderr, pid, dead: Default::default() })
}

async fn start(
    name: &str,
    server: &McpServer,
    stderr: &StderrTail,
) -> Result<(RunningService<RoleClient, Handler>, Option<u32>), String> {
    if !server.url.is_empty() {
        let mut headers = reqwest::header::HeaderMap::new();
        for (key, value) in &server.headers {
            let key = reqwest::header::HeaderName::from_bytes(key.as_bytes())
                .map_err(|_| format!("\"{key}\" is not a header name"))?;
            let value = reqwest::header::HeaderValue::from_str(value)
                .map_err(|_| format!("the value of the header {key} cannot be sent"))?;
            headers.insert(key, value);
        }
        let client = reqwest::Client::builder()
            .default_headers(headers)
            .build()
            .map_err(|e| format!("cannot set up HTTP: {e}"))?;
        let config =
            rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig::with_uri(
                server.url.as_str(),
            );
        let transport = StreamableHttpClientTransport::with_client(client, config);
        let service = Handler::default().serve(transport).await.map_err(|e| e.to_string())?;
        return Ok((service, None));
    }
    let mut command = tokio::process::Command::new(&server.command);
    command.args(&server.args).envs(&server.env).kill_on_drop(true);
    if let Some(cwd) = server.cwd.as_deref().filter(|c| !c.is_empty()) {
        command.current_dir(cwd);
    }
    let (transport, child_stderr) = TokioChildProcess::builder(command)
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", server.command))?;
    let pid = transport.id();
    if let Some(child_stderr) = child_stderr {
        let (tail, name) = (stderr.clone(), name.to_owned());
        tokio::spawn(async move {
            let mut lines = BufReader::new(child_stderr).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                let line = without_userinfo(&line);
                tracing::debug!(server = %name, "{line}");
                tail.push(line);
            }
        });
    }
    let service = Handler::default().serve(transport).await.map_err(|e| e.to_string())?;
    Ok((service, pid))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(json: serde_json::Value) -> McpServer {
        serde_json::from_value(json).unwrap()
    }

    #[tokio::test]
    async fn a_url_with_a_password_is_never_shown() {
        let remote = server(serde_json::json!({"url": "http://user:secret@127.0.0.1:9/mcp"}));
        let error = connect("remote", &remote).await.err().expect("nothing listens").to_string();
        assert!(error.contains("127.0.0.1:9") && !error.contains("secret"), "{error}");
        // What a server prints is shown when it fails, without the credentials of its URLs.
        let script =
            "echo 'connecting to postgres://app:secret@db.internal/x' >&2; sleep 0.3; exit 3";
        let local = server(serde_json::json!({"command": "sh", "args": ["-c", script]}));
        let error = connect("local", &local).await.err().expect("it exits").to_string();
        assert!(error.contains("postgres://db.internal/x"), "{error}");
        assert!(!error.contains("secret"), "{error}");
    }
}
