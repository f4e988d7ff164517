//! Writes the IPC's TypeScript bindings: `cargo run -p telltale-ipc --bin gen-ipc-ts`.

use std::path::Path;

fn main() -> std::io::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let path = root.join(telltale_ipc::typescript::BINDINGS_PATH);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&path, telltale_ipc::typescript::bindings())?;
    println!("wrote {}", path.display());
    Ok(())
}
