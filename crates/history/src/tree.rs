//! The run tree of a conversation: each run continues its parent run (`parent_run_id`), or
//! starts the conversation when it has none. A run with several children is a fork: an answer
//! regenerated, a prompt edited and sent again. A branch is the path from a run up to its root;
//! the run most recently started is always a leaf (a child starts after its parent), and is the
//! branch a new run continues unless it names another.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::conversations::RunStatus;
use crate::db::History;
use crate::error::{Error, Result};

/// Which run a new run continues.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Parent {
    /// The run most recently started in the conversation (none when it has no run yet): the
    /// conversation goes on as shown.
    #[default]
    Latest,
    /// None: a new first turn (the first prompt edited, or its answer regenerated).
    Root,
    /// This run of the conversation; a new branch when it has a continuation already.
    Run(String),
}

impl Parent {
    /// `Some(id)` as [`Parent::Run`], `None` as [`Parent::Latest`].
    pub fn from_run(run_id: Option<String>) -> Parent {
        run_id.map_or(Parent::Latest, Parent::Run)
    }
}

/// A run as a node of its conversation's tree (without its events).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunNode {
    pub run_id: String,
    /// The run it continues; `None` for a first turn.
    pub parent_run_id: Option<String>,
    pub prompt: String,
    /// Unix epoch milliseconds.
    pub started_at: i64,
    pub status: RunStatus,
}

/// The run ids of a branch, from its root down to `leaf` (parameter 1).
const BRANCH_SQL: &str = "WITH RECURSIVE branch (run_id, depth) AS ( \
       SELECT run_id, 0 FROM runs WHERE run_id = ?1 \
       UNION ALL \
       SELECT r.parent_run_id, b.depth + 1 FROM runs r JOIN branch b ON r.run_id = b.run_id \
       WHERE r.parent_run_id IS NOT NULL \
     ) SELECT run_id FROM branch ORDER BY depth DESC";

impl History {
    /// The run most recently started in the conversation (a leaf), if it has any.
    pub fn latest_run(&self, conversation_id: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT run_id FROM runs WHERE conversation_id = ?1 ORDER BY position DESC LIMIT 1",
                [conversation_id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The conversation's runs, in the order they started, each with its parent.
    pub fn run_tree(&self, conversation_id: &str) -> Result<Vec<RunNode>> {
        let runs = self.runs_without_events(conversation_id)?;
        Ok(runs
            .into_iter()
            .map(|run| RunNode {
                run_id: run.run_id,
                parent_run_id: run.parent_run_id,
                prompt: run.prompt,
                started_at: run.started_at,
                status: run.status,
            })
            .collect())
    }

    /// The conversation a run belongs to, and its parent run.
    pub fn run_place(&self, run_id: &str) -> Result<(String, Option<String>)> {
        self.conn
            .query_row(
                "SELECT conversation_id, parent_run_id FROM runs WHERE run_id = ?1",
                [run_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or_else(|| Error::RunNotFound(run_id.to_owned()))
    }

    /// The run `parent` names in the conversation, checked to be one of its runs.
    pub(crate) fn parent_run(
        &self,
        conversation_id: &str,
        parent: &Parent,
    ) -> Result<Option<String>> {
        match parent {
            Parent::Latest => self.latest_run(conversation_id),
            Parent::Root => Ok(None),
            Parent::Run(run_id) => match self.run_place(run_id) {
                Ok((conversation, _)) if conversation == conversation_id => {
                    Ok(Some(run_id.clone()))
                }
                Ok(_) | Err(Error::RunNotFound(_)) => Err(Error::RunNotFound(format!(
                    "{run_id} (not a run of conversation {conversation_id})"
                ))),
                Err(error) => Err(error),
            },
        }
    }

    /// The run ids of the branch that ends at `leaf`, root first; `None` takes the run most
    /// recently started (an empty branch when the conversation has no run).
    pub fn branch(&self, conversation_id: &str, leaf: Option<&str>) -> Result<Vec<String>> {
        let leaf = match leaf {
            Some(leaf) => self.parent_run(conversation_id, &Parent::Run(leaf.to_owned()))?,
            None => self.latest_run(conversation_id)?,
        };
        let Some(leaf) = leaf else { return Ok(Vec::new()) };
        let mut statement = self.conn.prepare_cached(BRANCH_SQL)?;
        let ids = statement.query_map([leaf], |r| r.get(0))?;
        Ok(ids.collect::<rusqlite::Result<_>>()?)
    }

    /// The full id of the run whose id is or starts with `prefix` (at least 4 characters), with
    /// its conversation.
    pub fn resolve_run(&self, prefix: &str) -> Result<(String, String)> {
        let prefix = prefix.trim();
        let upper = format!("{prefix}\u{10FFFF}");
        let mut statement = self.conn.prepare(
            "SELECT run_id, conversation_id FROM runs WHERE run_id = ?1 \
             OR (length(?1) >= 4 AND run_id >= ?1 AND run_id < ?2) LIMIT 3",
        )?;
        let found: Vec<(String, String)> = statement
            .query_map(params![prefix, upper], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        if let Some(exact) = found.iter().find(|(id, _)| id == prefix) {
            return Ok(exact.clone());
        }
        match found.as_slice() {
            [one] => Ok(one.clone()),
            [] => Err(Error::RunNotFound(prefix.to_owned())),
            _ => Err(Error::AmbiguousRun(prefix.to_owned())),
        }
    }
}
