//! What the shell's own commands answer (the history's and the settings' types come from their
//! crates).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Which provider and model answer, and how the header names them. Never the API key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AppInfo {
    pub provider: String,
    pub model: String,
    /// For the header, e.g. "Offline demo — no model" (with why, when settings were unusable).
    pub label: String,
}

/// Whether the history works and is saved, and if not, why (the window shows a banner). When
/// the data folder cannot be used, the history works in memory until the app quits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct HistoryStatus {
    /// The history commands work: conversations can be listed, opened, searched, exported.
    pub enabled: bool,
    /// They are saved to disk and survive a restart.
    pub saved: bool,
    /// Why the history is not saved (or does not work).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub path: Option<String>,
}

impl From<telltale_session::StoreStatus> for HistoryStatus {
    fn from(status: telltale_session::StoreStatus) -> Self {
        HistoryStatus {
            enabled: status.available,
            saved: status.saved,
            reason: status.reason,
            path: status.path,
        }
    }
}

/// The user's answer to a tool call that waits for approval (`resolve_approval`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ApprovalAnswer {
    pub approved: bool,
    /// The arguments to run the call with, when the user edited them (a JSON object).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "Record<string, unknown>")]
    pub args: Option<serde_json::Value>,
    /// Run this tool without asking from now on (saved in the settings).
    #[serde(default)]
    pub always: bool,
}

impl ApprovalAnswer {
    pub fn decision(self) -> telltale_agent::Decision {
        match self.approved {
            true => telltale_agent::Decision::Approve { args: self.args, always: self.always },
            false => telltale_agent::Decision::Deny,
        }
    }
}

/// The user's answer to a run paused at its budget (`resolve_budget`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum BudgetAnswer {
    /// Continue anyway: that budget is lifted for the rest of the run.
    Continue,
    /// Stop the run, keeping what it wrote.
    Stop,
}

impl From<BudgetAnswer> for telltale_agent::BudgetDecision {
    fn from(answer: BudgetAnswer) -> Self {
        match answer {
            BudgetAnswer::Continue => telltale_agent::BudgetDecision::Continue,
            BudgetAnswer::Stop => telltale_agent::BudgetDecision::Stop,
        }
    }
}

/// Which run a new run continues (`start_run`'s `parent`; left out: the conversation's latest
/// run). A run that already has a continuation gets a second one: a new branch, e.g. an answer
/// regenerated (the same prompt from the same parent) or a prompt edited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RunParent {
    /// The conversation's latest run.
    Latest,
    /// None: a new first turn.
    Root,
    /// This run of the conversation.
    Run { run_id: String },
}

impl From<RunParent> for telltale_history::Parent {
    fn from(parent: RunParent) -> Self {
        match parent {
            RunParent::Latest => telltale_history::Parent::Latest,
            RunParent::Root => telltale_history::Parent::Root,
            RunParent::Run { run_id } => telltale_history::Parent::Run(run_id),
        }
    }
}
