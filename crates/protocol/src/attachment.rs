//! A file sent with a prompt: an image, a PDF, or a text or code file. Its kind comes from its
//! content (magic bytes; text is UTF-8 without NUL bytes), never from its name alone, and each
//! kind has a size limit, checked before anything is sent ([`Attachment::new`]).

use std::sync::{Arc, OnceLock};

use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What an attachment is, as its content says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    /// PNG, JPEG, WebP or GIF.
    Image,
    Pdf,
    /// UTF-8 text: prose, code, data.
    Text,
}

impl AttachmentKind {
    /// The largest file of this kind Telltale sends, in bytes.
    pub const fn limit(self) -> u64 {
        match self {
            AttachmentKind::Image => 5 * MB,
            AttachmentKind::Pdf => 20 * MB,
            AttachmentKind::Text => MB,
        }
    }

    /// "images", "PDFs", "text files": as a message names them.
    pub const fn plural(self) -> &'static str {
        match self {
            AttachmentKind::Image => "images",
            AttachmentKind::Pdf => "PDFs",
            AttachmentKind::Text => "text files",
        }
    }
}

const MB: u64 = 1_000_000;

/// Why a file cannot be attached; said before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttachmentError {
    #[error("{name} is {}: {} may be at most {}", megabytes(*size), kind.plural(), megabytes(kind.limit()))]
    TooLarge { name: String, kind: AttachmentKind, size: u64 },
    #[error(
        "{name} cannot be attached: {reason}. Telltale sends images (PNG, JPEG, WebP, GIF), PDFs, \
         and text or code files (UTF-8)"
    )]
    Unsupported { name: String, reason: String },
}

impl AttachmentError {
    /// `attachment_too_large`, `attachment_unsupported`: what a front end or script matches on.
    pub fn code(&self) -> &'static str {
        match self {
            AttachmentError::TooLarge { .. } => "attachment_too_large",
            AttachmentError::Unsupported { .. } => "attachment_unsupported",
        }
    }
}

/// `5 MB`, `6.2 MB`, `512 KB`, `80 bytes`: rounded up, so that a file over a limit never reads
/// as within it.
pub fn megabytes(bytes: u64) -> String {
    match bytes {
        b if b % MB == 0 && b > 0 => format!("{} MB", b / MB),
        b if b >= MB => format!("{:.1} MB", b.div_ceil(MB / 10) as f64 / 10.0),
        b if b >= 1000 => format!("{} KB", b.div_ceil(1000)),
        b => format!("{b} bytes"),
    }
}

/// `data` as base64 (standard alphabet, padded): how JSON carries a file's bytes.
pub fn to_base64(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

/// A file sent with a prompt. In JSON its bytes are base64 (`data`); reading one back checks it
/// as [`Attachment::new`] does, so every `Attachment` has a kind its content confirms.
#[derive(Clone)]
pub struct Attachment {
    name: String,
    kind: AttachmentKind,
    media_type: &'static str,
    /// Shared: a run's transcript is cloned for each step.
    data: Arc<[u8]>,
    /// The content's SHA-256, computed when first asked for and shared by the clones.
    sha256: Arc<OnceLock<[u8; 32]>>,
}

impl PartialEq for Attachment {
    fn eq(&self, other: &Self) -> bool {
        // The hash follows from the data.
        self.name == other.name
            && self.kind == other.kind
            && self.media_type == other.media_type
            && self.data == other.data
    }
}

impl Attachment {
    /// The file `name` with content `data`, its kind detected from the content; refused when
    /// the content is of no kind Telltale sends, or larger than its kind's limit.
    pub fn new(
        name: impl Into<String>,
        data: impl Into<Arc<[u8]>>,
    ) -> Result<Self, AttachmentError> {
        let name = name.into();
        let data = data.into();
        let Some((kind, media_type)) = detect(&data, true) else {
            let reason = if data.is_empty() {
                "it is empty"
            } else {
                "its content is no image, PDF or UTF-8 text"
            };
            return Err(AttachmentError::Unsupported { name, reason: reason.to_owned() });
        };
        let size = data.len() as u64;
        if size > kind.limit() {
            return Err(AttachmentError::TooLarge { name, kind, size });
        }
        Ok(Attachment { name, kind, media_type, data, sha256: Arc::default() })
    }

    /// [`Attachment::new`] for content given as base64 (standard alphabet, padded), as a front
    /// end sends a file over JSON; refused as unsupported when it is not base64.
    pub fn from_base64(name: impl Into<String>, data: &str) -> Result<Self, AttachmentError> {
        let name = name.into();
        match base64::engine::general_purpose::STANDARD.decode(data.as_bytes()) {
            Ok(data) => Attachment::new(name, data),
            Err(error) => Err(AttachmentError::Unsupported {
                name,
                reason: format!("what was sent is not base64 ({error})"),
            }),
        }
    }

    /// The kind of a file whose content begins with `head` (its first few KB), as far as they
    /// tell: for refusing a file too large to read whole by its kind's limit, or a binary one,
    /// before reading it. Text is judged on `head` alone (a character cut at its end allowed).
    pub fn kind_of_start(head: &[u8]) -> Option<AttachmentKind> {
        detect(head, false).map(|(kind, _)| kind)
    }

    /// The file's name (no folder).
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn kind(&self) -> AttachmentKind {
        self.kind
    }

    /// `image/png`, `image/jpeg`, `image/webp`, `image/gif`, `application/pdf`, `text/plain`.
    pub fn media_type(&self) -> &'static str {
        self.media_type
    }

    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// The content's SHA-256: what identifies it (the history stores a content once per
    /// conversation by it; a provider keeps what it made of a file by it). Computed once for an
    /// attachment and its clones.
    pub fn sha256(&self) -> &[u8; 32] {
        self.sha256.get_or_init(|| Sha256::digest(&self.data).into())
    }

    /// [`Attachment::sha256`] in lower-case hex.
    pub fn sha256_hex(&self) -> String {
        self.sha256().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The content as base64 (standard alphabet, padded).
    pub fn base64(&self) -> String {
        to_base64(&self.data)
    }

    /// The content as text, for a text file (`None` for an image or a PDF).
    pub fn text(&self) -> Option<&str> {
        match self.kind {
            AttachmentKind::Text => std::str::from_utf8(&self.data).ok().map(without_bom),
            _ => None,
        }
    }
}

impl std::fmt::Debug for Attachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attachment")
            .field("name", &self.name)
            .field("media_type", &self.media_type)
            .field("size", &self.data.len())
            .finish()
    }
}

fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// The kind and media type the content's first bytes say, or text for UTF-8 without NUL bytes;
/// `data` is the whole content when `complete`, else its start (which may end mid-character).
fn detect(data: &[u8], complete: bool) -> Option<(AttachmentKind, &'static str)> {
    const IMAGES: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xff\xd8\xff", "image/jpeg"),
        (b"GIF87a", "image/gif"),
        (b"GIF89a", "image/gif"),
    ];
    if let Some((_, media_type)) = IMAGES.iter().find(|(magic, _)| data.starts_with(magic)) {
        return Some((AttachmentKind::Image, media_type));
    }
    if data.len() >= 12 && data.starts_with(b"RIFF") && &data[8..12] == b"WEBP" {
        return Some((AttachmentKind::Image, "image/webp"));
    }
    if data.starts_with(b"%PDF-") {
        return Some((AttachmentKind::Pdf, "application/pdf"));
    }
    let utf8 = match std::str::from_utf8(data) {
        Ok(_) => true,
        // The start of a file may cut its last character: only an invalid byte refuses it.
        Err(error) => !complete && error.error_len().is_none(),
    };
    let text = !data.is_empty() && !data.contains(&0) && utf8;
    text.then_some((AttachmentKind::Text, "text/plain"))
}

/// An attachment as JSON holds it: its kind and media type are written for readers, and checked
/// against the content when read back.
#[derive(Serialize, Deserialize)]
struct Encoded {
    name: String,
    kind: AttachmentKind,
    media_type: String,
    data: String,
}

impl TryFrom<Encoded> for Attachment {
    type Error = String;

    fn try_from(encoded: Encoded) -> Result<Self, String> {
        let data = base64::engine::general_purpose::STANDARD
            .decode(encoded.data.as_bytes())
            .map_err(|e| format!("attachment {}: its data is not base64: {e}", encoded.name))?;
        let attachment = Attachment::new(encoded.name, data).map_err(|e| e.to_string())?;
        if attachment.kind != encoded.kind {
            return Err(format!(
                "attachment {} says it is {:?} but its content is {:?}",
                attachment.name, encoded.kind, attachment.kind
            ));
        }
        Ok(attachment)
    }
}

