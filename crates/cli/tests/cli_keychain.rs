//! `telltale run` with its keys in a real keychain: GNOME Keyring's Secret Service on a private
//! D-Bus session bus, as on a Linux desktop. The key the window saved there reaches the provider
//! it was saved for (the first read of a key is also what finds the keychain: no probe before
//! it), and a stored key that a workspace file holds is redacted from the tool's output although
//! the keys are read while the request is under way.
//!
//! Needs `dbus-daemon`, `gnome-keyring-daemon` and `secret-tool` (packages dbus-daemon,
//! gnome-keyring, libsecret-tools: `scripts/setup.sh --test` installs them). Without them the
//! tests say so and pass, unless `TELLTALE_REQUIRE_KEYCHAIN` is set (scripts/test.sh sets it).

mod support;

#[path = "../../agent/tests/support/server.rs"]
mod server;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use server::{Reply, TestServer};
use support::{data_folder_with_default_provider, events, output, run_with_saved_settings};
use telltale_protocol::EventKind;

/// The keychain service the app stores keys under (`crates/config/src/keys.rs`).
const SERVICE: &str = "app.telltale.desktop";

/// A session bus with an unlocked GNOME Keyring on it, in a home of its own.
struct Keychain {
    bus: Child,
    address: String,
    home: tempfile::TempDir,
}

impl Keychain {
    fn start() -> Option<Keychain> {
        for tool in ["dbus-daemon", "dbus-send", "gnome-keyring-daemon", "secret-tool"] {
            let found = Command::new("sh")
                .args(["-c", &format!("command -v {tool}")])
                .stdout(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if !found {
                if std::env::var_os("TELLTALE_REQUIRE_KEYCHAIN").is_some() {
                    panic!("{tool} is missing (scripts/setup.sh --test installs it)");
                }
                eprintln!("skipped: {tool} is missing (scripts/setup.sh --test installs it)");
                return None;
            }
        }
        let home = tempfile::tempdir().unwrap();
        std::fs::create_dir(home.path().join("run")).unwrap();
        // The bus's socket in that home too, so that it goes with it (the session's default
        // address would leave a socket file in /tmp behind each test).
        let listen = format!("--address=unix:dir={}", home.path().join("run").display());
        let mut bus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--nopidfile", "--print-address=1", &listen])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut address = String::new();
        BufReader::new(bus.stdout.take().unwrap()).read_line(&mut address).unwrap();
        let keychain = Keychain { bus, address: address.trim().to_owned(), home };
        assert!(!keychain.address.is_empty(), "dbus-daemon printed no address");

        // A new login keyring, unlocked with a throwaway password read from stdin; the daemon
        // forks and leaves with the bus.
        let mut daemon = keychain
            .command("gnome-keyring-daemon")
            .args(["--unlock", "--components=secrets"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        daemon.stdin.take().unwrap().write_all(b"throwaway").unwrap();
        assert!(daemon.wait().unwrap().success(), "gnome-keyring-daemon did not start");
        let deadline = Instant::now() + Duration::from_secs(20);
        while !keychain.serves_secrets() {
            assert!(Instant::now() < deadline, "no Secret Service on the bus after 20 s");
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(keychain)
    }

    /// `program` in this keychain's session: its bus, its home.
    fn command(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        self.enter(&mut command);
        command
    }

    fn enter(&self, command: &mut Command) {
        command
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .env("HOME", self.home.path())
            .env("XDG_DATA_HOME", self.home.path().join("data"))
            .env("XDG_RUNTIME_DIR", self.home.path().join("run"))
            .env_remove("TELLTALE_KEY_STORE");
    }

    fn serves_secrets(&self) -> bool {
        let reply = self
            .command("dbus-send")
            .args(["--session", "--print-reply", "--dest=org.freedesktop.DBus"])
            .args(["/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner"])
            .arg("string:org.freedesktop.secrets")
            .output()
            .unwrap();
        String::from_utf8_lossy(&reply.stdout).contains("boolean true")
    }

    /// Stores `key` for `provider` as the app does (keyring's attributes; the record with the
    /// origin the key goes to).
    fn store(&self, provider: &str, key: &str, origin: &str) {
        let mut tool = self
            .command("secret-tool")
            .args(["store", "--label", provider, "service", SERVICE, "username", provider])
            .args(["target", "default", "application", "rust-keyring"])
            .stdin(Stdio::piped())
            .spawn()
            .unwrap();
        let record = json!({ "key": key, "origin": origin }).to_string();
        tool.stdin.take().unwrap().write_all(record.as_bytes()).unwrap();
        assert!(tool.wait().unwrap().success(), "secret-tool could not store the key");
    }
}

impl Drop for Keychain {
    fn drop(&mut self) {
        // gnome-keyring-daemon leaves when its bus goes.
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}

/// `http://127.0.0.1:PORT` of `server`.
fn origin(server: &TestServer) -> String {
    let url = server.base_url();
    let rest = url.trim_start_matches("http://");
    format!("http://{}", rest.split('/').next().unwrap())
}

fn no_key_file(dir: &Path) -> bool {
    !PathBuf::from(dir).join("api-keys.json").exists()
}

#[tokio::test]
async fn the_key_saved_in_the_keychain_goes_to_its_provider() {
    let Some(keychain) = Keychain::start() else { return };
    let server = TestServer::always(Reply::openai_text("From the keychain.")).await;
    let key = "sk-keychain-7f3a9c21d4e8";
    keychain.store("openai", key, &origin(&server));
    let dir = data_folder_with_default_provider(
        json!({"id": "openai", "base_url": server.base_url(), "model": "m"}),
    );

    let mut command = run_with_saved_settings(dir.path(), &[], "hi");
    keychain.enter(&mut command);
    let out = output(command).await;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].header("authorization"), Some(format!("Bearer {key}").as_str()));
    assert!(no_key_file(dir.path()), "the key went to the file, not the keychain");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("From the keychain.") && !stdout.contains(key), "{stdout}");
    assert!(!String::from_utf8_lossy(&out.stderr).contains(key));
}

#[tokio::test]
async fn a_keychain_key_in_a_workspace_file_is_redacted_from_the_tool_output() {
    let Some(keychain) = Keychain::start() else { return };
    let stored = "gsk-keychain-groq-5b8e2d";
    keychain.store("groq", stored, "https://api.groq.com");
    let workspace = tempfile::tempdir().unwrap();
    std::fs::write(workspace.path().join(".env"), format!("GROQ={stored}\nREGION=eu\n")).unwrap();
    let server = TestServer::start(move |n, _| match n {
        0 => Reply::openai_tool_call("call_1", "read_file", &json!({"path": ".env"})),
        _ => Reply::openai_text("Done."),
    })
    .await;
    let dir = tempfile::tempdir().unwrap();

    let (base_url, folder) = (server.base_url(), workspace.path().display().to_string());
    let mut command = run_with_saved_settings(
        dir.path(),
        &["--provider", "openai", "--model", "m", "--base-url", &base_url, "--workspace", &folder],
        "read it",
    );
    command.stdin(Stdio::null());
    keychain.enter(&mut command);
    let out = output(command).await;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let result = events(&out).into_iter().find_map(|e| match e.kind {
        EventKind::ToolResult { ok, output, .. } => Some((ok, output)),
        _ => None,
    });
    assert_eq!(result, Some((true, "GROQ=[redacted]\nREGION=eu\n".to_owned())));
    let next = server.requests()[1].json().to_string();
    assert!(next.contains("REGION=eu") && !next.contains(stored), "{next}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(stored));
}
