//! Tests of `service`.

use std::sync::{Arc, Mutex};

use serde_json::Value;

use super::*;
use crate::keys::tests::{temp_dir, TestDir};
use crate::validate::InvalidSettings;

const KEY: &str = "sk-live-SECRET-abcdefghijklmnop-a1b2";

#[derive(Default)]
struct Memory(Mutex<Option<Value>>);

impl Storage for Arc<Memory> {
    fn load(&self) -> Option<Value> {
        self.0.lock().unwrap().clone()
    }
    fn save(&self, value: Value) -> Result<(), String> {
        *self.0.lock().unwrap() = Some(value);
        Ok(())
    }
}

fn service(dir: &std::path::Path, memory: &Arc<Memory>) -> SettingsService {
    SettingsService::new(Box::new(memory.clone()), KeyStore::file_only(dir), Box::new(|_| None))
}

fn slot(keys: &std::path::Path) -> AgentSlot {
    let (agent, label) = apply::build_agent(
        &Settings::default(),
        &Arc::new(KeyStore::file_only(keys)),
        &|_| None,
        &[],
        None,
    );
    AgentSlot::new(agent, label)
}

/// A service with its own key folder and its settings stored in memory, and the agent slot
/// it drives.
struct Fixture {
    dir: TestDir,
    memory: Arc<Memory>,
    slot: AgentSlot,
    svc: SettingsService,
}

fn fixture(name: &str) -> Fixture {
    let dir = temp_dir(name);
    let memory = Arc::new(Memory::default());
    let svc = service(&dir, &memory);
    Fixture { slot: slot(&dir.join("unused")), dir, memory, svc }
}

/// `settings` with OpenAI's gpt-4o-mini as the default.
fn openai_default(mut settings: Settings) -> Settings {
    settings.default_provider = "openai".into();
    settings.providers[1].model = "gpt-4o-mini".into();
    settings
}

fn assert_no_key(what: &str, value: &impl Serialize) {
    let json = serde_json::to_string(value).unwrap();
    assert!(!json.contains(KEY), "{what} contains the key: {json}");
    assert!(!json.contains("SECRET"), "{what} contains part of the key: {json}");
}

#[test]
fn settings_round_trip_through_the_storage_and_swap_the_agent() {
    let Fixture { dir, memory, slot, svc } = fixture("svc-roundtrip");
    assert_eq!(slot.provider().id(), "offline");
    let mut s = svc.view(&slot).settings;
    s.default_provider = "ollama".into();
    s.providers.iter_mut().find(|p| p.id == "ollama").unwrap().model = "llama3.2".into();
    s.tools.insert("clock".into(), false);
    s.keepalive_ms = 3000;
    let view = svc.save(s.clone(), &slot).unwrap();
    assert_eq!(view.settings, s);
    // The next launch reads the same settings.
    assert_eq!(service(&dir, &memory).settings(), s);
    // Later runs use the new provider.
    assert_eq!((slot.provider().id(), slot.provider().model()), ("openai", "llama3.2"));
    assert!(slot.label().contains("llama3.2"), "{}", slot.label());
}

#[test]
fn invalid_settings_are_refused_and_nothing_changes() {
    let Fixture { dir: _dir, memory, slot, svc, .. } = fixture("svc-invalid");
    let mut s = svc.settings();
    s.providers[1].base_url = "ftp://nope".into();
    let error = svc.save(s, &slot).unwrap_err();
    assert_eq!(error.provider_id(), Some("openai"));
    assert!(error.to_string().contains("must start with http"), "{error}");
    assert!(memory.load().is_none());
    assert_eq!(svc.settings(), Settings::default());
}

#[test]
fn a_remote_provider_without_a_key_falls_back_to_the_offline_demo_and_says_why() {
    let Fixture { dir: _dir, slot, svc, .. } = fixture("svc-nokey");
    svc.save(openai_default(svc.settings()), &slot).unwrap();
    assert_eq!(slot.provider().id(), "offline");
    assert!(slot.label().contains("no API key for OpenAI"), "{}", slot.label());
    svc.set_api_key("openai", KEY, None, &slot).unwrap();
    assert_eq!((slot.provider().id(), slot.provider().model()), ("openai", "gpt-4o-mini"));
    svc.clear_api_key("openai", &slot).unwrap();
    assert_eq!(slot.provider().id(), "offline");
}

