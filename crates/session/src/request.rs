//! What a front end asks the session to run ([`RunRequest`]), and what it may not ask.

use std::sync::Arc;

use telltale_agent::Agent;
use telltale_history::Parent;
use telltale_protocol::{Attachment, Message};

use crate::error::SessionError;

/// What a front end asks for: run `prompt` in a conversation (made if it does not exist yet).
/// The front end picks the ids, so it can show the run before any event arrives.
#[derive(Clone)]
pub struct RunRequest {
    pub conversation_id: String,
    pub run_id: String,
    pub prompt: String,
    /// Files sent with the prompt, in the order attached (each checked when it was made: its
    /// kind from its content, within its kind's limit). The provider gets them as part of the
    /// prompt's message, the history stores them with the conversation, and later runs of
    /// the branch send them again.
    pub attachments: Vec<Attachment>,
    /// The conversation is new: the run starts at once, with nothing to read first, and the
    /// conversation is made in the history beside the request (the first token never waits
    /// for the database).
    pub new_conversation: bool,
    /// Record the run and store its messages; false reads the conversation and adds nothing.
    pub save: bool,
    /// Which run this one continues: the conversation's latest run by default (as it reads);
    /// another makes a new branch when it has a continuation already (an answer regenerated,
    /// a prompt edited). The run sends the messages of that run's branch only.
    pub parent: Parent,
    /// The agent of this run only (another provider or model); none: the session's.
    pub agent: Option<Arc<Agent>>,
    /// Messages a new conversation starts with, before the prompt (an AG-UI client's earlier
    /// messages): the provider gets them, and they are recorded as the first run's, so the
    /// conversation's later runs send them too. Only for a new conversation.
    pub context: Vec<Message>,
    /// A budget the run reaches pauses it until [`Session::resolve_budget`] answers (a front
    /// end where someone can: the window); false stops it with a `budget` error (the CLI).
    ///
    /// [`Session::resolve_budget`]: crate::Session::resolve_budget
    pub pause_at_budget: bool,
}

impl std::fmt::Debug for RunRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunRequest")
            .field("conversation_id", &self.conversation_id)
            .field("run_id", &self.run_id)
            .field("prompt", &self.prompt)
            .field("attachments", &self.attachments)
            .field("new_conversation", &self.new_conversation)
            .field("save", &self.save)
            .field("parent", &self.parent)
            .field("agent", &self.agent.as_ref().map(|agent| agent.provider().model().to_owned()))
            .field("context", &self.context)
            .field("pause_at_budget", &self.pause_at_budget)
            .finish()
    }
}

impl RunRequest {
    /// A run in a conversation that may exist already, recorded (the window's runs).
    pub fn in_conversation(conversation_id: String, run_id: String, prompt: String) -> Self {
        RunRequest {
            conversation_id,
            run_id,
            prompt,
            attachments: Vec::new(),
            new_conversation: false,
            save: true,
            parent: Parent::Latest,
            agent: None,
            context: Vec::new(),
            pause_at_budget: false,
        }
    }

    /// The prompt as the provider gets it and the history stores it: its text and its files.
    pub(crate) fn prompt_message(&self) -> Message {
        Message::User { text: self.prompt.clone(), attachments: self.attachments.clone() }
    }
}

/// Refuses ids that may not name a conversation or a run: each must be 1–128 letters, digits,
/// `-` or `_`.
pub(crate) fn check_ids(conversation_id: &str, run_id: &str) -> Result<(), SessionError> {
    let valid_id = |id: &str| {
        !id.is_empty()
            && id.len() <= 128
            && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    if !valid_id(conversation_id) || !valid_id(run_id) {
        return Err(SessionError::InvalidRequest(
            "conversation and run ids must be 1–128 letters, digits, - or _".into(),
        ));
    }
    Ok(())
}

/// Refuses a request the session cannot run as asked, before anything is sent.
pub(crate) fn validate(request: &RunRequest) -> Result<(), SessionError> {
    check_ids(&request.conversation_id, &request.run_id)?;
    if request.new_conversation && request.parent != Parent::Latest {
        return Err(SessionError::InvalidRequest(
            "a new conversation has no run to continue".into(),
        ));
    }
    if !request.new_conversation && !request.context.is_empty() {
        return Err(SessionError::InvalidRequest(
            "only a new conversation starts with messages of its own".into(),
        ));
    }
    // Files alone are a prompt ("what is in this picture?" goes without saying).
    if request.prompt.trim().is_empty() && request.attachments.is_empty() {
        return Err(SessionError::InvalidRequest("type a message first".into()));
    }
    Ok(())
}
