//! The thread the runs are driven on: a tokio runtime of their own with one worker, for every
//! run's request, decoding, session relay and forwarding to the window. Handing each event
//! between the worker threads of Tauri's runtime cost CPU that, on a small machine, is taken
//! from WebKit's frames (a wake-up of the other thread per token; the CLI found the same). One
//! worker of a multi-threaded runtime rather than a current-thread runtime: a request whose
//! files take a while to encode hands that worker over for the time (`block_in_place`), so
//! other runs' streams go on. Commands, settings and MCP servers stay on Tauri's runtime; the
//! history writes on threads of its own.

use std::sync::OnceLock;

use tokio::runtime::{Builder, Handle, Runtime};

/// The runs' runtime: kept for the app's life (dropping it would stop every run).
static RUNS: OnceLock<Runtime> = OnceLock::new();

/// Starts the runs' runtime (once; later calls get the same one).
pub fn start() -> std::io::Result<Handle> {
    if let Some(runtime) = RUNS.get() {
        return Ok(runtime.handle().clone());
    }
    let runtime = Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("telltale-runs")
        .enable_all()
        .build()?;
    Ok(RUNS.get_or_init(|| runtime).handle().clone())
}
