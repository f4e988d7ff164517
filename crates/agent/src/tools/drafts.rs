//! Drafting tools: `draft_email` and `draft_note`. The draft is in the call's arguments, which the
//! window shows in an editor as they stream; the tool itself confirms what was drafted.

use async_trait::async_trait;
use serde_json::{json, Value};
use telltale_protocol::StatusIcon;

use super::{string_arg, Tool, ToolError, ToolSpec};

pub struct DraftEmail;
pub struct DraftNote;

#[async_trait]
impl Tool for DraftEmail {
    fn spec(&self) -> ToolSpec {
        ToolSpec {
            name: "draft_email".into(),
            description:
                "Drafts an email for the user to review, edit and send themselves. Nothing is sent."
                    .into(),
            parameters: json!({
                "type": "object",
                "properties": {
                    "to": {"type": "string", "description": "Recipient name or address."},
                    "subject": {"type": "string"},
                    "body": {"type": "string", "description": "The email's text, plain."}
                },
                "required": ["to", "subject", "body"]
            }),
        }
    }

    fn status(&self, args: &Value) -> (String, StatusIcon) {
        let message = match args.get("to").and_then(Value::as_str) {
            Some(to) if !to.is_empty() && to.len() <= 40 => format!("Drafting an email to {to}…"),
            _ => "Drafting an email…".to_owned(),
        };
        (message, StatusIcon::Writing)
    }

    async fn call(&self, args: Value) -> Result<String, ToolError> {
        let to = string_arg(&args, "to")?;
        let subject = string_arg(&args, "subject")?;
        let body = string_arg(&args, "body")?;
        let words = body.split_whitespace().count();
        Ok(format!("Draft ready for review: email to {to}, subject \"{subject}\", {words} words. Nothing was sent."))
    }
}

#[async_trait]
impl Tool for DraftNote {
    fn spec(&self) -> ToolSpec {
        ToolSpec {
            name: "draft_note".into(),
            description: "Drafts a note for the user to review and edit.".into(),
            parameters: json!({
                "type": "object",
                "properties": {"title": {"type": "string"}, "body": {"type": "string"}},
                "required": ["title", "body"]
            }),
        }
    }

    fn status(&self, _args: &Value) -> (String, StatusIcon) {
        ("Drafting a note…".to_owned(), StatusIcon::Writing)
    }

    async fn call(&self, args: Value) -> Result<String, ToolError> {
        let title = string_arg(&args, "title")?;
        let body = string_arg(&args, "body")?;
        let words = body.split_whitespace().count();
        Ok(format!("Note ready for review: \"{title}\", {words} words."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn drafts_confirm_what_was_written_and_need_every_field() {
        let email =
            json!({"to": "Alice", "subject": "Launch", "body": "Hi Alice, the launch is on."});
        let out = DraftEmail.call(email).await.unwrap();
        assert_eq!(out, "Draft ready for review: email to Alice, subject \"Launch\", 6 words. Nothing was sent.");
        let err = DraftEmail.call(json!({"to": "Alice"})).await.unwrap_err();
        assert!(matches!(err, ToolError::InvalidArgs(_)), "{err}");
        let note = DraftNote.call(json!({"title": "Ideas", "body": "one two"})).await.unwrap();
        assert_eq!(note, "Note ready for review: \"Ideas\", 2 words.");
    }
}
