//! How WebKitGTK draws the window. With no GPU, its accelerated compositing runs on Mesa's
//! software OpenGL, which is slower than drawing on the CPU directly. Measured in the real window
//! here (Xvfb, no GPU, release build, 2026-12-01): one code block streamed at 100 tokens/s was
//! painted at 9.7 frames/s with p99 174 ms from send to paint with compositing, and at 57 frames/s
//! with p99 27 ms without; prose at 100 tokens/s went from 28 to 63 frames/s (p99 56 → 21 ms).
//! The software GL compositor also crashed twice under a 50,000-token answer. So where the machine
//! has no GPU render node, compositing is turned off, unless the user set the variable themselves.
//!
//! Without compositing, WebKitWebDriver's screenshot of a page that has stopped changing can wait
//! forever for a paint that never comes (the window itself is drawn and responsive: both
//! processes sit idle in their main loops). The end-to-end tests therefore capture the X screen,
//! which also shows the pixels a user sees (e2e/webdriver.mjs).

use std::path::Path;

/// WebKitGTK reads this when it starts: "1" draws without accelerated compositing.
const DISABLE_COMPOSITING: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// Call first thing, before any thread starts and before WebKit is loaded.
pub fn choose() {
    #[cfg(target_os = "linux")]
    if std::env::var_os(DISABLE_COMPOSITING).is_none()
        && !has_gpu_render_node(Path::new("/dev/dri"))
    {
        // Nothing else runs yet, so no other thread reads the environment meanwhile.
        std::env::set_var(DISABLE_COMPOSITING, "1");
    }
}

/// Whether `dri` (normally /dev/dri) holds a GPU render node (`renderD128`…).
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn has_gpu_render_node(dri: &Path) -> bool {
    std::fs::read_dir(dri)
        .map(|entries| {
            entries.flatten().any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_render_node_means_a_gpu() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!has_gpu_render_node(&dir.path().join("missing")), "no /dev/dri at all");
        std::fs::write(dir.path().join("card0"), "").unwrap();
        assert!(!has_gpu_render_node(dir.path()), "a display card alone is no render node");
        std::fs::write(dir.path().join("renderD128"), "").unwrap();
        assert!(has_gpu_render_node(dir.path()));
    }
}
