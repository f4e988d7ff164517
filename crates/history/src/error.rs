//! What can go wrong with the history, typed so that the app and the CLI can say what to do.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot find the app-data folder: set TELLTALE_DATA_DIR")]
    NoDataDir,
    #[error("cannot create the data folder {path}: {source}")]
    CreateDir { path: PathBuf, source: std::io::Error },
    #[error(
        "the history database is from a newer Telltale (schema version {found}; this version knows up to {supported}): update Telltale"
    )]
    TooNew { found: u32, supported: u32 },
    #[error("no conversation {0}")]
    NotFound(String),
    #[error("{0:?} matches several conversations: give more of the id")]
    Ambiguous(String),
    #[error("no run {0}")]
    RunNotFound(String),
    #[error("{0:?} matches several runs: give more of the id")]
    AmbiguousRun(String),
    #[error("run {run_id} {why}")]
    NotCutOff { run_id: String, why: &'static str },
    #[error("a run {0} is already recorded")]
    DuplicateRun(String),
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error("history database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("corrupt history record: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the attached file {name} cannot be read from the history: {why}")]
    Attachment { name: String, why: String },
    #[error(
        "the JSON export would be {:.1} MiB, more than the {} MiB Telltale imports: export it as \
         Markdown or HTML instead, or go on in a new conversation without the large attachments",
        *size as f64 / 1_048_576.0,
        limit / 1_048_576
    )]
    ExportTooLarge { size: u64, limit: u64 },
    #[error("the recorder stopped: {0}")]
    RecorderGone(String),
}

/// Why a file could not be imported. Nothing is changed when import fails.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("not a JSON file: {0}")]
    NotJson(String),
    #[error(
        "not a Telltale conversation export (format is {0:?}, expected \"telltale-conversation\")"
    )]
    ForeignFormat(String),
    #[error("exported by a newer Telltale (protocol version {found}; this version reads up to {supported})")]
    UnsupportedVersion { found: u64, supported: u32 },
    #[error("malformed conversation export: {0}")]
    Malformed(String),
    #[error(
        "the file is too large to import ({:.1} MiB): Telltale imports conversation exports of up \
         to {} MiB",
        *size as f64 / 1_048_576.0,
        limit / 1_048_576
    )]
    TooLarge { size: u64, limit: u64 },
    #[error("cannot read {path}: {reason}")]
    Unreadable { path: String, reason: String },
}

impl Error {
    /// A stable code for the errors a front end or script tells apart: `export_too_large`.
    pub fn code(&self) -> Option<&'static str> {
        match self {
            Error::ExportTooLarge { .. } => Some("export_too_large"),
            _ => None,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
