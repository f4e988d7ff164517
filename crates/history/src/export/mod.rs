//! Exporting a conversation: Markdown (readable anywhere), JSON (lossless, re-importable) and
//! HTML (one self-contained file that looks like the app).

pub mod html;
pub mod json;
pub mod markdown;
mod transcript;

use std::collections::HashMap;

use telltale_protocol::{Attachment, AttachmentKind};

use crate::db::History;
use crate::error::Result;
use crate::import::MAX_IMPORT_BYTES;

/// The export formats, named as the window asks for them (`md`, `json`, `html`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
#[ts(rename = "ExportFormat")]
pub enum Format {
    #[serde(rename = "md", alias = "markdown")]
    Markdown,
    Json,
    Html,
}

impl Format {
    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Json => "json",
            Format::Html => "html",
        }
    }
}

impl History {
    /// The conversation exported in `format`: in JSON every run of every branch, in Markdown
    /// and HTML the branch a window last showed, else the latest run's (see
    /// [`export_branch`](Self::export_branch)).
    pub fn export(&self, conversation_id: &str, format: Format) -> Result<String> {
        self.export_branch(conversation_id, format, None)
    }

    /// The conversation exported in `format`; Markdown and HTML show the branch that ends at
    /// run `leaf` (`None`: the run a window last showed it at, see [`History::show_run`], else
    /// the latest run), the conversation as it reads on screen. JSON holds every run with its
    /// `parent_run_id`, whatever `leaf` is.
    ///
    /// A JSON export larger than import takes ([`MAX_IMPORT_BYTES`]) is refused with
    /// [`crate::Error::ExportTooLarge`].
    pub fn export_branch(
        &self,
        conversation_id: &str,
        format: Format,
        leaf: Option<&str>,
    ) -> Result<String> {
        if format == Format::Json {
            return self.export_json_within(conversation_id, MAX_IMPORT_BYTES);
        }
        let mut detail = self.get(conversation_id)?;
        let leaf = leaf.or(detail.shown_run_id.as_deref());
        let branch = self.branch(conversation_id, leaf)?;
        detail.runs.retain(|run| branch.contains(&run.run_id));
        Ok(match format {
            Format::Html => html::render(&detail, &self.image_urls(conversation_id, &detail)?),
            Format::Markdown | Format::Json => markdown::render(&detail),
        })
    }

    /// The JSON export, refused with [`crate::Error::ExportTooLarge`] when it would be larger
    /// than `limit` bytes ([`export`](Self::export) takes [`MAX_IMPORT_BYTES`], what import
    /// reads).
    pub fn export_json_within(&self, conversation_id: &str, limit: u64) -> Result<String> {
        let detail = self.get(conversation_id)?;
        let messages = self.stored_messages(conversation_id)?;
        json::render(&detail, &messages, limit)
    }
}

impl History {
    /// The images the runs of `detail` carried, as data URLs by SHA-256: what the HTML export
    /// embeds.
    fn image_urls(
        &self,
        conversation_id: &str,
        detail: &crate::ConversationDetail,
    ) -> Result<HashMap<String, String>> {
        let mut urls = HashMap::new();
        let images = detail.runs.iter().flat_map(|run| &run.attachments);
        for file in images.filter(|file| file.kind == AttachmentKind::Image) {
            if urls.contains_key(&file.sha256) {
                continue;
            }
            let data = self.attachment_data(conversation_id, &file.sha256)?;
            let image = Attachment::new(file.name.clone(), data).map_err(|e| {
                crate::Error::Attachment { name: file.name.clone(), why: e.to_string() }
            })?;
            let url = format!("data:{};base64,{}", image.media_type(), image.base64());
            urls.insert(file.sha256.clone(), url);
        }
        Ok(urls)
    }
}

/// `2024-05-01 09:30 UTC` for epoch milliseconds.
pub fn format_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| ms.to_string())
}
