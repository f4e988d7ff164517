//! Writes the TypeScript bindings the UI imports: `cargo run -p telltale-protocol --bin gen-ts`.

use telltale_protocol::typescript::{bindings, PROTOCOL_TS};

fn main() -> std::io::Result<()> {
    PROTOCOL_TS.write(&bindings())
}
