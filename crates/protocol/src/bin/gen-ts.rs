//! Writes the TypeScript bindings the UI imports: `cargo run -p telltale-protocol --bin gen-ts`.

use std::path::Path;

fn main() -> std::io::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let path = root.join(telltale_protocol::typescript::BINDINGS_PATH);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&path, telltale_protocol::typescript::bindings())?;
    println!("wrote {}", path.display());
    Ok(())
}
