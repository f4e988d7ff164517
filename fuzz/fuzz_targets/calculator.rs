//! The calculator on arbitrary input (a model's arguments, or the user's own prompt in the
//! offline demo): it never panics and never overflows the stack, whatever the nesting; it
//! answers a number or a typed error. Inputs up to 1 MiB (`-max_len`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use telltale_agent::tools::{evaluate_arithmetic as evaluate, format_number};

fuzz_target!(|data: &[u8]| {
    let Ok(expression) = std::str::from_utf8(data) else { return };
    if let Ok(value) = evaluate(expression) {
        let _ = format_number(value);
    }
});
