//! A session over one provider with the built-in tools and no keep-alive pings, as the session
//! tests use it.

use std::sync::Arc;
use std::time::Duration;

use telltale_agent::{Agent, AgentConfig, Provider, ToolRegistry};
use telltale_session::{AgentSlot, Session, Store};

/// A session whose agent answers through `provider` (shown as `label`), recording in `store`.
pub fn session_over(provider: Arc<dyn Provider>, label: &str, store: Store) -> Session {
    let config = AgentConfig { keepalive: Duration::ZERO, ..AgentConfig::default() };
    let agent = Agent::new(provider, ToolRegistry::builtin(), config);
    Session::new(
        AgentSlot::new(Arc::new(agent), label.into()),
        store,
        tokio::runtime::Handle::current(),
    )
}