#[test]
fn the_environment_still_chooses_the_provider() {
    let Fixture { dir, memory, slot, .. } = fixture("svc-env");
    let svc = SettingsService::new(
        Box::new(memory.clone()),
        KeyStore::file_only(&dir),
        Box::new(|name| match name {
            "TELLTALE_PROVIDER" => Some("openai".into()),
            "TELLTALE_MODEL" => Some("from-env".into()),
            "TELLTALE_BASE_URL" => Some("http://127.0.0.1:9/v1".into()),
            _ => None,
        }),
    );
    svc.apply(&slot);
    assert_eq!(slot.provider().model(), "from-env");
    assert!(svc.view(&slot).env_override.unwrap().contains("TELLTALE_PROVIDER=openai"));
}

#[tokio::test]
async fn no_command_response_contains_the_key() {
    let Fixture { dir: _dir, memory, slot, svc, .. } = fixture("svc-leak");
    let mut s = openai_default(svc.settings());
    // Nothing listens here: requests fail fast with a typed error.
    s.providers[1].base_url = "http://127.0.0.1:9/v1".into();
    assert_no_key("save_settings", &svc.save(s, &slot).unwrap());

    let view = svc.set_api_key("openai", KEY, None, &slot).unwrap();
    assert_no_key("set_api_key", &view);
    assert_eq!(view.keys["openai"].as_deref(), Some("sk-…a1b2"));
    assert_eq!(view.keys["groq"], None);
    assert_eq!(view.key_storage, KeyStorage::File);
    assert!(view.key_file.as_deref().unwrap().ends_with("api-keys.json"));
    assert_no_key("get_settings", &svc.view(&slot));
    assert_no_key("settings storage", &memory.load());
    assert_no_key("app_info label", &slot.label());

    let result = svc.test_connection("openai", None, None).await;
    assert!(!result.ok);
    assert_eq!(result.code, Some(ErrorCode::Network), "{result:?}");
    assert_no_key("test_connection", &result);
    assert_no_key("list_models", &svc.list_models("openai", None).await);

    // Errors that involve the key do not quote it either.
    let error = svc.set_api_key("openai", &format!("{KEY} {KEY}"), None, &slot).unwrap_err();
    assert_no_key("set_api_key error", &format!("{error:?} {error}"));
    let error = svc.set_api_key("offline", KEY, None, &slot).unwrap_err();
    assert_no_key("set_api_key error", &format!("{error:?} {error}"));
    assert_no_key("clear_api_key", &svc.clear_api_key("openai", &slot).unwrap());
    assert_eq!(svc.view(&slot).keys["openai"], None);
}

#[tokio::test]
async fn the_offline_demo_passes_the_connection_test() {
    let Fixture { dir: _dir, svc, .. } = fixture("svc-offline");
    let result = svc.test_connection("offline", None, None).await;
    assert!(result.ok, "{result:?}");
    assert_eq!(svc.list_models("offline", None).await, ["offline-demo"]);
    let result = svc.test_connection("openai", None, Some("gpt-4o-mini")).await;
    assert_eq!(result.code, Some(ErrorCode::InvalidRequest), "{result:?}");
    assert!(result.message.contains("no API key for OpenAI"), "{result:?}");
}

