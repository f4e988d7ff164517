//! The agent a session answers with, swappable when settings are saved. A run takes the agent
//! that is current when it starts and keeps it to the end.

use std::sync::{Arc, RwLock};

use telltale_agent::{Agent, Provider};

#[derive(Clone)]
pub struct AgentSlot {
    current: Arc<RwLock<(Arc<Agent>, String)>>,
}

impl AgentSlot {
    /// `label`: how the header names the provider (never contains the key).
    pub fn new(agent: Arc<Agent>, label: String) -> Self {
        AgentSlot { current: Arc::new(RwLock::new((agent, label))) }
    }

    pub fn get(&self) -> Arc<Agent> {
        self.current.read().unwrap_or_else(|e| e.into_inner()).0.clone()
    }

    pub fn label(&self) -> String {
        self.current.read().unwrap_or_else(|e| e.into_inner()).1.clone()
    }

    pub fn provider(&self) -> Arc<dyn Provider> {
        self.get().provider().clone()
    }

    /// Later runs use `agent`; runs in progress keep theirs.
    pub fn replace(&self, agent: Arc<Agent>, label: String) {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = (agent, label);
    }
}
