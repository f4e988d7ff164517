//! Work on the CPU that can take a while inside an async step: building a request whose prompt
//! carries files (a PDF's text parsed, images encoded in base64: tens of milliseconds for large
//! ones). On a multi-threaded runtime (the app, `telltale serve`) the worker running it is handed
//! over for the time (`block_in_place`), so that other runs' streams go on meanwhile; on a
//! single-threaded one (the CLI's run) it simply runs, as there is nothing else to let through.

use tokio::runtime::{Handle, RuntimeFlavor};

/// Runs `work` without holding up the runtime's other tasks where the runtime allows it.
pub(crate) fn without_holding_workers<T>(work: impl FnOnce() -> T) -> T {
    match Handle::try_current().map(|runtime| runtime.runtime_flavor()) {
        Ok(RuntimeFlavor::MultiThread) => tokio::task::block_in_place(work),
        _ => work(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    /// Ticks of a task that wakes every millisecond, counted while `work` runs in another task.
    async fn ticks_during(work: Duration) -> usize {
        let ticks = Arc::new(AtomicUsize::new(0));
        let ticker = tokio::spawn({
            let ticks = Arc::clone(&ticks);
            async move {
                loop {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                    ticks.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
        // Let the ticker start, then do the work in a task of its own.
        tokio::time::sleep(Duration::from_millis(5)).await;
        let during = tokio::spawn({
            let ticks = Arc::clone(&ticks);
            async move {
                let before = ticks.load(Ordering::Relaxed);
                without_holding_workers(|| std::thread::sleep(work));
                ticks.load(Ordering::Relaxed) - before
            }
        })
        .await
        .expect("the work's task");
        ticker.abort();
        during
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn other_tasks_run_while_the_work_holds_the_only_worker() {
        // Without the hand-over, the one worker is busy for the whole 200 ms and the ticker never
        // runs; with it, the runtime gives the ticker another thread.
        assert!(ticks_during(Duration::from_millis(200)).await > 0);
    }

    #[tokio::test]
    async fn on_a_single_threaded_runtime_the_work_simply_runs() {
        assert_eq!(without_holding_workers(|| 6 * 7), 42);
    }
}
