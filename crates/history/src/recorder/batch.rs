//! What the recorder hands its writer thread: batches of events (each with its JSON and what
//! it changes in the run's row), the run's messages, and the word that the run is over.

use telltale_protocol::{Event, EventKind};

use crate::attachments::StoredMessage;
use crate::conversations::reason_str;
use crate::error::Result;
use crate::stored_event;

pub(super) enum Msg {
    /// One event (what the session hands over for each event as it streams: no list to make).
    Row(Row),
    Rows(Vec<Row>),
    /// One message of the run, completed (stored after the ones before it), with its files.
    Message(StoredMessage),
    Finish,
}

/// One event as the writer stores it: its number, its stored JSON (`stored_event.rs`), and what
/// it changes in the run's own row.
pub(super) struct Row {
    pub(super) seq: i64,
    pub(super) json: String,
    pub(super) effect: Effect,
}

/// What an event changes besides its own row.
pub(super) enum Effect {
    None,
    /// The answer's search text grows (the writer keeps it, rather than reading every event
    /// back out of the database when the run finishes).
    Token(String),
    Started {
        provider: String,
        model: String,
        started_at: i64,
    },
    Finished {
        reason: String,
        t_ms: i64,
    },
}

impl Row {
    /// `event` with its stored JSON `json`.
    fn new(event: &Event, json: String) -> Row {
        let effect = match &event.kind {
            EventKind::RunStarted { provider, model, started_at } => Effect::Started {
                provider: provider.clone(),
                model: model.clone(),
                started_at: *started_at as i64,
            },
            EventKind::RunFinished { reason, .. } => {
                Effect::Finished { reason: reason_str(*reason), t_ms: event.t_ms.round() as i64 }
            }
            EventKind::Token { text } => Effect::Token(text.clone()),
            _ => Effect::None,
        };
        Row { seq: event.seq as i64, json, effect }
    }

    /// `event`, serialized here.
    pub(super) fn of(event: &Event) -> Result<Row> {
        Ok(Row::new(event, stored_event::to_stored(event)?))
    }
}

/// Events to record together, in order.
#[derive(Default)]
pub struct RecordBatch {
    pub(super) rows: Vec<Row>,
}

impl RecordBatch {
    pub fn new() -> RecordBatch {
        RecordBatch::default()
    }

    /// Adds `event`, serializing it.
    pub fn push(&mut self, event: &Event) -> Result<()> {
        self.rows.push(Row::of(event)?);
        Ok(())
    }

    /// Moves `other`'s events after these.
    pub fn append(&mut self, mut other: RecordBatch) {
        self.rows.append(&mut other.rows);
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}
