//! What a model costs: the price table shipped with the app (`prices.json`, per provider and
//! model, with where and when its prices were taken), the user's own prices per model (in the
//! settings, which win), and nothing for a model on this computer.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;
use telltale_agent::pricing::Price;
use telltale_agent::providers::settings::is_local;
use telltale_agent::providers::{ProviderKind, ProviderSettings};

/// The table as shipped (see its `about` for its sources and date).
const SHIPPED: &str = include_str!("../prices.json");

#[derive(Debug, Deserialize)]
pub struct PriceTable {
    /// When the prices were taken (`YYYY-MM`).
    pub taken: String,
    providers: BTreeMap<String, ProviderPrices>,
}

#[derive(Debug, Deserialize)]
struct ProviderPrices {
    /// The host of the provider's API: a base URL on it uses these prices.
    host: String,
    /// Model → [input, output] dollars per million tokens.
    models: BTreeMap<String, [f64; 2]>,
}

impl PriceTable {
    /// The table shipped with the app (empty, and logged, if it could not be read: a test makes
    /// sure it can).
    pub fn shipped() -> &'static PriceTable {
        static TABLE: OnceLock<PriceTable> = OnceLock::new();
        TABLE.get_or_init(|| {
            serde_json::from_str(SHIPPED).unwrap_or_else(|error| {
                tracing::error!(%error, "the shipped price table cannot be read");
                PriceTable { taken: String::new(), providers: BTreeMap::new() }
            })
        })
    }

    /// The price of `model` on the API at `host`: its own entry, else the entry it is a dated
    /// or `-latest` snapshot of (`gpt-4o-2024-08-06` → `gpt-4o`, `claude-3-5-haiku-20241022` →
    /// `claude-3-5-haiku`).
    pub fn lookup(&self, host: &str, model: &str) -> Option<Price> {
        let host = host.to_ascii_lowercase();
        let provider = self.providers.values().find(|p| p.host == host)?;
        let model = model.trim();
        let [input, output] = provider.models.get(model).copied().or_else(|| {
            provider
                .models
                .iter()
                .filter(|(name, _)| is_snapshot_of(model, name))
                .max_by_key(|(name, _)| name.len())
                .map(|(_, price)| *price)
        })?;
        Some(Price::new(input, output))
    }
}

/// Whether `model` is `base` followed by a date (`-2024-08-06`, `-20241022`) or `-latest`.
fn is_snapshot_of(model: &str, base: &str) -> bool {
    let Some(rest) = model.strip_prefix(base).and_then(|r| r.strip_prefix('-')) else {
        return false;
    };
    rest == "latest" || (rest.len() >= 4 && rest.chars().all(|c| c.is_ascii_digit() || c == '-'))
}

/// The host a provider's requests go to (its vendor's when no base URL is set).
fn host_of(provider: &ProviderSettings) -> Option<String> {
    match (&provider.base_url, provider.kind) {
        (Some(url), _) => reqwest::Url::parse(url).ok()?.host_str().map(str::to_owned),
        (None, ProviderKind::Openai) => Some("api.openai.com".to_owned()),
        (None, ProviderKind::Anthropic) => Some("api.anthropic.com".to_owned()),
        (None, ProviderKind::Offline) => None,
    }
}

/// What the model `provider` reaches costs: nothing for the offline demo and for a server on
/// this computer; else the user's price for the model (`own`, by model name), else the shipped
/// table's; `None` when neither knows it.
pub fn price_for(provider: &ProviderSettings, own: &BTreeMap<String, Price>) -> Option<Price> {
    let local = provider.base_url.as_deref().is_some_and(is_local);
    if provider.kind == ProviderKind::Offline || local {
        return Some(Price::FREE);
    }
    let model = provider.model.as_deref()?.trim();
    if let Some(price) = own.get(model) {
        return Some(*price);
    }
    PriceTable::shipped().lookup(&host_of(provider)?, model)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provider(kind: ProviderKind, base_url: Option<&str>, model: &str) -> ProviderSettings {
        ProviderSettings {
            kind,
            base_url: base_url.map(str::to_owned),
            model: Some(model.to_owned()),
            ..ProviderSettings::default()
        }
    }

    #[test]
    fn the_shipped_table_reads_and_says_when_its_prices_were_taken() {
        let table = PriceTable::shipped();
        assert_eq!(table.taken.len(), "2025-10".len(), "{}", table.taken);
        for name in ["openai", "anthropic", "groq", "openrouter", "deepseek"] {
            let provider = &table.providers[name];
            assert!(!provider.models.is_empty(), "{name} has prices");
            for (model, [input, output]) in &provider.models {
                assert!(Price::new(*input, *output).is_valid(), "{name} {model}");
                assert!(output >= input, "{name} {model}: output costs at least input");
            }
        }
    }

    #[test]
    fn models_are_found_by_the_host_of_their_base_url() {
        let none = BTreeMap::new();
        let openai = provider(ProviderKind::Openai, None, "gpt-4o-mini");
        assert_eq!(price_for(&openai, &none), Some(Price::new(0.15, 0.6)));
        let groq = provider(
            ProviderKind::Openai,
            Some("https://api.groq.com/openai/v1"),
            "openai/gpt-oss-120b",
        );
        let routed =
            provider(ProviderKind::Openai, Some("https://openrouter.ai/api/v1"), "openai/gpt-4o");
        assert_eq!(price_for(&groq, &none), Some(Price::new(0.15, 0.75)));
        assert_eq!(price_for(&routed, &none), Some(Price::new(2.5, 10.0)));
        let claude = provider(ProviderKind::Anthropic, None, "claude-sonnet-4-5");
        assert_eq!(price_for(&claude, &none), Some(Price::new(3.0, 15.0)));
        // A proxy somewhere else is not priced from the vendor's table.
        let proxy = provider(ProviderKind::Openai, Some("https://proxy.example/v1"), "gpt-4o-mini");
        assert_eq!(price_for(&proxy, &none), None);
    }

    #[test]
    fn dated_snapshots_take_their_models_price_and_other_variants_do_not() {
        let table = PriceTable::shipped();
        let openai = |model| table.lookup("api.openai.com", model);
        assert_eq!(openai("gpt-4o-2024-08-06"), Some(Price::new(2.5, 10.0)));
        assert_eq!(openai("gpt-4o-mini-2024-07-18"), Some(Price::new(0.15, 0.6)));
        assert_eq!(openai("o3-pro"), None, "not o3's price");
        assert_eq!(openai("gpt-4o-audio-preview"), None);
        let claude = table.lookup("API.anthropic.com", "claude-3-5-haiku-20241022");
        assert_eq!(claude, Some(Price::new(0.8, 4.0)));
        assert_eq!(table.lookup("api.anthropic.com", "claude-3-5-haiku-latest"), claude);
    }

    #[test]
    fn local_models_are_free_and_the_users_price_wins() {
        let none = BTreeMap::new();
        let ollama = provider(ProviderKind::Openai, Some("http://127.0.0.1:11434/v1"), "llama3.2");
        assert_eq!(price_for(&ollama, &none), Some(Price::FREE));
        let offline = ProviderSettings::default();
        assert_eq!(price_for(&offline, &none), Some(Price::FREE));
        let own = BTreeMap::from([("gpt-4o-mini".to_owned(), Price::new(0.1, 0.5))]);
        let openai = provider(ProviderKind::Openai, None, "gpt-4o-mini");
        assert_eq!(price_for(&openai, &own), Some(Price::new(0.1, 0.5)));
        let unknown = provider(ProviderKind::Openai, None, "my-fine-tune");
        assert_eq!(price_for(&unknown, &none), None);
    }
}
