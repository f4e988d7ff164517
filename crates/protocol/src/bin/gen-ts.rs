//! Writes the TypeScript bindings the UI imports: `cargo run -p telltale-protocol --bin gen-ts`.

use telltale_protocol::typescript::{bindings, write, BINDINGS_PATH};

fn main() -> std::io::Result<()> {
    write(BINDINGS_PATH, &bindings())
}
