//! Server-Sent Events, parsed exactly as HTML § 9.2.6 "Interpreting an event stream" says,
//! incrementally over byte chunks of any size (one byte at a time included).
//!
//! - UTF-8 is decoded across chunk boundaries: a character split between chunks is joined, not
//!   replaced by U+FFFD (invalid bytes are, as the spec's "UTF-8 decode" does).
//! - One leading BOM is stripped.
//! - A line ends at CRLF, LF or a lone CR, also when the CR and the LF come in different chunks.
//! - Comments (`:`…) and unknown fields are ignored; `data` lines are joined with `\n`; `id`
//!   persists across events (an empty `id` resets it, one containing NUL is ignored); `retry`
//!   applies only when it is all ASCII digits.
//! - An event whose data buffer is empty is not dispatched, and an event not terminated by a
//!   blank line when the stream ends is discarded.

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event:` type, `"message"` when none (or an empty one) was given.
    pub event: String,
    /// The `data:` lines joined with `\n`.
    pub data: String,
    /// The last event id in force when the event was dispatched (`""` when none).
    pub id: String,
}

/// What was still buffered when the stream ended (and so was discarded, as the spec says).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SseLeftover {
    /// An unterminated last line.
    pub partial_line: String,
    /// Data of an event that no blank line terminated.
    pub data: String,
    /// The type of that event.
    pub event_type: String,
}

impl SseLeftover {
    pub fn is_empty(&self) -> bool {
        self.partial_line.is_empty() && self.data.is_empty() && self.event_type.is_empty()
    }
}

/// Longest line, and largest event's data, a stream may send: a server that never sends a line
/// end (or one endless event) would otherwise grow memory without bound.
pub const MAX_EVENT_BYTES: usize = 1024 * 1024;

/// An incremental event-stream parser: [`feed`](Self::feed) it chunks as they arrive, then
/// [`finish`](Self::finish) it at the end of the stream.
#[derive(Debug, Default)]
pub struct SseParser {
    /// Bytes of a UTF-8 sequence that the next chunk completes.
    utf8_tail: Vec<u8>,
    /// Whether the first character of the stream was seen (and a BOM there stripped).
    started: bool,
    /// The line read so far.
    line: String,
    /// The previous character ended a line with CR: an LF right after it belongs to that end.
    after_cr: bool,
    data: String,
    event_type: String,
    last_event_id: String,
    retry_ms: Option<u64>,
    /// A line or an event went past [`MAX_EVENT_BYTES`]: nothing more is parsed.
    oversized: bool,
}

impl SseParser {
    pub fn new() -> Self {
        Self::default()
    }

    /// The reconnection time set by the last valid `retry:` field, if any.
    pub fn retry_ms(&self) -> Option<u64> {
        self.retry_ms
    }

    /// Whether a line or an event went past [`MAX_EVENT_BYTES`] (the stream is then broken:
    /// nothing after it is parsed).
    pub fn oversized(&self) -> bool {
        self.oversized
    }

    /// The last event id in force.
    pub fn last_event_id(&self) -> &str {
        &self.last_event_id
    }

    /// Parses `chunk` and returns the events it completed.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<SseEvent> {
        let mut events = Vec::new();
        self.feed_into(chunk, &mut events);
        events
    }

    /// Parses `chunk` and appends the events it completed to `events`: a reader that keeps one
    /// vector for the whole stream allocates none per chunk.
    pub fn feed_into(&mut self, chunk: &[u8], events: &mut Vec<SseEvent>) {
        let mut bytes: &[u8] = chunk;
        let joined;
        if !self.utf8_tail.is_empty() {
            let mut buffer = std::mem::take(&mut self.utf8_tail);
            buffer.extend_from_slice(chunk);
            joined = buffer;
            bytes = &joined;
        }
        loop {
            match std::str::from_utf8(bytes) {
                Ok(text) => {
                    self.push_text(text, events);
                    break;
                }
                Err(error) => {
                    let (valid, rest) = bytes.split_at(error.valid_up_to());
                    // The first `valid_up_to` bytes are valid UTF-8 by definition.
                    self.push_text(std::str::from_utf8(valid).unwrap_or_default(), events);
                    match error.error_len() {
                        // An incomplete sequence at the end: the next chunk may complete it.
                        None => {
                            self.utf8_tail = rest.to_vec();
                            break;
                        }
                        Some(invalid) => {
                            self.push_text("\u{FFFD}", events);
                            bytes = &rest[invalid..];
                        }
                    }
                }
            }
        }
    }

    /// Ends the stream. Whatever was not terminated by a blank line is discarded (and returned,
    /// so a caller can tell a cut-off stream from a complete one).
    pub fn finish(&mut self) -> SseLeftover {
        let mut partial_line = std::mem::take(&mut self.line);
        if !self.utf8_tail.is_empty() {
            self.utf8_tail.clear();
            partial_line.push('\u{FFFD}');
        }
        self.after_cr = false;
        SseLeftover {
            partial_line,
            data: std::mem::take(&mut self.data),
            event_type: std::mem::take(&mut self.event_type),
        }
    }

    fn push_text(&mut self, mut text: &str, events: &mut Vec<SseEvent>) {
        if !self.started && !text.is_empty() {
            self.started = true;
            text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        }
        while !text.is_empty() && !self.oversized {
            if self.after_cr {
                self.after_cr = false;
                if let Some(rest) = text.strip_prefix('\n') {
                    text = rest;
                    continue;
                }
            }
            match text.find(['\r', '\n']) {
                None => {
                    if self.line.len() + text.len() > MAX_EVENT_BYTES {
                        self.overflow();
                        return;
                    }
                    self.line.push_str(text);
                    return;
                }
                Some(end) if self.line.len() + end > MAX_EVENT_BYTES => {
                    // The same limit whether the line came in one chunk or many.
                    self.overflow();
                    return;
                }
                Some(end) => {
                    self.after_cr = text.as_bytes()[end] == b'\r';
                    let event = if self.line.is_empty() {
                        // The whole line is in this chunk (the usual case): read it in place.
                        self.process_line(&text[..end])
                    } else {
                        self.line.push_str(&text[..end]);
                        // Borrowed out and put back, so its buffer serves every line of the
                        // stream instead of one allocation per line.
                        let mut line = std::mem::take(&mut self.line);
                        let event = self.process_line(&line);
                        line.clear();
                        self.line = line;
                        event
                    };
                    text = &text[end + 1..];
                    events.extend(event);
                }
            }
        }
    }

    /// Gives up on the stream: what is buffered is dropped and nothing more is parsed.
    fn overflow(&mut self) {
        self.oversized = true;
        self.line = String::new();
        self.data = String::new();
    }

    fn process_line(&mut self, line: &str) -> Option<SseEvent> {
        if line.is_empty() {
            return self.dispatch();
        }
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "event" => value.clone_into(&mut self.event_type),
            "data" if self.data.len() + value.len() >= MAX_EVENT_BYTES => self.overflow(),
            "data" => {
                // Room for the line end too: pushing it would otherwise grow the buffer again.
                self.data.reserve(value.len() + 1);
                self.data.push_str(value);
                self.data.push('\n');
            }
            "id" if !value.contains('\0') => value.clone_into(&mut self.last_event_id),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                // All digits, so parsing fails only on overflow: then keep the longest wait.
                self.retry_ms = Some(value.parse().unwrap_or(u64::MAX));
            }
            _ => {}
        }
        None
    }

    fn dispatch(&mut self) -> Option<SseEvent> {
        let event_type = std::mem::take(&mut self.event_type);
        if self.data.is_empty() {
            return None;
        }
        let mut data = std::mem::take(&mut self.data);
        if data.ends_with('\n') {
            data.pop();
        }
        let event = if event_type.is_empty() { "message".to_owned() } else { event_type };
        Some(SseEvent { event, data, id: self.last_event_id.clone() })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_endless_line_or_event_stops_the_parser_instead_of_growing_memory() {
        let mut parser = SseParser::new();
        let events = parser.feed(b"data: before\n\n");
        assert_eq!(events.len(), 1);
        let chunk = vec![b'x'; 64 * 1024];
        for _ in 0..(MAX_EVENT_BYTES / chunk.len()) {
            assert!(parser.feed(&chunk).is_empty());
        }
        assert!(!parser.oversized());
        assert!(parser.feed(&chunk).is_empty());
        assert!(parser.oversized() && parser.line.capacity() == 0);
        assert!(parser.feed(b"\ndata: after\n\n").is_empty(), "nothing more is parsed");

        let mut parser = SseParser::new();
        let line = format!("data: {}\n", "y".repeat(64 * 1024));
        for _ in 0..16 {
            parser.feed(line.as_bytes());
        }
        assert!(parser.oversized(), "an event of many lines is limited too");

        let mut parser = SseParser::new();
        let whole = format!("data: {}\n\n", "z".repeat(MAX_EVENT_BYTES));
        assert!(parser.feed(whole.as_bytes()).is_empty());
        assert!(parser.oversized(), "a long line in one chunk is limited the same way");
    }

    use super::*;

    fn all_ways(input: &[u8]) -> Vec<SseEvent> {
        let mut whole = SseParser::new();
        let expected = whole.feed(input);
        let mut bytewise = SseParser::new();
        let got: Vec<SseEvent> =
            input.iter().flat_map(|b| bytewise.feed(std::slice::from_ref(b))).collect();
        assert_eq!(got, expected, "one byte at a time differs from whole");
        expected
    }

    fn ev(event: &str, data: &str, id: &str) -> SseEvent {
        SseEvent { event: event.into(), data: data.into(), id: id.into() }
    }

    #[test]
    fn bytes_become_text_as_the_spec_says() {
        let cases: [(&[u8], &str, &str); 3] = [
            ("data: é👋🏽世\n\n".as_bytes(), "é👋🏽世", "split multibyte characters are joined"),
            (b"data: a\xffb\n\n", "a\u{FFFD}b", "invalid UTF-8 becomes replacement characters"),
            (
                "\u{FEFF}data: x\n\n\u{FEFF}data: y\n\n".as_bytes(),
                "x",
                // The second BOM is not at the start, so it makes an unknown field name.
                "only one BOM is stripped",
            ),
        ];
        for (input, data, what) in cases {
            assert_eq!(all_ways(input), vec![ev("message", data, "")], "{what}");
        }
    }

    #[test]
    fn cr_lf_and_crlf_end_lines_and_crlf_is_one_end() {
        let events = all_ways(b"data: a\r\n\r\ndata: b\r\rdata: c\n\ndata: d\r\n\r");
        assert_eq!(
            events,
            vec![
                ev("message", "a", ""),
                ev("message", "b", ""),
                ev("message", "c", ""),
                ev("message", "d", "")
            ]
        );
    }

    #[test]
    fn a_cr_lf_split_across_chunks_is_one_line_end() {
        let mut parser = SseParser::new();
        assert!(parser.feed(b"data: a\r").is_empty());
        // Were the LF a second line end, it would dispatch here.
        assert!(parser.feed(b"\n").is_empty());
        assert_eq!(parser.feed(b"\r"), vec![ev("message", "a", "")]);
    }

    #[test]
    fn fields_comments_and_dispatch_rules() {
        let input = b": comment\nevent: ping\ndata\ndata:  two\nid: 7\nretry: 12x\nretry: 250\nfoo: bar\n\n\
                      event: x\n\nid: bad\0id\ndata: y\n\nid\ndata: z\n\ndata: unterminated\n";
        let mut parser = SseParser::new();
        let events = parser.feed(input);
        assert_eq!(
            events,
            vec![ev("ping", "\n two", "7"), ev("message", "y", "7"), ev("message", "z", "")]
        );
        assert_eq!(parser.retry_ms(), Some(250));
        let leftover = parser.finish();
        assert_eq!(leftover.data, "unterminated\n");
        assert!(parser.feed(b"\n").is_empty(), "the discarded event does not come back");
    }

    #[test]
    fn an_unterminated_last_line_is_discarded() {
        let mut parser = SseParser::new();
        assert!(parser.feed(b"data: [DONE]").is_empty());
        assert_eq!(parser.finish().partial_line, "data: [DONE]");
    }
}