#[test]
fn a_key_goes_only_to_the_origin_it_was_entered_for() {
    let Fixture { dir: _dir, svc, .. } = fixture("svc-url");
    svc.keys.set("openai", KEY, "https://api.openai.com").unwrap();
    let settings = svc.settings();
    let at =
        |url: Option<&str>| apply::provider_settings(&settings, &svc.keys, "openai", url, None);
    assert!(at(None).unwrap().api_key.is_some());
    assert!(at(Some("https://api.openai.com/v2/")).unwrap().api_key.is_some());
    // Another origin gets no key: a server on this computer is asked without one, any other
    // is an error saying to enter the key again for it.
    assert!(at(Some("http://127.0.0.1:9/v1")).unwrap().api_key.is_none());
    let error = at(Some("https://elsewhere.example/v1")).unwrap_err();
    assert!(
        error.contains("entered for https://api.openai.com")
            && error.contains("enter it again for https://elsewhere.example"),
        "{error}"
    );
    assert!(!error.contains(KEY), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mcp_servers_are_imported_saved_started_and_always_allow_is_saved() {
    let f = fixture("mcp");
    let svc = f.svc.with_mcp(telltale_mcp::McpManager::new(tokio::runtime::Handle::current()));
    let bad = svc.import_mcp_servers(r#"{"mcpServers": {"a b": {"command": "x"}}}"#, &f.slot);
    assert!(matches!(bad, Err(SettingsCommandError::InvalidRequest(_))), "{bad:?}");
    let pasted = r#"{"mcpServers": {"missing": {"command": "telltale-no-such-program"}}}"#;
    let view = svc.import_mcp_servers(pasted, &f.slot).unwrap();
    assert!(view.settings.mcp_servers.contains_key("missing"));
    let saved = f.memory.0.lock().unwrap().clone().unwrap();
    assert_eq!(saved["mcp_servers"]["missing"]["command"], "telltale-no-such-program");
    // It starts in the background and fails, saying why; the app goes on.
    let mut status = svc.mcp_status();
    for _ in 0..200 {
        if !matches!(status[0].state, telltale_mcp::ServerState::Starting) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        status = svc.mcp_status();
    }
    let telltale_mcp::ServerState::Failed { error } = &status[0].state else {
        panic!("{status:?}")
    };
    assert!(error.contains("cannot run telltale-no-such-program"), "{error}");

    assert!(svc.settings().asks_first("write_file"));
    svc.allow_tool_always("write_file", &f.slot).unwrap();
    assert!(!svc.settings().asks_first("write_file"));
    assert!(svc.allow_tool_always("no_such_tool", &f.slot).is_err());
}

#[test]
fn a_key_goes_over_plain_http_only_to_this_computer() {
    let Fixture { dir: _dir, slot, svc, .. } = fixture("svc-https");
    let with_url = |id: &str, url: &str| {
        let mut s = svc.settings();
        s.providers.iter_mut().find(|p| p.id == id).unwrap().base_url = url.into();
        s
    };
    // OpenAI sends a key: its base URL must be https unless it is this computer.
    let error = svc.save(with_url("openai", "http://proxy.example/v1"), &slot).unwrap_err();
    assert!(matches!(
        error,
        SettingsCommandError::Invalid(InvalidSettings::InsecureBaseUrl { .. })
    ));
    assert_eq!(error.provider_id(), Some("openai"));
    svc.save(with_url("openai", "http://127.0.0.1:9/v1"), &slot).unwrap();
    // A server on the network without a key is fine; storing a key for it is refused, and so
    // is saving plain http for a provider that has one.
    svc.save(with_url("custom", "http://192.168.1.20:8080/v1"), &slot).unwrap();
    let error = svc.set_api_key("custom", KEY, None, &slot).unwrap_err();
    assert_eq!(error.provider_id(), Some("custom"));
    assert_no_key("set_api_key error", &format!("{error:?} {error}"));
    assert_eq!(svc.view(&slot).keys["custom"], None);
    svc.save(with_url("custom", "https://192.168.1.20/v1"), &slot).unwrap();
    svc.set_api_key("custom", KEY, None, &slot).unwrap();
    let error = svc.save(with_url("custom", "http://192.168.1.20:8080/v1"), &slot).unwrap_err();
    assert_eq!(error.provider_id(), Some("custom"));
    // Ollama on this computer keeps working over http, with a key or without.
    svc.set_api_key("ollama", KEY, None, &slot).unwrap();
    svc.save(svc.settings(), &slot).unwrap();
}
