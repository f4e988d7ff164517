//! Tests of `settings`.

use std::collections::HashMap;

use super::*;

const KEY: &str = "sk-test-secret-4242";

fn settings(vars: &[(&str, &str)]) -> Result<ProviderSettings, SettingsError> {
    let vars: HashMap<String, String> =
        vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    ProviderSettings::from_lookup(|name| vars.get(name).cloned())
}

fn key_of(settings: &ProviderSettings) -> Option<String> {
    settings.api_key.as_ref().map(|k| k.expose().to_owned())
}

#[test]
fn nothing_set_is_the_offline_demo() {
    let s = settings(&[]).unwrap();
    assert_eq!(s.kind, ProviderKind::Offline);
    assert_eq!((s.model, s.base_url, s.idle_timeout), (None, None, Duration::from_secs(60)));
    assert!(s.api_key.is_none());
    assert_eq!(settings(&[]).unwrap().build().unwrap().id(), "offline");
}

#[test]
fn every_variable_is_read_and_blank_values_are_unset() {
    let s = settings(&[
        (PROVIDER_VAR, " OpenAI "),
        (MODEL_VAR, "gpt-4o-mini"),
        (BASE_URL_VAR, "http://127.0.0.1:8080/v1"),
        (IDLE_TIMEOUT_VAR, "5"),
    ])
    .unwrap();
    assert_eq!(s.kind, ProviderKind::Openai);
    assert_eq!(s.model.as_deref(), Some("gpt-4o-mini"));
    assert_eq!(s.base_url.as_deref(), Some("http://127.0.0.1:8080/v1"));
    assert_eq!(s.idle_timeout, Duration::from_secs(5));

    let s = settings(&[(PROVIDER_VAR, "  "), (MODEL_VAR, ""), (API_KEY_VAR, " ")]).unwrap();
    assert_eq!((s.kind, s.model), (ProviderKind::Offline, None));
    assert!(s.api_key.is_none());
}

#[test]
fn the_key_comes_from_telltale_api_key_else_the_vendors_variable() {
    let both = [(API_KEY_VAR, "tt"), ("OPENAI_API_KEY", "oa"), ("ANTHROPIC_API_KEY", "an")];
    for (kind, vendor) in [("openai", "oa"), ("anthropic", "an")] {
        let mut vars = vec![(PROVIDER_VAR, kind)];
        vars.extend(both);
        assert_eq!(key_of(&settings(&vars).unwrap()).as_deref(), Some("tt"), "{kind}");
        vars.retain(|(name, _)| *name != API_KEY_VAR);
        assert_eq!(key_of(&settings(&vars).unwrap()).as_deref(), Some(vendor), "{kind}");
    }
    // One vendor's key is never sent to the other.
    let s = settings(&[(PROVIDER_VAR, "anthropic"), ("OPENAI_API_KEY", "oa")]).unwrap();
    assert!(s.api_key.is_none());
}

#[test]
fn unreadable_values_say_which_variable_to_fix() {
    let error = settings(&[(PROVIDER_VAR, "gemini")]).unwrap_err();
    assert_eq!(error, SettingsError::UnknownProvider { value: "gemini".into() });
    assert!(error.to_string().contains("TELLTALE_PROVIDER"), "{error}");
    assert!(error.to_string().contains("offline, openai or anthropic"), "{error}");

    let error = settings(&[(IDLE_TIMEOUT_VAR, "1m")]).unwrap_err();
    assert!(error.to_string().contains("TELLTALE_IDLE_TIMEOUT_S"), "{error}");
}

#[test]
fn a_local_server_needs_no_key_but_a_remote_one_does() {
    let local = settings(&[
        (PROVIDER_VAR, "openai"),
        (MODEL_VAR, "m"),
        (BASE_URL_VAR, "http://localhost:11434/v1"),
    ]);
    let provider = local.unwrap().build().unwrap();
    assert_eq!((provider.id(), provider.model()), ("openai", "m"));

    let error =
        settings(&[(PROVIDER_VAR, "openai"), (MODEL_VAR, "m")]).unwrap().build().err().unwrap();
    assert_eq!(
        error,
        SettingsError::MissingKey {
            base_url: openai::DEFAULT_BASE_URL.into(),
            key_var: "OPENAI_API_KEY"
        }
    );
    let message = error.to_string();
    assert!(
        message.contains("TELLTALE_API_KEY") && message.contains("OPENAI_API_KEY"),
        "{message}"
    );

    let error =
        settings(&[(PROVIDER_VAR, "anthropic"), (MODEL_VAR, "c")]).unwrap().build().err().unwrap();
    assert!(error.to_string().contains("ANTHROPIC_API_KEY"), "{error}");
    let remote =
        settings(&[(PROVIDER_VAR, "anthropic"), (MODEL_VAR, "c"), ("ANTHROPIC_API_KEY", KEY)]);
    assert_eq!(remote.unwrap().build().unwrap().id(), "anthropic");
}

#[test]
fn a_missing_model_or_a_wrong_offline_model_is_named() {
    let error = settings(&[(PROVIDER_VAR, "anthropic"), (API_KEY_VAR, KEY)])
        .unwrap()
        .build()
        .err()
        .unwrap();
    assert_eq!(error, SettingsError::MissingModel { kind: ProviderKind::Anthropic });
    assert!(error.to_string().contains("TELLTALE_MODEL"), "{error}");

    assert!(settings(&[(MODEL_VAR, "offline-demo")]).unwrap().build().is_ok());
    let error = settings(&[(MODEL_VAR, "gpt-4o")]).unwrap().build().err().unwrap();
    assert!(error.to_string().contains("\"offline-demo\", not \"gpt-4o\""), "{error}");
}

