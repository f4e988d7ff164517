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

/// A new data folder whose saved settings, as the app saves them, have `provider` (its JSON, `id`
/// included) as the only provider and the default.
pub fn data_folder_with_default_provider(provider: serde_json::Value) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let settings = serde_json::json!({ "settings": {
        "default_provider": provider["id"],
        "providers": [provider],
    }});
    std::fs::write(dir.path().join("settings.json"), settings.to_string()).expect("settings");
    dir
}

/// `telltale run --json --no-save … PROMPT` with the data folder `dir` and nothing chosen by the
/// environment: no `TELLTALE_*` provider variable and no vendor key, so only what the app saved in
/// `dir` (settings and keys) and the flags in `extra` decide.
pub fn run_with_saved_settings(dir: &std::path::Path, extra: &[&str], prompt: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_telltale"));
    command.env("TELLTALE_DATA_DIR", dir).env("TELLTALE_KEY_STORE", "file");
    for var in ["PROVIDER", "MODEL", "BASE_URL", "API_KEY", "THINKING_BUDGET"] {
        command.env_remove(format!("TELLTALE_{var}"));
    }
    for key in ["OPENAI_API_KEY", "ANTHROPIC_API_KEY"] {
        command.env_remove(key);
    }
    command.args(["run", "--json", "--keepalive-ms", "0", "--no-save"]).args(extra).arg(prompt);
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
