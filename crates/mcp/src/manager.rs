//! The configured MCP servers, each started in the background (a slow or broken server never
//! blocks the window or a run that does not need it), with its status for Settings, its tools for
//! the runs that start once it is ready, and a restart when it has died.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::Serialize;
use telltale_agent::{Tool, ToolSource};
use tokio::runtime::Handle;
use ts_rs::TS;

use crate::config::McpServer;
use crate::connection::{connect, Connection};
use crate::tool::McpTool;

/// Where a server is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ServerState {
    Disabled,
    Starting,
    /// Its tools, by the names the model calls them.
    Ready {
        tools: Vec<String>,
    },
    /// Why it is not running (with the end of its stderr).
    Failed {
        error: String,
    },
}

/// A server as Settings shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct McpServerStatus {
    pub name: String,
    pub state: ServerState,
}

struct Entry {
    config: McpServer,
    state: ServerState,
    connection: Option<Arc<Connection>>,
    /// Bumped at every (re)start, so that a start that finishes late does not win.
    generation: u64,
}

#[derive(Clone)]
pub struct McpManager {
    servers: Arc<Mutex<BTreeMap<String, Entry>>>,
    runtime: Handle,
}

impl McpManager {
    /// A manager with no servers; they start on `runtime`.
    pub fn new(runtime: Handle) -> Self {
        McpManager { servers: Arc::default(), runtime }
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, Entry>> {
        self.servers.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Makes `servers` the configured ones: those new or changed (re)start in the background,
    /// those removed or disabled stop, the others keep running.
    pub fn configure(&self, servers: &BTreeMap<String, McpServer>) {
        let mut current = self.lock();
        current.retain(|name, entry| servers.get(name) == Some(&entry.config));
        for (name, config) in servers {
            if current.contains_key(name) {
                continue;
            }
            let state = if config.enabled { ServerState::Starting } else { ServerState::Disabled };
            let entry = Entry { config: config.clone(), state, connection: None, generation: 0 };
            current.insert(name.clone(), entry);
            if config.enabled {
                self.start(&mut current, name);
            }
        }
    }

    /// Starts (or restarts) `name` in the background.
    fn start(&self, servers: &mut BTreeMap<String, Entry>, name: &str) {
        let Some(entry) = servers.get_mut(name) else { return };
        entry.generation += 1;
        entry.state = ServerState::Starting;
        entry.connection = None;
        let (generation, config, name) = (entry.generation, entry.config.clone(), name.to_owned());
        let manager = self.clone();
        self.runtime.spawn(async move {
            let result = connect(&name, &config).await;
            let mut servers = manager.lock();
            let Some(entry) = servers.get_mut(&name).filter(|e| e.generation == generation) else {
                return;
            };
            match result {
                Ok(connection) => {
                    let connection = Arc::new(connection);
                    let tools = McpTool::offered(&name, &entry.config, &connection)
                        .iter()
                        .map(|t| t.name().to_owned())
                        .collect();
                    tracing::info!(server = %name, "MCP server ready");
                    entry.state = ServerState::Ready { tools };
                    entry.connection = Some(connection);
                }
                Err(error) => {
                    tracing::warn!(server = %name, "{error}");
                    entry.state = ServerState::Failed { error: error.to_string() };
                }
            }
        });
    }

    /// The process id of the stdio server `name`, while it runs.
    pub fn pid(&self, name: &str) -> Option<u32> {
        self.lock().get(name)?.connection.as_ref()?.pid
    }

    pub fn statuses(&self) -> Vec<McpServerStatus> {
        self.lock()
            .iter()
            .map(|(name, entry)| McpServerStatus { name: name.clone(), state: entry.state.clone() })
            .collect()
    }

    /// Waits until no server is starting any more, for at most `limit` (the CLI, which runs
    /// one prompt, waits for its tools; the window never does).
    pub async fn settled(&self, limit: Duration) {
        let deadline = tokio::time::Instant::now() + limit;
        while tokio::time::Instant::now() < deadline {
            if !self.lock().values().any(|e| e.state == ServerState::Starting) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl ToolSource for McpManager {
    /// The tools of every ready server; a server found dead is restarted for the next run.
    fn tools(&self) -> Vec<Arc<dyn Tool>> {
        let mut servers = self.lock();
        let mut dead = Vec::new();
        let mut tools: Vec<Arc<dyn Tool>> = Vec::new();
        for (name, entry) in servers.iter() {
            let Some(connection) = &entry.connection else { continue };
            if connection.is_closed() {
                dead.push(name.clone());
                continue;
            }
            for tool in McpTool::offered(name, &entry.config, connection) {
                tools.push(Arc::new(tool));
            }
        }
        for name in dead {
            tracing::warn!(server = %name, "the MCP server has stopped; restarting it");
            self.start(&mut servers, &name);
        }
        tools
    }
}
