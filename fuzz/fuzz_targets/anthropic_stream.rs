//! The Anthropic Messages stream decoder under libFuzzer (see support/decode.rs for what is checked).
#![no_main]

#[path = "support/decode.rs"]
mod decode;

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use telltale_agent::providers::AnthropicProvider;

fn provider() -> &'static AnthropicProvider {
    static PROVIDER: OnceLock<AnthropicProvider> = OnceLock::new();
    PROVIDER.get_or_init(|| AnthropicProvider::new("http://127.0.0.1:9", "m", None).expect("a valid provider"))
}

fuzz_target!(|data: &[u8]| decode::check(provider(), data));
