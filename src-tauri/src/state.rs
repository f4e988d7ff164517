//! What the shell keeps between commands: the agent, each conversation's messages (in memory
//! until history lands) and the runs in progress.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use telltale_agent::providers::{OfflinePace, ProviderKind, ProviderSettings};
use telltale_agent::{Agent, AgentConfig, ToolRegistry};
use telltale_protocol::Message;
use tokio_util::sync::CancellationToken;

use crate::settings::AgentSlot;

#[derive(Clone)]
pub struct AppState {
    /// The agent and how the header names its provider (saying so when the settings were
    /// unusable and the offline demo answers instead; never the API key). Saving the settings
    /// swaps it; runs in progress keep theirs.
    pub agent: AgentSlot,
    inner: Arc<Mutex<Inner>>,
}

#[derive(Default)]
struct Inner {
    conversations: HashMap<String, Vec<Message>>,
    /// run id → (conversation id, stop token)
    runs: HashMap<String, (String, CancellationToken)>,
}

impl AppState {
    /// The provider chosen by the environment (`TELLTALE_PROVIDER`, `TELLTALE_MODEL`,
    /// `TELLTALE_BASE_URL`, `TELLTALE_API_KEY`…; see `ProviderSettings`), with the offline pace
    /// and the keep-alive interval overridable for tests (`TELLTALE_OFFLINE_PACE_MS`,
    /// `TELLTALE_KEEPALIVE_MS`). Settings that cannot make a provider do not keep the app from
    /// opening: the offline demo answers, and the label says why.
    pub fn from_env() -> Self {
        let millis =
            |name: &str| std::env::var(name).ok().and_then(|v| v.trim().parse::<u64>().ok());
        let mut config = AgentConfig::default();
        if let Some(ms) = millis("TELLTALE_KEEPALIVE_MS") {
            config.keepalive = Duration::from_millis(ms);
        }
        let mut pace = OfflinePace::default();
        if let Some(ms) = millis("TELLTALE_OFFLINE_PACE_MS") {
            pace.word = Duration::from_millis(ms);
        }
        let chosen = match ProviderSettings::from_env() {
            Ok(mut settings) => {
                settings.offline_pace = pace;
                settings.build().map_err(|e| match settings.kind {
                    ProviderKind::Offline => format!("settings invalid: {e}"),
                    kind => format!("{} settings incomplete: {e}", kind.display_name()),
                })
            }
            Err(e) => Err(format!("provider settings invalid: {e}")),
        };
        let (provider, provider_label) = crate::settings::apply::or_offline(chosen, pace);
        AppState {
            agent: AgentSlot::new(
                Arc::new(Agent::new(provider, ToolRegistry::builtin(), config)),
                provider_label,
            ),
            inner: Arc::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers a run; returns the conversation so far, or why the run cannot start.
    pub fn begin_run(
        &self,
        conversation_id: &str,
        run_id: &str,
        cancel: CancellationToken,
    ) -> Result<Vec<Message>, String> {
        let mut inner = self.lock();
        if inner.runs.contains_key(run_id) {
            return Err(format!("a run with id {run_id} already exists"));
        }
        if inner.runs.values().any(|(conversation, _)| conversation == conversation_id) {
            return Err(
                "this conversation is still answering; stop it or wait for it to finish".into()
            );
        }
        inner.runs.insert(run_id.to_owned(), (conversation_id.to_owned(), cancel));
        Ok(inner.conversations.get(conversation_id).cloned().unwrap_or_default())
    }

    /// Records what a finished run added and forgets the run.
    pub fn end_run(&self, conversation_id: &str, run_id: &str, new_messages: Vec<Message>) {
        let mut inner = self.lock();
        inner.runs.remove(run_id);
        inner.conversations.entry(conversation_id.to_owned()).or_default().extend(new_messages);
    }

    /// Stops a run; false when no such run is in progress.
    pub fn stop_run(&self, run_id: &str) -> bool {
        match self.lock().runs.get(run_id) {
            Some((_, cancel)) => {
                cancel.cancel();
                true
            }
            None => false,
        }
    }
}
