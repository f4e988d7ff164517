//! The window never leaves the app: any navigation away from the app's own pages (a link that
//! slipped past the UI, a script a payload managed to run) is refused by the shell. Links meant
//! for the browser go through the `open_external` command instead.

use tauri::plugin::{Builder, TauriPlugin};
use tauri::{Runtime, Url};

/// Whether `url` is one of the app's own pages (the bundled UI on Linux, macOS or Windows).
pub fn is_app_page(url: &Url) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        "about" => url.path() == "blank",
        _ => false,
    }
}

/// A plugin that lets the window navigate only to the app's own pages.
pub fn guard<R: Runtime>() -> TauriPlugin<R> {
    Builder::new("navigation-guard")
        .on_navigation(|_webview, url| {
            let allowed = is_app_page(url);
            if !allowed {
                tracing::warn!(scheme = url.scheme(), "navigation away from the app refused");
            }
            allowed
        })
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_apps_own_pages_are_allowed() {
        for own in ["tauri://localhost/index.html", "http://tauri.localhost/", "about:blank"] {
            assert!(is_app_page(&Url::parse(own).unwrap()), "{own}");
        }
        for away in [
            "https://example.com/",
            "http://localhost:8080/",
            "http://tauri.localhost.evil.com/",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "data:text/html,<script>alert(1)</script>",
        ] {
            assert!(!is_app_page(&Url::parse(away).unwrap()), "{away}");
        }
    }
}
