//! Bench inputs: the shared wire recordings replicated to about 1 MB (each copy one step, as a
//! server would stream one answer after another), and synthetic streams of many small tokens.

use std::path::PathBuf;

use telltale_agent::sse::SseParser;

/// About how many bytes each input has.
pub const TARGET_BYTES: usize = 1_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    OpenAi,
    Anthropic,
}

#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("cannot read the fixture {path}: {source} (the repository's fixtures/wire, or TELLTALE_FIXTURES)")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("the fixture {0} does not end with a blank line, so copies of it would run together")]
    Unterminated(String),
}

/// One stream, as the bytes a server sends.
pub struct Input {
    pub name: String,
    pub format: Format,
    pub bytes: Vec<u8>,
    /// The stream is this many steps in a row, each with `events_per_step` events.
    pub steps: usize,
    pub events_per_step: usize,
}

impl Input {
    fn new(name: &str, format: Format, one_step: &[u8], steps: usize) -> Self {
        let events_per_step = SseParser::new().feed(one_step).len();
        Input {
            name: name.to_owned(),
            format,
            bytes: one_step.repeat(steps),
            steps,
            events_per_step,
        }
    }

    pub fn events(&self) -> usize {
        self.steps * self.events_per_step
    }

    /// Each step's body split where a streaming server flushes: after each event (blank line).
    pub fn step_chunks(&self) -> Vec<Vec<&[u8]>> {
        let step_len = self.bytes.len() / self.steps.max(1);
        self.bytes.chunks(step_len.max(1)).map(event_chunks).collect()
    }

    /// The whole body split after each event.
    pub fn event_chunks(&self) -> Vec<&[u8]> {
        self.step_chunks().concat()
    }

    /// The body split into `size`-byte reads.
    pub fn fixed_chunks(&self, size: usize) -> Vec<&[u8]> {
        self.bytes.chunks(size).collect()
    }
}

/// `bytes` split after each `\n\n`.
fn event_chunks(bytes: &[u8]) -> Vec<&[u8]> {
    let mut chunks = Vec::new();
    let mut start = 0;
    for (i, pair) in bytes.windows(2).enumerate() {
        if pair == b"\n\n" {
            chunks.push(&bytes[start..i + 2]);
            start = i + 2;
        }
    }
    if start < bytes.len() {
        chunks.push(&bytes[start..]);
    }
    chunks
}

/// Where the wire fixtures are: `TELLTALE_FIXTURES`, else the repository's `fixtures/wire` (as
/// the tests find them).
pub fn fixtures_dir() -> PathBuf {
    match std::env::var_os("TELLTALE_FIXTURES") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/wire")),
    }
}

/// A recorded fixture repeated until the stream is about [`TARGET_BYTES`] long.
pub fn replicated(file: &str, format: Format) -> Result<Input, InputError> {
    let path = fixtures_dir().join(file);
    let one =
        std::fs::read(&path).map_err(|source| InputError::Read { path: path.clone(), source })?;
    if !one.ends_with(b"\n\n") {
        return Err(InputError::Unterminated(file.to_owned()));
    }
    let name = file.trim_end_matches(".sse");
    Ok(Input::new(name, format, &one, TARGET_BYTES.div_ceil(one.len())))
}

/// Small tokens as JSON string contents (already escaped): words, punctuation, accented and CJK
/// text, emoji, escaped line breaks and quotes, as a model writing prose and code streams them.
const TOKENS: [&str; 16] = [
    " the",
    " model",
    "ing",
    ",",
    " a",
    " caf\u{e9}",
    "\u{4e16}\u{754c}",
    " \u{1F44B}",
    "\\n",
    " `x`",
    " =",
    " 42",
    "\\\"",
    " stream",
    ".",
    "\\n\\n",
];

/// One OpenAI-format step of many small tokens, the chunk shape of OpenAI and llama.cpp servers.
pub fn synthetic_openai() -> Input {
    let mut body = String::with_capacity(TARGET_BYTES + 1024);
    let chunk = |delta: &str, finish: &str| {
        format!(
            "data: {{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1,\
             \"model\":\"bench-model\",\"choices\":[{{\"index\":0,\"delta\":{delta},\"finish_reason\":{finish}}}]}}\n\n"
        )
    };
    body.push_str(&chunk(r#"{"role":"assistant","content":""}"#, "null"));
    for token in TOKENS.iter().cycle() {
        if body.len() >= TARGET_BYTES {
            break;
        }
        body.push_str(&chunk(&format!("{{\"content\":\"{token}\"}}"), "null"));
    }
    body.push_str(&chunk("{}", "\"stop\""));
    body.push_str(
        "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"bench-model\",\
         \"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":9000,\"total_tokens\":9010}}\n\n",
    );
    body.push_str("data: [DONE]\n\n");
    Input::new("synthetic_openai_small_tokens", Format::OpenAi, body.as_bytes(), 1)
}

/// One Anthropic-format step of many small `text_delta`s.
pub fn synthetic_anthropic() -> Input {
    let mut body = String::with_capacity(TARGET_BYTES + 1024);
    body.push_str(
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_bench\",\"type\":\"message\",\
         \"role\":\"assistant\",\"content\":[],\"model\":\"bench-model\",\"stop_reason\":null,\"stop_sequence\":null,\
         \"usage\":{\"input_tokens\":10,\"output_tokens\":1}}}\n\n\
         event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
    );
    for token in TOKENS.iter().cycle() {
        if body.len() >= TARGET_BYTES {
            break;
        }
        body.push_str(&format!(
            "event: content_block_delta\ndata: {{\"type\":\"content_block_delta\",\"index\":0,\
             \"delta\":{{\"type\":\"text_delta\",\"text\":\"{token}\"}}}}\n\n"
        ));
    }
    body.push_str(
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n\
         event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\
         \"usage\":{\"output_tokens\":9000}}\n\n\
         event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
    );
    Input::new("synthetic_anthropic_small_tokens", Format::Anthropic, body.as_bytes(), 1)
}
