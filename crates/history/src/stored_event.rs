//! An event as the `events` table holds it: the protocol JSON without `run_id` and `seq`, which
//! the row's key already says (the run's integer id and the event's number). Every token of a
//! long answer is a row, so the 36-character run id written twice in each was most of its bytes.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use telltale_protocol::{Event, EventKind};

use crate::error::Result;

/// What is stored of an event, borrowed from it for writing.
#[derive(Serialize)]
struct StoredRef<'a> {
    t_ms: f64,
    #[serde(flatten)]
    kind: &'a EventKind,
}

/// What is stored of an event, read back.
#[derive(Deserialize)]
struct Stored {
    t_ms: f64,
    #[serde(flatten)]
    kind: EventKind,
}

/// `event`'s stored JSON, serialized here.
pub(crate) fn to_stored(event: &Event) -> Result<String> {
    Ok(serde_json::to_string(&StoredRef { t_ms: event.t_ms, kind: &event.kind })?)
}

/// The events of run `run_id` (parameter 1 of `sql`) that `sql` selects as `seq, json`, in its
/// order.
pub(crate) fn query(conn: &Connection, sql: &str, run_id: &str) -> Result<Vec<Event>> {
    let mut statement = conn.prepare_cached(sql)?;
    let rows =
        statement.query_map([run_id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    rows.map(|row| {
        let (seq, json) = row?;
        from_stored(run_id, seq, &json)
    })
    .collect()
}

/// The event read back from its row: run `run_id`, number `seq`, stored JSON `json`.
fn from_stored(run_id: &str, seq: i64, json: &str) -> Result<Event> {
    let Stored { t_ms, kind } = serde_json::from_str(json)?;
    Ok(Event { run_id: run_id.to_owned(), seq: seq as u64, t_ms, kind })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One of each shape of event: strings that JSON escapes, nested JSON, optional fields.
    fn kinds() -> Vec<EventKind> {
        let kinds = serde_json::json!([
            {"type": "run_started", "provider": "openai", "model": "m", "started_at": 7},
            {"type": "token", "text": "tall \"necks\"\n\\ é"},
            {"type": "token", "text": ""},
            {"type": "tool_call", "call_id": "c1", "name": "read_file",
             "args": {"path": "a/b.txt", "lines": [1, 2], "seq": 3}},
            {"type": "tool_result", "call_id": "c1", "ok": false, "output": "no such file",
             "duration_ms": 0.25},
            {"type": "run_finished", "reason": "completed", "ttft_ms": 12.5},
        ]);
        serde_json::from_value(kinds).unwrap()
    }

    #[test]
    fn an_event_is_stored_without_its_run_and_number_and_reads_back_whole() {
        for (i, kind) in kinds().into_iter().enumerate() {
            for seq in [0, 9, 123_456_789_012] {
                let event = Event {
                    run_id: "8c1f-run".into(),
                    seq,
                    t_ms: i as f64 * 1.25,
                    kind: kind.clone(),
                };
                let stored = to_stored(&event).unwrap();
                let fields: serde_json::Map<String, serde_json::Value> =
                    serde_json::from_str(&stored).unwrap();
                assert!(!fields.contains_key("run_id") && !fields.contains_key("seq"), "{stored}");
                assert_eq!(from_stored("8c1f-run", seq as i64, &stored).unwrap(), event);
            }
        }
    }
}