impl Serialize for Attachment {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Encoded {
            name: self.name.clone(),
            kind: self.kind,
            media_type: self.media_type.to_owned(),
            data: self.base64(),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Attachment {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Encoded::deserialize(deserializer)?.try_into().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    #[test]
    fn the_kind_comes_from_the_content_not_the_name() {
        let png = Attachment::new("notes.txt", PNG).expect("an image");
        assert_eq!((png.kind(), png.media_type()), (AttachmentKind::Image, "image/png"));
        let jpeg = Attachment::new("a", &b"\xff\xd8\xff\xe0rest"[..]).expect("jpeg");
        assert_eq!(jpeg.media_type(), "image/jpeg");
        let webp = Attachment::new("a", &b"RIFF\x10\0\0\0WEBPVP8 "[..]).expect("webp");
        assert_eq!(webp.media_type(), "image/webp");
        let gif = Attachment::new("a", &b"GIF89a\x01\0"[..]).expect("gif");
        assert_eq!(gif.media_type(), "image/gif");
        let pdf = Attachment::new("a.png", &b"%PDF-1.7\n"[..]).expect("pdf");
        assert_eq!(pdf.kind(), AttachmentKind::Pdf);
        let code = Attachment::new("main.rs", &b"\xef\xbb\xbffn main() {}\n"[..]).expect("text");
        assert_eq!((code.kind(), code.text()), (AttachmentKind::Text, Some("fn main() {}\n")));
        assert_eq!(png.text(), None);
    }

    #[test]
    fn the_hash_is_the_contents_sha256_whatever_the_name() {
        let empty_line = Attachment::new("a.txt", &b"\n"[..]).expect("text");
        assert_eq!(
            empty_line.sha256_hex(),
            "01ba4719c80b6fe911b091a7c05124b64eeece964e09c058ef8f9805daca546b"
        );
        let renamed = Attachment::new("b.txt", &b"\n"[..]).expect("text");
        assert_eq!(renamed.sha256(), empty_line.clone().sha256());
        assert_ne!(renamed, empty_line, "the name still sets files apart");
    }

    #[test]
    fn binaries_empty_files_and_files_over_their_kinds_limit_are_refused() {
        let binary = Attachment::new("app.exe", &b"MZ\x90\0\x03"[..]).expect_err("binary");
        assert_eq!(binary.code(), "attachment_unsupported");
        assert!(binary.to_string().starts_with("app.exe cannot be attached: its content is no"));
        let latin1 = Attachment::new("old.txt", &b"caf\xe9"[..]).expect_err("not UTF-8");
        assert_eq!(latin1.code(), "attachment_unsupported");
        let empty = Attachment::new("empty.txt", Vec::new()).expect_err("empty");
        assert!(empty.to_string().contains("it is empty"), "{empty}");

        let mut big = PNG.to_vec();
        big.resize(6_200_000, 0);
        let error = Attachment::new("photo.png", big).expect_err("too large");
        assert_eq!(error.code(), "attachment_too_large");
        assert_eq!(error.to_string(), "photo.png is 6.2 MB: images may be at most 5 MB");
        let text = vec![b'a'; 1_000_001];
        let error = Attachment::new("log.txt", text).expect_err("too large");
        assert_eq!(error.to_string(), "log.txt is 1.1 MB: text files may be at most 1 MB");
        let mut pdf = b"%PDF-1.4".to_vec();
        pdf.resize(20_000_000, b' ');
        assert!(Attachment::new("book.pdf", pdf).is_ok(), "exactly the limit is allowed");
    }

    #[test]
    fn the_start_of_a_file_tells_its_kind() {
        assert_eq!(Attachment::kind_of_start(PNG), Some(AttachmentKind::Image));
        assert_eq!(Attachment::kind_of_start(b"%PDF-1.7"), Some(AttachmentKind::Pdf));
        let cut_mid_character = "café".as_bytes();
        let cut_mid_character = &cut_mid_character[..cut_mid_character.len() - 1];
        assert_eq!(Attachment::kind_of_start(cut_mid_character), Some(AttachmentKind::Text));
        assert!(Attachment::new("cut.txt", cut_mid_character).is_err(), "a whole file is whole");
        assert_eq!(Attachment::kind_of_start(b"MZ\x90\0\x03"), None);
    }

    #[test]
    fn json_carries_the_bytes_as_base64_and_checks_them_when_read() {
        let png = Attachment::new("dot.png", PNG).expect("an image");
        let json = serde_json::to_value(&png).expect("serializes");
        assert_eq!(json["kind"], "image");
        assert_eq!(json["media_type"], "image/png");
        assert_eq!(json["data"], png.base64());
        let back: Attachment = serde_json::from_value(json.clone()).expect("reads back");
        assert_eq!(back, png);

        let mut lying = json.clone();
        lying["kind"] = "text".into();
        assert!(serde_json::from_value::<Attachment>(lying).is_err());
        let mut garbled = json;
        garbled["data"] = "not base64!".into();
        assert!(serde_json::from_value::<Attachment>(garbled).is_err());

        assert_eq!(Attachment::from_base64("dot.png", &png.base64()), Ok(png));
        let error = Attachment::from_base64("dot.png", "not base64!").expect_err("garbled");
        assert_eq!(error.code(), "attachment_unsupported");
    }
}
