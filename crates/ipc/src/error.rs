//! The one error every command answers with: a machine-readable `code` and a message a user can
//! act on (never a key).

use serde::Serialize;
use telltale_config::service::SettingsCommandError;
use telltale_session::SessionError;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CommandErrorCode {
    /// The request itself is wrong (an empty prompt, an unknown format, a bad link).
    InvalidRequest,
    /// The conversation is answering already, or the run id is taken.
    Busy,
    /// No such conversation, run in progress, or tool call.
    NotFound,
    /// The file is not a Telltale JSON export (or is malformed): nothing was imported.
    ImportInvalid,
    /// Reading or writing a file failed.
    File,
    /// The history database failed.
    Database,
    /// The conversation's JSON export would be larger than import takes (the message says the
    /// size and the limit): nothing was written; Markdown and HTML exports are not limited.
    ExportTooLarge,
    /// The settings could not be saved, or a key could not be stored.
    Storage,
    /// A provider's base URL cannot be used (not http(s), spaces, missing): `provider` says whose.
    InvalidBaseUrl,
    /// A provider that sends a key has a plain-http base URL to another computer: it needs
    /// https (`provider` says whose).
    InsecureBaseUrl,
    /// A provider's base URL moves to another origin than the one its stored key was entered
    /// for: nothing was saved, and the key must be entered again for the new origin
    /// (`provider` says whose).
    KeyForAnotherOrigin,
    /// A file attached to a prompt is larger than its kind allows (the message says the limit).
    AttachmentTooLarge,
    /// A file attached to a prompt is of no kind Telltale sends (an image, a PDF, UTF-8 text).
    AttachmentUnsupported,
    /// A file attached by its path does not exist.
    AttachmentMissing,
    /// A file attached by its path cannot be read (a folder, no permission).
    AttachmentUnreadable,
    /// A provider's extended thinking budget is under the 1024 tokens Anthropic takes
    /// (`provider` says whose).
    InvalidThinkingBudget,
}

/// `{code, message}`, and the provider whose settings are wrong when the error is about one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct CommandError {
    pub code: CommandErrorCode,
    pub message: String,
    /// The provider id whose settings the error is about (Settings shows it beside that
    /// provider's fields).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub provider: Option<String>,
}

impl CommandError {
    pub fn new(code: CommandErrorCode, message: impl Into<String>) -> Self {
        CommandError { code, message: message.into(), provider: None }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        CommandError::new(CommandErrorCode::InvalidRequest, message)
    }
}

impl From<SessionError> for CommandError {
    fn from(error: SessionError) -> Self {
        let code = match &error {
            SessionError::InvalidRequest(_) => CommandErrorCode::InvalidRequest,
            SessionError::Busy(_) => CommandErrorCode::Busy,
            SessionError::NotFound(_) => CommandErrorCode::NotFound,
            SessionError::HistoryUnavailable(_) | SessionError::TaskFailed(_) => {
                CommandErrorCode::Database
            }
        };
        CommandError::new(code, error.to_string())
    }
}

impl From<telltale_history::Error> for CommandError {
    fn from(error: telltale_history::Error) -> Self {
        use telltale_history::Error as E;
        let code = match &error {
            E::NotFound(_) => CommandErrorCode::NotFound,
            E::Import(_) => CommandErrorCode::ImportInvalid,
            E::ExportTooLarge { .. } => CommandErrorCode::ExportTooLarge,
            _ => CommandErrorCode::Database,
        };
        CommandError::new(code, error.to_string())
    }
}

