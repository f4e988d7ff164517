//! The OpenAI-compatible stream decoder under libFuzzer (see support/decode.rs for what is checked).
#![no_main]

#[path = "support/decode.rs"]
#[macro_use]
mod decode;

use telltale_agent::providers::OpenAiProvider;

decoder_target!(OpenAiProvider, OpenAiProvider::new("http://127.0.0.1:9/v1", "m", None));
