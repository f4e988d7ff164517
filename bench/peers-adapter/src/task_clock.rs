//! CPU time of this adapter and every process and thread it starts, read at any moment: a
//! Linux `task-clock` perf counter opened with `inherit`, so that `telltale` (spawned after
//! it is opened) and all its threads, those already exited included, count into it. This is
//! how the adapter can say how much CPU was spent "from request to end of stream", as the
//! contract asks, while `telltale` is still finishing (saving the run) after the stream.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

/// `struct perf_event_attr` up to `PERF_ATTR_SIZE_VER0` (64 bytes).
#[repr(C)]
#[derive(Default)]
struct PerfEventAttr {
    kind: u32,
    size: u32,
    config: u64,
    sample_period: u64,
    sample_type: u64,
    read_format: u64,
    flags: u64,
    wakeup_events: u32,
    bp_type: u32,
    config1: u64,
}

const PERF_TYPE_SOFTWARE: u32 = 1;
const PERF_COUNT_SW_TASK_CLOCK: u64 = 1;
const FLAG_INHERIT: u64 = 1 << 1;
/// `PERF_FLAG_FD_CLOEXEC`: the counter is not passed on to `telltale` as an open fd.
const PERF_FLAG_FD_CLOEXEC: libc::c_ulong = 1 << 3;

pub struct TaskClock(OwnedFd);

impl TaskClock {
    /// The counter, or `None` where perf events are not allowed (then whole-process figures
    /// from rusage are used instead).
    pub fn open() -> Option<TaskClock> {
        let attr = PerfEventAttr {
            kind: PERF_TYPE_SOFTWARE,
            size: std::mem::size_of::<PerfEventAttr>() as u32,
            config: PERF_COUNT_SW_TASK_CLOCK,
            flags: FLAG_INHERIT,
            ..PerfEventAttr::default()
        };
        // SAFETY: `attr` is a valid perf_event_attr of the size it declares; pid 0 = this
        // process, cpu -1 = any, no group; the kernel only reads `attr`.
        let fd = unsafe {
            libc::syscall(
                libc::SYS_perf_event_open,
                &attr as *const PerfEventAttr,
                0,
                -1,
                -1,
                PERF_FLAG_FD_CLOEXEC,
            )
        };
        if fd < 0 {
            return None;
        }
        // SAFETY: the syscall returned a new file descriptor that nothing else owns.
        Some(TaskClock(unsafe { OwnedFd::from_raw_fd(fd as i32) }))
    }

    /// Nanoseconds of CPU so far, of this process and all it started.
    pub fn read_ns(&self) -> Option<u64> {
        let mut value = 0u64;
        // SAFETY: reads 8 bytes into `value` from a perf counter fd this struct owns.
        let n = unsafe { libc::read(self.0.as_raw_fd(), (&mut value as *mut u64).cast(), 8) };
        (n == 8).then_some(value)
    }
}