impl From<SettingsCommandError> for CommandError {
    fn from(error: SettingsCommandError) -> Self {
        use telltale_config::validate::InvalidSettings as I;
        let code = match &error {
            SettingsCommandError::InvalidRequest(_)
            | SettingsCommandError::Invalid(I::Other(_)) => CommandErrorCode::InvalidRequest,
            SettingsCommandError::Storage(_) => CommandErrorCode::Storage,
            SettingsCommandError::Invalid(I::InsecureBaseUrl { .. }) => {
                CommandErrorCode::InsecureBaseUrl
            }
            SettingsCommandError::Invalid(I::KeyForAnotherOrigin { .. }) => {
                CommandErrorCode::KeyForAnotherOrigin
            }
            SettingsCommandError::Invalid(I::ThinkingBudgetTooSmall { .. }) => {
                CommandErrorCode::InvalidThinkingBudget
            }
            SettingsCommandError::Invalid(
                I::BaseUrlNotHttp { .. } | I::BaseUrlSpaces { .. } | I::BaseUrlMissing { .. },
            ) => CommandErrorCode::InvalidBaseUrl,
        };
        let provider = error.provider_id().map(str::to_owned);
        CommandError { provider, ..CommandError::new(code, error.to_string()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_serialises_as_code_and_message() {
        let import: CommandError = telltale_history::Error::Import(
            telltale_history::ImportError::ForeignFormat("x".into()),
        )
        .into();
        let json = serde_json::to_value(&import).unwrap();
        assert_eq!(json["code"], "import_invalid");
        assert!(json["message"].as_str().unwrap().contains("not a Telltale conversation export"));
        let large = telltale_history::Error::ExportTooLarge { size: 600 << 20, limit: 512 << 20 };
        let json = serde_json::to_value(CommandError::from(large)).unwrap();
        assert_eq!(json["code"], "export_too_large");
        assert!(json["message"].as_str().unwrap().contains("600.0 MiB"), "{json}");
        let busy: CommandError = SessionError::Busy("still answering".into()).into();
        assert_eq!(
            serde_json::to_value(&busy).unwrap(),
            serde_json::json!({"code": "busy", "message": "still answering"})
        );
        let storage: CommandError = SettingsCommandError::Storage("disk full".into()).into();
        assert_eq!(
            serde_json::to_value(&storage).unwrap(),
            serde_json::json!({"code": "storage", "message": "disk full"})
        );
    }

    #[test]
    fn a_base_url_error_names_its_provider() {
        use telltale_config::validate::InvalidSettings;
        let insecure = InvalidSettings::InsecureBaseUrl {
            provider_id: "openai".into(),
            name: "OpenAI".into(),
            shown: "http://proxy.example".into(),
        };
        let json =
            serde_json::to_value(CommandError::from(SettingsCommandError::from(insecure))).unwrap();
        assert_eq!(json["code"], "insecure_base_url");
        assert_eq!(json["provider"], "openai");
        assert!(json["message"].as_str().unwrap().contains("must start with https://"), "{json}");
        let spaces =
            InvalidSettings::BaseUrlSpaces { provider_id: "groq".into(), name: "Groq".into() };
        let json =
            serde_json::to_value(CommandError::from(SettingsCommandError::from(spaces))).unwrap();
        assert_eq!(
            (&json["code"], &json["provider"]),
            (&"invalid_base_url".into(), &"groq".into())
        );
        let moved = InvalidSettings::KeyForAnotherOrigin {
            provider_id: "openai".into(),
            name: "OpenAI".into(),
            key_origin: Some("https://api.openai.com".into()),
            url_origin: "https://evil.example".into(),
        };
        let json =
            serde_json::to_value(CommandError::from(SettingsCommandError::from(moved))).unwrap();
        assert_eq!(json["code"], "key_for_another_origin");
        assert_eq!(json["provider"], "openai");
        let thinking = InvalidSettings::ThinkingBudgetTooSmall {
            provider_id: "anthropic".into(),
            name: "Anthropic".into(),
            value: 100,
        };
        let thinking =
            serde_json::to_value(CommandError::from(SettingsCommandError::from(thinking))).unwrap();
        assert_eq!(
            (&thinking["code"], &thinking["provider"]),
            (&"invalid_thinking_budget".into(), &"anthropic".into())
        );
        assert_eq!(
            json["message"],
            "the API key for OpenAI was entered for https://api.openai.com; enter it again for \
             https://evil.example (Telltale sends a key only to the address it was entered for)"
        );
    }
}
