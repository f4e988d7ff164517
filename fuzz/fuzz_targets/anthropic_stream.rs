//! The Anthropic Messages stream decoder under libFuzzer (see support/decode.rs for what is checked).
#![no_main]

#[path = "support/decode.rs"]
#[macro_use]
mod decode;

use telltale_agent::providers::AnthropicProvider;

decoder_target!(AnthropicProvider, AnthropicProvider::new("http://127.0.0.1:9", "m", None));
