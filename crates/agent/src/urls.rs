//! URLs as Telltale shows them: a URL may carry a user name and password (`https://user:pass@host`),
//! and none of that may reach an error, a status, an event or a log. Every message that quotes a
//! base URL, a request URL or a server's address goes through [`without_userinfo`].

/// `text` with the `user:pass@` part removed from every URL in it (`scheme://user:pass@host/…`
/// becomes `scheme://host/…`); everything else is kept as it was. Works on a URL alone and on a
/// message that quotes URLs (an HTTP library's error, a server's answer).
///
/// The part removed is everything between `://` and the last `@` before the authority ends (at
/// `/`, `?`, `#`, white space, a quote or angle bracket, or the end of the text), so a password
/// with an `@` in it goes too.
pub fn without_userinfo(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (before, after) = rest.split_at(at + 3);
        out.push_str(before);
        let end = after.find(ends_authority).unwrap_or(after.len());
        let authority = &after[..end];
        match authority.rfind('@') {
            Some(last) => out.push_str(&authority[last + 1..]),
            None => out.push_str(authority),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Whether `c` ends a URL's authority (or the URL itself) in running text.
fn ends_authority(c: char) -> bool {
    matches!(c, '/' | '?' | '#' | '"' | '<' | '>' | '`' | '\\') || c.is_whitespace()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_name_and_password_go_and_the_rest_stays() {
        let cases = [
            ("https://user:secret@api.example/v1", "https://api.example/v1"),
            ("http://user:secret@127.0.0.1:8080/v1?x=1#f", "http://127.0.0.1:8080/v1?x=1#f"),
            ("http://secret@[::1]:9/", "http://[::1]:9/"),
            ("https://u:p@ss@host", "https://host"),
            ("https://api.example/v1/a@b", "https://api.example/v1/a@b"),
            ("https://host?who=me@there", "https://host?who=me@there"),
            ("no url here, just me@example.com", "no url here, just me@example.com"),
            ("", ""),
        ];
        for (given, shown) in cases {
            assert_eq!(without_userinfo(given), shown, "{given}");
        }
    }

    #[test]
    fn every_url_in_a_message_loses_its_credentials() {
        let message = "error sending request for url (http://user:secret@127.0.0.1:9/v1/chat): \
                       redirected to \"https://admin:secret@other.example/x\" from ws://secret@h";
        let shown = without_userinfo(message);
        assert!(!shown.contains("secret"), "{shown}");
        assert_eq!(
            shown,
            "error sending request for url (http://127.0.0.1:9/v1/chat): redirected to \
             \"https://other.example/x\" from ws://h"
        );
    }
}
