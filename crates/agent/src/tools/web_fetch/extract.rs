//! What `web_fetch` gives the model from a response body: readable text from HTML (the
//! `html2text` crate, links kept as footnotes), text and JSON as they are, and for anything else
//! a line saying what it was.

/// Width the HTML text is wrapped at.
const WRAP_WIDTH: usize = 100;

/// The readable text of `body`, given its `Content-Type`; `None` when it is not text.
pub fn readable_text(content_type: &str, body: &[u8]) -> Option<String> {
    let mime = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    let looks_like_html = mime.is_empty() && sniff_html(body);
    if mime == "text/html" || mime == "application/xhtml+xml" || looks_like_html {
        return Some(html_text(body));
    }
    let textual = mime.starts_with("text/")
        || mime.ends_with("+json")
        || mime.ends_with("+xml")
        || matches!(
            mime.as_str(),
            "application/json"
                | "application/xml"
                | "application/javascript"
                | "application/x-yaml"
        )
        || (mime.is_empty() && !body.iter().take(8192).any(|&b| b == 0));
    textual.then(|| String::from_utf8_lossy(body).into_owned())
}

fn sniff_html(body: &[u8]) -> bool {
    let start = String::from_utf8_lossy(&body[..body.len().min(512)]).to_ascii_lowercase();
    let start = start.trim_start();
    start.starts_with("<!doctype html") || start.starts_with("<html")
}

fn html_text(body: &[u8]) -> String {
    let text = html2text::config::plain()
        .string_from_read(body, WRAP_WIDTH)
        .unwrap_or_else(|_| String::from_utf8_lossy(body).into_owned());
    squeeze_blank_lines(&text)
}

/// At most one blank line in a row, and no trailing spaces.
fn squeeze_blank_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_text_without_tags_scripts_or_styles() {
        let page = br#"<!doctype html><html><head><title>T</title><style>p{color:red}</style>
            <script>alert(1)</script></head><body><h1>Flights</h1><p>Cheapest: <b>$120</b>.</p>
            <ul><li>one</li><li>two</li></ul></body></html>"#;
        let text = readable_text("text/html; charset=utf-8", page).unwrap();
        assert!(text.contains("Flights") && text.contains("Cheapest: **$120**."), "{text}");
        assert!(text.contains("one") && text.contains("two"), "{text}");
        assert!(
            !text.contains('<') && !text.contains("alert") && !text.contains("color"),
            "{text}"
        );
    }

    #[test]
    fn text_and_json_pass_through_and_binary_is_not_text() {
        assert_eq!(readable_text("application/json", b"{\"a\":1}").unwrap(), "{\"a\":1}");
        assert_eq!(readable_text("text/plain", b"hi").unwrap(), "hi");
        assert_eq!(readable_text("image/png", b"\x89PNG\r\n"), None);
        assert_eq!(readable_text("", b"\x00\x01"), None);
        assert!(readable_text("", b"<!DOCTYPE html><p>x</p>").unwrap().contains('x'));
    }
}
