//! URLs as Telltale shows and judges them. A URL may carry a user name and password
//! (`https://user:pass@host`), and none of that may reach an error, a status, an event or a log:
//! every message that quotes a base URL, a request URL or a server's address goes through
//! [`without_userinfo`]. A key goes over plain http only to this computer
//! ([`is_plain_http_to_another_computer`]).

use std::net::IpAddr;

use reqwest::Url;

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

/// The origin of an http(s) URL, as `scheme://host[:port]` (the port only when it is not the
/// scheme's default; never a user name or password), or `None` for anything else.
pub fn origin(url: &str) -> Option<String> {
    let url = Url::parse(url.trim()).ok().filter(|u| matches!(u.scheme(), "http" | "https"))?;
    url.host_str()?;
    Some(url.origin().ascii_serialization())
}

/// Whether `url`'s host is this computer: 127.0.0.0/8, ::1 (or an IPv4-mapped 127.x address),
/// or `localhost`.
pub fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => ip.is_loopback(),
        Ok(IpAddr::V6(ip)) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Err(_) => bare.eq_ignore_ascii_case("localhost"),
    }
}

/// Whether a key sent to `base_url` would cross the network readable on the way: plain http to
/// a host other than this computer. A URL that does not parse is not judged here (whatever uses
/// it refuses it with its own message).
pub fn is_plain_http_to_another_computer(base_url: &str) -> bool {
    Url::parse(base_url.trim()).is_ok_and(|url| url.scheme() == "http" && !is_loopback(&url))
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
    fn only_plain_http_to_another_computer_is_refused_a_key() {
        for local in [
            "http://127.0.0.1:11434/v1",
            "http://127.8.9.10/v1",
            "http://127.1:8080",
            "http://[::1]:1234/v1",
            "http://[::ffff:127.0.0.1]/",
            "http://localhost:1234/v1",
            "http://LOCALHOST/v1",
            "https://api.openai.com/v1",
            "https://192.168.1.10/v1",
            "not a url",
        ] {
            assert!(!is_plain_http_to_another_computer(local), "{local}");
        }
        for remote in [
            "http://api.openai.com/v1",
            "http://192.168.1.10:11434/v1",
            "http://10.0.0.1/",
            "http://[fe80::1]/",
            "http://127.evil.example/v1",
            "http://localhost.evil.example/v1",
            "http://user:pw@127.0.0.1.nip.io/",
            " http://proxy.example/v1 ",
        ] {
            assert!(is_plain_http_to_another_computer(remote), "{remote}");
        }
    }

    #[test]
    fn an_origin_is_scheme_host_and_port_only() {
        let cases = [
            ("https://user:secret@api.openai.com/v1", Some("https://api.openai.com")),
            ("https://api.openai.com:443/v1/", Some("https://api.openai.com")),
            ("http://127.0.0.1:11434/v1", Some("http://127.0.0.1:11434")),
            ("HTTP://LocalHost:80/", Some("http://localhost")),
            ("http://[::1]:1234", Some("http://[::1]:1234")),
            ("ftp://example.com/", None),
            ("", None),
            ("api.openai.com", None),
        ];
        for (url, origin_of) in cases {
            assert_eq!(origin(url).as_deref(), origin_of, "{url}");
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