#[test]
fn the_key_never_shows_in_errors_or_debug_output() {
    let s = settings(&[(PROVIDER_VAR, "openai"), (MODEL_VAR, "m"), (API_KEY_VAR, KEY)]).unwrap();
    assert!(!format!("{s:?}").contains(KEY), "{s:?}");
    // A user who pasted the key where the URL goes.
    let s = settings(&[
        (PROVIDER_VAR, "openai"),
        (MODEL_VAR, "m"),
        (BASE_URL_VAR, KEY),
        (API_KEY_VAR, KEY),
    ])
    .unwrap();
    let error = s.build().err().unwrap();
    assert!(matches!(error, SettingsError::Invalid(_)), "{error:?}");
    assert!(!error.to_string().contains(KEY), "{error}");
    assert!(!format!("{error:?}").contains(KEY), "{error:?}");
}

#[test]
fn local_base_urls_are_recognised() {
    for url in [
        "http://localhost:11434/v1",
        "http://127.0.0.1:8080/v1",
        "http://[::1]:1234/v1",
        "http://LOCALHOST/v1",
    ] {
        assert!(is_local(url), "{url}");
    }
    for url in [
        "https://api.openai.com/v1",
        "http://localhost.evil.com/v1",
        "http://10.0.0.2/v1",
        "localhost:80",
        "http://localhost@evil.com/v1",
    ] {
        assert!(!is_local(url), "{url}");
    }
}

#[test]
fn a_key_goes_over_plain_http_only_to_this_computer() {
    let with_key = |url: &str| {
        settings(&[
            (PROVIDER_VAR, "openai"),
            (MODEL_VAR, "m"),
            (BASE_URL_VAR, url),
            (API_KEY_VAR, KEY),
        ])
        .unwrap()
        .build()
    };
    for local in ["http://127.0.0.1:8080/v1", "http://localhost:11434/v1", "http://[::1]/v1"] {
        assert!(with_key(local).is_ok(), "{local}");
    }
    assert!(with_key("https://192.168.1.10/v1").is_ok());
    for remote in ["http://192.168.1.10:11434/v1", "http://user:secret@api.example.com/v1"] {
        let error = with_key(remote).err().expect("refused");
        assert!(matches!(error, SettingsError::InsecureBaseUrl { .. }), "{remote}: {error:?}");
        let message = error.to_string();
        assert!(message.contains("https://") && message.contains("--base-url"), "{message}");
        assert!(!message.contains("secret") && !message.contains(KEY), "{message}");
    }
    // Without a key nothing secret would cross the network: what is missing is the key.
    let keyless = settings(&[
        (PROVIDER_VAR, "anthropic"),
        (MODEL_VAR, "m"),
        (BASE_URL_VAR, "http://192.168.1.10:8080"),
    ])
    .unwrap();
    assert!(matches!(keyless.build().err(), Some(SettingsError::MissingKey { .. })));
}

#[test]
fn a_run_may_name_its_own_model_or_kind_without_taking_another_vendors_key() {
    let configured = settings(&[
        (PROVIDER_VAR, "openai"),
        (MODEL_VAR, "m"),
        (BASE_URL_VAR, "https://llm.example.com/v1"),
        (API_KEY_VAR, KEY),
    ])
    .unwrap();
    let no_env = |_: &str| None;
    let same = configured.for_run(None, Some("other".into()), no_env);
    assert_eq!(same.model.as_deref(), Some("other"));
    assert_eq!(same.base_url, configured.base_url);
    assert_eq!(key_of(&same).as_deref(), Some(KEY));
    let anthropic_env = |name: &str| (name == "ANTHROPIC_API_KEY").then(|| "sk-ant-own".to_owned());
    let other = configured.for_run(Some(ProviderKind::Anthropic), None, anthropic_env);
    assert_eq!(
        (other.kind, other.model.clone(), other.base_url.clone()),
        (ProviderKind::Anthropic, None, None)
    );
    assert_eq!(
        key_of(&other).as_deref(),
        Some("sk-ant-own"),
        "its own key, never TELLTALE_API_KEY"
    );
    assert!(configured.for_run(Some(ProviderKind::Anthropic), None, no_env).api_key.is_none());
    let offline = configured.for_run(Some(ProviderKind::Offline), Some("nope".into()), no_env);
    assert!(matches!(offline.build().err(), Some(SettingsError::OfflineModel { .. })));
}

#[test]
fn a_thinking_budget_is_read_from_1024_tokens_up_and_anything_else_says_what_to_set() {
    assert_eq!(settings(&[]).unwrap().thinking_budget, None);
    let s = settings(&[(THINKING_BUDGET_VAR, " 4096 ")]).unwrap();
    assert_eq!(s.thinking_budget, Some(4096));
    for bad in ["512", "lots", "-2048", "4096.5"] {
        let error = settings(&[(THINKING_BUDGET_VAR, bad)]).unwrap_err();
        assert_eq!(error, SettingsError::InvalidThinkingBudget { value: bad.into() });
        assert!(error.to_string().contains("TELLTALE_THINKING_BUDGET"), "{error}");
    }
}
