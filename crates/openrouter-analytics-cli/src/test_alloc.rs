//! Tests only: a global allocator that counts the allocations of the current thread,
//! and the bytes they hold at their peak, so that a test can check a piece of code
//! allocates nothing, or how much memory it takes at once (other tests running on
//! other threads do not disturb the counts).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

thread_local! {
    // `const` and without a destructor: reading them never allocates, which an
    // allocator's bookkeeping must not do.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
    // Bytes allocated on this thread less bytes freed on it: signed, since a thread
    // may free what another allocated.
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

struct Counting;

// SAFETY: every method forwards to `System` unchanged; the counts are a side effect.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        bump();
        grew(layout.size(), 0);
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        bump();
        grew(layout.size(), 0);
        // SAFETY: same contract as ours.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        bump();
        grew(new_size, layout.size());
        // SAFETY: same contract as ours.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        grew(0, layout.size());
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
}

fn bump() {
    // `try_with`: the slot may already be gone while the thread shuts down.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

/// Counts `added` bytes taken and `freed` bytes given back on this thread.
fn grew(added: usize, freed: usize) {
    let signed = |bytes: usize| isize::try_from(bytes).unwrap_or(isize::MAX);
    let _ = LIVE.try_with(|live| {
        let now = live
            .get()
            .saturating_add(signed(added))
            .saturating_sub(signed(freed));
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// How many allocations (and reallocations) `f` made on this thread.
pub fn count(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

/// What `f` returned, and the most heap bytes it held at once on this thread, above
/// what was held when it began (what it returns still held counts).
pub fn peak<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = LIVE.with(Cell::get);
    PEAK.with(|peak| peak.set(before));
    let value = f();
    let peak = PEAK.with(Cell::get) - before;
    (value, usize::try_from(peak).unwrap_or(0))
}
