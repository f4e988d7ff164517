//! What a file attached to a prompt becomes in a request, where a provider takes no file of its
//! kind: a text file's content inline, headed by its name; a PDF's text (OpenAI-compatible
//! servers take no PDF), extracted with lopdf page by page.

/// A file's content inline, headed and closed by its name: how a text file (or a PDF's text)
/// reaches a model.
pub(crate) fn inline_file(name: &str, what: &str, content: &str) -> String {
    format!("<attached {what}: {name}>\n{content}\n</attached {what}: {name}>")
}

/// Why a PDF's text could not be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PdfTextError {
    #[error("it is not a PDF Telltale can read ({0})")]
    Unreadable(String),
    #[error("it is encrypted")]
    Encrypted,
    #[error("it has no text (a scan or images only)")]
    NoText,
}

/// The text of every page, in order.
pub(crate) fn pdf_text(data: &[u8]) -> Result<String, PdfTextError> {
    let document =
        lopdf::Document::load_mem(data).map_err(|e| PdfTextError::Unreadable(e.to_string()))?;
    if document.is_encrypted() {
        return Err(PdfTextError::Encrypted);
    }
    let pages: Vec<u32> = document.get_pages().keys().copied().collect();
    let mut text = String::new();
    for page in &pages {
        // A page whose text cannot be read is skipped; the others still reach the model.
        let Ok(page_text) = document.extract_text(&[*page]) else { continue };
        let page_text = page_text.trim();
        if page_text.is_empty() {
            continue;
        }
        if pages.len() > 1 {
            text.push_str(&format!("[page {page}]\n"));
        }
        text.push_str(page_text);
        text.push('\n');
    }
    if text.is_empty() {
        return Err(PdfTextError::NoText);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/attachments/");
        std::fs::read(format!("{path}{name}")).expect("the fixture")
    }

    #[test]
    fn a_pdfs_text_is_read_and_a_broken_one_says_why() {
        let text = pdf_text(&fixture("report.pdf")).expect("text");
        assert!(text.contains("Quarterly revenue grew 12 percent"), "{text:?}");
        let error = pdf_text(b"%PDF-1.4\nnot really").expect_err("broken");
        assert!(matches!(error, PdfTextError::Unreadable(_)), "{error}");
    }
}
