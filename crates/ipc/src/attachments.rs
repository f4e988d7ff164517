//! Files a front end sends with a prompt: by their bytes (base64, as the window read a file the
//! user dropped, pasted or picked) or, for a prompt sent again (an answer regenerated, a prompt
//! edited), by the SHA-256 of a file the conversation stores; and each file checked for the
//! composer before anything is sent.

use serde::{Deserialize, Serialize};
use telltale_history::AttachmentInfo;
use telltale_protocol::{Attachment, AttachmentError};
use telltale_session::AttachFileError;
use ts_rs::TS;

use crate::error::{CommandError, CommandErrorCode};

/// A file sent with a prompt (`start_run`'s `attachments`, `check_attachments`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(untagged)]
pub enum AttachmentUpload {
    /// Its content, base64 (standard alphabet, padded).
    Bytes { name: String, data: String },
    /// A file the conversation stores already, by its SHA-256 (lower-case hex).
    Stored { name: String, sha256: String },
}

/// A file checked for the composer: ready to send, with what it is, or refused with why.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum AttachmentCheck {
    Ready {
        file: AttachmentInfo,
        /// Its content as base64, when the window does not have it yet (a file picked in the
        /// shell's dialog); left out when the window sent it.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        data: Option<String>,
    },
    Refused {
        name: String,
        error: CommandError,
    },
}

impl AttachmentCheck {
    /// What a check of the file `name` came to; `with_data` sends its content back.
    pub fn of(name: &str, checked: Result<Attachment, CommandError>, with_data: bool) -> Self {
        match checked {
            Ok(file) => AttachmentCheck::Ready {
                file: AttachmentInfo::of(&file),
                data: with_data.then(|| file.base64()),
            },
            Err(error) => AttachmentCheck::Refused { name: name.to_owned(), error },
        }
    }
}

impl AttachmentUpload {
    pub fn name(&self) -> &str {
        match self {
            AttachmentUpload::Bytes { name, .. } | AttachmentUpload::Stored { name, .. } => name,
        }
    }

    /// The file, checked; a stored one's bytes come from `stored(sha256)`.
    pub fn attachment(
        self,
        stored: impl Fn(&str) -> Result<Vec<u8>, CommandError>,
    ) -> Result<Attachment, CommandError> {
        Ok(match self {
            AttachmentUpload::Bytes { name, data } => Attachment::from_base64(name, &data)?,
            AttachmentUpload::Stored { name, sha256 } => Attachment::new(name, stored(&sha256)?)?,
        })
    }
}

/// Every file of a prompt, checked; the first that cannot be sent refuses them all.
pub fn attachments(
    uploads: Vec<AttachmentUpload>,
    stored: impl Fn(&str) -> Result<Vec<u8>, CommandError>,
) -> Result<Vec<Attachment>, CommandError> {
    uploads.into_iter().map(|upload| upload.attachment(&stored)).collect()
}

/// A prompt's files, checked off the async workers; the conversation's history is read only
/// for files it stores already (a prompt sent again).
pub async fn prompt_files(
    store: &telltale_session::Store,
    conversation_id: &str,
    uploads: Vec<AttachmentUpload>,
) -> Result<Vec<Attachment>, CommandError> {
    if uploads.is_empty() {
        return Ok(Vec::new());
    }
    if uploads.iter().any(|upload| matches!(upload, AttachmentUpload::Stored { .. })) {
        let id = conversation_id.to_owned();
        let stored = move |db: &telltale_history::History| {
            attachments(uploads, |sha256| Ok(db.attachment_data(&id, sha256)?))
        };
        return store.call(stored).await;
    }
    let no_store = |_: &str| Err(CommandError::invalid("no stored files were named"));
    tokio::task::spawn_blocking(move || attachments(uploads, no_store))
        .await
        .map_err(|e| CommandError::invalid(format!("checking the files failed: {e}")))?
}

/// Each file as a composer shows it, in the order given (off the async workers): ready, or
/// refused with why. Files are checked with their bytes; one named by its hash is refused.
pub async fn check_uploads(files: Vec<AttachmentUpload>) -> Vec<AttachmentCheck> {
    let check = move || {
        files
            .into_iter()
            .map(|file| {
                let name = file.name().to_owned();
                let checked = file.attachment(|_| {
                    Err(CommandError::invalid("a file to check is sent with its bytes"))
                });
                AttachmentCheck::of(&name, checked, false)
            })
            .collect()
    };
    tokio::task::spawn_blocking(check).await.unwrap_or_default()
}

impl From<AttachmentError> for CommandError {
    fn from(error: AttachmentError) -> Self {
        let code = match &error {
            AttachmentError::TooLarge { .. } => CommandErrorCode::AttachmentTooLarge,
            AttachmentError::Unsupported { .. } => CommandErrorCode::AttachmentUnsupported,
        };
        CommandError::new(code, error.to_string())
    }
}

impl From<AttachFileError> for CommandError {
    fn from(error: AttachFileError) -> Self {
        match error {
            AttachFileError::Refused(error) => error.into(),
            AttachFileError::Missing { .. } => {
                CommandError::new(CommandErrorCode::AttachmentMissing, error.to_string())
            }
            AttachFileError::NotAFile { .. } | AttachFileError::Unreadable { .. } => {
                CommandError::new(CommandErrorCode::AttachmentUnreadable, error.to_string())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    fn no_store(_: &str) -> Result<Vec<u8>, CommandError> {
        Err(CommandError::new(CommandErrorCode::NotFound, "no such file"))
    }

    #[test]
    fn uploads_read_as_bytes_or_stored_files_and_refusals_keep_their_codes() {
        let png = Attachment::new("dot.png", PNG).unwrap();
        let uploads: Vec<AttachmentUpload> = serde_json::from_value(serde_json::json!([
            {"name": "dot.png", "data": png.base64()},
            {"name": "again.png", "sha256": "abc"},
        ]))
        .unwrap();
        let files = attachments(uploads, |sha| {
            assert_eq!(sha, "abc");
            Ok(PNG.to_vec())
        })
        .unwrap();
        assert_eq!(
            files.iter().map(Attachment::name).collect::<Vec<_>>(),
            ["dot.png", "again.png"]
        );

        let mut big = PNG.to_vec();
        big.resize(5_000_001, 0);
        let too_large = Attachment::new("big.png", big).unwrap_err();
        let error = CommandError::from(too_large);
        assert_eq!(error.code, CommandErrorCode::AttachmentTooLarge);
        let check = AttachmentCheck::of("big.png", Err(error), false);
        let json = serde_json::to_value(check).unwrap();
        assert_eq!(json["status"], "refused");
        assert_eq!(json["error"]["code"], "attachment_too_large");
        assert_eq!(json["error"]["message"], "big.png is 5.1 MB: images may be at most 5 MB");

        let ready = serde_json::to_value(AttachmentCheck::of("dot.png", Ok(png), false)).unwrap();
        assert_eq!(ready["status"], "ready");
        assert_eq!(ready["file"]["media_type"], "image/png");
        assert!(ready.get("data").is_none(), "the window has the bytes already");
        let binary = AttachmentUpload::Bytes { name: "a.exe".into(), data: "TVqQAAM=".into() };
        assert_eq!(
            binary.attachment(no_store).unwrap_err().code,
            CommandErrorCode::AttachmentUnsupported
        );
    }
}
