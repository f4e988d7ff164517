//! `telltale` starts without loading libdbus: the keychain's transport is linked in statically
//! (`crates/cli/Cargo.toml`), so no start pays for mapping Debian's libdbus-1 and the seven
//! libraries it links to (docs/benchmarks.md, Core client, session 24).
#![cfg(target_os = "linux")]

use std::process::Command;

#[test]
fn the_cli_loads_no_libdbus_nor_libsystemd() {
    let out = Command::new("ldd").arg(env!("CARGO_BIN_EXE_telltale")).output().unwrap();
    assert!(out.status.success(), "ldd failed: {}", String::from_utf8_lossy(&out.stderr));
    let libraries = String::from_utf8(out.stdout).unwrap();
    assert!(libraries.contains("libc.so"), "{libraries}");
    for unwanted in ["libdbus-1", "libsystemd"] {
        assert!(!libraries.contains(unwanted), "telltale loads {unwanted}:\n{libraries}");
    }
}
