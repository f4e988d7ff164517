//! Writes the IPC's TypeScript bindings: `cargo run -p telltale-ipc --bin gen-ipc-ts`.

use telltale_ipc::typescript::{bindings, IPC_TS};

fn main() -> std::io::Result<()> {
    IPC_TS.write(&bindings())
}
