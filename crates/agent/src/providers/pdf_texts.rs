//! The text of the PDFs a provider has sent, kept by content (SHA-256): a request carries the
//! whole conversation, so without it a 20 MB PDF would be parsed again at every step of a run and
//! for every later turn. The least recently used texts go first once the texts kept pass
//! [`PdfTexts::BUDGET`] bytes.

use std::sync::{Arc, Mutex};

use telltale_protocol::Attachment;

use crate::providers::attached::pdf_text;

/// What a provider made of the PDFs it sent: one per provider, shared by its runs.
#[derive(Debug, Default)]
pub(crate) struct PdfTexts {
    kept: Mutex<Kept>,
    /// How many PDFs were parsed: what the tests observe.
    #[cfg(test)]
    extracted: std::sync::atomic::AtomicUsize,
}

#[derive(Debug, Default)]
struct Kept {
    /// The least recently used first.
    entries: Vec<([u8; 32], Arc<str>)>,
    bytes: usize,
}

impl PdfTexts {
    /// How many bytes of text are kept at most (a text larger than this is not kept).
    pub(crate) const BUDGET: usize = 32 << 20;

    /// The text a model gets for `file`, a PDF: its pages' text, or why there is none. Parsed
    /// once per content while it stays among the texts kept.
    pub(crate) fn text_of(&self, file: &Attachment) -> Arc<str> {
        let key = *file.sha256();
        if let Some(text) = self.kept().take(&key) {
            return text;
        }
        // Parsed without the lock: another run may read the texts kept meanwhile.
        #[cfg(test)]
        self.extracted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let text: Arc<str> = match pdf_text(file.data()) {
            Ok(text) => text.into(),
            Err(error) => format!("[Telltale could not extract this PDF's text: {error}]").into(),
        };
        self.kept().put(key, Arc::clone(&text));
        text
    }

    fn kept(&self) -> std::sync::MutexGuard<'_, Kept> {
        // A panic while the lock was held left nothing half-done: every change is one push or
        // removal.
        self.kept.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    #[cfg(test)]
    pub(crate) fn extracted(&self) -> usize {
        self.extracted.load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl Kept {
    /// The text kept for `key`, now the most recently used.
    fn take(&mut self, key: &[u8; 32]) -> Option<Arc<str>> {
        let at = self.entries.iter().position(|(k, _)| k == key)?;
        let entry = self.entries.remove(at);
        let text = Arc::clone(&entry.1);
        self.entries.push(entry);
        Some(text)
    }

    fn put(&mut self, key: [u8; 32], text: Arc<str>) {
        if text.len() > PdfTexts::BUDGET || self.entries.iter().any(|(k, _)| *k == key) {
            return;
        }
        while self.bytes + text.len() > PdfTexts::BUDGET && !self.entries.is_empty() {
            let (_, evicted) = self.entries.remove(0);
            self.bytes -= evicted.len();
        }
        self.bytes += text.len();
        self.entries.push((key, text));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Attachment {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/attachments/report.pdf");
        Attachment::new("report.pdf", std::fs::read(path).expect("the fixture")).expect("a PDF")
    }

    #[test]
    fn a_pdf_is_parsed_once_for_its_content_and_its_text_is_the_same() {
        let texts = PdfTexts::default();
        let first = texts.text_of(&report());
        // The same content read again (a later turn loads it from the history anew).
        let again = texts.text_of(&report());
        assert_eq!(texts.extracted(), 1);
        assert_eq!(first, again);
        assert_eq!(*first, pdf_text(report().data()).expect("text"));

        let broken = Attachment::new("broken.pdf", &b"%PDF-1.4\nnot really"[..]).expect("a PDF");
        let why = texts.text_of(&broken);
        assert!(why.starts_with("[Telltale could not extract this PDF's text: it is not"), "{why}");
        assert_eq!(texts.text_of(&broken), why, "a PDF without text is not parsed again either");
        assert_eq!(texts.extracted(), 2);
    }

    #[test]
    fn the_least_recently_used_texts_go_once_the_budget_is_reached() {
        let mut kept = Kept::default();
        let quarter =
            |byte: u8| -> Arc<str> { "x".repeat(PdfTexts::BUDGET / 4 + usize::from(byte)).into() };
        for key in 1..=3 {
            kept.put([key; 32], quarter(key));
        }
        assert!(kept.take(&[1; 32]).is_some(), "three quarters fit");
        kept.put([4; 32], quarter(4));
        assert!(kept.take(&[2; 32]).is_none(), "the least recently used went");
        assert_eq!(kept.entries.len(), 3, "and only it");
        kept.put([5; 32], "x".repeat(PdfTexts::BUDGET / 2).into());
        let keys: Vec<u8> = kept.entries.iter().map(|(key, _)| key[0]).collect();
        assert_eq!(keys, [4, 5], "3, then 1 (used after 3), made room");
        assert_eq!(kept.bytes, quarter(4).len() + PdfTexts::BUDGET / 2);
        kept.put([6; 32], "x".repeat(PdfTexts::BUDGET + 1).into());
        assert!(kept.take(&[6; 32]).is_none(), "a text over the budget is not kept");
        assert_eq!(kept.entries.len(), 2, "and pushes nothing out");
    }
}
