//! Independent work spread over the machine's cores, results kept in input order so that
//! output never depends on scheduling.
//!
//! The work runs on rayon's pool: its threads are started once per process. New threads for
//! every call (about ten per compile, each faulting in its stack and its allocator's cache)
//! made a compile of a kubernetes-mixin-sized source 7% slower.

use rayon::prelude::*;
use std::num::NonZeroUsize;
use std::sync::OnceLock;

/// How many threads may run at once. Asked once: the standard library reads the cgroup's CPU
/// quota from several files each time, and a compile asks a few dozen times.
pub(crate) fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, NonZeroUsize::get))
}

/// `items.iter().map(f).collect()`, on up to as many threads as there are cores. Items are
/// handed out one at a time, so that a thread slowed by other work (the emitters run beside
/// each other) leaves the rest to the others.
pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    if cores() < 2 || items.len() < 2 {
        return items.iter().map(f).collect();
    }
    // A reference to a `Sync` closure may go to other threads; the closure itself need not.
    let f = &f;
    items.par_iter().with_max_len(1).map(f).collect()
}

/// Consumes `items`, calling `f` on each, on up to as many threads as there are cores.
pub(crate) fn map_owned<T: Send>(items: Vec<T>, f: impl Fn(T) + Sync) {
    map_into(items, f);
}

/// `items.into_iter().map(f).collect()`, on up to as many threads as there are cores, results
/// in input order: each item is dropped as soon as it is done with, so large items need not
/// all live at once. Items are handed out as [`map`]'s are.
pub(crate) fn map_into<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    if cores() < 2 || items.len() < 2 {
        return items.into_iter().map(f).collect();
    }
    let f = &f;
    items.into_par_iter().with_max_len(1).map(f).collect()
}

/// `(a(), b())`, the two on different cores when one is free.
pub(crate) fn both<A: Send, B: Send>(
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    if cores() < 2 {
        return (a(), b());
    }
    rayon::join(a, b)
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_input_order() {
        let items: Vec<u32> = (0..101).collect();
        assert_eq!(
            super::map(&items, |x| x * 2),
            items.iter().map(|x| x * 2).collect::<Vec<_>>()
        );
        for n in [0, 1, 2, 3, 7, 100, 101] {
            let items: Vec<u32> = (0..n).collect();
            let owned = super::map_into(items.clone(), |x| x * 2);
            assert_eq!(owned, items.iter().map(|x| x * 2).collect::<Vec<_>>());
        }
    }
}
