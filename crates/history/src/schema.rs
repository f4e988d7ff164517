//! The schema, as the list of migrations that build it. Each entry takes the database from
//! version `index` to `index + 1`; entries are never edited once released, only appended.

/// Version 1: conversations, their runs, every event of every run, and the messages that let a
/// conversation be continued.
const V1: &str = r#"
CREATE TABLE conversations (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    created_at  INTEGER NOT NULL,   -- Unix epoch milliseconds
    updated_at  INTEGER NOT NULL,   -- last activity
    deleted_at  INTEGER             -- set by a (soft, undoable) delete
);
CREATE INDEX conversations_by_activity ON conversations (updated_at DESC);

CREATE TABLE runs (
    id              INTEGER PRIMARY KEY,          -- also the rowid of the run's search row
    run_id          TEXT NOT NULL UNIQUE,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,             -- 0, 1, 2… within the conversation
    prompt          TEXT NOT NULL,
    provider        TEXT,
    model           TEXT,
    started_at      INTEGER NOT NULL,
    finished_at     INTEGER,
    reason          TEXT,                         -- completed | cancelled | error; NULL until run_finished
    UNIQUE (conversation_id, position)
);

CREATE TABLE events (
    run_id  TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    seq     INTEGER NOT NULL,
    json    TEXT NOT NULL,                        -- the protocol event, exactly as streamed
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;

CREATE TABLE messages (
    run_id  TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    idx     INTEGER NOT NULL,
    json    TEXT NOT NULL,                        -- a telltale_protocol::Message
    PRIMARY KEY (run_id, idx)
) WITHOUT ROWID;
"#;

/// Version 2: full-text search over prompts and answers, one row per run (rowid = runs.id),
/// filled from the runs already recorded.
const V2: &str = r#"
CREATE VIRTUAL TABLE run_text USING fts5 (prompt, answer, tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO run_text (rowid, prompt, answer)
    SELECT id, prompt, (
        SELECT coalesce(group_concat(json_extract(e.json, '$.text'), '' ORDER BY e.seq), '')
        FROM events e WHERE e.run_id = runs.run_id AND json_extract(e.json, '$.type') = 'token'
    ) FROM runs;
"#;

/// Version 3: the run tree. Each run knows the run it continues (`NULL` for a conversation's
/// first turn, or a new first turn); a run with several children is a fork (an answer
/// regenerated, a prompt edited). The runs already recorded become a chain, each continuing the
/// run before it, which is how they were sent. No foreign key: a conversation's runs are deleted
/// together, and an import writes a parent before its children.
const V3: &str = r#"
ALTER TABLE runs ADD COLUMN parent_run_id TEXT;
UPDATE runs SET parent_run_id = (
    SELECT p.run_id FROM runs p
    WHERE p.conversation_id = runs.conversation_id AND p.position < runs.position
    ORDER BY p.position DESC LIMIT 1
);
CREATE INDEX runs_by_parent ON runs (parent_run_id);
"#;

/// Version 4: the files attached to prompts, stored once per content (SHA-256) in their
/// conversation and deleted with it; a stored prompt names its files by hash.
const V4: &str = r#"
CREATE TABLE attachments (
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    sha256          TEXT NOT NULL,                -- of the content, lower-case hex
    media_type      TEXT NOT NULL,
    data            BLOB NOT NULL,
    UNIQUE (conversation_id, sha256)
);
"#;

/// Version 5: the run each conversation was last shown at in a window (the last run of the branch
/// on screen), so that it reopens on the versions and the branch the user left it on.
const V5: &str = "ALTER TABLE conversations ADD COLUMN shown_run_id TEXT;";

/// Version 6: a run's messages in a table with row ids, its `(run_id, idx)` key in an index of its
/// own. As a `WITHOUT ROWID` table every message (a whole answer, a tool's output: megabytes) was
/// part of the key, so a lookup compared against messages copied whole off their overflow pages:
/// after a few long answers, finding where a new run's messages go took milliseconds on the way
/// to its first token.
const V6: &str = r#"
CREATE TABLE messages_v6 (
    id      INTEGER PRIMARY KEY,
    run_id  TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    idx     INTEGER NOT NULL,
    json    TEXT NOT NULL,                        -- a telltale_protocol::Message
    UNIQUE (run_id, idx)
);
INSERT INTO messages_v6 (run_id, idx, json) SELECT run_id, idx, json FROM messages ORDER BY run_id, idx;
DROP TABLE messages;
ALTER TABLE messages_v6 RENAME TO messages;
"#;

/// Version 7: whether a run's answer is in the search index yet. A run's end is written first, so
/// that its `run_finished` is not held back by indexing a long answer, and its answer indexed in
/// a transaction of its own right after; a run whose indexing a crash cut short is indexed when
/// the history is next opened. The runs before this version were indexed with their end.
const V7: &str = "ALTER TABLE runs ADD COLUMN answer_indexed INTEGER NOT NULL DEFAULT 1;";

/// Version 8: the runs whose answer is not in the search index yet, in an index of their own.
/// Every open of the history looks for them (`index_unindexed_runs`); without it that lookup read
/// the whole `runs` table, prompts included (5 ms for 20,000 runs of 800-character prompts), on the
/// way to the window's first paint and every `telltale run`'s first token.
const V8: &str = "CREATE INDEX runs_unindexed ON runs (run_id) WHERE answer_indexed = 0;";

/// Version 9: leaner events. Each event's row is keyed by its run's integer id (`runs.id`) and its
/// number, and its JSON leaves out `run_id` and `seq`, which the key says (`stored_event.rs`).
/// A token's row held the 36-character run id twice, in its key and in its JSON: two thirds of
/// its bytes, written to the log and copied back into the database for every token streamed.
const V9: &str = r#"
CREATE TABLE events_v9 (
    run     INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    seq     INTEGER NOT NULL,
    json    TEXT NOT NULL,                        -- the protocol event without run_id and seq
    PRIMARY KEY (run, seq)
) WITHOUT ROWID;
INSERT INTO events_v9 (run, seq, json)
    SELECT r.id, e.seq, json_remove(e.json, '$.run_id', '$.seq')
    FROM events e JOIN runs r ON r.run_id = e.run_id ORDER BY r.id, e.seq;
DROP TABLE events;
ALTER TABLE events_v9 RENAME TO events;
"#;

pub const MIGRATIONS: &[&str] = &[V1, V2, V3, V4, V5, V6, V7, V8, V9];

/// The events of the run whose `run_id` is parameter 1, in a `WHERE` clause.
macro_rules! events_of_run {
    () => {
        "run = (SELECT id FROM runs WHERE run_id = ?1)"
    };
}
pub(crate) use events_of_run;

/// The answer text of a run: its `token` texts in order (parameter 1: the run id).
pub const ANSWER_SQL: &str = concat!(
    "SELECT coalesce(group_concat(json_extract(json, '$.text'), '' ORDER BY seq), '') \
     FROM events WHERE ",
    events_of_run!(),
    " AND json_extract(json, '$.type') = 'token'"
);
