//! The links the window asks the shell to open outside it (`open_external`), checked here because
//! the webview cannot be trusted: http and https as given, and `mailto:` rebuilt with its
//! addresses, subject and body only. Anything else a mail link carries (`cc`, `bcc`, `attach`,
//! `attachment`, `in-reply-to`, any other header) is dropped: a page or a model's answer must not
//! copy someone in or attach one of the user's files to a mail the user meant to write.

use tauri::Url;

/// Why a link is not opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("only http, https and mailto links can be opened")]
    Scheme,
    #[error("the link is not a valid URL")]
    NotUrl,
    #[error("the mail link's address is not an email address")]
    Address,
}

/// The parts of a mail link that are kept.
const MAIL_FIELDS: [&str; 3] = ["to", "subject", "body"];

/// The link to hand to the system: `url` itself for http(s), a rebuilt `mailto:` URL, or why
/// it is not opened.
pub fn checked(url: &str) -> Result<String, LinkError> {
    let scheme = url.split_once(':').map(|(scheme, _)| scheme.trim().to_ascii_lowercase());
    match scheme.as_deref() {
        Some("http" | "https") => {
            Url::parse(url.trim()).map(String::from).map_err(|_| LinkError::NotUrl)
        }
        Some("mailto") => mailto(url.trim()),
        _ => Err(LinkError::Scheme),
    }
}

/// `mailto:` with its addresses and only the `to`, `subject` and `body` fields (the first
/// subject and body; every `to`), each as it was written.
fn mailto(url: &str) -> Result<String, LinkError> {
    let parsed = Url::parse(url).map_err(|_| LinkError::NotUrl)?;
    let addresses = parsed.path();
    check_addresses(addresses)?;
    let mut kept: Vec<&str> = Vec::new();
    let mut seen = [false; MAIL_FIELDS.len()];
    for pair in parsed.query().unwrap_or_default().split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = decode(name).to_ascii_lowercase();
        let Some(field) = MAIL_FIELDS.iter().position(|f| *f == name) else {
            continue;
        };
        if name == "to" {
            check_addresses(value)?;
        } else if std::mem::replace(&mut seen[field], true) {
            continue;
        }
        kept.push(pair);
    }
    let mut rebuilt = format!("mailto:{addresses}");
    if !kept.is_empty() {
        rebuilt.push('?');
        rebuilt.push_str(&kept.join("&"));
    }
    Ok(rebuilt)
}

/// Refuses a list of addresses (`a@example.com,b@example.com`, percent-encoded) with anything
/// that is not part of an address once decoded: white space, control characters, `?`, `&`, `<`,
/// `>` or quotes, which a mail client could read as more of the link.
fn check_addresses(encoded: &str) -> Result<(), LinkError> {
    let decoded = decode(encoded);
    for address in decoded.split(',').map(str::trim).filter(|a| !a.is_empty()) {
        let forbidden = |c: char| c.is_whitespace() || c.is_control() || "?&<>\"\\".contains(c);
        if !address.contains('@') || address.chars().any(forbidden) {
            return Err(LinkError::Address);
        }
    }
    Ok(())
}

/// `text` with its `%XX` escapes decoded (invalid UTF-8 replaced; `+` stays `+`, as in mailto).
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mail_link_keeps_only_its_addresses_subject_and_body() {
        let cases = [
            ("mailto:alice@example.com", "mailto:alice@example.com"),
            (
                "mailto:alice@example.com?subject=Launch%20plan&body=Hi%20Alice%2C%0A1+1",
                "mailto:alice@example.com?subject=Launch%20plan&body=Hi%20Alice%2C%0A1+1",
            ),
            (
                "mailto:alice@example.com?cc=eve@evil.example&bcc=eve@evil.example&subject=Hi\
                 &attach=/home/me/.ssh/id_rsa&Attachment=file:///etc/passwd&body=See%20you\
                 &in-reply-to=%3Cx@y%3E&X-Anything=1",
                "mailto:alice@example.com?subject=Hi&body=See%20you",
            ),
            // Header names are not case-sensitive; the first subject and body win, every to stays.
            (
                "MAILTO:a@example.com?SUBJECT=one&Subject=two&To=b@example.com&to=c@example.com",
                "mailto:a@example.com?SUBJECT=one&To=b@example.com&to=c@example.com",
            ),
            ("mailto:a@example.com,b@example.com?CC=x@y.z", "mailto:a@example.com,b@example.com"),
            ("mailto:?to=a@example.com&bcc=x@y.z", "mailto:?to=a@example.com"),
            ("mailto:a@example.com?&&subject=&cc", "mailto:a@example.com?subject="),
        ];
        for (given, opened) in cases {
            assert_eq!(checked(given).as_deref(), Ok(opened), "{given}");
        }
    }

    #[test]
    fn addresses_that_smuggle_more_of_the_link_are_refused() {
        for smuggled in [
            "mailto:alice@example.com%3Fcc%3Deve@evil.example",
            "mailto:alice@example.com%26cc=eve@evil.example",
            "mailto:alice%0Acc:eve@evil.example",
            "mailto:?to=a@example.com%3Fattach%3D%2Fetc%2Fpasswd",
            "mailto:not-an-address",
            "mailto:%22Eve%22%20%3Ceve@evil.example%3E",
        ] {
            assert_eq!(checked(smuggled), Err(LinkError::Address), "{smuggled}");
        }
    }

    #[test]
    fn web_links_pass_and_every_other_scheme_is_refused() {
        assert_eq!(
            checked("https://example.com/a?b=c#d").as_deref(),
            Ok("https://example.com/a?b=c#d")
        );
        assert_eq!(checked("HTTP://example.com").as_deref(), Ok("http://example.com/"));
        for refused in ["file:///etc/passwd", "javascript:alert(1)", "tel:123", "sms:1", "", "x"] {
            assert_eq!(checked(refused), Err(LinkError::Scheme), "{refused}");
        }
        assert_eq!(checked("https://exa mple.com"), Err(LinkError::NotUrl));
    }
}
