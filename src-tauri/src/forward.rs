//! Sends a run's events to the one window that started it: each at once at a model's pace,
//! batched when tokens come faster (WebKitGTK takes only ~7,000–10,000 IPC messages a second).

use telltale_agent::batch::{forward_batched, MIN_GAP};
use telltale_protocol::Event;
use tauri::{AppHandle, Emitter, EventTarget, Runtime};
use tokio::sync::mpsc::UnboundedReceiver;

/// The Tauri event the webview listens to; its payload is `Event[]`.
pub const EVENTS: &str = "telltale://events";

pub async fn forward_to_window<R: Runtime>(app: AppHandle<R>, window_label: String, events: UnboundedReceiver<Event>) {
    let target = EventTarget::webview_window(window_label);
    forward_batched(events, MIN_GAP, |batch| {
        if let Err(error) = app.emit_to(target.clone(), EVENTS, batch) {
            tracing::warn!(%error, "could not send events to the window");
        }
    })
    .await;
}
