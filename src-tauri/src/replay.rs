//! A saved conversation on its way to the window: each run of consecutive `token` events is sent
//! as one `token` event (the seq of its last token, the time of its first, the texts joined). The
//! window replays a run's events to redraw it, so a 10,000-token answer costs one event instead of
//! 10,000 to send, parse and apply; what it shows is the same (the reducer keeps the first token's
//! time as time to first token, and skips any seq at or below the last one it applied).

use telltale_history::ConversationDetail;
use telltale_protocol::{Event, EventKind};

pub fn merge_token_runs(mut detail: ConversationDetail) -> ConversationDetail {
    for run in &mut detail.runs {
        run.events = merge_tokens(std::mem::take(&mut run.events));
    }
    detail
}

fn merge_tokens(events: Vec<Event>) -> Vec<Event> {
    let mut merged: Vec<Event> = Vec::with_capacity(events.len().min(64));
    for event in events {
        if let (Some(last), EventKind::Token { text }) = (merged.last_mut(), &event.kind) {
            if let EventKind::Token { text: joined } = &mut last.kind {
                joined.push_str(text);
                last.seq = event.seq;
                continue;
            }
        }
        merged.push(event);
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use telltale_protocol::FinishReason;

    fn event(seq: u64, kind: EventKind) -> Event {
        Event { run_id: "r".into(), seq, t_ms: seq as f64 * 10.0, kind }
    }
    fn token(seq: u64, text: &str) -> Event {
        event(seq, EventKind::Token { text: text.into() })
    }

    #[test]
    fn consecutive_tokens_become_one_and_everything_else_stays() {
        let status = event(3, EventKind::Status { message: "Writing…".into(), icon: None });
        let finished = event(
            6,
            EventKind::RunFinished {
                reason: FinishReason::Completed,
                usage: None,
                ttft_ms: None,
                cost_usd: None,
            },
        );
        let events = vec![
            token(0, "a"),
            token(1, "b"),
            token(2, "c"),
            status.clone(),
            token(4, "d"),
            token(5, "e"),
            finished.clone(),
        ];
        // One token per run: the seq of its last token, the time of its first, the texts joined.
        let joined = |seq, t_ms, text| Event { t_ms, ..token(seq, text) };
        assert_eq!(
            merge_tokens(events),
            vec![joined(2, 0.0, "abc"), status, joined(5, 40.0, "de"), finished]
        );
    }

    #[test]
    fn nothing_to_merge_is_left_as_it_is() {
        assert!(merge_tokens(Vec::new()).is_empty());
        let one = vec![token(0, "only")];
        assert_eq!(merge_tokens(one.clone()), one);
    }
}
