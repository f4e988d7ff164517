//! The OpenAI-compatible stream decoder under libFuzzer (see support/decode.rs for what is checked).
#![no_main]

#[path = "support/decode.rs"]
mod decode;

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use telltale_agent::providers::OpenAiProvider;

fn provider() -> &'static OpenAiProvider {
    static PROVIDER: OnceLock<OpenAiProvider> = OnceLock::new();
    PROVIDER.get_or_init(|| OpenAiProvider::new("http://127.0.0.1:9/v1", "m", None).expect("a valid provider"))
}

fuzz_target!(|data: &[u8]| decode::check(provider(), data));
