//! Writes the IPC's TypeScript bindings: `cargo run -p telltale-ipc --bin gen-ipc-ts`.

use telltale_ipc::typescript::{bindings, BINDINGS_PATH};
use telltale_protocol::typescript::write;

fn main() -> std::io::Result<()> {
    write(BINDINGS_PATH, &bindings())
}
