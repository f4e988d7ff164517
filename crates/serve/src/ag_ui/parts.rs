//! The content of an AG-UI message (`@ag-ui/core` 1.0's `ContentPart`s): its text parts, and the
//! prompt's images and documents carried inline (`{"type": "image" | "document", "source":
//! {"type": "data", "value": BASE64, "mimeType"}}`, or 0.x's `{"type": "binary", "mimeType",
//! "data", "filename"}`), taken as the prompt's files and checked as `POST /v1/runs` checks its
//! `attachments`. A file by URL or by a provider's file id, audio and video are refused with
//! why: Telltale fetches nothing for a client.

use serde_json::Value;
use telltale_ipc::AttachmentUpload;

use super::input::InputMessage;
use crate::error::ApiError;

/// A message's text (its text parts joined by blank lines) and files.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Content {
    pub text: String,
    pub files: Vec<AttachmentUpload>,
}

/// The content of `message`; `take_files`: whether its files are taken (the prompt's) or
/// refused (an earlier message's).
pub(super) fn content_of(message: &InputMessage, take_files: bool) -> Result<Content, ApiError> {
    let parts = match &message.content {
        None | Some(Value::Null) => return Ok(Content::default()),
        Some(Value::String(text)) => return Ok(Content { text: text.clone(), files: Vec::new() }),
        Some(Value::Array(parts)) => parts,
        Some(_) => {
            return Err(ApiError::bad_request(format!(
                "message {}'s content is neither text nor a list of parts",
                message.id
            )))
        }
    };
    let id = &message.id;
    let mut texts = Vec::with_capacity(parts.len());
    let mut files = Vec::new();
    for part in parts {
        let kind = part.get("type").and_then(Value::as_str).unwrap_or("malformed");
        match (kind, part.get("text")) {
            ("text", Some(Value::String(text))) => texts.push(text.as_str()),
            ("image" | "document" | "binary", _) if take_files => {
                files.push(file_of(id, kind, part, files.len() + 1)?)
            }
            ("image" | "document" | "binary", _) => {
                return Err(ApiError::bad_request(format!(
                    "message {id} has a part of type {kind:?}: Telltale takes files with the last user \
                     message (the prompt) only"
                )))
            }
            _ => {
                return Err(ApiError::bad_request(format!(
                    "message {id} has a part of type {kind:?}: Telltale takes text, and images and \
                     documents (PDF, text) with the prompt"
                )))
            }
        }
    }
    Ok(Content { text: texts.join("\n\n"), files })
}

/// The `n`th file of message `id`, from its inline base64 data.
fn file_of(id: &str, kind: &str, part: &Value, n: usize) -> Result<AttachmentUpload, ApiError> {
    let (source, data, media_type) = if kind == "binary" {
        let source = ["data", "url", "id"].into_iter().find(|key| part.get(key).is_some());
        (source.unwrap_or("nothing"), part.get("data"), part.get("mimeType"))
    } else {
        let source = part.get("source").unwrap_or(&Value::Null);
        let from = source.get("type").and_then(Value::as_str).unwrap_or("nothing");
        (from, source.get("value"), source.get("mimeType"))
    };
    if source != "data" {
        return Err(ApiError::bad_request(format!(
            "message {id}'s {kind:?} part is given by {source}: Telltale takes only inline data \
             (a source of type \"data\" with the file's bytes as base64)"
        )));
    }
    let Some(Value::String(data)) = data else {
        return Err(ApiError::bad_request(format!(
            "message {id}'s {kind:?} part has no base64 data"
        )));
    };
    let named = part.get("filename").or_else(|| part.pointer("/metadata/filename"));
    let name = match named.and_then(Value::as_str) {
        Some(name) => name.to_owned(),
        None => default_name(kind, media_type.and_then(Value::as_str).unwrap_or(""), n),
    };
    Ok(AttachmentUpload::Bytes { name, data: data.clone() })
}

/// `image-1.png`, `document-2.pdf`: a name for a file sent without one. (Its kind is read from
/// its content, as for every file; the name is what the history shows.)
fn default_name(kind: &str, media_type: &str, n: usize) -> String {
    let stem = if kind == "binary" { "file" } else { kind };
    let extension = match media_type {
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/webp" => "webp",
        "image/gif" => "gif",
        "application/pdf" => "pdf",
        text if text.starts_with("text/") => "txt",
        _ => "bin",
    };
    format!("{stem}-{n}.{extension}")
}
