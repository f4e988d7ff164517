//! A run that names its own `provider` and/or `model` (`POST /v1/runs`): checked here, then made
//! by the front end's [`AgentChooser`] (the CLI's: its flags with those two replaced), for that
//! run only. An unknown provider or a model that cannot be is a typed `400` naming it.

use std::sync::Arc;

use axum::http::StatusCode;
use telltale_agent::providers::{ProviderKind, SettingsError};
use telltale_agent::Agent;

use crate::error::ApiError;

/// Makes the agent of one run from the provider and model it names (either may be left to the
/// configured one), or says why it cannot.
pub type AgentChooser = Arc<
    dyn Fn(Option<ProviderKind>, Option<String>) -> Result<Arc<Agent>, SettingsError> + Send + Sync,
>;

/// The longest model name taken.
const MODEL_MAX: usize = 200;

/// The agent of a run naming `provider` and/or `model`; `None`: the session's own.
pub(crate) fn agent_for(
    chooser: Option<&AgentChooser>,
    provider: Option<String>,
    model: Option<String>,
) -> Result<Option<Arc<Agent>>, ApiError> {
    if provider.is_none() && model.is_none() {
        return Ok(None);
    }
    let kind = provider.map(|name| parse_provider(&name)).transpose()?;
    let model = model.map(check_model).transpose()?;
    let Some(chooser) = chooser else {
        return Err(ApiError::bad_request(
            "this server answers with its one configured agent: leave out provider and model"
                .into(),
        ));
    };
    chooser(kind, model).map(Some).map_err(|error| match error {
        SettingsError::UnknownProvider { value } => unknown_provider(&value),
        error @ SettingsError::OfflineModel { .. } => invalid_model(error.to_string()),
        SettingsError::MissingModel { kind } => invalid_model(format!(
            "name the model to ask {}: this server has none configured for it",
            kind.display_name()
        )),
        other => ApiError::new(StatusCode::BAD_REQUEST, "provider_unavailable", other.to_string()),
    })
}

fn parse_provider(name: &str) -> Result<ProviderKind, ApiError> {
    name.parse().map_err(|_| unknown_provider(name))
}

fn unknown_provider(name: &str) -> ApiError {
    let known: Vec<&str> = ProviderKind::ALL.iter().map(|kind| kind.as_str()).collect();
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "unknown_provider",
        format!("the provider {name:?} is unknown: use one of {}", known.join(", ")),
    )
}

/// A model name: 1–200 characters, none of them blank or a control character.
fn check_model(model: String) -> Result<String, ApiError> {
    let valid = !model.is_empty()
        && model.chars().count() <= MODEL_MAX
        && !model.chars().any(|c| c.is_whitespace() || c.is_control());
    match valid {
        true => Ok(model),
        false => Err(invalid_model(format!(
            "the model {model:?} is not a model name: 1–{MODEL_MAX} characters, no spaces"
        ))),
    }
}

fn invalid_model(message: String) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "invalid_model", message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_providers_and_impossible_models_are_named() {
        let error = agent_for(None, Some("gemini".into()), None).err().unwrap();
        assert_eq!((error.code, error.status), ("unknown_provider", StatusCode::BAD_REQUEST));
        assert!(error.message.contains("\"gemini\"") && error.message.contains("openai"));
        for model in ["", "two words", "a\nb"] {
            let error = agent_for(None, None, Some(model.into())).err().unwrap();
            assert_eq!(error.code, "invalid_model", "{model:?}");
        }
        assert!(agent_for(None, None, None).unwrap().is_none(), "none named: the session's");
        let refused = agent_for(None, Some("openai".into()), None).err().unwrap();
        assert_eq!(refused.code, "invalid_request", "no chooser: one agent only");
    }
}
