//! Full-text search (FTS5) over prompts and answers, with the hit highlighted.

use rusqlite::params;
use serde::Serialize;
use ts_rs::TS;

use crate::db::History;
use crate::error::Result;

const HIT_START: char = '\u{1}';
const HIT_END: char = '\u{2}';

/// One conversation that matches, with the best-matching run's snippet.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SearchHit {
    pub conversation_id: String,
    pub title: String,
    pub run_id: String,
    /// The snippet as pieces, the matching ones with `hit: true`, so that a UI can highlight
    /// them without parsing markup.
    pub snippet: Vec<SnippetPart>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SnippetPart {
    pub text: String,
    pub hit: bool,
}

impl SearchHit {
    /// The snippet with each hit between `open` and `close`, e.g. `[` and `]`.
    pub fn snippet_marked(&self, open: &str, close: &str) -> String {
        self.snippet
            .iter()
            .map(|p| if p.hit { format!("{open}{}{close}", p.text) } else { p.text.clone() })
            .collect()
    }
}

/// The user's words as an FTS5 query: every word must appear (the last one as a prefix, for
/// search as you type); quotes and operators are taken literally.
fn fts_query(query: &str) -> Option<String> {
    let words: Vec<String> = query
        .split_whitespace()
        .map(|w| w.replace(['"', HIT_START, HIT_END], ""))
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\""))
        .collect();
    if words.is_empty() {
        return None;
    }
    Some(format!("{}*", words.join(" ")))
}

fn split_snippet(marked: &str) -> Vec<SnippetPart> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut hit = false;
    for c in marked.chars() {
        if c == HIT_START || c == HIT_END {
            if !current.is_empty() {
                parts.push(SnippetPart { text: std::mem::take(&mut current), hit });
            }
            hit = c == HIT_START;
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        parts.push(SnippetPart { text: current, hit });
    }
    parts
}

impl History {
    /// Conversations (not deleted) whose prompts or answers contain all of `query`'s words,
    /// best match first, at most `limit`.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        let Some(fts) = fts_query(query) else {
            return Ok(Vec::new());
        };
        let mut statement = self.conn.prepare(
            "SELECT c.id, c.title, r.run_id, snippet(run_text, -1, char(1), char(2), '…', 16) \
             FROM run_text JOIN runs r ON r.id = run_text.rowid JOIN conversations c ON c.id = r.conversation_id \
             WHERE run_text MATCH ?1 AND c.deleted_at IS NULL ORDER BY rank",
        )?;
        let mut rows = statement.query(params![fts])?;
        let mut hits: Vec<SearchHit> = Vec::new();
        while let Some(row) = rows.next()? {
            let conversation_id: String = row.get(0)?;
            if hits.iter().any(|h| h.conversation_id == conversation_id) {
                continue;
            }
            let marked: String = row.get(3)?;
            hits.push(SearchHit {
                conversation_id,
                title: row.get(1)?,
                run_id: row.get(2)?,
                snippet: split_snippet(&marked),
            });
            if hits.len() >= limit {
                break;
            }
        }
        Ok(hits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_words_become_a_literal_prefix_query() {
        assert_eq!(fts_query("  "), None);
        assert_eq!(fts_query("tokyo ti").as_deref(), Some("\"tokyo\" \"ti\"*"));
        assert_eq!(fts_query("a\"b OR NOT(").as_deref(), Some("\"ab\" \"OR\" \"NOT(\"*"));
    }

    #[test]
    fn snippets_split_into_hits() {
        let parts = split_snippet("…the \u{1}Tokyo\u{2} time");
        assert_eq!(parts.len(), 3);
        assert!(parts[1].hit && parts[1].text == "Tokyo");
    }
}
