//! A file attached by its path (the CLI's `--attach`, the window's file picker): read here and
//! checked as [`Attachment::new`] checks it, a file too large for its kind or of no kind
//! Telltale sends refused from its first bytes, before it is read whole.

use std::io::Read;
use std::path::Path;

use telltale_protocol::{Attachment, AttachmentError};

/// How much of a file tells its kind.
const HEAD: u64 = 8 * 1024;

/// Why a file could not be attached; said before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttachFileError {
    #[error("{path} does not exist: check the path")]
    Missing { path: String },
    #[error("{path} is a folder: attach the files in it one by one")]
    NotAFile { path: String },
    #[error("cannot read {path}: {why}")]
    Unreadable { path: String, why: String },
    /// Too large for its kind, or of no kind Telltale sends.
    #[error(transparent)]
    Refused(#[from] AttachmentError),
}

impl AttachFileError {
    /// `attachment_missing`, `attachment_unreadable`, `attachment_too_large`,
    /// `attachment_unsupported`: what a front end or a script matches on.
    pub fn code(&self) -> &'static str {
        match self {
            AttachFileError::Missing { .. } => "attachment_missing",
            AttachFileError::NotAFile { .. } | AttachFileError::Unreadable { .. } => {
                "attachment_unreadable"
            }
            AttachFileError::Refused(error) => error.code(),
        }
    }
}

/// The file at `path` as an attachment named after it (blocking: call it off async workers).
pub fn read_attachment(path: &Path) -> Result<Attachment, AttachFileError> {
    let shown = path.display().to_string();
    let unreadable = |error: std::io::Error| match error.kind() {
        std::io::ErrorKind::NotFound => AttachFileError::Missing { path: shown.clone() },
        _ => AttachFileError::Unreadable { path: shown.clone(), why: error.to_string() },
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let metadata = file.metadata().map_err(unreadable)?;
    if metadata.is_dir() {
        return Err(AttachFileError::NotAFile { path: shown });
    }
    let name = path.file_name().map_or_else(|| shown.clone(), |n| n.to_string_lossy().into_owned());
    let mut data = Vec::new();
    let mut reader = file.take(HEAD);
    reader.read_to_end(&mut data).map_err(unreadable)?;
    let size = metadata.len().max(data.len() as u64);
    if let Some(kind) = Attachment::kind_of_start(&data) {
        if size > kind.limit() {
            return Err(AttachmentError::TooLarge { name, kind, size }.into());
        }
        // Past its limit by a byte at most, should it grow meanwhile: `new` refuses it then.
        reader.set_limit(kind.limit() + 1 - data.len() as u64);
        reader.read_to_end(&mut data).map_err(unreadable)?;
    }
    Ok(Attachment::new(name, data)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_read_and_named_after_itself() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.md");
        std::fs::write(&path, "# Notes\n").unwrap();
        let attachment = read_attachment(&path).unwrap();
        assert_eq!((attachment.name(), attachment.text()), ("notes.md", Some("# Notes\n")));
    }

    #[test]
    fn missing_folders_too_large_and_binary_files_are_refused_with_their_codes() {
        let dir = tempfile::tempdir().unwrap();
        let missing = read_attachment(&dir.path().join("nope.png")).unwrap_err();
        assert_eq!(missing.code(), "attachment_missing");
        assert!(missing.to_string().contains("nope.png does not exist"), "{missing}");
        assert_eq!(read_attachment(dir.path()).unwrap_err().code(), "attachment_unreadable");

        let big = dir.path().join("big.txt");
        std::fs::write(&big, "a".repeat(1_500_000)).unwrap();
        let error = read_attachment(&big).unwrap_err();
        assert_eq!(error.code(), "attachment_too_large");
        assert_eq!(error.to_string(), "big.txt is 1.5 MB: text files may be at most 1 MB");

        let binary = dir.path().join("tool.bin");
        std::fs::write(&binary, b"\x7fELF\x02\x01\x01\0\0\0").unwrap();
        assert_eq!(read_attachment(&binary).unwrap_err().code(), "attachment_unsupported");
        let late_binary = dir.path().join("mixed.txt");
        let mut content = "text ".repeat(4000).into_bytes();
        content.extend_from_slice(b"\0\x01");
        std::fs::write(&late_binary, content).unwrap();
        assert_eq!(read_attachment(&late_binary).unwrap_err().code(), "attachment_unsupported");
    }
}
