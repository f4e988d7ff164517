//! After the stream: `telltale`'s stdout read back as protocol events, and the benchmark tokens
//! (`" w<seq>:<send_ns>"`) taken out of its answer text, each with the time its line arrived.

use serde_json::Value;

use crate::stream::Capture;

/// One answer delta (a `token` event): when its line arrived, and its text.
pub struct Delta {
    pub recv_ns: u64,
    pub text: String,
}

/// One benchmark token: its sequence number, the server's send time, our receipt time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Token {
    pub seq: u64,
    pub send_ns: u64,
    pub recv_ns: u64,
}

/// The stream as the adapter saw it.
pub struct Received {
    pub events: usize,
    pub deltas: Vec<Delta>,
    pub tokens: Vec<Token>,
    /// The concatenated answer text.
    pub text: String,
    /// Everything wrong with it (empty: verified).
    pub errors: Vec<String>,
}

/// Reads the captured lines as protocol events: `seq` 0, 1, 2… in order, `run_started` first,
/// `run_finished` (completed) last, and the `token` texts in between.
pub fn read_events(capture: &Capture) -> Received {
    let mut errors = Vec::new();
    let mut deltas = Vec::new();
    let mut events = 0usize;
    let mut first_type = None;
    let mut last: Option<Value> = None;
    let mut reads = capture.reads.iter().peekable();
    let mut start = 0;
    while let Some(offset) = capture.bytes[start..].iter().position(|&b| b == b'\n') {
        let end = start + offset + 1;
        // The read that brought the line's last byte.
        while reads.next_if(|&&(_, read_end)| read_end < end).is_some() {}
        let recv_ns = reads.peek().map_or(capture.t_exit, |&&(t, _)| t);
        let line = &capture.bytes[start..end - 1];
        start = end;
        let event: Value = match serde_json::from_slice(line) {
            Ok(event) => event,
            Err(error) => {
                errors.push(format!(
                    "line {} is not JSON ({error}): {}",
                    events + 1,
                    String::from_utf8_lossy(line)
                ));
                break;
            }
        };
        if event.get("seq").and_then(Value::as_u64) != Some(events as u64) {
            errors.push(format!(
                "event {events} has seq {:?}: events are missing or out of order",
                event.get("seq")
            ));
            break;
        }
        let kind = event.get("type").and_then(Value::as_str).unwrap_or_default().to_owned();
        if first_type.is_none() {
            first_type = Some(kind.clone());
        }
        if kind == "token" {
            let text = event.get("text").and_then(Value::as_str).unwrap_or_default().to_owned();
            deltas.push(Delta { recv_ns, text });
        }
        events += 1;
        last = Some(event);
    }
    if start != capture.bytes.len() && errors.is_empty() {
        errors.push("stdout ends with an unterminated line".into());
    }
    if first_type.as_deref() != Some("run_started") {
        errors.push(format!("the first event is {first_type:?}, not run_started"));
    }
    match &last {
        Some(event) if event.get("type").and_then(Value::as_str) == Some("run_finished") => {
            if event.get("reason").and_then(Value::as_str) != Some("completed") {
                errors.push(format!("the run did not complete: {event}"));
            }
        }
        _ => errors.push(format!("the last event is not run_finished: {last:?}")),
    }
    let text: String = deltas.iter().map(|d| d.text.as_str()).collect();
    let (tokens, token_error) = parse_tokens(&deltas);
    errors.extend(token_error);
    Received { events, deltas, tokens, text, errors }
}

/// The tokens in the deltas' text, which must be exactly `" w<seq>:<ns>"` repeated. A token
/// split across deltas gets the receipt time of the delta that completed it.
fn parse_tokens(deltas: &[Delta]) -> (Vec<Token>, Option<String>) {
    // Receipt time of each byte of the concatenated text, by the delta it came in.
    let mut text = Vec::new();
    let mut ends = Vec::with_capacity(deltas.len());
    for delta in deltas {
        text.extend_from_slice(delta.text.as_bytes());
        ends.push((text.len(), delta.recv_ns));
    }
    let recv_at = |end: usize| ends[ends.partition_point(|&(e, _)| e < end)].1;
    let mut tokens = Vec::new();
    let mut pos = 0;
    while pos < text.len() {
        let Some((seq, send_ns, next)) = one_token(&text, pos) else {
            return (tokens, Some(format!("received text is not an exact concatenation of ' w<seq>:<ns>' tokens (at byte {pos})")));
        };
        tokens.push(Token { seq, send_ns, recv_ns: recv_at(next) });
        pos = next;
    }
    (tokens, None)
}

/// `" w<digits>:<digits>"` at `pos`: (seq, ns, the position after it).
fn one_token(text: &[u8], pos: usize) -> Option<(u64, u64, usize)> {
    let rest = text.get(pos..)?.strip_prefix(b" w")?;
    let (seq, used_seq) = digits(rest)?;
    let rest = rest[used_seq..].strip_prefix(b":")?;
    let (ns, used_ns) = digits(rest)?;
    Some((seq, ns, pos + 2 + used_seq + 1 + used_ns))
}

fn digits(bytes: &[u8]) -> Option<(u64, usize)> {
    let len = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    let value = std::str::from_utf8(&bytes[..len]).ok()?.parse().ok()?;
    Some((value, len))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delta(recv_ns: u64, text: &str) -> Delta {
        Delta { recv_ns, text: text.into() }
    }

    #[test]
    fn tokens_take_the_time_of_the_delta_that_completes_them() {
        let (tokens, error) = parse_tokens(&[delta(10, " w0:5 w1:"), delta(20, "7")]);
        assert_eq!(error, None);
        assert_eq!(
            tokens,
            vec![
                Token { seq: 0, send_ns: 5, recv_ns: 10 },
                Token { seq: 1, send_ns: 7, recv_ns: 20 }
            ]
        );
    }

    #[test]
    fn other_text_is_an_error() {
        assert!(parse_tokens(&[delta(1, " w0:5x")]).1.is_some());
        assert!(parse_tokens(&[delta(1, "w0:5")]).1.is_some());
        assert!(parse_tokens(&[delta(1, " w:5")]).1.is_some());
    }
}
