//! A stored key goes only to the origin it was entered for, against real servers on 127.0.0.1:
//! saving another base URL for its provider is refused (nothing saved, no request anywhere),
//! unless the key comes again for the new origin; "Test connection" and the model list to
//! another origin carry no key; a key saved before keys had origins is tied to the saved base
//! URL when first read.

#[path = "../../agent/tests/support/server.rs"]
mod server;

use std::collections::BTreeMap;
use std::path::Path;

use server::{Reply, TestServer};
use telltale_config::keys::KeyStore;
use telltale_config::model::Settings;
use telltale_config::service::SettingsCommandError;
use telltale_config::validate::InvalidSettings;
use telltale_config::{FileStorage, SettingsService};
use telltale_session::AgentSlot;
use tempfile::TempDir;

const KEY: &str = "sk-origin-home-0123456789";
const NEW_KEY: &str = "sk-origin-new-9876543210";

/// A server answering the model list and one streamed "OK".
async fn provider_server() -> TestServer {
    TestServer::start(|_, request| match request.path.ends_with("/models") {
        true => Reply::json(200, &serde_json::json!({"data": [{"id": "m"}]})),
        false => Reply::openai_text("OK"),
    })
    .await
}

fn service(dir: &Path) -> SettingsService {
    SettingsService::new(
        Box::new(FileStorage::in_dir(dir)),
        KeyStore::file_only(dir),
        Box::new(|_| None),
    )
}

/// `settings` with OpenAI at `url` answering with model "m" as the default provider.
fn openai_at(mut settings: Settings, url: &str) -> Settings {
    settings.default_provider = "openai".into();
    let openai = settings.providers.iter_mut().find(|p| p.id == "openai").expect("openai");
    openai.base_url = url.into();
    openai.model = "m".into();
    settings
}

/// Two provider servers and a service whose OpenAI points at `home`, with `KEY` stored for it.
struct Keyed {
    home: TestServer,
    elsewhere: TestServer,
    dir: TempDir,
    svc: SettingsService,
    slot: AgentSlot,
}

async fn keyed_at_home() -> Keyed {
    let (home, elsewhere) = (provider_server().await, provider_server().await);
    let dir = tempfile::tempdir().expect("temp dir");
    let svc = service(dir.path());
    let slot = svc.agent_slot();
    svc.save(openai_at(svc.settings(), &home.base_url()), &slot).expect("saved");
    svc.set_api_key("openai", KEY, None, &slot).expect("stored");
    Keyed { home, elsewhere, dir, svc, slot }
}

fn authorization(server: &TestServer) -> Vec<Option<String>> {
    server.requests().iter().map(|r| r.header("authorization").map(str::to_owned)).collect()
}

#[tokio::test]
async fn a_key_never_follows_a_base_url_to_another_origin() {
    let Keyed { home, elsewhere, dir, svc, slot } = keyed_at_home().await;
    let origin = format!("http://{}", home.addr);
    assert_eq!(svc.view(&slot).key_origins["openai"].as_deref(), Some(origin.as_str()));
    assert!(svc.test_connection("openai", None, None).await.ok);
    assert_eq!(authorization(&home), [Some(format!("Bearer {KEY}"))]);

    // A script saves another base URL: refused, typed, nothing saved, no request made.
    let moved = openai_at(svc.settings(), &elsewhere.base_url());
    let error = svc.save(moved.clone(), &slot).expect_err("refused");
    let SettingsCommandError::Invalid(InvalidSettings::KeyForAnotherOrigin {
        provider_id,
        key_origin,
        url_origin,
        ..
    }) = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(provider_id, "openai");
    assert_eq!(key_origin.as_deref(), Some(origin.as_str()));
    assert_eq!(url_origin, &format!("http://{}", elsewhere.addr));
    assert!(error.to_string().contains("enter it again for"), "{error}");
    assert_eq!(svc.settings().provider("openai").expect("openai").base_url, home.base_url());
    let on_disk = FileStorage::in_dir(dir.path());
    assert_eq!(Settings::from_json(telltale_config::Storage::load(&on_disk)), svc.settings());

    // Testing and listing models at that URL send no key (a server on this computer is asked
    // without one).
    let other = elsewhere.base_url();
    svc.test_connection("openai", Some(other.as_str()), None).await;
    assert_eq!(svc.list_models("openai", Some(other.as_str())).await, ["m"]);
    assert_eq!(authorization(&elsewhere), [None, None]);

    // The key given again in the same save goes there, and only there from then on.
    let keys = BTreeMap::from([("openai".to_owned(), NEW_KEY.to_owned())]);
    svc.save_with_keys(moved, &keys, &slot).expect("saved with its key");
    assert!(svc.test_connection("openai", None, None).await.ok);
    assert_eq!(authorization(&elsewhere).last(), Some(&Some(format!("Bearer {NEW_KEY}"))));
    let home_url = home.base_url();
    svc.test_connection("openai", Some(home_url.as_str()), None).await;
    assert_eq!(authorization(&home).last(), Some(&None));
}

#[tokio::test]
async fn a_key_stored_for_the_url_being_edited_lets_that_url_be_saved() {
    // `_dir` holds the temporary folder until the test ends.
    let Keyed { home, elsewhere, dir: _dir, svc, slot } = keyed_at_home().await;
    // Settings: the user types the new base URL, stores the key for it, then saves.
    let other = elsewhere.base_url();
    svc.set_api_key("openai", NEW_KEY, Some(other.as_str()), &slot).expect("stored for it");
    svc.save(openai_at(svc.settings(), &other), &slot).expect("saved");
    assert!(svc.test_connection("openai", None, None).await.ok);
    assert_eq!(authorization(&elsewhere), [Some(format!("Bearer {NEW_KEY}"))]);
    assert!(home.requests().is_empty());
}

#[tokio::test]
async fn a_key_saved_before_keys_had_origins_stays_with_the_saved_base_url() {
    let (home, elsewhere) = (provider_server().await, provider_server().await);
    let dir = tempfile::tempdir().expect("temp dir");
    let settings = openai_at(Settings::default(), &home.base_url());
    let json = serde_json::to_value(&settings).expect("json");
    telltale_config::Storage::save(&FileStorage::in_dir(dir.path()), json).expect("settings");
    let legacy = serde_json::json!({"keys": {"openai": KEY}});
    std::fs::write(dir.path().join("api-keys.json"), legacy.to_string()).expect("keys");

    let svc = service(dir.path());
    let slot = svc.agent_slot();
    let moved = openai_at(svc.settings(), &elsewhere.base_url());
    let error = svc.save(moved, &slot).expect_err("refused");
    assert_eq!(error.provider_id(), Some("openai"));
    assert!(svc.test_connection("openai", None, None).await.ok);
    assert_eq!(authorization(&home), [Some(format!("Bearer {KEY}"))]);
    assert!(elsewhere.requests().is_empty());
    // Stored again with its origin.
    let file: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("api-keys.json")).expect("read"))
            .expect("json");
    assert_eq!(file["keys"]["openai"]["origin"], format!("http://{}", home.addr));
}
