//! Generates `ui/src/generated/protocol.ts` from the Rust types.

use crate::{ErrorCode, Event, EventKind, FinishReason, StatusIcon, Usage};
use ts_rs::{Config, TS};

/// Where the generated file lives, relative to the repository root.
pub const BINDINGS_PATH: &str = "ui/src/generated/protocol.ts";

/// The whole TypeScript module, as it must be committed.
pub fn bindings() -> String {
    let cfg = Config::new();
    let decls = [
        Event::decl(&cfg),
        EventKind::decl(&cfg),
        StatusIcon::decl(&cfg),
        FinishReason::decl(&cfg),
        ErrorCode::decl(&cfg),
        Usage::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from crates/protocol by `cargo run -p telltale-protocol --bin gen-ts`.\n\
         // Do not edit by hand: change the Rust types and regenerate.\n\n",
    );
    out.push_str(&format!("export const PROTOCOL_VERSION = {};\n\n", crate::PROTOCOL_VERSION));
    for decl in decls {
        out.push_str("export ");
        out.push_str(&decl);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn committed_typescript_bindings_are_fresh() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let path = root.join(BINDINGS_PATH);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == bindings(),
            "{BINDINGS_PATH} is stale: the Rust event types changed. \
             Regenerate it with `cargo run -p telltale-protocol --bin gen-ts` and commit the result."
        );
    }
}
