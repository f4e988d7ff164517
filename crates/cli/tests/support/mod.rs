//! What the CLI's tests share: the `telltale` binary as a command, run off the test's thread,
//! and its `--json` output read back as protocol events.
#![allow(dead_code)]

use std::process::{Command, Output};

use telltale_protocol::Event;

/// The CLI with its history in a throwaway folder under the target directory, one per checkout
/// (worktrees that share a target directory may be at different history schemas).
pub fn telltale_command() -> Command {
    use std::hash::{Hash, Hasher};
    let mut checkout = std::collections::hash_map::DefaultHasher::new();
    env!("CARGO_MANIFEST_DIR").hash(&mut checkout);
    let folder = format!("cli-tests-history-{:016x}", checkout.finish());
    let mut command = Command::new(env!("CARGO_BIN_EXE_telltale"));
    command
        .env("TELLTALE_DATA_DIR", std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(folder));
    command
}

/// Runs `command` to its end on a blocking thread (the test's own runtime serves the fake server).
pub async fn output(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("join")
        .expect("telltale runs")
}

/// The protocol events `--json` printed, one a line.
pub fn events(out: &Output) -> Vec<Event> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| {
            serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("not a protocol event: {line}: {e}"))
        })
        .collect()
}
