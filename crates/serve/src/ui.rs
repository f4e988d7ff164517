//! The built UI (`ui/dist`: the same React app as the desktop window's) at `/`, with a transport
//! that speaks this API instead of Tauri's IPC. The files are served by tower-http's `ServeDir`
//! (paths kept inside the folder, content types, conditional and range requests, `HEAD`), behind
//! the token check like every route, with headers that keep the page to itself: a CSP that
//! allows this origin only, no referrer (the first address carries the token), no framing.

use std::path::{Path, PathBuf};

use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Router;
use tower_http::services::ServeDir;

/// The desktop window's policy (tauri.conf.json), with this origin in place of its IPC.
const CSP: &str = "default-src 'self'; script-src 'self'; connect-src 'self'; \
style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; \
form-action 'none'; frame-ancestors 'none'";

/// The UI's files from `dir`, or, with none, a page saying how to get them.
pub(crate) fn files(dir: Option<PathBuf>) -> Router {
    let router = match dir {
        Some(dir) => Router::new().fallback_service(ServeDir::new(dir)),
        None => Router::new().fallback(not_built),
    };
    router.layer(axum::middleware::map_response(page_headers))
}

async fn page_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // A rebuilt UI is picked up at once (the scripts' names change with their content anyway).
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

async fn not_built() -> Response {
    (
        StatusCode::NOT_FOUND,
        Html(
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Telltale</title>\
             </head><body><h1>The UI is not built</h1><p>Build it with <code>npm run ui:build</code> \
             (into <code>ui/dist</code>), or start <code>telltale serve --ui-dir DIR</code>. \
             The API under <code>/v1/</code> works without it.</p></body></html>\n",
        ),
    )
        .into_response()
}

/// Where the built UI is, when `--ui-dir` does not say: `ui` beside the executable (a packaged
/// install), `../share/telltale/ui` from it, then this source tree's `ui/dist` (a developer's
/// build). The first folder with an `index.html` wins.
pub fn find_ui_dir(executable: Option<&Path>) -> Option<PathBuf> {
    let beside = executable
        .and_then(Path::parent)
        .map(|bin| [bin.join("ui"), bin.join("../share/telltale/ui")]);
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/dist");
    beside.into_iter().flatten().chain([source]).find(|dir| dir.join("index.html").is_file())
}

#[cfg(test)]
mod tests {
    use super::find_ui_dir;

    #[test]
    fn a_ui_beside_the_executable_comes_first() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("ui")).unwrap();
        std::fs::write(dir.path().join("ui/index.html"), "<!doctype html>").unwrap();
        let found = find_ui_dir(Some(&dir.path().join("telltale")));
        assert_eq!(found, Some(dir.path().join("ui")));
    }

    #[test]
    fn a_folder_without_index_html_is_passed_over() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("ui")).unwrap();
        let found = find_ui_dir(Some(&dir.path().join("telltale")));
        assert_ne!(found, Some(dir.path().join("ui")));
    }
}
