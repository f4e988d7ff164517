//! A global allocator that counts every allocation (and reallocation) made through it, so that a
//! bench can print how many allocations one parsed event costs. It only counts; the memory comes
//! from the system allocator as usual.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

pub struct CountingAlloc;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

// SAFETY: every call is forwarded unchanged to `System`, which upholds the contract; the counters
// are plain atomics and never allocate.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Relaxed);
        BYTES.fetch_add(layout.size() as u64, Relaxed);
        System.alloc(layout)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Relaxed);
        BYTES.fetch_add(layout.size() as u64, Relaxed);
        System.alloc_zeroed(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }

    /// A growth is counted as an allocation: it usually moves the block, as a fresh one would.
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Relaxed);
        BYTES.fetch_add(new_size.saturating_sub(layout.size()) as u64, Relaxed);
        System.realloc(ptr, layout, new_size)
    }
}

/// Allocations made, and bytes requested, over some stretch of code.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    pub allocations: u64,
    pub bytes: u64,
}

/// Runs `f` and returns what it allocated (the whole process counts: run nothing else meanwhile).
pub fn counted<R>(f: impl FnOnce() -> R) -> (R, Counts) {
    let (a0, b0) = (ALLOCATIONS.load(Relaxed), BYTES.load(Relaxed));
    let result = f();
    let counts =
        Counts { allocations: ALLOCATIONS.load(Relaxed) - a0, bytes: BYTES.load(Relaxed) - b0 };
    (result, counts)
}
